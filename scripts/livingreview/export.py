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
from typing import Any

from .display import unit_of
from .load import Review
from .model import SCHEMA_VERSION, dataclass_fields, yaml_key

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
    "note",
    "slip",
]


def as_data(obj: Any) -> Any:
    """A model object as JSON-ready data, keys as editors write them."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {yaml_key(f): as_data(getattr(obj, f.name)) for f in dataclass_fields(type(obj))}
    if isinstance(obj, list):
        return [as_data(x) for x in obj]
    if isinstance(obj, dict):
        return {k: as_data(v) for k, v in obj.items()}
    if isinstance(obj, dt.date):
        return obj.isoformat()
    if isinstance(obj, float) and obj.is_integer():
        return int(obj)
    return obj


def _num(x: float | None) -> str:
    if x is None:
        return ""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def trials_json(review: Review) -> str:
    data = {
        "schema_version": SCHEMA_VERSION,
        "endpoints": {k: as_data(e) for k, e in review.endpoints.items()},
        "trials": [as_data(review.trials[k]) for k in sorted(review.trials)],
    }
    return json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n"


def results_csv(review: Review) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for trial_id in sorted(review.trials):
        for r in review.trials[trial_id].results:
            endpoint = review.endpoints.get(r.endpoint)
            none: list[float | None] = [None, None]
            ci: list[float | None] = list(r.ci) if r.ci else none
            rng: list[float | None] = list(r.range) if r.range else none
            writer.writerow(
                [
                    trial_id,
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
                    r.note or "",
                    r.source.slip or "",
                ]
            )
    return buf.getvalue()


def references_bib(review: Review) -> str:
    header = "% Every reference of the living review, as its editors wrote it, sorted by key.\n\n"
    return header + "\n\n".join(review.references[k].raw.strip() for k in sorted(review.references)) + "\n"


def data_files(review: Review) -> dict[str, str | bytes]:
    return {
        "data/trials.json": trials_json(review),
        "data/results.csv": results_csv(review),
        "data/references.bib": references_bib(review),
    }
