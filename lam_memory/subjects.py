"""Subjects: which of a query's candidates state the same fact, so that the latest statement is current.

Code has names, so its versions are found by name (`lam_memory.versions`). Facts in prose and chat have none, and
restated in other words they rarely share enough of their state keys for the state's vote to link them: in chat, a
value that changes ("the billing API listens on port 8080" ... "the billing API is now served on 8443") is stated
among other sentences, and in the synthetic suite its versions' embeddings were 0.22-0.86 apart in cosine while
unrelated messages were as close (0.4-0.8). What the versions share is the subject the question names, so the query
says what the subject is:

- A candidate's *subject* is the set of query terms it holds (`held_terms`: identifier-aware, as the lexical
  index splits them, a word in any form of its family, a verb as below), apart from the word the question asks for
  (`lexical.answer_terms`: "which *port* ..."): a statement gives the new value and may leave that word out ("now
  served on 8443"); and apart from a pronoun saying who acts ("*we* deploy the API ...", then "the API deployment
  moved ...").
- Candidates whose subject includes the most relevant candidate's and equals each other's state one subject; when
  one of two names the asked word and the other does not, they must also be close in meaning (cosine >= `link`,
  0.6 by default: about "roughly equivalent, some important information differs" on the encoder's STS-B scale,
  where fine-tuning maps a 0-5 grade s to a cosine of about s / 5).
- The latest member is current: it takes the group's top score and the others are marked superseded by it.
- When the question names its subject by a proper name (`named_subject`, not acronyms: "Bruno Lindqvist" in
  "which CI system runs the builds of Bruno Lindqvist's project?"), only statements holding those names take
  part, here and in the chunk state's vote (`about_named`). A statement without them is about
  something the question reaches through a link at most (`lam_memory.links`), and two of them are no more one
  subject than two projects are: "the Juniper-55 project runs its builds on CircleCI" and "the Umbra2-24 project
  runs its builds on Travis CI" hold the same query terms, and the later had been marking the answer superseded
  (synthetic suite, 32k); the state's vote made "Bruno Lindqvist works on project Umbra2-24" superseded by a
  third project's CI statement.

Why it holds on data it was not tuned on: two facts about different things differ in a term the query names ("the
*search* API listens on 9200" vs "the *auth* service on 7000"), so they are never one subject however close their
wording, and the rule has no threshold on the query's own wording, only set equality over the terms it names. A question
(a chunk ending in "?") states nothing and takes no part, unless the rest of it states a value to no one in particular,
as people tell an assistant what changed and ask for help in one message (`tells`); code takes no part either, pasted
into a chat message or not (`chunking.mostly_code`): its versions are found by name. An assistant's turn restates
evidence and is not evidence: it is current only in a group with no other member. Arrival order, not the chunk state's
vote, decides who is current: that vote sums key overlaps, which rewards the member sharing most words with the others
(on the port chat above it picked the 9090 statement over the later 8443 one).

Arrival order is time only between writes and within a stream of messages. A document read at once (one `add` or
ingest: `meta["read"]`) is one moment: its paragraphs were all current together, whatever their order (a
reference's chapters; a changelog, newest first, would otherwise make its oldest entry current), so none supersedes
another (`replaced`). Before this rule, over the Python reference that pydoc shows (1,022 chunks in 8 files) and
15 package READMEs (1,131 chunks), 106 and 45 of 200 searches marked some paragraph superseded; none was revised.
A story or a log kept in one file and read at once is read so too: its later entries no longer supersede earlier
ones (a story's paragraphs given one by one, as `add_chunks` arrivals or `add` calls, keep their order).

A superseded mark is a claim the reader acts on ("disregard this"), so it is made only where it can hold. A chunk is
superseded only by a later one that holds every query term it holds, the asked word aside (`replaced`): a new
version restates what it revises, while a later chunk that names less of the question is another fact about it,
whatever the chunk state's vote says (that vote sums key overlaps, and chat turns by one speaker share many). And a
question about what happened (`asks_about_past`: "when did ...", "what has John done?") gets its latest statement
first but no mark: what happened stays true when later turns tell of other things. Nor does a question about some
of several things (`asks_for_many`: "what are the names of Jolene's snakes?", "what is a stress reliever for
Evan?", a plural asked word): such things accumulate, and a later one adds to the others. On LoCoMo, real chat in which
little changes, the share of questions whose 500-token context marked their own evidence superseded fell from
0.225 to 0.054 with the first two rules (recall through `context()` 0.497 -> 0.502), to 0.038 with the third, and
to 0.033 once a past-tense verb right after "what" / "who" and the head of a phrase ("classical *musicians*")
counted; the synthetic suite's updates, all asked in the present tense and for one value, kept their latest-wins.

Where it fails: a question in the past tense about a change ("which port did the billing API listen on?") gets the
latest value first but the stale ones unmarked, and so does a plural one ("which ports does the API listen on?"); a
present-tense question in the singular about something that recurs ("what does Melanie do to destress?", "what is
Joanna allergic to?") may still have one of several true statements marked; an -ed adjective right after "what" in a
question with no auxiliary ("what enabled flags matter?") is read as a past-tense verb. A statement-style query
("billing API port") has no asked word, so an update that leaves out "port" is not linked; a question whose subject
words an update paraphrases ("listens" vs "served", "prints to" vs "printer") links only through the terms both
still share, unless the update is close to what it revises (`restated`, below), and so does one that says the
question's verb as a noun ("the summer sale *starts* June 1", then "pushed the sale *start* to June 8").
`tests/lam_memory/test_subjects.py` keeps these as expected failures beside sixteen changes worded freely that it
gets right. Twelve more changes, written after all these rules as a check on wording they never saw (`FRESH` there),
show how often that happens: 6 got their current value first (5 with the older ones marked; one question names a
product, "Which *Slack* channel ...", that no version says, so none is marked), 6 did not: a qualifier dropped
without an article (2: "Standup is moving to 10:15", "Friday's dinner moves ..."), a verb said without an auxiliary
and paraphrased (2: "Which region *hosts* ...", then "now lives in"; "Who *owns* ...", then "Handing ... over to"),
the head dropped with no closeness to restore it ("reporting" for "the reporting service", cosine 0.50), and the
thing asked about said otherwise ("the upload *limit*" for "the max upload *size*"). In every one both versions were
the first two hits: the grouping missed, not the retrieval. 7 are right since a sentence's first words are read as
after "the", 10 since a close later statement restates an earlier one (both below), 12 since a statement that
announces a change revises the best one (`lam_memory.changes`).
Two more sets written after that rule, in other conversations (`FRESH_2`, `FRESH_3`), came out 5 of 10 and 4 of 10
current first, the same with and without it: there each version holds a query term the other lacks ("monthly cloud
budget" / "cloud spend budget"), or the update drops the thing named ("mobile *builds*" for "the mobile *app*") or
names almost none of the question and leans on the chat around it ("Dentist called, they moved me to 4:30pm",
"Adlon cancelled on us, so we're at the Michelberger instead"). So on wording the rules were not written on, about
half of changed facts came out current; each of those updates announces its change ("moved", "instead", "now"), and
`lam_memory.changes`, which reads that, gets 8 and 9 of them right (a sealed set of 12 more: 9 / 8 of 12 at two
seeds, 7 / 6 without it). Tried and not kept: two statements among the three most relevant that give
different values of one kind (a figure, a name) for the question's thing are versions; 8 of 10 on the first of
those sets, but every LoCoMo turn carries a time and names, and it changed the hits of 110 LoCoMo questions (39 with
their evidence first before, 22 after).

An update often drops a qualifier the thing was introduced with: "The team offsite will be in Lisbon", then "Change
of plans, *the offsite* is in Porto". A definite article says the reader knows which offsite is meant, the one named
last before it, and so the statement is about the team offsite (`definites`). For each of the question's noun
phrases with modifiers (`definite_phrases`: "the *team offsite*", "the *budget for the marketing campaign*"), a
statement that names its head right after "the" or "our", with some of its modifiers or none and no other noun after
it (`bare_heads`: "the offsite is", "cut the campaign budget to"; not "the offsite venue", "the spring offsite";
chat drops the article at a sentence's start, so "Standup is moving to 10:15" counts too), holds the phrase's
modifiers too, when its antecedent, the latest earlier candidate statement naming that head, names the question's
phrase (or refers to it the same way). Without that last condition, "Kenji now leads the team", said of the mobile
team, became the design team's current statement; with it, a chat that names another team between the two resolves
"the team" to that one. A name is never restored (`about_named`), and a bare asked word ("the URL", "the budget") is
restored only with a modifier beside it ("the campaign budget"). Of ten changes written as a check on unseen wording
before this rule, none was right before it; 4 are now, a fifth depends on whether another team is named between its
statements, five are the misses above; on LoCoMo it changed the stale marks of one of 1,540 contexts (a question
about "the dance festival" whose later "the festival" now joins its group).

An update also says less than the statement it revises in other ways: it drops or rewords the question's verb
("Marta owns the mobile release checklist", then "Handing the release checklist over to Jonas"; "EU customer data is
hosted in eu-west-1", then "EU customers' data now lives in eu-central-1"), or a qualifier without an article ("New
on-call number: ..."). What says it is the same thing is closeness in meaning with the thing itself named: a later
statement that names the head of each of the question's noun phrases the earlier one named, qualified by none but
the question's words (not "the *production* database", "the *onboarding* service"; "new" says when, not which),
holds part of the earlier one's subject and is close to it (cosine >= `link`) holds that subject (`restated`; its
antecedent is the latest such earlier statement). Closeness alone would not do: in the synthetic suite "The
onboarding service writes its audit logs to ..." is 0.63 from the catalog service's statement, and "The production
database runs Postgres 16" is 0.77 from the staging database's. Nor does it do in chat that stays on one topic:
LoCoMo's turns about a dance studio are close and say "the studio"; a first version, run for every question, changed the
hits of 71 LoCoMo questions, 27 of which had their evidence first before and 3 after. So it runs only for a question
asking for one current value that a later statement replaces (`asks_for_value`: who, where, when, which, or what /
how many with a word it asks for; not `asks_about_past`, not `asks_for_many`): a reason, a description or an event is
added to, not replaced. On LoCoMo it then changes the hits of 5 questions (first hit 0.345 -> 0.344, gold marked stale
0.033 both); twelve later statements about another thing, worded close to a question's fact (`OTHER_THINGS` in the
tests, written with the rule, before it was measured on them), neither outrank nor mark the answer, at two seeds.

Words match by their family ("uploads" / "upload", "key" / "keys"): a restatement changes a word's form more often
than the word (on LoCoMo, 5 more gold turns reached the 500-token contexts, the contexts marking anything fell from
224 to 218 of 1,540, and gold marked stale stayed at 51). Names match as written, as identifiers do ("Tim" is no
form of "time"). A question's verb is the other exception: it stands in its base form after the auxiliary ("does the
billing API *listen* on"), a statement about one thing inflects it ("*listens* on port 8080"), and the update often
says it with another verb ("is now served on 8443"). Matched by family, the verb joined the first statement's
subject and not the update's, and two of the tests above failed; left out of every subject instead, it put 7 more
LoCoMo questions' evidence under false stale marks. So the verb is held only as written, unless the question names
at most one thing besides it (`naming_verb`: "which region do we *deploy* the API to?"): then the question is about
what the verb says, a statement holds it in any form of its family ("the API *deployment* moved to eu-west-2"), and
statements about the API that say something else ("API keys rotate weekly") stay another subject.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable
from functools import lru_cache
from typing import NamedTuple

import torch

from lam_memory.chunking import mostly_code
from lam_memory.lexical import (
    AUXILIARIES,
    CALENDAR,
    DETERMINERS,
    STOP_WORDS,
    answer_terms,
    asked_word,
    holds,
    names,
    query_terms,
    stem,
    unstamped,
)
from lam_memory.types import Chunk
from lam_memory.values import value_kinds

_ACRONYM = re.compile(r"\b[A-Z]{2,}s?\b")
ANSWER_ROLES = ("assistant",)  # chunks by these roles are answers: they restate evidence, they are not evidence


def evidence(statements: list[Chunk]) -> list[Chunk]:
    """The statements that are evidence, not answers (ANSWER_ROLES), or all of them when every one is an answer. The
    question's best statement is the best piece of evidence: an agent acknowledges what it is told, "Noted: the
    staging API listens on port 8080", and its acknowledgement, as close to the question as what it restates and
    written after it, had been taken for the fact that later updates revise."""
    return [c for c in statements if c.role not in ANSWER_ROLES] or statements


def is_statement(chunk: Chunk) -> bool:
    """Whether a chunk can state a fact of prose or chat: a message or text that is not a question and not mostly
    code. Code has its own versions, by name (`lam_memory.versions`); two pieces of code naming the same query terms
    are not versions of each other (on the real code history family, seed 0, grouping them cost 1.5 points of
    recall and 2 of latest-wins in the context). Code pasted into a chat message is code too: a paste of
    `_aix_support.py` holds "build" and "python" like "Bumped the build to Python 3.12", and, being later, had
    superseded it."""
    if chunk.kind == "code" or chunk.text.rstrip().endswith("?") and not tells(chunk.text):
        return False
    return not (chunk.meta.get("pasted_code") or mostly_code(chunk.text))  # the flag: every piece of a long paste


# where a message's clauses end: at a sentence's end, and at a comma before a question or a request ("Jake's practice
# is Tuesdays at 5:30, can you add a reminder?")
_CLAUSE_END = re.compile(
    r"(?<=[.!?])\s+|,\s+(?=(?:so\s+|and\s+|but\s+)?(?:can|could|would|will|should|shall|do|does|did|is|are|what|"
    r"what's|how|when|where|which|who|why|any|please)\b)",
    re.IGNORECASE,
)
_LISTENER = re.compile(r"\b(?:you|your|yours|yourself|you're|you've|you'll|you'd)\b", re.IGNORECASE)
_REQUEST = re.compile(r"\b(?:can|could|would|will)\s+you\b|\bplease\b", re.IGNORECASE)  # the listener asked to act
# the listener called by name: "Sounds awesome, *Calvin*!", "Wow *Joanna*, that sounds great" (a day is no one)
_VOCATIVE = re.compile(
    r"(?:,\s+|\b(?i:hey|hi|hello|thanks|thank you|wow|yo|oh|congrats|dear)\s+)([A-Z][a-z]+)(?=\s*[,.!?]|\s*$)"
)


@lru_cache(maxsize=1 << 12)  # `is_statement` asks it of each candidate that ends in "?", query after query
def tells(message: str) -> bool:
    """Whether a message that ends in a question also states a fact: people tell an assistant what changed and ask
    for help in one message ("the dentist called and moved me to 9:15 in the morning, same day. can you help me
    figure out if I can still make the 10am standup?"). It does when one of its clauses that asks nothing (of three
    words or more) gives a value (`values.value_kinds`: a time, a date, an amount, a name, ...), and the message says
    nothing to or of the listener but a request ("can you", "please") and does not call them by name. A friend's
    "Set some goals, like a certain distance to run [...] It'll give *you* something to strive for. [...] Sound
    good?" is advice, "The Witcher 3 obviously had a huge impact on *you* [...] Do you have any plans?" is about the
    listener's life, "Sounds awesome, *Calvin*! Road trips with family are always a treat. What's the name of the
    song?" answers Calvin (each had marked a LoCoMo answer or a change stale), and "I find music helps me. Any
    favorite tracks?" gives no value."""
    said = unstamped(message)
    called = any(m.group(1).lower() not in CALENDAR for m in _VOCATIVE.finditer(said))
    if called or _LISTENER.search(_REQUEST.sub(" ", said)):
        return False
    clauses = [c for c in _CLAUSE_END.split(said) if c and not c.rstrip().endswith("?") and len(c.split()) >= 3]
    return any(value_kinds(c, "") for c in clauses)


