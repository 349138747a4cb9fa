"""Markdown that becomes HTML on the site, made safe by nh3 and reported where it was written.

The site's engines turn Markdown into HTML themselves, so what the tool hands them is
Markdown. To know what that Markdown will become, :func:`sanitize` renders it with
Python-Markdown and the site's own extensions (:data:`EXTENSIONS`, the same list as
``mkdocs.yml``; a test holds them equal), and asks nh3 (the Rust sanitizer ammonia)
to clean the HTML against the site's allow-list (:data:`POLICY`). When nh3 changes
nothing, the Markdown is handed on as it is: this is the common case, and the built
pages stay byte for byte what they were. When nh3 removes something (an element, an
attribute, a link), each removal is traced back to where it stands in the source, the
construct is neutralised there (the element's ``<`` written as ``&lt;`` so that it reads
as text, the attribute deleted, the link's ``]`` escaped so that it reads as text), and
the result is rendered and cleaned again: it must now come through nh3 unchanged, or the
whole text is turned into plain text. So nh3 decides what is allowed, and the page the
engine builds holds only what nh3 would have kept.

What the site allows: Markdown, and the plain HTML elements it produces (paragraphs,
headings, lists, tables, links, emphasis, code, admonitions, details, abbreviations),
with the site's own classes (``lr-*``, admonitions, Material's buttons); no script,
style, iframe, object, embed or form; no event handler, no ``style`` attribute (which
can hide content, and which the Content Security Policy would block anyway); links and
images to http, https and mailto addresses and to relative addresses only.

May use: the standard library, Python-Markdown and its pymdown extensions, nh3.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

import markdown
import nh3

from .cite import _masked

#: The Markdown extensions the site's engines use, with their settings (mkdocs.yml).
EXTENSIONS: list[Any] = [
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "md_in_html",
    "tables",
    "toc",
    "pymdownx.details",
    "pymdownx.superfences",
]
EXTENSION_CONFIGS: dict[str, dict[str, Any]] = {
    "tables": {"use_align_attribute": True},
    "toc": {"permalink": True},
}

TAGS = frozenset(
    [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "details",
        "dfn",
        "div",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "kbd",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "samp",
        "small",
        "span",
        "strong",
        "sub",
        "summary",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "time",
        "tr",
        "u",
        "ul",
        "var",
    ]
)
ATTRIBUTES: dict[str, set[str]] = {
    "*": {"id", "class", "title", "lang"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan", "scope"},
    "ol": {"start"},
    "time": {"datetime"},
    "details": {"open"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
#: Classes of Material's admonitions and details (types, aliases and modifiers).
ADMONITIONS = frozenset(
    [
        "admonition",
        "admonition-title",
        "note",
        "abstract",
        "summary",
        "tldr",
        "info",
        "todo",
        "tip",
        "hint",
        "important",
        "success",
        "check",
        "done",
        "question",
        "help",
        "faq",
        "warning",
        "caution",
        "attention",
        "failure",
        "fail",
        "missing",
        "danger",
        "error",
        "bug",
        "example",
        "quote",
        "cite",
        "inline",
        "end",
    ]
)
#: Classes of the theme that pages may use: header permalinks, buttons, highlighted code.
THEME_CLASSES = frozenset({"headerlink", "md-button", "md-button--primary", "highlight", "highlighttable", "linenos"})
#: Pygments' token classes ("k", "nf", "s2"...), on the spans of highlighted code.
_TOKEN = re.compile(r"^[A-Za-z]{1,3}[0-9]?$")
#: Ids must not start with an underscore: the theme's own elements have ids like ``__config``
#: and ``__search``, and a page's element with one of them could stand in for the theme's.
_ID = re.compile(r"^(?!_)[\w.:-]+$")


def _allowed_class(tag: str, name: str) -> bool:
    if name.startswith("lr-") or name in ADMONITIONS or name in THEME_CLASSES:
        return True
    if tag == "code":
        return name.startswith("language-")
    return tag == "span" and bool(_TOKEN.match(name))


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "class":
        kept = " ".join(c for c in value.split() if _allowed_class(tag, c))
        return kept or None
    if attribute == "id":
        return value if _ID.match(value) else None
    return value


#: Everything nh3 is told; :func:`clean` uses it, and the tests read it.
POLICY: dict[str, Any] = {
    "tags": set(TAGS),
    "clean_content_tags": {"script", "style"},
    "attributes": ATTRIBUTES,
    "attribute_filter": _filter,
    "url_schemes": set(URL_SCHEMES),
    "link_rel": None,
    "strip_comments": False,
}


def clean(fragment: str) -> str:
    """An HTML fragment as nh3 leaves it under the site's policy."""
    return nh3.clean(fragment, **POLICY)


