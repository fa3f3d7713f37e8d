"""The site map: every page of the site, from the job table and the vocabularies.

One row per page, whether a notebook makes it (a row of ``notebooks/jobs.csv``, a family
row multiplied into one page per memo page, per comparison topic or per state) or the site renders it
from the processed tables (the overview, the claims explorer, the sources and the method).
The runner plans its jobs from this table and the site draws its navigation from it, so a
page cannot be built without being in the navigation, nor linked without being built.
"""

from __future__ import annotations

import csv
from functools import lru_cache

import pandas as pd

from mxrights import paths
from mxrights.ledger import vocab

COLUMNS = ["page", "group", "label", "title", "job", "notebook", "parameters", "reads", "read_specs", "topic",
           "memo_year", "state"]


def _documents_with_claims() -> set[str]:
    """Documents of the claims ledger (a text that prints no statistic has no page)."""
    with open(paths.raw_dir() / "claims.csv", newline="", encoding="utf-8") as fh:
        return {r["document"] for r in csv.DictReader(fh)}


def _fill(params: dict, values: dict) -> dict:
    """Replace ``{page}``, ``{topic}``, ``{state}`` and ``{tables}`` in string parameters."""
    values = {"page": "", "topic": "", "state": ""} | values
    return {k: v.format(**values) if isinstance(v, str) else v for k, v in params.items()}


def _memo_rows(job: pd.Series, tables: str) -> list[dict]:
    memos = vocab.memos()
    rows = []
    for p in vocab.memo_pages(_documents_with_claims()).itertuples():
        first = memos[memos["document"] == p.documents[0]].iloc[0]
        if p.collection == "seed":
            group = "seed"
            label = f"{first['outlet']} {first['kind']} ({str(first['published'])[:4]})"
            title = f"{first['title']} — {first['author']} ({first['published']})"
        else:
            group = "series"
            n = int((memos["page"] == p.page).sum())  # every text of the year, as its page lists them
            label = str(p.year)
            title = f"The memo series in {p.year}: {n} text{'s' if n > 1 else ''}"
        rows.append({"page": job["job"].format(page=p.page), "group": group, "label": label, "title": title,
                     "job": job["job"], "notebook": job["notebook"], "reads": job["reads"], "read_specs": job["read_specs"],
                     "parameters": _fill(job["parameters"], {"page": p.page, "topic": "", "tables": tables}),
                     "topic": "", "memo_year": str(p.year or ""), "state": ""})
    return rows


def _topic_rows(job: pd.Series, tables: str) -> list[dict]:
    topics = vocab.topic_table().set_index("topic")
    return [{"page": job["job"].format(topic=t), "group": job["group"], "label": topics.loc[t, "label_en"],
             "title": f"Annual comparison: {topics.loc[t, 'label_en']} — {topics.loc[t, 'label_es']}",
             "job": job["job"], "notebook": job["notebook"], "reads": job["reads"], "read_specs": job["read_specs"],
             "parameters": _fill(job["parameters"], {"page": "", "topic": t, "tables": tables}),
             "topic": t, "memo_year": "", "state": ""} for t in vocab.comparison_topics()]


def _state_rows(job: pd.Series, tables: str) -> list[dict]:
    from mxrights.sources import geo

    s = geo.states()
    return [{"page": job["job"].format(state=c), "group": job["group"], "label": s.loc[c, "name_en"],
             "title": f"State: {geo.bilingual(c)} (INEGI {c})",
             "job": job["job"], "notebook": job["notebook"], "reads": job["reads"], "read_specs": job["read_specs"],
             "parameters": _fill(job["parameters"], {"state": c, "tables": tables}),
             "topic": "", "memo_year": "", "state": c} for c in geo.state_codes()]


def site_pages(tables_dir: str | None = None) -> pd.DataFrame:
    """Every page of the site (see :func:`_site_pages`; cached until :func:`mxrights.ledger.vocab.clear_cache`)."""
    tables = tables_dir if tables_dir is not None else str(paths.reports_dir() / "tables")
    return _site_pages(tables).copy()


