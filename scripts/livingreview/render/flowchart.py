"""Decision flowcharts drawn: a layered layout and an accessible SVG drawing.

Diagrams are drawn here, at build time, so that pages need no diagram library and
work offline. The layout is a plain layered one (steps placed by their depth from
the start, ordered to follow their parents), which suits algorithms of a few dozen
steps.
"""

from __future__ import annotations

import math
import textwrap
from collections import defaultdict
from dataclasses import dataclass

from markupsafe import Markup, escape

from ..model.records import Flowchart, FlowNode

NODE_WIDTH = 230
LINE_HEIGHT = 16
PAD = 10
GAP_X = 36
GAP_Y = 56
CHARS = 30


# --------------------------------------------------------------------------- layout


@dataclass
class Box:
    node: FlowNode
    lines: list[str]
    x: float = 0
    y: float = 0
    w: float = NODE_WIDTH
    h: float = 0
    depth: int = 0

    @property
    def cx(self) -> float:
        return self.x + self.w / 2


@dataclass(frozen=True)
class Arrow:
    source: str
    target: str
    label: str | None


def drawing_graph(flow: Flowchart) -> tuple[dict[str, FlowNode], list[Arrow]]:
    """Steps and arrows as drawn: an outcome reached from several steps is drawn once
    per arrow, beside the step it ends, so no arrow has to cross the chart."""
    incoming: dict[str, int] = defaultdict(int)
    for e in flow.edges:
        incoming[e.to] += 1
    nodes: dict[str, FlowNode] = {}
    arrows: list[Arrow] = []
    seen: dict[str, int] = defaultdict(int)
    for e in flow.edges:
        if e.from_ not in flow.nodes or e.to not in flow.nodes:
            continue
        target = e.to
        if flow.nodes[e.to].kind == "outcome" and incoming[e.to] > 1:
            seen[e.to] += 1
            target = f"{e.to}#{seen[e.to]}"
        nodes[target] = flow.nodes[e.to]
        arrows.append(Arrow(e.from_, target, e.label))
    nodes[flow.start] = flow.nodes[flow.start]
    for nid, node in flow.nodes.items():
        if nid not in nodes and not (node.kind == "outcome" and incoming[nid] > 1):
            nodes[nid] = node
    return nodes, arrows


def layout(flow: Flowchart) -> tuple[dict[str, Box], list[Arrow], float, float]:
    """Place each drawn step: rows by longest path from the start; within a row, under
    its parents, the path that continues first and outcomes to the side."""
    nodes, arrows = drawing_graph(flow)
    out: dict[str, list[Arrow]] = defaultdict(list)
    parents: dict[str, list[str]] = defaultdict(list)
    for a in arrows:
        out[a.source].append(a)
        parents[a.target].append(a.source)
    order = _topological(flow.start, out)
    depth: dict[str, int] = {flow.start: 0}
    for nid in order:
        for a in out.get(nid, []):
            if nid in depth:
                depth[a.target] = max(depth.get(a.target, 0), depth[nid] + 1)
    boxes = {nid: Box(nodes[nid], textwrap.wrap(nodes[nid].text, CHARS) or [""], depth=depth[nid]) for nid in depth}
    for b in boxes.values():
        b.h = len(b.lines) * LINE_HEIGHT + 2 * PAD
    rank = {a.target: i for i, a in enumerate(arrows)}
    layers: dict[int, list[str]] = defaultdict(list)
    for nid in order:
        if nid in depth:
            layers[depth[nid]].append(nid)
    y: float = PAD
    for d in sorted(layers):
        ids = layers[d]

        def desired(n: str) -> float:
            ps = [boxes[p].cx for p in parents[n] if p in boxes]
            return sum(ps) / len(ps) if ps else 0.0

        ids.sort(key=lambda n: (desired(n), boxes[n].node.kind == "outcome", rank.get(n, 0)))
        row_h = max(boxes[n].h for n in ids)
        right = -math.inf
        for nid in ids:
            box = boxes[nid]
            box.x = max(desired(nid) - box.w / 2, right + GAP_X)
            box.y = y + (row_h - box.h) / 2
            right = box.x + box.w
        y += row_h + GAP_Y
    shift = PAD - min(b.x for b in boxes.values())
    for b in boxes.values():
        b.x += shift
    width = max(b.x + b.w for b in boxes.values()) + PAD
    return boxes, arrows, width, y - GAP_Y + PAD


