"""Context packing on real text: the standard library's source and pydoc topics as evidence."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest

from lam_memory import LAMError
from lam_memory.chunking import chunk_code, chunk_messages, chunk_text
from lam_memory.compress import pack_context
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk, Context, Hit

STDLIB = Path(json.__file__).resolve().parent.parent
MARKER = re.compile(r"^\s*\.\.\. \((?:lines? (\d+)(?:-(\d+))?|(\d+) lines?) elided\)$")


def _hit(c: Chunk, score: float = 1.0) -> Hit:
    return Hit(c.text, c.source, c.start_line, c.end_line, score, position=c.position, kind=c.kind, role=c.role)


def _positioned(chunks: list[Chunk], start: int = 0) -> list[Chunk]:
    for i, c in enumerate(chunks):
        c.position = start + i
    return chunks


@pytest.fixture(scope="module")
def pool() -> list[Hit]:
    from pydoc_data.topics import topics

    chunks: list[Chunk] = []
    for rel in ("json/decoder.py", "json/encoder.py", "textwrap.py", "shlex.py"):
        chunks += chunk_code((STDLIB / rel).read_text(), rel, chunk_tokens=384)
    chunks += chunk_text(topics["formatstrings"] + "\n\n" + topics["exceptions"], "docs/topics.txt", chunk_tokens=200)
    msgs = [{"role": "user" if i % 2 == 0 else "assistant", "content": topics[k]} for i, k in enumerate(topics)][:30]
    chunks += chunk_messages(msgs, "chat.jsonl", chunk_tokens=300)
    return [_hit(c, score=-i) for i, c in enumerate(_positioned(chunks))]


def _need(err: LAMError) -> int:
    return int(re.search(r"need at least (\d+)", str(err)).group(1))


def _check_code_block(block: str, file_lines: list[str]) -> None:
    """Every kept line of a compressed code block is the file's line at the position its markers imply."""
    header, *body = block.split("\n")
    start, end = map(int, re.search(r":(\d+)-(\d+)\]", header).groups())
    cur = start
    for line in body:
        m = MARKER.match(line)
        if m and m.group(1):
            a, b = int(m.group(1)), int(m.group(2) or m.group(1))
            assert a >= cur and all(not file_lines[k - 1].strip() for k in range(cur, a))
            cur = b + 1
            continue
        while not file_lines[cur - 1].strip() and line.strip():
            cur += 1  # blank lines dropped without a marker
        assert line == file_lines[cur - 1], (line, cur)
        cur += 1
    assert cur - 1 <= end


def _superadditive(text: str) -> int:
    """A tokenizer stand-in whose count of a whole is more than the sum over its parts."""
    return count_tokens(text) + len(text) // 200


@pytest.mark.parametrize(
    "counter", [None, _superadditive, lambda t: len(t.split())], ids=["tiktoken", "super", "words"]
)
def test_budget_never_exceeded(pool, counter):
    rng = random.Random(7)
    count = counter or count_tokens
    budgets = [30, 31, 40, 50, 64, 80, 100, 128, 200, 256, 333, 512, 700, 1000, 1500, 2000, 3000, 4000]
    queries = ["how is a JSON object decoded", "wrap text to a width", "format spec alignment fill", "raise error"]
    ran = raised = 0
    for trial in range(90):
        hits = rng.sample(pool, rng.randint(1, 30))
        budget = budgets[trial % len(budgets)] if trial < 2 * len(budgets) else rng.randint(30, 4000)
        try:
            ctx = pack_context(rng.choice(queries), hits, budget, counter)
        except LAMError as e:
            assert _need(e) > budget
            assert "too small to hold any evidence" in str(e)
            raised += 1
            continue
        ran += 1
        assert ctx.tokens == count(ctx.text) <= budget
        assert ctx.hits and all(h in hits for h in ctx.hits)
        assert len({id(h) for h in ctx.hits}) == len(ctx.hits)
        if budget >= 2000 and counter is None:
            assert ctx.tokens > 0.5 * min(budget, sum(count(h.text) for h in hits))  # the budget is used
    assert ran > 60


def test_compressed_code_keeps_signature_and_relevant_lines():
    src = (STDLIB / "json/decoder.py").read_text()
    lines = src.split("\n")
    chunks = chunk_code(src, "json/decoder.py", chunk_tokens=2048)
    scan = next(c for c in chunks if c.meta.get("symbol") == "py_scanstring")
    assert count_tokens(scan.text) > 300
    hit = _hit(scan)
    for budget in (60, 120, 250):
        ctx = pack_context("which error for an invalid escape", [hit], budget)
        assert ctx.tokens <= budget and ctx.hits == [hit]
        assert ctx.text.startswith(f"[json/decoder.py:{scan.start_line}-{scan.end_line}]\n")
        assert "def py_scanstring(" in ctx.text
        assert any(MARKER.match(line) for line in ctx.text.split("\n")), ctx.text
        if budget >= 120:
            assert 'msg = "Invalid \\\\escape: {0!r}".format(esc)' in ctx.text, ctx.text
        _check_code_block(ctx.text, lines)
    # more budget keeps more lines
    small, big = pack_context("escape", [hit], 80), pack_context("escape", [hit], 300)
    assert small.text.count("\n") < big.text.count("\n")


