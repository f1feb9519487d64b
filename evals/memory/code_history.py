"""The `code-history` family: real release histories of three pure-Python packages, asked about by name.

Data: the `.py` sources of four releases each of more-itertools, toolz and click (`evals/data/code_history/`, see
SOURCES.md); the family `code-history-2` reads packaging, attrs, markdown and jinja2 the same way. Every release is
chunked by `lam_memory.chunking.chunk_code`; a chunk's source is its path without the version
(`more_itertools/more.py`), so the versions of a function share source and qualified name (`meta["symbol"]`). A
stream (deterministic per seed and size) holds the oldest releases' files (a seeded share of their chunks, in file
order), then each later release in order: the new versions of the functions that changed in it, shuffled with
unchanged chunks of that release as filler, up to the size (or all of the history, about 130k tokens, whichever is
less). Questions, per package: `current` (a changed function by name; gold = its latest version, stale = the older
ones) and `description` (the first sentence of a function's docstring without its name; gold = its current version,
stale = any older ones)."""

from __future__ import annotations

import ast
import dataclasses
import random
import re
import tarfile
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from evals.data import data_file
from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.streams import Question, Stream, count_tokens, parse_size, size_label
from lam_memory import LAMError
from lam_memory.chunking import chunk_code
from lam_memory.types import Chunk

CODE_HISTORY: dict[str, tuple[str, ...]] = {
    "more-itertools": ("8.14.0", "9.1.0", "10.1.0", "10.5.0"),
    "toolz": ("0.9.0", "0.10.0", "0.11.2", "0.12.0"),
    "click": ("7.1.2", "8.0.4", "8.1.3", "8.1.7"),
}
"""Package -> vendored releases, oldest first (files `evals/data/code_history/<package>/<version>.tar.gz`)."""
SECOND_HISTORY: dict[str, tuple[str, ...]] = {
    "packaging": ("21.3", "22.0", "23.1", "24.1"),
    "attrs": ("21.4.0", "22.2.0", "23.1.0", "24.2.0"),
    "markdown": ("3.3.7", "3.4.4", "3.5.2", "3.6"),
    "jinja2": ("3.0.3", "3.1.2", "3.1.4", "3.1.6"),
}
"""The second set, for the families `code-history-2` and `code-lookup-2`: four other packages, first run after the
rules of `lam_memory` were written on the first set (a check on code the rules were not shaped on)."""
PACKAGE_SETS = {"code-history": CODE_HISTORY, "code-history-2": SECOND_HISTORY}
QUESTIONS_PER_PACKAGE = (12, 10)  # (current, description) questions per package before the size cap
MANDATORY_SHARE = 0.6  # the asked functions' versions take at most this share of the stream's tokens
_CURRENT = (
    "What does the current version of `{dotted}` do?",
    "Show the latest implementation of {name} in {source}.",
    "How is `{symbol}` in {source} implemented now?",
    "What is the current code of `{dotted}`?",
)

Key = tuple[str, str]  # (source, qualified name)


@cache
def load_release(package: str, version: str) -> dict[str, str]:
    """path -> text of the `.py` files of one vendored release (the licence file in the archive is skipped)."""
    with tarfile.open(data_file("code_history", package, f"{version}.tar.gz"), "r:gz") as tar:
        return {
            m.name: tar.extractfile(m).read().decode("utf-8")
            for m in sorted(tar.getmembers(), key=lambda m: m.name)
            if m.isfile() and m.name.endswith(".py")
        }


@dataclass
class History:
    """One package's releases as chunks, and the functions asked about: those that are one chunk, once, in every
    release (`versions[key]`: (release index, chunk) each time the text changed, the oldest release first)."""

    package: str
    releases: tuple[str, ...]
    chunks: list[list[Chunk]]  # per release, files in path order
    versions: dict[Key, list[tuple[int, Chunk]]]

    def unchanged_in(self, j: int) -> dict[tuple[str, str], Chunk]:
        """(source, text) -> chunk of release `j`."""
        return {(c.source, c.text): c for c in self.chunks[j]}


def _is_function(c: Chunk) -> bool:
    name = c.meta.get("symbol", "").rsplit(".", 1)[-1]
    sig = c.meta.get("signature", "")
    return bool(name) and "part" not in c.meta and sig.startswith(("def ", "async def ")) and not name.startswith("__")


