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

Search. For a query q (embedded the same way), candidates are the top chunks by cosine similarity and the top
chunks of the archive's lexical index (`lam_memory.lexical`: SQLite FTS5 over identifier-aware terms, BM25 with the
source path and the qualified name weighted above the text); each gets

    rel_j   = cos(q, e_j) + mu * bm25_j / max_i bm25_i         mu = 0.2; bm25 = 0 for chunks without a match
    score_j = rel_j + lambda * h_j,     h_j = c_j . (S^fast^T k_j + S^slow^T k_j) / 2,     lambda = 0.15

The lexical term is scaled by the query's best match so that its weight does not depend on the corpus: the chunk
that matches the query's words best gets mu, about one STS-B point of the encoder's cosine scale (its STS-B
fine-tuning maps a 0-5 similarity score s to a cosine of about s / 5), so naming an identifier moves its
definition up by as much as one grade of similarity, not more. h_j ("held") is what the state still recalls of
chunk j: about 1 for a recent chunk nothing overwrote, lower as it decays or once later chunks about the same
thing overwrote its slot. Then the state settles versions: among the candidates nearly as relevant as the best
(rel within 0.15), chunks whose keys overlap (k_i . k_j >= 0.2: the delta rule treated them as one slot) form a
group, and the group asks the state who owns its slots now:

    votes_i = sum_{m in group} c_i . (S^T k_m)        (the state read with each member's key, matched to i's code)

The chunk with the most votes, normally the latest version, since each write erased its predecessors' codes
along the shared key and wrote its own, takes the group's top score and the others are marked as superseded by
it. So superseded evidence loses to its replacement even when the stale wording is closer to the question, while
unrelated evidence is ranked by similarity as before.

Units of code are settled exactly by the version state (`lam_memory.versions`): each function, method or class
has a slot named by its qualified name, every version is written into that slot, and the version the state holds
there is current; it takes the best score of its slot's candidates (and joins them if the query found only older
versions), and the older ones name it in `superseded_by`.

Files read again (`add_path`, `add(replace=True)`) are revisions, not duplicates: the same content adds nothing,
unchanged chunks are kept (their lines follow the file), changed units are added as new versions, and chunks that
are gone from the file leave the memory. `forget` removes sources or chunks: archive text, key and index entries
are deleted and their associations are erased from both states (a delta-rule write with a zero value).

