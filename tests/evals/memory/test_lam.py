"""LAM memory as a suite method: ingest embeddings cached across streams, queries never."""

from __future__ import annotations

from evals.memory.lam import LAMMethod
from lam_memory.types import Chunk


def _chunks(texts: list[str]) -> list[Chunk]:
    return [Chunk(t, "t", i + 1, i + 1, position=i) for i, t in enumerate(texts)]


def test_lam_method_caches_ingest_not_queries(monkeypatch):
    """Streams that share filler are encoded once; the ranking is the one an uncached memory gives."""
    texts = [f"Paragraph {i} about the {w} module and its options." for i, w in enumerate("abcdefgh")]
    needle = "user: The door code for the Lisbon storage room is 4417."
    LAMMethod.clear_cache()
    first = LAMMethod()
    first.ingest(_chunks([*texts, needle]))
    calls: list[list[str]] = []
    second = LAMMethod()
    real = second.encoder.encoder.encode
    monkeypatch.setattr(second.encoder.encoder, "encode", lambda t, **kw: calls.append(t) or real(t, **kw))
    other = "user: The boiler pressure of the Oslo office is 2.1 bar."
    second.ingest(_chunks([*texts, other]))
    assert calls == [[other]]  # only the new paragraph
    q = "What is the door code of the storage room in Lisbon?"
    assert second.rank(q, 3) and calls[-1] == [q]  # queries go to the encoder every time
    uncached = LAMMethod()
    LAMMethod.clear_cache()
    uncached.ingest(_chunks([*texts, other]))
    assert second.rank(q, 9) == uncached.rank(q, 9)
    assert first.rank(q, 1) == [8]


def test_lam_context_scores_the_context_it_returns():
    """`lam-context` names exactly the chunks of `LAMMemory.context`'s hits, in order, never over the budget; the
    scorer counts the context's own tokens."""
    from evals.memory.code_history import code_history_stream
    from evals.memory.lam import LAMContextMethod
    from evals.memory.scoring import evaluate_stream
    from evals.memory.streams import count_tokens

    stream = code_history_stream(2048, 0)  # 24 chunks, 7 questions
    m = LAMContextMethod()
    m.ingest(stream.chunks)
    for q in stream.questions[:4]:
        for budget in (150, 500):
            packed = m.context(q.query, budget)
            ctx = m.memory.context(q.query, budget_tokens=budget)
            assert packed.positions == [h.position for h in ctx.hits] and packed.positions
            assert packed.tokens == ctx.tokens <= budget and count_tokens(ctx.text) <= budget
            for h in ctx.hits:
                c = stream.chunks[h.position]
                assert (c.source, c.start_line, c.end_line) == (h.source, h.start_line, h.end_line)
    assert m.context(stream.questions[0].query, 1) == ([], 0, frozenset())  # no evidence fits: nothing, not an error
    res = evaluate_stream(stream, [LAMContextMethod()], 300, cold=False)["lam-context"]  # embeddings cached
    assert all(0 < s["tokens"] <= 300 and s["hits"] <= s["gold"] for s in res["questions"])


def test_evidence_marked_stale_counts_gold_the_context_calls_superseded():
    """`lam-context` reports the hits its context marks superseded; the scorer counts a question whose gold evidence
    is among them (a false claim: the gold of an update is its latest statement), and no other."""
    from evals.memory.lam import LAMContextMethod
    from evals.memory.scoring import score_question
    from evals.memory.streams import Question
    from lam_memory.types import Chunk

    texts = ["The billing API listens on port 8080.", "Lunch is at noon.", "The billing API now listens on port 8443."]
    m = LAMContextMethod()
    m.ingest([Chunk(f"user: {t}", "chat", i + 1, i + 1, kind="message", role="user") for i, t in enumerate(texts)])
    packed = m.context("Which port does the billing API listen on?", 300)
    assert packed.stale == {0} and {0, 2} <= set(packed.positions)
    current = Question("q", "update", gold=[2], answer="8443", stale=[0])
    assert not score_question(current, packed.positions, packed.positions, packed.stale)["evidence_marked_stale"]
    wrong = Question("q", "update", gold=[0], answer="8080")  # as if the old value were the evidence
    assert score_question(wrong, packed.positions, packed.positions, packed.stale)["evidence_marked_stale"]
    assert not score_question(wrong, packed.positions, packed.positions)["evidence_marked_stale"]  # no claim made
    # `marks_any`: some chunk of the context is marked, gold or not (every mark is false in documents read once)
    assert score_question(current, packed.positions, packed.positions, packed.stale)["marks_any"]
    assert not score_question(current, packed.positions, packed.positions)["marks_any"]
    assert not score_question(current, [2], [2], packed.stale)["marks_any"]  # the marked chunk was not packed
