"""The agent end to end against the real local vLLM server (SmolLM2-135M-Instruct on CPU) and a real LAM memory.

Asserts protocol and behaviour (what reached the prompt, what the CLI reports, tool-call round trips, errors),
never the tiny model's wording. Run: `pytest -m vllm tests/test_agent_e2e.py`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from agents import serve
from agents.llm import LLM
from agents.loop import Agent
from lam_memory import LAMError

pytestmark = [
    pytest.mark.vllm,
    pytest.mark.skipif(
        importlib.util.find_spec("vllm") is None, reason="vLLM is not installed (pip install -e .[local])"
    ),
]

REPO = Path(__file__).resolve().parents[2]
FACT = "The staging deploy window is Thursday 14:00-16:00 UTC; the release captain is Priya Ramanathan."
NOTES = (
    "# Team notes\n\nBackups run nightly at 02:00 and are kept for 30 days.\n\n"
    f"{FACT}\n\nThe on-call rotation changes every Monday at 09:00.\n"
)
OTHER = [
    "The billing service retries failed charges three times with exponential backoff.",
    "Search indexes are rebuilt every Sunday night; the rebuild takes about forty minutes.",
    "The office wifi password is rotated monthly by the IT desk.",
]
QUESTION = "When is the staging deploy window? Answer in one short sentence."


@pytest.fixture(scope="module")
def one_thread():
    """The encoder on one thread (much faster on a small machine shared with the vLLM server)."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture(scope="module")
def memory_dir(tmp_path_factory, one_thread):
    """A memory on disk holding a notes file whose fact exists nowhere else, plus unrelated notes."""
    from lam_memory.memory import LAMMemory

    root = tmp_path_factory.mktemp("agent-e2e")
    (root / "docs").mkdir()
    (root / "docs" / "team-notes.md").write_text(NOTES)
    for i, text in enumerate(OTHER):
        (root / "docs" / f"other-{i}.md").write_text(text + "\n")
    mem_dir = root / "mem"
    with LAMMemory(mem_dir) as mem:
        mem.add_path(root / "docs")
        mem.save()
    return mem_dir, str(root / "docs" / "team-notes.md")


@pytest.fixture
def memory(memory_dir, tmp_path):
    """A fresh copy per test: the prompt (all four notes fit the budget, in arrival order) is then the same
    whatever ran before and whichever encoder ranks the hits, and so is the model's reply at temperature 0."""
    from lam_memory.memory import LAMMemory

    shutil.copytree(memory_dir[0], tmp_path / "mem")
    mem = LAMMemory(tmp_path / "mem")
    yield mem
    mem.close()


@pytest.fixture(scope="module")
def llm(server):
    return LLM(base_url=server.base_url, model=serve.MODEL_NAME, timeout=600)


