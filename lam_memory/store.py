"""Persistence of a memory directory: `archive.sqlite` (chunks + keys, WAL), `state.safetensors`, `meta.json`.

- `archive.sqlite`: one row per chunk, `position` (0, 1, 2, ... in order of arrival) as primary key, with text,
  source, lines, kind, role, meta (JSON), key (float32 bytes) and a `created` Unix time. WAL journal with
  synchronous=FULL: `append` is one transaction, so a process killed at any point (SIGKILL included) leaves every
  committed chunk and none of a half-done batch. Readers (`readonly=True`, a `mode=ro` URI) see committed rows
  while a writer appends.
- `state.safetensors`: the recurrent state tensors, written atomically (temporary file in the same folder, fsync,
  `os.replace`, fsync of the folder), with metadata `covered` = the number of chunks (positions 0..covered-1) folded
  into it. The archive is committed before the state is saved, so on load `covered <= count()` and the keys of
  positions >= covered are replayed into the state: a crash between the two is recovered, not lost.
- `meta.json`: {"format": "lam-memory", "format_version": 2, "encoder": id, "config": {...}, "created": time,
  ...}, written atomically before anything else; a directory without it is not a memory. `encoder` is the id of
  the weights that embedded the chunks (their keys are only comparable with that encoder's); `config` is the
  memory's `MemoryConfig`, which the state's meaning depends on.

Format versions. 1: no `config` (the memory was written with the constants that became `MemoryConfig`'s defaults
in version 2); opening one upgrades meta.json in place (read-only: in RAM only). A newer version than this code
knows is refused with the upgrade to make.

`Store(None)` keeps everything in RAM (sqlite `:memory:` and the state tensors).
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np

from lam_memory import LAMError, lexical
from lam_memory.types import Chunk

if TYPE_CHECKING:
    import torch

FORMAT = "lam-memory"
FORMAT_VERSION = 2
ARCHIVE, STATE, META = "archive.sqlite", "state.safetensors", "meta.json"
_COLUMNS = "position, text, source, start_line, end_line, kind, role, meta"
_INSERT = _COLUMNS + ", key, created, slot"
LIVE, GONE, FORGOTTEN = 0, 1, 2  # chunks.status: in the memory; removed from its file by a later version; forgotten
_SCHEMA = """
CREATE TABLE IF NOT EXISTS chunks (
    position INTEGER PRIMARY KEY,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    kind TEXT NOT NULL,
    role TEXT,
    meta TEXT NOT NULL,
    key BLOB NOT NULL,
    created REAL NOT NULL,
    slot TEXT,
    status INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS chunks_source ON chunks(source);
CREATE TABLE IF NOT EXISTS sources (source TEXT PRIMARY KEY, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS info (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _atomic_write(path: Path, write) -> None:
    """Write `path` via a temporary file in its folder: `write(tmp_path)`, fsync, os.replace, fsync the folder."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_dir(path.parent)


def _row_to_chunk(row: tuple) -> Chunk:
    position, text, source, start, end, kind, role, meta = row
    return Chunk(text, source, start, end, kind=kind, role=role, position=position, meta=json.loads(meta))


class Store:
    """A memory's persistent parts; see the module doc. Use as a context manager or call `close()`."""

    def __init__(
        self,
        path: str | Path | None,
        encoder_id: str = "",
        create: bool = True,
        *,
        readonly: bool = False,
        synchronous: str = "FULL",
        config: dict | None = None,
    ):
        if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self.path = Path(path) if path is not None else None
        self.readonly = readonly
        self._lock = threading.RLock()
        self._state: tuple[dict, int] | None = None  # in-RAM state
        self._dim: int | None = None
        if self.path is None:
            if readonly:
                raise LAMError("an in-memory store cannot be opened read-only")
            self.meta = self._new_meta(encoder_id, config)
            self._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._conn.executescript(_SCHEMA + lexical.SCHEMA)
            return
        self.meta = self._open_meta(encoder_id, create and not readonly, config)
        archive = self.path / ARCHIVE
        if readonly:
            if not archive.exists():
                raise LAMError(f"memory at {self.path} has no {ARCHIVE}")
            uri = "file:" + quote(str(archive.resolve())) + "?mode=ro"
            if not os.access(self.path, os.W_OK):  # read-only media: no WAL index can be made, and no writer exists
                uri += "&immutable=1"
            self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
            cols = {r[1] for r in self._conn.execute("PRAGMA table_info(chunks)")}
            if cols and not {"slot", "status"} <= cols:
                self._conn.close()
                raise LAMError(f"memory at {self.path} is in an older format: open it once writable to upgrade it")
        else:
            self._conn = sqlite3.connect(str(archive), isolation_level=None, check_same_thread=False, timeout=30)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute(f"PRAGMA synchronous={synchronous}")
            self._upgrade_schema()
            self._conn.executescript(_SCHEMA + lexical.SCHEMA)
            self._index_missing()
            self._remove_stale_tmp()
        self._conn.execute("PRAGMA busy_timeout=30000")

    # ---------------------------------------------------------------- meta.json

    @staticmethod
    def _new_meta(encoder_id: str, config: dict | None) -> dict:
        meta = {"format": FORMAT, "format_version": FORMAT_VERSION, "encoder": encoder_id, "created": time.time()}
        return meta | ({"config": config} if config is not None else {})

    def _open_meta(self, encoder_id: str, create: bool, config: dict | None) -> dict:
        d = self.path
        meta_file = d / META
        if d.exists() and not d.is_dir():
            raise LAMError(f"{d} is a file, not a memory directory")
        if not meta_file.exists():
            if not d.exists() or not any(d.iterdir()):
                if not create:
                    raise LAMError(f"no memory at {d}")
                d.mkdir(parents=True, exist_ok=True)
                meta = self._new_meta(encoder_id, config)
                _atomic_write(meta_file, lambda tmp: Path(tmp).write_text(json.dumps(meta, indent=1) + "\n"))
                return meta
            raise LAMError(f"{d} exists and is not a LAM memory (no {META}); use an empty or new directory")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise LAMError(f"cannot read {meta_file}: {e}") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            fmt = meta.get("format") if isinstance(meta, dict) else None
            raise LAMError(f"{d} holds an unknown format {fmt!r}, not a LAM memory ({FORMAT!r})")
        version = meta.get("format_version")
        if not isinstance(version, int) or version < 1:
            raise LAMError(f"{d} has an invalid format_version {version!r}")
        if version > FORMAT_VERSION:
            raise LAMError(
                f"{d} is a LAM memory of format version {version}, newer than this lam-memory supports "
                f"({FORMAT_VERSION}); upgrade lam-memory"
            )
        stored = meta.get("encoder", "")
        if encoder_id and stored and encoder_id != stored:
            raise LAMError(
                f"{d} was built with encoder {stored!r}, not {encoder_id!r}; its keys are not comparable "
                "(re-ingest into a new memory)"
            )
        if version < FORMAT_VERSION:
            meta = self._migrate(meta, write=not self.readonly)
        return meta

    def _migrate(self, meta: dict, write: bool) -> dict:
        """Bring an older meta.json to FORMAT_VERSION (see the module doc); rewritten in place when writable."""
        from lam_memory.config import MemoryConfig

        if meta["format_version"] == 1:
            meta = {**meta, "format_version": 2, "config": MemoryConfig().to_json(), "migrated_from": 1}
        if write and os.access(self.path, os.W_OK):
            text = json.dumps(meta, indent=1) + "\n"
            _atomic_write(self.path / META, lambda tmp: Path(tmp).write_text(text))
        return meta

    def set_meta(self, **fields) -> None:
        """Add or change fields of meta.json (atomic rewrite); JSON-serialisable values only."""
        self._writable()
        self.meta.update(fields)
        if self.path is not None:
            text = json.dumps(self.meta, indent=1) + "\n"
            _atomic_write(self.path / META, lambda tmp: Path(tmp).write_text(text))

    def _remove_stale_tmp(self) -> None:
        """Temporary files left by a crash during an atomic write (older than 10 minutes)."""
        for tmp in self.path.glob(".*.tmp"):
            try:
                if time.time() - tmp.stat().st_mtime > 600:
                    tmp.unlink()
            except OSError:
                pass

    def _writable(self) -> None:
        if self.readonly:
            raise LAMError(f"memory at {self.path} is open read-only")

    # ---------------------------------------------------------------- archive

    @property
    def dim(self) -> int | None:
        """Key dimension, None while the archive is empty."""
        if self._dim is None:
            with self._lock:
                row = self._conn.execute("SELECT value FROM info WHERE name = 'dim'").fetchone()
            self._dim = int(row[0]) if row else None
        return self._dim

    def append(self, chunks: list[Chunk], keys: np.ndarray, slots: list[str | None] | None = None) -> list[int]:
        """Append chunks with their keys (float32, shape (n, d)) and version slots in one transaction; sets and
        returns positions."""
        self._writable()
        slots = slots or [None] * len(chunks)
        keys = np.ascontiguousarray(keys, dtype=np.float32)
        if keys.ndim != 2 or keys.shape[0] != len(chunks):
            raise ValueError(f"keys must have shape ({len(chunks)}, d), got {keys.shape}")
        if not chunks:
            return []
        d = keys.shape[1]
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                row = self._conn.execute("SELECT value FROM info WHERE name = 'dim'").fetchone()
                if row is None:
                    self._conn.execute("INSERT INTO info VALUES ('dim', ?)", (str(d),))
                elif int(row[0]) != d:
                    raise ValueError(f"keys have dimension {d}, the archive holds dimension {row[0]}")
                start = self._count()
                self._conn.executemany(
                    f"INSERT INTO chunks ({_INSERT}) VALUES ({', '.join('?' * 11)})",
                    [
                        (start + i, c.text, c.source, int(c.start_line), int(c.end_line), c.kind, c.role,
                         json.dumps(c.meta, ensure_ascii=False), keys[i].tobytes(), now, slots[i])
                        for i, c in enumerate(chunks)
                    ],
                )  # fmt: skip
                lexical.index(
                    self._conn,
                    [(start + i, c.text, c.source, c.meta.get("symbol") or "") for i, c in enumerate(chunks)],
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        self._dim = d
        positions = list(range(start, start + len(chunks)))
        for c, p in zip(chunks, positions, strict=True):
            c.position = p
        return positions

    def _count(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM chunks").fetchone()[0]

    def count(self) -> int:
        """Number of chunks (positions are 0..count-1)."""
        with self._lock:
            return self._count()

    def keys(self, start: int = 0) -> np.ndarray:
        """Keys of positions start.. as a float32 array (n, d)."""
        with self._lock:
            blobs = [
                r[0]
                for r in self._conn.execute("SELECT key FROM chunks WHERE position >= ? ORDER BY position", (start,))
            ]
        d = self.dim or 0
        if not blobs:
            return np.zeros((0, d), dtype=np.float32)
        return np.frombuffer(b"".join(blobs), dtype=np.float32).reshape(len(blobs), -1).copy()

    def get(self, positions: list[int]) -> list[Chunk]:
        """Chunks at `positions`, in the order asked; KeyError for a position not in the archive."""
        want = [int(p) for p in positions]
        found: dict[int, Chunk] = {}
        uniq = sorted(set(want))
        with self._lock:
            for i in range(0, len(uniq), 500):
                batch = uniq[i : i + 500]
                q = f"SELECT {_COLUMNS} FROM chunks WHERE position IN ({','.join('?' * len(batch))})"
                for row in self._conn.execute(q, batch):
                    found[row[0]] = _row_to_chunk(row)
        missing = [p for p in uniq if p not in found]
        if missing:
            raise KeyError(f"no chunk at position {missing[0]}")
        return [found[p] for p in want]

    def iter_chunks(self, start: int = 0, batch: int = 1000) -> Iterator[Chunk]:
        """All chunks from position `start` on, in order (read in batches; safe while others append)."""
        pos = start
        while True:
            with self._lock:
                rows = self._conn.execute(
                    f"SELECT {_COLUMNS} FROM chunks WHERE position >= ? ORDER BY position LIMIT ?", (pos, batch)
                ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _row_to_chunk(row)
            pos = rows[-1][0] + 1

    def last_line(self, source: str) -> int:
        """The largest end line stored under `source` (0 when it holds nothing)."""
        with self._lock:
            return self._conn.execute(
                "SELECT COALESCE(MAX(end_line), 0) FROM chunks WHERE source = ?", (source,)
            ).fetchone()[0]

    def _upgrade_schema(self) -> None:
        """Columns and tables added since format 1 (`slot`, `status`, `sources`), added to an older archive."""
        cols = {r[1] for r in self._conn.execute("PRAGMA table_info(chunks)")}
        if cols and "slot" not in cols:
            self._conn.execute("ALTER TABLE chunks ADD COLUMN slot TEXT")
        if cols and "status" not in cols:
            self._conn.execute("ALTER TABLE chunks ADD COLUMN status INTEGER NOT NULL DEFAULT 0")

    def _index_missing(self) -> None:
        """Add live chunks the lexical index lacks (an archive written before it existed) in one transaction."""
        after = lexical.indexed_max(self._conn)
        if after + 1 >= self._count():
            return
        self._conn.execute("BEGIN IMMEDIATE")
        try:
            rows = self._conn.execute(
                "SELECT position, text, source, meta FROM chunks WHERE position > ? AND status = 0", (after,)
            )
            lexical.index(self._conn, ((p, t, s, json.loads(m).get("symbol") or "") for p, t, s, m in rows.fetchall()))
            self._conn.execute("COMMIT")
        except BaseException:
            self._conn.execute("ROLLBACK")
            raise

    def lexical(self, query: str, limit: int, weights: tuple[float, float, float]) -> list[tuple[int, float]]:
        """Live positions matching `query`'s terms in the lexical index, best first, with BM25 scores (higher is
        better); [] when the archive has no index (an old archive opened read-only)."""
        with self._lock:
            try:
                return lexical.search(self._conn, query, limit, weights)
            except sqlite3.OperationalError:
                return []

    def slots(self, start: int = 0) -> list[str | None]:
        """Version slots of positions start.., in order (None: the chunk has none or is no longer live)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT CASE WHEN status = 0 THEN slot END FROM chunks WHERE position >= ? ORDER BY position", (start,)
            ).fetchall()
        return [r[0] for r in rows]

    def statuses(self) -> np.ndarray:
        """Status of every position (LIVE, GONE or FORGOTTEN) as an int8 array."""
        with self._lock:
            rows = self._conn.execute("SELECT status FROM chunks ORDER BY position").fetchall()
        return np.array([r[0] for r in rows], dtype=np.int8)

    def live_chunks(self, source: str) -> list[Chunk]:
        """The live chunks of `source`, in order, with `meta["slot"]` set where they have one."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS}, slot FROM chunks WHERE source = ? AND status = 0 ORDER BY position", (source,)
            ).fetchall()
        out = []
        for row in rows:
            c = _row_to_chunk(row[:-1])
            if row[-1]:
                c.meta["slot"] = row[-1]
            out.append(c)
        return out

    def set_status(self, positions: list[int], status: int) -> None:
        """Mark chunks GONE or FORGOTTEN; a forgotten chunk's text and key are wiped (its position stays as an id)."""
        self._writable()
        if not positions:
            return
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                for i in range(0, len(positions), 500):
                    batch = positions[i : i + 500]
                    marks = ",".join("?" * len(batch))
                    if status == FORGOTTEN:
                        zero = np.zeros(self.dim or 0, dtype=np.float32).tobytes()
                        wipe = "UPDATE chunks SET status = ?, text = '', meta = '{}', key = ?"
                        self._conn.execute(f"{wipe} WHERE position IN ({marks})", (status, zero, *batch))
                    else:
                        self._conn.execute(
                            f"UPDATE chunks SET status = ? WHERE position IN ({marks})", (status, *batch)
                        )
                lexical.remove(self._conn, positions)
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def move_lines(self, moves: list[tuple[int, int, int]]) -> None:
        """Set (start_line, end_line) of unchanged chunks that moved within their file: (position, start, end)."""
        self._writable()
        if moves:
            with self._lock:
                self._conn.executemany(
                    "UPDATE chunks SET start_line = ?, end_line = ? WHERE position = ?",
                    [(s, e, p) for p, s, e in moves],
                )

    def source_digest(self, source: str) -> str | None:
        """Digest of the content last ingested whole as `source` (None if never)."""
        with self._lock:
            row = self._conn.execute("SELECT digest FROM sources WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def set_source_digest(self, source: str, digest: str | None) -> None:
        """Record (or with None, drop) the digest of `source`'s whole content."""
        self._writable()
        with self._lock:
            if digest is None:
                self._conn.execute("DELETE FROM sources WHERE source = ?", (source,))
            else:
                self._conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?)", (source, digest))

    def sources(self) -> dict[str, int]:
        """Chunks per source, sources in order of first arrival."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT source, COUNT(*) FROM chunks WHERE status = 0 GROUP BY source ORDER BY MIN(position)"
            ).fetchall()
        return dict(rows)

    def bytes(self) -> dict[str, int]:
        """Sizes on disk: {"archive": sqlite file + WAL, "state": state file, "total": both}; RAM sizes in RAM."""
        if self.path is None:
            with self._lock:
                pages = self._conn.execute("PRAGMA page_count").fetchone()[0]
                size = self._conn.execute("PRAGMA page_size").fetchone()[0]
            archive = pages * size
            state = sum(t.numel() * t.element_size() for t in self._state[0].values()) if self._state else 0
        else:
            archive = sum(
                (self.path / n).stat().st_size for n in (ARCHIVE, ARCHIVE + "-wal") if (self.path / n).exists()
            )
            state = (self.path / STATE).stat().st_size if (self.path / STATE).exists() else 0
        return {"archive": archive, "state": state, "total": archive + state}

    # ---------------------------------------------------------------- state

    def save_state(
        self, tensors: dict[str, torch.Tensor], covered: int, metadata: dict[str, str] | None = None
    ) -> None:
        """Save the state tensors atomically, recording that they include chunks 0..covered-1."""
        self._writable()
        tensors = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
        md = {**(metadata or {}), "covered": str(int(covered))}
        if self.path is None:
            self._state = (tensors, int(covered))
            return
        from safetensors.torch import save_file

        _atomic_write(self.path / STATE, lambda tmp: save_file(tensors, tmp, metadata=md))

    def load_state(self) -> tuple[dict[str, torch.Tensor], int] | None:
        """(tensors, covered) as last saved, or None if no state was saved yet."""
        if self.path is None:
            if self._state is None:
                return None
            return {k: v.clone() for k, v in self._state[0].items()}, self._state[1]
        file = self.path / STATE
        if not file.exists():
            return None
        from safetensors import safe_open

        try:
            with safe_open(str(file), framework="pt") as f:
                covered = int((f.metadata() or {})["covered"])
                tensors = {k: f.get_tensor(k) for k in f.keys()}  # noqa: SIM118  (safe_open has no __iter__)
        except Exception as e:  # safetensors raises its own error types for damaged files
            raise LAMError(f"{file} is unreadable ({e}); delete it to rebuild the state from the archive") from None
        return tensors, covered

    # ---------------------------------------------------------------- lifetime

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else ":memory:"
        return f"Store({where!r}, readonly={self.readonly})"
