"""The HTML site under ``reports/html``: one page per executed notebook and four pages of its own.

Every page is a Jinja2 template (``templates/site/``, autoescape on) with the same header:
every page of :func:`mxrights.publish.pages.site_pages`, grouped as in ``page_groups.csv``. Notebook
pages get their body from nbconvert (:func:`mxrights.publish.templating.notebook_exporter`) and a
footer naming the notebook, its parameters, the executed notebook and the tables it read,
which are copied beside the site (``notebooks/``, ``data/``) so every link works offline. The
site's own pages: the overview (the map of the study), the claims explorer (every claim,
searchable in the browser with DataTables shipped inside the page by itables), the sources
(every file and evidence source, with BibTeX and CSL-JSON downloads) and the method (from the
vocabulary tables the rules read).
"""

from __future__ import annotations

import base64
import io
import shutil
from pathlib import Path

import pandas as pd

from mxrights.publish import pages, templating
from mxrights import paths

#: Parameters that only say where files are: not shown to readers.
_LOCATION_PARAMETERS = {"processed_dir", "output_dir"}


def build_stamp() -> str:
    """"commit 1a2b3c4 of 2026-12-01" for the footer: the checkout's commit and its date (not the
    build's clock, so two builds of one commit are byte-identical); empty outside a git checkout."""
    import subprocess

    try:
        out = subprocess.run(["git", "log", "-1", "--format=%h %cs"], cwd=paths.project_root(), capture_output=True,
                             text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    parts = out.stdout.split()
    return f"commit {parts[0]} of {parts[1]}" if out.returncode == 0 and len(parts) == 2 else ""


def _write(out: Path, template: str, page: str, title: str, **context) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    row = _page_row(page)
    context.setdefault("description", row["title"] if row is not None else title)
    html = templating.render(template, nav=pages.navigation(), current=page, title=title, stamp=build_stamp(),
                             **context)
    out.write_text(html, encoding="utf-8")
    return out


def _page_row(page: str) -> pd.Series | None:
    df = pages.site_pages("")
    rows = df[df["page"] == page]
    return None if rows.empty else rows.iloc[0]


def render_notebook(executed: Path, out: Path) -> Path:
    """Render one executed notebook to ``out`` (inputs hidden), with the site's header and a
    footer naming what is behind the page; copy the executed notebook (and the per-page table
    it wrote, if any) beside the site."""
    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    body, _ = templating.notebook_exporter().from_notebook_node(nb)
    row = _page_row(executed.stem)
    behind = None
    if row is not None:
        nb_dir = out.parent / "notebooks"
        nb_dir.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(executed, nb_dir / executed.name)
        tables = [(t, f"data/{t}.csv") for t in row["reads"] if (paths.processed_dir() / f"{t}.csv").exists()]
        params = nb.metadata.get("papermill", {}).get("parameters", {}) or row["parameters"]
        own = Path(params.get("output_dir") or "") / f"claims_{executed.stem}.csv"
        if params.get("output_dir") and own.exists():
            (out.parent / "data").mkdir(parents=True, exist_ok=True)
            shutil.copyfile(own, out.parent / "data" / own.name)
            tables.append((own.stem, f"data/{own.name}"))
        behind = {"notebook": row["notebook"], "executed": f"notebooks/{executed.name}", "tables": tables,
                  "parameters": [(k, v) for k, v in params.items() if k not in _LOCATION_PARAMETERS]}
        title = row["title"]
    else:
        title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in nb.cells if c.cell_type == "markdown"),
                     executed.stem)
    import re

    # one H1 per page, the page's own title: the notebook's generic first heading ("Memo reproduction",
    # "Annual comparison") gives way to it
    body = re.sub(r"<h1\b[^>]*>.*?</h1>", "", body, count=1, flags=re.S)
    return _write(out, "notebook.html.j2", executed.stem, title, body=templating.markup(body), behind=behind)


def _png(fig) -> str:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=200, metadata={"Software": None})
    plt.close(fig)
    return base64.b64encode(buf.getvalue()).decode()


