"""Fixtures shared by the memory-suite tests."""

from __future__ import annotations

import pytest

from evals.memory.streams import Stream
from evals.memory.synthetic import synthetic_stream


@pytest.fixture(scope="module")
def small_stream() -> Stream:
    return synthetic_stream("8k", seed=3)
