"""Search imports, de-duplication and the screening log, on copies of the real review.

The exports in tests/fixtures/searches/ follow the published formats; four of their
records are already in the review and must be merged (by DOI, PubMed id, fuzzy title and
registry id), the others become screening entries awaiting a decision.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from conftest import BIN, REPO, run
from livingreview.check import check_review
from livingreview.edit.fmt import run as fmt
from livingreview.load.loader import load_review
from livingreview.model.diagnostics import Diagnostics
from livingreview.model.prisma import flows
from livingreview.surveillance import ctgov, medline, ris
from livingreview.surveillance.dedup import TITLE_SCORE

SEARCHES = Path(__file__).resolve().parent / "fixtures" / "searches"
EXPORTS = [("pubmed", "pubmed.nbib"), ("ris", "embase.ris"), ("ctgov", "ctgov.json")]


def copy_of_review(dest: Path) -> Path:
    dest.mkdir()
    for name in ("content", "references"):
        shutil.copytree(REPO / name, dest / name)
    for name in ("pyproject.toml", "CITATION.cff"):
        shutil.copy(REPO / name, dest / name)
    return dest


def cli(root: Path, *args: str) -> tuple[int, str, str]:
    result = run([str(BIN / "livingreview"), "--root", str(root), *args], cwd=root)
    assert "Traceback" not in result.stderr
    return result.returncode, result.stdout, result.stderr


def import_all(root: Path) -> None:
    for source, name in EXPORTS:
        code, _out, err = cli(
            root, "search", "import", str(SEARCHES / name), "--source", source, "--date", "2026-12-01",
            "--query", '("CAR T" OR "chimeric antigen receptor") AND "B-ALL"',
        )  # fmt: skip
        assert code == 0, err


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = copy_of_review(tmp_path_factory.mktemp("imported") / "review")
    import_all(root)
    return root


def test_the_readers_read_the_fixture_exports() -> None:
    diags = Diagnostics()
    pubmed = medline.parse(SEARCHES / "pubmed.nbib", "pubmed.nbib", diags)
    embase = ris.parse(SEARCHES / "embase.ris", "embase.ris", diags)
    trials = ctgov.parse(SEARCHES / "ctgov.json", "ctgov.json", diags)
    assert list(diags) == []
    maude = pubmed[0]
    assert (maude.pmid, maude.doi, maude.year) == ("29385370", "10.1056/NEJMoa1709866", 2018)
    assert maude.journal == "N Engl J Med"
    assert maude.title == "Tisagenlecleucel in Children and Young Adults with B-Cell Lymphoblastic Leukemia"
    assert maude.authors[:2] == ["Maude SL", "Laetsch TW"] and maude.registry == ["NCT02435849"]
    assert pubmed[1].doi is None and pubmed[1].pmid == "36399695"
    assert (embase[0].journal, embase[0].year, embase[0].doi) == ("N. Engl. J. Med.", 2024, None)
    assert [t.registry for t in trials] == [["NCT06752785"], ["NCT09912345", "2025-512345-21"], ["NCT09934567"]]
    assert trials[0].trial_status == "RECRUITING" and trials[0].kind == "registration"


def test_importing_the_three_exports_records_searches_and_merges_known_duplicates(imported: Path) -> None:
    review, diags = load_review(imported)
    new = {s.id: s for s in review.searches.values() if s.date == dt.date(2026, 12, 1)}
    assert sorted(new) == ["2026-12-01-ctgov", "2026-12-01-pubmed", "2026-12-01-ris"]
    assert [(s.database, s.hits) for s in sorted(new.values(), key=lambda s: s.id)] == [
        ("ClinicalTrials.gov", 3),
        ("PubMed", 4),
        ("Embase", 2),
    ]
    merged = {(d.title or "")[:30]: (d.by, d.same_as) for s in new.values() for d in s.duplicates}
    assert merged == {
        "Tisagenlecleucel in Children a": ("doi", "maude2018tisagenlecleucel"),
        "Three-Year Update of Tisagenle": ("pmid", "laetsch2023three"),
        "Obecabtagene autoleucel in adu": ("title", "roddie2024obecabtagene"),
        "A Study of Autologous CD19/CD2": ("registry", "nct06752785"),
    }
    roddie = new["2026-12-01-ris"].duplicates[0]
    assert roddie.score is not None and roddie.score >= TITLE_SCORE
    awaiting = sorted(e.id for _, e in review.entries() if e.status == "awaiting")
    assert awaiting == ["brandt2026tonic", "moreau2026outcomes", "nct09912345", "nct09934567", "okafor2026cd19"]
    found = check_review(review, diags)
    assert [d.format_text() for d in found if d.severity != "info"] == []


def test_the_import_reports_each_merge_so_that_it_can_be_undone(tmp_path: Path) -> None:
    root = copy_of_review(tmp_path / "review")
    code, out, _ = cli(root, "search", "import", str(SEARCHES / "embase.ris"), "--source", "ris",
                       "--date", "2026-12-01", "--query", "car-t")  # fmt: skip
    assert code == 0
    assert "merged 'Obecabtagene autoleucel in adults with B-cell acute lymphobl' into screening entry " in out
    assert "roddie2024obecabtagene (same title, 99% alike)" in out
    assert "to undo a merge, move it from duplicates in content/searches/2026-12-01-ris.yaml" in out


def test_written_files_are_in_the_layout_fmt_keeps(imported: Path) -> None:
    changed, problems = fmt(imported, check=True)
    assert (changed, problems) == ([], [])


def test_an_export_with_an_error_writes_nothing(tmp_path: Path) -> None:
    root = copy_of_review(tmp_path / "review")
    bad = tmp_path / "cut.nbib"
    bad.write_text((SEARCHES / "pubmed.nbib").read_text(encoding="utf-8").rsplit("SO  -", 1)[0], encoding="utf-8")
    before = sorted(p.name for p in (root / "content" / "searches").iterdir())
    code, _, err = cli(root, "search", "import", str(bad), "--source", "pubmed", "--date", "2026-12-01", "--query", "q")
    assert code == 1
    assert "cut.nbib:86:1: error LR802: the record starting on line 86 has no SO (source) field" in err
    assert "nothing was written" in err
    assert sorted(p.name for p in (root / "content" / "searches").iterdir()) == before


def test_screen_lists_what_awaits_and_records_decisions(imported: Path, tmp_path: Path) -> None:
    root = tmp_path / "review"
    shutil.copytree(imported, root)
    code, out, err = cli(root, "screen")
    assert code == 0 and "5 awaiting a decision" in err
    assert "brandt2026tonic  [awaiting]  Tonic signalling of CD19 CAR constructs" in out
    code, _, err = cli(root, "screen", "brandt2026tonic", "--exclude", "animal", "--by", "A. Editor")
    assert code == 2 and "'animal' is not an exclusion reason; use one of: wrong-population" in err
    code, out, _ = cli(root, "screen", "brandt2026tonic", "--exclude", "not-clinical", "--by", "A. Editor",
                       "--date", "2026-12-02")  # fmt: skip
    assert code == 0 and out == "brandt2026tonic: excluded at title and abstract (laboratory or animal study)\n"
    text = (root / "content/screening/2026-12-01-pubmed.yaml").read_text(encoding="utf-8")
    assert "  brandt2026tonic:\n    status: excluded-title-abstract\n    reason: not-clinical\n" in text
    assert "    decided_by: A. Editor\n    decided: 2026-12-02\n" in text
    code, out, _ = cli(root, "screen", "brandt2026tonic", "--reopen")
    assert code == 0 and "awaiting title and abstract screening" in out
    review, _diags = load_review(root)
    entry = next(e for _, e in review.entries() if e.id == "brandt2026tonic")
    assert (entry.status, entry.reason, entry.decided) == ("awaiting", None, None)


def test_prisma_counts_equal_the_screening_logs_counts(imported: Path) -> None:
    review, _ = load_review(imported)
    latest, every = flows(review)
    entries = [e for s, e in review.entries() if s is not None and s.date == dt.date(2026, 12, 1)]
    searches = [s for s in review.searches.values() if s.date == dt.date(2026, 12, 1)]
    col = latest.databases
    assert col is not None and latest.other is None
    assert col.total_identified == sum(s.hits for s in searches) == 9
    assert col.duplicates == sum(len(s.duplicates) for s in searches) == 4
    assert col.screened == len(entries) == 5
    assert col.awaiting_screening == sum(e.status == "awaiting" for e in entries)
    assert latest.previous_studies == len(review.trials)
    assert latest.new_studies == 0 and latest.total_studies == len(review.trials)
    seed = every.other
    seed_log = [e for s, e in review.entries() if s is not None and s.source == "review-lists"]
    assert len(seed_log) == 123  # 122, and Ravich 2022 entered by the audit of 2026-12-04
    assert seed is not None and seed.total_identified == len(seed_log) and seed.included == len(seed_log)
    assert every.total_reports == sum(e.status == "included" for _, e in review.entries())


def test_one_update_cycle_import_screen_add_the_record_rebuild(tmp_path: Path) -> None:
    """The editors' guide's update cycle, step by step, on a copy of the review."""
    from livingreview.pipeline import build

    root = copy_of_review(tmp_path / "review")
    shutil.copytree(REPO / "templates", root / "templates")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    # 1. import the search
    code, _, err = cli(root, "search", "import", str(SEARCHES / "pubmed.nbib"), "--source", "pubmed",
                       "--date", "2026-12-01", "--query", "CAR T AND B-ALL")  # fmt: skip
    assert code == 0, err
    # 2. screen: one out at title and abstract, one through full text and in
    by = ("--by", "A. Editor")
    for args in (
        ("brandt2026tonic", "--exclude", "not-clinical", *by, "--date", "2026-12-02"),
        ("okafor2026cd19", "--full-text", *by, "--date", "2026-12-02"),
        (
            "okafor2026cd19",
            "--include",
            "okafor-bicistronic-cr1",
            "--ref",
            "okafor2026cd19",
            *by,
            "--date",
            "2026-12-03",
        ),
    ):
        code, out, err = cli(root, "screen", *args)
        assert code == 0, err
    assert "next: create okafor-bicistronic-cr1" in out
    # 3. add the record: scaffold it, then fill it in as an editor would (test data, not a real study)
    code, _, err = cli(root, "new", "study", "okafor-bicistronic-cr1", "--ref", "okafor2026cd19")
    assert code == 0, err
    record = root / "content/trials/okafor-bicistronic-cr1.yaml"
    filled = {
        '"FILL IN: short name readers know the study by"': "Bicistronic CD19/CD22 consolidation",
        '"FILL IN: one line, in your own words"': "Bicistronic CD19/CD22 CAR T cells in first remission of adult B-ALL",
        "registry: []  # e.g. [NCT02435849]": "registry: [NCT09912345]",
        '"FILL IN: generic or descriptive name"': "bicistronic CD19/CD22 CAR T cells",
        "FILL IN: two or three sentences in your own words": "A single-arm phase 2 study of consolidation",
        '"FILL IN: the number as the source gives it"': "85",
        '"FILL IN: table or section"': "Abstract",
    }
    text = record.read_text(encoding="utf-8")
    for old, new in filled.items():
        assert old in text
        text = text.replace(old, new)
    record.write_text(text, encoding="utf-8")
    bib = root / "references/primary.bib"
    stub = bib.read_text(encoding="utf-8")
    stub = stub.replace("FILL IN: Surname, I. and Surname, I. and others", "Okafor, A. N. and Lindqvist, P.")
    stub = stub.replace("FILL IN: title of the publication", "{CD19/CD22} bicistronic {CAR} {T} cells as consolidation")
    stub = stub.replace(
        "journal = {FILL IN: journal abbreviation},",
        "journal = {Blood},\n  doi     = {10.1182/blood.2026031234},\n  pmid    = {41876543},",
    )
    bib.write_text(stub, encoding="utf-8")
    review, diags = load_review(root)
    found = [d.format_text() for d in check_review(review, diags) if d.severity != "info"]
    assert found == []
    # 4. rebuild: the flow diagram of the update counts the new study
    result = build(root, root / "templates")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    page = result.files["searches.md"]
    assert isinstance(page, str)
    assert "Latest update: searches of 2026-12-01" in page
    assert "New studies included (n = 1)" in page
    assert f"Total studies included in the review (n = {len(review.trials)})" in page
    assert "Reports excluded: not CAR T-cell therapy" not in page
    assert "<td>Records excluded</td><td>1</td>" in page
