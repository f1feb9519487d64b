"""LAMMemory: ingest chunk by chunk, keep a constant-size fast/slow delta-rule state, answer with compressed context.

Ingest. Every chunk j (a message, a code unit, a paragraph) is embedded once by the LAM encoder, e_j (384-d, unit
norm), stored in the archive, and written into the chunk-level LAM state (the same two-timescale gated delta rule
as the encoder's token mixer, `lam_memory.ops`, one head):

    key    k_j = normalize(top_m(R e_j))          sparse "fly hash" of e_j: R is a fixed random 2048 x 384
                                                  projection (seeded), keeping its m = 32 largest entries. Reworded
                                                  versions of one fact share more winners (k_i . k_j was 0.24-0.42
                                                  in the update test) than unrelated chunks (median 0.08), so a
                                                  write mostly erases what was stored about the same thing.
    value  c_j = a fixed random +-1/sqrt(d_v) code of position j (d_v = 128), the chunk's "name"
    write  S^s <- a_j^s (S^s - k_j (k_j^T S^s)) + k_j c_j^T     for s in {fast, slow}, beta = 1
    decay  log a_j^s = -r_s * tokens_j / 256                    forgetting per token read, not per chunk;
                                                                r_fast = 0.02, r_slow = 0.0005
    mix    every 64 chunks: a convex exchange between the fast and slow states (consolidation, bounded)

The state is 2 x 2048 x 128 floats whatever the memory's length (2 MiB), and ingest costs O(tokens). Every number
above is a field of `MemoryConfig` (lam_memory.config), saved in the memory's meta.json and used when it is
opened again.

Search. For a query q (embedded the same way), candidates are the top chunks by cosine similarity (`lam_memory.dense`:
a float16 copy of the keys scanned and a short list rescored in float32, the float32 scan's answer exactly) and the
top chunks of the archive's lexical index (`lam_memory.lexical`: SQLite FTS5 over identifier-aware terms, BM25 with
the source path and the qualified name weighted above the text; the query's rarest terms are read up to
`lexical_postings` chunks in all, so a query's lexical cost is bounded whatever the memory's size); each gets

    rel_j   = cos(q, e_j) + mu * bm25_j / max_i bm25_i         mu = 0.2; bm25 = 0 for chunks without a match
    score_j = rel_j + lambda * h_j,     h_j = c_j . (S^fast^T k_j + S^slow^T k_j) / 2,     lambda = 0.15

A question that spans two facts ("which database does Ximena's project use?") also gets the statements that the
most relevant evidence links it to by a rare name (`lam_memory.links`: the project's name, held by the evidence and by a
statement that gives the asked-for "database"); they join the candidates as relevant as that evidence. A chain
may also start at any statement that names the question's subject when the subject is rare ("Ximena Haddad", in
at most `link_df` chunks); both its statements then join as relevant as the best statement about the subject.

The lexical term is scaled by the query's best match so that its weight does not depend on the corpus: the chunk
that matches the query's words best gets mu, about one STS-B point of the encoder's cosine scale (its STS-B
fine-tuning maps a 0-5 similarity score s to a cosine of about s / 5), so naming an identifier moves its
definition up by as much as one grade of similarity, not more. h_j ("held") is what the state still recalls of
chunk j: about 1 for a recent chunk nothing overwrote, lower as it decays or once later chunks about the same
thing overwrote its slot. Then the state settles versions: among the statements (prose and chat, not questions or
code: `subjects.is_statement`; when the question names its subject by a proper name, only those holding it:
`subjects.about_named`) nearly as relevant as the best candidate (rel within 0.15), chunks whose keys overlap
(k_i . k_j >= 0.2: the delta rule treated them as one slot) form a group, and the group asks the state who owns its
slots now (two functions with close embeddings share slots too, but neither is a version of the other: code is
versioned by name, below):

    votes_i = sum_{m in group} c_i . (S^T k_m)        (the state read with each member's key, matched to i's code)

The chunk with the most votes, normally the latest version, since each write erased its predecessors' codes
along the shared key and wrote its own, takes the group's top score and the others are marked as superseded by
it. So superseded evidence loses to its replacement even when the stale wording is closer to the question, while
unrelated evidence is ranked by similarity as before.

Facts restated in other words rarely share enough of their keys for that, so chunks outside code slots are also grouped
by the subject the query names (`lam_memory.subjects`: the query terms each candidate holds, apart from the word the
question asks for; a later statement that announces a change of the question's best statement, "we moved mobile builds
to ...", or is its next version in meaning, "Ben's car is in the shop, Lisa will take the kids", shares its subject, and
so does one that names the best statement's old value, "Adlon cancelled on us, so we're at the Michelberger instead",
found by that name or number, or replies to it sharing a name few chunks hold beyond the question, "Samples go out via
UPS from here on; FedEx kept losing the Denver boxes": `lam_memory.changes`); the latest statement of a subject is
current, takes its group's top score, and the others are marked superseded by it. An assistant's turn is never current
over the evidence it restates. Both steps claim only what a reader could check (`subjects.replaced`): a chunk is
superseded only by a later one that holds every query term it holds, the asked word aside; and for a question about what
happened ("when did ...", "what has ... done": `subjects.asks_about_past`) or for some of several things ("what are the
names of ...", "what is a ...": `subjects.asks_for_many`) the latest statement still ranks first, but none is marked
superseded: the older ones were true when made, or still are, and the question may ask for them. Keywords ("dentist
appointment time", as an agent writes them for a search tool: `subjects.is_question`) say no tense, so their latest
statement ranks first but is marked current over the others only when it says itself that something changed
(`changes.announces_change`). Order is time between writes and within a stream of messages, not inside a document read
at once: the paragraphs of one `add` or ingest (`meta["read"]`) were current together, so neither rule lets one
supersede another (`subjects.replaced`; a reference's chapters, a changelog newest first).

Units of code are settled exactly by the version state (`lam_memory.versions`): each function, method or class
has a slot named by its qualified name, every version is written into that slot, and the version the state holds
there is current; it takes the best score of its slot's candidates (and joins them if the query found only older
versions), and the older ones name it in `superseded_by`.

Answers are not evidence: a chunk by the assistant (role "assistant") loses `answer_penalty` = 0.2 of score and
supersedes no chunk by another author (`LAMMemory._demote_answers` gives the reason for the rule and its size); one
that repeats a value of a superseded statement, and none of its update's, is superseded with it, and one after the
current version that says only what it says (`values.acknowledges`) is not. Nor is an answer the question's best
statement or a statement's neighbour in meaning (`subjects.evidence`), and a vote of the chunk state for one goes to
the evidence it acknowledges, or to none (`LAMMemory._evidence_voted`): an agent acknowledges what it is told ("Noted:
<the statement>"), as close to the question as the statement and written just after it.

Then names: a query that names a unit of code by an identifier (`Retry.get_backoff_time`, `sliding_window`, or a
one-word query), or by a plain word beside the file that defines it ("close in md_in_html.py"), wants its
definition, as go-to-definition or `grep -n "def name"` would give it. Candidates that open the definition of a unit
the query names (`versions.definition`, `versions.names_symbol`) are lifted, all by one amount, just above the best
other candidate (`LAMMemory._lift_named`), those of a file the query names above the others; the current version
stays above its stale ones, which keep their `superseded_by`. No constant: it is a rule about what a name asks for.

Last, quotes: a query of three words or more that is not a question (`lexical.quoted`) may be a passage pasted to
find it again, a changelog line, a code sample or a docstring's sentence. Candidates holding it word for word
(whitespace and case aside, `lexical.flat`), as `grep -F` finds them, are lifted the same way
(`LAMMemory._lift_quoted`), and the current version of a quoted stale one stays above it: near-duplicates that
differ in one version number or argument are as close in meaning as the passage itself, and on package READMEs they
had outranked it. Quotes come after names because a passage found word for word is the more specific answer: "The
first item of :attr:`release` or ``0`` if unavailable." names `release`, but is the docstring of `major`.

Files read again (`add_path`, `add(replace=True)`) are revisions, not duplicates: the same content adds nothing,
unchanged chunks are kept (their lines follow the file), changed units are added as new versions, and chunks that
are gone from the file leave the memory. `forget` removes sources or chunks: archive text, key and index entries
are deleted and their associations are erased from both states (a delta-rule write with a zero value).

Context. `context(query, budget_tokens)` packs the top hits into the budget with `lam_memory.compress.pack_context`.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import re
import threading
import time
import warnings
from collections.abc import Callable, Collection, Iterator
from concurrent import futures
from pathlib import Path

import torch

from lam_memory import LAMError, checks, dense, integrity
from lam_memory.changes import announced, announces_change, follows_up, old_values, words
from lam_memory.chunking import SkippedFileWarning, chunk_file, chunk_messages, chunk_source, iter_files
from lam_memory.compress import pack_context
from lam_memory.config import MemoryConfig
from lam_memory.lexical import CALENDAR, class_word, flat, identifiers, paths, plain_words, quoted
from lam_memory.links import linked, may_link, naming_subject
from lam_memory.state import MemoryState
from lam_memory.store import FORGOTTEN, GONE, LIVE, Store
from lam_memory.subjects import (
    ANSWER_ROLES,
    GRAMMAR,
    about_named,
    asks_about_past,
    asks_for_many,
    asks_for_value,
    definites,
    evidence,
    held_terms,
    is_question,
    is_statement,
    optional_terms,
    replaced,
    restated,
    stamp_only,
    subject_groups,
)
from lam_memory.tokens import TokenCounter
from lam_memory.tokens import count_tokens as default_count_tokens
from lam_memory.types import Chunk, Context, Hit
from lam_memory.values import acknowledges, asked_kinds, value_kinds, values_in
from lam_memory.versions import VersionState, definition, names_file, names_symbol, slot_of

__all__ = ["LAMMemory", "Hit", "Context", "MemoryState", "MemoryConfig"]

Progress = Callable[[int, int], None]  # progress(chunks, tokens), called after each commit
MAX_FILE_BYTES = 4 << 20  # add_path's default size limit per file (4 MiB, about 1M tokens: minutes to embed)


class LAMMemory:
    """Long-context memory: `add`, `add_messages`, `add_path`, `search`, `context`, `messages`, `save`.

    `LAMMemory("dir/")` opens or creates a memory on disk; `LAMMemory()` keeps it in RAM. A new memory takes
    `config` (default `MemoryConfig()`); an existing one uses the config saved with it.

    Several processes may open one memory. Writes take the memory's writer lock (first write until `save` or
    `close`; another writer waits up to `lock_timeout` seconds, then gets a LAMError naming the holder's pid) and
    first catch up with what others committed; readers never wait, and `search` and `stats` pick up other
    processes' commits by themselves (`refresh`). `readonly=True` never writes (read-only media included). A damaged
    memory is a LAMError on open naming `lam repair`; `LAMMemory.check(path)` lists the damage and
    `LAMMemory.repair(path)` rebuilds what the archive allows.

    Every verb checks its arguments (`lam_memory.checks`) and raises `LAMError` with a one-line message on a bad one
    (a non-str text, an empty source, k < 1, a budget that is not a positive int, ...), and after `close()` every
    verb but `close` raises LAMError("memory is closed"). Lone surrogates in text, sources, roles and queries (from
    a lossy decode: `surrogateescape` file names, JSON "\\ud800") are replaced with U+FFFD, not refused: the text is
    kept.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        *,
        config: MemoryConfig | None = None,
        encoder=None,
        count_tokens: TokenCounter | None = None,
        create: bool = True,
        readonly: bool = False,
        lock_timeout: float = 5.0,
    ):
        from lam_memory.encoder import default_encoder

        self._closed = False
        if path is not None and not isinstance(path, str | os.PathLike):
            raise LAMError(f"path must be a folder (str or Path), or None for RAM, got {type(path).__name__}")
        if config is not None and not isinstance(config, MemoryConfig):
            raise LAMError(f"config must be a MemoryConfig, got {type(config).__name__}")
        if count_tokens is not None and not callable(count_tokens):
            raise LAMError(f"count_tokens must be a function text -> int, got {type(count_tokens).__name__}")
        self.encoder = encoder or default_encoder()
        self.count_tokens = count_tokens or default_count_tokens
        self.path = Path(path) if path is not None else None
        wanted = config or MemoryConfig()
        encoder_id = getattr(self.encoder, "encoder_id", "")
        self.store = Store(
            path, encoder_id=encoder_id, create=create, readonly=readonly, config=wanted.to_json(),
            lock_timeout=lock_timeout,
        )  # fmt: skip
        try:
            self.config = MemoryConfig.from_json(self.store.meta.get("config") or wanted.to_json())
            if config is not None and config != self.config:
                raise LAMError(
                    f"memory at {path} was built with a different config ({', '.join(config.diff(self.config))} "
                    "differ); open it without config= to use its own, or ingest into a new memory"
                )
        except (LAMError, TypeError) as e:
            self.store.close()
            raise LAMError(str(e)) from None
        cfg = self.config
        self.state = MemoryState(cfg, dim=getattr(self.encoder, "dim", 384))
        self.versions = VersionState(cfg.version_dim, cfg.version_winners, cfg.value_dim)
        self._emb = torch.zeros(0, self.state.proj.shape[1])  # per position (= chunk id): its embedding
        self._half = dense.HalfKeys()  # the embeddings in float16, for the dense scan (`lam_memory.dense`)
        self._live = torch.zeros(0, dtype=torch.bool)
        self._slots: list[str | None] = []  # per position: its version slot while it is live, else None
        self._members: dict[str, list[int]] = {}  # slot -> its live positions, in order
        self._answers: set[int] = set()  # chunks by an assistant: answers
        self._seen: tuple = (None, None)  # (state file stamp, archive data_version) of the last load
        try:
            self._load()
        except BaseException:
            self.store.close()
            raise

    # -- writing ------------------------------------------------------------------------------------------
    def add(
        self, text: str, source: str = "text", kind: str | None = None, *, replace: bool = False,
        progress: Progress | None = None,
    ) -> int:  # fmt: skip
        """Add text from `source`, chunked by its kind: "code", "text" or, by default, what the source's name says
        (`notes.md` prose, `x.py` code). With `replace=True` the text is the whole new content of `source` (a file
        read again): unchanged units are kept, changed ones become revisions of the old, missing ones are marked
        gone, and the same content again adds nothing. Returns the number of chunks added."""
        self._require_open()
        text, source = checks.as_text(text, "text"), checks.as_source(source, "source")
        if kind not in (None, "code", "text"):
            raise LAMError(f"kind must be 'text', 'code' or None (from the source's name), got {kind!r}")
        if not isinstance(replace, bool):
            raise LAMError(f"replace must be True or False, got {replace!r}")
        checks.check_callable(progress, "progress")
        self._begin_write()
        chunks = chunk_source(text, source, kind, chunk_tokens=self.config.chunk_tokens)
        if replace:
            return self._revise(source, _digest(text.encode("utf-8", "surrogatepass")), chunks, progress, _read_id())
        return self.add_chunks(_read_as_one(chunks, _read_id()), progress)

    def add_messages(self, messages: list[dict], source: str = "chat", progress: Progress | None = None) -> int:
        """Add chat messages ({"role", "content"}), one chunk per message (long ones split). A message's line is
        its place in `source`'s transcript: numbering continues after the messages `source` already holds."""
        self._require_open()
        source = checks.as_source(source, "source")
        checks.check_messages(messages)
        checks.check_callable(progress, "progress")
        messages = [checks.clean_message(m) for m in messages]
        self._begin_write()  # before reading where `source` ends
        first = self.store.last_line(source) + 1
        lines = list(range(first, first + len(messages)))
        chunks = chunk_messages(messages, source, chunk_tokens=self.config.chunk_tokens, line_numbers=lines)
        return self.add_chunks(chunks, progress)

    def add_path(
        self,
        *paths: str | Path,
        progress: Progress | None = None,
        on_file: Callable[[Path], None] | None = None,
        max_file_bytes: int | None = MAX_FILE_BYTES,
    ) -> int:
        """Add files and folders (walked respecting .gitignore, see `lam_memory.chunking`). A file already in memory
        is read as a new version of it (see `add(replace=True)`): the same content adds nothing, so a repeated or
        resumed ingest leaves no duplicates. Skipped with a SkippedFileWarning: binary files, files over
        `max_file_bytes` (default 4 MiB; None: no limit), unreadable ones, and inside folders FIFOs, sockets,
        devices and broken or looping links. A path that is missing, a link loop or not a file or folder raises
        LAMError naming it. `progress(chunks, tokens)` is called after each commit, `on_file(path)` after each
        file."""
        self._require_open()
        checks.check_paths(paths)
        limit = None if max_file_bytes is None else checks.as_positive(max_file_bytes, "max_file_bytes")
        checks.check_callable(progress, "progress")
        checks.check_callable(on_file, "on_file")
        self._begin_write()  # before reading which files are in memory as they are
        added, read = 0, _read_id()
        try:
            for file in iter_files(paths):
                data = checks.read_file(file, limit)
                source = checks.as_text(str(file), "path")  # a file name that is not UTF-8 keeps U+FFFD in its source
                if data is not None and self.store.source_digest(source) != (digest := _digest(data)):
                    with warnings.catch_warnings(record=True) as caught:
                        warnings.simplefilter("always", SkippedFileWarning)
                        chunks = chunk_file(file, source, chunk_tokens=self.config.chunk_tokens, data=data)
                    skipped = [w for w in caught if issubclass(w.category, SkippedFileWarning)]
                    for w in skipped:
                        warnings.warn(str(w.message), SkippedFileWarning, stacklevel=2)
                    if not skipped:  # a skipped (binary) file is not a new, empty version of itself
                        added += self._revise(source, digest, chunks, progress, read)
                if on_file:
                    on_file(file)
        except OSError as e:  # a path given that is missing, a link loop, an unreadable folder
            raise LAMError(f"{e.filename}: {e.strerror}" if e.filename and e.strerror else str(e)) from None
        return added

    def add_chunks(self, chunks: list[Chunk], progress: Progress | None = None) -> int:
        """Encode, archive and fold chunks into the state, committing every `config.commit_every` chunks;
        `progress(chunks, tokens)` is called after each commit. Each chunk is an arrival of its own (a later one may
        supersede it) unless chunks share a `meta["read"]`, as the paragraphs of one document read at once do."""
        self._require_open()
        chunks = checks.as_chunks(chunks)
        checks.check_callable(progress, "progress")
        chunks = [checks.clean_chunk(c) for c in chunks]
        self._begin_write()
        batch = self.config.commit_every
        for s in range(0, len(chunks), batch):
            part = chunks[s : s + batch]
            tokens = self._token_counts(part)
            emb = self.encoder.encode([_embed_text(c) for c in part], batch_size=32)
            slots = [slot_of(c) for c in part]
            positions = self.store.append(part, emb.numpy(), slots)
            self._emb = torch.cat((self._emb, emb))
            self._live = torch.cat((self._live, torch.ones(len(part), dtype=torch.bool)))
            self._slots += slots
            self._answers.update(p for p, c in zip(positions, part, strict=True) if c.role in ANSWER_ROLES)
            for p, slot in zip(positions, slots, strict=True):
                if slot:
                    self._members.setdefault(slot, []).append(p)
            self.state.write(emb, torch.tensor(tokens))
            self._write_versions(positions, slots)
            if progress:
                progress(len(part), sum(tokens))
        return len(chunks)

    def forget(self, source: str | None = None, ids: Collection[int] = ()) -> int:
        """Remove the chunks of `source` and/or the chunks with positions `ids`: their text, key and index entries
        are deleted (the position stays, as an id), their associations are erased from the state (a delta-rule
        write with a zero value), and a forgotten current version hands its slot back to the latest earlier
        version still in memory. Returns how many chunks were forgotten."""
        self._require_open()
        if source is not None:
            source = checks.as_source(source, "source")
        ids = checks.as_ids(ids)
        if source is None and not ids:
            raise LAMError("forget needs a source or chunk ids")
        self._begin_write()
        bad = [i for i in ids if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i < len(self)]
        if bad:
            raise LAMError(f"no chunk with id {bad[0]!r}")
        doomed = {i for i in ids if self._live[i]}
        if source is not None:
            doomed |= {c.position for c in self.store.live_chunks(source)}
            self.store.set_source_digest(source, None)
        self._retire(sorted(doomed), FORGOTTEN)
        if self.path is not None and doomed:
            self.save()  # the saved state must not hold what the archive no longer does
        return len(doomed)

    def save(self) -> None:
        """Persist the state (the archive is already committed chunk batch by chunk batch), then let other processes
        write: the writer lock, taken by the first write, is released."""
        self._require_open()
        self._begin_write()
        try:
            self.store.save_state(self.state.tensors() | {"V": self.versions.V}, covered=self.state.count)
            self._seen = (self.store.state_stamp(), self.store.data_version())
        finally:
            self.store.release_writer()

    def refresh(self) -> bool:
        """Pick up what other processes committed since this memory was opened or last refreshed: new chunks,
        forgotten or revised ones, a newer saved state. True when something changed. `search` (and so `context`)
        calls it first, so a long-lived reader follows a writer; when nothing changed it costs a stat and a
        PRAGMA. A memory holding the writer lock is the only writer and has nothing to pick up."""
        self._require_open()
        if self.path is None or self.store.holds_writer:
            return False
        return self._sync()

    @staticmethod
    def check(path: str | Path) -> list[str]:
        """Damage in the memory at `path`, [] when it is sound: the archive's (SQLite's own check, missing chunk ids,
        damaged keys, statuses or metadata, the lexical index) and the saved state's (unreadable, wrong shape, not
        finite, covering chunks the archive lacks); see `lam_memory.integrity`. Reads only, loads no encoder;
        LAMError when the memory cannot be opened at all."""
        return integrity.check(path)

    @classmethod
    def repair(
        cls, path: str | Path, *, encoder=None, count_tokens: TokenCounter | None = None, lock_timeout: float = 5.0
    ) -> list[str]:
        """Rebuild what the archive allows, under the writer lock: a lost meta.json (with the default config), lost
        chunks (their ids kept, as forgotten), keys (embedded again only where missing or damaged), the lexical
        index, and the state and the version state (replayed from the archive). Returns what was found and done;
        LAMError when SQLite finds the archive itself corrupt (then only a copy or a new ingest helps)."""
        from lam_memory.encoder import default_encoder

        encoder = encoder or default_encoder()

        def embed(chunks: list[Chunk]):  # -> float32 keys (n, dim)
            return encoder.encode([_embed_text(c) for c in chunks], batch_size=32).numpy()

        done = integrity.repair_files(path, getattr(encoder, "encoder_id", ""), embed, lock_timeout=lock_timeout)
        mem = cls(path, encoder=encoder, count_tokens=count_tokens, create=False, lock_timeout=lock_timeout)
        try:
            mem.save()
            done.append(f"rebuilt the state and the version state from {len(mem)} chunks ({len(mem.store.sources())} "
                        "sources)")  # fmt: skip
        finally:
            mem.close()
        return done

    # -- reading ------------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, candidates: int | None = None) -> list[Hit]:
        """The k best chunks for `query`, best first (see the module doc for the score); `candidates` (default
        `config.candidates`) chunks by similarity are scored with the state. A hit that the state says was
        replaced names its current version in `superseded_by`, and that version ranks above it."""
        self._require_open()
        query = checks.as_query(query)
        k = checks.as_positive(k, "k")
        candidates = None if candidates is None else checks.as_positive(candidates, "candidates")
        self.refresh()
        if not self._live.any():
            return []
        with _one_thread():
            return self._search(query, k, candidates)

    def _search(self, query: str, k: int, candidates: int | None) -> list[Hit]:
        cfg, live = self.config, int(self._live.sum())
        n = min(max(candidates or cfg.candidates, k), live)
        pending = _beside(self.store.lexical, query, n, cfg.lexical_columns, cfg.lexical_postings)
        try:
            q = self.encoder.encode([query])[0]
            top = dense.top(self._emb, self._half.update(self._emb), self._live, q, n)
        finally:
            futures.wait([pending])  # the archive is never left in use by another thread
        pool = dict(zip(top[0].tolist(), top[1].tolist(), strict=True))
        sims = dense.Similarity(self._emb, self._live, q, pool)
        lexical = pending.result()
        for p, bm25 in lexical:  # relevance = cosine + the lexical match relative to the query's best
            if p < len(sims):
                pool[p] = float(sims[p]) + cfg.lexical_weight * bm25 / max(lexical[0][1], 1e-9)
        for p, relevance in self._links(query, pool, sims).items():
            pool[p] = max(pool.get(p, -math.inf), relevance)
        chunks: dict[int, Chunk] = {}  # read from the archive once: `_score` reads those outside code slots
        score, replaced_by = self._score(query, pool, sims, chunks)
        self._demote_answers(score, replaced_by, chunks)
        self._lift_named(query, score, chunks)
        self._lift_quoted(query, score, chunks, replaced_by)
        order = sorted(score, key=score.__getitem__, reverse=True)[:k]
        chunks |= {
            c.position: c for c in self.store.get([p for p in {*order, *replaced_by.values()} if p not in chunks])
        }
        return [
            Hit(c.text, c.source, c.start_line, c.end_line, score[p], p, c.kind, c.role, rank=r + 1,
                superseded_by=chunks[replaced_by[p]].citation if p in replaced_by else None)
            for r, (p, c) in enumerate((p, chunks[p]) for p in order)
        ]  # fmt: skip

    def _lift_quoted(
        self, query: str, score: dict[int, float], chunks: dict[int, Chunk], replaced_by: dict[int, int]
    ) -> None:
        """Passages the query quotes come first: when the query is a passage, not a question (`lexical.quoted`), the
        candidates holding it word for word are lifted, all by one amount, just above the best other candidate, as
        `grep -F` would find them; the current version of each stays above it. A pasted line of a changelog or a code
        sample asks for that passage, and near-duplicates that differ from it in one version number or argument
        ("4.39.2 (released ...)" for "4.36.0 (released 2022-08-17) ...") had outranked it by meaning."""
        if not quoted(query):
            return
        chunks |= {c.position: c for c in self.store.get([p for p in score if p not in chunks])}
        passage = flat(query)
        held = {p for p in score if passage in flat(chunks[p].text)}
        _lift(score, held)
        for p in held & replaced_by.keys():  # a stale version quoted: its current version still ranks above it
            score[replaced_by[p]] = max(score[replaced_by[p]], score[p] + 1e-3)

    def _lift_named(self, query: str, score: dict[int, float], chunks: dict[int, Chunk]) -> None:
        """Definitions the query names come first: candidates that open the definition of a unit of code named by an
        identifier of the query (`versions.definition`, `versions.names_symbol`) are lifted, all by one amount, just
        above the best other candidate. A query naming `Retry.get_backoff_time` asks for its definition, as grep for
        `def get_backoff_time` or an editor's go-to-definition finds it. The lexical index alone ranks it first (the
        symbol column), but a short name's cosine is close for every member of its class and can outweigh that:
        on urllib3 and rich, a query that is a method's qualified name found its definition first 47% of the time
        before this step. A typing `@overload` stub declares a signature and is not the definition: it is lifted
        only when no implementation of the name is among the candidates (click's `Context.lookup_default` has two
        stubs before its body, and a stub had come first). In a question, a plain lowercase word that is no word of the
        language, not whole in the encoder's vocabulary ("groupby", "dedent", "urlopen"), names a unit too
        (`lexical.identifiers`): no English word is spelled so, and code is where such words are defined. And a
        query that names a file (`lexical.paths`, `versions.names_file`) names that file's units by any of its
        plain words ("Show the latest implementation of store in markdown/util.py", "close in md_in_html.py"): a
        path scopes the words to one file, where a word that is a unit's exact name is that unit (on four
        packages' release histories the project never used, such questions had found their target's definition
        ranked 2nd to 10th, below the file's docstring or a sibling). The path scopes names too: of the units named,
        those of the named file come first. A request's one capitalized word past its first names a class
        (`lexical.class_word`: "Show me the code of Fraction."; PEP 8 spells classes so): read as a plain word, the
        first hit had been a property or a `register` call of the class. A question's does not: it capitalizes
        people, places and products ("Which Slack channel ...?" beside a `class Slack`)."""
        tokenizer = getattr(self.encoder, "tokenizer", None)
        names = identifiers(query, tokenizer.is_word if tokenizer else None)
        names += [w] if (w := class_word(query)) else []
        files = paths(query)
        if not names and not files:
            return
        words = plain_words(query) if files else []
        named, local = set(), set()  # local: defined in a file the query names
        for p in score:
            found = definition(chunks.get(p), self._slots[p])
            in_file = bool(found and files and names_file(files, found[0]))
            if found and (
                names_symbol(names, *found, whole=self._slots[p] is not None)
                or (in_file and words and names_symbol(words, *found))
            ):
                named.add(p)
                if in_file:
                    local.add(p)
        chunks |= {c.position: c for c in self.store.get([p for p in named if p not in chunks])}
        lifted = {p for p in named if not _overload_stub(chunks[p].text)} or named
        _lift(score, lifted)
        _lift(score, lifted & local)  # "extendMarkdown in smarty.py": that file's, above the other files' ones

    def _links(self, query: str, pool: dict[int, float], sims: dense.Similarity) -> dict[int, float]:
        """Statements that the evidence links the question to by a rare name (`lam_memory.links`), with the relevance
        they join the candidates at: {position: relevance}; chunks outside code slots only, live ones. A linked
        chunk is as relevant as the evidence that names it; a chain that starts at a statement naming the question's
        rare subject (`links.naming_subject`) is as relevant, both its statements, as the most relevant statement
        about that subject."""
        if not may_link(query):
            return {}
        cfg = self.config

        def free(p: int) -> bool:
            return p < len(self._slots) and bool(self._live[p]) and self._slots[p] is None

        evidence = sorted(filter(free, pool), key=pool.__getitem__, reverse=True)[: cfg.link_from]
        naming = [p for p in naming_subject(query, self.store, cfg.link_df) if free(p)]
        rel = {p: pool.get(p, float(sims[p])) for p in naming}
        about = max(rel.values(), default=-math.inf)
        tokenizer = getattr(self.encoder, "tokenizer", None)
        starts = self.store.get(list(dict.fromkeys(naming + evidence)))
        found = linked(query, starts, self.store, cfg.link_df, tokenizer.is_word if tokenizer else None)
        out: dict[int, float] = {}
        for p, by in found.items():
            if not free(p):
                continue
            relevance = max(pool.get(by, -math.inf), about) if by in rel else pool[by]
            out[p] = max(out.get(p, -math.inf), relevance)
            if by in rel:  # a chain's start joins too
                out[by] = max(out.get(by, -math.inf), relevance)
        return out

    def _score(
        self, query: str, pool: dict[int, float], sims: dense.Similarity, chunks: dict[int, Chunk]
    ) -> tuple[dict[int, float], dict[int, int]]:
        """Scores of the candidates (position -> relevance, cosine plus lexical) with the state's terms, and which of
        them the states say were replaced (position -> its current version's position, added to the scores when
        missing). The candidates read from the archive on the way are added to `chunks`."""
        cfg = self.config
        chunks |= {c.position: c for c in self.store.get([p for p in pool if self._slots[p] is None])}
        lasting, optional = asks_about_past(query) or asks_for_many(query), optional_terms(query)
        question, value = is_question(query), asks_for_value(query)
        # only statements are settled by the chunk state: two functions with close embeddings share key slots, but
        # neither is a version of the other (code is versioned by name, below), nor is a question or a paste
        statements = [c for p in pool if (c := chunks.get(p)) is not None and is_statement(c)]
        naming = self._naming_old_values(query, statements, pool, sims, chunks) if value and not lasting else []
        listed = {c.position for c in statements}
        statements += [chunks[p] for p in naming if p not in listed]
        positions = torch.tensor(list(pool))
        rel = torch.tensor(list(pool.values()))
        keys = self.state.keys(self._emb[positions])
        reads, codes = self.state.read(keys), self.state.codes(positions)
        score = rel + cfg.held_weight * self.state.held(reads, codes)  # the state read once for both uses
        replaced_by: dict[int, int] = {}
        held = dict(zip([c.position for c in statements], held_terms(query, [c.text for c in statements]), strict=True))
        held = definites(query, statements, held)  # "the offsite" for the question's "team offsite"
        about = about_named(query, statements, held)  # and the updates naming the old value, which may name no more
        kept = about + [c for c in statements if c.position in naming and c not in about]
        rare: dict[int, frozenset[str]] = {}
        if not lasting and value and question and (naming_some := [c for c in kept if held[c.position] - optional]):
            followed = [max(evidence(naming_some), key=lambda c: (pool[c.position], c.position))]  # as `announced`
            for x in followed:  # and the replies to it and to them, which may name no more of the question
                rare[x.position] = self._rare_words(x)
                replies = [c for c in statements if c not in kept and follows_up(query, x, c, held, rare[x.position])]
                kept += replies
                followed += replies
        statements = kept
        relevance = dict(zip(positions.tolist(), rel.tolist(), strict=True))
        if not lasting and value:  # "the release checklist", said later, is the mobile one
            held = restated(query, statements, held, self._emb, cfg.subject_link)
        if not lasting and (value or not question):  # "we moved mobile builds to ...", also for keywords
            held = announced(
                query, statements, held, relevance, self._emb, cfg.subject_link, cfg.change_share, naming, rare
            )
        said = {c.position for c in statements}
        stated = torch.tensor([p in said for p in pool])
        near = ((rel >= rel.max() - cfg.relevant_within) & stated).nonzero().flatten()
        at = positions[near].tolist()
        settled = [([at[m] for m in g], at[o]) for g, o in self.state.settle(keys[near], reads[near], codes[near])]
        # the state's vote goes to the last write of a slot, and an acknowledgement ("Noted: <it>") is written just
        # after what it repeats: a vote for an answer goes to the evidence it acknowledges, else to none
        settled = [(g, o) for g, o in ((g, self._evidence_voted(g, o, chunks)) for g, o in settled) if o is not None]
        where = {p: i for i, p in enumerate(positions.tolist())}
        for group, owner in settled + self._subjects(query, relevance, statements, held):
            speaker = stamp_only(query, chunks[owner].text)
            old = replaced([chunks[p] for p in group], chunks[owner], held, optional, speaker)
            if old:
                score[where[owner]] = score[torch.tensor([where[p] for p in [*old, owner]])].max() + 1e-3
                # what happened, or one of many, stays true: the latest ranks first, none is stale; keywords say
                # no tense, so a mark needs the current statement's own word of change ("moved", "now")
                if not lasting and (question or announces_change(chunks[owner].text)):
                    replaced_by |= dict.fromkeys(old, owner)
                    replaced_by.pop(owner, None)
        out = dict(zip(positions.tolist(), score.tolist(), strict=True))
        for slot in {self._slots[p] for p in pool} - {None}:
            members = self._members[slot]
            if len(members) < 2:
                continue
            owner = members[self.versions.owner(slot, self.state.codes(torch.tensor(members)))[0]]
            best = max(out.get(m, -math.inf) for m in members)
            out[owner] = max(out.get(owner, float(sims[owner])), best + 1e-3)
            replaced_by |= {m: owner for m in members if m != owner and m in out}
            replaced_by.pop(owner, None)
        return out, replaced_by

    def _rare_words(self, best: Chunk) -> frozenset[str]:
        """The words of `best` (the question's best statement, or a reply to it) that 2 to `link_df` chunks hold, as
        a later statement that follows it up may share them (`changes.follows_up`)."""
        said = [w for w in sorted(words(best.text)) if w not in GRAMMAR and w.removesuffix("s") not in CALENDAR]
        return frozenset(self._held_rarely(said))

    def _held_rarely(self, terms: list[str]) -> dict[str, list[int]]:
        """The chunks holding each of `terms` that 2 to `link_df` chunks hold, by term (`Store.rare`: each term is
        read for at most `link_df` + 1 postings, so a common one costs no more than a rare one)."""
        held = self.store.rare(terms, self.config.link_df) if terms else {}
        return {t: ps for t, ps in held.items() if len(ps) >= 2}

    def _naming_old_values(
        self, query: str, said: list[Chunk], pool: dict[int, float], sims: dense.Similarity, chunks: dict[int, Chunk]
    ) -> list[int]:
        """Later statements naming a value that the candidates' best statement gives (`changes.old_values`: "We
        booked the Hotel *Adlon*", "the *7:40* ICE"), where a rare one (in 2 to `link_df` chunks) says which: an
        update may name only that ("Adlon cancelled on us, so we're at the Michelberger instead"), so it is neither
        close to the question nor among the candidates. `said`: the candidates that are statements. Those that
        announce a change join the candidates at their cosine (in `pool` and `chunks`), and their positions are
        returned, for `changes.announced` to judge."""
        if not said:
            return []
        best = max(evidence(said), key=lambda c: pool[c.position])
        olds = [word for value in old_values(best, query) for word in value]
        found = {
            p
            for held in self._held_rarely(olds).values()
            for p in held
            if best.position < p < len(self._slots) and self._live[p] and self._slots[p] is None
        }
        chunks |= {c.position: c for c in self.store.get([p for p in found if p not in chunks])}
        out = [p for p in sorted(found) if is_statement(chunks[p]) and announces_change(chunks[p].text)]
        for p in out:
            pool.setdefault(p, float(sims[p]))
        return out

    def _subjects(
        self, query: str, relevance: dict[int, float], statements: list[Chunk], held: dict[int, set[str]]
    ) -> list[tuple[list[int], int]]:
        """Candidates that state one subject of the query (`lam_memory.subjects`): groups of positions, each with its
        current member. `statements`: the candidates that are statements of the question's named subject
        (`subjects.is_statement`, `subjects.about_named`), `held`: the query terms each holds, `relevance`: each
        candidate's relevance, from `_score`. When the question says the kind of value it asks for
        (`changes.asked_kinds`: "What time does the daycare close?") and a member gives one, the current member is the
        latest that does: a later statement of the subject without one ("Daycare sent the new rates: $1,550 a month
        starting September") answers another question (LoCoMo, 1,540 questions: first hit 0.3422 -> 0.3448)."""
        if len(statements) < 2:
            return []
        groups = subject_groups(query, statements, held, relevance, self._emb, self.config.subject_link)
        asked = asked_kinds(query)
        if not asked:
            return groups
        by = {c.position: c for c in statements}
        out = []
        for group, owner in groups:  # "What time ...": the latest statement that gives a time is current
            giving = [p for p in group if by[p].role not in ANSWER_ROLES and value_kinds(by[p].text, query) & asked]
            out.append((group, owner if not giving or owner in giving else max(giving)))
        return out

    def context(
        self, query: str, budget_tokens: int = 2000, k: int = 16, exclude: Collection[tuple[str, int]] = ()
    ) -> Context:
        """Compressed evidence for `query` that fits `budget_tokens` (counted with this memory's tokenizer), from
        the `k` best hits taken in rank order until the budget is full. `exclude` leaves out hits by (source,
        start_line), e.g. messages the caller already shows. (k = 64 gave the same LoCoMo recall at 500 tokens as
        16, 0.487, and cost ~5 ms more per query at 1M tokens.)"""
        self._require_open()
        checks.check_budget(budget_tokens)
        exclude = checks.as_exclude(exclude)
        hits = [h for h in self.search(query, k=k) if (h.source, h.start_line) not in exclude]
        return pack_context(query, hits, budget_tokens, self.count_tokens)

    def chunks(self, source: str) -> list[Chunk]:
        """What the memory holds of `source`: its chunks not forgotten or gone, in order (empty if unknown)."""
        self._require_open()
        self.refresh()
        return self.store.live_chunks(checks.as_source(source, "source"))

    def messages(self, source: str = "chat") -> list[dict]:
        """The messages stored under `source` and not forgotten, in order: {"role", "content", "line"} (split
        messages rejoined)."""
        out: list[dict] = []
        for c in self.chunks(source):
            if c.kind != "message":
                continue
            if out and out[-1]["line"] == c.start_line and out[-1]["role"] == c.role and c.meta.get("part", 1) > 1:
                out[-1]["content"] += "\n\n" + c.text
            else:
                out.append({"role": c.role, "content": c.text, "line": c.start_line})
        return out

    def stats(self) -> dict:
        """What the memory holds: chunks, sources (and chunks per source), sizes (the states, the chunk keys held in
        RAM, the archive), encoder id and config."""
        self._require_open()
        self.refresh()
        sizes = self.store.bytes() if self.path else {"archive": 0, "state": 0, "total": 0}
        sources = self.store.sources()
        return {
            "path": str(self.path) if self.path else None,
            "chunks": int(self._live.sum()),  # in the memory now (ids run to len(self): gone and forgotten ones too)
            "sources": len(sources),
            "sources_detail": sources,  # chunks per source, in order of first arrival
            "state_shape": list(self.state.S.shape),
            "version_state_shape": list(self.versions.V.shape),
            "state_bytes": sum(t.numel() * t.element_size() for t in (self.state.S, self.versions.V)),
            # in RAM, the one part that grows with length: float32 keys and the float16 copy the dense scan reads
            "keys_bytes": self._emb.numel() * (self._emb.element_size() + 2),
            "archive_bytes": sizes["archive"],
            "encoder": self.store.meta.get("encoder"),
            "config": self.config.to_json(),
        }

    def __len__(self) -> int:
        return self._emb.shape[0]

    def close(self) -> None:
        """Close the archive; every verb after it raises LAMError("memory is closed"). Closing twice is fine."""
        self._closed = True
        self.store.close()

    def _require_open(self) -> None:
        if self._closed:
            raise LAMError("memory is closed")

    def _demote_answers(self, score: dict[int, float], replaced_by: dict[int, int], chunks: dict[int, Chunk]) -> None:
        """Answers rank below the evidence they were drawn from (`search`'s last step, after the versions are
        settled). A chunk by an ANSWER_ROLES role (an assistant's turn) loses `config.answer_penalty`, and it never
        supersedes a chunk by another author. Why: an answer restates its evidence, so it is about as relevant to
        the question, and being written later it overwrites the evidence's state slots, taking up to held_weight of
        score from it and the state's vote on which version is current; a wrong answer would then outrank and mark
        as superseded the very text that refutes it. The default penalty (0.2) is held_weight (0.15) plus a margin:
        an answer still wins when it is clearly more relevant than any evidence. And an answer that restates a
        superseded statement is superseded with it: "Noted: dentist Thursday 2:30", between "My dentist appointment
        is Thursday at 2:30" and "the dentist moved me to 9:15", repeats a value (`values.values_in`) that the first
        gives and the update does not, and none that the update gives. One written after the current version that
        gives values, and only values it gives, acknowledges it ("Understood, the API now serves TLS on 8443" after
        "the api is on 8443 from now on"): it is not stale. `chunks`: the candidates read by `_score`."""
        if not self._answers:
            return
        for p in score:
            if p in self._answers:
                score[p] -= self.config.answer_penalty
        for p, owner in list(replaced_by.items()):
            if owner in self._answers and p not in self._answers:
                del replaced_by[p]
        said = {
            p: values_in(chunks[p].text) for p in score if p in self._answers and p not in replaced_by and p in chunks
        }
        for old, owner in list(replaced_by.items()) if said else ():
            if old in self._answers or old not in chunks or owner not in chunks:
                continue
            new = values_in(chunks[owner].text)
            stale = values_in(chunks[old].text) - new
            for p, values in said.items():
                if old < p < owner and values & stale and not values & new:
                    replaced_by[p] = owner
        for p, owner in list(replaced_by.items()):
            ack = p in self._answers and p > owner and p in chunks and owner in chunks
            if ack and acknowledges(chunks[p].text, chunks[owner].text):
                del replaced_by[p]

    def _evidence_voted(self, group: list[int], owner: int, chunks: dict[int, Chunk]) -> int | None:
        """The current member of a group the chunk state settled, `owner` by its vote: an answer is never current,
        so a vote for one goes to the latest piece of evidence before it when the answer acknowledges it (the state
        owes its vote to the answer's write just after it: "Noted: New lease signed, rent is $2,250 a month"), and
        to none otherwise (the answer may restate a later statement outside the group: "Updated: Jake's practice
        moves to Wednesdays" in a group of "Tuesdays at 5:30" and its acknowledgement)."""
        if owner not in self._answers:
            return owner
        before = [p for p in group if p not in self._answers and p < owner and p in chunks]
        if not before or owner not in chunks:
            return None
        last = max(before)
        return last if acknowledges(chunks[owner].text, chunks[last].text) else None

    def __enter__(self) -> LAMMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------------------
    def _load(self, refresh: bool = False, reload_state: bool = True) -> None:
        """Read the memory: the saved state first, then the archive in one snapshot (the archive is committed before
        a state is saved, so the snapshot is never older than the state), then replay the chunks the state does not
        cover (a crash, or another process's unsaved commits); retired ones among them are erased again. With
        `refresh`, keys already loaded are kept, and without `reload_state` (the state file has not changed) only
        the new chunks are replayed onto the state in RAM. Damage is a LAMError naming `lam repair`; nothing of this
        memory changes then."""
        cfg, dim = self.config, self.state.proj.shape[1]
        stamp = self.store.state_stamp()
        start = len(self) if refresh else 0
        tensors, covered = None, start
        fresh = reload_state or not refresh  # the state is read from its file, not extended in RAM
        if fresh:
            saved = self.store.load_state()
            tensors, covered = saved if saved is not None else (None, 0)
        snap = self.store.snapshot(keys_from=start, chunks_from=covered)
        n = snap.count
        problems = list(snap.problems)
        if tensors is not None:
            problems += integrity.state_problems(tensors, covered, n, cfg)
        if n and snap.dim not in (None, dim):
            problems.append(f"the archive's keys have dimension {snap.dim}, the encoder's have {dim}")
        if n < start:
            problems.append(f"the archive shrank from {start} to {n} chunks while open")
        if problems:
            more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
            raise LAMError(
                f"memory at {self.path} is damaged: {problems[0]}{more}; `lam check --memory {self.path}` lists the "
                f"problems, `lam repair --memory {self.path}` rebuilds what the archive allows"
            )
        positions, status = torch.from_numpy(snap.positions), torch.from_numpy(snap.status.astype("int64"))
        emb = torch.zeros(n, dim)
        emb[:start] = self._emb[:start]
        if len(snap.keys):
            emb[positions[positions >= start]] = torch.from_numpy(snap.keys)
        emb[positions[status == FORGOTTEN]] = 0
        live = torch.zeros(n, dtype=torch.bool)
        live[positions] = status == LIVE
        slots: list[str | None] = [None] * n
        for p, slot in zip(snap.positions.tolist(), snap.slots, strict=True):
            slots[p] = slot
        state, versions = self.state, self.versions  # as made by __init__ on the first load
        if refresh and fresh:
            state = MemoryState(cfg, dim=dim)
            versions = VersionState(cfg.version_dim, cfg.version_winners, cfg.value_dim)
        if tensors is not None:
            state.load(tensors)
            if "V" in tensors:
                versions.V = tensors["V"].float()
        self.state, self.versions, self._emb, self._live, self._slots = state, versions, emb, live, slots
        self._members = {}
        for p, slot in enumerate(slots):
            if slot:
                self._members.setdefault(slot, []).append(p)
        if tensors is not None and "V" not in tensors:  # saved before versions existed: rebuild them
            self._write_versions(list(range(covered)), slots[:covered])
        if covered < n:
            by_position = {c.position: c for c in snap.chunks}
            state.write(emb[covered:], torch.tensor(self._token_counts([by_position[p] for p in range(covered, n)])))
            self._write_versions(list(range(covered, n)), slots[covered:])
            gone = [p for p in range(covered, n) if not live[p]]
            if gone:
                state.erase(emb[gone])
        self._answers = set(self.store.positions_of_roles(ANSWER_ROLES))
        self._seen = (stamp, snap.data_version)

    def _sync(self) -> bool:
        """Load what changed since the last load (cheap when nothing did: a stat and a PRAGMA)."""
        stamp = self.store.state_stamp()
        if (stamp, self.store.data_version()) == self._seen:
            return False
        self._load(refresh=True, reload_state=stamp != self._seen[0])
        return True

    def _begin_write(self) -> None:
        """Take the writer lock before a write (one writer per memory across processes, until `save` or `close`)
        and catch up with what others committed before it, so the write extends the archive and state as they are."""
        if self.store.acquire_writer():
            try:
                self._sync()
            except BaseException:
                self.store.release_writer()
                raise

    def _write_versions(self, positions: list[int], slots: list[str | None]) -> None:
        """Write each slotted chunk's code into its slot of the version state, in order."""
        todo = [(p, s) for p, s in zip(positions, slots, strict=True) if s]
        if todo:
            codes = self.state.codes(torch.tensor([p for p, _ in todo]))
            for (_, slot), code in zip(todo, codes, strict=True):
                self.versions.write(slot, code)

    def _revise(self, source: str, digest: str, chunks: list[Chunk], progress: Progress | None, read: str) -> int:
        """`chunks` are the whole new content of `source`: add what is new, keep what is unchanged (moving its
        lines), retire (GONE) the old chunks that neither reappear nor have a new version. New and kept paragraphs
        are marked as read in write `read` (the content as now read, see `_read_as_one`). Returns chunks added."""
        if self.store.source_digest(source) == digest:
            return 0
        old = self.store.live_chunks(source)
        by_text: dict[tuple, list[Chunk]] = {}
        for c in old:
            by_text.setdefault((c.text, c.role), []).append(c)
        new, moves, kept = [], [], set()
        for c in chunks:
            same = by_text.get((c.text, c.role))
            if not same:
                new.append(c)
                continue
            was = same.pop(0)
            kept.add(was.position)
            if (was.start_line, was.end_line) != (c.start_line, c.end_line):
                moves.append((was.position, c.start_line, c.end_line))
        self.store.move_lines(moves)
        self.store.mark_read([c.position for c in old if c.position in kept and c.kind == "text"], read)
        added = self.add_chunks(_read_as_one(new, read), progress)
        present = {slot_of(c) for c in chunks} - {None}  # units still in the file keep their older versions
        self._retire([c.position for c in old if c.position not in kept and c.meta.get("slot") not in present], GONE)
        self.store.set_source_digest(source, digest)
        return added

    def _retire(self, positions: list[int], status: int) -> None:
        """Take chunks out of the memory (GONE or FORGOTTEN): archive status, state erased, slots handed back."""
        if not positions:
            return
        self.state.erase(self._emb[positions])
        self.store.set_status(positions, status)
        self._live[positions] = False
        if status == FORGOTTEN:
            self._emb[positions] = 0
        gone = set(positions)
        for slot in {self._slots[p] for p in positions} - {None}:
            members = self._members[slot] = [m for m in self._members[slot] if m not in gone]  # what is left
            self.versions.write(slot, self.state.codes(torch.tensor(members[-1:]))[0] if members else None)
        for p in positions:
            self._slots[p] = None

    def _token_counts(self, chunks: list[Chunk]) -> list[int]:
        """Tokens per chunk as the state's decay reads them (at least 1)."""
        return [max(1, self.count_tokens(c.text)) for c in chunks]


