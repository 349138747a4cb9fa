"""The whole check: every aspect in turn, then what nothing cites and what is stale."""

from __future__ import annotations

import datetime as dt
from functools import partial

from ..model.diagnostics import Diagnostic, Diagnostics
from ..model.memo import Memo
from ..model.review import Review, as_of
from ..model.where import Mark
from .content import check_flowcharts, check_key_results, check_tables
from .records import check_related, check_trial
from .references import check_references
from .screening import check_screening
from .text import check_markup, check_page_markup, check_text

STALE_AFTER = dt.timedelta(days=365)


def check_review(review: Review, diags: Diagnostics, memo: Memo | None = None) -> list[Diagnostic]:
    """Run every cross-check; return all diagnostics, sorted, after scoped ignores.

    With a ``memo`` kept from the previous build, the checks of a record that did not
    change (nor did the references and endpoints it is checked against) are not run
    again: their findings are replayed.
    """
    memo = memo or Memo()
    cited: set[str] = set()
    check_references(review, diags, memo)
    against = (memo.values_of("references", review.references), memo.values_of("endpoints", review.endpoints))
    for trial in review.trials.values():
        cited |= memo.checked("check", (trial, *against), diags, partial(check_trial, review, trial))
        check_related(review, trial, diags)
    for page in review.pages.values():
        run = partial(check_text, review, page.text, Mark(page.file, 1, 1), exact=True)
        cited |= memo.checked("check-page", (page.text, page.file, against[0]), diags, run)
        check_page_markup(page.text, page.file, diags)
    for table in review.tables.values():
        if table.description:
            cited |= check_text(review, table.description, table.where.value("description"), diags, table.id)
            check_markup(table.description, table.where.value("description"), diags, table.id)
    check_tables(review, diags)
    check_key_results(review, diags)
    cited |= check_flowcharts(review, diags)
    cited |= check_screening(review, diags)
    _check_stale(review, diags)
    for key, ref in sorted(review.references.items()):
        if key not in cited:
            diags.add(
                "LR309",
                ref.where.start,
                f"reference '{key}' is not cited anywhere",
                "cite it from a record or page, or remove it",
                subject=key,
            )
    return review.config.apply(diags.sorted())


def _check_stale(review: Review, diags: Diagnostics) -> None:
    today = as_of(review)
    for trial in review.trials.values():
        if today - trial.verified > STALE_AFTER:
            diags.add(
                "LR502",
                trial.where.value("verified"),
                f"{trial.id} was last verified on {trial.verified}, more than a year before {today}",
                "check the record against its sources and update verified",
                subject=trial.id,
            )
