"""Coding evals: HumanEval, MBPP and LeetCodeDataset problems run against their tests in the sandbox.

- `load_problems(suite, limit)` reads `shared/data` (see its SOURCES.md): "humaneval" (164), "mbpp" (the test split,
  task_id 11..510 of the full set = 500) and "leetcode" (LeetCodeDataset v0.3.1 test, 228).
- `Problem.test_program(code)` builds the program that runs the problem's own tests against `code`, a complete
  piece of Python (what `extract_code` returns): the test passes iff that program exits 0.
- `oracle(suite)` runs every reference solution (must pass) and a deliberately broken variant of each (must fail)
  through the same harness. The broken variant keeps the reference code and then redefines the entry point to
  return `_LamWrongAnswer()`, a value of the wrong type that compares unequal to everything and raises on any
  other use (truth test, arithmetic, iteration, attribute access), so it exercises the tests' assertions rather
  than a crash; the oracle checks that it fails everywhere.
- `solve(problem, llm_call)` asks an LLM (plain mode: the problem prompt alone) and extracts the code;
  `run_suite(...)` appends one JSON line per problem and skips ids already in the file (resume).
- `leetcode_main(args)` is `lam eval leetcode`.
"""

from __future__ import annotations

import ast
import gzip
import importlib.util
import json
import re
import signal
import textwrap
import time
import warnings
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from agents.sandbox import run_python
from evals.data import shared_dir
from lam_memory import LAMError

SUITES = ("humaneval", "mbpp", "leetcode")
# Per-problem limits, sized on the slowest reference solutions (measured on a 2-core machine shared with other
# jobs): mbpp/123 ~5 s; LeetCode tests hold ~100 cases each, and two references need 15 and 28 CPU-seconds
# (3283 maximum-number-of-moves-to-kill-all-pawns, 3336 find-the-number-of-subsequences-with-equal-gcd) and up to
# 73 s of wall time under load. The CPU limit (RLIMIT_CPU) bounds runaway solutions; the wall limit is a backstop
# for programs that sleep or are starved by other load.
CPU_SECONDS = {"humaneval": 15, "mbpp": 15, "leetcode": 90}
TIMEOUTS = {"humaneval": 30.0, "mbpp": 30.0, "leetcode": 240.0}
MEMORY_MB = 1024
WORKERS = 2

SYSTEM_PROMPT = (
    "You are an expert Python programmer. Solve the task with a complete, self-contained Python solution "
    "(standard library only). Reply with the code in one ```python block, without example usage or tests."
)

_WRONG_DEF = '''

class _LamWrongAnswer:
    """Deliberately wrong result: unequal to everything, and any other use raises."""

    def __eq__(self, other):
        return False

    def __ne__(self, other):
        return True

    def _fail(self, *args, **kwargs):
        raise AssertionError("deliberately broken solution")

    __hash__ = None
    __bool__ = __len__ = __iter__ = __getitem__ = __contains__ = __getattr__ = _fail
    __lt__ = __le__ = __gt__ = __ge__ = __add__ = __radd__ = __sub__ = __rsub__ = _fail
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __floordiv__ = __mod__ = __pow__ = __neg__ = _fail
    __abs__ = __round__ = __int__ = __float__ = __index__ = __str__ = __format__ = _fail
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = __invert__ = __call__ = _fail

    def __repr__(self):
        return "<deliberately wrong answer>"
'''


@dataclass
class Problem:
    """One coding problem. `prompt` is what the model sees; `reference` is a complete solution program piece."""

    id: str
    suite: str
    prompt: str
    entry_point: str  # function name (humaneval, mbpp) or "Solution().method" (leetcode)
    reference: str
    test: str  # the problem's test code (humaneval/leetcode: `def check(candidate)`, mbpp: assert lines)
    preamble: str = ""  # humaneval: the prompt, leetcode: its import preamble (both run before the solution);
    # mbpp: test_setup_code (run after the solution, before the asserts)

    def test_program(self, solution_code: str) -> str:
        """The full program that runs this problem's tests against `solution_code`; passing = exit status 0."""
        if self.suite == "mbpp":  # test_setup_code builds inputs from the solution's own classes: it goes after
            return f"{solution_code}\n\n{self.preamble}\n{self.test}\n"
        # humaneval: prompt (imports, helpers, the stub) + solution + check(); leetcode: import preamble likewise
        return f"{self.preamble}\n{solution_code}\n\n{self.test}\n\ncheck({self.entry_point})\n"

    def broken(self) -> str:
        """The reference with its entry point redefined to return a wrong-type value (see module doc)."""
        if self.suite == "leetcode":
            method = self.entry_point.split(".", 1)[1]
            stub = f"\n\nclass Solution(Solution):\n    def {method}(self, *args, **kwargs):\n"
            return self.reference + _WRONG_DEF + stub + "        return _LamWrongAnswer()\n"
        stub = f"\n\ndef {self.entry_point}(*args, **kwargs):\n    return _LamWrongAnswer()\n"
        return self.reference + _WRONG_DEF + stub


