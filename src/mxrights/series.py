"""Annual series of each indicator across memo years and past them, and trend models.

:func:`assemble` builds the tidy long table ``data/processed/indicators_annual.csv``:
``indicator, geography, year, as_of, value, unit, kind, source_id, trace`` where ``kind``
is ``memo-claim`` (a ledger row), ``official`` (an evidence row) or ``recomputed`` (from a
registered primary file), and ``trace`` names the ledger row, evidence row or registry file
the point comes from. :func:`poisson_trend` and :func:`diff_proportions` are the models
used on the comparison pages.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import cleaning, indicators, schemas

def topic_indicators() -> dict[str, list[str]]:
    """Topic → indicators drawn on its comparison page (from ``data/raw/indicators.csv``)."""
    from . import vocab

    return vocab.series_indicators()


COLUMNS = ["indicator", "geography", "year", "as_of", "value", "unit", "kind", "source_id", "trace"]


def _year_of(asof: str) -> int:
    return int(str(asof)[:4])


def from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Memo figures as series points, dated by their ``as_of``."""
    c = claims[claims["as_of"].notna()]
    return pd.DataFrame({"indicator": c["indicator"], "geography": "Mexico",
                         "year": c["as_of"].map(_year_of), "as_of": c["as_of"], "value": c["value"].astype(float),
                         "unit": c["unit"], "kind": "memo-claim", "source_id": c["memo"],
                         "trace": "claims.csv:" + c["claim_id"]})


