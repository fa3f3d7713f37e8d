"""Indicators recomputed from primary data, and the claims each one re-derives.

Pure functions over the cleaned frames of the loaders in :mod:`mxrights.sources`. Each recomputation
carries its method in words and the registry names of the files it used, so a reader can
trace the number back. ``data/raw/recomputations.csv`` says which claim each recomputation checks (with its
cut-off dates, scope and tolerance); :func:`recompute_all` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from mxrights.sources import geo
from mxrights.ledger import vocab


@dataclass(frozen=True)
class Recomputation:
    """A figure re-derived from primary data.

    Attributes:
        value: the recomputed number (unit of the claim).
        method: how, in one sentence.
        sources: registry names of the files used (``;``-joined).
        tolerance: relative tolerance for agreement (proxy data differ in coverage).
        scope: a scope of ``vocabulary/scopes.csv`` declared in recomputations: the claim's
            own quantity (``same``) or a close but different one (``proxy``: agreement within
            ``tolerance`` is only approximate).
        lower, upper: a 95 % interval where the data are a sample (else equal to value).
    """

    value: float
    method: str
    sources: str
    tolerance: float = 0.0
    scope: str = field(default_factory=vocab.same_scope)
    lower: float | None = None
    upper: float | None = None


def still_missing(cenapi: pd.DataFrame, end: str, start: str | None = None) -> int:
    """Persons with status 'missing' whose event date is in [start, end] (dates inclusive)."""
    m = (cenapi["status"] == "missing") & (cenapi["date"] <= pd.Timestamp(end))
    if start:
        m &= cenapi["date"] >= pd.Timestamp(start)
    return int(m.sum())


def states_count(igimex: pd.DataFrame) -> int:
    """Number of distinct INEGI state codes 01-32 present in a state table."""
    return int(igimex["state"].isin(geo.state_codes()).groupby(igimex["state"]).any().sum())


def igimex_mean(igimex: pd.DataFrame, year: int) -> float:
    """Unweighted mean of the 32 state IGI-MEX scores in an edition (points, 0-100)."""
    return float(igimex.loc[igimex["year"] == year, "score"].mean())


#: Recomputation methods by name: each takes the loaded primary frames and one row of the
#: recomputations table and returns the value. The table says which claim uses which method,
#: with which cut-off dates, and whether the data measure the claim's quantity (``same``)
#: or a stated proxy of it (``proxy``, with its ``tolerance``).
METHODS: dict[str, Callable[[dict, pd.Series], float]] = {
    "still_missing": lambda data, r: still_missing(data["cenapi"], r["end"], r["start"] or None),
    "states_count": lambda data, r: states_count(data["igimex"]),
}

_METHOD_TEXT = {
    "still_missing": "CENAPI records with status 'aún sin localizar' and event date {span}",
    "states_count": "distinct INEGI state codes (claves de entidad) in the IGI-MEX state file",
}


def load_recomputations(path: Path | None = None) -> pd.DataFrame:
    """Read and check the recomputations table (claim, method, cut-offs, scope, tolerance, primary file).

    Raises:
        mxrights.sources.schemas.TableError: unknown method, scope other than same/proxy, a
            tolerance that is not a number in [0, 0.5), or a proxy without a note saying why.
    """
    from mxrights.sources.schemas import TableError
    from mxrights.ledger.vocab import _read

    if path is None:
        from mxrights.sources.registry import resolve

        path = resolve("recomputations")
    df = _read(path, "recomputations")
    allowed = vocab.scope_names("recomputation")
    same = vocab.same_scope()
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if r["method"] not in METHODS:
            raise TableError(f"{where}, column method: {r['method']!r} is not one of {sorted(METHODS)}")
        if r["scope"] not in allowed:
            raise TableError(f"{where}, column scope: {r['scope']!r} is not one of {', '.join(allowed)} "
                             "(data/raw/vocabulary/scopes.csv, column declared_in)")
        try:
            tol = float(r["tolerance"])
        except ValueError:
            raise TableError(f"{where}, column tolerance: {r['tolerance']!r} is not a number") from None
        if not 0 <= tol < 0.5 or (r["scope"] == same and tol != 0):
            raise TableError(f"{where}, column tolerance: {tol!r} (a proxy takes 0 <= t < 0.5; an exact recomputation 0)")
        if r["scope"] != same and not r["note"].strip():
            raise TableError(f"{where}, column note: a proxy must say how it differs from the claim's quantity")
    return df


def recompute_all(data: dict, table: pd.DataFrame | None = None) -> dict[str, Recomputation]:
    """Run every recomputation of the table on loaded primary data; claim_id → result."""
    table = table if table is not None else load_recomputations()
    out = {}
    for _, r in table.iterrows():
        span = f"{r['start']} to {r['end']}" if r["start"] else f"on or before {r['end']}"
        method = _METHOD_TEXT[r["method"]].format(span=span)
        if r["note"] and r["scope"] != vocab.same_scope():
            method += f"; {r['note']}"
        out[r["claim_id"]] = Recomputation(float(METHODS[r["method"]](data, r)), method, r["primary"],
                                           tolerance=float(r["tolerance"]), scope=r["scope"])
    return out
