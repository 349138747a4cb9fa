"""Hostile text in every field the model has, and in every other input: nothing of it is live.

The fields are not listed here: they come from the model's own field list
(:func:`livingreview.model.records.dataclass_fields`), walked alongside the fixture
review's YAML, so a field added tomorrow is covered tomorrow. Every free-text string
field gets a payload with its own number: a script element, an element of its own, an
event handler, quote-and-angle breakouts into an attribute, a Markdown attribute list and
``javascript:`` links. So do a BibTeX entry's fields, a glossary, the citation file and a
narrative page (its front matter, raw HTML and links). A field that names something else
(a citation key, a record field) rejects the payload with an error, so the build stops
and nothing is published; every other field is built into a real site with MkDocs, and
every HTML page is read with an HTML parser: no marker may be an element, an attribute
or a URL, and no inline script may carry one. The browser test loads each page: the
``window`` flag the payloads set stays unset, and the Content Security Policy reports no
violation.
"""

from __future__ import annotations

import dataclasses
import functools
import http.server
import io
import json
import re
import socket
import threading
import types
import typing
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import BIN, make_review, run
from livingreview.check import check_review
from livingreview.load.loader import load_review
from livingreview.model import records
from livingreview.model.records import dataclass_fields, hints, yaml_key

FILES: dict[str, type] = {
    "content/trials/eliana.yaml": records.Trial,
    "content/tables/pediatric.yaml": records.Table,
    "content/flowcharts/mrd.yaml": records.Flowchart,
    "content/endpoints.yaml": records.EndpointVocabulary,
    "content/glossary.yaml": records.Glossary,
}
GLOSSARY = {"schema_version": 1, "entries": {"CRS": {"term": "cytokine release syndrome", "definition": "A fever."}}}

#: Fields that name something else (a citation key, a record field, a vocabulary term):
#: anything but a name the review knows is an error, so hostile text there stops the build.
NAMES = {
    "Trial.references",
    "Trial.tags",
    "Trial.registry",
    "Source.ref",
    "Source.review",
    "Condition.field",
    "Condition.is_",
    "Condition.in_",
    "Condition.has",
    "Condition.has_any",
    "Condition.lacks",
    "Column.also",
    "Column.field",
    "Table.group_by",
    "Table.sort_by",
    "FlowNode.cite",
    "FlowNode.options",
    "FlowEdge.label",
}
#: Fields compared with the data and never printed (a table's filter value, a column's
#: subgroup, a record's tags): a hostile value there matches nothing.
NOT_PRINTED = {"Condition.is_", "Column.subgroup", "Trial.tags"}
#: Those, and the fields the fixture's table selects by, are built in a site of their own,
#: so that the rows a hostile value would hide still carry the other fields.
SELECTORS = {*NOT_PRINTED, "Construct.targets"}


def payload(n: int) -> str:
    """One line of hostile text, numbered so that a finding names its field."""
    return (
        f"lrx{n} <script>window.lrPwned={n}</script><img src=x onerror=window.lrPwned={n}>"
        f"<lrx-el{n}>x</lrx-el{n}>\" lrx-attr=\"{n}' lrx-attr='{n} {{ lrx-attr={n} }} "
        f'[lrx link](javascript:window.lrPwned={n}) <a href="javascript:window.lrPwned={n}">lrx a</a> end'
    )


@dataclass(frozen=True)
class Slot:
    """One string field of one record: where it is written and which model field it is."""

    file: str
    path: tuple[str | int, ...]
    field: str  # Class.name
    many: bool  # a list of strings

    @property
    def place(self) -> tuple[str, str, tuple[str | int, ...]]:
        """The field wherever it sits in a list: slots of one place are alternatives."""
        return self.file, self.field, tuple(0 if isinstance(step, int) else step for step in self.path)


def _unwrap(hint: Any) -> tuple[Any, str]:
    """(the type inside, "list" / "dict" / "") for a field's type hint, None stripped."""
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        if len(args) > 1:  # str | list[str]: the plain string form
            return str, ""
        return _unwrap(args[0])
    if origin is list:
        return typing.get_args(hint)[0], "list"
    if origin is dict:
        return typing.get_args(hint)[1], "dict"
    return hint, ""


