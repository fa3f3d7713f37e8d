"""The data package: every table's schema, read from ``datapackage.json``, and the one engine that checks it.

``datapackage.json`` (a Frictionless Data Package, Table Schema per resource) is the one place
that says what a table's columns are: their type, unit, description, closed list of values,
pattern, range, whether they may be empty, the table's primary key and its foreign keys.
:func:`check` turns a resource's schema into a pandera schema and validates a table read as
strings, collecting every failure, and raises one :class:`~mxrights.sources.schemas.TableError` whose
lines name file, row (the header is row 1), column, the row's key and the value.

Two properties extend Table Schema where a cell holds a list (``a;b``), which a standard foreign
key cannot follow: ``"x-list": {"delimiter": ";", "reference": {"resource": R, "fields": F}}``
checks that every item is a value of ``F`` in resource ``R``. ``frictionless validate
datapackage.json`` (the reference implementation) reads the same file and must pass on the
committed tables; it ignores the extension.

Rules that compare columns or tables (a period that ends before it starts, a claim's topic
that is not its indicator's) are not schema: each loader passes them as ``rules``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights import paths
from mxrights.sources.schemas import TableError, read_table

#: A cell of each Table Schema type, as written in the project's CSVs (regular expressions).
_TYPE_PATTERNS = {
    "integer": r"-?\d+",
    "number": r"-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?",
    "date": r"\d{4}-\d{2}-\d{2}",
    "year": r"\d{4}",
}
_ARTICLE = {"integer": "an integer", "number": "a number", "date": "a date (YYYY-MM-DD)", "year": "a year (YYYY)",
            "boolean": "true or false"}


def package_path() -> Path:
    """``datapackage.json`` at the project's root."""
    return paths.project_root() / "datapackage.json"


@lru_cache(maxsize=2)
def _descriptor(path: Path, stamp: tuple[int, int]) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise TableError(f"{path}: not valid JSON ({exc})") from None


def descriptor() -> dict:
    """The data package (parsed ``datapackage.json``), read again when the file changes."""
    p = package_path()
    st = p.stat()
    return _descriptor(p, (st.st_mtime_ns, st.st_size))


def resources() -> dict[str, dict]:
    """Resource name → resource (``name``, ``path``, ``title``, ``description``, ``schema``)."""
    return {r["name"]: r for r in descriptor()["resources"]}


def resource(name: str) -> dict:
    """One resource of the package (KeyError names the resources)."""
    res = resources()
    if name not in res:
        raise KeyError(f"no resource {name!r} in datapackage.json; resources: {', '.join(res)}")
    return res[name]


def resource_for(path: str | Path) -> str | None:
    """The name of the resource stored at ``path`` (absolute or relative to the root), or None."""
    p = Path(path)
    try:
        rel = p.resolve().relative_to(paths.project_root().resolve()).as_posix() if p.is_absolute() else p.as_posix()
    except ValueError:
        return None
    return next((r["name"] for r in descriptor()["resources"] if r["path"] == rel), None)


def fields(name: str) -> list[dict]:
    """The fields (columns) of one resource's schema, in order."""
    return resource(name)["schema"]["fields"]


def field(name: str, column: str) -> dict:
    """One field of one resource (KeyError names the fields)."""
    for f in fields(name):
        if f["name"] == column:
            return f
    raise KeyError(f"resource {name!r} of datapackage.json has no field {column!r}")


def enum(name: str, column: str) -> list[str]:
    """The closed list of values of one field (its ``enum`` constraint), in the order written."""
    values = field(name, column).get("constraints", {}).get("enum")
    if values is None:
        raise KeyError(f"field {column!r} of resource {name!r} in datapackage.json has no enum constraint")
    return [str(v) for v in values]


def primary_key(name: str) -> list[str]:
    """The primary key of one resource (a list of field names; empty when it has none)."""
    pk = resource(name)["schema"].get("primaryKey", [])
    return [pk] if isinstance(pk, str) else list(pk)


