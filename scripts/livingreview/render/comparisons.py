"""Table, plot and flowchart pages: the comparison part of the site."""

from __future__ import annotations

import math
import re
from functools import lru_cache, partial
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from ..model.flowgraph import outgoing, outline_order
from ..model.records import Flowchart, Result, Table
from ..text.cite import CiteItem
from . import forest, pooled
from .citations import Citer, escape_inline, md_link, relative_url
from .display import POPULATION, n_of_n, value_text
from .escape import script_json
from .flowchart import svg
from .table_view import Cell, Row, TableView, to_csv
from .vancouver import short_label

if TYPE_CHECKING:
    from .renderer import Renderer


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


@lru_cache(maxsize=8)
def _abbreviation_pattern(abbrs: tuple[str, ...]) -> re.Pattern[str] | None:
    """Python-Markdown's own test for an abbreviation (markdown.extensions.abbr)."""
    if not abbrs:
        return None
    return re.compile(rf"\b(?:{'|'.join(re.escape(a) for a in sorted(abbrs, key=len, reverse=True))})\b")


#: What escape_inline turns into entities: a word boundary may open next to each one.
_ESCAPED = re.compile(r"[&<>\"'\\`*_\[\]|#]")


def _span(renderer: Renderer, text: str) -> str:
    """` markdown="span"` where a cell's text needs the engine's Markdown, else nothing.

    A data cell's text is escaped Markdown-neutral (escape_inline) and its markers and
    citations are HTML already: the only Markdown left in it is the glossary's abbreviations,
    which the engine turns into tooltips. Cells without one (most of a large table) are
    handed over as HTML, so neither engine parses them again; the page reads the same.
    """
    pattern = _abbreviation_pattern(tuple(renderer.review.glossary))
    return ' markdown="span"' if pattern is not None and pattern.search(_ESCAPED.sub(" ", text)) else ""


def _cell_html(cell: Cell, renderer: Renderer, citer: Citer, page: str) -> str:
    # f-strings and escape(), not Markup.format: a large table has tens of thousands of cells.
    if cell.field_text:
        span = _span(renderer, cell.field_text)
        return f'<td data-sort="{escape(cell.field_text.lower())}"{span}>{escape_inline(cell.field_text)}</td>'
    if not cell.reports:
        return '<td class="lr-nr" data-sort="">not reported</td>'
    keys = list(dict.fromkeys(r.source.ref for r in cell.reports))
    cites = citer.cite([CiteItem(k) for k in keys])
    reports = escape("\n".join(_report_line(r, renderer) for r in cell.reports))
    sort = "" if cell.sort is None else ("999999" if math.isinf(cell.sort) else repr(cell.sort))
    if cell.differs:
        marker = f'<span class="lr-differs" title="Reports differ:&#10;{reports}" tabindex="0">≠</span> '
    elif len(cell.reports) > 1:
        marker = f'<span class="lr-agree" title="Reported the same way by:&#10;{reports}" tabindex="0">✓</span> '
    else:
        marker = ""
    cls = ' class="lr-cell-differs"' if cell.differs else ""
    return f'<td data-sort="{sort}"{cls}{_span(renderer, cell.text)}>{marker}{escape_inline(cell.text)} {cites}</td>'


def table_html(view: TableView, renderer: Renderer, citer: Citer, page: str) -> list[dict[str, Any]]:
    groups = []
    for g in view.groups:
        head = ['<th scope="col">Study</th>']
        for i, col in enumerate(view.columns):
            label = str(escape_inline(col.label))
            if col.endpoint:
                label = f"[{label}]({escape(md_link(page, 'endpoints.md', col.endpoint.id))})"
            note = (
                f' <a class="lr-colnote" href="#note-{i + 1}" title="{escape(" ".join(col.notes))}">†</a>'
                if col.notes
                else ""
            )
            method = "" if col.column.field else ' data-sort-method="number"'
            head.append(f'<th scope="col"{method} markdown="span">{label}{note}</th>')
        rows = []
        refs = renderer.review.references
        for row in g.rows:
            # Number the row's citations first: a kept row is reused only if its numbers are unchanged.
            keys = [k for c in row.cells if c.reports for k in dict.fromkeys(r.source.ref for r in c.reports)]
            numbers = tuple(citer.number(k) for k in keys if k in refs)
            deps = (row.cells, renderer.context, *numbers)
            rows.append(renderer.memo.get(f"table-html:{page}", deps, partial(_row_html, row, renderer, citer, page)))
        heading = renderer.group_label(view.table.group_by, g.label) if g.label else ""
        groups.append({"heading": heading, "head": Markup("".join(head)), "rows": rows})
    return groups


