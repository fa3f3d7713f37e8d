"""What a state's page shows: its series, its rank among the 32 states, and the memo claims about it.

Every function reads ``indicators_annual.csv`` (rows with a ``state_code``) and the ledger; the
state page notebook (``notebooks/state_profile.ipynb``) calls them and prints nothing of its own.
"""

from __future__ import annotations

import pandas as pd

from mxrights.sources import geo


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def ranks(annual: pd.DataFrame, state: str) -> pd.DataFrame:
    """The state's place among the 32 states in each recomputed series with state rows.

    For every ``indicator × source_id`` with state rows, the latest whole year in which the
    states have figures: ``value`` (the state's), ``rank`` (1 = the highest of the 32; states
    with equal values share the best rank), ``states`` (how many were ranked), ``national``
    (the national figure of that year) and ``share`` (the state's share of the national count,
    percent; empty for rates and other units).

    Returns:
        One row per series, ordered by indicator order of ``indicators.csv`` then source.
    """
    from mxrights.series import annual as series
    from mxrights.ledger import vocab

    pts = series.whole_years(annual[annual["kind"] == "recomputed"])
    codes = set(geo.state_codes())
    st = pts[pts["state_code"].isin(codes)]
    order = {i: k for k, i in enumerate(vocab.indicators()["indicator"])}
    rows = []
    for (ind, src), g in st.groupby(["indicator", "source_id"], sort=False):
        year = int(g["year"].max())
        y = g[g["year"] == year].drop_duplicates("state_code")
        mine = y[y["state_code"] == state]
        if mine.empty:
            continue
        value = float(mine["value"].iloc[0])
        rank = int((y["value"] > value).sum()) + 1
        nat = pts[(pts["indicator"] == ind) & (pts["source_id"] == src) & (pts["state_code"] == geo.NATIONAL)
                  & (pts["year"] == year)]
        national = float(nat["value"].iloc[0]) if len(nat) else None
        unit = str(mine["unit"].iloc[0])
        share = round(100 * value / national, 1) if unit == "count" and national else None
        rows.append({"indicator": ind, "source_id": src, "source_label": mine["source_label"].iloc[0], "year": year,
                     "value": value, "unit": unit, "rank": rank, "states": len(y), "national": national,
                     "share": share, "_o": order.get(ind, 999)})
    df = pd.DataFrame(rows, columns=["indicator", "source_id", "source_label", "year", "value", "unit", "rank", "states",
                                     "national", "share", "_o"])
    return df.sort_values(["_o", "source_id"], kind="stable").drop(columns="_o").reset_index(drop=True)


#: How many of a state's series its answer names (the highest ranks); the table lists them all.
ANSWER_SERIES = 3


def _in_sentence(label: str) -> str:
    """A label inside a sentence: its first letter lowered unless it starts an acronym."""
    return label[:1].lower() + label[1:] if label[1:2].islower() else label


def answer(name: str, ranked: pd.DataFrame, labels: pd.Series) -> str:
    """One plain sentence: the series in which the state ranks highest (at most
    :data:`ANSWER_SERIES`; latest whole year, unit named), e.g. "Among the states, Jalisco ranks
    1st of 32 in persons disappeared in the year, still missing (RNPDNO …, 2018: 1,418, 20.4% of
    the national count); …; the table below ranks it in all 14 series."."""
    from mxrights.series import annual as series

    if ranked.empty:
        return f"No series of the primary files has figures for {name}."
    parts = []
    top = ranked.sort_values(["rank", "indicator"], kind="stable").head(ANSWER_SERIES)
    for r in top.itertuples():
        share = f", {r.share:.1f}% of the national count" if r.share is not None and pd.notna(r.share) else ""
        parts.append(f"{_ordinal(int(r.rank))} of {int(r.states)} in {_in_sentence(str(labels.get(r.indicator, r.indicator)))} "
                     f"({r.source_label}, {r.year}: {series.with_unit(r.value, r.unit)}{share})")
    return (f"Among the states, {name} ranks highest in these series: " + "; ".join(parts)
            + f". The table below ranks it in all {len(ranked)} series, each in its latest whole year.")


def rank_table(ranked: pd.DataFrame, labels: pd.Series) -> pd.DataFrame:
    """:func:`ranks` as readers read it: indicator, source, year, the state's figure with its unit,
    rank (“3 of 32”), the national figure and the share."""
    from mxrights.publish import report
    from mxrights.ledger import vocab

    header = vocab.units()["header"]
    return pd.DataFrame({
        "indicator": ranked["indicator"].map(lambda i: labels.get(i, i)),
        "source": ranked["source_label"], "year": ranked["year"].astype(int),
        "figure": [f"{report.number(v)} {header.get(u, '')}".strip() for v, u in zip(ranked["value"], ranked["unit"])],
        "rank among the states (1 = highest)": [f"{int(r)} of {int(n)}" for r, n in zip(ranked["rank"], ranked["states"])],
        "national": [report.number(v) for v in ranked["national"]],
        "share of national (%)": [report.number(v) for v in ranked["share"]],
    })


