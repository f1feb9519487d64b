"""Can a link learned from generic features tell an update from an update of a neighbouring fact? A study.

    python -m tests.lam_memory.pair_study [--json FILE]

On every sealed set of `test_changes.py` at both seeds: for each question, its first hit as the memory ranks it
(b) and each later statement among its 30 best hits (l), described by features that hold for any chat (how close
b and l are in meaning, whether each is the other's nearest in the whole memory, a word of change, values of the
same kind, the kind the question asks for, shared words, how close each is to the question; `features`) and, for
the probe, the products of their embeddings with the question's and each other's. A pair is positive when b is an
older version of the question's fact and l a later one; every pair of a set of other things is negative (there l
may be the update of a neighbouring fact: the hard case). Scored as `count_sealed` counts "first": l replaces b
as the first hit when the model's logit for the pair is above a threshold (the highest-scoring l); a question
counts when the new first hit is the current version (sets of changes) or the fact asked about (other things).

Printed: the change in those counts against the memory's own ranking, for a logistic model on the generic
features, for the probe, and for conjunctions of features as rules, on the read sets (six folds of sets, each
scored by a model fitted on the other five) and on the four whose content no session read (the thirty-fourth to
thirty-seventh, scored by a model fitted on all read sets), at several thresholds. And the features' means over
the positive pairs, the hard ones (an other thing's fact and its neighbour's update) and the rest."""

from __future__ import annotations

import argparse
import json
import statistics
from collections import Counter

import torch

from lam_memory.changes import announces_change, words
from lam_memory.subjects import GRAMMAR
from lam_memory.values import asked_kinds, same_kind, value_kinds
from tests.lam_memory.test_changes import _SEALED, _sealed_chat

UNREAD = ("thirty-fourth", "thirty-fifth", "thirty-sixth", "thirty-seventh")
TOP = 30  # later statements among this many best hits are the candidates
SCALE = 384  # the probe's products of unit embeddings, each ~1/384 of a cosine, brought to the features' scale


def content(text: str) -> set[str]:
    """The words of `text` that say something: not grammar, three letters or more."""
    return {w for w in words(text) if w not in GRAMMAR and len(w) > 2}


def _rank(sims: torch.Tensor, i: int) -> int:
    """1 + how many of `sims` are above its i-th."""
    return int((sims > sims[i]).sum()) + 1


def features(query: str, q: torch.Tensor, emb: torch.Tensor, texts: list[str], b: int, later: int, score: dict) -> dict:
    """Generic features of the pair (b, later), b < later: positions in the memory, `emb` its unit keys, `score`
    the hits' scores by position."""
    before, after = emb[:later] @ emb[later], emb[b + 1 :] @ emb[b]
    b_rank, l_rank = _rank(before, b), _rank(after, later - b - 1)
    kinds_b, kinds_l = value_kinds(texts[b], query), value_kinds(texts[later], query)
    asked, asked_words, said = asked_kinds(query), content(query), content(texts[later])
    return dict(
        cos=float(emb[b] @ emb[later]),
        b_nearest_before_l=float(b_rank == 1),
        b_among_3_before_l=float(b_rank <= 3),
        l_nearest_after_b=float(l_rank == 1),
        l_among_3_after_b=float(l_rank <= 3),
        margin=float(before[b] - before.max()),
        change_word=float(announces_change(texts[later])),
        cos_question=float(q @ emb[later]),
        cos_question_gain=float(q @ emb[later] - q @ emb[b]),
        score_gain=score[later] - score[b],
        same_kind=float(bool(kinds_b and kinds_l) and same_kind(kinds_l, kinds_b)),
        other_kind=float(bool(kinds_b and kinds_l) and not same_kind(kinds_l, kinds_b)),
        asked_given=float(bool(asked & kinds_l)),
        asked_missing=float(bool(asked) and not asked & kinds_l),
        no_value=float(not kinds_l),
        shared_words=min(len(content(texts[b]) & said), 4) / 4,
        question_words=len(asked_words & said) / max(len(asked_words), 1),
    )


def collect() -> list[dict]:
    """One row per question and seed: its set, b, the current version or asked fact (`target`), and its pairs."""
    rows = []
    for name, (_, items, _, seeds) in _SEALED.items():
        other = name.endswith("-other")
        for seed in seeds:
            mem = _sealed_chat(name, seed)
            emb = torch.nn.functional.normalize(mem._emb[: len(mem)], dim=1)
            texts = [c.text for c in mem.store.get(list(range(len(mem))))]
            for query, versions, _ in items:
                hits = mem.search(query, k=TOP)
                q = torch.nn.functional.normalize(mem.encoder.encode([query])[0], dim=0)
                at = [texts.index(v) for v in versions]
                b, score = hits[0].position, {h.position: h.score for h in hits}
                pairs = []
                for h in hits[1:]:
                    later = h.position
                    if later < b or h.text.rstrip().endswith("?"):
                        continue
                    x = features(query, q, emb, texts, b, later, score)
                    products = SCALE * torch.cat([q * emb[later], emb[b] * emb[later]])
                    probe = torch.cat([torch.tensor(list(x.values())), products])
                    positive = not other and b in at[:-1] and later in at[at.index(b) + 1 :]
                    pairs.append((later, x, probe, positive))
                rows.append(dict(set=name.removesuffix("-other"), other=other, b=b, marked=hits[0].superseded_by,
                                 target=at[0] if other else at[-1], at=at, pairs=pairs))  # fmt: skip
            print(f"{name} seed {seed}", flush=True)
    return rows


