import json

from tests.lam_memory.count_sealed import count, main
from tests.lam_memory.test_changes import _SEALED


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
