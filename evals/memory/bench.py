"""`lam bench memory`: ingest throughput, query latency and sizes for memories of 100K and 1M tokens (`sizes`: any,
e.g. 10M, the slow one-machine row that CI does not run).

The stream mixes code (Python standard library units; past the standard library's ~13 MB of code, the pure-Python
packages installed beside this interpreter) and transcript (LoCoMo conversation turns, cycled), as an agent's memory
would. Each size runs in a fresh process so its peak RSS is its own. With `mcp=True` a row also
times `memory_context` and `memory_search` round trips through a real `lam mcp` subprocess over stdio (the official
SDK's client) on the same memory and queries: what an MCP client (Claude, Cursor) waits for; and the wall time of
a whole cold `lam query` process, what a client that runs the CLI per question waits for. `bench_queries` times
queries alone on an existing memory (`lam bench memory --memory DIR`), the search beside its reference.
"""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from evals.data import data_dir
from evals.spawn import isolated
from lam_memory import LAMError

STDLIB = Path(sysconfig.get_paths()["stdlib"])
SITE = Path(sysconfig.get_paths()["purelib"])
DEFAULT_SIZES = (100_000, 1_000_000)
QUICK_SIZES = (20_000, 100_000)


def _code_files(rng: random.Random) -> list[tuple[Path, Path]]:
    """(root, file) of every Python file outside tests: the standard library's, shuffled, then site-packages'."""
    out = []
    for root, skip in ((STDLIB, {"test", "site-packages"}), (SITE, {"test", "tests"})):
        files = sorted(p for p in root.rglob("*.py") if not skip & set(p.relative_to(root).parts))
        rng.shuffle(files)
        out += [(root, p) for p in files]
    return out


def mixed_stream(target_tokens: int, seed: int = 0):
    """Chunks of code and transcript (about 3:1 by tokens) until `target_tokens` cl100k tokens."""
    from lam_memory.chunking import chunk_code, chunk_messages
    from lam_memory.tokens import count_tokens

    rng = random.Random(seed)
    turns = []
    for f in sorted((data_dir() / "locomo").glob("*.json.gz")):
        conv = json.load(gzip.open(f, "rt"))
        for key in sorted(k for k in conv if k.startswith("session_") and isinstance(conv[k], list)):
            turns += [{"role": t["speaker"], "content": t["text"]} for t in conv[key] if t.get("text")]
    total, t = 0, 0
    for i, (root, path) in enumerate(_code_files(rng)):
        name = str(path.relative_to(root)) if root == STDLIB else f"site-packages/{path.relative_to(root)}"
        try:
            code = chunk_code(path.read_text(encoding="utf-8", errors="replace"), name)
        except (OSError, ValueError):
            continue
        conv = chunk_messages(turns[t % len(turns) : t % len(turns) + 12], f"chat/session-{i}.jsonl")
        t += 12
        for c in code + conv:
            yield c
            total += count_tokens(c.text)
            if total >= target_tokens:
                return


def _p50_p95(lat: list[float]) -> tuple[float, float]:
    lat = sorted(lat)
    return round(statistics.median(lat), 2), round(lat[int(0.95 * (len(lat) - 1))], 2)


async def _mcp_rounds(mem_dir: Path, queries: list[str], budget_tokens: int) -> dict:
    from mcp import ClientSession, StdioServerParameters, stdio_client

    cmd = [sys.executable, "-m", "lam_memory.cli", "mcp", "--memory", str(mem_dir)]
    params = StdioServerParameters(command=cmd[0], args=cmd[1:], env=dict(os.environ))
    calls = {
        "context": ("memory_context", lambda q: {"question": q, "budget_tokens": budget_tokens}),
        "search": ("memory_search", lambda q: {"query": q, "k": 5}),
    }
    out: dict = {}
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        for name, (tool, arguments) in calls.items():
            await session.call_tool(tool, arguments(queries[0]))  # warm-up
            lat = []
            for q in queries:
                t0 = time.perf_counter()
                result = await session.call_tool(tool, arguments(q))
                lat.append((time.perf_counter() - t0) * 1000)
                if result.is_error:
                    raise RuntimeError(f"lam mcp: {tool} failed: {result.content[0].text}")
            out[f"mcp_{name}_p50_ms"], out[f"mcp_{name}_p95_ms"] = _p50_p95(lat)
    return out