def _site_map(check: pd.DataFrame) -> list[dict]:
    """The index's map: each page group with its pages, titles and, for memo pages, what holds (by fact)."""
    from mxrights.publish import report
    from mxrights.ledger import vocab

    df = pages.site_pages("")
    m = vocab.memos()
    page_of = dict(zip(m["document"], m["page"]))
    by_page = check.assign(page=check["document"].map(page_of)).groupby("page")["independent_check"].agg(["sum", "size"])
    out = []
    for g in vocab.page_groups().itertuples():
        rows = df[(df["group"] == g.group) & (df["page"] != "index")]
        if rows.empty:
            continue
        items = []
        for r in rows.itertuples():
            note = ""
            if r.page in by_page.index:
                counts = report.page_share(check, list(m.loc[m["page"] == r.page, "document"]))
                note = (f"{counts['facts_independent']:,} of {counts['facts']:,} facts checked against independent "
                        f"evidence: {counts['facts_holds']:,} hold, {counts['facts_wrong']:,} wrong, "
                        f"{counts['facts_disputed']:,} disputed")
            items.append({"page": r.page, "title": r.title, "note": note})
        out.append({"label": g.label_en, "label_es": g.label_es, "description": g.description, "pages": items})
    return out


def render_index(out_dir: Path) -> Path:
    """Write ``index.html``: the share of independent checks, the verdict summary (chart and
    table) and the map of the study (every page, grouped)."""
    from mxrights.publish import report

    check = report.load_table("claims_check")
    summary = report.load_table("verdict_summary")
    m = report.memos()
    by_doc = summary.set_index("document")
    total = by_doc.loc["all documents"]
    # rows that are not a document: a collection's group row, then the total
    group_names = set(summary["document"]) - set(m["document"])
    groups = [(r.memo, by_doc.loc[r.document]) for r in summary.itertuples()
              if r.document in group_names and r.document != "all documents"]
    seeds = set(m.loc[m["collection"] == "seed", "document"])
    per_doc = "; ".join(f"{r.memo} {r.facts_independent} of {r.facts} facts checked" for r in summary.itertuples()
                        if r.document not in group_names and r.document in seeds)

    def counts(row, where):
        return {"independent_pct": float(row["independent_pct"]), "claims": int(row["claims"]),
                "independent": int(row["independent"]), "facts": int(row["facts"]),
                "sentence": report.accuracy_sentence(row, where)}

    flag = report.flagged(check)
    return _write(out_dir / "index.html", "index.html.j2", "index", "mxrights — checking the numbers in human-rights memos on Mexico",
                  total=counts(total, "in all the documents checked"),
                  groups=[(label, counts(g, f"in {label}")) for label, g in groups], per_doc=per_doc,
                  flagged=[{"href": f"{r.page}.html#{r.claim_id}", "label": r.label, "quote": r.quote}
                           for r in flag.itertuples()],
                  n_seeds=len(seeds), n_series=int((m["collection"] == "memo_series").sum()),
                  chart=_png(report.verdict_chart(check, "All claims by verdict")), chart_alt=report.verdict_alt(check),
                  summary_table=templating.markup(report.summary_html(summary)), site_map=_site_map(check), behind=None)


def _number_variants(value: float) -> str:
    """The ways a reader may type a figure: ``37435 37,435 37.435 37 mil`` (hidden search text)."""
    if value is None or pd.isna(value):
        return ""
    v = float(value)
    if v != int(v):
        return f"{v:g} {str(v).replace('.', ',')}"
    n = int(v)
    out = [str(n), f"{n:,}", f"{n:,}".replace(",", ".")]
    if n >= 1000:
        out.append(f"{n // 1000} mil")
    if n >= 1_000_000:
        out.append(f"{n / 1_000_000:g} millones")
    return " ".join(dict.fromkeys(out))


