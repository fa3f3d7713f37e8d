"""The claims ledger and the arithmetic relations between claims.

``data/raw/claims.csv`` holds one row per quantitative statement of the seed documents:
its exact quote (after :func:`mxrights.sources.text.normalise`), the number as printed, its value,
unit and qualifier, the indicator (shared vocabulary in ``data/raw/indicators.csv``), the
period it covers and the source the document cites.

``data/raw/claim_relations.csv`` holds the arithmetic the memos imply: parts that add up
(``sum``), shares and ratios they leave implicit (``share``, ``ratio``), orderings
(``bound``: lhs ≤ rhs), and the same indicator across memos (``repeat``: the stated ranges
overlap; ``monotone``: a cumulative figure of one series never falls over ``as_of``;
``side_by_side``: related figures of different series, no test). The kinds, and whether
each may lift a verdict, are in ``data/raw/vocabulary/relation_kinds.csv``. :func:`evaluate_relations` computes each.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pandas as pd

from mxrights.sources import package, schemas, text
from mxrights import paths


def load_indicators(path: Path | None = None) -> pd.DataFrame:
    """Read the indicator vocabulary (indicator, topic, unit, label_en, label_es)."""
    from mxrights.ledger import vocab

    return vocab.indicators(path).copy()


def known_documents(seeds: Path | None = None) -> list[str]:
    """File names of the documents the ledger may quote: the seeds and the memo-series texts."""
    folder = seeds or paths.seeds_dir()
    series = paths.memo_series_dir()
    extra = [p.name for p in series.glob("*.txt")] if series.is_dir() else []
    return sorted({p.name for p in folder.glob("*.txt")} | set(extra))


def load_claims(path: Path | None = None, seeds: Path | None = None,
                indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate the claims ledger.

    Raises:
        mxrights.sources.schemas.TableError: duplicate ``claim_id``, unknown document or indicator,
            non-numeric value, unit outside the vocabulary, period_end before period_start...
    """
    if path is None:
        from mxrights.sources import registry

        path = registry.resolve("claims_ledger")
    df = schemas.read_table(path)
    if df.empty:
        raise schemas.TableError(f"{path}: no claims below the header row")
    ind = indicators if indicators is not None else load_indicators()
    known = {("indicator_vocabulary", "indicator"): ind["indicator"], ("memo_register", "document"): known_documents(seeds)} \
        if seeds is not None else {("indicator_vocabulary", "indicator"): ind["indicator"]}
    out = package.check(df, "claims_ledger", path, refs=known, rules=claim_rules(ind))
    out = out.assign(value=out["value"].astype(float))
    return check_claim_dates_and_topics(out, ind, path)


def _period_order(df: pd.DataFrame) -> pd.Series:
    """False where a row's period ends before it starts (a malformed date is the schema's to report)."""
    ok = []
    for s, e in zip(df["period_start"].fillna(""), df["period_end"].fillna("")):
        try:
            a, b = schemas.period_bound(s), schemas.period_bound(e, end=True)
        except ValueError:
            ok.append(True)
            continue
        ok.append(a is None or b is None or b >= a)
    return pd.Series(ok, index=df.index)


def claim_rules(indicators: pd.DataFrame) -> list[tuple[str, object]]:
    """The ledger's rules that compare columns (``(name, function)`` for :func:`mxrights.sources.package.check`):
    a period that ends before it starts, a value above its indicator's ``max_value``, an as-of
    date in a future year."""
    has = indicators[indicators["max_value"].fillna("").astype(str).str.strip() != ""]
    limits = dict(zip(has["indicator"], has["max_value"].astype(float)))

    def at_most_max(d: pd.DataFrame) -> pd.Series:
        value = pd.to_numeric(d["value"], errors="coerce")
        return ~(value > d["indicator"].map(limits).astype(float))

    def not_future(d: pd.DataFrame) -> pd.Series:
        year = pd.to_numeric(d["as_of"].fillna("0000").astype(str).str[:4], errors="coerce").fillna(0)
        return year <= pd.Timestamp.today().year

    return [("period_end_not_before_period_start", _period_order),
            ("value_at_most_the_indicator's_max_value (data/raw/indicators.csv)", at_most_max),
            ("as_of_not_in_future", not_future)]


