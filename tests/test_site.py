"""End to end: build every page twice, check determinism, privacy, and the site in a real browser."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import threading
from functools import partial
from pathlib import Path

import pandas as pd
import pytest

from mxrights import paths, runner, site, tables

pytestmark = pytest.mark.pipeline


def _build(reports: Path) -> list[runner.Result]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MXRIGHTS_REPORTS", str(reports))
        results = runner.run(runner.plan(), n_jobs=os.cpu_count() or 2, force=True, echo=lambda s: None)
        site.render_all()
    return results


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """Two forced full builds into separate report folders (from the same committed tables)."""
    a, b = tmp_path_factory.mktemp("reports_a"), tmp_path_factory.mktemp("reports_b")
    ra, rb = _build(a), _build(b)
    failed = [r for r in ra + rb if r.status != "ok"]
    assert not failed, "\n".join(f"{r.name}: {r.error}" for r in failed)
    return a, b


def test_processed_tables_are_byte_identical_and_current(tmp_path):
    t1, t2 = tables.compute(), tables.compute()
    d1, d2 = tables.write(t1, tmp_path / "a"), tables.write(t2, tmp_path / "b")
    for p1, p2 in zip(d1, d2):
        assert p1.read_bytes() == p2.read_bytes(), p1.name
        committed = paths.processed_dir() / p1.name
        assert committed.read_bytes() == p1.read_bytes(), f"data/processed/{p1.name} is stale: run `mxrights tables`"


def test_readme_verdict_table_is_current(root):
    summary = pd.read_csv(paths.processed_dir() / "verdict_summary.csv")
    assert tables.readme_block(summary) in (root / "README.md").read_text(encoding="utf-8")


def test_executed_notebooks_are_identical_across_runs(builds):
    a, b = builds
    names = sorted(p.name for p in (a / "executed").glob("*.ipynb"))
    from mxrights import runner

    assert len(names) == len(runner.plan())
    # the two builds differ only in their report folder, which is a parameter (output_dir)
    for sub, pattern in (("executed", "*.ipynb"), ("html", "*.html")):
        files = sorted(p.name for p in (a / sub).glob(pattern))
        assert len(files) == (len(names) if sub == "executed" else len(names) + 2)   # + index and method
        for n in files:
            ta = (a / sub / n).read_text(encoding="utf-8").replace(str(a), "REPORTS")
            tb = (b / sub / n).read_text(encoding="utf-8").replace(str(b), "REPORTS")
            if ta != tb:
                import difflib

                diff = "\n".join(list(difflib.unified_diff(ta.splitlines(), tb.splitlines(), lineterm="", n=1))[:40])
                pytest.fail(f"{sub}/{n} differs between two runs:\n{diff}")


PERSON_COLUMNS = {"fullname", "name", "nombre", "curp", "edad", "age", "organizations", "mtpage", "fecha_evento"}
CURP = re.compile(r"\b[A-Z]{4}\d{6}[HM][A-Z]{5}[0-9A-Z]\d\b")


def test_outputs_hold_aggregates_only(builds, mirror):
    a, _ = builds
    for p in paths.processed_dir().glob("*.csv"):
        cols = {c.lower() for c in pd.read_csv(p, nrows=0).columns}
        assert not cols & PERSON_COLUMNS, (p.name, cols & PERSON_COLUMNS)
    texts = {p: p.read_text(encoding="utf-8") for p in [*paths.processed_dir().glob("*.csv"),
                                                        *(a / "executed").glob("*.ipynb"), *(a / "html").glob("*.html")]}
    cpj = pd.read_csv(mirror / "journalists" / "cpj_killed_journalists_motive_confirmed_1992_2025-05.csv")
    victims = cpj.loc[cpj["location"] == "Mexico", "fullName"].dropna().tolist()
    assert len(victims) > 50
    for p, t in texts.items():
        assert not CURP.search(t), p
        assert "cpj.org/data/people" not in t, p
        leaked = [v for v in victims if v in t]
        assert not leaked, (p.name, leaked[:3])


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.browser
@pytest.mark.enable_socket
def test_site_in_headless_chromium(builds, root):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed (CI installs it in .ci/run)")
        pytest.skip("chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    a, _ = builds
    html_dir = a / "html"
    shots = root / "reports" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(html_dir))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_port}/"
    pages = ["index.html", "memo_civil-society-memo-2018.html", "comparison_disappearance.html", "summary.html"]
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            for name in pages:
                resp = page.goto(base + name, wait_until="load")
                assert resp is not None and resp.ok, name
                imgs = page.eval_on_selector_all("img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth])")
                if name != "summary.html":
                    assert imgs, f"{name} has no figure"
                assert all(w and w > 0 for _, w in imgs), (name, imgs)
                hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
                local = [h for h in hrefs if h and not h.startswith(("http://", "https://", "#", "mailto:"))]
                for h in local:
                    assert (html_dir / h).exists(), f"{name}: broken link {h}"
                    r = page.request.get(base + h)
                    assert r.ok, f"{name}: {h} answered {r.status}"
                page.screenshot(path=str(shots / name.replace(".html", ".png")), full_page=False)
            text = page.goto(base + "index.html") and page.inner_text("body")
            assert "Verdicts by document" in text and "Data registry" in text
            assert page.locator("a[href^='memo_']").count() == 5 + 12  # seeds + memo-series years with claims
            assert page.locator("a[href^='memo_series_']").count() == 12
            assert page.locator("a[href^='comparison_']").count() >= 6
            browser.close()
        assert not problems, problems
    finally:
        httpd.shutdown()


def test_memo_pages_lead_with_the_share_of_independent_checks(builds):
    import pandas as pd

    from mxrights import paths, vocab

    a, _ = builds
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    pages = vocab.memo_pages(set(check["document"]))
    assert len(pages) == 17
    for page_id, docs in zip(pages["page"], pages["documents"]):
        mine = check[check["document"].isin(docs)]
        n = int(mine["independent_check"].sum())
        page = (a / "html" / f"{page_id}.html").read_text(encoding="utf-8")
        lead = f"{100 * n / len(mine):.1f}% of the {len(mine)} claims on this page ({n}) were checked"
        assert lead in page and page.index(lead) < page.index('id="Data"')
    index = (a / "html" / "index.html").read_text(encoding="utf-8")
    total = check["independent_check"].mean() * 100
    assert f"<b>{total:.1f}%</b> of the {len(check)} claims" in index
