"""The methods' registry, the shared packer and the baselines."""

from __future__ import annotations

import random
import re
import subprocess
import sys

import pytest

from evals.memory.config import SuiteConfig
from evals.memory.methods import (
    BM25,
    RRF_K,
    FullContext,
    Grep,
    HybridRRF,
    Method,
    Recency,
    bm25_ident,
    bm25_tokens,
    ident_terms,
    pack,
    rrf,
)
from evals.memory.registry import BASELINES, METHODS, make_factory
from evals.memory.streams import count_tokens
from lam_memory import LAMError
from lam_memory.types import Chunk


def _chunks(texts: list[str]) -> list[Chunk]:
    return [Chunk(t, "t", i + 1, i + 1, position=i) for i, t in enumerate(texts)]


def test_bm25_tokens_split_identifiers():
    toks = bm25_tokens("Call getUserName and compute_late_fee on HTTPServer v2.")
    assert toks[:1] == ["call"]
    for t in ("getusername", "get", "user", "name", "compute_late_fee", "compute", "late", "fee", "httpserver", "http"):
        assert t in toks
    assert "server" in toks and "v2" in toks


def test_pack_respects_budget_and_skips():
    chunks = _chunks(["a " * 300, "b " * 50, "c " * 10, "d " * 400, "e " * 5])
    got = pack(chunks, 100, count_tokens)
    assert got == [1, 2, 4]  # the 300- and 400-token chunks are skipped, later ones still fill the budget
    rng = random.Random(0)
    for _ in range(200):
        texts = ["w " * rng.randrange(1, 120) for _ in range(rng.randrange(1, 30))]
        ch = _chunks(texts)
        rng.shuffle(ch)
        budget = rng.randrange(1, 600)
        got = pack(ch, budget, count_tokens)
        assert sum(count_tokens(ch_.text) for ch_ in ch if ch_.position in got) <= budget
        assert len(got) == len(set(got))
        # nothing that still fits was left out
        used = sum(count_tokens(texts[p]) for p in got)
        assert all(p in got or count_tokens(texts[p]) > budget - used for p in range(len(texts))) or used >= budget


def test_baselines_follow_the_protocol():
    for name in (*BASELINES, "bm25-ident", "grep", "hybrid-rrf"):
        m = METHODS[name](SuiteConfig())
        assert isinstance(m, Method) and m.name == name and not hasattr(m, "context")


