"""`lam bench memory`: the mixed code + transcript stream it ingests."""

from __future__ import annotations

import argparse
import json
import random

import pytest

from evals.bench import main as bench_main
from evals.memory.bench import SITE, STDLIB, _code_files, mixed_stream
from lam_memory import LAMError, LAMMemory
from lam_memory.tokens import count_tokens


def test_mixed_stream_stops_at_the_target():
    chunks = list(mixed_stream(5000, seed=1))
    assert [c.text for c in mixed_stream(5000, seed=1)] == [c.text for c in chunks]
    total = sum(count_tokens(c.text) for c in chunks)
    assert total >= 5000 and total - count_tokens(chunks[-1].text) < 5000


def test_code_files_take_the_standard_library_first_and_leave_tests_out():
    files = _code_files(random.Random(0))
    roots = [root for root, _ in files]
    assert roots[0] == STDLIB and roots == sorted(roots, key=lambda r: r != STDLIB)  # site-packages only after
    assert not any({"test", "tests"} & set(p.relative_to(root).parts) for root, p in files if root == SITE)
    assert not any("test" in p.relative_to(root).parts for root, p in files)


def test_bench_memory_row_through_the_command(tmp_path, capfd):
    """`lam bench memory --sizes 3k --keep DIR`: one row in a fresh process with the sizes a 10M row is judged by,
    its memory kept for later study."""
    out, kept = tmp_path / "bench.json", tmp_path / "kept"
    args = argparse.Namespace(target="memory", sizes="3k", quick=False, mcp=False, json=str(out), keep=str(kept))
    assert bench_main(args) == 0
    (row,) = json.loads(out.read_text())["rows"]
    assert row["tokens_ingested"] >= 3 * 1024
    assert row["keys_in_ram_bytes"] == row["chunks"] * 384 * (4 + 2)
    assert 0 < row["lexical_index_bytes"] < row["archive_bytes"]
    assert row["state_bytes"] > 0 and row["query_p50_ms"] <= row["query_p95_ms"]
    assert row["load_average_1m"] >= 0
    assert f"{row['tokens_ingested']:,} of {row['tokens_ingested']:,} tokens ingested" in capfd.readouterr().err
    with LAMMemory(kept / "tokens-3072" / "mem", readonly=True) as mem:
        assert len(mem) == row["chunks"]
    with pytest.raises(LAMError, match="already exists"):
        bench_main(args)  # refused before any work: a kept memory is never overwritten

    # `lam bench memory --memory DIR`: queries on the kept memory, the search as it ships beside its reference
    timed = tmp_path / "queries.json"
    again = argparse.Namespace(target="memory", sizes=None, quick=False, mcp=False, keep=None, json=str(timed))
    again.memory = str(kept / "tokens-3072" / "mem")
    assert bench_main(again) == 0
    (q,) = json.loads(timed.read_text())["rows"]
    assert q["chunks"] == row["chunks"] and 0 < q["queries"] <= 100
    assert q["same_context"] == q["queries"]  # a small memory: the float32 scan and every term either way
    assert 0 < q["shipped_p50_ms"] <= q["shipped_p95_ms"] and 0 < q["reference_p50_ms"] <= q["reference_p95_ms"]
    with pytest.raises(LAMError, match="leave out --sizes"):
        bench_main(argparse.Namespace(**{**vars(again), "sizes": "3k"}))
    with pytest.raises(LAMError, match="not a memory folder"):
        bench_main(argparse.Namespace(**{**vars(again), "memory": str(tmp_path)}))
