"""Helpers the notebooks call to show results: context, charts and HTML tables.

The notebooks hold no logic of their own; they call these functions on the processed
tables. Every chart carries a caption naming its sources.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from . import paths
from .verdicts import VERDICTS

PALETTE = {"recomputed": "#1b7837", "sourced": "#5aae61", "consistent": "#a6dba0",
           "contradicted": "#c2a5cf", "unverifiable": "#bababa"}
KIND_STYLE = {"memo-claim": "X", "official": "o", "recomputed": "s"}


def load_table(name: str, processed: str | Path = "") -> pd.DataFrame:
    """Read a processed table (``data/processed/<name>.csv`` unless another folder is given)."""
    folder = Path(processed) if processed else paths.processed_dir()
    return pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])


def memos() -> pd.DataFrame:
    """The memo register ``data/raw/memos.csv``."""
    return pd.read_csv(paths.raw_dir() / "memos.csv", dtype=str, keep_default_na=False)


def memo_context(document: str) -> dict:
    """Who wrote a seed document, when, and for whom (a row of ``memos.csv``)."""
    m = memos()
    rows = m[m["document"] == document]
    if rows.empty:
        raise KeyError(f"{document!r} is not in data/raw/memos.csv; add a row for it")
    return rows.iloc[0].to_dict()


def verdict_chart(check: pd.DataFrame, title: str):
    """Horizontal bar chart of claims per verdict (seaborn); returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    counts = check["verdict"].value_counts().reindex(VERDICTS, fill_value=0).reset_index()
    counts.columns = ["verdict", "claims"]
    fig, ax = plt.subplots(figsize=(6.5, 2.6), dpi=90)
    sns.barplot(data=counts, y="verdict", x="claims", hue="verdict", palette=PALETTE, legend=False, ax=ax)
    for i, v in enumerate(counts["claims"]):
        ax.text(v + 0.2, i, str(int(v)), va="center", fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("claims")
    ax.set_ylabel("")
    sns.despine(fig)
    fig.tight_layout()
    return fig


def series_chart(annual: pd.DataFrame, indicator: str, label: str, first: int, last: int):
    """The series of one indicator, every source a line, memo claims as labelled markers."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)].copy()
    fig, ax = plt.subplots(figsize=(7.5, 3.6), dpi=90)
    lines = sub[sub["kind"] != "memo-claim"]
    if len(lines):
        sns.lineplot(data=lines, x="year", y="value", hue="source_id", style="kind", markers=True,
                     dashes=False, ax=ax, estimator=None, errorbar=None)
    pts = sub[sub["kind"] == "memo-claim"]
    for r in pts.itertuples():
        ax.scatter([r.year], [r.value], marker="X", s=90, color="#b2182b", zorder=5)
        ax.annotate(f"{r.source_id}\n{r.value:,.0f}", (r.year, r.value), textcoords="offset points",
                    xytext=(6, 6), fontsize=7, color="#b2182b")
    ax.set_title(label, fontsize=10)
    ax.set_xlabel("year (of event, or of the figure's date)")
    ax.set_ylabel(sub["unit"].iloc[0] if len(sub) else "")
    if ax.get_legend() is not None:
        ax.legend(fontsize=7, loc="upper left")
    sns.despine(fig)
    fig.tight_layout()
    return fig


def _text(value) -> str:
    """A table cell as text: the empty string for a missing value (pandas reads empty CSV cells as NaN)."""
    return "" if value is None or pd.isna(value) else str(value)


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


def claims_html(claims_check: pd.DataFrame, claims: pd.DataFrame, evidence: pd.DataFrame, topic: str,
                relations: pd.DataFrame | None = None, registry: pd.DataFrame | None = None) -> str:
    """HTML list of one topic's claims: quote, verdict, recomputed/published figure, and what the
    verdict rests on: evidence rows (with links), relations (with their formula and result) and
    registered primary files (publisher, link, hash), when those tables are given."""
    cl = claims.set_index("claim_id")
    ev = evidence.set_index("evidence_id")
    rel = relations.set_index("relation_id") if relations is not None else pd.DataFrame()
    reg = registry.set_index("name") if registry is not None else pd.DataFrame()
    parts = []
    for r in claims_check[claims_check["topic"] == topic].itertuples():
        c = cl.loc[r.claim_id]
        rep = "" if pd.isna(r.reproduced_value) else f" · reproduced <b>{r.reproduced_value:,.6g}</b>"
        diff = "" if pd.isna(r.difference) else f" (difference {r.difference:+,.6g})"
        items = []
        for eid in (r.evidence.split(";") if isinstance(r.evidence, str) and r.evidence else []):
            if eid in ev.index:
                e = ev.loc[eid]
                items.append(f"<li>{_link(e['url'], e['title'])} — {html.escape(e['publisher'])} "
                             f"(<i>{html.escape(e['publisher_es'])}</i>), {html.escape(str(e['locator']))}: "
                             f"{e['value']:,.6g} {html.escape(e['unit'])}, as of {html.escape(str(e['as_of']))} "
                             f"[{html.escape(e['kind'])}]</li>")
            elif eid in rel.index:
                x = rel.loc[eid]
                items.append(f"<li>relation <code>{html.escape(eid)}</code> ({html.escape(x['kind'])}): "
                             f"{html.escape(x['formula'])} — <b>{html.escape(x['status'])}</b>; "
                             f"{html.escape(_text(x['description']))}</li>")
            elif eid in reg.index:
                f = reg.loc[eid]
                items.append(f"<li>primary file <code>{html.escape(eid)}</code>: {_link(f['url'], f['title'])} — "
                             f"{html.escape(f['publisher'])} (<i>{html.escape(f['publisher_es'])}</i>), "
                             f"sha256 {html.escape(f['sha256'][:12])}…, retrieved {html.escape(str(f['retrieved']))}</li>")
            else:
                items.append(f"<li>{html.escape(eid)}</li>")
        parts.append(
            f'<div class="claim"><p class="quote">“{html.escape(c["quote"])}”</p>'
            f'<p><span class="verdict v-{r.verdict}">{r.verdict}</span> <code>{r.claim_id}</code> · '
            f'published <b>{r.published_value:,.6g}</b> {html.escape(r.unit)} ({html.escape(r.qualifier)}){rep}{diff}</p>'
            f'<p class="small">{html.escape(" ".join(t for t in (_text(r.method), _text(r.reason)) if t))}</p>'
            f'<p class="small">Source cited by the memo: {html.escape(_text(c["source_cited"]) or "none given")}</p>'
            + (f"<ul class='small'>{''.join(items)}</ul>" if items else "") + "</div>")
    return "\n".join(parts) if parts else "<p>No claims on this topic.</p>"
