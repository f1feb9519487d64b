"""Links: a question spanning two facts finds the second through a rare name the first holds, and nothing else is
linked (`lam_memory.links`)."""

from __future__ import annotations

import argparse
import collections
import csv
import functools
import inspect
import json
import string
import textwrap

import pytest

from lam_memory import LAMMemory, lexical
from lam_memory.config import MemoryConfig
from lam_memory.links import linked, naming_subject
from lam_memory.types import Chunk

QUESTION = "Which database does Ximena Haddad's project use?"


def _filler(*objects) -> list[str]:
    """Real prose that says nothing about projects: paragraphs of standard-library docstrings (of `objects`, by
    default json's and textwrap's)."""
    objects = objects or (json, json.JSONDecoder, json.JSONEncoder, textwrap, textwrap.TextWrapper)
    docs = [inspect.getdoc(o) or "" for o in objects]
    return [p.replace("\n", " ") for d in docs for p in d.split("\n\n") if len(p) > 200]


def _chat(link: str = "Willow2-17") -> list[dict]:
    filler = _filler()
    buried = f"{filler[0]} FYI: The {link} project's database is Neo4j. {filler[1]} {filler[2]}"
    turns = [
        f"Quick note: Ximena Haddad is now a developer on project {link}.",
        "Ximena Haddad is out of office on Friday.",
        "Ximena Petrov asked about the release notes.",
        "The Quartz-63 project's database is Cassandra.",
        "For the record: the Umbra-14 project's database is MySQL.",
        *filler[3:9],
        buried,
        *filler[9:],
    ]
    return [{"role": "user", "content": t} for t in turns]


@pytest.fixture(scope="module")
def memories():
    linked_on, linked_off = LAMMemory(), LAMMemory(config=MemoryConfig(link_df=1))
    for mem in (linked_on, linked_off):
        mem.add_messages(_chat(), source="chat.jsonl")
    yield linked_on, linked_off
    for mem in (linked_on, linked_off):
        mem.close()


def test_the_second_fact_is_found_through_the_name_the_first_holds(memories):
    on, off = memories
    ctx = on.context(QUESTION, budget_tokens=500)
    assert "Neo4j" in ctx.text and "developer on project Willow2-17" in ctx.text, ctx.text
    hits = on.search(QUESTION, k=4)
    assert any("Neo4j" in h.text for h in hits), [h.text[:60] for h in hits]
    # Without links the buried statement is not among the best hits: the link is what finds it.
    assert not any("Neo4j" in h.text for h in off.search(QUESTION, k=4))


def test_a_later_statement_of_the_linked_fact_ranks_above_the_earlier():
    chat = _chat()
    chat.append({"role": "user", "content": "Update: the Willow2-17 project's database moved to Postgres."})
    with LAMMemory() as mem:
        mem.add_messages(chat, source="chat.jsonl")
        hits = mem.search(QUESTION, k=8)
        ranks = {("Postgres" if "Postgres" in h.text else "Neo4j"): h for h in hits if "Willow2-17 project" in h.text}
        assert set(ranks) == {"Postgres", "Neo4j"}, [h.text[:60] for h in hits]
        assert ranks["Postgres"].rank < ranks["Neo4j"].rank


def test_evidence_far_below_a_closer_distractor_still_links():
    """The statement naming Ximena's project is itself buried in a paste, so the short "out of office" message is far
    closer to the question (0.44 of relevance above it: outside the band where versions are settled); it is among
    the `link_from` most relevant candidates, and its link puts the database statement beside it. With only the
    best candidate as evidence (`link_from` 1) the chain still starts at it, as a statement naming the question's
    rare subject (`links.naming_subject`); without links (`link_df` 1) nothing finds the database statement."""
    filler = _filler()
    chat = _chat()
    chat[0] = {"role": "user", "content": f"{filler[4]} Ximena Haddad has joined the Willow2-17 project. {filler[5]}"}
    chat += [{"role": "user", "content": p} for p in _filler(argparse, collections, functools, string, csv, inspect)]
    for config, found in ((MemoryConfig(), True), (MemoryConfig(link_from=1), True), (MemoryConfig(link_df=1), False)):
        with LAMMemory(config=config) as mem:
            mem.add_messages(chat, source="chat.jsonl")
            top = mem.search(QUESTION, k=6)
            assert "out of office" in top[0].text, [h.text[:60] for h in top]
            assert any("Neo4j" in h.text for h in top) is found, [h.text[:60] for h in top]


