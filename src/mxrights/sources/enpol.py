"""INEGI's ENPOL microdata (Encuesta Nacional de Población Privada de la Libertad), 2016 and 2021.

The variables and codes the project uses (``data/raw/enpol_variables.csv``) and the memos' survey
statistics as data (``data/raw/enpol_statistics.csv``, conditions ``VAR=codes`` joined by ``|``
or ``&``) are read and checked here; so is each microdata table, against its edition's
variables (codes, blanks, the person key, the design columns), with a row ledger. The files
cannot reach this machine: the loader finds them in the mirror (a folder or INEGI's registered
zip) or says where to get them (:func:`how_to_obtain`).
"""

from __future__ import annotations

import difflib
import functools
import re
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from mxrights.sources import package, registry, schemas
from mxrights import paths
from mxrights.sources.readers import DataError, RowLedger, read_csv_checked


#: Encoding of INEGI's ENPOL CSVs. The descriptors do not state it; third-party code reads the
#: 2021 CSVs as Latin-1 (ytzmaya/Dataton_ENPOL, 01_códigos/03_tortura/01_limpieza2021.R), as
#: INEGI's other microdata CSVs. A UTF-8 file read as Latin-1 is caught by read_csv_checked.
ENCODING = "latin-1"


VARIABLE_COLUMNS = ["edition", "table", "variable", "question", "valid_codes", "blank_allowed", "role",
                    "descriptor_page", "questionnaire_page", "notes"]


STATISTIC_COLUMNS = ["statistic_id", "edition", "claim_id", "evidence_id", "compare_with", "definition_en", "numerator",
                     "denominator", "published_value", "published_source", "questionnaire_items", "notes"]


RESULT_COLUMNS = ["statistic_id", "edition", "estimate_pct", "se_pp", "ci_low_pct", "ci_high_pct", "level", "ci_method",
                  "n_unweighted", "weighted_denominator", "weighted_numerator", "published_value", "claim_id"]


_INTERVAL = re.compile(r"^([(\[])\s*([-\d.]+|-?inf)\s*,\s*([-\d.]+|inf)\s*([)\]])$")


_CONDITION = re.compile(r"^\s*([A-Za-z0-9_]+)\s*=\s*([0-9;\s]+)\s*$")


def variables_path() -> Path:
    """``data/raw/enpol_variables.csv``."""
    return paths.raw_dir() / "enpol_variables.csv"


def statistics_path() -> Path:
    """``data/raw/enpol_statistics.csv``."""
    return paths.raw_dir() / "enpol_statistics.csv"


def _codes_ok(s: pd.Series) -> pd.Series:
    return s.fillna("").map(lambda v: v == "" or bool(re.fullmatch(r"\d+(;\d+)*", v)) or bool(_INTERVAL.match(v)))


def load_variables(path: Path | None = None) -> pd.DataFrame:
    """The ENPOL schema: one row per (edition, table, variable) the code uses.

    Columns ``VARIABLE_COLUMNS``; ``valid_codes`` is ``"1;2;8;9"`` for items and an interval
    (``"(0,1]"``, ``"(0,inf)"``) for fpc and weight; ``blank_allowed`` is a bool.

    Raises:
        TableError: file, row, column and value of every failure.
    """
    path = path or variables_path()
    df = package.read("enpol_variables", path, rules=[
        ("codes_like_1;2;8;9_or_an_interval", lambda d: _codes_ok(d["valid_codes"])),
        ("items_fpc_and_weights_have_valid_codes",
         lambda d: ~(d["role"].isin(["item", "fpc", "weight"]) & d["valid_codes"].isna()))])
    df["valid_codes"] = df["valid_codes"].fillna("")
    df["blank_allowed"] = df["blank_allowed"] == "true"
    return df