def path_of(name: str) -> Path:
    """Where one resource is stored (absolute)."""
    return paths.project_root() / resource(name)["path"]


@lru_cache(maxsize=64)
def _column_values(path: Path, stamp: tuple[int, int], column: str) -> frozenset:
    df = read_table(path)
    if column not in df.columns:
        raise TableError(f"{path}: no column {column!r} (a foreign key of datapackage.json points to it)")
    return frozenset(df[column].dropna().astype(str))


def values_of(name: str, column: str) -> frozenset:
    """The values of one column of a resource as stored (for a foreign key), read once per file state."""
    p = path_of(name)
    st = p.stat()
    return _column_values(p, (st.st_mtime_ns, st.st_size), column)


def _present(s: pd.Series) -> pd.Series:
    return s.notna() & (s.astype("string").str.strip() != "")


def _checks(name: str, f: dict, refs: dict, own: pd.DataFrame) -> list:
    """The pandera checks of one field: its type, constraints and references."""
    import pandera.pandas as pa

    out = []
    kind = f.get("type", "string")
    if kind in _TYPE_PATTERNS:
        out.append(pa.Check(lambda s, p=_TYPE_PATTERNS[kind]: ~_present(s) | s.astype("string").str.fullmatch(p),
                            name=f"is not {_ARTICLE[kind]}"))
        if kind == "date":
            out.append(pa.Check(lambda s: ~_present(s) | pd.to_datetime(s, errors="coerce", format="%Y-%m-%d").notna(),
                                name="is not a date of the calendar"))
    if kind == "boolean":
        allowed = [*f.get("trueValues", ["true"]), *f.get("falseValues", ["false"])]
        out.append(pa.Check(lambda s, a=allowed: ~_present(s) | s.isin(a), name=f"is not one of {', '.join(allowed)}"))
    c = f.get("constraints", {})
    if c.get("required"):
        out.append(pa.Check(_present, name="is empty; the column is required"))
    if "enum" in c:
        values = [str(v) for v in c["enum"]]
        out.append(pa.Check(lambda s, v=values: ~_present(s) | s.isin(v),
                            name=f"is not one of {', '.join(repr(v) for v in values)}"))
    if "pattern" in c:
        out.append(pa.Check(lambda s, p=c["pattern"]: ~_present(s) | s.astype("string").str.fullmatch(p).fillna(False),
                            name=f"does not match the pattern {c['pattern']}"))
    for bound, op, word in (("minimum", "ge", "below"), ("maximum", "le", "above")):
        if bound in c:
            limit = c[bound]
            out.append(pa.Check(lambda s, lim=limit, o=op: ~_present(s) | getattr(pd.to_numeric(s, errors="coerce"), o)(lim)
                                | pd.to_numeric(s, errors="coerce").isna(), name=f"is {word} the {bound} {limit}"))
    if "minLength" in c:
        out.append(pa.Check(lambda s, n=c["minLength"]: ~_present(s) | (s.astype("string").str.len() >= n),
                            name=f"is shorter than {c['minLength']} characters"))
    x = f.get("x-list", {})
    if "enum" in x:
        items = frozenset(str(v) for v in x["enum"])
        label = f"names a value that is not one of {', '.join(repr(v) for v in x['enum'])}"
        _LISTS[label] = (items, x["delimiter"])
        out.append(pa.Check(lambda s, k=items, d=x["delimiter"]: ~_present(s) | s.astype("string").map(
            lambda v: all(i.strip() in k for i in str(v).split(d) if i.strip()), na_action="ignore").fillna(True).astype(bool),
            name=label))
    for ref_name, ref_field, sep in _references(name, f):
        known = refs.get((ref_name, ref_field))
        if known is None:
            known = set(own[ref_field].dropna().astype(str)) if ref_name == name else values_of(ref_name, ref_field)
        where = resource(ref_name)["path"]
        if sep:
            test = lambda s, k=frozenset(known), d=sep: ~_present(s) | s.astype("string").map(
                lambda v: all(x.strip() in k for x in str(v).split(d) if x.strip()), na_action="ignore").fillna(True).astype(bool)
            label = f"names a value that is not {_a(ref_field)} of {where}"
            _LISTS[label] = (frozenset(known), sep)
        else:
            test = lambda s, k=frozenset(known): ~_present(s) | s.isin(k)
            label = f"is not {_a(ref_field)} of {where}"
        out.append(pa.Check(test, name=label))
    return out


