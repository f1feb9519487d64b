"""The LAM mixer's recurrence as one compiled CPU kernel (`lam_mixer.c`), built on first use.

On the CPU the chunkwise op (`delta_rule.lam_chunkwise`) spends most of its time outside arithmetic: a Python step
per chunk, many small batched products and elementwise passes over tensors that leave the cache, and on the
mixer's side the gate math, transposes and the backward heads' reversal. The kernel does all of it in one call per
layer: per (row, three heads) it walks the span token by token with the heads' 2 x d x d states in L1 cache,
reading the fused projection (float32 or bfloat16) directly and writing the outputs in the layout the group norm
takes. Same equations as `lam_recurrent` (tests/lam_memory/test_ops_cpu.py pins the kernel to it and the mixer to
its torch path); inference only: autograd runs the torch path. Timings: docs/RESULTS.md, "The recurrence as one
compiled CPU kernel".

The dense scan's float16 pass (`half_scan.c`, `half_scores`: float16 keys times a float32 query) is built the same
way: torch's CPU float16 product converts element by element, and this pass reads the keys as fast as memory
gives them (`lam_memory/dense.py`).

The kernel is compiled with the system C compiler (`$CC`, else `cc`; -O3 -march=native) into a cache folder
(`$LAM_KERNEL_DIR`, else `$XDG_CACHE_HOME/lam-memory/kernels`, else ~/.cache/...), named by a hash of its source,
flags and CPU, so a build (about half a second) happens once per change of any of them. Where no compiler is
found, the build fails or LAM_OP=torch is set, the encoder and the scan keep the torch path: a kernel is a
speed-up, never a requirement (LAM_OP=c asks for it and fails with one line where it cannot be built).
"""

from __future__ import annotations

import ctypes
import functools
import hashlib
import os
import platform
import shlex
import shutil
import subprocess
import tempfile
from pathlib import Path

import torch
from torch import Tensor

from lam_memory import LAMError

SOURCE = Path(__file__).with_name("lam_mixer.c")
SCAN_SOURCE = Path(__file__).with_name("half_scan.c")
FLAGS = ("-O3", "-march=native", "-fPIC", "-shared", "-pthread")


