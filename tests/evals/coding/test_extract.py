"""Code extraction from LLM answers: every answer shape still passes the problem's tests."""

from __future__ import annotations

import pytest

from evals.coding.datasets import SUITES, load_problems
from evals.coding.extract import extract_code
from evals.coding.grade import run_problem


@pytest.fixture(scope="module")
def suites():
    return {s: load_problems(s) for s in SUITES}


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
