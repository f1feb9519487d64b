"""Standard-library text the streams are built from, and the filler units of synthetic streams.

The text is the Python standard library that runs this process (tests, IDLE, site-packages and the like left out):
code chunked by `lam_memory.chunking.chunk_code`, docstrings by qualified name, docstring prose sentences. File
order is sorted then shuffled by a seed, so every generator is deterministic for a seed.

Stream entries (what filler units and planted items are made of): `("chunk", Chunk)` (a code chunk),
`("msg", role, content)` or `("msg", role, content, fact)` (a transcript message; `fact` is the planted statement
inside `content`) and `("code", source, text)` (a pasted piece of code).
"""

from __future__ import annotations

import ast
import inspect
import os
import random
import re
import sysconfig
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.streams import count_tokens
from lam_memory import LAMError
from lam_memory.types import Chunk

_SKIP_DIRS = {
    "test",
    "tests",
    "idlelib",
    "lib2to3",
    "site-packages",
    "dist-packages",
    "turtledemo",
    "ensurepip",
    "pydoc_data",
    "encodings",
    "__pycache__",
    "__phello__",
}


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


@lru_cache(maxsize=1)
def _stdlib_sorted() -> tuple[str, ...]:
    root = stdlib_root()
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in _SKIP_DIRS and not x.startswith("config-"))
        for f in files:
            p = Path(d, f)
            if f.endswith(".py") and 1_000 <= p.stat().st_size <= 400_000:
                out.append(p.relative_to(root).as_posix())
    if not out:
        raise LAMError(f"no Python standard library sources found under {root}")
    return tuple(sorted(out))


def stdlib_files(seed: int, round_: int = 0) -> list[str]:
    """The standard library's .py files (relative paths), sorted, then shuffled by `seed` (and pass `round_`)."""
    files = list(_stdlib_sorted())
    random.Random(f"stdlib-files:{seed}:{round_}").shuffle(files)
    return files


@lru_cache(maxsize=1024)
def _stdlib_text(rel: str) -> str:
    return (stdlib_root() / rel).read_text(encoding="utf-8", errors="replace")


def _parse(text: str) -> ast.Module | None:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


@lru_cache(maxsize=1024)
def _docstrings(rel: str) -> dict[str, str]:
    """qualname -> cleaned docstring of the module's top-level functions/classes and class methods."""
    tree = _parse(_stdlib_text(rel))
    out: dict[str, str] = {}
    if tree is None:
        return out
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if isinstance(node, defs):
            if doc := ast.get_docstring(node):
                out[node.name] = doc
            if isinstance(node, ast.ClassDef):
                for sub in node.body:
                    if isinstance(sub, defs) and (doc := ast.get_docstring(sub)):
                        out[f"{node.name}.{sub.name}"] = doc
    return out


@lru_cache(maxsize=1024)
def _code_chunks(rel: str, max_tokens: int) -> tuple[Chunk, ...]:
    try:
        from lam_memory.chunking import chunk_code
    except ImportError:  # pragma: no cover - the library's chunker is part of the repo
        chunk_code = None
    text = _stdlib_text(rel)
    if chunk_code is not None:
        return tuple(chunk_code(text, f"stdlib/{rel}", "python", chunk_tokens=max_tokens))
    lines = text.split("\n")
    return tuple(
        Chunk("\n".join(lines[i : i + 30]), f"stdlib/{rel}", i + 1, min(i + 30, len(lines)), kind="code")
        for i in range(0, len(lines), 30)
    )


def _prose_paragraphs(doc: str) -> list[str]:
    """Plain prose paragraphs of a docstring (no indented blocks, doctests or tables), lines joined."""
    out = []
    for para in re.split(r"\n\s*\n", inspect.cleandoc(doc)):
        lines = para.split("\n")
        if any(
            ln.startswith((" ", "\t")) or ">>>" in ln or ln.strip().startswith(("-", "*", "=", "+", "|"))
            for ln in lines
        ):
            continue
        text = " ".join(ln.strip() for ln in lines).strip()
        letters = sum(ch.isalpha() or ch == " " for ch in text)
        if len(text) >= 40 and letters >= 0.8 * len(text):
            out.append(text)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@lru_cache(maxsize=1024)
