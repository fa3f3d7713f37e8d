"""Indicators recomputed from primary data, and the claims each one re-derives.

Pure functions over the cleaned frames of :mod:`mxrights.cleaning`. Each recomputation
carries its method in words and the registry names of the files it used, so a reader can
trace the number back. :data:`RECOMPUTE` maps a ledger ``claim_id`` to the recomputation
that checks it; :func:`recompute_all` runs them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pandas as pd

from . import cleaning


@dataclass(frozen=True)
class Recomputation:
    """A figure re-derived from primary data.

    Attributes:
        value: the recomputed number (unit of the claim).
        method: how, in one sentence.
        sources: registry names of the files used (``;``-joined).
        tolerance: relative tolerance for agreement (proxy data differ in coverage).
        lower, upper: a 95 % interval where the data are a sample (else equal to value).
    """

    value: float
    method: str
    sources: str
    tolerance: float = 0.0
    lower: float | None = None
    upper: float | None = None


def still_missing(cenapi: pd.DataFrame, end: str, start: str | None = None) -> int:
    """Persons with status 'missing' whose event date is in [start, end] (dates inclusive)."""
    m = (cenapi["status"] == "missing") & (cenapi["date"] <= pd.Timestamp(end))
    if start:
        m &= cenapi["date"] >= pd.Timestamp(start)
    return int(m.sum())


def missing_by_year(cenapi: pd.DataFrame, first: int = 2000, last: int = 2018) -> pd.DataFrame:
    """Persons still missing by year of event (``year, value``)."""
    sub = cenapi[cenapi["status"] == "missing"]
    s = sub["date"].dt.year.value_counts().sort_index()
    s = s[(s.index >= first) & (s.index <= last)]
    return pd.DataFrame({"year": s.index.astype(int), "value": s.values.astype(int)})


def states_count(igimex: pd.DataFrame) -> int:
    """Number of distinct INEGI state codes 01-32 present in a state table."""
    return int(igimex["state"].isin(list(cleaning.STATES)).groupby(igimex["state"]).any().sum())


def igimex_mean(igimex: pd.DataFrame, year: int) -> float:
    """Unweighted mean of the 32 state IGI-MEX scores in an edition (points, 0-100)."""
    return float(igimex.loc[igimex["year"] == year, "score"].mean())


def journalists_killed_by_year(cpj: pd.DataFrame) -> pd.DataFrame:
    """CPJ journalists killed in Mexico (motive confirmed) by year (``year, value``)."""
    s = cpj.groupby("year").size()
    return pd.DataFrame({"year": s.index.astype(int), "value": s.values.astype(int)})


def _disappeared(end: str, start: str | None = None, note: str = "") -> Callable[[dict], Recomputation]:
    def f(data: dict) -> Recomputation:
        v = still_missing(data["cenapi"], end, start)
        span = f"{start} to {end}" if start else f"on or before {end}"
        return Recomputation(v, f"CENAPI records with status 'aún sin localizar' and event date {span}; "
                                f"a close proxy of the RNPED (PGR's own database), not the register itself{note}",
                             "cenapi_records_import", tolerance=0.05)
    return f


def _states(data: dict) -> Recomputation:
    return Recomputation(states_count(data["igimex"]), "distinct INEGI state codes (claves de entidad) in the IGI-MEX state file",
                         "udlap_igimex_2016_2018")


#: claim_id → recomputation from primary data.
RECOMPUTE: dict[str, Callable[[dict], Recomputation]] = {
    "cs2018-disappeared-total": _disappeared("2018-04-30"),
    "wola2017-disappeared-total": _disappeared("2017-09-12"),
    "ai2014-disappeared-database": _disappeared("2012-11-30", "2006-12-01",
                                                "; status as of 2018, so persons located after 2013 no longer count"),
    "cs2018-states-total": _states,
}


def load_primary(ledger: cleaning.RowLedger | None = None) -> dict:
    """Load every primary frame the recomputations need (hash-checked through the registry)."""
    ledger = ledger if ledger is not None else cleaning.RowLedger()
    return {"cenapi": cleaning.load_cenapi(ledger), "igimex": cleaning.load_igimex(ledger), "ledger": ledger}


def recompute_all(data: dict) -> dict[str, Recomputation]:
    """Run every entry of :data:`RECOMPUTE` on loaded primary data."""
    return {cid: f(data) for cid, f in RECOMPUTE.items()}