@functools.cache
def _renderer() -> markdown.Markdown:
    return markdown.Markdown(extensions=EXTENSIONS, extension_configs=EXTENSION_CONFIGS)


def render(text: str) -> str:
    """Markdown as the site's engines turn it into HTML."""
    md = _renderer()
    md.reset()
    return str(md.convert(text))


# --------------------------------------------------------------------------- what nh3 removed


@dataclass(frozen=True)
class Removed:
    """One construct nh3 removed; ``line`` and ``col`` count from 1 in the text."""

    code: str
    line: int
    col: int
    message: str


@dataclass(frozen=True)
class _Change:
    kind: str  # "element", "attribute", "class" or "url"
    tag: str
    name: str  # the attribute (or removed class) for attributes and classes
    value: str


class _StartTags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    handle_startendtag = handle_starttag


def _start_tags(fragment: str) -> list[tuple[str, dict[str, str]]]:
    parser = _StartTags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


#: How far ahead in nh3's output to look for an element: its HTML5 tree builder may
#: insert elements the fragment implied (a ``tbody``, a closing ``p``).
_WINDOW = 4


def changes(before: str, after: str) -> list[_Change]:
    """What nh3 removed from ``before`` to give ``after``, in document order."""
    old, new = _start_tags(before), _start_tags(after)
    out: list[_Change] = []
    j = 0
    for tag, attrs in old:
        match = next((k for k in range(j, min(j + _WINDOW, len(new))) if new[k][0] == tag), None)
        if match is None:
            out.append(_Change("element", tag, "", ""))
            continue
        kept = new[match][1]
        j = match + 1
        for name, value in attrs.items():
            if name == "class" and name in kept:
                gone = [c for c in value.split() if c not in kept[name].split()]
                out += [_Change("class", tag, c, value) for c in gone]
            elif name not in kept:
                kind = "url" if name in ("href", "src") else ("class" if name == "class" else "attribute")
                if kind == "class":
                    out += [_Change("class", tag, c, value) for c in value.split()]
                else:
                    out.append(_Change(kind, tag, name, value))
    return out


# --------------------------------------------------------------------------- back to the source


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_ATTR_VALUE = r"""\s*(?:=\s*(?:"[^"]*"|'[^']*'|[^\s"'=<>`}]+))?"""


def _locate(masked: str, change: _Change, start: int) -> re.Match[str] | None:
    """Where ``change`` stands in the (code-masked) source, searching from ``start``."""
    if change.kind == "element":
        pattern = rf"<{re.escape(change.tag)}(?=[\s/>])"
    elif change.kind == "attribute":
        pattern = rf"(?<![\w-]){re.escape(change.name)}{_ATTR_VALUE}"
    elif change.kind == "class":
        pattern = rf"(?<![\w-])\.?{re.escape(change.name)}(?![\w-])"
    else:
        # A link's address: the same text may stand where it is no link (in an element that
        # goes anyway, in a link already made text), so the first place that links wins.
        found = re.compile(re.escape(change.value), re.I).finditer(masked, start)
        return next((m for m in found if _links(masked, m.start())), None)
    return re.compile(pattern, re.I).search(masked, start)


def _links(masked: str, at: int) -> bool:
    """Whether the address at ``at`` is a link's: ``](url``, ``]: url`` or an allowed
    element's ``href=`` or ``src=``."""
    before = masked[:at].rstrip(" \t<")
    if before.endswith("](") or re.search(r"^ {0,3}\[[^\]\n]+\]:$", before[before.rfind("\n") + 1 :]):
        return True
    tag = re.search(r"<([A-Za-z][\w-]*)\b[^<>]*?\s(?:href|src)\s*=\s*[\"']?$", masked[:at])
    return tag is not None and tag.group(1).lower() in TAGS


