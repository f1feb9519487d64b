"""The `code-lookup` family: one deterministic stream per seed of real released code, and questions whose gold chunk
holds the named definition's own `def` or `class` line."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from evals.memory.code_history import load_release
from evals.memory.code_lookup import PACKAGE_SETS, QUESTIONS, code_lookup_stream
from evals.memory.streams import FAMILIES, Stream


@pytest.fixture(scope="module", params=list(PACKAGE_SETS))
def family(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def streams(family) -> dict[int, Stream]:
    return {seed: code_lookup_stream(seed, family=family) for seed in (0, 1)}


def test_family_is_listed(family):
    assert family in FAMILIES


def test_streams_are_seeded_and_deterministic(streams, family):
    again = code_lookup_stream(0, family=family)
    assert [q.query for q in again.questions] == [q.query for q in streams[0].questions]
    assert [c.text for c in again.chunks] == [c.text for c in streams[0].chunks]
    assert {q.query for q in streams[0].questions} != {q.query for q in streams[1].questions}
    assert [c.position for c in streams[0].chunks] == list(range(len(streams[0].chunks)))


def test_questions_point_at_their_definitions(streams, family):
    for stream in streams.values():
        assert len(stream.questions) == QUESTIONS
        assert Counter(q.kind for q in stream.questions) == {"name": 20, "bare": 20, "mention": 20}
        sources = {c.source.split("/")[0] for c in stream.chunks}
        for package, releases in PACKAGE_SETS[family].items():  # every package's code
            assert sources & {path.split("/")[0] for path in load_release(package, releases[-1])}, package
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
                assert q.query == name and defined[name] == 1 and q.also == []  # one right answer
            else:
                assert symbol in q.query
            for other in q.also:  # the other definitions of the name as asked: of the module, if it names one
                c = stream.chunks[other]
                assert c.meta["symbol"] == symbol and _defines(c.text, name) and other != gold
                assert c.source == chunk.source or q.query == symbol or q.kind == "mention"
        assert any(q.also for q in stream.questions)  # a name defined twice is asked in every sample


def _defines(text: str, name: str) -> bool:
    return bool(re.search(rf"^\s*(async def|def|class) {re.escape(name)}\b", text, re.M))
