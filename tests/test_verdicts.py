"""Verdict rules: hand-made cases whose answers were worked out by hand, then real ledger cases."""

import pandas as pd
import pytest

from mxrights.series import annual as series
from mxrights.ledger import claims, evidence, vocab
from mxrights.sources import schemas
from mxrights.sources import readers
from mxrights.judge import recompute, verdicts
from mxrights.judge.recompute import Recomputation

# --- hand-made fixtures ----------------------------------------------------------------------

DOC = "001_f6785c70f59d5a73.txt"          # its parties include WOLA (data/raw/document_parties.csv)


def claim(value=855.0, printed="855", qualifier="exact", **kw) -> pd.Series:
    base = {"claim_id": "t-claim", "document": DOC, "memo": "t", "value": value, "printed": printed,
            "qualifier": qualifier, "indicator": "clandestine_graves_found", "population": "as defined by the indicator",
            "geography": "Mexico", "period_start": "2007-01-01", "period_end": "2016-09", "as_of": "2017-04",
            "unit": "count", "topic": "disappearance", "would_settle": "the CNDH report itself"}
    base.update(kw)
    return pd.Series(base)


def ev(value, publisher="cndh", reported_by="press-jornada", scope="", evidence_id="e1", **kw) -> pd.DataFrame:
    row = {"evidence_id": evidence_id, "source_id": "s", "publisher_id": publisher, "reported_by_id": reported_by,
           "indicator": "clandestine_graves_found", "population": "as defined by the indicator", "geography": "Mexico",
           "period_start": "2007-01-01", "period_end": "2016-09-30", "as_of": "2017-04-06", "value": float(value),
           "unit": "count", "combine": None, "scope": scope or None, "notes": None,
           "evidence_file": "evidence/test.csv", "evidence_row": 2}
    row.update(kw)
    return pd.DataFrame([row])


NONE = ev(0).iloc[0:0]


def test_independent_press_report_of_the_same_quantity_confirms():
    r = verdicts.judge(claim(), None, ev(855), [])
    assert (r["verdict"], r["grade"], r["scope"], r["independent_check"]) == ("confirmed", "c", "same", True)
    assert r["reproduced_value"] == 855 and r["difference"] == 0


def test_publishers_own_document_is_grade_b():
    r = verdicts.judge(claim(), None, ev(855, reported_by=None), [])
    assert (r["verdict"], r["grade"]) == ("confirmed", "b")


def test_independent_same_quantity_outside_the_range_contradicts():
    r = verdicts.judge(claim(), None, ev(900), [])
    assert (r["verdict"], r["independent_check"]) == ("contradicted", True)
    assert r["difference"] == 45 and r["relative_difference"] == pytest.approx(45 / 855)
    assert "+45" in r["reason"] and "+5.3%" in r["reason"]


def test_a_co_authors_report_is_grade_d_and_not_a_check():
    r = verdicts.judge(claim(), None, ev(855, reported_by="wola"), [])
    assert (r["verdict"], r["grade"], r["independent_check"]) == ("not_independent", "d", False)
    assert "Washington Office on Latin America" in r["why_not_independent"]
    assert "reported by" in r["why_not_independent"] and "of this document" in r["why_not_independent"]
    r = verdicts.judge(claim(), None, ev(855, publisher="wola", reported_by=None), [])
    assert (r["grade"], r["verdict"]) == ("d", "not_independent")


def test_a_narrower_count_only_bounds_from_below():
    # 7,208 averiguaciones previas only, against 8,335 investigations of all kinds
    c = claim(8335, "8,335", indicator="torture_investigations_federal")
    e = ev(7208, indicator="torture_investigations_federal", population="averiguaciones previas only",
           scope="narrower")
    r = verdicts.judge(c, None, e, [])
    assert (r["verdict"], r["scope"], r["independent_check"]) == ("bounded", "narrower", False)
    assert r["bound_value"] == 7208 and (r["reproduced_value"] is None or pd.isna(r["reproduced_value"]))
    assert "at least 7,208" in r["reason"]
    # a narrower count above the claim's range shows the claim too small, without contradicting it outright
    r = verdicts.judge(c, None, ev(9000, indicator="torture_investigations_federal",
                                   population="averiguaciones previas only", scope="narrower"), [])
    assert r["verdict"] == "outside_bound" and "too small" in r["reason"]


