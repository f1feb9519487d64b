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
        O = diag(e^c) Q S_0 + (P o QK^T) W,    S_C = e^{c_C} S_0 + K^T diag(e^{c_C - c}) W,
    P_ij = e^{c_i - c_j} (j <= i). Only the state hand-off between chunks is sequential.

Shapes (B batch, H heads, T tokens): q, k (B, H, T, Dk); v (B, H, T, Dv); beta, g (B, H, T);
log_a (B, H, 2, T) [fast, slow]; mix (H, 2) [lam_f, lam_s]; state (B, H, 2, Dk, Dv).
`offset` is the number of tokens processed before this call (it places the mix boundaries).
Both functions return (o (B, H, T, Dv), final state).
"""

from __future__ import annotations

import torch
from torch import Tensor

MIX_EVERY = 64


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
) -> tuple[Tensor, Tensor]:
    """Chunkwise-parallel implementation (chunk length = mix_every, aligned to absolute positions)."""
    B, H, T, Dk = q.shape
    Dv = v.shape[-1]
    S = _zero_state(q, v) if state is None else state
    if T == 0:
        return v.new_zeros(v.shape), S
    C = mix_every
    front = offset % C
    back = (-(front + T)) % C
    if front + T < C:  # a single short chunk (typical for sentences): pad only to a power of two
        back = (1 << (front + T - 1).bit_length()) - front - T
        C = front + T + back
    # Identity tokens (k = v = q = 0, beta = 0, log_a = 0) align chunks with absolute mix boundaries.
    pad = lambda x, dim: _pad(x, dim, front, back)  # noqa: E731
    q, k, v, beta, g, log_a = pad(q, 2), pad(k, 2), pad(v, 2), pad(beta, 2), pad(g, 2), pad(log_a, 3)
    N = (front + T + back) // C
    q = q.view(B, H, 1, N, C, Dk)
    k = k.view(B, H, 1, N, C, Dk)
    v = v.view(B, H, 1, N, C, Dv)
    beta = beta.view(B, H, 1, N, C)
    c = log_a.view(B, H, 2, N, C).cumsum(-1)  # cumulative log decay within each chunk

    diff = c[..., :, None] - c[..., None, :]  # c_i - c_j
    incl = torch.ones(C, C, dtype=torch.bool, device=q.device).tril()
    strict = incl.clone().fill_diagonal_(False)
    decay_incl = diff.masked_fill(~incl, float("-inf")).exp()
    A = (decay_incl * (k @ k.transpose(-1, -2))).masked_fill(~strict, 0.0)
    Tinv = unit_lower_inverse(beta[..., :, None] * A)  # (I + diag(beta) A)^-1
    U = Tinv @ (beta[..., None] * v)
    Wk = Tinv @ ((beta * c.exp())[..., None] * k)
    P = decay_incl * (q @ k.transpose(-1, -2))
    q_decayed = c.exp()[..., None] * q
    k_to_end = (c[..., -1:] - c).exp()[..., None] * k
    chunk_decay = c[..., -1].exp()[..., None, None]  # (B, H, 2, N, 1, 1)

    outs = []
    last_complete = (offset + T) % mix_every == 0
    for n in range(N):
        W = U[:, :, :, n] - Wk[:, :, :, n] @ S
        outs.append(q_decayed[:, :, :, n] @ S + P[:, :, :, n] @ W)
        S = chunk_decay[:, :, :, n] * S + k_to_end[:, :, :, n].transpose(-1, -2) @ W
        if n < N - 1 or last_complete:
            S = mix_states(S, mix)
    out = torch.stack(outs, dim=3).reshape(B, H, 2, N * C, Dv)[:, :, :, front : front + T]
    g = g[:, :, front : front + T]
    return out[:, :, 0] + g[..., None] * out[:, :, 1], S


def unit_lower_inverse(L: Tensor) -> Tensor:
    """(I + L)^-1 for strictly lower-triangular L (..., C, C), C a power of two.

    Recursive block inversion, bottom-up: [[A, 0], [B, D]]^-1 = [[A^-1, 0], [-D^-1 B A^-1, D^-1]], one level of
    batched matmuls per doubling of the block size (batched LAPACK triangular solves are slow on tiny CPU matrices).
    """
    C = L.shape[-1]
    assert C & (C - 1) == 0, "chunk length must be a power of two"
    batch = L.shape[:-2]
    inv = torch.ones(*batch, C, 1, 1, dtype=L.dtype, device=L.device)
    s = 1
    while s < C:
        nb = C // (2 * s)
        blocks = L.reshape(*batch, nb, 2 * s, nb, 2 * s).diagonal(dim1=-4, dim2=-2).movedim(-1, -3)
        low = blocks[..., s:, :s]  # (..., nb, s, s)
        inv = inv.reshape(*batch, nb, 2, s, s)
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
