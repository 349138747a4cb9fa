"""Per endpoint: the study rows, the pooled estimate overall and by subgroup, and sensitivity."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model.review import Review
from .pooling import Difference, Pooled, pool, subgroup_difference
from .studies import LeftOut, StudyRow, study_rows
from .subgroups import SCALE, VARIABLES, Variable

if TYPE_CHECKING:
    from ..load.cache import Kept


@dataclass(frozen=True)
class Group:
    label: str
    rows: list[StudyRow]
    pooled: Pooled | None


@dataclass(frozen=True)
class Split:
    """The rows grouped by one subgroup variable (``variable`` None: all studies together)."""

    variable: Variable | None
    groups: list[Group]
    difference: Difference | None


@dataclass(frozen=True)
class Sensitivity:
    #: Pooled estimate without each study in turn: (label, pooled).
    leave_one_out: list[tuple[str, Pooled | None]]
    prospective: Pooled | None
    prospective_k: int


@dataclass(frozen=True)
class Analysis:
    endpoint: str
    rows: list[StudyRow]
    left_out: list[LeftOut]
    overall: Pooled | None
    splits: list[Split]
    sensitivity: Sensitivity


def _counts(rows: list[StudyRow]) -> list[tuple[int, int]]:
    return [(r.counts.n, r.counts.total) for r in rows]


def _pool(rows: list[StudyRow], kept: Kept | None) -> Pooled | None:
    """Pool the rows, counting the arms of one study as one study towards the minimum."""
    return pool(_counts(rows), studies=len({r.trial.id for r in rows}), kept=kept)


def split(rows: list[StudyRow], variable: Variable, kept: Kept | None = None) -> Split:
    by: dict[str, list[StudyRow]] = {}
    for r in rows:
        by.setdefault(variable.of(r), []).append(r)
    groups = [Group(label, by[label], _pool(by[label], kept)) for label in sorted(by, key=str.lower)]
    return Split(variable, groups, subgroup_difference([g.pooled for g in groups if g.pooled is not None], kept))


def analyse(review: Review, endpoint: str, toxicity: bool = False, kept: Kept | None = None) -> Analysis:
    """One endpoint's rows, pooled overall, by subgroup and in sensitivity analyses;
    ``kept`` holds estimates computed by an earlier build (see :func:`.pooling.pool`)."""
    rows, left = study_rows(review, endpoint)
    overall = _pool(rows, kept)
    variables = [*VARIABLES, SCALE] if toxicity else VARIABLES
    splits = [Split(None, [Group("All studies", rows, overall)], None)]
    splits += [split(rows, v, kept) for v in variables]
    loo = [(r.label, _pool([x for x in rows if x is not r], kept)) for r in rows] if overall else []
    prospective = [r for r in rows if r.trial.design.type == "prospective-trial"]
    sensitivity = Sensitivity(loo, _pool(prospective, kept), len(prospective))
    return Analysis(endpoint, rows, left, overall, splits, sensitivity)
