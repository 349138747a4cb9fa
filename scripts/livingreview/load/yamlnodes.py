"""Reading YAML files into located nodes, with editor-friendly syntax errors.

The loader works on composed nodes rather than constructed Python objects: a node
knows where it stands, composing is cheaper than round-trip construction, and
duplicate keys are left for us to report instead of silently overwritten.
"""

from __future__ import annotations

import io
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import VersionedResolver

from ..model.diagnostics import Diagnostics
from ..model.where import Mark

NULL_TAG = "tag:yaml.org,2002:null"


class _Resolver(VersionedResolver):
    """Leaves every plain scalar untyped (``str``): the converter types it by the field
    that receives it, with the YAML 1.2 core rules in :func:`kind`. ruamel's own
    resolver works out the YAML version and runs its regular expressions for every
    scalar, which at scale costs more than reading the file."""

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode:
            return self.DEFAULT_SCALAR_TAG
        if kind is SequenceNode:
            return self.DEFAULT_SEQUENCE_TAG
        return self.DEFAULT_MAPPING_TAG


def _loader(pure: bool) -> YAML:
    yaml = YAML(typ="safe", pure=pure)
    yaml.Resolver = _Resolver
    return yaml


#: The pure-Python composer words syntax errors the way the messages below expect, and
#: stands in for libyaml where ruamel.yaml.clib is not installed.
_pure = _loader(pure=True)

try:
    from ruamel.yaml import cyaml

    CParser: Any = getattr(cyaml, "CParser")  # noqa: B009 - libyaml, from ruamel.yaml.clib; not re-exported for mypy
except ImportError:  # pragma: no cover - ruamel.yaml.clib is a dependency
    CParser = None


if CParser is not None:

    class _Composer(CParser, _Resolver):  # type: ignore[misc,valid-type]
        """libyaml's composer with the resolver above, and nothing else.

        ``YAML.compose`` builds a new loader class on every call and its loaders refer
        to themselves; each one, with the text it read, lives on until the garbage
        collector runs, and loading pauses the collector. This one holds no cycle, so
        it is freed as soon as the node tree is composed.
        """

        def __init__(self, text: str) -> None:
            CParser.__init__(self, text)
            _Resolver.__init__(self)


def _compose_fast(text: str) -> Node | None:
    """Compose with libyaml (ten times faster than pure Python) when it is installed."""
    if CParser is None:  # pragma: no cover
        return _pure.compose(io.StringIO(text))  # type: ignore[no-any-return]
    composer = _Composer(text)
    try:
        return composer.get_single_node()  # type: ignore[no-any-return]
    finally:
        composer.dispose()


STR_TAG = "tag:yaml.org,2002:str"
_INT = re.compile(r"^[-+]?[0-9][0-9_]*$|^0o[0-7_]+$|^0x[0-9a-fA-F_]+$")
_FLOAT = re.compile(
    r"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$"
)
_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ].*)?$")


def tag_of(node: Node) -> str:
    """A node's tag as text, without rebuilding it on every access."""
    ctag = node.ctag
    if ctag is None:
        return ""
    if ctag.handle is None and isinstance(ctag.suffix, str):
        return ctag.suffix
    return str(ctag)


@lru_cache(maxsize=4096)
def _plain_kind(value: str) -> str:
    if value in ("", "~", "null", "Null", "NULL"):
        return "null"
    if value in ("true", "True", "TRUE", "false", "False", "FALSE"):
        return "bool"
    if _INT.match(value):
        return "int"
    if _FLOAT.match(value):
        return "float"
    if _TIMESTAMP.match(value):
        return "timestamp"
    return "str"


def kind(node: Node) -> str:
    """What a node holds, by YAML 1.2's core schema: map, seq, null, bool, int, float,
    timestamp or str. Quoted and block scalars are always text; explicit tags win."""
    if isinstance(node, MappingNode):
        return "map"
    if isinstance(node, SequenceNode):
        return "seq"
    tag = tag_of(node)
    if tag != STR_TAG:
        return tag.rsplit(":", 1)[-1] or "str"
    if getattr(node, "style", None):  # quoted or block: libyaml says '' for plain, pure Python None
        return "str"
    return _plain_kind(str(node.value))


def mark_of(file: str, node: Node) -> Mark:
    m = node.start_mark
    return Mark(file, m.line + 1, m.column + 1)


