"""Deciding which reports of a value belong together and where they disagree.

Both the checker (which lists disagreements for editors) and the renderer (which
shows them side by side to readers) use these functions, so the site and the
check always agree on what "disagree" means:

* reports are comparable when they give the same endpoint at the same time point
  for the same subgroup, and do not name different analysis populations;
* patient counts under different count endpoints of one family (the vocabulary's
  ``compare_as``: enrolled, infused) are comparable when each report says what its
  source called the patients (``reported_as``) and the words match or one is
  ``unspecified``: two reviews that both say "treated" are compared even where one
  report was filed as enrolled and the other as infused;
* a value that names another with ``compare_with`` is shown beside it whatever the
  numbers: one measure under two definitions, labels or cohort names;
* two numbers agree when the more precise one rounds to the less precise one
  (44.4 and 44), when an approximate value ("~80") is within 10% of the other,
  when a bound holds (">25" and 25.4), or when a value lies in a reported range.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from ..model.records import Endpoint, Result, Trial

#: Reports of the same endpoint (or count family), at the same time point, for the same subgroup.
GroupKey = tuple[str, float | None, str, str]
#: Endpoint ids mapped to the count family they are compared in (the vocabulary's ``compare_as``).
Families = Mapping[str, str]

UNSPECIFIED = "unspecified"


def families(endpoints: Mapping[str, Endpoint]) -> dict[str, str]:
    """The count families of a vocabulary: endpoint id -> family name."""
    return {k: e.compare_as for k, e in endpoints.items() if e.compare_as}


def group_key(r: Result, fams: Families | None = None) -> GroupKey:
    endpoint = (fams or {}).get(r.endpoint, r.endpoint)
    return (endpoint, r.timepoint, r.timepoint_label or "", r.subgroup or "")


def same_patients(a: Result, b: Result) -> bool:
    """Whether two counts under different endpoints say what they count in words that match."""
    if a.reported_as is None or b.reported_as is None:
        return False
    return a.reported_as == b.reported_as or UNSPECIFIED in (a.reported_as, b.reported_as)


def _decimals(x: float) -> int:
    return 0 if float(x).is_integer() else len(repr(float(x)).split(".")[1])


def _rounds_to(precise: float, coarse: float) -> bool:
    q = Decimal(1).scaleb(-_decimals(coarse))
    return Decimal(repr(precise)).quantize(q, rounding=ROUND_HALF_UP) == Decimal(repr(coarse)).quantize(q)


def _numbers_agree(a: float, b: float) -> bool:
    if _decimals(a) >= _decimals(b):
        return _rounds_to(a, b)
    return _rounds_to(b, a)


def agree(a: Result, b: Result) -> bool:
    """Whether two comparable reports say the same thing, allowing for rounding."""
    if (a.unit or "months") != (b.unit or "months"):
        return False  # durations in different units are shown, never equated
    nr_a, nr_b = a.qualifier == "not-reached", b.qualifier == "not-reached"
    if nr_a or nr_b:
        return nr_a and nr_b
    if a.range or b.range:
        if a.range and b.range:
            return a.range == b.range
        rng, other = (a.range, b) if a.range else (b.range, a)
        assert rng is not None
        return other.value is not None and rng[0] <= other.value <= rng[1]
    if a.value is None or b.value is None:
        return True
    for x, y in ((a, b), (b, a)):
        if x.qualifier == "~":
            assert x.value is not None and y.value is not None
            return abs(x.value - y.value) <= 0.1 * max(abs(x.value), abs(y.value))
        if x.qualifier in ("<", "<=", ">", ">=") and y.qualifier != x.qualifier:
            assert x.value is not None and y.value is not None
            return {
                "<": y.value < x.value,
                "<=": y.value <= x.value,
                ">": y.value > x.value,
                ">=": y.value >= x.value,
            }[x.qualifier]
    return _numbers_agree(a.value, b.value) and (a.qualifier or "") == (b.qualifier or "")


def comparable(a: Result, b: Result, fams: Families | None = None) -> bool:
    if group_key(a, fams) != group_key(b, fams):
        return False
    if a.endpoint != b.endpoint and not same_patients(a, b):
        return False
    return a.population is None or b.population is None or a.population == b.population


@dataclass(frozen=True)
class Disagreement:
    key: GroupKey
    results: tuple[Result, ...]
    #: True when two reports cite the same primary paper with different numbers:
    #: a review misread or mistyped something. False when the reports come from
    #: different publications (an update, a later cut-off).
    same_paper: bool
    #: For values linked with ``compare_with``: why they are one measure.
    why: str | None = None

    @property
    def across_endpoints(self) -> bool:
        """True when the reports sit under different endpoints (counts, linked values)."""
        return len({r.endpoint for r in self.results}) > 1


def groups(trial: Trial, fams: Families | None = None) -> dict[GroupKey, list[Result]]:
    out: dict[GroupKey, list[Result]] = defaultdict(list)
    for r in trial.results:
        out[group_key(r, fams)].append(r)
    return dict(out)


def linked(trial: Trial, r: Result) -> list[Result]:
    """The values that ``r.compare_with`` points at."""
    link = r.compare_with
    if link is None:
        return []
    subgroup = link.subgroup
    return [
        o
        for o in trial.results
        if o is not r
        and o.endpoint == link.endpoint
        and (o.subgroup or "") == (subgroup or "")
        and (o.timepoint, o.timepoint_label) == (r.timepoint, r.timepoint_label)
    ]


def disagreements(trial: Trial, fams: Families | None = None) -> list[Disagreement]:
    found = []
    for key, results in groups(trial, fams).items():
        involved: list[Result] = []
        same_paper = False
        for i, a in enumerate(results):
            for b in results[i + 1 :]:
                if comparable(a, b, fams) and not agree(a, b):
                    same_paper |= a.source.ref == b.source.ref
                    involved += [r for r in (a, b) if not any(r is x for x in involved)]
        if involved:
            order = {id(r): i for i, r in enumerate(results)}
            involved.sort(key=lambda r: order[id(r)])
            found.append(Disagreement(key, tuple(involved), same_paper))
    for r in trial.results:
        others = linked(trial, r)
        if r.compare_with is not None and others:
            same = any(o.source.ref == r.source.ref for o in others)
            found.append(Disagreement(group_key(r), (r, *others), same, r.compare_with.why))
    return found


def differing(trial: Trial, fams: Families | None = None) -> set[int]:
    """ids of results that take part in a disagreement."""
    return {id(r) for d in disagreements(trial, fams) for r in d.results}
