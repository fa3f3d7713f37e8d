"""Reconciliation of recomputed series with what their publishers printed."""

import pandas as pd
import pytest

from mxrights import paths
from mxrights.series import reconcile, annual as series
from mxrights.sources import registry
from mxrights.sources.schemas import TableError


def _annual(values: dict, indicator="x", source="s", unit="count"):
    return pd.DataFrame({"indicator": indicator, "source_id": source, "kind": "recomputed", "state_code": "00",
                         "year": list(values), "value": list(values.values()), "unit": unit, "as_of": "2020"})


def _published(**kw):
    row = {"published_id": "p", "indicator": "x", "source_id": "s", "geography": "Mexico", "year_start": "2010",
           "year_end": "2010", "as_of": "", "value": "100", "publisher": "P", "publisher_es": "P", "url": "http://u",
           "locator": "q", "retrieved": "2026-12-02", "relation": "publisher", "tolerance_share": "0.01",
           "expected_difference": "why"}
    return row | kw


def test_reconcile_on_hand_made_series():
    annual = pd.concat([_annual({2010: 100.6, 2011: 50, 2012: 60}), _annual({2016: 67.3894}, "idx", "u", "score")])
    pub = pd.DataFrame([
        _published(published_id="a", value="100"),                                     # +0.6, within 1% (1.0)
        _published(published_id="b", year_start="2011", year_end="2012", value="100"),  # 110 vs 100: +10%
        _published(published_id="c", year_start="2008", year_end="2010", value="300"),  # 2008 not recomputed
        _published(published_id="d", indicator="idx", source_id="u", year_start="2016", year_end="2016",
                   value="67.42", tolerance_share="0"),                                # only the printed rounding: 0.005
        _published(published_id="e", relation="none found", value="", year_start="", year_end=""),
    ])
    rec = reconcile.reconcile(annual, pub).set_index("published_id")
    assert (rec.loc["a", "status"], rec.loc["a", "difference"], rec.loc["a", "tolerance"]) == ("matches", 0.6, 1.0)
    assert (rec.loc["b", "status"], rec.loc["b", "recomputed"], rec.loc["b", "share"]) == ("differs", 110, 0.1)
    assert rec.loc["b", "reason"] == "why" and rec.loc["a", "reason"] == ""
    assert rec.loc["c", "status"] == "not comparable" and rec.loc["c", "reason"] == "the recomputed series covers 2010–2012"
    assert (rec.loc["d", "status"], rec.loc["d", "difference"], rec.loc["d", "tolerance"]) == ("differs", -0.0306, 0.005)
    assert rec.loc["e", "status"] == "no published total"
    status = reconcile.series_status(reconcile.reconcile(annual, pub)).set_index("indicator")["reconciliation"]
    assert status["x"] == "differs from its publisher's totals" and status["idx"] == "differs from its publisher's totals"
    only_ok = reconcile.series_status(reconcile.reconcile(annual, pub[pub["published_id"] == "a"]))
    assert only_ok["reconciliation"].tolist() == ["matches its publisher's totals"]


def test_published_totals_name_a_recomputed_series(tmp_path):
    src = pd.read_csv(registry.resolve("published_totals"), dtype=str, keep_default_na=False)
    bad = src.copy()
    bad.loc[2, "source_id"] = "nobody"
    p = tmp_path / "published_totals.csv"
    bad.to_csv(p, index=False)
    with pytest.raises(TableError, match=r"row 4, column source_id \(published_id=inegi-homicidios-2008\): 'nobody'"):
        reconcile.load_published(p)
    bad = src.copy()
    bad.loc[0, "value"] = "10 mil"
    bad.to_csv(p, index=False)
    with pytest.raises(TableError, match=r"row 2, column value \(published_id=inegi-homicidios-2006\): '10 mil'"):
        reconcile.load_published(p)


def test_every_recomputed_series_is_reconciled_and_the_mismatches_are_real():
    rec = pd.read_csv(paths.processed_dir() / "reconciliation.csv", keep_default_na=False, na_values=[""])
    table = series.load_series_table()
    assert set(zip(table["indicator"], table["source_id"])) == set(zip(rec["indicator"], rec["source_id"]))
    r = rec.set_index("published_id")
    # A dónde van los desaparecidos printed 1,978 graves for 2006-2016; the data repository's national file sums to 1,738
    assert (r.loc["advld-2018-fosas", "recomputed"], r.loc["advld-2018-fosas", "status"]) == (1738, "differs")
    # SESNSP's own 2018 figure (January 2020 cut) and the February 2025 extract: 33,743 vs 33,742
    assert (r.loc["sesnsp-homicidio-2018", "recomputed"], r.loc["sesnsp-homicidio-2018", "status"]) == (33742, "matches")
    # the peer's reading of the same dashboard nine days later: within 1% in every year but 2014
    peer = rec[rec["relation"] == "peer"]
    assert len(peer) == 15 and peer.loc[peer["status"] == "differs", "years"].tolist() == ["2014"]
    annual = pd.read_csv(paths.processed_dir() / "indicators_annual.csv", keep_default_na=False, na_values=[""])
    adv = annual[(annual["source_id"] == "advld") & (annual["kind"] == "recomputed")]
    assert set(adv["reconciliation"]) == {"differs from its publisher's totals"}
    assert set(annual.loc[annual["kind"] != "recomputed", "reconciliation"].fillna("")) == {""}


def test_readable_differences_are_never_rounded_away():
    rec = pd.DataFrame({"indicator": ["idx", "idx", "x"], "source_id": "u", "relation": "publisher", "publisher": "P",
                        "url": "", "years": ["2016", "2018", "2010"], "published": [67.42, 69.84, 100.0],
                        "recomputed": [67.3894, 69.8458, 110.0], "difference": [-0.0306, 0.0058, 10.0],
                        "share": [-0.000454, 0.000083, 0.1], "status": "differs", "reason": ""})
    tiny = reconcile.readable(rec.assign(share=[0.000004, -0.0000001, 0.0]), pd.Series(dtype=str))
    assert tiny["difference (%)"].tolist() == ["+<0.001%", "−<0.001%", "+0.0%"]
    r = reconcile.readable(rec, pd.Series({"idx": "Index"}))
    assert r["difference"].tolist() == ["−0.03", "+0.01", "+10"]
    assert r["difference (%)"].tolist() == ["−0.045%", "+0.008%", "+10.0%"]
    assert r["recomputed"].tolist() == ["67.39", "69.85", "110"]
