"""The memory suite's methods by name: `METHODS` maps each to a factory of a fresh instance (`register` adds one).
The baselines come from `evals.memory.methods`; the LAM factory imports torch and the encoder only when called."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.methods import BM25, DenseMiniLM, FullContext, Grep, HybridRRF, Method, Recency, bm25_ident
from lam_memory import LAMError

MethodFactory = Callable[[SuiteConfig], Method]
METHODS: dict[str, MethodFactory] = {}
"""name -> factory of a fresh instance; with no methods named, the suite runs them all in this order."""
BASELINES = ("recency", "bm25", "dense-minilm", "full")


def register(name: str) -> Callable[[MethodFactory], MethodFactory]:
    """Decorator: `factory(config) -> Method` becomes the method `name` of the suite."""

    def add(factory: MethodFactory) -> MethodFactory:
        METHODS[name] = factory
        return factory

    return add


@register("recency")
def _recency(config: SuiteConfig) -> Method:
    return Recency()


@register("bm25")
def _bm25(config: SuiteConfig) -> Method:
    return BM25()


@register("bm25-ident")
def _bm25_ident(config: SuiteConfig) -> Method:
    return bm25_ident()


@register("grep")
def _grep(config: SuiteConfig) -> Method:
    return Grep()


@register("dense-minilm")
def _dense_minilm(config: SuiteConfig) -> Method:
    return DenseMiniLM(config.minilm_batch, config.embed_cache_max)


@register("hybrid-rrf")
def _hybrid_rrf(config: SuiteConfig) -> Method:
    return HybridRRF(config.minilm_batch, config.embed_cache_max)


@register("full")
def _full(config: SuiteConfig) -> Method:
    return FullContext()


@register("lam")
def _lam(config: SuiteConfig) -> Method:
    from evals.memory.lam import LAMMethod  # torch and the LAM encoder load here, not when methods are listed

    return LAMMethod(config.embed_cache_max)


@register("lam-context")
def _lam_context(config: SuiteConfig) -> Method:
    from evals.memory.lam import LAMContextMethod

    return LAMContextMethod(config.embed_cache_max)


def make_factory(
    names: Sequence[str] | None = None, config: SuiteConfig = DEFAULT_CONFIG
) -> Callable[[], list[Method]]:
    """A factory of fresh instances of the registered methods (all, or those named), built with `config`."""
    chosen = list(METHODS) if not names else list(names)
    unknown = [n for n in chosen if n not in METHODS]
    if unknown:
        raise LAMError(f"unknown method(s) {', '.join(unknown)} (choose from {', '.join(METHODS)})")
    return lambda: [METHODS[n](config) for n in chosen]
