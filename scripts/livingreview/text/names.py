"""BibTeX author lists split into names, written the Vancouver way ("Maude SL").

Names are split as BibTeX splits them, on the value as written: at " and " outside
braces, then into first, von, last and Jr parts, with braces protecting what they
hold. Only then is each part decoded from LaTeX, so that ``{ATLAS Collaboration}``
stays one corporate author, ``G. Armour {Van Horn}`` is "Van Horn GA" and
``K{\\"u}nkele, A.`` is "Künkele A".
"""

from __future__ import annotations

import re

from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names

from .latex import decode

_INITIAL_SPLIT = re.compile(r"[-.\s\u2010\u2011]+")


def split_authors(field: str) -> tuple[list[str], bool]:
    """Authors in Vancouver form ("Maude SL") from a raw BibTeX name list; the flag is
    True after "and others"."""
    if not field.strip():
        return [], False
    names = split_multiple_persons_names(field)
    et_al = bool(names) and names[-1].strip().lower() == "others"
    if et_al:
        names = names[:-1]
    return [vancouver_name(n) for n in names if n.strip()], et_al


def is_corporate(name: str) -> bool:
    """True for a name wholly in braces, ``{World Health Organization}``: BibTeX keeps it
    as one last name, and so does Vancouver."""
    name = name.strip()
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for i, ch in enumerate(name):
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if depth == 0:
            return i == len(name) - 1
    return False


def vancouver_name(name: str) -> str:
    """One raw BibTeX name as Vancouver writes it: "von Last Initials Jr"."""
    name = " ".join(name.split())
    if is_corporate(name):
        return decode(name[1:-1])  # a corporate author, as written
    parts = parse_single_name_into_parts(name)
    last = decode(" ".join(parts.von + parts.last))
    initials = "".join(
        piece[0].upper() for first in parts.first for piece in _INITIAL_SPLIT.split(decode(first)) if piece
    )
    suffix = " ".join(decode(j).rstrip(".") for j in parts.jr)
    return " ".join(p for p in (last, initials, suffix) if p)
