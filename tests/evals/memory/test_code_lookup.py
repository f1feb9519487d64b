"""The `code-lookup` family: one deterministic stream per seed of real released code, and questions whose gold chunk
holds the named definition's own `def` or `class` line."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from evals.memory.code_lookup import QUESTIONS, code_lookup_stream
from evals.memory.streams import FAMILIES, Stream


@pytest.fixture(scope="module")
def streams() -> dict[int, Stream]:
    return {seed: code_lookup_stream(seed) for seed in (0, 1)}


def test_family_is_listed():
    assert "code-lookup" in FAMILIES


def test_streams_are_seeded_and_deterministic(streams):
    again = code_lookup_stream(0)
    assert [q.query for q in again.questions] == [q.query for q in streams[0].questions]
    assert [c.text for c in again.chunks] == [c.text for c in streams[0].chunks]
    assert {q.query for q in streams[0].questions} != {q.query for q in streams[1].questions}
    assert [c.position for c in streams[0].chunks] == list(range(len(streams[0].chunks)))


def test_questions_point_at_their_definitions(streams):
    for stream in streams.values():
        assert len(stream.questions) == QUESTIONS
        assert Counter(q.kind for q in stream.questions) == {"name": 20, "bare": 20, "mention": 20}
        sources = {c.source.split("/")[0] for c in stream.chunks}
        assert {"click", "toolz", "more_itertools"} <= sources  # all three packages' code
        defined = Counter(  # chunks holding the def or class line of a name
            name
            for c in stream.chunks
            if (name := c.meta.get("symbol", "").rsplit(".", 1)[-1]) and _defines(c.text, name)
        )
        for q in stream.questions:
            (gold,) = q.gold
            chunk = stream.chunks[gold]
            symbol = chunk.meta["symbol"]
            name = symbol.rsplit(".", 1)[-1]
            assert _defines(chunk.text, name), q.query
            if q.kind == "bare":
                assert q.query == name and defined[name] == 1  # one right answer
            else:
                assert symbol in q.query


def _defines(text: str, name: str) -> bool:
    return bool(re.search(rf"^\s*(async def|def|class) {re.escape(name)}\b", text, re.M))
