"""Damage in a memory directory and its repair: what `lam check` reports and `lam repair` fixes.

What. `check` lists the damage: the archive's (`archive_problems`: SQLite's own check, missing chunk ids, damaged
keys, statuses or metadata, the lexical index) and the saved state's (`state_problems`: unreadable, wrong shape,
not finite, covering chunks the archive lacks). `repair_files` fixes what the archive allows on disk: a lost
meta.json (`restore_meta`), the archive (`repair_archive`), keys embedded again (`set_keys`); then it deletes the
saved state, which `LAMMemory.repair` rebuilds from the archive. The public verbs are `LAMMemory.check` and
`LAMMemory.repair`.

Why a module of its own: none of this runs on a sound memory's reads and writes (opening one only calls
`state_problems`), so `store.py` and `memory.py` keep to those. The functions work on a `Store`'s connection under
its own locks (`_lock`, `_transaction`), as its methods would.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import torch

from lam_memory import LAMError, lexical
from lam_memory.config import MemoryConfig
from lam_memory.store import (
    _INSERT,
    ARCHIVE,
    FORGOTTEN,
    GONE,
    LIVE,
    META,
    Store,
    _archive_rows,
    _atomic_write,
    _db_error,
    _symbol,
)
from lam_memory.types import Chunk


def check(path: str | Path) -> list[str]:
    """Damage in the memory at `path`, [] when it is sound (`LAMMemory.check`). Reads only; LAMError when the memory
    cannot be opened at all."""
    with Store(path, create=False, readonly=True) as store:
        problems = archive_problems(store)
        try:
            config = MemoryConfig.from_json(store.meta.get("config") or {})
            saved = store.load_state()
            if saved is not None:
                problems += state_problems(*saved, store.count(), config)
        except (LAMError, TypeError) as e:
            problems.append(str(e))
    return problems


def repair_files(
    path: str | Path, encoder_id: str, embed: Callable[[list[Chunk]], np.ndarray], lock_timeout: float = 5.0
) -> list[str]:
    """`LAMMemory.repair` up to rebuilding the states: what `check` finds, then a lost meta.json written again (with
    the default config), the archive repaired under the writer lock, the chunks whose keys were damaged embedded
    again with `embed(chunks)` (float32, (n, dim)), and the saved state deleted. Returns what was found and done."""
    try:
        done = [f"found: {p}" for p in check(path)]
    except LAMError as e:
        done = [f"found: {e}"]
    if restore_meta(path, encoder_id, MemoryConfig().to_json()):
        done.append(f"wrote a new meta.json (the default config, encoder {encoder_id!r})")
    with Store(path, encoder_id=encoder_id, create=False, lock_timeout=lock_timeout) as store:
        store.acquire_writer()
        fixed, redo = repair_archive(store)
        if redo:
            set_keys(store, redo, embed(store.get(redo)))
            fixed.append(f"embedded {len(redo)} chunks again (their keys were missing or damaged)")
        store.discard_state()
    return done + fixed


def archive_problems(store: Store) -> list[str]:
    """Damage in the archive ([] when sound): SQLite's own check, then missing positions, keys of the wrong size
    or not finite, unknown statuses, unreadable chunk metadata, a lexical index out of step with the live
    chunks."""
    try:
        with store._lock:
            check = [r[0] for r in store._conn.execute("PRAGMA quick_check(3)")]
        if check != ["ok"]:
            return [f"{ARCHIVE} is corrupt: {'; '.join(check)}"]
        snap = store.snapshot()
        with store._lock:
            try:
                indexed = {r[0] for r in store._conn.execute("SELECT rowid FROM lexical")}
            except sqlite3.OperationalError:
                indexed = None
    except sqlite3.Error as e:
        return [str(_db_error(e, store.archive))]
    except LAMError as e:
        return [str(e)]
    out = list(snap.problems)
    live = set(snap.positions[snap.status == LIVE].tolist())
    if indexed is None:
        out.append("the archive has no lexical index")
    elif indexed != live:
        out.append(f"the lexical index is out of step: {len(live - indexed)} live chunks missing from it, "
                   f"{len(indexed - live)} entries for chunks not in the memory")  # fmt: skip
    return out


def state_problems(tensors: dict[str, torch.Tensor], covered: int, n: int, cfg: MemoryConfig) -> list[str]:
    """What is wrong with a saved state (`Store.load_state`) for a memory of config `cfg` whose archive holds `n`
    chunk ids: coverage beyond the archive, tensors of the wrong shape or not finite."""
    out = []
    if covered < 0:
        out.append(f"the state claims to cover {covered} chunks")
    elif covered > n:
        out.append(f"the state covers {covered} chunks but the archive holds {n}: chunks were lost from the archive")
    shapes = {"S": (1, 1, 2, cfg.key_dim, cfg.value_dim), "V": (cfg.version_dim, cfg.value_dim)}
    for name, shape in shapes.items():
        t = tensors.get(name)
        if t is None and name == "V":  # saved before versions existed: rebuilt on load
            continue
        if t is None or tuple(t.shape) != shape or not t.is_floating_point():
            got = "missing" if t is None else f"{list(t.shape)} {t.dtype}"
            out.append(f"the {'version ' if name == 'V' else ''}state has the wrong shape ({got}, not {list(shape)})")
        elif not torch.isfinite(t.sum()):  # a NaN or inf anywhere makes the sum one (and costs no copy)
            out.append(f"the {'version ' if name == 'V' else ''}state holds values that are not finite")
    count = tensors.get("count")
    if count is None or count.numel() != 1 or int(count.flatten()[0]) != covered:
        out.append(f"the state's chunk count does not match its coverage ({covered})")
    return out


def repair_archive(store: Store) -> tuple[list[str], list[int]]:
    """Fix what the archive itself can: a missing position becomes a forgotten chunk (an empty placeholder, so
    every id stays what it was), unknown statuses become live, unreadable metadata `{}`, and the lexical index
    is rebuilt from the live chunks. Returns what was done and the positions whose keys must be embedded again
    (wrong size or not finite). LAMError when SQLite itself finds the file corrupt."""
    with store._lock:
        try:
            check = [r[0] for r in store._conn.execute("PRAGMA quick_check(3)")]
        except sqlite3.Error as e:
            check = [str(e)]
    if check != ["ok"]:
        raise LAMError(
            f"{store.archive} is corrupt ({'; '.join(check)}): it cannot be repaired; restore a copy of the memory "
            "or ingest its sources again into a new one"
        )
    snap = store.snapshot()
    done: list[str] = []
    dim = snap.dim
    with store._transaction() as conn:
        if snap.problems and any("negative positions" in p for p in snap.problems):
            n = conn.execute("DELETE FROM chunks WHERE position < 0").rowcount
            done.append(f"removed {n} chunks with negative positions")
            snap = store.snapshot()
        sizes = [r[0] for r in conn.execute("SELECT length(key) FROM chunks WHERE status != ?", (FORGOTTEN,))]
        common = max(set(sizes), key=sizes.count) // 4 if sizes else dim
        if common != dim and common:
            conn.execute("INSERT OR REPLACE INTO info VALUES ('dim', ?)", (str(common),))
            done.append(f"recorded the key dimension the keys have ({common}, not {dim})")
            dim = common
            snap = store.snapshot()
        missing = sorted(set(range(snap.count)) - set(snap.positions.tolist()))
        if missing:
            zero, now = np.zeros(dim or 0, dtype=np.float32).tobytes(), time.time()
            placeholder = "?, '', '', 0, 0, 'text', NULL, '{}', ?, ?, NULL, ?"  # forgotten: no text, zero key
            conn.executemany(
                f"INSERT INTO chunks ({_INSERT}, status) VALUES ({placeholder})",
                [(p, zero, now, FORGOTTEN) for p in missing],
            )
            done.append(f"{len(missing)} missing chunks (positions {_ranges(missing)}) marked forgotten")
        n = conn.execute(
            "UPDATE chunks SET status = ? WHERE status NOT IN (?, ?, ?)", (LIVE, LIVE, GONE, FORGOTTEN)
        ).rowcount
        if n:
            done.append(f"{n} unknown statuses set to live")
        n = conn.execute("UPDATE chunks SET meta = '{}' WHERE NOT json_valid(meta)").rowcount
        if n:
            done.append(f"{n} unreadable chunk metadata reset to {{}}")
        zero = np.zeros(dim or 0, dtype=np.float32).tobytes()
        forgotten = [p for p, s in zip(snap.positions.tolist(), snap.status.tolist(), strict=True) if s == FORGOTTEN]
        redo = sorted(set(snap.bad_keys) - set(forgotten))
        wipe = sorted(set(snap.bad_keys) & set(forgotten))  # a forgotten chunk's key is zero; live ones: `redo`
        conn.executemany("UPDATE chunks SET key = ? WHERE position = ?", [(zero, p) for p in wipe])
        conn.execute("DROP TABLE IF EXISTS lexical")
        conn.execute(lexical.SCHEMA.strip().rstrip(";"))
        rows = conn.execute("SELECT position, text, source, meta FROM chunks WHERE status = ?", (LIVE,)).fetchall()
        lexical.index(conn, ((p, t, s, _symbol(m)) for p, t, s, m in rows))
        done.append(f"rebuilt the lexical index ({len(rows)} live chunks)")
    store._dim = dim
    return done, redo


def set_keys(store: Store, positions: list[int], keys: np.ndarray) -> None:
    """Replace the keys of chunks (float32, shape (len(positions), dim)); for keys embedded again by repair."""
    keys = np.ascontiguousarray(keys, dtype=np.float32)
    with store._transaction() as conn:
        conn.executemany(
            "UPDATE chunks SET key = ? WHERE position = ?",
            [(k.tobytes(), int(p)) for p, k in zip(positions, keys, strict=True)],
        )


def restore_meta(path: str | Path, encoder_id: str, config: dict) -> bool:
    """Write a meta.json (format, `encoder_id`, `config`) for an archive that has chunks but lost its meta.json;
    False when there was nothing to do."""
    d = Path(path)
    if (d / META).exists() or not (d / ARCHIVE).is_file() or not _archive_rows(d / ARCHIVE):
        return False
    meta = Store._new_meta(encoder_id, config) | {"restored": time.time()}
    _atomic_write(d / META, lambda tmp: Path(tmp).write_text(json.dumps(meta, indent=1) + "\n"))
    return True


def _ranges(ps: list[int]) -> str:
    """`1-3, 7` for [1, 2, 3, 7] (the first few runs)."""
    runs: list[list[int]] = []
    for p in ps:
        if runs and p == runs[-1][1] + 1:
            runs[-1][1] = p
        else:
            runs.append([p, p])
    text = ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs[:5])
    return text + (", ..." if len(runs) > 5 else "")
