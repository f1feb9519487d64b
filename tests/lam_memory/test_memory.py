"""LAMMemory on real text (standard-library source as filler): updates, revisions, needle, two-hop, budgets,
persistence and crash safety."""

import json
import os
import signal
import subprocess
import sys
import sysconfig
import textwrap
import threading
import time
from pathlib import Path

import pytest
import torch

from lam_memory import LAMError, LAMMemory
from lam_memory.chunking import chunk_code, chunk_text
from lam_memory.config import MemoryConfig
from lam_memory.encoder import weights_id
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk

STDLIB = Path(sysconfig.get_paths()["stdlib"])
FILLER_FILES = ["argparse.py", "tarfile.py", "pathlib.py", "configparser.py", "ftplib.py", "smtplib.py", "imaplib.py",
                "subprocess.py", "zipfile/__init__.py", "calendar.py", "shutil.py", "typing.py"]  # fmt: skip

UPDATES = [
    "The billing service retry timeout is 30 seconds.",
    "Update: the billing service retry timeout is now 45 seconds.",
    "Change of plan: the billing service retry timeout was set to 90 seconds.",
    "Final decision: the billing service retry timeout is 120 seconds.",
]
REVISIONS = [
    "def compute_invoice_total(items):\n    total = 0\n    for item in items:\n        total += item.price\n"
    "    return total\n",
    "def compute_invoice_total(items):\n    subtotal = sum(item.price * item.quantity for item in items)\n"
    "    tax = subtotal * 0.2\n    return round(subtotal + tax, 2)\n",
]
NEEDLE = "The secret launch code for project Nebula is PURPLE-ELEPHANT-42."
HOP1 = "Marisol Vantongeren leads the Quasar project."
HOP2 = "The Quasar project stores its data in a Cassandra cluster."


def filler_chunks(target_tokens: int) -> list:
    chunks, total = [], 0
    for name in FILLER_FILES:
        for c in chunk_code((STDLIB / name).read_text(encoding="utf-8"), f"stdlib/{name}", "python"):
            chunks.append(c)
            total += count_tokens(c.text)
            if total >= target_tokens:
                return chunks
    return chunks


@pytest.fixture(scope="module")
def memory(tmp_path_factory):
    """~100K tokens: filler with updates, two code revisions, a needle and a two-hop pair spread through it."""
    path = tmp_path_factory.mktemp("mem") / "m"
    filler = filler_chunks(100_000)
    plants = {
        int(len(filler) * 0.05): chunk_text(NEEDLE, "notes/launch.md"),
        int(len(filler) * 0.10): chunk_text(UPDATES[0], "notes/ops-1.md"),
        int(len(filler) * 0.20): chunk_code(REVISIONS[0], "src/billing_v1.py", "python"),
        int(len(filler) * 0.30): chunk_text(HOP1, "notes/people.md"),
        int(len(filler) * 0.35): chunk_text(UPDATES[1], "notes/ops-2.md"),
        int(len(filler) * 0.55): chunk_text(UPDATES[2], "notes/ops-3.md"),
        int(len(filler) * 0.65): chunk_text(HOP2, "notes/infra.md"),
        int(len(filler) * 0.75): chunk_code(REVISIONS[1], "src/billing_v2.py", "python"),
        int(len(filler) * 0.85): chunk_text(UPDATES[3], "notes/ops-4.md"),
    }
    stream = []
    for i, c in enumerate(filler):
        stream.extend(plants.get(i, []))
        stream.append(c)
    mem = LAMMemory(path)
    mem.add_chunks(stream)
    mem.save()
    assert sum(count_tokens(c.text) for c in stream) >= 100_000
    yield mem
    mem.close()


def rank_of(hits, source):
    return next((i for i, h in enumerate(hits) if h.source == source), None)


def test_knowledge_update_latest_wins(memory):
    hits = memory.search("What is the billing service retry timeout?", k=10)
    ranks = [rank_of(hits, f"notes/ops-{i}.md") for i in range(1, 5)]
    assert ranks[3] is not None, hits
    assert all(r is None or r > ranks[3] for r in ranks[:3]), ranks
    ctx = memory.context("What is the billing service retry timeout?", budget_tokens=300)
    assert "120 seconds" in ctx.text


