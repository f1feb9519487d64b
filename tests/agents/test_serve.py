"""End to end against the real local vLLM server (SmolLM2-135M-Instruct on CPU), started once per session.

Asserts protocol and behaviour (usage, streaming, tool-call structure, token counts, errors), never the tiny
model's wording. Run: `pytest -m vllm tests/test_vllm_e2e.py`.
"""

from __future__ import annotations

import importlib.util

import pytest

from agents import serve
from agents.llm import LLM
from lam_memory import LAMError

pytestmark = [
    pytest.mark.vllm,
    pytest.mark.skipif(
        importlib.util.find_spec("vllm") is None, reason="vLLM is not installed (pip install -e .[local])"
    ),
]

MSGS = [{"role": "user", "content": "Name three colours."}]
SEARCH = {
    "type": "function",
    "function": {
        "name": "memory_search",
        "description": "Search the long-term memory for evidence.",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "k": {"type": "integer"}},
            "required": ["query"],
        },
    },
}
RUN_PY = {
    "type": "function",
    "function": {
        "name": "run_python",
        "description": "Run Python code and return what it prints.",
        "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
    },
}


@pytest.fixture(scope="session")
def llm(server):
    return LLM(base_url=server.base_url, model=serve.MODEL_NAME, timeout=600)


def test_status_reports_the_running_server(server):
    info = serve.server_status()
    assert info is not None and info.ready and info.port == server.port and info.model == serve.MODEL_NAME


def test_chat_returns_text_and_usage(llm):
    r = llm.chat(MSGS, max_tokens=24)
    assert r.text.strip() and r.model == serve.MODEL_NAME
    assert r.prompt_tokens > 5 and 0 < r.completion_tokens <= 24
    assert r.finish_reason in ("stop", "length") and r.tool_calls == []


def test_stream_yields_deltas_and_usage(llm):
    deltas = list(llm.stream(MSGS, max_tokens=24))
    assert len(deltas) >= 2 and all(isinstance(d, str) for d in deltas)
    r = llm.last_result
    assert r is not None and r.text == "".join(deltas)
    assert r.completion_tokens > 0 and r.prompt_tokens == llm.count_tokens(MSGS)


def test_forced_tool_call_round_trip(llm):
    ask = [{"role": "user", "content": "Find what the notes say about the retry policy."}]
    r = llm.chat(ask, tools=[SEARCH, RUN_PY], tool_choice="memory_search", max_tokens=64)
    assert len(r.tool_calls) == 1
    call = r.tool_calls[0]
    assert call.name == "memory_search" and call.id
    assert isinstance(call.arguments, dict) and isinstance(call.arguments.get("query"), str)
    # send the result back: the model answers (text), the conversation is accepted by the template
    follow = ask + [
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": '{"query": "retry"}'}}
        ]},
        {"role": "tool", "tool_call_id": call.id, "content": "notes.md:3-4 retries: 5, backoff 2 s"},
    ]  # fmt: skip
    r2 = llm.chat(follow, tools=[SEARCH, RUN_PY], max_tokens=16)
    assert r2.prompt_tokens > r.prompt_tokens and r2.completion_tokens > 0
    # streamed forced call: arguments are assembled from deltas
    llm.chat(ask, tools=[RUN_PY], tool_choice="run_python", max_tokens=64, stream=True)
    calls = llm.last_result.tool_calls
    assert [c.name for c in calls] == ["run_python"] and isinstance(calls[0].arguments.get("code"), str)


def test_count_tokens_matches_server_prompt_tokens(llm):
    msgs = [
        {"role": "system", "content": "You answer in one word."},
        {"role": "user", "content": "What colour is the sky on a clear day?"},
    ]
    n = llm.count_tokens(msgs)
    assert llm._tokenize_ok is True  # it came from /tokenize, not the tiktoken fallback
    r = llm.chat(msgs, max_tokens=4)
    assert abs(n - r.prompt_tokens) <= 2
    assert llm.count_tokens(msgs, tools=[RUN_PY]) == llm.chat(msgs, tools=[RUN_PY], max_tokens=2).prompt_tokens
    assert 0 < llm.count_tokens("hello world") < 5


def test_context_length_from_server(llm):
    assert llm.context_length() == 4096 == serve.MAX_MODEL_LEN


def test_overflow_is_a_one_line_error(llm):
    too_long = [{"role": "user", "content": "apple " * 5000}]
    with pytest.raises(LAMError) as ei:
        llm.chat(too_long, max_tokens=8)
    msg = str(ei.value)
    assert "context length 4096" in msg and "prompt tokens" in msg and "\n" not in msg
    with pytest.raises(LAMError, match="context length 4096"):
        list(llm.stream(too_long, max_tokens=8))


def test_wrong_model_name_lists_served(server):
    with pytest.raises(LAMError, match=f"served: {serve.MODEL_NAME}"):
        LLM(base_url=server.base_url, model="no-such-model").chat(MSGS, max_tokens=4)


def test_default_llm_uses_the_running_local_server(server):
    llm = LLM()  # no base_url: the local default, already running, so nothing is started
    assert llm.base_url == server.base_url and llm.model == serve.MODEL_NAME and not llm.started_local


@pytest.mark.slow
def test_conversion_from_gguf_is_atomic_and_complete(tmp_path, monkeypatch):
    """A fresh conversion (about 35 s, 1 GB peak) gives a plain bf16 safetensors folder with a chat template."""
    import json

    from safetensors import safe_open

    monkeypatch.setenv("LAM_CACHE_DIR", str(tmp_path))
    (tmp_path / "models" / f".{serve.MODEL_NAME}-stale").mkdir(parents=True)  # a killed conversion's leftover
    out = serve.ensure_local_model()
    assert out == tmp_path / "models" / serve.MODEL_NAME
    assert sorted(p.name for p in out.parent.iterdir()) == [serve.MODEL_NAME]  # tmp dir renamed, stale one gone
    config = json.loads((out / "config.json").read_text())
    assert "quantization_config" not in config and config["dtype"] == "bfloat16"
    assert "<|im_start|>" in (out / "chat_template.jinja").read_text()
    with safe_open(str(out / "model.safetensors"), "pt") as f:
        t = f.get_tensor("model.embed_tokens.weight")
        assert str(t.dtype) == "torch.bfloat16" and tuple(t.shape) == (49152, 576)
    mtime = (out / "model.safetensors").stat().st_mtime
    assert serve.ensure_local_model() == out and (out / "model.safetensors").stat().st_mtime == mtime  # cached
