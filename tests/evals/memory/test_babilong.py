"""bAbI loading and BABILong streams: facts hidden in prose, in story order, gold where the facts landed."""

from __future__ import annotations

from evals.memory.babilong import babilong_indices, babilong_samples, babilong_stream, load_babi
from evals.memory.config import SuiteConfig


def test_babi_loader_counts():
    for task, facts_lines in (("qa1", 2000), ("qa2", 4398), ("qa3", 14710)):
        samples = load_babi(task)
        assert len(samples) == 1000
        assert samples[-1].story + 1 == 200
        # every fact line belongs to exactly one story; the last question of a story sees all its facts
        last = {}
        for s in samples:
            last[s.story] = len(s.facts)
            assert s.answer and s.question.endswith("?")
            assert all(i in dict(s.facts) for i in s.supporting)
        assert sum(last.values()) == facts_lines  # stories end with a question: every fact line is seen
    s0 = load_babi("qa1")[0]
    assert (s0.question, s0.answer, s0.supporting) == ("Where is John?", "hallway", [1])
    assert s0.facts == [(1, "John travelled to the hallway."), (2, "Mary journeyed to the bathroom.")]
    idx = babilong_indices()
    assert all(len(idx[t]) == 100 for t in SuiteConfig().babi_tasks)
    assert babilong_samples("qa2", 3)[0].index == idx["qa2"][0]


def test_babilong_stream():
    sample = babilong_samples("qa2", 1)[0]
    s = babilong_stream(sample, "4k", seed=0)
    assert s.digest() == babilong_stream(sample, "4k", seed=0).digest()
    assert s.digest() != babilong_stream(sample, "4k", seed=1).digest()
    assert 3500 < s.tokens() <= 4096 + 64
    text = "\n".join(c.text for c in s.chunks)
    # every fact, in story order (a story may repeat a sentence)
    at = -1
    for _, fact in sample.facts:
        at = text.index(fact, at + 1)
    assert sum(text.count(f) for f in {f for _, f in sample.facts}) == len(sample.facts)
    (q,) = s.questions
    assert q.query == sample.question and q.answer == sample.answer and q.missing == 0
    facts = dict(sample.facts)
    for i in sample.supporting:
        assert any(facts[i] in s.chunks[p].text for p in q.gold)
    assert all(c.kind == "text" for c in s.chunks)