def test_code_revision_latest_body_wins(memory):
    hits = memory.search("how is compute_invoice_total calculated?", k=10)
    new, old = rank_of(hits, "src/billing_v2.py"), rank_of(hits, "src/billing_v1.py")
    assert new is not None and (old is None or new < old), [(h.source, h.score) for h in hits]


def test_needle(memory):
    ctx = memory.context("What is the secret launch code for project Nebula?", budget_tokens=500)
    assert "PURPLE-ELEPHANT-42" in ctx.text
    assert any(h.source == "notes/launch.md" for h in ctx.hits)


def test_two_hop_both_facts_in_context(memory):
    ctx = memory.context("Which database does the project led by Marisol Vantongeren use? Quasar project data",
                         budget_tokens=800)  # fmt: skip
    assert "Marisol Vantongeren" in ctx.text and "Cassandra" in ctx.text


def test_state_marks_superseded_versions(memory):
    """What the state still holds of each version: the latest update keeps the most, every stale one less."""
    hits = {h.source: h for h in memory.search("What is the billing service retry timeout?", k=64)}
    positions = torch.tensor([hits[f"notes/ops-{i}.md"].position for i in range(1, 5)])
    state = memory.state
    held = state.held(state.read(state.keys(memory._emb[positions])), state.codes(positions))
    assert held[3] > held[:3].max(), held


@pytest.mark.parametrize("budget", [60, 150, 400, 1000, 3000])
def test_context_never_exceeds_budget(memory, budget):
    for q in ("retry timeout", "how does argparse add an argument", "tarfile extract members", NEEDLE):
        ctx = memory.context(q, budget_tokens=budget)
        assert ctx.tokens <= budget and count_tokens(ctx.text) <= budget
        assert ctx.hits


def test_budget_too_small(memory):
    with pytest.raises(LAMError):
        memory.context("retry timeout", budget_tokens=2)


def test_persistence_round_trip(memory):
    again = LAMMemory(memory.path)
    try:
        assert len(again) == len(memory)
        assert again.state.count == memory.state.count
        a = memory.search("What is the billing service retry timeout?", k=5)
        b = again.search("What is the billing service retry timeout?", k=5)
        assert [(h.source, h.start_line) for h in a] == [(h.source, h.start_line) for h in b]
        assert [round(h.score, 5) for h in a] == [round(h.score, 5) for h in b]
    finally:
        again.close()


def test_in_ram_memory_and_empty():
    mem = LAMMemory()
    assert mem.search("anything") == []
    mem.add_messages([{"role": "user", "content": "My cat is called Miso."},
                      {"role": "assistant", "content": "Nice name!"}], source="chat")  # fmt: skip
    hits = mem.search("what is the cat called?", k=1)
    assert hits[0].role == "user" and "Miso" in hits[0].text
    with pytest.raises(LAMError):
        mem.search("   ")


def test_add_path_reports_progress_per_commit(tmp_path):
    (tmp_path / "a.py").write_text((STDLIB / "calendar.py").read_text())
    (tmp_path / "notes.md").write_text("Deploys happen on Fridays.\n\nRollbacks need two approvals.\n")
    mem = LAMMemory()
    calls = []
    added = mem.add_path(tmp_path, progress=lambda n, t: calls.append((n, t)))
    assert added == len(mem) > 2 and sum(n for n, _ in calls) == added
    assert len(calls) == 2  # one commit per file here (each under 256 chunks)
    texts = [c.text for c in mem.store.iter_chunks(start=0)]
    assert sum(t for _, t in calls) == sum(max(1, count_tokens(x)) for x in texts)
    calls.clear()
    chunks = [Chunk(f"Fact {i}: item {i} weighs {i} kg.", "facts.md", i + 1, i + 1) for i in range(40)]
    small = LAMMemory(config=MemoryConfig(commit_every=16))
    small.add_chunks(chunks, progress=lambda n, t: calls.append((n, t)))
    assert [n for n, _ in calls] == [16, 16, 8]