# ------------------------------------------------------------------------------------------------ loaders


def load_problems(suite: str, limit: int | None = None) -> list[Problem]:
    """Problems of `suite` ("humaneval" | "mbpp" | "leetcode") from the shared data, in dataset order."""
    loaders = {"humaneval": _humaneval, "mbpp": _mbpp, "leetcode": _leetcode}
    if suite not in loaders:
        raise LAMError(f"unknown coding suite {suite!r} (choose from {', '.join(SUITES)})")
    if limit is not None and limit < 1:
        raise LAMError("--limit must be at least 1")
    problems = loaders[suite]()
    return problems[:limit] if limit else problems


def _data(*parts: str) -> Path:
    path = shared_dir().joinpath("data", *parts)
    if not path.is_file():
        raise LAMError(f"missing data file {path} (see shared/data/SOURCES.md)")
    return path


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _humaneval() -> list[Problem]:
    rows = _jsonl(_data("humaneval", "HumanEval.jsonl.gz"))
    return [
        Problem(
            id=r["task_id"],
            suite="humaneval",
            prompt=r["prompt"],
            entry_point=r["entry_point"],
            reference=r["prompt"] + r["canonical_solution"],
            test=r["test"],
            preamble=r["prompt"],
        )
        for r in rows
    ]


def _mbpp() -> list[Problem]:
    out = []
    for r in _jsonl(_data("mbpp", "mbpp.jsonl")):
        if not 11 <= r["task_id"] <= 510:  # the evaluation split of the MBPP README
            continue
        fix = lambda s: s.replace("\r\n", "\n").replace("\r", "\n")
        code, tests, setup = fix(r["code"]), [fix(t) for t in r["test_list"]], fix(r["test_setup_code"])
        prompt = f"{r['text'].strip()}\nYour code should pass this test:\n\n{tests[0]}\n"
        if setup.strip():
            prompt += f"\nThe tests first run this setup code after your solution:\n\n{setup}\n"
        out.append(
            Problem(
                id=f"mbpp/{r['task_id']}",
                suite="mbpp",
                prompt=prompt,
                entry_point=_mbpp_entry(code, tests),
                reference=code,
                test="\n".join(tests),
                preamble=setup,
            )
        )
    return out


def _mbpp_entry(code: str, tests: list[str]) -> str:
    """The function the tests call: the first top-level def of the reference whose name the first test uses."""
    names = [n.name for n in _ast(code).body if isinstance(n, ast.FunctionDef)]
    called = re.findall(r"([A-Za-z_]\w*)\s*\(", tests[0])
    for name in called:
        if name in names:
            return name
    raise LAMError(f"MBPP: cannot find the tested function in {tests[0]!r}")


def _leetcode() -> list[Problem]:
    rows = _jsonl(_data("leetcodedataset", "LeetCodeDataset-v0.3.1-test.jsonl.gz"))
    return [
        Problem(
            id=f"leetcode/{r['question_id']}-{r['task_id']}",
            suite="leetcode",
            prompt=f"{r['problem_description'].strip()}\n\nComplete this starter code:\n\n{r['starter_code']}",
            entry_point=r["entry_point"],
            reference=r["completion"],
            test=r["test"],
            preamble=r["prompt"],
        )
        for r in rows
    ]


# ------------------------------------------------------------------------------------------ code extraction

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_CODE_START = re.compile(r"^(?:def |class |import |from |@|async def |[A-Za-z_]\w*\s*(?::[^=]+)?=[^=])")


def extract_code(completion_text: str, problem: Problem) -> str:
    """The Python solution in an LLM answer: the ```python block that defines the entry point (else the longest
    block, else the raw text), cleaned of example usage (`if __name__ == "__main__":`, top-level calls and
    asserts). For HumanEval a body-only answer is completed with the prompt's signature."""
    text = completion_text.replace("\r\n", "\n")
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(text)]
    blocks = [b for lang, b in blocks if lang in ("", "python", "python3", "py")] or [b for _, b in blocks]
    name = _defined_name(problem)
    if blocks:
        defining = [b for b in blocks if re.search(rf"^\s*(?:async\s+)?(?:def|class)\s+{name}\b", b, re.M)]
        code = max(defining or blocks, key=len)
    else:
        code = text
    if problem.suite == "humaneval" and not re.search(rf"^\s*def\s+{name}\b", code, re.M):
        return _complete_body(code, problem.prompt)  # a body-only answer
    code = textwrap.dedent(code)
    method = re.search(rf"^[ \t]*def {name}\(\s*self\b", code, re.M)
    if problem.suite == "leetcode" and "class Solution" not in code and method:  # a bare method: wrap it
        head, rest = code[: method.start()], code[method.start() :]
        code = head + "class Solution:\n" + textwrap.indent(textwrap.dedent(rest), "    ")
    code = _strip_prose(code)
    return _sanitize(code)


