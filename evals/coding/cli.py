"""`lam eval leetcode`: the oracle, or a resumable generation run in plain, memory or full mode (`main`).

Results go to FILE's `.jsonl` sibling (else `runs/coding-SUITE-MODE.jsonl`), one line per problem: `run_suite`
skips ids already in the file with the same settings (model, sampling, seed, budget, encoder), so a rerun resumes
and a run with other settings redoes them. The memory of memory mode is cached beside the results.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from evals.coding.config import DEFAULT_CONFIG, CodingConfig
from evals.coding.datasets import Problem, load_problems
from evals.coding.grade import oracle, run_problem
from evals.coding.history import PIECE_KINDS, History, build_history, history_memory
from evals.coding.solve import Counter, LLMCall, full_solver, memory_solver, solve
from evals.coding.spec import with_helpers
from lam_memory import LAMError

MODES = ("plain", "memory", "full")
MEANS = ("evidence_recall", "context_tokens", "prompt_tokens")  # per-row numbers that summaries average
Solver = Callable[[Problem], str | dict]  # the code, or a dict with "code" and fields to record


# ---------------------------------------------------------------------------------------- resumable run loop


def done_ids(path: Path, mode: str, settings: dict | None = None) -> dict[str, dict]:
    """Rows already in a results JSONL for `mode` and made with `settings` (each key equal), by id (for resuming):
    rows of a run with another model, seed, budget or encoder are not results of this one."""
    rows: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            if row.get("mode") == mode and all(row.get(k) == v for k, v in (settings or {}).items()):
                rows[row["id"]] = row
    return rows


def run_suite(
    problems: Iterable[Problem],
    solver: Solver,
    results_path: str | Path,
    *,
    mode: str = "plain",
    timeout: float | None = None,
    extra: dict | None = None,
    on_result: Callable[[dict], None] | None = None,
    config: CodingConfig = DEFAULT_CONFIG,
) -> dict:
    """Solve and test each problem, appending `{"id","passed","duration","mode",...}` per line to `results_path`;
    problems already there (same mode, same `extra` settings) are skipped. `solver` returns the code, or a dict
    with "code" and fields to record (memory/full modes: evidence recall, context tokens, ...). Returns pass@1
    over all rows of this run's problems, and the means of the MEANS fields where rows have them."""
    path = Path(results_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    problems = list(problems)
    rows = done_ids(path, mode, extra)
    for p in problems:
        if p.id in rows:
            continue
        t0 = time.monotonic()
        out = solver(p)
        gen_s = time.monotonic() - t0
        info = dict(out) if isinstance(out, dict) else {"code": out}
        code = info.pop("code")
        row = run_problem(p, code, timeout, config)
        row |= {"mode": mode, "suite": p.suite, "generate_seconds": round(gen_s, 3)}
        row = (extra or {}) | info | row
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        rows[p.id] = row
        if on_result:
            on_result(row)
    return _summary([rows[p.id] for p in problems], mode)


def _summary(rows: list[dict], mode: str) -> dict:
    """pass@1 over `rows` and the means of the MEANS fields where rows have them."""
    passed = sum(bool(r["passed"]) for r in rows)
    out = {"problems": len(rows), "passed": passed, "pass_at_1": passed / len(rows) if rows else 0.0, "mode": mode}
    for key in MEANS:
        vals = [r[key] for r in rows if isinstance(r.get(key), int | float)]
        if vals:
            out[key] = sum(vals) / len(vals)
    return out


# ------------------------------------------------------------------------------------------------------ main


def main(
    args: argparse.Namespace,
    llm_call: LLMCall | None = None,
    meta: dict | None = None,
    count: Counter | None = None,
    context_length: int | None = None,
    config: CodingConfig = DEFAULT_CONFIG,
) -> int:
    """`lam eval leetcode [--oracle] [--suite S] [--mode plain|memory|full] [--limit N] [--seed S] [--budget N]
    [--json FILE]`. Without --oracle, generation needs `llm_call` (messages -> answer text; the caller wires the
    LLM); `meta` (model, sampling settings) is recorded in every result row and in the summary; `count` (messages
    -> prompt tokens, the LLM's own tokenizer) and `context_length` keep memory/full prompts inside the model's
    window. Results go to FILE's `.jsonl` sibling (else `runs/coding-SUITE-MODE.jsonl`), one line per problem,
    and a rerun skips the problems already there; the memory of memory mode is cached beside it. `config` holds
    the run's sandbox limits, history size and token budgets."""
    suite = getattr(args, "code_suite", None) or "humaneval"
    limit = getattr(args, "limit", None)
    json_path = getattr(args, "json", None)
    mode = getattr(args, "mode", "plain") or "plain"
    if mode not in MODES:
        raise LAMError(f"unknown mode {mode!r} (choose from plain, memory, full)")
    console = Console(stderr=True)
    problems = load_problems(suite, limit)
    if getattr(args, "oracle", False):
        return _oracle_main(suite, problems, mode, json_path, console, config)
    if llm_call is None:
        raise LAMError("coding generation needs an LLM endpoint (--base-url URL --model NAME, or the local server)")
    run = _plan(args, suite, mode, problems, json_path, meta, context_length, config)
    already = _resume(run, console)
    solver = _solver(run, already, llm_call, count, context_length, console)
    summary = _run_loop(run, solver, already, console, config)
    _report(run, summary, json_path, console)
    return 0


def _progress(console: Console) -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console)


