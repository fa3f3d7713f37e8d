"""Memo over memo: repeated quantities, the figure known at each memo's date, today's revision."""

import pandas as pd
import pytest

from mxrights import paths
from mxrights.judge import repeats
from mxrights.series import annual as series


def _annual(rows):
    cols = ["indicator", "year", "as_of", "value", "kind", "source_id", "source_label"]
    return pd.DataFrame(rows, columns=cols)


ANNUAL = _annual([
    ("reg", 2015, "2015-12-31", 100.0, "recomputed", "proxy", "Proxy"),
    ("reg", 2016, "2016-03-31", 120.0, "official", "pub", "Publisher"),
    ("reg", 2016, "2016-03-31", 118.0, "recomputed", "proxy", "Proxy"),
    ("reg", 2016, "2016-08-10", 999.0, "memo-claim", "m", "memo"),
    ("flow", 2010, "2010-12-31", 5.0, "recomputed", "today", "Today"),
    ("flow", 2011, "2011-12-31", 0.0, "recomputed", "today", "Today"),
    ("flow", 2012, "2012-12-31", 7.0, "recomputed", "today", "Today"),
])


def test_official_before_prefers_a_published_figure_at_the_same_date_and_never_a_memo():
    ref = series.official_before(ANNUAL, "reg", "2016-08-10")
    assert (ref["value"], ref["as_of"]) == (120.0, "2016-03-31")
    assert series.official_before(ANNUAL, "reg", "2015-06") is None  # nothing dated before


def test_revision_sums_whole_years_up_to_the_last_year_ended_before_the_claim():
    # claim dated 2013-02: years 2010-2012 have ended; the zero year counts
    assert repeats.revision(ANNUAL, "flow", "today", "2010", "2013-02") == (12.0, "2010–2012")
    # dated 31 Dec 2012: 2012 has ended too; without a start, from the series' first year
    assert repeats.revision(ANNUAL, "flow", "today", "", "2012-12-31") == (12.0, "2010–2012")
    # a year the series lacks: no sum (it would understate)
    value, why = repeats.revision(ANNUAL, "flow", "today", "2009", "2012-12-31")
    assert value is None and "not 2009–2012" in why


def test_repeated_indicators_need_two_memo_years():
    check = pd.DataFrame({"document": ["d16", "d17", "d17b", "d18"], "indicator": ["a", "a", "b", "b"]})
    years = pd.Series({"d16": 2016, "d17": 2017, "d17b": 2017, "d18": 2017})
    assert repeats.repeated_indicators(check, years) == ["a"]


def test_real_table_register_of_disappeared_persons():
    t = pd.read_csv(paths.processed_dir() / "memo_over_memo.csv", keep_default_na=False, na_values=[""])
    reg = t[t["indicator"] == "disappeared_persons_registered"].set_index("claim_id")
    assert list(reg["memo_year"]) == sorted(reg["memo_year"])
    r18 = reg.loc["cs2018-disappeared-total"]
    assert (r18["memo_value"], r18["official_value"], r18["official_as_of"]) == (37435, 37435, "2018-04-30")
    # what the July 2020 register counts for 2000-2017, persons still missing
    assert r18["revised_years"] == "2000–2017" and r18["revised_value"] == pytest.approx(44369)
    r16 = reg.loc["ms2016-wola-letter-disappeared"]
    assert (r16["official_value"], r16["official_as_of"], r16["revised_years"]) == (27215, "2016-03-31", "2007–2015")
    assert pd.isna(reg.loc["ms2020-wola-disappeared-register", "revised_value"])  # the 2020 snapshot ends in 2018
    assert set(t["indicator"]) >= {"merida_conditioned_share", "memo_coauthor_organisations", "tlatlaya_civilians_killed"}


def test_headline_counts_the_quantities_shown():
    """Hand-made: x is stated in 2015 and 2016 (2 claims, 1 independent); y only in 2016."""
    table = pd.DataFrame({"indicator": ["x", "x", "y"], "memo_year": [2015, 2016, 2016],
                          "claim_id": ["x1", "x2", "y1"], "independent_check": [True, False, True]})
    h = repeats.headline(table, 2)
    assert {k: h[k] for k in ("quantities", "claims", "independent", "first_year", "last_year")} == \
        {"quantities": 1, "claims": 2, "independent": 1, "first_year": 2015, "last_year": 2016}
    assert h["text"].startswith("**1 quantities are stated by documents of 2 or more memo years (2015–2016).** "
                                "Of their 2 claims, 1 were checked")
    assert repeats.shown(table, 1)["claim_id"].tolist() == ["x1", "x2", "y1"]
    # x1 and x2 state one fact: one check, counted once
    facts = repeats.headline(table.assign(fact_id=["fx", "fx", "fy"]), 2)
    assert (facts["facts"], facts["facts_independent"]) == (1, 1) and "as distinct facts, 1 of 1 were checked" in facts["text"]
    assert repeats.headline(table, 3)["quantities"] == 0


def test_real_headline_matches_the_claims_ledger():
    """The page's count, recomputed another way: indicators of claims_check.csv whose
    documents span two or more memo years."""
    from mxrights.publish import report
    from mxrights.ledger import vocab

    check = report.load_table("claims_check")
    years = check["document"].map(vocab.memo_years())
    per = years.groupby(check["indicator"]).nunique()
    repeated = per[per >= 2].index
    h = repeats.headline(report.load_table("memo_over_memo"), 2)
    assert h["quantities"] == len(repeated)
    assert h["claims"] == int(check["indicator"].isin(repeated).sum())
    assert h["independent"] == int(check.loc[check["indicator"].isin(repeated), "independent_check"].sum())


@pytest.mark.parametrize("printed, value, qualifier, known, expected", [
    ("27,000", 27000, "exact", 27215, "agrees"),              # the 2016 letter beside RNPED's March 2016 total
    ("27,000", 27000, "exact", 27600, "differs: +600 (+2.2%)"),   # outside 26,500–27,500 (rounded to thousands)
    ("27,000", 27000, "more than", 26900, "differs: −100 (−0.4%)"),  # "more than" needs a larger known figure
    ("27,000", 27000, "more than", 40000, "agrees"),
    ("27,215", 27215, "exact", None, ""),
])
def test_a_memo_figure_is_judged_against_what_was_known_then_by_the_verdict_rules(printed, value, qualifier, known,
                                                                                 expected):
    claim = pd.Series({"printed": printed, "value": value, "qualifier": qualifier})
    assert repeats.known_then(known, claim) == expected


def test_real_table_judges_the_2016_letter_against_the_register_then():
    t = pd.read_csv(paths.processed_dir() / "memo_over_memo.csv", keep_default_na=False, na_values=[""])
    r16 = t.set_index("claim_id").loc["ms2016-wola-letter-disappeared"]
    assert (r16["memo_value"], r16["official_value"], r16["known_then"]) == (27000, 27215, "agrees")
