"""Synthetic streams: deterministic, of the asked size, with planted items where their questions say."""

from __future__ import annotations

from evals.memory.methods import BM25
from evals.memory.synthetic import synthetic_stream


def test_synthetic_deterministic(small_stream):
    again = synthetic_stream("8k", seed=3)
    assert again.digest() == small_stream.digest()
    assert synthetic_stream("8k", seed=4).digest() != small_stream.digest()
    assert synthetic_stream("12k", seed=3).digest() != small_stream.digest()


def test_synthetic_shape(small_stream):
    s = small_stream
    assert s.tokens() <= 8 * 1024 and s.tokens() > 7 * 1024
    assert [c.position for c in s.chunks] == list(range(len(s.chunks)))
    kinds = {c.kind for c in s.chunks}
    assert {"code", "message"} <= kinds
    assert any(c.source.startswith("stdlib/") for c in s.chunks)
    assert {c.role for c in s.chunks if c.kind == "message"} == {"user", "assistant"}
    counts = {k: sum(q.kind == k for q in s.questions) for k in ("needle", "update", "revision", "multihop")}
    assert counts == {"needle": 4, "update": 4, "revision": 4, "multihop": 4}


def test_planted_facts_where_recorded(small_stream):
    s = small_stream
    texts = [c.text for c in s.chunks]
    for q in s.questions:
        facts = q.meta["facts"]
        if q.kind in ("update", "revision"):
            assert len(q.gold) == 1 and q.stale == sorted(q.stale) and all(p < q.gold[0] for p in q.stale)
            assert (3 <= len(facts) <= 5) if q.kind == "update" else (2 <= len(facts) <= 3)
            for pos, fact in zip(q.stale + q.gold, facts, strict=True):
                assert fact in texts[pos]
            if q.kind == "update":
                assert q.answer in texts[q.gold[0]]
                assert all(q.answer not in texts[p].split(" is ")[-1] for p in q.stale[-1:])
            else:
                name = q.query.split("`")[1]
                assert texts[q.gold[0]].startswith(f"def {name}(")
                assert all(texts[p].startswith(f"def {name}(") and texts[p] != texts[q.gold[0]] for p in q.stale)
        elif q.kind == "needle":
            assert len(q.gold) == 1 and facts[0] in texts[q.gold[0]] and q.answer in texts[q.gold[0]]
            assert sum(facts[0] in t for t in texts) == 1
        else:
            assert len(q.gold) == 2 and not q.stale
            assert {f for f in facts} == {f for f in facts if any(f in texts[p] for p in q.gold)}
            assert any(q.answer in texts[p] for p in q.gold)
            person = q.query.split(" does ")[-1].split("'s project")[0] if " does " in q.query else None
            if person:
                assert sum(person in texts[p] for p in q.gold) == 1


def test_bm25_finds_needles(small_stream):
    """Needles name a unique entity: BM25 has them near the top despite decoys (same fact, other entity)."""
    m = BM25()
    m.ingest(small_stream.chunks)
    needles = [q for q in small_stream.questions if q.kind == "needle"]
    assert needles
    for q in needles:
        assert q.gold[0] in m.rank(q.query, 3), q.query
