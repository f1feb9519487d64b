"""The `lam` command: the library's own subcommands (ingest, query, forget, stats, check, repair) plus those
registered by other packages.

A package adds subcommands through the entry-point group `lam_memory.commands`: each entry point is a function
`register(subparsers)` that adds its parsers, each with `set_defaults(handler="module:function")`. Handlers are
imported only when their command runs, so `lam query` never imports the agent or the evals. This distribution
registers `agents.commands:register` (chat, ask, serve, mcp) and `evals.commands:register` (eval, bench,
train-encoder) in pyproject.toml.

Every handler is `handler(args: argparse.Namespace) -> int`. User mistakes raise `LAMError` (or OSError/ValueError
from bad input) and end as one line on stderr with a non-zero exit; so do argparse's usage errors (exit 2).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from importlib.metadata import entry_points
from typing import NoReturn

from lam_memory import LAMError

GROUP = "lam_memory.commands"


def register(sub: argparse._SubParsersAction) -> None:
    """The library's commands."""
    s = sub.add_parser("ingest", help="read files, folders or stdin (-) into a memory")
    s.add_argument("paths", nargs="+", metavar="PATH", help="files, folders (.gitignore respected) or - for stdin; "
                   ".jsonl files (and JSONL on stdin) are chat transcripts of {role, content} lines")  # fmt: skip
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory (created if missing; only "
                   "ingest creates one, and a first ingest that adds nothing leaves none behind)")  # fmt: skip
    s.add_argument("--max-file-mb", type=float, default=4.0, metavar="MB", help="skip files larger than this with "
                   "a warning, and refuse a larger stdin (default 4; 0: no limit)")  # fmt: skip
    s.set_defaults(handler="lam_memory.commands:ingest")

    s = sub.add_parser("query", help="compressed context for a question")
    s.add_argument("question", help="what to look for")
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory (made by `lam ingest`)")
    s.add_argument("--budget", type=int, default=2000, metavar="N", help="max context tokens (default 2000)")
    s.add_argument("--k", type=int, default=8, metavar="K", help="evidence chunks to consider (default 8)")
    s.add_argument("--json", action="store_true", help='print {"context", "tokens", "hits"} as JSON')
    s.set_defaults(handler="lam_memory.commands:query")

    s = sub.add_parser("forget", help="remove sources or chunks from a memory")
    s.add_argument("sources", nargs="*", metavar="SOURCE", help="sources to forget, as `lam stats` lists them")
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory (made by `lam ingest`)")
    s.add_argument("--id", dest="ids", type=int, action="append", default=[], metavar="ID",
                   help="a chunk id to forget (the `id` of a `lam query --json` hit); repeatable")  # fmt: skip
    s.set_defaults(handler="lam_memory.commands:forget")

    s = sub.add_parser("stats", help="what a memory holds")
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory (made by `lam ingest`)")
    s.add_argument("--json", action="store_true", help="print the figures as JSON")
    s.set_defaults(handler="lam_memory.commands:stats")

    s = sub.add_parser("check", help="look for damage in a memory (exit 1 when there is some)")
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory")
    s.add_argument("--json", action="store_true", help='print {"memory", "ok", "problems"} as JSON')
    s.set_defaults(handler="lam_memory.commands:check")

    s = sub.add_parser("repair", help="rebuild a damaged memory's index and states from its archive")
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory")
    s.set_defaults(handler="lam_memory.commands:repair")


class _Parser(argparse.ArgumentParser):
    """argparse with one-line usage errors, like every other error of `lam` (subcommand parsers inherit it)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (`{self.prog} --help` shows the usage)\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="lam", description="LAM memory: long-context memory for LLM agents.")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    register(sub)
    for ep in sorted(entry_points(group=GROUP), key=lambda e: e.name):
        try:
            ep.load()(sub)
        except Exception as e:  # a broken plugin must not take the library's own commands down
            print(f"lam: warning: commands from {ep.value} not loaded ({type(e).__name__}: {e})", file=sys.stderr)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    module, func = args.handler.split(":")
    try:
        code = int(getattr(importlib.import_module(module), func)(args) or 0)
        sys.stdout.flush()  # a closed pipe shows up here, not at interpreter exit
        return code
    except BrokenPipeError:  # the reader went away (`lam query ... --json | head`): not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit-time flush cannot fail again
        return 141
    except OSError as e:  # a path that is missing, unreadable, a link loop; a full disk
        why = f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)
        print(f"lam {args.command}: error: {why}", file=sys.stderr)
        return 1
    except (LAMError, ValueError) as e:
        print(f"lam {args.command}: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"lam {args.command}: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
