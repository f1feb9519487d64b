"""The LAM encoder: shapes, normalisation, teacher parity, streaming == whole, constant memory, save/load."""

import dataclasses
import json
import sysconfig
from pathlib import Path

import pytest
import torch

from lam_memory import LAMError
from lam_memory import encoder as encoder_module
from lam_memory.config import EncoderConfig
from lam_memory.encoder import (
    Dense,
    init_lam_from_minilm,
    length_batches,
    linear,
    load_encoder,
    load_minilm,
    pack,
    packing,
    save_delta,
    weights_id,
)

STDLIB = Path(sysconfig.get_paths()["stdlib"])
HIDDEN, BLOCK = EncoderConfig().hidden, EncoderConfig().block


@pytest.fixture(scope="module", params=[False, True], ids=["fp32", "bf16-dense"])
def lam(request):
    return load_encoder(bf16=request.param)


def test_bf16_dense_layers_agree_with_fp32():
    """bf16 weights only in the dense layers; embeddings stay float32 and within rounding of the fp32 ones."""
    fp32, bf16 = load_encoder(bf16=False), load_encoder(bf16=True)
    assert bf16.layers[0].ffn_in.weight.dtype == torch.bfloat16 and bf16.word.weight.dtype == torch.float32
    long = (STDLIB / "argparse.py").read_text()[20_000:60_000]  # ~10K tokens: 20 blocks of carried state
    texts = ["A man is playing a guitar.", "def area(r):\n    return 3.14159 * r * r", long]
    a, b = fp32.encode(texts), bf16.encode(texts)
    assert b.dtype == torch.float32
    cos = (a * b).sum(-1)
    assert cos.min() > 0.999 and (a - b).abs().max() > 0  # close, and really computed differently


def _unpacked(enc):
    """Drop every packed weight of `enc` (they are rebuilt on the next call unless packing is switched off)."""
    for m in enc.modules():
        if isinstance(m, Dense):
            m._packed = None
    for layer in enc.layers:
        layer.mixer._fused = None
    return enc


@pytest.mark.skipif(not packing(), reason="this CPU has no native bf16: dense layers are never packed")
def test_packed_dense_layers_are_bit_identical(monkeypatch):
    """The fast path (weights packed once for oneDNN) against the reference (F.linear), on the shipped bf16 encoder:
    the same embeddings to the bit, for a query, a code chunk, a batch of mixed lengths and a span-carrying input."""
    enc = load_encoder(bf16=True)
    long = (STDLIB / "argparse.py").read_text()[20_000:40_000]
    texts = ["Which port does staging use?", "def area(r):\n    return 3.14159 * r * r", long, "word " * 300]
    fast = enc.encode(texts)
    assert enc.layers[0].ffn_in._packed is not None and enc.layers[0].mixer._fused[3] is not None
    monkeypatch.setattr(encoder_module, "_PACKING", False)
    reference = _unpacked(enc).encode(texts)
    assert enc.layers[0].ffn_in._packed is None and enc.layers[0].mixer._fused[3] is None
    assert torch.equal(fast, reference)


@pytest.mark.skipif(not packing(), reason="this CPU has no native bf16: dense layers are never packed")
def test_packed_weight_follows_changes_and_strided_inputs():
    """A packed weight is rebuilt when its weight changes in place. oneDNN reads its input as contiguous memory, so
    `linear` makes a strided view contiguous first: without that the product is garbage (errors of ~0.5 here)."""
    F = torch.nn.functional
    torch.manual_seed(0)
    dense = Dense(384, 1536).to(torch.bfloat16)
    x = torch.randn(3, 5, 3 * 384).to(torch.bfloat16)[..., :384]  # a view: not contiguous
    with torch.inference_mode():
        before = dense.product(x)
        assert dense._packed is not None
        assert torch.equal(before, F.linear(x.contiguous(), dense.weight, dense.bias))
        assert torch.equal(linear(x, dense.weight, dense.bias, pack(dense.weight)), before)
        # F.linear on the strided view itself takes another kernel: the same product within bf16 rounding
        assert (before.float() - F.linear(x, dense.weight, dense.bias).float()).abs().max() <= 2**-5
    with torch.no_grad():
        dense.weight.mul_(2)
    with torch.inference_mode():
        after = dense.product(x)
        assert torch.equal(after, F.linear(x.contiguous(), dense.weight, dense.bias))
        assert not torch.equal(after, before)


