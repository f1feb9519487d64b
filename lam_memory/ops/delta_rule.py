"""The LAM recurrence: a two-timescale gated delta rule with a bounded cross-timescale mix.

Per head and token t, with q_t, k_t L2-normalised (d_k), v_t (d_v), write strength beta_t in (0, 1],
and one decay per timescale a_t^s = exp(log_a_t^s) in (0, 1], s in {fast, slow}:

    S_t^s = a_t^s (S_{t-1}^s - beta_t k_t (k_t^T S_{t-1}^s)) + beta_t k_t v_t^T      (gated delta rule)
    o_t   = S_t^fast^T q_t + g_t S_t^slow^T q_t

The delta term replaces what the state associated with k_t instead of adding to it, so writing
(k, v1) then (k, v2) with beta = 1 reads back v2. Every `mix_every` tokens (absolute positions, so
processing in pieces equals processing whole) the two states exchange a convex share:

    S^fast <- (1 - lam_f) S^fast + lam_f S^slow,   S^slow <- (1 - lam_s) S^slow + lam_s S^fast

with lam in [0, 0.5]. Since (I - beta k k^T) has spectral norm <= 1 for beta in [0, 1] and ||k|| = 1,
each step satisfies ||S_t|| <= a ||S_{t-1}|| + beta ||v||, and a convex mix never increases the
larger of the two norms: the state stays bounded for any input length (the seed's additive
`S_fast += 0.1 S_slow` grows without bound).

Two implementations with one signature:
  * `lam_recurrent`: the reference, a plain loop over tokens.
  * `lam_chunkwise`: the chunkwise-parallel form (WY representation, Yang et al. 2024), exact up to
    float rounding. Within a chunk of length C starting from state S_0, with cumulative log decay
    c_i = sum_{j<=i} log a_j, the state is S_i = e^{c_i} S_0 + sum_{j<=i} e^{c_i - c_j} k_j w_j^T where
    the written vectors W solve the unit lower-triangular system
        (I + diag(beta) A) W = diag(beta) (V - diag(e^c) K S_0),  A_ij = e^{c_i - c_j} k_i^T k_j (j < i),
    so W = U - W_k S_0 with U, W_k from one triangular solve per chunk (parallel over chunks); then
        O = diag(e^c) Q S_0 + (P o QK^T) W,    S_C = e^{c_C} S_0 + K~^T W,
    P_ij = e^{c_i - c_j} (j <= i), K~ = diag(e^{c_C - c}) K. Everything that does not depend on S_0 is batched
    over all chunks; the sequential pass then does, per chunk, only thin products with its entering state (W, O
    and S_C above), while that state is in cache. The chunk length (CHUNK) is a speed knob only: it divides
    `mix_every`, so every mix boundary is a chunk boundary.

Shapes (B batch, H heads, T tokens): q, k (B, H, T, Dk); v (B, H, T, Dv); beta, g (B, H, T);
log_a (B, H, 2, T) [fast, slow]; mix (H, 2) [lam_f, lam_s]; state (B, H, 2, Dk, Dv).
`offset` is the number of tokens processed before this call (it places the mix boundaries).
Both functions return (o (B, H, T, Dv), final state).
"""

from __future__ import annotations

import torch
from torch import Tensor

MIX_EVERY = 64
CHUNK = 16  # default chunk length of the chunkwise form (speed only; any power of two dividing MIX_EVERY); the
# encoder passes 8 for rows of at most one block, where padding to a multiple of 16 costs more (encoder.py)
SLICE = 48 * 1024  # batch rows per chunkwise pass are capped at this many head-tokens (B' H T): the per-chunk
# intermediates then stay in CPU cache (1.6x faster than one pass at 32 x 512 tokens x 12 heads)


def mix_states(S: Tensor, mix: Tensor) -> Tensor:
    """Convex exchange between the fast (index 0) and slow (index 1) states; S is (B, H, 2, Dk, Dv)."""
    lam_f = mix[:, 0].view(1, -1, 1, 1).to(S.dtype)
    lam_s = mix[:, 1].view(1, -1, 1, 1).to(S.dtype)
    fast, slow = S[:, :, 0], S[:, :, 1]
    return torch.stack(((1 - lam_f) * fast + lam_f * slow, (1 - lam_s) * slow + lam_s * fast), dim=2)


def _zero_state(q: Tensor, v: Tensor) -> Tensor:
    B, H, _, Dk = q.shape
    return q.new_zeros(B, H, 2, Dk, v.shape[-1])


