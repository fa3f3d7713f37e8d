"""Memo over memo: the quantities the memos repeat from one year to the next.

For every indicator that documents of two or more memo years state, one row per claim:
what that year's document said, the verdict the verdict model gave it (with its grade and
the evidence figure it used), for a stock (a total at a date) the nearest official or
recomputed figure dated on or before the claim (what a reader could have known then), and, where ``indicators.csv`` names a
revising series (columns ``revised_by_indicator`` and ``revised_by_source``), what today's
data say about the same period: the sum of the revising annual flow over the claim's years.

The memo year of a document is ``memo_year`` in ``memos.csv`` or, for letters and context
without one, the year it was published.
"""

from __future__ import annotations

import pandas as pd

from mxrights.sources import schemas
from mxrights.series import annual as series
from mxrights.judge import verdicts
from mxrights.ledger import vocab

COLUMNS = ["indicator", "memo_year", "memo", "claim_id", "fact_id", "as_of", "memo_value", "qualifier", "unit", "verdict",
           "grade", "independent_check", "evidence_value", "official_value", "official_as_of", "official_source",
           "known_then", "revised_value", "revised_years", "revised_source"]


def known_then(official: float | None, claim: pd.Series) -> str:
    """The memo figure judged against the figure known at its date by the verdict rules' own test
    (:func:`mxrights.judge.verdicts.agrees`: the printed figure's rounding and its qualifier — *about*,
    *more than*, *at least* — define the range the figure allows).

    Returns ``"agrees"`` (the known figure lies in the claim's range), ``"differs: +215
    (+0.8%)"`` style text with the difference known − claimed, or ``""`` without a known figure.
    """
    if official is None or pd.isna(official):
        return ""
    if verdicts.agrees(float(official), claim):
        return "agrees"
    d = float(official) - float(claim["value"])
    rel = f" ({d / float(claim['value']):+.1%})".replace("-", "−") if float(claim["value"]) else ""
    return f"differs: {'+' if d > 0 else '−'}{verdicts._fmt(abs(d))}{rel}"


def memo_years(memos: pd.DataFrame | None = None) -> pd.Series:
    """Document → memo year (int): ``memo_year``, else the year of ``published``
    (:func:`mxrights.ledger.vocab.memo_years`)."""
    return vocab.memo_years(memos)


def repeated_indicators(check: pd.DataFrame, years: pd.Series, min_years: int = 2) -> list[str]:
    """Indicators stated by documents of at least ``min_years`` distinct memo years."""
    y = check["document"].map(years)
    n = y.groupby(check["indicator"]).nunique()
    return sorted(n[n >= min_years].index)


def revision(annual: pd.DataFrame, indicator: str, source: str, start: str, as_of: str) -> tuple[float | None, str]:
    """Today's count for a claim's period from an annual flow: ``(value, "first–last")``.

    Sums ``indicator`` from ``source`` over the whole calendar years from the claim's start
    (its ``period_start``; the series' first year when empty) to the last year that ended on
    or before ``as_of``. Returns ``(None, reason)`` when the series does not cover every one
    of those years (a sum over a gap would understate).
    """
    flow = annual[(annual["indicator"] == indicator) & (annual["source_id"] == source)]
    if flow.empty:
        return None, f"no series {source} of {indicator}"
    end_ts = schemas.period_bound(str(as_of), end=True)
    last = end_ts.year if (end_ts.month, end_ts.day) == (12, 31) else end_ts.year - 1
    start = "" if start is None or (isinstance(start, float) and pd.isna(start)) else str(start).strip()
    first = int(start[:4]) if start else int(flow["year"].min())
    years = set(range(first, last + 1))
    have = set(flow["year"].astype(int))
    if not years or not years <= have:
        return None, f"{source} covers {min(have)}–{max(have)}, not {first}–{last}"
    return float(flow[flow["year"].isin(years)]["value"].sum()), f"{first}–{last}"


