"""The rules that give every claim its verdict, its evidence grade and its independence.

Every piece of evidence that bears on a claim becomes a :class:`Comparison` with three
properties computed from data, never typed by hand:

* **grade** — (a) recomputed from registered primary data; (b) read in the producing body's
  own document; (c) a third party's report of that body's figure; (d) not independent: the
  producing body or whoever reported the figure is an author, co-signer or commissioner of
  the document checked (``data/raw/document_parties.csv``); (e) the document's own arithmetic.
* **scope** — whether the evidence measures the claim's quantity: the evidence row's
  indicator, population, geography and period (or as-of date) are compared with the
  claim's (:func:`differences`). Equal in every column: ``same``. Otherwise the row must say
  which way it differs (``narrower``: a lower bound; ``broader``: an upper bound; ``part``: a
  component), and a row that claims ``same`` while its columns differ is refused. Primary
  data are ``same`` or a stated ``proxy`` (``data/raw/recomputations.csv``).
* **agreement** — for the same quantity, whether the figure lies in the range the claim's
  words and rounding admit (:func:`mxrights.ledger.claims.interval`; a proxy's tolerance widens it);
  for a bound, whether the claim can respect it.

The verdict is then the first verdict of ``data/raw/vocabulary/verdicts.csv`` (in
precedence order) whose columns ``grades``, ``scopes`` and ``agreement`` match one of the
claim's comparisons; with none, the fallback verdict, whose reason is the claim's own
``would_settle`` text. Bound relations (``lifts = false`` in ``relation_kinds.csv``) never
lift a claim: they are mentioned in the reason only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from mxrights.ledger import claims as claims_mod
from mxrights.ledger import evidence as ev_mod
from mxrights.sources import schemas
from mxrights.ledger import vocab
from mxrights.judge.recompute import Recomputation



@dataclass(frozen=True)
class Comparison:
    """One piece of evidence set against one claim.

    Attributes:
        source: ``recomputation``, ``evidence`` or ``relation``.
        ids: evidence ids, relation id or registry names (``;``-joined).
        files: where they live (``evidence/evidence.csv``, ``claim_relations.csv``, ``registry:NAME``).
        grade: ``a``–``e`` (see the module docstring).
        scope: a scope of ``data/raw/vocabulary/scopes.csv`` (``same``, ``narrower``,
            ``broader``, ``part``, ``proxy`` or ``arithmetic``), whose columns the rules read.
        value: the figure compared (claim's unit), or None for arithmetic.
        agrees: True when compatible with the claim (see the module docstring).
        method: how the figure was formed, in words.
        reason: why it agrees or not, with the numbers.
        why_not_independent: for grade (d), who is the document's party and how.
        as_of: the evidence's date (ties between comparisons go to the dated one).
        who: the source in words (publisher, and the outlet that reported it).
    """

    source: str
    ids: str
    files: str
    grade: str
    scope: str
    value: float | None
    agrees: bool
    method: str
    reason: str
    why_not_independent: str = ""
    as_of: str = field(default="", compare=False)
    who: str = field(default="", compare=False)


def agrees(value: float, claim: pd.Series, tolerance: float = 0.0) -> bool:
    """True when ``value`` lies in the claim's range, widened by ``tolerance`` (relative)."""
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    lo = lo * (1 - tolerance)
    hi = hi * (1 + tolerance) if math.isfinite(hi) else hi
    return lo <= value <= hi


def _fmt(v: float) -> str:
    """A figure as a reader writes it: thousands separators, no exponent, at most six
    significant digits after the point (``36,000,000``; ``2,722.5``; ``3.17``)."""
    if not math.isfinite(v):
        return str(v)
    if abs(v) < 1:
        return f"{v:.6g}"
    r = float(f"{v:.6g}")
    return f"{int(r):,}" if r == int(r) else f"{r:,}"


def _range(claim: pd.Series) -> str:
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    left = f"({_fmt(float(claim['value']))}" if claim["qualifier"] == "more than" else f"[{_fmt(lo)}"
    return f"{left}, {'∞)' if not math.isfinite(hi) else _fmt(hi) + ']'}"


def _diff_text(value: float, published: float) -> str:
    d = value - published
    rel = f", {d / published:+.1%}" if published else ""
    return f"difference {'+' if d >= 0 else '-'}{_fmt(abs(d))}{rel}"


# --- grade -------------------------------------------------------------------------------

def evidence_grade(row: pd.Series, parties: set[str], document: str = "") -> tuple[str, str]:
    """Grade of one evidence row for a document whose parties (org ids) are ``parties``.

    Returns:
        ``(grade, why_not_independent)``: ``d`` with the reason when the publisher or the
        reporter is a party of the document; else ``b`` when read in the publisher's own
        document (no ``reported_by_id``, or the publisher reported it) and ``c`` otherwise.
    """
    orgs = vocab.organisations().set_index("org_id")
    pub, rep = row["publisher_id"], row.get("reported_by_id") or ""
    roles = vocab.document_parties()
    for who, what in ((pub, "published"), (rep, "reported")):
        if who and who in parties:
            role = roles.loc[(roles["org_id"] == who) & (roles["document"] == document), "role"]
            role_txt = (role.iloc[0] if len(role) else "party").replace("cosigner", "co-signer")
            return vocab.grade_for("party"), f"{what} by {orgs.loc[who, 'name_en']}, {role_txt} of this document"
    return (vocab.grade_for("publisher"), "") if not rep or rep == pub else (vocab.grade_for("third_party"), "")


# --- scope ---------------------------------------------------------------------------------

def _within(claim_value: str | None, evidence_value: str | None, end: bool) -> bool:
    """True when an evidence date falls in the unit (day, month or year) the claim writes.

    An unwritten claim bound admits anything; a claim bound the evidence does not state
    does not match.
    """
    if not claim_value:
        return True
    if not evidence_value:
        return False
    lo, hi = schemas.period_bound(claim_value), schemas.period_bound(claim_value, end=True)
    return lo <= schemas.period_bound(evidence_value, end=end) <= hi


def _overlap(a: str, b: str) -> bool:
    a0, a1 = schemas.period_bound(a), schemas.period_bound(a, end=True)
    b0, b1 = schemas.period_bound(b), schemas.period_bound(b, end=True)
    return a0 <= b1 and b0 <= a1


def differences(claim: pd.Series, row: pd.Series, measure: str | None = None) -> list[str]:
    """How an evidence row's quantity differs from the claim's, column by column.

    Compared: ``indicator``, ``population`` and ``geography`` (equal text), then time, by the
    indicator's ``measure`` in ``indicators.csv``: a ``flow`` (a count over a period) must
    cover the claim's period, each end falling in the day, month or year the claim writes;
    a ``stock`` (a total at a date) must be dated as the claim (``as_of`` overlapping at the
    precision written); an ``attribute`` of a case (an age, a sentence) is not compared in
    time. An empty list means the same quantity.
    """
    out = []
    for col in ("indicator", "population", "geography"):
        a, b = str(claim.get(col) or ""), str(row.get(col) or "")
        if a != b:
            out.append(f"{col}: evidence '{b}', claim '{a}'")
    if measure is None:
        ind = vocab.indicators().set_index("indicator")
        measure = ind.loc[claim["indicator"], "measure"] if claim["indicator"] in ind.index else "flow"
    if measure == "flow" and (claim.get("period_start") or claim.get("period_end")):
        if not (_within(claim.get("period_start"), row.get("period_start"), False)
                and _within(claim.get("period_end"), row.get("period_end"), True)):
            out.append(f"period: evidence {row.get('period_start') or '…'} to {row.get('period_end') or '…'}, "
                       f"claim {claim.get('period_start') or '…'} to {claim.get('period_end') or '…'}")
    elif measure in ("flow", "stock") and claim.get("as_of"):
        if not row.get("as_of") or not _overlap(claim["as_of"], row["as_of"]):
            out.append(f"as of: evidence {row.get('as_of') or '…'}, claim {claim['as_of']}")
    return out


def evidence_scope(claim: pd.Series, row: pd.Series, where: str = "data/raw/evidence") -> tuple[str, list[str]]:
    """The scope of an evidence row for a claim, checked against the columns.

    Raises:
        mxrights.sources.schemas.TableError: the row says ``same`` (or nothing) while its columns
            differ from the claim's, or says ``narrower``/``broader`` while they are equal.
    """
    diff = differences(claim, row)
    declared = row.get("scope") or vocab.same_scope()
    differs = vocab.scope_facts(declared)["differs"]
    if "evidence_row" in row.index:
        where = f"{where}, row {row['evidence_row']}"
    if differs == "no" and diff:
        others = [s for s in vocab.scope_names("evidence") if vocab.scope_facts(s)["differs"] != "no"]
        raise schemas.TableError(
            f"{where}, column scope (evidence_id={row['evidence_id']}, claim {claim['claim_id']}): the row measures "
            f"a different quantity ({'; '.join(diff)}); write {', '.join(others)} in scope, or fix the columns")
    if differs == "yes" and not diff:
        raise schemas.TableError(
            f"{where}, column scope (evidence_id={row['evidence_id']}, claim {claim['claim_id']}): scope says "
            f"{declared} but indicator, population, geography and period equal the claim's; say how it differs")
    return declared, diff


def check_scopes(claims: pd.DataFrame, evidence: pd.DataFrame) -> None:
    """Check every evidence row's declared scope against each claim it names (:func:`evidence_scope`),
    and that a row read under another definition states the claim's unit, so that
    ``mxrights data rehash`` refuses a bad row before a build does.

    Raises:
        mxrights.sources.schemas.TableError: the first bad row, naming file, row, column and value.
    """
    by_id = claims.set_index("claim_id", drop=False)
    for _, row in evidence.iterrows():
        for cid in [c for c in str(row.get("claim_id") or "").split(";") if c]:
            evidence_scope(by_id.loc[cid], row, f"data/raw/{row['evidence_file']}")
            if row["unit"] != by_id.loc[cid, "unit"]:
                raise schemas.TableError(
                    f"data/raw/{row['evidence_file']}, row {row['evidence_row']}, column unit (evidence_id="
                    f"{row['evidence_id']}, claim {cid}): {row['unit']!r}, but the claim counts in "
                    f"{by_id.loc[cid, 'unit']!r}; a figure in another unit cannot bear on it")


def bound_agrees(scope: str, value: float, claim: pd.Series) -> tuple[bool, str]:
    """Whether a bound admits the claim: a lower bound (``bound`` = lower in ``scopes.csv``: a
    narrower quantity or a part) or an upper one (a broader quantity)."""
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    if vocab.scope_facts(scope)["bound"] == "lower":
        ok = hi >= value
        implied = (f"; the claim states only a lower bound, which this one implies, but the evidence does not "
                   f"measure the claim's quantity" if ok and not math.isfinite(hi) and value >= lo else "")
        return ok, (f"{_fmt(value)} counts only part of the claim's quantity, so the true figure is at least "
                    f"{_fmt(value)}; the claim's range {_range(claim)} "
                    + ("reaches it" if ok else "lies below it: the claim is too small") + implied)
    ok = lo <= value
    return ok, (f"{_fmt(value)} counts a broader quantity, so the claim's figure is at most {_fmt(value)}; "
                f"the claim's range {_range(claim)} " + ("respects it" if ok else "exceeds it: the claim is too large"))


def bound_can_fail(scope: str, value: float, claim: pd.Series) -> tuple[bool, str]:
    """Whether a bound could have refuted the claim at all; ``(False, why)`` when it could not.

    A lower bound under a claim that states only a lower bound ("at least", "more than") is
    always respected; so is an upper bound under an "at most" claim (range starting at 0); and
    a bound equal to the claimed figure (within the rounding of its printed digits) is the
    claimed figure itself. None of
    them tests the claim, so none is counted as a check (the claim stays unverifiable unless
    something else bears on it).
    """
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    lower = vocab.scope_facts(scope)["bound"] == "lower"
    if lower and not math.isfinite(hi):
        return False, f"a lower bound under a claim of '{claim['qualifier']} {claim['printed']}' cannot fail"
    if not lower and lo <= 0:
        return False, f"an upper bound under a claim of '{claim['qualifier']} {claim['printed']}' cannot fail"
    e_lo, e_hi = claims_mod.interval(float(claim["value"]), "exact", claim["printed"])
    if e_lo <= value <= e_hi:
        return False, (f"the bound equals the claimed figure {claim['printed']} (within its rounding, "
                       f"{_fmt(e_lo)} to {_fmt(e_hi)}) and cannot separate it")
    return True, ""


def source_name(row: pd.Series) -> str:
    """A source in words: the publisher, and the outlet whose page was read when another."""
    def text(key: str) -> str:
        v = row.get(key)
        return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)

    pub, rep = text("publisher") or text("publisher_id"), text("reported_by")
    return pub + (f", as reported by {rep}" if rep and rep != pub else "")


