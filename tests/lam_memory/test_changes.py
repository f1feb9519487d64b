"""A statement that announces a change revises the question's best statement about the same thing
(`lam_memory.changes`), and only that."""

import pytest
import torch

from lam_memory import LAMMemory
from lam_memory.changes import announced, announces_change, value_kinds
from lam_memory.subjects import is_question
from lam_memory.types import Chunk
from tests.lam_memory.test_subjects import chat_among_locomo, latest_first


@pytest.mark.parametrize(
    "text, change",
    [
        ("We moved mobile builds over to GitHub Actions.", True),
        ("Starting next cycle we switch to three-week sprints.", True),
        ("Adlon cancelled on us, so we're at the Michelberger instead.", True),
        ("IT rotated the wifi password, it's now bluejay77.", True),
        ("Finance pushed the Q3 report deadline to October 12.", True),
        ("The Pro plan costs $29 per month.", False),
        ("I'll keep pushing and working to make my dreams happen.", False),  # "push" only as "pushed"
        ("Our movers arrive at noon.", False),  # whole words only
    ],
)
def test_announces_change(text, change):
    assert announces_change(text) is change


@pytest.mark.parametrize(
    "text, kinds",
    [
        ("The Pro plan costs $29 per month.", {"money", "span", "name"}),  # "Pro": a name this question does not say
        ("Dentist called, they moved me to 4:30pm the same day.", {"time"}),
        ("Marketing pushed the sale start to June 8.", {"date"}),
        ("Support moved to support@zenco.io, help@ forwards for now.", {"address"}),
        ("We raised the upload limit to 100 MB.", {"size"}),
        ("Scaled the search cluster up to 5 replicas.", {"number"}),
        ("All-hands got moved to the Pavilion because of the renovation.", {"name"}),
        ("[1:50 pm on 13 October, 2023] John: They look comfortable.", set()),  # a transcript's stamp is no value
        ("Sprints are two weeks long.", {"span"}),
    ],
)
def test_value_kinds(text, kinds):
    assert value_kinds(text, "What is the value?") == kinds


def test_a_name_the_question_says_is_no_value():
    assert value_kinds("The mobile app is built on Bitrise.", "Does Bitrise build the app?") == set()


def _statements(texts: list[str]) -> list[Chunk]:
    return [Chunk(t, "chat", i + 1, i + 1, kind="message", role="user", position=i) for i, t in enumerate(texts)]


def _held(query: str, chunks: list[Chunk]) -> dict[int, set[str]]:
    from lam_memory.subjects import held_terms

    return dict(zip([c.position for c in chunks], held_terms(query, [c.text for c in chunks]), strict=True))


def _announced(query: str, texts: list[str], relevance: list[float]) -> dict[int, set[str]]:
    chunks = _statements(texts)
    emb = torch.eye(len(texts))  # no two statements close: only the announced change links them
    return announced(query, chunks, _held(query, chunks), dict(enumerate(relevance)), emb, 0.6, 0.5)


def test_an_announced_change_takes_the_best_statements_subject():
    query = "Which CI provider builds the mobile app?"
    texts = [
        "The mobile app is built on Bitrise.",
        "Lunch is at noon.",
        "We moved mobile builds over to GitHub Actions.",
    ]
    out = _announced(query, texts, [0.9, 0.2, 0.5])
    assert out[0] == out[2] and out[0] >= _held(query, _statements(texts))[0]
    assert out[1] == set()


@pytest.mark.parametrize(
    "query, texts, why",
    [
        (
            "How many replicas does the production cluster have?",
            ["The production cluster has 6 replicas.", "We scaled the staging cluster down to 2 replicas."],
            "a qualifier of its own: the staging cluster",
        ),
        (
            "Which region hosts the API?",
            ["The API is hosted in us-east-1.", "API tokens now live in eu-west-1."],
            "the shared word modifies another noun, and the two are not close",
        ),
        (
            "What is the budget for the summer campaign?",
            ["The summer campaign budget is $40k.", "Marketing pushed the summer campaign to June 8."],
            "a value of another kind: a date revises no budget",
        ),
        (
            "Who leads the mobile team?",
            ["Aisha leads the mobile team.", "Kenji now leads a team in Lisbon."],
            "a team: some team, not the known one",
        ),
        (
            "What time does the standup start?",
            ["Standup starts at 9:30.", "The retro now starts at 4pm."],
            "only the question's verb is shared",
        ),
        (
            "Where are we meeting this week?",
            ["We're meeting at the library this week.", "The gym now opens at 6 this week."],
            "a time word says when, not which",
        ),
        (
            "Which port does the billing metrics exporter use?",
            ["The billing metrics exporter uses port 9100.", "Metrics now flow through the collector on port 4317."],
            "one of the best statement's three terms",
        ),
    ],
)
def test_a_change_of_another_thing_revises_nothing(query, texts, why):
    out = _announced(query, texts, [0.9, 0.5])
    assert out == _held(query, _statements(texts)), why


