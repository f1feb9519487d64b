"""`lam bench encoder|memory`: throughput measured side by side in one run, each row in a fresh process
(so `peak_rss_mb` is that row's own peak). Inputs are real text: the Python standard library's source."""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sysconfig
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

from evals.spawn import isolated
from lam_memory import LAMError

STDLIB = Path(sysconfig.get_paths()["stdlib"])
REPEAT_SECONDS = 10  # a row is timed again while its runs took less than this in all (the host's timing is noisy)
RUNS = (3, 15)  # ... at least / at most this many runs; the row reports their median
SOURCES = ["argparse.py", "typing.py", "tarfile.py", "pathlib.py", "subprocess.py", "inspect.py", "ast.py"]


def corpus() -> str:
    return "\n".join((STDLIB / name).read_text(encoding="utf-8") for name in SOURCES)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _texts_of_tokens(tokenizer, n_tokens: int, count: int) -> list[str]:
    """`count` texts of exactly `n_tokens` WordPiece tokens each (specials included), cut from the corpus."""
    ids = tokenizer([corpus()], special=False)[0]
    out, step = [], n_tokens - 2
    for i in range(count):
        start = (i * step * 7) % max(1, len(ids) - step)
        out.append(ids[start : start + step])
    return out


def _encoder_row(
    model: str, tokens: int, batch: int, threads: int, precision: str, device: str = "cpu", op: str = "auto"
) -> dict:
    """One row; `precision` "fp32" or "bf16" (LAM: bf16 dense-layer weights; MiniLM: torch.autocast to bf16);
    `op` the LAM recurrence's path (LAM_OP: auto, torch, fla or c)."""
    import contextlib

    import torch

    os.environ["LAM_OP"] = op
    torch.set_num_threads(threads)
    from evals.memory.methods import load_minilm_st
    from lam_memory.encoder import Tokenizer, load_encoder, pad_batch, tune_malloc
    from lam_memory.ops import use_fla

    tune_malloc()  # what load_encoder does for LAM, for the MiniLM rows too

    tok = Tokenizer()
    bf16 = precision == "bf16"
    finish = torch.cuda.synchronize if device == "cuda" else lambda: None  # GPU work is asynchronous
    if model == "minilm":
        st = load_minilm_st(device)
        st.max_seq_length = tokens
        texts = [tok.tok.decode(ids) for ids in _texts_of_tokens(tok, tokens, batch)]
        counted = sum(len(ids) for ids in tok(texts))

        def run():
            with torch.autocast(device, dtype=torch.bfloat16) if bf16 else contextlib.nullcontext():
                st.encode(texts, batch_size=batch)
            finish()
    elif batch > 1:
        lam = load_encoder(bf16=bf16, device=device)
        rows = [[tok.cls, *ids, tok.sep] for ids in _texts_of_tokens(tok, tokens, batch)]
        ids, lengths = pad_batch(rows)
        ids, lengths = ids.to(device), lengths.to(device)
        counted = int(lengths.sum())

        def run():
            with torch.inference_mode():
                lam(ids, lengths)
            finish()
    else:  # one long input, streamed block by block
        lam = load_encoder(bf16=bf16, device=device)
        words = corpus().split(" ")
        n_words = len(words)
        pieces, counted = [], 0
        while counted < tokens - 2:
            piece = " ".join(words[(len(pieces) * 200) % n_words : (len(pieces) * 200) % n_words + 200]) + " "
            n = len(tok([piece], special=False)[0])
            pieces.append(piece)
            counted += n
        counted += 2
        run = lambda: lam.encode_stream(pieces)  # noqa: E731
    run() if tokens * batch <= 70_000 else None  # warm-up where cheap
    times: list[float] = []
    while len(times) < RUNS[0] or (sum(times) < REPEAT_SECONDS and len(times) < RUNS[1]):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    seconds = statistics.median(times)
    path = "-" if model != "lam" else "c" if op == "c" else "fla" if use_fla(torch.empty(0, device=device)) else "torch"
    return {"model": model, "op": path, "device": device, "precision": precision, "tokens_per_input": tokens,
            "batch": batch, "seconds": round(seconds, 4), "runs": len(times),
            "tokens_per_s": round(counted / seconds, 1), "peak_rss_mb": round(_peak_rss_mb(), 1)}  # fmt: skip


