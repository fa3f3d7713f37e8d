"""ENPOL: loader, validation, the memos' statistics on the made-up fixture, and pending registry rows.

The fixture (tests/fixtures/enpol, made by make_enpol_fixture.py) fixes, per stratum h, the
persons n_h, weight w_h = 1/f_h, and the persons d_h in a statistic's denominator and a_h in its
numerator. With one weight per stratum the estimator's sums reduce to counts:

    R   = Σ w_h a_h / Σ w_h d_h,   X̂ = Σ w_h d_h
    Σu  = w_h (a_h − R d_h) / X̂,   Σu² = w_h² [a_h (1 − R)² + (d_h − a_h) R²] / X̂²
    V   = Σ_h (1 − f_h) n_h/(n_h − 1) [Σu² − (Σu)²/n_h]

Worked out for 2016 "pressured" (R = 220/440 = 1/2, X̂ = 440):
    S1 (n 100, w 2, f 1/2, d 60, a 40): Σu = 20/440, Σu² = 60/440², SS = 56/440², × 0.5·100/99  → 2800/99
    S2 (n 80,  w 5, f 1/5, d 40, a 16): Σu = −20/440, Σu² = 250/440², SS = 245/440², × 0.8·80/79 → 15680/79
    S3 (n 60,  w 4, f 1/4, d 30, a 15): Σu = 0,       Σu² = 120/440², SS = 120/440², × 0.75·60/59 → 5400/59
    V = (2800/99 + 15680/79 + 5400/59)/440² = 0.00164406;  SE = 4.0547 pp;  95% CI 42.053–57.947 %.
The other statistics, the same way (per-stratum terms × 1/X̂²):
    2016 guilty     R = 64/160 = 2/5    terms 344/33, 26304/395, 1968/59       SE 6.5661 pp
    2016 aggression R = 476/840 = 17/30 terms 1400/33, 32000/79, 10608/59      SE 2.9816 pp
    2021 statement  R = 220/550 = 2/5   terms 12180/79, 504, 0 (census)        SE 4.6645 pp
    2021 guilty     R = 60/200 = 3/10   terms 5229/79, 6608/69, 0              SE 6.3631 pp
    2021 aggression R = 465/930 = 1/2   terms 18900/79, 22792/23, 0            SE 3.7714 pp
"""

from __future__ import annotations

import logging
import math
import shutil
import zipfile
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from mxrights.sources import package, registry
from mxrights.judge import survey_checks
from mxrights.sources import enpol
from mxrights.sources.readers import DataError, RowLedger
from mxrights.sources.schemas import TableError

FIXTURE = Path(__file__).parent / "fixtures" / "enpol"
Z95 = 1.959963984540054

# stratum -> (n, w, f); statistic -> per-stratum (d, a), as in make_enpol_fixture.py
S16 = [(100, 2, Fraction(1, 2)), (80, 5, Fraction(1, 5)), (60, 4, Fraction(1, 4))]
S21 = [(80, 4, Fraction(1, 4)), (70, 8, Fraction(1, 8)), (50, 1, Fraction(1))]
EXPECTED = {  # statistic_id: (strata, counts, R, [(1 − f) n/(n − 1) SS_h · X̂²])
    "enpol2016_pressured_other_version": (S16, [(60, 40), (40, 16), (30, 15)], Fraction(1, 2),
                                          [Fraction(2800, 99), Fraction(15680, 79), Fraction(5400, 59)]),
    "enpol2016_guilty_pressured_or_assaulted": (S16, [(20, 10), (16, 4), (10, 6)], Fraction(2, 5),
                                                [Fraction(344, 33), Fraction(26304, 395), Fraction(1968, 59)]),
    "enpol2016_physical_aggression_arrest_to_mp": (S16, [(100, 70), (80, 40), (60, 34)], Fraction(17, 30),
                                                   [Fraction(1400, 33), Fraction(32000, 79), Fraction(10608, 59)]),
    "enpol2021_pressured_other_version": (S21, [(50, 25), (40, 13), (30, 16)], Fraction(2, 5),
                                          [Fraction(12180, 79), Fraction(504), Fraction(0)]),
    "enpol2021_guilty_pressured_or_assaulted": (S21, [(25, 8), (10, 2), (20, 12)], Fraction(3, 10),
                                                [Fraction(5229, 79), Fraction(6608, 69), Fraction(0)]),
    "enpol2021_physical_aggression_after_detention": (S21, [(80, 45), (70, 33), (50, 21)], Fraction(1, 2),
                                                      [Fraction(18900, 79), Fraction(22792, 23), Fraction(0)]),
}


