"""Count the sealed sets of `test_changes.py` at both their seeds, as RESULTS.md reports them.

    python -m tests.lam_memory.count_sealed [SET ...] [--acknowledged {repeated,written}] [--json FILE]

For each set of changes and seed: "first", the current value is the first hit and unmarked; "marked", first and
unmarked with every older version among the top 8 marked superseded by it; "checked", what `test_sealed_changes`
asserts (`latest_first`: marked, and the version before the current one among the hits). For each set of other
things: the answer first and unmarked. With no SET, every set; a set's name as in `_SEALED` ("thirty-second",
"thirty-second-other"). With --acknowledged, an assistant answers each statement of the sets as agents do:
"repeated", most often by repeating it ("Noted: <statement>"); "written", by the replies helper agents wrote for the
blind sets, most often restating the facts in other words (`test_subjects.acknowledgement`; with no SET, the sets
they wrote for)."""

from __future__ import annotations

import argparse
import json
import sys

from tests.lam_memory.test_changes import _SEALED, _sealed_chat, older_marked
from tests.lam_memory.test_subjects import latest_first, written_replies


def count(name: str, seed: int, acknowledged: str | None = None) -> dict[str, list[str]]:
    """The questions of set `name` at `seed` under each count (see the module doc)."""
    mem, items = _sealed_chat(name, seed, acknowledged), _SEALED[name][1]
    other = name.endswith("-other")
    out: dict[str, list[str]] = {"first": []} if other else {"first": [], "marked": [], "checked": []}
    for query, texts, value in items:
        hits = mem.search(query, k=8)
        first = value in hits[0].text and hits[0].superseded_by is None
        out["first"] += [query] * first
        if other:
            continue
        try:
            latest_first(mem, query, texts, value)
            checked = True
        except AssertionError:
            checked = False
        out["marked"] += [query] * (first and older_marked(hits, texts))
        out["checked"] += [query] * checked
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lam_memory.count_sealed", description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", help="set names (default: all)")
    parser.add_argument(
        "--acknowledged", choices=["repeated", "written"], help="an assistant answers each statement (see above)"
    )
    parser.add_argument("--json", metavar="FILE", help="write the questions each count holds, by set and seed")
    args = parser.parse_args(argv)
    unknown = [s for s in args.sets if s not in _SEALED]
    if unknown:
        print(f"count_sealed: unknown sets {unknown}; known: {', '.join(_SEALED)}", file=sys.stderr)
        return 2
    found = {}
    sets = args.sets or list(_SEALED)
    if args.acknowledged == "written" and not args.sets:
        sets = [s for s in sets if all(t in written_replies() for _, texts, _ in _SEALED[s][1] for t in texts)]
    for name in sets:
        for seed in _SEALED[name][3]:
            found[f"{name}@{seed}"] = got = count(name, seed, args.acknowledged)
            size = len(_SEALED[name][1])
            shown = ", ".join(f"{k} {len(v)}" for k, v in got.items())
            print(f"{name} seed {seed}: {shown} of {size}", flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(found, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
