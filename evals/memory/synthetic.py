"""The `synthetic` family: a transcript + code stream of a target size (cl100k tokens) with planted items.

The stream is built from the Python standard library that runs this process (code chunked by
`lam_memory.chunking.chunk_code`; user/assistant turns asking about documented functions, answered with their
docstrings, see `evals.memory.filler`), with the planted items of `evals.memory.planted` placed between its filler
units: needles, knowledge updates, code revisions and multi-hop facts, with their distractors and decoys. Same seed
and size, byte-identical chunks and questions.
"""

from __future__ import annotations

import dataclasses
import random

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.filler import entry_tokens, filler_units, prose_sentences
from evals.memory.planted import Plant, plant_all
from evals.memory.streams import Question, Stream, parse_size, size_label
from lam_memory import LAMError
from lam_memory.types import Chunk


def synthetic_stream(
    size: int | str, seed: int = 0, per_kind: int | None = None, config: SuiteConfig = DEFAULT_CONFIG
) -> Stream:
    """A transcript + code stream of at most `size` tokens with planted needles, updates, revisions, multi-hops."""
    size = parse_size(size)
    n = per_kind if per_kind is not None else max(2, min(12, size // 2048))
    rng = random.Random(f"synthetic:{seed}:{size}")
    plants = plant_all(rng, [t for t, _ in prose_sentences(seed + 1, config.chatter_tokens)], n)
    planted_tokens = sum(entry_tokens(e) for pl in plants for u in pl.units for e in u)
    if planted_tokens >= size:
        raise LAMError(f"size {size} is too small for {n} planted items per kind")
    filler = _fill(seed, size, planted_tokens, config)
    chunks, where = _assemble(plants, filler, _place(rng, plants, len(filler)))
    return Stream("synthetic", f"synthetic-{size_label(size)}", size, chunks, _questions(plants, where))


def _fill(seed: int, size: int, used: int, config: SuiteConfig) -> list[list[tuple]]:
    """Filler units, in order, while they fit in `size` tokens beside the `used` ones (an oversized first unit is
    skipped)."""
    filler: list[list[tuple]] = []
    total = used
    for unit, ntok in filler_units(seed, size, config):
        if total + ntok > size:
            if filler:
                break
            continue
        filler.append(unit)
        total += ntok
    return filler


def _place(rng: random.Random, plants: list[Plant], nf: int) -> list[tuple[int, int, int]]:
    """Sorted (slot, plant index, unit index); slot s = before filler unit s. The units of a `spread` item fall in
    successive segments of the stream, others anywhere."""
    placed = []
    for pi, pl in enumerate(plants):
        m = len(pl.units)
        for ui in range(m):
            if pl.spread:
                lo, hi = nf * ui // m, nf * (ui + 1) // m
                slot = rng.randrange(lo, max(hi, lo + 1))
            else:
                slot = rng.randrange(0, nf + 1)
            placed.append((slot, pi, ui))
    placed.sort()
    return placed


class _Transcript:
    """The chunks of a stream in arrival order; messages are numbered as transcript turns."""

    def __init__(self) -> None:
        self.chunks: list[Chunk] = []
        self.turn = 0

    def emit(self, entry: tuple) -> int:
        """Append the chunk of one entry; returns its position."""
        if entry[0] == "chunk":
            c = dataclasses.replace(entry[1], meta=dict(entry[1].meta))
        elif entry[0] == "msg":
            self.turn += 1
            c = Chunk(f"{entry[1]}: {entry[2]}", "transcript", self.turn, self.turn, kind="message", role=entry[1])
        else:
            c = Chunk(entry[2], entry[1], 1, entry[2].count("\n") + (not entry[2].endswith("\n")), kind="code")
        c.position = len(self.chunks)
        self.chunks.append(c)
        return c.position


def _assemble(
    plants: list[Plant], filler: list[list[tuple]], placed: list[tuple[int, int, int]]
) -> tuple[list[Chunk], dict[tuple[int, int], int]]:
    """The stream's chunks, and (plant, unit) -> position of the unit's key entry."""
    out = _Transcript()
    where: dict[tuple[int, int], int] = {}
    k = 0
    for slot in range(len(filler) + 1):
        while k < len(placed) and placed[k][0] == slot:
            _, pi, ui = placed[k]
            for ei, e in enumerate(plants[pi].units[ui]):
                pos = out.emit(e)
                if ei == plants[pi].key[ui]:
                    where[(pi, ui)] = pos
            k += 1
        if slot < len(filler):
            for e in filler[slot]:
                out.emit(e)
    return out.chunks, where


def _questions(plants: list[Plant], where: dict[tuple[int, int], int]) -> list[Question]:
    """One question per planted item (distractors ask nothing): gold = the latest unit or all of them."""
    questions = []
    for pi, pl in enumerate(plants):
        if pl.kind == "distractor":
            continue
        pos = [where[(pi, ui)] for ui in range(len(pl.units))]
        if pl.latest_only:
            gold, stale = [pos[-1]], pos[:-1]
        else:
            gold, stale = sorted(pos), []
        questions.append(Question(pl.query, pl.kind, gold, pl.answer, stale, meta={"facts": pl.facts()}))
    return questions
