"""HTML fragments of the memo pages, rendered from the real ledger, verdicts and evidence."""

import pandas as pd

from mxrights.ledger import claims, evidence
from mxrights import paths
from mxrights.sources import registry
from mxrights.publish import report


def _fragment(document: str, topic: str) -> str:
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    mine = check[check["document"] == document]
    return report.claims_html(mine, claims.load_claims(), evidence.load_evidence(), topic,
                              report.load_table("relations_check"), registry.load_registry())


def test_unverifiable_claim_says_what_would_settle_it_without_nan():
    html = _fragment("004_481b3fd752252112.txt", "institutions")
    assert 'id="ohchr2020-staff"' in html
    assert "would be settled by a source other than OHCHR (e.g. the UN Secretariat&#39;s staffing tables)" in html
    assert "nan" not in html.replace("nano", "")


def test_bounded_claim_shows_the_bound_not_a_reproduction():
    html = _fragment("001_f6785c70f59d5a73.txt", "disappearance")
    card = html.split('id="cs2018-states-search-commissions"')[1].split('<div class="claim"')[0]
    assert "lower bound <b>3</b> (a different quantity)" in card        # commissions counted earlier
    assert "evidence gives" not in card and "Within a bound from independent evidence" in card
    torture = _fragment("001_f6785c70f59d5a73.txt", "torture")
    card = torture.split('id="cs2018-military-torture-investigations"')[1].split('<div class="claim"')[0]
    assert "upper bound <b>7,208</b> (a different quantity)" in card     # all perpetrators, to March 2018
    military = _fragment("001_f6785c70f59d5a73.txt", "military")
    card = military.split('id="cs2018-tlatlaya-executed"')[1].split('<div class="claim"')[0]
    assert "evidence gives <b>15</b>" in card and "Confirmed by independent evidence" in card


def test_non_independent_evidence_says_why():
    html = _fragment("001_f6785c70f59d5a73.txt", "military")
    card = html.split('id="cs2018-military-abuse-impunity"')[1].split('<div class="claim"')[0]
    assert "grade (d): Not independent of the document" in card
    assert "not independent: published by Washington Office on Latin America (WOLA), author of this document" in card


def test_consistent_claim_shows_the_relation_it_rests_on():
    html = _fragment("003_8ecdb167ec163fb0.txt", "protection_mechanism")  # the indicator's topic
    assert "the document's own arithmetic (sum): 130 = 41 + 89 — <b>pass</b>" in html  # literal template text
    assert ("Consistent with the document&#39;s own figures (130 = 41 + 89), which says nothing about whether they "
            "are right.") in html


def test_proxy_claim_names_its_primary_file_and_hash():
    html = _fragment("002_39f8a48ad0d94c5c.txt", "disappearance")
    files = registry.load_registry().set_index("name")
    card = html.split('id="wola2017-disappeared-total"')[1].split('<div class="claim"')[0]
    assert "proxy gives <b>32,963</b> (difference +963)" in card
    assert "primary file: <a href=" in card and "CENAPI" in card
    assert files.loc["cenapi_records_import", "sha256"][:12] in card


def test_method_page_is_generated_from_the_vocabulary():
    from mxrights.publish import site
    from mxrights.ledger import vocab

    body = site.method_body()
    for label in vocab.verdicts()["label"]:
        assert label.replace("'", "&#39;") in body
    for desc in vocab.grades()["description"]:
        assert desc.replace("'", "&#39;")[:40] in body
    assert "bound</td><td>yes</td><td>never</td>" in body      # a bound never lifts a verdict
    for desc in vocab.scopes()["description"]:
        assert desc.replace("'", "&#39;")[:40] in body
    assert "<td>broader</td><td>a broader quantity (an upper bound)</td><td>no</td><td>upper: the claim is at most" in body


def _check_rows(rows):
    return pd.DataFrame(rows, columns=["document", "claim_id", "independent_check", "fact_id", "verdict"])


