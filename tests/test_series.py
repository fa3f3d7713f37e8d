"""Trend models and series assembly, on fixtures whose answers were worked out by hand."""

import math

import pandas as pd
import pytest

from mxrights.series import annual as series


def test_poisson_rate_ratio_on_doubling_counts():
    # 10, 20, 40, 80 lie exactly on 10·2^t, so the Poisson MLE gives exp(b) = 2 exactly
    t = series.poisson_trend(pd.DataFrame({"year": [2010, 2011, 2012, 2013], "value": [10, 20, 40, 80]}))
    assert t.model == "Poisson GLM"
    assert t.rate_ratio == pytest.approx(2.0, rel=1e-6)
    assert t.lower < 2.0 < t.upper
    assert t.dispersion == pytest.approx(0.0, abs=1e-6)


def test_constant_counts_give_rate_ratio_one():
    t = series.poisson_trend(pd.DataFrame({"year": [2000, 2001, 2002], "value": [50, 50, 50]}))
    assert t.rate_ratio == pytest.approx(1.0, abs=1e-9)


def test_overdispersed_counts_switch_to_negative_binomial():
    t = series.poisson_trend(pd.DataFrame({"year": range(2000, 2008), "value": [5, 60, 8, 90, 10, 120, 12, 150]}))
    assert t.model.startswith("negative binomial GLM")
    assert t.dispersion > 1.5


def test_trend_needs_three_years():
    with pytest.raises(ValueError, match="at least 3 years"):
        series.poisson_trend(pd.DataFrame({"year": [2000, 2001], "value": [1, 2]}))


def test_as_of_alignment_takes_latest_point_before_the_memo():
    annual = pd.DataFrame([
        {"indicator": "x", "year": 2016, "as_of": "2016-12-31", "value": 100.0, "kind": "official", "source_id": "s", "trace": "e1"},
        {"indicator": "x", "year": 2017, "as_of": "2017-10-31", "value": 120.0, "kind": "official", "source_id": "s", "trace": "e2"},
        {"indicator": "x", "year": 2017, "as_of": "2017-09-12", "value": 110.0, "kind": "memo-claim", "source_id": "m", "trace": "c1"},
    ])
    al = series.as_of_alignment(annual, "x")
    assert al.loc[0, "reference_value"] == 100.0
    assert al.loc[0, "difference"] == 10.0


def test_every_series_point_traces_to_a_ledger_evidence_or_registry_row(root):
    annual = pd.read_csv(root / "data" / "processed" / "indicators_annual.csv")
    assert annual["trace"].str.match(r"^(claims\.csv:|evidence\.csv:|registry:)").all()
    reg = pd.read_csv(root / "data" / "registry.csv")
    names = set(reg["name"])
    regs = annual.loc[annual["trace"].str.startswith("registry:"), "trace"].str.removeprefix("registry:")
    assert set(regs) <= names
    assert set(annual["kind"]) == {"memo-claim", "official", "recomputed"}


# --- zeros are data, partial years, the press-based graves file -----------------------------

def test_every_year_fills_years_without_events_with_zero():
    counts = pd.Series([3, 1], index=[2000, 2002])
    got = series._every_year(counts, 2000, 2003)
    assert got["year"].tolist() == [2000, 2001, 2002, 2003]
    assert got["value"].tolist() == [3, 0, 1, 0]


def test_cpj_series_keeps_years_with_no_journalist_killed():
    cpj = pd.DataFrame({"year": [2001, 2001, 2004], "type_of_death": ["", "", ""]})
    row = pd.Series({"indicator": "journalists_killed_cpj", "first": 2000, "last": 2004})
    got = series.SERIES_METHODS["count_by_year"]({"cpj": cpj}, row)
    assert got["value"].tolist() == [0, 2, 0, 0, 1]
    trend = series.poisson_trend(got)  # the model sees the zeros too
    assert trend.n_years == 5


