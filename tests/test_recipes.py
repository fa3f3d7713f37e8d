"""CONTRIBUTING's recipes, carried out in a copy of the project: a new memo gets its page."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from mxrights import paths

pytestmark = pytest.mark.pipeline

TEXT = ("A test memo on the register of disappeared persons.\n\n"
        "According to the register, there are 37,435 disappeared persons in Mexico, as of the end of April.\n")


def _append(path: Path, row: dict) -> None:
    with open(path, newline="", encoding="utf-8") as fh:
        header = next(csv.reader(fh))
    with open(path, "a", newline="", encoding="utf-8") as fh:
        csv.DictWriter(fh, fieldnames=header, lineterminator="\n").writerow({k: row.get(k, "") for k in header})


def _project(tmp_path: Path, seeds: Path, mirror: Path) -> tuple[Path, Callable[..., str]]:
    """A copy of the project (data, notebooks, datapackage.json) and a runner of `mxrights` in it."""
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data")
    shutil.copytree(paths.project_root() / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    shutil.copy(paths.project_root() / "datapackage.json", root)
    (root / "pyproject.toml").write_text("")
    env = {**os.environ, "MXRIGHTS_ROOT": str(root), "MXRIGHTS_SEEDS": str(seeds),
           "MXRIGHTS_MEMO_SERIES": str(paths.memo_series_dir()), "MXRIGHTS_DATA_MIRROR": str(mirror),
           "MXRIGHTS_REPORTS": str(tmp_path / "reports")}

    def run(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "mxrights.cli", *args], env=env, capture_output=True, text=True)
        assert out.returncode == 0, f"mxrights {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
        return out.stdout

    return root, run


def test_a_new_memo_is_three_hand_edited_files_and_gets_its_page(tmp_path, mirror):
    """CONTRIBUTING, "A new memo": the text, a row of memos.csv, its claims; then `mxrights data
    rehash` (which registers the new text), `mxrights claims --coverage`, `mxrights tables`,
    `mxrights run --only memo_<id>`. The page appears with the claim and its verdict, and no other
    hand-made table was touched."""
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.seeds_dir(), seeds)
    root, run = _project(tmp_path, seeds, mirror)

    # the three hand-edited files
    (seeds / "900_test-memo.txt").write_text(TEXT, encoding="utf-8")
    raw = root / "data" / "raw"
    _append(raw / "memos.csv", {
        "document": "900_test-memo.txt", "memo": "test-memo-2026", "title": "A test memo",
        "author": "Test authors", "author_es": "Autores de prueba", "published": "2026-11",
        "audience": "reviewers", "kind": "memo", "url": "https://example.org/test-memo", "outlet": "Test",
        "collection": "seed", "holding": "whole document as supplied", "page": "memo_test-memo-2026"})
    _append(raw / "claims.csv", {
        "claim_id": "tm2026-disappeared-total", "document": "900_test-memo.txt", "memo": "test-memo-2026",
        "quote": "there are 37,435 disappeared persons in Mexico", "printed": "37,435", "value": "37435",
        "unit": "count", "qualifier": "exact", "indicator": "disappeared_persons_registered",
        "topic": "disappearance", "period_end": "2018-04-30", "as_of": "2018-04-30",
        "population": "as defined by the indicator", "geography": "Mexico", "source_cited": "the register"})

    assert "registered: seed:900_test-memo.txt" in run("data", "rehash")
    run("claims", "--coverage")
    run("tables")
    run("run", "--only", "memo_test-memo-2026")
    page = (tmp_path / "reports" / "html" / "memo_test-memo-2026.html").read_text(encoding="utf-8")
    assert "there are 37,435 disappeared persons in Mexico" in page and 'id="tm2026-disappeared-total"' in page
    with open(root / "data" / "processed" / "claims_check.csv", newline="", encoding="utf-8") as fh:
        row = next(r for r in csv.DictReader(fh) if r["claim_id"] == "tm2026-disappeared-total")
    assert row["verdict"] == "confirmed"          # the same fact as the 2018 memo's 37,435, judged with its evidence
    # hand-made tables touched: memos.csv and claims.csv only (the registry row was written by rehash)
    cmp = filecmp.dircmp(paths.raw_dir(), raw)
    changed = set(cmp.diff_files) | {f"{d}/{f}" for d, sub in cmp.subdirs.items() for f in sub.diff_files}
    assert changed == {"memos.csv", "claims.csv"}


#: A hand-made primary file (a fixture, not real figures): journalists killed by year and state,
#: one row per count, with a column the recipe filters on. Worked out by hand: journalists only,
#: 2019: Guerrero 2 + Veracruz 1 = 3; 2020: Guerrero 1 (+ 0 elsewhere) = 1; the two rows of
#: "otro" are dropped by the filter.
SOURCE = ("anio,entidad,tipo,asesinatos\n"
          "2019,Guerrero,periodista,2\n"
          "2019,VERACRUZ DE IGNACIO DE LA LLAVE,periodista,1\n"
          "2019,Guerrero,otro,5\n"
          "2020,Guerrero,periodista,1\n"
          "2020,Oaxaca,otro,4\n")


def test_a_new_primary_source_needs_no_code_and_gets_its_series(tmp_path, mirror):
    """CONTRIBUTING, "A new primary source": the file in the mirror, a `mirror` row of the registry
    (`mxrights data record` writes its hash), a row of primary_tables.csv (how to read it), a row of
    series_recomputed.csv (the series, method sum_by_year) and a row of published_totals.csv; then
    `mxrights data rehash`, `mxrights tables`, `mxrights run`. The series appears nationally and per
    state, its dropped rows are accounted for, and the comparison page draws it."""
    own_mirror = tmp_path / "mirror"
    own_mirror.mkdir()
    for entry in mirror.iterdir():
        (own_mirror / entry.name).symlink_to(entry)
    (own_mirror / "example").mkdir()
    (own_mirror / "example" / "journalists_by_state.csv").write_text(SOURCE, encoding="utf-8")
    root, run = _project(tmp_path, paths.seeds_dir(), own_mirror)

    raw = root / "data" / "raw"
    _append(root / "data" / "registry.csv", {
        "name": "example_journalists_state_year", "location": "mirror", "path": "example/journalists_by_state.csv",
        "topic": "defenders_journalists", "publisher": "Example publisher", "publisher_es": "Editor de ejemplo",
        "title": "Journalists killed by state and year (test fixture)", "citation": "Test fixture",
        "url": "https://example.org/journalists", "published": "2026-11-01", "retrieved": "2026-11-02",
        "license": "CC-BY-4.0", "secondary": "no", "notes": "a fixture of tests/test_recipes.py"})
    _append(raw / "primary_tables.csv", {
        "frame": "example_journalists", "registry": "example_journalists_state_year", "encoding": "utf-8",
        "year": "anio", "value": "asesinatos", "state": "entidad", "state_kind": "name",
        "filter_column": "tipo", "filter_values": "periodista", "note": "journalists killed (test fixture)"})
    _append(raw / "series_recomputed.csv", {
        "indicator": "journalists_killed_article19", "method": "sum_by_year", "by_state": "true",
        "primary": "example_journalists_state_year", "frame": "example_journalists", "source_id": "example",
        "source_label": "Example journalists file (test fixture)", "as_of": "2026-11-01", "year_start": "2019",
        "year_end": "2020", "note": "journalists killed, by year of the killing"})
    _append(raw / "published_totals.csv", {
        "published_id": "none-example", "indicator": "journalists_killed_article19", "source_id": "example",
        "geography": "Mexico", "retrieved": "2026-11-02", "relation": "none found",
        "expected_difference": "a test fixture; would settle: the publisher's own yearly totals"})

    assert "recorded example_journalists_state_year" in run("data", "record", "example_journalists_state_year")
    run("data", "rehash")
    run("tables")
    with open(root / "data" / "processed" / "indicators_annual.csv", newline="", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["source_id"] == "example"]
    got = {(r["geography"], r["year"]): float(r["value"]) for r in rows}
    assert got[("Mexico", "2019")] == 3 and got[("Mexico", "2020")] == 1
    assert got[("Guerrero", "2019")] == 2 and got[("Veracruz", "2019")] == 1 and got[("Oaxaca", "2020")] == 0
    assert {r["trace"] for r in rows} == {"registry:example_journalists_state_year"}
    with open(root / "data" / "processed" / "row_accounting.csv", newline="", encoding="utf-8") as fh:
        dropped = [r for r in csv.DictReader(fh) if r["source"] == "example_journalists_state_year" and r["step"] == "keep tipo"]
    assert [(int(d["rows_in"]), int(d["rows_out"]), int(d["dropped"])) for d in dropped] == [(5, 3, 2)]
    with open(root / "data" / "processed" / "reconciliation.csv", newline="", encoding="utf-8") as fh:
        rec = [r for r in csv.DictReader(fh) if r["source_id"] == "example"]
    assert [r["status"] for r in rec] == ["no published total"]
    run("run", "--only", "comparison_defenders_journalists")
    page = (tmp_path / "reports" / "html" / "comparison_defenders_journalists.html").read_text(encoding="utf-8")
    assert "Example journalists file (test fixture)" in page
    # hand-made tables touched: these three (and the registry row); no code
    cmp = filecmp.dircmp(paths.raw_dir(), raw)
    changed = set(cmp.diff_files) | {f"{d}/{f}" for d, sub in cmp.subdirs.items() for f in sub.diff_files}
    assert changed == {"primary_tables.csv", "series_recomputed.csv", "published_totals.csv"}