def named_subject(query: str) -> set[str]:
    """The names of the question's subject (`lexical.names` apart from the asked word): "bruno", "lindqvist" in
    "which CI system runs the builds of Bruno Lindqvist's project?". A day or a month says when, not what: "Who is
    driving the kids to soccer on *Saturday*?" is answered by "Lisa will take the kids to soccer"."""
    return {n for n in names(query) if n.removesuffix("s") not in CALENDAR} - answer_terms(query)


def proper_names(query: str) -> set[str]:
    """The proper names of the question's subject (`named_subject`) less its acronyms: "URL", "API", "SRE" are common
    nouns that a statement often leaves out ("staging lives at https://stg.acme.dev" answers "what is the staging
    URL?", "Dmitri swapped with Aisha, she's on call" for "Who is the on-call SRE this week?")."""
    return named_subject(query) - {a.lower() for a in _ACRONYM.findall(query)}


def about_named(query: str, statements: list[Chunk], held: dict[int, set[str]]) -> list[Chunk]:
    """The statements that hold every proper name of the question's subject (`proper_names`; all of them when it
    names none): only they can be versions of what it asks (see the module doc). `held[p]`: the query terms chunk p
    holds."""
    named = proper_names(query)
    return [c for c in statements if named <= held[c.position]]


_SPEAKERS = frozenset({"we", "you"})  # who acts, not whose ("my manager" is not "an assistant manager"); "I" is no term
_PREPOSITIONS = frozenset("to on in at for with from of by about into onto over under after before during".split())
_RUN_ENDS = DETERMINERS | _PREPOSITIONS | AUXILIARIES  # where the words after a question's auxiliary stop
_WORD = re.compile(r"[\w'-]+")


