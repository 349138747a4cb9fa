"""Turn located YAML nodes into model instances, reporting every mismatch.

The conversion is driven by the model's type hints and field metadata, the same
information :mod:`livingreview.model.schema` turns into JSON Schema; there is no second
description of the format to drift from the first.

Each type is compiled once into a small converter function (a "plan"), so that the
per-node work is a few dictionary lookups: record files are converted by the
hundred thousand nodes at scale. Plain scalars are typed here, by the field that
receives them (YAML 1.2 core rules), not by the YAML layer's resolver.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, Union

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..model.diagnostics import Diagnostics, did_you_mean
from ..model.records import KEY, dataclass_fields, hints, yaml_key
from ..model.where import Mark, Where
from .yamlnodes import describe_node, kind, mark_of

#: What ``livingreview new`` writes where an editor must fill something in.
PLACEHOLDER = "FILL IN"
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")
_NUMBER = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$")


class Invalid(Exception):
    """Raised inside conversion when a value cannot be used; already reported."""


Plan = Callable[["Converter", Node, str], Any]


class Converter:
    """Converts the nodes of one file; collects diagnostics into ``diags``."""

    def __init__(self, file: str, diags: Diagnostics, subject: str = "") -> None:
        self.file = file
        self.diags = diags
        self.subject = subject
        self._active: set[int] = set()

    def error(self, code: str, node: Node, message: str, hint: str = "") -> None:
        self.diags.add(code, mark_of(self.file, node), message, hint, self.subject)

    def mark(self, node: Node) -> Mark:
        m = node.start_mark
        return Mark(self.file, m.line + 1, m.column + 1)

    def convert(self, tp: Any, node: Node, path: str) -> Any:
        """Convert ``node`` to type ``tp``; raise :class:`Invalid` if it cannot be used."""
        return plan(tp)(self, node, path)

    def mapping(self, cls: Any, node: Node, path: str) -> Any:
        return plan(cls)(self, node, path)

    def not_an_ancestor(self, node: Node) -> None:
        """Guard against YAML aliases that contain themselves."""
        if id(node) in self._active:
            self.error("LR101", node, "YAML aliases that refer to themselves are not supported")
            raise Invalid

    def enter(self, node: Node) -> None:
        self.not_an_ancestor(node)
        self._active.add(id(node))


# --------------------------------------------------------------------------- plans


@cache
def plan(tp: Any) -> Plan:
    """The converter function for one type, built once."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin in (Union, types.UnionType):
        return _union_plan([a for a in args if a is not type(None)])
    if origin is Literal:
        return _literal_plan(args)
    if origin is list:
        return _list_plan(args[0])
    if origin is dict:
        return _dict_plan(args[1])
    if dataclasses.is_dataclass(tp):
        return _dataclass_plan(tp)
    return _scalar_plan(tp)


def _union_plan(inner: list[Any]) -> Plan:
    listy = [a for a in inner if typing.get_origin(a) is list]
    scalar = [a for a in inner if typing.get_origin(a) is not list] or inner

    def convert(c: Converter, node: Node, path: str) -> Any:
        if kind(node) == "null":
            return None
        # str | list[str]: the node's own shape decides which one is meant
        if listy and isinstance(node, SequenceNode):
            return plan(listy[0])(c, node, path)
        return plan(scalar[0])(c, node, path)

    return convert


def _options(options: tuple[Any, ...]) -> str:
    return ", ".join(f"'{o}'" for o in options)


