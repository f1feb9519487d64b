"""A statement that announces a change revises the question's best statement about the same thing
(`lam_memory.changes`), and only that."""

import pytest
import torch

from lam_memory import LAMMemory
from lam_memory.changes import _placed_otherwise, announced, announces_change, follows_up, old_values
from lam_memory.subjects import held_terms, is_question
from lam_memory.types import Chunk
from lam_memory.values import acknowledges, asked_kinds, same_kind, value_kinds, values_in
from tests.lam_memory.test_subjects import chat_among_locomo, chat_memory, chat_with_pastes, latest_first


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
        ("Landlord sent the renewal: rent goes up to $1,975 in March.", True),  # a change of amount
        ("They pushed the deadline to Friday.", True),
        ("Dropped the embedding batch size to 128.", True),
        ("I dropped off the kids at school.", False),  # a phrasal verb of another sense
        ("We dropped by the new bakery.", False),
        ("It really helps me reset and recharge.", False),  # a sense that changes no value
        ("Been helping friends reset their high scores.", False),  # "reset" is left out, object or not
        ("The foundation extended the grant deadline to October 15.", True),  # "extend" with an object
        ("The deadline was extended until May.", True),  # or a destination
        ("We spent the weekend with our extended family.", False),  # an adjective
        ("Standup shifted to 10am.", True),
        ("I'm on the night shift this week.", False),
        ("Rolled the upload limit back to 50 MB.", True),  # a return to an earlier value
        ("We reverted the timeout to 30s.", True),
        ("He rolled out the red carpet.", False),
        ("tuesdays are a nightmare for half of us so from next week it's thursdays", True),  # a new rule, dated
        ("concert's done, thanks all!! rehearsals every two weeks from here on", True),
        ("From now on the gate code is 4471.", True),
        ("Notes from this week's sync are in the doc.", False),  # "from" a time, no new rule
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
        ("Bumped the request timeout to 60s.", {"span"}),  # a span said short
        ("Latency is 250 ms.", {"span"}),
        ("Music from the 1990s.", {"number"}),  # a decade is no span
        ("from next week it's thursdays, same time", {"date"}),  # a weekday said as a habit
    ],
)
def test_value_kinds(text, kinds):
    assert value_kinds(text, "What is the value?") == kinds


@pytest.mark.parametrize(
    "answer, statement, acknowledged",
    [
        (
            "Understood, the API now serves TLS on 8443.",
            "security wants tls everywhere so the api is on 8443 from now on",
            True,
        ),
        ("Noted: New lease signed, rent is $2,250 a month.", "New lease signed, rent is $2,250 a month.", True),
        ("The billing API listens on port 9090.", "Update: the billing API now listens on port 8443.", False),
        ("Got it.", "Rent is $2,100 a month.", False),  # it says nothing: no acknowledgement of a value
        ("Updated: Jake's practice moves to Wednesdays at 5:30.", "Jake's soccer practice is Tuesdays at 5:30", False),
    ],
)
def test_an_answer_acknowledges_a_statement_when_it_gives_only_its_values(answer, statement, acknowledged):
    assert acknowledges(answer, statement) is acknowledged


@pytest.mark.parametrize(
    "text, values",
    [
        ("Noted: dentist Thursday 2:30.", {"thursday", "2:30"}),
        ("[1:50 pm on 13 October, 2023] John: Rent is $1,975 from May 3.", {"$1,975", "may 3"}),  # not the stamp
        ("Moved to the Pavilion, 500 ms later.", {"pavilion", "500 ms"}),
        ("nothing to see here", set()),
    ],
)
def test_values_in(text, values):
    """What an answer repeats of a statement: its values as written, and its names (`values.values_in`)."""
    assert values_in(text) == values


def test_a_bare_number_stands_for_a_measured_value():
    """`values.same_kind`: an update leaves out the unit the value it replaces said ("to 450" for "$300")."""
    assert same_kind({"number"}, {"money", "span"}) and not same_kind({"span"}, {"number"})  # "eu-west-2"
    assert same_kind({"number"}, {"size"}) and same_kind({"size"}, {"size", "name"})
    assert not same_kind({"number"}, {"date"}) and not same_kind({"number"}, {"name"})
    assert not same_kind({"number"}, {"time"}) and not same_kind({"number"}, {"span"})  # "us-east-1": no "30 days"
    assert not same_kind({"money"}, {"time"}) and not same_kind(set(), {"money"})


def test_a_value_the_question_says_is_none_the_statement_gives():
    assert value_kinds("The mobile app is built on Bitrise.", "Does Bitrise build the app?") == set()
    query = "Who is driving the kids to soccer on Saturday?"
    assert value_kinds("Ben is driving the kids to soccer Saturday.", query) == set()
    assert value_kinds("Ben is driving the kids to soccer Sunday.", query) == {"date"}


@pytest.mark.parametrize(
    "query, kinds",
    [
        ("What time does the daycare close?", {"time"}),
        ("When is Emma's recital?", {"date", "time", "span"}),
        ("How many interns are joining this summer?", {"number", "span"}),
        ("How much is the gym membership?", {"money", "size", "number"}),
        ("How long is the warranty on the fridge?", {"span"}),
        ("What helped Deborah find peace when grieving?", set()),  # the first wh-word asks; "when" here does not
        ("Which gym does Carlos go to?", set()),
        ("Which day does the book club meet?", {"date"}),
        ("What days is the pool open?", {"date"}),
        ("daycare close time", set()),  # keywords say no kind
    ],
)
def test_asked_kinds(query, kinds):
    assert asked_kinds(query) == kinds


def _statements(texts: list[str]) -> list[Chunk]:
    return [Chunk(t, "chat", i + 1, i + 1, kind="message", role="user", position=i) for i, t in enumerate(texts)]


def _held(query: str, chunks: list[Chunk]) -> dict[int, set[str]]:
    from lam_memory.subjects import held_terms

    return dict(zip([c.position for c in chunks], held_terms(query, [c.text for c in chunks]), strict=True))


def _announced(
    query: str, texts: list[str], relevance: list[float], naming: range = range(0), close: tuple = (), emb=None
) -> dict[int, set[str]]:
    """`announced` on statements whose embeddings (`emb`, by default) are orthogonal (no two close: only the
    announced change links them), but for the pairs of indices in `close` (cosine 0.5: each the other's nearest)."""
    chunks = _statements(texts)
    if emb is None:
        emb = torch.eye(len(texts))
        for i, j in close:
            emb[i, j] = emb[j, i] = 1.0
        emb = torch.nn.functional.normalize(emb, dim=1)
    return announced(query, chunks, _held(query, chunks), dict(enumerate(relevance)), emb, 0.6, 0.5, naming)


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


def test_a_verb_before_its_particle_ends_the_thing():
    """ "the Pro plan *goes up*": the run of the question's words ends at a verb, so the plan is the thing, not a
    modifier of another noun."""
    query = "What is the price of the Pro plan for teams?"
    texts = ["The Pro plan for teams is $29 a month.", "Heads up, the Pro plan goes up to $35 in May."]
    out = _announced(query, texts, [0.9, 0.5])
    assert out[0] == out[1]


@pytest.mark.parametrize(
    "earlier, later, linked",
    [
        (
            "We set up a standing deposit of $200 into the emergency fund every month.",
            "Raised the emergency fund deposit to 350 after the bonus.",
            True,  # the deposit the earlier one names, and a bare number for its amount
        ),
        (
            "We put $200 into the emergency fund every month.",
            "Raised the emergency fund deposit to 350 after the bonus.",
            False,  # "fund *deposit*": another thing, as far as the earlier one says
        ),
        (
            "We set up a standing deposit of $200 into the emergency fund every month.",
            "Moved the emergency fund deposit to Fridays.",
            False,  # a day replaces no amount
        ),
        (
            "The emergency fund deposit is $200 every month.",
            "Raised the emergency fund deposit to 350 after the bonus.",
            False,  # both name the deposit as qualified by the fund, as "API keys" the keys: another thing
        ),
    ],
)
def test_a_modifier_of_a_noun_the_revised_statement_names_names_its_thing(earlier, later, linked):
    query = "How much goes into the emergency fund each month?"
    out = _announced(query, [earlier, later], [0.9, 0.5])
    assert (out[0] == out[1]) is linked, out


def _naming(query: str, texts: list[str], relevance: list[float]) -> dict[int, set[str]]:
    """`announced` with every statement after the first found as naming the first one's old value."""
    return _announced(query, texts, relevance, naming=range(1, len(texts)))


def test_the_old_values_are_the_one_name_long_number_and_weekday_the_question_does_not_say():
    best = _statements(["We booked the Hotel Adlon for the Berlin trip."])[0]
    assert old_values(best, "Which hotel are we staying at in Berlin?") == [("adlon",)]
    stamped = _statements(["[1:50 pm on 13 October, 2023] John: Our flight to Tokyo is NH 107."])[0]
    assert old_values(stamped, "What is our flight number to Tokyo?") == [("nh",), ("107",)]  # none of the stamp
    several = _statements(["We booked the Hotel Adlon for the Berlin trip with Maria."])[0]
    assert old_values(several, "Which hotel are we staying at in Berlin?") == []  # which one would change?
    dated = _statements(["The weekly sync for project Falcon is on Thursday at 10."])[0]
    assert old_values(dated, "When is the weekly sync for project Falcon?") == [("thursday",)]  # 10 is short
    club = _statements(["book club is tuesdays at mine, bring wine"])[0]
    assert old_values(club, "Which day does the book club meet?") == [("tuesdays",)]  # plural, lowercase
    assert old_values(club, "Is book club on tuesdays?") == []  # a day the question says
    timed = _statements(["I'm on the 7:40 ICE to Munich for the conference."])[0]
    assert old_values(timed, "Which train do I take to the conference?") == [("7:40",)]  # two names: neither
    coded = _statements(["The train to Munich boards at gate 4417 or 9021."])[0]
    assert old_values(coded, "Which train do I take to the conference?") == [("munich",)]  # two numbers: neither
    dinner = _statements(["Team dinner Friday is at Osteria Romana."])[0]
    assert old_values(dinner, "Where is the team dinner?") == [("osteria", "romana")]  # one name of two words
    launch = _statements(["The book launch is at Hotel Lumen on Baker Street, 6pm, Mia and Joel are hosting."])[0]
    assert old_values(launch, "Where's the book launch?") == [("hotel", "lumen")]  # the place asked: after "at"
    assert old_values(launch, "Which hotel is the book launch in?") == []  # no place asked: which name is unknown
    paragraph = _statements(["Sandra went to the garden with Mary. The parser runs in Python and in Jython."])[0]
    assert old_values(paragraph, "Where is Sandra?") == []  # "in Python" is said in a sentence not about her
    dentist = _statements(["Maya sees Dr. Alvarez for her teeth."])[0]
    assert old_values(dentist, "Which dentist does Maya see?") == [("alvarez",)]  # a title names no one
    budget = _statements(["Mobile app budget is $60,000."])[0]
    assert old_values(budget, "What is the budget for the mobile app?") == []  # "000" is in every grouped number


def test_an_update_naming_the_old_value_revises_it():
    query = "Which hotel are we staying at in Berlin?"
    texts = [
        "We booked the Hotel Adlon for the Berlin trip.",
        "Adlon cancelled on us, so we're at the Michelberger instead.",
    ]
    out = _naming(query, texts, [0.9, 0.1])  # the update names nothing of the question: low relevance is no bar
    assert out[0] == out[1]


def test_the_best_statement_names_some_of_the_question_not_only_who_acts():
    """An update that names only the old value may be the most relevant statement ("TAP cancelled our flight, so
    *we* rebooked on Iberia": the flight and the old value bring it close). Holding nothing of the question but who
    acts, it is no statement about the question's thing: the best one is the most relevant statement naming some of
    it, and the update is its next version naming its value. Taken as the best, it had revised nothing (sixteenth
    sealed set)."""
    query = "Which airline are we flying to Lisbon?"
    texts = ["We're flying TAP to Lisbon.", "TAP cancelled our flight, so we rebooked on Iberia through Madrid"]
    out = _announced(query, texts, [0.8, 0.8], close=((0, 1),))  # equally relevant: of equals, the latest
    assert out[0] == out[1] and "lisbon" in out[1], out
    out = _announced(query, ["We're flying TAP to Lisbon.", "We rebooked the hotel for Friday."], [0.8, 0.8], ((0, 1),))
    assert out[0] != out[1], out  # no value of the best one named: no version of it


def test_an_update_naming_the_old_value_and_the_question_without_its_name_is_about_another_thing():
    query = "Which hotel are we staying at for the Berlin conference?"
    texts = [
        "For the Berlin conference we booked the Hotel Adlon.",
        "Adlon was full, so for the Munich conference we're at the Bayerischer Hof instead.",
    ]
    assert _naming(query, texts, [0.9, 0.1]) == _held(query, _statements(texts))


@pytest.mark.parametrize(
    "texts, why",
    [
        (
            ["We booked the Hotel Adlon for the Berlin trip.", "Adlon was lovely, the Michelberger is next door."],
            "no word of change",
        ),
        (
            ["We booked the Hotel Adlon for the Berlin trip.", "The Adlon's restaurant now opens at 7am."],
            "no new value of the old one's kind: a time replaces no hotel",
        ),
        (
            ["We booked the Hotel Adlon for the Berlin trip.", "We're at the Michelberger instead."],
            "it names no old value of this best statement (another one's search may have found it)",
        ),
    ],
)
def test_an_update_naming_the_old_value_needs_a_change_and_a_new_value(texts, why):
    query = "Which hotel are we staying at in Berlin?"
    assert _naming(query, texts, [0.9, 0.1]) == _held(query, _statements(texts)), why


@pytest.mark.parametrize(
    "later, linked",
    [
        ("Olga Holm swapped with Ivan, so Ivan Weber is on call for inventory now.", True),
        ("Holm is out, Ivan Weber covers it now.", True),  # a name's last word names it
        ("Olga is out sick, Ivan Weber is on call for inventory now.", True),  # its first word alone names it
        ("Onboarding now has Olga Sato on call.", False),  # its first word before another name does not
        ("The olga flag moved, Ivan Weber is on call now.", False),  # nor a word in lowercase
    ],
)
def test_an_update_names_a_name_of_several_words_by_a_word_after_the_first(later, linked):
    query = "Who is the on-call engineer for the inventory service?"
    texts = ["The on-call engineer for the inventory service is Olga Holm.", later]
    out = _naming(query, texts, [0.9, 0.1])
    assert (out[0] == out[1]) is linked, out


def test_a_statement_naming_none_of_the_subject_does_not_stop_the_search():
    """Between the best statement and its update ranks one holding only the asked word: unrelated, not a sibling."""
    query = "Which region hosts the billing API?"
    texts = [
        "The billing API is hosted in us-east-1.",
        "Region names are listed in the wiki.",
        "We moved the billing API to eu-west-1.",
    ]
    out = _announced(query, texts, [0.9, 0.6, 0.5])
    assert out[0] == out[2], out


@pytest.mark.parametrize(
    "query", ["How often does the office cleaner come?", "How often does the office cleaner visit?"]
)
def test_a_verb_before_a_determiner_ends_the_thing(query):
    """Cleaners *visit every* 2 days: a noun is seldom followed by a determiner, so "visit" is the verb (and when the
    question says "visit", the run of its words ends at "every")."""
    texts = ["The office cleaner visits weekly.", "Cleaners visit every 2 days now."]
    out = _announced(query, texts, [0.9, 0.5])
    assert out[0] == out[1], out


@pytest.mark.parametrize(
    "later, current",
    [
        ("Adlon cancelled on us, so we're at the Michelberger instead.", True),
        ("The Adlon's restaurant now opens at 7am.", False),  # a time replaces no hotel
        ("Adlon was lovely, the Michelberger is next door.", False),  # no word of change
    ],
)
def test_the_memory_follows_the_old_value_to_its_update(later, current):
    """Through `LAMMemory.search`: the update names nothing of the question, so only its old value finds it."""
    first = "We booked the Hotel Adlon for the Berlin trip."
    between = ["Lunch with the design team ran long today.", "Remember to water the plants on Thursday."]
    _follows("Which hotel are we staying at in Berlin?", [first, *between, later], current)


def test_the_memory_follows_the_old_place_to_its_update():
    """Through `LAMMemory.search`: the best statement names four names, and a question asking where takes the one
    said as a place ("at Hotel Lumen") as its old value; a later statement naming it with no new place revises
    nothing."""
    first = "The book launch is at Hotel Lumen on Baker Street, 6pm, Mia and Joel are hosting."
    between = ["Lunch with the design team ran long today.", "Remember to water the plants on Thursday."]
    later = "heads up, they moved it to the Granary, Lumen overbooked the room"
    _follows("Where's the book launch?", [first, *between, later], True)
    mem = chat_memory([("user", t) for t in [first, *between, "Lumen overbooked the room, Mia is not happy"]])
    assert all(h.superseded_by is None for h in mem.search("Where's the book launch?", k=5))


@pytest.mark.parametrize(
    "later, current",
    [
        ("Missed the 7:40, I'm on the 8:40 now.", True),  # only the old time names what it revises
        ("Missed the 7:40, I'm taking the later one now.", False),  # no new value of the old one's kind
        ("[7:40 pm on 8 May, 2023] Jon: We moved the book club to 8:15 now.", False),  # 7:40 only in the stamp
    ],
)
def test_the_memory_follows_the_old_number_to_its_update(later, current):
    """Through `LAMMemory.search`: the best statement names two things (the ICE, Munich) and one long number."""
    first = "I'm on the 7:40 ICE to Munich for the conference."
    between = ["Lunch with the design team ran long today.", "The 7:40 is usually on time, fingers crossed."]
    _follows("Which train do I take to the conference?", [first, *between, later], current)


def _follows(query: str, turns: list[str], current: bool) -> None:
    """A chat of `turns` (the first the best statement, the last its would-be update) and one more turn: the update
    ranks first and marks the first superseded when `current`, else the first ranks first, unmarked."""
    later = turns[-1]
    mem = chat_memory([("user", t) for t in [*turns, "The printer on the third floor is out of toner."]])
    hits = mem.search(query, k=5)
    first = next(h for h in hits if h.text == turns[0])
    if current:
        assert hits[0].text == later and first.superseded_by == hits[0].citation, [
            (h.text, h.superseded_by) for h in hits
        ]
    else:
        assert hits[0].text == turns[0] and first.superseded_by is None, [(h.text, h.superseded_by) for h in hits]


@pytest.mark.parametrize(
    "query, later, follows",
    [
        ("When is the piano tuner coming?", "ugh the tuner cancelled, Greta found another one for Thursday", True),
        ("When is the piano tuner coming?", "the tuner says the felts are worn, Greta paid $90", False),  # no time
        ("When is the piano tuner coming?", "Greta said the tuner is coming Tuesday at 10", False),  # no new value
        ("When is the piano tuner coming?", "Greta is away all Thursday", False),  # holds nothing of the question
        ("When is the piano tuner coming?", "the tuner cancelled his Thursday lessons", False),  # no tie: the
        # question's own word is held by any statement about any tuner
        ("When is the piano tuner coming?", "Greta booked the organ tuner for Thursday", False),  # another tuner
        ("When is the piano tuner coming?", "Greta says the tuner's Thursday lessons are off", False),  # his lessons
        ("When is the piano tuner coming?", "Greta got a new phone for Thursday instead of the old one", False),
        ("When is the piano tuner coming? ", "ugh the tuner cancelled, Greta found another one for 3pm", True),
        ("piano tuner visit", "ugh the tuner cancelled, Greta found another one for Thursday", False),  # keywords
        ("Who is the account manager for Norrland Freight?", "Greta took over the Tallis account", False),  # the
        # question names Norrland Freight, the later statement does not
        ("Who is the account manager for Norrland Freight?", "Greta is off, Oskar covers the Norrland account", True),
    ],
)
def test_a_later_statement_sharing_a_word_few_chunks_hold_follows_up_the_best_one(query, later, follows):
    """`changes.follows_up`: no word of change and no closeness in meaning; what links a reply to the best statement
    is a word the two share beyond the question's ("Greta", few chunks hold it), a word of the question's thing it
    holds itself, and a new value of the kind asked (or of a kind the best one gives)."""
    best = (
        "Ines is the AM on Norrland Freight, Greta is her backup."
        if "Norrland" in query
        else "The piano tuner is coming Tuesday at 10, Greta has the key."
    )
    chunks = [Chunk(t, "chat.jsonl", p + 1, p + 1, position=p, kind="message") for p, t in enumerate([best, later])]
    held = dict(enumerate(held_terms(query, [best, later])))
    assert follows_up(query, chunks[0], chunks[1], held, rare=frozenset({"greta", "tuner", "ines"})) is follows
    assert not follows_up(query, chunks[1], chunks[0], held, rare=frozenset({"greta", "tuner", "ines"}))  # said before


@pytest.mark.parametrize(
    "best, linked",
    [
        ("The X1 was backordered so Ravi's getting a MacBook Air.", True),  # names the old value, gives a new one
        ("Ravi's getting a MacBook Air.", False),  # names no old value, no word of change, not close: another order
        ("The X1 was backordered, Ravi is getting it in May.", False),  # names the old value, gives no new laptop
    ],
)
def test_the_best_statement_revises_an_earlier_one_by_naming_its_value(best, linked):
    """No word of change: the best statement names the earlier one's value (`old_values`) and gives another of its
    kind. Equally relevant, the later of the two is the best one; the update after it then revises both."""
    query = "Which laptop is Ravi getting?"
    texts = ["IT ordered Ravi a ThinkPad X1.", best, "Ravi returned the MacBook, he's on a Dell XPS now."]
    out = _announced(query, texts, [0.6, 0.6, 0.5])
    assert (out[0] == out[1] == out[2]) is linked, out


@pytest.mark.parametrize(
    "query, texts, close, linked",
    [
        (  # no word of change, but each is the other's nearest statement in its direction of time
            "Who is driving the kids to soccer on Saturday?",
            [
                "Ben is driving the kids to soccer Saturday.",
                "Ben's car is in the shop, Lisa will take the kids to soccer.",
            ],
            ((0, 1),),
            True,
        ),
        (  # the same two, not close in meaning: nothing says the later one revises
            "Who is driving the kids to soccer on Saturday?",
            [
                "Ben is driving the kids to soccer Saturday.",
                "Ben's car is in the shop, Lisa will take the kids to soccer.",
            ],
            (),
            False,
        ),
        (  # keywords say no tense: only a word of change links for them
            "kids soccer Saturday driver",
            [
                "Ben is driving the kids to soccer Saturday.",
                "Ben's car is in the shop, Lisa will take the kids to soccer.",
            ],
            ((0, 1),),
            False,
        ),
        (  # another known thing where the earlier statement names the question's
            "How many people are coming to the wedding?",
            ["120 people are coming to the wedding.", "RSVPs closed, 57 people are coming to the reunion."],
            ((0, 1),),
            False,
        ),
        (  # no value and nothing of the subject but its name
            "What is Dana Varga's employee badge number?",
            ["Dana Varga's employee badge number is 777386.", "Dana Varga asked about the release notes."],
            ((0, 1),),
            False,
        ),
        (  # nor "project", the word before the name: "project Aurora" is the name
            "When is the weekly sync for project Aurora?",
            ["The weekly sync for project Aurora is on Tuesday at 11:30.", "Project Aurora needs a new logo."],
            ((0, 1),),
            False,
        ),
        (  # a value, but it revises a statement that gives none and names only the subject
            "Which CI system runs the builds of Chen Petrov's project?",
            ["Chen Petrov asked about the release notes.", "Chen Petrov has joined the Juniper-55 project."],
            ((0, 1),),
            False,
        ),
    ],
)
def test_next_versions_in_meaning_revise_without_a_word_of_change(query, texts, close, linked):
    out = _announced(query, texts, [0.9, 0.7], close=close)
    assert (out[0] == out[1]) is linked, out


@pytest.mark.parametrize(
    "later, close, linked",
    [
        ("Carol broke her wrist, so Uncle Dev is doing the turkey for Thanksgiving.", ((0, 1),), True),
        ("Carol broke her wrist, so Uncle Dev is doing the turkey for Thanksgiving.", (), False),  # not next versions
        ("Carol broke her wrist, so the turkey is on hold for Thanksgiving.", ((0, 1),), False),  # no new value
        ("Uncle Dev is doing the turkey for Thanksgiving.", ((0, 1),), False),  # the old value unnamed
    ],
)
def test_a_less_relevant_next_version_naming_the_old_value_revises_it(later, close, linked):
    """With no word of change and a minority of the question's words, the next version in meaning revises the best
    statement when it names the value the best one gives (Carol) and gives a new one of its kind (a name)."""
    query = "Who is cooking Thanksgiving dinner?"
    out = _announced(query, ["Aunt Carol is cooking Thanksgiving dinner this year.", later], [0.9, 0.6], close=close)
    assert (out[0] == out[1]) is linked, out


@pytest.mark.parametrize(
    "later, linked",
    [
        ("Priya's getting a MacBook Pro instead of the Dell, design needs the GPU", False),  # it replaces the Dell
        ("We're moving design files to Penpot instead of Figma.", True),  # it replaces what the earlier one names
        ("We're moving design files to Penpot instead of the old Figma space.", True),  # a word before the name
        ("We're moving design files to Penpot instead.", True),  # it says nothing of what it replaces
    ],
)
def test_a_statement_saying_what_it_replaces_revises_only_what_names_it(later, linked):
    query = "Where do we store the design files?"
    out = _announced(query, ["Design files live in the Figma team space.", later], [0.9, 0.7])
    assert (out[0] == out[1]) is linked, out


@pytest.mark.parametrize(
    "later, linked",
    [
        ("Priya's getting a MacBook Pro instead of the Dell.", False),  # names Priya, replaces the Dell
        ("Priya's kitchen is torn up, so Hannah is hosting instead.", True),
    ],
)
def test_an_update_naming_the_old_value_and_replacing_another_thing_revises_nothing(later, linked):
    out = _naming("Who's hosting book club this month?", ["Book club is at Priya's this month.", later], [0.9, 0.1])
    assert (out[0] == out[1]) is linked, out


def test_an_acronym_of_the_question_is_no_name_an_update_must_hold():
    """ "Dmitri swapped with Aisha, she's on call" names the old value and leaves out "SRE": an acronym is a common
    noun a statement drops (`subjects.proper_names`), not a name that says the update is about another SRE."""
    query = "Who is the on-call SRE this week?"
    texts = ["This week's on-call SRE is Dmitri.", "Dmitri swapped with Aisha, she's on call through Sunday"]
    out = _naming(query, texts, [0.9, 0.1])
    assert out[0] == out[1], out
    query = "Who is the on-call engineer in Berlin this week?"  # a proper name left out: another on-call engineer
    texts = ["This week's on-call engineer in Berlin is Dmitri.", "Dmitri swapped with Aisha, she's the engineer now"]
    out = _naming(query, texts, [0.9, 0.1])
    assert out[0] != out[1], out


def test_an_adverb_after_the_thing_ends_it():
    """ "Changed the home wifi name *again*": an adverb follows the thing's head, so "wifi" names the thing itself,
    not a modifier of another noun; the update revises the best statement at any closeness."""
    query = "What's the wifi network name at home?"
    texts = ["Home wifi network is called NETGEAR42.", "Changed the home wifi name again, it's CasaLuna5G now"]
    out = _announced(query, texts, [0.9, 0.7])
    assert out[0] == out[1], out


def test_versions_before_and_after_join_the_group():
    """Three versions: the current one revises the first, its next version in meaning (cosine 0.9); the middle one,
    nearest to the first (0.8, against 0.72 to the current one) and announcing its change, joins them."""
    query = "What's the ticket price for the conference?"
    texts = [
        "Conference tickets are $299.",
        "Early bird ended, tickets are $399 now.",
        "They added a late tier, $449 for conference tickets.",
    ]
    emb = torch.tensor([[1.0, 0.0, 0.0], [0.8, 0.0, 0.6], [0.9, 0.436, 0.0]])
    out = _announced(query, texts, [0.93, 0.45, 0.94], emb=emb)
    assert out[0] == out[1] == out[2], out
    emb[1] = torch.tensor([0.0, 0.0, 1.0])  # the middle one close to neither: left alone
    assert _announced(query, texts, [0.93, 0.45, 0.94], emb=emb)[1] != out[0]


def test_a_chunk_holding_only_the_questions_time_is_no_restatement():
    """Among 150K tokens a LoCoMo turn about a summer trip had become the interns' current statement."""
    query = "How many interns are joining this summer?"
    texts = [
        "We're getting 4 interns this summer.",
        "Budget came through, 6 interns are joining this summer.",
        "Max and I had a blast on our camping trip this summer!",
    ]
    out = _announced(query, texts, [0.9, 0.8, 0.5], close=((0, 1),))
    assert out[0] == out[1] and out[2] == _held(query, _statements(texts))[2], out


def test_an_update_gives_a_value_of_the_kind_asked():
    """The question asks for a time: "starting September" gives a date, as "starting Monday" does, and no time."""
    query = "What time does the daycare center close?"
    texts = [
        "Heads up, the daycare center closes at 5:30pm starting Monday.",
        "Daycare sent the new rates: $1,550 a month starting September.",
    ]
    assert _announced(query, texts, [0.9, 0.8]) == _held(query, _statements(texts))
    texts[1] = "Daycare now closes at 6pm starting September."
    out = _announced(query, texts, [0.9, 0.8])
    assert out[0] == out[1], out


def test_the_latest_statement_giving_the_asked_kind_is_current():
    """Through `LAMMemory.search`: three statements hold the same words of the question ("daycare"; "closes" is not
    the question's "close" as written); the latest gives no time, so the latest that does is current."""
    turns = [
        "Daycare closes at 6pm.",
        "The printer on the third floor is out of toner.",
        "Heads up, daycare closes at 5:30pm starting Monday.",
        "Lunch with the design team ran long today.",
        "Daycare sent the new rates: $1,550 a month starting September.",
    ]
    hits = chat_memory([("user", t) for t in turns]).search("What time does the daycare close?", k=5)
    assert "5:30pm" in hits[0].text and hits[0].superseded_by is None, [(h.text, h.superseded_by) for h in hits]
    assert next(h for h in hits if h.text == turns[0]).superseded_by == hits[0].citation
    assert next(h for h in hits if h.text == turns[4]).superseded_by is None


def test_nothing_revises_a_best_statement_about_another_such_thing():
    query = "What is the current maximum batch size of the ledger ingest worker?"
    texts = [
        "The maximum batch size of the ledger ingest worker is 128.",
        "After today's review the maximum batch size of the pricing ingest worker is 512.",
        "Heads up, the maximum batch size of the ledger ingest worker has been changed to 256.",
    ]
    # the ledger worker's change revises the pricing worker's statement (they share all of its words); the chain
    # would then take the earlier ledger statement too, nearest to the change, and no statement would name more
    assert _announced(query, texts, [0.80, 0.95, 0.85], close=((0, 2),)) == _held(query, _statements(texts))


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
# Since (a session later, designed on those misses, so no longer evidence of generalization): the timeout is right
# ("60s" is a span), the flight too (the update names the old value, `changes.old_values`); the rent is still missed
# ("goes up" is now a word of change, but the update shares only the asked word, "rent", with the question), and at
# seed 1 the release branch ("We cut releases from the main branch" holds the question's "from", the update too, and
# "Release notes ... from now on" groups with it): 11 of 12 at seed 0, 10 at seed 1.
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
SEALED_MISSED = {"What is the rent for the apartment?"}
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


# A second sealed set: sixteen changes (one with three versions) and eight later statements that announce a change of
# another thing, written on 2026-12-05 (a session later) before that session's rules (the old value followed,
# `changes.old_values`; more words of change; spans said short; a verb before its particle) were designed, in the
# ninth and tenth LoCoMo conversations, and measured once when they were final, with the commit before (4c69618) and
# with them (a throw-away script running `latest_first` at seeds 0 and 1 of insertion points): current first with the
# older one marked 7 -> 10 of 16 at both seeds; the other things keep the answer first and unmarked, 8 of 8 at both
# seeds, before and after. The writer knew the kinds of miss the first sealed set had shown, so a few items are of
# those kinds (a hotel named only by its old name). What changed after that measurement (so what follows is no longer
# evidence of generalization): two rules designed on its misses, a statement naming none of the best one's subject
# does not stop the walk ("Database backups run nightly" between the analytics database and its update) and a verb
# before a determiner ends the thing; and "after all" left out of the words of change, since in LoCoMo it is "we're
# human after all" (so "The gala is black tie after all" is missed); then a question's verb and particle were read as
# the compound noun too ("back up": backups, `lexical.query_terms`): 11 of 16. A session later, after a third sealed
# set was written (`SEALED_3`), the best statement's one long number is followed as its one name is ("Missed the
# 7:40, I'm on the 8:40 now") and "extended" with an object is a word of change ("extended the grant deadline"): 13
# of 16. Missed (`SEALED_2_MISSED`): "Henderson is *Marco's* account" (a qualifier of its own), the gala, and "Jen is
# out sick, Omar will present the roadmap" (no word of change).
SEALED_2 = [
    (
        "What's the Wi-Fi password at the office?",
        ["Office Wi-Fi password is tangerine42.", "IT reset the office Wi-Fi password, it's pelican77 now."],
        "pelican77",
    ),
    (
        "Which hotel are we staying at in Lisbon?",
        ["Booked us at the Hotel Avenida in Lisbon.", "Avenida overbooked, we got moved to the Memmo Alfama."],
        "Memmo",
    ),
    (
        "What is Sam's phone number?",
        ["Sam's number is 555-0142.", "Sam got a new phone, new number is 555-0199."],
        "555-0199",
    ),
    (
        "When is the quarterly review?",
        [
            "Quarterly review is on March 12.",
            "Quarterly review moved to March 19.",
            "Heads up: the quarterly review is now March 26.",
        ],
        "March 26",
    ),
    (
        "What database does the analytics service use?",
        ["The analytics service runs on Postgres.", "We finished migrating analytics to ClickHouse last night."],
        "ClickHouse",
    ),
    (
        "How much is the daycare per month?",
        ["Daycare is $1,400 per month.", "Got the letter from daycare: tuition is $1,520/month starting September."],
        "$1,520",
    ),
    (
        "Who is handling the Henderson account?",
        [
            "Priya is handling the Henderson account.",
            "Henderson is Marco's account from Monday, Priya is moving to enterprise.",
        ],
        "Marco",
    ),
    (
        "What version of Python does the build use?",
        ["The build runs on Python 3.10.", "CI image is on Python 3.12 as of today."],
        "3.12",
    ),
    (
        "Where are we having Thanksgiving dinner?",
        ["Thanksgiving dinner is at Aunt Rosa's.", "Change of plans, Thanksgiving is at our place this year."],
        "our place",
    ),
    (
        "What's the max batch size for the embedding job?",
        ["Embedding job max batch size is 256.", "Dropped the embedding batch size to 128, it kept OOMing."],
        "128",
    ),
    (
        "How often do we back up the database?",
        ["Database backups run nightly.", "Backups run every 6 hours now."],
        "6 hours",
    ),
    (
        "What is the dress code for the gala?",
        ["Gala dress code is cocktail attire.", "The gala is black tie after all."],
        "black tie",
    ),
    (
        "Which train do I take to the conference?",
        ["I'm on the 7:40 ICE to Munich for the conference.", "Missed the 7:40, I'm on the 8:40 now."],
        "8:40",
    ),
    (
        "Who is presenting the roadmap at the all-hands?",
        ["Jen presents the roadmap at the all-hands.", "Jen is out sick, Omar will present the roadmap."],
        "Omar",
    ),
    (
        "What port does the metrics exporter listen on?",
        [
            "The metrics exporter listens on 9100.",
            "Had a clash with node_exporter, so the metrics exporter is on 9101 now.",
        ],
        "9101",
    ),
    (
        "What's the deadline for the grant application?",
        ["Grant application is due October 1.", "The foundation extended the grant deadline to October 15."],
        "October 15",
    ),
]
SEALED_2_OTHER = [
    (
        "What's the Wi-Fi password at home?",
        ["Home Wi-Fi password is sunflower9.", "IT reset the office Wi-Fi password, it's pelican77 now."],
        "sunflower9",
    ),
    (
        "Which hotel are we staying at in Porto?",
        ["We're staying at the Pestana in Porto.", "Avenida overbooked in Lisbon, we got moved to the Memmo Alfama."],
        "Pestana",
    ),
    (
        "When is the board meeting?",
        ["The board meeting is on April 4.", "Quarterly review moved to April 11."],
        "April 4",
    ),
    (
        "What database does the billing service use?",
        ["Billing runs on MySQL.", "We finished migrating analytics to ClickHouse."],
        "MySQL",
    ),
    (
        "Who is handling the Acme account?",
        ["Lucas handles the Acme account.", "Henderson is Marco's account from Monday."],
        "Lucas",
    ),
    (
        "How often do we back up the laptops?",
        ["Laptop backups run weekly.", "Database backups run every 6 hours now."],
        "weekly",
    ),
    (
        "What is the dress code for the office party?",
        ["Office party dress code is casual.", "The gala is black tie after all."],
        "casual",
    ),
    (
        "What's the max batch size for the training job?",
        ["Training job max batch size is 64.", "Dropped the embedding batch size to 128."],
        "64",
    ),
]
SEALED_2_MISSED = {
    "Who is handling the Henderson account?",
    "Who is presenting the roadmap at the all-hands?",
}


