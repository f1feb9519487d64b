"""`lam eval memory`: long-context memory tasks, scored for every method through one context packer.

Families (every generator is deterministic for a seed: same seed, byte-identical chunks and questions):

- `synthetic`: a transcript + code stream of a target size (cl100k tokens) built from the Python standard library
  that runs this process (code chunked by `lam_memory.chunking.chunk_code`; user/assistant turns asking about
  documented functions, answered with their docstrings), with planted items carried by user messages (the fact
  sentence, often inside a few sentences of docstring chatter, sometimes acknowledged) or code pastes:
  needles (one unique fact), knowledge updates (a value stated, then changed 2-4 times at spread-out positions;
  gold = the latest statement, the older ones are "stale"), code revisions (a function pasted, then rewritten 1-2
  times; gold = the latest version), multi-hop (two facts that only together answer; gold = both). Every asked
  entity also appears in a distractor message that answers nothing, and needles, updates and multi-hop facts get
  decoys: the same kind of fact about an entity no question asks about.
- `babilong`: bAbI qa1-qa3 test questions (the BABILong 100-sample subset, `babilong/test_100_idxs.json`), each one a
  stream of its own: the story's facts inserted sentence by sentence, at seeded random places, into standard-library
  docstring prose of the target size, as BABILong does with PG-19. Chunks are prose paragraphs; gold = the
  paragraphs holding the supporting facts. The standard library holds only about 200k tokens of such prose: past
  that the filler repeats (the same sentences again, files in a new seeded order). Each sample is its own stream,
  so the number of samples per task is capped (`BABILONG_SAMPLES`, and `BABILONG_TOKEN_CAP` tokens per task and
  size: 4 samples per task at 1m).
- `locomo`: the 10 LoCoMo conversations, one chunk per turn (`"[session date] Speaker: text"`, in session then turn
  order; image captions left out), questions of categories 1-4; gold = the evidence turns. This format reproduces
  the anchor in shared/data/SOURCES.md (BM25 0.432, recency 0.008 at 500 tokens). Evidence ids are parsed
  leniently (`D30:05` -> `D30:5`, `D:11:26` -> `D11:26`, `"D8:6; D9:17"` -> two turns); ids naming no turn count
  as gold that is never recalled.

Scoring, per (family, size, method): each question's ranking is packed into the budget by `baselines.pack`;
`recall` = gold chunks inside the packed context / all gold (micro-averaged over questions; `recall_macro` is the
mean of per-question recall); `latest_wins` (updates, revisions) = the latest statement ranks above every stale
one; `latest_in_context` = the latest statement is packed and no stale one is packed ahead of it;
`context_tokens` = mean packed tokens; `ingest_s` = mean seconds to ingest one stream from cold caches;
`query_ms` = mean milliseconds per `rank` call. A method with `full_context = True` is scored only on streams that
fit the budget, else reported as n/a.

Sizes: `32k` = 32 * 1024 tokens, `1m` = 1024 * 1024 tokens.
"""

from __future__ import annotations

import ast
import dataclasses
import gzip
import hashlib
import inspect
import json
import os
import random
import re
import sys
import sysconfig
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from evals.baselines import Method, count_tokens, default_methods, pack
from lam_memory import LAMError
from lam_memory.types import Chunk

FAMILIES = ("synthetic", "babilong", "locomo")
DEFAULT_SIZES = "32k,128k"
DEFAULT_BUDGET = 500
BABI_TASKS = ("qa1", "qa2", "qa3")
BABILONG_SAMPLES = 20  # per task and size: the first N of the BABILong 100-sample list
BABILONG_TOKEN_CAP = 4 * 1024 * 1024  # per task and size: fewer samples at sizes where N streams would exceed this
CODE_MAX_TOKENS = 256
CHATTER_TOKENS = 20_000  # docstring prose that surrounds planted facts in their messages
PROSE_MAX_TOKENS = 120
LOCOMO_CATEGORIES = {1: "multi-hop", 2: "temporal", 3: "open-domain", 4: "single-hop"}

# Extra methods registered by other modules (the lead registers "lam"): name -> factory of a fresh instance.
EXTRA_METHODS: dict[str, Callable[[], Method]] = {}


# ----------------------------------------------------------------------------------------------------------- records


@dataclass
class Question:
    """A question over one stream. `gold`: chunk positions of the evidence (for updates/revisions the latest
    statement only); `stale`: superseded statements; `missing`: gold evidence that names no chunk (never recalled)."""

    query: str
    kind: str
    gold: list[int]
    answer: str
    stale: list[int] = field(default_factory=list)
    missing: int = 0
    meta: dict = field(default_factory=dict)


@dataclass
class Stream:
    family: str
    name: str
    size: int  # nominal size in tokens (LoCoMo: 0, the conversation's own length)
    chunks: list[Chunk]
    questions: list[Question]

    def tokens(self) -> int:
        return sum(count_tokens(c.text) for c in self.chunks)

    def digest(self) -> str:
        """sha256 of the canonical JSON of chunks and questions (determinism checks)."""
        data = {
            "chunks": [dataclasses.asdict(c) for c in self.chunks],
            "questions": [dataclasses.asdict(q) for q in self.questions],
        }
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def parse_size(spec: str | int) -> int:
    """`32k` -> 32768, `1m` -> 1048576, `5000` -> 5000."""
    if isinstance(spec, int):
        n = spec
    else:
        m = re.fullmatch(r"\s*(\d+)\s*([kKmM]?)\s*", spec)
        if not m:
            raise LAMError(f"bad size {spec!r}: use e.g. 32k, 128k, 1m or a token count")
        n = int(m.group(1)) * {"": 1, "k": 1024, "m": 1024 * 1024}[m.group(2).lower()]
    if n < 1024:
        raise LAMError(f"size {spec!r} is too small: at least 1k tokens")
    return n


def parse_sizes(spec: str | Sequence) -> list[int]:
    items = spec.split(",") if isinstance(spec, str) else list(spec)
    sizes = [parse_size(s) for s in items if str(s).strip()]
    if not sizes:
        raise LAMError("no sizes given (e.g. --sizes 32k,128k)")
    return sizes


def size_label(n: int) -> str:
    if n and n % (1024 * 1024) == 0:
        return f"{n // (1024 * 1024)}m"
    if n and n % 1024 == 0:
        return f"{n // 1024}k"
    return str(n)


def _shared_data() -> Path:
    from evals.data import shared_dir

    return shared_dir() / "data"


# ---------------------------------------------------------------------------------------------- standard library text

