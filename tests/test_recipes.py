"""CONTRIBUTING's recipes, carried out in a copy of the project: a new memo gets its page."""

from __future__ import annotations

import csv
import filecmp
import os
import shutil
import subprocess
import sys
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


def test_a_new_memo_is_three_hand_edited_files_and_gets_its_page(tmp_path, mirror):
    """CONTRIBUTING, "A new memo": the text, a row of memos.csv, its claims; then `mxrights data
    rehash` (which registers the new text), `mxrights claims --coverage`, `mxrights tables`,
    `mxrights run --only memo_<id>`. The page appears with the claim and its verdict, and no other
    hand-made table was touched."""
    root = tmp_path / "project"
    shutil.copytree(paths.data_dir(), root / "data")
    shutil.copytree(paths.project_root() / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns("*.ipynb_checkpoints"))
    shutil.copy(paths.project_root() / "datapackage.json", root)
    (root / "pyproject.toml").write_text("")
    seeds = tmp_path / "seeds"
    shutil.copytree(paths.seeds_dir(), seeds)
    env = {**os.environ, "MXRIGHTS_ROOT": str(root), "MXRIGHTS_SEEDS": str(seeds),
           "MXRIGHTS_MEMO_SERIES": str(paths.memo_series_dir()), "MXRIGHTS_DATA_MIRROR": str(mirror),
           "MXRIGHTS_REPORTS": str(tmp_path / "reports")}

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

    def run(*args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "mxrights.cli", *args], env=env, capture_output=True, text=True)
        assert out.returncode == 0, f"mxrights {' '.join(args)}:\n{out.stdout}\n{out.stderr}"
        return out.stdout

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
