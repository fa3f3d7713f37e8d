"""The site map (jobs as data), the navigation, the claims explorer's rows and number formatting."""

from __future__ import annotations

import pandas as pd
import pytest

from mxrights.sources import geo
from mxrights.publish import pages, report, site
from mxrights import paths
from mxrights.build import plan
from mxrights.ledger import vocab
from mxrights.sources.schemas import TableError


def test_site_map_has_one_page_per_job_and_the_site_pages():
    df = pages.site_pages()
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    memo_pages = vocab.memo_pages(set(check["document"]))
    assert df["page"].is_unique
    # + summary, memo over memo, and one page per state
    assert len(pages.notebook_pages()) == len(memo_pages) + len(vocab.comparison_topics()) + 2 + len(geo.state_codes())
    assert len(geo.state_codes()) == 32
    jal = df.set_index("page").loc["state_14"]
    assert (jal["label"], jal["group"], jal["parameters"]["state"]) == ("Jalisco", "states", "14")
    assert [j.name for j in plan.plan()] == pages.notebook_pages()["page"].tolist()
    assert set(df.loc[df["notebook"] == "", "page"]) == set(vocab.site_pages()["page"])
    # a memo-series page is labelled by its year and counts every text of that year
    row = df.set_index("page").loc["memo_series_2016"]
    n = int((vocab.memos()["page"] == "memo_series_2016").sum())
    assert row["label"] == "2016" and row["title"] == f"The memo series in 2016: {n} texts"


def test_parameters_come_from_the_job_table():
    job = next(j for j in plan.plan("comparison_torture"))
    table = vocab.jobs().set_index("job").loc["comparison_{topic}", "parameters"]
    assert job.parameters["first_year"] == table["first_year"] and job.parameters["topic"] == "torture"
    assert job.parameters["output_dir"].endswith("tables")                   # {tables} filled in


def test_navigation_groups_every_page_in_vocabulary_order():
    nav = pages.navigation()
    assert [label for label, _, _ in nav] == vocab.page_groups()["label_en"].tolist()
    linked = [p for _, _, items in nav for p, _ in items]
    assert sorted(linked) == sorted(pages.site_pages()["page"])


def test_a_bad_job_row_names_file_row_column_and_value(tmp_path):
    p = tmp_path / "jobs.csv"
    p.write_text(vocab.jobs_path().read_text(encoding="utf-8").replace(",memo_page,", ",memo_pages,", 1), encoding="utf-8")
    (tmp_path / "memo_reproduction.ipynb").write_text("{}")
    with pytest.raises(TableError, match=r"jobs.csv, row 2, column each: 'memo_pages' is not one of"):
        vocab.jobs(p)


@pytest.mark.parametrize("value, text", [(37435.0, "37,435"), (2300000000.0, "2,300,000,000"), (46.6, "46.6"),
                                         (67.39, "67.39"), (0.0, "0"), (float("nan"), ""), (-963.0, "-963"),
                                         (12250.5, "12,250.5"), (67.3894, "67.39"), (0.012345, "0.0123")])
def test_number_formats_as_readers_read(value, text):
    assert report.number(value) == text


def test_explorer_rows_find_37435_and_link_to_the_card():
    from mxrights.ledger import claims, evidence

    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    ledger = claims.load_claims()
    rows = site.explorer_rows(check, ledger, evidence.load_evidence(claims=ledger))
    assert len(rows) == len(check) and rows["claim_id"].is_unique
    hit = rows[rows.apply(lambda r: r.astype(str).str.contains("37,435", regex=False).any(), axis=1)]
    assert len(hit) >= 1
    page_of = vocab.memos().set_index("document")["page"]
    for r in hit.itertuples():
        doc = check.set_index("claim_id").loc[r.claim_id, "document"]
        assert r.href == f"{page_of[doc]}.html#{r.claim_id}"
    one = rows.set_index("claim_id").loc["cs2018-disappeared-total"]
    assert set("37435 37,435 37.435 37 mil".split(" ")) <= set(one["search"].split(" "))   # however a reader types it
    severity = rows.sort_values("severity")["verdict"].drop_duplicates().tolist()
    assert severity[:2] == ["Wrong", "Disputed"]                          # the verdict sorts by severity
    bound = rows[rows["reproduced"].str.endswith("(bound)")]
    assert len(bound) == check["bound_value"].notna().sum() - (check["reproduced_value"].notna() & check["bound_value"].notna()).sum()


def test_year_columns_print_without_thousands_separators():
    html = report.html_table(pd.DataFrame({"first year": [2010], "memo_year": [2018.0], "count": [2010]}))
    assert "<td class=\"num\">2010</td><td class=\"num\">2018</td><td class=\"num\">2,010</td>" in html.replace("\n", "")


def test_summary_rows_link_to_the_comparison_page_that_charts_them():
    topics = vocab.topic_table().set_index("topic")
    inds = pd.Series(["disappeared_persons_registered", "no_such_indicator"], index=[7, 9])
    got = pages.comparison_links(inds)
    assert got.index.tolist() == [7, 9]
    assert got.loc[7].tolist() == [topics.loc["disappearance", "label_en"], "comparison_disappearance.html"]
    assert got.loc[9].tolist() == ["", ""]
