"""Coding evals in memory and full modes: the planted history, the graded programs, end-to-end runs, the report."""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import pytest

from evals import coding, run
from evals.coding import build_history, load_problems, run_problem, with_helpers
from lam_memory.encoder import ENCODER_ID
from lam_memory.tokens import count_tokens


@pytest.fixture(scope="module")
def by_id():
    return {p.id: p for s in coding.SUITES for p in load_problems(s)}


def _norm(text: str) -> str:
    return " ".join(text.split())


def _requirement_seen(problem, prompt: str) -> bool:
    """Both planted requirement halves are in the prompt, verbatim up to whitespace."""
    halves = coding.split_requirement(coding.spec_parts(problem)[0])
    return all(_norm(h) in _norm(prompt) for h in halves)


# ------------------------------------------------------------------------------------------------------- history


@pytest.mark.parametrize("suite,n", [("humaneval", 5), ("leetcode", 3)])
def test_history_is_deterministic_large_and_holds_every_piece(suite, n):
    problems = load_problems(suite, n)
    h = build_history(problems, seed=0)
    text = h.text()
    assert build_history(problems, seed=0).text().encode() == text.encode()  # same seed, same bytes
    assert build_history(problems, seed=1).digest() != h.digest()
    assert count_tokens(text) >= 100_000 and h.tokens() == count_tokens(text)
    norm = _norm(text)
    for p in problems:
        pieces = h.pieces[p.id]
        assert [x.kind for x in pieces] == list(coding.PIECE_KINDS)
        for piece in pieces:
            assert piece.text.strip() and piece.coverage(norm) == 1.0, (p.id, piece.kind)
            if piece.kind != "code":
                assert _norm(piece.message) in norm and coding.function_name(p) in piece.message
        at = {x.kind: norm.index(x.fragments()[0]) for x in pieces if x.kind != "code"}
        assert at["requirement_1"] + len(norm) // 20 < at["requirement_2"] < at["examples"]  # far apart, in order
        assert f"src/{coding._defined_name(p)}.py" in text
        q = coding.question_for(p)  # names the function, and nothing of the requirement
        assert f"`{coding._defined_name(p)}`" in q and not any(x.fragments()[0] in q for x in pieces)


def test_spec_parts_and_planted_code_for_every_problem(by_id):
    for p in by_id.values():
        req, examples = coding.spec_parts(p)
        a, b = coding.split_requirement(req)
        assert a and b and a != b and examples, p.id
        code, helpers = coding.planted_code(p)
        compile(code, p.id, "exec")
        name = coding._defined_name(p)
        assert re.search(rf"^\s*def {name}\(", code, re.M) and "NotImplementedError" in code, p.id
        assert p.suite != "humaneval" or helpers == ""  # HumanEval's prompt helpers are in its preamble already
    assert coding.split_requirement("Write a function to add two numbers.") == (
        "Write a function",
        "to add two numbers.",
    )


# ------------------------------------------------------------------------------------------ graded programs


HELPER_IDS = [
    "HumanEval/10",
    "HumanEval/32",
    "HumanEval/38",
    "mbpp/18",
    "mbpp/148",
    "mbpp/367",
    "leetcode/3253-construct-string-with-minimum-cost-easy",
    "leetcode/3454-separate-squares-ii",
]


def test_references_pass_in_memory_mode_programs(by_id):
    """Oracle-style, through the real sandbox: references pass and broken variants fail with the planted helpers
    in the program, for problems of each suite with and without helpers."""
    for pid in HELPER_IDS + [
        "HumanEval/0",
        "mbpp/11",
        "leetcode/3244-shortest-distance-after-road-addition-queries-ii",
    ]:
        p = with_helpers(by_id[pid])
        assert run_problem(p, p.reference)["passed"], pid
        assert not run_problem(p, p.broken())["passed"], pid
    report = coding.oracle("mbpp", limit=4, mode="memory", workers=1)
    assert (report["canonical_pass_rate"], report["wrong_pass_rate"], report["mode"]) == (1.0, 0.0, "memory")


