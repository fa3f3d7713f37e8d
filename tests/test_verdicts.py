"""Verdict rules, each with a real case from the ledger and the registered data."""

import pandas as pd
import pytest

from mxrights import claims, cleaning, evidence, indicators, verdicts
from mxrights.indicators import Recomputation


@pytest.fixture(scope="module")
def ctx():
    cl = claims.load_claims()
    rel = claims.evaluate_relations(claims.load_relations(claims=cl), cl)
    ev = evidence.load_evidence(claims=cl)
    data = indicators.load_primary(cleaning.RowLedger())
    rc = indicators.recompute_all(data)
    check = verdicts.check_claims(cl, rel, ev, rc).set_index("claim_id")
    return {"claims": cl.set_index("claim_id"), "check": check, "rc": rc, "data": data}


def test_recomputed_disappeared_total_from_cenapi(ctx):
    r = ctx["check"].loc["cs2018-disappeared-total"]
    assert r["verdict"] == "recomputed"
    assert r["reproduced_value"] == 36270          # CENAPI 'aún sin localizar', event date <= 2018-04-30
    assert r["difference"] == 36270 - 37435
    assert "cenapi_records_import" in r["evidence"]


def test_recomputed_more_than_32000(ctx):
    r = ctx["check"].loc["wola2017-disappeared-total"]
    assert (r["verdict"], r["reproduced_value"]) == ("recomputed", 32963)


def test_recomputed_states(ctx):
    assert ctx["check"].loc["cs2018-states-total", "verdict"] == "recomputed"
    assert ctx["check"].loc["cs2018-states-total", "reproduced_value"] == 32


def test_sourced_graves(ctx):
    r = ctx["check"].loc["cs2018-graves-found"]
    assert (r["verdict"], r["reproduced_value"], r["evidence"]) == ("sourced", 855, "ev-cndh-2017-graves")


def test_sourced_when_the_proxy_disagrees(ctx):
    r = ctx["check"].loc["ai2014-disappeared-database"]
    assert r["verdict"] == "sourced"          # SESNSP list of 26,021 matches 'about 26,000'
    assert r["reproduced_value"] == 26021
    assert "primary-data proxy differs" in r["reason"]


def test_enpol_confessions_only_a_component_is_published(ctx):
    r = ctx["check"].loc["cs2018-enpol-confessed-pressured"]
    assert r["verdict"] == "unverifiable"          # 24.3% pressure/threats is one part of the memo's 41%
    assert r["reproduced_value"] == 24.3
    assert r["difference"] == pytest.approx(-16.7)
    assert "100,225 who declared guilty" in r["reason"] and "physical assault" in r["reason"]


def test_sourced_enpol_statement_pressure(ctx):
    r = ctx["check"].loc["cs2018-enpol-pressured"]
    assert (r["verdict"], r["reproduced_value"]) == ("sourced", 46.6)


def test_contradicted_veracruz_arrests(ctx):
    r = ctx["check"].loc["cs2018-veracruz-officials-arrested"]
    assert r["verdict"] == "contradicted"          # 19 arrests vs 'an estimated 30' (31 warrants)
    assert r["reproduced_value"] == 19
    assert r["relative_difference"] == pytest.approx(-11 / 30)
    assert "31 arrest warrants" in r["reason"]


def test_contradicted_torture_unit_definition(ctx):
    r = ctx["check"].loc["cs2018-fetor-investigations"]
    assert (r["verdict"], r["reproduced_value"]) == ("contradicted", 7208)
    assert "averiguaciones previas only" in r["reason"]


def test_sourced_by_complement_of_printed_share(ctx):
    r = ctx["check"].loc["cs2018-military-abuse-impunity"]
    assert r["verdict"] == "sourced"               # WOLA: PGR success 3.2% -> 96.8% unpunished
    assert r["reproduced_value"] == pytest.approx(96.8)
    assert "complement" in r["method"]


def test_consistent_protection_mechanism(ctx):
    r = ctx["check"].loc["ai2014-protection-waiting"]
    assert r["verdict"] == "consistent"
    assert "ai2014-protection-accepted-split" in r["evidence"]


def test_unverifiable_says_what_would_settle_it(ctx):
    r = ctx["check"].loc["cs2018-hrd-journalists-killed-2017"]
    assert r["verdict"] == "unverifiable"
    assert "ARTICLE 19 or Red TDT" in r["reason"]


def test_bound_only_consistency_is_labelled(ctx):
    r = ctx["check"].loc["cs2018-fevd-cases"]
    assert r["verdict"] == "consistent"
    assert "bounds only" in r["method"]


def test_rule_precedence_on_hand_made_cases(ctx):
    c = ctx["claims"].loc["cs2018-graves-found"].copy()
    c["claim_id"] = "cs2018-graves-found"
    empty = pd.DataFrame(columns=["evidence_id", "value", "combine", "as_of", "notes", "evidence_file"])
    assert verdicts.judge(c, Recomputation(855, "m", "s"), empty, [])["verdict"] == "recomputed"
    assert verdicts.judge(c, Recomputation(900, "m", "s"), empty, [])["verdict"] == "contradicted"
    assert verdicts.judge(c, Recomputation(880, "m", "s", tolerance=0.05), empty, [])["verdict"] == "recomputed"
    assert verdicts.judge(c, None, empty, [("r", "pass")])["verdict"] == "consistent"
    assert verdicts.judge(c, None, empty, [("r", "fail")])["verdict"] == "contradicted"
    assert verdicts.judge(c, None, empty, [])["verdict"] == "unverifiable"


def test_agreement_respects_printed_rounding(ctx):
    c = ctx["claims"].loc["cs2018-enpol-pressured"]
    assert verdicts.agrees(46.64, c) and not verdicts.agrees(46.66, c)
    more = ctx["claims"].loc["wola2017-disappeared-total"]
    assert verdicts.agrees(32001, more) and not verdicts.agrees(32000, more)


def test_verdict_counts_table(ctx):
    t = verdicts.verdict_counts(ctx["check"].reset_index())
    total = t.set_index("document").loc["all documents"]
    assert total["claims"] == 95
    assert total[verdicts.VERDICTS].sum() == 95
    assert total["checked_pct"] >= 60.0
    amnesty = t.set_index("memo").loc["amnesty-letter-2014"]
    assert amnesty["document"] == "003_8ecdb167ec163fb0.txt" and amnesty["claims"] == 10
    assert total["memo"] == "all memos"