@cache
def package_history(package: str, chunk_tokens: int = DEFAULT_CONFIG.code_chunk_tokens) -> History:
    """The chunked releases of `package` and the versions of each function that stays one chunk throughout."""
    releases = (CODE_HISTORY | SECOND_HISTORY)[package]
    chunks, by_key = [], []
    for v in releases:
        files = load_release(package, v)
        cs = [c for path in sorted(files) for c in chunk_code(files[path], path, chunk_tokens=chunk_tokens)]
        chunks.append(cs)
        keys: dict[Key, list[Chunk]] = {}
        for c in cs:
            keys.setdefault((c.source, c.meta.get("symbol", "")), []).append(c)
        by_key.append({k: v[0] for k, v in keys.items() if len(v) == 1 and _is_function(v[0])})
    versions = {}
    for key in sorted(set.intersection(*(set(d) for d in by_key))):
        seq = [(0, by_key[0][key])]
        for j in range(1, len(releases)):
            if by_key[j][key].text != seq[-1][1].text:
                seq.append((j, by_key[j][key]))
        versions[key] = seq
    return History(package, releases, chunks, versions)


def first_sentence(c: Chunk) -> str | None:
    """The first sentence of the docstring of the function in chunk `c`, code mentions of its name replaced by
    "it"; None when there is none of at least five words or the name is still in it."""
    try:
        tree = ast.parse(textwrap.dedent(c.text))
    except SyntaxError:
        return None
    fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)), None)
    doc = ast.get_docstring(fn) if fn else None
    if not doc:
        return None
    para = " ".join(doc.strip().split("\n\n", 1)[0].split())
    sentence = re.split(r"(?<=[.!?])\s+(?=[A-Z`(])", para, maxsplit=1)[0]
    for name in sorted({c.meta["symbol"], fn.name}, key=len, reverse=True):  # `name`, ``name``, name()
        sentence = re.sub(rf"`+{re.escape(name)}(\(\))?`+|\b{re.escape(name)}\(\)", "it", sentence)
    if len(sentence.split()) < 5 or sentence.startswith((">>>", ":")) or re.search(rf"\b{fn.name}\b", sentence):
        return None
    return sentence


@dataclass(frozen=True)
class _Pick:
    """One question to ask: `kind` about function `key` of package `pkg` (an index into the histories)."""

    kind: str  # "current" | "description"
    pkg: int
    key: Key
    query: str


def module_of(source: str) -> str:
    """The dotted module of a package path: `toolz/itertoolz.py` -> `toolz.itertoolz`, `click/__init__.py` -> click."""
    return source.removesuffix(".py").removesuffix("/__init__").replace("/", ".")


def _current_query(rng: random.Random, key: Key) -> str:
    source, symbol = key
    module = module_of(source)
    name = symbol.rsplit(".", 1)[-1]
    return rng.choice(_CURRENT).format(dotted=f"{module}.{symbol}", name=name, source=source, symbol=symbol)


def _picks(rng: random.Random, hists: list[History], per_package: tuple[int, int]) -> list[_Pick]:
    """The questions, round robin over packages and kinds in a seeded order (the cap drops from the end)."""
    sentences: dict[str, list[Key]] = {}
    for h in hists:
        for key, seq in h.versions.items():
            if (s := first_sentence(seq[-1][1])) is not None:
                sentences.setdefault(s, []).append(key)
    lists = []
    for pi, h in enumerate(hists):
        changed = [k for k, seq in h.versions.items() if len(seq) > 1]
        cur = rng.sample(changed, min(per_package[0], len(changed)))
        described = [
            (k, s) for k in h.versions if k not in cur and (s := first_sentence(h.versions[k][-1][1])) is not None
        ]
        described = [(k, s) for k, s in described if len(sentences[s]) == 1]  # unambiguous descriptions only
        desc = rng.sample(described, min(per_package[1], len(described)))
        lists.append([_Pick("current", pi, k, _current_query(rng, k)) for k in cur])
        lists.append([_Pick("description", pi, k, s) for k, s in desc])
    rng.shuffle(lists)
    return [lst[i] for i in range(max(map(len, lists), default=0)) for lst in lists if i < len(lst)]


def _fit(picks: list[_Pick], hists: list[History], cap: int) -> list[_Pick]:
    """The longest prefix of `picks` whose functions' versions take at most `cap` tokens."""
    out, used = [], 0
    for p in picks:
        n = sum(count_tokens(c.text) for _, c in hists[p.pkg].versions[p.key])
        if used + n > cap:
            break
        out.append(p)
        used += n
    return out


