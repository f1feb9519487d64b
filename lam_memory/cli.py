"""The `lam` command. Each subcommand lazily imports the module that implements it.

Every handler is `handler(args: argparse.Namespace) -> int`. User mistakes raise `LAMError`
(or OSError/ValueError from bad input) and end as one line on stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from lam_memory import LAMError

# subcommand -> "module:function"
HANDLERS = {
    "ingest": "lam_memory.commands:ingest",
    "query": "lam_memory.commands:query",
    "stats": "lam_memory.commands:stats",
    "chat": "agents.chat:main",
    "ask": "agents.chat:ask",
    "serve": "agents.serve:main",
    "eval": "evals.run:main",
    "bench": "evals.bench:main",
    "train-encoder": "lam_memory.train:main",
}


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="lam", description="LAM memory: long-context memory for LLM agents.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    s = sub.add_parser("ingest", help="read files, folders or stdin (-) into a memory")
    s.add_argument("paths", nargs="+", metavar="PATH")
    s.add_argument("--memory", required=True, metavar="DIR")

    s = sub.add_parser("query", help="compressed context for a question")
    s.add_argument("question")
    s.add_argument("--memory", required=True, metavar="DIR")
    s.add_argument("--budget", type=int, default=2000, help="max context tokens (default 2000)")
    s.add_argument("--k", type=int, default=8, help="evidence chunks to consider (default 8)")
    s.add_argument("--json", action="store_true")

    s = sub.add_parser("stats", help="what a memory holds")
    s.add_argument("--memory", required=True, metavar="DIR")
    s.add_argument("--json", action="store_true")

    for name, helptext in (("chat", "interactive chat over a memory"), ("ask", "one-shot question")):
        s = sub.add_parser(name, help=helptext)
        if name == "ask":
            s.add_argument("question")
            s.add_argument("--json", action="store_true")
        s.add_argument("--memory", metavar="DIR")
        s.add_argument("--base-url", metavar="URL", help="OpenAI-compatible endpoint (default: local vLLM)")
        s.add_argument("--model", metavar="NAME", help="model name or preset (llama-3.3-70b, qwen-coder, local)")
        s.add_argument("--api-key", metavar="KEY", default=os.environ.get("OPENAI_API_KEY", "EMPTY"))
        s.add_argument("--budget", type=int, default=None, help="memory context tokens (default: from model)")
        s.add_argument("--max-tokens", type=int, default=None, help="answer tokens (default 512)")

    s = sub.add_parser("serve", help="start (or --stop) the local vLLM server")
    s.add_argument("--stop", action="store_true")
    s.add_argument("--port", type=int, default=None)

    s = sub.add_parser("eval", help="evaluations: sts-b, memory, leetcode, all")
    s.add_argument("suite", choices=["sts-b", "memory", "leetcode", "all"])
    s.add_argument("--json", metavar="FILE")
    s.add_argument("--sizes", default="32k,128k", help="memory: context sizes, e.g. 32k,128k,1m")
    s.add_argument("--suite", dest="code_suite", default="humaneval", choices=["humaneval", "mbpp", "leetcode"])
    s.add_argument("--mode", default="plain", choices=["plain", "memory", "full"])
    s.add_argument("--limit", type=int, default=None)
    s.add_argument("--oracle", action="store_true")
    s.add_argument("--out", metavar="DIR")
    s.add_argument("--base-url", metavar="URL")
    s.add_argument("--model", metavar="NAME")
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--budget", type=int, default=None, help="context tokens (memory suite 500, leetcode memory 1500)")
    s.add_argument("--families", default=None, help="memory: comma list of synthetic,babilong,locomo")
    s.add_argument("--methods", default=None, help="memory: comma list of methods (default: all)")
    s.add_argument("--babilong-samples", type=int, default=None, help="memory: bAbI samples per task (default 20)")

    s = sub.add_parser("bench", help="benchmarks: encoder, memory")
    s.add_argument("target", choices=["encoder", "memory"])
    s.add_argument("--json", metavar="FILE")
    s.add_argument("--quick", action="store_true", help="smaller sizes (smoke test)")

    s = sub.add_parser("train-encoder", help="distil + fine-tune the LAM encoder (see lam_memory/train.py)")
    s.add_argument("--out", default="runs/encoder", metavar="DIR")
    s.add_argument("--distill-steps", type=int, default=None)
    s.add_argument("--e2e-steps", type=int, default=None, help="end-to-end distillation steps (stage 2)")
    s.add_argument("--sts-epochs", type=int, default=None)
    s.add_argument("--teacher-epochs", type=int, default=None, help="STS-B epochs of the similarity teacher (0: none)")
    s.add_argument("--tuned-steps", type=int, default=None, help="stage 2b: distillation steps against the teacher")
    s.add_argument("--relational", type=float, default=None, help="weight of the teacher's relational term (1.0)")
    s.add_argument("--threads", type=int, default=None)
    s.add_argument("--export", action="store_true", help="write the shipped weights into lam_memory/weights/")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module, func = HANDLERS[args.command].split(":")
    try:
        code = int(getattr(importlib.import_module(module), func)(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except (LAMError, FileNotFoundError, NotADirectoryError, PermissionError, ValueError) as e:
        print(f"lam {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"lam {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (`lam query ... --json | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush cannot fail again
        return 141


if __name__ == "__main__":
    sys.exit(main())
