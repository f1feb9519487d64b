"""A stale mark is a claim: "superseded by X" tells the reader to disregard the evidence. It must not be made about
what a later chunk did not restate, against time, or for a question about what happened or about some of several
things (`subjects.replaced`, `subjects.asks_about_past`, `subjects.asks_for_many`)."""

from __future__ import annotations

import pytest

from evals.memory.locomo import load_locomo
from lam_memory import LAMMemory
from lam_memory.subjects import asks_about_past, asks_for_many, replaced, stamp_only
from lam_memory.types import Chunk


@pytest.mark.parametrize(
    "query, past",
    [
        ("When did Gina get accepted for the design internship?", True),
        ("What exercises has John done?", True),
        ("Which US state was Sam travelling in during October 2023?", True),
        ("What were Deborah's mother's hobbies?", True),
        ("Which team has the pager in the kitchen?", False),  # `has` as the verb: what is so
        ("What has the team agreed on?", True),
        ("How many times has Melanie gone to the beach in 2023?", True),
        ("What do we need when the build has one open issue?", False),
        ("Which servers have the most memory?", False),
        ("What is the current retry timeout?", False),
        ("What's the max upload size?", False),
        ("Which port does the billing API listen on?", False),
        ("Where is Mary?", False),
        ("billing API port", False),
        ("What motivated Caroline to pursue counseling?", True),  # the verb after "what" is in the past
        ("What happened to John's job in August 2023?", True),
        ("Who wrote the design doc?", True),
        ("What sparked James' passion for gaming when he was a kid?", True),
        ("What shared drive does the team use?", False),  # an -ed adjective: the question's verb is "does"
    ],
)
def test_asks_about_past(query, past):
    assert asks_about_past(query) is past


@pytest.mark.parametrize(
    "query, many",
    [
        ("What are the names of Jolene's snakes?", True),
        ("What are Maria's dogs' names?", True),
        ("What is a stress reliever for Evan?", True),
        ("What symbols are important to Caroline?", True),
        ("What kind of tricks do James's pets know?", True),
        ("What other exercises can help John?", True),
        ("What is one of Joanna's favorite movies?", True),
        ("What APIs does the gateway expose?", True),
        ("What kind of job is Joanna beginning?", False),
        ("What is Nate's favorite movie trilogy?", False),
        ("How many children does Melanie have?", False),  # a count is one value
        ("Which CI system runs the builds of Yusuf Kowalski's project?", False),
        ("What is the current rate limit of the billing public API?", False),
        ("What's the max upload size?", False),
        ("What is the status of the build?", False),
        ("Which port does the billing API listen on?", False),
        ("What does Melanie do to destress?", False),
        ("Who is my manager?", False),
        ("Which classical musicians does Melanie enjoy listening to?", True),  # the phrase's head: "musicians"
        ("What personal health incidents does Evan face in 2023?", True),
        ("Which TV series does Tim mention watching?", False),
        ("In which wiki space does the billing team keep its incident runbook?", False),
        ("What sports activity is Calvin planning to try?", False),
    ],
)
def test_asks_for_many(query, many):
    assert asks_for_many(query) is many


def _chunk(p: int, role: str = "user", read: str | None = None) -> Chunk:
    return Chunk(f"t{p}", "chat", p, p, kind="message", role=role, position=p, meta={"read": read} if read else {})


def test_replaced_only_by_a_later_statement_that_restates_it():
    held = {
        0: {"billing", "api", "port"},  # the first value
        1: {"billing", "api"},  # the update leaves out the asked word: restates the subject
        2: {"billing"},  # names less of the question: another fact about billing
        3: set(),  # holds no query term: states nothing the question asks
        4: {"billing", "api", "port"},  # written after the owner
    }
    group = [_chunk(p) for p in held]
    assert replaced(group, group[1], held, frozenset({"port"})) == [0]
    assert replaced(group, group[2], held, frozenset({"port"})) == []
    answer = _chunk(5, role="assistant")  # an answer is replaced by the evidence whenever it was written
    assert replaced([*group, answer], group[1], held | {5: {"billing", "api"}}, frozenset({"port"})) == [0, 5]
    one = [_chunk(0, read="r"), _chunk(1, read="r")]  # read at once: one moment
    assert replaced(one, one[1], held, frozenset({"port"})) == []