def _row_html(row: Row, renderer: Renderer, citer: Citer, page: str) -> Markup:
    link = escape(md_link(page, f"studies/{row.trial.id}.md"))
    name = row.trial.name
    head_cell = f'<th scope="row" data-sort="{escape(name.lower())}" markdown="span">'
    cells = [f"{head_cell}[{escape_inline(name)}]({link})</th>"]
    cells += [_cell_html(c, renderer, citer, page) for c in row.cells]
    return Markup(f'<tr markdown="1">{"".join(cells)}</tr>')


def render_table(renderer: Renderer, table: Table) -> tuple[str, str]:
    page = table_page(table.id)
    citer = renderer.citer(page, table.title)
    view = renderer.table_view(table)
    description = citer.text(table.description) if table.description else Markup("")
    groups = table_html(view, renderer, citer, page)
    notes = [(i + 1, col.label, col.notes) for i, col in enumerate(view.columns) if col.notes]
    text = renderer.page(
        page,
        "table.md.jinja",
        table=table,
        description=description,
        groups=groups,
        notes=notes,
        count=len(view.rows),
        reference_list=citer.reference_list(),
    )
    return text, to_csv(view, renderer.memo)


def tables_index(renderer: Renderer) -> str:
    items = []
    for table in sorted(renderer.review.tables.values(), key=lambda t: t.title):
        view = renderer.table_view(table)
        items.append((table, len(view.rows)))
    return renderer.page("tables/index.md", "tables.md.jinja", items=items)


# --------------------------------------------------------------------------- forest plots


PLOTS_PAGE, PLOTS_TITLE = "plots.md", "Rates across studies"
Plots = list[tuple[forest.PlotSpec, list[forest.PlotRow]]]


def plots_page(renderer: Renderer, synth: pooled.Analyses, synth_json: str) -> str:
    """Kept between builds while every plotted row and the pooled estimates (``synth``, and
    ``synth_json`` made from it, which the data download shares) show the same thing."""
    memo = renderer.memo
    plots = [(spec, forest.rows(renderer.review, spec, memo)) for spec in forest.PLOTS]
    plots = [(spec, rows) for spec, rows in plots if rows]
    shown = memo.intern(
        "plots",
        (
            *(
                (spec.id, *(memo.get("plot-shown", (r, renderer.context), partial(_shown, renderer, r)) for r in rows))
                for spec, rows in plots
            ),
            synth_json,
        ),
    )
    text, cited = memo.get("plots-page", (shown, renderer.context), partial(_plots_page, renderer, plots, synth))
    for key in cited:
        renderer.cited_by.add(key, PLOTS_PAGE, PLOTS_TITLE)
    return text


def _shown(renderer: Renderer, r: forest.PlotRow) -> tuple[Any, ...]:
    """Everything the plots page shows of one row."""
    endpoint = renderer.review.endpoints[r.result.endpoint]
    return (
        r.trial.id,
        r.trial.name,
        value_text(r.result, endpoint),
        r.result.source.ref,
        r.point,
        r.low,
        r.high,
        r.derived,
        r.n,
        r.total,
    )


def _plots_page(
    renderer: Renderer, plots: list[tuple[forest.PlotSpec, list[forest.PlotRow]]], synth: pooled.Analyses
) -> tuple[str, tuple[str, ...]]:
    citer = renderer.citer(PLOTS_PAGE, PLOTS_TITLE)
    synthesis = pooled.sections(renderer, citer, synth, PLOTS_PAGE)
    shown = []
    for spec, rows in plots:
        endpoint = renderer.review.endpoints[spec.endpoint]
        table = [
            {
                "name": r.trial.name,
                "link": md_link(PLOTS_PAGE, f"studies/{r.trial.id}.md"),
                "value": value_text(r.result, endpoint),
                "counts": f"{r.n}/{r.total}" if r.n is not None else "",
                "ci": f"{forest.pct(r.low)}–{forest.pct(r.high)}%" if r.low is not None and r.high is not None else "",
                "derived": r.derived,
                "cite": citer.key(r.result.source.ref),
            }
            for r in rows
        ]
        shown.append({"spec": spec, "svg": forest.svg(spec, rows, endpoint), "rows": table})
    text = renderer.template(
        "plots.md.jinja",
        plots=shown,
        synthesis=synthesis,
        method=pooled.METHOD,
        denominators=pooled.DENOMINATOR_RULE,
        reference_list=citer.reference_list(),
    )
    return text, tuple(citer.numbers)


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
        data=script_json(data),
        reference_list=citer.reference_list(),
    )


def flowcharts_index(renderer: Renderer) -> str:
    flows = sorted(renderer.review.flowcharts.values(), key=lambda f: f.title)
    return renderer.template("flowcharts.md.jinja", flows=flows)
