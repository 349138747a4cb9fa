"""The bad-input corpus: each case is a small broken review and its exact diagnostics.

A case is ``tests/corpus/<name>/files/``, laid over the valid review in
``tests/corpus/_base``, and ``expected.txt``, the diagnostics ``livingreview check``
must print for it (file, line, column, code, message, hint). Regenerate with
``pytest --update-golden`` and read the diff.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import BIN, run
from livingreview.check import check_review
from livingreview.load.loader import load_review
from livingreview.model.diagnostics import Diagnostics
from livingreview.surveillance.importing import import_search

CORPUS = Path(__file__).resolve().parent / "corpus"
# tests/corpus/real/ holds real-world .bib files, read by tests/test_real_bibtex.py
CASES = sorted(d.name for d in CORPUS.iterdir() if (d / "expected.txt").is_file() and not d.name.startswith("import-"))
#: Bad search exports: ``import-<case>/export.*``, ``source`` (pubmed, ris or ctgov) and
#: ``expected.txt``, what ``livingreview search import`` reports for it.
IMPORTS = sorted(d.name for d in CORPUS.iterdir() if d.is_dir() and d.name.startswith("import-"))


def materialise(case: str, dest: Path) -> Path:
    shutil.copytree(CORPUS / "_base", dest)
    shutil.copytree(CORPUS / case / "files", dest, dirs_exist_ok=True)
    return dest


def diagnostics_text(root: Path) -> str:
    review, diags = load_review(root)
    return "".join(d.format_text() + "\n" for d in check_review(review, diags))


def test_the_base_review_is_clean(tmp_path: Path) -> None:
    root = tmp_path / "base"
    shutil.copytree(CORPUS / "_base", root)
    assert diagnostics_text(root) == ""


def test_the_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case", CASES)
def test_case(case: str, tmp_path: Path, update_golden: bool) -> None:
    root = materialise(case, tmp_path / "review")
    actual = diagnostics_text(root)
    expected = CORPUS / case / "expected.txt"
    if update_golden:
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")


@pytest.mark.parametrize("case", ["yaml-tab-indent", "yaml-not-utf8", "bib-unclosed-brace", "num-n-greater-than-N"])
def test_cli_reports_without_traceback(case: str, tmp_path: Path) -> None:
    root = materialise(case, tmp_path / "review")
    result = run([str(BIN / "livingreview"), "check"], cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stdout == (CORPUS / case / "expected.txt").read_text(encoding="utf-8")


def import_text(case: str, root: Path) -> tuple[str, bool]:
    """What importing the case's export reports, and whether the import went through."""
    export = next((CORPUS / case).glob("export.*"))
    source = (CORPUS / case / "source").read_text(encoding="utf-8").strip()
    diags = Diagnostics()
    done = import_search(root, export, source, dt.date(2026, 12, 1), "CAR T AND B-ALL", diags)
    return "".join(d.format_text() + "\n" for d in diags.sorted()), done is not None


def test_the_import_corpus_covers_every_format() -> None:
    sources = {(CORPUS / c / "source").read_text(encoding="utf-8").strip() for c in IMPORTS}
    assert sources == {"pubmed", "ris", "ctgov"} and len(IMPORTS) >= 12


@pytest.mark.parametrize("case", IMPORTS)
def test_import_case(case: str, tmp_path: Path, update_golden: bool) -> None:
    root = tmp_path / "review"
    shutil.copytree(CORPUS / "_base", root)
    actual, imported = import_text(case, root)
    expected = CORPUS / case / "expected.txt"
    if update_golden:
        expected.write_text(actual, encoding="utf-8")
    assert actual == expected.read_text(encoding="utf-8")
    # an error writes nothing; a warning (an unknown tag) lets the import through
    assert imported == ("error" not in actual)
    assert (root / "content" / "searches").is_dir() == imported


@pytest.mark.parametrize("case", ["import-medline-not-utf8", "import-ctgov-cut-short"])
def test_import_cli_reports_without_traceback(case: str, tmp_path: Path) -> None:
    root = tmp_path / "review"
    shutil.copytree(CORPUS / "_base", root)
    export = next((CORPUS / case).glob("export.*"))
    source = (CORPUS / case / "source").read_text(encoding="utf-8").strip()
    args = ["search", "import", str(export), "--source", source, "--date", "2026-12-01", "--query", "q"]
    result = run([str(BIN / "livingreview"), *args], cwd=root)
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    assert result.stderr.startswith((CORPUS / case / "expected.txt").read_text(encoding="utf-8"))
    assert "nothing was written" in result.stderr
