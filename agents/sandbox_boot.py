"""The child side of `agents.sandbox`: namespaces, mounts, limits, seccomp and the supervisor of one run.

Executed as `python -I -S sandbox_boot.py CONFIG` (standard library only; nothing from the project is importable
there). `agents.sandbox` imports the clean-up helpers (`kill_cgroup`, `remove_cgroup`, `sweep_uid`, `rmtree`), which
the supervisor also runs itself when the caller dies mid-run.

Process tree of a run: caller -> boot (this file's `boot`, the supervisor; its own session; dies with the caller
through PR_SET_PDEATHSIG, then kills the program and cleans up) -> in "full" and "userns" modes an init process,
PID 1 of a new PID namespace (dies with boot; when it exits the kernel kills everything in the namespace) ->
the program (`python -E -s -S -B main.py`). In "legacy" mode boot is a child subreaper and the program leads its
own process group.
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import signal
import sys
import time
from pathlib import Path

CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC = 0x00020000, 0x04000000, 0x08000000
CLONE_NEWUSER, CLONE_NEWPID, CLONE_NEWNET = 0x10000000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_MOVE, MS_REC, MS_PRIVATE = 32, 4096, 8192, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_SET_SECCOMP, PR_CAPBSET_DROP, PR_SET_SECUREBITS = 1, 22, 24, 28
PR_SET_CHILD_SUBREAPER, PR_SET_NO_NEW_PRIVS = 36, 38
PY_FLAGS = ("-E", "-s", "-S", "-B")  # like -I but keeping the script's directory on sys.path; no .pyc files
USERNS_INNER_ID = 1000  # the program's uid/gid inside a user namespace when the caller is root (never 0 there)

# Python-level network block for "legacy" mode when neither a network namespace nor seccomp is available.
NET_HOOK = """
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

# seccomp: per machine, the audit arch and the numbers of the refused system calls. Refused everywhere: the kernel
# keyring (add_key, request_key, keyctl), ptrace and process_vm_readv/writev, io_uring (its requests bypass
# seccomp); without a network namespace also socket() for any family but AF_UNIX.
_SECCOMP = {
    "x86_64": {"arch": 0xC000003E, "deny": (248, 249, 250, 101, 310, 311, 425, 426, 427), "socket": 41, "x32": True},
    "aarch64": {"arch": 0xC00000B7, "deny": (217, 218, 219, 117, 270, 271, 425, 426, 427), "socket": 198, "x32": False},
}
_KEYCTL = {"x86_64": 250, "aarch64": 219}
_MOUNT_SETATTR = 442  # same number on x86_64 and aarch64
_KEYCTL_JOIN_SESSION_KEYRING = 1
_AF_UNIX = 1

_libc = None


def _lib():
    global _libc
    if _libc is None:
        _libc = ctypes.CDLL(None, use_errno=True)
        _libc.syscall.restype = ctypes.c_long
    return _libc


def _c(name: str, *args) -> None:
    if getattr(_lib(), name)(*args) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{name}{args!r}: {os.strerror(err)}")


def _syscall(nr: int, *args) -> int:
    r = _lib().syscall(ctypes.c_long(nr), *args)
    if r < 0:
        err = ctypes.get_errno()
        raise OSError(err, f"syscall {nr}: {os.strerror(err)}")
    return r