# --- comparisons -------------------------------------------------------------------------------

def comparisons(claim: pd.Series, recomputation: Recomputation | None, evidence_rows: pd.DataFrame,
                relations: list[tuple[str, str, str, str]], parties: set[str]) -> tuple[list[Comparison], list[str]]:
    """Every comparison that bears on one claim, and notes that bear on it without deciding.

    Args:
        claim: a ledger row.
        recomputation: its primary-data recomputation, or None.
        evidence_rows: evidence rows naming it (may be empty).
        relations: ``(relation_id, kind, status, formula)`` for each relation it takes part in.
        parties: org ids of the document's authors, co-signers and commissioners.
    """
    pub = float(claim["value"])
    out: list[Comparison] = []
    notes: list[str] = []
    if recomputation is not None:
        r = recomputation
        exact = r.scope == vocab.same_scope()
        ok = agrees(r.value, claim, 0.0 if exact else r.tolerance)
        if not exact:
            why = (f"proxy gives {_fmt(r.value)} ({_diff_text(r.value, pub)}); "
                   + (f"within the proxy's stated tolerance of {r.tolerance:.0%}, so only approximately reproduced"
                      if ok else f"outside the proxy's tolerance of {r.tolerance:.0%}: a proxy miss is not a contradiction"))
        else:
            why = f"recomputed {_fmt(r.value)} ({_diff_text(r.value, pub)}); claim's range {_range(claim)}"
        out.append(Comparison("recomputation", r.sources, f"registry:{r.sources}", vocab.grade_for("recomputation"),
                              r.scope, r.value, ok,
                              r.method, why))
    if len(evidence_rows):
        graded = []
        for _, row in evidence_rows.iterrows():
            scope, diff = evidence_scope(claim, row, f"data/raw/{row['evidence_file']}")
            grade, why_d = evidence_grade(row, parties, claim["document"])
            graded.append((row, scope, diff, grade, why_d))
        same_scope = vocab.same_scope()
        same = [g for g in graded if g[1] == same_scope]
        # one comparison per source (a source's parts printed separately are combined), so that
        # two sources of the same quantity are set side by side, never one hidden behind another
        for grade, source in sorted({(g[3], g[0]["source_id"]) for g in same}):
            rows = pd.DataFrame([g[0] for g in same if g[3] == grade and g[0]["source_id"] == source])
            val, how = ev_mod.combined_value(rows)
            ok = agrees(val, claim)
            why_d = "; ".join(sorted({g[4] for g in same if g[3] == grade and g[0]["source_id"] == source and g[4]}))
            notes_txt = "; ".join(n for n in rows["notes"].fillna("") if n)
            reason = (f"{_fmt(val)} ({_diff_text(val, pub)}) lies in the claim's range {_range(claim)}" if ok else
                      f"{_fmt(val)} ({_diff_text(val, pub)}) lies outside the claim's range {_range(claim)}")
            if notes_txt:
                reason += f"; {notes_txt}"
            out.append(Comparison("evidence", ";".join(rows["evidence_id"]), ";".join(sorted(set(rows["evidence_file"]))),
                                  grade, same_scope, val, ok, f"published figure: {how}", reason, why_d,
                                  str(rows["as_of"].max() or ""), source_name(rows.iloc[0])))
        for row, scope, diff, grade, why_d in graded:
            if scope == same_scope:
                continue
            val, _ = ev_mod.combined_value(pd.DataFrame([row]))  # a complement row gives total − value
            facts_ = vocab.scope_facts(scope)
            detail = f" (differs in {'; '.join(diff)})" if diff else ""
            extra = f"; {row['notes']}" if row.get("notes") else ""
            if not facts_["bound"]:  # another definition or base: neither a check nor a bound
                ok = agrees(val, claim)
                out.append(Comparison(
                    "evidence", row["evidence_id"], row["evidence_file"], grade, scope, val, ok,
                    f"{facts_['label']}{detail}: {_fmt(val)} ({row['evidence_id']})",
                    f"{_fmt(val)} counts {facts_['label']}; it " + ("agrees with" if ok else "differs from")
                    + f" the claim's range {_range(claim)}" + extra, why_d, str(row.get("as_of") or ""),
                    source_name(row)))
                continue
            ok, why = bound_agrees(scope, val, claim)
            can_fail, why_not = bound_can_fail(scope, val, claim)
            if not can_fail and grade in vocab.independent_grades():  # a party's bound still shows where it comes from
                notes.append(f"{scope} quantity {_fmt(val)} ({row['evidence_id']}): {why_not}, so it is not a check")
                continue
            detail = detail or " (one component of the claimed total)"
            out.append(Comparison("evidence", row["evidence_id"], row["evidence_file"], grade, scope, val, ok,
                                  f"{scope} quantity{detail}: {_fmt(val)} ({row['evidence_id']})",
                                  why + extra, why_d, str(row.get("as_of") or ""), source_name(row)))
    kinds = vocab.relation_kinds().set_index("kind")
    for rid, kind, status, formula in relations:
        if not kinds.loc[kind, "tests"]:
            continue
        if kinds.loc[kind, "lifts"]:
            out.append(Comparison("relation", rid, "claim_relations.csv", vocab.grade_for("arithmetic"),
                                  vocab.scope_of_relations(), None,
                                  status == "pass",
                                  f"document arithmetic ({kind})", f"{formula}: {status}"))
        else:
            notes.append(f"{kind} relation {rid} ({formula}: {status}) cannot fail for plausible values and is "
                         "not counted as a check")
    return out, notes


