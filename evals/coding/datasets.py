"""HumanEval, MBPP and LeetCodeDataset problems, read from `evals/data` (see its SOURCES.md).

- `load_problems(suite, limit)`: "humaneval" (164), "mbpp" (the test split, task_id 11..510 of the full set = 500)
  and "leetcode" (LeetCodeDataset v0.3.1 test, 228).
- `Problem.test_program(code)` builds the program that runs the problem's own tests against `code`, a complete
  piece of Python (what `extract_code` returns): the test passes iff that program exits 0.
- `Problem.broken()` is the oracle's deliberately broken variant: it keeps the reference code and then redefines
  the entry point to return `_LamWrongAnswer()`, a value of the wrong type that compares unequal to everything and
  raises on any other use (truth test, arithmetic, iteration, attribute access), so it exercises the tests'
  assertions rather than a crash.
"""

from __future__ import annotations

import ast
import gzip
import json
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from evals.data import data_file
from lam_memory import LAMError

SUITES = ("humaneval", "mbpp", "leetcode")

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


def defined_name(problem: Problem) -> str:
    """The name the solution defines: the entry point, or the method of `class Solution` (leetcode)."""
    return problem.entry_point.split(".", 1)[1] if problem.suite == "leetcode" else problem.entry_point


def parse_python(code: str) -> ast.Module:
    """`ast.parse`, silent about warnings (e.g. invalid escape sequences in old MBPP references)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(code)


def parses(code: str) -> bool:
    try:
        parse_python(code)
        return True
    except (SyntaxError, ValueError):
        return False


# ------------------------------------------------------------------------------------------------ loaders


def load_problems(suite: str, limit: int | None = None) -> list[Problem]:
    """Problems of `suite` ("humaneval" | "mbpp" | "leetcode") from the shipped data, in dataset order."""
    loaders = {"humaneval": _humaneval, "mbpp": _mbpp, "leetcode": _leetcode}
    if suite not in loaders:
        raise LAMError(f"unknown coding suite {suite!r} (choose from {', '.join(SUITES)})")
    if limit is not None and limit < 1:
        raise LAMError("--limit must be at least 1")
    problems = loaders[suite]()
    return problems[:limit] if limit else problems


def _jsonl(path: Path) -> list[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _humaneval() -> list[Problem]:
    rows = _jsonl(data_file("humaneval", "HumanEval.jsonl.gz"))
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
    for r in _jsonl(data_file("mbpp", "mbpp.jsonl")):
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
    names = [n.name for n in parse_python(code).body if isinstance(n, ast.FunctionDef)]
    called = re.findall(r"([A-Za-z_]\w*)\s*\(", tests[0])
    for name in called:
        if name in names:
            return name
    raise LAMError(f"MBPP: cannot find the tested function in {tests[0]!r}")


def _leetcode() -> list[Problem]:
    rows = _jsonl(data_file("leetcodedataset", "LeetCodeDataset-v0.3.1-test.jsonl.gz"))
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
