"""`lam eval memory [--json FILE] [--sizes 32k,128k,1m] [--seed S] [--budget N] [--families F,..] [--methods M,..]
[--babilong-samples N] [--queries questions|keywords]`: the table on stdout, the JSON result and its plot (PNG beside
it) with --json."""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.methods import Method
from evals.memory.registry import make_factory
from evals.memory.report import plot, render_table
from evals.memory.scoring import run_suite
from evals.memory.streams import FAMILIES, parse_sizes

if TYPE_CHECKING:
    from rich.console import Console


def main(args: argparse.Namespace) -> int:
    """Run the suite as `args` asks (absent or empty options take the defaults); returns the exit status."""
    from rich.console import Console

    sizes = getattr(args, "sizes", None)
    config = dataclasses.replace(
        DEFAULT_CONFIG,
        sizes=tuple(parse_sizes(sizes)) if sizes else DEFAULT_CONFIG.sizes,
        budget=int(getattr(args, "budget", None) or DEFAULT_CONFIG.budget),
        babilong_samples=int(getattr(args, "babilong_samples", None) or DEFAULT_CONFIG.babilong_samples),
        queries=getattr(args, "queries", None) or DEFAULT_CONFIG.queries,
    )
    seed = int(getattr(args, "seed", 0) or 0)
    families = _names(getattr(args, "families", None) or FAMILIES)
    factory = make_factory(_names(getattr(args, "methods", None)), config)
    err = Console(stderr=True)
    result = _run(factory, config, seed, families, err)
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)  # a file or pipe: do not squeeze the table into 80 columns
    console.print(render_table(result))
    if getattr(args, "json", None):
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        png = plot(result, out.with_suffix(".png"))
        err.print(f"wrote {out} and {png}")
    return 0


def _names(value: str | Sequence[str] | None) -> Sequence[str] | None:
    """A comma list as names; a sequence (or None) as it is."""
    if isinstance(value, str):
        return [x.strip() for x in value.split(",") if x.strip()]
    return value


def _run(
    factory: Callable[[], list[Method]], config: SuiteConfig, seed: int, families: Sequence[str], err: Console
) -> dict:
    """`run_suite` with progress on stderr: a spinner on a terminal, else (a log file) one line per stream."""
    if err.is_terminal:
        with err.status("memory suite") as status:
            return run_suite(factory, config, seed, families, lambda msg: status.update(msg))
    return run_suite(factory, config, seed, families, lambda m: err.print(m, soft_wrap=True))
