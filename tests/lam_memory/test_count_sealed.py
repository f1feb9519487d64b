import json

import pytest

from tests.lam_memory.count_sealed import count, main
from tests.lam_memory.test_changes import _SEALED, _sealed_chat
from tests.lam_memory.test_subjects import ACKNOWLEDGEMENTS, written_replies


def test_the_counts_agree_with_the_sealed_tests_known_misses():
    """What RESULTS.md reports by `count_sealed` is what `test_sealed_changes` checks: at a set's first seed, the
    questions it counts as checked are those not listed as known misses, and marked holds them."""
    _, items, missed, seeds = _SEALED["thirty-sixth"]
    got = count("thirty-sixth", seeds[0])
    assert set(got["checked"]) == {q for q, _, _ in items} - missed
    assert set(got["checked"]) <= set(got["marked"]) <= set(got["first"])


def test_other_things_count_the_answers_first(tmp_path):
    out = tmp_path / "counts.json"
    assert main(["thirty-sixth-other", "--json", str(out)]) == 0
    _, items, missed, seeds = _SEALED["thirty-sixth-other"]
    found = json.loads(out.read_text())
    for seed in seeds:
        assert set(found[f"thirty-sixth-other@{seed}"]["first"]) == {q for q, *_ in items} - {
            q for s, q in missed if s == seed
        }


def test_an_unknown_set_is_a_one_line_error(capsys):
    assert main(["fortieth"]) == 2
    assert "unknown sets ['fortieth']" in capsys.readouterr().err


def test_acknowledged_sets_answer_each_statement_as_an_agent_does():
    """`--acknowledged repeated`: after each statement of a set comes an assistant's turn, most often repeating it;
    `written`: the reply written for it."""
    _, items, _, seeds = _SEALED["thirty-sixth"]
    turns = _sealed_chat("thirty-sixth", seeds[0], acknowledged="repeated").messages("chat.jsonl")
    statements = {text for _, texts, _ in items for text in texts}
    after = [turns[i + 1] for i, t in enumerate(turns) if t["content"] in statements]
    assert len(after) == len(statements) and all(t["role"] == "assistant" for t in after)
    assert all(any(a.format(s) == t["content"] for a in ACKNOWLEDGEMENTS for s in statements) for t in after)
    assert sum(t["role"] == "assistant" for t in turns) == len(statements)
    turns = _sealed_chat("thirty-sixth", seeds[0], acknowledged="written").messages("chat.jsonl")
    replies = [turns[i + 1]["content"] for i, t in enumerate(turns) if t["content"] in statements]
    assert replies == [written_replies()[t["content"]] for t in turns if t["content"] in statements]


@pytest.mark.parametrize("name", ["fourth", "fifth"])
def test_an_agents_acknowledgements_cost_no_current_version(name):
    """An assistant that acknowledges each statement, most often by repeating it, leaves the current versions
    first: the acknowledgements are no best statement, no neighbour in meaning and no current member of a group
    (`subjects.evidence`). Before that, 12 of 15 and 8 of 12 here, against 15 and 12 without acknowledgements."""
    seed = _SEALED[name][3][0]
    assert count(name, seed, acknowledged="repeated")["first"] == count(name, seed)["first"]


def test_acknowledgements_written_blind_cost_the_twenty_first_set_no_current_version():
    """With the replies helper agents wrote for its statements ("No worries — the AWS budget lands at $20k/month"), the
    twenty-first set keeps every current version it has without them (5 of 7 before answers were kept from setting a
    group's subject and from naming more of the question than the best statement)."""
    seed = _SEALED["twenty-first"][3][0]
    plain, written = count("twenty-first", seed), count("twenty-first", seed, acknowledged="written")
    assert set(plain["first"]) <= set(written["first"]) and set(plain["marked"]) <= set(written["marked"])
