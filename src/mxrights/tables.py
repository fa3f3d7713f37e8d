"""The processed tables written to ``data/processed`` (aggregates only).

:func:`build` computes every table from the registered inputs and writes them with a
fixed row order, column order and float format, so two runs give byte-identical files.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from . import vocab, claims as claims_mod
from . import cleaning, evidence, indicators, paths, repeats, series, verdicts


def validate_inputs() -> None:
    """Load and validate every hand-made table of ``data/raw`` (no primary files, nothing written).

    Raises the first :class:`mxrights.schemas.TableError` (file, row, column, value) or
    registry error met; used by ``mxrights data rehash`` before it accepts new hashes.
    """
    from . import enpol, vocab

    vocab.clear_cache()
    for f in (vocab.grades, vocab.scopes, vocab.verdicts, vocab.relation_kinds, vocab.organisations, vocab.document_parties,
              vocab.indicators, vocab.memos, vocab.topic_table, vocab.page_groups):
        f()
    if vocab.jobs_path().exists():  # a copy of data/ alone (tests) has no notebooks
        vocab.jobs()
    enpol.load_statistics(variables=enpol.load_variables())
    cl = claims_mod.load_claims()
    claims_mod.assert_quotes(cl)
    claims_mod.evaluate_relations(claims_mod.load_relations(claims=cl), cl)
    evidence.load_evidence(claims=cl)
    claims_mod.coverage(cl)
    indicators.load_recomputations()
    series.load_series_table()
    vocab.clear_cache()


def compute() -> dict[str, pd.DataFrame]:
    """Compute every processed table in memory (no writing)."""
    cl = claims_mod.load_claims()
    claims_mod.assert_quotes(cl)
    rel = claims_mod.evaluate_relations(claims_mod.load_relations(claims=cl), cl)
    ev = evidence.load_evidence(claims=cl)
    ledger = cleaning.RowLedger()
    frames = series.load_primary_frames(ledger)
    rc = indicators.recompute_all(frames)
    check = verdicts.check_claims(cl, rel, ev, rc)
    annual = series.assemble(cl, ev, series.from_primary(frames))
    trends = trend_table(annual)
    return {"claims_check": check, "relations_check": rel, "verdict_summary": verdicts.verdict_counts(check),
            "indicators_annual": annual, "trend_estimates": trends, "row_accounting": ledger.frame(),
            "memo_over_memo": repeats.memo_over_memo(check, cl, annual)}


def trend_table(annual: pd.DataFrame, min_points: int = 5, since: int = 2006) -> pd.DataFrame:
    """Trend estimate for every recomputed or official annual count series.

    Only flows (``measure`` in indicators.csv) counted in whole years qualify: partial years
    are left out of the fit, and a series needs ``min_points`` comparable years from ``since``
    (the first year of the period the memos discuss) on. Where one source gives two values for a
    year (a conflict), the first by as-of date is used and the other is shown on the page.
    """
    measure = vocab.indicators().set_index("indicator")["measure"]
    rows = []
    keys = annual[annual["kind"] != "memo-claim"].groupby(["indicator", "source_id"])
    for (ind, src), g in keys:
        if g["unit"].iloc[0] != "count" or measure.get(ind) != "flow":
            continue
        g = series.whole_years(g)
        g = g[g["year"] >= since]
        g = g.sort_values(["year", "as_of"]).drop_duplicates("year", keep="first")
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


def readme_block(summary: pd.DataFrame) -> str:
    """The README's verdict table (Markdown) built from the verdict summary.

    It leads with the share of claims checked against independent evidence of the same
    quantity (``independent_pct``); the verdict columns follow in the vocabulary's order.
    Rows: each seed document, then the group rows (seeds, memo series) and all documents;
    the memo-series texts one by one stay in ``verdict_summary.csv`` and on their year pages.
    """
    from . import vocab

    series = set(vocab.memos().query("collection == 'memo_series'")["document"])
    summary = summary[~summary["document"].isin(series)]

    v = vocab.verdicts().set_index("verdict")
    names = [n for n in vocab.verdict_names() if n in summary.columns]
    head = ["memo", "document", "claims", "independent checks", "% independent"] + [v.loc[n, "label"] for n in names]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for _, r in summary.iterrows():
        cells = [str(r["memo"]), str(r["document"]), str(int(r["claims"])), str(int(r["independent"])),
                 f"**{float(r['independent_pct']):.1f}**"] + [str(int(r[n])) for n in names]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def update_readme(summary: pd.DataFrame, readme: Path | None = None) -> bool:
    """Replace the block between the README's verdict markers; return True when it changed."""
    readme = readme or paths.project_root() / "README.md"
    if not readme.exists():
        return False
    text = readme.read_text(encoding="utf-8")
    start, end = "<!-- verdicts:start -->", "<!-- verdicts:end -->"
    if start not in text or end not in text:
        return False
    head, rest = text.split(start, 1)
    _, tail = rest.split(end, 1)
    new = f"{head}{start}\n{readme_block(summary)}\n{end}{tail}"
    if new != text:
        readme.write_text(new, encoding="utf-8")
        return True
    return False


def build(outdir: Path | None = None) -> list[Path]:
    """Compute and write every processed table (and the README's verdict table)."""
    t = compute()
    written = write(t, outdir)
    if outdir is None:
        update_readme(t["verdict_summary"])
    return written
