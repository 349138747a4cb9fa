"""The one way text from the data reaches a page: every context it can land in, escaped here.

Text from the records, the references, the glossary, the tables and flowcharts and the
pages' front matter is written by contributors, and any of it may be hostile. It
reaches the site in one of these forms, and only through these functions (or Jinja's
autoescape, which is :func:`html_text`):

- :func:`html_text`: HTML text or a quoted attribute value (``markupsafe.escape``).
- :func:`markdown_text`: plain text on one line of Markdown (a heading, a table cell, a
  link's text): HTML escaped and every character Markdown or its attribute lists act on
  written as an entity, so it reads as itself and makes no markup. The ``cell`` filter.
- :func:`reference_html`: a formatted reference in a list Markdown reads.
- :func:`markdown_escaped`: a field written in Markdown (a summary, a note), its HTML
  escaped around its citations, sanitized with nh3 (:mod:`livingreview.text.markup`).
- :func:`plain_text` and :func:`front_matter_value`: text the theme prints itself (a page's
  title and description, the citation meta tags), as plain text on one line, handed over
  in the front matter as JSON; the project's template overrides
  (``templates/overrides``) escape it where the theme would not.
- :func:`script_json`: data for a ``<script type="application/json">`` block.
- :func:`xml_text` and :func:`xml_attribute`: the Atom feed.

Tags from the data never become live: LR208 warns where an editor wrote HTML, and the
page shows it as text.
"""

from __future__ import annotations

import json
import re
from typing import Any
from xml.sax.saxutils import escape as _xml_escape
from xml.sax.saxutils import quoteattr

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..model.records import Reference
from ..text.markup import sanitize_escaped
from .vancouver import format_html

html_text = escape

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}
#: HTML's own characters, Markdown's (emphasis, code, links, tables, headings, escapes)
#: and the braces of attribute lists (``{ onclick=... }``).
_MARKDOWN = re.compile(r"[&<>\"'\\`*_\[\]|#{}]")


def markdown_text(text: str) -> Markup:
    """Plain text for a Markdown table cell or line: HTML escaped, Markdown neutral."""
    text = " ".join(str(text).split())
    return Markup(_MARKDOWN.sub(lambda m: _ENTITIES.get(m.group(0), f"&#{ord(m.group(0))};"), text))


def markdown_escaped(text: str) -> str:
    """A Markdown field of a record whose HTML the caller has escaped (around its
    citations, :meth:`.citations.Citer.text`), sanitized, safe to hand to the engine."""
    return sanitize_escaped(text)[0]


def reference_html(ref: Reference) -> Markup:
    """A formatted reference (:func:`.vancouver.format_html`, escaped there) for a list item
    whose content Markdown reads: no brace in it may start an attribute list."""
    return Markup(str(format_html(ref)).replace("{", "&#123;").replace("}", "&#125;"))


def plain_text(text: Any) -> str:
    """Text for the theme to print: one line, no control characters."""
    return " ".join(_CONTROL.sub(" ", str(text)).split())


def front_matter_value(text: Any) -> Markup:
    """A front matter value: plain text as a JSON string, which YAML reads back unchanged
    (``<``, ``>``, ``&`` and ``'`` written as ``\\u`` escapes, so no engine reads markup in it)."""
    return Markup(htmlsafe_json_dumps(plain_text(text)))


def script_json(data: Any) -> Markup:
    """JSON that cannot end its ``<script>`` element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


#: Characters XML 1.0 does not allow at all (an Atom reader would reject the feed).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: Any) -> str:
    return _xml_escape(_CONTROL.sub("", str(text)))


def xml_attribute(text: Any) -> str:
    """A quoted XML attribute value, quotes included."""
    return quoteattr(_CONTROL.sub("", str(text)))