#: For a list cell's reference check (by its message): the values it may name and the separator.
_LISTS: dict[str, tuple[frozenset, str]] = {}


def _a(word: str) -> str:
    """``an indicator``, ``a claim_id``."""
    w = word.lower()
    return f"{'an' if w[:1] in 'aeio' or (w[:1] == 'u' and not w.startswith('un')) else 'a'} {word}"


def _references(name: str, f: dict) -> Iterable[tuple[str, str, str]]:
    """(resource, field, list delimiter or "") for every reference a field makes."""
    for fk in resource(name)["schema"].get("foreignKeys", []):
        cols = [fk["fields"]] if isinstance(fk["fields"], str) else fk["fields"]
        ref = fk["reference"]
        ref_cols = [ref["fields"]] if isinstance(ref["fields"], str) else ref["fields"]
        if cols == [f["name"]]:
            yield (ref["resource"] or name), ref_cols[0], ""
    x = f.get("x-list")
    if x and "reference" in x:
        ref_field = x["reference"]["fields"]
        yield (x["reference"]["resource"] or name), ref_field if isinstance(ref_field, str) else ref_field[0], x["delimiter"]


def check(df: pd.DataFrame, name: str, source: str | Path | None = None, *,
          refs: dict[tuple[str, str], Iterable[str]] | None = None,
          rules: Iterable[tuple[str, Callable[[pd.DataFrame], pd.Series]]] = ()) -> pd.DataFrame:
    """Validate a table read as strings (:func:`mxrights.sources.schemas.read_table`) against its schema.

    Args:
        df: the table, every cell a string or None, with a default index (row = index + 2).
        name: the resource of ``datapackage.json`` that describes it.
        source: the file named in messages (default: the resource's path).
        refs: values to use for a foreign key instead of reading the referenced table,
            keyed by ``(resource, field)`` (a loader that already holds the table passes it).
        rules: ``(name, function)`` pairs: each function takes the table and returns a boolean
            Series, False where a row breaks the rule (checks that compare columns).

    Returns:
        ``df`` unchanged when it passes.

    Raises:
        TableError: a missing or unknown column (naming the header), and every failing cell,
            one line each: file, row, column, the row's key and the value.
    """
    import pandera.pandas as pa

    source = source or resource(name)["path"]
    schema_fields = fields(name)
    names = [f["name"] for f in schema_fields]
    missing = [c for c in names if c not in df.columns]
    extra = [c for c in df.columns if c not in names]
    if missing or extra:
        parts = ([f"missing column(s) {', '.join(missing)}"] if missing else []) + \
                ([f"column(s) {', '.join(map(str, extra))} not in its schema (datapackage.json, resource {name})"] if extra else [])
        raise TableError(f"{source}, header (row 1): {'; '.join(parts)}; the columns are {', '.join(names)}")
    refs = refs or {}
    pk = primary_key(name)
    columns = {f["name"]: pa.Column(None, nullable=not (f.get("constraints", {}).get("required") or f["name"] in pk),
                                    checks=_checks(name, f, refs, df),
                                    unique=(pk == [f["name"]] or f.get("constraints", {}).get("unique", False)))
               for f in schema_fields}
    schema = pa.DataFrameSchema(columns, checks=[pa.Check(fn, name=rule) for rule, fn in rules],
                                unique=pk if len(pk) > 1 else None, report_duplicates="exclude_first")
    try:
        return schema.validate(df, lazy=True)
    except pa.errors.SchemaErrors as exc:
        raise TableError(_message(exc.failure_cases, df, source, pk)) from None


