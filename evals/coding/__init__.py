"""Coding evals: can an LLM write a function that passes its tests, when the spec is in the prompt (plain mode) or
scattered across a long project history (memory and full modes)?

Problems are HumanEval, MBPP and LeetCodeDataset (`datasets`); each answer's code (`extract`) runs against the
problem's own tests in the sandbox (`grade`), and pass@1 is the fraction that pass.

- plain: the prompt holds the problem (`solve.messages_for`).
- memory: the problem is not in the prompt; its requirement, examples and stub file (`spec`) are planted in a
  >= 100K-token project history (`history`) ingested into a `LAMMemory`, and the prompt is `memory.context(question,
  budget)` + a question naming only the function.
- full: the most recent part of that history that fits the model's window + the question.
  Memory and full modes also record the evidence recall: how much of the planted spec reached the prompt.

The oracle (`grade.oracle`) checks the harness itself: every reference solution passes and a deliberately broken
variant of each fails, in the plain programs or (`--mode memory`) with the planted helpers.

Run it with `lam eval leetcode [--oracle] [--suite humaneval|mbpp|leetcode] [--mode plain|memory|full] [--limit N]`
(`cli.main`); the tuning (sandbox limits, history size, budgets) is `config.CodingConfig`.
"""
