"""Generated pages hand finished HTML to the engine where they can, and the reader sees no difference.

Table cells whose text holds no abbreviation go to the engine without ``markdown="span"``, so
Python-Markdown (which both MkDocs and Zensical run) does not parse them again. The check is
what the engine makes of the page: the same HTML as when every cell is parsed.
"""

from __future__ import annotations

import re
from typing import Any

import markdown
import pytest
from ruamel.yaml import YAML

from conftest import REPO
from livingreview.pipeline import build

CELL = re.compile(r"<td\b[^>]*>")


@pytest.fixture(scope="module")
def tables() -> dict[str, str]:
    result = build(REPO, REPO / "templates")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    pages = {p: t for p, t in result.files.items() if p.startswith("tables/") and p.endswith(".md")}
    return {p: t for p, t in pages.items() if isinstance(t, str) and p != "tables/index.md"}


def engine_html(text: str) -> str:
    """The page as the engines' Markdown turns it into HTML, with the review's extensions."""
    config: Any = YAML(typ="safe").load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    names, settings = [], {}
    for ext in config["markdown_extensions"]:
        name = ext if isinstance(ext, str) else next(iter(ext))
        names.append(name)
        if isinstance(ext, dict):
            settings[name] = ext[name] or {}
    body = text.split("\n---\n", 1)[1]  # without the front matter, which the engine strips
    return markdown.Markdown(extensions=names, extension_configs=settings).convert(body)


def every_cell_parsed(text: str) -> str:
    return CELL.sub(lambda m: m.group(0) if "markdown=" in m.group(0) else m.group(0)[:-1] + ' markdown="span">', text)


def test_most_cells_are_handed_over_as_html(tables: dict[str, str]) -> None:
    cells = [c for text in tables.values() for c in CELL.findall(text)]
    parsed = [c for c in cells if 'markdown="span"' in c]
    assert len(cells) > 500
    assert 0 < len(parsed) < len(cells) / 5, "cells with an abbreviation keep their span, the rest lose it"


def test_the_engine_makes_the_same_html_of_every_table(tables: dict[str, str]) -> None:
    marked = 0
    for path, text in sorted(tables.items()):
        html = engine_html(text)
        assert html == engine_html(every_cell_parsed(text)), path
        marked += len(re.findall(r"<td\b[^>]*>[^<]*<abbr", html))
    assert marked, "the check must include cells whose abbreviations the engine marks up"
