"""Places: INEGI state codes, the spellings each source uses, and the geographies of the ledger.

Three registered tables hold every fact about places; this module only reads them:

- ``data/raw/vocabulary/states.csv``: INEGI state codes (*claves de entidad*, two digits) with
  ISO 3166-2 codes and names in Spanish (short and official) and English; ``00`` is the whole
  country (``kind = national``) and ``99`` a state not recorded (``kind = unspecified``).
- ``data/raw/vocabulary/state_recodes.csv``: the spellings and codes sources use for those
  (``source`` = a registry name or ``*`` for every source; ``kind`` = ``name`` or ``code``),
  e.g. CENAPI's ``00`` and the 2026 RNPDNO query's ``33`` both mean "state not recorded".
- ``data/raw/vocabulary/geographies.csv``: every ``geography`` a claim or evidence row may
  name, its level and the state it lies in (empty when it spans several states or none).
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

import pandas as pd


#: Code of the whole country and of a state not recorded (rows of ``states.csv``).
NATIONAL, UNSPECIFIED = "00", "99"


def fold(name: str) -> str:
    """A name compared without case, accents, dots or repeated spaces (``'NUEVO LEÓN'`` → ``'nuevo leon'``)."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(s.lower().replace(".", " ").split())


@lru_cache(maxsize=4)
def states(path: Path | None = None) -> pd.DataFrame:
    """``states.csv`` indexed by ``state_code`` (two-digit INEGI codes; ``kind`` national, state or
    unspecified, checked by its schema)."""
    from mxrights.sources import registry
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("state_vocabulary")
    df = _read(path, "state_vocabulary")
    return df.set_index("state_code", drop=False)


def state_codes() -> list[str]:
    """The 32 INEGI codes of the states (``01`` … ``32``), in order."""
    s = states()
    return sorted(s.loc[s["kind"] == "state", "state_code"])


def name_en(code: str) -> str:
    """English name of an INEGI code (``'15'`` → ``'State of Mexico'``, ``'00'`` → ``'Mexico'``)."""
    return str(states().loc[code, "name_en"])


def bilingual(code: str) -> str:
    """A state's English name and, where it differs, its official Spanish name
    (``'Mexico City — Ciudad de México'``, ``'Jalisco'``)."""
    r = states().loc[code]
    return r["name_en"] if r["name_en"] == r["name_es_official"] else f"{r['name_en']} — {r['name_es_official']}"


@lru_cache(maxsize=4)
def state_recodes(path: Path | None = None) -> pd.DataFrame:
    """``state_recodes.csv``: each source's spellings and codes, mapped to a code of ``states.csv``."""
    from mxrights.sources import registry
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("state_recodes")
    df = _read(path, "state_recodes")
    return df


def _lookup(source: str, kind: str) -> dict[str, str]:
    rec = state_recodes()
    rec = rec[(rec["kind"] == kind) & rec["source"].isin(["*", source])]
    if kind == "name":
        s = states()
        s = s[s["kind"] == "state"]  # 'México' is the State of Mexico; the country is named by a recode
        table = {fold(n): c for col in ("name_es", "name_es_official", "name_en") for c, n in s[col].items()}
        return table | {fold(v): c for v, c in zip(rec["value"], rec["state_code"])}
    return {v: c for v, c in zip(rec["value"], rec["state_code"])}


def spellings(source: str, code: str) -> list[str]:
    """The values ``state_recodes.csv`` declares for ``source`` (not ``*``) that stand for ``code``
    (e.g. CPJ's ``Mexico`` for the country, ``00``)."""
    rec = state_recodes()
    return rec.loc[(rec["source"] == source) & (rec["state_code"] == code), "value"].tolist()


def codes_from_codes(codes: pd.Series, source: str, path, column: str) -> pd.Series:
    """INEGI codes from a source's state-code column (``'1'`` → ``'01'``; the source's own codes
    for "not recorded" → ``'99'`` as ``state_recodes.csv`` says).

    Raises:
        mxrights.sources.readers.DataError: a code neither in ``states.csv`` nor recoded for ``source``,
            naming the file, row, column and value.
    """
    from mxrights.sources.readers import DataError

    recode = _lookup(source, "code")
    known = set(states()["state_code"])
    out = {}
    for v in pd.Series(codes.fillna("").astype(str).unique()):
        v2 = v.strip()
        if v2 in recode:
            out[v] = recode[v2]
        elif v2.isdigit() and f"{int(v2):02d}" in known and f"{int(v2):02d}" not in (NATIONAL, UNSPECIFIED):
            out[v] = f"{int(v2):02d}"
        else:
            i = int((codes.fillna("").astype(str) == v).to_numpy().argmax())
            raise DataError(f"{source} ({path}), row {i + 2}, column {column}: {v!r} is not an INEGI state code "
                            "(01–32) nor a code data/raw/vocabulary/state_recodes.csv declares for this source")
    return codes.fillna("").astype(str).map(out)


def codes_from_names(names: pd.Series, source: str, path=None, column: str = "name") -> pd.Series:
    """INEGI codes from state names as a source prints them; case, accents and spacing are ignored
    ('NUEVO LEON' = 'Nuevo León'); other spellings come from ``state_recodes.csv``.

    Raises:
        mxrights.sources.readers.DataError: an unknown name, naming the file, row, column and value.
    """
    from mxrights.sources.readers import DataError

    table = _lookup(source, "name")
    out = {}
    for v in names.fillna("").astype(str).unique():
        if fold(v) not in table:
            i = int((names.fillna("").astype(str) == v).to_numpy().argmax())
            raise DataError(f"{source} ({path}), row {i + 2}, column {column}: unknown state name {v!r}; add its "
                            "spelling to data/raw/vocabulary/state_recodes.csv")
        out[v] = table[fold(v)]
    return names.fillna("").astype(str).map(out)


@lru_cache(maxsize=4)
def geographies(path: Path | None = None) -> pd.DataFrame:
    """``geographies.csv`` indexed by ``geography``, plus one row per state (its English name,
    level ``state``): every geography a row of the project may name."""
    from mxrights.sources import registry
    from mxrights.ledger.vocab import _read

    path = path or registry.resolve("geography_vocabulary")
    df = _read(path, "geography_vocabulary")
    s = states()
    own = pd.DataFrame({"geography": s["name_en"], "level": s["kind"].replace({"national": "country"}),
                        "state_code": s["state_code"], "note": ""})
    own = own[~own["geography"].isin(df["geography"])]
    return pd.concat([df, own], ignore_index=True).set_index("geography", drop=False)


def state_of(geography: pd.Series) -> pd.Series:
    """The INEGI code of the state (or ``00`` for the country) each geography lies in; ``""`` when
    it spans several states or lies outside Mexico."""
    g = geographies()["state_code"]
    return geography.map(lambda x: g.get(x, ""))


def clear_cache() -> None:
    """Forget the tables read (after an edit)."""
    for f in (states, state_recodes, geographies):
        f.cache_clear()
