"""The crash suite (slow): `lam ingest` SIGKILLed at random moments, then run again to completion, 20 trials. Every
trial must end with exactly the memory an uninterrupted ingest builds: the same chunks per source, no duplicate, no
lost chunk, and `LAMMemory.check` clean."""

from __future__ import annotations

import collections
import json
import math
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lam_memory import LAMMemory

STDLIB = Path(json.__file__).resolve().parents[1]
FILES = ("fnmatch.py", "bisect.py", "colorsys.py", "glob.py")  # ~6K tokens: start-up is most of an ingest
TRIALS = 20


def ingest(folder: Path, mem: Path) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "lam_memory.cli", "ingest", str(folder), "--memory", str(mem)]
    return subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def contents(mem: Path, encoder) -> tuple[dict[str, int], list[tuple]]:
    """Live chunks per source, and the (source, lines, text) keys that occur more than once."""
    with LAMMemory(mem, encoder=encoder, create=False, readonly=True) as m:
        chunks = [c for s in m.store.sources() for c in m.store.live_chunks(s)]
    keys = collections.Counter((c.source, c.start_line, c.end_line, c.text) for c in chunks)
    per_source = collections.Counter(c.source for c in chunks)
    return dict(per_source), [k for k, n in keys.items() if n > 1]


@pytest.mark.slow
def test_sigkill_at_random_moments_then_resume_equals_an_uninterrupted_ingest(tmp_path):
    folder = tmp_path / "src"
    folder.mkdir()
    for name in FILES:
        shutil.copy(STDLIB / name, folder / name)
    full_s = math.inf  # the quicker of two whole ingests: one slowed by other work would send most kills too late
    for name in ("reference", "again"):
        t0 = time.perf_counter()
        done = ingest(folder, tmp_path / name)
        assert done.wait(timeout=900) == 0, done.stderr.read()
        full_s = min(full_s, time.perf_counter() - t0)
    reference = tmp_path / "reference"
    encoder = LAMMemory().encoder
    want, dupes = contents(reference, encoder)
    assert not dupes and sum(want.values()) > 40

    rng = random.Random(0)
    killed_mid_way = 0
    for trial in range(TRIALS):
        mem = tmp_path / f"m{trial}"
        proc = ingest(folder, mem)
        time.sleep(rng.uniform(0.2, full_s))  # from start-up to the end of the ingest
        proc.send_signal(signal.SIGKILL)
        killed_mid_way += proc.wait(timeout=60) == -signal.SIGKILL
        if mem.exists() and (mem / "meta.json").exists():
            partial, dupes = contents(mem, encoder)
            assert not dupes, (trial, dupes[:3])
            done_sources = list(partial)[:-1]  # in arrival order: all but the file being read are whole
            assert all(partial[s] == want[s] for s in done_sources), trial
        resume = ingest(folder, mem)
        assert resume.wait(timeout=900) == 0, (trial, resume.stderr.read())
        got, dupes = contents(mem, encoder)
        assert not dupes, (trial, dupes[:3])
        assert got == want, trial
        assert LAMMemory.check(mem) == [], trial
    assert killed_mid_way >= TRIALS // 2  # most kills landed while the ingest ran
