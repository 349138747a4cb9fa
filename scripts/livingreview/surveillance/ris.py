"""RIS exports (Embase, Web of Science, Scopus, Cochrane CENTRAL, reference managers), read with rispy.

rispy parses the records but says nothing of where they are, and drops a record that
has no ``ER`` end tag without a word. So the lines are scanned first, for the
positions of the records and of unknown tags and for a last record cut short; then
rispy reads the text and its records are paired with their first lines.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from ..model.diagnostics import Diagnostics
from ..model.identifiers import norm_doi, registry_ids, year_of
from ..model.screening import Candidate
from ..model.where import Mark, Where
from .export import first_line, read_export

_TAG = re.compile(r"^([A-Z][A-Z0-9])  -(?: |$)")
_PMID = re.compile(r"^(?:PMID:?\s*|MEDLINE:)?([1-9][0-9]{0,7})$")


def parse(path: Path, shown: str, diags: Diagnostics) -> list[Candidate]:
    text = read_export(path, shown, diags)
    if text is None:
        return []
    lines = text.split("\n")
    start = first_line(text)
    if not _TAG.match(lines[start - 1]) or not lines[start - 1].startswith("TY  -"):
        diags.add(
            "LR801",
            Mark(shown, start, 1),
            "this is not an RIS file: it does not start with 'TY  - '",
            "export the search as RIS (Embase, Web of Science, Scopus: 'RIS format'), or pass the right --source",
        )
        return []
    starts: list[int] = []
    open_record = False
    for n, line in enumerate(lines, 1):
        m = _TAG.match(line)
        if not m:
            continue
        tag = m.group(1)
        if tag == "TY":
            starts.append(n)
            open_record = True
        elif tag == "ER":
            open_record = False
        elif tag not in rispy.TAG_KEY_MAPPING:
            diags.add("LR803", Mark(shown, n, 1), f"unknown RIS tag '{tag}'", "the field is ignored")
    if open_record:
        diags.add(
            "LR802",
            Mark(shown, starts[-1], 1),
            f"the record starting on line {starts[-1]} has no end tag 'ER  - '",
            "the file was cut short: export the search again",
        )
        return []
    records = rispy.loads(text, skip_unknown_tags=True)
    out: list[Candidate] = []
    for at, rec in zip(starts, records, strict=True):
        c = _candidate(shown, at, rec, diags)
        if c is not None:
            out.append(c)
    return out


def _candidate(shown: str, at: int, rec: dict[str, Any], diags: Diagnostics) -> Candidate | None:
    title = rec.get("title") or rec.get("primary_title")
    if not title:
        diags.add(
            "LR805",
            Mark(shown, at, 1),
            f"the record starting on line {at} has no title (TI or T1)",
            "export the search again with full records",
        )
        return None
    pmid = None
    for value in [rec.get("accession_number") or "", *(rec.get("notes") or [])]:
        if m := _PMID.match(str(value).strip()):
            pmid = m.group(1)
            break
    texts = [title, *(rec.get("urls") or []), *(rec.get("notes") or []), rec.get("abstract") or ""]
    registry = registry_ids(" ".join(texts))
    doi = norm_doi(rec.get("doi")) or None
    # the abbreviated name first (JA, J2), then the full one (JO, JF, T2)
    names = ("alternate_title2", "alternate_title1", "journal_name", "alternate_title3", "secondary_title")
    journal = next((rec[n] for n in names if rec.get(n)), None)
    return Candidate(
        title=title.strip().rstrip("."),
        kind="publication",
        authors=list(rec.get("authors") or rec.get("first_authors") or []),
        journal=journal,
        year=year_of(rec.get("year") or rec.get("publication_year") or rec.get("date")),
        doi=doi,
        pmid=pmid,
        registry=registry,
        where=Where(shown, (at, 1)),
    )
