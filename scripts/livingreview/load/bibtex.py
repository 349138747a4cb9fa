"""Reading BibTeX files with bibtexparser 2, and checking each entry on its own.

Values are parsed raw (no middleware) so that we can tell a braced literal from
an undefined ``@string`` macro and report it; LaTeX is decoded only for fields
that contain markup, which keeps large bibliographies fast.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser import model as bm

from ..model.diagnostics import Diagnostics
from ..model.records import CITE_KEY, Reference
from ..model.where import Mark, Where
from ..text.latex import decode
from .yamlnodes import read_text

# bibtexparser logs every failed block itself; we report them as diagnostics instead.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)

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

_BRACE = re.compile(r"[{}]")
DOI = re.compile(r"^10\.\d{4,9}/\S+$")
PMID = re.compile(r"^\d{1,8}$")


def parse_bib(text: str, file: str, diags: Diagnostics) -> list[Reference]:
    """Parse one BibTeX file into references, reporting what cannot be used."""
    library = bibtexparser.parse_string(text, parse_stack=[])  # type: ignore[attr-defined]
    lines = text.splitlines()
    strings = dict(MONTHS)
    for block in library.blocks:
        if isinstance(block, bm.String):
            strings[block.key.lower()] = _strip(block.value)
    refs: list[Reference] = []
    for block in library.blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bm.DuplicateBlockKeyBlock):
            diags.add(
                "LR301",
                Mark(file, line, 1),
                f"duplicate BibTeX key '{block.key}'",
                "rename or merge one of the entries",
                subject=block.key,
            )
        elif isinstance(block, bm.DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            key = entry.key if isinstance(entry, bm.Entry) else "?"
            diags.add(
                "LR300",
                Mark(file, line, 1),
                f"entry '{key}' sets a field twice ({', '.join(sorted(block.duplicate_keys))})",
                "keep one of them",
                subject=key,
            )
        elif isinstance(block, bm.ParsingFailedBlock):
            at, message, hint = _failure(block, lines, file)
            key = _head_key(lines, line)
            diags.add("LR300", at, message, hint, subject=key)
            if key:  # keep the key known, so citations of it do not cascade into errors
                refs.append(Reference(key, "misc", {}, Where.at(at), block.raw or "", broken=True))
        elif isinstance(block, bm.Entry):
            ref = _entry(block, lines, file, strings, diags)
            if ref is not None:
                refs.append(ref)
    return refs


def _head_key(lines: list[str], line: int) -> str:
    head = lines[line - 1] if 0 < line <= len(lines) else ""
    m = re.match(r"\s*@\w+\s*[{(]\s*([^,\s=]+)\s*,", head)
    return m.group(1) if m and re.match(CITE_KEY, m.group(1)) else ""


def _failure(block: bm.ParsingFailedBlock, lines: list[str], file: str) -> tuple[Mark, str, str]:
    line = (block.start_line or 0) + 1
    error = block.error
    reason = str(getattr(error, "abort_reason", "") or error or "")
    head = lines[line - 1] if 0 < line <= len(lines) else ""
    name = re.match(r"\s*@(\w+)\s*[{(]\s*([^,\s=]*)", head)
    label = f"entry '{name.group(2)}'" if name and name.group(2) else "this entry"
    if "Unexpected block start" in reason:
        return (
            Mark(file, line, 1),
            f"{label} is not closed before the next entry starts",
            "look for an unclosed brace or quote in its fields",
        )
    if "end of file" in reason:
        return Mark(file, line, 1), f"{label} is not closed at the end of the file", "add the closing brace"
    if "after entry key" in reason:
        return (
            Mark(file, line, 1),
            f"{label} has no key or no comma after its key",
            "write @type{key, field = {...}, ...}",
        )
    first = reason.strip().splitlines()[0] if reason.strip() else "could not be parsed"
    return Mark(file, line, 1), f"{label}: {first}", "check its braces, quotes and commas"


def _entry(
    block: bm.Entry, lines: list[str], file: str, strings: dict[str, str], diags: Diagnostics
) -> Reference | None:
    first_line = block.start_line or 0
    start = Mark(file, first_line + 1, _col(lines, first_line, "@"))
    where = Where.at(start)
    fields: dict[str, str] = {}
    key = block.key
    if not re.match(CITE_KEY, key):
        diags.add(
            "LR300",
            start,
            f"entry has a malformed key '{key}'" if key else "entry has no key",
            "write @type{key, ...} with a key of letters, digits and _:.-/",
        )
        return None
    broken = False
    for f in block.fields:
        name = f.key.lower()
        line0 = f.start_line if f.start_line is not None else (block.start_line or 0)
        at = Mark(file, line0 + 1, _col(lines, line0, f.key))
        where.keys[name] = (at.line, at.col)
        trailing = _trailing(str(f.value))
        if trailing:
            diags.add(
                "LR300",
                at,
                f"field '{name}' of '{key}' is followed by '{trailing[:20]}' without a comma",
                f"add a comma after the value of '{name}'",
                subject=key,
            )
            fields[name] = decode(_strip(str(f.value).strip()[: -len(trailing)]))
            broken = True
            continue
        value = _resolve(str(f.value), strings)
        if value is None:
            diags.add(
                "LR307",
                at,
                f"field '{name}' of '{key}' uses an undefined @string macro ({str(f.value).strip()})",
                "put the value in braces, or define the macro with @string",
                subject=key,
            )
            fields[name] = str(f.value).strip()
            continue
        fields[name] = decode(value) if name not in ("doi", "url", "pmid", "nct", "eprint") else value.strip()
    return Reference(key, block.entry_type.lower(), fields, where, block.raw or "", broken)


def _col(lines: list[str], line0: int, needle: str) -> int:
    text = lines[line0] if 0 <= line0 < len(lines) else ""
    i = text.lower().find(needle.lower())
    return i + 1 if i >= 0 else 1


def _strip(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and ((value[0] == "{" and value[-1] == "}") or (value[0] == '"' and value[-1] == '"')):
        return value[1:-1]
    return value


def _trailing(raw: str) -> str:
    """Text after a complete braced or quoted value: the sign of a missing comma."""
    raw = raw.strip()
    if raw[:1] not in '{"' or "#" in raw:
        return ""
    if raw[0] == "{" and raw[-1] == "}" and raw.count("{") == 1 and raw.count("}") == 1:
        return ""  # one pair of braces around the whole value: the common case
    if raw[0] == '"':
        end = raw.find('"', 1)
        return raw[end + 1 :].strip() if end > 0 else ""
    depth = 0
    for m in _BRACE.finditer(raw):  # visits braces only, not every character
        depth += 1 if m.group(0) == "{" else -1
        if depth == 0:
            return raw[m.end() :].strip()
    return ""


def _resolve(raw: str, strings: dict[str, str]) -> str | None:
    """Resolve a raw field value: literals, numbers, macros and ``#`` concatenation."""
    parts = [p.strip() for p in _split_concat(raw)]
    out = []
    for part in parts:
        if part[:1] in '{"':
            out.append(_strip(part))
        elif part.isdigit():
            out.append(part)
        elif part.lower() in strings:
            out.append(strings[part.lower()])
        else:
            return None
    return "".join(out)


def _split_concat(raw: str) -> list[str]:
    if "#" not in raw:
        return [raw] if raw.strip() else [""]
    parts: list[str] = []
    current: list[str] = []
    depth, quote = 0, False
    for ch in raw:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quote = not quote
        if ch == "#" and depth == 0 and not quote:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p for p in parts if p.strip()] or [""]


def read_bib(path: Path, file: str, diags: Diagnostics) -> list[Reference]:
    text = read_text(path, file, diags)
    if text is None:
        return []
    return parse_bib(text, file, diags)
