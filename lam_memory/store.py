"""Persistence of a memory directory: `archive.sqlite` (chunks + keys, WAL), `state.safetensors`, `meta.json`.

- `archive.sqlite`: one row per chunk, `position` (0, 1, 2, ... in order of arrival) as primary key, with text,
  source, lines, kind, role, meta (JSON), key (float32 bytes) and a `created` Unix time. WAL journal with
  synchronous=FULL: `append` is one transaction, so a process killed at any point (SIGKILL included) leaves every
  committed chunk and none of a half-done batch. A position is the chunk's id for good: lookups go by it, never by
  row number, and a forgotten chunk keeps its row. `snapshot` reads everything a memory loads in one read
  transaction, so a reader never sees half of a writer's commit. Read-only opens (`readonly=True`) use a `mode=ro`
  URI and see every commit, the write-ahead log's included; on read-only media (no write access to the folder)
  SQLite reads the log through the existing -shm file, a log without one is refused with the way out, and an
  archive without a log is opened `immutable`. A folder or archive this process cannot write is opened read-only
  by itself.
- `state.safetensors`: the recurrent state tensors, written atomically (temporary file in the same folder, fsync,
  `os.replace`, fsync of the folder), with metadata `covered` = the number of chunks (positions 0..covered-1) folded
  into it. The archive is committed before the state is saved, so on load `covered <= count()` and the keys of
  positions >= covered are replayed into the state: a crash between the two is recovered, not lost. A state that
  covers more than the archive holds means the archive lost chunks: that is damage, not a crash.
- `meta.json`: {"format": "lam-memory", "format_version": 2, "encoder": id, "config": {...}, "created": time,
  ...}, written atomically before anything else; a directory without it is not a memory, unless it holds only what
  a crash before meta.json leaves (an archive without chunks, temporary files), which is started afresh. `encoder`
  is the id of the weights that embedded the chunks (their keys are only comparable with that encoder's); `config`
  is the memory's `MemoryConfig`, which the state's meaning depends on.
- `lock`: one writer at a time (`lam_memory.lock`). Every write takes an exclusive `flock` on this file (it holds
  the writer's pid) and keeps it until `release_writer` (LAMMemory: `save` or `close`); another process waits
  `lock_timeout` seconds, then gets a LAMError naming the pid. Readers take no lock.

Errors. Every SQLite error becomes a one-line LAMError that says what it means (a full disk: "no space left on
device"; a read-only memory; a damaged file), a failed transaction is rolled back only if SQLite has not already
done so (so the real cause is never hidden behind "cannot rollback"), and an SQLite file that is not an archive (no
`chunks` table, missing columns) is refused before anything is written to it. The damage `lam check` reports and
`lam repair` fixes: `lam_memory.integrity`.

Format versions. 1: no `config` (the memory was written with the constants that became `MemoryConfig`'s defaults
in version 2); opening one upgrades meta.json in place (read-only: in RAM only). A newer version than this code
knows is refused with the upgrade to make.

`Store(None)` keeps everything in RAM (sqlite `:memory:` and the state tensors).
"""

from __future__ import annotations

import contextlib
import errno
import functools
import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import numpy as np

from lam_memory import LAMError, lexical
from lam_memory.lock import WriterLock
from lam_memory.types import Chunk

if TYPE_CHECKING:
    import torch

FORMAT = "lam-memory"
FORMAT_VERSION = 2
ARCHIVE, STATE, META, LOCK = "archive.sqlite", "state.safetensors", "meta.json", "lock"
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


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


_FILE_MODE = 0o666 & ~_umask()  # what open() would give a new file (mkstemp's are 0600)


def _atomic_write(path: Path, write) -> None:
    """Write `path` via a temporary file in its folder: `write(tmp_path)`, fsync, os.replace, fsync the folder. The
    file keeps the mode of the one it replaces (a new one gets the umask's), so other users can read a memory."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.is_file() else _FILE_MODE)
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
    try:
        meta = json.loads(meta)
    except (TypeError, ValueError):
        raise LAMError(f"chunk {position} of the archive has unreadable metadata: the archive is damaged") from None
    return Chunk(text, source, start, end, kind=kind, role=role, position=position, meta=meta)


def _symbol(meta: str) -> str:
    """The `symbol` of a chunk's meta JSON ("" when it has none or the JSON is damaged)."""
    try:
        value = json.loads(meta)
    except (TypeError, ValueError):
        return ""
    return (value.get("symbol") if isinstance(value, dict) else None) or ""


