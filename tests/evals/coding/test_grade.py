"""Grading in the sandbox and the oracle: references pass, broken variants fail (plain and memory-mode programs)."""

from __future__ import annotations

import pytest

from evals.coding.datasets import SUITES, load_problems
from evals.coding.grade import oracle, run_problem
from evals.coding.spec import with_helpers


@pytest.fixture(scope="module")
def suites():
    return {s: load_problems(s) for s in SUITES}


@pytest.fixture(scope="module")
def by_id(suites):
    return {p.id: p for s in SUITES for p in suites[s]}


def test_oracle_on_a_sample_is_100_and_0():
    for suite in SUITES:
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
    report = oracle("mbpp", limit=4, mode="memory", workers=1)
    assert (report["canonical_pass_rate"], report["wrong_pass_rate"], report["mode"]) == (1.0, 0.0, "memory")


@pytest.mark.slow
@pytest.mark.parametrize("suite", ["humaneval", "mbpp"])
def test_full_oracle(suite):
    r = oracle(suite)
    assert r["problems"] == {"humaneval": 164, "mbpp": 500}[suite]
    assert (r["canonical_pass_rate"], r["wrong_pass_rate"]) == (1.0, 0.0), r["failures"]


@pytest.mark.slow
@pytest.mark.parametrize("suite", SUITES)
def test_full_oracle_in_memory_mode(suite):
    r = oracle(suite, mode="memory")
    assert (r["canonical_pass_rate"], r["wrong_pass_rate"]) == (1.0, 0.0), r["failures"]
