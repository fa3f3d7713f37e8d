"""Primary files read by declaration (data/raw/primary_tables.csv), on real data and on hand-made files."""

from __future__ import annotations

import pandas as pd
import pytest

from mxrights.sources import readers, tidy


def _spec(**kw) -> pd.Series:
    base = {"frame": "f", "registry": "hand_made", "encoding": "utf-8", "separator": "", "year": "anio", "value": "n",
            "state": "", "state_kind": "", "filter_column": "", "filter_values": "", "note": "x"}
    return pd.Series({**base, **kw})


def test_the_graves_frames_are_the_published_file_read_by_declaration():
    """A dónde van los desaparecidos, national graves and bodies 2006–2016 (the file's own columns)."""
    ledger = readers.RowLedger()
    frames = tidy.load_all(ledger)
    graves, bodies = frames["advld_graves"], frames["advld_bodies"]
    assert list(graves.columns) == ["year", "value"] and graves["year"].tolist() == list(range(2006, 2017))
    assert int(graves["value"].sum()) == 1738 and int(bodies["value"].sum()) == 2340   # the sums reconcile.csv shows
    assert graves.loc[graves["year"] == 2006, "value"].item() == 2 and bodies.loc[bodies["year"] == 2006, "value"].item() == 7


def test_a_hand_made_file_by_state_name_with_a_filter(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("anio,estado,tipo,n\n2019,Guerrero,a,2\n2019,ESTADO DE MEXICO,a,1\n2019,Guerrero,b,9\n2020,Jalisco,a,0\n",
                 encoding="utf-8")
    ledger = readers.RowLedger()
    out = tidy.load(_spec(state="estado", state_kind="name", filter_column="tipo", filter_values="a"), ledger, p)
    assert out.to_dict("list") == {"year": [2019, 2019, 2020], "state": ["12", "15", "14"], "value": [2, 1, 0]}
    acc = ledger.frame()
    assert acc.loc[acc["step"] == "keep tipo", ["rows_in", "rows_out", "dropped"]].values.tolist() == [[4, 3, 1]]


def test_events_count_one_each(tmp_path):
    p = tmp_path / "f.csv"
    p.write_text("anio,lugar\n2019,x\n2019,y\n2021,z\n", encoding="utf-8")
    out = tidy.load(_spec(value=""), readers.RowLedger(), p)
    assert out.groupby("year")["value"].sum().to_dict() == {2019: 2, 2021: 1}


@pytest.mark.parametrize("text, spec, message", [
    ("anio,n\n2019,2\n20x9,1\n", {}, r"hand_made \(.*f.csv\), row 3, column anio: '20x9' is not a year"),
    ("anio,n\n2019,tres\n", {}, r"row 2, column n: 'tres' is not a count \(a whole number >= 0\)"),
    ("anio,n\n2019,-1\n", {}, r"row 2, column n: '-1' is not a count"),
    ("year,n\n2019,1\n", {}, r"missing column\(s\) \['anio'\]"),
    ("anio,estado,n\n2019,Atlantis,1\n", {"state": "estado", "state_kind": "name"}, r"row 2, column estado: .*'Atlantis'"),
])
def test_bad_cells_are_named(tmp_path, text, spec, message):
    p = tmp_path / "f.csv"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(readers.DataError, match=message):
        tidy.load(_spec(**spec), readers.RowLedger(), p)


def test_a_series_row_must_name_the_frame_of_its_primary_file(tmp_path):
    from mxrights.series import annual
    from mxrights.sources import registry
    from mxrights.sources.schemas import TableError

    src = pd.read_csv(registry.resolve("series_recomputed"), dtype=str, keep_default_na=False)
    i = int((src["method"] == "sum_by_year").idxmax())
    p = tmp_path / "series_recomputed.csv"
    src.assign(frame=src["frame"].where(src.index != i, "")).to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"row {i + 2}, column frame: ''; method sum_by_year needs a frame"):
        annual.load_series_table(p)
    src.assign(primary=src["primary"].where(src.index != i, "cpj_killed_confirmed_2025_05")).to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"row {i + 2}, column primary: 'cpj_killed_confirmed_2025_05', but frame "
                                         r"advld_graves reads 'advld_graves_national_year'"):
        annual.load_series_table(p)
    src.assign(frame=src["frame"].where(src.index != i, "no_such_frame")).to_csv(p, index=False)
    with pytest.raises(TableError, match=r"'no_such_frame' is not a frame of data/raw/primary_tables.csv"):
        annual.load_series_table(p)