def _db_error(e: sqlite3.Error, archive: Path | None) -> LAMError:
    """What an SQLite error on `archive` means for the user, as a one-line LAMError."""
    name = str(archive) if archive is not None else "the in-memory archive"
    where = archive.parent if archive is not None else None
    code = (getattr(e, "sqlite_errorcode", None) or 0) & 0xFF
    msg = str(e)
    if code == sqlite3.SQLITE_FULL or "disk is full" in msg:
        return LAMError(f"no space left on device: cannot write {name} (what was committed before is intact)")
    if code == sqlite3.SQLITE_IOERR:
        return LAMError(f"I/O error on {name} ({msg}): is the disk full or failing?")
    if code in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM):
        return LAMError(f"memory at {where} is read-only ({msg})")
    if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return LAMError(f"{name} is locked by another process ({msg}); try again")
    if code in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB) or "malformed" in msg or "not a database" in msg:
        return LAMError(
            f"{name} is damaged ({msg}): SQLite cannot read it, so it cannot be repaired; restore a copy of the memory "
            "or ingest its sources again into a new one"
        )
    if code == sqlite3.SQLITE_CANTOPEN:
        return LAMError(f"cannot open {name} ({msg})")
    if "no such table" in msg or "no such column" in msg:
        return LAMError(f"{name} has the wrong schema ({msg}): not the archive of a LAM memory")
    return LAMError(f"{name}: {msg}")


