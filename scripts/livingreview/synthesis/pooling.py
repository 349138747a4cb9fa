"""Random-effects meta-analysis of proportions, done by statsmodels.

Method (stated on the page and in the downloads, checked against R's metafor in
tests/test_synthesis_metafor.py):

* Each study's proportion is logit-transformed with its sampling variance
  1/n + 1/(N − n). A study with 0 or N events gets 0.5 added to both cells first, as
  metafor's ``escalc(measure="PLO")`` does by default; no study is dropped for it.
* τ² by the DerSimonian–Laird estimator and the pooled logit by inverse-variance weights
  with τ² added: ``statsmodels.stats.meta_analysis.combine_effects(method_re="dl")``.
  (Not Paule–Mandel: statsmodels' iteration for it stops at τ² = 0 whenever its first
  step overshoots, which the comparison with metafor found on this review's data. REML
  is not offered by statsmodels.)
* A negative moment estimate of τ² is truncated at 0 (statsmodels leaves it negative), so
  the model is then the fixed-effect one, whose Hartung–Knapp interval statsmodels reports
  as "fixed effect wls".
* The 95% interval is Hartung–Knapp–Sidik–Jonkman (the t distribution with k − 1 degrees
  of freedom and the weighted residual scale), the interval statsmodels reports as
  "random effect wls" with ``use_t=True``; metafor's ``test="knha"``.
* I² = τ² / (τ² + s²) with s² the typical within-study variance (Higgins & Thompson 2002),
  as metafor reports it; Cochran's Q and its p-value test heterogeneity.
* The 95% prediction interval is μ ± t(k − 1) √(τ² + SE²), metafor's ``predict()`` for a
  Hartung–Knapp model.
* Subgroup differences: the subgroups' pooled logits are compared by Cochran's Q of a
  fixed-effect combination of them (df = groups − 1), metafor's
  ``rma(yi, sei = se, method = "FE")$QE``.
* Nothing is pooled from fewer than :data:`MIN_STUDIES` studies.

statsmodels is imported on first use: loading and checking a review never needs it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

MIN_STUDIES = 3
CORRECTION = 0.5
METHOD = (
    "Random-effects meta-analysis of logit-transformed proportions (statsmodels combine_effects): "
    "DerSimonian–Laird τ², Hartung–Knapp 95% interval, I² from τ², 95% prediction interval with t(k−1); "
    "0.5 added to both cells of a study with 0 or N events; nothing pooled from fewer than 3 studies."
)


def logit_effect(n: int, total: int) -> tuple[float, float]:
    """The logit of n/N and its sampling variance, with 0.5 added when n is 0 or N."""
    if total <= 0 or not 0 <= n <= total:
        raise ValueError(f"not a proportion: {n}/{total}")
    events, non = float(n), float(total - n)
    if n == 0 or n == total:
        events, non = events + CORRECTION, non + CORRECTION
    return math.log(events / non), 1 / events + 1 / non


def expit(x: float) -> float:
    return 1 / (1 + math.exp(-x))


@dataclass(frozen=True)
class Pooled:
    """A pooled proportion; every interval on the logit scale and as a proportion."""

    k: int
    patients: int
    events: int
    logit: float
    se: float
    ci_logit: tuple[float, float]
    pi_logit: tuple[float, float]
    tau2: float
    i2: float
    q: float
    q_p: float

    @property
    def estimate(self) -> float:
        return expit(self.logit)

    @property
    def ci(self) -> tuple[float, float]:
        return expit(self.ci_logit[0]), expit(self.ci_logit[1])

    @property
    def pi(self) -> tuple[float, float]:
        return expit(self.pi_logit[0]), expit(self.pi_logit[1])


def _stats() -> tuple[Any, Any, Any]:
    import numpy as np
    from scipy import stats
    from statsmodels.stats.meta_analysis import combine_effects

    return np, stats, combine_effects


def pool(counts: list[tuple[int, int]]) -> Pooled | None:
    """Pool n/N pairs; None for fewer than :data:`MIN_STUDIES` studies."""
    k = len(counts)
    if k < MIN_STUDIES:
        return None
    np, stats, combine_effects = _stats()
    effects = [logit_effect(n, total) for n, total in counts]
    y = np.array([e for e, _ in effects])
    v = np.array([var for _, var in effects])
    with np.errstate(invalid="ignore"):  # the random-effects columns of a negative τ², unused
        res = combine_effects(y, v, method_re="dl", use_t=True)
        _, _, fe_hk, re_hk = res.conf_int(use_t=True)
    if res.tau2 > 0:
        tau2, mu, ci = float(res.tau2), float(res.mean_effect_re), re_hk  # "random effect wls": Hartung–Knapp
    else:
        # statsmodels leaves a negative moment estimate as it is; truncated at 0, as metafor and
        # every meta-analysis package do, the random-effects model is the fixed-effect one.
        tau2, mu, ci = 0.0, float(res.mean_effect_fe), fe_hk
    se = float((ci[1] - ci[0]) / (2 * stats.t.ppf(0.975, k - 1)))
    w = 1 / v
    typical = (k - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum())
    i2 = tau2 / (tau2 + typical)
    half = float(stats.t.ppf(0.975, k - 1)) * math.sqrt(tau2 + se**2)
    q = float(res.q)
    return Pooled(
        k=k,
        patients=sum(total for _, total in counts),
        events=sum(n for n, _ in counts),
        logit=mu,
        se=se,
        ci_logit=(float(ci[0]), float(ci[1])),
        pi_logit=(mu - half, mu + half),
        tau2=tau2,
        i2=float(i2),
        q=q,
        q_p=float(stats.chi2.sf(q, k - 1)),
    )


@dataclass(frozen=True)
class Difference:
    """The test for subgroup differences."""

    q: float
    df: int
    p: float


def subgroup_difference(groups: list[Pooled]) -> Difference | None:
    """Cochran's Q across the subgroups' pooled logits; None for fewer than two subgroups."""
    if len(groups) < 2:
        return None
    np, stats, _ = _stats()
    y = np.array([g.logit for g in groups])
    w = 1 / np.array([g.se for g in groups]) ** 2
    mean = (w * y).sum() / w.sum()
    q = float((w * (y - mean) ** 2).sum())
    df = len(groups) - 1
    return Difference(q, df, float(stats.chi2.sf(q, df)))
