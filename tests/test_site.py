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

from mxrights.publish import docs, pages, site
from mxrights import paths
from mxrights.build import tables
from mxrights.build import plan, runner
from mxrights.ledger import vocab

pytestmark = pytest.mark.pipeline


def _sample(jobs: list[plan.Job]) -> list[plan.Job]:
    """The first and last page of each notebook, in reverse order (so other workers run them)."""
    by_nb: dict[str, list[plan.Job]] = {}
    for j in jobs:
        by_nb.setdefault(j.notebook.name, []).append(j)
    return [j for group in by_nb.values() for j in (group[:1] + group[-1:] if len(group) > 1 else group)][::-1]


def _build(reports: Path, sample: bool = False) -> list[plan.Result]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MXRIGHTS_REPORTS", str(reports))
        jobs = _sample(plan.plan()) if sample else plan.plan()
        results = runner.run(jobs, n_jobs=os.cpu_count() or 2, force=True, echo=lambda s: None)
        site.render_all()
    return results


@pytest.fixture(scope="session")
def builds(tmp_path_factory):
    """A forced full build, and a second forced build of the first and last page of each notebook in
    reverse order (other workers, another kernel history), into separate report folders."""
    a, b = tmp_path_factory.mktemp("reports_a"), tmp_path_factory.mktemp("reports_b")
    ra, rb = _build(a), _build(b, sample=True)
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


def test_readme_leads_with_the_accuracy_sentence_and_its_tables_are_current(root):
    summary = pd.read_csv(paths.processed_dir() / "verdict_summary.csv")
    readme = (root / "README.md").read_text(encoding="utf-8")
    for block in docs.readme_blocks(summary).values():
        assert block in readme
    total = summary.set_index("document").loc["all documents"]
    lead = f"**Of {int(total['facts']):,} distinct facts in all the documents checked, {int(total['facts_independent']):,} " \
           "could be checked against independent evidence"
    assert readme.index(lead) < readme.index("## Setup")          # the README leads with it


def test_executed_notebooks_are_identical_across_runs(builds):
    a, b = builds
    names = sorted(p.name for p in (a / "executed").glob("*.ipynb"))
    assert len(names) == len(plan.plan())
    assert len(list((a / "html").glob("*.html"))) == len(names) + len(vocab.site_pages())
    sampled = {f"{j.name}.ipynb" for j in _sample(plan.plan())}
    assert sorted(p.name for p in (b / "executed").glob("*.ipynb")) == sorted(sampled) and len(sampled) >= 8
    # the two builds differ only in their report folder, which is a parameter (output_dir)
    for sub, pattern in (("executed", "*.ipynb"), ("html", "*.html")):
        files = sorted(p.name for p in (b / sub).glob(pattern) if p.stem + ".ipynb" in sampled)
        assert len(files) == len(sampled)
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
BAD_CELLS = {"nan", "NaN", "None", "NaT", "<NA>", "null"}


