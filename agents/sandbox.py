"""Run untrusted Python in a child process with limits: `run_python(code) -> SandboxResult`.

Threat model. The code is hostile but runs as an ordinary Python program (`python -E -s -S -B main.py`: standard
library only, no site-packages, PYTHON* variables ignored; the working directory, which may hold extra `files`, is
on sys.path). The sandbox must keep the host intact: no writes or deletions outside the sandbox, no network, no
view of the parent's secrets, bounded CPU, memory, disk, processes and output, no process left behind. It is not a
defence against kernel exploits or side channels; for those, run the whole agent in a VM.

Two isolation levels, picked automatically; `SandboxResult.isolation` lists the layers a run actually had.

"full": the parent holds CAP_SYS_ADMIN, CAP_SETUID and CAP_SETGID (root, as on the project's machines). Kernel-enforced:
  - a fresh user id per run (2e9 + random; no passwd entry, no capabilities, `no_new_privs`): the code cannot
    write or delete anything that is not world-writable, cannot read files private to other users (/root, keys),
    cannot signal or ptrace host processes; RLIMIT_NPROC counts only this run's processes and threads, so a fork
    bomb stops at `max_procs`;
  - a new network namespace with no interface up: every socket to any address, 127.0.0.1 included, fails;
  - a new PID namespace whose init is a small supervisor: when the program exits or is killed, the kernel kills
    every process it started (setsid/daemonising does not escape); /proc shows only the sandbox's processes;
  - a new mount namespace: a fresh size-limited tmpfs is the whole of /tmp and holds the working directory
    (/tmp/sandbox, mode 0700, owned by the run's uid); /dev/shm is a fresh tmpfs, /var/tmp and /run/lock empty
    read-only ones, so no world-writable host directory is reachable. If the interpreter sits under a directory
    others cannot enter (pyenv in /root), an empty tmpfs covers that directory with the interpreter's prefix
    bind-mounted read-only inside, which also hides the rest of it. New IPC and UTS namespaces;
  - rlimits: RLIMIT_CPU, RLIMIT_AS (per process), RLIMIT_FSIZE, RLIMIT_NPROC, RLIMIT_NOFILE, no core files;
  - where this process's cgroup-v1 memory controller is writable: one cgroup per run caps the memory of all its
    processes together (memory_mb + 2 * max_disk_mb), so a fork bomb times a memory bomb cannot exhaust the host
    (not done under a pure cgroup-v2 hierarchy, where RLIMIT_AS x max_procs is the bound).
  Still exposed: world-writable *files* elsewhere (rare), whatever any local user may read (/etc, /usr, /sys,
  the repository if world-readable), CPU shared with the host until the limits hit.
  If the namespace set-up fails at run time (e.g. a container without mount rights), the sandbox falls back to
  "basic" for the rest of the process; so does an interpreter installed under /tmp, /var/tmp or /dev/shm.

"basic": no privileges, or `isolation="basic"`. Kernel-enforced: the rlimits above (RLIMIT_NPROC counts all of
  the user's processes, so it is set to their current number + max_procs; it does not apply to root),
  `no_new_privs`, a private 0700 working directory, a new session whose process group is killed at the end, and
  a network namespace where unprivileged user namespaces are allowed. Best-effort only: without that namespace,
  an audit hook in the child's interpreter refuses socket connect/bind/sendto (bypassable, e.g. with ctypes);
  the code runs as the calling user, so it can write wherever that user can and read /proc/<pid>/environ of the
  user's processes; a child that calls setsid() can outlive the run.

Both: a scrubbed environment (PATH, LANG, LC_ALL, HOME=workdir, TMPDIR; nothing from the parent); a wall timeout
that kills the whole tree; stdout/stderr read incrementally and capped at `max_output_bytes` each (the run is
stopped when a stream passes the cap: `truncated=True`); the working directory deleted afterwards.
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import random
import resource
import selectors
import shutil
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

__all__ = ["SandboxResult", "run_python", "SANDBOX_UID_MIN", "SANDBOX_UID_MAX"]

SANDBOX_UID_MIN = 2_000_000_000  # per-run uids are drawn from [MIN, MAX): far above any normal or subuid range
SANDBOX_UID_MAX = 2_100_000_000
SANDBOX_DIR = "/tmp/sandbox"  # the working directory as the code sees it in "full" isolation

_CLONE_NEWNS, _CLONE_NEWUTS, _CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
_CLONE_NEWUSER, _CLONE_NEWPID, _CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
_MS_RDONLY, _MS_NOSUID, _MS_NODEV, _MS_NOEXEC = 1, 2, 4, 8
_MS_REMOUNT, _MS_BIND, _MS_MOVE, _MS_REC, _MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
_PR_SET_PDEATHSIG, _PR_SET_CHILD_SUBREAPER, _PR_SET_NO_NEW_PRIVS = 1, 36, 38
_CAP_SETGID, _CAP_SETUID, _CAP_SYS_ADMIN = 6, 7, 21
_PY_FLAGS = ("-E", "-s", "-S", "-B")  # like -I but keeping the script's directory on sys.path; no .pyc files

# Python-level network block for "basic" isolation when no network namespace could be made (bypassable).
_NET_HOOK = """
import sys, socket, runpy
def _hook(event, args):
    if event in ("socket.connect", "socket.bind", "socket.sendto", "socket.sendmsg"):
        if getattr(args[0], "family", None) != socket.AF_UNIX:
            raise PermissionError("network access is disabled in the sandbox")
