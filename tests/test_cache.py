"""What ``livingreview check`` keeps between runs, and that it never hides a change."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

import livingreview.cli as cli_module
from livingreview.cli import main
from livingreview.load.cache import CACHE_DIR, ParseCache
from livingreview.load.loader import load_review
from test_corpus import CORPUS


def touch_later(path: Path, text: str) -> None:
    """Rewrite a file with a later modification time, as a later save would."""
    before = path.stat().st_mtime_ns if path.exists() else 0
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(before + 10**9, before + 10**9))


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    dest = tmp_path / "review"
    shutil.copytree(CORPUS / "_base", dest)
    monkeypatch.chdir(dest)
    return dest


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check"])
    out, err = capsys.readouterr()
    return code, out, err


def record(root: Path) -> Path:
    return next((root / "content/trials").glob("*.yaml"))


def test_an_unchanged_review_is_not_read_again(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(capsys)
    assert (root / CACHE_DIR / "check-result.pickle").is_file()

    def must_not_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the review was loaded again")

    monkeypatch.setattr(cli_module, "load_review", must_not_load)
    assert check(capsys) == first


@pytest.mark.parametrize("change", ["edit", "delete", "epoch", "config"])
def test_any_change_to_the_inputs_is_seen(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, change: str
) -> None:
    code, out, err = check(capsys)
    assert code == 0 and "0 errors" in err
    path = record(root)
    if change == "edit":
        text = path.read_text(encoding="utf-8")
        touch_later(path, text.replace("verified:", "verified: not-a-date\nxverified:", 1))
        code, out, err = check(capsys)
        assert code == 1 and "LR2" in out
    elif change == "delete":
        path.unlink()
        code, out, err = check(capsys)
        assert "0 records" in err
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", str(4102444800))  # 2100-01-01: every record is stale
        code, out, err = check(capsys)
        assert "LR502" in out
    if change == "config":
        pyproject = root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        touch_later(
            pyproject, text.replace("[tool.livingreview.levels]\n", '[tool.livingreview.levels]\nLR502 = "ignore"\n')
        )
        code, out, err = check(capsys)
        assert "LR502" not in out


def test_only_the_edited_file_is_parsed_again(root: Path) -> None:
    cache = ParseCache()
    load_review(root, cache=cache)
    cache.save(root)
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8") + "\n")

    again = ParseCache()
    again.load(root)
    load_review(root, cache=again)
    assert again.parsed == 1
    assert again.reused >= 3  # the endpoints, the references and the rest come from disk


def test_parsed_files_are_kept_from_the_second_run_on(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(capsys)
    assert not list((root / CACHE_DIR).glob("parse-*.pickle"))  # a one-off check writes only its findings
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8") + "\n")
    check(capsys)
    assert len(list((root / CACHE_DIR).glob("parse-*.pickle"))) == 1


@pytest.mark.parametrize("name", ["check-result.pickle", "parse-*.pickle"])
def test_a_damaged_cache_is_ignored(root: Path, capsys: pytest.CaptureFixture[str], name: str) -> None:
    check(capsys)
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8") + "\n")
    first = check(capsys)
    damaged = list((root / CACHE_DIR).glob(name))
    assert damaged
    for cached in damaged:
        cached.write_bytes(b"not a pickle")
    touch_later(path, path.read_text(encoding="utf-8") + "\n")  # the parse cache is read again
    assert check(capsys) == first
    assert check(capsys) == first


def test_no_cache_leaves_nothing_behind(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache"]) == 0
    assert not (root / CACHE_DIR).exists()
