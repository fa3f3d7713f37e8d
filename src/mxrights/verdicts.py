"""The rules that give every claim its verdict.

Order of precedence (the first rule that applies wins):

1. ``recomputed`` — a recomputation from registered primary data (:mod:`mxrights.indicators`)
   falls inside the claim's range (:func:`mxrights.claims.interval`), widened by the
   recomputation's tolerance for proxy data.
2. ``sourced`` — an evidence row (or rows that add up) falls inside the claim's range.
   (Evidence marked ``combine=part`` is only a component of the claimed quantity: it can show a
   claim too small — ``contradicted`` — but never confirm it; otherwise the claim stays
   ``unverifiable`` with the component in the reason.)
3. ``contradicted`` — primary data or evidence exist and fall outside it; the relative
   difference and the likely reason (the evidence's notes: date, definition, denominator)
   are given.
4. ``consistent`` — the claim takes part in a relation of the memos' own arithmetic that
   passes (a sum, a bound, the same figure across memos, a cumulative series that does not fall).
5. ``unverifiable`` — none of the above; ``reason`` says what would settle it.
"""

from __future__ import annotations

import math

import pandas as pd

from . import claims as claims_mod
from . import evidence as ev_mod
from .indicators import Recomputation

VERDICTS = ["recomputed", "sourced", "consistent", "contradicted", "unverifiable"]

#: What would settle each unverifiable topic (shown in the verdict's reason).
SETTLE = {
    "torture": "the cited official statistic (PGR/FGR torture unit, CJF sentencing data, INEGI ENPOL tabulations) for the same period",
    "disappearance": "the cited register or prosecutor statistic (RNPED/RNPDNO extract, FEVD/FEBPD report) at the memo's date",
    "impunity": "the Global Impunity Index country table for the edition cited",
    "defenders_journalists": "a public case list (Protection Mechanism statistics, ARTICLE 19 or Red TDT annual counts)",
    "military": "court or CNDH records of the case, or SEDENA/PGR transparency answers",
    "institutions": "the institution's own report for the period",
}


def agrees(value: float, claim: pd.Series, tolerance: float = 0.0) -> bool:
    """True when ``value`` lies in the claim's range, widened by ``tolerance`` (relative)."""
    lo, hi = claims_mod.interval(float(claim["value"]), claim["qualifier"], claim["printed"])
    lo = lo * (1 - tolerance)
    hi = hi * (1 + tolerance) if math.isfinite(hi) else hi
    return lo <= value <= hi


def _diff(value: float, published: float) -> tuple[float, float | None]:
    d = value - published
    return d, (d / published if published else None)


