"""The LAM recurrence on CUDA through flash-linear-attention's Triton kernels (package `fla-core`).

Between two mix boundaries the fast and the slow state are two independent gated delta rules: they read the same
q, k, v and beta and differ only in their decay. `chunk_gated_delta_rule` runs them together as 2H value heads over
the H query/key heads (its grouped-value layout: value head j reads key head j // 2, so head h's fast state is value
head 2h and its slow state 2h + 1), one call per stretch between mix boundaries; the convex exchange (`mix_states`)
runs between calls. Same signature and results as `lam_chunkwise` up to float rounding: the kernels multiply float32
in TF32 (1.5e-3 of the largest output at 512 tokens on an H200). tests/lam_memory/test_ops_cuda.py pins values and
gradients to `lam_recurrent` where a GPU is present; on the one GPU run so far the value tests passed and the
gradient tests did not finish (docs/RESULTS.md, "On a GPU").
"""

from __future__ import annotations

import functools

import torch
from torch import Tensor

from lam_memory.ops.delta_rule import MIX_EVERY, _zero_state, mix_states


@functools.cache
def available() -> bool:
    """Whether the kernels can run here: fla-core and Triton import and a CUDA device is visible."""
    if not torch.cuda.is_available():
        return False
    try:
        import fla.ops.gated_delta_rule  # noqa: F401
    except Exception:  # ImportError, or a Triton / CUDA mismatch raised while the package loads
        return False
    return True


def lam_fla(
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
    chunk: int | None = None,
) -> tuple[Tensor, Tensor]:
    """`lam_chunkwise` on CUDA tensors through fla's chunked kernels (`chunk` is ignored: fla picks its own)."""
    from fla.ops.gated_delta_rule import chunk_gated_delta_rule

    B, H, T, Dk = q.shape
    Dv = v.shape[-1]
    S = _zero_state(q, v) if state is None else state
    if T == 0:
        return v.new_zeros(v.shape), S
    # fla's layout: tokens before heads; the pair (head, timescale) flattened into 2H value heads.
    qt, kt = q.transpose(1, 2).contiguous(), k.transpose(1, 2).contiguous()
    vt = v.transpose(1, 2).repeat_interleave(2, dim=2)
    bt = beta.transpose(1, 2).repeat_interleave(2, dim=2)
    at = log_a.permute(0, 3, 1, 2).reshape(B, T, 2 * H)
    S = S.reshape(B, 2 * H, Dk, Dv)
    outs, start = [], 0
    while start < T:
        end = min(T, start + mix_every - (offset + start) % mix_every)  # the next mix boundary, or the input's end
        o, S = chunk_gated_delta_rule(
            qt[:, start:end], kt[:, start:end], vt[:, start:end].contiguous(), at[:, start:end].contiguous(),
            bt[:, start:end].contiguous(), scale=1.0, initial_state=S, output_final_state=True,
        )  # fmt: skip
        outs.append(o)
        if (offset + end) % mix_every == 0:
            S = mix_states(S.view(B, H, 2, Dk, Dv), mix).view(B, 2 * H, Dk, Dv)
        start = end
    o = torch.cat(outs, dim=1).view(B, T, H, 2, Dv)
    out = torch.addcmul(o[:, :, :, 0], g.transpose(1, 2)[..., None], o[:, :, :, 1])
    return out.transpose(1, 2), S.view(B, H, 2, Dk, Dv)
