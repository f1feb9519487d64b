"""`lam ingest`, `query`, `forget`, `stats`, `check`, `repair`: the memory's command-line face, through `LAMMemory`
only."""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import sys
import time
import warnings
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning, _looks_binary, iter_files, parse_jsonl

err = Console(stderr=True, soft_wrap=True)  # messages stay one line each (logs, pipes, tests)


def require_memory(path: str) -> None:
    """The one rule of every command but `lam ingest`: a memory must exist at `path`; only ingest creates one."""
    where = Path(path)
    if where.is_file():
        raise LAMError(f"{path} is a file, not a memory directory")
    if not (where / "meta.json").is_file() and not (where / "archive.sqlite").exists():  # else the store explains
        raise LAMError(f"no memory at {path}; create one with `lam ingest PATH... --memory {path}`")


def _open(path: str, create: bool):
    from lam_memory.memory import LAMMemory

    if not create:
        require_memory(path)
    return LAMMemory(path, create=create)


def _file_limit(mb: float) -> int | None:
    """`--max-file-mb` in bytes (None for 0: no limit)."""
    if not mb >= 0 or math.isinf(mb):
        raise LAMError(f"--max-file-mb must be a size in MB >= 0 (0: no limit), got {mb}")
    return max(1, int(mb * 2**20)) if mb else None


def _read_stdin(limit: int | None) -> str:
    """stdin as text, read before a memory is created: LAMError when it is empty, binary or over `limit` bytes."""
    data = sys.stdin.buffer.read() if limit is None else sys.stdin.buffer.read(limit + 1)
    if limit is not None and len(data) > limit:
        raise LAMError(f"stdin is larger than the {limit / 2**20:g} MiB limit (--max-file-mb N raises it)")
    if not data.strip():
        raise LAMError("stdin is empty")
    if _looks_binary(data):
        raise LAMError("stdin looks binary, not text: nothing ingested")
    return data.decode("utf-8", errors="replace")


def _add_stdin(mem, text: str, progress) -> None:
    """stdin as one input: a chat transcript when it is JSONL (starts with `{`), else prose."""
    if text.lstrip().startswith("{"):
        mem.add_messages(parse_jsonl(text, "<stdin>"), source="<stdin>", progress=progress)
    else:
        mem.add(text, source="<stdin>", progress=progress)


def _warn(caught: list[warnings.WarningMessage]) -> int:
    """Print each caught warning on one line; the number of skipped inputs among them."""
    for w in caught:
        err.print(f"warning: {w.message}", style="yellow", markup=False, highlight=False)
    return sum(issubclass(w.category, SkippedFileWarning) for w in caught)


def _undo_new_memory(target: Path, existed: bool, before: set[str]) -> None:
    """Remove what this run created at `target` (a memory that holds nothing): the folder, or the files in it."""
    if not existed:
        shutil.rmtree(target, ignore_errors=True)
        return
    for name in set(os.listdir(target)) - before:
        entry = target / name
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)


def _alone_and_empty(mem) -> bool:
    """Whether no other process writes the memory (its writer lock is, or can now be, ours) and it holds nothing."""
    try:
        mem.store.acquire_writer(timeout=0)
    except LAMError:
        return False
    return mem.store.count() == 0