# Sixteen changes written on 2026-12-05 (a session after the first sealed set) as a development set for that
# session's rules: 13 of 16 right at seeds 5 and 6 of insertion points, with the commit before them and with them.
# Missed (`DEVELOPMENT_MISSED`): "Scratch that, the lease fell through and we're going with 48 Harbor Rd." (names
# nothing of the question and no name of the old value: not retrieved), "Laura left Stripe; Devon Price is our new
# contact there" (the question's "at" is held by the first statement only), "The escalation line is ... since the
# PagerDuty migration" (one of the best statement's three words, no word of change).
DEVELOPMENT = [
    (
        "What's the address of the new office?",
        [
            "The new office is at 200 Main St.",
            "Scratch that, the lease fell through and we're going with 48 Harbor Rd.",
        ],
        "Harbor",
    ),
    (
        "What's the team lunch budget?",
        ["Team lunch budget is $25 per person.", "Finance says $30 per person for team lunches from next month."],
        "$30",
    ),
    (
        "Who's our contact at Stripe?",
        ["Our contact at Stripe is Laura Chen.", "Laura left Stripe; Devon Price is our new contact there."],
        "Devon",
    ),
    (
        "What time is the dinner reservation?",
        ["Dinner reservation is at 7pm.", "Restaurant could only do 8:15pm, so that's our reservation now."],
        "8:15",
    ),
    (
        "Which email should invoices go to?",
        ["Send invoices to billing@acme.com.", "Actually, invoices should go to ap@acme.com going forward."],
        "ap@",
    ),
    (
        "What's the staging database host?",
        ["Staging DB host is db-stg-1.internal.", "db-stg-1 got decommissioned, use db-stg-2.internal for staging."],
        "db-stg-2",
    ),
    (
        "How long is the free trial?",
        ["The free trial is 14 days.", "We're cutting the free trial to 7 days next quarter."],
        "7 days",
    ),
    (
        "What's the minimum password length?",
        ["Minimum password length is 8 characters.", "Security set the minimum password length to 12 characters."],
        "12 characters",
    ),
    (
        "Where is the team offsite?",
        ["Team offsite is in Austin.", "Austin was too pricey, the offsite is in Denver."],
        "Denver",
    ),
    (
        "What's the meeting link for standup?",
        [
            "Standup link: meet.google.com/abc-defg-hij",
            "The old standup link expired, use meet.google.com/xyz-uvwx-rst",
        ],
        "xyz-uvwx",
    ),
    (
        "Who is the landlord's contact person?",
        [
            "The landlord's contact person is Mr. Alvarez.",
            "Mr. Alvarez retired, the landlord's contact is Ms. Okafor now.",
        ],
        "Okafor",
    ),
    (
        "What's the price of the Team plan?",
        ["Team plan is $12 per seat.", "Correction: Team plan is $15 per seat, I misread the sheet."],
        "$15",
    ),
    (
        "Which day is trash pickup?",
        ["Trash pickup is on Tuesdays.", "Turns out trash pickup is Wednesdays in our new neighborhood."],
        "Wednesdays",
    ),
    ("What's Lena's new phone number?", ["Lena's number is 555-0101.", "Lena has a new number: 555-0177."], "555-0177"),
    (
        "How many seats does the conference room have?",
        ["The big conference room seats 12.", "After the remodel the big conference room seats 16."],
        "16",
    ),
    (
        "What's the on-call escalation number?",
        [
            "On-call escalation number is +1 415 555 0100.",
            "The escalation line is +1 415 555 0199 since the PagerDuty migration.",
        ],
        "0199",
    ),
]
DEVELOPMENT_MISSED = {
    "What's the address of the new office?",
    "What's the on-call escalation number?",
}


@pytest.fixture(scope="module")
def development_chat():
    return chat_among_locomo(2, DEVELOPMENT, seed=5)


@pytest.mark.parametrize("query, versions, current", DEVELOPMENT, ids=[q for q, _, _ in DEVELOPMENT])
def test_development_changes(development_chat, query, versions, current, request):
    if query in DEVELOPMENT_MISSED:
        request.applymarker(pytest.mark.xfail(strict=True, reason="known limits of changes (see DEVELOPMENT)"))
    latest_first(development_chat, query, versions, current)


# The sealed sets by the LoCoMo conversation their chat is built in: (changes or other things, known misses).
# A third sealed set: sixteen changes (three with three versions) and eight later statements announcing a change of
# another thing, written on 2026-12-05 (a session after the second) before that session's rules, inserted among the
# second and fourth LoCoMo conversations' turns (every conversation already served some set). Measured with
# the commit before (3fc59e3) and after the first two rules (e797e68: the best statement's one long number followed,
# "extended" with an object a word of change, both made on the second set's misses): 11 of 16 at seeds 0 and 1 both
# times, other things 8 of 8. Then its misses were read (so what follows is no longer evidence of generalization)
# and four rules designed on them: a possessive name is a determiner, so "What is Dana's email address?" asks for an
# address (`lexical.asked_word`); a name of several words is one value ("Osteria Romana", `lexical.name_runs`); the
# best statement revises an earlier one whose value it names ("The X1 was backordered so Ravi's getting a MacBook
# Air"), and of equally relevant statements the latest is the best; "rolled the limit back" is a word of change: 15
# of 16. Missed (`SEALED_3_MISSED`): the launch (a later LoCoMo turn, "so pumped for the launch tomorrow", about
# another launch, holds the same word and is read as the latest statement of it: all three versions are marked
# superseded by it, and "We're launching November 2" ranks 13th).
SEALED_3 = [
    (
        "What's the gate code for the building?",
        [
            "The building gate code is 4417.",
            "Management changed the gate code to 9021.",
            "Gate code got reset again, it's 3388 now.",
        ],
        "3388",
    ),
    (
        "Who is on call this week?",
        ["Priya is on call this week.", "Swapped shifts with Priya, so Tom is on call this week."],
        "Tom",
    ),
    (
        "Where is the team dinner on Friday?",
        [
            "Team dinner Friday is at Osteria Romana.",
            "Osteria Romana can't fit 14 people, we're doing Little Szechuan instead.",
        ],
        "Szechuan",
    ),
    (
        "What's the max upload size on the portal?",
        [
            "The portal caps uploads at 25 MB.",
            "Bumped the portal upload cap to 100 MB.",
            "Rolled the upload limit back to 50 MB after the storage bill came in.",
        ],
        "50 MB",
    ),
    (
        "What time does the kids' swim class start?",
        ["Swim class starts at 4:15.", "Swim class got pushed to 5pm."],
        "5pm",
    ),
    (
        "Which vendor do we use for payroll?",
        [
            "We run payroll through Gusto.",
            "Finance signed with Rippling for payroll, the Gusto contract ends this month.",
        ],
        "Rippling",
    ),
    (
        "How many guests are coming to the wedding?",
        ["We're expecting 120 guests at the wedding.", "Final headcount for the wedding is 134 guests."],
        "134",
    ),
    (
        "What is Dana's email address?",
        ["Dana's email is dana.k@northwind.io", "Dana switched to her personal address, dana.kim@fastmail.com"],
        "fastmail",
    ),
    (
        "Which laptop is Ravi getting?",
        [
            "IT ordered Ravi a ThinkPad X1.",
            "The X1 was backordered so Ravi's getting a MacBook Air.",
            "Ravi returned the MacBook, he's on a Dell XPS now.",
        ],
        "XPS",
    ),
    (
        "What's the interest rate on our mortgage?",
        ["Our mortgage rate is 6.8%.", "We refinanced, the mortgage rate is 5.9% now."],
        "5.9%",
    ),
    (
        "When is the product launch?",
        [
            "Launch is set for October 3.",
            "Launch slipped to October 17.",
            "We're launching November 2, legal needs another two weeks.",
        ],
        "November 2",
    ),
    (
        "Who do we call for repairs at the apartment?",
        ["For apartment repairs call Mike at 555-0110.", "Mike retired; repairs go through Angela now, 555-0187."],
        "Angela",
    ),
    (
        "Where do we keep the design files?",
        ["Design files live in Figma under Team Apollo.", "We moved all the design files to Penpot last sprint."],
        "Penpot",
    ),
    (
        "What's the minimum password length?",
        ["Minimum password length is 10 characters.", "Security raised the minimum password length to 14."],
        "14",
    ),
    ("What's the puppy's name?", ["We named the puppy Biscuit.", "Kids outvoted me, the puppy is Waffles."], "Waffles"),
    (
        "Which room is the design review in?",
        ["Design review is in Room 4B.", "Design review is in the Cedar room this time, 4B is being painted."],
        "Cedar",
    ),
]
SEALED_3_OTHER = [
    (
        "What's the gate code for the garage?",
        ["Garage gate code is 7302.", "Management changed the building gate code to 9021."],
        "7302",
    ),
    (
        "Where is the book club meeting this month?",
        ["Book club meets at Jo's place this month.", "The team dinner moved to Little Szechuan instead."],
        "Jo's",
    ),
    (
        "What's the max attachment size for email?",
        ["Email attachments max out at 20 MB.", "Bumped the portal upload cap to 100 MB."],
        "20 MB",
    ),
    (
        "Which vendor handles our benefits?",
        ["Benefits are handled by Justworks.", "Finance switched payroll over to Rippling."],
        "Justworks",
    ),
    (
        "What is Leo's email address?",
        ["Leo's email is leo@harbor.dev", "Dana switched to her personal address, dana.kim@fastmail.com"],
        "leo@harbor",
    ),
    (
        "What's the interest rate on the car loan?",
        ["The car loan is at 4.2%.", "We refinanced the mortgage, it's 5.9% now."],
        "4.2%",
    ),
    ("Which room is the standup in?", ["Standup is in Room 2A.", "Design review moved to the Cedar room."], "2A"),
    (
        "What's the kitten's name?",
        ["The kitten is called Pepper.", "Kids renamed the puppy, it's Waffles now."],
        "Pepper",
    ),
]
SEALED_3_MISSED: set[str] = set()  # the launch since a group's current member gives the asked kind (a date)


# A fourth and a fifth sealed set, written on 2026-12-05 the same way: the fourth (16 changes, 8 other things) before
# the rules made on the third set's misses, the fifth (12 and 6) after them. Neither moved: the fourth, 10 of 16 at
# seeds 3 and 4 with 3fc59e3, with e797e68 and with the third set's rules; the fifth, 8 / 7 of 12 at seeds 7 and 8
# with all three; other things all first and unmarked. Their misses were read after those measurements, and no rule
# was kept from them (one was tried: a group's current member must give a value of a kind its earlier ones give, so
# that a LoCoMo turn holding "wedding" could not own the caterers; the fourth set fell to 9 of 16, since "Grandma will
# stay with us" gives no value of a known kind and LoCoMo turns name people). Missed (`SEALED_4_MISSED`,
# `SEALED_5_MISSED`): changes said without a word of change ("Ben's car is in the shop, Lisa will take the kids",
# "We cut over production deploys to ...", "the pool is staying open until ...", "Finance approved 15 heads", "we're
# hosting Thanksgiving", "the fridge is covered for five years"), a third version that names the second one's value
# with another ("Union Hall fell through too, so the party is back at the office"), a middle version left unmarked
# ("Early bird ended, tickets are $399 now": the current statement revises one earlier one, the most relevant), a
# later LoCoMo turn holding the subject's word ("Weddings truly are the best!"), and "cut the dog's meds to 1 tablet"
# ("cut" is no word of change).
SEALED_4 = [
    (
        "What's the Netflix password?",
        ["Netflix password is cosmo2020.", "Changed the Netflix password, it's marlowe88 now."],
        "marlowe88",
    ),
    (
        "Who is driving the kids to soccer on Saturday?",
        ["Ben is driving the kids to soccer Saturday.", "Ben's car is in the shop, Lisa will take the kids to soccer."],
        "Lisa",
    ),
    (
        "Where is the company holiday party?",
        [
            "Holiday party is at the Rooftop Lounge.",
            "The Rooftop Lounge double-booked us, holiday party is at Union Hall now.",
            "Union Hall fell through too, so the party is back at the office.",
        ],
        "back at the office",
    ),
    (
        "What is the budget for the website redesign?",
        ["Website redesign budget is $40,000.", "Leadership cut the redesign budget to $32,000."],
        "$32,000",
    ),
    (
        "What time is the flight to Denver?",
        ["Our Denver flight leaves at 6:05am.", "United moved the Denver flight to 9:50am."],
        "9:50am",
    ),
    (
        "Which dentist does Maya see?",
        ["Maya sees Dr. Alvarez for her teeth.", "Dr. Alvarez retired, so Maya is with Dr. Chen from now on."],
        "Chen",
    ),
    (
        "How many sprints are left before the release?",
        ["We have four sprints left before the release.", "After the scope cut, two sprints left before release."],
        "two sprints",
    ),
    (
        "What's the ticket price for the conference?",
        [
            "Conference tickets are $299.",
            "Early bird ended, tickets are $399 now.",
            "They added a late tier, $449 for conference tickets.",
        ],
        "$449",
    ),
    (
        "Which branch is production deployed from?",
        ["Production deploys from the main branch.", "We cut over production deploys to the release branch."],
        "release branch",
    ),
    (
        "Where is Grandma staying for the holidays?",
        [
            "Grandma is staying with Aunt Rose over the holidays.",
            "Change of plans, Grandma will stay with us for the holidays.",
        ],
        "with us",
    ),
    ("What's the office door code?", ["Office door code is 2580.", "Door code is 7714 as of today."], "7714"),
    (
        "Who is the project manager for Atlas?",
        ["Hannah is the PM for Atlas.", "Hannah went on leave; Victor is covering Atlas as PM."],
        "Victor",
    ),
    (
        "When does the pool close for the season?",
        [
            "The pool closes for the season on September 5.",
            "Warm weather, the pool is staying open until September 19.",
        ],
        "September 19",
    ),
    (
        "What's the API rate limit for free users?",
        ["Free users get 100 requests per minute.", "We lowered the free tier to 60 requests per minute."],
        "60 requests",
    ),
    (
        "Which caterer is doing the wedding?",
        [
            "Bella Cucina is catering the wedding.",
            "Bella Cucina quoted too high, going with Smoke & Oak for the wedding.",
        ],
        "Smoke & Oak",
    ),
    (
        "What's the name of Jamie's startup?",
        ["Jamie's startup is called Loopwise.", "Jamie rebranded the startup as Fernwood."],
        "Fernwood",
    ),
]
SEALED_4_OTHER = [
    (
        "What's the Hulu password?",
        ["Hulu password is orchid55.", "Changed the Netflix password, it's marlowe88 now."],
        "orchid55",
    ),
    (
        "Who is driving the kids to swim on Sunday?",
        ["Ben drives the kids to swim on Sunday.", "Lisa will take the kids to soccer Saturday instead."],
        "Ben",
    ),
    (
        "What is the budget for the mobile app?",
        ["Mobile app budget is $60,000.", "Leadership cut the website redesign budget to $32,000."],
        "$60,000",
    ),
    (
        "What time is the flight to Boston?",
        ["The Boston flight leaves at 2:30pm.", "United moved our Denver flight to 9:50am."],
        "2:30pm",
    ),
    (
        "Who is the project manager for Orion?",
        ["Sofia is the PM for Orion.", "Victor is covering Atlas as PM now."],
        "Sofia",
    ),
    ("What's the garage door code?", ["Garage door code is 4451.", "Office door code changed to 7714."], "4451"),
    (
        "Which caterer is doing the rehearsal dinner?",
        ["Taco Loco is catering the rehearsal dinner.", "We switched the wedding caterer to Smoke & Oak."],
        "Taco Loco",
    ),
    (
        "What's the API rate limit for paid users?",
        ["Paid users get 1000 requests per minute.", "We lowered the free tier limit to 60 requests per minute."],
        "1000",
    ),
]
SEALED_4_MISSED = {
    "What's the ticket price for the conference?",
    "Which caterer is doing the wedding?",
}
SEALED_5 = [
    (
        "What's the deductible on our car insurance?",
        ["Our car insurance deductible is $500.", "Renewal came in, the car insurance deductible is $1,000 this year."],
        "$1,000",
    ),
    (
        "Who is cutting Leo's hair?",
        [
            "Leo gets his hair cut by Marisol.",
            "Marisol moved away, Leo sees Tony at the corner barbershop for haircuts.",
        ],
        "Tony",
    ),
    (
        "Where is the science fair being held?",
        [
            "Science fair is in the school gym.",
            "The gym flooded, science fair is in the cafeteria.",
            "Cafeteria is booked for testing, the science fair is at the library.",
        ],
        "library",
    ),
    (
        "What's the speed of our home internet?",
        ["Home internet is 300 Mbps.", "Upgraded the home internet plan to 1 Gbps."],
        "1 Gbps",
    ),
    (
        "Which hospital is Grandpa in?",
        ["Grandpa was admitted to St. Mary's Hospital.", "They transferred Grandpa to Mercy General for the surgery."],
        "Mercy General",
    ),
    (
        "What's the cap on team headcount this year?",
        ["Team headcount cap is 12 this year.", "Finance approved 15 heads for the team this year."],
        "15 heads",
    ),
    (
        "What's the URL of the status page?",
        ["Status page lives at status.acme.io", "Status page is status.acmecloud.com since the rebrand."],
        "acmecloud",
    ),
    (
        "Who hosts Thanksgiving this year?",
        ["Thanksgiving is at Aunt Lynn's this year.", "Aunt Lynn has the flu, so we're hosting Thanksgiving."],
        "we're hosting",
    ),
    (
        "What time does the farmers market open?",
        ["Farmers market opens at 8am.", "Summer hours: farmers market opens at 7am."],
        "7am",
    ),
    (
        "Which editor does the team standardize on?",
        ["The team standardizes on VS Code.", "After the vote the team standardizes on Zed."],
        "Zed",
    ),
    (
        "How long is the warranty on the fridge?",
        ["Fridge warranty is one year.", "We bought the extended plan, the fridge is covered for five years."],
        "five years",
    ),
    (
        "What's the max dosage for the dog's meds?",
        ["The vet said max 2 tablets a day for the dog.", "Vet called, cut the dog's meds to 1 tablet a day."],
        "1 tablet",
    ),
]
SEALED_5_OTHER = [
    (
        "What's the deductible on our home insurance?",
        ["Home insurance deductible is $2,500.", "Renewal came in, the car insurance deductible is $1,000 this year."],
        "$2,500",
    ),
    (
        "Where is the book fair being held?",
        ["The book fair is in the library.", "The gym flooded, science fair moved to the cafeteria."],
        "library",
    ),
    (
        "What's the speed of the office internet?",
        ["Office internet is 500 Mbps.", "Upgraded the home internet plan to 1 Gbps."],
        "500 Mbps",
    ),
    (
        "What time does the flea market open?",
        ["The flea market opens at 9am.", "Summer hours: farmers market opens at 7am now."],
        "9am",
    ),
    (
        "How long is the warranty on the washer?",
        ["Washer warranty is two years.", "We bought the extended plan, the fridge is covered for five years now."],
        "two years",
    ),
    (
        "Who is cutting Mia's hair?",
        ["Mia gets her hair cut by Jules.", "Marisol moved away, so Leo switched to Tony for haircuts."],
        "Jules",
    ),
]
SEALED_5_MISSED: set[str] = set()  # at seed 7; at seed 8, "Which editor does the team standardize on?"


# A sixth, seventh and eighth sealed set, written on 2026-12-05 (a session after the fifth). The sixth (12 changes, 6
# other things, LoCoMo conversations 2 and 6) and the seventh (9 and 8) before that session's rule, an update said
# with no word of change linked as the next version in meaning (`changes.announced`: the later statement's nearest
# earlier statement and the earlier one's nearest later one); the eighth (3 and 1) after it was final. The sixth's
# misses were read while it was designed (so it is no evidence of generalization); the seventh was measured by counts
# only until the rule was final; the eighth was run once with the commit before (e735bc0) and once with it. Current
# first with the older ones marked, two seeds of insertion points each:
#   sixth 7 / 7 -> 11 / 11 of 12, other things 6 / 6 -> 6 / 6;
#   seventh 7 / 7 -> 11 / 11 of 12, other things 5 / 5 -> 5 / 5 of 6 (the staging server's change marks the
#   production server's address both times: "Rebuilt staging, the server is 10.0.4.22 now", a word of change, and
#   "staging" names the server only across a comma);
#   eighth 9 / 9 -> 12 / 12 of 12, other things 6 / 6 -> 6 / 6.
# The earlier sets, with it: fourth 10 -> 14 of 16 (seeds 3, 4), fifth 8 / 7 -> 12 / 11 of 12 (seeds 7, 8), second
# 13 -> 14 of 16, the first and third unchanged, other things unchanged. Missed: "Elm Street deal fell apart, we
# signed at 88 Canal Street" (names the old value, but neither a word of change nor the question's words bring it
# among the candidates); a middle version that does not name the question's Emma ("Recital got moved up to May 2":
# only statements naming the question's names are versions of what it asks, `subjects.about_named`).
SEALED_6 = [
    (
        "What's the wifi password at the cabin?",
        ["Cabin wifi password is pinecone42.", "Landlord reset the router, cabin wifi is now birchwood7."],
        "birchwood7",
    ),
    (
        "Who is picking up Grandma from the airport?",
        [
            "Tom is picking Grandma up from the airport Friday.",
            "Tom's flight got delayed, I'll grab Grandma from the airport myself.",
        ],
        "myself",
    ),
    (
        "When is the quarterly board meeting?",
        ["Quarterly board meeting is March 14.", "Board meeting slipped a week, it's March 21."],
        "March 21",
    ),
    ("What's our monthly rent?", ["Rent is $2,100 a month.", "New lease signed, rent is $2,250 a month."], "$2,250"),
    (
        "Which vet do we take Biscuit to?",
        [
            "Biscuit goes to Dr. Patel at Oakwood Vet.",
            "We've been taking Biscuit to Riverside Animal Clinic since Oakwood closed.",
        ],
        "Riverside",
    ),
    (
        "What's the deadline for the grant application?",
        [
            "Grant application is due Oct 1.",
            "Foundation gave everyone two extra weeks, grant application due Oct 15.",
            "Got a personal extension from the program officer, our grant application is due Oct 29.",
        ],
        "Oct 29",
    ),
    (
        "Which database does the billing service use?",
        ["Billing service runs on MySQL.", "Billing finished the Postgres migration last night."],
        "Postgres",
    ),
    (
        "How many people are coming to the reunion?",
        ["We have 40 people coming to the reunion.", "RSVPs closed, 57 people are coming to the reunion."],
        "57",
    ),
    (
        "Who's on call this weekend?",
        ["Priya has on-call this weekend.", "Priya and Dev traded, Dev has on-call this weekend."],
        "Dev has",
    ),
    (
        "What's the address of the new office?",
        ["New office is at 12 Elm Street.", "Elm Street deal fell apart, we signed at 88 Canal Street."],
        "88 Canal",
    ),
    (
        "What time is soccer practice?",
        ["Soccer practice is at 5pm.", "Coach says practice is 6:30pm from next week on."],
        "6:30pm",
    ),
    (
        "Which airline are we flying to Lisbon?",
        ["We're flying TAP to Lisbon.", "Booked Lisbon on Iberia in the end, TAP was too pricey."],
        "Iberia",
    ),
]
SEALED_6_OTHER = [
    (
        "What's the wifi password at the office?",
        ["Office wifi password is quartz19.", "Landlord reset the router, cabin wifi is now birchwood7."],
        "quartz19",
    ),
    (
        "When is the quarterly sales review?",
        ["Quarterly sales review is March 10.", "Board meeting slipped a week, it's March 21."],
        "March 10",
    ),
    (
        "Which database does the search service use?",
        ["Search service runs on Elasticsearch.", "Billing finished the Postgres migration last night."],
        "Elasticsearch",
    ),
    (
        "What time is swim practice?",
        ["Swim practice is at 7am.", "Coach says soccer practice is 6:30pm from next week on."],
        "7am",
    ),
    (
        "How many people are coming to the wedding?",
        ["120 people are coming to the wedding.", "RSVPs closed, 57 people are coming to the reunion."],
        "120",
    ),
    (
        "Which airline are we flying to Rome?",
        ["We're flying ITA to Rome.", "Booked Lisbon on Iberia in the end, TAP was too pricey."],
        "ITA",
    ),
]
SEALED_6_MISSED = {"What's the address of the new office?"}
SEALED_7 = [
    (
        "What's the name of the babysitter?",
        ["Our babysitter is Hannah from next door.", "Hannah left for college, so Chloe babysits for us now."],
        "Chloe",
    ),
    (
        "How much is the daycare per month?",
        ["Daycare is $1,400 a month.", "Daycare sent the new rates: $1,550 a month starting September."],
        "$1,550",
    ),
    (
        "Where are we having book club this month?",
        ["Book club is at Sara's place this month.", "Sara's kitchen is torn up, book club will be at Meg's."],
        "Meg's",
    ),
    (
        "What's the staging server's IP?",
        ["Staging server is at 10.0.3.17.", "Rebuilt staging, the server is 10.0.4.22 now."],
        "10.0.4.22",
    ),
    (
        "Who is the point of contact at Globex?",
        ["Our contact at Globex is Karen Liu.", "Karen Liu left Globex; we deal with Raj Mehta there."],
        "Raj Mehta",
    ),
    (
        "When is Emma's recital?",
        [
            "Emma's recital is on May 9.",
            "Recital got moved up to May 2 because of the gym renovation.",
            "School emailed: Emma's recital is May 3 after all, evening slot.",
        ],
        "May 3",
    ),
    (
        "What's the limit on the corporate card?",
        ["Corporate card limit is $5,000.", "Finance bumped my corporate card to $8,000."],
        "$8,000",
    ),
    (
        "Which gym does Carlos go to?",
        ["Carlos works out at Iron Temple.", "Carlos joined Equinox downtown, closer to work."],
        "Equinox",
    ),
    ("What's the on-call phone number?", ["On-call phone is 555-0199.", "New on-call number is 555-0177."], "555-0177"),
    (
        "How many vacation days do I have left?",
        ["I've got 12 vacation days left.", "Took the week in Maine, so 7 vacation days left."],
        "7 vacation",
    ),
    (
        "What language is the new service written in?",
        ["The new service is written in Go.", "We rewrote the new service in Rust over the summer."],
        "Rust",
    ),
    (
        "When is the kitchen remodel supposed to finish?",
        [
            "Contractor says the kitchen remodel finishes June 30.",
            "Cabinets are late, kitchen remodel won't finish before August 15.",
        ],
        "August 15",
    ),
]
SEALED_7_OTHER = [
    (
        "What's the name of the dog walker?",
        ["Our dog walker is Pete.", "Hannah left for college, so Chloe babysits for us now."],
        "Pete",
    ),
    (
        "What's the production server's IP?",
        ["Production server is at 10.0.1.5.", "Rebuilt staging, the server is 10.0.4.22 now."],
        "10.0.1.5",
    ),
    ("When is Noah's recital?", ["Noah's recital is on June 12.", "Emma's recital got moved up to May 2."], "June 12"),
    (
        "What's the limit on the travel card?",
        ["Travel card limit is $3,000.", "Finance bumped my corporate card to $8,000."],
        "$3,000",
    ),
    (
        "What language is the billing service written in?",
        ["The billing service is written in Java.", "We rewrote the new service in Rust over the summer."],
        "Java",
    ),
    (
        "When is the bathroom remodel supposed to finish?",
        ["Bathroom remodel finishes May 20.", "Cabinets are late, kitchen remodel won't finish before August 15."],
        "May 20",
    ),
]
SEALED_7_MISSED = {"When is Emma's recital?"}
SEALED_7_OTHER_MISSED = {"What's the production server's IP?"}
SEALED_8 = [
    (
        "What's Mom's phone number?",
        ["Mom's number is 555-0134.", "mom got a new phone, her number is 555-0188"],
        "555-0188",
    ),
    (
        "Which pharmacy fills Dad's prescriptions?",
        ["Dad's prescriptions go through the CVS on Main.", "Dad's prescriptions are at Walgreens since CVS closed"],
        "Walgreens",
    ),
    (
        "What time does the daycare close?",
        ["Daycare closes at 6pm.", "heads up daycare closes at 5:30pm starting Monday"],
        "5:30pm",
    ),
    (
        "Who is leading the hiring committee?",
        ["Ana leads the hiring committee.", "Ana stepped down, Marcus is leading the hiring committee"],
        "Marcus",
    ),
    (
        "What's the capacity of the main conference room?",
        ["The main conference room seats 12.", "After the remodel the main conference room seats 20."],
        "20",
    ),
    (
        "Which cloud region hosts the analytics cluster?",
        ["Analytics cluster runs in us-west-2.", "analytics cluster lives in eu-central-1 after the move"],
        "eu-central-1",
    ),
    (
        "How much is the gym membership?",
        ["Gym membership is $45 a month.", "gym sent a notice: membership is $52 a month from January"],
        "$52",
    ),
    (
        "When is the car due for service?",
        ["Car is due for service in March.", "Mechanic says the car isn't due for service until June."],
        "June",
    ),
    (
        "What's the name of our landlord?",
        ["Our landlord is Mr. Okafor.", "Building got sold, our landlord is Greenway Properties."],
        "Greenway",
    ),
    (
        "Which school does Nina attend?",
        ["Nina attends Lincoln Elementary.", "Nina started at Roosevelt Middle this fall."],
        "Roosevelt",
    ),
    (
        "What's the password for the shared drive?",
        ["Shared drive password is maple-77.", "IT locked the shared drive, new password is cedar-19."],
        "cedar-19",
    ),
    (
        "How many interns are joining this summer?",
        ["We're getting 4 interns this summer.", "Budget came through, 6 interns are joining this summer."],
        "6 interns",
    ),
]
SEALED_8_OTHER = [
    (
        "What's Dad's phone number?",
        ["Dad's number is 555-0161.", "mom got a new phone, her number is 555-0188"],
        "555-0161",
    ),
    (
        "What time does the after-school program close?",
        ["After-school program closes at 6:30pm.", "heads up daycare closes at 5:30pm starting Monday"],
        "6:30pm",
    ),
    (
        "Who is leading the budget committee?",
        ["Priya leads the budget committee.", "Ana stepped down, Marcus is leading the hiring committee"],
        "Priya",
    ),
    (
        "What's the capacity of the small conference room?",
        ["The small conference room seats 6.", "After the remodel the main conference room seats 20."],
        "seats 6",
    ),
    (
        "Which school does Leo attend?",
        ["Leo attends Hillside Elementary.", "Nina started at Roosevelt Middle this fall."],
        "Hillside",
    ),
    (
        "How many interns are joining the design team?",
        ["The design team is getting 2 interns.", "Budget came through, 6 interns are joining this summer."],
        "2 interns",
    ),
]


# The ninth set, written on 2026-12-06 before it was measured. Among LoCoMo turns its changes got 9 / 12 at both seeds
# (current first in 11; the misses below, read after), its other things 4 / 6: the updates about the cabin's wifi
# and the 4.2 code freeze marked the office's password and the 5.0 release's date superseded. Two rules were made on
# those two misses (a preposition's thing, `changes._placed_otherwise`; another number,
# `subjects.qualified_otherwise`), so the other things' 6 / 6 since is not evidence that they hold elsewhere; and a
# third on a miss of the changes ("Powell's double *booked* us so the book launch moved to ...": a verb in the past
# had read as a qualified "book"), 10 / 12 since.
SEALED_9 = [
    (
        "What's the wifi password at the cabin?",
        [
            "Cabin wifi password is pinecone42.",
            "Uncle Rob reset the router at the cabin, wifi password is now lakeside19",
        ],
        "lakeside19",
    ),
    (
        "Who is picking up Grandpa from the airport?",
        [
            "I'm picking up Grandpa from the airport Friday.",
            "can't make it Friday, Steph will pick up Grandpa from the airport",
        ],
        "Steph",
    ),
    (
        "What's the max upload size on the portal?",
        [
            "Portal caps uploads at 25 MB.",
            "IT raised the portal upload cap to 100 MB",
            "portal upload cap is 50 MB now, 100 was hurting the storage bill",
        ],
        "50 MB",
    ),
    (
        "Which vet does Biscuit go to?",
        [
            "Biscuit sees Dr. Lang at Oakwood Vet.",
            "Biscuit's records moved to Riverside Animal Clinic, Dr. Lang retired",
        ],
        "Riverside",
    ),
    (
        "What's the code freeze date for the 4.2 release?",
        ["Code freeze for 4.2 is November 14.", "4.2 code freeze slipped a week to November 21"],
        "November 21",
    ),
    (
        "Where is the book launch party?",
        [
            "Book launch party is at Powell's on Burnside.",
            "Powell's double booked us so the book launch moved to the Alberta Rose Theatre",
        ],
        "Alberta Rose",
    ),
    (
        "How many tickets did we get for the concert?",
        ["We got 4 tickets for the concert.", "Found two more, so we have 6 tickets for the concert"],
        "6 tickets",
    ),
    (
        "What's the on-call rotation length?",
        ["On-call rotation is one week.", "We're going to two-week on-call rotations starting next sprint"],
        "two-week",
    ),
    (
        "Which database does the search service use?",
        ["Search service stores its index in Elasticsearch.", "search service migrated to OpenSearch over the weekend"],
        "OpenSearch",
    ),
    (
        "What's the dress code for the gala?",
        ["Gala dress code is cocktail attire.", "Email from the organizers: the gala is black tie this year"],
        "black tie",
    ),
    (
        "When does the pool open for the season?",
        [
            "Pool opens May 24 this year.",
            "City pushed the pool opening to June 7 because of repairs",
            "pool opening is back to May 31, repairs wrapped up early",
        ],
        "May 31",
    ),
    (
        "Who is the landlord's contact for repairs?",
        ["For repairs text Gary at 555-0142.", "Gary handed off maintenance, repairs go to Denise at 555-0177 now"],
        "Denise",
    ),
]

SEALED_9_MISSED = {
    "Which vet does Biscuit go to?",  # first, but "Biscuit's *records* moved ...": the name modifies another noun
    "How many tickets did we get for the concert?",  # first, but asked in the past tense: no mark by design
}

SEALED_9_OTHER = [
    (
        "What's the wifi password at the office?",
        [
            "Office wifi password is bluefin88.",
            "Uncle Rob reset the router at the cabin, wifi password is now lakeside19",
        ],
        "bluefin88",
    ),
    (
        "Which vet does Pepper go to?",
        [
            "Pepper sees Dr. Okafor at Hillside Vet.",
            "Biscuit's records moved to Riverside Animal Clinic, Dr. Lang retired",
        ],
        "Hillside",
    ),
    (
        "What's the code freeze date for the 5.0 release?",
        ["Code freeze for 5.0 is February 6.", "4.2 code freeze slipped a week to November 21"],
        "February 6",
    ),
    (
        "Which database does the billing service use?",
        ["Billing service keeps its ledger in Postgres.", "search service migrated to OpenSearch over the weekend"],
        "Postgres",
    ),
    (
        "What's the dress code for the rehearsal dinner?",
        ["Rehearsal dinner dress code is smart casual.", "Email from the organizers: the gala is black tie this year"],
        "smart casual",
    ),
    (
        "When does the ice rink open for the season?",
        ["Ice rink opens November 22.", "City pushed the pool opening to June 7 because of repairs"],
        "November 22",
    ),
]

