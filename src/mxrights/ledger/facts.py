"""Facts: claims that state the same quantity, computed from the ledger's columns.

A memo series repeats itself: the 15 % of Mérida funds held back, the 43 students, the
register's count. Counting each repetition as a separate check inflates every headline, so
the verdicts are given to *facts*, not to sentences. Two claims state the same fact when

* they measure the same quantity: equal ``indicator``, ``population`` and ``geography``, and
  equal time as the indicator's ``measure`` (``indicators.csv``) compares it — a ``flow``
  (a count over a period) by ``period_start`` and ``period_end``, a ``stock`` (a total at a
  date) by ``as_of``, an ``attribute`` (of a case, a law, a programme) not at all; and
* their values agree: the ranges their words and rounding admit
  (:func:`mxrights.ledger.claims.interval`) overlap, directly or through a chain of claims.

Claims of one quantity whose ranges do not overlap are separate facts that disagree with each
other (memo against memo); :func:`assign` says so in ``same_quantity_facts``. Nothing here is
typed by hand: change a claim's columns and its fact follows.
"""

from __future__ import annotations

import math

import pandas as pd

from mxrights.ledger import claims as claims_mod
from mxrights.ledger import vocab

#: The columns that name the quantity; time columns are added by the indicator's measure.
QUANTITY = ("indicator", "population", "geography")
TIME = {"flow": ("period_start", "period_end"), "stock": ("as_of",), "attribute": ()}


def quantity_key(claim: pd.Series, measure: str) -> tuple:
    """The quantity a claim states: indicator, population, geography and its time columns."""
    cols = QUANTITY + TIME.get(measure, TIME["flow"])
    return tuple((c, str(claim.get(c) or "")) for c in cols)


def assign(claims: pd.DataFrame, measures: pd.Series | None = None) -> pd.DataFrame:
    """The fact of every claim.

    Args:
        claims: ledger rows (``claim_id``, quantity columns, ``value``, ``qualifier``, ``printed``).
        measures: indicator → measure (default: ``indicators.csv``).

    Returns:
        One row per claim, in ledger order: ``claim_id``, ``fact_id`` (``fact-`` + the first
        claim of the fact in ledger order), ``fact_claims`` (how many claims state it),
        ``representative`` (the claim whose range is narrowest: the fact is judged on it) and
        ``same_quantity_facts`` (other facts of the same quantity whose values disagree with
        this one, ``;``-joined; empty for most).
    """
    if measures is None:
        measures = vocab.indicators().set_index("indicator")["measure"]
    rows = []
    keys: dict[tuple, list[int]] = {}
    for pos, (_, c) in enumerate(claims.iterrows()):
        keys.setdefault(quantity_key(c, measures.get(c["indicator"], "flow")), []).append(pos)
    fact_of: dict[int, str] = {}
    groups_of_key: dict[tuple, list[list[int]]] = {}
    for key, members in keys.items():
        groups = _overlapping(claims, members)
        groups_of_key[key] = groups
        for g in groups:
            fid = "fact-" + str(claims.iloc[min(g)]["claim_id"])
            for pos in g:
                fact_of[pos] = fid
    for key, groups in groups_of_key.items():
        ids = [("fact-" + str(claims.iloc[min(g)]["claim_id"]), g) for g in groups]
        for fid, g in ids:
            others = ";".join(sorted(f for f, _ in ids if f != fid))
            rep = min(g, key=lambda p: (_width(claims.iloc[p]), p))
            for pos in g:
                rows.append((pos, {"claim_id": claims.iloc[pos]["claim_id"], "fact_id": fid, "fact_claims": len(g),
                                   "representative": claims.iloc[rep]["claim_id"], "same_quantity_facts": others}))
    rows.sort(key=lambda t: t[0])
    return pd.DataFrame([r for _, r in rows],
                        columns=["claim_id", "fact_id", "fact_claims", "representative", "same_quantity_facts"])


def _range(c: pd.Series) -> tuple[float, float]:
    return claims_mod.interval(float(c["value"]), c["qualifier"], c["printed"])


def _width(c: pd.Series) -> float:
    lo, hi = _range(c)
    return hi - lo if math.isfinite(hi) else math.inf


def _overlapping(claims: pd.DataFrame, members: list[int]) -> list[list[int]]:
    """Split claims of one quantity into groups whose ranges overlap (a chain suffices)."""
    spans = sorted(((_range(claims.iloc[p]), p) for p in members), key=lambda t: (t[0][0], t[1]))
    groups: list[list[int]] = []
    reach = -math.inf
    for (lo, hi), p in spans:
        if groups and lo <= reach:
            groups[-1].append(p)
            reach = max(reach, hi)
        else:
            groups.append([p])
            reach = hi
    return [sorted(g) for g in groups]