def question_verb(query: str) -> frozenset[str]:
    """The terms of a question's main verb after a do-auxiliary or a modal: the last word of the run of words after
    it, its subject's article aside, up to an article, a preposition or the end ("Which region do we *deploy* the API
    to?", "Which port does the billing API *listen* on?"); none without such an auxiliary or when the run is one
    word (the subject alone)."""
    words = [w.lower() for w in _WORD.findall(query)]
    at = next((i for i, w in enumerate(words) if w in AUXILIARIES), None)
    if at is None:
        return frozenset()
    after = words[at + 1 :]
    after = after[1:] if after[:1] and after[0] in DETERMINERS else after
    run = list(itertools.takewhile(lambda w: w not in _RUN_ENDS, after))
    return frozenset(query_terms(run[-1])) if len(run) > 1 else frozenset()


def naming_verb(query: str) -> frozenset[str]:
    """The question's verb (`question_verb`) when it names the fact: when the question names at most one other
    thing, the asked word and the speakers aside ("Which region do we *deploy* the API to?": the API, deployed).
    Where it names more ("does the billing API *listen* on"), they name the fact and the verb is how it is said."""
    verb = question_verb(query)
    others = set(query_terms(query)) - answer_terms(query) - speakers(query) - AUXILIARIES - verb
    return verb if len(others) <= 1 else frozenset()


