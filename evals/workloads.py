"""`lam bench workloads`: ingest throughput of LAM and MiniLM on code, prose and chat, quiet and under a competing
CPU load that the bench starts and stops itself.

Workloads, built offline from files every install has, each cut to the same cl100k budget (within one chunk):
code is the `rich` package (a dependency; its public modules, not the `_` helpers and generated tables) for three
quarters of the budget, then a few standard-library modules, chunked by `chunk_code` as `lam ingest` does; prose is
standard-library docstring prose (`filler.prose_sentences`, the PG-19 stand-in of the BABILong family: no book
text ships in evals/data) as wrapped paragraphs of a .txt file, chunked as `LAMMemory.add` chunks one; chat is
LoCoMo's turns, one transcript per session, chunked by `chunk_messages`.

Models, each row in a fresh spawned process: `lam` is `LAMMemory(dir).add_chunks(chunks)` + `save()` (encoding,
archive, index, state: what `lam ingest` does); `minilm-windows` is sentence-transformers MiniLM reading everything,
each chunk cut into windows of <= 256 word pieces ([CLS], [SEP] included; at word boundaries where it can);
`minilm-truncated` is MiniLM as it runs by default (max_seq_length 256: the rest of a chunk is not read). All read
what LAM encodes for a chunk (`role: text` for a message), 32 texts a batch; the MiniLM rows get LAM's allocator
setting, as in `lam bench encoder`. A row ingests every 4th chunk (warm-up), then is timed quiet, then under
`busy_load`: processes multiplying matrices on one torch thread each (an LLM decoding on the same cores).
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import multiprocessing as mp
import os
import resource
import signal
import statistics
import sysconfig
import tempfile
import textwrap
import time
import traceback
from collections.abc import Callable, Collection, Iterable, Iterator
from contextlib import contextmanager
from itertools import chain
from pathlib import Path

import torch

from evals.data import data_dir
from evals.memory.filler import prose_sentences
from evals.memory.methods import load_minilm_st
from lam_memory import LAMError
from lam_memory.chunking import chunk_code, chunk_messages, chunk_source
from lam_memory.encoder import Tokenizer, default_encoder, native_bf16, pick_device, tune_malloc
from lam_memory.memory import LAMMemory, _embed_text
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk

WORKLOADS = ("code", "prose", "chat")
MODELS = ("lam", "minilm-windows", "minilm-truncated")
TOKENS, QUICK_TOKENS = 64_000, 8_000  # cl100k tokens per workload
WINDOW = 256  # MiniLM's max_seq_length, in word pieces with [CLS] and [SEP]
CHUNK_TOKENS = 256  # MemoryConfig().chunk_tokens: what `lam ingest` cuts to
CODE_PACKAGE = "rich"
STDLIB_MODULES = ("textwrap.py", "json/decoder.py", "dataclasses.py", "argparse.py")
REPEAT_SECONDS, MAX_RUNS = 8.0, 3  # a timing is repeated while its runs took less than this in all


def _cut(chunks: Iterable[Chunk], budget: int) -> list[Chunk]:
    """Leading chunks until their cl100k tokens reach `budget` (the last one may pass it); takes no more."""
    out, total = [], 0
    for c in chunks if budget > 0 else ():
        out.append(c)
        total += count_tokens(c.text)
        if total >= budget:
            break
    return out


def _python_files(files: Iterable[tuple[Path, str]]) -> Iterator[Chunk]:
    for path, source in files:
        yield from chunk_code(path.read_text(encoding="utf-8", errors="replace"), source, chunk_tokens=CHUNK_TOKENS)


def _code(budget: int) -> list[Chunk]:
    spec = importlib.util.find_spec(CODE_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise LAMError(f"package {CODE_PACKAGE} is not installed (run scripts/setup.sh)")
    root = Path(spec.submodule_search_locations[0])
    public = lambda rel: rel.name == "__init__.py" or not any(p.startswith("_") for p in rel.parts)  # noqa: E731
    rels = sorted(rel for p in root.rglob("*.py") if public(rel := p.relative_to(root)))
    package = iter(_python_files((root / rel, f"{CODE_PACKAGE}/{rel.as_posix()}") for rel in rels))
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    head = _cut(package, budget * 3 // 4)
    rest = chain(_python_files((stdlib / m, f"stdlib/{m}") for m in STDLIB_MODULES), package)
    return head + _cut(rest, budget - sum(count_tokens(c.text) for c in head))


def _prose(budget: int) -> list[Chunk]:
    sentences = [s for s, _ in prose_sentences(0, budget + budget // 10 + 2 * CHUNK_TOKENS)]
    paragraphs = [textwrap.fill(" ".join(sentences[i : i + 5]), 78) for i in range(0, len(sentences), 5)]
    return _cut(chunk_source("\n\n".join(paragraphs), "prose/stdlib-docstrings.txt", chunk_tokens=CHUNK_TOKENS), budget)


def _chat() -> Iterator[Chunk]:
    for f in sorted((data_dir() / "locomo").glob("*.json.gz")):
        with gzip.open(f, "rt", encoding="utf-8") as fh:
            conv = json.load(fh)
        sessions = [k for k in conv if k.startswith("session_") and isinstance(conv[k], list)]
        for key in sorted(sessions, key=lambda k: int(k.split("_")[1])):
            turns = [{"role": t["speaker"], "content": t["text"]} for t in conv[key] if t.get("text")]
            yield from chunk_messages(turns, f"locomo/{f.name.split('.')[0]}/{key}.jsonl", chunk_tokens=CHUNK_TOKENS)


def build_workload(name: str, budget: int) -> list[Chunk]:
    """The chunks of workload `name` ("code", "prose" or "chat"), cut to `budget` cl100k tokens."""
    if name == "chat":
        return _cut(_chat(), budget)
    return {"code": _code, "prose": _prose}[name](budget)


def encoder_texts(chunks: list[Chunk]) -> list[str]:
    """What an encoder reads for each chunk: what LAM's ingest encodes (a message's role before its text)."""
    return [_embed_text(c) for c in chunks]


def split_windows(ids: list[int], continues: Collection[int] = frozenset(), size: int = WINDOW - 2) -> list[list[int]]:
    """`ids` (word pieces, no specials) as consecutive windows of <= `size`, together exactly `ids`. A window ends
    before a word's first piece where one lies in its second half (`continues`: the ids of "##" pieces), so that
    it decodes to text that tokenizes the same."""
    out, start = [], 0
    while start < len(ids):
        end = cut = min(start + size, len(ids))
        while end < len(ids) and cut > start + size // 2 and ids[cut] in continues:
            cut -= 1
        if end < len(ids) and ids[cut] not in continues:
            end = cut
        out.append(ids[start:end])
        start = end
    return out


def continuation_ids(tok) -> frozenset[int]:
    """The ids of the "##" pieces of `tok` (a `lam_memory.encoder.Tokenizer`)."""
    return frozenset(i for piece, i in tok.tok.get_vocab().items() if piece.startswith("##"))


def window_texts(tok, texts: list[str], continues: Collection[int]) -> list[str]:
    """Every text cut into windows that MiniLM reads whole, decoded back to text."""
    return tok.tok.decode_batch([w for ids in tok(texts, special=False) for w in split_windows(ids, continues)])


def _busy(ready, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C: the bench stops it
    torch.set_num_threads(1)
    w, x = torch.randn(2048, 2048), torch.randn(2048, 8)
    while os.getppid() == parent:  # a bench killed outright leaves no busy loop behind
        x = torch.tanh(w @ x)  # a decoder's work: one weight matrix against a few vectors
        ready.set()


@contextmanager
def busy_load(n: int, timeout: float = 180.0) -> Iterator[list[int]]:
    """`n` spawned processes, busy on one torch thread each: yields their pids once all are busy and terminates
    them when the block ends, on an error or KeyboardInterrupt too."""
    ctx = mp.get_context("spawn")
    procs, events = [], []
    try:
        for _ in range(n):
            ev = ctx.Event()
            p = ctx.Process(target=_busy, args=(ev, os.getpid()), daemon=True)
            p.start()
            procs.append(p)
            events.append(ev)
        deadline = time.monotonic() + timeout
        for p, ev in zip(procs, events, strict=True):
            while not ev.wait(0.2):
                if not p.is_alive() or time.monotonic() > deadline:
                    raise LAMError(f"a load process did not start (exit code {p.exitcode})")
        yield [p.pid for p in procs]
    finally:
        for p in procs:
            p.terminate()
        for p in procs:
            p.join(10)
            if p.is_alive():
                p.kill()
                p.join()


def _make_run(model: str, device: str) -> Callable[[list[Chunk]], float]:
    """Load `model` on `device`; returns a function that ingests chunks with it and returns the seconds that took."""
    if model == "lam":
        os.environ["LAM_DEVICE"] = device  # what `LAMMemory`'s default encoder loads on
        default_encoder()

        def run(chunks: list[Chunk]) -> float:
            with tempfile.TemporaryDirectory() as tmp:
                start = time.perf_counter()
                with LAMMemory(Path(tmp) / "mem") as mem:
                    mem.add_chunks(chunks)
                    mem.save()
                return time.perf_counter() - start

        return run
    tune_malloc()
    st = load_minilm_st(device)
    tok = Tokenizer()
    continues = continuation_ids(tok)

    def run(chunks: list[Chunk]) -> float:
        start = time.perf_counter()
        texts = encoder_texts(chunks)
        st.encode(window_texts(tok, texts, continues) if model == "minilm-windows" else texts, batch_size=32)
        return time.perf_counter() - start

    return run


def _row_worker(conn, model: str, chunks: list[Chunk], device: str) -> None:
    """In the row's process: load and warm up, then one timed ingest per "run" message, the peak RSS at "stop"."""
    try:
        run = _make_run(model, device)
        run(chunks[::4])  # warm-up: a quarter of the chunks, of every length
        conn.send(("ready", None))
        while conn.recv() == "run":
            conn.send(("seconds", run(chunks)))
        conn.send(("peak_rss_mb", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))
    except BaseException:
        conn.send(("error", traceback.format_exc()))


