"""LAM memory: a long-context memory for LLM agents built on the LAM linear-attention encoder."""

from typing import Any

__all__ = ["LAMMemory", "Chunk", "Hit", "Context", "LAMError"]
__version__ = "0.1.0"


class LAMError(Exception):
    """A user-facing error: the CLI prints its message on one line and exits non-zero."""


def __getattr__(name: str) -> Any:  # lazy: `import lam_memory` must not pull in torch
    if name in ("LAMMemory", "Chunk", "Hit", "Context"):
        from lam_memory import memory

        return getattr(memory, name)
    raise AttributeError(name)