def test_a_statement_naming_more_of_the_question_keeps_the_best_one_from_deciding():
    """The best statement is about batch jobs in general; the ledger one names more of the question, so a change
    of the batch worker is not taken as the best statement's."""
    query = "What is the maximum batch size of the ledger worker?"
    texts = [
        "The maximum batch size of the ledger worker is 128.",
        "Batch jobs have a maximum size of 10000 rows.",
        "The batch worker changed to 64 threads.",
    ]
    assert _announced(query, texts, [0.8, 0.9, 0.7]) == _held(query, _statements(texts))


def test_a_more_relevant_statement_about_something_else_stops_the_search():
    """An update ranked below a statement about something else is not taken as the best one's revision."""
    query = "Which CI provider builds the mobile app?"
    texts = [
        "The mobile app is built on Bitrise.",
        "Our web app is hosted on Netlify.",
        "We moved mobile builds to CircleCI.",
    ]
    assert _announced(query, texts, [0.9, 0.6, 0.5]) == _held(query, _statements(texts))


def test_the_best_statement_revises_the_most_relevant_earlier_one():
    query = "Which font does the marketing site use?"
    texts = ["The marketing site uses Inter for body text.", "Design swapped the marketing site's font to Source Sans."]
    out = _announced(query, texts, [0.7, 0.9])
    assert out[0] == out[1]


# Later statements that announce a change of another thing, worded to share the question's words (written on
# 2026-12-05 with `lam_memory.changes`, before it was run on them), in a LoCoMo conversation no other set uses, at
# two seeds of insertion points: the answer stays first and unmarked. (question, [answer, other], answer value)
CHANGED_ELSEWHERE = [
    (
        "How many replicas does the production cluster run?",
        ["The production cluster runs 6 replicas.", "We scaled the staging cluster down to 2 replicas."],
        "6 replicas",
    ),
    (
        "Which region do we deploy the API to?",
        ["We deploy the API to us-east-1.", "API tokens now expire after 24 hours."],
        "us-east-1",
    ),
    (
        "What is the budget for the design sprint?",
        ["The design sprint budget is $8k.", "Design moved the sprint review to Friday."],
        "$8k",
    ),
    (
        "Where is the book club meeting this month?",
        ["Book club meets at Nora's place this month.", "My gym class moved to the community center this month."],
        "Nora",
    ),
    (
        "What time does the standup start?",
        ["Standup starts at 9:30.", "The retro now starts at 4pm."],
        "9:30",
    ),
    (
        "Which database does the billing service use?",
        ["The billing service uses Postgres.", "The search service moved to Elasticsearch 8."],
        "Postgres",
    ),
    (
        "What is the wifi password for the guest network?",
        ["The guest network wifi password is orchid19.", "IT rotated the admin password, it's now K7-violet."],
        "orchid19",
    ),
    (
        "What port does the metrics exporter listen on?",
        ["The metrics exporter listens on port 9100.", "Metrics retention changed to 30 days."],
        "9100",
    ),
]


@pytest.fixture(scope="module", params=[0, 1])
def elsewhere_chat(request):
    return chat_among_locomo(7, CHANGED_ELSEWHERE, seed=request.param)


@pytest.mark.parametrize("query, texts, answer", CHANGED_ELSEWHERE, ids=[q for q, _, _ in CHANGED_ELSEWHERE])
def test_a_change_of_another_thing_neither_outranks_nor_marks_the_answer(elsewhere_chat, query, texts, answer):
    hits = elsewhere_chat.search(query, k=8)
    assert answer in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    assert all(h.superseded_by is None for h in hits if answer in h.text)


