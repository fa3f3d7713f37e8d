"""How a notebook is executed: one Papermill worker per process, one reused kernel per worker.

A forced build starts its workers at once (:func:`_pool`): each imports Papermill and starts one
kernel that imports the notebooks' libraries, while the parent builds the processed tables. A
worker runs its notebooks one after another in that kernel, whose namespace is cleared
(``%reset -f``) between notebooks; kernels talk over IPC sockets in a folder per worker.
Executed notebooks are normalised (:func:`normalise_notebook`: timestamps dropped, cells numbered
1..n, stream outputs coalesced) so that the output does not depend on which worker ran what.
Papermill is imported only in the workers, so a no-op run never pays its import.
"""

from __future__ import annotations

import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

from mxrights.build.plan import Job, Result, notebooks_dir


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
                "from mxrights.ledger import claims, evidence\nfrom mxrights.publish import report\nfrom mxrights.series import annual")


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
        from mxrights.publish import site

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
