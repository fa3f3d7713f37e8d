"""Helpers the notebooks call to show results: context, charts and HTML tables.

The notebooks hold no logic of their own; they call these functions on the processed
tables. Every chart carries a caption naming its sources.
"""

from __future__ import annotations

import io
import math
import textwrap
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights.ledger import claims as claims_mod
from mxrights import paths
from mxrights.publish import templating
from mxrights.ledger import vocab


#: Columns of processed tables that hold codes, read as text (INEGI's ``09`` is not the number 9).
CODE_COLUMNS = {"state_code": str}


def load_table(name: str, processed: str | Path = "") -> pd.DataFrame:
    """Read a processed table (``data/processed/<name>.csv`` unless another folder is given);
    code columns (:data:`CODE_COLUMNS`) stay text, an empty one the empty string."""
    folder = Path(processed) if processed else paths.processed_dir()
    df = pd.read_csv(folder / f"{name}.csv", keep_default_na=False, na_values=[""], dtype=CODE_COLUMNS)
    for c in CODE_COLUMNS:
        if c in df.columns:
            df[c] = df[c].fillna("")
    return df


def memos() -> pd.DataFrame:
    """The memo register ``data/raw/memos.csv`` (read by :mod:`mxrights.ledger.vocab`)."""
    return vocab.memos().copy()


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
        from mxrights.publish import pages

        site = pages.site_pages("").set_index("page").loc[page]
        ctx["memo"] = page
        ctx["title"] = site["title"]
        same_year = m[(m["collection"] == "seed") & (m["memo_year"] == site["memo_year"])]
        ctx["related"] = list(zip(same_year["page"], same_year["title"]))
    return ctx


def page_share(check: pd.DataFrame, documents: list[str]) -> dict:
    """What a page's claims say, by fact and by claim (:func:`mxrights.judge.verdicts.accuracy_counts`).

    Args:
        check: ``claims_check.csv`` (or any rows of it).
        documents: the page's documents (``page_context(page)["documents"]``).

    Returns:
        The counts as a dict, with ``pct`` (percent of claims checked against independent
        evidence, unrounded; NaN for a page without claims) kept for the older callers.
    """
    from mxrights.judge.verdicts import accuracy_counts

    mine = check[check["document"].isin(documents)]
    out = accuracy_counts(mine).to_dict() if len(mine) else {"facts": 0, "claims": 0, "independent": 0}
    out["pct"] = 100 * out["independent"] / out["claims"] if out["claims"] else float("nan")
    return out


