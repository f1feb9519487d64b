"""An end-to-end run of the scorer over small streams, with a registered extra method, and its table and plot."""

from __future__ import annotations

import json

from evals.memory.config import SuiteConfig
from evals.memory.registry import METHODS, make_factory
from evals.memory.report import plot, render_table
from evals.memory.scoring import run_suite


class _Reverse:
    """A registered extra method: ranks the oldest chunks first."""

    name = "oldest"

    def ingest(self, chunks):
        self.n = len(chunks)

    def rank(self, query, k):
        return list(range(min(k, self.n)))


def test_run_suite_small(tmp_path, monkeypatch):
    monkeypatch.setitem(METHODS, "oldest", lambda config: _Reverse())
    config = SuiteConfig(sizes=(4 * 1024,), budget=500, babilong_samples=2)
    factory = make_factory(["recency", "bm25", "full", "oldest"], config)
    res = run_suite(factory, config, seed=0, families=["synthetic", "babilong"])
    json.dumps(res)
    rows = {(r["family"], r["method"]): r for r in res["rows"]}
    assert set(rows) == {(f, m) for f in ("synthetic", "babilong") for m in ("recency", "bm25", "full", "oldest")}
    for (fam, m), r in rows.items():
        assert r["size"] == 4096 and r["size_label"] == "4k"
        if m == "full":
            assert r["recall"] is None and r["streams"] == 0
            continue
        assert 0 <= r["recall"] <= 1 and r["context_tokens"] <= 500 and r["query_ms"] >= 0 and r["ingest_s"] >= 0
        assert r["questions"] == (8 if fam == "synthetic" else 6)
    syn = {m: rows[("synthetic", m)] for m in ("recency", "bm25")}
    assert syn["bm25"]["recall"] > syn["recency"]["recall"]
    assert syn["bm25"]["by_kind"]["needle"] == 1.0
    assert 0 <= syn["bm25"]["latest_wins"] <= 1 and syn["recency"]["latest_wins"] == 1.0
    assert rows[("babilong", "bm25")]["latest_wins"] is None
    table = render_table(res)
    assert table.row_count == 8
    png = plot(res, tmp_path / "m.png")
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_a_question_with_several_right_answers_is_answered_by_any():
    """`Question.also`: a name defined twice is found by either definition, in the context or as the first hit; the
    one gold item is recalled once, however many of them the context holds."""
    from evals.memory.scoring import score_question
    from evals.memory.streams import Question

    q = Question("Template", "name", [5], "class Template", also=[9, 12])
    first = score_question(q, [9, 1, 5], [9, 1])
    assert (first["hits"], first["gold"], first["top_is_evidence"]) == (1, 1, True)
    assert score_question(q, [9, 12, 5], [9, 12, 5])["hits"] == 1
    assert score_question(q, [1, 2, 3], [1, 2])["hits"] == 0 and not score_question(q, [1, 9], [1])["top_is_evidence"]
    alone = Question("Template", "name", [5], "class Template")
    assert score_question(alone, [9, 5], [9])["hits"] == 0