# The tenth set, written on 2026-12-06 before it was measured: 9 / 12 at both seeds among LoCoMo turns (current first
# in 9), its other things 6 / 6; 11 / 12 since the rules made on its misses ("let's" is "let us", a first name alone
# names a person, a link that is a word of the language needs a name's capital).
SEALED_10 = [
    (
        "What's the Zoom link for standup?",
        ["Standup zoom link: zoom.us/j/4471", "new standup link since the old one got zoombombed: zoom.us/j/9020"],
        "9020",
    ),
    (
        "Who's hosting book club this month?",
        ["Book club is at Priya's this month.", "Priya's kitchen is torn up, so Hannah is hosting book club instead"],
        "Hannah",
    ),
    (
        "What's the budget for the offsite?",
        [
            "Offsite budget is $8,000.",
            "finance trimmed the offsite budget to $6,500",
            "ok final word from finance, offsite budget is $7,200",
        ],
        "$7,200",
    ),
    (
        "Which airline are we flying to Denver?",
        ["We're flying United to Denver.", "United cancelled, rebooked us on Southwest to Denver"],
        "Southwest",
    ),
    (
        "When is the grant application due?",
        ["Grant application is due March 3.", "The foundation extended the grant deadline to March 17."],
        "March 17",
    ),
    (
        "What's the default branch of the repo?",
        ["Default branch of the repo is master.", "renamed the default branch to main, update your remotes"],
        "to main",
    ),
    (
        "How often does the cleaner come?",
        ["Cleaner comes every other Thursday.", "cleaner's switching to weekly visits, Thursdays still"],
        "weekly",
    ),
    (
        "Which room is the quarterly review in?",
        [
            "Quarterly review is in room 4B.",
            "facilities moved the quarterly review to the Atrium since 4B is too small",
            "Atrium's double booked, quarterly review is back in 4B",
        ],
        "back in 4B",
    ),
    (
        "What's Jake's shoe size?",
        ["Jake wears a size 2.", "Jake outgrew his sneakers, he's a size 3 now"],
        "size 3",
    ),
    (
        "Which Node version does CI run?",
        ["CI runs on Node 18.", "bumped CI to Node 20 this morning"],
        "Node 20",
    ),
    (
        "Who is our main contact at Acme?",
        [
            "Our main contact at Acme is Lorraine Petit.",
            "Lorraine left Acme, we'll be working with Sam Ortiz going forward",
        ],
        "Sam Ortiz",
    ),
    (
        "Where are we meeting for Saturday's hike?",
        [
            "Meet at the Cedar Creek trailhead at 8 for Saturday's hike.",
            "Parking at Cedar Creek is closed, let's meet at the Fern Hollow lot instead for the hike",
        ],
        "Fern Hollow",
    ),
]

SEALED_10_MISSED = {
    "When is the grant application due?",  # "the grant *deadline*": it says the thing by another noun, not close
}

SEALED_10_OTHER = [
    (
        "Who's hosting game night this month?",
        ["Game night is at Tom's this month.", "Priya's kitchen is torn up, so Hannah is hosting book club instead"],
        "Tom's",
    ),
    (
        "What's the budget for the holiday party?",
        ["Holiday party budget is $3,000.", "finance trimmed the offsite budget to $6,500"],
        "$3,000",
    ),
    (
        "When is the conference talk proposal due?",
        [
            "Talk proposals for the conference are due April 10.",
            "The foundation extended the grant deadline to March 17.",
        ],
        "April 10",
    ),
    (
        "What's Maya's shoe size?",
        ["Maya wears a size 12.", "Jake outgrew his sneakers, he's a size 3 now"],
        "size 12",
    ),
    (
        "Which Python version does CI run?",
        ["CI tests against Python 3.11.", "bumped CI to Node 20 this morning"],
        "3.11",
    ),
    (
        "Which room is the all-hands in?",
        ["All-hands is in the cafeteria.", "facilities moved the quarterly review to the Atrium since 4B is too small"],
        "cafeteria",
    ),
]

# The eleventh set, written on 2026-12-06 before it was measured, after the rules made on the tenth set's misses:
# 10 / 12 at both seeds (current first in 10), other things 6 / 6; 12 / 12 since an adverb ends a thing ("again") and
# a less relevant next version in meaning naming the best statement's value revises it.
SEALED_11 = [
    (
        "Where's the team dinner on Friday?",
        [
            "Team dinner Friday is at Nopa, 7pm, I made the reservation under my name.",
            "Nopa lost our reservation somehow. I rebooked the team dinner at Zuni Cafe, same time.",
        ],
        "Zuni",
    ),
    (
        "When does Daniela start?",
        [
            "Our new hire, Daniela, starts on the 9th.",
            "Daniela's start got pushed to the 16th because of her visa paperwork",
        ],
        "16th",
    ),
    (
        "How much is the deposit for the venue?",
        ["The venue wants a $500 deposit to hold the date.", "Talked them down, the venue deposit is $350 now."],
        "$350",
    ),
    (
        "What's the login for the staging dashboard?",
        [
            "staging dashboard login is admin / Tr33house!",
            "I rotated the staging dashboard creds, it's admin / Bl0ssom#9 now",
        ],
        "Bl0ssom",
    ),
    (
        "Which bus does Mia take to school?",
        ["Mia takes the 22 bus to school.", "The 22 got rerouted, Mia's on the 14 to school now"],
        "the 14",
    ),
    (
        "Who is cooking Thanksgiving dinner?",
        [
            "Aunt Carol is cooking Thanksgiving dinner this year.",
            "Carol broke her wrist, so Uncle Dev is doing the turkey and everything for Thanksgiving",
        ],
        "Uncle Dev",
    ),
    (
        "What's the refund window for the store?",
        [
            "Store policy: refunds within 30 days.",
            "They shortened the refund window to 14 days in the new policy",
            "Customer outcry, refund window back to 30 days",
        ],
        "back to 30 days",
    ),
    (
        "What's the timeout on the payments API?",
        ["payments API timeout is 30s", "we lowered the payments API timeout to 10s after the incident"],
        "10s",
    ),
    (
        "Where do we store the design files?",
        [
            "Design files live in the Figma team space.",
            "We're moving design files to Penpot, Figma seat costs got silly",
        ],
        "Penpot",
    ),
    (
        "When is Leo's dentist appointment?",
        ["Leo's dentist appointment is Tuesday at 3.", "Dentist office called, Leo's cleaning is now Thursday at 4:15"],
        "Thursday at 4:15",
    ),
    (
        "What's the wifi network name at home?",
        [
            "Home wifi network is called NETGEAR42.",
            "Renamed our home network to CasaLuna so the guests can find it",
            "Changed the home wifi name again, it's CasaLuna5G now",
        ],
        "CasaLuna5G",
    ),
    (
        "Which hotel is Grandma staying at?",
        ["Grandma is booked at the Marriott downtown.", "Grandma switched to the Hilton, closer to the hospital"],
        "Hilton",
    ),
]

SEALED_11_OTHER = [
    (
        "Where's the team lunch on Friday?",
        [
            "Team lunch Friday is at the taco place on 5th.",
            "Nopa lost our reservation somehow. I rebooked the team dinner at Zuni Cafe, same time.",
        ],
        "taco place",
    ),
    (
        "How much is the deposit for the caterer?",
        ["Caterer needs a $1,200 deposit.", "Talked them down, the venue deposit is $350 now."],
        "$1,200",
    ),
    (
        "What's the timeout on the search API?",
        ["search API timeout is 5s", "we lowered the payments API timeout to 10s after the incident"],
        "5s",
    ),
    (
        "Which bus does Owen take to school?",
        ["Owen takes the 31 bus to school.", "The 22 got rerouted, Mia's on the 14 to school now"],
        "31",
    ),
    (
        "What's the login for the production dashboard?",
        ["prod dashboard login is ops / K3ttle!", "I rotated the staging dashboard creds, it's admin / Bl0ssom#9 now"],
        "K3ttle",
    ),
    (
        "Which hotel is Grandpa staying at?",
        ["Grandpa is staying at the Hyatt by the airport.", "Grandma switched to the Hilton, closer to the hospital"],
        "Hyatt",
    ),
]

# The twelfth set, written on 2026-12-06 before it was measured, after the rules made on the eleventh set's misses:
# 9 / 12 at both seeds (current first in 9), other things 6 / 6; 10 / 12 since "Sam's bringing" reads "Sam is".
SEALED_12 = [
    (
        "What's the checkout time at the Airbnb?",
        [
            "Airbnb checkout is 11am, the host was firm about it.",
            "Host messaged: we can do a late checkout at 1pm on Sunday, no extra charge.",
        ],
        "1pm",
    ),
    (
        "Which laptop is IT giving Priya?",
        [
            "IT is issuing Priya a Dell Latitude 7440.",
            "Priya's getting a MacBook Pro instead of the Dell, design needs the GPU",
        ],
        "MacBook Pro",
    ),
    (
        "How long is the warranty on the dishwasher?",
        [
            "Dishwasher warranty is one year, parts and labor.",
            "Registered the dishwasher online and it bumped the warranty to two years.",
        ],
        "two years",
    ),
    (
        "Who's bringing dessert to the potluck?",
        [
            "Sam's bringing dessert to the potluck, probably brownies.",
            "Sam has to work late, Ines said she'll bring a pie for dessert instead",
        ],
        "Ines",
    ),
    (
        "What's the max batch size for the ingest job?",
        [
            "Ingest job runs with a max batch size of 512.",
            "We OOMed twice last night so I dropped the ingest batch size to 256.",
            "Added memory to the box, ingest batch size is 1024 now",
        ],
        "1024",
    ),
    (
        "Where is Mom's birthday lunch?",
        [
            "Mom's birthday lunch is at the Greek place on Elm.",
            "Greek place is closed for renovations, moved Mom's birthday lunch to Luigi's",
        ],
        "Luigi's",
    ),
    (
        "What's the cutoff for expense reports this month?",
        [
            "Expense reports are due the 25th this month.",
            "Finance moved the expense report cutoff up to the 22nd because of the holiday",
        ],
        "22nd",
    ),
    (
        "Which carrier is shipping the replacement part?",
        [
            "The replacement part ships with FedEx, tracking to follow.",
            "Vendor said it actually went out with UPS, tracking 1Z999AA10123456784",
        ],
        "UPS",
    ),
    (
        "How many guests are coming to the rehearsal dinner?",
        ["We're expecting 40 guests at the rehearsal dinner.", "RSVPs are in: 46 guests for the rehearsal dinner."],
        "46 guests",
    ),
    (
        "What's the rate limit on the public API?",
        [
            "Public API is rate limited to 100 requests per minute.",
            "After the abuse incident we tightened the public API to 60 requests per minute",
        ],
        "60 requests",
    ),
    (
        "Who's the point person for the office move?",
        [
            "Kenji is the point person for the office move.",
            "Kenji's on leave, Farah is running the office move until he's back",
        ],
        "Farah",
    ),
    (
        "When is the HVAC inspection?",
        ["HVAC inspection is Wednesday morning.", "Inspector called, the HVAC inspection is Friday at 10 instead"],
        "Friday at 10",
    ),
]

SEALED_12_MISSED = {
    "What's the checkout time at the Airbnb?",  # "a late checkout at 1pm": no word of change, not next in meaning
    "Which carrier is shipping the replacement part?",  # "it actually went out with UPS": names nothing of it
}

SEALED_12_OTHER = [
    (
        "What's the checkout time at the hotel in Lisbon?",
        [
            "Lisbon hotel checkout is noon.",
            "Host messaged: we can do a late checkout at 1pm on Sunday, no extra charge.",
        ],
        "noon",
    ),
    (
        "Who's bringing drinks to the potluck?",
        [
            "Marco's bringing drinks to the potluck.",
            "Sam has to work late, Ines said she'll bring a pie for dessert instead",
        ],
        "Marco",
    ),
    (
        "What's the max batch size for the export job?",
        ["Export job max batch size is 2000.", "We OOMed twice last night so I dropped the ingest batch size to 256."],
        "2000",
    ),
    (
        "How many guests are coming to the reception?",
        ["About 150 guests are coming to the reception.", "RSVPs are in: 46 guests for the rehearsal dinner."],
        "150",
    ),
    (
        "What's the rate limit on the internal API?",
        [
            "Internal API allows 1000 requests per minute.",
            "After the abuse incident we tightened the public API to 60 requests per minute",
        ],
        "1000",
    ),
    (
        "When is the elevator inspection?",
        ["Elevator inspection is Monday at 2pm.", "Inspector called, the HVAC inspection is Friday at 10 instead"],
        "Monday",
    ),
]

# The thirteenth set, written on 2026-12-06 before it was measured, after the rules made on the twelfth set's misses:
# 10 / 12 at both seeds (current first in 11), other things 6 / 6; 11 / 12 since an ordinal ("3rd") is no name.
SEALED_13 = [
    (
        "Which dentist does Noah see?",
        [
            "Noah sees Dr. Patel for his teeth.",
            "Dr. Patel moved practices, so Noah's switching to Dr. Kim at Bright Smiles",
        ],
        "Dr. Kim",
    ),
    (
        "What's the parking code for the garage?",
        ["Garage parking code is 4821.", "they changed the garage code to 7390 after the break-in"],
        "7390",
    ),
    (
        "When is the quarterly board meeting?",
        [
            "Board meeting is March 12 this quarter.",
            "Two directors can't make the 12th, board meeting is now March 19",
            "Scratch that, board meeting is going back to March 12",
        ],
        "going back to March 12",
    ),
    (
        "Who is watching the kids on Saturday night?",
        ["Mia is babysitting Saturday night.", "Mia caught the flu, her sister Lena will watch the kids Saturday"],
        "Lena",
    ),
    (
        "How much does the yoga class cost?",
        ["Yoga class is $18 a drop-in.", "Studio raised drop-in prices, yoga is $22 now"],
        "$22",
    ),
    (
        "What's the SLA for P1 tickets?",
        ["P1 tickets have a 4 hour response SLA.", "New support contract: P1 response SLA is 1 hour"],
        "1 hour",
    ),
    (
        "Which printer should I use on the 3rd floor?",
        [
            "Use the HP LaserJet by the kitchen on the 3rd floor.",
            "The HP by the kitchen is dead, use the Brother near the stairs on 3",
        ],
        "Brother",
    ),
    (
        "Where is the kickoff dinner?",
        [
            "Kickoff dinner is at Bacchanal downtown.",
            "Bacchanal closed early for a private event, kickoff dinner is at Sofia's instead",
        ],
        "Sofia's",
    ),
    (
        "What's Grandma's address?",
        ["Grandma moved to 14 Birch Lane.", "Grandma's at 220 Ocean Ave now, Birch Lane didn't work out"],
        "220 Ocean",
    ),
    (
        "How many seats does the rental van have?",
        ["The rental van seats 8.", "Rental place swapped our van for a 12-seater"],
        "12-seater",
    ),
    (
        "Which framework is the new dashboard built with?",
        ["We're building the new dashboard in Vue.", "Dashboard rewrite is going React, the team knows it better"],
        "React",
    ),
    (
        "When does the farmers market close?",
        ["Farmers market closes at 1pm on Saturdays.", "Summer hours: farmers market stays open until 3pm"],
        "3pm",
    ),
]

SEALED_13_MISSED = {
    "Which framework is the new dashboard built with?",  # "Dashboard *rewrite* is going React": another noun, no cue
}

SEALED_13_OTHER = [
    (
        "Which dentist does Ava see?",
        [
            "Ava sees Dr. Ruiz at Smile Center.",
            "Dr. Patel moved practices, so Noah's switching to Dr. Kim at Bright Smiles",
        ],
        "Ruiz",
    ),
    (
        "What's the door code for the office?",
        ["Office door code is 1155.", "they changed the garage code to 7390 after the break-in"],
        "1155",
    ),
    (
        "How much does the spin class cost?",
        ["Spin class is $25 a session.", "Studio raised drop-in prices, yoga is $22 now"],
        "$25",
    ),
    (
        "Who is watching the dog on Saturday?",
        ["Tom is watching the dog Saturday.", "Mia caught the flu, her sister Lena will watch the kids Saturday"],
        "Tom",
    ),
    (
        "Where is the farewell lunch?",
        [
            "Farewell lunch is at Nando's.",
            "Bacchanal closed early for a private event, kickoff dinner is at Sofia's instead",
        ],
        "Nando's",
    ),
    (
        "When does the flea market close?",
        ["Flea market closes at 4pm.", "Summer hours: farmers market stays open until 3pm"],
        "4pm",
    ),
]

# The fourteenth set, written on 2026-12-06 before it was measured, after the rules made on the thirteenth set's
# misses: 9 / 12 at both seeds (current first in 9), other things 5 / 6 (the Netflix login first for Hulu's); 10 / 12
# and 6 / 6 since an acronym is no proper name ("SRE") and a name inside an address no link ("ourmail.com").
SEALED_14 = [
    (
        "Who does our taxes?",
        [
            "Our taxes are done by Linda Cho at Cho & Partners.",
            "linda retired in march, we've moved the taxes over to Brightline CPA",
        ],
        "Brightline",
    ),
    (
        "What's the speed of our internet plan?",
        ["Our internet plan is 300 Mbps.", "Upgraded the internet to 1 Gbps, same price for a year"],
        "1 Gbps",
    ),
    (
        "When is trash pickup?",
        ["Trash pickup is Tuesday mornings.", "city notice: trash pickup moves to Wednesdays starting next month"],
        "Wednesdays",
    ),
    (
        "Where does Leo do swim lessons?",
        [
            "Leo's swim lessons are at the YMCA pool.",
            "YMCA pool is closed for repairs so swim lessons are at Northside Aquatic Center through June",
        ],
        "Northside",
    ),
    (
        "What's the max file size for email attachments?",
        ["Email attachments max out at 25 MB.", "IT bumped the attachment limit to 35 MB"],
        "35 MB",
    ),
    (
        "How many people are on the platform team?",
        [
            "Platform team is 6 people.",
            "Two hires started Monday, platform team is at 8 now",
            "Rui transferred out, so platform is down to 7",
        ],
        "down to 7",
    ),
    (
        "What time is soccer practice on Thursday?",
        ["Thursday soccer practice is 5:30.", "Coach moved Thursday practice to 6:15 because of field lights"],
        "6:15",
    ),
    (
        "Which bank holds the mortgage?",
        ["Our mortgage is with Wells Fargo.", "Mortgage got sold to Mr. Cooper, payments go there from next month"],
        "Mr. Cooper",
    ),
    (
        "What's the login email for the Netflix account?",
        ["Netflix account login is family@ourmail.com.", "Changed the Netflix login to streams@ourmail.com"],
        "streams@",
    ),
    (
        "Who is the on-call SRE this week?",
        ["This week's on-call SRE is Dmitri.", "Dmitri swapped with Aisha, she's on call through Sunday"],
        "Aisha",
    ),
    (
        "How long is the drive to the lake house?",
        [
            "Drive to the lake house is about 2 hours.",
            "With the bridge closed the drive to the lake house is more like 3 hours",
        ],
        "3 hours",
    ),
    (
        "Which room is the science fair in?",
        ["Science fair is in the gym this year.", "Gym floor is being refinished, science fair moved to the cafeteria"],
        "cafeteria",
    ),
]

SEALED_14_MISSED = {
    "Where does Leo do swim lessons?",  # "YMCA pool is closed ... so swim lessons are at ...": no word of change, and
    # it leaves out the question's name (Leo), which an update naming the old value (YMCA) must then not do
    "What's the max file size for email attachments?",  # "the attachment *limit*": another noun, a third of the thing
}

SEALED_14_OTHER = [
    (
        "When is recycling pickup?",
        [
            "Recycling pickup is every other Friday.",
            "city notice: trash pickup moves to Wednesdays starting next month",
        ],
        "Friday",
    ),
    (
        "How many people are on the data team?",
        ["Data team is 9 people.", "Two hires started Monday, platform team is at 8 now"],
        "9 people",
    ),
    (
        "What time is soccer practice on Tuesday?",
        ["Tuesday soccer practice is 4:45.", "Coach moved Thursday practice to 6:15 because of field lights"],
        "4:45",
    ),
    (
        "What's the login email for the Hulu account?",
        ["Hulu login is tv@ourmail.com.", "Changed the Netflix login to streams@ourmail.com"],
        "tv@",
    ),
    (
        "Who is the on-call DBA this week?",
        ["On-call DBA this week is Marek.", "Dmitri swapped with Aisha, she's on call through Sunday"],
        "Marek",
    ),
    (
        "How long is the drive to the airport?",
        [
            "Drive to the airport is 40 minutes.",
            "With the bridge closed the drive to the lake house is more like 3 hours",
        ],
        "40 minutes",
    ),
]

# The fifteenth set, written on 2026-12-06 before it was measured, after the rules made on the fourteenth set's
# misses, and left as measured (no rule made on it): 7 / 12 and 6 / 12 at seeds 29 / 30 (current first in 9 and 8),
# other things 6 / 6.
SEALED_15 = [
    (
        "Which studio is mixing the album?",
        [
            "The album is being mixed at Blackbird Studio.",
            "Blackbird got flooded, we're finishing the mix at Sound Emporium",
        ],
        "Sound Emporium",
    ),
    (
        "How much is the rent for the studio apartment?",
        ["Studio apartment rent is $1,450.", "Landlord sent the renewal: studio rent goes to $1,525 in May"],
        "$1,525",
    ),
    (
        "What's the project codename?",
        ["Project codename is Bluebird.", "Legal flagged Bluebird, the codename is now Kestrel"],
        "Kestrel",
    ),
    (
        "When is Maya's piano recital?",
        ["Maya's piano recital is June 8.", "The recital hall double-booked, Maya's recital is now June 15"],
        "June 15",
    ),
    (
        "Which laptop model are we standardizing on?",
        [
            "We're standardizing on the ThinkPad T14.",
            "Procurement switched the standard laptop to the Dell Latitude 5450",
        ],
        "Latitude 5450",
    ),
    (
        "Where do the kids catch the school bus?",
        ["Kids catch the school bus at Oak and 5th.", "New route this year, bus stop is at Maple and 3rd"],
        "Maple",
    ),
    (
        "What's the conference hotel?",
        [
            "Conference hotel is the Hyatt Regency.",
            "Hyatt was full, so I booked the conference hotel at the Marriott Marquis",
        ],
        "Marriott",
    ),
    (
        "How many vacation days do I have left?",
        ["I have 12 vacation days left.", "Took three days in October, so 9 vacation days left"],
        "9 vacation",
    ),
    (
        "Who is the emergency contact for the building?",
        [
            "Building emergency contact is Sal at 555-0190.",
            "Sal retired, building emergencies go to Priscilla at 555-0123 now",
        ],
        "Priscilla",
    ),
    (
        "What's the deploy window for production?",
        [
            "Production deploys happen Tuesdays 2-4pm.",
            "Change board moved the prod deploy window to Wednesdays 10am-noon",
        ],
        "Wednesdays",
    ),
    (
        "Which gym are we going to?",
        ["We're going to Crunch on 8th.", "Crunch raised prices, we're switching to Planet Fitness"],
        "Planet Fitness",
    ),
    (
        "What is the team's standup time?",
        [
            "Standup is at 9:45.",
            "Standup moved to 10:15 so the west coast folks can join",
            "Back to 9:45 for standup, west coast team left",
        ],
        "Back to 9:45",
    ),
]

SEALED_15_MISSED = {  # at seed 29; at seed 30 also "What's the project codename?" (a LoCoMo turn on "projects")
    "Which laptop model are we standardizing on?",  # "switched the standard laptop": "standard" for "standardizing"
    "Where do the kids catch the school bus?",  # "New route this year, bus stop is at Maple": no word of change
    "What's the deploy window for production?",  # "the *prod* deploy window": an abbreviation read as a qualifier
    "Which gym are we going to?",  # "keeps me *going*" (a LoCoMo turn) taken as the latest statement of "going"
    "What is the team's standup time?",  # of three versions the middle one ("moved to 10:15") is left unmarked
}

SEALED_15_OTHER = [
    (
        "Which studio is recording the podcast?",
        [
            "The podcast records at Studio B downtown.",
            "Blackbird got flooded, we're finishing the mix at Sound Emporium",
        ],
        "Studio B",
    ),
    (
        "When is Leo's piano recital?",
        ["Leo's piano recital is May 30.", "The recital hall double-booked, Maya's recital is now June 15"],
        "May 30",
    ),
    (
        "How many sick days do I have left?",
        ["I have 5 sick days left.", "Took three days in October, so 9 vacation days left"],
        "5 sick",
    ),
    (
        "What's the deploy window for staging?",
        [
            "Staging deploys are anytime before 6pm.",
            "Change board moved the prod deploy window to Wednesdays 10am-noon",
        ],
        "before 6pm",
    ),
    (
        "Which gym is Dad going to?",
        ["Dad goes to the YMCA on Elm.", "Crunch raised prices, we're switching to Planet Fitness"],
        "YMCA",
    ),
    (
        "Who is the emergency contact for the school?",
        [
            "School emergency contact is Aunt Jo, 555-0111.",
            "Sal retired, building emergencies go to Priscilla at 555-0123 now",
        ],
        "Aunt Jo",
    ),
]

# The sixteenth set, written on 2026-12-06 before it was measured, after the fifteenth set was measured and while a
# rule on its gym miss (a question's verb in the progressive, "are we *going*") was being tried (it changed none of
# the sets, marked a LoCoMo answer stale and was dropped). First measured: 10 / 12 at seeds 31 / 32, other things
# 6 / 6; missed the cabin's "Wi-Fi" (a name before the asked word, a hyphen) and the airline (an update naming only
# the old value was the best statement). 12 / 12 after the rules made on them (not evidence).
SEALED_16 = [
    (
        "What's the Wi-Fi password at the cabin?",
        ["Cabin wifi password is pinecone42.", "Ray changed the cabin wifi password to lakeview77"],
        "lakeview77",
    ),
    (
        "Where are we having Mom's birthday dinner?",
        [
            "Mom's birthday dinner is at Lucia's on Friday.",
            "Lucia's lost their liquor license so we booked Mom's birthday dinner at The Grove",
        ],
        "The Grove",
    ),
    (
        "Which vet does Biscuit see?",
        [
            "Biscuit sees Dr. Patel at Oakwood Vet.",
            "Dr. Patel retired, Biscuit's new vet is Dr. Kim at Riverside Animal Clinic",
        ],
        "Dr. Kim",
    ),
    (
        "How much is the daycare tuition?",
        ["Daycare tuition is $1,200 a month.", "Daycare tuition goes up to $1,320 in September"],
        "$1,320",
    ),
    (
        "What time does the farmers market open?",
        ["Farmers market opens at 8am on Saturdays.", "For the winter season the farmers market opens at 9am"],
        "9am",
    ),
    (
        "Who is driving the carpool on Thursdays?",
        [
            "Jenna is driving the Thursday carpool.",
            "Jenna's car broke down, so Marcus is covering Thursdays for the carpool",
        ],
        "Marcus",
    ),
    (
        "What's the budget for the offsite?",
        ["Offsite budget is $15,000.", "Finance cut the offsite budget to $11,500"],
        "$11,500",
    ),
    (
        "Which branch are we releasing from?",
        ["Releases go out from the release/3.2 branch.", "Cut a new branch, releases now ship from release/3.3"],
        "release/3.3",
    ),
    (
        "When is the plumber coming?",
        ["Plumber is coming Tuesday between 10 and 12.", "Plumber rescheduled to Thursday morning"],
        "Thursday",
    ),
    (
        "What's the office door code?",
        ["Office door code is 4471.", "Facilities rotated the door code, it's 9032 as of Monday"],
        "9032",
    ),
    (
        "Which airline are we flying to Lisbon?",
        ["We're flying TAP to Lisbon.", "TAP cancelled our flight, so we rebooked on Iberia through Madrid"],
        "Iberia",
    ),
    (
        "Where is soccer practice?",
        [
            "Soccer practice is at Field 3 behind the school.",
            "Field 3 is being reseeded, practice moved to Field 7",
            "Practice is back at Field 3 starting next week",
        ],
        "back at Field 3",
    ),
]

SEALED_16_MISSED: set[str] = set()

SEALED_16_OTHER = [
    (
        "What's the Wi-Fi password at the office?",
        ["Office wifi password is bluefalcon9.", "Ray changed the cabin wifi password to lakeview77"],
        "bluefalcon9",
    ),
    (
        "Who is driving the carpool on Mondays?",
        [
            "Priya drives the Monday carpool.",
            "Jenna's car broke down, so Marcus is covering Thursdays for the carpool",
        ],
        "Priya",
    ),
    (
        "How much is the after-school program?",
        ["After-school program is $400 a month.", "Daycare tuition goes up to $1,320 in September"],
        "$400",
    ),
    (
        "What's the budget for the holiday party?",
        ["Holiday party budget is $6,000.", "Finance cut the offsite budget to $11,500"],
        "$6,000",
    ),
    (
        "What's the gym locker code?",
        ["Gym locker code is 1188.", "Facilities rotated the door code, it's 9032 as of Monday"],
        "1188",
    ),
    (
        "Which airline are we flying to Denver?",
        ["We're flying United to Denver.", "TAP cancelled our flight, so we rebooked on Iberia through Madrid"],
        "United",
    ),
]

# The seventeenth set, written on 2026-12-06 before it was measured, after the rules made on the sixteenth's misses,
# and left as measured (no rule made on it): 10 / 12 at seeds 33 / 34, other things 6 / 6.
SEALED_17 = [
    (
        "What's the Zoom link for the weekly sync?",
        ["Weekly sync Zoom link is zoom.us/j/5551234.", "New Zoom room for the weekly sync: zoom.us/j/8889012"],
        "8889012",
    ),
    (
        "Who's picking up Grandma from the airport?",
        [
            "Tom is picking up Grandma from the airport Saturday.",
            "Tom's flight got delayed, Aunt Bea will grab Grandma at the airport instead",
        ],
        "Aunt Bea",
    ),
    (
        "How much does the Spotify family plan cost?",
        ["Spotify family plan is $16.99 a month.", "Spotify bumped the family plan to $17.99"],
        "$17.99",
    ),
    (
        "Where's the holiday party this year?",
        [
            "Holiday party is at the Rooftop Lounge this year.",
            "Rooftop Lounge flooded, holiday party relocated to Hotel Zinc",
        ],
        "Hotel Zinc",
    ),
    (
        "What's the check-in time at the Airbnb?",
        ["Airbnb check-in is at 4pm.", "Host messaged, we can check in at 2pm instead"],
        "2pm",
    ),
    (
        "Which printer should I use on the 2nd floor?",
        [
            "Use the HP LaserJet by the kitchen on the 2nd floor.",
            "The 2nd floor HP is dead, print to the Canon near the stairs for now",
        ],
        "Canon",
    ),
    (
        "What's the minimum order for free shipping?",
        ["Free shipping kicks in at $50.", "Free shipping threshold went up to $75"],
        "$75",
    ),
    (
        "When does the pool close?",
        ["Pool closes at 8pm on weekdays.", "Summer hours started, the pool's open until 10pm now"],
        "10pm",
    ),
    (
        "What's the e-mail for the HOA?",
        [
            "HOA email is board@maplegrovehoa.org.",
            "HOA switched management companies, send stuff to help@acmemgmt.com now",
        ],
        "help@acmemgmt.com",
    ),
    (
        "How often do we rotate the on-call schedule?",
        ["On-call rotates every week.", "We're moving the on-call rotation to every two weeks"],
        "every two weeks",
    ),
    (
        "Who is the point of contact at the venue?",
        ["Venue contact is Marisol Reyes.", "Marisol left the venue, our new contact there is Dev Patel"],
        "Dev Patel",
    ),
    (
        "What's the kids' bedtime?",
        ["Kids' bedtime is 8:00.", "Summer bedtime for the kids is 9:00", "School's back, kids' bedtime is 8:00 again"],
        "8:00 again",
    ),
]

SEALED_17_MISSED = {
    # the update gives a name, the best statement only a day ("Saturday"): its own name ("Tom") opens the sentence,
    # where a capitalized word may be any word, so the two seem to give values of different kinds
    "Who's picking up Grandma from the airport?",
    # "Host messaged, we can *check in* at 2pm instead" leaves out "Airbnb", a name of the question's subject that
    # every version must hold (`subjects.about_named`), and says "check-in" as two words
    "What's the check-in time at the Airbnb?",
}

SEALED_17_OTHER = [
    (
        "What's the Zoom link for the board meeting?",
        ["Board meeting Zoom link is zoom.us/j/3337777.", "New Zoom room for the weekly sync: zoom.us/j/8889012"],
        "3337777",
    ),
    (
        "How much does the Netflix plan cost?",
        ["Netflix standard plan is $15.49.", "Spotify bumped the family plan to $17.99"],
        "$15.49",
    ),
    (
        "When does the library close?",
        ["Library closes at 6pm.", "Summer hours started, the pool's open until 10pm now"],
        "6pm",
    ),
    (
        "Who is the point of contact at the caterer?",
        ["Caterer contact is Jules Baptiste.", "Marisol left the venue, our new contact there is Dev Patel"],
        "Jules",
    ),
    (
        "Which printer should I use on the 3rd floor?",
        [
            "3rd floor printer is the Brother by the elevators.",
            "The 2nd floor HP is dead, print to the Canon near the stairs for now",
        ],
        "Brother",
    ),
    (
        "What's the e-mail for the school office?",
        [
            "School office email is office@lincolnelem.org.",
            "HOA switched management companies, send stuff to help@acmemgmt.com now",
        ],
        "office@lincolnelem.org",
    ),
]

# The eighteenth set, written by a helper agent told only the format and to write as people chat, that read none of
# this project's code, tests or docs (the seventeen sets before were written by sessions that knew the rules).
SEALED_18 = [
    (
        "Which day does the book club meet?",
        [
            "book club is tuesdays at mine, 7ish, bring wine",
            "tuesdays are a nightmare for half of us so from next week it's thursdays, same time",
        ],
        "thursdays",
    ),
    (
        "When does the recycling get picked up?",
        [
            "reminder recycling goes out wed night, truck comes thursday morning",
            "city sent a flyer, recycling pickup is mondays starting this month",
        ],
        "mondays",
    ),
    (
        "When is the plumber coming?",
        [
            "landlord says the plumber's coming friday between 9 and 12, someone needs to be home",
            "ugh plumber bailed. Mark's sending a different guy saturday around 2",
        ],
        "saturday around 2",
    ),
    (
        "Where is soccer practice held?",
        [
            "practice is at Riverside Park, field 3, 5:30 sharp",
            "field 3 is getting reseeded so we're at the Oakwood Elementary field for a few weeks",
            "grass is done! back to Riverside again from this week",
        ],
        "again",
    ),
    (
        "How much can each person spend on the team lunch?",
        [
            "we each get $25 for the team lunch thursday, keep receipts",
            "good news, finance approved $40 a head for the team lunch",
        ],
        "$40",
    ),
    (
        "Who is feeding the cat while we're away?",
        [
            "Priya's feeding Miso while we're in Lisbon, I left her the spare key",
            "priya's sick :( her brother Dev said he can swing by and feed the cat, giving him the key tonight",
        ],
        "Dev",
    ),
    (
        "What time do the kids get out of school on Friday?",
        [
            "kids get out at 3:15 friday like usual",
            "email from school - half day friday for teacher training, dismissal 12:30",
        ],
        "12:30",
    ),
    (
        "How often does the choir rehearse?",
        [
            "choir rehearses every other week, next one is the 4th",
            "with the spring concert coming up we're going weekly til it's over",
            "concert's done, thanks all!! rehearsals every two weeks from here on",
        ],
        "every two weeks",
    ),
    (
        "What time does our train to Edinburgh leave?",
        [
            "train to Edinburgh leaves Kings Cross at 8:05, don't be late",
            "the 8:05 got cancelled, they put us on the 9:30 instead",
        ],
        "9:30",
    ),
    (
        "What is Jess bringing to the potluck?",
        [
            "Jess is bringing lasagna to the potluck sunday",
            "jess texted, her oven died lol so she's doing a big greek salad",
        ],
        "greek salad",
    ),
    (
        "When is the RSVP deadline for Sam's wedding?",
        [
            "RSVPs for Sam's wedding are due May 1",
            "they pushed the rsvp deadline back to May 15 since invites went out late",
            "sam says get it in by the 10th actually, caterer needs final numbers",
        ],
        "10th",
    ),
    (
        "How much are the running club dues?",
        [
            "running club dues are $30 a year, venmo Carla",
            "heads up, membership is $45 for the year now, insurance went up",
        ],
        "$45",
    ),
]

