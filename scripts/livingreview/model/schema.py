"""JSON Schema derived from the model, for editor completion and the docs.

Generated, never hand-written: the model's type hints and field metadata are the
only description of the record format.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from typing import Any, Literal, Union

from .records import (
    KEY,
    SCHEMA_VERSION,
    EndpointVocabulary,
    Flowchart,
    Glossary,
    KeyResults,
    Table,
    Trial,
    dataclass_fields,
    hints,
    yaml_key,
)
from .screening import ScreeningLog, Search

SCHEMA_BASE = "https://cart-ball.github.io/living-review/schema/"


def _type_schema(tp: Any, defs: dict[str, Any]) -> dict[str, Any]:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if len(inner) == 1:
            return _type_schema(inner[0], defs)
        return {"anyOf": [_type_schema(a, defs) for a in inner]}
    if origin is Literal:
        return {"enum": list(args)}
    if origin is list:
        return {"type": "array", "items": _type_schema(args[0], defs)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _type_schema(args[1], defs)}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        name = tp.__name__
        if name not in defs:
            defs[name] = {}  # placeholder against recursion
            defs[name] = _object_schema(tp, defs)
        return {"$ref": f"#/$defs/{name}"}
    if tp is str:
        return {"type": "string"}
    if tp is bool:
        return {"type": "boolean"}
    if tp is int:
        return {"type": "integer"}
    if tp is float:
        return {"type": "number"}
    if tp is dt.date:
        return {"type": "string", "format": "date"}
    raise TypeError(f"no schema for {tp!r}")  # pragma: no cover - model bug


def _object_schema(cls: type, defs: dict[str, Any]) -> dict[str, Any]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in dataclass_fields(cls):
        key = yaml_key(f)
        if f.metadata["doc"].startswith("Set from the mapping key"):
            continue  # never written: the mapping key is the id
        schema = _type_schema(hints(cls)[f.name], defs)
        meta = f.metadata
        schema = {"description": meta["doc"], **schema}
        for name, keyword in (
            ("pattern", "pattern"),
            ("minimum", "minimum"),
            ("exclusive_minimum", "exclusiveMinimum"),
            ("maximum", "maximum"),
            ("examples", "examples"),
        ):
            if meta.get(name) is not None:
                target = schema["items"] if schema.get("type") == "array" and name == "pattern" else schema
                target[keyword] = meta[name]
        if schema.get("type") == "object" and "additionalProperties" in schema:
            schema["propertyNames"] = {"pattern": meta.get("key_pattern") or KEY}
        if f.default is not dataclasses.MISSING and f.default is not None and not isinstance(f.default, bool):
            schema["default"] = f.default
        props[key] = schema
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
            required.append(key)
    out: dict[str, Any] = {
        "type": "object",
        "description": (cls.__doc__ or "").strip().splitlines()[0],
        "properties": props,
        "additionalProperties": False,
    }
    if required:
        out["required"] = required
    return out


def json_schema(cls: type, name: str) -> dict[str, Any]:
    defs: dict[str, Any] = {}
    root = _object_schema(cls, defs)
    root["properties"] = {"$schema": {"type": "string"}, **root["properties"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_BASE + name,
        "title": f"{cls.__name__} (schema version {SCHEMA_VERSION})",
        **root,
        "$defs": dict(sorted(defs.items())),
    }


SCHEMAS: dict[str, type] = {
    "trial.schema.json": Trial,
    "endpoints.schema.json": EndpointVocabulary,
    "table.schema.json": Table,
    "flowchart.schema.json": Flowchart,
    "glossary.schema.json": Glossary,
    "key-results.schema.json": KeyResults,
    "search.schema.json": Search,
    "screening.schema.json": ScreeningLog,
}


def schema_files() -> dict[str, str]:
    """File name -> JSON text, for the site and for ``livingreview schema``."""
    return {
        name: json.dumps(json_schema(cls, name), indent=2, ensure_ascii=False) + "\n" for name, cls in SCHEMAS.items()
    }
