"""The review's typed records: the one place where their shape is defined.

Every dataclass here doubles as a schema. Field metadata (``doc``, ``key``,
``pattern``, ``minimum``...) drives three things at once: the loader's validation
(:mod:`livingreview.load.convert`), the JSON Schema that editors use for completion
(:mod:`livingreview.model.schema`) and the field reference in the editors' guide.
Nothing else may describe a record's fields.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from ..text.latex import decode
from ..text.names import split_authors
from .where import Where

SCHEMA_VERSION = 1

T = TypeVar("T")

#: The one grammar of keys. Every key of a mapping in the content files (endpoint ids,
#: glossary abbreviations, flowchart steps, and any mapping a later format adds) and every
#: id follows it, because each one ends up in a page address, an HTML id or attribute, a
#: Markdown attribute list or a JSON key, where no quote, space, brace or angle bracket
#: may appear. Ids and some keys use a stricter form of it (below); the converter checks
#: the key of every mapping against it (LR210).
KEY = r"^[A-Za-z0-9][A-Za-z0-9_-]*$"
#: Record, table and flowchart ids and flowchart steps: lower-case letters, digits, hyphens.
SLUG = r"^[a-z0-9][a-z0-9-]*$"
#: Endpoint ids: lower-case letters, digits, underscores.
ENDPOINT_ID = r"^[a-z0-9][a-z0-9_]*$"
#: BibTeX's own key grammar, as biber and Pandoc accept it. Citation keys are not a KEY:
#: they reach HTML only through the escaping helpers and :func:`render.citations.anchor`.
CITE_KEY = r"^[A-Za-z0-9_][A-Za-z0-9_:.#$%&+?<>~/-]*$"

#: BibTeX fields that readers see (the formatted reference, labels, search): decoded
#: from LaTeX when first shown, and checked for macros the decoder does not know.
DISPLAYED = frozenset(
    [
        "author",
        "editor",
        "title",
        "journal",
        "booktitle",
        "publisher",
        "organization",
        "howpublished",
        "institution",
        "school",
        "volume",
        "number",
        "pages",
        "year",
        "month",
        "edition",
        "series",
        "address",
        "type",
        "chapter",
        "urldate",
    ]
)
#: Identifiers and addresses: shown as written, never decoded.
VERBATIM = frozenset(["doi", "url", "pmid", "nct", "eprint", "urldate"])


def fld(
    doc: str,
    *,
    default: Any = dataclasses.MISSING,
    factory: Any = dataclasses.MISSING,
    key: str | None = None,
    pattern: str | None = None,
    minimum: float | None = None,
    exclusive_minimum: float | None = None,
    maximum: float | None = None,
    examples: list[Any] | None = None,
    key_pattern: str | None = None,
) -> Any:
    """A model field with the metadata the loader and the schema generator read.

    ``key_pattern`` is the grammar of a mapping field's keys (default :data:`KEY`).
    """
    meta = {
        "doc": doc,
        "key": key,
        "pattern": pattern,
        "key_pattern": key_pattern,
        "minimum": minimum,
        "exclusive_minimum": exclusive_minimum,
        "maximum": maximum,
        "examples": examples,
    }
    if factory is not dataclasses.MISSING:
        return field(default_factory=factory, metadata=meta)
    return field(default=default, metadata=meta)


def where_field() -> Any:
    """Source positions of a record; not part of the schema."""
    return field(default_factory=Where.nowhere, compare=False, repr=False, metadata={"internal": True})


def yaml_key(f: dataclasses.Field[Any]) -> str:
    """The key a field is written under in YAML (``n_total`` is written ``N``)."""
    return str(f.metadata.get("key") or f.name)


# --------------------------------------------------------------------------- vocabularies

AnalysisPopulation = Literal[
    "enrolled",
    "leukapheresed",
    "infused",
    "evaluable",
    "responders",
    "mrd-negative-responders",
    "transplanted",
]
GradingScale = Literal["lee2014", "penn", "ctcae", "astct2019", "mskcc", "cartox", "other"]
MrdMethod = Literal["flow", "ngs", "pcr", "flow-or-pcr"]
Qualifier = Literal["<", ">", "<=", ">=", "~", "not-reached"]
#: "not-stated" is for facts the sources do not give: the record never guesses.
CellSource = Literal["autologous", "donor-derived", "allogeneic", "not-stated"]
StudyType = Literal[
    "prospective-trial",
    "retrospective",
    "registry",
    "pooled-analysis",
    "matched-comparison",
    "meta-analysis",
    "not-stated",
]
Status = Literal["reported", "recruiting", "not-yet-recruiting", "active", "completed", "unknown"]
AgeGroup = Literal["infants", "children", "children-and-young-adults", "adults", "all-ages", "not-stated"]
EndpointKind = Literal["rate", "duration", "count", "age", "hazard-ratio"]
EndpointGroup = Literal["population", "response", "survival", "toxicity", "transplant", "follow-up"]
DurationUnit = Literal["months", "days", "weeks", "years"]


# --------------------------------------------------------------------------- trial records


@dataclass(slots=True)
class Source:
    """Where a reported value was published and where the review team read it."""

    #: The order keys are written in (``livingreview fmt``); dataclass order is set by defaults.
    key_order: ClassVar[tuple[str, ...]] = ("ref", "review", "locator", "slip")

    ref: str = fld(
        "BibTeX key of the primary publication that reports the value.",
        pattern=CITE_KEY,
        examples=["maude2018tisagenlecleucel"],
    )
    locator: str = fld(
        "Where in the review (or the primary paper, if read there) the value stands: table, section or page.",
        examples=["Table 1", "Section 2.1"],
    )
    review: str | None = fld(
        "BibTeX key of the review the value was read in; omit only if read in the primary paper.",
        default=None,
        pattern=CITE_KEY,
        examples=["saleh2023car"],
    )
    slip: str | None = fld(
        "A citation slip in the review: what it cited, and why this record cites another paper.",
        default=None,
    )
    where: Where = where_field()


@dataclass(slots=True)
class Result:
    """One reported value: an endpoint's number for one analysis population at one time point."""

    key_order: ClassVar[tuple[str, ...]] = (
        "endpoint",
        "value",
        "qualifier",
        "unit",
        "n",
        "N",
        "ci",
        "range",
        "timepoint",
        "timepoint_label",
        "population",
        "subgroup",
        "cutoff",
        "scale",
        "mrd_method",
        "mrd_threshold",
        "comparison",
        "adjusted",
        "reported_as",
        "compare_with",
        "source",
        "note",
    )

    endpoint: str = fld("Endpoint id from content/endpoints.yaml.", pattern=ENDPOINT_ID)
    source: Source = fld("Where the value comes from.")
    value: float | None = fld(
        "The number as reported (a rate in %, a duration in months unless `unit` says otherwise). "
        "A rate reported only as a count ('4 of 6', '3 patients') has n (and N) and no value.",
        default=None,
    )
    qualifier: Qualifier | None = fld(
        "How the value relates to the truth: a bound (`<`, `>=`...), approximate (`~`), "
        "or `not-reached` for a median that was not reached (then leave `value` out).",
        default=None,
    )
    unit: DurationUnit | None = fld(
        "Only for durations reported in another unit than months (for example 335 days).",
        default=None,
    )
    n: int | None = fld("Patients with the outcome.", default=None, minimum=0)
    n_total: int | None = fld("Patients in the analysis population.", default=None, minimum=0, key="N")
    ci: list[float] | None = fld("95% confidence interval as reported: [lower, upper].", default=None)
    range: list[float] | None = fld(
        "A range reported instead of a single value, for example across dose levels: [low, high].",
        default=None,
    )
    timepoint: float | None = fld(
        "Time point in months after infusion, for rates such as 12-month EFS.",
        default=None,
        exclusive_minimum=0,
    )
    timepoint_label: str | None = fld(
        "A time point that is not a whole number of months, as reported (for example `day 28`).",
        default=None,
    )
    population: AnalysisPopulation | None = fld("Analysis population the value refers to.", default=None)
    subgroup: str | None = fld(
        "Subgroup the value refers to, if not the whole population (for example `low disease burden`).",
        default=None,
    )
    cutoff: str | None = fld(
        "Data cut-off or report the value belongs to (for example `3-year update`, `2021-07`).",
        default=None,
    )
    scale: GradingScale | None = fld("Toxicity grading scale, when the source states it.", default=None)
    mrd_method: MrdMethod | None = fld("Method used to measure MRD.", default=None)
    mrd_threshold: float | None = fld(
        "MRD negativity threshold as a fraction (1e-4 for 0.01%).", default=None, exclusive_minimum=0
    )
    comparison: str | None = fld(
        "For hazard ratios: the groups compared, the group whose risk is given first.",
        default=None,
        examples=["high vs low disease burden", "consolidative allo-SCT vs no consolidation"],
    )
    adjusted: bool | None = fld(
        "For hazard ratios: true for a multivariable (adjusted) estimate, false for an unadjusted one; "
        "leave it out when the source does not say.",
        default=None,
    )
    reported_as: str | None = fld(
        "For patient counts: what the source calls these patients: `treated` (treated, infused, "
        "received cells), `enrolled` (enrolled, included), or `unspecified` when it gives only a number "
        "of patients. Counts of one record under different count endpoints are compared when the words "
        "match or one is `unspecified`.",
        default=None,
        pattern=SLUG,
        examples=["treated", "unspecified"],
    )
    compare_with: Link | None = fld(
        "Another value of the same record that measures the same thing under another definition, "
        "label or cohort name; the page shows the two side by side as reports that differ.",
        default=None,
    )
    note: str | None = fld("Anything a reader needs to read the value correctly.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Link:
    """A pointer from one reported value to another value of the same record."""

    key_order: ClassVar[tuple[str, ...]] = ("endpoint", "subgroup", "why")

    endpoint: str = fld("Endpoint id of the other value.", pattern=ENDPOINT_ID, examples=["mrd_neg_cr"])
    why: str = fld(
        "Why the two values are one measure, in a sentence readers see.",
        examples=["Testa 2024 calls the 96% CR/CRi; Saleh 2023 calls it an MRD-negative response."],
    )
    subgroup: str | None = fld(
        "Subgroup of the other value; leave it out when the other value is for the whole population.",
        default=None,
    )
    where: Where = where_field()


@dataclass(slots=True)
class Product:
    """The cell product studied: its names are how readers search for it."""

    name: str = fld("Generic or descriptive name.", examples=["tisagenlecleucel", "19-28z CAR T cells"])
    brand: str | None = fld("Brand name of an approved product.", default=None, examples=["Kymriah"])
    codes: list[str] = fld("Code names.", factory=list, examples=[["CTL019"]])
    aliases: list[str] = fld("Other names and abbreviations.", factory=list, examples=[["tisa-cel"]])
    approved: bool = fld("Approved by a regulator for B-ALL.", default=False)
    where: Where = where_field()


@dataclass(slots=True)
class Construct:
    """What the CAR is made of and where the cells come from."""

    targets: list[str] = fld("Target antigens.", examples=[["CD19"], ["CD19", "CD22"]])
    cell_source: CellSource = fld("Whose T cells are engineered.")
    costimulation: str | None = fld("Costimulatory domain(s).", default=None, examples=["4-1BB", "CD28"])
    binder: str | None = fld("Antigen-binding domain.", default=None, examples=["FMC63 murine scFv"])
    vector: str | None = fld("Gene transfer vector.", default=None, examples=["lentiviral", "gammaretroviral"])
    format: str | None = fld(
        "For dual targeting: how the targets are combined.",
        default=None,
        examples=["tandem", "bicistronic", "co-transduced", "co-administered", "sequential"],
    )
    notes: str | None = fld("Other construct details.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Design:
    """How the study was run."""

    type: StudyType = fld("Kind of study.")
    phase: str | None = fld("Trial phase.", default=None, examples=["1", "1/2", "2"])
    centres: str | None = fld("Centres and countries.", default=None)
    setting: str | None = fld("Clinical setting.", default=None, examples=["relapsed/refractory"])
    notes: str | None = fld("Other design details (dose levels, lymphodepletion...).", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Population:
    """Who was studied."""

    age_group: AgeGroup = fld("Broad age group.")
    age_range: str | None = fld("Age range as reported, in years.", default=None, examples=["3-23"])
    description: str | None = fld("Who was eligible or included.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Change:
    """One dated entry in a record's history."""

    date: dt.date = fld("When the change was made (YYYY-MM-DD).")
    summary: str = fld("What changed and why.")
    where: Where = where_field()


@dataclass(slots=True)
class Trial:
    """A study record: one study cohort, every value reported for it, and where each came from."""

    key_order: ClassVar[tuple[str, ...]] = (
        "schema_version",
        "id",
        "name",
        "short_name",
        "title",
        "status",
        "registry",
        "aliases",
        "product",
        "construct",
        "design",
        "population",
        "references",
        "summary",
        "tags",
        "related",
        "supersedes",
        "verified",
        "history",
        "results",
    )

    id: str = fld("Unique id; also the page address.", pattern=SLUG, examples=["eliana"])
    name: str = fld("Short name readers know the study by.", examples=["ELIANA"])
    title: str = fld("One-line description of the study.")
    status: Status = fld("Whether results are reported, or the trial is still running.")
    design: Design = fld("How the study was run.")
    population: Population = fld("Who was studied.")
    construct: Construct = fld("What the CAR is and where the cells come from.")
    verified: dt.date = fld("When an editor last checked the record against its sources.")
    schema_version: int = fld("Record format version.", default=SCHEMA_VERSION, minimum=1)
    registry: list[str] = fld("Registry ids (ClinicalTrials.gov NCT numbers, ChiCTR, EudraCT).", factory=list)
    aliases: list[str] = fld("Other names of the study (acronyms, protocol numbers).", factory=list)
    product: Product | None = fld("The cell product, with every name it goes by.", default=None)
    references: list[str] = fld("BibTeX keys of the study's primary publications, main report first.", factory=list)
    summary: str | None = fld("A few sentences in Markdown; may cite with [@key].", default=None)
    tags: list[str] = fld(
        "Topic tags used by tables and browsing, for example `pivotal`, `real-world`, `consolidation`.",
        factory=list,
    )
    related: list[str] = fld("Ids of related records (updates, pooled analyses).", factory=list, pattern=SLUG)
    supersedes: list[str] = fld(
        "Ids of records whose patients this record reports again (a later analysis of the same cohort, "
        "or a pooled analysis that includes them). In plots and pooled estimates a cohort counts once: "
        "for each endpoint this record reports, the records it supersedes are left out.",
        factory=list,
        pattern=SLUG,
    )
    short_name: str | None = fld(
        "Label for the study's row in forest plots, in whole words, at most 24 characters "
        "(default: the whole `name`; needed when the name and a subgroup make more than 48).",
        default=None,
        examples=["Kochenderfer 2013"],
    )
    history: list[Change] = fld("Dated changes, newest first.", factory=list)
    results: list[Result] = fld("Every reported value.", factory=list)
    where: Where = where_field()


# --------------------------------------------------------------------------- vocabulary


@dataclass(slots=True)
class Endpoint:
    """A term of the controlled endpoint vocabulary."""

    label: str = fld("Short column label.", examples=["CR/CRi"])
    name: str = fld("Full name.")
    kind: EndpointKind = fld(
        "rate (%), duration (months), count (patients), age (years) or hazard-ratio (a ratio of "
        "hazards between two groups, with its comparison)."
    )
    group: EndpointGroup = fld("Where the endpoint belongs on a study page.")
    definition: str = fld("What the endpoint means.")
    compare_as: str | None = fld(
        "For patient counts: a family name shared by the count endpoints that can count the same "
        "patients under different words (enrolled, infused). Counts of one family are compared across "
        "endpoints when each says what its source called the patients (`reported_as`).",
        default=None,
        pattern=SLUG,
        examples=["patients"],
    )
    id: str = fld("Set from the mapping key.", default="")
    where: Where = where_field()

    @property
    def unit(self) -> str:
        return {
            "rate": "%",
            "duration": "months",
            "count": "patients",
            "age": "years",
            "hazard-ratio": "hazard ratio",
        }[self.kind]


@dataclass(slots=True)
class EndpointVocabulary:
    """content/endpoints.yaml."""

    key_order: ClassVar[tuple[str, ...]] = ("schema_version", "endpoints")

    endpoints: dict[str, Endpoint] = fld("Endpoint ids mapped to their definitions.", key_pattern=ENDPOINT_ID)
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()


def dataclass_fields(cls: type) -> list[dataclasses.Field[Any]]:
    """The fields of a model class that belong to the schema."""
    return [f for f in dataclasses.fields(cls) if not f.metadata.get("internal")]


@functools.cache
def hints(cls: type) -> dict[str, Any]:
    """A model class's resolved type hints, worked out once per class."""
    return typing.get_type_hints(cls)


# --------------------------------------------------------------------------- references


@dataclass(slots=True)
class Reference:
    """A BibTeX entry: its fields as written (LaTeX), decoded for display on first use."""

    key: str
    entry_type: str
    fields: dict[str, str]
    where: Where
    #: The entry as written, for the downloadable bibliography.
    raw: str = ""
    #: True when the entry could not be read in full (already reported); checks of
    #: its fields are skipped so that one syntax error does not cascade.
    broken: bool = False
    #: Text derived from the fields (decoded text, author names, labels, the formatted
    #: entry), computed on first use: checking needs none of it, and a page cites the
    #: same entry many times. Never cached, so the parse cache cannot hold stale text.
    derived: dict[str, Any] = field(default_factory=dict, repr=False, compare=False, metadata={"transient": True})

    def __getstate__(self) -> list[Any]:
        return [{} if f.name == "derived" else getattr(self, f.name) for f in dataclasses.fields(self)]

    def __setstate__(self, state: list[Any]) -> None:
        for f, value in zip(dataclasses.fields(self), state, strict=True):
            object.__setattr__(self, f.name, value)

    def get(self, name: str) -> str:
        """A field as readers see it: LaTeX decoded to Unicode text (identifiers as written)."""
        try:
            return self.derived["text:" + name]  # type: ignore[no-any-return]
        except KeyError:
            raw = self.fields.get(name, "")
            text = self.derived["text:" + name] = raw.strip() if name in VERBATIM else decode(raw)
            return text

    def latex(self, name: str) -> str:
        """A field as written in the .bib file, macros resolved and outer delimiters removed."""
        return self.fields.get(name, "")

    def memo(self, name: str, make: Callable[[Reference], T]) -> T:
        """``make(self)``, computed once per entry."""
        try:
            return self.derived[name]  # type: ignore[no-any-return]
        except KeyError:
            value = self.derived[name] = make(self)
            return value

    @property
    def authors(self) -> list[str]:
        """Authors in Vancouver form ("Maude SL")."""
        return _names(self)[0]

    @property
    def et_al(self) -> bool:
        """True when the author list ends with "and others"."""
        return _names(self)[1]

    @property
    def year(self) -> str:
        return self.get("year")

    @property
    def doi(self) -> str:
        return self.get("doi")

    @property
    def pmid(self) -> str:
        return self.get("pmid")


def _names(ref: Reference) -> tuple[list[str], bool]:
    return ref.memo("names", lambda r: split_authors(r.latex("author")))


# --------------------------------------------------------------------------- comparison tables


@dataclass(slots=True)
class Condition:
    """One test on a record field; a record joins a table when it passes every condition."""

    field: str = fld(
        "Dotted path of a record field, for example `construct.targets` or `tags`.",
        examples=["construct.targets", "tags", "design.type"],
    )
    is_: str | list[str] | None = fld("The field equals this value (or this list).", default=None, key="is")
    in_: list[str] | None = fld("The field equals one of these values.", default=None, key="in")
    has: str | None = fld("The list field contains this value.", default=None)
    has_any: list[str] | None = fld("The list field contains at least one of these values.", default=None)
    lacks: str | None = fld("The list field does not contain this value.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Column:
    """A table column: a reported endpoint, or a field of the record."""

    endpoint: str | None = fld("Endpoint id shown in the column.", default=None, pattern=ENDPOINT_ID)
    also: list[str] = fld(
        "Endpoints to show when a record does not report `endpoint` (the column then says it mixes definitions).",
        factory=list,
        pattern=ENDPOINT_ID,
    )
    timepoint: float | None = fld("Only values at this time point (months).", default=None, exclusive_minimum=0)
    subgroup: str | None = fld("Only values for this subgroup (default: the whole population).", default=None)
    population: AnalysisPopulation | None = fld(
        "Only values for this analysis population (default: any).", default=None
    )
    field: str | None = fld("A record field instead of an endpoint, for example `product.name`.", default=None)
    label: str | None = fld("Column heading, if not the endpoint's label.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Table:
    """A comparison table: which records, which columns, in which order."""

    key_order: ClassVar[tuple[str, ...]] = (
        "schema_version",
        "id",
        "title",
        "description",
        "filter",
        "group_by",
        "sort_by",
        "columns",
    )

    id: str = fld("Unique id; also the page address.", pattern=SLUG)
    title: str = fld("Heading of the table page.")
    columns: list[Column] = fld("The columns after the study name, in order.")
    filter: list[Condition] = fld("Conditions a record must meet to appear.", factory=list)
    description: str | None = fld("What the table compares and how to read it (Markdown).", default=None)
    group_by: str | None = fld("Record field whose values split the table into groups.", default=None)
    sort_by: str = fld("Record field or endpoint id to order rows by.", default="name")
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()


# --------------------------------------------------------------------------- key results


@dataclass(slots=True)
class KeyFigure:
    """One figure a study page shows first: the first of its endpoints the study reports."""

    key_order: ClassVar[tuple[str, ...]] = ("endpoints", "label", "subgroups", "any_subgroup")

    endpoints: list[str] = fld(
        "Endpoint ids, in order of preference: the first one the study reports is shown.",
        examples=[["cr_cri", "cr"]],
    )
    label: str | None = fld("What the figure is called on the page (default: the endpoint's name).", default=None)
    subgroups: list[str] | None = fld(
        "Only values for these subgroups (default: the whole population, or else any subgroup).",
        default=None,
        examples=[["transplanted", "MRD-negative CR, transplanted"]],
    )
    any_subgroup: bool = fld(
        "Without `subgroups`: show a subgroup's value when the whole population has none.", default=True
    )
    where: Where = where_field()


@dataclass(slots=True)
class StudyKind:
    """A kind of study and the figures its page leads with."""

    key_order: ClassVar[tuple[str, ...]] = ("label", "when", "figures")

    label: str = fld("The kind of study, as a reader would name it.", examples=["Treatment trial"])
    figures: list[KeyFigure] = fld("The figures to show first, in order.")
    when: list[Condition] = fld("Conditions a record must meet to be of this kind (none: every record).", factory=list)
    id: str = fld("Set from the mapping key.", default="")
    where: Where = where_field()


@dataclass(slots=True)
class KeyResults:
    """content/key-results.yaml: which figures each kind of study page shows first.

    The first kind whose conditions a record meets is the record's kind."""

    key_order: ClassVar[tuple[str, ...]] = ("schema_version", "kinds")

    kinds: dict[str, StudyKind] = fld("Kinds of study, tried in order.")
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()


# --------------------------------------------------------------------------- flowcharts

NodeKind = Literal["question", "action", "outcome"]
Verdict = Literal["recommend", "consider", "against", "monitor", "individual"]


@dataclass(slots=True)
class FlowNode:
    """A step of a decision algorithm."""

    key_order: ClassVar[tuple[str, ...]] = ("kind", "verdict", "text", "options", "cite", "records", "detail")

    kind: NodeKind = fld("question (branches), action (one next step) or outcome (an end).")
    text: str = fld("The question, action or recommendation, in a short sentence.")
    cite: list[str] = fld("BibTeX keys of the publications behind this step.", factory=list)
    records: list[str] = fld("Ids of the study records whose data support this step.", factory=list, pattern=SLUG)
    options: list[str] = fld("Branch labels a question must have (default: Yes and No).", factory=lambda: ["Yes", "No"])
    detail: str | None = fld("More about this step, in Markdown; may cite with [@key].", default=None)
    verdict: Verdict | None = fld("For outcomes: how strongly the sources recommend it.", default=None)
    id: str = fld("Set from the mapping key.", default="")
    where: Where = where_field()


@dataclass(slots=True)
class FlowEdge:
    """A labelled arrow from one step to the next."""

    from_: str = fld("Id of the step the arrow leaves.", key="from", pattern=SLUG)
    to: str = fld("Id of the step the arrow reaches.", pattern=SLUG)
    label: str | None = fld("Branch label, for arrows leaving a question.", default=None)
    where: Where = where_field()


@dataclass(slots=True)
class Flowchart:
    """A published decision algorithm, step by step, each step tied to its evidence."""

    key_order: ClassVar[tuple[str, ...]] = (
        "schema_version",
        "id",
        "title",
        "applies_to",
        "summary",
        "start",
        "nodes",
        "edges",
    )

    id: str = fld("Unique id; also the page address.", pattern=SLUG)
    title: str = fld("Heading of the flowchart page.")
    applies_to: str = fld("Who the algorithm is for.")
    start: str = fld("Id of the first step.", pattern=SLUG)
    nodes: dict[str, FlowNode] = fld("The steps, by id.", key_pattern=SLUG)
    edges: list[FlowEdge] = fld("The arrows between steps.")
    summary: str | None = fld("What the algorithm does and where it comes from (Markdown).", default=None)
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()


# --------------------------------------------------------------------------- glossary


@dataclass(slots=True)
class GlossaryEntry:
    """An abbreviation readers meet on the site."""

    term: str = fld("What the abbreviation stands for.", examples=["cytokine release syndrome"])
    definition: str = fld("What it means, in a sentence or two of plain language (Markdown).")
    id: str = fld("Set from the mapping key.", default="")
    where: Where = where_field()


@dataclass(slots=True)
class Glossary:
    """content/glossary.yaml: abbreviations, shown as tooltips wherever they appear."""

    key_order: ClassVar[tuple[str, ...]] = ("schema_version", "entries")

    entries: dict[str, GlossaryEntry] = fld("Abbreviations mapped to their meaning.", key_pattern=KEY)
    schema_version: int = fld("File format version.", default=SCHEMA_VERSION, minimum=1)
    where: Where = where_field()
