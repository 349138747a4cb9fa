"""The pooled part of "Rates across studies": sections for the page and the data files.

Every number comes from :mod:`livingreview.synthesis`; this module only lays it out.
The same rows and estimates go to the page, to ``data/synthesis.csv`` (one line per
study row and per pooled estimate) and to ``data/synthesis.json``, each with the method.
"""

from __future__ import annotations

import csv
import io
import json
from typing import TYPE_CHECKING, Any

from ..model.memo import Memo
from ..model.review import Review
from ..synthesis.analysis import Analysis, analyse
from ..synthesis.pooling import METHOD, MIN_STUDIES, Pooled
from ..synthesis.studies import StudyRow
from . import forest
from .citations import md_link
from .display import value_text

if TYPE_CHECKING:
    from ..load.cache import Kept
    from .citations import Citer
    from .renderer import Renderer

__all__ = ["DENOMINATOR_RULE", "METHOD", "Analyses", "analyses", "sections", "synthesis_csv", "synthesis_json"]

Analyses = list[tuple[forest.SynthSpec, Analysis]]
DENOMINATOR_RULE = (
    "N is the rate's own; where the rate gives none, the sample size the same publication reports for the same "
    "data cut-off and subgroup (infused, then evaluable, then enrolled patients); n is the rate's own or the nearest "
    "whole number to rate × N. A derived n or N is marked *."
)


def analyses(review: Review, memo: Memo, kept: Kept | None = None) -> Analyses:
    """Every pooled endpoint's analysis, kept while no record changes (and its estimates in
    ``kept`` between builds)."""
    trials = memo.intern("synthesis-trials", tuple(review.trials.values()))

    def make() -> Analyses:
        return [(spec, analyse(review, spec.endpoint, spec.toxicity, kept)) for spec in forest.SYNTH_PLOTS]

    return memo.get("synthesis", (trials,), make)


def _r(x: float) -> float:
    return round(x, 10)


def pooled_data(p: Pooled | None) -> dict[str, Any] | None:
    if p is None:
        return None
    return {
        "k": p.k,
        "patients": p.patients,
        "events": p.events,
        "estimate": _r(p.estimate),
        "ci": [_r(p.ci[0]), _r(p.ci[1])],
        "prediction_interval": [_r(p.pi[0]), _r(p.pi[1])],
        "logit": _r(p.logit),
        "logit_se": _r(p.se),
        "logit_ci": [_r(p.ci_logit[0]), _r(p.ci_logit[1])],
        "tau2": _r(p.tau2),
        "i2": _r(p.i2),
        "q": _r(p.q),
        "q_p": _r(p.q_p),
    }


def row_data(r: StudyRow) -> dict[str, Any]:
    c = r.counts
    low, high = forest.wilson(c.n, c.total)
    return {
        "study": r.trial.id,
        "name": r.trial.name,
        "label": r.label,
        "subgroup": r.result.subgroup,
        "n": c.n,
        "N": c.total,
        "n_derived": c.derived_n,
        "N_derived": c.derived_total,
        "N_from": c.size_result.endpoint if c.size_result else None,
        "population": c.population,
        "value": r.result.value,
        "cutoff": r.result.cutoff,
        "scale": r.result.scale,
        "proportion": _r(c.n / c.total),
        "wilson_ci": [_r(low), _r(high)],
        "design": r.trial.design.type,
        "ref": r.result.source.ref,
        "review": r.result.source.review,
        "locator": r.result.source.locator,
    }


def synthesis_data(items: Analyses) -> dict[str, Any]:
    out: dict[str, Any] = {"method": METHOD, "denominators": DENOMINATOR_RULE, "endpoints": {}}
    for spec, a in items:
        out["endpoints"][spec.endpoint] = {
            "title": spec.title,
            "rows": [row_data(r) for r in a.rows],
            "left_out": [
                {"study": x.trial.id, "ref": x.result.source.ref, "cutoff": x.result.cutoff, "reason": x.reason}
                for x in a.left_out
            ],
            "overall": pooled_data(a.overall),
            "subgroups": {
                s.variable.id: {
                    "label": s.variable.label,
                    "groups": [
                        {
                            "label": g.label,
                            "k": len(g.rows),
                            "studies": len({r.trial.id for r in g.rows}),
                            "pooled": pooled_data(g.pooled),
                        }
                        for g in s.groups
                    ],
                    "difference": {"q": _r(s.difference.q), "df": s.difference.df, "p": _r(s.difference.p)}
                    if s.difference
                    else None,
                }
                for s in a.splits
                if s.variable is not None
            },
            "sensitivity": {
                "leave_one_out": [
                    {"without": label, "pooled": pooled_data(p)} for label, p in a.sensitivity.leave_one_out
                ],
                "prospective_trials_only": pooled_data(a.sensitivity.prospective),
            },
        }
    return out


