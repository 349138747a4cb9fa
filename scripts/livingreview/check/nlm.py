"""What Vancouver (NLM) style needs of an entry: journals by their NLM abbreviation, and
the date a web source was consulted."""

from __future__ import annotations

import re

from ..model.diagnostics import Diagnostics
from ..model.records import Reference
from ..text.journals import nlm_form

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def check_nlm(ref: Reference, diags: Diagnostics) -> None:
    journal = ref.get("journal") if ref.entry_type == "article" else ""
    if journal:
        form, abbreviation = nlm_form(journal)
        if form == "variant":
            diags.add(
                "LR318",
                ref.where.key("journal"),
                f"journal '{journal}' of '{ref.key}' is not NLM's abbreviation",
                f"write journal = {{{abbreviation}}}",
                subject=ref.key,
            )
        elif form == "unknown":
            diags.add(
                "LR320",
                ref.where.key("journal"),
                f"journal '{journal}' of '{ref.key}' is not in the table of NLM abbreviations",
                "check it in the NLM Catalog and add it to scripts/livingreview/text/journals.py",
                subject=ref.key,
            )
    if ref.entry_type == "online" or (ref.entry_type == "misc" and ref.get("url")):
        urldate = ref.get("urldate")
        if not urldate:
            diags.add(
                "LR319",
                ref.where.start,
                f"web source '{ref.key}' does not say when it was consulted",
                "add urldate = {YYYY-MM-DD}",
                subject=ref.key,
            )
        elif not _ISO_DATE.match(urldate):
            diags.add(
                "LR319",
                ref.where.key("urldate"),
                f"urldate '{urldate}' of '{ref.key}' is not a date",
                "write urldate = {YYYY-MM-DD}",
                subject=ref.key,
            )
