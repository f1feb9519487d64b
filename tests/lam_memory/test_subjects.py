"""Facts that change in chat: the latest statement of the query's subject is current, statements about other things
are never marked superseded by it, and an assistant's turn never replaces the evidence it restates."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pytest
import torch

from lam_memory import LAMMemory, lexical
from lam_memory.lexical import answer_terms
from lam_memory.subjects import (
    asks_for_value,
    bare_heads,
    definite_phrases,
    definites,
    held_terms,
    is_statement,
    named_subject,
    naming_verb,
    optional_terms,
    qualified_otherwise,
    question_verb,
    restated,
    subject_groups,
    tells,
)
from lam_memory.types import Chunk

# A new user's chat in which a port moves twice (8080 -> 9090 -> 8443), the later statements worded unlike the
# first and unlike the question.
PORT_CHAT = [
    ("user", "Hi! I'm setting up the new billing service this week."),
    ("assistant", "Great, what stack are you using?"),
    ("user", "Python with FastAPI, deployed on a small VM."),
    ("user", "Yes: the billing API listens on port 8080."),
    ("assistant", "Noted: billing API on port 8080."),
    ("user", "We also use Postgres 15 for the ledger."),
    ("user", "The team standup is at 9:30 every morning."),
    ("user", "Change of plan: port 8080 clashes with Jenkins, so the billing API moved to port 9090."),
    ("assistant", "Understood, billing API now on 9090."),
    ("user", "The ledger backups run nightly at 02:00 UTC."),
    ("user", "Security review says we need TLS, so the billing API is now served on 8443."),
    ("assistant", "Got it: billing API on 8443 with TLS."),
    ("user", "We will demo on Friday."),
]

SERVICES = [
    "The billing API listens on port 8080.",
    "Lunch is at noon today.",
    "The search API listens on port 9200.",
    "Our Postgres database runs version 15.",
    "The auth service listens on port 7000.",
]


def chat_memory(turns: list[tuple[str, str]]) -> LAMMemory:
    mem = LAMMemory()
    mem.add_messages([{"role": r, "content": c} for r, c in turns], source="chat.jsonl")
    return mem


ACKNOWLEDGEMENTS = ["Got it.", "Noted: {}", "Okay, I'll remember that: {}"]  # what an assistant answers a statement
# The replies an assistant would give to the statements of the blind sealed sets (`test_changes.py`, twentieth to
# thirty-ninth), written on 2026-12-07 by helper agents that read only those statements (the thirty-eighth's and
# thirty-ninth's by the agents that wrote the sets): about 70% restate their facts in other words ("Congrats on the new
# lease! I've noted your rent as $2,250 a month."), the rest say none.
WRITTEN = Path(__file__).with_name("acknowledgements.json")


@lru_cache(maxsize=1)
def written_replies() -> dict[str, str]:
    """The replies in `WRITTEN`, by the statement they answer."""
    return json.loads(WRITTEN.read_text(encoding="utf-8"))


def acknowledgement(how: str, rng) -> Callable[[str], str | None]:
    """What an assistant answers a statement: "repeated", one of `ACKNOWLEDGEMENTS` (chosen by `rng`), two of which
    repeat it word for word; "written", its reply in `WRITTEN` (None for a statement without one)."""
    if how == "repeated":
        return lambda text: rng.choice(ACKNOWLEDGEMENTS).format(text)
    if how == "written":
        return written_replies().get
    raise ValueError(f"unknown acknowledgements {how!r}: repeated or written")


def chat_among_locomo(conversation: int, changes: list, seed: int = 0, acknowledged: str | None = None) -> LAMMemory:
    """A memory of the first 300 turns of a LoCoMo conversation ("[date] Speaker: text") with the statements of
    `changes` ((question, statements oldest first, value)) inserted at random places, in their order. With
    `acknowledged` ("repeated" or "written", `acknowledgement`), an assistant answers each statement, as agents do."""
    import random

    from evals.memory.locomo import load_locomo

    turns = [("user", c.text) for c in load_locomo()[conversation].chunks[:300]]
    rng = random.Random(seed)
    for _, statements, _ in changes:
        at = sorted(rng.sample(range(len(turns)), len(statements)))
        for offset, (i, text) in enumerate(zip(at, statements, strict=True)):
            turns.insert(i + offset, ("user", text))
    if acknowledged:
        said, answer = {text for _, statements, _ in changes for text in statements}, acknowledgement(acknowledged, rng)
        replies = [answer(text) if text in said else None for _, text in turns]
        turns = [
            t for turn, reply in zip(turns, replies, strict=True) for t in [turn] + [("assistant", reply)] * bool(reply)
        ]
    return chat_memory(turns)


@pytest.fixture(scope="module")
def port_chat():
    return chat_memory(PORT_CHAT)


@pytest.mark.parametrize(
    "query", ["Which port does the billing API listen on?", "what port is the billing service on?"]
)
def test_latest_value_ranks_first_and_older_ones_name_it(port_chat, query):
    hits = port_chat.search(query, k=8)
    assert "8443" in hits[0].text and hits[0].role == "user" and hits[0].superseded_by is None, hits[0]
    current = f"chat.jsonl:{hits[0].start_line}"  # one message: one line
    stale = [h for h in hits if "8080" in h.text or "9090" in h.text]
    assert stale and all(h.superseded_by == current for h in stale), [(h.text, h.superseded_by) for h in stale]
    ctx = port_chat.context(query, budget_tokens=300)
    assert ctx.text.index("8443") < ctx.text.index("8080")
    assert f"(superseded by {current})" in ctx.text


def test_facts_about_different_things_are_never_one_subject():
    mem = chat_memory([("user", t) for t in SERVICES])
    for query, value in [
        ("Which port does the billing API listen on?", "8080"),
        ("what port does search use?", "9200"),
        ("Which port does the auth service listen on?", "7000"),
    ]:
        hits = mem.search(query, k=5)
        assert value in hits[0].text, (query, hits[0].text)
        assert all(h.superseded_by is None for h in hits), [(h.text, h.superseded_by) for h in hits]


def test_statements_without_the_named_subject_are_not_one_subject():
    """The question names Bruno's project only through Bruno: the CI statements of other projects hold the same
    query terms as the answer ("project", "runs", "builds", "CI"), and the latest of them had superseded it."""
    mem = chat_memory(
        [
            ("user", "Bruno Lindqvist works on project Umbra2-24."),
            ("user", "The Juniper-55 project runs its builds on CircleCI."),
            ("user", "The Umbra2-24 project runs its builds on Travis CI."),
            ("user", "The Kestrel2-30 project runs its builds on GitLab CI."),
            ("user", "Lunch is at noon today."),
        ]
    )
    hits = mem.search("Which CI system runs the builds of Bruno Lindqvist's project?", k=5)
    assert any("Travis" in h.text for h in hits)
    assert all(h.superseded_by is None for h in hits), [(h.text, h.superseded_by) for h in hits]


@pytest.mark.parametrize(
    "query, named",
    [
        ("Which CI system runs the builds of Bruno Lindqvist's project?", {"bruno", "lindqvist"}),
        ("Who is driving the kids to soccer on Saturday?", set()),  # a day says when, not what
        ("What instrument is Tim learning to play in December?", {"tim"}),
    ],
)
def test_named_subject(query, named):
    assert named_subject(query) == named


@pytest.mark.parametrize(
    "text, heads, qualified",
    [
        ("We scaled the staging cluster down to 2 replicas.", {"cluster"}, True),  # another cluster
        ("The invoicing service's on-call engineer is now Emeka.", {"servic"}, True),
        ("Tom's flight got delayed, I'll grab Grandma from the airport myself.", {"grandma"}, False),  # a verb
        ("We're flying TAP to Lisbon.", {"fly"}, False),  # a pronoun's contraction is grammar
        ("Coach says practice is 6:30pm from next week on.", {"practic"}, False),  # a verb that reports
        ("We use Postgres for billing now.", {"postgr"}, False),  # a word after a pronoun is a verb
        ("Powell's double booked us so the book launch moved.", {"book", "launch"}, False),  # "booked": a verb
        ("The children's book launch moved to Friday.", {"book", "launch"}, True),  # another book's launch
        ("Parking is closed, let's meet at the Fern Hollow lot instead.", {"meet"}, False),  # "let's": let us
        ("Parking is closed, the team meet is at the Fern Hollow lot.", {"meet"}, True),  # the team's meet
        ("Sam's bringing dessert to the potluck.", {"bring", "dessert"}, False),  # "Sam's bringing": Sam is
        ("Sam's dessert is at the potluck.", {"bring", "dessert"}, True),  # Sam's own dessert
        ("Tomorrow's opening will be so much fun.", {"open"}, True),  # a possessive: no object follows
        ("The team's opening act was loud.", {"open"}, True),  # a possessive: after a determiner
        ("We ship all customer samples with FedEx.", {"sampl"}, False),  # "all": the whole kind, the known thing
        ("We ship export samples with FedEx.", {"sampl"}, True),  # another kind of samples
        ("ugh plumber bailed, Saturday now", {"plumber"}, False),  # an interjection qualifies nothing
    ],
)
def test_qualified_otherwise(text, heads, qualified):
    family = {"cluster", "servic", "grandma", "airport", "lisbon", "practic", "postgr", "fly", "book", "launch", "meet"}
    family |= {"bring", "dessert", "open", "sampl", "customer", "plumber"}
    assert qualified_otherwise(text, heads, family) is qualified


@pytest.mark.parametrize(
    "text, family, qualified",
    [
        ("4.2 code freeze slipped a week to November 21", {"code", "freez", "5.0", "releas"}, True),  # 4.2, not 5.0
        ("5.0 code freeze slipped a week to November 21", {"code", "freez", "5.0", "releas"}, False),  # the one asked
        ("Code freeze slipped, 3 weeks to go", {"code", "freez", "5.0", "releas"}, False),  # a value after the thing
        ("We scaled to 5 replicas of the cluster.", {"cluster", "replica"}, False),  # no number in the question
        ("the 3 kg bag is 4.99 now", {"bag", "kg", "2.5", "price"}, True),  # a 3 kg bag, not the 2.5 kg one
    ],
)
def test_another_number_names_another_thing_where_the_question_names_one(text, family, qualified):
    heads = {"code", "freez", "bag", "cluster"}
    assert qualified_otherwise(text, heads, family) is qualified


def test_an_assistant_answer_never_replaces_the_evidence():
    mem = chat_memory(
        [
            ("user", "The billing API listens on port 8080."),
            ("user", "Update: the billing API now listens on port 8443."),
            ("user", "Which port does the billing API listen on?"),
            ("assistant", "The billing API listens on port 9090."),  # a wrong answer, worded like the evidence
        ]
    )
    hits = mem.search("Which port does the billing API listen on?", k=4)
    current = next(h for h in hits if "8443" in h.text)
    wrong = next(h for h in hits if "9090" in h.text)
    assert current.superseded_by is None and current.rank < wrong.rank
    assert wrong.superseded_by == current.citation


ACKNOWLEDGED_CHAT = [  # a user's casual words, each acknowledged by the agent, as agent transcripts are
    ("user", "hey, setting up the staging box today. the api listens on port 8080 for now"),
    ("assistant", "Got it: the staging API listens on port 8080."),
    ("user", "also the db is postgres 15 on db-staging-1"),
    ("assistant", "Noted, Postgres 15 on db-staging-1."),
    ("user", "ugh 8080 clashes with the jenkins agent, moved the api to 9090"),
    ("assistant", "Okay, the API is on 9090 now."),
    ("user", "can you remind me what the retry limit for the webhook worker is? I think we said 5"),
    ("assistant", "You set the webhook worker's retry limit to 5."),
    ("user", "security wants tls everywhere so the api is on 8443 from now on"),
    ("assistant", "Understood, the API now serves TLS on 8443."),
    ("user", "bump the webhook retries to 8, the partner endpoint is flaky"),
    ("assistant", "Done, webhook worker retries are 8."),
]


@pytest.mark.parametrize(
    "query, current, stale",
    [
        ("Which port does the API listen on?", "8443", ["8080", "9090"]),
        ("what port is the api on?", "8443", ["8080", "9090"]),
        ("what's the webhook retry limit?", "8", ["5"]),  # "retries" is of the family of "retry"
        ("how many retries does the webhook worker get?", "8", ["5"]),
    ],
)
def test_an_acknowledged_fact_is_revised_by_its_update_and_not_by_the_acknowledgement(query, current, stale):
    """The agent's "Got it: the staging API listens on port 8080", as close to the question as the user's words
    and written after them, is no best statement (`subjects.evidence`): the user's update revises the user's fact.
    An acknowledgement of the current version is not stale; one of an older version is."""
    mem = chat_memory(ACKNOWLEDGED_CHAT)
    hits = mem.search(query, k=8)

    def said(text: str) -> set[str]:
        return {w.strip(".,") for w in text.split()}

    assert hits[0].role == "user" and current in said(hits[0].text) and hits[0].superseded_by is None, hits[0]
    for h in hits:
        if said(h.text) & set(stale) and current not in said(h.text):
            assert h.superseded_by == hits[0].citation, (h.text, h.superseded_by)
        elif current in said(h.text):
            assert h.superseded_by is None, (h.text, h.superseded_by)


@pytest.mark.parametrize(
    "query, asked",
    [
        ("Which port does the billing API listen on?", {"port"}),
        ("what is the current retry timeout?", {"timeout"}),  # after an article, the phrase's last word
        ("What is the max upload size?", {"size"}),
        ("What is the on-call phone number?", {"number"}),
        ("What is the staging URL?", {"url"}),  # an acronym is a word, a name ends the phrase
        ("What is the name Caroline chose?", {"name"}),
        ("What is the dog named?", {"dog"}),  # a participle last is the verb
        ("How many workers run the ingest?", {"workers"}),
        ("whose laptop is this", {"laptop"}),
        ("billing API port", set()),
        ("What's the port of the billing API?", {"port"}),
        ("What does the search API listen on?", set()),  # after a verb come the subject's words
        ("Where is the office?", set()),
        ("What is Ivan Kowalski's employee badge number?", {"number"}),  # whose: a determiner, the phrase's head
        ("Which CI system runs the builds?", {"ci"}),  # an acronym is a word
        ("What's the Netflix password?", {"password"}),  # a name before a noun qualifies it
        ("What is the Wi-Fi password at the cabin?", {"password"}),
        ("What is the Hotel Adlon?", set()),  # a name alone asks for nothing
    ],
)
def test_answer_terms(query, asked):
    assert answer_terms(query) == asked


def test_holds_reports_the_query_terms_a_text_holds_as_the_index_matches_them():
    query = "Which region do we deploy the billing API to? zebra"  # `zebra` is in no text
    assert lexical.holds(query, "billing api deployment moved to eu-west-2") == {"billing", "api"}
    assert lexical.holds(query, "We deploy it; the région is set") == {"we", "deploy", "region"}  # diacritics fold
    assert lexical.holds("Which port?", "the portal is up") == set()  # whole words only
    assert lexical.holds("What does retry_after do?", "call retry_after()") == {"retry_after", "retry", "after"}
    wifi = "What's the Wi-Fi password?"
    assert lexical.holds(wifi, "cabin wifi password") == {"wi-fi", "password"}  # a hyphen joins, as one reads it
    assert lexical.holds(wifi, "the WiFi password") >= {"wi-fi", "password"}
    assert lexical.holds("my e-mail address", "email me") == {"e-mail"}
    conn = sqlite3.connect(":memory:")  # the index agrees, term by term
    conn.executescript(lexical.SCHEMA)
    texts = ["billing port 8080", "billing api", "search api port", "lunch at noon", "Café au lait"]
    lexical.index(conn, [(i, t, "chat", "") for i, t in enumerate(texts)])
    query = "which billing port? cafe zebra"
    for word in lexical.query_terms(query):
        found = {r[0] for r in conn.execute("SELECT rowid FROM lexical WHERE lexical MATCH ?", (f'"{word}"',))}
        assert found == {i for i, t in enumerate(texts) if word in lexical.holds(query, t)}, word


@pytest.mark.parametrize(
    "word, family",
    [
        ("deployments", "deploy"),
        ("deployment", "deploy"),
        ("deployed", "deploy"),
        ("rotates", "rotat"),
        ("rotate", "rotat"),
        ("uploads", "upload"),
        ("planned", "plan"),
        ("classes", "clas"),
        ("class", "clas"),
        ("status", "status"),  # -us, -is, -ss are not plurals
        ("analysis", "analysis"),
        ("used", "used"),  # three letters must stay
        ("times", "time"),  # not "tim", a name
        ("Cafés", "cafe"),  # diacritics folded
        ("retry_after", "retry_after"),  # identifiers and numbers stay whole
        ("3.12", "3.12"),
        ("Wi-Fi", "wifi"),  # hyphens folded: "wifi", "WiFi"
        ("e-mails", "email"),
        ("retries", "retri"),  # a final y after a consonant is the i of -ies, -ied
        ("retry", "retri"),
        ("replied", "repli"),
        ("policy", "polici"),
        ("movies", "movi"),  # -ie nouns keep their family
        ("movie", "movi"),
        ("days", "day"),  # a y after a vowel stays
        ("studying", "studi"),
    ],
)
def test_stem(word, family):
    assert lexical.stem(word) == family


@pytest.mark.parametrize(
    "query, verb, naming, optional",
    [
        ("Which region do we deploy the API to?", {"deploy"}, {"deploy"}, {"region", "we"}),  # names one thing
        ("Which port does the billing API listen on?", {"listen"}, set(), {"port"}),  # names the billing API
        ("Which database does the ledger service use?", {"use"}, set(), {"database"}),
        ("How often do the API keys rotate?", {"rotate"}, set(), set()),
        ("Which channel should alerts go to?", {"go"}, {"go"}, {"channel"}),
        ("What does Melanie do to destress?", set(), set(), set()),  # `do` is a stop word
        ("Where is the team offsite?", set(), set(), set()),  # no do-auxiliary or modal
    ],
)
def test_question_verb_and_optional_terms(query, verb, naming, optional):
    assert question_verb(query) == verb and naming_verb(query) == naming
    assert optional_terms(query) == optional


def test_held_terms_by_word_family_but_a_verb_that_does_not_name_the_fact():
    def held_of(query: str, text: str) -> set[str]:
        (held,) = held_terms(query, [text])
        return held

    deploy = "Which region do we deploy the API to?"
    assert held_of(deploy, "Heads up: the API deployment moved to eu-west-2") == {"api", "deploy"}
    assert held_of(deploy, "the API deploys to eu-west-2") == {"api", "deploy"}
    listen = "Which port does the billing API listen on?"  # the verb does not name the fact: held only as written
    assert held_of(listen, "the billing API listens on ports 8080 and 8081") == {"billing", "api", "port"}
    assert held_of(listen, "billing: listen on 8443") == {"billing", "listen"}
    assert held_of("What's the max upload size?", "Uploads are capped at 10 MB.") == {"upload"}  # other words
    assert held_of("How big are the uploads?", "the upload cap, the résumé") == {"uploads"}  # by family
    assert held_of("Which technique does Tim use?", "a tough time") == set()  # a name only as written


@pytest.mark.parametrize(
    "query, phrases",
    [
        ("Where is the team offsite?", {"offsit": ({"offsite"}, {"team"}, False)}),
        ("Which port does the billing API listen on?", {"api": ({"api"}, {"billing"}, False)}),  # less the verb
        ("Where is the weekly retro held?", {"retro": ({"retro"}, {"weekly"}, False)}),  # less a participle
        (
            "What is the budget for the marketing campaign?",
            {  # after the head too; its head is the asked word
                "budget": ({"budget"}, {"marketing", "campaign"}, True),
                "campaign": ({"campaign"}, {"marketing"}, False),
            },
        ),
        ("What time is the standup?", {}),  # no modifier: nothing to drop
        ("Which CI system runs the Juniper-55 project?", {}),  # a name is never dropped
    ],
)
def test_definite_phrases(query, phrases):
    found = {f: (set(p.head), set(p.modifiers), p.asked) for f, p in definite_phrases(query).items()}
    assert found == phrases


@pytest.mark.parametrize(
    "text, bare",
    [
        ("Change of plans, the offsite is in Porto instead.", True),
        ("the offsite's in Porto now", True),
        ("We moved the offsite to Porto.", True),
        ("The offsite got moved.", True),  # an irregular past
        ("Is it the offsite?", True),  # a punctuation mark
        ("the offsite venue is nice", False),  # another noun is the head
        ("the spring offsite is in Porto", False),  # another modifier
        ("an offsite in Porto", False),  # not definite
        ("Offsite is moving to Porto.", True),  # chat drops the article at a sentence's start
        ("Bad news. Offsite got moved.", True),  # at any sentence's start
        ("We booked offsite rooms.", False),  # not first in a sentence, no article
        ("Offsite venue is booked.", False),  # first, but another noun is the head
    ],
)
def test_bare_heads(text, bare):
    query = "Where is the team offsite?"
    assert bare_heads(text, definite_phrases(query), question_verb(query)) == ({"offsit"} if bare else set())
    budget = "What is the budget for the marketing campaign?"  # the asked word as head needs a modifier with it
    assert bare_heads("Finance cut the campaign budget to $25k.", definite_phrases(budget), frozenset()) == {"budget"}
    assert bare_heads("the budget is tight", definite_phrases(budget), frozenset()) == set()


def test_a_bare_definite_refers_to_the_latest_thing_named_before_it():
    """ "the team" is the team named last before it, as a reader resolves it: after "Aisha leads the mobile team" it is
    the mobile team, after "The design team uses ..." the design team (which in a chat that switches topics is
    wrong: a known limit), and with no team named before it, none the question knows of."""
    texts = ["Aisha leads the mobile team.", "The design team uses the MacBook Pro 14.", "Kenji now leads the team."]

    def held_after(query: str, order: list[int]) -> set[str]:
        chunks = [Chunk(texts[i], "chat", n, n, kind="message", role="user", position=n) for n, i in enumerate(order)]
        held = dict(enumerate(held_terms(query, [c.text for c in chunks])))
        return definites(query, chunks, held)[len(order) - 1]

    mobile = "Who leads the mobile team?"
    assert held_after(mobile, [0, 2]) == {"leads", "mobile", "team"}
    assert held_after(mobile, [0, 1, 2]) == {"leads", "team"}  # the design team came between
    assert held_after("Which laptop model does the design team use?", [0, 1, 2]) == {"design", "team"}
    assert held_after(mobile, [2]) == {"leads", "team"}  # no antecedent


def test_a_question_naming_one_thing_keeps_its_verb():
    """ "Which region do we deploy the API to?" names one thing, the API; what it asks is told by its verb. Statements
    about the API that do not deploy it ("API keys rotate ...") are other facts, and the later of them must not
    replace the deployment (it did when the verb was left out of every subject)."""
    from evals.memory.locomo import load_locomo

    turns = [c.text for c in load_locomo()[0].chunks[:60]]
    plan = [
        "We deploy the API to us-east-1 for now.",
        "Heads up: the API deployment moved to eu-west-2 this morning.",
        "API keys rotate every 30 days.",
        "Security changed it: API keys now rotate weekly.",
    ]
    for at, text in zip([5, 20, 35, 50], plan, strict=True):
        turns.insert(at, text)
    mem = chat_memory([("user", t) for t in turns])
    hits = mem.search("Which region do we deploy the API to?", k=5)
    assert "eu-west-2" in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    assert all(h.superseded_by in (None, hits[0].citation) for h in hits)
    assert all(h.superseded_by is None for h in hits if "keys" in h.text), [(h.text, h.superseded_by) for h in hits]
    keys = mem.search("How often do the API keys rotate?", k=5)
    assert "weekly" in keys[0].text and all(h.superseded_by is None for h in keys if "deploy" in h.text)


def test_subject_groups_from_held_terms_alone():
    """The rule on its own, with orthogonal embeddings (nothing is close): equal subjects are one; a chunk lacking a
    term the best candidate names is not; a member lacking only the asked word needs closeness; a question and an
    assistant's turn are never current."""
    texts = {
        0: ("user", {"billing", "api", "port"}),  # the first value
        1: ("user", {"billing", "api", "port"}),  # the update: same subject
        2: ("user", {"api", "port"}),  # another service's port: lacks `billing`
        3: ("user", {"billing", "api"}),  # lacks only the asked word, but not close to the others
        4: ("assistant", {"billing", "api", "port"}),  # an answer, latest
    }
    chunks = [Chunk(f"t{p}", "chat", p, p, kind="message", role=r, position=p) for p, (r, _) in texts.items()]
    held = {p: terms for p, (_, terms) in texts.items()}
    relevance = {0: 0.9, 1: 0.6, 2: 0.8, 3: 0.5, 4: 0.7}
    query = "Which port does the billing API use?"
    groups = subject_groups(query, chunks, held, relevance, torch.eye(5), link=0.6)
    assert groups == [([0, 1, 4], 1)]
    close = torch.ones(5, 5)  # everything close: the asked-word member joins, the other service never does
    assert subject_groups(query, chunks, held, relevance, close, link=0.6) == [([0, 1, 3, 4], 3)]
    assert not is_statement(Chunk("Which port is it?", "chat", 1, 1)) and is_statement(chunks[0])
    assert not is_statement(Chunk("PORT = 8080", "app.py", 1, 1, kind="code"))


