"""The claims ledger: completeness, quotes, schema errors and relations."""

import math

import pandas as pd
import pytest

from mxrights.ledger import claims
from mxrights.sources import schemas


@pytest.fixture(scope="module")
def ledger():
    return claims.load_claims()


#: Memo-series texts that print no statistic at all (a closed, hand-checked set): page chrome,
#: the memo's address block and opening sentence only, or prose without a number. Their
#: numbers are each listed in data/raw/claims_not_statistics.csv.
NO_STATISTIC = ["2012_fdocumento_memo-full-text-start.txt",
                "2015_vdocument_memo-start.txt", "2016_docslib_memo-start-v1.txt", "2017_pdffox_memo-header.txt"]


def test_ledger_covers_every_document(ledger):
    assert sorted(set(ledger["document"]) | set(NO_STATISTIC)) == claims.known_documents()
    assert not set(NO_STATISTIC) & set(ledger["document"])
    # the Amnesty letter's ten statistics (a closed, hand-counted set)
    # ten in digits plus "the majority of measures" (a share in words the coverage scan found in 2026-12)
    assert ledger.groupby("document").size()["003_8ecdb167ec163fb0.txt"] == 11


def test_every_quote_is_verbatim_and_carries_its_value(ledger):
    chk = claims.check_quotes(ledger)
    assert chk["ok"].all(), chk[~chk["ok"]]


def test_headline_values(ledger):
    v = ledger.set_index("claim_id")["value"]
    assert v["cs2018-disappeared-total"] == 37435
    assert v["cs2018-enpol-pressured"] == 46.6
    assert v["wola2017-disappeared-total"] == 32000
    assert v["ai2014-disappeared-database"] == 26000
    assert v["ohchr2020-budget-needs"] == 3264000


def _bad(tmp_path, ledger, mutate):
    df = ledger.copy()
    df = mutate(df)
    p = tmp_path / "claims.csv"
    df.to_csv(p, index=False)
    return p


def test_duplicate_claim_id_is_refused(tmp_path, ledger):
    p = _bad(tmp_path, ledger, lambda d: pd.concat([d, d.iloc[[0]]], ignore_index=True))
    with pytest.raises(schemas.TableError, match=rf"row {len(ledger) + 2}, column claim_id: 'giz2017-project-areas' repeats an earlier row"):
        claims.load_claims(p)


@pytest.mark.parametrize("row,column,value,message", [
    (3, "document", "999_missing.txt", r"row 5, column document \(claim_id=cs2018-hrd-journalists-killed-2017\): '999_missing.txt' is not a document of data/raw/memos.csv"),
    (0, "value", "3 mil", r"row 2, column value \(claim_id=giz2017-project-areas\): '3 mil' is not a number"),
    (1, "unit", "people", r"row 3, column unit \(claim_id=giz2017-regional-police-forces\): 'people' is not a unit of data/raw/vocabulary/units.csv"),
    (0, "indicator", "disappeared_people", r"row 2, column indicator \(claim_id=giz2017-project-areas\): 'disappeared_people' is not an indicator of data/raw/indicators.csv"),
])
def test_bad_cell_is_refused_with_its_location(tmp_path, ledger, row, column, value, message):
    def m(d):
        d[column] = d[column].astype(object)
        d.loc[row, column] = value
        return d
    with pytest.raises(schemas.TableError, match=message):
        claims.load_claims(_bad(tmp_path, ledger, m))


def test_period_end_before_start_is_refused(tmp_path, ledger):
    def m(d):
        d.loc[2, ["period_start", "period_end"]] = ["2018", "2009"]
        return d
    with pytest.raises(schemas.TableError, match=r"row 4, column \(row check; claim_id=cs2018-memos-produced, value=8.0\): "
                                                 r"failed period_end_not_before_period_start"):
        claims.load_claims(_bad(tmp_path, ledger, m))


def test_percent_over_100_and_future_as_of_are_refused(tmp_path, ledger):
    def m(d):
        i = d.index[d["claim_id"] == "cs2018-enpol-pressured"][0]
        d.loc[i, "value"] = 146.6
        d.loc[0, "as_of"] = "2099"
        return d
    with pytest.raises(schemas.TableError) as exc:
        claims.load_claims(_bad(tmp_path, ledger, m))
    row = ledger.index[ledger["claim_id"] == "cs2018-enpol-pressured"][0] + 2
    assert (f"row {row}, column (row check; claim_id=cs2018-enpol-pressured, value=146.6): "
            "failed value_at_most_the_indicator's_max_value (data/raw/indicators.csv)") in str(exc.value)
    assert "row 2, column (row check; claim_id=giz2017-project-areas, value=3.0): failed as_of_not_in_future" in str(exc.value)


def test_quote_no_longer_in_document_is_refused(ledger):
    d = ledger.copy()
    d.loc[5, "quote"] = "arbitrarily arrested 39 persons"
    with pytest.raises(ValueError, match=r"row 7, column quote \(claim_id=cs2018-impunity-countries\): not found in 001_f6785c70f59d5a73.txt: 'arbitrarily arrested 39 persons'"):
        claims.assert_quotes(d)


def test_interval_rules():
    assert claims.interval(46.6, "exact", "46.6%") == pytest.approx((46.55, 46.65))
    assert claims.interval(26000, "about", "26,000") == pytest.approx((24700, 27300))  # 5% wider than ±500
    lo, hi = claims.interval(32000, "more than", "32,000")
    assert lo > 32000 and math.isinf(hi)
    assert claims.interval(50, "nearly", "Nearly half") == (45.0, 50)


