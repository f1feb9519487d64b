"""Numerical kernels. `lam_attention` is the fast path; `lam_recurrent` is the reference it is tested against.

Devices: the chunkwise path is plain torch and runs on CPU or CUDA tensors alike. A fused Triton kernel
(flash-linear-attention's `chunk_gated_delta_rule` covers one gated delta-rule state, not the fast/slow pair with
its chunk-boundary mix) is not written yet, and the CUDA path has not been run: no GPU was lent to the session
that wrote this. Until it is measured, treat GPU use as untested.
"""

from lam_memory.ops.delta_rule import CHUNK, MIX_EVERY, lam_chunkwise, lam_recurrent, mix_states

lam_attention = lam_chunkwise

__all__ = ["CHUNK", "MIX_EVERY", "lam_attention", "lam_chunkwise", "lam_recurrent", "mix_states"]