def _mount(src: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    enc = lambda s: s.encode() if s is not None else None
    _c("mount", enc(src), enc(target), enc(fstype), ctypes.c_ulong(flags), enc(data))


def _say(fd: int, msg: str) -> None:
    try:
        os.write(fd, (msg + "\n").encode())
    except OSError:
        pass


# ------------------------------------------------------------------------------------------- kernel layers


def join_fresh_session_keyring() -> bool:
    """Replace the inherited session keyring (the caller's, with its keys) by a new empty anonymous one."""
    nr = _KEYCTL.get(os.uname().machine)
    if nr is None:
        return False
    try:
        _syscall(nr, ctypes.c_long(_KEYCTL_JOIN_SESSION_KEYRING), None)
        return True
    except OSError:
        return False


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint32)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def seccomp_program(machine: str, block_sockets: bool) -> list[tuple[int, int, int, int]] | None:
    """The classic-BPF filter as (code, jt, jf, k) rows, or None on an unknown machine."""
    spec = _SECCOMP.get(machine)
    if spec is None:
        return None
    ld, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06  # BPF_LD|W|ABS, BPF_JMP|JEQ|K, BPF_JMP|JGE|K, BPF_RET|K
    allow, deny = 0x7FFF0000, 0x00050000 | 1  # SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO | EPERM
    prog = [(ld, 0, 0, 4), (jeq, 1, 0, spec["arch"]), (ret, 0, 0, deny), (ld, 0, 0, 0)]  # other ABIs: refuse all
    checks = ([(jge, 0x40000000)] if spec["x32"] else []) + [(jeq, nr) for nr in spec["deny"]]
    tail = 3 if block_sockets else 0  # the socket-family test sits between the checks and RET ALLOW
    for i, (op, k) in enumerate(checks):
        prog.append((op, len(checks) - i - 1 + tail + 1, 0, k))  # match -> RET deny
    if block_sockets:
        prog += [(jeq, 0, 2, spec["socket"]), (ld, 0, 0, 16), (jeq, 0, 1, _AF_UNIX)]  # args[0] (little endian)
    return prog + [(ret, 0, 0, allow), (ret, 0, 0, deny)]


def install_seccomp(block_sockets: bool) -> bool:
    """Install the filter on this process (needs no_new_privs); it is inherited by every child and kept on exec."""
    rows = seccomp_program(os.uname().machine, block_sockets)
    if rows is None:
        return False
    filt = (_SockFilter * len(rows))(*[_SockFilter(*r) for r in rows])
    prog = _SockFprog(len(rows), filt)
    try:
        _c("prctl", PR_SET_SECCOMP, 2, ctypes.byref(prog), 0, 0)  # SECCOMP_MODE_FILTER
        return True
    except OSError:
        return False


def drop_root_capabilities() -> bool:
    """If this process is root of its user namespace ("legacy" mode run by root without user namespaces): empty
    the capability bounding set and lock SECBIT_NOROOT, so that the exec'd program has no capability at all."""
    if os.geteuid() != 0:
        return False
    for cap in range(64):
        try:
            _c("prctl", PR_CAPBSET_DROP, cap, 0, 0, 0)
        except OSError:
            break  # EINVAL past the last capability this kernel knows
    _c("prctl", PR_SET_SECUREBITS, 0x2F, 0, 0, 0)  # NOROOT, NO_SETUID_FIXUP (+ their locks), KEEP_CAPS_LOCKED
    return True


def set_rlimits(lim: dict, nproc: int) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CPU, (lim["cpu"], lim["cpu"] + 1))
    resource.setrlimit(resource.RLIMIT_AS, (lim["as"], lim["as"]))
    resource.setrlimit(resource.RLIMIT_FSIZE, (lim["fsize"], lim["fsize"]))
    resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    n = 256 if hard == resource.RLIM_INFINITY else min(256, hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (n, n))


def _read_only_root() -> bool:
    """Make every mount of this (new, private) mount namespace read-only; fresh tmpfs mounts go on top later."""

    class Attr(ctypes.Structure):
        _fields_ = [(n, ctypes.c_uint64) for n in ("attr_set", "attr_clr", "propagation", "userns_fd")]

    attr = Attr(1, 0, 0, 0)  # MOUNT_ATTR_RDONLY
    try:  # AT_FDCWD, AT_RECURSIVE
        _syscall(
            _MOUNT_SETATTR, ctypes.c_int(-100), b"/", ctypes.c_uint(0x8000), ctypes.byref(attr), ctypes.c_size_t(32)
        )
        return True
    except OSError:
        pass
    ok = True  # older kernels: remount each mount, keeping the flags a user namespace may not clear
    for ln in open("/proc/self/mountinfo"):
        f = ln.split()
        point = f[4].encode().decode("unicode_escape")
        opts = f[5].split(",")
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        flags |= sum(b for o, b in (("nosuid", MS_NOSUID), ("nodev", MS_NODEV), ("noexec", MS_NOEXEC)) if o in opts)
        try:
            _mount(None, point, None, flags)
        except OSError:
            ok = ok and not os.path.isdir(point)
    return ok


