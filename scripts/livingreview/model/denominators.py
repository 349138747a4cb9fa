"""Which N a rate was measured in: its own, or one derived from the same report by a written rule.

The rule, also in the editors' guide and on the "Rates across studies" page:

1. A rate that gives its own ``N`` uses it.
2. Otherwise N is taken from a sample-size value of the *same record*, reported by the
   *same publication* (``source.ref``) for the *same data cut-off* (``cutoff``) and the same
   ``subgroup`` (none for a whole-population rate). If the rate names its analysis population (``infused``,
   ``evaluable``, ``enrolled``) only that population's size is used; if it names none,
   the first of infused, evaluable, enrolled that the report gives is used, because rates
   in these reports are nearly always counted among infused patients.
3. A rate among responders (or any population that is not a sample-size value) needs its
   own N: nothing is derived for it.

The events n are the value's own, or else the nearest whole number to rate × N, halves up (marked
too). A rate with neither gets no denominator and is listed by ``livingreview check``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .records import Result, Trial

#: The rates the forest plots and pooled estimates use.
RATE_ENDPOINTS = ("cr", "cr_cri", "mrd_neg_cr", "crs_grade3plus", "icans_grade3plus")
#: Analysis populations a plotted rate may count (not responders or transplanted patients).
PLOTTED_POPULATIONS = (None, "enrolled", "infused", "evaluable", "leukapheresed")

#: Sample-size endpoints, in the order the rule prefers them.
SIZE_ENDPOINTS = {"infused": "n_infused", "evaluable": "n_evaluable", "enrolled": "n_enrolled"}
PREFERRED = ("infused", "evaluable", "enrolled")


@dataclass(frozen=True)
class Denominator:
    """n/N for one rate, and how each was obtained."""

    n: int
    total: int
    #: True when N came from a sample-size value (rule 2), not from the rate itself.
    derived_total: bool
    #: True when n was worked out from the percentage and N.
    derived_n: bool
    #: The population N counts ("infused", "evaluable"...), where known.
    population: str | None
    #: The sample-size value N was taken from, when derived.
    size_result: Result | None = None


def _size(trial: Trial, r: Result, population: str) -> Result | None:
    endpoint = SIZE_ENDPOINTS[population]
    for s in trial.results:
        if (
            s.endpoint == endpoint
            and s.source.ref == r.source.ref
            and s.cutoff == r.cutoff
            and s.subgroup == r.subgroup
            and not s.qualifier
            and s.value is not None
            and float(s.value).is_integer()
            and s.value > 0
        ):
            return s
    return None


def in_plots(r: Result) -> bool:
    """A rate that is not a bound, at no fixed time point: what the plots may show.

    Subgroup rates (arms, dose levels, cohorts) are used only for a record that gives no
    whole-population rate of the endpoint (:mod:`livingreview.synthesis.studies`).
    """
    return r.timepoint is None and not r.qualifier and not r.range and r.population in PLOTTED_POPULATIONS


def denominator(trial: Trial, r: Result) -> Denominator | None:
    """n/N for rate ``r`` of ``trial`` by the rule above, or None if the rule gives none."""
    if r.qualifier or r.range:
        return None
    total, derived_total, size = r.n_total, False, None
    population: str | None = r.population
    if not total:
        candidates = (r.population,) if r.population else PREFERRED
        for pop in candidates:
            size = _size(trial, r, pop) if pop in SIZE_ENDPOINTS else None
            if size is not None:
                assert size.value is not None
                total, derived_total, population = int(size.value), True, pop
                break
        if not total:
            return None
    if r.n is not None:
        n, derived_n = r.n, False
    elif r.value is not None:
        n, derived_n = math.floor(r.value * total / 100 + 0.5), True
    else:
        return None
    if not 0 <= n <= total:
        return None
    return Denominator(n, total, derived_total, derived_n, population, size)
