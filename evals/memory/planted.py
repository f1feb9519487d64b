"""The planted items of synthetic streams: needles, knowledge updates, code revisions, multi-hop facts.

Items are carried by user messages (the fact sentence, often inside a few sentences of docstring chatter, sometimes
acknowledged) or code pastes: needles (one unique fact), knowledge updates (a value stated, then changed 2-4 times
at spread-out positions; gold = the latest statement, the older ones are "stale"), code revisions (a function
pasted, then rewritten 1-2 times; gold = the latest version), multi-hop (two facts that only together answer; gold =
both). Every asked entity also appears in a distractor message that answers nothing, and needles, updates and
multi-hop facts get decoys: the same kind of fact about an entity no question asks about. Entries are those of
`evals.memory.filler`.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

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
class Plant:
    """A planted item: units (lists of entries) placed between filler units; `key[i]` is the index of the entry of
    unit i holding the fact. Entries: ("msg", role, content) or ("code", source, text)."""

    kind: str
    query: str
    answer: str
    units: list[list[tuple]]
    key: list[int]
    spread: bool  # units in successive segments of the stream (updates, revisions) or independently placed
    latest_only: bool  # gold = last unit (stale = the others) or all units

    def facts(self) -> list[str]:
        """The planted statement of each unit: the code, or the message's sentence without lead-in or chatter."""
        entries = [unit[k] for unit, k in zip(self.units, self.key, strict=True)]
        return [e[3] if len(e) > 3 else e[2] for e in entries]


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


class Planter:
    """Seeded state shared by the planted-item generators: the rng, a pool of people, docstring sentences for the
    chatter that surrounds a fact in its message, and the distractor messages collected on the way."""

    def __init__(self, rng: random.Random, chatter: Sequence[str]):
        self.rng = rng
        self.people = _Pool(rng, [f"{f} {last}" for f in _FIRST for last in _LAST])
        self.projects = _Pool(rng, _PROJECTS)  # shared: no two items (or decoys) name the same project
        self.chatter = chatter
        self.distractors: list[Plant] = []

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
        self.distractors.append(Plant("distractor", "", "", [unit], [key], False, False))

    def distract(self, kind: str, entity: str) -> None:
        """A message that names `entity` but answers nothing."""
        text = self.rng.choice(_DISTRACTORS[kind]).format(e=entity)
        self.distractors.append(Plant("distractor", "", "", [[("msg", "user", text)]], [0], False, False))


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


def _needle(p: Planter, t: int, pools: dict[str, _Pool]) -> tuple[str, str, str, tuple[str, str]]:
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


def needles(p: Planter, n: int) -> list[Plant]:
    """Needles; each also gets a decoy (the same template about another entity) and a distractor naming it."""
    pools = {"place": _Pool(p.rng, _PLACES), "service": _Pool(p.rng, _SERVICES), "project": p.projects}
    out = []
    for i in range(n):
        fact, q, a, entity = _needle(p, i % 5, pools)
        unit, key = p.fact_unit(fact)
        out.append(Plant("needle", q, a, [unit], [key], spread=False, latest_only=False))
        p.distract(*entity)
        p.decoy(_needle(p, i % 5, pools)[0])
    return out


def updates(p: Planter, n: int) -> list[Plant]:
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
        out.append(Plant("update", f"What is the current {attr}?", values[-1], units, keys, True, True))
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


def revisions(p: Planter, n: int) -> list[Plant]:
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
        out.append(Plant("revision", q, versions[-1][1], units, [1] * len(units), True, True))
    return out


_HOP1 = ("{x} works on project {p}.", "{x} has joined the {p} project.", "{x} is now a developer on project {p}.")
_HOP2 = (
    ("The {p} project's database is {v}.", "Which database does {x}'s project use?", _DATABASES),
    ("The {p} project runs its builds on {v}.", "Which CI system runs the builds of {x}'s project?", _CI),
    ("The {p} project is hosted in the {v} region.", "In which region is {x}'s project hosted?", _REGIONS),
)


def multihop(p: Planter, n: int) -> list[Plant]:
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
        out.append(Plant("multihop", q_t.format(x=person), val, units, keys, spread=False, latest_only=False))
    return out


def plant_all(rng: random.Random, chatter: Sequence[str], n: int) -> list[Plant]:
    """`n` items of each kind, then the distractors and decoys they asked for, all drawn from `rng`."""
    p = Planter(rng, chatter)
    plants = needles(p, n) + updates(p, n) + revisions(p, n) + multihop(p, n)
    return plants + p.distractors