def test_real_cpj_series_has_its_zero_years(annual):
    cpj = annual[annual["indicator"] == "journalists_killed_cpj"].set_index("year")["value"]
    assert cpj.index.tolist() == list(range(2000, int(cpj.index.max()) + 1))  # from 2000, every year present
    assert cpj[2013] == 0 and cpj[2023] == 0 and cpj[2000] == 0


def test_press_graves_sum_counts_sites_without_a_count_in_the_note():
    graves = pd.DataFrame({"year": [2010, 2010, 2010, 2012], "state": ["01", "02", "03", "04"],
                           "graves": pd.array([2, pd.NA, 5, 1], dtype="Int64"),
                           "bodies": pd.array([1, 1, pd.NA, 0], dtype="Int64")})
    got = series._press_sum(graves, "graves", 2010, 2012)
    assert got["value"].tolist() == [7, 0, 1]
    assert got["note"].tolist() == ["1 site(s) without a graves count left out", "", ""]


def test_partial_years_parse():
    assert series._partial("2018: January to April; 2025: to October") == {2018: "January to April", 2025: "to October"}


def test_cenapi_2018_is_marked_partial(annual):
    row = annual[(annual["indicator"] == "disappeared_persons_by_year") & (annual["source_id"] == "cenapi")
                 & (annual["year"] == 2018)].iloc[0]
    assert row["note"].startswith("partial year: January to April") and row["partial_year"]
    whole = series.whole_years(annual)
    assert not ((whole["indicator"] == "disappeared_persons_by_year") & (whole["source_id"] == "cenapi")
                & (whole["year"] == 2018)).any()


def test_summary_table_splits_short_series_and_uses_first_figure_of_a_year():
    annual = pd.DataFrame({
        "indicator": ["a"] * 4 + ["b"], "source_id": ["s"] * 4 + ["t"], "source_label": ["S"] * 4 + ["T"],
        "year": [2010, 2011, 2011, 2012, 2015], "as_of": ["2011", "2012-01", "2012-06", "2013", "2016"],
        "value": [10.0, 20.0, 99.0, 40.0, 5.0], "kind": ["official"] * 5, "unit": ["count"] * 5})
    trends = pd.DataFrame({"indicator": ["a"], "source_id": ["s"], "rate_ratio": [2.0], "rr_lower": [1.5], "rr_upper": [2.5]})
    long, short = series.summary_table(annual, trends)
    assert long[["first_value", "last_value", "years", "change", "rate_ratio"]].iloc[0].tolist() == [10.0, 40.0, 3, 30.0, 2.0]
    assert short[["indicator", "year", "value", "years"]].iloc[0].tolist() == ["b", 2015, 5.0, 1]


def test_real_summary_lists_one_point_series_apart(annual):
    trends = pd.read_csv(__import__("mxrights").paths.processed_dir() / "trend_estimates.csv")
    long, short = series.summary_table(annual, trends)
    assert (long["years"] >= 3).all() and (short["years"] < 3).all()
    envipe = long[long["indicator"] == "crimes_dark_figure_envipe"].iloc[0]
    assert (envipe["first_year"], envipe["last_year"], envipe["years"]) == (2010, 2024, 15)


@pytest.mark.parametrize("rr, lo, hi, words", [
    (1.2, 1.05, 1.37, "rising, +20% a year (95% CI +5% to +37%)"),
    (0.88, 0.80, 0.97, "falling, −12% a year (95% CI −20% to −3%)"),
    (1.10, 0.95, 1.27, "no clear trend: +10% a year (95% CI −5% to +27%)"),
    (2.79, 1.48, 5.25, "rising, +179% a year (95% CI +48% to +425%)"),
    # an interval spanning more than a factor of ten says nothing usable (the summary printed −92% to +3,874%)
    (1.9, 0.08, 39.74, "too few or too variable points for a trend: +90% a year (95% CI −92% to +3,874%)"),
])
def test_rate_ratios_read_in_words(rr, lo, hi, words):
    from mxrights.series import annual as series

    assert series.rate_in_words(rr, lo, hi) == words