def held_terms(query: str, texts: Iterable[str]) -> list[set[str]]:
    """The query's terms each of `texts` holds, in any form of their word family (`lexical.stem`: "Uploads are
    capped" holds "upload", "the API *deployment* moved" holds "deploy"), except names (`lexical.names`: "Tim" is
    not a form of "time") and a question's verb that does not name the fact (`question_verb` but not
    `naming_verb`), held only as written (see the module doc)."""
    exact = question_verb(query) - naming_verb(query) | set(names(query))
    by_family = set(query_terms(query)) - exact
    return [holds(query, text, by_family) for text in texts]


_DEFINITE = frozenset({"the", "our"})  # a statement's article or possessive that refers back to a known thing
_SENTENCE_ENDS = frozenset(".!?")  # a sentence starts after one of these (or at the text's start)
_OF = frozenset({"for", "of", "at", "in", "on"})  # a question's phrase goes on through "the budget *for* the campaign"
TOKEN = re.compile(r"\w[\w'-]*\w|\w|[^\w\s]")  # words and punctuation marks
# What may follow a noun phrase's head, as against another noun that would be the head ("the API *keys*"): a form of
# be or have, a modal, an adverb of time or of repetition ("changed the wifi name *again*"), a preposition that
# brings no modifier of its own ("the API *for* search"), a verb in the past (`_participle`) or a punctuation mark.
_AFTER_HEAD = frozenset(
    "is are was were will would has have had can could should may might must now just also still again too already "
    "yet instead".split()
) | (_PREPOSITIONS - {"of", "for", "with", "about"})


class Phrase(NamedTuple):
    """A noun phrase of the question with modifiers (`definite_phrases`)."""

    head: frozenset[str]  # the head's terms
    modifiers: frozenset[str]  # the other words' terms
    asked: bool  # the head is the asked word: restored only with a modifier beside it ("the campaign budget")


def definite_phrases(query: str) -> dict[str, Phrase]:
    """The question's noun phrases after a determiner other than "a" / "an" (which names no particular thing: "a
    team trip") that have modifiers, before the head ("Where is the *team offsite*?", "does the *billing API*
    listen") or after it ("the *budget for the marketing campaign*"), by the family of the head (`lexical.stem`). A
    phrase runs to an article, a preposition or an auxiliary, less the question's verb (`question_verb`) or a
    participle ("where is the weekly retro *held*?"). One with a proper name ("the Juniper-55 project") is left out:
    a name is never dropped (`about_named`)."""
    raw = _WORD.findall(query)
    low = [w.lower() for w in raw]
    verb, asked, named = question_verb(query), answer_terms(query), set(names(query))
    out: dict[str, Phrase] = {}
    for i, w in enumerate(low):
        if w not in DETERMINERS or w in ("a", "an"):
            continue
        run = list(itertools.takewhile(lambda x: x.lower() not in _RUN_ENDS, raw[i + 1 :]))
        if len(run) > 1 and (verb and set(query_terms(run[-1])) <= verb or participle(run[-1].lower())):
            run = run[:-1]
        end = i + 1 + len(run)
        tail: list[str] = []  # "for the marketing campaign"
        if end + 1 < len(low) and low[end] in _OF and low[end + 1] in DETERMINERS:
            tail = list(itertools.takewhile(lambda x: x.lower() not in _RUN_ENDS, raw[end + 2 :]))
        if not run or any(set(query_terms(x)) & named and not _ACRONYM.fullmatch(x) for x in run + tail):
            continue
        head = frozenset(query_terms(run[-1]))
        modifiers = frozenset(t for x in run[:-1] + tail for t in query_terms(x)) - head
        if head and modifiers:
            out[stem(run[-1])] = Phrase(head, modifiers, bool(head & asked))
    return out


