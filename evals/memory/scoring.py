"""Scoring: every method ranks every question of every stream; rankings are packed and scored against the gold.

Per (family, size, method): each question's ranking is packed into the budget by `evals.memory.methods.pack`;
`recall` = gold chunks inside the packed context / all gold (micro-averaged over questions; `recall_macro` is the
mean of per-question recall); `latest_wins` (updates, revisions) = the latest statement ranks above every stale
one; `latest_in_context` = the latest statement is packed and no stale one is packed ahead of it; `top_is_evidence` =
the method's first chunk is a gold chunk (what a reader, or a model, sees first); `evidence_marked_stale` /
`marks_any` = the context marks some gold chunk / some chunk superseded (`lam-context` only: baselines make no marks);
`context_tokens` = mean packed tokens; `ingest_s` = mean seconds to ingest one stream from cold caches;
`query_ms` = mean milliseconds per `rank` call. A method with `full_context = True` is scored only on streams that
fit the budget, else reported as n/a. A method with `context(query, budget)` (`lam-context`) is scored on the
context it returns instead: its chunks are the packed ones, their order is the ranking, its tokens are its own.
"""

from __future__ import annotations

import dataclasses
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field

from evals.memory.babilong import babilong_samples, babilong_stream
from evals.memory.code_history import code_history_stream
from evals.memory.code_lookup import code_lookup_stream
from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.documents import documents_stream, readmes_stream
from evals.memory.filler import stdlib_root
from evals.memory.locomo import load_locomo, locomo_streams
from evals.memory.methods import Method, pack
from evals.memory.registry import BASELINES, make_factory
from evals.memory.streams import FAMILIES, Question, Stream, as_keywords, count_tokens, parse_sizes, size_label
from evals.memory.synthetic import synthetic_stream
from lam_memory import LAMError


