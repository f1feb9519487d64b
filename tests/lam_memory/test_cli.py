"""`lam ingest`, `lam query`, `lam stats` as a user runs them: exit codes, one-line errors, the --json contract,
help for every option, output that a pipe gets whole."""

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest

from lam_memory import cli

CHAT = [
    {"role": "user", "content": "The deploy key rotates every 30 days."},
    {"role": "assistant", "content": "Noted, 30 days."},
    {"role": "user", "content": "Update: the deploy key now rotates every 7 days."},
]


@pytest.fixture(scope="module")
def memory(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "chat.jsonl").write_text("\n".join(json.dumps(m) for m in CHAT) + "\n")
    (root / "util.py").write_text("def rotate(key):\n    return key[::-1]\n\n\nclass Vault:\n    pass\n")
    mem = root / "mem"
    assert cli.main(["ingest", str(root / "chat.jsonl"), str(root / "util.py"), "--memory", str(mem)]) == 0
    return mem


def _error_line(capsys) -> str:
    """The error: stderr's last line; any line before it is a one-line warning."""
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert err and all(line.startswith("warning: ") for line in err[:-1]) and "Traceback" not in err[-1], err
    return err[-1]


def test_query_json_is_exactly_the_contract(memory, capsys):
    capsys.readouterr()
    assert cli.main(["query", "how often does the deploy key rotate?", "--memory", str(memory), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) == {"context", "tokens", "hits"} and 0 < out["tokens"] <= 2000
    keys = {"id", "source", "start_line", "end_line", "score", "rank", "superseded_by", "text"}
    assert out["hits"] and all(set(h) == keys for h in out["hits"])
    assert sorted(h["rank"] for h in out["hits"]) == list(range(1, len(out["hits"]) + 1))
    best = max(out["hits"], key=lambda h: h["score"])  # hits come in context order: by source, then line
    assert best["text"].endswith("every 7 days.") and best["start_line"] == 3  # the update outranks the stale fact
    assert "chat.jsonl:3]" in out["context"]


def test_forget_and_reingest(tmp_path, capsys):
    notes = tmp_path / "notes.md"
    notes.write_text("The staging deploy window is Thursday.\n")
    mem = str(tmp_path / "mem")
    assert cli.main(["ingest", str(notes), "--memory", mem]) == 0
    assert cli.main(["ingest", str(notes), "--memory", mem]) == 0  # the same file again: nothing added
    capsys.readouterr()
    assert cli.main(["stats", "--memory", mem, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["chunks"] == 1
    assert cli.main(["forget", "nope.md", "--memory", mem]) == 1
    assert "no source 'nope.md'" in _error_line(capsys)
    assert cli.main(["forget", str(notes), "--memory", mem]) == 0
    assert "forgot 1 chunks" in capsys.readouterr().err
    assert cli.main(["query", "deploy window", "--memory", mem, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["hits"] == []
    assert cli.main(["forget", "--memory", mem]) == 1 and "name the sources" in _error_line(capsys)
    assert cli.main(["ingest", str(notes), "--memory", mem]) == 0  # forgotten, so it comes back as new
    capsys.readouterr()
    assert cli.main(["query", "deploy window", "--memory", mem, "--json"]) == 0
    hit = json.loads(capsys.readouterr().out)["hits"][0]
    assert cli.main(["forget", "--id", str(hit["id"]), "--memory", mem]) == 0
    assert "forgot 1 chunks" in capsys.readouterr().err
    assert cli.main(["forget", "--id", "999", "--memory", mem]) == 1 and "no chunk with id 999" in _error_line(capsys)


def test_stats_json(memory, capsys):
    capsys.readouterr()
    assert cli.main(["stats", "--memory", str(memory), "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["chunks"] >= 4 and stats["sources"] == 2 and stats["state_bytes"] > 0
    assert stats["keys_bytes"] == stats["chunks"] * 384 * (4 + 2)  # nothing forgotten: float32 and float16 keys


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["ingest", "{root}/missing.txt"], "missing.txt"),
        (["ingest", "{root}/empty.txt"], "no text found"),
        (["ingest", "{root}/bad.jsonl"], "bad.jsonl:2: invalid JSON"),
        (["ingest", "{root}/blob.bin"], "1 file skipped"),
        (["query", "what?", "--budget", "5"], "too small"),
        (["query", "   "], "empty query"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(memory, tmp_path, capsys, argv, needle):
    (tmp_path / "empty.txt").write_text("")
    (tmp_path / "bad.jsonl").write_text(json.dumps(CHAT[0]) + "\nnot json\n")
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 8)
    target = memory if argv[0] == "query" else tmp_path / "new"
    capsys.readouterr()
    assert cli.main([a.format(root=tmp_path) for a in argv] + ["--memory", str(target)]) == 1
    line = _error_line(capsys)
    assert line.startswith(f"lam {argv[0]}: error: ") and needle in line, line
    assert argv[0] != "ingest" or not target.exists()  # a failed first ingest leaves no empty memory behind


def test_query_without_a_memory(tmp_path, capsys):
    assert cli.main(["query", "anything", "--memory", str(tmp_path / "none")]) == 1
    assert "no memory at" in _error_line(capsys)
    assert not (tmp_path / "none").exists()  # a query never creates a memory


def test_closed_pipe_is_not_a_traceback(memory):
    """`lam query ... --json | head -c 0`: the reader is gone before lam writes; lam exits quietly (141, as a shell
    reports a process that SIGPIPE ended)."""
    cmd = [sys.executable, "-m", "lam_memory.cli", "query", "deploy key", "--memory", str(memory), "--json"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # long before the encoder has loaded
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 141 and "Traceback" not in err, err


def _subcommands() -> dict:
    parser = cli.build_parser()
    (action,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return action.choices


def test_every_option_of_every_command_has_help():
    commands = _subcommands()
    assert {"ingest", "query", "forget", "stats", "chat", "ask", "serve", "eval", "bench"} <= set(commands)
    missing = [
        f"lam {name} {action.dest}"
        for name, parser in commands.items()
        for action in parser._actions
        if action.help != argparse.SUPPRESS and not (action.help or "").strip()
    ]
    assert missing == []


def test_help_says_what_ingest_reads_and_what_chat_understands():
    commands = _subcommands()
    ingest = commands["ingest"].format_help()
    assert ".jsonl" in ingest and "chat transcripts" in ingest and "- for stdin" in ingest and "--max-file-mb" in ingest
    from agents.commands import CHAT_COMMANDS

    chat = commands["chat"].format_help()
    slash = [line.split()[0] for line in CHAT_COMMANDS.splitlines()]
    assert len(slash) >= 6 and all(cmd in chat for cmd in slash), slash
    assert "--remember-answers" in chat and "--remember-answers" in commands["ask"].format_help()


def test_piped_query_output_is_neither_wrapped_nor_cut(tmp_path, capsys):
    """Not a terminal: the context is printed verbatim (a 300-character line stays one line) and the evidence
    lines name the whole path, however long."""
    folder = tmp_path / ("a-rather-long-folder-name-for-the-evidence-column-" * 3)
    folder.mkdir()
    note = folder / "deploy-window-notes-with-a-long-file-name.md"
    line = "The staging deploy window is Thursday; " + "the release captain signs off every change, " * 6
    note.write_text(line.strip() + "\n")
    mem = str(tmp_path / "mem")
    assert cli.main(["ingest", str(note), "--memory", mem]) == 0
    capsys.readouterr()
    assert cli.main(["query", "when is the staging deploy window?", "--memory", mem]) == 0
    out, err = capsys.readouterr()
    assert len(line.strip()) > 300 and line.strip() in out.splitlines()
    assert err.splitlines()[1].startswith(f"{note}:1  ")  # "evidence (...):", then "path:line score" per hit
    assert cli.main(["stats", "--memory", mem]) == 0
    assert "chunks 1" in capsys.readouterr().out.splitlines()
