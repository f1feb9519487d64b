"""The long project history of memory and full modes, and its `LAMMemory` cached beside the results.

`build_history(problems, seed)` writes ONE long project history for the run's problems (>= `history_tokens` =
102,400 cl100k tokens, and at least `history_sparsity` times what is planted; deterministic: same problems and
seed, same bytes): filler from the memory suite (`evals.memory.filler`: standard-library code chunks as the
vendored codebase, user/assistant turns about their documented functions), and per problem four planted pieces
(`spec.spec_parts`, `spec.split_requirement`, `spec.planted_code`): the requirement in two halves, as user
messages in the first (2-30%) and middle (38-62%) part of the history, the examples as a later user message
(70-97%), and the file `src/<name>.py` (5-95%) with the imports, the helpers a solution needs and the signature as
a stub.

Memory mode ingests the history once into a `LAMMemory` cached beside the results (`history_memory`, resumable).
`evidence` is the recall both modes record per problem: the fraction of the four pieces that reach the prompt (a
piece counts when at least half of its lines/sentences of >= 12 characters appear verbatim).
"""

from __future__ import annotations

import hashlib
import random
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evals.coding.config import DEFAULT_CONFIG, CodingConfig
from evals.coding.datasets import Problem, defined_name
from evals.coding.spec import function_name, planted_code, spec_parts, split_requirement
from lam_memory import LAMError
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk

if TYPE_CHECKING:
    from rich.console import Console

    from lam_memory.memory import LAMMemory

PIECE_KINDS = ("requirement_1", "requirement_2", "examples", "code")
# where each planted piece of a problem goes, as a fraction of the filler (drawn uniformly in the window): the two
# requirement halves at least 8% (typically a third) of the history apart, the examples after both
_WINDOWS = {
    "requirement_1": (0.02, 0.30),
    "requirement_2": (0.38, 0.62),
    "examples": (0.70, 0.97),
    "code": (0.05, 0.95),
}
_REQ1 = (
    "Spec for `{name}` ({path}), part 1 of 2: {text}",
    "Here is the first half of the requirements for `{name}` in {path}: {text}",
    "Requirements for the new function `{name}` ({path}), first part: {text}",
)
_REQ2 = (
    "Spec for `{name}`, part 2 of 2: {text}",
    "The rest of the requirements for `{name}`: {text}",
    "Second part of the `{name}` requirements: {text}",
)
_EXAMPLES = (
    "Examples that `{name}` must satisfy:\n{text}",
    "Some test cases for `{name}`:\n{text}",
    "`{name}` should behave like this:\n{text}",
)
_PIECE_ACKS = ("Noted, I'll keep that in mind for `{name}`.", "Got it.", "Thanks, noted.")
_CUT = re.compile(r"(?<=[.!?:;])[ \t]+|\n+")  # fragments of a piece: sentences and lines


@dataclass
class Piece:
    """One planted piece of a problem: `text` is its content (what the model needs), `message` the planted text
    that carries it (a chat message, or the code file itself), `source` where it is planted."""

    problem: str
    kind: str  # one of PIECE_KINDS
    text: str
    message: str
    source: str

    def fragments(self) -> list[str]:
        """The whitespace-normalised lines/sentences of `text` that are long enough (>= 12 characters) to tell
        whether the piece reached a prompt; the whole text when none is."""
        parts = [_norm(x) for x in (_CUT.split(self.text) if self.kind != "code" else self.text.split("\n"))]
        long = [x for x in parts if len(x) >= 12]
        return long or [_norm(self.text)]

    def coverage(self, prompt_norm: str) -> float:
        """Fraction of the fragments found verbatim in a whitespace-normalised prompt."""
        frags = self.fragments()
        return sum(f in prompt_norm for f in frags) / len(frags)


@dataclass
class History:
    """The long project history of a run: chunks in order (chat messages, stdlib code as the vendored codebase,
    the planted `src/` files), the planted pieces per problem id, and its rendering as one text."""

    suite: str
    seed: int
    problem_ids: list[str]
    chunks: list[Chunk]
    pieces: dict[str, list[Piece]]

    def blocks(self) -> list[str]:
        """One rendered block per chunk: `[chat:TURN] role: text` or `[source:start-end]` + the code."""
        if not hasattr(self, "_blocks"):
            self._blocks = [_render(c) for c in self.chunks]
        return self._blocks

    def text(self) -> str:
        return "\n\n".join(self.blocks())

    def tokens(self) -> int:
        if not hasattr(self, "_tokens"):
            self._tokens = count_tokens(self.text())
        return self._tokens

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()