def test_weights_are_packed_only_for_bf16_inference():
    """Training (autograd) and float32 weights use F.linear: nothing is packed for them."""
    dense = Dense(8, 16)
    with torch.inference_mode():
        assert pack(dense.weight) is None  # float32
    bf16 = Dense(8, 16).to(torch.bfloat16)
    assert pack(bf16.weight) is None  # gradients enabled
    bf16(torch.randn(2, 8)).float().sum().backward()
    assert bf16._packed is None and bf16.weight.grad is not None


def test_encode_shapes_and_norms(lam):
    e = lam.encode(["A man is playing a guitar.", "hi", "x " * 700])
    assert e.shape == (3, HIDDEN) and e.dtype == torch.float32
    torch.testing.assert_close(e.norm(dim=-1), torch.ones(3))
    assert lam.encode([]).shape == (0, HIDDEN)


def test_param_count_and_no_softmax(lam):
    n = sum(p.numel() for p in lam.parameters())
    assert 21e6 < n < 23.5e6
    assert not any("Softmax" in type(m).__name__ for m in lam.modules())


def test_batch_composition_does_not_change_embeddings(lam):
    """A text's embedding does not depend on what it is batched with. In float32 that holds to rounding (measured
    3e-7). With bf16 dense layers it holds to bf16 precision only: oneDNN picks its GEMM kernel and blocking by the
    matrix shape (rows x tokens of the batch), so on AVX-512 BF16 / AMX the float32 accumulation runs in another
    order, a last-bit difference can flip the bf16 rounding of a projection's output by one step (2^-8 relative),
    and that grows over six layers to ~5e-4 on the unit embedding (measured 4.5e-4 on an AMX CPU). The bound is
    2e-3 there; a real leak across rows, modelled as the neighbour's words reaching the text, moves it by ~0.18."""
    texts = ["short one", "a somewhat longer sentence about the weather in Paris today", "x " * 100]
    alone = torch.stack([lam.encode([t])[0] for t in texts])
    batched = lam.encode(texts, batch_size=3)
    bf16 = lam.layers[0].ffn_in.weight.dtype == torch.bfloat16
    bound = 2e-3 if bf16 else 1e-5
    torch.testing.assert_close(batched, alone, atol=bound, rtol=0)
    leaked = lam.encode([f"{texts[0]} {texts[1]}"])[0]
    assert (leaked - alone[0]).abs().max() > 20 * bound  # the bound would catch a leak of that size


def test_short_chunk_is_a_speed_knob_only(monkeypatch):
    """Rows of at most one block run the recurrence in chunks of `short_chunk`, longer spans in the op's 16: the
    embeddings are the same either way (float32, to rounding), for short texts and for a text of several blocks.
    (The torch path's knob: the compiled CPU kernel has no chunks.)"""
    monkeypatch.setenv("LAM_OP", "torch")
    texts = ["hi", "A man is playing a guitar.", "def area(r):\n    return 3.14159 * r * r", "x " * 700]
    assert EncoderConfig().short_chunk == 8
    outs = [_with_config(load_encoder(bf16=False), short_chunk=chunk).encode(texts) for chunk in (8, 16, 64)]
    torch.testing.assert_close(outs[0], outs[1], atol=1e-5, rtol=0)
    torch.testing.assert_close(outs[0], outs[2], atol=1e-5, rtol=0)


