"""Parallel, incremental notebook execution with Papermill.

A run is a list of :class:`Job` (notebook, output, parameters). Independent jobs run in a
process pool (spawn context, one kernel each, ``jobs`` workers). A job is skipped when its
build key — a sha256 over the notebook source, its parameters, the library source, the
registered data files' hashes and the processed tables it reads — equals the key recorded in
``reports/.build-manifest.json`` by the last successful run. Papermill is imported only in
the workers, so a no-op run never pays its import.

A forced build starts its workers at once (:func:`_pool`): each imports Papermill and starts
one kernel that imports the notebooks' libraries, while the parent builds the processed
tables. A worker then runs its notebooks one after another in that kernel, whose namespace is
cleared (``%reset -f``) between notebooks; executed notebooks are normalised (timestamps
dropped, cells numbered 1..n) so that the output does not depend on which worker ran what.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

from . import pages, params, paths, vocab


@dataclass
class Job:
    """One notebook execution (and, when ``html`` is set, its HTML page)."""

    name: str
    notebook: Path
    output: Path
    parameters: dict = field(default_factory=dict)
    html: Path | None = None
    reads: list = field(default_factory=list)  # [(table, filter columns)], from jobs.csv (see mxrights.keys)
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
    :func:`mxrights.pages.site_pages`. ``only`` names jobs exactly (``mxrights run --list``
    prints them). Every job's parameters, with ``extra`` (``-p name value``) applied, are
    checked by :func:`mxrights.params.check` before any kernel starts; a parameter that decides
    which page a job writes is refused.

    Raises:
        mxrights.params.ParameterError: an unknown job name or a parameter the project does
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
    from . import keys

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
    """sha256 over the library's source files (sorted by name)."""
    h = hashlib.sha256()
    for p in sorted((paths.project_root() / "src" / "mxrights").rglob("*.py")):
        h.update(p.name.encode())
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
    page reads (``inputs``, :func:`mxrights.keys.always_digest`) and the rows this page reads
    (:func:`mxrights.keys.reads_digest` over the job's ``reads`` and ``scope``)."""
    from . import keys

    payload = json.dumps({"nb": _sha(job.notebook.read_bytes()), "params": job.parameters, "src": src,
                          "inputs": inputs, "reads": keys.reads_digest(job.reads, job.scope, tables),
                          "python": sys.version.split()[0]}, sort_keys=True)
    return _sha(payload.encode())


def job_keys(jobs: list[Job], override: dict | None = None) -> dict[str, str]:
    """Every job's build key, each table read once (``override``: see :class:`mxrights.keys.Tables`)."""
    from . import keys

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


#: The kernel the Makefile registers (``ipykernel install --name mxrights``), named in every notebook.
KERNELSPEC = {"display_name": "Python (mxrights)", "language": "python", "name": "mxrights"}


def kernel_name() -> str:
    """The project's kernel when registered in this environment, else ``python3``."""
    kdir = Path(sys.prefix) / "share" / "jupyter" / "kernels" / "mxrights"
    return "mxrights" if kdir.exists() else "python3"


_KM = None  # the worker's kernel, reused across notebooks
_RESETTING = None  # (client, msg_id) of the reset sent to that kernel after its last notebook


def _shutdown_kernel() -> None:
    global _KM, _RESETTING
    if _RESETTING is not None:
        _RESETTING[0].stop_channels()
        _RESETTING = None
    if _KM is not None:
        try:
            _KM.shutdown_kernel(now=True)
        except Exception:  # noqa: BLE001 - best effort at worker exit
            pass
        _KM = None


# What the notebooks import; a worker's kernel imports it while the parent builds the tables.
WARM_IMPORTS = ("import matplotlib.pyplot, seaborn\n"
                "from mxrights import claims, evidence, report, series")
RESET = "%reset -f\nimport matplotlib.pyplot as _plt; _plt.close('all'); del _plt"


def _send(km, code: str) -> tuple:
    """Send ``code`` to a running kernel to run silently; return ``(client, msg_id)`` to await.

    Only the shell channel is opened: its messages are queued until delivered, so there is no
    need for ``wait_for_ready`` (about 0.2 s a call here), which guards the iopub channel.
    ``silent`` leaves the kernel's execution counter and history untouched.
    """
    kc = km.client()
    kc.start_channels(shell=True, iopub=False, stdin=False, hb=False, control=False)
    return kc, kc.execute(code, silent=True, store_history=False)


def _await(pending: tuple, timeout: float = 120) -> None:
    """Wait for the reply to a :func:`_send`; raise if the code failed in the kernel."""
    kc, msg_id = pending
    try:
        while True:
            reply = kc.get_shell_msg(timeout=timeout)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
    finally:
        kc.stop_channels()
    content = reply["content"]
    if content.get("status") != "ok":
        raise RuntimeError(f"kernel call failed: {content.get('ename')}: {content.get('evalue')}")


def _ipc_prefix() -> str:
    """A socket path prefix of this worker's own: its kernel's channels are files
    ``<prefix>-1`` … ``<prefix>-5`` in a fresh temporary folder.

    Over TCP, two workers' kernels could pick the same free port between probing it and binding
    it (``ZMQError: Address already in use``); over IPC with jupyter_client's default prefix
    (``kernel-ipc`` in the working directory, which every worker shares) they would open each
    other's sockets. A folder per worker rules out both; it is removed with the kernel.
    """
    import shutil
    import tempfile
    from multiprocessing import util

    folder = tempfile.mkdtemp(prefix="mxrights-kernel-")
    util.Finalize(None, shutil.rmtree, args=(folder, True), exitpriority=5)
    return str(Path(folder) / "k")


def _worker_kernel(kernel: str, cwd: Path, warm: bool = False):
    """Return this worker's running kernel, started once, its namespace reset before each notebook.

    Reusing one kernel per worker saves the kernel start and the imports (pandas, matplotlib,
    seaborn, the library: about 3 s a notebook). ``%reset -f`` clears every user variable, so a
    notebook cannot see another's state; imported modules stay cached, which is the point.
    With ``warm`` (the pool initializer) a new kernel also imports :data:`WARM_IMPORTS`.
    """
    global _KM, _RESETTING
    from jupyter_client.manager import KernelManager

    pending, _RESETTING = _RESETTING, None
    if _KM is None or not _KM.is_alive():
        from multiprocessing import util

        if pending is not None:
            pending[0].stop_channels()
        _KM = KernelManager(kernel_name=kernel, transport="ipc", ip=_ipc_prefix())
        _KM.start_kernel(cwd=str(cwd))
        util.Finalize(None, _shutdown_kernel, exitpriority=10)
        if warm:
            _await(_send(_KM, WARM_IMPORTS))
    elif not warm:
        _await(pending or _send(_KM, RESET))
    return _KM


def _reset_soon() -> None:
    """Send the reset to this worker's kernel now, to run while the worker renders the page."""
    global _RESETTING
    if _KM is not None and _RESETTING is None and _KM.is_alive():
        _RESETTING = _send(_KM, RESET)


def _execute(job: Job, kernel: str, reuse_kernel: bool = True) -> Result:
    """Worker: execute one notebook with papermill, then normalise it for determinism."""
    t0 = time.perf_counter()
    import papermill as pm

    job.output.parent.mkdir(parents=True, exist_ok=True)
    try:
        extra = {"km": _worker_kernel(kernel, job.notebook.parent)} if reuse_kernel else {}
        # request_save_on_cell_execute=False: write the output once at the end (or on error),
        # not twice per cell.
        pm.execute_notebook(str(job.notebook), str(job.output), parameters=job.parameters, kernel_name=kernel,
                            progress_bar=False, cwd=str(job.notebook.parent), log_output=False,
                            request_save_on_cell_execute=False, **extra)
    except pm.PapermillExecutionError as exc:
        if reuse_kernel:
            _reset_soon()
        if exc.ename == "ParameterError":  # a refused parameter is one line, not a traceback
            return Result(job.name, "failed", time.perf_counter() - t0, f"{exc.ename}: {exc.evalue}")
        tb = "\n".join(exc.traceback[-8:]) if exc.traceback else ""
        return Result(job.name, "failed", time.perf_counter() - t0,
                      f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}\n{_strip_ansi(tb)}")
    except Exception as exc:  # kernel died, missing kernel, bad notebook
        return Result(job.name, "failed", time.perf_counter() - t0, f"{type(exc).__name__}: {exc}")
    if reuse_kernel:
        _reset_soon()
    normalise_notebook(job.output)
    if job.html is not None:
        from . import site

        site.render_notebook(job.output, job.html)
    return Result(job.name, "ok", time.perf_counter() - t0)


def skip_slow_optional_imports() -> None:
    """Keep jsonschema from importing ``rfc3987_syntax`` in this process.

    nbformat (hence papermill and nbconvert) imports jsonschema, whose format checkers import
    ``rfc3987_syntax`` when it is installed (jupyterlab pulls it in through
    ``jsonschema[format-nongpl]``); that module compiles some 35 Lark grammars at import,
    2.7 s of the 3 s ``import papermill`` costs here (python-jsonschema/jsonschema#1428).
    Marking it absent only drops the ``iri`` and ``iri-reference`` format checks, which no
    notebook schema uses (nbformat does not check formats). No effect once jsonschema is loaded.
    """
    if "jsonschema" not in sys.modules:
        sys.modules.setdefault("rfc3987_syntax", None)


def _warm() -> None:
    """Worker initializer, run while the parent builds the tables: the heavy imports, and this
    worker's kernel started with the notebooks' imports done."""
    skip_slow_optional_imports()
    import nbconvert  # noqa: F401
    import papermill  # noqa: F401

    try:
        _worker_kernel(kernel_name(), notebooks_dir(), warm=True)
    except Exception:  # noqa: BLE001 - a kernel that cannot start is reported by the job itself
        _shutdown_kernel()


def _ready() -> int:
    return os.getpid()


def _pool(n: int, initializer=_warm) -> ProcessPoolExecutor:
    """A spawn-context pool of ``n`` workers, started now rather than at the first job.

    ``ProcessPoolExecutor`` starts its workers on demand, at ``submit``; submitting ``n``
    trivial tasks starts all of them at once, so their initializer (:func:`_warm`) runs while
    the caller is still busy (building the tables).
    """
    pool = ProcessPoolExecutor(max_workers=n, mp_context=get_context("spawn"), initializer=initializer)
    for _ in range(n):
        pool.submit(_ready)
    return pool


def _strip_ansi(s: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;]*m", "", s)


def normalise_notebook(path: Path) -> None:
    """Strip what must vary between runs from an executed notebook, and store it canonically.

    Varies between runs: timestamps, durations, kernel ids, the execution counter of a reused
    kernel, and how a cell's consecutive prints were split into stream outputs. The kernel sends
    ``print`` output in chunks whose boundaries depend on message timing (two prints are one
    ``stdout`` output on a quiet machine and two under load), so consecutive stream outputs of
    the same name are merged with nbconvert's ``CoalesceStreamsPreprocessor`` — the merge that
    nbval applies before it compares. The notebook is written by ``nbformat`` (sorted keys,
    one-space indent, text split into lines), with a final newline.
    """
    import nbformat
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    nb = nbformat.reads(path.read_text(encoding="utf-8"), as_version=4)
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    nb.setdefault("metadata", {})["kernelspec"] = dict(KERNELSPEC)  # JupyterLab opens it with the project's kernel
    pmeta = nb.get("metadata", {}).get("papermill", {})
    for k in ("start_time", "end_time", "duration", "input_path", "output_path"):
        pmeta.pop(k, None)
    count = 0
    for cell in nb.get("cells", []):
        md = cell.get("metadata", {})
        md.pop("execution", None)
        if "injected-parameters" in md.get("tags", []):
            cell["id"] = "injected-parameters"  # papermill gives it a random id
        if cell.get("cell_type") == "code" and cell.get("execution_count") is not None:
            # a reused kernel keeps counting across notebooks, and which worker ran which
            # notebook before this one depends on scheduling: number the cells 1, 2, ... as a
            # fresh kernel would.
            count += 1
            cell["execution_count"] = count
        for out in cell.get("outputs", []):
            if "execution_count" in out:
                out["execution_count"] = cell.get("execution_count")
        p = md.get("papermill", {})
        for k in ("start_time", "end_time", "duration", "exception"):
            p.pop(k, None)
    path.write_text(nbformat.writes(nb).rstrip("\n") + "\n", encoding="utf-8")


def run(jobs: list[Job], n_jobs: int | None = None, force: bool = False, echo=print, prepare=None) -> list[Result]:
    """Execute the jobs that are out of date, in parallel; record the successful ones.

    ``prepare`` (e.g. building the processed tables) runs in this process while the worker
    pool warms up its imports; build keys are computed after it (or kept from before it when it
    returns ``False``: nothing it writes changed). A failing notebook stops
    nothing else; its error (cell and traceback) is in its Result.
    """
    n_jobs = n_jobs or os.cpu_count() or 1
    pool = None
    keys = None
    if prepare is not None:
        before = None if force else job_keys(jobs)
        if force or _stale(jobs, before):
            pool = _pool(min(n_jobs, len(jobs)))
        changed = prepare()
        keys = before if changed is False else None  # tables untouched: the keys still hold
    try:
        return _run(jobs, n_jobs, force, echo, pool, keys)
    finally:
        if pool is not None:
            pool.shutdown()


def _stale(jobs: list[Job], keys: dict[str, str] | None = None) -> list[Job]:
    """Jobs whose output is missing or whose build key differs from the manifest's."""
    manifest = load_manifest()
    keys = keys or job_keys(jobs)
    return [j for j in jobs if manifest.get(j.name) != keys[j.name] or not j.output.exists()]


def _run(jobs: list[Job], n_jobs: int, force: bool, echo, pool, keys: dict | None = None) -> list[Result]:
    manifest = load_manifest()
    keys = keys or job_keys(jobs)  # after the tables step: the keys recorded below
    todo = jobs if force else _stale(jobs, keys)
    results = [Result(j.name, "skipped") for j in jobs if j not in todo]
    for r in results:
        echo(f"  {r.name:<36} up to date, skipped")
    if not todo:
        return results
    from tqdm import tqdm

    kernel = kernel_name()
    bar = tqdm(total=len(todo), desc="notebooks", unit="nb", file=sys.stderr, disable=not sys.stderr.isatty())
    own = pool is None
    if own:
        pool = _pool(min(n_jobs, len(todo)))
    with contextlib.ExitStack() as stack:
        if own:
            stack.enter_context(pool)
        futs = {pool.submit(_execute, j, kernel): j for j in todo}
        for fut in as_completed(futs):
            j = futs[fut]
            r = fut.result()
            results.append(r)
            params = " ".join(f"{k}={v}" for k, v in j.parameters.items() if v != "")
            bar.write(f"  {r.name:<36} {r.status:<7} {r.seconds:6.1f}s  {params}")
            if r.status == "ok":
                manifest[j.name] = keys[j.name]
                save_manifest(manifest)
            else:
                manifest.pop(j.name, None)
                save_manifest(manifest)
                bar.write(f"    FAILED {j.notebook.name} -> {j.output}\n    " + r.error.replace("\n", "\n    "))
            bar.update(1)
    bar.close()
    return results


def refresh_committed(n_jobs: int | None = None, echo=print) -> list[Result]:
    """Execute the committed notebooks in place with their default parameters.

    Committed notebooks keep their outputs (so GitHub renders them and ``pytest --nbval``
    has something to compare against); run this after changing a notebook or the data.
    """
    nbs = sorted(notebooks_dir().glob("*.ipynb"))
    kernel = kernel_name()
    results = []
    with _pool(n_jobs or os.cpu_count() or 1) as pool:
        futs = {pool.submit(_execute, Job(p.stem, p, p, {}), kernel): p for p in nbs}
        for fut in as_completed(futs):
            r = fut.result()
            results.append(r)
            echo(f"  {r.name:<36} {r.status:<7} {r.seconds:6.1f}s" + (f"\n    {r.error}" if r.error else ""))
    if all(r.status == "ok" for r in results):
        from . import pipeline

        pipeline.record_stored_outputs(nbs)
    return results
