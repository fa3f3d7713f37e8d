"""The words a page prints about an ENPOL comparison between editions.
"""

from __future__ import annotations


import pandas as pd

from mxrights.sources import registry
from mxrights.sources.enpol import registry_name


def _landing(edition: str) -> str:
    reg = registry.load_registry(include_pending=True).set_index("name")
    n = registry_name(edition)
    return reg.loc[n, "url"]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def comparison_text(cmp: dict) -> str:
    """The torture page's paragraph on one 2016 → 2021 comparison (Markdown).

    Args:
        cmp: a dict from :func:`edition_difference`.

    Returns:
        The two published figures (percent, one decimal) with their dates and definitions,
        their difference in percentage points ("lower"/"higher"), what differs between the
        questions and, when the microdata are present, the design-based 95 % interval of the
        difference; otherwise why no interval is given.
    """
    diff = cmp["difference_pp"]
    text = (f"### INEGI's prison survey, 2016 and 2021\n\n"
            f"**{cmp['published_a']:.1f}%** in {cmp['as_of_a']} ({_lower_first(cmp['definition_a'])}) "
            f"and **{cmp['published_b']:.1f}%** in {cmp['as_of_b']} ({_lower_first(cmp['definition_b'])}): "
            f"the published figures are {abs(diff):.1f} percentage points {'lower' if diff < 0 else 'higher'} "
            f"in {cmp['as_of_b']}. **What differs between the questions:** {cmp['wording']}.")
    d = cmp["design"]
    if d is not None:
        return text + (" From INEGI's microdata, with the survey design (strata, weights, finite-population "
                       f"correction): {d.difference_pp:+.1f} points (95% CI {d.ci_low_pp:+.1f} to {d.ci_high_pp:+.1f}).")
    return text + (" No interval is given: one computed from the published percentages as if from a simple "
                   "random sample would understate the survey's variance, and the design-based interval needs "
                   "INEGI's microdata, which are not on this machine (`mxrights enpol` says where to get them "
                   "and recomputes it).")
