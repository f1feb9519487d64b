"""The memory suite's result as a table (rich) and as a plot (recall vs context length, a panel per family)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from evals.memory.streams import size_label

if TYPE_CHECKING:
    from rich.table import Table


def _fmt(x: float | None, spec: str) -> str:
    return "n/a" if x is None else format(x, spec)


def render_table(result: dict) -> Table:
    """A rich Table of the rows."""
    from rich.table import Table

    asked = " as keywords" if result.get("queries") == "keywords" else ""
    t = Table(title=f"Memory suite{asked}: evidence recall within {result['budget']} tokens (seed {result['seed']})")
    for col, just in (
        ("family", "left"),
        ("size", "right"),
        ("method", "left"),
        ("recall", "right"),
        ("latest wins", "right"),
        ("latest in ctx", "right"),
        ("top is evidence", "right"),
        ("evidence marked stale", "right"),
        ("any marked stale", "right"),
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
        size = r["size_label"] if r["size_label"] != "fixed" else f"~{r['size'] / 1024:.0f}k"
        t.add_row(
            r["family"],
            size,
            r["method"],
            _fmt(r["recall"], ".3f"),
            _fmt(r["latest_wins"], ".3f"),
            _fmt(r["latest_in_context"], ".3f"),
            _fmt(r.get("top_is_evidence"), ".3f"),
            _fmt(r.get("evidence_marked_stale"), ".3f"),
            _fmt(r.get("marks_any"), ".3f"),
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
