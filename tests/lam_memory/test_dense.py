"""The dense scan (`lam_memory.dense`): the float16 scan with a float32 short list gives the float32 scan's answer."""

from __future__ import annotations

import inspect
import json
import math

import pytest
import torch

from lam_memory import dense
from lam_memory.encoder import load_encoder
from lam_memory.memory import LAMMemory
from lam_memory.ops import cpu

needs_scan = pytest.mark.skipif(cpu.scan_library() is None, reason="no C compiler or vector unit here for the scan")


def _unit(rows: torch.Tensor) -> torch.Tensor:
    return torch.nn.functional.normalize(rows, dim=-1)


def _same(got: tuple[torch.Tensor, torch.Tensor], want: tuple[torch.Tensor, torch.Tensor]) -> None:
    assert got[0].tolist() == want[0].tolist()
    torch.testing.assert_close(got[1], want[1], rtol=0, atol=1e-6)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_top_is_the_float32_scan(seed: int) -> None:
    g = torch.Generator().manual_seed(seed)
    keys = _unit(torch.randn(5000, 384, generator=g))
    live = torch.rand(5000, generator=g) > 0.1  # some chunks forgotten or replaced
    keys[~live & (torch.rand(5000, generator=g) > 0.5)] = 0  # a forgotten chunk's key is zeroed
    half = dense.HalfKeys().update(keys)
    for q in _unit(torch.randn(8, 384, generator=g)):
        for n in (1, 16, 64):
            got = dense.top(keys, half, live, q, n)
            _same(got, dense.top_reference(keys, live, q, n))
            assert live[got[0]].all()


def test_near_ties_at_the_boundary_fall_back_to_the_float32_scan(monkeypatch) -> None:
    """200 keys whose scores differ by 1e-5, below float16's resolution at 0.5 (2^-11): float16 ranks them as ties,
    so its short list of 128 is an arbitrary choice among them; the float32 scan must decide, and does."""
    q = torch.zeros(384)
    q[0] = 1.0
    close = torch.zeros(200, 384)
    close[:, 0] = 0.5 + 1e-5 * torch.arange(200)
    close[:, 1] = (1 - close[:, 0] ** 2).sqrt()
    far = _unit(torch.randn(1000, 384, generator=torch.Generator().manual_seed(3)))
    far[:, 0] = far[:, 0].abs().clamp(max=0.2)  # every other key scores below 0.2
    keys = _unit(torch.cat((far, close.flip(0))))  # the best 64 are not the first rows
    live = torch.ones(len(keys), dtype=torch.bool)
    calls = []
    reference = dense.top_reference
    monkeypatch.setattr(dense, "top_reference", lambda *a: calls.append(1) or reference(*a))
    got = dense.top(keys, dense.HalfKeys().update(keys), live, q, 64)
    assert calls, "the float16 short list was trusted within its error"
    _same(got, reference(keys, live, q, 64))
    assert sorted(got[0].tolist()) == list(range(1000, 1064))


def test_small_memories_and_stale_copies_use_the_float32_scan(monkeypatch) -> None:
    keys = _unit(torch.randn(300, 384, generator=torch.Generator().manual_seed(4)))
    q = keys[7]
    live = torch.ones(300, dtype=torch.bool)
    calls = []
    reference = dense.top_reference
    monkeypatch.setattr(dense, "top_reference", lambda *a: calls.append(1) or reference(*a))
    dense.top(keys, dense.HalfKeys().update(keys), live, q, 64)
    assert not calls  # 300 live keys, a short list of 128: the float16 scan
    live[:200] = False
    dense.top(keys, dense.HalfKeys().update(keys), live, q, 64)
    assert len(calls) == 1  # 100 live keys: fewer than the short list, scanned in float32
    live[:] = True
    dense.top(keys, dense.HalfKeys().update(keys[:299]), live, q, 64)
    assert len(calls) == 2  # a copy of fewer rows than the keys is never scanned


def test_the_copy_follows_the_keys() -> None:
    g = torch.Generator().manual_seed(5)
    keys = _unit(torch.randn(10, 8, generator=g))
    copy = dense.HalfKeys()
    half, norm = copy.update(keys)
    assert half.dtype == torch.float16 and torch.equal(half, keys.half()) and norm == pytest.approx(1.0)
    more = torch.cat((keys, 3 * _unit(torch.randn(5, 8, generator=g))))
    half, norm = copy.update(more)
    assert torch.equal(half, more.half()) and norm == pytest.approx(3.0)
    assert copy.update(more)[0] is half  # nothing added: the same copy
    fewer = _unit(torch.randn(4, 8, generator=g))  # a memory reopened smaller: made anew
    half, norm = copy.update(fewer)
    assert torch.equal(half, fewer.half()) and norm == pytest.approx(1.0)
    wider = _unit(torch.randn(4, 16, generator=g))
    assert torch.equal(copy.update(wider)[0], wider.half())