@pytest.mark.parametrize(
    "message, states",
    [  # hand-written for this test
        ("The vet moved Biscuit's checkup to 4:15 on Friday. Can you add it to my calendar?", True),
        ("Our landlord is raising the rent to $2,150 from March, should I push back?", True),
        ("we switched the staging db to Postgres 16 last night, can you update the compose file?", True),
        ("Renewal came in at $89/yr, please remind me to cancel before June 3?", True),  # a request, not about you
        ("Great game last night! Did you catch the second half?", False),  # no value
        ("I ran 10k this morning! How was your weekend?", False),  # about the listener
        ("That's great, Priya! I moved to Denver in May. What's new?", False),  # the listener called by name
        ("Hey Omar, the standup is at 9:30 now. Ok?", False),
        ("Which port is it?", False),
        ("Can you remind me when the plumber comes?", False),  # a request that states nothing
    ],
)
def test_a_message_ending_in_a_question_states_what_else_it_says(message, states):
    """A message that asks can also state: what people tell an assistant comes with a request
    (`subjects.tells`)."""
    assert tells(message) is states
    assert is_statement(Chunk(message, "chat", 1, 1, kind="message", role="user")) is states


def test_an_update_told_with_a_request_revises_the_fact():
    """An assistant's user says what changed and asks for help in one message: the update is current, and the fact
    it revises and the assistant's answer that repeated it are marked superseded by it (hand-written chat)."""
    mem = chat_memory(
        [
            ("user", "My dentist appointment is Thursday at 2:30 with Dr. Okafor."),
            ("assistant", "Noted: dentist Thursday 2:30."),
            ("user", "Can you find me a bakery near the office that opens early?"),
            ("assistant", "Rise & Shine on 5th opens at 6."),
            ("user", "ugh, the dentist moved me to 9:15 in the morning, same day. can you check I still make standup?"),
        ]
    )
    hits = mem.search("What time is my dentist appointment?", k=5)
    assert "9:15" in hits[0].text and hits[0].superseded_by is None, hits[0]
    old, echo, bakery = (next(h for h in hits if s in h.text) for s in ("2:30 with", "Noted", "Rise"))
    assert old.superseded_by == hits[0].citation and echo.superseded_by == hits[0].citation, (old, echo)
    assert bakery.superseded_by is None  # an answer between them that repeats none of the old values
    mem.close()


