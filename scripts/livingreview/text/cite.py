"""Pandoc's citation grammar: ``[@key]``, ``[@key, p. 3]``, ``[see @a; @b, ch. 2]``, ``[-@key]``.

A bracketed group is a citation when every ``;``-separated part holds a key: an
optional prefix (``see``), an optional ``-`` (suppress the author), ``@key``, and
an optional suffix, whose text after a leading comma is the locator (``p. 3``,
``Table 2``). Keys follow Pandoc's rule: a letter, digit or ``_`` first, then
letters, digits and inner punctuation ``:.#$%&+?<>~/-`` (each followed by a letter
or digit, so ``@smith04.`` ends at ``04``), or anything but braces inside ``@{...}``.

Nothing is a citation inside an HTML comment, a code span, a fenced code block or an
indented code block (four spaces after a blank line, outside a list item), nor as a
link's text (``[@x](url)``) or a link definition; these are what the reader's page
does not show as text, and tests/test_cite_pandoc.py checks the keys found against
``pandoc -t json``. A bare ``@key`` in running text is Pandoc's author-in-text
citation; this site numbers bracketed citations only, so :func:`bare_keys` finds
those for the checker to point out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

#: A key as Pandoc reads it (``\w`` is Unicode: Pandoc accepts any letter).
KEY = r"\w(?:\w|[:.#$%&+?<>~/-](?=\w))*"
_KEY_AT = re.compile(rf"(?P<sup>-?)@(?:\{{(?P<braced>[^{{}}\s]+)\}}|(?P<key>{KEY}))")
#: Where a key may start inside a part: at its start or after a space or punctuation.
_PART_KEY = re.compile(rf"(?:^|(?<=[\s*_(\[]))-?@(?:\{{[^{{}}\s]+\}}|{KEY})")
#: A part that starts with an @ but holds no key: reported, not passed over.
_AT_PART = re.compile(r"(?:^|;)\s*-?@")
_BARE = re.compile(rf"(?<![\w\\@])@({KEY})")
_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_LIST_ITEM = re.compile(r"^( {0,3})([-*+]|\d{1,9}[.)])([ \t]+|$)")
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)


@dataclass(frozen=True)
class CiteItem:
    key: str
    #: The suffix without its leading comma: "p. 3", "Table 2".
    locator: str = ""
    #: Text before the key: "see", "compare".
    prefix: str = ""
    #: Written ``-@key``: the author's name is already in the sentence.
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """One bracketed citation group and where it stands in the text."""

    items: tuple[CiteItem, ...]
    start: int
    end: int
    line: int
    col: int


@dataclass(frozen=True)
class BadCitation:
    text: str
    line: int
    col: int
    reason: str


def _masked(text: str) -> str:
    """The text with comments, code spans and code blocks blanked out, offsets preserved."""
    if "`" not in text and "~~~" not in text and "<!--" not in text and "    " not in text and "\t" not in text:
        return text  # no code at all: the common case, and the loops below are slow
    out = list(text)
    _mask_blocks(text, out)
    masked = "".join(out)
    # Inline code spans: a run of backticks closed by a run of the same length.
    i = masked.find("`")
    while 0 <= i < len(masked):
        j = i
        while j < len(masked) and masked[j] == "`":
            j += 1
        close = re.compile(rf"(?<!`){re.escape(masked[i:j])}(?!`)").search(masked, j)
        if close:
            _blank(out, i, close.end())
            masked = "".join(out)
            i = masked.find("`", close.end())
        else:
            i = masked.find("`", j)
    for m in _COMMENT.finditer(masked):  # after code: "<!--" in a code span opens nothing
        _blank(out, m.start(), m.end())
    return "".join(out)


def _indent(line: str) -> int:
    return len(line.expandtabs(4)) - len(line.expandtabs(4).lstrip(" "))


def _mask_blocks(text: str, out: list[str]) -> None:
    """Blank fenced and indented code blocks, the CommonMark way (which Pandoc and
    Python-Markdown share for these): inside a list item, indentation continues the
    item; elsewhere, four spaces after a blank line start a code block."""
    pos = 0
    fence: str | None = None
    blank_before = True
    in_code = False
    item_indent = -1  # content indent of the list item we are in, -1 outside lists
    for line in text.splitlines(keepends=True):
        end = pos + len(line)
        stripped = line.strip()
        if fence is not None:
            _blank(out, pos, end)
            if stripped.startswith(fence) and set(stripped) <= {fence[0]}:
                fence = None
        elif not stripped:
            blank_before = True
        else:
            indent = _indent(line)
            m = _FENCE.match(line)
            item = _LIST_ITEM.match(line)
            if in_code and indent >= 4 + max(item_indent, 0):
                _blank(out, pos, end)
            elif m and (item_indent < 0 or indent < item_indent + 4):
                fence = m.group(1)[0] * len(m.group(1))
                in_code = False
                _blank(out, pos, end)
            elif blank_before and indent >= 4 + max(item_indent, 0):
                in_code = True
                _blank(out, pos, end)
            else:
                in_code = False
                if item:
                    item_indent = len(item.group(1)) + len(item.group(2)) + max(len(item.group(3)), 1)
                elif blank_before and indent < max(item_indent, 1):
                    item_indent = -1  # a paragraph after the list ends it
            blank_before = False
        pos = end


def _blank(chars: list[str], start: int, end: int) -> None:
    for k in range(start, min(end, len(chars))):
        if chars[k] != "\n":
            chars[k] = " "


_BRACKET = re.compile(r"[\[\]]")


def _brackets(masked: str) -> Iterator[tuple[int, int]]:
    """Spans of innermost [...] groups that contain an @ right after '[' or ';'."""
    stack: list[int] = []
    for m in _BRACKET.finditer(masked):
        i, ch = m.start(), m.group()
        if ch == "[" and (i == 0 or masked[i - 1] != "\\"):
            stack.append(i)
        elif ch == "]" and stack and masked[i - 1] != "\\":
            start = stack.pop()
            inner = masked[start + 1 : i]
            if (
                "@" in inner
                and "[" not in inner
                and "]" not in inner
                and (_PART_KEY.search(inner) or _AT_PART.search(inner))
            ):
                yield start, i + 1


def scan(text: str) -> tuple[list[Citation], list[BadCitation]]:
    """Find every citation group in Markdown text, and every malformed one."""
    masked = _masked(text)
    good: list[Citation] = []
    bad: list[BadCitation] = []
    for start, end in _brackets(masked):
        after = masked[end : end + 1]
        if after in ("(", "[") or (after == ":" and _line_start(masked, start)):
            continue  # a link, a reference-style link or a link definition
        line, col = _position(text, start)
        items: list[CiteItem] = []
        problem = ""
        for part in text[start + 1 : end - 1].split(";"):
            item, problem = _item(part)
            if item is None:
                break
            items.append(item)
        if problem:
            bad.append(BadCitation(text[start:end], line, col, problem))
        else:
            good.append(Citation(tuple(items), start, end, line, col))
    return good, bad


def _item(part: str) -> tuple[CiteItem | None, str]:
    m = _PART_KEY.search(part)
    if not m:
        part = part.strip()
        if not part:
            return None, "an empty part between semicolons"
        if re.fullmatch(r"-?@", part):
            return None, "a citation without a key"
        return None, f"'{part[:30]}' is not a citation key (keys start with @)"
    k = _KEY_AT.match(part, m.start())
    assert k is not None
    prefix = " ".join(part[: m.start()].split())
    suffix = " ".join(part[k.end() :].split())
    if _PART_KEY.search(" " + suffix):
        if suffix.startswith(","):
            return None, "two keys separated by a comma: write ';' between citations"
        return None, f"'{suffix[:30]}' follows the key: write ';' between citations"
    locator = suffix[1:].strip() if suffix.startswith(",") else suffix
    key = k.group("braced") or k.group("key")
    return CiteItem(key, locator, prefix, bool(k.group("sup"))), ""


def bare_keys(text: str) -> list[tuple[str, int, int]]:
    """(key, line, column) of each bare ``@key`` in running text, outside citations and code."""
    if "@" not in text:
        return []
    masked = list(_masked(text))
    for start, end in _brackets("".join(masked)):
        _blank(masked, start, end)
    found = []
    for m in _BARE.finditer("".join(masked)):
        line, col = _position(text, m.start())
        found.append((m.group(1), line, col))
    return found


def _line_start(text: str, i: int) -> bool:
    j = text.rfind("\n", 0, i)
    return not text[j + 1 : i].strip()


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, col


def keys(text: str) -> list[str]:
    """Every cited key in order of appearance."""
    good, _ = scan(text)
    return [item.key for c in good for item in c.items]


def replace(text: str, render: Callable[[Citation], str], between: Callable[[str], str] | None = None) -> str:
    """Replace each citation group with ``render(citation)``; the text between them goes
    through ``between`` (an escaping function, say) when one is given."""
    good, _ = scan(text)
    keep = between or (lambda s: s)
    out, last = [], 0
    for c in good:
        out.append(keep(text[last : c.start]))
        out.append(render(c))
        last = c.end
    out.append(keep(text[last:]))
    return "".join(out)
