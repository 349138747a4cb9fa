"""Cross-checks over the loaded review: references, citations, numbers, editorial state.

Each ``_check_*`` function looks at one aspect and reports through the shared
:class:`~livingreview.diagnostics.Diagnostics`; :func:`check_review` runs them all.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import os
import re
import typing
from collections import defaultdict
from collections.abc import Iterator
from functools import partial
from typing import Any

from . import cite
from .bibtex import DOI, PMID, REQUIRED
from .compare import disagreements
from .convert import PLACEHOLDER, hints
from .diagnostics import Diagnostic, Diagnostics
from .load import Review
from .memo import Memo
from .model import Reference, Result, Trial, dataclass_fields, yaml_key
from .where import Mark, Where

REGISTRY = re.compile(
    r"^(NCT\d{8}|ChiCTR(-[A-Z]{2,6}-)?\d{7,10}|\d{4}-\d{6}-\d{2}|ISRCTN\d{8}|CTRI/\d{4}/\d{2,3}/\d{6}|jRCT\w{10,12})$"
)
STALE_AFTER = dt.timedelta(days=365)
TOXICITY_PAIRS = {"crs_grade3plus": "crs_any", "icans_grade3plus": "icans_any", "agvhd_grade3plus": "agvhd_any"}
MRD_ENDPOINTS = {"mrd_neg_cr"}


def check_review(review: Review, diags: Diagnostics, memo: Memo | None = None) -> list[Diagnostic]:
    """Run every cross-check; return all diagnostics, sorted, after scoped ignores.

    With a ``memo`` kept from the previous build, the checks of a record that did not
    change (nor did the references and endpoints it is checked against) are not run
    again: their findings are replayed.
    """
    from .check_content import check_flowcharts, check_tables

    memo = memo or Memo()
    cited: set[str] = set()
    _check_references(review, diags, memo)
    against = (memo.values_of("references", review.references), memo.values_of("endpoints", review.endpoints))
    for trial in review.trials.values():
        cited |= memo.checked("check", (trial, *against), diags, partial(_check_trial, review, trial))
        _check_related(review, trial, diags)
    for page in review.pages.values():
        run = partial(check_text, review, page.text, Mark(page.file, 1, 1), exact=True)
        cited |= memo.checked("check-page", (page.text, page.file, against[0]), diags, run)
    for table in review.tables.values():
        if table.description:
            cited |= check_text(review, table.description, table.where.value("description"), diags, table.id)
    check_tables(review, diags)
    cited |= check_flowcharts(review, diags)
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


# --------------------------------------------------------------------------- references


def _check_references(review: Review, diags: Diagnostics, memo: Memo) -> None:
    seen_doi: dict[str, str] = {}
    seen_pmid: dict[str, str] = {}
    for key, ref in sorted(review.references.items()):
        if ref.broken:
            continue
        memo.checked("check-reference", (ref,), diags, partial(_check_reference, ref))
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
        if not any(ref.get(n).strip() for n in names):
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
    if not doi and not pmid:
        diags.add(
            "LR308",
            where.start,
            f"reference '{key}' has neither DOI nor PMID",
            "add doi = {...} or pmid = {...} where the publication has one",
            subject=key,
        )


# --------------------------------------------------------------------------- citations


def suggest(key: str, keys: list[str]) -> str:
    """A "did you mean" for a mistyped key: close spelling first, then same author and year."""
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    if not close:
        stem = re.match(r"[A-Za-z]+\d{0,4}", key)
        if stem:
            same = sorted(k for k in keys if k.lower().startswith(stem.group(0).lower()))
            close = same[:1] or difflib.get_close_matches(key, keys, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else "add the entry to a file in references/"


def resolve_key(review: Review, key: str, at: Mark, diags: Diagnostics, subject: str) -> None:
    if key not in review.references:
        diags.add(
            "LR310",
            at,
            f"unknown citation key '{key}'",
            suggest(key, sorted(review.references)),
            subject=subject,
        )


def check_text(
    review: Review, text: str, at: Mark, diags: Diagnostics, subject: str = "", exact: bool = False
) -> set[str]:
    """Citations in Markdown text; ``exact`` means the text starts at line 1 of the file."""
    if "@" not in text:
        return set()
    good, bad = cite.scan(text)
    keys: set[str] = set()

    def pos(line: int, col: int) -> Mark:
        return Mark(at.file, line, col) if exact else at

    for b in bad:
        diags.add("LR311", pos(b.line, b.col), f"malformed citation {b.text}: {b.reason}", subject=subject)
    for c in good:
        for item in c.items:
            keys.add(item.key)
            resolve_key(review, item.key, pos(c.line, c.col), diags, subject)
    return keys


TEXT_FIELDS = ("summary", "note", "notes", "slip", "description", "detail")


_TextPlan = tuple[tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]
_TEXT_PLANS: dict[type, _TextPlan] = {}


def _text_plan(cls: type) -> _TextPlan:
    """For a model class: its free-text fields (attribute, YAML key), and the fields
    holding one nested record or a list of them; worked out once per class."""
    if cls not in _TEXT_PLANS:
        texts, one, many = [], [], []
        types = hints(cls)
        for f in dataclass_fields(cls):
            tp = types[f.name]
            inner = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
            if f.name in TEXT_FIELDS:
                texts.append((f.name, yaml_key(f)))
            elif typing.get_origin(tp) is list and dataclasses.is_dataclass(typing.get_args(tp)[0]):
                many.append(f.name)
            elif any(isinstance(a, type) and dataclasses.is_dataclass(a) for a in inner):
                one.append(f.name)
        _TEXT_PLANS[cls] = (tuple(texts), tuple(one), tuple(many))
    return _TEXT_PLANS[cls]


def _text_fields(obj: Any) -> Iterator[tuple[str, Where, str]]:
    """(text, where, key) for every free-text field of a record, nested ones included."""
    texts, one, many = _text_plan(type(obj))
    for name, key in texts:
        value = getattr(obj, name)
        if value:
            yield value, obj.where, key
    for name in one:
        value = getattr(obj, name)
        if value is not None:
            yield from _text_fields(value)
    for name in many:
        for item in getattr(obj, name):
            yield from _text_fields(item)


def _check_trial(review: Review, trial: Trial, diags: Diagnostics) -> set[str]:
    """Every check of one record on its own; returns the keys it cites."""
    cited = _check_trial_citations(review, trial, diags)
    _check_registry(trial, diags)
    _check_numbers(review, trial, diags)
    _check_disagreements(trial, diags)
    return cited


def _check_trial_citations(review: Review, trial: Trial, diags: Diagnostics) -> set[str]:
    # Positions are looked up only for what is reported: a large review has
    # hundreds of thousands of keys, nearly all of them known.
    known = review.references
    cited: set[str] = set()
    for i, key in enumerate(trial.references):
        cited.add(key)
        if key not in known:
            resolve_key(review, key, trial.where.item("references", i), diags, trial.id)
    for r in trial.results:
        for name in ("ref", "review"):
            key = getattr(r.source, name)
            if key:
                cited.add(key)
                if key not in known:
                    resolve_key(review, key, r.source.where.value(name), diags, trial.id)
    for text, where, key in _text_fields(trial):
        if "@" in text:
            cited |= check_text(review, text, where.value(key), diags, trial.id)
    return cited


def _check_registry(trial: Trial, diags: Diagnostics) -> None:
    for i, reg in enumerate(trial.registry):
        if not REGISTRY.match(reg):
            hint = (
                "an NCT number is NCT followed by 8 digits"
                if reg.upper().startswith("NCT")
                else ("use the id as the registry writes it, e.g. NCT02435849 or ChiCTR-OIC-17013523")
            )
            diags.add(
                "LR312", trial.where.item("registry", i), f"'{reg}' is not a valid registry id", hint, subject=trial.id
            )


def _check_related(review: Review, trial: Trial, diags: Diagnostics) -> None:
    for i, other in enumerate(trial.related):
        if other not in review.trials and other not in review.unreadable:
            hint = difflib.get_close_matches(other, list(review.trials), n=1)
            diags.add(
                "LR504",
                trial.where.item("related", i),
                f"related record '{other}' does not exist",
                f"did you mean '{hint[0]}'?" if hint else "",
                subject=trial.id,
            )


# --------------------------------------------------------------------------- numbers


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _decimals(x: float) -> int:
    text = repr(float(x))
    return 0 if float(x).is_integer() else len(text.split(".")[1])


def _check_numbers(review: Review, trial: Trial, diags: Diagnostics) -> None:
    for r in trial.results:
        endpoint = review.endpoints.get(r.endpoint)
        if endpoint is None:
            if review.endpoints:
                diags.add(
                    "LR406",
                    r.where.value("endpoint"),
                    f"unknown endpoint '{r.endpoint}'",
                    suggest_endpoint(r.endpoint, list(review.endpoints)),
                    subject=trial.id,
                )
            continue
        _check_value(r, endpoint.kind, endpoint.group, trial.id, diags)
    _check_subsets(trial, diags)


def suggest_endpoint(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "see content/endpoints.yaml for the vocabulary"


def _check_value(r: Result, kind: str, group: str, subject: str, diags: Diagnostics) -> None:
    w = r.where
    if r.qualifier == "not-reached":
        if r.value is not None:
            diags.add(
                "LR407",
                w.value("value"),
                "a value that was not reached cannot have a number",
                "remove value or the qualifier",
                subject=subject,
            )
    elif r.value is None and r.range is None and not (kind == "rate" and r.n is not None):
        diags.add(
            "LR407",
            w.start,
            f"result for '{r.endpoint}' has no value",
            "add value:, range:, n: (rates given as a count), or qualifier: not-reached",
            subject=subject,
        )
    if r.value is not None and r.range is not None:
        diags.add("LR407", w.value("range"), "give either a value or a range, not both", subject=subject)
    if r.unit and kind != "duration":
        diags.add(
            "LR409",
            w.value("unit"),
            f"unit applies to durations, not to the {kind} '{r.endpoint}'",
            "remove unit",
            subject=subject,
        )
    if r.scale and group != "toxicity":
        diags.add(
            "LR409",
            w.value("scale"),
            f"a grading scale applies to toxicity, not to '{r.endpoint}'",
            "remove scale",
            subject=subject,
        )
    for name in ("mrd_method", "mrd_threshold"):
        if getattr(r, name) is not None and r.endpoint not in MRD_ENDPOINTS:
            diags.add(
                "LR409",
                w.value(name),
                f"{name} applies to MRD endpoints, not to '{r.endpoint}'",
                f"remove {name}",
                subject=subject,
            )
    if kind in ("duration", "age") and r.n is not None:
        diags.add(
            "LR409",
            w.value("n"),
            f"'{r.endpoint}' is a {kind}; n does not apply",
            "keep N for the population size and remove n",
            subject=subject,
        )
    for name, pair in (("ci", r.ci), ("range", r.range)):
        if pair is not None and (len(pair) != 2 or pair[0] > pair[1]):
            diags.add(
                "LR408", w.value(name), f"{name} must be [lower, upper], not {[_fmt(x) for x in pair]}", subject=subject
            )
    if r.ci is not None and len(r.ci) == 2 and r.value is not None and not r.ci[0] <= r.value <= r.ci[1]:
        diags.add(
            "LR408",
            w.value("ci"),
            f"value {_fmt(r.value)} lies outside its confidence interval {_fmt(r.ci[0])}-{_fmt(r.ci[1])}",
            subject=subject,
        )
    if r.n is not None and r.n_total is not None and r.n > r.n_total:
        diags.add(
            "LR401",
            w.value("n"),
            f"n is {r.n}, more than N ({r.n_total})",
            "check both against the source",
            subject=subject,
        )
    if kind == "rate":
        numbers = [("value", r.value)] + [(f"{name}", x) for name in ("ci", "range") for x in (getattr(r, name) or [])]
        for name, x in numbers:
            if x is not None and not 0 <= x <= 100:
                diags.add("LR400", w.value(name), f"{_fmt(x)} is not a percentage between 0 and 100", subject=subject)
        if (
            r.value is not None
            and r.n is not None
            and r.n_total
            and r.qualifier is None
            and 0 <= r.value <= 100
            and r.n <= r.n_total
        ):
            exact = 100 * r.n / r.n_total
            if abs(exact - r.value) >= 10 ** -_decimals(r.value) + 1e-9:
                diags.add(
                    "LR402",
                    w.value("value"),
                    f"{_fmt(r.value)}% disagrees with n/N = {r.n}/{r.n_total} ({exact:.1f}%)",
                    "check the value, n and N against the source",
                    subject=subject,
                )
    elif kind == "count" and r.value is not None and not float(r.value).is_integer():
        diags.add("LR410", w.value("value"), f"{_fmt(r.value)} patients is not a whole number", subject=subject)
    elif kind in ("duration", "age") and r.value is not None and r.value <= 0:
        diags.add(
            "LR405",
            w.value("value"),
            f"{r.endpoint} is {_fmt(r.value)}; a {kind} must be greater than 0",
            subject=subject,
        )


def _check_subsets(trial: Trial, diags: Diagnostics) -> None:
    """Subset endpoints cannot exceed their superset within one report."""
    by_report: dict[tuple[object, ...], dict[str, Result]] = defaultdict(dict)
    for r in trial.results:
        if r.value is None or r.qualifier:
            continue
        report = (r.source.ref, r.source.review, r.population, r.subgroup, r.timepoint, r.cutoff)
        by_report[report].setdefault(r.endpoint, r)
    for results in by_report.values():
        mrd = results.get("mrd_neg_cr")
        cr = results.get("cr_cri") or results.get("cr")
        if mrd and cr and mrd.value is not None and cr.value is not None and mrd.value > cr.value:
            diags.add(
                "LR403",
                mrd.where.value("value"),
                f"MRD-negative CR ({_fmt(mrd.value)}%) is above {cr.endpoint} ({_fmt(cr.value)}%) in the same report",
                "check both against the source; if the denominators differ, set population on each",
                subject=trial.id,
            )
        for severe, anygrade in TOXICITY_PAIRS.items():
            s, a = results.get(severe), results.get(anygrade)
            if s and a and s.value is not None and a.value is not None and s.value > a.value:
                diags.add(
                    "LR404",
                    s.where.value("value"),
                    f"{severe} ({_fmt(s.value)}%) is above {anygrade} ({_fmt(a.value)}%) in the same report",
                    "check both against the source",
                    subject=trial.id,
                )


# --------------------------------------------------------------------------- editorial state


def describe(r: Result) -> str:
    value = (
        "not reached"
        if r.qualifier == "not-reached"
        else (f"{_fmt(r.range[0])}-{_fmt(r.range[1])}" if r.range else f"{r.qualifier or ''}{_fmt(r.value)}")
    )
    via = f" via {r.source.review}" if r.source.review else ""
    return f"{value} ({r.source.ref}{via}, {r.source.locator})"


def _check_disagreements(trial: Trial, diags: Diagnostics) -> None:
    for d in disagreements(trial):
        endpoint, timepoint, label, subgroup = d.key
        what = endpoint + (f" at {_fmt(timepoint)} months" if timepoint else "") + (f" ({label})" if label else "")
        what += f" [{subgroup}]" if subgroup else ""
        reports = "; ".join(describe(r) for r in d.results)
        code = "LR500" if d.same_paper else "LR501"
        verb = "reviews report" if d.same_paper else "publications report"
        diags.add(
            code,
            d.results[1].where.value("value"),
            f"{trial.id}: {verb} {what} differently: {reports}",
            subject=trial.id,
        )


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
    return max(dates, default=dt.date(2000, 1, 1))


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
