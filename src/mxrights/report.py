"""Helpers the notebooks call to show results: context, charts and HTML tables.

The notebooks hold no logic of their own; they call these functions on the processed
tables. Every chart carries a caption naming its sources.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd

from . import paths, vocab
KIND_STYLE = {"memo-claim": "X", "official": "o", "recomputed": "s"}


def load_table(name: str, processed: str | Path = "") -> pd.DataFrame:
    """Read a processed table (``data/processed/<name>.csv`` unless another folder is given)."""
    folder = Path(processed) if processed else paths.processed_dir()
    return pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""])


def memos() -> pd.DataFrame:
    """The memo register ``data/raw/memos.csv`` (read by :mod:`mxrights.vocab`)."""
    return vocab.memos().copy()


def memo_context(document: str) -> dict:
    """Who wrote a document, when, and for whom (a row of ``memos.csv``)."""
    m = memos()
    rows = m[m["document"] == document]
    if rows.empty:
        raise KeyError(f"{document!r} is not in data/raw/memos.csv; add a row for it")
    return rows.iloc[0].to_dict()


def page_context(page: str) -> dict:
    """What one memo page reports: its title, kind and documents.

    Returns:
        A dict with ``page``, ``collection`` (``seed`` or ``memo_series``), ``title``,
        ``documents`` (file names), ``texts`` (their ``memos.csv`` rows, a DataFrame) and
        ``related`` (pages of seed documents that report the same memo year, for a
        memo-series page). For a seed page the document's own row is merged in (``author``,
        ``published``, ``audience``, ``kind``, ``memo``…).

    Raises:
        KeyError: no document of ``memos.csv`` is on that page (the message lists the pages).
    """
    m = memos()
    texts = m[m["page"] == page].reset_index(drop=True)
    if texts.empty:
        raise KeyError(f"no document of data/raw/memos.csv is on page {page!r}; pages: "
                       + ", ".join(dict.fromkeys(m["page"])))
    ctx = {"page": page, "collection": texts["collection"].iloc[0], "documents": texts["document"].tolist(),
           "texts": texts, "related": []}
    if ctx["collection"] == "seed":
        ctx.update(texts.iloc[0].to_dict())
        ctx["page"] = page
    else:
        year = page.rsplit("_", 1)[-1]
        ctx["memo"] = page
        ctx["title"] = f"The memo series in {year}: {len(texts)} text{'s' if len(texts) > 1 else ''}"
        same_year = m[(m["collection"] == "seed") & (m["memo_year"] == year)]
        ctx["related"] = list(zip(same_year["page"], same_year["title"]))
    return ctx


def texts_html(ctx: dict) -> str:
    """A table of the texts on a memo-series page: date, kind, outlet, title (linked), holding."""
    t = ctx["texts"]
    rows = "".join(
        f"<tr><td>{html.escape(r.published)}</td><td>{html.escape(r.kind)}</td><td>{html.escape(r.outlet)}</td>"
        f"<td>{_link(r.url, r.title)}</td><td>{html.escape(r.holding)}</td></tr>" for r in t.itertuples())
    return ("<table><thead><tr><th>published</th><th>kind</th><th>outlet</th><th>title</th><th>text held</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def verdict_chart(check: pd.DataFrame, title: str):
    """Horizontal bar chart of claims per verdict (seaborn); returns the matplotlib figure."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    v = vocab.verdicts()
    counts = check["verdict"].value_counts().reindex(v["verdict"], fill_value=0).reset_index()
    counts.columns = ["verdict", "claims"]
    counts["label"] = v["label"].values
    palette = dict(zip(v["label"], v["colour"]))
    fig, ax = plt.subplots(figsize=(7.5, 3.4), dpi=90)
    sns.barplot(data=counts, y="label", x="claims", hue="label", palette=palette, legend=False, ax=ax,
                edgecolor="#555555", linewidth=0.5)
    for i, v in enumerate(counts["claims"]):
        ax.text(v + 0.2, i, str(int(v)), va="center", fontsize=9)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("claims")
    ax.set_ylabel("")
    sns.despine(fig)
    fig.tight_layout()
    return fig


#: One marker per kind of point, the same on every chart.
KIND_STYLE = {"recomputed": {"marker": "s", "label": "recomputed from primary data"},
              "official": {"marker": "o", "label": "published figure"},
              "memo-claim": {"marker": "X", "label": "memo claim"}}


def _thousands(x, _pos=None) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def drawable(annual: pd.DataFrame, indicator: str, first: int, last: int) -> bool:
    """Whether an indicator has points in at least two years (one point is a sentence, not a chart)."""
    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)]
    return sub["year"].nunique() >= 2