# ------------------------------------------------------------------------------------------------- oracle


def _oracle_main(
    suite: str, problems: list[Problem], mode: str, json_path: str | None, console: Console, config: CodingConfig
) -> int:
    """Run the oracle on `problems` (the suite's first ones) under a progress bar, print its table and failures,
    write FILE; 0 iff references all pass and broken variants all fail."""
    counts = {"canonical": [0, 0], "wrong": [0, 0]}
    with _progress(console) as bar:
        task = bar.add_task(f"oracle {suite}", total=2 * len(problems))

        def tick(r: dict) -> None:
            c = counts[r["variant"]]
            c[0] += r["passed"]
            c[1] += 1
            rate = lambda v: f"{counts[v][0] / counts[v][1]:.3f}" if counts[v][1] else "-"
            desc = f"oracle {suite} canonical {rate('canonical')} wrong {rate('wrong')}"
            bar.update(task, advance=1, description=desc)

        report = oracle(suite, limit=len(problems), on_result=tick, mode=mode, config=config)
    table = Table(title=f"coding oracle: {suite}" + (f" ({mode} mode programs)" if mode != "plain" else ""))
    for col in ("problems", "canonical pass", "wrong pass", "failures", "seconds"):
        table.add_column(col, justify="right")
    table.add_row(
        str(report["problems"]),
        f"{report['canonical_pass_rate']:.3f}",
        f"{report['wrong_pass_rate']:.3f}",
        str(len(report["failures"])),
        f"{report['seconds']:.1f}",
    )
    Console().print(table)
    for f in report["failures"][:20]:
        console.print(f"[red]{f['variant']} {f['id']}[/red]: {f['error']}")
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    ok = report["canonical_pass_rate"] == 1.0 and report["wrong_pass_rate"] == 0.0
    return 0 if ok else 1


# ---------------------------------------------------------------------------------------------- generation


@dataclass
class _Run:
    """A generation run: its problems (memory/full: with the planted helpers), where results go, the settings
    recorded in every row (`meta`), and for memory/full modes the history, `setup` (seed, history facts, budget,
    encoder), the memory budget and the answer's tokens."""

    suite: str
    mode: str
    problems: list[Problem]
    results: Path
    meta: dict
    setup: dict = field(default_factory=dict)
    history: History | None = None
    budget: int = 0
    max_tokens: int = 0


def _plan(
    args: argparse.Namespace,
    suite: str,
    mode: str,
    problems: list[Problem],
    json_path: str | None,
    meta: dict | None,
    context_length: int | None,
    config: CodingConfig,
) -> _Run:
    """The run's settings; memory and full modes build the history here."""
    results = Path(json_path).with_suffix(".jsonl") if json_path else Path("runs") / f"coding-{suite}-{mode}.jsonl"
    run = _Run(suite, mode, problems, results, dict(meta or {}))
    seed = int(getattr(args, "seed", 0) or 0)
    if mode == "plain":
        return run
    from lam_memory.encoder import weights_id

    run.history = build_history(problems, seed, config)
    run.problems = [with_helpers(p) for p in problems]
    h = run.history
    run.setup = {
        "seed": seed,
        "history": {"tokens": h.tokens(), "chunks": len(h.chunks), "digest": h.digest(), "pieces": list(PIECE_KINDS)},
    }
    run.max_tokens = int(run.meta.get("max_tokens") or config.answer_tokens)
    if mode == "memory":
        run.budget = int(getattr(args, "budget", None) or config.budget)
        if context_length:  # never more than the window minus the answer (and the question's own tokens)
            run.budget = min(run.budget, context_length - run.max_tokens - 200)
        if run.budget < 64:
            raise LAMError(f"no room for memory context: budget {run.budget} tokens")
        run.setup |= {"budget": run.budget, "encoder": weights_id()}
    run.meta |= {k: v for k, v in run.setup.items() if k != "history"}
    return run


