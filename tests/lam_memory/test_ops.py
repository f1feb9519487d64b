"""The LAM recurrence: chunkwise-parallel == reference loop, pieces == whole, overwrite, boundedness."""

import functools

import pytest
import torch
import torch.nn.functional as F

from lam_memory.ops import lam_chunkwise, lam_recurrent
from lam_memory.ops.delta_rule import unit_lower_inverse


def make_inputs(B, H, T, Dk, Dv, dtype, seed=0, requires_grad=False):
    g = torch.Generator().manual_seed(seed)
    r = lambda *s: torch.randn(*s, generator=g, dtype=dtype)  # noqa: E731
    q = F.normalize(r(B, H, T, Dk), dim=-1)
    k = F.normalize(r(B, H, T, Dk), dim=-1)
    v = r(B, H, T, Dv)
    beta = torch.rand(B, H, T, generator=g, dtype=dtype)
    rates = torch.tensor([0.5, 0.01], dtype=dtype).view(1, 1, 2, 1)
    log_a = -torch.rand(B, H, 2, T, generator=g, dtype=dtype) * rates
    gate = torch.rand(B, H, T, generator=g, dtype=dtype)
    mix = torch.rand(H, 2, generator=g, dtype=dtype) * 0.5
    S0 = r(B, H, 2, Dk, Dv) * 0.1
    xs = [q, k, v, beta, log_a, gate, mix, S0]
    if requires_grad:
        for x in xs:
            x.requires_grad_(True)
    return xs


SHAPES = [(1, 1, 16, 4, 4), (2, 3, 8, 5, 1), (1, 2, 32, 16, 8)]


@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-10), (torch.float32, 2e-4)])
@pytest.mark.parametrize("T,offset,mix_every", [(1, 0, 16), (37, 0, 16), (64, 0, 16), (100, 5, 16), (130, 63, 64)])
@pytest.mark.parametrize("shape", SHAPES)
def test_chunkwise_matches_reference(shape, T, offset, mix_every, dtype, tol):
    B, H, Dk, Dv, _ = shape[0], shape[1], shape[2] // 2 or 1, shape[3], shape[4]
    xs = make_inputs(B, H, T, Dk, Dv, dtype)
    o_ref, s_ref = lam_recurrent(*xs, offset=offset, mix_every=mix_every)
    o_fast, s_fast = lam_chunkwise(*xs, offset=offset, mix_every=mix_every)
    assert o_fast.shape == o_ref.shape == (B, H, T, Dv)
    torch.testing.assert_close(o_fast, o_ref, atol=tol, rtol=tol)
    torch.testing.assert_close(s_fast, s_ref, atol=tol, rtol=tol)


@pytest.mark.parametrize("dtype,tol", [(torch.float64, 1e-9), (torch.float32, 5e-4)])
@pytest.mark.parametrize("T,offset", [(23, 0), (50, 7)])
@pytest.mark.parametrize("chunk", [4, 16])  # Dk = 6: keys longer than the chunk, and shorter
def test_gradients_match_reference(T, offset, chunk, dtype, tol):
    grads = []
    for fn in (lam_recurrent, functools.partial(lam_chunkwise, chunk=chunk)):
        xs = make_inputs(2, 2, T, 6, 5, dtype, seed=1, requires_grad=True)
        o, S = fn(*xs, offset=offset, mix_every=16)
        w = torch.randn(o.shape, generator=torch.Generator().manual_seed(2), dtype=dtype)
        ((o * w).sum() + S.pow(2).sum()).backward()
        grads.append([x.grad for x in xs])
    for g_ref, g_fast in zip(*grads, strict=True):
        torch.testing.assert_close(g_fast, g_ref, atol=tol, rtol=tol)


@pytest.mark.parametrize("fn", [lam_recurrent, lam_chunkwise])
def test_pieces_equal_whole(fn):
    xs = make_inputs(2, 3, 150, 8, 8, torch.float64, seed=3)
    q, k, v, beta, log_a, gate, mix, S0 = xs
    o_whole, s_whole = fn(*xs, mix_every=16)
    S, outs, start = S0, [], 0
    for end in (5, 16, 17, 70, 150):
        sl = slice(start, end)
        o, S = fn(
            q[:, :, sl],
            k[:, :, sl],
            v[:, :, sl],
            beta[:, :, sl],
            log_a[..., sl],
            gate[:, :, sl],
            mix,
            S,
            offset=start,
            mix_every=16,
        )
        outs.append(o)
        start = end
    torch.testing.assert_close(torch.cat(outs, dim=2), o_whole)
    torch.testing.assert_close(S, s_whole)


@pytest.mark.parametrize("fn", [lam_recurrent, lam_chunkwise])
def test_delta_rule_overwrites(fn):
    """Write (k, v1) then (k, v2) at full strength: reading k returns v2, not v1 + v2."""
    Dk = Dv = 8
    k = F.normalize(torch.randn(Dk, dtype=torch.float64), dim=0)
    v1, v2 = torch.randn(Dv, dtype=torch.float64), torch.randn(Dv, dtype=torch.float64)
    q = k.view(1, 1, 1, Dk).expand(1, 1, 2, Dk)
    kk = k.view(1, 1, 1, Dk).expand(1, 1, 2, Dk)
    v = torch.stack((v1, v2)).view(1, 1, 2, Dv)
    ones = torch.ones(1, 1, 2, dtype=torch.float64)
    o, S = fn(
        q,
        kk,
        v,
        ones,
        torch.zeros(1, 1, 2, 2, dtype=torch.float64),
        ones,
        torch.zeros(1, 2, dtype=torch.float64),
        mix_every=64,
    )
    # fast and slow both hold v2 and the slow read is gated by g=1: o = 2 * v2
    torch.testing.assert_close(o[0, 0, 1], 2 * v2)
    torch.testing.assert_close(S[0, 0, 0].T @ k, v2)
    assert not torch.allclose(S[0, 0, 0].T @ k, v1 + v2)


