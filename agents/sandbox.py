"""Run untrusted Python in a child process with limits: `run_python(code) -> SandboxResult`.

Threat model. The code is hostile but runs as an ordinary Python program (`python -E -s -S -B main.py`: standard
library only, no site-packages, PYTHON* variables ignored; the working directory, which may hold extra `files`, is
on sys.path). The sandbox must keep the host intact: no writes or deletions outside the sandbox, no network, no
view of the parent's secrets (environment, kernel keyring), bounded CPU, memory, disk, processes and output, no
process, directory or cgroup left behind, even when the caller is killed mid-run. It is not a defence against
kernel exploits or side channels; for those, run the whole agent in a VM.

Three modes, picked automatically; `SandboxResult.isolation` lists the layers a run actually had.

"full" (`isolation="auto"` and the caller holds CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID, i.e. root):
  - a fresh user id per run (2e9 + random; no passwd entry, no capabilities, `no_new_privs`): the code cannot
    read files private to other users (/root, keys), cannot signal or ptrace host processes; RLIMIT_NPROC counts
    only this run's processes and threads, so a fork bomb stops at `max_procs`;
  - everything "userns" below has but the user namespace.
"userns" (the caller may make user namespaces: `isolation="basic"`, or "auto" without root): the code keeps the
  caller's uid outside (run by root, it may read root's files outside the hidden home, e.g. /etc/shadow), is uid
  1000 (or the caller's own) without capabilities inside. Kernel-enforced:
  - a new PID namespace whose init is a small supervisor: when the program exits or is killed, the kernel kills
    every process it started (setsid, double forks and daemons do not escape); host processes (the caller, the
    supervisor) cannot be signalled or traced; a fresh /proc shows only the sandbox's processes (and an empty
    /proc/keys);
  - a new network namespace with no interface up: every socket to any address, 127.0.0.1 included, fails;
  - a new mount namespace where every host mount is read-only; a fresh size-limited tmpfs is the whole of /tmp and
    holds the working directory (/tmp/sandbox, 0700); /dev/shm is a fresh tmpfs, /var/tmp and /run/lock empty
    read-only ones; the caller's home directory (and, in "full", a directory others cannot enter above the
    interpreter, e.g. pyenv in /root) is covered by an empty tmpfs, with the interpreter's prefix bind-mounted
    read-only inside when it lives there. New IPC and UTS namespaces;
  - seccomp: the kernel keyring calls (add_key, request_key, keyctl), ptrace, process_vm_readv/writev, io_uring
    and every other system-call ABI (32-bit, x32) fail with EPERM; plus a fresh empty session keyring, so the
    caller's session and user keyrings are out of reach;
  - rlimits: RLIMIT_CPU, RLIMIT_AS (per process), RLIMIT_FSIZE, RLIMIT_NPROC (per namespace uid; not for a root
    caller, whose bound is the pids cgroup), RLIMIT_NOFILE, no core files;
  - where this process's cgroup-v1 memory / pids controllers are writable (root): one cgroup per run caps the
    memory of all its processes together (memory_mb + 2 * max_disk_mb) and their number (max_procs + 2).
  Still exposed: whatever the caller ("full": any local user) may read outside its home directory (/etc, /usr,
  /sys, the repository), CPU shared with the host until the limits hit.
"legacy" (no user namespaces, e.g. disabled by the distribution, and no root): rlimits, `no_new_privs` (and no
  capabilities when run by root), the seccomp filter above, which then also refuses socket() for any family but
  AF_UNIX (or, without seccomp, a bypassable audit hook), a fresh session keyring, a private 0700 working
  directory, a subreaper supervisor, a process group killed at the end, the cgroups where writable; the program
  dies with its supervisor. Best-effort only: the code runs as the caller, so it can write wherever the caller
  can, read /proc/<pid>/environ and the memory of the caller's processes and signal them; without a cgroup, a
  child that calls setsid() and then kills the supervisor can outlive the run.

A mode whose set-up fails at run time (e.g. a container without mount rights) is not tried again in this process;
so is an interpreter installed under /tmp, /var/tmp or /dev/shm (the private mounts would hide it).

All modes: a scrubbed environment (PATH, LANG, LC_ALL, HOME=workdir, TMPDIR; nothing from the parent); a wall
timeout that kills the whole tree; stdout/stderr read incrementally and capped at `max_output_bytes` each (the run
is stopped when a stream passes the cap: `truncated=True`). The supervisor dies with the caller
(PR_SET_PDEATHSIG) and then kills the program and removes the run's temporary directory and cgroups itself; what
a caller and supervisor killed together leave (`lam-sandbox-<pid>-*` of a dead pid) is removed by the next run.
"""