def test_page_lead_counts_facts_of_the_page_documents_only():
    """Hand-made: page documents a and b state 3 facts in 4 claims (a1 and b1 are one fact, confirmed;
    a2 is contradicted; a3 unverifiable); c is another page. Wrong claims are listed with links."""
    check = _check_rows([("a", "a1", True, "f1", "confirmed"), ("a", "a2", True, "f2", "contradicted"),
                         ("a", "a3", False, "f3", "unverifiable"), ("b", "b1", True, "f1", "confirmed"),
                         ("c", "c1", True, "f9", "confirmed")])
    share = report.page_share(check, ["a", "b"])
    assert (share["facts"], share["facts_independent"], share["facts_holds"], share["facts_wrong"]) == (3, 2, 1, 1)
    assert (share["claims"], share["independent"], share["pct"]) == (4, 3, 75.0)
    lead = report.page_lead(check, ["a", "b"])
    assert lead.startswith("**Of 3 distinct facts in these 2 texts, 2 could be checked against independent evidence: "
                           "1 holds, 1 is wrong, 0 are disputed.**")
    assert "By claim, repeats included: 3 of 4 claims" in lead
    assert report.page_lead(check, ["d"]) == "**No claim of this page's documents is in the ledger.**"


def test_accuracy_sentence_names_facts_that_depend_on_a_definition():
    counts = {"facts": 52, "facts_independent": 31, "facts_holds": 27, "facts_wrong": 2, "facts_disputed": 2,
              "facts_definition": 3}
    assert report.accuracy_sentence(counts, "in this memo") == (
        "Of 52 distinct facts in this memo, 31 could be checked against independent evidence: 27 hold, 2 are wrong, "
        "2 are disputed; for 3 more, sources that count them under another definition disagree with the figure, "
        "which depends on what is counted.")


def test_page_share_of_a_seed_matches_the_verdict_summary():
    check = report.load_table("claims_check")
    summary = report.load_table("verdict_summary").set_index("document")
    doc = report.page_context("memo_civil-society-memo-2018")["documents"]
    share = report.page_share(check, doc)
    assert (share["claims"], share["independent"]) == (summary.loc[doc[0], "claims"], summary.loc[doc[0], "independent"])
    assert round(share["pct"], 1) == summary.loc[doc[0], "independent_pct"]


def test_memo_series_page_takes_title_and_year_from_the_site_map():
    m = report.memos()
    ctx = report.page_context("memo_series_2017")
    n = int((m["page"] == "memo_series_2017").sum())
    assert ctx["title"] == f"The memo series in 2017: {n} texts"
    # the seed memo of the same memo year (memos.csv: memo_year 2017) is linked from the series page
    assert [p for p, _ in ctx["related"]] == ["memo_wola-memo-2017"]
    assert report.page_context("memo_series_2013")["related"] == []   # 2013's only text is a letter; no seed


def _annual(rows):
    return pd.DataFrame(rows, columns=["indicator", "year", "as_of", "value", "unit", "kind", "source_label", "note"])


ANNUAL = _annual([
    ("x", 2010, "2010-12-31", 1200.0, "persons", "official", "Source B", ""),
    ("x", 2012, "2012-12-31", 1500.5, "persons", "official", "Source B", ""),
    ("x", 2011, "2011-12-31", 900.0, "persons", "official", "Source B", ""),
    ("x", 2011, "2011-06-30", 37435.0, "persons", "memo-claim", "Memo (2011)", ""),
    ("x", 2013, "2013-12-31", 7.0, "persons", "recomputed", "Source A", ""),
    ("y", 2015, "2015-12-31", 46.6, "percent", "official", "Survey S", ""),
    ("y", 2030, "2030-12-31", 50.0, "percent", "official", "Survey S", ""),
])


def test_series_alt_reads_the_points_the_chart_draws():
    """Hand-worked: per source its first and last points and year count, then each memo claim."""
    assert report.series_alt(ANNUAL, "x", "Cases", 2000, 2026) == (
        "Chart of Cases (persons), by year: Source A: 7 in 2013; Source B: 1,200 in 2010 to 1,500.5 in 2012 "
        "(3 years); memo claims: 37,435 (2011).")
    assert report.drawable(ANNUAL, "x", 2000, 2026) and not report.drawable(ANNUAL, "y", 2000, 2026)


def test_single_point_is_a_sentence_within_the_window():
    assert report.single_point_text(ANNUAL, "y", 2000, 2026) == (
        "Only one year of figures: **46.6** percent (Survey S, as of 2015-12-31).")
    assert report.single_point_text(ANNUAL, "y", 2016, 2026) == ""


def test_verdict_alt_counts_every_verdict_in_vocabulary_order():
    from mxrights.ledger import vocab

    v = vocab.verdicts()
    first, last = v["verdict"].iloc[0], v["verdict"].iloc[-1]
    check = pd.DataFrame({"verdict": [first, first, last]})
    alt = report.verdict_alt(check)
    parts = alt.removeprefix("Bar chart of claims by verdict: ").split("; ")
    assert parts[0] == f"{v['label'].iloc[0]} 2" and parts[-1] == f"{v['label'].iloc[-1]} 1"
    assert len(parts) == len(v) and all(p.endswith(" 0") for p in parts[1:-1])


