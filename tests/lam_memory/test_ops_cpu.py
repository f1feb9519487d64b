"""The compiled CPU kernel (`lam_memory.ops.cpu`): equal to the reference loop, to the mixer's torch path and to
itself at any thread count; built where a compiler exists, never required."""

import shutil

import pytest
import torch
import torch.nn.functional as F

from lam_memory import LAMError
from lam_memory.config import EncoderConfig
from lam_memory.encoder import LAMMixer, load_encoder
from lam_memory.ops import cpu, lam_recurrent

needs_kernel = pytest.mark.skipif(cpu.library(8) is None, reason="no C compiler here to build the CPU kernel")


def test_kernel_builds_where_a_compiler_exists():
    if shutil.which("cc") is None:
        pytest.skip("no cc on this machine")
    assert cpu.library(8) is not None and cpu.library(32) is not None


def reference(proj: torch.Tensor, lengths: torch.Tensor, state, mix: torch.Tensor, block: int, mix_every: int):
    """The mixer's recurrence written out with `lam_recurrent` in float64, one (row, head, block) at a time."""
    B, T, H, width = proj.shape
    d, half = (width - 4) // 3, H // 2
    x = proj.double()
    out = torch.zeros(B, T, H, d, dtype=torch.float64)
    S_out = torch.zeros(B, half, 2, d, d, dtype=torch.float64)

    def run(b, h, order, real, S0):
        u = x[b, order, h]  # (n, width)
        m = real.double()
        q, k, v = F.normalize(u[:, :d], dim=-1), F.normalize(u[:, d : 2 * d], dim=-1), u[:, 2 * d : 3 * d]
        gb, gf, gs, gg = u[:, 3 * d :].unbind(-1)
        log_a = torch.stack((F.softplus(gf), F.softplus(gs))) * -m
        one = lambda t: t[None, None]  # noqa: E731
        o, S = lam_recurrent(
            one(q), one(k), one(v), one(torch.sigmoid(gb) * m), log_a[None, None], one(torch.sigmoid(gg)),
            mix[h : h + 1].double(), S0, mix_every=mix_every,
        )  # fmt: skip
        out[b, order, h] = o[0, 0]
        return S

    for b in range(B):
        n = int(lengths[b])
        for h in range(H):
            if h < half:
                S0 = None if state is None else state[b : b + 1, h : h + 1].double()
                S_out[b, h] = run(b, h, torch.arange(T), torch.arange(T) < n, S0)[0, 0]
                continue
            Tb = min(T, block)
            for start in range(0, T, Tb):
                real = max(0, min(Tb, n - start))
                order = [start + real - 1 - r if r < real else start + r for r in range(Tb)]
                order = torch.tensor([t for t in order if t < T])
                run(b, h, order, torch.arange(len(order)) < real, None)
    return out.float(), S_out.float()


