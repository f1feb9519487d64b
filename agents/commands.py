"""The agent's `lam` subcommands (chat, ask, serve, mcp), registered through the `lam_memory.commands` entry point.

Only argparse here: handlers are imported when their command runs.
"""

from __future__ import annotations

import argparse
import os

# `lam chat`'s slash commands: its `--help` and its /help print this
CHAT_COMMANDS = """/ingest PATH...   add files or folders to the memory
/search QUERY     show the best memory hits for QUERY
/stats            what the memory holds, tokens spent this session
/history          this session's turns
/save             save the memory (on-disk memories are also saved on exit)
/help             this list
/quit             leave (also /exit, Ctrl-D)"""


def register(sub: argparse._SubParsersAction) -> None:
    for name, helptext in (("chat", "interactive chat over a memory"), ("ask", "one-shot question")):
        kwargs = {}
        if name == "chat":
            desc = "Chat with an LLM over a memory. Piped stdin: one message (or slash command) per line."
            kwargs = {"description": f"{desc}\n\nslash commands:\n{CHAT_COMMANDS}",
                      "formatter_class": argparse.RawDescriptionHelpFormatter}  # fmt: skip
        s = sub.add_parser(name, help=helptext, **kwargs)
        if name == "ask":
            s.add_argument("question", help="the question")
            s.add_argument("--json", action="store_true", help='print {"answer", "evidence", "prompt_tokens", '
                           '"completion_tokens", "model"} as JSON')  # fmt: skip
        s.add_argument("--memory", metavar="DIR", help="memory directory to answer from, made by `lam ingest` "
                       "(default: an empty memory in RAM)")  # fmt: skip
        s.add_argument("--base-url", metavar="URL", help="OpenAI-compatible endpoint (default: local vLLM)")
        s.add_argument("--model", metavar="NAME", help="model name or preset (llama-3.3-70b, qwen-coder, local)")
        s.add_argument("--api-key", metavar="KEY", default=os.environ.get("OPENAI_API_KEY", "EMPTY"),
                       help="API key for --base-url (default: $OPENAI_API_KEY, else EMPTY)")  # fmt: skip
        s.add_argument("--budget", type=int, default=None, metavar="N",
                       help="memory context tokens (default: 2000, capped by the model's context)")  # fmt: skip
        s.add_argument("--max-tokens", type=int, default=None, metavar="N", help="answer tokens (default 512)")
        s.add_argument("--remember-answers", action="store_true", help="also store the model's answers in the "
                       "memory, as assistant messages that rank below the evidence they came from (default: only "
                       "your questions and tool results are stored)")  # fmt: skip
        s.set_defaults(handler=f"agents.chat:{'main' if name == 'chat' else 'ask'}")

    s = sub.add_parser("serve", help="start (or --stop) the local vLLM server")
    s.add_argument("--stop", action="store_true", help="stop the running local server")
    s.add_argument("--port", type=int, default=None, help="port to start on (default: a free one)")
    s.set_defaults(handler="agents.serve:main")

    s = sub.add_parser(
        "mcp",
        help="serve a memory to MCP clients (Claude, Cursor, ...) over stdio or local HTTP",
        description="Serve a memory over the Model Context Protocol. Tools: memory_context, memory_search, "
        "memory_add, memory_forget, memory_stats; each source is a resource lam://source/{source}. The memory "
        "stays loaded; writes are saved as they happen. Default transport: stdio (the client starts this command).",
    )
    s.add_argument("--memory", required=True, metavar="DIR", help="memory directory (made by `lam ingest`)")
    s.add_argument("--http", action="store_true", help="serve streamable HTTP at http://HOST:PORT/mcp instead of stdio")
    s.add_argument("--host", default="127.0.0.1", metavar="HOST",
                   help="--http address: loopback only (127.0.0.1, localhost, ::1), since the server has no "
                   "authentication (default 127.0.0.1)")  # fmt: skip
    s.add_argument("--port", type=int, default=8765, metavar="N", help="--http port (default 8765)")
    s.set_defaults(handler="agents.mcp_server:main")