def _doc_sentences(rel: str) -> tuple[str, ...]:
    tree = _parse(_stdlib_text(rel))
    if tree is None:
        return ()
    docs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if doc := ast.get_docstring(node):
                docs.append((getattr(node, "lineno", 0), doc))
    out = []
    for _, doc in sorted(docs, key=lambda d: d[0]):
        for para in _prose_paragraphs(doc):
            for s in _SENTENCE_END.split(para):
                s = s.strip()
                if s[:1].isupper() and s[-1:] in ".!?" and len(s.split()) >= 6 and count_tokens(s) <= 80:
                    out.append(s)
    return tuple(out)


def _doc_answer(doc: str, max_tokens: int = 160) -> str:
    """The first prose paragraphs of a docstring, up to about `max_tokens`."""
    paras = _prose_paragraphs(doc) or [" ".join(inspect.cleandoc(doc).split())]
    out = []
    for p in paras:
        if out and count_tokens(" ".join(out + [p])) > max_tokens:
            break
        out.append(p)
    text = " ".join(out)
    if count_tokens(text) > max_tokens:
        from lam_memory.tokens import decode_tokens, encode_tokens

        text = decode_tokens(encode_tokens(text)[:max_tokens]).rstrip() + " ..."
    return text


@lru_cache(maxsize=4)
def prose_sentences(seed: int, target: int) -> tuple[tuple[str, int], ...]:
    """Docstring sentences (with token counts) from the seeded file order, at least `target` tokens."""
    out, total, round_ = [], 0, 0
    while total < target:
        for rel in stdlib_files(seed, round_):
            for s in _doc_sentences(rel):
                n = count_tokens(s)
                out.append((s, n))
                total += n
                if total >= target:
                    return tuple(out)
        round_ += 1
        if round_ > 50:  # pragma: no cover
            raise LAMError("the standard library has too little docstring prose for this size")
    return tuple(out)


# ----------------------------------------------------------------------------------------------------------- filler


def filler_units(seed: int, target: int, config: SuiteConfig = DEFAULT_CONFIG) -> Iterator[tuple[list[tuple], int]]:
    """Filler units (code chunk + maybe a user/assistant exchange about a documented function in it) with their
    token counts, from the seeded standard-library file order, cycling with a new order if it runs out.

    Endless: the caller stops once it has the `target` tokens it wants (the coding eval's history uses it too)."""
    rng = random.Random(f"synthetic-filler:{seed}")
    asks = (
        "What does `{q}` in {m} do?",
        "Can you remind me what `{q}` from {m} is for?",
        "I'm reading {m}; what is `{q}` about?",
    )
    round_ = 0
    while True:
        for rel in stdlib_files(seed, round_):
            docs = _docstrings(rel)
            module = rel[:-3].replace("/", ".").removesuffix(".__init__")
            for c in _code_chunks(rel, config.code_chunk_tokens):
                unit: list[tuple] = [("chunk", c)]
                sym = c.meta.get("symbol")
                if sym in docs and c.meta.get("part", 1) == 1 and rng.random() < 0.3:
                    unit.append(("msg", "user", rng.choice(asks).format(q=sym, m=module)))
                    unit.append(("msg", "assistant", f"`{sym}`: {_doc_answer(docs[sym])}"))
                yield unit, sum(entry_tokens(e) for e in unit)
        round_ += 1
        if round_ > 50:  # pragma: no cover - guards against an empty corpus
            raise LAMError("the standard library text is too small for this size")


def _entry_text(e: tuple) -> str:
    if e[0] == "chunk":
        return e[1].text
    if e[0] == "msg":
        return f"{e[1]}: {e[2]}"
    return e[2]


def entry_tokens(e: tuple) -> int:
    return count_tokens(_entry_text(e))
