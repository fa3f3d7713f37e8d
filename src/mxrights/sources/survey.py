"""Design-based estimation of proportions from a stratified sample (Taylor linearisation).

One estimator: the ratio of two weighted totals, ``R = Σ w·z·y / Σ w·z``, where ``z`` is the
indicator of a domain (subpopulation) and ``y`` a 0/1 outcome. With ``z = 1`` everywhere it is
the weighted proportion of the whole population. The design is the one INEGI's ENPOL
publishes: strata (``EST_DIS``), one primary sampling unit (PSU) per person (``ID_PER``), a
finite-population correction per stratum (``FPC``) and person weights (``FAC_PER``) — R's
``svydesign(ids = ~ID_PER, strata = ~EST_DIS, fpc = ~FPC, weights = ~FAC_PER)``.

Variance (Taylor linearisation, PSUs treated as drawn with replacement within strata, times the
finite-population correction ``1 − f_h``):

    u_i   = w_i · z_i · (y_i − R) / X̂,            X̂ = Σ_i w_i · z_i
    V(R)  = Σ_h (1 − f_h) · n_h / (n_h − 1) · Σ_{i in h} (u_i − ū_h)²

where ``n_h`` counts every PSU of stratum ``h`` in the sample, in the domain or not. Domain
estimation therefore uses the indicator ``z``, never a subset: persons outside the domain have
``u_i = 0`` but still count in ``n_h`` and in ``ū_h``, and strata without a domain member still
count in the degrees of freedom. Subsetting the rows first gives a different (wrong) variance.

The confidence interval is Wald's, ``R ± q · SE``. By default ``q`` is the normal quantile, which
is what R's survey package prints for ``confint(svymean(...))`` (its ``df = Inf`` default); with
``ci="t"`` it is Student's t with the design degrees of freedom ``n_PSU − n_strata`` (R's
``degf(design)``), which matters only with few PSUs. ENPOL has tens of thousands of PSUs, where the
two agree to three decimals. Intervals are not truncated to [0, 1]. (The normal
quantile comes from :class:`statistics.NormalDist`; the t quantile from the exact finite series of
Student's distribution for integer df, Abramowitz & Stegun 26.7.3-4, inverted by bisection — no
scipy import.)

The finite-population correction is given per row as a *sampling fraction* ``f_h = n_h / N_h``
(values in (0, 1], INEGI's ``FPC``: the descriptors give ranges 0.0305–0.8333 in 2016 and
0.0339–1.0 in 2021) or as a *population size* ``N_h`` (values ≥ n_h); R's survey package makes
the same distinction (values ≤ 1 are fractions). It must be constant within a stratum. A stratum
with ``f_h = 1`` (every person interviewed) contributes no variance; any other stratum with a
single PSU is an error (R's ``survey.lonely.psu = "fail"``).

Libraries considered. ``samplics`` 0.6.1 (MIT) is marked "Development Status :: 7 - Inactive" and
its README says it is no longer maintained and points to its successor ``svy``. ``svy`` 0.35.0
(MIT, Python ≥ 3.11, beta, actively released) would bring polars ≥ 2, msgspec and two compiled
companions (``svy-rs``, ``svy-io``) into a project that has none of them, for one estimator. The
formula above is a dozen lines of numpy, checked here against a hand-worked example and a second,
algebraically different computation (the ratio's variance from the totals' variances and
covariance), so it is written out instead.
"""

from __future__ import annotations

import math
from statistics import NormalDist
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import pandas as pd

__all__ = ["SurveyEstimate", "ratio_estimate", "proportion", "difference", "sampling_fractions"]