def _plural(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def accuracy_sentence(counts: dict, where: str) -> str:
    """The headline, counted by distinct fact: "Of 52 distinct facts in this memo, 31 could be
    checked against independent evidence: 27 hold, 2 are wrong, 2 are disputed."

    Args:
        counts: :func:`mxrights.judge.verdicts.accuracy_counts` (or a row of ``verdict_summary.csv``).
        where: what the facts are in ("in this memo", "in the five seed documents").
    """
    facts, checked = int(counts["facts"]), int(counts["facts_independent"])
    if not facts:
        return f"No statistic {where} is in the ledger."
    head = (f"Of {_plural(facts, 'distinct fact', 'distinct facts')} {where}, "
            f"{'none' if not checked else f'{checked:,}'} could be checked against independent evidence")
    if not checked and not int(counts.get("facts_definition", 0)):
        return head + "."
    parts = [f"{int(counts['facts_holds']):,} {'holds' if int(counts['facts_holds']) == 1 else 'hold'}",
             f"{int(counts['facts_wrong']):,} {'is' if int(counts['facts_wrong']) == 1 else 'are'} wrong",
             f"{int(counts['facts_disputed']):,} {'is' if int(counts['facts_disputed']) == 1 else 'are'} disputed"]
    text = f"{head}: {', '.join(parts)}"
    d = int(counts.get("facts_definition", 0))
    if d:
        text += (f"; for {d:,} more, sources that count {'it' if d == 1 else 'them'} under another definition "
                 f"disagree with the figure, which depends on what is counted")
    return text + "."


def flagged(check: pd.DataFrame, documents: list[str] | None = None) -> pd.DataFrame:
    """The claims whose verdict says they are wrong or disputed (``accuracy`` in verdicts.csv),
    one row per claim with its page (for the link to its card), verdict label and quote."""
    acc = check["verdict"].map(vocab.accuracy_of())
    rows = check[acc.isin(["wrong", "disputed"])]
    if documents is not None:
        rows = rows[rows["document"].isin(documents)]
    m = memos().set_index("document")
    labels = vocab.verdicts().set_index("verdict")["label"]
    cl = claims_mod.load_claims().set_index("claim_id")
    order = {v: i for i, v in enumerate(vocab.verdict_names())}
    out = pd.DataFrame({"claim_id": rows["claim_id"], "page": rows["document"].map(m["page"]),
                        "verdict": rows["verdict"], "label": rows["verdict"].map(labels),
                        "quote": rows["claim_id"].map(cl["quote"])})
    return out.sort_values(["verdict", "claim_id"], key=lambda c: c.map(order) if c.name == "verdict" else c,
                           kind="stable").reset_index(drop=True)


def page_lead(check: pd.DataFrame, documents: list[str], where: str | None = None) -> str:
    """What a memo page leads with (Markdown): the accuracy sentence (:func:`accuracy_sentence`,
    by fact; ``where`` defaults to "in this document" or "in these N texts"), the claim-level
    count beside it, and each wrong or disputed claim linked to its card."""
    s = page_share(check, documents)
    with_claims = check.loc[check["document"].isin(documents), "document"].nunique()
    where = where or ("in this document" if with_claims == 1 else f"in these {with_claims} texts")
    if not s["claims"]:
        return "**No claim of this page's documents is in the ledger.**"
    lines = [f"**{accuracy_sentence(s, where)}**",
             "",
             f"By claim, repeats included: {s['independent']:,} of {s['claims']:,} claims were checked against "
             "evidence independent of their authors that measures the same quantity. Bounds that could have failed, "
             "the documents' own arithmetic, proxies and sources by their authors are shown with each claim but never "
             "counted; how verdicts are decided: [method](method.html)."]
    flag = flagged(check, documents)
    if len(flag):
        lines += ["", "Wrong or disputed:", ""]
        lines += [f"- **{r.label}**: [{_clip(r.quote)}](#{r.claim_id})" for r in flag.itertuples()]
    return "\n".join(lines)


def _clip(s: str, n: int = 110) -> str:
    s = str(s).replace("[", "(").replace("]", ")")
    return s if len(s) <= n else s[: n - 1].rstrip() + "…"


def texts_html(ctx: dict) -> str:
    """A table of the texts on a memo-series page: date, kind, outlet, title (linked), holding."""
    rows = [{k: cell_text(getattr(r, k)) for k in ("published", "kind", "outlet", "title", "url", "holding")}
            for r in ctx["texts"].itertuples()]
    return templating.render("texts_table.html.j2", rows=rows)


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
#: Series colours: the Okabe–Ito palette, safe for the common colour-vision deficiencies, without its
#: vermillion, which only memo claims wear (a memo point never shares a series' colour).
SERIES_COLOURS = ("#0072B2", "#E69F00", "#009E73", "#56B4E9", "#CC79A7", "#000000", "#F0E442")
MEMO_COLOUR = "#D55E00"
#: Chart text in points: at the 100 px per inch the site shows charts at, 8 pt is 11 px.
CHART_TEXT = 8
#: A legend entry wraps at this many characters, so a long source name never runs off the chart.
LEGEND_WIDTH = 100

KIND_STYLE = {"recomputed": {"marker": "s", "label": "recomputed from primary data"},
              "official": {"marker": "o", "label": "published figure"},
              "memo-claim": {"marker": "X", "label": "memo claim"}}


def show_figure(fig, alt: str, caption: str) -> None:
    """Display a matplotlib figure in a notebook as SVG (vector: text stays sharp and as large as
    drawn at any zoom), inside an ``<img>`` with its alt text (what a screen reader says) and a
    caption; close it.

    The display width in CSS pixels is the figure's width in inches × 100, so text drawn at
    :data:`CHART_TEXT` points renders at 11 px or more on a desktop screen.
    """
    import base64

    import matplotlib.pyplot as plt
    from IPython.display import HTML, Markdown, display

    buf = io.BytesIO()
    with plt.rc_context({"svg.hashsalt": "mxrights", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    width = round(fig.get_figwidth() * 100)
    plt.close(fig)
    import html as html_mod

    data = base64.b64encode(buf.getvalue()).decode()
    # the chart keeps its drawn width on a phone and scrolls inside its frame, so its text never shrinks below 11 px
    display(HTML(f'<div class="chart-wrap" tabindex="0"><img class="chart" width="{width}" alt="{html_mod.escape(alt)}" '
                 f'src="data:image/svg+xml;base64,{data}"></div>'))
    display(Markdown(f"*Figure: {caption}*"))


def values_table(annual: pd.DataFrame, indicator: str, first: int, last: int) -> pd.DataFrame:
    """The yearly values a chart draws, one row per year and one column per source (memo claims
    in their own column), as readers read them: thousands separators, the unit in the header,
    "(partial year)" and a second figure for the same year written out, empty where a source has
    no figure."""
    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)].copy()
    if sub.empty:
        return pd.DataFrame()
    unit = sub["unit"].iloc[0]
    sub["column"] = sub["source_label"].where(sub["kind"] != "memo-claim", "memo claims")
    sub["text"] = [(_figure(v, unit) if unit != "count" else number(v)) + (" (partial year)" if bool(p) else "")
                   for v, p in zip(sub["value"], sub["partial_year"])]
    sub = sub.sort_values(["year", "as_of"], kind="stable")
    # two different figures one source gave for a year are both shown ("50 / 49"); a repeat once
    wide = sub.groupby(["year", "column"], sort=True)["text"].agg(lambda t: " / ".join(dict.fromkeys(t))) \
        .unstack("column").fillna("")
    wide.columns.name = None
    order = [c for c in sorted(wide.columns) if c != "memo claims"] + (["memo claims"] if "memo claims" in wide.columns else [])
    wide = wide[order].reset_index()
    header = vocab.units()["header"].get(unit, f"({unit})")
    return wide.rename(columns={c: f"{c} {header}".rstrip() for c in order})


def show_values(table: pd.DataFrame, name: str) -> None:
    """Display a values table folded under its chart, with the same values as a CSV to download
    (a ``data:`` link: it works offline)."""
    import base64

    from IPython.display import HTML, display

    if table.empty:
        return
    csv = base64.b64encode(table.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode()
    display(HTML(templating.render("values.html.j2", table=templating.markup(html_table(table)), name=name, csv=csv)))


def verdict_alt(check: pd.DataFrame) -> str:
    """Alt text of :func:`verdict_chart`: every verdict's label and count, in vocabulary order."""
    v = vocab.verdicts()
    counts = check["verdict"].value_counts().reindex(v["verdict"], fill_value=0)
    return "Bar chart of claims by verdict: " + "; ".join(f"{lab} {int(n):,}" for lab, n in zip(v["label"], counts))


def series_alt(annual: pd.DataFrame, indicator: str, label: str, first: int, last: int) -> str:
    """Alt text of :func:`series_chart`, computed from the points it draws: for each source its
    first and last year and value, and every memo claim with its value and year."""
    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)]
    unit = cell_text(sub["unit"].iloc[0]) if len(sub) else ""
    parts = []
    for src, g in sub[sub["kind"] != "memo-claim"].groupby("source_label", sort=True):
        g = g.sort_values(["year", "as_of"]).drop_duplicates("year")
        a, b = g.iloc[0], g.iloc[-1]
        parts.append(f"{src}: {number(a['value'])} in {int(a['year'])}" +
                     (f" to {number(b['value'])} in {int(b['year'])} ({len(g)} years)" if len(g) > 1 else ""))
    memo = sub[sub["kind"] == "memo-claim"].sort_values("year")
    if len(memo):
        parts.append("memo claims: " + ", ".join(f"{number(r.value)} ({int(r.year)})" for r in memo.itertuples()))
    return f"Chart of {label} ({unit}), by year: " + "; ".join(parts) + "."


