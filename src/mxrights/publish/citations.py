"""Citations of every source: registered files and evidence sources, as a table, BibTeX and CSL-JSON.

A *source* is a registered file (a row of ``data/registry.csv``: a primary data file, a seed
document, a memo-series text, a hand-made table) or a publication an evidence row quotes
(``data/raw/evidence/``, one source per URL, with every locator quoted from it). The sources
page of the site shows :func:`sources_table`; researchers download the same rows as BibTeX
(:func:`to_bibtex`) and CSL-JSON (:func:`to_csl_json`, the format Zotero and pandoc read).
LaTeX special characters in BibTeX text fields are escaped by ``latexcodec``; URLs are
written verbatim (biblatex reads the ``url`` field verbatim).
"""

from __future__ import annotations

import json
import re

import pandas as pd

COLUMNS = ["key", "kind", "title", "publisher", "publisher_es", "reported_by", "date", "url", "retrieved",
           "locator", "used_by"]

#: Registry locations → the kind of source they hold.
FILE_KINDS = {"raw": "project table", "mirror": "primary data file", "seeds": "document checked",
              "memo_series": "memo-series text"}


def _key(text: str) -> str:
    """A BibTeX-safe key: lower-case letters, digits and hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def _clean(v) -> str:
    return "" if v is None or (not isinstance(v, str) and pd.isna(v)) else str(v).strip()


def sources_table(registry: pd.DataFrame, evidence: pd.DataFrame) -> pd.DataFrame:
    """Every source, one row each, files first (registry order), then evidence sources by key.

    Args:
        registry: ``data/registry.csv`` as read by :func:`mxrights.sources.registry.load_registry`.
        evidence: the evidence table as read by :func:`mxrights.ledger.evidence.load_evidence` (with
            publisher names resolved).

    Returns:
        :data:`COLUMNS`: ``key`` (unique; a file's registry name, an evidence source's
        ``source_id``, suffixed ``-2``, ``-3``… when one source id spans several URLs),
        ``kind``, ``title``, ``publisher`` and ``publisher_es``, ``reported_by`` (the outlet
        that reported a publisher's figure), ``date`` (publication date or year),
        ``url``, ``retrieved``, ``locator`` (the quoted words, ``" | "``-joined, or a file's
        path) and ``used_by`` (evidence ids, ``;``-joined; empty for files).
    """
    rows = []
    for r in registry.itertuples():
        rows.append({"key": _key(r.name), "kind": FILE_KINDS.get(r.location, r.location), "title": _clean(r.title),
                     "publisher": _clean(r.publisher), "publisher_es": _clean(r.publisher_es), "reported_by": "",
                     "date": _clean(r.published), "url": _clean(r.url), "retrieved": _clean(r.retrieved),
                     "locator": _clean(r.path), "used_by": ""})
    ev = evidence.sort_values(["source_id", "url", "evidence_id"])
    for sid, by_source in ev.groupby("source_id", sort=True):
        for n, (url, g) in enumerate(by_source.groupby("url", sort=True, dropna=False)):
            first = g.iloc[0]
            locators = list(dict.fromkeys(_clean(x) for x in g["locator"] if _clean(x)))
            rows.append({"key": _key(sid) + (f"-{n + 1}" if n else ""), "kind": "evidence source",
                         "title": _clean(first["title"]), "publisher": _clean(first["publisher"]),
                         "publisher_es": _clean(first["publisher_es"]), "reported_by": _clean(first["reported_by"]),
                         "date": _clean(first["year"]).removesuffix(".0"), "url": _clean(url),
                         "retrieved": _clean(first["retrieved"]), "locator": " | ".join(locators),
                         "used_by": ";".join(g["evidence_id"])})
    out = pd.DataFrame(rows, columns=COLUMNS)
    dup = out["key"].duplicated(keep=False)
    if dup.any():  # a file and an evidence source with the same name: qualify the evidence key
        out.loc[dup & (out["kind"] == "evidence source"), "key"] += "-source"
    return out


def _date_parts(text: str) -> list[list[int]] | None:
    """``2018-08`` → ``[[2018, 8]]``; ``None`` when the text holds no year."""
    m = re.match(r"^(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?", text or "")
    if not m:
        return None
    return [[int(x) for x in m.groups() if x]]


def for_evidence(sources: pd.DataFrame, evidence_ids: list[str]) -> pd.DataFrame:
    """The rows of :func:`sources_table` that hold any of ``evidence_ids`` (a claim's own citations)."""
    wanted = set(evidence_ids)
    return sources[sources["used_by"].map(lambda u: bool(wanted & set(str(u).split(";"))))]


def to_csl_json(sources: pd.DataFrame) -> str:
    """CSL-JSON (a JSON array of items) of :func:`sources_table` rows, sorted keys, UTF-8 text.

    Types: ``dataset`` for files, ``article-newspaper`` for a figure reported by an outlet
    (the outlet as author and ``container-title``: a press report is cited as the article it is,
    and the body that produced the figure is named in ``note``), ``webpage`` otherwise, whose
    author is the publisher (a literal name, with its Spanish name in ``note``); the locator goes
    in ``note``.
    """
    items = []
    for r in sources.itertuples():
        kind = "dataset" if r.kind != "evidence source" else ("article-newspaper" if r.reported_by else "webpage")
        # a press report is the article it is: the outlet is its author and container; the body
        # that produced the figure is named in the note
        item = {"id": r.key, "type": kind, "title": r.title, "author": [{"literal": r.reported_by or r.publisher}],
                "URL": r.url if r.url.startswith("http") else None}
        if r.reported_by:
            item["container-title"] = r.reported_by
        for field, text in (("issued", r.date), ("accessed", r.retrieved)):
            parts = _date_parts(text)
            if parts:
                item[field] = {"date-parts": parts}
        notes = [f"Figure produced by {r.publisher}" if r.reported_by else "",
                 f"Spanish name: {r.publisher_es}" if r.publisher_es and r.publisher_es != r.publisher else "",
                 f"Locator: {r.locator}" if r.locator else ""]
        item["note"] = "; ".join(n for n in notes if n) or None
        items.append({k: v for k, v in item.items() if v is not None})
    return json.dumps(items, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _tex(text: str) -> str:
    """Escape LaTeX's special characters (``& % $ # _ { } ~ ^ \\``) with latexcodec, keeping UTF-8."""
    import codecs

    import latexcodec  # noqa: F401  (registers the codec)

    return codecs.encode(text, "ulatex+utf8") if text else ""


def to_bibtex(sources: pd.DataFrame) -> str:
    """BibTeX (biblatex-friendly ``@misc``/``@dataset``/``@online`` entries) of :func:`sources_table` rows.

    Text fields are escaped by :func:`_tex`; the author (the outlet of a press report, else the
    publisher) is wrapped in braces (a corporate author, not split into names), the body that
    produced a reported figure is in ``note``; ``url`` is verbatim.
    """
    out = []
    for r in sources.itertuples():
        etype = "dataset" if r.kind != "evidence source" else "online"
        fields = [("author", "{" + _tex(r.reported_by or r.publisher) + "}"), ("title", _tex(r.title))]
        if r.reported_by:
            fields.append(("organization", _tex(r.reported_by)))
        year = _date_parts(r.date)
        if year:
            fields.append(("date", "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(year[0]))))
        if r.url.startswith("http"):
            fields.append(("url", r.url))
        if _date_parts(r.retrieved):
            fields.append(("urldate", r.retrieved))
        note = "; ".join(n for n in (f"Figure produced by {r.publisher}" if r.reported_by else "",
                                     f"Spanish name: {r.publisher_es}" if r.publisher_es and r.publisher_es != r.publisher
                                     else "", f"Locator: {r.locator}" if r.locator else "") if n)
        if note:
            fields.append(("note", _tex(note)))
        body = ",\n".join(f"  {k} = {{{v}}}" for k, v in fields)
        out.append(f"@{etype}{{{r.key},\n{body}\n}}\n")
    return "\n".join(out)
