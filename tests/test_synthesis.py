"""Denominators, one row per cohort, and the pooled estimates' edge cases.

The records here read like the review's own: a copy of the fixture review (ELIANA) with
a few more studies written the way editors write them.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from conftest import GOLDEN, make_review
from livingreview.load.loader import load_review
from livingreview.model.denominators import denominator
from livingreview.model.review import Review
from livingreview.pipeline import build
from livingreview.synthesis.analysis import analyse
from livingreview.synthesis.pooling import MIN_STUDIES, logit_effect, pool
from livingreview.synthesis.studies import study_rows

RECORD = """\
schema_version: 1
id: {id}
name: {name}
{extra}title: {title}
status: reported
product:
  name: {product}
construct:
  targets: [{target}]
  cell_source: autologous
  costimulation: 4-1BB
design:
  type: {design}
  setting: relapsed/refractory
population:
  age_group: {age}
references: [maude2018tisagenlecleucel, laetsch2023three]
verified: 2026-11-21
history:
  - date: 2026-11-21
    summary: Written for the synthesis tests.
results:
{results}"""


def result(endpoint: str, *, ref: str = "maude2018tisagenlecleucel", **fields: object) -> str:
    lines = [f"  - endpoint: {endpoint}"]
    lines += [f"    {'N' if k == 'N' else k}: {v}" for k, v in fields.items()]
    lines.append(f"    source: {{ref: {ref}, review: saleh2023car, locator: Table 1}}")
    return "\n".join(lines) + "\n"


def record(tid: str, name: str, results: str, *, extra: str = "", target: str = "CD19", **kw: str) -> str:
    return RECORD.format(
        id=tid,
        name=name,
        extra=extra,
        title=f"{name}, a study written for the tests",
        product=kw.get("product", "examplecel"),
        target=target,
        design=kw.get("design", "prospective-trial"),
        age=kw.get("age", "children-and-young-adults"),
        results=results,
    )


STUDIES = {
    "ensign": record(
        "ensign",
        "ENSIGN",
        result("n_infused", value=58)
        + result("cr_cri", value=71, N=58, population="infused")
        + result("crs_grade3plus", value=22, scale="penn"),
        product="tisagenlecleucel",
    ),
    "b2101j": record(
        "b2101j",
        "CHP959 pediatric phase 1 (Penn)",
        result("cr_cri", n=24, N=30) + result("crs_grade3plus", n=0, N=30, scale="penn"),
        design="prospective-trial",
    ),
    "cd22-bridge": record(
        "cd22-bridge",
        "CD22 bridge",
        result("n_enrolled", value=21) + result("cr_cri", n=21, N=21) + result("crs_grade3plus", n=2, N=21),
        target="CD22",
        design="retrospective",
        extra="short_name: CD22 bridge (NCI)\n",
    ),
}


def write(root: Path, files: dict[str, str]) -> None:
    for tid, text in files.items():
        (root / "content" / "trials" / f"{tid}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = make_review(tmp_path / "review")
    write(root, STUDIES)
    return root


def loaded(root: Path) -> Review:
    review, diags = load_review(root)
    assert not [d for d in diags.sorted() if d.severity == "error"], diags.sorted()
    return review


# --------------------------------------------------------------------------- denominators


def test_n_derived_from_the_same_reports_sample_size(root: Path) -> None:
    review = loaded(root)
    eliana = review.trials["eliana"]
    crs = next(r for r in eliana.results if r.endpoint == "crs_grade3plus")
    d = denominator(eliana, crs)
    assert d is not None
    # 46% of the 75 infused patients of the primary report (Maude 2018), halves rounded up
    assert (d.n, d.total, d.derived_n, d.derived_total, d.population) == (35, 75, True, True, "infused")
    assert d.size_result is not None and d.size_result.source.ref == crs.source.ref


def test_no_n_from_another_cutoff_or_for_responders(root: Path) -> None:
    write(
        root,
        {
            "late": record(
                "late",
                "Late report",
                result("n_infused", value=40)
                + result("cr", value=80, cutoff="5-year update", ref="laetsch2023three")
                + result("mrd_neg_cr", value=90, population="responders"),
            )
        },
    )
    review = loaded(root)
    late = review.trials["late"]
    assert [denominator(late, r) for r in late.results if r.endpoint in ("cr", "mrd_neg_cr")] == [None, None]


def test_check_lists_rates_without_a_denominator(root: Path) -> None:
    from livingreview.check import check_review

    (root / "pyproject.toml").write_text('[tool.livingreview.levels]\nLR900 = "info"\n', encoding="utf-8")
    write(root, {"bare": record("bare", "Bare", result("cr", value=80))})
    review, diags = load_review(root)
    found = [d for d in check_review(review, diags) if d.code == "LR900"]
    assert [(d.subject, d.severity) for d in found] == [("bare", "info")]
    assert "content/trials/bare.yaml" in found[0].format_text()


# --------------------------------------------------------------------------- one row per cohort


def test_a_primary_analysis_and_its_update_in_one_record_show_one_row(root: Path) -> None:
    write(
        root,
        {
            "ensign": record(
                "ensign",
                "ENSIGN",
                result("cr_cri", value=71, N=58)
                + result("cr_cri", value=66, N=64, cutoff="final analysis", ref="laetsch2023three"),
            )
        },
    )
    rows, left = study_rows(loaded(root), "cr_cri")
    ensign = [r for r in rows if r.trial.id == "ensign"]
    assert len(ensign) == 1 and ensign[0].counts.total == 58  # the main report, listed first in references
    assert [(x.trial.id, x.result.cutoff) for x in left] == [("ensign", "final analysis")]
    assert "same patients" in left[0].reason


def test_a_record_that_supersedes_another_replaces_its_row(root: Path) -> None:
    pooled = record(
        "eliana-ensign",
        "ELIANA and ENSIGN pooled",
        result("cr_cri", value=79, N=133) + result("crs_grade3plus", value=40, N=133),
        extra="",
    ).replace("verified:", "supersedes: [eliana, ensign]\nverified:")
    write(root, {"eliana-ensign": pooled})
    review = loaded(root)
    rows, left = study_rows(review, "cr_cri")
    ids = [r.trial.id for r in rows]
    assert "eliana-ensign" in ids and "eliana" not in ids and "ensign" not in ids
    reasons = {x.trial.id: x.reason for x in left}
    assert reasons["eliana"] == "its patients are reported again in ELIANA and ENSIGN pooled, which is used"


def test_a_superseded_record_keeps_endpoints_the_later_one_lacks(root: Path) -> None:
    later = record("ensign-update", "ENSIGN update", result("crs_grade3plus", n=15, N=64)).replace(
        "verified:", "supersedes: [ensign]\nverified:"
    )
    write(root, {"ensign-update": later})
    review = loaded(root)
    assert "ensign" in [r.trial.id for r in study_rows(review, "cr_cri")[0]]
    assert "ensign" not in [r.trial.id for r in study_rows(review, "crs_grade3plus")[0]]


def test_forest_labels_use_short_name_or_the_whole_name(root: Path) -> None:
    rows, _ = study_rows(loaded(root), "cr_cri")
    labels = {r.trial.id: r.label for r in rows}
    assert labels["cd22-bridge"] == "CD22 bridge (NCI)"
    assert labels["b2101j"] == "CHP959 pediatric phase 1 (Penn)"  # never cut


def test_a_label_too_long_to_fit_asks_for_a_short_name(root: Path) -> None:
    from livingreview.check import check_review

    long_name = "Second-generation CD19 CAR T in adults with high marrow disease burden"
    write(root, {"long": record("long", long_name, result("cr_cri", n=9, N=12))})
    review, diags = load_review(root)
    found = [d for d in check_review(review, diags) if d.code == "LR903"]
    assert len(found) == 1 and "give the record a short_name" in found[0].format_text()
    write(root, {"long": record("long", long_name, result("cr_cri", n=9, N=12), extra="short_name: Long 2026\n")})
    review, diags = load_review(root)
    assert not [d for d in check_review(review, diags) if d.code == "LR903"]


def test_a_subgroup_too_long_for_any_name_is_named_at_its_result(root: Path) -> None:
    from livingreview.check import check_review

    sub = "patients with more than 25% blasts in the marrow before lymphodepletion"
    write(root, {"arm": record("arm", "Arm 2026", result("cr_cri", n=9, N=12, subgroup=f'"{sub}"'))})
    review, diags = load_review(root)
    (found,) = [d for d in check_review(review, diags) if d.code == "LR903"]
    text = found.format_text()
    assert f"the subgroup '{sub}' has {len(sub)} characters" in text
    assert "name the subgroup in at most 38 characters" in text  # 48, less ": " and "Arm 2026"
    assert found.line > 20  # at the result, not at the record's name


# --------------------------------------------------------------------------- pooling edge cases


def test_zero_and_all_events_get_half_added_to_both_cells() -> None:
    y, v = logit_effect(0, 30)
    assert y == pytest.approx(math.log(0.5 / 30.5)) and v == pytest.approx(1 / 0.5 + 1 / 30.5)
    y2, v2 = logit_effect(30, 30)
    assert (y2, v2) == (pytest.approx(-y), pytest.approx(v))
    with pytest.raises(ValueError):
        logit_effect(31, 30)


def test_double_zero_studies_are_pooled_not_dropped() -> None:
    """Studies where no patient (0/N) or every patient (N/N) had the event stay in the pool."""
    p = pool([(0, 30), (0, 12), (2, 21), (1, 40)])
    assert p is not None and p.k == 4 and p.patients == 103 and p.events == 3
    assert 0 < p.ci[0] < p.estimate < p.ci[1] < 0.2


def test_nothing_is_pooled_from_fewer_than_three_studies() -> None:
    assert MIN_STUDIES == 3
    assert pool([]) is None
    assert pool([(40, 50)]) is None  # a single study
    assert pool([(40, 50), (30, 50)]) is None
    assert pool([(40, 50), (30, 50), (45, 50)]) is not None


def test_identical_studies_have_no_heterogeneity() -> None:
    p = pool([(40, 50), (40, 50), (40, 50)])
    assert p is not None and p.tau2 == 0 and p.i2 == 0
    assert p.estimate == pytest.approx(0.8)


def test_a_kept_estimate_is_not_fitted_again(monkeypatch: pytest.MonkeyPatch) -> None:
    from livingreview.load.cache import Kept
    from livingreview.synthesis import pooling

    kept = Kept("pooled.json")
    counts = [(40, 50), (30, 50), (45, 50)]
    first = pool(counts, kept=kept)
    monkeypatch.setattr(pooling, "_fit", lambda counts: pytest.fail("fitted again"))
    assert pool(counts, kept=kept) == first
    assert pool(counts, studies=2, kept=kept) is None  # two studies' arms: never pooled, kept or not
    kept.values[next(iter(kept.values))] = {"k": "three"}  # a kept value that does not fit is fitted again
    monkeypatch.undo()
    assert pool(counts, kept=kept) == first
    other = pool([(10, 50), (12, 50), (9, 40)], kept=kept)
    assert other is not None
    difference = pooling.subgroup_difference([first, other], kept)
    monkeypatch.setattr(pooling, "_stats", lambda: pytest.fail("NumPy, SciPy or PyMARE needed"))
    assert pooling.subgroup_difference([first, other], kept) == difference


def test_builds_keep_their_estimates_in_the_cache_folder(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """From the second build on (the first makes the folder) the estimates are written, and
    a build with nothing changed fits nothing and makes the same files."""
    from livingreview.synthesis import pooling

    monkeypatch.setenv("LIVINGREVIEW_CACHE_DIR", str(root.parent / "cache"))
    files = [build(root, root / "templates").files for _ in range(2)]
    assert list((root.parent / "cache").glob("*/pooled.json"))
    monkeypatch.setattr(pooling, "_fit", lambda counts: pytest.fail("fitted again"))
    monkeypatch.setattr(pooling, "_stats", lambda: pytest.fail("NumPy, SciPy or PyMARE needed"))
    assert build(root, root / "templates").files == files[0] == files[1]


def test_analysis_pools_by_subgroup_and_runs_sensitivity(root: Path) -> None:
    a = analyse(loaded(root), "cr_cri")
    assert a.overall is not None and a.overall.k == 4
    target = next(s for s in a.splits if s.variable is not None and s.variable.id == "target")
    assert {g.label: (len(g.rows), g.pooled is not None) for g in target.groups} == {
        "CD19": (3, True),
        "CD22": (1, False),
    }
    assert target.difference is None  # one subgroup with a pooled estimate: nothing to compare
    assert len(a.sensitivity.leave_one_out) == 4
    assert a.sensitivity.prospective_k == 3 and a.sensitivity.prospective is not None


# --------------------------------------------------------------------------- the page and the downloads


@pytest.fixture
def built(root: Path) -> dict[str, str | bytes]:
    result = build(root, root / "templates")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    return result.files


def test_page_states_method_denominators_and_what_was_left_out(root: Path) -> None:
    write(root, {"ensign": STUDIES["ensign"].replace("verified:", "supersedes: [b2101j]\nverified:")})
    files = build(root, root / "templates").files
    page = files["plots.md"]
    assert isinstance(page, str)
    assert "REML τ², Hartung–Knapp 95% interval" in page
    assert "its patients are reported again in ENSIGN, which is used" in page
    assert "N: infused patients (n_infused, same report)" in page  # ELIANA's CRS, N derived
    assert "Grading scales of the rows: not stated, penn" in page
    assert "fewer than 3 studies" in page or "not pooled" in page


@pytest.mark.parametrize("path", ["plots/cr-cri.svg", "data/synthesis.csv"])
def test_golden_plot_and_data(path: str, built: dict[str, str | bytes], update_golden: bool) -> None:
    golden = GOLDEN / "synthesis" / path
    actual = built[path]
    assert isinstance(actual, str)
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden file for {path}: run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8")


def test_json_download_carries_method_and_every_row(built: dict[str, str | bytes]) -> None:
    import json

    data = json.loads(built["data/synthesis.json"])
    assert data["method"].startswith("Random-effects meta-analysis of logit-transformed proportions")
    cri = data["endpoints"]["cr_cri"]
    assert [r["study"] for r in cri["rows"]] == ["cd22-bridge", "b2101j", "eliana", "ensign"]
    assert cri["overall"]["k"] == 4 and set(cri["subgroups"]) >= {"target", "product", "age", "costimulation"}
    crs = {r["study"]: r for r in data["endpoints"]["crs_grade3plus"]["rows"]}
    assert (crs["eliana"]["n"], crs["eliana"]["N"], crs["eliana"]["N_derived"]) == (35, 75, True)