SEALED_18_MISSED = {  # 9 of 12 at both seeds when first measured: updates that neither restate the subject nor say
    # a word of change; the book club's ("tuesdays are a nightmare [...] from next week it's thursdays") is found by the
    # old day it names since rules made on it, and at seed 35 the plumber's ("ugh plumber bailed. Mark's sending a
    # different guy saturday around 2") since an interjection qualifies nothing (at seed 36 a LoCoMo turn comes first)
    # "field 3 is getting reseeded so we're at the Oakwood Elementary field", then "back to Riverside again"
    "Where is soccer practice held?",
    # "her brother Dev said he can swing by and feed the cat": "feed" for "feeding", no cue
    "Who is feeding the cat while we're away?",
    # "half day friday for teacher training, dismissal 12:30": "dismissal" for "get out", no "kids"
    "What time do the kids get out of school on Friday?",
    # "we're going weekly til it's over", then "rehearsals every two weeks from here on": no "choir"
    "How often does the choir rehearse?",
    # "jess texted, her oven died lol so she's doing a big greek salad": no "potluck", no "bringing"
    "What is Jess bringing to the potluck?",
    # "they pushed the rsvp deadline back" leaves out "Sam"; "RSVPs" is not "RSVP" word for word
    "When is the RSVP deadline for Sam's wedding?",
    # "membership is $45 for the year now": "membership" for "running club dues"
    "How much are the running club dues?",
}

SEALED_18_OTHER = [
    (
        "Which day does the chess club meet?",
        [
            "chess club meets mondays in the library after school",
            "tuesdays are a nightmare for half of us so from next week it's thursdays, same time",
        ],
        "mondays",
    ),
    (
        "When does the compost bin get collected?",
        [
            "compost bin gets collected fridays, put it by the curb thursday night",
            "city sent a flyer, recycling pickup is mondays starting this month",
        ],
        "fridays",
    ),
    (
        "How much can we expense per night for the offsite hotel?",
        [
            "for the offsite hotels we can expense up to $150 a night",
            "good news, finance approved $40 a head for the team lunch",
        ],
        "$150",
    ),
    (
        "Who is watering the plants while we're away?",
        [
            "Mrs. Okafor next door is watering the plants while we're gone",
            "priya's sick :( her brother Dev said he can swing by and feed the cat, giving him the key tonight",
        ],
        "Okafor",
    ),
    (
        "What time does the hotel shuttle leave Waverley station?",
        [
            "hotel shuttle leaves Waverley at 11:40, it's the blue van out front",
            "the 8:05 got cancelled, they put us on the 9:30 instead",
        ],
        "11:40",
    ),
    (
        "How much is the tennis league fee?",
        [
            "tennis league fee is $60 for the season, due before first match",
            "heads up, membership is $45 for the year now, insurance went up",
        ],
        "$60",
    ),
]

# The nineteenth set, written by another helper agent that read nothing of the project, asked for a team's work chat
# and email (the eighteenth's was a casual group chat).
SEALED_19 = [
    (
        "Who approves expense reports?",
        [
            "Expense reports go to Priya for sign-off, she's handling approvals this quarter.",
            "Heads up: Marcus is taking over expense approvals from Priya starting Monday, so route your reports to "
            "him.",
        ],
        "Marcus",
    ),
    (
        "Which courier do we use for customer sample shipments?",
        [
            "We ship all customer samples with FedEx Ground. Account number is on the shared drive.",
            "Samples go out via UPS from here on; FedEx kept losing the Denver boxes.",
        ],
        "UPS",
    ),
    (
        "How often does the cleaning crew come to the office?",
        [
            "The cleaners come in every Tuesday evening after 6.",
            "Quick update from facilities: cleaning crew is switching to Tuesdays and Fridays.",
            "Office services line got trimmed in the lease renegotiation, so the crew will only come every other "
            "Wednesday going forward.",
        ],
        "every other Wednesday",
    ),
    (
        "When are timesheets due for payroll?",
        [
            "Reminder: timesheets need to be submitted by Thursday at 5pm for payroll.",
            "Payroll provider shifted their processing window, please get your hours in by Wednesday noon.",
        ],
        "Wednesday noon",
    ),
    (
        "How much is the meal per diem for client visits?",
        [
            "Per diem for client travel is $55/day for meals.",
            "Finance bumped the meal allowance on customer trips to $70 a day.",
        ],
        "$70",
    ),
    (
        "Who is the account manager for Halvorsen Logistics?",
        [
            "Dana is the AM on Halvorsen Logistics, loop her in on anything renewal-related.",
            "Since Dana's going on leave, Tom will cover the Halvorsen account until further notice.",
            "Final word on Halvorsen: Rachel Okafor owns the relationship permanently, Tom's handing off his notes "
            "this week.",
        ],
        "Rachel Okafor",
    ),
    (
        "Which caterer is doing lunch for the customer workshop?",
        [
            "Lunch for the customer workshop is being catered by Green Fork.",
            "Green Fork can't do Thursday anymore, so we booked Sal's Deli for the workshop lunch.",
        ],
        "Sal's Deli",
    ),
    (
        "What's the log retention period on the prod cluster?",
        [
            "Prod logs are kept for 30 days in Loki before they roll off.",
            "After the storage review we set Loki retention to 14 days; anything older gets archived to S3.",
        ],
        "14 days",
    ),
    (
        "Which Node version should the CI pipeline use?",
        [
            "CI builds run on Node 18.",
            "Bumped the pipeline to Node 20 to match local dev.",
            "Reverted the build image to 18.19 for now, one of the native deps breaks on 20. We'll revisit next "
            "sprint.",
        ],
        "18.19",
    ),
    (
        "Remind me who our contact at Brightline Payroll is.",
        [
            "Our rep at Brightline Payroll is Kevin Marsh, kevin.marsh@brightlinepay.com.",
            "FYI Kevin left Brightline. New rep is Sonia Reyes, sonia.reyes@brightlinepay.com.",
        ],
        "Sonia Reyes",
    ),
    (
        "How many Figma editor seats do we have?",
        [
            "We're licensed for 12 Figma editor seats.",
            "Added 5 more design tool seats for the new hires, so 17 total.",
        ],
        "17 total",
    ),
    (
        "Remind me how much discount a sales rep can give without VP approval.",
        [
            "Reps can discount up to 15% on their own; anything above needs VP sign-off.",
            "New pricing policy from Lena: max rep-level discount is 10%, beyond that goes to her.",
        ],
        "10%",
    ),
]

SEALED_19_MISSED = {  # 10 of 12 at both seeds when first measured
    # right since a reply sharing a name beyond the question follows the best statement up (`changes.follows_up`):
    # "Samples go out via UPS from here on; FedEx kept losing the Denver boxes" (FedEx; and "all customer samples"
    # no longer names other samples), "we set Loki retention to 14 days" (Loki), "Tom will cover the Halvorsen
    # account" then "Final word on Halvorsen: [...]" (Dana, then Tom)
    # three versions: the latest first, but the first ("The cleaners come in every Tuesday") is not marked
    "How often does the cleaning crew come to the office?",
    # "Payroll provider shifted their processing window, please get your hours in by Wednesday noon": "hours" for
    # "timesheets"
    "When are timesheets due for payroll?",
    # "Finance bumped the meal allowance on customer trips to $70 a day": every noun paraphrased
    "How much is the meal per diem for client visits?",
    # three versions: the middle one ("Bumped the pipeline to Node 20") wins over "Reverted [...] to 18.19"
    "Which Node version should the CI pipeline use?",
    # "FYI Kevin left Brightline. New rep is Sonia Reyes" follows "Our rep at Brightline Payroll is Kevin Marsh" up
    # (Kevin), but the question's "at" joins "rep at Brightline Payroll", so "rep" is read as a qualifier of another
    # thing and the best statement as about something else (ending the thing at a preposition fixed it, and marked a
    # LoCoMo answer stale: "equipment at home" for "unwinding at home")
    "Remind me who our contact at Brightline Payroll is.",
    # "Added 5 more design tool seats for the new hires, so 17 total": no "Figma"
    "How many Figma editor seats do we have?",
    # "New pricing policy from Lena: max rep-level discount is 10%": "rep-level" for "sales rep", no word of change
    "Remind me how much discount a sales rep can give without VP approval.",
}

SEALED_19_OTHER = [
    (
        "Who approves vacation requests?",
        [
            "Vacation requests are approved by Helen in HR.",
            "Heads up: Marcus is taking over expense approvals from Priya starting Monday, so route your reports to "
            "him.",
        ],
        "Helen",
    ),
    (
        "Which courier do we use for returning defective units to the supplier?",
        [
            "Defective units going back to the supplier go out with DHL Express.",
            "Samples go out via UPS from here on; FedEx kept losing the Denver boxes.",
        ],
        "DHL",
    ),
    (
        "How much is the home office stipend?",
        [
            "The home office stipend is $300 a year per employee.",
            "Finance bumped the meal allowance on customer trips to $70 a day.",
        ],
        "$300",
    ),
    (
        "Who is the account manager for Pinecrest Dental?",
        [
            "Pinecrest Dental's account is handled by Jorge Alvarez.",
            "Final word on Halvorsen: Rachel Okafor owns the relationship permanently, Tom's handing off his notes "
            "this week.",
        ],
        "Jorge Alvarez",
    ),
    (
        "What's the backup retention period for the prod database?",
        [
            "Prod database backups are retained for 90 days.",
            "After the storage review we set Loki retention to 14 days; anything older gets archived to S3.",
        ],
        "90 days",
    ),
    (
        "How many Jira licenses do we have?",
        [
            "We have 40 Jira licenses right now.",
            "Added 5 more design tool seats for the new hires, so 17 total.",
        ],
        "40",
    ),
]

# The twentieth set, written by a third helper agent that read nothing of the project: family texts, a neighbourhood or
# club group, notes to self; written after this session's last rule and measured once.
SEALED_20 = [
    (
        "When does the Saturday long run start?",
        [
            "Sat long run meets at the boathouse, 7:30 sharp. bring water it's gonna be hot",
            "ok update for saturday \u2014 pushing it to 6:45 so we beat the heat. same spot",
        ],
        "6:45",
    ),
    (
        "Tell me where compost scraps go at the community garden.",
        [
            "Compost scraps go in the green bins behind the tool shed pls, not in the raised beds!",
            "shed bins are full and stinky lol. big black tumbler by the north gate for scraps till further notice",
        ],
        "north gate",
    ),
    (
        "What key are we playing Harbor Lights in?",
        [
            "for harbor lights let's do it in G, Mara's most comfortable there",
            "tried it at home and G is way too low for me honestly. can we bump it up to B flat?",
            "ok compromise w/ Dev: Harbor Lights in A. final answer, writing the charts tonight",
        ],
        "in A",
    ),
    (
        "How many people are coming to Thanksgiving at Grandma's?",
        [
            "Mom says we're 14 for thanksgiving at grandma's so plan the turkey accordingly",
            "Ray's fam has the flu so they're out. down to 10",
        ],
        "10",
    ),
    (
        "When does my car registration need to be renewed by?",
        [
            "note to self: car registration renewal due March 3",
            "note to self - DMV letter says reg actually expires the 28th of Feb. do it before then!!",
        ],
        "28th of Feb",
    ),
    (
        "Who is leading the Tuesday food bank shift?",
        [
            "Tuesday pantry shift lead this month is Priya, text her if you're running late",
            "Priya got called for jury duty, Tomasz is covering Tuesdays through the end of the month",
        ],
        "Tomasz",
    ),
    (
        "How much is the U12 basketball tournament fee per kid?",
        [
            "U12 hoops tourney is $40 per kid, cash or venmo to coach Lena",
            "Lena here - rec center covered part of the court rental so it's $25 a kid. paid 40? I'll refund the diff",
        ],
        "$25",
    ),
    (
        "Which night is house dinner?",
        [
            "house dinner is sundays from now on, everyone cooks once a month. sign up sheet on the fridge",
            "Sundays aren't working for half of us with work schedules. let's try thursday nights",
        ],
        "thursday",
    ),
    (
        "Where are we meeting for Sam's birthday drinks?",
        [
            "sam's bday drinks friday at the Copper Fox, 8ish",
            "copper fox is closed for a private event ugh. going to Lucky's on 5th instead",
            "lucky's has a 45 min wait, we're all at the rooftop bar at the Marlow hotel, come up",
        ],
        "Marlow",
    ),
    (
        "How much does Dani still owe me?",
        ["note to self: lent Dani $60 for the concert tix", "dani paid back half. owes me 30"],
        "30",
    ),
    (
        "What's the theme for October's photo challenge?",
        [
            "Photo challenge for October: 'reflections'. Submissions due the 25th.",
            "Committee voted to swap it to 'hands' since we did reflections last spring. Same deadline.",
        ],
        "hands",
    ),
    (
        "Remind me what time Leo's piano recital starts.",
        [
            "Leo's recital is Sunday at 2pm at the church hall, wear something nice",
            "recital got pushed to 4, the earlier group kept running over in rehearsals",
            "Honey it's 3:30 now, the teacher just emailed. Still sunday",
        ],
        "3:30",
    ),
]

SEALED_20_MISSED = {  # all 12 at both seeds when first measured (the current value first in 2, unmarked older ones)
    "When does the Saturday long run start?",
    "Tell me where compost scraps go at the community garden.",
    "What key are we playing Harbor Lights in?",
    "How many people are coming to Thanksgiving at Grandma's?",
    "When does my car registration need to be renewed by?",
    "Who is leading the Tuesday food bank shift?",
    "How much is the U12 basketball tournament fee per kid?",
    "Which night is house dinner?",
    "Where are we meeting for Sam's birthday drinks?",
    "How much does Dani still owe me?",
    "What's the theme for October's photo challenge?",
    "Remind me what time Leo's piano recital starts.",
}

SEALED_20_OTHER = [
    (
        "When is the Wednesday track workout?",
        [
            "Wednesday track workout is 6pm at the high school oval, 8x400s",
            "ok update for saturday \u2014 pushing it to 6:45 so we beat the heat. same spot",
        ],
        "6pm",
    ),
    (
        "Who is leading the Saturday food bank shift?",
        [
            "Saturday pantry lead is Gloria, she has the keys to the back door",
            "Priya got called for jury duty, Tomasz is covering Tuesdays through the end of the month",
        ],
        "Gloria",
    ),
    (
        "Where is Sam's birthday brunch on Sunday?",
        [
            "Sam's bday brunch sunday is at Pearl Diner, 11am, her mom's booking it",
            "lucky's has a 45 min wait, we're all at the rooftop bar at the Marlow hotel, come up",
        ],
        "Pearl Diner",
    ),
    (
        "What's the theme for November's photo challenge?",
        [
            "November's photo challenge theme is 'empty streets', due the 24th",
            "Committee voted to swap it to 'hands' since we did reflections last spring. Same deadline.",
        ],
        "empty streets",
    ),
    (
        "What time is Maya's dance recital?",
        [
            "Maya's dance recital is Saturday at 11am at the Civic Center",
            "Honey it's 3:30 now, the teacher just emailed. Still sunday",
        ],
        "11am",
    ),
    (
        "How much is the U12 basketball team photo package?",
        [
            "Team photo packages for U12 are $18 each, order forms are in the equipment bag",
            "Lena here - rec center covered part of the court rental so it's $25 a kid. paid 40? I'll refund the diff",
        ],
        "$18",
    ),
]

# The twenty-first set, written by a helper agent told only the format and a style (a small software team's Slack
# channel and on-call chatter), that read none of this project's code, tests or docs; committed before it was
# measured.
SEALED_21 = [
    (
        "Which port is notif-svc listening on in staging?",
        [
            "fyi notif-svc on staging is listening on 8085 now, update your local .env if you point at it",
            "moved notif-svc staging to 9091 bc 8085 was colliding w the metrics sidecar :upside_down_face:",
        ],
        "9091",
    ),
    (
        "When is sprint planning these days?",
        [
            "sprint planning is tues 10:30 going forward, invite incoming",
            "heads up planning moved to weds 2pm, Dana has a standing conflict tues mornings now",
            "ugh ok one more change, planning is thursdays 11am starting next wk. final answer lol",
        ],
        "thursdays 11am",
    ),
    (
        "Who's the owner for payments-gateway escalations?",
        [
            "@here payments-gateway owner / primary escalation is Priya until further notice",
            "Priya's handing payments-gw over to Marcus starting monday, ping him for escalations from now on",
        ],
        "Marcus",
    ),
    (
        "What's the hostname of the prod postgres primary?",
        [
            "prod pg primary is db-prod-01.internal.acme.io fwiw, in case anyone needs it for the migration",
            "failover done :white_check_mark: primary is now db-prod-03.internal.acme.io, 01 got demoted to replica",
        ],
        "db-prod-03.internal.acme.io",
    ),
    (
        "How much is the monthly AWS budget cap?",
        [
            "finance approved $18k/mo for AWS this quarter, pls don't blow it",
            "update from finance: aws cap bumped to $22k/mo bc of the new ML workloads :moneybag:",
            "lol nvm they clawed some back, we're at $20k/mo for aws. sorry for the whiplash",
        ],
        "$20k/mo",
    ),
    (
        "Remind me which mobile SDK version we're pinned to",
        [
            "pinned mobile sdk to 4.2.1 in the lockfile, don't bump without asking me",
            "bumped the pin to 4.3.0, 4.2.1 had the crash on android 14",
        ],
        "4.3.0",
    ),
    (
        "When's the next Stripe key rotation due?",
        [
            "stripe api keys next rotation due Mar 14, put it on the team cal",
            "rotated stripe keys early bc of the leak scare, next rotation is Jun 2 now",
            (
                "correction on my earlier msg: next stripe rotation is Jun 9 not Jun 2, miscounted the 90 days "
                ":facepalm:"
            ),
        ],
        "Jun 9",
    ),
    (
        "where's the Q3 offsite happening?",
        [
            "Q3 offsite venue locked: Greenfield Loft on Mission St :tada:",
            "Jess says Greenfield cancelled on us :( offsite is now at the Parkview Hotel conf center, same date",
        ],
        "Parkview Hotel",
    ),
    (
        "Which vendor handles our transactional email?",
        [
            "transactional email goes through SendGrid, creds are in 1password",
            "cutover done as of this morning, transactional email is off sendgrid and on Postmark now",
        ],
        "Postmark",
    ),
    (
        "how many replicas is the api running in prod rn?",
        [
            "scaled api to 6 replicas in prod for the launch",
            "launch traffic died down, scaled api back to 4 in prod",
            "had to bump prod api to 8 replicas, p99 was spiking during the EU morning peak",
        ],
        "8 replicas",
    ),
    (
        "What's the staging URL for the admin dashboard?",
        [
            "admin dash staging is up at admin-stg.acme.dev",
            (
                "@ken fyi we moved it under the new domain, admin staging is https://admin.staging.acmecorp.net "
                "now. old one 301s for a week"
            ),
        ],
        "admin.staging.acmecorp.net",
    ),
    (
        "What's the cutoff for prod deploys on Fridays?",
        [
            "new rule: no prod deploys after 2pm on fridays",
            "per Lena the friday prod deploy cutoff is now noon, after last week's mess",
        ],
        "noon",
    ),
]

SEALED_21_MISSED = {
    # 6 of 12 missed at seed 41 when first measured, under the rules before the replies (`changes.follows_up`); 5
    # since
    "What's the cutoff for prod deploys on Fridays?",
    "When is sprint planning these days?",
    "When's the next Stripe key rotation due?",
    "Who's the owner for payments-gateway escalations?",
    "where's the Q3 offsite happening?",
}

SEALED_21_OTHER_MISSED = {  # (seed, question): the same when first measured and since
    (42, "When's retro?"),
}

SEALED_21_OTHER = [
    (
        "What port does search-api use in staging?",
        [
            "reminder search-api in staging has always been on 7070, don't change it pls",
            "moved notif-svc staging to 9091 bc 8085 was colliding w the metrics sidecar :upside_down_face:",
        ],
        "7070",
    ),
    (
        "When's retro?",
        [
            "retro is every other friday at 4pm, that one's not moving",
            "ugh ok one more change, planning is thursdays 11am starting next wk. final answer lol",
        ],
        "every other friday at 4pm",
    ),
    (
        "Who owns ledger-svc?",
        [
            "ledger-svc is owned by Tomasz, always has been, he wrote the thing",
            "Priya's handing payments-gw over to Marcus starting monday, ping him for escalations from now on",
        ],
        "Tomasz",
    ),
    (
        "What's the prod redis host?",
        [
            "prod redis cache lives at cache-prod-a.internal.acme.io",
            "failover done :white_check_mark: primary is now db-prod-03.internal.acme.io, 01 got demoted to replica",
        ],
        "cache-prod-a.internal.acme.io",
    ),
    (
        "How much do we pay Datadog per month?",
        [
            "datadog spend is fixed at $3,400/mo under the annual contract",
            "lol nvm they clawed some back, we're at $20k/mo for aws. sorry for the whiplash",
        ],
        "$3,400/mo",
    ),
    (
        "What node version does the web client run on?",
        [
            "web client is on node 18.19.0, matches the Dockerfile",
            "bumped the pin to 4.3.0, 4.2.1 had the crash on android 14",
        ],
        "18.19.0",
    ),
    (
        "How often does the github deploy key rotate?",
        [
            "github deploy key rotates on the 1st of every month via the vault cron, nothing to do manually",
            (
                "correction on my earlier msg: next stripe rotation is Jun 9 not Jun 2, miscounted the 90 days "
                ":facepalm:"
            ),
        ],
        "1st of every month",
    ),
    (
        "Where's the holiday party?",
        [
            "holiday party is at Lucky Strike downtown as usual",
            "Jess says Greenfield cancelled on us :( offsite is now at the Parkview Hotel conf center, same date",
        ],
        "Lucky Strike",
    ),
    (
        "Who's our SMS provider?",
        [
            "for SMS we use MessageBird, contract runs thru 2026",
            "cutover done as of this morning, transactional email is off sendgrid and on Postmark now",
        ],
        "MessageBird",
    ),
    (
        "How many replicas does the worker run in prod?",
        [
            "worker deployment in prod is fixed at 3 replicas, it's queue bound not cpu bound",
            "had to bump prod api to 8 replicas, p99 was spiking during the EU morning peak",
        ],
        "3 replicas",
    ),
    (
        "Where's staging grafana?",
        [
            "grafana for staging is at grafana.stg.acme.dev, sso login",
            (
                "@ken fyi we moved it under the new domain, admin staging is https://admin.staging.acmecorp.net "
                "now. old one 301s for a week"
            ),
        ],
        "grafana.stg.acme.dev",
    ),
    (
        "How many approvals does a prod hotfix need?",
        [
            "hotfixes to prod always need 2 approvals, no exceptions",
            "per Lena the friday prod deploy cutoff is now noon, after last week's mess",
        ],
        "2 approvals",
    ),
]

# The twenty-second set, written by a helper agent told only the format and a style (a person's messages to their
# personal AI assistant over weeks), that read none of this project's code, tests or docs; committed before it was
# measured.
SEALED_22 = [
    (
        "What time is my dentist appointment?",
        [
            "Can you remind me I have the dentist on Thursday the 14th at 2:30? Dr. Patel's office on Main St.",
            (
                "ugh the dentist called and moved me to 9:15 in the morning, same day. can you help me figure out "
                "if I can still make the 10am standup?"
            ),
        ],
        "9:15",
    ),
    (
        "What's my current mailing address?",
        [
            (
                "I live at 412 Birchwood Ave, Apt 3B, Columbus, so use that for the shipping address on the form "
                "template."
            ),
            "Signed the lease!! Moving to 88 Larkin Street in two weeks, super excited.",
            (
                "btw we're fully moved in now, can you update my address in your notes to 88 Larkin St Unit 5, "
                "Columbus OH 43215? The old Birchwood one is dead."
            ),
        ],
        "Unit 5",
    ),
    (
        "Who is my manager right now?",
        [
            (
                "My manager is Dana Whitfield, she's pretty hands-off so I need to be proactive about updates. "
                "Can you help me draft a weekly status email to her?"
            ),
            (
                "Reorg happened. I now report to Marcus Oyelaran instead of Dana. Kind of nervous, he's known for "
                "being very detail-oriented."
            ),
        ],
        "Marcus Oyelaran",
    ),
    (
        "Which days do I go to the gym?",
        [
            (
                "I'm going to the gym Mon/Wed/Fri at 6am before work, can you build me a push/pull/legs split "
                "around that?"
            ),
            "switching my gym days to Tuesday and Thursday evenings since the 6am thing is killing me lol",
            (
                "Actually adding Saturday morning back in, so it's Tue, Thu and Sat now. Can you redo the split "
                "for 3 days?"
            ),
        ],
        "Tue, Thu and Sat",
    ),
    (
        "When does my Denver flight leave?",
        [
            "Booked my flight to Denver for the conference: United 1423, departs Oct 8 at 7:05am from ORD.",
            "United cancelled my flight and rebooked me on the 11:40am, same day. At least I get to sleep in.",
            (
                "Got a notification that it's delayed again, now leaving at 1:15pm. Will I still make the 5pm "
                "opening reception if it lands around 2:45 local?"
            ),
        ],
        "1:15pm",
    ),
    (
        "What food am I allergic to?",
        [
            "fyi I'm allergic to shellfish, so please never suggest recipes with shrimp or crab.",
            (
                "Update from the allergist: turns out it's not shellfish at all, it's actually a tree nut "
                "allergy, specifically cashews and pistachios. Shrimp is fine again apparently!"
            ),
        ],
        "tree nut allergy",
    ),
    (
        "Remind me what day Jake has soccer practice.",
        [
            "Jake's soccer practice is Tuesdays at 5:30 at Riverside Park, can you add a reminder each week?",
            (
                "Coach emailed, practice is moving to Wednesdays starting next week because of field "
                "availability. Same time though."
            ),
        ],
        "Wednesdays",
    ),
    (
        "How much is my monthly grocery budget?",
        [
            "I'm trying to keep groceries to $600 a month for the family, can you help me plan meals within that?",
            "ok $600 is not realistic with two teenagers, let's bump it to $750",
            (
                "Money's tight this quarter after the car repair, so I'm cutting groceries down to $680/month. "
                "Can you redo the meal plan?"
            ),
        ],
        "$680/month",
    ),
    (
        "what music streaming service am I using these days?",
        [
            "I pay for Spotify Premium, $11.99/month, can you add it to my subscriptions list?",
            (
                "Canceled Spotify and switched to Apple Music since it's bundled with my Apple One plan now. Can "
                "you update the subscriptions list?"
            ),
        ],
        "Apple Music",
    ),
    (
        "What seat do I prefer on flights?",
        [
            "When you help me book flights, I always want an aisle seat, preferably near the front.",
            (
                "Change of heart on seats, I've started preferring the window so I can lean against it and sleep "
                "on long flights. Keep that in mind for the Lisbon trip."
            ),
        ],
        "the window",
    ),
    (
        "What car do I drive now?",
        [
            "My car is a 2014 Honda Civic, it's due for an oil change soon, what's the usual interval?",
            (
                "Finally traded in the Civic! Got a 2021 Toyota RAV4 hybrid. What maintenance should I expect for "
                "a hybrid?"
            ),
        ],
        "2021 Toyota RAV4",
    ),
    (
        "How many cats do I have?",
        [
            "We have two cats, Miso and Tofu, and I need ideas for keeping them off the kitchen counters.",
            (
                "So we adopted a kitten this weekend, named her Pickle, that makes three cats now lol. Any tips "
                "on introducing her to the others?"
            ),
        ],
        "three cats",
    ),
]

SEALED_22_MISSED = {
    # 12 of 12 missed at seed 43 when first measured, before and after the replies; 10 since a message that asks can
    # state (`subjects.tells`, designed on these misses)
    "How many cats do I have?",
    "How much is my monthly grocery budget?",
    "Remind me what day Jake has soccer practice.",
    "What car do I drive now?",
    "What food am I allergic to?",
    "What seat do I prefer on flights?",
    "What's my current mailing address?",
    "When does my Denver flight leave?",
    "Which days do I go to the gym?",
    "what music streaming service am I using these days?",
}

SEALED_22_OTHER_MISSED = {  # (seed, question): the same when first measured and since
    (43, "Where does my mom live?"),
    (44, "Where does my mom live?"),
    (44, "When is my yoga class?"),
}

SEALED_22_OTHER = [
    (
        "When is my eye exam?",
        [
            ("Eye exam is booked for March 22 at 4:45pm with Dr. Lindqvist, need to remember to bring my old glasses."),
            (
                "ugh the dentist called and moved me to 9:15 in the morning, same day. can you help me figure out "
                "if I can still make the 10am standup?"
            ),
        ],
        "4:45pm",
    ),
    (
        "Where does my mom live?",
        [
            "My mom's address for sending cards is 19 Quail Run Road, Dayton OH 45419.",
            (
                "btw we're fully moved in now, can you update my address in your notes to 88 Larkin St Unit 5, "
                "Columbus OH 43215? The old Birchwood one is dead."
            ),
        ],
        "19 Quail Run Road",
    ),
    (
        "Who is my skip-level manager?",
        [
            "My skip-level is Priya Venkataraman, the VP of engineering, I have a 1:1 with her once a quarter.",
            (
                "Reorg happened. I now report to Marcus Oyelaran instead of Dana. Kind of nervous, he's known for "
                "being very detail-oriented."
            ),
        ],
        "Priya Venkataraman",
    ),
    (
        "When is my yoga class?",
        [
            "My yoga class is every Sunday at 10am at the studio on Elm.",
            (
                "Actually adding Saturday morning back in, so it's Tue, Thu and Sat now. Can you redo the split "
                "for 3 days?"
            ),
        ],
        "Sunday at 10am",
    ),
    (
        "When does my return flight from Denver depart?",
        [
            "Return flight from Denver is Oct 11, departing 6:50pm, Southwest.",
            (
                "Got a notification that it's delayed again, now leaving at 1:15pm. Will I still make the 5pm "
                "opening reception if it lands around 2:45 local?"
            ),
        ],
        "6:50pm",
    ),
    (
        "What is Lily allergic to?",
        [
            "My daughter Lily is allergic to penicillin, it's on her school medical form.",
            (
                "Update from the allergist: turns out it's not shellfish at all, it's actually a tree nut "
                "allergy, specifically cashews and pistachios. Shrimp is fine again apparently!"
            ),
        ],
        "penicillin",
    ),
    (
        "When are Emma's piano lessons?",
        [
            "Emma's piano lessons are Mondays at 4pm with Mrs. Kowalski.",
            (
                "Coach emailed, practice is moving to Wednesdays starting next week because of field "
                "availability. Same time though."
            ),
        ],
        "Mondays at 4pm",
    ),
    (
        "How much do I budget for eating out each month?",
        [
            "My dining out budget is $200 a month and I'm sticking to it.",
            (
                "Money's tight this quarter after the car repair, so I'm cutting groceries down to $680/month. "
                "Can you redo the meal plan?"
            ),
        ],
        "$200 a month",
    ),
    (
        "Which video streaming service am I subscribed to?",
        [
            "My video streaming is just Netflix Standard, $15.49 a month.",
            (
                "Canceled Spotify and switched to Apple Music since it's bundled with my Apple One plan now. Can "
                "you update the subscriptions list?"
            ),
        ],
        "Netflix",
    ),
    (
        "What kind of seat do I want on trains?",
        [
            "On trains I always pick a seat facing forward, I get motion sick otherwise.",
            (
                "Change of heart on seats, I've started preferring the window so I can lean against it and sleep "
                "on long flights. Keep that in mind for the Lisbon trip."
            ),
        ],
        "facing forward",
    ),
    (
        "What does my wife drive?",
        [
            "My wife drives a 2018 Subaru Outback, it needs new tires this winter.",
            (
                "Finally traded in the Civic! Got a 2021 Toyota RAV4 hybrid. What maintenance should I expect for "
                "a hybrid?"
            ),
        ],
        "2018 Subaru Outback",
    ),
    (
        "What breed is our dog?",
        [
            "Our dog Biscuit is a 6-year-old beagle mix.",
            (
                "So we adopted a kitten this weekend, named her Pickle, that makes three cats now lol. Any tips "
                "on introducing her to the others?"
            ),
        ],
        "beagle mix",
    ),
]

# The twenty-third set, written by a helper agent told only the format and a style (a mix of group chats (a band, a
# building's tenants, a kids' team's parents, a shop's staff, a wedding, a lab)), that read none of this project's
# code, tests or docs; committed before it was measured.
SEALED_23 = [
    (
        "Where's rehearsal this week?",
        [
            "rehearsal thursday 7pm at Marco's garage as usual, bring ur own cables pls",
            (
                "heads up marco's neighbour complained again so thursday we're at Soundlab room 3 instead, i "
                "booked it til 10"
            ),
        ],
        "Soundlab room 3",
    ),
    (
        "what song are we opening with",
        [
            "ok setlist draft: opening with Paper Lanterns, then Slow Burn, then the cover",
            "jess wants a faster opener so lets swap, open with Highway Nine and push paper lanterns to 3rd",
            "scrap that, highway nine's bridge is still a mess. we open with Static Bloom, final answer",
        ],
        "Static Bloom",
    ),
    (
        "When do the bins go out now?",
        [
            (
                "Hi all, reminder bin collection for the building is Tuesday morning, please have them out by "
                "7am. Thanks, Gerald"
            ),
            "council changed the route apparently, bins are now collected wednesday mornings from next week. Gerald",
        ],
        "wednesday mornings",
    ),
    (
        "What's the front door code?",
        [
            "New keypad is installed on the main entrance, code is 4471# for now",
            (
                "someone shared the door code on the neighbourhood fb group (!!) so I've changed it to 9023#. "
                "please don't post it anywhere"
            ),
            (
                "Gerald says 9023 was clashing with the system so the entrance code is 5816# from tonight. from "
                "flat 2b, just passing it on"
            ),
        ],
        "5816#",
    ),
    (
        "What time is kick off saturday?",
        [
            "U10s match vs Hillcrest this sat, kick off 10am at Brookfield Park, pls arrive 9:30 for warm up",
            "Coach Dan just msgd, ref can't do 10 so kick off moved to 11:15. still brookfield",
        ],
        "11:15",
    ),
    (
        "Who's doing half time snacks this weekend?",
        [
            "snack rota: this week is Priya (Arjun's mum) doing oranges + water",
            "priya's away so I've swapped with her, Tom (Leo's dad) on snacks this sat",
            "sorry all, something came up, Karen said she'd cover snacks saturday instead of me - thanks Karen!! x",
        ],
        "Karen",
    ),
    (
        "Which day does the Harlow's delivery come?",
        [
            "Harlow's delivery every Tuesday from now, driver's called Steve, he'll ring the back bell",
            "Harlow's rang - they're switching us to thursday drops bc of their new route. Same time roughly",
        ],
        "thursday drops",
    ),
    (
        "remind me how much the till float should be",
        [
            "reminder float for the till at open is £150, count it before you start",
            "Sue wants the float dropped to £100 since we're mostly card now",
            (
                "ok correction from Sue, she meant £120 for the float not 100, too many people asking for change "
                "on saturdays"
            ),
        ],
        "£120",
    ),
    (
        "How many guests are we at now?",
        [
            "ok guest list as of today is 142 including kids, still waiting on the Fitzgeralds",
            "Fitzgeralds are all coming so we're up to 148 now, eek",
            (
                "final number sent to the caterer today: 153. Aunty Bev's plus one confirmed and two late RSVPs "
                "from Rob's work"
            ),
        ],
        "153",
    ),
    (
        "What flavour did they go with for the cake?",
        [
            "cake tasting done!! we're going lemon and elderflower for the top tier",
            "update: Mia changed her mind lol, top tier is now salted caramel. the baker's fine with it",
        ],
        "salted caramel",
    ),
    (
        "Where's lab meeting this week?",
        [
            "Lab meeting Wednesday 2pm in B204, Anika presenting",
            "B204 is double booked, moving lab meeting to the seminar room on 3rd floor, same time",
            "seminar room projector is dead so lab mtg is on zoom this week, link's in the calendar invite",
        ],
        "on zoom",
    ),
    (
        "who do i send reagent orders to",
        [
            "reagent orders go through Tomasz for now, send him catalog numbers + quantities by friday",
            (
                "Tomasz is handing over ordering to Lucia from this month since he's writing up, so send your "
                "lists to her"
            ),
        ],
        "Lucia",
    ),
]

