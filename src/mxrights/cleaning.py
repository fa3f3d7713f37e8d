"""Loaders and cleaners of the primary files, with row accounting.

Every loader reads a registered file through :func:`mxrights.registry.resolve` (so its
hash is checked), validates its columns, and records each step that drops or merges rows
in a :class:`RowLedger`: rows in, rows out, rows dropped and why. Nothing is dropped
silently. Person-level files (CENAPI, CPJ) never leave this module as person-level
tables except as the cleaned frame the indicator functions aggregate.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import registry

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
    """INEGI state codes from state names as registers print them (see :func:`mxrights.geo.codes_from_names`).

    Case, accents and spacing are ignored ('NUEVO LEON' = 'Nuevo León'); other spellings
    ('ESTADO DE MEXICO' → '15', 'NO ESPECIFICADO' → '99') come from
    ``data/raw/vocabulary/state_recodes.csv``. An unknown name raises :class:`DataError`.
    """
    from . import geo

    return geo.codes_from_names(names, source, path, column)


def state_codes(codes: pd.Series, source: str, path, column: str) -> pd.Series:
    """A source's state-code column as INEGI codes (see :func:`mxrights.geo.codes_from_codes`);
    an unknown code raises :class:`DataError` naming file, row, column and value."""
    from . import geo

    return geo.codes_from_codes(codes, source, path, column)


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


def load_cpj(ledger: RowLedger, path: Path | None = None, name: str = "cpj_killed_confirmed_2025_05") -> pd.DataFrame:
    """CPJ journalists killed (motive confirmed): returns Mexico only, columns ``year, type_of_death``.

    Names and organisations are dropped on load: only counts leave this function's callers.
    """
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["location", "typeOfDeath", "Year"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    from . import geo

    df = _drop(df, ~df["location"].isin(geo.spellings(name, geo.NATIONAL)), ledger, name, "keep Mexico",
               "killed outside Mexico")
    year = pd.to_numeric(df["Year"], errors="coerce")
    out = pd.DataFrame({"year": year.astype("Int64"), "type_of_death": df["typeOfDeath"].fillna("")})
    return _drop(out, out["year"].isna(), ledger, name, "drop rows without year", "no year").reset_index(drop=True)


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


def load_graves(ledger: RowLedger, path: Path | None = None, name: str = "advld_graves_national_year") -> pd.DataFrame:
    """A dónde van los desaparecidos: graves and bodies per year, national (``year, graves, bodies``)."""
    path = path or registry.resolve(name)
    df = read_csv_checked(path, ["year", "num_fosas", "num_cuerpos"], name)
    ledger.record(name, "read", len(df), len(df), "rows read")
    out = pd.DataFrame({"year": pd.to_numeric(df["year"]).astype("int64"),
                        "graves": pd.to_numeric(df["num_fosas"]).astype("int64"),
                        "bodies": pd.to_numeric(df["num_cuerpos"]).astype("int64")})
    if (out[["graves", "bodies"]] < 0).any().any():
        raise DataError(f"{name} ({path}): negative count")
    return out


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
    from . import geo

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
