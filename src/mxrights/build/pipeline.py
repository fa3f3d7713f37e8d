"""The build: verify → processed tables → notebooks → pages, each step skipped when up to date.

This module owns the build keys of the steps above the notebooks (the processed tables' key is
recorded in the runner's manifest as ``_tables``) and :func:`reproduce`, which the command line
and tests call. The command line only parses arguments and prints; nothing here calls back into
it. Notebook jobs, their keys and the worker pool are :mod:`mxrights.build.runner`'s; pages are
:mod:`mxrights.publish.site`'s.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from mxrights import paths
from mxrights.build import plan, runner

#: Processed tables whose presence the tables step checks before skipping.
KEY_TABLES = ("claims_check", "indicators_annual", "row_accounting")


def tables_key() -> str:
    """sha256 over the library source and the raw inputs (registry, tables, jobs, seeds)."""
    return hashlib.sha256((plan.source_digest() + plan.files_digest(plan.raw_inputs())).encode()).hexdigest()


def build_tables(force: bool = False, echo: Callable[[str], None] = print) -> bool:
    """Write ``data/processed`` unless its key matches the manifest's; return whether it ran."""
    key = tables_key()
    outs = [paths.processed_dir() / f"{n}.csv" for n in KEY_TABLES]
    if not force and plan.load_manifest().get("_tables") == key and all(p.exists() for p in outs):
        echo("  processed tables up to date, skipped")
        return False
    from mxrights.build import tables  # imports the whole library: only when the tables are built

    t0 = time.perf_counter()
    for p in tables.build():
        echo(f"  wrote {p}")
    echo(f"tables built in {time.perf_counter() - t0:.1f}s")
    m = plan.load_manifest()
    m["_tables"] = key
    plan.save_manifest(m)
    return True


@dataclass
class Build:
    """What a build did: the notebook results and the site's index page."""

    results: list[plan.Result] = field(default_factory=list)
    index: object = None
    seconds: float = 0.0

    @property
    def failed(self) -> list[plan.Result]:
        return [r for r in self.results if r.status == "failed"]


def run_notebooks(only: str | None = None, extra: dict | None = None, jobs: int | None = None, force: bool = False,
                  echo: Callable[[str], None] = print, planned: list[plan.Job] | None = None) -> Build:
    """Plan the jobs (checking parameters before any kernel starts), build the tables while the
    worker pool warms up, execute the stale notebooks, and render the site's own pages."""
    t0 = time.perf_counter()
    planned = planned if planned is not None else plan.plan(only, extra)
    results = runner.run(planned, jobs, force, echo=echo, prepare=lambda: build_tables(force, echo))
    build = Build(results)
    if only is None:  # a full build: the site holds exactly the site map's pages
        from mxrights.publish import pages, site

        for p in site.prune(set(pages.site_pages()["page"])):
            echo(f"  removed {p} (no longer in the site map)")
    if any(r.status == "ok" for r in results) or not (paths.reports_dir() / "html" / "index.html").exists():
        from mxrights.publish import site

        site.render_all(names=[])  # notebook pages were rendered by the workers
    build.index = paths.reports_dir() / "html" / "index.html"
    build.seconds = time.perf_counter() - t0
    return build


def reproduce(only: str | None = None, extra: dict | None = None, jobs: int | None = None, force: bool = False,
              echo: Callable[[str], None] = print, planned: list[plan.Job] | None = None) -> Build:
    """Verify every registered file, then :func:`run_notebooks`.

    Raises:
        mxrights.sources.registry.RegistryError: a registered file is missing or its hash differs
            (nothing is built then).
    """
    from mxrights.sources import registry

    table = registry.verify()
    bad = table[table["status"] != "OK"]
    if len(bad):
        raise registry.RegistryError("\n".join(bad["detail"]))
    echo(f"  {len(table)} registered files verified")
    return run_notebooks(only, extra, jobs, force, echo, planned)


def stored_outputs_path():
    """``notebooks/stored-outputs.json``: the inputs key of each committed notebook's stored outputs."""
    return plan.notebooks_dir() / "stored-outputs.json"


def notebook_inputs_key(notebook) -> str:
    """sha256 over what a committed notebook's stored outputs derive from: its cells' sources
    (not their outputs), the library source, the raw inputs and the processed tables."""
    import nbformat

    nb = nbformat.read(str(notebook), as_version=4)
    cells = "\x00".join(f"{c.cell_type}:{c.source}" for c in nb.cells)
    return hashlib.sha256((cells + plan.source_digest() + plan.inputs_digest()).encode()).hexdigest()


def record_stored_outputs(notebooks=None) -> None:
    """Record the inputs key of the committed notebooks (after ``mxrights notebooks`` ran them)."""
    import json

    notebooks = notebooks or sorted(plan.notebooks_dir().glob("*.ipynb"))
    keys = {p.name: notebook_inputs_key(p) for p in notebooks}
    stored_outputs_path().write_text(json.dumps(keys, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def stale() -> list[str]:
    """Everything derived and committed that no longer matches its inputs, all at once.

    Checks, in the order the build makes them: each processed table (recomputed in memory and
    compared byte for byte with ``data/processed``), the documents `mxrights docs` writes (the
    README's blocks, ``docs/tables.md``), and each
    committed notebook's stored outputs (its inputs key against ``notebooks/stored-outputs.json``).
    Returns one line per stale item naming the command that refreshes it; empty when all is current.
    """
    import json
    import tempfile
    from pathlib import Path

    from mxrights.build import tables

    out = []
    computed = tables.compute()
    with tempfile.TemporaryDirectory() as tmp:
        for p in tables.write(computed, Path(tmp)):
            committed = paths.processed_dir() / p.name
            if not committed.exists() or committed.read_bytes() != p.read_bytes():
                out.append(f"data/processed/{p.name} is stale: run `mxrights tables`")
    from mxrights.publish import docs

    out += docs.stale()
    try:
        recorded = json.loads(stored_outputs_path().read_text(encoding="utf-8"))
    except (OSError, ValueError):
        recorded = {}
    for nb in sorted(plan.notebooks_dir().glob("*.ipynb")):
        if recorded.get(nb.name) != notebook_inputs_key(nb):
            out.append(f"notebooks/{nb.name}: its stored outputs may be stale: run `mxrights notebooks` "
                       "(after `mxrights tables`), then commit the notebooks")
    return out
