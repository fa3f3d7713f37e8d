"""Running a plan: parallel and incremental.

:func:`run` executes the jobs whose build key (:mod:`mxrights.build.plan`) differs from the last
successful run's, in a process pool (:mod:`mxrights.build.kernels`), and records the new keys;
:func:`refresh_committed` re-executes the committed notebooks in place.
"""

from __future__ import annotations

import contextlib
import os
import sys
from concurrent.futures import as_completed

from mxrights.build.plan import Job, Result, job_keys, load_manifest, notebooks_dir, save_manifest
from mxrights.build.kernels import _execute, _pool, kernel_name


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
        from mxrights.build import pipeline

        pipeline.record_stored_outputs(nbs)
    return results
