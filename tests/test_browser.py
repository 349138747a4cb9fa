"""The built site in a real browser: Debian's Chromium driven by Playwright, offline.

Every request that leaves localhost is blocked and counted; the site must need none.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import socket
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest

from conftest import BIN, REPO

pytestmark = pytest.mark.browser

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


def serve(site: Path) -> Iterator[str]:
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


@pytest.fixture(scope="session")
def base_url(site: Path) -> Iterator[str]:
    yield from serve(site)


@pytest.fixture(scope="session")
def zensical_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The repository's site built by `livingreview build --engine zensical`, served."""
    out = tmp_path_factory.mktemp("zensical") / "build"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [str(BIN / "livingreview"), "build", "--engine", "zensical", "--out", str(out)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    yield from serve(out / "site")


@pytest.fixture(scope="session", params=["mkdocs", "zensical"])
def any_url(request: pytest.FixtureRequest) -> str:
    """The site built by either engine: the probes a reader relies on must pass on both."""
    return str(request.getfixturevalue("base_url" if request.param == "mkdocs" else "zensical_url"))


#: Runs before any page script (Playwright's init scripts are not subject to the page's policy).
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  console.error(`CSP violation: ${e.violatedDirective} refused ${e.blockedURI || "inline"} at ${where}`);
});
"""


class Offline:
    """A browser page that may only talk to localhost."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.errors: list[str] = []
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        # Chromium logs a violation of the Content Security Policy as a console error too;
        # this names it plainly, with what was refused and where.
        page.add_init_script(CSP_WATCH)
        page.route("**/*", self._route)

    def _route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(("http://127.0.0.1", "data:", "blob:")):
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort()


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
    zensical = page.locator("button.md-search__button")  # Zensical opens its search in a dialog
    if zensical.count():
        zensical.first.click()
        # its results live in a shadow root, which Playwright's CSS selectors enter
        links = page.locator("ol[role=listbox] a[role=option]")
    else:
        page.keyboard.press("/")
        links = page.locator(".md-search-result__item > a.md-search-result__link")
    page.keyboard.type(query, delay=20)
    # Both search as the reader types and may answer "No matching documents" for a
    # prefix or before their index has loaded: wait for results that stay put.
    shown: list[str] = []
    for _ in range(80):
        page.wait_for_timeout(250)
        now = [(links.nth(i).get_attribute("href") or "").split("?")[0] for i in range(min(5, links.count()))]
        if now and now == shown:
            return now
        shown = now
    return shown


@pytest.mark.parametrize("query", ["Kymriah", "CTL019", "NCT02435849", "tisagenlecleucel"])
def test_searching_any_name_of_eliana_leads_to_it(
    request: pytest.FixtureRequest, tab: Offline, any_url: str, query: str
) -> None:
    results = search(tab, any_url, query)
    if "[zensical-" not in request.node.name:
        assert results and results[0] == any_url + "studies/eliana/"
        return
    # Zensical 0.0.73 ranks without the pivotal pages' search boost (its index has no boost
    # field): the registry number still finds the study among the first three; the brand, code
    # and generic names, which many other studies mention, do not yet.
    if query in ("Kymriah", "CTL019", "tisagenlecleucel"):
        request.applymarker(pytest.mark.xfail(reason="Zensical 0.0.73 ignores search.boost", strict=True))
    assert any_url + "studies/eliana/" in results[:3], results


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


def test_a_table_sorts(tab: Offline, any_url: str) -> None:
    page = tab.page
    page.goto(any_url + "tables/cd19-academic-children/")
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


def test_every_study_with_a_denominator_is_plotted(tab: Offline, base_url: str) -> None:
    """The acceptance bars of the synthesis, read off the page a reader sees."""
    page = tab.page
    page.goto(base_url + "plots/")

    def studies(split: str) -> set[str]:
        rows = page.locator(f"[data-lr-split='{split}'] svg .lr-forest-row > title")
        return {t.split(":")[0].split(" (")[0] for t in rows.all_text_contents()}

    assert len(studies("cr-all") | studies("cr-cri-all")) >= 40
    assert len(studies("mrd-neg-cr-all")) >= 25
    assert len(studies("crs-3-all")) >= 20 and len(studies("icans-3-all")) >= 20
    assert page.locator("[data-lr-split='cr-all'] .lr-forest-diamond").count() == 1