# Facts that change, worded as a user would (hand-written for this test, not by the suite's generator), each version
# a message of its own among 300 real LoCoMo chat turns: (question, versions oldest first, the current value).
CHANGES = [
    (
        "Who is my manager?",
        ["My manager is Dana Whitfield.", "Dana Whitfield left the company, so Priya Raman is my manager now."],
        "Priya",
    ),
    (
        "How often do the API keys rotate?",
        ["API keys rotate every 30 days.", "Security changed it: API keys now rotate weekly."],
        "weekly",
    ),
    (
        "What time is the standup?",
        ["Standup is at 9:30 every morning.", "We moved standup to 10:15 starting Monday."],
        "10:15",
    ),
    (
        "Which database does the ledger service use?",
        ["The ledger service uses PostgreSQL 13.", "We migrated the ledger service to CockroachDB last sprint."],
        "CockroachDB",
    ),
    (
        "What is the staging URL?",
        ["staging lives at https://stg.acme.dev", "new staging URL is https://staging2.acme.io, the old one is gone"],
        "staging2",
    ),
    (
        "What's the max upload size?",
        [
            "Uploads are capped at 10 MB.",
            "We raised the upload cap to 25 MB.",
            "Actually the upload limit is 50 MB now after the infra change.",
        ],
        "50 MB",
    ),
    (
        "What version of Python does the build use?",
        ["Our build runs on Python 3.10.", "Bumped the build to Python 3.12 today."],
        "3.12",
    ),
    (
        "Which channel should alerts go to?",
        ["Send alerts to #ops-alerts.", "Alerts should go to #sre-pager from now on."],
        "sre-pager",
    ),
    (  # an inflected subject word: "deploy" in the question and the first statement, "deployment" in the update
        "Which region do we deploy the API to?",
        ["We deploy the API to us-east-1 for now.", "Heads up: the API deployment moved to eu-west-2 this morning."],
        "eu-west-2",
    ),
    (  # an update that drops a qualifier: "the offsite" is the team offsite, the only one the chat has named
        "Where is the team offsite?",
        ["The team offsite will be in Lisbon.", "Change of plans, the offsite is in Porto instead."],
        "Porto",
    ),
]
# Written after the changes above were right, before `subjects.definites` existed, as a check on wording the rules
# had not seen (none of these 10 was right then): the ones the rules now get right, then the ones they still miss.
UNSEEN = [
    (
        "When is the quarterly review?",
        ["The quarterly review is scheduled for March 3.", "Heads up, the review got pushed to March 10."],
        "March 10",
    ),
    (
        "Where do we keep the design docs?",
        ["Design docs live in Confluence under /DESIGN.", "We moved the docs to Notion."],
        "Notion",
    ),
    (
        "What is the wifi password at the office?",
        ["The office wifi password is tulip42.", "IT rotated it: the wifi password is now maple77."],
        "maple77",
    ),
    (
        "What is the budget for the marketing campaign?",
        ["The marketing campaign budget is $40k.", "Finance cut the campaign budget to $25k."],
        "$25k",
    ),
]
# Two that were misses until a later statement close in meaning could restate an earlier one in fewer of the
# question's words (`subjects.restated`): the verb said otherwise ("is held in" / "is in"), a qualifier dropped
# without an article ("New on-call number").
RESTATED = [
    (
        "Where is the weekly retro held?",
        ["The weekly retro is held in room 4B.", "From now on the retro is in the big conference room."],
        "conference room",
    ),
    (
        "What is the on-call phone number?",
        ["The on-call phone number is 555-0142.", "New on-call number: 555-0199."],
        "555-0199",
    ),
]
# Three that were misses until a later statement that announces a change could revise the best statement about
# the question (`lam_memory.changes`): the verb said as a noun ("the sale *start*"), paraphrased ("prints to" /
# "printer"), or the asked word said by neither ("MacBook" is a laptop), the two far apart in meaning.
ANNOUNCED = [
    (
        "When does the summer sale start?",
        ["The summer sale starts June 1.", "Marketing pushed the sale start to June 8."],
        "June 8",
    ),
    (
        "Which printer does the finance office use?",
        ["The finance office prints to the HP on floor 2.", "The office printer is now the Canon by the kitchen."],
        "Canon",
    ),
    (
        "Which laptop model does the design team use?",
        ["The design team uses the MacBook Pro 14.", "The team switched to Framework 16 laptops last week."],
        "Framework",
    ),
]


