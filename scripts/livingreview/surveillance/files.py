"""Searches and screening logs written back as YAML, in the layout ``livingreview fmt`` keeps.

Files are read and written with ruamel.yaml's round-trip mode, so a decision recorded
from the command line leaves every comment and every other entry as the editor wrote it.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..model.schema import SCHEMA_BASE
from ..model.screening import Duplicate, Entry, Search

SEARCHES = "content/searches"
SCREENING = "content/screening"
#: Lists short enough to read on one line.
_FLOW = ("authors", "registry", "records", "reviews")


def yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 100
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _value(key: str, value: Any) -> Any:
    if isinstance(value, list) and key in _FLOW:
        seq = CommentedSeq(value)
        seq.fa.set_flow_style()
        return seq
    return value


def as_map(obj: Entry | Duplicate | Search, skip: tuple[str, ...] = ()) -> CommentedMap:
    """The fields of ``obj`` that say something, in the model's key order."""
    out = CommentedMap()
    for key in type(obj).key_order:
        if key in skip:
            continue
        value = getattr(obj, key)
        if value is None or value == [] or (key == "kind" and value == "publication"):
            continue
        if key == "duplicates":
            value = [as_map(d) for d in value]
        out[key] = _value(key, value)
    return out


def _text(data: CommentedMap) -> str:
    """``data`` as YAML, without the space ruamel leaves where it folds a long line (as fmt does)."""
    buf = io.StringIO()
    yaml().dump(data, buf)
    return "\n".join(line.rstrip() for line in buf.getvalue().splitlines()) + "\n"


def dump(data: CommentedMap, schema: str) -> str:
    return f"# yaml-language-server: $schema={SCHEMA_BASE}{schema}\n" + _text(data)


def search_text(search: Search) -> str:
    return dump(as_map(search), "search.schema.json")


def log_text(search_id: str, entries: list[Entry]) -> str:
    data = CommentedMap()
    data["schema_version"] = 1
    data["search"] = search_id
    data["entries"] = CommentedMap((e.id, as_map(e, skip=("id",))) for e in entries)
    if not entries:
        data["entries"] = CommentedMap()
    return dump(data, "screening.schema.json")


def load_map(path: Path) -> CommentedMap:
    data = yaml().load(path.read_text(encoding="utf-8"))
    assert isinstance(data, CommentedMap)
    return data


def save_map(path: Path, data: CommentedMap) -> None:
    path.write_text(_text(data), encoding="utf-8")