sys.addaudithook(_hook)
del _hook
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


@dataclass
class SandboxResult:
    stdout: str
    stderr: str
    exit_code: int | None  # the program's exit status; -N if killed by signal N; None if the sandbox killed it
    timed_out: bool
    duration: float  # wall seconds
    truncated: bool  # an output stream passed max_output_bytes (the run was stopped there)
    isolation: list[str] = field(default_factory=list)  # layers this run had, e.g. ["uid", "netns", "pidns", ...]

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
    ("full" isolation). files: extra files (relative path -> text or bytes) put beside main.py, importable.
    isolation: "auto" (strongest available) or "basic" (force the unprivileged layers).
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
    if isolation == "auto" and _full_available():
        res = _run(*args, full=True)
        if res is not None:
            return res
    res = _run(*args, full=False)
    assert res is not None
    return res


# ----------------------------------------------------------------------------------------------- parent side

_full_state: dict[str, object] = {}  # "ok": bool, "why": str (set after the first attempt)
_lock = threading.Lock()


def _full_available() -> bool:
    if _full_state.get("ok") is False:
        return False
    if not sys.platform.startswith("linux"):
        return False
    try:
        caps = int(next(ln for ln in open("/proc/self/status") if ln.startswith("CapEff:")).split()[1], 16)
    except (OSError, StopIteration, ValueError):
        return False
    need = (1 << _CAP_SETGID) | (1 << _CAP_SETUID) | (1 << _CAP_SYS_ADMIN)
    covered = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")  # hidden by fresh tmpfs mounts inside
    prefix = _interpreter()[1]
    return caps & need == need and not any(prefix == d or prefix.startswith(d + "/") for d in covered)


def _pick_uid() -> int:
    import pwd

    used = _process_uids()
    rng = random.SystemRandom()
    while True:
        uid = rng.randrange(SANDBOX_UID_MIN, SANDBOX_UID_MAX)
        if uid in used:
            continue
        try:
            pwd.getpwuid(uid)
        except KeyError:
            return uid


def _process_uids() -> dict[int, list[int]]:
    """Real uid -> pids, from /proc (processes that vanish while scanning are skipped)."""
    out: dict[int, list[int]] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/status") as f:
                for ln in f:
                    if ln.startswith("Uid:"):
                        out.setdefault(int(ln.split()[1]), []).append(int(name))
                        break
        except (OSError, ValueError):
            continue
    return out


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