def test_float16_error_on_the_shipped_encoders_keys_is_within_the_bound() -> None:
    """The module doc's bound, (2^-10 + 2^-22) |e| |q| plus float32 summation, checked on real keys: lines of the
    standard library's json and inspect modules, queried with some of their own lines."""
    lines = [ln.strip() for m in (json, inspect) for ln in inspect.getsource(m).splitlines() if len(ln.strip()) > 20]
    keys = load_encoder(bf16=False).encode(lines[:600])
    half = dense.HalfKeys().update(keys)[0]
    for q in keys[::50]:
        compiled = cpu.half_scores(half, q)  # only the keys rounded: within the same bound
        for scores in [(half @ q.half()).float()] + ([compiled] if compiled is not None else []):
            error = (scores - keys @ q).abs().max()
            assert float(error) <= (2**-10 + 2**-22 + 384 * 2**-24) * float(q.norm()) * 1.05
            assert float(error) < dense.EPS / 2


@needs_scan
@pytest.mark.parametrize("dim", [384, 32, 7, 391])
def test_the_compiled_scan_is_the_float16_keys_times_the_query(dim: int) -> None:
    """`half_scores` against the obvious reference, in float64: the float16 keys as they are, the query unrounded
    (dims that fill no vector, or leave a remainder, included)."""
    g = torch.Generator().manual_seed(dim)
    keys = (_unit(torch.randn(3000, dim, generator=g)) * 4).half()
    q = torch.randn(dim, generator=g)
    got = cpu.half_scores(keys, q)
    assert got is not None and got.dtype == torch.float32 and got.shape == (3000,)
    want = keys.double() @ q.double()
    assert float((got.double() - want).abs().max()) <= dim * 2**-24 * float(want.abs().max() + 4 * q.norm())
    assert cpu.half_scores(keys, q[:-1]) is None and cpu.half_scores(keys[0], q) is None  # torch's path says why


@needs_scan
def test_top_is_the_same_on_the_compiled_and_the_torch_scan(monkeypatch) -> None:
    g = torch.Generator().manual_seed(6)
    keys = _unit(torch.randn(4000, 384, generator=g))
    live = torch.rand(4000, generator=g) > 0.1
    half = dense.HalfKeys().update(keys)
    queries = _unit(torch.randn(6, 384, generator=g))
    compiled = [dense.top(keys, half, live, q, 64) for q in queries]
    monkeypatch.setenv("LAM_OP", "torch")
    assert cpu.half_scores(half[0], queries[0]) is None
    for q, got in zip(queries, compiled, strict=True):
        _same(got, dense.top(keys, half, live, q, 64))


def test_without_a_compiler_the_scan_is_torchs(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("CC", "no-such-compiler")
    monkeypatch.setenv("LAM_KERNEL_DIR", str(tmp_path))
    cpu.scan_library.cache_clear()
    try:
        keys = _unit(torch.randn(1000, 384, generator=torch.Generator().manual_seed(7)))
        live = torch.ones(1000, dtype=torch.bool)
        assert cpu.half_scores(keys.half(), keys[0]) is None
        got = dense.top(keys, dense.HalfKeys().update(keys), live, keys[0], 64)
        _same(got, dense.top_reference(keys, live, keys[0], 64))
    finally:
        cpu.scan_library.cache_clear()


def test_similarity_is_exact_and_masks_dead_chunks() -> None:
    keys = _unit(torch.randn(20, 8, generator=torch.Generator().manual_seed(6)))
    live = torch.ones(20, dtype=torch.bool)
    live[3] = False
    sims = dense.Similarity(keys, live, keys[0], {5: 0.25})
    assert len(sims) == 20
    assert sims[5] == 0.25  # known from the scan: not computed again
    assert sims[2] == pytest.approx(float(keys[2] @ keys[0]), abs=1e-7)
    assert sims[3] == -math.inf


def test_search_is_the_same_with_the_float32_scan(tmp_path, monkeypatch) -> None:
    """A memory of more chunks than the short list answers as it would scanning every key in float32."""
    lines = [ln.strip() for ln in inspect.getsource(json).splitlines() if len(ln.strip()) > 20]
    mem = LAMMemory(tmp_path / "m")
    try:
        mem.add_messages([{"role": "user", "content": ln} for ln in lines[:240]], source="chat")
        assert len(mem) > 128 + 64  # more live chunks than the short list
        queries = ["how are floats encoded", "which separators does dumps use", "decode a JSON document"]
        fast = [mem.search(q, k=10) for q in queries]
        monkeypatch.setattr(dense, "top", lambda keys, half, live, q, n: dense.top_reference(keys, live, q, n))
        for q, hits in zip(queries, fast, strict=True):
            want = mem.search(q, k=10)
            assert [h.position for h in hits] == [h.position for h in want]
            assert [h.score for h in hits] == pytest.approx([h.score for h in want], abs=1e-6)
    finally:
        mem.close()
