"""`lam bench`: a row measures real encoders on real text and reports what it ran."""

import pytest

from evals.bench import _encoder_row


@pytest.mark.parametrize("model", ["lam", "minilm"])
@pytest.mark.parametrize("precision", ["fp32", "bf16"])
def test_encoder_row(model, precision):
    row = _encoder_row(model, 64, 2, 1, precision)
    assert row["model"] == model and row["precision"] == precision and row["batch"] == 2
    assert row["tokens_per_s"] > 0 and row["seconds"] > 0 and row["peak_rss_mb"] > 0
    assert row["tokens_per_s"] * row["seconds"] == pytest.approx(128, rel=0.01)  # 2 inputs of 64 tokens


def test_streamed_row():
    row = _encoder_row("lam", 600, 1, 1, "fp32")  # whole 200-word pieces until >= 600 tokens: a block boundary
    assert 600 <= row["tokens_per_s"] * row["seconds"] < 1200
