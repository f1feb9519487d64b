"""Sizes: parsed from `32k`/`1m`/token counts, labelled back."""

from __future__ import annotations

import pytest

from evals.memory.streams import as_keywords, parse_size, parse_sizes, size_label
from lam_memory import LAMError


def test_parse_sizes():
    assert parse_sizes("32k,128k,1m") == [32768, 131072, 1048576]
    assert parse_size(5000) == 5000
    assert size_label(131072) == "128k" and size_label(1048576) == "1m"
    for bad in ("12x", "", "100"):
        with pytest.raises(LAMError):
            parse_sizes(bad)


@pytest.mark.parametrize(
    "question, keywords",
    [
        ("When was Jon in Rome?", "Jon in Rome"),
        ("What time is my dentist appointment?", "time dentist appointment"),
        ("Which CI provider builds the mobile app?", "CI provider builds mobile app"),
        ("What is the current implementation of `f` in a/b.py?", "current implementation of `f` in a/b.py"),
        ("Who?", "Who?"),  # nothing left: the question stays
    ],
)
def test_as_keywords(question, keywords):
    assert as_keywords(question) == keywords
