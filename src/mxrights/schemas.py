"""Dataframe schemas (pandera) of the hand-made tables, and readable validation errors.

Every table under ``data/raw`` is validated on load. A failure names the file, the row
(1-based line number in the CSV, header = line 1), the column and the offending value, and
all failures are collected before raising (pandera's lazy validation).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

# pandera is imported by the functions that build or apply a schema, not here: reading the
# vocabulary (a no-op build) then never pays its import (about 0.4 s).

def relation_kinds() -> list[str]:
    """Relation kinds of ``data/raw/vocabulary/relation_kinds.csv``."""
    from . import vocab

    return vocab.relation_kinds()["kind"].tolist()

_PERIOD = re.compile(r"^(\d{4})(-\d{2})?(-\d{2})?$")


class TableError(ValueError):
    """A table failed validation; the message lists file, row, column and value."""


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a hand-made CSV as strings, with empty cells as None.

    The file is decoded and split by Python's ``csv`` module first, so that every row is
    checked against the header before pandas sees it (pandas would silently take an extra
    cell as the row's index).

    Raises:
        TableError: always naming the file: an empty file (no header); a file that is not
            UTF-8 (the row, the column and the bytes around the first bad one); a row with
            more or fewer cells than the header (the row and, for an unquoted comma, the
            column it splits and its two halves). Rows are numbered as everywhere in the
            project: the header is row 1.
    """
    import csv
    import io

    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise TableError(f"{path}: file not found") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TableError(_encoding_message(path, data, exc)) from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(c.strip() for c in rows[0]):
        raise TableError(f"{path}: the file is empty; it needs at least its header row") from None
    header, body = rows[0], [r for r in rows[1:] if r]
    for n, row in enumerate(body, start=2):
        if len(row) != len(header):
            raise TableError(_split_cell_message(path, n, header, row))
    df = pd.DataFrame(body, columns=header, dtype=str) if body else pd.DataFrame(columns=header, dtype=str)
    return df.replace({"": None})


def _encoding_message(path: str | Path, data: bytes, exc: UnicodeDecodeError) -> str:
    """Where the first byte that is not UTF-8 sits: the row, its column, the bytes around it."""
    import csv
    import io

    text = data.decode("latin-1")  # one character per byte: offsets stay offsets
    ends = [0]
    for ln in text.splitlines(keepends=True):
        ends.append(ends[-1] + len(ln))  # ends[k]: offset after physical line k
    reader = csv.reader(io.StringIO(text, newline=""))
    header, row_no, column = [], 1, "?"
    for row_no, row in enumerate(reader, start=1):
        header = header or row
        if ends[min(reader.line_num, len(ends) - 1)] > exc.start:  # the record holding the bad byte
            col_at = next((i for i, cell in enumerate(row) if any(ord(ch) > 127 for ch in cell)), None)
            if col_at is not None and col_at < len(header):
                column = header[col_at]
            break
    around = data[max(0, exc.start - 20):exc.start + 5]
    return (f"{path}, row {row_no}, column {column}: not valid UTF-8 at byte {exc.start} ({around!r}); "
            "save the file as UTF-8")


def _split_cell_message(path: str | Path, row_no: int, header: list[str], row: list[str]) -> str:
    """A row with more (or fewer) cells than the header: name the cell an unquoted comma split.

    A cell written by a CSV writer never starts with a space, so the first cell past the
    first that does is taken as the second half of a split cell; without one, the message
    names the row and the counts only.
    """
    where = f"{path}, row {row_no}"
    counts = f"{len(row)} cells where the header has {len(header)}"
    if len(row) > len(header):
        split = next((i for i in range(1, len(row)) if row[i].startswith(" ")), None)
        if split is not None and split - 1 < len(header):
            return (f"{where}, column {header[split - 1]}: an unquoted comma splits the cell into {row[split - 1]!r} "
                    f"and {row[split]!r} ({counts}); put the cell in double quotes")
        return f"{where}: {counts}; quote cells that contain commas (\"a, b\")"
    return f"{where}, column {header[len(row)]}: missing ({counts}); every row needs a cell for every column"


def period_bound(value: str, end: bool = False) -> pd.Timestamp | None:
    """Turn ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` into the first (or last) day it covers.

    Returns None for an empty value. Raises ValueError for anything else.
    """
    if value is None or (isinstance(value, float) and pd.isna(value)) or str(value).strip() == "":
        return None
    s = str(value).strip()
    if not _PERIOD.match(s):
        raise ValueError(f"{s!r} is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")
    if len(s) == 4:
        return pd.Timestamp(f"{s}-12-31") if end else pd.Timestamp(f"{s}-01-01")
    if len(s) == 7:
        start = pd.Timestamp(f"{s}-01")
        return (start + pd.offsets.MonthEnd(0)) if end else start
    return pd.Timestamp(s)


