"""Reconciliation: each recomputed series beside what its publisher printed.

A series recomputed from a research extract or a register query can silently come from a draft,
a partial layer or another count basis. ``data/raw/published_totals.csv`` holds, for every
recomputed series (``indicator`` × ``source_id`` of ``series_recomputed.csv``), the totals its
publisher printed (value, years, as-of, URL and the sentence that holds the figure), or a row
saying none was found and what would settle it; ``vocabulary/reconciliation_relations.csv``
says how each kind of total relates to the series. :func:`reconcile` writes
``data/processed/reconciliation.csv``; :func:`series_status` is the one-line verdict per series
that charts and answers print.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights.sources import geo
from mxrights.sources.schemas import TableError

#: Columns of ``reconciliation.csv``.
COLUMNS = ["indicator", "source_id", "published_id", "relation", "publisher", "years", "as_of", "published",
           "recomputed", "difference", "share", "tolerance", "within_tolerance", "status", "reason", "url"]


@lru_cache(maxsize=4)
def relations(path: Path | None = None) -> pd.DataFrame:
    """``vocabulary/reconciliation_relations.csv`` indexed by ``relation``."""
    from mxrights.sources import registry
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("reconciliation_relations")
    df = _read(path, "reconciliation_relations")
    return df.set_index("relation", drop=False)


def _decimals(text: str) -> int:
    return len(text.split(".", 1)[1]) if "." in text else 0


def load_published(path: Path | None = None, series_table: pd.DataFrame | None = None) -> pd.DataFrame:
    """``published_totals.csv``, checked: every row names a recomputed series, a known relation,
    years in order, and (unless ``relation = none found``) a number, a URL and a locator.

    Raises:
        mxrights.sources.schemas.TableError: naming the file, row, column and value.
    """
    from mxrights.sources import registry
    from mxrights.series import annual as series
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("published_totals")
    df = _read(path, "published_totals")
    table = series_table if series_table is not None else series.load_series_table()
    known = set(zip(table["indicator"], table["source_id"]))
    rel = relations()
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if (r["indicator"], r["source_id"]) not in known:
            raise TableError(f"{where}, column source_id (published_id={r['published_id']}): {r['source_id']!r} with "
                             f"indicator {r['indicator']!r} is not a series of series_recomputed.csv")
        if r["relation"] not in rel.index:
            raise TableError(f"{where}, column relation: {r['relation']!r} is not one of {', '.join(rel.index)}")
        if r["relation"] == "none found":
            if not r["expected_difference"]:
                raise TableError(f"{where}, column expected_difference: empty; say what would settle the series")
            continue
        for col in ("value", "tolerance_share"):
            try:
                float(r[col])
            except ValueError:
                raise TableError(f"{where}, column {col} (published_id={r['published_id']}): {r[col]!r} is not a "
                                 "number") from None
        try:
            y0, y1 = int(r["year_start"]), int(r["year_end"])
        except ValueError:
            raise TableError(f"{where}, columns year_start/year_end: {r['year_start']!r}, {r['year_end']!r} are "
                             "not years") from None
        if y0 > y1:
            raise TableError(f"{where}, column year_end: {y1} is before year_start {y0}")
        for col in ("url", "locator"):
            if not r[col]:
                raise TableError(f"{where}, column {col} (published_id={r['published_id']}): empty; a published "
                                 "total needs its page and the words that hold the figure")
    return df


def peer_rows(peer: pd.DataFrame, registry_row: pd.Series, indicator: str, source_id: str) -> pd.DataFrame:
    """A peer's per-year reading of the same source as rows shaped like ``published_totals.csv``."""
    return pd.DataFrame({
        "published_id": [f"peer-{registry_row['name']}-{y}" for y in peer["year"]],
        "indicator": indicator, "source_id": source_id, "geography": geo.name_en(geo.NATIONAL),
        "year_start": peer["year"].astype(str), "year_end": peer["year"].astype(str),
        "as_of": registry_row["published"], "value": peer["count"].astype(str),
        "publisher": registry_row["publisher"], "publisher_es": registry_row["publisher_es"],
        "url": registry_row["url"], "locator": "row " + (peer.index + 2).astype(str),
        "retrieved": registry_row["retrieved"], "relation": "peer", "tolerance_share": "0.01",
        "expected_difference": registry_row["notes"]})


