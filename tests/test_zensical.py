"""The pages `livingreview render` writes also build with Zensical, not only with MkDocs.

Zensical lives in its own venv, .venv-zensical, which .ci/setup creates. It builds the
rendered tree's mkdocs.yml unchanged, and every internal link resolves inside the site for
both engines (the renderer writes links as Markdown, which each engine rewrites itself).
"""

from __future__ import annotations

import filecmp
import html as html_lib
import io
import json
import os
import posixpath
import re
import subprocess
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from conftest import BIN, REPO, make_review, run
from livingreview.engine import write_engine_tree
from livingreview.pipeline import build
from livingreview.render import csp, searched
from livingreview_bench.synth import write_corpus

pytestmark = pytest.mark.slow

ZENSICAL = REPO / ".venv-zensical/bin/zensical"
DATA_FILES = ("data/trials.json", "data/results.csv", "data/references.bib", "schema/trial.schema.json")


def zensical_build(config: Path) -> CompletedProcess[str]:
    if not ZENSICAL.is_file():
        pytest.fail(f"Zensical is not installed ({ZENSICAL.relative_to(REPO)} is missing): run bash .ci/setup")
    return run([str(ZENSICAL), "build", "--strict", "--config-file", config.name], cwd=config.parent)


def load_config(path: Path) -> Any:
    return YAML().load(path.read_text(encoding="utf-8"))


