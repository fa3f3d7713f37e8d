"""Build keys: what each page reads, down to the rows, and the hash of exactly that.

A notebook page is re-executed when its build key changes. The key hashes the notebook, its
parameters, the library source and **what the page reads**, as ``notebooks/jobs.csv`` declares it
(column ``reads``): a list of tables (a processed table by its name, a raw table by its registry
name), each optionally narrowed to the rows of the page's *scope* with ``table|column`` (or
``table|col1+col2``: a row belongs when any of those columns holds a scope value; a cell holding
``a;b`` or ``a+b`` holds both). The scope of a page comes from the site map: a memo page's documents, their
claims, the evidence rows those claims rest on and their indicators; a topic page's indicators;
a state page's code, places and claims. Tables every page reads — the registry (without the raw
tables' own hashes, which their rows stand for), the job and parameter tables, the memo
register, the indicators and every vocabulary table — are :func:`always_read`.

So an edit to one claim's text changes the key of that claim's page(s) and of no other notebook
page (the site's own pages that list every claim are rendered on every build). A test runs one
page of each notebook family with every table read recorded and checks the declaration covers
them (``tests/test_keys.py``).
"""

from __future__ import annotations

import csv
import hashlib
import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights import paths


def parse_reads(cell: str) -> list[tuple[str, tuple[str, ...]]]:
    """``"claims_check|document;indicators_annual;claims_ledger[claim_id]"`` →
    ``[("claims_check", ("document",)), ("indicators_annual", ()), ("claims_ledger[claim_id]", ())]``
    (a table name may carry ``[columns]``: only those columns are hashed)."""
    out = []
    for part in filter(None, (p.strip() for p in str(cell).split(";"))):
        table, _, cols = part.partition("|")
        out.append((table.strip(), tuple(c.strip() for c in cols.split("+") if c.strip())))
    return out


def _projection(table: str) -> tuple[str, list[str]]:
    """``"claims_ledger[claim_id,indicator]"`` → ``("claims_ledger", ["claim_id", "indicator"])``."""
    name, _, cols = table.partition("[")
    return name, [c.strip() for c in cols.rstrip("]").split(",") if c.strip()]


def table_path(name: str) -> Path:
    """A table's file: ``data/processed/<name>.csv``, else the raw file the registry names."""
    p = paths.processed_dir() / f"{name}.csv"
    if p.exists():
        return p
    from mxrights.sources import registry

    reg = registry.load_registry(include_pending=True).set_index("name")
    if name in reg.index and reg.loc[name, "location"] == "raw":
        return paths.raw_dir() / reg.loc[name, "path"]
    raise KeyError(f"{name!r} is neither a processed table nor a raw table of data/registry.csv")


def read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    """A CSV's header and rows, as text (no types: a key hashes what is written)."""
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh))
    return (rows[0], rows[1:]) if rows else ([], [])


def check_read(table: str, columns: tuple[str, ...]) -> None:
    """Refuse a declared read whose table, projected or filter column does not exist (KeyError
    naming what is missing); reads only the table's header."""
    name, cols = _projection(table)
    path = table_path(name)
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh), [])
    available = cols or header  # a filter column must survive the projection
    missing = [c for c in cols if c not in header] + [c for c in columns if c not in available]
    if missing:
        raise KeyError(f"{name} has no column {', '.join(dict.fromkeys(missing))} (columns: {', '.join(header)})")


def always_read() -> list[Path]:
    """Tables every page depends on (navigation, labels, vocabularies), registry apart."""
    from mxrights.build import params
    from mxrights.ledger import vocab

    vocab_dir = paths.raw_dir() / "vocabulary"
    return [vocab.jobs_path(), params.parameters_path(), paths.raw_dir() / "memos.csv",
            paths.raw_dir() / "indicators.csv", paths.raw_dir() / "settings.csv", *sorted(vocab_dir.glob("*.csv"))]


def registry_digest() -> str:
    """The registry's rows, a raw table's ``sha256`` and ``bytes`` left out (its rows are hashed
    where a page reads them); a mirror file's hash stays in (it stands for the file)."""
    header, rows = read_rows(paths.data_dir() / "registry.csv")
    loc, sha, size = header.index("location"), header.index("sha256"), header.index("bytes")
    h = hashlib.sha256()
    for r in rows:
        kept = [v for i, v in enumerate(r) if not (r[loc] == "raw" and i in (sha, size))]
        h.update("\x1f".join(kept).encode() + b"\n")
    return h.hexdigest()


def _digest_rows(header: list[str], rows: list[list[str]]) -> str:
    """sha256 of a header and rows (cells joined by the unit separator, rows by newlines)."""
    text = "\n".join("\x1f".join(r) for r in [header, *rows])
    return hashlib.sha256(text.encode()).hexdigest()


