"""LAM memory as methods of the memory suite: `lam`, its ranking packed like the baselines', and `lam-context`,
what `LAMMemory.context` hands a user within the budget."""

from __future__ import annotations

import copy

import torch

from evals.memory.config import DEFAULT_CONFIG
from evals.memory.methods import Packed, embed_cached
from lam_memory import LAMError
from lam_memory.types import Chunk

_EMBED_CACHE: dict[str, torch.Tensor] = {}


class _CachingEncoder:
    """The LAM encoder with ingest embeddings cached by text for the whole process, as `DenseMiniLM` does:
    BABILong samples of one size share their filler, so only the paragraphs holding the facts are encoded again.
    Every chunk is still folded into a fresh memory's state; queries are never cached."""

    def __init__(self, encoder, cache_max: int):
        self.encoder = encoder
        self.encoder_id, self.dim = encoder.encoder_id, encoder.dim  # what LAMMemory records and sizes by
        self.tokenizer = encoder.tokenizer  # what LAMMemory reads a query's coined words with
        self.cache_max = cache_max
        self.caching = False

    def encode(self, texts: list[str], batch_size: int = 32) -> torch.Tensor:
        if not self.caching:
            return self.encoder.encode(texts, batch_size=batch_size)
        if not texts:
            return torch.zeros(0, self.dim)
        encode = lambda todo: self.encoder.encode(todo, batch_size=batch_size)  # noqa: E731
        return torch.stack(embed_cached(texts, encode, _EMBED_CACHE, self.cache_max))


class LAMMethod:
    """A fresh in-RAM LAMMemory per stream; ranks by the memory's own score (similarity + state)."""

    name = "lam"

    def __init__(self, cache_max: int = DEFAULT_CONFIG.embed_cache_max):
        from lam_memory.encoder import default_encoder
        from lam_memory.memory import LAMMemory

        self.encoder = _CachingEncoder(default_encoder(), cache_max)
        self.memory = LAMMemory(encoder=self.encoder)

    @staticmethod
    def clear_cache() -> None:
        _EMBED_CACHE.clear()

    def warmup(self) -> None:
        """Load the encoder before the timed ingest."""
        self.encoder.encode(["warm up"])

    def ingest(self, chunks: list[Chunk]) -> None:
        self.encoder.caching = True
        try:
            self.memory.add_chunks([copy.copy(c) for c in chunks])  # positions are re-assigned in arrival order
        finally:
            self.encoder.caching = False

    def rank(self, query: str, k: int) -> list[int]:
        return [h.position for h in self.memory.search(query, k=k, candidates=max(64, k))]


class LAMContextMethod(LAMMethod):
    """LAM memory scored on its compressed context: the chunks named in the `Context.hits` of
    `LAMMemory.context(query, budget_tokens=budget)`, in that order, and the context's own token count."""

    name = "lam-context"

    def context(self, query: str, budget: int) -> Packed:
        try:
            ctx = self.memory.context(query, budget_tokens=budget)
        except LAMError:  # the budget cannot hold the top hit's smallest piece: the user gets no evidence
            return Packed([], 0)
        return Packed(
            [h.position for h in ctx.hits], ctx.tokens, frozenset(h.position for h in ctx.hits if h.superseded_by)
        )
