"""`python -m evals.gpu_check OUT.jsonl`: LAM and MiniLM on a CUDA GPU in one process (Triton compiles and autotunes
fla's kernels once, not once per row). Encoder rows: LAM on fla's kernels and on plain torch, MiniLM through
sentence-transformers, fp32 and bf16, at 512 x 32, 128 x 32 and 512 x 256 (the texts of `lam bench encoder`; mean
of 10 timed calls after one warm-up). Then ingest of `lam bench workloads`' code and chat workloads (LAMMemory with
its encoder on the GPU; MiniLM reading everything in windows), best of two after a warm-up on a quarter. Each row is
printed and appended to OUT.jsonl as it finishes. docs/RESULTS.md ("On a GPU") reports its rows."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from functools import partial

import torch

from evals.bench import _texts_of_tokens
from evals.memory.methods import load_minilm_st
from evals.workloads import _make_run, build_workload
from lam_memory.encoder import Tokenizer, load_encoder, pad_batch
from lam_memory.tokens import count_tokens

SHAPES = ((512, 32), (128, 32), (512, 256))  # (word pieces per row, rows)


def _timed(fn: Callable[[], object], n: int = 10) -> float:
    fn()
    torch.cuda.synchronize()
    start = time.perf_counter()
    for _ in range(n):
        fn()
    torch.cuda.synchronize()
    return (time.perf_counter() - start) / n


def _minilm(st, texts: list[str], batch: int, bf16: bool) -> None:
    with torch.autocast("cuda", dtype=torch.bfloat16, enabled=bf16):
        st.encode(texts, batch_size=batch)


def encoder_rows(log: Callable[[dict], None]) -> None:
    tok = Tokenizer()
    lams = {"bf16": load_encoder(bf16=True, device="cuda"), "fp32": load_encoder(bf16=False, device="cuda")}
    st = load_minilm_st("cuda")
    for tokens, batch in SHAPES:
        ids, lengths = pad_batch([[tok.cls, *ids, tok.sep] for ids in _texts_of_tokens(tok, tokens, batch)])
        ids, lengths, counted = ids.cuda(), lengths.cuda(), int(lengths.sum())
        shape = {"tokens": tokens, "batch": batch}
        for op in ("fla", "torch"):
            os.environ["LAM_OP"] = op
            for precision, lam in lams.items():
                with torch.inference_mode():
                    s = _timed(partial(lam, ids, lengths))
                log({"model": "lam", "op": op, "precision": precision, **shape, "ms": round(s * 1e3, 2),
                     "tokens_per_s": round(counted / s)})  # fmt: skip
        os.environ["LAM_OP"] = "auto"
        st.max_seq_length = tokens
        texts = [tok.tok.decode(x) for x in _texts_of_tokens(tok, tokens, batch)]
        for precision in ("fp32", "bf16"):
            s = _timed(partial(_minilm, st, texts, batch, precision == "bf16"))
            log({"model": "minilm", "op": "-", "precision": precision, **shape, "ms": round(s * 1e3, 2),
                 "tokens_per_s": round(counted / s)})  # fmt: skip


def ingest_rows(log: Callable[[dict], None]) -> None:
    for workload in ("code", "chat"):
        chunks = build_workload(workload, 64_000)
        n = sum(count_tokens(c.text) for c in chunks)
        for model in ("lam", "minilm-windows"):
            run = _make_run(model, "cuda")
            run(chunks[::4])
            s = min(run(chunks) for _ in range(2))
            log({"workload": workload, "model": model, "cl100k_tokens": n, "seconds": round(s, 3),
                 "cl100k_per_s": round(n / s)})  # fmt: skip


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python -m evals.gpu_check OUT.jsonl", file=sys.stderr)
        return 2
    if not torch.cuda.is_available():
        print("error: torch sees no CUDA device", file=sys.stderr)
        return 1

    def log(row: dict) -> None:
        print(row, flush=True)
        with open(argv[0], "a", encoding="utf-8") as f:
            f.write(json.dumps(row) + "\n")

    log({"gpu": torch.cuda.get_device_name(), "torch": torch.__version__})
    encoder_rows(log)
    ingest_rows(log)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
