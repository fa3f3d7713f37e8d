"""The HTML site under ``reports/html``: one page per executed notebook and a landing page.

Pages are rendered with nbconvert's ``basic`` template (no external scripts, no input
prompts, code hidden) inside a small page shell of our own, so they open offline without
errors. The landing page shows the verdict summary (chart and table), links to every
page, the data registry and how to reproduce.
"""

from __future__ import annotations

import base64
import html
import io
import json
from functools import lru_cache
from pathlib import Path

from . import paths

CSS = """
body{font-family:Georgia,serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222;line-height:1.45}
h1,h2,h3{font-family:Helvetica,Arial,sans-serif} table{border-collapse:collapse;font-size:.85rem;margin:.5rem 0}
th,td{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:left;vertical-align:top}
.small{font-size:.85rem;color:#444} .quote{font-style:italic;margin-bottom:.2rem}
.claim{border-left:3px solid #ccc;padding-left:.7rem;margin:1rem 0}
.verdict{font-family:Helvetica,Arial,sans-serif;font-size:.8rem;padding:.1rem .4rem;border-radius:.3rem;background:#eee}
.summary td:nth-child(n+2),.summary th:nth-child(n+2){text-align:right} .summary td:first-child{min-width:15rem} .summary th{font-size:.75rem} .table-wrap{overflow-x:auto} .lead{font-size:1.05rem}
nav{font-family:Helvetica,Arial,sans-serif;font-size:.9rem;margin-bottom:1rem} img{max-width:100%}
.jp-InputArea,.jp-InputPrompt,.jp-OutputPrompt{display:none} pre{white-space:pre-wrap;font-size:.8rem}
figcaption{font-size:.8rem;color:#555} .anchor-link{display:none}
"""


def page(title: str, body: str, home: bool = False) -> str:
    """Wrap body HTML in the site's page shell."""
    nav = "" if home else '<nav><a href="index.html">← mxrights: all pages</a></nav>'
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<link rel="icon" href="data:,">'
            f"<title>{html.escape(title)}</title><style>{CSS}</style></head><body>{nav}\n{body}\n</body></html>\n")


def render_notebook(executed: Path, out: Path) -> Path:
    """Render one executed notebook to a standalone HTML page (inputs hidden)."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    body, _ = _exporter().from_notebook_node(nb)
    title = _page_kind_title(executed)[1]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(title, body), encoding="utf-8")
    return out


@lru_cache(maxsize=1)
def _exporter():
    """One HTML exporter per process: building one loads its Jinja templates (about 0.2 s)."""
    from nbconvert import HTMLExporter

    from nbconvert.preprocessors import TagRemovePreprocessor

    exp = HTMLExporter(template_name="basic")
    # cells tagged "regression" print figures for nbval to compare; readers get the formatted views
    exp.register_preprocessor(TagRemovePreprocessor(remove_cell_tags=["regression"], enabled=True), enabled=True)
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    return exp


def _png(fig) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None})
    return base64.b64encode(buf.getvalue()).decode()


def render_index(out_dir: Path, pages: list[tuple[str, str, str]]) -> Path:
    """Write ``index.html``: project, verdict summary, page links, data registry, how to reproduce.

    Args:
        pages: ``(kind, file name, title)`` for each rendered page.
    """
    import pandas as pd

    from . import registry, report

    check = report.load_table("claims_check")
    summary = report.load_table("verdict_summary")
    fig = report.verdict_chart(check, "All claims by verdict")
    chart = _png(fig)
    reg = registry.load_registry()[["name", "location", "publisher", "sha256", "retrieved", "url"]].copy()
    reg["sha256"] = reg["sha256"].str[:12] + "…"
    reg["source"] = reg["url"]
    links = {"memo": [], "series": [], "comparison": [], "summary": []}
    for kind, fname, title in pages:
        links[kind].append(f'<li><a href="{html.escape(fname)}">{html.escape(title)}</a></li>')
    from .verdicts import GROUP_ROWS

    by_doc = summary.set_index("document")
    total = by_doc.loc["all documents"]
    groups = [(memo_label, by_doc.loc[doc_label]) for doc_label, memo_label in GROUP_ROWS.values()
              if doc_label in by_doc.index]
    group_names = {d for d, _ in GROUP_ROWS.values()} | {"all documents"}
    seeds = set(report.memos().query("collection == 'seed'")["document"])
    n_series = int((report.memos()["collection"] == "memo_series").sum())
    per_doc = "; ".join(f"{r.memo} {r.independent_pct:.1f}%" for r in summary.itertuples()
                        if r.document not in group_names and r.document in seeds)
    lead_groups = "".join(f"<li>{html.escape(label)}: <b>{g['independent_pct']:.1f}%</b> of {int(g['claims'])} claims "
                          f"({int(g['independent'])})</li>" for label, g in groups)
    body = f"""