_THREADS_LOCK = threading.Lock()
_SIDE: futures.ThreadPoolExecutor | None = None


def _beside(fn: Callable, *args) -> futures.Future:
    """fn(*args) on a worker thread while the caller goes on. A search runs its lexical query there while it encodes
    the query: SQLite runs without the GIL and the encoder uses one thread (`_one_thread`), so on a second core the
    two overlap (the FTS5 query was ~13% of a query's time at 1M tokens, ~45% at 10M)."""
    global _SIDE
    if _SIDE is None:
        _SIDE = futures.ThreadPoolExecutor(1, thread_name_prefix="lam-search")
    return _SIDE.submit(fn, *args)


def _forget_worker() -> None:
    """In a forked child the worker thread does not exist: start a new one on the next search instead of queueing
    work for it forever."""
    global _SIDE
    _SIDE = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_worker)


@contextlib.contextmanager
def _one_thread() -> Iterator[None]:
    """A search is a short text to encode and small tensors to score: one thread is faster than waiting on intra-op
    synchronisation (a lot, on busy CPUs). Where torch's thread count is process-wide, concurrent searches take
    turns switching it (and restore it)."""
    with _THREADS_LOCK:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            yield
        finally:
            torch.set_num_threads(threads)


def _lift(score: dict[int, float], chosen: set[int]) -> None:
    """Lift the `chosen` candidates, all by one amount (their order kept), just above the best of the others."""
    others = [score[p] for p in score if p not in chosen]
    if chosen and others:
        lift = max(0.0, max(others) - min(score[p] for p in chosen)) + 1e-3
        for p in chosen:
            score[p] += lift


_HEAD = re.compile(r"^[ \t]*(?:(?:async[ \t]+)?def|class)\b", re.M)  # the line that opens a unit
_OVERLOAD = re.compile(r"^[ \t]*@(?:[\w.]+\.)?overload[ \t]*$", re.M)  # `@overload`, `@typing.overload`, `@t.overload`


def _overload_stub(text: str) -> bool:
    """Whether a unit of code is a typing overload: `@overload` among the decorators before its first line."""
    head = _HEAD.search(text)
    return bool(head and _OVERLOAD.search(text, 0, head.start()))


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_id() -> str:
    """An id for one write (`add`, `add_path`): its start time in hex nanoseconds."""
    return f"{time.time_ns():x}"


def _read_as_one(chunks: list[Chunk], read: str) -> list[Chunk]:
    """Mark the paragraphs (kind "text") of a document read in one write: they were current together, so none
    supersedes another (`subjects.replaced`); messages keep their order, code is versioned by name."""
    for c in chunks:
        if c.kind == "text":
            c.meta["read"] = read
    return chunks


def _embed_text(chunk: Chunk) -> str:
    """What the encoder sees: the text, prefixed by the role for messages."""
    return f"{chunk.role}: {chunk.text}" if chunk.role else chunk.text
