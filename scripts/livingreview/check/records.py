"""Checks of one study record: citations, registry ids, numbers, and where reports differ."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict

from ..model.denominators import RATE_ENDPOINTS, denominator, in_plots
from ..model.diagnostics import Diagnostics
from ..model.labels import PLOT_LABEL_MAX, SHORT_NAME_MAX, plot_label
from ..model.records import Result, Trial
from ..model.review import Review
from .compare import Families, comparable, disagreements, families, linked
from .text import check_markup, check_text, resolve_key, suggest_endpoint, text_fields

REGISTRY = re.compile(
    r"^(NCT\d{8}|ChiCTR(-[A-Z]{2,6}-)?\d{7,10}|\d{4}-\d{6}-\d{2}|ISRCTN\d{8}|CTRI/\d{4}/\d{2,3}/\d{6}|jRCT\w{10,12})$"
)
TOXICITY_PAIRS = {"crs_grade3plus": "crs_any", "icans_grade3plus": "icans_any", "agvhd_grade3plus": "agvhd_any"}
MRD_ENDPOINTS = {"mrd_neg_cr"}


def check_trial(review: Review, trial: Trial, diags: Diagnostics) -> set[str]:
    """Every check of one record on its own; returns the keys it cites."""
    cited = _check_trial_citations(review, trial, diags)
    _check_registry(trial, diags)
    _check_numbers(review, trial, diags)
    fams = families(review.endpoints)
    _check_links(trial, diags)
    _check_hidden_counts(trial, fams, diags)
    _check_disagreements(trial, fams, diags)
    _check_denominators(trial, diags)
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
    for text, where, key in text_fields(trial):
        if "@" in text:
            cited |= check_text(review, text, where.value(key), diags, trial.id)
    for text, where, key in text_fields(trial, markdown=True):
        check_markup(text, where.value(key), diags, trial.id)
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


def check_related(review: Review, trial: Trial, diags: Diagnostics) -> None:
    for name in ("related", "supersedes"):
        for i, other in enumerate(getattr(trial, name)):
            if other not in review.trials and other not in review.unreadable:
                hint = difflib.get_close_matches(other, list(review.trials), n=1)
                what = "related" if name == "related" else "superseded"
                diags.add(
                    "LR504",
                    trial.where.item(name, i),
                    f"{what} record '{other}' does not exist",
                    f"did you mean '{hint[0]}'?" if hint else "",
                    subject=trial.id,
                )
    _check_supersedes_circle(review, trial, diags)
    if trial.short_name is not None and len(trial.short_name) > SHORT_NAME_MAX:
        diags.add(
            "LR902",
            trial.where.value("short_name"),
            f"short_name '{trial.short_name}' has {len(trial.short_name)} characters",
            f"shorten it to {SHORT_NAME_MAX} characters at most",
            subject=trial.id,
        )
    _check_plot_labels(trial, diags)


def _check_plot_labels(trial: Trial, diags: Diagnostics) -> None:
    """Every forest-plot row of the record is labelled whole, so its label must fit."""
    rows = [r for r in trial.results if r.endpoint in RATE_ENDPOINTS and in_plots(r)]
    # room for a subgroup beside the name, were it cut to a short_name's length: beyond
    # that, only a shorter subgroup helps
    name = plot_label(trial)
    room = PLOT_LABEL_MAX - len(plot_label(trial, "x")) + len(name) - min(len(name), SHORT_NAME_MAX) + 1
    for r in rows:
        if r.subgroup and len(r.subgroup) > room:
            diags.add(
                "LR903",
                r.where.value("subgroup"),
                f"the subgroup '{r.subgroup}' has {len(r.subgroup)} characters, too many for a forest-plot "
                f"label beside the study's name (labels are shown whole, never cut)",
                f"name the subgroup in at most {room} characters",
                subject=trial.id,
            )
            return
    subgroups = dict.fromkeys(r.subgroup for r in rows)
    labels = [plot_label(trial, s) for s in (None, *subgroups)]
    long = [label for label in labels if len(label) > PLOT_LABEL_MAX]
    if long:
        field = "short_name" if trial.short_name else "name"
        diags.add(
            "LR903",
            trial.where.value(field),
            f"the forest-plot label '{long[0]}' has {len(long[0])} characters, more than fit "
            f"({PLOT_LABEL_MAX}); labels are shown whole, never cut",
            f"give the record a shorter short_name: whole words, at most {SHORT_NAME_MAX} characters"
            if trial.short_name
            else f"give the record a short_name: whole words, at most {SHORT_NAME_MAX} characters, "
            "e.g. the first author and year",
            subject=trial.id,
        )


def _check_supersedes_circle(review: Review, trial: Trial, diags: Diagnostics) -> None:
    seen: set[str] = set()
    todo = list(trial.supersedes)
    while todo:
        other = todo.pop()
        if other == trial.id:
            diags.add(
                "LR901",
                trial.where.value("supersedes"),
                f"{trial.id} supersedes itself through 'supersedes:'",
                "name only the records this one reports again, never one that names it",
                subject=trial.id,
            )
            return
        if other in seen or other not in review.trials:
            continue
        seen.add(other)
        todo.extend(review.trials[other].supersedes)


def _check_denominators(trial: Trial, diags: Diagnostics) -> None:
    """LR900 for each plotted endpoint the record reports only without a usable N."""
    for endpoint in RATE_ENDPOINTS:
        rates = [r for r in trial.results if r.endpoint == endpoint and in_plots(r)]
        if not rates or any(denominator(trial, r) is not None for r in rates):
            continue
        r = rates[0]
        diags.add(
            "LR900",
            r.where.value("endpoint"),
            f"{endpoint} of {trial.id} has no usable denominator, so the study is left out of its forest plot",
            "add N (and n) from the source, or the report's sample size (n_infused, n_evaluable or n_enrolled)",
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
    if kind in ("duration", "age", "hazard-ratio") and r.n is not None:
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
    if kind == "hazard-ratio":
        if r.value is not None and r.value <= 0:
            diags.add("LR412", w.value("value"), f"hazard ratio {_fmt(r.value)} is not above 0", subject=subject)
        if not r.comparison:
            diags.add(
                "LR412",
                w.start,
                f"hazard ratio for '{r.endpoint}' does not say which groups it compares",
                "add comparison: (for example 'high vs low disease burden')",
                subject=subject,
            )
    else:
        for name in ("comparison", "adjusted"):
            if getattr(r, name) is not None:
                diags.add(
                    "LR413",
                    w.value(name),
                    f"{name} applies to hazard ratios, not to the {kind} '{r.endpoint}'",
                    f"remove {name}, or use subgroup for a subgroup's value",
                    subject=subject,
                )
    if r.reported_as is not None and kind != "count":
        diags.add(
            "LR411",
            w.value("reported_as"),
            f"reported_as applies to patient counts, not to the {kind} '{r.endpoint}'",
            "remove reported_as, or say the source's wording in note",
            subject=subject,
        )
    if kind == "count" and r.value is not None and not float(r.value).is_integer():
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


def _check_links(trial: Trial, diags: Diagnostics) -> None:
    for r in trial.results:
        link = r.compare_with
        if link is not None and not linked(trial, r):
            subgroup = link.subgroup
            what = link.endpoint + (f" [{subgroup}]" if subgroup else "")
            diags.add(
                "LR506",
                r.where.value("compare_with"),
                f"{trial.id}: compare_with names {what}, but the record has no such value at this time point",
                "check the endpoint id and the subgroup against the value meant",
                subject=trial.id,
            )


def _check_hidden_counts(trial: Trial, fams: Families, diags: Diagnostics) -> None:
    """Counts of one family that differ across reviews under different endpoints, never compared."""
    counts = [r for r in trial.results if r.endpoint in fams and r.value is not None]
    reported = {(r.source.review, r.endpoint, r.subgroup or "") for r in counts}
    for i, a in enumerate(counts):
        for b in counts[i + 1 :]:
            if (
                a.endpoint == b.endpoint
                or fams[a.endpoint] != fams[b.endpoint]
                or a.source.review == b.source.review
                or (a.subgroup or "") != (b.subgroup or "")
                or (a.timepoint, a.timepoint_label) != (b.timepoint, b.timepoint_label)
                or a.value == b.value
                or (a.cutoff and b.cutoff and a.cutoff != b.cutoff)
                or comparable(a, b, fams)
                or (a.source.review, b.endpoint, a.subgroup or "") in reported
                or (b.source.review, a.endpoint, b.subgroup or "") in reported
            ):
                continue
            diags.add(
                "LR505",
                b.where.value("endpoint"),
                f"{trial.id}: {describe(a)} is filed as {a.endpoint} and {describe(b)} as {b.endpoint}; "
                "they may count the same patients but are never compared",
                "set reported_as on both to what each review calls the patients (treated, enrolled, "
                "unspecified), or correct the endpoint",
                subject=trial.id,
            )


def _check_disagreements(trial: Trial, fams: Families, diags: Diagnostics) -> None:
    for d in disagreements(trial, fams):
        endpoint, timepoint, label, subgroup = d.key
        what = endpoint + (f" at {_fmt(timepoint)} months" if timepoint else "") + (f" ({label})" if label else "")
        what += f" [{subgroup}]" if subgroup else ""
        if d.across_endpoints:
            what += " (filed as " + ", ".join(dict.fromkeys(r.endpoint for r in d.results)) + ")"
        reports = "; ".join(describe(r) for r in d.results)
        code = "LR500" if d.same_paper else "LR501"
        verb = "reviews report" if d.same_paper else "publications report"
        if d.why:
            verb += " (under two definitions or names)"
        diags.add(
            code,
            d.results[1].where.value("value"),
            f"{trial.id}: {verb} {what} differently: {reports}",
            subject=trial.id,
        )
