"""The encoder's thread policy: as many threads as other processes leave cores free (lam_memory.threads)."""

import subprocess
import sys
import time

import pytest
import torch

from lam_memory import threads


class _Clock:
    """Fake /proc/stat and clocks: `others` busy cores and this process's own CPU per wall second."""

    def __init__(self, monkeypatch, others: float, own: float = 1.0):
        self.t, self.others, self.own = 0.0, others, own
        monkeypatch.setattr(threads, "_busy_seconds", lambda: (self.others + self.own) * self.t)
        monkeypatch.setattr(threads.time, "monotonic", lambda: self.t)
        monkeypatch.setattr(threads.time, "process_time", lambda: self.own * self.t)


@pytest.mark.parametrize(("cores", "others", "most", "want"), [
    (2, 0.0, 2, 2), (2, 0.4, 2, 2), (2, 0.7, 2, 1), (2, 2.0, 2, 1), (16, 5.0, 8, 8), (16, 12.2, 8, 4),
    (16, 16.0, 8, 1), (2, 0.0, 1, 1),
])  # fmt: skip
def test_threads_are_the_free_cores_between_one_and_the_callers_count(monkeypatch, cores, others, most, want):
    clock = _Clock(monkeypatch, others)
    share = threads.CoreShare()
    share.cores = cores
    before = torch.get_num_threads()
    try:
        clock.t = 1.0
        assert share.pick(most) == want and torch.get_num_threads() == want
    finally:
        torch.set_num_threads(before)


def test_without_a_measurement_or_when_fixed_the_callers_count_is_kept(monkeypatch):
    before = torch.get_num_threads()
    try:
        monkeypatch.setattr(threads, "_busy_seconds", lambda: None)  # not Linux
        assert threads.CoreShare().pick(2) == 2
        monkeypatch.setenv("LAM_THREADS", "fixed")
        _Clock(monkeypatch, others=2.0)
        share = threads.CoreShare()
        time.sleep(0.02)
        assert share.others() is None and share.pick(2) == 2
    finally:
        torch.set_num_threads(before)


def test_a_busy_process_is_measured_as_busy():
    """Real /proc/stat and a real spinning process: it is counted as another process's load, not ours."""
    share = threads.CoreShare()
    if threads._busy_seconds() is None:
        pytest.skip("no /proc/stat here")
    loop = "import time\nend = time.time() + 1.5\nwhile time.time() < end: pass"
    spin = subprocess.Popen([sys.executable, "-c", loop])
    try:
        time.sleep(0.3)
        share.others()
        time.sleep(1.0)
        assert share.others() >= 0.5
    finally:
        spin.wait()


def test_encode_gives_back_the_callers_thread_count(monkeypatch):
    from lam_memory.encoder import load_encoder

    enc = load_encoder()
    clock = _Clock(monkeypatch, others=64.0)  # every core busy: batches run on one thread
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    seen = []
    set_threads = torch.set_num_threads
    monkeypatch.setattr(torch, "set_num_threads", lambda n: (seen.append(n), set_threads(n)))
    try:
        enc._cores = threads.CoreShare()
        clock.t = 1.0
        out = enc.encode(["a short text", "a much longer text " * 200], batch_size=1)
        assert out.shape == (2, enc.dim) and seen == [1, 2] and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