def claims_about(check: pd.DataFrame, claims: pd.DataFrame, state: str) -> pd.DataFrame:
    """The claims whose geography lies in the state (``vocabulary/geographies.csv``), with their
    memo page for a link: ``claim_id, memo, page, geography, quote, published_value, verdict``.

    Claims about the whole country are not listed (every national figure concerns every state).
    """
    from mxrights.ledger import vocab

    c = claims[["claim_id", "geography", "quote"]].merge(
        check[["claim_id", "document", "memo", "published_value", "verdict"]], on="claim_id")
    c = c[geo.state_of(c["geography"]) == state]
    pages = vocab.memos().set_index("document")["page"]
    c = c.assign(page=c["document"].map(pages))
    return c[["claim_id", "memo", "page", "geography", "quote", "published_value", "verdict"]].sort_values(
        ["memo", "claim_id"]).reset_index(drop=True)


def small_multiples(annual: pd.DataFrame, state: str, labels: pd.Series, first: int, last: int):
    """One figure with a small chart per recomputed series of the state (two columns, 960 px wide:
    on a phone it scrolls inside its frame), each source one line, partial years hollow; returns
    None when the state has no series.

    Units are named on each panel; panels share nothing, so no scale misleads across them.
    """
    import math
    import textwrap

    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    from mxrights.publish import report
    from mxrights.ledger import vocab

    sub = annual[(annual["state_code"] == state) & (annual["kind"] == "recomputed")
                 & annual["year"].between(first, last)]
    inds = [i for i in vocab.indicators()["indicator"] if (sub["indicator"] == i).any()]
    if not inds:
        return None
    rows = math.ceil(len(inds) / 2)
    fig, axes = plt.subplots(rows, 2, figsize=(9.6, 2.9 * rows + 0.4), dpi=100, layout="constrained", squeeze=False)
    header = vocab.units()["header"]
    for ax, ind in zip(axes.flat, inds):
        g = sub[sub["indicator"] == ind]
        for k, (src, s) in enumerate(g.groupby("source_label", sort=True)):
            s = s.sort_values("year").drop_duplicates("year")
            colour = report.SERIES_COLOURS[k % len(report.SERIES_COLOURS)]
            whole = s[~s["partial_year"].astype(bool)]
            ax.plot(whole["year"], whole["value"], color=colour, marker="s", markersize=2.5, linewidth=1.1,
                    label=textwrap.fill(src, 60))
            part = s[s["partial_year"].astype(bool)]
            ax.scatter(part["year"], part["value"], marker="s", s=12, facecolors="white", edgecolors=colour, zorder=3)
        unit = g["unit"].iloc[0]
        ax.set_title(textwrap.fill(str(labels.get(ind, ind)), 60), fontsize=report.CHART_TEXT, loc="left")
        ax.set_ylabel(header.get(unit, "").strip("()") or unit, fontsize=report.CHART_TEXT)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.yaxis.set_major_formatter(FuncFormatter(report._thousands))
        ax.tick_params(labelsize=report.CHART_TEXT)
        ax.set_ylim(bottom=0)
        if g["source_label"].nunique() > 1:  # below the panel, never over its data
            ax.legend(fontsize=report.CHART_TEXT, frameon=False, loc="upper left", bbox_to_anchor=(0, -0.18))
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    for ax in list(axes.flat)[len(inds):]:
        ax.set_visible(False)
    return fig


def alt_text(annual: pd.DataFrame, state: str, labels: pd.Series, first: int, last: int, name: str) -> str:
    """Alt text of :func:`small_multiples`: per panel, each source's first and last year and value."""
    from mxrights.publish import report

    sub = annual[(annual["state_code"] == state) & (annual["kind"] == "recomputed")
                 & annual["year"].between(first, last)]
    parts = []
    for (ind, src), g in sub.groupby(["indicator", "source_label"], sort=True):
        g = g.sort_values("year").drop_duplicates("year")
        parts.append(f"{labels.get(ind, ind)} ({src}): {report.number(g['value'].iloc[0])} in {int(g['year'].iloc[0])} "
                     f"to {report.number(g['value'].iloc[-1])} in {int(g['year'].iloc[-1])}")
    return f"Small charts of {name}'s series by year: " + "; ".join(parts) + "."
