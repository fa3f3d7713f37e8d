"""The data registry: verification, hash mismatch, missing files, download with pooch."""

import http.server
import shutil
import threading
from functools import partial

import pytest

from mxrights import cli
from mxrights.sources import registry


def test_every_registered_file_verifies_against_the_mirror(mirror):
    table = registry.verify()
    assert len(table) == len(registry.load_registry())
    assert (table["status"] == "OK").all(), table[table["status"] != "OK"]


def test_registry_knows_hash_size_and_provenance():
    reg = registry.load_registry().set_index("name")
    row = reg.loc["cenapi_records_import"]
    assert row["sha256"] == "9e73fbf6519f8785a2e0b1ddacaf03a472c8d20aca145d8b00a12d3aca82362c"
    assert row["bytes"] == 576007
    assert row["publisher_es"].startswith("Centro Nacional de Planeación")
    assert row["retrieved"] == "2026-11-23"


def test_altered_mirror_file_fails_with_both_hashes(tmp_mirror):
    p = tmp_mirror / "impunity" / "udlap_igimex_state_2016_2018.csv"
    p.write_text(p.read_text().replace("47.22", "47.23"))
    with pytest.raises(registry.HashMismatchError) as exc:
        registry.resolve("udlap_igimex_2016_2018")
    msg = str(exc.value)
    assert "expected 55bbab1de9e463ee4e76fea214bd2a7cdd15800d4fb5981ee7f40f4def7cc498" in msg
    assert f"actual   {registry.file_sha256(p)}" in msg
    assert "udlap_igimex_2016_2018" in msg


def test_verify_command_exits_1_and_names_the_altered_file(tmp_mirror, capsys):
    p = tmp_mirror / "graves" / "advld_national_per_year_2006_2016.csv"
    p.write_text(p.read_text() + "2017,1,0,1,0\n")
    assert cli.main(["data", "verify"]) == 1
    out = capsys.readouterr()
    assert "HASH MISMATCH" in out.out
    assert "advld_graves_national_year: sha256 mismatch" in out.err
    n = len(registry.load_registry())
    assert f"{n - 1} of {n} registered files OK" in out.out


def test_missing_file_with_mirror_unset_says_how_to_obtain_it(monkeypatch, tmp_path):
    monkeypatch.setenv("MXRIGHTS_DATA_MIRROR", "")
    monkeypatch.setattr(registry, "_pooch_cache", lambda: tmp_path / "empty-cache")
    with pytest.raises(registry.MissingFileError) as exc:
        registry.resolve("cpj_killed_2017_06")
    msg = str(exc.value)
    assert "no data mirror is set" in msg
    assert "MXRIGHTS_DATA_MIRROR" in msg and "https://cpj.org/data/" in msg


def test_missing_file_in_mirror(tmp_mirror):
    (tmp_mirror / "journalists" / "cpj_killed_database_export_2017-06.csv").unlink()
    with pytest.raises(registry.MissingFileError, match=r"cpj_killed_2017_06: not found at .*cpj_killed_database_export_2017-06.csv"):
        registry.resolve("cpj_killed_2017_06")


def test_unknown_name():
    with pytest.raises(registry.RegistryError, match="'nope' is not in the data registry"):
        registry.resolve("nope")


def test_duplicate_registry_name_is_refused(tmp_path):
    src = registry.registry_path().read_text().splitlines()
    p = tmp_path / "registry.csv"
    p.write_text("\n".join([src[0], src[1], src[1]]) + "\n")
    with pytest.raises(registry.RegistryError, match=r"row 3, column 'name': duplicate name 'claims_ledger'"):
        registry.load_registry(p)


@pytest.mark.enable_socket
def test_fetch_downloads_with_pooch_from_a_local_server(tmp_path, mirror, monkeypatch):
    """The only network test: pooch downloads from a file server on 127.0.0.1 and checks the hash."""
    serve = tmp_path / "www"
    serve.mkdir()
    shutil.copy(mirror / "impunity" / "udlap_igimex_state_2016_2018.csv", serve / "igimex.csv")
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(serve))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        reg = registry.load_registry()
        i = reg.index[reg["name"] == "udlap_igimex_2016_2018"][0]
        reg.loc[i, "download_url"] = f"http://127.0.0.1:{httpd.server_port}/igimex.csv"
        got = registry.fetch("udlap_igimex_2016_2018", reg, cache=tmp_path / "cache")
        assert registry.file_sha256(got) == reg.loc[i, "sha256"]
        reg.loc[i, "sha256"] = "0" * 64
        with pytest.raises(registry.HashMismatchError):
            registry.fetch("udlap_igimex_2016_2018", reg, cache=tmp_path / "cache2")
    finally:
        httpd.shutdown()


def test_seed_documents_are_registered_and_hash_checked(tmp_path, monkeypatch):
    from mxrights import paths
    from mxrights.build import plan
    from mxrights.sources import text

    reg = registry.load_registry()
    seeds = reg[reg["location"] == "seeds"]
    assert sorted(seeds["path"]) == sorted(p.name for p in paths.seeds_dir().glob("*.txt"))
    assert (reg["location"] == "memo_series").sum() == len(list(paths.memo_series_dir().glob("*.txt")))
    before = plan.inputs_digest()
    copy = tmp_path / "seeds"
    shutil.copytree(paths.seeds_dir(), copy)
    doc = copy / "004_481b3fd752252112.txt"
    doc.write_text(doc.read_text(encoding="utf-8").replace("Number of staff 25", "Number of staff 26"), encoding="utf-8")
    monkeypatch.setenv("MXRIGHTS_SEEDS", str(copy))
    text._read.cache_clear()
    text._normalised.cache_clear()
    with pytest.raises(registry.HashMismatchError, match=r"seed:004_481b3fd752252112.txt: sha256 mismatch"):
        text.document_text("004_481b3fd752252112.txt")
    assert plan.inputs_digest() != before      # an edited seed changes every build key