def test_length_batches_group_similar_lengths_within_the_budget():
    lengths = [300, 5, 7, 290, 6, 5000, 8, 310, 9, 295]
    batches = length_batches(lengths, max_rows=3, max_padded=800)
    assert sorted(i for b in batches for i in b) == list(range(len(lengths)))  # every row exactly once
    for b in batches:
        assert len(b) <= 3 and (len(b) == 1 or len(b) * max(lengths[i] for i in b) <= 800)
    assert [lengths[b[0]] for b in batches] == sorted(lengths[b[0]] for b in batches)  # shortest first
    assert [5000] in [[lengths[i] for i in b] for b in batches]  # too long for the budget: alone, not dropped
    assert len(batches) == 5  # (5,6,7) (8,9) (290,295) (300,310) (5000)


def test_similar_sentences_score_higher(lam):
    a, b, c = lam.encode(["A man is playing a guitar.", "Someone plays the guitar.", "The stock market fell today."])
    assert (a @ b) > (a @ c) + 0.2


def test_teacher_matches_sentence_transformers():
    from sentence_transformers import SentenceTransformer

    from lam_memory.encoder import minilm_dir

    texts = ["A man is playing a guitar.", "The quick brown fox jumps over the lazy dog."]
    ours = load_minilm().encode(texts)
    ref = torch.tensor(SentenceTransformer(str(minilm_dir()), device="cpu").encode(texts))
    torch.testing.assert_close(ours, ref, atol=1e-5, rtol=1e-4)


def test_stream_equals_whole_on_real_text(lam):
    text = (STDLIB / "argparse.py").read_text()[:40_000]
    words = text.split(" ")
    pieces = [" ".join(words[i : i + 97]) + " " for i in range(0, len(words), 97)]
    whole = lam.encode([text])[0]
    streamed = lam.encode_stream(pieces)
    assert len(lam.tokenizer([text])[0]) > 3 * BLOCK
    torch.testing.assert_close(streamed, whole, atol=2e-5, rtol=1e-4)


def test_stream_empty_input_is_an_error(lam):
    with pytest.raises(LAMError):
        lam.encode_stream([])


STREAM_SCRIPT = """
import resource, sys, sysconfig, torch
from pathlib import Path
from lam_memory.encoder import load_encoder
lam = load_encoder()
piece = (Path(sysconfig.get_paths()["stdlib"]) / "typing.py").read_text()[:20_000]
per = len(lam.tokenizer([piece], special=False)[0])
n = int(sys.argv[1]) // per + 1
e = lam.encode_stream(piece for _ in range(n))
assert torch.isfinite(e).all()
print(n * per, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024)
"""


@pytest.mark.slow
def test_stream_256k_tokens_constant_memory():
    """Streaming 256K tokens peaks at the same memory as 16K tokens (separate processes, max RSS)."""
    import subprocess
    import sys

    def run(tokens: int) -> tuple[int, int]:
        out = subprocess.run([sys.executable, "-c", STREAM_SCRIPT, str(tokens)], capture_output=True, text=True,
                             check=True, timeout=900)  # fmt: skip
        n, rss_mb = map(int, out.stdout.split())
        return n, rss_mb

    small_n, small_rss = run(16_384)
    big_n, big_rss = run(262_144)
    assert big_n >= 262_144 and big_n >= 10 * small_n
    assert big_rss < small_rss + 64, (small_rss, big_rss)


def test_save_delta_round_trip(tmp_path):
    model = init_lam_from_minilm()
    with torch.no_grad():
        model.layers[0].mixer.gates.bias.add_(0.5)
    encoder_id = save_delta(model, tmp_path / "w.safetensors", {"note": "test"})
    from safetensors.torch import load_file

    delta = load_file(str(tmp_path / "w.safetensors"))
    assert "layers.0.mixer.gates.bias" in delta and "word.weight" not in delta
    assert json.loads((tmp_path / "w.json").read_text())["encoder_id"] == encoder_id
    again = load_encoder(tmp_path / "w.safetensors", bf16=False)
    # the id is the weights' own: read from the file, a digest of the tensors, different from the shipped one's
    assert again.encoder_id == encoder_id == weights_id(tmp_path / "w.safetensors") != weights_id()
    assert encoder_id.startswith("lam-encoder-") and load_encoder(bf16=False).encoder_id == weights_id()
    torch.testing.assert_close(again.layers[0].mixer.gates.bias, model.layers[0].mixer.gates.bias.half().float())