def kernel_dir() -> Path:
    """Where built kernels are kept (see the module doc)."""
    if os.environ.get("LAM_KERNEL_DIR"):
        return Path(os.environ["LAM_KERNEL_DIR"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(cache) / "lam-memory" / "kernels"


def _cpu_flags() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next((line for line in f if line.startswith(("flags", "Features"))), "")
    except OSError:
        return ""


def _built(source: Path, defines: tuple[str, ...] = ()) -> ctypes.CDLL | None:
    """`source` compiled with FLAGS and `defines` and loaded, built here if needed (see the module doc); None where
    it cannot be built or loaded."""
    words = shlex.split(os.environ.get("CC") or "cc")  # CC may carry a wrapper or flags: "ccache gcc"
    compiler = shutil.which(words[0]) if words else None
    if compiler is None or not source.is_file():  # no compiler, or an install without the kernel's source
        return None
    flags = (*FLAGS, *defines)
    key = "\0".join((source.read_text(), *words[1:], *flags, compiler, platform.machine(), _cpu_flags()))
    name = f"{source.stem}-{hashlib.sha256(key.encode()).hexdigest()[:16]}.so"
    uid = getattr(os, "getuid", lambda: 0)()  # a private fallback folder where the cache folder is not writable
    for folder in (kernel_dir(), Path(tempfile.gettempdir()) / f"lam-memory-kernels-{uid}"):
        path = folder / name
        try:
            if not path.exists():
                folder.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(suffix=".so", dir=folder)
                os.close(fd)
                try:
                    cmd = [compiler, *words[1:], *flags, str(source), "-o", tmp, "-lm"]
                    subprocess.run(cmd, check=True, capture_output=True, timeout=120)
                    os.replace(tmp, path)  # atomic: two processes building at once both end with a whole file
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
            return ctypes.CDLL(str(path))
        except (OSError, subprocess.SubprocessError):
            continue
    return None


@functools.cache
def library(head_dim: int) -> ctypes.CDLL | None:
    """The kernel for heads of `head_dim`, built here if needed; None where it cannot be built or loaded."""
    lib = _built(SOURCE, (f"-DHEAD_DIM={head_dim}",))
    if lib is None:
        return None
    lib.lam_mixer.restype = ctypes.c_int
    lib.lam_mixer.argtypes = [ctypes.c_void_p, ctypes.c_int] + [ctypes.c_void_p] * 5 + [ctypes.c_int] * 7
    return lib if lib.lam_mixer_head_dim() == head_dim else None


@functools.cache
def scan_library() -> ctypes.CDLL | None:
    """The float16 scan (`half_scan.c`), built here if needed; None where it cannot be built or loaded, or where
    this CPU has no vector path for it."""
    lib = _built(SCAN_SOURCE)
    if lib is None or not lib.half_scan_available():
        return None
    lib.half_scan.restype = ctypes.c_int
    lib.half_scan.argtypes = [ctypes.c_void_p] * 3 + [ctypes.c_int64] * 2
    return lib


def half_scores(keys: Tensor, q: Tensor) -> Tensor | None:
    """`keys.float() @ q` (float32, one thread) for float16 `keys` (n, dim) and a float32 `q` (dim,), by the compiled
    scan; None where it is not built or LAM_OP is `torch`, for the caller's torch path."""
    if os.environ.get("LAM_OP", "auto") == "torch" or keys.dtype != torch.float16 or keys.device.type != "cpu":
        return None
    if keys.dim() != 2 or q.shape != keys.shape[1:] or q.device.type != "cpu":  # torch's path says what is wrong
        return None
    lib = scan_library()
    if lib is None:
        return None
    keys, q = keys.contiguous(), q.detach().to(torch.float32).contiguous()
    out = torch.empty(len(keys), dtype=torch.float32)
    if lib.half_scan(keys.data_ptr(), q.data_ptr(), out.data_ptr(), len(keys), keys.shape[1]) != 0:
        return None
    return out


def use_kernel(x: Tensor, head_dim: int) -> bool:
    """Whether the mixer runs the kernel for hidden states like `x`: CPU tensors, no autograd, the kernel built,
    and LAM_OP not `torch` (`lam_memory.ops.use_fla` validates the variable)."""
    choice = os.environ.get("LAM_OP", "auto")
    if choice == "c" and library(head_dim) is None:
        raise LAMError("LAM_OP=c needs a C compiler (cc, or $CC) to build the CPU kernel; unset LAM_OP to fall back")
    if choice not in ("auto", "c") or x.device.type != "cpu" or torch.is_grad_enabled():
        return False
    return library(head_dim) is not None


def lam_mixer(
    proj: Tensor, lengths: Tensor, state: Tensor | None, mix: Tensor, block: int, mix_every: int
) -> tuple[Tensor, Tensor]:
    """The mixer's recurrence over its fused projection `proj` (B, T, H, 3d + 4), float32 or bfloat16, with
    `lengths` (B,) real tokens: the first H / 2 heads forward from `state` (B, H / 2, 2, d, d) or zero, the others
    backward inside blocks of `block` tokens; `mix` (H, 2). Returns the outputs (B, T, H, d) float32 and the
    forward heads' state after the span. Layout and equations: `lam_mixer.c`."""
    B, T, H, width = proj.shape
    d = (width - 4) // 3
    half = H // 2
    lib = library(d)
    if lib is None:
        raise LAMError("the CPU kernel is not built (see lam_memory/ops/cpu.py)")
    if proj.dtype not in (torch.float32, torch.bfloat16) or width != 3 * d + 4:
        raise ValueError(f"proj must be float32 or bfloat16 (B, T, H, 3d + 4), got {proj.dtype} {tuple(proj.shape)}")
    proj = proj.contiguous()
    lengths = lengths.to(torch.int64).contiguous()
    mix = mix.detach().to(torch.float32).contiguous()
    state_in = None if state is None else state.detach().to(torch.float32).contiguous()
    state_out = proj.new_empty((B, half, 2, d, d), dtype=torch.float32)
    out = proj.new_empty((B, T, H, d), dtype=torch.float32)
    status = lib.lam_mixer(
        proj.data_ptr(), int(proj.dtype == torch.bfloat16), lengths.data_ptr(),
        None if state_in is None else state_in.data_ptr(), state_out.data_ptr(), mix.data_ptr(), out.data_ptr(),
        B, T, H, half, block, mix_every, torch.get_num_threads(),
    )  # fmt: skip
    if status not in (0, -1):  # -1: fewer threads started; the work is still done
        raise LAMError(f"the CPU kernel failed ({status})")
    return out, state_out