def _literal_plan(options: tuple[Any, ...]) -> Plan:
    allowed = frozenset(options)

    def convert(c: Converter, node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            c.error("LR202", node, f"{path} must be one of {_options(options)}, not {describe_node(node)}")
            raise Invalid
        value = str(node.value)
        if value in allowed:
            return value
        hint = did_you_mean(value, options) or f"use one of {_options(options)}"
        c.error("LR203", node, f"'{value}' is not an allowed value for {path}", hint)
        raise Invalid

    return convert


def _list_plan(item_tp: Any) -> Plan:
    item = plan(item_tp)

    def convert(c: Converter, node: Node, path: str) -> list[Any]:
        if not isinstance(node, SequenceNode):
            if isinstance(node, ScalarNode) and item_tp is str and kind(node) != "null":
                c.error(
                    "LR202",
                    node,
                    f"{path} must be a list, not {describe_node(node)}",
                    f"write it as a list: [{node.value}]",
                )
            else:
                c.error("LR202", node, f"{path} must be a list, not {describe_node(node)}")
            raise Invalid
        c.enter(node)
        try:
            out: list[Any] = []
            failed = False
            for i, child in enumerate(node.value):
                try:
                    c.not_an_ancestor(child)
                    out.append(item(c, child, f"{path}[{i}]"))
                except Invalid:
                    failed = True
            if failed:
                raise Invalid
            return out
        finally:
            c._active.discard(id(node))

    return convert


def _dict_plan(value_tp: Any) -> Plan:
    value_plan = plan(value_tp)

    def convert(c: Converter, node: Node, path: str) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            c.error("LR202", node, f"{path} must be a mapping, not {describe_node(node)}")
            raise Invalid
        out: dict[str, Any] = {}
        failed = False
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                c.error("LR103", key_node, f"duplicate key '{key}'", "remove one of them")
                failed = True
                continue
            try:
                value = value_plan(c, value_node, _join(path, key))
            except Invalid:
                failed = True
                continue
            if hasattr(value, "id") and not value.id:
                value.id = key
            out[key] = value
        if failed:
            raise Invalid
        return out

    return convert


@dataclasses.dataclass(frozen=True)
class _Field:
    key: str
    name: str
    convert: Plan
    required: bool
    doc: str
    pattern: re.Pattern[str] | None
    pattern_text: str
    minimum: float | None
    exclusive_minimum: float | None
    is_list: bool
    #: For a mapping field: the grammar of its keys.
    key_pattern: re.Pattern[str] | None
    key_pattern_text: str


def _dataclass_plan(cls: Any) -> Plan:
    fields: dict[str, _Field] = {}
    for f in dataclass_fields(cls):
        meta = f.metadata
        tp = hints(cls)[f.name]
        inner = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
        is_mapping = any(typing.get_origin(a) is dict for a in [tp, *inner])
        fields[yaml_key(f)] = _Field(
            key=yaml_key(f),
            name=f.name,
            convert=plan(tp),
            required=f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING,
            doc=str(meta["doc"]),
            pattern=re.compile(meta["pattern"]) if meta.get("pattern") else None,
            pattern_text=meta.get("pattern") or "",
            minimum=meta.get("minimum"),
            exclusive_minimum=meta.get("exclusive_minimum"),
            is_list=typing.get_origin(tp) is list or any(typing.get_origin(a) is list for a in inner),
            key_pattern=re.compile(meta.get("key_pattern") or KEY) if is_mapping else None,
            key_pattern_text=meta.get("key_pattern") or KEY,
        )
    checked = {k: f for k, f in fields.items() if f.pattern or f.minimum is not None or f.exclusive_minimum is not None}

    def convert(c: Converter, node: Node, path: str) -> Any:
        if not isinstance(node, MappingNode):
            c.error("LR202", node, f"{path or 'the file'} must be a mapping, not {describe_node(node)}")
            raise Invalid
        c.enter(node)
        try:
            return _convert_mapping(c, node, path)
        finally:
            c._active.discard(id(node))

    def _convert_mapping(c: Converter, node: MappingNode, path: str) -> Any:
        file = c.file
        m = node.start_mark
        where = Where(file, (m.line + 1, m.column + 1))
        # Only values are located: every message about a key is reported while
        # converting, and Where.value() is what the checks ask for afterwards.
        values, items = where.values, where.items
        seen: dict[str, Node] = {}
        suggested: set[str] = set()
        out: dict[str, Any] = {}
        failed = False
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if key in seen:
                c.error(
                    "LR103",
                    key_node,
                    f"duplicate key '{key}' (first at line {seen[key].start_mark.line + 1})",
                    "remove one of them",
                )
                failed = True
                continue
            seen[key] = key_node
            f = fields.get(key)
            if f is None:
                if key.startswith("$"):  # editor hints such as $schema
                    continue
                hint = did_you_mean(key, fields)
                if hint:
                    suggested.add(hint.split("'")[1])
                c.error(
                    "LR200",
                    key_node,
                    f"unknown field '{key}'" + (f" in {path}" if path else ""),
                    hint or "allowed: " + ", ".join(fields),
                )
                failed = True
                continue
            key = f.key  # one shared string per field name: millions of positions are keyed by it
            vm = value_node.start_mark
            values[key] = (vm.line + 1, vm.column + 1)
            if isinstance(value_node, SequenceNode):
                items[key] = [(item.start_mark.line + 1, item.start_mark.column + 1) for item in value_node.value]
            child = f"{path}.{key}" if path else key
            if f.key_pattern is not None and isinstance(value_node, MappingNode):
                _check_keys(c, f, value_node, child)
            try:
                c.not_an_ancestor(value_node)
                value = f.convert(c, value_node, child)
            except Invalid:
                failed = True
                continue
            if key in checked:
                _check_meta(c, f, value, value_node, child)
            out[f.name] = value
        for key, f in fields.items():
            if f.required and f.name not in out and key not in seen:
                failed = True
                if key in suggested:
                    continue  # the misspelt key is already reported with this name as its hint
                c.error(
                    "LR201",
                    node,
                    f"missing required field '{key}'" + (f" in {path}" if path else ""),
                    f"add '{key}:', {f.doc.rstrip('.')}",
                )
        if failed:
            raise Invalid
        return cls(**out, where=where)

    return convert


def _check_keys(c: Converter, f: _Field, node: MappingNode, path: str) -> None:
    """Every key of a mapping field follows the key grammar: keys become HTML ids and addresses."""
    assert f.key_pattern is not None
    for key_node, _ in node.value:
        key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
        if not isinstance(key_node, ScalarNode) or not f.key_pattern.match(key):
            shown = key if isinstance(key_node, ScalarNode) else describe_node(key_node)
            c.error(
                "LR210",
                key_node,
                f"'{shown[:60]}' is not a valid key in {path}",
                _pattern_hint(f.key_pattern_text),
            )


def _check_meta(c: Converter, f: _Field, value: Any, node: Node, path: str) -> None:
    items = value if isinstance(value, list) else [value]
    nodes = node.value if isinstance(node, SequenceNode) else [node]
    for item, item_node in zip(items, nodes, strict=False):
        if f.pattern is not None and isinstance(item, str) and not f.pattern.match(item):
            c.error("LR204", item_node, f"'{item}' is not a valid {path}", _pattern_hint(f.pattern_text))
        if isinstance(item, (int, float)) and not isinstance(item, bool):
            if f.minimum is not None and item < f.minimum:
                c.error("LR205", item_node, f"{path} is {_fmt(item)}, less than {_fmt(f.minimum)}")
            if f.exclusive_minimum is not None and item <= f.exclusive_minimum:
                code = "LR405" if f.exclusive_minimum == 0 else "LR205"
                c.error(code, item_node, f"{path} is {_fmt(item)}; it must be greater than {_fmt(f.exclusive_minimum)}")


def _scalar_plan(tp: Any) -> Plan:
    if tp not in (str, bool, int, float, dt.date):  # pragma: no cover - a model bug
        raise TypeError(f"unsupported type {tp!r}")

    def convert(c: Converter, node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            c.error("LR202", node, f"{path} must be {_type_word(tp)}, not {describe_node(node)}")
            raise Invalid
        text = str(node.value)
        k = kind(node)
        if PLACEHOLDER in text:
            c.error("LR209", node, f"{path} still holds the placeholder '{text[:50]}'", "fill it in")
            if tp is not str:
                raise Invalid
            return text
        if k == "null":
            c.error("LR202", node, f"{path} must be {_type_word(tp)}, not empty", "fill it in or remove the key")
            raise Invalid
        if tp is str:
            if k == "bool":
                c.error("LR202", node, f"{path} must be text, not true/false", f"quote it: '{text}'")
                raise Invalid
            html = _HTML.search(text) if "<" in text else None
            if html:
                c.error(
                    "LR208",
                    node,
                    f"{path} contains HTML markup ({html.group(0)[:30]})",
                    "it will be shown as plain text; use Markdown instead",
                )
            return text
        if tp is bool:
            if k == "bool":
                return text.lower() == "true"
            c.error("LR202", node, f"{path} must be true or false, not {describe_node(node)}")
            raise Invalid
        if tp in (int, float):
            number = _number(text) if k in ("int", "float", "str") else None
            if number is None or (k == "str" and not _NUMBER.match(text.strip())):
                hint = ""
                if text.strip().endswith("%") and _number(text.strip()[:-1]) is not None:
                    hint = f"write {text.strip()[:-1]} without '%': rates are already percentages"
                elif "/" in text:
                    hint = "write n/N as separate 'n:' and 'N:' fields"
                c.error("LR202", node, f"{path} must be a number, not {describe_node(node)}", hint)
                raise Invalid
            if tp is int:
                if number != int(number):
                    c.error("LR202", node, f"{path} must be a whole number, not {text}")
                    raise Invalid
                return int(number)
            return number
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            c.error("LR204", node, f"{path} must be a date written YYYY-MM-DD, not '{text}'")
            raise Invalid from None

    return convert


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _number(text: str) -> float | None:
    try:
        value = float(text.replace("_", ""))
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def _type_word(tp: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false", dt.date: "a date"}.get(
        tp, "a value"
    )


def _pattern_hint(pattern: str) -> str:
    if pattern == KEY:
        return "use letters, digits, hyphens and underscores, starting with a letter or digit"
    if pattern.startswith("^[a-z0-9][a-z0-9-]"):
        return "use lower-case letters, digits and hyphens, starting with a letter or digit"
    if pattern.startswith("^[a-z0-9][a-z0-9_]"):
        return "use lower-case letters, digits and underscores"
    return "keys use letters, digits and _:.-/"
