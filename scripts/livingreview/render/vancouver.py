"""Formatting references the way medical readers expect (Vancouver / ICMJE style).

Returns HTML-safe :class:`markupsafe.Markup`; every piece of BibTeX text is escaped.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

from ..model.records import Reference
from ..text.case import sentence_case
from ..text.latex import decode

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


_ENDPOINT = re.compile(r"^(.*?)(\d+)$")


def page_range(pages: str) -> str:
    """NLM's page ranges: the second number without the digits it shares with the first
    (742-53, e816-26, 788.e1-9); a range that runs backwards is printed as written."""
    pages = pages.strip()
    if not pages:
        return ""
    parts = [p.strip() for p in re.split(r"\s*(?:--?|\u2013|\u2014)\s*", pages)]
    if len(parts) != 2 or not all(parts):
        return pages.replace("--", "-").replace("\u2013", "-")
    first, last = parts
    a, b = _ENDPOINT.match(first), _ENDPOINT.match(last)
    if not a or not b:
        return f"{first}-{last}"
    if b.group(1) not in ("", a.group(1)):
        return f"{first}-{last}"
    x, y = a.group(2), b.group(2)
    if len(x) != len(y) or int(y) <= int(x):
        return f"{first}-{last}"
    i = 0
    while i < len(x) - 1 and x[i] == y[i]:
        i += 1
    return f"{first}-{y[i:]}"


_MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def _month(value: str) -> str:
    value = value.strip().lower()
    if value.isdigit() and 1 <= int(value) <= 12:
        return _MONTHS[int(value) - 1]
    return next((m for m in _MONTHS if value.startswith(m.lower())), "")


def _date(ref: Reference) -> str:
    """Year and, when the entry has one, the month: "2023 Jan"."""
    month = _month(ref.get("month"))
    return f"{ref.year} {month}" if month and ref.year else ref.year


def cited_date(urldate: str) -> str:
    """2025-11-09 -> "2025 Nov 9", as NLM writes the date a web source was consulted."""
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})$", urldate.strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        return urldate.strip()
    return f"{m.group(1)} {_MONTHS[int(m.group(2)) - 1]} {int(m.group(3))}"


def title(ref: Reference) -> str:
    """The title in sentence case, as NLM prints article titles."""
    return ref.memo("nlm_title", lambda r: decode(sentence_case(r.latex("title"))).rstrip(". "))


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


def is_web(ref: Reference) -> bool:
    """A source consulted on the web: NLM marks it "[Internet]" and says when."""
    return ref.entry_type == "online" or (ref.entry_type == "misc" and bool(ref.get("url")))


def format_text(ref: Reference) -> str:
    """The reference as plain text in NLM's Vancouver style, without links; notes are not
    part of a reference (the bibliography shows them apart)."""
    parts: list[str] = []
    if ref.authors:
        parts.append(_authors(ref) + ".")
    web = is_web(ref)
    heading = title(ref)
    if heading:
        end = "" if heading[-1] in "?!" and not web else "."
        parts.append(heading + (" [Internet]" if web else "") + end)
    kind = ref.entry_type
    date = _date(ref)
    cited = f" [cited {cited_date(ref.get('urldate'))}]" if web and ref.get("urldate") else ""
    if kind == "article":
        journal = ref.get("journal").replace(".", "").strip()
        volume, number, pages = ref.get("volume"), ref.get("number"), page_range(ref.get("pages"))
        tail = date
        if volume or number:
            tail += ";" + volume + (f"({number})" if number else "")
            if pages:
                tail += f":{pages}"
        elif pages:
            tail += f";{pages}"  # no volume: the pages follow the date, as in vancouver.csl
        parts.append(f"{journal}. {tail}." if journal else f"{tail}.")
    elif kind in ("inproceedings", "incollection"):
        pages = page_range(ref.get("pages"))
        parts.append(f"In: {ref.get('booktitle') or ref.get('journal')}. {_publisher(ref)}{date}.")
        if pages:
            parts.append(f"p. {pages}.")
    elif kind == "book":
        parts.append(f"{_publisher(ref)}{date}.")
    else:
        how = ref.get("publisher") or ref.get("organization") or ref.get("howpublished")
        how = how or ref.get("institution") or ref.get("school")
        parts.append(f"{how + '; ' if how else ''}{date}{cited}.")
    if web and ref.get("url"):
        parts.append(f"Available from: {ref.get('url')}")
    return " ".join(p for p in parts if p.strip(". "))


def _publisher(ref: Reference) -> str:
    """ "Place: Publisher; " where the entry names them."""
    place, publisher = ref.get("address"), ref.get("publisher")
    text = ": ".join(p for p in (place, publisher) if p)
    return f"{text}; " if text else ""


_MD_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
_MD_SPECIAL = re.compile(r"[&<>\"'\\`*_\[\]|#]")


def md_safe(text: str) -> Markup:
    """Text that reads the same as HTML and as Markdown: tags escaped, emphasis and links
    neutral. One pass over the text, so each character is escaped exactly once
    ("O'Reilly" becomes O&#39;Reilly, never O&amp;#39;Reilly)."""
    return Markup(_MD_SPECIAL.sub(lambda m: _MD_ENTITIES.get(m.group(0)) or f"&#{ord(m.group(0))};", text))


def format_html(ref: Reference) -> Markup:
    """The reference with its DOI / PubMed / registry links."""
    return ref.memo("format_html", _format_html)


def _format_html(ref: Reference) -> Markup:
    parts: list[str] = [md_safe(format_text(ref))]
    parts += [f'<a href="{escape(url)}" class="lr-reflink">{escape(label)}</a>' for label, url in links(ref)]
    return Markup(" ".join(parts))