def _reply(conn):
    kind, value = conn.recv()
    if kind == "error":
        raise LAMError(f"a benchmark row failed:\n{value}")
    return value


def _timed(conn) -> float:
    """Median seconds of one to MAX_RUNS runs (more while they took under REPEAT_SECONDS in all)."""
    times: list[float] = []
    while not times or (sum(times) < REPEAT_SECONDS and len(times) < MAX_RUNS):
        conn.send("run")
        times.append(_reply(conn))
    return statistics.median(times)


def _row(model: str, chunks: list[Chunk], load: int, device: str = "cpu") -> dict:
    """Quiet and (`load` > 0) contended seconds of one model on `chunks`, in a fresh spawned process."""
    ctx = mp.get_context("spawn")
    conn, child_end = ctx.Pipe()
    proc = ctx.Process(target=_row_worker, args=(child_end, model, chunks, device), daemon=True)
    proc.start()
    child_end.close()
    try:
        _reply(conn)
        out = {"seconds": _timed(conn)}
        if load:
            with busy_load(load):
                out["contended_seconds"] = _timed(conn)
        conn.send("stop")
        out["peak_rss_mb"] = round(_reply(conn), 1)
        proc.join(30)
    finally:
        if proc.is_alive():
            proc.kill()
            proc.join()
    return out


