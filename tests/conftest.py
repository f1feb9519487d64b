"""Shared fixtures."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def server():
    """The real local vLLM server (SmolLM2-135M-Instruct), started once per test session if none is running, and
    stopped at the end only if this session started it. Used by the `vllm`-marked end-to-end tests."""
    from agents import serve

    with serve.local_server(timeout=600) as info:
        yield info