def closed_form(strata, counts):
    """R and V(R) from the counts (the module docstring's formulas), exactly."""
    x = sum(w * d for (n, w, f), (d, a) in zip(strata, counts))
    r = Fraction(sum(w * a for (n, w, f), (d, a) in zip(strata, counts)), x)
    terms = []
    for (n, w, f), (d, a) in zip(strata, counts):
        su = w * (a - r * d)
        su2 = w * w * (a * (1 - r) ** 2 + (d - a) * r ** 2)
        terms.append((1 - f) * Fraction(n, n - 1) * (su2 - su * su / n))
    return r, x, terms


@pytest.fixture
def mirror(tmp_path, monkeypatch) -> Path:
    """A mirror holding only the fixture, under enpol/<edition>/ (as INEGI's unzipped CSVs)."""
    shutil.copytree(FIXTURE / "2016", tmp_path / "enpol" / "2016")
    shutil.copytree(FIXTURE / "2021", tmp_path / "enpol" / "2021")
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def frames() -> dict[str, pd.DataFrame]:
    """Both editions of the fixture, loaded once (read straight from tests/fixtures/enpol)."""
    return {e: enpol.load_edition(e, folder=FIXTURE / e) for e in ("2016", "2021")}


def edit(path: Path, fn) -> None:
    """Rewrite a fixture table (Latin-1, all text) after ``fn(df)``."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="latin-1")
    fn(df)
    path.write_bytes(df.to_csv(index=False, lineterminator="\n").encode("latin-1"))


# --------------------------------------------------------------------------- the fixture


def test_fixture_is_what_the_generator_makes(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_enpol_fixture", FIXTURE / "make_enpol_fixture.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    mod.main(tmp_path)
    for rel in ("2016/ENPOL_SEC2_3_4.csv", "2021/ENPOL2021_2_3.csv", "2021/ENPOL2021_4.csv"):
        assert (tmp_path / rel).read_bytes() == (FIXTURE / rel).read_bytes(), rel
    assert "México".encode("latin-1") in (FIXTURE / "2016" / "ENPOL_SEC2_3_4.csv").read_bytes()


def test_closed_form_terms_match_the_counts():
    for sid, (strata, counts, r, terms) in EXPECTED.items():
        got_r, _, got_terms = closed_form(strata, counts)
        assert (got_r, got_terms) == (r, terms), sid


# --------------------------------------------------------------------------- estimates


@pytest.mark.parametrize("sid", sorted(EXPECTED))
def test_statistic_matches_its_closed_form(frames, sid):
    strata, counts, r, terms = EXPECTED[sid]
    x = sum(w * d for (n, w, f), (d, a) in zip(strata, counts))
    se = math.sqrt(float(sum(terms) / x ** 2))
    e = survey_checks.estimate(frames[sid[5:9]], sid)
    assert e.estimate_pct == pytest.approx(100 * float(r), abs=1e-9)
    assert e.se_pp == pytest.approx(100 * se, abs=1e-9)
    assert (e.ci_low_pct, e.ci_high_pct) == pytest.approx((100 * (float(r) - Z95 * se), 100 * (float(r) + Z95 * se)), abs=1e-9)
    assert e.n_unweighted == sum(d for d, a in counts)
    assert e.weighted_denominator == pytest.approx(float(x), abs=1e-9)


def test_named_functions_and_the_pressured_figures_written_out(frames):
    f16, f21 = frames["2016"], frames["2021"]
    p = survey_checks.estimate(f16, "enpol2016_pressured_other_version")
    assert (p.statistic_id, p.edition, p.claim_id, p.published_value) == (
        "enpol2016_pressured_other_version", "2016", "cs2018-enpol-pressured", 46.6)
    assert p.estimate_pct == pytest.approx(50.0, abs=1e-9)
    assert p.se_pp == pytest.approx(4.054696189805779, abs=1e-9)
    assert (p.ci_low_pct, p.ci_high_pct) == pytest.approx((42.05294149972889, 57.94705850027111), abs=1e-9)
    assert (p.n_unweighted, p.weighted_denominator) == (130, 440.0)
    assert survey_checks.estimate(f16, "enpol2016_guilty_pressured_or_assaulted").estimate_pct == pytest.approx(40.0, abs=1e-9)
    assert survey_checks.estimate(f16, "enpol2016_physical_aggression_arrest_to_mp").estimate_pct == pytest.approx(1700 / 30, abs=1e-9)
    assert survey_checks.estimate(f21, "enpol2021_guilty_pressured_or_assaulted").estimate_pct == pytest.approx(30.0, abs=1e-9)
    assert survey_checks.estimate(f21, "enpol2021_physical_aggression_after_detention").estimate_pct == pytest.approx(50.0, abs=1e-9)
    assert survey_checks.estimate(f21, "enpol2021_pressured_other_version").estimate_pct == pytest.approx(40.0, abs=1e-9)
    one = p.as_frame()
    assert list(one.columns) == enpol.RESULT_COLUMNS and len(one) == 1
    with pytest.raises(DataError, match="enpol2021_physical_aggression_after_detention is an ENPOL 2021 statistic"):
        survey_checks.estimate(f16, "enpol2021_physical_aggression_after_detention")


def test_compare_editions_in_percentage_points(frames):
    a = survey_checks.estimate(frames["2016"], "enpol2016_physical_aggression_arrest_to_mp")
    b = survey_checks.estimate(frames["2021"], "enpol2021_physical_aggression_after_detention")
    c = survey_checks.compare_editions(a, b)
    se = math.sqrt(a.se_pp ** 2 + b.se_pp ** 2)
    assert c.difference_pp == pytest.approx(50 - 1700 / 30, abs=1e-9)          # −6.667 pp
    assert c.se_pp == pytest.approx(se, abs=1e-9)
    assert (c.ci_low_pp, c.ci_high_pp) == pytest.approx((c.difference_pp - Z95 * se, c.difference_pp + Z95 * se), abs=1e-9)


def test_statistics_table_for_the_editions_present(mirror):
    t = survey_checks.statistics_table()
    assert list(t.columns) == enpol.RESULT_COLUMNS
    assert sorted(t["statistic_id"]) == sorted(EXPECTED)
    assert t.attrs["message"] == ""
    shutil.rmtree(mirror / "enpol" / "2021")
    only16 = survey_checks.statistics_table()
    assert set(only16["edition"]) == {"2016"}
    assert "https://www.inegi.org.mx/programas/enpol/2021/" in only16.attrs["message"]


def test_statistics_table_without_microdata_says_how_to_obtain_them(tmp_path, monkeypatch):
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))
    t = survey_checks.statistics_table()
    assert t.empty and list(t.columns) == enpol.RESULT_COLUMNS
    msg = t.attrs["message"]
    assert "https://www.inegi.org.mx/programas/enpol/2016/" in msg and "https://www.inegi.org.mx/programas/enpol/2021/" in msg
    assert "enpol/2016/" in msg and "mxrights data record enpol_2016_microdata" in msg


def test_row_accounting_and_design_columns(mirror):
    ledger = RowLedger()
    f = enpol.load_edition("2021", ledger)
    led = ledger.frame()
    assert list(led["step"]) == ["read ENPOL2021_2_3", "read ENPOL2021_4", "join ENPOL2021_4 on ID_PER"]
    assert (led["rows_in"] == 200).all() and (led["dropped"] == 0).all()
    assert list(f.columns[:4]) == ["ID_PER", "EST_DIS", "FAC_PER", "FPC"]
    assert f["ID_PER"].str.fullmatch(r"\d{4}\.\d{4}").all()             # 0101.0001 kept as text
    assert f["P4_7"].dtype == "Int64" and set(f["P4_7"].dropna()) <= {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 98, 99}


def test_reads_the_registered_archive_once_its_hash_is_recorded(tmp_path, monkeypatch):
    reg = tmp_path / "registry.csv"
    shutil.copy(registry.registry_path(), reg)
    monkeypatch.setenv("MXRIGHTS_REGISTRY", str(reg))
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path / "mirror"))
    folder = tmp_path / "mirror" / "enpol" / "2016"
    folder.mkdir(parents=True)
    archive = folder / "enpol_2016_microdata_csv.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURE / "2016" / "ENPOL_SEC2_3_4.csv", "conjunto_de_datos/ENPOL_SEC2_3_4.csv")
    with pytest.raises(registry.HashUnknownError, match="enpol_2016_microdata: .* sha256 is not yet recorded"):
        enpol.load_edition("2016")
    digest = registry.record_hash("enpol_2016_microdata")
    assert digest == registry.file_sha256(archive)
    row = registry.load_registry(reg).set_index("name").loc["enpol_2016_microdata"]
    assert (row["sha256"], row["bytes"]) == (digest, archive.stat().st_size)
    f = enpol.load_edition("2016")
    assert survey_checks.estimate(f, "enpol2016_pressured_other_version").estimate_pct == pytest.approx(50.0, abs=1e-9)
    with pytest.raises(registry.RegistryError, match="already recorded"):
        registry.record_hash("enpol_2016_microdata")
    with zipfile.ZipFile(archive, "a") as zf:
        zf.writestr("extra.txt", "changed")
    with pytest.raises(registry.HashMismatchError, match="enpol_2016_microdata: sha256 mismatch"):
        enpol.load_edition("2016")


# --------------------------------------------------------------------------- bad input


def test_missing_section_table(mirror):
    (mirror / "enpol" / "2021" / "ENPOL2021_4.csv").unlink()
    with pytest.raises(DataError) as exc:
        enpol.load_edition("2021")
    msg = str(exc.value)
    assert "ENPOL table ENPOL2021_4 is missing: no file ENPOL2021_4.csv under" in msg
    assert str(mirror / "enpol" / "2021") in msg


def test_renamed_variable(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"
    edit(p, lambda d: d.rename(columns={"P4_5_2": "P4_5_2X"}, inplace=True))
    with pytest.raises(DataError) as exc:
        enpol.load_edition("2016")
    msg = str(exc.value)
    assert f"ENPOL_SEC2_3_4 ({p}), row 1 (header), column P4_5_2: missing (descriptor p. 31 (PDF 34))" in msg
    assert "nearest names found: ['P4_5_2X'" in msg


def test_code_outside_the_list(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"

    def bad(d):
        i = d.index[d["P4_7"] != ""][3]
        d.loc[i, "P4_7"] = "11"
        bad.row = i + 2
    edit(p, bad)
    with pytest.raises(DataError) as exc:
        enpol.load_edition("2016")
    assert str(exc.value).startswith(
        f"ENPOL_SEC2_3_4 ({p}), row {bad.row}, column P4_7: '11' is not a valid code; "
        "expected 01;02;03;04;05;06;07;08;09;10;98;99 or blank (descriptor p. 31-32 (PDF 34-35)")


def test_blank_where_the_descriptor_allows_none(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"
    edit(p, lambda d: d.__setitem__("P3_13_4", ["9"] * 7 + [""] + ["9"] * (len(d) - 8)))
    with pytest.raises(DataError, match=r"ENPOL_SEC2_3_4 \(.*\), row 9, column P3_13_4: blank is not a valid code; "
                                        r"expected 1;2;3;8;9 \(no blank\)"):
        enpol.load_edition("2016")


@pytest.mark.parametrize("value, shown", [("0", "'0'"), ("-2.5", "'-2.5'"), ("", None)])
def test_weight_not_positive_or_missing(mirror, value, shown):
    p = mirror / "enpol" / "2021" / "ENPOL2021_4.csv"
    edit(p, lambda d: d.__setitem__("FAC_PER", ["4.0"] * 12 + [value] + ["4.0"] * (len(d) - 13)))
    with pytest.raises(DataError) as exc:
        enpol.load_edition("2021")
    msg = str(exc.value)
    where = f"ENPOL2021_4 ({p}), row 14, column FAC_PER: "
    if shown:
        assert msg.startswith(where + f"{shown} is not a weight in (0,inf)")
    else:
        assert msg.startswith(where + "blank weight")


def test_fpc_outside_zero_one(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"
    edit(p, lambda d: d.__setitem__("FPC", ["1.5"] + list(d["FPC"][1:])))
    with pytest.raises(DataError, match=r"row 2, column FPC: '1.5' is not a fpc in \(0,1\]"):
        enpol.load_edition("2016")


def test_duplicated_person_key(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"
    edit(p, lambda d: d.__setitem__("ID_PER", list(d["ID_PER"][:5]) + [d["ID_PER"][1]] + list(d["ID_PER"][6:])))
    with pytest.raises(DataError, match=r"row 7, column ID_PER: '\d+' repeats row 3; the person key must be unique"):
        enpol.load_edition("2016")


def test_person_missing_from_one_table(mirror):
    p = mirror / "enpol" / "2021" / "ENPOL2021_4.csv"
    edit(p, lambda d: d.__setitem__("ID_PER", ["9999.0001"] + list(d["ID_PER"][1:])))
    with pytest.raises(DataError, match=r"ENPOL2021_4 \(.*\), row 2, column ID_PER: '9999.0001' is not in ENPOL2021_2_3"):
        enpol.load_edition("2021")


def test_design_fields_disagree_between_tables(mirror):
    p = mirror / "enpol" / "2021" / "ENPOL2021_4.csv"
    edit(p, lambda d: d.__setitem__("EST_DIS", ["0101.9"] + list(d["EST_DIS"][1:])))
    with pytest.raises(DataError, match=r"ENPOL2021_4 \(.*\), row 2, column EST_DIS: '0101.9' differs from"):
        enpol.load_edition("2021")


def test_utf8_file_is_caught(mirror):
    p = mirror / "enpol" / "2016" / "ENPOL_SEC2_3_4.csv"
    p.write_bytes(p.read_bytes().decode("latin-1").encode("utf-8"))
    with pytest.raises(DataError, match=r"ENPOL_SEC2_3_4 \(.*\), row \d+: found 'Ã©', UTF-8 text read as latin-1"):
        enpol.load_edition("2016")


def test_no_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))
    with pytest.raises(DataError, match=r"ENPOL 2016: no folder .*enpol/2016\. ENPOL microdata are not on this machine"):
        enpol.load_edition("2016")


# --------------------------------------------------------------------------- the two hand-made tables


def test_statistics_name_ledger_claims_evidence_and_known_variables():
    from mxrights.ledger import claims, evidence

    st = enpol.load_statistics()
    ids = set(claims.load_claims()["claim_id"])
    assert {"cs2018-enpol-pressured", "cs2018-enpol-confessed-pressured"} <= set(st["claim_id"].dropna())
    assert set(st["claim_id"].dropna()) <= ids
    ev = set(evidence.load_evidence()["evidence_id"])
    assert {e for v in st["evidence_id"].dropna() for e in v.split(";")} <= ev
    var = enpol.load_variables()
    assert set(var["role"]) == set(package.enum("enpol_variables", "role"))
    for e in ("2016", "2021"):
        roles = var[var["edition"] == e].drop_duplicates("variable").set_index("variable")["role"]
        assert roles[["ID_PER", "EST_DIS", "FPC", "FAC_PER"]].tolist() == ["key", "stratum", "fpc", "weight"]


def test_bad_statistics_table_names_file_row_and_column(tmp_path):
    src = enpol.statistics_path().read_text(encoding="utf-8")
    p = tmp_path / "enpol_statistics.csv"
    p.write_text(src.replace("P4_5_2=1", "P4_5_9=1"), encoding="utf-8")
    with pytest.raises(TableError, match=r"enpol_statistics.csv, row 2, column \(row check; statistic_id=enpol2016_\w+\): "
                                         r"failed numerator: condition_VAR=codes"):
        enpol.load_statistics(p)
    p.write_text(src.replace("P4_5_2=1", "P4_6_4=1"), encoding="utf-8")   # a 2021 variable in a 2016 statistic
    with pytest.raises(TableError, match=r"row 2, column \(row check.*\): failed numerator_variables_belong_to_the_statistic's_edition"):
        enpol.load_statistics(p)


def test_bad_variables_table_names_file_row_and_column(tmp_path):
    src = enpol.variables_path().read_text(encoding="utf-8")
    p = tmp_path / "enpol_variables.csv"
    p.write_text(src.replace(",item,", ",itme,", 1), encoding="utf-8")
    with pytest.raises(TableError, match=r"enpol_variables.csv, row \d+, column role \(edition=2016, table=ENPOL_SEC2_3_4, variable=P3_13_1\): 'itme' is not one of 'item'"):
        enpol.load_variables(p)


# --------------------------------------------------------------------------- pending registry rows


def test_pending_rows_are_listed_not_verified(caplog):
    with caplog.at_level(logging.WARNING, logger="mxrights.sources.registry"):
        table = registry.verify(registry.load_registry().head(3))
    assert len(table) == 3
    pend = registry.pending()
    assert set(pend["name"]) >= {"enpol_2016_microdata", "enpol_2021_microdata"}
    names = set(registry.load_registry()["name"])
    assert "enpol_2016_microdata" not in names
    assert "enpol_2016_microdata" in set(registry.load_registry(include_pending=True)["name"])


def test_verify_lists_pending_rows(capsys):
    """`mxrights data verify` passes and lists the files whose hash is recorded on first fetch."""
    from mxrights import cli

    assert cli.main(["data", "verify"]) == 0
    out = capsys.readouterr().out
    assert "registered file(s) whose hash is recorded on first fetch (mxrights data record NAME)" in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("enpol_2016_microdata"))
    assert "NOT YET FETCHED" in line


def test_pending_file_absent_and_fetch_without_record(tmp_path, monkeypatch):
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(tmp_path))
    with pytest.raises(registry.MissingFileError,
                       match=r"enpol_2021_microdata: not found at .*enpol_2021_microdata_csv.zip.*programas/enpol/2021/"):
        registry.resolve("enpol_2021_microdata")
    reg = registry.load_registry(include_pending=True)
    reg.loc[reg["name"] == "enpol_2021_microdata", "download_url"] = "http://127.0.0.1:9/never-contacted.zip"
    with pytest.raises(registry.HashUnknownError, match="no sha256 is registered yet.*--record"):
        registry.fetch("enpol_2021_microdata", reg, cache=tmp_path / "cache")
    known = registry.load_registry()
    known.loc[known.index[0], "download_url"] = "http://127.0.0.1:9/never-contacted.csv"
    with pytest.raises(registry.RegistryError, match="already recorded"):
        registry.fetch(known["name"].iloc[0], known, record=True)


def test_one_command_recomputes_the_survey_figures(monkeypatch, capsys):
    """`mxrights enpol` with the fixture tables as the mirror prints the hand-worked estimates."""
    from mxrights import cli

    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(Path(__file__).parent / "fixtures"))
    assert cli.main(["enpol"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("enpol2016_pressured_other_version"))
    assert " 50.0" in line and "42.05" in line                    # 50% (95% CI 42.053–57.947), worked by hand above


def test_memo_page_states_definition_evidence_and_path(monkeypatch):
    """Without microdata each survey claim names its definition, its verdict and where to get the data."""
    import pandas as pd

    from mxrights.judge import survey_checks
    from mxrights.sources import enpol
    from mxrights import paths

    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(Path(__file__).parent / "no-mirror"))
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    t = survey_checks.survey_claims(check).set_index("claim_id")
    row = t.loc["cs2018-enpol-pressured"]
    assert row["verdict"] == check.set_index("claim_id").loc["cs2018-enpol-pressured", "verdict"]
    assert "Numerator: P4_5_2=1; denominator: P4_4=1" in row["definition"]
    assert row["recomputed"] == "" and "https://www.inegi.org.mx/programas/enpol/2016/" in row["path"]
