"""Table, plot and flowchart pages: the comparison part of the site."""

from __future__ import annotations

import json
import math
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import forest
from .citations import Citer, escape_inline, md_link, relative_url
from .cite import CiteItem
from .display import POPULATION, n_of_n, value_text
from .flows import outgoing, outline_order, svg
from .model import Flowchart, Result, Table
from .tables import Cell, TableView, build, to_csv
from .vancouver import short_label

if TYPE_CHECKING:
    from .render import Renderer


def table_page(path: str) -> str:
    return f"tables/{path}.md"


def flow_page(flow_id: str) -> str:
    return f"flowcharts/{flow_id}.md"


def _report_line(r: Result, renderer: Renderer) -> str:
    endpoint = renderer.review.endpoints[r.endpoint]
    refs = renderer.review.references
    primary = short_label(refs[r.source.ref]) if r.source.ref in refs else r.source.ref
    via = short_label(refs[r.source.review]) if r.source.review in refs else ""
    counts = n_of_n(r)
    text = value_text(r, endpoint) + (f" ({counts})" if counts and r.value is not None else "")
    if r.population:
        text += f", {POPULATION[r.population]}"
    return f"{text}: {primary}" + (f" via {via}" if via else "") + f", {r.source.locator}"


def _cell_html(cell: Cell, renderer: Renderer, citer: Citer, page: str) -> Markup:
    if cell.field_text:
        return Markup('<td data-sort="{}" markdown="span">{}</td>').format(
            cell.field_text.lower(), escape_inline(cell.field_text)
        )
    if not cell.reports:
        return Markup('<td class="lr-nr" data-sort="">not reported</td>')
    keys = list(dict.fromkeys(r.source.ref for r in cell.reports))
    cites = citer.cite([CiteItem(k) for k in keys])
    reports = "\n".join(_report_line(r, renderer) for r in cell.reports)
    sort = "" if cell.sort is None else ("999999" if math.isinf(cell.sort) else repr(cell.sort))
    if cell.differs:
        marker = Markup('<span class="lr-differs" title="Reports differ:&#10;{}" tabindex="0">≠</span> ').format(
            reports
        )
    elif len(cell.reports) > 1:
        marker = Markup(
            '<span class="lr-agree" title="Reported the same way by:&#10;{}" tabindex="0">✓</span> '
        ).format(reports)
    else:
        marker = Markup("")
    cls = ' class="lr-cell-differs"' if cell.differs else ""
    return Markup('<td data-sort="{}"{} markdown="span">{}{} {}</td>').format(
        sort, Markup(cls), marker, escape_inline(cell.text), cites
    )


def table_html(view: TableView, renderer: Renderer, citer: Citer, page: str) -> list[dict[str, Any]]:
    groups = []
    for g in view.groups:
        head = [Markup('<th scope="col">Study</th>')]
        for i, col in enumerate(view.columns):
            label: Markup = escape_inline(col.label)
            if col.endpoint:
                label = Markup("[{}]({})").format(label, md_link(page, "endpoints.md", col.endpoint.id))
            note = (
                Markup(' <a class="lr-colnote" href="#note-{}" title="{}">†</a>').format(i + 1, " ".join(col.notes))
                if col.notes
                else ""
            )
            method = "" if col.column.field else ' data-sort-method="number"'
            head.append(Markup('<th scope="col"{} markdown="span">{}{}</th>').format(Markup(method), label, note))
        rows = []
        for row in g.rows:
            link = md_link(page, f"studies/{row.trial.id}.md")
            cells = [
                Markup('<th scope="row" data-sort="{}" markdown="span">[{}]({})</th>').format(
                    row.trial.name.lower(), escape_inline(row.trial.name), link
                )
            ]
            cells += [_cell_html(c, renderer, citer, page) for c in row.cells]
            rows.append(Markup('<tr markdown="1">{}</tr>').format(Markup("").join(cells)))
        groups.append({"label": g.label, "head": Markup("").join(head), "rows": rows})
    return groups