def from_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows as series points; ``combine=sum`` parts are added into one point.

    Rows that are only a component of a claimed quantity (``scope = part``) or a share whose
    complement is meant (``combine = complement``) are not points of the indicator's series.
    """
    e = evidence[evidence["as_of"].notna() & (evidence["scope"].fillna("") != "part")].copy()
    parts = e[e["combine"] == "sum"]
    single = e[~e["combine"].isin(["sum", "complement"])]
    rows = [pd.DataFrame({"indicator": single["indicator"], "geography": "Mexico",
                          "year": single["period_end"].fillna(single["as_of"]).map(_year_of)
                          .where(single["indicator"] == "disappeared_persons_by_year", single["as_of"].map(_year_of)),
                          "as_of": single["as_of"], "value": single["value"].astype(float), "unit": single["unit"],
                          "kind": "official", "source_id": single["source_id"],
                          "trace": "evidence.csv:" + single["evidence_id"]})]
    for (ind, asof), g in parts.groupby(["indicator", "as_of"]):
        rows.append(pd.DataFrame([{"indicator": ind, "geography": "Mexico", "year": _year_of(asof), "as_of": asof,
                                   "value": float(g["value"].astype(float).sum()), "unit": g["unit"].iloc[0],
                                   "kind": "official", "source_id": g["source_id"].iloc[0],
                                   "trace": "evidence.csv:" + "+".join(g["evidence_id"])}]))
    return pd.concat(rows, ignore_index=True)


def from_primary(cenapi: pd.DataFrame, igimex: pd.DataFrame, cpj: pd.DataFrame, graves: pd.DataFrame,
                 rnpdno2020: pd.DataFrame, rnpdno2026: pd.DataFrame) -> pd.DataFrame:
    """Series recomputed from the registered primary files."""
    out = []
    by_year = indicators.missing_by_year(cenapi, 2000, 2018)
    out.append(by_year.assign(indicator="disappeared_persons_by_year", as_of="2018-06-03", unit="count",
                              source_id="cenapi", trace="registry:cenapi_records_import"))
    for y in range(2007, 2019):
        end = f"{y}-12-31" if y < 2018 else "2018-04-30"
        out.append(pd.DataFrame([{"year": y, "value": indicators.still_missing(cenapi, end),
                                  "indicator": "disappeared_persons_registered", "as_of": end, "unit": "count",
                                  "source_id": "cenapi", "trace": "registry:cenapi_records_import"}]))
    r20 = rnpdno2020[(rnpdno2020["status"] == "missing") & rnpdno2020["year"].between(2000, 2018)]
    s = r20.groupby("year")["count"].sum()
    out.append(pd.DataFrame({"year": s.index.astype(int), "value": s.values, "indicator": "disappeared_persons_by_year",
                             "as_of": "2020-07-16", "unit": "count", "source_id": "rnpdno-2020",
                             "trace": "registry:rnpdno_jul2020_year_state"}))
    r26 = rnpdno2026[(rnpdno2026["status"] == "missing") & rnpdno2026["year"].between(2010, 2025)]
    s = r26.groupby("year")["count"].sum()
    out.append(pd.DataFrame({"year": s.index.astype(int), "value": s.values, "indicator": "disappeared_persons_by_year",
                             "as_of": "2026-07-09", "unit": "count", "source_id": "rnpdno-2026",
                             "trace": "registry:rnpdno_2026_state_month"}))
    for y in (2016, 2018):
        out.append(pd.DataFrame([{"year": y, "value": round(indicators.igimex_mean(igimex, y), 4),
                                  "indicator": "impunity_index_state_mean", "as_of": str(y), "unit": "score",
                                  "source_id": "udlap-igimex", "trace": "registry:udlap_igimex_2016_2018"}]))
    j = indicators.journalists_killed_by_year(cpj)
    j = j[(j["year"] >= 2000) & (j["year"] <= 2024)]
    out.append(j.assign(indicator="journalists_killed_cpj", as_of="2025-05-25", unit="count", source_id="cpj",
                        trace="registry:cpj_killed_confirmed_2025_05"))
    out.append(pd.DataFrame({"year": graves["year"], "value": graves["graves"], "indicator": "graves_found_by_year",
                             "as_of": "2018-07-22", "unit": "count", "source_id": "advld",
                             "trace": "registry:advld_graves_national_year"}))
    df = pd.concat(out, ignore_index=True)
    df["geography"] = "Mexico"
    df["kind"] = "recomputed"
    df["value"] = df["value"].astype(float)
    return df[COLUMNS]


def assemble(claims: pd.DataFrame, evidence: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """The long annual table, sorted, with a stable column order."""
    df = pd.concat([from_claims(claims), from_evidence(evidence), primary], ignore_index=True)[COLUMNS]
    df["year"] = df["year"].astype(int)
    return df.sort_values(["indicator", "year", "as_of", "kind", "source_id", "trace"]).reset_index(drop=True)


def load_primary_frames(ledger: cleaning.RowLedger) -> dict:
    """Load every primary frame the series need (hash-checked)."""
    return {"cenapi": cleaning.load_cenapi(ledger), "igimex": cleaning.load_igimex(ledger),
            "cpj": cleaning.load_cpj(ledger), "graves": cleaning.load_graves(ledger),
            "rnpdno2020": cleaning.load_rnpdno_2020(ledger), "rnpdno2026": cleaning.load_rnpdno_2026(ledger)}


@dataclass(frozen=True)
class Trend:
    """A fitted count trend: rate ratio per year with its 95 % confidence interval."""

    model: str
    rate_ratio: float
    lower: float
    upper: float
    dispersion: float
    n_years: int
    first_year: int
    last_year: int


def poisson_trend(df: pd.DataFrame, dispersion_limit: float = 1.5) -> Trend:
    """Log-linear count model ``log E[y] = a + b·year``; rate ratio = exp(b).

    A Poisson GLM is fitted first; when the Pearson dispersion (χ²/df) exceeds
    ``dispersion_limit`` a negative binomial GLM is used instead, with alpha estimated by
    the method of moments from the Poisson fit.

    Args:
        df: columns ``year`` (int) and ``value`` (counts ≥ 0), at least 3 rows.
    """
    import statsmodels.api as sm

    if len(df) < 3:
        raise ValueError(f"a trend needs at least 3 years, got {len(df)}")
    d = df.sort_values("year")
    x = sm.add_constant((d["year"] - d["year"].min()).astype(float).to_numpy())
    y = d["value"].astype(float).to_numpy()
    fit = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    dof = max(len(y) - 2, 1)
    disp = float(fit.pearson_chi2 / dof)
    model = "Poisson GLM"
    if disp > dispersion_limit:
        mu = fit.mu
        alpha = max(float(np.sum(((y - mu) ** 2 - mu) / mu**2) / dof), 1e-8)
        fit = sm.GLM(y, x, family=sm.families.NegativeBinomial(alpha=alpha)).fit()
        model = f"negative binomial GLM (alpha={alpha:.3g})"
    b = float(fit.params[1])
    lo, hi = (float(v) for v in fit.conf_int(0.05)[1])
    return Trend(model, math.exp(b), math.exp(lo), math.exp(hi), disp, len(y),
                 int(d["year"].min()), int(d["year"].max()))


def diff_proportions(p1: float, n1: int, p2: float, n2: int, z: float = 1.959963984540054) -> tuple[float, float, float]:
    """Difference p2 − p1 of two survey proportions (0-1) with a Wald 95 % interval.

    Assumes simple random samples; a complex survey design widens the interval.
    """
    d = p2 - p1
    se = math.sqrt(p1 * (1 - p1) / n1 + p2 * (1 - p2) / n2)
    return d, d - z * se, d + z * se


def as_of_alignment(annual: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Memo-over-memo table: each memo figure beside the nearest official/recomputed point at its date.

    For each memo claim of ``indicator``, the latest non-claim point dated on or before the
    claim's ``as_of`` (same indicator) is taken; difference = claim − that point.
    """
    sub = annual[annual["indicator"] == indicator].copy()
    sub["asof_end"] = sub["as_of"].map(lambda a: schemas.period_bound(str(a), end=True))
    claims = sub[sub["kind"] == "memo-claim"].sort_values("asof_end")
    other = sub[sub["kind"] != "memo-claim"]
    rows = []
    for c in claims.itertuples():
        before = other[other["asof_end"] <= c.asof_end].sort_values(["asof_end", "kind"])
        ref = before.iloc[-1] if len(before) else None
        rows.append({"memo": c.source_id, "as_of": c.as_of, "memo_value": c.value,
                     "reference_value": None if ref is None else ref["value"],
                     "reference_as_of": None if ref is None else ref["as_of"],
                     "reference": None if ref is None else f"{ref['kind']}: {ref['trace']}",
                     "difference": None if ref is None else c.value - ref["value"]})
    return pd.DataFrame(rows)