def bare_heads(text: str, phrases: dict[str, Phrase], verb: frozenset[str]) -> set[str]:
    """The heads of `phrases` (`definite_phrases`) that `text` names right after "the" or "our", or first in a
    sentence, where chat drops the article ("*Standup* is moving to 10:15"), with none of their modifiers or only
    some ("Change of plans, *the offsite* is in Porto", "cut *the campaign budget* to $25k") and no other noun after
    them (not "the offsite *venue*", "the *spring* offsite"): what follows is a form of be or have, a modal, a
    preposition, an adverb of time, a verb in the past, the question's verb (`verb`: "pushed the sale *start* to June
    8") or a punctuation mark."""
    if not phrases:
        return set()
    tokens = [t.lower() for t in TOKEN.findall(text)]
    words = {stem(t) for p in phrases.values() for t in p.head | p.modifiers}
    verbs = {stem(v) for v in verb}
    found = set()
    for i, token in enumerate(tokens):
        if token in _DEFINITE:
            start = i + 1
        elif i == 0 or tokens[i - 1] in _SENTENCE_ENDS:
            start = i  # chat drops the article at a sentence's start: "Standup is moving to 10:15"
        else:
            continue
        j = start  # past the run of the question's words after the article
        while j < len(tokens) and stem(tokens[j].removesuffix("'s")) in words:
            j += 1
            if tokens[j - 1].endswith("'s"):
                break  # "the offsite's in Porto": 's is "is"
        if j == start:
            continue
        last = tokens[j - 1]
        head = stem(last.removesuffix("'s"))
        after = "is" if last.endswith("'s") else tokens[j] if j < len(tokens) else "."
        closed = not after[0].isalnum() or after in _AFTER_HEAD or participle(after) or stem(after) in verbs
        if head in phrases and closed and (j - start > 1 or not phrases[head].asked):
            found.add(head)
    return found


def definites(query: str, statements: list[Chunk], held: dict[int, set[str]]) -> dict[int, set[str]]:
    """`held` with the modifiers of the question's phrase added to each statement that names its head bare
    (`bare_heads`: "the offsite" for "the team offsite") when that is what the statement refers to: the latest
    earlier statement naming the head (its antecedent, as a reader resolves "the offsite") names the question's
    phrase whole, or through an antecedent of its own. "Aisha moved to platform; Kenji now leads the team", after
    "Aisha leads the mobile team", is about the mobile team, not the design team a question asks about."""
    phrases = definite_phrases(query)
    if not phrases:
        return held
    verb = question_verb(query)
    out = {p: set(terms) for p, terms in held.items()}
    seen: list[Chunk] = []
    for chunk in sorted(statements, key=lambda c: c.position):
        for name in bare_heads(chunk.text, phrases, verb):
            phrase = phrases[name]
            before = next((c for c in reversed(seen) if out[c.position] & phrase.head), None)
            if before is not None and phrase.modifiers <= out[before.position]:
                out[chunk.position] |= phrase.modifiers
        seen.append(chunk)
    return out


WHEN = frozenset("new old current latest previous updated revised former temporary".split())  # say when, not which


def restated(
    query: str, statements: list[Chunk], held: dict[int, set[str]], emb: torch.Tensor, link: float
) -> dict[int, set[str]]:
    """`held` with the terms restored to each statement that restates an earlier one in fewer of the question's
    words: a later statement that names the thing the earlier one named, by the head of each of the question's
    noun phrases it named (`definite_phrases`: "the mobile release *checklist*"), with no other qualifier than the
    question's ("the *production* database" is another database than the staging one; "new" says when, not
    which), that holds part of the earlier one's subject (the optional terms aside, `optional_terms`) and is
    close to it in meaning (cosine >= `link`), holds its subject. "Handing the release checklist over to Jonas"
    restates "Marta owns the mobile release checklist" (0.68), "EU customers' data now lives in eu-central-1"
    restates "EU customer data is hosted in eu-west-1" (0.78): an update drops a qualifier or says the verb
    otherwise, and the closeness is what says that it is about the same thing. Its antecedent is the latest
    earlier statement that qualifies. `emb`: the memory's embeddings by position."""
    phrases = definite_phrases(query)
    if not phrases or len(statements) < 2:
        return held
    heads = [p.head for p in phrases.values()]
    optional, asked = optional_terms(query), set(query_terms(query))
    family = {stem(t) for t in asked} | WHEN
    out = {p: set(terms) for p, terms in held.items()}
    order = sorted(statements, key=lambda c: c.position)
    for x, later in enumerate(order):
        mine = out[later.position] - optional
        if not mine or qualified_otherwise(later.text, phrases, family):
            continue
        for earlier in reversed(order[:x]):
            theirs = out[earlier.position] - optional
            named = [h for h in heads if h <= out[earlier.position]]
            if (
                mine < theirs
                and named
                and all(h <= out[later.position] for h in named)
                and float(emb[earlier.position] @ emb[later.position]) >= link
            ):
                out[later.position] |= theirs
                break
    return out


# What may stand before a head without qualifying it (`qualified_otherwise`).
_PRONOUNS = frozenset("i we you they he she it me us them".split())
_PREPOSITIONS = frozenset(  # those the stop words lack: "the Halvorsen account *until* further notice"
    "until till since via per across behind beyond within without toward towards upon among against despite except "
    "unlike versus along through throughout between beneath below above near".split()
)
GRAMMAR = _RUN_ENDS | _AFTER_HEAD | STOP_WORDS | _PRONOUNS | _PREPOSITIONS | frozenset("so but and or then".split())
_VERB_BEFORE = _PRONOUNS | AUXILIARIES | frozenset("is are was were am be been we're they're i'm you're".split())
# Verbs that report what someone said or thinks: never a qualifier ("Coach *says* practice is at 6:30pm").
_REPORTING = frozenset("say says told tells thinks reckons confirms mentions heard".split())