_SKIP_DIRS = {
    "test",
    "tests",
    "idlelib",
    "lib2to3",
    "site-packages",
    "dist-packages",
    "turtledemo",
    "ensurepip",
    "pydoc_data",
    "encodings",
    "__pycache__",
    "__phello__",
}


def stdlib_root() -> Path:
    return Path(sysconfig.get_paths()["stdlib"])


@lru_cache(maxsize=1)
def _stdlib_sorted() -> tuple[str, ...]:
    root = stdlib_root()
    out = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x not in _SKIP_DIRS and not x.startswith("config-"))
        for f in files:
            p = Path(d, f)
            if f.endswith(".py") and 1_000 <= p.stat().st_size <= 400_000:
                out.append(p.relative_to(root).as_posix())
    if not out:
        raise LAMError(f"no Python standard library sources found under {root}")
    return tuple(sorted(out))


def stdlib_files(seed: int, round_: int = 0) -> list[str]:
    """The standard library's .py files (relative paths), sorted, then shuffled by `seed` (and pass `round_`)."""
    files = list(_stdlib_sorted())
    random.Random(f"stdlib-files:{seed}:{round_}").shuffle(files)
    return files


@lru_cache(maxsize=1024)
def _stdlib_text(rel: str) -> str:
    return (stdlib_root() / rel).read_text(encoding="utf-8", errors="replace")


def _parse(text: str) -> ast.Module | None:
    import warnings

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(text)
    except (SyntaxError, ValueError, RecursionError):
        return None


@lru_cache(maxsize=1024)
def _docstrings(rel: str) -> dict[str, str]:
    """qualname -> cleaned docstring of the module's top-level functions/classes and class methods."""
    tree = _parse(_stdlib_text(rel))
    out: dict[str, str] = {}
    if tree is None:
        return out
    defs = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    for node in tree.body:
        if isinstance(node, defs):
            if doc := ast.get_docstring(node):
                out[node.name] = doc
            if isinstance(node, ast.ClassDef):
                for sub in node.body:
                    if isinstance(sub, defs) and (doc := ast.get_docstring(sub)):
                        out[f"{node.name}.{sub.name}"] = doc
    return out


@lru_cache(maxsize=1024)
def _code_chunks(rel: str) -> tuple[Chunk, ...]:
    try:
        from lam_memory.chunking import chunk_code
    except ImportError:  # pragma: no cover - the library's chunker is part of the repo
        chunk_code = None
    text = _stdlib_text(rel)
    if chunk_code is not None:
        return tuple(chunk_code(text, f"stdlib/{rel}", "python", max_tokens=CODE_MAX_TOKENS))
    lines = text.split("\n")
    return tuple(
        Chunk("\n".join(lines[i : i + 30]), f"stdlib/{rel}", i + 1, min(i + 30, len(lines)), kind="code")
        for i in range(0, len(lines), 30)
    )


def _prose_paragraphs(doc: str) -> list[str]:
    """Plain prose paragraphs of a docstring (no indented blocks, doctests or tables), lines joined."""
    out = []
    for para in re.split(r"\n\s*\n", inspect.cleandoc(doc)):
        lines = para.split("\n")
        if any(
            ln.startswith((" ", "\t")) or ">>>" in ln or ln.strip().startswith(("-", "*", "=", "+", "|"))
            for ln in lines
        ):
            continue
        text = " ".join(ln.strip() for ln in lines).strip()
        letters = sum(ch.isalpha() or ch == " " for ch in text)
        if len(text) >= 40 and letters >= 0.8 * len(text):
            out.append(text)
    return out


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")


@lru_cache(maxsize=1024)
def _doc_sentences(rel: str) -> tuple[str, ...]:
    tree = _parse(_stdlib_text(rel))
    if tree is None:
        return ()
    docs = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            if doc := ast.get_docstring(node):
                docs.append((getattr(node, "lineno", 0), doc))
    out = []
    for _, doc in sorted(docs, key=lambda d: d[0]):
        for para in _prose_paragraphs(doc):
            for s in _SENTENCE_END.split(para):
                s = s.strip()
                if s[:1].isupper() and s[-1:] in ".!?" and len(s.split()) >= 6 and count_tokens(s) <= 80:
                    out.append(s)
    return tuple(out)


def _doc_answer(doc: str, max_tokens: int = 160) -> str:
    """The first prose paragraphs of a docstring, up to about `max_tokens`."""
    paras = _prose_paragraphs(doc) or [" ".join(inspect.cleandoc(doc).split())]
    out = []
    for p in paras:
        if out and count_tokens(" ".join(out + [p])) > max_tokens:
            break
        out.append(p)
    text = " ".join(out)
    if count_tokens(text) > max_tokens:
        from lam_memory.tokens import decode_tokens, encode_tokens

        text = decode_tokens(encode_tokens(text)[:max_tokens]).rstrip() + " ..."
    return text


# ------------------------------------------------------------------------------------------------- synthetic stream

_FIRST = (
    "Alice Bruno Chen Dana Emeka Farah Goran Hana Ivan Jun Kira Luis Maya Nikos Olga Priya Quentin Rosa Sven Tariq "
    "Uma Viktor Wen Ximena Yusuf Zoe Amara Bjorn Carmen Dmitri Elif Fabio"
).split()
_LAST = (
    "Novak Okafor Lindqvist Tanaka Moreau Haddad Kowalski Ferreira Nakamura Petrov Silva Jensen Rahman Costa Weber "
    "Ibrahim Duarte Holm Varga Sato"
).split()
_SERVICES = (
    "billing payments search inventory checkout shipping notifications auth reporting analytics catalog pricing "
    "ledger onboarding recommendations invoicing gateway scheduler"
).split()
_PROJECTS = (
    "Falcon Heron Juniper Kestrel Lantern Marlin Nimbus Orchid Pelican Quartz Raven Sequoia Tundra Umbra Vortex "
    "Willow Aurora Basalt Cobalt Dune"
).split()
_PLACES = "Lisbon Oslo Nairobi Osaka Denver Krakow Lyon Quito Tallinn Perth Dublin Porto Seville Bergen".split()
_DATABASES = "PostgreSQL MySQL Cassandra MongoDB Redis DynamoDB CockroachDB SQLite ClickHouse Neo4j MariaDB".split()
_CI = ["Jenkins", "GitHub Actions", "GitLab CI", "CircleCI", "Buildkite", "TeamCity", "Drone CI", "Travis CI"]
_REGIONS = "eu-west-1 eu-central-1 us-east-1 us-east-2 us-west-2 ap-southeast-1 ap-northeast-1 sa-east-1".split()
_REGIONS += "ca-central-1 eu-north-1 ap-south-1 af-south-1".split()
_DAYS = "Monday Tuesday Wednesday Thursday Friday".split()
_WORDS = "amber birch cedar delta ember fjord garnet harbor indigo jasper kelp lumen maple onyx prism".split()
_LEADS = ("", "", "Before I forget: ", "For the record: ", "Quick note: ", "FYI: ", "One more thing. ")
_ACKS = ("Noted.", "Got it, thanks.", "Thanks, I'll keep that in mind.", "Understood.")
_UPDATE_PHRASES = (
    "Update: the {attr} is now {v}.",
    "We changed the {attr} to {v}.",
    "Heads up, the {attr} has been changed to {v}.",
    "Correction: the {attr} should be {v} from now on.",
    "After today's review the {attr} is {v}.",
)


