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

from mxrights.sources import geo, schemas
from mxrights.sources import disappearances, graves, impunity, journalists, readers, tidy, violence
from mxrights.judge import recompute

def topic_indicators() -> dict[str, list[str]]:
    """Topic → indicators drawn on its comparison page (from ``data/raw/indicators.csv``)."""
    from mxrights.ledger import vocab

    return vocab.series_indicators()


#: Columns of ``indicators_annual.csv``. ``geography`` is the place a row is about, from its claim,
#: evidence row or primary file (a primary file's state rows carry the state's English name);
#: ``state_code`` is the INEGI code of the state it lies in (``00`` = the whole country; empty when
#: it spans several states or lies outside Mexico), from ``vocabulary/geographies.csv``.
#: ``reconciliation`` says, for a recomputed point, how its series compares with what its publisher
#: printed (see :mod:`mxrights.series.reconcile`; empty for other kinds).
#: ``partial_year`` (bool) marks a point whose period is
#: not one whole calendar year (its ``note`` says which months): charts draw it hollow, and
#: trends and a topic's answer leave it out.
COLUMNS = ["indicator", "geography", "state_code", "year", "as_of", "value", "unit", "kind", "source_id", "source_label", "note",
           "partial_year", "reconciliation", "trace"]


def national(annual: pd.DataFrame) -> pd.DataFrame:
    """The rows of an annual table about the whole country (``state_code`` ``00``)."""
    return annual[annual["state_code"] == geo.NATIONAL]


def whole_years(annual: pd.DataFrame) -> pd.DataFrame:
    """The points of an annual table that cover a whole calendar year (``partial_year`` false; a
    table without that column holds whole years only)."""
    if "partial_year" not in annual.columns:
        return annual
    return annual[~annual["partial_year"].astype(bool)]


def _year_of(asof: str) -> int:
    return int(str(asof)[:4])