def ingest(args: argparse.Namespace) -> int:
    limit = _file_limit(args.max_file_mb)
    names = [p for p in args.paths if p != "-"]
    stdin = _read_stdin(limit) if "-" in args.paths else None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SkippedFileWarning)
        files = list(iter_files(names))  # the one walk; raises naming a missing path
    skipped = _warn(caught)
    n_inputs = len(files) + (stdin is not None)
    if not n_inputs:
        raise LAMError("nothing to ingest: the folders given hold no files" + (f" ({skipped} skipped)" * bool(skipped)))
    target = Path(args.memory)
    fresh, existed = not (target / "meta.json").exists(), target.exists()
    before = set(os.listdir(target)) if fresh and target.is_dir() else set()
    mem = _open(args.memory, create=True)
    chunks_total = tokens_total = 0
    start = time.perf_counter()
    rate = TextColumn("{task.fields[chunks]} chunks, {task.fields[tokens]:,} tokens, {task.fields[rate]:,.0f} tok/s")
    columns = (TextColumn("[bold]ingest"), BarColumn(), MofNCompleteColumn(), TextColumn("files"), rate)
    try:
        with Progress(*columns, console=err, disable=not err.is_terminal) as progress:  # no bar in logs and pipes
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
                    on_file = lambda _: progress.update(task, advance=1)  # noqa: E731
                    mem.add_path(*files, progress=advance, on_file=on_file, max_file_bytes=limit)
            skipped += _warn(caught)
            if stdin is not None:
                _add_stdin(mem, stdin, advance)
                progress.update(task, advance=1)
        mem.save()
        known = mem.stats()["sources_detail"]
        unchanged = sum(str(f) in known for f in files) if not chunks_total else 0
    finally:
        if fresh and len(mem) == 0 and _alone_and_empty(mem):  # a failed first ingest leaves no empty memory behind
            _undo_new_memory(target, existed, before)  # under the writer lock, so no other ingest is filling it
        mem.close()
    if chunks_total == 0 and unchanged:
        err.print(f"nothing new: {unchanged} of {n_inputs} inputs are already in {args.memory} as they are",
                  markup=False, highlight=False)  # fmt: skip
        return 0
    if chunks_total == 0:
        files_skipped = f" ({skipped} file{'s' * (skipped != 1)} skipped, see the warnings above)" if skipped else ""
        raise LAMError("no text found in the given input" + files_skipped)
    seconds = time.perf_counter() - start
    err.print(f"ingested {chunks_total} chunks ({tokens_total:,} tokens) from {n_inputs} inputs into "
              f"{args.memory} in {seconds:.1f} s ({tokens_total / max(seconds, 1e-9):,.0f} tokens/s)",
              markup=False, highlight=False)  # fmt: skip
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
    print(ctx.text, flush=True)  # verbatim: never wrapped or cut, on a terminal or in a pipe
    title = f"evidence ({ctx.tokens} of {args.budget} tokens)"
    if not err.is_terminal:  # a log or a pipe: one plain line per hit, citations whole
        err.print("\n".join([title + ":"] + [f"{h.citation}  {h.score:.3f}" for h in ctx.hits]), markup=False,
                  highlight=False)  # fmt: skip
        return 0
    table = Table(title=title)
    table.add_column("source", overflow="fold")
    for col in ("lines", "score"):
        table.add_column(col, no_wrap=True)
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
    err.print(f"forgot {n} chunks from {args.memory}", markup=False, highlight=False)
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
    rows = [(k, f"{info[k]:,}" if isinstance(info[k], int) else str(info[k])) for k in STATS_FIELDS]
    if not sys.stdout.isatty():  # a pipe: "field value" lines, never wrapped
        print("\n".join(f"{k} {v}" for k, v in rows), flush=True)
        return 0
    table = Table(title=f"memory {args.memory}")
    table.add_column("field")
    table.add_column("value", justify="right", overflow="fold")
    for key, value in rows:
        table.add_row(key, value)
    Console().print(table)
    return 0


def check(args: argparse.Namespace) -> int:
    """Report damage (one problem per line, or JSON); exit 1 when there is some."""
    from lam_memory.memory import LAMMemory

    problems = LAMMemory.check(args.memory)
    if args.json:
        print(json.dumps({"memory": args.memory, "ok": not problems, "problems": problems}))
    else:
        print("\n".join(problems) if problems else f"{args.memory}: ok", flush=True)
    if problems:
        raise LAMError(f"{args.memory} is damaged ({len(problems)} problems); `lam repair --memory {args.memory}` "
                       "rebuilds what the archive allows")  # fmt: skip
    return 0


def repair(args: argparse.Namespace) -> int:
    """Rebuild what the archive allows (`LAMMemory.repair`); print what was found and done."""
    from lam_memory.memory import LAMMemory

    print("\n".join(LAMMemory.repair(args.memory)), flush=True)
    err.print(f"repaired {args.memory}", markup=False, highlight=False)
    return 0


STATS_FIELDS = ("chunks", "sources", "state_bytes", "archive_bytes", "encoder")