def _is_period(series: pd.Series) -> pd.Series:
    return series.fillna("").astype(str).str.match(r"^$|^\d{4}(-\d{2})?(-\d{2})?$")


def _period_order(df: pd.DataFrame) -> pd.Series:
    ok = []
    for s, e in zip(df["period_start"].fillna(""), df["period_end"].fillna("")):
        try:
            a, b = period_bound(s), period_bound(e, end=True)
        except ValueError:
            ok.append(True)  # reported by the format check
            continue
        ok.append(a is None or b is None or b >= a)
    return pd.Series(ok, index=df.index)


def _max_values() -> dict[str, float]:
    """Indicator → largest admissible value (``max_value`` in indicators.csv; no entry: no limit)."""
    from . import vocab

    ind = vocab.indicators()
    has = ind[ind["max_value"].str.strip() != ""]
    return dict(zip(has["indicator"], has["max_value"].astype(float)))


def _units() -> list[str]:
    """Units of ``data/raw/vocabulary/units.csv``."""
    from . import vocab

    return vocab.units()["unit"].tolist()


def _topics() -> list[str]:
    from . import vocab

    return vocab.topics()


def claims_schema(documents: list[str], indicators: list[str]) -> pa.DataFrameSchema:
    """Schema of ``data/raw/claims.csv`` given the known seed documents and indicator names."""
    from . import vocab

    import pandera.pandas as pa

    text = pa.Column(str, nullable=False)
    opt = pa.Column(str, nullable=True, checks=pa.Check(_is_period, name="period_format"))
    return pa.DataFrameSchema(
        {
            "claim_id": pa.Column(str, checks=pa.Check.str_matches(r"^[a-z0-9]+(-[a-z0-9]+)+$"), unique=True),
            "document": pa.Column(str, checks=pa.Check.isin(documents)),
            "memo": text,
            "quote": text,
            "printed": text,
            "value": pa.Column(float, coerce=True, checks=pa.Check.ge(0)),
            "unit": pa.Column(str, checks=pa.Check.isin(_units())),
            "qualifier": pa.Column(str, checks=pa.Check.isin(vocab.enumeration("qualifier"))),
            "indicator": pa.Column(str, checks=pa.Check.isin(indicators)),
            "topic": pa.Column(str, checks=pa.Check.isin(_topics())),
            "period_start": opt,
            "period_end": opt,
            "as_of": opt,
            "population": pa.Column(str, checks=pa.Check(lambda s: s.str.strip() != "", name="not_empty")),
            "geography": pa.Column(str, checks=pa.Check(lambda s: s.str.strip() != "", name="not_empty")),
            "source_cited": pa.Column(str, nullable=True),
            "would_settle": pa.Column(str, nullable=True),
        },
        checks=[
            pa.Check(_period_order, name="period_end_not_before_period_start"),
            pa.Check(lambda d: ~(d["value"] > d["indicator"].map(_max_values()).astype(float)),
                     name="value_at_most_the_indicator's_max_value (data/raw/indicators.csv)"),
            pa.Check(lambda d: d["as_of"].fillna("0000").astype(str).str[:4].astype(int) <= pd.Timestamp.today().year,
                     name="as_of_not_in_future"),
        ],
        strict=False,
        ordered=False,
    )


def relations_schema(claim_ids: list[str]) -> pa.DataFrameSchema:
    """Schema of ``data/raw/claim_relations.csv``: every id it names must be in the ledger."""
    import pandera.pandas as pa


    def ids_known(s: pd.Series) -> pd.Series:
        return s.fillna("").map(lambda v: all(x in claim_ids for x in re.split(r"[+;]", v) if x))

    return pa.DataFrameSchema(
        {
            "relation_id": pa.Column(str, unique=True),
            "kind": pa.Column(str, checks=pa.Check.isin(relation_kinds())),
            "lhs": pa.Column(str, checks=pa.Check(ids_known, element_wise=False, name="claim_ids_known")),
            "rhs": pa.Column(str, nullable=True, checks=pa.Check(ids_known, element_wise=False, name="claim_ids_known")),
            "description": pa.Column(str),
        },
        strict=False,
    )


def _bare_domain(url: str) -> bool:
    """True when a URL names only a site (no path beyond ``/`` and no query): a home page."""
    from urllib.parse import urlparse

    u = urlparse(str(url))
    return u.path.strip("/") == "" and not u.query