class Tables:
    """Tables read once per build-key computation: parsed rows for filtered reads, the file's
    sha256 for whole ones. ``override`` maps a table name to ``(header, rows)`` in place of its file
    (tests use it to try an edit)."""

    def __init__(self, override: dict | None = None):
        self.override = override or {}
        self._rows: dict = {}
        self._whole: dict = {}
        self._index: dict = {}

    def rows(self, table: str) -> tuple[list[str], list[list[str]]]:
        """A table's header and rows (``name[cols]``: only those columns)."""
        if table not in self._rows:
            name, cols = _projection(table)
            header, rows = self.override[name] if name in self.override else read_rows(table_path(name))
            if cols:
                missing = [c for c in cols if c not in header]
                if missing:
                    raise KeyError(f"{name}: no column {', '.join(missing)} (columns: {', '.join(header)})")
                keep = [header.index(c) for c in cols]
                header, rows = cols, [[r[i] for i in keep] for r in rows]
            self._rows[table] = (header, rows)
        return self._rows[table]

    def index(self, name: str, columns: tuple[str, ...]) -> dict[str, list[int]]:
        """Value → the rows (by position) whose ``columns`` hold it (cells split on ``;`` and ``+``)."""
        key = (name, columns)
        if key not in self._index:
            header, rows = self.rows(name)
            idx = [header.index(c) for c in columns if c in header]
            if not idx:
                raise KeyError(f"{name}: none of the columns {columns} is in the table (columns: {', '.join(header)})")
            out: dict[str, list[int]] = {}
            for n, r in enumerate(rows):
                for v in {v for i in idx if i < len(r) for v in re.split(r"[;+]", r[i])}:
                    out.setdefault(v, []).append(n)
            self._index[key] = out
        return self._index[key]

    def whole(self, table: str) -> str:
        """sha256 of a whole table (the file's bytes; parsed rows when projected or overridden)."""
        if table not in self._whole:
            name, cols = _projection(table)
            if cols or name in self.override:
                self._whole[table] = _digest_rows(*self.rows(table))
            else:
                self._whole[table] = hashlib.sha256(table_path(name).read_bytes()).hexdigest()
        return self._whole[table]


def reads_digest(reads: list[tuple[str, tuple[str, ...]]], scope: dict[str, list[str]],
                 tables: Tables | None = None) -> dict[str, str]:
    """``{table: sha256}`` of what a page reads: each table whole, or its rows whose filter
    columns hold a value of the page's ``scope`` for that column."""
    tables = tables or Tables()
    out = {}
    for table, columns in reads:
        if not columns:
            out[table] = tables.whole(table)
            continue
        header, rows = tables.rows(table)
        index = tables.index(table, columns)
        picked = sorted({n for c in columns for v in scope.get(c, []) for n in index.get(v, [])})
        out[table] = _digest_rows(header, [rows[n] for n in picked])
    return out


@lru_cache(maxsize=1)
def _always_digest_cached(stamp: tuple) -> str:
    h = hashlib.sha256(registry_digest().encode())
    for p in always_read():
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def always_digest() -> str:
    """sha256 over :func:`always_read` and :func:`registry_digest` (cached on the files' mtimes)."""
    files = [paths.data_dir() / "registry.csv", *always_read()]
    return _always_digest_cached(tuple((str(p), p.stat().st_mtime_ns) for p in files))


# --- scopes ---------------------------------------------------------------------------------

def scopes(site: pd.DataFrame) -> dict[str, dict[str, list[str]]]:
    """Each notebook page's scope, from its job family (``each`` in ``jobs.csv``), the site map
    and the ledger:

    - a memo page: ``document`` (its documents), ``claim_id`` (their claims), ``evidence_id``
      (the evidence rows their verdicts rest on), ``indicator`` (the claims' indicators);
    - a topic page: ``indicator`` (the topic's charted indicators), ``topic``;
    - a state page: ``state_code``, ``geography`` (the places lying in the state), ``claim_id``
      (the claims about those places);
    - any other page: nothing (it reads whole tables).
    """
    from mxrights.sources import geo
    from mxrights.ledger import vocab

    ch, rows = read_rows(paths.processed_dir() / "claims_check.csv")
    cl = {c: ch.index(c) for c in ("claim_id", "document", "indicator", "evidence")}
    lh, lrows = read_rows(paths.raw_dir() / "claims.csv")
    gi, ci = lh.index("geography"), lh.index("claim_id")
    where = geo.geographies()["state_code"]
    memos = vocab.memos()
    docs_of = memos.groupby("page")["document"].apply(list).to_dict()
    topics = vocab.series_indicators()
    each = vocab.jobs().set_index("job")["each"]
    out: dict[str, dict[str, list[str]]] = {}
    for r in site.itertuples():
        if not r.notebook:
            continue
        family = each.get(r.job, "")
        if family == "memo_page":
            params = r.parameters
            docs = docs_of.get(params.get("page", ""), [])
            mine = [x for x in rows if x[cl["document"]] in docs]
            out[r.page] = {"document": docs, "claim_id": [x[cl["claim_id"]] for x in mine],
                           "evidence_id": sorted({e for x in mine for e in x[cl["evidence"]].split(";") if e}),
                           "indicator": sorted({x[cl["indicator"]] for x in mine})}
        elif family == "comparison_topic":
            out[r.page] = {"indicator": topics.get(r.topic, []), "topic": [r.topic]}
        elif family == "state":
            places = sorted(g for g, s in where.items() if s == r.state)
            out[r.page] = {"state_code": [r.state], "geography": places,
                           "claim_id": [x[ci] for x in lrows if x[gi] in places]}
        else:
            out[r.page] = {}
    return out