def single_point_text(annual: pd.DataFrame, indicator: str, first: int, last: int) -> str:
    """What a comparison page prints instead of a chart when an indicator has figures in one
    year only (:func:`drawable` is false): one paragraph per figure, with its unit, source and
    as-of date (Markdown); the empty string when it has none in ``first``–``last``."""
    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)]
    return "\n\n".join(f"Only one year of figures: **{number(r.value)}** {cell_text(r.unit)} "
                         f"({r.source_label}, as of {r.as_of})." for r in sub.itertuples())


def _thousands(x, _pos=None) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def drawable(annual: pd.DataFrame, indicator: str, first: int, last: int) -> bool:
    """Whether an indicator has points in at least two years (one point is a sentence, not a chart)."""
    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)]
    return sub["year"].nunique() >= 2


def series_label(src: str, kind: str, reconciliation: str = "") -> str:
    """A chart legend's name for one line: the source, the kind of point and, for a recomputed
    series that does not match what its publisher printed, that fact (so a recomputation is
    never read as the publisher's figure), e.g. ``"INEGI … (recomputed from primary data;
    differs from its publisher's totals)"``."""
    text = KIND_STYLE[kind]["label"]
    if kind == "recomputed" and str(reconciliation).startswith("differs"):
        text += f"; {reconciliation}"
    return f"{src} ({text})"