@lru_cache(maxsize=4)
def _site_pages(tables_dir: str | None = None) -> pd.DataFrame:
    """Every page of the site, in navigation order (groups in ``page_groups.csv`` order).

    Args:
        tables_dir: the folder that stands for ``{tables}`` in job parameters (default
            ``<reports>/tables``).

    Returns:
        A DataFrame with :data:`COLUMNS`: ``page`` (the file stem: ``<page>.html``),
        ``group``, ``label`` (navigation), ``title``; for a notebook page also ``job`` (its
        row in jobs.csv), ``notebook``, ``parameters`` (dict) and ``reads`` (processed tables),
        ``topic`` and ``memo_year`` where they apply. Site-rendered pages have an empty
        ``notebook``.
    """
    tables = tables_dir if tables_dir is not None else str(paths.reports_dir() / "tables")
    rows = [{"page": r.page, "group": r.group, "label": r.label, "title": r.title, "job": "", "notebook": "",
             "parameters": {}, "reads": [], "read_specs": [], "topic": "", "memo_year": "", "state": ""}
            for r in vocab.site_pages().itertuples()]
    for _, job in vocab.jobs().iterrows():
        if job["each"] == "memo_page":
            rows += _memo_rows(job, tables)
        elif job["each"] == "comparison_topic":
            rows += _topic_rows(job, tables)
        elif job["each"] == "state":
            rows += _state_rows(job, tables)
        else:
            rows.append({"page": job["job"], "group": job["group"], "label": job["label"], "title": job["title"],
                         "job": job["job"], "notebook": job["notebook"], "reads": job["reads"], "read_specs": job["read_specs"],
                         "parameters": _fill(job["parameters"], {"page": "", "topic": "", "tables": tables}),
                         "topic": "", "memo_year": "", "state": ""})
    df = pd.DataFrame(rows, columns=COLUMNS)
    order = {g: i for i, g in enumerate(vocab.page_groups()["group"])}
    df["_g"] = df["group"].map(order)
    return df.sort_values("_g", kind="stable").drop(columns="_g").reset_index(drop=True)


def notebook_pages(tables_dir: str | None = None) -> pd.DataFrame:
    """The rows of :func:`site_pages` that a notebook makes."""
    df = site_pages(tables_dir)
    return df[df["notebook"] != ""].reset_index(drop=True)


@lru_cache(maxsize=1)
def navigation() -> tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...]:
    """The navigation header: ``(group label, group description, ((page, label), ...))`` per group."""
    df = site_pages("")
    groups = vocab.page_groups()
    return tuple((g.label_en, g.description, tuple(zip(df.loc[df["group"] == g.group, "page"],
                                                       df.loc[df["group"] == g.group, "label"])))
                 for g in groups.itertuples() if (df["group"] == g.group).any())


def comparison_links(indicators: pd.Series) -> pd.DataFrame:
    """The annual-comparison page that charts each indicator.

    Args:
        indicators: indicator ids (``indicators.csv``).

    Returns:
        A DataFrame aligned with ``indicators``: ``page`` (the topic's English label, empty
        when no comparison page charts the indicator) and ``href`` (``<page>.html`` or empty).
        Pages come from :func:`site_pages` (the ``topic`` column), not from file names.
    """
    df = site_pages("")
    topic_page = df[df["topic"] != ""].set_index("topic")
    of_topic = {i: t for t, inds in vocab.series_indicators().items() for i in inds if t in topic_page.index}
    topic = indicators.map(lambda i: of_topic.get(i, ""))
    return pd.DataFrame({"page": topic.map(lambda t: topic_page.loc[t, "label"] if t else ""),
                         "href": topic.map(lambda t: f"{topic_page.loc[t, 'page']}.html" if t else "")},
                        index=indicators.index)
