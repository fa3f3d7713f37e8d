"""HTML fragments of the memo pages, rendered from the real ledger, verdicts and evidence."""

import pandas as pd

from mxrights import claims, evidence, paths, registry, report


def _fragment(document: str, topic: str) -> str:
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    mine = check[check["document"] == document]
    return report.claims_html(mine, claims.load_claims(), evidence.load_evidence(), topic,
                              report.load_table("relations_check"), registry.load_registry())


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


def test_consistent_claim_shows_the_relation_it_rests_on():
    html = _fragment("003_8ecdb167ec163fb0.txt", "defenders_journalists")
    assert ("relation <code>ai2014-protection-requests-split</code> (sum): ai2014-protection-requests (152) = "
            "ai2014-protection-rejected (22) + ai2014-protection-accepted (130) — <b>pass</b>") in html


def test_recomputed_claim_names_its_primary_file_and_hash():
    html = _fragment("001_f6785c70f59d5a73.txt", "disappearance")
    files = registry.load_registry().set_index("name")
    assert "primary file <code>cenapi_records_import</code>" in html
    assert files.loc["cenapi_records_import", "sha256"][:12] in html
