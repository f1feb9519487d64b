"""STS-B: Pearson and Spearman (x100) of cosine similarity against the gold scores, LAM and the MiniLM teacher."""

from __future__ import annotations

import json
from pathlib import Path

import torch
from rich.console import Console
from rich.table import Table

from evals.data import data_dir

SPLITS = {"train": "sts-train.csv", "dev": "sts-dev.csv", "test": "sts-test.csv"}


def load_stsb(split: str) -> list[tuple[str, str, float]]:
    """(sentence1, sentence2, score 0-5) rows; tab-separated, fields [4], [5], [6] (see evals/data/SOURCES.md)."""
    rows = []
    for line in (data_dir() / "stsb" / SPLITS[split]).read_text(encoding="utf-8").splitlines():
        f = line.rstrip("\n").split("\t")
        rows.append((f[5], f[6], float(f[4])))
    return rows


def pearson_spearman(pred: torch.Tensor, gold: torch.Tensor) -> dict[str, float]:
    def pearson(a: torch.Tensor, b: torch.Tensor) -> float:
        a, b = a.double() - a.double().mean(), b.double() - b.double().mean()
        return float((a * b).sum() / (a.norm() * b.norm()))

    def ranks(x: torch.Tensor) -> torch.Tensor:  # average ranks for ties
        order = x.argsort()
        r = torch.empty_like(x, dtype=torch.float64)
        r[order] = torch.arange(len(x), dtype=torch.float64)
        for v in x.unique():
            tie = x == v
            if tie.sum() > 1:
                r[tie] = r[tie].mean()
        return r

    return {"pearson": 100 * pearson(pred, gold), "spearman": 100 * pearson(ranks(pred), ranks(gold))}


def sts_scores(model, split: str, batch_size: int = 64) -> dict[str, float]:
    """Cosine similarity of `model.encode` embeddings vs gold on one split."""
    rows = load_stsb(split)
    a = model.encode([r[0] for r in rows], batch_size=batch_size)
    b = model.encode([r[1] for r in rows], batch_size=batch_size)
    return pearson_spearman((a * b).sum(-1), torch.tensor([r[2] for r in rows]))


def run(json_path: str | None = None, console: Console | None = None) -> dict:
    from lam_memory.encoder import load_encoder, load_minilm

    console = console or Console()
    result = {}
    for name, model in (("lam", load_encoder()), ("teacher", load_minilm())):
        with torch.inference_mode():
            result[name] = {split: sts_scores(model, split) for split in ("test", "dev")}
    table = Table(title="STS-B (cosine similarity, x100)")
    for col in ("model", "test pearson", "test spearman", "dev pearson", "dev spearman"):
        table.add_column(col, justify="right" if col != "model" else "left")
    for name, label in (("lam", "LAM encoder"), ("teacher", "all-MiniLM-L6-v2 (teacher)")):
        r = result[name]
        table.add_row(label, *(f"{r[s][m]:.2f}" for s in ("test", "dev") for m in ("pearson", "spearman")))
    console.print(table)
    if json_path:
        Path(json_path).write_text(json.dumps(result, indent=2) + "\n")
    return result
