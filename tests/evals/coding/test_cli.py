"""`lam eval leetcode` end to end: resumable runs, the oracle, and memory and full modes with a fake LLM."""

from __future__ import annotations

import argparse
import json

import pytest

from evals.coding import cli
from evals.coding.config import DEFAULT_CONFIG, CodingConfig
from evals.coding.datasets import defined_name, load_problems
from evals.coding.history import PIECE_KINDS, build_history
from evals.coding.solve import full_solver, solve
from evals.coding.spec import spec_parts, split_requirement, with_helpers
from lam_memory import LAMError


def _norm(text: str) -> str:
    return " ".join(text.split())


def _requirement_seen(problem, prompt: str) -> bool:
    """Both planted requirement halves are in the prompt, verbatim up to whitespace."""
    halves = split_requirement(spec_parts(problem)[0])
    return all(_norm(h) in _norm(prompt) for h in halves)


# ------------------------------------------------------------------------------------------------ plain mode


def test_solve_and_resumable_run(tmp_path):
    problems = load_problems("mbpp")[:4]
    seen_messages = []

    def llm_call(messages):
        seen_messages.append(messages)
        p = next(p for p in problems if p.prompt in messages[-1]["content"])
        good = problems.index(p) % 2 == 0
        return f"```python\n{p.reference if good else p.broken()}\n```"

    out = tmp_path / "res.jsonl"
    summary = cli.run_suite(problems, lambda p: solve(p, llm_call), out, mode="plain")
    assert summary["problems"] == 4 and summary["passed"] == 2 and summary["pass_at_1"] == 0.5
    assert [m["role"] for m in seen_messages[0]] == ["system", "user"]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [p.id for p in problems]
    assert all({"id", "passed", "duration", "mode"} <= r.keys() for r in rows)

    def must_not_be_called(p):
        raise AssertionError("resume must skip solved ids")

    again = cli.run_suite(problems, must_not_be_called, out, mode="plain")
    assert again == summary
    assert len(out.read_text().splitlines()) == 4
    other = cli.run_suite(problems, lambda p: solve(p, llm_call), out, mode="plain", extra={"model": "b"})
    assert other == summary and len(out.read_text().splitlines()) == 8  # another model's run is not resumed from
    resumed = cli.run_suite(problems, must_not_be_called, out, mode="plain", extra={"model": "b"})
    assert resumed == summary


def test_leetcode_main(tmp_path):
    out = tmp_path / "oracle.json"
    args = argparse.Namespace(code_suite="humaneval", limit=3, json=str(out), oracle=True, mode="plain")
    assert cli.main(args) == 0
    report = json.loads(out.read_text())
    assert report["problems"] == 3 and report["canonical_pass_rate"] == 1.0 and report["wrong_pass_rate"] == 0.0
    args.oracle = False
    with pytest.raises(LAMError, match="endpoint"):
        cli.main(args)
    problems = {p.prompt: p for p in load_problems("humaneval", 3)}

    def llm(messages):
        return next(f"```python\n{p.reference}```" for k, p in problems.items() if k in messages[-1]["content"])

    assert cli.main(args, llm_call=llm, meta={"model": "reference"}) == 0
    summary = json.loads(out.read_text())
    assert summary["pass_at_1"] == 1.0 and summary["meta"] == {"model": "reference"}
    rows = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert len(rows) == 3 and all(r["model"] == "reference" and r["mode"] == "plain" for r in rows)


# ------------------------------------------------------------------------------------------ memory and full modes


def _fake_llm(problems, seen: list):
    """Answers with the reference only when the planted requirement text is in the prompt, else a wrong one."""

    def call(messages):
        prompt = "\n".join(m["content"] for m in messages)
        question = messages[-1]["content"]
        p = next(p for p in problems if f"`{defined_name(p)}`" in question.split("\n\n")[-1])
        ok = _requirement_seen(p, prompt)
        seen.append((p.id, ok))
        return f"```python\n{p.reference if ok else p.broken()}\n```"

    return call