def test_every_plot_label_is_whole_and_inside_its_plot(browser: Any, base_url: str) -> None:
    """Labels are the record's short name or its whole name, never cut, and none runs off
    the left edge of its plot (without JavaScript every subgroup split is drawn)."""
    context = browser.new_context(java_script_enabled=False, viewport=DESK)
    try:
        page = context.new_page()
        page.goto(base_url + "plots/")
        boxes = page.evaluate(
            """() => [...document.querySelectorAll('svg.lr-forest text.lr-forest-label')].map(t => {
                const b = t.getBBox(), w = t.ownerSVGElement.viewBox.baseVal.width;
                return [t.textContent, b.x, b.x + b.width, w];
            })"""
        )
        assert len(boxes) > 200
        cut = [text for text, *_ in boxes if text.endswith("…")]
        outside = [(text, round(left)) for text, left, right, width in boxes if left < 0 or right > width]
        assert not cut, cut[:5]
        assert not outside, outside[:5]
        labels = {text for text, *_ in boxes}
        assert "Jacoby 2022 (active CNS)" in labels  # a short name where the whole name would not fit
        assert "ELIANA" in labels
    finally:
        context.close()


def test_switching_the_subgroup_variable_changes_the_plot(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "plots/")
    box = page.locator("[data-lr-synth]").first
    select = box.locator("select[data-lr-subgroup-select]")
    assert select.is_visible()
    shown = box.locator(".lr-synth-split:visible")
    assert shown.count() == 1
    assert shown.locator("svg title").first.text_content() == "Complete remission (CR)"
    diamonds = shown.locator(".lr-forest-diamond").count()
    select.select_option(label="target antigen")
    shown = box.locator(".lr-synth-split:visible")
    assert shown.count() == 1
    assert shown.locator("svg title").first.text_content() == "Complete remission (CR), by target antigen"
    assert shown.locator(".lr-forest-group").count() >= 3  # CD19, CD22, CD19 and CD22
    assert shown.locator(".lr-forest-diamond").count() > diamonds
    assert "Test for subgroup differences" in (shown.text_content() or "")
    assert not tab.errors


