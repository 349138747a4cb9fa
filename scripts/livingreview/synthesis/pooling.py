"""Random-effects meta-analysis of proportions, done by PyMARE.

Method (stated on the page and in the downloads, checked against R's metafor in
tests/test_synthesis_metafor.py):

* Each study's proportion is logit-transformed with its sampling variance
  1/n + 1/(N − n). A study with 0 or N events gets 0.5 added to both cells first, as
  metafor's ``escalc(measure="PLO")`` does by default; no study is dropped for it.
* τ² by restricted maximum likelihood (REML), and the pooled logit by inverse-variance
  weights with τ² added: ``pymare.estimators.VarianceBasedLikelihoodEstimator(method="REML")``,
  metafor's ``rma(method = "REML")``. (statsmodels' ``combine_effects``, used before, offers
  only DerSimonian–Laird and a Paule–Mandel iteration that stops at τ² = 0 whenever its first
  step overshoots.)
* The 95% interval is Hartung–Knapp (the t distribution with k − 1 degrees of freedom and
  the weighted residual scale), PyMARE's ``small_sample_correction="knapp-hartung"``;
  metafor's ``test = "knha"``.
* I² = τ² / (τ² + s²) with s² the typical within-study variance (Higgins & Thompson 2002),
  as metafor reports it; Cochran's Q (``pymare.stats.q_gen`` at τ² = 0) and its p-value
  test heterogeneity.
* The 95% prediction interval is μ ± t(k − 1) √(τ² + SE²), metafor's ``predict()`` for a
  Hartung–Knapp model.
* Subgroup differences: the subgroups' pooled logits are compared by Cochran's Q of a
  fixed-effect combination of them (df = groups − 1), metafor's
  ``rma(yi, sei = se, method = "FE")$QE``.
* Nothing is pooled from fewer than :data:`MIN_STUDIES` studies; the arms of one study
  (rows of one record, such as the three groups of a comparison) count as one study.

PyMARE is imported on first use: loading and checking a review never needs it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..load.cache import Kept

MIN_STUDIES = 3
CORRECTION = 0.5
METHOD = (
    "Random-effects meta-analysis of logit-transformed proportions (PyMARE): REML τ², Hartung–Knapp 95% "
    "interval, I² from τ², 95% prediction interval with t(k−1); 0.5 added to both cells of a study with 0 or N "
    "events; nothing pooled from fewer than 3 studies (the arms of one study count as one)."
)
#: How closely the REML search pins τ² (on PyMARE's search scale); metafor stops at 1e-10.
XTOL = 1e-10


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


def _stats() -> tuple[Any, Any]:
    import numpy as np
    from scipy import stats

    return np, stats


def _pymare() -> tuple[Any, Any]:
    """PyMARE's likelihood estimator and generalised Q. Its import leaves a data file open
    (``pymare/effectsize/expressions.py``); the ResourceWarning that raises is not ours to fix."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        from pymare.estimators import VarianceBasedLikelihoodEstimator
        from pymare.stats import q_gen
    return VarianceBasedLikelihoodEstimator, q_gen


def _reml(y: Any, v: Any) -> tuple[float, float, float]:
    """τ², the pooled logit and its Hartung–Knapp standard error, fitted by PyMARE."""
    import numpy as np

    VarianceBasedLikelihoodEstimator, _ = _pymare()
    fit = VarianceBasedLikelihoodEstimator(method="REML", small_sample_correction="knapp-hartung", xtol=XTOL)
    fit.fit(y[:, None], v[:, None], np.ones((len(y), 1)))
    summary = fit.summary()
    fe = summary.get_fe_stats()
    return float(summary.tau2[0, 0]), float(fe["est"][0, 0]), float(fe["se"][0, 0])


def _q(y: Any, v: Any) -> float:
    """Cochran's Q: the fixed-effect weighted residual sum of squares."""
    import numpy as np

    _, q_gen = _pymare()
    return float(np.asarray(q_gen(y[:, None], v[:, None], np.ones((len(y), 1)), 0.0)).ravel()[0])


def pool(counts: list[tuple[int, int]], studies: int | None = None, kept: Kept | None = None) -> Pooled | None:
    """Pool n/N pairs; None for fewer than :data:`MIN_STUDIES` studies.

    ``studies`` is how many studies the pairs come from, where one study gives several
    (the arms of a comparison); by default each pair is a study of its own. ``kept`` holds
    estimates computed before, by their n/N: a build whose rates did not change needs
    neither the fits nor PyMARE's import (a second or two)."""
    k = len(counts)
    if (k if studies is None else studies) < MIN_STUDIES:
        return None
    key = json.dumps([[list(c) for c in counts], studies])
    if kept is not None and (known := _from_json(kept.get(key))) is not None:
        return known
    result = _fit(counts)
    if kept is not None:
        kept.put(key, dataclasses.asdict(result))
    return result


def _from_json(data: Any) -> Pooled | None:
    """A kept estimate, or None if there is none or it does not fit."""
    if not isinstance(data, dict):
        return None
    try:
        fields = {f.name: data[f.name] for f in dataclasses.fields(Pooled)}
        for name in ("ci_logit", "pi_logit"):
            low, high = fields[name]
            fields[name] = (float(low), float(high))
        for name in ("k", "patients", "events"):
            fields[name] = int(fields[name])
        for name in ("logit", "se", "tau2", "i2", "q", "q_p"):
            fields[name] = float(fields[name])
        return Pooled(**fields)
    except (KeyError, TypeError, ValueError):
        return None


def _fit(counts: list[tuple[int, int]]) -> Pooled:
    k = len(counts)
    np, stats = _stats()
    effects = [logit_effect(n, total) for n, total in counts]
    y = np.array([e for e, _ in effects])
    v = np.array([var for _, var in effects])
    tau2, mu, se = _reml(y, v)
    t = float(stats.t.ppf(0.975, k - 1))
    w = 1 / v
    typical = (k - 1) * w.sum() / (w.sum() ** 2 - (w**2).sum())
    i2 = tau2 / (tau2 + typical)
    half = t * math.sqrt(tau2 + se**2)
    q = _q(y, v)
    return Pooled(
        k=k,
        patients=sum(total for _, total in counts),
        events=sum(n for n, _ in counts),
        logit=mu,
        se=se,
        ci_logit=(mu - t * se, mu + t * se),
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


def subgroup_difference(groups: list[Pooled], kept: Kept | None = None) -> Difference | None:
    """Cochran's Q across the subgroups' pooled logits; None for fewer than two subgroups.
    ``kept`` holds tests computed before, by their inputs (see :func:`pool`)."""
    if len(groups) < 2:
        return None
    key = json.dumps(["difference", [[g.logit, g.se] for g in groups]])
    known = kept.get(key) if kept is not None else None
    if isinstance(known, list) and len(known) == 3:
        try:
            return Difference(float(known[0]), int(known[1]), float(known[2]))
        except (TypeError, ValueError):
            pass
    np, stats = _stats()
    q = _q(np.array([g.logit for g in groups]), np.array([g.se for g in groups]) ** 2)
    df = len(groups) - 1
    result = Difference(q, df, float(stats.chi2.sf(q, df)))
    if kept is not None:
        kept.put(key, [result.q, result.df, result.p])
    return result