@pytest.fixture(scope="module")
def relations(ledger):
    return claims.evaluate_relations(claims.load_relations(claims=ledger), ledger).set_index("relation_id")


def test_sums_hold(relations):
    assert relations.loc["ai2014-protection-requests-split", "status"] == "pass"  # 152 = 22 + 130
    assert relations.loc["ai2014-protection-requests-split", "derived"] == 152
    assert relations.loc["ai2014-protection-accepted-split", "status"] == "pass"  # 130 = 41 + 89
    assert relations.loc["ai2014-upr-split", "status"] == "pass"  # 176 = 8 + 168


def test_implicit_shares(relations):
    assert relations.loc["cs2018-fetor-charge-rate", "derived"] == pytest.approx(0.2040, abs=1e-4)  # 17/8335
    assert relations.loc["cs2018-graves-identification-rate", "derived"] == pytest.approx(51.4212, abs=1e-4)  # 796/1548
    assert relations.loc["cs2018-disappearance-conviction-rate", "derived"] == pytest.approx(85.7143, abs=1e-4)  # 12/14
    assert relations.loc["cs2018-states-prosecutors-share", "derived"] == pytest.approx(40.625)  # 13/32
    assert relations.loc["cs2018-torture-conviction-rate", "derived"] == pytest.approx(88.8889, abs=1e-4)  # 16/18


def test_cross_memo_repeats(relations):
    r = relations.loc["xmemo-disappeared-registered"]
    assert r["status"] == "pass"
    assert r["derived"] == 37435 - 26000
    assert relations.loc["xmemo-tlatlaya-killed", "status"] == "pass"  # 22 and 'more than a dozen'


def test_relation_naming_unknown_claim_is_refused(tmp_path, ledger):
    p = tmp_path / "rel.csv"
    p.write_text("relation_id,kind,lhs,rhs,description\nx,sum,ai2014-protection-requests,nope+ai2014-protection-rejected,d\n")
    with pytest.raises(schemas.TableError, match="row 2, column \\(row check; relation_id=x\\): failed rhs: every claim id it names is a claim_id of data/raw/claims.csv"):
        claims.load_relations(p, ledger)


def test_every_number_in_the_documents_is_accounted_for(ledger):
    cov = claims.coverage(ledger)
    assert cov[cov["status"] == "missing"].empty, cov[cov["status"] == "missing"].to_string()
    listed = cov[cov["status"] == "listed"]
    assert len(listed) == len(claims.load_not_statistics())        # each listed row is used exactly once
    # statistics written as words are claims: "no arrest warrant", "both soldiers", "all accepted"
    got = cov.set_index(["document", "number"])
    words = cov[cov["number"].str.lower().isin(["no", "both", "all", "only", "first", "not a single"])]
    assert {"claim", "listed"} >= set(words["status"])
    assert len(words[words["status"] == "claim"]) >= 8
    assert "not yet been any" in set(cov["number"])


def _fixture_ledger(tmp_path, text_):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "doc.txt").write_text(text_, encoding="utf-8")
    ledger = pd.DataFrame({"document": ["doc.txt"], "quote": ["45 people were detained"]})
    listed = pd.DataFrame({"document": ["doc.txt"], "number": ["2"], "context": ["REQUIREMENT 2)"],
                           "reason": ["section number"]})
    return seeds, ledger, listed


def test_coverage_rules_on_a_hand_made_document(tmp_path, monkeypatch):
    (tmp_path / "no_series").mkdir()
    monkeypatch.setenv("MXRIGHTS_MEMO_SERIES", str(tmp_path / "no_series"))  # the hand-made document only
    seeds, ledger, listed = _fixture_ledger(
        tmp_path, "On 3 May 2016, 45 people were detained. REQUIREMENT 2) Later, two more, and 1,200 in all. "
                  "No warrant was issued; both appealed; there have not yet been any convictions.")
    cov = claims.coverage(ledger, listed, seeds)
    got = dict(zip(cov["number"], zip(cov["status"], cov["reason"])))
    assert got == {"3": ("date", "day of a date"), "2016": ("date", "calendar year"), "45": ("claim", ""),
                   "2": ("listed", "section number"), "two": ("missing", ""), "1,200": ("missing", ""),
                   "all": ("missing", ""), "No": ("missing", ""), "both": ("missing", ""),
                   "not yet been any": ("missing", "")}
    # a known document without claims is still covered: its numbers are missing, not skipped
    empty = claims.coverage(ledger.iloc[0:0], listed.iloc[0:0], seeds).set_index("number")
    assert empty.loc["45", "status"] == "missing" and empty.loc["2", "status"] == "missing"
    without = claims.coverage(ledger.assign(quote="nothing of the sort"), listed, seeds)
    assert without.set_index("number").loc["45", "status"] == "missing"


def test_stale_not_statistics_row_is_refused(tmp_path):
    seeds, ledger, listed = _fixture_ledger(tmp_path, "45 people were detained. Section 2 follows.")
    with pytest.raises(schemas.TableError, match=r"claims_not_statistics.csv, row 2, column context: "
                                                 r"'REQUIREMENT 2\)' does not occur in doc.txt"):
        claims.coverage(ledger, listed, seeds)


@pytest.mark.parametrize("printed,value", [("no", 0), ("not yet been any", 0), ("not taken any", 0), ("both", 2),
                                           ("only", 1), ("first", 1), ("all", 100), ("not a single", 0)])
def test_word_statistics_parse(printed, value):
    from mxrights.sources import text

    assert text.parse_printed_number(printed) == value
