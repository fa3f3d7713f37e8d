"""Reading a hand-made CSV safely, and the error every table check raises.

:func:`read_table` reads a table as strings after checking its encoding and that every row has
as many cells as the header; :class:`TableError` is what every check of a table raises, its
message naming file, row (the header is row 1), column and value. What a table's columns must
hold is in ``datapackage.json`` and checked by :mod:`mxrights.sources.package`; this module knows no
table.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

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