def dispute(comps: list[Comparison], claim: pd.Series, scopes: list[str]) -> Comparison | None:
    """The dispute among independent comparisons, or None.

    Disputed when, among the comparisons whose scope is in ``scopes``: sources of the claim's
    own quantity disagree with each other — one agrees with the claim and another does not,
    or two disagree with it and lie further apart than the claim's own rounding (the width of
    its range) — or a source counting under another definition or base disagrees with the
    claim (the figure depends on what is counted). Both sides are kept in the reason.
    """
    cs = [c for c in comps if c.scope in scopes and c.value is not None]
    same = [c for c in cs if vocab.scope_facts(c.scope)["same_quantity"]]
    other = [c for c in cs if not vocab.scope_facts(c.scope)["same_quantity"]]
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    width = hi - lo
    against = [c for c in same if not c.agrees]
    apart = [(a, b) for i, a in enumerate(against) for b in against[i + 1:] if abs(a.value - b.value) > width]
    split = any(c.agrees for c in same) and against
    defined = [c for c in other if not c.agrees]
    if not (split or apart or defined):
        return None
    sides = same + [c for c in other if c in defined or c.agrees]
    text = "; ".join(f"{c.who or c.ids}: {_fmt(c.value)} ({'agrees with' if c.agrees else 'outside'} the claim's range"
                     f"{', ' + vocab.scope_facts(c.scope)['label'] if c in other else ''}; {c.ids})" for c in sides)
    why = ("sources of this quantity disagree" if (split or apart) else
           "the figure depends on what is counted: a source counting it under another definition or base differs")
    rank = {g: i for i, g in enumerate(vocab.grades()["grade"])}
    best = min(sides, key=lambda c: rank[c.grade])
    return Comparison("evidence", ";".join(c.ids for c in sides), ";".join(sorted({c.files for c in sides})),
                      best.grade, same[0].scope if same else best.scope, None, False,
                      f"{why}; neither side is picked", f"{why}: {text}", "", best.as_of, best.who)