def test_config_is_saved_and_used_on_reopen(tmp_path):
    """A memory's config and encoder id live in its meta.json; reopening uses them, a different config is refused."""
    path = tmp_path / "m"
    cfg = MemoryConfig(rate_fast=0.05, chunk_tokens=128)
    with LAMMemory(path, config=cfg) as mem:
        mem.add("The deploy window is Thursday.\n\nRollbacks need two approvals.", source="ops.md")
        mem.save()
        encoder_id = mem.encoder.encoder_id
    meta = json.loads((path / "meta.json").read_text())
    assert meta["config"] == cfg.to_json() and meta["encoder"] == encoder_id == weights_id()
    with LAMMemory(path) as again:  # no config given: the saved one, not the defaults
        assert again.config == cfg and again.stats()["config"]["rate_fast"] == 0.05
    with pytest.raises(LAMError, match="different config .*rate_fast"):
        LAMMemory(path, config=MemoryConfig())


def test_format_1_memory_is_migrated(tmp_path):
    """A memory written before configs were saved (format 1) opens with the constants it was written with (the
    defaults) and its meta.json is upgraded in place; a different encoder id says what to do."""
    path = tmp_path / "m"
    with LAMMemory(path) as mem:
        mem.add("Retries are capped at five.", source="ops.md")
        mem.save()
    meta = json.loads((path / "meta.json").read_text())
    old = {k: v for k, v in meta.items() if k != "config"} | {"format_version": 1}
    (path / "meta.json").write_text(json.dumps(old))
    with LAMMemory(path) as mem:
        assert mem.config == MemoryConfig() and len(mem) == 1
    meta = json.loads((path / "meta.json").read_text())
    assert meta["format_version"] == 2 and meta["config"] == MemoryConfig().to_json() and meta["migrated_from"] == 1
    (path / "meta.json").write_text(json.dumps({**meta, "encoder": "lam-encoder-v4"}))
    with pytest.raises(LAMError, match="built with encoder 'lam-encoder-v4'.*re-ingest into a new memory"):
        LAMMemory(path)


def test_the_lexical_query_reads_the_rarest_terms_within_the_configs_budget(tmp_path, monkeypatch):
    """`lexical_postings` reaches the lexical query: "deploy", held by 21 chunks, is left out where the query may
    read 8 chunks, so the rare name decides the lexical candidates; a memory saved with the per-term bound of
    older versions (`lexical_common`) opens with the budget's default."""
    path = tmp_path / "m"
    with LAMMemory(path, config=MemoryConfig(lexical_postings=8)) as mem:
        mem.add_messages([{"role": "user", "content": f"The deploy of service-{i} went fine."} for i in range(20)])
        mem.add_messages([{"role": "user", "content": "Kestrel owns the deploy calendar."}])
        mem.save()
        found = []
        lexical = mem.store.lexical
        monkeypatch.setattr(mem.store, "lexical", lambda *a: found.append(lexical(*a)) or found[-1])
        assert mem.search("Kestrel deploy", k=3)[0].text == "Kestrel owns the deploy calendar."
        assert [p for p, _ in found[-1]] == [20]
        assert len(lexical("Kestrel deploy", 64, mem.config.lexical_columns)) == 21  # without the budget
    meta = json.loads((path / "meta.json").read_text())
    del meta["config"]["lexical_postings"]
    (path / "meta.json").write_text(json.dumps({**meta, "config": {**meta["config"], "lexical_common": 8}}))
    with LAMMemory(path) as mem:
        assert mem.config.lexical_postings == MemoryConfig().lexical_postings == 8192


def test_bad_config_values_are_clear_errors():
    for bad in ({"key_dim": 0}, {"winners": 4096}, {"rate_fast": float("nan")}, {"mix": (0.5, 2.0)}):
        with pytest.raises(LAMError, match="MemoryConfig"):
            MemoryConfig(**bad)


def test_messages_read_back_a_transcript_in_order():
    mem = LAMMemory(config=MemoryConfig(chunk_tokens=32))
    long = "\n\n".join(f"Paragraph {i} says something about the release plan for version {i}." for i in range(6))
    mem.add_messages([{"role": "user", "content": "hello"}, {"role": "assistant", "content": long}], source="s")
    mem.add_messages([{"role": "user", "content": "and later"}], source="s")  # numbering continues: line 3
    got = mem.messages("s")
    assert [(m["role"], m["line"]) for m in got] == [("user", 1), ("assistant", 2), ("user", 3)]
    assert got[1]["content"].split() == long.split() and len(mem) > 3  # the long one was split, then rejoined
    assert mem.messages("nothing") == []
    last = mem.search("and later", k=1)[0]
    assert last.start_line == 3 and mem.forget(ids=[last.position]) == 1
    assert [m["line"] for m in mem.messages("s")] == [1, 2]  # a forgotten message is not read back


