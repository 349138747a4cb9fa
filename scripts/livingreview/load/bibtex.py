"""Reading BibTeX files by BibTeX's own grammar, and checking each entry on its own.

One reader, one rule for every value. An entry is ``@type{key, name = value, ...}``
(or with parentheses); a value is a braced ``{...}`` or quoted ``"..."`` literal, a
number or an ``@string`` macro, joined by ``#``. Braces nest everywhere and count
whatever precedes them, as in BibTeX; inside a quoted value a ``"`` ends the value
only at brace depth 0, so ``"Kr{\\"a}mer"`` and ``"The {"}Real{"} World"`` are each
one value. Text outside entries is a comment. Every problem is reported where it
is, and reading goes on with the next field or entry.

Values are kept as written (LaTeX), with macros resolved and the outer delimiters
removed; text for display is decoded when it is first shown
(:meth:`livingreview.model.records.Reference.get`), so that fields nobody reads
(abstracts, keywords, file links) cost nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..model.diagnostics import Diagnostics
from ..model.records import CITE_KEY, DISPLAYED, Reference
from ..model.where import Mark, Where
from ..text.latex import unknown_macros
from .yamlnodes import read_text

MONTHS = {
    m: str(i)
    for i, m in enumerate(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1)
}

#: Fields an entry needs to be cited, by entry type (any one of a "|" group).
REQUIRED: dict[str, list[str]] = {
    "article": ["author", "title", "journal", "year"],
    "inproceedings": ["author", "title", "booktitle|journal", "year"],
    "book": ["author|editor", "title", "publisher", "year"],
    "incollection": ["author", "title", "booktitle", "year"],
    "misc": ["title", "year"],
    "online": ["title", "url", "year"],
    "techreport": ["author", "title", "institution", "year"],
    "phdthesis": ["author", "title", "school", "year"],
    "unpublished": ["author", "title", "year"],
}

DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^\d{1,8}$")
_CITE_KEY = re.compile(CITE_KEY)

# --------------------------------------------------------------------------- the grammar

_AT = re.compile(r"@[ \t\r\n]*([A-Za-z][\w:-]*)[ \t\r\n]*([{(]?)")
_SPACE = re.compile(r"\s*")
_KEY = re.compile(r"[^,\s]*")
_NAME = re.compile(r"[^\s=,{}()\"#]+")
_BARE = re.compile(r"[^\s,#{}()\"=]+")
#: A line that starts a new entry: inside a value it means the value was never closed.
_NEXT_ENTRY = r"\n[ \t]*@[ \t]*[A-Za-z]+[ \t]*[{(]"
_IN_BRACES = re.compile(r"[{}]|" + _NEXT_ENTRY)
_IN_QUOTES = re.compile(r'[{}"]|' + _NEXT_ENTRY)
_NEXT_ENTRY_RE = re.compile(_NEXT_ENTRY)


class _Failed(Exception):
    """A syntax error at ``pos``; reading resumes at ``resume``."""

    def __init__(self, pos: int, message: str, hint: str, resume: int) -> None:
        super().__init__(message)
        self.pos, self.message, self.hint, self.resume = pos, message, hint, resume


@dataclass(slots=True)
class Field:
    name: str
    #: Pieces as written, delimiters included: ``{...}``, ``"..."``, a number or a macro name.
    parts: list[str]
    pos: int
    end: int


@dataclass(slots=True)
class Block:
    """One ``@...`` block: an entry, a ``@string`` or a ``@preamble``."""

    kind: str
    key: str
    start: int
    end: int = 0
    fields: list[Field] = field(default_factory=list)
    #: Syntax problems inside the block that did not stop it: (pos, message, hint).
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    failed: _Failed | None = None


def _closing(text: str, pos: int, quoted: bool) -> int:
    """The end (exclusive) of the literal starting at ``text[pos]``, by brace depth."""
    scanner = _IN_QUOTES if quoted else _IN_BRACES
    depth = 0 if quoted else 1
    for m in scanner.finditer(text, pos + 1):
        ch = m.group(0)
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0 and not quoted:
                return m.end()
            if depth < 0:
                raise _Failed(pos, "a quoted value has a '}' with no '{' before it", "balance its braces", m.end())
        elif ch == '"':
            if depth == 0:
                return m.end()
        else:  # the next entry starts
            raise _Failed(pos, "", "", m.start() + 1)
    raise _Failed(pos, "", "", len(text))


def _value(text: str, pos: int) -> tuple[list[str], int]:
    """A value: literals, numbers and macros joined by ``#``; returns its parts and end."""
    parts: list[str] = []
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        ch = text[pos : pos + 1]
        if ch in ("{", '"'):
            end = _closing(text, pos, ch == '"')
        else:
            m = _BARE.match(text, pos)
            if not m:
                raise _Failed(pos, "", "", pos)
            end = m.end()
        parts.append(text[pos:end])
        pos = _SPACE.match(text, end).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != "#":
            return parts, pos
        pos += 1