class FakeIndex:
    """Document counts and co-occurrence over a few texts, as the lexical index computes them."""

    def __init__(self, texts: list[str]):
        self.texts = texts
        self.terms = [set(lexical.terms(t)) for t in texts]

    def get(self, positions):
        return _chunks(self.texts, positions)

    def document_counts(self, words):
        return {w: sum(w in t for t in self.terms) for w in words}

    def holding(self, word, any_of, limit):
        return [p for p, t in enumerate(self.terms) if word in t and t & set(any_of)][:limit]


def _chunks(texts: list[str], positions: list[int] | None = None) -> list[Chunk]:
    return [Chunk(texts[i], "chat", i + 1, i + 1, position=i) for i in positions or range(len(texts))]


TEXTS = [
    "Ximena Haddad is now a developer on project Willow2-17 with Bob.",  # 0: the evidence
    "The Willow2-17 project's database is Neo4j.",  # 1: linked
    "Bob likes tea.",
    "Bob reviewed the parser.",
    "Willow2-17 had its kickoff on Monday.",  # holds the link but not the asked word: not linked
]


def test_linked_follows_the_rarest_name_to_chunks_holding_the_asked_word():
    chunks = _chunks(TEXTS)
    assert linked(QUESTION, chunks[:1], FakeIndex(TEXTS), max_df=16) == {1: 0}
    # Willow2-17 and Bob are each in 3 chunks: with max_df = 2 neither singles out one thing, so nothing is linked.
    assert linked(QUESTION, chunks[:1], FakeIndex(TEXTS), max_df=2) == {}


def test_a_link_that_is_a_word_leads_only_to_chunks_writing_it_as_a_name():
    """ "United" is a name in the evidence and a word of the language: a chunk saying "people united" is no link's
    end; "United cancelled" is, and so is "McGee's pub" for "McGee's Pub" (beside another name of the evidence). A
    link that is no word ("Okafor") leads to a chunk writing it in lowercase too."""
    question = "Which airline are we flying to Denver?"
    texts = [
        "We're flying United to Denver.",
        "It's inspiring to see people united, we all flew in for it.",
        "United cancelled, so we flew Southwest.",
    ]
    words = {"united", "people", "flying"}.__contains__
    chunks = _chunks(texts)
    assert linked(question, chunks[:1], FakeIndex(texts), max_df=16) == {1: 0}  # without a vocabulary: the first
    assert linked(question, chunks[:1], FakeIndex(texts), max_df=16, is_word=words) == {2: 0}
    texts = ["We're flying with Okafor Air to Denver.", "okafor air says we flew fine."]
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16, is_word=words) == {1: 0}
    question = "What kind of beer does McGee's bar serve?"  # "pub" beside "McGee", a name of the evidence
    texts = ["See you tomorrow at McGee's Pub!", "How about McGee's pub? They serve a great stout there!"]
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16, is_word={"pub"}.__contains__) == {1: 0}


def test_a_name_inside_an_address_is_no_link():
    """ "tv@ourmail.com" names the mail host, which every address there shares: it leads to no other login."""
    question = "What's the login email for the Hulu account?"
    texts = ["Hulu login is tv@ourmail.com.", "Changed the Netflix login to streams@ourmail.com"]
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {}
    texts = ["Hulu login is on the Ourmail.com account.", "Changed the Netflix login to the Ourmail.com one"]
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {1: 0}  # named outside an address


def test_naming_subject_finds_the_statements_holding_every_name_of_a_rare_subject():
    texts = [*TEXTS, "Ximena Petrov asked about the release notes.", "Ximena Haddad is out of office on Friday."]
    assert naming_subject(QUESTION, FakeIndex(texts), max_df=16) == [0, 6]  # not Ximena Petrov
    assert naming_subject(QUESTION, FakeIndex(texts), max_df=1) == []  # Haddad is in 2 chunks: not rare enough
    assert naming_subject("Where does Ximena Haddad work?", FakeIndex(texts), max_df=16) == []  # no asked word


@pytest.mark.parametrize(
    "question",
    [
        "Where does Ximena Haddad work?",  # no asked word
        "Which database does the Willow2-17 project use?",  # the question holds the name itself
        "Which database does the project use?",  # the question names no subject
    ],
)
def test_no_link_without_an_asked_word_a_subject_or_when_the_question_holds_the_name(question):
    assert linked(question, _chunks(TEXTS)[:1], FakeIndex(TEXTS), max_df=16) == {}