@pytest.fixture(scope="module")
def changing_chat():
    return chat_among_locomo(0, CHANGES + UNSEEN + RESTATED + ANNOUNCED, seed=0)


def latest_first(mem: LAMMemory, query: str, versions: list[str], current: str) -> None:
    """The current value ranks first, the version before it is among the hits, and every older version among them
    is marked superseded by it ("Uploads are capped at 10 MB" too: "uploads" holds "upload" by word family)."""
    hits = mem.search(query, k=8)
    assert current in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    assert any(h.text == versions[-2] for h in hits), [h.text for h in hits]  # the version just before the current
    older = [h for h in hits if h.text in versions[:-1]]
    assert all(h.superseded_by == hits[0].citation for h in older), [(h.text, h.superseded_by) for h in older]


ALL_CHANGES = CHANGES + UNSEEN + RESTATED + ANNOUNCED


@pytest.mark.parametrize("query, versions, current", ALL_CHANGES, ids=[q for q, _, _ in ALL_CHANGES])
def test_changed_facts_in_real_chat_latest_first_and_the_previous_one_names_it(changing_chat, query, versions, current):
    latest_first(changing_chat, query, versions, current)


# Twelve changes written fresh on 2026-12-04, after every rule above, as a check on wording the rules never saw, in
# another LoCoMo conversation (Jon and Gina's). 6 got their current value first (5 with the older ones marked), 7 the
# next day (the standup, since `bare_heads` reads a sentence's first words), 10 with `restated`, 12 since a statement
# that announces a change revises the best one (`lam_memory.changes`: `FRESH_LATER`). Both versions were the first
# two hits in every miss: what failed was the grouping, not the retrieval.
FRESH = [
    (
        "Which Slack channel do we use for incidents?",
        [
            "Please report incidents in #ops-alerts.",
            "Incidents go to #incident-room from now on, #ops-alerts is archived.",
        ],
        "#incident-room",
    ),
    (
        "What is the staging URL?",
        [
            "Staging is at https://staging.orbit.dev",
            "New staging URL: https://stg2.orbit.dev (the old one is shut down).",
        ],
        "stg2",
    ),
    (
        "How much RAM do the build agents have?",
        [
            "Our build agents have 16 GB of RAM.",
            "Upgraded the build agents to 32 GB of RAM.",
            "Build agents now have 64 GB RAM after the hardware refresh.",
        ],
        "64 GB",
    ),
    (
        "What version of Node does the frontend use?",
        ["The frontend is pinned to Node 16.", "Bumped the frontend to Node 18.", "Frontend is on Node 20 LTS now."],
        "Node 20",
    ),
    (
        "Who is the on-call engineer this week?",
        ["On-call this week: Farid.", "Farid is sick, Lena is covering on-call for the rest of the week."],
        "Lena",
    ),
    (
        "How long is the free trial?",
        ["The free trial lasts 14 days.", "Product decided to extend the free trial to 30 days."],
        "30 days",
    ),
    (  # a qualifier dropped with the article at a sentence's start ("Standup is moving"): failed before `bare_heads`
        # read a sentence's first words as a definite description
        "What time does the daily standup start?",
        ["Daily standup starts at 9:30 every morning.", "Standup is moving to 10:15 starting Monday."],
        "10:15",
    ),
    # three of the misses until a later statement close in meaning could restate an earlier one in fewer of the
    # question's words (`subjects.restated`): the verb paraphrased ("owns" / "Handing ... over to", "hosts" / "now
    # lives in"), a qualifier dropped without an article ("Friday's dinner")
    (
        "Who owns the mobile release checklist?",
        [
            "Marta owns the mobile release checklist.",
            "Handing the release checklist over to Jonas while Marta is on leave.",
        ],
        "Jonas",
    ),
    (
        "Where is the team dinner on Friday?",
        [
            "Team dinner Friday will be at Luigi's.",
            "Luigi's is fully booked, so Friday's dinner moves to the Thai place on 5th.",
        ],
        "Thai place",
    ),
    (
        "Which region hosts the EU customers' data?",
        [
            "EU customer data is hosted in eu-west-1.",
            "EU customers' data now lives in eu-central-1 after the migration.",
        ],
        "eu-central-1",
    ),
]
FRESH_LATER = [  # right since a statement announcing a change revises the best one (`lam_memory.changes`)
    (  # the phrase's head dropped ("reporting" for "the reporting service"), and the two are not close (cosine 0.50)
        "Which database does the reporting service use?",
        ["The reporting service runs on MySQL 5.7.", "We finished migrating reporting to PostgreSQL 15 last night."],
        "PostgreSQL",
    ),
    (  # the update says "limit" for "size", the thing asked about (cosine 0.64)
        "What is the max upload size?",
        ["The max upload size is 25 MB.", "We raised the upload limit to 100 MB."],
        "100 MB",
    ),
]