def test_a_broader_count_bounds_from_above():
    # 22 killed in all, against "more than a dozen executed"
    c = claim(12, "a dozen", "more than", indicator="tlatlaya_civilians_executed")
    e = ev(22, indicator="tlatlaya_civilians_killed", scope="broader")
    r = verdicts.judge(c, None, e, [])
    assert (r["verdict"], r["bound_value"]) == ("bounded", 22)
    assert "at most 22" in r["reason"] and "respects it" in r["reason"]
    r = verdicts.judge(claim(30, "30", indicator="tlatlaya_civilians_executed"), None, e, [])
    assert r["verdict"] == "outside_bound" and "too large" in r["reason"]


def test_a_row_that_says_same_but_differs_in_its_columns_is_refused():
    e = ev(7208, population="averiguaciones previas only")
    with pytest.raises(schemas.TableError, match=r"evidence/test.csv, row 2, column scope .*population: evidence "
                                                 r"'averiguaciones previas only'"):
        verdicts.judge(claim(), None, e, [])
    with pytest.raises(schemas.TableError, match="scope says narrower but"):
        verdicts.judge(claim(), None, ev(855, scope="narrower"), [])


def test_period_compared_at_the_claims_precision():
    # claim "January 2007 to September 2016": evidence to 2016-09-30 is the same; to October is broader
    assert verdicts.differences(claim(), ev(855).iloc[0]) == []
    diff = verdicts.differences(claim(), ev(855, period_end="2016-10-31").iloc[0])
    assert len(diff) == 1 and diff[0].startswith("period")
    # an attribute of a case (a sentence length) is not compared in time
    assert verdicts.differences(claim(indicator="tlatlaya_sentence_length"),
                                ev(1, indicator="tlatlaya_sentence_length", period_end="2015-10-14").iloc[0]) == []


def test_a_proxy_within_tolerance_is_only_approximate_and_shows_its_difference():
    c = claim(37435, "37,435", indicator="disappeared_persons_registered")
    r = verdicts.judge(c, Recomputation(36270, "m", "cenapi_records_import", tolerance=0.05, scope="proxy"), NONE, [])
    assert (r["verdict"], r["grade"], r["scope"], r["independent_check"]) == ("proxy", "a", "proxy", False)
    assert r["difference"] == -1165
    assert "-3.1%" in r["reason"] and "only approximately reproduced" in r["reason"]


def test_a_proxy_miss_is_not_a_reproduction_nor_a_contradiction():
    c = claim(26000, "26,000", "about", indicator="disappeared_persons_registered")
    r = verdicts.judge(c, Recomputation(13263, "m", "cenapi", tolerance=0.05, scope="proxy"), NONE, [])
    assert r["verdict"] == "unverifiable"
    assert "a proxy miss is not a contradiction" in r["reason"]


def test_an_exact_recomputation_is_grade_a():
    c = claim(32, "32", indicator="states_in_mexico")
    r = verdicts.judge(c, Recomputation(32, "m", "udlap_igimex_2016_2018"), NONE, [])
    assert (r["verdict"], r["grade"], r["independent_check"]) == ("confirmed", "a", True)
    r = verdicts.judge(c, Recomputation(31, "m", "udlap_igimex_2016_2018"), NONE, [])
    assert r["verdict"] == "contradicted"


def test_a_bound_that_cannot_fail_stays_unverifiable():
    c = claim(13, "13", indicator="states_with_disappearance_prosecutor")
    r = verdicts.judge(c, None, NONE, [("r-bound", "bound", "pass", "x (13) ≤ y (32)")])
    assert r["verdict"] == "unverifiable"
    assert "cannot fail for plausible values" in r["reason"] and "the CNDH report itself" in r["reason"]