def test_state_bounded_over_a_million_tokens():
    """Random input for 10^6 tokens, piece by piece: norms stay finite and below the analytic bound."""
    H, Dk, Dv, piece, mix_every = 2, 8, 8, 16384, 256
    g = torch.Generator().manual_seed(0)
    mix = torch.full((H, 2), 0.3)
    S, offset, norms = None, 0, []
    while offset < 1_000_000:
        q = F.normalize(torch.randn(1, H, piece, Dk, generator=g), dim=-1)
        k = F.normalize(torch.randn(1, H, piece, Dk, generator=g), dim=-1)
        v = torch.randn(1, H, piece, Dv, generator=g).clamp(-3, 3)
        beta = torch.rand(1, H, piece, generator=g)
        log_a = -torch.rand(1, H, 2, piece, generator=g) * torch.tensor([0.3, 1e-4]).view(1, 1, 2, 1)
        gate = torch.rand(1, H, piece, generator=g)
        _, S = lam_chunkwise(q, k, v, beta, log_a, gate, mix, S, offset=offset, mix_every=mix_every)
        offset += piece
        norms.append(S.norm(dim=(-2, -1)).max().item())
    assert all(torch.isfinite(torch.tensor(norms)))
    # ||S|| <= max ||v|| * max ||k v^T|| / (1 - a) is loose for the slow state; the state must plateau, not grow:
    first, last = max(norms[: len(norms) // 4]), max(norms[-len(norms) // 4 :])
    assert last < 2 * first and last < 3 * (3 * Dv**0.5) * 1e4


@pytest.mark.parametrize("requires_grad", [False, True])  # in-place and autograd-safe paths
@pytest.mark.parametrize("C", [1, 2, 16, 64])
def test_unit_lower_inverse(C, requires_grad):
    L = (torch.randn(3, C, C, dtype=torch.float64).tril(-1) * 0.3).requires_grad_(requires_grad)
    eye = torch.eye(C, dtype=torch.float64)
    torch.testing.assert_close(unit_lower_inverse(L) @ (eye + L), eye.expand(3, C, C))


def test_batch_slices_equal_one_pass(monkeypatch):
    """Large batches run in slices of rows (a cache-size knob): same values and gradients as one pass."""
    from lam_memory.ops import delta_rule

    xs = make_inputs(5, 2, 40, 8, 8, torch.float64, requires_grad=True)
    o_one, s_one = lam_chunkwise(*xs, offset=3, mix_every=16)
    g_one = torch.autograd.grad(o_one.sum() + s_one.sum(), xs)
    monkeypatch.setattr(delta_rule, "SLICE", 2 * 2 * 40)  # two rows per slice: 2 + 2 + 1
    o, S = lam_chunkwise(*xs, offset=3, mix_every=16)
    torch.testing.assert_close(o, o_one, atol=1e-12, rtol=1e-12)
    torch.testing.assert_close(S, s_one, atol=1e-12, rtol=1e-12)
    for a, b in zip(torch.autograd.grad(o.sum() + S.sum(), xs), g_one, strict=True):
        torch.testing.assert_close(a, b, atol=1e-12, rtol=1e-12)


@pytest.mark.parametrize("chunk", [1, 4, 16, 64])  # Dk = 8: chunks shorter and longer than the keys
def test_chunk_length_does_not_change_results(chunk):
    xs = make_inputs(2, 3, 150, 8, 8, torch.float64)
    o_ref, s_ref = lam_recurrent(*xs, offset=7, mix_every=64)
    o, S = lam_chunkwise(*xs, offset=7, mix_every=64, chunk=chunk)
    torch.testing.assert_close(o, o_ref, atol=1e-10, rtol=1e-10)
    torch.testing.assert_close(S, s_ref, atol=1e-10, rtol=1e-10)


def test_lam_attention_runs_the_torch_path_on_cpu(monkeypatch):
    from lam_memory import LAMError
    from lam_memory.ops import lam_attention, use_fla

    xs = make_inputs(2, 3, 40, 8, 8, torch.float32)
    assert not use_fla(xs[0])
    o, S = lam_attention(*xs, offset=3, mix_every=16)
    o_ref, s_ref = lam_chunkwise(*xs, offset=3, mix_every=16)
    assert torch.equal(o, o_ref) and torch.equal(S, s_ref)
    monkeypatch.setenv("LAM_OP", "fla")  # asked for where it cannot run: a one-line error, not a silent fallback
    with pytest.raises(LAMError, match="LAM_OP=fla needs CUDA"):
        lam_attention(*xs)
    monkeypatch.setenv("LAM_OP", "triton")
    with pytest.raises(LAMError, match="LAM_OP must be auto, torch, fla or c"):
        lam_attention(*xs)
