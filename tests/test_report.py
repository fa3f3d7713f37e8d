"""HTML fragments of the memo pages, rendered from the real ledger, verdicts and evidence."""

import pandas as pd

from mxrights import claims, evidence, paths, report


def _fragment(document: str, topic: str) -> str:
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    mine = check[check["document"] == document]
    return report.claims_html(mine, claims.load_claims(), evidence.load_evidence(), topic)


def test_unverifiable_claim_says_what_would_settle_it_without_nan():
    html = _fragment("003_8ecdb167ec163fb0.txt", "defenders_journalists")
    assert "ai2014-mechanism-staff-departed" in html
    assert "no registered data or transcribed figure; would be settled by a public case list" in html
    assert "nan" not in html.replace("nano", "")


def test_sourced_claim_links_its_evidence_row():
    html = _fragment("003_8ecdb167ec163fb0.txt", "disappearance")
    assert "published <b>26,000</b>" in html and "reproduced <b>26,021</b> (difference +21)" in html
    assert "Secretariado Ejecutivo del Sistema Nacional de Seguridad Pública" in html
    assert "[secondary]" in html
