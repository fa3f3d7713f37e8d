"""Bad input classes: each must fail loudly, naming file, row and column."""

import gzip

import pandas as pd
import pytest

from mxrights.sources import schemas
from mxrights.sources import disappearances, graves, impunity, readers, violence
from mxrights.ledger import evidence
from mxrights.build import params
from mxrights.build import plan
from tests.conftest import write

HEADER = "Año,Grado de impunidad,CVE_ENT,Entidad,Valor en el indice\n"


def test_latin1_file_read_as_utf8(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Baja,4,Campeche,47.22\n2016,Media,16,Michoacán,60.1\n", "latin-1")
    with pytest.raises(readers.DataError, match=r"igimex \(.*igimex.csv\), row 1: bytes .* are not valid utf-8.*latin-1"):
        readers.read_csv_checked(p, ["Año"], "igimex")


def test_utf8_file_read_as_latin1(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Baja,4,Campeche,47.22\n2016,Media,16,Michoacán,60.1\n")
    with pytest.raises(readers.DataError, match=r"row 1: found 'Ã±', UTF-8 text read as latin-1"):
        readers.read_csv_checked(p, ["Año"], "igimex", encoding="latin-1")


def test_latin1_file_declared_as_latin1_reads(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Media,16,Michoacán,60.1\n", "latin-1")
    df = readers.read_csv_checked(p, ["Año", "Entidad"], "igimex", encoding="latin-1")
    assert df.loc[0, "Entidad"] == "Michoacán"


def test_truncated_csv(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Baja,4,Campeche,47.22\n2016,Media,16,Mich")
    with pytest.raises(readers.DataError, match=r"row 3: file ends mid-row \(4 of 5 fields\); the file is truncated"):
        readers.read_csv_checked(p, ["Año"], "igimex")


def test_truncated_gzip(tmp_path):
    data = gzip.compress((HEADER + "2016,Baja,4,Campeche,47.22\n" * 200).encode())
    p = tmp_path / "x.csv.gz"
    p.write_bytes(data[: len(data) // 2])
    with pytest.raises(readers.DataError, match="gzip stream is damaged or truncated"):
        readers.read_csv_checked(p, ["Año"], "x")


def test_renamed_column(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER.replace("Valor en el indice", "Valor") + "2016,Baja,4,Campeche,47.22\n")
    with pytest.raises(readers.DataError, match=r"row 1 \(header\): missing column\(s\) \['Valor en el indice'\]"):
        impunity.load_igimex(readers.RowLedger(), p)


def test_score_out_of_range(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Baja,4,Campeche,47.22\n2018,Alta,5,Coahuila,177.9\n")
    with pytest.raises(readers.DataError, match=r"row 3, column 'Valor en el indice': '177.9' is not a score between 0 and 100"):
        impunity.load_igimex(readers.RowLedger(), p)


def test_year_in_the_future(tmp_path):
    p = write(tmp_path / "igimex.csv", HEADER + "2016,Baja,4,Campeche,47.22\n2099,Alta,5,Coahuila,77.9\n")
    with pytest.raises(readers.DataError, match=r"row 3, column 'Año': '2099' is not an edition year"):
        impunity.load_igimex(readers.RowLedger(), p)


def test_negative_count(tmp_path):
    p = write(tmp_path / "r.csv", "cve_entidad,periodo,categoria,conteo\n01,2010-01,LOCALIZADA_CON_VIDA,1\n02,2010-01,LOCALIZADA_CON_VIDA,-3\n")
    with pytest.raises(readers.DataError, match=r"row 3, column conteo: '-3' is not a count >= 0"):
        disappearances.load_rnpdno_2026(readers.RowLedger(), p)


def test_unknown_status(tmp_path):
    p = write(tmp_path / "c.csv", "fecha_evento,nom_ent,cve_ent,sexo,edad,estatus\n2009-02-09 00:00:00,X,29,F,13,AUN SIN LOCALIZAR\n"
              "2009-02-09 00:00:00,X,29,F,13,DESCONOCIDO\n")
    with pytest.raises(readers.DataError, match=r"row 3, column estatus: unknown status 'DESCONOCIDO'"):
        disappearances.load_cenapi(readers.RowLedger(), p)


def test_cenapi_row_accounting_on_a_hand_made_fixture(tmp_path):
    rows = ["2009-02-09 00:00:00,X,29,F,13,AUN SIN LOCALIZAR",
            "2009-02-09 00:00:00,X,29,F,13,AUN SIN LOCALIZAR",   # identical row: kept
            "1900-01-01 00:00:00,X,29,F,13,VIVO",                # placeholder date: dropped
            ",X,29,F,13,MUERTO",                                 # no date: dropped
            "2018-04-30 00:00:00,X,00,M,40,AUN SIN LOCALIZAR"]
    p = write(tmp_path / "c.csv", "fecha_evento,nom_ent,cve_ent,sexo,edad,estatus\n" + "\n".join(rows) + "\n")
    led = readers.RowLedger()
    out = disappearances.load_cenapi(led, p, name="cenapi_records_import")   # its own code 00 = state not recorded
    assert len(out) == 3
    acc = led.frame()
    assert list(acc["dropped"]) == [0, 1, 1, 0]
    assert (acc["rows_in"] == acc["rows_out"] + acc["dropped"]).all()
    assert acc.iloc[3]["step"] == "keep 1 identical rows"
    assert list(out["state"]) == ["29", "29", "99"]


def test_a_state_code_outside_inegi_list_is_refused(tmp_path):
    p = write(tmp_path / "c.csv", "fecha_evento,nom_ent,cve_ent,sexo,edad,estatus\n2009-02-09 00:00:00,X,29,F,13,AUN SIN LOCALIZAR\n"
              "2009-02-09 00:00:00,X,45,F,13,AUN SIN LOCALIZAR\n")
    with pytest.raises(readers.DataError, match=r"c.csv\), row 3, column cve_ent: '45' is not an INEGI state code"):
        disappearances.load_cenapi(readers.RowLedger(), p)
    # another source's code for "not recorded" is not this source's: RNPDNO 2026 writes 33, CENAPI does not
    p = write(tmp_path / "d.csv", "fecha_evento,nom_ent,cve_ent,sexo,edad,estatus\n2009-02-09 00:00:00,X,33,F,13,VIVO\n")
    with pytest.raises(readers.DataError, match=r"row 2, column cve_ent: '33'"):
        disappearances.load_cenapi(readers.RowLedger(), p)


INEGI_HEADER = "cve_ent|year|month|homicides|pop_est|homicide_rate\n"


@pytest.mark.parametrize("row, where", [
    ("34|2020|1|5|1000.5|0", r"row 2, column cve_ent: '34' is not an INEGI state code"),
    ("01|2020|13|5|1000.5|0", r"row 2, column month: '13' is not a month \(1-12\)"),
    ("01|2020|1|-5|1000.5|0", r"row 2, column homicides: '-5' is not a count"),
    ("01|2020|1|5||0", r"row 2, column pop_est: nan is not a population|row 2, column pop_est: .* is not a population"),
])
def test_inegi_homicides_bad_rows_are_refused(tmp_path, row, where):
    p = write(tmp_path / "h.psv", INEGI_HEADER + row + "\n")
    with pytest.raises(readers.DataError, match=where):
        violence.load_inegi_homicides(readers.RowLedger(), p)


def test_inegi_homicides_and_sesnsp_victims_on_hand_made_fixtures(tmp_path):
    """Two states, two months: annual sums and rates worked out by hand."""
    from mxrights.series import annual as series

    p = write(tmp_path / "h.psv", INEGI_HEADER + "01|2020|1|3|100000|0\n01|2020|2|1|100000|0\n"
              "02|2020|1|10|400000|0\n02|2020|2|10|400000|0\n")
    h = violence.load_inegi_homicides(readers.RowLedger(), p)
    row = pd.Series({"first": 2020, "last": 2020, "crime": "Homicidio doloso"})
    deaths = series.SERIES_METHODS["inegi_homicides_by_year"]({"inegi_homicides": h}, row)
    assert deaths["value"].tolist() == [24]                             # 3 + 1 + 10 + 10
    rate = series.SERIES_METHODS["inegi_homicide_rate_by_year"]({"inegi_homicides": h}, row)
    assert rate["value"].tolist() == [4.8]                              # 24 / 500,000 × 100,000
    s = write(tmp_path / "s.csv", "isodate,entidad,delito,total\n"
              "2020-01-01,Nacional,Homicidio doloso,7\n2020-01-01,Aguascalientes,Homicidio doloso,2\n"
              "2020-01-01,Baja California,Homicidio doloso,5\n2020-02-01,Nacional,Homicidio doloso,0\n"
              "2020-02-01,Aguascalientes,Homicidio doloso,0\n2020-02-01,Baja California,Homicidio doloso,0\n")
    led = readers.RowLedger()
    v = violence.load_sesnsp_victims(led, s, last_month="2020-01")
    assert led.frame()["dropped"].tolist() == [0, 2, 2]                 # 2 Nacional rows, then February's 2 rows
    victims = series.SERIES_METHODS["sesnsp_victims_by_year"]({"sesnsp": v}, row)
    assert victims["value"].tolist() == [7]
    vrate = series.SERIES_METHODS["sesnsp_victim_rate_by_year"]({"sesnsp": v, "inegi_homicides": h}, row)
    assert vrate["value"].tolist() == [1.4]                             # 7 / 500,000 × 100,000
    bad = write(tmp_path / "b.csv", "isodate,entidad,delito,total\n2020-01-01,Nacional,Homicidio doloso,8\n"
                "2020-01-01,Aguascalientes,Homicidio doloso,2\n")
    with pytest.raises(readers.DataError, match=r"the Nacional row of 2020-01, Homicidio doloso \(8\) differs from the sum"):
        violence.load_sesnsp_victims(readers.RowLedger(), bad, last_month="2020-01")


def test_ledger_refuses_rows_from_nowhere():
    with pytest.raises(readers.DataError, match="returned 5 rows from 4"):
        readers.RowLedger().record("x", "merge", 4, 5, "bad")


def test_duplicate_evidence_ids_and_bad_url(tmp_path):
    src = pd.read_csv(evidence.evidence_dir() / "evidence.csv", dtype=str, keep_default_na=False)
    bad = pd.concat([src, src.iloc[[0]]], ignore_index=True)
    bad.loc[1, "url"] = "diario.mx/no-scheme"
    (tmp_path / "e.csv").write_text(bad.to_csv(index=False))
    with pytest.raises(schemas.TableError) as exc:
        evidence.load_evidence(tmp_path)
    msg = str(exc.value)
    assert f"row {len(src) + 2}, column evidence_id: '{src.loc[0, 'evidence_id']}' repeats an earlier row" in msg
    assert "row 3, column url (evidence_id=ev-cndh-2017-bodies): 'diario.mx/no-scheme' does not match the pattern https?://" in msg


def test_papermill_parameter_of_the_wrong_type():
    with pytest.raises(params.ParameterError, match=r"parameter first_year must be int, got '2000'"):
        plan.plan("comparison_torture", {"first_year": "2000"})
    with pytest.raises(params.ParameterError, match=r"parameter first_year must be int, got 'two thousand'"):
        params.coerce("first_year", "two thousand")
    with pytest.raises(params.ParameterError, match="unknown parameter 'year'"):
        plan.plan(None, {"year": 2000})


@pytest.mark.parametrize("nb, kw, message", [
    ("memo_reproduction", {"page": "memo_nope"},
     "memo_reproduction: parameter page='memo_nope' is not valid; valid: memo_giz-torture-prevention-2017, "),
    ("annual_comparison", {"topic": "tortura"},
     "annual_comparison: parameter topic='tortura' is not valid; valid: disappearance, graves, torture, "),
    ("annual_comparison", {"first_year": 2030, "last_year": 2031},
     "annual_comparison: parameter first_year=2030 starts the window after the last year of data"),
    ("annual_comparison", {"first_year": 2010, "last_year": 2001},
     "annual_comparison: parameter last_year=2001 is before first_year=2010"),
    ("annual_comparison", {"geography": "Atlantis"},
     "annual_comparison: parameter geography='Atlantis' is not valid; valid: "),
    ("memo_over_memo", {"min_years": 99}, "memo_over_memo: parameter min_years=99 is outside 1–"),
    ("summary", {"processed_dir": "/no/such"},
     "summary: parameter processed_dir='/no/such' is not a folder of processed tables"),
])
def test_a_bad_notebook_parameter_is_one_line_naming_it_and_the_valid_values(nb, kw, message):
    with pytest.raises(params.ParameterError) as exc:
        params.check(nb, **kw)
    assert str(exc.value).startswith(message) and "\n" not in str(exc.value)
    # in a notebook, IPython shows the one line instead of a traceback
    assert exc.value._render_traceback_() == [f"ParameterError: {exc.value}"]


def test_mxrights_run_refuses_a_bad_parameter_before_any_kernel_starts(capsys):
    code, err = _cli(["run", "--only", "comparison_torture", "-p", "last_year", "2003", "-p", "first_year", "2005"],
                     capsys)
    assert code == 2
    assert err.strip().splitlines() == ["error: annual_comparison: parameter last_year=2003 is before first_year=2005"]


# --- the command line: one block naming file, row, column and value; no traceback ---------------

@pytest.fixture
def tmp_project(tmp_path, monkeypatch, mirror):
    """A copy of the project's data/ as MXRIGHTS_ROOT, with the real seeds, memo series and mirror."""
    import shutil

    from mxrights import paths
    from mxrights.ledger import vocab

    seeds, series = paths.seeds_dir(), paths.memo_series_dir()
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data")
    shutil.copy(paths.project_root() / "datapackage.json", root)
    (root / "pyproject.toml").write_text("")
    for k, v in {"MXRIGHTS_ROOT": root, "MXRIGHTS_SEEDS": seeds, "MXRIGHTS_MEMO_SERIES": series,
                 "MXRIGHTS_DATA_MIRROR": mirror}.items():
        monkeypatch.setenv(k, str(v))
    vocab.clear_cache()
    yield root
    vocab.clear_cache()


def _cli(args, capsys):
    from mxrights import cli

    code = cli.main(args)
    out = capsys.readouterr()
    assert "Traceback" not in out.err and "Traceback" not in out.out
    return code, out.err


def test_cli_names_a_renamed_column(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",qualifier,", ",qualifer,", 1), encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert f"{p}, header (row 1): missing column(s) qualifier; column(s) qualifer not in its schema (datapackage.json, resource claims_ledger)" in err
    reg = (tmp_project / "data" / "registry.csv").read_text()
    assert schemas.read_table(tmp_project / "data" / "registry.csv").set_index("name").loc["claims_ledger", "sha256"] \
        != __import__("mxrights.sources.registry").sources.registry.file_sha256(p)        # the invalid table was not accepted
    assert reg


def _rewrite_row(path, n, edit):
    """Rewrite CSV record ``n`` (header = 1) with ``edit(cells) -> line text`` (raw, unquoted as given)."""
    import csv
    import io

    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    for i, r in enumerate(rows, start=1):
        if i == n:
            out.write(edit(rows[0], r) + "\n")
        else:
            w.writerow(r)
    path.write_text(out.getvalue(), encoding="utf-8")


def _unquoted(header, cells, column, text):
    import csv
    import io

    parts = []
    for h, c in zip(header, cells):
        if h == column:
            parts.append(text)  # written without the quotes it needs
        else:
            buf = io.StringIO()
            csv.writer(buf, lineterminator="").writerow([c])
            parts.append(buf.getvalue())
    return ",".join(parts)


def _set(path, n, **cells):
    """Set cells of CSV record ``n`` (header = 1), properly quoted."""
    _rewrite_row(path, n, lambda h, r: _unquoted(h, [cells.get(k, c) for k, c in zip(h, r)], "", ""))


def test_cli_names_file_row_and_column_of_an_unquoted_comma(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    _rewrite_row(p, 5, lambda h, r: _unquoted(h, r, "population", "as defined, by the indicator"))
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert (f"{p}, row 5, column population: an unquoted comma splits the cell into 'as defined' and "
            "' by the indicator' (18 cells where the header has 17); put the cell in double quotes") in err


def test_cli_names_row_and_column_of_a_latin1_cell(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "indicators.csv"
    p.write_bytes(p.read_text(encoding="utf-8").encode("latin-1", errors="replace"))
    code, err = _cli(["data", "rehash"], capsys)
    first = next(i for i, line in enumerate(p.read_bytes().split(b"\n"), start=1) if any(b > 127 for b in line))
    assert code == 1 and f"{p}, row {first}, column label_es: not valid UTF-8 at byte" in err


def test_cli_names_an_empty_and_a_header_only_ledger(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    header = p.read_text(encoding="utf-8").splitlines()[0]
    p.write_text(header + "\n", encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and f"error: {p}: no claims below the header row" in err      # was "error: ok"
    p.write_bytes(b"")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and f"error: {p}: the file is empty; it needs at least its header row" in err


def test_cli_shows_both_numbers_when_a_corrected_value_no_longer_matches_its_print(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",\"37,435\",37435,", ",\"37,435\",37436,", 1), encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert "column value (claim_id=cs2018-disappeared-total): 37436 does not match the printed figure '37,435', " \
           "which reads 37435" in err


def test_cli_refuses_a_claim_whose_topic_is_not_its_indicators(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    _set(p, 2, topic="impunity")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert (f"{p}, row 2, column topic (claim_id=giz2017-project-areas): 'impunity', but indicator "
            "giz_project_areas belongs to topic 'torture'") in err


def test_an_empty_as_of_takes_the_period_end_and_a_future_evidence_date_is_refused(tmp_project, capsys):
    from mxrights.ledger import claims as claims_mod

    p = tmp_project / "data" / "raw" / "claims.csv"
    _set(p, 2, as_of="")
    cl = claims_mod.load_claims(p)
    # the documented rule: the earlier of period_end (2019, the project's planned end) and publication (2017)
    assert (cl.loc[0, "period_end"], cl.loc[0, "as_of"]) == ("2019", "2017")
    _set(p, 3, as_of="", period_start="2016", period_end="2016-06")
    assert claims_mod.load_claims(p).loc[1, "as_of"] == "2016-06"
    _set(p, 2, as_of="", period_end="")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and f"{p}, row 2, column as_of (claim_id=giz2017-project-areas): empty, and period_end is empty" in err
    e = tmp_project / "data" / "raw" / "evidence" / "evidence.csv"
    p.write_text((paths_root() / "data" / "raw" / "claims.csv").read_text(encoding="utf-8"), encoding="utf-8")
    _set(e, 2, as_of="2031")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert f"{e}, row 2, column as_of (evidence_id=ev-cndh-2017-graves): '2031' is after the date the figure was read" in err


def paths_root():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]  # the checkout (MXRIGHTS_ROOT points at the copy)


def test_cli_shows_a_percent_over_100_with_its_value(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "claims.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",46.6%,46.6,percent,", ",46.6%,146.6,percent,", 1),
                 encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and "claim_id=cs2018-enpol-pressured, value=146.6" in err and "max_value" in err


def test_cli_refuses_an_unknown_publisher_naming_row_and_column(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "evidence" / "evidence.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",cndh,press-diario-juarez,", ",cnhd,press-diario-juarez,", 1),
                 encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and "row 2, column publisher_id (evidence_id=ev-cndh-2017-graves): 'cnhd' is not an org_id of data/raw/vocabulary/organisations.csv" in err and "'cnhd'" in err


def test_cli_refuses_an_unknown_collection_in_the_memo_register(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "memos.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",WOLA,seed,", ",WOLA,seeds,", 1), encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and f"{p}, row 3, column collection (document=001_f6785c70f59d5a73.txt): 'seeds' is not one of 'seed', 'memo_series'" in err


def test_cli_refuses_a_revising_series_that_is_not_an_indicator(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "indicators.csv"
    p.write_text(p.read_text(encoding="utf-8").replace(",disappeared_persons_by_year,rnpdno-2020", ",disappeared_by_yr,rnpdno-2020"),
                 encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1 and "column revised_by_indicator (indicator=" in err and "'disappeared_by_yr' is not an indicator of data/raw/indicators.csv" in err


def test_cli_alone_prints_help_with_examples(capsys):
    from mxrights import cli

    assert cli.main([]) == 2
    out = capsys.readouterr().out
    assert "examples:" in out and "mxrights claims --check" in out


def test_garbled_rnpdno_count_is_an_error_not_a_zero(tmp_path):
    p = write(tmp_path / "rnpdno.csv", "year,hombre,mujer,indeterminado,inegi,status,nom_ent,nom_ent2\n"
                                       "2010,3,1,0,01,desaparecidos,Aguascalientes,Ags.\n"
                                       "2011,2,l,0,01,desaparecidos,Aguascalientes,Ags.\n")
    with pytest.raises(readers.DataError, match=r"rnpdno.csv\), row 3, column mujer: 'l' is not a count >= 0"):
        disappearances.load_rnpdno_2020(readers.RowLedger(), p)


def test_cli_refuses_an_unknown_document_and_accepts_a_memo_id(capsys):
    code, err = _cli(["claims", "--document", "nosuch.txt"], capsys)
    assert code == 2 and "unknown document 'nosuch.txt'; use one of: giz-torture-prevention-2017" in err
    code, _ = _cli(["claims", "--document", "amnesty-letter-2014"], capsys)
    assert code == 0


def test_run_refuses_a_parameter_that_would_put_one_document_on_another_page(capsys):
    code, err = _cli(["run", "--only", "memo_amnesty-letter-2014", "-p", "page", "memo_wola-memo-2017"], capsys)
    assert code == 2 and "parameter 'page' decides which page a job writes" in err
    assert "memo_amnesty-letter-2014" in err


def test_press_graves_file_in_mac_roman_loads_and_a_garbled_count_is_named(tmp_path):
    from mxrights.sources import disappearances, graves, impunity, readers, violence

    head = "grupo,ano,cve_ente,estado,numero_de_fosas,numero_de_cuerpos\n"
    good = head + "grupo_uno,2010,16,Michoac\u00e1n,3,na\ngrupo_uno,2011,9,Ciudad de M\u00e9xico,na,4\n"
    p = tmp_path / "fosas.csv"
    p.write_bytes(good.encode("mac_roman"))
    ledger = readers.RowLedger()
    df = graves.load_graves_press(ledger, path=p, name="fixture")
    assert df["state"].tolist() == ["16", "09"]
    assert df["graves"].isna().tolist() == [False, True] and int(df["graves"].iloc[0]) == 3
    assert ledger.frame()["rows_in"].tolist() == [2]
    p.write_bytes((head + "grupo_uno,2010,16,X,tres,1\n").encode("mac_roman"))
    with pytest.raises(readers.DataError, match=r"row 2, column numero_de_fosas: 'tres'"):
        graves.load_graves_press(readers.RowLedger(), path=p, name="fixture")


@pytest.mark.parametrize("args", [["data", "verify"], ["tables"], ["reproduce"]])
def test_a_missing_mirror_folder_is_one_line(args, tmp_path, monkeypatch, capsys):
    gone = tmp_path / "no-such-folder"
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", str(gone))
    code, err = _cli(args, capsys)
    assert code == 1
    assert err.strip().splitlines() == [f"error: the data mirror folder {gone} (MXRIGHTS_DATA_MIRROR) does not exist; "
                                        "set MXRIGHTS_DATA_MIRROR to the folder holding the shared data files, or unset "
                                        "it to use ../shared/data beside the checkout"]


def test_a_topic_cannot_be_changed_with_p(capsys):
    code, err = _cli(["run", "--only", "comparison_torture", "-p", "topic", "tortura"], capsys)
    assert code == 2
    assert "parameter 'topic' decides which page a job writes" in err and "comparison_torture" in err
    code, err = _cli(["run", "--only", "state_14", "-p", "state", "15"], capsys)   # Jalisco's page keeps Jalisco
    assert code == 2 and "parameter 'state' decides which page a job writes" in err


def test_recomputed_series_status_is_checked(tmp_path):
    from mxrights import paths
    from mxrights.series import annual as series

    src = (paths.raw_dir() / "series_recomputed.csv").read_text(encoding="utf-8")
    bad = src.replace(",rnpdno_by_year_status,missing,", ",rnpdno_by_year_status,missed,", 1)
    assert bad != src
    p = tmp_path / "series_recomputed.csv"
    p.write_text(bad, encoding="utf-8")
    with pytest.raises(schemas.TableError, match=r"series_recomputed.csv, row \d+, column status: 'missed'; method "
                                                 r"rnpdno_by_year_status needs one of missing, found_alive, found_dead"):
        series.load_series_table(p)


def test_rehash_refuses_a_bad_page_group_table(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "vocabulary" / "page_groups.csv"
    p.write_text(p.read_text(encoding="utf-8").replace("\nseed,2,", "\nseed,two,", 1), encoding="utf-8")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert f"{p}, row 3, column order (group=seed): 'two' is not an integer" in err


def test_a_bad_job_table_is_a_data_error_not_a_usage_error(tmp_path, monkeypatch, capsys):
    from mxrights.ledger import vocab

    bad = tmp_path / "jobs.csv"
    bad.write_text(vocab.jobs_path().read_text(encoding="utf-8").replace(",memo_page,", ",memo_pages,", 1), encoding="utf-8")
    monkeypatch.setattr(vocab, "jobs_path", lambda: bad)
    monkeypatch.setattr(vocab, "jobs", lambda path=None, _f=vocab.jobs: _f(path or bad))
    (tmp_path / "memo_reproduction.ipynb").write_text("{}")
    code, err = _cli(["run", "--only", "summary"], capsys)
    assert code == 1
    assert f"{bad}, row 2, column each: 'memo_pages' is not one of" in err


def test_cli_refuses_a_hunt_row_naming_an_unknown_claim(tmp_project, capsys):
    p = tmp_project / "data" / "raw" / "hunts.csv"
    _set(p, 2, claim_id="cs2018-no-such-claim")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert f"{p}, row 2, column claim_id: 'cs2018-no-such-claim' is not a claim_id of data/raw/claims.csv" in err


def test_cli_refuses_an_evidence_row_without_url_or_copy(tmp_project, capsys):
    e = tmp_project / "data" / "raw" / "evidence" / "evidence.csv"
    _set(e, 2, url="", copy_url="")
    code, err = _cli(["data", "rehash"], capsys)
    assert code == 1
    assert f"{e}, row 2, column (row check; evidence_id=ev-cndh-2017-graves, value=855): failed url_or_copy_url_present" in err, err


def test_a_notebook_parameter_without_a_type_or_with_two_types_is_refused(tmp_path):
    """Types come from each notebook's parameters cell (Papermill's inspection)."""
    import nbformat

    from mxrights.build import params
    from mxrights.sources.schemas import TableError

    def notebook(name: str, source: str) -> None:
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        nb.cells = [nbformat.v4.new_code_cell(source, metadata={"tags": ["parameters"]})]
        nbformat.write(nb, str(tmp_path / name))

    notebook("a.ipynb", "first_year: int = 2000\nlast_year = 2026")
    with pytest.raises(TableError, match=r"a.ipynb, parameters cell, parameter last_year: type 'None' is not one of"):
        params.declared_types(tmp_path)
    notebook("a.ipynb", "first_year: int = 2000")
    notebook("b.ipynb", "first_year: str = '2000'")
    with pytest.raises(TableError, match=r"b.ipynb, parameters cell, parameter first_year: str, but a.ipynb declares it int"):
        params.declared_types(tmp_path)
    assert params.declared_types()["first_year"] == "int" and params.declared_types()["state"] == "str"