def series_chart(annual: pd.DataFrame, indicator: str, label: str, first: int, last: int):
    """The series of one indicator: a line per source (labelled by publisher and edition), memo
    claims as labelled crosses, partial years as hollow markers; integer years, thousands
    separators, the legend outside the data; 1,280 px wide. Returns None for fewer than two years.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)].copy()
    if sub["year"].nunique() < 2:
        return None
    sub["note"] = sub["note"].fillna("")
    n_entries = sub.loc[sub["kind"] != "memo-claim", "source_label"].nunique() * 2 + 1
    fig, ax = plt.subplots(figsize=(6.4, 2.9 + 0.14 * n_entries), dpi=200, layout="constrained")
    palette = plt.get_cmap("tab10")
    lines = sub[sub["kind"] != "memo-claim"]
    for i, (src, g) in enumerate(lines.groupby("source_label", sort=True)):
        g = g.sort_values(["year", "as_of"])
        kind = g["kind"].iloc[0]
        colour = palette(i % 10)
        main = g.drop_duplicates("year", keep="first")
        whole = main[~main["note"].str.startswith("partial year")]
        ax.plot(whole["year"], whole["value"], color=colour, marker=KIND_STYLE[kind]["marker"], markersize=4,
                linewidth=1.4, label=f"{src} ({KIND_STYLE[kind]['label']})")
        part = g[g["note"].str.startswith("partial year")]
        if len(part):
            ax.scatter(part["year"], part["value"], marker=KIND_STYLE[kind]["marker"], s=30, facecolors="white",
                       edgecolors=colour, zorder=4, label=f"{src}: partial year")
        extra = g.drop(main.index, errors="ignore")
        extra = extra[~extra["note"].str.startswith("partial year")]
        if len(extra):
            ax.scatter(extra["year"], extra["value"], marker="D", s=18, color=colour, zorder=4,
                       label=f"{src}: a second figure for the same year")
    pts = sub[sub["kind"] == "memo-claim"]
    if len(pts):
        ax.scatter(pts["year"], pts["value"], marker="X", s=60, color="#b2182b", zorder=5, label="memo claim")
        for r in pts.itertuples():
            year = re.search(r"\((\d{4})[^()]*\)$", str(r.source_label))
            ax.annotate(f"memo {year.group(1) if year else r.year}",
                        (r.year, r.value), textcoords="offset points", xytext=(5, 5), fontsize=6, color="#b2182b")
    ax.set_title(label, fontsize=9)
    ax.set_xlabel("year")
    ax.set_ylabel(sub["unit"].iloc[0], fontsize=8)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.tick_params(labelsize=7)
    ax.set_ylim(bottom=0)
    fig.legend(fontsize=6, loc="outside lower left", frameon=False)  # below the axes, never over the data
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def _text(value) -> str:
    """A table cell as text: the empty string for a missing value (pandas reads empty CSV cells as NaN)."""
    return "" if value is None or pd.isna(value) else str(value)


def _link(url: str, text: str) -> str:
    return f'<a href="{html.escape(url)}">{html.escape(text)}</a>'


def verdict_badge(verdict: str) -> str:
    """An HTML badge for a verdict, coloured from the verdict vocabulary."""
    v = vocab.verdicts().set_index("verdict").loc[verdict]
    return (f'<span class="verdict" style="background:{v["colour"]};color:{v["text_colour"]}" '
            f'title="{html.escape(v["description"])}">{html.escape(v["label"])}</span>')


def grade_text(grade: str) -> str:
    """``grade (b): The publisher's own document`` or an empty string."""
    if not grade:
        return ""
    g = vocab.grades().set_index("grade").loc[grade]
    return f"grade ({grade}): {g['label']}"


