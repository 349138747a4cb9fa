"""What makes two mentions of a publication or a trial registration the same one.

DOIs compare without their resolver prefix and without case (DOIs are case-insensitive);
PubMed ids as digits; registry ids (ClinicalTrials.gov NCT numbers, ChiCTR and EudraCT
numbers) as the register writes them, ignoring case. Titles compare after dropping case,
punctuation and markup, so that "B-Cell" and "B cell" agree. The screening checks and
the importers' de-duplication both use these, so they can never disagree on "the same".
"""

from __future__ import annotations

import re
import unicodedata

from .records import Reference
from .screening import Candidate

_NCT = r"NCT\d{8}"
_CHICTR = r"ChiCTR(?:-[A-Z]{2,6}-)?\d{7,10}"
_EUDRACT = r"(?<![\d-])\d{4}-\d{6}-\d{2}(?![\d-])"
#: Registry ids inside any text (a title, a URL, a secondary id).
_FIND = re.compile(rf"\b(?:{_NCT}|{_CHICTR})\b|{_EUDRACT}", re.IGNORECASE)
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def norm_doi(doi: str | None) -> str:
    return _DOI_PREFIX.sub("", (doi or "").strip()).lower()


def norm_registry(reg: str) -> str:
    return reg.strip().upper()


def registry_ids(text: str | None) -> list[str]:
    """Registry ids mentioned in ``text``, in the register's spelling, without repeats."""
    out: list[str] = []
    for m in _FIND.finditer(text or ""):
        found = m.group(0)
        found = "ChiCTR" + found[6:] if found.lower().startswith("chictr") else found.upper()
        if found not in out:
            out.append(found)
    return out


def title_key(title: str | None) -> str:
    """A title reduced to lower-case words: what fuzzy matching compares."""
    text = unicodedata.normalize("NFKD", title or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def year_of(text: str | None) -> int | None:
    m = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", text or "")
    return int(m.group(1)) if m else None


def ref_registrations(ref: Reference) -> list[str]:
    """The registry ids a BibTeX entry *is* (a registration's own record), not ones it mentions."""
    if ref.entry_type not in ("online", "misc", "electronic", "www") or ref.doi or ref.pmid:
        return []
    return registry_ids(" ".join([ref.key, ref.get("url"), ref.get("title")]))


def is_publication(c: Candidate, ref: Reference) -> bool:
    """True when the candidate and the BibTeX entry are one publication or one registration."""
    if c.ref:
        return c.ref == ref.key
    if c.doi and ref.doi and norm_doi(c.doi) == norm_doi(ref.doi):
        return True
    if c.pmid and ref.pmid and c.pmid.strip() == ref.pmid.strip():
        return True
    if c.kind == "registration" and c.registry:
        return norm_registry(c.registry[0]) in {norm_registry(r) for r in ref_registrations(ref)}
    return False
