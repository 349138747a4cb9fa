"""Searches and the screening log: how new evidence enters the review.

A :class:`Search` (``content/searches/<id>.yaml``) records one search as it was run:
where (the database or register, or the reference lists of reviews), the query, the
date and how many records it returned, and which of them were merged into records
already known (:class:`Duplicate`, kept so that an editor can undo a merge). Each of
the other hits is a :class:`Candidate` in the search's :class:`ScreeningLog`
(``content/screening/<search id>.yaml``), where it waits for a decision and then
carries it: excluded at title and abstract or at full text with a reason from
:data:`REASONS`, not retrieved, or included as a report of one or more study records.

Like every other model class, these dataclasses are also the file format's schema.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import ClassVar, Literal

from .records import CITE_KEY, SCHEMA_VERSION, SLUG, fld, where_field
from .where import Where

#: What was searched. ``pubmed`` and ``ris`` are bibliographic databases, ``ctgov`` a
#: trial register, ``review-lists`` the reference lists of reviews (PRISMA's "other methods").
SearchSource = Literal["pubmed", "ris", "ctgov", "review-lists"]
#: PRISMA 2020's two columns: databases and registers, or other methods.
DATABASE_SOURCES = ("pubmed", "ris")
REGISTER_SOURCES = ("ctgov",)
OTHER_SOURCES = ("review-lists",)

Status = Literal[
    "awaiting",
    "full-text",
    "excluded-title-abstract",
    "not-retrieved",
    "excluded-full-text",
    "included",
]
#: What each status means, in the words the site and the command line use.
STATUSES: dict[str, str] = {
    "awaiting": "awaiting title and abstract screening",
    "full-text": "passed title and abstract; full text to be assessed",
    "excluded-title-abstract": "excluded at title and abstract",
    "not-retrieved": "full text sought but not retrieved",
    "excluded-full-text": "excluded at full text",
    "included": "included",
}
EXCLUDED = ("excluded-title-abstract", "excluded-full-text")
#: Entries that still wait for a decision: the review's "studies awaiting classification".
OPEN = ("awaiting", "full-text")

Reason = Literal[
    "wrong-population",
    "wrong-intervention",
    "not-clinical",
    "no-outcomes",
    "secondary-source",
    "duplicate-report",
    "other",
]
#: The controlled list of exclusion reasons, with how each reads on the flow diagram.
REASONS: dict[str, str] = {
    "wrong-population": "not B-cell ALL",
    "wrong-intervention": "not CAR T-cell therapy",
    "not-clinical": "laboratory or animal study",
    "no-outcomes": "no patient outcomes reported",
    "secondary-source": "review, editorial or comment without new data",
    "duplicate-report": "same data as a report already included",
    "other": "other reason (see the note)",
}

Kind = Literal["publication", "registration"]
MatchedBy = Literal["doi", "pmid", "registry", "title"]
#: ClinicalTrials.gov's ``overallStatus`` values of trials that are still running.
ONGOING = ("NOT_YET_RECRUITING", "RECRUITING", "ENROLLING_BY_INVITATION", "ACTIVE_NOT_RECRUITING")


@dataclass(slots=True)
class Candidate:
    """What a search found about one record: enough to recognise it and to screen it."""

    key_order: ClassVar[tuple[str, ...]] = (
        "kind",
        "title",
        "authors",
        "journal",
        "year",
        "doi",
        "pmid",
        "registry",
        "trial_status",
        "ref",
    )

    title: str | None = fld("Title as the search returned it.", default=None)
    kind: Kind = fld("A publication, or a trial registration.", default="publication")
    authors: list[str] = fld("Authors as exported (surname and initials), first ones first.", factory=list)
    journal: str | None = fld("Journal (abbreviated) or register.", default=None)
    year: int | None = fld("Year of publication or registration.", default=None, minimum=1900)
    doi: str | None = fld("DOI, without https://doi.org/.", default=None, examples=["10.1056/NEJMoa1709866"])
    pmid: str | None = fld("PubMed id.", default=None, pattern=r"^[1-9][0-9]{0,8}$")
    registry: list[str] = fld(
        "Trial registry ids the record names (NCT, ChiCTR, EudraCT); for a registration, its own id first.",
        factory=list,
    )
    trial_status: str | None = fld(
        "For a registration: the register's recruitment status when searched (ClinicalTrials.gov's overallStatus).",
        default=None,
        examples=["RECRUITING"],
    )
    ref: str | None = fld(
        "BibTeX key of the publication once it is in references/*.bib.", default=None, pattern=CITE_KEY
    )
    where: Where = where_field()


@dataclass(slots=True)
class Entry(Candidate):
    """One candidate in the screening log and the decision about it."""

    key_order: ClassVar[tuple[str, ...]] = (
        "status",
        "reason",
        "records",
        *Candidate.key_order,
        "decided_by",
        "decided",
        "note",
    )

    status: Status = fld("Where the candidate stands.", default="awaiting")
    reason: Reason | None = fld("Why it was excluded (required for an exclusion).", default=None)
    records: list[str] = fld("For an included report: the ids of the study records it reports.", factory=list)
    decided_by: str | None = fld("Who made the last decision.", default=None, examples=["A. Editor"])
    decided: dt.date | None = fld("When the last decision was made (YYYY-MM-DD).", default=None)
    note: str | None = fld("Anything an editor needs to know about the decision.", default=None)
    id: str = fld("Set from the mapping key.", default="")


@dataclass(slots=True, kw_only=True)
class Duplicate(Candidate):
    """A hit merged into a record already known, with why, so that the merge can be undone."""

    key_order: ClassVar[tuple[str, ...]] = ("same_as", "matched_ref", "by", "score", *Candidate.key_order)

    by: MatchedBy = fld("What the two have in common: doi, pmid, registry (two registrations) or title (and year).")
    same_as: str | None = fld("Id of the screening entry it was merged into.", default=None, pattern=SLUG)
    matched_ref: str | None = fld(
        "BibTeX key it matched when no screening entry stands for that publication.", default=None, pattern=CITE_KEY
    )
    score: float | None = fld("For a match by title: how alike the titles are, 0 to 100.", default=None)


@dataclass(slots=True)
class Search:
    """One search as it was run: where, what was asked, when, and how many records it found."""

    key_order: ClassVar[tuple[str, ...]] = (
        "schema_version",
        "id",
        "source",
        "database",
        "query",
        "date",
        "hits",
        "file",
        "reviews",
        "note",
        "duplicates",
    )

    id: str = fld("Unique id; also the file name of its screening log.", pattern=SLUG, examples=["2026-12-01-pubmed"])
    source: SearchSource = fld("What was searched: pubmed, ris (any database's RIS export), ctgov or review-lists.")
    database: str = fld("The database, register or list searched, as readers know it.", examples=["PubMed"])
    query: str = fld("The query exactly as it was run.")
    date: dt.date = fld("When the search was run (YYYY-MM-DD).")
    hits: int = fld("How many records the search returned.", minimum=0)
    file: str | None = fld("The export the hits were imported from.", default=None)
    reviews: list[str] = fld("For review-lists: BibTeX keys of the reviews whose lists were read.", factory=list)
    note: str | None = fld("How the search was run, if the query does not say it all.", default=None)
    duplicates: list[Duplicate] = fld("Hits merged into records already known.", factory=list)
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()


@dataclass(slots=True)
class ScreeningLog:
    """content/screening/<search id>.yaml: the candidates one search found, each with its decision."""

    key_order: ClassVar[tuple[str, ...]] = ("schema_version", "search", "entries")

    search: str = fld("Id of the search that found these candidates; also the file name.", pattern=SLUG)
    entries: dict[str, Entry] = fld("Candidates by id, in the order the search returned them.", factory=dict)
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()

    @property
    def id(self) -> str:
        return self.search
