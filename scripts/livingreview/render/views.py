"""What the listing pages show of each record: small, comparable views.

A page that lists every study (the index, browsing, what's new) is rendered from
these views rather than from the records, so that it can be kept between builds
while the views are equal: correcting a value re-renders the study's page, not
every listing that merely names the study. A view holds exactly what its
template shows; adding a field to a listing means adding it here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..model.records import Trial
from .display import AGE_GROUP, CELL_SOURCE, STATUS, STUDY_TYPE


@dataclass(frozen=True)
class Listed:
    """A study as a line in a list: a link and what it is."""

    id: str
    name: str
    title: str

    @classmethod
    def of(cls, trial: Trial) -> Listed:
        return cls(trial.id, trial.name, trial.title)


@dataclass(frozen=True)
class StudyLine:
    """A study as a row of the list of all studies."""

    id: str
    name: str
    design: str
    phase: str
    population: str
    cell_source: str
    values: int
    status: str

    @classmethod
    def of(cls, trial: Trial) -> StudyLine:
        return cls(
            trial.id,
            trial.name,
            STUDY_TYPE[trial.design.type],
            trial.design.phase or "",
            AGE_GROUP[trial.population.age_group],
            CELL_SOURCE[trial.construct.cell_source],
            len(trial.results),
            STATUS[trial.status],
        )


@dataclass(frozen=True)
class Update:
    """One dated change of one record, for what's new and the feed."""

    date: dt.date
    study: Listed
    summary: str
    index: int


def updates_of(trial: Trial) -> tuple[Update, ...]:
    study = Listed.of(trial)
    return tuple(Update(change.date, study, change.summary, i) for i, change in enumerate(trial.history))
