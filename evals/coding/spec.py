"""A problem as memory and full modes state it: the spec in pieces, the planted code file, the short question.

The problem is not in the prompt in these modes: its requirement (in two halves, `spec_parts` and
`split_requirement`), its examples and the file `src/<name>.py` (`planted_code`: the imports, the helpers a solution
needs and the signature as a stub) are planted in the history (`history.build_history`), and the question names
only the function (`question_for`). The test program of these modes runs the planted helpers before the solution
(`with_helpers`), so an answer that calls them passes.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
import inspect
import re

from evals.coding.datasets import Problem, defined_name, parse_python

_TODO = "raise NotImplementedError  # TODO: implement as specified in the chat"
_EXAMPLE_LINE = re.compile(r"^\s*(?:>>>|for\s+examples?\b|examples?\b|e\.g\.)", re.I)
_SENTENCE_CUT = re.compile(r"(?<=[.!?])\s+")
_LINE_CUT = re.compile(r"\n+")


def function_name(problem: Problem) -> str:
    """How the history and the question name what to write: `f` or `Solution.method`."""
    return f"Solution.{defined_name(problem)}" if problem.suite == "leetcode" else problem.entry_point


def question_for(problem: Problem) -> str:
    """The short question of memory and full modes: it names the function, nothing more."""
    if problem.suite == "leetcode":
        return (
            f"Write the method `{defined_name(problem)}` of `class Solution` that we specified earlier in this "
            "project. Reply with the complete `class Solution`."
        )
    return (
        f"Write the Python function `{problem.entry_point}` we specified earlier in this project. "
        "Reply with the complete code."
    )


# ---------------------------------------------------------------------------------------------- planted code


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
        tree = parse_python(problem.reference)
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
    for node in parse_python(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == problem.entry_point:
            parts.append(_stub(node))
        elif not _is_example_usage(node):
            parts.append(_segment(source, node))
            helper_parts.append(parts[-1])
    text = "\n\n\n".join(p for p in parts if p) + "\n"
    return text, ("" if problem.suite == "humaneval" else "\n\n".join(helper_parts))


def with_helpers(problem: Problem) -> Problem:
    """The problem as memory and full modes grade it: planted helpers run before the solution."""
    return dataclasses.replace(problem, helpers=planted_code(problem)[1])


# ------------------------------------------------------------------------------------------ requirement, examples


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
        return _humaneval_spec(problem)
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


def _humaneval_spec(problem: Problem) -> tuple[str, str]:
    """HumanEval's (requirement, examples): the docstring cut at its first example line (see `spec_parts`)."""
    fn = next(
        n for n in parse_python(problem.prompt).body if isinstance(n, ast.FunctionDef) and n.name == problem.entry_point
    )
    node = _docstring_node(fn)
    doc = inspect.cleandoc(node.value.value) if node is not None else ""
    lines = doc.splitlines()
    cut = next((i for i, ln in enumerate(lines) if _EXAMPLE_LINE.match(ln) or f"{fn.name}(" in ln), len(lines))
    req, examples = "\n".join(lines[:cut]).strip(), "\n".join(lines[cut:]).strip()
    return req, examples or _test_examples(problem)


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