def claims_html(claims_check: pd.DataFrame, claims: pd.DataFrame, evidence: pd.DataFrame, topic: str,
                relations: pd.DataFrame | None = None, registry: pd.DataFrame | None = None) -> str:
    """HTML list of one topic's claims: quote, verdict, grade, published and reproduced (or bound)
    figure, why the evidence is not independent when it is not, and what the verdict rests on:
    evidence rows (with links and locators), relations (formula and result) and registered
    primary files (publisher, link, hash). Each claim has the anchor ``#<claim_id>``."""
    cl = claims.set_index("claim_id")
    ev = evidence.set_index("evidence_id")
    rel = relations.set_index("relation_id") if relations is not None else pd.DataFrame()
    reg = registry.set_index("name") if registry is not None else pd.DataFrame()
    parts = []
    for r in claims_check[claims_check["topic"] == topic].itertuples():
        c = cl.loc[r.claim_id]
        figure = ""
        if not pd.isna(r.reproduced_value):
            word = "proxy gives" if r.scope == "proxy" else "evidence gives"
            figure = f" · {word} <b>{r.reproduced_value:,.6g}</b> (difference {r.difference:+,.6g})"
        elif not pd.isna(r.bound_value):
            way = "upper bound" if r.scope == "broader" else "lower bound"
            figure = f" · {way} <b>{r.bound_value:,.6g}</b> (a different quantity)"
        items = []
        for eid in (r.evidence.split(";") if isinstance(r.evidence, str) and r.evidence else []):
            if eid in ev.index:
                e = ev.loc[eid]
                via = f", reported by {html.escape(e['reported_by'])}" if _text(e["reported_by"]) else ""
                items.append(f"<li>{_link(e['url'], e['title'])} — {html.escape(e['publisher'])} "
                             f"(<i>{html.escape(e['publisher_es'])}</i>){via}: “{html.escape(str(e['locator']))}” — "
                             f"{e['value']:,.6g} {html.escape(e['unit'])}, as of {html.escape(_text(e['as_of']))}</li>")
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
        grade = grade_text(_text(r.grade))
        why = _text(r.why_not_independent)
        parts.append(
            f'<div class="claim" id="{html.escape(r.claim_id)}"><p class="quote">“{html.escape(c["quote"])}”</p>'
            f'<p>{verdict_badge(r.verdict)} <code>{html.escape(r.claim_id)}</code> · '
            f'published <b>{r.published_value:,.6g}</b> {html.escape(r.unit)} ({html.escape(r.qualifier)}){figure}</p>'
            + (f'<p class="small">Evidence {html.escape(grade)}'
               + (f" — not independent: {html.escape(why)}" if why else "") + "</p>" if grade
               else '<p class="small">Evidence grade: none (no evidence found)</p>')
            + f'<p class="small">{html.escape(" ".join(t for t in (_text(r.method) + (":" if _text(r.method) else ""), _text(r.reason)) if t))}</p>'
            f'<p class="small">Source cited by the memo: {html.escape(_text(c["source_cited"]) or "none given")}</p>'
            + (f"<ul class='small'>{''.join(items)}</ul>" if items else "") + "</div>")
    return "\n".join(parts) if parts else "<p>No claims on this topic.</p>"


def summary_html(summary: pd.DataFrame) -> str:
    """The verdict summary as an HTML table led by the share of independent checks.

    Rows: each document (memo id and title) and all documents; columns: claims, claims
    checked against independent evidence of the same quantity (count and percent), then one
    column per verdict in the vocabulary's order, headed by its label.
    """
    v = vocab.verdicts()
    titles = vocab.memos().set_index("document")["title"]
    head = ["Document", "Claims", "Independent checks", "% independent"] + v["label"].tolist()
    rows = []
    for _, r in summary.iterrows():
        doc = r["document"]
        name = (f"{html.escape(r['memo'])}<br><span class='small'>{html.escape(titles.get(doc, ''))}</span>"
                if doc in titles.index else f"<b>{html.escape(r['memo'])}</b>")
        cells = [name, f"{int(r['claims']):,}", f"{int(r['independent']):,}", f"<b>{float(r['independent_pct']):.1f}%</b>"]
        cells += [f"{int(r[n]):,}" for n in v["verdict"]]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    return ("<table class='summary'><thead><tr>" + "".join(f"<th>{html.escape(h)}</th>" for h in head)
            + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>")


def html_table(df: pd.DataFrame, links: dict[str, str] | None = None, formats: dict | None = None,
               css_class: str = "") -> str:
    """An HTML table with every cell escaped (no raw HTML from data reaches the page).

    Args:
        df: the rows to show, columns in order (headers are the column names).
        links: column → the column holding its link target; the cell becomes a link.
        formats: column → function turning a value into text (e.g. thousands separators).
        css_class: a class for the table element.
    """
    links, formats = links or {}, formats or {}
    shown = [c for c in df.columns if c not in set(links.values())]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in shown)
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in shown:
            v = r[c]
            text_ = "" if v is None or (not isinstance(v, str) and pd.isna(v)) else (formats[c](v) if c in formats else str(v))
            target = _text(r[links[c]]) if c in links else ""
            cells.append(f"<td>{_link(target, text_) if target.startswith(('http', '#')) or target.endswith('.html') else html.escape(text_)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cls = f' class="{html.escape(css_class)}"' if css_class else ""
    return f"<table{cls}><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
