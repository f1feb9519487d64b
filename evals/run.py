"""`lam eval sts-b|memory|leetcode|all`: dispatch to the suites; `all` writes one report folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from lam_memory import LAMError


def _lam_method():
    from evals.lam_method import LAMMethod

    return LAMMethod()


def main(args: argparse.Namespace) -> int:
    if args.suite == "sts-b":
        from evals.sts_b import run

        run(args.json)
        return 0
    if args.suite == "memory":
        from evals import memory_suite

        memory_suite.EXTRA_METHODS.setdefault("lam", _lam_method)
        return memory_suite.memory_main(args)
    if args.suite == "leetcode":
        from evals.coding import leetcode_main

        if args.oracle:
            return leetcode_main(args)
        from agents.llm import LLM

        llm = LLM(base_url=args.base_url, model=args.model)
        meta = {"model": llm.model, "temperature": 0.0, "max_tokens": 768, "base_url": args.base_url or "local"}
        return leetcode_main(args, llm_call=lambda m: llm.chat(m, max_tokens=768, temperature=0.0).text, meta=meta)
    if not args.out:
        raise LAMError("`lam eval all` needs --out DIR")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    from evals import memory_suite
    from evals.coding import leetcode_main
    from evals.sts_b import run

    run(str(out / "sts_b.json"))
    memory_suite.EXTRA_METHODS.setdefault("lam", _lam_method)
    memory_suite.memory_main(argparse.Namespace(**{**vars(args), "json": str(out / "memory.json")}))
    for suite in ("humaneval", "mbpp"):
        leetcode_main(argparse.Namespace(**{**vars(args), "code_suite": suite, "oracle": True,
                                            "json": str(out / f"oracle_{suite}.json")}))  # fmt: skip
    summary = {p.stem: json.loads(p.read_text()) for p in sorted(out.glob("*.json"))}
    (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    return 0
