"""Links: one hop between the two statements that a question about a named subject needs.

"Which database does Ximena's project use?" is answered by two statements: "Ximena is now a developer on project
Willow2-17" and, maybe thousands of messages away inside a long paste, "The Willow2-17 project's database is Neo4j".
The second shares with the question only the word it asks for, so neither similarity nor BM25 ranks it near the
top; the first may be buried as well. What ties them is a name both hold. So, when a question asks for something
(`lexical.answer_terms`: the word after which / what / whose, "database") about a named subject (`lexical.names`
of the question, apart from the asked word: "Ximena"):

- the *evidence* are the statements among the `link_from` most relevant candidates (16: what one context shows)
  that hold one of the two and lack the other: a statement about the subject without the asked thing, or a
  statement of the asked thing about something else ("the Willow2-17 project's database is Neo4j": whose
  project?). One holding both may be the answer itself and links nothing; a question states nothing and links
  nothing. Code takes no part (it is found by its own names). Not only those near the best: the best is often a
  short message that repeats the subject's name ("Ximena is out of office on Friday"), close to the question and
  silent on the asked thing, while the statement that ties the subject to the link is longer and ranks far below
  it (a relevance band of 0.15 under the best missed 3 of the 4 multi-hop misses of the synthetic suite at 32K);
- its *link* is its rarest name that the question does not hold (identifiers and proper names, not plain words) and
  that leads somewhere: held by 2 to `link_df` chunks (a name in more chunks than one context shows, k = 16, does
  not single out one thing), one of which also holds what the evidence lacks. A link that is also a word of the
  language leads only to chunks that write it as a name or beside another name of the evidence ("flying *United*",
  "*McGee's* pub" for "McGee's Pub"; not "people *united*": a LoCoMo turn had joined the candidates for "Which
  airline are we flying to Denver?" and ranked first). When no chunk holding a link holds the asked word, the asked
  word names a category that the answer gives by an instance ("Which CI system runs the builds of ...?" is answered
  by "... runs its builds on Jenkins", "which city" by "Lisbon"): then the one chunk holding the link that best
  matches the question's other words (its predicate, "runs" and "builds"; BM25 over them) is linked, and a chunk
  holding the link and none of them is not. A name inside an email address or a URL is no link: its host is shared
  by every address there ("tv@ourmail.com" had linked "What's the login email for the Hulu account?" to the Netflix
  login at "streams@ourmail.com", which then ranked first);
- those chunks join the candidates as relevant as the evidence that named them, so they rank beside it (evidence
  far down the ranking adds a chunk far down); the state's terms, subjects and versions then score them like any
  candidate (of two statements of the project's database, the later ranks first). Code units (chunks with a
  version slot) are not linked to either;
- a chain may also start outside those candidates, at a statement that holds every name of the question's
  subject when that subject is rare (its rarest name in at most `link_df` chunks: `naming_subject`). Such a
  statement is about the subject whatever else it says, and a long paste around it keeps its similarity low:
  "Bruno Lindqvist works on project Umbra2-24" inside a paste ranked 53rd by relevance while "Bruno Lindqvist is
  out of office on Friday" ranked near the top. Both statements of a chain found this way join as relevant as the
  most relevant statement about the subject; a subject named in more chunks than a context shows starts none.

Why it holds on data it was not tuned on: nothing in it depends on wording beyond the question's own asked word
and names and the names the evidence holds, and it adds a chunk only when three things meet (the evidence holds
one half of the question, the link is a rare name, the linked chunk holds the link and the other half). On
LoCoMo, whose two-fact questions are about events rather than names, a first form of the rule that followed any
rare word, not only names, lost evidence in 44 of 1,540 questions, and one that asked the linked chunk for any
missing query word instead of the asked word lost it in 3 (throw-away prototypes). Where it fails: a link written
differently in the two statements ("Willow 2" vs "Willow2-17"), questions with no asked word ("Where is the
football?") or no named subject ("which database do we use?"), a common subject (in more than `link_df` chunks)
whose linking statement is not among the `link_from` most relevant candidates, and a context too small for both
statements and the closer distractors.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Protocol

from lam_memory.lexical import ADDRESS, answer_terms, names, query_terms, terms
from lam_memory.subjects import is_statement, named_subject
from lam_memory.types import Chunk


class Index(Protocol):
    def document_counts(self, words: list[str]) -> dict[str, int]: ...
    def holding(self, word: str, any_of: list[str], limit: int) -> list[int]: ...
    def get(self, positions: list[int]) -> list[Chunk]: ...


def may_link(query: str) -> bool:
    """Whether `query` asks for something about a named subject, the only questions that follow links."""
    return bool(answer_terms(query)) and bool(named_subject(query))


def naming_subject(query: str, index: Index, max_df: int) -> list[int]:
    """Chunks that hold every name of the question's subject, when that subject is rare (its rarest name is held by
    at most `max_df` chunks): where a chain of two statements about it starts (see the module doc)."""
    if not may_link(query) or max_df < 2:
        return []
    subject = sorted(named_subject(query))
    counts = index.document_counts(subject)
    rarest = min(subject, key=counts.__getitem__)
    if not 1 <= counts[rarest] <= max_df:
        return []
    rest = [n for n in subject if n != rarest] or [rarest]
    return index.holding(rarest, rest, max_df) if len(rest) == 1 else _holding_all(index, rarest, rest, max_df)


def _holding_all(index: Index, first: str, rest: list[str], limit: int) -> list[int]:
    """Chunks holding `first` and every term of `rest`."""
    held = set(index.holding(first, rest[:1], limit))
    for name in rest[1:]:
        held &= set(index.holding(first, [name], limit))
    return sorted(held)


def linked(
    query: str, evidence: list[Chunk], index: Index, max_df: int, is_word: Callable[[str], bool] | None = None
) -> dict[int, int]:
    """Chunks the evidence links the question to (see the module doc): {linked position: evidence position}.
    `is_word`: whether a word is a word of the language (the encoder's vocabulary), so that a link such as "United"
    leads only to chunks that say it as a name, capitalized or beside another name the evidence holds ("flying
    United", "McGee's pub" for "McGee's Pub"; not "people united")."""
    if not may_link(query) or max_df < 2:
        return {}
    asked, named, subject = answer_terms(query), set(query_terms(query)), named_subject(query)
    predicate = sorted(named - subject - asked)  # what the question says of the subject: "runs", "builds"
    out: dict[int, int] = {}
    for chunk in evidence:
        if not is_statement(chunk):
            continue  # a question states nothing to follow
        held = set(terms(chunk.text))
        if subject & held and not asked & held:
            lacks, instead = sorted(asked), predicate  # it names the subject: the answer is elsewhere
        elif asked & held and not subject & held:
            lacks, instead = sorted(subject), []  # it gives the asked thing of something: is that the subject's?
        else:
            continue  # both (it may be the answer itself) or neither (it is about something else)
        said = names(ADDRESS.sub(" ", chunk.text))  # an address's host is shared by every address there
        candidates = [n for n in said if n not in named]
        counts = index.document_counts(candidates)
        rare = sorted((n for n in candidates if 2 <= counts[n] <= max_df), key=counts.__getitem__)  # stable: ties
        plain = _plain_names(said, is_word)
        found = (
            _follow(rare, lacks, index, max_df, chunk.position, plain)
            or _follow(rare, instead, index, max_df, chunk.position, plain)[:1]
        )
        for p in found:
            out.setdefault(p, chunk.position)
    return out


def _follow(
    rare: list[str], lacks: list[str], index: Index, max_df: int, start: int, plain: dict[str, set[str]]
) -> list[int]:
    """The chunks (best BM25 first) that the rarest name of `rare` leading somewhere leads to: holding it and any of
    `lacks`, other than the chunk `start` it was found in; for a name that is also a word of the language (a key of
    `plain`, with the evidence's other names), holding it capitalized or one of those names too."""
    for name in rare:
        found = [p for p in index.holding(name, lacks, max_df) if p != start]
        if found and name in plain:
            found = [
                c.position for c in index.get(found) if _capitalized(name, c.text) or plain[name] & set(terms(c.text))
            ]
        if found:
            return found
    return []


def _plain_names(said: list[str], is_word: Callable[[str], bool] | None) -> dict[str, set[str]]:
    """The names `said` that are also words of the language, each with the other names said."""
    if is_word is None:
        return {}
    return {n: set(said) - {n} for n in said if is_word(n)}


def _capitalized(word: str, text: str) -> bool:
    """Whether `text` says `word` with a capital, as a name ("*United* cancelled"; not "people *united*")."""
    return any(m.group()[0].isupper() for m in re.finditer(rf"\b{re.escape(word)}\b", text, re.IGNORECASE))
