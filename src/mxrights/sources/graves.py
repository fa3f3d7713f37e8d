"""Clandestine graves: the PDH Ibero press list 2007–2019. (A dónde van los desaparecidos'
national counts 2006–2016 need no loader: they are two frames of ``data/raw/primary_tables.csv``.)
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources import registry
from mxrights.sources.readers import DataError, RowLedger, read_csv_checked, state_codes


def load_graves_press(ledger: RowLedger, path: Path | None = None, name: str = "pdh_ibero_graves_press",
                      encoding: str = "mac_roman") -> pd.DataFrame:
    """PDH Ibero press-based list of clandestine-grave findings, 2007–2019: one row per site.

    The file mixes encodings (Mac Roman bytes with some double-encoded UTF-8 state names),
    so states are taken from the INEGI code ``cve_ente``, never from the names. ``na``/``NA``
    count cells are unknown (kept as NA, not 0); any other non-numeric count is an error.
    Free-text columns (places, case files, observations) are dropped on load.

    Returns:
        ``year, state, graves, bodies`` (``graves``/``bodies`` nullable Int64: graves and
        bodies reported at the site).
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["ano", "cve_ente", "numero_de_fosas", "numero_de_cuerpos"], name, encoding=encoding)
    ledger.record(name, "read", len(df), len(df), "rows read (one row per site of findings)")
    out = pd.DataFrame({"year": pd.to_numeric(df["ano"], errors="coerce"),
                        "state": state_codes(df["cve_ente"], name, path, "cve_ente")})
    for col, src in (("graves", "numero_de_fosas"), ("bodies", "numero_de_cuerpos")):
        cell = df[src].fillna("na").astype(str).str.strip()
        unknown = cell.str.lower() == "na"
        bad = ~unknown & ~cell.str.fullmatch(r"\d+")
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(f"{name} ({path}), row {i + 2}, column {src}: {df.loc[i, src]!r} is not a count "
                            "(a whole number >= 0, or na when unknown)")
        out[col] = pd.to_numeric(cell.where(~unknown), errors="coerce").astype("Int64")
    if out["year"].isna().any():
        i = int(out["year"].isna().idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column ano: {df.loc[i, 'ano']!r} is not a year")
    out["year"] = out["year"].astype("int64")
    return out
