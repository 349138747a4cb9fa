"""Checks of where a reference's metadata came from, and of metadata that cannot be right.

Reference lists in the source reviews carry typing slips: a page range that ends
before it starts, a DOI from another year's meeting. The checks here catch the ones a
machine can see. An editor who has looked at such a field and cannot correct it from
the sources records it in the entry's ``flagged`` field (``pages: printed 1770-1709 by
Testa 2024, ref. 35``): the check then stays quiet and the site shows the flag. Where
a field was corrected, ``corrected`` says from what and why (items ``field: ...`` separated by
semicolons), and ``metadata-from``
names the review whose reference list the entry follows.
"""

from __future__ import annotations

import re

from ..model.diagnostics import Diagnostics
from ..model.records import Reference

#: Fields that record provenance rather than bibliographic data.
PROVENANCE_FIELDS = ("metadata-from", "corrected", "flagged")

#: DOI registrant prefixes of the journals the review cites most; a DOI with another
#: prefix under one of these journals belongs to another publication.
JOURNAL_PREFIX = {
    "blood": "10.1182",
    "blood adv": "10.1182",
    "j clin oncol": "10.1200",
    "jco": "10.1200",
    "n engl j med": "10.1056",
    "lancet": "10.1016",
    "lancet haematol": "10.1016",
    "lancet oncol": "10.1016",
    "transplant cell ther": "10.1016",
    "biol blood marrow transpl": "10.1016",
    "biol blood marrow transplant": "10.1016",
    "nat med": "10.1038",
    "nat commun": "10.1038",
    "leukemia": "10.1038",
    "blood cancer j": "10.1038",
    "bone marrow transplant": "10.1038",
    "j hematol oncol": "10.1186",
    "clin cancer res": "10.1158",
    "blood cancer discov": "10.1158",
    "haematologica": "10.3324",
    "front immunol": "10.3389",
}

#: ASH abstracts and articles: 10.1182/blood-2022-164879 was published in Blood in 2022.
ASH_ABSTRACT = re.compile(r"^10\.1182/blood-(\d{4})-\d+$", re.I)
#: Springer Nature and ASCO DOIs carry the year the DOI was assigned, never after publication.
ASSIGNED_YEAR = (re.compile(r"^10\.1038/s\d{5}-0(\d\d)-", re.I), re.compile(r"^10\.1200/JCO\.(\d\d)\.", re.I))
PAGE_RANGE = re.compile(r"^([A-Za-z]*)(\d+)(?:\.e(\d+))?\s*[-\u2013\u2014]+\s*([A-Za-z]*)(\d+)(?:\.e(\d+))?$")
ITEM = re.compile(r"^\s*([a-z][a-z-]*)\s*:")
#: Items of ``corrected`` and ``flagged`` are separated by a semicolon before the next "field:".
SPLIT = re.compile(r";\s*(?=[a-z][a-z-]*\s*:\s)")


def items(ref: Reference, name: str) -> list[str]:
    return [i for i in SPLIT.split(ref.get(name)) if i.strip()]


def flagged_fields(ref: Reference) -> set[str]:
    """Fields an editor has flagged or corrected: their problems are known and shown."""
    names = set()
    for name in ("flagged", "corrected"):
        for item in items(ref, name):
            m = ITEM.match(item)
            if m:
                names.add(m.group(1))
    return names


def check_provenance(ref: Reference, reviews: set[str], diags: Diagnostics) -> None:
    key, where = ref.key, ref.where
    source = ref.get("metadata-from").strip()
    if source:
        first = re.split(r"[\s,;]", source, maxsplit=1)[0]
        if first not in reviews:
            diags.add(
                "LR343",
                where.key("metadata-from"),
                f"metadata-from of '{key}' names '{first}', which is not a source review",
                "start it with the BibTeX key of the review whose reference list the entry follows, "
                "then its reference number: {saleh2023car, ref. 69}",
                subject=key,
            )
    for name in ("corrected", "flagged"):
        for item in items(ref, name):
            if not ITEM.match(item):
                diags.add(
                    "LR343",
                    where.key(name),
                    f"{name} of '{key}' has an item that does not start with the name of a field: "
                    f"'{item.strip()[:40]}'",
                    "write each item as 'field: what was printed, where, and why'; separate items with '; '",
                    subject=key,
                )
    known = flagged_fields(ref)
    if "pages" not in known:
        _check_pages(ref, diags)
    if "doi" not in known:
        _check_doi(ref, diags)


def _check_pages(ref: Reference, diags: Diagnostics) -> None:
    m = PAGE_RANGE.match(ref.get("pages").strip())
    if not m or m.group(1) != m.group(4):
        return
    first, last = m.group(2), m.group(5)
    if len(last) < len(first):  # 1652-63 is 1652-1663
        last = first[: len(first) - len(last)] + last
    start = (int(first), int(m.group(3) or 0))
    end = (int(last), int(m.group(6) or 0))
    if end < start:
        diags.add(
            "LR340",
            ref.where.key("pages"),
            f"pages of '{ref.key}' end before they start: {ref.get('pages')}",
            "check the range against another review's reference list; if no source gives the right "
            "pages, keep them and say so in flagged = {pages: ...}",
            subject=ref.key,
        )


def _check_doi(ref: Reference, diags: Diagnostics) -> None:
    doi, year = ref.doi.strip(), ref.year.strip()
    if not doi:
        return
    journal = re.sub(r"[.\s]+", " ", ref.get("journal")).strip().lower()
    prefix = JOURNAL_PREFIX.get(journal)
    problem = ""
    ash = ASH_ABSTRACT.match(doi)
    if prefix and not doi.lower().startswith(prefix + "/"):
        problem = f"a {ref.get('journal')} DOI starts with {prefix}/, not {doi.split('/')[0]}/"
    elif ash and journal not in ("blood", ""):
        problem = f"{doi} is a Blood DOI of {ash.group(1)}, but the entry is in {ref.get('journal')}"
    elif ash and year.isdigit() and ash.group(1) != year:
        problem = f"{doi} was published in {ash.group(1)}, but the entry says {year}"
    elif year.isdigit():
        for pattern in ASSIGNED_YEAR:
            m = pattern.match(doi)
            if m and not int(year) - 2 <= 2000 + int(m.group(1)) <= int(year):
                problem = f"{doi} was assigned in 20{m.group(1)}, which does not fit the entry's year {year}"
    if problem:
        diags.add(
            "LR341",
            ref.where.key("doi"),
            f"the DOI of '{ref.key}' does not fit the entry: {problem}",
            "check the DOI against another review's reference list; if it belongs to another "
            "publication, remove it or say so in flagged = {doi: ...}",
            subject=ref.key,
        )
