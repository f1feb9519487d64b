"""A document read at once is one moment: its paragraphs never supersede one another, whatever their order (a
reference's chapters, a changelog's entries, newest first), while separate writes and messages keep their order."""

from __future__ import annotations

import copy
import random

import pytest

from lam_memory import LAMMemory
from lam_memory.lexical import quoted
from lam_memory.types import Chunk


def _reference(folder, topics: int = 24) -> None:
    """The first `topics` topics of the Python reference that pydoc shows (stdlib `pydoc_data`), 6 to a file."""
    data = pytest.importorskip("pydoc_data.topics").topics
    names = sorted(data)[:topics]
    for i in range(0, len(names), 6):
        body = "\n\n".join(f"# {n}\n\n{data[n]}" for n in names[i : i + 6])
        (folder / f"topics_{i:03d}.md").write_text(body, encoding="utf-8")


def _marked(mem: LAMMemory, queries: list[str]) -> int:
    """Searches (top 5 and the context) that mark some hit superseded."""
    return sum(
        any(h.superseded_by for h in mem.search(q, k=5)) or any(h.superseded_by for h in mem.context(q, 1500).hits)
        for q in queries
    )


def _unread(chunk: Chunk) -> Chunk:
    """A copy of `chunk` as a stream's arrival: without the write it was read in."""
    c = copy.deepcopy(chunk)
    c.meta.pop("read", None)
    return c


def test_a_reference_read_once_has_no_superseded_paragraph(tmp_path):
    _reference(tmp_path)
    mem = LAMMemory()
    mem.add_path(tmp_path)
    chunks = [c for c in mem.store.iter_chunks() if len(c.text.split()) >= 12]
    queries = [" ".join(c.text.split()[:12]) for seed in (0, 1) for c in random.Random(seed).sample(chunks, 30)]
    assert _marked(mem, queries) == 0
    # what the rule keeps out: the same paragraphs arriving one by one, as a stream does, are grouped by the subject
    # the query names and the later ones supersede the earlier (106 of 200 searches over the whole reference)
    stream = LAMMemory()
    stream.add_chunks([_unread(c) for c in mem.store.iter_chunks()])
    assert _marked(stream, queries) > 0


def test_separate_writes_keep_their_order():
    mem = LAMMemory()
    mem.add("Setup notes: the billing API listens on port 8080.", source="notes.md")
    mem.add("The team standup is at 9:30 every morning.", source="notes.md")
    mem.add("Security review: the billing API now listens on port 8443.", source="notes.md")
    hits = mem.search("Which port does the billing API listen on?", k=3)
    assert "8443" in hits[0].text and hits[0].superseded_by is None
    assert [h.superseded_by for h in hits if "8080" in h.text] == [hits[0].citation]


def _release(version: str, timeout: int) -> str:
    notes = [
        f"- Fixed {what} in the {where} module."
        for what in ("a leak", "a race", "a typo")
        for where in ("pool", "proxy", "retry", "cookie")
    ]
    return f"## {version}\n\n- The default timeout of the client is {timeout} seconds.\n" + "\n".join(notes)


def test_a_changelog_added_at_once_marks_no_entry_superseded():
    mem = LAMMemory()
    mem.add(f"{_release('2.0', 30)}\n\n{_release('1.0', 10)}", source="CHANGELOG.md")  # newest first
    assert mem.stats()["chunks"] == 2
    query = "What is the default timeout of the client?"
    assert all(h.superseded_by is None for h in mem.search(query, k=2))
    stream = LAMMemory()  # as two arrivals, the older release (second in the file) would supersede the newer
    stream.add_chunks([_unread(c) for c in mem.store.iter_chunks()])
    assert any(h.superseded_by for h in stream.search(query, k=2))


def test_a_document_read_again_is_read_as_one(tmp_path):
    data = pytest.importorskip("pydoc_data.topics").topics
    doc = tmp_path / "reference.md"
    names = ["assert", "break", "continue", "pass"]
    doc.write_text("\n\n".join(f"# {n}\n\n{data[n]}" for n in names), encoding="utf-8")
    mem = LAMMemory()
    mem.add_path(doc)
    first = {c.meta["read"] for c in mem.store.live_chunks(doc.as_posix())}
    doc.write_text("\n\n".join(f"# {n}\n\n{data[n]}" for n in names if n != "break"), encoding="utf-8")
    mem.add_path(doc)
    again = {c.meta["read"] for c in mem.store.live_chunks(doc.as_posix())}
    assert len(first) == len(again) == 1 and first != again  # kept paragraphs are marked as read again


def test_a_quoted_passage_comes_first_among_near_duplicates(tmp_path):
    """A pasted passage asks for itself, as `grep -F` finds it: in the Python reference, "Class Instances" beside
    "Classes", one "See also: **PEP ...**" list beside another and the `__setitem__` rule beside `__setitem__`'s
    entry are as close in meaning, and each outranked the passage quoted (second or third) before quotes were
    lifted."""
    data = pytest.importorskip("pydoc_data.topics").topics
    for name in ("types", "assignment", "sequence-types", "specialnames", "compound", "function"):
        (tmp_path / f"{name}.md").write_text(f"# {name}\n\n{data[name]}", encoding="utf-8")
    mem = LAMMemory()
    mem.add_path(tmp_path)
    for quote in (
        "Class Instances --------------- Instances of arbitrary classes can be made callable by",
        'For user-defined objects, the "__setitem__()" method is called with appropriate arguments. *',
        "See also: **PEP 526** - Syntax for Variable Annotations The proposal that",
    ):
        hits = mem.search(quote, k=3)
        assert " ".join(quote.split()) in " ".join(hits[0].text.split()), (quote, hits[0].text[:80])
    assert quoted("4.36.0 (released 2022-08-17)") and quoted("from tqdm import tqdm")
    assert not quoted("fee") and not quoted("retry backoff") and not quoted("What is the default timeout?")
