"""Annual series of each indicator across memo years and past them, and trend models.

:func:`assemble` builds the tidy long table ``data/processed/indicators_annual.csv``:
``indicator, geography, year, as_of, value, unit, kind, source_id, trace`` where ``kind``
is ``memo-claim`` (a ledger row), ``official`` (an evidence row) or ``recomputed`` (from a
registered primary file), and ``trace`` names the ledger row, evidence row or registry file
the point comes from. :func:`poisson_trend` is the model
used on the comparison pages.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import cleaning, indicators, schemas

def topic_indicators() -> dict[str, list[str]]:
    """Topic → indicators drawn on its comparison page (from ``data/raw/indicators.csv``)."""
    from . import vocab

    return vocab.series_indicators()


#: Columns of ``indicators_annual.csv``. ``partial_year`` (bool) marks a point whose period is
#: not one whole calendar year (its ``note`` says which months): charts draw it hollow, and
#: trends and a topic's answer leave it out.
COLUMNS = ["indicator", "geography", "year", "as_of", "value", "unit", "kind", "source_id", "source_label", "note",
           "partial_year", "trace"]


def whole_years(annual: pd.DataFrame) -> pd.DataFrame:
    """The points of an annual table that cover a whole calendar year (``partial_year`` false)."""
    return annual[~annual["partial_year"].astype(bool)]


def _year_of(asof: str) -> int:
    return int(str(asof)[:4])


def from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Memo figures as series points, dated by their ``as_of``; labelled with the memo's title and date."""
    from . import vocab

    c = claims[claims["as_of"].notna()]
    memos = vocab.memos().set_index("memo")
    label = c["memo"].map(lambda m: f"{memos.loc[m, 'title']} ({memos.loc[m, 'published']})" if m in memos.index else m)
    return pd.DataFrame({"indicator": c["indicator"], "geography": "Mexico",
                         "year": c["as_of"].map(_year_of), "as_of": c["as_of"], "value": c["value"].astype(float),
                         "unit": c["unit"], "kind": "memo-claim", "source_id": c["memo"], "source_label": label,
                         "note": "", "partial_year": False, "trace": "claims.csv:" + c["claim_id"]})


def _evidence_year(row: pd.Series, measure: str) -> int:
    """The year an evidence figure belongs to: a flow's period end, a stock's or attribute's as-of."""
    if measure == "flow" and str(row.get("period_end") or "").strip():
        return _year_of(row["period_end"])
    return _year_of(row["as_of"])


def _evidence_label(row: pd.Series) -> str:
    """The publisher's name: one line per publisher on a chart, whoever reported each figure."""
    return str(row.get("publisher") or row["publisher_id"])


def from_evidence(evidence: pd.DataFrame) -> pd.DataFrame:
    """Evidence rows as series points; ``combine=sum`` parts are added into one point.

    A flow is dated by the end of its period, a stock by its as-of date (``measure`` in
    ``indicators.csv``). Rows that only bound a claim (a scope with a ``bound`` in
    ``vocabulary/scopes.csv``: a component of a claimed quantity, a narrower or a broader one,
    e.g. persons missing since 1964 beside a count since 2006) or a share whose complement is
    meant (``combine = complement``) are not points of the indicator's series. A
    partial period (not a whole calendar year) is noted.
    """
    from . import vocab

    measure = vocab.indicators().set_index("indicator")["measure"]
    scopes = vocab.scopes()
    bounds = set(scopes.loc[scopes["bound"] != "", "scope"])  # a bound is not a point of the series
    e = evidence[evidence["as_of"].notna() & ~evidence["scope"].fillna("").isin(bounds)].copy()
    parts = e[e["combine"] == "sum"]
    single = e[~e["combine"].isin(["sum", "complement"])]
    years = [_evidence_year(r, measure.get(r["indicator"], "flow")) for _, r in single.iterrows()]
    notes = [_partial_period(r, measure.get(r["indicator"], "flow")) for _, r in single.iterrows()]
    rows = [pd.DataFrame({"indicator": single["indicator"], "geography": "Mexico", "year": years,
                          "as_of": single["as_of"], "value": single["value"].astype(float), "unit": single["unit"],
                          "kind": "official", "source_id": single["source_id"],
                          "source_label": [_evidence_label(r) for _, r in single.iterrows()],
                          "note": notes, "partial_year": [bool(n) for n in notes],
                          "trace": "evidence.csv:" + single["evidence_id"]})]
    for (ind, asof), g in parts.groupby(["indicator", "as_of"]):
        first = g.iloc[0]
        rows.append(pd.DataFrame([{"indicator": ind, "geography": "Mexico",
                                   "year": _evidence_year(first, measure.get(ind, "flow")), "as_of": asof,
                                   "value": float(g["value"].astype(float).sum()), "unit": first["unit"],
                                   "kind": "official", "source_id": first["source_id"],
                                   "source_label": _evidence_label(first), "note": "sum of parts printed separately",
                                   "partial_year": False,
                                   "trace": "evidence.csv:" + "+".join(g["evidence_id"])}]))
    return pd.concat(rows, ignore_index=True)


