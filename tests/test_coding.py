"""The coding harness: loaders over the shared data, the oracle, code extraction, resumable runs."""

from __future__ import annotations

import argparse
import json

import pytest

from evals import coding
from evals.coding import extract_code, load_problems, oracle, run_problem
from lam_memory import LAMError


@pytest.fixture(scope="module")
def suites():
    return {s: load_problems(s) for s in coding.SUITES}


def test_loaders_parse_the_shared_files(suites):
    he, mbpp, lc = suites["humaneval"], suites["mbpp"], suites["leetcode"]
    assert len(he) == 164 and he[0].id == "HumanEval/0" and he[0].entry_point == "has_close_elements"
    assert len(mbpp) == 500 and mbpp[0].id == "mbpp/11" and mbpp[-1].id == "mbpp/510"
    assert len(lc) == 228 and all(p.entry_point.startswith("Solution().") for p in lc)
    assert not any("\r" in p.reference or "\r" in p.test for p in mbpp)
    assert all(p.entry_point in p.prompt for p in mbpp)  # the one visible test shows the signature
    assert all("class Solution" in p.prompt for p in lc) and "Example 1" in lc[0].prompt
    assert len({p.id for p in lc}) == 228
    assert load_problems("mbpp", limit=3) == mbpp[:3]
    with pytest.raises(LAMError):
        load_problems("nope")


def test_test_programs(suites):
    he, lc = suites["humaneval"][0], suites["leetcode"][0]
    prog = he.test_program("X = 1\n")
    assert prog.startswith(he.prompt) and prog.rstrip().endswith("check(has_close_elements)")
    prog = lc.test_program("class Solution: pass\n")
    assert "def tree_node(" in prog and prog.rstrip().endswith(f"check({lc.entry_point})")


def test_oracle_on_a_sample_is_100_and_0():
    for suite in coding.SUITES:
        r = oracle(suite, limit=8)
        assert r["problems"] == 8
        assert (r["canonical_pass_rate"], r["wrong_pass_rate"]) == (1.0, 0.0), r["failures"]


def test_special_cases_pass(suites):
    by_id = {p.id: p for s in suites.values() for p in s}
    setup = by_id["mbpp/367"]  # test_setup_code builds trees from the solution's own Node class
    assert run_problem(setup, setup.reference)["passed"]
    lc = next(p for p in suites["leetcode"] if "sortedcontainers" in p.preamble)
    assert run_problem(lc, lc.reference)["passed"]
    assert not run_problem(lc, lc.broken())["passed"]


def _he0(suites):
    p = suites["humaneval"][0]
    body = p.reference[len(p.prompt) :]
    return p, body


def test_extract_code_variants_run(suites):
    p, body = _he0(suites)
    full = p.prompt + body
    answers = {
        "fenced full": f"Here you go:\n```python\n{full}```\nThis checks every pair.",
        "unfenced full": full,
        "fenced body": f"```python\n{body}```",
        "raw body": body,
        "body then prose": body + "\nThis loops over all pairs of numbers.\n",
        "unindented body": "```\n" + "\n".join(ln[4:] for ln in body.splitlines()) + "\n```",
        "prose then code": "Sure! The function is below.\n\n" + full,
        "with main block": f"```python\n{full}\nif __name__ == '__main__':\n    print(input())\n```",
        "with example calls": f"```python\n{full}\nassert has_close_elements([1.0], 0.5) is True\nprint(1)\n```",
        "two blocks": f"```python\nimport math\n```\nthen\n```python\n{full}```\nUsage:\n```python\nprint(3)\n```",
        "unclosed fence": f"```python\n{full}",
        "prose then unindented body": "Sure:\n" + "\n".join(ln[4:] for ln in body.splitlines()) + "\nDone.",
    }
    for name, text in answers.items():
        code = extract_code(text, p)
        assert run_problem(p, code)["passed"], (name, code)
    wrong = extract_code("```python\ndef has_close_elements(numbers, threshold):\n    return False\n```", p)
    assert not run_problem(p, wrong)["passed"]


