"""LangChain (`langchain-core`) attachments for LAMMemory.

- `LAMRetriever`: a `BaseRetriever` returning the memory's hits as `Document`s (metadata: source, lines, score).
- `LAMChatMessageHistory`: a chat history stored in the memory: every message is written under its session's
  source (`chat/<session_id>`) and `messages` reads that session back from the store.
- `with_lam_context(memory, budget_tokens)`: a Runnable that adds `context` (compressed evidence for `question`)
  to a dict input, for use before a prompt template:

    chain = with_lam_context(mem, 1500) | prompt | ChatOpenAI(base_url="http://127.0.0.1:8000/v1", model=...)
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.documents import Document
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from pydantic import ConfigDict

from lam_memory.memory import LAMMemory

ROLES = {"human": "user", "ai": "assistant", "system": "system", "tool": "tool"}


class LAMRetriever(BaseRetriever):
    """Top-k evidence from a LAMMemory as LangChain Documents."""

    model_config = ConfigDict(arbitrary_types_allowed=True)
    memory: LAMMemory
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [
            Document(
                page_content=h.text,
                metadata={"source": h.source, "start_line": h.start_line, "end_line": h.end_line, "score": h.score},
            )
            for h in self.memory.search(query, k=self.k)
        ]


class LAMChatMessageHistory(BaseChatMessageHistory):
    """Chat history backed by LAMMemory: messages are written under source `chat/<session_id>` and read back from
    the store, so a new process (or a new history object) sees the same session. `keep` caps how many recent
    messages `messages` returns."""

    def __init__(self, memory: LAMMemory, session_id: str = "default", keep: int = 50):
        self.memory = memory
        self.source = f"chat/{session_id}"
        self.keep = keep
        self._after = 0  # `clear()` hides the lines up to here from `messages`

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        rows = [m for m in self.memory.messages(self.source) if m["line"] > self._after]
        return [_to_message(m) for m in rows[-self.keep :]]

    def add_messages(self, messages: list[BaseMessage]) -> None:
        rows = [{"role": ROLES.get(m.type, m.type), "content": m.text} for m in messages if m.text.strip()]
        if rows:
            self.memory.add_messages(rows, source=self.source)

    def clear(self) -> None:
        """Start the history afresh for this object; the memory keeps the messages as evidence."""
        stored = self.memory.messages(self.source)
        self._after = stored[-1]["line"] if stored else 0


def _to_message(m: dict) -> BaseMessage:
    kinds = {"user": HumanMessage, "assistant": AIMessage, "system": SystemMessage}
    if m["role"] == "tool":
        return ToolMessage(m["content"], tool_call_id="")
    return kinds.get(m["role"], HumanMessage)(m["content"])


def with_lam_context(memory: LAMMemory, budget_tokens: int = 1500, question_key: str = "question") -> Runnable:
    """Runnable: {question: ...} -> {question: ..., context: "<compressed evidence with citations>"}."""

    def context_for(inputs: dict[str, Any]) -> str:
        return memory.context(inputs[question_key], budget_tokens=budget_tokens).text

    return RunnablePassthrough.assign(context=RunnableLambda(context_for))