def test_arithmetic_agrees_or_fails_but_never_counts_as_a_check():
    r = verdicts.judge(claim(), None, NONE, [("r-sum", "sum", "pass", "152 = 22 + 130")])
    assert (r["verdict"], r["grade"], r["independent_check"]) == ("arithmetic", "e", False)
    r = verdicts.judge(claim(), None, NONE, [("r-sum", "sum", "fail", "152 = 22 + 131")])
    assert r["verdict"] == "arithmetic_fails"
    r = verdicts.judge(claim(), None, NONE, [("r-side", "side_by_side", "derived", "15 → 16")])
    assert r["verdict"] == "unverifiable"


def test_independent_evidence_takes_precedence_and_the_rest_is_reported():
    r = verdicts.judge(claim(), None, pd.concat([ev(855, reported_by="wola", evidence_id="e-wola"), ev(855)]),
                       [("r-sum", "sum", "pass", "855 = 800 + 55")])
    assert (r["verdict"], r["grade"], r["evidence"]) == ("confirmed", "c", "e1")
    assert "also:" in r["reason"] and "Washington Office" in r["reason"]


def test_unverifiable_says_what_would_settle_this_claim():
    r = verdicts.judge(claim(), None, NONE, [])
    assert r["verdict"] == "unverifiable" and r["reason"].endswith("would be settled by the CNDH report itself")


def test_verdict_counts_count_facts_once_and_claims_apart():
    """Hand-made: document a states fact f1 twice (two claims, confirmed) and f2 (contradicted);
    b states f1 again and f3 (unverifiable). By fact, all documents: 3 facts, 2 checked, 1 holds,
    1 wrong; by claim: 5 claims, 4 checked."""
    check = pd.DataFrame({"document": ["a", "a", "a", "b", "b"], "memo": ["ma"] * 3 + ["mb"] * 2,
                          "fact_id": ["f1", "f1", "f2", "f1", "f3"],
                          "verdict": ["confirmed", "confirmed", "contradicted", "confirmed", "unverifiable"],
                          "independent_check": [True, True, True, True, False]})
    t = verdicts.verdict_counts(check, {"a": "seed", "b": "seed"}).set_index("document")
    a, total = t.loc["a"], t.loc["all documents"]
    assert (a["facts"], a["facts_independent"], a["facts_holds"], a["facts_wrong"], a["claims"]) == (2, 2, 1, 1, 3)
    assert (total["facts"], total["facts_independent"], total["facts_holds"], total["facts_wrong"]) == (3, 2, 1, 1)
    assert (total["claims"], total["independent"], total["independent_pct"]) == (5, 4, 80.0)
    assert total["facts_independent_pct"] == pytest.approx(66.7)
    assert list(t.columns[-len(vocab.verdict_names()):]) == vocab.verdict_names()


def test_verdict_counts_add_one_row_per_collection_computed_from_its_documents():
    # a, b are seeds (1 of 3 and 1 of 1 independent); c is a memo-series text (0 of 2); each claim its own fact
    check = pd.DataFrame({"document": ["a", "a", "a", "b", "c", "c"], "memo": ["ma"] * 3 + ["mb"] + ["mc"] * 2,
                          "fact_id": [f"f{i}" for i in range(6)],
                          "verdict": ["confirmed", "bounded", "unverifiable", "contradicted", "unverifiable", "bounded"],
                          "independent_check": [True, False, False, True, False, False]})
    t = verdicts.verdict_counts(check, {"a": "seed", "b": "seed", "c": "memo_series"}).set_index("document")
    seeds, series = t.loc["all seed documents"], t.loc["all memo-series texts"]
    assert (seeds["claims"], seeds["independent"], seeds["independent_pct"]) == (4, 2, 50.0)
    assert (series["claims"], series["independent"], series["independent_pct"]) == (2, 0, 0.0)
    total = t.loc["all documents"]  # not the mean of the two group shares (25 %): 2 of 6
    assert (total["claims"], total["independent"], total["independent_pct"]) == (6, 2, 33.3)
    one = verdicts.verdict_counts(check, {"a": "seed", "b": "seed", "c": "seed"})
    assert "all seed documents" not in set(one["document"])  # one collection: no group row


