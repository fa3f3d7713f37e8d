"""The project's vocabulary, read from tables in ``data/raw`` (the one place that reads them).

Knowledge about words lives in data, not in code. This module alone reads:

* ``vocabulary/verdicts.csv`` — every verdict: precedence, label, colour, and the rule it
  stands for as columns (which evidence grades and scopes qualify, and whether the
  evidence must agree or disagree with the claim);
* ``vocabulary/grades.csv`` — evidence grades (a)–(e) and whether each is independent;
* ``vocabulary/scopes.csv`` — how an evidence figure's quantity relates to the claim's
  (the same quantity, a bound from a narrower or broader one, a proxy, the document's own
  arithmetic) and what each allows;
* ``vocabulary/relation_kinds.csv`` — kinds of arithmetic relation between claims, whether
  each is a test and whether a passing test may lift a claim above *unverifiable*;
* ``vocabulary/organisations.csv`` — every body that publishes, reports, authors or
  co-signs, with its English and Spanish names;
* ``document_parties.csv`` — who wrote or co-signed each checked document;
* ``indicators.csv`` — indicators (topic, unit, English and Spanish labels);
* ``vocabulary/page_groups.csv`` — the site's page groups (the navigation header), in order;
* ``notebooks/jobs.csv`` — the notebook jobs: which notebook makes which pages, with which
  parameters, in which page group (a family of pages is one row: one page per memo page or
  per comparison topic);
* ``memos.csv`` — the checked documents (memo id, title, author, date, audience, kind, the
  collection each belongs to — the five seeds or the memo series 2009–2021 — how much of it
  is held, and the page that reports it).

Each table is read once per process and validated; a bad cell raises
:class:`mxrights.sources.schemas.TableError` naming file, row and column.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights import paths
from mxrights.sources.schemas import TableError


def vocabulary_dir() -> Path:
    """The folder ``data/raw/vocabulary``."""
    return paths.raw_dir() / "vocabulary"


def _read(path: Path, resource: str) -> pd.DataFrame:
    """Read a small UTF-8 CSV as strings (empty cells ``""``), checked against its schema in
    ``datapackage.json`` (:func:`mxrights.sources.package.check`: columns, types, closed lists, keys,
    foreign keys), whose messages name file, row, column and value."""
    from mxrights.sources import package

    return package.read(resource, path).fillna("")


def _registered(name: str) -> Path:
    """The hash-checked path of a registered raw table."""
    from mxrights.sources import registry

    return registry.resolve(name)


def _bool(df: pd.DataFrame, col: str, path: Path) -> pd.Series:
    """A boolean column (its values were checked by the schema)."""
    return df[col] == "true"


@lru_cache(maxsize=4)
def grades(path: Path | None = None) -> pd.DataFrame:
    """Evidence grades: ``grade, label, independent`` (bool), ``given_when`` (the case in which the
    rules give it: ``recomputation``, ``publisher``, ``third_party``, ``party``, ``arithmetic``;
    :func:`grade_for`), ``description``."""
    path = path or _registered("grade_vocabulary")
    df = _read(path, "grade_vocabulary")
    df["independent"] = _bool(df, "independent", path)
    return df


#: The fields a verdict's ``sentence`` may use (filled by :func:`mxrights.publish.report.verdict_sentence`).
SENTENCE_FIELDS = ("who", "figure", "when", "printed", "sides", "formula", "scope_label", "why", "settle")


def accuracy_values() -> list[str]:
    """What a verdict may say of a claim's accuracy, in headline order (the closed list of
    ``accuracy`` in verdicts.csv, as ``datapackage.json`` gives it)."""
    from mxrights.sources import package

    return package.enum("verdict_vocabulary", "accuracy")


@lru_cache(maxsize=4)
def verdicts(path: Path | None = None) -> pd.DataFrame:
    """The verdict vocabulary in precedence order.

    Columns: ``verdict, precedence`` (int, 1 = decided first), ``label``, ``grades`` and
    ``scopes`` (lists: which evidence qualifies; both empty for the fallback verdict),
    ``agreement`` (``agrees``, ``disagrees``, ``any``, or ``mixed``: the qualifying sources
    disagree with each other or with the claim under another definition, see
    :func:`mxrights.judge.verdicts.dispute`), ``colour``, ``text_colour``, ``description`` and
    ``accuracy`` (what the verdict says of the claim's accuracy in the headline: ``holds``,
    ``wrong``, ``disputed``, or empty for a verdict that does not test it), ``short`` (a word or
    two for tables) and ``sentence`` (the plain sentence a claim's card opens with, with fields
    of :data:`SENTENCE_FIELDS` in braces).
    """
    path = path or _registered("verdict_vocabulary")
    df = _read(path, "verdict_vocabulary")
    for i, r in df.iterrows():
        bad = sorted(set(re.findall(r"{(\w+)}", r["sentence"])) - set(SENTENCE_FIELDS))
        if bad:
            raise TableError(f"{path}, row {i + 2}, column sentence: unknown field(s) {bad}; known: "
                             + ", ".join(SENTENCE_FIELDS))
    df["precedence"] = df["precedence"].astype(int)
    df["grades"] = df["grades"].map(_split)
    df["scopes"] = df["scopes"].map(_split)
    fallback = df[df["grades"].map(len) == 0]
    if len(fallback) != 1:
        raise TableError(f"{path}: exactly one verdict (the fallback) must have empty grades; found {len(fallback)}")
    return df.sort_values("precedence").reset_index(drop=True)


@lru_cache(maxsize=4)
def scopes(path: Path | None = None) -> pd.DataFrame:
    """How a figure's quantity relates to the claim's (``vocabulary/scopes.csv``).

    Columns: ``scope``, ``label`` (English, for the method page), ``same_quantity`` (bool: the
    figure measures the claim's quantity and can confirm or contradict it; exactly one row),
    ``reproduces`` (bool: the figure is shown as a reproduction of the claim's, not as a
    bound), ``bound`` (``lower``, ``upper`` or empty), ``differs`` (``yes``: the evidence row's
    columns must differ from the claim's; ``no``: must not; ``any``), ``declared_in`` (list of
    ``evidence``, ``recomputation``, ``relation``: the ``x-list`` enum of datapackage.json; exactly one scope is declared in relations) and ``description``.
    """
    path = path or _registered("scope_vocabulary")
    df = _read(path, "scope_vocabulary")
    for col in ("same_quantity", "reproduces"):
        df[col] = _bool(df, col, path)
    df["declared_in"] = df["declared_in"].map(_split)
    for i, r in df.iterrows():
        if r["bound"] and r["reproduces"]:
            raise TableError(f"{path}, row {i + 2}, column bound: a scope shown as a reproduction cannot be a bound")
    if int(df["same_quantity"].sum()) != 1:
        raise TableError(f"{path}, column same_quantity: exactly one scope must be true; found {int(df['same_quantity'].sum())}")
    if sum("relation" in d for d in df["declared_in"]) != 1:
        raise TableError(f"{path}, column declared_in: exactly one scope must be declared in relation")
    return df


@lru_cache(maxsize=4)
def units(path: Path | None = None) -> pd.DataFrame:
    """Units (``vocabulary/units.csv``): ``unit``, how a page writes a figure in it (``before``,
    ``after``, ``after_one`` for the figure 1), a table header (``header``), the unit in a sentence
    (``in_words``) and a description. Indexed by ``unit``."""
    path = path or _registered("unit_vocabulary")
    df = _read(path, "unit_vocabulary")
    return df.set_index("unit", drop=False)


def with_unit(text: str, unit: str) -> str:
    """A formatted figure with its unit in words (``37,435``, ``46.6%``, ``1 year``, ``rank 4``);
    the unit's name after the figure for a unit the table does not know."""
    u = units()
    if unit not in u.index:
        return f"{text} {unit}".strip()
    r = u.loc[unit]
    return f"{r['before']}{text}{r['after_one'] if text == '1' else r['after']}"


def scope_names(source: str | None = None) -> list[str]:
    """Scope names in table order; with ``source``, those that may be declared there."""
    s = scopes()
    return s["scope"].tolist() if source is None else s.loc[s["declared_in"].map(lambda d: source in d), "scope"].tolist()


def same_scope() -> str:
    """The one scope of the claim's own quantity (``same_quantity``)."""
    s = scopes()
    return s.loc[s["same_quantity"], "scope"].iloc[0]


def scope_of_relations() -> str:
    """The scope a relation between a document's own figures is given."""
    return scope_names("relation")[0]


def scope_facts(scope: str) -> pd.Series:
    """One row of :func:`scopes` (KeyError names the known scopes)."""
    table = scopes()
    held = _SCOPE_ROWS.get("table")
    if held is None or held[0] is not table:  # rows split once per table read (a test may swap the table)
        s = table.set_index("scope", drop=False)
        _SCOPE_ROWS["table"] = held = (table, {k: s.loc[k] for k in s.index})
    rows = held[1]
    if scope not in rows:
        raise KeyError(f"unknown scope {scope!r}; known: {', '.join(rows)}")
    return rows[scope]


_SCOPE_ROWS: dict = {}


def _split(cell: str) -> list[str]:
    return [x.strip() for x in str(cell).split(";") if x.strip()]


def verdict_names() -> list[str]:
    """Verdict names in precedence order."""
    return verdicts()["verdict"].tolist()


def fallback_verdict() -> str:
    """The verdict given when no evidence bears on a claim."""
    v = verdicts()
    return v.loc[v["grades"].map(len) == 0, "verdict"].iloc[0]


def accuracy_of() -> dict[str, str]:
    """Verdict → ``holds``, ``wrong``, ``disputed`` or ``""`` (the verdict does not test accuracy)."""
    v = verdicts()
    return dict(zip(v["verdict"], v["accuracy"]))


def independent_grades() -> list[str]:
    """Grades that count as independent of the document checked."""
    g = grades()
    return g.loc[g["independent"], "grade"].tolist()


@lru_cache(maxsize=4)
def relation_kinds(path: Path | None = None) -> pd.DataFrame:
    """Relation kinds: ``kind, tests`` (bool), ``lifts`` (bool), ``description``."""
    path = path or _registered("relation_kind_vocabulary")
    df = _read(path, "relation_kind_vocabulary")
    df["tests"] = _bool(df, "tests", path)
    df["lifts"] = _bool(df, "lifts", path)
    return df


@lru_cache(maxsize=4)
def organisations(path: Path | None = None) -> pd.DataFrame:
    """Every body named by evidence or document parties: ``org_id, name_en, name_es, kind``."""
    path = path or _registered("organisations")
    df = _read(path, "organisations")
    return df


#: Roles that make a body a party of a document. A ``probable cosigner`` is a regular signer
#: of the series where the document's own list is incomplete: treated as a party, so that
#: evidence from it is never counted as independent on a guess.


@lru_cache(maxsize=4)
def document_parties(path: Path | None = None) -> pd.DataFrame:
    """Authors and co-signers of each checked document: ``document, org_id, role, source_url, source_quote``.

    Raises:
        TableError: an ``org_id`` not in the organisations table, or an unknown role.
    """
    path = path or _registered("document_parties")
    df = _read(path, "document_parties")
    return df


def parties_of(document: str) -> set[str]:
    """Organisation ids that wrote, co-signed or commissioned ``document``."""
    p = document_parties()
    return set(p.loc[p["document"] == document, "org_id"])


@lru_cache(maxsize=4)
def indicators(path: Path | None = None) -> pd.DataFrame:
    """The indicator vocabulary: ``indicator, topic, unit, label_en, label_es, measure``

    ``measure`` is ``flow`` (a count over a period), ``stock`` (a total at a date) or
    ``attribute`` (a property of one case: an age, a sentence length); ``max_value`` the
    largest value a claim may state (100 for shares; empty for growth rates and counts);
    ``revised_by_indicator`` and ``revised_by_source`` the annual flow (and its source) whose
    sum over a claim's years says what today's data count for the same period (see
    :mod:`mxrights.judge.repeats`).
    """
    path = path or _registered("indicator_vocabulary")
    df = _read(path, "indicator_vocabulary")
    for i, r in enumerate(df.itertuples()):
        if bool(r.revised_by_indicator) != bool(r.revised_by_source):
            col = "revised_by_source" if r.revised_by_indicator else "revised_by_indicator"
            raise TableError(f"{path}, row {i + 2}, column {col}: empty while the other revised_by column is set")
    return df


@lru_cache(maxsize=4)
def topic_table(path: Path | None = None) -> pd.DataFrame:
    """Topics: ``topic, order, label_en, label_es, comparison_page`` (bool), in order."""
    path = path or _registered("topic_vocabulary")
    df = _read(path, "topic_vocabulary")
    df["comparison_page"] = _bool(df, "comparison_page", path)
    df["order"] = df["order"].astype(int)
    return df.sort_values("order").reset_index(drop=True)


def topics() -> list[str]:
    """Every topic, in order."""
    return topic_table()["topic"].tolist()


def comparison_topics() -> list[str]:
    """Topics that have an annual comparison page, in order."""
    t = topic_table()
    return t.loc[t["comparison_page"], "topic"].tolist()


def series_indicators() -> dict[str, list[str]]:
    """Topic → the indicators drawn on its comparison page (``series_order`` in indicators.csv)."""
    ind = indicators()
    ind = ind[ind["series_order"].str.strip() != ""].copy()
    ind["_o"] = ind["series_order"].astype(int)
    return {t: ind.loc[ind["topic"] == t].sort_values("_o")["indicator"].tolist() for t in comparison_topics()}




@lru_cache(maxsize=4)
def memos(path: Path | None = None) -> pd.DataFrame:
    """The checked documents (``data/raw/memos.csv``).

    Columns include ``url`` (the document's address) and ``url_note`` (empty when ``url`` is
    the document itself; otherwise what the page is, e.g. a release announcing it),
    ``collection`` (``seed``: one of the five documents the project exists
    for; ``memo_series``: a text of the memo series 2009–2021 or its coverage), ``holding``
    (how much of the text is held, e.g. only the first ~2,000 characters of an archived page)
    and ``page`` (the site page that reports the document's claims; the memo-series texts
    reporting the same year's memo share one page).
    """
    path = path or _registered("memo_register")
    df = _read(path, "memo_register")
    return df


def memo_years(m: pd.DataFrame | None = None) -> pd.Series:
    """Document → memo year (int): ``memo_year`` of ``memos.csv``, else the year of
    ``published`` (letters and context that report no memo of their own)."""
    m = m if m is not None else memos()
    year = m["memo_year"].where(m["memo_year"].str.strip() != "", m["published"].str[:4])
    return pd.Series(year.astype(int).values, index=m["document"].values)


def memo_pages(documents: set[str] | None = None) -> pd.DataFrame:
    """One row per page that reports claims: ``page``, ``collection``, ``documents`` (list of
    file names, in register order) and ``year`` (text: a seed's ``memo_year``, empty for a seed that is not a memo; for a
    memo-series page the memo year of its texts, :func:`memo_years`).

    Args:
        documents: keep only documents in this set (e.g. those with claims); a page none of
            whose documents is kept is dropped.
    """
    m = memos()
    if documents is not None:
        m = m[m["document"].isin(documents)]
    years = memo_years(m)
    rows = []
    for page, g in m.groupby("page", sort=False):
        seed = g["collection"].iloc[0] == "seed"
        rows.append({"page": page, "collection": g["collection"].iloc[0], "documents": g["document"].tolist(),
                     "year": g["memo_year"].iloc[0] if seed else str(years[g["document"].iloc[0]])})
    out = pd.DataFrame(rows, columns=["page", "collection", "documents", "year"])
    from mxrights.sources import package

    order = {c: i for i, c in enumerate(package.enum("memo_register", "collection"))}
    return out.sort_values("collection", key=lambda s: s.map(order), kind="stable").reset_index(drop=True)


@lru_cache(maxsize=4)
def page_groups(path: Path | None = None) -> pd.DataFrame:
    """The site's page groups, in order: ``group, order, label_en, label_es, description``."""
    path = path or _registered("page_group_vocabulary")
    df = _read(path, "page_group_vocabulary")
    df["order"] = df["order"].astype(int)
    return df.sort_values("order").reset_index(drop=True)


def jobs_path() -> Path:
    """``notebooks/jobs.csv``: the notebook jobs, beside the notebooks they run."""
    return paths.project_root() / "notebooks" / "jobs.csv"


@lru_cache(maxsize=4)
def jobs(path: Path | None = None) -> pd.DataFrame:
    """The notebook jobs: ``job`` (the page name, with ``{page}`` or ``{topic}`` for a family),
    ``notebook``, ``each`` (a ``job_family`` of ``vocabulary/enumerations.csv``), ``group`` (a page group; empty for memo
    pages, whose group follows their collection), ``label`` and ``title`` (the navigation
    label and the page title, for a single page; a family's follow from memos.csv or
    topics.csv), ``reads`` (the tables the notebook reads, processed by name, raw by registry
    name, each optionally narrowed to the page's rows with ``table|column``: see
    :mod:`mxrights.build.keys`; parsed into ``read_specs``, ``[(table, columns)]``, and ``reads``, the
    names) and ``parameters`` (a dict, parsed from JSON;
    ``{tables}`` stands for the folder of per-page tables, ``{page}``/``{topic}`` for the
    family's value).

    Raises:
        TableError: naming file, row, column and value, for an unknown family or group, a
            notebook that does not exist, a name without its family's placeholder, or
            parameters that are not a JSON object.
    """
    import json

    path = path or jobs_path()
    df = _read(path, "notebook_jobs")
    parsed = []
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if r["each"] not in job_families():
            raise TableError(f"{where}, column each: {r['each']!r} is not one of {', '.join(repr(k) for k in job_families())}")
        if not (path.parent / r["notebook"]).exists():
            raise TableError(f"{where}, column notebook: {r['notebook']!r} is not a notebook in {path.parent}")
        if not r["each"] and not (r["label"] and r["title"] and r["group"]):
            col = next(c for c in ("group", "label", "title") if not r[c])
            raise TableError(f"{where}, column {col}: empty (a single page needs its group, label and title)")
        placeholder = job_families().get(r["each"])
        if placeholder and placeholder not in r["job"]:
            raise TableError(f"{where}, column job: {r['job']!r} must contain {placeholder} (one page per value)")
        try:
            params = json.loads(r["parameters"] or "{}")
        except ValueError as exc:
            raise TableError(f"{where}, column parameters: {r['parameters']!r} is not JSON ({exc})") from None
        if not isinstance(params, dict):
            raise TableError(f"{where}, column parameters: {r['parameters']!r} is not a JSON object")
        parsed.append(params)
    df["parameters"] = parsed
    from mxrights.build import keys

    df["read_specs"] = df["reads"].map(keys.parse_reads)
    for i, specs in enumerate(df["read_specs"]):
        for table, columns in specs:
            try:
                keys.check_read(table, columns)
            except KeyError as exc:
                raise TableError(f"{path}, row {i + 2}, column reads: {table}{'|' + '+'.join(columns) if columns else ''}: "
                                 f"{exc.args[0]}") from None
    df["reads"] = df["read_specs"].map(lambda specs: [t.partition("[")[0] for t, _ in specs])
    return df


@lru_cache(maxsize=4)
def enumerations(path: Path | None = None) -> pd.DataFrame:
    """``vocabulary/enumerations.csv``: the short closed lists the tables' columns take (``list``,
    ``value`` in order, ``placeholder`` for a job family, ``description``)."""
    path = path or _registered("enumeration_vocabulary")
    df = _read(path, "enumeration_vocabulary")
    dup = df.duplicated(["list", "value"])
    if dup.any():
        i = int(dup.idxmax())
        raise TableError(f"{path}, row {i + 2}, column value: {df.loc[i, 'value']!r} is listed twice in {df.loc[i, 'list']!r}")
    return df


def enumeration(name: str) -> list[str]:
    """The values of one list of :func:`enumerations`, in order (KeyError names the lists)."""
    e = enumerations()
    if name not in set(e["list"]):
        raise KeyError(f"no list {name!r} in vocabulary/enumerations.csv; lists: {', '.join(dict.fromkeys(e['list']))}")
    return e.loc[e["list"] == name, "value"].tolist()


def job_families() -> dict[str, str]:
    """Job family (``each`` of jobs.csv) → the placeholder its page names carry (``""`` for one page)."""
    e = enumerations()
    e = e[e["list"] == "job_family"]
    return dict(zip(e["value"], e["placeholder"]))


@lru_cache(maxsize=4)
def settings(path: Path | None = None) -> dict[str, float]:
    """``data/raw/settings.csv``: setting → value (a number), e.g. ``trend_min_points`` → 5."""
    path = path or _registered("settings")
    df = _read(path, "settings")
    out = {}
    for _, r in df.iterrows():
        v = float(r["value"])  # a number: checked by the schema
        out[r["setting"]] = int(v) if v == int(v) else v
    return out


def setting(name: str) -> float:
    """One value of :func:`settings` (KeyError names the settings)."""
    s = settings()
    if name not in s:
        raise KeyError(f"no setting {name!r} in data/raw/settings.csv; settings: {', '.join(s)}")
    return s[name]


@lru_cache(maxsize=4)
def site_pages(path: Path | None = None) -> pd.DataFrame:
    """``vocabulary/site_pages.csv``: the pages the site renders itself (``page``, ``group``,
    ``label``, ``title``), in navigation order."""
    path = path or _registered("site_page_vocabulary")
    return _read(path, "site_page_vocabulary")


def grade_for(case: str) -> str:
    """The grade given in a case (``given_when`` of grades.csv: ``recomputation``, ``publisher``,
    ``third_party``, ``party``, ``arithmetic``)."""
    g = grades()
    rows = g[g["given_when"] == case]
    if rows.empty:
        raise KeyError(f"no grade of vocabulary/grades.csv is given when {case!r}")
    return str(rows["grade"].iloc[0])


def clear_cache() -> None:
    """Forget every table read (tests that edit a table call this)."""
    _SCOPE_ROWS.clear()
    for f in (grades, scopes, units, verdicts, relation_kinds, organisations, document_parties, indicators, memos,
              topic_table, page_groups, jobs, enumerations, settings, site_pages):
        f.cache_clear()
    from mxrights.sources import geo, package, tidy
    from mxrights.publish import pages
    from mxrights.series import reconcile

    package.clear_cache()
    tidy.clear_cache()
    geo.clear_cache()
    reconcile.clear_cache()
    pages._site_pages.cache_clear()
    pages.navigation.cache_clear()