def test_memory_mode_end_to_end_with_fake_llm(tmp_path, monkeypatch):
    from lam_memory.encoder import weights_id

    small = CodingConfig(history_tokens=6000)  # small: the real size is in the slow test below
    problems = load_problems("humaneval", 3)
    seen: list = []
    out = tmp_path / "mm.json"
    args = argparse.Namespace(code_suite="humaneval", limit=3, json=str(out), oracle=False, mode="memory", seed=0)
    args.budget = 1500
    assert cli.main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}, config=small) == 0
    summary = json.loads(out.read_text())
    rows = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [p.id for p in problems] and len(seen) == 3
    for r, (pid, ok) in zip(rows, seen, strict=True):
        assert r["id"] == pid and r["passed"] == ok and r["mode"] == "memory" and r["model"] == "fake"
        assert 0 < r["context_tokens"] <= 1500 and 0.0 <= r["evidence_recall"] <= 1.0
        assert set(r["evidence"]) == set(PIECE_KINDS)
        if ok:
            assert r["evidence"]["requirement_1"] == 1.0 and r["evidence"]["requirement_2"] == 1.0
    assert sum(ok for _, ok in seen) >= 2  # the memory brings the scattered requirement back for most problems
    assert summary["pass_at_1"] == sum(r["passed"] for r in rows) / 3
    assert summary["evidence_recall"] == pytest.approx(sum(r["evidence_recall"] for r in rows) / 3)
    assert summary["meta"] == {"model": "fake", "seed": 0, "budget": 1500, "encoder": weights_id()}
    assert summary["history"]["tokens"] >= 6000 and len(summary["history"]["digest"]) == 64
    memdir = tmp_path / f"memory-humaneval-seed0-{summary['history']['digest'][:12]}-{weights_id()}"
    assert (memdir / "archive.sqlite").exists()

    # resume: a cut JSONL is completed without re-ingesting (the cached memory is reused)
    lines = out.with_suffix(".jsonl").read_text().splitlines()
    out.with_suffix(".jsonl").write_text("\n".join(lines[:2]) + "\n")

    def no_ingest(self, chunks, batch=256):
        raise AssertionError("the cached memory must not be ingested again")

    from lam_memory.memory import LAMMemory

    monkeypatch.setattr(LAMMemory, "add_chunks", no_ingest)
    seen.clear()
    assert cli.main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}, config=small) == 0
    assert [pid for pid, _ in seen] == [problems[2].id]
    assert json.loads(out.read_text())["pass_at_1"] == summary["pass_at_1"]

    # other settings (here the budget; likewise model, seed or encoder) make another run: nothing is resumed from
    # the earlier rows, which stay in the file
    args.budget = 1000
    seen.clear()
    assert cli.main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}, config=small) == 0
    assert [pid for pid, _ in seen] == [p.id for p in problems]
    assert json.loads(out.read_text())["meta"]["budget"] == 1000
    assert len(out.with_suffix(".jsonl").read_text().splitlines()) == 6


def test_full_mode_keeps_the_recent_part_that_fits(tmp_path):
    from agents.llm import _tiktoken_count

    small = CodingConfig(history_tokens=8000)
    problems = load_problems("humaneval", 2)
    seen: list = []
    args = argparse.Namespace(code_suite="humaneval", limit=2, json=str(tmp_path / "f.json"), mode="full", seed=0)
    args.oracle = False
    sizes = []

    def count(messages):
        sizes.append(_tiktoken_count(messages))
        return sizes[-1]

    llm = _fake_llm(problems, seen)
    assert cli.main(args, llm_call=llm, meta={"model": "fake"}, count=count, context_length=4096, config=small) == 0
    rows = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert all(0 < r["history_kept"] < 1 and r["prompt_tokens"] + small.answer_tokens <= 4096 for r in rows)
    assert all(r["passed"] == ok for r, (_, ok) in zip(rows, seen, strict=True))
    # without a window the whole history goes in, so every piece is there
    h = build_history(load_problems("humaneval", 2), 0, small)
    whole = full_solver(h, llm)(with_helpers(problems[0]))
    assert whole["history_kept"] == 1.0 and whole["evidence_recall"] == 1.0 and seen[-1] == (problems[0].id, True)


# --------------------------------------------------------------------------------------------------------- slow


@pytest.mark.slow
def test_memory_mode_full_size_history_end_to_end(tmp_path):
    """The real history (>= 100K tokens) ingested into LAM memory, the fake LLM grading retrieval + sandbox."""
    problems = load_problems("humaneval", 5)
    seen: list = []
    out = tmp_path / "mm.json"
    args = argparse.Namespace(code_suite="humaneval", limit=5, json=str(out), oracle=False, mode="memory", seed=0)
    args.budget = None
    assert cli.main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}) == 0
    summary = json.loads(out.read_text())
    assert summary["history"]["tokens"] >= 100_000 and summary["meta"]["budget"] == DEFAULT_CONFIG.budget
    assert summary["pass_at_1"] == sum(ok for _, ok in seen) / 5
    assert summary["evidence_recall"] >= 0.5