SEALED_23_MISSED = {
    # 9 of 12 missed at seed 45 when first measured, before and after the replies; 8 since the place a question
    # asking where names is an old value (`changes.old_values`)
    "How many guests are we at now?",
    "What flavour did they go with for the cake?",
    "What's the front door code?",
    "When do the bins go out now?",
    "Where's lab meeting this week?",
    "Which day does the Harlow's delivery come?",
    "remind me how much the till float should be",
    "what song are we opening with",
}

SEALED_23_OTHER_MISSED = {  # (seed, question): the same when first measured and since
    (45, "Which pub is the gig at?"),
    (46, "Which pub is the gig at?"),
}

SEALED_23_OTHER = [
    (
        "Which pub is the gig at?",
        [
            (
                "gig at the Crown & Anchor is confirmed for sat the 14th, load in at 6, we're on second after the "
                "Dirt Daisies"
            ),
            (
                "heads up marco's neighbour complained again so thursday we're at Soundlab room 3 instead, i "
                "booked it til 10"
            ),
        ],
        "Crown & Anchor",
    ),
    (
        "What song do we close with?",
        [
            "for the record we're closing every show with Kerosene Moon, that's non negotiable lol",
            "scrap that, highway nine's bridge is still a mess. we open with Static Bloom, final answer",
        ],
        "Kerosene Moon",
    ),
    (
        "What day is recycling?",
        [
            "recycling is every other friday, the blue bins only, no black bags in them please",
            "council changed the route apparently, bins are now collected wednesday mornings from next week. Gerald",
        ],
        "every other friday",
    ),
    (
        "What's the combo for the bike storage lock?",
        [
            "the bike storage padlock combo is 3307, pls lock it after",
            (
                "Gerald says 9023 was clashing with the system so the entrance code is 5816# from tonight. from "
                "flat 2b, just passing it on"
            ),
        ],
        "3307",
    ),
    (
        "Where's the end of season presentation night?",
        [
            "end of season presentation night is in the Oak Tree function room, friday 6pm, kids in kit pls",
            "Coach Dan just msgd, ref can't do 10 so kick off moved to 11:15. still brookfield",
        ],
        "Oak Tree function room",
    ),
    (
        "Who's washing the kit this month?",
        [
            "kit washing this month is the Okafors, they'll take the bag home after each game",
            "sorry all, something came up, Karen said she'd cover snacks saturday instead of me - thanks Karen!! x",
        ],
        "the Okafors",
    ),
    (
        "What days does the Dale Farm milk come?",
        [
            "milk order from Dale Farm arrives mon wed fri, check the dates before you put it in the fridge",
            "Harlow's rang - they're switching us to thursday drops bc of their new route. Same time roughly",
        ],
        "mon wed fri",
    ),
    (
        "How much goes in the petty cash tin?",
        [
            "petty cash tin should always have £40 in it, top up from the safe and log it",
            (
                "ok correction from Sue, she meant £120 for the float not 100, too many people asking for change "
                "on saturdays"
            ),
        ],
        "£40",
    ),
    (
        "What's the capacity for the evening reception?",
        [
            "the venue max capacity for the evening do is 200, Holly at Larkspur Barn confirmed",
            (
                "final number sent to the caterer today: 153. Aunty Bev's plus one confirmed and two late RSVPs "
                "from Rob's work"
            ),
        ],
        "200",
    ),
    (
        "What's the bottom tier of the cake?",
        [
            "the bottom tier is fruit cake for grandad, that was never up for debate",
            "update: Mia changed her mind lol, top tier is now salted caramel. the baker's fine with it",
        ],
        "fruit cake",
    ),
    (
        "Where's journal club held?",
        [
            "journal club is fridays at 11 in the kitchen area on level 2, bring a paper if it's your week",
            "seminar room projector is dead so lab mtg is on zoom this week, link's in the calendar invite",
        ],
        "kitchen area on level 2",
    ),
    (
        "How do I book the confocal?",
        [
            "any equipment bookings (confocal, FACS) go through Dr. Hale's calendar, not the shared sheet",
            (
                "Tomasz is handing over ordering to Lucia from this month since he's writing up, so send your "
                "lists to her"
            ),
        ],
        "Dr. Hale's calendar",
    ),
]

# The twenty-fourth set, written by a helper agent told only the format and a style (housemates, a couple and a
# family group running a household), that read none of this project's code, tests or docs; committed before it was
# measured.
SEALED_24 = [
    (
        "who's taking the bins out on tuesdays now?",
        [
            "ok new rota, tuesday bins are mine till further notice, meg's got the recycling on thursdays",
            "swapping with dan for tuesday bins from next week bc i've got late shifts now, he's fine with it",
            "dan's away till the 20th so tuesday bins are on ella now, she said yes",
        ],
        "ella",
    ),
    (
        "What's the wifi password at the moment?",
        [
            "wifi pw is Pickles2019! (capital P) if anyone's asking",
            "changed the wifi password bc half the street seemed to be on it lol. it's now BlueKettle44 no spaces",
        ],
        "BlueKettle44",
    ),
    (
        "remind me the key safe code for the cottage in padstow",
        [
            "host just sent the padstow details: key safe by the back door, code 4471",
            (
                "ugh host messaged, they've reset the keysafe after the last guests, new one is 9058. 4471 wont "
                "work anymore"
            ),
            "just rang the host bc 9058 wasnt opening it, she typed it wrong when she sent it, its actually 9085",
        ],
        "9085",
    ),
    (
        "When is the plumber coming to look at the boiler?",
        [
            "plumber (gary) booked for thurs 14th, morning slot 8-12, someone needs to be in",
            "gary cancelled, something about a burst pipe emergency. rebooked for mon 18th same slot",
        ],
        "mon 18th",
    ),
    (
        "who's doing the wednesday school run",
        [
            "right for this term: wednesdays karen's driving, i do mon/fri, steve tues/thurs",
            "karen's car is in the garage for a few weeks so i've said i'll cover wednesdays til its back",
            (
                "update on weds - karen's car is back but she's started a new job with early starts so lisa's mum "
                "has offered to take wednesdays permanently"
            ),
        ],
        "lisa's mum",
    ),
    (
        "How much are we each paying for the electric now?",
        [
            "octopus bill came thru, 312 for the quarter so 78 each",
            "ok so they've put the direct debit up, its 96 quid each per quarter now ffs",
        ],
        "96 quid each",
    ),
    (
        "Who's feeding biscuit while we're in spain?",
        [
            "asked mrs okafor next door to pop in for biscuit while we're away, she's happy to",
            "mrs okafor's had a fall so shes out, ive booked a sitter off rover instead, her name's jade",
        ],
        "jade",
    ),
    (
        "when's the sofa being delivered again",
        [
            "sofa delivery confirmed for sat 3rd, 7am-1pm window ugh",
            "DFS rang, sofa's delayed, now coming wed 7th",
            "got a text last night, they've brought it forward to tues 6th between 10 and 2",
        ],
        "tues 6th",
    ),
    (
        "What colour tiles did we end up going for in the bathroom?",
        [
            "ok decided, bathroom tiles are the sage green ones from topps, ordering tmrw",
            "changed my mind sorry, going with the white metro ones, the green looked too dark in the sample",
        ],
        "white metro",
    ),
    (
        "Tell me what time Maisie's dentist appointment is",
        [
            "maisie dentist tues 3.40 at the castle st practice",
            "dentist rang, they need to move maisie to 4.15 same day",
        ],
        "4.15",
    ),
    (
        "where's the spare key hidden now?",
        [
            "spare key's under the blue plant pot by the shed",
            (
                "moved the spare key, the pot thing felt too obvious. its in the little lockbox on the side gate "
                "now, code same as the bike lock"
            ),
            "sorry lockbox got frozen shut lol so spare key is with dev at no. 12 for now",
        ],
        "dev at no. 12",
    ),
    (
        "how much is the rent now",
        [
            "rent's 1850 a month, due on the 1st, into the landlord's account. so 462.50 each",
            "letting agent email - rent going up to 1950 from april. so 487.50 each, sorry guys",
        ],
        "1950",
    ),
]

SEALED_24_MISSED = {
    # 7 of 12 missed at seed 47 when first measured, before and after the replies (written after them)
    "What colour tiles did we end up going for in the bathroom?",
    "What's the wifi password at the moment?",
    "When is the plumber coming to look at the boiler?",
    "Who's feeding biscuit while we're in spain?",
    "remind me the key safe code for the cottage in padstow",
    "when's the sofa being delivered again",
    "who's doing the wednesday school run",
}

SEALED_24_OTHER = [
    (
        "Who's on bathroom cleaning duty?",
        [
            "bathroom cleaning is fortnightly and it's tom's job, no excuses tom",
            "dan's away till the 20th so tuesday bins are on ella now, she said yes",
        ],
        "tom",
    ),
    (
        "What's the netflix password?",
        [
            "netflix login is on the family account, password is Sunflower88 dont change it",
            "changed the wifi password bc half the street seemed to be on it lol. it's now BlueKettle44 no spaces",
        ],
        "Sunflower88",
    ),
    (
        "What's the garage code at the padstow place?",
        [
            "garage code at the padstow place is 2210 for the bikes and surfboards",
            "just rang the host bc 9058 wasnt opening it, she typed it wrong when she sent it, its actually 9085",
        ],
        "2210",
    ),
    (
        "When does the window cleaner come?",
        [
            "window cleaner comes every 3rd friday, leave 25 cash under the mat",
            "gary cancelled, something about a burst pipe emergency. rebooked for mon 18th same slot",
        ],
        "every 3rd friday",
    ),
    (
        "who picks the kids up from swimming on saturdays?",
        [
            "saturday swimming pickup is always dave, he's there anyway for his own two",
            (
                "update on weds - karen's car is back but she's started a new job with early starts so lisa's mum "
                "has offered to take wednesdays permanently"
            ),
        ],
        "dave",
    ),
    (
        "How much is the water bill each?",
        [
            "water bill is 41 a month each, comes out on the 15th",
            "ok so they've put the direct debit up, its 96 quid each per quarter now ffs",
        ],
        "41 a month",
    ),
    (
        "Who's watering the tomatoes while we're away?",
        [
            "jo from work is coming in to water the tomatoes while we're in spain",
            "mrs okafor's had a fall so shes out, ive booked a sitter off rover instead, her name's jade",
        ],
        "jo from work",
    ),
    (
        "When's the new washing machine coming?",
        [
            "new washing machine is coming from ao on friday 9th, they're taking the old one away",
            "got a text last night, they've brought it forward to tues 6th between 10 and 2",
        ],
        "friday 9th",
    ),
    (
        "What paint are we using in the hallway?",
        [
            "hallway paint is farrow and ball skimming stone, we've got 2 tins in the garage",
            "changed my mind sorry, going with the white metro ones, the green looked too dark in the sample",
        ],
        "skimming stone",
    ),
    (
        "When's oscar's eye test?",
        [
            "oscar's eye test is thurs 9.30 at specsavers in town",
            "dentist rang, they need to move maisie to 4.15 same day",
        ],
        "thurs 9.30",
    ),
    (
        "where's the stopcock?",
        [
            "stopcock is under the sink behind the bleach, fyi for anyone",
            "sorry lockbox got frozen shut lol so spare key is with dev at no. 12 for now",
        ],
        "under the sink",
    ),
    (
        "How much was the deposit?",
        [
            "deposit was 2100 total, its with the dps scheme, ref is on the tenancy agreement",
            "letting agent email - rent going up to 1950 from april. so 487.50 each, sorry guys",
        ],
        "2100",
    ),
]

# The twenty-fifth set, written by a helper agent told only the format and a style (a company's internal messages
# and short emails across teams), that read none of this project's code, tests or docs; committed before it was
# measured.
SEALED_25 = [
    (
        "What's the same-day dispatch cut-off at the Leeds warehouse?",
        [
            (
                "Reminder from the warehouse: same-day dispatch cut-off at Leeds is 2:30pm. Anything picked after "
                "that goes out next morning. Thanks, Dave"
            ),
            (
                "Heads up all - from Monday the Leeds cut-off moves to 1pm because DPD are collecting earlier "
                "now. Please let your customers know."
            ),
            (
                "Fwd: per Dave in Leeds, DPD have agreed a later collection slot so same-day orders now need to "
                "be in by 3:15pm. Effective tomorrow."
            ),
        ],
        "3:15pm",
    ),
    (
        "Who owns the Norden Foods account?",
        [
            (
                "Hi team, just confirming Priya Shah is the account owner for Norden Foods going forward. Please "
                "route all Norden queries to her."
            ),
            (
                "Norden Foods is moving to Marcus Oyelaran as of 1 March since Priya is taking over the retail "
                "segment. Can someone update the CRM?"
            ),
        ],
        "Marcus Oyelaran",
    ),
    (
        "How much can I claim per night for a hotel in London?",
        [
            (
                "Finance policy note: the hotel cap for London stays is GBP 180 per night incl. breakfast. "
                "Anything over needs director sign-off."
            ),
            (
                "Quick one - the London hotel limit went up to GBP 210 a night in the new expenses policy, "
                "breakfast still included."
            ),
            (
                "Correction to my email this morning: the new London hotel figure is GBP 195 per night, not 210. "
                "Apologies, I was reading from the draft. Helen, Finance"
            ),
        ],
        "GBP 195",
    ),
    (
        "Which room is the Aurora launch sync in?",
        [
            "Product launch weekly sync for Aurora is booked in the Birch Room, 3rd floor, Thursdays at 10:00.",
            (
                "Facilities have taken Birch for interviews, so the Aurora sync is in Willow on the 2nd floor "
                "from this week. Same time."
            ),
        ],
        "Willow",
    ),
    (
        "Remind me what the IT helpdesk extension is.",
        [
            "IT helpdesk is on ext 4410 for anything urgent, otherwise please raise a ticket in the portal.",
            "New phone system went live over the weekend. Helpdesk is now ext 2200.",
            (
                "Sorry all, 2200 clashed with reception's hunt group so we've had to move again - IT helpdesk is "
                "ext 2290 from today. Please update your speed dials. Raj, IT"
            ),
        ],
        "ext 2290",
    ),
    (
        "How many agency temps is Northampton getting for peak?",
        [
            "Ops plan for peak: we've signed off 24 agency temps for the Northampton warehouse starting 1 November.",
            (
                "Update on peak headcount - volume forecast came in higher than expected, so Northampton is "
                "getting 30 temps instead."
            ),
            (
                "Following the Q3 review finance trimmed the peak budget, so Northampton temps are capped at 27. "
                "Gemma has already let the agency know."
            ),
        ],
        "capped at 27",
    ),
    (
        "When is the Adobe Creative Cloud renewal due?",
        [
            (
                "FYI the Adobe Creative Cloud team licence renewal is due 14 April. Marketing and Design are the "
                "main users."
            ),
            (
                "Procurement have pushed the Adobe renewal to 1 May so it lines up with the new financial year "
                "budget. No action needed from teams."
            ),
        ],
        "1 May",
    ),
    (
        "who's catering the sales kickoff?",
        [
            "Events update: we've gone with Green Fork Catering for the SKO lunch at the Hilton, 220 covers.",
            (
                "Fwd from Lauren: Green Fork can't do the 23rd anymore, so we've booked Saffron & Sage for SKO "
                "catering instead. Menu to follow."
            ),
        ],
        "Saffron & Sage",
    ),
    (
        "What time does Dublin reception close on Fridays?",
        [
            "Dublin office hours: reception is staffed 8:30 to 17:30 Monday to Friday.",
            "From next month Dublin reception will close at 16:00 on Fridays, other days unchanged.",
            (
                "Small change on Dublin Fridays after feedback from the sales team who have late calls with the "
                "US - reception will now stay open until 16:30. Aoife"
            ),
        ],
        "16:30",
    ),
    (
        "Tell me the list price for Aurora Pro.",
        [
            "Launch pricing for Aurora Pro confirmed at $1,499 list, partners get 20% off.",
            (
                "Pricing committee signed off today: Aurora Pro will list at $1,299 to stay under the competitor "
                "bundle. Partner discount unchanged."
            ),
        ],
        "$1,299",
    ),
    (
        "What are our payment terms with Kestrel Packaging?",
        [
            "Contract with Kestrel Packaging is signed, payment terms are net 30.",
            "Kestrel agreed to net 45 in exchange for the two-year commitment. AP, please update the vendor record.",
            ("Per Sarah in procurement: the Kestrel renewal is done and terms go to net 60 from the next invoice run."),
        ],
        "net 60",
    ),
    (
        "When's the deadline for mid-year reviews?",
        [
            "HR reminder: all mid-year reviews must be submitted in Workday by Friday 12 July.",
            "Because of the Workday outage, the mid-year review deadline is extended to 19 July.",
            (
                "Managers - one more extension, final date for mid-year reviews is now Wed 24 July. There will be "
                "no further extensions. HR Team"
            ),
        ],
        "Wed 24 July",
    ),
]

SEALED_25_MISSED = {
    # 9 of 12 missed at seed 49 under the rules before the replies (`changes.follows_up`), 8 when first measured
    # with them (it was written after them), 7 since a message that asks can state (`subjects.tells`)
    "Tell me the list price for Aurora Pro.",
    "What are our payment terms with Kestrel Packaging?",
    "What time does Dublin reception close on Fridays?",
    "What's the same-day dispatch cut-off at the Leeds warehouse?",
    "When is the Adobe Creative Cloud renewal due?",
    "Which room is the Aurora launch sync in?",
    "who's catering the sales kickoff?",
}

SEALED_25_OTHER_MISSED = {  # (seed, question): the same when first measured and since
    (49, "What extension do I dial for HR?"),
    (49, "When's the deadline for holiday carry-over requests?"),
    (50, "What extension do I dial for HR?"),
    (50, "When's the deadline for holiday carry-over requests?"),
}

SEALED_25_OTHER = [
    (
        "What's the same-day cut-off at the Bristol site?",
        [
            (
                "For reference, the Bristol warehouse same-day cut-off is 11:45am, that one is fixed by the "
                "carrier contract."
            ),
            (
                "Fwd: per Dave in Leeds, DPD have agreed a later collection slot so same-day orders now need to "
                "be in by 3:15pm. Effective tomorrow."
            ),
        ],
        "11:45am",
    ),
    (
        "Who looks after the Halvorsen Logistics account?",
        [
            "FYI the Halvorsen Logistics account sits with Tom Reilly in the Manchester office.",
            (
                "Norden Foods is moving to Marcus Oyelaran as of 1 March since Priya is taking over the retail "
                "segment. Can someone update the CRM?"
            ),
        ],
        "Tom Reilly",
    ),
    (
        "What's the hotel cap for UK cities outside London?",
        [
            "Per the expenses policy, the per-night hotel cap for all other UK cities is GBP 120.",
            (
                "Correction to my email this morning: the new London hotel figure is GBP 195 per night, not 210. "
                "Apologies, I was reading from the draft. Helen, Finance"
            ),
        ],
        "GBP 120",
    ),
    (
        "Where does the month-end close meeting happen?",
        [
            (
                "The finance month-end close meeting is always in the Oak Room, ground floor, first working day "
                "of the month."
            ),
            (
                "Facilities have taken Birch for interviews, so the Aurora sync is in Willow on the 2nd floor "
                "from this week. Same time."
            ),
        ],
        "Oak Room",
    ),
    (
        "What extension do I dial for HR?",
        [
            "HR general enquiries line is ext 3105, staffed 9 to 5.",
            (
                "Sorry all, 2200 clashed with reception's hunt group so we've had to move again - IT helpdesk is "
                "ext 2290 from today. Please update your speed dials. Raj, IT"
            ),
        ],
        "ext 3105",
    ),
    (
        "How many temps is the Coventry returns centre getting for peak?",
        [
            "For peak, the Coventry returns centre has 12 agency temps confirmed.",
            (
                "Following the Q3 review finance trimmed the peak budget, so Northampton temps are capped at 27. "
                "Gemma has already let the agency know."
            ),
        ],
        "12 agency temps",
    ),
    (
        "When does the Figma licence renew?",
        [
            "Our Figma licence renews on 9 September, billed annually.",
            (
                "Procurement have pushed the Adobe renewal to 1 May so it lines up with the new financial year "
                "budget. No action needed from teams."
            ),
        ],
        "9 September",
    ),
    (
        "Who's doing AV for the sales kickoff?",
        [
            "The AV supplier for SKO is Brightline Productions, contract signed last month.",
            (
                "Fwd from Lauren: Green Fork can't do the 23rd anymore, so we've booked Saffron & Sage for SKO "
                "catering instead. Menu to follow."
            ),
        ],
        "Brightline Productions",
    ),
    (
        "When does the Madrid reception close for lunch?",
        [
            "Madrid office reception hours are 9:00 to 18:00, closed for lunch 14:00-15:00.",
            (
                "Small change on Dublin Fridays after feedback from the sales team who have late calls with the "
                "US - reception will now stay open until 16:30. Aoife"
            ),
        ],
        "14:00-15:00",
    ),
    (
        "What's the list price for Aurora Lite?",
        [
            "Aurora Lite will list at $649, no partner discount at launch.",
            (
                "Pricing committee signed off today: Aurora Pro will list at $1,299 to stay under the competitor "
                "bundle. Partner discount unchanged."
            ),
        ],
        "$649",
    ),
    (
        "What payment terms do we have with Hollis Freight?",
        [
            "Our terms with Hollis Freight are net 15, no early-payment discount.",
            ("Per Sarah in procurement: the Kestrel renewal is done and terms go to net 60 from the next invoice run."),
        ],
        "net 15",
    ),
    (
        "When's the deadline for holiday carry-over requests?",
        [
            "Holiday carry-over requests must reach HR by 31 January each year.",
            (
                "Managers - one more extension, final date for mid-year reviews is now Wed 24 July. There will be "
                "no further extensions. HR Team"
            ),
        ],
        "31 January",
    ),
]

# The twenty-sixth set, written by a helper agent told only the format and a style (a person's messages to their
# personal AI assistant over several weeks: life admin), that read none of this project's code, tests or docs;
# committed before it was measured.
SEALED_26 = [
    (
        "when am i seeing the dentist again?",
        [
            (
                "can you remind me the day before my dentist thing? it's tuesday the 14th at 9:40, dr. okafor's "
                "office on linden st"
            ),
            "ugh they called, hygienist is out sick so it got pushed to thursday 3:15. same place",
        ],
        "thursday 3:15",
    ),
    (
        "which airport am i leaving from for lisbon?",
        [
            (
                "booking the lisbon trip tonight, thinking the TAP flight out of newark on may 3. does $612 seem "
                "ok for that?"
            ),
            "actually went with the united one from JFK instead, it came out cheaper once i used card points",
            (
                "lol scratch that, united cancelled the route and rebooked me out of Philly. so i'm flying from "
                "PHL now, need to figure out the train down"
            ),
        ],
        "PHL",
    ),
    (
        "how much is spotify costing us per month right now?",
        [
            "what am i paying for spotify these days? i think it's 11.99 a month on the individual plan",
            "switched spotify to the duo plan with marcus so we split it, it's 16.99 total now",
        ],
        "16.99",
    ),
    (
        "where do i take noah for soccer on wednesday?",
        [
            "noah's soccer practice is at riverside park fields this season, wednesdays 5:30",
            ("coach emailed - riverside is getting reseeded so practices move to the middle school turf for september"),
            (
                "ok new update, football has the turf booked now so they're at Hallett Field behind the library. "
                "can you save that for me"
            ),
        ],
        "Hallett Field",
    ),
    (
        "how much am i moving into savings every month now?",
        [
            "set up an auto transfer of $300 to savings on the 15th each month, is that reasonable given my rent?",
            "bumping the savings transfer to 450 since i got the raise",
        ],
        "450",
    ),
    (
        "what dose of the blood pressure med am i on?",
        [
            "doctor started me on 10mg of lisinopril, once in the morning. can you help me set a reminder",
            "bp was still high at the follow up so she doubled it, 20mg now",
            "ok so apparently 20 made me dizzy, we're settling on 15mg. please update the reminder",
        ],
        "15mg",
    ),
    (
        "when's my recurring meeting with dana?",
        [
            "my standing 1:1 with dana is fridays at 2, so don't schedule anything then",
            "dana moved our 1:1s to monday mornings, 10am, starting next week",
        ],
        "monday mornings",
    ),
    (
        "who's getting grandma from the airport?",
        [
            "grandma's flight gets in saturday afternoon, uncle ray said he'd grab her",
            "ray's car is in the shop so my cousin tessa is doing the airport pickup instead",
            (
                "tessa can't either, she picked up a shift. my neighbor Luis offered, he's retired and apparently "
                "loves airports"
            ),
        ],
        "Luis",
    ),
    (
        "who's my car insurance with?",
        [
            "should i go with geico for the car insurance? they quoted me 1,140 for six months",
            "went with progressive in the end, the bundle with renters made it way cheaper",
        ],
        "progressive",
    ),
    (
        "what hotel am i staying at in denver?",
        [
            "conference in denver is nov 12-14. I booked the hyatt regency downtown, 3 nights",
            "company travel says the hyatt is over per diem so i'm moving to the Curtis, it's a block away",
            "ok the Curtis was sold out after all, ended up at the Maven near union station. confirmation is 88213",
        ],
        "the Maven",
    ),
    (
        "how many people are coming to jess's birthday dinner?",
        [
            (
                "can you find a place for jess's birthday dinner on the 19th? party of 6, somewhere with good "
                "veggie options"
            ),
            (
                "headcount went up, her college friends are coming too so we're up to nine people now. does that "
                "change where we should book?"
            ),
        ],
        "nine people",
    ),
    (
        "which week did i put in for vacation?",
        [
            "thinking of taking the first week of july off for the lake house, does that clash with anything?",
            "my brother has the lake house that week, so maybe the week of july 14 instead",
            (
                "final answer: august 4-8. the lake was a mess to coordinate so we're doing the coast instead, "
                "already put in the PTO"
            ),
        ],
        "august 4-8",
    ),
]

SEALED_26_MISSED = {  # 11 of 12 missed at seed 51 before and after `subjects.tells` (measured blind with it); 10
    # since a bare number stands for an amount (`values.same_kind`)
    "how many people are coming to jess's birthday dinner?",
    "how much is spotify costing us per month right now?",
    "what dose of the blood pressure med am i on?",
    "what hotel am i staying at in denver?",
    "when am i seeing the dentist again?",
    "where do i take noah for soccer on wednesday?",
    "which airport am i leaving from for lisbon?",
    "which week did i put in for vacation?",
    "who's getting grandma from the airport?",
    "who's my car insurance with?",
}

SEALED_26_OTHER = [
    (
        "when's priya's ortho appointment?",
        [
            "also priya's orthodontist check is the 22nd at 4pm, i'm driving her, can you add that too",
            "ugh they called, hygienist is out sick so it got pushed to thursday 3:15. same place",
        ],
        "the 22nd at 4pm",
    ),
    (
        "what time does my sister land in lisbon?",
        [
            (
                "my sister's flying into lisbon a day after me, she lands at 11:20am on the 4th. maybe we meet at "
                "the hotel?"
            ),
            (
                "lol scratch that, united cancelled the route and rebooked me out of Philly. so i'm flying from "
                "PHL now, need to figure out the train down"
            ),
        ],
        "11:20am",
    ),
    (
        "how much does the gym charge me?",
        [
            "the gym membership auto-renews on the 1st for $45, don't let me forget to cancel if i'm not going",
            "switched spotify to the duo plan with marcus so we split it, it's 16.99 total now",
        ],
        "$45",
    ),
    (
        "where's noah's piano lesson?",
        [
            "noah's piano lesson is mondays at 4 with mrs. delacroix, at her house on birch lane",
            (
                "ok new update, football has the turf booked now so they're at Hallett Field behind the library. "
                "can you save that for me"
            ),
        ],
        "birch lane",
    ),
    (
        "when does the car payment come out?",
        [
            "fyi the car loan payment is $287 and comes out on the 3rd",
            "bumping the savings transfer to 450 since i got the raise",
        ],
        "the 3rd",
    ),
    (
        "what's mom's metformin dose?",
        [
            "my mom's on metformin 500 twice a day, can you remind me to check she's got refills?",
            "ok so apparently 20 made me dizzy, we're settling on 15mg. please update the reminder",
        ],
        "500 twice a day",
    ),
    (
        "when's the all-hands?",
        [
            "the quarterly all-hands is oct 9 at 11, big conference room on 4",
            "dana moved our 1:1s to monday mornings, 10am, starting next week",
        ],
        "oct 9",
    ),
    (
        "when does grandma fly back?",
        [
            "grandma's return flight home is the 27th at 7:05am, ugh so early",
            (
                "tessa can't either, she picked up a shift. my neighbor Luis offered, he's retired and apparently "
                "loves airports"
            ),
        ],
        "the 27th",
    ),
    (
        "what's my renters policy number?",
        [
            "renters policy number is RP-558213, can you keep it somewhere handy",
            "went with progressive in the end, the bundle with renters made it way cheaper",
        ],
        "RP-558213",
    ),
    (
        "which room is my conference talk in?",
        [
            "my talk at the denver conference is on the 13th at 1:30 in ballroom B",
            "ok the Curtis was sold out after all, ended up at the Maven near union station. confirmation is 88213",
        ],
        "ballroom B",
    ),
    (
        "what did i get jess for her birthday?",
        [
            (
                "jess's present is the ceramics class voucher, $85, already bought it so don't let me buy her "
                "another thing"
            ),
            (
                "headcount went up, her college friends are coming too so we're up to nine people now. does that "
                "change where we should book?"
            ),
        ],
        "ceramics class voucher",
    ),
    (
        "how much does the dog sitter charge?",
        [
            "the dog sitter is marisol again, same as last summer, $40 a night",
            (
                "final answer: august 4-8. the lake was a mess to coordinate so we're doing the coast instead, "
                "already put in the PTO"
            ),
        ],
        "$40 a night",
    ),
]

# The twenty-seventh set, written by a helper agent told only the format and a style (a software developer's
# messages to an AI coding assistant about their projects), that read none of this project's code, tests or docs;
# committed before it was measured.
SEALED_27 = [
    (
        "what port is redis on for my local setup?",
        [
            (
                "can you add a healthcheck to the redis service in docker-compose.yml? it's on 6380 locally since "
                "6379 clashes with my other project"
            ),
            "ok moved redis again, 6390 now, the 6380 slot got grabbed by the ledger-sync stack",
        ],
        "6390",
    ),
    (
        "when's the billing switchover happening again?",
        [
            "we're targeting march 14 for the billing-v2 cutover, so let's keep the migration scripts idempotent",
            "heads up, product pushed the billing cutover out two weeks",
            "final word from Priya: cutover is happening on the 2nd of april, no more slips",
        ],
        "2nd of april",
    ),
    (
        "which orm did we settle on for inventory?",
        [
            "going with sqlalchemy for the inventory service, can you scaffold the models for Warehouse and Bin?",
            "scratch that, team voted for peewee, it's lighter and we don't need the session stuff",
            (
                "ugh ok final answer on the ORM: tortoise-orm, since the whole service is async now. rewrite "
                "models/warehouse.py accordingly"
            ),
        ],
        "tortoise-orm",
    ),
    (
        "who do i need to ping for review on token refresh changes?",
        [
            "Dmitri owns the auth-gateway repo so any PRs touching token refresh need his review",
            "Dmitri's moving to the data platform team next sprint, Hanna is taking over auth-gateway",
        ],
        "Hanna",
    ),
    (
        "what node version should the engines field say?",
        [
            "the build image pins node 18.19, don't bump it in .nvmrc",
            "we finally upgraded ci to node 20.11 so .nvmrc can match that",
            (
                "fyi had to roll ci forward again to 22.3.0 because of the fetch bug, update the engines field in "
                "package.json too?"
            ),
        ],
        "22.3.0",
    ),
    (
        "what host is the prod database on right now?",
        [
            "prod postgres lives at pg-main.internal.corvid.io, use that in the DATABASE_URL template",
            (
                "we failed over last night so prod db is pg-replica-2.internal.corvid.io until further notice, "
                "can you fix the .env.production example?"
            ),
        ],
        "pg-replica-2",
    ),
    (
        "what's our db pool cap set to?",
        [
            "set POOL_MAX to 20 in config/db.yaml pls",
            "we were exhausting connections on the RDS instance, drop the pool max to 12",
        ],
        "12",
    ),
    (
        "which aws region is staging in?",
        [
            "staging deploys go to us-east-1, terraform vars are in infra/staging.tfvars",
            (
                "we're moving staging to eu-central-1 to sit next to the new customers' data, can you update the "
                "tfvars and the provider block?"
            ),
        ],
        "eu-central-1",
    ),
    (
        "how long are access tokens valid for now?",
        [
            "access tokens expire after 15 minutes for now, that's ACCESS_TTL in settings.py",
            "security review wants shorter access tokens, make it 5 min",
            (
                "compromise reached with the security folks: access ttl is 10 minutes. can you update settings.py "
                "and the test that asserts the expiry?"
            ),
        ],
        "10 minutes",
    ),
    (
        "what broker does the notifications worker consume from?",
        [
            "for the notifications worker we're using rabbitmq, queue name is notif.outbound",
            "we ditched rabbit, it's on NATS JetStream now. can you rewrite the consumer in workers/notify.py?",
        ],
        "NATS JetStream",
    ),
    (
        "what's the per-key request limit on the public api these days?",
        [
            "public api rate limit is 100 req/min per key, enforce that in the middleware",
            "sales promised enterprise folks more headroom so we're bumping the default to 300/min",
            ("lol they overdid it, ops says 250 per minute is the max the gateway can handle. fix RATE_LIMIT_PER_MIN?"),
        ],
        "250",
    ),
    (
        "what base image are we on for the api container?",
        [
            "Dockerfile uses python:3.11-slim as base, keep it that way for now",
            "bumping the api base image to python:3.12-slim-bookworm, can you check if uvloop still builds?",
        ],
        "3.12-slim-bookworm",
    ),
]

SEALED_27_MISSED = {  # 9 of 12 missed at seed 53 with `subjects.tells`, measured blind (11 under the rules before)
    "how long are access tokens valid for now?",
    "what base image are we on for the api container?",
    "what host is the prod database on right now?",
    "what node version should the engines field say?",
    "what's our db pool cap set to?",
    "what's the per-key request limit on the public api these days?",
    "when's the billing switchover happening again?",
    "which orm did we settle on for inventory?",
    "who do i need to ping for review on token refresh changes?",
}

SEALED_27_OTHER_MISSED = {
    # (seed, question): the owner of the rate limiting missed before and after `subjects.tells` at seed 53 (at 54
    # only before); the region marked stale at both seeds since `subjects.tells`, by a told failover ("prod db is
    # pg-replica-2 [...] can you fix the .env.production example?"): both hold only "prod" of the question, one
    # subject for `subjects.subject_groups`, though "prod db" names the database
    (53, "who owns the rate limiting middleware in auth-gateway?"),
    (53, "what region is prod in?"),
    (54, "what region is prod in?"),
}