def test_an_answer_calling_a_planted_helper_passes(by_id):
    plain = by_id["mbpp/148"]  # the reference's helpers: sum_digits_single, closest
    mem = with_helpers(plain)
    assert "def closest(" in mem.helpers and "def sum_digits_single(" in mem.helpers
    entry = next(n for n in coding._ast(plain.reference).body if getattr(n, "name", "") == plain.entry_point)
    answer = coding._segment(plain.reference, entry)  # only the entry point: it calls the planted helpers
    assert run_problem(mem, answer)["passed"]
    assert not run_problem(plain, answer)["passed"]  # plain mode's program does not provide them
    lc = with_helpers(by_id["leetcode/3253-construct-string-with-minimum-cost-easy"])
    solution_only = lc.reference[lc.reference.index("class Solution") :]
    assert "class Trie" in lc.helpers and run_problem(lc, solution_only)["passed"]


# ------------------------------------------------------------------------------------------------ end to end


def _fake_llm(problems, seen: list):
    """Answers with the reference only when the planted requirement text is in the prompt, else a wrong one."""

    def call(messages):
        prompt = "\n".join(m["content"] for m in messages)
        question = messages[-1]["content"]
        p = next(p for p in problems if f"`{coding._defined_name(p)}`" in question.split("\n\n")[-1])
        ok = _requirement_seen(p, prompt)
        seen.append((p.id, ok))
        return f"```python\n{p.reference if ok else p.broken()}\n```"

    return call


def test_memory_mode_end_to_end_with_fake_llm(tmp_path, monkeypatch):
    monkeypatch.setattr(coding, "HISTORY_TOKENS", 6000)  # small: the real size is in the slow test below
    problems = load_problems("humaneval", 3)
    seen: list = []
    out = tmp_path / "mm.json"
    args = argparse.Namespace(code_suite="humaneval", limit=3, json=str(out), oracle=False, mode="memory", seed=0)
    args.budget = 1500
    assert coding.leetcode_main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}) == 0
    summary = json.loads(out.read_text())
    rows = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert [r["id"] for r in rows] == [p.id for p in problems] and len(seen) == 3
    for r, (pid, ok) in zip(rows, seen, strict=True):
        assert r["id"] == pid and r["passed"] == ok and r["mode"] == "memory" and r["model"] == "fake"
        assert 0 < r["context_tokens"] <= 1500 and 0.0 <= r["evidence_recall"] <= 1.0
        assert set(r["evidence"]) == set(coding.PIECE_KINDS)
        if ok:
            assert r["evidence"]["requirement_1"] == 1.0 and r["evidence"]["requirement_2"] == 1.0
    assert sum(ok for _, ok in seen) >= 2  # the memory brings the scattered requirement back for most problems
    assert summary["pass_at_1"] == sum(r["passed"] for r in rows) / 3
    assert summary["evidence_recall"] == pytest.approx(sum(r["evidence_recall"] for r in rows) / 3)
    assert summary["meta"] == {"model": "fake", "seed": 0, "budget": 1500, "encoder": ENCODER_ID}
    assert summary["history"]["tokens"] >= 6000 and len(summary["history"]["digest"]) == 64
    memdir = tmp_path / f"memory-humaneval-seed0-{summary['history']['digest'][:12]}-{ENCODER_ID}"
    assert (memdir / "archive.sqlite").exists()

    # resume: a cut JSONL is completed without re-ingesting (the cached memory is reused)
    lines = out.with_suffix(".jsonl").read_text().splitlines()
    out.with_suffix(".jsonl").write_text("\n".join(lines[:2]) + "\n")

    def no_ingest(self, chunks, batch=256):
        raise AssertionError("the cached memory must not be ingested again")

    from lam_memory.memory import LAMMemory

    monkeypatch.setattr(LAMMemory, "add_chunks", no_ingest)
    seen.clear()
    assert coding.leetcode_main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}) == 0
    assert [pid for pid, _ in seen] == [problems[2].id]
    assert json.loads(out.read_text())["pass_at_1"] == summary["pass_at_1"]

    # other settings (here the budget; likewise model, seed or encoder) make another run: nothing is resumed from
    # the earlier rows, which stay in the file
    args.budget = 1000
    seen.clear()
    assert coding.leetcode_main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}) == 0
    assert [pid for pid, _ in seen] == [p.id for p in problems]
    assert json.loads(out.read_text())["meta"]["budget"] == 1000
    assert len(out.with_suffix(".jsonl").read_text().splitlines()) == 6


