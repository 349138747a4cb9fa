"""``livingreview search import``: one search export in, a search and its screening log out.

The export is read by the reader of its format, each hit is matched against what the
review knows (:mod:`.dedup`), and two files are written: ``content/searches/<id>.yaml``
(the search, its hit count and the duplicates merged away) and
``content/screening/<id>.yaml`` (every other hit, awaiting screening). Nothing is
written when the export has an error.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..load.loader import load_review
from ..model.diagnostics import Diagnostics
from ..model.review import Review
from ..model.screening import Candidate, Duplicate, Entry, Search
from . import ctgov, medline, ris
from .dedup import split
from .files import SCREENING, SEARCHES, log_text, search_text

Reader = Callable[[Path, str, Diagnostics], list[Candidate]]
READERS: dict[str, Reader] = {"pubmed": medline.parse, "ris": ris.parse, "ctgov": ctgov.parse}
DATABASES = {"pubmed": "PubMed", "ris": "Bibliographic database (RIS export)", "ctgov": "ClinicalTrials.gov"}
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "in",
        "on",
        "for",
        "with",
        "and",
        "to",
        "by",
        "from",
        "at",
        "as",
        "is",
        "are",
        "or",
        "after",
        "versus",
        "vs",
    ]
)


@dataclass
class Imported:
    search: Search
    entries: list[Entry]
    duplicates: list[Duplicate]
    written: list[Path]


def import_search(
    root: Path,
    export: Path,
    source: str,
    date: dt.date,
    query: str,
    diags: Diagnostics,
    database: str | None = None,
) -> Imported | None:
    """Read ``export`` and write the search and its log; None (and nothing written) on an error."""
    hits = READERS[source](export, export.name, diags)
    if any(d.severity == "error" for d in diags):
        return None
    if database is None and source == "ris":
        database = _ris_database(export)
    review, _ = load_review(root)
    search_id = _search_id(root, review, date, source)
    taken = _taken(review)
    entries, dups = split(review, hits, lambda c: _entry_id(c, taken))
    search = Search(
        id=search_id,
        source=source,  # type: ignore[arg-type]
        database=database or DATABASES[source],
        query=query,
        date=date,
        hits=len(hits),
        file=export.name,
        duplicates=dups,
    )
    paths = [root / SEARCHES / f"{search_id}.yaml", root / SCREENING / f"{search_id}.yaml"]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
    paths[0].write_text(search_text(search), encoding="utf-8")
    paths[1].write_text(log_text(search_id, entries), encoding="utf-8")
    return Imported(search, entries, dups, paths)


def _ris_database(export: Path) -> str | None:
    """The database an RIS export names in its DB tag (Embase, Web of Science...), if all its records agree."""
    found = set(re.findall(r"^DB  - (.+?)\s*$", export.read_text(encoding="utf-8-sig"), re.MULTILINE))
    return found.pop() if len(found) == 1 else None


def _search_id(root: Path, review: Review, date: dt.date, source: str) -> str:
    base = f"{date.isoformat()}-{source}"
    n, sid = 1, base
    while sid in review.searches or (root / SEARCHES / f"{sid}.yaml").exists():
        n += 1
        sid = f"{base}-{n}"
    return sid


def _taken(review: Review) -> set[str]:
    return {e.id for _, e in review.entries()} | {k.lower() for k in review.references}


def _ascii_words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKD", text)
    return re.findall(r"[a-z0-9]+", "".join(ch for ch in text if not unicodedata.combining(ch)).lower())


def _entry_id(c: Candidate, taken: set[str]) -> str:
    """A readable id: the registry id of a registration, else surname, year and first word, as BibTeX keys are."""
    if c.kind == "registration" and c.registry:
        base = "-".join(_ascii_words(c.registry[0])) or "registration"
    else:
        surname = _ascii_words(c.authors[0].split(",")[0].split(" ")[0]) if c.authors else []
        word = next((w for w in _ascii_words(c.title or "") if w not in _STOP and not w.isdigit()), "")
        base = "".join(surname[:1]) + (str(c.year) if c.year else "") + word
        base = base or (f"pmid-{c.pmid}" if c.pmid else "candidate")
    sid, n = base, 1
    while sid in taken:
        n += 1
        sid = f"{base}-{n}"
    taken.add(sid)
    return sid