def _partial_period(row: pd.Series, measure: str) -> str:
    """``partial year: 2025-01 to 2025-10`` when a flow's period is not one whole calendar year."""
    start, end = str(row.get("period_start") or ""), str(row.get("period_end") or "")
    if measure != "flow" or not start or not end or start[:4] != end[:4]:
        return ""
    year = start[:4]
    whole = (schemas.period_bound(start) == pd.Timestamp(f"{year}-01-01")
             and schemas.period_bound(end, end=True) == pd.Timestamp(f"{year}-12-31"))
    return "" if whole else f"partial year: {start} to {end}"


def _every_year(counts: pd.Series, first: int, last: int) -> pd.DataFrame:
    """``year, value`` for every year in [first, last]; a year with no event is 0, not absent."""
    idx = pd.RangeIndex(first, last + 1, name="year")
    s = counts.groupby(level=0).sum().reindex(idx, fill_value=0)
    return pd.DataFrame({"year": idx.astype(int), "value": s.to_numpy()})


def _status_by_year(frame: pd.DataFrame, status: str, first: int, last: int) -> pd.DataFrame:
    sub = frame[(frame["status"] == status) & frame["year"].notna()]
    return _every_year(sub.groupby(sub["year"].astype(int))["count"].sum(), first, last)


def _press_sum(graves: pd.DataFrame, column: str, first: int, last: int) -> pd.DataFrame:
    """Yearly sum of a press count; the note says how many sites had no count."""
    out = _every_year(graves.groupby("year")[column].sum(min_count=0).astype("int64"), first, last)
    unknown = graves[graves[column].isna()].groupby("year").size()
    out["note"] = [f"{int(unknown.get(y, 0))} site(s) without a {column} count left out" if unknown.get(y, 0) else ""
                   for y in out["year"]]
    return out


#: Methods that count one register status (the ``status`` column of series_recomputed.csv), and
#: the statuses the RNPDNO loaders produce.
STATUS_METHODS = {"rnpdno_by_year_status", "rnpdno_2026_by_year_status"}
STATUSES = ("missing", "found_alive", "found_dead")

#: Series methods by name (``data/raw/series_recomputed.csv``, column ``method``): each takes the
#: loaded primary frames and one row of that table and returns ``year, value`` (and optionally
#: ``as_of`` and ``note`` per year) for every year of the row's window.
SERIES_METHODS: dict[str, Callable[[dict, pd.Series], pd.DataFrame]] = {
    "missing_by_year": lambda d, r: _every_year(
        d["cenapi"].loc[d["cenapi"]["status"] == "missing", "date"].dt.year.dropna().astype(int).value_counts(),
        r["first"], r["last"]),
    "still_missing_at_year_end": lambda d, r: pd.DataFrame(
        [{"year": y, "value": indicators.still_missing(d["cenapi"], _year_end(y, r)), "as_of": _year_end(y, r)}
         for y in range(r["first"], r["last"] + 1)]),
    "rnpdno_by_year_status": lambda d, r: _status_by_year(d["rnpdno2020"], r["status"],
                                                          r["first"], r["last"]),
    "rnpdno_2026_by_year_status": lambda d, r: _status_by_year(d["rnpdno2026"], r["status"],
                                                               r["first"], r["last"]),
    "igimex_mean_by_edition": lambda d, r: pd.DataFrame(
        [{"year": y, "value": round(indicators.igimex_mean(d["igimex"], y), 4), "as_of": str(y)}
         for y in sorted(d["igimex"]["year"].dropna().astype(int).unique()) if r["first"] <= y <= r["last"]]),
    "count_by_year": lambda d, r: _every_year(d["cpj"].groupby(d["cpj"]["year"].astype(int)).size(),
                                              r["first"], r["last"]),
    "advld_graves_by_year": lambda d, r: _every_year(d["graves"].set_index("year")["graves"], r["first"], r["last"]),
    "advld_bodies_by_year": lambda d, r: _every_year(d["graves"].set_index("year")["bodies"], r["first"], r["last"]),
    "press_graves_by_year": lambda d, r: _press_sum(d["graves_press"], "graves", r["first"], r["last"]),
    "press_bodies_by_year": lambda d, r: _press_sum(d["graves_press"], "bodies", r["first"], r["last"]),
    "press_sites_by_year": lambda d, r: _every_year(d["graves_press"].groupby("year").size(), r["first"], r["last"]),
}