def _pick(comps: list[Comparison], claim: pd.Series | None = None) -> tuple[pd.Series | None, Comparison | None]:
    """The first verdict (in precedence order) one of whose rules a comparison meets; a rule
    with ``agreement`` = mixed is met by a :func:`dispute` among the comparisons it admits."""
    rank = {g: i for i, g in enumerate(vocab.grades()["grade"])}  # grades.csv order: (a) first
    ordered = sorted(comps, key=lambda c: (rank[c.grade], c.as_of == "", ""), reverse=False)
    for _, v in vocab.verdicts().iterrows():
        if not v["grades"]:
            continue
        if v["agreement"] == "mixed":
            d = dispute([c for c in ordered if c.grade in v["grades"]], claim, v["scopes"]) if claim is not None else None
            if d is not None:
                return v, d
            continue
        for c in ordered:
            if c.grade in v["grades"] and c.scope in v["scopes"] and (
                    v["agreement"] == "any" or (v["agreement"] == "agrees") == c.agrees):
                return v, c
    return None, None


def judge(claim: pd.Series, recomputation: Recomputation | None, evidence_rows: pd.DataFrame,
          relations: list[tuple[str, str, str, str]], parties: set[str] | None = None) -> dict:
    """Verdict, grade and independence of one claim (see the module docstring).

    Returns:
        A dict with ``verdict, grade, scope, independent_check, reproduced_value, bound_value,
        difference, relative_difference, method, evidence, evidence_file, why_not_independent,
        reason``.
    """
    parties = parties if parties is not None else vocab.parties_of(claim["document"])
    comps, notes = comparisons(claim, recomputation, evidence_rows, relations, parties)
    v, c = _pick(comps, claim)
    pub = float(claim["value"])
    out = {"verdict": vocab.fallback_verdict(), "grade": "", "scope": "", "independent_check": False,
           "reproduced_value": None, "bound_value": None, "difference": None, "relative_difference": None,
           "method": "", "evidence": "", "evidence_file": "", "why_not_independent": "", "reason": ""}
    shown = set(c.ids.split(";")) if c is not None else set()
    others = [x for x in comps if x is not c and not set(x.ids.split(";")) <= shown]
    if c is None:
        settle = str(claim.get("would_settle") or "").strip()
        out["reason"] = "no independent evidence, proxy or arithmetic bears on this claim" + (
            f"; would be settled by {settle}" if settle else "")
    else:
        out.update({"verdict": v["verdict"], "grade": c.grade, "scope": c.scope, "method": c.method,
                    "evidence": c.ids, "evidence_file": c.files, "why_not_independent": c.why_not_independent,
                    "reason": c.reason,
                    "independent_check": (vocab.accuracy_of()[v["verdict"]] != ""
                                          and bool(vocab.scope_facts(c.scope)["same_quantity"]))})
        if c.value is not None and vocab.scope_facts(c.scope)["reproduces"]:
            d = c.value - pub
            out.update({"reproduced_value": c.value, "difference": d, "relative_difference": d / pub if pub else None})
        elif c.value is not None:
            out["bound_value"] = c.value
    extra = [f"also: {x.method} — {x.reason}" + (f" [{x.why_not_independent}]" if x.why_not_independent else "")
             for x in others] + notes
    if extra:
        out["reason"] = "; ".join([out["reason"]] + extra)
    return out


