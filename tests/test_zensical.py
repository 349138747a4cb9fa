"""The pages `livingreview render` writes also build with Zensical, not only with MkDocs.

Zensical lives in its own venv, .venv-zensical, which .ci/setup creates. It builds the
rendered tree's mkdocs.yml unchanged, and every internal link resolves inside the site for
both engines (the renderer writes links as Markdown, which each engine rewrites itself).
"""

from __future__ import annotations

import filecmp
import html as html_lib
import io
import posixpath
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from subprocess import CompletedProcess
from typing import Any
from urllib.parse import urlsplit

import pytest
from ruamel.yaml import YAML

from conftest import BIN, REPO, run
from livingreview.render import csp

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
