"""Fixtures of the hostile-program suite: the sandbox modes this machine supports, and a host world to attack
(files outside the sandbox, a fake home with an SSH key, secrets in the environment, a key in the kernel keyring,
a decoy process, network listeners), with checks that the world is intact afterwards."""

from __future__ import annotations

import ctypes
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace

import pytest

from agents import sandbox

REPO = Path(__file__).resolve().parents[2]
MODES = ("full", "basic", "legacy")  # "basic" is the user-namespace mode; "legacy" is forced (no user namespaces)
SYSCALLS = {  # add_key, request_key, keyctl, io_uring_setup, ptrace, process_vm_readv
    "x86_64": {"add_key": 248, "request_key": 249, "keyctl": 250, "io_uring_setup": 425, "ptrace": 101, "pvr": 310},
    "aarch64": {"add_key": 217, "request_key": 218, "keyctl": 219, "io_uring_setup": 425, "ptrace": 117, "pvr": 270},
}.get(os.uname().machine)
KEY_SPEC_SESSION_KEYRING, KEYCTL_JOIN_SESSION_KEYRING, KEYCTL_READ, KEYCTL_DESCRIBE = -3, 1, 11, 6

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long


def syscall(name: str, *args) -> int:
    r = _libc.syscall(ctypes.c_long(SYSCALLS[name]), *args)
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r


def keyctl_read(key: int) -> bytes:
    buf = ctypes.create_string_buffer(4096)
    n = syscall("keyctl", ctypes.c_long(KEYCTL_READ), ctypes.c_long(key), buf, ctypes.c_long(4096))
    return buf.raw[: min(n, 4096)]


def processes_named(target: str) -> list[int]:
    """Host processes whose name (comm, inherited through fork) is `comm`, zombies excluded: a process killed after
    its supervisor died (legacy mode) waits as a zombie, holding nothing but its pid, until the host's init reaps
    it."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = Path(f"/proc/{name}/stat").read_text()
            except OSError:
                continue
            comm, state = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :].split()[0]
            if comm == target and state != "Z":
                out.append(int(name))
    return out


def leftovers(owner: int) -> list[str]:
    """Temporary directories and cgroups of runs made by process `owner`."""
    found = [str(p) for p in Path(tempfile.gettempdir()).glob(f"lam-sandbox-{owner}-*")]
    for controller in ("memory", "pids"):
        parent = sandbox._cgroup_parent(controller)
        if parent:
            found += [str(p) for p in Path(parent).glob(f"lam-sandbox-{owner}-*")]
    return found


_mode_probe: dict[str, str | None] = {}


def _mode_skip_reason(mode: str) -> str | None:
    """None if `mode` runs here, else why not (probed once with a trivial program)."""
    if mode not in _mode_probe:
        if mode == "legacy":
            _mode_probe[mode] = None
        else:
            r = sandbox.run_python("pass", isolation="auto" if mode == "full" else "basic")
            want = "uid" if mode == "full" else "userns"
            why = "needs root (CAP_SYS_ADMIN, CAP_SETUID, CAP_SETGID)" if mode == "full" else "no user namespaces"
            _mode_probe[mode] = None if r.ok and want in r.isolation else f"{mode} isolation unavailable here: {why}"
    return _mode_probe[mode]


@pytest.fixture(params=MODES)
def mode(request, monkeypatch) -> str:
    """A sandbox mode, skipped where this machine cannot run it; "legacy" is forced by marking user namespaces as
    unavailable for this process."""
    why = _mode_skip_reason(request.param)
    if why:
        pytest.skip(why)
    if request.param == "legacy":
        monkeypatch.setitem(sandbox._mode_ok, "userns", False)
    return request.param


def run(mode: str, code: str, **kw) -> sandbox.SandboxResult:
    r = sandbox.run_python(code, isolation="auto" if mode == "full" else "basic", **kw)
    want = {"full": "uid", "basic": "userns", "legacy": "session"}[mode]
    assert want in r.isolation and (mode == "legacy") == ("userns" not in r.isolation and "uid" not in r.isolation)
    return r


@dataclass
class Keyring:
    """A key in this test process's own (fresh) session keyring."""

    key: int
    description: str
    payload: bytes

    def assert_intact(self) -> None:
        assert keyctl_read(self.key) == self.payload  # still there, unchanged
        ids = keyctl_read(KEY_SPEC_SESSION_KEYRING)
        assert [int.from_bytes(ids[i : i + 4], "little") for i in range(0, len(ids), 4)] == [self.key]  # nothing added


@pytest.fixture(scope="session")
def keyring() -> Keyring:
    if SYSCALLS is None:
        pytest.skip(f"no keyctl numbers for {os.uname().machine}")
    syscall("keyctl", ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), None)  # ours alone, not root's shared one
    desc, payload = f"lam-hostile-{os.getpid()}", secrets.token_hex(16).encode()
    key = syscall("add_key", b"user", desc.encode(), payload, ctypes.c_size_t(len(payload)), KEY_SPEC_SESSION_KEYRING)
    return Keyring(key, desc, payload)