# --- facts, disputes and bounds that cannot fail (hand-made fixtures) ---------------------------

def test_two_claims_of_one_fact_count_once_and_different_values_are_two_facts():
    from mxrights.ledger import facts

    base = {"indicator": "x", "population": "p", "geography": "Mexico", "period_start": None, "period_end": None,
            "unit": "count"}
    cl = pd.DataFrame([dict(base, claim_id="m1-x", as_of="2018-04-30", value=37435.0, qualifier="exact", printed="37,435"),
                       dict(base, claim_id="m2-x", as_of="2018-04-30", value=37000.0, qualifier="about", printed="37,000"),
                       dict(base, claim_id="m3-x", as_of="2018-04-30", value=30000.0, qualifier="exact", printed="30,000"),
                       dict(base, claim_id="m4-x", as_of="2016-12-31", value=30000.0, qualifier="exact", printed="30,000")])
    f = facts.assign(cl, pd.Series({"x": "stock"})).set_index("claim_id")
    # 37,435 and "about 37,000" (±5 %: 35,150-38,850) overlap: one fact, judged on the narrower 37,435
    assert f.loc["m1-x", "fact_id"] == f.loc["m2-x", "fact_id"] == "fact-m1-x"
    assert f.loc["m2-x", "representative"] == "m1-x" and f.loc["m1-x", "fact_claims"] == 2
    # 30,000 at the same date is the same quantity with another value: a separate fact, named as such
    assert f.loc["m3-x", "fact_id"] == "fact-m3-x" and f.loc["m3-x", "same_quantity_facts"] == "fact-m1-x"
    assert f.loc["m4-x", "fact_id"] == "fact-m4-x" and f.loc["m4-x", "same_quantity_facts"] == ""  # another date


def test_a_repeat_of_one_fact_is_not_arithmetic_and_gets_the_facts_evidence():
    """Two memos of the same authors state 43; a repeat relation between them is the fact restated,
    not a check; the IACHR's 43, attached to one claim, judges both."""
    c1 = claim(claim_id="m1-students", document="d1", value=43.0, printed="43", qualifier="exact")
    c2 = claim(claim_id="m2-students", document="d2", value=43.0, printed="43", qualifier="exact")
    cl = pd.DataFrame([c1, c2])
    rel = pd.DataFrame([{"relation_id": "rep", "kind": "repeat", "status": "pass", "formula": "43 = 43",
                         "claims": "m1-students;m2-students"}])
    e = ev(43, claim_id="m2-students", publisher_id="cndh")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(vocab, "parties_of", lambda d: set())
        out = verdicts.check_claims(cl, rel, e, {}).set_index("claim_id")
    assert list(out["verdict"]) == ["confirmed", "confirmed"]
    assert out["fact_id"].nunique() == 1 and "rep" not in out.loc["m1-students", "evidence"]


def test_two_independent_sources_ten_percent_apart_give_disputed():
    e = pd.concat([ev(1548, evidence_id="e1", source_id="s1"), ev(1393, evidence_id="e2", source_id="s2",
                                                                   publisher_id="pgr")], ignore_index=True)
    r = verdicts.judge(claim(value=1548.0, printed="1,548"), None, e, [], set())
    assert (r["verdict"], r["independent_check"]) == ("disputed", True)
    assert "1,548 (agrees" in r["reason"] and "1,393 (outside" in r["reason"]


def test_a_source_under_another_definition_that_differs_disputes_but_does_not_check():
    e = pd.concat([ev(6, evidence_id="e1", scope="definition", population="offices under the General Law")],
                  ignore_index=True)
    r = verdicts.judge(claim(value=13.0, printed="13"), None, e, [], set())
    assert (r["verdict"], r["independent_check"]) == ("disputed", False)
    agreeing = verdicts.judge(claim(value=6.0, printed="six"), None, e, [], set())
    assert agreeing["verdict"] == "unverifiable"      # another definition that agrees is not a check either