SEALED_27_OTHER = [
    (
        "which port is local postgres exposed on?",
        [
            "postgres for local dev is exposed on 5544 btw, put that in the compose override",
            "ok moved redis again, 6390 now, the 6380 slot got grabbed by the ledger-sync stack",
        ],
        "5544",
    ),
    (
        "who signs off QA for billing v2?",
        [
            "QA sign-off for billing-v2 is Tomasz's call, he wants the staging build a few days before",
            "final word from Priya: cutover is happening on the 2nd of april, no more slips",
        ],
        "Tomasz",
    ),
    (
        "what tool handles migrations for inventory?",
        [
            "migrations on inventory go through aerich, config lives in inventory/migrations/aerich.ini",
            (
                "ugh ok final answer on the ORM: tortoise-orm, since the whole service is async now. rewrite "
                "models/warehouse.py accordingly"
            ),
        ],
        "aerich",
    ),
    (
        "who owns the rate limiting middleware in auth-gateway?",
        [
            "the rate limiting middleware in auth-gateway is Oskar's baby, loop him in if you touch it",
            "Dmitri's moving to the data platform team next sprint, Hanna is taking over auth-gateway",
        ],
        "Oskar",
    ),
    (
        "which pnpm version is the monorepo on?",
        [
            "we use pnpm 8.15 across the monorepo, please don't generate a package-lock.json",
            (
                "fyi had to roll ci forward again to 22.3.0 because of the fetch bug, update the engines field in "
                "package.json too?"
            ),
        ],
        "8.15",
    ),
    (
        "what's the read-only user for the analytics db?",
        [
            (
                "analytics is clickhouse on ch-01.internal.corvid.io:9440, read-only user is ro_dash if you need "
                "to query it"
            ),
            (
                "we failed over last night so prod db is pg-replica-2.internal.corvid.io until further notice, "
                "can you fix the .env.production example?"
            ),
        ],
        "ro_dash",
    ),
    (
        "what's the statement timeout for the app role?",
        [
            "statement_timeout for the app role is 30s, it's set on the role itself not in db.yaml",
            "we were exhausting connections on the RDS instance, drop the pool max to 12",
        ],
        "30s",
    ),
    (
        "what region is prod in?",
        [
            "prod stays in us-west-2, nobody's touching that this quarter",
            (
                "we're moving staging to eu-central-1 to sit next to the new customers' data, can you update the "
                "tfvars and the provider block?"
            ),
        ],
        "us-west-2",
    ),
    (
        "how long do refresh tokens last?",
        [
            "refresh tokens stick around for 30 days, legal already signed off on that",
            (
                "compromise reached with the security folks: access ttl is 10 minutes. can you update settings.py "
                "and the test that asserts the expiry?"
            ),
        ],
        "30 days",
    ),
    (
        "where do failed notifications land?",
        [
            "dead letters from notifications end up in the notif-dlq stream, Femi checks it every morning",
            "we ditched rabbit, it's on NATS JetStream now. can you rewrite the consumer in workers/notify.py?",
        ],
        "notif-dlq",
    ),
    (
        "what prefix do production api keys have?",
        [
            (
                "api keys are prefixed pk_live_ for prod and pk_test_ for sandbox, can the middleware reject "
                "anything else?"
            ),
            ("lol they overdid it, ops says 250 per minute is the max the gateway can handle. fix RATE_LIMIT_PER_MIN?"),
        ],
        "pk_live_",
    ),
    (
        "what's the worker container's base image?",
        [
            "worker container is on alpine:3.19 though, different base because of the image size budget",
            "bumping the api base image to python:3.12-slim-bookworm, can you check if uvloop still builds?",
        ],
        "alpine:3.19",
    ),
]

# The twenty-eighth set, written by a helper agent told only the format and a style (a small business owner's
# messages to an AI assistant about suppliers, prices, staff and orders), that read none of this project's code,
# tests or docs; committed before it was measured.
SEALED_28 = [
    (
        "who are we getting our inner tubes from these days?",
        [
            "Ordered tubes from Kessler Cycle Supply again, they were the only lot with 700x28 in stock last week.",
            (
                "can you draft a polite email to Kessler saying we're moving on? Tubes are going over to "
                "Brightwheel Distribution from next month, their pricing is just better."
            ),
        ],
        "Brightwheel Distribution",
    ),
    (
        "what time do we shut on a Saturday now?",
        [
            "Saturdays we open 9 to 4, might be worth putting that on the Google listing if it isn't there already.",
            (
                "Trying something new: Saturday close pushed to 5 for the summer, loads of people want to grab "
                "bikes after the park."
            ),
            (
                "ok the late Saturday thing flopped, nobody came in after 3. Back to shutting at 3:30 from this "
                "weekend, can you redo the sign text?"
            ),
        ],
        "3:30",
    ),
    (
        "which days is Tomasz actually in the workshop?",
        [
            "Tomasz is on the workshop Tuesdays and Thursdays, so book the big service jobs for those days.",
            "Tomasz asked to swap his Thursday for Friday because of his night class, I said fine.",
        ],
        "Friday",
    ),
    (
        "how much are we charging for a basic tune-up at the moment?",
        [
            "Standard service is 65 quid, covers gears, brakes and a wheel true.",
            (
                "what do you think, is 75 too much for a basic service? Parts have gone up so much I'm going to "
                "give it a go anyway."
            ),
            "Customers grumbled, so I've met them in the middle - basic service is 70 from Monday.",
        ],
        "70",
    ),
    (
        "who do I ring about the VAT return?",
        [
            "Our accountant is Priya Nandakumar, her number's 0161 555 0192 if you ever need to chase VAT stuff.",
            "Priya's gone on maternity leave, her firm has put Gareth Lowe on our account in the meantime.",
        ],
        "Gareth Lowe",
    ),
    (
        "what's the monthly charge on the card machine?",
        [
            "Card reader's on a PayLane contract, 19 a month, no idea when it ends tbh.",
            (
                "Got fed up with PayLane dropping connection mid-sale, so we're on a Tillpoint terminal now at "
                "14.50 monthly."
            ),
        ],
        "14.50",
    ),
    (
        "how many batteries are actually coming from Voltrix?",
        [
            "Put in an order for 6 spare e-bike batteries with Voltrix, should land end of the month.",
            (
                "Can you remind me to call Voltrix tomorrow? Want to bump the battery order up to 10, the "
                "commuter e-bikes are flying out."
            ),
            "Voltrix only had 8 left in the warehouse so that's what we're getting, the rest go on backorder.",
        ],
        "8",
    ),
    (
        "which property are we looking at for shop number two?",
        [
            "Went to see the unit on Carver Street for the second shop, good footfall, parking's rubbish though.",
            (
                "Carver Street fell through, landlord wanted a ten-year lease. Now eyeing the old bakery on "
                "Millbrook Road instead."
            ),
        ],
        "Millbrook Road",
    ),
    (
        "who's covering the till on Saturdays these days?",
        [
            "Hired Jess Okafor as the Saturday kid, she starts on the till next week.",
            "Jess has gone off to uni. Her mate Callum Reyes is doing Saturdays for now.",
            (
                "Callum didn't work out honestly, kept rolling in late. Ruby Marsh starts Saturdays this week, "
                "seems sharp."
            ),
        ],
        "Ruby Marsh",
    ),
    (
        "when does the Halden van turn up now?",
        [
            "Halden Parts delivery comes Wednesday mornings, so don't promise anything for Tuesday collections.",
            "Halden changed their route, van now comes Monday afternoon.",
        ],
        "Monday afternoon",
    ),
    (
        "what compressor have we got in the workshop now?",
        [
            "The workshop compressor is an old Airmax 24L, keeps tripping the fuse every time the kettle's on.",
            (
                "Finally binned the old compressor and bought a Stanmore 50 litre one, 289 all in, can you add it "
                "to the asset list?"
            ),
        ],
        "Stanmore 50 litre",
    ),
    (
        "what did the shop insurance end up costing this year?",
        [
            "Shop insurance renewal quote came in at 1,240 for the year, feels steep.",
            "Rang around and Ashgrove Mutual will do it for 980 - can you compare their cover with the old policy?",
            (
                "Ashgrove came back after the survey and bumped it to 1,055 because of the e-bike stock. Still "
                "cheaper, so I signed."
            ),
        ],
        "1,055",
    ),
]

SEALED_28_MISSED = {  # 8 of 12 missed at seed 55 before and after `subjects.tells` (measured blind with it)
    "how much are we charging for a basic tune-up at the moment?",
    # a miss since "battery" and "batteries" are one word family (`lexical.stem`): the second version ("bump the
    # battery order up to 10") now holds the question's "batteries", is the best statement, and the third ("Voltrix
    # only had 8 left") is linked to the first only
    "how many batteries are actually coming from Voltrix?",
    "what compressor have we got in the workshop now?",
    "what did the shop insurance end up costing this year?",
    "what time do we shut on a Saturday now?",
    "which days is Tomasz actually in the workshop?",
    "which property are we looking at for shop number two?",
    "who do I ring about the VAT return?",
    "who's covering the till on Saturdays these days?",
}

SEALED_28_OTHER_MISSED = {  # (seed, question): the same before and after `subjects.tells`
    (56, "how long do tyre orders take to arrive?"),
}

SEALED_28_OTHER = [
    (
        "where do the brake pads come from?",
        [
            "btw brake pads still come from Pellworth Trade, free delivery if we spend over 150.",
            (
                "can you draft a polite email to Kessler saying we're moving on? Tubes are going over to "
                "Brightwheel Distribution from next month, their pricing is just better."
            ),
        ],
        "Pellworth Trade",
    ),
    (
        "what are the weekday hours?",
        [
            "Weekday hours are 8:30 to 6 and that's staying put, the commuters need us early.",
            (
                "ok the late Saturday thing flopped, nobody came in after 3. Back to shutting at 3:30 from this "
                "weekend, can you redo the sign text?"
            ),
        ],
        "8:30 to 6",
    ),
    (
        "when can people book a bike fit?",
        [
            "Dan only does bike fits on Wednesday evenings, so any fitting bookings go there please.",
            "Tomasz asked to swap his Thursday for Friday because of his night class, I said fine.",
        ],
        "Wednesday evenings",
    ),
    (
        "how much is a puncture repair?",
        [
            "Puncture repair stays at 12, I'm not touching that one, it gets people through the door.",
            "Customers grumbled, so I've met them in the middle - basic service is 70 from Monday.",
        ],
        "12",
    ),
    (
        "who's our solicitor?",
        [
            "Our solicitor is Martin Ebbs at Ebbs & Cole, keep him handy for the lease stuff.",
            "Priya's gone on maternity leave, her firm has put Gareth Lowe on our account in the meantime.",
        ],
        "Martin Ebbs",
    ),
    (
        "who hosts the website?",
        [
            "Website hosting is with Fernbank, 8 a month, renews every March.",
            (
                "Got fed up with PayLane dropping connection mid-sale, so we're on a Tillpoint terminal now at "
                "14.50 monthly."
            ),
        ],
        "Fernbank",
    ),
    (
        "how many chargers is Voltrix holding for us?",
        [
            "Chargers come from Voltrix too but on a separate deal, they keep 20 on standby for us.",
            "Voltrix only had 8 left in the warehouse so that's what we're getting, the rest go on backorder.",
        ],
        "20",
    ),
    (
        "when does the Dray Lane lease run out?",
        [
            "Current lease on Dray Lane runs until 2027, so no rush on any of this.",
            (
                "Carver Street fell through, landlord wanted a ten-year lease. Now eyeing the old bakery on "
                "Millbrook Road instead."
            ),
        ],
        "2027",
    ),
    (
        "who does the ordering?",
        [
            "Amira covers the weekday till, she's full time and handles all the ordering as well.",
            (
                "Callum didn't work out honestly, kept rolling in late. Ruby Marsh starts Saturdays this week, "
                "seems sharp."
            ),
        ],
        "Amira",
    ),
    (
        "how long do tyre orders take to arrive?",
        [
            "Tyres come by courier from Orbis Rubber, usually two working days after I order.",
            "Halden changed their route, van now comes Monday afternoon.",
        ],
        "two working days",
    ),
    (
        "where did the truing stand come from?",
        [
            "The truing stand I bought secondhand off Leo at Spokehaus, works perfectly, no complaints.",
            (
                "Finally binned the old compressor and bought a Stanmore 50 litre one, 289 all in, can you add it "
                "to the asset list?"
            ),
        ],
        "Spokehaus",
    ),
    (
        "what are our business rates?",
        [
            "Business rates are 3,400 a year after small business relief, the council confirmed it in writing.",
            (
                "Ashgrove came back after the survey and bumped it to 1,055 because of the e-bike stock. Still "
                "cheaper, so I signed."
            ),
        ],
        "3,400",
    ),
]

# The twenty-ninth set, written by a helper agent told only the format and a style (a group chat of friends planning
# trips, birthdays, a cabin rental and game nights), that read none of this project's code, tests or docs; committed
# before it was measured.
SEALED_29 = [
    (
        "wait what time are we allowed into the cabin on friday?",
        [
            (
                "Booked the cabin at Larch Hollow! Check-in is 4pm Friday, the host says the key's in a lockbox "
                "by the shed"
            ),
            "ugh the host just messaged, cleaners are running behind so we can't get in until 6",
            "ok good news, the cleaners wrapped up early after all, we can roll up at 3:30 instead",
        ],
        "3:30",
    ),
    (
        "which night are we doing games now?",
        [
            "game night is Thursdays from now on, my place, bring snacks not excuses",
            "Rafe got stuck with late shifts on thursdays so maybe we try wednesdays?",
            "wednesday didn't work for half of you apparently lol. fine. Tuesdays. final answer.",
        ],
        "Tuesdays",
    ),
    (
        "how much does Priya still owe you for the festival tickets?",
        [
            "Priya you owe me 85 for the Lumen Fest tickets whenever you get a sec, no rush",
            "got 40 from Priya on venmo, thank you! so 45 left",
            "she sent another 20 over lunch, so she's down to 25 now. almost square",
        ],
        "25",
    ),
    (
        "where's the rehearsal dinner happening?",
        [
            "Tomas and Ines' rehearsal dinner is at Casa Verde on Elm, 7pm, don't be late they're seating us",
            "heads up they moved it to the Copper Kettle, Casa Verde double booked them somehow",
        ],
        "Copper Kettle",
    ),
    (
        "how many people are going on the Lisbon trip now?",
        [
            "so far it's 5 of us for Lisbon, I'll look at apartments for that size",
            "Jonah's in too!! that makes six",
            "Marisol and her brother both want to come now, so eight total. I'll hunt for a bigger place",
        ],
        "eight",
    ),
    (
        "when is Nadia's surprise party again?",
        [
            "Nadia's surprise party: Saturday the 14th. keep your mouths SHUT",
            "change of plans, her mom is visiting that weekend so we're pushing to the 21st",
        ],
        "the 21st",
    ),
    (
        "what's my share of the cabin coming to?",
        [
            "total for the cabin is 1200 for the weekend, so 200 each if all six of us go",
            "Leo dropped out :( so it's 240 a person now, sorry guys",
            "host knocked 150 off because the hot tub is broken, so it works out to 210 a head",
        ],
        "210",
    ),
    (
        "what did we decide to get Tomas and Ines as a group gift?",
        [
            "for the wedding I was thinking we all chip in for the espresso machine on their registry",
            "someone already bought the espresso machine lol. what about the kayak?",
            (
                "kayak's gone too, these people are fast. going with the cast iron cookware set, it's still up "
                "and within budget"
            ),
        ],
        "cast iron cookware set",
    ),
    (
        "what time is our flight out now?",
        [
            (
                "our flight to Lisbon leaves at 9:40 am so airport by 7:30 at the latest, I'm not running through "
                "security again"
            ),
            "TAP just emailed, they rescheduled us to 11:15. more sleep for everyone",
        ],
        "11:15",
    ),
    (
        "who ended up driving us to the cabin?",
        [
            "I can drive to the cabin, my car fits five if nobody brings a giant suitcase",
            "my transmission is dying, I can't do the drive. Hannah could you take over?",
            "Hannah's car is in the shop too, what is this curse. okay Dev is renting a minivan and taking us",
        ],
        "Dev",
    ),
    (
        "how much did the cabin groceries end up costing altogether?",
        [
            "I covered the groceries for the cabin, 132.50 total, will split it up later",
            "wait I forgot the beer receipt, it's actually 171.20",
            "returned the unopened case of seltzer so knock off 18, real total is 153.20",
        ],
        "153.20",
    ),
    (
        "where are we throwing the party for Nadia?",
        [
            "Kofi offered his apartment for Nadia's party, it's tiny but it's free",
            (
                "Kofi's landlord vetoed it (noise complaints lol), we're doing it in Ruth's backyard instead, she "
                "has string lights"
            ),
        ],
        "Ruth's backyard",
    ),
]

SEALED_29_MISSED = {  # 12 of 12 missed at seed 57 before and after `subjects.tells` (measured blind with it); 11
    # since the place a question asking where names is an old value (`changes.old_values`)
    "how many people are going on the Lisbon trip now?",
    "how much did the cabin groceries end up costing altogether?",
    "how much does Priya still owe you for the festival tickets?",
    "wait what time are we allowed into the cabin on friday?",
    "what did we decide to get Tomas and Ines as a group gift?",
    "what time is our flight out now?",
    "what's my share of the cabin coming to?",
    "when is Nadia's surprise party again?",
    "where are we throwing the party for Nadia?",
    "which night are we doing games now?",
    "who ended up driving us to the cabin?",
}

SEALED_29_OTHER_MISSED = {  # (seed, question): the same before and after `subjects.tells`
    (57, "how long is the drive to the cabin?"),
    (57, "where should we park for the party?"),
    (58, "how long is the drive to the cabin?"),
    (58, "where should we park for the party?"),
}

SEALED_29_OTHER = [
    (
        "what's the lockbox code again?",
        [
            "Lockbox code for the cabin is 7142 btw, don't lose it, the host charges for lockouts",
            "ok good news, the cleaners wrapped up early after all, we can roll up at 3:30 instead",
        ],
        "7142",
    ),
    (
        "how much is the poker buy-in?",
        [
            "for the record the buy-in for poker rounds is 5 bucks, no more, Dmitri",
            "wednesday didn't work for half of you apparently lol. fine. Tuesdays. final answer.",
        ],
        "5 bucks",
    ),
    (
        "which day of the festival do we have tickets for?",
        [
            "the festival tickets are Saturday only, the Sunday pass sold out before I could grab it",
            "she sent another 20 over lunch, so she's down to 25 now. almost square",
        ],
        "Saturday",
    ),
    (
        "what time does the ceremony start?",
        [
            "Ines told me the ceremony starts at 2pm sharp and the officiant is apparently very strict about it",
            "heads up they moved it to the Copper Kettle, Casa Verde double booked them somehow",
        ],
        "2pm",
    ),
    (
        "which neighborhood is the apartment in?",
        [
            "the Lisbon apartment is in Alfama, like a 10 min walk from the tram stop",
            "Marisol and her brother both want to come now, so eight total. I'll hunt for a bigger place",
        ],
        "Alfama",
    ),
    (
        "what flavor cake did we get for Nadia?",
        [
            "Nadia's cake is from Bellweather Bakery, lemon and raspberry, I already paid the deposit",
            "change of plans, her mom is visiting that weekend so we're pushing to the 21st",
        ],
        "lemon and raspberry",
    ),
    (
        "how many bedrooms does the cabin have?",
        [
            "cabin has 3 bedrooms plus a pull-out couch, first to arrive gets dibs",
            "host knocked 150 off because the hot tub is broken, so it works out to 210 a head",
        ],
        "3 bedrooms",
    ),
    (
        "who has the card we all need to sign?",
        [
            "Gemma's holding the wedding card, everyone sign it at her place before the 30th",
            (
                "kayak's gone too, these people are fast. going with the cast iron cookware set, it's still up "
                "and within budget"
            ),
        ],
        "Gemma",
    ),
    (
        "which terminal are we leaving from?",
        [
            "we're flying out of Newark terminal B, parking there is a nightmare so let's share an uber",
            "TAP just emailed, they rescheduled us to 11:15. more sleep for everyone",
        ],
        "terminal B",
    ),
    (
        "how long is the drive to the cabin?",
        [
            "the drive up is about 3.5 hours, we should leave before the Friday traffic hits",
            "Hannah's car is in the shop too, what is this curse. okay Dev is renting a minivan and taking us",
        ],
        "3.5 hours",
    ),
    (
        "who isn't paying for the beer?",
        [
            "I'll split groceries evenly except Ana doesn't drink so she's skipping the beer portion",
            "returned the unopened case of seltzer so knock off 18, real total is 153.20",
        ],
        "Ana",
    ),
    (
        "where should we park for the party?",
        [
            "Ruth says there's street parking on Maple but the neighbors get weird if you block driveways",
            (
                "Kofi's landlord vetoed it (noise complaints lol), we're doing it in Ruth's backyard instead, she "
                "has string lights"
            ),
        ],
        "Maple",
    ),
]

# The thirtieth set, written by a helper agent told only the format and a style (a university student's messages to
# an AI assistant over a semester, capitalized as on a phone), that read none of this project's code, tests or docs;
# measured once, under the rules of 3640223, and committed with those counts; no rule has been made on it.
SEALED_30 = [
    (
        "where does my lab group meet again?",
        [
            "our bio lab group is meeting in room 214 of Hallett on thursdays, can you remind me wed night",
            "ugh they kicked us out of there, we're in the basement study room in Carver now",
        ],
        "Carver",
    ),
    (
        "whats my hourly rate at the cafe rn?",
        [
            "I make $14.25 an hour at the Bean Counter cafe, how much is that for a 12 hr week before tax",
            "got a raise!! they bumped me to 15.10",
            "wait no, manager says it's 15.60 actually. the other number was from an old pay sheet lol",
        ],
        "15.60",
    ),
    (
        "How much is the total rent for our place at this point?",
        [
            "rent for the larkin st apartment is $1840 a month split 3 ways, what's my share",
            "Landlord sent the renewal letter today. Starting August it goes up to 1925, which is kind of insane",
            "ok small win, we pushed back and he settled on 1890 for the year",
        ],
        "1890",
    ),
    (
        "when's my orgo midterm",
        [
            "my orgo midterm is oct 17 in the big lecture hall, help me make a study schedule pls",
            "Prof Okafor moved it to the 24th, same room",
            "final word from the TA: october 22. apparently the other date clashed with a department thing",
        ],
        "october 22",
    ),
    (
        "where'd I leave my bike?",
        [
            "locked my bike at the rack outside the main library, it was the only spot left",
            "it was raining so I moved the bike into the garage under Pruitt Hall",
        ],
        "Pruitt Hall",
    ),
    (
        "what phone plan am i on these days",
        [
            "I'm on the Mintwave 10GB plan for $25/mo, is that a decent deal for a student?",
            "switched today! went with Skyline unlimited for 35 a month, the data cap was killing me",
        ],
        "Skyline unlimited",
    ),
    (
        "When are my parents coming up to see me?",
        [
            "mom and dad are driving up the weekend of nov 8, can you suggest some restaurants near campus",
            "parents changed plans, they'll come thanksgiving weekend instead",
            "nvm dad has a work trip so now it's the first weekend of december. third time's the charm",
        ],
        "first weekend of december",
    ),
    (
        "what room is statistics in",
        [
            "Stats 210 meets in Borland 105 MWF at 10",
            "for anyone keeping track (you), stats is in Emery 312 now bc the projector in the old room died",
        ],
        "Emery 312",
    ),
    (
        "what's my roommate's name again, blanking",
        [
            "my roommate Priya is super quiet, which is great during finals",
            "priya moved out over break. new girl is Jordan, seems nice so far",
        ],
        "Jordan",
    ),
    (
        "what days am I working now?",
        [
            "i work tuesday and thursday 4-9 at the cafe, so no evening study groups those days",
            "traded shifts with Marco, I'm on monday & wednesday evenings now",
            "Scratch that, manager put me on saturdays 8-2 only for the rest of the semester",
        ],
        "saturdays 8-2",
    ),
    (
        "when's the physics lab report due",
        [
            "physics lab report is due friday the 3rd at midnight on canvas",
            "Dr. Haas gave the whole section an extension, so it's monday the 6th now. bless",
        ],
        "monday the 6th",
    ),
    (
        "When can I catch my advisor in office hours?",
        [
            "my advisor Dr. Lindqvist holds office hours tues 2-4 in Marsh 220, need to ask her about my major",
            "she emailed that office hours are fridays 11-1 from now on, same office",
        ],
        "fridays 11-1",
    ),
]

SEALED_30_MISSED = {  # 10 of 12 missed at seed 59 when first measured (3640223)
    "How much is the total rent for our place at this point?",
    "When are my parents coming up to see me?",
    "When can I catch my advisor in office hours?",
    "what days am I working now?",
    "what phone plan am i on these days",
    "what room is statistics in",
    "whats my hourly rate at the cafe rn?",
    "when's my orgo midterm",
    "when's the physics lab report due",
    "where does my lab group meet again?",
}

SEALED_30_OTHER_MISSED = {  # (seed, question): missed when first measured (3640223)
    (59, "how often do I get paid at the cafe?"),
    (59, "what kind of bike do I have, for the police report"),
    (59, "what's the employee discount at work"),
    (59, "where are mom and dad staying when they visit"),
    (59, "who teaches my stats class?"),
    (60, "what kind of bike do I have, for the police report"),
    (60, "what's the employee discount at work"),
    (60, "where are mom and dad staying when they visit"),
    (60, "who teaches my stats class?"),
}

SEALED_30_OTHER = [
    (
        "who's the TA for my lab group?",
        [
            "btw our lab TA is Rosalind, she's the one grading the weekly writeups",
            "ugh they kicked us out of there, we're in the basement study room in Carver now",
        ],
        "Rosalind",
    ),
    (
        "how often do I get paid at the cafe?",
        [
            "cafe pays every other friday, straight into my credit union account",
            "wait no, manager says it's 15.60 actually. the other number was from an old pay sheet lol",
        ],
        "every other friday",
    ),
    (
        "roughly what does electric cost us?",
        [
            "utilities aren't included in rent, electric usually runs like $90 a month for the whole apt",
            "ok small win, we pushed back and he settled on 1890 for the year",
        ],
        "$90",
    ),
    (
        "am I allowed any notes on the orgo exam?",
        [
            "Orgo midterm is closed book but we get one 3x5 index card of notes",
            "final word from the TA: october 22. apparently the other date clashed with a department thing",
        ],
        "one 3x5 index card",
    ),
    (
        "what kind of bike do I have, for the police report",
        [
            "writing this down in case it gets stolen: my bike is a green Trek hybrid with a basket",
            "it was raining so I moved the bike into the garage under Pruitt Hall",
        ],
        "green Trek hybrid",
    ),
    (
        "what day does my phone bill get charged?",
        [
            "phone bill autopays on the 12th from my checking, so keep money in there",
            "switched today! went with Skyline unlimited for 35 a month, the data cap was killing me",
        ],
        "the 12th",
    ),
    (
        "where are mom and dad staying when they visit",
        [
            "when my parents come they're booking the Maple Inn on Route 9 so they don't have to crash on our couch",
            "nvm dad has a work trip so now it's the first weekend of december. third time's the charm",
        ],
        "Maple Inn",
    ),
    (
        "who teaches my stats class?",
        [
            "stats prof is Dr. Abernathy, she answers emails fast which is nice",
            "for anyone keeping track (you), stats is in Emery 312 now bc the projector in the old room died",
        ],
        "Dr. Abernathy",
    ),
    (
        "what's the name of the roommate's cat",
        [
            "new roommate brought a cat named Pickles, hoping my allergies survive",
            "priya moved out over break. new girl is Jordan, seems nice so far",
        ],
        "Pickles",
    ),
    (
        "what's the employee discount at work",
        [
            "one perk of the cafe job: free drink and 50% off food on shift days",
            "Scratch that, manager put me on saturdays 8-2 only for the rest of the semester",
        ],
        "50% off",
    ),
    (
        "page limit for the physics lab report?",
        [
            "lab report has to be under 8 pages incl figures, Haas is strict about that",
            "Dr. Haas gave the whole section an extension, so it's monday the 6th now. bless",
        ],
        "8 pages",
    ),
    (
        "how many humanities electives do i still need",
        [
            "advisor said I need 2 more humanities electives to graduate on time, ugh",
            "she emailed that office hours are fridays 11-1 from now on, same office",
        ],
        "2 more",
    ),
]

# The thirty-first set, written by a helper agent told only the format and a style (a neighbourhood or apartment-
# building group chat with many residents), that read none of this project's code, tests or docs; measured once,
# under the rules of 3640223, and committed with those counts; no rule has been made on it.
SEALED_31 = [
    (
        "When's the street party happening now?",
        [
            "Street party is pencilled in for Saturday the 14th of June, bring a dish if you can!",
            ("Bad news re the party, council won't close the road that weekend. We've been bumped a week to the 21st."),
        ],
        "21st",
    ),
    (
        "What day is the heating guy actually coming to fix the boiler?",
        [
            (
                "The boiler engineer from Harlow Heating is booked for Tuesday morning, so hot water will be off "
                "from 8 till about noon."
            ),
            "Update from the managing agent: engineer can't make it then, now coming Thursday instead, same hours.",
            "Sorry all, that's fallen through as well, part hasn't arrived. They're saying Monday the 9th now.",
        ],
        "Monday the 9th",
    ),
    (
        "What's the combination for the shed padlock these days?",
        [
            "Code for the garden shed padlock is 4172, please don't share it outside the building.",
            (
                "Someone left the shed open overnight and the strimmer's gone, so I've reset the lock. New combo "
                "is 0938."
            ),
            (
                "Changed it again because the last one was written on the shed door in marker pen (!!). It's 5521 "
                "now, ask me in person if you forget."
            ),
        ],
        "5521",
    ),
    (
        "Where was the missing ginger cat last spotted?",
        [
            ("Biscuit the ginger tom has been missing since Sunday, last seen near the bus shelter on Ferncroft Road."),
            "Someone saw a ginger cat by the allotments behind the church this morning, could be Biscuit!",
        ],
        "the allotments",
    ),
    (
        "Which day do the bins get collected now?",
        [
            "Reminder: general waste goes out Wednesday nights for Thursday collection.",
            "Council letter says bins move to Fridays from next month because of the new route.",
            (
                "Scrap that letter, they've sent a correction. Our street is on Tuesdays now, recycling and "
                "general both."
            ),
        ],
        "Tuesdays",
    ),
    (
        "Where do I leave books for the swap?",
        [
            "Book swap shelf is going in the lobby by the post boxes, feel free to drop off paperbacks.",
            ("Caretaker asked us to move the books, fire regs apparently. They're now on the landing outside flat 3B."),
        ],
        "flat 3B",
    ),
    (
        "How much does a book of visitor parking permits cost?",
        [
            "Visitor permits from the council are 12 pounds for a book of ten.",
            "They've put visitor permits up to 15 pounds a book, annoyingly.",
        ],
        "15 pounds",
    ),
    (
        "Where's the residents' meeting being held in the end?",
        [
            "Residents' meeting is 7pm on the 3rd in the community room, agenda to follow.",
            (
                "Community room's double booked with the yoga lot, so we'll meet upstairs at the Crown and Anchor "
                "instead."
            ),
            "Pub wants a deposit so change of plan again, Marion has kindly offered her front room at number 22.",
        ],
        "number 22",
    ),
    (
        "How long is the scaffolding going to be up for?",
        [
            "Scaffolders say the frame on the east side comes down end of next week.",
            "Roofers found more rotten battens so the scaffolding is staying up until at least mid-October.",
        ],
        "mid-October",
    ),
    (
        "When's the lift supposed to be working again?",
        [
            "Lift's broken again, engineer reckons it needs a new door sensor, should be sorted by tomorrow.",
            "Not tomorrow after all, the sensor is on back order. They're saying 5 working days.",
            "Lift company rang the agent, the part's come in early and they'll fit it Wednesday afternoon.",
        ],
        "Wednesday afternoon",
    ),
    (
        "Who do I tell about the dish I'm bringing to the party?",
        [
            (
                "Dev from number 8 is organising the food tables for the party, message him if you're bringing "
                "something."
            ),
            "Dev's away with work that week so Priya has taken over the food side.",
        ],
        "Priya",
    ),
    (
        "What times do the parking restrictions on Alder Street apply?",
        [
            "Just so everyone knows, the new controlled parking zone on Alder Street runs 8am to 6pm weekdays.",
            "Council's revised the CPZ hours after the consultation, now it's only 10am to 2pm.",
            "Got a ticket at half 4 yesterday, turns out they changed it again, 9am to 5pm Monday to Saturday now.",
        ],
        "9am to 5pm",
    ),
]

SEALED_31_MISSED = {  # 11 of 12 missed at seed 61 when first measured (3640223)
    "How long is the scaffolding going to be up for?",
    "What day is the heating guy actually coming to fix the boiler?",
    "What times do the parking restrictions on Alder Street apply?",
    "What's the combination for the shed padlock these days?",
    "When's the lift supposed to be working again?",
    "When's the street party happening now?",
    "Where do I leave books for the swap?",
    "Where was the missing ginger cat last spotted?",
    "Where's the residents' meeting being held in the end?",
    "Which day do the bins get collected now?",
    "Who do I tell about the dish I'm bringing to the party?",
}

SEALED_31_OTHER_MISSED = {  # (seed, question): missed when first measured (3640223)
    (61, "Got a phone number for the boiler company?"),
    (61, "What colour collar does Biscuit have?"),
    (61, "What time does the street party kick off?"),
    (61, "What's the big topic at the residents' meeting?"),
    (62, "Got a phone number for the boiler company?"),
    (62, "What colour collar does Biscuit have?"),
    (62, "What time does the street party kick off?"),
    (62, "What's the big topic at the residents' meeting?"),
}

SEALED_31_OTHER = [
    (
        "What time is the bouncy castle turning up?",
        [
            "For the party we've got the bouncy castle booked from Castle Capers, it arrives at 11.",
            ("Bad news re the party, council won't close the road that weekend. We've been bumped a week to the 21st."),
        ],
        "at 11",
    ),
    (
        "Got a phone number for the boiler company?",
        [
            "Harlow Heating's number is 01632 448 210 if anyone wants to chase them directly.",
            "Sorry all, that's fallen through as well, part hasn't arrived. They're saying Monday the 9th now.",
        ],
        "01632 448 210",
    ),
    (
        "Where are the watering cans kept in the shed?",
        [
            "Spare gloves and the watering cans live on the top shelf of the shed, behind the seed trays.",
            (
                "Changed it again because the last one was written on the shed door in marker pen (!!). It's 5521 "
                "now, ask me in person if you forget."
            ),
        ],
        "top shelf",
    ),
    (
        "What colour collar does Biscuit have?",
        [
            "He's microchipped and wears a blue collar with a bell, if that helps anyone recognise him.",
            "Someone saw a ginger cat by the allotments behind the church this morning, could be Biscuit!",
        ],
        "blue",
    ),
    (
        "How much is the garden waste bin subscription?",
        [
            "Garden waste is a separate paid service, 48 pounds a year, you sign up on the council website.",
            (
                "Scrap that letter, they've sent a correction. Our street is on Tuesdays now, recycling and "
                "general both."
            ),
        ],
        "48 pounds",
    ),
    (
        "What kind of books shouldn't be left at the swap?",
        [
            "Swap rules are simple: take one, leave one, and no textbooks please.",
            ("Caretaker asked us to move the books, fire regs apparently. They're now on the landing outside flat 3B."),
        ],
        "textbooks",
    ),
    (
        "How many free visitor permit books do residents get a year?",
        [
            "You get two free books a year if you show your tenancy agreement at the library, after that you pay.",
            "They've put visitor permits up to 15 pounds a book, annoyingly.",
        ],
        "two",
    ),
    (
        "What's the big topic at the residents' meeting?",
        [
            "Main thing on the agenda is the service charge increase, so please come along if you can.",
            "Pub wants a deposit so change of plan again, Marion has kindly offered her front room at number 22.",
        ],
        "service charge increase",
    ),
    (
        "What's the name of the roofers' foreman?",
        [
            "The firm doing our block is Pennant and Sons, their foreman is a lovely bloke called Gaz.",
            "Roofers found more rotten battens so the scaffolding is staying up until at least mid-October.",
        ],
        "Gaz",
    ),
    (
        "Who's offering to help carry shopping upstairs?",
        [
            "Until it's fixed, Tomasz on the 2nd floor is happy to carry shopping up for anyone who needs a hand.",
            "Lift company rang the agent, the part's come in early and they'll fit it Wednesday afternoon.",
        ],
        "Tomasz",
    ),
    (
        "What time does the street party kick off?",
        [
            "Party starts at midday and we're aiming to wrap up by 8 so the road can reopen.",
            "Dev's away with work that week so Priya has taken over the food side.",
        ],
        "midday",
    ),
    (
        "Which parking zone is Alder Street in?",
        [
            "Permits for Alder Street are zone K, so make sure you apply for the right one.",
            "Got a ticket at half 4 yesterday, turns out they changed it again, 9am to 5pm Monday to Saturday now.",
        ],
        "zone K",
    ),
]