def code_history_stream(
    size: int | str,
    seed: int = 0,
    config: SuiteConfig = DEFAULT_CONFIG,
    per_package: tuple[int, int] = QUESTIONS_PER_PACKAGE,
    family: str = "code-history",
) -> Stream:
    """The stream of at most `size` tokens for `seed` (see the module doc) over the packages of `family`
    (`PACKAGE_SETS`)."""
    size = parse_size(size)
    rng = random.Random(f"{family}:{seed}:{size}")
    hists = [package_history(p, config.code_chunk_tokens) for p in PACKAGE_SETS[family]]
    picks = _fit(_picks(rng, hists, per_package), hists, int(size * MANDATORY_SHARE))
    if not picks:
        raise LAMError(f"size {size} is too small for a code-history question")
    chunks, where = _assemble(rng, _segments(rng, hists, picks, size))
    questions = [_question(p, hists[p.pkg], where) for p in picks]
    return Stream(family, f"{family}-{size_label(size)}", size, chunks, questions)


def _segments(rng: random.Random, hists: list[History], picks: list[_Pick], size: int) -> list[list[Chunk]]:
    """Segment 0: the oldest releases' asked functions and filler; segment j: release j's new versions of the asked
    functions and filler unchanged in it, shuffled. Half of the room the asked functions leave goes to the later
    segments' filler, evenly; the rest to segment 0."""
    nseg = max(len(h.releases) for h in hists)
    segs: list[list[Chunk]] = [[] for _ in range(nseg)]
    asked = {(p.pkg, p.key) for p in picks}
    for pi, key in sorted(asked):
        for j, c in hists[pi].versions[key]:
            segs[j].append(c)
    placed = {id(c) for s in segs for c in s}
    room = size - sum(count_tokens(c.text) for s in segs for c in s)
    pool = [(pi, c) for pi, h in enumerate(hists) for c in h.chunks[0] if (pi, _key(c)) not in asked]
    rng.shuffle(pool)
    for j in range(1, nseg):
        same = [h.unchanged_in(j) if j < len(h.releases) else {} for h in hists]
        share = room // (2 * (nseg - j))
        room -= _take(pool, placed, segs[j], share, lambda pi, c, same=same: same[pi].get((c.source, c.text)))
        rng.shuffle(segs[j])
    _take(pool, placed, segs[0], room, lambda pi, c: c)
    return segs


def _key(c: Chunk) -> Key:
    return c.source, c.meta.get("symbol", "")


def _take(
    pool: list[tuple[int, Chunk]],
    placed: set[int],
    seg: list[Chunk],
    room: int,
    version: Callable[[int, Chunk], Chunk | None],
) -> int:
    """Appends to `seg` the release's chunk (`version(package, chunk)`; None: not in that release) of each chunk of
    `pool` while it fits `room` tokens, skipping chunks placed already; returns the tokens used."""
    used = 0
    for pi, c in pool:
        if id(c) in placed or (v := version(pi, c)) is None or id(v) in placed:
            continue
        n = count_tokens(v.text)
        if used + n <= room:
            seg.append(v)
            placed.update((id(c), id(v)))
            used += n
    return used


def _assemble(rng: random.Random, segs: list[list[Chunk]]) -> tuple[list[Chunk], dict[int, int]]:
    """The stream: segment 0 grouped by file (files in a seeded order, chunks in line order), then the later
    segments; and id(chunk of a `History`) -> its position in the stream."""
    files = sorted({c.source for c in segs[0]})  # the packages' paths never coincide
    rng.shuffle(files)
    rank = {f: i for i, f in enumerate(files)}
    first = sorted(segs[0], key=lambda c: (rank[c.source], c.start_line))
    out: list[Chunk] = []
    where: dict[int, int] = {}
    for c in [c for seg in [first, *segs[1:]] for c in seg]:
        where[id(c)] = len(out)
        out.append(dataclasses.replace(c, meta=dict(c.meta), position=len(out)))
    return out, where


def _question(p: _Pick, h: History, where: dict[int, int]) -> Question:
    """Gold: the function's latest version; stale: its older versions (in stream order)."""
    seq = h.versions[p.key]
    pos = [where[id(c)] for _, c in seq]
    latest = seq[-1][1]
    meta = {"package": h.package, "source": p.key[0], "symbol": p.key[1], "releases": [h.releases[j] for j, _ in seq]}
    answer = f"{latest.meta.get('signature', p.key[1])} ({h.package} {h.releases[seq[-1][0]]})"
    return Question(p.query, p.kind, [pos[-1]], answer, pos[:-1], meta=meta)
