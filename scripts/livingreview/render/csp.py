"""The Content Security Policy every page carries: scripts from the site, and the theme's
few inline scripts by the hash of their text, worked out at build time.

The policy is delivered in a ``<meta http-equiv>`` element, first in every page's head
(``templates/overrides/main.html``), so it holds for any engine that builds the pages:
the MkDocs plugin hands it to the theme as ``extra.csp``, and ``livingreview render``
writes it into the engine-neutral ``mkdocs.yml``. The theme's inline scripts are kept in
the project's overrides (``templates/overrides/partials/javascripts/``), written so that
their text is the same on every page; :func:`policy` hashes every inline script it finds
there. Anything else inline (a script a page smuggles in, a theme update's new snippet)
does not run, and neither do the theme's fallbacks from a CDN (a ResizeObserver polyfill,
Mermaid): ``script-src`` names no other origin. A ``<meta>`` policy cannot set
``frame-ancestors`` (browsers ignore it there and say so in the console), so it is left to
the server's headers.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path

#: Everything but scripts: from the site only; images may also be data: URIs (the theme's
#: icons are SVG masks written as data: URIs in its stylesheet).
BASE = {
    "default-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "worker-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
}
#: What the overrides use when no policy was handed to them: no inline script at all.
STRICT = "default-src 'self'; script-src 'self'; object-src 'none'; base-uri 'self'"

_SCRIPT = re.compile(r"<script(\s[^>]*)?>(.*?)</script>", re.S | re.I)
_JINJA = re.compile(r"\{\{|\{%")


class UnhashableScript(ValueError):
    """An inline script in the overrides whose text depends on the page."""


def script_hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def _runs(attrs: str) -> bool:
    """Whether a ``<script>`` with these attributes is one the browser runs (not data, no src)."""
    if re.search(r"\ssrc\s*=", attrs or "", re.I):
        return False
    m = re.search(r"""\stype\s*=\s*["']?([^"'\s>]+)""", attrs or "", re.I)
    return m is None or m.group(1).lower() in ("text/javascript", "module", "application/javascript")


def inline_scripts(overrides: Path) -> list[tuple[str, str]]:
    """(file, script text) for every inline script in the theme overrides."""
    out = []
    for path in sorted(overrides.rglob("*.html")):
        text = path.read_text(encoding="utf-8")
        for m in _SCRIPT.finditer(text):
            if not _runs(m.group(1) or ""):
                continue
            body = m.group(2)
            if _JINJA.search(body):
                raise UnhashableScript(
                    f"{path}: an inline script's text depends on the page, so no hash can allow it; "
                    "read what varies from the page instead (see partials/javascripts/base.html)"
                )
            out.append((path.relative_to(overrides).as_posix(), body))
    return out


#: Inline stylesheets an engine's own bundle writes, by their hash. Zensical 0.0.73's search
#: dialog puts its stylesheet in a ``<style>`` element of a shadow root (the text is fixed
#: in the bundle, so its hash is too); without it the dialog has no styles and search
#: shows nothing. A newer Zensical that changes the text fails the browser suite on the
#: Zensical site, with the hash Chromium would accept in its message.
ENGINE_STYLES: dict[str, tuple[str, ...]] = {
    "mkdocs": (),
    "zensical": ("'sha256-NwSx/R2V/U4jnW0Tq5pQ53Y/rzPVJ4dqE7D6UTA/J1k='",),
}


def policy(overrides: Path | None, engine: str = "mkdocs") -> str:
    """The policy for pages built with the theme overrides in ``overrides`` by ``engine``."""
    hashes = sorted({script_hash(body) for _, body in inline_scripts(overrides)}) if overrides else []
    styles = " ".join([BASE["style-src"], *ENGINE_STYLES[engine]])
    directives = {**BASE, "script-src": " ".join(["'self'", *hashes]), "style-src": styles}
    order = ["default-src", "script-src", *(k for k in BASE if k != "default-src")]
    return "; ".join(f"{name} {directives[name]}" for name in order)


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.inline: list[str] = []
        self._open: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            a = {k: v or "" for k, v in attrs}
            kind = a.get("type", "").lower()
            runs = "src" not in a and kind in ("", "text/javascript", "module", "application/javascript")
            self._open = "" if runs else None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._open is not None:
            self.inline.append(self._open)
            self._open = None


_SCRIPT_START = re.compile(r"<script\b", re.IGNORECASE)
_SCRIPT_END = re.compile(r"</script\s*>", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


def page_scripts(html: str) -> list[str]:
    """The text of every inline script a built page would run.

    Only the script elements are handed to the HTML parser: a page is tens of kilobytes
    and its scripts a few hundred bytes, and this runs on every page of a build. Each
    ``<script`` outside an HTML comment is parsed as an element of its own, up to the
    next ``</script>``; one that is not an element (in a script's text, say) is reported
    too, which can only name a script that would not run, never miss one that would."""
    comments = [(m.start(), m.end()) for m in _COMMENT.finditer(html)] if "<!--" in html else []
    parser = _Scripts()
    pos = 0
    while (start := _SCRIPT_START.search(html, pos)) is not None:
        pos = start.end()
        if any(a <= start.start() < b for a, b in comments):
            continue
        end = _SCRIPT_END.search(html, start.end())
        parser.feed(html[start.start() : end.end() if end else len(html)])
        parser.close()
        parser.reset()
        parser._open = None
    return parser.inline


def unlisted(html: str, csp: str) -> list[str]:
    """Inline scripts of a built page that ``csp`` does not allow (the start of each)."""
    allowed = set(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", csp))
    return [text[:60] for text in page_scripts(html) if script_hash(text) not in allowed]