_NUMBER = re.compile(r"\d+(?:\.\d+)*")  # 12, 5.0, 3.10.2: what names a release or a room
_NUMBERS = frozenset("one two three four five six seven eight nine ten twelve twenty thirty hundred".split())


_WHOLE = frozenset("all every each both most".split())  # quantifiers of a whole kind: no qualifier
_INTERJECTIONS = frozenset("ugh lol fyi btw hmm sigh argh welp omg".split())  # not a greeting: "*Hey* Sam"


def qualified_otherwise(text: str, heads: Collection[str], family: set[str]) -> bool:
    """Whether `text` names one of `heads` (stems: the question's phrase heads, or the terms a statement shares
    with another) with a qualifier before it that is none of the question's words and does not say when (`family`:
    their stems and `WHEN`): "the *production* database", against "the new staging database" and "so Friday's
    dinner". What comes before the head's run of such words qualifies it unless it is a word of grammar, a verb in
    the past, a value ("*5* replicas", "*three-week* sprints"; but where the question names its thing by a number,
    another number names another one: "the *4.2* code freeze" for "the 5.0 release"), a quantifier of the whole
    kind ("*all* customer samples"), an interjection ("*ugh* plumber bailed") or a mark, or a verb: one that
    reports ("Coach *says* practice is ..."), or any word after a pronoun, an auxiliary or a pronoun's contraction
    ("*I'll grab* Grandma", "*we're* flying"). A word in -ing qualifies ("the *onboarding* service", "the *billing*
    API") unless a verb, a pronoun or an auxiliary before it makes it a verb ("finished *migrating* reporting"). A
    verb in the past that shares a head's stem is no name of the thing ("Powell's double *booked* us" names no
    book), unless the question says it so. "Let's" is "let us", no possessive: a verb follows it ("*let's* meet at
    the Fern Hollow lot"); and a name's "'s" before a word in -ing and its object is "is": "Sam's bringing dessert"
    (`_is_contracted`)."""
    said = TOKEN.findall(text)
    raw = ["us" if t.lower() == "let's" else t.removesuffix("'s").removesuffix("'") for t in said]
    tokens = [t.lower() for t in raw]
    numbered = any(_NUMBER.fullmatch(f) for f in family)  # "the 5.0 release", "room 12"
    for i, token in enumerate(tokens):
        if stem(token) not in heads or (participle(token) and token not in family):  # "double *booked*": a verb
            continue
        j = i - 1
        while j >= 0 and stem(tokens[j]) in family:
            j -= 1
        word = tokens[j] if j >= 0 else "."
        acronym = j >= 0 and len(raw[j]) > 1 and raw[j].isupper()  # "US" is no pronoun
        value = any(ch.isdigit() for ch in word) or word.split("-")[0] in _NUMBERS
        if numbered and _NUMBER.fullmatch(word):  # TOKEN splits "4.2" into 4 . 2: read the number whole
            k = j
            while k >= 2 and tokens[k - 1] == "." and tokens[k - 2].isdigit():
                k -= 2
            value = "".join(tokens[k : j + 1]) in family
        before = tokens[j - 1] if j > 0 else "."
        verb = word.endswith("ing") and (before in _VERB_BEFORE or participle(before))
        verb = verb or word in _REPORTING or _acts(before)
        verb = verb or _is_contracted(said, tokens, j)
        whole = word in _WHOLE | _INTERJECTIONS  # "*all* customer samples": the kind whole; "*ugh* plumber bailed"
        if word[:1].isalnum() and (acronym or not _grammar(word)) and not (participle(word) or value or verb or whole):
            return True
    return False


def _is_contracted(said: list[str], tokens: list[str], j: int) -> bool:
    """Whether the "'s" of `said[j]` is "is" before a verb in -ing: "Sam's bringing dessert" (a name without a
    determiner, the -ing word followed by its object), not "the team's onboarding doc" nor "Tomorrow's opening will
    be fun" (`tokens`: the lowercased tokens without "'s")."""
    after = tokens[j + 2] if j + 2 < len(tokens) else "."
    return (
        said[j].lower().endswith("'s")
        and tokens[j + 1].endswith("ing")
        and (j == 0 or tokens[j - 1] not in DETERMINERS)
        and after[:1].isalnum()
        and after not in _AFTER_HEAD
    )


def _pronoun(word: str) -> bool:
    """A pronoun or its contraction ("we", "*we're* flying", "*I'll* grab")."""
    return word.split("'")[0] in _PRONOUNS


def _grammar(word: str) -> bool:
    """A word of grammar, or a pronoun's contraction."""
    return word in GRAMMAR or _pronoun(word)


def _acts(word: str) -> bool:
    """Whether the word after `word` is a verb: after a pronoun, its contraction or an auxiliary ("I'll *grab*
    Grandma", "we *use* Postgres")."""
    return word in AUXILIARIES or _pronoun(word)


def participle(word: str) -> bool:
    """Whether a word is a verb in the past or a past participle ("moved", "got", "held")."""
    return bool(_SIMPLE_PAST.fullmatch(word) or _PARTICIPLE.fullmatch(word))


def optional_terms(query: str) -> frozenset[str]:
    """The query's terms that a restatement of the same fact may leave out: the word asked for
    (`lexical.answer_terms`: "it is now on 8443" answers "which port ..."), and a pronoun saying who acts
    (`speakers`: "*we* deploy the API to us-east-1", then "the API deployment moved to eu-west-2")."""
    return answer_terms(query) | speakers(query)


def speakers(query: str) -> frozenset[str]:
    """The first- and second-person pronouns that say who acts in a question ("do *we* deploy"), as words, not
    parts of names ("YouTube"); a possessive stays a subject term ("*my* manager" is not "an assistant manager":
    on 150K tokens of chat, leaving "my" out made John's "I'm an assistant manager" the current manager)."""
    return frozenset(w.lower() for w in _WORD.findall(query) if w.lower() in _SPEAKERS and not w.isupper())


