"""Formatting references the way medical readers expect (Vancouver / ICMJE style).

Returns HTML-safe :class:`markupsafe.Markup`; every piece of BibTeX text is escaped.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..model.records import Reference

MAX_AUTHORS = 6
NCT = re.compile(r"NCT\d{8}")


def surname(author: str) -> str:
    """ "Maude SL" -> "Maude"; corporate authors stay whole."""
    parts = author.rsplit(" ", 1)
    return parts[0] if len(parts) == 2 and parts[1].isupper() and len(parts[1]) <= 4 else author


def short_label(ref: Reference) -> str:
    """ "Maude et al. 2018": what a citation's hover shows."""
    return ref.memo("short_label", _short_label)


def _short_label(ref: Reference) -> str:
    year = ref.year or "n.d."
    if not ref.authors:
        org = ref.get("organization") or ref.get("howpublished")
        if ref.entry_type == "online" and org:
            return f"{org} {year}"
        title = ref.get("title")
        return f"{title[:40]}{'...' if len(title) > 40 else ''} {year}"
    first = surname(ref.authors[0])
    if len(ref.authors) == 1 and not ref.et_al:
        return f"{first} {year}"
    if len(ref.authors) == 2 and not ref.et_al:
        return f"{first} and {surname(ref.authors[1])} {year}"
    return f"{first} et al. {year}"


def _authors(ref: Reference) -> str:
    names = ref.authors[:MAX_AUTHORS]
    text = ", ".join(names)
    if ref.et_al or len(ref.authors) > MAX_AUTHORS:
        text += ", et al"
    return text


def _pages(pages: str) -> str:
    return pages.replace("--", "–").replace("-", "–") if pages else ""


def nct_ids(ref: Reference) -> list[str]:
    found = NCT.findall(" ".join([ref.get("nct"), ref.get("url"), ref.get("title"), ref.get("note")]))
    return sorted(set(found))


def links(ref: Reference) -> list[tuple[str, str]]:
    """(label, url) pairs: DOI, PubMed, ClinicalTrials.gov, else the URL."""
    out = []
    if ref.doi:
        out.append(("DOI", f"https://doi.org/{ref.doi}"))
    if ref.pmid:
        out.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{ref.pmid}/"))
    for nct in nct_ids(ref):
        out.append((nct, f"https://clinicaltrials.gov/study/{nct}"))
    url = ref.get("url")
    if url and not out and url.startswith(("https://", "http://")):
        out.append(("Link", url))
    return out


def format_text(ref: Reference) -> str:
    """The reference as plain text, without links."""
    parts: list[str] = []
    if ref.authors:
        parts.append(_authors(ref) + ".")
    title = ref.get("title").rstrip(".")
    if title:
        parts.append(title + ".")
    kind = ref.entry_type
    year = ref.year
    if kind == "article":
        journal = ref.get("journal").rstrip(".")
        volume, number, pages = ref.get("volume"), ref.get("number"), _pages(ref.get("pages"))
        tail = year
        if volume:
            tail += f";{volume}"
            if number:
                tail += f"({number})"
        if pages:
            tail += f":{pages}"
        parts.append(f"{journal}. {tail}.".strip() if journal else f"{tail}.")
    elif kind in ("inproceedings", "incollection"):
        parts.append(f"In: {ref.get('booktitle') or ref.get('journal')}. {year}.")
    elif kind == "book":
        parts.append(f"{ref.get('publisher')}; {year}.")
    elif kind == "online":
        org = ref.get("organization") or ref.get("howpublished")
        parts.append(f"{org + '. ' if org else ''}{year}.")
        if ref.get("url"):
            parts.append(f"Available from: {ref.get('url')}")
    else:
        how = ref.get("howpublished") or ref.get("institution") or ref.get("school")
        parts.append(f"{how + '; ' if how else ''}{year}.")
    note = ref.get("note")
    if note:
        parts.append(note.rstrip(".") + ".")
    return " ".join(p for p in parts if p.strip(". "))


def md_safe(text: str) -> Markup:
    """Text that reads the same as HTML and as Markdown: tags escaped, emphasis and links neutral."""
    return Markup(re.sub(r"[\\`*_\[\]|#]", lambda m: f"&#{ord(m.group(0))};", str(escape(text))))


def format_html(ref: Reference) -> Markup:
    """The reference with its DOI / PubMed / registry links."""
    return ref.memo("format_html", _format_html)


def _format_html(ref: Reference) -> Markup:
    parts: list[str] = [md_safe(format_text(ref))]
    parts += [f'<a href="{escape(url)}" class="lr-reflink">{escape(label)}</a>' for label, url in links(ref)]
    return Markup(" ".join(parts))
