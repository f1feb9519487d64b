"""Sizes: parsed from `32k`/`1m`/token counts, labelled back."""

from __future__ import annotations

import pytest

from evals.memory.streams import parse_size, parse_sizes, size_label
from lam_memory import LAMError


def test_parse_sizes():
    assert parse_sizes("32k,128k,1m") == [32768, 131072, 1048576]
    assert parse_size(5000) == 5000
    assert size_label(131072) == "128k" and size_label(1048576) == "1m"
    for bad in ("12x", "", "100"):
        with pytest.raises(LAMError):
            parse_sizes(bad)