@pytest.fixture(scope="module")
def fresh_chat():
    return chat_among_locomo(1, FRESH + FRESH_LATER, seed=0)


@pytest.mark.parametrize("query, versions, current", FRESH + FRESH_LATER, ids=[q for q, _, _ in FRESH + FRESH_LATER])
def test_freshly_worded_changes_latest_first(fresh_chat, query, versions, current):
    """The current value first; unmarked, as every hit is, where the question names a product ("Slack") that no
    version says: a question's proper name limits which statements are versions (`about_named`)."""
    hits = fresh_chat.search(query, k=8)
    assert current in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    if "Slack" not in query:
        latest_first(fresh_chat, query, versions, current)


# The two changes of the fresh sets below that `lam_memory.changes` still misses (its module doc, "Where it
# fails"). The sets keep their data and order (their chats insert the statements in list order); `_right` and
# `_missed` split them. The hotel in Berlin, missed until the update naming the old value was followed
# (`changes.old_values`), is right since.
STILL_MISSED = {
    "Who is the point of contact for the Acme account?",  # "Acme account *questions*", 0.40 from the first
    "Who approves production deploys?",  # "Deploy *approvals*", 0.48 from the first
}


def _right(changes: list) -> list:
    return [c for c in changes if c[0] not in STILL_MISSED]


