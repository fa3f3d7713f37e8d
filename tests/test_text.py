"""Text normalisation, on real snippets of the seed documents."""

import pytest

from mxrights.sources import text


def test_dehyphenate_line_break():
    assert text.dehyphenate("the inves-\ntigation into") == "the investigation into"
    assert text.dehyphenate("sub-\n stantive") == "substantive"


def test_dehyphenate_keeps_capitalised_compounds():
    assert text.dehyphenate("Inter-\nAmerican Court") == "Inter-American Court"


def test_dehyphenate_across_page_break():
    assert text.dehyphenate("Feder-\n\nal Judicial Council") == "Federal Judicial Council"


def test_footnote_after_comma_and_period():
    src = "were murdered in 2017,2 and no measurable progress has been made.3 As Peña"
    assert text.strip_footnote_markers(src) == "were murdered in 2017, and no measurable progress has been made. As Peña"


def test_footnote_glued_to_a_number_is_removed_but_decimals_survive():
    # markers 1..25 already used; '17.26' carries marker 26, '96.8' is a decimal (8 used long before)
    used = " ".join(f"w.{i}" for i in range(1, 26))
    src = used + " an alarming 96.8 percent ... presented charges in 17.26 In July 2017"
    out = text.strip_footnote_markers(src)
    assert "96.8 percent" in out
    assert "charges in 17. In July" in out


def test_thousands_groups_are_not_footnotes():
    assert text.strip_footnote_markers("a total of 1,548 bodies and 1,002 remains") == "a total of 1,548 bodies and 1,002 remains"


def test_comma_glued_to_word_gets_a_space():
    assert text.strip_footnote_markers("In October 2017,four UN mandates") == "In October 2017, four UN mandates"


def test_banner_lines_are_dropped():
    src = "as outlined in the General\n\nREQUIREMENT 2:\nTHE GOVERNMENT OF MEXICO IS ENFORCING\n\nLaw, and there"
    assert text.collapse_whitespace(text.drop_banner_lines(src)) == "as outlined in the General Law, and there"


def test_quotes_and_bullets():
    assert text.normalise("  \u2022 Mexico\u2019s \u201cGeneral Law\u201d") == "Mexico's \"General Law\""
    assert text.normalise("\uf0b7 Publish revised database") == "Publish revised database"


@pytest.mark.parametrize("printed,value", [("37,435", 37435), ("46.6%", 46.6), ("3,264,000", 3264000),
                                           ("four", 4), ("a dozen", 12), ("Nearly half", 50), ("3,500", 3500),
                                           ("not a single", 0), ("fourth", 4)])
def test_parse_printed_number(printed, value):
    assert text.parse_printed_number(printed) == value


def test_parse_printed_number_rejects_text():
    with pytest.raises(ValueError, match="cannot read 'several'"):
        text.parse_printed_number("several")


def test_real_document_normalises_footnotes_in_place():
    doc = text.document_text("001_f6785c70f59d5a73.txt")
    assert "at least 31 activists and media workers were murdered in 2017, and no measurable" in doc
    assert "96.8 percent of these abuses remain unpunished. For instance" in doc
    assert "had only presented charges in 17. In July 2017" in doc


def test_decimals_with_a_unit_and_fiscal_years_are_not_footnotes():
    # memo-series web pages: "$1.5 billion", "2.4 millones" and "FY10" lost digits as "footnote markers"
    src = "from the FY10 Supplemental. It received $1.5 billion dollars; este año es de 2.4 millones"
    assert text.strip_footnote_markers(src) == src


@pytest.mark.parametrize("printed,value", [("cuatro", 4), ("ocho", 8), ("ninguno", 0), ("2 mil 300", 2300), ("15 por ciento", 15)])
def test_parse_spanish_printed_numbers(printed, value):
    assert text.parse_printed_number(printed) == value


@pytest.mark.parametrize("quote,printed,scale", [("roughly $36 million in Merida funds", "36", 1e6),
                                                 ("$1.5 billion dollars", "1.5", 1e9),
                                                 ("de los 148 millones de dólares, 5 se han", "5", 1e6),
                                                 ("15% of certain funds", "15%", 1)])
def test_scale_word_in_quote(quote, printed, scale):
    assert text.scale_in_quote(quote, printed) == scale