def _hide(directory: str, keep: str | None, scratch: str) -> None:
    """Cover `directory` with an empty read-only tmpfs; `keep` (a path inside it) stays visible, read-only."""
    _mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "size=1m,mode=0755")
    if keep:
        inner = os.path.join(scratch, os.path.relpath(keep, directory))
        os.makedirs(inner, 0o755)
        _mount(keep, inner, None, MS_BIND | MS_REC)
        try:
            _mount(None, inner, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
        except OSError:
            pass  # already read-only (read-only root), or flags a user namespace may not change
    _mount(None, scratch, None, MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV)
    _mount(scratch, directory, None, MS_MOVE)


# ------------------------------------------------------------------------------------------------ clean-up


def process_uids() -> dict[int, list[int]]:
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


def sweep_uid(uid: int) -> None:
    """Kill anything still running as the run's uid (the PID namespace should have left nothing)."""
    for _ in range(50):
        pids = process_uids().get(uid, [])
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        time.sleep(0.02)


def kill_cgroup(d: str, spare: int = 0) -> None:
    """SIGKILL every process in cgroup `d` (but `spare`) until none is left (a fork bomb is bounded by pids.max)."""
    for _ in range(200):
        try:
            pids = [int(p) for p in Path(d, "cgroup.procs").read_text().split()]
        except (OSError, ValueError):
            return
        pids = [p for p in pids if p != spare]
        if not pids:
            return
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.01)


def remove_cgroup(d: str | None) -> None:
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


