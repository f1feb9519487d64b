"""The `code-lookup` family: find a definition in real code from its name, as grep or go-to-definition would.

Data: the newest vendored release of each `code-history` package (more-itertools, toolz, click: real code this
project did not write; `evals/data/code_history/`, licences beside the archives; `code-lookup-2`: those of
packaging, attrs, markdown and jinja2), chunked by `lam_memory.chunking.chunk_code`, the files in a seeded order.
One stream per seed, whatever `--sizes` says (about 150k cl100k tokens). Questions: a seeded sample of the
definitions (functions, methods and classes; the chunk that holds the `def` or `class` line), asked three ways, one
each:

- `name`: the qualified name alone (`Group.get_command`, or with its module: `toolz.itertoolz.sliding_window`);
- `bare`: the last name alone (`sliding_window`), only for names defined once in the stream;
- `mention`: the qualified name inside a question ("Where is `Group.get_command` defined?").

Gold: the definition's chunk; where the name as asked has other definitions (`Template` in two modules, a function
and its `@overload` stubs, `makeExtension` in every extension), each of them is a right answer too
(`Question.also`), as grep would list them all. `top_is_evidence` (the first hit is a definition of the name) is what
this family measures; recall says whether one is in the context at all.
"""

from __future__ import annotations

import random
from collections import Counter

from evals.memory.code_history import CODE_HISTORY, SECOND_HISTORY, load_release, module_of
from evals.memory.config import DEFAULT_CONFIG, SuiteConfig
from evals.memory.streams import Question, Stream
from lam_memory.chunking import chunk_code
from lam_memory.types import Chunk

QUESTIONS = 60  # per seed, a third of each kind
_MENTION = (
    "Where is `{name}` defined?",
    "What does {name} do?",
    "Show me the code of {name}.",
    "What arguments does `{name}` take?",
)


PACKAGE_SETS = {"code-lookup": CODE_HISTORY, "code-lookup-2": SECOND_HISTORY}  # the newest release of each is read


def _opens_definition(c: Chunk) -> bool:
    """The chunk holds a `def` / `class` line of its unit (a whole unit, a first part, or a long class's first
    piece); other named chunks (`f.__doc__ = ...`) are not definitions."""
    symbol, signature = c.meta.get("symbol"), c.meta.get("signature", "")
    head = signature.split("(")[0].rstrip(":")
    is_def = signature.startswith(("def ", "async def ", "class "))
    return bool(symbol) and is_def and c.meta.get("part", 1) == 1 and head in c.text


def _chunks(seed: int, config: SuiteConfig, family: str) -> list[Chunk]:
    packages = PACKAGE_SETS[family]
    files = [
        (f"{package}/{path}", text)
        for package, releases in packages.items()
        for path, text in load_release(package, releases[-1]).items()
    ]
    random.Random(f"{family}:{seed}").shuffle(files)
    out = []
    for path, text in files:
        for c in chunk_code(text, path.split("/", 1)[1], chunk_tokens=config.code_chunk_tokens):
            c.position = len(out)
            out.append(c)
    return out


def code_lookup_stream(
    seed: int = 0, config: SuiteConfig = DEFAULT_CONFIG, questions: int = QUESTIONS, family: str = "code-lookup"
) -> Stream:
    """The stream for `seed` (see the module doc); `family` `code-lookup-2` reads the second set of packages."""
    chunks = _chunks(seed, config, family)
    defs = [c for c in chunks if _opens_definition(c)]
    last = Counter(c.meta["symbol"].rsplit(".", 1)[-1] for c in defs)
    rng = random.Random(f"{family}-questions:{seed}")
    by_symbol: dict[str, list[Chunk]] = {}
    for c in defs:
        by_symbol.setdefault(c.meta["symbol"], []).append(c)
    out: list[Question] = []
    for c in rng.sample(defs, len(defs)):
        symbol = c.meta["symbol"]
        bare = symbol.rsplit(".", 1)[-1]
        kind = ("name", "bare", "mention")[len(out) % 3]
        if kind == "bare" and last[bare] > 1:
            continue  # a bare name defined twice has two right answers
        in_module = False
        if kind == "name":
            in_module = rng.random() >= 0.5
            query = f"{module_of(c.source)}.{symbol}" if in_module else symbol
        elif kind == "bare":
            query = bare
        else:
            query = rng.choice(_MENTION).format(name=symbol)
        also = [d.position for d in by_symbol[symbol] if d is not c and (d.source == c.source or not in_module)]
        meta = {"source": c.source}
        out.append(Question(query, kind, [c.position], c.meta.get("signature", symbol), meta=meta, also=also))
        if len(out) == questions:
            break
    return Stream(family, f"{family}-s{seed}", 0, chunks, out)