def _memory_cgroup_dir() -> str | None:
    """This process's cgroup-v1 memory directory, if writable (None elsewhere, incl. pure cgroup v2)."""
    if "memcg" in _full_state:
        return _full_state["memcg"]  # type: ignore[return-value]
    found = None
    try:
        rel = next(
            ln.strip().split(":", 2)[2] for ln in open("/proc/self/cgroup") if "memory" in ln.split(":")[1].split(",")
        )
        for ln in open("/proc/self/mountinfo"):
            pre, _, post = ln.partition(" - ")
            f, g = pre.split(), post.split()
            if g and g[0] == "cgroup" and "memory" in g[2].split(","):
                root, mnt = f[3], f[4]
                sub = os.path.relpath(rel, root) if rel.startswith(root) else None
                if sub is not None:
                    d = os.path.normpath(os.path.join(mnt, sub))
                    if os.access(d, os.W_OK) and os.path.exists(os.path.join(d, "memory.limit_in_bytes")):
                        found = d
                break
    except (OSError, StopIteration, IndexError):
        found = None
    _full_state["memcg"] = found
    return found


def _make_cgroup(uid: int, limit_bytes: int) -> str | None:
    parent = _memory_cgroup_dir()
    if parent is None:
        return None
    d = os.path.join(parent, f"lam-sandbox-{uid}")
    try:
        os.mkdir(d)
        Path(d, "memory.limit_in_bytes").write_text(str(limit_bytes))
        try:
            Path(d, "memory.memsw.limit_in_bytes").write_text(str(limit_bytes))
        except OSError:
            pass
        return d
    except OSError:
        _remove_cgroup(d)
        return None


def _remove_cgroup(d: str | None) -> None:
    if not d:
        return
    for _ in range(100):
        try:
            os.rmdir(d)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.02)


def _env(home: str, tmp: str) -> dict[str, str]:
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "LC_ALL": "C.UTF-8",
        "HOME": home,
        "TMPDIR": tmp,
        "PYTHONHASHSEED": "0",  # the sandboxed interpreter ignores it (-E); for subprocesses started without -E
        "PYTHONDONTWRITEBYTECODE": "1",
    }


def _run(inputs, stdin, timeout, cpu_seconds, memory_mb, max_file_mb, max_procs, cap, disk_mb, *, full):
    start = time.monotonic()
    deadline = start + timeout
    exe, prefix = _interpreter()
    base = tempfile.mkdtemp(prefix="lam-sandbox-")  # 0700, owned by us
    uid = _pick_uid() if full else os.getuid()
    cgroup = None
    status_r, status_w = os.pipe()
    layers = ["rlimits", "no_new_privs", "session"]
    try:
        for name, data in inputs.items():
            dest = Path(base, "in", name)
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        if full:
            cgroup = _make_cgroup(uid, (memory_mb + 2 * disk_mb) << 20)
            for sub in ("tmp", "shadow"):
                os.mkdir(os.path.join(base, sub), 0o700)
            work = SANDBOX_DIR
            layers += ["uid", "netns", "pidns", "mountns", "ipcns", "tmpfs"] + (["cgroup-memory"] if cgroup else [])
        else:
            work = os.path.join(base, "work")
            os.replace(os.path.join(base, "in"), work)
            os.chmod(work, 0o700)
        cfg = {
            "full": full,
            "base": base,
            "work": work,
            "uid": uid,
            "python": exe,
            "shadow": _private_ancestor(prefix) if full else None,
            "prefix": prefix,
            "disk_mb": disk_mb,
            "status_fd": status_w,
            "cgroup": cgroup,
            "env": _env(work, "/tmp" if full else work),
            "rlimits": {
                "cpu": int(cpu_seconds if cpu_seconds is not None else math.ceil(timeout) + 1),
                "as": memory_mb << 20,
                "fsize": max_file_mb << 20,
                "nproc": max_procs,
            },
        }
        proc = subprocess.Popen(
            [exe, "-I", "-S", os.path.abspath(__file__), "--sandbox-boot", json.dumps(cfg)],
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
        if not _exited(proc.pid, 3.0):
            _killpg(proc.pid)
            _exited(proc.pid, 3.0)
        _killpg(proc.pid)  # stragglers in the group (its id cannot be reused until the supervisor is reaped)
        proc.wait()
        status = _read_status(status_r)
        if full and any(ln.startswith("error") for ln in status):
            with _lock:
                _full_state["ok"], _full_state["why"] = False, status
            return None  # fall back to "basic" isolation
        if full:
            _full_state["ok"] = True
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
        for fd in (status_r, status_w):
            if fd >= 0:
                os.close(fd)
        if full:
            _sweep_uid(uid)
            _remove_cgroup(cgroup)
        _rmtree(base)


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


def _sweep_uid(uid: int) -> None:
    """Kill anything still running as the run's uid (the PID namespace should have left nothing)."""
    for _ in range(50):
        pids = _process_uids().get(uid, [])
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def _rmtree(path: str) -> None:
    def onerror(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=onerror)


# ------------------------------------------------------------------------ boot side (runs in the child)
# Executed as `python -I -S sandbox.py --sandbox-boot CONFIG` with the parent's privileges; only stdlib here.

_libc = None


def _c(name: str, *args) -> None:
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
    if getattr(_libc, name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}{args!r}: {os.strerror(err)}")


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None
    _c("mount", enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))