def rmtree(path: str) -> None:
    def onerror(func, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    shutil.rmtree(path, onerror=onerror)


def _cleanup(cfg: dict) -> None:
    """What the caller does after a run, done by the supervisor when the caller died first."""
    for _, d in cfg["cgroups"]:
        kill_cgroup(d, spare=os.getpid())
    if cfg.get("uid") is not None:
        sweep_uid(cfg["uid"])
    for _, d in cfg["cgroups"]:
        try:  # leave the cgroup so that it can be removed
            Path(os.path.dirname(d), "cgroup.procs").write_text(str(os.getpid()))
        except OSError:
            pass
        remove_cgroup(d)
    rmtree(cfg["base"])


# ---------------------------------------------------------------------------------------------- supervisor

_child = {"pid": 0, "stop": False}  # the supervised child, for the SIGTERM handler


def _on_term(_sig, _frame) -> None:
    """SIGTERM: the caller ends the run, or it died (PR_SET_PDEATHSIG): kill the supervised child."""
    _child["stop"] = True
    if _child["pid"] > 0:
        try:
            os.kill(_child["pid"], signal.SIGKILL)
        except ProcessLookupError:
            pass


def _fork(child_main) -> int:
    """Fork `child_main` (which never returns); until reaped, SIGTERM SIGKILLs it."""
    pid = os.fork()
    if pid == 0:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        try:
            child_main()
        finally:
            os._exit(127)
    _child["pid"] = pid
    if _child["stop"]:  # the signal came before the pid was known
        os.kill(pid, signal.SIGKILL)
    return pid


def _report(fd: int, st: int) -> None:
    _say(fd, f"signal {os.WTERMSIG(st)}" if os.WIFSIGNALED(st) else f"exit {os.waitstatus_to_exitcode(st)}")


def _env(cfg: dict, home: str, tmp: str) -> dict[str, str]:
    return {**cfg["env"], "HOME": home, "TMPDIR": tmp}


def _exec_program(cfg: dict, work: str, tmp: str, nproc: int, netns: bool) -> None:
    """In the program's process: limits, a fresh keyring, seccomp, then exec the interpreter on main.py."""
    fd = cfg["status_fd"]
    for sig in (signal.SIGPIPE, signal.SIGXFSZ, signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, signal.SIG_DFL)
    set_rlimits(cfg["rlimits"], nproc)
    if drop_root_capabilities():
        _say(fd, "layer no-caps")
    _c("prctl", PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if join_fresh_session_keyring():
        _say(fd, "layer keyring")
    seccomp = install_seccomp(block_sockets=not netns)
    if seccomp:
        _say(fd, "layer seccomp")
    os.close(fd)
    py = cfg["python"]
    argv = [py, *PY_FLAGS, "main.py"] if netns or seccomp else [py, *PY_FLAGS, "-c", NET_HOOK, "main.py"]
    os.execve(py, argv, _env(cfg, work, tmp))


def _start_program(cfg: dict, work: str, tmp: str, nproc: int, netns: bool) -> None:
    try:
        _exec_program(cfg, work, tmp, nproc, netns)
    except BaseException as e:  # report; never return into the supervisor's code
        os.write(2, f"sandbox: cannot start the interpreter: {e}\n".encode())
    finally:
        os._exit(127)


def _host_ppid() -> int:
    """The parent's pid as the host sees it (getppid() is 0 for a namespace's init); read before /proc is new."""
    return int(next(ln for ln in open("/proc/self/status") if ln.startswith("PPid:")).split()[1])


def _init(cfg: dict, parent: int) -> None:
    """PID 1 of the run's PID namespace (`parent` is outside it): new mount, network, IPC and UTS namespaces with a
    read-only host, private tmpfs mounts and a fresh /proc; then (full mode) the run's uid; then the program. Exits
    when the program does, which makes the kernel kill everything else in the namespace."""
    fd, base, full = cfg["status_fd"], cfg["base"], cfg["mode"] == "full"
    signal.signal(signal.SIGINT, signal.SIG_DFL)  # as namespace init, SIG_DFL means: ignored from inside
    try:
        _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if _host_ppid() != parent:  # it died before the line above
            os._exit(125)
        _c("unshare", CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS)
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        if _read_only_root():
            _say(fd, "layer ro-root")
        for i, (directory, keep) in enumerate(cfg["hide"]):
            _hide(directory, keep, os.path.join(base, f"shadow{i}"))
        st = os.path.join(base, "tmp")
        _mount("tmpfs", st, "tmpfs", MS_NOSUID | MS_NODEV, f"size={cfg['disk_mb']}m,mode=1777")
        work = os.path.join(st, os.path.basename(cfg["work"]))
        shutil.copytree(os.path.join(base, "in"), work)
        os.chmod(work, 0o700)
        if full:
            for root, dirs, names in os.walk(work):
                for n in [root] + [os.path.join(root, x) for x in dirs + names]:
                    os.chown(n, cfg["uid"], cfg["uid"])
        _mount(st, os.path.dirname(cfg["work"]), None, MS_MOVE)
        for d, opts, flags in (
            ("/dev/shm", f"size={cfg['disk_mb']}m,mode=1777", 0),
            ("/var/tmp", "size=4k,mode=0755", MS_RDONLY),
            ("/run/lock", "size=4k,mode=0755", MS_RDONLY),
        ):
            if os.path.isdir(d) and not os.path.islink(d):
                _mount("tmpfs", d, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC | flags, opts)
        _mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC)
        for f in ("/proc/keys", "/proc/key-users"):  # key descriptions of the caller's uid ("userns")
            if os.path.exists(f):
                _mount("/dev/null", f, None, MS_BIND)
        if full:
            uid = cfg["uid"]
            os.setgroups([])
            os.setresgid(uid, uid, uid)
            os.setresuid(uid, uid, uid)
            _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # a change of uid clears it
        os.chdir(cfg["work"])
    except OSError as e:
        _say(fd, f"error: {e}")
        os._exit(125)
    nproc = cfg["rlimits"]["nproc"] + (0 if full else 2)  # userns: counts this namespace's uid (boot, init too)
    child = os.fork()
    if child == 0:
        _start_program(cfg, cfg["work"], os.path.dirname(cfg["work"]), nproc, netns=True)
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


def _userns_init_parent(cfg: dict, parent: int) -> None:
    """Between the supervisor and init in "userns" mode: enter a user namespace (owning the PID namespace made with
    it) where the caller's uid is USERNS_INNER_ID if root, else itself, so that the code has no capability outside
    and none inside once exec'd (its uid is not 0 there); then start init and exit with it. The supervisor stays
    outside, with the caller's rights, to clean up."""
    fd, uid, gid = cfg["status_fd"], os.getuid(), os.getgid()
    try:
        _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the supervisor died before the line above
            os._exit(125)
        if uid == 0:
            os.setgroups([])
        _c("unshare", CLONE_NEWUSER | CLONE_NEWPID)
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid or USERNS_INNER_ID} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid or USERNS_INNER_ID} {gid} 1")
        _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # a change of credentials may clear it
    except OSError as e:
        _say(fd, f"error: {e}")
        os._exit(125)
    _say(fd, "layer userns")
    me = os.getpid()
    pid = os.fork()
    if pid == 0:
        try:
            _init(cfg, me)
        finally:
            os._exit(127)
    while True:
        try:
            os.waitpid(pid, 0)
            break
        except ChildProcessError:
            break
    os._exit(0)


