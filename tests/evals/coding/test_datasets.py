"""The loaders over the shipped data and the test programs they build."""

from __future__ import annotations

import pytest

from evals.coding.datasets import SUITES, load_problems
from lam_memory import LAMError


@pytest.fixture(scope="module")
def suites():
    return {s: load_problems(s) for s in SUITES}


def test_loaders_parse_the_shipped_files(suites):
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


def test_missing_data_file(monkeypatch, tmp_path):
    monkeypatch.setenv("LAM_DATA_DIR", str(tmp_path))
    with pytest.raises(LAMError, match="missing data file"):
        load_problems("humaneval")