def mcp_latency(mem_dir: Path, queries: list[str], budget_tokens: int = 2000) -> dict:
    """Round-trip latency (ms, p50/p95) of `memory_context` and `memory_search` (k=5) through a `lam mcp`
    subprocess over stdio, one call at a time after a warm-up call each."""
    try:
        return asyncio.run(_mcp_rounds(mem_dir, queries, budget_tokens))
    except Exception as e:  # the SDK's task groups wrap what happened; the server's own error is on stderr above
        while isinstance(e, BaseExceptionGroup) and e.exceptions:
            e = e.exceptions[0]
        raise LAMError(f"lam mcp failed during the benchmark ({type(e).__name__}: {e})") from None


def cold_query_seconds(mem_dir: Path, query: str, runs: int = 3) -> float:
    """Median wall time of a whole `lam query` process (interpreter start, imports, encoder load, one query): what
    a client that runs the CLI per question pays, against the warm `lam mcp` round trips."""
    cmd = [sys.executable, "-m", "lam_memory.cli", "query", query, "--memory", str(mem_dir), "--json"]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        times.append(time.perf_counter() - t0)
        if done.returncode:
            raise LAMError(f"lam query failed during the benchmark: {done.stderr.strip()[-300:]}")
    return round(statistics.median(times), 2)


def _row(tokens: int, queries: int, seed: int, mcp: bool = False, keep: str | None = None) -> dict:
    import torch

    from lam_memory.memory import LAMMemory
    from lam_memory.tokens import count_tokens

    torch.manual_seed(seed)
    chunks = list(mixed_stream(tokens, seed))
    n_tokens = sum(count_tokens(c.text) for c in chunks)
    rng = random.Random(seed)
    done = [0, 0]  # tokens ingested, tenths reported

    def progress(_chunks: int, tokens: int) -> None:  # a line per tenth on stderr: a 10M row runs 10-50 minutes
        done[0] += tokens
        if done[0] * 10 >= (done[1] + 1) * n_tokens:
            done[1] = done[0] * 10 // n_tokens
            print(f"bench memory: {done[0]:,} of {n_tokens:,} tokens ingested", file=sys.stderr, flush=True)

    with _folder(keep, tokens) as tmp:
        mem = LAMMemory(Path(tmp) / "mem")
        start = time.perf_counter()
        mem.add_chunks(chunks, progress=progress)
        mem.save()
        ingest_s = time.perf_counter() - start
        picks = rng.sample(chunks, min(queries, len(chunks)))
        qs = [" ".join(c.text.split()[:12]) or "memory" for c in picks]
        mem.context(qs[0], budget_tokens=2000)  # warm-up
        lat = []
        for q in qs:
            t0 = time.perf_counter()
            mem.context(q, budget_tokens=2000)
            lat.append((time.perf_counter() - t0) * 1000)
        sizes = mem.store.bytes()
        lexical_bytes = mem.store.lexical_bytes()
        stats = mem.stats()  # state_bytes: both delta-rule states, constant whatever the length
        mem.close()
        through_mcp = {}
        if mcp:
            through_mcp = mcp_latency(Path(tmp) / "mem", qs)
            through_mcp["cold_lam_query_s"] = cold_query_seconds(Path(tmp) / "mem", qs[0])
    lat.sort()
    return {
        "tokens_ingested": n_tokens,
        "chunks": len(chunks),
        "ingest_seconds": round(ingest_s, 2),
        "ingest_tokens_per_s": round(n_tokens / ingest_s, 1),
        "query_p50_ms": round(statistics.median(lat), 2),
        "query_p95_ms": round(lat[int(0.95 * (len(lat) - 1))], 2),
        "state_bytes": stats["state_bytes"],
        "state_file_bytes": sizes["state"],
        "archive_bytes": sizes["archive"],
        "lexical_index_bytes": lexical_bytes,
        "keys_in_ram_bytes": stats["keys_bytes"],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "load_average_1m": round(os.getloadavg()[0], 2),  # at the row's end: how busy the machine was
    } | through_mcp


