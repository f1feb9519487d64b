"""Damaged and hostile memory directories through the real CLI (`lam stats`, `lam query`, `lam ingest`): every case
ends as one line on stderr with a non-zero exit, never a traceback, never a write to the archive; `lam check` reports
it and `lam repair` brings back what the archive allows. Plus a read-only memory and a full disk."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.torch import load_file, save_file

from lam_memory import cli

REPO = Path(__file__).resolve().parents[2]
CHAT = [
    {"role": "user", "content": "The deploy key rotates every 30 days."},
    {"role": "assistant", "content": "Noted, 30 days."},
    {"role": "user", "content": "Update: the deploy key now rotates every 7 days."},
]
CODE = '''def rotate(key):
    """Reverse the key."""
    return key[::-1]


class Vault:
    """Keeps secrets."""

    def open(self, code):
        return code == 42


def backoff(attempt):
    return min(60, 2 ** attempt)
'''
NOTES = "The staging deploy window is Thursday.\n\nBilling retries stop after five attempts.\n"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory) -> Path:
    """A healthy memory (chat, code, notes) built by `lam ingest`."""
    root = tmp_path_factory.mktemp("damaged")
    (root / "chat.jsonl").write_text("\n".join(json.dumps(m) for m in CHAT) + "\n")
    (root / "vault.py").write_text(CODE)
    (root / "notes.md").write_text(NOTES)
    mem = root / "mem"
    assert cli.main(["ingest", str(root / "chat.jsonl"), str(root / "vault.py"), str(root / "notes.md"),
                     "--memory", str(mem)]) == 0  # fmt: skip
    return mem


def _sql(mem: Path, *statements: str, args: tuple = ()) -> None:
    con = sqlite3.connect(mem / "archive.sqlite")
    for s in statements:
        con.execute(s, args)
    con.commit()
    con.close()


def _state(mem: Path, **change) -> None:
    """Rewrite the saved state with some tensors or its `covered` changed."""
    from safetensors import safe_open

    with safe_open(str(mem / "state.safetensors"), framework="pt") as f:
        covered = int(f.metadata()["covered"])
    tensors = load_file(mem / "state.safetensors")
    covered = change.pop("covered", covered)
    tensors |= change
    save_file(tensors, mem / "state.safetensors", metadata={"covered": str(covered)})


def _other_archive(*sql: str):
    """A damage: archive.sqlite replaced by another SQLite database, made by `sql`."""

    def damage(mem: Path) -> None:
        (mem / "archive.sqlite").unlink()
        con = sqlite3.connect(mem / "archive.sqlite")
        for statement in sql:
            con.execute(statement)
        con.commit()
        con.close()

    return damage


_foreign_sqlite = _other_archive(
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)", "INSERT INTO users VALUES (1, 'ada')"
)
_wrong_columns = _other_archive(
    "CREATE TABLE chunks (position INTEGER PRIMARY KEY, body TEXT)", "INSERT INTO chunks VALUES (0, 'x')"
)


def _truncate(name: str, size) -> callable:
    def damage(mem: Path) -> None:
        f = mem / name
        with open(f, "r+b") as h:
            h.truncate(size(f.stat().st_size) if callable(size) else size)

    return damage


def _random(name: str) -> callable:
    def damage(mem: Path) -> None:
        f = mem / name
        f.write_bytes(np.random.default_rng(0).bytes(max(f.stat().st_size, 4096)))

    return damage


def _replace_with_dir(name: str) -> callable:
    def damage(mem: Path) -> None:
        (mem / name).unlink()
        (mem / name).mkdir()
        (mem / name / "x").write_text("x")

    return damage


def _symlink_archive(target: str) -> callable:
    def damage(mem: Path) -> None:
        other = mem.parent / "elsewhere"
        other.mkdir(exist_ok=True)
        if target == "text":
            (other / "notes.txt").write_text("just some text\n" * 100)
            dest = other / "notes.txt"
        else:
            dest = other / "archive.sqlite"
            shutil.copy(mem / "archive.sqlite", dest)
        (mem / "archive.sqlite").unlink()
        (mem / "archive.sqlite").symlink_to(dest)

    return damage


def _meta(**change) -> callable:
    def damage(mem: Path) -> None:
        meta = json.loads((mem / "meta.json").read_text())
        (mem / "meta.json").write_text(json.dumps(meta | change))

    return damage


def _crash_before_meta(mem: Path) -> None:
    """What a crash between creating the folder and writing meta.json leaves: the folder and a temporary file."""
    for f in mem.iterdir():
        f.unlink()
    (mem / ".meta.json.k3j2.tmp").write_text('{"form')


# (id, damage, commands that must fail, repair: True = `lam repair` restores a sound memory, False = it refuses
# with one line too (nothing in the archive to rebuild from), None = not needed)
ALL = ("stats", "query", "ingest")
CASES = [
    ("archive-truncated", _truncate("archive.sqlite", lambda n: n // 3), ALL, False),
    ("archive-random-bytes", _random("archive.sqlite"), ALL, False),
    ("archive-zero-bytes", _truncate("archive.sqlite", 0), ALL, True),
    ("archive-missing", lambda m: (m / "archive.sqlite").unlink(), ALL, True),
    ("archive-is-a-directory", _replace_with_dir("archive.sqlite"), ALL, False),
    ("archive-symlink-to-text", _symlink_archive("text"), ALL, False),
    ("archive-symlink-to-archive", _symlink_archive("archive"), ALL, False),
    ("archive-foreign-sqlite", _foreign_sqlite, ALL, False),
    ("archive-wrong-columns", _wrong_columns, ALL, False),
    ("archive-chunks-table-dropped", lambda m: _sql(m, "DROP TABLE chunks"), ALL, False),
    ("row-deleted", lambda m: _sql(m, "DELETE FROM chunks WHERE position = 2"), ALL, True),
    ("row-negative-position", lambda m: _sql(m, "UPDATE chunks SET position = -7 WHERE position = 0"), ALL, True),
    ("key-wrong-size", lambda m: _sql(m, "UPDATE chunks SET key = x'0000' WHERE position = 1"), ALL, True),
    (
        "key-not-finite",
        lambda m: _sql(
            m, "UPDATE chunks SET key = ? WHERE position = 3", args=(np.full(384, np.nan, np.float32).tobytes(),)
        ),
        ALL,
        True,
    ),  # fmt: skip
    ("key-dimension-record", lambda m: _sql(m, "UPDATE info SET value = '128' WHERE name = 'dim'"), ALL, True),
    ("status-unknown", lambda m: _sql(m, "UPDATE chunks SET status = 7 WHERE position = 4"), ALL, True),
    ("chunk-meta-unreadable", lambda m: _sql(m, "UPDATE chunks SET meta = '{bad' WHERE position = 5"), ALL, True),
    ("state-wrong-shape", lambda m: _state(m, S=torch.zeros(1, 1, 2, 64, 128)), ALL, True),
    ("state-negative-covered", lambda m: _state(m, covered=-5, count=torch.tensor([-5])), ALL, True),
    ("state-covers-more-than-archive", lambda m: _state(m, covered=500, count=torch.tensor([500])), ALL, True),
    ("state-not-finite", lambda m: _state(m, S=torch.full((1, 1, 2, 2048, 128), float("nan"))), ALL, True),
    ("state-version-wrong-shape", lambda m: _state(m, V=torch.zeros(7, 3)), ALL, True),
    ("state-random-bytes", _random("state.safetensors"), ALL, True),
    ("state-zero-bytes", _truncate("state.safetensors", 0), ALL, True),
    ("meta-missing", lambda m: (m / "meta.json").unlink(), ALL, True),
    ("meta-not-json", lambda m: (m / "meta.json").write_text("{not json"), ALL, False),
    ("meta-is-a-directory", _replace_with_dir("meta.json"), ALL, False),
    ("meta-config-wrong-type", _meta(config="fast"), ALL, False),
    ("meta-config-bad-value", _meta(config={"key_dim": -4}), ALL, False),
    ("meta-newer-format", _meta(format_version=99), ALL, False),
    ("meta-other-encoder", _meta(encoder="some-other-encoder"), ALL, None),  # not damage: `lam check` passes it
    ("crash-before-meta", _crash_before_meta, ("stats", "query"), None),  # ingest starts the memory afresh
]


def _rows(mem: Path) -> int | None:
    """Chunk rows in the archive, read directly (None when it cannot be read)."""
    try:
        con = sqlite3.connect(f"file:{mem / 'archive.sqlite'}?mode=ro", uri=True)
        try:
            return con.execute("SELECT COUNT(*) FROM chunks").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None


def _run(capsys, *argv: str) -> tuple[int, str, list[str]]:
    """`lam ARGV` in this process: (exit code, stdout, stderr lines)."""
    capsys.readouterr()
    code = cli.main(list(argv))
    out = capsys.readouterr()
    return code, out.out, [line for line in out.err.splitlines() if line.strip()]


def _one_line_error(code: int, err: list[str], command: str) -> str:
    assert code != 0, err
    assert len(err) == 1 and err[0].startswith(f"lam {command}: error: "), err
    assert "Traceback" not in err[0]
    return err[0]


def _damaged(tmp_path: Path, pristine: Path, damage) -> Path:
    mem = tmp_path / "mem"
    shutil.copytree(pristine, mem, symlinks=True)
    (mem / "lock").unlink(missing_ok=True)
    damage(mem)
    return mem


@pytest.mark.parametrize(("name", "damage", "fails", "repairable"), CASES, ids=[c[0] for c in CASES])
def test_damaged_memory_is_one_line_and_repairable(name, damage, fails, repairable, pristine, tmp_path, capsys):
    mem = _damaged(tmp_path, pristine, damage)
    new = tmp_path / "new.md"
    new.write_text("The release train leaves on Mondays.\n")
    argv = {"stats": ["stats", "--memory", str(mem), "--json"],
            "query": ["query", "when does the deploy key rotate?", "--memory", str(mem), "--json"],
            "ingest": ["ingest", str(new), "--memory", str(mem)]}  # fmt: skip
    rows = _rows(mem)
    for command in ALL:
        code, _, err = _run(capsys, *argv[command])
        if command in fails:
            _one_line_error(code, err, command)
        else:
            assert code == 0, err
        if command == "ingest" and command in fails:
            assert (_rows(mem) or 0) <= (rows or 0), "a failed ingest added chunks to the archive"
    if repairable is None:
        return
    code, out, err = _run(capsys, "check", "--memory", str(mem))
    _one_line_error(code, err, "check")
    code, out, err = _run(capsys, "repair", "--memory", str(mem))
    if not repairable:
        _one_line_error(code, err, "repair")
        return
    assert code == 0 and err == [f"repaired {mem}"], err
    assert "rebuilt the state" in out and "found: " in out, out
    code, out, err = _run(capsys, "check", "--memory", str(mem))
    assert code == 0 and out.strip() == f"{mem}: ok", (out, err)
    for command in ALL:  # everything works again, ingest included
        code, out, err = _run(capsys, *argv[command])
        assert code == 0, err
        if command == "query":
            hits = json.loads(out)["hits"]
            texts = _texts(pristine)
            assert all(h["text"] == texts[h["id"]] for h in hits), "a hit's id names another chunk"
    code, out, err = _run(capsys, "check", "--memory", str(mem))
    assert code == 0, (out, err)


def _texts(mem: Path) -> dict[int, str]:
    con = sqlite3.connect(mem / "archive.sqlite")
    texts = dict(con.execute("SELECT position, text FROM chunks"))
    con.close()
    return texts


def test_row_deleted_keeps_every_other_chunk_under_its_id(pristine, tmp_path, capsys):
    """The archive with row 2 deleted: after repair, id 2 is gone (forgotten) and every other id still names its own
    text, so a question about a chunk after the gap gets that chunk, not its neighbour."""
    mem = _damaged(tmp_path, pristine, lambda m: _sql(m, "DELETE FROM chunks WHERE position = 2"))
    assert _run(capsys, "repair", "--memory", str(mem))[0] == 0
    before, after = _texts(pristine), _texts(mem)
    assert after[2] == "" and {p: t for p, t in after.items() if p != 2} == {p: t for p, t in before.items() if p != 2}
    code, out, _ = _run(capsys, "query", "staging deploy window", "--memory", str(mem), "--json", "--k", "3")
    hits = json.loads(out)["hits"]
    assert code == 0 and hits
    best = max(hits, key=lambda h: h["score"])
    assert "staging deploy window is Thursday" in best["text"] and before[best["id"]] == best["text"]


def test_check_reports_a_sound_memory(pristine, capsys):
    code, out, err = _run(capsys, "check", "--memory", str(pristine), "--json")
    assert code == 0 and json.loads(out) == {"memory": str(pristine), "ok": True, "problems": []}, err


def test_repair_of_a_sound_memory_changes_no_answer(pristine, tmp_path, capsys):
    mem = _damaged(tmp_path, pristine, lambda m: None)
    q = ["query", "how often does the deploy key rotate?", "--json", "--memory"]
    before = json.loads(_run(capsys, *q, str(mem))[1])
    assert _run(capsys, "repair", "--memory", str(mem))[0] == 0
    after = json.loads(_run(capsys, *q, str(mem))[1])
    assert [(h["id"], h["rank"]) for h in after["hits"]] == [(h["id"], h["rank"]) for h in before["hits"]]
    assert all(abs(a["score"] - b["score"]) < 1e-4 for a, b in zip(after["hits"], before["hits"], strict=True))


# ------------------------------------------------------------------------------------------------ read-only memory


def _lam(*argv: str, user: list[str] | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "HOME": "/tmp", "PYTHONPATH": str(REPO)}
    cmd = [*(user or []), sys.executable, "-m", "lam_memory.cli", *argv]
    return subprocess.run(cmd, capture_output=True, text=True, env=env, cwd="/", timeout=300)


def _freeze(d: Path) -> None:
    for p in [*d.rglob("*"), d]:
        p.chmod(0o555 if p.is_dir() else 0o444)


def test_read_only_memory_reads_and_refuses_writes_in_one_line(pristine, shared_dir, as_nobody):
    mem = shared_dir / "mem"
    shutil.copytree(pristine, mem)
    (shared_dir / "new.md").write_text("The release train leaves on Mondays.\n")
    _freeze(mem)
    user = as_nobody
    r = _lam("stats", "--memory", str(mem), "--json", user=user)
    assert r.returncode == 0 and json.loads(r.stdout)["chunks"] > 5, r.stderr
    r = _lam("query", "deploy key", "--memory", str(mem), "--json", user=user)
    assert r.returncode == 0 and json.loads(r.stdout)["hits"], r.stderr
    r = _lam("ingest", str(shared_dir / "new.md"), "--memory", str(mem), user=user)
    err = r.stderr.strip().splitlines()
    assert r.returncode == 1 and len(err) == 1 and "read-only" in err[0] and "Traceback" not in r.stderr, r.stderr


# ------------------------------------------------------------------------------------------------ full disk

BIG = "\n\n".join(f"Paragraph {i}: fleet service {i} restarts at {i % 24}:00 daily." for i in range(300))  # 18 chunks


@pytest.fixture
def tmpfs(tmp_path):
    """A 16 MiB tmpfs, where this machine lets us mount one (root with CAP_SYS_ADMIN)."""
    where = tmp_path / "disk"
    where.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a tmpfs needs root")
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(where)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here (the RLIMIT_FSIZE test covers a full disk)")
    yield where
    subprocess.run(["umount", str(where)], check=False)


@pytest.mark.parametrize("free_kib", [32, 2048])
def test_full_disk_is_one_line_and_keeps_what_was_committed(pristine, tmpfs, tmp_path, capsys, free_kib):
    """The memory (10 MiB of state) on a nearly full tmpfs: with 32 KiB free the archive's transaction fails (SQLite
    rolls it back itself, which used to hide the cause behind "cannot rollback - no transaction is active"), with
    2 MiB the state's save does. One line naming the full disk; once space is freed, the memory opens with
    everything that was committed."""
    mem = tmpfs / "mem"
    shutil.copytree(pristine, mem)
    (mem / "lock").unlink(missing_ok=True)
    rows = _rows(mem)
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    (tmpfs / "filler").write_bytes(b"\0" * max(0, free - free_kib * 1024))
    (tmp_path / "big.md").write_text(BIG)
    code, _, err = _run(capsys, "ingest", str(tmp_path / "big.md"), "--memory", str(mem))
    assert "no space left on device" in _one_line_error(code, err, "ingest"), err
    assert _rows(mem) >= rows
    (tmpfs / "filler").unlink()
    code, out, err = _run(capsys, "stats", "--memory", str(mem), "--json")
    assert code == 0 and json.loads(out)["chunks"] == _rows(mem), err  # committed batches whole, state replayed
    assert _run(capsys, "check", "--memory", str(mem))[0] == 0


FILL = r"""
import signal, resource, sys
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from lam_memory import LAMError
from lam_memory.memory import LAMMemory
mem = LAMMemory(sys.argv[1])
try:
    mem.add(open(sys.argv[2]).read(), source="big.md")
    mem.save()
    print("saved", len(mem))
