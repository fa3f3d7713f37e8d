"""The ``mxrights`` command line.

Subcommands:
    data verify            check every registered file (hash, presence); table + exit code
    data fetch NAME        download a registered file that has a download URL (pooch)
    data rehash            refresh hashes of the hand-made tables in data/raw
    claims [--document D] [--indicator I] [--check]
                           per-document ledger summary, filters, or the verdict table
    tables                 write data/processed/*.csv
    docs                   write docs/tables.md (from datapackage.json) and the README's generated blocks
    run [--only NAME] [-p NAME VALUE]... [--jobs N] [--force]
                           execute notebooks with Papermill (incremental, parallel)
    render                 render executed notebooks and the index to reports/html
    stale                  list every stale processed table, generated document and committed notebook
    notebooks              re-execute the committed notebooks in place, keeping outputs
    reproduce              verify + tables + run + render (what `make reproduce` calls)
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def _print_table(df) -> None:
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_rows", 500, "display.max_colwidth", 70):
        print(df.to_string(index=False))


def cmd_verify(args) -> int:
    from mxrights.sources import registry

    try:
        table = registry.verify()
    except registry.RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    _print_table(table[["name", "location", "path", "bytes", "status"]])
    bad = table[table["status"] != "OK"]
    for d in bad["detail"]:
        print(f"\nerror: {d}", file=sys.stderr)
    print(f"\n{len(table) - len(bad)} of {len(table)} registered files OK")
    waiting = registry.pending()
    if len(waiting):
        print(f"{len(waiting)} registered file(s) whose hash is recorded on first fetch (mxrights data record NAME):")
        _print_table(waiting[["name", "path", "status"]])
    return 1 if len(bad) else 0


def cmd_fetch(args) -> int:
    from mxrights.sources import registry

    if args.name is None:
        reg = registry.load_registry(include_pending=True)
        can = reg[(reg["download_url"].fillna("") != "") | (reg["sha256"].fillna("") == "")]
        print("registered files that can be fetched, or whose hash is recorded on first fetch:")
        _print_table(can.assign(where=can["download_url"].fillna("").where(can["download_url"].fillna("") != "",
                                                                          can["url"]))[["name", "path", "where"]])
        return 0
    try:
        print(registry.fetch(args.name, record=args.record))
    except registry.RegistryError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_record(args) -> int:
    from mxrights.sources import registry

    digest = registry.record_hash(args.name)
    print(f"recorded {args.name}: sha256 {digest}; from now on the file must match it")
    return 0


def cmd_enpol(args) -> int:
    """Recompute the memos' ENPOL figures with design-based intervals (or say how to get the microdata)."""
    from mxrights.judge import survey_checks

    table = survey_checks.statistics_table()
    if len(table):
        _print_table(table)
    if table.attrs.get("message"):
        print(table.attrs["message"])
    return 0


def cmd_rehash(args) -> int:
    from mxrights.sources import registry
    from mxrights.build import tables

    added = registry.register_documents()
    if added:
        print("registered: " + ", ".join(added))
    changed = registry.rehash_raw(validate=tables.validate_inputs)
    print("updated: " + (", ".join(changed) if changed else "nothing changed"))
    return 0


def _document_name(value: str | None) -> str | None:
    """A document named by its seed file name or its memo id (``amnesty-letter-2014``).

    Raises:
        ValueError: neither, with the list of valid names (exit 2 through the CLI).
    """
    if value is None:
        return None
    from mxrights.ledger import vocab

    memos = vocab.memos()
    if value in set(memos["document"]):
        return value
    by_memo = dict(zip(memos["memo"], memos["document"]))
    if value in by_memo:
        return by_memo[value]
    raise UsageError(f"unknown document {value!r}; use one of: "
                     + ", ".join(f"{m} ({d})" for m, d in by_memo.items()))


class UsageError(ValueError):
    """A command-line value the project does not know (exit 2)."""


