"""Shared fixtures: a small review in tmp_path, built with the repository's real templates."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

REPO = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).resolve().parent / "fixtures" / "review"
GOLDEN = Path(__file__).resolve().parent / "golden"
BIN = Path(sys.executable).parent

FIXTURE_NAV = [
    {"Home": "index.md"},
    {"Studies": "studies/index.md"},
    {"About": "about.md"},
    {"Tables": "tables/index.md"},
    {"Rates across studies": "plots.md"},
    {"Flowcharts": "flowcharts/index.md"},
    {"Searches and screening": "searches.md"},
    {"Endpoints": "endpoints.md"},
    {"Bibliography": "bibliography.md"},
    {"Data downloads": "data.md"},
    {"For editors": "editors.md"},
]


def pytest_configure(config: pytest.Config) -> None:
    """Keep every cache the tests make (in this process and in the commands they run)
    out of the user's own cache folder."""
    os.environ["LIVINGREVIEW_CACHE_DIR"] = tempfile.mkdtemp(prefix="livingreview-test-cache-")


def pytest_unconfigure(config: pytest.Config) -> None:
    shutil.rmtree(os.environ.pop("LIVINGREVIEW_CACHE_DIR", ""), ignore_errors=True)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def fixture_config(nav: list[dict[str, str]] | None = None) -> str:
    """The repository's mkdocs.yml with the fixture's navigation."""
    yaml = YAML()
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["nav"] = nav or FIXTURE_NAV
    buf = io.StringIO()
    yaml.dump(config, buf)
    return buf.getvalue()


def make_review(dest: Path, source: Path = FIXTURE) -> Path:
    shutil.copytree(source, dest)
    shutil.copytree(REPO / "templates", dest / "templates")
    (dest / "mkdocs.yml").write_text(fixture_config(), encoding="utf-8")
    return dest


@pytest.fixture
def review_root(tmp_path: Path) -> Path:
    """A copy of the fixture review with the real templates and configuration."""
    return make_review(tmp_path / "review")


def run(args: list[str], cwd: Path, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, env=env, check=check, timeout=300)


@pytest.fixture
def mkdocs() -> Callable[..., subprocess.CompletedProcess[str]]:
    def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run([str(BIN / "mkdocs"), *args], cwd=root)

    return _run


@pytest.fixture
def cli() -> Callable[..., subprocess.CompletedProcess[str]]:
    def _run(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
        return run([str(BIN / "livingreview"), *args], cwd=root)

    return _run


CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, one for the whole session: Playwright's sync API
    allows one running instance per thread, so every browser test shares it."""
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: run .ci/setup")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()
