"""Comparison tables built from data: which records, which cells, and their caveats.

Everything a table page shows is decided here (which reports fill a cell, whether
they disagree, whether a column mixes grading scales or response definitions); the
template only lays it out. The same views feed each table's CSV download.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from functools import partial

from ..check.compare import agree, comparable
from ..model.fields import as_text, matches, resolve
from ..model.memo import Memo
from ..model.records import Column, Endpoint, Result, Table, Trial
from ..model.review import Review
from .display import FIELD_LABELS, MRD, SCALE, n_of_n, value_text

#: Analysis populations that describe the whole cohort; others (responders, transplanted)
#: appear only in columns that ask for them.
WHOLE_COHORT = (None, "enrolled", "leukapheresed", "infused", "evaluable")


@dataclass
class Cell:
    reports: list[Result] = field(default_factory=list)
    endpoint: Endpoint | None = None
    text: str = "not reported"
    sort: float | None = None
    differs: bool = False
    field_text: str = ""

    @property
    def reported(self) -> bool:
        return bool(self.reports) or bool(self.field_text)


@dataclass
class ColumnView:
    column: Column
    label: str
    endpoint: Endpoint | None
    notes: list[str] = field(default_factory=list)


@dataclass
class Row:
    trial: Trial
    cells: list[Cell]


@dataclass
class Group:
    label: str
    rows: list[Row]


@dataclass
class TableView:
    table: Table
    columns: list[ColumnView]
    groups: list[Group]

    @property
    def rows(self) -> list[Row]:
        return [r for g in self.groups for r in g.rows]


def _candidates(trial: Trial, endpoint: str, column: Column) -> list[Result]:
    return [
        r
        for r in trial.results
        if r.endpoint == endpoint
        and r.timepoint == column.timepoint
        and (column.timepoint is not None or not r.timepoint_label)
        and (r.subgroup or None) == (column.subgroup or None)
        and (r.population == column.population if column.population else r.population in WHOLE_COHORT)
    ]


def _sort_value(r: Result) -> float | None:
    if r.qualifier == "not-reached":
        return math.inf
    if r.value is not None:
        return r.value
    if r.range:
        return r.range[0]
    if r.n is not None and r.n_total:
        return 100 * r.n / r.n_total
    return None


def _best(reports: list[Result]) -> Result:
    """The report a cell shows first: one with n/N if any, else the first listed."""
    with_counts = [r for r in reports if r.n is not None and r.n_total]
    return (with_counts or reports)[0]


def cell(review: Review, trial: Trial, column: Column) -> Cell:
    if column.field:
        value = resolve(trial, column.field)
        labels = FIELD_LABELS.get(column.field, {})
        text = labels.get(value, as_text(value)) if isinstance(value, str) else as_text(value)
        return Cell(field_text=text or "not stated", text=text or "not stated")
    assert column.endpoint is not None
    for endpoint_id in [column.endpoint, *column.also]:
        reports = _candidates(trial, endpoint_id, column)
        if reports:
            endpoint = review.endpoints[endpoint_id]
            differs = any(comparable(a, b) and not agree(a, b) for i, a in enumerate(reports) for b in reports[i + 1 :])
            shown = _best(reports)
            text = value_text(shown, endpoint)
            counts = n_of_n(shown)
            if counts and shown.value is not None:
                text += f" ({counts})"
            return Cell(reports, endpoint, text, _sort_value(shown), differs)
    return Cell()


def _notes(review: Review, column: Column, cells: list[Cell]) -> list[str]:
    notes: list[str] = []
    used = [c for c in cells if c.reports]
    if column.also:
        kinds: dict[str, int] = {}
        for c in used:
            assert c.endpoint is not None
            kinds[c.endpoint.label] = kinds.get(c.endpoint.label, 0) + 1
        if len(kinds) > 1:
            notes.append(
                "Response definitions differ between rows: "
                + ", ".join(f"{label} ({n} {'study' if n == 1 else 'studies'})" for label, n in kinds.items())
                + "."
            )
    reports = [r for c in used for r in c.reports]
    endpoint = review.endpoints.get(column.endpoint or "")
    if endpoint and endpoint.group == "toxicity" and reports:
        scales = sorted({SCALE[r.scale] for r in reports if r.scale})
        unstated = sum(1 for c in used if any(not r.scale for r in c.reports))
        if len(scales) > 1:
            notes.append(f"Grading scales differ between rows ({', '.join(scales)}); grades are not fully comparable.")
        if unstated:
            notes.append(
                f"The sources do not name the grading scale for {unstated} of {len(used)} rows; studies of "
                "different years graded on different scales (Lee 2014, Penn, CTCAE, ASTCT 2019), so grades "
                "may not be comparable."
            )
    if column.endpoint == "mrd_neg_cr" and reports:
        methods = sorted({MRD[r.mrd_method] for r in reports if r.mrd_method})
        unstated = sum(1 for c in used if any(not r.mrd_method for r in c.reports))
        if len(methods) > 1:
            notes.append(f"MRD was measured in different ways ({', '.join(methods)}).")
        if unstated:
            notes.append(
                f"The sources do not name the MRD method and threshold for {unstated} of {len(used)} rows "
                "(flow cytometry at 10⁻⁴ and NGS at 10⁻⁶ differ in sensitivity)."
            )
    populations = sorted({r.population or "not stated" for r in reports})
    if len(populations) > 1 and column.endpoint and endpoint and endpoint.kind == "rate":
        notes.append(f"Denominators differ between rows ({', '.join(populations)}).")
    return notes


def build(review: Review, table: Table, memo: Memo | None = None) -> TableView:
    """The table's rows, cells and column notes.

    A record's row (or its absence) is kept in the memo: when one record changes,
    only its row is worked out again; sorting, grouping and notes are redone.
    """
    memo = memo or Memo()
    deps = (table, memo.values_of("endpoints", review.endpoints))
    name = f"table-row:{table.id}"
    rows = []
    for t in review.trials.values():
        cells = memo.get(name, (t, *deps), partial(_cells, review, t, table))
        if cells is not None:
            rows.append(Row(t, cells))
    columns = []
    for col in table.columns:
        endpoint = review.endpoints.get(col.endpoint or "")
        label = col.label or (endpoint.label if endpoint else (col.field or "").split(".")[-1].replace("_", " "))
        if endpoint and col.timepoint and not col.label:
            label += f" at {int(col.timepoint) if col.timepoint.is_integer() else col.timepoint} months"
        columns.append(ColumnView(col, label, endpoint))
    for i, view in enumerate(columns):
        view.notes = _notes(review, view.column, [r.cells[i] for r in rows])
    rows.sort(key=lambda r: _row_key(r, table, review))
    groups: dict[str, list[Row]] = {}
    for row in rows:
        label = as_text(resolve(row.trial, table.group_by)) if table.group_by else ""
        groups.setdefault(label or ("Not stated" if table.group_by else ""), []).append(row)
    return TableView(table, columns, [Group(k, v) for k, v in sorted(groups.items())])


def _cells(review: Review, trial: Trial, table: Table) -> list[Cell] | None:
    """The record's cells, or None when the table's filter leaves it out."""
    if not all(matches(trial, c) for c in table.filter):
        return None
    return [cell(review, trial, c) for c in table.columns]


def _row_key(row: Row, table: Table, review: Review) -> tuple[object, ...]:
    key = table.sort_by.lstrip("-")
    descending = table.sort_by.startswith("-")
    if key in review.endpoints:
        values = [c.sort for c in row.cells if c.endpoint and c.endpoint.id == key]
        v = values[0] if values and values[0] is not None else None
        missing = v is None
        number = 0.0 if v is None else (-v if descending else v)
        return (missing, number, row.trial.name.lower())
    text = as_text(resolve(row.trial, key)).lower()
    return (text == "", text, row.trial.name.lower())


def _source_text(r: Result, c: Cell) -> str:
    value = value_text(r, c.endpoint) if c.endpoint else ""
    return f"{value}: {r.source.ref} via {r.source.review or '-'} ({r.source.locator})"


def to_csv(view: TableView, memo: Memo | None = None) -> str:
    memo = memo or Memo()
    header = ["study", "record_id"]
    for col in view.columns:
        header += [col.label] if col.column.field else [col.label, f"{col.label} sources"]
    name = f"table-csv:{view.table.id}"
    return _csv([header]) + "".join(memo.get(name, (row.cells,), partial(_csv_row, view, row)) for row in view.rows)


def _csv_row(view: TableView, row: Row) -> str:
    line = [row.trial.name, row.trial.id]
    for col, c in zip(view.columns, row.cells, strict=True):
        if col.column.field:
            line.append(c.text)
            continue
        line.append(c.text if c.reported else "not reported")
        line.append("; ".join(_source_text(r, c) for r in c.reports))
    return _csv([line])


def _csv(lines: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(lines)
    return buf.getvalue()
