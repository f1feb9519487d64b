"""Several processes on one memory: one writer at a time (the second gets a clear error or waits), readers never
blocked and never see half a commit, an open memory follows another process's commits, and a read-only open (on
read-only media too) sees everything committed, the write-ahead log included."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from lam_memory import LAMError, LAMMemory, cli
from lam_memory.encoder import default_encoder

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "HOME": "/tmp"}

# Holds the writer lock of memory argv[1]: adds one chunk, says "locked", saves (releasing the lock) when it reads a
# line on stdin, then exits.
HOLDER = r"""
import sys
from lam_memory.memory import LAMMemory
mem = LAMMemory(sys.argv[1])
mem.add("The holder process wrote the quarterly budget note.", source="holder.md")
print("locked", flush=True)
sys.stdin.readline()
mem.save()
mem.close()
print("released", flush=True)
"""

# Appends one fact per commit forever, saving the state every 5 commits; prints each committed count.
WRITER = r"""
import sys
from lam_memory.memory import LAMMemory
mem = LAMMemory(sys.argv[1])
i = len(mem)
while True:
    mem.add(f"Fact {i}: sensor {i} in hall {i % 7} reads {i * 3} degrees.", source=f"facts/{i % 11}.md")
    if i % 5 == 0:
        mem.save()
    print(len(mem), flush=True)
    i += 1
"""


@pytest.fixture(scope="module")
def encoder():
    return default_encoder()


def _spawn(script: str, *args: str, user: list[str] | None = None) -> subprocess.Popen:
    return subprocess.Popen([*(user or []), sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV, cwd="/")  # fmt: skip


def _await_line(proc: subprocess.Popen, want: str, timeout: float = 180) -> None:
    """Wait (reading stdout) for a line; fail with the child's stderr if it dies first."""
    t0 = time.time()
    while time.time() - t0 < timeout:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            pytest.fail(f"child died: {proc.stderr.read()}")
        if line.strip() == want:
            return
    pytest.fail(f"no {want!r} within {timeout} s")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)