def _describe(change: _Change) -> tuple[str, str]:
    if change.kind == "element":
        return "LR212", f"<{change.tag}> is not allowed on the site; it is shown as text"
    if change.kind == "attribute":
        return "LR213", f"the attribute '{change.name}' on <{change.tag}> is not allowed; it is removed"
    if change.kind == "class":
        return "LR213", f"the class '{change.name}' on <{change.tag}> is not one of the site's; it is removed"
    shown = change.value if len(change.value) <= 40 else change.value[:37] + "..."
    return "LR214", f"the link '{shown}' does not use http, https, mailto or a relative address; it is shown as text"


def _neutralise(text: str, masked: str, change: _Change, m: re.Match[str]) -> tuple[str, str]:
    """``text`` (and its masked twin) with the construct at ``m`` made inert."""
    start, end = m.span()
    if change.kind == "element":
        return _splice(text, masked, start, start + 1, "&lt;")
    if change.kind in ("attribute", "class"):
        text, masked = _splice(text, masked, start, end, "")
        # An attribute list left empty ("{ }") would read as text: it goes too.
        left = masked.rfind("{", 0, start)
        right = masked.find("}", start)
        if left >= 0 and right >= 0 and not masked[left + 1 : right].strip(" :"):
            return _splice(text, masked, left, right + 1, "")
        return text, masked
    # A link or image: its "]" escaped, so that "[text](url)" or "[id]: url" reads as text;
    # in an HTML tag, the attribute goes.
    before = masked[:start].rstrip(" \t\"'=")
    if before.endswith(("](", "]:", "]")):
        bracket = before.rfind("]")
        return _splice(text, masked, bracket, bracket + 1, "&#93;")
    attr = re.search(r"(?:href|src)\s*=\s*[\"']?$", masked[:start], re.I)
    if attr:
        stop = end + (1 if masked[end : end + 1] in "\"'" else 0)
        return _splice(text, masked, attr.start(), stop, "")
    return _splice(text, masked, start, end, "#")


def _splice(text: str, masked: str, start: int, end: int, new: str) -> tuple[str, str]:
    return text[:start] + new + text[end:], masked[:start] + new + masked[end:]


def _inert(text: str) -> str:
    """The last resort: every character that makes markup, as an entity."""
    return re.sub(r"[<>\[\]{}&]", lambda m: f"&#{ord(m.group(0))};", text)


#: Rounds of tracing and neutralising before the last resort: a construct one round could
#: not place (the same address written twice, one of them in an element that goes) is
#: found in the next, once the others are text.
ROUNDS = 4


@functools.lru_cache(maxsize=4096)
def sanitize(text: str) -> tuple[str, tuple[Removed, ...]]:
    """(Markdown whose HTML nh3 leaves unchanged, every construct that had to go)."""
    fixed, removed = text, list[Removed]()
    for _ in range(ROUNDS):
        fixed, more = _round(fixed)
        if not more:
            return fixed, tuple(dict.fromkeys(removed))
        removed += more if not removed else [r for r in more if (r.code, r.message) not in _seen(removed)]
    if change_count(fixed):
        fixed = _inert(fixed)
        if change_count(fixed):  # pragma: no cover - nothing in an inert text can make markup
            fixed = "<pre>" + html.escape(text) + "</pre>\n"
    return fixed, tuple(dict.fromkeys(removed))


def _seen(removed: list[Removed]) -> set[tuple[str, str]]:
    return {(r.code, r.message) for r in removed}


