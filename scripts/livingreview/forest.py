"""Forest-style plots of rates across studies, drawn as accessible SVG at build time.

Intervals are 95% Wilson score intervals computed from n/N. Where a source gives a
percentage and N but not n, n is taken as the nearest whole number of patients for
the interval only; the page marks those rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from markupsafe import Markup, escape

from .load import Review
from .model import Endpoint, Result, Trial

Z = 1.959963984540054


@dataclass(frozen=True)
class PlotSpec:
    id: str
    endpoint: str
    title: str
    timepoint: float | None = None


PLOTS = [
    PlotSpec("cr-cri", "cr_cri", "Complete remission (CR/CRi)"),
    PlotSpec("mrd-neg-cr", "mrd_neg_cr", "MRD-negative complete remission"),
    PlotSpec("efs-12", "efs", "Event-free survival at 12 months", 12),
    PlotSpec("os-12", "os", "Overall survival at 12 months", 12),
    PlotSpec("crs-3", "crs_grade3plus", "Cytokine release syndrome, grade 3 or higher"),
    PlotSpec("icans-3", "icans_grade3plus", "Neurotoxicity, grade 3 or higher"),
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
    n: int
    total: int
    low: float
    high: float
    derived: bool

    @property
    def point(self) -> float:
        return self.n / self.total


def _usable(r: Result, spec: PlotSpec) -> bool:
    return (
        r.endpoint == spec.endpoint
        and r.timepoint == spec.timepoint
        and not r.subgroup
        and r.qualifier is None
        and r.n_total is not None
        and r.n_total > 0
        and (r.n is not None or r.value is not None)
    )


def rows(review: Review, spec: PlotSpec) -> list[PlotRow]:
    out = []
    for trial in sorted(review.trials.values(), key=lambda t: t.name.lower()):
        usable = [r for r in trial.results if _usable(r, spec)]
        if not usable:
            continue
        r = next((x for x in usable if x.n is not None), usable[0])
        assert r.n_total is not None
        derived = r.n is None
        n = r.n if r.n is not None else round((r.value or 0) * r.n_total / 100)
        if not 0 <= n <= r.n_total:
            continue
        low, high = wilson(n, r.n_total)
        out.append(PlotRow(trial, r, n, r.n_total, low, high, derived))
    return out


def pct(x: float) -> str:
    return f"{100 * x:.0f}"


def svg(spec: PlotSpec, plot_rows: list[PlotRow], endpoint: Endpoint) -> Markup:
    label_w, plot_w, row_h, top, bottom = 200, 420, 22, 14, 40
    width = label_w + plot_w + 20
    height = top + row_h * len(plot_rows) + bottom

    def x(p: float) -> float:
        return label_w + p * plot_w

    tid, did = f"plot-{spec.id}-title", f"plot-{spec.id}-desc"
    parts = [
        f'<svg class="lr-forest" viewBox="0 0 {width} {height}" width="{width}" role="img" '
        f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(spec.title)}</title>',
        f'<desc id="{did}">{len(plot_rows)} studies, each with its reported rate and a 95% Wilson interval '
        "computed from n/N; the numbers are in the table beside the plot.</desc>",
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
        name = r.trial.name if len(r.trial.name) <= 28 else r.trial.name[:27] + "…"
        parts.append(
            f'<g class="lr-forest-row"><title>{escape(r.trial.name)}: {pct(r.point)}% '
            f"(95% CI {pct(r.low)}–{pct(r.high)}%), {r.n}/{r.total}</title>"
        )
        parts.append(
            f'<text class="lr-forest-label" x="{label_w - 8}" y="{y + 4:.1f}" text-anchor="end">{escape(name)}</text>'
        )
        parts.append(f'<line class="lr-forest-ci" x1="{x(r.low):.1f}" y1="{y:.1f}" x2="{x(r.high):.1f}" y2="{y:.1f}"/>')
        size = 3 + min(6.0, math.sqrt(r.total) / 2)
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