def load_statistics(path: Path | None = None, variables: pd.DataFrame | None = None) -> pd.DataFrame:
    """The memos' ENPOL statistics as data: one row per statistic (``STATISTIC_COLUMNS``).

    ``numerator`` and ``denominator`` are conditions ``VAR=codes`` (codes separated by ``;``)
    joined by `` | `` (any) or `` & `` (all); ``denominator`` may be ``all``. Every variable they
    name must be in ``enpol_variables.csv`` for the statistic's edition.

    Raises:
        TableError: file, row, column and value of every failure.
    """
    path = path or statistics_path()
    variables = load_variables() if variables is None else variables
    known = {(e, v) for e, v in zip(variables["edition"], variables["variable"])}
    df = schemas.read_table(path)

    names = {v for _, v in known}

    def parses(expr: str) -> bool:
        try:
            return all(v in names for v, _ in _parse(expr)[1])
        except ValueError:
            return False

    def expressions(col: str):
        return lambda d: d[col].fillna("").map(parses)

    def same_edition(col: str):
        def check(d: pd.DataFrame) -> pd.Series:
            return pd.Series([not parses(x) or all((e, v) in known for v, _ in _parse(x)[1])
                              for e, x in zip(d["edition"], d[col].fillna(""))], index=d.index)
        return check

    editions = set(variables["edition"])
    return package.check(df, "enpol_statistics", path, rules=[
        ("numerator: condition_VAR=codes_joined_by_|_or_&_naming_a_variable_of_enpol_variables.csv", expressions("numerator")),
        ("denominator: condition_VAR=codes_joined_by_|_or_&_naming_a_variable_of_enpol_variables.csv", expressions("denominator")),
        ("edition_is_an_edition_of_enpol_variables.csv", lambda d: d["edition"].isin(editions)),
        ("numerator_variables_belong_to_the_statistic's_edition", same_edition("numerator")),
        ("denominator_variables_belong_to_the_statistic's_edition", same_edition("denominator"))])