@dataclass(frozen=True)
class SurveyEstimate:
    """A design-based estimate of a proportion (all proportions are fractions in [0, 1]).

    Attributes:
        estimate: the weighted proportion ``R`` (fraction).
        se: its standard error (fraction).
        ci_low, ci_high: the Wald confidence interval (fraction), not truncated.
        level: the confidence level (0.95 for a 95% interval).
        ci_method: ``"normal"`` or ``"t"``.
        df: design degrees of freedom ``n_psu − n_strata`` (used only when ``ci_method == "t"``).
        n_unweighted: persons in the domain (rows with ``z = 1``).
        weighted_denominator: ``X̂ = Σ w·z``, the estimated number of persons in the domain.
        weighted_numerator: ``Ŷ = Σ w·z·y``.
        n_psu: PSUs in the whole sample (domain or not).
        n_strata: strata in the whole sample.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    level: float
    ci_method: str
    df: int
    n_unweighted: int
    weighted_denominator: float
    weighted_numerator: float
    n_psu: int
    n_strata: int

    def as_dict(self) -> dict:
        """The fields as a plain dict (for a one-row DataFrame)."""
        return asdict(self)


def _quantile(level: float, ci: str, df: int) -> float:
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}")
    p = 0.5 + level / 2
    if ci == "normal":
        return NormalDist().inv_cdf(p)
    if ci == "t":
        if df < 1:
            raise ValueError(f"t interval needs at least one design degree of freedom, got df={df}")
        return _t_quantile(level, df)
    raise ValueError(f"ci must be 'normal' or 't', got {ci!r}")


def _t_central(theta: float, nu: int) -> float:
    """P(|T| ≤ √ν·tan θ) for Student's t with integer ν (Abramowitz & Stegun 26.7.3-4, finite series).

    Even ν: sin θ · [1 + Σ_{k=1}^{(ν−2)/2} (1·3···(2k−1))/(2·4···2k) cos^{2k} θ];
    odd ν:  (2/π) · [θ + sin θ cos θ · (1 + Σ_{k=1}^{(ν−3)/2} (2·4···2k)/(3·5···(2k+1)) cos^{2k} θ)].
    """
    s, c = math.sin(theta), math.cos(theta)
    if nu == 1:
        return 2 * theta / math.pi
    k = np.arange(1, (nu - 2) // 2 + 1) if nu % 2 == 0 else np.arange(1, (nu - 3) // 2 + 1)
    ratio = (2 * k - 1) / (2 * k) if nu % 2 == 0 else (2 * k) / (2 * k + 1)
    series = 1 + float(np.sum(np.cumprod(ratio) * c ** (2 * k)))
    return s * series if nu % 2 == 0 else 2 / math.pi * (theta + s * c * series)


def _t_quantile(level: float, nu: int) -> float:
    """Two-sided Student t quantile: q with P(|T| ≤ q) = level, by bisection on θ = atan(q/√ν)."""
    lo, hi = 0.0, math.pi / 2
    for _ in range(80):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if _t_central(mid, nu) < level else (lo, mid)
    return math.sqrt(nu) * math.tan((lo + hi) / 2)


def sampling_fractions(strata: pd.Series, fpc: pd.Series,
                       fpc_kind: Literal["fraction", "population", "auto"] = "auto") -> pd.Series:
    """Return the sampling fraction ``f_h`` of each row's stratum (a fraction in (0, 1]).

    Args:
        strata: stratum of each row.
        fpc: per row, the sampling fraction ``n_h/N_h`` or the stratum population ``N_h``.
        fpc_kind: ``"fraction"``, ``"population"``, or ``"auto"`` (all values ≤ 1 → fractions,
            R's convention).

    Raises:
        ValueError: fpc missing, ≤ 0, not constant within a stratum, a fraction above 1, or a
            population smaller than the stratum's sample (naming the stratum).
    """
    fpc = pd.to_numeric(fpc, errors="coerce").astype(float)
    if fpc.isna().any() or (fpc <= 0).any():
        i = fpc.index[(fpc.isna() | (fpc <= 0)).to_numpy()][0]
        raise ValueError(f"fpc must be a positive number; row {i} (stratum {strata.loc[i]!r}) has {fpc.loc[i]!r}")
    spread = fpc.groupby(strata.to_numpy()).agg(["min", "max"])
    varying = spread[spread["min"] != spread["max"]]
    if len(varying):
        h = varying.index[0]
        raise ValueError(f"fpc is not constant within stratum {h!r} (from {varying.loc[h, 'min']} to {varying.loc[h, 'max']})")
    if fpc_kind == "auto":
        fpc_kind = "fraction" if (fpc <= 1).all() else "population"
    if fpc_kind == "fraction":
        if (fpc > 1).any():
            i = fpc.index[(fpc > 1).to_numpy()][0]
            raise ValueError(f"fpc given as a fraction must be ≤ 1; stratum {strata.loc[i]!r} has {fpc.loc[i]}")
        return fpc
    if fpc_kind != "population":
        raise ValueError(f"fpc_kind must be 'fraction', 'population' or 'auto', got {fpc_kind!r}")
    n_h = strata.map(strata.value_counts())
    if (fpc < n_h).any():
        i = fpc.index[(fpc < n_h).to_numpy()][0]
        raise ValueError(f"stratum {strata.loc[i]!r}: population size {fpc.loc[i]} is smaller than its sample of {n_h.loc[i]}")
    return n_h / fpc


def ratio_estimate(y: pd.Series | np.ndarray, weights: pd.Series | np.ndarray, strata: pd.Series | np.ndarray,
                   fpc: pd.Series | np.ndarray | None = None, domain: pd.Series | np.ndarray | None = None,
                   *, fpc_kind: Literal["fraction", "population", "auto"] = "auto",
                   level: float = 0.95, ci: Literal["normal", "t"] = "normal") -> SurveyEstimate:
    """Estimate the proportion of ``y`` in a domain, with its linearised standard error.

    One row per PSU (here a person). Pure: nothing is read or written.

    Args:
        y: outcome per row, 0/1 (or boolean); rows outside the domain may hold anything
            (they are multiplied by ``z = 0``) but not NaN inside it.
        weights: sampling weight per row (persons represented), > 0.
        strata: stratum per row.
        fpc: finite-population correction per row (see :func:`sampling_fractions`); None means
            sampling with replacement (``f_h = 0``).
        domain: 0/1 indicator of the subpopulation; None means every row.
        fpc_kind: how to read ``fpc``.
        level: confidence level (0.95 → 95% interval).
        ci: ``"normal"`` (default, R's ``confint(svymean())``) or ``"t"`` (df = n_PSU − n_strata).

    Returns:
        :class:`SurveyEstimate` (fractions, not percent).

    Raises:
        ValueError: lengths differ, a weight ≤ 0 or missing, y not 0/1 in the domain, an empty
            domain, or a stratum with one PSU and ``f_h < 1``.
    """
    strata = pd.Series(np.asarray(strata)).astype(str)
    n = len(strata)
    w = pd.to_numeric(pd.Series(np.asarray(weights, dtype=object)), errors="coerce").astype(float).to_numpy()
    z = np.ones(n) if domain is None else np.asarray(domain, dtype=float)
    yv = np.asarray(y, dtype=float)
    if not (len(w) == len(z) == len(yv) == n):
        raise ValueError(f"y, weights, strata and domain must have the same length ({len(yv)}, {len(w)}, {n}, {len(z)})")
    if np.isnan(w).any() or (w <= 0).any():
        i = int(np.flatnonzero(np.isnan(w) | (w <= 0))[0])
        raise ValueError(f"weights must be positive numbers; row {i} has {float(w[i])}")
    if not np.isin(z, (0.0, 1.0)).all():
        raise ValueError("domain must be a 0/1 indicator")
    inside = z == 1
    if not inside.any():
        raise ValueError("the domain is empty: no row has domain = 1")
    if np.isnan(yv[inside]).any() or not np.isin(yv[inside], (0.0, 1.0)).all():
        raise ValueError("y must be 0/1 for every row in the domain")
    yv = np.where(inside, yv, 0.0)
    f = np.zeros(n) if fpc is None else sampling_fractions(strata, pd.Series(np.asarray(fpc)), fpc_kind).to_numpy()

    x_hat = float(np.sum(w * z))
    y_hat = float(np.sum(w * z * yv))
    r = y_hat / x_hat
    u = w * z * (yv - r) / x_hat
    frame = pd.DataFrame({"h": strata, "u": u, "f": f})
    g = frame.groupby("h", sort=True)
    n_h = g.size()
    f_h = g["f"].first()
    ss = g["u"].apply(lambda s: float(np.sum((s - s.mean()) ** 2)))
    lonely = n_h[(n_h == 1) & (f_h < 1)]
    if len(lonely):
        raise ValueError(f"stratum {lonely.index[0]!r} has a single PSU and a sampling fraction below 1: "
                         "its variance cannot be estimated (merge it with a neighbouring stratum)")
    factor = (1 - f_h) * n_h / (n_h - 1).where(n_h > 1, 1)
    var = float(np.sum(factor * ss))
    se = math.sqrt(max(var, 0.0))
    df = int(n - len(n_h))
    q = _quantile(level, ci, df)
    return SurveyEstimate(estimate=r, se=se, ci_low=r - q * se, ci_high=r + q * se, level=level, ci_method=ci,
                          df=df, n_unweighted=int(inside.sum()), weighted_denominator=x_hat,
                          weighted_numerator=y_hat, n_psu=n, n_strata=int(len(n_h)))


def proportion(frame: pd.DataFrame, y: str, weight: str, stratum: str, fpc: str | None = None,
               domain: str | None = None, **kwargs) -> SurveyEstimate:
    """:func:`ratio_estimate` on the columns of a DataFrame (one row per PSU)."""
    return ratio_estimate(frame[y], frame[weight], frame[stratum], None if fpc is None else frame[fpc],
                          None if domain is None else frame[domain], **kwargs)


def difference(a: SurveyEstimate, b: SurveyEstimate, level: float = 0.95) -> dict:
    """Difference ``b − a`` of two estimates from independent samples, with a normal Wald interval.

    ``SE = sqrt(SE_a² + SE_b²)`` (no covariance: the samples are independent). Units are those
    of the inputs (fractions here).
    """
    se = math.sqrt(a.se ** 2 + b.se ** 2)
    d = b.estimate - a.estimate
    q = _quantile(level, "normal", 1)
    return {"difference": d, "se": se, "ci_low": d - q * se, "ci_high": d + q * se, "level": level}