def cmd_claims(args) -> int:
    from mxrights.ledger import claims
    from mxrights.publish import report

    args.document = _document_name(args.document)
    if args.indicator:
        from mxrights.ledger import vocab

        if args.indicator not in set(vocab.indicators()["indicator"]):
            raise UsageError(f"unknown indicator {args.indicator!r}; see data/raw/indicators.csv for the list")
    if args.check:
        check = report.load_table("claims_check")
        if args.document:
            check = check[check["document"] == args.document]
        for doc, g in check.groupby("document"):
            counts = g["verdict"].value_counts()
            n_ind = int(g["independent_check"].sum())
            print(f"\n== {doc} ({g['memo'].iloc[0]}): {len(g)} claims, {n_ind} checked against independent evidence "
                  f"of the same quantity ({100 * n_ind / len(g):.1f}%) — "
                  + ", ".join(f"{k} {v}" for k, v in counts.items()))
            _print_table(g[["claim_id", "published_value", "verdict", "grade", "scope", "reproduced_value", "bound_value"]])
        n_ind = int(check["independent_check"].sum())
        print(f"\nAll documents: {len(check)} claims, {n_ind} independent checks ({100 * n_ind / len(check):.1f}%); "
              + ", ".join(f"{k} {v}" for k, v in check["verdict"].value_counts().items()))
        return 0
    cl = claims.load_claims()
    if args.coverage:
        cov = claims.coverage(cl)
        if args.document:
            cov = cov[cov["document"] == args.document]
        counts = cov.groupby(["document", "status"]).size().unstack(fill_value=0)
        _print_table(counts.reindex(columns=["claim", "date", "listed", "missing"], fill_value=0).reset_index())
        missing = cov[cov["status"] == "missing"]
        if len(missing):
            print(f"\n{len(missing)} number(s) neither in a claim's quote, nor a date, nor listed in "
                  "data/raw/claims_not_statistics.csv:")
            _print_table(missing[["document", "number", "context"]])
            return 1
        print(f"\nevery one of the {len(cov)} numbers is accounted for")
        return 0
    if args.document:
        cl = cl[cl["document"] == args.document]
    if args.indicator:
        cl = cl[cl["indicator"] == args.indicator]
    if args.document or args.indicator:
        _print_table(cl[["claim_id", "printed", "value", "unit", "qualifier", "indicator", "as_of"]])
    else:
        _print_table(claims.summary(cl))
    print(f"\n{len(cl)} claims")
    return 0


def cmd_docs(args) -> int:
    from mxrights.publish import docs

    for p in docs.write():
        print(f"wrote {p}")
    print("docs/tables.md and the README's generated blocks are current")
    return 0


def cmd_tables(args) -> int:
    from mxrights.build import pipeline

    pipeline.build_tables(force=True)
    return 0


def _params(pairs) -> dict:
    from mxrights.build import params

    return {name: params.coerce(name, value) for name, value in (pairs or [])}


def _build(args, verify: bool) -> int:
    from mxrights.build import pipeline, plan
    from mxrights.sources import schemas

    if args.list:
        for j in plan.plan():
            print(f"{j.name:<40} {j.notebook.name}")
        return 0
    try:  # a page or parameter the project does not know: a usage error, before anything runs
        extra = _params(args.p)
        planned = plan.plan(args.only, extra)
    except schemas.TableError:
        raise  # a bad table (e.g. notebooks/jobs.csv) is a data error: exit 1
    except (ValueError, TypeError) as exc:
        raise UsageError(str(exc)) from None
    step = pipeline.reproduce if verify else pipeline.run_notebooks
    build = step(args.only, extra, args.jobs, args.force, planned=planned)
    r = build.results
    print(f"{sum(x.status == 'ok' for x in r)} executed, {sum(x.status == 'skipped' for x in r)} skipped, "
          f"{len(build.failed)} failed")
    print(f"site: {build.index}  ({build.seconds:.1f}s)")
    return 1 if build.failed else 0


def cmd_run(args) -> int:
    return _build(args, verify=False)


def cmd_notebooks(args) -> int:
    from mxrights.build import pipeline, runner

    pipeline.build_tables(force=False)
    results = runner.refresh_committed(args.jobs)
    return 1 if any(r.status == "failed" for r in results) else 0


def cmd_stale(args) -> int:
    from mxrights.build import pipeline

    found = pipeline.stale()
    for line in found:
        print(f"stale: {line}", file=sys.stderr)
    if found:
        print(f"{len(found)} derived file(s) to refresh; in this order: mxrights data rehash, mxrights tables, "
              "mxrights notebooks", file=sys.stderr)
        return 1
    print("processed tables, generated documents (docs/tables.md, README blocks) and committed notebooks are current")
    return 0


def cmd_render(args) -> int:
    from mxrights.publish import site

    for p in site.render_all():
        print(f"  wrote {p}")
    return 0


