"""Bad input, through the API and the real CLI: a one-line LAMError (or a one-line `lam CMD: error:` and a non-zero
exit), never a traceback, a hang or an empty memory left behind; or, where the input is usable, accepted as
documented (lone surrogates and invalid UTF-8 become U+FFFD; FIFOs, link loops and oversized files inside folders
are skipped with a one-line warning)."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import pytest

from lam_memory import LAMError, LAMMemory, cli
from lam_memory.chunking import SkippedFileWarning, chunk_text
from lam_memory.tokens import count_tokens
from lam_memory.types import Chunk

DEPTH = 1200
BIG_MB = 3  # the big single-line file: a few MB, skipped by the size guard


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    """Every kind of bad input on disk."""
    root = tmp_path_factory.mktemp("bad")
    (root / "ok.md").write_text("The deploy window is Thursday.\n")
    (root / "empty.txt").write_text("")
    (root / "blob.bin").write_bytes(bytes(range(256)) * 16)
    (root / "latin.txt").write_bytes("Caf\xe9 opens at nine.\n".encode("latin-1"))  # invalid UTF-8
    (root / "bad.jsonl").write_text(json.dumps({"role": "user", "content": "hi"}) + "\nnot json\n")
    (root / "list.jsonl").write_text("[1, 2]\n")
    os.mkfifo(root / "fifo")
    (root / "self").symlink_to("self")  # a link to itself: ELOOP
    loops = root / "loops"  # a folder whose only entries are a link cycle
    loops.mkdir()
    (loops / "x").symlink_to("y")
    (loops / "y").symlink_to("x")
    (loops / "up").symlink_to("..")  # a link to a folder above: not followed, so no cycle
    mixed = root / "mixed"  # a FIFO and a loop next to a real file
    mixed.mkdir()
    (mixed / "a.md").write_text("The backup runs at 02:00.\n")
    os.mkfifo(mixed / "pipe")
    (mixed / "loop").symlink_to("loop")
    junk = root / "junk"  # nothing usable
    junk.mkdir()
    (junk / "b.bin").write_bytes(bytes(range(256)) * 16)
    os.mkfifo(junk / "p")
    word = "lorem ipsum dolor sit amet consectetur "
    (root / "big.log").write_text(word * (BIG_MB * 2**20 // len(word) + 1))  # one line, no newline
    (root / "afile").write_text("not a memory\n")
    return root


@pytest.fixture(scope="module")
def deep():
    """A tree DEPTH folders deep with one note at the bottom. It lives outside pytest's temporary folders and is
    removed here, bottom up: shutil.rmtree (pytest's clean-up) recurses and fails on it before Python 3.12."""
    top = Path(tempfile.mkdtemp(prefix="lam-deep-")) / "deep"
    folders = [top]
    for _ in range(DEPTH):
        folders.append(folders[-1] / "d")
    for folder in folders:
        folder.mkdir()
    (folders[-1] / "bottom.md").write_text("The deepest note says the tree is 1,200 folders deep.\n")
    yield top
    (folders[-1] / "bottom.md").unlink()
    for folder in reversed([top.parent, *folders]):
        for entry in folder.iterdir():  # what an ingest into the tree could have left (nothing, normally)
            if entry.is_file() or entry.is_symlink():
                entry.unlink()
        folder.rmdir()


@pytest.fixture(scope="module")
def mem():
    m = LAMMemory()
    m.add("The service port is 8443.", source="notes.md")
    yield m
    m.close()


def _closed() -> LAMMemory:
    m = LAMMemory()
    m.close()
    return m


# (id, call(mem, tree), words the one-line message must hold)
API_ERRORS = [
    ("add None", lambda m, t: m.add(None), "text must be a str"),
    ("add bytes", lambda m, t: m.add(b"abc"), "decode bytes first"),
    ("add int", lambda m, t: m.add(123), "text must be a str"),
    ("add source None", lambda m, t: m.add("x", source=None), "source must be a str"),
    ("add source empty", lambda m, t: m.add("x", source="  "), "source must not be empty"),
    ("add kind bogus", lambda m, t: m.add("x", kind="bogus"), "kind must be"),
    ("add replace str", lambda m, t: m.add("x", replace="yes"), "replace must be"),
    ("add progress int", lambda m, t: m.add("x", progress=3), "progress must be a function"),
    ("messages None", lambda m, t: m.add_messages(None), "messages must be a list"),
    ("messages str", lambda m, t: m.add_messages("hello"), "messages must be a list"),
    ("messages of str", lambda m, t: m.add_messages(["hello"]), "must be an object with role and content"),
    ("message no content", lambda m, t: m.add_messages([{"role": "user"}]), "no content"),
    ("message content None", lambda m, t: m.add_messages([{"role": "user", "content": None}]), "must be a string"),
    ("messages source int", lambda m, t: m.add_messages([{"role": "u", "content": "x"}], source=5), "source must"),
    ("add_path nothing", lambda m, t: m.add_path(), "at least one file or folder"),
    ("add_path None", lambda m, t: m.add_path(None), "paths must be str or Path"),
    ("add_path missing", lambda m, t: m.add_path(t / "missing.md"), "missing.md: no such file"),
    ("add_path FIFO", lambda m, t: m.add_path(t / "fifo"), "is a FIFO"),
    ("add_path link loop", lambda m, t: m.add_path(t / "self"), "symbolic link loop"),
    ("add_path limit 0", lambda m, t: m.add_path(t / "ok.md", max_file_bytes=0), "max_file_bytes must be"),
    ("add_path limit str", lambda m, t: m.add_path(t / "ok.md", max_file_bytes="4MB"), "max_file_bytes must be"),
    ("add_chunks None", lambda m, t: m.add_chunks(None), "chunks must be a list of Chunk"),
    ("add_chunks of str", lambda m, t: m.add_chunks(["x"]), "got an item of type str"),
    ("add_chunks bad text", lambda m, t: m.add_chunks([Chunk(None, "s", 1, 1)]), "Chunk.text must be a str"),
    ("search None", lambda m, t: m.search(None), "query must be a str"),
    ("search int", lambda m, t: m.search(123), "query must be a str"),
    ("search bytes", lambda m, t: m.search(b"port"), "query must be a str"),
    ("search blank", lambda m, t: m.search("   "), "empty query"),
    ("search k=-1", lambda m, t: m.search("port", k=-1), "k must be a positive integer"),
    ("search k=0", lambda m, t: m.search("port", k=0), "k must be a positive integer"),
    ("search k=1.5", lambda m, t: m.search("port", k=1.5), "k must be a positive integer"),
    ("search k=True", lambda m, t: m.search("port", k=True), "k must be a positive integer"),
    ("search candidates", lambda m, t: m.search("port", candidates=-5), "candidates must be"),
    ("context nan", lambda m, t: m.context("port", budget_tokens=math.nan), "budget must be"),
    ("context -1", lambda m, t: m.context("port", budget_tokens=-1), "budget must be"),
    ("context float", lambda m, t: m.context("port", budget_tokens=100.0), "budget must be"),
    ("context k=-1", lambda m, t: m.context("port", k=-1), "k must be"),
    ("context exclude", lambda m, t: m.context("port", exclude=5), "exclude must be"),
    ("messages() None", lambda m, t: m.messages(None), "source must be a str"),
    ("forget nothing", lambda m, t: m.forget(), "needs a source or chunk ids"),
    ("forget source int", lambda m, t: m.forget(source=5), "source must be a str"),
    ("forget ids int", lambda m, t: m.forget(ids=5), "ids must be a list"),
    ("forget ids -1", lambda m, t: m.forget(ids=[-1]), "no chunk with id -1"),
    ("forget ids str", lambda m, t: m.forget(ids=["0"]), "no chunk with id '0'"),
    ("forget ids bool", lambda m, t: m.forget(ids=[True]), "no chunk with id True"),
    ("open path int", lambda m, t: LAMMemory(123), "path must be a folder"),
    ("open config str", lambda m, t: LAMMemory(config="big"), "config must be a MemoryConfig"),
    ("open a file", lambda m, t: LAMMemory(t / "afile"), "not a memory directory"),
    ("closed add", lambda m, t: _closed().add("x"), "memory is closed"),
    ("closed add_messages", lambda m, t: _closed().add_messages([]), "memory is closed"),
    ("closed add_path", lambda m, t: _closed().add_path(t / "ok.md"), "memory is closed"),
    ("closed search", lambda m, t: _closed().search("x"), "memory is closed"),
    ("closed context", lambda m, t: _closed().context("x"), "memory is closed"),
    ("closed forget", lambda m, t: _closed().forget(source="x"), "memory is closed"),
    ("closed messages", lambda m, t: _closed().messages(), "memory is closed"),
    ("closed save", lambda m, t: _closed().save(), "memory is closed"),
    ("closed stats", lambda m, t: _closed().stats(), "memory is closed"),
]


@pytest.mark.parametrize(("call", "needle"), [c[1:] for c in API_ERRORS], ids=[c[0] for c in API_ERRORS])
def test_api_bad_input_is_a_one_line_lam_error(mem, tree, call, needle):
    with pytest.raises(LAMError) as ei:
        call(mem, tree)
    msg = str(ei.value)
    assert needle in msg and "\n" not in msg, msg


def _added(m: LAMMemory, call) -> tuple[int, list[str]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        n = call(m)
    return n, [str(w.message) for w in caught if issubclass(w.category, SkippedFileWarning)]


def test_api_lone_surrogates_become_replacement_characters():
    with LAMMemory() as m:
        assert m.add("port \ud800 8443", source="a\udcffb.md") == 1  # a lossy decode's text and file name
        assert m.add_messages([{"role": "user", "content": "the key is \udc80 here"}], source="chat") == 1
        hits = m.search("port \ud800")
        assert hits[0].text == "port \ufffd 8443" and hits[0].source == "a\ufffdb.md"
        assert m.messages("chat")[0]["content"] == "the key is \ufffd here"
        m.close()
        m.close()  # closing twice is fine


def test_api_files_that_are_skipped_or_repaired(tree):
    with LAMMemory() as m:
        assert _added(m, lambda m: m.add_path(tree / "empty.txt")) == (0, [])
        n, skipped = _added(m, lambda m: m.add_path(tree / "blob.bin"))
        assert n == 0 and len(skipped) == 1 and "binary" in skipped[0]
        n, skipped = _added(m, lambda m: m.add_path(tree / "latin.txt"))  # invalid UTF-8: U+FFFD, not skipped
        assert n == 1 and not skipped and m.search("opens at nine")[0].text == "Caf\ufffd opens at nine."
        n, skipped = _added(m, lambda m: m.add_path(tree / "mixed"))
        assert n == 1 and sorted(s.split(": ", 1)[1] for s in skipped) == [
            "Too many levels of symbolic links",
            "a FIFO",
        ]
        n, skipped = _added(m, lambda m: m.add_path(tree / "loops"))
        assert n == 0 and len(skipped) == 2 and all("symbolic links" in s for s in skipped)
        n, skipped = _added(m, lambda m: m.add_path(tree / "big.log", max_file_bytes=2**20))
        assert n == 0 and len(skipped) == 1 and "larger than the 1 MiB limit" in skipped[0]


def test_api_deep_tree_is_walked_without_recursion(deep):
    with LAMMemory() as m:
        assert m.add_path(deep) == 1
        (hit,) = m.search("how deep is the tree?", k=1)
        assert hit.source.split("/").count("d") == DEPTH and hit.source.endswith("/bottom.md")


def test_one_huge_line_is_cut_at_token_boundaries():
    """A single line of a megabyte: chunks of <= chunk_tokens that concatenate back to the line (linear time:
    each piece is tokenized a bounded number of times; the pytest timeout bounds the test)."""
    line = "".join(f"w{i % 977} " if i % 7 else f"{i:x}::" for i in range(150_000))
    chunks = chunk_text(line, "one-line.txt", 256)
    assert "".join(c.text for c in chunks) == line
    assert all(count_tokens(c.text) <= 256 and c.start_line == c.end_line == 1 for c in chunks)


# ---------------------------------------------------------------- the CLI


def _run_main(argv: list[str], capsys) -> tuple[int, list[str], str]:
    capsys.readouterr()
    try:
        code = cli.main(argv)
    except SystemExit as e:  # argparse's usage errors
        code = e.code
    out, err = capsys.readouterr()
    return code, [line for line in err.splitlines() if line.strip()], out


def _one_error_line(lines: list[str], command: str) -> str:
    """stderr holds one error line, after one-line warnings if any, and no traceback."""
    assert lines and all(line.startswith("warning: ") for line in lines[:-1]), lines
    assert lines[-1].startswith(f"lam {command}: error: ") and "Traceback" not in "\n".join(lines), lines
    return lines[-1]


# (argv with {t} = the bad-input tree and {m} = a fresh memory path, words of the error)
CLI_ERRORS = [
    (["ingest", "{t}/missing.md", "--memory", "{m}"], "missing.md: no such file or directory"),
    (["ingest", "{t}/empty.txt", "--memory", "{m}"], "no text found"),
    (["ingest", "{t}/blob.bin", "--memory", "{m}"], "1 file skipped"),
    (["ingest", "{t}/junk", "--memory", "{m}"], "2 files skipped"),
    (["ingest", "{t}/loops", "--memory", "{m}"], "nothing to ingest"),
    (["ingest", "{t}/self", "--memory", "{m}"], "symbolic link loop"),
    (["ingest", "{t}/bad.jsonl", "--memory", "{m}"], "bad.jsonl:2: invalid JSON"),
    (["ingest", "{t}/list.jsonl", "--memory", "{m}"], "list.jsonl:1: expected a JSON object"),
    (["ingest", "{t}/big.log", "--memory", "{m}", "--max-file-mb", "1"], "1 file skipped"),
    (["ingest", "{t}/ok.md", "--memory", "{m}", "--max-file-mb", "-1"], "--max-file-mb must be"),
    (["ingest", "{t}/ok.md", "--memory", "{m}", "--max-file-mb", "nan"], "--max-file-mb must be"),
    (["ingest", "{t}/ok.md", "--memory", "{m}", "--max-file-mb", "lots"], "invalid float value"),
    (["ingest", "{t}/ok.md", "--memory", "{t}/afile"], "is a file"),
    (["ingest", "--memory", "{m}"], "the following arguments are required: PATH"),
    (["query", "port", "--memory", "{m}"], "create one with `lam ingest"),
    (["query", "port", "--memory", "{t}/afile"], "is a file, not a memory directory"),
    (["stats", "--memory", "{m}"], "no memory at"),
    (["forget", "x.md", "--memory", "{m}"], "no memory at"),
    (["ask", "what port?", "--memory", "{m}"], "no memory at"),
    (["chat", "--memory", "{m}"], "no memory at"),
    (["query", "port", "--memory", "{mem}", "--k", "0"], "must be positive"),
    (["query", "port", "--memory", "{mem}", "--budget", "many"], "invalid int value"),
    (["query", "   ", "--memory", "{mem}"], "empty query"),
    (["forget", "--id", "-5", "--memory", "{mem}"], "no chunk with id -5"),
    (["ask", "   ", "--memory", "{mem}"], "empty question"),
    (["ask", "what port?", "--max-tokens", "0"], "--max-tokens must be a positive"),
    (["chat", "--budget", "-5"], "--budget must be a positive"),
]


@pytest.fixture(scope="module")
def disk_memory(tree, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "mem"
    assert cli.main(["ingest", str(tree / "ok.md"), "--memory", str(path)]) == 0
    return path


@pytest.mark.parametrize(("argv", "needle"), CLI_ERRORS, ids=[" ".join(a[:2]) + f" {n[:20]}" for a, n in CLI_ERRORS])
def test_cli_bad_input_is_one_line_and_nonzero(tree, disk_memory, tmp_path, capsys, argv, needle):
    fresh = tmp_path / "new-memory"
    args = [a.format(t=tree, m=fresh, mem=disk_memory) for a in argv]
    code, lines, _ = _run_main(args, capsys)
    assert code not in (0, None)
    assert needle in _one_error_line(lines, argv[0])
    assert not fresh.exists()  # no command but a successful ingest leaves a memory behind


def _lam(args: list[str], stdin: bytes | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real `lam` entry point in a subprocess (a hang fails the test instead of blocking it)."""
    cmd = [sys.executable, "-m", "lam_memory.cli", *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, timeout=timeout)


@pytest.mark.parametrize(
    ("args", "stdin", "needle"),
    [
        (["ingest", "{t}/fifo"], None, "is a FIFO"),  # would block forever on open()
        (["ingest", "-"], b"", "stdin is empty"),
        (["ingest", "-"], b" \n\n", "stdin is empty"),
        (["ingest", "-"], bytes(range(256)) * 4, "stdin looks binary"),
        (["ingest", "-", "--max-file-mb", "0.001"], b"word " * 1000, "stdin is larger than"),
    ],
    ids=["fifo", "stdin-empty", "stdin-blank", "stdin-binary", "stdin-too-big"],
)
def test_cli_subprocess_bad_input(tree, tmp_path, args, stdin, needle):
    fresh = tmp_path / "new-memory"
    argv = [a.format(t=tree) for a in args] + ["--memory", str(fresh)]
    proc = _lam(argv, stdin=stdin if stdin is not None else b"", timeout=60)
    err = [line for line in proc.stderr.decode().splitlines() if line.strip()]
    assert proc.returncode == 1 and len(err) == 1 and needle in err[0], err
    assert err[0].startswith("lam ingest: error: ") and not fresh.exists()


def test_cli_accepts_what_it_can_use(tree, deep, tmp_path, capsys):
    """Invalid UTF-8 (replaced), a folder with a FIFO and a link loop (skipped, warned), a 1,200-deep tree and a
    question with a lone surrogate (as a non-UTF-8 argv decodes) all work."""
    path = str(tmp_path / "mem")
    code, lines, _ = _run_main(["ingest", str(tree / "latin.txt"), str(tree / "mixed"), "--memory", path], capsys)
    assert code == 0 and lines[-1].startswith("ingested 2 chunks")
    assert sorted(line.split(": ")[-1] for line in lines[:-1]) == ["Too many levels of symbolic links", "a FIFO"]
    code, lines, _ = _run_main(["ingest", str(deep), "--memory", path], capsys)
    assert code == 0 and lines == [lines[0]] and lines[0].startswith("ingested 1 chunks")
    code, lines, out = _run_main(["query", "caf\udce9 opens", "--memory", path, "--json"], capsys)
    assert code == 0 and json.loads(out)["hits"][0]["text"] == "Caf\ufffd opens at nine."


def test_cli_stdin_with_invalid_utf8_is_ingested_with_replacement(tmp_path):
    fresh = tmp_path / "mem"
    proc = _lam(["ingest", "-", "--memory", str(fresh)], stdin="Caf\xe9 opens at nine.\n".encode("latin-1"))
    err = proc.stderr.decode()
    assert proc.returncode == 0 and err.startswith("ingested 1 chunks") and "Traceback" not in err, err
    assert (fresh / "meta.json").is_file()
