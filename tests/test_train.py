"""Training stages on a tiny text set: they run, write checkpoints, change only what they should, and resume."""

import json

import torch
from rich.progress import Progress

from lam_memory.encoder import init_lam_from_minilm
from lam_memory.train import distill, distill_e2e

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
