"""The benchmark's verdicts and its profile of a cold check (the timings themselves live in BENCHMARK.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from livingreview_bench.benchmark import (
    PROFILE_HEADING,
    PROFILE_ROWS,
    Measure,
    Sample,
    SizeResult,
    _replace_profile,
    profile_section,
    targets,
    worker_profile,
)
from livingreview_bench.synth import write_corpus


def measured(name: str, *seconds: float, mb: float = 100.0) -> Measure:
    return Measure(name, [Sample(s, mb, 0) for s in seconds])


def big(cold: tuple[float, ...], peak_mb: float = 300.0) -> SizeResult:
    res = SizeResult("s5000-r20000", 5000, 20000, len(cold))
    res.measures["cold check"] = measured("cold check", *cold, mb=peak_mb)
    res.measures["warm check"] = measured("warm check", 0.4, 0.5, 0.4)
    res.measures["build"] = measured("build", 300.0, 310.0, 305.0, mb=peak_mb)
    res.measures["baseline"] = measured("baseline", 290.0, 300.0, 295.0)
    return res


def verdict(results: list[SizeResult], starts: str) -> tuple[str, str]:
    (target,) = [t for t in targets(results) if t.text.startswith(starts)]
    return target.status, target.measured


def test_a_median_over_the_limit_is_a_miss_and_says_by_how_much() -> None:
    status, text = verdict([big((10.5, 10.9, 12.3, 11.8, 10.5))], "5,000 studies / 20,000 references: cold check")
    assert status == "MISS"
    assert text == "10.9 s (median), 1.1x the limit"
    assert verdict([big((9.1, 12.0, 9.8))], "5,000 studies / 20,000 references: cold check")[0] == "PASS"


def test_peak_memory_is_the_largest_of_check_and_build() -> None:
    assert verdict([big((9.0,), peak_mb=1400)], "5,000 studies / 20,000 references: peak memory") == (
        "PASS",
        "1400 MB (largest of check and build)",
    )
    assert verdict([big((9.0,), peak_mb=1600)], "5,000 studies / 20,000 references: peak memory")[0] == "MISS"


def test_a_size_not_run_is_not_measured() -> None:
    status, text = verdict([], "5,000 studies / 20,000 references: warm check")
    assert (status, text) == ("NOT MEASURED", "no 5000:20000 size in this run")


def test_profile_of_a_cold_check_accounts_for_every_file(tmp_path: Path) -> None:
    root = tmp_path / "review"
    write_corpus(root, 20, 60)
    prof = worker_profile(root)
    yaml_files = len(list((root / "content").rglob("*.yaml")))
    assert prof["counts"] == {"YAML": yaml_files, "BibTeX": len(list((root / "references").glob("*.bib")))}
    assert set(prof["times"]) == {"YAML", "BibTeX", "pickle", "unpickle", "assemble", "check"}
    assert all(seconds > 0 for seconds in prof["times"].values())
    assert len(prof["top"]) == PROFILE_ROWS
    owns = [row["own"] for row in prof["top"]]
    assert owns == sorted(owns, reverse=True)
    assert not [row for row in prof["top"] if "site-packages" in row["function"] or str(tmp_path) in row["function"]]
    assert any(row["function"].startswith("livingreview/") for row in prof["top"])


def test_profile_section_replaces_the_previous_one_and_keeps_the_rest() -> None:
    prof = {
        "times": {"YAML": 6.0, "BibTeX": 4.0, "pickle": 1.5, "unpickle": 0.5, "assemble": 0.2, "check": 2.0},
        "counts": {"YAML": 5009, "BibTeX": 2},
        "cores": 2,
        "top": [
            {
                "function": "livingreview/convert.py:254(_convert_mapping)",
                "calls": 141480,
                "own": 4.4,
                "cumulative": 13.9,
            }
        ],
    }
    section = profile_section(5000, 20000, prof, dt.datetime(2026, 11, 21, 15, 0, tzinfo=dt.UTC))
    text = "\n".join(section)
    assert "parsing alone takes at least 10.0 / 2 = 5.000 s" in text
    assert "cannot finish in less than 7.200 s plus interpreter start-up and imports (the target" in text
    assert "| parse 5,009 YAML files | 6.000 |" in text
    assert "| `livingreview/convert.py:254(_convert_mapping)` | 141,480 | 4.400 | 13.9 |" in text
    report = "# Performance benchmark\n\n## Targets\n\nrows\n"
    once = _replace_profile(report, section)
    assert once.startswith(report)
    twice = _replace_profile(once, section)
    assert twice == once
    assert twice.count(PROFILE_HEADING) == 1


def mid(zensical_cold: float, zensical_warm: float) -> SizeResult:
    res = SizeResult("s1000-r5000", 1000, 5000, 3)
    res.measures["build (cold)"] = measured("build (cold)", 60.0, 62.0, 61.0)
    res.measures["build"] = measured("build", 20.0, 21.0, 22.0)  # repeated builds are not the yardstick
    res.measures["zensical build (cold)"] = measured("zensical build (cold)", zensical_cold)
    res.measures["zensical rebuild (warm, one record changed)"] = measured("warm", zensical_warm)
    return res


def test_zensical_is_judged_against_the_plugins_build_at_1000_studies() -> None:
    cold = "1,000 studies: the Zensical build of the rendered tree, cold"
    warm = "1,000 studies: the Zensical build of the rendered tree, rebuilt"
    assert verdict([mid(30.5, 12.2)], cold) == ("PASS", "0.50x")
    assert verdict([mid(30.5, 12.2)], warm) == ("PASS", "0.20x")
    assert verdict([mid(45.75, 24.4)], cold) == ("MISS", "0.75x")
    assert verdict([mid(45.75, 24.4)], warm)[0] == "MISS"
    assert verdict([], cold) == ("NOT MEASURED", "no 1000:5000 size in this run")


def seed(build: float, cold: float, baseline: float) -> SizeResult:
    res = SizeResult("seed", 0, 0, 3)
    res.measures["build (cold)"] = measured("build (cold)", cold)
    res.measures["build"] = measured("build", build)
    res.measures["baseline"] = measured("baseline", baseline)
    return res


def test_the_seed_build_is_judged_repeated_and_shows_the_clean_state() -> None:
    ahead = "Seed review: the plugin's MkDocs build <= 0.8x"
    assert verdict([seed(3.6, 6.5, 5.0)], ahead) == ("PASS", "0.72x repeated build; from a clean state 1.30x")
    assert verdict([seed(4.5, 6.5, 5.0)], ahead)[0] == "MISS"