def _pieces_read(model: str, tok, texts: list[str], continues: Collection[int]) -> int:
    """Word pieces a model reads of `texts` (MiniLM: at most WINDOW - 2 per input, besides [CLS] and [SEP])."""
    if model == "lam":
        return sum(len(ids) for ids in tok(texts, special=False))
    inputs = window_texts(tok, texts, continues) if model == "minilm-windows" else texts
    return sum(min(len(ids), WINDOW - 2) for ids in tok(inputs, special=False))


def _targets(rows: list[dict]) -> dict:
    by = {(r["workload"], r["model"]): r for r in rows}
    out: dict = {}
    for w in dict.fromkeys(r["workload"] for r in rows):
        lam, win = by.get((w, "lam")), by.get((w, "minilm-windows"))
        if lam and win:
            out[f"{w}_lam_ge_minilm_windows_quiet"] = lam["tokens_per_s"] >= win["tokens_per_s"]
            if "slowdown" in lam and "slowdown" in win:
                contended = lam["contended_tokens_per_s"] >= win["contended_tokens_per_s"]
                out[f"{w}_lam_ge_minilm_windows_contended"] = contended
                out[f"{w}_lam_slowdown_le_minilm_windows"] = lam["slowdown"] <= win["slowdown"]
    if code := by.get(("code", "lam")):
        out["code_lam_ge_5000_cl100k_per_s_quiet"] = code["tokens_per_s"] >= 5000
    return out


