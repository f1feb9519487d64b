"""`python -m agents.measure`: start-up time, decode speed and RSS of the local vLLM server, as JSON."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from agents import serve
from agents.llm import LLM
from lam_memory import LAMError


def _rss_bytes(pid: int) -> int:
    """Resident memory of `pid` and all its descendants (Linux /proc)."""
    total, todo, seen = 0, [pid], set()
    while todo:
        p = todo.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
            for t in Path(f"/proc/{p}/task").iterdir():
                kids = (t / "children").read_text().split()
                todo.extend(int(k) for k in kids)
        except OSError:
            continue
    return total


def measure_local_server(max_tokens: int = 128, stop_after: bool | None = None) -> dict[str, Any]:
    """Start-up time, single-request decode speed and RSS of the local server.

    Starts the server if none is running (then `ready_s` is measured; otherwise it is None). One warm-up request,
    then one streamed request with `ignore_eos` generating exactly `max_tokens` tokens. `stop_after=None` stops the
    server only if this call started it.
    """
    started_here = serve.server_status() is None
    t0 = time.perf_counter()
    info = serve.ensure_server()
    ready_s = round(time.perf_counter() - t0, 1) if started_here else None
    try:
        llm = LLM(base_url=info.base_url, model=serve.MODEL_NAME, timeout=300)
        msgs = [{"role": "user", "content": "Write a short story about a lighthouse keeper."}]
        llm.chat(msgs, max_tokens=8)  # warm-up
        t1 = time.perf_counter()
        first = None
        for _ in llm.stream(msgs, max_tokens=max_tokens, extra_body={"ignore_eos": True}):
            if first is None:
                first = time.perf_counter() - t1
        total = time.perf_counter() - t1
        res = llm.last_result
        n = res.completion_tokens if res and res.completion_tokens else max_tokens
        decode = total - (first or 0.0)
        return {
            "model": info.model,
            "base_url": info.base_url,
            "started_here": started_here,
            "ready_s": ready_s,
            "completion_tokens": n,
            "request_s": round(total, 2),
            "first_token_ms": round((first or 0.0) * 1000, 1),
            "tokens_per_s": round(n / total, 1),
            "decode_tokens_per_s": round((n - 1) / decode, 1) if decode > 0 and n > 1 else None,
            "rss_mb": round(_rss_bytes(info.pid) / 2**20),
        }
    finally:
        if stop_after or (stop_after is None and started_here):
            serve.stop_server()


if __name__ == "__main__":
    try:
        print(json.dumps(measure_local_server(), indent=1))
    except LAMError as err:
        print(f"agents.measure: error: {err}", file=sys.stderr)
        sys.exit(1)
