"""Notebook parameters, checked against the project's vocabulary before any cell uses them.

Every parameter a notebook takes is declared, with its type, in the notebook's own ``parameters``
cell (``first_year: int = 2000``), read by Papermill's inspection (:func:`notebook_types`); and
it is a row of ``notebooks/parameters.csv``: the set of values it may take (``values``: a name of
:data:`VALUE_SETS`), a parameter it may not precede (``not_before``: ``last_year`` is not before
``first_year``) and a description. :func:`check`
reads that table; the runner calls it for every job before any kernel starts, and each
notebook calls it in its first cell after ``parameters``, so plain Papermill and JupyterLab get
the same one-line refusal (:class:`ParameterError`) naming the parameter, the value and the
valid values.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights import paths

TYPES = {"str": str, "int": int}


class ParameterError(ValueError):
    """A notebook parameter the project does not accept; shown in a notebook as one line."""

    def _render_traceback_(self) -> list[str]:  # IPython shows this instead of a traceback
        return [f"ParameterError: {self}"]


def parameters_path() -> Path:
    """``notebooks/parameters.csv``."""
    return paths.project_root() / "notebooks" / "parameters.csv"


def notebook_types(notebook: Path) -> dict[str, str]:
    """Parameter → type name, as the notebook's ``parameters`` cell annotates it
    (``papermill.inspect_notebook``; cached on the notebook's bytes, so Papermill is imported
    only when a notebook changed)."""
    from mxrights.build import stepcache

    def inspect() -> dict[str, str]:
        import papermill

        return {k: v["inferred_type_name"] for k, v in papermill.inspect_notebook(str(notebook)).items()}

    return stepcache.cached(f"parameters-{notebook.stem}", [notebook], inspect)


def declared_types(folder: Path | None = None) -> dict[str, str]:
    """Every parameter of every notebook in ``notebooks/`` with its declared type.

    Raises:
        mxrights.sources.schemas.TableError: a parameter without a type annotation, or one name given
            two types by two notebooks (naming notebook, parameter and types).
    """
    from mxrights.sources.schemas import TableError

    folder = folder or parameters_path().parent
    out: dict[str, tuple[str, str]] = {}
    for nb in sorted(folder.glob("*.ipynb")):
        for name, kind in notebook_types(nb).items():
            if kind not in TYPES:
                raise TableError(f"{nb}, parameters cell, parameter {name}: type {kind!r} is not one of "
                                 f"{', '.join(TYPES)}; annotate it (`{name}: int = …`)")
            if name in out and out[name][0] != kind:
                raise TableError(f"{nb}, parameters cell, parameter {name}: {kind}, but {out[name][1]} declares it "
                                 f"{out[name][0]}")
            out.setdefault(name, (kind, nb.name))
    return {k: v[0] for k, v in out.items()}


@lru_cache(maxsize=2)
def table(path: Path | None = None) -> pd.DataFrame:
    """The parameter table, indexed by ``parameter``, with each parameter's ``type`` from the
    notebooks (:func:`declared_types`). Validated: known value sets, every notebook parameter
    has a row and every row a notebook parameter."""
    from mxrights.sources import package
    from mxrights.sources.schemas import TableError

    path = path or parameters_path()
    df = package.read("notebook_parameters", path).fillna("")
    types = declared_types(path.parent)
    for i, r in df.iterrows():
        if r["values"] not in VALUE_SETS:  # the value sets are functions of this module
            raise TableError(f"{path}, row {i + 2}, column values: {r['values']!r} is not one of {', '.join(VALUE_SETS)}")
        if r["parameter"] not in types:
            raise TableError(f"{path}, row {i + 2}, column parameter: {r['parameter']!r} is the parameter of no notebook")
    missing = sorted(set(types) - set(df["parameter"]))
    if missing:
        raise TableError(f"{path}: no row for notebook parameter(s) {', '.join(missing)}; add what values each may take")
    df["type"] = df["parameter"].map(types)
    return df.set_index("parameter")


def _tables_dir(params: dict) -> Path:
    return Path(params.get("processed_dir") or paths.processed_dir())


def _read(params: dict, name: str) -> pd.DataFrame:
    return _cached_read(str(_tables_dir(params) / f"{name}.csv"))


@lru_cache(maxsize=8)
def _cached_read(path: str) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, na_values=[""])


def _memo_pages(params: dict) -> list[str]:
    return _memo_page_names()


@lru_cache(maxsize=1)
def _memo_page_names() -> list[str]:
    from mxrights.ledger import vocab

    return list(vocab.memo_pages()["page"])


def _comparison_topics(params: dict) -> list[str]:
    from mxrights.ledger import vocab

    return vocab.comparison_topics()


def _data_years(params: dict) -> tuple[int, int]:
    years = _read(params, "indicators_annual")["year"]
    return int(years.min()), int(years.max())


def _geographies(params: dict) -> list[str]:
    return sorted(_read(params, "indicators_annual")["geography"].dropna().unique())


def _memo_year_counts(params: dict) -> tuple[int, int]:
    t = _read(params, "memo_over_memo")
    return 1, int(t.groupby("indicator")["memo_year"].nunique().max()) if len(t) else 1


def _state_codes(params: dict) -> list[str]:
    from mxrights.sources import geo

    return geo.state_codes()


def _table_folder(params: dict) -> list[str] | None:
    return None  # checked in _check_value: empty, or an existing folder holding the tables


#: How each ``values`` name of ``parameters.csv`` is computed from the data (never typed).
VALUE_SETS: dict[str, Callable[[dict], object]] = {
    "memo_page": _memo_pages, "comparison_topic": _comparison_topics, "data_year": _data_years,
    "annual_geography": _geographies, "memo_year_count": _memo_year_counts, "table_folder": _table_folder,
    "state_code": _state_codes,
    "any": lambda params: None,
}


def _fail(name: str, value, why: str) -> ParameterError:
    return ParameterError(f"parameter {name}={value!r} {why}")


def _check_value(name: str, value, kind: str, params: dict) -> None:
    if kind == "table_folder":
        if value and not (Path(value).is_dir() and (Path(value) / "claims_check.csv").exists()):
            raise _fail(name, value, "is not a folder of processed tables (empty means data/processed)")
        return
    valid = VALUE_SETS[kind](params)
    if valid is None:
        return
    if kind == "data_year":  # a window must overlap the data: a start not after the last year, an end not before the first
        lo, hi = valid
        end = bool(table().loc[name, "not_before"])
        if end and value < lo:
            raise _fail(name, value, f"ends the window before the first year of data ({lo}; the data cover {lo}–{hi})")
        if not end and value > hi:
            raise _fail(name, value, f"starts the window after the last year of data ({hi}; the data cover {lo}–{hi})")
        return
    if isinstance(valid, tuple):
        lo, hi = valid
        if not lo <= value <= hi:
            raise _fail(name, value, f"is outside {lo}–{hi}, the range the data allow")
    elif value not in valid:
        raise _fail(name, value, "is not valid; valid: " + ", ".join(map(str, valid)))


def check(notebook: str, **params) -> None:
    """Check a notebook's parameters (nothing is returned, so a notebook cell calling it prints nothing).

    Args:
        notebook: the notebook's name (for the message), e.g. ``annual_comparison``.
        **params: the parameters as the notebook holds them.

    Raises:
        ParameterError: one line naming the parameter, its value and the valid values: an
            unknown parameter, a wrong type, a value outside its set (pages, topics,
            geographies, the years of the data, the memo years), or a parameter that
            precedes its ``not_before`` (``last_year`` before ``first_year``).
    """
    t = table()
    for name, value in params.items():
        if name not in t.index:
            raise ParameterError(f"{notebook}: unknown parameter {name!r}; known: {', '.join(t.index)}")
        want = TYPES[t.loc[name, "type"]]
        if not isinstance(value, want) or (want is int and isinstance(value, bool)):
            raise ParameterError(f"{notebook}: parameter {name} must be {want.__name__}, got {value!r}")
    for name, value in params.items():
        try:
            _check_value(name, value, t.loc[name, "values"], params)
        except ParameterError as exc:
            raise ParameterError(f"{notebook}: {exc}") from None
        before = t.loc[name, "not_before"]
        if before and before in params and value < params[before]:
            raise ParameterError(f"{notebook}: parameter {name}={value!r} is before {before}={params[before]!r}")
    return None


def coerce(name: str, text: str):
    """A ``-p name value`` string from the command line, converted to the parameter's type."""
    t = table()
    if name not in t.index:
        raise ParameterError(f"unknown notebook parameter {name!r}; known: {', '.join(t.index)}")
    want = TYPES[t.loc[name, "type"]]
    try:
        return want(text)
    except ValueError:
        raise ParameterError(f"parameter {name} must be {want.__name__}, got {text!r}") from None


def clear_cache() -> None:
    """Forget the parameter table and the tables read for checks."""
    table.cache_clear()
    _cached_read.cache_clear()
    _memo_page_names.cache_clear()