def lam_recurrent(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    beta: Tensor,
    log_a: Tensor,
    g: Tensor,
    mix: Tensor,
    state: Tensor | None = None,
    offset: int = 0,
    mix_every: int = MIX_EVERY,
) -> tuple[Tensor, Tensor]:
    """Reference implementation: one token at a time, exactly the equations above."""
    S = _zero_state(q, v) if state is None else state
    outs = []
    for t in range(q.shape[2]):
        k_t, v_t, q_t = k[:, :, t], v[:, :, t], q[:, :, t]
        b_t = beta[:, :, t, None, None, None]
        a_t = log_a[:, :, :, t].exp()[..., None, None]
        kS = torch.einsum("bhd,bhsdv->bhsv", k_t, S)
        erase = k_t[:, :, None, :, None] * kS[:, :, :, None, :]
        write = (k_t[..., :, None] * v_t[..., None, :])[:, :, None]
        S = a_t * (S - b_t * erase) + b_t * write
        read = torch.einsum("bhd,bhsdv->bhsv", q_t, S)
        outs.append(read[:, :, 0] + g[:, :, t, None] * read[:, :, 1])
        if (offset + t + 1) % mix_every == 0:
            S = mix_states(S, mix)
    o = torch.stack(outs, dim=2) if outs else v.new_zeros(v.shape)
    return o, S


