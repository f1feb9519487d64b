"""What memory and full modes plant per problem: requirement halves, examples, the stub file and its helpers."""

from __future__ import annotations

import re

import pytest

from evals.coding.datasets import SUITES, defined_name, load_problems, parse_python
from evals.coding.grade import run_problem
from evals.coding.spec import _segment, planted_code, spec_parts, split_requirement, with_helpers


@pytest.fixture(scope="module")
def by_id():
    return {p.id: p for s in SUITES for p in load_problems(s)}


def test_spec_parts_and_planted_code_for_every_problem(by_id):
    for p in by_id.values():
        req, examples = spec_parts(p)
        a, b = split_requirement(req)
        assert a and b and a != b and examples, p.id
        code, helpers = planted_code(p)
        compile(code, p.id, "exec")
        name = defined_name(p)
        assert re.search(rf"^\s*def {name}\(", code, re.M) and "NotImplementedError" in code, p.id
        assert p.suite != "humaneval" or helpers == ""  # HumanEval's prompt helpers are in its preamble already
    assert split_requirement("Write a function to add two numbers.") == (
        "Write a function",
        "to add two numbers.",
    )


def test_an_answer_calling_a_planted_helper_passes(by_id):
    plain = by_id["mbpp/148"]  # the reference's helpers: sum_digits_single, closest
    mem = with_helpers(plain)
    assert "def closest(" in mem.helpers and "def sum_digits_single(" in mem.helpers
    entry = next(n for n in parse_python(plain.reference).body if getattr(n, "name", "") == plain.entry_point)
    answer = _segment(plain.reference, entry)  # only the entry point: it calls the planted helpers
    assert run_problem(mem, answer)["passed"]
    assert not run_problem(plain, answer)["passed"]  # plain mode's program does not provide them
    lc = with_helpers(by_id["leetcode/3253-construct-string-with-minimum-cost-easy"])
    solution_only = lc.reference[lc.reference.index("class Solution") :]
    assert "class Trie" in lc.helpers and run_problem(lc, solution_only)["passed"]