def _round(text: str) -> tuple[str, list[Removed]]:
    """One round: every construct nh3 would remove, traced to the source and neutralised there."""
    before = render(text)
    found = changes(before, clean(before))
    if not found:
        return text, []
    masked = _masked(text)
    removed: list[Removed] = []
    located: list[tuple[re.Match[str], _Change]] = []
    cursor: dict[tuple[str, str], int] = {}
    for change in found:
        code, message = _describe(change)
        key = (change.kind, change.name or change.tag or change.value)
        m = _locate(masked, change, cursor.get(key, 0))
        if m is None:
            removed.append(Removed(code, 1, 1, message))
            continue
        cursor[key] = m.end()
        removed.append(Removed(code, *_position(text, m.start()), message))
        located.append((m, change))
    fixed, fixed_masked = text, masked
    # From the end back, so that each change leaves the positions before it as they were.
    done: set[tuple[int, int]] = set()
    for m, change in sorted(located, key=lambda mc: -mc[0].start()):
        if m.span() not in done:
            done.add(m.span())
            fixed, fixed_masked = _neutralise(fixed, fixed_masked, change, m)
    return fixed, removed


def change_count(text: str) -> int:
    """How many constructs nh3 would remove from ``text``'s HTML (0 for a safe text)."""
    out = render(text)
    return len(changes(out, clean(out)))


# --------------------------------------------------------------------------- fields and front matter

#: What in an escaped field can still make markup: links, link definitions, attribute lists.
_RISKY = ("](", "]:", "][", "{")
_DEFINITION = re.compile(r"^( {0,3})\[([^\]\n]+)\]:", re.M)


@functools.lru_cache(maxsize=1 << 16)
def sanitize_field(text: str) -> tuple[str, tuple[Removed, ...]]:
    """A record's Markdown field, ready for a page: HTML escaped (its tags read as text),
    link definitions written as text (a field's definition would serve links in other
    fields of the same page, where no check of this field would see it), and what is left
    sanitized like a page. Positions count in the escaped text."""
    return sanitize_escaped(html.escape(text, quote=False))


@functools.lru_cache(maxsize=1 << 16)
def sanitize_escaped(escaped: str) -> tuple[str, tuple[Removed, ...]]:
    """:func:`sanitize_field` for a field whose HTML is escaped already."""
    removed: list[Removed] = []
    for m in reversed(list(_DEFINITION.finditer(escaped))):
        if m.group(2).startswith("@"):
            continue  # a citation at the start of a line, numbered before Markdown sees it
        line, col = _position(escaped, m.start(2) - 1)
        removed.append(Removed("LR214", line, col, "a link definition is not kept in a field; write [text](url)"))
        escaped = escaped[: m.start(2) - 1] + "&#91;" + escaped[m.start(2) - 1 :]
    if not any(r in escaped for r in _RISKY):
        return escaped, tuple(reversed(removed))
    fixed, more = sanitize(escaped)
    return fixed, (*reversed(removed), *more)


FRONT_MATTER_KEYS = ("title", "description")
_FENCE = re.compile(r"\A---[ \t]*\n(.*?\n)(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)


@dataclass(frozen=True)
class Page:
    """A narrative page split into what its front matter may set and its Markdown body."""

    meta: dict[str, str]
    body: str
    #: Lines before the body (the front matter and its fences), for positions in the file.
    offset: int
    removed: tuple[Removed, ...]


@functools.lru_cache(maxsize=1024)
def split_page(text: str) -> Page:
    """A page's front matter, kept only where it sets a plain-text title or description:
    other keys choose templates and behaviour of the engine (``template``, ``hide``...)."""
    m = _FENCE.match(text)
    if m is None:
        return Page({}, text, 0, ())
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    offset = text.count("\n", 0, m.end())
    meta: dict[str, str] = {}
    removed: list[Removed] = []
    try:
        data = YAML(typ="safe", pure=True).load(m.group(1))
    except YAMLError:
        data = None
    if not isinstance(data, dict):
        removed.append(Removed("LR215", 1, 1, "the front matter is not a mapping of keys to text; it is dropped"))
        data = {}
    lines = m.group(1).splitlines()
    for key, value in data.items():
        row = next((i for i, line in enumerate(lines) if line.startswith(f"{key}:")), 0) + 2
        if key in FRONT_MATTER_KEYS and isinstance(value, str):
            meta[key] = " ".join(value.split())
        else:
            what = f"'{key}'" if key in FRONT_MATTER_KEYS else f"the key '{str(key)[:40]}'"
            removed.append(Removed("LR215", row, 1, f"{what} is not allowed in a page's front matter; it is dropped"))
    return Page(meta, text[m.end() :], offset, tuple(removed))
