"""The data registry: every input file with its hash and provenance.

``data/registry.csv`` lists each raw input once (OWID-style origin fields: producer,
citation, landing URL, download URL, publication and retrieval dates, licence, sha256,
size). Two locations exist:

- ``raw``: small tables transcribed by hand, committed under ``data/raw/``;
- ``mirror``: large public files, never committed, read from the mirror directory
  (``MXRIGHTS_DATA_MIRROR`` or ``../shared/data``) or, when a download URL is known and
  the caller allows it, fetched and cached by :mod:`pooch`.

Every read of a registered file goes through :func:`resolve`, which checks the sha256, so a
changed file can never flow silently into a result.

A row whose ``sha256`` is empty is *pending*: the file is known (publisher, landing page) but
its hash is not, because it was never fetched here (the ENPOL microdata). :func:`load_registry`
leaves pending rows out unless asked (so :func:`verify` and ``mxrights data verify`` check only
files with a known hash, and list pending ones apart, see :func:`pending`); :func:`resolve`
refuses to read a pending file; the hash is recorded once, by an explicit
:func:`fetch` with ``record=True`` or :func:`record_hash`, and enforced from then on.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
import os
from functools import lru_cache
from pathlib import Path

import pandas as pd

from mxrights import paths

REGISTRY_COLUMNS = [
    "name", "location", "path", "sha256", "bytes", "topic", "publisher", "publisher_es",
    "title", "citation", "url", "download_url", "published", "retrieved", "license",
    "secondary", "notes",
]


class RegistryError(Exception):
    """Base class of data-registry errors."""


class MissingFileError(RegistryError):
    """A registered file is not where the registry says, and cannot be fetched."""


class HashMismatchError(RegistryError):
    """A registered file's sha256 differs from the registry's."""


class HashUnknownError(RegistryError):
    """A registered file's sha256 is not yet recorded (a pending row): it is not read until it is."""


log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Entry:
    """One registry row (see ``REGISTRY_COLUMNS``)."""

    name: str
    location: str
    path: str
    sha256: str
    bytes: int
    topic: str
    publisher: str
    download_url: str
    url: str


def registry_path() -> Path:
    """Return the path of ``data/registry.csv`` (``MXRIGHTS_REGISTRY`` overrides it, for checks)."""
    env = os.environ.get("MXRIGHTS_REGISTRY")
    return Path(env) if env else paths.data_dir() / "registry.csv"


def load_registry(path: Path | None = None, include_pending: bool = False) -> pd.DataFrame:
    """Read and validate the registry table.

    Args:
        path: registry CSV; defaults to ``data/registry.csv``.
        include_pending: also return pending rows (empty ``sha256``: hash not yet recorded;
            their ``bytes`` read as 0).

    Returns:
        One row per registered file, columns ``REGISTRY_COLUMNS``.

    Raises:
        RegistryError: a column is missing or a name is duplicated (file, row, column named).
    """
    path = Path(path or registry_path())
    st = path.stat() if path.exists() else None
    stamp = (st.st_mtime_ns, st.st_size) if st else (0, 0)
    return _load_registry(path, stamp, include_pending).copy()


@lru_cache(maxsize=8)
def _load_registry(path: Path, stamp: tuple[int, int], include_pending: bool) -> pd.DataFrame:
    """:func:`load_registry`, read once per state of the file (keyed on its mtime and size)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    missing = [c for c in REGISTRY_COLUMNS if c not in df.columns]
    if missing:
        raise RegistryError(f"{path}: missing column(s) {missing}; expected {REGISTRY_COLUMNS}")
    dup = df[df["name"].duplicated()]
    if len(dup):
        row = int(dup.index[0]) + 2
        raise RegistryError(f"{path}, row {row}, column 'name': duplicate name {dup['name'].iloc[0]!r}")
    bad = df[~df["location"].isin(["raw", "mirror", "seeds", "memo_series"])]
    if len(bad):
        row = int(bad.index[0]) + 2
        raise RegistryError(f"{path}, row {row}, column 'location': {bad['location'].iloc[0]!r} is not raw, mirror, seeds or memo_series")
    df["bytes"] = pd.to_numeric(df["bytes"].where(df["bytes"].str.strip() != "", "0")).astype("int64")
    if not include_pending:
        df = df[df["sha256"].str.strip() != ""]
    return df


def is_pending(row: pd.Series) -> bool:
    """True when a registry row's sha256 is not yet recorded."""
    return str(row["sha256"]).strip() == ""