def check_claims(claims: pd.DataFrame, relations_eval: pd.DataFrame, evidence: pd.DataFrame,
                 recomputations: dict[str, Recomputation]) -> pd.DataFrame:
    """Verdict, grade and independence of every claim, judged fact by fact:
    ``data/processed/claims_check.csv``.

    Claims that state the same fact (:func:`mxrights.ledger.facts.assign`) are judged once, on the
    claim with the narrowest range, with everything that bears on any of them: the evidence
    rows and recomputations of every claim of the fact, their relations (except a repeat
    within the fact, which is the fact restated, not a check), and as parties every author,
    co-signer or commissioner of any document that states it (a source that wrote one of them
    is independent of none). Each claim inherits the fact's verdict; a repeat never adds a
    check. Adds ``fact_id``, ``fact_claims`` and ``same_quantity_facts``.
    """
    from mxrights.ledger import facts as facts_mod

    rel_of: dict[str, list[tuple[str, str, str, str]]] = {}
    members_of: dict[str, set[str]] = {}
    for r in relations_eval.itertuples(index=False):
        members_of[r.relation_id] = set(r.claims.split(";"))
        for cid in r.claims.split(";"):
            rel_of.setdefault(cid, []).append((r.relation_id, r.kind, r.status, r.formula))
    fa = facts_mod.assign(claims)
    by_id = claims.set_index("claim_id", drop=False)
    judged: dict[str, dict] = {}
    for fid, g in fa.groupby("fact_id", sort=False):
        ids = list(g["claim_id"])
        rep = by_id.loc[g["representative"].iloc[0]]
        rows = pd.concat([ev_mod.for_claim(evidence, i) for i in ids]) if len(evidence) else evidence
        rows = rows.drop_duplicates("evidence_id") if len(rows) else rows
        rc = next((recomputations[i] for i in ids if i in recomputations), None)
        rels, seen = [], set()
        for i in ids:
            for rel in rel_of.get(i, []):
                if rel[0] not in seen and not members_of[rel[0]] <= set(ids):
                    seen.add(rel[0])
                    rels.append(rel)
        parties = set().union(*(vocab.parties_of(d) for d in by_id.loc[ids, "document"].unique()))
        res = judge(rep, rc, rows, rels, parties)
        if len(ids) > 1:
            res["reason"] = (f"one fact stated by {len(ids)} claims ({', '.join(ids)}), judged once on "
                             f"{rep['claim_id']}: " + res["reason"])
        judged[fid] = res
    out = []
    for _, c in claims.iterrows():
        f = fa.loc[fa["claim_id"] == c["claim_id"]].iloc[0]
        res = dict(judged[f["fact_id"]])
        pub = float(c["value"])
        if res["reproduced_value"] is not None:  # the difference from this claim's own figure
            d = res["reproduced_value"] - pub
            res.update({"difference": d, "relative_difference": d / pub if pub else None})
        out.append({"claim_id": c["claim_id"], "document": c["document"], "memo": c["memo"],
                    "topic": c["topic"], "indicator": c["indicator"], "qualifier": c["qualifier"],
                    "unit": c["unit"], "published_value": pub, **res, "fact_id": f["fact_id"],
                    "fact_claims": int(f["fact_claims"]), "same_quantity_facts": f["same_quantity_facts"]})
    cols = ["claim_id", "document", "memo", "topic", "indicator", "qualifier", "unit", "published_value",
            "verdict", "grade", "scope", "independent_check", "reproduced_value", "bound_value", "difference",
            "relative_difference", "method", "evidence", "evidence_file", "why_not_independent", "reason",
            "fact_id", "fact_claims", "same_quantity_facts"]
    return pd.DataFrame(out)[cols]


