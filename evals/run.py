"""`lam eval sts-b|memory|leetcode|all`: dispatch to the suites; `all` writes one report folder.

`lam eval all --out DIR [--limit N] [--suite S] [--base-url URL --model NAME]` runs, in order: STS-B
(`sts_b.json`), the memory suite (`memory.json` + `memory.png`), the coding oracles over all of HumanEval and the
MBPP test split (`oracle_humaneval.json`, `oracle_mbpp.json`), and coding generation on the first N problems
(default 5) of the chosen suite in plain and memory modes (`coding_SUITE_plain.json`, `coding_SUITE_memory.json`,
with their JSONL rows) against the endpoint, else the local default server (started if needed, stopped after if
started here). An endpoint that cannot be reached or fails mid-run does not stop the report: the generation part
is recorded as skipped with a one-line reason (`coding_generation.json`). Then `summary.json` (every JSON by file
stem) and `report.md` (Markdown tables of all of them, see `evals.report`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from evals.report import write_report
from lam_memory import LAMError

ALL_CODING_LIMIT = 5  # `lam eval all`: coding generation problems per mode when --limit is not given
MAX_TOKENS, TEMPERATURE = 768, 0.0


def _llm_args(llm, base_url: str | None) -> dict:
    """`leetcode_main` keyword arguments for generation with `llm` (sampling settings recorded in `meta`)."""
    meta = {"model": llm.model, "temperature": TEMPERATURE, "max_tokens": MAX_TOKENS, "base_url": base_url or "local"}
    meta |= llm.sampling
    return {
        "llm_call": lambda m: llm.chat(m, max_tokens=MAX_TOKENS, temperature=TEMPERATURE).text,
        "meta": meta,
        "count": llm.count_tokens,
        "context_length": llm.context_length(),
    }


def main(args: argparse.Namespace) -> int:
    if args.suite == "sts-b":
        from evals.sts_b import run

        run(args.json)
        return 0
    if args.suite == "memory":
        from evals.memory import cli as memory_cli

        return memory_cli.main(args)
    if args.suite == "leetcode":
        from evals.coding.cli import main as leetcode_main

        if args.oracle:
            return leetcode_main(args)
        from agents.llm import LLM

        llm = LLM(base_url=args.base_url, model=args.model)
        return leetcode_main(args, **_llm_args(llm, args.base_url))
    return run_all(args)


def run_all(args: argparse.Namespace) -> int:
    """`lam eval all --out DIR`: every suite into DIR, then summary.json and report.md."""
    if not getattr(args, "out", None):
        raise LAMError("`lam eval all` needs --out DIR")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from evals.coding.cli import main as leetcode_main
    from evals.memory import cli as memory_cli
    from evals.sts_b import run

    run(str(out / "sts_b.json"))
    memory_cli.main(argparse.Namespace(**{**vars(args), "json": str(out / "memory.json")}))
    for suite in ("humaneval", "mbpp"):  # whole suites: --limit is for generation (the oracle takes seconds)
        leetcode_main(argparse.Namespace(**{**vars(args), "code_suite": suite, "oracle": True, "mode": "plain",
                                            "limit": None, "json": str(out / f"oracle_{suite}.json")}))  # fmt: skip
    coding_generation(args, out)
    summary = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json")) if p.name != "summary.json"}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    report = write_report(out)
    print(f"wrote {out / 'summary.json'} and {report}", file=sys.stderr)
    return 0


def coding_generation(args: argparse.Namespace, out: Path) -> dict:
    """Coding generation in plain and memory modes for `lam eval all`; never raises for an endpoint problem:
    what did not run is recorded in `coding_generation.json` with a one-line reason."""
    from evals.coding.cli import main as leetcode_main

    suite = getattr(args, "code_suite", None) or "humaneval"
    limit = getattr(args, "limit", None) or ALL_CODING_LIMIT
    status: dict = {"suite": suite, "limit": limit, "modes": {}}
    llm = None
    try:
        from agents.llm import LLM

        llm = LLM(base_url=getattr(args, "base_url", None), model=getattr(args, "model", None))
        llm.models()  # a dead endpoint fails here, in one line
        kwargs = _llm_args(llm, getattr(args, "base_url", None))
        status["model"] = llm.model
    except LAMError as e:
        status |= {"skipped": True, "reason": str(e)}
        print(f"lam eval all: coding generation skipped: {e}", file=sys.stderr)
    if llm is not None and not status.get("skipped"):
        for mode in ("plain", "memory"):
            json_path = str(out / f"coding_{suite}_{mode}.json")
            ns = argparse.Namespace(
                **{**vars(args), "code_suite": suite, "oracle": False, "mode": mode, "limit": limit, "json": json_path}
            )
            try:
                leetcode_main(ns, **kwargs)
                status["modes"][mode] = "ok"
            except LAMError as e:
                status["modes"][mode] = f"failed: {e}"
                print(f"lam eval all: coding generation ({mode}) failed: {e}", file=sys.stderr)
    if llm is not None and getattr(llm, "started_local", False):
        from agents import serve

        serve.stop_server()
        print("lam eval all: stopped the local vLLM server it started", file=sys.stderr)
    (out / "coding_generation.json").write_text(json.dumps(status, indent=2) + "\n")
    return status