def _topological(start: str, out: dict[str, list[Arrow]]) -> list[str]:
    seen: set[str] = set()
    order: list[str] = []

    def visit(nid: str) -> None:
        if nid in seen:
            return
        seen.add(nid)
        for a in out.get(nid, []):
            visit(a.target)
        order.append(nid)

    visit(start)
    return order[::-1]


def _fmt(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _route(a: Box, b: Box, lane: float) -> tuple[str, float, float]:
    """An arrow path and where its label goes: straight down to the next row, or round
    the side of the chart when it skips rows."""
    x1, y1 = a.cx, a.y + a.h
    x2, y2 = b.cx, b.y
    if b.depth - a.depth == 1:
        mid = (y1 + y2) / 2
        path = f"M {_fmt(x1)} {_fmt(y1)} C {_fmt(x1)} {_fmt(mid)}, {_fmt(x2)} {_fmt(mid)}, {_fmt(x2)} {_fmt(y2 - 2)}"
        return path, (x1 + x2) / 2, mid
    # leave from the right side, run down a lane beside the chart, enter from above
    sx, sy = a.x + a.w, a.y + a.h / 2
    top = y2 - GAP_Y / 2
    path = (
        f"M {_fmt(sx)} {_fmt(sy)} L {_fmt(lane)} {_fmt(sy)} L {_fmt(lane)} {_fmt(top)} "
        f"L {_fmt(x2)} {_fmt(top)} L {_fmt(x2)} {_fmt(y2 - 2)}"
    )
    return path, (sx + lane) / 2, sy


def svg(flow: Flowchart) -> Markup:
    """The flowchart as an accessible SVG that follows the page's colours."""
    boxes, arrows, width, height = layout(flow)
    long_arrows = [
        a
        for a in arrows
        if a.source in boxes and a.target in boxes and boxes[a.target].depth - boxes[a.source].depth > 1
    ]
    lanes = {id(a): width + 14 * (i + 1) for i, a in enumerate(long_arrows)}
    width += 14 * len(long_arrows) + (PAD if long_arrows else 0)
    title_id, desc_id = f"flow-{flow.id}-title", f"flow-{flow.id}-desc"
    steps = len(flow.nodes)
    parts = [
        f'<svg class="lr-flow" viewBox="0 0 {_fmt(width)} {_fmt(height)}" width="{_fmt(width)}" '
        f'role="img" aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(flow.title)}</title>',
        f'<desc id="{desc_id}">Flowchart with {steps} steps. The same steps are listed as text below '
        "the diagram.</desc>",
        '<defs><marker id="lr-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" '
        'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" class="lr-flow-arrowhead"/></marker></defs>',
    ]
    labels = []
    for arrow in arrows:
        a, b = boxes.get(arrow.source), boxes.get(arrow.target)
        if a is None or b is None:
            continue
        path, lx, ly = _route(a, b, lanes.get(id(arrow), width))
        parts.append(f'<path class="lr-flow-edge" d="{path}" marker-end="url(#lr-arrow)"/>')
        if arrow.label:
            w = 8 + 7 * len(arrow.label)
            labels.append(
                f'<g class="lr-flow-label"><rect x="{_fmt(lx - w / 2)}" y="{_fmt(ly - 10)}" width="{_fmt(w)}" '
                f'height="18" rx="4"/><text x="{_fmt(lx)}" y="{_fmt(ly + 3)}" text-anchor="middle">'
                f"{escape(arrow.label)}</text></g>"
            )
    parts += labels  # labels above every arrow
    for nid, box in boxes.items():
        node = box.node
        kind = f"lr-flow-{node.kind}" + (f" lr-verdict-{node.verdict}" if node.verdict else "")
        safe_id = nid.replace("#", "-")
        parts.append(f'<g class="lr-flow-node {kind}" id="flow-{flow.id}-{safe_id}-box">')
        parts.append(f"<title>{escape(node.text)}</title>")
        parts.append(
            f'<rect x="{_fmt(box.x)}" y="{_fmt(box.y)}" width="{_fmt(box.w)}" height="{_fmt(box.h)}" '
            f'rx="{12 if node.kind != "action" else 3}"/>'
        )
        for i, line in enumerate(box.lines):
            ty = box.y + PAD + (i + 1) * LINE_HEIGHT - 4
            parts.append(f'<text x="{_fmt(box.cx)}" y="{_fmt(ty)}" text-anchor="middle">{escape(line)}</text>')
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("\n".join(parts))
