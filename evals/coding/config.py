"""The tuning of a coding run (sandbox limits, history size, token budgets) in one frozen `CodingConfig`."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CodingConfig:
    """Limits and sizes of a coding run; `DEFAULT_CONFIG` is what `lam eval leetcode` uses."""

    # Per-problem limits, sized on the slowest reference solutions (measured on a 2-core machine shared with other
    # jobs): mbpp/123 ~5 s; LeetCode tests hold ~100 cases each, and two references need 15 and 28 CPU-seconds
    # (3283 maximum-number-of-moves-to-kill-all-pawns, 3336 find-the-number-of-subsequences-with-equal-gcd) and up
    # to 73 s of wall time under load. The CPU limit (RLIMIT_CPU) bounds runaway solutions; the wall limit is a
    # backstop for programs that sleep or are starved by other load.
    cpu_seconds: dict[str, int] = field(default_factory=lambda: {"humaneval": 15, "mbpp": 15, "leetcode": 90})
    timeouts: dict[str, float] = field(default_factory=lambda: {"humaneval": 30.0, "mbpp": 30.0, "leetcode": 240.0})
    memory_mb: int = 1024
    max_output_bytes: int = 16_000  # stdout/stderr kept per test program
    workers: int = 2  # test programs run at once
    history_tokens: int = 100 * 1024  # the long project history holds at least this many cl100k tokens
    history_sparsity: int = 4  # ... and at least this many times the tokens of the planted pieces
    budget: int = 1500  # memory mode: context tokens when --budget is not given
    answer_tokens: int = 768  # room kept for the answer when the LLM does not say its max_tokens
    chunk_tokens: int = 256  # LAMMemory's default chunk size: long planted messages are split as `add_messages` would


DEFAULT_CONFIG = CodingConfig()
