"""The methods' registry, the shared packer and the baselines."""

from __future__ import annotations

import random
import subprocess
import sys

import pytest

from evals.memory.config import SuiteConfig
from evals.memory.methods import BM25, FullContext, Method, Recency, bm25_tokens, pack
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
    for name in BASELINES:
        m = METHODS[name](SuiteConfig())
        assert isinstance(m, Method) and m.name == name


def test_registry_lists_lam_without_loading_torch():
    code = (
        "import sys; from evals.memory.registry import METHODS, make_factory; make_factory(['lam', 'bm25']); "
        "assert list(METHODS) == ['recency', 'bm25', 'dense-minilm', 'full', 'lam'], list(METHODS); "
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
