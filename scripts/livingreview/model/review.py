"""The review as a whole: every record, reference and page, and the date it is current to."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .records import Endpoint, Flowchart, GlossaryEntry, Reference, StudyKind, Table, Trial
from .screening import Entry, ScreeningLog, Search


@dataclass
class Page:
    """A narrative Markdown page; ``path`` is relative to content/pages."""

    path: str
    file: str
    text: str


@dataclass
class Review:
    """Everything read from one review's folder, by id or path."""

    root: Path
    config: Config
    trials: dict[str, Trial] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    tables: dict[str, Table] = field(default_factory=dict)
    flowcharts: dict[str, Flowchart] = field(default_factory=dict)
    #: Ids (file names) of files that exist but could not be read; already reported,
    #: so references to them are not reported again as unknown.
    unreadable: set[str] = field(default_factory=set)
    glossary: dict[str, GlossaryEntry] = field(default_factory=dict)
    #: content/key-results.yaml: kinds of study, in order, and the figures each page leads with.
    kinds: dict[str, StudyKind] = field(default_factory=dict)
    #: CITATION.cff as data: how the review itself is cited (title, version, url...).
    citation: dict[str, Any] = field(default_factory=dict)
    #: Searches by id, and each search's screening log by the search's id.
    searches: dict[str, Search] = field(default_factory=dict)
    screening: dict[str, ScreeningLog] = field(default_factory=dict)
    #: File names of searches and screening logs that could not be read (already reported).
    unreadable_searches: set[str] = field(default_factory=set)

    def entries(self) -> list[tuple[Search | None, Entry]]:
        """Every screening entry with the search that found it, searches in date order."""
        order = sorted(self.screening.values(), key=lambda log: _search_order(self, log.search))
        return [(self.searches.get(log.search), e) for log in order for e in log.entries.values()]


def _search_order(review: Review, search_id: str) -> tuple[dt.date, str]:
    search = review.searches.get(search_id)
    return (search.date if search else dt.date.max, search_id)


def as_of(review: Review) -> dt.date:
    """The date the review's content is current to.

    ``SOURCE_DATE_EPOCH`` wins (reproducible builds); otherwise the newest date in
    the data, so that the same input always gives the same output.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
    dates = [t.verified for t in review.trials.values()]
    dates += [c.date for t in review.trials.values() for c in t.history]
    dates += [s.date for s in review.searches.values()]
    dates += [e.decided for _, e in review.entries() if e.decided]
    return max(dates, default=dt.date(2000, 1, 1))