def scan(text: str) -> list[Block]:
    """Every ``@`` block of a BibTeX file, in order, each with its fields or its failure."""
    blocks: list[Block] = []
    pos = 0
    while True:
        m = _AT.search(text, pos)
        if not m:
            return blocks
        kind = m.group(1).lower()
        if not m.group(2):
            pos = m.end()  # "@" without a block: comment text, as in BibTeX
            continue
        close = "}" if m.group(2) == "{" else ")"
        block = Block(kind, "", m.start())
        try:
            if kind == "comment":
                pos = _closing(text, m.end() - 1, False) if close == "}" else text.find(")", m.end()) + 1 or len(text)
                continue
            if kind in ("preamble", "string"):
                pos = _macro_block(text, m.end(), close, block)
            else:
                pos = _entry(text, m.end(), close, block)
        except _Failed as failure:
            block.failed = failure
            pos = failure.resume
        block.end = pos
        blocks.append(block)


def _macro_block(text: str, pos: int, close: str, block: Block) -> int:
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if block.kind == "string":
        m = _NAME.match(text, pos)
        if not m:
            raise _Failed(pos, "@string has no name", "write @string{name = {value}}", _resume(text, pos))
        block.key = m.group(0)
        pos = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != "=":
            raise _Failed(pos, f"@string '{block.key}' has no '='", "write @string{name = {value}}", _resume(text, pos))
        pos += 1
    start = pos
    parts, pos = _value(text, pos)
    block.fields.append(Field(block.key, parts, start, pos))
    if text[pos : pos + 1] != close:
        raise _Failed(pos, f"@{block.kind} is not closed", f"end it with '{close}'", _resume(text, pos))
    return pos + 1


def _resume(text: str, pos: int) -> int:
    """Where reading goes on after a broken block: the next line that starts an entry."""
    m = _NEXT_ENTRY_RE.search(text, pos)
    return m.start() + 1 if m else len(text)


def _entry(text: str, pos: int, close: str, block: Block) -> int:
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    m = _KEY.match(text, pos)
    key = m.group(0) if m else ""
    if close in key:  # @misc{key} with no fields at all
        key = key[: key.index(close)]
    block.key = key
    pos = _SPACE.match(text, pos + len(key)).end()  # type: ignore[union-attr]
    ch = text[pos : pos + 1]
    if ch == close:
        return pos + 1
    if ch != "," or "=" in key:
        raise _Failed(block.start, "after-key", "", _resume(text, pos))
    pos += 1
    while True:
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        ch = text[pos : pos + 1]
        if ch == close:
            return pos + 1
        if ch == ",":
            pos += 1
            continue
        if ch in ("", "@"):
            raise _Failed(block.start, "unclosed", "", pos if ch else len(text))
        m = _NAME.match(text, pos)
        if not m:
            raise _Failed(
                pos, f"unexpected '{ch}' where a field name belongs", "check its commas and braces", _resume(text, pos)
            )
        name_at, name = pos, m.group(0)
        pos = _SPACE.match(text, m.end()).end()  # type: ignore[union-attr]
        if text[pos : pos + 1] != "=":
            raise _Failed(
                name_at,
                f"field '{name}' has no '=' and value",
                f"write {name} = {{...}}",
                _resume(text, pos),
            )
        try:
            parts, pos = _value(text, pos + 1)
        except _Failed as failure:
            if not failure.message:  # ran into the next entry or the end of the file
                raise _Failed(name_at, "value-unclosed:" + name, "", failure.resume) from None
            raise
        block.fields.append(Field(name, parts, name_at, pos))
        ch = text[pos : pos + 1]
        if ch not in (",", close):
            if ch in ("", "@"):
                raise _Failed(block.start, "unclosed", "", pos if ch else len(text))
            following = text[pos : pos + 40].split("\n")[0].strip().rstrip(",")
            block.problems.append(
                (
                    name_at,
                    f"field '{name.lower()}' of '{key}' is followed by '{following[:20]}' without a comma",
                    f"add a comma after the value of '{name.lower()}'",
                )
            )


# --------------------------------------------------------------------------- into references


