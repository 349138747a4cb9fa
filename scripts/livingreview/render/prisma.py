"""The PRISMA 2020 flow diagram, drawn as accessible SVG at build time, and the searches page.

The diagram follows the PRISMA 2020 template for updated reviews (Page et al., BMJ
2021;372:n71): a column for databases and registers and one for other methods, each a
stack of boxes (identified, screened, sought, assessed, included) with what left at
each step beside it, and, below, the studies of the previous version and the total. The
counts come from :mod:`livingreview.model.prisma`; the SVG has a title, a description
and every box's text as text, and the page repeats the counts in a table. No style
attributes: the look is in livingreview.css (classes ``lr-prisma-*``).
"""

from __future__ import annotations

import textwrap
from collections import Counter
from dataclasses import dataclass
from typing import Any

from markupsafe import Markup, escape

from ..model.prisma import Column, Flow, flows, last_search
from ..model.review import Review
from ..model.screening import EXCLUDED, ONGOING, OPEN, STATUSES, Entry
from .renderer import study_page

BOX_W, SIDE_W, GAP, LINE, PAD = 250, 250, 40, 15, 8
COL_W = BOX_W + GAP + SIDE_W


#: Characters of box text per line: 11px text in a box 250 wide.
WRAP = 42


@dataclass(frozen=True)
class Box:
    """A box of the diagram; a line starting with two spaces is indented (an item of a list)."""

    text: tuple[str, ...]
    kind: str = "step"
    wrap: int = WRAP

    @property
    def lines(self) -> tuple[str, ...]:
        out: list[str] = []
        for line in self.text:
            indent = "  " if line.startswith("  ") else ""
            wrapped = textwrap.wrap(line.strip(), self.wrap - len(indent) * 2) or [""]
            out += [indent + wrapped[0], *(indent + "  " + w for w in wrapped[1:])]
        return tuple(out)

    @property
    def height(self) -> int:
        return PAD * 2 + LINE * len(self.lines)


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _n(n: int) -> str:
    return f"(n = {n})"


def stages(col: Column, other: bool) -> list[tuple[Box, Box | None]]:
    """Each step of one column with the box of what left the flow at it."""
    identified = ["Records identified from:"] + [f"  {name} {_n(n)}" for _, name, n in col.identified]
    removed = ["Records removed before screening:", f"  Duplicate records {_n(col.duplicates)}"]
    steps: list[tuple[Box, Box | None]] = [(Box(tuple(identified)), Box(tuple(removed), "side"))]
    if not other:
        left = [f"Records excluded {_n(col.excluded_screening)}"]
        if col.awaiting_screening:
            left.append(f"Awaiting screening {_n(col.awaiting_screening)}")
        steps.append((Box((f"Records screened {_n(col.screened)}",)), Box(tuple(left), "side")))
    steps.append(
        (
            Box((f"Reports sought for retrieval {_n(col.sought)}",)),
            Box((f"Reports not retrieved {_n(col.not_retrieved)}",), "side"),
        )
    )
    excluded = ["Reports excluded:"] + [f"  {why} {_n(n)}" for why, n in col.excluded]
    if not col.excluded:
        excluded = [f"Reports excluded {_n(0)}"]
    if col.awaiting_assessment:
        excluded.append(f"Awaiting assessment {_n(col.awaiting_assessment)}")
    steps.append((Box((f"Reports assessed for eligibility {_n(col.assessed)}",)), Box(tuple(excluded), "side")))
    steps.append((Box((f"Reports included {_n(col.included)}",), "included"), None))
    return steps


def _box(x: float, y: float, w: float, box: Box) -> list[str]:
    parts = [f'<g class="lr-prisma-box lr-prisma-{box.kind}">',
             f'<rect x="{x:.0f}" y="{y:.0f}" width="{w:.0f}" height="{box.height}" rx="4"/>']  # fmt: skip
    for i, line in enumerate(box.lines):
        indent = 5 * (len(line) - len(line.lstrip(" ")))
        ty = y + PAD + LINE * (i + 1) - 3
        parts.append(f'<text x="{x + 8 + indent:.0f}" y="{ty:.0f}">{escape(line.strip())}</text>')
    parts.append("</g>")
    return parts


