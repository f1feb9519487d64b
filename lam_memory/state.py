"""MemoryState: the chunk-level fast/slow delta-rule state of a memory (the equations are in `lam_memory.memory`'s
module doc): sparse keys of embeddings, +-1 codes of positions, the write, the read, what is held, the vote that
settles versions, and erasure."""

from __future__ import annotations

import math

import torch

from lam_memory.config import MemoryConfig
from lam_memory.ops import lam_chunkwise
from lam_memory.subjects import components


class MemoryState:
    """The chunk-level fast/slow state: keys, codes and the delta-rule update (see the module doc)."""

    def __init__(self, config: MemoryConfig | None = None, dim: int = 384):
        self.config = cfg = config or MemoryConfig()
        g = torch.Generator().manual_seed(cfg.seed)
        self.proj = torch.randn(cfg.key_dim, dim, generator=g) / math.sqrt(dim)
        self.S = torch.zeros(1, 1, 2, cfg.key_dim, cfg.value_dim)
        self.count = 0
        self.mix = torch.tensor([cfg.mix])

    def keys(self, emb: torch.Tensor) -> torch.Tensor:
        """Sparse unit keys (n, key_dim) of embeddings (n, dim)."""
        h = emb.float() @ self.proj.T
        top = h.topk(self.config.winners, dim=-1)
        k = torch.zeros_like(h).scatter_(-1, top.indices, top.values.clamp(min=0))
        return torch.nn.functional.normalize(k, dim=-1)

    def codes(self, positions: torch.Tensor) -> torch.Tensor:
        """Deterministic +-1/sqrt(d) codes (n, value_dim) of chunk positions."""
        value_dim = self.config.value_dim
        bits = torch.arange(value_dim)
        x = (positions[:, None].long() * 0x9E3779B1 + bits[None, :] * 0x85EBCA77) & 0xFFFFFFFF
        x = ((x ^ (x >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
        x = ((x ^ (x >> 12)) * 0x297A2D39) & 0xFFFFFFFF
        x = x ^ (x >> 15)
        return ((x & 1).float() * 2 - 1) / math.sqrt(value_dim)

    def write(self, emb: torch.Tensor, tokens: torch.Tensor) -> None:
        """Fold chunks (in order) into the state: embeddings (n, dim), token counts (n,)."""
        n = emb.shape[0]
        if n == 0:
            return
        cfg = self.config
        k = self.keys(emb).view(1, 1, n, cfg.key_dim)
        v = self.codes(torch.arange(self.count, self.count + n)).view(1, 1, n, cfg.value_dim)
        steps = tokens.float().view(1, 1, 1, n) / cfg.tokens_per_step
        log_a = -torch.cat((cfg.rate_fast * steps, cfg.rate_slow * steps), dim=2)
        ones = torch.ones(1, 1, n)
        _, self.S = lam_chunkwise(
            k, k, v, ones, log_a, ones, self.mix, self.S, offset=self.count, mix_every=cfg.mix_every
        )
        self.count += n

    def read(self, keys: torch.Tensor) -> torch.Tensor:
        """The state's answer (n, value_dim) for keys (n, key_dim), fast and slow averaged."""
        return torch.einsum("nk,skv->nv", keys, self.S[0, 0]) / 2

    @staticmethod
    def held(reads: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """How much of each chunk's association the state still recalls (about 1 = intact, 0 = gone), from its
        `reads` = `read(keys)` and its `codes`."""
        return (reads * codes).sum(-1)

    def settle(self, keys: torch.Tensor, reads: torch.Tensor, codes: torch.Tensor) -> list[tuple[list[int], int]]:
        """Groups of chunks sharing state slots (key overlap >= same_slot), each with the index of its owner;
        `reads` = `read(keys)`, `codes` = the chunks' codes."""
        linked = (keys @ keys.T) >= self.config.same_slot
        votes = reads @ codes.T  # [m, i]: state read at m's key, matched to i's code
        groups = []
        for group in components(linked):
            if len(group) > 1:
                g = torch.tensor(group)
                groups.append((group, group[int(votes[g][:, g].sum(0).argmax())]))
        return groups

    def erase(self, emb: torch.Tensor) -> None:
        """Erase what the state holds along the keys of embeddings (n, dim): S <- S - k (k^T S), no decay."""
        for k in self.keys(emb):
            self.S = self.S - k[:, None] * torch.einsum("k,...kv->...v", k, self.S)[..., None, :]

    def tensors(self) -> dict[str, torch.Tensor]:
        return {"S": self.S, "count": torch.tensor([self.count])}

    def load(self, tensors: dict[str, torch.Tensor]) -> None:
        self.S = tensors["S"].float()
        self.count = int(tensors["count"][0])
