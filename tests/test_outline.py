"""Every generated page has the headings its template puts there, and no others.

Data reaches a page inside the template's structure: a study's names, a note or a
summary must never turn into a heading (a line of text followed by a Markdown rule is
one), a rule or a list. Each page is rendered twice, once as usual and once with every
value a template outputs wrapped in invisible marks; the marked copy says, character by
character, what the template wrote and what came from the data. The headings the engine
finds in the page must be exactly the ATX headings (``## ...``) whose ``#`` the template
wrote, and no line may start with block markup that came from the data. Pages an editor
wrote as Markdown (narrative pages, the editors' guide) are passed as
:class:`~livingreview.render.citations.Prose`, and their structure is their own.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import markdown
import pytest
from jinja2 import Environment
from markupsafe import Markup
from ruamel.yaml import YAML

import livingreview.render.renderer as renderer_module
from conftest import REPO, make_review
from livingreview.pipeline import build
from livingreview.render.citations import Prose

OPEN, CLOSE = "\ue000", "\ue001"
_environment = renderer_module._environment


def _mark(value: Any) -> Any:
    """Wrap what a template outputs in marks; editors' pages keep their own structure."""
    if isinstance(value, Prose):
        return value
    if isinstance(value, Markup):
        return Markup(OPEN) + value + Markup(CLOSE)
    return f"{OPEN}{value}{CLOSE}"


def traced_environment(templates: Path) -> Environment:
    env = _environment(templates)
    env.finalize = _mark
    return env


def render_both(root: Path) -> dict[str, tuple[str, str]]:
    """Every Markdown page of the review at ``root``: (as published, with data marked)."""
    plain = build(root, root / "templates").files
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(renderer_module, "_environment", traced_environment)
        traced = build(root, root / "templates").files
    out = {}
    for path, text in plain.items():
        marked = traced[path]
        if path.endswith(".md") and isinstance(text, str) and isinstance(marked, str):
            assert text == marked.replace(OPEN, "").replace(CLOSE, ""), path
            out[path] = (text, marked)
    return out


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, tuple[str, str]]]:
    fixture = make_review(tmp_path_factory.mktemp("outline") / "review")
    return {"review": render_both(REPO), "fixture": render_both(fixture)}


def _converter() -> markdown.Markdown:
    """Python-Markdown with the site's extensions, as mkdocs.yml configures them."""
    config = YAML(typ="safe").load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, options = [], {}
    for item in config["markdown_extensions"]:
        name, conf = next(iter(item.items())) if isinstance(item, dict) else (item, None)
        if name == "toc":
            name, conf = "toc", {}  # the permalink sign is not part of a heading's text
        names.append(name)
        if conf:
            options[name] = conf
    return markdown.Markdown(extensions=names, extension_configs=options)


MD = _converter()