def _arrow(x1: float, y1: float, x2: float, y2: float) -> str:
    return (
        f'<line class="lr-prisma-arrow" x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
        'marker-end="url(#<HEAD>)"/>'
    )


def _column(x0: float, y0: float, col: Column, other: bool, heading: str) -> tuple[list[str], float]:
    parts = [f'<text class="lr-prisma-heading" x="{x0:.0f}" y="{y0 + 14:.0f}">{escape(heading)}</text>']
    y = y0 + 30
    previous_bottom: float | None = None
    for main, side in stages(col, other):
        h = max(main.height, side.height if side else 0)
        if previous_bottom is not None:
            parts.append(_arrow(x0 + BOX_W / 2, previous_bottom, x0 + BOX_W / 2, y - 2))
        parts += _box(x0, y, BOX_W, main)
        if side:
            parts += _box(x0 + BOX_W + GAP, y, SIDE_W, side)
            mid = y + main.height / 2
            parts.append(_arrow(x0 + BOX_W, mid, x0 + BOX_W + GAP - 2, mid))
        previous_bottom = y + main.height
        y += h + 28
    return parts, y


def svg(flow: Flow, slug: str) -> Markup:
    """The diagram of one flow; ``slug`` makes its element ids unique on the page."""
    columns = [(c, o, h) for c, o, h in (
        (flow.databases, False, "Identification via databases and registers"),
        (flow.other, True, "Identification via other methods"),
    ) if c is not None]  # fmt: skip
    parts: list[str] = []
    bottom = 0.0
    for i, (col, other, heading) in enumerate(columns):
        drawn, end = _column(10 + i * (COL_W + 30), 10, col, other, heading)
        parts += drawn
        bottom = max(bottom, end)
    lines = []
    if flow.previous_studies is not None:
        lines.append(f"Studies included in the previous version {_n(flow.previous_studies)}")
        lines.append(f"New studies included {_n(flow.new_studies)}")
    lines.append(f"Total studies included in the review {_n(flow.total_studies)}")
    lines.append(f"Reports of included studies {_n(flow.total_reports)}")
    total = Box(tuple(lines), "total", wrap=1000)
    width = 20 + len(columns) * COL_W + (len(columns) - 1) * 30
    parts += _box(10, bottom, width - 20, total)
    height = bottom + total.height + 10
    tid, did = f"prisma-{slug}-title", f"prisma-{slug}-desc"
    desc = (
        f"PRISMA 2020 flow diagram. {_count(flow.total_studies, 'study', 'studies')} in "
        f"{_count(flow.total_reports, 'report', 'reports')} "
        + ("is" if flow.total_studies == 1 else "are")
        + " included"
        + (f", {flow.new_studies} of them new in this update" if flow.previous_studies is not None else "")
        + ". The table below the diagram gives every count."
    )
    head = [
        f'<svg class="lr-prisma" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" role="img" '
        f'aria-labelledby="{tid} {did}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{tid}">{escape(flow.title)}</title>',
        f'<desc id="{did}">{escape(desc)}</desc>',
        f'<defs><marker id="prisma-{slug}-head" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path class="lr-prisma-head" d="M0,0 L10,5 L0,10 z"/></marker></defs>',
    ]
    body = "\n".join(parts).replace("url(#<HEAD>)", f"url(#prisma-{slug}-head)")
    return Markup("\n".join([*head, body, "</svg>"]))


