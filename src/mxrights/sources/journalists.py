"""Journalists killed: the Committee to Protect Journalists' database export (motive confirmed).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources import registry
from mxrights.sources.readers import RowLedger, _drop, read_csv_checked


def load_cpj(ledger: RowLedger, path: Path | None = None, name: str = "cpj_killed_confirmed_2025_05") -> pd.DataFrame:
    """CPJ journalists killed (motive confirmed): returns Mexico only, columns ``year, type_of_death``.

    Names and organisations are dropped on load: only counts leave this function's callers.
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["location", "typeOfDeath", "Year"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    from mxrights.sources import geo

    df = _drop(df, ~df["location"].isin(geo.spellings(name, geo.NATIONAL)), ledger, name, "keep Mexico",
               "killed outside Mexico")
    year = pd.to_numeric(df["Year"], errors="coerce")
    out = pd.DataFrame({"year": year.astype("Int64"), "type_of_death": df["typeOfDeath"].fillna("")})
    return _drop(out, out["year"].isna(), ledger, name, "drop rows without year", "no year").reset_index(drop=True)
