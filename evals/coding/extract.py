"""The Python solution in an LLM answer: `extract_code(completion_text, problem)`."""

from __future__ import annotations

import ast
import re
import textwrap

from evals.coding.datasets import Problem, defined_name, parse_python, parses

_FENCE = re.compile(r"```[ \t]*([\w+-]*)[^\n]*\n(.*?)(?:```|\Z)", re.S)
_CODE_START = re.compile(r"^(?:def |class |import |from |@|async def |[A-Za-z_]\w*\s*(?::[^=]+)?=[^=])")


def extract_code(completion_text: str, problem: Problem) -> str:
    """The Python solution in an LLM answer: the ```python block that defines the entry point (else the longest
    block, else the raw text), cleaned of example usage (`if __name__ == "__main__":`, top-level calls and
    asserts). For HumanEval a body-only answer is completed with the prompt's signature."""
    text = completion_text.replace("\r\n", "\n")
    blocks = [(lang.lower(), body) for lang, body in _FENCE.findall(text)]
    blocks = [b for lang, b in blocks if lang in ("", "python", "python3", "py")] or [b for _, b in blocks]
    name = defined_name(problem)
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
            if any(ln.strip() and not ln.strip().startswith("#") for ln in chunk[:end]) and parses(prompt + body):
                return prompt + body
    return prompt + code


def _strip_prose(code: str) -> str:
    """Drop leading prose before the first code-looking line when the text does not parse as it is."""
    if parses(code):
        return code
    lines = code.splitlines()
    for i, ln in enumerate(lines):
        if _CODE_START.match(ln):
            return _parse_prefix("\n".join(lines[i:]) + "\n")
    return code


def _parse_prefix(code: str) -> str:
    """The longest prefix (by lines) that parses, so trailing prose is dropped; the text itself if none does."""
    if parses(code):
        return code
    lines = code.splitlines()
    for end in range(len(lines) - 1, 0, -1):
        head = "\n".join(lines[:end]) + "\n"
        if parses(head):
            return head
    return code


def _sanitize(code: str) -> str:
    """Remove top-level example usage: `if __name__ == ...` blocks, asserts and bare calls (e.g. print, main())."""
    try:
        tree = parse_python(code)
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
