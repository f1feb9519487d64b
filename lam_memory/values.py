"""Values: the kinds of value a text gives and a question asks for.

An update replaces a value with another of its kind: a time with a time ("moved me to 9:15"), an amount of money with
another ("bump it to $750"), a person with a person. `value_kinds` says which kinds a text gives (an address, money, a
time of day, a date, a span or frequency, a size, a number, a name), `asked_kinds` which kinds a question's wh-word asks
for ("What *time* ...", "How *many* ..."), `same_kind` whether an update's value is of a kind it replaces (its bare
number of an amount: "bumping it to 450" for "$300"), `acknowledges` whether an answer says only what a statement
says. `lam_memory.changes` links an update to what it revises by them, and `lam_memory.subjects.is_statement` asks of
a message that ends in a question whether the rest of it gives one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from lam_memory.lexical import ADDRESS, CALENDAR, DAYS, MONTHS, names, query_terms, stem, terms, unstamped

_NUMBER_WORD = r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|a|an|every|each|per)"
_DATED = [m for m in MONTHS + DAYS if m != "may"]  # "may" is a verb too: a date only with its day ("May 3")
_KINDS = {  # the kinds of value a statement gives, most specific first: a span found by one is not a number
    "address": ADDRESS.pattern,
    "money": r"[$€£¥]\s?\d[\d,.]*\s?[kmb]?\b|\b\d[\d,.]*\s?(?:k|usd|eur|gbp|dollars?|euros?)\b",
    "time": r"\b\d{1,2}(?::\d{2})?\s?(?:am|pm)\b|\b\d{1,2}:\d{2}\b|\b(?:noon|midnight)\b",
    "date": rf"\b(?:{'|'.join(_DATED)})s?\b(?:\s+\d{{1,2}}(?:st|nd|rd|th)?)?|\bmay\s+\d{{1,2}}\b"
    r"|\b\d{1,2}(?:st|nd|rd|th)\b|\b\d{4}-\d{2}-\d{2}\b",
    "span": rf"\b{_NUMBER_WORD}[\s-]+(?:second|minute|hour|day|night|week|month|quarter|year|sprint)s?\b"
    r"|\b\d+(?:\.\d+)?\s?(?:ms|secs?|mins?|hrs?|h)\b|\b\d{1,3}s\b"  # "500 ms", "2h", "60s" (not "1990s")
    r"|\b(?:hourly|daily|nightly|weekly|biweekly|monthly|quarterly|yearly|annually)\b",
    "size": r"\b\d[\d,.]*\s?(?:kb|mb|gb|tb|%|percent|mbps|gbps)\b",
    "number": r"\d+(?:[.,:]\d+)*",  # whole: "10" is one value, not "1" and "0"
}
_KIND_PATTERNS = {kind: re.compile(pattern, re.IGNORECASE) for kind, pattern in _KINDS.items()}

_ASKS = [  # the kinds of value a question's first wh-word asks for: an update of it gives one of them
    (re.compile(r"what time\b"), {"time"}),
    (re.compile(r"how much\b"), {"money", "size", "number"}),
    (re.compile(r"how many\b"), {"number", "span"}),
    (re.compile(r"how (?:long|often)\b"), {"span"}),
    (re.compile(r"when\b"), {"date", "time", "span"}),
    (re.compile(r"(?:what|which) days?\b"), {"date"}),
]
_WH = re.compile(r"\b(?:what|when|where|who|whom|whose|which|how|why)\b")


def asked_kinds(query: str) -> set[str]:
    """The kinds of value a question asks for by its first wh-word ("What *time* does the daycare close?": a time;
    not "What helped her find peace *when* grieving?"), none if it does not say."""
    wh = _WH.search(query.lower())
    rest = query.lower()[wh.start() :] if wh else ""
    return next((kinds for pattern, kinds in _ASKS if pattern.match(rest)), set())


@lru_cache(maxsize=1 << 12)  # `changes.announced` asks it of each statement once per pair it weighs
def value_kinds(text: str, query: str) -> frozenset[str]:
    """The kinds of value `text` gives (`_KINDS`; a transcript's stamp aside), and "name" when it names someone or
    something the question does not (`lexical.names`: a capitalized word inside a sentence, "moved to the
    *Pavilion*"; one opening a sentence may be any word). A value the question says is none it gives: "Saturday" in
    "Ben is driving the kids to soccer Saturday" for "Who is driving the kids to soccer on Saturday?"."""
    return kinds_beyond(text, {stem(t) for t in query_terms(query)})


def kinds_beyond(text: str, known: set[str]) -> frozenset[str]:
    """The kinds of value `text` gives that are not only words of `known` (stems)."""
    found, rest = _taken(text, _KIND_PATTERNS)
    kinds = {kind for kind, value in found if not {stem(t) for t in terms(value)} <= known}
    if any(stem(n) not in known and n.removesuffix("s") not in CALENDAR for n in names(rest)):
        kinds.add("name")  # "in May" is no name (nor, unless dated, a date: "may" is a verb too)
    return frozenset(kinds)


_AMOUNTS = frozenset({"money", "size"})  # what a bare figure may stand for


def same_kind(kinds: frozenset[str] | set[str], wanted: frozenset[str] | set[str]) -> bool:
    """Whether `kinds` (the `value_kinds` of an update) hold one of `wanted` (those of what it would revise), its bare
    number standing for an amount of money or a size: an update leaves out the unit its reader knows ("bumping the
    savings transfer to 450" for "$300 to savings"). Not for a time or a span, nor the other way round: a number may be
    part of a name ("us-east-1", "eu-west-2"), and "We deploy the API to us-east-1 for now" revises no "API keys rotate
    every 30 days"."""
    return bool(kinds & wanted or "number" in kinds and wanted & _AMOUNTS)


NUMBER = re.compile(r"\d+(?:[.:,/-]\d+)*")  # a number as written: "7:40", "555-0142", "6.8"
_WORDED = {kind: pattern for kind, pattern in _KIND_PATTERNS.items() if kind != "number"}  # "number" finds digits


def values_in(text: str) -> frozenset[str]:
    """The values `text` gives, as written in lower case ("thursday", "2:30", "$1,200"; a transcript's stamp aside),
    and its names (`lexical.names`): what an answer that restates a statement repeats of it."""
    found, rest = _taken(text, _WORDED)
    worded = {" ".join(value.lower().split()) for _, value in found}
    return frozenset(worded | set(NUMBER.findall(rest)) | {n for n in names(rest) if n not in CALENDAR})


def acknowledges(answer: str, statement: str) -> bool:
    """Whether `answer` gives values (`values_in`) and only values `statement` writes (case aside): an agent's
    acknowledgement of it ("Understood, the API now serves TLS on 8443" for "the api is on 8443 from now on"), not a
    restatement of another version ("The billing API listens on port 9090")."""
    said, written = values_in(answer), statement.casefold()
    return bool(said) and all(v.casefold() in written for v in said)


def _taken(text: str, patterns: dict[str, re.Pattern]) -> tuple[list[tuple[str, str]], str]:
    """The values of `patterns`' kinds in `text` (a transcript's stamp aside) as (kind, as written), each part of the
    text taken by the first kind that finds it (most specific first), and what is left of the text."""
    rest, found = unstamped(text), []
    for kind, pattern in patterns.items():
        found += [(kind, m.group()) for m in pattern.finditer(rest)]
        rest = pattern.sub(" ", rest)
    return found, rest
