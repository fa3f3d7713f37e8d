"""Citations: the sources table, BibTeX and CSL-JSON, on a fixture worked out by hand and on the real tables."""

from __future__ import annotations

import json

import pandas as pd

from mxrights.publish import citations
from mxrights.ledger import evidence
from mxrights.sources import registry

REG = pd.DataFrame([{"name": "rnped_state", "location": "mirror", "path": "rnped/x.csv", "title": "RNPED by state",
                     "publisher": "SESNSP & CNB", "publisher_es": "Secretariado Ejecutivo", "published": "2018-04-30",
                     "retrieved": "2026-11-23", "url": "https://example.org/rnped_2018%20v1.csv"}])
EV = pd.DataFrame([
    {"evidence_id": "ev-b", "source_id": "cndh-2017", "title": "Informe 100% fosas", "publisher": "CNDH",
     "publisher_es": "Comisión Nacional de los Derechos Humanos", "reported_by": "El Diario", "year": 2017.0,
     "url": "https://diario.mx/a", "retrieved": "2026-11-23", "locator": "855 fosas"},
    {"evidence_id": "ev-a", "source_id": "cndh-2017", "title": "Informe 100% fosas", "publisher": "CNDH",
     "publisher_es": "Comisión Nacional de los Derechos Humanos", "reported_by": "El Diario", "year": 2017.0,
     "url": "https://diario.mx/a", "retrieved": "2026-11-23", "locator": "1,548 cuerpos"},
    {"evidence_id": "ev-c", "source_id": "cndh-2017", "title": "Second page", "publisher": "CNDH",
     "publisher_es": "Comisión Nacional de los Derechos Humanos", "reported_by": "", "year": 2017.0,
     "url": "https://cndh.org.mx/b", "retrieved": "2026-11-23", "locator": ""},
])


def test_sources_table_one_row_per_file_and_per_evidence_address():
    s = citations.sources_table(REG, EV)
    assert s["key"].tolist() == ["rnped-state", "cndh-2017", "cndh-2017-2"]  # source id, then -2 for its second address
    ev = s.set_index("key").loc["cndh-2017"]
    assert ev["url"] == "https://cndh.org.mx/b" and ev["used_by"] == "ev-c"     # addresses sorted: cndh.org.mx first
    ev2 = s.set_index("key").loc["cndh-2017-2"]
    assert ev2["used_by"] == "ev-a;ev-b" and ev2["locator"] == "1,548 cuerpos | 855 fosas" and ev2["date"] == "2017"
    assert s.set_index("key").loc["rnped-state", "kind"] == "primary data file"


def test_bibtex_escapes_text_but_not_urls():
    bib = citations.to_bibtex(citations.sources_table(REG, EV))
    assert "@dataset{rnped-state,\n  author = {{SESNSP \\& CNB}},\n  title = {RNPED by state},\n  date = {2018-04-30}," in bib
    assert "url = {https://example.org/rnped_2018%20v1.csv}" in bib          # verbatim
    assert "title = {Informe 100\\% fosas}" in bib and "organization = {El Diario}" in bib
    assert "Comisión Nacional" in bib                                        # UTF-8 kept, not \\'{o}


def test_csl_json_items():
    items = json.loads(citations.to_csl_json(citations.sources_table(REG, EV)))
    by_id = {i["id"]: i for i in items}
    assert by_id["rnped-state"]["type"] == "dataset"
    assert by_id["rnped-state"]["issued"] == {"date-parts": [[2018, 4, 30]]}
    assert by_id["cndh-2017-2"]["type"] == "article-newspaper" and by_id["cndh-2017-2"]["container-title"] == "El Diario"
    assert by_id["cndh-2017"]["type"] == "webpage" and by_id["cndh-2017"]["author"] == [{"literal": "CNDH"}]


def test_every_real_source_is_cited_once():
    reg, ev = registry.load_registry(include_pending=True), evidence.load_evidence()
    s = citations.sources_table(reg, ev)
    assert s["key"].is_unique
    assert (s["kind"] != "evidence source").sum() == len(reg)
    cited = set(";".join(s["used_by"]).split(";")) - {""}
    assert cited == set(ev["evidence_id"])                                   # every evidence row reaches a citation
    items = json.loads(citations.to_csl_json(s))
    assert len(items) == len(s)
    assert citations.to_bibtex(s).count("\n@") + 1 == len(s)
