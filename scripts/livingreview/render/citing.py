"""How to cite the review itself: a study page as plain text, BibTeX and Scholar meta tags."""

from __future__ import annotations

import re
from typing import Any

from ..model.records import Trial
from .citations import page_url
from .escape import plain_text


def cite_this_page(cff: dict[str, Any], trial: Trial, site_url: str) -> dict[str, Any]:
    """How to cite a study page of the review: plain text, BibTeX and meta tags."""
    # One line each: the BibTeX is shown in a code block, which a line of backticks would end.
    title = plain_text(cff.get("title", "Living review"))
    version = plain_text(cff.get("version", ""))
    url = site_url.rstrip("/") + "/" + page_url(f"studies/{trial.id}.md")
    authors = plain_text(authors_of(cff))
    name, subtitle = plain_text(trial.name), plain_text(trial.title)
    updated = max([trial.verified, *(c.date for c in trial.history)])
    text = f"{authors}. {name}. In: {title}. Version {version}. Updated {updated.isoformat()}. Available from: {url}"
    key = re.sub(r"[^a-z0-9]", "", trial.id.lower())
    bibtex = "\n".join(
        [
            f"@online{{livingreview-{key},",
            f"  author  = {{{{{authors}}}}},",
            f"  title   = {{{{{name}}}: {subtitle}}},",
            f"  booktitle = {{{title}}},",
            f"  version = {{{version}}},",
            f"  date    = {{{updated.isoformat()}}},",
            f"  url     = {{{url}}},",
            "}",
        ]
    )
    meta = {
        "citation_title": f"{name}: {subtitle}",
        "citation_author": authors,
        "citation_publication_date": updated.strftime("%Y/%m/%d"),
        "citation_online_date": updated.strftime("%Y/%m/%d"),
        "citation_journal_title": title,
        "citation_public_url": url,
    }
    return {"text": text, "bibtex": bibtex, "meta": meta}


def authors_of(citation: dict[str, Any]) -> str:
    """The review's authors as CITATION.cff lists them, or "The editors"."""
    people = citation.get("authors") or []
    names = []
    for p in people:
        if isinstance(p, dict):
            names.append(p.get("name") or " ".join(x for x in (p.get("given-names"), p.get("family-names")) if x))
    return ", ".join(n for n in names if n) or "The editors"
