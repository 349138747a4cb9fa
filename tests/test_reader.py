"""The reader's site as data: feed, glossary, browsing, citing the review."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET

import jsonschema
import pytest
from ruamel.yaml import YAML

from conftest import REPO
from livingreview.pipeline import build

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


@pytest.fixture(scope="module")
def files() -> dict[str, str | bytes]:
    result = build(REPO, REPO / "templates")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    return result.files


def test_the_feed_is_valid_atom(files: dict[str, str | bytes]) -> None:
    """The RFC 4287 rules a validator applies to feeds and entries."""
    text = files["feed.xml"]
    assert isinstance(text, str)
    feed = ET.fromstring(text.encode("utf-8"))
    assert feed.tag == f"{ATOM}feed"

    def one(parent: ET.Element, name: str) -> ET.Element:
        found = parent.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{name}: {len(found)}"
        return found[0]

    for name in ("id", "title", "updated"):
        assert (one(feed, name).text or "").strip()
    assert RFC3339.match(one(feed, "updated").text or "")
    assert feed.findall(f"{ATOM}author/{ATOM}name")
    self_links = [link for link in feed.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert len(self_links) == 1 and self_links[0].get("href", "").endswith("/feed.xml")
    ids = set()
    entries = feed.findall(f"{ATOM}entry")
    assert entries
    for entry in entries:
        entry_id = one(entry, "id").text or ""
        assert re.match(r"^(tag|https?):", entry_id) and entry_id not in ids
        ids.add(entry_id)
        assert (one(entry, "title").text or "").strip()
        assert RFC3339.match(one(entry, "updated").text or "")
        alternate = [link for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"]
        assert alternate and alternate[0].get("href", "").startswith("https://")
    updated = [dt.date.fromisoformat((e.find(f"{ATOM}updated").text or "")[:10]) for e in entries]  # type: ignore[union-attr]
    assert updated == sorted(updated, reverse=True)


def test_the_citation_file_is_valid_and_matches_the_package() -> None:
    schema = json.loads((REPO / "tests/data/citation-file-format-1.2.0.schema.json").read_text(encoding="utf-8"))
    data = YAML(typ="safe").load((REPO / "CITATION.cff").read_text(encoding="utf-8"))
    data = json.loads(json.dumps(data, default=str))
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(data)]
    assert errors == []
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    assert f'version = "{data["version"]}"' in pyproject


def test_every_study_page_can_be_cited(files: dict[str, str | bytes]) -> None:
    page = files["studies/eliana.md"]
    assert isinstance(page, str)
    assert "citation_title: " in page.split("---")[1]
    assert "## Cite this page" in page
    assert "@online{livingreview-eliana," in page
    assert "Version 0.1.0" in page


def test_the_glossary_defines_every_abbreviation_on_every_page(files: dict[str, str | bytes]) -> None:
    glossary = files["glossary.md"]
    assert isinstance(glossary, str) and "## CRS { #crs }" in glossary
    for path in ("studies/eliana.md", "toxicities.md", "tables/pivotal.md"):
        text = files[path]
        assert isinstance(text, str)
        assert "*[CRS]: cytokine release syndrome" in text


def test_browsing_covers_every_record_under_every_facet(files: dict[str, str | bytes]) -> None:
    records = {p.stem for p in (REPO / "content/trials").glob("*.yaml")}
    for facet in ("target", "costimulation", "cell-source", "population", "product", "setting"):
        text = files[f"browse/{facet}.md"]
        assert isinstance(text, str)
        linked = set(re.findall(r"\(\.\./studies/([a-z0-9-]+)\.md\)", text))
        assert linked == records, facet


def test_whats_new_lists_every_history_entry(files: dict[str, str | bytes]) -> None:
    text = files["whats-new.md"]
    assert isinstance(text, str)
    yaml = YAML(typ="safe")
    entries = sum(
        len(yaml.load(p.read_text(encoding="utf-8")).get("history") or [])
        for p in (REPO / "content/trials").glob("*.yaml")
    )
    assert text.count("\n- [") == entries


def test_study_result_tables_stay_out_of_search(files: dict[str, str | bytes]) -> None:
    page = files["studies/eliana.md"]
    assert isinstance(page, str)
    assert page.count('<div class="lr-results" data-search-exclude markdown>') >= 3
    assert '<p class="lr-aka" id="names"><strong>Also known as:</strong> <span class="lr-name">' in page
    assert "## Also known as" not in page


def test_print_styles_hide_the_navigation() -> None:
    css = (REPO / "templates/assets/livingreview.css").read_text(encoding="utf-8")
    block = css.split("@media print")[1]
    assert ".md-sidebar" in block and "display: none" in block


def test_the_pages_are_in_the_navigation_or_linked(files: dict[str, str | bytes]) -> None:
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for page in ("glossary.md", "whats-new.md", "browse/index.md", "tables/index.md", "flowcharts/index.md"):
        assert page in nav and page in files


def test_site_version_is_shown(files: dict[str, str | bytes]) -> None:
    home = files["index.md"]
    assert isinstance(home, str) and "Version 0.1.0" in home


def test_the_editors_guide_is_contributing_part_one_with_every_field(files: dict[str, str | bytes]) -> None:
    guide = files["guide.md"]
    assert isinstance(guide, str)
    contributing = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
    part1 = contributing.split("\n## Part 2", 1)[0]
    first_step = next(line for line in part1.splitlines() if line.startswith("1. "))
    assert first_step in guide  # the editors' steps, word for word
    assert "Part 2" not in guide and "### Set up and run" not in guide  # nothing of the developers' part
    # Links to the published site become links between pages, so they work offline too.
    assert "](endpoints.md)" in guide and "cart-ball.github.io" not in guide
    # The field reference is generated from the model: every field of a study is listed.
    from livingreview.model.records import Trial, dataclass_fields, yaml_key

    for f in dataclass_fields(Trial):
        assert f"| `{yaml_key(f)}` |" in guide, f.name
    assert "| `where` |" not in guide  # internal bookkeeping is not a field editors write
    assert "guide.md" in (REPO / "mkdocs.yml").read_text(encoding="utf-8")
