"""Benchmark of the rebuild paths, printed as ratios measured in one run.

(a) every notebook's code executed in this one warm Python process (no kernels, no
    Papermill); displayed objects are not formatted and figures are not drawn;
(a') the same code run by IPython's shell in this process: every output formatted, every
    figure drawn to PNG as in a kernel (the artefacts a notebook exists for), still no
    kernel, messages, Papermill or files;
FLOOR = the processed tables plus (a'): the build target of the architecture issue is a
    forced full rebuild on every core within 1.3 x FLOOR;
(b) forced full rebuild, `mxrights run --force`, with --jobs 1 and with --jobs <cores>;
(c) no-op rebuild, `mxrights reproduce` on an up-to-date tree, as a command (interpreter start and
    imports included) and (c') inside a process that has imported the package;
(d) one claim's text edited (its `would_settle` in data/raw/claims.csv, then `mxrights data rehash`,
    untimed) → `mxrights reproduce`: the tables and only the pages that read that claim; the tree is
    restored afterwards (file, registry, tables, pages);
plus the peak resident memory of any child process.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_reproduce.py [--repeat N]`). The
machine is noisy: every measure runs once per round, rounds interleaved, and the fastest round
is kept; compare the ratios printed in one run, not absolute seconds across runs.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MXRIGHTS = [sys.executable, "-m", "mxrights.cli"]


def _code_cells(job) -> list[str]:
    """The code cells of a job's notebook, its parameters appended to the parameters cell."""
    nb = json.loads(job.notebook.read_text(encoding="utf-8"))
    cells = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            src += "\n" + "\n".join(f"{k} = {v!r}" for k, v in job.parameters.items())
        cells.append(src)
    return cells