def ranking_k(n_chunks: int, budget: int) -> int:
    """How many positions to ask a method for: enough to fill the budget even after skips."""
    return min(n_chunks, max(200, budget // 8))


def score_question(q: Question, ranked: list[int], packed: list[int], stale: Collection[int] = ()) -> dict:
    """Recall and latest-wins numbers of one question for one method; `stale`: the packed positions the method
    marks as superseded (`evidence_marked_stale`: some gold evidence among them, a false claim, since the gold of an
    update is its latest statement; `marks_any`: some chunk among them, a false claim where nothing was revised,
    as in documents read once)."""
    inside = set(packed)
    hits = sum(p in inside for p in q.gold)
    if q.also:  # several right answers: any one of them answers the question (`Question.also`)
        hits = min(len(q.gold), hits + sum(p in inside for p in q.also))
    right = {*q.gold, *q.also}
    out = {"hits": hits, "gold": len(q.gold) + q.missing, "top_is_evidence": bool(ranked) and ranked[0] in right}
    out["evidence_marked_stale"] = any(p in inside and p in stale for p in q.gold)
    out["marks_any"] = any(p in inside for p in stale)
    if q.stale:
        rank = {p: i for i, p in enumerate(ranked)}
        latest = q.gold[-1]
        r = rank.get(latest)
        out["latest_wins"] = r is not None and all(rank.get(s, len(ranked)) > r for s in q.stale)
        out["latest_in_context"] = latest in inside and not any(s in inside and rank[s] < r for s in q.stale)
    return out


def evaluate_stream(stream: Stream, methods: Sequence[Method], budget: int, cold: bool = True) -> dict[str, dict]:
    """Ingest `stream` into each method, rank and pack every question; returns per-method raw results."""
    total = stream.tokens()
    results = {}
    for m in methods:
        if getattr(m, "full_context", False) and total > budget:
            results[m.name] = {"na": True, "tokens": total}
            continue
        if cold and hasattr(m, "clear_cache"):
            m.clear_cache()
        if hasattr(m, "warmup"):
            m.warmup()
        t0 = time.perf_counter()
        m.ingest([dataclasses.replace(c, meta=dict(c.meta)) for c in stream.chunks])
        ingest = time.perf_counter() - t0
        per_q = [_ask(m, stream, q, budget) for q in stream.questions]
        results[m.name] = {"na": False, "ingest_s": ingest, "cold": cold, "questions": per_q, "tokens": total}
    return results


def _ask(m: Method, stream: Stream, q: Question, budget: int) -> dict:
    """One question to an ingested method: its ranking packed into `budget` (or, for a method with `context`, the
    context it builds, its chunks in its order standing for the ranking) and scored, with the query time."""
    t0 = time.perf_counter()
    own = m.context(q.query, budget) if hasattr(m, "context") else None
    ranked = list(own.positions if own is not None else m.rank(q.query, ranking_k(len(stream.chunks), budget)))
    ms = (time.perf_counter() - t0) * 1000
    if any(not (0 <= p < len(stream.chunks)) for p in ranked):
        raise LAMError(f"method {m.name} returned a position outside the stream")
    ranked = list(dict.fromkeys(ranked))
    packed = ranked if own is not None else pack([stream.chunks[p] for p in ranked], budget, count_tokens)
    s = score_question(q, ranked, packed, own.stale if own is not None else ())
    tokens = own.tokens if own is not None else sum(count_tokens(stream.chunks[p].text) for p in packed)
    s.update(ms=ms, tokens=tokens, kind=q.kind)
    return s


def iter_streams(
    families: Sequence[str], sizes: Sequence[int], seed: int, config: SuiteConfig = DEFAULT_CONFIG
) -> Iterator[tuple[str, int, Stream, bool]]:
    """(family, size, stream, cold) in run order; `cold` is False for BABILong samples after the first of a size
    (they share the filler text, so caches of content-keyed embeddings are kept)."""
    for fam in families:
        if fam == "synthetic":
            for size in sizes:
                yield fam, size, synthetic_stream(size, seed, config=config), True
        elif fam == "babilong":
            for size in sizes:
                n = max(1, min(config.babilong_samples, config.babilong_token_cap // size))
                first = True
                for task in config.babi_tasks:
                    for sample in babilong_samples(task, n):
                        yield fam, size, babilong_stream(sample, size, seed, config), first
                        first = False
        elif fam == "locomo":
            for s in locomo_streams():
                yield fam, 0, s, True
        elif fam in ("code-history", "code-history-2"):
            for size in sizes:
                yield fam, size, code_history_stream(size, seed, config, family=fam), True
        elif fam in ("code-lookup", "code-lookup-2"):  # one stream whatever the sizes: the newest releases whole
            yield fam, 0, code_lookup_stream(seed, config, family=fam), True
        elif fam == "documents":  # one stream whatever the sizes: the reference whole
            yield fam, 0, documents_stream(seed, config), True
        elif fam == "readmes":  # one stream whatever the sizes: the READMEs whole
            yield fam, 0, readmes_stream(seed, config), True
        else:
            raise LAMError(f"unknown family {fam!r} (choose from {', '.join(FAMILIES)})")


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


@dataclass
class _Acc:
    """The raw results of one (family, size, method) over its streams."""

    hits: int = 0
    gold: int = 0
    q_recall: list[float] = field(default_factory=list)
    wins: list[bool] = field(default_factory=list)
    in_ctx: list[bool] = field(default_factory=list)
    top: list[bool] = field(default_factory=list)
    marked: list[bool] = field(default_factory=list)
    marks_any: list[bool] = field(default_factory=list)
    ctx_tokens: list[int] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)
    ingest_s: list[float] = field(default_factory=list)
    kinds: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    streams: int = 0
    stream_tokens: list[int] = field(default_factory=list)
    na: int = 0

    def add(self, r: dict) -> None:
        """One stream's result of `evaluate_stream` for this method."""
        self.stream_tokens.append(r["tokens"])
        if r["na"]:
            self.na += 1
            return
        self.streams += 1
        if r["cold"]:
            self.ingest_s.append(r["ingest_s"])
        for s in r["questions"]:
            self.hits += s["hits"]
            self.gold += s["gold"]
            if s["gold"]:
                self.q_recall.append(s["hits"] / s["gold"])
            kk = self.kinds[s["kind"]]
            kk[0] += s["hits"]
            kk[1] += s["gold"]
            if "latest_wins" in s:
                self.wins.append(s["latest_wins"])
                self.in_ctx.append(s["latest_in_context"])
            self.top.append(s["top_is_evidence"])
            self.marked.append(s["evidence_marked_stale"])
            self.marks_any.append(s["marks_any"])
            self.ctx_tokens.append(s["tokens"])
            self.query_ms.append(s["ms"])

    def row(self, fam: str, size: int, name: str) -> dict:
        """The result row (JSON-able)."""
        tokens = _mean(self.stream_tokens)
        row = {
            "family": fam,
            "size": size or (round(tokens) if tokens else 0),
            "size_label": size_label(size) if size else "fixed",  # LoCoMo, code-lookup, documents: their own length
            "method": name,
            "recall": (self.hits / self.gold) if self.gold else None,
            "recall_macro": _mean(self.q_recall),
            "latest_wins": _mean(self.wins) if self.wins else None,
            "latest_in_context": _mean(self.in_ctx) if self.in_ctx else None,
            "top_is_evidence": _mean(self.top),
            "evidence_marked_stale": _mean(self.marked),
            "marks_any": _mean(self.marks_any),
            "context_tokens": _mean(self.ctx_tokens),
            "ingest_s": _mean(self.ingest_s),
            "query_ms": _mean(self.query_ms),
            "questions": len(self.ctx_tokens),
            "streams": self.streams,
            "stream_tokens": round(tokens) if tokens else None,
            "by_kind": {kd: (h / g if g else None) for kd, (h, g) in sorted(self.kinds.items())},
            "na_streams": self.na,
        }
        if self.streams == 0:
            row["recall"] = None  # n/a (full context that never fits the budget)
        return row


def run_suite(
    methods_factory: Callable[[], Sequence[Method]] | None = None,
    config: SuiteConfig = DEFAULT_CONFIG,
    seed: int = 0,
    families: Sequence[str] = FAMILIES,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Run every family at every size of `config` with fresh methods per stream (the baselines unless
    `methods_factory` is given); returns a JSON-able result:
    {"budget", "seed", "sizes", "families", "rows": [{"family", "size", "method", "recall", "latest_wins", ...}],
    "queries", "meta"}."""
    sizes = parse_sizes(config.sizes)
    if config.budget <= 0:
        raise LAMError("budget must be a positive number of tokens")
    if config.queries not in ("questions", "keywords"):
        raise LAMError(f"queries must be questions or keywords, not {config.queries!r}")
    factory = methods_factory or make_factory(BASELINES, config)
    accs: dict[tuple[str, int, str], _Acc] = {}  # in order of first appearance: the order of the rows
    sources: dict[str, dict] = {}
    for fam, size, stream, cold in iter_streams(families, sizes, seed, config):
        if stream.meta:
            sources[stream.name] = stream.meta
        if config.queries == "keywords":
            stream = dataclasses.replace(
                stream, questions=[dataclasses.replace(q, query=as_keywords(q.query)) for q in stream.questions]
            )
        if progress:
            progress(f"{stream.name}: {len(stream.chunks)} chunks, {len(stream.questions)} questions")
        for name, r in evaluate_stream(stream, list(factory()), config.budget, cold).items():
            accs.setdefault((fam, size, name), _Acc()).add(r)
    rows = [a.row(fam, size, name) for (fam, size, name), a in accs.items()]
    return {
        "budget": config.budget,
        "seed": seed,
        "sizes": sizes,
        "families": list(families),
        "rows": rows,
        "queries": config.queries,
        "meta": _meta(families) | ({"streams": sources} if sources else {}),
    }


def _meta(families: Sequence[str]) -> dict:
    """Where the run's text came from: the Python version and standard library, LoCoMo's counts."""
    meta: dict = {"python": sys.version.split()[0], "stdlib": str(stdlib_root())}
    if "locomo" in families:
        convs = load_locomo()
        meta["locomo"] = {
            "conversations": len(convs),
            "turns": sum(len(c.chunks) for c in convs),
            "qa": sum(c.qa_total for c in convs),
            "questions": sum(len(c.questions) for c in convs),
            **{f"evidence_{k}": sum(c.evidence[k] for c in convs) for k in ("ids", "malformed", "unresolved")},
        }
    return meta