@pytest.mark.browser
@pytest.mark.enable_socket
def test_site_in_headless_chromium(builds, root):
    """Open every page as a reader would: no console error, no failed request, no broken link or
    image, no figure without alt text, no nan cell; every page links to the index and to at least
    three other pages; the explorer finds 37,435 and leads to the claim's card. Screenshots of
    some pages (desktop and a 390 px phone) go to reports/screenshots/."""
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
    names = sorted(p.name for p in html_dir.glob("*.html"))
    assert len(names) == len(pages.site_pages())
    checked: dict[str, int] = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"])
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            problems: list[str] = []
            page.on("console", lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None)
            page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
            page.on("requestfailed", lambda r: problems.append(f"request failed: {r.url}"))
            for name in names:
                resp = page.goto(base + name, wait_until="load")
                assert resp is not None and resp.ok, name
                imgs = page.eval_on_selector_all("img", "els => els.map(e => [e.alt, e.complete && e.naturalWidth])")
                assert all(w and w > 0 for _, w in imgs), (name, imgs)
                assert all(alt and "without a description" not in alt and "No description" not in alt for alt, _ in imgs), \
                    (name, [alt for alt, _ in imgs])
                cells = page.eval_on_selector_all("td", "els => els.map(e => e.innerText.trim())")
                bad = [c for c in cells if c in BAD_CELLS]
                assert not bad, f"{name}: {len(bad)} cells read {bad[0]!r}"
                hrefs = page.eval_on_selector_all("a", "els => els.map(e => e.getAttribute('href'))")
                local = {h.split("#")[0] for h in hrefs
                         if h and not h.startswith(("http://", "https://", "#", "mailto:", "data:"))}
                others = {h for h in local if h.endswith(".html") and h != name}
                assert "index.html" in local or name == "index.html", f"{name} does not link to the index"
                assert len(others) >= 3, f"{name} links to only {sorted(others)}"
                for h in sorted(local):
                    if h not in checked:
                        assert (html_dir / h).exists(), f"{name}: broken link {h}"
                        checked[h] = page.request.get(base + h).status
                    assert checked[h] == 200, f"{name}: {h} answered {checked[h]}"
            for name in ("index.html", "claims.html", "memo_civil-society-memo-2018.html", "comparison_torture.html",
                         "sources.html", "summary.html"):
                page.goto(base + name, wait_until="load")
                page.screenshot(path=str(shots / name.replace(".html", ".png")), full_page=False)
            # the explorer: a figure however it is written finds the claim; follow it to its card
            page.goto(base + "claims.html", wait_until="load")
            page.wait_for_function("document.querySelector('#claims-table.dataTable') !== null")
            box = page.locator(".dt-search input").first
            for typed in ("37435", "37.435", "37 mil", "37,435"):
                box.fill(typed)
                page.wait_for_timeout(300)
                first = page.locator("#claims-table tbody tr").first
                assert "37,435" in first.inner_text(), typed
            assert "q=37%2C435" in page.url                                   # the search lives in the address
            link = first.locator("a").first
            claim_id = link.get_attribute("href").split("#")[1]
            link.click()
            page.wait_for_load_state("load")
            assert page.url.endswith("#" + claim_id), page.url
            card = page.locator(f"[id='{claim_id}']")
            assert card.is_visible() and "37,435" in card.inner_text()
            assert card.inner_text().lstrip().split(":")[0].endswith("Holds")   # the verdict sentence comes first
            page.screenshot(path=str(shots / "explorer_to_card.png"), full_page=False)
            # a click on the verdict header sorts by severity: wrong and disputed first; the order is kept on reload
            page.goto(base + "claims.html", wait_until="load")
            page.wait_for_function("document.querySelector('#claims-table.dataTable') !== null")
            page.locator("#claims-table thead th").nth(2).locator(".dt-column-title").click()
            page.wait_for_timeout(300)
            top = page.locator("#claims-table tbody tr").first.locator("td").nth(2).inner_text()
            assert top in {"Wrong", "Disputed"}, top
            page.goto(page.url, wait_until="load")
            page.wait_for_function("document.querySelector('#claims-table.dataTable') !== null")
            page.wait_for_timeout(300)
            assert page.locator("#claims-table tbody tr").first.locator("td").nth(2).inner_text() == top
            assert page.evaluate("document.documentElement.scrollWidth") <= 1280
            phone = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
            for name in ("index.html", "memo_series_2016.html", "claims.html"):
                phone.goto(base + name, wait_until="load")
                width = phone.evaluate("document.documentElement.scrollWidth")
                assert width <= 390, f"{name} is {width} px wide on a 390 px phone"
                phone.screenshot(path=str(shots / name.replace(".html", "_phone.png")), full_page=False)
            # accessibility (axe-core, shipped in tests/vendor: nothing fetched) of every page on a 1,280 px screen
            # and, on a 390 px phone, of the site's own pages and one page of each notebook family (pages of one
            # family share their markup); no sideways scroll and chart text of 11 px or more on every page at both
            axe = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
            site_map = pages.site_pages("")
            one_each = {f"{p}.html" for p in site_map.drop_duplicates(subset=["job", "group"])["page"]} | \
                {f"{p}.html" for p in site_map.loc[site_map["notebook"] == "", "page"]}
            found = []
            for width in (1280, 390):
                view = browser.new_page(viewport={"width": width, "height": 900})
                for name in names:
                    view.goto(base + name, wait_until="load")
                    if width == 390 and name not in one_each:
                        violations = []
                    else:
                        view.add_script_tag(content=axe)
                        violations = view.evaluate(
                            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                            ".map(v => `${v.id}: ${v.nodes.map(n => n.target.join(' ')).slice(0, 2).join(', ')}`)")
                    found += [f"{width} px {name}: {v}" for v in violations]
                    # chart text as rendered: each SVG's font sizes × its shown width ÷ its drawn width
                    sizes = view.evaluate("""() => Array.from(document.querySelectorAll('img.chart')).map(img => {
                        const svg = atob(img.src.split(',')[1]);
                        const vb = Number(/viewBox="0 0 ([\\d.]+)/.exec(svg)[1]);
                        const fonts = Array.from(svg.matchAll(/font[^;"]*?([\\d.]+)px/g)).map(m => Number(m[1]));
                        return Math.min(...fonts) * img.getBoundingClientRect().width / vb; })""")
                    found += [f"{width} px {name}: chart text {s:.1f} px" for s in sizes if s < 11]
                    wide = view.evaluate("document.documentElement.scrollWidth")
                    if wide > width:
                        found.append(f"{width} px {name}: the page is {wide} px wide")
                view.close()
            assert not found, found
            browser.close()
        assert not problems, problems
    finally:
        httpd.shutdown()