def evidence_schema(indicators: list[str], claim_ids: list[str], organisations: list[str],
                    scopes: list[str]) -> pa.DataFrameSchema:
    """Schema of the evidence table ``data/raw/evidence/*.csv``.

    Publisher and reporter are ids of ``data/raw/vocabulary/organisations.csv``; the URL must
    lead to a page (a bare domain is refused); where the cited page can no longer be found,
    ``copy_url`` (with ``copy_locator``) names a page where the same figure can, and a row
    with neither address is refused; ``population`` and ``geography`` say what the
    figure measures and may not be empty; ``scope`` says how it relates to the claim's
    quantity, one of ``scopes`` (those ``vocabulary/scopes.csv`` allows in evidence; empty
    means the same quantity; checked against the columns by
    :func:`mxrights.verdicts.evidence_scope`).
    """
    from . import vocab

    import pandera.pandas as pa

    opt = pa.Column(str, nullable=True, checks=pa.Check(_is_period, name="period_format"))
    known = set(organisations)
    org = pa.Check(lambda s: s.isin(known), name="organisation_known (add it to data/raw/vocabulary/organisations.csv)")
    text = pa.Column(str, nullable=False, checks=pa.Check(lambda s: s.str.strip() != "", name="not_empty"))
    return pa.DataFrameSchema(
        {
            "evidence_id": pa.Column(str, unique=True),
            "source_id": pa.Column(str),
            "publisher_id": pa.Column(str, checks=org),
            "reported_by_id": pa.Column(str, nullable=True, checks=org),
            "title": text,
            "year": pa.Column(int, coerce=True, checks=pa.Check.in_range(vocab.setting("evidence_year_min"),
                                                                        vocab.setting("evidence_year_max"))),
            "url": pa.Column(str, nullable=True, checks=[
                pa.Check.str_startswith("http"),
                pa.Check(lambda s: ~s.map(_bare_domain), name="url_is_a_page_not_a_bare_domain")]),
            "copy_url": pa.Column(str, nullable=True, required=False, checks=[
                pa.Check.str_startswith("http"),
                pa.Check(lambda s: ~s.map(_bare_domain), name="copy_url_is_a_page_not_a_bare_domain")]),
            "locator": text,
            "retrieved": pa.Column(str, checks=pa.Check.str_matches(r"^\d{4}-\d{2}-\d{2}$")),
            "indicator": pa.Column(str, checks=pa.Check.isin(indicators)),
            "claim_id": pa.Column(str, nullable=True, checks=pa.Check(
                lambda s: s.map(lambda v: v is None or (isinstance(v, float) and pd.isna(v))
                                or all(x in claim_ids for x in str(v).split(";"))), name="claim_id_known")),
            "scope": pa.Column(str, nullable=True, checks=pa.Check.isin(scopes)),
            "population": text,
            "geography": text,
            "period_start": opt,
            "period_end": opt,
            "as_of": opt,
            "value": pa.Column(float, coerce=True, checks=pa.Check.ge(0)),
            "unit": pa.Column(str, checks=pa.Check.isin(_units())),
            "combine": pa.Column(str, nullable=True, checks=pa.Check.isin(["sum", "complement"])),
            "sample_size": pa.Column(float, nullable=True, coerce=True, checks=pa.Check.gt(0)),
            "notes": pa.Column(str, nullable=True),
        },
        checks=[pa.Check(lambda d: ~((d["unit"] == "percent") & (d["value"] > 100)), name="percent_at_most_100"),
                pa.Check(lambda d: d["url"].notna() | (d["copy_url"].notna() if "copy_url" in d else False),
                         name="url_or_copy_url_present (a reader must be able to find the figure again)")],
        strict=False,
    )


def validate(df: pd.DataFrame, schema: pa.DataFrameSchema, source: str | Path) -> pd.DataFrame:
    """Validate ``df`` lazily; raise :class:`TableError` listing every failure with its location.

    Row numbers are CSV line numbers (header is line 1), assuming ``df`` has a default index.
    """
    import pandera.pandas as pa

    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        fc = exc.failure_cases
        frame_level = fc["schema_context"] == "DataFrameSchema"
        fc = pd.concat([fc[~frame_level], fc[frame_level].drop_duplicates(["index", "check"])])
        lines = []
        for _, f in fc.iterrows():
            if f.get("check") == "column_in_dataframe":
                lines.append(f"{source}, header (line 1): missing column {f['failure_case']!r}; the columns found are "
                             f"{', '.join(map(str, df.columns))}")
                continue
            idx = f.get("index")
            row = f"row {int(idx) + 2}" if idx is not None and not pd.isna(idx) else "whole table"
            col = f.get("column") if not pd.isna(f.get("column")) else "-"
            if f.get("schema_context") == "DataFrameSchema":
                key = next((k for k in ("evidence_id", "claim_id") if k in df.columns), None)  # the table's own key
                shown = f"{key}={df.loc[int(idx), key]}" if key and row != "whole table" else ""
                if shown and "value" in df.columns:
                    shown += f", value={df.loc[int(idx), 'value']}"
                col = f"(row check; {shown})" if shown else "(row check)"
            found = "" if f.get("schema_context") == "DataFrameSchema" else f" (found {f['failure_case']!r})"
            lines.append(f"{source}, {row}, column {col}: failed {f['check']}{found}")
        raise TableError(f"{source}: {len(lines)} validation failure(s)\n  " + "\n  ".join(lines[:50])) from None
