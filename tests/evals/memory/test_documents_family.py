"""The `documents` family: one deterministic stream per seed of the Python reference read at once, and questions
that quote the start of their gold paragraph."""

from __future__ import annotations

import pytest

from evals.memory.documents import MIN_WORDS, QUESTIONS, QUOTE_WORDS, documents_stream
from evals.memory.streams import FAMILIES, Stream


@pytest.fixture(scope="module")
def streams() -> dict[int, Stream]:
    return {seed: documents_stream(seed) for seed in (0, 1)}


def test_family_is_listed():
    assert "documents" in FAMILIES


def test_streams_are_seeded_and_deterministic(streams):
    assert documents_stream(0).digest() == streams[0].digest()
    assert {q.query for q in streams[0].questions} != {q.query for q in streams[1].questions}
    assert [c.position for c in streams[0].chunks] == list(range(len(streams[0].chunks)))
    assert {c.meta["read"] for c in streams[0].chunks} == {"reference"}  # read at once: one moment


def test_questions_quote_their_gold_paragraph(streams):
    for stream in streams.values():
        assert len(stream.questions) == QUESTIONS
        for q in stream.questions:
            (gold,) = q.gold
            words = stream.chunks[gold].text.split()
            assert len(words) >= MIN_WORDS and q.query == " ".join(words[:QUOTE_WORDS])
            assert not q.stale  # nothing in a reference read once is superseded
            assert sum(q.query in " ".join(c.text.split()) for c in stream.chunks) == 1  # one right answer
