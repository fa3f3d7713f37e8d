"""What every loader of a primary file shares: the error it raises, the row ledger, a checked CSV
reader and the state recodes.

Every loader reads a registered file through :func:`mxrights.sources.registry.resolve` (so its
hash is checked), validates its columns with :func:`read_csv_checked`, and records each step that
drops or merges rows in a :class:`RowLedger`: rows in, rows out, rows dropped and why. Nothing is
dropped silently. Person-level files never leave their loader except as the cleaned frame the
indicator functions aggregate.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd



class DataError(ValueError):
    """A primary file does not have the shape its loader expects (file, row, column named)."""


@dataclass
class RowLedger:
    """Accounts for the rows of every cleaning step: ``rows_in = rows_out + dropped``."""

    entries: list[dict] = field(default_factory=list)

    def record(self, source: str, step: str, rows_in: int, rows_out: int, reason: str) -> None:
        """Add one step. Raises DataError if rows appeared from nowhere."""
        if rows_out > rows_in:
            raise DataError(f"{source}: step {step!r} returned {rows_out} rows from {rows_in}")
        self.entries.append({"source": source, "step": step, "rows_in": int(rows_in),
                             "rows_out": int(rows_out), "dropped": int(rows_in - rows_out), "reason": reason})

    def frame(self) -> pd.DataFrame:
        """The ledger as a table (one row per step)."""
        return pd.DataFrame(self.entries, columns=["source", "step", "rows_in", "rows_out", "dropped", "reason"])


def _drop(df: pd.DataFrame, mask: pd.Series, ledger: RowLedger, source: str, step: str, reason: str) -> pd.DataFrame:
    out = df[~mask]
    ledger.record(source, step, len(df), len(out), reason)
    return out


def read_csv_checked(path: Path, columns: list[str], name: str, encoding: str = "utf-8",
                     dtype=str, compression: str | None = "infer", sep: str = ",") -> pd.DataFrame:
    """Read a CSV and fail loudly on a wrong encoding, a truncated file or changed columns.

    Args:
        path: the file.
        columns: columns that must be present (extra ones are allowed).
        name: the registry name, used in messages.
        encoding: expected encoding (INEGI often publishes Latin-1).
        sep: the field separator (``|`` for pipe-separated files).

    Raises:
        DataError: naming the file and, where known, the row and column.
    """
    raw = Path(path).read_bytes()
    if compression == "infer" and str(path).endswith(".gz"):
        import gzip

        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as exc:
            raise DataError(f"{name} ({path}): gzip stream is damaged or truncated: {exc}") from None
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        hint = "latin-1" if encoding.lower().replace("-", "") == "utf8" else "utf-8"
        raise DataError(f"{name} ({path}), row {line}: bytes {raw[exc.start:exc.start + 4]!r} are not valid "
                        f"{encoding} ({exc.reason}); the file is probably {hint}: declare encoding={hint!r}") from None
    if encoding.lower().replace("-", "") in ("latin1", "iso88591", "cp1252"):
        # Latin-1 decodes any byte: catch UTF-8 read as Latin-1 by its tell-tale mojibake.
        for bad in ("Ã©", "Ã³", "Ã±", "Ã¡", "Ãº", "Ã\xad"):
            if bad in text:
                line = text[: text.index(bad)].count("\n") + 1
                raise DataError(f"{name} ({path}), row {line}: found {bad!r}, UTF-8 text read as {encoding}; "
                                "declare encoding='utf-8'")
    if text and not text.endswith("\n"):
        last = text.rsplit("\n", 1)[-1]
        header = next(csv.reader([text.split("\n", 1)[0]], delimiter=sep))
        fields = next(csv.reader([last], delimiter=sep)) if last else []
        if len(fields) != len(header) or last.count('"') % 2:
            n = text.count("\n") + 1
            raise DataError(f"{name} ({path}), row {n}: file ends mid-row ({len(fields)} of {len(header)} fields); "
                            "the file is truncated: fetch it again")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False, na_values=[""], sep=sep)
    except pd.errors.ParserError as exc:
        raise DataError(f"{name} ({path}): cannot parse CSV: {exc}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{name} ({path}), row 1 (header): missing column(s) {missing}; found {list(df.columns)}. "
                        "The publisher changed the layout: update the loader and register the new version")
    return df


def state_code_from_name(names: pd.Series, source: str = "*", path=None, column: str = "name") -> pd.Series:
    """INEGI state codes from state names as registers print them (see :func:`mxrights.sources.geo.codes_from_names`).

    Case, accents and spacing are ignored ('NUEVO LEON' = 'Nuevo León'); other spellings
    ('ESTADO DE MEXICO' → '15', 'NO ESPECIFICADO' → '99') come from
    ``data/raw/vocabulary/state_recodes.csv``. An unknown name raises :class:`DataError`.
    """
    from mxrights.sources import geo

    return geo.codes_from_names(names, source, path, column)


def state_codes(codes: pd.Series, source: str, path, column: str) -> pd.Series:
    """A source's state-code column as INEGI codes (see :func:`mxrights.sources.geo.codes_from_codes`);
    an unknown code raises :class:`DataError` naming file, row, column and value."""
    from mxrights.sources import geo

    return geo.codes_from_codes(codes, source, path, column)


def _whole_numbers(df: pd.DataFrame, column: str, name: str, path) -> pd.Series:
    """A column of counts (whole numbers >= 0) as int64; any other cell is an error naming its row."""
    cell = df[column].fillna("").astype(str).str.strip()
    bad = ~cell.str.fullmatch(r"\d+")
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column {column}: {df[column].iloc[i]!r} is not a count "
                        "(a whole number >= 0)")
    return cell.astype("int64")


def _months(df: pd.DataFrame, column: str, name: str, path) -> pd.Series:
    """Month numbers 1-12; any other cell is an error naming its row."""
    m = pd.to_numeric(df[column], errors="coerce")
    bad = m.isna() | ~m.isin(range(1, 13))
    if bad.any():
        i = int(bad.to_numpy().argmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column {column}: {df[column].iloc[i]!r} is not a month (1-12)")
    return m.astype("int64")
