"""Fast tests of the agent loop, the chat commands and the LangChain attachments, with no LLM server.

The LLM here is a small scripted stand-in with the interface of `agents.llm.LLM` (chat / context_length /
count_tokens / model) that checks every request against its context length; the memories, the sandbox and the
LangChain objects are the real ones. tests/test_agent_e2e.py runs the same paths against the real vLLM server.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable

import pytest

from agents.llm import ChatResult, ToolCall
from agents.loop import Agent, Answer
from lam_memory import LAMError
from lam_memory.memory import LAMMemory
from lam_memory.tokens import count_tokens

FACT = "The staging deploy window is Thursday 14:00-16:00 UTC; the release captain is Priya Ramanathan."
NOTES = (
    "# Operations notes\n\nBackups run nightly at 02:00 and are kept for 30 days.\n\n"
    f"{FACT}\n\nThe on-call rotation changes every Monday at 09:00.\n"
)
FILLER = [
    f"Paragraph {i}: the {w} service logs requests, rotates its files daily and reports metrics to the dashboard."
    for i, w in enumerate(["billing", "search", "auth", "email", "upload", "report", "cache", "queue"] * 3)
]


class ScriptedLLM:
    """The `agents.llm.LLM` interface over a script: `reply(messages, tools, tool_choice) -> ChatResult`.

    Every request is recorded and must fit: prompt tokens (counted like the tiktoken fallback of the real client)
    + max_tokens <= context length, else the test fails the way a real server would refuse it.
    """

    model = "scripted-model"

    def __init__(self, reply: Callable[..., ChatResult] | None = None, context: int = 4096):
        self.reply = reply or (lambda messages, tools, tool_choice: ChatResult(text="ok"))
        self.context = context
        self.calls: list[dict] = []

    def context_length(self) -> int:
        return self.context

    def count_tokens(self, x, tools=None) -> int:
        if isinstance(x, str):
            return count_tokens(x)
        n = 3 + sum(
            4 + count_tokens(m.get("content") or "") + count_tokens(json.dumps(m.get("tool_calls") or "")) for m in x
        )
        return n + (count_tokens(json.dumps(tools)) if tools else 0)

    def chat(
        self, messages, tools=None, tool_choice=None, max_tokens=512, temperature=0.0, stream=False, on_delta=None
    ):
        n = self.count_tokens(messages, tools)
        assert n + max_tokens <= self.context, f"overflow: {n} + {max_tokens} > {self.context}"
        assert max_tokens > 0
        self.calls.append(
            {
                "messages": json.loads(json.dumps(messages)),
                "tools": tools,
                "tool_choice": tool_choice,
                "max": max_tokens,
            }
        )
        r = self.reply(messages, tools, tool_choice)
        if stream and on_delta and r.text:
            for word in r.text.split(" "):
                on_delta(word + " ")
        return ChatResult(r.text, r.tool_calls, n, max(1, count_tokens(r.text)), self.model, "stop")


def call(name: str, **arguments) -> ChatResult:
    return ChatResult(text="", tool_calls=[ToolCall(id=f"call_{name}", name=name, arguments=arguments)])


@pytest.fixture(scope="module")
def encoder():
    """The default encoder, run on one thread: on a small machine shared with other jobs, torch's default thread
    pool made each short encode ~40x slower (0.8 s vs 0.02 s)."""
    import torch

    from lam_memory.encoder import default_encoder

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield default_encoder()
    torch.set_num_threads(threads)


@pytest.fixture
def memory(encoder):
    from lam_memory.chunking import chunk_text

    mem = LAMMemory()
    chunks = chunk_text(NOTES, "notes/ops.md")
    for i, text in enumerate(FILLER):
        chunks += chunk_text(text, f"docs/filler-{i}.md")
    mem.add_chunks(chunks)
    yield mem
    mem.close()


# ---------------------------------------------------------------- prompt and evidence


def test_prompt_contains_evidence_with_citations(memory):
    llm = ScriptedLLM()
    ans = Agent(memory, llm).ask("When is the staging deploy window?")
    assert isinstance(ans, Answer) and ans.answer == "ok" and ans.model == "scripted-model"
    system = llm.calls[0]["messages"][0]
    assert system["role"] == "system" and "[notes/ops.md:" in system["content"] and FACT in system["content"]
    assert llm.calls[0]["messages"][-1] == {"role": "user", "content": "When is the staging deploy window?"}
    assert "notes/ops.md" in {h.source for h in ans.evidence}
    assert 0 < ans.context_tokens <= 2000  # the default budget
    assert ans.prompt_tokens == llm.count_tokens(llm.calls[0]["messages"], llm.calls[0]["tools"])
    assert ans.completion_tokens == 1 and ans.tool_calls == [] and ans.rounds == 1
    record = ans.to_json()
    assert list(record) == ["answer", "evidence", "prompt_tokens", "completion_tokens", "model"]
    hit_keys = {"id", "source", "start_line", "end_line", "score", "rank", "superseded_by", "text"}
    assert set(record["evidence"][0]) == hit_keys
    json.dumps(record)


def test_budget_caps_the_memory_context(memory):
    llm = ScriptedLLM()
    ans = Agent(memory, llm, budget=60).ask("When is the staging deploy window?")
    assert 0 < ans.context_tokens <= 60
    with pytest.raises(LAMError, match="positive"):
        Agent(memory, llm, budget=0)


def test_no_memory_and_empty_memory(encoder):
    llm = ScriptedLLM()
    ans = Agent(None, llm).ask("hello?")
    assert ans.evidence == [] and ans.context_tokens == 0
    assert [t["function"]["name"] for t in llm.calls[0]["tools"]] == ["run_python"]  # no memory tools
    with LAMMemory() as empty:
        ans = Agent(empty, ScriptedLLM()).ask("hello?")
        assert ans.evidence == [] and len(empty) == 1  # the question went in; the answer is not evidence


# ---------------------------------------------------------------- budgets


@pytest.mark.parametrize("context", [4096, 700, 300])
def test_prompt_never_overflows_a_small_context(memory, context):
    """Memory, history and tool results all squeezed into `context`: every request fits (ScriptedLLM asserts)."""
    big_output = "print('x' * 20000)"
    step = iter([call("run_python", code=big_output), call("memory_search", query="deploy window", k=10)])

    def reply(messages, tools, tool_choice):
        return next(step, ChatResult(text="done")) if tools else ChatResult(text="done")

    llm = ScriptedLLM(reply, context=context)
    agent = Agent(memory, llm, budget=5000, max_tokens=128)  # asks for more memory than any of these can hold
    for i in range(4):
        agent.ask(f"Question {i}: when is the staging deploy window and who is the release captain? " * 2)
    # 300 tokens cannot hold the tool signatures: the agent goes without tools rather than overflow
    assert len(llm.calls) >= (4 if context == 300 else 6)
    assert all(c["tools"] is None for c in llm.calls) == (context == 300)
    for c in llm.calls:
        assert llm.count_tokens(c["messages"], c["tools"]) + c["max"] <= context
    if context == 4096:
        assert llm.calls[-1]["messages"][1]["role"] == "user" and len(llm.calls[-1]["messages"]) > 3  # history kept
        assert llm.calls[0]["max"] == 128


def test_question_that_cannot_fit_is_a_clear_error(memory):
    llm = ScriptedLLM(context=300)
    with pytest.raises(LAMError) as ei:
        Agent(memory, llm).ask("why " * 400)
    msg = str(ei.value)
    assert "too long" in msg and "context length 300" in msg and "\n" not in msg
    assert llm.calls == []  # nothing was sent


def test_short_room_shrinks_the_answer_not_the_question(encoder):
    question = "word " * 150
    llm = ScriptedLLM()
    agent = Agent(None, llm, tools=False, max_tokens=512)
    llm.context = llm.count_tokens([{"role": "system", "content": agent.system}, {"role": "user", "content": question}])
    llm.context += 40
    ans = agent.ask(question)
    assert ans.answer == "ok" and 16 <= llm.calls[0]["max"] < 512


# ---------------------------------------------------------------- tools


def test_tool_loop_runs_memory_search_and_python_and_feeds_results_back(memory):
    def reply(messages, tools, tool_choice):
        last = messages[-1]
        if tool_choice == "memory_search":
            return call("memory_search", query="staging deploy window", k=3)
        if last["role"] == "tool" and last["tool_call_id"] == "call_memory_search":
            return call("run_python", code="print(6 * 7)")
        if last["role"] == "tool":
            return ChatResult(text=f"answer after python: {last['content'].splitlines()[0]}")
        return ChatResult(text="unexpected")

    llm = ScriptedLLM(reply)
    ans = Agent(memory, llm).ask("When is the staging deploy window?", tool_choice="memory_search")
    assert [c["tool_choice"] for c in llm.calls] == ["memory_search", None, None]  # forced only on the first call
    assert [t["name"] for t in ans.tool_calls] == ["memory_search", "run_python"]
    search_result, py_result = ans.tool_calls[0]["result"], ans.tool_calls[1]["result"]
    assert "[notes/ops.md:" in search_result and "Thursday 14:00-16:00" in search_result
    assert py_result.startswith("exit code 0") and "42" in py_result
    second = llm.calls[1]["messages"]
    assert second[-2]["role"] == "assistant" and second[-2]["tool_calls"][0]["function"]["name"] == "memory_search"
    assert json.loads(second[-2]["tool_calls"][0]["function"]["arguments"])["query"] == "staging deploy window"
    assert second[-1] == {"role": "tool", "tool_call_id": "call_memory_search", "content": search_result}
    assert "42" in llm.calls[2]["messages"][-1]["content"]
    assert ans.answer == "answer after python: exit code 0" and ans.rounds == 3
    assert "notes/ops.md" in {h.source for h in ans.evidence}
    assert ans.prompt_tokens == sum(llm.count_tokens(c["messages"], c["tools"]) for c in llm.calls)


def test_memory_write_adds_a_note(memory):
    replies = iter([call("memory_write", text="The office plant is called Gerald."), ChatResult(text="noted")])
    agent = Agent(memory, ScriptedLLM(lambda *a: next(replies)))
    ans = agent.ask("Remember that the office plant is called Gerald.", tool_choice="memory_write")
    assert ans.tool_calls[0]["result"].startswith("saved 1 chunk")
    hits = memory.search("what is the office plant called?", k=3)
    assert "Gerald" in hits[0].text  # the note, or the later user message stating the same fact
    assert any("Gerald" in h.text and h.source == f"{agent.source}/notes" for h in hits)


def test_tool_rounds_are_bounded(memory):
    llm = ScriptedLLM(lambda m, tools, c: call("memory_search", query="x") if tools else ChatResult(text="final"))
    ans = Agent(memory, llm, max_rounds=4).ask("loop forever?", tool_choice="required")
    assert len(llm.calls) == 5 and llm.calls[-1]["tools"] is None and all(c["tools"] for c in llm.calls[:4])
    assert ans.answer == "final" and ans.rounds == 5 and len(ans.tool_calls) == 4


def test_bad_tool_calls_become_error_text(memory):
    replies = iter(
        [
            ChatResult(text="", tool_calls=[ToolCall("a", "no_such_tool", {}), ToolCall("b", "run_python", {})]),
            call("memory_search", query="   "),
            ChatResult(text="fine"),
        ]
    )
    ans = Agent(memory, ScriptedLLM(lambda *a: next(replies))).ask("q", tool_choice="required")
    results = [t["result"] for t in ans.tool_calls]
    assert results[0].startswith("error: unknown tool") and results[1] == "error: no code given"
    assert results[2] == "error: empty query" and ans.answer == "fine"


# ---------------------------------------------------------------- after the answer


def test_exchange_is_ingested_and_recent_turns_are_in_the_next_prompt(memory):
    llm = ScriptedLLM(lambda m, t, c: ChatResult(text="The parrot's name is Captain Flint."))
    agent = Agent(memory, llm, session="t1", remember_answers=True)
    n = len(memory)
    agent.ask("What is the parrot called?")
    assert len(memory) == n + 2
    hits = memory.search("parrot Captain Flint", k=2)
    assert {(h.source, h.start_line, h.role) for h in hits} == {("chat/t1", 1, "user"), ("chat/t1", 2, "assistant")}
    agent.ask("And the cat?")
    msgs = llm.calls[1]["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[2]["content"] == "The parrot's name is Captain Flint."
    assert "[chat/t1:" not in msgs[0]["content"]  # turns shown as turns are not repeated as memory evidence
    # ... but the memory's other evidence still is (nothing in it is about a cat, so which chunk ranks first is the
    # encoder's call; the test asks only that some is there)
    assert re.search(r"\[(notes/ops|docs/filler-\d+)\.md:\d+(-\d+)?\]", msgs[0]["content"])
    agent.history.clear()  # a new session over the same memory: the old exchange now comes back as evidence
    agent.ask("What is the parrot called?")
    system = llm.calls[2]["messages"][0]["content"]
    assert "[chat/t1:2] assistant:\nThe parrot's name is Captain Flint." in system
    assert len(llm.calls[2]["messages"]) == 2 and agent.history[-1]["line"] == 6  # lines go on: 5 and 6, no clash
    lines = sorted(h.start_line for h in memory.search("parrot cat", k=40) if h.source == "chat/t1")
    assert lines == [1, 2, 3, 4, 5, 6]


def test_by_default_the_answer_is_not_stored_but_the_question_and_tool_results_are(memory):
    """The model's answer is not evidence: without remember_answers only the user's turn and what run_python
    printed reach the memory; the answer stays in this session's turns for the next prompt."""
    replies = iter([call("run_python", code="print(6 * 7)"), ChatResult(text="The answer is 41, I think.")])
    llm = ScriptedLLM(lambda *a: next(replies, ChatResult(text="56")))
    agent = Agent(memory, llm, session="t2")
    n = len(memory)
    ans = agent.ask("What is six times seven?", tool_choice="run_python")
    assert ans.answer == "The answer is 41, I think."
    stored = memory.messages("chat/t2")
    assert [m["role"] for m in stored] == ["user", "tool"] and len(memory) == n + 2
    assert stored[0]["content"] == "What is six times seven?"
    assert "print(6 * 7)" in stored[1]["content"] and "42" in stored[1]["content"]
    assert all("41" not in m["content"] for m in stored)
    assert agent.history[-1] == {"role": "assistant", "content": "The answer is 41, I think."}  # not stored: no line
    agent.ask("And times eight?")
    assert llm.calls[-1]["messages"][2]["content"] == "The answer is 41, I think."  # still a turn of the chat
    assert [m["role"] for m in memory.messages("chat/t2")] == ["user", "tool", "user"]


