"""``livingreview fmt``: one layout for every YAML file, comments kept.

Keys are put in the order the model declares them (identity first, results last),
indentation and line width are made uniform, and everything else an editor wrote
stays: comments, quoting, flow or block style. The round trip is ruamel.yaml's, so
the formatter never changes a value. Formatting twice gives the same file.
"""

from __future__ import annotations

import dataclasses
import io
import types
import typing
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from ..model.records import (
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
from ..model.screening import ScreeningLog, Search

FOLDERS: dict[str, type] = {
    "content/trials": Trial,
    "content/tables": Table,
    "content/flowcharts": Flowchart,
    "content/searches": Search,
    "content/screening": ScreeningLog,
}
FILES: dict[str, type] = {
    "content/endpoints.yaml": EndpointVocabulary,
    "content/glossary.yaml": Glossary,
    "content/key-results.yaml": KeyResults,
}


def _yaml() -> YAML:
    yaml = YAML()
    yaml.preserve_quotes = True
    yaml.width = 100
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _inner(tp: Any) -> Any:
    origin = typing.get_origin(tp)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        return _inner(args[0]) if len(args) == 1 else tp
    return tp


def key_order(cls: type) -> list[str]:
    declared = [yaml_key(f) for f in dataclass_fields(cls)]
    preferred = list(getattr(cls, "key_order", ()))
    return [k for k in preferred if k in declared] + [k for k in declared if k not in preferred]


def reorder(node: Any, cls: Any, memo: dict[int, Any] | None = None) -> Any:
    """Put a mapping's keys in the model's order, recursively; unknown keys keep their place at the end.

    ``memo`` keeps YAML aliases pointing at one shared (reordered) node.
    """
    memo = {} if memo is None else memo
    if id(node) in memo:
        return memo[id(node)]
    result = _reorder(node, cls, memo)
    memo[id(node)] = result
    return result


def _reorder(node: Any, cls: Any, memo: dict[int, Any]) -> Any:
    tp = _inner(cls)
    origin = typing.get_origin(tp)
    if origin is list and isinstance(node, CommentedSeq):
        item = typing.get_args(tp)[0]
        for i, value in enumerate(node):
            node[i] = reorder(value, item, memo)
        return node
    if origin is dict and isinstance(node, CommentedMap):
        value_tp = typing.get_args(tp)[1]
        for key in list(node):
            node[key] = reorder(node[key], value_tp, memo)
        return node
    if not (isinstance(tp, type) and dataclasses.is_dataclass(tp) and isinstance(node, CommentedMap)):
        return node
    fields = {yaml_key(f): hints(tp)[f.name] for f in dataclass_fields(tp)}
    keys = list(node)
    wanted = [k for k in key_order(tp) if k in node] + [k for k in keys if k not in fields]
    for key in keys:
        if key in fields:
            node[key] = reorder(node[key], fields[key], memo)
    if wanted == keys:
        return node
    out = CommentedMap()
    node.copy_attributes(out)
    if node.anchor.value:
        out.yaml_set_anchor(node.anchor.value, always_dump=True)
    for key in wanted:
        out[key] = node[key]
        if key in node.ca.items:
            out.ca.items[key] = node.ca.items[key]
    if node.fa.flow_style():
        out.fa.set_flow_style()
    return out


def format_text(text: str, cls: type) -> str:
    """The file's text in the standard layout (raises YAMLError on invalid YAML)."""
    yaml = _yaml()
    data = yaml.load(text)
    if not isinstance(data, CommentedMap):
        return text
    data = reorder(data, cls)
    buf = io.StringIO()
    yaml.dump(data, buf)
    out = buf.getvalue()
    # ruamel leaves a space where it folds a long line; drop it when that changes no value
    stripped = "\n".join(line.rstrip() for line in out.splitlines()) + "\n"
    safe = YAML(typ="safe", pure=True)
    if stripped != out and safe.load(stripped) == safe.load(out):
        return stripped
    return out


def targets(root: Path) -> list[tuple[Path, type]]:
    files = [(root / rel, cls) for rel, cls in FILES.items() if (root / rel).is_file()]
    for folder, cls in FOLDERS.items():
        files += [(p, cls) for p in sorted((root / folder).glob("*.yaml"))]
    return files


def run(root: Path, check: bool, paths: list[Path] | None = None) -> tuple[list[Path], list[str]]:
    """Format files in place (or only report, with ``check``); returns (changed, problems)."""
    changed: list[Path] = []
    problems: list[str] = []
    chosen = targets(root)
    if paths:
        wanted = {p.resolve() for p in paths}
        chosen = [(p, c) for p, c in chosen if p.resolve() in wanted]
    for path, cls in chosen:
        rel = path.relative_to(root).as_posix()
        try:
            text = path.read_text(encoding="utf-8")
            new = format_text(text, cls)
        except (UnicodeDecodeError, YAMLError) as exc:
            problems.append(
                f"{rel}: not formatted, the file does not parse ({str(exc).splitlines()[0]}); "
                "run livingreview check for details"
            )
            continue
        if new != text:
            changed.append(path)
            if not check:
                path.write_text(new, encoding="utf-8")
    return changed, problems