def _defined_name(problem: Problem) -> str:
    return problem.entry_point.split(".", 1)[1] if problem.suite == "leetcode" else problem.entry_point


def _complete_body(code: str, prompt: str) -> str:
    """Prompt + a function body taken from `code`: leading prose lines are skipped, an unindented body is
    indented, and the body ends at the first unindented prose line or where the program stops parsing."""
    lines = code.splitlines()
    for start in range(min(len(lines), 6)):
        chunk = lines[start:]
        first = next((ln for ln in chunk if ln.strip()), None)
        if first is None:
            break
        if not first.startswith((" ", "\t")):
            chunk = [("    " + ln) if ln.strip() else ln for ln in chunk]
        else:
            for i, ln in enumerate(chunk):
                if ln.strip() and not ln.startswith((" ", "\t")) and not _CODE_START.match(ln):
                    chunk = chunk[:i]
                    break
        for end in range(len(chunk), 0, -1):  # the longest prefix that completes the prompt
            body = "\n".join(chunk[:end]) + "\n"
            if any(ln.strip() and not ln.strip().startswith("#") for ln in chunk[:end]) and _parses(prompt + body):
                return prompt + body
    return prompt + code


def _strip_prose(code: str) -> str:
    """Drop leading prose before the first code-looking line when the text does not parse as it is."""
    if _parses(code):
        return code
    lines = code.splitlines()
    for i, ln in enumerate(lines):
        if _CODE_START.match(ln):
            return _parse_prefix("\n".join(lines[i:]) + "\n")
    return code


def _parse_prefix(code: str) -> str:
    """The longest prefix (by lines) that parses, so trailing prose is dropped; the text itself if none does."""
    if _parses(code):
        return code
    lines = code.splitlines()
    for end in range(len(lines) - 1, 0, -1):
        head = "\n".join(lines[:end]) + "\n"
        if _parses(head):
            return head
    return code


def _ast(code: str) -> ast.Module:
    with warnings.catch_warnings():  # e.g. invalid escape sequences in old MBPP references
        warnings.simplefilter("ignore")
        return ast.parse(code)


def _parses(code: str) -> bool:
    try:
        _ast(code)
        return True
    except (SyntaxError, ValueError):
        return False


def _sanitize(code: str) -> str:
    """Remove top-level example usage: `if __name__ == ...` blocks, asserts and bare calls (e.g. print, main())."""
    try:
        tree = _ast(code)
    except (SyntaxError, ValueError):
        return code
    lines = code.splitlines(keepends=True)
    drop: list[tuple[int, int]] = []
    for node in tree.body:
        is_main = (
            isinstance(node, ast.If)
            and isinstance(node.test, ast.Compare)
            and isinstance(node.test.left, ast.Name)
            and node.test.left.id == "__name__"
        )
        bare_call = isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
        if is_main or bare_call or isinstance(node, ast.Assert):
            start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
            drop.append((start - 1, node.end_lineno or node.lineno))
    for start, end in reversed(drop):
        del lines[start:end]
    return "".join(lines)


# ------------------------------------------------------------------------------------------------ running


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


def run_problem(problem: Problem, code: str, timeout: float | None = None) -> dict:
    """Run `code` against the problem's tests in the sandbox (limits: the suite's defaults, or `timeout` seconds
    of wall and CPU time)."""
    res = run_python(
        problem.test_program(code),
        timeout=timeout or TIMEOUTS[problem.suite],
        cpu_seconds=None if timeout else CPU_SECONDS[problem.suite],
        memory_mb=MEMORY_MB,
        max_output_bytes=16_000,
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


def _pool_map(fn: Callable[[Any], dict], items: list, workers: int, on_done: Callable[[dict], None] | None):
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
    workers: int = WORKERS,
    on_result: Callable[[dict], None] | None = None,
) -> dict:
    """Reference solutions must all pass, broken variants must all fail. Returns the rates and the exceptions."""
    problems = load_problems(suite, limit)
    jobs = [(p, "canonical") for p in problems] + [(p, "wrong") for p in problems]

    def one(job):
        p, variant = job
        r = run_problem(p, p.reference if variant == "canonical" else p.broken(), timeout)
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
        "timeout": timeout or TIMEOUTS[suite],
        "workers": workers,
    }


# ---------------------------------------------------------------------------------------------- generation