def test_one_page_lists_every_claim(builds):
    """The claims explorer holds every claim id of the ledger, each with a link to its card."""
    a, _ = builds
    text = (a / "html" / "claims.html").read_text(encoding="utf-8")
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    missing = [c for c in check["claim_id"] if not re.search(r"\.html#" + re.escape(c) + r"[\\\"]", text)]
    assert not missing, missing[:5]


def test_memo_pages_lead_with_the_accuracy_sentence_and_link_wrong_and_disputed_claims(builds):
    import pandas as pd

    from mxrights import paths
    from mxrights.publish import report
    from mxrights.ledger import vocab

    a, _ = builds
    check = pd.read_csv(paths.processed_dir() / "claims_check.csv")
    pages = vocab.memo_pages(set(check["document"]))
    assert set(pages["page"]) == set(vocab.memos().query("document in @check.document")["page"])
    for page_id, docs in zip(pages["page"], pages["documents"]):
        counts = report.page_share(check, docs)
        page = (a / "html" / f"{page_id}.html").read_text(encoding="utf-8")
        lead = f"{counts['facts_independent']:,} could be checked against independent evidence" \
            if counts["facts_independent"] else "none could be checked against independent evidence"
        assert f"Of {counts['facts']:,} distinct fact" in page and lead in page, page_id
        assert page.index(lead) < page.index('id="Data"')
        for r in report.flagged(check, docs).itertuples():      # each wrong or disputed claim links to its card
            assert f'href="#{r.claim_id}"' in page[:page.index('id="Data"')], (page_id, r.claim_id)
    index = (a / "html" / "index.html").read_text(encoding="utf-8")
    total = pd.read_csv(paths.processed_dir() / "verdict_summary.csv").set_index("document").loc["all documents"]
    assert f"Of {int(total['facts']):,} distinct facts in all the documents checked" in index


def test_no_page_shows_an_internal_id_or_a_raw_float(builds):
    """Reader pages show figures and sources in words: no evidence id and no number with four or
    more decimals in the text a reader sees (ids live only in links and anchors)."""
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip -= tag in ("script", "style")

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    a, _ = builds
    found = []
    for p in sorted((a / "html").glob("*.html")):
        t = Text()
        t.feed(p.read_text(encoding="utf-8"))
        text = " ".join(t.parts)
        found += [f"{p.name}: {m}" for m in re.findall(r"\bev-[a-z0-9-]+", text)[:3]]
        found += [f"{p.name}: {m}" for m in re.findall(r"(?<![\w.,])\d+\.\d{4,}(?!\d)", text)[:3]]
    assert not found, found[:10]
