"""Training stages on a tiny text set: they run, write checkpoints, change only what they should, and resume."""

import json

import torch
from rich.progress import Progress

import evals.sts_b
import evals.train as train
from evals.train import distill, distill_e2e, finetune_sts, finetune_teacher, relational_loss, teacher_targets
from lam_memory import cli
from lam_memory.encoder import init_lam_from_minilm, load_minilm

TEXTS = [f"Sentence number {i} talks about {w}." for i, w in enumerate(["cats", "deploys", "rivers", "code"] * 6)]


def test_stages_train_checkpoint_and_resume(tmp_path):
    torch.manual_seed(0)
    (tmp_path / "texts.json").write_text(json.dumps(TEXTS))
    student = init_lam_from_minilm()
    before = {k: v.clone() for k, v in student.state_dict().items()}
    with Progress(disable=True) as progress:
        distill(student, tmp_path, steps=2, progress=progress)
        after1 = {k: v.clone() for k, v in student.state_dict().items()}
        changed = {k for k in before if not torch.equal(before[k], after1[k])}
        assert changed and all(".mixer." in k for k in changed)  # stage 1 trains the token mixers only
        distill_e2e(student, tmp_path, steps=2, progress=progress)
        after2 = {k: v.clone() for k, v in student.state_dict().items()}
        changed = {k for k in after1 if not torch.equal(after1[k], after2[k])}
        assert any("ffn" in k for k in changed) and "word.weight" not in changed  # stage 2: all but embeddings
        assert torch.load(tmp_path / "e2e.pt", weights_only=False)["step"] == 2
        fresh = init_lam_from_minilm()  # resuming a finished stage restores its weights and trains no further
        distill(fresh, tmp_path, steps=2, progress=progress)
        distill_e2e(fresh, tmp_path, steps=2, progress=progress)
    for k, v in fresh.state_dict().items():
        assert torch.equal(v, after2[k]), k


def test_tuned_stage_follows_the_teacher_it_is_given(tmp_path):
    """Stage 2b is stage 2 against another teacher: its own checkpoint after stage 2's, and the teacher matters
    (a perturbed MiniLM pulls the student elsewhere than MiniLM does)."""
    other = load_minilm()
    with torch.no_grad():
        for p in other.parameters():
            p.add_(0.05 * torch.randn_like(p))
            p.requires_grad_(False)
    results = {}
    for name, teacher in (("base", load_minilm()), ("other", other)):
        out = tmp_path / name
        out.mkdir()
        (out / "texts.json").write_text(json.dumps(TEXTS))
        torch.manual_seed(0)
        student = init_lam_from_minilm()
        with Progress(disable=True) as progress:
            distill_e2e(student, out, 2, progress)
            distill_e2e(student, out, 2, progress, teacher=teacher, name="e2e-tuned")
        results[name] = student.state_dict()["layers.0.ffn_in.weight"].clone()
        ckpts = {c: torch.load(out / f"{c}.pt", weights_only=False) for c in ("e2e", "e2e-tuned")}
        assert ckpts["e2e"]["step"] == 2 and ckpts["e2e-tuned"]["step"] == 2
        assert not torch.equal(ckpts["e2e"]["model"]["layers.0.ffn_in.weight"], results[name])
    assert not torch.equal(results["base"], results["other"])


def test_tuned_stage_without_a_teacher_is_a_clear_error(tmp_path, capsys):
    argv = ["train-encoder", "--out", str(tmp_path / "run"), "--tuned-steps", "5", "--teacher-epochs", "0"]
    assert cli.main(argv) == 1
    assert "--tuned-steps needs the stage-0 teacher" in capsys.readouterr().err
    assert not (tmp_path / "run").exists()


