"""The processed tables written to ``data/processed`` (aggregates only).

:func:`build` computes every table from the registered inputs and writes them with a
fixed row order, column order and float format, so two runs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.ledger import vocab, claims as claims_mod
from mxrights.sources import package, registry
from mxrights.sources import disappearances, readers
from mxrights.series import context, reconcile, annual as series
from mxrights.ledger import evidence, hunts
from mxrights.judge import recompute, repeats, verdicts
from mxrights import paths
from mxrights.build import stepcache


def validate_inputs() -> None:
    """Load and validate every hand-made table of ``data/raw`` (no primary files, nothing written).

    Raises the first :class:`mxrights.sources.schemas.TableError` (file, row, column, value) or
    registry error met; used by ``mxrights data rehash`` before it accepts new hashes.
    """
    from mxrights.sources import enpol
    from mxrights.ledger import vocab

    vocab.clear_cache()
    for f in (vocab.grades, vocab.scopes, vocab.units, vocab.verdicts, vocab.relation_kinds, vocab.organisations, vocab.document_parties,
              vocab.indicators, vocab.memos, vocab.topic_table, vocab.page_groups):
        f()
    if vocab.jobs_path().exists():  # a copy of data/ alone (tests) has no notebooks
        vocab.jobs()
    cl = claims_mod.load_claims()
    claims_mod.assert_quotes(cl)
    claims_mod.evaluate_relations(claims_mod.load_relations(claims=cl), cl)
    ev = evidence.load_evidence(claims=cl)
    enpol.load_statistics(variables=enpol.load_variables())
    verdicts.check_scopes(cl, ev)
    hunts.outcomes()
    hunts.load_hunts(set(cl["claim_id"]), set(ev["evidence_id"]))
    claims_mod.coverage(cl)
    recompute.load_recomputations()
    reconcile.load_published(series_table=series.load_series_table())
    series.load_method_breaks()
    context.terms()
    for name, res in package.resources().items():  # every other hand-made table, by its schema alone
        if res["path"].startswith(("data/raw/", "data/registry.csv")) and package.path_of(name).exists():
            package.read(name)
    vocab.clear_cache()


def compute() -> dict[str, pd.DataFrame]:
    """Compute every processed table in memory (no writing)."""
    cl = claims_mod.load_claims()
    claims_mod.assert_quotes(cl)
    rel = claims_mod.evaluate_relations(claims_mod.load_relations(claims=cl), cl)
    ev = evidence.load_evidence(claims=cl)
    rc, primary, ledger_rows, peer = stepcache.cached("primary", primary_inputs(), primary_step)
    check = verdicts.check_claims(cl, rel, ev, rc)
    annual = series.assemble(cl, ev, primary)
    breaks = series.load_method_breaks()
    points = series.national(annual)
    points = points[points["kind"] != "memo-claim"].to_csv(index=False)
    trends = stepcache.cached("trends", [points, registry.resolve("method_breaks")],
                              lambda: trend_table(annual, breaks=breaks))
    accounting = pd.concat([ledger_rows, series.state_accounting(primary)], ignore_index=True)
    published = pd.concat([reconcile.load_published(),
                           reconcile.peer_rows(peer, registry.load_registry().set_index("name", drop=False)
                                               .loc["peer_rnpdno_2026_national_year"],
                                               "disappeared_persons_by_year", "rnpdno-2026")], ignore_index=True)
    rec = reconcile.reconcile(annual, published)
    annual = series.with_reconciliation(annual, reconcile.series_status(rec))
    return {"claims_check": check, "relations_check": rel, "verdict_summary": verdicts.verdict_counts(check),
            "indicators_annual": annual, "trend_estimates": trends, "row_accounting": accounting,
            "reconciliation": rec, "context_mentions": context.mentions(list(vocab.memos()["document"])),
            "memo_over_memo": repeats.memo_over_memo(check, cl, series.national(annual))}


def primary_inputs() -> list:
    """What :func:`primary_step` reads: every mirror file's registered hash (the files are
    hash-checked when read), the series and recomputation tables and the vocabularies they use."""
    reg = registry.load_registry()
    mirror = reg[reg["location"] == "mirror"]
    return ["\n".join(mirror["name"] + " " + mirror["sha256"]),
            *(registry.resolve(n) for n in ("series_recomputed", "primary_tables", "recomputations", "indicator_vocabulary",
                                            "unit_vocabulary", "state_vocabulary", "state_recodes"))]


def primary_step() -> tuple:
    """Load the primary files, recompute the claims' figures and every annual series from them:
    ``(recomputations, series, row accounting, the peer's RNPDNO reading)`` (cached by
    :func:`mxrights.build.stepcache.cached` on :func:`primary_inputs`)."""
    ledger = readers.RowLedger()
    frames = series.load_primary_frames(ledger)
    rc = recompute.recompute_all(frames)
    primary = series.from_primary(frames)
    peer = disappearances.load_peer_rnpdno(ledger)
    return rc, primary, ledger.frame(), peer


def trend_table(annual: pd.DataFrame, min_points: int | None = None, since: int | None = None,
                breaks: pd.DataFrame | None = None) -> pd.DataFrame:
    """Trend estimate for every recomputed or official annual count series of the whole country.

    Only flows (``measure`` in indicators.csv) counted in whole years qualify: partial years
    are left out of the fit, and a series needs ``min_points`` comparable years from ``since``
    (the first year of the period the memos discuss) on. Where one source gives two values for a
    year (a conflict), the first by as-of date is used and the other is shown on the page.
    """
    measure = vocab.indicators().set_index("indicator")["measure"]
    min_points = min_points if min_points is not None else vocab.setting("trend_min_points")
    since = since if since is not None else vocab.setting("trend_since")
    rows = []
    keys = series.national(annual)
    keys = keys[keys["kind"] != "memo-claim"].groupby(["indicator", "source_id"])
    for (ind, src), g in keys:
        if g["unit"].iloc[0] != "count" or measure.get(ind) != "flow":
            continue
        g = series.whole_years(g)
        g = g[g["year"] >= since]
        g = series.last_segment(g.sort_values(["year", "as_of"]).drop_duplicates("year", keep="first"), breaks)
        if len(g) < min_points:
            continue
        t = series.poisson_trend(g)
        rows.append({"indicator": ind, "source_id": src, "first_year": t.first_year, "last_year": t.last_year,
                     "first_value": float(g.iloc[0]["value"]), "last_value": float(g.iloc[-1]["value"]),
                     "model": t.model, "rate_ratio": round(t.rate_ratio, 6), "rr_lower": round(t.lower, 6),
                     "rr_upper": round(t.upper, 6), "dispersion": round(t.dispersion, 4), "n_years": t.n_years})
    return pd.DataFrame(rows)


def write(tables: dict[str, pd.DataFrame], outdir: Path | None = None) -> list[Path]:
    """Write tables as CSV (LF line ends, 6 significant decimals), return the paths."""
    outdir = outdir or paths.processed_dir()
    outdir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, df in tables.items():
        p = outdir / f"{name}.csv"
        df.to_csv(p, index=False, lineterminator="\n", float_format="%.6f")
        written.append(p)
    return written


def build(outdir: Path | None = None) -> list[Path]:
    """Compute and write every processed table (the README is `mxrights docs`'s, never the build's)."""
    return write(compute(), outdir)
