"""Official figures transcribed from the publications the memos cite.

``data/raw/evidence/*.csv`` (one long table per file, all with the same columns) holds
one row per figure as it was printed: who produced it (``publisher_id``) and whose page it
was read in (``reported_by_id``, empty when the producer's own document), both ids of
``data/raw/vocabulary/organisations.csv``; title, URL, ``locator`` (the few words around
the figure, quoted in the page's language), retrieval date; what it measures (``indicator``,
``population``, ``geography``, period, as-of date) and, when that is not the claim's
quantity, which way it differs (``scope``: narrower, broader or part); the claim(s) it
bears on (``claim_id``, ``;``-joined), value and unit. Rows marked ``combine=sum`` are parts
printed separately (fuero común + fuero federal) that together give the figure a claim
states; ``combine=complement`` marks a printed figure whose complement is the claim's
quantity: 100 − value for a share, or the indicator's ``max_value`` − value for a count (the
12 states *without* a specialised prosecutor are 32 − 12 states with one).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mxrights.ledger import claims as claims_mod
from mxrights.sources import package, schemas
from mxrights import paths
from mxrights.ledger import vocab


def evidence_dir() -> Path:
    """The folder ``data/raw/evidence``."""
    return paths.raw_dir() / "evidence"


def load_evidence(folder: Path | None = None, claims: pd.DataFrame | None = None,
                  indicators: pd.DataFrame | None = None) -> pd.DataFrame:
    """Read and validate every evidence CSV.

    Adds ``evidence_file`` (path relative to data/raw) and the organisations' names
    (``publisher``, ``publisher_es``, ``reported_by``) from the organisations table.
    """
    folder = folder or evidence_dir()
    cl = claims if claims is not None else claims_mod.load_claims()
    ind = indicators if indicators is not None else claims_mod.load_indicators()
    frames = []
    check_registered = folder == evidence_dir()
    if check_registered:
        from mxrights.sources import registry

        reg = registry.load_registry()
    for f in sorted(folder.glob("*.csv")):
        if check_registered:
            rows = reg[(reg["location"] == "raw") & (reg["path"] == f"evidence/{f.name}")]
            if rows.empty:
                raise registry.RegistryError(f"{f}: evidence file is not in the data registry; add a row to "
                                             "data/registry.csv and run `mxrights data rehash`")
            registry.resolve(rows.iloc[0]["name"], reg)
        df = schemas.read_table(f)
        orgs = vocab.organisations()
        df = package.check(df, "evidence_official_figures", f, rules=evidence_rules(),
                           refs={("indicator_vocabulary", "indicator"): ind["indicator"],
                                 ("claims_ledger", "claim_id"): cl["claim_id"],
                                 ("organisations", "org_id"): orgs["org_id"],
                                 ("scope_vocabulary", "scope"): vocab.scope_names("evidence")})
        df = df.assign(value=df["value"].astype(float), year=df["year"].astype(int),
                       sample_size=pd.to_numeric(df["sample_size"]))
        check_dates(df, f)
        df["complement_of"] = _complement_totals(df, ind, f)
        names = orgs.set_index("org_id")
        df["publisher"] = df["publisher_id"].map(names["name_en"])
        df["publisher_es"] = df["publisher_id"].map(names["name_es"])
        df["reported_by"] = df["reported_by_id"].map(names["name_en"])
        df["evidence_file"] = f"evidence/{f.name}"
        df["evidence_row"] = df.index + 2  # the CSV line, for error messages
        frames.append(df)
    if not frames:
        raise FileNotFoundError(f"no evidence CSV in {folder}")
    out = pd.concat(frames, ignore_index=True)
    dup = out["evidence_id"].duplicated()
    if dup.any():
        raise schemas.TableError(f"{folder}: duplicate evidence_id {out.loc[dup, 'evidence_id'].iloc[0]!r} across files")
    return out


def evidence_rules() -> list[tuple[str, object]]:
    """The evidence table's rules that compare columns (for :func:`mxrights.sources.package.check`): a
    percentage above 100, a row with neither ``url`` nor ``copy_url`` (a reader must be able to
    find the figure again)."""
    def percent_at_most_100(d: pd.DataFrame) -> pd.Series:
        return ~((d["unit"] == "percent") & (pd.to_numeric(d["value"], errors="coerce") > 100))

    def url_or_copy(d: pd.DataFrame) -> pd.Series:
        return d["url"].notna() | d["copy_url"].notna()

    return [("percent_at_most_100", percent_at_most_100),
            ("url_or_copy_url_present (a reader must be able to find the figure again)", url_or_copy)]


def _complement_totals(df: pd.DataFrame, indicators: pd.DataFrame, path: Path) -> pd.Series:
    """The total a ``combine=complement`` row is subtracted from: 100 for a share, else the
    ``max_value`` of the row's indicator (refused, naming file, row and column, when it has none)."""
    maxima = indicators.set_index("indicator")["max_value"].fillna("")
    out = []
    for i, r in df.iterrows():
        if r["combine"] != "complement":
            out.append(None)
        elif str(maxima.get(r["indicator"], "")).strip():
            out.append(float(maxima[r["indicator"]]))
        elif r["unit"] == "percent":
            out.append(100.0)
        else:
            raise schemas.TableError(f"{path}, row {i + 2}, column combine (evidence_id={r['evidence_id']}): complement "
                                     f"of a {r['unit']} needs a max_value for indicator {r['indicator']} in "
                                     "data/raw/indicators.csv")
    return pd.Series(out, index=df.index, dtype=object)


