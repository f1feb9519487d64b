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
  `run_suite(...)` appends one JSON line per problem and skips ids already in the file with the same settings
  (model, sampling, seed, budget, encoder): a rerun resumes, a run with other settings redoes them.
- Memory and full modes (`--mode memory|full`): the problem is not in the prompt. `build_history(problems, seed)`
  writes ONE long project history for the run's problems (>= HISTORY_TOKENS = 102,400 cl100k tokens, and at
  least HISTORY_SPARSITY times what is planted; deterministic: same problems and seed, same bytes): filler from
  `memory_suite` (standard-library code chunks as the vendored codebase, user/assistant turns about their
  documented functions), and per problem four planted pieces (`spec_parts`, `split_requirement`,
  `planted_code`): the requirement in two halves, as user messages in the first (2-30%) and middle (38-62%) part
  of the history, the examples as a later user message (70-97%), and the file `src/<name>.py` (5-95%) with the
  imports, the helpers a solution needs and the signature as a stub. The test program of these modes runs the
  planted helpers before the solution (`with_helpers`), so an answer that calls them passes; the oracle with
  `mode="memory"` checks that references still pass (and broken ones fail) that way. The question names only the
  function (`question_for`). Memory mode ingests the history once into a `LAMMemory` cached beside the results
  (`history_memory`, resumable) and prompts with `memory.context(question, budget)` + the question; full mode
  prompts with the most recent part of the history that fits the model's window + the question. Both record per
  problem the context tokens and the evidence recall: the fraction of the four pieces that reach the prompt (a
  piece counts when at least half of its lines/sentences of >= 12 characters appear verbatim).
- `leetcode_main(args)` is `lam eval leetcode`.
"""

from __future__ import annotations

import ast
import gzip
import hashlib
import importlib.util
import inspect
import json
import random
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
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk

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
    helpers: str = ""  # memory/full modes: the helper code planted in the codebase (run before the solution, so
    # an answer that calls a planted helper without repeating it passes); "" in plain mode

    def test_program(self, solution_code: str) -> str:
        """The full program that runs this problem's tests against `solution_code`; passing = exit status 0."""
        if self.helpers:
            solution_code = f"{self.helpers}\n\n{solution_code}"
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
    mode: str = "plain",
) -> dict:
    """Reference solutions must all pass, broken variants must all fail. Returns the rates and the exceptions.
    `mode` "memory" or "full" grades with those modes' test programs (planted helpers before the solution)."""
    problems = load_problems(suite, limit)
    if mode != "plain":
        problems = [with_helpers(p) for p in problems]
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
        "mode": mode,
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


MEANS = ("evidence_recall", "context_tokens", "prompt_tokens")  # per-row numbers that summaries average


