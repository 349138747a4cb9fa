"""What ``livingreview check`` keeps between runs, where it keeps it, and that it never
hides a change or trusts a file it did not write."""

from __future__ import annotations

import json
import os
import pickle
import shutil
from pathlib import Path

import pytest

import livingreview.cli as cli_module
from livingreview.cli import main
from livingreview.load import codec
from livingreview.load.cache import LEGACY_DIR, ParseCache, cache_folder, cache_home
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
    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(tmp_path / "user-cache"))
    return dest


def check(capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["check"])
    out, err = capsys.readouterr()
    return code, out, err


def record(root: Path) -> Path:
    return next((root / "content/trials").glob("*.yaml"))


class Planted:
    """A pickle that, once unpickled, leaves a file behind: proof that it ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str, str]]:
        return (Path.write_text, (str(self.marker), "ran"))  # type: ignore[return-value]


# --------------------------------------------------------------------------- where


def test_the_cache_lives_in_the_users_cache_folder(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(capsys)
    folder = cache_folder(root)
    assert folder.parent == (root.parent / "user-cache").resolve()
    assert folder.name.startswith("review-")
    assert (folder / "check.json").is_file()
    assert not (root / LEGACY_DIR).exists()


def test_the_default_folder_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("LIVINGREVIEW_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_home() == tmp_path / "xdg" / "livingreview"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_home() == tmp_path / "home" / ".cache" / "livingreview"


def test_two_reviews_keep_two_caches(tmp_path: Path) -> None:
    assert cache_folder(tmp_path / "a" / "review") != cache_folder(tmp_path / "b" / "review")


def test_a_cache_folder_inside_the_review_is_refused(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(root / "content" / "cache"))
    code, _, err = check(capsys)
    assert code == 0
    assert "is inside the review" in err
    check(capsys)
    assert not (root / "content" / "cache").exists()


# --------------------------------------------------------------------------- what is kept


def test_an_unchanged_review_is_not_read_again(
    root: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = check(capsys)
    assert (cache_folder(root) / "check.json").is_file()

    def must_not_load(*args: object, **kwargs: object) -> None:
        raise AssertionError("the review was loaded again")

    monkeypatch.setattr(cli_module, "load_review", must_not_load)
    assert check(capsys) == first


@pytest.mark.parametrize("change", ["edit", "delete", "epoch", "config", "same-size-same-mtime"])
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
    elif change == "same-size-same-mtime":
        # The content is the key: an edit that keeps the size and puts the old time back is still seen.
        st = path.stat()
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("value: 80\n", "value: 90\n", 1), encoding="utf-8")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
        assert (path.stat().st_size, path.stat().st_mtime_ns) == (st.st_size, st.st_mtime_ns)
        code, out, err = check(capsys)
        assert code == 1 and "LR402" in out
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
    assert again.notes == []
    load_review(root, cache=again)
    assert again.parsed == 1
    assert again.reused >= 3  # the endpoints, the references and the rest come from disk


def test_a_touched_file_with_the_same_content_is_not_parsed_again(root: Path) -> None:
    cache = ParseCache()
    first, _ = load_review(root, cache=cache)
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8"))
    second, _ = load_review(root, cache=cache)
    assert cache.parsed == len(cache.entries)  # the first load only
    assert second.trials[path.stem] is first.trials[path.stem]


def test_parsed_files_are_kept_from_the_second_run_on(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    check(capsys)
    folder = cache_folder(root)
    assert not (folder / "parse.jsonl").exists()  # a one-off check writes only its findings
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8") + "\n")
    check(capsys)
    lines = (folder / "parse.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(lines[0])["livingreview"] == "parse-cache"
    kept = ParseCache()
    kept.load(root)
    assert kept.notes == [] and len(lines) == 1 + len(kept.entries) == 1 + kept.loaded
    assert {Path(k).name for k in kept.entries} >= {"ok.yaml", "refs.bib", "notes.md", "endpoints.yaml"}


def test_every_parse_result_reads_back_equal(root: Path) -> None:
    cache = ParseCache()
    load_review(root, cache=cache)
    assert cache.entries
    for key, entry in cache.entries.items():
        file = Path(key).relative_to(root.resolve()).as_posix()
        data = json.loads(json.dumps(codec.encode_value(entry.value, file)))
        assert codec.decode_value(data, file) == entry.value, file
        raw = json.loads(json.dumps(codec.encode_diagnostics(entry.diagnostics)))
        assert codec.decode_diagnostics(raw) == entry.diagnostics


# --------------------------------------------------------------------------- what is not trusted


@pytest.mark.parametrize("name", ["check.json", "parse.jsonl"])
@pytest.mark.parametrize("damage", ["garbage", "pickle", "wrong-shape", "wrong-type", "outside-path"])
def test_a_damaged_cache_is_ignored_and_rebuilt(
    root: Path, capsys: pytest.CaptureFixture[str], name: str, damage: str, tmp_path: Path
) -> None:
    check(capsys)
    path = record(root)
    touch_later(path, path.read_text(encoding="utf-8") + "\n")
    first = check(capsys)
    cached = cache_folder(root) / name
    assert cached.is_file()
    marker = tmp_path / "ran"
    lines = cached.read_text(encoding="utf-8").splitlines()
    if damage == "garbage":
        cached.write_bytes(b"not json\x00\xff")
    elif damage == "pickle":
        cached.write_bytes(pickle.dumps(Planted(marker)))
    elif damage == "wrong-shape":
        cached.write_text(lines[0] + "\n[1, 2, 3]\n", encoding="utf-8")
    elif damage == "wrong-type":  # a number where text belongs
        text = "\n".join(lines)
        wrong = text.replace('"OK-1"', "17") if name == "parse.jsonl" else text.replace('"records":1', '"records":"1"')
        assert wrong != text
        cached.write_text(wrong, encoding="utf-8")
    else:
        cached.write_text("\n".join(lines).replace('"content/', '"../../content/'), encoding="utf-8")
    touch_later(path, path.read_text(encoding="utf-8") + "\n")  # the parse cache is read again
    code, out, err = check(capsys)
    assert (code, out) == first[:2]
    assert not marker.exists()
    assert "note: ignored" in err and "it will be rebuilt" in err
    assert check(capsys)[:2] == first[:2]
    assert "note: ignored" not in capsys.readouterr().err


def test_a_pickle_planted_in_the_working_tree_runs_nothing_and_is_reported(
    root: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    check(capsys)  # a kept result: the planted file must still be seen
    marker = tmp_path / "ran"
    planted = root / LEGACY_DIR
    planted.mkdir()
    for name in ("check-result.pickle", "parse-0123456789ab.pickle"):
        (planted / name).write_bytes(pickle.dumps(Planted(marker)))
    code, out, _ = check(capsys)
    assert not marker.exists()
    assert code == 0
    assert f"{LEGACY_DIR}/check-result.pickle: warning LR700: " in out
    assert f"{LEGACY_DIR}/parse-0123456789ab.pickle: warning LR700: " in out
    assert main(["check", "--no-cache"]) == 0
    assert not marker.exists()


def test_no_cache_leaves_nothing_behind(root: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--no-cache"]) == 0
    assert not cache_folder(root).exists()
    assert not (root / LEGACY_DIR).exists()
