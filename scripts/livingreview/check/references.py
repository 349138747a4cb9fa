"""Checks of the bibliography: required fields, identifiers, duplicates across entries."""

from __future__ import annotations

from functools import partial

from ..load.bibtex import DOI, PMID, REQUIRED
from ..load.convert import PLACEHOLDER
from ..model.diagnostics import Diagnostics
from ..model.memo import Memo
from ..model.records import Reference
from ..model.review import Review
from .nlm import check_nlm
from .provenance import check_provenance


def check_references(review: Review, diags: Diagnostics, memo: Memo) -> None:
    seen_doi: dict[str, str] = {}
    seen_pmid: dict[str, str] = {}
    reviews = _reviews(review)
    for key, ref in sorted(review.references.items()):
        if ref.broken:
            continue
        memo.checked("check-reference", (ref,), diags, partial(_check_reference, ref))
        memo.checked("check-provenance", (ref, tuple(sorted(reviews))), diags, partial(check_provenance, ref, reviews))
        doi, pmid = ref.doi, ref.pmid
        if doi and DOI.match(doi):
            if doi.lower() in seen_doi:
                diags.add(
                    "LR302",
                    ref.where.key("doi"),
                    f"DOI {doi} is also given for '{seen_doi[doi.lower()]}'",
                    "merge the two entries into one",
                    subject=key,
                )
            else:
                seen_doi[doi.lower()] = key
        if pmid and PMID.match(pmid):
            if pmid in seen_pmid:
                diags.add(
                    "LR303",
                    ref.where.key("pmid"),
                    f"PMID {pmid} is also given for '{seen_pmid[pmid]}'",
                    "merge the two entries into one",
                    subject=key,
                )
            else:
                seen_pmid[pmid] = key


def _check_reference(ref: Reference, diags: Diagnostics) -> None:
    """The checks of one entry on its own (duplicates across entries are found above)."""
    key, where = ref.key, ref.where
    for group in REQUIRED.get(ref.entry_type, ["title"]):
        names = group.split("|")
        if not any(ref.latex(n).strip() for n in names):
            diags.add(
                "LR306",
                where.start,
                f"@{ref.entry_type} '{key}' has no {' or '.join(names)}",
                f"add {names[0]} = {{...}}",
                subject=key,
            )
    for name, value in ref.fields.items():
        if PLACEHOLDER in value:
            diags.add(
                "LR209",
                where.key(name),
                f"field '{name}' of '{key}' still holds a placeholder",
                "fill it in",
                subject=key,
            )
        elif not value.strip():
            diags.add("LR313", where.key(name), f"field '{name}' of '{key}' is empty", subject=key)
    doi, pmid = ref.doi, ref.pmid
    if doi and not DOI.match(doi):
        hint = (
            "write the DOI alone, without the https://doi.org/ prefix"
            if "doi.org" in doi.lower() or doi.lower().startswith("doi:")
            else "a DOI starts with 10. and a registrant code, then a slash"
        )
        diags.add("LR304", where.key("doi"), f"'{doi}' is not a valid DOI", hint, subject=key)
    if pmid and not PMID.match(pmid):
        diags.add(
            "LR305", where.key("pmid"), f"'{pmid}' is not a valid PubMed id", "a PMID is 1 to 8 digits", subject=key
        )
    check_nlm(ref, diags)
    if not doi and not pmid:
        diags.add(
            "LR308",
            where.start,
            f"reference '{key}' has neither DOI nor PMID",
            "add doi = {...} or pmid = {...} where the publication has one",
            subject=key,
        )


def _reviews(review: Review) -> set[str]:
    """Keys of the source reviews: every key a record names as the review a value was read in."""
    return {r.source.review for t in review.trials.values() for r in t.results if r.source.review}
