"""The real review: disagreements that used to hide show on the study pages."""

from __future__ import annotations

import pytest

from conftest import REPO
from livingreview.load.loader import load_review
from livingreview.render.renderer import Renderer


@pytest.fixture(scope="module")
def renderer() -> Renderer:
    review, diags = load_review(REPO)
    assert not [d for d in diags if d.level == "error"]
    return Renderer(review, REPO / "templates")


def box(renderer: Renderer, trial_id: str, what: str) -> list[dict[str, str]]:
    trial = renderer.review.trials[trial_id]
    found = [d for d in renderer.differences(trial) if d["what"] == what]
    assert found, f"{trial_id}: no 'Reports that differ' entry for {what}"
    return found[0]["reports"]  # type: ignore[no-any-return]


def test_zuma3_counts_filed_as_enrolled_and_infused_are_shown_side_by_side(renderer: Renderer) -> None:
    reports = box(renderer, "zuma-3-phase-2", "Number of patients")
    assert {r["value"] for r in reports} >= {"78", "55"}
    assert any(r["endpoint"] == "Enrolled (the review does not say which)" for r in reports)
    assert any(r["endpoint"] == "Infused (the review says treated)" for r in reports)
    page = renderer.study(renderer.review.trials["zuma-3-phase-2"])
    assert "Number of patients: reviews disagree about the same publication" in page


def test_wang_cocktail_96_percent_is_one_number_under_two_definitions(renderer: Renderer) -> None:
    trial = renderer.review.trials["wang-2020-cocktail"]
    linked = [d for d in renderer.differences(trial) if d["why"]]
    assert linked, "the CR/CRi and MRD-negative 96% are not cross-referenced"
    assert {r["value"] for r in linked[0]["reports"]} == {"96%"}
    assert "one measure, reported under different definitions or names" in renderer.study(trial)


def test_hazard_ratios_read_with_their_comparison_and_adjustment(renderer: Renderer) -> None:
    page = renderer.study(renderer.review.trials["st-jude-jhu-disease-burden"])
    row = next(line for line in page.splitlines() if "HR 4.2" in line)
    assert "high vs low disease burden (5% or more marrow blasts)" in row
    assert "multivariable (adjusted)" in row
    roloff = renderer.study(renderer.review.trials["roloff-brexucabtagene-real-world"])
    assert "HR 0.34 (95% CI 0.14–0.85)" in roloff


def test_bibliography_says_where_metadata_came_from_and_what_was_corrected(renderer: Renderer) -> None:
    page = renderer.bibliography()
    entry = next(line for line in page.splitlines() if 'id="ref-dai2020bispecific"' in line)
    assert "Metadata from the reference list of: Saleh et al. 2023, ref. 69." in entry
    assert "Corrected: pages: Testa 2024 (ref. 45) prints 80" in entry
    flagged = next(line for line in page.splitlines() if 'id="ref-anderson2023transcriptional"' in line)
    assert "Flagged: pages: Testa 2024 (ref. 35) prints 1770-1709" in flagged


@pytest.mark.parametrize(
    ("trial_id", "values"),
    [
        ("zuma-3-phase-2", {"78", "55"}),
        ("wang-2023-coadministration", {"195", "194"}),
        ("prwcc-disease-burden", {"200", "185"}),
        ("jiang-2019-consolidation", {"58", "47"}),
        ("plat-02", {"43", "45"}),
        ("felix", {"70%", "76.6%"}),
        ("felix", {"3%", "2.4%"}),
        ("seattle-cd19-adults", {"89%", "40%"}),
        ("wang-2020-cocktail", {"96%"}),
    ],
)
def test_the_audit_s_hidden_disagreements_are_shown(renderer: Renderer, trial_id: str, values: set[str]) -> None:
    trial = renderer.review.trials[trial_id]
    shown = [{r["value"] for r in d["reports"]} for d in renderer.differences(trial)]
    assert any(values <= s for s in shown), f"{trial_id}: {values} not side by side in {shown}"
