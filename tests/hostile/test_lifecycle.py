"""The sandbox's life cycle under attack: a caller SIGKILLed mid-run, a caller killed together with the supervisor,
a legacy-mode program that kills its supervisor with no cgroup to fall back on; and the kernel filters on their
own (seccomp, dropped capabilities)."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from agents import sandbox

# Sets its process name (inherited by its children), starts two setsid() daemons, sleeps.
DAEMONS = (
    "import ctypes, os, time\n"
    "ctypes.CDLL(None).prctl(15, b'%s', 0, 0, 0)\n"
    "for _ in range(2):\n"
    "    if os.fork() == 0:\n"
    "        os.setsid()\n"
    "        time.sleep(120)\n"
    "        os._exit(0)\n"
    "time.sleep(120)\n"
)

CALLER = """
import sys
sys.path.insert(0, %r)
from agents import sandbox
if %r == "legacy":
    sandbox._mode_ok["userns"] = False
r = sandbox.run_python(%r, timeout=120, isolation=%r)
print(r)
"""


def _supervisors(caller: int) -> list[int]:
    """Live sandbox supervisors (and their inits) started by process `caller`."""
    out = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                cmd = Path(f"/proc/{name}/cmdline").read_bytes()
                state = Path(f"/proc/{name}/stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if b"sandbox_boot.py" in cmd and f'"parent": {caller},'.encode() in cmd and state != "Z":
                out.append(int(name))
    return out


def _start_caller(mode: str, marker: str, tmpdir: str | None, hx) -> subprocess.Popen:
    isolation = "auto" if mode == "full" else "basic"
    script = CALLER % (str(hx.repo), mode, DAEMONS % marker, isolation)
    env = {**os.environ, **({"TMPDIR": tmpdir} if tmpdir else {})}
    caller = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.DEVNULL)
    started = hx.wait_until(lambda: len(hx.processes_named(marker)) >= 3 and _supervisors(caller.pid), 30)
    assert started, "the sandboxed program did not start"
    return caller


def _leftovers(caller: int, tmpdir: str) -> list[str]:
    found = [str(p) for p in Path(tmpdir).glob(f"lam-sandbox-{caller}-*")]
    for controller in ("memory", "pids"):
        parent = sandbox._cgroup_parent(controller)
        if parent:
            found += [str(p) for p in Path(parent).glob(f"lam-sandbox-{caller}-*")]
    return found


def test_caller_sigkilled_mid_run_leaves_nothing(mode, tmp_path, hx):
    """SIGKILL the process calling run_python: within seconds the program, its daemons and the supervisors are
    gone, and so are the run's temporary directory and cgroups (the supervisor cleans up itself)."""
    marker = "lk" + secrets.token_hex(5)
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    caller = _start_caller(mode, marker, str(tmpdir), hx)
    assert _leftovers(caller.pid, str(tmpdir))  # the run's directory exists while it runs
    caller.kill()
    caller.wait()
    gone = lambda: not hx.processes_named(marker) and not _supervisors(caller.pid)  # noqa: E731
    assert hx.wait_until(lambda: gone() and not _leftovers(caller.pid, str(tmpdir)), 5)


def test_caller_and_supervisor_killed_together_next_run_cleans_up(mode, hx):
    """SIGKILL the caller and its supervisors at once: the program dies with them (all modes: PR_SET_PDEATHSIG,
    PID namespace or cgroup), and the next run removes the dead caller's directory and cgroups."""
    if mode == "legacy" and sandbox._cgroup_parent("pids") is None:
        pytest.skip("legacy without a cgroup: setsid() daemons of a killed supervisor survive (documented)")
    marker = "lb" + secrets.token_hex(5)
    caller = _start_caller(mode, marker, None, hx)
    for pid in [caller.pid, *_supervisors(caller.pid)]:
        with contextlib.suppress(ProcessLookupError):  # a supervisor may already have died with the caller
            os.kill(pid, signal.SIGKILL)
    caller.wait()
    tmp = tempfile.gettempdir()
    assert hx.wait_until(lambda: not _supervisors(caller.pid), 5)
    if mode != "legacy":  # the PID namespace died with its init
        assert hx.wait_until(lambda: not hx.processes_named(marker), 5)
    assert _leftovers(caller.pid, tmp)  # nobody was left to clean up
    r = hx.run(mode, "print('next')")
    assert r.ok and r.stdout == "next\n"
    assert _leftovers(caller.pid, tmp) == []
    assert hx.processes_named(marker) == []  # legacy: killed by the sweep, through the dead run's cgroup


