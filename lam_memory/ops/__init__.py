"""Numerical kernels. `lam_attention` picks the fast path; `lam_recurrent` is the reference."""

from lam_memory.ops.delta_rule import MIX_EVERY, lam_chunkwise, lam_recurrent, mix_states

lam_attention = lam_chunkwise

__all__ = ["MIX_EVERY", "lam_attention", "lam_chunkwise", "lam_recurrent", "mix_states"]
