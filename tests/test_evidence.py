"""The evidence table, state-name normalisation, and the row ledger of the real build."""

import pandas as pd
import pytest

from mxrights import cleaning, evidence, paths


@pytest.fixture(scope="module")
def ev():
    return evidence.load_evidence()


def test_every_evidence_row_has_a_traceable_source(ev):
    assert len(ev) >= 60
    assert ev["url"].str.startswith("http").all()
    assert ev["publisher_es"].str.len().gt(0).all()
    assert set(ev["kind"]) <= {"official", "secondary"}
    assert ev["retrieved"].eq("2026-11-23").all()
    assert ev["evidence_file"].eq("evidence/evidence.csv").all()


def test_published_parts_add_up_to_the_rnped_total(ev):
    rows = evidence.for_claim(ev, "cs2018-disappeared-total")
    value, how = evidence.combined_value(rows)
    assert value == 36265 + 1170 == 37435
    assert "ev-rnped-2018-04-fc" in how and "ev-rnped-2018-04-ff" in how


def test_unregistered_evidence_file_is_refused(tmp_path, monkeypatch):
    folder = tmp_path / "raw" / "evidence"
    folder.mkdir(parents=True)
    src = evidence.evidence_dir() / "evidence.csv"
    (folder / "new_source.csv").write_text(src.read_text())
    monkeypatch.setattr(evidence, "evidence_dir", lambda: folder)
    with pytest.raises(Exception, match="new_source.csv: evidence file is not in the data registry"):
        evidence.load_evidence(folder)


def test_state_names_map_to_inegi_codes(mirror):
    names = pd.Series(["TAMAULIPAS", "ESTADO DE MEXICO", "Nuevo León", "CIUDAD DE MEXICO", "COAHUILA DE ZARAGOZA",
                       "NO ESPECIFICADO", "Atlantis"])
    assert cleaning.state_code_from_name(names).tolist()[:6] == ["28", "15", "19", "09", "05", "33"]
    assert pd.isna(cleaning.state_code_from_name(names).iloc[6])
    df = cleaning.load_rnped_2018_states(cleaning.RowLedger())
    assert df["state"].nunique() == 33 and df["count"].sum() == 34441


def test_row_accounting_of_the_build_balances():
    acc = pd.read_csv(paths.processed_dir() / "row_accounting.csv")
    assert (acc["rows_in"] == acc["rows_out"] + acc["dropped"]).all()
    cen = acc[acc["source"] == "cenapi_records_import"].set_index("step")
    assert cen.loc["read", "rows_in"] == 99129
    assert cen.loc["drop unparseable fecha_evento", "dropped"] == 2
    assert cen.loc["drop placeholder 1900-01-01", "dropped"] == 1316
    kept = [s for s in cen.index if s.startswith("keep ")]
    assert kept == ["keep 3768 identical rows"]