def run_suite(
    problems: Iterable[Problem],
    solver: Callable[[Problem], str | dict],
    results_path: str | Path,
    *,
    mode: str = "plain",
    timeout: float | None = None,
    extra: dict | None = None,
    on_result: Callable[[dict], None] | None = None,
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
        row = run_problem(p, code, timeout) | {"mode": mode, "suite": p.suite, "generate_seconds": round(gen_s, 3)}
        row = (extra or {}) | info | row
        with path.open("a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")
        rows[p.id] = row
        if on_result:
            on_result(row)
    mine = [rows[p.id] for p in problems]
    passed = sum(bool(r["passed"]) for r in mine)
    out = {"problems": len(mine), "passed": passed, "pass_at_1": passed / len(mine) if mine else 0.0, "mode": mode}
    for key in MEANS:
        vals = [r[key] for r in mine if isinstance(r.get(key), int | float)]
        if vals:
            out[key] = sum(vals) / len(vals)
    return out


# ------------------------------------------------------------------------------- memory and full modes: the history

HISTORY_TOKENS = 100 * 1024  # the long project history holds at least this many cl100k tokens
HISTORY_SPARSITY = 4  # ... and at least this many times the tokens of the planted pieces
DEFAULT_BUDGET = 1500  # memory mode: context tokens when --budget is not given
ANSWER_TOKENS = 768
CHUNK_TOKENS = 256  # LAMMemory's default chunk size: long planted messages are split as `add_messages` would
PIECE_KINDS = ("requirement_1", "requirement_2", "examples", "code")
# where each planted piece of a problem goes, as a fraction of the filler (drawn uniformly in the window): the two
# requirement halves at least 8% (typically a third) of the history apart, the examples after both
_WINDOWS = {
    "requirement_1": (0.02, 0.30),
    "requirement_2": (0.38, 0.62),
    "examples": (0.70, 0.97),
    "code": (0.05, 0.95),
}
_REQ1 = (
    "Spec for `{name}` ({path}), part 1 of 2: {text}",
    "Here is the first half of the requirements for `{name}` in {path}: {text}",
    "Requirements for the new function `{name}` ({path}), first part: {text}",
)
_REQ2 = (
    "Spec for `{name}`, part 2 of 2: {text}",
    "The rest of the requirements for `{name}`: {text}",
    "Second part of the `{name}` requirements: {text}",
)
_EXAMPLES = (
    "Examples that `{name}` must satisfy:\n{text}",
    "Some test cases for `{name}`:\n{text}",
    "`{name}` should behave like this:\n{text}",
)
_PIECE_ACKS = ("Noted, I'll keep that in mind for `{name}`.", "Got it.", "Thanks, noted.")
_TODO = "raise NotImplementedError  # TODO: implement as specified in the chat"
_EXAMPLE_LINE = re.compile(r"^\s*(?:>>>|for\s+examples?\b|examples?\b|e\.g\.)", re.I)
_CUT = re.compile(r"(?<=[.!?:;])[ \t]+|\n+")  # fragments of a piece: sentences and lines
_SENTENCE_CUT = re.compile(r"(?<=[.!?])\s+")
_LINE_CUT = re.compile(r"\n+")


@dataclass
class Piece:
    """One planted piece of a problem: `text` is its content (what the model needs), `message` the planted text
    that carries it (a chat message, or the code file itself), `source` where it is planted."""

    problem: str
    kind: str  # one of PIECE_KINDS
    text: str
    message: str
    source: str

    def fragments(self) -> list[str]:
        """The whitespace-normalised lines/sentences of `text` that are long enough (>= 12 characters) to tell
        whether the piece reached a prompt; the whole text when none is."""
        parts = [_norm(x) for x in (_CUT.split(self.text) if self.kind != "code" else self.text.split("\n"))]
        long = [x for x in parts if len(x) >= 12]
        return long or [_norm(self.text)]

    def coverage(self, prompt_norm: str) -> float:
        """Fraction of the fragments found verbatim in a whitespace-normalised prompt."""
        frags = self.fragments()
        return sum(f in prompt_norm for f in frags) / len(frags)


@dataclass
class History:
    """The long project history of a run: chunks in order (chat messages, stdlib code as the vendored codebase,
    the planted `src/` files), the planted pieces per problem id, and its rendering as one text."""

    suite: str
    seed: int
    problem_ids: list[str]
    chunks: list[Chunk]
    pieces: dict[str, list[Piece]]

    def blocks(self) -> list[str]:
        """One rendered block per chunk: `[chat:TURN] role: text` or `[source:start-end]` + the code."""
        if not hasattr(self, "_blocks"):
            self._blocks = [_render(c) for c in self.chunks]
        return self._blocks

    def text(self) -> str:
        return "\n\n".join(self.blocks())

    def tokens(self) -> int:
        if not hasattr(self, "_tokens"):
            self._tokens = count_tokens(self.text())
        return self._tokens

    def digest(self) -> str:
        return hashlib.sha256(self.text().encode("utf-8")).hexdigest()


def _norm(text: str) -> str:
    return " ".join(text.split())


def _render(c: Chunk) -> str:
    if c.kind == "message":
        return f"[{c.source}:{c.start_line}] {c.role}: {c.text}"
    return f"[{c.source}:{c.start_line}-{c.end_line}]\n{c.text}"


def function_name(problem: Problem) -> str:
    """How the history and the question name what to write: `f` or `Solution.method`."""
    return f"Solution.{_defined_name(problem)}" if problem.suite == "leetcode" else problem.entry_point


def question_for(problem: Problem) -> str:
    """The short question of memory and full modes: it names the function, nothing more."""
    if problem.suite == "leetcode":
        return (
            f"Write the method `{_defined_name(problem)}` of `class Solution` that we specified earlier in this "
            "project. Reply with the complete `class Solution`."
        )
    return (
        f"Write the Python function `{problem.entry_point}` we specified earlier in this project. "
        "Reply with the complete code."
    )


def _segment(source: str, node: ast.stmt) -> str:
    lines = source.splitlines()
    start = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return "\n".join(lines[start - 1 : node.end_lineno]).rstrip()


def _is_example_usage(node: ast.stmt) -> bool:
    if isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and isinstance(node.test.left, ast.Name):
        return node.test.left.id == "__name__"
    return isinstance(node, ast.Assert) or (isinstance(node, ast.Expr) and not isinstance(node.value, ast.Constant))


def _stub(node: ast.FunctionDef) -> str:
    """The signature of a function with a TODO body (docstring and code dropped)."""
    import copy

    stub = copy.deepcopy(node)
    stub.body = [ast.Raise(exc=ast.Name("NotImplementedError", ast.Load()))]
    return ast.unparse(ast.fix_missing_locations(stub)).replace("raise NotImplementedError", _TODO, 1)


def planted_code(problem: Problem) -> tuple[str, str]:
    """(file text of `src/<name>.py`, helper code for the test program) of a problem.

    The file holds the imports and helpers a solution needs and the signature as a stub: HumanEval's prompt with
    the entry point's docstring and body replaced by a TODO (its helper functions, e.g. `is_palindrome`, `poly`,
    are already in the test program's preamble); MBPP's reference minus the entry point's body; LeetCode's
    starter code after the reference's top-level helpers (classes such as `Trie` or `DSU`, tables, imports).
    The helper code is what the file holds besides the stub (MBPP, LeetCode), so the test program provides it."""
    if problem.suite == "leetcode":
        starter = problem.prompt.split("\n\nComplete this starter code:\n\n", 1)[1].rstrip()
        tree = _ast(problem.reference)
        keep = [
            n
            for n in tree.body
            if not (isinstance(n, ast.ClassDef) and n.name == "Solution") and not _is_example_usage(n)
        ]
        helpers = "\n\n".join(_segment(problem.reference, n) for n in keep)
        body = f"{starter}\n        {_TODO}\n"
        return (f"{helpers}\n\n\n{body}" if helpers else body), helpers
    source = problem.prompt if problem.suite == "humaneval" else problem.reference
    parts, helper_parts = [], []
    for node in _ast(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == problem.entry_point:
            parts.append(_stub(node))
        elif not _is_example_usage(node):
            parts.append(_segment(source, node))
            helper_parts.append(parts[-1])
    text = "\n\n\n".join(p for p in parts if p) + "\n"
    return text, ("" if problem.suite == "humaneval" else "\n\n".join(helper_parts))


def with_helpers(problem: Problem) -> Problem:
    """The problem as memory and full modes grade it: planted helpers run before the solution."""
    import dataclasses

    return dataclasses.replace(problem, helpers=planted_code(problem)[1])


def _docstring_node(fn: ast.FunctionDef) -> ast.Expr | None:
    for node in fn.body[:2]:  # HumanEval/115 has `import math` before its docstring
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            return node
    return None


def _test_examples(problem: Problem, n: int = 3) -> str:
    """The first asserts of the problem's `check` that call the candidate, naming the function."""
    lines = [ln.strip() for ln in problem.test.splitlines() if ln.strip().startswith("assert") and "candidate(" in ln]
    return "\n".join(ln.replace("candidate(", f"{problem.entry_point}(") for ln in lines[:n])


def spec_parts(problem: Problem) -> tuple[str, str]:
    """(requirement text, examples) of a problem, as the history states them.

    HumanEval: the entry point's docstring up to its first example line (`>>>`, "For example", "Example", ...) and
    the rest; without example lines, the first asserts of the tests. MBPP: the task sentence and the test the plain
    prompt shows (plus the setup code, if any). LeetCode: the description without its "Example k:" sections
    (constraints included) and those sections."""
    if problem.suite == "humaneval":
        fn = next(
            n for n in _ast(problem.prompt).body if isinstance(n, ast.FunctionDef) and n.name == problem.entry_point
        )
        node = _docstring_node(fn)
        doc = inspect.cleandoc(node.value.value) if node is not None else ""
        lines = doc.splitlines()
        cut = next((i for i, ln in enumerate(lines) if _EXAMPLE_LINE.match(ln) or f"{fn.name}(" in ln), len(lines))
        req, examples = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
        return req, examples or _test_examples(problem)
    if problem.suite == "mbpp":
        req, _, rest = problem.prompt.partition("\nYour code should pass this test:\n\n")
        return req.strip(), rest.strip()
    desc = problem.prompt.split("\n\nComplete this starter code:\n\n", 1)[0]
    m = re.search(r"^\s*Example\s*1\s*:", desc, re.M)
    if not m:
        return desc.strip(), _test_examples(problem)
    head, tail = desc[: m.start()], desc[m.start() :]
    c = re.search(r"^\s*Constraints\s*:", tail, re.M)
    examples, constraints = (tail[: c.start()], tail[c.start() :]) if c else (tail, "")
    return f"{head.strip()}\n\n{constraints.strip()}".strip(), examples.strip()


def split_requirement(text: str) -> tuple[str, str]:
    """Two non-empty halves of a requirement: cut at the sentence end nearest the middle, else at the line end
    nearest the middle, else at the word nearest the middle (a one-sentence task); a sentence or line cut is taken
    only if the shorter half keeps a quarter of the text."""
    text = text.strip()
    for pattern in (_SENTENCE_CUT, _LINE_CUT):
        cuts = [m for m in pattern.finditer(text) if text[: m.start()].strip() and text[m.end() :].strip()]
        if cuts:
            m = min(cuts, key=lambda m: abs(m.start() - len(text) / 2))
            if min(m.start(), len(text) - m.end()) >= len(text) / 4:
                return text[: m.start()].strip(), text[m.end() :].strip()
    words = text.split()
    if len(words) < 2:
        return text, text
    mid = len(words) // 2
    return " ".join(words[:mid]), " ".join(words[mid:])


def _message_chunks(role: str, content: str, turn: int) -> list[Chunk]:
    from lam_memory.chunking import chunk_messages

    return chunk_messages([{"role": role, "content": content}], "chat", CHUNK_TOKENS, line_numbers=[turn])


def _planted_units(problem: Problem, rng: random.Random) -> dict[str, tuple[list[tuple], Piece]]:
    """Per piece kind: the entries to plant, ("msg", role, content) or ("file", path, text), and the piece."""
    name = function_name(problem)
    path = f"src/{_defined_name(problem)}.py"
    req, examples = spec_parts(problem)
    halves = split_requirement(req)
    out = {}
    for kind, templates, text in (
        ("requirement_1", _REQ1, halves[0]),
        ("requirement_2", _REQ2, halves[1]),
        ("examples", _EXAMPLES, examples),
    ):
        message = rng.choice(templates).format(name=name, path=path, text=text)
        entries: list[tuple] = [("msg", "user", message)]
        if rng.random() < 0.5:
            entries.append(("msg", "assistant", rng.choice(_PIECE_ACKS).format(name=name)))
        out[kind] = (entries, Piece(problem.id, kind, text, message, "chat"))
    code = planted_code(problem)[0]
    out["code"] = ([("file", path, code)], Piece(problem.id, "code", code, code, path))
    return out


def build_history(problems: list[Problem], seed: int = 0, min_tokens: int | None = None) -> History:
    """One long project history for `problems` (deterministic: same problems and seed, same bytes).

    Filler is `memory_suite`'s: standard-library code chunks (the vendored codebase) with user/assistant turns
    about their documented functions. For each problem four pieces are planted at seeded places (see `_WINDOWS`):
    the requirement in two halves and the examples as user messages (sometimes acknowledged), and `src/<name>.py`
    (`planted_code`). Filler is added until the history holds at least `min_tokens` cl100k tokens and
    HISTORY_SPARSITY times the planted tokens (`min_tokens` defaults to HISTORY_TOKENS)."""
    from evals import memory_suite
    from lam_memory.chunking import chunk_code

    if not problems:
        raise LAMError("no problems to build a history for")
    suite = problems[0].suite
    rng = random.Random(f"coding-history:{seed}:{suite}:{','.join(p.id for p in problems)}")
    plants = {p.id: _planted_units(p, rng) for p in problems}
    planted = sum(count_tokens(e[2]) for units in plants.values() for entries, _ in units.values() for e in entries)
    target = max(HISTORY_TOKENS if min_tokens is None else min_tokens, HISTORY_SPARSITY * planted)
    filler: list[list[tuple]] = []
    total = planted
    for unit, ntok in memory_suite._filler_units(seed, target):
        filler.append(unit)
        total += ntok
        if total >= target:
            break
    nf = len(filler)
    placed = []  # (slot, problem index, kind index, kind): slot s = before filler unit s
    for pi in range(len(problems)):
        for ki, kind in enumerate(PIECE_KINDS):
            lo, hi = _WINDOWS[kind]
            placed.append((rng.randrange(int(lo * nf), max(int(hi * nf), int(lo * nf) + 1)), pi, ki, kind))
    placed.sort()
    chunks: list[Chunk] = []
    turn = 0

    def emit(entry: tuple) -> None:
        nonlocal turn
        if entry[0] == "chunk":
            c = entry[1]
            chunks.append(Chunk(c.text, c.source, c.start_line, c.end_line, kind="code", meta=dict(c.meta)))
        elif entry[0] == "msg":
            turn += 1
            chunks.extend(_message_chunks(entry[1], entry[2], turn))
        else:
            chunks.extend(chunk_code(entry[2], entry[1], "python", max_tokens=CHUNK_TOKENS))

    k = 0
    for slot in range(nf + 1):
        while k < len(placed) and placed[k][0] == slot:
            _, pi, _, kind = placed[k]
            for e in plants[problems[pi].id][kind][0]:
                emit(e)
            k += 1
        if slot < nf:
            for e in filler[slot]:
                emit(e)
    for i, c in enumerate(chunks):
        c.position = i
    pieces = {pid: [units[kind][1] for kind in PIECE_KINDS] for pid, units in plants.items()}
    return History(suite, seed, [p.id for p in problems], chunks, pieces)


def evidence(pieces: list[Piece], prompt: str) -> dict:
    """Evidence of one problem in a prompt: per piece kind the fraction of its fragments found verbatim, and
    `recall` = the fraction of pieces at least half found."""
    text = _norm(prompt)
    cov = {p.kind: round(p.coverage(text), 3) for p in pieces}
    return {"recall": sum(v >= 0.5 for v in cov.values()) / len(cov), "coverage": cov}


# ---------------------------------------------------------------------------- memory and full modes: ingest, solve


def history_memory(history: History, folder: str | Path, console=None):
    """The history ingested into a `LAMMemory` cached under `folder` (named by the history's digest): a rerun
    reuses it, a run killed mid-ingest goes on from the chunks already archived."""
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

    from lam_memory.encoder import ENCODER_ID
    from lam_memory.memory import LAMMemory

    path = Path(folder) / f"memory-{history.suite}-seed{history.seed}-{history.digest()[:12]}-{ENCODER_ID}"
    mem = LAMMemory(path)
    done = len(mem)
    chunks = history.chunks
    if done > len(chunks):
        raise LAMError(f"{path} holds more chunks ({done}) than the history ({len(chunks)}); remove it")
    if done and mem.store.get([done - 1])[0].text != chunks[done - 1].text:
        raise LAMError(f"{path} does not hold this history; remove it")
    if done == len(chunks):
        return mem
    tokens = [count_tokens(c.text) for c in chunks]
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed:,.0f}/{task.total:,.0f} tokens"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=console or Console(stderr=True)) as bar:
        desc = f"ingest history ({len(chunks):,} chunks)" + (f", resuming at {done:,}" if done else "")
        task = bar.add_task(desc, total=sum(tokens), completed=sum(tokens[:done]))
        t0, ingested = time.monotonic(), 0

        def advance(_: int, n_tokens: int) -> None:  # LAMMemory commits every 256 chunks and reports each commit
            nonlocal ingested
            ingested += n_tokens
            rate = ingested / max(time.monotonic() - t0, 1e-6)
            bar.update(task, advance=n_tokens, description=f"{desc} {rate:,.0f} tokens/s")

        mem.add_chunks([_fresh(c) for c in chunks[done:]], progress=advance)
    mem.save()
    return mem


def _fresh(c: Chunk) -> Chunk:
    return Chunk(c.text, c.source, c.start_line, c.end_line, c.kind, c.role, meta=dict(c.meta))


MEMORY_SYSTEM = (
    SYSTEM_PROMPT + " Earlier messages and code of the project are quoted below: follow the requirements and "
    "examples stated there, keep the function's signature from the code, and you may call helper functions "
    "defined there."
)


def memory_messages(context: str, question: str) -> list[dict]:
    user = f"Context from the project memory:\n\n{context}\n\n{question}" if context else question
    return [{"role": "system", "content": MEMORY_SYSTEM}, {"role": "user", "content": user}]


def full_messages(history_text: str, question: str, cut: bool) -> list[dict]:
    head = "The project history so far" + (" (its oldest part cut to fit)" if cut else "")
    user = f"{head}:\n\n{history_text}\n\n{question}"
    return [{"role": "system", "content": MEMORY_SYSTEM}, {"role": "user", "content": user}]


def _fits(count, context_length, max_tokens):
    """A check that messages plus the answer fit the model's window (always true without a counter or a window)."""
    if count is None or not context_length:
        return lambda messages: (True, 0)

    def check(messages):
        n = count(messages)
        return n + max_tokens <= context_length, n

    return check


def memory_solver(
    memory,
    history: History,
    llm_call: Callable[[list[dict]], str],
    budget: int = DEFAULT_BUDGET,
    count: Callable[[list[dict]], int] | None = None,
    context_length: int | None = None,
    max_tokens: int = ANSWER_TOKENS,
) -> Callable[[Problem], dict]:
    """Memory mode: the question alone goes to the memory; the LLM sees the system text, the compressed context
    (at most `budget` tokens, lowered until prompt + answer fit `context_length` by the LLM's own `count`) and the
    question."""
    fits = _fits(count, context_length, max_tokens)

    def solve_one(problem: Problem) -> dict:
        question = question_for(problem)
        b = budget
        while True:
            t0 = time.monotonic()
            ctx = memory.context(question, max_tokens=b)
            query_s = time.monotonic() - t0
            messages = memory_messages(ctx.text, question)
            ok, n = fits(messages)
            if ok:
                break
            if b <= 64:
                raise LAMError(f"the question alone does not fit the model's context ({n} prompt tokens)")
            b = max(64, b - (n + max_tokens - context_length) - 16)
        ev = evidence(history.pieces[problem.id], ctx.text)
        return {
            "code": extract_code(llm_call(messages), problem),
            "budget": b,
            "context_tokens": ctx.tokens,
            "prompt_tokens": n or None,
            "query_seconds": round(query_s, 3),
            "evidence_recall": ev["recall"],
            "evidence": ev["coverage"],
        }

    return solve_one


def full_solver(
    history: History,
    llm_call: Callable[[list[dict]], str],
    count: Callable[[list[dict]], int] | None = None,
    context_length: int | None = None,
    max_tokens: int = ANSWER_TOKENS,
) -> Callable[[Problem], dict]:
    """Full mode: the whole history in the prompt, keeping the most recent blocks that fit the model's window
    (estimated with cl100k, then checked and cut further with the LLM's own `count`), plus the question."""
    blocks = history.blocks()
    sizes = [count_tokens(b) + 1 for b in blocks]
    fits = _fits(count, context_length, max_tokens)

    def solve_one(problem: Problem) -> dict:
        question = question_for(problem)
        start = 0
        if count is not None and context_length:
            room = context_length - max_tokens - count(full_messages("", question, True))
            used, start = 0, len(blocks)
            while start > 0 and used + sizes[start - 1] <= room:
                start -= 1
                used += sizes[start]
        while True:
            text = "\n\n".join(blocks[start:])
            messages = full_messages(text, question, start > 0)
            ok, n = fits(messages)
            if ok:
                break
            if start >= len(blocks):
                raise LAMError(f"the question alone does not fit the model's context ({n} prompt tokens)")
            over, cut = n + max_tokens - context_length, 0
            while start < len(blocks) and cut < over + 8:  # drop the oldest blocks (cl100k-estimated overshoot)
                cut += sizes[start]
                start += 1
        ev = evidence(history.pieces[problem.id], text)
        return {
            "code": extract_code(llm_call(messages), problem),
            "context_tokens": sum(sizes[start:]),
            "prompt_tokens": n or None,
            "history_kept": round(1 - start / len(blocks), 4) if blocks else 1.0,
            "evidence_recall": ev["recall"],
            "evidence": ev["coverage"],
        }

    return solve_one


# --------------------------------------------------------------------------------------------------- CLI


def leetcode_main(
    args: Any,
    llm_call: Callable[[list[dict]], str] | None = None,
    meta: dict | None = None,
    count: Callable[[list[dict]], int] | None = None,
    context_length: int | None = None,
) -> int:
    """`lam eval leetcode [--oracle] [--suite S] [--mode plain|memory|full] [--limit N] [--seed S] [--budget N]
    [--json FILE]`. Without --oracle, generation needs `llm_call` (messages -> answer text; the caller wires the
    LLM); `meta` (model, sampling settings) is recorded in every result row and in the summary; `count` (messages
    -> prompt tokens, the LLM's own tokenizer) and `context_length` keep memory/full prompts inside the model's
    window. Results go to FILE's `.jsonl` sibling (else `runs/coding-SUITE-MODE.jsonl`), one line per problem,
    and a rerun skips the problems already there; the memory of memory mode is cached beside it."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    from rich.table import Table

    suite = getattr(args, "code_suite", None) or "humaneval"
    limit = getattr(args, "limit", None)
    json_path = getattr(args, "json", None)
    mode = getattr(args, "mode", "plain") or "plain"
    if mode not in ("plain", "memory", "full"):
        raise LAMError(f"unknown mode {mode!r} (choose from plain, memory, full)")
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

            report = oracle(suite, limit=limit, on_result=tick, mode=mode)
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

    if llm_call is None:
        raise LAMError("coding generation needs an LLM endpoint (--base-url URL --model NAME, or the local server)")
    results = Path(json_path).with_suffix(".jsonl") if json_path else Path("runs") / f"coding-{suite}-{mode}.jsonl"
    meta = dict(meta or {})
    seed = int(getattr(args, "seed", 0) or 0)
    if mode == "plain":
        solver: Callable[[Problem], str | dict] = lambda p: solve(p, llm_call)
        setup: dict = {}
    else:
        from lam_memory.encoder import ENCODER_ID

        history = build_history(problems, seed)
        problems = [with_helpers(p) for p in problems]
        setup = {
            "seed": seed,
            "history": {
                "tokens": history.tokens(),
                "chunks": len(history.chunks),
                "digest": history.digest(),
                "pieces": list(PIECE_KINDS),
            },
        }
        max_tokens = int(meta.get("max_tokens") or ANSWER_TOKENS)
        if mode == "memory":
            budget = int(getattr(args, "budget", None) or DEFAULT_BUDGET)
            if context_length:  # never more than the window minus the answer (and the question's own tokens)
                budget = min(budget, context_length - max_tokens - 200)
            if budget < 64:
                raise LAMError(f"no room for memory context: budget {budget} tokens")
            setup |= {"budget": budget, "encoder": ENCODER_ID}
        meta |= {k: v for k, v in setup.items() if k != "history"}
    same, any_settings = done_ids(results, mode, meta), done_ids(results, mode)
    already = [same[p.id] for p in problems if p.id in same]
    redo = sum(p.id in any_settings for p in problems) - len(already)
    if redo:
        console.print(
            f"{results}: {redo} earlier results were made with other settings (model, seed, budget or "
            "encoder); solving those problems again",
            soft_wrap=True,
        )
    if mode == "memory":
        memory = history_memory(history, results.parent, console) if len(already) < len(problems) else None
        if memory is not None:
            setup["history"]["memory"] = str(memory.path)
        solver = memory_solver(memory, history, llm_call, budget, count, context_length, max_tokens)
    elif mode == "full":
        solver = full_solver(history, llm_call, count, context_length, max_tokens)
    has_recall = mode != "plain"
    seen = [sum(bool(r["passed"]) for r in already), len(already), sum(r.get("evidence_recall", 0) for r in already)]

    def describe() -> str:
        text = f"{suite} {mode}"
        if seen[1]:
            text += f" pass@1 {seen[0] / seen[1]:.3f}"
            if has_recall:
                text += f" evidence {seen[2] / seen[1]:.3f}"
        return text

    with Progress(*columns, console=console) as bar:
        task = bar.add_task(describe(), total=len(problems), completed=len(already))

        def tick_gen(r: dict) -> None:
            seen[0] += bool(r["passed"])
            seen[1] += 1
            seen[2] += r.get("evidence_recall", 0)
            bar.update(task, advance=1, description=describe())

        summary = run_suite(problems, solver, results, mode=mode, extra=meta, on_result=tick_gen)
    summary |= {"suite": suite, "results": str(results), "meta": meta} | (
        {"history": setup["history"]} if setup else {}
    )
    title = f"coding: {suite} ({mode})" + (f", {meta['model']}" if meta.get("model") else "")
    table = Table(title=title)
    cols = ["problems", "passed", "pass@1"] + (["evidence recall", "context tokens"] if has_recall else [])
    for col in cols:
        table.add_column(col, justify="right")
    cells = [str(summary["problems"]), str(summary["passed"]), f"{summary['pass_at_1']:.3f}"]
    if has_recall:
        cells += [f"{summary.get('evidence_recall', 0):.3f}", f"{summary.get('context_tokens', 0):.0f}"]
    table.add_row(*cells)
    Console().print(table)
    if setup:
        h = setup["history"]
        console.print(f"history: {h['tokens']:,} tokens, {h['chunks']:,} chunks, sha256 {h['digest'][:12]}")
    if json_path:
        Path(json_path).write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    return 0
