"""Titles in sentence case, as NLM prints them, from titles written in BibTeX's title case.

BibTeX protects what must keep its capitals with braces (``{CD19}``, ``{T}-Cell``);
everything else in a title may change case. NLM (and CSL, and Pandoc's BibTeX reader)
capitalise only the first word, the first word after a colon (raised if need be) and what the braces,
the acronyms and the mixed-case words (``McDonald``, ``iPSC``) hold.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"\\[A-Za-z]+|[{}]|[^\W\d_]+")
_BREAK = re.compile(r"[:?!]\s*$")


def sentence_case(title: str) -> str:
    """A raw (LaTeX) title with its unprotected capitalised words lowered."""
    out: list[str] = []
    depth, last, first = 0, 0, True
    for m in _WORD.finditer(title):
        token = m.group(0)
        if token == "{":
            depth += 1
            if depth == 1 and first and not title[last : m.start()].strip(" \"'`("):
                first = False  # a title that starts in braces keeps them
            continue
        if token == "}":
            depth = max(depth - 1, 0)
            continue
        if token.startswith("\\") or depth:
            continue
        before = title[last : m.start()]
        out.append(before)
        keep = first or bool(_BREAK.search("".join(out)))
        first_word, first = first, False
        # a word that runs into braces or a macro (M{\"u}ller) is one word with them: left alone
        joined = title[m.end() : m.end() + 1] in ("{", "\\") or title[m.start() - 1 : m.start()] == "}"
        if not keep and not joined and token[:1].isupper() and (len(token) == 1 or token[1:].islower()):
            token = token.lower()
        elif keep and not first_word and not joined and token.islower():
            token = token[:1].upper() + token[1:]  # a subtitle starts with a capital
        out.append(token)
        last = m.end()
    out.append(title[last:])
    return "".join(out) if last else title
