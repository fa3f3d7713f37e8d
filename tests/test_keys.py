"""Build keys: a page's key hashes exactly what it reads, so one edit re-executes only its pages."""

from __future__ import annotations

import contextlib
import io
import json

import pytest

from mxrights.build import keys
from mxrights.build import plan
from mxrights.publish import pages, report
from mxrights import paths
from mxrights.sources import registry


def _edit(table: str, claim_id: str, column: str, text: str) -> tuple[list[str], list[list[str]]]:
    header, rows = keys.read_rows(keys.table_path(table))
    i, c = header.index("claim_id"), header.index(column)
    rows = [list(r) for r in rows]
    for r in rows:
        if r[i] == claim_id:
            r[c] = text
    return header, rows


@pytest.mark.parametrize("claim_id, expected", [
    ("giz2017-project-areas", {"memo_giz-torture-prevention-2017"}),
    # a claim about a place in Guerrero also sits on Guerrero's page
    ("cs2018-laconcepcion-arrests", {"memo_civil-society-memo-2018", "state_12"}),
])
def test_editing_one_claims_text_changes_only_the_keys_of_its_pages(claim_id, expected):
    jobs = plan.plan()
    header, _ = keys.read_rows(keys.table_path("claims_ledger"))
    if claim_id not in {r[header.index("claim_id")] for r in keys.read_rows(keys.table_path("claims_ledger"))[1]}:
        pytest.skip(f"{claim_id} is not in the ledger")
    before = plan.job_keys(jobs)
    edited = {"claims_ledger": _edit("claims_ledger", claim_id, "would_settle", "a corrected transcription"),
              "claims_check": _edit("claims_check", claim_id, "reason", "a corrected transcription")}
    after = plan.job_keys(jobs, override=edited)
    assert {n for n in before if before[n] != after[n]} == expected


def test_reads_are_narrowed_to_the_page_rows():
    specs = keys.parse_reads("claims_check|document;claims_ledger[claim_id];claim_relations|lhs+rhs")
    assert specs == [("claims_check", ("document",)), ("claims_ledger[claim_id]", ()), ("claim_relations", ("lhs", "rhs"))]
    t = keys.Tables({"x": (["id", "rhs"], [["1", "a+b"], ["2", "c;d"], ["3", "e"]])})
    assert t.index("x", ("rhs",))["b"] == [0] and t.index("x", ("rhs",))["d"] == [1]
    d1 = keys.reads_digest([("x", ("rhs",))], {"rhs": ["a"]}, t)
    t2 = keys.Tables({"x": (["id", "rhs"], [["1", "a+b"], ["2", "c;d"], ["3", "CHANGED"]])})
    assert keys.reads_digest([("x", ("rhs",))], {"rhs": ["a"]}, t2) == d1               # another row changed
    t3 = keys.Tables({"x": (["id", "rhs"], [["1", "a+b+z"], ["2", "c;d"], ["3", "e"]])})
    assert keys.reads_digest([("x", ("rhs",))], {"rhs": ["a"]}, t3) != d1               # its own row changed
    proj = keys.Tables({"x": (["id", "rhs"], [["1", "a"], ["2", "b"]])})
    proj2 = keys.Tables({"x": (["id", "rhs"], [["1", "A"], ["2", "B"]])})
    assert proj.whole("x[id]") == proj2.whole("x[id]") and proj.whole("x") != proj2.whole("x")


def test_declared_reads_cover_every_table_a_notebook_reads(monkeypatch):
    """Run one page of each notebook family in this process with every table read recorded
    (raw tables through the registry, processed ones through report.load_table): each must be
    declared in jobs.csv or be one of the tables every page reads."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mxrights.build import params
    from mxrights.ledger import vocab

    seen: dict[str, set[str]] = {}
    current = [""]
    resolve, load = registry.resolve, report.load_table

    def spy_resolve(name, *a, **k):
        seen.setdefault(current[0], set()).add(name)
        return resolve(name, *a, **k)

    def spy_load(name, processed=""):
        seen.setdefault(current[0], set()).add(name)
        return load(name, processed)

    monkeypatch.setattr(registry, "resolve", spy_resolve)
    monkeypatch.setattr(report, "load_table", spy_load)
    always = {p.name for p in keys.always_read()}
    reg = registry.load_registry(include_pending=True)
    always_names = set(reg.loc[reg["path"].map(lambda x: x.split("/")[-1]).isin(always), "name"])
    site = pages.notebook_pages()
    for row in site.drop_duplicates(subset=["job", "group"]).itertuples():
        job = next(j for j in plan.plan(row.page))
        vocab.clear_cache()
        params.clear_cache()
        current[0] = job.name
        nb = json.loads(job.notebook.read_text(encoding="utf-8"))
        ns: dict = {}
        with contextlib.redirect_stdout(io.StringIO()):
            for cell in nb["cells"]:
                if cell["cell_type"] != "code":
                    continue
                src = "".join(cell["source"])
                if "parameters" in cell.get("metadata", {}).get("tags", []):
                    src += "\n" + "\n".join(f"{k} = {v!r}" for k, v in job.parameters.items())
                exec(compile(src, job.name, "exec"), ns)
        plt.close("all")
        declared = {t.partition("[")[0] for t, _ in job.reads}
        texts = {n for n in seen.get(job.name, set()) if n.startswith(("seed:", "memo_series:"))}
        undeclared = seen.get(job.name, set()) - declared - always_names - texts
        assert not undeclared, f"{job.name} reads {sorted(undeclared)} without declaring it in notebooks/jobs.csv"
    assert len([n for n in seen if n]) >= 6


def test_a_declared_read_of_an_unknown_column_is_refused_where_it_is_declared(tmp_path):
    from mxrights.ledger import vocab
    from mxrights.sources.schemas import TableError

    src = vocab.jobs_path().read_text(encoding="utf-8")
    (tmp_path / "jobs.csv").write_text(src.replace("claims_check|document", "claims_check|nocolumn"), encoding="utf-8")
    for nb in vocab.jobs_path().parent.glob("*.ipynb"):
        (tmp_path / nb.name).write_text("{}")
    with pytest.raises(TableError, match=r"jobs.csv, row 2, column reads: claims_check\|nocolumn: claims_check has no "
                                         r"column nocolumn"):
        vocab.jobs.__wrapped__(tmp_path / "jobs.csv")
