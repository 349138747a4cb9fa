"""Citations in free text, and "did you mean" suggestions for keys and endpoints."""

from __future__ import annotations

import dataclasses
import difflib
import re
import typing
from collections.abc import Iterator
from typing import Any

from ..model.diagnostics import Diagnostics
from ..model.records import CITE_KEY, dataclass_fields, hints, yaml_key
from ..model.review import Review
from ..model.where import Mark, Where
from ..text import cite


def suggest(key: str, keys: list[str]) -> str:
    """A "did you mean" for a mistyped key: close spelling first, then same author and year."""
    close = difflib.get_close_matches(key, keys, n=1, cutoff=0.75)
    if not close:
        stem = re.match(r"[A-Za-z]+\d{0,4}", key)
        if stem:
            same = sorted(k for k in keys if k.lower().startswith(stem.group(0).lower()))
            close = same[:1] or difflib.get_close_matches(key, keys, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'?" if close else "add the entry to a file in references/"


_CITE_KEY = re.compile(CITE_KEY)


def resolve_key(review: Review, key: str, at: Mark, diags: Diagnostics, subject: str) -> None:
    if key in review.references:
        return
    if not _CITE_KEY.match(key):
        # Pandoc reads it (a letter outside ASCII, say), but no entry here can have it
        ascii_key = "".join(c for c in _unaccented(key) if c.isascii())
        diags.add(
            "LR316",
            at,
            f"citation key '{key}' is outside the BibTeX key grammar",
            suggest(ascii_key, sorted(review.references)) if ascii_key else "keys use ASCII letters and digits",
            subject=subject,
        )
    else:
        diags.add(
            "LR310",
            at,
            f"unknown citation key '{key}'",
            suggest(key, sorted(review.references)),
            subject=subject,
        )


def check_text(
    review: Review, text: str, at: Mark, diags: Diagnostics, subject: str = "", exact: bool = False
) -> set[str]:
    """Citations in Markdown text; ``exact`` means the text starts at line 1 of the file."""
    if "@" not in text:
        return set()
    good, bad = cite.scan(text)
    keys: set[str] = set()

    def pos(line: int, col: int) -> Mark:
        return Mark(at.file, line, col) if exact else at

    for b in bad:
        diags.add("LR311", pos(b.line, b.col), f"malformed citation {b.text}: {b.reason}", subject=subject)
    for c in good:
        for item in c.items:
            keys.add(item.key)
            resolve_key(review, item.key, pos(c.line, c.col), diags, subject)
    for key, line, col in cite.bare_keys(text):
        if key in review.references:
            diags.add(
                "LR317",
                pos(line, col),
                f"'@{key}' stands bare in the text: Pandoc reads it as a citation, this site shows it as text",
                f"write [@{key}] to cite it, or \\@{key} to show the @",
                subject=subject,
            )
    return keys


def _unaccented(text: str) -> str:
    import unicodedata

    return unicodedata.normalize("NFKD", text)


TEXT_FIELDS = ("summary", "note", "notes", "slip", "description", "detail")


_TextPlan = tuple[tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]
_TEXT_PLANS: dict[type, _TextPlan] = {}


def _text_plan(cls: type) -> _TextPlan:
    """For a model class: its free-text fields (attribute, YAML key), and the fields
    holding one nested record or a list of them; worked out once per class."""
    if cls not in _TEXT_PLANS:
        texts, one, many = [], [], []
        types = hints(cls)
        for f in dataclass_fields(cls):
            tp = types[f.name]
            inner = [a for a in typing.get_args(tp) if a is not type(None)] or [tp]
            if f.name in TEXT_FIELDS:
                texts.append((f.name, yaml_key(f)))
            elif typing.get_origin(tp) is list and dataclasses.is_dataclass(typing.get_args(tp)[0]):
                many.append(f.name)
            elif any(isinstance(a, type) and dataclasses.is_dataclass(a) for a in inner):
                one.append(f.name)
        _TEXT_PLANS[cls] = (tuple(texts), tuple(one), tuple(many))
    return _TEXT_PLANS[cls]


def text_fields(obj: Any) -> Iterator[tuple[str, Where, str]]:
    """(text, where, key) for every free-text field of a record, nested ones included."""
    texts, one, many = _text_plan(type(obj))
    for name, key in texts:
        value = getattr(obj, name)
        if value:
            yield value, obj.where, key
    for name in one:
        value = getattr(obj, name)
        if value is not None:
            yield from text_fields(value)
    for name in many:
        for item in getattr(obj, name):
            yield from text_fields(item)


def suggest_endpoint(name: str, names: list[str]) -> str:
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else "see content/endpoints.yaml for the vocabulary"