def _norm(text: str) -> str:
    return " ".join(text.split())


def _render(c: Chunk) -> str:
    if c.kind == "message":
        return f"[{c.source}:{c.start_line}] {c.role}: {c.text}"
    return f"[{c.source}:{c.start_line}-{c.end_line}]\n{c.text}"


def evidence(pieces: list[Piece], prompt: str) -> dict:
    """Evidence of one problem in a prompt: per piece kind the fraction of its fragments found verbatim, and
    `recall` = the fraction of pieces at least half found."""
    text = _norm(prompt)
    cov = {p.kind: round(p.coverage(text), 3) for p in pieces}
    return {"recall": sum(v >= 0.5 for v in cov.values()) / len(cov), "coverage": cov}


# ------------------------------------------------------------------------------------------------- building


def build_history(problems: list[Problem], seed: int = 0, config: CodingConfig = DEFAULT_CONFIG) -> History:
    """One long project history for `problems` (deterministic: same problems and seed, same bytes).

    Filler is the memory suite's (`evals.memory.filler`): standard-library code chunks (the vendored codebase)
    with user/assistant turns about their documented functions. For each problem four pieces are planted at seeded
    places (see `_WINDOWS`): the requirement in two halves and the examples as user messages (sometimes
    acknowledged), and `src/<name>.py` (`planted_code`). Filler is added until the history holds at least
    `config.history_tokens` cl100k tokens and `config.history_sparsity` times the planted tokens."""
    if not problems:
        raise LAMError("no problems to build a history for")
    suite = problems[0].suite
    rng = random.Random(f"coding-history:{seed}:{suite}:{','.join(p.id for p in problems)}")
    plants = {p.id: _planted_units(p, rng) for p in problems}
    planted = sum(count_tokens(e[2]) for units in plants.values() for entries, _ in units.values() for e in entries)
    target = max(config.history_tokens, config.history_sparsity * planted)
    filler = _filler(seed, target, planted)
    placed = _placements(len(problems), len(filler), rng)
    entries = _interleave(problems, plants, filler, placed)
    chunks = _chunks(entries, config.chunk_tokens)
    pieces = {pid: [units[kind][1] for kind in PIECE_KINDS] for pid, units in plants.items()}
    return History(suite, seed, [p.id for p in problems], chunks, pieces)


def _planted_units(problem: Problem, rng: random.Random) -> dict[str, tuple[list[tuple], Piece]]:
    """Per piece kind: the entries to plant, ("msg", role, content) or ("file", path, text), and the piece."""
    name = function_name(problem)
    path = f"src/{defined_name(problem)}.py"
    req, examples = spec_parts(problem)
    halves = split_requirement(req)
    out = {}
    for kind, templates, text in (
        ("requirement_1", _REQ1, halves[0]),
        ("requirement_2", _REQ2, halves[1]),
        ("examples", _EXAMPLES, examples),
    ):
        message = rng.choice(templates).format(name=name, path=path, text=text)
        entries: list[tuple] = [("msg", "user", message)]
        if rng.random() < 0.5:
            entries.append(("msg", "assistant", rng.choice(_PIECE_ACKS).format(name=name)))
        out[kind] = (entries, Piece(problem.id, kind, text, message, "chat"))
    code = planted_code(problem)[0]
    out["code"] = ([("file", path, code)], Piece(problem.id, "code", code, code, path))
    return out


def _filler(seed: int, target: int, planted: int) -> list[list[tuple]]:
    """Filler units of the memory suite until they and the `planted` tokens reach `target` tokens."""
    from evals.memory.filler import filler_units

    filler: list[list[tuple]] = []
    total = planted
    for unit, ntok in filler_units(seed, target):
        filler.append(unit)
        total += ntok
        if total >= target:
            break
    return filler


