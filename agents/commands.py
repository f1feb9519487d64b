"""The agent's `lam` subcommands (chat, ask, serve), registered through the `lam_memory.commands` entry point.

Only argparse here: handlers are imported when their command runs.
"""

from __future__ import annotations

import argparse
import os


def register(sub: argparse._SubParsersAction) -> None:
    for name, helptext in (("chat", "interactive chat over a memory"), ("ask", "one-shot question")):
        desc = None
        if name == "chat":
            desc = ("Chat with an LLM over a memory. Slash commands: /ingest PATH (add files), /search Q (show "
                    "evidence), /stats, /save, /quit. Piped stdin: one message per line.")  # fmt: skip
        s = sub.add_parser(name, help=helptext, description=desc)
        if name == "ask":
            s.add_argument("question", help="the question")
            s.add_argument("--json", action="store_true", help='print {"answer", "evidence", "prompt_tokens", '
                           '"completion_tokens", "model"} as JSON')  # fmt: skip
        s.add_argument("--memory", metavar="DIR", help="memory directory to answer from (default: none)")
        s.add_argument("--base-url", metavar="URL", help="OpenAI-compatible endpoint (default: local vLLM)")
        s.add_argument("--model", metavar="NAME", help="model name or preset (llama-3.3-70b, qwen-coder, local)")
        s.add_argument("--api-key", metavar="KEY", default=os.environ.get("OPENAI_API_KEY", "EMPTY"),
                       help="API key for --base-url (default: $OPENAI_API_KEY, else EMPTY)")  # fmt: skip
        s.add_argument("--budget", type=int, default=None, metavar="N",
                       help="memory context tokens (default: 2000, capped by the model's context)")  # fmt: skip
        s.add_argument("--max-tokens", type=int, default=None, metavar="N", help="answer tokens (default 512)")
        s.set_defaults(handler=f"agents.chat:{'main' if name == 'chat' else 'ask'}")

    s = sub.add_parser("serve", help="start (or --stop) the local vLLM server")
    s.add_argument("--stop", action="store_true", help="stop the running local server")
    s.add_argument("--port", type=int, default=None, help="port to start on (default: a free one)")
    s.set_defaults(handler="agents.serve:main")
