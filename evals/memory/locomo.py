"""The `locomo` family: the 10 LoCoMo conversations, questions of categories 1-4 over their turns.

One chunk per turn (`"[session date] Speaker: text"`, in session then turn order; image captions left out); gold =
the evidence turns. This format reproduces the anchor in evals/data/SOURCES.md (BM25 0.432, recency 0.008 at 500
tokens). Evidence ids are parsed leniently (`D30:05` -> `D30:5`, `D:11:26` -> `D11:26`, `"D8:6; D9:17"` -> two
turns); ids naming no turn count as gold that is never recalled.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from evals.data import data_dir
from evals.memory.streams import Question, Stream
from lam_memory import LAMError
from lam_memory.types import Chunk

LOCOMO_CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}
_DIA = re.compile(r"D\s*:?\s*(\d+)\s*:\s*(\d+)")


@dataclass
class LocomoConversation:
    id: str
    chunks: list[Chunk]
    questions: list[Question]
    qa_total: int
    evidence: dict  # counts: ids, malformed, unresolved


@lru_cache(maxsize=1)
def load_locomo(categories: tuple[int, ...] = (1, 2, 3, 4)) -> tuple[LocomoConversation, ...]:
    """The 10 LoCoMo conversations: one chunk per turn ("Speaker: text"), questions of `categories` with their
    evidence turns. Per question, duplicate evidence ids are dropped (2,354 ids over categories 1-4)."""
    files = sorted((data_dir() / "locomo").glob("*.json.gz"), key=lambda p: int(p.name.split(".")[0]))
    if not files:
        raise LAMError(f"no LoCoMo files under {data_dir() / 'locomo'}")
    return tuple(_conversation(path, categories) for path in files)


def locomo_streams() -> list[Stream]:
    return [
        Stream("locomo", f"locomo-{c.id}", 0, [dataclasses.replace(x) for x in c.chunks], c.questions)
        for c in load_locomo()
    ]


def _conversation(path: Path, categories: tuple[int, ...]) -> LocomoConversation:
    cid = path.name.split(".")[0]
    with gzip.open(path, "rt", encoding="utf-8") as f:
        d = json.load(f)
    d = d.get("conversation", d) | {"qa": d["qa"]}
    chunks, by_id = _turns(d, cid)
    counts = {"ids": 0, "malformed": 0, "unresolved": 0}
    questions = [_question(qa, by_id, counts) for qa in d["qa"] if qa.get("category") in categories]
    return LocomoConversation(cid, chunks, questions, len(d["qa"]), counts)


def _turns(d: dict, cid: str) -> tuple[list[Chunk], dict[str, int]]:
    """One chunk per turn, in session then turn order, and dia_id (as written, and normalised) -> position."""
    sessions = sorted((int(k.split("_")[1]), k) for k in d if re.fullmatch(r"session_\d+", k))
    chunks: list[Chunk] = []
    by_id: dict[str, int] = {}
    for num, key in sessions:
        date = d.get(f"{key}_date_time", "")
        for t in d[key]:
            m = _DIA.fullmatch(t["dia_id"])
            turn = int(m.group(2)) if m else len(chunks) + 1
            c = Chunk(
                f"[{date}] {t['speaker']}: {t['text']}",
                f"locomo/{cid}/session_{num}",
                turn,
                turn,
                kind="message",
                role=t["speaker"],
                position=len(chunks),
                meta={"dia_id": t["dia_id"], "date": date},
            )
            by_id[t["dia_id"]] = c.position
            if m:
                by_id.setdefault(f"D{int(m.group(1))}:{int(m.group(2))}", c.position)
            chunks.append(c)
    return chunks, by_id


def _question(qa: dict, by_id: dict[str, int], counts: dict[str, int]) -> Question:
    """The question of one QA record with its evidence turns; adds its evidence ids to `counts`."""
    gold, missing = set(), 0
    raw_ids = list(dict.fromkeys(qa.get("evidence") or []))
    counts["ids"] += len(raw_ids)
    for raw in raw_ids:
        if raw in by_id:
            gold.add(by_id[raw])
            continue
        counts["malformed"] += 1
        parsed = [f"D{int(a)}:{int(b)}" for a, b in _DIA.findall(raw)]
        found = [by_id[p] for p in parsed if p in by_id]
        gold.update(found)
        lost = (len(parsed) - len(found)) if parsed else 1
        missing += lost
        counts["unresolved"] += lost
    cat = qa.get("category")
    answer = qa.get("answer", qa.get("adversarial_answer", ""))
    return Question(
        qa["question"],
        LOCOMO_CATEGORIES.get(cat, str(cat)),
        sorted(gold),
        str(answer),
        missing=missing,
        meta={"category": cat, "evidence": raw_ids},
    )
