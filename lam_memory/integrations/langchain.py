"""LangChain (`langchain-core`) attachments for LAMMemory.

- `LAMRetriever`: a `BaseRetriever` returning the memory's hits as `Document`s (metadata: source, lines, score).
- `LAMChatMessageHistory`: a chat history that writes every message into the memory (and keeps the recent turns
  in order for the prompt).
- `with_lam_context(memory, max_tokens)`: a Runnable that adds `context` (compressed evidence for `question`)
  to a dict input, for use before a prompt template:

    chain = with_lam_context(mem, 1500) | prompt | ChatOpenAI(base_url="http://127.0.0.1:8000/v1", model=...)
"""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.chat_history import BaseChatMessageHistory
from langchain_core.documents import Document
from langchain_core.messages import BaseMessage
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda, RunnablePassthrough
from pydantic import ConfigDict

from lam_memory.chunking import chunk_messages
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
    """Chat history backed by LAMMemory: every message is ingested; `messages` holds this session's turns."""

    def __init__(self, memory: LAMMemory, source: str = "chat", keep: int = 50):
        self.memory = memory
        self.source = source
        self.keep = keep
        self._messages: list[BaseMessage] = []
        self._written = 0  # messages written under `source`: each is one line of that transcript

    @property
    def messages(self) -> list[BaseMessage]:  # type: ignore[override]
        return self._messages[-self.keep :]

    def add_messages(self, messages: list[BaseMessage]) -> None:
        self._messages.extend(messages)
        rows = [{"role": ROLES.get(m.type, m.type), "content": m.text} for m in messages if m.text.strip()]
        if rows:
            lines = list(range(self._written + 1, self._written + 1 + len(rows)))
            self.memory.add_chunks(chunk_messages(rows, self.source, self.memory.chunk_tokens, line_numbers=lines))
            self._written += len(rows)

    def clear(self) -> None:
        self._messages = []


def with_lam_context(memory: LAMMemory, max_tokens: int = 1500, question_key: str = "question") -> Runnable:
    """Runnable: {question: ...} -> {question: ..., context: "<compressed evidence with citations>"}."""

    def context_for(inputs: dict[str, Any]) -> str:
        return memory.context(inputs[question_key], max_tokens=max_tokens).text

    return RunnablePassthrough.assign(context=RunnableLambda(context_for))
