"""The memory suite (`lam eval memory`): how much of a question's evidence each memory method puts in a fixed
context budget, on long streams whose evidence positions are known.

Every method (recency, BM25, identifier-aware BM25, dense MiniLM, their reciprocal rank fusion, full context, LAM
memory: `methods`, `registry`) sees a stream once, ranks chunks for each question, and its ranking is packed into the
budget (500 cl100k tokens by default); `lam-context` is scored on what `LAMMemory.context` returns instead. The
score is the share of gold evidence inside the packed context, plus whether the latest of superseded statements
wins and how often a context marks gold evidence as superseded, a false claim (`scoring`).

Families, each deterministic for a seed:
- `synthetic`: a transcript + code stream of a target size built from the Python standard library, with planted
  needles, knowledge updates, code revisions and multi-hop facts (`synthetic`, `planted`, `filler`);
- `babilong`: bAbI qa1-qa3 questions hidden in standard-library docstring prose, one stream per sample (`babilong`);
- `locomo`: the 10 LoCoMo conversations, questions of categories 1-4 (`locomo`);
- `code-history`: four releases each of more-itertools, toolz and click, oldest first, later ones as the new versions
  of changed functions among unchanged filler; questions ask for a function's current version by name or by its
  docstring's first sentence (`code_history`);
- `code-lookup`: the newest of those releases whole (one stream per seed, about 150k tokens); questions name a
  function, method or class (`Group.get_command`, `sliding_window`, "Where is `X` defined?") and the gold is its
  definition; `top_is_evidence` says whether it comes first (`code_lookup`);
- `documents`: the Python language reference as pydoc shows it, read at once (one stream per seed, about 106k
  tokens); questions quote a paragraph's first words; nothing was revised, so any stale mark is false
  (`documents`: `evidence_marked_stale` on the gold, `marks_any` on any chunk of the context);
- `readmes`: the same over the READMEs of 16 installed packages (their `METADATA` long descriptions, several with a
  changelog, newest entry first), about 186k tokens (`documents`).

Run it with `lam eval memory [--sizes 32k,128k] [--families synthetic,locomo,documents] [--methods bm25,lam]
[--json FILE]` (`cli`); the defaults are `config.SuiteConfig`'s. `lam bench memory` (`bench`)
measures LAM memory's ingest and query speed instead.
"""
