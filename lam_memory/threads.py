"""Threads for encoding on a shared CPU: as many as there are cores that other processes leave free.

torch runs each operation on a team of threads that meet at a barrier when it ends, so a team goes at the pace of
its slowest member. The LAM encoder makes many small calls (the recurrence's chunkwise steps), hence many barriers.
When another process (the local LLM decoding, a build, a test run) takes a core, one member of a two-thread team
waits for the scheduler at every barrier while the other spins: on 2 cores beside two busy processes, code ingest
fell from 5,911 cl100k tokens/s to 1,021 at a fixed 2 threads, and ran at 2,080 with this policy
(`lam bench workloads`; docs/RESULTS.md, "Ingest by workload"). The compiled CPU kernel (`lam_memory.ops.cpu`)
made the recurrence one call per layer, but the dense layers' teams still meet at barriers: with the kernel, a fixed
2 threads beside two busy processes slowed code / prose / chat ingest 4.5x / 3.1x / 5.3x, this policy 2.6x each.

So between encoder batches `CoreShare` measures how much CPU the rest of the machine used since the last batch
(the kernel's busy time from /proc/stat minus this process's own CPU time, spinning included) and the next batch
runs on round(cores - others) threads, at least 1 and at most the count the caller set. The rule has no tuned
constant: it is the count of free cores, and the measurement is the last batch's (a fraction of a second). Where
/proc/stat cannot be read (not Linux), or with LAM_THREADS=fixed, the caller's count is kept. Counts are
machine-wide (/proc/stat's), so a process pinned to a few cores of a busy larger machine may pick fewer threads
than its cores could run.
"""

from __future__ import annotations

import os
import time

import torch

_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _busy_seconds() -> float | None:
    """CPU seconds all processes spent busy since boot (user, nice, system, irq, softirq, steal), or None."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != b"cpu" or len(fields) < 9:
        return None
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(x) for x in fields[1:9])
    return (user + nice + system + irq + softirq + steal) / _TICK


class CoreShare:
    """Picks the thread count of each encoder batch from the cores the rest of the machine left free."""

    def __init__(self) -> None:
        self.cores = os.cpu_count() or 1
        self.enabled = os.environ.get("LAM_THREADS", "").lower() != "fixed"
        self._last = self._sample() if self.enabled else None

    @staticmethod
    def _sample() -> tuple[float, float, float] | None:
        busy = _busy_seconds()
        return None if busy is None else (time.monotonic(), busy, time.process_time())

    def others(self) -> float | None:
        """Cores the other processes kept busy, on average, since the last call (None: not measured)."""
        now = self._sample() if self.enabled else None
        last, self._last = self._last, now
        if now is None or last is None or now[0] - last[0] < 0.01:
            return None
        wall, busy, own = (a - b for a, b in zip(now, last, strict=True))
        return max(0.0, busy - own) / wall

    def pick(self, most: int) -> int:
        """Set and return the thread count for the next batch: the free cores, between 1 and `most`."""
        others = self.others() if most > 1 else None
        threads = most if others is None else max(1, min(most, round(self.cores - others)))
        if threads != torch.get_num_threads():
            torch.set_num_threads(threads)
        return threads