def _missed(changes: list) -> list:
    return [c for c in changes if c[0] in STILL_MISSED]


# Ten more changes written on 2026-12-05, after `restated`, as the next check on wording no rule saw (a fourth
# LoCoMo conversation, two seeds of insertion points in a throw-away script, the same counts at both): 5 right
# (current first, older marked), the same 5 before `restated` and after. The misses are of kinds no rule reads:
# the update and the first statement each hold a query term the other lacks ("monthly cloud budget" / "cloud spend
# budget"), or the update drops the thing named ("mobile *builds*" for "the mobile *app*"; "Deploy approvals" for
# "Production deploys"), with their cosine 0.30-0.51, under `subject_link`. What both versions have is a value of
# one kind each (Atrium / Pavilion, Bitrise / GitHub Actions, Priya / Tomas, $12k / $18k, Wei / Sara). 8 are right
# since a statement that announces a change revises the best one (`lam_memory.changes`); 2 are still missed.
FRESH_2 = [
    (
        "What is the deadline for the Q3 report?",
        ["The Q3 report is due on October 5.", "Finance pushed the Q3 report deadline to October 12."],
        "October 12",
    ),
    (
        "How many replicas does the search cluster run?",
        ["The search cluster runs 3 replicas.", "Scaled the search cluster up to 5 replicas for the launch."],
        "5 replicas",
    ),
    (
        "What is the wifi password in the office?",
        ["Office wifi password is sunflower42.", "IT rotated the wifi password, it's now bluejay77."],
        "bluejay77",
    ),
    (
        "Which Python version does the data pipeline use?",
        ["The data pipeline runs on Python 3.9.", "Data pipeline upgraded to Python 3.11 this sprint."],
        "3.11",
    ),
    (
        "When is the design review?",
        [
            "Design review is on Tuesday at 3pm.",
            "Moving the design review to Thursday 11am, Tuesday doesn't work for Omar.",
        ],
        "Thursday",
    ),
]
FRESH_2_LATER = [
    (
        "Where is the company all-hands this quarter?",
        [
            "The company all-hands this quarter is in the Atrium.",
            "All-hands got moved to the Pavilion because of the renovation.",
        ],
        "Pavilion",
    ),
    (
        "Which CI provider builds the mobile app?",
        ["The mobile app is built on Bitrise.", "We moved mobile builds over to GitHub Actions."],
        "GitHub Actions",
    ),
    (
        "Who is the point of contact for the Acme account?",
        ["Priya is the point of contact for the Acme account.", "Acme account questions should now go to Tomas."],
        "Tomas",
    ),
    (
        "What is the monthly budget for cloud spend?",
        ["Our monthly cloud budget is $12k.", "Leadership approved raising the cloud spend budget to $18k per month."],
        "$18k",
    ),
    (
        "Who approves production deploys?",
        ["Production deploys need approval from Wei.", "Deploy approvals are handled by Sara starting this week."],
        "Sara",
    ),
]