# name -> (LoCoMo conversation, changes or other things, known misses, seeds of insertion points it was measured at)
# The thirty-second set, written by a helper agent told only the format and a style (a family group chat: parents,
# adult siblings, a grandparent, coordinating kids' activities, a holiday, appointments, shared bills), that read
# none of this project's code, tests or docs; measured once, under the rules of 64c1ef4, and committed with those
# counts; no rule has been made on it.
SEALED_32 = [
    (
        "wait when is Maya's dance thing again? want to put it in my calendar",
        [
            "Maya's recital is Saturday the 14th at the high school auditorium, 6pm. free but reserve seats",
            "ugh they bumped the recital, auditorium was double booked. it's the 21st now",
            "ok FINAL answer from the studio: Sunday the 22nd, same time same place. sorry guys",
        ],
        "Sunday the 22nd",
    ),
    (
        "What time does Grandma have to be at the heart doctor on Tuesday?",
        [
            "Mom's cardiology appt is Tuesday at 10:30 with Dr Patel, can someone drive her? I have work",
            "Office called, they moved her to 1:15 same day",
            "scratch that, Dr Patel is running behind all week so they pushed Mom to 3:45. still Tuesday",
        ],
        "3:45",
    ),
    (
        "so whose house are we doing turkey at this year??",
        [
            "So Thanksgiving is at Rob and Jen's this year right? we hosted last year",
            "Jen's kitchen reno is NOT going to be done in time lol. Mom and Dad's maybe?",
            (
                "ok Mom says her oven is acting up so Aunt Carol offered. Thanksgiving at Aunt Carol's, "
                "she said bring chairs"
            ),
        ],
        "Aunt Carol's",
    ),
    (
        "whats the address for the beach house, need it for the gps",
        [
            "Booked the beach house for August!! It's 412 Dune Rd in Cape May",
            (
                "So the owner emailed, that place got storm damage and they're putting us in their other rental, "
                "88 Harbor View Lane. Same week, same price"
            ),
        ],
        "88 Harbor View Lane",
    ),
    (
        "How many people is the Easter brunch booking for at this point?",
        [
            "Made the reservation for Easter brunch at the Lakeside Inn, table for 9 at 10:30",
            "Tom's parents are coming after all so I called and bumped us up to 11",
            "and Lily's bringing the boyfriend apparently lol. so a table for 12, restaurant said no problem",
        ],
        "a table for 12",
    ),
    (
        "who's watching Biscuit while you guys are away?",
        [
            "While we're gone in August Biscuit is going to stay with our neighbor Dana",
            "Dana's out of town that week too, so Biscuit's going to the Happy Tails kennel on Route 9",
            "ok nevermind the kennel, Sarah's son Jake said he'll stay at our place with Biscuit for $20 a day",
        ],
        "Jake",
    ),
    (
        "what's the code to get into Mom's complex again",
        [
            "Gate code for Mom's condo is 4417#, in case you get there before me",
            "heads up the HOA reset everything, Mom's gate code is 2093# as of today",
        ],
        "2093#",
    ),
    (
        "What days is Ethan's practice? Trying to sort out carpool",
        [
            "Ethan's soccer practice is Mondays and Wednesdays 5:30 at Riverside Park",
            "coach just emailed, starting next week they're Tuesdays and Thursdays, same time same field",
        ],
        "Tuesdays and Thursdays",
    ),
    (
        "how long does Zoe's swim thing last? deciding if I should just wait there or run errands",
        [
            "Zoe's swim lessons are 30 min on Saturday mornings, I can drop her off",
            "She moved up to Level 3 so her class is 45 minutes from here on",
        ],
        "45 minutes",
    ),
    (
        "Who ended up going to get Linda at the airport?",
        [
            "Rob's getting Aunt Linda from the airport Friday night, she lands at 6:40",
            "Rob's stuck at work late so Megan's grabbing her",
            "ok Megan's car is in the shop. Dad's getting Linda, he's taking the minivan",
        ],
        "Dad",
    ),
    (
        "how much am I sending you for Mom's cable every month?",
        [
            "Mom's internet + cable is $96/mo, so $32 each for the three of us. Venmo me by the 1st",
            "Comcast jacked it up to $117 after the promo ended. so $39 each going forward, sorry",
        ],
        "$39 each",
    ),
    (
        "Does anyone have Grandma's new cell number? Mine keeps bouncing",
        [
            "Mom got a new phone! number is 610-555-0182, save it",
            "Ignore that number, the store set it up wrong. Her real one is 610-555-0139",
        ],
        "610-555-0139",
    ),
]


SEALED_32_MISSED = {  # 12 of 12 missed at seed 63 when first measured (64c1ef4)
    "Does anyone have Grandma's new cell number? Mine keeps bouncing",
    "How many people is the Easter brunch booking for at this point?",
    "What days is Ethan's practice? Trying to sort out carpool",
    "What time does Grandma have to be at the heart doctor on Tuesday?",
    "Who ended up going to get Linda at the airport?",
    "how long does Zoe's swim thing last? deciding if I should just wait there or run errands",
    "how much am I sending you for Mom's cable every month?",
    "so whose house are we doing turkey at this year??",
    "wait when is Maya's dance thing again? want to put it in my calendar",
    "what's the code to get into Mom's complex again",
    "whats the address for the beach house, need it for the gps",
    "who's watching Biscuit while you guys are away?",
}

SEALED_32_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (63, "How much food does Biscuit get?"),
    (63, "what side are you bringing for thanksgiving"),
    (64, "How much food does Biscuit get?"),
    (64, "what side are you bringing for thanksgiving"),
}

SEALED_32_OTHER = [
    (
        "what song is Maya's group dancing to?",
        [
            "Maya's group is doing their number to Here Comes the Sun, and she's in the front row!",
            "ok FINAL answer from the studio: Sunday the 22nd, same time same place. sorry guys",
        ],
        "Here Comes the Sun",
    ),
    (
        "Which card does Grandma need to bring to the cardiologist?",
        [
            "Reminder Mom needs her med list and the blue insurance card for cardiology, they won't see her without it",
            "scratch that, Dr Patel is running behind all week so they pushed Mom to 3:45. still Tuesday",
        ],
        "the blue insurance card",
    ),
    (
        "what side are you bringing for thanksgiving",
        [
            "For Thanksgiving I'm doing the sweet potato casserole and Dad's doing pies, nobody else make pie pls",
            (
                "ok Mom says her oven is acting up so Aunt Carol offered. Thanksgiving at Aunt Carol's, "
                "she said bring chairs"
            ),
        ],
        "the sweet potato casserole",
    ),
    (
        "How many bedrooms does the beach place have?",
        [
            "The beach house has 4 bedrooms plus a bunk room so the kids can all pile in together",
            (
                "So the owner emailed, that place got storm damage and they're putting us in their other rental, "
                "88 Harbor View Lane. Same week, same price"
            ),
        ],
        "4 bedrooms",
    ),
    (
        "do the kids have to pay for easter brunch?",
        [
            "Lakeside Inn brunch is $42 a head but kids under 10 eat free",
            "and Lily's bringing the boyfriend apparently lol. so a table for 12, restaurant said no problem",
        ],
        "kids under 10 eat free",
    ),
    (
        "How much food does Biscuit get?",
        [
            "Biscuit gets half a cup of food twice a day and his thyroid pill with breakfast. NO grapes",
            "ok nevermind the kennel, Sarah's son Jake said he'll stay at our place with Biscuit for $20 a day",
        ],
        "half a cup",
    ),
    (
        "which building is mom's unit in",
        [
            "Mom's unit is building C, second floor. park in the visitor spots by the pool",
            "heads up the HOA reset everything, Mom's gate code is 2093# as of today",
        ],
        "building C",
    ),
    (
        "what does Ethan have to bring to practice?",
        [
            "Ethan has to have shin guards at every practice, coach won't let him on the field without them",
            "coach just emailed, starting next week they're Tuesdays and Thursdays, same time same field",
        ],
        "shin guards",
    ),
    (
        "Who is Zoe's swim teacher?",
        [
            "Zoe's instructor is Ms. Alvarez, the one with the red whistle",
            "She moved up to Level 3 so her class is 45 minutes from here on",
        ],
        "Ms. Alvarez",
    ),
    (
        "what flight is Aunt Linda on",
        [
            "Linda's on United flight 1182 out of Denver",
            "ok Megan's car is in the shop. Dad's getting Linda, he's taking the minivan",
        ],
        "United flight 1182",
    ),
    (
        "whats your venmo again for the cable money",
        [
            "Venmo for the cable money is @Megan-Reyes-4, not my old one",
            "Comcast jacked it up to $117 after the promo ended. so $39 each going forward, sorry",
        ],
        "@Megan-Reyes-4",
    ),
    (
        "What kind of phone did Grandma end up getting?",
        [
            "Mom's new phone is one of those big-button Jitterbugs, she loves it",
            "Ignore that number, the store set it up wrong. Her real one is 610-555-0139",
        ],
        "Jitterbug",
    ),
]

# The thirty-third set, written the same way in another style (the staff group chat of a small restaurant: rota,
# deliveries, menu prices, codes, a private booking, the health inspection, tips).
SEALED_33 = [
    (
        "what day's the fish coming this week?",
        [
            "fyi fish delivery is tuesdays from here on, someone needs to be in by 7 to sign for it",
            "they bumped us to wed this week, their truck is in the shop",
            "nope, just got off the phone w them, it's thurs. plan the specials around that",
        ],
        "thurs",
    ),
    (
        "When is the repair tech actually coming for the walk-in?",
        [
            "Fridge repair guy booked for friday 9am, walk-in is holding at 41 which is NOT ok",
            "pushed to sat 11:30, they're slammed. keep the door shut pls",
        ],
        "11:30",
    ),
    (
        "whats the wifi password again",
        [
            "wifi pw for the back office is basil2024 (all lowercase)",
            "had to reset the router. new pw Rosemary!61",
        ],
        "Rosemary!61",
    ),
    (
        "What do I punch in for the alarm when I close tonight?",
        [
            "Alarm code is 4471, don't write it on the whiteboard again lol",
            "security co made us reset it after the false alarm. 9083 going fwd",
        ],
        "9083",
    ),
    (
        "how many are we expecting for the henderson thing",
        [
            "Henderson retirement party confirmed for the 28th, 40 guests",
            "they added a few, 46",
            "lol ok final final: 52. chef pls adjust the order",
        ],
        "52",
    ),
    (
        "When's the health inspector coming in?",
        [
            "Health inspection scheduled for the 14th, deep clean the night before",
            "inspector's office moved it to the 21st, deep clean still on",
        ],
        "21st",
    ),
    (
        "what time do we eat before service these days?",
        [
            "family meal at 4:15 today, chef's doing curry",
            "going fwd staff meal is 3:45 so FOH can eat before the 5 oclock rush",
        ],
        "3:45",
    ),
    (
        "Who ended up taking Jess's Saturday shift?",
        [
            "Priya is covering Jess's sat brunch shift",
            "scratch that, Priya's sick. Tom's got it",
        ],
        "Tom",
    ),
    (
        "how much are we charging for the burger",
        [
            "burger goes to $16 on the new menu",
            "owner says beef went up again, we ended up going with $18 for the burger",
        ],
        "$18",
    ),
    (
        "When are we getting our tips this week?",
        [
            "tips payout friday as usual",
            "bank's holding the deposit, won't be till Monday sorry guys",
            "ok good news it cleared early, payout Saturday after brunch",
        ],
        "Saturday",
    ),
    (
        "Who are we getting our produce from these days?",
        [
            "veg is coming from FreshWay starting next month",
            "trying Hilltop for a couple weeks, FreshWay's prices were a joke",
            "Hilltop kept shorting us on herbs so we ended up going with Green Valley Farms",
        ],
        "Green Valley",
    ),
    (
        "whats the latest we take delivery orders till",
        [
            "last delivery orders at 9:30 on weeknights",
            "kitchen wants delivery cut off at 9:15",
            "Dani can't do the late run anymore so 8:45 is the last delivery order. sorry",
        ],
        "8:45",
    ),
]


SEALED_33_MISSED = {  # 10 of 12 missed at seed 65 when first measured (64c1ef4)
    "When are we getting our tips this week?",
    "When is the repair tech actually coming for the walk-in?",
    "When's the health inspector coming in?",
    "Who are we getting our produce from these days?",
    "Who ended up taking Jess's Saturday shift?",
    "how many are we expecting for the henderson thing",
    "what day's the fish coming this week?",
    "what time do we eat before service these days?",
    "whats the latest we take delivery orders till",
    "whats the wifi password again",
}

SEALED_33_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (65, "how far out do we deliver"),
    (65, "where are we supposed to eat family meal"),
    (66, "how far out do we deliver"),
    (66, "where are we supposed to eat family meal"),
}

SEALED_33_OTHER = [
    (
        "who's our fish supplier?",
        [
            "fish comes from Atlantic Catch, their driver Ray usually parks out back",
            "nope, just got off the phone w them, it's thurs. plan the specials around that",
        ],
        "Atlantic Catch",
    ),
    (
        "what's the repair ticket number for the walk-in?",
        [
            "walk-in repair is through CoolTech, ticket # is 88213 if anyone calls",
            "pushed to sat 11:30, they're slammed. keep the door shut pls",
        ],
        "88213",
    ),
    (
        "what's the staff wifi network called?",
        [
            "staff wifi network is Bellini_Back, don't give it out to customers",
            "had to reset the router. new pw Rosemary!61",
        ],
        "Bellini_Back",
    ),
    (
        "What number do we call if the alarm goes off by mistake?",
        [
            "if the alarm goes off by accident call SecureOne at 555-0142 right away",
            "security co made us reset it after the false alarm. 9083 going fwd",
        ],
        "555-0142",
    ),
    (
        "how much was the deposit for the henderson party",
        [
            "Henderson deposit of $500 is paid, it's written in the book",
            "lol ok final final: 52. chef pls adjust the order",
        ],
        "$500",
    ),
    (
        "Who's the inspector this time?",
        [
            "inspector is a Ms. Okafor from the county, same one who came last year",
            "inspector's office moved it to the 21st, deep clean still on",
        ],
        "Okafor",
    ),
    (
        "where are we supposed to eat family meal",
        [
            "staff meal is in the back booth, NOT at the bar where guests can see",
            "going fwd staff meal is 3:45 so FOH can eat before the 5 oclock rush",
        ],
        "back booth",
    ),
    (
        "why is Jess off on Saturday?",
        [
            "Jess asked for sat off months ago for her sister's wedding, it's approved",
            "scratch that, Priya's sick. Tom's got it",
        ],
        "sister's wedding",
    ),
    (
        "What's the upcharge to swap fries for salad on the burger?",
        [
            "sub salad for fries on the burger is +$2, ring it in as a mod",
            "owner says beef went up again, we ended up going with $18 for the burger",
        ],
        "+$2",
    ),
    (
        "what cut of the tips does the kitchen get",
        [
            "tips are split by hours worked, kitchen pool gets 20%",
            "ok good news it cleared early, payout Saturday after brunch",
        ],
        "20%",
    ),
    (
        "By when do produce orders need to be in?",
        [
            "produce orders have to go in by noon the day before, no exceptions",
            "Hilltop kept shorting us on herbs so we ended up going with Green Valley Farms",
        ],
        "noon",
    ),
    (
        "how far out do we deliver",
        [
            "delivery radius stays 3 miles, nothing across the river",
            "Dani can't do the late run anymore so 8:45 is the last delivery order. sorry",
        ],
        "3 miles",
    ),
]


# The thirty-fourth set, written by a helper agent told only the format and a style (the organisers' chat of an
# amateur volunteer-run sports club), that read none of this project's code, tests or docs; measured once, under the
# rules of 64c1ef4, and committed with those counts unread, for the next rule to be measured on.
SEALED_34 = [
    (
        "what time do the under-12s kick off on saturday?",
        [
            "U12 fixture vs Hartley Rangers is KO 10:30 at their place",
            "they've bumped us to 11:15 cos of a pitch clash on their end",
            "nope scratch that, league says 9:45, sorry all - pls pass on to parents",
        ],
        "9:45",
    ),
    (
        "Who's taking the bus to Kettering this weekend?",
        [
            "Dave's driving the minibus to Kettering on sunday",
            "dave cant do it, his back's gone again. Priya said she'll drive",
            "ok ended up with Marcus behind the wheel, Priya got called in for a shift",
        ],
        "Marcus",
    ),
    (
        "whats the combo for the lockbox at the clubhouse?",
        [
            "Clubhouse key safe code is 4471 - don't put it on the public page!!",
            "Code's been reset after the break-in, its 8032",
        ],
        "8032",
    ),
    (
        "How much are the annual fees per child this year?",
        [
            "Subs for this season are £180 per player, payable by end of Sept",
            "committee agreed to knock it down a bit, £165 for the year",
            "Final word from Sandra: £155, vote was unanimous last night",
        ],
        "£155",
    ),
    (
        "who are we getting the shirts from in the end?",
        [
            "We're ordering the new home kit through Kitlocker this yr",
            "Kitlocker can't do the sponsor print in time so going with Teamwear Direct",
            "ended up going with Jacksons Sports in town, cheaper and they'll deliver by the 20th",
        ],
        "Jacksons Sports",
    ),
    (
        "when's the end of season presentation do?",
        [
            "Awards night booked for Friday 14th June at the cricket club",
            "that's been moved to the 21st, venue double booked us",
        ],
        "21st",
    ),
    (
        "Where are the under 10s training on tuesdays?",
        [
            "Tuesday training for U10s is on pitch 3 at Bramley Park",
            "council's shut pitch 3 for reseeding so we're on the astro behind the leisure centre til further notice",
        ],
        "astro behind the leisure centre",
    ),
    (
        "who's our first aid person on tournament day?",
        [
            "Rachel is first aider for the summer tournament",
            "Rachel's away that wknd so Tom's covering first aid",
            "Tom's course has lapsed apparently, so it'll be Gemma - she's got an in-date certificate",
        ],
        "Gemma",
    ),
    (
        "Who's reffing the under-14 cup tie?",
        [
            "Ref for the U14 cup game is Steve Ansell",
            "county FA have sent someone else, Mo Khan is reffing",
        ],
        "Mo Khan",
    ),
    (
        "how many teams are we sending to the easter tournament?",
        [
            "We've put two teams in for the Easter 7-a-side",
            "enough names for three teams so I've told the organisers",
            "Lots of late sign ups!! we're entering four sides in total",
        ],
        "four sides",
    ),
    (
        "where's everyone meeting before we head off sunday?",
        [
            "Meet at the Tesco car park for the away game on sunday, 8am sharp",
            "scratch Tesco, they've started clamping - meet at the clubhouse gates",
        ],
        "clubhouse gates",
    ),
    (
        "How long is each pre-season session going to be?",
        [
            "pre-season sessions are 90 mins, wednesdays",
            "coaches reckon that's too long for the little ones, cutting to an hour",
            "fyi we've settled on 75 minutes, compromise w the parents",
        ],
        "75 minutes",
    ),
]


SEALED_34_MISSED = {  # 12 of 12 missed at seed 67 when first measured (64c1ef4)
    "How long is each pre-season session going to be?",
    "How much are the annual fees per child this year?",
    "Where are the under 10s training on tuesdays?",
    "Who's reffing the under-14 cup tie?",
    "Who's taking the bus to Kettering this weekend?",
    "how many teams are we sending to the easter tournament?",
    "what time do the under-12s kick off on saturday?",
    "whats the combo for the lockbox at the clubhouse?",
    "when's the end of season presentation do?",
    "where's everyone meeting before we head off sunday?",
    "who are we getting the shirts from in the end?",
    "who's our first aid person on tournament day?",
}

SEALED_34_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (67, "where's the key box actually mounted?"),
    (68, "where's the key box actually mounted?"),
}

SEALED_34_OTHER = [
    (
        "where is hartley's pitch again?",
        [
            "Hartley Rangers ground is on Mill Lane, parking round the back by the cricket nets",
            "nope scratch that, league says 9:45, sorry all - pls pass on to parents",
        ],
        "Mill Lane",
    ),
    (
        "where do we keep the keys for the minibus?",
        [
            "fyi minibus keys live in the blue tin on top of the fridge in the bar",
            "ok ended up with Marcus behind the wheel, Priya got called in for a shift",
        ],
        "blue tin on top of the fridge",
    ),
    (
        "where's the key box actually mounted?",
        [
            "The key safe is on the left of the changing room door, behind the drainpipe",
            "Code's been reset after the break-in, its 8032",
        ],
        "behind the drainpipe",
    ),
    (
        "is there still a discount for brothers and sisters? how much",
        [
            "Sibling discount stays at 10% off the second child",
            "Final word from Sandra: £155, vote was unanimous last night",
        ],
        "10%",
    ),
    (
        "Which business is sponsoring the kit?",
        [
            "Kit sponsor is Morley's Bakery, logo goes on the front of the shirt",
            "ended up going with Jacksons Sports in town, cheaper and they'll deliver by the 20th",
        ],
        "Morley's Bakery",
    ),
    (
        "how many trophies did we order for the awards?",
        [
            "Trophies for awards night are ordered from Engrave-It, 38 in total",
            "that's been moved to the 21st, venue double booked us",
        ],
        "38",
    ),
    (
        "what time does the U10 session finish?",
        [
            "U10 training always runs 6 till 7:15, parents pls be prompt at pick-up",
            "council's shut pitch 3 for reseeding so we're on the astro behind the leisure centre til further notice",
        ],
        "7:15",
    ),
    (
        "where do we keep the first aid bag?",
        [
            "First aid kit and ice packs are in the grey cupboard in the kitchen, restocked last week",
            "Tom's course has lapsed apparently, so it'll be Gemma - she's got an in-date certificate",
        ],
        "grey cupboard in the kitchen",
    ),
    (
        "How much do we pay the ref for the cup match?",
        [
            "Ref's match fee for the cup game is £35, cash on the day pls",
            "county FA have sent someone else, Mo Khan is reffing",
        ],
        "£35",
    ),
    (
        "What's the entry fee per team for the Easter tournament?",
        [
            "Easter 7-a-side entry is £40 per team, payable to Carlton Juniors",
            "Lots of late sign ups!! we're entering four sides in total",
        ],
        "£40 per team",
    ),
    (
        "what do the kids need to bring on away days?",
        [
            "Away trips: kids need to bring a packed lunch and the club tracksuit",
            "scratch Tesco, they've started clamping - meet at the clubhouse gates",
        ],
        "packed lunch",
    ),
    (
        "who's running pre-season?",
        [
            "Pre-season is led by Coach Lena, she's ex-academy",
            "fyi we've settled on 75 minutes, compromise w the parents",
        ],
        "Coach Lena",
    ),
]

# The thirty-fifth set, written the same way in another style (a small company's team chat: an office move, on-call,
# a staging server, payroll, a client demo), committed unread too.
SEALED_35 = [
    (
        "what do i punch into the keypad at the front door?",
        [
            "new office door code is 4417# — pls don't write it on the whiteboard lol",
            "landlord reset the keypad over the weekend, code's 8803# going fwd",
            "ugh scratch that, 8803 clashed w/ the alarm panel. use 2951# from here on",
        ],
        "2951#",
    ),
    (
        "when's the company-wide meeting this week?",
        [
            "All-hands is Mondays at 10:30 in the big room, starting next week",
            "heads up, all-hands is shifting to 11:15 mondays — Priya's got a board call at 10",
            "ok final answer: tuesdays 4pm, same room. calendar invite going out in a sec",
        ],
        "tuesdays 4pm",
    ),
    (
        "Where are we actually doing the offsite?",
        [
            "Offsite venue is booked!! Harlow Farm Lodge, Sept 18-19",
            "they bumped us — Harlow double-booked the weekend. ended up going with the Pinecrest Inn in Bridgeton",
        ],
        "Pinecrest Inn",
    ),
    (
        "who's holding the pager rn? prod is acting weird",
        [
            "on-call this week is Marco, pager's forwarded to him",
            "Marco's out sick, Jess is covering on-call till fri",
            "nope, Jess has jury duty lol. Tomasz has the pager thru sunday",
        ],
        "Tomasz",
    ),
    (
        "whats the url for the test env again",
        [
            "staging is at stg.corvid-internal.net, creds in 1pass",
            "fyi we migrated staging last night, it lives at staging2.corvid-internal.net going forward",
        ],
        "staging2.corvid-internal.net",
    ),
    (
        "Which VPN client am I supposed to have installed on my laptop?",
        [
            "VPN: use the WireGuard config Sam sent around, endpoint vpn.corvid.io port 51820",
            "per IT we're moving to Tailscale — uninstall wireguard and join the tailnet by friday",
        ],
        "Tailscale",
    ),
    (
        "how much can i spend on a client dinner before i need someone to sign off?",
        [
            "reminder the expense limit w/o approval is $75 per meal",
            "per finance, going fwd it's $50/meal, anything over needs Priya's ok",
            "ok Priya caved after the sales team revolted, back up to $60",
        ],
        "$60",
    ),
    (
        "wait when's payday with the new system?",
        [
            "payroll runs on the 15th and the last business day of the month",
            "heads up: new payroll provider means we're on biweekly fridays starting in march",
        ],
        "biweekly fridays",
    ),
    (
        "When are we showing Acme the product?",
        [
            "Acme demo is locked for Thursday the 12th at 2pm",
            "Acme asked to push, demo's Tues the 17th",
            "lol they pushed again. 19th, same time, their CTO wants in",
        ],
        "19th",
    ),
    (
        "who do we get our beans from these days",
        [
            "coffee's from Blue Heron Roasters, delivery every other monday",
            "we ended up going with Ridgeline Coffee Co — cheaper and they do oat milk too",
        ],
        "Ridgeline Coffee Co",
    ),
    (
        "how many parking spaces do we actually get in the garage?",
        [
            "we have 6 spots in the garage under the building, level P2",
            "bad news, building mgmt clawed back two, we're down to 4 spots. first come first served",
        ],
        "4 spots",
    ),
    (
        "where's food coming from this friday?",
        [
            "friday lunch is Taqueria El Sol, put your order in the sheet by 11",
            "El Sol is closed for renos, doing Bao House this week",
            "Bao House can't do 20 ppl on short notice, we're getting Luigi's pizza",
        ],
        "Luigi's",
    ),
]


SEALED_35_MISSED = {  # 12 of 12 missed at seed 69 when first measured (64c1ef4)
    "When are we showing Acme the product?",
    "Where are we actually doing the offsite?",
    "Which VPN client am I supposed to have installed on my laptop?",
    "how many parking spaces do we actually get in the garage?",
    "how much can i spend on a client dinner before i need someone to sign off?",
    "wait when's payday with the new system?",
    "what do i punch into the keypad at the front door?",
    "whats the url for the test env again",
    "when's the company-wide meeting this week?",
    "where's food coming from this friday?",
    "who do we get our beans from these days",
    "who's holding the pager rn? prod is acting weird",
}

SEALED_35_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (70, "How often does the test environment get reset?"),
}

SEALED_35_OTHER = [
    (
        "who has the fob if i get in before the keypad turns on?",
        [
            "fyi the front keypad only works after 7am, before that you need the fob from Dana",
            "ugh scratch that, 8803 clashed w/ the alarm panel. use 2951# from here on",
        ],
        "Dana",
    ),
    (
        "if i miss the all-hands where can i watch it after?",
        [
            "all-hands always gets recorded and dropped in #announcements for anyone who misses it",
            "ok final answer: tuesdays 4pm, same room. calendar invite going out in a sec",
        ],
        "#announcements",
    ),
    (
        "what time does the shuttle to the offsite leave?",
        [
            "for the offsite, the bus leaves from the office at 8:15am sharp, don't be late",
            "they bumped us — Harlow double-booked the weekend. ended up going with the Pinecrest Inn in Bridgeton",
        ],
        "8:15am",
    ),
    (
        "how long before an unacked page escalates to the backup?",
        [
            "reminder: on-call escalation kicks in after 15 min with no ack, goes to Ravi as backup",
            "nope, Jess has jury duty lol. Tomasz has the pager thru sunday",
        ],
        "15 min",
    ),
    (
        "How often does the test environment get reset?",
        [
            "staging gets wiped and reseeded every night at 2am UTC, don't keep anything there you care about",
            "fyi we migrated staging last night, it lives at staging2.corvid-internal.net going forward",
        ],
        "every night at 2am UTC",
    ),
    (
        "who do i bug to get vpn access set up?",
        [
            "VPN access requests go through Hollis, just DM him your laptop serial #",
            "per IT we're moving to Tailscale — uninstall wireguard and join the tailnet by friday",
        ],
        "Hollis",
    ),
    (
        "what's the deadline for getting receipts in?",
        [
            "receipts go in Expensify within 30 days or they won't get reimbursed, sorry",
            "ok Priya caved after the sales team revolted, back up to $60",
        ],
        "30 days",
    ),
    (
        "where do i download my paystubs?",
        [
            "payroll provider is Gusto, log in there for your paystubs and W-2s",
            "heads up: new payroll provider means we're on biweekly fridays starting in march",
        ],
        "Gusto",
    ),
    (
        "Who's presenting the slides for the Acme demo?",
        [
            "Acme demo will be on Zoom, Leah's running the deck and Ben's driving the live product",
            "lol they pushed again. 19th, same time, their CTO wants in",
        ],
        "Leah",
    ),
    (
        "how much do we spend on coffee a month?",
        [
            "the coffee budget is $220/month, ping me before you order anything fancy",
            "we ended up going with Ridgeline Coffee Co — cheaper and they do oat milk too",
        ],
        "$220/month",
    ),
    (
        "which street do i turn onto for the garage entrance?",
        [
            "garage entrance is on Wexford St, not the main road — gate opens with your badge",
            "bad news, building mgmt clawed back two, we're down to 4 spots. first come first served",
        ],
        "Wexford St",
    ),
    (
        "how much does the company cover per person for friday lunch?",
        [
            "friday lunch is on the company up to $18 a head, anything extra is on you",
            "Bao House can't do 20 ppl on short notice, we're getting Luigi's pizza",
        ],
        "$18 a head",
    ),
]


# The thirty-sixth set, written by a helper agent told only the format and a style (the parents' group chat of a
# primary-school class), that read none of this project's code, tests or docs; measured once, under the rules of
# 64c1ef4, and committed with those counts unread, for the next rule to be measured on.
SEALED_36 = [
    (
        "when's the aquarium outing actually happening in the end?",
        [
            "Year 2 trip to Sea Life is booked for Thurs 13th Nov, letter coming home in book bags today",
            "ugh coach company double booked so school says it's Tues 18th Nov apparently",
            "Office just rang round - scratch the 18th, it's going ahead Weds 26th Nov 🙄",
        ],
        "Weds 26th Nov",
    ),
    (
        "How much is the Sea Life day costing us per kid?",
        [
            "Trip cost is £14.50 per child, pay on ParentPay by half term pls",
            "PTA are subsidising part of the coach so it's come down to £9 x",
        ],
        "£9",
    ),
    (
        "which days do they need their PE kit in again?",
        [
            "Reminder PE is Monday and Thursday this term, full kit in school all week",
            "Mrs Patel says PE swapped to Tues & Fri because the hall's being used for assessments",
            "nope, it's Wednesday and Friday - TA confirmed at pickup",
        ],
        "Wednesday and Friday",
    ),
    (
        "Who is teaching Oak class while Miss Hartley is away?",
        [
            "Miss Hartley is off for the next two weeks, Mr Okafor is covering Oak class",
            "fyi it'll be Mrs Lindqvist from Monday, Mr Okafor got moved to Year 5",
        ],
        "Mrs Lindqvist",
    ),
    (
        "where's the cake stall going to be on friday?",
        [
            "Bake sale is Friday after school in the main hall, drop cakes at the office in the morning",
            "Bake sale's going outside on the KS1 playground if it's dry, hall is taken by the book fair",
            "ok they ended up going with the dining room, forecast is awful",
        ],
        "the dining room",
    ),
    (
        "what time are the kids doing the run-through for the christmas play?",
        [
            "Dress rehearsal for the nativity is Tues at 2pm, costumes need to be in by Monday",
            "They've bumped the dress rehearsal to 9.30am same day",
        ],
        "9.30am",
    ),
    (
        "what time do we grab them on the last day before xmas?",
        [
            "Last day of term is a 1.30 finish, kids collected from the classroom door",
            "Correction from the office - 2pm finish not half one, collection from the front gate",
            "Oh and it's 1.45 lol, they sent another text. front gate still",
        ],
        "1.45",
    ),
    (
        "who do I chase about a missing school jumper?",
        [
            "For lost property email Mrs Doyle in the office, she keeps the box behind reception",
            "Mrs Doyle's retired!! Lost property goes to Sandra Mills, same email address",
        ],
        "Sandra Mills",
    ),
    (
        "How much are we each putting in for the teacher present?",
        [
            "For Miss Hartley's Christmas present we're suggesting £5 per family, send to me via bank transfer",
            "Loads of people asked to keep it lower so let's say £3, any extra very welcome",
            "Ok final answer - £4 per family covers the voucher + flowers, sorry for the faff!",
        ],
        "£4 per family",
    ),
    (
        "anyone got the code to get onto the homework app?",
        [
            "Class code for Seesaw is OAK2-7731 if anyone lost the letter",
            "Seesaw code's been reset after someone posted it on fb 🙈 new one is OAK2-9904",
        ],
        "OAK2-9904",
    ),
    (
        "how many swim sessions are they getting this term?",
        [
            "Swimming starts after half term, 6 weeks on Thursday mornings at Fairfield Leisure Centre",
            "Just heard swimming's been extended to 8 weeks as the pool had cancellations",
            "apparently back down to 5 weeks, lost one to the pool closure. don't shoot the messenger",
        ],
        "5 weeks",
    ),
    (
        "How long do we actually get with the teacher at parents evening?",
        [
            "Parents' evening slots open on the booking system Monday 7pm, 10 min appointments",
            "Slots are only 5 mins each this year apparently, so be quick with questions",
        ],
        "5 mins",
    ),
]


SEALED_36_MISSED = {  # 11 of 12 missed at seed 71 when first measured (64c1ef4)
    "How long do we actually get with the teacher at parents evening?",
    "How much are we each putting in for the teacher present?",
    "How much is the Sea Life day costing us per kid?",
    "anyone got the code to get onto the homework app?",
    "how many swim sessions are they getting this term?",
    "what time are the kids doing the run-through for the christmas play?",
    "what time do we grab them on the last day before xmas?",
    "when's the aquarium outing actually happening in the end?",
    "where's the cake stall going to be on friday?",
    "which days do they need their PE kit in again?",
    "who do I chase about a missing school jumper?",
}

SEALED_36_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (71, "Do we know when their proper teacher is coming back?"),
    (71, "Who do we talk to if paying for the trip is tricky?"),
    (71, "how much are the cakes going for?"),
    (71, "what do they need to take for swimming?"),
    (72, "Do we know when their proper teacher is coming back?"),
    (72, "Who do we talk to if paying for the trip is tricky?"),
    (72, "how much are the cakes going for?"),
    (72, "what do they need to take for swimming?"),
}

SEALED_36_OTHER = [
    (
        "what time does the coach go on the aquarium day?",
        [
            "Coach leaves at 8.45 sharp on trip day so please don't be late, it won't wait",
            "Office just rang round - scratch the 18th, it's going ahead Weds 26th Nov 🙄",
        ],
        "8.45",
    ),
    (
        "Who do we talk to if paying for the trip is tricky?",
        [
            "If the trip money is a problem just have a quiet word with Mrs Akhtar, all confidential",
            "PTA are subsidising part of the coach so it's come down to £9 x",
        ],
        "Mrs Akhtar",
    ),
    (
        "what colour PE stuff do they need?",
        [
            "PE kit is navy shorts and white t-shirt, plain is fine no logo needed",
            "nope, it's Wednesday and Friday - TA confirmed at pickup",
        ],
        "navy shorts and white t-shirt",
    ),
    (
        "Do we know when their proper teacher is coming back?",
        [
            "Miss Hartley's expected back after half term, she's had a small op, nothing serious",
            "fyi it'll be Mrs Lindqvist from Monday, Mr Okafor got moved to Year 5",
        ],
        "after half term",
    ),
    (
        "how much are the cakes going for?",
        [
            "Everything at the bake sale is 50p so send coins not notes pls",
            "ok they ended up going with the dining room, forecast is awful",
        ],
        "50p",
    ),
    (
        "How many tickets does each family get for the nativity?",
        [
            "Tickets for the actual nativity are 2 per family, forms back to the office by 5th Dec",
            "They've bumped the dress rehearsal to 9.30am same day",
        ],
        "2 per family",
    ),
    (
        "how much do they bring for xmas jumper day?",
        [
            "Last day is Christmas jumper day too, £1 donation to Save the Children",
            "Oh and it's 1.45 lol, they sent another text. front gate still",
        ],
        "£1",
    ),
    (
        "how often do they empty the lost property box?",
        [
            "Lost property gets cleared the last Friday of every month, unnamed stuff goes to the PTA uniform sale",
            "Mrs Doyle's retired!! Lost property goes to Sandra Mills, same email address",
        ],
        "the last Friday of every month",
    ),
    (
        "What's the sort code for sending the gift money?",
        [
            "Sort code for the gift collection is 20-45-77, account name J Whitford, ref your child's name",
            "Ok final answer - £4 per family covers the voucher + flowers, sorry for the faff!",
        ],
        "20-45-77",
    ),
    (
        "when do spellings have to be done by?",
        [
            "Spelling homework goes up on Seesaw every Friday and is due the following Wednesday",
            "Seesaw code's been reset after someone posted it on fb 🙈 new one is OAK2-9904",
        ],
        "the following Wednesday",
    ),
    (
        "what do they need to take for swimming?",
        [
            "Swimmers need a hat and goggles, and no jewellery at all incl earrings",
            "apparently back down to 5 weeks, lost one to the pool closure. don't shoot the messenger",
        ],
        "a hat and goggles",
    ),
    (
        "where do we go for the parent teacher meetings?",
        [
            "Parents evening is held in the library, go in via the side entrance by the bike shed",
            "Slots are only 5 mins each this year apparently, so be quick with questions",
        ],
        "the library",
    ),
]

