"""Cross-checks of the searches and the screening log, and of the records against them.

A search and its log pair up and add up (hits = entries + duplicates merged away); each
decision says who made it and when, an exclusion says why, an inclusion names existing
records; every record is reached through an included entry for each of its references.
The last two are only asked of a review that keeps a screening log at all.
"""

from __future__ import annotations

from collections import defaultdict

from ..model.diagnostics import Diagnostics
from ..model.identifiers import is_publication, norm_doi, norm_registry
from ..model.review import Review
from ..model.screening import EXCLUDED, Entry, ScreeningLog, Search
from .text import resolve_key


def check_screening(review: Review, diags: Diagnostics) -> set[str]:
    """Every check of the searches and screening log; returns the BibTeX keys they name."""
    cited: set[str] = set()
    for search in review.searches.values():
        cited |= _check_search(review, search, diags)
    owner: dict[str, ScreeningLog] = {}
    for log in review.screening.values():
        found_by = review.searches.get(log.search)
        if found_by is None and log.search not in review.unreadable_searches:
            diags.add(
                "LR828",
                log.where.value("search"),
                f"screening log '{log.search}' has no search content/searches/{log.search}.yaml",
                "record the search, or rename the log after its search",
                subject=log.search,
            )
        for entry in log.entries.values():
            if entry.id in owner:
                diags.add(
                    "LR827",
                    entry.where.start,
                    f"screening entry '{entry.id}' is also in {owner[entry.id].where.file}",
                    "keep one entry per candidate",
                    subject=log.search,
                )
                continue
            owner[entry.id] = log
            cited |= _check_entry(review, found_by, log, entry, diags)
    _check_repeats(review, diags)
    if review.searches and not review.unreadable_searches:
        _check_records(review, diags)  # a log that could not be read would make every record look missing
    return cited


def _check_search(review: Review, search: Search, diags: Diagnostics) -> set[str]:
    cited: set[str] = set()
    for i, key in enumerate(search.reviews):
        cited.add(key)
        resolve_key(review, key, search.where.item("reviews", i), diags, search.id)
    log = review.screening.get(search.id)
    if log is None:
        if search.id not in review.unreadable_searches:
            diags.add(
                "LR828",
                search.where.value("id"),
                f"search '{search.id}' has no screening log content/screening/{search.id}.yaml",
                "create it with `search: " + search.id + "` and its entries, or import the search again",
                subject=search.id,
            )
        return cited
    found = len(log.entries) + len(search.duplicates)
    if found != search.hits:
        diags.add(
            "LR829",
            search.where.value("hits"),
            f"search '{search.id}' reports {search.hits} hits, but its log has {len(log.entries)} entries "
            f"and {len(search.duplicates)} duplicates ({found})",
            "correct hits, or put the missing hits back in the log",
            subject=search.id,
        )
    for dup in search.duplicates:
        if dup.same_as and dup.same_as not in _all_entries(review):
            diags.add(
                "LR831",
                dup.where.value("same_as"),
                f"duplicate merged into unknown screening entry '{dup.same_as}'",
                "name an entry of content/screening/",
                subject=search.id,
            )
        if dup.matched_ref:
            cited.add(dup.matched_ref)
            if dup.matched_ref not in review.references:
                diags.add(
                    "LR831",
                    dup.where.value("matched_ref"),
                    f"duplicate merged into unknown BibTeX entry '{dup.matched_ref}'",
                    subject=search.id,
                )
        if not dup.same_as and not dup.matched_ref:
            diags.add(
                "LR831",
                dup.where.start,
                "a duplicate names neither the entry (same_as) nor the reference (matched_ref) it was merged into",
                subject=search.id,
            )
    return cited


def _all_entries(review: Review) -> dict[str, Entry]:
    return {e.id: e for log in review.screening.values() for e in log.entries.values()}


