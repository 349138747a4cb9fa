"""Tables, forest plots and flowcharts built from data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from livingreview.check.compare import agree
from livingreview.load.loader import load_review
from livingreview.model.flowgraph import problems
from livingreview.model.records import Result, Source
from livingreview.render.flowchart import layout, svg
from livingreview.render.forest import wilson
from livingreview.render.table_view import build
from test_corpus import CORPUS


def result(value: float | None = None, **kw: object) -> Result:
    return Result(endpoint="cr", source=Source(ref="x", locator="T1"), value=value, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [(44.4, 44, True), (62.8, 63, True), (38.8, 39, True), (81, 82, False), (76, 50, False), (85.5, 85.5, True)],
)
def test_values_agree_within_the_coarser_rounding(a: float, b: float, same: bool) -> None:
    assert agree(result(a), result(b)) is same


def test_bounds_and_approximations() -> None:
    assert agree(result(80, qualifier="~"), result(81))
    assert not agree(result(80, qualifier="~"), result(95))
    assert agree(result(25, qualifier=">"), result(25.4))
    assert not agree(result(25, qualifier=">"), result(18.2))
    assert agree(result(None, qualifier="not-reached"), result(None, qualifier="not-reached"))
    assert not agree(result(None, qualifier="not-reached"), result(24))


@pytest.mark.parametrize(
    ("n", "total", "low", "high"),
    # reference values computed with the Wilson formula (z = 1.96)
    [(61, 75, 0.7107, 0.8854), (0, 20, 0.0, 0.1611), (20, 20, 0.8389, 1.0), (39, 55, 0.5786, 0.8123)],
)
def test_wilson_interval(n: int, total: int, low: float, high: float) -> None:
    lo, hi = wilson(n, total)
    assert lo == pytest.approx(low, abs=1e-4)
    assert hi == pytest.approx(high, abs=1e-4)


def test_wilson_needs_patients() -> None:
    with pytest.raises(ValueError):
        wilson(0, 0)


def base(tmp_path: Path) -> Path:
    root = tmp_path / "review"
    shutil.copytree(CORPUS / "_base", root)
    return root


def test_a_new_matching_record_joins_the_table_without_editing_it(tmp_path: Path) -> None:
    root = base(tmp_path)
    review, _ = load_review(root)
    table = review.tables["responses"]
    assert [r.trial.id for r in build(review, table).rows] == ["ok"]
    record = (root / "content/trials/ok.yaml").read_text(encoding="utf-8")
    (root / "content/trials/ok-two.yaml").write_text(
        record.replace("id: ok\n", "id: ok-two\n")
        .replace("name: OK-1", "name: OK-2")
        .replace("value: 80", "value: 66"),
        encoding="utf-8",
    )
    review, _ = load_review(root)
    view = build(review, review.tables["responses"])
    assert [r.trial.id for r in view.rows] == ["ok", "ok-two"]
    assert [r.cells[1].text for r in view.rows] == ["80% (40/50)", "66% (40/50)"]


def test_a_cell_with_disagreeing_reports_is_marked(tmp_path: Path) -> None:
    root = base(tmp_path)
    shutil.copytree(CORPUS / "edit-reviews-disagree/files", root, dirs_exist_ok=True)
    review, _ = load_review(root)
    view = build(review, review.tables["responses"])
    efs = view.rows[0].cells[2]
    assert efs.differs and [r.value for r in efs.reports] == [50, 45]
    assert not view.rows[0].cells[1].differs


def test_a_column_mixing_response_definitions_says_so(tmp_path: Path) -> None:
    root = base(tmp_path)
    record = (root / "content/trials/ok.yaml").read_text(encoding="utf-8")
    (root / "content/trials/ok-two.yaml").write_text(
        record.replace("id: ok\n", "id: ok-two\n").replace("endpoint: cr_cri", "endpoint: cr"), encoding="utf-8"
    )
    review, _ = load_review(root)
    view = build(review, review.tables["responses"])
    note = next(n for n in view.columns[1].notes if n.startswith("Response definitions differ between rows"))
    assert "CR/CRi (1 study)" in note and "CR (1 study)" in note


def test_the_flowchart_lays_out_without_overlap(tmp_path: Path) -> None:
    review, _ = load_review(base(tmp_path))
    flow = review.flowcharts["consolidate"]
    assert problems(flow) == []
    boxes, _arrows, width, height = layout(flow)
    assert set(boxes) == {"mrd", "transplant", "watch", "done"}
    assert boxes["mrd"].y < boxes["watch"].y < boxes["done"].y
    placed = list(boxes.values())
    for i, a in enumerate(placed):
        for b in placed[i + 1 :]:
            assert a.x + a.w <= b.x or b.x + b.w <= a.x or a.y + a.h <= b.y or b.y + b.h <= a.y
        assert a.x >= 0 and a.x + a.w <= width and a.y + a.h <= height
    drawing = str(svg(flow))
    assert drawing.count('class="lr-flow-node') == 4
    assert '<title id="flow-consolidate-title">Consolidate with a transplant?</title>' in drawing


def count(endpoint: str, value: float, review: str, reported_as: str | None = None) -> Result:
    return Result(
        endpoint=endpoint,
        source=Source(ref="p", locator="T1", review=review),
        value=value,
        reported_as=reported_as,
    )


FAMILIES = {"n_enrolled": "patients", "n_infused": "patients"}


def test_counts_under_different_endpoints_are_compared_only_when_their_wording_allows() -> None:
    from livingreview.check.compare import comparable

    treated_a, treated_b = count("n_enrolled", 195, "a", "treated"), count("n_infused", 194, "b", "treated")
    assert comparable(treated_a, treated_b, FAMILIES)
    assert comparable(count("n_enrolled", 78, "a", "unspecified"), treated_b, FAMILIES)
    # enrolled and treated are different counts, and an unmarked count says nothing
    assert not comparable(count("n_enrolled", 97, "a", "enrolled"), treated_b, FAMILIES)
    assert not comparable(count("n_enrolled", 97, "a"), treated_b, FAMILIES)
    # without the vocabulary's families nothing changes
    assert not comparable(treated_a, treated_b)


def test_a_count_disagreement_across_endpoints_is_found() -> None:
    from livingreview.check.compare import disagreements
    from livingreview.model.records import Construct, Design, Population, Trial

    trial = Trial(
        id="t",
        name="T",
        title="t",
        status="reported",
        design=Design(type="prospective-trial"),
        population=Population(age_group="adults"),
        construct=Construct(targets=["CD19"], cell_source="autologous"),
        verified=__import__("datetime").date(2026, 1, 1),
        results=[count("n_enrolled", 78, "a", "unspecified"), count("n_infused", 55, "b", "treated")],
    )
    found = disagreements(trial, FAMILIES)
    assert [tuple(r.value for r in d.results) for d in found] == [(78, 55)]
    assert found[0].across_endpoints
    assert disagreements(trial) == []