def _placements(n_problems: int, nf: int, rng: random.Random) -> list[tuple[int, int, int, str]]:
    """Sorted (slot, problem index, kind index, kind) of every piece: slot s = before filler unit s of `nf`."""
    placed = []
    for pi in range(n_problems):
        for ki, kind in enumerate(PIECE_KINDS):
            lo, hi = _WINDOWS[kind]
            placed.append((rng.randrange(int(lo * nf), max(int(hi * nf), int(lo * nf) + 1)), pi, ki, kind))
    placed.sort()
    return placed


def _interleave(
    problems: list[Problem],
    plants: dict[str, dict[str, tuple[list[tuple], Piece]]],
    filler: list[list[tuple]],
    placed: list[tuple[int, int, int, str]],
) -> list[tuple]:
    """The entries of the history in order: before each filler unit, the pieces placed in its slot."""
    entries: list[tuple] = []
    k = 0
    for slot in range(len(filler) + 1):
        while k < len(placed) and placed[k][0] == slot:
            _, pi, _, kind = placed[k]
            entries.extend(plants[problems[pi].id][kind][0])
            k += 1
        if slot < len(filler):
            entries.extend(filler[slot])
    return entries


def _chunks(entries: list[tuple], chunk_tokens: int) -> list[Chunk]:
    """The chunks of the history entries: filler code chunks as they are, chat messages numbered by turn (long
    ones split as `add_messages` would), planted files chunked as code; positions in order."""
    from lam_memory.chunking import chunk_code, chunk_messages

    chunks: list[Chunk] = []
    turn = 0
    for entry in entries:
        if entry[0] == "chunk":
            c = entry[1]
            chunks.append(Chunk(c.text, c.source, c.start_line, c.end_line, kind="code", meta=dict(c.meta)))
        elif entry[0] == "msg":
            turn += 1
            message = [{"role": entry[1], "content": entry[2]}]
            chunks.extend(chunk_messages(message, "chat", chunk_tokens, line_numbers=[turn]))
        else:
            chunks.extend(chunk_code(entry[2], entry[1], "python", chunk_tokens=chunk_tokens))
    for i, c in enumerate(chunks):
        c.position = i
    return chunks


# ---------------------------------------------------------------------------------------- the cached memory


def history_memory(history: History, folder: str | Path, console: Console | None = None) -> LAMMemory:
    """The history ingested into a `LAMMemory` cached under `folder` (named by the history's digest): a rerun
    reuses it, a run killed mid-ingest goes on from the chunks already archived."""
    from lam_memory.encoder import weights_id
    from lam_memory.memory import LAMMemory

    path = Path(folder) / f"memory-{history.suite}-seed{history.seed}-{history.digest()[:12]}-{weights_id()}"
    mem = LAMMemory(path)
    done = len(mem)
    chunks = history.chunks
    if done > len(chunks):
        raise LAMError(f"{path} holds more chunks ({done}) than the history ({len(chunks)}); remove it")
    if done and mem.store.get([done - 1])[0].text != chunks[done - 1].text:
        raise LAMError(f"{path} does not hold this history; remove it")
    if done == len(chunks):
        return mem
    _ingest(mem, chunks, done, console)
    mem.save()
    return mem


def _ingest(mem: LAMMemory, chunks: list[Chunk], done: int, console: Console | None) -> None:
    """Add `chunks[done:]` to `mem` under a progress bar counting tokens."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    tokens = [count_tokens(c.text) for c in chunks]
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} tokens"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True)) as bar:
        desc = f"ingest history ({len(chunks):,} chunks)" + (f", resuming at {done:,}" if done else "")
        task = bar.add_task(desc, total=sum(tokens), completed=sum(tokens[:done]))
        t0, ingested = time.monotonic(), 0

        def advance(_: int, n_tokens: int) -> None:  # LAMMemory commits every 256 chunks and reports each commit
            nonlocal ingested
            ingested += n_tokens
            rate = ingested / max(time.monotonic() - t0, 1e-6)
            bar.update(task, advance=n_tokens, description=f"{desc} {rate:,.0f} tokens/s")

        mem.add_chunks([_fresh(c) for c in chunks[done:]], progress=advance)


def _fresh(c: Chunk) -> Chunk:
    return Chunk(c.text, c.source, c.start_line, c.end_line, c.kind, c.role, meta=dict(c.meta))
