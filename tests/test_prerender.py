"""The plugin converts pages on every core before MkDocs asks (livingreview.plugin.prerender):
the site must be the one MkDocs makes alone, warnings included."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from test_build import tree

pytestmark = pytest.mark.slow

BROKEN = "# Notes\n\nSee [a page that is not there](nowhere.md).\n"


def _build(root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch, site: str, **env: str):  # type: ignore[no-untyped-def]
    for name in ("LIVINGREVIEW_PRERENDER", "LIVINGREVIEW_WORKERS"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return mkdocs(root, "build", "--strict", "-d", str(root / site))


def test_pages_converted_by_workers_are_the_pages_mkdocs_makes(
    review_root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch
) -> None:
    alone = _build(review_root, mkdocs, monkeypatch, "alone", LIVINGREVIEW_PRERENDER="0")
    here = _build(review_root, mkdocs, monkeypatch, "here", LIVINGREVIEW_WORKERS="0")
    forked = _build(review_root, mkdocs, monkeypatch, "forked", LIVINGREVIEW_WORKERS="2")
    for result in (alone, here, forked):
        assert result.returncode == 0, result.stderr
    reference = tree(review_root / "alone")
    assert len([p for p in reference if p.endswith(".html")]) > 10
    assert "converted" in forked.stderr and "in 3 processes" in forked.stderr  # it really forked
    for site in ("here", "forked"):
        built = tree(review_root / site)
        assert built.keys() == reference.keys()
        assert [p for p in reference if built[p] != reference[p]] == [], site


@pytest.mark.parametrize("workers", ["0", "2"])
def test_a_warning_from_a_converted_page_is_logged_once_and_fails_strict(
    review_root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch, workers: str
) -> None:
    (review_root / "content/pages/notes.md").write_text(BROKEN, encoding="utf-8")
    result = _build(review_root, mkdocs, monkeypatch, "site", LIVINGREVIEW_WORKERS=workers)
    assert result.returncode == 1
    assert result.stderr.count("contains a link 'nowhere.md'") == 1, result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout + result.stderr


def test_a_later_build_takes_the_pages_kept_on_disk(
    review_root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """The first build makes the cache folder, the second fills it, the third reads it: the
    site is the same each time, and a kept page is what the third build publishes."""
    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    alone = _build(review_root, mkdocs, monkeypatch, "alone", LIVINGREVIEW_PRERENDER="0")
    assert alone.returncode == 0, alone.stderr
    reference = tree(review_root / "alone")
    shelves = list((tmp_path / "cache").glob("*/html"))
    for n in (1, 2, 3):
        result = _build(review_root, mkdocs, monkeypatch, f"site{n}")
        assert result.returncode == 0
        pages = len([p for p in reference if p.endswith("index.html")])
        said = f"{pages if n == 3 else 0} pages kept from an earlier build; converted {0 if n == 3 else pages} of"
        assert said in result.stderr, n
        assert tree(review_root / f"site{n}") == reference, n
        shelves = list((tmp_path / "cache").glob("*/html"))
        kept = list(shelves[0].glob("*.json")) if shelves else []
        assert len(kept) == (0 if n == 1 else len([p for p in reference if p.endswith("index.html")])), n
    # a kept page is read, not converted again: change one and the next build shows it
    about = next(p for p in kept if '"content": "<h1 id=\\"about-this-fixture\\"' in p.read_text(encoding="utf-8"))
    about.write_text(about.read_text(encoding="utf-8").replace("About this fixture", "About the kept page"), "utf-8")
    assert _build(review_root, mkdocs, monkeypatch, "site4").returncode == 0
    assert "About the kept page" in (review_root / "site4/about/index.html").read_text(encoding="utf-8")
    # a kept file that does not fit is converted again
    about.write_text("{not json", encoding="utf-8")
    assert _build(review_root, mkdocs, monkeypatch, "site5").returncode == 0
    assert tree(review_root / "site5") == reference
    assert not about.exists()  # dropped, and kept again by the next build
    assert _build(review_root, mkdocs, monkeypatch, "site6").returncode == 0
    assert about.exists() and tree(review_root / "site6") == reference


def test_a_kept_page_still_warns(review_root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    (review_root / "content/pages/notes.md").write_text(BROKEN, encoding="utf-8")
    for _ in range(3):
        result = _build(review_root, mkdocs, monkeypatch, "site")
        assert result.returncode == 1
        assert result.stderr.count("contains a link 'nowhere.md'") == 1, result.stderr


def test_a_page_kept_by_a_quiet_build_still_warns_in_a_strict_one(
    review_root: Path, mkdocs, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``-q`` silences warnings while a page is converted; what is kept must not forget them."""
    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(tmp_path / "cache"))
    (review_root / "content/pages/notes.md").write_text(BROKEN, encoding="utf-8")
    for _ in range(2):  # the first build makes the cache folder, the second fills it
        mkdocs(review_root, "build", "-q", "-d", str(review_root / "quiet"))
    result = _build(review_root, mkdocs, monkeypatch, "site")
    assert re.search(r"livingreview: [1-9]\d* pages kept from an earlier build; converted 0 of 0", result.stderr)
    assert result.returncode == 1
    assert result.stderr.count("contains a link 'nowhere.md'") == 1, result.stderr


def test_a_build_lets_go_of_each_page_once_handed_over_and_serve_keeps_them() -> None:
    """A one-off build must not hold a second copy of every page; ``mkdocs serve`` keeps
    results for its next rebuild."""
    from livingreview.plugin.prerender import Converted, Prerender

    done = Converted(content="<p>x</p>", toc=[], title=None, anchors=None, links=None)
    once, serve = Prerender(False), Prerender(False, retain=True)
    for p in (once, serve):
        p.kept = {"k": done}
    assert once.take("k") is done and once.take("k") is None and once.kept == {}
    assert serve.take("k") is done and serve.take("k") is done


def test_a_page_converted_to_html_lets_go_of_its_markdown() -> None:
    """Both copies of a page's Markdown (the generated file's text, the page's) are a fifth
    of a large build's memory; nothing reads them once the page is HTML."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.plugins import PluginCollection
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page

    from livingreview.plugin import LivingReviewPlugin

    config = MkDocsConfig()
    config.load_dict({"site_name": "x", "docs_dir": "docs"})
    config.plugins = PluginCollection()
    file = File("study.md", src_dir=None, dest_dir="site", use_directory_urls=True)
    file.content_string, file.generated_by = "---\ntitle: A\n---\n# A\n", "livingreview"
    page = Page(None, file, config)
    page.read_source(config)
    assert page.markdown == "# A\n"
    html = LivingReviewPlugin().on_page_content("<h1>A</h1>", page=page, config=config, files=None)  # type: ignore[arg-type]
    assert html == "<h1>A</h1>" and page.markdown is None and file.content_string == ""