def test_a_turn_that_restates_only_who_speaks_replaces_nothing():
    """Two turns of one speaker share the name in their transcript stamps; the chunk state's vote groups them. A later
    turn that holds nothing of the question but its speaker's stamp ("Bye Joanna!") replaces no earlier turn of that
    speaker (LoCoMo: "This trilogy is one of my faves" had been marked superseded by it)."""
    query = "What is Nate's favorite movie trilogy?"
    texts = [
        "[7:44 pm on 21 April, 2022] Nate: Yeah, for sure! This trilogy is one of my faves.",
        "[5:54 pm on 9 November, 2022] Nate: Bye Joanna!",
        "[5:54 pm on 9 November, 2022] Nate: Rewatched that trilogy, still my fave.",
    ]
    group = [Chunk(t, "chat", p, p, kind="message", role="user", position=p) for p, t in enumerate(texts)]
    held = {0: {"nate", "trilogy"}, 1: {"nate"}, 2: {"nate", "trilogy"}}
    assert stamp_only(query, texts[1]) == {"nate"} and stamp_only(query, "Nate is here") == set()
    assert replaced(group, group[1], held, frozenset({"trilogy"}), stamp_only(query, texts[1])) == []
    assert replaced(group, group[2], held, frozenset({"trilogy"}), stamp_only(query, texts[2])) == [0]  # not "Bye"


@pytest.fixture(scope="module")
def locomo_30():
    """A real LoCoMo conversation (Jon and Gina, 19 sessions), one message per turn in its order."""
    conv = load_locomo()[1]
    mem = LAMMemory()
    mem.add_messages([{"role": "user", "content": c.text} for c in conv.chunks], source="chat")
    return mem


def test_a_later_turn_that_restates_less_does_not_supersede(locomo_30):
    """ "I'm currently reading 'The Lean Startup'" answers; the same speaker's next turn ("the book got me thinking
    ...") shares its state slots but not "reading": before the rule it marked the answer superseded."""
    hits = locomo_30.search("What book is Jon currently reading?", k=8)
    answer = next(h for h in hits if "Lean Startup" in h.text and "currently reading" in h.text)
    assert answer.superseded_by is None, [(h.text[:60], h.superseded_by) for h in hits]


def test_a_question_about_the_past_marks_nothing(locomo_30):
    for query in ("When did Jon start his dance studio?", "What did Gina do after losing her job?"):
        assert all(h.superseded_by is None for h in locomo_30.search(query, k=16)), query


def test_a_question_about_a_change_still_gets_the_latest_first():
    """Asked in the past tense, a change's latest value still ranks first; the older ones are not called stale."""
    from tests.lam_memory.test_subjects import PORT_CHAT, chat_memory

    hits = chat_memory(PORT_CHAT).search("Which port did the billing API listen on?", k=4)
    assert "8443" in hits[0].text and all(h.superseded_by is None for h in hits), [h.text[:40] for h in hits]


@pytest.mark.parametrize("name", ["Alice", "Dana Kowalski"])
def test_another_persons_value_is_not_a_newer_version(name):
    """ "What is Ivan Kowalski's badge number?" asks about Ivan: his first name is not the word asked for
    (`lexical.answer_terms`), so another person's later badge number, sharing the rest of the question's words (and
    even his surname), neither ranks first nor supersedes his."""
    from tests.lam_memory.test_subjects import chat_memory

    mem = chat_memory(
        [
            ("user", "Before I forget: Ivan Kowalski's employee badge number is 398945."),
            ("user", "Lunch is at noon today."),
            ("user", f"FYI: {name}'s employee badge number is 703635."),
        ]
    )
    hits = mem.search("What is Ivan Kowalski's employee badge number?", k=3)
    assert "398945" in hits[0].text and all(h.superseded_by is None for h in hits), [
        (h.text, h.superseded_by) for h in hits
    ]


def test_a_question_about_some_of_several_things_marks_nothing():
    """Jolene names her snakes in two turns ("This is Susie.", then "My second snake Seraphim did it."), both true
    together and both the question's evidence; before the rule one of them was marked superseded in the context of
    "What are the names of Jolene's snakes?"."""
    conv = load_locomo()[7]  # Deborah and Jolene
    with LAMMemory() as mem:
        mem.add_messages([{"role": "user", "content": c.text} for c in conv.chunks], source="chat")
        hits = mem.search("What are the names of Jolene's snakes?", k=16)
        assert all(h.superseded_by is None for h in hits), [(h.text[:60], h.superseded_by) for h in hits]


QUESTIONS = [
    "What motivated Caroline to pursue counseling?",  # the past, asked without an auxiliary
    "Which classical musicians does Melanie enjoy listening to?",  # the phrase's head is a plural
]


@pytest.mark.parametrize("query", QUESTIONS)
def test_a_question_in_the_past_or_about_a_plural_phrase_marks_nothing(query):
    """Two questions whose contexts marked their own evidence superseded on the real conversation: one asks what
    motivated her (the past: what happened stays true), one asks for musicians, the head of "classical musicians"
    (several things, which accumulate)."""
    conv = load_locomo()[0]  # Caroline and Melanie
    with LAMMemory() as mem:
        mem.add_messages([{"role": "user", "content": c.text} for c in conv.chunks], source="chat")
        hits = mem.search(query, k=16)
        assert all(h.superseded_by is None for h in hits), [(h.text[:60], h.superseded_by) for h in hits]