def test_registry_lists_lam_without_loading_torch():
    code = (
        "import sys; from evals.memory.registry import METHODS, make_factory; make_factory(['lam', 'bm25']); "
        "assert list(METHODS) == ['recency', 'bm25', 'bm25-ident', 'grep', 'dense-minilm', 'hybrid-rrf', 'full', "
        "'lam', 'lam-context'], list(METHODS); "
        "assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    with pytest.raises(LAMError, match="unknown method"):
        make_factory(["nope"])


def test_recency_and_full_context():
    r, f = Recency(), FullContext()
    for m in (r, f):
        m.ingest(_chunks(["x", "y", "z"]))
    assert r.rank("q", 2) == [2, 1] and r.rank("q", 10) == [2, 1, 0]
    assert f.rank("q", 10) == [0, 1, 2] and f.full_context


def test_grep_shows_whole_word_matches_in_stream_order():
    g = Grep()
    g.ingest(_chunks(["r = x.get_backoff_time()", "my_get_backoff_time = 0", "def get_backoff_time(self):", "hello"]))
    assert g.rank("How does Retry.get_backoff_time work?", 10) == [0, 2]  # by the last part, as the def line says
    assert g.rank("How does `backoff` work?", 10) == []  # a whole word only: `get_backoff_time` is another word
    assert g.rank("say hello", 10) == [3]  # no identifier: the longest word
    assert g.rank("get_backoff_time", 1) == [0] and g.rank("?", 5) == []


def test_bm25_scores_equal_rank_bm25(small_stream):
    import numpy as np

    m = BM25()
    m.ingest(small_stream.chunks)
    for q in small_stream.questions:
        assert np.array_equal(m.scores(q.query), m.index.get_scores(bm25_tokens(q.query)))


def test_bm25_tiny_stream():
    texts = [
        "def parse(self, text):\n    return text.split()",
        "user: The door code for the Lisbon storage room is 4417.",
        "Return the number of items in the container.",
        "user: What does `parse` do?",
    ]
    m = BM25()
    m.ingest(_chunks(texts))
    assert m.rank("What is the door code for the Lisbon storage room?", 2)[0] == 1
    assert len(m.rank("anything", 10)) == 4


@pytest.mark.slow
def test_dense_minilm_ranks_needle():
    from evals.memory.methods import DenseMiniLM

    m = DenseMiniLM()
    m.ingest(
        _chunks(
            [
                "Return the number of items in the container.",
                "user: The door code for the Lisbon storage room is 4417.",
                "def parse(self, text):\n    return text.split()",
            ]
        )
    )
    assert m.rank("What is the door code of the storage room in Lisbon?", 3)[0] == 1


def test_ident_terms_keep_identifiers_whole_and_split():
    toks = ident_terms("x = more_itertools.chunked(getUserName, 'pkg/sub_mod.py')")
    for t in ("more_itertools.chunked", "more_itertools", "more", "itertools", "chunked"):
        assert t in toks
    for t in (
        "getusername",
        "get",
        "user",
        "name",
        "pkg/sub_mod.py",
        "pkg",
        "sub_mod.py",
        "sub_mod",
        "sub",
        "mod",
        "py",
    ):
        assert t in toks
    assert "more_itertools.chunked" not in bm25_tokens("x = more_itertools.chunked(y)")


def test_bm25_ident_finds_a_dotted_name():
    """Both chunks give plain BM25 the same tokens (it ranks the earlier first); only the target holds the dotted
    name whole, which bm25-ident keeps as one term."""
    texts = [
        "cfg = settings(load_defaults, path)",
        "cfg = settings.load_defaults(path)",
        "def load(path):\n    return open(path).read()",
        *(f"unrelated chunk number {i} about logging" for i in range(6)),
    ]
    plain, ident = BM25(), bm25_ident()
    for m in (plain, ident):
        m.ingest(_chunks(texts))
    q = "Where is `settings.load_defaults` called?"
    assert sorted(bm25_tokens(texts[0])) == sorted(bm25_tokens(texts[1]))
    assert plain.rank(q, 3)[:2] == [0, 1] and ident.name == "bm25-ident"
    assert ident.rank(q, 3)[0] == 1
    # snake_case: a BM25 over plain word tokens (split at `_`) prefers the prose that repeats the words
    words = BM25(lambda t: re.findall(r"[a-z0-9]+", t.lower()))
    ident = bm25_ident()
    texts = [
        "Load the defaults first, then load the user defaults over the defaults.",
        "def load_defaults(path):\n    return parse(path)",
        *(f"unrelated chunk number {i} about logging" for i in range(6)),
    ]
    for m in (words, ident):
        m.ingest(_chunks(texts))
    q = "What does load_defaults do?"
    assert words.rank(q, 2)[0] == 0 and ident.rank(q, 2)[0] == 1


def test_rrf_by_hand():
    assert RRF_K == 60
    assert rrf([[3, 1, 2], [1, 2]]) == [1, 2, 3]  # 1/61+1/62 > 1/62+1/63 > 1/61
    assert rrf([[5], [7]]) == [5, 7]  # a tie keeps arrival order
    assert rrf([[2, 9]], k=0) == [2, 9]


def test_hybrid_rrf_fuses_bm25_and_dense():
    texts = ["alpha beta", "gamma delta", "beta zeta", "epsilon", "eta theta", "iota kappa"]
    hy = HybridRRF()
    hy.bm25.ingest(_chunks(texts))  # the dense half is stubbed: no model needed
    dense = [3, 2, 1, 0, 4, 5]
    hy.dense.rank = lambda query, k: dense[:k]
    # BM25 retrieves 0 and 2 for "beta", tied, in arrival order (a score of 0 retrieves nothing)
    bm = [int(i) for i in hy.bm25.rank("beta", 6) if hy.bm25.scores("beta")[i] > 0]
    assert bm == [0, 2]
    expect = {p: 0.0 for p in range(6)}
    for ranking in (bm, dense):
        for r, p in enumerate(ranking, 1):
            expect[p] += 1 / (60 + r)
    assert hy.rank("beta", 6) == sorted(expect, key=lambda p: (-expect[p], p))
    assert hy.rank("beta", 6) == [2, 0, 3, 1, 4, 5]  # 2/62 > 1/61 + 1/64 > 1/61 > 1/63 > 1/65 > 1/66
    assert hy.rank("beta", 2) == [2, 0]
