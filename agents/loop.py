"""The agent loop: memory -> prompt -> LLM -> tools -> answer -> memory.

Per turn (`Agent.ask`):

1. Budget. C = `llm.context_length()`. The fixed part of the prompt (system text, tool signatures, the question)
   is counted with `llm.count_tokens` (the serving model's tokenizer and chat template). The answer gets
   `max_tokens` (less when the room is short, never below MIN_ANSWER, else LAMError: the question does not fit).
   With tools, TOOL_ROOM tokens (at most a quarter of what is left) stay free for tool results. Recent turns of
   this session take up to a quarter of the rest (all of it without memory), newest kept first; the memory
   budget is `budget` (default DEFAULT_BUDGET) capped by what remains.
2. Prompt. One system message: the system text, then the compressed memory (`memory.context(question, budget,
   exclude=...)`: evidence blocks headed by their `[source:start-end]` citations, leaving out this session's
   messages already shown as turns); then the
   recent turns; then the question. The assembled prompt is counted again and trimmed (older turns first, then
   memory) until prompt + answer <= C, since the memory packs with its own tokenizer.
3. Tools (OpenAI tool schema): `memory_search(query, k)`, `memory_write(text)`, `run_python(code)` (the sandbox).
   At most `max_rounds` rounds of tool calls; `tool_choice` applies to the first round only (small models call
   tools only when forced); tool results are cut to the room left so the prompt still fits. If the model still
   asks for tools after the last round, one last call without tools gets the answer.
4. Record. `Answer` holds the text, the evidence used (context hits + memory_search hits), the tokens of every
   LLM call summed, the memory context's tokens and the tool calls made. Then the memory gets what is evidence:
   the user's question and the results of `run_python` (role "tool"), as messages of this session's transcript
   (`memory.add_messages`, source `chat/<session>`, lines = the message's place in that transcript). The model's
   own answer is not evidence and is stored only with `remember_answers=True` (`--remember-answers`), as an
   assistant message, which the memory ranks below the evidence it was drawn from and never lets supersede it
   (`MemoryConfig.answer_penalty`); `memory_write` notes are stored as assistant messages too.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lam_memory import LAMError
from lam_memory.types import Context, Hit

SYSTEM = (
    "You are a helpful assistant with a long-term memory. When the memory excerpts below answer the question, "
    "use them and cite their [source:start-end]. If they do not, say so. Be concise."
)
MEMORY_HEADER = (
    "# Memory\nExcerpts from your long-term memory, each headed by its citation [source:start-end] or [source:line] "
    "(most relevant first within the token budget). An excerpt marked (superseded by X) is an older version: "
    "X replaced it, so answer from X, the current one.\n\n"
)
DEFAULT_BUDGET = 2000
MIN_ANSWER = 16  # fewer answer tokens than this and the question is deemed not to fit
MIN_MEMORY = 24  # a memory budget below this is not worth a context
TOOL_ROOM = 384  # kept free for tool results when tools are offered
MAX_RESULT_CHARS = 4000

ToolChoice = str | dict | None


@dataclass
class Answer:
    """One answer and what it cost. `prompt_tokens`/`completion_tokens` sum every LLM call of the turn;
    `context_tokens` is the memory context's size (memory tokenizer); `tool_calls` lists
    {"name", "arguments", "result"} in order."""

    answer: str
    evidence: list[Hit]
    prompt_tokens: int
    completion_tokens: int
    model: str
    context_tokens: int = 0
    tool_calls: list[dict] = field(default_factory=list)
    rounds: int = 1
    seconds: float = 0.0

    def to_json(self) -> dict:
        """The `lam ask --json` record."""
        return {
            "answer": self.answer,
            "evidence": [h.to_json() for h in self.evidence],
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "model": self.model,
        }


def _fn(name: str, description: str, properties: dict, required: list[str]) -> dict:
    params = {"type": "object", "properties": properties, "required": required}
    return {"type": "function", "function": {"name": name, "description": description, "parameters": params}}


MEMORY_SEARCH = _fn(
    "memory_search",
    "Search the long-term memory; returns the best matching excerpts with their [source:start-end] citations.",
    {"query": {"type": "string", "description": "what to look for"}, "k": {"type": "integer", "description": "1-10"}},
    ["query"],
)
MEMORY_WRITE = _fn(
    "memory_write",
    "Save a note into the long-term memory for later turns.",
    {"text": {"type": "string", "description": "the note"}},
    ["text"],
)
RUN_PYTHON = _fn(
    "run_python",
    "Run Python code in a sandbox (standard library only, no network); returns exit code, stdout and stderr.",
    {"code": {"type": "string", "description": "a complete Python program; print what you need"}},
    ["code"],
)


def _cut(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    return text if len(text) <= limit else text[:limit] + f"\n... ({len(text) - limit} more characters cut)"


class Agent:
    """A chat agent over a LAMMemory (or none) and an LLM (`agents.llm.LLM` or anything with its interface:
    `chat`, `context_length`, `count_tokens`, `model`)."""

    def __init__(
        self,
        memory: Any | None,
        llm: Any,
        budget: int | None = None,
        system: str = SYSTEM,
        *,
        max_tokens: int = 512,
        max_rounds: int = 4,
        tools: bool = True,
        python: bool = True,
        ingest: bool = True,
        k: int = 16,
        temperature: float = 0.0,
        session: str | None = None,
        sandbox_timeout: float = 10.0,
        remember_answers: bool = False,
    ) -> None:
        if budget is not None and budget <= 0:
            raise LAMError(f"the memory budget must be positive, got {budget}")
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 1:
            raise LAMError(f"the answer's max tokens must be a positive integer, got {max_tokens!r}")
        self.memory = memory
        self.llm = llm
        self.budget = budget
        self.system = system
        self.max_tokens = max_tokens
        self.max_rounds = max_rounds
        self.ingest = ingest
        self.remember_answers = remember_answers  # store the model's answers too (as assistant messages)
        self.k = k
        self.temperature = temperature
        self.sandbox_timeout = sandbox_timeout
        self.source = f"chat/{session or time.strftime('%Y%m%d-%H%M%S')}"
        # this session's messages in order ({"role", "content", "line": its line in `source` once ingested});
        # clear it to forget the conversation (the memory keeps it)
        self.history: list[dict] = []
        self.tools: list[dict] = []
        if tools:
            self.tools = [MEMORY_SEARCH, MEMORY_WRITE] if memory is not None else []
            self.tools += [RUN_PYTHON] if python else []

    # ---------------------------------------------------------------- one turn

    def ask(
        self, question: str, stream_to: Callable[[str], None] | None = None, tool_choice: ToolChoice = None
    ) -> Answer:
        """Answer `question` (see the module doc). `stream_to` receives the answer's text deltas as they come;
        `tool_choice` ("required", a tool's name, an OpenAI dict) applies to the first LLM call."""
        if not question.strip():
            raise LAMError("empty question")
        t0 = time.perf_counter()
        messages, tools, reserve, ctx = self.prompt(question)
        ctx_len = self.llm.context_length()
        evidence = list(ctx.hits)
        records: list[dict] = []
        prompt_tokens = completion_tokens = 0
        model = getattr(self.llm, "model", "")
        choice = tool_choice
        result = None
        rounds = 0
        for rounds in range(1, self.max_rounds + 2):  # noqa: B007  (rounds is reported)
            final = rounds > self.max_rounds or not tools
            call_tools = None if final else tools
            max_tokens = self._answer_room(messages, call_tools, reserve, ctx_len)
            result = self.llm.chat(
                messages,
                tools=call_tools,
                tool_choice=None if final else choice,
                max_tokens=max_tokens,
                temperature=self.temperature,
                stream=stream_to is not None,
                on_delta=stream_to,
            )
            prompt_tokens += result.prompt_tokens
            completion_tokens += result.completion_tokens
            model = result.model or model
            choice = None
            if final or not result.tool_calls:
                break
            calls = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": json.dumps(c.arguments)}}
                for c in result.tool_calls
            ]
            messages.append({"role": "assistant", "content": result.text or None, "tool_calls": calls})
            for c in result.tool_calls:
                text, hits = self.run_tool(c.name, c.arguments)
                evidence.extend(hits)
                records.append({"name": c.name, "arguments": c.arguments, "result": text})
                text = self._fit_result(messages, tools, reserve, ctx_len, text)
                messages.append({"role": "tool", "tool_call_id": c.id, "content": text})
        assert result is not None
        answer = (result.text or "").strip()
        self._remember(question, answer, records)
        return Answer(
            answer=answer,
            evidence=_dedupe(evidence),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            model=model,
            context_tokens=ctx.tokens,
            tool_calls=records,
            rounds=rounds,
            seconds=time.perf_counter() - t0,
        )

    # ---------------------------------------------------------------- prompt and budgets

    def prompt(self, question: str) -> tuple[list[dict], list[dict] | None, int, Context]:
        """The first prompt for `question`: (messages, tools, answer tokens reserved, memory context)."""
        ctx_len = self.llm.context_length()
        tools = self.tools or None
        count = self.llm.count_tokens
        user = {"role": "user", "content": question}
        base = count([{"role": "system", "content": self.system}, user], tools=tools)
        if tools and ctx_len - base < MIN_ANSWER:  # the tool signatures alone do not leave room: go without
            tools = None
            base = count([{"role": "system", "content": self.system}, user])
        room = ctx_len - base
        if room < MIN_ANSWER:
            raise LAMError(
                f"the question is too long for the model's context: {base} prompt tokens (question and system "
                f"prompt) + at least {MIN_ANSWER} for the answer > context length {ctx_len} "
                f"({getattr(self.llm, 'model', 'model')}); shorten the question"
            )
        reserve = min(self.max_tokens, room)
        free = room - reserve
        tool_room = min(TOOL_ROOM, free // 4) if tools else 0
        has_memory = self.memory is not None and len(self.memory) > 0
        header = count(MEMORY_HEADER) + 2 if has_memory else 0
        avail = free - tool_room - header
        # recent turns first, up to a quarter of the room when there is memory to show; the memory gets the rest
        turns, used = self._recent_turns(avail // 4 if has_memory else avail)
        shown = {(self.source, m["line"]) for m in turns if m.get("line")}
        cap = self.budget if self.budget is not None else DEFAULT_BUDGET
        mem_budget = min(cap, avail - used) if has_memory else 0
        ctx = self._context(question, mem_budget, shown)
        messages = self._messages(question, ctx, turns)
        # the memory packs with its own tokenizer and turns were estimated: verify with the model's count and trim
        for _ in range(12):
            n = count(messages, tools=tools)
            over = n + reserve - ctx_len
            if over <= 0:
                return messages, tools, reserve, ctx
            if turns:
                turns = turns[2:]
            elif ctx.text:
                mem_budget = min(mem_budget, ctx.tokens) - max(over, 8)
                ctx = self._context(question, mem_budget, shown)
            else:
                reserve -= over  # only the question left: it fits (checked above), the answer shrinks
                return messages, tools, reserve, ctx
            messages = self._messages(question, ctx, turns)
        raise LAMError(f"could not fit the prompt into the context length {ctx_len}")  # not expected

    def _context(self, question: str, budget: int, shown: set[tuple[str, int]]) -> Context:
        """`memory.context(question, budget)` minus this session's messages already in the prompt as turns."""
        if budget < MIN_MEMORY:
            return Context("", 0, [])
        try:
            return self.memory.context(question, budget_tokens=budget, k=self.k, exclude=shown)
        except LAMError:  # the budget cannot hold even the smallest piece of evidence
            return Context("", 0, [])

    def _recent_turns(self, budget: int) -> tuple[list[dict], int]:
        """The most recent whole exchanges whose estimated cost fits `budget` (verified later), and that cost."""
        kept: list[dict] = []
        used = 0
        for i in range(len(self.history) - 2, -1, -2):
            pair = self.history[i : i + 2]
            cost = sum(self.llm.count_tokens(m["content"]) + 8 for m in pair)
            if used + cost > budget:
                break
            kept[:0] = pair
            used += cost
        return kept, used

    def _messages(self, question: str, ctx: Context, turns: list[dict]) -> list[dict]:
        system = self.system
        if ctx.text:
            system = f"{system}\n\n{MEMORY_HEADER}{ctx.text}"
        past = [{"role": m["role"], "content": m["content"]} for m in turns]
        return [{"role": "system", "content": system}, *past, {"role": "user", "content": question}]

    def _answer_room(self, messages: list[dict], tools: list[dict] | None, reserve: int, ctx_len: int) -> int:
        n = self.llm.count_tokens(messages, tools=tools)
        room = min(reserve, ctx_len - n)
        if room < MIN_ANSWER:
            raise LAMError(
                f"the conversation no longer fits the model's context: {n} prompt tokens + {MIN_ANSWER} "
                f"> context length {ctx_len}"
            )
        return room

    def _fit_result(self, messages: list[dict], tools: list[dict] | None, reserve: int, ctx_len: int, text: str) -> str:
        """Cut a tool result so that the prompt with it still leaves `reserve` tokens for the answer."""
        probe = [*messages, {"role": "tool", "tool_call_id": "x", "content": ""}]
        avail = ctx_len - reserve - self.llm.count_tokens(probe, tools=tools)
        if avail <= 8:
            return "(result omitted: no room left in the context)"
        for _ in range(4):
            n = self.llm.count_tokens(text)
            if n <= avail:
                return text
            text = text[: max(0, int(len(text) * avail / n) - 40)] + " ... (cut)"
        return "(result omitted: no room left in the context)"

    # ---------------------------------------------------------------- tools

    def run_tool(self, name: str, args: dict) -> tuple[str, list[Hit]]:
        """Run one tool call; returns (result text for the model, memory hits it found). Errors become text."""
        try:
            if name == "memory_search" and self.memory is not None:
                query = str(args.get("query") or args.get("input") or "").strip()
                k = max(1, min(10, int(args.get("k") or 5)))
                hits = self.memory.search(query, k=k)
                if not hits:
                    return "no matching memory", []
                return "\n\n".join(f"[{h.citation}] (score {h.score:.2f})\n{h.text}" for h in hits), hits
            if name == "memory_write" and self.memory is not None:
                text = str(args.get("text") or args.get("input") or "").strip()
                if not text:
                    return "error: nothing to write (empty text)", []
                # the model's note is its own words: an assistant message, ranked below evidence like its answers
                n = self.memory.add_messages([{"role": "assistant", "content": text}], source=f"{self.source}/notes")
                return f"saved {n} chunk(s) to memory", []
            if name == "run_python" and any(t["function"]["name"] == "run_python" for t in self.tools):
                from agents.sandbox import run_python

                code = args.get("code") or args.get("input") or ""
                if not isinstance(code, str) or not code.strip():
                    return "error: no code given", []
                r = run_python(code, timeout=self.sandbox_timeout)
                status = "timed out" if r.timed_out else f"exit code {r.exit_code}"
                return f"{status}\nstdout:\n{_cut(r.stdout)}\nstderr:\n{_cut(r.stderr)}", []
            return f"error: unknown tool {name!r}", []
        except (LAMError, ValueError, TypeError) as e:
            return f"error: {e}", []

    # ---------------------------------------------------------------- memory of the exchange

    def _remember(self, question: str, answer: str, tool_calls: list[dict]) -> None:
        """Keep the exchange as this session's turns; store the question, the run_python results and (only with
        `remember_answers`) the answer in the memory (see the module doc)."""
        pair = [{"role": "user", "content": question}, {"role": "assistant", "content": answer}]
        self.history += pair
        if not self.ingest or self.memory is None:
            return
        ran = [t for t in tool_calls if t["name"] == "run_python" and not t["result"].startswith("error:")]
        results = [{"role": "tool", "content": f"run_python:\n{t['arguments'].get('code', '')}\n\n{t['result']}"}
                   for t in ran]  # fmt: skip
        stored = [pair[0], *results, *pair[1:] * self.remember_answers]
        before = self.memory.messages(self.source)
        first = before[-1]["line"] + 1 if before else 1  # add_messages numbers on from the transcript's last line
        self.memory.add_messages([{"role": m["role"], "content": m["content"]} for m in stored], source=self.source)
        for i, m in enumerate(stored):
            m["line"] = first + i


def _dedupe(hits: list[Hit]) -> list[Hit]:
    seen: set[tuple] = set()
    out = []
    for h in hits:
        key = (h.source, h.start_line, h.end_line, h.text)
        if key not in seen:
            seen.add(key)
            out.append(h)
    return out