@dataclass
class _Plant:
    """A planted item: units (lists of entries) placed between filler units; `key[i]` is the index of the entry of
    unit i holding the fact. Entries: ("msg", role, content) or ("code", source, text)."""

    kind: str
    query: str
    answer: str
    units: list[list[tuple]]
    key: list[int]
    spread: bool  # units in successive segments of the stream (updates, revisions) or independently placed
    latest_only: bool  # gold = last unit (stale = the others) or all units


_DISTRACTORS = {
    "service": (
        "The {e} service dashboard was slow this morning.",
        "Can someone review the open pull request for the {e} service?",
        "The {e} team moved its stand-up to the afternoon.",
        "We should add more integration tests to the {e} service.",
    ),
    "person": (
        "{e} reviewed the pull request for the parser.",
        "{e} is out of office on Friday.",
        "{e} asked about the release notes.",
    ),
    "project": (
        "The {e} project demo went well.",
        "Project {e} needs a new logo.",
        "The {e} project roadmap was shared in the channel.",
    ),
    "place": ("The {e} office is closed for the holiday.", "New monitors arrived at the {e} office."),
    "function": (
        "The tests for `{e}` are flaky again.",
        "Who owns `{e}`? It has no usage examples.",
        "`{e}` shows up in the profiler output.",
    ),
}


class _Planter:
    """Seeded state shared by the planted-item generators: the rng, a pool of people, docstring sentences for the
    chatter that surrounds a fact in its message, and the distractor messages collected on the way."""

    def __init__(self, rng: random.Random, chatter: Sequence[str]):
        self.rng = rng
        self.people = _Pool(rng, [f"{f} {last}" for f in _FIRST for last in _LAST])
        self.projects = _Pool(rng, _PROJECTS)  # shared: no two items (or decoys) name the same project
        self.chatter = chatter
        self.distractors: list[_Plant] = []

    def prose(self) -> str:
        """Nothing (a third of the time) or 1-3 consecutive docstring sentences."""
        if not self.chatter or self.rng.random() < 1 / 3:
            return ""
        i = self.rng.randrange(len(self.chatter))
        return " ".join(self.chatter[i : i + self.rng.randint(1, 3)])

    def fact_unit(self, sentence: str, lead: bool = True) -> tuple[list[tuple], int]:
        """A user message carrying `sentence` (maybe after a lead-in, maybe inside chatter), maybe acknowledged."""
        fact, extra = (self.rng.choice(_LEADS) if lead else "") + sentence, self.prose()
        text = fact if not extra else (f"{fact} {extra}" if self.rng.random() < 0.5 else f"{extra} {fact}")
        unit = [("msg", "user", text, sentence)]
        if self.rng.random() < 0.5:
            unit.append(("msg", "assistant", self.rng.choice(_ACKS)))
        return unit, 0

    def decoy(self, sentence: str) -> None:
        """A fact of the same form as a planted one, about an entity no question asks about."""
        unit, key = self.fact_unit(sentence)
        self.distractors.append(_Plant("distractor", "", "", [unit], [key], False, False))

    def distract(self, kind: str, entity: str) -> None:
        """A message that names `entity` but answers nothing."""
        text = self.rng.choice(_DISTRACTORS[kind]).format(e=entity)
        self.distractors.append(_Plant("distractor", "", "", [[("msg", "user", text)]], [0], False, False))


class _Pool:
    """Draws without replacement from a seeded shuffle of `items` (refills with a suffix when exhausted)."""

    def __init__(self, rng: random.Random, items: Iterable[str]):
        self.rng, self.items, self.round, self.left = rng, list(items), 0, []

    def take(self) -> str:
        if not self.left:
            self.left = self.items[:]
            self.rng.shuffle(self.left)
            self.round += 1
        x = self.left.pop()
        return x if self.round == 1 else f"{x}{self.round}"


def _needle(p: _Planter, t: int, pools: dict[str, _Pool]) -> tuple[str, str, str, tuple[str, str]]:
    """(fact, question, answer, (entity kind, entity)) of needle template `t` with a fresh entity."""
    rng = p.rng
    if t == 0:
        place, code = pools["place"].take(), f"{rng.randrange(1000, 10000)}"
        fact = f"The door code for the {place} storage room is {code}."
        return fact, f"What is the door code for the {place} storage room?", code, ("place", place)
    if t == 1:
        person, num = p.people.take(), f"{rng.randrange(100000, 1000000)}"
        fact = f"{person}'s employee badge number is {num}."
        return fact, f"What is {person}'s employee badge number?", num, ("person", person)
    if t == 2:
        svc, space = pools["service"].take(), f"{rng.choice(_WORDS).upper()}-{rng.randrange(100, 1000)}"
        fact = f"The {svc} team keeps its incident runbook in the wiki space {space}."
        return fact, f"In which wiki space does the {svc} team keep its incident runbook?", space, ("service", svc)
    if t == 3:
        proj, when = pools["project"].take(), f"{rng.choice(_DAYS)} at {rng.randrange(9, 17)}:30"
        fact = f"The weekly sync for project {proj} is on {when}."
        return fact, f"When is the weekly sync for project {proj}?", when, ("project", proj)
    svc = pools["service"].take()
    bucket = f"s3://{svc}-audit-{rng.choice(_WORDS)}-{rng.randrange(10, 100)}"
    fact = f"The {svc} service writes its audit logs to the bucket {bucket}."
    return fact, f"Which bucket does the {svc} service write its audit logs to?", bucket, ("service", svc)


def _needles(p: _Planter, n: int) -> list[_Plant]:
    """Needles; each also gets a decoy (the same template about another entity) and a distractor naming it."""
    pools = {"place": _Pool(p.rng, _PLACES), "service": _Pool(p.rng, _SERVICES), "project": p.projects}
    out = []
    for i in range(n):
        fact, q, a, entity = _needle(p, i % 5, pools)
        unit, key = p.fact_unit(fact)
        out.append(_Plant("needle", q, a, [unit], [key], spread=False, latest_only=False))
        p.distract(*entity)
        p.decoy(_needle(p, i % 5, pools)[0])
    return out


