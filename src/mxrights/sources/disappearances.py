"""Disappearance registers: CENAPI/FGR person records (Data Cívica's import), the National Search
Commission's RNPDNO (July 2020 extract and the 2026 state-by-month snapshot), RNPED state counts
(January 2018) and a peer project's reading of the 2026 RNPDNO dashboard. One loader each; their
recodes are rows of ``vocabulary/state_recodes.csv``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources import registry
from mxrights.sources.readers import DataError, RowLedger, _drop, _whole_numbers, read_csv_checked, state_code_from_name, state_codes


def load_cenapi(ledger: RowLedger, path: Path | None = None, name: str = "cenapi_records_import") -> pd.DataFrame:
    """CENAPI (PGR/FGR) person-level records: event date, state, sex, age, status.

    Cleaning, every step in the ledger: parse ``fecha_evento``; drop rows with no date or the
    placeholder date 1900-01-01 (the event date is unknown, so the record cannot be placed
    in time); keep exact duplicate rows (there is no person id, so two identical rows can be
    two people; their number is recorded as a zero-drop step).

    Returns:
        Columns ``date`` (Timestamp), ``state`` (INEGI code, '99' = not recorded),
        ``sex``, ``status`` (``missing`` / ``found_alive`` / ``found_dead``).
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["fecha_evento", "cve_ent", "sexo", "estatus"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    statuses = {"AUN SIN LOCALIZAR": "missing", "VIVO": "found_alive", "MUERTO": "found_dead"}
    unknown = ~df["estatus"].isin(list(statuses))
    if unknown.any():
        i = int(unknown.idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column estatus: unknown status {df.loc[i, 'estatus']!r}; "
                        f"expected one of {list(statuses)}")
    date = pd.to_datetime(df["fecha_evento"], errors="coerce", format="%Y-%m-%d %H:%M:%S")
    out = pd.DataFrame({"date": date, "state": state_codes(df["cve_ent"], name, path, "cve_ent"),
                        "sex": df["sexo"].fillna(""), "status": df["estatus"].map(statuses)})
    future = out["date"] > pd.Timestamp.today()
    if future.any():
        i = int(future.idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column fecha_evento: {df.loc[i, 'fecha_evento']!r} is in the future")
    out = _drop(out, out["date"].isna(), ledger, name, "drop unparseable fecha_evento", "event date missing or not a date")
    out = _drop(out, out["date"] == pd.Timestamp("1900-01-01"), ledger, name, "drop placeholder 1900-01-01",
                "placeholder event date (unknown)")
    dups = int(df.loc[out.index].duplicated().sum())
    ledger.record(name, f"keep {dups} identical rows", len(out), len(out),
                  "no person id: rows identical in every column may be distinct people; kept")
    return out.reset_index(drop=True)


def load_rnpdno_2026(ledger: RowLedger, path: Path | None = None, name: str = "rnpdno_2026_state_month") -> pd.DataFrame:
    """RNPDNO 2026 query: persons by state, month of event (or SIN_FECHA), status and sex.

    Returns columns ``state, period, year, status, count``; ``year`` is NA for SIN_FECHA.
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["cve_entidad", "periodo", "categoria", "conteo"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    status = {"DESAPARECIDA_O_NO_LOCALIZADA": "missing", "LOCALIZADA_CON_VIDA": "found_alive",
              "LOCALIZADA_SIN_VIDA": "found_dead"}
    out = pd.DataFrame({"state": state_codes(df["cve_entidad"], name, path, "cve_entidad"), "period": df["periodo"],
                        "status": df["categoria"].map(status), "count": pd.to_numeric(df["conteo"], errors="coerce")})
    if out["count"].isna().any() or (out["count"] < 0).any():
        i = int((out["count"].isna() | (out["count"] < 0)).idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column conteo: {df.loc[i, 'conteo']!r} is not a count >= 0")
    out["year"] = pd.to_numeric(out["period"].str[:4], errors="coerce").astype("Int64")
    return _drop(out, out["status"].isna(), ledger, name, "drop unknown categoria", "status not in the three RNPDNO categories")


def load_rnpdno_2020(ledger: RowLedger, path: Path | None = None, name: str = "rnpdno_jul2020_year_state") -> pd.DataFrame:
    """RNPDNO July 2020 release: persons by year of disappearance, state and status (sexes summed).

    ``year`` is NA for 'no determinado' (kept, as Data Cívica does, not dropped).
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["year", "hombre", "mujer", "indeterminado", "inegi", "status"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    for c in ("hombre", "mujer", "indeterminado"):  # a garbled count is an error, never a silent 0
        bad = ~df[c].astype(str).str.fullmatch(r"\d+")
        if bad.any():
            i = int(bad.idxmax())
            raise DataError(f"{name} ({path}), row {i + 2}, column {c}: {df.loc[i, c]!r} is not a count >= 0")
    total = sum(pd.to_numeric(df[c]) for c in ("hombre", "mujer", "indeterminado"))
    status = {"desaparecidos": "missing", "localizado con vida": "found_alive", "localizado sin vida": "found_dead"}
    return pd.DataFrame({"year": pd.to_numeric(df["year"], errors="coerce").astype("Int64"),
                         "state": state_codes(df["inegi"], name, path, "inegi"), "status": df["status"].map(status),
                         "count": total.astype("int64")})


def load_rnped_2018_states(ledger: RowLedger, path: Path | None = None,
                           name: str = "rnped_fc_2018_01_state") -> pd.DataFrame:
    """RNPED fuero común persons not located by state, Jan 2018 (``state, name, count``).

    The file's ``code`` column is unreliable (CDMX is labelled MX-MEX), so states are matched
    by name to INEGI codes.
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["code", "name", "personas_no_localizadas"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    state = state_code_from_name(df["name"], name, path, "name")
    return pd.DataFrame({"state": state, "name": df["name"],
                         "count": pd.to_numeric(df["personas_no_localizadas"]).astype("int64")})


def load_peer_rnpdno(ledger: RowLedger, path: Path | None = None,
                     name: str = "peer_rnpdno_2026_national_year") -> pd.DataFrame:
    """A peer project's national RNPDNO count by year (``anio, desap_count, fuente``): ``year, count``.

    Raises:
        DataError: a year or count that is not a whole number >= 0 (file, row, column, value).
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["anio", "desap_count"], name)
    ledger.record(name, "read", len(df), len(df), "rows read (one row per year)")
    return pd.DataFrame({"year": _whole_numbers(df, "anio", name, path), "count": _whole_numbers(df, "desap_count", name, path)})