def test_second_writer_gets_a_clear_error_or_waits(tmp_path, encoder, capsys):
    mem = tmp_path / "mem"
    LAMMemory(mem, encoder=encoder).close()
    holder = _spawn(HOLDER, str(mem))
    try:
        _await_line(holder, "locked")
        second = LAMMemory(mem, encoder=encoder, lock_timeout=0.3)
        with pytest.raises(LAMError, match=rf"being written by another process \(pid {holder.pid}\)"):
            second.add("The second writer's note.", source="second.md")
        assert len(second) == 1  # the holder's chunk (committed before this open), nothing of its own
        hits = second.search("quarterly budget note")  # a reader is never blocked, and sees the holder's commit
        assert hits and hits[0].source == "holder.md"
        note = tmp_path / "cli.md"
        note.write_text("The CLI's note about the on-call rota.\n")
        capsys.readouterr()
        assert cli.main(["ingest", str(note), "--memory", str(mem)]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and f"(pid {holder.pid})" in err[0], err

        waiter = LAMMemory(mem, encoder=encoder, lock_timeout=120)
        done: list[int] = []
        thread = threading.Thread(target=lambda: done.append(waiter.add("The waiting writer's note.", source="w.md")))
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive() and not done  # waiting for the lock
        holder.stdin.write("go\n")
        holder.stdin.flush()
        _await_line(holder, "released")
        thread.join(timeout=120)
        assert done == [1]
        waiter.save()
        waiter.close()
        second.close()
    finally:
        _stop(holder)
    with LAMMemory(mem, encoder=encoder) as m:
        assert len(m) == 2 and m.state.count == 2 and set(m.stats()["sources_detail"]) == {"holder.md", "w.md"}
    assert LAMMemory.check(mem) == []


def test_two_ingests_at_once_lose_nothing(tmp_path):
    """Two `lam ingest` processes on one memory: the second waits for the first (or, past its lock timeout, says
    so); whatever each reported is in the memory, and the saved state covers all of it."""
    files = []
    for i in range(2):
        f = tmp_path / f"notes{i}.md"
        f.write_text("\n\n".join(f"Note {i}.{j}: team {i} owns service {j} on floor {j % 5}." for j in range(40)))
        files.append(f)
    mem = tmp_path / "mem"
    cmds = [[sys.executable, "-m", "lam_memory.cli", "ingest", str(f), "--memory", str(mem)] for f in files]
    procs = [subprocess.Popen(c, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV) for c in cmds]
    results = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
    ok = [f for f, (code, _) in zip(files, results, strict=True) if code == 0]
    for code, err in results:
        assert code == 0 or "being written by another process" in err, err
        assert "Traceback" not in err
    assert ok
    with LAMMemory(mem, create=False) as m:
        assert set(m.stats()["sources_detail"]) == {str(f) for f in ok}
        assert m.state.count == len(m)
    assert LAMMemory.check(mem) == []


@pytest.mark.parametrize("opens", [80, pytest.param(400, marks=pytest.mark.slow)])
def test_reader_opens_while_another_process_commits(tmp_path, encoder, opens):
    """Opens while a writer commits one chunk at a time: every open is consistent (the keys, the rows and the state
    read as of one commit), none fails."""
    mem = tmp_path / "mem"
    LAMMemory(mem, encoder=encoder).close()
    writer = _spawn(WRITER, str(mem))
    try:
        _await_line(writer, "3")
        seen = []
        for _ in range(opens):
            with LAMMemory(mem, encoder=encoder, readonly=True) as r:
                n = len(r)
                assert r.state.count == n and r._live.shape[0] == n and len(r._slots) == n
                seen.append(n)
        assert writer.poll() is None, writer.stderr.read()
        assert seen == sorted(seen) and seen[-1] > seen[0], seen  # the writer kept committing throughout
    finally:
        _stop(writer)


def test_open_memory_follows_another_process(tmp_path, encoder, capsys):
    notes = tmp_path / "notes.md"
    notes.write_text("The staging deploy window is Thursday.\n")
    mem = tmp_path / "mem"
    assert cli.main(["ingest", str(notes), "--memory", str(mem)]) == 0
    reader = LAMMemory(mem, encoder=encoder, create=False)
    assert not reader.refresh()  # nothing new
    later = tmp_path / "later.md"
    later.write_text("The billing cluster moved to the Frankfurt region.\n")
    r = subprocess.run([sys.executable, "-m", "lam_memory.cli", "ingest", str(later), "--memory", str(mem)],
                       capture_output=True, text=True, env=ENV, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    hits = reader.search("which region hosts the billing cluster?", k=1)  # search picks it up by itself
    assert hits[0].source == str(later) and len(reader) == 2
    assert not reader.refresh()
    r = subprocess.run([sys.executable, "-m", "lam_memory.cli", "forget", str(later), "--memory", str(mem)],
                       capture_output=True, text=True, env=ENV, timeout=600)  # fmt: skip
    assert r.returncode == 0, r.stderr
    assert reader.refresh() and reader.stats()["chunks"] == 1
    assert all(h.source != str(later) for h in reader.search("billing cluster region", k=5))
    reader.add("The reader now writes too: the pager rotates weekly.", source="pager.md")  # catches up first
    reader.save()
    reader.close()
    with LAMMemory(mem, encoder=encoder, create=False) as m:
        assert m.stats()["chunks"] == 2 and m.state.count == len(m) == 3
    assert LAMMemory.check(mem) == []


# ------------------------------------------------------------------------------------------------ read-only opens

READ = r"""
import json, sys
from lam_memory import LAMError
from lam_memory.memory import LAMMemory
try:
    with LAMMemory(sys.argv[1], readonly=True) as m:
        hits = m.search("Fact 2: sensor 2 in hall 2 reads 6 degrees.", k=1)
        print(json.dumps({"chunks": len(m), "state": m.state.count, "top": hits[0].text if hits else None}))
except LAMError as e:
    print(json.dumps({"error": str(e)}))
"""


def _killed_writer(mem: Path, at_least: int) -> int:
    """A writer killed (SIGKILL) after `at_least` commits: its commits are in the write-ahead log, not yet in the
    archive's main file. Returns how many chunks it committed."""
    writer = _spawn(WRITER, str(mem))
    try:
        t0, n = time.time(), 0
        while n < at_least and time.time() - t0 < 300:
            line = writer.stdout.readline()
            assert line or writer.poll() is None, writer.stderr.read()
            n = int(line) if line.strip() else n
    finally:
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=30)
    return n


def _read_as_other_user(mem: Path, user: list[str]) -> dict:
    r = subprocess.run([*user, sys.executable, "-c", READ, str(mem)], capture_output=True, text=True,
                       env=ENV, cwd="/", timeout=600)  # fmt: skip
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    return json.loads(r.stdout)


def test_readonly_on_read_only_media_sees_the_write_ahead_log(shared_dir, as_nobody):
    """A fresh memory whose every commit is still in archive.sqlite-wal (the writer was killed), then made
    read-only: a read-only open by another user sees all of it (not "no such table", not one chunk short). Without
    the -shm file SQLite cannot read the log on read-only media: a one-line LAMError says so."""
    mem = shared_dir / "mem"
    n = _killed_writer(mem, at_least=12)
    assert (mem / "archive.sqlite-wal").stat().st_size > 0
    for p in [*mem.iterdir(), mem]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    got = _read_as_other_user(mem, as_nobody)
    assert got["chunks"] >= n and got["state"] == got["chunks"], got  # a kill may land after a commit, before its print
    assert got["top"] == "Fact 2: sensor 2 in hall 2 reads 6 degrees.", got
    mem.chmod(0o755)
    (mem / "archive.sqlite-shm").unlink()
    mem.chmod(0o555)
    got = _read_as_other_user(mem, as_nobody)
    assert "cannot be read without archive.sqlite-shm on read-only media" in got["error"], got


def test_readonly_on_read_only_media_without_a_log(shared_dir, as_nobody, encoder):
    """A memory closed cleanly (no -wal left) on read-only media opens `immutable`: all chunks, no error."""
    mem = shared_dir / "mem"
    with LAMMemory(mem, encoder=encoder) as m:
        m.add("\n\n".join(f"Fact {i}: sensor {i} in hall {i % 7} reads {i * 3} degrees." for i in range(20)), "f.md")
        m.save()
        n = len(m)
    assert not (mem / "archive.sqlite-wal").exists()
    for p in [*mem.iterdir(), mem]:
        p.chmod(0o555 if p.is_dir() else 0o444)
    got = _read_as_other_user(mem, as_nobody)
    assert got["chunks"] == n and got["state"] == n, got