def _year_end(year: int, row: pd.Series) -> str:
    """31 December of ``year``, or the last day the data cover (``data_end``) when earlier."""
    end = f"{year}-12-31"
    return min(end, row["data_end"]) if row["data_end"] else end


def load_series_table(path=None) -> pd.DataFrame:
    """The recomputed-series table ``data/raw/series_recomputed.csv`` (one row per series).

    ``status`` names the register status a status method counts (``missing``, ``found_alive``,
    ``found_dead``); empty for other methods.

    Raises:
        mxrights.schemas.TableError: unknown method or primary file, a status missing or out of
            place, or a window that is not two years in order.
    """
    from . import registry
    from .vocab import _read

    path = path or registry.resolve("series_recomputed")
    df = _read(path, ["indicator", "method", "status", "primary", "source_id", "source_label", "as_of", "data_end",
                      "year_start", "year_end", "partial_years", "note"])
    known = set(registry.load_registry()["name"])
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if r["method"] not in SERIES_METHODS:
            raise schemas.TableError(f"{where}, column method: {r['method']!r} is not one of {sorted(SERIES_METHODS)}")
        if (r["method"] in STATUS_METHODS) != (r["status"] in STATUSES) or (r["status"] and r["status"] not in STATUSES):
            raise schemas.TableError(f"{where}, column status: {r['status']!r}; method {r['method']} needs one of "
                                     f"{', '.join(STATUSES)}" if r["method"] in STATUS_METHODS else
                                     f"{where}, column status: {r['status']!r} must be empty for method {r['method']}")
        if r["primary"] not in known:
            raise schemas.TableError(f"{where}, column primary: {r['primary']!r} is not in the data registry")
        try:
            first, last = int(r["year_start"]), int(r["year_end"])
        except ValueError:
            raise schemas.TableError(f"{where}, columns year_start/year_end: {r['year_start']!r}, {r['year_end']!r} "
                                     "are not years") from None
        if first > last:
            raise schemas.TableError(f"{where}, column year_end: {last} is before year_start {first}")
    return df


def _partial(text: str) -> dict[int, str]:
    """``"2018: January to April"`` → {2018: "January to April"} (``;`` separates years)."""
    out = {}
    for part in filter(None, (p.strip() for p in str(text).split(";"))):
        year, _, what = part.partition(":")
        out[int(year)] = what.strip()
    return out