def lam_chunkwise(
    q: Tensor,
    k: Tensor,
    v: Tensor,
    beta: Tensor,
    log_a: Tensor,
    g: Tensor,
    mix: Tensor,
    state: Tensor | None = None,
    offset: int = 0,
    mix_every: int = MIX_EVERY,
    chunk: int = CHUNK,
) -> tuple[Tensor, Tensor]:
    """Chunkwise-parallel implementation. Chunks of `chunk` tokens (a power of two dividing `mix_every`) are
    aligned to absolute positions, so every mix boundary is a chunk boundary."""
    B, H, T, Dk = q.shape
    Dv = v.shape[-1]
    if B > 1 and B * H * T > SLICE:  # rows are independent: run them in cache-sized slices
        per = max(1, SLICE // (H * T))
        parts = [
            lam_chunkwise(
                *(x[s : s + per] for x in (q, k, v, beta, log_a, g)), mix,
                None if state is None else state[s : s + per], offset, mix_every, chunk,
            )
            for s in range(0, B, per)
        ]  # fmt: skip
        return torch.cat([o for o, _ in parts]), torch.cat([S for _, S in parts])
    S = _zero_state(q, v) if state is None else state
    if T == 0:
        return v.new_zeros(v.shape), S
    C = min(chunk, mix_every)
    assert mix_every % C == 0 and C & (C - 1) == 0, "chunk must be a power of two dividing mix_every"
    front = offset % C
    back = (-(front + T)) % C
    if front + T < C:  # a single short chunk (typical for sentences): pad only to a power of two
        back = (1 << (front + T - 1).bit_length()) - front - T
        C = front + T + back
    # Identity tokens (k = v = q = 0, beta = 0, log_a = 0) align chunks with absolute positions.
    pad = lambda x, dim: _pad(x, dim, front, back)  # noqa: E731
    q, k, v, beta, g, log_a = pad(q, 2), pad(k, 2), pad(v, 2), pad(beta, 2), pad(g, 2), pad(log_a, 3)
    N = (front + T + back) // C
    q = q.view(B, H, 1, N, C, Dk)
    k = k.view(B, H, 1, N, C, Dk)
    v = v.view(B, H, 1, N, C, Dv)
    beta = beta.view(B, H, 1, N, C)
    c = log_a.view(B, H, 2, N, C).cumsum(-1)  # cumulative log decay within each chunk

    # In-place arithmetic saves memory traffic at inference; autograd needs the out-of-place forms.
    grad = torch.is_grad_enabled() and any(t.requires_grad for t in (q, k, v, beta, log_a, g, mix, S))
    incl = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    # e^{c_i - c_j} for j <= i, else 0 (the exponent is clamped first: above the diagonal it is >= 0)
    diff = c[..., :, None] - c[..., None, :]
    decay = diff.clamp(max=0).exp() * incl if grad else diff.clamp_(max=0).exp_().mul_(incl)
    A = (decay * (k @ k.transpose(-1, -2))).tril(-1) * beta[..., :, None]
    Tinv = unit_lower_inverse(A)  # (I + diag(beta) A)^-1
    ec = c.exp()
    G = B * H * 2  # independent (row, head, timescale) recurrences
    U = (Tinv @ (beta[..., None] * v)).view(G, N, C, Dv)  # written vectors: W_n = U_n - Wk_n S_n
    Wk = Tinv @ ((beta * ec)[..., None] * k)
    reads = torch.cat((Wk, ec[..., None] * q.expand_as(Wk)), dim=-2).view(G, N, 2 * C, Dk)  # [Wk; e^c Q] per chunk
    P = decay * (q @ k.transpose(-1, -2)) if grad else decay.mul_(q @ k.transpose(-1, -2))
    P = P.view(G, N, C, C)
    k_to_end = ((c[..., -1:] - c).exp()[..., None] * k).transpose(-1, -2).reshape(G, N, Dk, C)
    end_decay = ec[..., -1].reshape(G, N, 1, 1)
    # The only sequential part, one chunk at a time while its state is in cache: the written vectors, the chunk's
    # outputs and the hand-off S_{n+1} = e^{c_C} S_n + K~^T W_n (thin products: no Dk x Dk map is formed).
    start = offset - front  # absolute position of the first (padded) chunk
    S = S.reshape(G, Dk, Dv)
    outs = []
    for n in range(N):
        X = reads[:, n] @ S  # (G, 2C, Dv): Wk_n S_n and the reads of the entering state
        W = U[:, n] - X[:, :C]
        outs.append(torch.baddbmm(X[:, C:], P[:, n], W))
        S = torch.baddbmm(end_decay[:, n] * S, k_to_end[:, n], W)
        end = start + (n + 1) * C
        if end % mix_every == 0 and end <= offset + T:
            S = mix_states(S.view(B, H, 2, Dk, Dv), mix).view(G, Dk, Dv)
    S = S.view(B, H, 2, Dk, Dv)
    out = torch.stack(outs, dim=1)
    out = out.view(B, H, 2, N * C, Dv)[:, :, :, front : front + T]
    g = g[:, :, front : front + T]
    return torch.addcmul(out[:, :, 0], g[..., None], out[:, :, 1]), S


def unit_lower_inverse(L: Tensor) -> Tensor:
    """(I + L)^-1 for strictly lower-triangular L (..., C, C), C a power of two.

    Recursive block inversion, bottom-up: [[A, 0], [B, D]]^-1 = [[A^-1, 0], [-D^-1 B A^-1, D^-1]], one level of
    batched matmuls per doubling of the block size, written into one preallocated matrix (batched LAPACK
    triangular solves are slow on tiny CPU matrices).
    """
    C = L.shape[-1]
    assert C & (C - 1) == 0, "chunk length must be a power of two"
    if torch.is_grad_enabled() and L.requires_grad:
        return _unit_lower_inverse_autograd(L)
    inv = torch.zeros_like(L)
    inv.diagonal(dim1=-2, dim2=-1).fill_(1.0)
    s = 1
    while s < C:
        inv_blocks = _diagonal_blocks(inv, 2 * s)  # a view: (..., C / 2s, 2s, 2s)
        a_inv, d_inv = inv_blocks[..., :s, :s], inv_blocks[..., s:, s:]
        inv_blocks[..., s:, :s] = -(d_inv @ _diagonal_blocks(L, 2 * s)[..., s:, :s] @ a_inv)
        s *= 2
    return inv


def _diagonal_blocks(m: Tensor, size: int) -> Tensor:
    """View of the diagonal (size x size) blocks of square matrices (..., C, C) as (..., C / size, size, size)."""
    nb = m.shape[-1] // size
    return m.view(*m.shape[:-2], nb, size, nb, size).diagonal(dim1=-4, dim2=-2).movedim(-1, -3)


def _unit_lower_inverse_autograd(L: Tensor) -> Tensor:
    """The same recursion, out of place (autograd-safe)."""
    C, batch = L.shape[-1], L.shape[:-2]
    inv = torch.ones(*batch, C, 1, 1, dtype=L.dtype, device=L.device)
    s = 1
    while s < C:
        low = _diagonal_blocks(L, 2 * s)[..., s:, :s]
        inv = inv.reshape(*batch, C // (2 * s), 2, s, s)
        a_inv, d_inv = inv[..., 0, :, :], inv[..., 1, :, :]
        top = torch.cat((a_inv, torch.zeros_like(a_inv)), dim=-1)
        bottom = torch.cat((-(d_inv @ low @ a_inv), d_inv), dim=-1)
        inv = torch.cat((top, bottom), dim=-2)
        s *= 2
    return inv.reshape(*batch, C, C)


def _pad(x: Tensor, dim: int, front: int, back: int) -> Tensor:
    if front == 0 and back == 0:
        return x
    shape = list(x.shape)
    parts = []
    if front:
        shape[dim] = front
        parts.append(x.new_zeros(shape))
    parts.append(x)
    if back:
        shape[dim] = back
        parts.append(x.new_zeros(shape))
    return torch.cat(parts, dim=dim)