def test_memo_series_page_lists_each_text_with_its_date_and_link():
    ctx = report.page_context("memo_series_2013")
    html = report.texts_html(ctx)
    row = ctx["texts"].iloc[0]
    assert row["published"] in html and f'href="{row["url"]}"' in html and html.count("<tr") == len(ctx["texts"]) + 1


def test_a_card_opens_with_one_plain_sentence_and_folds_the_rest():
    """Holds: the figure, its date and its source in words; no internal id or raw number in the text."""
    import re

    html = _fragment("001_f6785c70f59d5a73.txt", "disappearance")
    card = html.split('id="cs2018-disappeared-total"')[1].split('<div class="claim"')[0]
    first = card.split('<p class="quote">')[0]
    assert ("Holds: 37,435 as of 30 April 2018, as the document says (“37,435”) — Executive Secretariat of the "
            "National Public Security System (SESNSP), as reported by") in first
    assert card.index("<details") > card.index('class="quote"')       # the rule trace is folded below
    text = re.sub(r"<[^>]+>", " ", re.sub(r'(href|id)="[^"]*"', "", card))
    assert not re.search(r"\bev-[a-z0-9-]+", text) and not re.search(r"\bcs2018-", text)
    assert "36,270" in text and not re.search(r"(?<![\d,.])36270(?!\d)", text)   # the proxy's figure, formatted


def test_an_unverifiable_card_shows_its_evidence_hunt():
    html = _fragment("001_f6785c70f59d5a73.txt", "disappearance")
    card = html.split('id="cs2018-remains-four-states"')[1].split('<div class="claim"')[0]
    assert card.count("Evidence hunt.") == 1 and "could not be found again" in card


def test_readable_turns_ids_into_marks_and_numbers_into_figures():
    assert report._readable("7,208 (ev-a) and 36265 in 2018; relation x-y-z (cs2018-a (17) ≤ cs2018-b (8335): pass)",
                            {"ev-a": "[1]"}) == "7,208 [1] and 36,265 in 2018; relation x-y-z (17 ≤ 8,335: pass)"
    assert report.date_words("2018-04-30") == "30 April 2018" and report.date_words("2018-04") == "April 2018"


def test_values_table_shows_each_sources_year_gaps_and_conflicts():
    """Hand-made: source A has 2010 and 2012 (2011 missing: an empty cell, not a bridged value),
    a partial 2013 and two different figures for 2012; a memo claim sits in its own column."""
    annual = pd.DataFrame({
        "indicator": "x", "unit": "count", "geography": "Mexico",
        "year": [2010, 2012, 2012, 2013, 2012], "as_of": ["2011", "2013-01", "2013-06", "2013-06", "2012-06"],
        "value": [1200.0, 3400.0, 3500.0, 800.0, 3000.0], "partial_year": [False, False, False, True, False],
        "kind": ["official", "official", "official", "official", "memo-claim"],
        "source_label": ["A", "A", "A", "A", "memo 2012"], "source_id": ["a", "a", "a", "a", "m"]})
    t = report.values_table(annual, "x", 2000, 2020)
    assert t.columns.tolist() == ["year", "A", "memo claims"]
    assert t["year"].tolist() == [2010, 2012, 2013]
    assert t.set_index("year")["A"].to_dict() == {2010: "1,200", 2012: "3,400 / 3,500", 2013: "800 (partial year)"}
    assert t.set_index("year").loc[2012, "memo claims"] == "3,000"


def test_a_card_offers_the_citations_of_its_own_sources():
    import base64
    import re

    html = _fragment("001_f6785c70f59d5a73.txt", "disappearance")
    card = html.split('id="cs2018-disappeared-total"')[1].split('<div class="claim"')[0]
    bib = re.search(r'download="cs2018-disappeared-total.bib" href="data:application/x-bibtex;base64,([^"]+)"', card)
    assert bib and re.search(r'download="cs2018-disappeared-total.json" href="data:application/vnd.citationstyles', card)
    text = base64.b64decode(bib.group(1)).decode("utf-8")
    assert text.count("@online{") >= 1 and "Figure produced by Executive Secretariat" in text
    assert "author = {{SESNSP" not in text          # a press report is cited with its outlet as author