<h1>mxrights — checking the numbers in human-rights memos on Mexico</h1>
<p class="lead"><b>{total['independent_pct']:.1f}%</b> of the {int(total['claims'])} claims
({int(total['independent'])}) were checked against evidence that is independent of the document's authors
and measures the same quantity, whether it agreed or not.</p>
<ul class="lead">{lead_groups}</ul>
<p>Seed documents one by one: {html.escape(per_doc)}.
Bounds, the documents' own arithmetic, proxies and sources written or reported by a document's authors
are shown with every claim but never counted as checks.</p>
<p>Every statistic in {len(seeds)} civil-society and institutional documents on Mexico (2014–2020), and in {n_series}
texts of the civil-society memo series to the US State Department and its coverage (2009–2021), is in a
ledger with its exact quote; each gets a verdict and an evidence grade computed at run time from
registered primary data, figures transcribed with their source and locator, or the documents' own
arithmetic.</p>
<figure><img alt="Bar chart of the claims of all documents by verdict: {html.escape(', '.join(f'{k} {v}' for k, v in check['verdict'].value_counts().items()))}" src="data:image/png;base64,{chart}">
<figcaption>Claims by verdict. Sources: data/processed/claims_check.csv, built from data/raw/claims.csv,
data/raw/evidence/ and the registered primary files below.</figcaption></figure>
<h2>Verdicts by document</h2><div class="table-wrap">{report.summary_html(summary)}</div>
<p><a href="method.html">Method: how a claim gets its verdict, evidence grades and relations</a></p>
<h2>Memo pages</h2><ul>{''.join(links['memo'])}</ul>
<h2>The memo series, 2009–2021, year by year</h2><ul>{''.join(links['series'])}</ul>
<h2>Annual comparisons</h2><ul>{''.join(links['summary'] + links['comparison'])}</ul>
<h2>Data registry</h2><p class="small">Every input file with its publisher, sha256 and retrieval date
(data/registry.csv). Mirror files are read from ../shared/data or MXRIGHTS_DATA_MIRROR and never committed.</p>
<div class="table-wrap">{report.html_table(reg, links={"source": "url"})}</div>
<h2>Reproduce</h2><pre>git clone … &amp;&amp; cd mxrights
make reproduce   # venv, install, verify data, run notebooks, write data/processed, render this site
make test        # library tests, notebook regression (nbval), browser check</pre>
"""
    out = out_dir / "index.html"
    out.write_text(page("mxrights", body, home=True), encoding="utf-8")
    return out


def render_all(executed_dir: Path | None = None, out_dir: Path | None = None, names: list[str] | None = None) -> list[Path]:
    """Render executed notebooks (all, or ``names``) and the index page."""
    executed_dir = executed_dir or paths.reports_dir() / "executed"
    out_dir = out_dir or paths.reports_dir() / "html"
    out_dir.mkdir(parents=True, exist_ok=True)
    pages, written = [], []
    for nbp in sorted(executed_dir.glob("*.ipynb")):
        htmlp = out_dir / f"{nbp.stem}.html"
        if names is None or nbp.stem in names or not htmlp.exists() or htmlp.stat().st_mtime < nbp.stat().st_mtime:
            written.append(render_notebook(nbp, htmlp))
        kind, title = _page_kind_title(nbp)
        pages.append((kind, htmlp.name, title))
    written.append(render_method(out_dir))
    written.append(render_index(out_dir, pages))
    return written


def method_body() -> str:
    """The method page's HTML, generated from the vocabulary tables the rules read.

    Verdicts (in precedence order, with the grades, scopes and agreement each requires),
    evidence grades and relation kinds come from ``data/raw/vocabulary/``, so this page
    cannot drift from the code that applies them.
    """
    import pandas as pd

    from . import report, vocab

    v = vocab.verdicts()
    g = vocab.grades().set_index("grade")
    scope_words = {"same": "the same quantity", "narrower": "a narrower quantity (a lower bound)",
                   "broader": "a broader quantity (an upper bound)", "part": "one component of the claimed total",
                   "proxy": "a stated proxy from primary data", "arithmetic": "the document's own arithmetic"}
    rows = []
    for r in v.itertuples():
        if not r.grades:
            rule = "when nothing above applies"
        else:
            grades = ", ".join(f"({x}) {g.loc[x, 'label'].lower()}" for x in r.grades)
            scopes = " or ".join(scope_words[x] for x in r.scopes)
            agree = {"agrees": "agrees with the claim", "disagrees": "does not agree with the claim",
                     "any": "whether or not it agrees"}[r.agreement]
            rule = f"evidence of grade {grades}, measuring {scopes}, that {agree}"
        rows.append({"order": r.precedence, "verdict": r.label, "applies to": rule, "what it means": r.description})
    verdicts_tab = report.html_table(pd.DataFrame(rows))
    grades_tab = report.html_table(vocab.grades().assign(
        independent=lambda d: d["independent"].map({True: "yes", False: "no"}))[["grade", "label", "independent", "description"]])
    kinds = vocab.relation_kinds()
    kinds_tab = report.html_table(kinds.assign(
        tests=kinds["tests"].map({True: "yes", False: "no"}),
        lifts=kinds["lifts"].map({True: "yes", False: "never"}))[["kind", "tests", "lifts", "description"]]
        .rename(columns={"tests": "is a test", "lifts": "can lift a verdict"}))
    return f"""
