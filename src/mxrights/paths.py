"""Filesystem locations used by the package.

The project root is found from the package location (``src/mxrights`` in an editable
install) unless ``MXRIGHTS_ROOT`` is set. The mirror of large public files defaults to
``../shared/data`` beside the checkout and is overridden by ``MXRIGHTS_DATA_MIRROR``.
"""

from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path:
    """Return the repository root (the folder holding ``pyproject.toml``)."""
    env = os.environ.get("MXRIGHTS_ROOT")
    if env:
        return Path(env).resolve()
    here = Path(__file__).resolve()
    for parent in here.parents:
        if (parent / "pyproject.toml").exists() and (parent / "data").is_dir():
            return parent
    return Path.cwd().resolve()


def data_dir() -> Path:
    """Return ``<root>/data``."""
    return project_root() / "data"


def raw_dir() -> Path:
    """Return ``<root>/data/raw`` (small hand-transcribed tables, committed)."""
    return data_dir() / "raw"


def processed_dir() -> Path:
    """Return ``<root>/data/processed`` (aggregate outputs, committed)."""
    return data_dir() / "processed"


def seeds_dir() -> Path:
    """Return the folder of seed documents (``MXRIGHTS_SEEDS`` or ``../shared/seeds``)."""
    env = os.environ.get("MXRIGHTS_SEEDS")
    if env:
        return Path(env).resolve()
    return (project_root().parent / "shared" / "seeds").resolve()


def memo_series_dir() -> Path:
    """Return the folder of memo-series texts (``MXRIGHTS_MEMO_SERIES`` or ``../shared/memo_series``)."""
    env = os.environ.get("MXRIGHTS_MEMO_SERIES")
    if env:
        return Path(env).resolve()
    return (project_root().parent / "shared" / "memo_series").resolve()


def mirror_dir() -> Path | None:
    """Return the mirror of large public files, or ``None`` when none is configured/present.

    ``MXRIGHTS_DATA_MIRROR`` wins (an empty value disables the mirror); otherwise
    ``../shared/data`` beside the checkout is used when it exists.
    """
    env = os.environ.get("MXRIGHTS_DATA_MIRROR")
    if env is not None:
        return Path(env).resolve() if env.strip() else None
    default = project_root().parent / "shared" / "data"
    return default.resolve() if default.is_dir() else None


def reports_dir() -> Path:
    """Return ``<root>/reports`` (executed notebooks, HTML; not committed)."""
    env = os.environ.get("MXRIGHTS_REPORTS")
    return Path(env).resolve() if env else project_root() / "reports"