# Twelve changes, and eight later statements that announce a change of another thing, written on 2026-12-05 before
# `lam_memory.changes` was designed and kept sealed until it was final (a sixth and a seventh LoCoMo conversation),
# then measured once with the commit before it (c6ce72e) and once with it: current first with the older one marked,
# 7 -> 9 of 12 at seed 0 and 6 -> 8 of 12 at seed 1 of insertion points; the other things kept the answer first and
# unmarked, 8 of 8 at both seeds, before and after. Misses at seed 0 (at seed 1 also "Which branch do we release
# from?"): the rent "goes up to" (no word of change), "60s" against "30 seconds" (a bare number is not read as a
# span of time, so the values' kinds differ) and "Airline rebooked us on NH 109" (names nothing of the question).
SEALED = [
    (
        "Where do we keep the release notes?",
        [
            "Release notes live in the Confluence space RELNOTES.",
            "Release notes are in the repo under docs/releases from now on.",
        ],
        "docs/releases",
    ),
    (
        "Who is the on-call engineer this week?",
        [
            "Dmitri is the on-call engineer this week.",
            "Swapped shifts with Dmitri, so Lena is covering on-call this week.",
        ],
        "Lena",
    ),
    (
        "What is the rent for the apartment?",
        ["Rent for the apartment is $1,850 a month.", "Landlord sent the renewal: rent goes up to $1,975 in March."],
        "$1,975",
    ),
    (
        "Which laptop model are we ordering for new hires?",
        ["New hires get the 14-inch MacBook Pro.", "Procurement switched us to the ThinkPad X1 Carbon for new hires."],
        "ThinkPad",
    ),
    (
        "What time does the gym open on weekends?",
        ["The gym opens at 8am on weekends.", "Weekend hours changed, the gym opens at 7am now."],
        "7am",
    ),
    (
        "Where is the kickoff meeting?",
        ["Kickoff meeting is in room 4B.", "Room 4B is booked, kickoff is in the library instead."],
        "library",
    ),
    (
        "What is the timeout for API requests?",
        ["API requests time out after 30 seconds.", "Bumped the request timeout to 60s after the incident."],
        "60s",
    ),
    (
        "Who is the vet for the dogs?",
        ["Dr. Patel is our vet for the dogs.", "We switched vets; the dogs see Dr. Moreno at the Eastside clinic now."],
        "Moreno",
    ),
    (
        "How many people are coming to the wedding?",
        ["We're expecting 120 guests at the wedding.", "Final headcount for the wedding is 134."],
        "134",
    ),
    (
        "Which branch do we release from?",
        ["We cut releases from the main branch.", "Releases now come from the release/2.x branch."],
        "release/2.x",
    ),
    (
        "What is the flight number for the trip to Tokyo?",
        ["Our flight to Tokyo is NH 107.", "Airline rebooked us on NH 109, same day."],
        "NH 109",
    ),
    (
        "When is the piano recital?",
        ["Maya's piano recital is on May 3.", "The recital got pushed back a week, to May 10."],
        "May 10",
    ),
]
SEALED_MISSED = {
    "What is the rent for the apartment?",
    "What is the timeout for API requests?",
    "What is the flight number for the trip to Tokyo?",
}
SEALED_OTHER = [
    ("What time does the pool open?", ["The pool opens at 6am.", "The gym moved its opening to 7am."], "6am"),
    ("Who is the vet for the cat?", ["Dr. Lin is the cat's vet.", "We switched the dogs to Dr. Moreno."], "Lin"),
    (
        "What is the timeout for database queries?",
        ["Database queries time out after 5 seconds.", "Bumped the API request timeout to 60s."],
        "5 seconds",
    ),
    (
        "Where is the design offsite?",
        ["The design offsite is in Lisbon.", "The sales offsite moved to Madrid."],
        "Lisbon",
    ),
    (
        "Which laptop do contractors get?",
        ["Contractors get a Dell Latitude.", "Employees are now getting ThinkPads."],
        "Dell",
    ),
    (
        "What is the rent for the garage?",
        ["The garage rent is $150 a month.", "Our apartment rent goes up to $1,975 in March."],
        "$150",
    ),
    ("Who leads the iOS team?", ["Hana leads the iOS team.", "Android team is now led by Victor."], "Hana"),
    (
        "When is Leo's dentist appointment?",
        ["Leo's dentist appointment is on the 9th.", "My own dentist appointment moved to the 12th."],
        "9th",
    ),
]