def from_claims(claims: pd.DataFrame) -> pd.DataFrame:
    """Memo figures as series points, dated by their ``as_of``; labelled with the memo's title and date."""
    from mxrights.ledger import vocab

    c = claims[claims["as_of"].notna()]
    memos = vocab.memos().set_index("memo")
    label = c["memo"].map(lambda m: f"{memos.loc[m, 'title']} ({memos.loc[m, 'published']})" if m in memos.index else m)
    return pd.DataFrame({"indicator": c["indicator"], "geography": c["geography"], "reconciliation": "",
                         "state_code": geo.state_of(c["geography"]),
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
    from mxrights.ledger import vocab

    measure = vocab.indicators().set_index("indicator")["measure"]
    scopes = vocab.scopes()
    bounds = set(scopes.loc[scopes["bound"] != "", "scope"])  # a bound is not a point of the series
    e = evidence[evidence["as_of"].notna() & ~evidence["scope"].fillna("").isin(bounds)].copy()
    parts = e[e["combine"] == "sum"]
    single = e[~e["combine"].isin(["sum", "complement"])]
    years = [_evidence_year(r, measure.get(r["indicator"], "flow")) for _, r in single.iterrows()]
    notes = [_partial_period(r, measure.get(r["indicator"], "flow")) for _, r in single.iterrows()]
    rows = [pd.DataFrame({"indicator": single["indicator"], "geography": single["geography"], "reconciliation": "",
                          "state_code": geo.state_of(single["geography"]), "year": years,
                          "as_of": single["as_of"], "value": single["value"].astype(float), "unit": single["unit"],
                          "kind": "official", "source_id": single["source_id"],
                          "source_label": [_evidence_label(r) for _, r in single.iterrows()],
                          "note": notes, "partial_year": [bool(n) for n in notes],
                          "trace": "evidence.csv:" + single["evidence_id"]})]
    for (ind, asof, _), g in parts.groupby(["indicator", "as_of", "geography"]):
        first = g.iloc[0]
        rows.append(pd.DataFrame([{"indicator": ind, "geography": first["geography"], "reconciliation": "",
                                   "state_code": geo.state_of(pd.Series([first["geography"]])).iloc[0],
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
        [{"year": y, "value": recompute.still_missing(d["cenapi"], _year_end(y, r)), "as_of": _year_end(y, r)}
         for y in range(r["first"], r["last"] + 1)]),
    "rnpdno_by_year_status": lambda d, r: _status_by_year(d["rnpdno2020"], r["status"],
                                                          r["first"], r["last"]),
    "rnpdno_2026_by_year_status": lambda d, r: _status_by_year(d["rnpdno2026"], r["status"],
                                                               r["first"], r["last"]),
    "igimex_mean_by_edition": lambda d, r: pd.DataFrame(
        [{"year": y, "value": round(recompute.igimex_mean(d["igimex"], y), 4), "as_of": str(y)}
         for y in sorted(d["igimex"]["year"].dropna().astype(int).unique()) if r["first"] <= y <= r["last"]]),
    "count_by_year": lambda d, r: _every_year(d["cpj"].groupby(d["cpj"]["year"].astype(int)).size(),
                                              r["first"], r["last"]),
    "sum_by_year": lambda d, r: _every_year(d[r["frame"]].groupby("year")["value"].sum(), r["first"], r["last"]),
    "press_graves_by_year": lambda d, r: _press_sum(d["graves_press"], "graves", r["first"], r["last"]),
    "press_bodies_by_year": lambda d, r: _press_sum(d["graves_press"], "bodies", r["first"], r["last"]),
    "press_sites_by_year": lambda d, r: _every_year(d["graves_press"].groupby("year").size(), r["first"], r["last"]),
    "inegi_homicides_by_year": lambda d, r: _every_year(d["inegi_homicides"].groupby("year")["homicides"].sum(),
                                                        r["first"], r["last"]),
    "inegi_homicide_rate_by_year": lambda d, r: _rate(d["inegi_homicides"].groupby("year")["homicides"].sum(),
                                                      _population(d["inegi_homicides"]), r["first"], r["last"]),
    "sesnsp_victims_by_year": lambda d, r: _every_year(_crime(d["sesnsp"], r["crime"]), r["first"], r["last"]),
    "sesnsp_victim_rate_by_year": lambda d, r: _rate(_crime(d["sesnsp"], r["crime"]), _population(d["inegi_homicides"]),
                                                     r["first"], r["last"]),
}

#: Methods that count one crime of SESNSP's victims (the ``crime`` column of series_recomputed.csv).
CRIME_METHODS = {"sesnsp_victims_by_year", "sesnsp_victim_rate_by_year"}


def _crime(sesnsp: pd.DataFrame, crime: str) -> pd.Series:
    """Victims of one SESNSP crime (``delito``) by year."""
    sub = sesnsp[sesnsp["crime"] == crime]
    return sub.groupby("year")["victims"].sum()


def _population(inegi: pd.DataFrame) -> pd.Series:
    """Population by year (persons): each state's mean of its monthly mid-year estimates, summed
    over the states present (one state when the frame is one state's)."""
    return inegi.groupby(["year", "state"])["population"].mean().groupby(level=0).sum()


def _rate(counts: pd.Series, population: pd.Series, first: int, last: int) -> pd.DataFrame:
    """``year, value`` = counts ÷ population × 100,000 for every year in [first, last].

    Raises:
        ValueError: a year of the window without population (the window must end where the
            population column ends).
    """
    years = range(first, last + 1)
    missing = [y for y in years if y not in population.index]
    if missing:
        raise ValueError(f"no population for {missing[0]}: the rate's window must end by {int(population.index.max())}")
    c = counts.groupby(level=0).sum().reindex(years, fill_value=0)
    rate = [round(float(c[y]) / float(population[y]) * 100_000, 4) for y in years]
    return pd.DataFrame({"year": list(years), "value": rate})


def _year_end(year: int, row: pd.Series) -> str:
    """31 December of ``year``, or the last day the data cover (``data_end``) when earlier."""
    end = f"{year}-12-31"
    return min(end, row["data_end"]) if row["data_end"] else end


def load_series_table(path=None) -> pd.DataFrame:
    """The recomputed-series table ``data/raw/series_recomputed.csv`` (one row per series).

    ``status`` names the register status a status method counts (``missing``, ``found_alive``,
    ``found_dead``); empty for other methods. ``crime`` names the SESNSP crime (``delito``, as
    SESNSP writes it) a crime method counts. ``by_state`` (true/false): the series is also
    computed for each of the 32 states, from the rows of the primary file in that state.

    Raises:
        mxrights.sources.schemas.TableError: unknown method or primary file, a status missing or out of
            place, or a window that is not two years in order.
    """
    from mxrights.sources import registry
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("series_recomputed")
    df = _read(path, "series_recomputed")
    known = set(registry.load_registry()["name"])
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if r["method"] not in SERIES_METHODS:
            raise schemas.TableError(f"{where}, column method: {r['method']!r} is not one of {sorted(SERIES_METHODS)}")
        if (r["method"] in STATUS_METHODS) != (r["status"] in STATUSES) or (r["status"] and r["status"] not in STATUSES):
            raise schemas.TableError(f"{where}, column status: {r['status']!r}; method {r['method']} needs one of "
                                     f"{', '.join(STATUSES)}" if r["method"] in STATUS_METHODS else
                                     f"{where}, column status: {r['status']!r} must be empty for method {r['method']}")
        if (r["method"] in CRIME_METHODS) != bool(r["crime"]):
            raise schemas.TableError(f"{where}, column crime: {r['crime']!r}; method {r['method']} "
                                     + ("needs a SESNSP crime (delito)" if r["method"] in CRIME_METHODS else
                                        "takes no crime"))
        if r["by_state"] not in ("true", "false"):
            raise schemas.TableError(f"{where}, column by_state: {r['by_state']!r} is not true or false")
        if r["primary"] not in known:
            raise schemas.TableError(f"{where}, column primary: {r['primary']!r} is not in the data registry")
        if (r["method"] == "sum_by_year") != bool(r["frame"]):
            raise schemas.TableError(f"{where}, column frame: {r['frame']!r}; " + (
                "method sum_by_year needs a frame of data/raw/primary_tables.csv" if r["method"] == "sum_by_year"
                else f"method {r['method']} reads a loader's frame, so frame must be empty"))
        if r["frame"] and tidy.table().set_index("frame").loc[r["frame"], "registry"] != r["primary"]:
            raise schemas.TableError(f"{where}, column primary: {r['primary']!r}, but frame {r['frame']} reads "
                                     f"{tidy.table().set_index('frame').loc[r['frame'], 'registry']!r} (primary_tables.csv)")
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


def _by_state(data: dict) -> dict[str, dict]:
    """The primary frames split by INEGI state: ``{code: {name: frame}}`` (a frame without a
    ``state`` column is given whole)."""
    out: dict[str, dict] = {code: {} for code in geo.state_codes()}
    for name, frame in data.items():
        if "state" not in frame.columns:
            for code in out:
                out[code][name] = frame
            continue
        groups = dict(tuple(frame.groupby("state", sort=True)))
        for code in out:
            out[code][name] = groups.get(code, frame.iloc[0:0])
    return out


def _one_series(data: dict, r: pd.Series) -> pd.DataFrame:
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
    return got


def from_primary(data: dict, table: pd.DataFrame | None = None) -> pd.DataFrame:
    """Series recomputed from the registered primary files, as ``series_recomputed.csv`` lists them.

    Every year of each row's window is present (zeros are data); partial years carry a note.
    The national series (geography ``Mexico``, state code ``00``) is computed from every row of
    the file, including rows whose state was not recorded; a row with ``by_state`` true is
    also computed for each of the 32 states (geography = the state's English name), so a
    count's national figure is the sum of its states plus the persons with no state
    (:func:`state_accounting` lists that difference).
    """
    from mxrights.ledger import vocab

    table = table if table is not None else load_series_table()
    units = vocab.indicators().set_index("indicator")["unit"]
    split = _by_state(data) if (table["by_state"] == "true").any() else {}
    out = []
    for _, r in table.iterrows():
        places = [(geo.NATIONAL, data)] + ([(c, split[c]) for c in geo.state_codes()] if r["by_state"] == "true" else [])
        for code, frames in places:
            got = _one_series(frames, r)
            got["geography"], got["state_code"] = geo.name_en(code), code
            got["indicator"], got["unit"], got["source_id"] = r["indicator"], units[r["indicator"]], r["source_id"]
            got["source_label"] = r["source_label"]
            got["trace"] = f"registry:{r['primary']}"
            out.append(got)
    df = pd.concat(out, ignore_index=True)
    df["kind"] = "recomputed"
    df["reconciliation"] = ""
    df["value"] = df["value"].astype(float)
    return df[COLUMNS]


def state_accounting(primary: pd.DataFrame) -> pd.DataFrame:
    """How each count series' national figure splits into states (``row_accounting.csv`` rows).

    For every recomputed series with state rows whose unit is ``count`` and measure ``flow``:
    ``rows_in`` = the national total over its window, ``rows_out`` = the sum of its 32 state
    series, ``dropped`` = the persons or events whose state was not recorded (they count in the
    national series only). Units are persons or events, not file rows; the reason says so.
    """
    from mxrights.ledger import vocab

    measure = vocab.indicators().set_index("indicator")["measure"]
    rows = []
    keys = primary[primary["state_code"] != geo.NATIONAL][["indicator", "source_id"]].drop_duplicates()
    for ind, src in keys.itertuples(index=False):
        g = primary[(primary["indicator"] == ind) & (primary["source_id"] == src)]
        if g["unit"].iloc[0] != "count" or measure.get(ind) != "flow":
            continue
        nat = float(g.loc[g["state_code"] == geo.NATIONAL, "value"].sum())
        states = float(g.loc[g["state_code"] != geo.NATIONAL, "value"].sum())
        years = f"{int(g['year'].min())}–{int(g['year'].max())}"
        rows.append({"source": f"{src}:{ind}", "step": f"national = 32 states + state not recorded ({years})",
                     "rows_in": int(nat), "rows_out": int(states), "dropped": int(nat - states),
                     "reason": "counts of persons or events, not file rows: those whose state was not recorded "
                               "count in the national series only"})
    return pd.DataFrame(rows, columns=["source", "step", "rows_in", "rows_out", "dropped", "reason"])


def with_reconciliation(annual: pd.DataFrame, status: pd.DataFrame) -> pd.DataFrame:
    """``annual`` with each recomputed point's ``reconciliation`` text (from
    :func:`mxrights.series.reconcile.series_status`, by indicator and source; all places of a series
    share it, since publishers print national totals)."""
    out = annual.drop(columns="reconciliation").merge(status, on=["indicator", "source_id"], how="left")
    out["reconciliation"] = out["reconciliation"].where(out["kind"] == "recomputed", "").fillna("")
    return out[COLUMNS]


def assemble(claims: pd.DataFrame, evidence: pd.DataFrame, primary: pd.DataFrame) -> pd.DataFrame:
    """The long annual table, sorted, with a stable column order (``reconciliation`` empty until
    :func:`with_reconciliation`)."""
    df = pd.concat([from_claims(claims), from_evidence(evidence), primary], ignore_index=True)[COLUMNS]
    df["year"] = df["year"].astype(int)
    return df.sort_values(["indicator", "year", "as_of", "kind", "source_id", "trace"]).reset_index(drop=True)


def load_primary_frames(ledger: readers.RowLedger) -> dict:
    """Load every primary frame the series need (hash-checked): those with a loader of their own,
    and every frame declared in ``data/raw/primary_tables.csv`` (:mod:`mxrights.sources.tidy`)."""
    return {"cenapi": disappearances.load_cenapi(ledger), "igimex": impunity.load_igimex(ledger),
            "cpj": journalists.load_cpj(ledger),
            "graves_press": graves.load_graves_press(ledger),
            "rnpdno2020": disappearances.load_rnpdno_2020(ledger), "rnpdno2026": disappearances.load_rnpdno_2026(ledger),
            "inegi_homicides": violence.load_inegi_homicides(ledger), "sesnsp": violence.load_sesnsp_victims(ledger),
            **tidy.load_all(ledger)}


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


def poisson_trend(df: pd.DataFrame, dispersion_limit: float | None = None) -> Trend:
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
    if dispersion_limit is None:
        from mxrights.ledger import vocab

        dispersion_limit = vocab.setting("trend_dispersion_limit")
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


def load_method_breaks(path=None) -> pd.DataFrame:
    """``data/raw/method_breaks.csv``: ``indicator, source_id, first_year`` (the first year of a
    new method or edition design), ``note``, ``url``.

    Raises:
        mxrights.sources.schemas.TableError: an unknown indicator or a year that is not a year.
    """
    from mxrights.sources import registry
    from mxrights.ledger import vocab
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("method_breaks")
    df = _read(path, "method_breaks")
    known = set(vocab.indicators()["indicator"])
    for i, r in df.iterrows():
        if r["indicator"] not in known:
            raise schemas.TableError(f"{path}, row {i + 2}, column indicator: {r['indicator']!r} is not in indicators.csv")
        if not r["first_year"].isdigit():
            raise schemas.TableError(f"{path}, row {i + 2}, column first_year: {r['first_year']!r} is not a year")
    df["first_year"] = df["first_year"].astype(int)
    return df


def last_segment(points: pd.DataFrame, breaks: pd.DataFrame | None) -> pd.DataFrame:
    """The points of one series (one indicator and source) from its last method break on: a break
    ends a series, so a change or a trend is computed only within one method. Without breaks
    (or ``breaks`` None) the points are returned as they are."""
    if breaks is None or points.empty:
        return points
    ind, src = points["indicator"].iloc[0], points["source_id"].iloc[0]
    b = breaks[(breaks["indicator"] == ind) & (breaks["source_id"] == src)]
    starts = [y for y in b["first_year"] if y <= int(points["year"].max())]
    return points[points["year"] >= max(starts)] if starts else points


#: A topic's answer reads a series of at least this many whole years when one exists (two points
#: are a change, not a series).
ANSWER_MIN_YEARS = 3


def pick_series(data: pd.DataFrame, indicators: list[str] | None = None) -> tuple[str, str]:
    """The ``(indicator, source_id)`` a topic's answer reads: among the series with at least
    :data:`ANSWER_MIN_YEARS` whole years (else those with two, else all), the one whose last
    year is the latest (a reader wants today's figure), then the first in the topic's order
    (``indicators``, as ``indicators.csv`` orders them), then the one with the most years.
    ``data``: official or recomputed whole-year points, already cut at method breaks."""
    g = data.groupby(["indicator", "source_id"], sort=True)["year"]
    size = pd.DataFrame({"last": g.max(), "years": g.nunique()}).reset_index()
    for need in (ANSWER_MIN_YEARS, 2):
        if (size["years"] >= need).any():
            size = size[size["years"] >= need]
            break
    order = {i: k for k, i in enumerate(indicators or [])}
    size["order"] = size["indicator"].map(lambda i: order.get(i, len(order)))
    size = size.sort_values(["last", "order", "years"], ascending=[False, True, False], kind="stable")
    return size["indicator"].iloc[0], size["source_id"].iloc[0]


#: A count series with at least this many whole years is summed up by the mean of its first and of
#: its last :data:`ENDPOINT_YEARS` years, not by two single years that may be atypical.
LONG_SERIES_YEARS = 10
ENDPOINT_YEARS = 5


def endpoints_text(points: pd.DataFrame) -> str:
    """How a series moved, in words, from its whole-year points (``year``, ``value``, ``unit``).

    Short series, or series in units other than counts: "from 4,216 in 2010 to 12,253 in 2025".
    A count series of :data:`LONG_SERIES_YEARS` years or more: "from 0.6 a year in 2000–2004
    to 2.4 a year in 2020–2024" (means of the first and last :data:`ENDPOINT_YEARS` years, whole
    numbers from 100 up, one decimal below), so a single low or high year does not stand for a
    period.
    """
    g = points.sort_values("year").drop_duplicates("year")
    unit = str(g["unit"].iloc[0])
    a, b = g.iloc[0], g.iloc[-1]
    if unit != "count" or len(g) < LONG_SERIES_YEARS:
        return f"from {with_unit(a['value'], unit)} in {int(a['year'])} to {with_unit(b['value'], unit)} in {int(b['year'])}"
    head, tail = g.iloc[:ENDPOINT_YEARS], g.iloc[-ENDPOINT_YEARS:]

    def mean(v: pd.Series) -> float:  # a mean of hundreds needs no decimal
        m = float(v.mean())
        return round(m) if abs(m) >= 100 else round(m, 1)

    return (f"from {with_unit(mean(head['value']), unit)} a year in {int(head['year'].min())}–{int(head['year'].max())} "
            f"to {with_unit(mean(tail['value']), unit)} a year in {int(tail['year'].min())}–{int(tail['year'].max())}")


def topic_answer(annual: pd.DataFrame, trends: pd.DataFrame, indicators: list[str], labels: pd.Series,
                 first: int, last: int, breaks: pd.DataFrame | None = None) -> str:
    """Two sentences answering a comparison page's question, computed from the data.

    The first reads the series that reaches the latest whole year (:func:`pick_series`): how
    it moved (:func:`endpoints_text`, window and unit named), whether it is a recomputation
    that differs from its publisher's totals, and, when it was fitted, its trend in words
    with its 95 % interval (:func:`rate_in_words`) and whether the last year moved against
    it (:func:`against_trend`). Partial years never form the endpoints, nor does a year before
    the series' last method break (``breaks``, :func:`last_segment`). The second says how
    many of the topic's series have at least five years and how many memo figures sit on the
    charts.
    """
    sub = annual[annual["indicator"].isin(indicators) & annual["year"].between(first, last)]
    sub = whole_years(sub)
    data = sub[sub["kind"] != "memo-claim"]
    if data.empty:
        return "No annual series of this topic has figures in the years shown."
    data = pd.concat([last_segment(g.sort_values(["year", "as_of"]).drop_duplicates("year"), breaks)
                      for _, g in data.groupby(["indicator", "source_id"], sort=True)])
    ind, src = pick_series(data, indicators)
    g = data[(data["indicator"] == ind) & (data["source_id"] == src)].sort_values(["year", "as_of"])
    kind = g["kind"].iloc[0]
    rec = str(g["reconciliation"].iloc[0]) if "reconciliation" in g.columns else ""
    how = ""
    if kind == "recomputed":
        how = ", recomputed from primary data" + (f"; the recomputation {rec}" if rec.startswith("differs") else "")
    text = (f"The series reaching the latest year, {labels.get(ind, ind)} ({g['source_label'].iloc[0]}{how}), "
            f"went {endpoints_text(g)}")
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
    from mxrights.ledger import vocab

    if lower > 0 and upper / lower > vocab.setting("trend_span_limit"):
        return f"too few or too variable points for a trend: {ci}"
    if lower <= 1 <= upper:
        return f"no clear trend: {ci}"
    return ("rising, " if rate_ratio > 1 else "falling, ") + ci




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
    from mxrights.ledger import vocab

    v = float(value)
    return vocab.with_unit(f"{v:,.0f}" if v == int(v) else f"{v:,.1f}", unit)


def summary_table(annual: pd.DataFrame, trends: pd.DataFrame, min_years: int = 3,
                  breaks: pd.DataFrame | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per series (indicator × source) of official or recomputed figures.

    Columns: ``indicator, source_id, source_label, first_year, first_value, last_year,
    last_value, years`` (distinct whole years), ``change`` (last − first, same unit) and, where a
    trend was fitted, ``rate_ratio, rr_lower, rr_upper`` and ``trend`` (the same in words, see
    :func:`rate_in_words`). Where a source gave two figures for
    one year, the first by as-of date is used. Partial years are left out, and a series with
    method breaks (``breaks``) is read from its last break on: no change crosses a break.

    Returns:
        ``(series, short)``: series with at least ``min_years`` years, and the rest (listed
        apart: a change between one or two points is not a series).
    """
    pts = annual[annual["kind"] != "memo-claim"].sort_values(["indicator", "source_id", "year", "as_of"])
    pts = whole_years(pts).drop_duplicates(["indicator", "source_id", "year"], keep="first")
    if breaks is not None and len(pts):
        pts = pd.concat([last_segment(g, breaks) for _, g in pts.groupby(["indicator", "source_id"], sort=True)])
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