def _inputs(pair: tuple, probe: bool) -> torch.Tensor:
    """A pair's inputs to a model: the probe's (generic features first, then the products), or the features'."""
    return pair[2] if probe else pair[2][: len(pair[1])]


def fit(rows: list[dict], probe: bool, l2: float) -> tuple[torch.Tensor, torch.Tensor]:
    """A logistic model of `positive` on the pairs' inputs (`_inputs`)."""
    x = torch.stack([_inputs(p, probe) for r in rows for p in r["pairs"]])
    y = torch.tensor([float(p[3]) for r in rows for p in r["pairs"]])
    w, b0 = torch.zeros(x.shape[1], requires_grad=True), torch.zeros(1, requires_grad=True)
    opt = torch.optim.LBFGS([w, b0], max_iter=200)

    def loss() -> torch.Tensor:
        opt.zero_grad()
        out = torch.nn.functional.binary_cross_entropy_with_logits(x @ w + b0, y) + l2 * (w**2).sum()
        out.backward()
        return out

    opt.step(loss)
    return w.detach(), b0.detach()


def gain(rows: list[dict], moved_to) -> Counter:
    """Change in questions right, by "read"/"unread" and "changes"/"other": `moved_to(row)` is the new first hit,
    or None to keep the memory's."""
    out: Counter = Counter()
    for r in rows:
        to = moved_to(r)
        before = r["b"] == r["target"] and r["marked"] is None
        after = before if to is None else to == r["target"]
        out[_group(r)] += after - before
    return out


def _group(row: dict) -> str:
    return ("unread " if row["set"] in UNREAD else "read ") + ("other" if row["other"] else "changes")


def _hard(pair: tuple, row: dict) -> bool:
    """An other thing's fact first and the pair's later statement the update of its neighbouring fact."""
    return row["other"] and row["b"] == row["at"][0] and pair[0] == row["at"][1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.lam_memory.pair_study", description=__doc__.split("\n")[0])
    parser.add_argument("--json", metavar="FILE", help="write the printed counts as JSON")
    args = parser.parse_args(argv)
    rows = collect()
    pairs = [(p, r) for r in rows for p in r["pairs"]]
    groups = {
        "positive": [p[1] for p, _ in pairs if p[3]],
        "hard": [p[1] for p, r in pairs if _hard(p, r)],
        "rest": [p[1] for p, r in pairs if not p[3] and not _hard(p, r)],
    }
    report: dict = {"pairs": {g: len(v) for g, v in groups.items()}, "means": {}, "models": {}, "rules": {}}
    report["questions"] = dict(Counter(_group(r) for r in rows))
    report["first"] = dict(Counter(_group(r) for r in rows if r["b"] == r["target"] and r["marked"] is None))
    print("questions:", report["questions"], "first hit right:", report["first"])
    print("pairs:", report["pairs"])
    for f in groups["positive"][0]:
        report["means"][f] = {g: round(statistics.mean(x[f] for x in v), 3) for g, v in groups.items()}
        print(f"  {f:20s}", "  ".join(f"{g} {m:7.3f}" for g, m in report["means"][f].items()))
    read = sorted({r["set"] for r in rows} - set(UNREAD))
    folds = [set(read[i::6]) for i in range(6)] + [set(UNREAD)]
    for model, probe, l2 in [("generic features", False, 1e-3), ("probe", True, 1e-3)]:
        logits = {}
        for fold in folds:
            w, b0 = fit([r for r in rows if r["set"] in set(read) - fold], probe, l2)
            for r in rows:
                if r["set"] in fold:
                    logits[id(r)] = [float(_inputs(p, probe) @ w + b0) for p in r["pairs"]]
        for threshold in (-2.0, -1.5, -1.0, -0.5, 0.0):

            def moved_to(r, t=threshold, logits=logits):
                above = [(s, p[0]) for s, p in zip(logits[id(r)], r["pairs"], strict=True) if s > t]
                return max(above)[1] if above else None

            got = gain(rows, moved_to)
            report["models"][f"{model} > {threshold}"] = dict(got)
            print(f"{model}, logit > {threshold}:", dict(sorted(got.items())))

    def mutual(x: dict) -> bool:
        return bool(x["b_nearest_before_l"] and x["l_nearest_after_b"])

    rules = {
        "each the other's nearest": mutual,
        "... and a change word": lambda x: mutual(x) and x["change_word"],
        "... and values of one kind": lambda x: mutual(x) and x["same_kind"],
        "... and the asked kind": lambda x: mutual(x) and x["asked_given"],
        "... and as close to the question (-0.05)": lambda x: mutual(x) and x["cos_question_gain"] > -0.05,
    }
    for name, rule in rules.items():

        def moved_to(r, rule=rule):
            found = [(p[1]["cos"], p[0]) for p in r["pairs"] if rule(p[1])]
            return max(found)[1] if found else None

        got = gain(rows, moved_to)
        report["rules"][name] = dict(got)
        print(f"rule {name}:", dict(sorted(got.items())))
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(report, f, indent=1)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