def stamp_only(query: str, text: str) -> set[str]:
    """The query terms `text` holds only in its transcript stamp: who speaks and when, not what is said."""
    rest = unstamped(text)
    return holds(query, text) - holds(query, rest) if rest != text else set()


def replaced(
    group: list[Chunk],
    owner: Chunk,
    held: dict[int, set[str]],
    optional: frozenset[str],
    speaker: Collection[str] = (),
) -> list[int]:
    """Positions of the members of a group of statements that its current member `owner` replaces: those that hold
    some query term and whose query terms, the optional ones aside, the owner holds too (`held[p]`; `optional`:
    `optional_terms`), one of them beyond the terms it holds only in its transcript stamp (`speaker`, from
    `stamp_only`), and that came before it (an answer excepted: it restates, so it never replaces the evidence,
    whenever it was written), apart from the parts of the document the owner was read with.

    A new version restates what it revises: "the billing API is now served on 8443" names the billing API as "the
    billing API listens on port 8080" did, and may leave out "port", the word asked for. A later statement that
    names less of the question than an earlier one is another fact about it, however its key overlaps (on LoCoMo
    the chunk state's vote had grouped "I just got accepted for a fashion internship!" with the same speaker's "It
    was great!"). Nor does a statement replace one written after it, whatever the state's vote says. Order is time
    only between writes and within a stream of messages: the paragraphs of a document read at once
    (`meta["read"]`, one id per `add` or ingest, see `LAMMemory.add`) were all current together, whatever their
    order, as the chapters of a reference or the entries of a changelog, newest first, are. Two turns of one speaker
    share the speaker's name in their stamps, and the chunk state's vote groups such turns: a later turn that
    restates nothing of an earlier one but who speaks ("[...] Nate: Bye Joanna!") replaces nothing: it had marked
    "This trilogy is one of my faves" superseded (LoCoMo, 1,540 questions: evidence marked stale 0.0312 -> 0.0299,
    contexts marking any chunk 0.142 -> 0.132, first hit 0.346 -> 0.351)."""
    read, restated = owner.meta.get("read"), held[owner.position]
    said = restated - set(speaker)
    return [
        c.position
        for c in group
        if c.position != owner.position
        and (c.position < owner.position or c.role in ANSWER_ROLES)
        and (read is None or c.meta.get("read") != read)
        and held[c.position] & said
        and held[c.position] - optional <= restated
    ]


_PAST = frozenset("did didn was wasn were weren had hadn".split())
_PERFECT = frozenset("has hasn have haven".split())
_PRESENT = frozenset("is isn are aren am s does doesn do don will would should can could may might shall".split())
_AUXILIARY = _PAST | _PERFECT | _PRESENT - {"s"}  # after a question's first words "s" is "John's", not "is"


# Verb forms: a regular -ed one (not "need", "speed": e before -ed) or a common irregular one. Some irregular forms
# serve as simple past and participle alike; the simple past leaves out those that are also present ("read", "put").
_PAST_OR_PARTICIPLE = (
    "got made met won bought brought built found heard held kept lost paid said sent spent taught thought told sold "
    "felt"
).split()
_ONLY_PAST = "took gave wrote went came saw began chose drove spoke broke grew knew threw drew".split()
_ONLY_PARTICIPLE = (
    "been seen taken given written chosen eaten driven broken spoken gotten known shown grown thrown drawn flown done "
    "gone had read run left begun become come put set agreed"
).split()
_SIMPLE_PAST = re.compile("|".join([r"[a-z]{2,}[^e]ed", *_PAST_OR_PARTICIPLE, *_ONLY_PAST]))
_PARTICIPLE = re.compile("|".join([r"[a-z]{2,}[^e]ed", *_PAST_OR_PARTICIPLE, *_ONLY_PARTICIPLE]))


def asks_about_past(query: str) -> bool:
    """Whether a question asks what happened, not what is so: its first auxiliary is in the past tense ("When did
    Gina get accepted ...?", "What were Deborah's mother's hobbies?") or forms the perfect with a participle after
    it ("What exercises has John done?"; but "Which team has the pager in the kitchen?" asks what is so), or its verb
    right after "what" / "who" is in the past tense and no auxiliary follows ("What motivated Caroline to ...?",
    "What happened to John's job?", "Who wrote the spec?"; in "What shared drive does the team use?" the -ed word is
    an adjective). What happened stays true when later statements tell of other things, so for such a
    question no statement is called superseded: on LoCoMo, 215 of the 344 questions whose context had marked some
    gold evidence superseded were of this kind."""
    words = re.findall(r"[a-z]+", query.lower())
    for i, w in enumerate(words):
        if w in _PAST:
            return True
        if w in _PERFECT:
            return any(_PARTICIPLE.fullmatch(x) for x in words[i + 1 :])
        if w in _PRESENT:
            return False
        if w in ("what", "who") and _SIMPLE_PAST.fullmatch(words[i + 1] if i + 1 < len(words) else ""):
            if not _AUXILIARY.intersection(words[i + 2 :]):
                return True
    return False


_OPENINGS = (
    frozenset("what which who whom whose where when why how".split())
    | AUXILIARIES
    | frozenset("is are was were am has have had".split())
)


_ASKING = re.compile(
    r"(?:please\s+)?(?:remind|tell|show|let)\s+(?:me|us)\s+(?:know\s+)?(?:what|which|who|whom|whose|where|when|how)\b"
)


def is_question(query: str) -> bool:
    """Whether a query is a question: it ends in "?", opens with a wh-word or an auxiliary ("what is the port",
    "does the API ..."), or asks one as a request does ("Remind me *who* our contact at Brightline is."). Other
    queries are keywords, as an agent writes them for a search tool ("dentist appointment time"), or a request for
    a thing ("Show me the code of List."): they say neither what they ask for nor when."""
    words = query.lower().split()
    return query.rstrip().endswith("?") or bool(words) and words[0] in _OPENINGS or bool(_ASKING.match(query.lower()))


