"""Scale: synthetic reviews (livingreview_bench.synth) are valid, reproducible, and render completely."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pytest

from livingreview.pipeline import build
from livingreview_bench.synth import VALUES_MAX, write_corpus


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def text(content: str | bytes) -> str:
    return content.decode("utf-8") if isinstance(content, bytes) else content


def test_write_corpus_is_deterministic(tmp_path: Path) -> None:
    write_corpus(tmp_path / "a", 12, 40, seed=3)
    write_corpus(tmp_path / "b", 12, 40, seed=3)
    a, b = tree(tmp_path / "a"), tree(tmp_path / "b")
    assert a.keys() == b.keys()
    assert [k for k in a if a[k] != b[k]] == []
    write_corpus(tmp_path / "c", 12, 40, seed=4)
    c = tree(tmp_path / "c")
    assert any(a[k] != c.get(k) for k in a if k.startswith("content/trials/"))


def test_small_corpus_checks_without_error_or_warning(tmp_path: Path, cli) -> None:
    root = tmp_path / "review"
    write_corpus(root, 30, 120)
    result = cli(root, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " error " not in result.stdout and " warn " not in result.stdout, result.stdout
    assert "30 records, 120 references: 0 errors, 0 warnings" in result.stderr


@pytest.mark.slow
def test_thousand_studies_render_completely(tmp_path: Path) -> None:
    root = tmp_path / "review"
    write_corpus(root, 1000, 2000)
    result = build(root, root / "templates")
    problems = [d.format_text() for d in result.diagnostics if d.severity in ("error", "warn")]
    assert problems == []
    review, files = result.review, result.files
    assert len(review.trials) == 1000
    assert len(review.references) == 2000

    pages = {p for p in files if re.fullmatch(r"studies/[^/]+\.md", p) and p != "studies/index.md"}
    assert pages == {f"studies/{tid}.md" for tid in review.trials}
    for tid, trial in review.trials.items():
        assert f"# {trial.name}" in text(files[f"studies/{tid}.md"])

    rows = list(csv.DictReader(io.StringIO(text(files["data/results.csv"]))))
    assert Counter(r["record_id"] for r in rows) == Counter({tid: len(t.results) for tid, t in review.trials.items()})
    counts = sorted(len(t.results) for t in review.trials.values())
    assert counts[0] >= 2 and counts[-1] <= VALUES_MAX
    assert 6 <= counts[len(counts) // 2] <= 12  # like the seed review: a median of 8 values per study

    bib = text(files["data/references.bib"])
    assert set(re.findall(r"^@\w+\{([^,\s]+),", bib, re.M)) == set(review.references)

    assert review.tables
    for table_id in review.tables:
        assert f"tables/{table_id}.md" in files

    index = text(files["studies/index.md"])
    linked = set(re.findall(r"\]\(([^)#\s]+)\.md\)", index))
    assert set(review.trials) <= linked
