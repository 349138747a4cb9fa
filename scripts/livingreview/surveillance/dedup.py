"""Which hits of a new search the review already knows, and what each is merged into.

A hit is the same as a publication or registration already known when they share a
DOI, a PubMed id or (two registrations) a registry id, or failing those when their
titles are alike (rapidfuzz's token-sort ratio of the titles reduced to lower-case
words, at least :data:`TITLE_SCORE`) and their years are no more than one apart (an
online-first year and the print year). What is known: the screening entries of every
earlier search, the BibTeX entries in references/, and the hits of this search before
it. Each merge is kept as a :class:`Duplicate` naming what it matched and how, so that
an editor can see it, and undo it by moving the hit back into the screening log.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, fields

from rapidfuzz import fuzz

from ..model.identifiers import is_publication, norm_doi, norm_registry, ref_registrations, title_key, year_of
from ..model.records import Reference
from ..model.review import Review
from ..model.screening import Candidate, Duplicate, Entry

#: How alike two titles must be (0 to 100) to be taken for one publication.
TITLE_SCORE = 92.0


@dataclass(frozen=True)
class Known:
    """Something a hit can be merged into: a screening entry, or a BibTeX entry without one."""

    entry: str | None
    ref: str | None
    doi: str
    pmid: str
    registrations: frozenset[str]
    title: str
    year: int | None


def known(review: Review) -> list[Known]:
    """Every entry of the screening log, then every BibTeX entry no entry stands for.

    An entry that names its BibTeX entry (``ref``) is known by that entry's identifiers too.
    """
    out: list[Known] = []
    entries = [e for _, e in review.entries()]
    for e in entries:
        mine = _of_candidate(e, e.id)
        ref = review.references.get(e.ref) if e.ref else None
        if ref is not None:
            theirs = _of_ref(ref)
            mine = Known(
                e.id,
                e.ref,
                mine.doi or theirs.doi,
                mine.pmid or theirs.pmid,
                mine.registrations | (theirs.registrations if e.kind == "registration" else frozenset()),
                mine.title or theirs.title,
                mine.year or theirs.year,
            )
        out.append(mine)
    for _, ref in sorted(review.references.items()):
        if any(is_publication(e, ref) for e in entries):
            continue
        out.append(_of_ref(ref))
    return out


def _of_ref(ref: Reference) -> Known:
    return Known(
        None,
        ref.key,
        norm_doi(ref.doi),
        (ref.pmid or "").strip(),
        frozenset(norm_registry(r) for r in ref_registrations(ref)),
        title_key(ref.get("title")),
        year_of(ref.year),
    )


def _of_candidate(c: Candidate, entry_id: str) -> Known:
    regs = frozenset([norm_registry(c.registry[0])]) if c.kind == "registration" and c.registry else frozenset()
    return Known(entry_id, c.ref, norm_doi(c.doi), (c.pmid or "").strip(), regs, title_key(c.title), c.year)


def match(c: Candidate, pool: Iterable[Known]) -> tuple[Known, str, float | None] | None:
    """What ``c`` is the same as, how the two were matched, and for titles how alike they are."""
    pool = list(pool)
    doi, pmid = norm_doi(c.doi), (c.pmid or "").strip()
    reg = norm_registry(c.registry[0]) if c.kind == "registration" and c.registry else ""
    for k in pool:
        if doi and doi == k.doi:
            return k, "doi", None
    for k in pool:
        if pmid and pmid == k.pmid:
            return k, "pmid", None
    for k in pool:
        if reg and reg in k.registrations:
            return k, "registry", None
    title = title_key(c.title)
    best: tuple[Known, float] | None = None
    for k in pool:
        if not title or not k.title or k.registrations or reg:
            continue  # registrations are matched by their ids only
        if c.year and k.year and abs(c.year - k.year) > 1:
            continue
        score = fuzz.token_sort_ratio(title, k.title)
        if score >= TITLE_SCORE and (best is None or score > best[1]):
            best = (k, score)
    return (best[0], "title", round(best[1], 1)) if best else None


def as_duplicate(c: Candidate, k: Known, by: str, score: float | None) -> Duplicate:
    shared = {f.name: getattr(c, f.name) for f in fields(Candidate)}
    return Duplicate(**shared, by=by, same_as=k.entry, matched_ref=None if k.entry else k.ref, score=score)  # type: ignore[arg-type]


def as_entry(c: Candidate, entry_id: str) -> Entry:
    shared = {f.name: getattr(c, f.name) for f in fields(Candidate)}
    return Entry(**shared, id=entry_id)


def split(
    review: Review, hits: list[Candidate], new_id: Callable[[Candidate], str]
) -> tuple[list[Entry], list[Duplicate]]:
    """The new entries and the duplicates of one search's hits; ``new_id`` names each new entry."""
    pool = known(review)
    entries: list[Entry] = []
    dups: list[Duplicate] = []
    for c in hits:
        found = match(c, pool)
        if found:
            dups.append(as_duplicate(c, *found))
            continue
        entry_id = new_id(c)
        entries.append(as_entry(c, entry_id))
        pool.append(_of_candidate(c, entry_id))
    return entries, dups
