"""The `documents` and `readmes` families: one deterministic stream per seed of the Python reference (or of
installed packages' READMEs) read at once, and questions that quote the start of their gold paragraph."""

from __future__ import annotations

import pytest

from evals.memory.documents import MIN_WORDS, QUESTIONS, QUOTE_WORDS, README_PACKAGES, documents_stream, readmes_stream
from evals.memory.streams import FAMILIES, Stream

MAKERS = {"documents": (documents_stream, "reference"), "readmes": (readmes_stream, "readmes")}


@pytest.fixture(scope="module", params=sorted(MAKERS))
def family(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def streams(family) -> dict[int, Stream]:
    return {seed: MAKERS[family][0](seed) for seed in (0, 1)}


def test_family_is_listed(family):
    assert family in FAMILIES


def test_streams_are_seeded_and_deterministic(family, streams):
    make, folder = MAKERS[family]
    assert make(0).digest() == streams[0].digest()
    assert {q.query for q in streams[0].questions} != {q.query for q in streams[1].questions}
    assert [c.position for c in streams[0].chunks] == list(range(len(streams[0].chunks)))
    assert {c.meta["read"] for c in streams[0].chunks} == {folder}  # read at once: one moment
    assert {c.source.split("/")[0] for c in streams[0].chunks} == {folder}


def test_readmes_record_what_was_read():
    stream = readmes_stream(0)
    packages = stream.meta["packages"]  # name, version and licence of each package read
    assert len(packages) >= 10 and all(p["name"] in README_PACKAGES and p["version"] for p in packages)
    assert {c.source for c in stream.chunks} == {f"readmes/{p['name']}.md" for p in packages}


def test_questions_quote_their_gold_paragraph(streams):
    for stream in streams.values():
        assert len(stream.questions) == QUESTIONS
        for q in stream.questions:
            (gold,) = q.gold
            words = stream.chunks[gold].text.split()
            assert len(words) >= MIN_WORDS and q.query == " ".join(words[:QUOTE_WORDS])
            assert not q.stale  # nothing in a reference read once is superseded
            assert sum(q.query in " ".join(c.text.split()) for c in stream.chunks) == 1  # one right answer
