"""Versions: which chunk is the current version of a unit of code, held by a second delta-rule state.

A chunk that is a unit of code (a Python function, method or class: `meta["unit"]` from `chunk_code`, or, for
code chunked elsewhere and given to `add_chunks`, a text that is one Python def or class) has a *slot*: its
qualified name after the last two components of its source path, e.g. `httpx/_models.py:Response.aiter_raw` (`#2` is
appended to the second part of a function split into parts, `@2` to a name's second definition in one file: an
`@overload` stub or a property's setter is a sibling of the first, not its new version). The path tail keeps a
unit's slot when a project is read from another checkout or release folder (`httpx-0.27.0/httpx/_models.py` and
`src/httpx/_models.py` name the same unit), while two different files rarely share their folder, their file name
and a qualified name.

Each slot has a fixed sparse unit key k_s: `winners` of `dim` coordinates picked by hashing the slot, each
1/sqrt(winners). A chunk j in slot s is written into the version state V (dim x d_v) with the delta rule, beta = 1
and no decay (`lam_memory.ops.lam_recurrent` with log a = 0 computes the same, which the tests check):

    V <- V - k_s (k_s^T V) + k_s c_j^T          c_j: the chunk's +-1/sqrt(d_v) code (`MemoryState.codes`)

so V^T k_s returns the code of the last chunk written to slot s: a new version erases its predecessor's
association along the same key. `owner` reads V at the slot key and picks the member whose code matches best. A
removed unit is erased with a zero value (`V <- V - k_s (k_s^T V)`).

Why it holds at any length: different slots' keys are nearly orthogonal (two 8-of-16384 random keys share a
coordinate with probability ~0.4%), so a write erases on average a fraction ~6e-5 of another slot's association:
after 10,000 later writes (~1M tokens of code) about half of it remains, while a superseded code reads ~0 up to
crosstalk (~0.03). In tests/lam_memory/test_versions.py, 200 slots revised early and followed by 10,000 other
writes all still name their latest version, the smallest margin over a stale code being 0.26 (a full match is 1).
The vote is decided by which code the state holds along the slot's own key, not by similarity or by order, and V
has the same size whatever the memory's length (8 MiB at the defaults).
"""

from __future__ import annotations

import ast
import hashlib
import math
import random
import textwrap

import torch

from lam_memory.types import Chunk


def slot_of(chunk: Chunk) -> str | None:
    """The chunk's slot (see the module doc), or None when it is not a unit of code."""
    if chunk.kind != "code":
        return None
    symbol = chunk.meta.get("symbol") if chunk.meta.get("unit") else None
    if "symbol" not in chunk.meta:  # code chunked elsewhere (`add_chunks`): a unit if it is one Python def or class
        symbol = _python_unit(chunk.text)
    if not symbol:
        return None
    tail = "/".join(chunk.source.replace("\\", "/").rstrip("/").split("/")[-2:])
    part, again = chunk.meta.get("part"), chunk.meta.get("occurrence")
    return f"{tail}:{symbol}" + (f"@{again}" if again else "") + (f"#{part}" if part and part > 1 else "")


def definition(chunk: Chunk | None, slot: str | None) -> tuple[str, str] | None:
    """(source, qualified name) when the chunk opens the definition of a unit of code: the first part of a unit
    (its slot has no `#`), or the first piece of a class too long to be one unit (the piece holding `class X`).
    None for anything else: later parts, other pieces, prose."""
    if slot is not None:
        tail, symbol = slot.rsplit(":", 1)
        return None if "#" in symbol else (tail, symbol.split("@")[0])
    if chunk is None or chunk.kind != "code":
        return None
    symbol, signature = chunk.meta.get("symbol"), chunk.meta.get("signature", "")
    if not symbol or not signature:
        return None
    return (chunk.source, symbol) if signature.split("(")[0].rstrip(":") in chunk.text else None