@functools.lru_cache(maxsize=4)
def _tables_cached(vpath: str, vstamp: tuple, spath: str, sstamp: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    variables = load_variables(Path(vpath))
    return variables, load_statistics(Path(spath), variables)


def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(variables, statistics)``, validated once per version of the two files (keyed by mtime and size)."""
    v, s = variables_path(), statistics_path()
    stamp = lambda p: (p.stat().st_mtime_ns, p.stat().st_size) if p.exists() else (0, 0)  # noqa: E731
    return _tables_cached(str(v), stamp(v), str(s), stamp(s))


def _parse(expr: str) -> tuple[str, list[tuple[str, frozenset[int]]]]:
    """``"P4_7=04;05"`` → ``("all", [("P4_7", {4, 5})])``; ``"A=1 | B=1"`` → ``("any", ...)``; ``all`` → no terms."""
    expr = (expr or "").strip()
    if expr == "all":
        return "all", []
    if "|" in expr and "&" in expr:
        raise ValueError(f"{expr!r} mixes | and &; use one")
    op, parts = ("any", expr.split("|")) if "|" in expr else ("all", expr.split("&"))
    terms = []
    for part in parts:
        m = _CONDITION.match(part)
        if not m:
            raise ValueError(f"{part.strip()!r} is not a condition VAR=codes")
        terms.append((m.group(1), frozenset(int(c) for c in m.group(2).split(";") if c.strip())))
    return op, terms


def condition(frame: pd.DataFrame, expr: str) -> pd.Series:
    """Evaluate a numerator/denominator condition on a loaded edition (boolean per person).

    A blank (question not asked) never meets a condition.
    """
    op, terms = _parse(expr)
    if not terms:
        return pd.Series(True, index=frame.index)
    missing = [v for v, _ in terms if v not in frame.columns]
    if missing:
        raise DataError(f"condition {expr!r}: variable(s) {missing} are not in the loaded ENPOL frame "
                        f"(columns: {list(frame.columns)})")
    hits = [frame[v].isin(list(codes)).fillna(False).astype(bool) for v, codes in terms]
    out = hits[0]
    for h in hits[1:]:
        out = (out | h) if op == "any" else (out & h)
    return out


def registry_name(edition: str) -> str:
    """The registry name of an edition's microdata archive (``enpol_2016_microdata``)."""
    return f"enpol_{edition}_microdata"


def edition_dir(edition: str, mirror: Path | None = None) -> Path | None:
    """``<mirror>/enpol/<edition>``, or None when no mirror is configured."""
    mirror = Path(mirror) if mirror is not None else paths.mirror_dir()
    return None if mirror is None else mirror / "enpol" / str(edition)


def _registered_zip(edition: str, folder: Path) -> Path | None:
    """The registered archive of the edition when it sits in ``folder`` (hash checked), else None."""
    try:
        row = registry._entry(registry_name(edition))
    except registry.RegistryError:
        return None
    candidate = folder / Path(row["path"]).name
    if not candidate.exists():
        return None
    return registry.resolve(registry_name(edition))  # raises on a changed file or an unrecorded hash


def _locate(table: str, folder: Path, edition: str) -> tuple[Path, str | None]:
    """Find ``<table>.csv`` (any case) under ``folder``, else inside the registered archive: (file, zip member).

    The archive is opened only when the loose CSV is absent, through :func:`registry.resolve`
    (so a changed archive, or one whose hash was never recorded, is refused).
    """
    want = f"{table}.csv".casefold()
    found = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.casefold() == want)
    if len(found) > 1:
        raise DataError(f"ENPOL table {table}: {len(found)} files named {table}.csv under {folder} "
                        f"({', '.join(map(str, found))}); keep one")
    if found:
        return found[0], None
    archive = _registered_zip(edition, folder)
    if archive is not None:
        with zipfile.ZipFile(archive) as zf:
            members = [m for m in zf.namelist() if Path(m).name.casefold() == want]
        if len(members) == 1:
            return archive, members[0]
        if len(members) > 1:
            raise DataError(f"ENPOL table {table}: {len(members)} members named {table}.csv in {archive}")
    raise DataError(f"ENPOL table {table} is missing: no file {table}.csv under {folder}"
                    + (f" nor in {archive}" if archive else "")
                    + ". INEGI distributes one CSV per questionnaire section; unzip the edition's archive there")


def _read(table: str, where: Path, member: str | None) -> tuple[pd.DataFrame, str]:
    source = f"{table} ({where}{'!' + member if member else ''})"
    if member is None:
        return read_csv_checked(where, [], table, encoding=ENCODING), source
    with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(where) as zf:
        p = Path(tmp) / Path(member).name
        p.write_bytes(zf.read(member))
        return read_csv_checked(p, [], source, encoding=ENCODING), source


def _interval(spec: str) -> tuple[float, float, bool, bool]:
    m = _INTERVAL.match(spec)
    if not m:
        raise ValueError(f"{spec!r} is not an interval like (0,1]")
    return float(m.group(2)), float(m.group(3)), m.group(1) == "[", m.group(4) == "]"


def _where(source: str, i, column: str) -> str:
    return f"{source}, row {int(i) + 2}, column {column}"