def _resume(run: _Run, console: Console) -> list[dict]:
    """The rows of this run already in the results (same settings); says how many others are redone."""
    same, any_settings = done_ids(run.results, run.mode, run.meta), done_ids(run.results, run.mode)
    already = [same[p.id] for p in run.problems if p.id in same]
    redo = sum(p.id in any_settings for p in run.problems) - len(already)
    if redo:
        console.print(
            f"{run.results}: {redo} earlier results were made with other settings (model, seed, budget or "
            "encoder); solving those problems again",
            soft_wrap=True,
        )
    return already


def _solver(
    run: _Run,
    already: list[dict],
    llm_call: LLMCall,
    count: Counter | None,
    context_length: int | None,
    console: Console,
) -> Solver:
    """The mode's solver; memory mode ingests (or reuses) the history's memory unless every problem is done."""
    if run.mode == "plain":
        return lambda p: solve(p, llm_call)
    assert run.history is not None
    if run.mode == "full":
        return full_solver(run.history, llm_call, count, context_length, run.max_tokens)
    memory = history_memory(run.history, run.results.parent, console) if len(already) < len(run.problems) else None
    if memory is not None:
        run.setup["history"]["memory"] = str(memory.path)
    return memory_solver(memory, run.history, llm_call, run.budget, count, context_length, run.max_tokens)


def _run_loop(run: _Run, solver: Solver, already: list[dict], console: Console, config: CodingConfig) -> dict:
    """`run_suite` under a progress bar showing pass@1 (and evidence recall) so far; the summary of the run."""
    has_recall = run.mode != "plain"
    seen = [sum(bool(r["passed"]) for r in already), len(already), sum(r.get("evidence_recall", 0) for r in already)]

    def describe() -> str:
        text = f"{run.suite} {run.mode}"
        if seen[1]:
            text += f" pass@1 {seen[0] / seen[1]:.3f}"
            if has_recall:
                text += f" evidence {seen[2] / seen[1]:.3f}"
        return text

    with _progress(console) as bar:
        task = bar.add_task(describe(), total=len(run.problems), completed=len(already))

        def tick(r: dict) -> None:
            seen[0] += bool(r["passed"])
            seen[1] += 1
            seen[2] += r.get("evidence_recall", 0)
            bar.update(task, advance=1, description=describe())

        summary = run_suite(
            run.problems, solver, run.results, mode=run.mode, extra=run.meta, on_result=tick, config=config
        )
    summary |= {"suite": run.suite, "results": str(run.results), "meta": run.meta}
    return summary | ({"history": run.setup["history"]} if run.setup else {})


def _report(run: _Run, summary: dict, json_path: str | None, console: Console) -> None:
    """Print the summary table (and the history's size) and write FILE."""
    has_recall = run.mode != "plain"
    title = f"coding: {run.suite} ({run.mode})" + (f", {run.meta['model']}" if run.meta.get("model") else "")
    table = Table(title=title)
    cols = ["problems", "passed", "pass@1"] + (["evidence recall", "context tokens"] if has_recall else [])
    for col in cols:
        table.add_column(col, justify="right")
    cells = [str(summary["problems"]), str(summary["passed"]), f"{summary['pass_at_1']:.3f}"]
    if has_recall:
        cells += [f"{summary.get('evidence_recall', 0):.3f}", f"{summary.get('context_tokens', 0):.0f}"]
    table.add_row(*cells)
    Console().print(table)
    if run.setup:
        h = run.setup["history"]
        console.print(f"history: {h['tokens']:,} tokens, {h['chunks']:,} chunks, sha256 {h['digest'][:12]}")
    if json_path:
        Path(json_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