def slots(cls: type, data: Any, file: str, path: tuple[str | int, ...] = ()) -> Iterator[Slot]:
    """Every free-text string field of ``cls`` (with the records nested in it) in ``data``,
    the fixture's YAML for it; a field the fixture leaves out is still a slot (it is added)."""
    for f in dataclass_fields(cls):
        inner, shape = _unwrap(hints(cls)[f.name])
        key = yaml_key(f)
        name = f"{cls.__name__}.{f.name}"
        if dataclasses.is_dataclass(inner):
            value = data.get(key)
            if shape == "list" and value:
                # A result's fields depend on its endpoint's kind (only a hazard ratio has a
                # comparison): every result is a candidate, and the first that takes a field
                # is used. Elsewhere the first element stands for all.
                for i, item in enumerate(value if inner is records.Result else value[:1]):
                    yield from slots(inner, item, file, (*path, key, i))
            elif shape == "dict" and value:
                first = next(iter(value))
                yield from slots(inner, value[first], file, (*path, key, first))
            elif shape == "" and value is not None:
                yield from slots(inner, value, file, (*path, key))
        elif inner is str and not f.metadata.get("pattern") and f.name != "id" and shape != "dict":
            yield Slot(file, (*path, key), name, shape == "list")


def _yaml() -> YAML:
    yaml = YAML()
    yaml.width = 4096
    return yaml


def read(root: Path, file: str) -> Any:
    return _yaml().load((root / file).read_text(encoding="utf-8"))


def write(root: Path, file: str, data: Any) -> None:
    buf = io.StringIO()
    _yaml().dump(data, buf)
    (root / file).write_text(buf.getvalue(), encoding="utf-8")


def put(data: Any, slot: Slot, text: str) -> None:
    node = data
    for step in slot.path[:-1]:
        node = node[step]
    node[slot.path[-1]] = [text] if slot.many else text


def errors(root: Path) -> list[str]:
    review, diags = load_review(root)
    return [d.format_text() for d in check_review(review, diags) if d.severity == "error"]


BIB_FIELDS = ("title", "journal", "note")
PAGE = """---
title: "lrx-page-title <script>window.lrPwned='page'</script>\\" lrx-attr=\\"1"
description: "lrx-page-description \\" lrx-attr=\\"1 <img src=x onerror=window.lrPwned='page'>"
hide: [navigation]
---

# About this review <lrx-elpage>x</lrx-elpage> { lrx-attr=1 }

Text <script>window.lrPwned='page'</script> and <img src="x" onerror="window.lrPwned='page'"> and
<a href="javascript:window.lrPwned='page'">a link</a> and [another](javascript:window.lrPwned='page')
and <span style="display:none" class="mermaid md-typeset lr-note">hidden</span>.

<div markdown="1" onclick="window.lrPwned='page'">
Inside a div.
</div>

<iframe src="javascript:window.lrPwned='page'"></iframe>

[ref]: javascript:window.lrPwned='page'

A [reference link][ref].
"""


@dataclass
class Hostile:
    root: Path
    site: Path
    #: The site built with hostile text in the SELECTORS fields only.
    selector_site: Path
    numbered: dict[int, Slot]
    rejected: dict[str, list[str]]
    build_log: str


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Hostile:
    root = make_review(tmp_path_factory.mktemp("hostile") / "review")
    write(root, "content/glossary.yaml", GLOSSARY)
    _add_hazard_ratio(root)
    places: dict[tuple[str, str, tuple[str | int, ...]], list[Slot]] = {}
    for file, cls in FILES.items():
        for slot in slots(cls, read(root, file), file):
            places.setdefault(slot.place, []).append(slot)
    assert len(places) > 40, "the walk over the model found too few fields"
    # Which fields refuse hostile text outright (an error: nothing is published)? A field
    # is tried in each element of its list until one takes it.
    rejected: dict[str, list[str]] = {}
    numbered: dict[int, Slot] = {}
    for n, candidates in enumerate(places.values()):
        first: list[str] = []
        for slot in candidates:
            data = read(root, slot.file)
            original = (root / slot.file).read_text(encoding="utf-8")
            put(data, slot, payload(n))
            write(root, slot.file, data)
            problems = errors(root)
            (root / slot.file).write_text(original, encoding="utf-8")
            if not problems:
                numbered[n] = slot
                break
            first = first or problems
        else:
            rejected[candidates[0].field] = first
    pristine = {file: (root / file).read_text(encoding="utf-8") for file in FILES}
    selector_site = root / "selector-site"
    _inject(root, {n: s for n, s in numbered.items() if s.field in SELECTORS})
    assert errors(root) == []
    result = run([str(BIN / "mkdocs"), "build", "--site-dir", str(selector_site)], cwd=root)
    assert result.returncode == 0, result.stderr
    for file, text in pristine.items():
        (root / file).write_text(text, encoding="utf-8")
    _inject(root, {n: s for n, s in numbered.items() if s.field not in SELECTORS})
    # A BibTeX entry, the citation file and a narrative page.
    bib = root / "references/primary.bib"
    text = bib.read_text(encoding="utf-8")
    for i, name in enumerate(BIB_FIELDS):
        text = re.sub(rf"(\n\s*{name}\s*=\s*)\{{", rf"\g<1>{{bib{i} {_bib(payload(900 + i))} ", text, count=1)
    bib.write_text(text, encoding="utf-8")
    cff_data = read(root, "CITATION.cff")
    cff_data["title"] = payload(950)
    cff_data["authors"][0]["name"] = payload(951)
    write(root, "CITATION.cff", cff_data)
    (root / "content/pages/about.md").write_text(PAGE, encoding="utf-8")
    assert errors(root) == []
    site = root / "site"
    result = run([str(BIN / "mkdocs"), "build", "--site-dir", str(site)], cwd=root)
    assert result.returncode == 0, result.stderr
    return Hostile(root, site, selector_site, numbered, rejected, result.stderr)