def bench_encoder(threads: int, quick: bool = False, device: str = "cpu") -> dict:
    """Batched rows for LAM and MiniLM in both precisions; streamed rows for LAM in its default precision
    (`load_encoder()`: bf16 dense layers on CUDA and where the CPU does bf16 natively). On CUDA, LAM's batched rows
    run on both paths of the recurrence (fla's kernels where fla-core is installed, and plain torch); on the CPU,
    on the compiled kernel where it builds (`lam_memory.ops.cpu`) and on plain torch."""
    import torch

    from lam_memory.config import EncoderConfig
    from lam_memory.encoder import native_bf16, pick_device
    from lam_memory.ops import cpu, fla

    pick_device(device)  # a one-line error for a device this machine lacks
    cuda = device == "cuda"
    default = "bf16" if cuda or native_bf16() else "fp32"
    if cuda:
        ops = ("fla", "torch") if fla.available() else ("torch",)
    else:
        ops = ("c", "torch") if cpu.library(EncoderConfig().head_dim) is not None else ("torch",)
    # CPU rows each run in a fresh process (their own peak RSS); GPU rows share this one, since every new process
    # would compile and autotune fla's Triton kernels again (minutes for a --quick run on an H200)
    call = isolated if not cuda else lambda fn, *args: fn(*args)
    rows = []
    for tokens, batch in [(128, 32), (512, 32)]:
        for model, op in [*(("lam", op) for op in ops), ("minilm", "auto")]:
            for precision in ("fp32", "bf16"):
                rows.append(call(_encoder_row, model, tokens, batch, threads, precision, device, op))
    for tokens in (2048, 8192) if quick else (2048, 8192, 65536, 262144):
        rows.append(call(_encoder_row, "lam", tokens, 1, threads, default, device, ops[0]))
    gpu = torch.cuda.get_device_name() if cuda else None
    return {"threads": threads, "device": device, "gpu": gpu, "lam_default_precision": default, "lam_op": ops[0],
            "rows": rows}  # fmt: skip


def _render(result: dict, title: str, columns: list[str]) -> None:
    table = Table(title=title)
    for c in columns:
        table.add_column(c, justify="right")
    for r in result["rows"]:
        table.add_row(*(f"{r[c]:,}" if isinstance(r[c], int | float) else str(r[c]) for c in columns))
    Console().print(table)


def main(args: argparse.Namespace) -> int:
    if args.target == "workloads":
        from evals.workloads import main as workloads_main

        return workloads_main(args)
    import torch

    threads = torch.get_num_threads()
    if args.target == "encoder":
        result = bench_encoder(threads, quick=args.quick, device=args.device)
        columns = ["model", "op", "precision", "tokens_per_input", "batch", "seconds", "tokens_per_s", "peak_rss_mb"]
        where = result["gpu"] or f"{threads} threads"
        _render(result, f"encoder throughput ({where})", columns)
        lam_default, lam_op = result["lam_default_precision"], result["lam_op"]
        # the targets read LAM's rows on its default path (fla's kernels where they run) and MiniLM's
        chosen = [r for r in result["rows"] if r["op"] in (lam_op, "-")]
        rows = {(r["model"], r["precision"], r["tokens_per_input"]): r for r in chosen}
        rate = lambda model, precision, n: rows[(model, precision, n)]["tokens_per_s"]  # noqa: E731
        lam_rates = [r["tokens_per_s"] for r in result["rows"] if r["op"] == lam_op and r["precision"] == lam_default]
        streamed = lambda n: rows[("lam", lam_default, n)]["seconds"]  # noqa: E731
        linear = streamed(65536) / streamed(8192) if ("lam", lam_default, 65536) in rows else None
        checks = {
            # LAM as it loads by default against MiniLM as sentence-transformers runs it (fp32) ...
            "lam_ge_minilm_at_512": rate("lam", lam_default, 512) >= rate("minilm", "fp32", 512),
            # ... and at equal precision, both ways
            "lam_ge_minilm_at_512_fp32": rate("lam", "fp32", 512) >= rate("minilm", "fp32", 512),
            "lam_ge_minilm_at_512_bf16": rate("lam", "bf16", 512) >= rate("minilm", "bf16", 512),
            "seconds_65536_over_8192": linear,
            "linear_le_9": linear is not None and linear <= 9,
            "ge_5000_tokens_per_s_everywhere": min(lam_rates) >= 5000,
        }
        result["targets"] = checks
        Console().print(f"targets: {checks}")
    elif getattr(args, "memory", None):
        from evals.memory.bench import bench_queries

        if args.sizes or args.keep or args.mcp or args.quick:
            msg = "--memory times queries on an existing memory: leave out --sizes, --keep, --mcp and --quick"
            raise LAMError(msg)
        result = bench_queries(args.memory)
        columns = ["chunks", "queries", "shipped_p50_ms", "shipped_p95_ms", "reference_p50_ms"]
        _render(result, "queries on an existing memory", [*columns, "reference_p95_ms", "same_context"])
    else:
        from evals.memory.bench import bench_memory
        from evals.memory.streams import parse_sizes

        mcp = getattr(args, "mcp", False)
        sizes = tuple(parse_sizes(args.sizes)) if getattr(args, "sizes", None) else None
        result = bench_memory(quick=args.quick, mcp=mcp, sizes=sizes, keep=getattr(args, "keep", None))
        columns = ["tokens_ingested", "ingest_tokens_per_s", "query_p50_ms", "query_p95_ms", "state_bytes"]
        columns += [f"mcp_{t}_{p}_ms" for t in ("context", "search") for p in ("p50", "p95")] if mcp else []
        columns += ["cold_lam_query_s"] if mcp else []
        _render(result, "memory benchmark", [*columns, "archive_bytes", "keys_in_ram_bytes", "peak_rss_mb"])
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2) + "\n")
    return 0
