"""mxrights: reproducible checks of the statistics in civil-society human-rights memos on Mexico.

Modules, one job each:

- :mod:`mxrights.paths` — where the project, its raw data and the data mirror live.
- :mod:`mxrights.registry` — the data registry: hashes, provenance, verification, download.
- :mod:`mxrights.text` — normalisation of PDF/web-extracted memo text.
- :mod:`mxrights.schemas` — pandera schemas of the ledger, relations and evidence tables.
- :mod:`mxrights.claims` — the claims ledger and the arithmetic relations between claims.
- :mod:`mxrights.evidence` — official figures transcribed from the publications the memos cite.
- :mod:`mxrights.cleaning` — loaders and cleaners of primary files, with row accounting.
- :mod:`mxrights.indicators` — indicators recomputed from primary data.
- :mod:`mxrights.verdicts` — the rules that give every claim its verdict.
- :mod:`mxrights.series` — annual series and trend models.
- :mod:`mxrights.tables` — the processed tables written to ``data/processed``.
- :mod:`mxrights.runner` — parallel, incremental notebook execution with Papermill.
- :mod:`mxrights.site` — the HTML site under ``reports/html``.
"""

__version__ = "0.1.0"
