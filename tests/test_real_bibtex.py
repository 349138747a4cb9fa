"""BibTeX files that nobody on this project wrote (tests/corpus/real/, see its README.md for
where each comes from and its licence), read by the loader and compared with
bibtexparser 2 and with pylatexenc.

For every file: no entry that bibtexparser reads is lost or cut (same key, same fields,
same values as written); no error is reported that is not a real fault of the file
(each one is matched to what bibtexparser itself rejects, or to a key Pandoc could not
cite, or to a macro the file never defines); and the titles and author names shown to
readers equal those of a reference decoder (pylatexenc's defaults, on names split by
bibtexparser's BibTeX name rules) except for the differences listed in ``INTENDED``.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import bibtexparser
import pytest
from bibtexparser import model as bm
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from pylatexenc.latex2text import LatexNodes2Text

from livingreview.load.bibtex import MONTHS, parse_bib
from livingreview.model.diagnostics import Diagnostics
from livingreview.model.records import CITE_KEY
from livingreview.text.latex import _FRAMES, _KEEP_ARGUMENT, _QUIET, _WORDS, unknown_macros

#: Macros the project's decoder adds to pylatexenc's tables.
OURS = {*_QUIET, *_KEEP_ARGUMENT, *_WORDS, *_FRAMES}

REAL = Path(__file__).resolve().parent / "corpus" / "real"
FILES = sorted(p.name for p in REAL.glob("*.bib"))
REFERENCE = LatexNodes2Text(math_mode="text")

#: Where our decoder deliberately differs from pylatexenc's defaults: (what, why, pattern
#: of raw LaTeX that shows it). A title or name that differs and holds none of these fails.
INTENDED: list[tuple[str, str, re.Pattern[str]]] = [
    ("unknown macros", "kept as their names (\\LuaTeX reads 'LuaTeX') and warned about (LR314); pylatexenc drops them",
     re.compile("(?!)")),  # found by unknown_macros(), below
    ("macros pylatexenc does not know and we do", "TeX logos (\\TeX), font switches (\\it, \\small), "
     "\\emdash, \\slash, \\enquote{...}, \\textsuperscript{...}: text.py's tables; pylatexenc drops them",
     re.compile(r"\\(?:" + "|".join(sorted(OURS, key=len, reverse=True)) + r")(?![A-Za-z])")),
    ("a bare %", "BibTeX has no comments in values: a percent sign; pylatexenc drops the rest of the line",
     re.compile(r"(?<!\\)%")),
    ("a bare &", "an ampersand, as the author meant; pylatexenc reads an alignment tab and prints spaces",
     re.compile(r"(?<!\\)&")),
    ("\\mbox, \\url, \\href, \\-", "their text kept without <...> and hyphenation hints dropped; pylatexenc drops "
     "\\mbox{...} whole and shows \\- as a soft hyphen", re.compile(r"\\(?:mbox|url|href|-)")),
    ("TeX specials written with braces", "\\'{}, \\c{} and the like: accents on nothing", re.compile(r"\\\W\{\}")),
]  # fmt: skip


def _reference_text(raw: str) -> str:
    return " ".join(unicodedata.normalize("NFC", REFERENCE.latex_to_text(raw)).split())


def _reference_name(raw: str) -> str:
    raw = " ".join(raw.split())
    parts = parse_single_name_into_parts(raw)
    if raw.startswith("{") and raw.endswith("}") and len(parts.last) == 1 and not parts.first:
        return _reference_text(raw[1:-1])
    last = _reference_text(" ".join(parts.von + parts.last))
    initials = "".join(
        p[0].upper() for f in parts.first for p in re.split(r"[-.\s\u2010\u2011]+", _reference_text(f)) if p
    )
    jr = " ".join(_reference_text(j).rstrip(".") for j in parts.jr)
    return " ".join(x for x in (last, initials, jr) if x)


def _intended(raw: str) -> bool:
    return bool(unknown_macros(raw)) or any(p.search(raw) for _, _, p in INTENDED)


def _bibtexparser(text: str) -> tuple[dict[str, bm.Entry], list[tuple[int, int]], set[str]]:
    lib = bibtexparser.parse_string(text)
    entries: dict[str, bm.Entry] = {}
    for e in lib.entries:
        entries.setdefault(e.key, e)
    failed_lines = [
        ((b.start_line or 0) + 1, (b.start_line or 0) + 1 + (b.raw or "").count("\n")) for b in lib.failed_blocks
    ]
    strings = {s.key.lower() for s in lib.strings} | set(MONTHS)
    for b in lib.failed_blocks:  # bibtexparser's line numbers drift in long files: match by key too
        head = re.match(r"\s*@\w+\s*[{(]\s*([^,\s]*)", b.raw or "")
        if head:
            FAILED_KEYS.add(head.group(1))
    return entries, failed_lines, strings


FAILED_KEYS: set[str] = set()


@pytest.mark.parametrize("name", FILES)
def test_a_real_file_is_read_whole(name: str) -> None:
    text = (REAL / name).read_text(encoding="utf-8")
    diags = Diagnostics()
    refs = {r.key: r for r in parse_bib(text, name, diags)}
    theirs, failed_lines, strings = _bibtexparser(text)

    # 0 false errors: each error is a fault bibtexparser or Pandoc would also find
    for d in diags:
        if d.severity != "error":
            continue
        if d.code in ("LR300", "LR301"):
            key = re.search(r"(?:entry|key) '([^']*)'", d.message)
            if key and key.group(1) and not re.match(CITE_KEY, key.group(1)):
                continue  # a key no citation can name
            if "has no key" in d.message:
                continue
            near = any(first <= d.line <= last for first, last in failed_lines) or bool(
                key and key.group(1) in FAILED_KEYS
            )
            assert near, f"false error: {d.format_text()}"
        elif d.code == "LR307":
            macro = re.search(r"\(([^)]*)\)$", d.message)
            assert macro is not None
            names = [p.strip().lower() for p in macro.group(1).split("#") if p.strip()[:1] not in '{"']
            assert any(n not in strings and not n.isdigit() for n in names), f"false error: {d.format_text()}"
        else:
            pytest.fail(f"unexpected error: {d.format_text()}")

    # 0 entries lost or cut
    for key, entry in theirs.items():
        if not re.match(CITE_KEY, key):
            continue
        assert key in refs, f"{name}: entry '{key}' lost"
        ref = refs[key]
        if ref.broken:
            continue  # reported above, and matched to a failure bibtexparser found too
        for f in entry.fields:
            value = f.value if isinstance(f.value, str) else str(f.value)
            ours = ref.latex(f.key.lower())
            if f.key.lower() == "month" and value.lower() in MONTHS:
                value = MONTHS[value.lower()]
            if f.key.lower().startswith("month"):
                continue  # BibTeX predefines jan..dec; we keep their numbers, bibtexparser its own forms
            if "#" in value:
                # bibtexparser leaves concatenations unresolved: each literal piece must be in ours, in order
                pieces = [p[1:-1] for p in re.findall(r'"[^"]*"|\{(?:[^{}]|\{[^{}]*\})*\}', value)]
                assert re.search(".*".join(map(re.escape, pieces)), ours, re.S), (key, f.key, ours, value)
                continue
            if value.startswith('"') and value.count("{") > value.count("}") and ours.startswith(value[1:]):
                continue  # bibtexparser ends a quoted value at a '"' inside braces ("{"a}"); we read it whole
            if ref.where.keys.get(f.key.lower()) and ours != value and value.strip() != ours.strip():
                # bibtexparser leaves an undefined macro as its name; we report it (LR307) and keep it
                assert any(d.code == "LR307" and f"'{key}'" in d.message for d in diags), (
                    f"{name}: '{key}' field {f.key}: ours {ours!r}, bibtexparser {value!r}"
                )

    # decoded titles and names equal pylatexenc's, but for the intended differences
    differ = []
    for ref in refs.values():
        title = ref.latex("title")
        if title and not _intended(title) and ref.get("title") != _reference_text(title):
            differ.append((ref.key, title, ref.get("title"), _reference_text(title)))
        author = ref.latex("author")
        if author and not _intended(author):
            names = [n for n in split_multiple_persons_names(author) if n.strip().lower() != "others"]
            expected = [_reference_name(n) for n in names if n.strip()]
            if ref.authors != expected:
                differ.append((ref.key, author, ref.authors, expected))
    assert not differ, "\n".join(map(str, differ[:10]))


def test_the_corpus_is_real_and_large() -> None:
    entries = sum(
        len(
            re.findall(
                r"^\s*@(?!string|comment|preamble)\w+\s*[{(]", (REAL / f).read_text(encoding="utf-8"), re.M | re.I
            )
        )
        for f in FILES
    )
    assert len(FILES) >= 15 and entries >= 3000
    readme = (REAL / "README.md").read_text(encoding="utf-8")
    for f in FILES:
        assert f"`{f}`" in readme, f"{f} has no source and licence in tests/corpus/real/README.md"