from __future__ import annotations

import json
import math
import os
import pwd
import random
import selectors
import signal
import stat
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from agents.sandbox_boot import kill_cgroup, process_uids, remove_cgroup, rmtree, sweep_uid

__all__ = ["SandboxResult", "run_python", "SANDBOX_UID_MIN", "SANDBOX_UID_MAX"]

SANDBOX_UID_MIN = 2_000_000_000  # per-run uids are drawn from [MIN, MAX): far above any normal or subuid range
SANDBOX_UID_MAX = 2_100_000_000
SANDBOX_DIR = "/tmp/sandbox"  # the working directory as the code sees it in "full" and "userns" modes
_BOOT = str(Path(__file__).resolve().with_name("sandbox_boot.py"))
_CAP_SETGID, _CAP_SETUID, _CAP_SYS_ADMIN = 6, 7, 21
_COVERED = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")  # hidden by fresh tmpfs mounts inside the namespaces


@dataclass
class SandboxResult:
    stdout: str
    stderr: str
    exit_code: int | None  # the program's exit status; -N if killed by signal N; None if the sandbox killed it
    timed_out: bool
    duration: float  # wall seconds
    truncated: bool  # an output stream passed max_output_bytes (the run was stopped there)
    isolation: list[str] = field(default_factory=list)  # layers this run had, e.g. ["uid", "pidns", "seccomp", ...]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and not self.truncated


def run_python(
    code: str,
    *,
    stdin: str = "",
    timeout: float = 10.0,
    cpu_seconds: int | None = None,
    memory_mb: int = 512,
    max_file_mb: int = 16,
    max_procs: int = 64,
    max_output_bytes: int = 64_000,
    max_disk_mb: int = 64,
    files: Mapping[str, str | bytes] | None = None,
    isolation: str = "auto",
) -> SandboxResult:
    """Run `code` as `main.py` in a fresh sandbox and return what it printed and how it ended.

    timeout: wall seconds for the whole run (the tree is killed after it). cpu_seconds: RLIMIT_CPU per process
    (default ceil(timeout) + 1). memory_mb: RLIMIT_AS per process (and the cgroup total where available).
    max_file_mb: RLIMIT_FSIZE. max_procs: processes/threads of the run. max_disk_mb: size of the private tmpfs
    ("full" and "userns" modes). files: extra files (relative path -> text or bytes) put beside main.py, importable.
    isolation: "auto" (strongest available: "full", else "userns", else "legacy") or "basic" (no "full": the
    unprivileged modes only, e.g. to keep the code at the caller's uid).
    """
    if isolation not in ("auto", "basic"):
        raise ValueError(f"isolation must be 'auto' or 'basic', not {isolation!r}")
    if timeout <= 0 or memory_mb <= 0 or max_procs <= 0 or max_output_bytes <= 0:
        raise ValueError("timeout, memory_mb, max_procs and max_output_bytes must be positive")
    inputs = {"main.py": code}
    for name, data in (files or {}).items():
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts or name == "main.py":
            raise ValueError(f"sandbox file names must be relative paths inside the working directory: {name!r}")
        inputs[str(Path(*parts))] = data
    args = (inputs, stdin, timeout, cpu_seconds, memory_mb, max_file_mb, max_procs, max_output_bytes, max_disk_mb)
    for mode in _modes(isolation):
        res = _run(*args, mode=mode)
        if res is not None:
            return res
    raise AssertionError("unreachable: the legacy mode always returns a result")


# ----------------------------------------------------------------------------------------------- parent side

_mode_ok: dict[str, bool] = {}  # "full" / "userns" -> whether its set-up worked (after the first attempt)
_mode_why: dict[str, list[str]] = {}  # the supervisor's error lines when it did not
_cgroup_dirs: dict[str, str | None] = {}  # controller -> this process's writable cgroup-v1 directory
_lock = threading.Lock()