def test_a_bound_equal_to_the_claim_or_under_an_open_claim_stays_unverifiable():
    equal = ev(22, scope="broader", population="all persons killed")
    r = verdicts.judge(claim(value=22.0, printed="22"), None, equal, [], set())
    assert r["verdict"] == "unverifiable" and "the bound equals the claimed figure 22" in r["reason"]
    lower = ev(9, scope="narrower", population="acciones only")
    r = verdicts.judge(claim(value=23.0, printed="23", qualifier="at least"), None, lower, [], set())
    assert r["verdict"] == "unverifiable" and "a lower bound under a claim of 'at least 23' cannot fail" in r["reason"]
    informative = ev(30, scope="broader", population="all persons killed")
    assert verdicts.judge(claim(value=22.0, printed="22"), None, informative, [], set())["verdict"] == "bounded"


# --- the real ledger -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def ctx():
    cl = claims.load_claims()
    rel = claims.evaluate_relations(claims.load_relations(claims=cl), cl)
    ev_ = evidence.load_evidence(claims=cl)
    rc = recompute.recompute_all(series.load_primary_frames(readers.RowLedger()))
    check = verdicts.check_claims(cl, rel, ev_, rc).set_index("claim_id")
    return {"claims": cl.set_index("claim_id"), "check": check, "rc": rc}


def test_register_total_confirmed_by_the_register_not_by_the_proxy(ctx):
    r = ctx["check"].loc["cs2018-disappeared-total"]
    assert (r["verdict"], r["grade"], r["reproduced_value"]) == ("confirmed", "c", 37435)
    assert "proxy gives 36,270" in r["reason"]     # CENAPI 'aún sin localizar', event date <= 2018-04-30
    assert ctx["rc"]["cs2018-disappeared-total"].value == 36270


def test_more_than_32000_is_only_approximated_by_the_proxy(ctx):
    r = ctx["check"].loc["wola2017-disappeared-total"]
    assert (r["verdict"], r["reproduced_value"], r["independent_check"]) == ("proxy", 32963, False)


def test_torture_unit_figures_under_another_definition_dispute_the_investigations(ctx):
    """PGR's own 7,208 averiguaciones (to 15 March 2018) are counted differently from the memo's
    8,335 (Feb 2018), which only a co-author relays: disputed by definition, not checked."""
    r = ctx["check"].loc["cs2018-fetor-investigations"]
    assert (r["verdict"], r["scope"], r["independent_check"]) == ("disputed", "definition", False)
    assert "7,208" in r["reason"] and "ev-pgr-2018-torture-unit" in r["evidence"]


def test_specialised_prosecutors_are_a_definition_dispute_not_a_contradiction(ctx):
    r = ctx["check"].loc["cs2018-states-specialized-prosecutors"]
    assert (r["verdict"], r["independent_check"]) == ("disputed", False)
    assert "6 (outside" in r["reason"] and "20 (outside" in r["reason"]      # CNB 6; El Mañana 32 − 12 = 20


def test_ayotzinapa_students_is_one_fact_confirmed_by_the_iachr(ctx):
    chk = ctx["check"]
    ids = ["cs2018-ayotzinapa-students", "wola2017-ayotzinapa-students", "ms2019-wola-ayotzinapa-students"]
    assert set(chk.loc[ids, "verdict"]) == {"confirmed"} and chk.loc[ids, "fact_id"].nunique() == 1


def test_wolas_own_impunity_figure_is_not_independent(ctx):
    r = ctx["check"].loc["cs2018-military-abuse-impunity"]
    assert (r["verdict"], r["grade"], r["independent_check"]) == ("not_independent", "d", False)
    assert "Washington Office on Latin America" in r["why_not_independent"]


def test_veracruz_arrests_contradicted(ctx):
    r = ctx["check"].loc["cs2018-veracruz-officials-arrested"]
    assert (r["verdict"], r["reproduced_value"], r["independent_check"]) == ("contradicted", 19, True)
    assert r["relative_difference"] == pytest.approx(-11 / 30)


