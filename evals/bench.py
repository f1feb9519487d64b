"""`lam bench encoder|memory`: throughput measured side by side in one run, each row in a fresh process
(so `peak_rss_mb` is that row's own peak). Inputs are real text: the Python standard library's source."""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import statistics
import sysconfig
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table

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


def _encoder_row(model: str, tokens: int, batch: int, threads: int, precision: str) -> dict:
    """One row; `precision` "fp32" or "bf16" (LAM: bf16 dense-layer weights; MiniLM: torch.autocast to bf16)."""
    import contextlib

    import torch

    torch.set_num_threads(threads)
    from evals.memory.methods import load_minilm_st
    from lam_memory.encoder import Tokenizer, load_encoder, pad_batch, tune_malloc

    tune_malloc()  # what load_encoder does for LAM, for the MiniLM rows too

    tok = Tokenizer()
    bf16 = precision == "bf16"
    if model == "minilm":
        st = load_minilm_st()
        st.max_seq_length = tokens
        texts = [tok.tok.decode(ids) for ids in _texts_of_tokens(tok, tokens, batch)]
        counted = sum(len(ids) for ids in tok(texts))

        def run():
            with torch.autocast("cpu", dtype=torch.bfloat16) if bf16 else contextlib.nullcontext():
                st.encode(texts, batch_size=batch)
    elif batch > 1:
        lam = load_encoder(bf16=bf16)
        rows = [[tok.cls, *ids, tok.sep] for ids in _texts_of_tokens(tok, tokens, batch)]
        ids, lengths = pad_batch(rows)
        counted = int(lengths.sum())

        def run():
            with torch.inference_mode():
                lam(ids, lengths)
    else:  # one long input, streamed block by block
        lam = load_encoder(bf16=bf16)
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
    return {"model": model, "precision": precision, "tokens_per_input": tokens, "batch": batch,
            "seconds": round(seconds, 4), "runs": len(times), "tokens_per_s": round(counted / seconds, 1),
            "peak_rss_mb": round(_peak_rss_mb(), 1)}  # fmt: skip


def _isolated(fn, *args) -> dict:
    with mp.get_context("spawn").Pool(1) as pool:
        return pool.apply(fn, args)


def bench_encoder(threads: int, quick: bool = False) -> dict:
    """Batched rows for LAM and MiniLM in both precisions; streamed rows for LAM in its default precision
    (`load_encoder()`: bf16 dense layers where the CPU does bf16 natively)."""
    from lam_memory.encoder import native_bf16

    default = "bf16" if native_bf16() else "fp32"
    rows = []
    for tokens, batch in [(128, 32), (512, 32)]:
        for model in ("lam", "minilm"):
            for precision in ("fp32", "bf16"):
                rows.append(_isolated(_encoder_row, model, tokens, batch, threads, precision))
    for tokens in (2048, 8192) if quick else (2048, 8192, 65536, 262144):
        rows.append(_isolated(_encoder_row, "lam", tokens, 1, threads, default))
    return {"threads": threads, "lam_default_precision": default, "rows": rows}


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
        result = bench_encoder(threads, quick=args.quick)
        columns = ["model", "precision", "tokens_per_input", "batch", "seconds", "tokens_per_s", "peak_rss_mb"]
        _render(result, f"encoder throughput ({threads} threads)", columns)
        lam_default = result["lam_default_precision"]
        rows = {(r["model"], r["precision"], r["tokens_per_input"]): r for r in result["rows"]}
        rate = lambda model, precision, n: rows[(model, precision, n)]["tokens_per_s"]  # noqa: E731
        lam_rates = [r["tokens_per_s"] for r in result["rows"] if r["model"] == "lam" and r["precision"] == lam_default]
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
