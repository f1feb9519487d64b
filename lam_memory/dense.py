"""The dense scan: which chunks' keys are most similar to a query's, exactly, reading half the bytes.

A memory keeps one float32 key (embedding) per chunk in RAM; a query's dense candidates are the `n` live keys with
the largest dot product with the query's embedding. Done in float32 (`top_reference`) the scan reads 1,536 bytes a
chunk: at 10M tokens (113K chunks) 174 MB a query, about 20 ms on one core, bound by memory bandwidth. `top` reads
a float16 copy instead (768 bytes a chunk; `HalfKeys` keeps it beside the float32 keys, extended as chunks are
added), takes its `n + max(n, SPARE)` best, scores those again in float32 and keeps the `n` best. That is exactly
`top_reference`'s answer whenever the float16 scores are within `eps` of the float32 ones, which holds by
construction:

    rounding a unit key and the query to float16 changes each element by at most 2^-11 of itself, so the dot
    product by at most (2 * 2^-11 + 2^-22) |e| |q| ~ 0.98e-3 |e| |q|; elements under 2^-14, kept as subnormals,
    lose at most 2^-25 each (under 1.2e-5 |q| in all); torch sums the products in float32 (about 2.3e-5 |e| |q|
    over 384 terms; the tests measure the whole error on the shipped encoder's keys). eps is 2.5e-3 |e|max |q|,
    more than twice the sum.

The float16 pass runs compiled where a C compiler is found (`lam_memory.ops.cpu.half_scores`, `half_scan.c`): each
key element converted to float32 exactly and multiplied by the float32 query, so only the keys are rounded, less
error than the bound above. torch's CPU float16 product converts element by element: on a 2-core AVX-512 host it
took 20 ms for 114,530 keys, the float32 scan 14, the compiled pass 9 (one thread, as a search scans).

So no chunk left out of the short list can beat the n-th best of it when that one's exact score is more than
`eps` above the last float16 score kept; where it is not (near-ties at the boundary), `top` falls back to the
float32 scan. `Similarity` gives the exact float32 score of any other chunk the search looks at (lexical and link
candidates) without scanning.
"""

from __future__ import annotations

import math

import torch

from lam_memory.ops.cpu import half_scores

SPARE = 64  # float16 short list: n + max(n, SPARE) chunks rescored in float32
EPS = 2.5e-3  # allowed float16 error per unit of |e| |q|: twice the bound in the module doc


class HalfKeys:
    """The keys in float16 and the largest norm of a key, kept up to date by `update`, which gives both as one
    snapshot (searches on other threads may update the copy at the same time)."""

    def __init__(self) -> None:
        self._copy: tuple[torch.Tensor, float] = (torch.zeros(0, 0, dtype=torch.float16), 0.0)

    def update(self, keys: torch.Tensor) -> tuple[torch.Tensor, float]:
        """(float16 keys, largest key norm): the copy extended by the rows added to `keys` since the last update (a
        chunk's key never changes while it is live; a forgotten chunk's row is zeroed, and dead rows are never
        read), or made anew when it has more rows than `keys` or another width."""
        half, norm = self._copy
        if len(half) > len(keys) or half.shape[1:] != keys.shape[1:]:
            half, norm = keys[:0].half(), 0.0
        if len(half) < len(keys):
            new = keys[len(half) :]
            half, norm = torch.cat((half, new.half())), max(norm, float(new.norm(dim=1).max()))
            self._copy = (half, norm)
        return half, norm


def top_reference(keys: torch.Tensor, live: torch.Tensor, q: torch.Tensor, n: int) -> tuple[torch.Tensor, torch.Tensor]:
    """(positions, scores) of the `n` live keys with the largest `keys @ q`, best first: the float32 scan."""
    top = (keys @ q).masked_fill(~live, -math.inf).topk(min(n, len(keys)))
    return top.indices, top.values


def top(
    keys: torch.Tensor, half: tuple[torch.Tensor, float], live: torch.Tensor, q: torch.Tensor, n: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """`top_reference(keys, live, q, n)`, scanning the float16 copy `half` (`HalfKeys.update(keys)`) and rescoring
    a short list in float32."""
    (copy, norm), m = half, n + max(n, SPARE)
    if int(live.sum()) <= m or copy.shape != keys.shape:
        return top_reference(keys, live, q, n)
    scores = half_scores(copy, q)  # the compiled scan where built, else torch's float16 product
    scores = (copy @ q.half()).float() if scores is None else scores
    short = scores.masked_fill(~live, -math.inf).topk(m)
    best = (keys[short.indices] @ q).topk(n)
    eps = EPS * norm * float(q.norm())
    if not (float(best.values[-1]) > float(short.values[-1]) + eps):  # a key outside the list might beat the n-th
        return top_reference(keys, live, q, n)
    return short.indices[best.indices], best.values


class Similarity:
    """`keys[p] @ q` for the positions a search asks about, in float32, computed on first use; -inf where the chunk
    is not live (as `top_reference` masks it)."""

    def __init__(self, keys: torch.Tensor, live: torch.Tensor, q: torch.Tensor, known: dict[int, float]) -> None:
        self._keys, self._live, self._q, self._known = keys, live, q, dict(known)

    def __len__(self) -> int:
        return len(self._keys)

    def __getitem__(self, p: int) -> float:
        p = int(p)
        if p not in self._known:
            self._known[p] = float(self._keys[p] @ self._q) if self._live[p] else -math.inf
        return self._known[p]
