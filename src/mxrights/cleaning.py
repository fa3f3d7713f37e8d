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

#: INEGI state codes (claves de entidad) and official short names.
STATES = {
    "01": "Aguascalientes", "02": "Baja California", "03": "Baja California Sur", "04": "Campeche",
    "05": "Coahuila", "06": "Colima", "07": "Chiapas", "08": "Chihuahua", "09": "Ciudad de México",
    "10": "Durango", "11": "Guanajuato", "12": "Guerrero", "13": "Hidalgo", "14": "Jalisco",
    "15": "México", "16": "Michoacán", "17": "Morelos", "18": "Nayarit", "19": "Nuevo León",
    "20": "Oaxaca", "21": "Puebla", "22": "Querétaro", "23": "Quintana Roo", "24": "San Luis Potosí",
    "25": "Sinaloa", "26": "Sonora", "27": "Tabasco", "28": "Tamaulipas", "29": "Tlaxcala",
    "30": "Veracruz", "31": "Yucatán", "32": "Zacatecas",
}


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
                     dtype=str, compression: str | None = "infer") -> pd.DataFrame:
    """Read a CSV and fail loudly on a wrong encoding, a truncated file or changed columns.

    Args:
        path: the file.
        columns: columns that must be present (extra ones are allowed).
        name: the registry name, used in messages.
        encoding: expected encoding (INEGI often publishes Latin-1).

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
        header = next(csv.reader([text.split("\n", 1)[0]]))
        fields = next(csv.reader([last])) if last else []
        if len(fields) != len(header) or last.count('"') % 2:
            n = text.count("\n") + 1
            raise DataError(f"{name} ({path}), row {n}: file ends mid-row ({len(fields)} of {len(header)} fields); "
                            "the file is truncated: fetch it again")
    try:
        df = pd.read_csv(io.StringIO(text), dtype=dtype, keep_default_na=False, na_values=[""])
    except pd.errors.ParserError as exc:
        raise DataError(f"{name} ({path}): cannot parse CSV: {exc}") from None
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise DataError(f"{name} ({path}), row 1 (header): missing column(s) {missing}; found {list(df.columns)}. "
                        "The publisher changed the layout: update the loader and register the new version")
    return df


def normalise_state_code(codes: pd.Series) -> pd.Series:
    """Return 2-digit INEGI state codes ('1' → '01'); non-numeric values become NA."""
    num = pd.to_numeric(codes, errors="coerce")
    labels = {v: f"{int(v):02d}" for v in num.dropna().unique()}  # format each distinct code once
    return num.map(lambda v: labels[v] if pd.notna(v) else pd.NA)


_STATE_ALIASES = {
    "estado de mexico": "15", "edomex": "15", "mexico": "15", "distrito federal": "09", "cdmx": "09",
    "coahuila de zaragoza": "05", "michoacan de ocampo": "16", "veracruz de ignacio de la llave": "30",
    "no especificado": "33", "entidad no especificada": "33",
}


def _fold(name: str) -> str:
    import unicodedata

    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(s.lower().replace(".", " ").split())


def state_code_from_name(names: pd.Series) -> pd.Series:
    """INEGI state codes from state names as registers print them.

    Case, accents and spacing are ignored ('NUEVO LEON' = 'Nuevo León'), and the usual long and
    short forms are known ('ESTADO DE MEXICO' → '15', 'COAHUILA DE ZARAGOZA' → '05',
    'NO ESPECIFICADO' → '33'). An unknown name maps to NA, for the caller to report.
    """
    table = {_fold(v): k for k, v in STATES.items()} | _STATE_ALIASES
    codes = {n: table.get(_fold(n), pd.NA) for n in names.dropna().unique()}  # fold each distinct name once
    return names.map(lambda n: codes[n] if pd.notna(n) else pd.NA)


def load_cenapi(ledger: RowLedger, path: Path | None = None, name: str = "cenapi_records_import") -> pd.DataFrame:
    """CENAPI (PGR/FGR) person-level records: event date, state, sex, age, status.

    Cleaning, every step in the ledger: parse ``fecha_evento``; drop rows with no date or the
    placeholder date 1900-01-01 (the event date is unknown, so the record cannot be placed
    in time); keep exact duplicate rows (there is no person id, so two identical rows can be
    two people; their number is recorded as a zero-drop step).

    Returns:
        Columns ``date`` (Timestamp), ``state`` (INEGI code, '00' = not specified),
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
    out = pd.DataFrame({"date": date, "state": normalise_state_code(df["cve_ent"]).fillna("00"),
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
        "state": normalise_state_code(df["CVE_ENT"]),
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
    df = _drop(df, df["location"] != "Mexico", ledger, name, "keep Mexico", "killed outside Mexico")
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
    out = pd.DataFrame({"state": normalise_state_code(df["cve_entidad"]), "period": df["periodo"],
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
                         "state": normalise_state_code(df["inegi"]), "status": df["status"].map(status),
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
                        "state": normalise_state_code(df["cve_ente"])})
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
    state = state_code_from_name(df["name"])
    if state.isna().any():
        i = int(state.isna().idxmax())
        raise DataError(f"{name} ({path}), row {i + 2}, column name: unknown state name {df.loc[i, 'name']!r}")
    return pd.DataFrame({"state": state, "name": df["name"],
                         "count": pd.to_numeric(df["personas_no_localizadas"]).astype("int64")})