def check_claim_dates_and_topics(claims: pd.DataFrame, indicators: pd.DataFrame, path: str | Path) -> pd.DataFrame:
    """Rules that span columns or tables, each refusal naming file, row, column and value.

    * An empty ``as_of`` takes the claim's ``period_end`` (a count over a period is stated as
      of the period's end) or, when the period ends after the document was published (a
      project's planned years), the publication date: the earlier of the two (documented in
      CONTRIBUTING). A claim with neither ``as_of`` nor ``period_end`` is refused.
    * ``as_of`` may not begin after the document's publication date (``published`` in
      ``memos.csv``): a memo cannot state a figure known at a later date (a period, such as
      a project's, may end later).
    * ``topic`` must be the topic of the claim's indicator (``indicators.csv``).

    Returns the claims with ``as_of`` filled.
    """
    from mxrights.ledger import vocab

    out = claims.copy()
    empty = out["as_of"].isna() | (out["as_of"].astype(str).str.strip() == "")
    filled = empty & out["period_end"].notna()
    none = empty & ~filled
    if none.any():
        i = int(none.idxmax())
        raise schemas.TableError(f"{path}, row {i + 2}, column as_of (claim_id={out.loc[i, 'claim_id']}): empty, and "
                                 "period_end is empty too; write the date the figure refers to")
    published = vocab.memos().set_index("document")["published"]
    for i in out.index[filled]:
        end, pub = out.loc[i, "period_end"], published.get(out.loc[i, "document"], "")
        late = pub and schemas.period_bound(end) > schemas.period_bound(pub, end=True)
        out.loc[i, "as_of"] = pub if late else end
    topic_of = indicators.set_index("indicator")["topic"]
    for i, r in out.iterrows():
        where = f"{path}, row {i + 2}"
        pub = published.get(r["document"], "")
        if pub and schemas.period_bound(r["as_of"]) > schemas.period_bound(pub, end=True):
            raise schemas.TableError(f"{where}, column as_of (claim_id={r['claim_id']}): {r['as_of']!r} is after the "
                                     f"document's publication date ({pub}, data/raw/memos.csv)")
        want = topic_of.get(r["indicator"])
        if want is not None and r["topic"] != want:
            raise schemas.TableError(f"{where}, column topic (claim_id={r['claim_id']}): {r['topic']!r}, but indicator "
                                     f"{r['indicator']} belongs to topic {want!r} (data/raw/indicators.csv)")
    return out


def check_quotes(claims: pd.DataFrame, seeds: Path | None = None) -> pd.DataFrame:
    """Check that every quote occurs verbatim in its normalised document and carries its value.

    Returns:
        claims' ``claim_id, document`` plus booleans ``quote_found``, ``printed_in_quote``,
        ``printed_parses`` and ``ok``.
    """
    rows = []
    for r in claims.itertuples(index=False):
        doc = text.document_text(r.document, seeds)
        try:
            # "$36 million" is printed "36", value 36000000: a scale word after the number counts
            parses = math.isclose(text.parse_printed_number(r.printed) * text.scale_in_quote(r.quote, r.printed),
                                  float(r.value))
        except ValueError:
            parses = False
        found = r.quote in doc
        inq = r.printed in r.quote
        rows.append({"claim_id": r.claim_id, "document": r.document, "quote_found": found,
                     "printed_in_quote": inq, "printed_parses": parses, "ok": found and inq and parses})
    return pd.DataFrame(rows)


def assert_quotes(claims: pd.DataFrame, seeds: Path | None = None, path: str = "data/raw/claims.csv") -> None:
    """Raise ValueError naming each claim whose quote is not in its document or lacks its value."""
    chk = check_quotes(claims, seeds)
    bad = chk[~chk["ok"]]
    if len(bad):
        msgs = []
        for r in bad.itertuples():
            i = int(claims.index[claims["claim_id"] == r.claim_id][0])
            c = claims.loc[i]
            if not r.quote_found:
                col, why = "quote", f"not found in {r.document}: {_clip(c['quote'])!r}"
            elif not r.printed_in_quote:
                col, why = "printed", f"{c['printed']!r} does not occur in the quote {_clip(c['quote'])!r}"
            else:
                try:
                    reads = f"reads {text.parse_printed_number(c['printed']) * text.scale_in_quote(c['quote'], c['printed']):g}"
                except ValueError:
                    reads = "does not read as a number"
                col, why = "value", (f"{float(c['value']):g} does not match the printed figure {c['printed']!r}, which "
                                     f"{reads}")
            msgs.append(f"{path}, row {i + 2}, column {col} (claim_id={r.claim_id}): {why}")
        raise ValueError("\n".join(msgs))


