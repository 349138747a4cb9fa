"""PubMed's MEDLINE text format ("PubMed" / .nbib export), read into candidates.

No well-kept parser of this format is on PyPI (``nbib`` was last released in 2021 and
reports no positions), and the format is small, so it is read here. Its grammar, from
NLM's "MEDLINE/PubMed Data Element (Field) Descriptions":

* a record is a run of lines; records are separated by blank lines and start with ``PMID-``;
* a field line is a tag of up to four capital letters, padded with spaces to four
  characters, then ``- `` and the value (``TI  - Title``, ``PMID- 29385370``);
* a line starting with six spaces continues the field above it;
* PubMed writes ``SO`` (the source citation) last, so a record without it was cut short.

Tags that NLM's list does not have are reported (LR803) and ignored.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..model.diagnostics import Diagnostics
from ..model.identifiers import registry_ids, year_of
from ..model.screening import Candidate
from ..model.where import Mark, Where
from .export import first_line, read_export

#: Every tag in NLM's MEDLINE/PubMed field descriptions.
TAGS = frozenset(
    [
        "AB",
        "AD",
        "AID",
        "AU",
        "AUID",
        "BTI",
        "CI",
        "CIN",
        "CN",
        "COI",
        "COIS",
        "CON",
        "CP",
        "CRDT",
        "CRF",
        "CRI",
        "CTDT",
        "CTI",
        "DA",
        "DCOM",
        "DDIN",
        "DEP",
        "DP",
        "DRDT",
        "DRIN",
        "ECF",
        "ECI",
        "ED",
        "EDAT",
        "EFR",
        "EIN",
        "EN",
        "FAU",
        "FED",
        "FIR",
        "FPS",
        "GN",
        "GR",
        "GS",
        "IP",
        "IR",
        "IRAD",
        "IS",
        "ISBN",
        "JID",
        "JT",
        "LA",
        "LID",
        "LR",
        "MH",
        "MHDA",
        "MID",
        "NM",
        "OAB",
        "OABL",
        "OCI",
        "OID",
        "ORI",
        "OT",
        "OTO",
        "OWN",
        "PB",
        "PG",
        "PHST",
        "PL",
        "PMC",
        "PMCR",
        "PMID",
        "PS",
        "PST",
        "PT",
        "RF",
        "RIN",
        "RN",
        "ROF",
        "RPF",
        "RPI",
        "RRF",
        "RRI",
        "SB",
        "SFM",
        "SI",
        "SO",
        "SPIN",
        "STAT",
        "TA",
        "TI",
        "TT",
        "UIN",
        "UOF",
        "VI",
        "VTI",
    ]
)
_FIELD = re.compile(r"^([A-Z]{2,4}) {0,2}- (.*)$")
_CONTINUED = "      "


def parse(path: Path, shown: str, diags: Diagnostics) -> list[Candidate]:
    """The records of a MEDLINE export; problems are reported with their line and column."""
    text = read_export(path, shown, diags)
    if text is None:
        return []
    if not text.lstrip().startswith("PMID-"):
        diags.add(
            "LR801",
            Mark(shown, first_line(text), 1),
            "this is not PubMed's MEDLINE format: it does not start with 'PMID- '",
            "in PubMed choose Send to > Citation manager (or Save > Format: PubMed), or pass the right --source",
        )
        return []
    records: list[tuple[int, list[tuple[str, str, int]]]] = []
    current: list[tuple[str, str, int]] = []
    ok = True
    for n, line in enumerate(text.split("\n"), 1):
        if not line.strip():
            if current:
                records.append((current[0][2], current))
                current = []
            continue
        if line.startswith(_CONTINUED) and current:
            tag, value, at = current[-1]
            current[-1] = (tag, f"{value} {line.strip()}", at)
            continue
        m = _FIELD.match(line)
        if not m:
            diags.add(
                "LR804",
                Mark(shown, n, 1),
                f"line {n} is neither a field ('TAG - value') nor a continuation (six spaces, then text)",
                "export the search again; do not wrap or edit lines by hand",
            )
            ok = False
            continue
        tag, value = m.group(1), m.group(2).strip()
        if tag not in TAGS:
            diags.add(
                "LR803",
                Mark(shown, n, 1),
                f"unknown MEDLINE tag '{tag}'",
                "the field is ignored; check that the file is a PubMed export",
            )
            continue
        if tag == "PMID" and current:
            records.append((current[0][2], current))
            current = []
        current.append((tag, value, n))
    if current:
        records.append((current[0][2], current))
    if records and not any(tag == "SO" for tag, _, _ in records[-1][1]):
        start = records[-1][0]
        diags.add(
            "LR802",
            Mark(shown, start, 1),
            f"the record starting on line {start} has no SO (source) field, which PubMed writes last",
            "the file was cut short: export the search again",
        )
        ok = False
    if not ok:
        return []
    return [c for start, fields in records if (c := _candidate(shown, start, fields, diags))]


def _candidate(shown: str, start: int, fields: list[tuple[str, str, int]], diags: Diagnostics) -> Candidate | None:
    values: dict[str, list[str]] = {}
    for tag, value, _ in fields:
        values.setdefault(tag, []).append(value)

    def one(tag: str) -> str | None:
        return values.get(tag, [None])[0]

    title = one("TI") or one("BTI")
    pmid = one("PMID")
    if not title:
        diags.add(
            "LR805",
            Mark(shown, start, 1),
            f"PubMed record {pmid} has no title (TI)",
            "export the search again with full records",
        )
        return None
    doi = next(
        (v[: -len(" [doi]")] for v in values.get("LID", []) + values.get("AID", []) if v.endswith(" [doi]")), None
    )
    registry: list[str] = []
    for si in values.get("SI", []):
        registry += [r for r in registry_ids(si) if r not in registry]
    return Candidate(
        title=title.rstrip("."),
        kind="publication",
        authors=values.get("AU", []),
        journal=one("TA"),
        year=year_of(one("DP")),
        doi=doi,
        pmid=pmid,
        registry=registry,
        where=Where(shown, (start, 1)),
    )
