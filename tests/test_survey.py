"""The design-based estimator (mxrights.sources.survey) against a hand-worked example and a second formula."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from mxrights.sources import survey

Z95 = 1.959963984540054          # normal 0.975 quantile
T95_DF8 = 2.306004135204166       # Student t 0.975 quantile, 8 degrees of freedom

# The hand-worked example: two strata, ten persons (one PSU each).
#   stratum A: N_A = 8 persons, n_A = 4 sampled -> f_A = 1/2, weight 2 each
#   stratum B: N_B = 30 persons, n_B = 6 sampled -> f_B = 1/5, weight 5 each
#   z = 1: in the domain (e.g. "gave a statement"); y = 1: in the numerator (e.g. "was pressured")
EXAMPLE = pd.DataFrame({
    "h": ["A"] * 4 + ["B"] * 6,
    "w": [2.0] * 4 + [5.0] * 6,
    "f": [0.5] * 4 + [0.2] * 6,
    "N": [8] * 4 + [30] * 6,
    "z": [1, 1, 1, 0, 1, 1, 0, 0, 1, 0],
    "y": [1, 0, 1, 0, 1, 0, 0, 0, 0, 0],
})


def test_hand_worked_example():
    """Estimate, variance and both intervals, derived by hand.

    Totals: X̂ = Σ w·z = 2·3 (A) + 5·3 (B) = 21;  Ŷ = Σ w·z·y = 2·2 + 5·1 = 9;  R = 9/21 = 3/7.

    Linearised values u = w·z·(y − R)/X̂, in units of 1/147 (X̂·7 = 147):
      A: y=1 → 2·(4/7)/21 = 8;  y=0 → 2·(−3/7)/21 = −6;  y=1 → 8;  outside the domain → 0
         mean 10/4 = 2.5; deviations 5.5, −8.5, 5.5, −2.5; squares sum 30.25 + 72.25 + 30.25 + 6.25 = 139
         contribution (1 − f_A)·n_A/(n_A − 1)·139 = 0.5 · 4/3 · 139 = 278/3
      B: y=1 → 5·(4/7)/21 = 20;  y=0 → −15 (twice);  outside → 0 (three times)
         mean −10/6 = −5/3; deviations 65/3, −40/3, −40/3, 5/3 (×3); squares sum (4225 + 1600 + 1600 + 75)/9 = 7500/9
         contribution (1 − f_B)·n_B/(n_B − 1)·7500/9 = 0.8 · 6/5 · 7500/9 = 800
    V(R) = (278/3 + 800)/147² = 2678/64827 = 0.0413099…;  SE = 0.2032485
    95% normal: 3/7 ± 1.959964·SE = [0.030212, 0.826931];  t with df = 10 PSUs − 2 strata = 8: ± 2.306004·SE.
    """
    e = survey.proportion(EXAMPLE, "y", "w", "h", fpc="f", domain="z")
    var = 2678 / 64827
    assert e.estimate == pytest.approx(3 / 7, abs=1e-9)
    assert e.se ** 2 == pytest.approx(var, abs=1e-9)
    assert e.se == pytest.approx(math.sqrt(var), abs=1e-9)
    assert (e.ci_low, e.ci_high) == pytest.approx((3 / 7 - Z95 * math.sqrt(var), 3 / 7 + Z95 * math.sqrt(var)), abs=1e-9)
    assert e.ci_low == pytest.approx(0.030211711498, abs=1e-9)
    assert e.ci_high == pytest.approx(0.826931145645, abs=1e-9)
    assert (e.n_unweighted, e.weighted_denominator, e.weighted_numerator) == (6, 21.0, 9.0)
    assert (e.n_psu, e.n_strata, e.df, e.ci_method, e.level) == (10, 2, 8, "normal", 0.95)
    t = survey.proportion(EXAMPLE, "y", "w", "h", fpc="f", domain="z", ci="t")
    assert (t.ci_low, t.ci_high) == pytest.approx((3 / 7 - T95_DF8 * math.sqrt(var), 3 / 7 + T95_DF8 * math.sqrt(var)), abs=1e-9)


def test_second_way_ratio_variance_from_totals():
    """Cross-check by another route: V(R) = [V(Ŷ) + R²·V(X̂) − 2R·Cov(Ŷ, X̂)] / X̂², with the
    stratified with-replacement (co)variances of the totals written as explicit sums over strata:
    Cov(Â, B̂) = Σ_h (1 − f_h)·n_h/(n_h − 1)·Σ_i (a_i − ā_h)(b_i − b̄_h), a_i = w_i·z_i·y_i, b_i = w_i·z_i."""
    d = EXAMPLE
    a = (d["w"] * d["z"] * d["y"]).to_numpy()
    b = (d["w"] * d["z"]).to_numpy()

    def cov(p, q):
        total = 0.0
        for h in d["h"].unique():
            m = (d["h"] == h).to_numpy()
            n, f = m.sum(), d.loc[m, "f"].iloc[0]
            total += (1 - f) * n / (n - 1) * float(np.sum((p[m] - p[m].mean()) * (q[m] - q[m].mean())))
        return total

    x, r = b.sum(), a.sum() / b.sum()
    var = (cov(a, a) + r ** 2 * cov(b, b) - 2 * r * cov(a, b)) / x ** 2
    e = survey.proportion(d, "y", "w", "h", fpc="f", domain="z")
    assert e.se ** 2 == pytest.approx(var, abs=1e-12)
    assert var == pytest.approx(2678 / 64827, abs=1e-12)


def test_domain_is_an_indicator_not_a_subset():
    """Subsetting to the domain first changes n_h and the stratum means: a different (wrong) variance."""
    right = survey.proportion(EXAMPLE, "y", "w", "h", fpc="f", domain="z")
    subset = survey.proportion(EXAMPLE[EXAMPLE["z"] == 1], "y", "w", "h", fpc="f")
    assert subset.estimate == pytest.approx(right.estimate, abs=1e-12)
    assert abs(subset.se - right.se) > 1e-3


def test_stratum_without_domain_members_counts_in_the_degrees_of_freedom():
    extra = pd.DataFrame({"h": ["C"] * 3, "w": [3.0] * 3, "f": [0.1] * 3, "N": [30] * 3, "z": [0] * 3, "y": [1] * 3})
    e = survey.proportion(pd.concat([EXAMPLE, extra], ignore_index=True), "y", "w", "h", fpc="f", domain="z")
    assert e.estimate == pytest.approx(3 / 7, abs=1e-12)
    assert e.se ** 2 == pytest.approx(2678 / 64827, abs=1e-12)   # its u are all 0
    assert (e.n_psu, e.n_strata, e.df) == (13, 3, 10)


def test_simple_random_sample_reduces_to_p_q_over_n_minus_1():
    """One stratum, equal weights, no fpc: V = p(1 − p)/(n − 1) (n/(n−1) · Σ(y − p)²/n²)."""
    y = [1, 1, 1] + [0] * 7
    e = survey.ratio_estimate(y, [4.0] * 10, ["s"] * 10)
    assert e.estimate == pytest.approx(0.3, abs=1e-12)
    assert e.se ** 2 == pytest.approx(0.3 * 0.7 / 9, abs=1e-12)


def test_fpc_as_population_size_equals_fpc_as_fraction():
    by_fraction = survey.proportion(EXAMPLE, "y", "w", "h", fpc="f", domain="z")
    by_size = survey.proportion(EXAMPLE, "y", "w", "h", fpc="N", domain="z")
    assert by_size.se == pytest.approx(by_fraction.se, abs=1e-12)
    no_fpc = survey.proportion(EXAMPLE, "y", "w", "h", domain="z")
    assert no_fpc.se > by_fraction.se


def test_census_stratum_contributes_nothing_even_with_one_psu():
    d = pd.concat([EXAMPLE, pd.DataFrame({"h": ["C"], "w": [1.0], "f": [1.0], "N": [1], "z": [1], "y": [1]})],
                  ignore_index=True)
    e = survey.proportion(d, "y", "w", "h", fpc="f", domain="z")
    assert e.estimate == pytest.approx(10 / 22, abs=1e-12)


@pytest.mark.parametrize("change, message", [
    (lambda d: d.assign(w=[0.0] + [2.0] * 3 + [5.0] * 6), "weights must be positive numbers; row 0 has 0.0"),
    (lambda d: d.assign(w=[np.nan] + [2.0] * 3 + [5.0] * 6), "weights must be positive numbers; row 0 has nan"),
    (lambda d: d.assign(f=[0.5, 0.4] + [0.5] * 2 + [0.2] * 6), "fpc is not constant within stratum 'A'"),
    (lambda d: d.assign(h=["A"] * 4 + ["B"] * 5 + ["D"]), "stratum 'D' has a single PSU"),
    (lambda d: d.assign(z=0), "the domain is empty"),
    (lambda d: d.assign(y=[2] + [0] * 9), "y must be 0/1"),
])
def test_bad_input_is_refused(change, message):
    with pytest.raises(ValueError, match=message):
        survey.proportion(change(EXAMPLE), "y", "w", "h", fpc="f", domain="z")


def test_fraction_above_one_is_refused_when_declared_a_fraction():
    with pytest.raises(ValueError, match="fpc given as a fraction must be ≤ 1; stratum 'A' has 8"):
        survey.proportion(EXAMPLE, "y", "w", "h", fpc="N", domain="z", fpc_kind="fraction")


def test_difference_of_independent_estimates():
    a = survey.proportion(EXAMPLE, "y", "w", "h", fpc="f", domain="z")
    b = survey.ratio_estimate([1, 1, 1] + [0] * 7, [4.0] * 10, ["s"] * 10)
    d = survey.difference(a, b)
    se = math.sqrt(2678 / 64827 + 0.3 * 0.7 / 9)
    assert d["difference"] == pytest.approx(0.3 - 3 / 7, abs=1e-12)
    assert d["se"] == pytest.approx(se, abs=1e-12)
    assert (d["ci_low"], d["ci_high"]) == pytest.approx((0.3 - 3 / 7 - Z95 * se, 0.3 - 3 / 7 + Z95 * se), abs=1e-12)


@pytest.mark.parametrize("df, level, q", [
    (1, 0.95, 12.706204736174696), (2, 0.95, 4.302652729749462), (8, 0.95, 2.306004135204166),
    (9, 0.95, 2.262157162798205), (30, 0.95, 2.042272456301238), (8, 0.99, 3.355387331333395),
])
def test_t_quantile_matches_tables(df, level, q):
    """Student t quantiles (two-sided level) against published values (scipy.stats.t.ppf, to 1e-9)."""
    assert survey._t_quantile(level, df) == pytest.approx(q, abs=1e-9)
