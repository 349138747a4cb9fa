"""Pandoc-style citations: ``[@key]``, ``[@key, Table 2]``, ``[@a; @b]``.

Citations are found with Markdown awareness: never inside code spans or fenced
code blocks, never as the text of a link (``[@x](url)``). Keys follow BibTeX's
own grammar, so ``@maude:2018`` and ``@who/2020`` are keys, while trailing
punctuation is not part of a key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# A key: starts with a letter, digit or underscore; inner punctuation must be
# followed by a word character (so "@a." in prose ends the key at "a").
KEY = r"[A-Za-z0-9_](?:[A-Za-z0-9_]|[:.#$%&+?<>~/-](?=[A-Za-z0-9_]))*"
_ITEM = re.compile(rf"^\s*-?@(?:\{{(?P<braced>[^{{}}]+)\}}|(?P<key>{KEY}))\s*(?:,\s*(?P<locator>.*?))?\s*$", re.S)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


@dataclass(frozen=True)
class CiteItem:
    key: str
    locator: str = ""


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
    """The text with code spans and fenced blocks blanked out, offsets preserved."""
    if "`" not in text and "~~~" not in text:
        return text  # no code at all: the common case, and the loops below are slow
    out = list(text)
    lines = text.splitlines(keepends=True)
    pos = 0
    fence: str | None = None
    for line in lines:
        m = _FENCE.match(line)
        if fence is None and m:
            fence = m.group(1)[0] * len(m.group(1))
            _blank(out, pos, pos + len(line))
        elif fence is not None:
            _blank(out, pos, pos + len(line))
            stripped = line.strip()
            if stripped.startswith(fence) and set(stripped) <= {fence[0]}:
                fence = None
        pos += len(line)
    masked = "".join(out)
    # Inline code spans: a run of backticks closed by a run of the same length.
    i = 0
    while i < len(masked):
        if masked[i] == "`":
            j = i
            while j < len(masked) and masked[j] == "`":
                j += 1
            run = masked[i:j]
            close = re.compile(rf"(?<!`){re.escape(run)}(?!`)").search(masked, j)
            if close:
                _blank(out, i, close.end())
                masked = "".join(out)
                i = close.end()
                continue
            i = j
        else:
            i += 1
    return "".join(out)


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
            if re.match(r"\s*-?@", inner) or re.search(r";\s*-?@", inner):
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
        body = text[start + 1 : end - 1]
        items: list[CiteItem] = []
        problem = ""
        for part in body.split(";"):
            m = _ITEM.match(part)
            if not m:
                problem = _why(part)
                break
            key = m.group("braced") or m.group("key")
            locator = " ".join((m.group("locator") or "").split())
            if "@" in locator:
                problem = "two keys separated by a comma"
                break
            items.append(CiteItem(key, locator))
        if problem:
            bad.append(BadCitation(text[start:end], line, col, problem))
        else:
            good.append(Citation(tuple(items), start, end, line, col))
    return good, bad


def _why(part: str) -> str:
    part = part.strip()
    if not part.startswith(("@", "-@")):
        return f"'{part[:30]}' is not a citation key (keys start with @)"
    if part in ("@", "-@"):
        return "a citation without a key"
    m = re.match(rf"-?@({KEY})(.*)", part, re.S)
    if m and m.group(2).strip():
        return f"'{m.group(2).strip()[:30]}' follows the key without a comma"
    return f"'{part[:30]}' is not a valid key"


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


def replace(text: str, render: Callable[[Citation], str]) -> str:
    """Replace each citation group with ``render(citation)``."""
    good, _ = scan(text)
    out, last = [], 0
    for c in good:
        out.append(text[last : c.start])
        out.append(render(c))
        last = c.end
    out.append(text[last:])
    return "".join(out)