def test_no_bound_relation_lifts_a_claim(ctx):
    rel = claims.load_relations(claims=ctx["claims"].reset_index())
    bound_only = set()
    for r in rel[rel["kind"] == "bound"].itertuples():
        bound_only |= {r.lhs, r.rhs}
    chk = ctx["check"]
    for cid in bound_only:
        if chk.loc[cid, "verdict"] == "arithmetic":
            assert chk.loc[cid, "evidence"] not in set(rel.loc[rel["kind"] == "bound", "relation_id"])


def test_every_unverifiable_claim_says_what_would_settle_it(ctx):
    un = ctx["check"][ctx["check"]["verdict"] == "unverifiable"]
    assert len(un)
    assert un["reason"].str.contains("would be settled by ").all(), un[~un["reason"].str.contains("would be settled")].index


def test_independent_check_only_for_independent_same_quantity(ctx):
    chk = ctx["check"]
    ok = chk["grade"].isin(["a", "b", "c"]) & (chk["scope"] == "same")
    assert (chk["independent_check"] == ok).all()
    assert set(chk.loc[chk["independent_check"], "verdict"]) <= {"confirmed", "contradicted", "disputed"}


def test_independent_share_meets_the_goal(ctx):
    t = verdicts.verdict_counts(ctx["check"].reset_index()).set_index("document")
    total = t.loc["all documents"]
    assert total["claims"] == len(ctx["claims"])
    assert total[vocab.verdict_names()].sum() == total["claims"]
    assert total["independent_pct"] == pytest.approx(100 * ctx["check"]["independent_check"].mean(), abs=0.05)


# --- scopes are data: the rules read the columns of vocabulary/scopes.csv ----------------------

def _scopes_with(monkeypatch, tmp_path, edit):
    path = vocab.vocabulary_dir() / "scopes.csv"
    text = edit(path.read_text(encoding="utf-8"))
    p = tmp_path / "scopes.csv"
    p.write_text(text, encoding="utf-8")
    table = vocab.scopes.__wrapped__(p)
    monkeypatch.setattr(vocab, "scopes", lambda path=None: table)
    return p


def test_the_bound_direction_is_read_from_the_scope_table(monkeypatch, tmp_path):
    """The same narrower row of 7,208 against a claim of 8,335: a lower bound admits the claim (8,335 ≥ 7,208);
    with the table saying narrower is an *upper* bound, the claim (8,335 > 7,208) is outside it."""
    c = claim(8335, "8,335", indicator="torture_investigations_federal")
    e = ev(7208, indicator="torture_investigations_federal", population="averiguaciones previas only", scope="narrower")
    assert verdicts.judge(c, None, e, [])["verdict"] == "bounded"
    _scopes_with(monkeypatch, tmp_path,
                 lambda t: t.replace("narrower,a narrower quantity (a lower bound),false,false,lower",
                                     "narrower,a narrower quantity (a lower bound),false,false,upper"))
    r = verdicts.judge(c, None, e, [])
    assert r["verdict"] == "outside_bound" and "too large" in r["reason"]


def test_a_bad_scope_table_names_file_row_column_and_value(tmp_path):
    p = tmp_path / "scopes.csv"
    text = (vocab.vocabulary_dir() / "scopes.csv").read_text(encoding="utf-8")
    p.write_text(text.replace(",false,false,upper,", ",false,false,above,"), encoding="utf-8")
    with pytest.raises(schemas.TableError, match=r"scopes.csv, row 4, column bound \(scope=broader\): 'above' is not one of 'lower', 'upper'"):
        vocab.scopes.__wrapped__(p)
    p.write_text(text.replace("part,one component of the claimed total (a lower bound),false",
                              "part,one component of the claimed total (a lower bound),true"), encoding="utf-8")
    with pytest.raises(schemas.TableError, match=r"column same_quantity: exactly one scope must be true; found 2"):
        vocab.scopes.__wrapped__(p)


def test_scopes_allowed_where_they_are_declared():
    assert vocab.scope_names("evidence") == ["same", "narrower", "broader", "part", "definition"]
    assert vocab.scope_names("recomputation") == ["same", "proxy"]
    assert (vocab.same_scope(), vocab.scope_of_relations()) == ("same", "arithmetic")