def test_extract_code_mbpp_and_leetcode(suites):
    m = suites["mbpp"][0]
    assert run_problem(m, extract_code(f"```python\n{m.reference}\n```\n", m))["passed"]
    lc = suites["leetcode"][0]
    method = "\n".join(lc.reference.splitlines()[1:])  # the method alone, without `class Solution:`
    code = extract_code(f"```python\nfrom typing import List\n\n{method}\n```", lc)
    assert code.startswith("class Solution:") or "class Solution" in code
    assert run_problem(lc, code)["passed"]


def test_solve_and_resumable_run(tmp_path, suites):
    problems = suites["mbpp"][:4]
    seen_messages = []

    def llm_call(messages):
        seen_messages.append(messages)
        p = next(p for p in problems if p.prompt in messages[-1]["content"])
        good = problems.index(p) % 2 == 0
        return f"```python\n{p.reference if good else p.broken()}\n```"

    out = tmp_path / "res.jsonl"
    summary = coding.run_suite(problems, lambda p: coding.solve(p, llm_call), out, mode="plain")
    assert summary["problems"] == 4 and summary["passed"] == 2 and summary["pass_at_1"] == 0.5
    assert [m["role"] for m in seen_messages[0]] == ["system", "user"]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["id"] for r in rows] == [p.id for p in problems]
    assert all({"id", "passed", "duration", "mode"} <= r.keys() for r in rows)

    def must_not_be_called(p):
        raise AssertionError("resume must skip solved ids")

    again = coding.run_suite(problems, must_not_be_called, out, mode="plain")
    assert again == summary
    assert len(out.read_text().splitlines()) == 4
    other = coding.run_suite(problems, lambda p: coding.solve(p, llm_call), out, mode="plain", extra={"model": "b"})
    assert other == summary and len(out.read_text().splitlines()) == 8  # another model's run is not resumed from
    resumed = coding.run_suite(problems, must_not_be_called, out, mode="plain", extra={"model": "b"})
    assert resumed == summary


def test_leetcode_main(tmp_path):
    out = tmp_path / "oracle.json"
    args = argparse.Namespace(code_suite="humaneval", limit=3, json=str(out), oracle=True, mode="plain")
    assert coding.leetcode_main(args) == 0
    report = json.loads(out.read_text())
    assert report["problems"] == 3 and report["canonical_pass_rate"] == 1.0 and report["wrong_pass_rate"] == 0.0
    args.oracle = False
    with pytest.raises(LAMError, match="endpoint"):
        coding.leetcode_main(args)
    problems = {p.prompt: p for p in load_problems("humaneval", 3)}

    def llm(messages):
        return next(f"```python\n{p.reference}```" for k, p in problems.items() if k in messages[-1]["content"])

    assert coding.leetcode_main(args, llm_call=llm, meta={"model": "reference"}) == 0
    summary = json.loads(out.read_text())
    assert summary["pass_at_1"] == 1.0 and summary["meta"] == {"model": "reference"}
    rows = [json.loads(line) for line in out.with_suffix(".jsonl").read_text().splitlines()]
    assert len(rows) == 3 and all(r["model"] == "reference" and r["mode"] == "plain" for r in rows)


def test_missing_shared_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("LAM_SHARED_DIR", str(tmp_path))
    with pytest.raises(LAMError, match="LAM_SHARED_DIR"):
        load_problems("humaneval")


@pytest.mark.slow
@pytest.mark.parametrize("suite", ["humaneval", "mbpp"])
def test_full_oracle(suite):
    r = oracle(suite)
    assert r["problems"] == {"humaneval": 164, "mbpp": 500}[suite]
    assert (r["canonical_pass_rate"], r["wrong_pass_rate"]) == (1.0, 0.0), r["failures"]
