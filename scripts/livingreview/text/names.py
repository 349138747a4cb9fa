"""BibTeX author lists split into names, written the Vancouver way ("Maude SL")."""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from .latex import decode


def split_authors(field: str) -> tuple[list[str], bool]:
    """Authors in Vancouver form ("Maude SL"); the flag is True after "and others"."""
    if not field.strip():
        return [], False
    names = split_multiple_persons_names(field)
    et_al = bool(names) and names[-1].strip().lower() == "others"
    if et_al:
        names = names[:-1]
    return [vancouver_name(n) for n in names], et_al


def vancouver_name(name: str) -> str:
    name = name.strip()
    if name.startswith("{") and name.endswith("}"):
        return decode(name[1:-1])  # a corporate author, kept whole
    parts = parse_single_name_into_parts(name)
    last = " ".join(parts.von + parts.last)
    initials = "".join(
        piece[0].upper() for first in parts.first for piece in re.split(r"[-.\s]+", decode(first)) if piece
    )
    suffix = " " + " ".join(parts.jr) if parts.jr else ""
    return decode(f"{last} {initials}".strip()) + suffix
