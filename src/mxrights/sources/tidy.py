"""Primary files read by declaration, not by code: one row of ``data/raw/primary_tables.csv`` each.

A primary file whose rows are events or counts by year (optionally by state) needs no loader of
its own. Its row in ``primary_tables.csv`` names the frame the series read (``frame``; one file may
give several, one per count column), the registered file (``registry``), its encoding
and separator, the column holding the year, the column holding a count (``value``; empty: each row
counts one), the state column and whether it holds INEGI codes or names (``state_kind``; the
source's own spellings are rows of ``vocabulary/state_recodes.csv`` under the registry name), and
an optional filter (``filter_column`` in ``filter_values``, ``;``-separated). :func:`load` returns
``year, state, value``; every row the filter drops is accounted for in the row ledger.
Series then read it with the method ``sum_by_year`` of ``series_recomputed.csv``
(:mod:`mxrights.series.annual`), nationally and, with ``by_state``, per state.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights.sources import package, registry
from mxrights.sources.readers import DataError, RowLedger, _drop, _whole_numbers, read_csv_checked, state_code_from_name, \
    state_codes


@lru_cache(maxsize=2)
def _table(path: Path, stamp: tuple[int, int]) -> pd.DataFrame:
    return package.read("primary_tables", path).fillna("")


def table(path: Path | None = None) -> pd.DataFrame:
    """``data/raw/primary_tables.csv`` (checked against its schema: a ``registry`` that is not a
    registered file, a ``state_kind`` other than ``code`` or ``name``, a missing year column are refused)."""
    path = path or registry.resolve("primary_tables")
    st = Path(path).stat()
    return _table(Path(path), (st.st_mtime_ns, st.st_size))


def load(spec: pd.Series, ledger: RowLedger, path: Path | None = None) -> pd.DataFrame:
    """Read one declared primary file as ``year`` (int), ``state`` (INEGI code, ``""`` without a
    state column) and ``value`` (int: the count column, or 1 per row).

    Args:
        spec: one row of :func:`table`.
        ledger: records the rows read and those the filter drops.
        path: read this file instead of the registered one (tests).

    Raises:
        DataError: naming file, row, column and value: a missing column, a year that is not a
            year, a count that is not a whole number >= 0, a state code or name the recodes do
            not know.
    """
    name = spec["registry"]
    path = path or registry.resolve(name)
    wanted = [c for c in (spec["year"], spec["value"], spec["state"], spec["filter_column"]) if c]
    df = read_csv_checked(path, wanted, name, encoding=spec["encoding"] or "utf-8", sep=spec["separator"] or ",")
    ledger.record(name, f"read ({spec['frame']})", len(df), len(df), "rows read")
    if spec["filter_column"]:
        keep = set(spec["filter_values"].split(";"))
        df = _drop(df, ~df[spec["filter_column"]].isin(keep), ledger, name, f"keep {spec['filter_column']}",
                   f"{spec['filter_column']} not in {sorted(keep)}")
    df = df.reset_index(drop=True)
    year = df[spec["year"]].fillna("").astype(str).str.strip()
    bad = ~year.str.fullmatch(r"(19|20)\d\d")
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column {spec['year']}: {df[spec['year']].iloc[i]!r} is not a year")
    value = _whole_numbers(df, spec["value"], name, path) if spec["value"] else pd.Series(1, index=df.index, dtype="int64")
    if spec["state"]:
        state = (state_codes if spec["state_kind"] == "code" else state_code_from_name)(df[spec["state"]], name, path,
                                                                                        spec["state"])
    else:
        state = pd.Series("", index=df.index)
    out = pd.DataFrame({"year": year.astype(int), "state": state.astype(str), "value": value})
    if not spec["state"]:
        out = out.drop(columns="state")  # national only: the file has no place to split by
    return out


def load_all(ledger: RowLedger) -> dict[str, pd.DataFrame]:
    """Every declared frame (``frame`` of ``primary_tables.csv`` → ``year, [state,] value``)."""
    return {r["frame"]: load(r, ledger) for _, r in table().iterrows()}


def clear_cache() -> None:
    """Forget the table read."""
    _table.cache_clear()
