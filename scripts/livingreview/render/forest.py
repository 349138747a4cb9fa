"""Forest-style plots of rates across studies, drawn as accessible SVG at build time.

Response and toxicity rates are drawn with every study that has a usable n/N, grouped by
a subgroup variable, with the pooled estimates :mod:`livingreview.synthesis` computes
(:func:`synth_svg`). For proportions (response, toxicity) intervals are 95% Wilson score intervals
computed from n/N. Where a source gives a percentage and N but not n, n is taken as
the nearest whole number of patients for the interval only; the page marks those
rows. Survival at a time point is a Kaplan-Meier estimate, not a proportion of
patients, so no interval is computed for it: the plot shows the confidence interval
the source reports, where it reports one, and the point alone otherwise.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

from markupsafe import Markup, escape

from ..model.labels import plot_label
from ..model.memo import Memo
from ..model.records import Endpoint, Result, Trial
from ..model.review import Review
from ..synthesis.analysis import Split
from ..synthesis.pooling import Pooled
from ..synthesis.studies import StudyRow

Z = 1.959963984540054


@dataclass(frozen=True)
class PlotSpec:
    id: str
    endpoint: str
    title: str
    timepoint: float | None = None
    survival: bool = False


#: Survival at a time point: one point per study, no pooling (see :data:`SYNTH_PLOTS` for rates).
PLOTS = [
    PlotSpec("efs-12", "efs", "Event-free survival at 12 months", 12, survival=True),
    PlotSpec("os-12", "os", "Overall survival at 12 months", 12, survival=True),
]


def wilson(n: int, total: int) -> tuple[float, float]:
    """95% Wilson score interval for n events in total, as proportions."""
    if total <= 0:
        raise ValueError("total must be positive")
    p = n / total
    denom = 1 + Z**2 / total
    centre = (p + Z**2 / (2 * total)) / denom
    half = Z * math.sqrt(p * (1 - p) / total + Z**2 / (4 * total**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True)
class PlotRow:
    trial: Trial
    result: Result
    point: float
    low: float | None
    high: float | None
    derived: bool
    n: int | None = None
    total: int | None = None


def _usable(r: Result, spec: PlotSpec) -> bool:
    if r.endpoint != spec.endpoint or r.timepoint != spec.timepoint or r.subgroup or r.qualifier:
        return False
    if r.population not in (None, "enrolled", "infused", "evaluable", "leukapheresed"):
        return False
    if spec.survival:
        return r.value is not None
    return r.n_total is not None and r.n_total > 0 and (r.n is not None or r.value is not None)


def _row(trial: Trial, r: Result, spec: PlotSpec) -> PlotRow | None:
    if spec.survival:
        assert r.value is not None
        low, high = (r.ci[0] / 100, r.ci[1] / 100) if r.ci else (None, None)
        return PlotRow(trial, r, r.value / 100, low, high, derived=False)
    assert r.n_total is not None
    n = r.n if r.n is not None else round((r.value or 0) * r.n_total / 100)
    if not 0 <= n <= r.n_total:
        return None
    low, high = wilson(n, r.n_total)
    return PlotRow(trial, r, n / r.n_total, low, high, r.n is None, n, r.n_total)


def rows(review: Review, spec: PlotSpec, memo: Memo | None = None) -> list[PlotRow]:
    """One row per study: its report with n/N (or a reported interval) first."""
    memo = memo or Memo()
    out = []
    for trial in sorted(review.trials.values(), key=lambda t: t.name.lower()):
        row = memo.get(f"plot-row:{spec.id}", (trial,), partial(_best_row, trial, spec))
        if row is not None:
            out.append(row)
    return out


def _best_row(trial: Trial, spec: PlotSpec) -> PlotRow | None:
    usable = [r for r in trial.results if _usable(r, spec)]
    if not usable:
        return None
    best = next((x for x in usable if x.n is not None or x.ci), usable[0])
    return _row(trial, best, spec)


def pct(x: float) -> str:
    return f"{100 * x:.0f}"


def svg(spec: PlotSpec, plot_rows: list[PlotRow], endpoint: Endpoint) -> Markup:
    label_w, plot_w, row_h, top, bottom = 300, 370, 22, 14, 40
    width = label_w + plot_w + 20
    height = top + row_h * len(plot_rows) + bottom

    def x(p: float) -> float:
        return label_w + p * plot_w

    tid, did = f"plot-{spec.id}-title", f"plot-{spec.id}-desc"
    interval = (
        "and, where the source gives one, its reported 95% confidence interval"
        if spec.survival
        else "and a 95% Wilson interval computed from n/N"
    )
    parts = [
        f'<svg class="lr-forest" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(spec.title)}</title>',
        f'<desc id="{did}">{len(plot_rows)} studies, each with its reported rate {interval}; '
        "the numbers are in the table beside the plot.</desc>",
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line class="lr-forest-grid" x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
            f'y2="{height - bottom + 4}"/>'
            f'<text class="lr-forest-tick" x="{x(tick):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{int(tick * 100)}%</text>"
        )
    for i, r in enumerate(plot_rows):
        y = top + i * row_h + row_h / 2
        name = plot_label(r.trial)
        ci = f" (95% CI {pct(r.low)}–{pct(r.high)}%)" if r.low is not None and r.high is not None else ""
        counts = f", {r.n}/{r.total}" if r.n is not None else ""
        parts.append(f'<g class="lr-forest-row"><title>{escape(r.trial.name)}: {pct(r.point)}%{ci}{counts}</title>')
        parts.append(
            f'<text class="lr-forest-label" x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        if r.low is not None and r.high is not None:
            parts.append(
                f'<line class="lr-forest-ci" x1="{x(r.low):.1f}" y1="{y:.1f}" x2="{x(r.high):.1f}" y2="{y:.1f}"/>'
            )
        size = 3 + min(6.0, math.sqrt(r.total or 16) / 2)
        cls = "lr-forest-point lr-forest-derived" if r.derived else "lr-forest-point"
        parts.append(
            f'<rect class="{cls}" x="{x(r.point) - size / 2:.1f}" y="{y - size / 2:.1f}" '
            f'width="{size:.1f}" height="{size:.1f}"/></g>'
        )
    parts.append(
        f'<text class="lr-forest-axis" x="{label_w + plot_w / 2}" y="{height - 4}" text-anchor="middle">'
        f"{escape(endpoint.name)} (%)</text></svg>"
    )
    return Markup("\n".join(parts))


# --------------------------------------------------------------------------- pooled forest plots


@dataclass(frozen=True)
class SynthSpec:
    """A rate plotted with every usable study and pooled (see :mod:`livingreview.synthesis`)."""

    id: str
    endpoint: str
    title: str
    toxicity: bool = False


SYNTH_PLOTS = [
    SynthSpec("cr", "cr", "Complete remission (CR)"),
    SynthSpec("cr-cri", "cr_cri", "Complete remission with or without count recovery (CR/CRi)"),
    SynthSpec("mrd-neg-cr", "mrd_neg_cr", "MRD-negative complete remission"),
    SynthSpec("crs-3", "crs_grade3plus", "Cytokine release syndrome, grade 3 or higher", toxicity=True),
    SynthSpec("icans-3", "icans_grade3plus", "Neurotoxicity, grade 3 or higher", toxicity=True),
]


def pooled_text(p: Pooled) -> str:
    lo, hi = p.ci
    return f"{pct(p.estimate)}% (95% CI {pct(lo)}–{pct(hi)}%)"


def heterogeneity_text(p: Pooled) -> str:
    plo, phi = p.pi
    return f"I² {100 * p.i2:.0f}%, τ² {p.tau2:.2f}; prediction interval {pct(plo)}–{pct(phi)}%"


def synth_svg(spec: SynthSpec, split: Split, plot_id: str) -> Markup:
    """One forest plot: each study's n/N with its Wilson interval, then the pooled diamond
    (random effects) and its prediction interval per subgroup and overall."""
    label_w, plot_w, num_w, row_h, top, bottom = 300, 310, 150, 20, 14, 40
    width = label_w + plot_w + num_w
    items: list[tuple[str, Any]] = []
    grouped = split.variable is not None
    for g in split.groups:
        if grouped:
            items.append(("header", g.label))
        items += [("study", r) for r in g.rows]
        if g.pooled is not None:
            # The group's name heads its rows; the pooled row's label stays short enough to fit.
            items.append(("pooled", ("Pooled, random effects", g.label if grouped else "", g.pooled)))
            items.append(("note", heterogeneity_text(g.pooled)))
        elif grouped:
            n = len({r.trial.id for r in g.rows})
            items.append(("note", f"not pooled: {n} {'study' if n == 1 else 'studies'}"))
    if split.difference is not None:
        d = split.difference
        items.append(("note", f"Test for subgroup differences: Q = {d.q:.2f}, df = {d.df}, p = {p_text(d.p)}"))
    height = top + row_h * len(items) + bottom

    def x(p: float) -> float:
        return label_w + p * plot_w

    tid, did = f"plot-{plot_id}-title", f"plot-{plot_id}-desc"
    by = f", by {split.variable.label}" if split.variable else ""
    studies = sum(len(g.rows) for g in split.groups)
    parts = [
        f'<svg class="lr-forest lr-forest-pooled" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(spec.title)}{escape(by)}</title>',
        f'<desc id="{did}">{studies} rows, each a study\'s rate with a 95% Wilson interval from n/N; diamonds are '
        "random-effects pooled estimates with their 95% interval, thin lines beside them the 95% prediction "
        "interval; the numbers are in the tables below the plot.</desc>",
    ]
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(
            f'<line class="lr-forest-grid" x1="{x(tick):.1f}" y1="{top - 6}" x2="{x(tick):.1f}" '
            f'y2="{height - bottom + 4}"/>'
            f'<text class="lr-forest-tick" x="{x(tick):.1f}" y="{height - bottom + 18}" text-anchor="middle">'
            f"{int(tick * 100)}%</text>"
        )
    for i, (kind, item) in enumerate(items):
        y = top + i * row_h + row_h / 2
        if kind == "header":
            parts.append(f'<text class="lr-forest-group" x="4" y="{y + 4:.1f}">{escape(item)}</text>')
        elif kind == "note":
            parts.append(f'<text class="lr-forest-note" x="12" y="{y + 4:.1f}">{escape(item)}</text>')
        elif kind == "study":
            parts.append(_study_row(item, x, y, label_w, width))
        else:
            label, group, p = item
            lo, hi = p.ci
            plo, phi = p.pi
            named = f"{label}, {group}" if group else label
            parts.append(
                f'<g class="lr-forest-summary"><title>{escape(named)}: {pooled_text(p)}, k = {p.k}, '
                f"N = {p.patients}</title>"
                f'<text class="lr-forest-label" x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">'
                f"{escape(label)}</text>"
                f'<line class="lr-forest-pi" x1="{x(plo):.1f}" y1="{y:.1f}" x2="{x(phi):.1f}" y2="{y:.1f}"/>'
                f'<polygon class="lr-forest-diamond" points="{x(lo):.1f},{y:.1f} {x(p.estimate):.1f},{y - 6:.1f} '
                f'{x(hi):.1f},{y:.1f} {x(p.estimate):.1f},{y + 6:.1f}"/>'
                f'<text class="lr-forest-num" x="{width - 4}" y="{y + 4:.1f}" text-anchor="end">'
                f"{pooled_text(p)}</text></g>"
            )
    parts.append(
        f'<text class="lr-forest-axis" x="{label_w + plot_w / 2}" y="{height - 4}" text-anchor="middle">'
        f"{escape(spec.title)} (%)</text></svg>"
    )
    return Markup("\n".join(parts))


def p_text(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def _study_row(r: StudyRow, x: Callable[[float], float], y: float, label_w: int, width: int) -> str:
    n, total = r.counts.n, r.counts.total
    low, high = wilson(n, total)
    point = n / total
    mark = "*" if r.counts.derived_total or r.counts.derived_n else ""
    size = 3 + min(6.0, math.sqrt(total) / 2)
    cls = "lr-forest-point lr-forest-derived" if mark else "lr-forest-point"
    return (
        f'<g class="lr-forest-row"><title>{escape(r.name)}: {pct(point)}% (95% CI {pct(low)}–{pct(high)}%), '
        f"{n}/{total}{mark}</title>"
        f'<text class="lr-forest-label" x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(r.label)}</text>'
        f'<line class="lr-forest-ci" x1="{x(low):.1f}" y1="{y:.1f}" x2="{x(high):.1f}" y2="{y:.1f}"/>'
        f'<rect class="{cls}" x="{x(point) - size / 2:.1f}" y="{y - size / 2:.1f}" '
        f'width="{size:.1f}" height="{size:.1f}"/>'
        f'<text class="lr-forest-num" x="{width - 4}" y="{y + 4:.1f}" text-anchor="end">'
        f"{pct(point)}% ({n}/{total}{mark})</text></g>"
    )
