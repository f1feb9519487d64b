"""The evaluation data shipped with the repository (origins, commits and licences in `SOURCES.md` beside this file).

`data_dir()` is this folder; `LAM_DATA_DIR` points the evals at another copy laid out the same way.
"""

from __future__ import annotations

import os
from pathlib import Path

from lam_memory import LAMError

HERE = Path(__file__).resolve().parent


def data_dir() -> Path:
    """The folder holding stsb/, babi/, locomo/, humaneval/, mbpp/, leetcodedataset/ (env LAM_DATA_DIR overrides)."""
    path = Path(os.environ.get("LAM_DATA_DIR") or HERE)
    if not path.is_dir():
        raise LAMError(f"evaluation data not found at {path} (LAM_DATA_DIR must name a folder laid out as evals/data/)")
    return path


def data_file(*parts: str) -> Path:
    """One file of the data, or a one-line error naming it."""
    path = data_dir().joinpath(*parts)
    if not path.exists():
        raise LAMError(f"missing data file {path} (see evals/data/SOURCES.md)")
    return path
