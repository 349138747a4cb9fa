"""One row per study and endpoint: which report of a cohort is used, and what was left out.

The overlap rule, as the editors' guide and the plots page state it:

* Within a record (one cohort), the whole-population rates of an endpoint that have a usable denominator
  (:mod:`livingreview.model.denominators`) are ranked: a rate with its own N before one whose
  N is derived, then the record's main report (the first of ``references``) before later
  ones, then the order the record lists them. The first is used; the others are reports of
  the same patients and are left out.
* Across records, ``supersedes:`` names records whose patients a record reports again.
  A record is left out of an endpoint when a record that supersedes it (directly or through
  others) has a row for that endpoint; otherwise it keeps its own row.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model.denominators import Denominator, denominator, in_plots
from ..model.labels import plot_label
from ..model.records import Result, Trial
from ..model.review import Review


@dataclass(frozen=True)
class StudyRow:
    """The rate a study contributes to one endpoint's plot and pooled estimate."""

    trial: Trial
    result: Result
    counts: Denominator

    @property
    def label(self) -> str:
        """The forest-plot label (:func:`livingreview.model.labels.plot_label`)."""
        return plot_label(self.trial, self.result.subgroup)

    @property
    def name(self) -> str:
        """The study's full name, with the subgroup where the row is one."""
        return f"{self.trial.name} ({self.result.subgroup})" if self.result.subgroup else self.trial.name


@dataclass(frozen=True)
class LeftOut:
    """A report that was not used, and why."""

    trial: Trial
    result: Result
    reason: str


def _rank(trial: Trial, r: Result, d: Denominator, index: int) -> tuple[int, int, int]:
    main = trial.references[0] if trial.references else None
    return (int(d.derived_total), int(r.source.ref != main), index)


def _own_rows(trial: Trial, endpoint: str) -> tuple[list[StudyRow], list[LeftOut]]:
    by: dict[str | None, list[tuple[tuple[int, int, int], Result, Denominator]]] = {}
    for i, r in enumerate(trial.results):
        if r.endpoint == endpoint and in_plots(r):
            d = denominator(trial, r)
            if d is not None:
                by.setdefault(r.subgroup, []).append((_rank(trial, r, d, i), r, d))
    if None in by:
        return _best(trial, by[None])
    rows: list[StudyRow] = []
    left: list[LeftOut] = []
    for subgroup in by:
        row, dropped = _best(trial, by[subgroup])
        rows += row
        left += dropped
    return rows, left


def _best(
    trial: Trial, usable: list[tuple[tuple[int, int, int], Result, Denominator]]
) -> tuple[list[StudyRow], list[LeftOut]]:
    usable.sort(key=lambda item: item[0])
    _, best, counts = usable[0]
    row = StudyRow(trial, best, counts)
    report = best.cutoff or "main report"
    left = [
        LeftOut(trial, r, f"another report of the same patients ({r.cutoff or r.source.ref}); {report} used")
        for _, r, _ in usable[1:]
    ]
    return [row], left


def superseding(review: Review) -> dict[str, list[str]]:
    """For each record id, the records that supersede it, directly or through others."""
    direct: dict[str, list[str]] = {}
    for trial in review.trials.values():
        for other in trial.supersedes:
            direct.setdefault(other, []).append(trial.id)
    out: dict[str, list[str]] = {}
    for tid in direct:
        seen: list[str] = []
        todo = list(direct[tid])
        while todo:
            x = todo.pop(0)
            if x not in seen and x != tid:
                seen.append(x)
                todo.extend(direct.get(x, []))
        out[tid] = seen
    return out


def study_rows(review: Review, endpoint: str) -> tuple[list[StudyRow], list[LeftOut]]:
    """Every study's row for ``endpoint`` (by name), and the reports left out."""
    own: dict[str, list[StudyRow]] = {}
    left: list[LeftOut] = []
    for trial in review.trials.values():
        found, dropped = _own_rows(trial, endpoint)
        if trial.design.type == "meta-analysis":
            reason = "a meta-analysis of other studies, whose patients are counted in those studies"
            left += [LeftOut(row.trial, row.result, reason) for row in found]
            continue
        left += dropped
        if found:
            own[trial.id] = found
    above = superseding(review)
    rows = []
    for tid, found in own.items():
        by = [x for x in above.get(tid, []) if x in own]
        if by:
            names = ", ".join(review.trials[x].name for x in by)
            reason = f"its patients are reported again in {names}, which is used"
            left += [LeftOut(row.trial, row.result, reason) for row in found]
        else:
            rows += found
    rows.sort(key=lambda r: (r.trial.name.lower(), r.trial.id, r.result.subgroup or ""))
    left.sort(key=lambda x: (x.trial.name.lower(), x.trial.id))
    return rows, left