def random_proj(B, T, H, d, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    proj = torch.randn(B, T, H, 3 * d + 4, generator=g)
    proj[..., 3 * d + 1 :] -= 1.0  # decays around exp(-softplus(-1)) ~ 0.73, read gate ~ 0.3
    return proj.to(dtype), torch.rand(H, 2, generator=g) * 0.5, torch.randn(B, H // 2, 2, d, d, generator=g) * 0.1


CASES = [(1, 16, [1, 0]), (37, 64, [37, 20]), (150, 64, [150, 70]), (64, 64, [0, 64])]  # T, block, lengths


@needs_kernel
@pytest.mark.parametrize("T,block,lengths", CASES)
@pytest.mark.parametrize("with_state", [False, True])
def test_kernel_matches_reference(T, block, lengths, with_state):
    proj, mix, state = random_proj(2, T, 4, 8)
    lengths = torch.tensor(lengths)
    state = state if with_state else None
    o, S = cpu.lam_mixer(proj, lengths, state, mix, block, 16)
    o_ref, S_ref = reference(proj, lengths, state, mix, block, 16)
    torch.testing.assert_close(o, o_ref, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(S, S_ref, atol=1e-5, rtol=1e-4)


@needs_kernel
def test_kernel_reads_bfloat16_projections():
    proj, mix, state = random_proj(2, 70, 4, 8, seed=1, dtype=torch.bfloat16)
    lengths = torch.tensor([70, 33])
    o, S = cpu.lam_mixer(proj, lengths, state, mix, 32, 16)
    o_ref, S_ref = reference(proj, lengths, state, mix, 32, 16)  # from the same bf16 values
    torch.testing.assert_close(o, o_ref, atol=1e-5, rtol=1e-4)
    torch.testing.assert_close(S, S_ref, atol=1e-5, rtol=1e-4)


@needs_kernel
def test_kernel_is_the_same_at_any_thread_count():
    proj, mix, state = random_proj(4, 2100, 6, 8, seed=2)  # 50,400 head-tokens: work for up to 6 threads
    lengths = torch.tensor([2100, 5, 1300, 700])
    most = torch.get_num_threads()
    try:
        runs = []
        for n in (1, 2, 5):
            torch.set_num_threads(n)
            runs.append(cpu.lam_mixer(proj, lengths, state, mix, 512, 16))
    finally:
        torch.set_num_threads(most)
    for o, S in runs[1:]:  # each (row, head) is one task: no sum depends on how tasks were shared
        assert torch.equal(o, runs[0][0]) and torch.equal(S, runs[0][1])


@pytest.fixture
def mixer():
    torch.manual_seed(0)
    cfg = EncoderConfig(block=128)
    m = LAMMixer(cfg).eval()
    with torch.no_grad():
        m.gates.weight.normal_(0, 0.3)  # gates that vary from token to token
        m.mix_logit.normal_(-1.0, 0.5)
    return m


@pytest.mark.skipif(cpu.library(32) is None, reason="no C compiler here to build the CPU kernel")
@pytest.mark.parametrize("T,lengths", [(9, [9, 4]), (128, [128, 1]), (300, [300, 170])])
@pytest.mark.parametrize("with_state", [False, True])
def test_mixer_takes_the_kernel_and_agrees_with_its_torch_path(mixer, monkeypatch, T, lengths, with_state):
    """The encoder's mixer on both paths: the same outputs (real tokens and pads) and the same carried state, over
    one block and over a span of several blocks (backward heads restart per block)."""
    x, lengths = torch.randn(2, T, 384), torch.tensor(lengths)
    state = torch.randn(2, 6, 2, 32, 32) * 0.1 if with_state else None
    runs = {}
    for op in ("torch", "auto"):
        monkeypatch.setenv("LAM_OP", op)
        with torch.inference_mode():
            assert cpu.use_kernel(x, 32) == (op == "auto")
            runs[op] = mixer(x, lengths, state)
    for a, b in zip(runs["torch"], runs["auto"], strict=True):
        torch.testing.assert_close(b, a, atol=2e-5, rtol=1e-4)


def test_autograd_and_other_devices_keep_the_torch_path(monkeypatch):
    x = torch.randn(1, 4, 384)
    with torch.enable_grad():
        assert not cpu.use_kernel(x, 32)
    monkeypatch.setenv("LAM_OP", "torch")
    with torch.inference_mode():
        assert not cpu.use_kernel(x, 32)
        assert not cpu.use_kernel(x.to("meta"), 32)


def test_without_a_compiler_the_encoder_still_runs_and_asking_for_the_kernel_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setenv("CC", "no-such-compiler")
    monkeypatch.setenv("LAM_KERNEL_DIR", str(tmp_path))
    cpu.library.cache_clear()
    try:
        assert cpu.library(32) is None
        enc = load_encoder(bf16=False)
        monkeypatch.setenv("LAM_OP", "torch")
        expected = enc.encode("the deploy moved to friday")
        monkeypatch.setenv("LAM_OP", "auto")
        assert torch.equal(enc.encode("the deploy moved to friday"), expected)  # the torch path, silently
        monkeypatch.setenv("LAM_OP", "c")
        with pytest.raises(LAMError, match="LAM_OP=c needs a C compiler"):
            enc.encode("the deploy moved to friday")
    finally:
        cpu.library.cache_clear()


@needs_kernel
def test_a_compiler_given_with_a_wrapper_builds(monkeypatch, tmp_path):
    """CC as many users set it: a launcher before the compiler, or the compiler with a flag."""
    monkeypatch.setenv("CC", "env cc -O2")
    monkeypatch.setenv("LAM_KERNEL_DIR", str(tmp_path))
    cpu.library.cache_clear()
    try:
        assert cpu.library(8) is not None and len(list(tmp_path.glob("*.so"))) == 1
    finally:
        cpu.library.cache_clear()


@needs_kernel
def test_an_unwritable_kernel_folder_falls_back_to_a_temporary_one(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("LAM_KERNEL_DIR", str(blocker / "kernels"))
    cpu.library.cache_clear()
    try:
        assert cpu.library(8) is not None
    finally:
        cpu.library.cache_clear()


@needs_kernel
@pytest.mark.parametrize("bf16", [False, True], ids=["fp32", "bf16-dense"])
def test_shipped_encoder_gives_the_same_embeddings_on_both_paths(monkeypatch, bf16):
    enc = load_encoder(bf16=bf16)
    texts = ["hi", "The port moved from 8080 to 9090.", "def area(r):\n    return 3.14159 * r * r", "x y " * 900]
    runs = {}
    for op in ("torch", "c"):
        monkeypatch.setenv("LAM_OP", op)
        runs[op] = (enc.encode(texts), enc.encode_stream(["word " * 3000]))
    cos = (runs["torch"][0] * runs["c"][0]).sum(-1)
    assert cos.min() > (0.9999 if bf16 else 0.999999)
    assert float(runs["torch"][1] @ runs["c"][1]) > (0.9999 if bf16 else 0.999999)
