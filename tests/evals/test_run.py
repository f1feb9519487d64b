"""`lam eval all` (evals/run.py) and its report (evals/report.py): the report's tables from sample JSONs, the coding
generation part skipped when the endpoint is down, and the runner's wiring with the heavy suites replaced."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from evals import run
from evals.coding import cli
from evals.report import write_report


def _sample_out(tmp_path):
    out = tmp_path / "all"
    out.mkdir()
    sts = {k: {s: {"pearson": 80.0 + i, "spearman": 79.0 + i} for s in ("test", "dev")} for i, k in
           enumerate(("lam", "teacher"))}  # fmt: skip
    (out / "sts_b.json").write_text(json.dumps(sts))
    row = {"family": "synthetic", "size": 32768, "size_label": "32k", "method": "lam", "recall": 0.783,
           "latest_wins": 0.833, "latest_in_context": 0.75, "context_tokens": 480.0, "ingest_s": 12.5,
           "query_ms": 40.1, "questions": 48}  # fmt: skip
    (out / "memory.json").write_text(json.dumps({"budget": 500, "seed": 0, "rows": [row, row | {"method": "bm25"}]}))
    (out / "memory.png").write_bytes(b"\x89PNG\r\n")
    oracle = {"suite": "humaneval", "problems": 164, "canonical_pass_rate": 1.0, "wrong_pass_rate": 0.0,
              "failures": [], "seconds": 61.0}  # fmt: skip
    (out / "oracle_humaneval.json").write_text(json.dumps(oracle))
    meta = {"model": "smollm2-135m-instruct", "temperature": 0.0, "max_tokens": 768, "base_url": "local"}
    plain = {"problems": 5, "passed": 1, "pass_at_1": 0.2, "mode": "plain", "suite": "humaneval", "meta": meta}
    memory = plain | {"mode": "memory", "passed": 0, "pass_at_1": 0.0, "evidence_recall": 0.85,
                      "context_tokens": 1410.0, "meta": meta | {"budget": 1500, "seed": 0},
                      "history": {"tokens": 116021}}  # fmt: skip
    (out / "coding_humaneval_plain.json").write_text(json.dumps(plain))
    (out / "coding_humaneval_memory.json").write_text(json.dumps(memory))
    (out / "coding_generation.json").write_text(json.dumps({"modes": {"plain": "ok", "memory": "ok"}}))
    return out


def test_report_md_from_sample_jsons(tmp_path):
    out = _sample_out(tmp_path)
    text = write_report(out).read_text()
    for needle in (
        "## STS-B",
        "| LAM encoder | 80.00 | 79.00 |",
        "## Memory suite",
        "| synthetic | 32k | lam | 0.783 | 0.833 |",
        "![memory suite: evidence recall vs context length](memory.png)",
        "| humaneval | 164 | 1.000 | 0.000 | 0 | 61.0 |",
        "Model: smollm2-135m-instruct",
        "| humaneval | plain | smollm2-135m-instruct | 5 | 1 | 0.200 | n/a |",
        "| humaneval | memory | smollm2-135m-instruct | 5 | 0 | 0.000 | 0.850 | 1410 | 1500 | 116,021 |",
        "135M",
        "Llama 3.3 70B Instruct on vLLM",
    ):
        assert needle in text, needle
    assert text.index("| plain |") < text.index("| memory |")


def test_eval_all_coding_part_is_skipped_when_the_endpoint_is_down(tmp_path):
    out = tmp_path / "all"
    out.mkdir()
    args = argparse.Namespace(base_url="http://127.0.0.1:9/v1", model="m", code_suite="humaneval", limit=None)
    status = run.coding_generation(args, out)
    assert status["skipped"] and "cannot reach" in status["reason"] and status["limit"] == run.ALL_CODING_LIMIT
    assert not list(out.glob("coding_humaneval_*.json"))
    text = write_report(out).read_text()
    assert "## Coding generation" in text and "Skipped: cannot reach the LLM at http://127.0.0.1:9/v1" in text


def test_eval_all_writes_summary_and_report(tmp_path, monkeypatch):
    """`lam eval all` wiring, with the heavy suites replaced by writers of sample JSONs and a dead endpoint."""
    from evals import sts_b
    from evals.memory import cli as memory_cli

    sample = _sample_out(tmp_path)
    copy = lambda name, dst: Path(dst).write_bytes((sample / name).read_bytes())
    monkeypatch.setattr(sts_b, "run", lambda path: copy("sts_b.json", path))

    def memory_main(args):
        copy("memory.json", args.json)
        copy("memory.png", Path(args.json).with_suffix(".png"))
        return 0

    monkeypatch.setattr(memory_cli, "main", memory_main)
    oracle_limits = []

    def leetcode_main(args, **kw):
        oracle_limits.append(args.limit)
        copy("oracle_humaneval.json", args.json)
        return 0

    monkeypatch.setattr(cli, "main", leetcode_main)
    out = tmp_path / "out"
    args = argparse.Namespace(suite="all", out=str(out), base_url="http://127.0.0.1:9/v1", model="m", limit=3)
    args.code_suite, args.mode, args.oracle, args.json = "humaneval", "plain", False, None
    assert run.main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert {"sts_b", "memory", "oracle_humaneval", "oracle_mbpp", "coding_generation"} <= set(summary)
    assert oracle_limits == [None, None]  # the oracles run whole suites; --limit is for generation
    assert summary["coding_generation"]["skipped"]
    text = (out / "report.md").read_text()
    assert "## STS-B" in text and "](memory.png)" in text and "Skipped: cannot reach" in text
