"""Real MkDocs builds of the fixture review in tmp_path."""

from __future__ import annotations

import filecmp
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_strict_build_has_no_warning_and_carries_data(review_root: Path, mkdocs) -> None:
    result = mkdocs(review_root, "build", "--strict")
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    site = review_root / "site"
    for path in ("data/trials.json", "data/results.csv", "data/references.bib", "schema/trial.schema.json"):
        assert (site / path).is_file(), path
    assert (site / "studies/eliana/index.html").is_file()


def test_two_builds_are_byte_identical(review_root: Path, mkdocs, tmp_path: Path) -> None:
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    first = tmp_path / "first"
    shutil.move(review_root / "site", first)
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    a, b = tree(first), tree(review_root / "site")
    assert a.keys() == b.keys()
    changed = [k for k in a if a[k] != b[k]]
    assert changed == []
    assert b"<lastmod>2026-11-21</lastmod>" in b["sitemap.xml"]


class Assets(HTMLParser):
    """Collects every URL the browser would fetch on its own: scripts, styles, fonts, images."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("script", "img", "iframe", "audio", "video", "source") and a.get("src"):
            self.urls.append(a["src"] or "")
        if tag == "link" and a.get("href"):
            rel = (a.get("rel") or "").lower()
            if any(r in rel for r in ("stylesheet", "preload", "icon", "modulepreload", "manifest", "prefetch")):
                self.urls.append(a["href"] or "")
        if a.get("style") and "url(" in (a.get("style") or ""):
            self.urls += re.findall(r"url\(([^)]+)\)", a["style"] or "")


EXTERNAL = re.compile(r"^(https?:)?//", re.I)


def test_site_fetches_nothing_from_outside(review_root: Path, mkdocs) -> None:
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    site = review_root / "site"
    external: list[str] = []
    for page in site.rglob("*.html"):
        parser = Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        external += [f"{page.relative_to(site)}: {u}" for u in parser.urls if EXTERNAL.match(u.strip("'\""))]
    for css in site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        for url in re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(r"@import\s+['\"]([^'\"]+)", text):
            if EXTERNAL.match(url):
                external.append(f"{css.relative_to(site)}: {url}")
    # the review's own scripts name no outside address (vendored files are checked against npm)
    for js in (site / "assets/livingreview").glob("*.js"):
        external += [
            f"{js.relative_to(site)}: {u}" for u in re.findall(r"https?://[^\s'\"]+", js.read_text(encoding="utf-8"))
        ]
    assert external == []


def test_every_local_asset_a_page_loads_exists(review_root: Path, mkdocs) -> None:
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    site = review_root / "site"
    missing = []
    for page in site.rglob("*.html"):
        parser = Assets()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            if EXTERNAL.match(url) or url.startswith("data:"):
                continue
            path = url.split("?")[0].split("#")[0]
            # 404.html uses site_url's path; every other page links relatively
            target = site / path.split("/", 2)[2] if path.startswith("/") else (page.parent / path).resolve()
            if not target.is_file():
                missing.append(f"{page.relative_to(site)}: {url}")
    assert missing == []
    assert list((site / "assets/javascripts").glob("bundle.*.min.js"))


class Links(HTMLParser):
    """Every link a reader can follow, with the ids the page has."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"] or "")
        if a.get("id"):
            self.ids.add(a["id"] or "")


def test_every_link_between_pages_leads_somewhere(review_root: Path, mkdocs) -> None:
    """Links the renderer writes as HTML with their final address (which the engine neither
    rewrites nor checks) and links the engine made from Markdown: each reaches a page, and
    its fragment an element of that page."""
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    site = review_root / "site"
    pages = {}
    for page in site.rglob("*.html"):
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        pages[page.resolve()] = parser
    broken = []
    followed = 0
    for page, parser in sorted(pages.items()):
        for href in parser.hrefs:
            if EXTERNAL.match(href) or href.startswith(("mailto:", "data:")) or page.name == "404.html":
                continue
            path, _, fragment = href.partition("#")
            target = page if not path else (page.parent / path.split("?")[0]).resolve()
            if target.is_dir():
                target = target / "index.html"
            followed += 1
            if target not in pages and not target.is_file():
                broken.append(f"{page.relative_to(site.resolve())}: {href}")
            elif fragment and target in pages and fragment not in pages[target].ids:
                broken.append(f"{page.relative_to(site.resolve())}: {href} (no such id)")
    assert followed > 500
    assert broken == []


def test_a_failing_check_leaves_the_site_untouched(review_root: Path, mkdocs) -> None:
    assert mkdocs(review_root, "build", "--strict").returncode == 0
    before = tree(review_root / "site")
    record = review_root / "content/trials/eliana.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("value: 81\n", "value: 810\n", 1), encoding="utf-8")
    result = mkdocs(review_root, "build", "--strict")
    assert result.returncode == 1
    assert "LR400" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(review_root / "site") == before


def test_render_writes_a_tree_any_engine_can_build(review_root: Path, cli, mkdocs) -> None:
    result = cli(review_root, "render", "--out", "build")
    assert result.returncode == 0, result.stderr
    out = review_root / "build"
    assert (out / "docs/studies/eliana.md").is_file()
    assert (out / "docs/data/results.csv").is_file()
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert "livingreview" not in config.split("plugins:")[1].split("markdown_extensions")[0]
    # the plugin-free configuration builds the same pages
    built = mkdocs(out, "build", "--strict", "-f", "mkdocs.yml")
    assert built.returncode == 0, built.stderr
    assert filecmp.cmp(out / "docs/data/results.csv", out / "site/data/results.csv", shallow=False)


def test_text_is_escaped_once_on_every_page_of_the_review(mkdocs, tmp_path: Path) -> None:
    """The project's own review: references such as O'Reilly MA and "Real World" titles read as
    written on every page and in the search index, never as entity text (&amp;#39;)."""
    from conftest import REPO

    site = tmp_path / "site"
    result = mkdocs(REPO, "build", "--strict", "--site-dir", str(site))
    assert result.returncode == 0, result.stderr
    pages = [p for p in site.rglob("*") if p.suffix in (".html", ".json") and p.is_file()]
    assert (site / "search" / "search_index.json") in pages and len(pages) > 100
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert "&amp;#" not in text and "&amp;amp;" not in text, page.relative_to(site)
    bibliography = (site / "bibliography" / "index.html").read_text(encoding="utf-8")
    assert "O&#39;Reilly MA" in bibliography or "O'Reilly MA" in bibliography
    index = (site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "O'Reilly MA" in index or "O\\u0027Reilly MA" in index


def test_a_second_render_writes_only_what_changed(tmp_path: Path) -> None:
    """An engine's cache (Zensical's) sees only the pages an edit changed."""
    import os

    from livingreview.render.site import write_site

    out = tmp_path / "docs"
    assert write_site({"a.md": "A", "b/c.md": "C", "old/d.md": "D", "e.bin": b"\x00"}, out) == 4
    past = 1_000_000_000_000_000_000
    for p in out.rglob("*"):
        if p.is_file():
            os.utime(p, ns=(past, past))
    assert write_site({"a.md": "A", "b/c.md": "C2", "e.bin": b"\x00", "new.md": "N"}, out) == 2
    assert (out / "a.md").stat().st_mtime_ns == past and (out / "e.bin").stat().st_mtime_ns == past
    assert (out / "b/c.md").read_text(encoding="utf-8") == "C2"
    assert not (out / "old").exists()
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")) == ["a.md", "b", "b/c.md", "e.bin", "new.md"]
