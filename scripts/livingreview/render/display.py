"""How reported values read on the site: numbers exactly as recorded, units spelled out."""

from __future__ import annotations

from ..model.records import Endpoint, Result

QUALIFIER = {"<": "<", ">": ">", "<=": "≤", ">=": "≥", "~": "~"}
POPULATION = {
    "enrolled": "enrolled",
    "leukapheresed": "leukapheresed",
    "infused": "infused",
    "evaluable": "evaluable",
    "responders": "responders",
    "mrd-negative-responders": "MRD-negative responders",
    "transplanted": "transplanted",
}
SCALE = {
    "lee2014": "Lee 2014",
    "penn": "Penn",
    "ctcae": "CTCAE",
    "astct2019": "ASTCT 2019",
    "mskcc": "MSKCC",
    "cartox": "CARTOX",
    "other": "other scale",
}
NOT_STATED = "Not stated in the sources"
CELL_SOURCE = {
    "autologous": "Autologous",
    "donor-derived": "Donor-derived",
    "allogeneic": "Allogeneic (off the shelf)",
    "not-stated": NOT_STATED,
}
STUDY_TYPE = {
    "prospective-trial": "Prospective trial",
    "retrospective": "Retrospective cohort",
    "registry": "Registry analysis",
    "pooled-analysis": "Pooled analysis",
    "matched-comparison": "Matched comparison",
    "meta-analysis": "Meta-analysis",
    "not-stated": "Design not stated in the sources",
}
AGE_GROUP = {
    "infants": "Infants",
    "children": "Children",
    "children-and-young-adults": "Children and young adults",
    "adults": "Adults",
    "all-ages": "Children and adults",
    "not-stated": "Ages not stated in the sources",
}
STATUS = {
    "reported": "Results reported",
    "recruiting": "Recruiting",
    "not-yet-recruiting": "Not yet recruiting",
    "active": "Active, not recruiting",
    "completed": "Completed",
    "unknown": "Status unknown",
}

#: Labels for record fields whose values are ids, by dotted path.
FIELD_LABELS = {
    "construct.cell_source": CELL_SOURCE,
    "design.type": STUDY_TYPE,
    "population.age_group": AGE_GROUP,
    "status": STATUS,
}

MRD = {"flow": "flow cytometry", "ngs": "NGS", "pcr": "PCR", "flow-or-pcr": "flow cytometry or PCR"}


def num(x: float) -> str:
    """A number as recorded: 81 stays 81, 52.2 stays 52.2, 1e-4 reads 0.0001."""
    if float(x).is_integer():
        return str(int(x))
    return format(x, "f").rstrip("0").rstrip(".") if abs(x) < 1e-3 else repr(float(x))


def unit_of(r: Result, endpoint: Endpoint) -> str:
    if endpoint.kind == "duration":
        return r.unit or "months"
    return endpoint.unit


def value_text(r: Result, endpoint: Endpoint) -> str:
    """ "81%", "~80%", "11–27%", "24 months", "not reached", "75"."""
    if r.qualifier == "not-reached":
        return "not reached"
    unit = unit_of(r, endpoint)
    if r.range:
        core = f"{num(r.range[0])}–{num(r.range[1])}"
    elif r.value is not None:
        core = num(r.value)
    elif r.n is not None and r.n_total:
        return f"{r.n} of {r.n_total}"
    elif r.n is not None:
        return f"{r.n} {'patient' if r.n == 1 else 'patients'}"
    else:
        return "not reported"
    prefix = QUALIFIER.get(r.qualifier or "", "")
    if unit == "%":
        text = f"{prefix}{core}%"
    elif unit == "patients":
        text = f"{prefix}{core}"
    elif unit == "hazard ratio":
        text = f"HR {prefix}{core}"
    else:
        text = f"{prefix}{core} {unit}"
    if r.ci:
        text += f" (95% CI {num(r.ci[0])}–{num(r.ci[1])})"
    return text


def n_of_n(r: Result) -> str:
    if r.n is not None and r.n_total is not None:
        return f"{r.n}/{r.n_total}"
    if r.n_total is not None:
        return f"N = {r.n_total}"
    if r.n is not None:
        return f"n = {r.n}"
    return ""


def timepoint_text(r: Result) -> str:
    if r.timepoint is not None:
        t = num(r.timepoint)
        return f"{t} month" if t == "1" else f"{t} months"
    return r.timepoint_label or ""


def qualifiers(r: Result) -> list[str]:
    """What makes the value comparable: scale, MRD method and threshold."""
    out = []
    if r.scale:
        out.append(f"graded by {SCALE[r.scale]}")
    if r.mrd_method:
        out.append(f"MRD by {MRD[r.mrd_method]}")
    if r.mrd_threshold:
        out.append(f"threshold {num(r.mrd_threshold)}")
    if r.comparison:
        out.append(r.comparison)
    if r.adjusted is not None:
        out.append("multivariable (adjusted)" if r.adjusted else "unadjusted")
    return out