def _sqlite_errors(method):
    """Store method decorator: an SQLite error becomes a one-line LAMError (`_db_error`)."""

    @functools.wraps(method)
    def wrapper(self: Store, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except sqlite3.Error as e:
            raise _db_error(e, self.archive) from None

    return wrapper


def _own_files_only(d: Path) -> bool:
    """Whether `d` holds nothing but what a memory's first steps leave: the archive (with its WAL, or the rollback
    journal SQLite keeps while it creates the file, before WAL is on: a second `lam ingest` started beside the first
    had seen it and called the folder no memory, 3 of 12 times), the writer lock and temporary files of an
    interrupted atomic write (a crash between creating the folder and writing meta.json)."""
    own = {ARCHIVE, ARCHIVE + "-wal", ARCHIVE + "-shm", ARCHIVE + "-journal", LOCK}
    return all(f.name in own or (f.name.startswith(".") and f.name.endswith(".tmp")) for f in d.iterdir())


def _archive_rows(archive: Path) -> int | None:
    """Chunk rows in an archive opened read-only (0: no file or no table yet), None when it cannot be read."""
    if not archive.exists():
        return 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{quote(str(archive.resolve()))}?mode=ro", uri=True)) as conn:
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            return conn.execute("SELECT COUNT(*) FROM chunks").fetchone()[0] if "chunks" in tables else 0
    except sqlite3.Error:
        return None


@dataclass
class Snapshot:
    """One consistent read of the archive (`Store.snapshot`): every row's position, status and slot, the keys and
    chunks asked for, and the damage seen on the way."""

    count: int  # positions run 0..count-1
    positions: np.ndarray  # every row's position, ascending (int64)
    status: np.ndarray  # every row's status (int8)
    slots: list[str | None]  # every row's version slot while it is live, else None
    keys: np.ndarray  # keys of the rows at positions >= keys_from (float32, (n, dim)); zeros where damaged
    chunks: list[Chunk]  # the chunks at positions >= chunks_from
    dim: int | None
    data_version: int
    bad_keys: list[int] = field(default_factory=list)  # positions whose key has the wrong size or is not finite
    problems: list[str] = field(default_factory=list)


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
        lock_timeout: float = 5.0,
    ):
        if synchronous.upper() not in ("OFF", "NORMAL", "FULL", "EXTRA"):
            raise ValueError(f"synchronous must be OFF, NORMAL, FULL or EXTRA, not {synchronous!r}")
        self.path = Path(path) if path is not None else None
        self.archive = self.path / ARCHIVE if self.path is not None else None
        self.readonly = readonly
        self.lock_timeout = lock_timeout
        self._why_readonly = "opened read-only"
        self._lock = threading.RLock()
        self._writer = WriterLock(self.path / LOCK) if self.path is not None else None  # None in RAM
        self._state: tuple[dict, int] | None = None  # in-RAM state
        self._dim: int | None = None
        self._conn: sqlite3.Connection | None = None
        if self.path is None:
            if readonly:
                raise LAMError("an in-memory store cannot be opened read-only")
            self.meta = self._new_meta(encoder_id, config)
            self._conn = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
            self._conn.executescript(_SCHEMA + lexical.SCHEMA)
            return
        if not readonly and self.path.is_dir() and not self._can_write():
            self.readonly, self._why_readonly = True, "no write permission on it or a read-only file system"
        self.meta = self._open_meta(encoder_id, create and not self.readonly, config)
        archive = self.archive
        if archive.is_symlink():
            raise LAMError(f"{archive} is a symbolic link (to {os.readlink(archive)}); an archive must be a file")
        if archive.exists() and not archive.is_file():
            raise LAMError(f"{archive} is not a file")
        try:
            if self.readonly:
                self._open_readonly(archive)
            else:
                self._open_writable(archive, synchronous)
            self._conn.execute("PRAGMA busy_timeout=30000")
            if not (self.path / META).exists():  # a new memory (`_open_meta`): meta.json once the archive exists, so
                self._write_meta(self.meta)  # a kill between the two leaves an empty archive, started afresh
        except BaseException as e:
            self.close()
            if isinstance(e, sqlite3.Error):
                raise _db_error(e, archive) from None
            raise

    def _can_write(self) -> bool:
        files = [self.path, self.archive, self.path / META, self.path / STATE]
        return all(os.access(f, os.W_OK) for f in files if f == self.path or f.exists())

    def _open_readonly(self, archive: Path) -> None:
        """A `mode=ro` connection that sees every commit, the write-ahead log's included. On read-only media (no
        write access to the folder) SQLite can read the log only through an existing -shm; without a log the file
        is opened `immutable` (nothing can be writing it)."""
        if not archive.exists():
            raise LAMError(f"memory at {self.path} has no {ARCHIVE}")
        uri = "file:" + quote(str(archive.resolve())) + "?mode=ro"
        if not os.access(self.path, os.W_OK):
            wal, shm = archive.with_name(ARCHIVE + "-wal"), archive.with_name(ARCHIVE + "-shm")
            if not wal.exists() or wal.stat().st_size == 0:
                uri += "&immutable=1"
            elif not shm.exists():
                raise LAMError(
                    f"memory at {self.path} has commits in {wal.name} that cannot be read without {shm.name} on "
                    "read-only media; open it once with write access (or copy it somewhere writable) to fold them in"
                )
        self._conn = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False, timeout=30)
        self._check_schema()
        cols = {r[1] for r in self._conn.execute("PRAGMA table_info(chunks)")}
        if cols and not {"slot", "status"} <= cols:
            raise LAMError(f"memory at {self.path} is in an older format: open it once writable to upgrade it")

    def _open_writable(self, archive: Path, synchronous: str) -> None:
        self._conn = sqlite3.connect(str(archive), isolation_level=None, check_same_thread=False, timeout=30)
        self._check_schema()  # before anything is written to it
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute(f"PRAGMA synchronous={synchronous}")
        self._upgrade_schema()
        self._conn.executescript(_SCHEMA + lexical.SCHEMA)
        self._index_missing()
        self._remove_stale_tmp()

    def _check_schema(self) -> None:
        """Refuse an SQLite file that is not an archive: other tables and no `chunks`, or `chunks` without the
        columns of format 1."""
        tables = {r[0] for r in self._conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "chunks" not in tables:
            raise LAMError(f"{self.archive} is not the archive of a LAM memory (no chunks table: {sorted(tables)[:4]})")
        cols = {r[1] for r in self._conn.execute("PRAGMA table_info(chunks)")}
        missing = sorted(set(_INSERT.replace(" ", "").split(",")) - {"slot"} - cols) if cols else []
        if missing:
            raise LAMError(f"{self.archive} has the wrong schema: table chunks lacks {', '.join(missing)}")

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
        if not meta_file.exists() and not meta_file.is_symlink():
            if not d.exists() or (_own_files_only(d) and _archive_rows(d / ARCHIVE) == 0):  # new, or never written
                if not create:
                    raise LAMError(f"no memory at {d}")
                d.mkdir(parents=True, exist_ok=True)
                return self._new_meta(encoder_id, config)  # written by `__init__` once the archive exists
            if (d / ARCHIVE).is_file() and _archive_rows(d / ARCHIVE):
                raise LAMError(f"{d} has an archive but no {META}; `lam repair --memory {d}` writes a new one")
            raise LAMError(f"{d} exists and is not a LAM memory (no {META}); use an empty or new directory")
        try:
            meta = json.loads(meta_file.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise LAMError(f"cannot read {meta_file}: {e}") from None
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            fmt = meta.get("format") if isinstance(meta, dict) else None
            raise LAMError(f"{d} holds an unknown format {fmt!r}, not a LAM memory ({FORMAT!r})")
        if not isinstance(meta.get("config", {}), dict):
            raise LAMError(f"{meta_file} is damaged: its config is a {type(meta['config']).__name__}, not an object")
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
            self._write_meta(meta)
        return meta

    def _write_meta(self, meta: dict) -> None:
        """meta.json, rewritten atomically."""
        text = json.dumps(meta, indent=1) + "\n"
        _atomic_write(self.path / META, lambda tmp: Path(tmp).write_text(text))

    def set_meta(self, **fields) -> None:
        """Add or change fields of meta.json (atomic rewrite); JSON-serialisable values only."""
        self._writable()
        self.meta.update(fields)
        if self.path is not None:
            self._write_meta(self.meta)

    def _remove_stale_tmp(self) -> None:
        """Temporary files left by a crash during an atomic write (older than 10 minutes)."""
        for tmp in self.path.glob(".*.tmp"):
            try:
                if time.time() - tmp.stat().st_mtime > 600:
                    tmp.unlink()
            except OSError:
                pass

    def _writable(self) -> None:
        """Every write starts here: refused when read-only, else under the writer lock (taken if not held)."""
        if self.readonly:
            raise LAMError(f"memory at {self.path} is read-only ({self._why_readonly})")
        self.acquire_writer()

    # ---------------------------------------------------------------- one writer at a time (lam_memory.lock)

    @property
    def holds_writer(self) -> bool:
        """Whether this store holds the memory's writer lock."""
        return self._writer is not None and self._writer.held

    def acquire_writer(self, timeout: float | None = None) -> bool:
        """Take the memory's writer lock: an exclusive `flock` on DIR/lock (which names the holder's pid), waited
        for up to `timeout` seconds (default `lock_timeout`). True when taken now, False when already held here
        (or in RAM). LAMError when another process keeps it. Readers never take it."""
        if self.readonly:
            raise LAMError(f"memory at {self.path} is read-only ({self._why_readonly})")
        if self._writer is None:
            return False
        return self._writer.acquire(self.lock_timeout if timeout is None else timeout)

    def release_writer(self) -> None:
        """Let another process write (the lock file stays, unlocked)."""
        if self._writer is not None:
            self._writer.release()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE ... COMMIT) under the writer lock, rolled back on any error (if
        SQLite has not already: a full disk rolls back by itself); an SQLite error becomes a one-line LAMError."""
        self._writable()
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self._conn
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        with contextlib.suppress(sqlite3.Error):
                            self._conn.execute("ROLLBACK")
                    raise
            except sqlite3.Error as e:
                raise _db_error(e, self.archive) from None

    # ---------------------------------------------------------------- archive

    @property
    @_sqlite_errors
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
        with self._transaction() as conn:
            row = conn.execute("SELECT value FROM info WHERE name = 'dim'").fetchone()
            if row is None:
                conn.execute("INSERT INTO info VALUES ('dim', ?)", (str(d),))
            elif int(row[0]) != d:
                raise ValueError(f"keys have dimension {d}, the archive holds dimension {row[0]}")
            start = self._count()
            conn.executemany(
                f"INSERT INTO chunks ({_INSERT}) VALUES ({', '.join('?' * 11)})",
                [
                    (start + i, c.text, c.source, int(c.start_line), int(c.end_line), c.kind, c.role,
                     json.dumps(c.meta, ensure_ascii=False), keys[i].tobytes(), now, slots[i])
                    for i, c in enumerate(chunks)
                ],
            )  # fmt: skip
            lexical.index(
                conn, [(start + i, c.text, c.source, c.meta.get("symbol") or "") for i, c in enumerate(chunks)]
            )
        self._dim = d
        positions = list(range(start, start + len(chunks)))
        for c, p in zip(chunks, positions, strict=True):
            c.position = p
        return positions

    def _count(self) -> int:
        return self._conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM chunks").fetchone()[0]

    @_sqlite_errors
    def count(self) -> int:
        """Number of chunks (positions are 0..count-1)."""
        with self._lock:
            return self._count()

    @_sqlite_errors
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

    @_sqlite_errors
    def get(self, positions: list[int]) -> list[Chunk]:
        """Chunks at `positions` (their ids, never row numbers), in the order asked; KeyError for a position not in
        the archive."""
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
                try:
                    rows = self._conn.execute(
                        f"SELECT {_COLUMNS} FROM chunks WHERE position >= ? ORDER BY position LIMIT ?", (pos, batch)
                    ).fetchall()
                except sqlite3.Error as e:
                    raise _db_error(e, self.archive) from None
            if not rows:
                return
            for row in rows:
                yield _row_to_chunk(row)
            pos = rows[-1][0] + 1

    @_sqlite_errors
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
        with self._transaction() as conn:
            rows = conn.execute(
                "SELECT position, text, source, meta FROM chunks WHERE position > ? AND status = 0", (after,)
            )
            lexical.index(conn, ((p, t, s, _symbol(m)) for p, t, s, m in rows.fetchall()))

    def _index(self, read, *args, default):
        """`read(connection, *args)` from `lam_memory.lexical`, or `default` when the archive has no index (an old
        archive opened read-only) or SQLite lacks a table the read needs (`dbstat`)."""
        with self._lock:
            try:
                return read(self._conn, *args)
            except sqlite3.OperationalError:
                return default

    @_sqlite_errors
    def lexical(
        self, query: str, limit: int, weights: tuple[float, float, float], postings: int = 0
    ) -> list[tuple[int, float]]:
        """Live positions matching `query`'s terms in the lexical index (`lexical.search`: its rarest terms up to
        `postings` chunks), best first, with BM25 scores (higher is better); [] without an index."""
        return self._index(lexical.search, query, limit, weights, postings, default=[])

    @_sqlite_errors
    def document_counts(self, words: list[str]) -> dict[str, int]:
        """How many indexed chunks hold each term (`lexical.document_counts`); all 0 without an index."""
        return self._index(lexical.document_counts, words, default=dict.fromkeys(words, 0))

    @_sqlite_errors
    def rare(self, words: list[str], most: int) -> dict[str, list[int]]:
        """The positions of the chunks holding each of `words` that at most `most` chunks hold (`lexical.rare`)."""
        return self._index(lexical.rare, words, most, default={})

    @_sqlite_errors
    def holding(self, word: str, any_of: list[str], limit: int) -> list[int]:
        """Chunks holding `word` and any of `any_of`, best first (`lexical.holding`); none without an index."""
        return self._index(lexical.holding, word, any_of, limit, default=[])

    @_sqlite_errors
    def slots(self, start: int = 0) -> list[str | None]:
        """Version slots of positions start.., in order (None: the chunk has none or is no longer live)."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT CASE WHEN status = 0 THEN slot END FROM chunks WHERE position >= ? ORDER BY position", (start,)
            ).fetchall()
        return [r[0] for r in rows]

    @_sqlite_errors
    def positions_of_roles(self, roles: tuple[str, ...]) -> list[int]:
        """Positions of the chunks whose role is one of `roles` (e.g. the assistant's turns), in order."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT position FROM chunks WHERE role IN ({','.join('?' * len(roles))}) ORDER BY position", roles
            ).fetchall()
        return [r[0] for r in rows]

    @_sqlite_errors
    def statuses(self) -> np.ndarray:
        """Status of every position (LIVE, GONE or FORGOTTEN) as an int8 array."""
        with self._lock:
            rows = self._conn.execute("SELECT status FROM chunks ORDER BY position").fetchall()
        return np.array([r[0] for r in rows], dtype=np.int8)

    @_sqlite_errors
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
        if not positions:
            return
        zero = np.zeros(self.dim or 0, dtype=np.float32).tobytes()
        with self._transaction() as conn:
            for i in range(0, len(positions), 500):
                batch = positions[i : i + 500]
                marks = ",".join("?" * len(batch))
                if status == FORGOTTEN:
                    wipe = "UPDATE chunks SET status = ?, text = '', meta = '{}', key = ?"
                    conn.execute(f"{wipe} WHERE position IN ({marks})", (status, zero, *batch))
                else:
                    conn.execute(f"UPDATE chunks SET status = ? WHERE position IN ({marks})", (status, *batch))
            lexical.remove(conn, positions)

    def move_lines(self, moves: list[tuple[int, int, int]]) -> None:
        """Set (start_line, end_line) of unchanged chunks that moved within their file: (position, start, end)."""
        if moves:
            with self._transaction() as conn:
                conn.executemany(
                    "UPDATE chunks SET start_line = ?, end_line = ? WHERE position = ?",
                    [(s, e, p) for p, s, e in moves],
                )

    def mark_read(self, positions: list[int], read: str) -> None:
        """Set `meta["read"]` of chunks kept when their document was read again (see `LAMMemory._revise`)."""
        if positions:
            with self._transaction() as conn:
                update = "UPDATE chunks SET meta = json_set(meta, '$.read', ?) WHERE position = ?"
                conn.executemany(update, [(read, p) for p in positions])

    @_sqlite_errors
    def source_digest(self, source: str) -> str | None:
        """Digest of the content last ingested whole as `source` (None if never)."""
        with self._lock:
            row = self._conn.execute("SELECT digest FROM sources WHERE source = ?", (source,)).fetchone()
        return row[0] if row else None

    def set_source_digest(self, source: str, digest: str | None) -> None:
        """Record (or with None, drop) the digest of `source`'s whole content."""
        with self._transaction() as conn:
            if digest is None:
                conn.execute("DELETE FROM sources WHERE source = ?", (source,))
            else:
                conn.execute("INSERT OR REPLACE INTO sources VALUES (?, ?)", (source, digest))

    @_sqlite_errors
    def sources(self) -> dict[str, int]:
        """Chunks per source, sources in order of first arrival."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT source, COUNT(*) FROM chunks WHERE status = 0 GROUP BY source ORDER BY MIN(position)"
            ).fetchall()
        return dict(rows)

    @_sqlite_errors
    def lexical_bytes(self) -> int:
        """Bytes of the archive's pages that the lexical index's tables take (0 where SQLite lacks `dbstat`)."""
        return self._index(lexical.index_bytes, default=0)

    @_sqlite_errors
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

    # ---------------------------------------------------------------- consistent reads

    @_sqlite_errors
    def data_version(self) -> int:
        """A number that changes whenever another connection (another process) commits to the archive."""
        with self._lock:
            return self._conn.execute("PRAGMA data_version").fetchone()[0]

    @_sqlite_errors
    def snapshot(self, keys_from: int = 0, chunks_from: int | None = None) -> Snapshot:
        """Everything a memory loads, read in one transaction (so a writer's commit is in all of it or none):
        every row's position, status and slot, the keys of positions >= `keys_from` and the chunks of positions
        >= `chunks_from` (none when None). Damage is reported in `problems`, not raised."""
        with self._lock:
            version = self._conn.execute("PRAGMA data_version").fetchone()[0]
            own = not self._conn.in_transaction  # inside a write transaction (repair), read within it
            if own:
                self._conn.execute("BEGIN")
            try:
                row = self._conn.execute("SELECT value FROM info WHERE name = 'dim'").fetchone()
                rows = self._conn.execute(
                    "SELECT position, status, CASE WHEN status = 0 THEN slot END, CASE WHEN position >= ?1 THEN key "
                    "END, position < ?1 OR json_valid(meta) FROM chunks ORDER BY position",
                    (keys_from,),
                ).fetchall()
                chunks = []
                if chunks_from is not None:
                    q = f"SELECT {_COLUMNS} FROM chunks WHERE position >= ? ORDER BY position"
                    chunks = [_row_to_chunk(r) for r in self._conn.execute(q, (chunks_from,))]
            finally:
                if own and self._conn.in_transaction:
                    self._conn.execute("COMMIT")
        problems = []
        try:
            dim = int(row[0]) if row else None
        except ValueError:
            dim, problems = None, [f"the key dimension recorded in the archive is {row[0]!r}"]
        positions = np.array([r[0] for r in rows], dtype=np.int64)
        status = np.array([r[1] if r[1] in (LIVE, GONE, FORGOTTEN) else -1 for r in rows], dtype=np.int8)
        count = int(positions[-1]) + 1 if len(rows) else 0
        if len(rows) and positions[0] < 0:
            problems.append(f"{int((positions < 0).sum())} chunks have negative positions")
        elif len(rows) != count:
            first = int(np.setdiff1d(np.arange(count), positions)[0])
            problems.append(
                f"{count - len(rows)} of {count} chunk positions are missing from the archive (first: {first})"
            )
        if (status < 0).any():
            problems.append(f"{int((status < 0).sum())} chunks have an unknown status")
        if len(rows) and dim is None:
            problems.append("the archive holds chunks but no key dimension")
        if unreadable := [r[0] for r in rows if not r[4]]:
            problems.append(f"{len(unreadable)} chunks have unreadable metadata (first: position {unreadable[0]})")
        blobs = [(r[0], r[3]) for r in rows if r[0] >= keys_from]
        keys = np.zeros((len(blobs), dim or 0), dtype=np.float32)
        bad = []
        for i, (p, blob) in enumerate(blobs):
            if dim and isinstance(blob, bytes) and len(blob) == 4 * dim:
                keys[i] = np.frombuffer(blob, dtype=np.float32)
                if np.isfinite(keys[i]).all():
                    continue
                keys[i] = 0
            bad.append(p)
        if bad:
            problems.append(f"{len(bad)} chunks have keys of the wrong size or not finite (first: position {bad[0]})")
        slots = [r[2] for r in rows]
        return Snapshot(count, positions, status, slots, keys, chunks, dim, version, bad, problems)

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

        try:
            _atomic_write(self.path / STATE, lambda tmp: save_file(tensors, tmp, metadata=md))
        except Exception as e:  # OSError, or safetensors' own error type around one
            full = isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT) or "os error 28" in str(e)
            why = "no space left on device" if full else (e.strerror if isinstance(e, OSError) and e.strerror else e)
            raise LAMError(
                f"cannot save {self.path / STATE}: {why} (the archive is committed; the state is rebuilt from it "
                "when the memory is next opened)"
            ) from None

    def state_stamp(self) -> tuple[int, int, int] | None:
        """Identity of the saved state file (inode, mtime, size), None without one: it changes with every save."""
        try:
            st = (self.path / STATE).stat() if self.path is not None else None
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size) if st else None

    def discard_state(self) -> None:
        """Delete the saved state (it is rebuilt from the archive when the memory is next opened)."""
        self._writable()
        if self.path is None:
            self._state = None
        else:
            (self.path / STATE).unlink(missing_ok=True)

    def load_state(self) -> tuple[dict[str, torch.Tensor], int] | None:
        """(tensors, covered) as last saved, or None if no state was saved yet."""
        if self.path is None:
            if self._state is None:
                return None
            return {k: v.clone() for k, v in self._state[0].items()}, self._state[1]
        file = self.path / STATE
        if not file.exists():
            return None
        from safetensors.torch import load

        # One read of the whole file (10 MiB at the defaults), then the tensors and the header from those bytes:
        # `safe_open` opens the file again by name for each tensor, so a save landing in between paired one file's
        # "covered" with another's tensors (seen once in 400 opens beside a writer).
        try:
            data = file.read_bytes()
            size = int.from_bytes(data[:8], "little")
            covered = int(json.loads(data[8 : 8 + size])["__metadata__"]["covered"])
            tensors = load(data)
        except Exception as e:  # safetensors raises its own error types for damaged files
            raise LAMError(f"{file} is unreadable ({e}); `lam repair --memory {self.path}` rebuilds it") from None
        return tensors, covered

    # ---------------------------------------------------------------- lifetime

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None
            self.release_writer()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        where = str(self.path) if self.path is not None else ":memory:"
        return f"Store({where!r}, readonly={self.readonly})"
