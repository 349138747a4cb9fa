"""Turn located YAML nodes into model instances, reporting every mismatch.

The conversion is driven by the model's type hints and field metadata, the same
information :mod:`livingreview.schema` turns into JSON Schema; there is no
second description of the format to drift from the first.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
import types
import typing
from functools import cache
from typing import Any, Literal, Union

from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostics
from .model import dataclass_fields, yaml_key
from .where import Mark, Where
from .yamlnodes import NULL_TAG, describe_node, mark_of

#: What ``livingreview new`` writes where an editor must fill something in.
PLACEHOLDER = "FILL IN"
_HTML = re.compile(r"<\s*/?\s*[A-Za-z!][^>]*>")
_NUMBER = re.compile(r"^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$")


class Invalid(Exception):
    """Raised inside conversion when a value cannot be used; already reported."""


@cache
def hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def did_you_mean(word: str, options: typing.Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


class Converter:
    """Converts the nodes of one file; collects diagnostics into ``diags``."""

    def __init__(self, file: str, diags: Diagnostics, subject: str = "") -> None:
        self.file = file
        self.diags = diags
        self.subject = subject
        self._active: set[int] = set()

    def error(self, code: str, node: Node, message: str, hint: str = "") -> None:
        self.diags.add(code, mark_of(self.file, node), message, hint, self.subject)

    # ------------------------------------------------------------------ entry point

    def convert(self, tp: Any, node: Node, path: str) -> Any:
        """Convert ``node`` to type ``tp``; raise :class:`Invalid` if it cannot be used."""
        if id(node) in self._active:
            self.error("LR101", node, "YAML aliases that refer to themselves are not supported")
            raise Invalid
        self._active.add(id(node))
        try:
            return self._convert(tp, node, path)
        finally:
            self._active.discard(id(node))

    def _convert(self, tp: Any, node: Node, path: str) -> Any:
        origin = typing.get_origin(tp)
        args = typing.get_args(tp)
        if origin in (Union, types.UnionType):
            inner = [a for a in args if a is not type(None)]
            if isinstance(node, ScalarNode) and node.tag == NULL_TAG:
                return None
            # str | list[str]: the node's own shape decides which one is meant
            listy = [a for a in inner if typing.get_origin(a) is list]
            if listy and isinstance(node, SequenceNode):
                return self._convert(listy[0], node, path)
            scalar = [a for a in inner if typing.get_origin(a) is not list]
            return self._convert((scalar or inner)[0], node, path)
        if origin is Literal:
            return self._literal(args, node, path)
        if origin is list:
            return self._list(args[0], node, path)
        if origin is dict:
            return self._dict(args[1], node, path)
        if dataclasses.is_dataclass(tp):
            return self.mapping(tp, node, path)
        return self._scalar(tp, node, path)

    # ------------------------------------------------------------------ containers

    def mapping(self, cls: Any, node: Node, path: str) -> Any:
        if not isinstance(node, MappingNode):
            self.error("LR202", node, f"{path or 'the file'} must be a mapping, not {describe_node(node)}")
            raise Invalid
        fields = {yaml_key(f): f for f in dataclass_fields(cls)}
        where = Where(mark_of(self.file, node))
        seen: dict[str, Node] = {}
        suggested: set[str] = set()
        values: dict[str, Any] = {}
        failed = False
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if key in seen:
                self.error(
                    "LR103",
                    key_node,
                    f"duplicate key '{key}' (first at line {seen[key].start_mark.line + 1})",
                    "remove one of them",
                )
                failed = True
                continue
            seen[key] = key_node
            if key not in fields:
                if key.startswith("$"):  # editor hints such as $schema
                    continue
                hint = did_you_mean(key, fields)
                if hint:
                    suggested.add(hint.split("'")[1])
                self.error(
                    "LR200",
                    key_node,
                    f"unknown field '{key}'" + (f" in {path}" if path else ""),
                    hint or "allowed: " + ", ".join(fields),
                )
                failed = True
                continue
            where.keys[key] = mark_of(self.file, key_node)
            where.values[key] = mark_of(self.file, value_node)
            if isinstance(value_node, SequenceNode):
                where.items[key] = [mark_of(self.file, item) for item in value_node.value]
            f = fields[key]
            try:
                value = self.convert(hints(cls)[f.name], value_node, _join(path, key))
            except Invalid:
                failed = True
                continue
            self._check_meta(f, value, value_node, _join(path, key))
            values[f.name] = value
        for key, f in fields.items():
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            if required and f.name not in values and key not in seen:
                failed = True
                if key in suggested:
                    continue  # the misspelt key is already reported with this name as its hint
                self.error(
                    "LR201",
                    node,
                    f"missing required field '{key}'" + (f" in {path}" if path else ""),
                    f"add '{key}:', {f.metadata['doc'].rstrip('.')}",
                )
        if failed:
            raise Invalid
        return cls(**values, where=where)

    def _list(self, item_tp: Any, node: Node, path: str) -> list[Any]:
        if not isinstance(node, SequenceNode):
            if isinstance(node, ScalarNode) and item_tp is str and node.tag != NULL_TAG:
                self.error(
                    "LR202",
                    node,
                    f"{path} must be a list, not {describe_node(node)}",
                    f"write it as a list: [{node.value}]",
                )
            else:
                self.error("LR202", node, f"{path} must be a list, not {describe_node(node)}")
            raise Invalid
        out: list[Any] = []
        failed = False
        for i, item in enumerate(node.value):
            try:
                out.append(self.convert(item_tp, item, f"{path}[{i}]"))
            except Invalid:
                failed = True
        if failed:
            raise Invalid
        return out

    def _dict(self, value_tp: Any, node: Node, path: str) -> dict[str, Any]:
        if not isinstance(node, MappingNode):
            self.error("LR202", node, f"{path} must be a mapping, not {describe_node(node)}")
            raise Invalid
        out: dict[str, Any] = {}
        failed = False
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in out:
                self.error("LR103", key_node, f"duplicate key '{key}'", "remove one of them")
                failed = True
                continue
            try:
                value = self.convert(value_tp, value_node, _join(path, key))
            except Invalid:
                failed = True
                continue
            if hasattr(value, "id") and not value.id:
                value.id = key
            out[key] = value
        if failed:
            raise Invalid
        return out

    # ------------------------------------------------------------------ scalars

    def _literal(self, options: tuple[Any, ...], node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.error("LR202", node, f"{path} must be one of {_options(options)}, not {describe_node(node)}")
            raise Invalid
        value = str(node.value)
        if value in options:
            return value
        hint = did_you_mean(value, options) or f"use one of {_options(options)}"
        self.error("LR203", node, f"'{value}' is not an allowed value for {path}", hint)
        raise Invalid

    def _scalar(self, tp: Any, node: Node, path: str) -> Any:
        if not isinstance(node, ScalarNode):
            self.error("LR202", node, f"{path} must be {_type_word(tp)}, not {describe_node(node)}")
            raise Invalid
        text = str(node.value)
        tag = node.tag or ""
        if PLACEHOLDER in text:
            self.error("LR209", node, f"{path} still holds the placeholder '{text[:50]}'", "fill it in")
            if tp is not str:
                raise Invalid
            return text
        if tag == NULL_TAG:
            self.error("LR202", node, f"{path} must be {_type_word(tp)}, not empty", "fill it in or remove the key")
            raise Invalid
        if tp is str:
            if tag.endswith(":bool"):
                self.error("LR202", node, f"{path} must be text, not true/false", f"quote it: '{text}'")
                raise Invalid
            if _HTML.search(text):
                self.error(
                    "LR208",
                    node,
                    f"{path} contains HTML markup ({_HTML.search(text).group(0)[:30]})",  # type: ignore[union-attr]
                    "it will be shown as plain text; use Markdown instead",
                )
            return text
        if tp is bool:
            if tag.endswith(":bool"):
                return text.lower() == "true"
            self.error("LR202", node, f"{path} must be true or false, not {describe_node(node)}")
            raise Invalid
        if tp in (int, float):
            number = _number(text) if (tag.endswith((":int", ":float")) or tag.endswith(":str")) else None
            if number is None or (tag.endswith(":str") and not _NUMBER.match(text.strip())):
                hint = ""
                if text.strip().endswith("%") and _number(text.strip()[:-1]) is not None:
                    hint = f"write {text.strip()[:-1]} without '%': rates are already percentages"
                elif "/" in text:
                    hint = "write n/N as separate 'n:' and 'N:' fields"
                self.error("LR202", node, f"{path} must be a number, not {describe_node(node)}", hint)
                raise Invalid
            if tp is int:
                if number != int(number):
                    self.error("LR202", node, f"{path} must be a whole number, not {text}")
                    raise Invalid
                return int(number)
            return number
        if tp is dt.date:
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                self.error("LR204", node, f"{path} must be a date written YYYY-MM-DD, not '{text}'")
                raise Invalid from None
        raise AssertionError(f"unsupported type {tp!r}")  # pragma: no cover - model bug

    def _check_meta(self, f: dataclasses.Field[Any], value: Any, node: Node, path: str) -> None:
        meta = f.metadata
        items = value if isinstance(value, list) else [value]
        nodes = node.value if isinstance(node, SequenceNode) else [node]
        for item, item_node in zip(items, nodes, strict=False):
            if meta.get("pattern") and isinstance(item, str) and not re.match(meta["pattern"], item):
                self.error("LR204", item_node, f"'{item}' is not a valid {path}", _pattern_hint(meta["pattern"]))
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                if meta.get("minimum") is not None and item < meta["minimum"]:
                    self.error("LR205", item_node, f"{path} is {_fmt(item)}, less than {_fmt(meta['minimum'])}")
                if meta.get("exclusive_minimum") is not None and item <= meta["exclusive_minimum"]:
                    code = "LR405" if meta["exclusive_minimum"] == 0 else "LR205"
                    self.error(
                        code,
                        item_node,
                        f"{path} is {_fmt(item)}; it must be greater than {_fmt(meta['exclusive_minimum'])}",
                    )


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


def _options(options: tuple[Any, ...]) -> str:
    return ", ".join(f"'{o}'" for o in options)


def _type_word(tp: Any) -> str:
    return {str: "text", int: "a whole number", float: "a number", bool: "true or false", dt.date: "a date"}.get(
        tp, "a value"
    )


def _pattern_hint(pattern: str) -> str:
    if pattern.startswith("^[a-z0-9]"):
        return "use lower-case letters, digits and hyphens, starting with a letter or digit"
    if pattern.startswith("^[a-z0-9_]") or "_]*$" in pattern:
        return "use lower-case letters, digits and underscores"
    return "keys use letters, digits and _:.-/"


def checked_mark(where: Where, key: str) -> Mark:
    return where.value(key)
