"""The `babilong` family: bAbI qa1-qa3 test questions hidden in standard-library prose, as BABILong does.

Questions are those of the BABILong 100-sample subset (`babilong/test_100_idxs.json`), each one a stream of its
own: the story's facts inserted sentence by sentence, at seeded random places, into standard-library docstring
prose of the target size, as BABILong does with PG-19. Chunks are prose paragraphs; gold = the paragraphs holding
the supporting facts. The standard library holds only about 200k tokens of such prose: past that the filler repeats
(the same sentences again, files in a new seeded order). Each sample is its own stream, so the number of samples per
task is capped (`SuiteConfig.babilong_samples`, and `babilong_token_cap` tokens per task and size: 4 samples per
task at 1m).
"""

from __future__ import annotations

import gzip
import json
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evals.data import data_dir
from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.filler import prose_sentences
from evals.memory.streams import Question, Stream, count_tokens, parse_size, size_label
from lam_memory import LAMError
from lam_memory.types import Chunk


@dataclass
class BabiSample:
    """One bAbI question with the story facts before it (ids as in the file) and its supporting fact ids."""

    task: str
    index: int  # 0-based index of the question in the task's file
    story: int  # 0-based index of its story in the file
    facts: list[tuple[int, str]]
    question: str
    answer: str
    supporting: list[int]


def babi_path(task: str, split: str = "test") -> Path:
    hits = sorted((data_dir() / "babi" / "en").glob(f"{task}_*_{split}.txt.gz"))
    if not hits:
        raise LAMError(f"bAbI task {task} ({split}) not found under {data_dir() / 'babi' / 'en'}")
    return hits[0]


@lru_cache(maxsize=8)
def load_babi(task: str, split: str = "test") -> tuple[BabiSample, ...]:
    """Every question of a bAbI task file, in file order. Story ids restart at 1; a question line is
    `ID question\\tanswer\\tsupporting ids`; the facts of a sample are the story's statements before the question."""
    samples: list[BabiSample] = []
    story: list[tuple[int, str]] = []
    n_story = -1
    with gzip.open(babi_path(task, split), "rt", encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            num, _, rest = line.partition(" ")
            if not num.isdigit():
                raise LAMError(f"{task} line {lineno}: expected 'ID text', got {line[:40]!r}")
            if int(num) == 1:
                story = []
                n_story += 1
            if "\t" in rest:
                q, a, sup = (rest.split("\t") + ["", ""])[:3]
                ids = [int(x) for x in sup.split()]
                samples.append(BabiSample(task, len(samples), n_story, list(story), q.strip(), a.strip(), ids))
            else:
                story.append((int(num), rest.strip()))
    return tuple(samples)


@lru_cache(maxsize=1)
def babilong_indices() -> dict[str, list[int]]:
    return json.loads((data_dir() / "babilong" / "test_100_idxs.json").read_text())


def babilong_samples(task: str, n: int | None = None) -> list[BabiSample]:
    """The first `n` samples of BABILong's 100-sample list for `task` (indices into the task's questions)."""
    samples = load_babi(task)
    idxs = babilong_indices()[task]
    return [samples[i] for i in (idxs if n is None else idxs[:n])]


def babilong_stream(sample: BabiSample, size: int | str, seed: int = 0, config: SuiteConfig = DEFAULT_CONFIG) -> Stream:
    """One bAbI sample hidden in docstring prose of about `size` tokens: facts inserted between filler sentences at
    seeded random places (in story order), paragraphs of ~`config.prose_chunk_tokens` as chunks."""
    size = parse_size(size)
    fact_tokens = sum(count_tokens(t) for _, t in sample.facts)
    sentences = _filler_sentences(seed, size, max(size - fact_tokens, 0))
    rng = random.Random(f"babilong:{seed}:{sample.task}:{sample.index}:{size}")
    merged = _merge(sentences, sample.facts, rng)
    source = f"babilong/{sample.task}/{sample.index}"
    chunks, fact_pos = _paragraphs(merged, source, config.prose_chunk_tokens)
    gold = sorted({fact_pos[i] for i in sample.supporting if i in fact_pos})
    missing = len({i for i in sample.supporting if i not in fact_pos})
    q = Question(
        sample.question,
        sample.task,
        gold,
        sample.answer,
        missing=missing,
        meta={"supporting": [dict(sample.facts).get(i, "") for i in sample.supporting], "index": sample.index},
    )
    return Stream("babilong", f"babilong-{sample.task}-{sample.index}-{size_label(size)}", size, chunks, [q])


def _filler_sentences(seed: int, size: int, target: int) -> list[tuple[str, int]]:
    """Docstring sentences (with token counts) of the seeded prose, in order, while they fit in `target` tokens."""
    sentences, total = [], 0
    for s, n in prose_sentences(seed, size):
        if total + n > target:
            break
        sentences.append((s, n))
        total += n
    return sentences


def _merge(
    sentences: list[tuple[str, int]], facts: list[tuple[int, str]], rng: random.Random
) -> list[tuple[str, int, int | None]]:
    """(text, tokens, fact id or None) in stream order: each fact, in story order, at a seeded random slot."""
    slots = sorted(rng.randrange(len(sentences) + 1) for _ in facts)
    merged: list[tuple[str, int, int | None]] = []
    k = 0
    for i in range(len(sentences) + 1):
        while k < len(slots) and slots[k] == i:
            fid, text = facts[k]
            merged.append((text, count_tokens(text), fid))
            k += 1
        if i < len(sentences):
            merged.append((*sentences[i], None))
    return merged


def _paragraphs(
    merged: list[tuple[str, int, int | None]], source: str, max_tokens: int
) -> tuple[list[Chunk], dict[int, int]]:
    """Paragraphs of up to `max_tokens` filler tokens as chunks, and fact id -> position of its paragraph. Filler
    boundaries do not depend on where the facts went (a fact joins the paragraph it lands in)."""
    paragraphs: list[str] = []
    fact_pos: dict[int, int] = {}
    para: list[str] = []
    para_tokens = 0
    for text, n, fid in merged:
        if fid is None and para_tokens and para_tokens + n > max_tokens:
            paragraphs.append(" ".join(para))
            para, para_tokens = [], 0
        para.append(text)
        if fid is None:
            para_tokens += n
        else:
            fact_pos[fid] = len(paragraphs)
    if para:
        paragraphs.append(" ".join(para))
    chunks = [Chunk(t, source, pos + 1, pos + 1, kind="text", position=pos) for pos, t in enumerate(paragraphs)]
    return chunks, fact_pos