_VALUE_WH = frozenset("who where when which".split())
_NOT_MEASURE = AUXILIARIES | frozenset("is are was were has have had".split())  # "how does ...": not "how long"


def asks_for_value(query: str) -> bool:
    """Whether a question asks for a value that a later statement can replace: who, where, when, which, how with a
    measure ("how long", "how many", "how often"), or what / whose with a word it asks for (`lexical.answer_terms`:
    "What is the on-call phone *number*?"). "Why ...", "How does John describe ...", "What does Jon plan to do ..."
    ask for a reason, a description or an event, which a later statement adds to rather than replaces."""
    words = re.findall(r"[a-z]+", query.lower())
    at = next((i for i, w in enumerate(words) if w in _VALUE_WH or w in ("what", "how", "why", "whose")), None)
    if at is None or words[at] == "why":
        return False
    if words[at] == "how":
        return words[at + 1 : at + 2] != [] and words[at + 1] not in _NOT_MEASURE
    return words[at] in _VALUE_WH or bool(answer_terms(query))


_SOME = frozenset("some any other another something one".split())  # "what other ...", "one of ..."
_KIND = frozenset("kind kinds type types sort sorts".split())
_SINGULAR_S = frozenset("news series species".split())
_VERBS = AUXILIARIES | frozenset("is are was were has have had".split())  # where the asked noun phrase ends
_PHRASE = 4  # the asked word and at most two more before that verb: longer runs are not read as one noun phrase


def asks_for_many(query: str) -> bool:
    """Whether a question asks for some of several things, not for the one current value of something: "are" or an
    indefinite comes before the word it asks for (`lexical.asked_word`: "What are the names of Jolene's snakes?",
    "What is a stress reliever for Evan?"), that word is an indefinite ("What other exercises ...", "one of ..."),
    or it (after "kind of", the word after it) is a plural ("What symbols are important to Caroline?", "What kind
    of tricks ..."). When a few words come before the question's auxiliary, they are one noun phrase and the last is
    the word to judge, as English puts a phrase's head last ("Which classical *musicians* does Melanie enjoy?",
    "What personal health *incidents* does Evan face?"; "Which TV *series* does ..." stays singular). Such things
    accumulate: a later statement of one adds to the others and does not replace them, so for such a question no
    statement is called superseded. (A count, "how many ...", is one value and still is.)"""
    found = asked_word(query)
    if found is None or found[0][found[1] - 1].lower() in ("many", "much"):
        return False
    raw, start, j = found
    words = [w.lower() for w in raw]
    if {"are", "a", "an"} & set(words[start:j]) or words[j] in _SOME:
        return True
    if words[j] in AUXILIARIES:
        return False  # "what does X ...": the words after it name the subject
    if words[j] in _KIND and words[j + 1 : j + 2] == ["of"] and j + 2 < len(words):
        j += 2
    verb = next((k for k in range(j + 1, min(j + _PHRASE, len(words))) if words[k] in _VERBS), None)
    return _plural(raw[j if verb is None else verb - 1])


def _plural(token: str) -> bool:
    """Whether a word looks like an English plural: ends in -s but not -ss, -us, -is ("names", "hobbies", "APIs";
    not "class", "status", "analysis"), and is not a proper name ("Jenkins")."""
    word = token.lower()
    if len(token) > 2 and token[:-1].isupper() and token.endswith("s"):
        return True  # "APIs"
    if token[0].isupper() and not token.isupper() or word in _SINGULAR_S or len(word) < 4:
        return False
    return word.endswith("s") and not word.endswith(("ss", "us", "is"))


def subject_groups(
    query: str,
    candidates: list[Chunk],
    held: dict[int, set[str]],
    relevance: dict[int, float],
    emb: torch.Tensor,
    link: float,
) -> list[tuple[list[int], int]]:
    """Groups of candidate positions that state one subject of `query`, each with its current member (see the
    module doc). `held[p]`: the query terms chunk p holds; `relevance[p]`: its relevance to the query; `emb`: the
    memory's embeddings by position."""
    if len(candidates) < 2:
        return []
    asked, optional = answer_terms(query), optional_terms(query)
    subject = {c.position: frozenset(held[c.position]) - optional for c in candidates}
    asks = {c.position: bool(held[c.position] & asked) for c in candidates}
    top = subject[max(evidence(candidates), key=lambda c: relevance[c.position]).position]  # an answer restates
    about = [c for c in candidates if top and subject[c.position] >= top]
    if len(about) < 2:
        return []
    pos = [c.position for c in about]
    e = emb[torch.tensor(pos)]
    close = ((e @ e.T) >= link).tolist()
    linked = torch.tensor(
        [
            [subject[i] == subject[j] and (asks[i] == asks[j] or close[x][y]) for y, j in enumerate(pos)]
            for x, i in enumerate(pos)
        ]
    )
    groups = []
    for group in components(linked):
        members = [about[m] for m in group]
        if len(members) > 1:
            groups.append(([c.position for c in members], max(c.position for c in evidence(members))))
    return groups


def components(linked: torch.Tensor) -> list[list[int]]:
    """Connected components of a symmetric boolean adjacency matrix (n, n), each in index order."""
    seen: set[int] = set()
    out = []
    for start in range(linked.shape[0]):
        if start in seen:
            continue
        group, stack = [], [start]
        seen.add(start)
        while stack:
            j = stack.pop()
            group.append(j)
            for i in linked[j].nonzero().flatten().tolist():
                if i not in seen:
                    seen.add(i)
                    stack.append(i)
        out.append(sorted(group))
    return out