def _modes(isolation: str) -> list[str]:
    """The modes to try, strongest first ("legacy" always works)."""
    out = []
    if sys.platform.startswith("linux") and not _under(_interpreter()[1], _COVERED):
        if isolation == "auto" and _mode_ok.get("full") is not False and _is_root():
            out.append("full")
        if _mode_ok.get("userns") is not False:
            out.append("userns")
    return out + ["legacy"]


def _is_root() -> bool:
    try:
        caps = int(next(ln for ln in open("/proc/self/status") if ln.startswith("CapEff:")).split()[1], 16)
    except (OSError, StopIteration, ValueError):
        return False
    need = (1 << _CAP_SETGID) | (1 << _CAP_SETUID) | (1 << _CAP_SYS_ADMIN)
    return caps & need == need


def _under(path: str, dirs) -> bool:
    return any(path == d or path.startswith(d.rstrip("/") + "/") for d in dirs)


def _pick_uid() -> int:
    used = process_uids()
    rng = random.SystemRandom()
    while True:
        uid = rng.randrange(SANDBOX_UID_MIN, SANDBOX_UID_MAX)
        if uid in used:
            continue
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def _interpreter() -> tuple[str, str]:
    """(real path of this Python, its installation prefix)."""
    exe = os.path.realpath(sys.executable)
    prefix = os.path.realpath(sys.base_prefix)
    return exe, prefix


def _private_ancestor(prefix: str) -> str | None:
    """The shallowest directory on the way to `prefix` that other users cannot traverse, if any."""
    parts = Path(prefix).parts
    for i in range(2, len(parts) + 1):
        d = os.path.join(*parts[:i])
        if not os.stat(d).st_mode & stat.S_IXOTH:
            return d
    return None


def _hidden_dirs(mode: str, prefix: str, base: str) -> list[tuple[str, str | None]]:
    """(directory to cover with an empty tmpfs, the interpreter prefix to keep visible in it or None)."""
    found = []
    if mode == "full":
        found.append(_private_ancestor(prefix))
    homes = [os.environ.get("HOME")]
    try:
        homes.append(pwd.getpwuid(os.getuid()).pw_dir)
    except KeyError:
        pass
    found += [os.path.realpath(h) for h in homes if h and os.path.isdir(h)]
    out: list[tuple[str, str | None]] = []
    for d in sorted({d for d in found if d and d != "/"}, key=len):
        if _under(d, [x for x, _ in out] + list(_COVERED)) or _under(base, [d]) or _under(d, [prefix]):
            continue  # already covered; holds the run's files; or holds nothing but the interpreter
        out.append((d, prefix if _under(prefix, [d]) else None))
    return out


def _cgroup_parent(controller: str) -> str | None:
    """This process's cgroup-v1 directory for `controller`, if writable (None elsewhere, incl. pure cgroup v2)."""
    if controller in _cgroup_dirs:
        return _cgroup_dirs[controller]
    found = None
    try:
        rel = next(
            ln.strip().split(":", 2)[2] for ln in open("/proc/self/cgroup") if controller in ln.split(":")[1].split(",")
        )
        for ln in open("/proc/self/mountinfo"):
            pre, _, post = ln.partition(" - ")
            f, g = pre.split(), post.split()
            if g and g[0] == "cgroup" and controller in g[2].split(","):
                root, mnt = f[3], f[4]
                sub = os.path.relpath(rel, root) if rel.startswith(root) else None
                if sub is not None:
                    d = os.path.normpath(os.path.join(mnt, sub))
                    if os.access(d, os.W_OK) and os.path.exists(os.path.join(d, "cgroup.procs")):
                        found = d
                break
    except (OSError, StopIteration, IndexError):
        found = None
    _cgroup_dirs[controller] = found
    return found


def _make_cgroups(name: str, memory_bytes: int, pids: int) -> list[list[str]]:
    """[controller, directory] of the run's cgroups (memory and pids limits) where they can be made."""
    out = []
    for controller, settings in (
        ("memory", {"memory.limit_in_bytes": memory_bytes, "memory.memsw.limit_in_bytes": memory_bytes}),
        ("pids", {"pids.max": pids}),
    ):
        parent = _cgroup_parent(controller)
        if parent is None:
            continue
        d = os.path.join(parent, name)
        try:
            os.mkdir(d)
            for i, (key, value) in enumerate(settings.items()):
                try:
                    Path(d, key).write_text(str(value))
                except OSError:
                    if i == 0:
                        raise  # the limit itself; memsw exists only with swap accounting
            out.append([controller, d])
        except OSError:
            remove_cgroup(d)
    return out


