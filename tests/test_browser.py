"""The built site in a real browser: Debian's Chromium driven by Playwright, offline.

Every request that leaves localhost is blocked and counted; the site must need none.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import socket
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import BIN, REPO

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
AXE = REPO / "node_modules/axe-core/axe.min.js"


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's own site, built once for the session."""
    out = tmp_path_factory.mktemp("site") / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(BIN / "mkdocs"), "build", "--strict", "--site-dir", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()
    server.server_close()


class Offline:
    """A browser page that may only talk to localhost."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run .ci/setup")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def tab(browser: Any) -> Iterator[Offline]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    offline = Offline(context.new_page())
    yield offline
    context.close()
    assert offline.blocked == [], f"requests left localhost: {offline.blocked}"
    assert offline.errors == [], f"console errors: {offline.errors}"


def search(tab: Offline, base_url: str, query: str) -> list[str]:
    page = tab.page
    page.goto(base_url)
    page.wait_for_load_state("networkidle")
    page.keyboard.press("/")
    page.keyboard.type(query, delay=20)
    # Material searches as the reader types and may answer "No matching documents" for a
    # prefix or before its index has loaded: wait for results that stay put.
    links = page.locator(".md-search-result__item > a.md-search-result__link")
    shown: list[str] = []
    for _ in range(80):
        page.wait_for_timeout(250)
        now = [(links.nth(i).get_attribute("href") or "").split("?")[0] for i in range(min(5, links.count()))]
        if now and now == shown:
            return now
        shown = now
    return shown


@pytest.mark.parametrize("query", ["Kymriah", "CTL019", "NCT02435849", "tisagenlecleucel"])
def test_searching_any_name_of_eliana_leads_to_it(tab: Offline, base_url: str, query: str) -> None:
    results = search(tab, base_url, query)
    assert results and results[0] == base_url + "studies/eliana/"


@pytest.mark.parametrize(("query", "page"), [("KTE-X19", "studies/zuma-3-phase-2/"), ("AUTO1", "studies/felix/")])
def test_code_names_lead_to_their_trial(tab: Offline, base_url: str, query: str, page: str) -> None:
    assert search(tab, base_url, query)[0] == base_url + page


@pytest.mark.parametrize("query", ["CRS", "ICANS", "MRD", "BCA", "HSCT"])
def test_abbreviations_are_found_in_the_glossary(tab: Offline, base_url: str, query: str) -> None:
    results = search(tab, base_url, query)
    assert any(r.startswith(base_url + "glossary/") for r in results[:3]), results


def test_a_glossary_tooltip_appears(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "toxicities/")
    abbr = page.locator("article abbr[title]", has_text="CRS").first
    assert abbr.get_attribute("title") == "cytokine release syndrome"
    abbr.hover()
    tooltip = page.locator(".md-tooltip2, .md-tooltip, [role='tooltip']").filter(has_text="cytokine release syndrome")
    tooltip.first.wait_for(state="visible", timeout=5000)


def test_eliana_cr_cites_maude_with_a_hover(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "studies/eliana/")
    # Saleh 2023's 81% is filed as CR, the heading of its Table 1 column
    row = page.locator("tr", has=page.locator("a", has_text=re.compile(r"^CR$"))).first
    cite = row.locator("sup.lr-cite a").first
    assert cite.get_attribute("title") == "Maude et al. 2018"
    target = cite.get_attribute("href") or ""
    entry = page.locator(f"li{target}")
    assert entry.locator("a", has_text="DOI").get_attribute("href") == "https://doi.org/10.1056/NEJMoa1709866"


def test_the_feed_parses_as_atom(tab: Offline, base_url: str) -> None:
    response = tab.page.request.get(base_url + "feed.xml")
    assert response.ok
    root = ET.fromstring(response.body())
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.tag == "{http://www.w3.org/2005/Atom}feed"
    assert root.find("a:title", ns) is not None and root.find("a:updated", ns) is not None
    entries = root.findall("a:entry", ns)
    assert entries and all(e.find("a:id", ns) is not None and e.find("a:link", ns) is not None for e in entries)


def test_a_table_sorts(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "tables/cd19-academic-children/")
    table = page.locator("table.lr-compare").first
    first = table.locator("tbody th[scope=row]").all_inner_texts()
    table.locator("thead th", has_text="Study").click()
    once = table.locator("tbody th[scope=row]").all_inner_texts()
    table.locator("thead th", has_text="Study").click()
    twice = table.locator("tbody th[scope=row]").all_inner_texts()
    assert sorted(first) == sorted(once) == sorted(twice)
    assert once != twice and once == list(reversed(twice))


def test_a_disagreement_hover_lists_its_reports(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "tables/pivotal/")
    marker = page.locator("td .lr-differs").first
    title = marker.get_attribute("title") or ""
    assert title.startswith("Reports differ:") and title.count("\n") >= 2
    marker.hover()
    page.locator(".md-tooltip2, .md-tooltip, [role='tooltip']").filter(has_text="Reports differ").first.wait_for(
        state="visible", timeout=5000
    )


def test_a_plot_renders(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "plots/")
    plot = page.locator("svg.lr-forest").first
    assert plot.is_visible()
    assert plot.locator(".lr-forest-row").count() >= 3
    assert plot.bounding_box()["width"] > 300  # type: ignore[index]


def test_a_flowchart_renders_and_stepping_reaches_a_recommendation(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "flowcharts/westhafen-consolidation/")
    chart = page.locator("svg.lr-flow")
    assert chart.is_visible() and chart.locator(".lr-flow-node").count() >= 10
    stepper = page.locator(".lr-stepper")
    for answer in ("Yes", "No", "No", "Yes"):  # eligible, not transplanted before, not CD28, BCA lost early
        stepper.locator("button", has_text=answer).first.click()
    card = stepper.locator(".lr-stepper-outcome")
    assert "Where this path ends" in card.inner_text()
    assert "recommended" in card.inner_text()
    assert card.locator(".lr-stepper-evidence a").count() >= 1


@pytest.mark.parametrize(
    "path", ["", "studies/eliana/", "tables/pivotal/", "flowcharts/westhafen-consolidation/", "glossary/"]
)
def test_no_serious_accessibility_violation(tab: Offline, base_url: str, path: str) -> None:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run .ci/setup (npm ci)")
    page = tab.page
    page.goto(base_url + path)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    assert serious == []


@pytest.mark.parametrize("path", ["", "studies/", "studies/eliana/", "tables/pivotal/", "plots/", "bibliography/"])
def test_pages_load_without_errors_or_outside_requests(tab: Offline, base_url: str, path: str) -> None:
    tab.page.goto(base_url + path)
    tab.page.wait_for_load_state("networkidle")
    assert tab.page.locator("article h1").count() == 1


def test_tables_stay_usable_on_a_phone(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "tables/pivotal/")
    wrap = page.locator(".lr-table-wrap").first
    # the table scrolls inside its own box instead of widening the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 390 + 1
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    context.close()