<h1>Method: how a claim gets its verdict</h1>
<p>Every statistic of every document is a row of the claims ledger with its exact words. Each piece of
evidence that bears on it is compared with it in three ways, all computed from data: its <b>grade</b>
(who produced and who reported the figure, and whether either is an author, co-signer or commissioner of
the document), its <b>scope</b> (whether it measures the claim's quantity: indicator, population,
geography and period or date are compared column by column) and its <b>agreement</b> (whether the figure
lies in the range the claim's words and rounding admit). The verdict is the first row below whose
conditions one comparison meets. The tables on this page are generated from
<code>data/raw/vocabulary/</code>, the same tables the rules read.</p>
<p>A claim counts as <b>checked</b> only when it met independent evidence (grades a–c) of the same
quantity, whether that evidence agreed or not. Bounds, the documents' own arithmetic, proxies and
sources written or reported by a document's authors are shown with every claim but never counted.</p>
<h2>Verdicts, in the order they are decided</h2><div class="table-wrap">{verdicts_tab}</div>
<h2>Evidence grades</h2><div class="table-wrap">{grades_tab}</div>
<h2>Arithmetic relations between claims</h2><div class="table-wrap">{kinds_tab}</div>
<h2>Rounding and qualifiers</h2>
<p>A printed figure admits a range: half a unit of its last printed digit ("46.6%" admits 46.55 to 46.65;
"26,000" ±500); "at least" and "more than" admit anything above; "about" ±5% or the rounding, whichever is
wider; "nearly" 90–100% of the figure; "at most" anything up to it. A proxy's tolerance widens the range
only for the proxy, and its difference is always shown.</p>
"""


def render_method(out_dir: Path) -> Path:
    """Write ``method.html`` (see :func:`method_body`)."""
    out = out_dir / "method.html"
    out.write_text(page("Method: verdicts, evidence grades and relations — mxrights", method_body()), encoding="utf-8")
    return out


def _page_kind_title(nbp: Path) -> tuple[str, str]:
    """``(kind, title)`` of an executed notebook's page: ``memo`` for a page named in the
    ``page`` column of ``memos.csv``, ``summary``, or ``comparison`` (a topic of
    ``topics.csv``); the title from the register or the notebook's first heading."""
    from . import report, vocab

    if nbp.stem in set(vocab.memos()["page"]):
        ctx = report.page_context(nbp.stem)
        if ctx["collection"] == "seed":
            return "memo", f"{ctx['title']} — {ctx['author']} ({ctx['published']})"
        return "series", ctx["title"]
    topics = vocab.topic_table().set_index("topic")
    topic = nbp.stem.removeprefix("comparison_")
    if topic in topics.index:
        return "comparison", "Annual comparison: " + topics.loc[topic, "label_en"]
    nb = json.loads(nbp.read_text(encoding="utf-8"))
    for c in nb["cells"]:
        if c["cell_type"] == "markdown":
            src = "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
            return "summary", src.splitlines()[0].lstrip("# ").strip()
    return "summary", nbp.stem