def _run_legacy(cfg: dict) -> int:
    """No user namespace: the program leads its own process group under this (subreaper) supervisor; returns its
    pid."""
    fd = cfg["status_fd"]
    nproc = cfg["rlimits"]["nproc"] + 1  # + this supervisor
    if os.getuid() != 0:  # RLIMIT_NPROC counts all the user's processes
        nproc += len(process_uids().get(os.getuid(), []))
    parent = os.getpid()

    def program() -> None:
        os.setpgid(0, 0)  # its own process group, which the supervisor (and the caller) kill at the end
        _c("prctl", PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)  # dies with the supervisor
        if os.getppid() != parent:
            os._exit(127)
        try:  # a network namespace (in a user namespace, in this process only: the supervisor keeps its rights)
            _c("unshare", CLONE_NEWUSER | CLONE_NEWNET)
            netns = True
            _say(fd, "layer netns")
        except OSError:
            netns = False
        os.chdir(cfg["work"])
        _start_program(cfg, cfg["work"], cfg["work"], nproc, netns)

    pid = _fork(program)
    try:
        os.setpgid(pid, pid)
    except OSError:
        pass
    _say(fd, f"pgid {pid}")
    return pid


def _reap_all(group: int) -> None:
    """Kill the program's group and every orphan re-parented to this subreaper, reap, until none is left."""
    for _ in range(1000):
        try:
            os.killpg(group, signal.SIGKILL)
            alive = True
        except ProcessLookupError:
            alive = False
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
        if not alive and not kids:
            return
        time.sleep(0.002)


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


def boot(cfg: dict) -> None:
    """The supervisor: dies with the caller (PR_SET_PDEATHSIG -> SIGTERM -> kill the program, clean up), joins the
    run's cgroups, makes the namespaces of its mode, starts the program, reports how it ended."""
    fd = cfg["status_fd"]
    signal.signal(signal.SIGTERM, _on_term)
    _c("prctl", PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != cfg["parent"]:  # the caller died before the line above
        _cleanup(cfg)
        os._exit(0)
    mode = cfg["mode"]
    try:  # orphans (an init whose parent was killed, a daemon in "legacy") come to this process to be reaped
        _c("prctl", PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        if mode == "legacy":
            _say(fd, "layer subreaper")
    except OSError:
        pass
    for controller, d in cfg["cgroups"]:
        try:
            Path(d, "cgroup.procs").write_text(str(os.getpid()))
            _say(fd, f"layer cgroup-{controller}")
        except OSError:
            pass
    if mode == "full":
        try:
            _c("unshare", CLONE_NEWPID)
        except OSError as e:
            _say(fd, f"error: {e}")
            os._exit(125)
        me = os.getpid()
        pid = _fork(lambda: _init(cfg, me))
    elif mode == "userns":
        me = os.getpid()
        pid = _fork(lambda: _userns_init_parent(cfg, me))
    else:
        pid = _run_legacy(cfg)
    while True:
        try:
            _, st = os.waitpid(pid, 0)
            break
        except ChildProcessError:
            st = None
            break
    if mode == "legacy" and st is not None:
        _report(fd, st)
    _reap_all(pid)
    if os.getppid() != cfg["parent"]:
        _cleanup(cfg)
    os._exit(0)


if __name__ == "__main__" and len(sys.argv) == 2:
    boot(json.loads(sys.argv[1]))
