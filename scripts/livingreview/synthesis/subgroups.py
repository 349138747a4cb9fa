"""The subgroup variables a reader can split a forest plot by, each a field of the record."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model.records import Trial
from .studies import StudyRow

NOT_STATED = "not stated"


@dataclass(frozen=True)
class Variable:
    id: str
    label: str
    of: Callable[[StudyRow], str]


def _targets(t: Trial) -> str:
    return " and ".join(t.construct.targets) if t.construct.targets else NOT_STATED


def _plain(value: str | None) -> str:
    return value.replace("-", " ") if value and value != "not-stated" else NOT_STATED


def _scale(row: StudyRow) -> str:
    return row.result.scale or NOT_STATED


VARIABLES = [
    Variable("target", "target antigen", lambda r: _targets(r.trial)),
    Variable("product", "product", lambda r: r.trial.product.name if r.trial.product else NOT_STATED),
    Variable("age", "age group", lambda r: _plain(r.trial.population.age_group)),
    Variable("costimulation", "costimulation domain", lambda r: r.trial.construct.costimulation or NOT_STATED),
    Variable("cell-source", "cell source", lambda r: _plain(r.trial.construct.cell_source)),
    Variable("setting", "setting", lambda r: r.trial.design.setting or NOT_STATED),
    Variable("design", "study design", lambda r: _plain(r.trial.design.type)),
]
#: Toxicity rates are also split by the grading scale, so that scales are never pooled unseen.
SCALE = Variable("scale", "grading scale", _scale)
