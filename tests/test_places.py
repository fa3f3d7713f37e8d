"""Geography as data: INEGI states, each row's place, state series, state pages."""

import pandas as pd
import pytest

from mxrights.sources import geo, registry
from mxrights import paths
from mxrights.series import annual as series
from mxrights.publish import state_page
from mxrights.sources.schemas import TableError


def _annual():
    return pd.read_csv(paths.processed_dir() / "indicators_annual.csv", keep_default_na=False, na_values=[""],
                       dtype={"state_code": str}).fillna({"state_code": ""})


def test_states_table():
    s = geo.states()
    assert len(geo.state_codes()) == 32 and geo.state_codes()[0] == "01" and geo.state_codes()[-1] == "32"
    assert geo.name_en("15") == "State of Mexico" and geo.name_en("09") == "Mexico City" and geo.name_en("00") == "Mexico"
    assert s.loc["30", "name_es_official"] == "Veracruz de Ignacio de la Llave"


def test_every_row_says_the_place_of_its_source():
    a = _annual()
    claims = pd.read_csv(paths.raw_dir() / "claims.csv", dtype=str).set_index("claim_id")
    memo = a[a["kind"] == "memo-claim"]
    ids = memo["trace"].str.removeprefix("claims.csv:")
    assert (memo["geography"].to_numpy() == claims.loc[ids, "geography"].to_numpy()).all()
    assert memo.set_index("trace").loc["claims.csv:cs2018-tlatlaya-victim-age", "state_code"] == "15"
    assert set(a["geography"]) <= set(geo.geographies().index)
    # state rows from at least four primary files, each named by its state
    st = a[(a["kind"] == "recomputed") & a["state_code"].isin(geo.state_codes())]
    assert st["trace"].nunique() >= 4
    assert (st["geography"] == st["state_code"].map(geo.name_en)).all()


def test_national_counts_are_the_states_plus_those_without_a_state():
    a = _annual()
    g = a[(a["indicator"] == "disappeared_persons_by_year") & (a["source_id"] == "rnpdno-2026") & (a["year"] == 2024)]
    nat = g.loc[g["state_code"] == "00", "value"].sum()
    states = g.loc[g["state_code"].isin(geo.state_codes()), "value"].sum()
    acc = pd.read_csv(paths.processed_dir() / "row_accounting.csv").set_index("source")
    row = acc.loc["rnpdno-2026:disappeared_persons_by_year"]
    assert nat >= states and row["rows_in"] == row["rows_out"] + row["dropped"] and row["dropped"] == 323
    # INEGI's homicides: every death has a state, so the 32 states sum to the nation
    h = a[(a["indicator"] == "homicides") & (a["source_id"] == "inegi-defunciones") & (a["year"] == 2018)]
    assert h.loc[h["state_code"] == "00", "value"].iloc[0] == h.loc[h["state_code"] != "00", "value"].sum() == 34426


def test_an_unknown_geography_is_refused(tmp_path):
    """A claim's geography is a foreign key into vocabulary/geographies.csv (datapackage.json)."""
    from mxrights.ledger import claims as claims_mod

    src = claims_mod.load_claims()
    p = tmp_path / "claims.csv"
    bad = pd.read_csv(registry.resolve("claims_ledger"), dtype=str, keep_default_na=False)
    bad.loc[1, "geography"] = "Atlantis"
    bad.to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"claims.csv, row 3, column geography \(claim_id={src.loc[1, 'claim_id']}\): "
                                         r"'Atlantis' is not a geography of data/raw/vocabulary/geographies.csv"):
        claims_mod.load_claims(p)


def test_state_ranks_on_a_hand_made_table():
    rows = []
    for code, v in zip(geo.state_codes(), range(1, 33)):          # state 01 has 1, … state 32 has 32
        rows.append({"indicator": "x", "source_id": "s", "source_label": "S", "kind": "recomputed", "state_code": code,
                     "year": 2020, "value": float(v), "unit": "count", "partial_year": False})
    rows.append({"indicator": "x", "source_id": "s", "source_label": "S", "kind": "recomputed", "state_code": "00",
                 "year": 2020, "value": 600.0, "unit": "count", "partial_year": False})   # 528 in states + 72 unknown
    rows.append({"indicator": "x", "source_id": "s", "source_label": "S", "kind": "recomputed", "state_code": "14",
                 "year": 2021, "value": 5.0, "unit": "count", "partial_year": True})      # a partial year is not ranked
    r = state_page.ranks(pd.DataFrame(rows), "14").iloc[0]
    assert (r["year"], r["value"], r["rank"], r["states"], r["national"], r["share"]) == (2020, 14, 19, 32, 600, 2.3)
    text = state_page.answer("Jalisco", state_page.ranks(pd.DataFrame(rows), "32"), pd.Series({"x": "Cases"}))
    assert text.startswith("Among the states, Jalisco ranks highest in these series: 1st of 32 in cases (S, 2020: 32, "
                           "5.3% of the national count).")


def test_real_state_page_figures():
    a = _annual()
    r = state_page.ranks(a, "14").set_index(["indicator", "source_id"])
    row = r.loc[("homicides", "inegi-defunciones")]
    jal = a[(a["indicator"] == "homicides") & (a["source_id"] == "inegi-defunciones") & (a["year"] == 2022)]
    assert row["year"] == 2022 and row["value"] == jal.loc[jal["state_code"] == "14", "value"].iloc[0]
    assert row["rank"] == 1 + int((jal.loc[jal["state_code"].isin(geo.state_codes()), "value"] > row["value"]).sum())


def test_no_fact_of_the_issue_list_is_a_literal_in_the_library(root):
    """Facts live in tables: none of these literals (the lists the architecture issue named, the
    country typed as a geography, INEGI's address, year limits) may come back into src/."""
    import re

    banned = [r'IDENTITY_PARAMETERS', r'geography\s*=\s*"Mexico"', r'"geography":\s*"Mexico"', r'\bPARAM_TYPES\b', r'\bSITE_PAGES\b',
              r'\bQUALIFIERS\b', r'\bPARTY_ROLES\b', r'\bCOLLECTIONS\b', r'\bJOB_FAMILIES\b', r'\bTREND_SPAN_LIMIT\b',
              r'\bSTATES\s*=', r'_STATE_ALIASES', r'inegi\.org\.mx', r'in_range\(19\d\d', r'!= "Mexico"',
              r'return "[a-e]", ', r'\("[bc]", ""\)', r'\bAGREEMENTS\b', r'\bACCURACY\s*=', r'\bSCOPE_SOURCES\b',
              r'\bROLES\s*=', r'evidence_year_m', r'DataFrameSchema\(']
    found = []
    for p in sorted((root / "src" / "mxrights").rglob("*.py")):
        text = p.read_text(encoding="utf-8")
        found += [f"{p.name}: {b}" for b in banned if re.search(b, text)
                  and not (b == r'DataFrameSchema\(' and p.name == "package.py")]  # the one engine builds schemas
    assert not found, found
