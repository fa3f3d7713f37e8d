"""mxrights: reproducible checks of the statistics in civil-society human-rights memos on Mexico.

Subpackages, in the order data moves through them (each module has one job):

- :mod:`mxrights.sources` — data in. ``registry`` (hashes, provenance, download), ``schemas``
  (reading a hand-made CSV safely), ``package`` (every table's schema from ``datapackage.json``
  and the one engine that checks it), ``text`` (memo text normalisation), ``geo`` (states and
  places, from tables), ``readers`` (what the primary-file loaders share: errors, row ledger,
  checked CSV reading) and one module per primary source: ``disappearances``, ``graves``,
  ``journalists``, ``impunity``, ``violence``, ``enpol`` (with ``survey``, design-based estimation).
- :mod:`mxrights.ledger` — what the documents say and what was read elsewhere: ``vocab`` (the
  vocabulary tables), ``claims``, ``evidence``, ``hunts``, ``facts``.
- :mod:`mxrights.judge` — the verdicts: ``recompute`` (claims re-derived from primary data),
  ``verdicts`` (the rules), ``repeats`` (memo over memo), ``survey_checks`` (ENPOL figures).
- :mod:`mxrights.series` — annual series: ``annual`` (assembly, trends, answer sentences),
  ``reconcile`` (against publishers' printed totals), ``context`` (context topics).
- :mod:`mxrights.build` — the build: ``tables`` (processed tables), ``pipeline`` (verify → tables
  → notebooks → pages, ``stale``), ``plan`` (jobs and build keys), ``keys`` (what a page reads),
  ``kernels`` (executing notebooks), ``runner`` (running a plan), ``stepcache``, ``params``.
- :mod:`mxrights.publish` — what readers see: ``pages`` (site map), ``site``, ``report`` (charts
  and fragments), ``state_page``, ``survey_text``, ``citations``, ``docs`` (documents written from
  data), ``templating``.

:mod:`mxrights.paths` says where things are; :mod:`mxrights.cli` is the ``mxrights`` command.
"""

__version__ = "0.1.0"