def _message(fc: pd.DataFrame, df: pd.DataFrame, source: str | Path, pk: list[str]) -> str:
    """One line per failure: file, row, column, the row's key (and value) and what is wrong."""
    frame_level = fc["schema_context"] == "DataFrameSchema"
    fc = pd.concat([fc[~frame_level], fc[frame_level].drop_duplicates(["index", "check"])])
    lines = []
    for _, f in fc.iterrows():
        idx = f.get("index")
        has_row = idx is not None and not pd.isna(idx)
        row = f"row {int(idx) + 2}" if has_row else "whole table"
        key = ", ".join(f"{k}={df.loc[int(idx), k]}" for k in pk if k in df.columns) if has_row else ""
        check = str(f.get("check"))
        if f.get("schema_context") == "DataFrameSchema":
            shown = key + (f", value={df.loc[int(idx), 'value']}" if has_row and "value" in df.columns else "")
            if check.startswith("multiple_fields_uniqueness"):
                lines.append(f"{source}, {row} ({shown}): repeats the key ({', '.join(pk)}) of an earlier row")
                continue
            lines.append(f"{source}, {row}, column (row check; {shown}): failed {check}" if shown
                         else f"{source}, {row}: failed {check}")
            continue
        col = f.get("column")
        value = f.get("failure_case")
        where = f"{source}, {row}, column {col}" + (f" ({key})" if key and col not in pk else "")
        if check == "not_nullable":
            lines.append(f"{where}: empty, and the column is required")
        elif check == "field_uniqueness":
            lines.append(f"{where}: {value!r} repeats an earlier row; the column's values are unique")
        elif value is None or (isinstance(value, float) and pd.isna(value)):
            lines.append(f"{where}: empty, and the column is required")
        elif check in _LISTS:
            known, sep = _LISTS[check]
            bad = [x.strip() for x in str(value).split(sep) if x.strip() and x.strip() not in known]
            lines.append(f"{where}: {', '.join(repr(b) for b in bad)} (in {value!r}) "
                         + check.replace("names a value that is", "is"))
        else:
            lines.append(f"{where}: {value!r} {check}")
    return f"{source}: {len(lines)} validation failure(s)\n  " + "\n  ".join(lines[:50])


def _stamp(name: str, path: Path) -> Path:
    """Where a passed check of this file against this schema is remembered: a key over the
    resource's schema, the file's bytes and the bytes of every table its references read."""
    import hashlib

    h = hashlib.sha256(json.dumps(resource(name), sort_keys=True).encode())
    h.update(path.read_bytes())
    for f in fields(name):
        for ref_name, _, _ in _references(name, f):
            if ref_name != name:
                h.update(ref_name.encode() + path_of(ref_name).read_bytes())
    return paths.reports_dir() / ".cache" / "valid" / f"{name}-{h.hexdigest()[:32]}"


def read(name: str, path: Path | None = None, **kwargs) -> pd.DataFrame:
    """Read one resource as strings (empty cells None) and :func:`check` it.

    A file that passed its check is not checked again until it, its schema or a table it
    refers to changes (a stamp keyed on their bytes under ``<reports>/.cache/valid``), so that
    a build with nothing to do never imports pandera. Checks given ``refs`` or ``rules`` always run.

    Args:
        name: the resource.
        path: read this file instead of the resource's path (a test's copy).
        **kwargs: passed to :func:`check` (``refs``, ``rules``).
    """
    path = Path(path) if path is not None else path_of(name)
    df = read_table(path)
    if kwargs:
        return check(df, name, path, **kwargs)
    stamp = _stamp(name, path)
    if not stamp.exists():
        check(df, name, path)
        stamp.parent.mkdir(parents=True, exist_ok=True)
        stamp.touch()
    return df


def clear_cache() -> None:
    """Forget the package and the foreign-key values read (a test that edits a table calls this)."""
    _descriptor.cache_clear()
    _column_values.cache_clear()