def test_memory_write_notes_are_the_assistants_words(memory):
    replies = iter([call("memory_write", text="The office plant is called Gerald."), ChatResult(text="noted")])
    agent = Agent(memory, ScriptedLLM(lambda *a: next(replies)), session="t3")
    agent.ask("Remember that the office plant is called Gerald.", tool_choice="memory_write")
    assert memory.messages("chat/t3/notes") == [
        {"role": "assistant", "content": "The office plant is called Gerald.", "line": 1}
    ]
    (best,) = memory.search("what is the office plant called?", k=1)  # the user's turn: evidence first
    assert best.role == "user" and best.source == "chat/t3"


def test_streaming_passes_deltas(memory):
    got: list[str] = []
    ans = Agent(memory, ScriptedLLM(lambda *a: ChatResult(text="one two three"))).ask("count", stream_to=got.append)
    assert "".join(got).strip() == "one two three" == ans.answer


# ---------------------------------------------------------------- chat / ask commands (no server)


def test_chat_commands_scripted(memory, tmp_path, capsys):
    from rich.console import Console

    from agents.chat import Chat

    (tmp_path / "extra.md").write_text("The lighthouse keeper feeds the gulls at dawn.\n")
    agent = Agent(memory, ScriptedLLM(lambda *a: ChatResult(text="Thursday.")))
    chat = Chat(agent, Console(), Console(stderr=True), interactive=False)
    for line in [f"/ingest {tmp_path / 'extra.md'}", "/search gulls at dawn", "When is the deploy window?", "/stats"]:
        assert chat.handle(line)
    out, err = capsys.readouterr()
    lines = out.splitlines()
    assert lines[0].startswith("ingested 1 chunks")
    assert "extra.md:1" in lines[1]  # best hit first
    assert "Thursday." in lines and "evidence: " in err and "notes/ops.md" in err
    stats = json.loads(lines[-1])
    assert stats["session_turns"] == 1 and stats["model"] == "scripted-model" and stats["chunks"] == len(memory)
    assert chat.handle("/save") and "in RAM" in capsys.readouterr().out
    assert not chat.handle("/quit")


