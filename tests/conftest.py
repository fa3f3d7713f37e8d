"""Shared fixtures. Tests run with sockets disabled (pytest-socket, see pyproject.toml)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mxrights import paths

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def root() -> Path:
    return paths.project_root()


@pytest.fixture(scope="session")
def mirror() -> Path:
    m = paths.mirror_dir()
    if m is None:
        pytest.fail("no data mirror: ../shared/data is missing and MXRIGHTS_DATA_MIRROR is unset")
    return m


@pytest.fixture
def tmp_mirror(tmp_path, mirror, monkeypatch) -> Path:
    """A writable copy of the mirror, set as MXRIGHTS_DATA_MIRROR."""
    dst = tmp_path / "mirror"
    shutil.copytree(mirror, dst)
    for p in dst.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(dst))
    return dst


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture(scope="session")
def annual():
    """The committed annual table (rebuilt by ``mxrights tables``)."""
    import pandas as pd

    from mxrights import paths

    return pd.read_csv(paths.processed_dir() / "indicators_annual.csv", keep_default_na=False,
                       na_values=[""]).assign(note=lambda d: d["note"].fillna(""))
