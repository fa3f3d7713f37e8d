"""The notebook runner (incremental, failures reported) and the command line."""

import json
from pathlib import Path

import pytest

from mxrights.ledger import claims
from mxrights.publish import report
from mxrights import cli
from mxrights.build import kernels, plan, runner
from tests.conftest import FIXTURES


def test_plan_has_one_job_per_memo_and_topic():
    import pandas as pd

    from mxrights.sources import geo
    from mxrights import paths
    from mxrights.ledger import vocab

    names = [j.name for j in plan.plan()]
    # one page per seed and per memo-series year with claims (2014's texts print no statistic),
    # one comparison page per topic that asks for one, the summary, memo over memo
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    m = vocab.memos()
    with_claims = m[m["document"].isin(set(check["document"]))]
    assert len(names) == with_claims["page"].nunique() + len(vocab.comparison_topics()) + 2 + len(geo.state_codes())
    assert "memo-over-memo" in names
    assert "memo_series_2016" in names and "memo_series_2014" not in names
    assert "memo_civil-society-memo-2018" in names and "comparison_torture" in names and "summary" in names
    assert {"comparison_graves", "comparison_protection_mechanism"} <= set(names)
    memo = next(j for j in plan.plan("memo_amnesty-letter-2014"))
    assert memo.parameters["page"] == "memo_amnesty-letter-2014"


def test_job_key_changes_with_parameters_and_source():
    j1, j2 = plan.plan("comparison_torture"), plan.plan("comparison_torture", {"first_year": 2010})
    k = plan.job_key(j1[0], "src", "inputs")
    assert k == plan.job_key(j1[0], "src", "inputs")
    assert k != plan.job_key(j2[0], "src", "inputs")
    assert k != plan.job_key(j1[0], "src2", "inputs")


@pytest.mark.pipeline
def test_incremental_run_skips_and_failures_are_reported(tmp_path, monkeypatch):
    monkeypatch.setenv("MXRIGHTS_REPORTS", str(tmp_path / "reports"))
    ok = plan.Job("tiny_ok", FIXTURES / "tiny.ipynb", tmp_path / "out" / "ok.ipynb", {})
    bad = plan.Job("tiny_bad", FIXTURES / "tiny.ipynb", tmp_path / "out" / "bad.ipynb", {})
    bad.parameters = {"x": 2}
    first = {r.name: r for r in runner.run([ok, bad], n_jobs=2, echo=lambda s: None)}
    assert first["tiny_ok"].status == "ok"
    assert first["tiny_bad"].status == "failed"
    assert "ValueError: boom at x=2" in first["tiny_bad"].error
    assert "cell" in first["tiny_bad"].error
    manifest = json.loads((tmp_path / "reports" / ".build-manifest.json").read_text())
    assert "tiny_ok" in manifest and "tiny_bad" not in manifest
    executed = json.loads(ok.output.read_text())
    assert "start_time" not in executed["metadata"]["papermill"]
    second = {r.name: r.status for r in runner.run([ok], n_jobs=1, echo=lambda s: None)}
    assert second == {"tiny_ok": "skipped"}
    ok.parameters = {"x": 3}
    third = {r.name: r.status for r in runner.run([ok], n_jobs=1, echo=lambda s: None)}
    assert third == {"tiny_ok": "ok"}


def test_cli_claims_summary_and_filters(capsys):
    assert cli.main(["claims"]) == 0
    out = capsys.readouterr().out
    assert f"{len(claims.load_claims())} claims" in out and "001_f6785c70f59d5a73.txt" in out
    assert cli.main(["claims", "--indicator", "disappeared_persons_registered"]) == 0
    out = capsys.readouterr().out
    assert "7 claims" in out and "37435" in out and "60053" in out  # 3 in the seeds, 4 in the memo series


def test_cli_claims_check_prints_verdict_shares(capsys):
    assert cli.main(["claims", "--check"]) == 0
    out = capsys.readouterr().out
    n = int((claims.load_claims()["document"] == "003_8ecdb167ec163fb0.txt").sum())
    assert f"== 003_8ecdb167ec163fb0.txt (amnesty-letter-2014): {n} claims" in out
    check = report.load_table("claims_check")
    n = int(check["independent_check"].sum())
    assert f"All documents: {len(check)} claims, {n} independent checks ({100 * n / len(check):.1f}%)" in out


def test_cli_rejects_parameter_of_wrong_type(capsys):
    assert cli.main(["run", "--only", "comparison_torture", "-p", "first_year", "twenty"]) == 2
    assert "parameter first_year must be int, got 'twenty'" in capsys.readouterr().err
    assert cli.main(["run", "--only", "nothing-matches"]) == 2


