"""Hostile-code tests for agents.sandbox: everything must stay contained and the host untouched."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import pytest

from agents.sandbox import SANDBOX_UID_MAX, SANDBOX_UID_MIN, run_python


def sandbox_pids() -> list[int]:
    """Host processes running under a sandbox uid (an independent /proc scan)."""
    pids = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                uid = int(next(ln for ln in open(f"/proc/{name}/status") if ln.startswith("Uid:")).split()[1])
            except (OSError, StopIteration, ValueError):
                continue
            if SANDBOX_UID_MIN <= uid < SANDBOX_UID_MAX:
                pids.append(int(name))
    return pids


def workdirs() -> set[str]:
    return set(glob.glob(os.path.join(os.environ.get("TMPDIR", "/tmp"), "lam-sandbox-*")))


def test_normal_program_stdout_stdin_exit_code():
    before = workdirs()
    r = run_python("import sys\ndata = sys.stdin.read()\nprint('got', data.upper())\nsys.exit(3)", stdin="hello")
    assert r.stdout == "got HELLO\n"
    assert r.exit_code == 3 and not r.ok and not r.timed_out and not r.truncated
    r = run_python("import json, collections\nprint(json.dumps(collections.Counter('aab')))")
    assert r.ok and r.stdout.strip() == '{"a": 2, "b": 1}' and r.stderr == ""
    assert 0 < r.duration < 5
    assert workdirs() == before  # the temporary directory is gone


def test_syntax_error_gives_stderr_and_nonzero_exit():
    r = run_python("def f(:\n    pass\n")
    assert r.exit_code not in (0, None) and not r.ok
    assert "SyntaxError" in r.stderr


def test_private_workdir_and_extra_files():
    code = (
        "import os, stat, helper\n"
        "st = os.stat('.')\n"
        "print(oct(stat.S_IMODE(st.st_mode)), st.st_uid == os.getuid(), os.environ['HOME'] == os.getcwd())\n"
        "open('out.txt', 'w').write('x' * 1000)\n"
        "print(helper.VALUE, sorted(os.listdir('.')))\n"
    )
    r = run_python(code, files={"helper.py": "VALUE = 42\n"})
    assert r.ok, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0] == "0o700 True True"
    assert lines[1] == "42 ['helper.py', 'main.py', 'out.txt']"
    with pytest.raises(ValueError):
        run_python("pass", files={"../escape.py": ""})


def test_infinite_loop_is_killed_within_timeout():
    t0 = time.monotonic()
    r = run_python("while True:\n    pass\n", timeout=2)
    assert r.timed_out and r.exit_code is None and not r.ok
    assert time.monotonic() - t0 < 2 + 2
    assert sandbox_pids() == []


def test_fork_bomb_is_contained():
    result = {}
    bomb = "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n"
    th = threading.Thread(target=lambda: result.setdefault("r", run_python(bomb, timeout=3, max_procs=32)))
    th.start()
    time.sleep(1.5)
    peak = len(sandbox_pids())
    t0 = time.monotonic()
    subprocess.run(["true"], check=True)  # the host can still start processes
    assert time.monotonic() - t0 < 2
    th.join(30)
    r = result["r"]
    assert r.timed_out and not r.ok
    if "uid" in r.isolation:
        assert 0 < peak <= 32 + 1  # RLIMIT_NPROC for the run's own uid (+ the namespace init)
        assert sandbox_pids() == []  # nothing survives the run


def test_daemonised_child_does_not_outlive_the_run():
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\nprint('parent done')\n"
    t0 = time.monotonic()
    r = run_python(code, timeout=20)
    assert r.ok and r.stdout == "parent done\n"
    if "pidns" in r.isolation:
        assert time.monotonic() - t0 < 10
        assert sandbox_pids() == []


def test_memory_bomb_fails_and_host_is_fine():
    r = run_python("chunks = []\nwhile True:\n    chunks.append(bytearray(50 * 2**20))\n", timeout=10, memory_mb=256)
    assert not r.ok and not r.timed_out
    assert "MemoryError" in r.stderr or (r.exit_code or 0) < 0
    # many processes each under RLIMIT_AS: the per-run memory cgroup (where available) bounds the total
    code = (
        "import os, time\n"
        "for _ in range(12):\n"
        "    if os.fork() == 0:\n"
        "        b = bytearray(200 * 2**20)\n"
        "        time.sleep(20)\n"
        "        os._exit(0)\n"
        "time.sleep(1.5)\nprint('main alive')\n"
    )
    r = run_python(code, timeout=10, memory_mb=256)
    assert r.stdout == "main alive\n" and not r.timed_out
    assert sandbox_pids() == [] or "uid" not in r.isolation


@pytest.fixture
def outside_dir():
    """A world-readable directory outside /tmp (so the sandbox can see it, unlike pytest's tmp_path)."""
    d = Path(tempfile.mkdtemp(prefix=".sandbox-test-", dir=Path(__file__).resolve().parents[2]))
    d.chmod(0o755)
    try:
        yield d
    finally:
        shutil.rmtree(d)


def test_writes_outside_the_workdir_do_not_reach_the_host(tmp_path, outside_dir):
    targets = [outside_dir / "target.txt", tmp_path / "target.txt"]
    for t in targets:
        t.write_text("original")
        t.chmod(0o644)
    new = [outside_dir / "created.txt", tmp_path / "created.txt", Path("/etc/lam-sandbox-escape")]
    escape = Path("/tmp") / f"lam-sandbox-escape-{os.getpid()}"
    paths = [str(p) for p in targets + new + [escape]]
    code = (
        f"for p in {paths!r}:\n"
        "    try:\n"
        "        open(p, 'a').write('pwned')\n"
        "        print('wrote', p)\n"
        "    except OSError as e:\n"
        "        print('refused', p, type(e).__name__)\n"
    )
    r = run_python(code)
    assert r.ok, r.stderr
    assert all(t.read_text() == "original" for t in targets)
    assert not any(p.exists() for p in new)
    refusals = ("PermissionError", "FileNotFoundError", "OSError")  # another user's; hidden (/tmp); read-only
    if "uid" in r.isolation or "ro-root" in r.isolation:
        assert any(f"refused {targets[0]} {e}" in r.stdout for e in refusals)
        assert any(f"refused {new[0]} {e}" in r.stdout for e in refusals)
    if "mountns" in r.isolation:  # /tmp inside is a private tmpfs
        assert not escape.exists()
    escape.unlink(missing_ok=True)


def test_deleting_files_outside_fails(tmp_path, outside_dir):
    for d in (outside_dir, tmp_path):
        (d / "sentinel.txt").write_text("keep me")
        (d / "sentinel.txt").chmod(0o644)
    code = (
        "import os, shutil\n"
        f"for d in {[str(outside_dir), str(tmp_path)]!r}:\n"
        "    s = os.path.join(d, 'sentinel.txt')\n"
        "    for f in (lambda: os.remove(s), lambda: os.rename(s, s + '.stolen'), lambda: shutil.rmtree(d)):\n"
        "        try:\n"
        "            f()\n"
        "            print('done')\n"
        "        except OSError as e:\n"
        "            print(type(e).__name__)\n"
        "print(open(os.path.join(d, 'sentinel.txt')).read() if os.path.exists(d) else 'hidden')\n"
    )
    r = run_python(code)
    assert r.ok, r.stderr
    assert "done" not in r.stdout
    assert (outside_dir / "sentinel.txt").read_text() == "keep me"
    assert (tmp_path / "sentinel.txt").read_text() == "keep me"
    if "uid" in r.isolation:  # refused (read-only, another user's), or hidden under the sandbox's private /tmp
        assert all(line in ("PermissionError", "FileNotFoundError", "OSError") for line in r.stdout.splitlines()[:3])
        assert len(r.stdout.splitlines()) >= 3


@pytest.mark.parametrize("isolation", ["auto", "basic"])
def test_no_network_even_to_localhost(isolation):
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(0.5)
    port = server.getsockname()[1]
    code = (
        "import socket\n"
        "s = socket.socket()\n"
        "s.settimeout(3)\n"
        "try:\n"
        f"    s.connect(('127.0.0.1', {port}))\n"
        "    s.sendall(b'leak')\n"
        "    print('connected')\n"
        "except OSError as e:\n"
        "    print('blocked', type(e).__name__)\n"
    )
    try:
        r = run_python(code, isolation=isolation)
        assert r.ok, r.stderr
        assert r.stdout.startswith("blocked")
        with pytest.raises(TimeoutError):
            server.accept()  # no connection ever arrived
    finally:
        server.close()


@pytest.mark.parametrize("isolation", ["auto", "basic"])
def test_environment_secrets_are_not_visible(monkeypatch, isolation):
    secret = "s3cr3t-" + str(os.getpid())
    monkeypatch.setenv("LAM_SANDBOX_TEST_SECRET", secret)
    code = (
        "import os, glob\n"
        "print(sorted(os.environ))\n"
        "print(os.environ.get('LAM_SANDBOX_TEST_SECRET'))\n"
        "for p in glob.glob('/proc/*/environ'):\n"
        "    try:\n"
        "        print(open(p, 'rb').read().decode('latin-1'))\n"
        "    except OSError:\n"
        "        pass\n"
    )
    r = run_python(code, isolation=isolation)
    assert r.ok, r.stderr
    names = eval(r.stdout.splitlines()[0])
    assert set(names) <= {"PATH", "LANG", "LC_ALL", "HOME", "TMPDIR", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE"}
    assert r.stdout.splitlines()[1] == "None"
    if "pidns" in r.isolation:  # host processes (ours included) are not even visible
        assert secret not in r.stdout


def test_basic_isolation_still_times_out():
    r = run_python("while True:\n    pass\n", timeout=1.5, isolation="basic")
    assert r.timed_out and r.duration < 4


def test_huge_output_is_truncated_quickly():
    t0 = time.monotonic()
    r = run_python("while True:\n    print('x' * 1000)\n", timeout=20, max_output_bytes=50_000)
    assert r.truncated and not r.ok
    assert len(r.stdout) <= 50_000
    assert time.monotonic() - t0 < 10  # stopped at the cap, not at the timeout
    r = run_python("import sys\nsys.stderr.write('e' * 10**6)\n", max_output_bytes=1000)
    assert r.truncated and len(r.stderr) <= 1000


def test_file_size_and_disk_limits():
    r = run_python("open('big', 'wb').write(b'x' * (20 * 2**20))\n", max_file_mb=8)
    assert not r.ok and "File too large" in r.stderr


def test_daemon_in_basic_isolation_is_reaped():
    code = "import os, time\nif os.fork() == 0:\n    os.setsid()\n    time.sleep(60)\nprint('parent done')\n"
    t0 = time.monotonic()
    r = run_python(code, timeout=20, isolation="basic")
    assert r.ok and r.stdout == "parent done\n"
    if "subreaper" in r.isolation:  # the orphan re-parented to the supervisor, which killed it
        assert time.monotonic() - t0 < 10


UNPRIVILEGED = """
import sys
sys.path.insert(0, %r)
from agents.sandbox import run_python
bomb = "import os\\nwhile True:\\n    try:\\n        os.fork()\\n    except OSError:\\n        pass\\n"
r = run_python(bomb, timeout=2, max_procs=16)
print("bomb", r.timed_out, r.isolation)
net = "import socket\\ntry:\\n    socket.create_connection(('127.0.0.1', 9))\\nexcept OSError:\\n    print('blocked')"
r = run_python(net)
print("net", r.stdout.strip())
"""


def _nobody_pids() -> int:
    count = 0
    for n in os.listdir("/proc"):
        try:
            count += n.isdigit() and os.stat(f"/proc/{n}").st_uid == 65534
        except OSError:
            pass
    return count


@pytest.mark.skipif(
    os.geteuid() != 0 or not shutil.which("setpriv") or not os.path.exists("/usr/bin/python3"),
    reason="needs root, setpriv and a system python3 to run the sandbox as an unprivileged user",
)
def test_unprivileged_caller_gets_basic_isolation():
    """The sandbox called by an ordinary user (nobody): fork bomb bounded by RLIMIT_NPROC, then reaped."""
    before = _nobody_pids()
    script = UNPRIVILEGED % str(Path(__file__).resolve().parents[2])
    cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/python3", "-c", script]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    assert "bomb True" in out.stdout and ("'pidns'" in out.stdout or "'subreaper'" in out.stdout)
    assert "net blocked" in out.stdout
    time.sleep(0.5)
    assert _nobody_pids() <= before
