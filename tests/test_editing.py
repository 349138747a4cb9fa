"""The editors' workflow: scaffold a study, fill it in, format, check, build."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO
from livingreview.edit.fmt import format_text, run, targets
from livingreview.edit.scaffold import new_study
from livingreview.model.records import Trial

COMMENTED = """\
# a comment before everything
id: x  # the id
schema_version: 1
results:
  # the first value
  - source: {locator: Table 1, ref: a}  # where it stands
    value: 81
    endpoint: cr
name: X
"""


def test_fmt_orders_keys_by_the_schema_and_keeps_every_comment() -> None:
    out = format_text(COMMENTED, Trial)
    assert out.index("schema_version") < out.index("id: x") < out.index("name: X") < out.index("results:")
    assert out.index("endpoint: cr") < out.index("value: 81") < out.index("source:")
    assert "source: {ref: a, locator: Table 1}" in out
    for comment in ("# a comment before everything", "# the id", "# the first value", "# where it stands"):
        assert comment in out
    assert format_text(out, Trial) == out


@pytest.mark.parametrize("path", [p for p, _ in targets(REPO)], ids=lambda p: p.name)
def test_fmt_is_idempotent_and_keeps_comments_on_every_repository_file(path: Path) -> None:
    cls = dict((p, c) for p, c in targets(REPO))[path]
    text = path.read_text(encoding="utf-8")
    once = format_text(text, cls)
    assert format_text(once, cls) == once
    comments = sorted(line.strip() for line in text.splitlines() if line.strip().startswith("#"))
    assert comments == sorted(line.strip() for line in once.splitlines() if line.strip().startswith("#"))


def test_fmt_check_is_clean_on_main() -> None:
    changed, problems = run(REPO, check=True)
    assert problems == []
    assert changed == [], "run `livingreview fmt` and commit the result"


def test_fmt_check_reports_and_fmt_fixes(review_root: Path, cli) -> None:
    record = review_root / "content/trials/eliana.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("schema_version: 1\n", "") + "schema_version: 1\n", encoding="utf-8")
    check = cli(review_root, "fmt", "--check")
    assert check.returncode == 1
    assert check.stdout == "would reformat content/trials/eliana.yaml\n"
    assert cli(review_root, "fmt").returncode == 0
    assert cli(review_root, "fmt", "--check").returncode == 0


def test_new_study_is_idempotent(tmp_path: Path) -> None:
    first = new_study(tmp_path, "x-trial", "doe2026x")
    assert first == ["created content/trials/x-trial.yaml", "added a stub for 'doe2026x' to references/primary.bib"]
    record = (tmp_path / "content/trials/x-trial.yaml").read_text(encoding="utf-8")
    bib = (tmp_path / "references/primary.bib").read_text(encoding="utf-8")
    assert record.startswith("# yaml-language-server: $schema=")
    again = new_study(tmp_path, "x-trial", "doe2026x")
    assert all("left as it is" in line for line in again)
    assert (tmp_path / "content/trials/x-trial.yaml").read_text(encoding="utf-8") == record
    assert (tmp_path / "references/primary.bib").read_text(encoding="utf-8") == bib


def test_new_rejects_a_bad_id(review_root: Path, cli) -> None:
    result = cli(review_root, "new", "study", "Bad Id")
    assert result.returncode == 2
    assert "not a valid id" in result.stderr


FILLED = {
    '"FILL IN: short name readers know the study by"': "NEW-PED",
    '"FILL IN: one line, in your own words"': "A new paediatric CD19 trial for the walkthrough",
    '"FILL IN: generic or descriptive name"': "examplecel",
    "FILL IN: two or three sentences in your own words": "A single-arm trial of a new product.",
    '"FILL IN: the number as the source gives it"': "88",
    '"FILL IN: table or section"': "Table 1",
    "cell_source: not-stated": "cell_source: autologous",
    "age_group: not-stated": "age_group: children-and-young-adults",
    "type: not-stated": "type: prospective-trial",
    "review: null": "review: saleh2023car",
}
BIB = {
    "FILL IN: Surname, I. and Surname, I. and others": "Doe, J. and Roe, R. and others",
    "FILL IN: title of the publication": "A New Paediatric Trial",
    "FILL IN: journal abbreviation": "Blood",
}


@pytest.mark.slow
def test_walkthrough_scaffold_fill_check_build(review_root: Path, cli, mkdocs) -> None:
    assert cli(review_root, "new", "study", "new-ped", "--ref", "doe2026new").returncode == 0
    assert cli(review_root, "check").returncode == 1  # placeholders left
    record = review_root / "content/trials/new-ped.yaml"
    text = record.read_text(encoding="utf-8")
    for old, new in FILLED.items():
        assert old in text, old
        text = text.replace(old, new)
    record.write_text(text, encoding="utf-8")
    bib = review_root / "references/primary.bib"
    text = bib.read_text(encoding="utf-8")
    for old, new in BIB.items():
        text = text.replace(old, new)
    bib.write_text(text, encoding="utf-8")
    # the study came in through a search: its screening entry is included as this record's report
    screened = cli(review_root, "screen", "okafor2026cd19", "--full-text", "--by", "A. Editor", "--date", "2026-11-21")
    assert screened.returncode == 0, screened.stderr
    included = cli(review_root, "screen", "okafor2026cd19", "--include", "new-ped", "--ref", "doe2026new",
                   "--by", "A. Editor", "--date", "2026-11-21")  # fmt: skip
    assert included.returncode == 0, included.stderr
    assert cli(review_root, "fmt").returncode == 0
    check = cli(review_root, "check")
    assert check.returncode == 0, check.stdout
    assert "error" not in check.stdout and "warning" not in check.stdout
    built = mkdocs(review_root, "build", "--strict")
    assert built.returncode == 0, built.stderr
    page = (review_root / "site/studies/new-ped/index.html").read_text(encoding="utf-8")
    assert "A new paediatric CD19 trial for the walkthrough" in page and "88%" in page
    table = (review_root / "site/tables/pediatric/index.html").read_text(encoding="utf-8")
    assert "NEW-PED" in table
    assert "new-ped" in (review_root / "site/data/results.csv").read_text(encoding="utf-8")