def memo_over_memo(check: pd.DataFrame, claims: pd.DataFrame, annual: pd.DataFrame,
                   memos: pd.DataFrame | None = None, min_years: int = 2) -> pd.DataFrame:
    """The memo-over-memo table (``data/processed/memo_over_memo.csv``), one row per claim of
    a repeated indicator, ordered by indicator, memo year and as-of date. Units as the claim's."""
    m = memos if memos is not None else vocab.memos()
    years = memo_years(m)
    memo_id = dict(zip(m["document"], m["memo"]))
    ind = vocab.indicators().set_index("indicator")
    labels = vocab.verdicts().set_index("verdict")["label"]
    cl = claims.set_index("claim_id")
    rows = []
    for indicator in repeated_indicators(check, years, min_years):
        rev_ind = ind.loc[indicator, "revised_by_indicator"] if indicator in ind.index else ""
        rev_src = ind.loc[indicator, "revised_by_source"] if indicator in ind.index else ""
        for r in check[check["indicator"] == indicator].itertuples():
            c = cl.loc[r.claim_id]
            # a total at a date can be compared with the last total published before it; a
            # flow's annual points cover other periods than the claim's (its evidence column
            # holds the same-period figure, when there is one)
            measure = ind.loc[indicator, "measure"] if indicator in ind.index else "flow"
            ref = series.official_before(annual, indicator, c["as_of"]) if measure == "stock" else None
            ev_value = r.reproduced_value if pd.notna(r.reproduced_value) else r.bound_value
            rev_value, rev_years = (None, "")
            if rev_ind:
                rev_value, rev_years = revision(annual, rev_ind, rev_src, c["period_start"], c["as_of"])
            rows.append({"indicator": indicator, "memo_year": int(years[r.document]), "memo": memo_id[r.document],
                         "claim_id": r.claim_id, "fact_id": r.fact_id, "as_of": c["as_of"],
                         "memo_value": float(c["value"]),
                         "qualifier": c["qualifier"], "unit": c["unit"], "verdict": labels.get(r.verdict, r.verdict),
                         "grade": r.grade, "independent_check": bool(r.independent_check),
                         "evidence_value": None if pd.isna(ev_value) else float(ev_value),
                         "official_value": None if ref is None else float(ref["value"]),
                         "official_as_of": None if ref is None else ref["as_of"],
                         "official_source": None if ref is None else ref["source_label"],
                         "known_then": known_then(None if ref is None else ref["value"], c),
                         "revised_value": rev_value, "revised_years": rev_years if rev_value is not None else "",
                         "revised_source": f"{rev_src} ({rev_ind})" if rev_value is not None else ""})
    out = pd.DataFrame(rows, columns=COLUMNS)
    out["_end"] = out["as_of"].map(lambda a: schemas.period_bound(str(a), end=True))
    return out.sort_values(["indicator", "memo_year", "_end", "claim_id"]).drop(columns="_end").reset_index(drop=True)


def shown(table: pd.DataFrame, min_years: int = 2) -> pd.DataFrame:
    """The rows of a memo-over-memo table whose indicator documents of at least ``min_years``
    distinct memo years state (the page's ``min_years`` parameter)."""
    per = table.groupby("indicator")["memo_year"].nunique()
    return table[table["indicator"].isin(per[per >= min_years].index)]


def headline(table: pd.DataFrame, min_years: int = 2) -> dict:
    """What the memo-over-memo page leads with, from the rows :func:`shown` keeps.

    Returns:
        ``quantities`` (indicators shown), ``claims`` (their claims), ``independent`` (claims
        checked against independent evidence of the same quantity), ``facts`` and
        ``facts_independent`` (the same counted once per distinct fact, ``fact_id``; each claim is
        its own fact in a table without that column), ``first_year`` and ``last_year`` (memo
        years; ``None`` when nothing is shown), ``min_years`` and ``text`` (the sentence, Markdown).
    """
    t = shown(table, min_years)
    fact = t["fact_id"] if "fact_id" in t.columns else t["claim_id"]
    indep = t["independent_check"].astype(bool)
    out = {"quantities": int(t["indicator"].nunique()), "claims": int(len(t)), "independent": int(indep.sum()),
           "facts": int(fact.nunique()), "facts_independent": int(fact[indep].nunique()), "min_years": int(min_years),
           "first_year": int(t["memo_year"].min()) if len(t) else None,
           "last_year": int(t["memo_year"].max()) if len(t) else None}
    if not len(t):
        out["text"] = f"**No quantity is stated by documents of {min_years} or more memo years.**"
        return out
    out["text"] = (f"**{out['quantities']} quantities are stated by documents of {min_years} or more memo years "
                   f"({out['first_year']}–{out['last_year']}).** Of their {out['claims']} claims, {out['independent']} "
                   "were checked against independent evidence of the same quantity; a repeat is not a new check: as "
                   f"distinct facts, {out['facts_independent']} of {out['facts']} were checked. The others are shown "
                   "with the verdict they received and why.")
    return out
