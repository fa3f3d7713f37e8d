"""Impunity: UDLAP's Global Impunity Index for Mexico (IGI-MEX), by state and edition.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources import registry
from mxrights.sources.readers import DataError, RowLedger, _drop, read_csv_checked, state_codes


def load_igimex(ledger: RowLedger, path: Path | None = None, name: str = "udlap_igimex_2016_2018") -> pd.DataFrame:
    """UDLAP IGI-MEX state scores: columns ``year, state, state_name, grade, score`` (0-100)."""
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["Año", "Grado de impunidad", "CVE_ENT", "Entidad", "Valor en el indice"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    out = pd.DataFrame({
        "year": pd.to_numeric(df["Año"], errors="coerce").astype("Int64"),
        "state": state_codes(df["CVE_ENT"], name, path, "CVE_ENT"),
        "state_name": df["Entidad"].str.strip(),
        "grade": df["Grado de impunidad"].str.strip(),
        "score": pd.to_numeric(df["Valor en el indice"], errors="coerce"),
    })
    this_year = pd.Timestamp.today().year
    future = out["year"].isna() | (out["year"] < 2000) | (out["year"] > this_year)
    if future.any():
        i = int(future.idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column 'Año': {df.loc[i, 'Año']!r} is not an edition year "
                        f"between 2000 and {this_year}")
    bad = out["score"].isna() | (out["score"] < 0) | (out["score"] > 100)
    if bad.any():
        i = int(bad.idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column 'Valor en el indice': {df.loc[i, 'Valor en el indice']!r} "
                        "is not a score between 0 and 100")
    out = _drop(out, out["state"].isna(), ledger, name, "drop rows without state code", "no INEGI state code")
    return out