class Headings(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []
        self._level = 0
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if re.fullmatch(r"h[1-6]", tag):
            self._level, self._text = int(tag[1]), []

    def handle_endtag(self, tag: str) -> None:
        if self._level and tag == f"h{self._level}":
            self.found.append((self._level, " ".join("".join(self._text).split())))
            self._level = 0

    def handle_data(self, data: str) -> None:
        if self._level:
            self._text.append(data)


def headings(text: str) -> list[tuple[int, str]]:
    parser = Headings()
    parser.feed(MD.reset().convert(text))
    return parser.found


def body_lines(text: str) -> list[str]:
    """The page's lines after its front matter."""
    lines = text.split("\n")
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        return lines[end + 1 :]
    return lines


def marked_lines(marked: str) -> list[tuple[str, list[bool]]]:
    """Each line with, per character, whether it came from the data."""
    out = []
    depth = 0
    for line in body_lines(marked):
        text, inside = [], []
        for ch in line:
            if ch == OPEN:
                depth += 1
            elif ch == CLOSE:
                depth -= 1
            else:
                text.append(ch)
                inside.append(depth > 0)
        out.append(("".join(text), inside))
    return out


FENCE = re.compile(r"^\s*(```|~~~)")
ATX = re.compile(r"^\s*#{1,6}(\s|$)")
#: A heading the template writes as HTML (inside an ``md_in_html`` block), e.g. ``<h3 class=...>``.
HTML_HEADING = re.compile(r"^\s*<h[1-6][\s>]")
BLOCK_MARKUP = re.compile(r"^\s*(#{1,6}(\s|$)|>|[-*+]\s|\d+[.)]\s|(-\s*){3,}$|(\*\s*){3,}$|(_\s*){3,}$|=+\s*$|```|~~~)")


def intended(marked: str) -> list[tuple[int, str]]:
    """The headings the template wrote: ATX lines whose ``#`` is the template's own, and
    HTML heading elements whose tag is the template's own."""
    found, fenced = [], False
    for text, inside in marked_lines(marked):
        first = len(text) - len(text.lstrip())
        if FENCE.match(text) and not (inside and inside[first]):
            fenced = not fenced
            continue
        if not fenced and (ATX.match(text) or HTML_HEADING.match(text)) and not inside[first]:
            found += headings(text.strip())
    return found


def from_data(marked: str) -> list[str]:
    """Lines whose first character came from the data and starts a block (a heading, a list, a rule)."""
    bad, fenced = [], False
    for text, inside in marked_lines(marked):
        first = len(text) - len(text.lstrip())
        if FENCE.match(text) and not (inside and inside[first]):
            fenced = not fenced
            continue
        if not fenced and text.strip() and inside[first] and BLOCK_MARKUP.match(text):
            bad.append(text)
    return bad


@pytest.mark.parametrize("site", ["review", "fixture"])
def test_every_heading_is_one_the_template_put_there(sites: dict[str, dict[str, tuple[str, str]]], site: str) -> None:
    pages = sites[site]
    assert len(pages) > (100 if site == "review" else 10)
    wrong = {}
    for path, (text, marked) in sorted(pages.items()):
        actual = headings("\n".join(body_lines(text)))
        expected = intended(marked)
        if actual != expected:
            extra = [h for h in actual if h not in expected]
            wrong[path] = {"extra": extra, "missing": [h for h in expected if h not in actual]}
    assert wrong == {}


@pytest.mark.parametrize("site", ["review", "fixture"])
def test_no_line_starts_with_block_markup_from_the_data(
    sites: dict[str, dict[str, tuple[str, str]]], site: str
) -> None:
    found = {path: bad for path, (_, marked) in sorted(sites[site].items()) if (bad := from_data(marked))}
    assert found == {}


def test_each_study_page_has_its_outline(sites: dict[str, dict[str, tuple[str, str]]]) -> None:
    text, _ = sites["review"]["studies/felix.md"]
    outline = headings("\n".join(body_lines(text)))
    assert outline[0] == (1, "FELIX")
    second = [title for level, title in outline if level == 2]
    assert second[:2] == ["Key results", "At a glance"]
    assert second[-2:] == ["Cite this page", "References"]
    assert "Reported results" in second
    assert not any("Also known as" in title for _, title in outline)


def test_a_heading_from_the_data_is_found() -> None:
    """The check itself: a summary that smuggles in a setext heading, or a list, is caught."""
    plain_line = f"{OPEN}Obecabtagene autoleucel{CLOSE}"
    page = f"# {OPEN}FELIX{CLOSE}\n\n{plain_line}\n{OPEN}---{CLOSE}\n\n{OPEN}- a list{CLOSE}\n"
    text = page.replace(OPEN, "").replace(CLOSE, "")
    assert headings(text) == [(1, "FELIX"), (2, "Obecabtagene autoleucel")]
    assert intended(page) == [(1, "FELIX")]
    assert from_data(page) == ["---", "- a list"]


def test_a_summary_that_would_make_a_heading_is_caught(tmp_path: Path) -> None:
    """End to end: a record whose summary holds a line and a rule gives a page with a heading
    its template did not put there, and the checks above name it."""
    root = make_review(tmp_path / "review")
    record = root / "content/trials/eliana.yaml"
    text = record.read_text(encoding="utf-8")
    start = text.index("summary:")
    end = text.index("\ntags:", start)
    summary = "summary: |-\n  Results in brief\n  ---\n  Remission in most patients."
    record.write_text(text[:start] + summary + text[end:], encoding="utf-8")
    plain, marked = render_both(root)["studies/eliana.md"]
    assert (2, "Results in brief") in headings("\n".join(body_lines(plain)))
    assert (2, "Results in brief") not in intended(marked)
    assert "---" in from_data(marked)