def validate_table(df: pd.DataFrame, spec: pd.DataFrame, source: str) -> pd.DataFrame:
    """Check a section table against its rows of ``enpol_variables.csv``; return the used columns, typed.

    Rows are CSV line numbers (header = line 1). Keys and strata are text (2021's ``ID_PER``
    ``0101.0001`` keeps its zeros); weights and fpc floats; items nullable integers (``04`` = 4).

    Raises:
        DataError: a variable missing from the header (with the nearest names found), a blank
            key/stratum/weight/fpc, a duplicated key, a weight ≤ 0 or fpc outside its interval,
            a code outside the valid list or a blank where none is allowed — naming the table
            (file), row, column, value and the descriptor page.
    """
    df.columns = [str(c).strip() for c in df.columns]
    out = pd.DataFrame(index=df.index)
    for _, v in spec.iterrows():
        col, page = v["variable"], v["descriptor_page"]
        if col not in df.columns:
            near = difflib.get_close_matches(col, [str(c) for c in df.columns], n=3, cutoff=0.6)
            raise DataError(f"{source}, row 1 (header), column {col}: missing (descriptor p. {page}); "
                            + (f"nearest names found: {near}. " if near else "")
                            + "The table's layout differs from INEGI's descriptor: check the edition and the file")
        cell = df[col].astype("string").str.strip()
        blank = cell.isna() | (cell == "")
        role = v["role"]
        if role in ("key", "stratum", "fpc", "weight") and blank.any():
            i = blank.idxmax()
            raise DataError(f"{_where(source, i, col)}: blank {role} ({v['question']}); every person needs one")
        if role == "key":
            dup = cell.duplicated(keep="first")
            if dup.any():
                i = dup.idxmax()
                first = int(cell[cell == cell[i]].index[0]) + 2
                raise DataError(f"{_where(source, i, col)}: {cell[i]!r} repeats row {first}; the person key must be unique")
            out[col] = cell.astype(str)
        elif role == "stratum":
            out[col] = cell.astype(str)
        elif role in ("fpc", "weight"):
            num = pd.to_numeric(cell, errors="coerce")
            lo, hi, lo_closed, hi_closed = _interval(v["valid_codes"])
            ok = num.notna() & ((num >= lo) if lo_closed else (num > lo)) & ((num <= hi) if hi_closed else (num < hi))
            if not ok.all():
                i = (~ok).idxmax()
                raise DataError(f"{_where(source, i, col)}: {df.loc[i, col]!r} is not a {role} in {v['valid_codes']} "
                                f"({v['question']}, descriptor p. {page})")
            out[col] = num.astype(float)
        else:
            codes = {int(c) for c in v["valid_codes"].split(";")}
            num = pd.to_numeric(cell, errors="coerce")
            integral = num.notna() & (num == num.round())
            bad = (~blank & ~(integral & num.isin(list(codes)))) | (blank & (not v["blank_allowed"]))
            if bad.any():
                i = bad.idxmax()
                shown = "blank" if blank[i] else repr(df.loc[i, col])
                allowed = v["valid_codes"] + (" or blank" if v["blank_allowed"] else " (no blank)")
                raise DataError(f"{_where(source, i, col)}: {shown} is not a valid code; expected {allowed} "
                                f"(descriptor p. {page}; data/raw/enpol_variables.csv)")
            out[col] = num.astype("Int64")
    return out