except LAMError as e:
    print("LAMError:", e)
"""


def test_file_size_limit_is_one_line_and_keeps_what_was_committed(pristine, tmp_path, capsys):
    """The same as a full disk wherever no tmpfs can be mounted: RLIMIT_FSIZE in a child process (SIGXFSZ
    ignored), so every write past the limit fails (EFBIG) inside the archive's transaction."""
    mem = tmp_path / "mem"
    shutil.copytree(pristine, mem)
    (mem / "lock").unlink(missing_ok=True)
    (tmp_path / "big.md").write_text(BIG)
    rows = _rows(mem)
    limit = 48 * 1024  # the write-ahead log (empty after a clean close) cannot take the new batch
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run([sys.executable, "-c", FILL, str(mem), str(tmp_path / "big.md"), str(limit)],
                       capture_output=True, text=True, env=env, timeout=600)  # fmt: skip
    assert "Traceback" not in r.stderr and r.stdout.startswith("LAMError:"), (r.stdout, r.stderr)
    assert len(r.stdout.strip().splitlines()) == 1 and "rollback" not in r.stdout, r.stdout
    assert "I/O error" in r.stdout or "no space left" in r.stdout, r.stdout
    assert _rows(mem) == rows  # the failed batch rolled back whole
    code, out, err = _run(capsys, "stats", "--memory", str(mem), "--json")
    assert code == 0 and json.loads(out)["chunks"] == rows, err
    assert _run(capsys, "check", "--memory", str(mem))[0] == 0