#: Labels of the group rows of :func:`verdict_counts`, per ``collection`` of ``memos.csv``.
GROUP_ROWS = {"seed": ("all seed documents", "the five seed documents"),
              "memo_series": ("all memo-series texts", "the memo series 2009-2021")}


def accuracy_counts(check: pd.DataFrame) -> pd.Series:
    """What a set of claims (rows of ``claims_check``) says, counted by fact and by claim.

    ``facts``: distinct facts (``fact_id``); ``facts_independent``: those checked against
    independent evidence of their own quantity (``independent_check``); ``facts_holds``,
    ``facts_wrong``, ``facts_disputed``: how those came out (``accuracy`` of the verdict in
    verdicts.csv); ``facts_definition``: facts disputed only by sources that count under
    another definition or base — the figure depends on what is counted, which is not a check
    of it; ``facts_independent_pct``: the checked share of facts (percent). The same for claims
    (``claims``, ``independent``, ``independent_pct``, ``claims_holds``…). A fact stated by
    several claims counts once, whatever its repeats.
    """
    acc = check["verdict"].map(vocab.accuracy_of()).fillna("")
    indep = check["independent_check"].astype(bool)
    checked = acc.where(indep, "")
    definition = (acc == "disputed") & ~indep
    out = {"facts": check["fact_id"].nunique(), "facts_independent": check.loc[indep, "fact_id"].nunique()}
    for a in vocab.accuracy_values():
        out[f"facts_{a}"] = check.loc[checked == a, "fact_id"].nunique()
    out["facts_definition"] = check.loc[definition, "fact_id"].nunique()
    out["facts_independent_pct"] = round(100 * out["facts_independent"] / out["facts"], 1) if out["facts"] else 0.0
    out["claims"] = len(check)
    out["independent"] = int(indep.sum())
    out["independent_pct"] = round(100 * out["independent"] / out["claims"], 1) if len(check) else 0.0
    for a in vocab.accuracy_values():
        out[f"claims_{a}"] = int((checked == a).sum())
    out["claims_definition"] = int(definition.sum())
    return pd.Series(out, dtype=object)




