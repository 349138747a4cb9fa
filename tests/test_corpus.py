"""The bad-input corpus: each case is a small broken review and its exact diagnostics.

A case is ``tests/corpus/<name>/files/``, laid over the valid review in
``tests/corpus/_base``, and ``expected.txt``, the diagnostics ``livingreview check``
must print for it (file, line, column, code, message, hint). Regenerate with
``pytest --update-golden`` and read the diff.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import BIN, run
from livingreview.check import check_review
from livingreview.load.loader import load_review

CORPUS = Path(__file__).resolve().parent / "corpus"
# tests/corpus/real/ holds real-world .bib files, read by tests/test_real_bibtex.py
CASES = sorted(d.name for d in CORPUS.iterdir() if (d / "expected.txt").is_file())


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