def test_full_mode_keeps_the_recent_part_that_fits(tmp_path, monkeypatch):
    from agents.llm import _tiktoken_count

    monkeypatch.setattr(coding, "HISTORY_TOKENS", 8000)
    problems = load_problems("humaneval", 2)
    seen: list = []
    args = argparse.Namespace(code_suite="humaneval", limit=2, json=str(tmp_path / "f.json"), mode="full", seed=0)
    args.oracle = False
    sizes = []

    def count(messages):
        sizes.append(_tiktoken_count(messages))
        return sizes[-1]

    llm = _fake_llm(problems, seen)
    assert coding.leetcode_main(args, llm_call=llm, meta={"model": "fake"}, count=count, context_length=4096) == 0
    rows = [json.loads(line) for line in (tmp_path / "f.jsonl").read_text().splitlines()]
    assert all(0 < r["history_kept"] < 1 and r["prompt_tokens"] + coding.ANSWER_TOKENS <= 4096 for r in rows)
    assert all(r["passed"] == ok for r, (_, ok) in zip(rows, seen, strict=True))
    # without a window the whole history goes in, so every piece is there
    h = build_history(load_problems("humaneval", 2), 0)
    whole = coding.full_solver(h, llm)(with_helpers(problems[0]))
    assert whole["history_kept"] == 1.0 and whole["evidence_recall"] == 1.0 and seen[-1] == (problems[0].id, True)


# ------------------------------------------------------------------------------------------------------ report


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
    text = run.write_report(out).read_text()
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
    text = run.write_report(out).read_text()
    assert "## Coding generation" in text and "Skipped: cannot reach the LLM at http://127.0.0.1:9/v1" in text


def test_eval_all_writes_summary_and_report(tmp_path, monkeypatch):
    """`lam eval all` wiring, with the heavy suites replaced by writers of sample JSONs and a dead endpoint."""
    from evals import memory_suite, sts_b

    sample = _sample_out(tmp_path)
    copy = lambda name, dst: Path(dst).write_bytes((sample / name).read_bytes())
    monkeypatch.setattr(sts_b, "run", lambda path: copy("sts_b.json", path))

    def memory_main(args):
        copy("memory.json", args.json)
        copy("memory.png", Path(args.json).with_suffix(".png"))
        return 0

    monkeypatch.setattr(memory_suite, "memory_main", memory_main)
    oracle_limits = []

    def leetcode_main(args, **kw):
        oracle_limits.append(args.limit)
        copy("oracle_humaneval.json", args.json)
        return 0

    monkeypatch.setattr(coding, "leetcode_main", leetcode_main)
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


# --------------------------------------------------------------------------------------------------------- slow


@pytest.mark.slow
def test_memory_mode_full_size_history_end_to_end(tmp_path):
    """The real history (>= 100K tokens) ingested into LAM memory, the fake LLM grading retrieval + sandbox."""
    problems = load_problems("humaneval", 5)
    seen: list = []
    out = tmp_path / "mm.json"
    args = argparse.Namespace(code_suite="humaneval", limit=5, json=str(out), oracle=False, mode="memory", seed=0)
    args.budget = None
    assert coding.leetcode_main(args, llm_call=_fake_llm(problems, seen), meta={"model": "fake"}) == 0
    summary = json.loads(out.read_text())
    assert summary["history"]["tokens"] >= 100_000 and summary["meta"]["budget"] == coding.DEFAULT_BUDGET
    assert summary["pass_at_1"] == sum(ok for _, ok in seen) / 5
    assert summary["evidence_recall"] >= 0.5


@pytest.mark.slow
@pytest.mark.parametrize("suite", coding.SUITES)
def test_full_oracle_in_memory_mode(suite):
    r = coding.oracle(suite, mode="memory")
    assert (r["canonical_pass_rate"], r["wrong_pass_rate"]) == (1.0, 0.0), r["failures"]