def _add_hazard_ratio(root: Path) -> None:
    """A hazard ratio in the fixture, so the fields only hazard ratios have are tried too."""
    vocabulary = read(root, "content/endpoints.yaml")
    vocabulary["endpoints"]["hr_os"] = {
        "label": "HR for OS",
        "name": "Hazard ratio for overall survival",
        "kind": "hazard-ratio",
        "group": "survival",
        "definition": "Hazard of death in one group over that in another.",
    }
    write(root, "content/endpoints.yaml", vocabulary)
    trial = read(root, "content/trials/eliana.yaml")
    source = dict(trial["results"][0]["source"])
    trial["results"].append({"endpoint": "hr_os", "value": 2.1, "comparison": "older vs younger", "source": source})
    write(root, "content/trials/eliana.yaml", trial)
    assert errors(root) == []


def _inject(root: Path, chosen: dict[int, Slot]) -> None:
    by_file: dict[str, Any] = {file: read(root, file) for file in FILES}
    for n, slot in chosen.items():
        put(by_file[slot.file], slot, payload(n))
    for file, data in by_file.items():
        write(root, file, data)


def _bib(text: str) -> str:
    """Hostile text inside a braced BibTeX value: its braces balanced, no @."""
    return text.replace("{", "(").replace("}", ")")


# --------------------------------------------------------------------------- reading the pages

EXECUTABLE = ("", "text/javascript", "module", "application/javascript")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}


