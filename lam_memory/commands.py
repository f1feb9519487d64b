"""`lam ingest`, `lam query`, `lam stats`: the memory's command-line face, through `LAMMemory`'s verbs only."""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning, iter_files, parse_jsonl

err = Console(stderr=True, soft_wrap=True)  # messages stay one line each (logs, pipes, tests)


def _open(path: str, create: bool):
    from lam_memory.memory import LAMMemory

    if not create and not (Path(path) / "meta.json").exists():
        raise LAMError(f"no memory at {path} (create one with `lam ingest PATH --memory {path}`)")
    return LAMMemory(path, create=create)


def _add_stdin(mem, progress) -> None:
    """stdin as one input: a chat transcript when it is JSONL (starts with `{`), else prose."""
    text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
    if not text.strip():
        raise LAMError("stdin is empty")
    if text.lstrip().startswith("{"):
        mem.add_messages(parse_jsonl(text, "<stdin>"), source="<stdin>", progress=progress)
    else:
        mem.add(text, source="<stdin>", progress=progress)


def ingest(args: argparse.Namespace) -> int:
    files = [p for p in args.paths if p != "-"]
    n_files = sum(1 for _ in iter_files(files)) if files else 0  # raises FileNotFoundError naming a missing path
    n_inputs = n_files + ("-" in args.paths)
    if not n_inputs:
        raise LAMError("nothing to ingest: the folders given hold no files")
    mem = _open(args.memory, create=True)
    chunks_total = tokens_total = skipped = 0
    start = time.perf_counter()
    rate = TextColumn("{task.fields[chunks]} chunks, {task.fields[tokens]:,} tokens, {task.fields[rate]:,.0f} tok/s")
    columns = (TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), rate)
    try:
        with Progress(*columns, console=err, transient=not err.is_terminal) as progress:
            task = progress.add_task("ingest", total=n_inputs, chunks=0, tokens=0, rate=0.0)

            def advance(n_chunks: int, n_tokens: int) -> None:
                nonlocal chunks_total, tokens_total
                chunks_total += n_chunks
                tokens_total += n_tokens
                speed = tokens_total / max(1e-9, time.perf_counter() - start)
                progress.update(task, chunks=chunks_total, tokens=tokens_total, rate=speed)

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", SkippedFileWarning)
                if files:
                    mem.add_path(*files, progress=advance, on_file=lambda _: progress.update(task, advance=1))
            for w in caught:
                skipped += 1
                err.print(f"[yellow]warning:[/] {w.message}")
            if "-" in args.paths:
                _add_stdin(mem, advance)
                progress.update(task, advance=1)
        mem.save()
        known = mem.stats()["sources_detail"]
        unchanged = sum(str(f) in known for f in iter_files(files)) if files and not chunks_total else 0
    finally:
        mem.close()
    if chunks_total == 0 and unchanged:
        err.print(f"nothing new: {unchanged} of {n_inputs} inputs are already in {args.memory} as they are")
        return 0
    if chunks_total == 0:
        raise LAMError("no text found in the given input" + (f" ({skipped} binary files skipped)" if skipped else ""))
    seconds = time.perf_counter() - start
    err.print(f"ingested {chunks_total} chunks ({tokens_total:,} tokens) from {n_inputs} inputs into "
              f"{args.memory} in {seconds:.1f} s ({tokens_total / max(seconds, 1e-9):,.0f} tokens/s)")  # fmt: skip
    return 0


def query(args: argparse.Namespace) -> int:
    if args.budget <= 0 or args.k <= 0:
        raise LAMError("--budget and --k must be positive")
    mem = _open(args.memory, create=False)
    try:
        ctx = mem.context(args.question, budget_tokens=args.budget, k=args.k)
    finally:
        mem.close()
    if args.json:
        print(json.dumps(ctx.to_json(), ensure_ascii=False))
        return 0
    out = Console()
    out.print(ctx.text, markup=False, highlight=False)
    table = Table(title=f"evidence ({ctx.tokens} of {args.budget} tokens)")
    for col in ("source", "lines", "score"):
        table.add_column(col)
    for h in ctx.hits:
        table.add_row(h.source, f"{h.start_line}-{h.end_line}", f"{h.score:.3f}")
    err.print(table)
    return 0


def forget(args: argparse.Namespace) -> int:
    if not args.sources and not args.ids:
        raise LAMError("name the sources to forget, or --id ID")
    mem = _open(args.memory, create=False)
    try:
        known = mem.stats()["sources_detail"]
        missing = [s for s in args.sources if s not in known]
        if missing:
            raise LAMError(
                f"no source {missing[0]!r} in {args.memory} (`lam stats --memory {args.memory} --json` lists them)"
            )
        n = sum(mem.forget(source=s) for s in args.sources) + (mem.forget(ids=args.ids) if args.ids else 0)
    finally:
        mem.close()
    err.print(f"forgot {n} chunks from {args.memory}")
    return 0


def stats(args: argparse.Namespace) -> int:
    mem = _open(args.memory, create=False)
    try:
        info = mem.stats()
    finally:
        mem.close()
    if args.json:
        print(json.dumps(info))
        return 0
    table = Table(title=f"memory {args.memory}")
    table.add_column("field")
    table.add_column("value", justify="right")
    for key in ("chunks", "sources", "state_bytes", "archive_bytes", "encoder"):
        table.add_row(key, f"{info[key]:,}" if isinstance(info[key], int) else str(info[key]))
    Console().print(table)
    return 0
