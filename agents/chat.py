"""`lam chat` (interactive, rich) and `lam ask` (one-shot) over a LAM memory and an OpenAI-compatible LLM.

No `--base-url`: the local default model (SmolLM2-135M-Instruct on a real vLLM server, started if needed by
`agents.serve.ensure_server()`), announced on stderr. Without `--memory` the memory lives in RAM and starts empty.

`lam chat` on a terminal streams answers and shows, after each, a panel of the memory evidence used (citations,
scores, tokens) and the tokens spent; slash commands: /ingest PATH..., /search Q, /stats, /history, /save, /help,
/quit (input history is kept in the cache dir). When stdin is not a terminal it reads one message (or slash
command) per line and prints each answer on stdout, a one-line evidence summary on stderr: scriptable.

`lam ask "Q" [--json]` prints the answer (streamed), or with `--json` exactly
`{"answer", "evidence": [hit, ...], "prompt_tokens", "completion_tokens", "model"}`. Both store each question and
the run_python results in the memory, and the answers too with `--remember-answers` (see agents/loop.py), and save
an on-disk memory at the end. `--memory DIR` must hold a memory already: only `lam ingest` creates one.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shlex
import sys
import warnings
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from agents.commands import CHAT_COMMANDS as HELP
from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning
from lam_memory.commands import require_memory

# ---------------------------------------------------------------- set-up


def check_memory_dir(path: str | None) -> None:
    """LAMError if `path` is given but holds no memory (checked before anything slow starts): only `lam ingest`
    creates memories (`lam_memory.commands.require_memory`)."""
    if path is not None:
        require_memory(path)


def open_memory(path: str | None, create: bool = False):
    """The memory at `path` (created if `create`), or an empty in-RAM memory when `path` is None."""
    from lam_memory.memory import LAMMemory

    if path is None:
        return LAMMemory()
    if not create:
        check_memory_dir(path)
    return LAMMemory(path, create=create)


def check_numbers(args: argparse.Namespace) -> None:
    """LAMError for a `--budget` or `--max-tokens` below 1, before any server starts."""
    for flag in ("budget", "max_tokens"):
        value = getattr(args, flag, None)
        if value is not None and value < 1:
            raise LAMError(f"--{flag.replace('_', '-')} must be a positive number of tokens, got {value}")


def connect(args: argparse.Namespace, err: Console):
    """The LLM for `--base-url/--model/--api-key`; the local default server when no URL is given."""
    from agents.llm import LLM

    base_url = getattr(args, "base_url", None)
    llm = LLM(base_url=base_url, model=getattr(args, "model", None), api_key=getattr(args, "api_key", None) or "EMPTY")
    try:
        llm.models()  # a dead endpoint fails here, in one line, before a large memory is loaded
    except LAMError as e:
        if str(e).startswith("cannot reach"):
            raise
    if base_url is None:
        err.print(
            f"lam: no --base-url given: using the local vLLM server ({llm.model} at {llm.base_url}; "
            "`lam serve --stop` stops it)",
            highlight=False,
        )
    return llm


def _agent(memory, llm, args: argparse.Namespace):
    from agents.loop import Agent

    max_tokens = getattr(args, "max_tokens", None)
    return Agent(
        memory,
        llm,
        budget=getattr(args, "budget", None),
        max_tokens=512 if max_tokens is None else max_tokens,
        remember_answers=bool(getattr(args, "remember_answers", False)),
    )


def _summary(ans) -> str:
    cites = ", ".join(h.citation for h in ans.evidence) or "none"
    tools = f" | tools: {', '.join(t['name'] for t in ans.tool_calls)}" if ans.tool_calls else ""
    return (
        f"evidence: {cites} | context {ans.context_tokens} tokens | prompt {ans.prompt_tokens} + completion "
        f"{ans.completion_tokens} tokens ({ans.model}, {ans.seconds:.1f} s){tools}"
    )


def _close(memory, save: bool = True) -> None:
    try:
        if save and memory.path is not None:
            memory.save()
    finally:
        memory.close()


# ---------------------------------------------------------------- lam ask


def ask(args: argparse.Namespace) -> int:
    """`lam ask "QUESTION" [--memory DIR] [--json]`."""
    err = Console(stderr=True, soft_wrap=True)
    check_memory_dir(args.memory)
    check_numbers(args)
    if not args.question.strip():
        raise LAMError("empty question")
    llm = connect(args, err)
    memory = open_memory(args.memory)
    try:
        agent = _agent(memory, llm, args)
        if args.json:
            ans = agent.ask(args.question)
            print(json.dumps(ans.to_json(), ensure_ascii=False), flush=True)
        else:
            ans = agent.ask(args.question, stream_to=lambda d: print(d, end="", flush=True))
            print(flush=True)
            err.print(_summary(ans), style="dim", highlight=False)
    finally:
        _close(memory)
    return 0


# ---------------------------------------------------------------- lam chat


class Chat:
    """One chat session: an agent, its memory, a console; `handle(line)` runs a command or a turn."""

    def __init__(self, agent, console: Console, err: Console, interactive: bool):
        self.agent = agent
        self.memory = agent.memory
        self.out = console
        self.err = err
        self.interactive = interactive
        self.prompt_tokens = self.completion_tokens = 0
        self.failed = 0  # turns that ended in an error

    def say(self, text: str) -> None:
        """Plain text to stdout: through rich on a terminal (wrapped), verbatim when scripted."""
        if self.interactive:
            self.out.print(text, markup=False, highlight=False)
        else:
            print(text, flush=True)

    # -- dispatch
    def handle(self, line: str) -> bool:
        """Process one input line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            cmd, _, rest = line.partition(" ")
            return self.command(cmd.lower(), rest.strip())
        self.turn(line)
        return True

    def command(self, cmd: str, rest: str) -> bool:
        try:
            if cmd in ("/quit", "/exit", "/q"):
                return False
            if cmd == "/help":
                self.say(HELP)
            elif cmd == "/ingest":
                self.ingest(rest)
            elif cmd == "/search":
                self.search(rest)
            elif cmd == "/stats":
                self.stats()
            elif cmd == "/history":
                self.history()
            elif cmd == "/save":
                if self.memory.path is None:
                    self.say("the memory is in RAM (no --memory DIR): nothing to save")
                else:
                    self.memory.save()
                    self.say(f"saved the memory at {self.memory.path} ({len(self.memory)} chunks)")
            else:
                self.say(f"unknown command {cmd}; /help lists them")
        except (LAMError, OSError, ValueError) as e:
            self.err.print(f"error: {e}", style="red", markup=False, highlight=False)
        return True

    # -- commands
    def ingest(self, rest: str) -> None:
        paths = shlex.split(rest)
        if not paths:
            raise LAMError("usage: /ingest PATH...")
        for p in paths:
            if not Path(p).expanduser().exists():
                raise LAMError(f"no such file or folder: {p}")
        with warnings.catch_warnings(record=True) as caught:  # skipped files: one line each, like `lam ingest`
            warnings.simplefilter("always", SkippedFileWarning)
            n = self.memory.add_path(*(Path(p).expanduser() for p in paths))
        for w in caught:
            self.err.print(f"warning: {w.message}", style="yellow", markup=False, highlight=False)
        self.say(f"ingested {n} chunks from {', '.join(paths)} (memory: {len(self.memory)} chunks)")

    def search(self, query: str) -> None:
        if not query:
            raise LAMError("usage: /search QUERY")
        hits = self.memory.search(query, k=8)
        if not hits:
            self.say("no hits (the memory is empty)")
            return
        if not self.interactive:
            for h in hits:
                first = h.text.strip().splitlines()[0] if h.text.strip() else ""
                self.say(f"{h.score:.3f}  [{h.citation}]  {first[:100]}")
            return
        table = Table(show_header=True, header_style="bold", expand=True)
        table.add_column("score", justify="right", width=6)
        table.add_column("source", no_wrap=True, ratio=2)
        table.add_column("text", overflow="ellipsis", no_wrap=True, ratio=3)
        for h in hits:
            table.add_row(f"{h.score:.3f}", h.citation, " ".join(h.text.split())[:200])
        self.out.print(table)

    def stats(self) -> None:
        s = self.memory.stats()
        s["session_prompt_tokens"], s["session_completion_tokens"] = self.prompt_tokens, self.completion_tokens
        s["session_turns"] = len(self.agent.history) // 2
        s["model"], s["context_length"] = self.agent.llm.model, self.agent.llm.context_length()
        if not self.interactive:
            print(json.dumps(s), flush=True)
            return
        table = Table(show_header=False, box=None)
        for key, value in s.items():
            table.add_row(f"[bold]{key}[/]", str(value))
        self.out.print(table)

    def history(self) -> None:
        if not self.agent.history:
            self.say("no turns yet")
        for m in self.agent.history:
            self.say(f"{m['role']}: {m['content']}")

    # -- a turn
    def turn(self, question: str) -> None:
        try:
            if self.interactive:
                self.out.print("[bold green]assistant[/] ", end="")
                ans = self.agent.ask(question, stream_to=self._write)
                self.out.file.write("\n")
                self.out.print(self.evidence_panel(ans))
            else:
                ans = self.agent.ask(question)
                print(ans.answer, flush=True)
                self.err.print(_summary(ans), highlight=False, markup=False)
        except KeyboardInterrupt:
            self.out.print("\n(interrupted)")
            return
        except LAMError as e:  # e.g. the question does not fit, the endpoint went away: report, keep going
            if self.interactive:
                self.out.file.write("\n")
            self.err.print(f"error: {e}", style="red", markup=False, highlight=False)
            self.failed += 1
            return
        self.prompt_tokens += ans.prompt_tokens
        self.completion_tokens += ans.completion_tokens

    def _write(self, delta: str) -> None:
        self.out.file.write(delta)
        self.out.file.flush()

    def evidence_panel(self, ans) -> Panel:
        count = self.memory.count_tokens
        table = Table(show_header=True, header_style="bold", box=None, expand=True)
        table.add_column("source", no_wrap=True, ratio=2)
        table.add_column("score", justify="right")
        table.add_column("tokens", justify="right")
        table.add_column("text", overflow="ellipsis", no_wrap=True, ratio=3)
        for h in ans.evidence:
            table.add_row(h.citation, f"{h.score:.3f}", str(count(h.text)), " ".join(h.text.split())[:120])
        if not ans.evidence:
            table.add_row("(no memory evidence)", "", "", "")
        for t in ans.tool_calls:
            args = json.dumps(t["arguments"], ensure_ascii=False)
            table.add_row(f"tool {t['name']}", "", "", f"{args[:60]} -> {' '.join(t['result'].split())[:60]}")
        title = (
            f"memory evidence · context {ans.context_tokens} tokens · prompt {ans.prompt_tokens} + "
            f"completion {ans.completion_tokens} tokens · {ans.seconds:.1f} s"
        )
        return Panel(table, title=title, title_align="left", border_style="dim")


