"""Steps of the tables build kept between builds, keyed on the hash of what they read.

A step (loading the primary files and recomputing their series, fitting the trends) is
re-run only when its key changes: the library source, and the exact inputs the step declares.
Results are pickled under ``<reports>/.cache/<step>-<key>.pkl`` (generated, never committed;
only the latest of each step is kept). A correction to one claim's text therefore never
re-reads the registers.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from mxrights import paths

T = TypeVar("T")


def cache_dir() -> Path:
    """``<reports>/.cache`` (``MXRIGHTS_REPORTS`` moves it with the reports)."""
    return paths.reports_dir() / ".cache"


def key_of(parts: list[str | bytes | Path]) -> str:
    """sha256 over strings, bytes and files (a file by its name and bytes), in order."""
    h = hashlib.sha256()
    for p in parts:
        if isinstance(p, Path):
            h.update(p.name.encode())
            h.update(p.read_bytes())
        else:
            h.update(p if isinstance(p, bytes) else str(p).encode())
        h.update(b"\x00")
    return h.hexdigest()


def cached(step: str, parts: list[str | bytes | Path], compute: Callable[[], T]) -> T:
    """``compute()``'s result, from the cache when the key of ``parts`` is the cached one.

    The key always includes the library source (a code change re-runs every step). A result
    that cannot be read back (a damaged file) is computed again.
    """
    from mxrights.build import plan

    key = key_of([plan.source_digest(), *parts])[:32]
    folder = cache_dir()
    path = folder / f"{step}-{key}.pkl"
    if path.exists():
        try:
            with open(path, "rb") as fh:
                return pickle.load(fh)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError):
            pass
    value = compute()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob(f"{step}-*.pkl"):
        if old != path:
            old.unlink(missing_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # two workers may write one step at once
    with open(tmp, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)
    return value