def test_sigkill_during_ingest_keeps_committed_chunks(tmp_path):
    """Kill -9 an ingest mid-way; the memory loads with every committed chunk and a state that covers them."""
    path = tmp_path / "m"
    progress = tmp_path / "committed"
    script = textwrap.dedent(f"""
        import os, sys
        from lam_memory import LAMMemory
        from lam_memory.chunking import chunk_code
        src = open({str(STDLIB / "argparse.py")!r}).read()
        chunks = chunk_code(src, "argparse.py", "python")
        mem = LAMMemory({str(path)!r})
        for i in range(0, 10_000, 8):
            mem.add_chunks(chunks[i % len(chunks): i % len(chunks) + 8])
            if i % 32 == 0:
                mem.save()
            with open({str(progress)!r}, "w") as f:
                f.write(str(len(mem)))
                f.flush(); os.fsync(f.fileno())
    """)
    proc = subprocess.Popen([sys.executable, "-c", script])
    deadline = time.time() + 240
    while time.time() < deadline and (not progress.exists() or int(progress.read_text() or 0) < 40):
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    committed = int(progress.read_text())
    assert committed >= 40
    mem = LAMMemory(path)
    try:
        assert len(mem) >= committed  # the kill may land after a commit and before the progress write
        assert mem.state.count == len(mem)  # replayed past the last saved state
        assert mem.search("parse command line arguments", k=3)
    finally:
        mem.close()


def test_newer_format_rejected(tmp_path):
    mem = LAMMemory(tmp_path / "m")
    mem.close()
    meta = json.loads((tmp_path / "m" / "meta.json").read_text())
    meta["format_version"] = 99
    (tmp_path / "m" / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(LAMError, match="newer|version"):
        LAMMemory(tmp_path / "m")


def test_chunks_list_what_a_source_holds_in_order():
    mem = LAMMemory()
    mem.add("def a():\n    return 1\n\n\ndef b():\n    return 2\n", source="m.py")
    mem.add("Unrelated notes.", source="notes.md")
    got = mem.chunks("m.py")
    assert [c.text.split("(")[0] for c in got] == ["def a", "def b"] and {c.kind for c in got} == {"code"}
    assert [c.position for c in got] == sorted(c.position for c in got) and mem.chunks("nothing") == []
    mem.forget(ids=[got[0].position])
    assert [c.position for c in mem.chunks("m.py")] == [got[1].position]
    with pytest.raises(LAMError, match="source must be a str"):
        mem.chunks(None)


def test_the_lexical_query_runs_beside_the_encoding_and_is_awaited(tmp_path, monkeypatch):
    """A search runs its lexical query on a worker thread while it encodes the query; when the encoding fails, the
    search still waits for that query before it raises, so the archive is never left in use by another thread."""
    mem = LAMMemory(tmp_path / "mem")
    mem.add("The deploy window is Friday at 16:00.", source="notes.md")
    real, seen = mem.store.lexical, []

    def slow(*args):
        time.sleep(0.3)
        found = real(*args)
        seen.append(threading.get_ident())
        return found

    monkeypatch.setattr(mem.store, "lexical", slow)
    assert mem.search("deploy window")[0].text.startswith("The deploy window")
    assert seen and seen[0] != threading.get_ident()

    def fail(*args, **kwargs):
        raise RuntimeError("encoder failed")

    monkeypatch.setattr(mem.encoder, "encode", fail)
    with pytest.raises(RuntimeError, match="encoder failed"):
        mem.search("deploy window")
    assert len(seen) == 2  # finished before the error reached the caller
    mem.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_child_searches_without_the_parents_worker_thread(tmp_path):
    """The worker thread of the lexical query does not survive a fork: a child that searches starts its own
    (it would otherwise wait forever for a thread that is not there)."""
    mem = LAMMemory(tmp_path / "mem")
    mem.add("The deploy window is Friday at 16:00.", source="notes.md")
    assert mem.search("deploy window")  # the parent's worker thread exists now
    pid = os.fork()
    if pid == 0:  # the child: exit 0 only if its search returns the fact
        code = 1
        try:
            signal.alarm(30)
            code = 0 if mem.search("deploy window")[0].text.startswith("The deploy window") else 1
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    mem.close()
