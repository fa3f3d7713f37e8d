"""The data package: datapackage.json describes every table, one engine checks it, and the
reference implementation (frictionless) agrees on the committed tables."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mxrights.ledger import evidence, hunts
from mxrights.sources import package, registry
from mxrights import paths
from mxrights.sources.schemas import TableError


def test_every_table_of_the_repository_has_a_schema_and_every_schema_a_table(root):
    reg = registry.load_registry()
    raw = {f"data/raw/{p}" for p, loc in zip(reg["path"], reg["location"]) if loc == "raw" and p.endswith(".csv")}
    processed = {f"data/processed/{p.name}" for p in paths.processed_dir().glob("*.csv")}
    wanted = raw | processed | {"data/registry.csv", "notebooks/jobs.csv", "notebooks/parameters.csv"}
    described = {r["path"] for r in package.resources().values()}
    assert wanted == described, (sorted(wanted - described), sorted(described - wanted))
    for r in package.resources().values():
        assert (root / r["path"]).exists(), r["path"]
        assert r["title"] and r["description"], r["name"]
        assert all(f.get("description") for f in r["schema"]["fields"]), r["name"]


def test_every_committed_table_passes_its_schema():
    """The project's engine (pandera built from the package) accepts every table as committed."""
    for name in package.resources():
        df = package.read(name)
        assert list(df.columns) == [f["name"] for f in package.fields(name)]


def test_frictionless_validates_the_package(root):
    """The reference implementation reads the same file: `frictionless validate datapackage.json`."""
    exe = Path(sys.executable).with_name("frictionless")
    done = subprocess.run([str(exe), "validate", "--json", "datapackage.json"], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert '"valid": true' in done.stdout


def test_the_closed_lists_live_in_the_package():
    assert package.enum("claims_ledger", "qualifier")[:3] == ["exact", "at least", "more than"]
    assert package.enum("verdict_vocabulary", "accuracy") == ["holds", "wrong", "disputed"]
    assert package.enum("memo_register", "collection") == ["seed", "memo_series"]
    assert package.primary_key("document_parties") == ["document", "org_id"]


def _evidence_copy(tmp_path: Path, **changes) -> Path:
    src = pd.read_csv(evidence.evidence_dir() / "evidence.csv", dtype=str, keep_default_na=False)
    for col, (row, value) in changes.items():
        src.loc[row, col] = value
    folder = tmp_path / "evidence"
    folder.mkdir()
    src.to_csv(folder / "evidence.csv", index=False)
    return folder


def test_an_evidence_row_naming_an_unknown_claim_is_refused(tmp_path):
    """A foreign key through a list cell (``claim_id`` may name several claims, ``;``-separated)."""
    src = pd.read_csv(evidence.evidence_dir() / "evidence.csv", dtype=str, keep_default_na=False)
    i = int((src["claim_id"] != "").idxmax())
    folder = _evidence_copy(tmp_path, claim_id=(i, src.loc[i, "claim_id"] + ";cs2018-no-such-claim"))
    with pytest.raises(TableError) as exc:
        evidence.load_evidence(folder)
    assert (f"evidence.csv, row {i + 2}, column claim_id (evidence_id={src.loc[i, 'evidence_id']}): "
            f"'cs2018-no-such-claim' (in '{src.loc[i, 'claim_id']};cs2018-no-such-claim') is not a claim_id of "
            "data/raw/claims.csv") in str(exc.value)


def test_an_evidence_row_naming_an_unknown_indicator_and_unit_gives_both_failures(tmp_path):
    """Failures are collected (lazy): one line each, with file, row, column, key and value."""
    folder = _evidence_copy(tmp_path, indicator=(0, "no_such_indicator"), unit=(2, "kilos"))
    with pytest.raises(TableError) as exc:
        evidence.load_evidence(folder)
    msg = str(exc.value)
    assert "2 validation failure(s)" in msg
    assert "row 2, column indicator (evidence_id=ev-cndh-2017-graves): 'no_such_indicator' is not an indicator of " \
           "data/raw/indicators.csv" in msg
    assert "row 4, column unit (" in msg and "'kilos' is not a unit of data/raw/vocabulary/units.csv" in msg


def test_a_hunt_naming_an_unknown_evidence_row_is_refused(tmp_path):
    src = pd.read_csv(registry.resolve("evidence_hunts"), dtype=str, keep_default_na=False)
    src.loc[0, "evidence_id"] = "ev-nowhere"
    p = tmp_path / "hunts.csv"
    src.to_csv(p, index=False)
    known = set(evidence.load_evidence()["evidence_id"])
    with pytest.raises(TableError, match=rf"hunts.csv: 1 validation failure\(s\)\n.*hunts.csv, row 2, column evidence_id "
                                         rf"\(claim_id={src.loc[0, 'claim_id']}\): 'ev-nowhere' \(in 'ev-nowhere'\) is "
                                         r"not an evidence_id of data/raw/evidence/evidence.csv"):
        hunts.load_hunts(set(src["claim_id"]), known, p)


def test_a_repeated_composite_key_and_a_wrong_type_are_named(tmp_path):
    src = pd.read_csv(registry.resolve("document_parties"), dtype=str, keep_default_na=False)
    p = tmp_path / "document_parties.csv"
    pd.concat([src, src.iloc[[0]]], ignore_index=True).to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"row {len(src) + 2} \(document={src.loc[0, 'document']}, "
                                         rf"org_id={src.loc[0, 'org_id']}\): repeats the key \(document, org_id\)"):
        package.read("document_parties", p)
    top = pd.read_csv(registry.resolve("topic_vocabulary"), dtype=str, keep_default_na=False)
    top.loc[1, "comparison_page"] = "yes"
    p = tmp_path / "topics.csv"
    top.to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"topics.csv, row 3, column comparison_page \(topic={top.loc[1, 'topic']}\): "
                                         r"'yes' is not one of true, false"):
        package.read("topic_vocabulary", p)


