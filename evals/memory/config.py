"""`SuiteConfig`: the settings of a memory-suite run, passed down to the generators, the methods and the scorer."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SuiteConfig:
    """Sizes, budget, sample caps and token counts of one run (the defaults are `lam eval memory`'s)."""

    sizes: tuple[int, ...] = (32 * 1024, 128 * 1024)  # stream sizes in cl100k tokens (`--sizes`)
    budget: int = 500  # context tokens each method's ranking is packed into (`--budget`)
    babi_tasks: tuple[str, ...] = ("qa1", "qa2", "qa3")
    babilong_samples: int = 20  # per task and size: the first N of the BABILong 100-sample list
    babilong_token_cap: int = 4 * 1024 * 1024  # per task and size: fewer samples where N streams would exceed this
    code_chunk_tokens: int = 256  # standard-library code chunks (`chunk_code`)
    chatter_tokens: int = 20_000  # docstring prose that surrounds planted facts in their messages
    prose_chunk_tokens: int = 120  # BABILong paragraphs
    minilm_batch: int = 64  # `DenseMiniLM` encoding batch
    embed_cache_max: int = 200_000  # embeddings cached per process by chunk text before the cache is emptied
    queries: str = "questions"  # "keywords": each question as an agent's search (`streams.as_keywords`)


DEFAULT_CONFIG = SuiteConfig()