def synthesis_json(items: Analyses) -> str:
    return json.dumps(synthesis_data(items), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


CSV_COLUMNS = [
    "endpoint", "kind", "variable", "group", "study", "subgroup", "n", "N", "n_derived", "N_derived",
    "population", "estimate", "ci_low", "ci_high", "pi_low", "pi_high", "k", "patients", "tau2", "i2",
    "ref", "review", "locator", "method",
]  # fmt: skip


def synthesis_csv(items: Analyses) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for spec, a in items:
        for r in a.rows:
            d = row_data(r)
            w.writerow([
                spec.endpoint, "study", "", "", d["study"], d["subgroup"] or "", d["n"], d["N"],
                "yes" if d["n_derived"] else "", "yes" if d["N_derived"] else "", d["population"] or "",
                d["proportion"], *d["wilson_ci"], "", "", "", "", "", "", d["ref"], d["review"] or "", d["locator"],
                "Wilson 95% interval",
            ])  # fmt: skip
        for s in a.splits:
            for g in s.groups:
                p = g.pooled
                if p is None:
                    continue
                w.writerow([
                    spec.endpoint, "pooled", s.variable.id if s.variable else "all", g.label, "", "", p.events,
                    p.patients, "", "", "", _r(p.estimate), _r(p.ci[0]), _r(p.ci[1]), _r(p.pi[0]), _r(p.pi[1]),
                    p.k, p.patients, _r(p.tau2), _r(p.i2), "", "", "", METHOD,
                ])  # fmt: skip
    return buf.getvalue()


def _pct(x: float) -> str:
    return forest.pct(x) + "%"


def sections(renderer: Renderer, citer: Citer, items: Analyses, page: str) -> list[dict[str, Any]]:
    """What the template shows of each pooled endpoint."""
    out = []
    for spec, a in items:
        endpoint = renderer.review.endpoints[spec.endpoint]
        studies = len({r.trial.id for r in a.rows})
        splits = []
        for s in a.splits:
            plot_id = f"{spec.id}-{s.variable.id if s.variable else 'all'}"
            groups = [
                {
                    "label": g.label,
                    "k": len(g.rows),
                    "studies": len({r.trial.id for r in g.rows}),
                    "patients": sum(r.counts.total for r in g.rows),
                    "pooled": g.pooled,
                    "estimate": forest.pooled_text(g.pooled) if g.pooled else "",
                    "pi": f"{_pct(g.pooled.pi[0])}–{_pct(g.pooled.pi[1])}" if g.pooled else "",
                    "i2": f"{100 * g.pooled.i2:.0f}%" if g.pooled else "",
                    "tau2": f"{g.pooled.tau2:.2f}" if g.pooled else "",
                }
                for g in s.groups
            ]
            d = s.difference
            splits.append(
                {
                    "id": plot_id,
                    "label": s.variable.label if s.variable else "all studies together",
                    "svg": forest.synth_svg(spec, s, plot_id),
                    "groups": groups,
                    "difference": f"Q = {d.q:.2f}, df = {d.df}, p = {forest.p_text(d.p)}" if d else "",
                }
            )
        rows = [
            {
                "name": r.name,
                "link": md_link(page, f"studies/{r.trial.id}.md"),
                "value": value_text(r.result, endpoint),
                "counts": f"{r.counts.n}/{r.counts.total}",
                "derived": r.counts.derived_n or r.counts.derived_total,
                "basis": _basis(r),
                "ci": "{}–{}".format(*(_pct(x) for x in forest.wilson(r.counts.n, r.counts.total))),
                "scale": r.result.scale or "not stated",
                "report": r.result.cutoff or "main report",
                "cite": citer.key(r.result.source.ref),
            }
            for r in a.rows
        ]
        left = [
            {"name": x.trial.name, "link": md_link(page, f"studies/{x.trial.id}.md"), "reason": x.reason,
             "cite": citer.key(x.result.source.ref)}
            for x in a.left_out
        ]  # fmt: skip
        loo = [p for _, p in a.sensitivity.leave_one_out if p is not None]
        out.append(
            {
                "spec": spec,
                "studies": studies,
                "rows": rows,
                "left_out": left,
                "overall": a.overall,
                "overall_text": forest.pooled_text(a.overall) if a.overall else "",
                "heterogeneity": forest.heterogeneity_text(a.overall) if a.overall else "",
                "splits": splits,
                "loo": f"{_pct(min(p.estimate for p in loo))} to {_pct(max(p.estimate for p in loo))}" if loo else "",
                "prospective": forest.pooled_text(a.sensitivity.prospective) if a.sensitivity.prospective else "",
                "prospective_k": a.sensitivity.prospective_k,
                "scales": sorted({r.result.scale or "not stated" for r in a.rows}),
                "min_studies": MIN_STUDIES,
            }
        )
    return out


def _basis(r: StudyRow) -> str:
    c = r.counts
    if c.derived_total and c.size_result is not None:
        return f"N: {c.population} patients ({c.size_result.endpoint}, same report)"
    return f"N: {c.population or 'as reported'}"
