"""The evidence table, state-name normalisation, and the row ledger of the real build."""

import pandas as pd
import pytest

from mxrights.sources import disappearances, readers
from mxrights.ledger import evidence
from mxrights import paths


@pytest.fixture(scope="module")
def ev():
    return evidence.load_evidence()


def test_every_evidence_row_has_a_traceable_source(ev):
    assert ev["url"].str.startswith("http").all()
    assert ev["publisher"].str.len().gt(0).all() and ev["publisher_es"].str.len().gt(0).all()
    assert ev["locator"].str.len().gt(0).all() and ev["population"].str.len().gt(0).all()
    assert ev["retrieved"].str.match(r"^\d{4}-\d{2}-\d{2}$").all()
    assert ev["evidence_file"].eq("evidence/evidence.csv").all()


def _write_bad(tmp_path, monkeypatch, mutate):
    """A copy of the evidence table with one cell changed, loaded without the registry check."""
    folder = tmp_path / "evidence"
    folder.mkdir()
    df = pd.read_csv(evidence.evidence_dir() / "evidence.csv", dtype=str, keep_default_na=False)
    mutate(df)
    df.to_csv(folder / "evidence.csv", index=False)
    return folder


@pytest.mark.parametrize("column,value,message", [
    ("publisher_id", "nobody-knows", r"row 2, column publisher_id \(evidence_id=ev-cndh-2017-graves\): 'nobody-knows' is not an org_id of data/raw/vocabulary/organisations.csv"),
    ("reported_by_id", "some-blog", r"row 2, column reported_by_id \(evidence_id=ev-cndh-2017-graves\): 'some-blog' is not an org_id of"),
    ("url", "https://www.wola.org/", r"row 2, column url \(evidence_id=ev-cndh-2017-graves\): 'https://www.wola.org/' does not match the pattern"),
    ("population", "", r"row 2, column population \(evidence_id=ev-cndh-2017-graves\): empty, and the column is required"),
    ("geography", "", r"row 2, column geography \(evidence_id=ev-cndh-2017-graves\): empty, and the column is required"),
])
def test_bad_evidence_row_is_refused_naming_file_row_column(tmp_path, monkeypatch, column, value, message):
    def m(df):
        df.loc[0, column] = value
    folder = _write_bad(tmp_path, monkeypatch, m)
    with pytest.raises(Exception, match=message) as exc:
        evidence.load_evidence(folder)
    assert "evidence.csv" in str(exc.value)


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
    assert readers.state_code_from_name(names[:6]).tolist() == ["28", "15", "19", "09", "05", "99"]
    # 'México' is the State of Mexico (15); the country is only ever the 'Nacional' recode (00)
    assert readers.state_code_from_name(pd.Series(["México", "Nacional", "Veracruz de Ignacio de la Llave"])).tolist() \
        == ["15", "00", "30"]
    with pytest.raises(readers.DataError, match=r"row 8, column name: unknown state name 'Atlantis'"):
        readers.state_code_from_name(names, "x", "f.csv")
    df = disappearances.load_rnped_2018_states(readers.RowLedger())
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


def test_every_locator_quotes_the_page_in_a_few_words(ev):
    words = ev["locator"].str.split().str.len()
    assert (words <= 25).all(), ev.loc[words > 25, ["evidence_id", "locator"]]
    assert not ev["locator"].str.fullmatch(r"(paragraph|same|news report).*", case=False).any()


def test_a_figure_reported_by_a_co_author_is_never_the_only_independent_check():
    """Rows reported on a party's site are graded (d) for that document, whatever the publisher."""
    from mxrights.judge import verdicts
    from mxrights.ledger import vocab

    from mxrights.ledger import claims

    ev_ = evidence.load_evidence()
    doc_of = claims.load_claims().set_index("claim_id")["document"]
    for _, row in ev_[ev_["claim_id"].notna()].iterrows():
        for cid in row["claim_id"].split(";"):
            doc = doc_of[cid]
            parties = vocab.parties_of(doc)
            grade, why = verdicts.evidence_grade(row, parties, doc)
            if row["publisher_id"] in parties or (row["reported_by_id"] or "") in parties:
                assert grade == "d" and why
            else:
                assert grade in ("b", "c") and not why


# --- the evidence hunt and addresses a reader can find again -------------------------------------

def test_every_unverifiable_claim_has_a_hunt_record():
    from mxrights.ledger import hunts
    from mxrights.publish import report

    check = report.load_table("claims_check")
    ev = evidence.load_evidence()
    log = hunts.load_hunts(set(check["claim_id"]), set(ev["evidence_id"]))
    missing = set(check.loc[check["verdict"] == "unverifiable", "claim_id"]) - set(log["claim_id"])
    assert not missing, sorted(missing)
    assert set(log["outcome"]) <= set(hunts.outcomes()["outcome"])


def test_every_evidence_row_has_an_address_a_reader_can_follow():
    ev = evidence.load_evidence()
    has = ev["url"].fillna("").str.startswith("http") | ev["copy_url"].fillna("").str.startswith("http")
    assert has.all(), list(ev.loc[~has, "evidence_id"])
    copies = ev[ev["copy_url"].notna()]
    assert len(copies) >= 30 and copies["copy_locator"].notna().all()
