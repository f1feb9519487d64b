"""`lam mcp` end to end: a real server subprocess, driven by the official MCP SDK's own clients.

One stdio server serves the module (the encoder loads once); the HTTP test starts its own server with --http.
The client session lives on a background event loop so that ordinary test functions can share it.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters, stdio_client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError
from safetensors import safe_open

REPO = Path(__file__).resolve().parents[2]
LAM = [sys.executable, "-m", "lam_memory.cli"]
TOOLS = {"memory_context", "memory_search", "memory_add", "memory_forget", "memory_stats"}
RETRY_V1 = "def get_backoff_time(attempt):\n    return 0.5 * 2**attempt\n"
RETRY_V2 = "def get_backoff_time(attempt):\n    return min(30.0, 0.25 * 3**attempt)\n"


class Session:
    """A real MCP `ClientSession`, held open on a background event loop; `session("call_tool", ...)` runs one call."""

    def __init__(self, connect):
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self._ready: concurrent.futures.Future = concurrent.futures.Future()
        self._main = asyncio.run_coroutine_threadsafe(self._hold(connect), self.loop)
        self.session, self._done = self._ready.result(timeout=180)

    async def _hold(self, connect) -> None:
        done = asyncio.Event()
        try:
            async with connect() as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                self._ready.set_result((session, done))
                await done.wait()
        except BaseException as e:
            if not self._ready.done():
                self._ready.set_exception(e)
            raise

    def __call__(self, method: str, *args, **kwargs):
        call = getattr(self.session, method)(*args, **kwargs)
        return asyncio.run_coroutine_threadsafe(call, self.loop).result(timeout=180)

    def tool(self, name: str, **arguments):
        return self("call_tool", name, arguments)

    def close(self) -> None:
        self.loop.call_soon_threadsafe(self._done.set)
        self._main.result(timeout=60)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)


def _text(result) -> str:
    assert len(result.content) == 1, result.content
    return result.content[0].text


def _covered(mem_dir: Path) -> int:
    """How many chunks the saved state on disk includes."""
    with safe_open(str(mem_dir / "state.safetensors"), "pt") as f:
        return int(f.metadata()["covered"])


@pytest.fixture(scope="module")
def mem_dir(tmp_path_factory) -> Path:
    from lam_memory.memory import LAMMemory

    path = tmp_path_factory.mktemp("mcp") / "mem"
    with LAMMemory(path) as mem:
        mem.add("The staging deploy window moved to Friday at 15:00 UTC.", source="ops.md")
        mem.add("The cafeteria serves lentil soup on Tuesdays.", source="food.md")
        mem.add_messages([{"role": "user", "content": "My cat is named Tomasz."}], source="chat")
        mem.save()
    return path


@pytest.fixture(scope="module")
def mcp(mem_dir):
    params = StdioServerParameters(
        command=LAM[0], args=[*LAM[1:], "mcp", "--memory", str(mem_dir)], env=dict(os.environ), cwd=str(REPO)
    )
    session = Session(lambda: stdio_client(params))
    yield session
    session.close()


def test_lists_the_tools_with_their_arguments(mcp):
    tools = {t.name: t for t in mcp("list_tools").tools}
    assert set(tools) == TOOLS
    assert {"text", "source", "kind", "messages", "path"} <= set(tools["memory_add"].input_schema["properties"])
    assert tools["memory_context"].input_schema["required"] == ["question"]
    assert tools["memory_search"].annotations.read_only_hint and tools["memory_forget"].annotations.destructive_hint


def test_add_text_then_context_and_search_find_it(mcp, mem_dir):
    covered = _covered(mem_dir)
    added = mcp.tool("memory_add", text="The Zephyr cluster's failover region is eu-north-1.", source="infra.md")
    assert not added.is_error and added.structured_content["added"] == 1
    assert _covered(mem_dir) == covered + 1  # saved before the tool answered

    ctx = _text(mcp.tool("memory_context", question="Which failover region does the Zephyr cluster use?"))
    assert "[infra.md:1]" in ctx and "eu-north-1" in ctx

    hits = mcp.tool("memory_search", query="Zephyr failover region", k=3).structured_content["hits"]
    assert hits[0]["source"] == "infra.md" and hits[0]["rank"] == 1 and "eu-north-1" in hits[0]["text"]
    assert [h["rank"] for h in hits] == [1, 2, 3]
    assert all({"id", "start_line", "end_line", "score", "superseded_by"} <= set(h) for h in hits)
    assert json.loads(_text(mcp.tool("memory_search", query="Zephyr failover region", k=3)))["hits"] == hits


def test_a_path_read_again_names_the_superseded_version(mcp, tmp_path):
    code = tmp_path / "retry.py"
    code.write_text(RETRY_V1)
    assert mcp.tool("memory_add", path=str(code)).structured_content["added"] == 1
    code.write_text(RETRY_V2)
    out = mcp.tool("memory_add", path=str(code)).structured_content
    assert out["added"] == 1 and out["files"] == 1 and out["skipped"] == []

    hits = mcp.tool("memory_search", query="get_backoff_time attempt", k=2).structured_content["hits"]
    assert "min(30.0" in hits[0]["text"] and hits[0]["superseded_by"] is None
    assert "0.5 * 2**attempt" in hits[1]["text"] and hits[1]["superseded_by"] == f"{code}:1-2"
    assert "(superseded by" in _text(mcp.tool("memory_context", question="get_backoff_time"))


def test_messages_are_added_and_read_back_as_a_resource(mcp):
    messages = [{"role": "user", "content": "Remind me: the boat is moored at pier 7."}]
    assert mcp.tool("memory_add", messages=messages, source="chat/boat").structured_content["added"] == 1
    listed = {r.name: r for r in mcp("list_resources").resources}
    assert {"ops.md", "food.md", "chat", "chat/boat"} <= set(listed)
    uri = listed["chat/boat"].uri
    assert uri == "lam://source/chat%2Fboat"
    body = mcp("read_resource", uri).contents[0].text
    assert body == "[chat/boat:1] user\nRemind me: the boat is moored at pier 7."
    templates = mcp("list_resource_templates").resource_templates
    assert [t.uri_template for t in templates] == ["lam://source/{source}"]
    with pytest.raises(MCPError, match="no source 'nowhere.md'"):
        mcp("read_resource", "lam://source/nowhere.md")


def test_forget_removes_a_source(mcp, mem_dir):
    question = "What soup does the cafeteria serve on Tuesdays?"
    assert "lentil" in _text(mcp.tool("memory_context", question=question))
    before = mcp.tool("memory_stats").structured_content
    out = mcp.tool("memory_forget", source="food.md").structured_content
    assert out == {"forgotten": 1, "chunks": before["chunks"] - 1}
    assert "lentil" not in _text(mcp.tool("memory_context", question=question))
    stats = mcp.tool("memory_stats").structured_content
    assert "food.md" not in stats["sources_detail"] and stats["chunks"] == before["chunks"] - 1
    assert "food.md" not in {r.name for r in mcp("list_resources").resources}

    hit = mcp.tool("memory_search", query="Tomasz the cat", k=1).structured_content["hits"][0]
    assert mcp.tool("memory_forget", ids=[hit["id"]]).structured_content["forgotten"] == 1
    assert all(h["id"] != hit["id"] for h in mcp.tool("memory_search", query="cat", k=10).structured_content["hits"])


@pytest.mark.parametrize(
    ("tool", "arguments", "message"),
    [
        ("memory_search", {"query": "x", "k": "many"}, "memory_search: bad arguments: k: Input should be a valid"),
        ("memory_search", {}, "memory_search: bad arguments: query: Field required"),
        ("memory_search", {"query": "   "}, "empty query"),
        ("memory_context", {"question": "x", "budget_tokens": 0}, "budget_tokens: Input should be greater than 0"),
        ("memory_add", {}, "give exactly one of text, messages or path (got none)"),
        ("memory_add", {"text": "a", "path": "b"}, "(got text, path)"),
        ("memory_add", {"text": "  \n"}, "text is empty"),
        ("memory_add", {"messages": [{"role": "user"}]}, "messages.0.content: Field required"),
        ("memory_add", {"text": "a", "kind": "poem"}, "kind: Input should be 'text' or 'code'"),
        ("memory_add", {"path": "/no/such/place"}, "/no/such/place"),
        ("memory_forget", {}, "name a source or ids to forget"),
        ("memory_forget", {"source": "nowhere.md"}, "no source 'nowhere.md'"),
        ("memory_forget", {"ids": [10**6]}, "no chunk with id 1000000"),
        ("no_such_tool", {}, "Unknown tool: no_such_tool"),
    ],
)
def test_bad_arguments_are_one_line_tool_errors(mcp, tool, arguments, message):
    result = mcp.tool(tool, **arguments)
    assert result.is_error and message in _text(result) and "\n" not in _text(result)
    assert not mcp.tool("memory_stats").is_error  # the server keeps answering


def test_refused_at_start_without_a_memory_or_on_a_public_host(tmp_path):
    run = lambda *a: subprocess.run([*LAM, "mcp", *a], capture_output=True, text=True, timeout=120, cwd=REPO)  # noqa: E731
    r = run("--memory", str(tmp_path / "none"))
    assert r.returncode == 1 and r.stdout == "" and r.stderr.count("\n") == 1
    assert f"no memory at {tmp_path / 'none'}" in r.stderr and "lam ingest PATH" in r.stderr
    r = run("--memory", str(tmp_path / "none"), "--http", "--host", "0.0.0.0")
    assert r.returncode == 1 and "--host must be a loopback address" in r.stderr and r.stderr.count("\n") == 1
    assert not (tmp_path / "none").exists()


def test_refused_at_start_when_the_port_is_taken(mem_dir):
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = str(taken.getsockname()[1])
        cmd = [*LAM, "mcp", "--memory", str(mem_dir), "--http", "--port", port]
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=REPO)
    assert r.returncode == 1 and f"cannot listen on 127.0.0.1 port {port}" in r.stderr and r.stderr.count("\n") == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_streamable_http(tmp_path):
    from lam_memory.memory import LAMMemory

    port, mem = _free_port(), tmp_path / "mem"
    with LAMMemory(mem) as m:
        m.add("The office plants are watered on Mondays.", source="plants.md")
        m.save()
    cmd = [*LAM, "mcp", "--memory", str(mem), "--http", "--port", str(port)]
    proc = subprocess.Popen(cmd, cwd=REPO, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 180
        while True:  # the port opens once the encoder is loaded
            assert proc.poll() is None, proc.communicate()[1].decode()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "lam mcp --http did not open its port"
                time.sleep(0.2)
        session = Session(lambda: streamable_http_client(f"http://127.0.0.1:{port}/mcp"))
        try:
            assert session.tool("memory_stats").structured_content["chunks"] == 1
            session.tool("memory_add", text="Backups run nightly at 02:30 to the Oslo bucket.", source="backup.md")
            ctx = _text(session.tool("memory_context", question="When do backups run?", budget_tokens=200))
            assert "[backup.md:1]" in ctx and "02:30" in ctx
            assert session.tool("memory_search", query="x", k=0).is_error
            assert [r.name for r in session("list_resources").resources] == ["plants.md", "backup.md"]
        finally:
            session.close()
        assert _covered(mem) == 2
    finally:
        proc.terminate()
        out, err = proc.communicate(timeout=60)
    assert out == b"" and f"on http://127.0.0.1:{port}/mcp" in err.decode()


def test_bench_times_round_trips_through_a_server(tmp_path):
    from evals.memory.bench import mcp_latency
    from lam_memory.memory import LAMMemory

    with LAMMemory(tmp_path / "mem") as mem:
        mem.add("Rollbacks need two approvals from the on-call team.", source="policy.md")
        mem.save()
    row = mcp_latency(tmp_path / "mem", ["rollback approvals", "on-call", "who approves a rollback?"])
    assert set(row) == {f"mcp_{t}_{p}_ms" for t in ("context", "search") for p in ("p50", "p95")}
    assert all(v > 0 for v in row.values()) and row["mcp_search_p50_ms"] <= row["mcp_search_p95_ms"]
