"""`mkdocs serve` re-renders a study page when its record changes."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest
from ruamel.yaml import YAML

from conftest import BIN

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except OSError:
        return ""


def wait_for(url: str, needle: str, timeout: float = 60) -> str:
    deadline = time.monotonic() + timeout
    page = ""
    while time.monotonic() < deadline:
        page = fetch(url)
        if needle in page:
            return page
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} did not appear at {url} within {timeout}s")


@pytest.mark.parametrize("edit", ["record", "reference"])
def test_editing_a_source_file_changes_the_served_page(review_root: Path, edit: str) -> None:
    port = free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    server = subprocess.Popen(
        [str(BIN / "mkdocs"), "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=review_root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        # mkdocs serves under the path of site_url
        base = urlparse(YAML(typ="safe").load((review_root / "mkdocs.yml").read_text())["site_url"]).path
        url = f"http://127.0.0.1:{port}{base}studies/eliana/"
        wait_for(url, "CCTL019B2202")
        if edit == "record":
            path = review_root / "content/trials/eliana.yaml"
            old, new = "name: ELIANA\n", "name: ELIANA-EDITED-WHILE-SERVING\n"
        else:
            path = review_root / "references/primary.bib"
            old, new = "Three-Year Update of Tisagenlecleucel", "Edited Update of Tisagenlecleucel"
        path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        if edit == "record":
            wait_for(url, "ELIANA-EDITED-WHILE-SERVING")
        else:  # references print titles in sentence case
            page = wait_for(url, "Edited update of tisagenlecleucel")
            assert "Three-year update of tisagenlecleucel" not in page
    finally:
        server.terminate()
        server.wait(timeout=30)
