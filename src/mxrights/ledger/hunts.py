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

from mxrights.sources import package



@lru_cache(maxsize=2)
def outcomes(path: Path | None = None) -> pd.DataFrame:
    """The hunt outcomes (``outcome, label, description``), in table order."""
    from mxrights.sources import registry

    path = path or registry.resolve("hunt_outcome_vocabulary")
    return package.read("hunt_outcome_vocabulary", path).fillna("")


def load_hunts(claim_ids: set[str], evidence_ids: set[str], path: Path | None = None) -> pd.DataFrame:
    """Read and validate the hunt log.

    Raises:
        mxrights.sources.schemas.TableError: naming file, row, column and value: a missing column, an
            unknown claim or evidence id, an outcome outside the vocabulary, a date not of the
            form YYYY-MM-DD or after today, an empty ``why``.
    """
    from mxrights.sources import registry

    path = path or registry.resolve("evidence_hunts")
    today = pd.Timestamp.today().normalize()

    def not_after_today(d: pd.DataFrame) -> pd.Series:
        day = pd.to_datetime(d["searched_on"], errors="coerce", format="%Y-%m-%d")
        return day.isna() | (day <= today)

    df = package.read("evidence_hunts", path,
                      refs={("claims_ledger", "claim_id"): claim_ids, ("evidence_official_figures", "evidence_id"): evidence_ids},
                      rules=[("searched_on_not_after_today", not_after_today)])
    return df.fillna("")


def for_claim(hunts: pd.DataFrame, claim_id: str) -> pd.DataFrame:
    """The hunt rows of one claim."""
    return hunts[hunts["claim_id"] == claim_id]


def clear_cache() -> None:
    """Forget the outcome vocabulary."""
    outcomes.cache_clear()