def load_edition(edition: str, ledger: RowLedger | None = None, folder: Path | None = None,
                 variables: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read, validate and join the section tables one edition needs: one row per person.

    Args:
        edition: ``"2016"`` or ``"2021"``.
        ledger: row accounting (rows read per table, rows joined); a new one if None.
        folder: where the tables are (default ``<mirror>/enpol/<edition>``).
        variables: the schema (default ``data/raw/enpol_variables.csv``).

    Returns:
        Columns ``ID_PER, EST_DIS, FPC, FAC_PER`` and the items, typed; ``attrs["edition"]``,
        ``attrs["ledger"]``. Nobody is dropped: a person in one table but not another is an
        error (INEGI documents a one-to-one relation), and domains are indicators, not subsets.

    Raises:
        DataError: missing folder or table, or any failure of :func:`validate_table`; a person
            key present in one table but not another; design fields that differ between tables.
    """
    ledger = ledger if ledger is not None else RowLedger()
    variables = _tables()[0] if variables is None else variables
    spec = variables[variables["edition"] == str(edition)]
    if spec.empty:
        raise DataError(f"ENPOL {edition}: no variables for this edition in {variables_path()}")
    folder = Path(folder) if folder is not None else edition_dir(edition)
    if folder is None or not folder.is_dir():
        raise DataError(f"ENPOL {edition}: no folder {folder}. {how_to_obtain([str(edition)])}")
    design_roles = ("key", "stratum", "fpc", "weight")
    key = spec.loc[spec["role"] == "key", "variable"].iloc[0]
    joined: pd.DataFrame | None = None
    name = f"enpol_{edition}"
    for table, tspec in spec.groupby("table", sort=False):
        where, member = _locate(table, folder, str(edition))
        raw, source = _read(table, where, member)
        ledger.record(name, f"read {table}", len(raw), len(raw), f"rows read from {source}")
        t = validate_table(raw, tspec, source)
        t["_row"] = t.index + 2
        if joined is None:
            joined = t.drop(columns="_row")
            first_table = table
            continue
        only_here = ~t[key].isin(joined[key])
        if only_here.any():
            i = only_here.idxmax()
            raise DataError(f"{_where(source, i, key)}: {t.loc[i, key]!r} is not in {first_table}; "
                            "INEGI's tables relate one to one on ID_PER (a truncated or mixed-edition file?)")
        absent = ~joined[key].isin(t[key])
        if absent.any():
            raise DataError(f"{source}: person {joined.loc[absent.idxmax(), key]!r} of {first_table} is missing from "
                            f"{table} ({int(absent.sum())} missing); INEGI's tables relate one to one on ID_PER")
        shared = [c for c in t.columns if c in joined.columns and c != key and c != "_row"]
        merged = joined.merge(t, on=key, how="inner", validate="one_to_one", suffixes=("", "__new"))
        for c in shared:
            a, b = merged[c], merged[f"{c}__new"]
            differ = ~((a == b) | (a.isna() & b.isna()))
            if differ.any():
                j = differ.idxmax()
                raise DataError(f"{source}, row {int(merged.loc[j, '_row'])}, column {c}: {b[j]!r} differs from "
                                f"{a[j]!r} in {first_table} for {key} {merged.loc[j, key]!r}; the design fields must agree")
        joined = merged.drop(columns=[f"{c}__new" for c in shared] + ["_row"])
        ledger.record(name, f"join {table} on {key}", len(joined), len(joined), "one to one; nobody dropped")
    roles = spec.drop_duplicates("variable").set_index("variable")["role"]
    design = [c for c in joined.columns if roles.get(c) in design_roles]
    joined = joined[design + [c for c in joined.columns if c not in design]].reset_index(drop=True)
    joined.attrs["edition"] = str(edition)
    joined.attrs["ledger"] = ledger
    return joined


def available_editions(mirror: Path | None = None, variables: pd.DataFrame | None = None) -> list[str]:
    """Editions whose folder ``<mirror>/enpol/<edition>`` exists and holds at least one file."""
    variables = _tables()[0] if variables is None else variables
    out = []
    for e in sorted(set(variables["edition"])):
        d = edition_dir(e, mirror)
        if d is not None and d.is_dir() and any(p.is_file() for p in d.rglob("*")):
            out.append(e)
    return out


def how_to_obtain(editions: list[str] | None = None) -> str:
    """Where INEGI publishes the microdata and where to put them (from ``data/registry.csv``)."""
    reg = registry.load_registry(include_pending=True).set_index("name")
    editions = editions or sorted(set(_tables()[0]["edition"]))
    lines = ["ENPOL microdata are not on this machine. INEGI publishes them (section 'Microdatos'); then run "
             "`mxrights enpol`:"]
    for e in editions:
        n = registry_name(e)
        url = reg.loc[n, "url"]
        lines.append(f"  ENPOL {e}: {url} — unzip the CSV tables into <mirror>/enpol/{e}/ "
                     f"(mirror: MXRIGHTS_DATA_MIRROR, default ../shared/data), or save the archive as "
                     f"<mirror>/{reg.loc[n, 'path'] if n in reg.index else f'enpol/{e}/'} and record its hash once "
                     f"(mxrights data record {n}).")
    return "\n".join(lines)