def test_missing_weights_is_a_clear_error(tmp_path):
    with pytest.raises(LAMError, match="not found"):
        load_encoder(tmp_path / "nope.safetensors")


@pytest.mark.parametrize("name,message", [("tpu", "unknown device"), ("mps", "not supported"), ("cuda", "no CUDA")])
def test_a_device_this_machine_lacks_is_a_clear_error(name, message, monkeypatch):
    if name == "cuda" and torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    with pytest.raises(LAMError, match=message):
        load_encoder(device=name)
    monkeypatch.setenv("LAM_DEVICE", name)  # the default device follows the environment
    with pytest.raises(LAMError, match=message):
        load_encoder()


def test_malloc_tuning_applies_unless_opted_out(monkeypatch):
    import platform

    from lam_memory.encoder import tune_malloc

    if platform.system() == "Linux" and platform.libc_ver()[0] == "glibc":
        assert tune_malloc() is True
    monkeypatch.setenv("LAM_MALLOC_TUNING", "0")
    assert tune_malloc() is False
    monkeypatch.delenv("LAM_MALLOC_TUNING")
    monkeypatch.setenv("MALLOC_TRIM_THRESHOLD_", "131072")  # the user's own setting wins
    assert tune_malloc() is False


@pytest.mark.parametrize("op", ["torch", "auto"])
def test_padding_does_not_leak_into_real_tokens(lam, op, monkeypatch):
    """Pads write nothing into the state (beta = 0): a row's hidden states are the same alone and padded. With bf16
    dense layers a last-bit difference in float32 can round to one bf16 step (~0.004 at this scale) and grow over
    the layers to ~0.01, so the bound there is 0.05; letting the 296 pads in as tokens moves them by ~0.5."""
    monkeypatch.setenv("LAM_OP", op)
    ids = lam.tokenizer(["a short sentence about cats", "x " * 300])
    from lam_memory.encoder import pad_batch

    padded, lengths = pad_batch(ids)
    with torch.inference_mode():
        alone = lam.forward_span(torch.tensor([ids[0]]), torch.tensor([len(ids[0])]))[0][0]
        batch = lam.forward_span(padded, lengths)[0][0, : len(ids[0])]
        leaked = lam.forward_span(padded, torch.full_like(lengths, padded.shape[1]))[0][0, : len(ids[0])]
    bf16 = lam.layers[0].ffn_in.weight.dtype == torch.bfloat16
    assert (alone - batch).abs().max() < (0.05 if bf16 else 2e-5)
    assert (alone - leaked).abs().max() > 0.2  # the pads would matter if they were written