Context. `context(query, budget_tokens)` packs the top hits into the budget with `lam_memory.compress.pack_context`.
"""

from __future__ import annotations

import hashlib
import math
import threading
import warnings
from collections.abc import Callable, Collection
from pathlib import Path

import torch

from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning, chunk_file, chunk_messages, chunk_source, iter_files
from lam_memory.compress import pack_context
from lam_memory.config import MemoryConfig
from lam_memory.ops import lam_chunkwise
from lam_memory.store import FORGOTTEN, GONE, LIVE, Store
from lam_memory.tokens import TokenCounter
from lam_memory.tokens import count_tokens as default_count_tokens
from lam_memory.types import Chunk, Context, Hit
from lam_memory.versions import VersionState, slot_of

__all__ = ["LAMMemory", "Hit", "Context", "MemoryState", "MemoryConfig"]

Progress = Callable[[int, int], None]  # progress(chunks, tokens), called after each commit


class MemoryState:
    """The chunk-level fast/slow state: keys, codes and the delta-rule update (see the module doc)."""

    def __init__(self, config: MemoryConfig | None = None, dim: int = 384):
        self.config = cfg = config or MemoryConfig()
        g = torch.Generator().manual_seed(cfg.seed)
        self.proj = torch.randn(cfg.key_dim, dim, generator=g) / math.sqrt(dim)
        self.S = torch.zeros(1, 1, 2, cfg.key_dim, cfg.value_dim)
        self.count = 0
        self.mix = torch.tensor([cfg.mix])

    def keys(self, emb: torch.Tensor) -> torch.Tensor:
        """Sparse unit keys (n, key_dim) of embeddings (n, dim)."""
        h = emb.float() @ self.proj.T
        top = h.topk(self.config.winners, dim=-1)
        k = torch.zeros_like(h).scatter_(-1, top.indices, top.values.clamp(min=0))
        return torch.nn.functional.normalize(k, dim=-1)

    def codes(self, positions: torch.Tensor) -> torch.Tensor:
        """Deterministic +-1/sqrt(d) codes (n, value_dim) of chunk positions."""
        value_dim = self.config.value_dim
        bits = torch.arange(value_dim)
        x = (positions[:, None].long() * 0x9E3779B1 + bits[None, :] * 0x85EBCA77) & 0xFFFFFFFF
        x = ((x ^ (x >> 15)) * 0x2C1B3C6D) & 0xFFFFFFFF
        x = ((x ^ (x >> 12)) * 0x297A2D39) & 0xFFFFFFFF
        x = x ^ (x >> 15)
        return ((x & 1).float() * 2 - 1) / math.sqrt(value_dim)

    def write(self, emb: torch.Tensor, tokens: torch.Tensor) -> None:
        """Fold chunks (in order) into the state: embeddings (n, dim), token counts (n,)."""
        n = emb.shape[0]
        if n == 0:
            return
        cfg = self.config
        k = self.keys(emb).view(1, 1, n, cfg.key_dim)
        v = self.codes(torch.arange(self.count, self.count + n)).view(1, 1, n, cfg.value_dim)
        steps = tokens.float().view(1, 1, 1, n) / cfg.tokens_per_step
        log_a = -torch.cat((cfg.rate_fast * steps, cfg.rate_slow * steps), dim=2)
        ones = torch.ones(1, 1, n)
        _, self.S = lam_chunkwise(
            k, k, v, ones, log_a, ones, self.mix, self.S, offset=self.count, mix_every=cfg.mix_every
        )
        self.count += n

    def read(self, keys: torch.Tensor) -> torch.Tensor:
        """The state's answer (n, value_dim) for keys (n, key_dim), fast and slow averaged."""
        return torch.einsum("nk,skv->nv", keys, self.S[0, 0]) / 2

    @staticmethod
    def held(reads: torch.Tensor, codes: torch.Tensor) -> torch.Tensor:
        """How much of each chunk's association the state still recalls (about 1 = intact, 0 = gone), from its
        `reads` = `read(keys)` and its `codes`."""
        return (reads * codes).sum(-1)

    def settle(self, keys: torch.Tensor, reads: torch.Tensor, codes: torch.Tensor) -> list[tuple[list[int], int]]:
        """Groups of chunks sharing state slots (key overlap >= same_slot), each with the index of its owner;
        `reads` = `read(keys)`, `codes` = the chunks' codes."""
        linked = (keys @ keys.T) >= self.config.same_slot
        votes = reads @ codes.T  # [m, i]: state read at m's key, matched to i's code
        groups, seen = [], set()
        for start in range(len(codes)):
            if start in seen:
                continue
            group, stack = [], [start]
            seen.add(start)
            while stack:
                j = stack.pop()
                group.append(j)
                for i in linked[j].nonzero().flatten().tolist():
                    if i not in seen:
                        seen.add(i)
                        stack.append(i)
            if len(group) > 1:
                g = torch.tensor(group)
                groups.append((group, group[int(votes[g][:, g].sum(0).argmax())]))
        return groups

    def erase(self, emb: torch.Tensor) -> None:
        """Erase what the state holds along the keys of embeddings (n, dim): S <- S - k (k^T S), no decay."""
        for k in self.keys(emb):
            self.S = self.S - k[:, None] * torch.einsum("k,...kv->...v", k, self.S)[..., None, :]

    def tensors(self) -> dict[str, torch.Tensor]:
        return {"S": self.S, "count": torch.tensor([self.count])}

    def load(self, tensors: dict[str, torch.Tensor]) -> None:
        self.S = tensors["S"].float()
        self.count = int(tensors["count"][0])


