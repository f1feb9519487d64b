"""Memory directory persistence: round trip, atomic state, SIGKILL mid-ingest, formats, concurrent readers."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from lam_memory import LAMError, integrity
from lam_memory.chunking import chunk_file
from lam_memory.store import Store
from lam_memory.types import Chunk

REPO = Path(__file__).resolve().parents[2]
STDLIB_JSON = Path(json.__file__).resolve().parent

# A writer that appends batches forever, reporting the committed count (fsynced) after each commit.
# Chunk at position p has text "<p>|<base text>" and key row filled with p, so the reader can check every row.
WRITER = r"""
import json, os, sys
from pathlib import Path
import numpy as np, torch
from lam_memory.chunking import chunk_file
from lam_memory.store import Store
from lam_memory.types import Chunk

mem, progress, batch = sys.argv[1], sys.argv[2], int(sys.argv[3])
base = [c for f in sorted(Path(json.__file__).parent.glob("*.py")) for c in chunk_file(f, source=f.name)]
store = Store(mem, encoder_id="test-encoder")
fd = os.open(progress, os.O_RDWR | os.O_CREAT)
while True:
    n = store.count()
    chunks = []
    for p in range(n, n + batch):
        b = base[p % len(base)]
        chunks.append(Chunk(f"{p}|{b.text}", b.source, b.start_line, b.end_line, kind=b.kind, meta={"p": p}))
    keys = np.repeat(np.arange(n, n + batch, dtype=np.float32)[:, None], 16, axis=1)
    positions = store.append(chunks, keys)
    assert positions == list(range(n, n + batch))
    if (n // batch) % 4 == 0:
        store.save_state({"S": torch.full((8, 8), float(n + batch))}, n + batch)
    os.lseek(fd, 0, 0)
    os.write(fd, b"%012d" % (n + batch))
    os.fsync(fd)
"""


def _spawn_writer(mem: Path, progress: Path, batch: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen([sys.executable, "-c", WRITER, str(mem), str(progress), str(batch)], env=env, cwd=REPO)


def _reported(progress: Path) -> int:
    data = progress.read_bytes() if progress.exists() else b""
    return int(data) if data.strip() else 0


def _wait_for(progress: Path, proc: subprocess.Popen, at_least: int, timeout: float = 60) -> None:
    t0 = time.time()
    while _reported(progress) < at_least:
        assert proc.poll() is None, "writer died"
        assert time.time() - t0 < timeout, "writer too slow"
        time.sleep(0.02)


def _check_archive(mem: Path, batch: int, reported: int) -> int:
    with Store(mem, encoder_id="test-encoder", create=False) as s:
        n = s.count()
        assert reported <= n <= reported + batch, (reported, n)  # a kill may land between commit and report
        assert n % batch == 0, "a batch is all or nothing"
        keys = s.keys()
        assert keys.shape == (n, 16) and np.array_equal(keys[:, 0], np.arange(n, dtype=np.float32))
        for c in s.iter_chunks():
            assert c.text.startswith(f"{c.position}|") and c.meta == {"p": c.position}
        state = s.load_state()
        assert state is not None
        tensors, covered = state
        assert covered <= n and torch.equal(tensors["S"], torch.full((8, 8), float(covered)))
    con = sqlite3.connect(mem / "archive.sqlite")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()
    return n


def _chunks(n: int | None = None) -> list[Chunk]:
    chunks = [c for f in ("decoder.py", "encoder.py", "__init__.py") for c in chunk_file(STDLIB_JSON / f)]
    chunks.append(Chunk("Set retries to 5.", "chat.jsonl", 3, 3, kind="message", role="user", meta={"name": "é"}))
    return chunks[:n] if n else chunks


def test_round_trip(tmp_path):
    mem = tmp_path / "mem"
    chunks = _chunks()
    keys = np.random.default_rng(0).standard_normal((len(chunks), 384)).astype(np.float32)
    with Store(mem, encoder_id="lam-v1") as s:
        assert s.count() == 0 and s.keys().shape[0] == 0 and s.load_state() is None
        half = len(chunks) // 2
        assert s.append(chunks[:half], keys[:half]) == list(range(half))
        assert s.append(chunks[half:], keys[half:].astype(np.float64)) == list(range(half, len(chunks)))
        assert [c.position for c in chunks] == list(range(len(chunks)))
        s.save_state({"fast": torch.randn(6, 64, 64), "slow": torch.randn(6, 64, 64)}, covered=len(chunks))
        saved = s.load_state()
    meta = json.loads((mem / "meta.json").read_text())
    assert meta["format"] == "lam-memory" and meta["format_version"] == 2 and meta["encoder"] == "lam-v1"
    assert sorted(os.listdir(mem)) == ["archive.sqlite", "lock", "meta.json", "state.safetensors"]

    with Store(mem, encoder_id="lam-v1", create=False) as s:
        assert s.count() == len(chunks) and s.dim == 384
        assert np.array_equal(s.keys(), keys) and np.array_equal(s.keys(5), keys[5:])
        got = s.get([7, 0, len(chunks) - 1, 7])
        assert [c.position for c in got] == [7, 0, len(chunks) - 1, 7]
        assert got[0] == chunks[7] and got[1] == chunks[0] and got[2] == chunks[-1]
        assert got[2].role == "user" and got[2].meta == {"name": "é"} and got[2].kind == "message"
        assert list(s.iter_chunks(batch=7)) == chunks
        src = s.sources()
        assert sum(src.values()) == len(chunks) and src["chat.jsonl"] == 1
        assert list(src)[0] == chunks[0].source
        tensors, covered = s.load_state()
        assert covered == len(chunks) and all(torch.equal(tensors[k], saved[0][k]) for k in ("fast", "slow"))
        size = s.bytes()
        assert size["state"] == (mem / "state.safetensors").stat().st_size > 2 * 6 * 64 * 64 * 4
        assert size["archive"] >= len(chunks) * 384 * 4 and size["total"] == size["archive"] + size["state"]
        with pytest.raises(KeyError, match="position 99999"):
            s.get([0, 99999])
        with pytest.raises(ValueError, match="dimension"):
            s.append([Chunk("x", "y", 1, 1)], np.zeros((1, 8), np.float32))
        with pytest.raises(ValueError, match="shape"):
            s.append([Chunk("x", "y", 1, 1)], np.zeros((2, 384), np.float32))
        assert s.count() == len(chunks)


def test_in_ram_store():
    s = Store(None)
    chunks = _chunks(10)
    s.append(chunks, np.eye(10, 32, dtype=np.float32))
    assert s.count() == 10 and s.get([3])[0] == chunks[3] and s.keys(8).shape == (2, 32)
    assert s.load_state() is None
    t = torch.arange(12.0).reshape(3, 4)
    s.save_state({"S": t}, 10)
    t.add_(1)  # the saved state is a copy
    tensors, covered = s.load_state()
    assert covered == 10 and torch.equal(tensors["S"], torch.arange(12.0).reshape(3, 4))
    assert s.bytes()["state"] == 48 and s.bytes()["archive"] > 0
    s.close()


def test_state_write_is_atomic(tmp_path, monkeypatch):
    import safetensors.torch

    mem = tmp_path / "mem"
    s = Store(mem)
    s.save_state({"S": torch.ones(4, 4)}, 3)
    before = (mem / "state.safetensors").read_bytes()

    def torn_save(tensors, filename, metadata=None):
        Path(filename).write_bytes(b"partial garbage")
        raise OSError("disk full")

    monkeypatch.setattr(safetensors.torch, "save_file", torn_save)
    with pytest.raises(LAMError, match="cannot save .*state.safetensors: disk full"):
        s.save_state({"S": torch.zeros(4, 4)}, 9)
    monkeypatch.undo()
    assert (mem / "state.safetensors").read_bytes() == before
    assert sorted(os.listdir(mem)) == ["archive.sqlite", "archive.sqlite-shm", "archive.sqlite-wal", "lock",
                                       "meta.json", "state.safetensors"]  # fmt: skip
    tensors, covered = s.load_state()
    assert covered == 3 and torch.equal(tensors["S"], torch.ones(4, 4))
    s.save_state({"S": torch.zeros(4, 4)}, 9)
    assert s.load_state()[1] == 9
    s.close()

    # a temporary file left by a crash is cleaned up when the memory is next opened for writing (once it is old)
    stale = mem / ".state.safetensors.abc.tmp"
    stale.write_bytes(b"x")
    os.utime(stale, (time.time() - 3600, time.time() - 3600))
    Store(mem).close()
    assert not stale.exists()

    (mem / "state.safetensors").write_bytes(b"\x00" * 10)
    with Store(mem) as s, pytest.raises(LAMError, match="state.safetensors is unreadable"):
        s.load_state()


def test_a_memory_another_process_is_creating_is_no_foreign_folder(tmp_path):
    """While one process creates a memory, SQLite keeps a rollback journal beside the new archive until WAL is on; a
    second writer started beside it saw that file and called the folder no memory (3 of 12 tries of two `lam ingest`
    at once, 0 of 12 since). Its first steps' files are a memory's own."""
    mem = tmp_path / "mem"
    mem.mkdir()
    (mem / "archive.sqlite").write_bytes(b"")
    (mem / "archive.sqlite-journal").write_bytes(b"")
    with Store(mem) as s:
        assert s.meta["format"] and (mem / "meta.json").exists()


def test_sigkill_mid_ingest_keeps_every_committed_chunk(tmp_path):
    mem, progress, batch = tmp_path / "mem", tmp_path / "progress", 7
    reported = 0
    for round_ in range(2):  # kill, recover, keep appending, kill again
        proc = _spawn_writer(mem, progress, batch)
        try:
            _wait_for(progress, proc, reported + 20 * batch)
            time.sleep(0.013 * (round_ + 1))  # land the kill at different points of the loop
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL
        reported = _reported(progress)
        n = _check_archive(mem, batch, reported)
        assert n >= 20 * batch * (round_ + 1)


def test_readonly_reader_sees_commits_while_writer_appends(tmp_path):
    mem, progress, batch = tmp_path / "mem", tmp_path / "progress", 5
    proc = _spawn_writer(mem, progress, batch)
    try:
        _wait_for(progress, proc, batch)
        with Store(mem, create=False, readonly=True) as r:
            seen = []
            t0 = time.time()
            while time.time() - t0 < 2:
                reported = _reported(progress)
                n = r.count()
                assert n >= reported  # everything the writer reported committed is visible
                last = r.get([n - 1])[0]
                assert last.text.startswith(f"{n - 1}|") and r.keys(n - 1)[0, 0] == n - 1
                seen.append(n)
                time.sleep(0.05)
            assert seen == sorted(seen) and seen[-1] > seen[0]
            with pytest.raises(LAMError, match="read-only"):
                r.append([Chunk("x", "y", 1, 1)], np.zeros((1, 16), np.float32))
            with pytest.raises(LAMError, match="read-only"):
                r.save_state({"S": torch.zeros(1)}, 0)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)


def test_formats_and_bad_directories(tmp_path):
    with pytest.raises(LAMError, match="no memory at"):
        Store(tmp_path / "missing", create=False)
    assert not (tmp_path / "missing").exists()

    other = tmp_path / "project"
    other.mkdir()
    (other / "README.md").write_text("not a memory")
    with pytest.raises(LAMError, match="is not a LAM memory"):
        Store(other)

    f = tmp_path / "file.txt"
    f.write_text("x")
    with pytest.raises(LAMError, match="is a file"):
        Store(f)

    mem = tmp_path / "mem"
    Store(mem, encoder_id="enc-a").close()
    meta = json.loads((mem / "meta.json").read_text())
    (mem / "meta.json").write_text(json.dumps({**meta, "format_version": 3}))
    with pytest.raises(LAMError, match="format version 3, newer than this lam-memory supports"):
        Store(mem)
    (mem / "meta.json").write_text(json.dumps({**meta, "format": "chroma"}))
    with pytest.raises(LAMError, match="unknown format 'chroma'"):
        Store(mem)
    (mem / "meta.json").write_text("{not json")
    with pytest.raises(LAMError, match="cannot read"):
        Store(mem)
    (mem / "meta.json").write_text(json.dumps(meta))
    with pytest.raises(LAMError, match="built with encoder 'enc-a'"):
        Store(mem, encoder_id="enc-b")
    with Store(mem, encoder_id="enc-a") as s:
        s.set_meta(chunk_tokens=256)
    assert json.loads((mem / "meta.json").read_text())["chunk_tokens"] == 256
    with Store(mem) as s:  # no encoder id given: opens any
        assert s.meta["encoder"] == "enc-a" and s.meta["chunk_tokens"] == 256

    empty = tmp_path / "empty"
    empty.mkdir()
    Store(empty).close()  # an existing empty directory becomes a memory
    assert (empty / "meta.json").exists()


def test_one_writer_at_a_time(tmp_path):
    """The writer lock, within one process for speed (flock locks are per open file, so two stores conflict just as
    two processes do): the first write takes it, a second writer is refused naming the holder's pid, readers and
    read-only stores never take it, and releasing it lets the next writer in."""
    mem = tmp_path / "mem"
    first, second = Store(mem, lock_timeout=0.1), Store(mem, lock_timeout=0.1)
    keys = np.ones((1, 8), np.float32)
    assert first.append([Chunk("a", "x", 1, 1)], keys) == [0] and first.holds_writer
    assert (mem / "lock").read_text().strip() == str(os.getpid())
    with pytest.raises(LAMError, match=rf"being written by another process \(pid {os.getpid()}\)"):
        second.append([Chunk("b", "x", 2, 2)], keys)
    assert second.count() == 1 and not second.holds_writer  # reading needs no lock
    with Store(mem, create=False, readonly=True) as reader:
        assert reader.get([0])[0].text == "a"
        with pytest.raises(LAMError, match="read-only"):
            reader.acquire_writer()
    first.release_writer()
    assert second.append([Chunk("b", "x", 2, 2)], keys) == [1]
    first.close()
    second.close()  # closing releases it too
    with Store(mem, lock_timeout=0) as third:
        assert third.acquire_writer() and not third.acquire_writer()  # taken now, then already held


def test_snapshot_reads_by_position_and_reports_damage(tmp_path):
    """snapshot() maps rows to positions (ids), never to row numbers, and reports a gap, a key of the wrong size and
    an unknown status instead of raising; integrity.repair_archive fills the gap with a forgotten placeholder and
    rebuilds the lexical index; a foreign SQLite file is refused before anything is written to it."""
    mem = tmp_path / "mem"
    with Store(mem) as s:
        s.append(_chunks(6), np.arange(6 * 4, dtype=np.float32).reshape(6, 4))
    con = sqlite3.connect(mem / "archive.sqlite")
    con.execute("DELETE FROM chunks WHERE position = 2")
    con.execute("UPDATE chunks SET key = x'00' WHERE position = 4")
    con.execute("UPDATE chunks SET status = 9 WHERE position = 5")
    con.commit()
    con.close()
    with Store(mem) as s:
        snap = s.snapshot(keys_from=3, chunks_from=3)
        assert snap.count == 6 and snap.positions.tolist() == [0, 1, 3, 4, 5]
        assert [c.position for c in snap.chunks] == [3, 4, 5] and snap.bad_keys == [4]
        assert snap.keys.shape == (3, 4) and snap.keys[0].tolist() == [12, 13, 14, 15]  # position 3's own key
        assert len(snap.problems) == 3 and "missing" in snap.problems[0]
        done, redo = integrity.repair_archive(s)
        assert redo == [4] and any("positions 2" in d for d in done)
        assert s.get([2])[0].text == "" and s.get([3])[0].text == _chunks(6)[3].text
        assert s.snapshot().status.tolist() == [0, 0, 2, 0, 0, 0]
        bad_key = "1 chunks have keys of the wrong size or not finite (first: position 4)"
        assert integrity.archive_problems(s) == [bad_key]
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "meta.json").write_text((mem / "meta.json").read_text())
    con = sqlite3.connect(foreign / "archive.sqlite")
    con.execute("CREATE TABLE users (id INTEGER)")
    con.commit()
    con.close()
    before = (foreign / "archive.sqlite").read_bytes()
    with pytest.raises(LAMError, match="not the archive of a LAM memory"):
        Store(foreign)
    assert (foreign / "archive.sqlite").read_bytes() == before and not (foreign / "archive.sqlite-wal").exists()