@pytest.fixture(scope="module")
def fresh_chat_2():
    return chat_among_locomo(3, FRESH_2 + FRESH_2_LATER, seed=0)


@pytest.mark.parametrize(
    "query, versions, current", _right(FRESH_2 + FRESH_2_LATER), ids=[q for q, _, _ in _right(FRESH_2 + FRESH_2_LATER)]
)
def test_second_fresh_set_latest_first(fresh_chat_2, query, versions, current):
    latest_first(fresh_chat_2, query, versions, current)


@pytest.mark.xfail(strict=True, reason="known limits of changes (module doc)")
@pytest.mark.parametrize(
    "query, versions, current", _missed(FRESH_2_LATER), ids=[q for q, _, _ in _missed(FRESH_2_LATER)]
)
def test_second_fresh_set_known_misses(fresh_chat_2, query, versions, current):
    hits = fresh_chat_2.search(query, k=8)
    assert current in hits[0].text, [h.text for h in hits]


# Ten more written on 2026-12-05 after `restated` and kept unseen until it was done (a fifth LoCoMo conversation;
# two seeds of insertion points in a throw-away script, the same counts at both; the code of the commit before
# `restated` too): 4 current first, 3 of them with the older one marked, before and after. Six updates name almost
# none of the question ("Dentist called, they moved me to 4:30pm", "Adlon cancelled on us, so we're at the
# Michelberger instead", "Pricing update: Pro is $35/month"): they lean on the chat around them. Each announces its
# change, and 9 are right since such a statement revises the best one (`lam_memory.changes`), the hotel too since an
# update that names the value it replaces is followed (`changes.old_values`).
FRESH_3 = [
    (
        "Who is hosting the book club next month?",
        ["Anna is hosting book club next month.", "Change of host: Ben will have book club at his place next month."],
        "Ben",
    ),
    (
        "Where is the spare key?",
        ["The spare key is under the blue flowerpot.", "I moved the spare key to the lockbox by the garage."],
        "lockbox",
    ),
    (
        "What is the minimum order for free shipping?",
        ["Free shipping kicks in at $50.", "We lowered the free shipping threshold to $35."],
        "$35",
    ),
]
FRESH_3_LATER = [
    (
        "What time is my dentist appointment?",
        ["My dentist appointment is at 2pm on the 14th.", "Dentist called, they moved me to 4:30pm the same day."],
        "4:30pm",
    ),
    (
        "Which hotel are we staying at in Berlin?",
        [
            "We booked the Hotel Adlon for the Berlin trip.",
            "Adlon cancelled on us, so we're at the Michelberger instead.",
        ],
        "Michelberger",
    ),
    (
        "How long are the team's sprints?",
        ["Sprints are two weeks long.", "Starting next cycle we switch to three-week sprints."],
        "three-week",
    ),
    (
        "What is the price of the Pro plan?",
        ["The Pro plan costs $29 per month.", "Pricing update: Pro is $35/month from January."],
        "$35",
    ),
    (
        "Which email should customers use for support?",
        [
            "Customers should email help@zenco.io for support.",
            "Support moved to support@zenco.io, help@ forwards for now.",
        ],
        "support@zenco.io",
    ),
    (
        "How often do we back up the database?",
        ["We back up the database every night.", "Database backups now run every 6 hours."],
        "every 6 hours",
    ),
    (  # current first, but the older one not marked
        "Which font does the marketing site use?",
        ["The marketing site uses Inter for body text.", "Design swapped the marketing site's font to Source Sans."],
        "Source Sans",
    ),
]


@pytest.fixture(scope="module")
def fresh_chat_3():
    return chat_among_locomo(4, FRESH_3 + FRESH_3_LATER, seed=0)


@pytest.mark.parametrize(
    "query, versions, current", _right(FRESH_3 + FRESH_3_LATER), ids=[q for q, _, _ in _right(FRESH_3 + FRESH_3_LATER)]
)
def test_third_fresh_set_latest_first(fresh_chat_3, query, versions, current):
    latest_first(fresh_chat_3, query, versions, current)


# The other side of `restated`: a later statement about another thing, worded close to the question's fact (written
# on 2026-12-05 with the rule, before it was measured on them), must neither rank above the answer nor mark it:
# another qualifier ("the *production* database", "the *client* dinner"), another head ("the upload *speed*"), another
# thing named ("a new checklist for the *web* release", "*US* customers' data"). (question, [answer, other], answer
# value), in a third LoCoMo conversation. Before the question's asked word was the last of its noun phrase
# (`lexical.asked_word`), "What is the on-call phone number?" read "on-call" as the asked word and "The office phone
# number is 555-0100" marked the answer superseded.
OTHER_THINGS = [
    (
        "Which Postgres version does the staging database run?",
        ["The staging database runs Postgres 14.", "The production database was upgraded to Postgres 16."],
        "Postgres 14",
    ),
    (
        "What is the max upload size?",
        ["The max upload size is 25 MB.", "The upload speed on the office wifi is about 10 MB/s."],
        "25 MB",
    ),
    (
        "Who owns the mobile release checklist?",
        ["Marta owns the mobile release checklist.", "Jonas wrote a new checklist for the web release."],
        "Marta",
    ),
    (
        "Where is the team dinner on Friday?",
        ["Team dinner Friday will be at Luigi's.", "The client dinner on Friday is at the steakhouse."],
        "Luigi",
    ),
    (
        "Which region hosts the EU customers' data?",
        ["EU customer data is hosted in eu-west-1.", "Our US customers' data lives in us-east-2."],
        "eu-west-1",
    ),
    (
        "How long is the free trial?",
        ["The free trial lasts 14 days.", "The enterprise trial lasts 60 days."],
        "14 days",
    ),
    (
        "What time does the daily standup start?",
        ["Daily standup starts at 9:30 every morning.", "The design team's weekly standup starts at 2pm on Thursdays."],
        "9:30",
    ),
    (
        "What is the on-call phone number?",
        ["The on-call phone number is 555-0142.", "The office phone number is 555-0100."],
        "555-0142",
    ),
    ("Who leads the mobile team?", ["Aisha leads the mobile team.", "Kenji leads the platform team now."], "Aisha"),
    (
        "Which laptop does the design team use?",
        ["The design team uses MacBook Pro 14 laptops.", "The sales team got ThinkPads last week."],
        "MacBook",
    ),
    (
        "Where is the weekly retro held?",
        ["The weekly retro is held in room 4B.", "The quarterly planning is held in the big conference room."],
        "4B",
    ),
    (
        "Which database does the reporting service use?",
        ["The reporting service runs on MySQL 5.7.", "The billing service runs on PostgreSQL 15."],
        "MySQL",
    ),
]