def lam(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m lam_memory.cli ARGS` in a subprocess (the same environment, so the same local server)."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "lam_memory.cli", *args]
    return subprocess.run(
        cmd, cwd=REPO, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout
    )


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------- memory -> prompt -> answer


def test_evidence_from_an_ingested_file_reaches_the_prompt(memory, memory_dir, llm):
    agent = Agent(memory, llm, max_tokens=32, tools=False)
    messages, _, reserve, ctx = agent.prompt(QUESTION)
    notes = memory_dir[1]
    assert messages[0]["role"] == "system" and FACT in messages[0]["content"]
    assert f"[{notes}:" in messages[0]["content"]  # the citation header
    assert llm.count_tokens(messages) + reserve <= llm.context_length() == 4096
    n = len(memory)
    ans = agent.ask(QUESTION)
    assert notes in [h.source for h in ans.evidence]
    assert ans.prompt_tokens == llm.count_tokens(messages)  # the server saw exactly that prompt, evidence included
    assert 0 < ans.completion_tokens <= 32 and ans.model == serve.MODEL_NAME and isinstance(ans.answer, str)
    assert 0 < ans.context_tokens == ctx.tokens <= 2000
    assert len(memory) == n + 1  # the question was ingested, not the answer (no remember_answers)
    assert [h.role for h in memory.search(QUESTION, k=10) if h.source == agent.source][:1] == ["user"]


def test_lam_ask_json_reports_the_evidence(memory_dir, server, tmp_path):
    mem_dir = tmp_path / "mem"
    shutil.copytree(memory_dir[0], mem_dir)
    r = lam("ask", QUESTION, "--memory", str(mem_dir), "--json")  # no --base-url: the local default
    assert r.returncode == 0, r.stderr
    assert "local vLLM server" in r.stderr and server.base_url in r.stderr
    record = json.loads(r.stdout)  # stdout is exactly one JSON document
    assert list(record) == ["answer", "evidence", "prompt_tokens", "completion_tokens", "model"]
    assert isinstance(record["answer"], str) and record["model"] == serve.MODEL_NAME
    assert record["prompt_tokens"] > 0 and record["completion_tokens"] > 0
    assert memory_dir[1] in [h["source"] for h in record["evidence"]]
    for hit in record["evidence"]:
        assert set(hit) == {"id", "source", "start_line", "end_line", "score", "rank", "superseded_by", "text"}
    assert any(FACT in h["text"] for h in record["evidence"])


def test_lam_chat_scripted_over_stdin(memory_dir, server, tmp_path):
    mem_dir = tmp_path / "mem"
    shutil.copytree(memory_dir[0], mem_dir)
    script = f"/search staging deploy window\n{QUESTION}\n/stats\n/save\n/quit\nnever read\n"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    cmd = [sys.executable, "-m", "lam_memory.cli", "chat", "--memory", str(mem_dir), "--base-url", server.base_url]
    r = subprocess.run(cmd, cwd=REPO, env=env, input=script, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    search = out[: len(OTHER) + 1]  # /search: one line per hit ("score  [citation]  first line"), all four notes
    assert all(re.match(r"-?\d\.\d{3}  \[.+:\d+(-\d+)?\]  ", line) for line in search)
    assert any(f"[{memory_dir[1]}:" in line for line in search)
    stats = json.loads(next(line for line in out if line.startswith("{")))
    assert stats["session_turns"] == 1 and stats["model"] == serve.MODEL_NAME and stats["context_length"] == 4096
    assert stats["session_prompt_tokens"] > 0
    assert out[-1].startswith("saved the memory at") and "never read" not in r.stdout
    assert re.search(rf"evidence: .*{re.escape(memory_dir[1])}:\d+", r.stderr)


# ---------------------------------------------------------------- tools


def test_forced_memory_search_round_trip(memory, memory_dir, llm):
    agent = Agent(memory, llm, max_tokens=48)
    ans = agent.ask("Search your memory for the staging deploy window.", tool_choice="memory_search")
    first = ans.tool_calls[0]
    assert first["name"] == "memory_search" and isinstance(first["arguments"].get("query"), str)
    if first["arguments"]["query"].strip():
        assert re.match(r"\[[^\]]+:\d+(-\d+)?\] \(score -?\d\.\d\d\)\n", first["result"])  # hits with citations
        assert len(ans.evidence) > 0
    else:
        assert first["result"] == "error: empty query"
    assert 2 <= ans.rounds <= 5 and ans.model == serve.MODEL_NAME and isinstance(ans.answer, str)
    assert ans.prompt_tokens > llm.count_tokens(
        [{"role": "user", "content": "Search your memory for the staging deploy window."}]
    )


def test_forced_run_python_round_trip(llm):
    agent = Agent(None, llm, max_tokens=64)  # no memory: only run_python is offered
    # at temperature 0 the reply depends only on the prompt; this one gives a well-formed call (the 135M model
    # sometimes writes broken JSON inside a forced call, which vLLM then returns as text)
    ans = agent.ask("Run this code: print(6 * 7)", tool_choice="run_python")
    first = ans.tool_calls[0]
    assert first["name"] == "run_python" and isinstance(first["arguments"].get("code"), str)
    if first["arguments"]["code"].strip():
        assert re.match(r"(exit code -?\d+|timed out)\nstdout:\n", first["result"]), first["result"]
    assert 2 <= ans.rounds <= 5 and ans.completion_tokens > 0


# ---------------------------------------------------------------- LangChain


def test_langchain_chains_with_chat_openai(memory, memory_dir, llm, server):
    from langchain_core.messages import AIMessage
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.runnables import RunnablePassthrough
    from langchain_openai import ChatOpenAI

    from lam_memory.integrations.langchain import LAMRetriever, with_lam_context

    prompt = ChatPromptTemplate.from_messages(
        [("system", "Answer from these notes:\n{context}"), ("human", "{question}")]
    )
    model = ChatOpenAI(base_url=server.base_url, model=serve.MODEL_NAME, api_key="EMPTY", max_tokens=24, temperature=0)
    chain = with_lam_context(memory, budget_tokens=300) | prompt | model
    msg = chain.invoke({"question": QUESTION})
    assert isinstance(msg, AIMessage) and isinstance(msg.content, str)
    rendered = (with_lam_context(memory, budget_tokens=300) | prompt).invoke({"question": QUESTION}).to_messages()
    assert FACT in rendered[0].content and f"[{memory_dir[1]}:" in rendered[0].content
    roles = {"system": "system", "human": "user"}
    sent = [{"role": roles[m.type], "content": m.content} for m in rendered]
    assert msg.usage_metadata["input_tokens"] == llm.count_tokens(sent)  # that prompt, evidence included
    assert 0 < msg.usage_metadata["output_tokens"] <= 24

    def fmt(docs):
        return "\n\n".join(f"[{d.metadata['source']}:{d.metadata['start_line']}] {d.page_content}" for d in docs)

    rag = {"context": LAMRetriever(memory=memory, k=2) | fmt, "question": RunnablePassthrough()} | prompt | model
    msg2 = rag.invoke(QUESTION)
    assert isinstance(msg2, AIMessage) and msg2.usage_metadata["input_tokens"] > llm.count_tokens(FACT)


# ---------------------------------------------------------------- errors


def test_question_longer_than_the_context_is_a_clear_error(memory, llm):
    too_long = "apple " * 5000
    with pytest.raises(LAMError) as ei:
        Agent(memory, llm).ask(too_long)
    msg = str(ei.value)
    assert "too long" in msg and "context length 4096" in msg and "\n" not in msg
    r = lam("ask", too_long, "--base-url", llm.base_url, "--model", serve.MODEL_NAME)
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith("lam ask: error: the question is too long") and r.stderr.count("\n") == 1


def test_endpoint_down_is_one_line_and_nonzero():
    url = f"http://127.0.0.1:{closed_port()}/v1"
    r = lam("ask", "hello?", "--base-url", url, "--model", "m", "--json")
    assert r.returncode == 1 and r.stdout == ""
    assert r.stderr.startswith(f"lam ask: error: cannot reach the LLM at {url}") and r.stderr.count("\n") == 1
    assert "Traceback" not in r.stderr
    r = lam("chat", "--base-url", url)  # no --model: listing the served models fails first
    assert (
        r.returncode == 1
        and r.stderr.startswith("lam chat: error: cannot reach the LLM")
        and "Traceback" not in r.stderr
    )


def test_readme_langchain_snippet_runs_as_written(memory_dir, server, tmp_path, monkeypatch, capsys):
    """The README's LangChain block, with only its host, model and memory folder filled in, against the local
    server: it answers (bounded by its max_tokens), the retriever returns cited Documents, the history reads back."""
    readme = (REPO / "README.md").read_text()
    block = re.search(r"## LangChain\n\n```python\n(.*?)```", readme, re.S).group(1)
    for placeholder, value in (
        ("http://HOST:8000/v1", server.base_url),
        ("meta-llama/Llama-3.3-70B-Instruct", serve.MODEL_NAME),
    ):
        assert placeholder in block
        block = block.replace(placeholder, value)
    shutil.copytree(memory_dir[0], tmp_path / "mem")
    monkeypatch.chdir(tmp_path)  # the block opens "mem/"
    scope: dict = {}
    exec(compile(block, "README.md#langchain", "exec"), scope)
    assert capsys.readouterr().out.strip()  # the chain printed an answer
    assert scope["docs"] and all(
        {"source", "start_line", "end_line", "score"} <= d.metadata.keys() for d in scope["docs"]
    )
    assert scope["history"].messages == []  # a new session reads back as empty, from the memory
    scope["mem"].close()
