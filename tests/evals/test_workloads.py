"""`lam bench workloads`: the workloads it builds, MiniLM's windows, the load it starts and stops, its rows."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from evals.workloads import (
    WINDOW,
    _targets,
    bench_workloads,
    build_workload,
    busy_load,
    continuation_ids,
    encoder_texts,
    main,
    split_windows,
    window_texts,
)
from lam_memory import LAMError
from lam_memory.encoder import Tokenizer
from lam_memory.tokens import count_tokens


def _alive(pid: int) -> bool:
    try:
        import psutil
    except ImportError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


@pytest.fixture(scope="module")
def tok() -> Tokenizer:
    return Tokenizer()


@pytest.mark.parametrize("name", ["code", "prose", "chat"])
def test_workloads_build_from_installed_files_cut_to_the_budget(name):
    chunks = build_workload(name, 3000)
    total = sum(count_tokens(c.text) for c in chunks)
    assert total >= 3000 and total - count_tokens(chunks[-1].text) < 3000  # within one chunk
    assert all(count_tokens(c.text) <= 256 for c in chunks)  # what `lam ingest` cuts to
    assert [c.text for c in build_workload(name, 3000)] == [c.text for c in chunks]
    kinds = {c.kind for c in chunks}
    if name == "code":
        assert kinds == {"code"} and {c.source.split("/")[0] for c in chunks} == {"rich", "stdlib"}
    elif name == "prose":
        assert kinds == {"text"}
    else:  # LoCoMo speakers as roles, which LAM (and so every model here) reads before the text
        assert kinds == {"message"} and all(c.role for c in chunks)
        assert len({c.role for c in chunks}) >= 2
        assert all(t == f"{c.role}: {c.text}" for c, t in zip(chunks, encoder_texts(chunks), strict=True))


def test_windows_cover_every_piece_once_at_word_boundaries():
    cont = {1}
    words = ([0] + [1] * 9) * 100  # 100 words of 10 pieces
    windows = split_windows(words, cont)
    assert sum(windows, []) == words and all(len(w) <= WINDOW - 2 for w in windows)
    assert all(w[0] == 0 for w in windows)  # never starts inside a word
    giant = [0] + [1] * 600  # one word longer than a window: cut inside it
    windows = split_windows(giant, cont)
    assert sum(windows, []) == giant and [len(w) for w in windows] == [254, 254, 93]
    assert split_windows([], cont) == [] and split_windows([5], cont) == [[5]]


def test_windows_of_real_chunks(tok):
    cont = continuation_ids(tok)
    texts = encoder_texts(build_workload("code", 3000))
    texts.append("\n".join(texts))  # one long text: many windows
    for ids in tok(texts, special=False):
        windows = split_windows(ids, cont)
        assert sum(windows, []) == ids
        assert all(0 < len(w) and len(w) + 2 <= WINDOW for w in windows)  # with [CLS] and [SEP]
    read = tok(window_texts(tok, texts, cont), special=False)
    assert max(len(ids) for ids in read) <= WINDOW - 2  # decoded windows tokenize back within MiniLM's limit
    assert sum(len(ids) for ids in read) == pytest.approx(sum(len(ids) for ids in tok(texts, special=False)), rel=0.01)


class Boom(Exception):
    pass


def test_load_processes_are_gone_after_the_block():
    with busy_load(2) as pids:
        assert len(pids) == 2 and all(_alive(p) for p in pids)
    assert not any(_alive(p) for p in pids)
    with pytest.raises(Boom), busy_load(1) as pids:
        assert all(_alive(p) for p in pids)
        raise Boom
    assert not any(_alive(p) for p in pids)
    with pytest.raises(KeyboardInterrupt), busy_load(1) as pids:
        raise KeyboardInterrupt
    assert not any(_alive(p) for p in pids)


def test_targets_compare_lam_with_minilm_windows():
    def row(w, m, rate, slowdown):
        return {"workload": w, "model": m, "tokens_per_s": rate, "contended_tokens_per_s": rate / slowdown,
                "slowdown": slowdown}  # fmt: skip

    rows = [row("code", "lam", 6000, 2.0), row("code", "minilm-windows", 5000, 1.5)]
    rows += [row("chat", "lam", 3000, 1.2), row("chat", "minilm-windows", 4000, 1.5)]
    assert _targets(rows) == {
        "code_lam_ge_minilm_windows_quiet": True,
        "code_lam_ge_minilm_windows_contended": False,  # 3000 < 3333
        "code_lam_slowdown_le_minilm_windows": False,
        "chat_lam_ge_minilm_windows_quiet": False,
        "chat_lam_ge_minilm_windows_contended": False,  # 2500 < 2667
        "chat_lam_slowdown_le_minilm_windows": True,
        "code_lam_ge_5000_cl100k_per_s_quiet": True,
    }


def test_cli_registers_the_target():
    from lam_memory.cli import build_parser

    args = build_parser().parse_args(["bench", "workloads", "--tokens", "500", "--load", "0"])
    assert (args.target, args.tokens, args.load, args.handler) == ("workloads", 500, 0, "evals.bench:main")
    assert build_parser().parse_args(["bench", "workloads"]).load == 2
    args = build_parser().parse_args(["bench", "workloads", "--models", "lam,minilm-windows", "--workloads", "x"])
    with pytest.raises(LAMError, match="--workloads takes a comma list of code, prose, chat"):
        main(args)


def test_one_row_end_to_end():
    """A LAM row on a tiny chat workload, quiet and under one busy process, in its own process."""
    result = bench_workloads(300, load=1, workloads=["chat"], models=["lam"])
    (row,) = result["rows"]
    assert row["tokens"] >= 300 and row["pieces"] == row["pieces_read"] > row["tokens"] / 2
    assert row["seconds"] > 0 and row["contended_seconds"] > 0 and row["peak_rss_mb"] > 100
    assert row["tokens_per_s"] == pytest.approx(row["tokens"] / row["seconds"], rel=0.01)
    assert row["slowdown"] == pytest.approx(row["contended_seconds"] / row["seconds"], abs=0.01)
    assert result["cpu_count"] == os.cpu_count() and len(result["loadavg_before"]) == 3


@pytest.mark.slow
def test_bench_workloads_command(tmp_path: Path, capsys):
    out = tmp_path / "wl.json"
    from lam_memory.cli import build_parser

    args = build_parser().parse_args(["bench", "workloads", "--tokens", "1500", "--load", "1", "--json", str(out)])
    assert main(args) == 0
    result = json.loads(out.read_text())
    assert [(r["workload"], r["model"]) for r in result["rows"]] == [
        (w, m) for w in ("code", "prose", "chat") for m in ("lam", "minilm-windows", "minilm-truncated")
    ]
    for r in result["rows"]:
        assert r["pieces_read"] <= r["pieces"] and r["slowdown"] > 0
        assert r["pieces_read"] >= (0.9 if r["model"] == "minilm-truncated" else 0.99) * r["pieces"]
    assert len(result["targets"]) == 10
    assert "minilm-truncated" in capsys.readouterr().out
