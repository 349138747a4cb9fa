"""The pooled estimates agree with R's metafor, the field's reference implementation.

For every pooled estimate the site shows (each endpoint overall and in every subgroup with
three or more studies, on the review's own data) and for a published example data set
(Pritz 1997, shipped with metafor as ``dat.pritz1997``), R fits

    rma(measure = "PLO", xi, ni, method = "REML", test = "knha")

and the project's figures must equal metafor's to :data:`TOL` on the logit scale: the
estimate, its standard error and 95% interval, τ², I², Q, the 95% prediction interval,
and the test for subgroup differences (``rma(yi, sei, method = "FE")$QE``). The unit tests
in tests/test_synthesis.py compare the edge cases (0 or N events, identical studies) too.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import REPO
from livingreview.load.loader import load_review
from livingreview.synthesis.analysis import analyse
from livingreview.synthesis.pooling import Pooled, pool, subgroup_difference

TOL = 1e-6


@pytest.fixture(autouse=True)
def _metafor_installed() -> None:
    """Fail, not skip: a comparison that silently does not run would prove nothing."""
    if shutil.which("Rscript") is None:
        pytest.fail("R is not installed: run .ci/setup (it installs Debian's r-cran-metafor)")


R_FIT = r"""
suppressMessages(library(metafor))
d <- read.csv(file("stdin"), stringsAsFactors = FALSE)
out <- NULL
for (g in unique(d$group)) {
  s <- d[d$group == g, ]
  r <- rma(measure = "PLO", xi = s$n, ni = s$N, method = "REML", test = "knha",
    control = list(threshold = 1e-12, maxiter = 1000))
  p <- predict(r)
  out <- rbind(out, data.frame(group = g, b = as.numeric(r$b), se = r$se, ci_lb = r$ci.lb, ci_ub = r$ci.ub,
    tau2 = r$tau2, i2 = r$I2 / 100, q = r$QE, pi_lb = p$pi.lb, pi_ub = p$pi.ub))
}
write.csv(out, stdout(), row.names = FALSE)
"""

R_DIFFERENCE = r"""
suppressMessages(library(metafor))
d <- read.csv(file("stdin"))
r <- rma(yi = d$b, sei = d$se, method = "FE")
cat(sprintf("%.15g", r$QE))
"""


def rscript(code: str, stdin: str) -> str:
    done = subprocess.run(["Rscript", "-e", code], input=stdin, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def metafor(groups: dict[str, list[tuple[int, int]]]) -> dict[str, dict[str, float]]:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["group", "n", "N"])
    for name, counts in groups.items():
        w.writerows([name, n, total] for n, total in counts)
    rows = csv.DictReader(io.StringIO(rscript(R_FIT, buf.getvalue())))
    return {r["group"]: {k: float(v) for k, v in r.items() if k != "group"} for r in rows}


def assert_same(ours: Pooled, ref: dict[str, float], what: str) -> None:
    pairs = {
        "b": ours.logit,
        "se": ours.se,
        "ci_lb": ours.ci_logit[0],
        "ci_ub": ours.ci_logit[1],
        "tau2": ours.tau2,
        "i2": ours.i2,
        "q": ours.q,
        "pi_lb": ours.pi_logit[0],
        "pi_ub": ours.pi_logit[1],
    }
    for key, value in pairs.items():
        assert abs(value - ref[key]) <= TOL, f"{what}: {key} is {value!r}, metafor says {ref[key]!r}"


def test_pritz1997_as_metafor_reads_it() -> None:
    """The published example, read from metafor's own copy of the data set."""
    data = rscript(
        'suppressMessages(library(metafor)); write.csv(dat.pritz1997[, c("xi", "ni")], stdout(), row.names = FALSE)',
        "",
    )
    counts = [(int(r["xi"]), int(r["ni"])) for r in csv.DictReader(io.StringIO(data))]
    assert len(counts) == 14
    assert (10, 10) in counts and (12, 12) in counts  # studies with every patient an event
    ours = pool(counts)
    assert ours is not None
    assert_same(ours, metafor({"pritz": counts})["pritz"], "dat.pritz1997")


EDGE_CASES = {
    "no events in two studies": [(0, 30), (0, 12), (2, 21), (1, 40)],
    "every patient an event in two studies": [(10, 10), (12, 12), (5, 9), (7, 11)],
    "no heterogeneity": [(40, 50), (39, 50), (41, 50)],
    "three studies, wide spread": [(1, 20), (18, 20), (10, 20)],
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_edge_cases_equal_metafor(name: str) -> None:
    """0 and N events (0.5 added to both cells, as escalc does), τ² at its bound, k = 3."""
    ours = pool(EDGE_CASES[name])
    assert ours is not None
    assert_same(ours, metafor({"case": EDGE_CASES[name]})["case"], name)


@pytest.fixture(scope="module")
def review_groups() -> dict[str, tuple[Pooled, list[tuple[int, int]]]]:
    """Every pooled estimate of the real review, with the n/N it was pooled from."""
    review, _ = load_review(REPO)
    out: dict[str, tuple[Pooled, list[tuple[int, int]]]] = {}
    for endpoint in ("cr", "cr_cri", "mrd_neg_cr", "crs_grade3plus", "icans_grade3plus"):
        a = analyse(review, endpoint, toxicity=endpoint.endswith("grade3plus"))
        for s in a.splits:
            for g in s.groups:
                if g.pooled is not None:
                    name = f"{endpoint}|{s.variable.id if s.variable else 'all'}|{g.label}"
                    out[name] = (g.pooled, [(r.counts.n, r.counts.total) for r in g.rows])
    return out


def test_review_estimates_equal_metafor(review_groups: dict[str, tuple[Pooled, list[tuple[int, int]]]]) -> None:
    ref = metafor({name: counts for name, (_, counts) in review_groups.items()})
    variables = {name.split("|")[1] for name in review_groups}
    assert len(variables - {"all"}) >= 4, variables  # at least four subgroup variables pooled
    assert len(review_groups) >= 30
    for name, (ours, _) in review_groups.items():
        assert_same(ours, ref[name], name)


def test_subgroup_difference_equals_metafor() -> None:
    review, _ = load_review(REPO)
    a = analyse(review, "cr")
    split = next(s for s in a.splits if s.variable is not None and s.variable.id == "target")
    pooled = [g.pooled for g in split.groups if g.pooled is not None]
    ours = subgroup_difference(pooled)
    assert ours is not None and ours.df == len(pooled) - 1 >= 1
    table = "b,se\n" + "".join(f"{p.logit!r},{p.se!r}\n" for p in pooled)
    assert abs(ours.q - float(rscript(R_DIFFERENCE, table))) <= TOL


def test_metafor_is_the_version_setup_installs() -> None:
    """The comparison is with metafor itself, not with a stand-in."""
    version = rscript('cat(as.character(packageVersion("metafor")))', "")
    assert version.split(".")[0] >= "3"
    assert Path(REPO / ".ci" / "setup").read_text(encoding="utf-8").count("r-cran-metafor") >= 1
