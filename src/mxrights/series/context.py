"""Which documents speak of a context topic (the violence around the memos), and how often.

``data/raw/vocabulary/context_terms.csv`` lists, per topic, the words by which a text speaks of
it (``security forces``, ``homicide``, ``violencia``…; a term matches case-insensitively, also
inside a longer word, so ``militariz`` finds *militarization*). :func:`mentions` counts them in
every document of ``memos.csv``; memo pages and the memo-over-memo page link to the topic's
comparison page where a document speaks of it.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.sources.schemas import TableError


def terms(path: Path | None = None) -> pd.DataFrame:
    """``context_terms.csv``: ``topic`` (a topic of ``topics.csv``), ``term``, ``note``."""
    from mxrights.sources import registry
    from mxrights.ledger import vocab
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("context_terms")
    df = _read(path, "context_terms")
    topics = set(vocab.topic_table()["topic"])
    for i, r in df.iterrows():
        if r["topic"] not in topics:
            raise TableError(f"{path}, row {i + 2}, column topic: {r['topic']!r} is not a topic of topics.csv")
        if not r["term"].strip():
            raise TableError(f"{path}, row {i + 2}, column term: empty")
    return df


def mentions(documents: list[str], table: pd.DataFrame | None = None, seeds: Path | None = None) -> pd.DataFrame:
    """``document, topic, term, count``: how often each term occurs in each document's text
    (case-insensitive; rows with a count of 0 are left out), sorted by document, topic, term."""
    from mxrights.sources import text

    table = table if table is not None else terms()
    rows = []
    for doc in sorted(documents):
        body = text.document_text(doc, seeds).lower()
        for r in table.itertuples():
            n = body.count(r.term.lower())
            if n:
                rows.append({"document": doc, "topic": r.topic, "term": r.term, "count": n})
    return pd.DataFrame(rows, columns=["document", "topic", "term", "count"])


def link_sentence(found: pd.DataFrame, documents: list[str], topic: str, label: str, href: str) -> str:
    """A sentence linking a page to a topic's comparison page when its documents speak of the
    topic ("These texts use words of the topic “Violence context” (“security forces” ×3): …"), else ""."""
    sub = found[found["document"].isin(documents) & (found["topic"] == topic)]
    if sub.empty:
        return ""
    words = sub.groupby("term", sort=True)["count"].sum()
    said = ", ".join(f"“{t}” ×{int(n)}" for t, n in words.items())
    return f"These texts use words of the topic “{label}” ({said}); its year-by-year figures are on [{label}]({href})."


def page_links(found: pd.DataFrame, documents: list[str]) -> str:
    """:func:`link_sentence` for every context topic that has a comparison page (Markdown; ``""``
    when the documents speak of none)."""
    from mxrights.publish import pages
    from mxrights.ledger import vocab

    site = pages.site_pages("")
    topic_page = site[site["topic"] != ""].set_index("topic")
    labels = vocab.topic_table().set_index("topic")["label_en"]
    out = [link_sentence(found, documents, t, labels[t], f"{topic_page.loc[t, 'page']}.html")
           for t in sorted(set(found["topic"])) if t in topic_page.index]
    return "\n\n".join(s for s in out if s)