def _updates(p: _Planter, n: int) -> list[_Plant]:
    rng = p.rng
    attrs = (
        ("retry timeout for the {s} service", lambda: f"{rng.choice([5, 10, 15, 20, 30, 45, 60, 90, 120])} seconds"),
        ("on-call engineer for the {s} service", p.people.take),
        ("deployment region of the {s} service", lambda: rng.choice(_REGIONS)),
        ("maximum batch size of the {s} ingest worker", lambda: str(rng.choice([16, 32, 64, 128, 256, 512, 1024]))),
        ("rate limit of the {s} public API", lambda: f"{rng.randrange(1, 40) * 50} requests per minute"),
    )
    svcs = [_Pool(rng, _SERVICES) for _ in attrs]
    out = []
    for i in range(n):
        t = i % len(attrs)
        svc = svcs[t].take()
        attr = attrs[t][0].format(s=svc)
        p.distract("service", svc)
        values: list[str] = []
        m = rng.randint(3, 5)  # stated, then changed 2-4 times
        while len(values) < m:
            v = attrs[t][1]()
            if v not in values:
                values.append(v)
        units, keys = [], []
        for j, v in enumerate(values):
            stmt = f"The {attr} is {v}." if j == 0 else rng.choice(_UPDATE_PHRASES).format(attr=attr, v=v)
            unit, key = p.fact_unit(stmt, lead=j == 0)
            units.append(unit)
            keys.append(key)
        out.append(_Plant("update", f"What is the current {attr}?", values[-1], units, keys, True, True))
        p.decoy(f"The {attrs[t][0].format(s=svcs[t].take())} is {attrs[t][1]()}.")  # same setting, other service
    return out


def _function_version(rng: random.Random, template: int, name: str) -> tuple[str, str]:
    """Source of one version of a function and the line that tells versions apart."""
    if template == 0:
        t, m, r = rng.randrange(1, 50), rng.choice([0.5, 0.75, 1.25, 1.5, 2.0, 2.5]), rng.randrange(0, 4)
        key = f"            total += v * {m}"
        code = (
            f"def {name}(values, threshold={t}):\n"
            f'    """Weighted total of the values above the threshold."""\n'
            f"    total = 0.0\n    for v in values:\n        if v > threshold:\n{key}\n"
            f"    return round(total, {r})\n"
        )
        return code, f"threshold={t}; total += v * {m}; round(total, {r})"
    if template == 1:
        b, f, cap = rng.choice([0.1, 0.25, 0.5, 1.0, 2.0]), rng.choice([1.5, 2, 3]), rng.choice([10, 30, 60, 120, 300])
        jitter = rng.choice(["", "    delay += random.uniform(0, base)\n"])
        code = (
            f"def {name}(attempt, base={b}):\n"
            f'    """Seconds to wait before retry number `attempt`."""\n'
            f"    delay = base * ({f} ** attempt)\n{jitter}"
            f"    return min(delay, {cap})\n"
        )
        return code, f"base={b}; delay = base * ({f} ** attempt); min(delay, {cap})"
    if template == 2:
        case, a, b, n = (
            rng.choice(["upper", "lower"]),
            rng.choice("-_ ./"),
            rng.choice(["", "-", "_"]),
            rng.randrange(6, 17),
        )
        code = (
            f"def {name}(code):\n"
            f'    """Normalise a code before lookups."""\n'
            f"    code = code.strip().{case}()\n"
            f"    code = code.replace({a!r}, {b!r})\n"
            f"    return code[:{n}]\n"
        )
        return code, f"{case}(); replace({a!r}, {b!r}); code[:{n}]"
    grace, rate = rng.randrange(0, 15), rng.choice([0.001, 0.002, 0.005, 0.01, 0.02])
    cap = rng.choice(["", f"    fee = min(fee, amount * {rng.choice([0.1, 0.2, 0.25])})\n"])
    code = (
        f"def {name}(amount, days_late):\n"
        f'    """Fee charged for a late payment."""\n'
        f"    if days_late <= {grace}:\n        return 0\n"
        f"    fee = amount * {rate} * days_late\n{cap}"
        f"    return round(fee, 2)\n"
    )
    return code, f"days_late <= {grace}; amount * {rate} * days_late" + ("; capped" if cap else "")


_REVISION_NOUNS = (
    ("cart_total", "risk_score", "order_weight", "basket_value"),
    ("retry_delay", "backoff", "poll_interval", "reconnect_wait"),
    ("sku_code", "coupon_code", "region_code", "tracking_id"),
    ("late_fee", "overdue_charge", "penalty", "storage_fee"),
)


def _revisions(p: _Planter, n: int) -> list[_Plant]:
    rng = p.rng
    verbs = ["compute", "normalize", "estimate", "get", "adjust", "resolve", "derive", "calc"]
    names = [_Pool(rng, [f"{v}_{o}" for v in verbs for o in nouns]) for nouns in _REVISION_NOUNS]
    svcs = _Pool(rng, _SERVICES)
    out = []
    for i in range(n):
        template = i % 4
        name = names[template].take()
        path = f"workspace/{svcs.take()}/{name.split('_', 1)[1]}.py"
        versions: list[tuple[str, str]] = []
        m = rng.randint(2, 3)  # pasted, then rewritten once or twice
        while len(versions) < m:
            code, answer = _function_version(rng, template, name)
            if all(code != c for c, _ in versions):
                versions.append((code, answer))
        units = []
        for j, (code, _) in enumerate(versions):
            intro = (
                f"I added `{name}` to {path}:"
                if j == 0
                else rng.choice(
                    [
                        f"I rewrote `{name}` in {path}, here is the new version:",
                        f"Updated `{name}` in {path} after review:",
                        f"New implementation of `{name}` ({path}):",
                    ]
                )
            )
            units.append([("msg", "user", intro), ("code", path, code)])
        q = f"What is the current implementation of `{name}` in {path}?"
        p.distract("function", name)
        out.append(_Plant("revision", q, versions[-1][1], units, [1] * len(units), True, True))
    return out


_HOP1 = ("{x} works on project {p}.", "{x} has joined the {p} project.", "{x} is now a developer on project {p}.")
_HOP2 = (
    ("The {p} project's database is {v}.", "Which database does {x}'s project use?", _DATABASES),
    ("The {p} project runs its builds on {v}.", "Which CI system runs the builds of {x}'s project?", _CI),
    ("The {p} project is hosted in the {v} region.", "In which region is {x}'s project hosted?", _REGIONS),
)