def test_ask_json_prints_exactly_the_contract(monkeypatch, capsys, encoder):
    from agents import chat

    monkeypatch.setattr(chat, "connect", lambda args, err: ScriptedLLM(lambda *a: ChatResult(text="42")))
    args = argparse.Namespace(question="what?", json=True, memory=None, base_url=None, model=None, budget=None)
    assert chat.ask(args) == 0
    record = json.loads(capsys.readouterr().out)
    assert record == {"answer": "42", "evidence": [], "prompt_tokens": record["prompt_tokens"],
                      "completion_tokens": 1, "model": "scripted-model"}  # fmt: skip
    assert record["prompt_tokens"] > 0


def test_missing_memory_dir_is_one_line_before_any_server(tmp_path, capsys):
    from lam_memory import cli

    assert cli.main(["ask", "hi", "--memory", str(tmp_path / "nope")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("lam ask: error: no memory at") and err.count("\n") == 1


# ---------------------------------------------------------------- LangChain


def test_langchain_retriever_returns_documents(memory):
    from langchain_core.documents import Document

    from lam_memory.integrations.langchain import LAMRetriever

    docs = LAMRetriever(memory=memory, k=3).invoke("When is the staging deploy window?")
    assert len(docs) == 3 and all(isinstance(d, Document) for d in docs)
    assert docs[0].metadata["source"] == "notes/ops.md" and FACT in docs[0].page_content
    assert set(docs[0].metadata) >= {"source", "start_line", "end_line", "score"}
    assert docs[0].metadata["score"] >= docs[1].metadata["score"]


def test_langchain_history_writes_into_memory(memory):
    from langchain_core.messages import AIMessage, HumanMessage

    from lam_memory.integrations.langchain import LAMChatMessageHistory

    history = LAMChatMessageHistory(memory, session_id="lc")
    n = len(memory)
    history.add_messages([HumanMessage("My locker code is 4471."), AIMessage("Got it: 4471.")])
    history.add_user_message("   ")  # blank: nothing to remember
    assert len(memory) == n + 2 and [type(m) for m in history.messages] == [HumanMessage, AIMessage]
    hit = memory.search("what is my locker code?", k=1)[0]
    assert hit.source == "chat/lc" and "4471" in hit.text and hit.role in ("user", "assistant")
    assert sorted(h.start_line for h in memory.search("locker", k=40) if h.source == "chat/lc") == [1, 2]
    # the session is read back from the store: a new history object (another process) sees the same messages
    again = LAMChatMessageHistory(memory, session_id="lc")
    assert [m.text for m in again.messages] == ["My locker code is 4471.", "Got it: 4471."]
    assert LAMChatMessageHistory(memory, session_id="other").messages == []
    again.add_ai_message("Anything else?")
    assert [m.text for m in history.messages][-1] == "Anything else?" and len(history.messages) == 3
    history.clear()  # the history starts afresh; the memory keeps the messages as evidence
    assert history.messages == [] and len(memory) == n + 3 and len(again.messages) == 3


def test_langchain_runnable_adds_context(memory):
    from lam_memory.integrations.langchain import with_lam_context

    out = with_lam_context(memory, budget_tokens=120).invoke({"question": "When is the staging deploy window?", "x": 1})
    assert out["question"] == "When is the staging deploy window?" and out["x"] == 1
    assert "[notes/ops.md:" in out["context"] and "Thursday" in out["context"]
    assert count_tokens(out["context"]) <= 120
