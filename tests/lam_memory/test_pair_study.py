import pytest
import torch

from tests.lam_memory.pair_study import features, fit, gain


def _unit(*rows: list[float]) -> torch.Tensor:
    return torch.nn.functional.normalize(torch.tensor(rows), dim=1)


def test_features_see_the_next_version_as_each_others_nearest():
    """b (position 0) and its update (2) are each the other's nearest; a neighbour (1) lies between them."""
    emb = _unit([1.0, 0.1, 0.0], [0.0, 1.0, 0.2], [0.9, 0.2, 0.1], [0.0, 0.0, 1.0])
    texts = [
        "The recital is Saturday the 14th at 6pm",
        "Maya's group dances to Here Comes the Sun",
        "They moved the recital to the 21st",
        "Lunch was great",
    ]
    query = "When is the recital?"
    q = _unit([1.0, 0.0, 0.0])[0]
    x = features(query, q, emb, texts, 0, 2, {0: 1.0, 2: 0.6})
    assert x["b_nearest_before_l"] == x["l_nearest_after_b"] == 1.0
    assert x["change_word"] == 1.0 and x["same_kind"] == 1.0 and x["asked_given"] == 1.0
    assert x["score_gain"] == pytest.approx(-0.4)
    y = features(query, q, emb, texts, 0, 3, {0: 1.0, 3: 0.1})
    assert y["b_nearest_before_l"] == y["l_nearest_after_b"] == 0.0 and y["change_word"] == 0.0


def test_fit_separates_what_a_feature_separates():
    """On the generic features alone: the probe's inputs start with them (`collect`), its products are left out."""
    rows = [
        {"pairs": [(i, {"f": float(i % 2), "g": 0.5}, torch.tensor([i % 2, 0.5, 9.0]), bool(i % 2)) for i in range(20)]}
    ]
    w, b0 = fit(rows, False, 1e-3)
    on, off = torch.tensor([1.0, 0.5]) @ w + b0, torch.tensor([0.0, 0.5]) @ w + b0
    assert on > 0 > off


def test_gain_counts_questions_won_and_lost_by_group():
    rows = [
        {"set": "first", "other": False, "b": 1, "target": 3, "marked": None},  # moved to the current version: +1
        {"set": "first", "other": True, "b": 5, "target": 5, "marked": None},  # moved off the fact: -1
        {"set": "thirty-fourth", "other": False, "b": 2, "target": 2, "marked": None},  # kept: 0
        {"set": "thirty-fourth", "other": True, "b": 5, "target": 5, "marked": "chat:9"},  # kept, marked: 0
    ]
    moves = iter([3, 7, None, None])
    got = gain(rows, lambda r: next(moves))
    assert got == {"read changes": 1, "read other": -1, "unread changes": 0, "unread other": 0}