def bench_workloads(
    budget: int = TOKENS,
    load: int = 2,
    workloads: Iterable[str] = WORKLOADS,
    models: Iterable[str] = MODELS,
    device: str = "cpu",
) -> dict:
    """Every (workload, model) row, quiet and under `load` busy processes (0: quiet only), and the targets."""
    if budget < 1 or load < 0:
        raise LAMError(f"--tokens must be >= 1 and --load >= 0 (got {budget} and {load})")
    result = {
        "tokens_budget": budget, "load_processes": load, "torch_threads": torch.get_num_threads(),
        "device": device, "gpu": torch.cuda.get_device_name() if device == "cuda" else None,
        "cpu_count": os.cpu_count(), "loadavg_before": [round(x, 2) for x in os.getloadavg()],
        "lam_precision": "bf16" if device == "cuda" or native_bf16() else "fp32",
        "lam_threads": "batches side by side on torch_threads threads, one op thread each", "rows": [],
    }  # fmt: skip
    tok = Tokenizer()
    continues = continuation_ids(tok)
    for w in workloads:
        chunks = build_workload(w, budget)
        texts = encoder_texts(chunks)
        tokens = sum(count_tokens(c.text) for c in chunks)
        pieces = sum(len(ids) for ids in tok(texts, special=False))
        for model in models:
            row = {"workload": w, "model": model, "chunks": len(chunks), "tokens": tokens, "pieces": pieces,
                   "pieces_read": _pieces_read(model, tok, texts, continues)}  # fmt: skip
            row |= _row(model, chunks, load, device)
            for prefix in ("", "contended_"):
                if (s := row.get(f"{prefix}seconds")) is not None:
                    row[f"{prefix}seconds"] = round(s, 3)
                    row[f"{prefix}tokens_per_s"] = round(tokens / s, 1)
                    row[f"{prefix}pieces_per_s"] = round(pieces / s, 1)
            if "contended_seconds" in row:
                row["slowdown"] = round(row["contended_seconds"] / row["seconds"], 2)
            result["rows"].append(row)
    result["targets"] = _targets(result["rows"])
    return result


def render(result: dict) -> None:
    from rich.console import Console
    from rich.table import Table

    cols = ["workload", "model", "tokens", "pieces", "seconds", "tokens_per_s", "pieces_per_s"]
    cols += ["contended_seconds", "contended_tokens_per_s", "slowdown"] if result["load_processes"] else []
    cols += ["peak_rss_mb"]
    console = Console()
    console = console if console.is_terminal else Console(width=200)  # a file or pipe gets whole columns
    where = result.get("gpu") or f"{result['torch_threads']} torch threads"
    table = Table(title=f"ingest by workload: {result['tokens_budget']:,} cl100k tokens each, {where}, "
                  f"{result['load_processes']} busy processes")  # fmt: skip
    for c in cols:
        table.add_column(c.replace("tokens", "cl100k"), justify="right")
    for r in result["rows"]:
        table.add_row(*(f"{r[c]:,}" if isinstance(r[c], int | float) else str(r[c]) for c in cols))
    console.print(table)
    console.print(f"load average before: {result['loadavg_before']}; targets: {result['targets']}")


def _names(given: str | None, known: tuple[str, ...], option: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in given.split(",") if n.strip()) if given else known
    if not names or set(names) - set(known):
        raise LAMError(f"{option} takes a comma list of {', '.join(known)} (got {given!r})")
    return names


def main(args: argparse.Namespace) -> int:
    budget = args.tokens if args.tokens is not None else QUICK_TOKENS if args.quick else TOKENS
    workloads, models = _names(args.workloads, WORKLOADS, "--workloads"), _names(args.models, MODELS, "--models")
    pick_device(args.device)  # a one-line error for a device this machine lacks
    result = bench_workloads(budget, args.load, workloads, models, args.device)
    render(result)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0