def _sweep_stale() -> None:
    """Remove what runs of dead callers left behind (caller and supervisor both SIGKILLed): `lam-sandbox-<pid>-*`
    temporary directories and cgroups whose pid is gone; processes still in such a cgroup are killed."""
    for d in Path(tempfile.gettempdir()).glob("lam-sandbox-*"):
        if _stale(d.name):
            rmtree(str(d))
    for controller in ("memory", "pids"):
        parent = _cgroup_parent(controller)
        for d in Path(parent).glob("lam-sandbox-*") if parent else ():
            if _stale(d.name):
                kill_cgroup(str(d))
                remove_cgroup(str(d))


def _stale(name: str) -> bool:
    try:
        pid = int(name.split("-")[2])
    except (IndexError, ValueError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    return False


def _env() -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "PYTHONHASHSEED": "0",  # the sandboxed interpreter ignores it (-E); for subprocesses started without -E
        "PYTHONDONTWRITEBYTECODE": "1",
    }  # + HOME and TMPDIR, set by the supervisor


def _run(inputs, stdin, timeout, cpu_seconds, memory_mb, max_file_mb, max_procs, cap, disk_mb, *, mode):
    """One run in `mode`; None when the mode's set-up failed (the caller then tries the next mode)."""
    start = time.monotonic()
    deadline = start + timeout
    _sweep_stale()
    exe, prefix = _interpreter()
    base = tempfile.mkdtemp(prefix=f"lam-sandbox-{os.getpid()}-")  # 0700, owned by us
    uid = _pick_uid() if mode == "full" else None
    cgroups: list[list[str]] = []
    status_r, status_w = os.pipe()
    proc = None
    status: list[str] | None = None
    layers = ["rlimits", "no_new_privs", "session"]
    try:
        for name, data in inputs.items():
            dest = Path(base, "in", name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        hide: list[tuple[str, str | None]] = []
        if mode == "legacy":
            work = os.path.join(base, "work")
            os.replace(os.path.join(base, "in"), work)
            os.chmod(work, 0o700)
        else:
            hide = _hidden_dirs(mode, prefix, base)
            for sub in ["tmp"] + [f"shadow{i}" for i in range(len(hide))]:
                os.mkdir(os.path.join(base, sub), 0o700)
            work = SANDBOX_DIR
            layers += (["uid"] if mode == "full" else []) + ["netns", "pidns", "mountns", "ipcns", "tmpfs"]
            layers += ["hidden-home"] if hide else []
        cgroups = _make_cgroups(os.path.basename(base), (memory_mb + 2 * disk_mb) << 20, max_procs + 2)
        cfg = {
            "mode": mode,
            "base": base,
            "parent": os.getpid(),
            "work": work,
            "uid": uid,
            "python": exe,
            "hide": hide,
            "disk_mb": disk_mb,
            "status_fd": status_w,
            "cgroups": cgroups,
            "env": _env(),
            "rlimits": {
                "cpu": int(cpu_seconds if cpu_seconds is not None else math.ceil(timeout) + 1),
                "as": memory_mb << 20,
                "fsize": max_file_mb << 20,
                "nproc": max_procs,
            },
        }
        proc = subprocess.Popen(
            [exe, "-I", "-S", _BOOT, json.dumps(cfg)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
            cwd=base,
            start_new_session=True,
            pass_fds=(status_w,),
        )
        os.close(status_w)
        status_w = -1
        out, err, timed_out, truncated = _communicate(proc, stdin.encode("utf-8"), deadline, cap)
        if timed_out or truncated:
            proc.send_signal(signal.SIGTERM)  # the supervisor kills the program and everything it started
        elif not _exited(proc.pid, deadline - time.monotonic()):  # streams closed but the program still runs
            timed_out = True
            proc.send_signal(signal.SIGTERM)
        _end(proc)
        status = _read_status(status_r)
        if mode != "legacy" and any(ln.startswith("error") for ln in status):
            with _lock:
                _mode_ok[mode], _mode_why[mode] = False, status
            return None  # fall back to the next mode
        _mode_ok[mode] = True
        layers += [ln.split(None, 1)[1] for ln in status if ln.startswith("layer ")]
        exit_code = None if timed_out or truncated else _decode_status(status)
        return SandboxResult(
            stdout=out.decode("utf-8", "replace"),
            stderr=err.decode("utf-8", "replace"),
            exit_code=exit_code,
            timed_out=timed_out,
            duration=time.monotonic() - start,
            truncated=truncated,
            isolation=layers,
        )
    finally:
        if proc is not None and proc.returncode is None:  # an exception (e.g. KeyboardInterrupt) mid-run
            _end(proc, term=True)
        if status is None:
            status = _read_status(status_r) if proc is not None else []
        for fd in (status_r, status_w):
            if fd >= 0:
                os.close(fd)
        for ln in status:  # "legacy": the program's own process group
            if ln.startswith("pgid "):
                _killpg(int(ln.split()[1]))
        for _, d in cgroups:
            kill_cgroup(d)
        if uid is not None:
            sweep_uid(uid)
        for _, d in cgroups:
            remove_cgroup(d)
        rmtree(base)


def _end(proc: subprocess.Popen, term: bool = False) -> None:
    """Make sure the supervisor (asked to stop first if `term`) and its process group are gone; reap it."""
    if term:
        proc.send_signal(signal.SIGTERM)
    if not _exited(proc.pid, 3.0):
        _killpg(proc.pid)
        _exited(proc.pid, 3.0)
    _killpg(proc.pid)  # stragglers in the group (its id cannot be reused until the supervisor is reaped)
    proc.wait()


def _communicate(proc: subprocess.Popen, data: bytes, deadline: float, cap: int):
    """Feed stdin, read stdout/stderr until both close, the deadline passes or a stream exceeds `cap`."""
    out_fd, err_fd = proc.stdout.fileno(), proc.stderr.fileno()
    bufs = {out_fd: bytearray(), err_fd: bytearray()}
    sel = selectors.DefaultSelector()
    for fd in bufs:
        os.set_blocking(fd, False)
        sel.register(fd, selectors.EVENT_READ)
    pos, in_fd = 0, proc.stdin.fileno()
    if data:
        os.set_blocking(in_fd, False)
        sel.register(in_fd, selectors.EVENT_WRITE)
    else:
        proc.stdin.close()
    timed_out = truncated = False
    try:
        while sel.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                timed_out = True
                break
            for key, _ in sel.select(remaining):
                fd = key.fd
                if fd == in_fd:
                    try:
                        pos += os.write(fd, data[pos : pos + 65536])
                    except BlockingIOError:
                        continue
                    except (BrokenPipeError, OSError):
                        pos = len(data)
                    if pos >= len(data):
                        sel.unregister(fd)
                        proc.stdin.close()
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                if not chunk:
                    sel.unregister(fd)
                    continue
                buf = bufs[fd]
                buf += chunk
                if len(buf) > cap:
                    del buf[cap:]
                    truncated = True
            if truncated:
                break
    finally:
        sel.close()
        for f in (proc.stdin, proc.stdout, proc.stderr):
            try:
                f.close()
            except OSError:
                pass
    return bytes(bufs[out_fd]), bytes(bufs[err_fd]), timed_out, truncated


def _exited(pid: int, timeout: float) -> bool:
    """Wait up to `timeout` s for the child to exit, without reaping it (so its pid and group id stay reserved)."""
    end = time.monotonic() + max(0.0, timeout)
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return True
        except ChildProcessError:
            return True
        if time.monotonic() >= end:
            return False
        time.sleep(0.005)


def _killpg(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _read_status(fd: int) -> list[str]:
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    chunks = []
    try:
        while sel.select(1.0):
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        sel.close()
    return b"".join(chunks).decode("utf-8", "replace").split("\n")


def _decode_status(status: list[str]) -> int | None:
    for line in status:
        parts = line.split()
        if len(parts) == 2 and parts[0] == "exit":
            return int(parts[1])
        if len(parts) == 2 and parts[0] == "signal":
            return -int(parts[1])
    return None  # the supervisor was killed before it could report
