"""Numerical kernels. `lam_attention` is the op the encoder calls; `lam_recurrent` is the reference every fast path
is tested against.

Fast paths, one signature: `lam_chunkwise` (plain torch, CPU or CUDA tensors) and, on CUDA, `lam_fla`
(flash-linear-attention's Triton kernels, from the optional package `fla-core`). `lam_attention` runs `lam_fla` for
CUDA tensors when fla-core is installed and `lam_chunkwise` otherwise; `LAM_OP=torch` forces the torch path
(`LAM_OP=fla` asks for fla-core and fails where it cannot run). docs/RESULTS.md ("On a GPU") has the timings.

On the CPU at inference, the encoder's mixer calls `cpu.lam_mixer` instead: the recurrence fused with the mixer's
gate math in one compiled C kernel, built on first use where a C compiler exists (`LAM_OP=torch` keeps the torch
path, `LAM_OP=c` asks for the kernel and fails with one line where it cannot be built). Its signature is the
mixer's (the fused projection in, the heads' outputs out), so it sits beside the op rather than behind it.
"""

from __future__ import annotations

import os

from torch import Tensor

from lam_memory import LAMError
from lam_memory.ops import cpu, fla
from lam_memory.ops.delta_rule import CHUNK, MIX_EVERY, lam_chunkwise, lam_recurrent, mix_states
from lam_memory.ops.fla import lam_fla


def lam_attention(q: Tensor, *args, **kwargs) -> tuple[Tensor, Tensor]:
    """The LAM recurrence (signature and shapes: `lam_memory.ops.delta_rule`) on the fastest path for q's device."""
    return (lam_fla if use_fla(q) else lam_chunkwise)(q, *args, **kwargs)


def use_fla(q: Tensor) -> bool:
    """Whether `lam_attention` runs fla's kernels for inputs like `q` (see the module doc for LAM_OP)."""
    choice = os.environ.get("LAM_OP", "auto")
    if choice not in ("auto", "torch", "fla", "c"):
        raise LAMError(f"LAM_OP must be auto, torch, fla or c (got {choice!r})")
    if choice == "fla" and not (q.is_cuda and fla.available()):
        raise LAMError("LAM_OP=fla needs CUDA tensors and the fla-core package (pip install fla-core)")
    return choice != "torch" and q.is_cuda and fla.available()


__all__ = [
    "CHUNK",
    "cpu",
    "MIX_EVERY",
    "lam_attention",
    "lam_chunkwise",
    "lam_fla",
    "lam_recurrent",
    "mix_states",
    "use_fla",
]