def series_chart(annual: pd.DataFrame, indicator: str, label: str, first: int, last: int,
                 memo_years: list[int] | None = None):
    """The series of one indicator: a line per source (labelled by publisher and edition, and
    by its reconciliation when it differs from its publisher, see :func:`series_label`), memo
    claims as labelled crosses, partial years as hollow markers, the years of ``memo_years`` as
    dotted vertical lines; integer years, thousands separators, the legend outside the data;
    1,280 px wide. Returns None for fewer than two years.
    """
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    sub = annual[(annual["indicator"] == indicator) & annual["year"].between(first, last)].copy()
    if sub["year"].nunique() < 2:
        return None
    sub["note"] = sub["note"].fillna("")
    n_entries = sub.loc[sub["kind"] != "memo-claim", "source_label"].nunique() * 2 + 1
    fig, ax = plt.subplots(figsize=(6.4, 3.2 + 0.2 * n_entries), dpi=200, layout="constrained")
    lines = sub[sub["kind"] != "memo-claim"]
    for i, (src, g) in enumerate(lines.groupby("source_label", sort=True)):
        g = g.sort_values(["year", "as_of"])
        kind = g["kind"].iloc[0]
        colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
        main = g.drop_duplicates("year", keep="first")
        whole = main[~main["partial_year"].astype(bool)].set_index("year")["value"]
        # a year without a figure is a gap in the line, never bridged
        span = range(int(whole.index.min()), int(whole.index.max()) + 1) if len(whole) else []
        whole = whole.reindex(span)
        rec = g["reconciliation"].iloc[0] if "reconciliation" in g.columns else ""
        ax.plot(whole.index, whole.values, color=colour, marker=KIND_STYLE[kind]["marker"], markersize=4,
                linewidth=1.4, label=textwrap.fill(series_label(src, kind, cell_text(rec)), LEGEND_WIDTH))
        part = g[g["partial_year"].astype(bool)]
        if len(part):
            ax.scatter(part["year"], part["value"], marker=KIND_STYLE[kind]["marker"], s=30, facecolors="white",
                       edgecolors=colour, zorder=4, label=f"{src}: partial year")
        extra = g.drop(main.index, errors="ignore")
        extra = extra[~extra["partial_year"].astype(bool)]
        if len(extra):
            ax.scatter(extra["year"], extra["value"], marker="D", s=18, color=colour, zorder=4,
                       label=f"{src}: a second figure for the same year")
    pts = sub[sub["kind"] == "memo-claim"]
    if len(pts):
        m = vocab.memos()
        memo_year = dict(zip(m["memo"], vocab.memo_years(m).values))   # a memo point's source_id is its memo
        # hollow, drawn over the series so a memo cross never hides a point
        ax.scatter(pts["year"], pts["value"], marker="X", s=70, facecolors="none", edgecolors=MEMO_COLOUR,
                   linewidths=1.3, zorder=5, label="memo claim")
        placed: dict[int, int] = {}
        for r in pts.sort_values(["year", "value"]).itertuples():
            k = placed.get(int(r.year), 0)
            placed[int(r.year)] = k + 1
            # labels of one year stack upwards instead of overlapping
            ax.annotate(f"memo {memo_year.get(r.source_id, r.year)}", (r.year, r.value), textcoords="offset points",
                        xytext=(6, 6 + 11 * k), fontsize=CHART_TEXT, color=MEMO_COLOUR)
    for k, y in enumerate(sorted(y for y in set(memo_years or []) if first <= y <= last)):
        ax.axvline(y, color=MEMO_COLOUR, linestyle=":", linewidth=0.9, zorder=1,
                   label="year of a memo" if k == 0 else None)
    ax.set_title(label, fontsize=CHART_TEXT + 2)
    ax.set_xlabel("year", fontsize=CHART_TEXT)
    unit = sub["unit"].iloc[0]
    ax.set_ylabel(vocab.units()["header"].get(unit, "").strip("()") or unit, fontsize=CHART_TEXT)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(_thousands))
    ax.tick_params(labelsize=CHART_TEXT)
    ax.set_ylim(bottom=0)
    fig.legend(fontsize=CHART_TEXT, loc="outside lower left", frameon=False)  # below the axes, never over the data
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return fig


def cell_text(value) -> str:
    """A table cell as text: the empty string for a missing value (pandas reads empty CSV cells as NaN)."""
    return "" if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def number(value) -> str:
    """A figure as a reader reads it: whole numbers with thousands separators (``37,435``,
    ``2,300,000,000``), others with at most two decimals (``46.6``, ``67.39`` for 67.3894) or,
    below 1, three significant digits (``0.0123``); the empty string for a missing value. Never
    scientific notation."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    v = float(value)
    if v == int(v):
        return f"{int(v):,}"
    if abs(v) < 1:  # a small share or rate: three significant digits, never an exponent
        digits = max(3 - 1 - int(math.floor(math.log10(abs(v)))), 0)
        return f"{v:.{digits}f}".rstrip("0").rstrip(".")
    return f"{v:,.2f}".rstrip("0").rstrip(".")


def verdict_badge(verdict: str) -> str:
    """An HTML badge for a verdict, coloured from the verdict vocabulary."""
    v = vocab.verdicts().set_index("verdict").loc[verdict]
    return templating.render("badge.html.j2", v=v.to_dict()).strip()


def grade_text(grade: str) -> str:
    """``grade (b): The publisher's own document`` or an empty string."""
    if not grade:
        return ""
    g = vocab.grades().set_index("grade").loc[grade]
    return f"grade ({grade}): {g['label']}"


