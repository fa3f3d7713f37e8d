"""The memos' ENPOL figures re-derived: design-based estimates with 95% intervals
(:mod:`mxrights.sources.survey`), one statistic at a time, the two editions compared, and each
survey claim judged against its estimate.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd

from mxrights.sources import survey
from mxrights.sources.readers import DataError, RowLedger
from mxrights.sources.enpol import RESULT_COLUMNS, _tables, available_editions, condition, edition_dir, how_to_obtain, load_edition, statistics_path
from mxrights.publish.survey_text import _landing


def _design_columns(frame: pd.DataFrame, variables: pd.DataFrame) -> dict[str, str]:
    spec = variables[variables["edition"] == frame.attrs.get("edition")].drop_duplicates("role")
    cols = dict(zip(spec["role"], spec["variable"]))
    return {r: cols[r] for r in ("key", "stratum", "fpc", "weight")}


@dataclass(frozen=True)
class EnpolEstimate:
    """One ENPOL statistic: estimate and 95% interval in percent, SE in percentage points.

    ``n_unweighted`` is the number of persons in the denominator; ``weighted_denominator`` the
    persons they represent (sum of ``FAC_PER``). ``published_value`` is INEGI's figure as
    reported (percent; None when none was found).
    """

    statistic_id: str
    edition: str
    estimate_pct: float
    se_pp: float
    ci_low_pct: float
    ci_high_pct: float
    level: float
    ci_method: str
    n_unweighted: int
    weighted_denominator: float
    weighted_numerator: float
    published_value: float | None
    claim_id: str | None
    design: survey.SurveyEstimate

    def as_frame(self) -> pd.DataFrame:
        """A one-row DataFrame (columns ``RESULT_COLUMNS``)."""
        d = asdict(self)
        return pd.DataFrame([{c: d[c] for c in RESULT_COLUMNS}], columns=RESULT_COLUMNS)


def estimate(frame: pd.DataFrame, statistic_id: str, statistics: pd.DataFrame | None = None,
             variables: pd.DataFrame | None = None, level: float = 0.95, ci: str = "normal") -> EnpolEstimate:
    """Estimate one statistic of ``enpol_statistics.csv`` on a loaded edition (:func:`load_edition`).

    The denominator is a domain indicator over the whole sample (strata without members still
    count); the numerator is ``numerator AND denominator``. See :func:`mxrights.sources.survey.ratio_estimate`.

    Raises:
        DataError: the statistic is unknown, or belongs to another edition than ``frame``.
    """
    if variables is None or statistics is None:
        cached_v, cached_s = _tables()
        variables = cached_v if variables is None else variables
        statistics = cached_s if statistics is None else statistics
    rows = statistics[statistics["statistic_id"] == statistic_id]
    if rows.empty:
        raise DataError(f"unknown ENPOL statistic {statistic_id!r}; see {statistics_path()}")
    st = rows.iloc[0]
    if frame.attrs.get("edition") != st["edition"]:
        raise DataError(f"{statistic_id} is an ENPOL {st['edition']} statistic; the frame holds edition "
                        f"{frame.attrs.get('edition')!r}")
    d = _design_columns(frame, variables)
    z = condition(frame, st["denominator"])
    y = condition(frame, st["numerator"]) & z
    if not z.any():
        raise DataError(f"{statistic_id}: nobody meets the denominator {st['denominator']!r}")
    e = survey.ratio_estimate(y.astype(float), frame[d["weight"]], frame[d["stratum"]], frame[d["fpc"]],
                              z.astype(float), fpc_kind="fraction", level=level, ci=ci)
    pub = st["published_value"]
    return EnpolEstimate(statistic_id=statistic_id, edition=st["edition"], estimate_pct=100 * e.estimate,
                         se_pp=100 * e.se, ci_low_pct=100 * e.ci_low, ci_high_pct=100 * e.ci_high, level=level,
                         ci_method=ci, n_unweighted=e.n_unweighted, weighted_denominator=e.weighted_denominator,
                         weighted_numerator=e.weighted_numerator,
                         published_value=None if pd.isna(pub) else float(pub),
                         claim_id=st["claim_id"] if isinstance(st["claim_id"], str) else None, design=e)


@dataclass(frozen=True)
class EditionComparison:
    """``b − a`` in percentage points with its interval (independent samples, normal Wald)."""

    statistic_a: str
    statistic_b: str
    estimate_a_pct: float
    estimate_b_pct: float
    difference_pp: float
    se_pp: float
    ci_low_pp: float
    ci_high_pp: float
    level: float


def compare_editions(a: EnpolEstimate, b: EnpolEstimate, level: float = 0.95) -> EditionComparison:
    """Difference ``b − a`` of two editions' estimates, in percentage points, with its interval.

    The editions are independent samples, so ``SE = sqrt(SE_a² + SE_b²)``. Whether the two
    definitions measure the same thing is said in ``enpol_statistics.csv`` (``notes``).
    """
    d = survey.difference(a.design, b.design, level)
    return EditionComparison(a.statistic_id, b.statistic_id, a.estimate_pct, b.estimate_pct,
                             100 * d["difference"], 100 * d["se"], 100 * d["ci_low"], 100 * d["ci_high"], level)


def statistics_table(mirror: Path | None = None, level: float = 0.95, ci: str = "normal",
                     ledger: RowLedger | None = None) -> pd.DataFrame:
    """All statistics of ``enpol_statistics.csv`` for the editions present in the mirror.

    Returns:
        One row per statistic (``RESULT_COLUMNS``: percent, percentage points, persons). With no
        microdata the table is empty and ``attrs["message"]`` says how to obtain them.
    """
    variables, statistics = _tables()
    editions = available_editions(mirror, variables)
    if not editions:
        out = pd.DataFrame(columns=RESULT_COLUMNS)
        out.attrs["message"] = how_to_obtain()
        return out
    ledger = ledger if ledger is not None else RowLedger()
    rows = []
    for e in editions:
        frame = load_edition(e, ledger, edition_dir(e, mirror), variables)
        for sid in statistics.loc[statistics["edition"] == e, "statistic_id"]:
            rows.append(estimate(frame, sid, statistics, variables, level, ci).as_frame())
    out = pd.concat(rows, ignore_index=True)
    missing = sorted(set(variables["edition"]) - set(editions))
    out.attrs["message"] = how_to_obtain(missing) if missing else ""
    out.attrs["ledger"] = ledger
    return out


def survey_claims(check: pd.DataFrame, mirror: Path | None = None) -> pd.DataFrame:
    """What a memo page says of each survey claim: definition, current evidence, recomputation path.

    Args:
        check: rows of ``claims_check.csv`` (those of one page, or all).
        mirror: the data mirror (default: the configured one).

    Returns:
        One row per claim of ``check`` that ``enpol_statistics.csv`` links to a statistic:
        ``claim_id``, ``statistic_id``, ``definition`` (with numerator and denominator items),
        ``questionnaire``, ``published`` (percent), ``verdict`` (the current verdict, from
        evidence), ``evidence`` (its evidence ids), ``recomputed`` (estimate with its
        design-based 95 % interval and unweighted n when the edition's microdata are in the
        mirror, else the empty string) and ``path`` (in a reader's words: how it was recomputed,
        or where INEGI publishes the microdata that would recompute it).
    """
    _, statistics = _tables()
    linked = statistics[statistics["claim_id"].fillna("").isin(set(check["claim_id"]))]
    cols = ["claim_id", "statistic_id", "definition", "questionnaire", "published", "verdict", "evidence", "recomputed", "path"]
    if linked.empty:
        return pd.DataFrame(columns=cols)
    by_claim = check.set_index("claim_id")
    have = set(available_editions(mirror))
    results = statistics_table(mirror) if have else pd.DataFrame(columns=RESULT_COLUMNS)
    res = results.set_index("statistic_id") if len(results) else results
    rows = []
    for s in linked.itertuples():
        c = by_claim.loc[s.claim_id]
        recomputed = ""
        if s.statistic_id in getattr(res, "index", []):
            r = res.loc[s.statistic_id]
            recomputed = (f"{r['estimate_pct']:.1f}% (95% CI {r['ci_low_pct']:.1f}–{r['ci_high_pct']:.1f}; "
                          f"n = {int(r['n_unweighted']):,})")
        # reader wording; the function and command (mxrights.judge.survey_checks.estimate, `mxrights enpol`) are in
        # the README and on the method page
        path = ("recomputed from INEGI's microdata with the survey's design (weights, strata, finite-population "
                "correction)" if recomputed else
                f"from INEGI's ENPOL {s.edition} microdata ({_landing(s.edition)}), which this build does not hold; "
                "with them, the figure is recomputed with the survey design's 95% interval")
        rows.append({"claim_id": s.claim_id, "statistic_id": s.statistic_id,
                     "definition": f"{s.definition_en}. Numerator: {s.numerator}; denominator: {s.denominator}.",
                     "questionnaire": s.questionnaire_items, "published": c["published_value"],
                     "verdict": c["verdict"], "evidence": c["evidence"] if isinstance(c["evidence"], str) else "",
                     "recomputed": recomputed, "path": path})
    return pd.DataFrame(rows, columns=cols)


def edition_difference(evidence: pd.DataFrame, statistic_a: str, mirror: Path | None = None) -> dict:
    """The 2016 → 2021 comparison of one statistic and its ``compare_with`` partner.

    Returns a dict: ``a`` and ``b`` (statistic ids), ``published_a``/``published_b`` (percent,
    from the evidence rows named in ``enpol_statistics.csv``; NaN when none), ``as_of_a``/
    ``as_of_b``, ``difference_pp`` (b − a of the published figures), ``design`` (an
    :class:`EditionComparison` with the design-based 95 % interval when both editions' microdata
    are in the mirror, else ``None``) and ``wording`` (what differs between the editions'
    questions, from the table's notes). No interval is computed from the published figures
    alone: a simple-random-sample interval would understate the design's variance.
    """
    _, statistics = _tables()
    st = statistics.set_index("statistic_id")
    b_id = st.loc[statistic_a, "compare_with"]
    ev = evidence.set_index("evidence_id")

    def published(sid: str) -> tuple[float, str]:
        ids = [e for e in str(st.loc[sid, "evidence_id"] or "").split(";") if e in ev.index]
        if not ids:
            return float("nan"), ""
        return float(ev.loc[ids, "value"].sum()), str(ev.loc[ids[0], "as_of"])

    pa, aa = published(statistic_a)
    pb, ab = published(b_id)
    design = None
    editions = (str(st.loc[statistic_a, "edition"]), str(st.loc[b_id, "edition"]))
    if set(editions) <= set(available_editions(mirror)):
        est = {e: load_edition(e, RowLedger(), edition_dir(e, mirror)) for e in editions}
        design = compare_editions(estimate(est[editions[0]], statistic_a), estimate(est[editions[1]], b_id))
    return {"a": statistic_a, "b": b_id, "published_a": pa, "published_b": pb, "as_of_a": aa, "as_of_b": ab,
            "difference_pp": pb - pa, "design": design, "wording": str(st.loc[b_id, "notes"] or ""),
            "definition_a": st.loc[statistic_a, "definition_en"], "definition_b": st.loc[b_id, "definition_en"]}


def edition_pairs(evidence: pd.DataFrame, indicators: list[str]) -> list[str]:
    """Statistics of the earlier edition whose ``compare_with`` partner exists and whose
    published figure (first evidence row) measures one of ``indicators``: the 2016 → 2021
    comparisons a topic's page shows."""
    _, statistics = _tables()
    ev = evidence.drop_duplicates("evidence_id").set_index("evidence_id")
    out = []
    for s in statistics.sort_values("statistic_id").itertuples():
        partner = statistics[statistics["statistic_id"] == s.compare_with]
        if partner.empty or str(partner["edition"].iloc[0]) <= str(s.edition):
            continue
        first = next((e for e in str(s.evidence_id or "").split(";") if e in ev.index), None)
        if first and ev.loc[first, "indicator"] in set(indicators):
            out.append(s.statistic_id)
    return out