@contextlib.contextmanager
def _folder(keep: str | None, tokens: int) -> Iterator[str]:
    """Where a row's memory is written: `keep`/tokens-<n>, kept for later study, or a temporary folder (in
    `LAM_BENCH_DIR` when set) removed after the row."""
    if keep is None:
        with tempfile.TemporaryDirectory(dir=os.environ.get("LAM_BENCH_DIR")) as tmp:
            yield tmp
        return
    folder = _kept(keep, tokens)
    folder.mkdir(parents=True)
    yield str(folder)


def _kept(keep: str, tokens: int) -> Path:
    """The folder that `--keep` gives the row of `tokens`."""
    return Path(keep) / f"tokens-{tokens}"


def bench_queries(memory: str | Path, queries: int = 100, seed: int = 0) -> dict:
    """Query latency on an existing memory (no ingest), `context(q, 2000)` end to end, side by side in one run: the
    search as it ships (`dense.top`'s float16 scan, its rarest query terms read up to `lexical_postings` chunks)
    and its reference (`dense.top_reference`'s float32 scan, every query term), alternating query by query. Queries
    take the bench's form, the first 12 words of random chunks, here of the memory's own. Also counts how many
    contexts the two give word for word."""
    import dataclasses

    from lam_memory import dense
    from lam_memory.memory import LAMMemory
    from lam_memory.store import LIVE

    path = Path(memory)
    if not (path / "archive.sqlite").is_file():
        raise LAMError(f"{path} is not a memory folder (no archive.sqlite): give the folder `lam ingest` wrote")
    mem = LAMMemory(path)
    try:
        live = (mem.store.statuses() == LIVE).nonzero()[0].tolist()
        picks = random.Random(seed).sample(live, min(len(live), 2 * queries))
        qs = [q for q in (" ".join(c.text.split()[:12]) for c in mem.store.get(picks)) if q][:queries]
        if not qs:
            raise LAMError(f"memory at {path} holds no chunk with text to query")
        shipped, top = mem.config, dense.top
        reference = dataclasses.replace(shipped, lexical_postings=1 << 62)  # every term read
        variants = {
            "shipped": (shipped, top),
            "reference": (reference, lambda keys, half, live, q, n: dense.top_reference(keys, live, q, n)),
        }
        lat: dict[str, list[float]] = {name: [] for name in variants}
        same = 0
        try:
            for name in variants:  # warm-up
                mem.config, dense.top = variants[name]
                mem.context(qs[0], budget_tokens=2000)
            for i, q in enumerate(qs):
                texts = {}
                for name in list(variants)[:: 1 if i % 2 == 0 else -1]:
                    mem.config, dense.top = variants[name]
                    t0 = time.perf_counter()
                    texts[name] = mem.context(q, budget_tokens=2000).text
                    lat[name].append((time.perf_counter() - t0) * 1000)
                same += texts["shipped"] == texts["reference"]
        finally:
            mem.config, dense.top = shipped, top
        chunks = len(live)
    finally:
        mem.close()
    row = {"memory": str(path), "chunks": chunks, "queries": len(qs)}
    for name, values in lat.items():
        values.sort()
        row[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        row[f"{name}_p95_ms"] = round(values[int(0.95 * (len(values) - 1))], 2)
    row["same_context"] = same
    row["load_average_1m"] = round(os.getloadavg()[0], 2)
    return {"rows": [row]}


def bench_memory(
    quick: bool = False,
    queries: int = 100,
    seed: int = 0,
    mcp: bool = False,
    sizes: tuple[int, ...] | None = None,
    keep: str | None = None,
) -> dict:
    """One row per size in `sizes` (cl100k tokens; default 100K and 1M, or 20K and 100K when `quick`), each in a
    fresh process. `LAM_BENCH_DIR` chooses where the memories are written (default: the system's temp folder);
    `keep` keeps them, in `keep`/tokens-<n>/mem."""
    sizes = sizes or (QUICK_SIZES if quick else DEFAULT_SIZES)
    taken = [_kept(keep, n) for n in sizes if _kept(keep, n).exists()] if keep is not None else []
    if taken:
        raise LAMError(f"{taken[0]} already exists: --keep writes new memories, choose another folder")
    rows = []
    for tokens in sizes:
        rows.append(isolated(_row, tokens, queries, seed, mcp, keep))
    return {"rows": rows}
