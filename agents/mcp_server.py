"""`lam mcp`: a LAM memory as an MCP server, on the official `mcp` SDK (`MCPServer`).

Tools: `memory_context` (compressed context for a question, with citations), `memory_search` (ranked hits as
JSON), `memory_add` (text, chat messages or a path), `memory_forget` (sources or chunk ids), `memory_stats`.
Resources: every source of the memory as `lam://source/{source}` (the name percent-encoded), listed by
`resources/list` and read through that template: the source's chunks in order, each headed `[source:start-end]`.

The encoder and the memory are loaded once, at start, and stay loaded; each write tool saves the memory before it
answers. Calls run one at a time on a worker thread (the memory is not meant for concurrent writers), so the event
loop keeps serving pings and cancellations meanwhile. A bad argument is a tool error (`isError`, one line) and the
server goes on. Transports: stdio (default), or streamable HTTP on a loopback address only (`--http`): the server
has no authentication, so it never listens beyond this machine.
"""

import argparse
import contextlib
import socket
import sys
import threading
import warnings
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

from lam_memory import LAMError
from lam_memory.chunking import SkippedFileWarning

try:
    import anyio
    import anyio.to_thread
    from mcp.server.mcpserver import MCPServer, ResourceSecurity
    from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError, UnexpectedToolError
    from mcp.shared.uri_template import UriTemplate
    from mcp.types import Resource, ToolAnnotations
    from pydantic import BaseModel, ConfigDict, Field, ValidationError
except ModuleNotFoundError as e:  # an install without the extra: one line, not a traceback
    raise LAMError(f"`lam mcp` needs the MCP SDK ({e.name} is missing): pip install 'lam-memory[mcp]'") from None

LOOPBACK = ("127.0.0.1", "localhost", "::1")
SOURCE_URI = "lam://source/{source}"
_TEMPLATE = UriTemplate.parse(SOURCE_URI)
_USER_ERRORS = (LAMError, ValueError, OSError)  # what bad arguments raise in the library: one line each
T = TypeVar("T")


class Message(BaseModel):
    """One chat message; extra scalar fields (name, timestamp, ...) are kept with it."""

    model_config = ConfigDict(extra="allow")
    role: str = Field(description="who spoke: user, assistant, system, tool, or a name")
    content: str = Field(description="what was said")


class MemoryServer(MCPServer):
    """`MCPServer` over one `LAMMemory`: calls serialized on a worker thread, argument errors in one line, the
    memory's sources listed as resources."""

    def __init__(self, mem, **kwargs: Any):
        super().__init__(**kwargs)
        self.mem = mem
        self._lock = threading.Lock()

    async def run_locked(self, fn: Callable[[], T]) -> T:
        """`fn()` on a worker thread, one call at a time; the library's user errors become tool errors."""

        def locked() -> T:
            with self._lock:
                return fn()

        try:
            return await anyio.to_thread.run_sync(locked)
        except _USER_ERRORS as e:
            raise ToolError(_one_line(str(e))) from None

    async def call_tool(self, name: str, arguments: dict[str, Any], context=None):
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as e:  # the SDK's argument check: pydantic's many-line report, made one line
            if isinstance(e, UnexpectedToolError) or not isinstance(e.__cause__, ValidationError):
                raise
            raise ToolError(f"{name}: bad arguments: {_validation_line(e.__cause__)}") from None

    async def list_resources(self) -> list[Resource]:
        sources = await self.run_locked(lambda: self.mem.stats()["sources_detail"])
        listed = [
            Resource(
                uri=_TEMPLATE.expand({"source": s}),
                name=s,
                description=f"{n} chunks of {s} in the memory",
                mime_type="text/plain",
            )
            for s, n in sources.items()
        ]
        return await super().list_resources() + listed