def test_a_column_the_schema_does_not_know_is_refused(tmp_path):
    src = pd.read_csv(registry.resolve("settings"), dtype=str, keep_default_na=False)
    p = tmp_path / "settings.csv"
    src.assign(extra="x").to_csv(p, index=False)
    with pytest.raises(TableError, match=r"settings.csv, header \(row 1\): column\(s\) extra not in its schema "
                                         r"\(datapackage.json, resource settings\)"):
        package.read("settings", p)


def test_a_checked_file_is_checked_again_when_its_bytes_change(tmp_path, monkeypatch):
    """A passed check is remembered by a stamp keyed on the file's bytes (and its schema's and
    referenced tables'): the same file is not checked twice, an edited one is."""
    monkeypatch.setenv("MXRIGHTS_REPORTS", str(tmp_path / "reports"))
    src = pd.read_csv(registry.resolve("settings"), dtype=str, keep_default_na=False)
    p = tmp_path / "settings.csv"
    src.to_csv(p, index=False)
    package.read("settings", p)
    stamps = list((tmp_path / "reports" / ".cache" / "valid").glob("settings-*"))
    assert len(stamps) == 1
    src.loc[0, "value"] = "five"
    src.to_csv(p, index=False)
    with pytest.raises(TableError, match=r"settings.csv, row 2, column value \(setting=trend_min_points\): 'five' is not a number"):
        package.read("settings", p)


def test_a_list_cell_with_a_closed_list_names_the_unknown_item(tmp_path):
    src = pd.read_csv(registry.resolve("scope_vocabulary"), dtype=str, keep_default_na=False)
    src.loc[0, "declared_in"] = src.loc[0, "declared_in"] + ";memo"
    p = tmp_path / "scopes.csv"
    src.to_csv(p, index=False)
    with pytest.raises(TableError, match=rf"scopes.csv, row 2, column declared_in \(scope={src.loc[0, 'scope']}\): 'memo' "
                                         r"\(in '.*;memo'\) is not one of 'evidence', 'recomputation', 'relation'"):
        package.read("scope_vocabulary", p)
