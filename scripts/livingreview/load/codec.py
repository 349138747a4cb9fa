"""Parsed files as plain JSON data and back, checked on the way back in.

The parse cache keeps what the loader made of each file (a record, a table, the
references of a BibTeX file, a page's text) between runs. It is written as JSON,
which holds data and nothing else: no class names, no constructors, nothing a
reader of the file could be made to run. Reading it back is driven by the model's
own type hints, like the loader itself (:mod:`.convert`): every value must have the
type its field declares, every vocabulary word must be allowed, every position must
be a pair of whole numbers. A file that does not fit is rejected whole
(:class:`Invalid`), and the cache parses the source again.

Each model object is written as a list of its fields' values in field order, and a
position as a flat list of numbers, so that a large review reads back in a few
hundred milliseconds. Fields marked ``transient`` in their metadata (text derived
on first use) are not kept.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import types
import typing
from collections.abc import Callable
from functools import cache
from typing import Any, Literal, Union

from ..model.codes import CODES
from ..model.records import (
    EndpointVocabulary,
    Flowchart,
    Glossary,
    KeyResults,
    Reference,
    Table,
    Trial,
    hints,
)
from ..model.screening import ScreeningLog, Search
from ..model.where import Mark, Where


class Invalid(ValueError):
    """The data does not have the shape the model needs; the cache entry is not used."""


Decode = Callable[[Any, str], Any]
Encode = Callable[[Any, str], Any]

#: What a parse result can be, by tag: one model object per YAML file, the entries
#: of a BibTeX file, or the text of a Markdown page.
KINDS: dict[str, Any] = {
    "trial": Trial,
    "table": Table,
    "flowchart": Flowchart,
    "endpoints": EndpointVocabulary,
    "glossary": Glossary,
    "key_results": KeyResults,
    "search": Search,
    "screening": ScreeningLog,
    "references": list[Reference],
    "text": str,
}
_TAG = {tp: tag for tag, tp in KINDS.items() if isinstance(tp, type)}


def encode_value(value: Any, file: str) -> Any:
    """A parse result as JSON-ready data: ``[tag, data]``, or None."""
    if value is None:
        return None
    if isinstance(value, list):
        return ["references", encoder(list[Reference])(value, file)]
    tag = _TAG.get(type(value))
    if tag is None:  # pragma: no cover - a loader that returns something new
        raise TypeError(f"cannot keep a {type(value).__name__} in the parse cache")
    return [tag, encoder(KINDS[tag])(value, file)]


def decode_value(data: Any, file: str) -> Any:
    """The parse result :func:`encode_value` wrote; :class:`Invalid` if it does not fit."""
    if data is None:
        return None
    if type(data) is not list or len(data) != 2 or data[0] not in KINDS:
        raise Invalid("not a tagged parse result")
    return decoder(KINDS[data[0]])(data[1], file)


def encode_diagnostics(raw: list[tuple[str, Mark, str, str, str]]) -> list[list[Any]]:
    return [[code, at.file, at.line, at.col, message, hint, subject] for code, at, message, hint, subject in raw]


def decode_diagnostics(data: Any) -> list[tuple[str, Mark, str, str, str]]:
    """Raw diagnostics as :class:`~livingreview.model.diagnostics.Recorder` keeps them."""
    if type(data) is not list:
        raise Invalid("diagnostics are not a list")
    out = []
    for item in data:
        if type(item) is not list or len(item) != 7:
            raise Invalid("a diagnostic is not a list of seven")
        code, file, line, col, message, hint, subject = item
        if code not in CODES or type(line) is not int or type(col) is not int:
            raise Invalid("a diagnostic has an unknown code or a bad position")
        if not all(type(s) is str for s in (file, message, hint, subject)):
            raise Invalid("a diagnostic's text is not text")
        out.append((code, Mark(file, line, col), message, hint, subject))
    return out


# --------------------------------------------------------------------------- plans


def _kept(cls: type) -> list[dataclasses.Field[Any]]:
    return [f for f in dataclasses.fields(cls) if f.init and not f.metadata.get("transient")]


@cache
def encoder(tp: Any) -> Encode:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Where:
        return _encode_where
    if origin in (Union, types.UnionType):
        inner = [encoder(a) for a in args if a is not type(None)]
        listy = [encoder(a) for a in args if typing.get_origin(a) is list]
        scalar = [encoder(a) for a in args if a is not type(None) and typing.get_origin(a) is not list]

        def encode_union(v: Any, file: str) -> Any:
            if v is None:
                return None
            if isinstance(v, list) and listy:
                return listy[0](v, file)
            return (scalar or inner)[0](v, file)

        return encode_union
    if origin is list:
        item = encoder(args[0])
        if item is _same:
            return _same
        return lambda v, file: [item(x, file) for x in v]
    if origin is dict:
        item = encoder(args[1])
        if item is _same:
            return _same
        return lambda v, file: {k: item(x, file) for k, x in v.items()}
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        names = [f.name for f in _kept(tp)]
        parts = [encoder(hints(tp)[n]) for n in names]

        def encode_object(v: Any, file: str) -> Any:
            return [enc(getattr(v, n), file) for n, enc in zip(names, parts, strict=True)]

        return encode_object
    if tp is dt.date:
        return lambda v, file: v.isoformat()
    return _same


def _same(v: Any, file: str) -> Any:
    return v


def _encode_where(w: Where, file: str) -> Any:
    keys = list(w.keys)
    values = list(w.values)
    items = list(w.items)
    return [
        None if w.file == file else w.file,
        [*w.pos],
        keys,
        [n for k in keys for n in w.keys[k]],
        values,
        [n for k in values for n in w.values[k]],
        items,
        [[n for pos in w.items[k] for n in pos] for k in items],
    ]


@cache
def decoder(tp: Any) -> Decode:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Where:
        return _decode_where
    if origin in (Union, types.UnionType):
        return _union(args)
    if origin is Literal:
        allowed = frozenset(args)

        def decode_word(v: Any, file: str) -> Any:
            if type(v) is not str or v not in allowed:
                raise Invalid(f"{v!r} is not one of the allowed words")
            return v

        return decode_word
    if origin is list:
        return _list(args[0])
    if origin is dict:
        return _dict(args[1])
    if dataclasses.is_dataclass(tp):
        return _object(tp)
    return _scalar(tp)


def _union(args: tuple[Any, ...]) -> Decode:
    optional = type(None) in args
    inner = [a for a in args if a is not type(None)]
    listy = [decoder(a) for a in inner if typing.get_origin(a) is list]
    scalar = [decoder(a) for a in inner if typing.get_origin(a) is not list]
    if optional and len(inner) == 1:
        one = decoder(inner[0])
        return lambda v, file: None if v is None else one(v, file)

    def decode_union(v: Any, file: str) -> Any:
        if v is None and optional:
            return None
        if type(v) is list and listy:
            return listy[0](v, file)
        if not scalar:
            raise Invalid("a list was expected")
        return scalar[0](v, file)

    return decode_union


def _list(item_tp: Any) -> Decode:
    if item_tp in (str, float, int):
        want = (float, int) if item_tp is float else (item_tp,)

        def decode_plain_list(v: Any, file: str) -> Any:
            if type(v) is not list or not set(map(type, v)).issubset(want):
                raise Invalid(f"a list of {item_tp.__name__} was expected")
            return [float(x) for x in v] if item_tp is float else v

        return decode_plain_list
    item = decoder(item_tp)

    def decode_list(v: Any, file: str) -> Any:
        if type(v) is not list:
            raise Invalid("a list was expected")
        return [item(x, file) for x in v]

    return decode_list


def _dict(value_tp: Any) -> Decode:
    if value_tp is str:

        def decode_text_map(v: Any, file: str) -> Any:
            if type(v) is not dict or not set(map(type, v.values())).issubset((str,)):
                raise Invalid("a mapping of text was expected")
            return v

        return decode_text_map
    item = decoder(value_tp)
    sets_id = any(f.name == "id" for f in dataclasses.fields(value_tp)) if dataclasses.is_dataclass(value_tp) else False

    def decode_dict(v: Any, file: str) -> Any:
        if type(v) is not dict:
            raise Invalid("a mapping was expected")
        out = {k: item(x, file) for k, x in v.items()}
        if sets_id and any(x.id != k for k, x in out.items()):
            raise Invalid("an entry's id differs from its key")
        return out

    return decode_dict


def _object(cls: Any) -> Decode:
    fields = _kept(cls)
    parts = [decoder(hints(cls)[f.name]) for f in fields]
    size = len(fields)
    init = [f for f in dataclasses.fields(cls) if f.init]
    positional = [f.name for f in init[:size]] == [f.name for f in fields]
    names = [f.name for f in fields]

    def decode_object(v: Any, file: str) -> Any:
        if type(v) is not list or len(v) != size:
            raise Invalid(f"a {cls.__name__} needs {size} values")
        values = [dec(x, file) for dec, x in zip(parts, v, strict=True)]
        if positional:
            return cls(*values)
        return cls(**dict(zip(names, values, strict=True)))  # pragma: no cover - no such class yet

    return decode_object


def _scalar(tp: Any) -> Decode:
    if tp is dt.date:

        def decode_date(v: Any, file: str) -> Any:
            if type(v) is not str:
                raise Invalid("a date was expected")
            try:
                return dt.date.fromisoformat(v)
            except ValueError:
                raise Invalid("a date was expected") from None

        return decode_date
    if tp is float:

        def decode_float(v: Any, file: str) -> Any:
            if type(v) is float:
                return v
            if type(v) is int:
                return float(v)
            raise Invalid("a number was expected")

        return decode_float
    if tp in (str, int, bool):

        def decode_plain(v: Any, file: str) -> Any:
            if type(v) is not tp:
                raise Invalid(f"{tp.__name__} was expected")
            return v

        return decode_plain
    if tp is Any:  # pragma: no cover - no model field is untyped
        raise TypeError("untyped model field")
    raise TypeError(f"the parse cache cannot keep {tp!r}")  # pragma: no cover - a model bug


_INT = (int,)
_STR = (str,)


def _pairs(keys: Any, flat: Any) -> dict[str, tuple[int, int]]:
    """``[k1, k2]`` and ``[l1, c1, l2, c2]`` as ``{k1: (l1, c1), k2: (l2, c2)}``."""
    if type(keys) is not list or type(flat) is not list or len(flat) != 2 * len(keys):
        raise Invalid("positions do not match their keys")
    if not set(map(type, flat)).issubset(_INT) or not set(map(type, keys)).issubset(_STR):
        raise Invalid("positions are not pairs of whole numbers")
    it = iter(flat)
    return dict(zip(keys, zip(it, it, strict=True), strict=True))


def _decode_where(v: Any, file: str) -> Where:
    if type(v) is not list or len(v) != 8:
        raise Invalid("a position record needs eight values")
    own, pos, keys, key_pos, values, value_pos, items, item_pos = v
    if own is not None and type(own) is not str:
        raise Invalid("a file name is not text")
    if type(pos) is not list or len(pos) != 2 or not set(map(type, pos)).issubset(_INT):
        raise Invalid("a position is not a pair of whole numbers")
    lists: dict[str, list[tuple[int, int]]] = {}
    if items:
        if type(items) is not list or type(item_pos) is not list or len(items) != len(item_pos):
            raise Invalid("list positions do not match their keys")
        for key, flat in zip(items, item_pos, strict=True):
            if type(key) is not str or type(flat) is not list or len(flat) % 2:
                raise Invalid("list positions are not pairs of whole numbers")
            if not set(map(type, flat)).issubset(_INT):
                raise Invalid("list positions are not pairs of whole numbers")
            it = iter(flat)
            lists[key] = list(zip(it, it, strict=True))
    elif item_pos:
        raise Invalid("list positions do not match their keys")
    return Where(
        own or file,
        (pos[0], pos[1]),
        _pairs(keys, key_pos) if keys or key_pos else {},
        _pairs(values, value_pos) if values or value_pos else {},
        lists,
    )
