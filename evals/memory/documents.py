"""The `documents` family: reference prose read once, where nothing is ever superseded.

Data: the Python language reference as `pydoc` shows it (`pydoc_data.topics` of the running Python's standard
library, PSF licence; 79 topics, about 106k cl100k tokens): one document per topic (`reference/<topic>.txt`), the
documents in a seeded order, chunked as `LAMMemory.add_path` chunks prose (`chunking.chunk_text`, 256 tokens).
Every chunk carries one `meta["read"]`, as `lam ingest reference/` tags the paragraphs of one ingest: the
reference was read at once, so its paragraphs were all current together. One stream per seed, whatever `--sizes`
says.

Questions: a seeded sample of paragraphs of at least `MIN_WORDS` words that are not mostly code; each is asked by
its first `QUOTE_WORDS` words, as a user pastes the start of a passage to find it again. Gold: that paragraph. The
topics repeat one another (`compound` holds the text of `with`, `for` and `try`; `specialnames` that of
`numeric-types`), so only paragraphs whose quoted words no other chunk holds are asked: one right answer each.
Nothing was revised, so a context that marks the gold superseded makes a false claim (`evidence_marked_stale`);
recall and `top_is_evidence` say whether the passage is found.
"""

from __future__ import annotations

import random

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.streams import Question, Stream
from lam_memory.chunking import chunk_text, mostly_code
from lam_memory.config import MemoryConfig
from lam_memory.types import Chunk

QUESTIONS = 60  # per seed
QUOTE_WORDS = 12  # words of the paragraph's start that make the question
MIN_WORDS = 20  # paragraphs shorter than this are headings and fragments, not passages to look up


def _topics() -> dict[str, str]:
    from pydoc_data.topics import topics

    return dict(topics)


def _chunks(seed: int) -> list[Chunk]:
    topics = sorted(_topics().items())
    random.Random(f"documents:{seed}").shuffle(topics)
    out: list[Chunk] = []
    for topic, text in topics:
        for c in chunk_text(text, f"reference/{topic}.txt", MemoryConfig().chunk_tokens):
            c.position, c.meta = len(out), {"read": "reference"}
            out.append(c)
    return out


def documents_stream(seed: int = 0, config: SuiteConfig = DEFAULT_CONFIG, questions: int = QUESTIONS) -> Stream:
    """The stream for `seed` (see the module doc); `config` is accepted as every family's generator takes it."""
    chunks = _chunks(seed)
    flat = [" ".join(c.text.split()) for c in chunks]
    quote = {c.position: " ".join(c.text.split()[:QUOTE_WORDS]) for c in chunks}
    passages = [
        c
        for c in chunks
        if len(c.text.split()) >= MIN_WORDS
        and not mostly_code(c.text)
        and sum(quote[c.position] in f for f in flat) == 1  # topics repeat each other's paragraphs: one answer
    ]
    rng = random.Random(f"documents-questions:{seed}")
    out = [
        Question(quote[c.position], "quote", [c.position], c.text, meta={"source": c.source})
        for c in rng.sample(passages, min(questions, len(passages)))
    ]
    return Stream("documents", f"documents-s{seed}", 0, chunks, out)
