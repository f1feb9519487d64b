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