def cmd_reproduce(args) -> int:
    return _build(args, verify=True)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="mxrights", description=__doc__.splitlines()[0], epilog=EXAMPLES,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("data", help="the data registry")
    dsub = d.add_subparsers(dest="data_cmd", required=True)
    dsub.add_parser("verify", help="check every registered file").set_defaults(func=cmd_verify)
    f = dsub.add_parser("fetch", help="download a registered file (network)")
    f.add_argument("name", nargs="?", help="a registry name (none: list the files that can be fetched)")
    f.add_argument("--record", action="store_true",
                   help="the file's hash is not yet registered: record it after this first download")
    f.set_defaults(func=cmd_fetch)
    rec = dsub.add_parser("record", help="record, once, the hash of a registered file placed in the mirror by hand")
    rec.add_argument("name")
    rec.set_defaults(func=cmd_record)
    dsub.add_parser("rehash", help="refresh hashes of data/raw tables").set_defaults(func=cmd_rehash)
    c = sub.add_parser("claims", help="the claims ledger")
    c.add_argument("--document", help="a seed file name or a memo id (e.g. amnesty-letter-2014)")
    c.add_argument("--indicator", help="an indicator of data/raw/indicators.csv")
    c.add_argument("--check", action="store_true", help="print verdicts grouped by document")
    c.add_argument("--coverage", action="store_true",
                   help="account for every number in the documents (claim, date or listed); exit 1 if one is missing")
    c.set_defaults(func=cmd_claims)
    sub.add_parser("tables", help="write data/processed").set_defaults(func=cmd_tables)
    sub.add_parser("docs", help="write docs/tables.md (from datapackage.json) and the README's generated blocks "
                   "(from data/processed)").set_defaults(func=cmd_docs)
    for name, func in (("run", cmd_run), ("reproduce", cmd_reproduce)):
        r = sub.add_parser(name, help="execute notebooks" if name == "run" else "verify, tables, run, render")
        r.add_argument("--only", help="run only these jobs (exact names, comma-separated; see --list)")
        r.add_argument("--list", action="store_true", help="print every job's name and notebook, run nothing")
        r.add_argument("-p", nargs=2, action="append", metavar=("NAME", "VALUE"), help="notebook parameter")
        r.add_argument("--jobs", type=int, default=None, help="parallel workers (default: cores)")
        r.add_argument("--force", action="store_true", help="rerun even if up to date")
        r.set_defaults(func=func)
    sub.add_parser("render", help="render reports/html").set_defaults(func=cmd_render)
    sub.add_parser("stale", help="list every committed derived file (tables, README table, notebooks) that is "
                                 "stale; exit 1 if any").set_defaults(func=cmd_stale)
    sub.add_parser("enpol", help="recompute the memos' ENPOL survey figures with design-based 95%% intervals "
                                 "(needs INEGI's microdata in <mirror>/enpol/)").set_defaults(func=cmd_enpol)
    nbc = sub.add_parser("notebooks", help="re-execute the committed notebooks in place (default parameters)")
    nbc.add_argument("--jobs", type=int, default=None)
    nbc.set_defaults(func=cmd_notebooks)
    return p


EXAMPLES = """examples:
  mxrights reproduce                      verify data, build tables, run notebooks, render the site
  mxrights claims --check                 every claim's verdict, grade and independence, by document
  mxrights claims --document 003_8ecdb167ec163fb0.txt
  mxrights claims --coverage              account for every number in the documents
  mxrights data verify                    check every registered file's sha256
  mxrights data rehash                    validate the edited tables in data/raw, then record their hashes
  mxrights run --only memo_amnesty-letter-2014 --force
  mxrights enpol                          recompute the ENPOL survey figures (or say where to get the microdata)
  mxrights data record enpol_2016_microdata   record the hash of a file placed in the mirror by hand
add --debug before the command to see a Python traceback on error."""


def _project_errors() -> tuple[type[BaseException], ...]:
    """Errors that describe bad input or missing data: shown as one block, without a traceback."""
    import pandas as pd

    from mxrights.sources import registry, schemas
    from mxrights.sources import readers

    return (schemas.TableError, registry.RegistryError, readers.DataError, FileNotFoundError,
            UnicodeDecodeError, pd.errors.ParserError, KeyError, ValueError)


#: Commands that read the data mirror (with ``data verify``); ``data fetch`` downloads to the cache without one.
_MIRROR_COMMANDS = {"tables", "run", "reproduce"}


def _missing_mirror(args) -> str:
    """One line when a command that reads the mirror finds no mirror folder, else ``""``."""
    import os

    from mxrights import paths

    cmd = getattr(args, "cmd", "")
    if cmd not in _MIRROR_COMMANDS and not (cmd == "data" and getattr(args, "data_cmd", "") == "verify"):
        return ""
    env = os.environ.get("MXRIGHTS_DATA_MIRROR")
    if env is not None and env.strip() and not Path(env).is_dir():
        return (f"the data mirror folder {env} (MXRIGHTS_DATA_MIRROR) does not exist; set MXRIGHTS_DATA_MIRROR to the "
                "folder holding the shared data files, or unset it to use ../shared/data beside the checkout")
    if env is None and paths.mirror_dir() is None:
        return (f"the data mirror folder {paths.project_root().parent / 'shared' / 'data'} does not exist; put the shared "
                "data there or set MXRIGHTS_DATA_MIRROR to the folder holding them")
    return ""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; project errors print one block and exit 1 (usage errors exit 2)."""
    from mxrights.build.kernels import skip_slow_optional_imports

    skip_slow_optional_imports()  # rendering pages imports nbconvert -> jsonschema
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    argv = [a for a in argv if a != "--debug"]
    parser = build_parser()
    if not argv:
        parser.print_help()
        return 2
    args = parser.parse_args(argv)
    missing = _missing_mirror(args)
    if missing:
        print(f"error: {missing}", file=sys.stderr)
        return 1
    try:
        return args.func(args)
    except UsageError as exc:
        if debug:
            raise
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except _project_errors() as exc:
        if debug:
            raise
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else str(exc)
        print(f"error: {msg}", file=sys.stderr)
        print("(run with --debug for the Python traceback)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