def _version() -> str:
    try:
        return version("lam-memory")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _validation_line(e: ValidationError) -> str:
    return "; ".join(f"{'.'.join(map(str, err['loc'])) or 'arguments'}: {err['msg']}" for err in e.errors())


def _source_text(mem, source: str) -> str:
    """What the memory holds of `source`: its chunks in order, each headed by its citation (and role)."""
    chunks = mem.chunks(source)
    if not chunks:
        raise ResourceNotFoundError(f"no source {source!r} in the memory (resources/list names them)")
    blocks = []
    for c in chunks:
        head = f"[{c.citation}]" + (f" {c.role}" if c.role else "")
        blocks.append(f"{head}\n{c.text}")
    return "\n\n".join(blocks)


def build_server(mem) -> MemoryServer:
    """The MCP server for `mem` (a `LAMMemory`), its tools and resources registered."""
    server = MemoryServer(
        mem,
        name="lam-memory",
        title="LAM memory",
        version=_version(),
        instructions=(
            "Long-term memory of code, notes and conversations. Call memory_context with the question at hand to "
            "get compressed evidence with [source:start-end] citations; memory_search for ranked hits; "
            "memory_add to remember something; memory_forget to remove it."
        ),
        log_level="WARNING",
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)

    @server.tool(annotations=read_only, structured_output=False)
    async def memory_context(
        question: Annotated[str, Field(description="what the evidence is for")],
        budget_tokens: Annotated[int, Field(description="most tokens of context to return", gt=0)] = 2000,
    ) -> str:
        """Compressed evidence from the memory for a question, within budget_tokens: the best passages (current
        versions first; replaced ones marked `(superseded by ...)`), each headed `[source:start-end]` (or
        `[source:line]`)."""
        ctx = await server.run_locked(lambda: mem.context(question, budget_tokens=budget_tokens))
        return ctx.text or "(nothing in the memory matches)"

    @server.tool(annotations=read_only)
    async def memory_search(
        query: Annotated[str, Field(description="what to look for")],
        k: Annotated[int, Field(description="how many hits", gt=0, le=100)] = 5,
    ) -> dict[str, list[dict[str, Any]]]:
        """The k best chunks for a query, best first: {"hits": [{"id", "source", "start_line", "end_line",
        "score", "rank", "superseded_by", "text"}]}; superseded_by cites the current version of a replaced one."""
        hits = await server.run_locked(lambda: mem.search(query, k=k))
        return {"hits": [h.to_json() for h in hits]}

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=False, open_world_hint=False))
    async def memory_add(
        text: Annotated[str | None, Field(description="text or code to remember")] = None,
        source: Annotated[
            str | None, Field(description="name to file it under (default: 'text' for text, 'chat' for messages)")
        ] = None,
        kind: Annotated[
            Literal["text", "code"] | None,
            Field(description="how to chunk text: prose or code (default: from the source's name, e.g. x.py)"),
        ] = None,
        messages: Annotated[list[Message] | None, Field(description="chat messages, [{role, content}]")] = None,
        path: Annotated[
            str | None,
            Field(
                description="a file or folder on the server's machine (.gitignore respected; relative to the "
                "server's working directory); a file already in memory is read as a new version of itself"
            ),
        ] = None,
    ) -> dict[str, Any]:
        """Remember exactly one of: text (with source and kind), messages (a chat transcript), or path. Saved
        before it answers. Returns {"added": chunks added, "chunks": chunks in the memory, ...}."""
        given = [name for name, v in (("text", text), ("messages", messages), ("path", path)) if v is not None]
        if len(given) != 1:
            raise ToolError(f"give exactly one of text, messages or path (got {', '.join(given) or 'none'})")
        if kind is not None and text is None:
            raise ToolError("kind applies to text only")
        if path is not None and source is not None:
            raise ToolError("a path is filed under its own name; leave source out")

        def add() -> dict[str, Any]:
            out: dict[str, Any] = {}
            if text is not None:
                if not text.strip():
                    raise LAMError("text is empty")
                out["source"] = source or "text"
                out["added"] = mem.add(text, source=out["source"], kind=kind)
            elif messages is not None:
                out["source"] = source or "chat"
                out["added"] = mem.add_messages([m.model_dump() for m in messages], source=out["source"])
            else:
                files: list[str] = []
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always", SkippedFileWarning)
                    out["added"] = mem.add_path(Path(path).expanduser(), on_file=lambda f: files.append(str(f)))
                out["files"] = len(files)
                out["skipped"] = [str(w.message) for w in caught if issubclass(w.category, SkippedFileWarning)]
            mem.save()
            out["chunks"] = mem.stats()["chunks"]
            return out

        return await server.run_locked(add)

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, open_world_hint=False))
    async def memory_forget(
        source: Annotated[str | None, Field(description="a source to forget (memory_stats lists them)")] = None,
        ids: Annotated[
            list[int] | None, Field(description="chunk ids to forget (the id of a memory_search hit)")
        ] = None,
    ) -> dict[str, int]:
        """Remove a source and/or chunks by id: their text, index entries and traces in the state. Saved before it
        answers. Returns {"forgotten": chunks removed, "chunks": chunks left}."""
        if source is None and not ids:
            raise ToolError("name a source or ids to forget")

        def forget() -> dict[str, int]:
            if source is not None and source not in mem.stats()["sources_detail"]:
                raise LAMError(f"no source {source!r} in the memory (memory_stats lists them)")
            n = mem.forget(source=source, ids=ids or ())
            mem.save()
            return {"forgotten": n, "chunks": mem.stats()["chunks"]}

        return await server.run_locked(forget)

    @server.tool(annotations=read_only)
    async def memory_stats() -> dict[str, Any]:
        """What the memory holds: chunks, sources (and chunks per source), state and archive bytes, encoder, config."""
        return await server.run_locked(mem.stats)

    @server.resource(
        SOURCE_URI,
        name="source",
        description="what the memory holds of one source (percent-encoded name): its chunks, each headed "
        "[source:start-end]",
        mime_type="text/plain",
        security=ResourceSecurity(exempt_params={"source"}),  # a name looked up in the archive, never opened as a path
    )
    async def read_source(source: str) -> str:
        return await server.run_locked(lambda: _source_text(mem, source))

    return server


