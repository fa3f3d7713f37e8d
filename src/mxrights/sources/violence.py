"""Violence: INEGI's homicide deaths by state and month (2000–2022) and SESNSP's victims by state,
month and crime (2015–2025).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources import registry
from mxrights.sources.readers import DataError, RowLedger, _drop, _months, _whole_numbers, read_csv_checked, state_code_from_name, state_codes


def load_inegi_homicides(ledger: RowLedger, path: Path | None = None,
                         name: str = "inegi_homicides_state_month") -> pd.DataFrame:
    """INEGI homicide deaths by state and month of occurrence, with mid-year population.

    The extract (Gargiulo, Aburto & Floridi, from INEGI's death certificates) is pipe-separated:
    ``cve_ent|year|month|homicides|pop_est|homicide_rate``. The published monthly rate is not
    read: rates are recomputed from deaths and population so that annual rates weigh months by
    their deaths.

    Returns:
        ``state`` (INEGI code), ``year``, ``month``, ``homicides`` (deaths), ``population``
        (persons, mid-year estimate).

    Raises:
        DataError: a state code outside INEGI's list, a month outside 1-12, a count that is not a
            whole number >= 0, or a population missing or not positive (file, row, column, value).
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["cve_ent", "year", "month", "homicides", "pop_est"], name, sep="|")
    ledger.record(name, "read", len(df), len(df), "rows read (one row per state and month)")
    out = pd.DataFrame({"state": state_codes(df["cve_ent"], name, path, "cve_ent"),
                        "year": _whole_numbers(df, "year", name, path),
                        "month": _months(df, "month", name, path),
                        "homicides": _whole_numbers(df, "homicides", name, path)})
    pop = pd.to_numeric(df["pop_est"], errors="coerce")
    bad = pop.isna() | (pop <= 0)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column pop_est: {df['pop_est'].iloc[i]!r} is not a population "
                        "(a number > 0); a rate cannot be computed without it")
    out["population"] = pop
    dup = out.duplicated(["state", "year", "month"])
    if dup.any():
        i = int(dup.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}: a second row for state {out['state'].iloc[i]}, "
                        f"{out['year'].iloc[i]}-{out['month'].iloc[i]:02d}")
    return out


def load_sesnsp_victims(ledger: RowLedger, path: Path | None = None, name: str = "sesnsp_victims_state_month",
                        last_month: str = "2025-01") -> pd.DataFrame:
    """SESNSP victims in case files by state, month and crime (fuero común, new method, 2015 on).

    Cleaning, every step in the ledger: the ``Nacional`` rows are checked to equal the sum of
    the 32 states for every month and crime, then dropped (the national figure is recomputed as
    that sum); months after ``last_month`` (the last month published when the extract was made:
    later months are zeros, not yet published) are dropped.

    Returns:
        ``state`` (INEGI code), ``year``, ``month``, ``crime`` (SESNSP's ``delito``, Spanish),
        ``victims``.

    Raises:
        DataError: an unknown state name, a date that is not the first day of a month, a count that
            is not a whole number >= 0, or a ``Nacional`` row that differs from the sum of states.
    """
    from mxrights.sources import geo

    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["isodate", "entidad", "delito", "total"], name)
    ledger.record(name, "read", len(df), len(df), "rows read (one row per state or Nacional, month and crime)")
    date = pd.to_datetime(df["isodate"], format="%Y-%m-%d", errors="coerce")
    bad = date.isna() | (date.dt.day != 1)
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column isodate: {df['isodate'].iloc[i]!r} is not the first "
                        "day of a month (YYYY-MM-01)")
    out = pd.DataFrame({"state": state_code_from_name(df["entidad"], name, path, "entidad"),
                        "year": date.dt.year.astype("int64"), "month": date.dt.month.astype("int64"),
                        "crime": df["delito"].str.strip(), "victims": _whole_numbers(df, "total", name, path)})
    national = out["state"] == geo.NATIONAL
    states = out[~national].groupby(["year", "month", "crime"])["victims"].sum()
    nat = out[national].set_index(["year", "month", "crime"])["victims"]
    diff = (nat - states.reindex(nat.index, fill_value=0)).abs()
    if (diff > 0).any():
        y, m, c = diff[diff > 0].index[0]
        raise DataError(f"{name} ({path}): the Nacional row of {y}-{m:02d}, {c} ({nat[(y, m, c)]}) differs from the "
                        f"sum of the states ({states.get((y, m, c), 0)})")
    out = _drop(out, national, ledger, name, "drop Nacional rows",
                "national rows equal the sum of the 32 states (checked for every month and crime); recomputed as that sum")
    last = pd.Period(last_month, "M")
    later = (out["year"] * 12 + out["month"]) > (last.year * 12 + last.month)
    return _drop(out, later, ledger, name, f"drop months after {last_month}",
                 f"months after {last_month} were not yet published when the extract was made (zeros)").reset_index(drop=True)