def messages_for(problem: Problem) -> list[dict]:
    """Chat messages for plain mode: a system instruction and the problem prompt."""
    if problem.suite == "humaneval":
        user = f"Complete this Python function. Reply with the whole function.\n\n```python\n{problem.prompt}```"
    elif problem.suite == "mbpp":
        user = problem.prompt
    else:
        user = problem.prompt + "\nReply with the complete `class Solution`."
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def solve(problem: Problem, llm_call: Callable[[list[dict]], str]) -> str:
    """Ask the LLM (plain mode) and return the extracted solution code."""
    return extract_code(llm_call(messages_for(problem)), problem)


def done_ids(path: Path, mode: str) -> dict[str, dict]:
    """Rows already in a results JSONL for `mode`, by id (for resuming)."""
    rows: dict[str, dict] = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut by a crash
            if row.get("mode") == mode:
                rows[row["id"]] = row
    return rows


def run_suite(
    problems: Iterable[Problem],
    solver: Callable[[Problem], str],
    results_path: str | Path,
    *,
    mode: str = "plain",
    timeout: float | None = None,
    extra: dict | None = None,
    on_result: Callable[[dict], None] | None = None,
) -> dict:
    """Solve and test each problem, appending `{"id","passed","duration","mode",...}` per line to `results_path`;
    problems already there (same mode) are skipped. Returns pass@1 over all rows of this run's problems."""
    path = Path(results_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    problems = list(problems)
    rows = done_ids(path, mode)
    for p in problems:
        if p.id in rows:
            continue
        t0 = time.monotonic()
        code = solver(p)
        gen_s = time.monotonic() - t0
        row = run_problem(p, code, timeout) | {"mode": mode, "suite": p.suite, "generate_seconds": round(gen_s, 3)}
        row = (extra or {}) | row
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        rows[p.id] = row
        if on_result:
            on_result(row)
    mine = [rows[p.id] for p in problems]
    passed = sum(bool(r["passed"]) for r in mine)
    return {"problems": len(mine), "passed": passed, "pass_at_1": passed / len(mine) if mine else 0.0, "mode": mode}


# --------------------------------------------------------------------------------------------------- CLI


def leetcode_main(args: Any, llm_call: Callable[[list[dict]], str] | None = None, meta: dict | None = None) -> int:
    """`lam eval leetcode [--oracle] [--suite S] [--limit N] [--json FILE]`. Without --oracle, generation needs
    `llm_call` (the caller wires the agent/LLM; plain mode only here); `meta` (model, sampling settings) is
    recorded in every result row and in the summary."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    suite = getattr(args, "code_suite", None) or "humaneval"
    limit = getattr(args, "limit", None)
    json_path = getattr(args, "json", None)
    console = Console(stderr=True)
    problems = load_problems(suite, limit)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())

    if getattr(args, "oracle", False):
        counts = {"canonical": [0, 0], "wrong": [0, 0]}
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(f"oracle {suite}", total=2 * len(problems))

            def tick(r: dict) -> None:
                c = counts[r["variant"]]
                c[0] += r["passed"]
                c[1] += 1
                rate = lambda v: f"{counts[v][0] / counts[v][1]:.3f}" if counts[v][1] else "-"
                desc = f"oracle {suite} canonical {rate('canonical')} wrong {rate('wrong')}"
                bar.update(task, advance=1, description=desc)

            report = oracle(suite, limit=limit, on_result=tick)
        table = Table(title=f"coding oracle: {suite}")
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

    mode = getattr(args, "mode", "plain") or "plain"
    if llm_call is None:
        raise LAMError(
            "coding generation needs an LLM endpoint (the agent loop is not wired here); "
            "use --oracle to check the harness"
        )
    if mode != "plain":
        raise LAMError(f"mode {mode!r} needs the agent loop with memory; only 'plain' is implemented here")
    results = Path(json_path).with_suffix(".jsonl") if json_path else Path("runs") / f"coding-{suite}-{mode}.jsonl"
    already = [r for p in problems if (r := done_ids(results, mode).get(p.id))]
    seen = [sum(bool(r["passed"]) for r in already), len(already)]
    with Progress(*columns, console=console) as bar:
        task = bar.add_task(f"{suite} {mode}", total=len(problems), completed=len(already))

        def tick_gen(r: dict) -> None:
            seen[0] += bool(r["passed"])
            seen[1] += 1
            bar.update(task, advance=1, description=f"{suite} {mode} pass@1 {seen[0] / seen[1]:.3f}")

        solver = lambda p: solve(p, llm_call)
        summary = run_suite(problems, solver, results, mode=mode, extra=meta, on_result=tick_gen)
    summary |= {"suite": suite, "results": str(results), "meta": meta or {}}
    table = Table(title=f"coding: {suite} ({mode})")
    for col in ("problems", "passed", "pass@1"):
        table.add_column(col, justify="right")
    table.add_row(str(summary["problems"]), str(summary["passed"]), f"{summary['pass_at_1']:.3f}")
    Console().print(table)
    if json_path:
        Path(json_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0
