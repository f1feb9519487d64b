"""The recurrence and the encoder on a GPU: both fast paths (fla's kernels and plain torch) against the reference,
values and gradients, and the CUDA encoder against the CPU one. Skipped where torch sees no CUDA device (CI has
none; docs/RESULTS.md, "On a GPU", says where and when these ran)."""

import pytest
import torch

from lam_memory.ops import fla, lam_chunkwise, lam_fla, lam_recurrent, use_fla
from tests.lam_memory.test_ops import make_inputs

pytestmark = pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
needs_fla = pytest.mark.skipif(not fla.available(), reason="fla-core is not installed")

# fla multiplies float32 in TF32 (10-bit mantissa); plain torch on CUDA keeps float32 matmuls exact by default
PATHS = [pytest.param(lam_fla, 2e-2, marks=needs_fla, id="fla"), pytest.param(lam_chunkwise, 5e-4, id="torch")]


def _cuda(xs):
    return [x.detach().cuda().float().requires_grad_(x.requires_grad) for x in xs]


@pytest.mark.parametrize("fn,tol", PATHS)
@pytest.mark.parametrize("T,offset,mix_every", [(1, 0, 16), (37, 0, 16), (100, 5, 16), (130, 63, 64), (300, 0, 64)])
@pytest.mark.parametrize("B,H,Dk,Dv", [(2, 3, 16, 16), (3, 12, 32, 32)])
def test_cuda_paths_match_reference(fn, tol, T, offset, mix_every, B, H, Dk, Dv):
    xs = make_inputs(B, H, T, Dk, Dv, torch.float64)
    o_ref, s_ref = lam_recurrent(*xs, offset=offset, mix_every=mix_every)
    o, S = fn(*_cuda(xs), offset=offset, mix_every=mix_every)
    assert o.is_cuda and o.shape == o_ref.shape and S.shape == s_ref.shape
    torch.testing.assert_close(o.double().cpu(), o_ref, atol=tol, rtol=tol)
    torch.testing.assert_close(S.double().cpu(), s_ref, atol=tol, rtol=tol)


@pytest.mark.parametrize("fn,tol", PATHS)
@pytest.mark.parametrize("T,offset", [(23, 0), (90, 7)])
def test_cuda_gradients_match_reference(fn, tol, T, offset):
    grads = []
    for f, to in ((lam_recurrent, lambda xs: xs), (fn, _cuda)):
        xs = to(make_inputs(2, 2, T, 16, 16, torch.float64, seed=1, requires_grad=True))
        o, S = f(*xs, offset=offset, mix_every=16)
        w = torch.randn(o.shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64).to(o)
        ((o * w).sum() + S.pow(2).sum()).backward()
        grads.append([x.grad.double().cpu() for x in xs])
    for g_ref, g in zip(*grads, strict=True):
        torch.testing.assert_close(g, g_ref, atol=tol, rtol=tol)


@needs_fla
def test_fla_pieces_equal_whole():
    """Offsets place the mix boundaries: a stream fed in pieces equals the whole."""
    q, k, v, beta, log_a, gate, mix, S0 = _cuda(make_inputs(2, 3, 150, 16, 16, torch.float64, seed=3))
    o_whole, s_whole = lam_fla(q, k, v, beta, log_a, gate, mix, S0, mix_every=16)
    S, outs, start = S0, [], 0
    for end in (5, 16, 17, 70, 150):
        sl = slice(start, end)
        o, S = lam_fla(q[:, :, sl], k[:, :, sl], v[:, :, sl], beta[:, :, sl], log_a[..., sl], gate[:, :, sl], mix, S,
                       offset=start, mix_every=16)  # fmt: skip
        outs.append(o)
        start = end
    torch.testing.assert_close(torch.cat(outs, dim=2), o_whole, atol=1e-2, rtol=1e-2)
    torch.testing.assert_close(S, s_whole, atol=1e-2, rtol=1e-2)


@needs_fla
def test_lam_attention_takes_fla_on_cuda(monkeypatch):
    q = torch.zeros(1, 1, 1, 4, device="cuda")
    assert use_fla(q) and not use_fla(q.cpu())
    monkeypatch.setenv("LAM_OP", "torch")
    assert not use_fla(q)


@pytest.fixture(scope="module")
def texts():
    from evals.bench import corpus

    words = corpus().split()
    return [" ".join(words[i : i + n]) for i, n in zip(range(0, 40_000, 997), [3, 20, 60, 150, 400] * 9, strict=False)]


@pytest.mark.parametrize("op", [pytest.param("fla", marks=needs_fla), "torch"])
@pytest.mark.parametrize("bf16", [False, True], ids=["fp32", "bf16-dense"])
def test_cuda_encoder_agrees_with_cpu(op, bf16, texts, monkeypatch):
    """Embeddings of real text (3 to 400 words, so one block and several) on the GPU against the CPU's."""
    from lam_memory.encoder import load_encoder

    monkeypatch.setenv("LAM_OP", op)
    cpu = load_encoder(bf16=False).encode(texts)
    gpu_encoder = load_encoder(bf16=bf16, device="cuda")
    gpu = gpu_encoder.encode(texts)
    assert gpu.device.type == "cpu" and gpu.shape == cpu.shape
    assert (gpu * cpu).sum(-1).min() > 0.999
    pieces = [w + " " for w in texts[4].split()]
    stream = gpu_encoder.encode_stream(pieces)
    assert float(stream @ cpu[4]) > 0.999


def test_memory_on_cuda_finds_what_it_stored(tmp_path, monkeypatch):
    from lam_memory.encoder import load_encoder
    from lam_memory.memory import LAMMemory

    with LAMMemory(tmp_path / "mem", encoder=load_encoder(device="cuda")) as mem:
        mem.add("The staging database moved to port 6543 on Tuesday.", source="notes.txt")
        mem.add("Lunch is at noon in the blue room.", source="notes2.txt")
        assert "6543" in mem.search("Which port does the staging database use?", k=1)[0].text