def test_relational_loss_compares_geometry_not_coordinates():
    torch.manual_seed(0)
    t = torch.nn.functional.normalize(torch.randn(8, 16), dim=-1)
    q, _ = torch.linalg.qr(torch.randn(16, 16))  # a rotation keeps every cosine
    assert relational_loss(t @ q, t) < 1e-10
    s = torch.nn.functional.normalize(torch.randn(8, 16), dim=-1).requires_grad_()
    loss = relational_loss(s, t)
    loss.backward()
    assert loss > 0.01 and s.grad.abs().sum() > 0
    doubled = torch.cat((t[:4], t[:4]))  # only the diagonal (self-similarity) can differ: ignored
    assert relational_loss(doubled, doubled) == 0


def test_sts_stages_on_a_slice_of_stsb(tmp_path, monkeypatch):
    """Stage 0 (teacher) and stage 3 with the relational term, on 32 real train pairs and 48 dev pairs: they train,
    checkpoint, select on dev, and resume without training again."""
    full = {split: evals.sts_b.load_stsb(split) for split in ("train", "dev")}
    sliced = lambda split: full[split][:32] if split == "train" else full[split][:48]  # noqa: E731
    monkeypatch.setattr(train, "load_stsb", sliced)
    monkeypatch.setattr(evals.sts_b, "load_stsb", sliced)
    with Progress(disable=True) as progress:
        teacher = finetune_teacher(tmp_path, epochs=1, progress=progress)
        assert not any(p.requires_grad for p in teacher.parameters())
        targets = teacher_targets(teacher)
        assert set(targets) == {s for a, b, _ in sliced("train") for s in (a, b)}
        torch.testing.assert_close(torch.stack(list(targets.values())).norm(dim=-1), torch.ones(len(targets)))
        student = init_lam_from_minilm()
        before = {k: v.clone() for k, v in student.state_dict().items()}
        best = finetune_sts(student, tmp_path, epochs=1, progress=progress, targets=targets)
        assert best["choice"] in ("uniform average of epochs 0-1", "epoch 0", "epoch 1")
        ckpt = torch.load(tmp_path / "sts.pt", weights_only=False)
        assert ckpt["epoch"] == 1 and len(ckpt["devs"]) == 2
        trained = ckpt["snapshots"][1]
        assert not torch.equal(trained["layers.0.ffn_in.weight"], before["layers.0.ffn_in.weight"])
        assert torch.equal(trained["word.weight"], before["word.weight"])  # embeddings stay MiniLM's
        again = init_lam_from_minilm()  # resuming a finished stage re-selects the same weights
        assert finetune_sts(again, tmp_path, epochs=1, progress=progress, targets=targets) == best
    for k, v in again.state_dict().items():
        assert torch.equal(v, student.state_dict()[k]), k


def test_relational_weight_zero_is_the_plain_stage(tmp_path, monkeypatch):
    """`--relational 0` with a teacher trains exactly as stage 3 without one: the weight is what mixes it in."""
    train_rows = evals.sts_b.load_stsb("train")[:16]
    monkeypatch.setattr(train, "load_stsb", lambda split: train_rows)
    monkeypatch.setattr(train, "sts_scores", lambda model, split: {"pearson": 0.0, "spearman": 0.0})
    targets = {s: torch.nn.functional.normalize(torch.randn(384), dim=0) for a, b, _ in train_rows for s in (a, b)}
    models = []
    for name, kwargs in (
        ("plain", {}),
        ("zero", {"targets": targets, "relational": 0.0}),
        ("one", {"targets": targets}),
    ):
        torch.manual_seed(0)
        model = init_lam_from_minilm()
        (tmp_path / name).mkdir()
        with Progress(disable=True) as progress:
            finetune_sts(model, tmp_path / name, epochs=1, progress=progress, **kwargs)
        models.append(torch.load(tmp_path / name / "sts.pt", weights_only=False)["snapshots"][1])
    plain, zero, one = models
    assert all(torch.equal(plain[k], zero[k]) for k in plain)
    assert not torch.equal(plain["layers.0.ffn_in.weight"], one["layers.0.ffn_in.weight"])