@pytest.fixture(scope="module", params=[0, 1])
def other_things_chat(request):
    return chat_among_locomo(2, OTHER_THINGS, seed=request.param)


@pytest.mark.parametrize("query, statements, answer", OTHER_THINGS, ids=[q for q, _, _ in OTHER_THINGS])
def test_a_later_statement_about_another_thing_neither_outranks_nor_marks_the_answer(
    other_things_chat, query, statements, answer
):
    hits = other_things_chat.search(query, k=8)
    assert answer in hits[0].text, [h.text for h in hits]
    assert all(h.superseded_by is None for h in hits if h.text in statements), [(h.text, h.superseded_by) for h in hits]


def test_restated_restores_what_a_close_later_statement_leaves_out():
    """The rule on its own: a later statement that names the question's thing (the phrase's head) with no other
    qualifier and holds part of an earlier one's terms takes them when the two are close; not when they are far,
    when it qualifies the head otherwise, or when it does not name the head."""
    query = "Who owns the mobile release checklist?"
    texts = [
        "Marta owns the mobile release checklist.",
        "Handing the release checklist over to Jonas.",
        "The web release checklist is with Ana.",
        "Jonas handles the release from now on.",
    ]
    chunks = [Chunk(t, "chat", n, n, kind="message", role="user", position=n) for n, t in enumerate(texts)]
    held = dict(enumerate(held_terms(query, texts)))
    assert held[1] == {"release", "checklist"}
    close = torch.ones(4, 4)
    out = restated(query, chunks, held, close, link=0.6)
    assert out[1] == held[0]  # restored: names the checklist, no other qualifier
    assert out[2] == held[2]  # "the *web* release checklist": another checklist
    assert out[3] == held[3]  # names no checklist
    assert restated(query, chunks, held, torch.eye(4), link=0.6) == held  # not close: nothing restored
    query, texts = (
        "Which region hosts the EU customers' data?",
        ["EU data is hosted in eu-west-1.", "Our US data is here."],
    )
    chunks = [Chunk(t, "chat", n, n, kind="message", role="user", position=n) for n, t in enumerate(texts)]
    held = dict(enumerate(held_terms(query, texts)))
    assert held[1] < held[0] and restated(query, chunks, held, torch.ones(2, 2), link=0.6) == held  # "US": no "us"


@pytest.mark.parametrize(
    "query, value",
    [
        ("Who owns the release checklist?", True),
        ("Where is the retro held?", True),
        ("Which region hosts the data?", True),
        ("What is the on-call phone number?", True),
        ("How many workers run the ingest?", True),
        ("How long is the free trial?", True),
        ("What is Ivan's badge number?", True),  # a possessive name is a determiner: "number" is asked for
        ("What is Ivan?", False),  # a name alone asks for nothing (`answer_terms`)
        ("Why did Joanna start baking?", False),
        ("How does John describe the season?", False),
        ("What does Jon plan to do at the opening?", False),  # a verb first: an event, not a value
        ("What is Jon offering to the dancers?", False),  # a name first: what Jon does
    ],
)
def test_asks_for_value(query, value):
    assert asks_for_value(query) is value


def test_a_later_code_paste_is_not_a_newer_statement():
    """Found at 150K tokens of chat with standard-library code pasted in: a paste of a function of `_aix_support.py`
    held "build" (in its code) and "python" (its fence), as the two statements do, came later, and had superseded
    the current one. Pasted code is code, not a statement (`subjects.is_statement`); the current one stays first."""
    import _aix_support  # real code, pasted as users paste it
    import ast
    import inspect

    from evals.memory.locomo import load_locomo

    source = inspect.getsource(_aix_support)
    pastes = [
        f"here is _aix_support.py:\n```python\n{ast.get_source_segment(source, node)}\n```"
        for node in ast.parse(source).body
        if isinstance(node, ast.FunctionDef)
    ]
    turns = [c.text for c in load_locomo()[1].chunks[:60]]
    turns[10:10] = ["Our build runs on Python 3.10."]
    turns[40:40] = ["Bumped the build to Python 3.12 today."]
    mem = chat_memory([("user", t) for t in [*turns, *pastes]])
    hits = mem.search("What version of Python does the build use?", k=8)
    assert "3.12" in hits[0].text and hits[0].superseded_by is None, [(h.text[:40], h.superseded_by) for h in hits]
    stale = next(h for h in hits if "3.10" in h.text)
    assert stale.superseded_by == hits[0].citation


def chat_with_pastes(changes: list, seed: int, tokens: int = 150_000) -> LAMMemory:
    """A chat of ~`tokens` cl100k tokens of LoCoMo turns and standard-library functions pasted into chat (`here is
    x.py:` and a fenced block, 40% pastes), with the statements of `changes` ((question, statements oldest first,
    value)) placed at random, in their order."""
    import ast
    import random
    import sysconfig
    from pathlib import Path

    from evals.memory.locomo import load_locomo
    from lam_memory.tokens import count_tokens

    rng = random.Random(seed)
    turns = [c.text for conv in load_locomo()[:6] for c in conv.chunks]
    pastes = []
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))[:80]:
        source = path.read_text(encoding="utf-8", errors="replace")
        for node in ast.parse(source).body:
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                segment = ast.get_source_segment(source, node) or ""
                if 20 < len(segment) < 3000:
                    pastes.append(f"here is {path.name}:\n```python\n{segment}\n```")
    rng.shuffle(pastes)
    chat, count = [], 0
    while count < tokens:
        pick = rng.random() < 0.6
        text = turns[len(chat) % len(turns)] if pick else pastes[len(chat) % len(pastes)]
        chat.append(text)
        count += count_tokens(text)
    for _, versions, _ in changes:
        at = sorted(rng.sample(range(len(chat)), len(versions)))
        for offset, (i, text) in enumerate(zip(at, versions, strict=True)):
            chat.insert(i + offset, text)
    return chat_memory([("user", t) for t in chat])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_changed_facts_among_150k_tokens_of_chat_with_pasted_code(seed):
    """The changes above at scale, as users meet them: each version placed at random among ~150K cl100k tokens of
    LoCoMo turns and standard-library functions pasted into chat (`chat_with_pastes`). Every change's current value
    ranks first and is in a 1,500-token context ahead of the values it replaced."""
    mem = chat_with_pastes(CHANGES + UNSEEN, seed)
    for query, versions, current in CHANGES + UNSEEN:
        hits = mem.search(query, k=8)
        assert current in hits[0].text and hits[0].superseded_by is None, (query, [h.text[:50] for h in hits])
        text = mem.context(query, budget_tokens=1500).text
        assert all(text.index(current) < text.index(v) for v in versions[:-1] if v in text), query