def test_only_names_jobs_exactly_and_list_prints_them(capsys):
    """``--only x`` used to run every job whose name contains an x; now it names jobs exactly."""
    assert cli.main(["run", "--only", "x"]) == 2
    err = capsys.readouterr().err
    assert "no notebook job is named 'x'; jobs: memo_giz-torture-prevention-2017" in err
    assert [j.name for j in plan.plan("summary,memo-over-memo")] == ["summary", "memo-over-memo"]
    assert cli.main(["run", "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == len(plan.plan()) and out[0].split() == ["memo_giz-torture-prevention-2017",
                                                                 "memo_reproduction.ipynb"]


def test_normalise_numbers_code_cells_as_a_fresh_kernel_would(tmp_path):
    # a kernel reused across notebooks had already run 30 cells: counts 31, 33 (one cell had no count)
    nb = {"metadata": {"papermill": {"start_time": "t0", "duration": 1.5}}, "nbformat": 4, "nbformat_minor": 5,
          "cells": [{"cell_type": "markdown", "id": "m", "metadata": {}, "source": "# t"},
                    {"cell_type": "code", "id": "a", "metadata": {"execution": {"x": 1}}, "execution_count": 31,
                     "source": "1", "outputs": [{"output_type": "execute_result", "execution_count": 31,
                                                 "data": {"text/plain": "1"}, "metadata": {}}]},
                    {"cell_type": "code", "id": "b", "metadata": {}, "execution_count": None, "source": "",
                     "outputs": []},
                    {"cell_type": "code", "id": "c", "metadata": {}, "execution_count": 33, "source": "2",
                     "outputs": []}]}
    p = tmp_path / "nb.ipynb"
    p.write_text(json.dumps(nb))
    kernels.normalise_notebook(p)
    out = json.loads(p.read_text())
    assert [c.get("execution_count") for c in out["cells"]] == [None, 1, None, 2]
    assert out["cells"][1]["outputs"][0]["execution_count"] == 1
    assert out["metadata"]["papermill"] == {}
    assert "execution" not in out["cells"][1]["metadata"]


def _stream_notebook(outputs: list[dict]) -> dict:
    return {"metadata": {}, "nbformat": 4, "nbformat_minor": 5,
            "cells": [{"cell_type": "code", "id": "a", "metadata": {}, "execution_count": 1,
                       "source": "print('a'); print('b')", "outputs": outputs}]}


def test_normalise_stores_a_cells_prints_the_same_however_the_kernel_split_them(tmp_path):
    """Two prints arrive as one stdout output on a quiet machine and as two under load: both
    are stored as the one output below (byte-identical files), stderr kept apart."""
    quiet = [{"output_type": "stream", "name": "stdout", "text": "a\nb\n"},
             {"output_type": "stream", "name": "stderr", "text": "w\n"}]
    loaded = [{"output_type": "stream", "name": "stdout", "text": "a\n"},
              {"output_type": "stream", "name": "stdout", "text": ["b\n"]},
              {"output_type": "stream", "name": "stderr", "text": "w\n"}]
    files = []
    for name, outs in (("quiet", quiet), ("loaded", loaded)):
        p = tmp_path / f"{name}.ipynb"
        p.write_text(json.dumps(_stream_notebook(outs)))
        kernels.normalise_notebook(p)
        files.append(p.read_bytes())
    assert files[0] == files[1]
    stored = json.loads(files[0])["cells"][0]["outputs"]
    assert [(o["name"], "".join(o["text"])) for o in stored] == [("stdout", "a\nb\n"), ("stderr", "w\n")]


def test_worker_kernels_talk_over_ipc_not_tcp_ports(monkeypatch, tmp_path):
    """Kernels of parallel workers connect through files, not TCP ports that two workers could
    both pick (``ZMQError: Address already in use``); IPC also silences ipykernel's
    "running over TCP without encryption" warning."""
    started = {}

    class FakeKM:
        def __init__(self, kernel_name, transport="tcp", ip="127.0.0.1"):
            started["transport"], started["ip"] = transport, ip

        def start_kernel(self, cwd):
            pass

        def is_alive(self):
            return True

    import jupyter_client.manager

    monkeypatch.setattr(jupyter_client.manager, "KernelManager", FakeKM)
    monkeypatch.setattr(kernels, "_KM", None)
    monkeypatch.setattr(kernels, "_RESETTING", None)
    kernels._worker_kernel("python3", tmp_path)
    monkeypatch.setattr(kernels, "_KM", None)
    first = started.pop("ip")
    assert started == {"transport": "ipc"}
    kernels._worker_kernel("python3", tmp_path)
    monkeypatch.setattr(kernels, "_KM", None)
    # each kernel's sockets in a folder of its own (jupyter_client's default, kernel-ipc in the
    # shared working directory, let two workers' kernels open each other's sockets)
    assert Path(first).parent != Path(started["ip"]).parent and Path(first).parent.is_dir()
    assert not str(first).startswith(str(tmp_path))


@pytest.mark.pipeline
def test_reused_kernel_gives_identical_notebooks(tmp_path, monkeypatch):
    """Three runs of one notebook in one worker (one kernel, reused) give byte-identical files."""
    monkeypatch.setenv("MXRIGHTS_REPORTS", str(tmp_path / "reports"))
    jobs = [plan.Job(f"tiny_{i}", FIXTURES / "tiny.ipynb", tmp_path / "out" / f"{i}.ipynb", {"x": 1})
            for i in range(3)]
    assert {r.status for r in runner.run(jobs, n_jobs=1, echo=lambda s: None)} == {"ok"}
    texts = [j.output.read_text() for j in jobs]
    assert texts[0] == texts[1] == texts[2]
    counts = [c["execution_count"] for c in json.loads(texts[0])["cells"]]
    assert counts == [1, 2, 3, 4]  # parameters, injected parameters, print, raise-guard


@pytest.mark.pipeline
def test_reused_kernel_does_not_leak_state_between_notebooks(tmp_path, monkeypatch):
    """tiny.ipynb defines x; isolated.ipynb, run next in the same worker's kernel, must not see it."""
    monkeypatch.setenv("MXRIGHTS_REPORTS", str(tmp_path / "reports"))
    first = plan.Job("tiny", FIXTURES / "tiny.ipynb", tmp_path / "out" / "tiny.ipynb", {"x": 5})
    second = plan.Job("isolated", FIXTURES / "isolated.ipynb", tmp_path / "out" / "isolated.ipynb", {})
    results = {r.name: r for r in runner.run([first, second], n_jobs=1, echo=lambda s: None)}
    assert results["tiny"].status == "ok"
    assert results["isolated"].status == "ok", results["isolated"].error
    out = json.loads(second.output.read_text())["cells"][0]["outputs"]
    assert out[0]["text"] == ["clean namespace\n"]


def test_pool_starts_every_worker_at_once():
    pool = kernels._pool(2, initializer=None)
    try:
        assert len(pool._processes) == 2  # not at the first job: their warm-up overlaps the caller's work
    finally:
        pool.shutdown()


def test_papermill_import_skips_rfc3987_syntax_and_still_validates():
    import subprocess
    import sys

    code = ("import sys; from mxrights.build import kernels; kernels.skip_slow_optional_imports(); import papermill, nbformat\n"
            "assert sys.modules['rfc3987_syntax'] is None\n"
            f"nb = nbformat.read({str(FIXTURES / 'tiny.ipynb')!r}, as_version=4); nbformat.validate(nb)\n"
            "nb.cells[0].pop('source')\n"
            "try:\n    nbformat.validate(nb)\nexcept nbformat.ValidationError:\n    print('invalid notebook refused')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out == "invalid notebook refused\n"


def test_cli_claims_coverage_accounts_for_every_number(capsys):
    assert cli.main(["claims", "--coverage"]) == 0
    out = capsys.readouterr().out
    n = len(claims.coverage(claims.load_claims()))
    assert f"every one of the {n} numbers is accounted for" in out


def test_committed_notebooks_name_the_project_kernel(root):
    import json

    for p in sorted((root / "notebooks").glob("*.ipynb")):
        spec = json.loads(p.read_text(encoding="utf-8"))["metadata"]["kernelspec"]
        assert spec == kernels.KERNELSPEC, p.name


def test_readme_shows_the_papermill_command_of_every_job(root):
    """Reviewers run one notebook with plain Papermill: the README names each job's notebook and parameters."""
    from mxrights.ledger import vocab

    readme = (root / "README.md").read_text(encoding="utf-8")
    for job in vocab.jobs().itertuples():
        line = next((ln for ln in readme.splitlines() if ln.startswith(f"papermill {job.notebook} ")), None)
        assert line is not None, job.notebook
        assert "-k mxrights" in line
        for name in job.parameters:
            if name not in ("processed_dir", "output_dir"):
                assert f"-p {name} " in line + " ", (job.notebook, name)


def test_a_build_called_without_a_plan_plans_its_own(monkeypatch, tmp_path):
    """`pipeline.reproduce()` from Python (the benchmark's no-op) plans the jobs itself."""
    from mxrights.build import pipeline
    from mxrights.publish import site

    seen = {}
    monkeypatch.setenv("MXRIGHTS_REPORTS", str(tmp_path))
    monkeypatch.setattr(runner, "run", lambda jobs, *a, **k: seen.setdefault("jobs", [j.name for j in jobs]) and [])
    monkeypatch.setattr(site, "render_all", lambda *a, **k: None)
    pipeline.run_notebooks(only="summary", echo=lambda s: None)
    assert seen["jobs"] == ["summary"]