def _check_entry(review: Review, search: Search | None, log: ScreeningLog, e: Entry, diags: Diagnostics) -> set[str]:
    subject = log.search
    cited: set[str] = set()

    def add(code: str, key: str | None, message: str, hint: str = "") -> None:
        diags.add(code, e.where.value(key) if key else e.where.start, f"{e.id}: {message}", hint, subject=subject)

    if e.ref:
        cited.add(e.ref)
        resolve_key(review, e.ref, e.where.value("ref"), diags, subject)
    elif not e.title:
        add("LR834", None, "the entry has neither a title nor a ref", "add title: or ref: (its BibTeX key)")
    excluded = e.status in EXCLUDED
    if excluded and not e.reason:
        add(
            "LR822",
            "status",
            f"{e.status} needs a reason",
            "add reason: wrong-population, wrong-intervention, not-clinical, no-outcomes, secondary-source, "
            "duplicate-report or other",
        )
    if e.reason and not excluded:
        add("LR825", "reason", f"a reason is given but the status is {e.status}", "remove reason, or exclude the entry")
    if e.reason == "other" and not e.note:
        add("LR823", "reason", "reason 'other' needs a note saying what it is", "add note: ...")
    if e.records and e.status != "included":
        add("LR825", "records", f"records are named but the status is {e.status}", "remove records, or include it")
    if e.status == "included" and not e.records:
        add("LR826", "status", "an included entry names no record", "add records: [record-id]")
    for i, rid in enumerate(e.records):
        if rid not in review.trials and rid not in review.unreadable:
            diags.add(
                "LR820",
                e.where.item("records", i),
                f"{e.id}: included as unknown record '{rid}'",
                f"create content/trials/{rid}.yaml (livingreview new study {rid}) or correct the id",
                subject=subject,
            )
    if e.status == "awaiting":
        if e.decided_by or e.decided:
            add("LR825", "decided_by" if e.decided_by else "decided", "an entry awaiting screening has no decision yet")
        return cited
    missing = [k for k in ("decided_by", "decided") if not getattr(e, k)]
    if missing:
        what = " or ".join(missing)
        add("LR824", None, f"the decision ({e.status}) does not say {what}", "add " + ", ".join(missing))
    if search and e.decided and e.decided < search.date:
        add("LR832", "decided", f"decided on {e.decided}, before the search was run on {search.date}")
    return cited


def _check_repeats(review: Review, diags: Diagnostics) -> None:
    """The same DOI, PMID or registration in two entries: one candidate entered twice."""
    seen: dict[str, Entry] = {}
    for _, e in review.entries():
        keys = []
        ref = review.references.get(e.ref) if e.ref else None
        doi, pmid = e.doi or (ref.doi if ref else ""), e.pmid or (ref.pmid if ref else "")
        if doi:
            keys.append("DOI " + norm_doi(doi))
        if pmid:
            keys.append("PMID " + pmid.strip())
        if e.kind == "registration" and e.registry:
            keys.append("registration " + norm_registry(e.registry[0]))
        if e.ref:
            keys.append("reference " + e.ref)
        for key in keys:
            first = seen.setdefault(key, e)
            if first is not e:
                diags.add(
                    "LR830",
                    e.where.start,
                    f"{e.id} has the {key} of entry '{first.id}' ({first.where.file})",
                    "keep one entry and record the other as a duplicate of it",
                )
                break


def _check_records(review: Review, diags: Diagnostics) -> None:
    included: dict[str, list[Entry]] = defaultdict(list)
    for _, e in review.entries():
        if e.status == "included":
            for rid in e.records:
                included[rid].append(e)
    for trial in review.trials.values():
        entries = included.get(trial.id, [])
        if not entries:
            diags.add(
                "LR833",
                trial.where.start,
                f"record '{trial.id}' is not included by any screening entry",
                f"include the entry for its main publication: livingreview screen ENTRY --include {trial.id}",
                subject=trial.id,
            )
            continue
        for i, key in enumerate(trial.references):
            ref = review.references.get(key)
            if ref is None:
                continue  # already reported as an unknown key
            if not any(is_publication(e, ref) for e in entries):
                diags.add(
                    "LR821",
                    trial.where.item("references", i),
                    f"reference '{key}' of record '{trial.id}' is not an included screening entry naming the record",
                    f"include its entry with records: [{trial.id}], or add one with ref: {key}",
                    subject=trial.id,
                )