def rows(flow: Flow) -> list[tuple[str, str, int]]:
    """The diagram's counts as (column, step, count): the table beside the diagram."""
    out: list[tuple[str, str, int]] = []
    for col, name in ((flow.databases, "Databases and registers"), (flow.other, "Other methods")):
        if col is None:
            continue
        for _, what, n in col.identified:
            out.append((name, f"Records identified: {what}", n))
        out.append((name, "Duplicates removed before screening", col.duplicates))
        if col is flow.databases:
            out += [(name, "Records screened", col.screened), (name, "Records excluded", col.excluded_screening)]
            out.append((name, "Records awaiting screening", col.awaiting_screening))
        out += [(name, "Reports sought for retrieval", col.sought), (name, "Reports not retrieved", col.not_retrieved)]
        out.append((name, "Reports assessed for eligibility", col.assessed))
        out += [(name, f"Reports excluded: {why}", n) for why, n in col.excluded]
        out.append((name, "Reports awaiting assessment", col.awaiting_assessment))
        out.append((name, "Reports included", col.included))
    if flow.previous_studies is not None:
        out.append(("Review", "Studies included in the previous version", flow.previous_studies))
        out.append(("Review", "New studies included", flow.new_studies))
    out.append(("Review", "Total studies included", flow.total_studies))
    out.append(("Review", "Reports of included studies", flow.total_reports))
    return out


def searches_context(review: Review) -> dict[str, Any]:
    """What the searches page shows: the diagrams, the search log, what awaits and what is still running."""
    diagrams = []
    for i, flow in enumerate(flows(review)):
        slug = "update" if flow.previous_studies is not None else ("all" if i else "searches")
        diagrams.append({"title": flow.title, "svg": svg(flow, slug), "rows": rows(flow)})
    found = Counter(log.search for log in review.screening.values() for _ in log.entries)
    log = [
        {
            "date": s.date.isoformat(),
            "database": s.database,
            "query": s.query,
            "hits": s.hits,
            "duplicates": len(s.duplicates),
            "entries": found[s.id],
            "note": s.note or "",
        }
        for s in sorted(review.searches.values(), key=lambda s: (s.date, s.id), reverse=True)
    ]
    awaiting = [
        {
            "id": e.id,
            "title": e.title or (review.references[e.ref].get("title") if e.ref in review.references else e.ref or ""),
            "what": _what(e),
            "status": STATUSES[e.status],
            "found": f"{s.database}, {s.date.isoformat()}" if s else "",
        }
        for s, e in review.entries()
        if e.status in OPEN
    ]
    ongoing = [
        {
            "registry": e.registry[0],
            "title": e.title or "",
            "status": RECRUITMENT.get(e.trial_status or "", e.trial_status or ""),
            "record": [(review.trials[r].name, study_page(r)) for r in e.records if r in review.trials],
            "decision": STATUSES[e.status],
        }
        for _, e in review.entries()
        if e.kind == "registration" and e.registry and e.trial_status in ONGOING and e.status not in EXCLUDED
    ]
    running = [
        {"name": t.name, "page": study_page(t.id), "registry": ", ".join(t.registry), "status": t.status}
        for t in sorted(review.trials.values(), key=lambda t: t.name.lower())
        if t.status in ("recruiting", "not-yet-recruiting", "active")
    ]
    latest = last_search(review)
    return {
        "last_search": latest.isoformat() if latest else "",
        "diagrams": diagrams,
        "log": log,
        "awaiting": awaiting,
        "ongoing": ongoing,
        "running": running,
    }


#: ClinicalTrials.gov's recruitment statuses in words.
RECRUITMENT = {
    "NOT_YET_RECRUITING": "not yet recruiting",
    "RECRUITING": "recruiting",
    "ENROLLING_BY_INVITATION": "enrolling by invitation",
    "ACTIVE_NOT_RECRUITING": "active, not recruiting",
}


def _what(e: Entry) -> str:
    bits = [e.journal or ("registration" if e.kind == "registration" else "")]
    if e.year:
        bits.append(str(e.year))
    return ", ".join(b for b in bits if b)