def test_topic_answer_on_a_hand_made_series():
    """The comparison page's two-sentence answer, computed from a series worked out by hand."""
    from mxrights.series import annual as series

    # 2015 covers January to March only (partial_year): the answer must stop at 2014
    annual = pd.DataFrame({"indicator": ["a"] * 6 + ["b"], "year": [2010, 2011, 2012, 2013, 2014, 2015, 2012],
                           "value": [10, 12, 14, 17, 20, 3, 5], "unit": ["count"] * 7, "as_of": ["x"] * 7,
                           "kind": ["official"] * 6 + ["memo-claim"], "source_id": ["s"] * 6 + ["m"],
                           "source_label": ["Source S"] * 6 + ["memo"], "note": [""] * 5 + ["partial year: Q1", ""],
                           "partial_year": [False] * 5 + [True, False]})
    trends = pd.DataFrame({"indicator": ["a"], "source_id": ["s"], "rate_ratio": [1.19], "rr_lower": [1.02],
                           "rr_upper": [1.39], "first_year": [2010], "last_year": [2014]})
    text = series.topic_answer(annual, trends, ["a", "b"], pd.Series({"a": "Cases"}), 2000, 2026)
    assert text == ("The series reaching the latest year, Cases (Source S), went from 10 in 2010 to 20 in 2014; its fitted trend, "
                    "2010–2014: rising, +19% a year (95% CI +2% to +39%). 1 of the topic's 1 charted indicators have "
                    "five or more years of figures, and 1 memo figure(s) sit beside them.")


def test_an_answer_says_when_the_last_year_moves_against_the_trend_and_names_its_unit():
    """Hand-made, after the CNDH torture complaints: fitted as rising 2013–2017 while the last
    year fell from 209 to 83; a percent series prints its unit."""
    from mxrights.series import annual as series

    years = [2013, 2014, 2015, 2016, 2017]
    annual = pd.DataFrame({"indicator": "c", "year": years, "value": [5, 7, 50, 209, 83], "unit": "count",
                           "as_of": "x", "kind": "official", "source_id": "s", "source_label": "CNDH", "note": "",
                           "partial_year": False})
    trends = pd.DataFrame({"indicator": ["c"], "source_id": ["s"], "rate_ratio": [2.79], "rr_lower": [1.48],
                           "rr_upper": [5.25], "first_year": [2013], "last_year": [2017]})
    text = series.topic_answer(annual, trends, ["c"], pd.Series({"c": "Complaints"}), 2000, 2026)
    assert ("its fitted trend, 2013–2017: rising, +179% a year (95% CI +48% to +425%), but the last year fell, "
            "from 209 in 2016 to 83 in 2017.") in text
    assert series.against_trend(annual, 0.8) == ""                    # a falling trend and a falling last year
    share = annual.assign(indicator="p", unit="percent", value=[40.5, 41, 42, 43, 44.5])
    text = series.topic_answer(share, trends.iloc[0:0], ["p"], pd.Series({"p": "Share"}), 2000, 2026)
    assert "went from 40.5% in 2013 to 44.5% in 2017" in text


def test_enpol_editions_compared_without_an_interval_from_published_figures(monkeypatch, tmp_path):
    """The torture page's 2016 → 2021 sentence: published figures, their difference, no SRS interval."""
    from mxrights.judge import survey_checks
    from mxrights.publish import survey_text
    from mxrights.ledger import evidence

    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))           # no microdata
    ev = evidence.load_evidence()
    pairs = survey_checks.edition_pairs(ev, ["enpol_physical_aggression_at_arrest"])
    assert pairs == ["enpol2016_physical_aggression_arrest_to_mp"]
    d = survey_checks.edition_difference(ev, pairs[0])
    assert (d["published_a"], d["published_b"]) == (63.8, 48.6)
    assert round(d["difference_pp"], 1) == -15.2 and d["design"] is None
    assert "fifteen items instead of nine" in d["wording"]