@pytest.fixture(scope="session")
def decoy():
    """A host process the sandbox must not be able to signal or trace."""
    p = subprocess.Popen(["sleep", "3600"])
    yield p
    p.kill()
    p.wait()


@dataclass
class World:
    """What the hostile programs attack; `snapshot()` of the files is compared after each run."""

    outside: Path  # world-writable directory outside the sandbox, with world-writable files
    home: Path  # $HOME of the caller during the test, with ~/.ssh/id_rsa
    secret: str  # in the caller's environment and in the fake SSH key
    marker: str  # the process name every hostile program takes (inherited by its children)
    test_pid: int
    decoy: int
    tcp: socket.socket
    udp: socket.socket
    unix: socket.socket
    abstract: str
    before: dict = field(default_factory=dict)

    def snapshot(self) -> dict:
        out = {}
        for root in (self.outside, self.home):
            for p in sorted([root, *root.rglob("*")]):
                st = p.lstat()
                out[str(p)] = (st.st_mode, st.st_uid, st.st_mtime_ns, p.read_bytes() if p.is_file() else None)
        return out

    def escapes(self) -> list[str]:
        """Files the programs try to create in places other than `outside` and `home`."""
        globs = [("/etc", "lam-hostile-*"), (str(REPO), ".hostile-escape-*"), ("/dev/shm", "lam-hostile-*")]
        globs += [("/tmp", "lam-hostile-*"), ("/var/tmp", "lam-hostile-*")]
        globs += [(tempfile.gettempdir(), "lam-hostile-*"), (os.path.realpath(sys.base_prefix), "lam-hostile-*")]
        return [str(p) for d, g in globs for p in Path(d).glob(g)]

    def assert_intact(self) -> None:
        assert self.snapshot() == self.before
        assert self.escapes() == []
        assert os.environ["LAM_HOSTILE_API_KEY"] == self.secret
        assert self.decoy_state() not in ("gone", "t", "T", "Z")  # alive, not stopped or traced

    def decoy_state(self) -> str:
        try:
            return Path(f"/proc/{self.decoy}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return "gone"

    def received(self) -> list[str]:
        """Connections or datagrams that reached the listeners (must stay empty)."""
        got = []
        for s in (self.tcp, self.unix):
            try:
                conn, _ = s.accept()
                got.append(f"connection on {s.getsockname()!r}")
                conn.close()
            except (BlockingIOError, TimeoutError):
                pass
        try:
            got.append(f"datagram {self.udp.recv(100)!r}")
        except (BlockingIOError, TimeoutError):
            pass
        return got


@pytest.fixture
def world(monkeypatch, decoy) -> World:
    """A fresh world per test. `outside` sits in the repository (readable by any user, as CI's clone is), not in
    the pytest tmp_path, which the sandbox could not even see."""
    base = Path(tempfile.mkdtemp(prefix=".hostile-world-", dir=REPO))
    outside, home = base / "outside", base / "home"
    secret = "sk-hostile-" + secrets.token_hex(12)
    (outside / "sub").mkdir(parents=True)
    (home / ".ssh").mkdir(parents=True)
    for d in (base, outside, outside / "sub"):
        d.chmod(0o777)
    for p, text in ((outside / "sentinel.txt", "keep me"), (outside / "sub" / "deep.txt", "keep me too")):
        p.write_text(text)
        p.chmod(0o666)
    (home / ".ssh" / "id_rsa").write_text(f"-----BEGIN OPENSSH PRIVATE KEY-----\n{secret}\n")
    (home / ".ssh" / "id_rsa").chmod(0o644)
    for d in (home, home / ".ssh"):
        d.chmod(0o755)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("LAM_HOSTILE_API_KEY", secret)
    monkeypatch.setenv("OPENAI_API_KEY", secret)
    tcp = socket.create_server(("127.0.0.1", 0))
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.bind(("127.0.0.1", 0))
    abstract = "lam-hostile-" + secrets.token_hex(6)
    unix = socket.socket(socket.AF_UNIX)
    unix.bind("\0" + abstract)
    unix.listen(1)
    for s in (tcp, udp, unix):
        s.setblocking(False)
    w = World(outside, home, secret, "lh" + secrets.token_hex(5), os.getpid(), decoy.pid, tcp, udp, unix, abstract)
    w.before = w.snapshot()
    try:
        yield w
    finally:
        for s in (tcp, udp, unix):
            s.close()
        for p in w.escapes():
            Path(p).unlink(missing_ok=True)
        shutil.rmtree(base, ignore_errors=True)


def wait_until(predicate, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False


@pytest.fixture(scope="session")
def hx() -> SimpleNamespace:
    """The helpers above, for the test modules (conftest is not importable under --import-mode=importlib)."""
    return SimpleNamespace(
        run=run,
        processes_named=processes_named,
        leftovers=leftovers,
        wait_until=wait_until,
        alive=alive,
        syscalls=SYSCALLS,
        repo=REPO,
        mode_skip_reason=_mode_skip_reason,
    )