def read_text(path: Path, file: str, diags: Diagnostics) -> str | None:
    """Read a file as UTF-8, reporting the first undecodable byte's position."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        diags.add(
            "LR100",
            Mark(file, line, col),
            f"byte 0x{data[exc.start]:02x} is not valid UTF-8",
            "save the file with UTF-8 encoding",
        )
        return None
    return text.removeprefix("\ufeff")


_SYNTAX_HINTS: list[tuple[re.Pattern[str], str, str, bool]] = [
    # (pattern on the parser's message, our message, hint, point at the context mark)
    (
        re.compile(r"while scanning a quoted scalar"),
        "a quoted text is never closed",
        "add the closing quote",
        True,
    ),
    (
        re.compile(r"while parsing a flow sequence"),
        "a list opened with '[' is never closed",
        "add the closing ']' or a comma between items",
        True,
    ),
    (
        re.compile(r"while parsing a flow mapping"),
        "a mapping opened with '{' is never closed",
        "add the closing '}' or a comma between entries",
        True,
    ),
    (
        re.compile(r"mapping values are not allowed here"),
        "unexpected ':' (a key cannot follow a value on the same line, or the line is indented too far)",
        "indent this line like the keys above it, or quote the text if it contains ': '",
        False,
    ),
    (
        re.compile(r"expected <block end>, but found"),
        "this line is indented differently from the lines around it",
        "align it with its siblings using spaces",
        False,
    ),
    (
        re.compile(r"could not find expected ':'"),
        "a key is missing its ':'",
        "write 'key: value'",
        True,
    ),
]


def compose(text: str, file: str, diags: Diagnostics) -> Node | None:
    """Compose one YAML document; report syntax problems and return None on failure."""
    if not text.strip() or all(not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()):
        diags.add("LR102", Mark(file, 1, 1), "the file holds no data", "fill it in or delete it")
        return None
    tab = _leading_tab(text)
    if tab:
        diags.add("LR104", Mark(file, *tab), "tab used for indentation", "indent with spaces")
        return None
    try:
        node: Node | None = _compose_fast(text)
    except (YAMLError, ValueError, UnicodeError):  # libyaml's wording differs; ask the pure parser
        node = _compose_pure(text, file, diags)
        if node is None:
            return None
    except RecursionError:
        diags.add("LR101", Mark(file, 1, 1), "the document is nested too deeply")
        return None
    if node is None or (isinstance(node, ScalarNode) and kind(node) == "null"):
        diags.add("LR102", Mark(file, 1, 1), "the file holds no data", "fill it in or delete it")
        return None
    return node


def _compose_pure(text: str, file: str, diags: Diagnostics) -> Node | None:
    """Compose again in pure Python, for its exact error (or its result, should it succeed)."""
    try:
        node: Node | None = _pure.compose(io.StringIO(text))
    except MarkedYAMLError as exc:
        diags.add("LR101", *(_unclosed_quote(text, file, exc) or _describe(exc, file)))
        return None
    except YAMLError as exc:  # pragma: no cover - ruamel raises Marked errors for syntax
        diags.add("LR101", Mark(file, 1, 1), str(exc).splitlines()[0])
        return None
    except RecursionError:
        diags.add("LR101", Mark(file, 1, 1), "the document is nested too deeply")
        return None
    return node


def _leading_tab(text: str) -> tuple[int, int] | None:
    """Position of a tab in a line's indentation, which YAML forbids."""
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        col = line.find("\t", 0, indent)
        if col >= 0 and line.strip():
            return number, col + 1
    return None


_QUOTED_START = re.compile(r"""^\s*(?:-\s+)?(?:[^\s#'"][^:#]*:\s+)?(["'])""")


def _unclosed_quote(text: str, file: str, exc: MarkedYAMLError) -> tuple[Mark, str, str] | None:
    """A quoted value left open on its line, before the point where parsing failed.

    YAML lets quoted text run over several lines, so the parser stumbles far from
    the missing quote; on failure, point at the line where the quote was opened.
    """
    mark = exc.problem_mark or exc.context_mark
    stop = (getattr(mark, "line", 0) or 0) + 1
    for number, line in enumerate(text.splitlines()[:stop], start=1):
        m = _QUOTED_START.match(line)
        if not m:
            continue
        quote, rest = m.group(1), line[m.end() :]
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        if not closed:
            return (
                Mark(file, number, m.end()),
                "a quoted text is never closed",
                f"add the closing {quote} at the end of the value",
            )
    return None


def _describe(exc: MarkedYAMLError, file: str) -> tuple[Mark, str, str]:
    problem = exc.problem or "the YAML parser stopped"
    text = f"{exc.context or ''} {problem}"
    problem_mark = exc.problem_mark or exc.context_mark
    for pattern, message, hint, use_context in _SYNTAX_HINTS:
        if pattern.search(text):
            m = exc.context_mark if (use_context and exc.context_mark) else problem_mark
            return _mark(file, m), message, hint
    if "\t" in problem or "'\\t'" in problem:
        return _mark(file, problem_mark), "tab character where YAML does not allow one", "use spaces"
    return _mark(file, problem_mark), problem, ""


def _mark(file: str, m: object) -> Mark:
    if m is None:
        return Mark(file, 1, 1)
    return Mark(file, getattr(m, "line", 0) + 1, getattr(m, "column", 0) + 1)


def scalar_text(node: Node) -> str:
    return str(node.value) if isinstance(node, ScalarNode) else ""


def describe_node(node: Node) -> str:
    """How a node reads in a message: "text 'abc'", "a list", "a mapping"."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    tag = kind(node)
    words = {"str": "text", "int": "a number", "float": "a number", "bool": "true/false", "null": "empty"}
    value = str(node.value)
    if len(value) > 40:
        value = value[:37] + "..."
    return f"{words.get(tag, tag)} '{value}'" if tag != "null" else "empty"
