"""Hostile programs against `agents.sandbox.run_python`, each in every sandbox mode this machine supports.

Each program comes with what "contained" means for it, asserted after the run; on top of that, after every run:
no process of the program is left (they all carry a random process name), no temporary directory or cgroup of
the run is left, the host world (files outside, the fake home, the environment, the decoy process) is intact and
no connection or datagram reached the listeners. A program is skipped in a mode that does not claim to contain it
(the "legacy" mode runs the code as the caller; see agents/sandbox.py), with that reason.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from string import Template

import pytest

ALL = ("full", "basic", "legacy")
NS = ("full", "basic")  # the namespace modes; "legacy" runs as the caller (documented)
AS_CALLER = "legacy mode runs the code as the caller (its files, /proc, processes): documented as not contained"


@dataclass
class Hostile:
    name: str
    code: str  # a string.Template: $outside $home $secret $test_pid $decoy $tcp_port $udp_port $abstract $key ...
    check: Callable  # check(result, world, keyring) asserts what "contained" means for this program
    modes: tuple[str, ...] = ALL
    kw: dict = field(default_factory=dict)  # run_python keyword arguments
    keyring: bool = False
    why_not: str = AS_CALLER  # the skip reason in modes that do not claim to contain it
    legacy_needs_cgroup: bool = False  # contained in "legacy" only where a pids cgroup can be made (root)


def _ok_and(*needles_absent: str):
    """The program ran to its end and printed none of `needles_absent` (formatted with the world)."""

    def check(r, w, k):
        assert r.ok, r.stderr
        out = r.stdout + r.stderr
        for n in needles_absent:
            value = Template(n).substitute(secret=w.secret, key_payload=k.payload.decode() if k else "-")
            assert value not in out
        assert "ESCAPED" not in out

    return check


def _no_escape(r, w, k):
    assert r.ok, r.stderr
    assert "ESCAPED" not in r.stdout + r.stderr


def _timed_out_within(limit: float):
    def check(r, w, k):
        assert r.timed_out and r.exit_code is None and not r.ok
        assert r.duration < limit

    return check


def _returns_promptly(r, w, k):
    assert r.ok and r.stdout.strip() == "main done", r.stderr
    assert r.duration < 10  # did not wait for the 60-second sleepers


def _memory_bomb(r, w, k):
    assert not r.ok and not r.timed_out
    assert "MemoryError" in r.stderr or (r.exit_code or 0) < 0


def _many_memory(r, w, k):
    assert not r.timed_out and r.duration < 15
    assert "main alive" in r.stdout or r.exit_code == -signal.SIGKILL  # the cgroup may pick main for its OOM kill


def _cpu_time(r, w, k):
    assert not r.timed_out and r.exit_code in (-signal.SIGXCPU, -signal.SIGKILL)


def _huge_stdout(r, w, k):
    assert r.truncated and not r.ok and len(r.stdout) <= 50_000 and r.duration < 10


def _huge_stderr(r, w, k):
    assert r.truncated and not r.ok and len(r.stderr) <= 1000


def _fill_tmp(r, w, k):
    assert r.ok, r.stderr
    written = int(r.stdout.split()[-1])
    assert "full:" in r.stdout and written <= 16 * 2**20  # the private tmpfs, max_disk_mb, stopped it


def _rlimits(r, w, k):
    assert r.ok, r.stderr
    assert "ESCAPED" not in r.stdout and r.stdout.count("refused") == 5


def _all_refused(r, w, k):
    """Each `name ... result errno` / `name result` line shows the result -1 (refused)."""
    _no_escape(r, w, k)
    lines = [ln.split() for ln in r.stdout.splitlines() if ln.split()[0] in ("attach", "seize", "io_uring", "vm")]
    assert lines and all(parts[-2] == "-1" or parts[-1] == "-1" for parts in lines), r.stdout


def _mounts_refused(r, w, k):
    _no_escape(r, w, k)
    assert "mount -1" in r.stdout and "umount -1" in r.stdout, r.stdout


def _only_std_fds(r, w, k):
    assert r.ok, r.stderr
    assert r.stdout.strip() == "[0, 1, 2]"


def _secret_env(r, w, k):
    assert r.ok, r.stderr
    names = set(eval(r.stdout.splitlines()[0]))
    assert names <= {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE"}
    assert w.secret not in r.stdout


def _keyring_refused(r, w, k):
    assert r.ok, r.stderr
    assert "ESCAPED" not in r.stdout and k.payload.decode() not in r.stdout and k.description not in r.stdout
    assert str(k.key) not in r.stdout.replace(f"key {k.key}:", "")  # the id only where the program was told it
    k.assert_intact()


# Every program starts with this: the random process name lets the test find every process it started.
PREAMBLE = "import ctypes as _ct\n_ct.CDLL(None).prctl(15, b'$marker', 0, 0, 0)\ndel _ct\n"
SYS = "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\nlibc.syscall.restype = ctypes.c_long\n"
KEYCTL = SYS + (
    "def keyctl(*a):\n"
    "    r = libc.syscall($keyctl, *[ctypes.c_long(x) if isinstance(x, int) else x for x in a])\n"
    "    return r if r >= 0 else -ctypes.get_errno()\n"
    "buf = ctypes.create_string_buffer(4096)\n"
)

PROGRAMS = [
    # ---------------------------------------------------------------- resources
    Hostile(
        "fork_bomb",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n",
        _timed_out_within(3 + 5),
        kw={"timeout": 3, "max_procs": 32},
        legacy_needs_cgroup=os.geteuid() == 0,  # RLIMIT_NPROC does not apply to root
    ),
    Hostile(
        "memory_bomb",
        "chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 2**20))\n",
        _memory_bomb,
        kw={"timeout": 10, "memory_mb": 256},
    ),
    Hostile(
        "memory_many_processes",
        "import os, time\n"
        "for _ in range(8):\n"
        "    if os.fork() == 0:\n"
        "        b = bytearray(b'x' * (200 * 2**20))\n"
        "        time.sleep(20)\n"
        "        os._exit(0)\n"
        "time.sleep(1)\nprint('main alive')\n",
        _many_memory,
        kw={"timeout": 10, "memory_mb": 256, "max_disk_mb": 16},
    ),
    Hostile("infinite_loop", "while True:\n    pass\n", _timed_out_within(2 + 3), kw={"timeout": 2}),
    Hostile(
        "cpu_time_threads",
        "import threading\ndef spin():\n    while True:\n        pass\n"
        "for _ in range(3):\n    threading.Thread(target=spin, daemon=True).start()\nspin()\n",
        _cpu_time,
        kw={"timeout": 20, "cpu_seconds": 1},
    ),
    Hostile("huge_stdout", "while True:\n    print('x' * 1000)\n", _huge_stdout, kw={"max_output_bytes": 50_000}),
    Hostile("huge_stderr", "import os\nos.write(2, b'e' * 10**7)\n", _huge_stderr, kw={"max_output_bytes": 1000}),
    Hostile(
        "fill_tmp",
        "import os\ntotal = 0\ntry:\n    for i in range(1000):\n"
        "        with open(f'/tmp/fill{i}', 'wb') as f:\n"
        "            for _ in range(4):\n                f.write(b'x' * 2**20)\n                f.flush()\n"
        "                total += 2**20\nexcept OSError as e:\n    print('full:', e.errno)\nprint(total)\n",
        _fill_tmp,
        modes=NS,
        kw={"max_disk_mb": 16, "max_file_mb": 64, "memory_mb": 256},
        why_not="legacy mode has no private tmpfs (its working directory is on the host's disk)",
    ),
    Hostile(
        "raise_rlimits",
        "import resource\n"
        "for name in ('RLIMIT_NPROC', 'RLIMIT_AS', 'RLIMIT_CPU', 'RLIMIT_FSIZE', 'RLIMIT_NOFILE'):\n"
        "    res = getattr(resource, name)\n"
        "    soft, hard = resource.getrlimit(res)\n"
        "    try:\n        resource.setrlimit(res, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))\n"
        "        print('ESCAPED', name)\n    except (ValueError, OSError):\n        print('refused', name)\n",
        _rlimits,
    ),
    # ---------------------------------------------------------------- files
    Hostile(
        "write_outside",
        "import os\n"
        "for p in ('$outside/sentinel.txt', '$outside/sub/deep.txt', '$outside/new.txt', '$outside/sub/new',\n"
        "          '$home/new.txt', '$home/.ssh/authorized_keys', '$home/.bashrc'):\n"
        "    try:\n        open(p, 'a').write('pwned')\n    except OSError as e:\n        print('refused', p, e)\n"
        "try:\n    os.mkdir('$outside/newdir')\nexcept OSError as e:\n    print('refused mkdir', e)\n",
        _no_escape,
        modes=NS,
    ),
    Hostile(
        "write_system_paths",
        "for p in ('/etc/lam-hostile-$marker', '$repo/.hostile-escape-$marker', '$prefix/lam-hostile-$marker'):\n"
        "    try:\n        open(p, 'w').write('pwned')\n    except OSError as e:\n        print('refused', p, e)\n",
        _no_escape,
        modes=NS,
    ),
    Hostile(
        "delete_and_rename_outside",
        "import os, shutil\n"
        "for f in (lambda: os.remove('$outside/sentinel.txt'), lambda: os.rename('$outside/sub', '$outside/moved'),\n"
        "          lambda: shutil.rmtree('$outside'), lambda: os.remove('$home/.ssh/id_rsa'),\n"
        "          lambda: shutil.rmtree('$home')):\n"
        "    try:\n        f()\n    except OSError as e:\n        print('refused', e)\n",
        _no_escape,
        modes=NS,
    ),
    Hostile(
        "chmod_chown_utime_outside",
        "import os\n"
        "s = '$outside/sentinel.txt'\n"
        "for f in (lambda: os.chmod(s, 0o000), lambda: os.chown(s, 0, 0), lambda: os.utime(s, (0, 0)),\n"
        "          lambda: os.truncate(s, 0), lambda: os.chmod('$home', 0o777)):\n"
        "    try:\n        f()\n    except OSError as e:\n        print('refused', e)\n",
        _no_escape,
        modes=NS,
    ),
    Hostile(
        "symlink_and_hardlink_tricks",
        "import os\n"
        "links = {'l1': '$outside/sentinel.txt', 'l2': '$outside', 'l3': '/etc', 'l4': '$home/.ssh'}\n"
        "for name, target in links.items():\n    os.symlink(target, name)\n"
        "for p in ('l1', 'l2/new.txt', 'l3/lam-hostile-$marker', 'l4/id_rsa'):\n"
        "    try:\n        open(p, 'a').write('pwned')\n    except OSError as e:\n        print('refused', p, e)\n"
        "try:\n    os.link('$outside/sentinel.txt', 'hard')\n    open('hard', 'a').write('pwned')\n"
        "except OSError as e:\n    print('refused link', e)\n"
        "try:\n    os.rename('l1', '$outside/sentinel.txt')\nexcept OSError as e:\n    print('refused rename', e)\n",
        _no_escape,
        modes=NS,
    ),
    Hostile(
        "dev_shm_and_var_tmp",
        "for p in ('/dev/shm/lam-hostile-$marker', '/var/tmp/lam-hostile-$marker', '/tmp/lam-hostile-$marker'):\n"
        "    try:\n        open(p, 'w').write('pwned')\n    except OSError as e:\n        print('refused', p, e)\n",
        _no_escape,  # the files may be created, but in private tmpfs mounts: `escapes()` finds none on the host
        modes=NS,
        why_not="legacy mode writes /dev/shm and /tmp of the host as the caller (documented)",
    ),
    Hostile(
        "nested_userns_remount",
        SYS + "import os\n"
        "uid, gid = os.getuid(), os.getgid()\n"
        "if libc.unshare(0x10000000 | 0x00020000) == 0:  # CLONE_NEWUSER | CLONE_NEWNS\n"
        "    open('/proc/self/setgroups', 'w').write('deny')\n"
        "    open('/proc/self/uid_map', 'w').write(f'0 {uid} 1')\n"
        "    open('/proc/self/gid_map', 'w').write(f'0 {gid} 1')\n"
        "    for target in (b'/', b'$outside', b'/tmp', b'$home'):\n"
        "        print('remount', target, libc.mount(None, target, None, ctypes.c_ulong(32 | 4096), None))\n"
        "        print('umount', target, libc.umount2(target, 2))\n"
        "for p in ('$outside/sentinel.txt', '$home/.ssh/id_rsa'):\n"
        "    try:\n        open(p, 'a').write('pwned')\n    except OSError as e:\n        print('refused', p, e)\n"
        "try:\n    print(open('$home/.ssh/id_rsa').read())\nexcept OSError as e:\n    print('refused read', e)\n",
        _ok_and("$secret"),
        modes=NS,
    ),
    # ---------------------------------------------------------------- secrets
    Hostile(
        "read_env_secrets",
        "import os\nprint(sorted(os.environ))\nprint(os.environ.get('LAM_HOSTILE_API_KEY'))\n"
        "print(open('/proc/self/environ', 'rb').read())\n",
        _secret_env,
    ),
    Hostile(
        "read_caller_environ",
        "import glob\n"
        "for p in ['/proc/$test_pid/environ', '/proc/$test_pid/cmdline'] + glob.glob('/proc/*/environ'):\n"
        "    try:\n        print(p, open(p, 'rb').read())\n    except OSError as e:\n        print('refused', p, e)\n",
        _ok_and("$secret"),
        modes=NS,
    ),
    Hostile(
        "read_ssh_key_and_home",
        "import os\n"
        "for p in ('$home/.ssh/id_rsa', os.path.expanduser('~/.ssh/id_rsa'), '/root/.ssh/id_rsa'):\n"
        "    try:\n        print(open(p).read())\n    except OSError as e:\n        print('refused', p, e)\n"
        "for d in ('$home', '$home/.ssh'):\n"
        "    try:\n        print(os.listdir(d))\n    except OSError as e:\n        print('refused', e)\n",
        _ok_and("$secret", "['.ssh']", "['id_rsa']"),
        modes=NS,
    ),
    Hostile(
        "read_caller_memory",
        "import re\n"
        "try:\n    maps = open('/proc/$test_pid/maps').read().splitlines()\n"
        "    mem = open('/proc/$test_pid/mem', 'rb')\n"
        "    for line in maps:\n        lo, hi = (int(x, 16) for x in line.split()[0].split('-'))\n"
        "        try:\n            mem.seek(lo)\n            if b'$secret' in mem.read(min(hi - lo, 2**22)):\n"
        "                print('ESCAPED secret in memory')\n        except OSError:\n            pass\n"
        "except OSError as e:\n    print('refused', e)\n",
        _ok_and("$secret"),
        modes=NS,
    ),
    # ---------------------------------------------------------------- network
    Hostile(
        "tcp_to_localhost_listener",
        "import socket\n"
        "for addr in [('127.0.0.1', $tcp_port), ('localhost', $tcp_port), ('0.0.0.0', $tcp_port)]:\n"
        "    try:\n        socket.create_connection(addr, timeout=2).sendall(b'leak')\n        print('ESCAPED', addr)\n"
        "    except OSError as e:\n        print('refused', addr, e)\n",
        _no_escape,
    ),
    Hostile(
        "udp_and_raw_sockets",
        "import socket\n"
        "try:\n    socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b'leak', ('127.0.0.1', $udp_port))\n"
        "    print('sent')\nexcept OSError as e:\n    print('refused udp', e)\n"
        "try:\n    socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)\n    print('ESCAPED raw')\n"
        "except OSError as e:\n    print('refused raw', e)\n"
        "try:\n    socket.socket(socket.AF_INET6).connect(('::1', $tcp_port))\n    print('ESCAPED v6')\n"
        "except OSError as e:\n    print('refused v6', e)\n",
        _no_escape,  # `received()` (checked after every run) proves the datagram never arrived
    ),
    Hostile(
        "abstract_unix_socket",
        "import socket\ns = socket.socket(socket.AF_UNIX)\n"
        "try:\n    s.connect('\\0$abstract')\n    s.sendall(b'leak')\n    print('ESCAPED')\n"
        "except OSError as e:\n    print('refused', e)\n",
        _no_escape,
        modes=NS,
        why_not="abstract unix sockets are per network namespace; legacy has one only where user namespaces work",
    ),
    # ---------------------------------------------------------------- kernel keyring
    Hostile(
        "keyring_list",
        KEYCTL + "for ring in (-3, -4, -5, -1, -2):\n"
        "    n = keyctl(11, ring, buf, 4096)\n"
        "    print('list', ring, n, [int.from_bytes(buf.raw[i:i + 4], 'little') for i in range(0, max(n, 0), 4)])\n"
        "    n = keyctl(6, ring, buf, 4096)\n    print('describe', ring, n, buf.value)\n",
        _keyring_refused,
        keyring=True,
    ),
    Hostile(
        "keyring_proc_keys",
        "for p in ('/proc/keys', '/proc/key-users'):\n"
        "    try:\n        print(open(p).read())\n    except OSError as e:\n        print('refused', p, e)\n",
        _keyring_refused,
        keyring=True,
        modes=NS,
        why_not="legacy mode sees the host's /proc/keys, which lists key names of the caller's uid (not payloads)",
    ),
    Hostile(
        "keyring_read_payload",
        KEYCTL + "n = keyctl(11, $key, buf, 4096)\nprint('key $key:', n, buf.raw[:max(n, 0)])\n"
        "n = keyctl(6, $key, buf, 4096)\nprint('key $key:', n, buf.value)\n"
        "print('search', keyctl(10, -3, b'user', b'$key_desc', 0))\n",
        _keyring_refused,
        keyring=True,
    ),
    Hostile(
        "keyring_add_and_request",
        KEYCTL + "for ring in (-3, -4, -5, -2, -1):\n"
        "    r = libc.syscall($add_key, b'user', b'evil-$marker', b'x', ctypes.c_size_t(1), ctypes.c_long(ring))\n"
        "    print('add', ring, r)\n"
        "print('request', libc.syscall($request_key, b'user', b'$key_desc', None, ctypes.c_long(-3)))\n"
        "print('join named', keyctl(1, b'_ses'))\n",
        _keyring_refused,
        keyring=True,
    ),
    Hostile(
        "keyring_unlink_revoke_update",
        KEYCTL + "print('unlink', keyctl(9, $key, -3))\nprint('revoke', keyctl(3, $key))\n"
        "print('update', keyctl(2, $key, b'evil', 4))\nprint('setperm', keyctl(5, $key, 0x3f3f3f3f))\n"
        "print('invalidate', keyctl(21, $key))\nprint('clear', keyctl(7, -3))\nprint('timeout', keyctl(15, $key, 1))\n",
        _keyring_refused,
        keyring=True,
    ),
    # ---------------------------------------------------------------- processes
    Hostile(
        "kill_supervisor",
        "import os, signal, time\n"
        "for _ in range(3):\n    if os.fork() == 0:\n        time.sleep(60)\n        os._exit(0)\n"
        "for sig in (signal.SIGKILL, signal.SIGTERM):\n"
        "    try:\n        os.kill(os.getppid(), sig)\n    except OSError as e:\n        print('refused', e)\n"
        "time.sleep(60)\n",
        _timed_out_within(2 + 5),
        kw={"timeout": 2},
    ),
    Hostile(
        "kill_supervisor_then_daemon",
        "import os, signal, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n        time.sleep(60)\n    os._exit(0)\n"
        "time.sleep(0.3)\n"
        "try:\n    os.kill(os.getppid(), signal.SIGKILL)\nexcept OSError as e:\n    print('refused', e)\n"
        "time.sleep(60)\n",
        _timed_out_within(2 + 5),
        kw={"timeout": 2},
        legacy_needs_cgroup=True,  # without one, the daemon outlives the run (documented)
    ),
    Hostile(
        "double_fork_daemon",
        "import os, time\n"
        "if os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
        "        os.close(1)\n        os.close(2)\n        time.sleep(60)\n"
        "        open('$outside/daemon-was-here', 'w').write('pwned')\n    os._exit(0)\n"
        "os.wait()\nprint('main done')\n",
        _returns_promptly,
    ),
    Hostile(
        "setsid_child_ignoring_signals",
        "import os, signal, time\n"
        "if os.fork() == 0:\n    os.setsid()\n"
        "    for s in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):\n        signal.signal(s, signal.SIG_IGN)\n"
        "    os.close(1)\n    os.close(2)\n    time.sleep(60)\n    os._exit(0)\n"
        "print('main done')\n",
        _returns_promptly,
    ),
    Hostile(
        "sleep_holding_stdout_after_return",
        "import os, time\nif os.fork() == 0:\n    time.sleep(60)\n    print('late')\n    os._exit(0)\n"
        "print('main done', flush=True)\n",
        _returns_promptly,
    ),
    Hostile(
        "ptrace_and_process_vm",
        SYS + "import os\n"
        "for pid in (os.getppid(), $test_pid, $decoy):\n"
        "    print('attach', pid, libc.syscall($ptrace, 16, pid, 0, 0), ctypes.get_errno())\n"
        "    print('seize', pid, libc.syscall($ptrace, 0x4206, pid, 0, 0), ctypes.get_errno())\n"
        "local = ctypes.create_string_buffer(64)\n"
        "iov = (ctypes.c_void_p * 2)(ctypes.cast(local, ctypes.c_void_p), 64)\n"
        "print('vm', libc.syscall($pvr, $test_pid, iov, 1, iov, 1, 0))\n",
        _all_refused,
    ),
    Hostile(
        "signal_host_processes",
        "import os, signal\n"
        "for f in (lambda: os.kill($decoy, signal.SIGKILL), lambda: os.kill($test_pid, signal.SIGSTOP),\n"
        "          lambda: os.killpg(os.getpgid($decoy), signal.SIGKILL)):\n"
        "    try:\n        f()\n    except OSError as e:\n        print('refused', e)\n"
        "try:  # every process it may signal (in its namespace: none but itself, which is excluded)\n"
        "    os.kill(-1, signal.SIGKILL)\nexcept OSError as e:\n    print('refused', e)\n"
        "print('still here')\n",
        _no_escape,
        modes=NS,
        why_not="legacy mode may signal the caller's processes (same uid): documented, and would kill this test",
    ),
    Hostile(
        "privileged_operations",
        SYS + "import os, socket\n"
        "for name, f in (('hostname', lambda: socket.sethostname('pwned')), ('setuid0', lambda: os.setuid(0)),\n"
        "                ('chroot', lambda: os.chroot('/tmp')), ('mknod', lambda: os.mknod('dev', 0o20666, 0x0501))):\n"
        "    try:\n        f()\n        print('ESCAPED', name)\n"
        "    except OSError as e:\n        print('refused', name, e)\n"
        "print('mount', libc.mount(b'tmpfs', b'/tmp', b'tmpfs', ctypes.c_ulong(0), None))\n"
        "print('umount', libc.umount2(b'/tmp', 2))\n",
        _mounts_refused,
    ),
    Hostile(
        "io_uring",
        SYS + "params = ctypes.create_string_buffer(120)\n"
        "print('io_uring', libc.syscall($io_uring_setup, 4, params), ctypes.get_errno())\n",
        _all_refused,
    ),
    Hostile(
        "inherited_fds",
        "import os\nprint(sorted(int(f) for f in os.listdir('/proc/self/fd'))[:-1])  # [:-1]: listdir's own\n",
        _only_std_fds,
    ),
    Hostile(
        "read_etc_shadow",
        "try:\n    print(open('/etc/shadow').read())\n    print('ESCAPED')\n"
        "except OSError as e:\n    print('refused', e)\n",
        _no_escape,
        modes=("full",),
        why_not="basic and legacy run as the caller's uid (root here), which may read /etc/shadow: documented",
    ),
]


@pytest.mark.parametrize("program", PROGRAMS, ids=[p.name for p in PROGRAMS])
def test_hostile_program_is_contained(program: Hostile, mode: str, world, hx, request):
    if mode not in program.modes:
        pytest.skip(f"{mode}: {program.why_not}")
    if program.name == "read_etc_shadow" and not os.path.exists("/etc/shadow"):
        pytest.skip("no /etc/shadow here")
    if program.legacy_needs_cgroup and mode == "legacy" and not _cgroup_pids():
        pytest.skip("legacy: contained only by a pids cgroup, and none is writable here")
    if (program.keyring or "$ptrace" in program.code or "$io_uring" in program.code) and hx.syscalls is None:
        pytest.skip(f"no system call numbers for {os.uname().machine}")
    keyring = request.getfixturevalue("keyring") if program.keyring else None
    values = {
        "outside": world.outside,
        "home": world.home,
        "secret": world.secret,
        "marker": world.marker,
        "test_pid": world.test_pid,
        "decoy": world.decoy,
        "tcp_port": world.tcp.getsockname()[1],
        "udp_port": world.udp.getsockname()[1],
        "abstract": world.abstract,
        "repo": hx.repo,
        "prefix": os.path.realpath(sys.base_prefix),
        "key": keyring.key if keyring else 0,
        "key_desc": keyring.description if keyring else "",
        **(hx.syscalls or {}),
    }
    code = Template(PREAMBLE + program.code).substitute(values)
    peak = _watch(hx, world.marker) if program.name == "fork_bomb" else None
    r = hx.run(mode, code, **program.kw)
    program.check(r, world, keyring)
    if peak is not None:
        peak["stop"] = True
        peak["thread"].join()
        assert 0 < peak["max"] <= program.kw["max_procs"] + 2  # RLIMIT_NPROC / pids cgroup (+ supervisors)
        assert subprocess.run(["true"], timeout=10).returncode == 0  # the host can still start processes
    assert hx.processes_named(world.marker) == []  # nothing the program started survives the run
    assert hx.leftovers(os.getpid()) == []  # temporary directory and cgroups removed
    world.assert_intact()
    assert world.received() == []


def _cgroup_pids() -> bool:
    from agents import sandbox

    return sandbox._cgroup_parent("pids") is not None


def _watch(hx, marker: str) -> dict:
    """Count the program's processes in the background (the peak of a fork bomb)."""
    state = {"max": 0, "stop": False}

    def loop():
        while not state["stop"]:
            state["max"] = max(state["max"], len(hx.processes_named(marker)))
            time.sleep(0.05)

    state["thread"] = threading.Thread(target=loop, daemon=True)
    state["thread"].start()
    return state