def _multihop(p: _Planter, n: int) -> list[_Plant]:
    """Person -> project -> attribute chains; decoys state the same attribute for two projects nobody asks about."""
    rng = p.rng
    projs = p.projects
    out = []
    for i in range(n):
        person, proj = p.people.take(), f"{projs.take()}-{rng.randrange(10, 100)}"
        hop2_t, q_t, values = _HOP2[i % 3]
        val = rng.choice(values)
        p.distract("person", person)
        p.distract("project", proj)
        for _ in range(2):
            p.decoy(hop2_t.format(p=f"{projs.take()}-{rng.randrange(10, 100)}", v=rng.choice(values)))
        (u1, k1) = p.fact_unit(rng.choice(_HOP1).format(x=person, p=proj))
        (u2, k2) = p.fact_unit(hop2_t.format(p=proj, v=val))
        units, keys = ([u1, u2], [k1, k2]) if rng.random() < 0.5 else ([u2, u1], [k2, k1])
        out.append(_Plant("multihop", q_t.format(x=person), val, units, keys, spread=False, latest_only=False))
    return out


def _filler_units(seed: int, target: int) -> Iterator[tuple[list[tuple], int]]:
    """Filler units (code chunk + maybe a user/assistant exchange about a documented function in it) with their
    token counts, from the seeded standard-library file order, cycling with a new order if it runs out."""
    rng = random.Random(f"synthetic-filler:{seed}")
    asks = (
        "What does `{q}` in {m} do?",
        "Can you remind me what `{q}` from {m} is for?",
        "I'm reading {m}; what is `{q}` about?",
    )
    round_ = 0
    while True:
        for rel in stdlib_files(seed, round_):
            docs = _docstrings(rel)
            module = rel[:-3].replace("/", ".").removesuffix(".__init__")
            for c in _code_chunks(rel):
                unit: list[tuple] = [("chunk", c)]
                sym = c.meta.get("symbol")
                if sym in docs and c.meta.get("part", 1) == 1 and rng.random() < 0.3:
                    unit.append(("msg", "user", rng.choice(asks).format(q=sym, m=module)))
                    unit.append(("msg", "assistant", f"`{sym}`: {_doc_answer(docs[sym])}"))
                yield unit, sum(_entry_tokens(e) for e in unit)
        round_ += 1
        if round_ > 50:  # pragma: no cover - guards against an empty corpus
            raise LAMError("the standard library text is too small for this size")


def _entry_text(e: tuple) -> str:
    if e[0] == "chunk":
        return e[1].text
    if e[0] == "msg":
        return f"{e[1]}: {e[2]}"
    return e[2]


def _plain_fact(e: tuple) -> str:
    """The planted statement of an entry: the code itself, or the message's sentence without lead-in or chatter."""
    return e[3] if len(e) > 3 else e[2]


def _entry_tokens(e: tuple) -> int:
    return count_tokens(_entry_text(e))