def names_symbol(names: list[str], source: str, symbol: str, whole: bool = False) -> bool:
    """Whether one of `names` (a query's identifiers: `lexical.identifiers`) names `symbol` defined in `source`.
    The name itself must match exactly (Python names are case-sensitive: `Capture` is not `capture`), its
    qualifiers in any case, and as far as they go: `get_backoff_time`, `Retry.get_backoff_time`,
    `retry.get_backoff_time` and `urllib3.util.retry.Retry.get_backoff_time` all name `Retry.get_backoff_time` in
    `urllib3/util/retry.py` (qualifiers past the symbol must end like the source's module path); `Retry` names only
    the class. A `whole` unit (one chunk: a class short enough to keep its methods) is also named by its members'
    names when they qualify it fully: `Namespace.__init__` is inside `Namespace` (but `json.loads` is not inside
    `Response.json`)."""
    parts = symbol.split(".")
    module = [m for m in source.replace("\\", "/").removesuffix(".py").lower().split("/") if m != "__init__"]
    for name in names:
        full = name.split(".")
        for asked in (full, full[:-1]) if whole and len(full) > len(parts) else (full,):
            if asked[-1] != parts[-1]:
                continue
            n = min(len(asked), len(parts))
            if [a.lower() for a in asked[-n:-1]] != [p.lower() for p in parts[-n:-1]]:
                continue
            extra = [a.lower() for a in asked[: len(asked) - n]]  # module qualifiers, if any
            m = min(len(extra), len(module))
            if extra[len(extra) - m :] == module[len(module) - m :]:
                return True
    return False


def names_file(paths: list[str], source: str) -> bool:
    """Whether one of a query's `paths` (`lexical.paths`) names the file `source`: the two are equal, or one is the
    other's tail from a folder on (`util.py` and `src/markdown/util.py` name `markdown/util.py`). A file name needs
    its extension: `util` alone is a word."""
    source = source.replace("\\", "/")
    return any(a == b or a.endswith("/" + b) for path in paths for a, b in ((source, path), (path, source)))


def _python_unit(text: str) -> str | None:
    """The name of the one function or class that `text` defines (comments and decorators around it allowed), or
    None when it is anything else: other statements, several definitions, not Python."""
    try:
        body = ast.parse(textwrap.dedent(text)).body
    except (SyntaxError, ValueError, RecursionError):  # ValueError: a NUL byte
        return None
    if len(body) == 1 and isinstance(body[0], ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
        return body[0].name
    return None


class VersionState:
    """The version state V and its slot keys."""

    def __init__(self, dim: int, winners: int, value_dim: int):
        self.dim, self.winners = dim, winners
        self.V = torch.zeros(dim, value_dim)

    def key(self, slot: str) -> torch.Tensor:
        """The slot's `winners` coordinates (its key's weights are all 1/sqrt(winners))."""
        seed = int.from_bytes(hashlib.sha256(slot.encode("utf-8")).digest()[:8], "little")
        return torch.tensor(sorted(random.Random(seed).sample(range(self.dim), self.winners)))

    def write(self, slot: str, code: torch.Tensor | None) -> None:
        """Write `code` (d_v,) into the slot, erasing what it held; `None` erases only."""
        rows = self.key(slot)
        w = 1 / math.sqrt(self.winners)
        held = self.V[rows]
        new = held - w * (w * held.sum(0))
        if code is not None:
            new = new + w * code
        self.V[rows] = new

    def read(self, slot: str) -> torch.Tensor:
        """V^T k_s: the code the slot holds (d_v,)."""
        return self.V[self.key(slot)].sum(0) / math.sqrt(self.winners)

    def owner(self, slot: str, codes: torch.Tensor) -> tuple[int, float]:
        """Index of the member (codes (n, d_v)) whose code the slot holds, and how well it matches (about 1)."""
        votes = codes @ self.read(slot)
        best = int(votes.argmax())
        return best, float(votes[best])