def floor_seconds() -> float:
    """(a) Execute the code cells of every planned notebook with ``exec``, imports warmed first."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from mxrights.ledger import claims, evidence
    from mxrights.publish import report
    from mxrights.build import kernels, plan
    from mxrights.series import annual as series  # noqa: F401  (warm imports)

    seconds = 0.0
    for job in plan.plan():
        ns: dict = {}
        for src in _code_cells(job):
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(src, job.name, "exec"), ns)
            seconds += time.perf_counter() - t0
        plt.close("all")
    return seconds


def floor_shell_seconds() -> float:
    """(a') The same code run by IPython's own shell, outputs formatted as in a kernel.

    ``run_cell`` formats every displayed object and cell result into its rich representations
    and, with ``%matplotlib inline``, draws every figure to PNG: the work that makes a
    notebook's artefacts. What is left out is only the kernel, its messages, Papermill and files.
    """
    from IPython.core.interactiveshell import InteractiveShell
    from mxrights.build import kernels, plan

    class Shell(InteractiveShell):
        def enable_gui(self, gui=None):  # no event loop to hook: figures go inline
            pass

    shell = Shell.instance()
    for code in ("%matplotlib inline", kernels.WARM_IMPORTS):
        shell.run_cell(code, store_history=False, silent=True).raise_error()
    seconds = 0.0
    for job in plan.plan():
        shell.run_cell("%reset -f", store_history=False, silent=True).raise_error()  # not timed
        for src in _code_cells(job):
            t0 = time.perf_counter()
            with contextlib.redirect_stdout(io.StringIO()):
                shell.run_cell(src, store_history=True).raise_error()
            seconds += time.perf_counter() - t0
    return seconds


def floor_in_subprocess(which: str, env: dict) -> float:
    """Run one floor in a fresh process, so that neither sees the other's IPython shell."""
    out = subprocess.run([sys.executable, __file__, "--floor", which], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    return float(out.strip().splitlines()[-1])


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def noop_in_process(env: dict) -> float:
    """(c') ``pipeline.reproduce`` timed inside a process that has already imported the package."""
    code = ("import time; from mxrights.build import pipeline; t = time.perf_counter(); "
            "pipeline.reproduce(echo=lambda s: None); print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                         text=True).stdout
    return float(out.strip().splitlines()[-1])


def edit_one_claim(env: dict) -> float:
    """(d) Append to one claim's ``would_settle``, rehash (untimed), time ``mxrights reproduce``;
    then restore the ledger and the registry and rebuild (untimed)."""
    import csv

    ledger, reg = ROOT / "data" / "raw" / "claims.csv", ROOT / "data" / "registry.csv"
    saved = ledger.read_bytes(), reg.read_bytes()
    try:
        with open(ledger, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        rows[0]["would_settle"] += " (a corrected transcription)"
        with open(ledger, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
            w.writeheader()
            w.writerows(rows)
        subprocess.run(MXRIGHTS + ["data", "rehash"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
        return timed(MXRIGHTS + ["reproduce"], env)
    finally:
        ledger.write_bytes(saved[0])
        reg.write_bytes(saved[1])
        subprocess.run(MXRIGHTS + ["reproduce"], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)


def main(argv: list[str] | None = None) -> int:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3,
                    help="rounds; every measure runs once a round and its fastest round is kept (default 3)")
    ap.add_argument("--floor", choices=["exec", "shell"], help=argparse.SUPPRESS)  # internal: one floor
    args = ap.parse_args(argv)
    if args.floor:
        print(floor_seconds() if args.floor == "exec" else floor_shell_seconds())
        return 0
    repeat = args.repeat
    cores = os.cpu_count() or 1
    best: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MXRIGHTS_REPORTS": tmp}
        for _ in range(repeat):  # round-robin, so a noisy moment does not fall on one measure only
            measures = {"tables": lambda: timed(MXRIGHTS + ["tables"], env),
                        "floor": lambda: floor_in_subprocess("exec", env),
                        "shell_floor": lambda: floor_in_subprocess("shell", env),
                        "full1": lambda: timed(MXRIGHTS + ["run", "--force", "--jobs", "1"], env),
                        "fulln": lambda: timed(MXRIGHTS + ["run", "--force", "--jobs", str(cores)], env),
                        "noop": lambda: timed(MXRIGHTS + ["reproduce", "--jobs", str(cores)], env),
                        "noop_inproc": lambda: noop_in_process(env),
                        "edit": lambda: edit_one_claim(env)}
            for key, fn in measures.items():
                best[key] = min(best.get(key, float("inf")), fn())
    tables, floor, shell_floor = best["tables"], best["floor"], best["shell_floor"]
    full1, fulln, noop, noop_in, edit = best["full1"], best["fulln"], best["noop"], best["noop_inproc"], best["edit"]
    target = tables + shell_floor  # the floor of the build target: tables, then every notebook rendered in one shell
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB on Linux
    rows = [("processed tables (mxrights tables)", tables),
            ("(a) notebook code in one warm process, nothing rendered", floor),
            ("(a') notebook code in IPython's shell, outputs rendered", shell_floor),
            ("FLOOR = processed tables + (a')", target),
            ("(b) full rebuild --jobs 1", full1),
            (f"(b) full rebuild --jobs {cores}", fulln),
            ("(c) no-op reproduce (command: interpreter and imports included)", noop),
            ("(c') no-op reproduce inside an imported process", noop_in),
            ("(d) edit one claim's text -> mxrights reproduce", edit)]
    print(f"fastest of {repeat} rounds per measure; the last figure of a line is its ratio to FLOOR")
    print(f"{'measure':<66}{'seconds':>9}{'x FLOOR':>9}")
    for name, sec in rows:
        print(f"{name:<66}{sec:9.2f}{sec / target:9.2f}")
    print(f"parallel speed-up (jobs 1 / jobs {cores}): {full1 / fulln:.2f}x")
    print(f"peak RSS of any child process: {peak:.0f} MiB")
    print(f"goals: full rebuild --jobs {cores} <= 1.3 x FLOOR: {'met' if fulln <= 1.3 * target else 'NOT met'} "
          f"({fulln / target:.2f}); one claim's text edited <= 0.25 x FLOOR: {'met' if edit <= 0.25 * target else 'NOT met'} "
          f"({edit / target:.2f}); no-op < 0.5 s inside the process: {'met' if noop_in < 0.5 else 'NOT met'} "
          f"({noop_in:.2f} s; {noop:.2f} s as a command); "
          f"peak RSS < 2 GiB: {'met' if peak < 2048 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