def test_compressed_class_keeps_method_signatures():
    src = (STDLIB / "textwrap.py").read_text()
    chunk = chunk_code(src, "textwrap.py", chunk_tokens=100_000)
    tw = next(c for c in chunk if c.meta.get("symbol") == "TextWrapper")
    ctx = pack_context("split long words", [_hit(tw)], 400)
    assert ctx.tokens <= 400
    for sig in ("class TextWrapper:", "def _split(self, text):", "def wrap(self, text):"):
        assert sig in ctx.text
    _check_code_block(ctx.text, src.split("\n"))


def test_scorer_hook_chooses_lines():
    src = (STDLIB / "json/decoder.py").read_text()
    scan = next(c for c in chunk_code(src, "d.py", chunk_tokens=2048) if c.meta.get("symbol") == "py_scanstring")
    ctx = pack_context("anything", [_hit(scan)], 120, scorer=lambda q, segs: [s.count("chunks") for s in segs])
    assert "_append = chunks.append" in ctx.text and "def py_scanstring(" in ctx.text


def test_prose_and_messages_compressed_by_sentences():
    from pydoc_data.topics import topics

    para = next(c for c in chunk_text(topics["exceptions"], "docs/exc.txt", 400) if "finally" in c.text)
    hit = _hit(para)
    assert count_tokens(hit.text) > 120
    target = next(s for s in re.split(r"(?<=\.)\s+", hit.text) if "finally" in s)
    ctx = pack_context("what does finally do", [hit], count_tokens(target) + 30)
    assert "finally" in ctx.text and "..." in ctx.text and ctx.tokens <= count_tokens(target) + 30
    msg = Hit(hit.text, "chat.jsonl", 7, 7, 1.0, kind="message", role="assistant")
    ctx = pack_context("what does finally do", [msg], 80)
    assert ctx.text.startswith("[chat.jsonl:7] assistant:\n") and "finally" in ctx.text and ctx.tokens <= 80


def test_whole_hits_verbatim_and_in_rank_order():
    def h(source, start, pos, text):
        return Hit(text, source, start, start + text.count("\n"), 1.0, position=pos, kind="code")

    hits = [
        h("b.py", 50, 2, "def late():\n    return 2"),
        h("a.py", 5, 3, "def a():\n    return 0"),
        h("b.py", 10, 1, "def early():\n    return 1"),
        h("b.py", 10, 1, "def early():\n    return 1"),  # a duplicate
    ]
    ctx = pack_context("early late", hits, 500)
    assert [(x.source, x.start_line) for x in ctx.hits] == [("b.py", 50), ("a.py", 5), ("b.py", 10)]
    assert ctx.text == (
        "[b.py:50-51]\ndef late():\n    return 2\n\n[a.py:5-6]\ndef a():\n    return 0\n\n[b.py:10-11]\ndef early():\n"
        "    return 1"
    )
    assert ctx.tokens == count_tokens(ctx.text)


def test_greedy_by_rank_drops_what_does_not_fit(pool):
    code = [h for h in pool if h.kind == "code" and 150 < count_tokens(h.text) < 300][:6]
    ctx = pack_context("decode", code, 700)
    assert ctx.tokens <= 700
    assert code[0] in ctx.hits and code[1] in ctx.hits  # the best-ranked come first
    whole = [h for h in ctx.hits if h.text in ctx.text]
    assert len(whole) >= 2


def test_too_small_budget_and_empty():
    hit = Hit("def f(x):\n    return x + 1", "pkg/module.py", 10, 11, 1.0, kind="code")
    with pytest.raises(LAMError, match=r"budget of 5 tokens is too small to hold any evidence \(need at least \d+\)"):
        pack_context("f", [hit], 5)
    with pytest.raises(LAMError):
        pack_context("f", [hit], 0)
    need = 0
    try:
        pack_context("f", [hit], 8)
    except LAMError as e:
        need = _need(e)
    assert 8 < need <= 25
    assert pack_context("f", [hit], need).tokens <= need  # the stated minimum is enough
    assert pack_context("q", [], 100) == Context("", 0, [])
    assert pack_context("q", [Hit("  \n", "x", 1, 1, 1.0)], 100) == Context("", 0, [])


def test_long_single_line_is_cut_not_dropped():
    line = "The retry policy " + " ".join(f"clause{i}" for i in range(400)) + " ends with max_retries = 7."
    hit = Hit(line, "notes.md", 3, 3, 1.0)
    ctx = pack_context("max_retries", [hit], 40)
    assert ctx.tokens <= 40 and "max_retries" in ctx.text and "..." in ctx.text
