"""The `documents` and `readmes` families: prose read once, where nothing is ever superseded.

Data of `documents`: the Python language reference as `pydoc` shows it (`pydoc_data.topics` of the running
Python's standard library, PSF licence; 79 topics, about 106k cl100k tokens), one document per topic
(`reference/<topic>.txt`). Data of `readmes`: the long descriptions (the READMEs shown on the package index) in the
`METADATA` of the installed packages named in `README_PACKAGES`, one document per package
(`readmes/<name>.md`), about 186k tokens; each package's name, version and licence are recorded in the stream
(`Stream.meta`). Several hold their changelog, newest entry first, where taking order for time would make the oldest
entry current. In both, the documents come in a seeded order, chunked as `LAMMemory.add_path` chunks prose
(`chunking.chunk_text`, 256 tokens), and every chunk carries one `meta["read"]`, as `lam ingest reference/` tags the
paragraphs of one ingest: the documents were read at once, so their paragraphs were all current together. One
stream per seed, whatever `--sizes` says.

Questions: a seeded sample of paragraphs of at least `MIN_WORDS` words that are not mostly code; each is asked by
its first `QUOTE_WORDS` words, as a user pastes the start of a passage to find it again. Gold: that paragraph. The
topics repeat one another (`compound` holds the text of `with`, `for` and `try`; `specialnames` that of
`numeric-types`), so only paragraphs whose quoted words no other chunk holds are asked: one right answer each.
Nothing was revised, so a context that marks any chunk superseded makes a false claim (`marks_any`; on the gold:
`evidence_marked_stale`); recall and `top_is_evidence` say whether the passage is found.
"""

from __future__ import annotations

import random
from importlib import metadata

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.streams import Question, Stream
from lam_memory import LAMError
from lam_memory.chunking import chunk_text, mostly_code
from lam_memory.config import MemoryConfig
from lam_memory.types import Chunk

QUESTIONS = 60  # per seed
QUOTE_WORDS = 12  # words of the paragraph's start that make the question
MIN_WORDS = 20  # paragraphs shorter than this are headings and fragments, not passages to look up
# Packages that `scripts/setup.sh` installs (the project's dependencies and extras) with long READMEs (3-140k
# characters each); the ones missing from an environment are left out.
README_PACKAGES = (
    "pydantic", "fonttools", "tqdm", "openai", "charset-normalizer", "orjson", "regex", "langsmith", "torch",
    "threadpoolctl", "fastapi", "ruff", "pytest-timeout", "sentence-transformers", "transformers", "rich",
)  # fmt: skip


def _topics() -> dict[str, str]:
    from pydoc_data.topics import topics

    return dict(topics)


def _readmes() -> tuple[dict[str, str], list[dict]]:
    """{name: long description} of the installed `README_PACKAGES`, and their (name, version, licence)."""
    docs, provenance = {}, []
    for name in README_PACKAGES:
        try:
            meta = metadata.distribution(name).metadata
        except metadata.PackageNotFoundError:
            continue
        text = meta.get_payload() or meta.get("Description") or ""
        if text.strip():
            docs[name] = text
            licence = meta.get("License-Expression") or (meta.get("License") or "").split("\n")[0][:80]
            provenance.append({"name": name, "version": meta["Version"], "licence": licence})
    return docs, provenance


def _chunks(docs: dict[str, str], folder: str, suffix: str, seed: int) -> list[Chunk]:
    """The documents in a seeded order, chunked as prose, all tagged with one read (`folder`)."""
    ordered = sorted(docs.items())
    random.Random(f"documents:{seed}").shuffle(ordered)
    out: list[Chunk] = []
    for name, text in ordered:
        for c in chunk_text(text, f"{folder}/{name}{suffix}", MemoryConfig().chunk_tokens):
            c.position, c.meta = len(out), {"read": folder}
            out.append(c)
    return out


def _stream(family: str, chunks: list[Chunk], seed: int, questions: int, meta: dict | None = None) -> Stream:
    flat = [" ".join(c.text.split()) for c in chunks]
    quote = {c.position: " ".join(c.text.split()[:QUOTE_WORDS]) for c in chunks}
    passages = [
        c
        for c in chunks
        if len(c.text.split()) >= MIN_WORDS
        and not mostly_code(c.text)
        and sum(quote[c.position] in f for f in flat) == 1  # documents repeat each other's paragraphs: one answer
    ]
    rng = random.Random(f"documents-questions:{seed}")
    out = [
        Question(quote[c.position], "quote", [c.position], c.text, meta={"source": c.source})
        for c in rng.sample(passages, min(questions, len(passages)))
    ]
    return Stream(family, f"{family}-s{seed}", 0, chunks, out, meta=meta or {})


def documents_stream(seed: int = 0, config: SuiteConfig = DEFAULT_CONFIG, questions: int = QUESTIONS) -> Stream:
    """The `documents` stream for `seed` (see the module doc); `config` is accepted as every family's generator
    takes it."""
    return _stream("documents", _chunks(_topics(), "reference", ".txt", seed), seed, questions)


def readmes_stream(seed: int = 0, config: SuiteConfig = DEFAULT_CONFIG, questions: int = QUESTIONS) -> Stream:
    """The `readmes` stream for `seed`: the installed packages' READMEs read at once (see the module doc)."""
    docs, provenance = _readmes()
    if not docs:
        raise LAMError("readmes: none of the packages in README_PACKAGES is installed (run scripts/setup.sh)")
    return _stream("readmes", _chunks(docs, "readmes", ".md", seed), seed, questions, {"packages": provenance})
