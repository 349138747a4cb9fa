"""Numbered citations on one page, in order of first use, with the page's reference list."""

from __future__ import annotations

import functools
import html
import posixpath
import re
from collections import defaultdict
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from ..model.records import Reference
from ..text import cite
from .escape import markdown_escaped, reference_html
from .escape import markdown_text as escape_inline
from .searched import unsearched
from .vancouver import short_label

__all__ = ["CitedBy", "Citer", "anchor", "escape_inline", "md_link", "page_url", "relative_url"]


def anchor(key: str) -> str:
    """An HTML id for a BibTeX key (keys may hold ':' or '/')."""
    return "ref-" + re.sub(r"[^A-Za-z0-9_-]", "-", key)


def page_url(path: str) -> str:
    """The directory-style URL of a Markdown page: studies/eliana.md -> studies/eliana/."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


@functools.lru_cache(maxsize=1 << 16)
def md_link(from_page: str, to_page: str, fragment: str = "") -> str:
    """A Markdown link target between source pages, which the engine rewrites and checks."""
    target = posixpath.relpath(to_page, posixpath.dirname(from_page) or ".")
    return target + (f"#{fragment}" if fragment else "")


def relative_url(from_page: str, to_page: str, fragment: str = "") -> str:
    """A link from one page to another that works with directory URLs."""
    base = page_url(from_page).count("/")
    target = page_url(to_page)
    url = "../" * base + target
    return (url or "./") + (f"#{fragment}" if fragment else "")


@dataclass
class CitedBy:
    """Which pages cite each key: the bibliography lists them."""

    pages: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    def add(self, key: str, page: str, title: str) -> None:
        self.pages[key][page] = title


class Citer:
    """Numbers citations on one page and builds its reference list."""

    def __init__(self, references: dict[str, Reference], page: str, title: str, cited_by: CitedBy) -> None:
        self.references = references
        self.page = page
        self.title = title
        self.cited_by = cited_by
        self.numbers: dict[str, int] = {}

    def number(self, key: str) -> int:
        if key not in self.numbers:
            self.numbers[key] = len(self.numbers) + 1
            self.cited_by.add(key, self.page, self.title)
        return self.numbers[key]

    def cite(self, items: list[cite.CiteItem] | tuple[cite.CiteItem, ...]) -> Markup:
        """``[1, 3]`` as superscript links, each with the short reference on hover."""
        # Built with f-strings and escape(): Markup.format costs ten times more, and a
        # large review renders a hundred thousand of these.
        links = []
        for item in items:
            ref = self.references.get(item.key)
            # Pandoc's prefix ("see", "compare") reads before its number, as CSL styles print it
            before = f"{escape(item.prefix)} " if item.prefix else ""
            if ref is None:
                links.append(f'{before}<span class="lr-cite-missing">?{escape(item.key)}</span>')
                continue
            n = self.number(item.key)
            hover = short_label(ref) + (f", {item.locator}" if item.locator else "")
            links.append(
                f'{before}<a href="#cite-{n}" title="{escape(hover)}" data-lr-key="{escape(item.key)}">{n}</a>'
            )
        separator = "; " if any(item.prefix for item in items) else ", "
        # The brackets are character references: a literal "[" sends the engine's Markdown
        # link pattern looking for a "](" through the rest of the cell, for every citation,
        # which was a third of the time it took to convert a study page. Readers, the search
        # index and screen readers get the same "[1]".
        return Markup(f'<sup class="lr-cite">&#91;{separator.join(links)}&#93;</sup>')

    def key(self, key: str, locator: str = "") -> Markup:
        return self.cite([cite.CiteItem(key, locator)])

    def text(self, markdown: str) -> Markup:
        """Markdown from the data: HTML made inert and sanitized, citations numbered.

        Citations are found in the text as written (so that one in an HTML comment or
        code stays text, as the checker saw it) and the text around them is escaped once;
        each citation waits behind a placeholder while nh3 looks at the rest."""
        numbered: list[str] = []

        def hold(c: cite.Citation) -> str:
            numbered.append(str(self.cite(c.items)))
            return f"{_HOLD[0]}{len(numbered) - 1}{_HOLD[1]}"

        safe = markdown_escaped(cite.replace(markdown, hold, _inert))
        return Markup(_HELD.sub(lambda m: numbered[int(m.group(1))], safe))

    def inline(self, markdown: str) -> Markup:
        """Like :meth:`text` but on one line, for table cells."""
        return Markup(" ".join(self.text(markdown).split()).replace("|", "&#124;"))

    def reference_list(self, bibliography_page: str = "bibliography.md") -> Markup:
        if not self.numbers:
            return Markup("")
        items = []
        for key, n in sorted(self.numbers.items(), key=lambda kv: kv[1]):
            back = md_link(self.page, bibliography_page, anchor(key))
            # Markdown links inside the HTML (md_in_html), so every engine resolves them the same way
            items.append(
                f'<li id="cite-{n}" value="{n}" markdown="span">{reference_html(self.references[key])} '
                f'[&#8599;]({escape(back)} "In the bibliography")</li>'
            )
        # A page that gathers many studies (the rates, a comparison table) lists hundreds or
        # thousands of references; each is found on its own studies' pages.
        return Markup(f'<ol class="lr-references"{unsearched(items)} markdown="1">\n' + "\n".join(items) + "\n</ol>")


class Prose(Markup):
    """Markdown an editor wrote as a page (a narrative page, the editors' guide): its
    headings, lists and rules are the page's own structure. Every other value a template
    puts on a page is text inside the template's structure and must never add to it
    (tests/test_outline.py holds this for every page)."""

    __slots__ = ()


def _inert(text: str) -> str:
    return html.escape(text, quote=False)


#: Private-use characters around a citation's number: Markdown and nh3 leave them alone.
_HOLD = ("\ue000", "\ue001")
_HELD = re.compile(f"{_HOLD[0]}(\\d+){_HOLD[1]}")