def _clip(s: str, n: int = 80) -> str:
    s = str(s)
    return s if len(s) <= n else s[: n - 1] + "…"


def load_relations(path: Path | None = None, claims: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate ``data/raw/claim_relations.csv`` against the ledger's claim ids."""
    if path is None:
        from mxrights.sources import registry

        path = registry.resolve("claim_relations")
    cl = claims if claims is not None else load_claims()
    df = schemas.read_table(path)
    ids = set(cl["claim_id"])

    def ids_known(col: str):
        return lambda d: d[col].fillna("").map(lambda v: all(x in ids for x in re.split(r"[+;]", v) if x))

    df = package.check(df, "claim_relations", path, rules=[
        (f"{c}: every claim id it names is a claim_id of data/raw/claims.csv", ids_known(c)) for c in ("lhs", "rhs")])
    ind = cl.set_index("claim_id")["indicator"]
    for i, r in df.iterrows():
        if r["kind"] == "monotone":
            series = {ind[c] for c in r["lhs"].split(";")}
            if len(series) > 1:
                raise schemas.TableError(f"{path}, row {i + 2}, column kind (relation_id={r['relation_id']}): monotone "
                                         f"joins different series ({', '.join(sorted(series))}); use side_by_side")
    return df


def interval(value: float, qualifier: str, printed: str = "") -> tuple[float, float]:
    """The range of true values a printed figure admits, given its qualifier and rounding.

    ``exact``/``only``: ± half a unit of the last printed digit (``46.6`` → 46.55-46.65;
    ``26,000`` → ±500 when it ends in three zeros). ``at least`` → [v, ∞); ``more than`` →
    (v, ∞) (returned as [v + tiny, ∞)); ``about`` → ±5 % or the rounding, whichever is wider;
    ``nearly`` → [0.9 v, v]; ``at most`` → [0, v].
    """
    half = _rounding(printed, value)
    if qualifier in ("exact", "only"):
        return value - half, value + half
    if qualifier == "at least":
        return value, math.inf
    if qualifier == "more than":
        return value + 1e-9, math.inf
    if qualifier == "about":
        w = max(half, 0.05 * value)
        return value - w, value + w
    if qualifier == "nearly":
        return 0.9 * value, value
    if qualifier == "at most":
        return 0.0, value
    raise ValueError(f"unknown qualifier {qualifier!r}")


def _rounding(printed: str, value: float) -> float:
    """Half the unit of the last significant printed digit (0.5 for words and plain integers)."""
    s = (printed or "").replace(",", "").replace("%", "").strip()
    if re.fullmatch(r"\d+\.\d+", s):
        return 0.5 * 10 ** -len(s.split(".")[1])
    m = re.fullmatch(r"\d*?[1-9](0{3,})", s)
    if m:
        return 0.5 * 10 ** len(m.group(1))
    return 0.5


def evaluate_relations(relations: pd.DataFrame, claims: pd.DataFrame) -> pd.DataFrame:
    """Compute every relation.

    Returns:
        One row per relation: ``relation_id, kind, claims`` (ids, ``;``-joined), ``formula``
        (with the numbers), ``derived`` (the computed value: a sum, a share in percent, a
        ratio, or the last-minus-first change), ``unit`` and ``status`` (``pass``, ``fail`` or
        ``derived`` when the relation only yields a number).
    """
    cl = claims.set_index("claim_id")
    out = []
    for r in relations.itertuples(index=False):
        v = lambda cid: float(cl.loc[cid, "value"])  # noqa: E731
        if r.kind == "sum":
            parts = r.rhs.split("+")
            total = sum(v(p) for p in parts)
            status = "pass" if math.isclose(total, v(r.lhs)) else "fail"
            formula = f"{r.lhs} ({v(r.lhs):g}) = " + " + ".join(f"{p} ({v(p):g})" for p in parts)
            out.append(_rel(r, [r.lhs, *parts], formula, total, "count", status))
        elif r.kind in ("share", "ratio"):
            parts = r.rhs.split("+")
            den = sum(v(p) for p in parts)
            val = v(r.lhs) / den * (100 if r.kind == "share" else 1)
            formula = f"{r.lhs} ({v(r.lhs):g}) / " + " + ".join(f"{p} ({v(p):g})" for p in parts)
            formula += " × 100" if r.kind == "share" else ""
            out.append(_rel(r, [r.lhs, *parts], formula, round(val, 4), "percent" if r.kind == "share" else "ratio", "derived"))
        elif r.kind == "bound":
            status = "pass" if v(r.lhs) <= v(r.rhs) else "fail"
            out.append(_rel(r, [r.lhs, r.rhs], f"{r.lhs} ({v(r.lhs):g}) ≤ {r.rhs} ({v(r.rhs):g})",
                            v(r.rhs) - v(r.lhs), "count", status))
        elif r.kind in ("repeat", "monotone", "side_by_side"):
            ids = r.lhs.split(";")
            sub = cl.loc[ids].copy()
            sub["_asof"] = [schemas.period_bound(a, end=True) if a else pd.NaT for a in sub["as_of"]]
            sub = sub.sort_values("_asof", kind="stable")
            ivs = [interval(float(x.value), x.qualifier, x.printed) for x in sub.itertuples()]
            if r.kind == "repeat":
                lo, hi = max(i[0] for i in ivs), min(i[1] for i in ivs)
                status = "pass" if lo <= hi else "fail"
            elif r.kind == "monotone":
                # each later figure's upper bound must reach the earlier figure's lower bound
                status = "pass" if all(b[1] >= a[0] for a, b in zip(ivs, ivs[1:])) else "fail"
            else:
                status = "derived"
            vals = sub["value"].astype(float).tolist()
            formula = " → ".join(f"{i} ({q} {val:g}, as of {a})" for i, q, val, a in
                                 zip(sub.index, sub["qualifier"], vals, sub["as_of"]))
            out.append(_rel(r, list(sub.index), formula, vals[-1] - vals[0], cl.loc[ids[0], "unit"], status))
        else:  # pragma: no cover - the schema forbids it
            raise ValueError(f"unknown relation kind {r.kind!r}")
    return pd.DataFrame(out)


def _rel(r, ids, formula, derived, unit, status) -> dict:
    return {"relation_id": r.relation_id, "kind": r.kind, "claims": ";".join(ids), "formula": formula,
            "derived": derived, "unit": unit, "status": status, "description": r.description}


def summary(claims: pd.DataFrame) -> pd.DataFrame:
    """Per-document summary: number of claims, units and topics used."""
    g = claims.groupby(["document", "memo"], sort=True)
    return pd.DataFrame({
        "claims": g.size(),
        "units": g["unit"].agg(lambda s: ", ".join(f"{k} {v}" for k, v in s.value_counts().sort_index().items())),
        "topics": g["topic"].agg(lambda s: ", ".join(f"{k} {v}" for k, v in s.value_counts().sort_index().items())),
    }).reset_index()


# --- completeness: every number in a document is a claim, a date, or a listed non-statistic ---

_NUMBER = re.compile(r"(?<![\w.,])\d+(?:[.,]\d+)*"
                     # numbers in words ("one" is left out: it is mostly not a number)
                     r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty"
                     r"|forty|fifty|dozens?|hundreds?|thousands?|millions?|half|third|quarter|double|twice|triple)\b",
                     re.IGNORECASE)
#: Statistics written as words of zero, one or all: "no arrest warrant", "not a single
#: conviction", "not yet been any", "the only case", "both soldiers", "all accepted", "the first case";
#: and shares or outcomes in words: "the majority of", "most of the searches", "failed to obtain",
#: "remain unknown" (Spanish: "la mayoría").
_WORD_STATISTIC = re.compile(r"\bnot a single\b|\bnot\b(?:\s+\w+){0,3}?\s+any\b|\b(?:no|none|only|both|all|first)\b"
                             r"|\b(?:the\s+)?majority\b|\bmost\s+of\b|\bfailed\s+to\b|\bremains?\s+unknown\b"
                             r"|\bla\s+mayor[ií]a\b",
                             re.IGNORECASE)
_MONTH = (r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
          r"|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)")
_DAY_BEFORE_MONTH = re.compile(r"\s+(?:of\s+)?" + _MONTH + r"\b")
_MONTH_BEFORE_DAY = re.compile(_MONTH + r"\s+$")


def load_not_statistics(path: Path | None = None) -> pd.DataFrame:
    """Read the reviewed list of numbers that are not statistics (document, number, context, reason).

    ``context`` is a short exact snippet of the normalised document that contains the number;
    it says which occurrence is meant.
    """
    if path is None:
        from mxrights.sources import registry

        path = registry.resolve("claims_not_statistics")  # hash-checked
    return schemas.read_table(path).fillna("")


def _date_part(doc: str, start: int, end: int) -> str | None:
    """Why the number at ``doc[start:end]`` is part of a calendar date, or None."""
    tok = doc[start:end]
    if re.fullmatch(r"(19|20)\d\d", tok):
        return "calendar year"
    if tok.isdigit() and 1 <= int(tok) <= 31:
        if _DAY_BEFORE_MONTH.match(doc, end) or _MONTH_BEFORE_DAY.search(doc[max(0, start - 12):start]):
            return "day of a date"
    return None


def coverage(claims: pd.DataFrame, not_statistics: pd.DataFrame | None = None,
             seeds: Path | None = None) -> pd.DataFrame:
    """Every number printed in each ledger document, in digits or words, and what accounts for it.

    Words of zero, one or all ("no", "none", "not a single", "not … any", "only", "both",
    "all", "first") count as numbers too: each is a statistic or is listed with its reason.

    A number is accounted for when it lies inside the quote of one of its document's claims
    (``claim``), is part of a calendar date (``date``: a year 1900-2099, or a day next to a
    month name), or is listed with a reason in ``not_statistics`` (``listed``). Anything else
    is ``missing``: a statistic the ledger lacks, or a number to review and list.

    Returns:
        One row per number: ``document, position`` (character offset in the normalised text),
        ``number`` (as printed), ``status`` (claim / date / listed / missing), ``reason`` and
        ``context`` (the text around it).
    """
    listed = not_statistics if not_statistics is not None else load_not_statistics()
    documents = set(claims["document"]) | set(known_documents(seeds))
    for i, r in enumerate(listed.itertuples()):
        where = f"data/raw/claims_not_statistics.csv, row {i + 2}"
        if r.document not in documents:
            raise schemas.TableError(f"{where}, column document: {r.document!r} is not a known document "
                                     "(a seed or a memo-series text)")
        if r.number not in r.context or r.context not in text.document_text(r.document, seeds):
            raise schemas.TableError(f"{where}, column context: {r.context!r} does not occur in {r.document} "
                                     f"with the number {r.number!r} (the document changed? review the row)")
    rows = []
    for document in sorted(documents):
        doc = text.document_text(document, seeds)
        spans = []
        for quote in claims.loc[claims["document"] == document, "quote"]:
            spans += [(m.start(), m.end()) for m in re.finditer(re.escape(quote), doc)]
        exempt = []
        for r in listed[listed["document"] == document].itertuples():
            exempt += [(m.start(), m.end(), r.reason) for m in re.finditer(re.escape(r.context), doc)]
        found = list(_NUMBER.finditer(doc))
        taken = [m.span() for m in found]
        found += [m for m in _WORD_STATISTIC.finditer(doc)
                  if not any(a <= m.start() < b or m.start() <= a < m.end() for a, b in taken)]
        for m in sorted(found, key=lambda m: m.start()):
            s, e = m.span()
            status, reason = "missing", ""
            if any(a <= s and e <= b for a, b in spans):
                status = "claim"
            elif (why := _date_part(doc, s, e)) is not None:
                status, reason = "date", why
            else:
                hit = [why for a, b, why in exempt if a <= s and e <= b]
                if hit:
                    status, reason = "listed", hit[0]
            rows.append({"document": document, "position": s, "number": m.group(), "status": status,
                         "reason": reason, "context": doc[max(0, s - 50):e + 30]})
    return pd.DataFrame(rows, columns=["document", "position", "number", "status", "reason", "context"])