def _readline_history() -> Any:
    """Enable line editing with a persistent input history; returns a function that saves it (or None)."""
    try:
        import readline
    except ImportError:
        return None
    from agents.serve import cache_dir

    path = cache_dir() / "chat_history"
    with contextlib.suppress(OSError):
        readline.read_history_file(str(path))
    readline.set_history_length(1000)

    def save() -> None:
        with contextlib.suppress(OSError):
            path.parent.mkdir(parents=True, exist_ok=True)
            readline.write_history_file(str(path))

    return save


def main(args: argparse.Namespace) -> int:
    """`lam chat [--memory DIR] [--base-url URL --model NAME]`; DIR must hold a memory (`lam ingest` makes one)."""
    interactive = sys.stdin.isatty()
    out, err = Console(), Console(stderr=True, soft_wrap=True)
    path = getattr(args, "memory", None)
    check_memory_dir(path)  # before the LLM server starts
    check_numbers(args)
    llm = connect(args, err)
    memory = open_memory(path)
    chat = Chat(_agent(memory, llm, args), out, err, interactive)
    try:
        if not interactive:
            for line in sys.stdin:
                if not chat.handle(line):
                    break
            return 1 if chat.failed else 0
        save_history = _readline_history()
        where = f"{path} ({len(memory)} chunks)" if path else f"in RAM ({len(memory)} chunks)"
        out.print(
            f"[bold]lam chat[/] · model [bold]{llm.model}[/] at {llm.base_url} (context {llm.context_length()}) · "
            f"memory {where}\n/help for commands, /quit to leave",
            highlight=False,
        )
        try:
            while True:
                try:
                    line = out.input("[bold cyan]you[/] ")
                except EOFError:
                    out.print()
                    break
                except KeyboardInterrupt:
                    out.print()
                    continue
                if not chat.handle(line):
                    break
        finally:
            if save_history:
                save_history()
    finally:
        _close(memory)
    return 0