UNPRIVILEGED = """
import sys
sys.path.insert(0, %r)
from agents import sandbox
sandbox._mode_ok["userns"] = False
code = '''
import ctypes, os, signal, time
ctypes.CDLL(None).prctl(15, b"%s", 0, 0, 0)
for _ in range(3):
    if os.fork() == 0:
        time.sleep(60)
        os._exit(0)
os.kill(os.getppid(), signal.SIGKILL)
time.sleep(60)
'''
r = sandbox.run_python(code, timeout=3, isolation="basic")
print(r.isolation, r.timed_out)
"""


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not os.path.exists("/usr/bin/python3"),
    reason="needs root, setpriv and a system python3 to run the sandbox as an unprivileged user",
)
def test_legacy_program_killing_its_supervisor_leaves_no_survivor(hx):
    """Legacy mode, run by `nobody` (no cgroup): the program kills its supervisor; it dies with it
    (PR_SET_PDEATHSIG) and its children with their process group, which the caller kills on return."""
    marker = "lu" + secrets.token_hex(5)
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c"]
    cmd.append(UNPRIVILEGED % (str(hx.repo), marker))
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"}, cwd="/")
    assert out.returncode == 0, out.stderr
    assert "'subreaper'" in out.stdout and "cgroup" not in out.stdout and "True" in out.stdout
    assert hx.processes_named(marker) == []


SECCOMP = """
import ctypes, os, socket, sys
sys.path.insert(0, %r)
from agents import sandbox_boot as b
libc = ctypes.CDLL(None, use_errno=True)
assert libc.prctl(b.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0
assert b.install_seccomp(block_sockets=%r)
socket.socket(socket.AF_UNIX).close()
try:
    socket.socket(socket.AF_INET).close()
    print("inet allowed")
except PermissionError:
    print("inet refused")
libc.syscall.restype = ctypes.c_long
r = libc.syscall(%d, 0, ctypes.c_long(-3), 0)  # keyctl(KEYCTL_GET_KEYRING_ID, session)
print("keyctl", r, ctypes.get_errno())
print("pid ok", os.getpid() > 0)
"""


@pytest.mark.parametrize("block_sockets", [True, False])
def test_seccomp_filter_refuses_keyring_and_sockets(block_sockets, hx):
    if hx.syscalls is None:
        pytest.skip(f"no seccomp filter for {os.uname().machine}")
    script = SECCOMP % (str(hx.repo), block_sockets, hx.syscalls["keyctl"])
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert ("inet refused" if block_sockets else "inet allowed") in out.stdout
    assert "keyctl -1 1" in out.stdout  # EPERM
    assert "pid ok True" in out.stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="dropping root's capabilities needs root")
def test_root_capabilities_are_dropped_for_the_program(hx):
    """Legacy mode run by root where no user namespace can be made: the program must not keep root's powers."""
    script = (
        f"import ctypes, os, sys\nsys.path.insert(0, {str(hx.repo)!r})\nfrom agents import sandbox_boot as b\n"
        "assert b.drop_root_capabilities()\n"
        "assert ctypes.CDLL(None).prctl(b.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0\n"
        "os.execv(sys.executable, [sys.executable, '-c', "
        "\"print([l.split()[1] for l in open('/proc/self/status') if l.startswith(('CapEff', 'CapPrm'))])\"])\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['0000000000000000', '0000000000000000']"