def render_table(renderer: Renderer, table: Table) -> tuple[str, str]:
    page = table_page(table.id)
    citer = renderer.citer(page, table.title)
    view = build(renderer.review, table)
    description = citer.text(table.description) if table.description else Markup("")
    groups = table_html(view, renderer, citer, page)
    notes = [(i + 1, col.label, col.notes) for i, col in enumerate(view.columns) if col.notes]
    text = renderer.template(
        "table.md.jinja",
        table=table,
        description=description,
        groups=groups,
        group_label=renderer.group_label,
        notes=notes,
        count=len(view.rows),
        reference_list=citer.reference_list(),
    )
    return text, to_csv(view)


def tables_index(renderer: Renderer) -> str:
    items = []
    for table in sorted(renderer.review.tables.values(), key=lambda t: t.title):
        view = build(renderer.review, table)
        items.append((table, len(view.rows)))
    return renderer.template("tables.md.jinja", items=items)


# --------------------------------------------------------------------------- forest plots


def plots_page(renderer: Renderer) -> str:
    page = "plots.md"
    citer = renderer.citer(page, "Rates across studies")
    plots = []
    for spec in forest.PLOTS:
        rows = forest.rows(renderer.review, spec)
        if not rows:
            continue
        endpoint = renderer.review.endpoints[spec.endpoint]
        table = [
            {
                "name": r.trial.name,
                "link": md_link("plots.md", f"studies/{r.trial.id}.md"),
                "value": value_text(r.result, endpoint),
                "counts": f"{r.n}/{r.total}" if r.n is not None else "",
                "ci": f"{forest.pct(r.low)}–{forest.pct(r.high)}%" if r.low is not None and r.high is not None else "",
                "derived": r.derived,
                "cite": citer.key(r.result.source.ref),
            }
            for r in rows
        ]
        plots.append({"spec": spec, "svg": forest.svg(spec, rows, endpoint), "rows": table})
    return renderer.template("plots.md.jinja", plots=plots, reference_list=citer.reference_list())


# --------------------------------------------------------------------------- flowcharts


def render_flowchart(renderer: Renderer, flow: Flowchart) -> str:
    page = flow_page(flow.id)
    citer = renderer.citer(page, flow.title)
    out = outgoing(flow)
    order = outline_order(flow)
    number = {nid: i + 1 for i, nid in enumerate(order)}
    steps: list[dict[str, Any]] = []
    for nid in order:
        node = flow.nodes[nid]
        records = [
            (renderer.review.trials[r].name, relative_url(page, f"studies/{r}.md"), md_link(page, f"studies/{r}.md"))
            for r in node.records
            if r in renderer.review.trials
        ]
        steps.append(
            {
                "id": nid,
                "number": number[nid],
                "node": node,
                "cite": citer.cite([CiteItem(k) for k in node.cite]) if node.cite else Markup(""),
                "detail": citer.text(node.detail) if node.detail else Markup(""),
                "records": records,
                "branches": [(e.label or "Next", number.get(e.to, 0), e.to) for e in out.get(nid, [])],
            }
        )
    data = {
        "start": flow.start,
        "nodes": {
            s["id"]: {
                "kind": s["node"].kind,
                "text": s["node"].text,
                "verdict": s["node"].verdict,
                "step": s["number"],
                "branches": [{"label": label, "to": to} for label, _, to in s["branches"]],
                "evidence": str(s["cite"]),
                "records": [{"name": n, "url": u} for n, u, _ in s["records"]],
            }
            for s in steps
        },
    }
    return renderer.template(
        "flowchart.md.jinja",
        flow=flow,
        summary=citer.text(flow.summary) if flow.summary else Markup(""),
        svg=svg(flow),
        steps=steps,
        data=Markup(json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")),
        reference_list=citer.reference_list(),
    )


def flowcharts_index(renderer: Renderer) -> str:
    flows = sorted(renderer.review.flowcharts.values(), key=lambda f: f.title)
    return renderer.template("flowcharts.md.jinja", flows=flows)