def heading_anchor(text: str) -> str:
    """The ``id`` nbconvert gives a Markdown heading (spaces become hyphens), to link to it."""
    import urllib.parse

    return urllib.parse.quote(str(text).strip().replace(" ", "-"), safe="-_.~()")


def spanish(text: str) -> str:
    """Spanish words for a Markdown cell, marked as Spanish for readers and screen readers:
    ``<i lang="es">…</i>`` (escaped)."""
    import html

    return f'<i lang="es">{html.escape(cell_text(text))}</i>' if cell_text(text) else ""


def source_names(ids, evidence: pd.DataFrame) -> str:
    """Evidence ids (``;``-joined) as the sources they are in words: "INEGI, as reported by CNN en Español"."""
    from mxrights.judge.verdicts import source_name

    ev = evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    names = [source_name(ev.loc[i]) for i in cell_text(ids).split(";") if i in ev.index]
    return "; ".join(dict.fromkeys(names))


def _language(text) -> str:
    """``es`` for a quotation in Spanish (accented letters or common Spanish words), else ``en``."""
    import re

    t = cell_text(text).lower()
    return "es" if re.search(r"[áéíóúñ¿¡]|\b(?:de|del|los|las|que|por|para|una|según|fueron|años)\b", t) else "en"


def _items(ids: str, ev: pd.DataFrame, rel: pd.DataFrame, reg: pd.DataFrame) -> list[dict]:
    """What a verdict rests on: evidence rows, relations and primary files, as template context."""
    items = []
    for eid in (ids.split(";") if isinstance(ids, str) and ids else []):
        if eid in ev.index:
            e = ev.loc[eid]
            items.append({"kind": "evidence", "url": cell_text(e["url"]), "copy_url": cell_text(e.get("copy_url")),
                          "copy_locator": cell_text(e.get("copy_locator")), "title": e["title"], "publisher": e["publisher"],
                          "publisher_es": e["publisher_es"], "reported_by": cell_text(e["reported_by"]),
                          "locator": cell_text(e["locator"]), "value": number(e["value"]), "unit": e["unit"],
                          "as_of": date_words(e["as_of"]), "lang": _language(e["locator"])})
        elif eid in rel.index:
            x = rel.loc[eid]
            items.append({"kind": "relation", "id": eid, "relation_kind": x["kind"], "formula": _readable(x["formula"]),
                          "status": x["status"], "description": cell_text(x["description"])})
        elif eid in reg.index:
            f = reg.loc[eid]
            items.append({"kind": "file", "id": eid, "url": f["url"], "title": f["title"], "publisher": f["publisher"],
                          "publisher_es": f["publisher_es"], "sha": f["sha256"][:12], "retrieved": cell_text(f["retrieved"])})
        else:
            items.append({"kind": "other", "id": eid})
    return items


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")


