"""Prompting an LLM for a solution in each mode, and fitting memory/full prompts into the model's window.

- Plain mode: `solve(problem, llm_call)` asks with the problem prompt alone (`messages_for`) and extracts the code.
- Memory mode (`memory_solver`): the question alone goes to the memory; the LLM sees `memory.context(question,
  budget)` + the question.
- Full mode (`full_solver`): the LLM sees the most recent part of the history that fits the model's window + the
  question.
Both record per problem the context tokens and the evidence recall (`history.evidence`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from evals.coding.config import DEFAULT_CONFIG
from evals.coding.datasets import Problem
from evals.coding.extract import extract_code
from evals.coding.history import History, evidence
from evals.coding.spec import question_for
from lam_memory import LAMError
from lam_memory.tokens import count_tokens

if TYPE_CHECKING:
    from lam_memory.memory import LAMMemory

LLMCall = Callable[[list[dict]], str]  # chat messages -> the answer text
Counter = Callable[[list[dict]], int]  # chat messages -> prompt tokens, with the LLM's own tokenizer

SYSTEM_PROMPT = (
    "You are an expert Python programmer. Solve the task with a complete, self-contained Python solution "
    "(standard library only). Reply with the code in one ```python block, without example usage or tests."
)
MEMORY_SYSTEM = (
    SYSTEM_PROMPT + " Earlier messages and code of the project are quoted below: follow the requirements and "
    "examples stated there, keep the function's signature from the code, and you may call helper functions "
    "defined there."
)


def messages_for(problem: Problem) -> list[dict]:
    """Chat messages for plain mode: a system instruction and the problem prompt."""
    if problem.suite == "humaneval":
        user = f"Complete this Python function. Reply with the whole function.\n\n```python\n{problem.prompt}```"
    elif problem.suite == "mbpp":
        user = problem.prompt
    else:
        user = problem.prompt + "\nReply with the complete `class Solution`."
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def solve(problem: Problem, llm_call: LLMCall) -> str:
    """Ask the LLM (plain mode) and return the extracted solution code."""
    return extract_code(llm_call(messages_for(problem)), problem)


def memory_messages(context: str, question: str) -> list[dict]:
    user = f"Context from the project memory:\n\n{context}\n\n{question}" if context else question
    return [{"role": "system", "content": MEMORY_SYSTEM}, {"role": "user", "content": user}]


def full_messages(history_text: str, question: str, cut: bool) -> list[dict]:
    head = "The project history so far" + (" (its oldest part cut to fit)" if cut else "")
    user = f"{head}:\n\n{history_text}\n\n{question}"
    return [{"role": "system", "content": MEMORY_SYSTEM}, {"role": "user", "content": user}]


def _fits(
    count: Counter | None, context_length: int | None, max_tokens: int
) -> Callable[[list[dict]], tuple[bool, int]]:
    """A check that messages plus the answer fit the model's window (always true without a counter or a window)."""
    if count is None or not context_length:
        return lambda messages: (True, 0)

    def check(messages: list[dict]) -> tuple[bool, int]:
        n = count(messages)
        return n + max_tokens <= context_length, n

    return check


def memory_solver(
    memory: LAMMemory | None,
    history: History,
    llm_call: LLMCall,
    budget: int = DEFAULT_CONFIG.budget,
    count: Counter | None = None,
    context_length: int | None = None,
    max_tokens: int = DEFAULT_CONFIG.answer_tokens,
) -> Callable[[Problem], dict]:
    """Memory mode: the question alone goes to the memory; the LLM sees the system text, the compressed context
    (at most `budget` tokens, lowered until prompt + answer fit `context_length` by the LLM's own `count`) and the
    question. `memory` is None when every problem of the run is already done (the solver is never called)."""
    fits = _fits(count, context_length, max_tokens)

    def solve_one(problem: Problem) -> dict:
        question = question_for(problem)
        b = budget
        while True:
            t0 = time.monotonic()
            ctx = memory.context(question, budget_tokens=b)
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
    llm_call: LLMCall,
    count: Counter | None = None,
    context_length: int | None = None,
    max_tokens: int = DEFAULT_CONFIG.answer_tokens,
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
            start = _recent_start(sizes, room)
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


def _recent_start(sizes: list[int], room: int) -> int:
    """The first of the most recent blocks whose estimated `sizes` add up to at most `room` tokens."""
    used, start = 0, len(sizes)
    while start > 0 and used + sizes[start - 1] <= room:
        start -= 1
        used += sizes[start]
    return start