def explorer_rows(check: pd.DataFrame, claims: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """One row per claim of every document, for the claims explorer.

    Returns columns ``claim_id``, ``href`` (the claim's card: ``<page>.html#<claim_id>``),
    ``document`` (the document's name as the site's navigation gives it), ``memo_year``,
    ``topic`` (English and Spanish labels), ``quote``, ``published`` (the figure as printed,
    with unit), ``verdict`` (short label), ``severity`` (sort key: wrong first, then disputed,
    then the verdicts' precedence), ``grade``, ``reproduced`` (the evidence figure, a bound
    marked as such, or empty), ``source`` and ``source_url`` (the first evidence row's source
    in words and link), and ``search`` (hidden text: the figure however it may be typed —
    37435, 37,435, 37.435, 37 mil — and the indicator's Spanish label).
    """
    from mxrights.publish import report
    from mxrights.ledger import vocab

    m = vocab.memos().set_index("document")
    year = vocab.memo_years()
    scopes = vocab.scopes().set_index("scope")
    v = vocab.verdicts().set_index("verdict")
    first_of = {"wrong": 0, "disputed": 1}
    severity = {k: first_of.get(r["accuracy"], 2) * 100 + int(r["precedence"]) for k, r in v.iterrows()}
    topics = vocab.topic_table().set_index("topic")
    ind = vocab.indicators().set_index("indicator")
    site = pages.site_pages("").set_index("page")
    quotes = claims.set_index("claim_id")["quote"]
    ev = evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    rows = []
    for r in check.itertuples():
        doc = m.loc[r.document]
        scope = scopes.loc[r.scope] if isinstance(r.scope, str) and r.scope else None
        if not pd.isna(r.reproduced_value):
            reproduced = report.number(r.reproduced_value) + ("" if scope["same_quantity"] else f" ({scope['label']})")
        elif not pd.isna(r.bound_value):
            reproduced = ("at most " if scope["bound"] == "upper" else "at least ") + report.number(r.bound_value) + " (bound)"
        else:
            reproduced = ""
        first = next((e for e in report.cell_text(r.evidence).split(";") if e in ev.index), "")
        name = (site.loc[doc["page"], "label"] if doc["collection"] == "seed" and doc["page"] in site.index
                else f"{report.cell_text(doc.get('outlet')) or doc['author']} ({str(doc['published'])[:4]})")
        topic = topics.loc[r.topic] if r.topic in topics.index else None
        label_es = report.cell_text(ind.loc[r.indicator, "label_es"]) if r.indicator in ind.index else ""
        rows.append({"claim_id": r.claim_id, "href": f"{doc['page']}.html#{r.claim_id}", "document": name,
                     "memo_year": str(year[r.document]),
                     "topic": f"{topic['label_en']} / {topic['label_es']}" if topic is not None else r.topic,
                     "quote": quotes.get(r.claim_id, ""),
                     "published": report._figure(r.published_value, r.unit) or f"{report.number(r.published_value)} {r.unit}",
                     "verdict": v.loc[r.verdict, "short"], "severity": severity[r.verdict],
                     "grade": report.grade_text(report.cell_text(r.grade)), "reproduced": reproduced,
                     "source": report.source_names(first, evidence) if first else "",
                     "source_url": report.cell_text(ev.loc[first, "url"]) or report.cell_text(ev.loc[first].get("copy_url"))
                     if first else "",
                     "search": " ".join(t for t in (_number_variants(r.published_value), label_es) if t)})
    return pd.DataFrame(rows)


def explorer_html(rows: pd.DataFrame) -> tuple[str, str]:
    """The explorer's table as ``(head, body)`` HTML: DataTables, shipped inside the page by
    itables (nothing fetched from a CDN). Five short columns fit a 1,280 px screen (the quote
    linked to its card, the document, the verdict, the printed figure, the evidence figure);
    the rest folds into a last column. The verdict sorts by severity (wrong and disputed first)
    through a hidden key; the printed figure carries hidden variants so that 37435, 37,435,
    37.435 and "37 mil" all find it. Every text is escaped here, because the table is given to
    DataTables as HTML (links)."""
    import html

    import itables.options as opt
    from itables import to_html_datatable
    from itables.javascript import generate_init_offline_itables_html

    def link(href: str, text: str) -> str:
        return f'<a href="{html.escape(href)}">{html.escape(text)}</a>' if href else html.escape(text)

    def hidden(text: str) -> str:
        return f'<span class="sr-search" hidden>{html.escape(text)}</span>' if text else ""

    more = [f"<details><summary>more</summary>{html.escape(y)} · {html.escape(t)} · {html.escape(g or 'no evidence')}"
            + (f" · {link(u, s)}" if s else "") + "</details>"
            for y, t, g, u, s in zip(rows["memo_year"], rows["topic"], rows["grade"], rows["source_url"], rows["source"])]
    shown = pd.DataFrame({
        "claim": [link(h, q) for h, q in zip(rows["href"], rows["quote"])],
        "document": rows["document"].map(html.escape),
        "verdict": [f'<span hidden>{k:03d}</span>{html.escape(v)}' for k, v in zip(rows["severity"], rows["verdict"])],
        "printed": [html.escape(p) + hidden(x) for p, x in zip(rows["published"], rows["search"])],
        "evidence gives": rows["reproduced"].map(html.escape),
        "more": more})
    table = to_html_datatable(shown, connected=False, table_id="claims-table", allow_html=True, showIndex=False,
                              display_logo_when_loading=False, classes="display compact", order=[], pageLength=25,
                              lengthMenu=[10, 25, 100, len(shown)], column_filters="footer", maxBytes=0,
                              layout={"topStart": "pageLength", "topEnd": "search", "bottomStart": "info",
                                      "bottomEnd": "paging"},
                              style="width:100%;table-layout:auto")
    return generate_init_offline_itables_html(opt.dt_bundle), table


def render_claims(out_dir: Path) -> Path:
    """Write ``claims.html``: every claim of every document in one searchable table."""
    from mxrights.ledger import claims as claims_mod, evidence
    from mxrights.publish import report

    check = report.load_table("claims_check")
    ledger = claims_mod.load_claims()
    rows = explorer_rows(check, ledger, evidence.load_evidence(claims=ledger))
    head, table = explorer_html(rows)
    return _write(out_dir / "claims.html", "claims.html.j2", "claims", "Claims explorer — mxrights",
                  n=len(rows), n_docs=rows["document"].nunique(), itables_head=templating.markup(head),
                  table=templating.markup(table), behind=None)


def render_sources(out_dir: Path) -> Path:
    """Write ``sources.html``, ``sources.bib`` and ``sources.json`` (CSL-JSON)."""
    from mxrights.publish import citations, report
    from mxrights.ledger import evidence
    from mxrights.sources import registry

    src = citations.sources_table(registry.load_registry(include_pending=True), evidence.load_evidence())
    (out_dir / "sources.bib").write_text(citations.to_bibtex(src), encoding="utf-8")
    (out_dir / "sources.json").write_text(citations.to_csl_json(src), encoding="utf-8")
    files = src[src["kind"] != "evidence source"]
    ev = src[src["kind"] == "evidence source"]
    cols = {"title": "title", "publisher": "publisher", "publisher_es": "publisher (Spanish)", "date": "published",
            "retrieved": "retrieved", "locator": "locator", "url": "url"}
    files_tab = report.html_table(files[["key", "kind", *cols]].rename(columns=cols), links={"title": "url"},
                                  row_ids="key")
    ev = ev.assign(used_by=ev["used_by"].map(lambda ids: f"{len([i for i in ids.split(';') if i])} figure(s)"))
    ev_tab = report.html_table(ev[["key", *cols, "reported_by", "used_by"]].rename(columns=cols).rename(
        columns={"reported_by": "reported by", "used_by": "figures used", "locator": "quoted words"}),
        links={"title": "url"}, row_ids="key")
    return _write(out_dir / "sources.html", "sources.html.j2", "sources", "Sources and citations — mxrights",
                  n_files=len(files), n_sources=len(ev), files_table=templating.markup(files_tab),
                  evidence_table=templating.markup(ev_tab), behind=None)


def scope_table() -> pd.DataFrame:
    """The method page's table of scopes (``vocabulary/scopes.csv``), in words: what each
    means, whether it can confirm or contradict a claim, the bound it gives, and where it is
    declared."""
    from mxrights.ledger import vocab

    s = vocab.scopes()
    yes_no = {True: "yes", False: "no"}
    return pd.DataFrame({
        "scope": s["scope"], "means": s["label"],
        "can confirm or contradict": s["same_quantity"].map(yes_no),
        "bound": s["bound"].map({"lower": "lower: the claim is at least the figure",
                                 "upper": "upper: the claim is at most the figure", "": ""}),
        "declared in": s["declared_in"].map(lambda d: ", ".join(d)),
        "description": s["description"]})


def method_body() -> str:
    """The method page's main HTML, generated from the vocabulary tables the rules read.

    Verdicts (in precedence order, with the grades, scopes and agreement each requires),
    evidence grades and relation kinds come from ``data/raw/vocabulary/``, so this page
    cannot drift from the code that applies them.
    """
    from mxrights.publish import report
    from mxrights.ledger import vocab

    g = vocab.grades().set_index("grade")
    scope_words = vocab.scopes().set_index("scope")["label"]
    agree_words = {"agrees": "agrees with the claim", "disagrees": "does not agree with the claim",
                   "any": "whether or not it agrees",
                   "mixed": "disagrees: with another such source beyond the claim's rounding, or, counting under "
                            "another definition, with the claim"}
    rows = []
    for r in vocab.verdicts().itertuples():
        if not r.grades:
            rule = "when nothing above applies"
        else:
            grades = ", ".join(f"({x}) {g.loc[x, 'label'].lower()}" for x in r.grades)
            rule = (f"evidence of grade {grades}, measuring {' or '.join(scope_words[x] for x in r.scopes)}, "
                    f"that {agree_words[r.agreement]}")
        rows.append({"order": r.precedence, "verdict": r.label, "applies to": rule, "what it means": r.description})
    kinds = vocab.relation_kinds()
    return templating.render(
        "method_body.html.j2",
        verdicts_table=templating.markup(report.html_table(pd.DataFrame(rows))),
        grades_table=templating.markup(report.html_table(vocab.grades().assign(
            independent=lambda d: d["independent"].map({True: "yes", False: "no"}))[
            ["grade", "label", "independent", "description"]])),
        scopes_table=templating.markup(report.html_table(scope_table())),
        kinds_table=templating.markup(report.html_table(kinds.assign(
            tests=kinds["tests"].map({True: "yes", False: "no"}),
            lifts=kinds["lifts"].map({True: "yes", False: "never"}))[["kind", "tests", "lifts", "description"]]
            .rename(columns={"tests": "is a test", "lifts": "can lift a verdict"}))))


def render_method(out_dir: Path) -> Path:
    """Write ``method.html`` (see :func:`method_body`)."""
    return _write(out_dir / "method.html", "method.html.j2", "method",
                  "Method: verdicts, evidence grades and relations — mxrights", body=templating.markup(method_body()),
                  behind=None)


def copy_data(out_dir: Path) -> list[Path]:
    """Copy the processed tables beside the site (``data/``), so each page links to its CSVs."""
    dest = out_dir / "data"
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for p in sorted(paths.processed_dir().glob("*.csv")):
        shutil.copyfile(p, dest / p.name)
        written.append(dest / p.name)
    return written


def prune(pages: set[str], reports: Path | None = None) -> list[Path]:
    """Remove the pages of documents or topics no longer in the site map.

    A page is ``reports/html/<page>.html`` with its executed notebook
    (``reports/executed/<page>.ipynb`` and its copy in ``reports/html/notebooks/``); any whose
    name is not in ``pages`` (the site map's ``page`` column) is deleted, so that a removed
    memo does not linger on the site. Returns the files removed.
    """
    reports = reports or paths.reports_dir()
    gone = []
    for folder, pattern in ((reports / "html", "*.html"), (reports / "executed", "*.ipynb"),
                            (reports / "html" / "notebooks", "*.ipynb")):
        for p in sorted(folder.glob(pattern)):
            if p.stem not in pages:
                p.unlink()
                gone.append(p)
    return gone


def render_all(executed_dir: Path | None = None, out_dir: Path | None = None, names: list[str] | None = None) -> list[Path]:
    """Render executed notebooks (all, or ``names``, or those newer than their page) and the
    site's own pages; copy the processed tables beside them."""
    executed_dir = executed_dir or paths.reports_dir() / "executed"
    out_dir = out_dir or paths.reports_dir() / "html"
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for nbp in sorted(executed_dir.glob("*.ipynb")):
        htmlp = out_dir / f"{nbp.stem}.html"
        if names is None or nbp.stem in names or not htmlp.exists() or htmlp.stat().st_mtime < nbp.stat().st_mtime:
            written.append(render_notebook(nbp, htmlp))
    copy_data(out_dir)
    for render in (render_method, render_sources, render_claims, render_index):
        written.append(render(out_dir))
    return written