def file_sha256(path: Path) -> str:
    """Return the hex sha256 of a file (read in 1 MiB blocks)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _entry(name: str, registry: pd.DataFrame | None = None) -> pd.Series:
    reg = registry if registry is not None else load_registry(include_pending=True)
    index = reg.attrs.get("_row_of_name")
    if index is None or len(index) != len(reg):  # built once per registry frame: verify looks up every name
        index = {n: i for i, n in enumerate(reg["name"])}
        reg.attrs["_row_of_name"] = index
    if name not in index:
        raise RegistryError(f"{name!r} is not in the data registry ({registry_path()}); add a row for it")
    return reg.iloc[index[name]]


def _how_to_obtain(row: pd.Series) -> str:
    if row["location"] == "raw":
        return f"it is committed with the project: restore it with `git checkout -- data/raw/{row['path']}`"
    if row["location"] in ("seeds", "memo_series"):
        folder = paths.seeds_dir() if row["location"] == "seeds" else paths.memo_series_dir()
        return f"put the text at {folder / row['path']} (it is archived from {row['url']})"
    how = f"put the file at <mirror>/{row['path']} (set MXRIGHTS_DATA_MIRROR, default ../shared/data)"
    record = " --record" if is_pending(row) else ""
    if row["download_url"]:
        how += f", or run `mxrights data fetch {row['name']}{record}` to download {row['download_url']}"
    else:
        how += f"; it is published at {row['url']}"
    if record:
        how += ("; its sha256 is not yet recorded: after checking the file is the publisher's, record it once with "
                + (f"`mxrights data fetch {row['name']} --record`" if row["download_url"]
                   else f"`mxrights data record {row['name']}`"))
    return how


def local_path(row: pd.Series) -> Path | None:
    """Return where a registry row's file should be on disk, or None without a mirror.

    Locations: ``raw`` (committed tables under data/raw), ``seeds`` (the checked documents,
    ``MXRIGHTS_SEEDS``), ``memo_series`` (texts of the memo series, ``MXRIGHTS_MEMO_SERIES``)
    and ``mirror`` (large public files, ``MXRIGHTS_DATA_MIRROR``).
    """
    if row["location"] == "raw":
        return paths.raw_dir() / row["path"]
    if row["location"] == "seeds":
        return paths.seeds_dir() / row["path"]
    if row["location"] == "memo_series":
        return paths.memo_series_dir() / row["path"]
    mirror = paths.mirror_dir()
    if mirror is not None:
        return mirror / row["path"]
    cached = _pooch_cache() / row["name"]
    return cached if cached.exists() else None


def _pooch_cache() -> Path:
    import pooch

    return Path(pooch.os_cache("mxrights"))


def check_hash(path: Path, expected: str, name: str) -> None:
    """Raise :class:`HashMismatchError` naming file, expected and actual hash when they differ."""
    actual = file_sha256(path)
    if actual != expected:
        raise HashMismatchError(
            f"{name}: sha256 mismatch for {path}\n  expected {expected}\n  actual   {actual}\n"
            "The file changed since it was registered. If the publisher issued a new version, "
            "register it as a new dated entry (`mxrights data rehash` for raw tables); otherwise restore the original."
        )


def resolve(name: str, registry: pd.DataFrame | None = None, download: bool = False) -> Path:
    """Return the verified local path of a registered file.

    Args:
        name: the registry ``name``.
        registry: an already loaded registry (saves a read in loops).
        download: allow a network download with pooch when the file is not local.

    Raises:
        MissingFileError: not on disk, and not downloadable (message says how to obtain it).
        HashMismatchError: on disk but its sha256 differs from the registry.
    """
    row = _entry(name, registry)
    path = local_path(row)
    if path is None or not path.exists():
        if download and row["download_url"]:
            return fetch(name, registry)
        where = "no data mirror is set (MXRIGHTS_DATA_MIRROR unset and ../shared/data absent)" if path is None else f"not found at {path}"
        raise MissingFileError(f"{name}: {where}. To obtain it, {_how_to_obtain(row)}.")
    if is_pending(row):
        raise HashUnknownError(f"{name}: {path} is present but its sha256 is not yet recorded in {registry_path()}; "
                               f"check it is the publisher's file ({row['url']}) and record it once with "
                               f"`mxrights data record {name}`; every later read is checked against it")
    check_hash(path, row["sha256"], name)
    return path


def fetch(name: str, registry: pd.DataFrame | None = None, cache: Path | None = None,
          record: bool = False, registry_file: Path | None = None) -> Path:
    """Download a registered file with pooch into the cache, checking its sha256.

    Network access happens only here, and only when a user asks for it.

    Args:
        name: the registry name.
        registry: an already loaded registry.
        cache: download folder (default: pooch's cache for mxrights).
        record: for a pending row only (sha256 not yet known): download without a hash check and
            record the file's sha256 and size in the registry (:func:`record_hash`); from then on
            every read checks them. ``mxrights data fetch NAME --record``.
        registry_file: the registry file to update when recording (default ``data/registry.csv``).

    Raises:
        MissingFileError: no download URL.
        HashUnknownError: a pending row fetched without ``record``.
        RegistryError: ``record`` asked for a row whose hash is already known.
        HashMismatchError: the download differs from the registered hash.
    """
    import pooch

    row = _entry(name, registry)
    if not row["download_url"]:
        raise MissingFileError(f"{name}: no download URL is registered. To obtain it, {_how_to_obtain(row)}.")
    target = Path(cache) if cache else _pooch_cache()
    if is_pending(row):
        if not record:
            raise HashUnknownError(f"{name}: no sha256 is registered yet, so a download cannot be checked. "
                                   f"Fetch it once with `mxrights data fetch {name} --record` (record=True) to record "
                                   "its hash; every later read is checked against it")
        fname = pooch.retrieve(row["download_url"], known_hash=None, fname=row["name"], path=target, progressbar=False)
        record_hash(name, Path(fname), registry_file)
        return Path(fname)
    if record:
        raise RegistryError(f"{name}: its sha256 is already recorded ({row['sha256']}); it is never overwritten. "
                            "If the publisher issued a new version, register it as a new dated entry")
    try:
        fname = pooch.retrieve(row["download_url"], known_hash=f"sha256:{row['sha256']}",
                               fname=row["name"], path=target, progressbar=False)
    except ValueError as exc:  # pooch reports hash mismatches as ValueError
        raise HashMismatchError(f"{name}: downloaded file from {row['download_url']} failed the hash check: {exc}") from exc
    return Path(fname)


def record_hash(name: str, path: Path | None = None, registry_file: Path | None = None) -> str:
    """Record the sha256 and size of a pending row's file, once, in the registry file.

    Args:
        name: the registry name; its ``sha256`` must be empty (a known hash is never replaced).
        path: the file (default: where the row says it is, e.g. ``<mirror>/<path>``).
        registry_file: the registry to update (default ``data/registry.csv``).

    Returns:
        The recorded sha256. Only this row's ``sha256`` and ``bytes`` cells change.

    Raises:
        RegistryError: unknown name, or the hash is already recorded.
        MissingFileError: the file is absent.
    """
    registry_file = Path(registry_file) if registry_file else registry_path()
    load_registry(registry_file, include_pending=True)  # validate the whole table first
    raw = pd.read_csv(registry_file, dtype=str, keep_default_na=False)
    rows = raw.index[raw["name"] == name]
    if len(rows) == 0:
        raise RegistryError(f"{name!r} is not in the data registry ({registry_file}); add a row for it")
    i = rows[0]
    if not is_pending(raw.loc[i]):
        raise RegistryError(f"{name}: its sha256 is already recorded ({raw.at[i, 'sha256']}); it is never overwritten. "
                            "If the publisher issued a new version, register it as a new dated entry")
    path = Path(path) if path else local_path(raw.loc[i])
    if path is None or not path.exists():
        raise MissingFileError(f"{name}: cannot record a hash, the file is not at {path}. To obtain it, {_how_to_obtain(raw.loc[i])}.")
    digest = file_sha256(path)
    raw.at[i, "sha256"] = digest
    raw.at[i, "bytes"] = str(path.stat().st_size)
    raw.to_csv(registry_file, index=False, lineterminator="\n")
    return digest


def pending(registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Pending rows (sha256 not yet recorded), with a status saying where each stands.

    Returns:
        Columns ``name, location, path, status, detail``; ``status`` is ``NOT YET FETCHED`` (no
        file) or ``HASH UNKNOWN`` (the file is there but its hash was never recorded).
    """
    reg = registry if registry is not None else load_registry(include_pending=True)
    out = []
    for _, row in reg[reg["sha256"].str.strip() == ""].iterrows():
        p = local_path(row)
        present = p is not None and p.exists()
        out.append({"name": row["name"], "location": row["location"], "path": row["path"],
                    "status": "HASH UNKNOWN" if present else "NOT YET FETCHED",
                    "detail": f"{row['name']}: " + (f"{p} has no recorded sha256" if present else "not fetched")
                    + f". To obtain it, {_how_to_obtain(row)}."})
    return pd.DataFrame(out, columns=["name", "location", "path", "status", "detail"])


def verify(registry: pd.DataFrame | None = None) -> pd.DataFrame:
    """Check every registered file; return a status table (never raises for a bad file).

    Returns:
        Columns ``name, location, path, bytes, status, detail``; ``status`` is ``OK``,
        ``MISSING`` or ``HASH MISMATCH`` (or ``NOT YET FETCHED`` / ``HASH UNKNOWN`` for a pending
        row, when the caller passes a registry that includes them). Pending rows of the default
        registry are not checked (there is no hash to check): :func:`pending` lists them (and
        ``mxrights data verify`` prints them).
    """
    reg = load_registry() if registry is None else registry
    out = []
    waiting = pending(reg).set_index("name") if len(reg) else pd.DataFrame()
    for _, row in reg.iterrows():
        if is_pending(row):
            out.append({"name": row["name"], "location": row["location"], "path": row["path"], "bytes": int(row["bytes"]),
                        "status": waiting.at[row["name"], "status"], "detail": waiting.at[row["name"], "detail"]})
            continue
        try:
            p = resolve(row["name"], reg)
            status, detail = "OK", str(p)
        except MissingFileError as exc:
            status, detail = "MISSING", str(exc)
        except HashMismatchError as exc:
            status, detail = "HASH MISMATCH", str(exc)
        out.append({"name": row["name"], "location": row["location"], "path": row["path"],
                    "bytes": int(row["bytes"]), "status": status, "detail": detail})
    return pd.DataFrame(out)


def rehash_raw(registry_file: Path | None = None, validate=None) -> list[str]:
    """Recompute sha256 and size of every ``raw`` entry and rewrite the registry file.

    Args:
        registry_file: the registry to update (default ``data/registry.csv``).
        validate: a function called with the new hashes in force (through a temporary
            registry named by ``MXRIGHTS_REGISTRY``) before anything is written; it raises
            when a table is invalid, and then the registry is left unchanged.

    Returns the names whose hash changed. Mirror entries are never rehashed: a changed
    public file must be registered anew, not silently accepted.
    """
    import tempfile

    registry_file = registry_file or registry_path()
    reg = load_registry(registry_file, include_pending=True)
    changed = []
    for i, row in reg.iterrows():
        if row["location"] != "raw":
            continue
        p = paths.raw_dir() / row["path"]
        digest = file_sha256(p)
        if digest != row["sha256"]:
            changed.append(row["name"])
        reg.at[i, "sha256"] = digest
        reg.at[i, "bytes"] = p.stat().st_size
    if validate is not None:
        with tempfile.TemporaryDirectory() as tmp:
            trial = Path(tmp) / "registry.csv"
            reg.to_csv(trial, index=False, lineterminator="\n")
            old = os.environ.get("MXRIGHTS_REGISTRY")
            os.environ["MXRIGHTS_REGISTRY"] = str(trial)
            try:
                validate()
            finally:
                if old is None:
                    os.environ.pop("MXRIGHTS_REGISTRY", None)
                else:
                    os.environ["MXRIGHTS_REGISTRY"] = old
    reg["bytes"] = reg["bytes"].astype(str).where(reg["sha256"].str.strip() != "", "")  # pending: size unknown
    reg.to_csv(registry_file, index=False, lineterminator="\n")
    return changed


def register_documents(registry_file: Path | None = None) -> list[str]:
    """Add a registry row for every document of ``data/raw/memos.csv`` whose text is in its folder
    (the seeds, or the memo-series texts) but not yet registered: its sha256 and size, and its
    publisher, title, date and address from ``memos.csv`` (so a new memo is three hand-edited
    files: its text, its row of memos.csv and its claims). A registered text is never rehashed
    here: an edited document must fail its hash check. Returns the names added."""
    import csv
    from datetime import date

    registry_file = registry_file or registry_path()
    reg = load_registry(registry_file, include_pending=True)
    known = set(reg["name"])
    with open(paths.raw_dir() / "memos.csv", newline="", encoding="utf-8") as fh:
        memos = list(csv.DictReader(fh))
    rows = []
    for m in memos:
        seed = m["collection"] == "seed"
        location, folder = ("seeds", paths.seeds_dir()) if seed else ("memo_series", paths.memo_series_dir())
        name = f"{'seed' if seed else 'memo_series'}:{m['document']}"
        path = folder / m["document"]
        if name in known or not path.exists():
            continue
        rows.append({"name": name, "location": location, "path": m["document"], "sha256": file_sha256(path),
                     "bytes": str(path.stat().st_size), "topic": "all", "publisher": m["author"],
                     "publisher_es": m["author_es"], "title": m["title"],
                     "citation": f"{m['author']}, {m['title']} ({m['published']})", "url": m["url"], "download_url": "",
                     "published": m["published"], "retrieved": date.today().isoformat(),
                     "license": "quoted for review (fair use); rights belong to the authors", "secondary": "no",
                     "notes": "checked document (seed)" if seed else f"memo-series; holding: {m['holding']}"})
    if rows:
        reg = pd.concat([reg, pd.DataFrame(rows)], ignore_index=True)[reg.columns]
        reg.to_csv(registry_file, index=False, lineterminator="\n")
    return [r["name"] for r in rows]


def names(topic: str | None = None, registry: pd.DataFrame | None = None) -> list[str]:
    """Return registry names, optionally those of one topic."""
    reg = registry if registry is not None else load_registry()
    if topic:
        reg = reg[reg["topic"] == topic]
    return reg["name"].tolist()
