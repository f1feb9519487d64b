"""LAM memory as a method of the memory suite (same protocol and packer as the baselines)."""

from __future__ import annotations

import copy

from lam_memory.types import Chunk


class LAMMethod:
    """A fresh in-RAM LAMMemory per stream; ranks by the memory's own score (similarity + state)."""

    name = "lam"

    def __init__(self):
        from lam_memory.memory import LAMMemory

        self.memory = LAMMemory()

    def warmup(self) -> None:
        """Load the encoder before the timed ingest."""
        self.memory.encoder.encode(["warm up"])

    def ingest(self, chunks: list[Chunk]) -> None:
        self.memory.add_chunks([copy.copy(c) for c in chunks])  # positions are re-assigned in arrival order

    def rank(self, query: str, k: int) -> list[int]:
        return [h.position for h in self.memory.search(query, k=k, candidates=max(64, k))]