def date_words(value) -> str:
    """``2018-04-30`` → "30 April 2018"; ``2018-04`` → "April 2018"; ``2018`` → "2018"."""
    s = cell_text(value)
    parts = s.split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[2])} {_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2 and all(p.isdigit() for p in parts):
        return f"{_MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return s


def _when(row) -> str:
    """", as of 30 April 2018" for a dated figure, " for 2007 to October 2016" for a period."""
    start, end, as_of = (cell_text(row.get(k)) for k in ("period_start", "period_end", "as_of"))
    if start and end and start != end:
        return f" for {date_words(start)} to {date_words(end)}"
    if as_of:
        return f" as of {date_words(as_of)}"
    return f" for {date_words(end)}" if end else ""


def _figure(value, unit: str) -> str:
    """A figure with its unit in words (``vocabulary/units.csv``): ``37,435``, ``46.6%``,
    ``2,400,000 US dollars``, ``1 year``, ``rank 4``."""
    v = number(value)
    return vocab.with_unit(v, unit) if v else ""


def verdict_sentence(r, claim: pd.Series, ev: pd.DataFrame, rel: pd.DataFrame, reg: pd.DataFrame) -> str:
    """The plain sentence a claim's card opens with: the verdict's ``sentence`` template
    (verdicts.csv) filled from structured fields — the source in words, its figure with its date
    or period, the document's printed figure, the sides of a dispute, what would settle it.
    No internal id and no raw number reaches it."""
    from mxrights.judge.verdicts import source_name

    v = vocab.verdicts().set_index("verdict").loc[r.verdict]
    ids = [i for i in cell_text(r.evidence).split(";") if i]
    rows = [ev.loc[i] for i in ids if i in ev.index]
    first = rows[0] if rows else None
    files = [reg.loc[i] for i in ids if i in reg.index]
    value = r.reproduced_value if not pd.isna(r.reproduced_value) else r.bound_value
    if first is not None:
        who, when = source_name(first), _when(first)
    elif files:
        who, when = f"a recomputation from {files[0]['publisher']}'s file", ""
    else:
        who, when = "", ""
    scope = vocab.scope_facts(r.scope) if cell_text(r.scope) else None
    unit = claim["unit"]
    fields = {
        "who": who, "when": when,
        "figure": _figure(value, unit) if not pd.isna(value) else (_figure(first["value"], unit) if first is not None else ""),
        "printed": claim["printed"],
        "sides": "; ".join(f"{_figure(x['value'] if x.get('combine') != 'complement' else x['complement_of'] - x['value'], unit)}"
                           f"{_when(x)} ({source_name(x)}"
                           + (f", counting {vocab.scope_facts(x['scope'])['label']}" if cell_text(x.get("scope"))
                              and not vocab.scope_facts(x["scope"])["same_quantity"] else "") + ")"
                           for x in rows) or "sources disagree",
        "formula": "; ".join(_readable(rel.loc[i, "formula"]) for i in ids if i in rel.index) or "its figures",
        "scope_label": scope["label"] if scope is not None else "",
        "why": cell_text(r.why_not_independent) or "a party of the document",
        "settle": cell_text(claim.get("would_settle")).rstrip(".") or "a source independent of the document's authors",
    }
    return v["sentence"].format_map(fields)


def _readable(text: str, marks: dict[str, str] | None = None) -> str:
    """A rule trace for readers: evidence ids become footnote marks (``[2]``) when the card lists
    them, a claim id beside its figure leaves the figure ("cs2018-x (130)" → "130"), any other id
    the data hold (claims, relations, evidence: :func:`_internal_ids`) is dropped or, for a
    source, read "a source"; bare whole numbers of four digits or more get thousands separators
    (years 1900–2099 and parts of dates are left alone)."""
    import re

    out = cell_text(text)
    for key, mark in sorted((marks or {}).items(), key=lambda kv: -len(kv[0])):
        out = re.sub(rf"\(?\b{re.escape(key)}\b\)?", mark, out)
    out = re.sub(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+ \((-?\d[\d.,]*)\)", r"\1", out)  # "claim-id (130)" → "130"
    evidence_ids, other_ids = _internal_ids()
    if evidence_ids:
        out = re.sub(rf"\s*\((?:{evidence_ids}|{other_ids})(?:;(?:{evidence_ids}|{other_ids}))*\)", "", out)
        out = re.sub(rf"\b(?:{evidence_ids})\b", "a source", out)
        out = re.sub(rf"\s*\b(?:{other_ids})\b", "", out)
    out = re.sub(r"(?<![\d,.\-])(\d{4,})(?![\d,\-]|\.\d)",
                 lambda m: m.group(1) if len(m.group(1)) == 4 and 1900 <= int(m.group(1)) <= 2099
                 else f"{int(m.group(1)):,}", out)
    return re.sub(r"  +", " ", out)


@lru_cache(maxsize=1)
def _internal_ids() -> tuple[str, str]:
    """Regex alternations of the ids the data hold: evidence ids, and claim and relation ids
    (read from the registered ledger, relations and evidence tables, longest first)."""
    import re

    from mxrights.ledger import evidence as ev_mod

    cl = claims_mod.load_claims()
    rel = claims_mod.load_relations(claims=cl)
    ev = ev_mod.load_evidence(claims=cl)

    def alternation(ids) -> str:
        return "|".join(re.escape(i) for i in sorted(set(ids), key=len, reverse=True))

    return alternation(ev["evidence_id"]), alternation([*cl["claim_id"], *rel["relation_id"]])


def _cite_links(citations, sources: pd.DataFrame, evidence_ids: list[str]) -> dict | None:
    """BibTeX and CSL-JSON of the sources a claim's verdict rests on, as ``data:`` links (offline)."""
    import base64

    mine = citations.for_evidence(sources, evidence_ids)
    if mine.empty:
        return None

    def uri(text: str, mime: str) -> str:
        return f"data:{mime};base64," + base64.b64encode(text.encode("utf-8")).decode()

    return {"bib": uri(citations.to_bibtex(mine), "application/x-bibtex"),
            "json": uri(citations.to_csl_json(mine), "application/vnd.citationstyles.csl+json"), "n": len(mine)}


_CARD_TABLES: dict = {}


def _card_tables(claims: pd.DataFrame, evidence: pd.DataFrame, registry: pd.DataFrame | None) -> tuple:
    """The hunt log and the sources table the cards need, built once per set of inputs.

    A memo page renders its cards topic by topic (several calls with the same ledger, evidence
    and registry); building the sources table took half a second a call. The key is a content
    fingerprint of the three tables, so new inputs are never served stale.
    """
    from mxrights.publish import citations
    from mxrights.ledger import hunts as hunts_mod

    reg = registry if registry is not None else pd.DataFrame(columns=[
        "name", "location", "title", "publisher", "publisher_es", "published", "url", "retrieved", "path"])
    key = tuple(int(pd.util.hash_pandas_object(t.astype(str), index=False).sum()) for t in (claims, evidence, reg))
    if key not in _CARD_TABLES:
        _CARD_TABLES.clear()
        _CARD_TABLES[key] = (hunts_mod.load_hunts(set(claims["claim_id"]), set(evidence["evidence_id"])),
                             citations.sources_table(reg, evidence))
    return _CARD_TABLES[key]


def claim_cards(claims_check: pd.DataFrame, claims: pd.DataFrame, evidence: pd.DataFrame,
                relations: pd.DataFrame | None = None, registry: pd.DataFrame | None = None) -> list[dict]:
    """The template context of each claim's card: quote, verdict badge, published and reproduced
    (or bound) figure, grade, why the evidence is not independent, the reason, the memo's cited
    source, and what the verdict rests on (:func:`_items`)."""
    from mxrights.publish import citations
    from mxrights.ledger import hunts as hunts_mod

    cl = claims.set_index("claim_id")
    ev = evidence.set_index("evidence_id")
    log, sources = _card_tables(claims, evidence, registry)
    page_of = dict(zip(vocab.memos()["document"], vocab.memos()["page"]))
    full = load_table("claims_check") if "fact_id" in claims_check.columns else None
    outcome_label = hunts_mod.outcomes().set_index("outcome")["label"]
    rel = relations.set_index("relation_id") if relations is not None else pd.DataFrame()
    reg = registry.set_index("name") if registry is not None else pd.DataFrame()
    cards = []
    for r in claims_check.itertuples():
        c = cl.loc[r.claim_id]
        figure = word = note = ""
        scope = vocab.scope_facts(r.scope) if isinstance(r.scope, str) and r.scope else None
        if not pd.isna(r.reproduced_value):
            word = "evidence gives" if scope["same_quantity"] else f"{r.scope} gives"
            figure, note = number(r.reproduced_value), "difference " + ("+" if r.difference >= 0 else "−") + number(abs(r.difference))
        elif not pd.isna(r.bound_value):
            word = f"{scope['bound']} bound"
            figure, note = number(r.bound_value), "a different quantity"
        method = cell_text(r.method)
        items = _items(r.evidence, ev, rel, reg)
        marks = {i: f"[{k}]" for k, i in enumerate([x for x in cell_text(r.evidence).split(";") if x], start=1)}
        same_fact = full[(full["fact_id"] == r.fact_id) & (full["claim_id"] != r.claim_id)] \
            if full is not None and int(getattr(r, "fact_claims", 1) or 1) > 1 else None
        reason = cell_text(r.reason)
        if reason.startswith("one fact stated by"):
            reason = reason.split(": ", 1)[-1]
        cards.append({"claim_id": r.claim_id, "quote": c["quote"], "badge": templating.markup(verdict_badge(r.verdict)),
                      "sentence": verdict_sentence(r, c, ev, rel, reg),
                      "also": [{"href": f"{page_of.get(x.document, '')}.html#{x.claim_id}", "memo": x.memo}
                               for x in same_fact.itertuples()] if same_fact is not None else [],
                      "published": number(r.published_value), "unit": r.unit, "qualifier": r.qualifier,
                      "figure": figure, "figure_word": word, "figure_note": note, "grade": grade_text(cell_text(r.grade)),
                      "why": cell_text(r.why_not_independent),
                      "reason": _readable(" ".join(t for t in (method + (":" if method else ""), reason) if t), marks),
                      "source_cited": cell_text(c["source_cited"]), "rests_on": items,
                      "cite": _cite_links(citations, sources, [x for x in cell_text(r.evidence).split(";") if x in ev.index]),
                      "hunt": [{"searched_on": date_words(h.searched_on), "queries": h.queries, "corpus": h.corpus,
                                "found": _readable(h.found), "outcome": outcome_label.get(h.outcome, h.outcome),
                                "why": _readable(h.why)}
                               for h in hunts_mod.for_claim(log, r.claim_id).itertuples()]})
    return cards


def claims_html(claims_check: pd.DataFrame, claims: pd.DataFrame, evidence: pd.DataFrame, topic: str,
                relations: pd.DataFrame | None = None, registry: pd.DataFrame | None = None) -> str:
    """HTML cards of one topic's claims (template ``claim_cards.html.j2``): quote, verdict,
    grade, published and reproduced (or bound) figure, why the evidence is not independent when
    it is not, and what the verdict rests on: evidence rows (with links and locators), relations
    (formula and result) and registered primary files (publisher, link, hash). Each claim has the
    anchor ``#<claim_id>``, the link the claims explorer follows."""
    mine = claims_check[claims_check["topic"] == topic]
    return templating.render("claim_cards.html.j2", cards=claim_cards(mine, claims, evidence, relations, registry))


def summary_html(summary: pd.DataFrame) -> str:
    """The verdict summary as an HTML table led by what holds, counted by distinct fact.

    Rows: each document (memo id linked to its page, and title) and the group rows; columns:
    facts, facts checked against independent evidence of their quantity, how many hold, are
    wrong, are disputed, the checked share of facts, facts whose figure depends on a
    definition, claims and claims checked, then claims per verdict in the vocabulary's order,
    headed by its label.
    """
    v = vocab.verdicts()
    m = vocab.memos().set_index("document")
    head = ["Document", "Facts", "Checked (independent)", "Hold", "Wrong", "Disputed", "% of facts checked",
            "Depend on a definition", "Claims", "Claims checked"] + [f"Claims: {x}" for x in v["label"]]
    rows = []
    for _, r in summary.iterrows():
        doc = r["document"]
        known = doc in m.index
        cells = [f"{int(r[c]):,}" for c in ("facts", "facts_independent", "facts_holds", "facts_wrong", "facts_disputed")]
        cells += [f"{float(r['facts_independent_pct']):.1f}%", f"{int(r['facts_definition']):,}",
                  f"{int(r['claims']):,}", f"{int(r['independent']):,}"]
        cells += [f"{int(r[n]):,}" for n in v["verdict"]]
        rows.append({"memo": r["memo"], "title": m.loc[doc, "title"] if known else "",
                     "href": f"{m.loc[doc, 'page']}.html" if known else "", "cells": cells})
    return templating.render("summary_table.html.j2", head=head, rows=rows)


def _is_year_column(name) -> bool:
    """``year``, ``memo_year``, ``first year``: a column of calendar years (printed without separators)."""
    return str(name).replace("_", " ").split(" ")[-1] == "year"


def html_table(df: pd.DataFrame, links: dict[str, str] | None = None, formats: dict | None = None,
               css_class: str = "", numeric: list[str] | None = None, row_ids: str | None = None) -> str:
    """An HTML table through the template ``table.html.j2`` (every cell escaped).

    Args:
        df: the rows to show, columns in order (headers are the column names).
        links: column → the column holding its link target; the cell becomes a link (targets
            that are web addresses, anchors or site pages only).
        formats: column → function turning a value into text; numbers without one go through
            :func:`number` (thousands separators, no scientific notation). Missing values are
            empty cells.
        css_class: a class for the table element.
        numeric: columns aligned right (default: the numeric columns of ``df``).
        row_ids: a column whose value becomes each row's ``id`` (an anchor to cite: ``#key``).

    Columns whose name is ``year`` or ends in ``_year`` or `` year`` print whole numbers
    without separators.
    """
    links, formats = links or {}, formats or {}
    shown = [c for c in df.columns if c not in set(links.values())]
    if numeric is None:
        numeric = [c for c in shown if pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])]
    head = [{"text": str(c), "num": c in numeric} for c in shown]
    rows = []
    for _, r in df.iterrows():
        cells = []
        for c in shown:
            v = r[c]
            if cell_text(v) == "":
                text_ = ""
            elif c in formats:
                text_ = formats[c](v)
            elif _is_year_column(c) and isinstance(v, (int, float)) and float(v) == int(v):
                text_ = str(int(v))
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                text_ = number(v)
            else:
                text_ = str(v)
            target = cell_text(r[links[c]]) if c in links else ""
            ok = target.startswith(("http", "#")) or target.endswith(".html") or ".html#" in target
            cells.append({"text": text_, "href": target if ok and text_ else "", "num": c in numeric})
        rows.append({"id": cell_text(r[row_ids]) if row_ids else "", "cells": cells})
    return templating.render("table.html.j2", head=head, rows=rows, css_class=css_class)