class _Lines:
    """Offsets to (line, column), for offsets visited in increasing order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.line_start = 0

    def at(self, offset: int) -> tuple[int, int]:
        if offset < self.pos:  # rare: a failure reported at the start of its block
            self.pos, self.line, self.line_start = 0, 1, 0
        newlines = self.text.count("\n", self.pos, offset)
        if newlines:
            self.line += newlines
            self.line_start = self.text.rfind("\n", 0, offset) + 1
        self.pos = offset
        return self.line, offset - self.line_start + 1


def parse_bib(text: str, file: str, diags: Diagnostics) -> list[Reference]:
    """Parse one BibTeX file into references, reporting what cannot be used."""
    blocks = scan(text)
    lines = _Lines(text)
    strings = dict(MONTHS)
    for block in blocks:
        if block.kind == "string" and block.failed is None and block.fields:
            value = _resolve(block.fields[0].parts, strings)
            if value is not None:
                strings[block.key.lower()] = value
    refs: list[Reference] = []
    seen: set[str] = set()
    for block in blocks:
        if block.kind in ("string", "preamble") and block.failed is None:
            continue
        start = Mark(file, *lines.at(block.start))
        if block.failed is not None:
            at, message, hint = _failure(block, text, lines, file)
            diags.add("LR300", at, message, hint, subject=block.key)
            if block.key and _CITE_KEY.match(block.key) and block.key not in seen:
                seen.add(block.key)  # keep the key known, so citations of it do not cascade into errors
                refs.append(Reference(block.key, block.kind, {}, Where.at(start), text[block.start : block.end], True))
            continue
        if block.key in seen:
            diags.add(
                "LR301",
                start,
                f"duplicate BibTeX key '{block.key}'",
                "rename or merge one of the entries",
                subject=block.key,
            )
            continue
        ref = _reference(block, text, lines, file, strings, diags, start)
        if ref is not None:
            seen.add(ref.key)
            refs.append(ref)
    return refs


def _failure(block: Block, text: str, lines: _Lines, file: str) -> tuple[Mark, str, str]:
    failure = block.failed
    assert failure is not None
    label = f"entry '{block.key}'" if block.key else "this entry"
    at = Mark(file, *lines.at(failure.pos))
    if failure.message == "after-key":
        return at, f"{label} has no key or no comma after its key", "write @type{key, field = {...}, ...}"
    if failure.message == "unclosed" or failure.message.startswith("value-unclosed:"):
        where = "at the end of the file" if failure.resume >= len(text) else "before the next entry starts"
        suspect = _runaway(block, text) if failure.message == "unclosed" else failure.message.split(":", 1)[1]
        if suspect:
            f = next((f for f in block.fields if f.name == suspect), None)
            if f is not None:
                at = Mark(file, *lines.at(f.pos))
            return (
                at,
                f"{label} is not closed {where}",
                f"the value of '{suspect.lower()}' runs on: look for an unclosed brace or quote in it",
            )
        return at, f"{label} is not closed {where}", "look for an unclosed brace or quote in its fields"
    return at, f"{label}: {failure.message}", failure.hint or "check its braces, quotes and commas"


_FIELD_INSIDE = re.compile(r"\n\s*[A-Za-z][\w-]*\s*=\s*[{\"\d]")


def _runaway(block: Block, text: str) -> str:
    """The field whose value swallowed the fields after it: the likely unclosed brace."""
    for f in block.fields:
        if _FIELD_INSIDE.search(text, f.pos, f.end):
            return f.name
    return ""


def _reference(
    block: Block, text: str, lines: _Lines, file: str, strings: dict[str, str], diags: Diagnostics, start: Mark
) -> Reference | None:
    key = block.key
    if not _CITE_KEY.match(key):
        diags.add(
            "LR300",
            start,
            f"entry has a malformed key '{key}'" if key else "entry has no key",
            "write @type{key, ...} with a key of letters, digits and _:.-/",
        )
        return None
    where = Where.at(start)
    fields: dict[str, str] = {}
    broken = False
    problems = {pos: (message, hint) for pos, message, hint in block.problems}
    for f in block.fields:
        name = f.name.lower()
        at = Mark(file, *lines.at(f.pos))
        if name in fields:
            diags.add("LR300", at, f"entry '{key}' sets a field twice ({name})", "keep one of them", subject=key)
            broken = True
            continue
        where.keys[name] = (at.line, at.col)
        if f.pos in problems:
            message, hint = problems[f.pos]
            diags.add("LR300", at, message, hint, subject=key)
            broken = True
        value = _resolve(f.parts, strings)
        if value is None:
            written = " # ".join(f.parts)
            diags.add(
                "LR307",
                at,
                f"field '{name}' of '{key}' uses an undefined @string macro ({written})",
                "put the value in braces, or define the macro with @string",
                subject=key,
            )
            fields[name] = written
            continue
        fields[name] = value
        if name in DISPLAYED and "\\" in value:
            for macro in unknown_macros(value):
                diags.add(
                    "LR314",
                    at,
                    f"field '{name}' of '{key}' uses the LaTeX macro \\{macro}, which is shown as '{macro}'",
                    "write the text itself (Unicode is fine), or a macro from the editors' guide",
                    subject=key,
                )
    return Reference(key, block.kind, fields, where, text[block.start : block.end], broken)


def _resolve(parts: list[str], strings: dict[str, str]) -> str | None:
    """A value as text: literals without their delimiters, numbers, macros resolved."""
    if len(parts) == 1:  # the common case
        part = parts[0]
        if part[:1] in ("{", '"'):
            return part[1:-1]
    out = []
    for part in parts:
        if part[:1] in ("{", '"'):
            out.append(part[1:-1])
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            return None
    return "".join(out)


def read_bib(path: Path, file: str, diags: Diagnostics) -> list[Reference]:
    text = read_text(path, file, diags)
    if text is None:
        return []
    return parse_bib(text, file, diags)
