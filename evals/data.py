"""Where the evaluation data lives (`../shared/data` beside the repo, or $LAM_SHARED_DIR)."""

from __future__ import annotations

import os
from pathlib import Path

from lam_memory import LAMError

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The shared folder holding `data/` (env LAM_SHARED_DIR, else `<repo>/../shared`)."""
    path = Path(os.environ.get("LAM_SHARED_DIR", REPO.parent / "shared"))
    if not (path / "data").is_dir():
        raise LAMError(f"evaluation data not found at {path}/data (set LAM_SHARED_DIR to the folder holding data/)")
    return path