def test_enpol_comparison_paragraph_without_and_with_microdata(monkeypatch, tmp_path):
    """The paragraph the torture page prints: published figures, their gap, and an interval only
    from the survey design (here a hand-made comparison stands in for the microdata)."""
    from mxrights.judge import survey_checks
    from mxrights.publish import survey_text
    from mxrights.ledger import evidence

    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))
    ev = evidence.load_evidence()
    d = survey_checks.edition_difference(ev, "enpol2016_physical_aggression_arrest_to_mp")
    text = survey_text.comparison_text(d)
    assert "**63.8%** in 2016 (" in text and "**48.6%** in 2021 (" in text
    assert "the published figures are 15.2 percentage points lower in 2021" in text
    assert "No interval is given" in text and "CI" not in text
    design = survey_checks.EditionComparison("a", "b", 60.0, 50.0, -10.0, 2.0, -13.92, -6.08, 0.95)
    text = survey_text.comparison_text({**d, "design": design})
    assert text.endswith("correction): -10.0 points (95% CI -13.9 to -6.1).") and "No interval" not in text


def test_an_answer_reads_the_series_reaching_the_latest_year_and_averages_long_count_series():
    """Hand-made: a long CPJ-like series (0 in 2000, 1 in 2024) is read by five-year means, not
    by two atypical endpoints; a series ending later is preferred to a longer one ending earlier."""
    from mxrights.series import annual as series

    years = list(range(2000, 2025))
    values = [0, 1, 0, 0, 3] + [5] * 15 + [4, 3, 3, 2, 1]        # first five: mean 0.8; last five: mean 2.6
    a = pd.DataFrame({"indicator": "j", "year": years, "value": values, "unit": "count", "as_of": "x",
                      "kind": "recomputed", "source_id": "cpj", "source_label": "CPJ", "note": "",
                      "partial_year": False, "reconciliation": "differs from its publisher's totals"})
    assert series.endpoints_text(a) == "from 0.8 a year in 2000–2004 to 2.6 a year in 2020–2024"
    old = a[a["year"] <= 2018].assign(indicator="k", source_id="old", source_label="Old", reconciliation="")
    short = a[a["year"] >= 2020].assign(indicator="k", source_id="new", source_label="New", reconciliation="")
    both = pd.concat([old, short])
    assert series.pick_series(both, ["k"]) == ("k", "new")                    # reaches 2024, though shorter
    text = series.topic_answer(a, pd.DataFrame(columns=["indicator", "source_id"]), ["j"], pd.Series({"j": "Killed"}),
                               2000, 2026)
    assert text.startswith("The series reaching the latest year, Killed (CPJ, recomputed from primary data; the "
                           "recomputation differs from its publisher's totals), went from 0.8 a year in 2000–2004")


def test_a_method_break_ends_a_series():
    """Hand-made after UDLAP's global index: 75.70 (2015), 69.21 (2017), 49.67 (2019, new method), 46.19 (2025)."""
    from mxrights.series import annual as series

    a = pd.DataFrame({"indicator": "g", "source_id": "igi", "source_label": "IGI", "year": [2015, 2017, 2019, 2025],
                      "value": [75.70, 69.21, 49.67, 46.19], "as_of": "x", "kind": "official", "unit": "score",
                      "partial_year": False})
    breaks = pd.DataFrame({"indicator": ["g"], "source_id": ["igi"], "first_year": [2019]})
    assert series.last_segment(a, breaks)["year"].tolist() == [2019, 2025]
    long, short = series.summary_table(a, pd.DataFrame(columns=["indicator", "source_id", "rate_ratio", "rr_lower",
                                                                "rr_upper"]), min_years=2, breaks=breaks)
    assert (long.loc[0, "first_year"], long.loc[0, "change"]) == (2019, pytest.approx(-3.48))   # never 46.19 − 75.70
    real = series.load_method_breaks()
    assert set(real["indicator"]) == {"impunity_index_global_score", "impunity_index_global_rank"}
