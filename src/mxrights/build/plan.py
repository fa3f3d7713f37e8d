"""What to run: the notebook jobs of the site map and the build key of each.

A run is a list of :class:`Job` (notebook, output, parameters), planned from
:mod:`mxrights.publish.pages`. A job's build key is a sha256 over the notebook source, its
parameters, the library source, the tables every page reads and the rows this page reads
(:mod:`mxrights.build.keys`); the keys of the last successful run are kept in
``reports/.build-manifest.json``.
"""

from __future__ import annotations

import hashlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from mxrights.publish import pages
from mxrights.build import params
from mxrights import paths
from mxrights.ledger import vocab


@dataclass
class Job:
    """One notebook execution (and, when ``html`` is set, its HTML page)."""

    name: str
    notebook: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    html: Path | None = None
    reads: list = field(default_factory=list)  # [(table, filter columns)], from jobs.csv (see mxrights.build.keys)
    scope: dict = field(default_factory=dict)  # the page's rows: {column: values}


@dataclass
class Result:
    """The outcome of one job."""

    name: str
    status: str  # ok | skipped | failed
    seconds: float = 0.0
    error: str = ""


def notebooks_dir() -> Path:
    """``<root>/notebooks``."""
    return paths.project_root() / "notebooks"


def plan(only: str | None = None, extra: dict | None = None) -> list[Job]:
    """Every job of a full build (or those named in ``only``, comma-separated), from the site map.

    The jobs and their parameters are data: ``notebooks/jobs.csv``, multiplied into one page
    per memo page (``data/raw/memos.csv``) and per comparison topic (``topics.csv``) by
    :func:`mxrights.publish.pages.site_pages`. ``only`` names jobs exactly (``mxrights run --list``
    prints them). Every job's parameters, with ``extra`` (``-p name value``) applied, are
    checked by :func:`mxrights.build.params.check` before any kernel starts; a parameter that decides
    which page a job writes is refused.

    Raises:
        mxrights.build.params.ParameterError: an unknown job name or a parameter the project does
            not accept (one line naming it and the valid values).
    """
    nb, out = notebooks_dir(), paths.reports_dir() / "executed"
    html = paths.reports_dir() / "html"
    site = pages.notebook_pages(str(paths.reports_dir() / "tables"))
    jobs = [Job(r.page, nb / r.notebook, out / f"{r.page}.ipynb", dict(r.parameters), html / f"{r.page}.html",
                list(r.read_specs)) for r in site.itertuples()]
    if only:
        wanted = [w.strip() for w in only.split(",") if w.strip()]
        unknown = [w for w in wanted if w not in {j.name for j in jobs}]
        if unknown:
            raise params.ParameterError(f"no notebook job is named {', '.join(map(repr, unknown))}; jobs: "
                                        + ", ".join(j.name for j in jobs))
        jobs = [j for j in jobs if j.name in wanted]
    extra = dict(extra or {})
    for key in identity_parameters() & set(extra):
        raise params.ParameterError(
            f"parameter {key!r} decides which page a job writes, so it cannot be changed with -p (that would put one "
            f"document on another's page); choose the page with --only instead: " + ", ".join(j.name for j in plan()))
    for j in jobs:
        j.parameters.update(extra)
        params.check(j.notebook.stem, **j.parameters)
    return jobs


def _with_scopes(jobs: list[Job]) -> list[Job]:
    """Fill each job's scope (the rows it reads) from the processed tables as they are now."""
    from mxrights.build import keys

    scope = keys.scopes(pages.notebook_pages(""))
    for j in jobs:
        j.scope = scope.get(j.name, {})
    return jobs


def identity_parameters() -> set[str]:
    """Parameters that identify a page (a memo page, a topic's comparison page, a state's page):
    the placeholders of the job families (``vocabulary/enumerations.csv``), braces removed."""
    return {p.strip("{}") for p in vocab.job_families().values() if p}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_digest() -> str:
    """sha256 over the library's source files (sorted by their path in the package)."""
    h = hashlib.sha256()
    lib = paths.project_root() / "src" / "mxrights"
    for p in sorted(lib.rglob("*.py")):
        h.update(p.relative_to(lib).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def files_digest(files: list[Path]) -> str:
    """sha256 over the names and bytes of files, in the order given."""
    h = hashlib.sha256()
    for p in files:
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def raw_inputs() -> list[Path]:
    """The registry (which holds every mirror file's hash), the tables' schemas (datapackage.json), the hand-made tables and the seed documents."""
    return [paths.data_dir() / "registry.csv", paths.project_root() / "datapackage.json", vocab.jobs_path(), params.parameters_path(),
            *sorted(paths.raw_dir().rglob("*.csv")),
            *sorted(paths.seeds_dir().glob("*.txt"))]


def inputs_digest() -> str:
    """sha256 over the raw inputs and the processed tables the notebooks read."""
    return files_digest([*raw_inputs(), *sorted(paths.processed_dir().glob("*.csv"))])


def job_key(job: Job, src: str, inputs: str, tables=None) -> str:
    """The build key of one job: its notebook, parameters, the library source, the tables every
    page reads (``inputs``, :func:`mxrights.build.keys.always_digest`) and the rows this page reads
    (:func:`mxrights.build.keys.reads_digest` over the job's ``reads`` and ``scope``)."""
    from mxrights.build import keys

    payload = json.dumps({"nb": _sha(job.notebook.read_bytes()), "params": job.parameters, "src": src,
                          "inputs": inputs, "reads": keys.reads_digest(job.reads, job.scope, tables),
                          "python": sys.version.split()[0]}, sort_keys=True)
    return _sha(payload.encode())


def job_keys(jobs: list[Job], override: dict | None = None) -> dict[str, str]:
    """Every job's build key, each table read once (``override``: see :class:`mxrights.build.keys.Tables`)."""
    from mxrights.build import keys

    _with_scopes(jobs)
    tables = keys.Tables(override)
    src, inputs = source_digest(), keys.always_digest()
    return {j.name: job_key(j, src, inputs, tables) for j in jobs}


def manifest_path() -> Path:
    """``reports/.build-manifest.json``."""
    return paths.reports_dir() / ".build-manifest.json"


def load_manifest() -> dict:
    """The last successful key of every job (empty when absent or unreadable)."""
    try:
        return json.loads(manifest_path().read_text())
    except (OSError, ValueError):
        return {}


def save_manifest(m: dict) -> None:
    """Write the manifest (sorted keys, so it diffs cleanly)."""
    manifest_path().parent.mkdir(parents=True, exist_ok=True)
    manifest_path().write_text(json.dumps(m, indent=1, sort_keys=True) + "\n")
