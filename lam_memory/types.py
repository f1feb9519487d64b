"""Plain records shared by chunking, storage, search and context packing."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Chunk:
    """A unit of memory: a message, a code unit or a paragraph, with where it came from.

    Lines are 1-based and inclusive. `position` is the order of arrival in a memory (set on add).
    """

    text: str
    source: str
    start_line: int
    end_line: int
    kind: str = "text"  # "message" | "code" | "text"
    role: str | None = None
    position: int = -1
    meta: dict = field(default_factory=dict)

    @property
    def citation(self) -> str:
        return cite(self.source, self.start_line, self.end_line)


@dataclass
class Hit:
    """A search result. `score` is higher for better evidence; `position` is the chunk's id in its memory."""

    text: str
    source: str
    start_line: int
    end_line: int
    score: float
    position: int = -1
    kind: str = "text"
    role: str | None = None
    rank: int = 0  # 1 = best; 0 when not from a search
    superseded_by: str | None = None  # citation of the current version when the state says this one was replaced

    def to_json(self) -> dict:
        d = asdict(self)
        keys = ("source", "start_line", "end_line", "score", "rank", "superseded_by", "text")
        return {"id": self.position} | {k: d[k] for k in keys}

    @property
    def citation(self) -> str:
        return cite(self.source, self.start_line, self.end_line)


def cite(source: str, start_line: int, end_line: int) -> str:
    """How evidence is cited: `a.py:3-9`, or `chat.jsonl:7` for one line (a message), as grep prints a match."""
    return f"{source}:{start_line}" if start_line == end_line else f"{source}:{start_line}-{end_line}"


@dataclass
class Context:
    """Compressed context for a query: the packed text, its token count and the evidence used."""

    text: str
    tokens: int
    hits: list[Hit]

    def to_json(self) -> dict:
        return {"context": self.text, "tokens": self.tokens, "hits": [h.to_json() for h in self.hits]}
