"""The command line: exit codes, output formats, and what the editors' page shows."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import pytest

from test_corpus import CORPUS, materialise

GITHUB = re.compile(r"^::(error|warning|notice) file=([^,]+),line=(\d+),col=(\d+),title=([^:]+)::(.+)$")


def test_clean_review_exits_0(tmp_path: Path, cli) -> None:
    root = tmp_path / "review"
    shutil.copytree(CORPUS / "_base", root)
    result = cli(root, "check")
    assert result.returncode == 0
    assert result.stdout == ""
    assert "1 records, 2 references: 0 errors, 0 warnings, 0 notes" in result.stderr


def test_usage_error_exits_2(tmp_path: Path, cli) -> None:
    result = cli(tmp_path, "check", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert cli(tmp_path, "check").returncode == 2  # no content/ here


def test_a_closed_pipe_is_not_an_internal_error(tmp_path: Path) -> None:
    """``livingreview check | head -1``: the reader stops early; no "internal error", no traceback."""
    import os
    import subprocess
    import sys

    from conftest import BIN

    root = materialise("num-n-greater-than-N", tmp_path / "review")
    shutil.copytree(CORPUS / "bib-no-doi-and-unused" / "files", root, dirs_exist_ok=True)
    env = {**os.environ, "LIVINGREVIEW_CACHE_DIR": str(tmp_path / "cache")}
    read, write = os.pipe()
    os.close(read)  # nobody will read what check prints
    done = subprocess.run(
        [sys.executable, str(BIN / "livingreview"), "check", "--format", "github"],
        cwd=root, stdout=write, stderr=subprocess.PIPE, text=True, env=env, check=False, timeout=60,
    )  # fmt: skip
    os.close(write)
    assert done.returncode == 141
    assert "internal error" not in done.stderr and "Traceback" not in done.stderr


def test_github_format_is_valid_annotation_syntax(tmp_path: Path, cli) -> None:
    root = materialise("num-n-greater-than-N", tmp_path / "review")
    shutil.copytree(CORPUS / "bib-no-doi-and-unused" / "files", root, dirs_exist_ok=True)
    result = cli(root, "check", "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    parsed = [GITHUB.match(line) for line in lines]
    assert all(parsed), lines
    found = {(m.group(1), m.group(2), m.group(3)) for m in parsed if m}
    assert ("error", "content/trials/ok.yaml", "28") in found
    assert ("warning", "references/more.bib", "1") in found
    assert ("notice", "references/more.bib", "1") in found
    # the file named in each annotation exists and the line holds what the message is about
    record = (root / "content/trials/ok.yaml").read_text(encoding="utf-8").splitlines()
    assert record[27].strip() == "n: 55"


def test_github_format_escapes_special_characters() -> None:
    from livingreview.model.diagnostics import Diagnostic

    d = Diagnostic("LR311", "error", "a,b:c.md", 3, 4, "100% broken\nline", "")
    assert d.format_github() == (
        "::error file=a%2Cb%3Ac.md,line=3,col=4,title=LR311 malformed citation::100%25 broken%0Aline"
    )


def test_json_format_is_data(tmp_path: Path, cli) -> None:
    root = materialise("num-percentage-above-100", tmp_path / "review")
    result = cli(root, "check", "--format", "json")
    assert result.returncode == 1
    data = json.loads(result.stdout)
    assert data == [
        {
            "code": "LR400",
            "severity": "error",
            "file": "content/trials/ok.yaml",
            "line": 35,
            "col": 12,
            "message": "160 is not a percentage between 0 and 100",
            "hint": "",
            "subject": "ok",
        }
    ]


def test_scoped_ignore_silences_one_subject_only(tmp_path: Path, cli) -> None:
    root = materialise("bib-no-doi-and-unused", tmp_path / "review")
    (root / "pyproject.toml").write_text(
        '[[tool.livingreview.ignore]]\ncode = "LR309"\nsubject = "who2023notice"\nreason = "kept for the glossary"\n',
        encoding="utf-8",
    )
    result = cli(root, "check")
    assert result.returncode == 0
    assert "LR309" not in result.stdout
    assert "LR308" in result.stdout


def test_the_editors_page_lists_what_check_prints(review_root: Path, cli) -> None:
    from livingreview.pipeline import build

    printed = [
        (m.group(2), m.group(1))
        for m in re.finditer(r"^(\S+): (?:warning|note) (LR\d+): ", cli(review_root, "check").stdout, re.M)
    ]
    page = build(review_root, review_root / "templates").files["editors.md"]
    assert isinstance(page, str)
    listed, code = [], ""
    for line in page.splitlines():
        if heading := re.match(r"^### (LR\d+):", line):
            code = heading.group(1)
        elif item := re.match(r"^- <code>([^<]+)</code>: ", line):
            listed.append((code, html.unescape(item.group(1))))
    assert printed
    assert sorted(listed) == sorted(printed)


@pytest.mark.slow
def test_warnings_fail_a_strict_build_but_not_a_normal_one(review_root: Path, mkdocs) -> None:
    shutil.copy(CORPUS / "bib-no-doi-and-unused/files/references/more.bib", review_root / "references/more.bib")
    strict = mkdocs(review_root, "build", "--strict")
    assert strict.returncode == 1
    assert "LR309" in strict.stderr and "WARNING" in strict.stderr
    assert "Traceback" not in strict.stderr
    assert mkdocs(review_root, "build").returncode == 0


@pytest.mark.slow
def test_markup_in_text_is_shown_never_run(review_root: Path, mkdocs) -> None:
    record = review_root / "content/trials/eliana.yaml"
    text = record.read_text(encoding="utf-8").replace(
        "Few responders went on to", "Few responders <script>alert(1)</script> went on to"
    )
    record.write_text(text, encoding="utf-8")
    result = mkdocs(review_root, "build")
    assert result.returncode == 0
    assert "LR208" in result.stderr
    html = (review_root / "site/studies/eliana/index.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