@pytest.mark.parametrize("op", ["torch", "auto"])  # auto: the compiled CPU kernel where it builds
def test_span_of_blocks_equals_block_by_block(lam, op, monkeypatch):
    """One call over several blocks (backward heads restart per block, forward heads carry on) equals feeding the
    blocks one at a time with the carried state, for a full row and a padded row that ends mid-span. Both run the
    recurrence in chunks of 16 here: one-block calls would take `short_chunk` otherwise, which changes the rounding
    only (`test_short_chunk_is_a_speed_knob_only`), but with bf16 dense layers a last-bit change can flip a bf16
    rounding and grow over six layers, which would hide what this test checks."""
    monkeypatch.setenv("LAM_OP", op)
    lam = _with_config(load_encoder(bf16=lam.layers[0].ffn_in.weight.dtype == torch.bfloat16), short_chunk=16)
    torch.manual_seed(0)
    T = 3 * BLOCK - 100
    ids, lengths = torch.randint(1000, 20_000, (2, T)), torch.tensor([T, 2 * BLOCK + 7])
    with torch.inference_mode():
        whole, whole_states = lam.forward_span(ids, lengths)
        states, parts = None, []
        for s in range(0, T, BLOCK):
            h, states = lam.forward_span(ids[:, s : s + BLOCK], (lengths - s).clamp(0, BLOCK), states)
            parts.append(h)
        fresh = lam.forward_span(ids[:, BLOCK : 2 * BLOCK], (lengths - BLOCK).clamp(0, BLOCK))[0]
    pieces = torch.cat(parts, dim=1)
    for row, n in enumerate(lengths.tolist()):
        torch.testing.assert_close(whole[row, :n], pieces[row, :n], atol=2e-5, rtol=1e-4)
    for a, b in zip(whole_states, states, strict=True):
        torch.testing.assert_close(a, b, atol=2e-5, rtol=1e-4)
    assert (fresh - whole[:, BLOCK : 2 * BLOCK]).abs().max() > 0.1  # the carried state matters


def test_reused_projection_follows_weight_changes():
    """Inference reuses the heads' fused projection; a weight changed in place (or moved to bf16) must be seen."""
    from lam_memory.encoder import Encoder

    torch.manual_seed(0)
    enc = Encoder("lam", EncoderConfig(layers=1)).eval()
    text = "the deploy window moved to friday"
    before = enc.encode(text)
    assert torch.equal(enc.encode(text), before)  # reused: same result
    with torch.no_grad():
        enc.layers[0].mixer.key.weight.mul_(1.5)
    changed = enc.encode(text)
    enc.layers[0].mixer._fused = None  # what a fresh build computes
    assert torch.equal(changed, enc.encode(text)) and not torch.allclose(changed, before)
    enc.train()
    loss = enc(*_ids(enc, text)).sum()
    loss.backward()  # with gradients the projection is built in the graph, never reused
    assert enc.layers[0].mixer.key.weight.grad is not None and enc.layers[0].mixer._fused is None


def _with_config(enc, **changes):
    """`enc` with its config changed (the encoder and its mixers share one config)."""
    enc.config = dataclasses.replace(enc.config, **changes)
    for layer in enc.layers:
        layer.mixer.cfg = enc.config
    return enc


def _ids(enc, text):
    from lam_memory.encoder import pad_batch

    return pad_batch(enc.tokenizer([text]))


def test_batches_side_by_side_equal_one_after_another(monkeypatch):
    """`encode` runs its batches on as many Python threads as torch has, each batch's ops on one thread: the result is
    that of the batches one after another on one thread, bit for bit, whatever the number of threads, and torch's
    thread count is given back, also when a batch fails."""
    enc = load_encoder(bf16=False)
    texts = [f"def f{i}(x):\n    return x * {i}  # " + "word " * (i * 7 % 90) for i in range(150)]
    assert len(encoder_module.length_batches([len(t) for t in enc.tokenizer(texts)], 32)) > 3
    before = torch.get_num_threads()
    runs = []
    try:
        for n in (1, 2, 3):
            torch.set_num_threads(n)
            runs.append(enc.encode(texts))
            assert torch.get_num_threads() == n
        torch.set_num_threads(2)
        seen, forward = set(), enc.forward

        def watched(ids, lengths):
            seen.add(torch.get_num_threads())
            return forward(ids, lengths)

        monkeypatch.setattr(enc, "forward", watched)
        enc.encode(texts)
        assert seen == {1}  # one op thread per batch: the batches are the parallel work
        calls = []

        def fail(ids, lengths):
            calls.append(len(ids))
            raise RuntimeError("a batch failed")

        monkeypatch.setattr(enc, "forward", fail)
        with pytest.raises(RuntimeError, match="a batch failed"):
            enc.encode(texts)
        assert calls and torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert torch.equal(runs[0], runs[1]) and torch.equal(runs[0], runs[2])