def from_primary(data: dict, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Series recomputed from the registered primary files, as ``series_recomputed.csv`` lists them.

    Every year of each row's window is present (zeros are data); partial years carry a note.
    """
    from . import vocab

    table = table if table is not None else load_series_table()
    units = vocab.indicators().set_index("indicator")["unit"]
    out = []
    for _, r in table.iterrows():
        row = r.copy()
        row["first"], row["last"] = int(r["year_start"]), int(r["year_end"])
        got = SERIES_METHODS[r["method"]](data, row).copy()
        if "as_of" not in got:
            got["as_of"] = r["as_of"]
        if "note" not in got:
            got["note"] = ""
        partial = _partial(r["partial_years"])
        got["note"] = [("; ".join(filter(None, [f"partial year: {partial[y]}" if y in partial else "", n])))
                       for y, n in zip(got["year"], got["note"])]
        got["partial_year"] = got["year"].isin(list(partial))
        got["indicator"], got["unit"], got["source_id"] = r["indicator"], units[r["indicator"]], r["source_id"]
        got["source_label"] = r["source_label"]
        got["trace"] = f"registry:{r['primary']}"
        out.append(got)
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
            "graves_press": cleaning.load_graves_press(ledger),
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


def official_before(annual: pd.DataFrame, indicator: str, as_of: str) -> pd.Series | None:
    """The latest official or recomputed point of ``indicator`` dated on or before ``as_of``
    (never a memo's figure; at equal dates a published figure is preferred to a recomputation)."""
    end = schemas.period_bound(str(as_of), end=True)
    pts = annual[(annual["indicator"] == indicator) & (annual["kind"] != "memo-claim")].copy()
    if pts.empty or end is None:
        return None
    pts["_end"] = pts["as_of"].map(lambda a: schemas.period_bound(str(a), end=True))
    pts["_rank"] = (pts["kind"] == "official").astype(int)
    pts = pts[pts["_end"] <= end].sort_values(["_end", "_rank", "source_id"])
    return pts.iloc[-1] if len(pts) else None


def as_of_alignment(annual: pd.DataFrame, indicator: str) -> pd.DataFrame:
    """Each memo figure of ``indicator`` beside the point :func:`official_before` its date;
    difference = claim − that point. Ordered by the claims' as-of dates."""
    sub = annual[annual["indicator"] == indicator].copy()
    sub["asof_end"] = sub["as_of"].map(lambda a: schemas.period_bound(str(a), end=True))
    rows = []
    for c in sub[sub["kind"] == "memo-claim"].sort_values("asof_end").itertuples():
        ref = official_before(annual, indicator, c.as_of)
        rows.append({"memo": c.source_id, "as_of": c.as_of, "memo_value": c.value,
                     "reference_value": None if ref is None else ref["value"],
                     "reference_as_of": None if ref is None else ref["as_of"],
                     "reference": None if ref is None else f"{ref['kind']}: {ref['trace']}",
                     "difference": None if ref is None else c.value - ref["value"]})
    return pd.DataFrame(rows)


def topic_answer(annual: pd.DataFrame, trends: pd.DataFrame, indicators: list[str], labels: pd.Series,
                 first: int, last: int) -> str:
    """Two sentences answering a comparison page's question, computed from the data.

    The first names the longest annual series of the topic (official or recomputed, whole
    years): its first and last values and, when it was fitted, the rate ratio per year with
    its 95 % interval. The second says how many of the topic's series have at least five
    years and how many memo figures sit on the charts.
    """
    sub = annual[annual["indicator"].isin(indicators) & annual["year"].between(first, last)]
    sub = whole_years(sub)
    data = sub[sub["kind"] != "memo-claim"]
    if data.empty:
        return "No annual series of this topic has figures in the years shown."
    size = data.groupby(["indicator", "source_id"])["year"].nunique().sort_values(ascending=False, kind="stable")
    ind, src = size.index[0]
    g = data[(data["indicator"] == ind) & (data["source_id"] == src)].sort_values(["year", "as_of"])
    g = g.drop_duplicates("year")
    a, b = g.iloc[0], g.iloc[-1]
    text = (f"The longest series, {labels.get(ind, ind)} ({a['source_label']}), went from "
            f"{with_unit(a['value'], a['unit'])} in {a['year']} to {with_unit(b['value'], b['unit'])} in {b['year']}")
    t = trends[(trends["indicator"] == ind) & (trends["source_id"] == src)]
    if len(t):
        t = t.iloc[0]
        text += (f"; its fitted trend, {int(t['first_year'])}–{int(t['last_year'])}: "
                 + rate_in_words(t["rate_ratio"], t["rr_lower"], t["rr_upper"]))
        fitted = g[g["year"].between(int(t["first_year"]), int(t["last_year"]))]
        against = against_trend(fitted, t["rate_ratio"])
        if against:
            text += f", {against}"
    five = int((data.groupby("indicator")["year"].nunique() >= 5).sum())
    memo = int((sub["kind"] == "memo-claim").sum())
    return (text + f". {five} of the topic's {data['indicator'].nunique()} charted indicators have five or more "
            f"years of figures, and {memo} memo figure(s) sit beside them.")


def rate_in_words(rate_ratio: float, lower: float, upper: float) -> str:
    """A fitted rate ratio per year read in words, with its 95 % interval as percent changes.

    ``rate_ratio`` 1.2 (1.05–1.37) reads "rising, +20% a year (95% CI +5% to +37%)"; an interval
    that contains 1 reads "no clear trend: …", since the data cannot tell a rise from a fall.
    Percent changes are rounded to whole percents. Empty string for a missing ratio.
    """
    if rate_ratio is None or pd.isna(rate_ratio):
        return ""

    def pct(x: float) -> str:
        v = round((x - 1) * 100)
        return f"{'+' if v > 0 else '−' if v < 0 else '±'}{abs(v):,}%"

    ci = f"{pct(rate_ratio)} a year (95% CI {pct(lower)} to {pct(upper)})"
    if lower > 0 and upper / lower > TREND_SPAN_LIMIT:
        return f"too few or too variable points for a trend: {ci}"
    if lower <= 1 <= upper:
        return f"no clear trend: {ci}"
    return ("rising, " if rate_ratio > 1 else "falling, ") + ci


#: A fitted trend whose 95 % interval spans more than this factor (upper ÷ lower rate ratio) says
#: nothing a reader can use: it is read as "too few or too variable points for a trend".
TREND_SPAN_LIMIT = 10.0


def against_trend(points: pd.DataFrame, rate_ratio: float) -> str:
    """A clause when the last whole year moves against the fitted trend, else ``""``.

    ``points``: one series' whole years (``year``, ``value``); ``rate_ratio`` its fitted ratio per
    year. A rising trend whose last year fell (or a falling one whose last year rose) reads
    "but the last year fell, from 209 in 2016 to 83 in 2017".
    """
    if rate_ratio is None or pd.isna(rate_ratio) or len(points) < 2:
        return ""
    g = points.sort_values("year").drop_duplicates("year", keep="first")
    a, b = g.iloc[-2], g.iloc[-1]
    moved = "fell" if b["value"] < a["value"] else "rose" if b["value"] > a["value"] else ""
    if (rate_ratio > 1 and moved == "fell") or (rate_ratio < 1 and moved == "rose"):
        unit = str(a.get("unit", "count")) if "unit" in g.columns else "count"
        return (f"but the last year {moved}, from {with_unit(a['value'], unit)} in {int(a['year'])} "
                f"to {with_unit(b['value'], unit)} in {int(b['year'])}")
    return ""


def with_unit(value: float, unit: str) -> str:
    """A figure with its unit, as an answer prints it (one decimal at most; the unit's words from
    ``vocabulary/units.csv``): ``1,548``, ``46.6%``, ``2,400,000 US dollars``, ``67.4 points``."""
    from . import vocab

    v = float(value)
    return vocab.with_unit(f"{v:,.0f}" if v == int(v) else f"{v:,.1f}", unit)


def summary_table(annual: pd.DataFrame, trends: pd.DataFrame, min_years: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per series (indicator × source) of official or recomputed figures.

    Columns: ``indicator, source_id, source_label, first_year, first_value, last_year,
    last_value, years`` (distinct years), ``change`` (last − first, same unit) and, where a
    trend was fitted, ``rate_ratio, rr_lower, rr_upper`` and ``trend`` (the same in words, see
    :func:`rate_in_words`). Where a source gave two figures for
    one year, the first by as-of date is used.

    Returns:
        ``(series, short)``: series with at least ``min_years`` years, and the rest (listed
        apart: a change between one or two points is not a series).
    """
    pts = annual[annual["kind"] != "memo-claim"].sort_values(["indicator", "source_id", "year", "as_of"])
    pts = pts.drop_duplicates(["indicator", "source_id", "year"], keep="first")
    g = pts.groupby(["indicator", "source_id"])
    tab = g.agg(source_label=("source_label", "first"), first_year=("year", "first"), first_value=("value", "first"),
                last_year=("year", "last"), last_value=("value", "last"), years=("year", "nunique")).reset_index()
    tab["change"] = tab["last_value"] - tab["first_value"]
    tab = tab.merge(trends[["indicator", "source_id", "rate_ratio", "rr_lower", "rr_upper"]],
                    on=["indicator", "source_id"], how="left")
    tab["trend"] = [rate_in_words(r, lo, hi) for r, lo, hi in zip(tab["rate_ratio"], tab["rr_lower"], tab["rr_upper"])]
    long = tab["years"] >= min_years
    short = tab.loc[~long, ["indicator", "source_id", "source_label", "first_year", "first_value", "years"]]
    return tab[long].reset_index(drop=True), short.rename(columns={"first_year": "year", "first_value": "value"}).reset_index(drop=True)
