"""Fixtures shared by the memory tests that need another user: a folder every user can read, and the command
prefix that runs a process as `nobody`."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest


@pytest.fixture
def as_nobody() -> list[str]:
    """Run as `nobody` when we are root (root ignores file permissions), else as ourselves."""
    if os.geteuid() != 0:
        return []
    if not shutil.which("setpriv"):
        pytest.skip("root without setpriv: cannot drop privileges to test permissions")
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


@pytest.fixture
def shared_dir():
    """A folder every user can read (pytest's tmp_path is private to its owner), removed afterwards even when a
    test made its contents read-only."""
    d = Path(tempfile.mkdtemp(prefix="lam-ro-"))
    d.chmod(0o755)
    yield d
    for p in [d, *d.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() else 0o644)
    shutil.rmtree(d)