# The thirty-seventh set, written the same way in another style (a freelance designer's messages to an AI assistant:
# clients, rates, invoices, renewals), committed unread too.
SEALED_37 = [
    (
        "when's my Nordlicht handoff?",
        [
            "final files due to the Nordlicht team on the 22nd, need to block out the week before",
            "client pushed it to the 30th, phew",
        ],
        "the 30th",
    ),
    (
        "What's my day rate with Brightwell at the moment?",
        [
            "Brightwell agreed to £450/day for the rebrand work, starting Feb",
            "good news they bumped me to £520 a day from march onwards",
        ],
        "£520",
    ),
    (
        "how much am i actually waiting on from hollis",
        [
            "sent Hollis & Co invoice INV-0412 today, €3,200, due 15 April",
            "ugh forgot to add the extra revision round, reissued it at €3,650",
            (
                "Hollis asked to split the payment so the invoice I'm chasing this month is €1,900, "
                "rest goes on next month's"
            ),
        ],
        "€1,900",
    ),
    (
        "which desk am I at in loomworks",
        [
            "got a fixed desk at Loomworks!! desk 14, near the kitchen",
            "scratch that, they moved me to desk 9 by the window",
            "nope, desk 22 now. upstairs, quieter anyway",
        ],
        "desk 22",
    ),
    (
        "Who's doing my tax return this year?",
        [
            "my accountant this year is Dev Malhotra, recommended by Jess",
            "Dev's fully booked til june so ended up going with Sandra Okafor",
        ],
        "Sandra Okafor",
    ),
    (
        "what time is the ferngrove kickoff",
        [
            "kickoff w Tamsin from Ferngrove tues 10am, video call",
            "fyi ferngrove kickoff moved to 2:30 same day",
            "they bumped it again lol. Wed 9:15",
        ],
        "Wed 9:15",
    ),
    (
        "when do i need to renew the website address",
        [
            "studio domain renews on 3 June, remember card expires before then",
            "transferred the domain to Porkbun, renewal date is 19 Aug going forward",
        ],
        "19 Aug",
    ),
    (
        "what time's my gym thing this term?",
        [
            "signed up for the 7am spin class on mondays",
            "spin was killing me, switched to kettlebells wed 6:15pm",
        ],
        "6:15pm",
    ),
    (
        "How much will I be paying in rent from May?",
        [
            "landlord says rent's going up to £1,180 from May",
            "after a bit of back and forth he settled on £1,140",
        ],
        "£1,140",
    ),
    (
        "what time am I speaking at designdays",
        [
            "DesignDays confirmed my talk! day 2, 11:40, room B",
            "organisers shuffled the programme, I'm on at 14:05",
            "final schedule's out - 16:20 in the main hall, closing slot before drinks",
        ],
        "16:20",
    ),
    (
        "How much warning do I have to give Ostara if I want out of the retainer?",
        [
            "Ostara retainer has a 30 day notice period either side",
            "per the new contract it's 60 days notice",
        ],
        "60 days",
    ),
    (
        "what ref do i put on quarry lane invoices",
        [
            "Quarry Lane job code is QL-0884, put it on every invoice or they bounce it",
            "their finance reissued the PO, use QL-0907 from here on",
        ],
        "QL-0907",
    ),
]


SEALED_37_MISSED = {  # 12 of 12 missed at seed 73 when first measured (64c1ef4)
    "How much warning do I have to give Ostara if I want out of the retainer?",
    "How much will I be paying in rent from May?",
    "What's my day rate with Brightwell at the moment?",
    "Who's doing my tax return this year?",
    "how much am i actually waiting on from hollis",
    "what ref do i put on quarry lane invoices",
    "what time am I speaking at designdays",
    "what time is the ferngrove kickoff",
    "what time's my gym thing this term?",
    "when do i need to renew the website address",
    "when's my Nordlicht handoff?",
    "which desk am I at in loomworks",
}

SEALED_37_OTHER_MISSED = {  # (seed, question): missed when first measured (64c1ef4)
    (73, "what's my website domain again"),
    (73, "where do i email the hollis invoices"),
    (74, "what's my website domain again"),
    (74, "where do i email the hollis invoices"),
}

SEALED_37_OTHER = [
    (
        "who's my point of contact at nordlicht?",
        [
            "Nordlicht's art director is Jonas Weber, everything goes through him not the CEO",
            "client pushed it to the 30th, phew",
        ],
        "Jonas Weber",
    ),
    (
        "What are Brightwell's payment terms?",
        [
            "Brightwell pays net 30, invoices to Lena in finance",
            "good news they bumped me to £520 a day from march onwards",
        ],
        "net 30",
    ),
    (
        "where do i email the hollis invoices",
        [
            "hollis invoices go to accounts@hollisandco.com, NOT to Mark directly",
            (
                "Hollis asked to split the payment so the invoice I'm chasing this month is €1,900, "
                "rest goes on next month's"
            ),
        ],
        "accounts@hollisandco.com",
    ),
    (
        "whats the code to get in to the coworking after hours",
        [
            "loomworks door code is 4471# after 7pm",
            "nope, desk 22 now. upstairs, quieter anyway",
        ],
        "4471#",
    ),
    (
        "how much is the accountant costing me",
        [
            "accountant charges £380 flat for the self assessment, VAT on top",
            "Dev's fully booked til june so ended up going with Sandra Okafor",
        ],
        "£380",
    ),
    (
        "How many revision rounds am I giving Ferngrove?",
        [
            "Ferngrove contract includes 3 rounds of revisions, anything extra is billed hourly",
            "they bumped it again lol. Wed 9:15",
        ],
        "3 rounds",
    ),
    (
        "what's my website domain again",
        [
            "the studio domain is marabeck.studio btw",
            "transferred the domain to Porkbun, renewal date is 19 Aug going forward",
        ],
        "marabeck.studio",
    ),
    (
        "which locker is mine at the gym?",
        [
            "gym locker is no. 57, combo is my birth year",
            "spin was killing me, switched to kettlebells wed 6:15pm",
        ],
        "57",
    ),
    (
        "what's the landlord's number",
        [
            "landlord is Mr Ferreira, 07700 900412, texts work better than calls",
            "after a bit of back and forth he settled on £1,140",
        ],
        "07700 900412",
    ),
    (
        "Which city is DesignDays in this year?",
        [
            "DesignDays is in Rotterdam this year, hotel's already booked",
            "final schedule's out - 16:20 in the main hall, closing slot before drinks",
        ],
        "Rotterdam",
    ),
    (
        "how many hours a month is ostara paying for",
        [
            "Ostara retainer covers 12 hours a month, unused hours don't roll over",
            "per the new contract it's 60 days notice",
        ],
        "12 hours",
    ),
    (
        "who do I talk to at quarry lane about POs?",
        [
            "Quarry Lane contact is Bea Lindqvist in procurement",
            "their finance reissued the PO, use QL-0907 from here on",
        ],
        "Bea Lindqvist",
    ),
]


# The thirty-eighth set, written blind on 2026-12-07 by a helper agent told only the format and a style (a bakery-café
# owner's messages to an AI assistant: suppliers, staff, prices, events; no port or server topics), with the
# assistant's reply to each statement (`acknowledgements.json`); committed with its counts when first measured
# (951d480), misses as strict xfails.
SEALED_38 = [
    (
        "which day does the flour come now?",
        [
            "hartley mills are doing our flour deliveries on tuesdays from now on, usually before 8",
            "hartley rang, they're moving us to wednesday bc the driver's got a new route",
            "ugh they've pushed it again. thursday from next week, same time apparently",
        ],
        "thursday",
    ),
    (
        "how much are we charging for croissants atm",
        [
            "croissants going up to £2.40 from monday. also we're out of blue roll, add to the cash & carry list pls",
            "butter's gone up AGAIN so croissants will be £2.75 now, can u remind me to change the chalkboard",
        ],
        "£2.75",
    ),
    (
        "who's opening on saturdays now?",
        [
            "jess is doing the saturday opens this month",
            "jess cant do sats anymore, her uni timetable changed. priya said she'd cover them",
            "actually priya's swapped with Marek so he's on saturday mornings now, she's taking his tuesday",
        ],
        "Marek",
    ),
    (
        "when's the elmbrook market again?",
        [
            "signed us up for a stall at the Elmbrook farmers market, it's on the 14th. need to sort a gazebo",
            "market's been moved to the 21st, council roadworks on the high st",
        ],
        "21st",
    ),
    (
        "when is brewfix coming to service the coffee machine",
        [
            "espresso machine service booked with BrewFix, friday 10am",
            "brewfix tech is off sick so they've rebooked us for monday",
            "they rang back, can do sunday 2pm instead which is way better since we're shut",
        ],
        "sunday 2pm",
    ),
    (
        "how many dozen eggs are we getting from fenwick each week",
        [
            "standing order with Fenwick Farm is 30 dozen eggs a week",
            "ok bump fenwick up to 36 dozen, the quiches are flying out",
            "drop the eggs back a bit, 32 dozen is plenty, we binned loads last week",
        ],
        "32 dozen",
    ),
    (
        "who's getting leo on wednesdays",
        [
            "my mum's picking leo up from school on wednesdays",
            "mum's hip is playing up so Rob's going to grab leo on weds instead",
        ],
        "Rob",
    ),
    (
        "how many tiers is the okafor cake",
        [
            "wedding cake order for the Okafors - 3 tiers, lemon and elderflower, for 9 june",
            "okafors want 4 tiers now, guest list got bigger. same flavour",
        ],
        "4 tiers",
    ),
    (
        "when's the new oven arriving?",
        [
            "new deck oven from Rexford Catering is coming 3 may!!",
            "rexford emailed, the oven's delayed till 17 may, stuck at customs apparently",
            "another delay on the oven, now they're saying 24 may at the earliest. can you draft me a stroppy email "
            "to them",
        ],
        "24 may",
    ),
    (
        "what time do we shut on weekdays now?",
        [
            "summer opening hours: 7:30 to 4 every day except sunday",
            "from july we'll stay open til 5:30 on weekdays, the after-school crowd is worth it",
        ],
        "5:30",
    ),
    (
        "what's aisha's hourly rate now",
        [
            "aisha is on £11.60 an hour",
            "giving aisha a raise to £12.25 from next payroll, she's been brilliant. can you remind me to tell the "
            "payroll lady",
        ],
        "£12.25",
    ),
    (
        "when am i seeing glenda about the vat",
        [
            "meeting with Glenda (accountant) on the 2nd at 3pm about vat",
            "glenda moved it to 4:30, same day",
            "scratch that, she wants to do it on a video call on the 5th instead, 11am",
        ],
        "the 5th",
    ),
]

SEALED_38_MISSED = {  # 11 of 12 missed at seed 75 when first measured (951d480)
    "how many dozen eggs are we getting from fenwick each week",
    "how many tiers is the okafor cake",
    "what time do we shut on weekdays now?",
    "what's aisha's hourly rate now",
    "when am i seeing glenda about the vat",
    "when is brewfix coming to service the coffee machine",
    "when's the elmbrook market again?",
    "when's the new oven arriving?",
    "which day does the flour come now?",
    "who's getting leo on wednesdays",
    "who's opening on saturdays now?",
}

SEALED_38_OTHER_MISSED = {  # (seed, question): missed when first measured (951d480)
    (75, "what are our sunday hours?"),
    (75, "what time does the sat opener need to be in?"),
    (75, "which days does aisha close?"),
    (75, "which electrician is doing the oven wiring?"),
    (76, "what are our sunday hours?"),
    (76, "what time does the sat opener need to be in?"),
    (76, "which days does aisha close?"),
    (76, "which electrician is doing the oven wiring?"),
}

SEALED_38_OTHER = [
    (
        "whats the min order with the flour people?",
        [
            "hartley's minimum order is 10 sacks, under that they charge £15 delivery",
            "ugh they've pushed it again. thursday from next week, same time apparently",
        ],
        "10 sacks",
    ),
    (
        "how many croissants do we make per batch?",
        [
            "we do croissants in batches of 48, any more and the laminating takes forever",
            "butter's gone up AGAIN so croissants will be £2.75 now, can u remind me to change the chalkboard",
        ],
        "48",
    ),
    (
        "what time does the sat opener need to be in?",
        [
            "whoever opens on saturday has to be in by 6:45 to get the bakes in the oven",
            "actually priya's swapped with Marek so he's on saturday mornings now, she's taking his tuesday",
        ],
        "6:45",
    ),
    (
        "how much was the market pitch?",
        [
            "elmbrook market pitch fee is £35, paid it today",
            "market's been moved to the 21st, council roadworks on the high st",
        ],
        "£35",
    ),
    (
        "what model is our coffee machine?",
        [
            "if brewfix ask, the espresso machine's a Ventura 2-group, bought in 2019",
            "brewfix tech is off sick so they've rebooked us for monday",
        ],
        "Ventura 2-group",
    ),
    (
        "who do i call at fenwick?",
        [
            "the guy to ring at fenwick farm is Hal, not the office, he actually answers",
            "drop the eggs back a bit, 32 dozen is plenty, we binned loads last week",
        ],
        "Hal",
    ),
    (
        "what time does leo finish on wednesdays?",
        [
            "leo's school has an early finish on weds, 3:15 not 3:30",
            "mum's hip is playing up so Rob's going to grab leo on weds instead",
        ],
        "3:15",
    ),
    (
        "how much deposit did the okafors pay?",
        [
            "okafors paid the £120 deposit, rest due when they collect",
            "okafors want 4 tiers now, guest list got bigger. same flavour",
        ],
        "£120",
    ),
    (
        "which electrician is doing the oven wiring?",
        [
            "new oven needs a 3 phase supply, Dermot the electrician is sorting it",
            "rexford emailed, the oven's delayed till 17 may, stuck at customs apparently",
        ],
        "Dermot",
    ),
    (
        "what are our sunday hours?",
        [
            "sundays we're open 9 to 2, not touching that",
            "from july we'll stay open til 5:30 on weekdays, the after-school crowd is worth it",
        ],
        "9 to 2",
    ),
    (
        "which days does aisha close?",
        [
            "aisha does the wed and thurs closes, she's our best closer tbh",
            "giving aisha a raise to £12.25 from next payroll, she's been brilliant. can you remind me to tell the "
            "payroll lady",
        ],
        "wed and thurs",
    ),
    (
        "how much is glenda charging for the year end stuff?",
        [
            "glenda charges £450 for the year end accounts, invoice comes in april",
            "scratch that, she wants to do it on a video call on the 5th instead, 11am",
        ],
        "£450",
    ),
]


# The thirty-ninth set, written blind on 2026-12-07 by a helper agent told only the format and a style (a graduate
# student who coaches a youth swim team, to an AI assistant: lab, deadlines, meets, flat; no port or server topics),
# with the assistant's reply to each statement (`acknowledgements.json`); committed with its counts when first
# measured (951d480), misses as strict xfails.
SEALED_39 = [
    (
        "when's lab mtg now?",
        [
            "lab mtg w/ prof hale is tuesdays at 2, bldg 4 rm 118. can you remind me the day before?",
            "hale pushed lab mtg to thurs, same time same room",
            "ugh nvm thurs clashes w/ half the lab's classes so it's wed at 3 now",
        ],
        "wed at 3",
    ),
    (
        "what time do warmups start sat?",
        [
            "sat meet warmups start at 7:15, i need to be on deck by 7 to set up the team tent",
            "meet director emailed, warmups pushed to 8:45 bc the pool got double booked",
            "lol now it's earlier again, 7:40. the other club cancelled",
        ],
        "7:40",
    ),
    (
        "how much is rent now?",
        [
            "rent is $725/mo, due on the 1st, i venmo priya and she pays the landlord",
            "landlord sent a letter, rent's going up to $760 starting nov. annoying",
        ],
        "$760",
    ),
    (
        "when are my TA hrs these days?",
        [
            "my stat 201 TA office hrs are mon 10-12 in hollis 305",
            "moving office hrs to tues 1-3 bc my seminar got scheduled monday mornings",
            "dept coordinator says tues conflicts w/ another section's lab, so thurs 2-4 instead. can you update my "
            "calendar notes",
        ],
        "thurs 2-4",
    ),
    (
        "who's the 3rd person on my committee now?",
        [
            "third person on my committee is dr. okafor from geology, she said yes today!",
            "bad news, okafor's going on sabbatical in spring so dr. lindqvist from civil eng is replacing her on my "
            "committee",
        ],
        "dr. lindqvist",
    ),
    (
        "who ended up driving the kids sat?",
        [
            "carpool this sat: ravi's dad is driving. pls remind me to text the parents fri",
            "ravi's dad's car is in the shop so mrs. tanaka is doing it instead",
            "tanaka bailed too lol, looks like i'm driving them myself",
        ],
        "i'm driving them myself",
    ),
    (
        "what's my shift at the bookstore?",
        [
            "got the campus bookstore job!! shifts are fridays 4-8",
            "manager switched me to sundays noon-4, fridays are covered now",
        ],
        "sundays noon-4",
    ),
    (
        "when's the sediment conf abstract due?",
        [
            "abstract for the midwest sediment conf is due nov 8, remind me a week before",
            "conf extended the abstract deadline to nov 15!!",
            "extended again lol, nov 22 now. not complaining",
        ],
        "nov 22",
    ),
    (
        "when does the new flatmate move in?",
        [
            "new flatmate marcus is moving in jan 5",
            "marcus pushed his move-in back a week to jan 12, something w/ his old lease",
        ],
        "jan 12",
    ),
    (
        "who's anchoring the girls free relay?",
        [
            "anchor for the girls 200 free relay is maya",
            "swapping the anchor to tess, maya's shoulder's been sore all week",
        ],
        "tess",
    ),
    (
        "when's my 1:1 w/ hale now?",
        [
            "1:1s with hale are every other fri at 11",
            "hale wants to move our 1:1s to mondays at 9",
            "make that mon at 10 not 9, she has a faculty thing first",
        ],
        "mon at 10",
    ),
    (
        "when's ch2 due now?",
        ["ch 2 draft due to hale oct 30. ugh", "hale gave me an extra week on ch 2, so nov 6"],
        "nov 6",
    ),
]

SEALED_39_MISSED = {  # 12 of 12 missed at seed 77 when first measured (951d480)
    "how much is rent now?",
    "what time do warmups start sat?",
    "what's my shift at the bookstore?",
    "when are my TA hrs these days?",
    "when does the new flatmate move in?",
    "when's ch2 due now?",
    "when's lab mtg now?",
    "when's my 1:1 w/ hale now?",
    "when's the sediment conf abstract due?",
    "who ended up driving the kids sat?",
    "who's anchoring the girls free relay?",
    "who's the 3rd person on my committee now?",
}

SEALED_39_OTHER_MISSED = {  # (seed, question): missed when first measured (951d480)
    (77, "how much is the wifi for our place?"),
    (77, "what room is hale's office?"),
    (77, "which room is marcus getting?"),
    (78, "how much is the wifi for our place?"),
    (78, "what room is hale's office?"),
    (78, "which room is marcus getting?"),
}

SEALED_39_OTHER = [
    (
        "how many printouts of my slides do i need for lab mtg?",
        [
            "hale wants everyone to bring 2 printed copies of their slides to lab mtg from now on",
            "hale pushed lab mtg to thurs, same time same room",
        ],
        "2 printed copies",
    ),
    (
        "where's the sat meet at?",
        [
            "sat meet is at lakeview natatorium, not our home pool. parking's in lot c",
            "lol now it's earlier again, 7:40. the other club cancelled",
        ],
        "lakeview natatorium",
    ),
    (
        "how much is the wifi for our place?",
        [
            "internet for the flat is $54/mo, priya set it up under her name",
            "landlord sent a letter, rent's going up to $760 starting nov. annoying",
        ],
        "$54/mo",
    ),
    (
        "when's the 201 midterm i'm proctoring?",
        [
            "stat 201 midterm is oct 22 in the evening, i'm proctoring",
            "moving office hrs to tues 1-3 bc my seminar got scheduled monday mornings",
        ],
        "oct 22",
    ),
    (
        "when's my proposal defense?",
        [
            "proposal defense is set for dec 3, still need to book a room",
            "bad news, okafor's going on sabbatical in spring so dr. lindqvist from civil eng is replacing her on my "
            "committee",
        ],
        "dec 3",
    ),
    (
        "where do i pick up the carpool kids?",
        [
            "carpool pickup spot is the kroger lot on elm st",
            "ravi's dad's car is in the shop so mrs. tanaka is doing it instead",
        ],
        "kroger lot on elm st",
    ),
    (
        "how much does the bookstore pay per hr?",
        [
            "bookstore pays $15.50 an hour, paychecks every other fri",
            "manager switched me to sundays noon-4, fridays are covered now",
        ],
        "$15.50 an hour",
    ),
    (
        "what's the word limit on the conf abstract?",
        [
            "the conf abstract has a 300 word limit, no figures allowed",
            "extended again lol, nov 22 now. not complaining",
        ],
        "300 word limit",
    ),
    (
        "which room is marcus getting?",
        [
            "marcus is taking the small room by the kitchen",
            "marcus pushed his move-in back a week to jan 12, something w/ his old lease",
        ],
        "small room by the kitchen",
    ),
    (
        "what event # is the girls 200 free relay?",
        [
            "girls 200 free relay is event 14 on the heat sheet",
            "swapping the anchor to tess, maya's shoulder's been sore all week",
        ],
        "event 14",
    ),
    (
        "what room is hale's office?",
        [
            "hale's office is bldg 4 rm 322, that's where the 1:1s happen",
            "make that mon at 10 not 9, she has a faculty thing first",
        ],
        "rm 322",
    ),
    (
        "what's the page limit for ch 2?",
        ["hale wants ch 2 under 40 pages, double spaced", "hale gave me an extra week on ch 2, so nov 6"],
        "40 pages",
    ),
]


_SEALED = {
    "first": (5, SEALED, SEALED_MISSED, (0, 1)),
    "first-other": (6, SEALED_OTHER, set(), (0, 1)),
    "second": (8, SEALED_2, SEALED_2_MISSED, (0, 1)),
    "second-other": (9, SEALED_2_OTHER, set(), (0, 1)),
    "third": (1, SEALED_3, SEALED_3_MISSED, (0, 1)),
    "third-other": (3, SEALED_3_OTHER, set(), (0, 1)),
    "fourth": (4, SEALED_4, SEALED_4_MISSED, (3, 4)),
    "fourth-other": (7, SEALED_4_OTHER, set(), (3, 4)),
    "fifth": (0, SEALED_5, SEALED_5_MISSED, (7, 8)),
    "fifth-other": (5, SEALED_5_OTHER, set(), (7, 8)),
    "sixth": (2, SEALED_6, SEALED_6_MISSED, (11, 12)),
    "sixth-other": (6, SEALED_6_OTHER, set(), (11, 12)),
    "seventh": (9, SEALED_7, SEALED_7_MISSED, (13, 14)),
    "seventh-other": (8, SEALED_7_OTHER, SEALED_7_OTHER_MISSED, (13, 14)),
    "eighth": (3, SEALED_8, set(), (15, 16)),
    "eighth-other": (1, SEALED_8_OTHER, set(), (15, 16)),
    "ninth": (2, SEALED_9, SEALED_9_MISSED, (17, 18)),
    "ninth-other": (4, SEALED_9_OTHER, set(), (17, 18)),
    "tenth": (7, SEALED_10, SEALED_10_MISSED, (19, 20)),
    "tenth-other": (0, SEALED_10_OTHER, set(), (19, 20)),
    "eleventh": (6, SEALED_11, set(), (21, 22)),
    "eleventh-other": (9, SEALED_11_OTHER, set(), (21, 22)),
    "twelfth": (5, SEALED_12, SEALED_12_MISSED, (23, 24)),
    "twelfth-other": (3, SEALED_12_OTHER, set(), (23, 24)),
    "thirteenth": (1, SEALED_13, SEALED_13_MISSED, (25, 26)),
    "thirteenth-other": (7, SEALED_13_OTHER, set(), (25, 26)),
    "fourteenth": (0, SEALED_14, SEALED_14_MISSED, (27, 28)),
    "fourteenth-other": (2, SEALED_14_OTHER, set(), (27, 28)),
    "fifteenth": (3, SEALED_15, SEALED_15_MISSED, (29, 30)),
    "fifteenth-other": (5, SEALED_15_OTHER, set(), (29, 30)),
    "sixteenth": (8, SEALED_16, SEALED_16_MISSED, (31, 32)),
    "sixteenth-other": (4, SEALED_16_OTHER, set(), (31, 32)),
    "seventeenth": (9, SEALED_17, SEALED_17_MISSED, (33, 34)),
    "seventeenth-other": (2, SEALED_17_OTHER, set(), (33, 34)),
    "eighteenth": (0, SEALED_18, SEALED_18_MISSED, (35, 36)),
    "eighteenth-other": (7, SEALED_18_OTHER, set(), (35, 36)),
    "nineteenth": (6, SEALED_19, SEALED_19_MISSED, (37, 38)),
    "nineteenth-other": (3, SEALED_19_OTHER, set(), (37, 38)),
    "twentieth": (1, SEALED_20, SEALED_20_MISSED, (39, 40)),
    "twentieth-other": (9, SEALED_20_OTHER, set(), (39, 40)),
    "twenty-first": (4, SEALED_21, SEALED_21_MISSED, (41, 42)),
    "twenty-first-other": (5, SEALED_21_OTHER, SEALED_21_OTHER_MISSED, (41, 42)),
    "twenty-second": (8, SEALED_22, SEALED_22_MISSED, (43, 44)),
    "twenty-second-other": (2, SEALED_22_OTHER, SEALED_22_OTHER_MISSED, (43, 44)),
    "twenty-third": (7, SEALED_23, SEALED_23_MISSED, (45, 46)),
    "twenty-third-other": (0, SEALED_23_OTHER, SEALED_23_OTHER_MISSED, (45, 46)),
    "twenty-fourth": (2, SEALED_24, SEALED_24_MISSED, (47, 48)),
    "twenty-fourth-other": (8, SEALED_24_OTHER, set(), (47, 48)),
    "twenty-fifth": (5, SEALED_25, SEALED_25_MISSED, (49, 50)),
    "twenty-fifth-other": (1, SEALED_25_OTHER, SEALED_25_OTHER_MISSED, (49, 50)),
    "twenty-sixth": (3, SEALED_26, SEALED_26_MISSED, (51, 52)),
    "twenty-sixth-other": (6, SEALED_26_OTHER, set(), (51, 52)),
    "twenty-seventh": (9, SEALED_27, SEALED_27_MISSED, (53, 54)),
    "twenty-seventh-other": (4, SEALED_27_OTHER, SEALED_27_OTHER_MISSED, (53, 54)),
    "twenty-eighth": (0, SEALED_28, SEALED_28_MISSED, (55, 56)),
    "twenty-eighth-other": (7, SEALED_28_OTHER, SEALED_28_OTHER_MISSED, (55, 56)),
    "twenty-ninth": (6, SEALED_29, SEALED_29_MISSED, (57, 58)),
    "twenty-ninth-other": (3, SEALED_29_OTHER, SEALED_29_OTHER_MISSED, (57, 58)),
    "thirtieth": (1, SEALED_30, SEALED_30_MISSED, (59, 60)),
    "thirtieth-other": (9, SEALED_30_OTHER, SEALED_30_OTHER_MISSED, (59, 60)),
    "thirty-first": (8, SEALED_31, SEALED_31_MISSED, (61, 62)),
    "thirty-first-other": (5, SEALED_31_OTHER, SEALED_31_OTHER_MISSED, (61, 62)),
    "thirty-second": (4, SEALED_32, SEALED_32_MISSED, (63, 64)),
    "thirty-second-other": (2, SEALED_32_OTHER, SEALED_32_OTHER_MISSED, (63, 64)),
    "thirty-third": (7, SEALED_33, SEALED_33_MISSED, (65, 66)),
    "thirty-third-other": (0, SEALED_33_OTHER, SEALED_33_OTHER_MISSED, (65, 66)),
    "thirty-fourth": (1, SEALED_34, SEALED_34_MISSED, (67, 68)),
    "thirty-fourth-other": (6, SEALED_34_OTHER, SEALED_34_OTHER_MISSED, (67, 68)),
    "thirty-fifth": (9, SEALED_35, SEALED_35_MISSED, (69, 70)),
    "thirty-fifth-other": (3, SEALED_35_OTHER, SEALED_35_OTHER_MISSED, (69, 70)),
    "thirty-sixth": (5, SEALED_36, SEALED_36_MISSED, (71, 72)),
    "thirty-sixth-other": (8, SEALED_36_OTHER, SEALED_36_OTHER_MISSED, (71, 72)),
    "thirty-seventh": (2, SEALED_37, SEALED_37_MISSED, (73, 74)),
    "thirty-seventh-other": (4, SEALED_37_OTHER, SEALED_37_OTHER_MISSED, (73, 74)),
    "thirty-eighth": (3, SEALED_38, SEALED_38_MISSED, (75, 76)),
    "thirty-eighth-other": (5, SEALED_38_OTHER, SEALED_38_OTHER_MISSED, (75, 76)),
    "thirty-ninth": (6, SEALED_39, SEALED_39_MISSED, (77, 78)),
    "thirty-ninth-other": (8, SEALED_39_OTHER, SEALED_39_OTHER_MISSED, (77, 78)),
}
_SETS = [name for name in _SEALED if not name.endswith("-other")]  # the sets of changes, first to last
_SEALED_CHATS: dict[tuple[str, int, str | None], LAMMemory] = {}


def _sealed_chat(name: str, seed: int, acknowledged: str | None = None) -> LAMMemory:
    if (name, seed, acknowledged) not in _SEALED_CHATS:
        conversation, changes, _, _ = _SEALED[name]
        _SEALED_CHATS[name, seed, acknowledged] = chat_among_locomo(conversation, changes, seed, acknowledged)
    return _SEALED_CHATS[name, seed, acknowledged]


def _cases(*names: str, seeds: int = 1) -> list:
    return [
        pytest.param(name, seed, *case, id=f"{name}-{seed}-{case[0]}")
        for name in names
        for seed in _SEALED[name][3][:seeds]
        for case in _SEALED[name][1]
    ]


def _outranks_and_marked(mem: LAMMemory, changes: list) -> tuple[int, int]:
    """Of `changes`, how many have their latest version above every older one among the top 8, and how many have
    the current value first with the older ones among them marked superseded by it."""
    outranks = marked = 0
    for query, versions, current in changes:
        hits = mem.search(query, k=8)
        rank = {h.text: i for i, h in enumerate(hits)}
        latest = rank.get(versions[-1], len(hits))
        outranks += latest < len(hits) and all(rank.get(v, len(hits)) > latest for v in versions[:-1])
        marked += current in hits[0].text and older_marked(hits, versions)
    return outranks, marked


def older_marked(hits: list, versions: list[str]) -> bool:
    """Whether every older one of `versions` (oldest first) among `hits` is marked superseded by the first hit."""
    return all(h.superseded_by == hits[0].citation for h in hits if h.text in versions[:-1])


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_the_last_two_sealed_sets_among_150k_tokens_of_chat_with_pasted_code(seed):
    """The seventh and eighth sets together (24 changes, two with three versions), as the issue measured held-out
    chat: among ~150K tokens of LoCoMo turns and pasted standard-library code. The latest version ranks above every
    older one in 23 / 24 of 24 at seeds 0 / 1 (18 / 17 before the next version in meaning, 22 / 23 with it, before
    rules made on its misses here: a time word is no restatement, the asked kind), first with the older ones marked
    in 22 / 23 (15 / 15 before); the misses: the recital's middle version, a LoCoMo turn ranked over the book club
    (seed 0)."""
    changes = SEALED_7 + SEALED_8
    outranks, marked = _outranks_and_marked(chat_with_pastes(changes, seed), changes)
    assert outranks >= 23 and marked >= 22, (outranks, marked)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_the_ninth_to_twelfth_sealed_sets_among_150k_tokens_of_chat_with_pasted_code(seed):
    """The ninth to twelfth sets together (48 changes), among ~150K tokens of LoCoMo turns and pasted
    standard-library code. The latest version ranks above every older one in 45 of 48 at seeds 0 / 1, first with the
    older ones marked in 43: the known misses of the sets. Before a statement that says what it replaces ("instead
    of the Dell") revised only a statement naming it, 43 and 41: "Priya's getting a MacBook Pro instead of the Dell"
    (twelfth set) marked the book club at Priya's (tenth) and the design files (eleventh) superseded, a false claim
    only sets side by side showed."""
    changes = SEALED_9 + SEALED_10 + SEALED_11 + SEALED_12
    outranks, marked = _outranks_and_marked(chat_with_pastes(changes, seed), changes)
    assert outranks >= 45 and marked >= 43, (outranks, marked)


@pytest.mark.slow
@pytest.mark.parametrize("seed, outranks, marked", [(0, 46, 42), (1, 47, 44)])
def test_the_thirteenth_to_seventeenth_sealed_sets_among_150k_tokens_of_chat_with_pasted_code(seed, outranks, marked):
    """The thirteenth to seventeenth sets together (60 changes) among ~150K tokens of LoCoMo turns and pasted
    standard-library code: the latest version above every older one in 46 / 47 of 60 at seeds 0 / 1, first with the
    older ones marked in 42 / 44 (44 / 45 and 39 / 41 before the rules made on the sixteenth set's misses). Among
    the pastes some changes that LoCoMo turns alone get right lose their next version in meaning (RESULTS.md)."""
    changes = SEALED_13 + SEALED_14 + SEALED_15 + SEALED_16 + SEALED_17
    found = _outranks_and_marked(chat_with_pastes(changes, seed), changes)
    assert found[0] >= outranks and found[1] >= marked, found


def _known_miss(name: str, query: str, request, seed: int | None = None) -> None:
    missed = _SEALED[name][2]  # questions missed at every seed, or (seed, question) pairs
    if query in missed or (seed, query) in missed:
        request.applymarker(
            pytest.mark.xfail(strict=True, reason="known limits of changes (module doc, test comments)")
        )


@pytest.mark.parametrize(
    "name, seed, query, versions, current",
    _cases(*_SETS),
)
def test_sealed_changes(name, seed, query, versions, current, request):
    _known_miss(name, query, request)
    latest_first(_sealed_chat(name, seed), query, versions, current)


@pytest.mark.parametrize(
    "name, seed, query, texts, answer",
    _cases(
        *(f"{n}-other" for n in _SETS),
        seeds=2,
    ),
)
def test_sealed_other_things_keep_the_answer(name, seed, query, texts, answer, request):
    _known_miss(name, query, request, seed)
    hits = _sealed_chat(name, seed).search(query, k=8)
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
        ("Remind me who our contact at the print shop is.", True),  # a question asked as a request
        ("tell me when the plumber is coming", True),
        ("Tell me about the plumber.", False),  # asks for a thing, not a value
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


@pytest.mark.parametrize(
    "later, placed",
    [
        ("Uncle Rob reset the router at the cabin, wifi password is now lakeside19", True),  # the cabin's
        ("Reset the router, the wifi password is now lakeside19", False),  # names no other place
        ("The router at our cabin got reset, wifi password is now lakeside19", True),  # any determiner
        ("At work the wifi password is now lakeside19", False),  # the question says "at the": no determiner here
        ("At the moment the wifi password is lakeside19", False),  # a phrase of time names no thing
        ("wifi password at the office is now lakeside19", False),  # the question's own office
        ("From Monday the wifi password is lakeside19", False),  # a day says when, not which
    ],
)
def test_a_preposition_names_the_thing_the_question_asks_about(later, placed):
    """The question says which password by "at the office"; a statement that lacks "office" and says "at the
    <another thing>" is about another password (`changes._placed_otherwise`)."""
    query = "What's the wifi password at the office?"
    family = {"wifi", "password", "at", "offic", "office"}
    assert _placed_otherwise(later, query, {"offic"}, family) is placed
