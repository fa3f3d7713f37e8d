"""The evidence hunt: for every claim searched for, what was searched, found and concluded.

``data/raw/hunts.csv`` holds one row per claim and hunt: ``claim_id``, ``searched_on`` (date),
``queries`` (`` | ``-joined), ``corpus`` (where), ``found`` (the best page, or empty),
``outcome`` (a row of ``vocabulary/hunt_outcomes.csv``), ``evidence_id`` (the evidence row the
hunt added, when it found any, ``;``-joined) and ``why`` (in words: why it does or does not settle or bound
the claim). Every claim left unverifiable has a hunt record; the claim's card shows it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from . import schemas

COLUMNS = ["claim_id", "searched_on", "queries", "corpus", "found", "outcome", "evidence_id", "why"]


@lru_cache(maxsize=2)
def outcomes(path: Path | None = None) -> pd.DataFrame:
    """The hunt outcomes (``outcome, label, description``), in table order."""
    from . import registry

    path = path or registry.resolve("hunt_outcome_vocabulary")
    df = schemas.read_table(path).fillna("")
    missing = [c for c in ("outcome", "label", "description") if c not in df.columns]
    if missing:
        raise schemas.TableError(f"{path}: missing column(s) {', '.join(missing)}")
    return df


def load_hunts(claim_ids: set[str], evidence_ids: set[str], path: Path | None = None) -> pd.DataFrame:
    """Read and validate the hunt log.

    Raises:
        mxrights.schemas.TableError: naming file, row, column and value: a missing column, an
            unknown claim or evidence id, an outcome outside the vocabulary, a date not of the
            form YYYY-MM-DD or after today, an empty ``why``.
    """
    from . import registry

    path = path or registry.resolve("evidence_hunts")
    df = schemas.read_table(path).fillna("")
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise schemas.TableError(f"{path}, header (line 1): missing column(s) {', '.join(missing)}")
    known = set(outcomes()["outcome"])
    today = pd.Timestamp.today().normalize()
    for i, r in df.iterrows():
        where = f"{path}, row {i + 2}"
        if r["claim_id"] not in claim_ids:
            raise schemas.TableError(f"{where}, column claim_id: {r['claim_id']!r} is not a claim of data/raw/claims.csv")
        if r["outcome"] not in known:
            raise schemas.TableError(f"{where}, column outcome: {r['outcome']!r} is not one of {', '.join(sorted(known))}")
        unknown = [e for e in r["evidence_id"].split(";") if e and e not in evidence_ids]
        if unknown:
            raise schemas.TableError(f"{where}, column evidence_id: {unknown[0]!r} is not an evidence row")
        try:
            day = pd.Timestamp(r["searched_on"]) if len(r["searched_on"]) == 10 else None
        except ValueError:
            day = None
        if day is None or day > today:
            raise schemas.TableError(f"{where}, column searched_on: {r['searched_on']!r} is not a date (YYYY-MM-DD) "
                                     "on or before today")
        if not r["why"].strip():
            raise schemas.TableError(f"{where}, column why: empty; say why the hunt does or does not settle the claim")
    return df


def for_claim(hunts: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The hunt rows of one claim."""
    return hunts[hunts["claim_id"] == claim_id]


def clear_cache() -> None:
    """Forget the outcome vocabulary."""
    outcomes.cache_clear()
