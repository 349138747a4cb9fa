"""Vendored front-end files are exactly the npm packages' files, at the pinned versions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO

VENDOR = "templates/assets/vendor/tablesort/"
VENDORED = {
    VENDOR + "tablesort.min.js": "node_modules/tablesort/dist/tablesort.min.js",
    VENDOR + "tablesort.number.min.js": "node_modules/tablesort/dist/sorts/tablesort.number.min.js",
    VENDOR + "LICENCE": "node_modules/tablesort/LICENCE",
}


@pytest.mark.parametrize(("ours", "npm"), VENDORED.items())
def test_vendored_file_matches_the_npm_package(ours: str, npm: str) -> None:
    source = REPO / npm
    if not source.is_file():
        pytest.skip("run npm ci first (.ci/setup does)")
    assert (REPO / ours).read_bytes() == source.read_bytes()


def test_vendored_version_is_the_pinned_one() -> None:
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["tablesort"]
    header = Path(REPO / "templates/assets/vendor/tablesort/tablesort.min.js").read_text(encoding="utf-8")[:200]
    assert f"tablesort v{pinned}" in header