def dump_config(config: Any, path: Path) -> None:
    buf = io.StringIO()
    YAML().dump(config, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")


@pytest.fixture
def rendered(review_root: Path, tmp_path: Path, cli: Callable[..., CompletedProcess[str]]) -> Path:
    """The fixture review rendered to <tmp>/build: docs/ and a plugin-free mkdocs.yml."""
    out = tmp_path / "build"
    result = cli(review_root, "render", "--out", str(out))
    assert result.returncode == 0, result.stderr
    return out


@pytest.fixture
def zensical_config(rendered: Path) -> Path:
    """The rendered mkdocs.yml, as `livingreview render` wrote it."""
    return rendered / "mkdocs.yml"


def test_rendered_config_names_only_plugins_zensical_knows(rendered: Path) -> None:
    """Zensical silently drops plugins it does not know, so a new one would vanish without a word."""
    plugins = load_config(rendered / "mkdocs.yml").get("plugins") or []
    names = {next(iter(p)) if isinstance(p, dict) else p for p in plugins}
    assert names <= {"search"}, f"check that Zensical supports {sorted(names - {'search'})} before rendering them"


def test_zensical_builds_the_rendered_pages(rendered: Path, zensical_config: Path) -> None:
    result = zensical_build(zensical_config)
    assert result.returncode == 0, result.stdout + result.stderr
    site = rendered / "site"
    study = site / "studies/eliana/index.html"
    assert study.is_file()
    assert (site / "tables/pediatric/index.html").is_file()
    assert (site / "index.html").is_file() and (site / "bibliography/index.html").is_file()
    for path in DATA_FILES:
        assert (site / path).is_file(), path
        assert filecmp.cmp(site / path, rendered / "docs" / path, shallow=False), f"{path} was changed on the way"
    html = study.read_text(encoding="utf-8")
    # the citations are the rendered ones, not the raw [@key] markers of the sources
    assert 'class="lr-cite"' in html
    assert "[@" not in html
    # the review's own styles and scripts are on the page
    assert "assets/livingreview/livingreview.css" in html
    assert "assets/livingreview/livingreview.js" in html
    # every page carries the policy, and every inline script on it is one the policy allows
    for page in sorted(site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        m = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', text)
        assert m, page
        policy = html_lib.unescape(m.group(1))
        assert "'unsafe-inline'" not in policy and "object-src 'none'" in policy
        assert csp.page_scripts(text), page
        assert csp.unlisted(text, policy) == [], page


class Links(HTMLParser):
    """Every URL a page links to or loads."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        for name in ("href", "src"):
            if tag in ("a", "link", "script", "img") and a.get(name):
                self.urls.append(a[name] or "")


def broken_links(site: Path, mount: str) -> list[str]:
    """Relative links that leave the site or miss their target when it is served under ``mount``."""
    broken = []
    for page in sorted(site.rglob("*.html")):
        rel = page.relative_to(site).as_posix()
        base = mount + (rel.removesuffix("index.html") if rel.endswith("index.html") else rel)
        parser = Links()
        parser.feed(page.read_text(encoding="utf-8"))
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme or parts.netloc or url.startswith(("#", "/")) or not parts.path:
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(base), parts.path)) + "/"
            if not target.startswith(mount):
                broken.append(f"{rel}: {url} (leaves {mount})")
                continue
            path = site / target.removeprefix(mount).rstrip("/")
            if not (path.is_file() or (path / "index.html").is_file()):
                broken.append(f"{rel}: {url} (no such file)")
    return broken


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_links_stay_inside_the_site(engine: str, rendered: Path, zensical_config: Path) -> None:
    if engine == "mkdocs":
        result = run([str(BIN / "mkdocs"), "build", "--strict", "-f", zensical_config.name], cwd=rendered)
    else:
        result = zensical_build(zensical_config)
    if result.returncode != 0:  # not the expected failure: fail outright, even under xfail
        pytest.fail(f"{engine} build failed:\n{result.stdout}{result.stderr}")
    mount = urlsplit(str(load_config(rendered / "mkdocs.yml")["site_url"])).path
    assert mount.endswith("/") and mount != "/", "the check needs a site_url with a path"
    broken = broken_links(rendered / "site", mount)
    assert broken == [], f"{len(broken)} broken links, for example:\n" + "\n".join(broken[:10])


def test_rendered_config_builds_unmodified(rendered: Path) -> None:
    result = zensical_build(rendered / "mkdocs.yml")
    output = result.stdout + result.stderr
    if result.returncode != 0 and "site_dir must be within project root" not in output:
        pytest.fail(f"Zensical refuses the rendered mkdocs.yml for another reason:\n{output}")
    assert result.returncode == 0, output


# --------------------------------------------------------------------------- livingreview build

#: Files each engine writes in its own way (the theme's scripts and styles, the search index,
#: the sitemap, which only MkDocs dates); everything else in the two sites is the review's.
THEME_FILES = ("assets/javascripts/", "assets/stylesheets/", "search/", "search.json", "sitemap.xml")
REPRESENTATIVE = (
    "index.html",
    "studies/eliana/index.html",
    "tables/pediatric/index.html",
    "plots/index.html",
    "flowcharts/mrd/index.html",
    "bibliography/index.html",
    "glossary/index.html",
)


def build_command(root: Path, *args: str, path: str | None = None) -> CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "PATH": path if path is not None else os.environ["PATH"]}
    cmd = [str(BIN / "livingreview"), "build", *args]
    return subprocess.run(cmd, cwd=root, capture_output=True, text=True, env=env, check=False, timeout=300)


@pytest.fixture(scope="module")
def two_sites(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The fixture review built by `livingreview build` with MkDocs and with Zensical."""
    if not ZENSICAL.is_file():
        pytest.fail(f"Zensical is not installed ({ZENSICAL.relative_to(REPO)} is missing): run bash .ci/setup")
    root = make_review(tmp_path_factory.mktemp("engines") / "review")
    path = f"{ZENSICAL.parent}{os.pathsep}{os.environ['PATH']}"  # the review's copy has no .venv-zensical
    for engine in ("mkdocs", "zensical"):
        result = build_command(root, "--engine", engine, path=path)
        assert result.returncode == 0, f"{engine}:\n{result.stdout}{result.stderr}"
    return root / "site", root / "build/site"


def site_files(site: Path) -> set[str]:
    files = {p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()}
    return {f for f in files if not f.startswith(THEME_FILES)}


class ArticleText(HTMLParser):
    """The words of a page's <article>: what the reader reads, whichever theme framed it."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "wbr", "col", "source"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.words: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.depth and tag not in self.VOID:
            self.depth += 1
        elif tag == "article":
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.words.extend(data.split())


def article_text(page: Path) -> str:
    parser = ArticleText()
    parser.feed(page.read_text(encoding="utf-8"))
    return " ".join(parser.words)


def test_both_engines_build_the_same_pages_and_files(two_sites: tuple[Path, Path]) -> None:
    mkdocs_site, zensical_site = two_sites
    ours, theirs = site_files(mkdocs_site), site_files(zensical_site)
    assert ours == theirs, f"only MkDocs: {sorted(ours - theirs)}; only Zensical: {sorted(theirs - ours)}"
    assert {p for p in ours if p.endswith(".html")} >= set(REPRESENTATIVE)
    for path in sorted(ours):
        if not path.endswith(".html"):  # data files, the review's assets, the feed: byte for byte
            assert filecmp.cmp(mkdocs_site / path, zensical_site / path, shallow=False), path
    urls = [re.findall(r"<loc>([^<]*)</loc>", (s / "sitemap.xml").read_text(encoding="utf-8")) for s in two_sites]
    assert sorted(urls[0]) == sorted(urls[1]) and len(urls[0]) == len({p for p in ours if p.endswith(".html")}) - 1


@pytest.mark.parametrize("page", REPRESENTATIVE)
def test_both_engines_show_the_same_text(two_sites: tuple[Path, Path], page: str) -> None:
    mkdocs_site, zensical_site = two_sites
    text = article_text(mkdocs_site / page)
    assert len(text) > 100, "the page has no article to compare"
    other = article_text(zensical_site / page)
    if other != text and page.startswith("studies/"):
        # The one known difference: Zensical 0.0.73 prints a page's front-matter tags (a
        # study's other names, kept for search) after the article, and ignores hide: [tags].
        assert other.startswith(text)
        extra = other[len(text) :].split()
        assert extra and all(word in text for word in extra), extra
        other = text
    assert other == text


def test_both_engines_index_every_page_for_search(two_sites: tuple[Path, Path]) -> None:
    mkdocs_site, zensical_site = two_sites
    for index in (mkdocs_site / "search/search_index.json", zensical_site / "search.json"):
        data = json.loads(index.read_text(encoding="utf-8"))
        docs = data.get("docs") or data["items"]  # MkDocs' Material, Zensical
        pages = {d["location"].split("#")[0] for d in docs}
        assert {"studies/eliana/", "tables/pediatric/", "bibliography/"} <= pages, index
        assert any("Kymriah" in d["text"] for d in docs), f"{index} cannot find ELIANA by its brand name"


def test_neither_engine_indexes_the_editors_open_items(two_sites: tuple[Path, Path]) -> None:
    """Thousands of items under one heading on a large review are more than Zensical indexes
    as one section (it refuses to build); the page shows them, search leaves them out."""
    for site, index in ((two_sites[0], "search/search_index.json"), (two_sites[1], "search.json")):
        page = (site / "editors/index.html").read_text(encoding="utf-8")
        items = re.search(r'<div class="lr-open-items"[^>]*>\s*<ul>\s*<li>(.*?)</li>', page, re.S)
        assert items, f"{site}: the editors' page shows no open items"
        message = html_lib.unescape(re.sub(r"<[^>]+>", "", items.group(1))).split(": ", 1)[1]
        data = json.loads((site / index).read_text(encoding="utf-8"))
        docs = data.get("docs") or data["items"]
        assert any(d["location"].startswith("editors/") for d in docs)
        assert not [d["location"] for d in docs if message in html_lib.unescape(d["text"])], message


def searched_words(root: Path, studies: int) -> dict[str, int]:
    """The words Zensical indexes in each section of a synthetic review's site."""
    write_corpus(root, studies, 3 * studies)
    result = build(root, root / "templates")
    assert not [d.format_text() for d in result.diagnostics if d.severity == "error"]
    write_engine_tree(root, result.files, root / "build")
    built = zensical_build(root / "build/mkdocs.yml")
    assert built.returncode == 0, built.stdout + built.stderr
    items = json.loads((root / "build/site/search.json").read_text(encoding="utf-8"))["items"]
    return {d["location"]: len(re.findall(r"\w+", re.sub(r"<[^>]+>", " ", d["text"]))) for d in items}


def test_no_searched_section_grows_with_the_review(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Zensical refuses to build a section of more than 16,384 words, and a review of 5,000
    studies lists more than that under one heading (a browse group, a table's references).
    Every list that grows with the review is searched only while short: with the limit set to
    five entries, no section of a review four times larger holds more than five entries' worth
    of words more than it did."""
    monkeypatch.setattr(searched, "SEARCHED_ITEMS", 5)
    small = searched_words(tmp_path / "small", 60)
    large = searched_words(tmp_path / "large", 240)
    ceiling = max(small.values())
    grown = {
        where: (small.get(where), words)
        for where, words in large.items()
        if words > (small[where] * 1.2 + 300 if where in small else ceiling)
    }
    assert grown == {}, "sections that grow with the review (words at 60 and at 240 studies)"
    assert any(where.startswith("browse/") for where in large) and "studies/" in {w.split("#")[0] for w in large}


def test_build_without_zensical_says_how_to_install_it(review_root: Path) -> None:
    result = build_command(review_root, "--engine", "zensical", path="/usr/bin:/bin")
    assert result.returncode == 2
    assert "Zensical is not installed" in result.stderr
    assert "requirements-zensical.txt" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (review_root / "build").exists(), "nothing is rendered for an engine that is missing"


def test_installed_zensical_is_in_the_pinned_range() -> None:
    from packaging.requirements import Requirement

    lines = (REPO / "requirements-zensical.txt").read_text(encoding="utf-8").splitlines()
    (pin,) = [Requirement(line) for line in lines if line.strip() and not line.startswith("#")]
    version = run([str(ZENSICAL), "--version"], cwd=REPO).stdout.strip()
    assert pin.name == "zensical" and pin.specifier.contains(version), f"Zensical {version} is not in {pin}"