def check_dates(df: pd.DataFrame, path: Path, today: pd.Timestamp | None = None) -> None:
    """Refuse a date the row could not have seen: ``retrieved`` after today (the build date),
    or ``as_of``/``period_start``/``period_end`` beginning after ``retrieved``.

    Raises:
        mxrights.sources.schemas.TableError: naming file, row, column, value and the date it passes.
    """
    today = today if today is not None else pd.Timestamp.today().normalize()
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        got = pd.Timestamp(r["retrieved"])
        if got > today:
            raise schemas.TableError(f"{where}, column retrieved (evidence_id={r['evidence_id']}): {r['retrieved']} is "
                                     f"after today ({today.date()})")
        for col in ("as_of", "period_start", "period_end"):
            if r[col] and schemas.period_bound(r[col]) > got:
                raise schemas.TableError(f"{where}, column {col} (evidence_id={r['evidence_id']}): {r[col]!r} is after "
                                         f"the date the figure was read (retrieved {r['retrieved']})")


def for_claim(evidence: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """Evidence rows that bear on one claim."""
    ids = evidence["claim_id"].fillna("").str.split(";")
    return evidence[ids.map(lambda xs: claim_id in xs)]


def combined_value(rows: pd.DataFrame) -> tuple[float, str]:
    """The figure a set of evidence rows gives for one claim, and how it was formed.

    Rows with ``combine=sum`` sharing an ``as_of`` are added (parts printed separately);
    otherwise the most recent single row is used.
    """
    comp = rows[rows["combine"] == "complement"]
    if len(comp) and len(comp) == len(rows):
        row = comp.sort_values("as_of").iloc[-1]
        total = float(row["complement_of"])
        return total - float(row["value"]), (f"{total:g} − {row['value']:g} ({row['evidence_id']}, complement of the "
                                             "printed figure)")
    parts = rows[rows["combine"] == "sum"]
    if len(parts):
        latest = parts["as_of"].max()
        p = parts[parts["as_of"] == latest]
        return float(p["value"].sum()), " + ".join(f"{v:g} ({i})" for i, v in zip(p["evidence_id"], p["value"]))
    row = rows.sort_values("as_of", na_position="first").iloc[-1]
    return float(row["value"]), f"{row['value']:g} ({row['evidence_id']})"