def _check_port(host: str, port: int) -> None:
    """LAMError unless `port` is free on `host` (checked before the encoder loads, not to fail after it)."""
    if not 0 < port < 65536:
        raise LAMError(f"--port must be between 1 and 65535, got {port}")
    try:
        with socket.create_server((host, port)):
            pass
    except OSError as e:
        raise LAMError(f"cannot listen on {host} port {port}: {e.strerror or e}") from None


def main(args: argparse.Namespace) -> int:
    from agents.chat import check_memory_dir, open_memory

    if args.http and args.host not in LOOPBACK:
        raise LAMError(f"--host must be a loopback address ({', '.join(LOOPBACK)}): the server has no authentication")
    check_memory_dir(args.memory)  # before anything slow: only `lam ingest` makes a memory
    if args.http:
        _check_port(args.host, args.port)
    with contextlib.redirect_stdout(sys.stderr):  # on stdio, stdout is the protocol's alone
        mem = open_memory(args.memory)
    try:
        server = build_server(mem)
        info = mem.stats()
        host = f"[{args.host}]" if ":" in args.host else args.host
        where = f"http://{host}:{args.port}/mcp" if args.http else "stdio"
        print(f"lam mcp: memory {args.memory} ({info['chunks']} chunks, {info['sources']} sources) on {where}",
              file=sys.stderr, flush=True)  # fmt: skip
        if args.http:
            anyio.run(lambda: server.run_streamable_http_async(host=args.host, port=args.port))
        else:
            anyio.run(server.run_stdio_async)
    finally:
        mem.close()
    return 0
