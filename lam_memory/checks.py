"""Argument checks for `LAMMemory`'s verbs: a bad argument is a one-line LAMError, and text is cleaned, not refused.

What. Each function takes a caller's value and, where it names it in its message, what the value is (`what`), and
returns the value as the memory uses it or raises LAMError. Lone surrogates in text (from a lossy decode:
`surrogateescape` file names, JSON "\\ud800") become U+FFFD, so the text is kept. `read_file` reads a file for
`add_path` under its size limit, skipping with a SkippedFileWarning what it cannot take.

Why a module of its own: the checks are many and small, and the verbs in `memory.py` read better without them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import operator
import os
import re
import warnings
from collections.abc import Iterable
from pathlib import Path

from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning
from lam_memory.types import Chunk

_SURROGATES = re.compile("[\ud800-\udfff]")


def as_text(value: object, what: str) -> str:
    """`value` as memory text: a str, else LAMError; lone surrogates (a lossy decode's) become U+FFFD."""
    if not isinstance(value, str):
        hint = " (decode bytes first: data.decode('utf-8', 'replace'))" if isinstance(value, bytes | bytearray) else ""
        raise LAMError(f"{what} must be a str, got {type(value).__name__}{hint}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return _SURROGATES.sub("\ufffd", value)
    return value


def as_source(value: object, what: str) -> str:
    """A source name: non-empty text."""
    value = as_text(value, what)
    if not value.strip():
        raise LAMError(f"{what} must not be empty")
    return value


def as_positive(value: object, what: str) -> int:
    """An integer >= 1 (a bool or float is refused), else LAMError."""
    if not isinstance(value, bool):
        with contextlib.suppress(TypeError):
            if (n := operator.index(value)) >= 1:
                return n
    raise LAMError(f"{what} must be a positive integer, got {value!r}")


def check_callable(fn: object, what: str) -> None:
    """A callback: a function or None."""
    if fn is not None and not callable(fn):
        raise LAMError(f"{what} must be a function or None, got {type(fn).__name__}")


def clean_message(m: object) -> object:
    """A message with its text fields cleaned like `as_text` (not a dict: left for chunk_messages to refuse)."""
    if not isinstance(m, dict):
        return m
    return {k: as_text(v, k) if isinstance(v, str) else v for k, v in m.items()}


def clean_chunk(c: Chunk) -> Chunk:
    """`c` with lone surrogates in its text, source and role replaced (`as_text`); the same object when clean."""
    fields = {"text": c.text, "source": c.source, "role": c.role}
    for name, value in fields.items():
        if not isinstance(value, str) and (value is not None or name != "role"):
            raise LAMError(f"Chunk.{name} must be a str, got {type(value).__name__}")
    cleaned = {k: as_text(v, k) for k, v in fields.items() if v is not None}
    return c if all(cleaned[k] is fields[k] for k in cleaned) else dataclasses.replace(c, **cleaned)


def read_file(file: Path, limit: int | None) -> bytes | None:
    """The bytes of `file`, or None (with a SkippedFileWarning) when it is over `limit` bytes or cannot be read."""
    try:
        with open(file, "rb") as f:
            data = f.read() if limit is None else f.read(limit + 1)
    except OSError as e:
        warnings.warn(f"skipping {file}: {e.strerror or e}", SkippedFileWarning, stacklevel=3)
        return None
    if limit is not None and len(data) > limit:
        size = f"{limit / 2**20:g} MiB" if limit >= 2**20 else f"{limit:,} bytes"
        warnings.warn(f"skipping {file}: larger than the {size} limit per file (max_file_bytes; `lam ingest "
                      "--max-file-mb N` raises it)", SkippedFileWarning, stacklevel=3)  # fmt: skip
        return None
    return data


def as_query(value: object) -> str:
    """A search query: text that is not blank."""
    query = as_text(value, "query")
    if not query.strip():
        raise LAMError("empty query")
    return query


def check_messages(messages: object) -> None:
    """A list (any iterable) of chat messages, not one message or a string."""
    if isinstance(messages, str | bytes | dict) or not isinstance(messages, Iterable):
        raise LAMError(f"messages must be a list of {{'role', 'content'}} dicts, got {type(messages).__name__}")


def check_paths(paths: tuple) -> None:
    """`add_path`'s files and folders: at least one, each a str or Path."""
    if not paths:
        raise LAMError("add_path needs at least one file or folder")
    for path in paths:
        if not isinstance(path, str | os.PathLike):
            raise LAMError(f"paths must be str or Path, got {type(path).__name__}")


def as_chunks(chunks: object) -> list[Chunk]:
    """A list (any iterable) of Chunk, as a list."""
    if isinstance(chunks, str | bytes) or not isinstance(chunks, Iterable):
        raise LAMError(f"chunks must be a list of Chunk, got {type(chunks).__name__}")
    chunks = list(chunks)
    if bad := [c for c in chunks if not isinstance(c, Chunk)]:
        raise LAMError(f"chunks must be a list of Chunk, got an item of type {type(bad[0]).__name__}")
    return chunks


def as_ids(ids: object) -> list:
    """A list (any iterable) of chunk ids, as a list; which are real ids is the memory's to say."""
    if isinstance(ids, str | bytes) or not isinstance(ids, Iterable):
        raise LAMError(f"ids must be a list of chunk ids (ints), got {type(ids).__name__}")
    return list(ids)


def check_budget(budget_tokens: object) -> None:
    """A context budget: an int >= 1 (a bool is refused)."""
    if isinstance(budget_tokens, bool) or not isinstance(budget_tokens, int) or budget_tokens <= 0:
        raise LAMError(f"budget must be a positive number of tokens, got {budget_tokens!r}")


def as_exclude(exclude: object) -> set[tuple[str, int]]:
    """`context`'s hits to leave out: a collection of (source, start_line) pairs, as a set."""
    if isinstance(exclude, str | bytes) or not isinstance(exclude, Iterable):
        raise LAMError(f"exclude must be a collection of (source, start_line) pairs, got {type(exclude).__name__}")
    try:
        return {(s, line) for s, line in exclude}
    except (TypeError, ValueError):
        raise LAMError("exclude must be a collection of (source, start_line) pairs") from None
