"""Dotted paths into a study record (``construct.targets``), and the table filters built on them.

A path is checked against the model's type hints, so a table naming a field that does
not exist is an error with a "did you mean", not an empty column.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from typing import Any

from .diagnostics import did_you_mean
from .records import Condition, Table, Trial, dataclass_fields, hints, yaml_key
from .review import Review


def _unwrap(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(tp) if a is not type(None)]
        return _unwrap(inner[0])
    return tp


def field_paths(cls: type = Trial, prefix: str = "") -> list[str]:
    """Every dotted path a filter or column may name (not results, history or where)."""
    out: list[str] = []
    for f in dataclass_fields(cls):
        key = yaml_key(f)
        if key in ("results", "history", "schema_version", "summary"):
            continue
        tp = _unwrap(hints(cls)[f.name])
        path = prefix + key
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            out += field_paths(tp, path + ".")
        else:
            out.append(path)
    return out


PATHS = field_paths()


def check_path(path: str) -> str | None:
    """None if the path names a record field, else a message with a suggestion."""
    if path in PATHS:
        return None
    hint = did_you_mean(path, PATHS)
    return f"'{path}' is not a record field" + (f" ({hint})" if hint else "")


_NAMES: dict[type, dict[str, str]] = {}


def _names(cls: type) -> dict[str, str]:
    """YAML key -> attribute name for a model class, worked out once."""
    if cls not in _NAMES:
        _NAMES[cls] = {yaml_key(f): f.name for f in dataclass_fields(cls)}
    return _NAMES[cls]


def resolve(trial: Trial, path: str) -> Any:
    """The value at a dotted path, or None when a step is missing."""
    value: Any = trial
    for part in path.split("."):
        if value is None:
            return None
        value = getattr(value, _names(type(value)).get(part, part), None)
    return value


def as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(as_text(v) for v in value)
    return str(value)


# --------------------------------------------------------------------------- table filters


def matches(trial: Trial, cond: Condition) -> bool:
    value = resolve(trial, cond.field)
    items = value if isinstance(value, list) else ([] if value is None else [value])
    texts = [as_text(v) for v in items]
    if cond.is_ is not None:
        want = cond.is_ if isinstance(cond.is_, list) else [cond.is_]
        if (texts if isinstance(value, list) else texts[:1]) != want:
            return False
    if cond.in_ is not None and not any(t in cond.in_ for t in texts):
        return False
    if cond.has is not None and cond.has not in texts:
        return False
    if cond.has_any is not None and not any(t in texts for t in cond.has_any):
        return False
    return not (cond.lacks is not None and cond.lacks in texts)


def selects_any(review: Review, table: Table) -> bool:
    return any(all(matches(t, c) for c in table.filter) for t in review.trials.values())
