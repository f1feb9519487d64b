"""Every size, rate and weight of the encoder and the memory, in two dataclasses.

`MemoryConfig` is saved in a memory directory's `meta.json` and used whenever that memory is opened again: the
stored state only means something under the rates, key sizes and seed that wrote it. `EncoderConfig` describes
the encoder's shape and batching; the encoder's identity (which weights) is `Encoder.encoder_id`, read from the
weights file's own metadata.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from lam_memory import LAMError


@dataclass(frozen=True)
class EncoderConfig:
    """Shape of the LAM encoder (MiniLM's: hidden 384, 6 layers, 12 heads) and how it batches and truncates."""

    hidden: int = 384
    layers: int = 6
    heads: int = 12
    ffn_dim: int = 1536
    vocab: int = 30522
    mix_every: int = 64  # tokens between the recurrence's fast/slow exchanges
    block: int = 512  # backward heads' window; a multiple of mix_every so every block starts on a mix boundary
    span_blocks: int = 4  # blocks per call on long inputs (SPAN = span_blocks * block tokens)
    batch_tokens: int = 2048  # padded tokens per `encode` batch (`lam bench memory` ingest measured it)
    short_chunk: int = 8  # the recurrence's chunk length on rows of at most one block (speed only; see encoder.py)
    softmax_max_length: int = 512  # MiniLM's position table: the softmax teacher truncates here

    @property
    def head_dim(self) -> int:
        return self.hidden // self.heads

    @property
    def span(self) -> int:
        return self.span_blocks * self.block


# Fields of older versions that only bounded a query's work, never what the files hold: ignored when read.
_RETIRED = frozenset({"lexical_common"})  # per term; `lexical_postings` bounds the query's chunks in all


@dataclass(frozen=True)
class MemoryConfig:
    """The chunk-level memory (equations in `lam_memory.memory`). Saved with each memory directory."""

    key_dim: int = 2048  # sparse key size: R is key_dim x embedding dim
    value_dim: int = 128  # size of each chunk's +-1 code
    winners: int = 32  # non-zero entries per key
    rate_fast: float = 0.02  # decay per TOKENS_PER_STEP tokens read, fast state
    rate_slow: float = 0.0005  # the same for the slow state (40x slower)
    tokens_per_step: int = 256  # decay is per token read, counted in steps of this many tokens
    mix_every: int = 64  # chunks between fast/slow exchanges
    mix: tuple[float, float] = (0.05, 0.05)  # the convex exchange's weights (fast <- slow, slow <- fast)
    held_weight: float = 0.15  # lambda: weight of what the state still holds in the score
    relevant_within: float = 0.15  # candidates within this cosine of the best take part in settling versions
    same_slot: float = 0.2  # key overlap at which two chunks share state slots
    subject_link: float = 0.6  # cosine at which chunks naming nested sets of the query's terms are one subject
    change_share: float = 0.5  # an announced change names at least this share of what it revises (changes.py)
    seed: int = 1234  # of the random projection R
    lexical_weight: float = 0.2  # weight of the lexical match (BM25 / the query's best BM25) in the relevance
    answer_penalty: float = 0.2  # score an assistant's turn loses: answers rank below their evidence (memory.py)
    lexical_columns: tuple[float, float, float] = (1.0, 4.0, 8.0)  # BM25 weights of text, source path, symbol
    lexical_postings: int = 8192  # a lexical query reads its rarest terms up to this many chunks (lexical.py)
    version_dim: int = 16384  # version state's key size (lam_memory.versions)
    version_winners: int = 8  # non-zero entries of a slot's key
    chunk_tokens: int = 256  # largest chunk, in the memory's tokens (cl100k by default)
    candidates: int = 64  # chunks scored by the state per query
    link_df: int = 16  # a name links evidence to a statement if at most this many chunks hold it (1: no links)
    link_from: int = 16  # links start from the statements among this many most relevant candidates (a context's k)
    commit_every: int = 256  # chunks per archive transaction during ingest

    def to_json(self) -> dict:
        d = asdict(self)
        d["mix"], d["lexical_columns"] = list(self.mix), list(self.lexical_columns)
        return d

    @classmethod
    def from_json(cls, d: dict) -> MemoryConfig:
        """The config saved in meta.json; LAMError naming a field this version does not know."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known - _RETIRED)
        if unknown:
            raise LAMError(f"memory config has unknown fields {unknown} (saved by a newer lam-memory?)")
        d = {k: tuple(v) if isinstance(v, list) else v for k, v in d.items() if k not in _RETIRED}
        return cls(**d)

    def diff(self, other: MemoryConfig) -> list[str]:
        """Names of the fields that differ."""
        return [f.name for f in fields(self) if getattr(self, f.name) != getattr(other, f.name)]

    def __post_init__(self) -> None:
        positive = ("key_dim", "value_dim", "winners", "tokens_per_step", "mix_every", "chunk_tokens")
        positive += ("candidates", "commit_every", "version_dim", "version_winners", "link_df", "link_from")
        positive += ("lexical_postings",)
        for name in positive:
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise LAMError(f"MemoryConfig.{name} must be a positive integer, got {value!r}")
        if self.winners > self.key_dim or self.version_winners > self.version_dim:
            raise LAMError("MemoryConfig: winners cannot exceed key_dim, nor version_winners version_dim")
        for name in (
            "rate_fast",
            "rate_slow",
            "held_weight",
            "relevant_within",
            "same_slot",
            "lexical_weight",
            "subject_link",
            "change_share",
            "answer_penalty",
        ):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value >= 0 or value == float("inf"):
                raise LAMError(f"MemoryConfig.{name} must be a finite number >= 0, got {value!r}")
        if len(self.mix) != 2 or not all(isinstance(m, int | float) and 0 <= m <= 1 for m in self.mix):
            raise LAMError(f"MemoryConfig.mix must be two weights in [0, 1] (a convex exchange), got {self.mix!r}")
