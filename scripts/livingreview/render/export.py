"""The data files the built site carries: every record, every value, every reference.

The contract (README, "Data downloads"): ``data/trials.json`` holds every record
with every reported value and its source; ``data/results.csv`` one row per value;
``data/references.bib`` every BibTeX entry as written.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
from functools import partial
from typing import Any

from ..model.memo import Memo
from ..model.records import SCHEMA_VERSION, Trial, dataclass_fields, yaml_key
from ..model.review import Review
from .display import unit_of

CSV_COLUMNS = [
    "record_id",
    "endpoint",
    "value",
    "unit",
    "n",
    "N",
    "timepoint_months",
    "source",
    "review",
    "locator",
    "qualifier",
    "ci_low",
    "ci_high",
    "range_low",
    "range_high",
    "timepoint_label",
    "population",
    "subgroup",
    "cutoff",
    "scale",
    "mrd_method",
    "mrd_threshold",
    "comparison",
    "adjusted",
    "reported_as",
    "note",
    "slip",
]


def as_data(obj: Any) -> Any:
    """A model object as JSON-ready data, keys as editors write them."""
    if isinstance(obj, list):
        return [as_data(x) for x in obj]
    if isinstance(obj, dict):
        return {k: as_data(v) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, float) and obj.is_integer():
        return int(obj)
    keys = _keys(type(obj))
    if keys is not None:
        return {key: as_data(getattr(obj, name)) for key, name in keys}
    return obj


_KEYS: dict[type, tuple[tuple[str, str], ...] | None] = {}


def _keys(cls: type) -> tuple[tuple[str, str], ...] | None:
    """(YAML key, attribute) of a model class's schema fields; None for other types."""
    if cls not in _KEYS:
        fields = dataclass_fields(cls) if dataclasses.is_dataclass(cls) else None
        _KEYS[cls] = None if fields is None else tuple((yaml_key(f), f.name) for f in fields)
    return _KEYS[cls]


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def trials_json(review: Review, memo: Memo | None = None) -> str:
    """Every record as JSON, one record (and one endpoint) per line.

    One line per record keeps the file quick to write and makes the difference
    between two releases readable record by record. Each line is kept in the memo:
    after one record changes, only that record is encoded again.
    """
    memo = memo or Memo()
    endpoints = [f"  {_dumps(k)}: {_dumps(as_data(e))}" for k, e in review.endpoints.items()]
    trials = [
        "  " + memo.get("json", (review.trials[k],), partial(_dumps_data, review.trials[k]))
        for k in sorted(review.trials)
    ]
    return (
        f'{{\n "schema_version": {SCHEMA_VERSION},\n'
        f' "endpoints": {_block(endpoints, "{", "}")},\n'
        f' "trials": {_block(trials, "[", "]")}\n}}\n'
    )


def _block(lines: list[str], open_: str, close: str) -> str:
    return f"{open_}\n" + ",\n".join(lines) + f"\n {close}" if lines else open_ + close


def _dumps(data: Any) -> str:
    # Without indent, json uses its C encoder: ten times faster on a large review.
    return json.dumps(data, ensure_ascii=False)


def _dumps_data(obj: Any) -> str:
    return _dumps(as_data(obj))


def results_csv(review: Review, memo: Memo | None = None) -> str:
    memo = memo or Memo()
    endpoints = memo.values_of("endpoints", review.endpoints)
    rows = [
        memo.get("csv", (review.trials[k], endpoints), partial(_csv_rows, review, review.trials[k]))
        for k in sorted(review.trials)
    ]
    return _csv_line(CSV_COLUMNS) + "".join(rows)


def _csv_line(values: list[Any]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(values)
    return buf.getvalue()


def _csv_rows(review: Review, trial: Trial) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for r in trial.results:
        endpoint = review.endpoints.get(r.endpoint)
        none: list[float | None] = [None, None]
        ci: list[float | None] = list(r.ci) if r.ci else none
        rng: list[float | None] = list(r.range) if r.range else none
        writer.writerow(
            [
                trial.id,
                r.endpoint,
                _num(r.value),
                unit_of(r, endpoint) if endpoint else "",
                "" if r.n is None else r.n,
                "" if r.n_total is None else r.n_total,
                _num(r.timepoint),
                r.source.ref,
                r.source.review or "",
                r.source.locator,
                r.qualifier or "",
                _num(ci[0]),
                _num(ci[1]),
                _num(rng[0]),
                _num(rng[1]),
                r.timepoint_label or "",
                r.population or "",
                r.subgroup or "",
                r.cutoff or "",
                r.scale or "",
                r.mrd_method or "",
                _num(r.mrd_threshold),
                r.comparison or "",
                "" if r.adjusted is None else ("yes" if r.adjusted else "no"),
                r.reported_as or "",
                r.note or "",
                r.source.slip or "",
            ]
        )
    return buf.getvalue()


def references_bib(review: Review) -> str:
    header = "% Every reference of the living review, as its editors wrote it, sorted by key.\n\n"
    return header + "\n\n".join(review.references[k].raw.strip() for k in sorted(review.references)) + "\n"


def data_files(review: Review, memo: Memo | None = None) -> dict[str, str | bytes]:
    return {
        "data/trials.json": trials_json(review, memo),
        "data/results.csv": results_csv(review, memo),
        "data/references.bib": references_bib(review),
    }
