"""Rebuilding after an edit, with what the previous build kept, gives exactly a fresh build.

``mkdocs serve`` keeps parsed files and rendered pieces between builds (see
:mod:`livingreview.model.memo`). Whatever an editor changes, the kept pieces must never
show through: each edit below is followed by an incremental build and a build from
nothing, and the two must agree byte for byte, diagnostics included.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO
from livingreview.load.cache import ParseCache
from livingreview.pipeline import Build, build
from livingreview_bench.synth import write_corpus


def write(path: Path, text: str) -> None:
    """Write and move the modification time on, as a later save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


def sub(path: Path, pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> None:
    text = path.read_text(encoding="utf-8")
    new, n = re.subn(pattern, replacement, text, count=1, flags=re.M)
    assert n == 1, f"{pattern!r} not found in {path}"
    write(path, new)


def first_trial(root: Path) -> Path:
    return sorted((root / "content/trials").glob("*.yaml"))[0]


def change_a_value(root: Path) -> None:
    sub(first_trial(root), r"(^\s+value: )(\d+)", lambda m: m.group(1) + str(int(m.group(2)) + 1))


def rename_a_study(root: Path) -> None:
    sub(first_trial(root), r"^name: .*$", "name: Renamed study")


def add_a_history_entry(root: Path) -> None:
    sub(first_trial(root), r"^history:\n", "history:\n  - date: 2026-11-20\n    summary: Checked again.\n")


def copy_a_record(root: Path) -> None:
    source = first_trial(root)
    text = source.read_text(encoding="utf-8").replace(f"id: {source.stem}", "id: zz-copy", 1)
    text = re.sub(r"^name: .*$", "name: A copied study", text, count=1, flags=re.M)
    write(source.with_name("zz-copy.yaml"), text)


def delete_a_record(root: Path) -> None:
    first_trial(root).unlink()


def retitle_a_reference(root: Path) -> None:
    bib = sorted((root / "references").glob("*.bib"))[0]
    sub(bib, r"(\btitle\s*=\s*[{\"])", r"\1Retitled: ")


def relabel_an_endpoint(root: Path) -> None:
    sub(root / "content/endpoints.yaml", r"^(\s+label: )(.*)$", r"\1Relabelled \2")


def edit_a_template(root: Path) -> None:
    path = root / "templates/study.md.jinja"
    write(path, path.read_text(encoding="utf-8").replace("## At a glance", "## In brief"))


def edit_a_page(root: Path) -> None:
    page = sorted((root / "content/pages").glob("*.md"))[0]
    write(page, page.read_text(encoding="utf-8") + "\nOne more sentence.\n")


def edit_a_table(root: Path) -> None:
    table = sorted((root / "content/tables").glob("*.yaml"))[0]
    sub(table, r"^title: .*$", "title: A retitled table")


EDITS: list[Callable[[Path], None]] = [
    change_a_value,
    rename_a_study,
    add_a_history_entry,
    copy_a_record,
    delete_a_record,
    retitle_a_reference,
    relabel_an_endpoint,
    edit_a_template,
    edit_a_page,
    edit_a_table,
]


def same(incremental: Build, fresh: Build) -> None:
    assert [d.format_text() for d in incremental.diagnostics] == [d.format_text() for d in fresh.diagnostics]
    assert incremental.files.keys() == fresh.files.keys()
    differing = [p for p in fresh.files if incremental.files[p] != fresh.files[p]]
    assert differing == []


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("corpus") / "review"
    write_corpus(root, 40, 150, seed=5)
    return root


@pytest.mark.parametrize("edit", EDITS, ids=lambda e: e.__name__)
def test_an_incremental_build_equals_a_fresh_one(corpus: Path, tmp_path: Path, edit: Callable[[Path], None]) -> None:
    root = tmp_path / "review"
    shutil.copytree(corpus, root)
    cache = ParseCache()
    before = build(root, root / "templates", cache=cache)
    assert before.files, [d.format_text() for d in before.diagnostics if d.severity == "error"]
    edit(root)
    incremental = build(root, root / "templates", cache=cache)
    assert cache.memo.hits > 0  # the kept pieces were used
    same(incremental, build(root, root / "templates"))
    assert incremental.files != before.files  # and the edit shows


def test_a_sequence_of_edits_on_the_real_review(tmp_path: Path) -> None:
    root = tmp_path / "review"
    for name in ("content", "references", "templates"):
        shutil.copytree(REPO / name, root / name)
    for name in ("CITATION.cff", "mkdocs.yml", "pyproject.toml"):
        shutil.copy(REPO / name, root / name)
    cache = ParseCache()
    build(root, root / "templates", cache=cache)
    for edit in (change_a_value, rename_a_study, retitle_a_reference, copy_a_record):
        edit(root)
        same(build(root, root / "templates", cache=cache), build(root, root / "templates"))
