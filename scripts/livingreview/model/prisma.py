"""The PRISMA 2020 flow of a review: every count worked out from its searches and screening log.

The counts follow the PRISMA 2020 flow diagram (Page et al., BMJ 2021;372:n71): records
identified per database, register or other method; duplicates removed before screening;
records screened and excluded; reports sought, not retrieved, assessed and excluded with
reasons; studies and reports included. Two things a living review adds are counted the
same way: what still awaits screening, and what awaits assessment of its full text. Each
box is the one before it less what leaves it, so the diagram always adds up.

An entry is counted with the search that found it. The *latest update* is the searches
run on the most recent search date; the diagram of the update counts the studies
included before it (PRISMA's "previous version") and after it, and a second diagram
counts every search together.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from .review import Review
from .screening import DATABASE_SOURCES, REASONS, REGISTER_SOURCES, Entry, Search


@dataclass(frozen=True)
class Column:
    """One column of the diagram: searches of databases and registers, or other methods."""

    #: (group, what was searched, records): group is "Databases", "Registers" or "Other methods".
    identified: tuple[tuple[str, str, int], ...]
    duplicates: int
    #: Records that went on to screening (identified less duplicates), and what left it.
    screened: int
    excluded_screening: int
    awaiting_screening: int
    #: Reports sought for retrieval, and those not retrieved.
    sought: int
    not_retrieved: int
    #: Reports assessed for eligibility, those excluded (by reason) and those still awaiting assessment.
    assessed: int
    excluded: tuple[tuple[str, int], ...]
    awaiting_assessment: int
    included: int

    @property
    def total_identified(self) -> int:
        return sum(n for _, _, n in self.identified)

    @property
    def total_excluded(self) -> int:
        return sum(n for _, n in self.excluded)


@dataclass(frozen=True)
class Flow:
    """One flow diagram's counts."""

    title: str
    databases: Column | None
    other: Column | None
    #: Studies and reports included before this update; None for a diagram of every search.
    previous_studies: int | None
    previous_reports: int | None
    new_studies: int
    new_reports: int
    total_studies: int
    total_reports: int


def column(searches: list[Search], entries: list[Entry]) -> Column | None:
    """The counts of one column: these searches and the entries they found."""
    if not searches:
        return None
    identified: dict[tuple[str, str], int] = {}
    for s in sorted(searches, key=lambda s: (s.date, s.id)):
        group = "Databases" if s.source in DATABASE_SOURCES else "Registers" if s.source in REGISTER_SOURCES else ""
        group = group or "Other methods"
        identified[(group, s.database)] = identified.get((group, s.database), 0) + s.hits
    status = Counter(e.status for e in entries)
    reasons: Counter[str] = Counter(e.reason or "other" for e in entries if e.status == "excluded-full-text")
    duplicates = sum(len(s.duplicates) for s in searches)
    screened = sum(identified.values()) - duplicates
    sought = screened - status["excluded-title-abstract"] - status["awaiting"]
    assessed = sought - status["not-retrieved"]
    excluded = tuple((REASONS[r], reasons[r]) for r in REASONS if reasons[r])
    order = {"Databases": 0, "Registers": 1, "Other methods": 2}
    return Column(
        identified=tuple((g, name, n) for (g, name), n in sorted(identified.items(), key=lambda kv: order[kv[0][0]])),
        duplicates=duplicates,
        screened=screened,
        excluded_screening=status["excluded-title-abstract"],
        awaiting_screening=status["awaiting"],
        sought=sought,
        not_retrieved=status["not-retrieved"],
        assessed=assessed,
        excluded=excluded,
        awaiting_assessment=status["full-text"],
        included=assessed - sum(reasons.values()) - status["full-text"],
    )


def _studies(entries: list[Entry]) -> set[str]:
    return {r for e in entries if e.status == "included" for r in e.records}


def _flow(title: str, review: Review, chosen: set[str], previous: set[str] | None) -> Flow:
    searches = [s for s in review.searches.values() if s.id in chosen]
    pairs = [(s, e) for s, e in review.entries() if s is not None]
    entries = [e for s, e in pairs if s.id in chosen]
    dbr = [s for s in searches if s.source in DATABASE_SOURCES + REGISTER_SOURCES]
    other = [s for s in searches if s not in dbr]
    dbr_ids = {s.id for s in dbr}
    dbr_entries = [e for s, e in pairs if s.id in dbr_ids]
    other_entries = [e for s, e in pairs if s.id in chosen - dbr_ids]
    earlier = [e for s, e in pairs if previous is not None and s.id in previous]
    before = _studies(earlier)
    included = [e for e in entries if e.status == "included"]
    total = before | _studies(entries)
    return Flow(
        title=title,
        databases=column(dbr, dbr_entries),
        other=column(other, other_entries),
        previous_studies=len(before) if previous is not None else None,
        previous_reports=sum(e.status == "included" for e in earlier) if previous is not None else None,
        new_studies=len(_studies(entries) - before),
        new_reports=len(included),
        total_studies=len(total),
        total_reports=len(included) + sum(e.status == "included" for e in earlier),
    )


def last_search(review: Review) -> dt.date | None:
    return max((s.date for s in review.searches.values()), default=None)


def flows(review: Review) -> list[Flow]:
    """The diagram of the latest update and, when there were earlier searches, of every search."""
    latest = last_search(review)
    if latest is None:
        return []
    update = {s.id for s in review.searches.values() if s.date == latest}
    earlier = set(review.searches) - update
    if not earlier:
        return [_flow(f"Searches of {latest.isoformat()}", review, update, None)]
    return [
        _flow(f"Latest update: searches of {latest.isoformat()}", review, update, earlier),
        _flow("Every search so far", review, set(review.searches), None),
    ]