def test_evidence_that_holds_the_asked_word_links_nothing():
    texts = ["Ximena Haddad's database notes mention project Willow2-17.", *TEXTS[1:]]
    assert linked(QUESTION, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {}


def test_names_are_identifiers_and_proper_names_not_words_numbers_or_dates():
    text = (
        "[9:55 am on 22 October, 2023] Note: Viktor Novak joined Dune2-31; it runs on CircleCI, see foo_bar.py "
        "and port 8080. I read a self-help book by Amy Ellis."
    )
    assert lexical.names(text) == ["novak", "dune2-31", "circleci", "foo_bar.py", "amy", "ellis"]
    assert lexical.names("Use the printer on the 3rd floor, by the 21st desk.") == []  # an ordinal is a number


def test_a_question_links_nothing():
    asking = Chunk("Is Ximena Haddad on project Willow2-17?", "chat", 1, 1, position=0)
    assert linked(QUESTION, [asking], FakeIndex([asking.text, *TEXTS[1:]]), max_df=16) == {}


def test_links_work_on_a_memory_opened_read_only(tmp_path):
    with LAMMemory(tmp_path / "m") as mem:
        mem.add_messages(_chat(), source="chat.jsonl")
    with LAMMemory(tmp_path / "m", readonly=True) as mem:
        assert any("Neo4j" in h.text for h in mem.search(QUESTION, k=4))


def test_a_statement_of_the_asked_thing_links_back_to_the_subject():
    """Found the other way round: the database statement (whose project?) leads to the statement naming Ximena."""
    chunks = _chunks(TEXTS)
    assert linked(QUESTION, [chunks[1]], FakeIndex(TEXTS), max_df=16) == {0: 1}


def test_the_rarest_name_that_leads_somewhere_is_followed():
    """A rarer name from a pasted text (tkinter, in 2 chunks) leads to nothing that holds the asked word; the project's
    name (in 3) does."""
    texts = [
        "Ximena Haddad works on project Orchid-94; the pasted text says the Tkinter window is not altered.",
        "See the tkinter docs.",
        "The Orchid-94 project's database is Neo4j.",
        "Orchid-94 kickoff is on Monday.",
    ]
    assert "tkinter" in lexical.names(texts[0])
    assert linked(QUESTION, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {2: 0}


def test_an_answer_naming_an_instance_of_the_asked_category_is_linked_by_the_question_s_other_words():
    """ "Which CI system ..." is answered by "... runs its builds on Jenkins": the answer names an instance, not the
    category, so no chunk holding the link holds the asked word. Then the chunk holding the link that best matches
    the question's other words (its predicate: "runs", "builds", "project") is linked, one only; a chunk holding the
    link and none of them (the kickoff) is not."""
    question = "Which CI system runs the builds of Ximena Haddad's project?"
    texts = [
        "Ximena Haddad is now a developer on project Willow2-17.",
        "Willow2-17 had its kickoff on Monday.",
        "The Willow2-17 project runs its builds on Jenkins.",
        "The Quartz-63 project runs its builds on Travis CI.",
    ]
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {2: 0}
    assert linked(question, _chunks(texts[:2])[:1], FakeIndex(texts[:2]), max_df=16) == {}  # nothing to say it
    # a chunk holding the link and the asked word is still preferred
    texts.append("Willow2-17 moved to GitLab CI.")
    assert linked(question, _chunks(texts)[:1], FakeIndex(texts), max_df=16) == {4: 0}


OTHERS = ["Quartz-63", "Umbra-14", "Lantern-46", "Marlin-40", "Aurora2-29", "Vortex2-98", "Dune2-97", "Raven-97"]
CI = ["Travis", "GitLab", "Circle", "Drone", "Woodpecker", "Buildkite", "Semaphore", "Cirrus"]


def test_a_buried_answer_without_the_asked_word_reaches_the_context():
    """End to end, on real prose: the statement naming Ximena's project and the one naming its CI system are both
    buried in pastes, among other projects' CI statements that hold the asked word; the link finds the answer, and
    without links (`link_df` 1) the closer statements of other projects fill the context."""
    filler = _filler()
    turns = [
        f"{filler[0]} Quick note: Ximena Haddad works on project Willow2-17.",
        "Ximena Haddad is out of office on Friday.",
        *[f"The {p} project runs its builds on {ci} CI." for p, ci in zip(OTHERS, CI, strict=True)],
        *filler[3:9],
        f"{filler[1]} FYI: The Willow2-17 project runs its builds on Jenkins. {filler[2]}",
        "The Willow2-17 roadmap was shared in the channel.",
        *filler[9:],
    ]
    question = "Which CI system runs the builds of Ximena Haddad's project?"
    for config, found in ((MemoryConfig(), True), (MemoryConfig(link_df=1), False)):
        with LAMMemory(config=config) as mem:
            mem.add_messages([{"role": "user", "content": t} for t in turns], source="chat.jsonl")
            assert ("Jenkins" in mem.context(question, budget_tokens=500).text) is found