@pytest.fixture(scope="module")
def sealed_chat():
    return chat_among_locomo(5, SEALED, seed=0)


@pytest.mark.parametrize("query, versions, current", SEALED, ids=[q for q, _, _ in SEALED])
def test_sealed_changes(sealed_chat, query, versions, current, request):
    if query in SEALED_MISSED:
        request.applymarker(pytest.mark.xfail(strict=True, reason="known limits of changes (module doc)"))
    latest_first(sealed_chat, query, versions, current)


@pytest.fixture(scope="module", params=[0, 1])
def sealed_other_chat(request):
    return chat_among_locomo(6, SEALED_OTHER, seed=request.param)


@pytest.mark.parametrize("query, texts, answer", SEALED_OTHER, ids=[q for q, _, _ in SEALED_OTHER])
def test_sealed_other_things_keep_the_answer(sealed_other_chat, query, texts, answer):
    hits = sealed_other_chat.search(query, k=8)
    assert answer in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]


@pytest.mark.parametrize(
    "query, question",
    [
        ("What time is my dentist appointment?", True),
        ("which port does the billing API listen on", True),
        ("does the API still use port 8080", True),
        ("dentist appointment time", False),
        ("billing API port", False),
        ("Show me the code of List.", False),
    ],
)
def test_is_question(query, question):
    assert is_question(query) is question


# Keyword queries, as an agent writes them for a search tool, for changes of `test_subjects.FRESH_3` (each update
# announces its change): the current value first and the older one marked, as for the question (written after the
# rule, run once: 5 of 6).
KEYWORDS = [
    ("dentist appointment time", "4:30pm"),
    ("Pro plan price", "$35"),
    pytest.param(
        "support email for customers",
        "support@zenco.io",
        marks=pytest.mark.xfail(
            strict=True,
            reason="keywords ask for no word: 'email' counts as the thing, and the "
            "update names one of the best statement's three words ('Support moved to ...')",
        ),
    ),
    ("database backup schedule", "every 6 hours"),
    ("marketing site font", "Source Sans"),
    ("team sprint length", "three-week"),
]


@pytest.fixture(scope="module")
def fresh_chat_3():
    from tests.lam_memory.test_subjects import FRESH_3, FRESH_3_LATER

    return chat_among_locomo(4, FRESH_3 + FRESH_3_LATER, seed=0)


@pytest.mark.parametrize("query, current", KEYWORDS)
def test_keywords_get_the_current_value_first_and_the_older_marked(fresh_chat_3, query, current):
    hits = fresh_chat_3.search(query, k=8)
    assert current in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    assert hits[1].superseded_by == hits[0].citation, [(h.text, h.superseded_by) for h in hits]


def test_keywords_about_what_happened_mark_no_turn_that_announces_nothing():
    """Keywords say no tense: "Jon in Rome" may ask what happened. Turns of a LoCoMo conversation that restate the
    same words and announce no change mark none of them superseded (before, each of these marked its evidence)."""
    from evals.memory.locomo import load_locomo

    conv = load_locomo()[1]
    mem = LAMMemory()
    mem.add_messages([{"role": "user", "content": c.text} for c in conv.chunks], source="chat")
    for query in ("Jon in Rome", "Jon in Paris", "Gina open her online clothing store", "Jon working on opening"):
        hits = mem.search(query, k=8)
        assert all(h.superseded_by is None for h in hits), (query, [(h.text[:60], h.superseded_by) for h in hits])


def test_the_share_a_change_must_name_is_the_memorys_config():
    query = "Which port does the billing metrics exporter use?"
    texts = ["The billing metrics exporter uses port 9100.", "Metrics now flow through the collector on port 4317."]
    chunks = _statements(texts)
    held = _held(query, chunks)
    emb = torch.eye(2)
    assert announced(query, chunks, held, {0: 0.9, 1: 0.5}, emb, 0.6, 0.5) == held  # 1 of 3 words: no
    assert announced(query, chunks, held, {0: 0.9, 1: 0.5}, emb, 0.6, 0.3)[1] == held[0]  # a third is enough
    assert LAMMemory().config.change_share == 0.5