def test_without_javascript_every_split_is_a_static_plot(browser: Any, base_url: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(base_url + "plots/")
        box = page.locator("[data-lr-synth]").first
        assert box.locator("select").count() == 0
        assert box.locator(".lr-synth-split:visible svg").count() >= 7
    finally:
        context.close()


def test_a_flowchart_renders_and_stepping_reaches_a_recommendation(tab: Offline, any_url: str) -> None:
    page = tab.page
    page.goto(any_url + "flowcharts/westhafen-consolidation/")
    chart = page.locator("svg.lr-flow")
    assert chart.is_visible() and chart.locator(".lr-flow-node").count() >= 10
    stepper = page.locator(".lr-stepper")
    for answer in ("Yes", "No", "No", "Yes"):  # eligible, not transplanted before, not CD28, BCA lost early
        stepper.locator("button", has_text=answer).first.click()
    card = stepper.locator(".lr-stepper-outcome")
    assert "Where this path ends" in card.inner_text()
    assert "recommended" in card.inner_text()
    assert card.locator(".lr-stepper-evidence a").count() >= 1


def test_the_text_versions_show_their_choices_as_lists(tab: Offline, any_url: str) -> None:
    """A flowchart's steps as text list each step's answers, and each plot lists the reports it
    left out: one item per line, not run together into the sentence above them."""
    page = tab.page
    page.goto(any_url + "flowcharts/mrd-algorithm/")
    answers = page.locator("#step-mrd-eligible li")
    assert answers.count() == 2
    assert answers.nth(0).inner_text().startswith("Yes: go to step") and answers.nth(1).inner_text().startswith("No")
    page.goto(any_url + "plots/")
    left_out = page.locator("p", has_text="Left out, so that each cohort counts once").first
    assert left_out.inner_text().strip() == "Left out, so that each cohort counts once:"
    assert left_out.locator("xpath=following-sibling::ul[1]/li").count() >= 1


def test_the_prisma_diagram_renders_with_the_screening_logs_counts(tab: Offline, base_url: str) -> None:
    from livingreview.load.loader import load_review

    review, _ = load_review(REPO)
    entries = [e for _, e in review.entries()]
    included = sum(e.status == "included" for e in entries)
    studies = {r for e in entries if e.status == "included" for r in e.records}
    identified = sum(s.hits for s in review.searches.values())
    page = tab.page
    page.goto(base_url + "searches/")
    diagram = page.get_by_role("img", name="Searches of 2026-11-21")
    assert diagram.is_visible()
    assert diagram.bounding_box()["width"] > 300  # type: ignore[index]
    text = " ".join(diagram.locator("text").all_text_contents())
    assert f"Reference lists of the five source reviews (n = {identified})" in text
    assert f"Reports included (n = {included})" in text
    assert f"Total studies included in the review (n = {len(studies)})" in text
    assert len(studies) == len(review.trials)
    assert diagram.locator(".lr-prisma-box").count() >= 6
    # the same counts as a table, for readers who cannot see the diagram
    table = page.locator("table.lr-prisma-table").first
    assert table.locator("tr", has_text="Reports included").locator("td").last.inner_text() == str(included)
    # the home page names the date of the last search and links to this page
    page.goto(base_url)
    assert page.locator("a", has_text="last search 2026-11-21").get_attribute("href") == "searches/"


@pytest.mark.parametrize(
    "path",
    [
        "",
        "studies/eliana/",
        "tables/pivotal/",
        "flowcharts/westhafen-consolidation/",
        "glossary/",
        "searches/",
        "plots/",
    ],
)
def test_no_serious_accessibility_violation(tab: Offline, base_url: str, path: str) -> None:
    assert _serious_violations(tab.page, base_url + path) == []


def _serious_violations(page: Any, url: str) -> list[str]:
    if not AXE.is_file():
        pytest.fail("axe-core is not installed: run .ci/setup (npm ci)")
    # axe is served from the site's own origin: the pages' policy allows no inline script
    page.route("**/__axe.min.js", lambda route: route.fulfill(path=str(AXE)))
    page.goto(url)
    page.add_script_tag(url=urljoin(url, "/__axe.min.js"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    serious = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return serious


@pytest.mark.parametrize(
    "path", ["", "studies/", "studies/eliana/", "tables/pivotal/", "plots/", "bibliography/", "searches/"]
)
def test_pages_load_without_errors_or_outside_requests(tab: Offline, any_url: str, path: str) -> None:
    tab.page.goto(any_url + path)
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


@pytest.mark.parametrize(
    ("setup", "url"),
    [
        ("", "https://unpkg.com/mermaid@11/dist/mermaid.min.js"),
        ("delete window.ResizeObserver;", "https://unpkg.com/resize-observer-polyfill"),
    ],
    ids=["mermaid", "resize-observer"],
)
def test_the_themes_cdn_fallbacks_cannot_load(browser: Any, site: Path, base_url: str, setup: str, url: str) -> None:
    """The theme's bundle loads Mermaid from a CDN for a page with a Mermaid block, and a
    ResizeObserver polyfill in a browser without one. The policy refuses both before any
    request is made: nothing leaves the machine, and the violation is reported."""
    page_html = (site / "studies/eliana/index.html").read_text(encoding="utf-8")
    mermaid = '<pre class="mermaid">graph TD; A-->B</pre>'
    trap = site / "cdn-trap" / "index.html"
    trap.parent.mkdir(exist_ok=True)
    trap.write_text(page_html.replace('<h1 id="eliana">', mermaid + '<h1 id="eliana">', 1), encoding="utf-8")
    assert mermaid in trap.read_text(encoding="utf-8")
    context = browser.new_context()
    if setup:
        context.add_init_script(setup)
    tab = Offline(context.new_page())
    tab.page.goto(base_url + "cdn-trap/")
    tab.page.wait_for_load_state("networkidle")
    tab.page.wait_for_timeout(500)
    assert tab.page.evaluate("() => typeof mermaid === 'undefined' || mermaid instanceof Element")
    context.close()
    assert tab.blocked == []
    assert any(e.startswith("CSP violation: script-src") and url in e for e in tab.errors), tab.errors


def test_every_page_carries_the_policy_and_violates_it_nowhere(tab: Offline, site: Path, base_url: str) -> None:
    """Every page of the site, in one tab: the policy is the first thing in its head, the
    theme's own scripts run under it (their hashes are in it), and the browser reports no
    violation (the tab fixture fails on any console error, violations included)."""
    built = sorted(p for p in site.rglob("*.html") if p.parent.name != "cdn-trap" and p.name != "404.html")
    assert len(built) > 50
    for path in built:
        rel = path.relative_to(site).as_posix()
        head = path.read_text(encoding="utf-8").split("</head>")[0]
        assert re.search(r'<head>\s*<meta charset="utf-8">\s*<meta http-equiv="Content-Security-Policy"', head), rel
        # the theme's scripts run as the page is parsed: by DOMContentLoaded they have run, or been refused
        tab.page.goto(base_url + rel.removesuffix("index.html"), wait_until="domcontentloaded")
        assert tab.page.evaluate("() => typeof __md_get") == "function", rel


# --------------------------------------------------------------------------- at a glance, on a desk and a phone

DESK = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TABLES = sorted(p.stem for p in (REPO / "content/tables").glob("*.yaml"))


@pytest.fixture(params=["desk", "phone"])
def screen(request: pytest.FixtureRequest, browser: Any) -> Iterator[tuple[str, Any]]:
    """A tab at 1366×900 or at 390×844 (a phone, touch), offline like :func:`tab`."""
    phone = request.param == "phone"
    context = browser.new_context(viewport=PHONE if phone else DESK, is_mobile=phone, has_touch=phone)
    offline = Offline(context.new_page())
    yield request.param, offline.page
    context.close()
    assert offline.blocked == [] and offline.errors == []


def _key_figure(page: Any, label: str) -> Any:
    return page.locator(".lr-key-figure", has=page.locator("dt", has_text=re.compile(f"^{re.escape(label)}$"))).first


@pytest.mark.parametrize(("study", "remission"), [("eliana", "81%"), ("felix", "76.6%")])
def test_key_results_come_first(screen: tuple[str, Any], base_url: str, study: str, remission: str) -> None:
    """The remission and severe CRS figures are on the first screen at desk size, each with
    its citation, and nothing on the page is wider than the phone."""
    size, page = screen
    page.goto(base_url + f"studies/{study}/")
    height = page.viewport_size["height"]
    width = page.viewport_size["width"]
    for label in ("Remission", "Grade ≥3 CRS"):
        figure = _key_figure(page, label)
        assert figure.locator("dd > .lr-prov > sup.lr-cite a").count() == 1
        box = figure.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        if size == "desk":
            assert box["y"] + box["height"] <= height, f"{label} is below the first screen"
    assert remission in _key_figure(page, "Remission").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("study", ["eliana", "felix", "zuma-3-phase-2", "nci-cd19-28z"])
def test_no_result_row_is_taller_than_three_lines(tab: Offline, base_url: str, study: str) -> None:
    page = tab.page
    page.set_viewport_size(DESK)
    page.goto(base_url + f"studies/{study}/")
    rows = page.locator(".lr-results tbody tr")
    assert rows.count() > 5
    line = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.lr-results td')).lineHeight)")
    tallest = max(rows.evaluate_all("rs => rs.map(r => r.getBoundingClientRect().height)"))
    assert tallest <= 3 * line + 12  # three lines and the cell padding


def _detail(page: Any) -> Any:
    return page.locator(".lr-results .lr-prov").first.locator(".lr-prov-detail")


def _readable(locator: Any) -> bool:
    box = locator.bounding_box()
    return box is not None and box["width"] > 100 and box["height"] > 20


def test_provenance_opens_on_hover_and_focus(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.set_viewport_size(DESK)
    page.goto(base_url + "studies/eliana/")
    prov = page.locator(".lr-results .lr-prov").first
    detail = _detail(page)
    assert not _readable(detail)
    text = detail.inner_text()
    assert "From Maude et al. 2018" in text and "Read in Alati et al. 2025" in text and "Section 2" in text
    assert "Note" in text  # the note on this row is behind the citation, not in a column of its own
    prov.locator(".lr-prov-more").hover()
    assert _readable(detail)
    box = detail.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= DESK["width"]
    page.mouse.move(0, 0)
    assert not _readable(detail)
    page.keyboard.press("Tab")
    prov.locator(".lr-prov-more").focus()
    assert _readable(detail)
    page.keyboard.press("Escape")
    assert not _readable(detail)


def test_provenance_opens_and_closes_on_a_tap(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.goto(base_url + "studies/eliana/")
    prov = page.locator(".lr-results .lr-prov").first
    button = prov.locator(".lr-prov-more")
    button.scroll_into_view_if_needed()
    button.tap()
    assert _readable(_detail(page)) and button.get_attribute("aria-expanded") == "true"
    button.tap()
    assert not _readable(_detail(page)) and button.get_attribute("aria-expanded") == "false"
    context.close()


def test_provenance_is_printed(tab: Offline, base_url: str) -> None:
    page = tab.page
    page.goto(base_url + "studies/eliana/")
    page.emulate_media(media="print")
    assert _readable(_detail(page))
    assert not page.locator(".lr-results .lr-prov-more").first.is_visible()


def test_provenance_opens_on_hover_without_javascript(browser: Any, base_url: str) -> None:
    context = browser.new_context(viewport=DESK, java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "studies/eliana/")
    assert not _readable(_detail(page))
    page.locator(".lr-results .lr-prov-more").first.hover()
    assert _readable(_detail(page))
    context.close()


_CLIPPED = r"""wrap => {
  const out = [];
  const box = wrap.getBoundingClientRect();
  for (const cell of wrap.querySelectorAll('th, td')) {
    if (cell.scrollWidth > cell.clientWidth + 1) out.push('cut off: ' + cell.innerText.slice(0, 40));
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const m of node.data.matchAll(/[^\s\u2010-]+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        if (range.getClientRects().length > 1) out.push('broken mid-word: ' + m[0]);
      }
    }
  }
  const own = ['auto', 'scroll'].includes(getComputedStyle(wrap).overflowX);
  if (box.left < 0 || box.right > window.innerWidth + 1) out.push('the table box leaves the window');
  if (wrap.scrollWidth > wrap.clientWidth + 1 && !own) out.push('wider than its box, which does not scroll');
  return {problems: out, scrolls: wrap.scrollWidth > wrap.clientWidth + 1};
}"""


@pytest.mark.parametrize("table", TABLES)
def test_comparison_tables_fit(screen: tuple[str, Any], base_url: str, table: str) -> None:
    """At desk size every current table fits its box: no cell cut off and no sideways
    scrolling. On a phone a table scrolls inside its own box, never the page, and the
    study column stays in place while it does."""
    size, page = screen
    page.goto(base_url + f"tables/{table}/")
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    if size == "desk":
        assert page.locator(".md-sidebar--secondary").first.is_hidden(), "a table of contents takes the width"
    wraps = page.locator(".lr-table-wrap")
    assert wraps.count() >= 1
    for i in range(wraps.count()):
        wrap = wraps.nth(i)
        wrap.scroll_into_view_if_needed()
        found = wrap.evaluate(_CLIPPED)
        assert found["problems"] == []
        if size == "desk":
            assert not found["scrolls"], "the table is wider than the content column"
        elif found["scrolls"]:
            first = wrap.locator("tbody th[scope=row]").first
            before = first.bounding_box()
            wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
            after = first.bounding_box()
            assert before is not None and after is not None and abs(before["x"] - after["x"]) < 1


@pytest.mark.parametrize("path", ["studies/eliana/", "studies/felix/", "tables/pivotal/", "tables/consolidation/"])
def test_changed_pages_stay_accessible_at_both_sizes(screen: tuple[str, Any], base_url: str, path: str) -> None:
    _, page = screen
    assert _serious_violations(page, base_url + path) == []


# --------------------------------------------------------------------------- screenshots

#: Where the browser suite leaves its screenshots (a test artefact, not kept in git).
SHOTS = Path(os.environ.get("LR_SCREENSHOTS", REPO / "build" / "screenshots"))
#: The accepted layout of each screenshot: committed, so a fresh clone compares against it.
LAYOUTS = Path(__file__).parent / "golden" / "layout"
SHOT_PAGES = {"home": "", "study": "studies/eliana/", "table": "tables/pivotal/", "plot": "plots/"}

#: The page's layout, across: for each heading, plot, key-results list and sidebar its left
#: edge and width, for each table its left edge (a table is as wide as its content). Heights
#: and vertical positions follow the content (a new value, a longer note) and are left out,
#: so an editor's correction does not count as a layout change; the order of the parts and
#: the page's width are kept.
_LAYOUT = """() => {
  const across = e => { const r = e.getBoundingClientRect(), name = e.tagName.toLowerCase();
    const part = [name + (e.id ? '#' + e.id : ''), Math.round(r.x)];
    return name === 'table' ? part : [...part, Math.round(r.width)]; };
  const parts = [...document.querySelectorAll(
    'article h1, article h2, article table, article svg.lr-forest, .lr-keys, .md-sidebar')];
  return {width: document.documentElement.scrollWidth, parts: parts.map(across)};
}"""


@pytest.mark.parametrize("name", sorted(SHOT_PAGES))
def test_screenshots_keep_their_layout(screen: tuple[str, Any], base_url: str, name: str, update_golden: bool) -> None:
    """A full-page screenshot of the home page, a study page, a table and a plot at both
    sizes, kept in build/screenshots (or $LR_SCREENSHOTS) to look at. The boxes of the page's
    headings, tables, plots and sidebars are compared, across the page, with the accepted
    layout committed in tests/golden/layout: a part that moved sideways, changed width or
    order fails, until ``--update-golden`` accepts it."""
    size, page = screen
    page.goto(base_url + SHOT_PAGES[name])
    page.wait_for_load_state("networkidle")
    SHOTS.mkdir(parents=True, exist_ok=True)
    stem = SHOTS / f"{name}-{page.viewport_size['width']}x{page.viewport_size['height']}"
    page.screenshot(path=str(stem.with_suffix(".png")), full_page=True)
    layout = page.evaluate(_LAYOUT)
    assert layout["width"] <= page.viewport_size["width"], "the page is wider than the window"
    kept = LAYOUTS / f"{stem.name}.json"
    if update_golden:
        LAYOUTS.mkdir(parents=True, exist_ok=True)
        lines = ",\n  ".join(json.dumps(part, ensure_ascii=False) for part in layout["parts"])
        kept.write_text(f'{{"width": {layout["width"]}, "parts": [\n  {lines}\n]}}\n', encoding="utf-8")
    assert kept.is_file(), f"no accepted layout for {name} at {size} size; run pytest --update-golden"
    previous = json.loads(kept.read_text(encoding="utf-8"))
    assert layout == previous, f"{name} at {size} size moved from the accepted layout (see {stem}.png)"