def reconcile(annual: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Each published total beside the recomputation over the same years (``reconciliation.csv``).

    ``recomputed`` is the sum of the series' national points over ``year_start``–``year_end``
    (a single year for a score); ``difference`` = recomputed − published, ``share`` = difference
    ÷ published; ``tolerance`` = the larger of half the printed figure's last digit and
    ``tolerance_share`` × published. ``status``: ``matches``, ``differs``, ``not comparable``
    (the series does not cover those years) or ``no published total``; ``reason`` is the row's
    ``expected_difference`` when the figures differ or none was found.
    """
    pts = annual[(annual["kind"] == "recomputed") & (annual["state_code"] == geo.NATIONAL)]
    out = []
    for _, p in published.iterrows():
        base = {"indicator": p["indicator"], "source_id": p["source_id"], "published_id": p["published_id"],
                "relation": p["relation"], "publisher": p["publisher"], "as_of": p["as_of"], "url": p["url"]}
        if p["relation"] == "none found":
            out.append(base | {"years": "", "status": "no published total", "reason": p["expected_difference"]})
            continue
        y0, y1 = int(p["year_start"]), int(p["year_end"])
        g = pts[(pts["indicator"] == p["indicator"]) & (pts["source_id"] == p["source_id"])]
        g = g.sort_values(["year", "as_of"]).drop_duplicates("year")
        have = set(g["year"].astype(int))
        years = f"{y0}" if y0 == y1 else f"{y0}–{y1}"
        value = float(p["value"])
        if not set(range(y0, y1 + 1)) <= have or (y0 != y1 and g["unit"].iloc[0] != "count"):
            span = f"{min(have)}–{max(have)}" if have else "no years"
            out.append(base | {"years": years, "published": value, "status": "not comparable",
                               "reason": f"the recomputed series covers {span}"})
            continue
        rec = float(g.loc[g["year"].between(y0, y1), "value"].sum())
        tol = max(0.5 * 10 ** -_decimals(p["value"]), float(p["tolerance_share"]) * abs(value))
        diff = rec - value
        within = abs(diff) <= tol + 1e-9
        out.append(base | {"years": years, "published": value, "recomputed": round(rec, 4), "difference": round(diff, 4),
                           "share": round(diff / value, 6) if value else None, "tolerance": round(tol, 4),
                           "within_tolerance": within, "status": "matches" if within else "differs",
                           "reason": "" if within else p["expected_difference"]})
    df = pd.DataFrame(out, columns=COLUMNS)
    return df.sort_values(["indicator", "source_id", "years", "published_id"]).reset_index(drop=True)


def series_status(rec: pd.DataFrame) -> pd.DataFrame:
    """One verdict per recomputed series: ``indicator, source_id, reconciliation``.

    ``reconciliation`` is the ``marks_series`` text of the first relation (in the order of
    ``reconciliation_relations.csv``) whose totals the series does not match, else
    ``matches its publisher's totals`` when some total was compared, else ``no published total
    found``. Charts and answers print it beside the series.
    """
    order = list(relations().index)
    rows = []
    for (ind, src), g in rec.groupby(["indicator", "source_id"], sort=True):
        differs = g[g["status"] == "differs"]
        if len(differs):
            first = sorted(differs["relation"], key=order.index)[0]
            text = relations().loc[first, "marks_series"]
        elif (g["status"] == "matches").any():
            text = "matches its publisher's totals" if (g.loc[g["status"] == "matches", "relation"] == "publisher").any() \
                else "matches another reading of the source"
        else:
            text = "no published total found"
        rows.append({"indicator": ind, "source_id": src, "reconciliation": text})
    return pd.DataFrame(rows, columns=["indicator", "source_id", "reconciliation"])


def clear_cache() -> None:
    """Forget the tables read (after an edit)."""
    relations.cache_clear()


def readable(rec: pd.DataFrame, labels: pd.Series, source_labels: dict | None = None) -> pd.DataFrame:
    """Reconciliation rows as a page prints them: the series (indicator label and source), what
    it is compared with (the relation's label and the publisher, linked by ``href``), the years,
    both figures, the difference (to the hundredth, and in percent of the published figure: one
    decimal; three below 0.1%; "<0.001%" below that, so a difference is never rounded to zero),
    the status and the likely reason."""
    from mxrights.publish import report

    rel = relations()["label"]
    src = source_labels or {}
    def pct(s: float) -> str:  # one decimal; under 0.1%, three; under 0.001%, "<0.001%": never "+0.0%"
        if pd.isna(s):
            return ""
        p = 100 * float(s)
        if 0 < abs(p) < 0.001:
            text = f"{'+' if p > 0 else '-'}<0.001%"
        else:
            text = f"{p:+.3f}%" if 0 < abs(p) < 0.1 else f"{p:+.1f}%"
        return text.replace("-", "−")

    def diff(d: float) -> str:  # to the hundredth, as the index scores are printed
        if pd.isna(d):
            return ""
        d = round(float(d), 2)
        return ("+" if d > 0 else "−" if d < 0 else "") + report.number(abs(d))
    return pd.DataFrame({
        "series": [f"{labels.get(i, i)} ({src.get(s, s)})" for i, s in zip(rec["indicator"], rec["source_id"])],
        "compared with": [f"{rel.get(r, r)}: {p}" for r, p in zip(rec["relation"], rec["publisher"])],
        "href": rec["url"].fillna(""),
        "years": rec["years"].fillna(""),
        "published": [report.number(v) for v in rec["published"]],
        "recomputed": [report.number(v) for v in rec["recomputed"]],
        "difference": [diff(d) for d in rec["difference"]],
        "difference (%)": [pct(s) for s in rec["share"]],
        "status": rec["status"],
        "likely reason": rec["reason"].fillna(""),
    })
