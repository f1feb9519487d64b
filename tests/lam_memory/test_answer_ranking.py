"""Answers are not evidence: an assistant's turn ranks below the user's evidence of similar relevance and never
supersedes it (`LAMMemory._demote_answers`, `MemoryConfig.answer_penalty`). Real memory and encoder, no LLM."""

import pytest

from lam_memory import LAMMemory
from lam_memory.config import MemoryConfig

TURNS = [
    {"role": "user", "content": "The API server listens on port 8443."},
    {"role": "assistant", "content": "Got it: the API server listens on port 9090."},  # wrong, and later
]
FILLER = [
    {"role": "user", "content": f"Note {i}: the {w} job runs nightly and writes its logs to disk."}
    for i, w in enumerate(["billing", "search", "auth", "mail"])
]


def _memory(config: MemoryConfig | None = None) -> LAMMemory:
    mem = LAMMemory(config=config)
    mem.add_messages(FILLER, source="chat/old")
    mem.add_messages(TURNS, source="chat/s1")
    return mem


@pytest.mark.parametrize("query", ["what port", "what port does the API server listen on?"])
def test_a_wrong_answer_does_not_outrank_or_supersede_the_evidence(query):
    with _memory() as mem:
        hits = mem.search(query, k=3)
        assert "8443" in hits[0].text and hits[0].role == "user" and hits[0].superseded_by is None
        answer = next(h for h in hits if "9090" in h.text)
        assert answer.role == "assistant" and answer.rank > hits[0].rank
        # no evidence is marked as replaced by an answer
        assert all(h.superseded_by != answer.citation for h in hits if h.role != "assistant")


def test_the_penalty_is_what_separates_them():
    """Without the penalty the two turns are of similar relevance (the answer restates the evidence), so the
    case tests the rule and not the encoder's taste; with it the answer loses exactly the penalty."""
    with _memory(MemoryConfig(answer_penalty=0.0)) as mem:
        plain = {h.role: h.score for h in mem.search("what port", k=2)}
    assert abs(plain["user"] - plain["assistant"]) < MemoryConfig().answer_penalty
    with _memory() as mem:
        ranked = {h.role: h.score for h in mem.search("what port", k=2)}
    penalty = MemoryConfig().answer_penalty
    assert ranked["user"] - ranked["assistant"] == pytest.approx(plain["user"] - plain["assistant"] + penalty, abs=2e-3)


def test_answer_positions_survive_reopening(tmp_path):
    """The set of assistant chunks is rebuilt from the archive when a memory is opened again."""
    path = tmp_path / "m"
    with LAMMemory(path) as mem:
        mem.add_messages(FILLER + TURNS, source="chat/s1")
        mem.save()
    with LAMMemory(path) as mem:
        assert "8443" in mem.search("what port", k=1)[0].text