class Live(HTMLParser):
    """Every marker of a payload that the browser would treat as markup."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.text: list[str] = []
        self._script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag.startswith("lrx"):
            self.found.append(f"element <{tag}>")
        for name, value in attrs:
            value = value or ""
            if name.startswith("lrx"):
                self.found.append(f"attribute {name}={value!r} on <{tag}>")
            if name.startswith("on") and "lrPwned" in value:
                self.found.append(f"handler {name}={value!r} on <{tag}>")
            if name in URL_ATTRIBUTES and re.sub(r"[\s\x00-\x1f]", "", value).lower().startswith("javascript:"):
                self.found.append(f"URL {name}={value!r} on <{tag}>")
        kind = dict(attrs).get("type") or ""
        self._script = tag == "script" and "src" not in dict(attrs) and kind.lower() in EXECUTABLE

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag: str) -> None:
        self._script = False

    def handle_data(self, data: str) -> None:
        if self._script and "lrPwned" in data:
            self.found.append(f"inline script {data[:80]!r}")
        else:
            self.text.append(data)


def live(html: str) -> tuple[list[str], str]:
    parser = Live()
    parser.feed(html)
    parser.close()
    return parser.found, " ".join(parser.text)


def pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


# --------------------------------------------------------------------------- the tests


def test_every_field_the_model_has_was_tried(hostile: Hostile) -> None:
    """The walk covers each model class and the fields that refuse text are the expected ones."""
    tried = {s.field for s in hostile.numbered.values()} | set(hostile.rejected)
    for cls in (records.Trial, records.Result, records.Source, records.Design, records.Population):
        assert any(f.startswith(f"{cls.__name__}.") for f in tried), cls
    for cls in (records.FlowNode, records.Flowchart, records.Column, records.Table, records.GlossaryEntry):
        assert any(f.startswith(f"{cls.__name__}.") for f in tried), cls
    assert "Endpoint.definition" in tried
    assert "Result.comparison" in {s.field for s in hostile.numbered.values()}  # on the hazard ratio
    unexpected = {f: p[:2] for f, p in hostile.rejected.items() if f not in NAMES}
    assert unexpected == {}, "free-text fields that refuse text (list them in NAMES if they name something)"


@pytest.mark.parametrize("which", ["site", "selector_site"])
def test_no_marker_is_live_on_any_page(hostile: Hostile, which: str) -> None:
    site = getattr(hostile, which)
    built = pages(site)
    assert len(built) > 10
    findings: dict[str, list[str]] = {}
    for page in built:
        found, _ = live(page.read_text(encoding="utf-8"))
        if found:
            findings[page.relative_to(site).as_posix()] = found[:5]
    assert findings == {}


def test_hostile_text_is_shown_as_text(hostile: Hostile) -> None:
    """The payloads are not dropped either: each field's text is on some page, as text
    (else the test above would pass for a field the site does not show)."""
    built = [*pages(hostile.site), *pages(hostile.selector_site)]
    text = " ".join(live(p.read_text(encoding="utf-8"))[1] for p in built)
    shown = {n for n in hostile.numbered if re.search(rf"lrx{n}\b", text)}
    missing = sorted(hostile.numbered[n].field for n in set(hostile.numbered) - shown)
    assert missing == sorted(NOT_PRINTED)
    for n in (900, 901, 950, 951):
        assert f"lrx{n}" in text
    assert "<script>window.lrPwned" in text  # shown, as text


def test_titles_descriptions_and_meta_tags_stay_plain_text(hostile: Hostile) -> None:
    study = (hostile.site / "studies/eliana/index.html").read_text(encoding="utf-8")
    head = study.split("</head>")[0]
    title = re.search(r"<title>(.*?)</title>", head, re.S)
    assert title and "<" not in title.group(1) and "&lt;script&gt;" in title.group(1)
    for name in ("description", "citation_title", "citation_author"):
        m = re.search(rf'<meta name="{name}" content="([^"]*)">', head)
        assert m, name
        assert "lrx" in m.group(1) and "<" not in m.group(1)


def test_the_feed_and_the_downloads_hold_the_text_as_data(hostile: Hostile) -> None:
    feed = ET.fromstring((hostile.site / "feed.xml").read_bytes())
    assert not [e.tag for e in feed.iter() if "lrx" in e.tag]
    assert "<script>" in "".join(feed.itertext())
    index = json.loads((hostile.site / "search/search_index.json").read_text(encoding="utf-8"))
    assert index["docs"]


def test_the_narrative_page_loses_what_is_not_allowed(hostile: Hostile) -> None:
    about = (hostile.site / "about/index.html").read_text(encoding="utf-8")
    found, text = live(about)
    assert found == []
    assert "mermaid" not in re.findall(r'class="([^"]*)"', about.split("<article")[1].split("</article>")[0])
    assert "display:none" not in about
    assert "<iframe" not in about
    assert "lrx-page-title" in text
    # each construct is reported where it is written
    review, diags = load_review(hostile.root)
    located = {(d.code, d.line) for d in check_review(review, diags) if d.file == "content/pages/about.md"}
    assert {("LR215", 4), ("LR212", 7), ("LR213", 7), ("LR212", 9), ("LR214", 10), ("LR213", 13)} <= located
    assert ("LR212", 17) in located and ("LR214", 19) in located
    # and only the constructs go: the rest of the page is Markdown as before
    assert "<h1" in about and "Inside a div." in text and "&#38;lt;" not in about


# --------------------------------------------------------------------------- in the browser


@pytest.fixture(scope="module")
def hostile_url(hostile: Hostile) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(hostile.site))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_no_payload_runs_and_no_policy_is_violated_in_the_browser(
    hostile: Hostile, hostile_url: str, browser: Any
) -> None:
    from test_browser import Offline

    ran: dict[str, Any] = {}
    context = browser.new_context()
    tab = Offline(context.new_page())
    for page in pages(hostile.site):
        rel = page.relative_to(hostile.site).as_posix()
        if rel == "404.html":
            continue
        tab.page.goto(hostile_url + rel.removesuffix("index.html"))
        tab.page.wait_for_load_state("load")
        flag = tab.page.evaluate("() => window.lrPwned")
        if flag is not None:
            ran[rel] = flag
        # the theme's own scripts ran (the policy allows them by hash)
        assert tab.page.evaluate("() => typeof __md_get") == "function", rel
    context.close()
    assert ran == {}
    assert tab.blocked == []
    # The narrative page's <img src="x"> stays (without its handler) and is not found.
    assert [e for e in tab.errors if "status of 404" not in e] == []
    assert [e for e in tab.errors if "status of 404" in e] == [
        "Failed to load resource: the server responded with a status of 404 (File not found)"
    ]
