"""Versions: the version state against the reference recurrence, its vote at scale, and files read again as
revisions (rewritten, unchanged, removed, resumed, forgotten)."""

from __future__ import annotations

import math
import random

import pytest
import torch

from lam_memory import LAMError, LAMMemory
from lam_memory.ops import lam_recurrent
from lam_memory.types import Chunk
from lam_memory.versions import VersionState, slot_of

V1 = '''"""Retry helpers."""


def backoff_seconds(attempt):
    """How long to wait before retry number `attempt`."""
    return 2 ** attempt


def give_up(attempt):
    """Whether to stop retrying."""
    return attempt > 5


def jitter(x):
    """Random spread added to a delay."""
    return x * 0.1
'''
V2 = V1.replace("return 2 ** attempt", "return min(60, 0.5 * 3 ** attempt)  # capped exponential")
V3 = V2.replace(
    '''

def jitter(x):
    """Random spread added to a delay."""
    return x * 0.1
''',
    "\n",
)


def test_version_state_equals_the_reference_recurrence():
    """A slot write is the delta rule with beta = 1 and no decay: ops.lam_recurrent on the dense keys agrees."""
    vs = VersionState(dim=64, winners=4, value_dim=8)
    rng = random.Random(0)
    slots = [f"a.py:f{rng.randrange(6)}" for _ in range(30)]
    values = torch.randn(30, 8)
    keys = torch.zeros(30, 64)
    for t, slot in enumerate(slots):
        keys[t, vs.key(slot)] = 1 / math.sqrt(4)
        vs.write(slot, values[t])
    k, v = keys.view(1, 1, 30, 64), values.view(1, 1, 30, 8)
    ones, zeros = torch.ones(1, 1, 30), torch.zeros(1, 1, 2, 30)
    _, S = lam_recurrent(k, k, v, ones, zeros, ones, torch.zeros(1, 2))
    torch.testing.assert_close(vs.V, S[0, 0, 0], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(vs.V, torch.zeros_like(vs.V))


def test_vote_is_decisive_after_ten_thousand_later_writes():
    """200 slots revised early (3 versions each), then 10,000 other slots written: every early slot still names its
    latest version, by a wide margin over the stale codes (measured: smallest margin 0.26 of a full match of 1; the
    crosstalk a stale code reads is ~0.03)."""
    vs = VersionState(dim=16384, winners=8, value_dim=128)
    g = torch.Generator().manual_seed(0)
    codes = (torch.randint(0, 2, (600 + 10_000, 128), generator=g).float() * 2 - 1) / math.sqrt(128)
    for v in range(3):
        for s in range(200):
            vs.write(f"early:{s}", codes[v * 200 + s])
    for s in range(10_000):
        vs.write(f"later:{s}", codes[600 + s])
    margins = []
    for s in range(200):
        members = torch.stack([codes[v * 200 + s] for v in range(3)])
        owner, match = vs.owner(f"early:{s}", members)
        assert owner == 2
        margins.append(match - float((members[:2] @ vs.read(f"early:{s}")).max()))
    assert min(margins) > 0.15, min(margins)


def test_slots_name_units_of_code_by_path_tail_and_qualified_name():
    unit = Chunk("def f(): ...", "httpx-0.27.0/httpx/_models.py", 1, 1, kind="code", meta={"symbol": "R.f", "unit": 1})
    assert slot_of(unit) == "httpx/_models.py:R.f"
    part2 = Chunk("...", "src/httpx/_models.py", 9, 20, kind="code", meta={"symbol": "R.f", "unit": 1, "part": 2})
    assert slot_of(part2) == "httpx/_models.py:R.f#2"
    gap = Chunk("x = 1", "a/b.py", 1, 1, kind="code", meta={"symbol": "R"})  # class-level code, not a unit
    assert slot_of(gap) is None and slot_of(Chunk("text", "a.md", 1, 1)) is None


@pytest.mark.parametrize(
    ("text", "slot"),
    [
        ("# keep it small\n@cache\ndef g(x):\n    return x\n", "a/b.py:g"),
        ("    async def h(self):\n        pass\n", "a/b.py:h"),  # a method cut out of its class, indented
        ("class K:\n    x = 1\n", "a/b.py:K"),
        ("def g():\n    pass\n\ndef h():\n    pass\n", None),  # two units: which one would it revise?
        ("import os\nx = 1\n", None),
        ("function g() { return 1; }\n", None),
        ("def g(\x00):\n", None),
    ],
)
def test_code_chunked_elsewhere_has_a_slot_when_it_is_one_python_unit(text, slot):
    assert slot_of(Chunk(text, "repo/a/b.py", 1, 2, kind="code")) == slot
    assert slot_of(Chunk(text, "repo/a/b.py", 1, 2, kind="text")) is None


def test_code_given_to_add_chunks_without_unit_meta_is_versioned_by_name():
    mem = LAMMemory()
    old = "def fee(amount):\n    return amount * 0.02\n"
    new = "def fee(amount, days_late):\n    return amount * 0.02 * days_late\n"
    other = "def fee(amount):\n    return 0\n"  # same name in another file: another unit
    mem.add_chunks([Chunk(old, "svc/billing/fees.py", 1, 2, kind="code"), Chunk(other, "svc/shop/fees.py", 1, 2,
                    kind="code"), Chunk(new, "svc/billing/fees.py", 1, 2, kind="code")])  # fmt: skip
    hits = {h.text: h for h in mem.search("current implementation of fee in billing/fees.py", k=3)}
    assert hits[new].rank < hits[old].rank and hits[old].superseded_by == "svc/billing/fees.py:1-2"
    assert hits[other].superseded_by is None


@pytest.fixture()
def repo(tmp_path):
    (tmp_path / "repo").mkdir()
    (tmp_path / "repo" / "retry.py").write_text(V1)
    return tmp_path / "repo"


def test_rewritten_function_reingested_supersedes_the_old_body(repo, tmp_path):
    mem = LAMMemory(tmp_path / "mem")
    assert mem.add_path(repo) == 4  # module docstring + three functions
    assert mem.add_path(repo) == 0  # same content: nothing added
    (repo / "retry.py").write_text(V2)
    assert mem.add_path(repo) == 1  # only the rewritten function
    hits = mem.search("how long to wait before retry attempt backoff_seconds", k=3)
    assert "capped exponential" in hits[0].text and hits[0].superseded_by is None and hits[0].rank == 1
    stale = [h for h in hits if "return 2 ** attempt" in h.text]
    assert stale and stale[0].superseded_by == f"{hits[0].source}:{hits[0].start_line}-{hits[0].end_line}"
    assert hits[0].start_line < hits[0].end_line  # a multi-line unit is cited by its range
    ctx = mem.context("backoff_seconds retry wait", budget_tokens=400)
    assert ctx.text.index("capped exponential") < ctx.text.index("return 2 ** attempt")
    assert "(superseded by " in ctx.text and ctx.hits[0].superseded_by is None
    mem.save()
    mem.close()
    again = LAMMemory(tmp_path / "mem")  # the version state was saved with the memory
    assert "capped exponential" in again.search("backoff_seconds", k=1)[0].text


def test_removed_unit_is_gone_and_moved_units_keep_their_lines(repo):
    mem = LAMMemory()
    mem.add_path(repo)
    (repo / "retry.py").write_text(V3.replace('"""Retry helpers."""', '"""Retry helpers.\n\nMore words."""'))
    mem.add_path(repo)
    assert all("Random spread" not in h.text for h in mem.search("random spread jitter delay", k=10))
    live = mem.store.live_chunks(str(repo / "retry.py"))
    give_up = next(c for c in live if "def give_up" in c.text)
    assert (
        V3.replace('"""Retry helpers."""', '"""Retry helpers.\n\nMore words."""')
        .splitlines()[give_up.start_line - 1]
        .startswith("def give_up")
    )


def test_resumed_ingest_adds_no_duplicate(repo):
    """A run killed after some of a file's chunks were committed but before the file was recorded as read: the
    next run adds only what is missing."""
    mem = LAMMemory()
    from lam_memory.chunking import chunk_file

    chunks = chunk_file(repo / "retry.py")
    mem.add_chunks(chunks[:2])  # what the killed run committed
    assert mem.add_path(repo) == len(chunks) - 2
    assert sorted(c.text for c in mem.store.live_chunks(str(repo / "retry.py"))) == sorted(c.text for c in chunks)


def test_forgotten_source_is_never_returned_again(repo, tmp_path):
    (repo / "notes.md").write_text("The staging deploy window is Thursday 14:00.\n\nRollbacks need two approvals.\n")
    mem = LAMMemory(tmp_path / "mem")
    mem.add_path(repo)
    src = str(repo / "notes.md")
    assert any(h.source == src for h in mem.search("staging deploy window", k=3))
    n = mem.stats()["sources_detail"][src]
    assert mem.forget(source=src) == n >= 1
    assert all(h.source != src for h in mem.search("staging deploy window", k=20))
    assert src not in mem.stats()["sources_detail"]
    mem.close()
    again = LAMMemory(tmp_path / "mem")
    assert all(h.source != src for h in again.search("staging deploy window", k=20))
    assert again.add_path(repo) == n  # forgotten, so reading the file again adds it afresh
    ids = [h.position for h in again.search("rollbacks approvals", k=1)]
    assert again.forget(ids=ids) == 1 and all(h.position not in ids for h in again.search("rollbacks", k=20))
    with pytest.raises(LAMError, match="no chunk with id"):
        again.forget(ids=[10_000])
    with pytest.raises(LAMError, match="needs a source or chunk ids"):
        again.forget()


def test_forgetting_the_current_version_hands_the_slot_back(repo):
    mem = LAMMemory()
    mem.add_path(repo)
    (repo / "retry.py").write_text(V2)
    mem.add_path(repo)
    new = mem.search("backoff_seconds capped exponential", k=1)[0]
    assert "capped exponential" in new.text
    mem.forget(ids=[new.position])
    hit = mem.search("backoff_seconds", k=1)[0]
    assert "return 2 ** attempt" in hit.text and hit.superseded_by is None
