"""Grading in the sandbox: a solution runs against the problem's own tests (`run_problem`), and the oracle.

`oracle(suite)` runs every reference solution (must pass) and a deliberately broken variant of each
(`Problem.broken()`, must fail) through the same harness; with `mode="memory"` (or "full") it grades with those
modes' test programs (planted helpers before the solution), checking that references still pass that way.
"""

from __future__ import annotations

import importlib.util
import signal
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.sandbox import run_python
from evals.coding.config import DEFAULT_CONFIG, CodingConfig
from evals.coding.datasets import Problem, load_problems
from evals.coding.spec import with_helpers
from lam_memory import LAMError


@lru_cache(maxsize=1)
def _sortedcontainers() -> dict[str, bytes]:
    """Sources of the `sortedcontainers` package, which LeetCode's judge provides: LeetCodeDataset's test preamble
    imports it in 17 of 228 problems and reference solutions use it; the sandbox has no site-packages, so the
    files are copied beside the program."""
    spec = importlib.util.find_spec("sortedcontainers")
    if spec is None or not spec.submodule_search_locations:
        raise LAMError("LeetCodeDataset tests import sortedcontainers: pip install 'sortedcontainers>=2.4'")
    pkg = Path(next(iter(spec.submodule_search_locations)))
    return {f"sortedcontainers/{f.name}": f.read_bytes() for f in sorted(pkg.glob("*.py"))}


def support_files(problem: Problem) -> dict[str, bytes]:
    """Extra importable files a problem's test program needs in the sandbox."""
    return _sortedcontainers() if problem.suite == "leetcode" else {}


def run_problem(
    problem: Problem, code: str, timeout: float | None = None, config: CodingConfig = DEFAULT_CONFIG
) -> dict:
    """Run `code` against the problem's tests in the sandbox (limits: the suite's in `config`, or `timeout`
    seconds of wall and CPU time)."""
    res = run_python(
        problem.test_program(code),
        timeout=timeout or config.timeouts[problem.suite],
        cpu_seconds=None if timeout else config.cpu_seconds[problem.suite],
        memory_mb=config.memory_mb,
        max_output_bytes=config.max_output_bytes,
        files=support_files(problem),
    )
    err = res.stderr.strip().splitlines()
    return {
        "id": problem.id,
        "passed": res.ok,
        "duration": round(res.duration, 3),
        "exit_code": res.exit_code,
        "timed_out": res.timed_out,
        "error": "" if res.ok else _error(res.timed_out, res.exit_code, err[-1][:300] if err else ""),
    }


def _error(timed_out: bool, exit_code: int | None, last_line: str) -> str:
    if timed_out:
        return "wall-time limit"
    if exit_code == -signal.SIGXCPU:
        return "cpu-time limit"
    if exit_code == -signal.SIGKILL:
        return "killed (cpu or memory limit)"
    return last_line or f"exit status {exit_code}"


def _pool_map(
    fn: Callable[[Any], dict], items: list, workers: int, on_done: Callable[[dict], None] | None
) -> list[dict]:
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = []
        for r in pool.map(fn, items):
            results.append(r)
            if on_done:
                on_done(r)
    return results


def oracle(
    suite: str,
    limit: int | None = None,
    timeout: float | None = None,
    workers: int | None = None,
    on_result: Callable[[dict], None] | None = None,
    mode: str = "plain",
    config: CodingConfig = DEFAULT_CONFIG,
) -> dict:
    """Reference solutions must all pass, broken variants must all fail. Returns the rates and the exceptions.
    `mode` "memory" or "full" grades with those modes' test programs (planted helpers before the solution);
    `workers` defaults to `config.workers`."""
    workers = config.workers if workers is None else workers
    problems = load_problems(suite, limit)
    if mode != "plain":
        problems = [with_helpers(p) for p in problems]
    jobs = [(p, "canonical") for p in problems] + [(p, "wrong") for p in problems]

    def one(job: tuple[Problem, str]) -> dict:
        p, variant = job
        r = run_problem(p, p.reference if variant == "canonical" else p.broken(), timeout, config)
        r["variant"] = variant
        return r

    t0 = time.monotonic()
    results = _pool_map(one, jobs, workers, on_result)
    canon = [r for r in results if r["variant"] == "canonical"]
    wrong = [r for r in results if r["variant"] == "wrong"]
    n = len(problems)
    return {
        "suite": suite,
        "problems": n,
        "canonical_pass_rate": sum(r["passed"] for r in canon) / n,
        "wrong_pass_rate": sum(r["passed"] for r in wrong) / n,
        "failures": [r for r in canon if not r["passed"]] + [r for r in wrong if r["passed"]],
        "max_canonical_seconds": max(r["duration"] for r in canon),
        "seconds": round(time.monotonic() - t0, 1),
        "timeout": timeout or config.timeouts[suite],
        "workers": workers,
        "mode": mode,
    }
