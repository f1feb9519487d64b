"""LoCoMo: the loader's counts and the published BM25 / recency / MiniLM anchors at 500 tokens."""

from __future__ import annotations

import pytest

from evals.memory.config import SuiteConfig
from evals.memory.locomo import load_locomo
from evals.memory.registry import make_factory
from evals.memory.scoring import run_suite


def test_locomo_loader():
    convs = load_locomo()
    assert len(convs) == 10
    assert sum(len(c.chunks) for c in convs) == 5882
    assert sum(c.qa_total for c in convs) == 1986
    assert sum(len(c.questions) for c in convs) == 282 + 321 + 96 + 841
    ev = {k: sum(c.evidence[k] for c in convs) for k in ("ids", "malformed", "unresolved")}
    assert ev == {"ids": 2354, "malformed": 9, "unresolved": 3}
    c = convs[0]
    assert c.id == "26" and c.chunks[0].meta["dia_id"] == "D1:1" and c.chunks[0].source == "locomo/26/session_1"
    assert c.chunks[0].text.startswith("[1:56 pm on 8 May, 2023] Caroline: ")
    # session then turn order
    keys = [tuple(int(x) for x in ch.meta["dia_id"][1:].split(":")) for ch in c.chunks]
    assert keys == sorted(keys)
    q = next(q for q in c.questions if q.query == "When did Caroline go to the LGBTQ support group?")
    assert [c.chunks[p].meta["dia_id"] for p in q.gold] == ["D1:3"] and q.kind == "temporal"


def test_locomo_anchor_bm25_recency():
    config = SuiteConfig(budget=500)
    res = run_suite(make_factory(["recency", "bm25", "full"], config), config, families=["locomo"])
    rows = {r["method"]: r for r in res["rows"]}
    assert res["meta"]["locomo"]["evidence_ids"] == 2354
    assert rows["bm25"]["recall"] == pytest.approx(0.432, abs=0.01)
    assert rows["recency"]["recall"] == pytest.approx(0.008, abs=0.004)
    assert rows["full"]["recall"] is None and rows["full"]["na_streams"] == 10
    assert all(r["context_tokens"] <= 500 for r in rows.values() if r["recall"] is not None)


@pytest.mark.slow
def test_locomo_anchor_dense():
    """all-MiniLM-L6-v2 on LoCoMo at 500 tokens reproduces the 0.420 anchor (encodes 5,882 turns: minutes on CPU)."""
    config = SuiteConfig(budget=500)
    res = run_suite(make_factory(["dense-minilm"], config), config, families=["locomo"])
    (row,) = res["rows"]
    assert row["recall"] == pytest.approx(0.420, abs=0.01)