class LAMMemory:
    """Long-context memory: `add`, `add_messages`, `add_path`, `search`, `context`, `messages`, `save`.

    `LAMMemory("dir/")` opens or creates a memory on disk; `LAMMemory()` keeps it in RAM. A new memory takes
    `config` (default `MemoryConfig()`); an existing one uses the config saved with it.
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
    ):
        from lam_memory.encoder import default_encoder

        self.encoder = encoder or default_encoder()
        self.count_tokens = count_tokens or default_count_tokens
        self.path = Path(path) if path is not None else None
        wanted = config or MemoryConfig()
        encoder_id = getattr(self.encoder, "encoder_id", "")
        self.store = Store(path, encoder_id=encoder_id, create=create, readonly=readonly, config=wanted.to_json())
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
        dim = self.state.proj.shape[1]
        self._emb = torch.from_numpy(self.store.keys()) if self.store.count() else torch.zeros(0, dim)
        self._live = torch.from_numpy(self.store.statuses() == LIVE)
        self._slots = self.store.slots()  # per position: its version slot while it is live, else None
        self._members: dict[str, list[int]] = {}  # slot -> its live positions, in order
        for p, slot in enumerate(self._slots):
            if slot:
                self._members.setdefault(slot, []).append(p)
        self._restore_state()

    # -- writing ------------------------------------------------------------------------------------------
    def add(
        self, text: str, source: str = "text", kind: str | None = None, *, replace: bool = False,
        progress: Progress | None = None,
    ) -> int:  # fmt: skip
        """Add text from `source`, chunked by its kind: "code", "text" or, by default, what the source's name says
        (`notes.md` prose, `x.py` code). With `replace=True` the text is the whole new content of `source` (a file
        read again): unchanged units are kept, changed ones become revisions of the old, missing ones are marked
        gone, and the same content again adds nothing. Returns the number of chunks added."""
        if kind not in (None, "code", "text"):
            raise LAMError(f"kind must be 'text', 'code' or None (from the source's name), got {kind!r}")
        chunks = chunk_source(text, source, kind, chunk_tokens=self.config.chunk_tokens)
        if replace:
            return self._revise(source, _digest(text.encode("utf-8", "surrogatepass")), chunks, progress)
        return self.add_chunks(chunks, progress)

    def add_messages(self, messages: list[dict], source: str = "chat", progress: Progress | None = None) -> int:
        """Add chat messages ({"role", "content"}), one chunk per message (long ones split). A message's line is
        its place in `source`'s transcript: numbering continues after the messages `source` already holds."""
        first = self.store.last_line(source) + 1
        lines = list(range(first, first + len(messages)))
        chunks = chunk_messages(messages, source, chunk_tokens=self.config.chunk_tokens, line_numbers=lines)
        return self.add_chunks(chunks, progress)

    def add_path(
        self,
        *paths: str | Path,
        progress: Progress | None = None,
        on_file: Callable[[Path], None] | None = None,
    ) -> int:
        """Add files and folders (walked respecting .gitignore; binary files skipped with a SkippedFileWarning).
        A file already in memory is read as a new version of it (see `add(replace=True)`): the same content adds
        nothing, so a repeated or resumed ingest leaves no duplicates. `progress(chunks, tokens)` is called after
        each commit, `on_file(path)` after each file."""
        added = 0
        for file in iter_files(paths):
            data = file.read_bytes()
            digest = _digest(data)
            if self.store.source_digest(str(file)) != digest:  # else: read before, as it is now
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", SkippedFileWarning)
                    chunks = chunk_file(file, chunk_tokens=self.config.chunk_tokens, data=data)
                skipped = [w for w in caught if issubclass(w.category, SkippedFileWarning)]
                for w in skipped:
                    warnings.warn(str(w.message), SkippedFileWarning, stacklevel=2)
                if not skipped:  # a skipped (binary) file is not a new, empty version of itself
                    added += self._revise(str(file), digest, chunks, progress)
            if on_file:
                on_file(file)
        return added

    def add_chunks(self, chunks: list[Chunk], progress: Progress | None = None) -> int:
        """Encode, archive and fold chunks into the state, committing every `config.commit_every` chunks;
        `progress(chunks, tokens)` is called after each commit."""
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
        if source is None and not ids:
            raise LAMError("forget needs a source or chunk ids")
        bad = [i for i in ids if not isinstance(i, int) or not 0 <= i < len(self)]
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
        """Persist the state (the archive is already committed chunk batch by chunk batch)."""
        self.store.save_state(self.state.tensors() | {"V": self.versions.V}, covered=self.state.count)

    # -- reading ------------------------------------------------------------------------------------------
    def search(self, query: str, k: int = 5, candidates: int | None = None) -> list[Hit]:
        """The k best chunks for `query`, best first (see the module doc for the score); `candidates` (default
        `config.candidates`) chunks by similarity are scored with the state. A hit that the state says was
        replaced names its current version in `superseded_by`, and that version ranks above it."""
        if not isinstance(query, str) or not query.strip():
            raise LAMError("empty query")
        live = int(self._live.sum())
        if live == 0:
            return []
        cfg = self.config
        q = _encode_query(self.encoder, query)
        sims = (self._emb @ q).masked_fill(~self._live, -math.inf)
        n = min(max(candidates or cfg.candidates, k), live)
        top = sims.topk(n)
        pool = {int(p): float(v) for p, v in zip(top.indices, top.values, strict=True)}
        lexical = self.store.lexical(query, n, cfg.lexical_columns)
        for p, bm25 in lexical:  # relevance = cosine + the lexical match relative to the query's best
            if p < len(sims):
                pool[p] = float(sims[p]) + cfg.lexical_weight * bm25 / max(lexical[0][1], 1e-9)
        score, replaced_by = self._score(pool, sims)
        order = sorted(score, key=score.__getitem__, reverse=True)[:k]
        chunks = {c.position: c for c in self.store.get(order + [p for p in set(replaced_by.values())])}
        return [
            Hit(c.text, c.source, c.start_line, c.end_line, score[p], p, c.kind, c.role, rank=r + 1,
                superseded_by=_cite(chunks[replaced_by[p]]) if p in replaced_by else None)
            for r, (p, c) in enumerate((p, chunks[p]) for p in order)
        ]  # fmt: skip

    def _score(self, pool: dict[int, float], sims: torch.Tensor) -> tuple[dict[int, float], dict[int, int]]:
        """Scores of the candidates (position -> relevance, cosine plus lexical) with the state's terms, and which of
        them the states say were replaced (position -> its current version's position, added to the scores when
        missing)."""
        cfg = self.config
        positions = torch.tensor(list(pool))
        rel = torch.tensor(list(pool.values()))
        keys = self.state.keys(self._emb[positions])
        reads, codes = self.state.read(keys), self.state.codes(positions)
        score = rel + cfg.held_weight * self.state.held(reads, codes)  # the state read once for both uses
        replaced_by: dict[int, int] = {}
        near = (rel >= rel.max() - cfg.relevant_within).nonzero().flatten()
        for group, owner in self.state.settle(keys[near], reads[near], codes[near]):
            members = near[torch.tensor(group)]
            score[near[owner]] = score[members].max() + 1e-3
            replaced_by |= {int(positions[m]): int(positions[near[owner]]) for m in members if m != near[owner]}
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

    def context(
        self, query: str, budget_tokens: int = 2000, k: int = 16, exclude: Collection[tuple[str, int]] = ()
    ) -> Context:
        """Compressed evidence for `query` that fits `budget_tokens` (counted with this memory's tokenizer), from
        the `k` best hits taken in rank order until the budget is full. `exclude` leaves out hits by (source,
        start_line), e.g. messages the caller already shows. (k = 64 gave the same LoCoMo recall at 500 tokens as
        16, 0.487, and cost ~5 ms more per query at 1M tokens.)"""
        if not isinstance(budget_tokens, int) or budget_tokens <= 0:
            raise LAMError(f"budget must be a positive number of tokens, got {budget_tokens!r}")
        hits = [h for h in self.search(query, k=k) if (h.source, h.start_line) not in exclude]
        return pack_context(query, hits, budget_tokens, self.count_tokens)

    def messages(self, source: str = "chat") -> list[dict]:
        """The messages stored under `source` and not forgotten, in order: {"role", "content", "line"} (split
        messages rejoined)."""
        out: list[dict] = []
        for c in self.store.live_chunks(source):
            if c.kind != "message":
                continue
            if out and out[-1]["line"] == c.start_line and out[-1]["role"] == c.role and c.meta.get("part", 1) > 1:
                out[-1]["content"] += "\n\n" + c.text
            else:
                out.append({"role": c.role, "content": c.text, "line": c.start_line})
        return out

    def stats(self) -> dict:
        """What the memory holds: chunks, sources (and chunks per source), sizes, encoder id and config."""
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
            "archive_bytes": sizes["archive"],
            "encoder": self.store.meta.get("encoder"),
            "config": self.config.to_json(),
        }

    def __len__(self) -> int:
        return self._emb.shape[0]

    def close(self) -> None:
        self.store.close()

    def __enter__(self) -> LAMMemory:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- internals ----------------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        """Load the saved state and replay any archived chunks it does not cover (after a crash)."""
        saved = self.store.load_state()
        covered = 0
        if saved is not None:
            tensors, covered = saved
            if covered > len(self):  # state ahead of the archive (power loss): rebuild from scratch
                covered = 0
            else:
                self.state.load(tensors)
                if "V" in tensors and tensors["V"].shape == self.versions.V.shape:
                    self.versions.V = tensors["V"].float()
                else:  # saved before versions existed: rebuild them (only code units have slots)
                    self._write_versions(list(range(covered)), self._slots[:covered])
        if covered < len(self):
            chunks = list(self.store.iter_chunks(start=covered))
            self.state.write(self._emb[covered:], torch.tensor(self._token_counts(chunks)))
            self._write_versions(list(range(covered, len(self))), self._slots[covered:])

    def _write_versions(self, positions: list[int], slots: list[str | None]) -> None:
        """Write each slotted chunk's code into its slot of the version state, in order."""
        todo = [(p, s) for p, s in zip(positions, slots, strict=True) if s]
        if todo:
            codes = self.state.codes(torch.tensor([p for p, _ in todo]))
            for (_, slot), code in zip(todo, codes, strict=True):
                self.versions.write(slot, code)

    def _revise(self, source: str, digest: str, chunks: list[Chunk], progress: Progress | None) -> int:
        """`chunks` are the whole new content of `source`: add what is new, keep what is unchanged (moving its
        lines), retire (GONE) the old chunks that neither reappear nor have a new version. Returns chunks added."""
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
        added = self.add_chunks(new, progress)
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


def _encode_query(encoder, query: str) -> torch.Tensor:
    """One short text: a single thread is faster than waiting on intra-op synchronisation (a lot, on busy CPUs).
    torch's thread count is process-wide, so concurrent searches take turns switching it (and restore it)."""
    with _THREADS_LOCK:
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            return encoder.encode([query])[0]
        finally:
            torch.set_num_threads(threads)


def _cite(c: Chunk) -> str:
    return f"{c.source}:{c.start_line}-{c.end_line}"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _embed_text(chunk: Chunk) -> str:
    """What the encoder sees: the text, prefixed by the role for messages."""
    return f"{chunk.role}: {chunk.text}" if chunk.role else chunk.text
