"""The planted history: deterministic, >= 100K tokens, every piece of every problem in it, far apart and in order."""

from __future__ import annotations

import pytest

from evals.coding.datasets import defined_name, load_problems
from evals.coding.history import PIECE_KINDS, build_history
from evals.coding.spec import function_name, question_for
from lam_memory.tokens import count_tokens


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("suite,n", [("humaneval", 5), ("leetcode", 3)])
def test_history_is_deterministic_large_and_holds_every_piece(suite, n):
    problems = load_problems(suite, n)
    h = build_history(problems, seed=0)
    text = h.text()
    assert build_history(problems, seed=0).text().encode() == text.encode()  # same seed, same bytes
    assert build_history(problems, seed=1).digest() != h.digest()
    assert count_tokens(text) >= 100_000 and h.tokens() == count_tokens(text)
    norm = _norm(text)
    for p in problems:
        pieces = h.pieces[p.id]
        assert [x.kind for x in pieces] == list(PIECE_KINDS)
        for piece in pieces:
            assert piece.text.strip() and piece.coverage(norm) == 1.0, (p.id, piece.kind)
            if piece.kind != "code":
                assert _norm(piece.message) in norm and function_name(p) in piece.message
        at = {x.kind: norm.index(x.fragments()[0]) for x in pieces if x.kind != "code"}
        assert at["requirement_1"] + len(norm) // 20 < at["requirement_2"] < at["examples"]  # far apart, in order
        assert f"src/{defined_name(p)}.py" in text
        q = question_for(p)  # names the function, and nothing of the requirement
        assert f"`{defined_name(p)}`" in q and not any(x.fragments()[0] in q for x in pieces)
