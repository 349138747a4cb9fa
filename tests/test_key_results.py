"""The figures a study page leads with: content/key-results.yaml applied to real records."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import REPO, make_review
from livingreview.load.loader import load_review
from livingreview.model.review import Review
from livingreview.pipeline import build
from livingreview.render.key_results import kind_of, pick


@pytest.fixture(scope="module")
def review() -> Review:
    loaded, diags = load_review(REPO)
    assert not [d for d in diags if d.severity == "error"]
    return loaded


def figures(review: Review, trial_id: str) -> dict[str, tuple[str, float | None, float | None, str | None]]:
    trial = review.trials[trial_id]
    kind = kind_of(trial, review.kinds)
    assert kind is not None
    out = {}
    for figure in kind.figures:
        r = pick(trial, figure)
        if r is not None:
            out[figure.label or r.endpoint] = (r.endpoint, r.value, r.timepoint, r.subgroup)
    return out


def test_a_treatment_trial_leads_with_remission_survival_and_toxicity(review: Review) -> None:
    assert kind_of(review.trials["eliana"], review.kinds).id == "treatment-trial"  # type: ignore[union-attr]
    eliana = figures(review, "eliana")
    assert eliana["Patients"] == ("n_infused", 75, None, None)
    # Saleh 2023's Table 1 heads the 81% column CR, so it is filed as CR with a note (issue 19)
    assert eliana["Remission"] == ("cr", 81, None, None)
    # the longest time point reported, not the first
    assert eliana["Event-free survival"] == ("efs", 44, 36, None)
    assert eliana["Overall survival"] == ("os", 63, 36, None)
    assert eliana["Grade ≥3 CRS"] == ("crs_grade3plus", 46, None, None)


def test_the_whole_population_comes_before_a_cohort(review: Review) -> None:
    felix = figures(review, "felix")
    # no whole-population remission rate: the pivotal cohort's stands in, and says so
    assert felix["Remission"] == ("cr_cri", 76.6, None, "cohort IIA")
    # severe CRS for everyone infused (2.4%) rather than for cohort A (3%)
    assert felix["Grade ≥3 CRS"] == ("crs_grade3plus", 2.4, None, None)
    assert "Overall survival" not in felix  # not reported: no figure rather than a guess


def test_a_transplant_series_leads_with_survival_by_transplant(review: Review) -> None:
    trial = review.trials["zhao-2020-haplo-consolidation"]
    assert kind_of(trial, review.kinds).id == "transplant-series"  # type: ignore[union-attr]
    zhao = figures(review, "zhao-2020-haplo-consolidation")
    assert zhao["Transplanted"] == ("n_transplanted", 55, None, None)
    assert zhao["Survival with transplant"] == ("os", 77, 24, "transplanted")
    assert zhao["Survival without transplant"] == ("os", 36.4, 24, "no transplant")
    assert "Survival" not in zhao  # only subgroups report survival, and they have figures of their own


def test_every_study_with_results_has_key_results(review: Review) -> None:
    missing = []
    for trial in review.trials.values():
        kind = kind_of(trial, review.kinds)
        if kind is None or (trial.results and not any(pick(trial, f) for f in kind.figures)):
            missing.append(trial.id)
    assert missing == []


def test_the_rule_is_data(tmp_path: Path) -> None:
    """Editing content/key-results.yaml changes every page of that kind, and nothing else."""
    root = make_review(tmp_path / "review")
    rule = root / "content/key-results.yaml"
    page = build(root, root / "templates").files["studies/eliana.md"]
    assert isinstance(page, str) and "[Grade ≥3 CRS](../endpoints.md#crs_grade3plus)" in page
    rule.write_text(rule.read_text(encoding="utf-8").replace("label: Grade ≥3 CRS", "label: Severe CRS"), "utf-8")
    page = build(root, root / "templates").files["studies/eliana.md"]
    assert isinstance(page, str) and "[Severe CRS](../endpoints.md#crs_grade3plus)" in page
    rule.unlink()
    page = build(root, root / "templates").files["studies/eliana.md"]
    assert isinstance(page, str) and "## Key results" not in page and "## At a glance" in page
