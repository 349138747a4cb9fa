"""The figures a study page leads with, chosen by the rule in content/key-results.yaml.

The rule is data: kinds of study (tried in order, each with conditions written like a
table's filter) and, per kind, the figures to show. This module only applies it: which
kind a record is, and which one of its reported values stands for each figure.
"""

from __future__ import annotations

from collections.abc import Mapping

from ..model.fields import matches
from ..model.records import KeyFigure, Result, StudyKind, Trial


def kind_of(trial: Trial, kinds: Mapping[str, StudyKind]) -> StudyKind | None:
    """The first kind whose every condition the record meets."""
    for kind in kinds.values():
        if all(matches(trial, c) for c in kind.when):
            return kind
    return None


def pick(trial: Trial, figure: KeyFigure) -> Result | None:
    """The value that stands for ``figure``: the first of its endpoints the study reports;
    of that endpoint's values, those for the whole population (or, when the figure names
    subgroups, for the first of them reported; without either, any subgroup unless the
    figure says ``any_subgroup: false``); then the
    longest time point, a value with its n/N, and the record's own order."""
    for endpoint in figure.endpoints:
        reported = [r for r in trial.results if r.endpoint == endpoint and _has_value(r)]
        if figure.subgroups is not None:
            for subgroup in figure.subgroups:
                chosen = [r for r in reported if r.subgroup == subgroup]
                if chosen:
                    return _best(chosen)
            continue
        whole = [r for r in reported if not r.subgroup]
        if whole or (reported and figure.any_subgroup):
            return _best(whole or reported)
    return None


def _has_value(r: Result) -> bool:
    return r.value is not None or r.range is not None or r.n is not None or r.qualifier == "not-reached"


def _best(results: list[Result]) -> Result:
    # max() keeps the first of equals: the record's own order breaks ties
    return max(results, key=lambda r: (r.timepoint or 0, r.n is not None and r.n_total is not None))
