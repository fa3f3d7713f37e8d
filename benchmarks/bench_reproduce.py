"""Benchmark of the rebuild paths, printed as ratios measured in one run.

(a) floor: every notebook's code executed in this one warm Python process (no kernels,
    no Papermill), the least a full rebuild could cost;
(b) forced full rebuild, `mxrights run --force`, with --jobs 1 and with --jobs <cores>;
(c) no-op rebuild, `mxrights reproduce` on an up-to-date tree;
plus the peak resident memory of any child process.

Run with `make bench` (or `.venv/bin/python benchmarks/bench_reproduce.py`). The machine is
noisy: compare the ratios printed in one run, not absolute seconds across runs.
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


def floor_seconds() -> float:
    """Execute the code cells of every planned notebook in-process, after warming the imports."""
    from mxrights import runner
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: F401  (warm import)
    from mxrights import report, series, evidence, claims  # noqa: F401

    jobs = runner.plan()
    t0 = time.perf_counter()
    for job in jobs:
        nb = json.loads(job.notebook.read_text(encoding="utf-8"))
        ns: dict = {}
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if "parameters" in cell.get("metadata", {}).get("tags", []):
                src += "\n" + "\n".join(f"{k} = {v!r}" for k, v in job.parameters.items())
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(src, job.name, "exec"), ns)
        import matplotlib.pyplot as plt

        plt.close("all")
    return time.perf_counter() - t0


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def main() -> int:
    cores = os.cpu_count() or 1
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "MXRIGHTS_REPORTS": tmp}
        tables = timed(MXRIGHTS + ["tables"], env)
        floor = floor_seconds()
        full1 = timed(MXRIGHTS + ["run", "--force", "--jobs", "1"], env)
        fulln = timed(MXRIGHTS + ["run", "--force", "--jobs", str(cores)], env)
        noop = timed(MXRIGHTS + ["reproduce", "--jobs", str(cores)], env)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB -> MiB on Linux
    rows = [("processed tables (mxrights tables)", tables, None),
            ("(a) floor: notebook code in one warm process", floor, 1.0),
            ("(b) full rebuild --jobs 1", full1, full1 / floor),
            (f"(b) full rebuild --jobs {cores}", fulln, fulln / floor),
            ("(c) no-op reproduce", noop, noop / floor)]
    print(f"{'measure':<46}{'seconds':>9}{'x floor':>9}")
    for name, s, r in rows:
        print(f"{name:<46}{s:9.2f}{'' if r is None else f'{r:9.2f}'}")
    print(f"parallel speed-up (jobs 1 / jobs {cores}): {full1 / fulln:.2f}x")
    print(f"peak RSS of any child process: {peak:.0f} MiB")
    print(f"goals: full parallel <= 1.3 x floor: {'met' if fulln <= 1.3 * floor else 'NOT met'}; "
          f"no-op < 2 s: {'met' if noop < 2 else 'NOT met'}; peak RSS < 2 GiB: {'met' if peak < 2048 else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