def judge(claim: pd.Series, recomputation: Recomputation | None, evidence_rows: pd.DataFrame,
          relation_status: list[tuple[str, str]]) -> dict:
    """Apply the rules to one claim.

    Args:
        claim: a ledger row.
        recomputation: the primary-data recomputation for it, or None.
        evidence_rows: evidence rows that bear on it (may be empty).
        relation_status: ``(relation_id, status)`` for each relation it takes part in.

    Returns:
        A dict with ``verdict, reproduced_value, difference, relative_difference, method,
        evidence, evidence_file, reason``.
    """
    pub = float(claim["value"])
    out = {"reproduced_value": None, "difference": None, "relative_difference": None,
           "method": "", "evidence": "", "evidence_file": "", "reason": ""}
    mismatch = None
    if recomputation is not None:
        d, r = _diff(recomputation.value, pub)
        base = {"reproduced_value": recomputation.value, "difference": d, "relative_difference": r,
                "method": recomputation.method, "evidence": recomputation.sources,
                "evidence_file": f"registry:{recomputation.sources}"}
        if agrees(recomputation.value, claim, recomputation.tolerance):
            return {**out, **base, "verdict": "recomputed",
                    "reason": f"within the claim's range (tolerance {recomputation.tolerance:.0%} for proxy data)"}
        mismatch = {**base, "reason": f"recomputed {recomputation.value:g} is outside the claim's range: "
                                      f"{recomputation.method}"}
    parts = evidence_rows[evidence_rows["combine"] == "part"] if len(evidence_rows) else evidence_rows
    if len(parts) and len(parts) == len(evidence_rows):
        # only a published component of the claimed quantity: it can bound the claim, not confirm it
        val = float(parts["value"].max())
        notes = "; ".join(n for n in parts["notes"].fillna("") if n)
        lo, _ = claims_mod.interval(pub, claim["qualifier"], claim["printed"])
        base = {"reproduced_value": val, "difference": val - pub, "relative_difference": (val - pub) / pub if pub else None,
                "method": f"published component only: {val:g} ({';'.join(parts['evidence_id'])})",
                "evidence": ";".join(parts["evidence_id"]), "evidence_file": ";".join(sorted(set(parts["evidence_file"])))}
        if val > pub:
            return {**out, **base, "verdict": "contradicted", "reason": f"a component ({val:g}) already exceeds the claim; {notes}"}
        return {**out, **base, "verdict": "unverifiable",
                "reason": f"the published component ({val:g}) does not exceed the claim but cannot confirm it; {notes}"}
    if len(evidence_rows):
        val, how = ev_mod.combined_value(evidence_rows)
        d, r = _diff(val, pub)
        base = {"reproduced_value": val, "difference": d, "relative_difference": r,
                "method": f"official figure as published: {how}",
                "evidence": ";".join(evidence_rows["evidence_id"]),
                "evidence_file": ";".join(sorted(set(evidence_rows["evidence_file"])))}
        if agrees(val, claim):
            extra = f"; primary-data proxy differs: {mismatch['reason']}" if mismatch else ""
            return {**out, **base, "verdict": "sourced", "reason": "matches the published figure within the memo's rounding" + extra}
        notes = "; ".join(n for n in evidence_rows["notes"].fillna("") if n)
        mismatch = {**base, "reason": f"published figure {val:g} differs by {d:+g}"
                                      + (f" ({r:+.1%})" if r is not None else "") + (f"; {notes}" if notes else "")}
    if mismatch is not None:
        return {**out, **mismatch, "verdict": "contradicted"}
    passing = [rid for rid, st in relation_status if st == "pass"]
    failing = [rid for rid, st in relation_status if st == "fail"]
    if failing:
        return {**out, "verdict": "contradicted", "method": "memo arithmetic", "evidence": ";".join(failing),
                "evidence_file": "claim_relations.csv", "reason": "fails relation(s) " + ", ".join(failing)}
    if passing:
        kinds = {rid.rsplit("-", 1)[-1] for rid in passing}
        weak = " (bounds only: the claim does not contradict a related claim)" if kinds <= {"bound"} else ""
        return {**out, "verdict": "consistent", "method": "memo arithmetic (claim_relations.csv)" + weak,
                "evidence": ";".join(passing), "evidence_file": "claim_relations.csv",
                "reason": "adds up / agrees with: " + ", ".join(passing)}
    return {**out, "verdict": "unverifiable",
            "reason": "no registered data or transcribed figure; would be settled by " + SETTLE.get(claim["topic"], "the cited source")}


def check_claims(claims: pd.DataFrame, relations_eval: pd.DataFrame, evidence: pd.DataFrame,
                 recomputations: dict[str, Recomputation]) -> pd.DataFrame:
    """Verdict for every claim: the table written to ``data/processed/claims_check.csv``."""
    rel_of: dict[str, list[tuple[str, str]]] = {}
    for r in relations_eval.itertuples(index=False):
        if r.kind in ("sum", "bound", "same", "monotone"):
            for cid in r.claims.split(";"):
                rel_of.setdefault(cid, []).append((r.relation_id, r.status))
    rows = []
    for _, c in claims.iterrows():
        res = judge(c, recomputations.get(c["claim_id"]), ev_mod.for_claim(evidence, c["claim_id"]),
                    rel_of.get(c["claim_id"], []))
        rows.append({"claim_id": c["claim_id"], "document": c["document"], "memo": c["memo"],
                     "topic": c["topic"], "indicator": c["indicator"], "qualifier": c["qualifier"],
                     "unit": c["unit"], "published_value": float(c["value"]), **res})
    cols = ["claim_id", "document", "memo", "topic", "indicator", "qualifier", "unit", "published_value",
            "reproduced_value", "difference", "relative_difference", "verdict", "method", "evidence",
            "evidence_file", "reason"]
    return pd.DataFrame(rows)[cols]


def verdict_counts(check: pd.DataFrame) -> pd.DataFrame:
    """Claims per document and verdict, with the share not unverifiable (percent)."""
    t = pd.crosstab(check["document"], check["verdict"]).reindex(columns=VERDICTS, fill_value=0)
    t["claims"] = t[VERDICTS].sum(axis=1)
    t["checked_pct"] = (100 * (t["claims"] - t["unverifiable"]) / t["claims"]).round(1)
    total = t[VERDICTS + ["claims"]].sum()
    total["checked_pct"] = round(100 * (total["claims"] - total["unverifiable"]) / total["claims"], 1)
    t.loc["all documents"] = total
    t = t.reset_index()
    memo = check.drop_duplicates("document").set_index("document")["memo"]
    t.insert(1, "memo", t["document"].map(memo).fillna("all memos"))
    return t