def synthetic_stream(size: int | str, seed: int = 0, per_kind: int | None = None) -> Stream:
    """A transcript + code stream of at most `size` tokens with planted needles, updates, revisions, multi-hops."""
    size = parse_size(size)
    n = per_kind if per_kind is not None else max(2, min(12, size // 2048))
    rng = random.Random(f"synthetic:{seed}:{size}")
    p = _Planter(rng, [t for t, _ in _prose_sentences(seed + 1, CHATTER_TOKENS)])
    plants = _needles(p, n) + _updates(p, n) + _revisions(p, n) + _multihop(p, n)
    plants += p.distractors
    planted_tokens = sum(_entry_tokens(e) for pl in plants for u in pl.units for e in u)
    if planted_tokens >= size:
        raise LAMError(f"size {size} is too small for {n} planted items per kind")

    filler, total = [], planted_tokens
    for unit, ntok in _filler_units(seed, size):
        if total + ntok > size:
            if filler:
                break
            continue
        filler.append(unit)
        total += ntok
    nf = len(filler)

    placed = []  # (slot, plant index, unit index); slot s = before filler unit s
    for pi, pl in enumerate(plants):
        m = len(pl.units)
        for ui in range(m):
            if pl.spread:
                lo, hi = nf * ui // m, nf * (ui + 1) // m
                slot = rng.randrange(lo, max(hi, lo + 1))
            else:
                slot = rng.randrange(0, nf + 1)
            placed.append((slot, pi, ui))
    placed.sort()

    chunks: list[Chunk] = []
    where: dict[tuple[int, int], int] = {}  # (plant, unit) -> position of its key entry
    turn = 0

    def emit(entry: tuple) -> int:
        nonlocal turn
        if entry[0] == "chunk":
            c = dataclasses.replace(entry[1], meta=dict(entry[1].meta))
        elif entry[0] == "msg":
            turn += 1
            c = Chunk(f"{entry[1]}: {entry[2]}", "transcript", turn, turn, kind="message", role=entry[1])
        else:
            c = Chunk(entry[2], entry[1], 1, entry[2].count("\n") + (not entry[2].endswith("\n")), kind="code")
        c.position = len(chunks)
        chunks.append(c)
        return c.position

    k = 0
    for slot in range(nf + 1):
        while k < len(placed) and placed[k][0] == slot:
            _, pi, ui = placed[k]
            for ei, e in enumerate(plants[pi].units[ui]):
                pos = emit(e)
                if ei == plants[pi].key[ui]:
                    where[(pi, ui)] = pos
            k += 1
        if slot < nf:
            for e in filler[slot]:
                emit(e)

    questions = []
    for pi, pl in enumerate(plants):
        if pl.kind == "distractor":
            continue
        pos = [where[(pi, ui)] for ui in range(len(pl.units))]
        if pl.latest_only:
            gold, stale = [pos[-1]], pos[:-1]
        else:
            gold, stale = sorted(pos), []
        facts = [_plain_fact(pl.units[ui][pl.key[ui]]) for ui in range(len(pl.units))]
        questions.append(Question(pl.query, pl.kind, gold, pl.answer, stale, meta={"facts": facts}))
    return Stream("synthetic", f"synthetic-{size_label(size)}", size, chunks, questions)


# ---------------------------------------------------------------------------------------------------- bAbI/BABILong


@dataclass
class BabiSample:
    """One bAbI question with the story facts before it (ids as in the file) and its supporting fact ids."""

    task: str
    index: int  # 0-based index of the question in the task's file
    story: int  # 0-based index of its story in the file
    facts: list[tuple[int, str]]
    question: str
    answer: str
    supporting: list[int]


def babi_path(task: str, split: str = "test") -> Path:
    hits = sorted((_shared_data() / "babi" / "en").glob(f"{task}_*_{split}.txt.gz"))
    if not hits:
        raise LAMError(f"bAbI task {task} ({split}) not found under {_shared_data() / 'babi' / 'en'}")
    return hits[0]


@lru_cache(maxsize=8)
def load_babi(task: str, split: str = "test") -> tuple[BabiSample, ...]:
    """Every question of a bAbI task file, in file order. Story ids restart at 1; a question line is
    `ID question\\tanswer\\tsupporting ids`; the facts of a sample are the story's statements before the question."""
    samples: list[BabiSample] = []
    story: list[tuple[int, str]] = []
    n_story = -1
    with gzip.open(babi_path(task, split), "rt", encoding="utf-8") as f:
        for lineno, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            if not line.strip():
                continue
            num, _, rest = line.partition(" ")
            if not num.isdigit():
                raise LAMError(f"{task} line {lineno}: expected 'ID text', got {line[:40]!r}")
            if int(num) == 1:
                story = []
                n_story += 1
            if "\t" in rest:
                q, a, sup = (rest.split("\t") + ["", ""])[:3]
                ids = [int(x) for x in sup.split()]
                samples.append(BabiSample(task, len(samples), n_story, list(story), q.strip(), a.strip(), ids))
            else:
                story.append((int(num), rest.strip()))
    return tuple(samples)


@lru_cache(maxsize=1)
def babilong_indices() -> dict[str, list[int]]:
    return json.loads((_shared_data() / "babilong" / "test_100_idxs.json").read_text())


@lru_cache(maxsize=4)
def _prose_sentences(seed: int, target: int) -> tuple[tuple[str, int], ...]:
    """Docstring sentences (with token counts) from the seeded file order, at least `target` tokens."""
    out, total, round_ = [], 0, 0
    while total < target:
        for rel in stdlib_files(seed, round_):
            for s in _doc_sentences(rel):
                n = count_tokens(s)
                out.append((s, n))
                total += n
                if total >= target:
                    return tuple(out)
        round_ += 1
        if round_ > 50:  # pragma: no cover
            raise LAMError("the standard library has too little docstring prose for this size")
    return tuple(out)


def babilong_stream(sample: BabiSample, size: int | str, seed: int = 0) -> Stream:
    """One bAbI sample hidden in docstring prose of about `size` tokens: facts inserted between filler sentences at
    seeded random places (in story order), paragraphs of ~PROSE_MAX_TOKENS as chunks."""
    size = parse_size(size)
    fact_tokens = sum(count_tokens(t) for _, t in sample.facts)
    filler_target = max(size - fact_tokens, 0)
    sentences, total = [], 0
    for s, n in _prose_sentences(seed, size):
        if total + n > filler_target:
            break
        sentences.append((s, n))
        total += n
    rng = random.Random(f"babilong:{seed}:{sample.task}:{sample.index}:{size}")
    slots = sorted(rng.randrange(len(sentences) + 1) for _ in sample.facts)
    merged: list[tuple[str, int, int | None]] = []  # (text, tokens, fact id or None)
    k = 0
    for i in range(len(sentences) + 1):
        while k < len(slots) and slots[k] == i:
            fid, text = sample.facts[k]
            merged.append((text, count_tokens(text), fid))
            k += 1
        if i < len(sentences):
            merged.append((*sentences[i], None))
    # paragraphs: filler boundaries do not depend on where the facts went (a fact joins the paragraph it lands in)
    chunks: list[Chunk] = []
    fact_pos: dict[int, int] = {}
    para: list[str] = []
    para_tokens = 0
    source = f"babilong/{sample.task}/{sample.index}"

    def flush() -> None:
        nonlocal para, para_tokens
        if para:
            pos = len(chunks)
            chunks.append(Chunk(" ".join(para), source, pos + 1, pos + 1, kind="text", position=pos))
            para, para_tokens = [], 0

    for text, n, fid in merged:
        if fid is None and para_tokens and para_tokens + n > PROSE_MAX_TOKENS:
            flush()
        para.append(text)
        if fid is None:
            para_tokens += n
        else:
            fact_pos[fid] = len(chunks)
    flush()
    gold = sorted({fact_pos[i] for i in sample.supporting if i in fact_pos})
    missing = len({i for i in sample.supporting if i not in fact_pos})
    q = Question(
        sample.question,
        sample.task,
        gold,
        sample.answer,
        missing=missing,
        meta={"supporting": [dict(sample.facts).get(i, "") for i in sample.supporting], "index": sample.index},
    )
    return Stream("babilong", f"babilong-{sample.task}-{sample.index}-{size_label(size)}", size, chunks, [q])


def babilong_samples(task: str, n: int | None = None) -> list[BabiSample]:
    """The first `n` samples of BABILong's 100-sample list for `task` (indices into the task's questions)."""
    samples = load_babi(task)
    idxs = babilong_indices()[task]
    return [samples[i] for i in (idxs if n is None else idxs[:n])]


# ------------------------------------------------------------------------------------------------------------ LoCoMo

_DIA = re.compile(r"D\s*:?\s*(\d+)\s*:\s*(\d+)")


@dataclass
class LocomoConversation:
    id: str
    chunks: list[Chunk]
    questions: list[Question]
    qa_total: int
    evidence: dict  # counts: ids, malformed, unresolved


@lru_cache(maxsize=1)
def load_locomo(categories: tuple[int, ...] = (1, 2, 3, 4)) -> tuple[LocomoConversation, ...]:
    """The 10 LoCoMo conversations: one chunk per turn ("Speaker: text"), questions of `categories` with their
    evidence turns. Per question, duplicate evidence ids are dropped (2,354 ids over categories 1-4)."""
    files = sorted((_shared_data() / "locomo").glob("*.json.gz"), key=lambda p: int(p.name.split(".")[0]))
    if not files:
        raise LAMError(f"no LoCoMo files under {_shared_data() / 'locomo'}")
    out = []
    for path in files:
        cid = path.name.split(".")[0]
        with gzip.open(path, "rt", encoding="utf-8") as f:
            d = json.load(f)
        d = d.get("conversation", d) | {"qa": d["qa"]}
        sessions = sorted((int(k.split("_")[1]), k) for k in d if re.fullmatch(r"session_\d+", k))
        chunks: list[Chunk] = []
        by_id: dict[str, int] = {}
        for num, key in sessions:
            date = d.get(f"{key}_date_time", "")
            for t in d[key]:
                m = _DIA.fullmatch(t["dia_id"])
                turn = int(m.group(2)) if m else len(chunks) + 1
                c = Chunk(
                    f"[{date}] {t['speaker']}: {t['text']}",
                    f"locomo/{cid}/session_{num}",
                    turn,
                    turn,
                    kind="message",
                    role=t["speaker"],
                    position=len(chunks),
                    meta={"dia_id": t["dia_id"], "date": date},
                )
                by_id[t["dia_id"]] = c.position
                if m:
                    by_id.setdefault(f"D{int(m.group(1))}:{int(m.group(2))}", c.position)
                chunks.append(c)
        counts = {"ids": 0, "malformed": 0, "unresolved": 0}
        questions = []
        for qa in d["qa"]:
            cat = qa.get("category")
            if cat not in categories:
                continue
            gold, missing = set(), 0
            raw_ids = list(dict.fromkeys(qa.get("evidence") or []))
            counts["ids"] += len(raw_ids)
            for raw in raw_ids:
                if raw in by_id:
                    gold.add(by_id[raw])
                    continue
                counts["malformed"] += 1
                parsed = [f"D{int(a)}:{int(b)}" for a, b in _DIA.findall(raw)]
                found = [by_id[p] for p in parsed if p in by_id]
                gold.update(found)
                lost = (len(parsed) - len(found)) if parsed else 1
                missing += lost
                counts["unresolved"] += lost
            answer = qa.get("answer", qa.get("adversarial_answer", ""))
            questions.append(
                Question(
                    qa["question"],
                    LOCOMO_CATEGORIES.get(cat, str(cat)),
                    sorted(gold),
                    str(answer),
                    missing=missing,
                    meta={"category": cat, "evidence": raw_ids},
                )
            )
        out.append(LocomoConversation(cid, chunks, questions, len(d["qa"]), counts))
    return tuple(out)


def locomo_streams() -> list[Stream]:
    return [
        Stream("locomo", f"locomo-{c.id}", 0, [dataclasses.replace(x) for x in c.chunks], c.questions)
        for c in load_locomo()
    ]


# ------------------------------------------------------------------------------------------------------------ runner


def ranking_k(n_chunks: int, budget: int) -> int:
    """How many positions to ask a method for: enough to fill the budget even after skips."""
    return min(n_chunks, max(200, budget // 8))


@dataclass
class _Acc:
    hits: int = 0
    gold: int = 0
    q_recall: list[float] = field(default_factory=list)
    wins: list[bool] = field(default_factory=list)
    in_ctx: list[bool] = field(default_factory=list)
    ctx_tokens: list[int] = field(default_factory=list)
    query_ms: list[float] = field(default_factory=list)
    ingest_s: list[float] = field(default_factory=list)
    kinds: dict = field(default_factory=lambda: defaultdict(lambda: [0, 0]))
    streams: int = 0
    stream_tokens: list[int] = field(default_factory=list)
    na: int = 0


def score_question(q: Question, ranked: list[int], packed: list[int]) -> dict:
    """Recall and latest-wins numbers of one question for one method."""
    inside = set(packed)
    hits = sum(p in inside for p in q.gold)
    out = {"hits": hits, "gold": len(q.gold) + q.missing}
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
    k = ranking_k(len(stream.chunks), budget)
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
        per_q = []
        for q in stream.questions:
            t0 = time.perf_counter()
            ranked = list(m.rank(q.query, k))
            ms = (time.perf_counter() - t0) * 1000
            if any(not (0 <= p < len(stream.chunks)) for p in ranked):
                raise LAMError(f"method {m.name} returned a position outside the stream")
            ranked = list(dict.fromkeys(ranked))
            packed = pack([stream.chunks[p] for p in ranked], budget, count_tokens)
            s = score_question(q, ranked, packed)
            s.update(ms=ms, tokens=sum(count_tokens(stream.chunks[p].text) for p in packed), kind=q.kind)
            per_q.append(s)
        results[m.name] = {"na": False, "ingest_s": ingest, "cold": cold, "questions": per_q, "tokens": total}
    return results


def _iter_streams(
    families: Sequence[str], sizes: Sequence[int], seed: int, babilong_n: int
) -> Iterator[tuple[str, int, Stream, bool]]:
    """(family, size, stream, cold) in run order; `cold` is False for BABILong samples after the first of a size
    (they share the filler text, so caches of content-keyed embeddings are kept)."""
    for fam in families:
        if fam == "synthetic":
            for size in sizes:
                yield fam, size, synthetic_stream(size, seed), True
        elif fam == "babilong":
            for size in sizes:
                n = max(1, min(babilong_n, BABILONG_TOKEN_CAP // size))
                first = True
                for task in BABI_TASKS:
                    for sample in babilong_samples(task, n):
                        yield fam, size, babilong_stream(sample, size, seed), first
                        first = False
        elif fam == "locomo":
            for s in locomo_streams():
                yield fam, 0, s, True
        else:
            raise LAMError(f"unknown family {fam!r} (choose from {', '.join(FAMILIES)})")


def _mean(xs: Sequence[float]) -> float | None:
    return sum(xs) / len(xs) if xs else None


def run_suite(
    methods_factory: Callable[[], Sequence[Method]] = default_methods,
    sizes: Sequence[int | str] = (32 * 1024,),
    budget: int = DEFAULT_BUDGET,
    seed: int = 0,
    families: Sequence[str] = FAMILIES,
    babilong_n: int = BABILONG_SAMPLES,
    progress: Callable[[str], None] | None = None,
) -> dict:
    """Run every family at every size with fresh methods per stream; returns a JSON-able result:
    {"budget", "seed", "sizes", "families", "rows": [{"family", "size", "method", "recall", "latest_wins", ...}],
    "meta"}."""
    sizes = parse_sizes(sizes)
    if budget <= 0:
        raise LAMError("budget must be a positive number of tokens")
    accs: dict[tuple[str, int, str], _Acc] = {}
    order: list[tuple[str, int, str]] = []
    for fam, size, stream, cold in _iter_streams(families, sizes, seed, babilong_n):
        if progress:
            progress(f"{stream.name}: {len(stream.chunks)} chunks, {len(stream.questions)} questions")
        for name, r in evaluate_stream(stream, list(methods_factory()), budget, cold).items():
            key = (fam, size, name)
            if key not in accs:
                accs[key] = _Acc()
                order.append(key)
            a = accs[key]
            a.stream_tokens.append(r["tokens"])
            if r["na"]:
                a.na += 1
                continue
            a.streams += 1
            if r["cold"]:
                a.ingest_s.append(r["ingest_s"])
            for s in r["questions"]:
                a.hits += s["hits"]
                a.gold += s["gold"]
                if s["gold"]:
                    a.q_recall.append(s["hits"] / s["gold"])
                kk = a.kinds[s["kind"]]
                kk[0] += s["hits"]
                kk[1] += s["gold"]
                if "latest_wins" in s:
                    a.wins.append(s["latest_wins"])
                    a.in_ctx.append(s["latest_in_context"])
                a.ctx_tokens.append(s["tokens"])
                a.query_ms.append(s["ms"])
    rows = []
    for fam, size, name in order:
        a = accs[(fam, size, name)]
        tokens = _mean(a.stream_tokens)
        row = {
            "family": fam,
            "size": size or (round(tokens) if tokens else 0),
            "size_label": size_label(size) if size else "conv",
            "method": name,
            "recall": (a.hits / a.gold) if a.gold else None,
            "recall_macro": _mean(a.q_recall),
            "latest_wins": _mean(a.wins) if a.wins else None,
            "latest_in_context": _mean(a.in_ctx) if a.in_ctx else None,
            "context_tokens": _mean(a.ctx_tokens),
            "ingest_s": _mean(a.ingest_s),
            "query_ms": _mean(a.query_ms),
            "questions": len(a.ctx_tokens),
            "streams": a.streams,
            "stream_tokens": round(tokens) if tokens else None,
            "by_kind": {kd: (h / g if g else None) for kd, (h, g) in sorted(a.kinds.items())},
            "na_streams": a.na,
        }
        if a.streams == 0:
            row["recall"] = None  # n/a (full context that never fits the budget)
        rows.append(row)
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
    return {"budget": budget, "seed": seed, "sizes": sizes, "families": list(families), "rows": rows, "meta": meta}


# ------------------------------------------------------------------------------------------------------------ output


def _fmt(x, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def render_table(result: dict):
    """A rich Table of the rows."""
    from rich.table import Table

    t = Table(title=f"Memory suite: evidence recall within {result['budget']} tokens (seed {result['seed']})")
    for col, just in (
        ("family", "left"),
        ("size", "right"),
        ("method", "left"),
        ("recall", "right"),
        ("latest wins", "right"),
        ("latest in ctx", "right"),
        ("ctx tokens", "right"),
        ("ingest s", "right"),
        ("query ms", "right"),
        ("questions", "right"),
    ):
        t.add_column(col, justify=just)
    prev = None
    for r in result["rows"]:
        group = (r["family"], r["size"])
        if prev is not None and group != prev:
            t.add_section()
        prev = group
        size = r["size_label"] if r["family"] != "locomo" else f"~{r['size'] / 1024:.0f}k"
        t.add_row(
            r["family"],
            size,
            r["method"],
            _fmt(r["recall"], ".3f"),
            _fmt(r["latest_wins"], ".3f"),
            _fmt(r["latest_in_context"], ".3f"),
            _fmt(r["context_tokens"] if r["recall"] is not None else None, ".0f"),
            _fmt(r["ingest_s"], ".2f"),
            _fmt(r["query_ms"], ".1f"),
            str(r["questions"]),
        )
    return t


def plot(result: dict, path_png: str | Path) -> Path:
    """Evidence recall vs context length (stream tokens, log scale), one line per method, a panel per family."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter

    rows = [r for r in result["rows"] if r["recall"] is not None]
    fams = [f for f in result["families"] if any(r["family"] == f for r in rows)] or ["(none)"]
    fig, axes = plt.subplots(1, len(fams), figsize=(5 * len(fams), 4), squeeze=False)
    colors = {m: f"C{i % 10}" for i, m in enumerate(dict.fromkeys(r["method"] for r in result["rows"]))}
    for ax, fam in zip(axes[0], fams, strict=True):
        methods = list(dict.fromkeys(r["method"] for r in rows if r["family"] == fam))
        for m in methods:
            pts = sorted((r["size"], r["recall"]) for r in rows if r["family"] == fam and r["method"] == m)
            ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=m, color=colors[m])
        ax.set_xscale("log", base=2)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: size_label(int(round(x))) if x >= 1 else ""))
        ax.set_ylim(0, 1.02)
        ax.set_title(fam)
        ax.set_xlabel("context length (tokens)")
        ax.set_ylabel(f"evidence recall @ {result['budget']} tokens")
        ax.grid(True, alpha=0.3)
        if methods:
            ax.legend(fontsize=8)
    fig.tight_layout()
    path = Path(path_png)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def make_factory(names: Sequence[str] | None = None) -> Callable[[], list[Method]]:
    """A factory of fresh baseline + EXTRA_METHODS instances (all, or those named)."""
    from evals.baselines import BASELINES

    registry = {**BASELINES, **EXTRA_METHODS}
    chosen = list(registry) if not names else list(names)
    unknown = [n for n in chosen if n not in registry]
    if unknown:
        raise LAMError(f"unknown method(s) {', '.join(unknown)} (choose from {', '.join(registry)})")
    return lambda: [registry[n]() for n in chosen]


def memory_main(args) -> int:
    """`lam eval memory [--json FILE] [--sizes 32k,128k,1m] [--seed S]`: table on stdout, JSON + PNG if --json."""
    from rich.console import Console

    sizes = parse_sizes(getattr(args, "sizes", None) or DEFAULT_SIZES)
    seed = int(getattr(args, "seed", 0) or 0)
    budget = int(getattr(args, "budget", None) or DEFAULT_BUDGET)
    families = getattr(args, "families", None) or FAMILIES
    if isinstance(families, str):
        families = [f.strip() for f in families.split(",") if f.strip()]
    methods = getattr(args, "methods", None)
    if isinstance(methods, str):
        methods = [m.strip() for m in methods.split(",") if m.strip()]
    factory = make_factory(methods)
    babilong_n = int(getattr(args, "babilong_samples", None) or BABILONG_SAMPLES)
    err = Console(stderr=True)
    if err.is_terminal:
        with err.status("memory suite") as status:
            result = run_suite(factory, sizes, budget, seed, families, babilong_n, lambda msg: status.update(msg))
    else:  # a log file: one line per stream
        result = run_suite(factory, sizes, budget, seed, families, babilong_n, lambda m: err.print(m, soft_wrap=True))
    console = Console()
    if not console.is_terminal:
        console = Console(width=140)  # a file or pipe: do not squeeze the table into 80 columns
    console.print(render_table(result))
    if getattr(args, "json", None):
        out = Path(args.json)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(result, indent=2) + "\n")
        png = plot(result, out.with_suffix(".png"))
        err.print(f"wrote {out} and {png}")
    return 0
