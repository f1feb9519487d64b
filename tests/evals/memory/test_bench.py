"""`lam bench memory`: the mixed code + transcript stream it ingests."""

from __future__ import annotations

from evals.memory.bench import mixed_stream
from lam_memory.tokens import count_tokens


def test_mixed_stream_stops_at_the_target():
    chunks = list(mixed_stream(5000, seed=1))
    assert [c.text for c in mixed_stream(5000, seed=1)] == [c.text for c in chunks]
    total = sum(count_tokens(c.text) for c in chunks)
    assert total >= 5000 and total - count_tokens(chunks[-1].text) < 5000
