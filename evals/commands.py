"""The evals' `lam` subcommands (eval, bench, train-encoder), registered through the `lam_memory.commands` entry
point. Only argparse here: handlers are imported when their command runs.
"""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("eval", help="evaluations: sts-b, memory, leetcode, all")
    s.add_argument("suite", choices=["sts-b", "memory", "leetcode", "all"], help="which evaluation")
    s.add_argument("--json", metavar="FILE", help="write the results as JSON")
    s.add_argument("--sizes", default="32k,128k", help="memory: context sizes, e.g. 32k,128k,1m")
    s.add_argument("--suite", dest="code_suite", default="humaneval", choices=["humaneval", "mbpp", "leetcode"],
                   help="leetcode: problem set (default humaneval)")  # fmt: skip
    s.add_argument(
        "--mode",
        default="plain",
        choices=["plain", "memory", "full"],
        help="leetcode: plain prompt, spec scattered in a memory, or the whole history (default plain)",
    )
    s.add_argument("--limit", type=int, default=None, metavar="N", help="leetcode / all: first N problems only")
    s.add_argument("--oracle", action="store_true", help="leetcode: check the harness (references pass, "
                   "broken solutions fail) instead of asking a model")  # fmt: skip
    s.add_argument("--out", metavar="DIR", help="all: folder for JSON, report.md and plots")
    s.add_argument("--base-url", metavar="URL", help="leetcode / all: OpenAI-compatible endpoint (default local)")
    s.add_argument("--model", metavar="NAME", help="leetcode / all: model name or preset")
    s.add_argument("--seed", type=int, default=0, help="seed of generated streams and histories (default 0)")
    s.add_argument("--budget", type=int, default=None, help="context tokens (memory suite 500, leetcode memory 1500)")
    s.add_argument("--families", default=None, help="memory: comma list of synthetic, babilong, locomo, code-history, "
                   "code-lookup, documents, readmes, code-history-2, code-lookup-2 (default: all)")  # fmt: skip
    s.add_argument("--methods", default=None, help="memory: comma list of methods (default: all)")
    s.add_argument("--babilong-samples", type=int, default=None, help="memory: bAbI samples per task (default 20)")
    s.add_argument("--queries", default=None, choices=["questions", "keywords"], help="memory: ask the questions "
                   "as written, or as keywords an agent would search with (wh-words, auxiliaries, articles and "
                   "pronouns left out; default questions)")  # fmt: skip
    s.set_defaults(handler="evals.run:main")

    s = sub.add_parser("bench", help="benchmarks: encoder, memory, workloads")
    s.add_argument("target", choices=["encoder", "memory", "workloads"], help="what to measure (workloads: LAM vs "
                   "MiniLM ingesting code, prose and chat, quiet and under a competing CPU load)")  # fmt: skip
    s.add_argument("--json", metavar="FILE", help="write the results as JSON")
    s.add_argument("--quick", action="store_true", help="smaller sizes (smoke test; workloads: 8,000 tokens each)")
    s.add_argument("--device", default="cpu", choices=["cpu", "cuda"], help="encoder, workloads: where the "
                   "encoders run (default cpu; cuda: LAM's recurrence on fla's kernels where fla-core is installed, "
                   "and on plain torch)")  # fmt: skip
    s.add_argument("--tokens", type=int, default=None, metavar="N", help="workloads: cl100k tokens per workload "
                   "(default 64,000; 8,000 with --quick)")  # fmt: skip
    s.add_argument("--load", type=int, default=2, metavar="N", help="workloads: busy processes (one torch thread "
                   "each, multiplying matrices in a loop) competing with each row's second timing (default 2; 0: "
                   "quiet only)")  # fmt: skip
    s.add_argument("--models", default=None, metavar="LIST", help="workloads: comma list of lam, minilm-windows, "
                   "minilm-truncated (default: all)")  # fmt: skip
    s.add_argument("--workloads", default=None, metavar="LIST", help="workloads: comma list of code, prose, chat "
                   "(default: all)")  # fmt: skip
    s.add_argument("--sizes", default=None, metavar="LIST", help="memory: comma list of cl100k token counts "
                   "(k = 1,024), e.g. 100k,1m,10m (default 100k,1m; 20k,100k with --quick; a 10m row takes 10-50 "
                   "minutes, by host)")  # fmt: skip
    s.add_argument("--mcp", action="store_true", help="memory: also time memory_context and memory_search round "
                   "trips through a `lam mcp` subprocess over stdio (p50/p95), and a whole cold `lam query` "
                   "process")  # fmt: skip
    s.add_argument("--keep", default=None, metavar="DIR", help="memory: keep each size's memory in "
                   "DIR/tokens-<n>/mem for later study instead of removing it (DIR/tokens-<n> must not "
                   "exist)")  # fmt: skip
    s.add_argument("--memory", default=None, metavar="DIR", help="memory: time queries on an existing memory "
                   "instead (no ingest; e.g. one kept with --keep): 100 queries of the bench's form, the search as "
                   "it ships beside its reference (float32 dense scan, every query term), alternating")  # fmt: skip
    s.set_defaults(handler="evals.bench:main")

    s = sub.add_parser("train-encoder", help="distil + fine-tune the LAM encoder (see evals/train.py)")
    s.add_argument("--out", default="runs/encoder", metavar="DIR", help="checkpoints and results")
    s.add_argument("--distill-steps", type=int, default=None, help="stage 1: attention-transfer steps (250)")
    s.add_argument("--e2e-steps", type=int, default=None, help="stage 2: end-to-end distillation steps (1000)")
    s.add_argument("--sts-epochs", type=int, default=None, help="stage 3: STS-B fine-tuning epochs (3)")
    s.add_argument("--teacher-epochs", type=int, default=None, help="stage 0: teacher epochs (3; 0: none)")
    s.add_argument("--tuned-steps", type=int, default=None, help="stage 2b: steps against the teacher (1000)")
    s.add_argument("--relational", type=float, default=None, help="weight of the teacher's relational term (1.0)")
    s.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's)")
    s.add_argument("--export", action="store_true", help="write the trained weights into lam_memory/weights/")
    s.set_defaults(handler="evals.train:main")
