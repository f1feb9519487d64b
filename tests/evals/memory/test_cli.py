"""`lam eval memory`: options parsed, table printed, JSON and PNG written."""

from __future__ import annotations

import argparse
import json

import pytest

from evals.memory.cli import main
from lam_memory import LAMError


def test_memory_main_writes_json_and_png(tmp_path, capsys):
    out = tmp_path / "r" / "memory.json"
    args = argparse.Namespace(json=str(out), sizes="4k", seed=1, families="synthetic", methods="recency,bm25")
    assert main(args) == 0
    res = json.loads(out.read_text())
    assert res["seed"] == 1 and res["sizes"] == [4096] and len(res["rows"]) == 2
    assert out.with_suffix(".png").exists()
    assert "bm25" in capsys.readouterr().out
    with pytest.raises(LAMError):
        main(argparse.Namespace(json=None, sizes="4k", seed=0, families="synthetic", methods="nope"))


def test_memory_main_asks_keywords(tmp_path, capsys):
    out = tmp_path / "kw.json"
    args = argparse.Namespace(
        json=str(out), sizes="4k", seed=0, families="synthetic", methods="bm25", queries="keywords"
    )
    assert main(args) == 0
    assert json.loads(out.read_text())["queries"] == "keywords"
    assert "as keywords" in capsys.readouterr().out