def verdict_counts(check: pd.DataFrame, collections: dict[str, str] | None = None) -> pd.DataFrame:
    """The verdict summary: per document, per collection and overall, what holds, by fact and by claim.

    Columns: :func:`accuracy_counts` (facts; facts checked against independent evidence of
    their quantity; of those, how many hold, are wrong, are disputed; the same for claims)
    and the number of claims per verdict. Rows: each document; then, when the documents
    belong to more than one ``collection`` (``memos.csv``: the seeds and the memo series), one
    row per collection; then ``all documents``. Group rows count distinct facts across their
    documents (a fact two documents state is one fact), and their shares are computed from
    their own counts.

    Args:
        collections: document → collection (default: the ``collection`` column of ``memos.csv``;
            documents it does not know form no group).
    """
    names = vocab.verdict_names()
    if collections is None:
        m = vocab.memos()
        collections = dict(zip(m["document"], m["collection"]))
    memo = check.drop_duplicates("document").set_index("document")["memo"].to_dict()

    def row(rows: pd.DataFrame) -> pd.Series:
        return pd.concat([accuracy_counts(rows), rows["verdict"].value_counts().reindex(names, fill_value=0)])

    out = {doc: row(g) for doc, g in check.groupby("document", sort=True)}
    coll = check["document"].map(collections)
    if coll.nunique() > 1:
        for c, (doc_label, memo_label) in GROUP_ROWS.items():
            if (coll == c).any():
                out[doc_label] = row(check[coll == c])
                memo[doc_label] = memo_label
    out["all documents"] = row(check)
    memo["all documents"] = "all memos"
    t = pd.DataFrame(out).T
    t.index.name = "document"
    t = t.reset_index()
    t.insert(1, "memo", t["document"].map(memo))
    ints = [c for c in t.columns if c not in ("document", "memo", "facts_independent_pct", "independent_pct")]
    t[ints] = t[ints].astype(int)
    for c in ("facts_independent_pct", "independent_pct"):
        t[c] = t[c].astype(float)
    return t