def _say(fd: int, msg: str) -> None:
    try:
        os.write(fd, (msg + "\n").encode())
    except OSError:
        pass


def _set_rlimits(lim: dict, nproc: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu"], lim["cpu"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (lim["as"], lim["as"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim["fsize"], lim["fsize"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    n = 256 if hard == resource.RLIM_INFINITY else min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


def _boot_full(cfg: dict) -> None:
    fd, uid, base = cfg["status_fd"], cfg["uid"], cfg["base"]
    try:
        if cfg["cgroup"]:
            Path(cfg["cgroup"], "cgroup.procs").write_text(str(os.getpid()))
        _c("unshare", _CLONE_NEWNS | _CLONE_NEWNET | _CLONE_NEWIPC | _CLONE_NEWUTS | _CLONE_NEWPID)
        _mount(None, "/", None, _MS_REC | _MS_PRIVATE)
        shadow = cfg["shadow"]
        if shadow:  # make the interpreter reachable for the unprivileged uid, hide the rest of `shadow`
            st = os.path.join(base, "shadow")
            _mount("tmpfs", st, "tmpfs", _MS_NOSUID | _MS_NODEV, "size=1m,mode=0755")
            inner = os.path.join(st, os.path.relpath(cfg["prefix"], shadow))
            os.makedirs(inner, 0o755)
            _mount(cfg["prefix"], inner, None, _MS_BIND | _MS_REC)
            _mount(None, inner, None, _MS_REMOUNT | _MS_BIND | _MS_RDONLY | _MS_NOSUID | _MS_NODEV)
            _mount(st, shadow, None, _MS_MOVE)
        st = os.path.join(base, "tmp")
        _mount("tmpfs", st, "tmpfs", _MS_NOSUID | _MS_NODEV, f"size={cfg['disk_mb']}m,mode=1777")
        work = os.path.join(st, os.path.basename(cfg["work"]))
        shutil.copytree(os.path.join(base, "in"), work)
        os.chmod(work, 0o700)
        for root, dirs, names in os.walk(work):
            for n in [root] + [os.path.join(root, x) for x in dirs + names]:
                os.chown(n, uid, uid)
        _mount(st, os.path.dirname(cfg["work"]), None, _MS_MOVE)
        for d, opts, flags in (
            ("/dev/shm", f"size={cfg['disk_mb']}m,mode=1777", 0),
            ("/var/tmp", "size=4k,mode=0755", _MS_RDONLY),
            ("/run/lock", "size=4k,mode=0755", _MS_RDONLY),
        ):
            if os.path.isdir(d) and not os.path.islink(d):
                _mount("tmpfs", d, "tmpfs", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC | flags, opts)
    except OSError as e:
        _say(fd, f"error: {e}")
        os._exit(125)
    pid = _supervise(lambda: _init(cfg))
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass
    os._exit(0)


_child = {"pid": 0, "stop": False}  # the supervised child, for the SIGTERM handler


def _supervise(child_main) -> int:
    """Fork `child_main`; until it is reaped, SIGTERM (the parent's way to end the run) SIGKILLs it."""

    def on_term(_sig, _frame):
        _child["stop"] = True
        if _child["pid"] > 0:
            os.kill(_child["pid"], signal.SIGKILL)

    signal.signal(signal.SIGTERM, on_term)
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        child_main()
        os._exit(127)
    _child["pid"] = pid
    if _child["stop"]:  # the signal came before the pid was known
        os.kill(pid, signal.SIGKILL)
    return pid


def _report(fd: int, st: int) -> None:
    _say(fd, f"signal {os.WTERMSIG(st)}" if os.WIFSIGNALED(st) else f"exit {os.waitstatus_to_exitcode(st)}")


def _init(cfg: dict) -> None:
    """PID 1 of the sandbox's PID namespace: drop to the run's uid, start the program, report, exit (which
    makes the kernel kill everything else in the namespace)."""
    fd, uid = cfg["status_fd"], cfg["uid"]
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as namespace init, SIG_DFL means: ignored from inside
    try:
        _mount("proc", "/proc", "proc", _MS_NOSUID | _MS_NODEV | _MS_NOEXEC)
        os.setgroups([])
        os.setresgid(uid, uid, uid)
        os.setresuid(uid, uid, uid)
        _c("prctl", _PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _c("prctl", _PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        os.chdir(cfg["work"])
    except OSError as e:
        _say(fd, f"error: {e}")
        os._exit(125)
    child = os.fork()
    if child == 0:
        try:
            os.close(fd)
            for sig in (signal.SIGPIPE, signal.SIGXFSZ):
                signal.signal(sig, signal.SIG_DFL)
            _set_rlimits(cfg["rlimits"], cfg["rlimits"]["nproc"])
            py = cfg["python"]
            os.execve(py, [py, *_PY_FLAGS, "main.py"], cfg["env"])
        except BaseException as e:  # report; never return into the supervisor's code
            os.write(2, f"sandbox: cannot start the interpreter: {e}\n".encode())
        finally:
            os._exit(127)
    while True:  # reap everything; stop when the program itself ends
        try:
            pid, st = os.wait()
        except ChildProcessError:
            os._exit(0)
        except InterruptedError:
            continue
        if pid == child:
            _report(fd, st)
            os._exit(0)


def _boot_basic(cfg: dict) -> None:
    """Unprivileged: a child subreaper supervises the program; at the end it kills whatever is left below it."""
    fd = cfg["status_fd"]
    try:
        _c("unshare", _CLONE_NEWUSER | _CLONE_NEWNET)
        net = "netns"
    except OSError:
        net = "audit-hook"
    _say(fd, f"layer {net}")
    try:
        _c("prctl", _PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        _say(fd, "layer subreaper")
    except OSError:
        pass
    nproc = cfg["rlimits"]["nproc"] + 1  # + this supervisor
    if os.getuid() != 0:  # RLIMIT_NPROC counts all the user's processes
        nproc += len(_process_uids().get(os.getuid(), []))

    def run_program():
        os.setpgid(0, 0)  # its own process group, which the supervisor kills at the end
        os.close(fd)
        _set_rlimits(cfg["rlimits"], nproc)
        try:
            _c("prctl", _PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        except OSError:
            pass
        os.chdir(cfg["work"])
        py = cfg["python"]
        argv = [py, *_PY_FLAGS, "main.py"] if net == "netns" else [py, *_PY_FLAGS, "-c", _NET_HOOK, "main.py"]
        try:
            os.execve(py, argv, cfg["env"])
        except OSError as e:
            os.write(2, f"sandbox: cannot start the interpreter: {e}\n".encode())

    pid = _supervise(run_program)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    while True:
        try:
            _, st = os.waitpid(pid, 0)
            break
        except InterruptedError:
            continue
    _report(fd, st)
    for _ in range(1000):  # kill the program's group and every orphan re-parented to us, reap, until none is left
        try:
            os.killpg(pid, signal.SIGKILL)
            group = True
        except ProcessLookupError:
            group = False
        kids = _children(os.getpid())
        for k in kids:
            try:
                os.kill(k, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while True:
            try:
                if os.waitpid(-1, os.WNOHANG)[0] == 0:
                    break
            except ChildProcessError:
                break
        if not group and not kids:
            break
        time.sleep(0.002)
    os._exit(0)


def _children(ppid: int) -> list[int]:
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if len(fields) > 1 and int(fields[1]) == ppid:
                out.append(int(name))
    return out


if __name__ == "__main__" and len(sys.argv) == 3 and sys.argv[1] == "--sandbox-boot":
    _cfg = json.loads(sys.argv[2])
    (_boot_full if _cfg["full"] else _boot_basic)(_cfg)
