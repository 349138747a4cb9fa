"""A synthetic review of any size, for the benchmark and the scale tests.

:func:`write_corpus` writes a complete review tree (records, endpoint vocabulary,
tables, flowcharts, narrative pages, BibTeX, ``pyproject.toml``, ``mkdocs.yml`` and
the repository's templates) that ``livingreview check`` accepts with no error and no
warning and that ``mkdocs build --strict`` builds. The records use the real record
format with realistic variety: sourced values across the endpoint vocabulary, as many
per study as the seed review has (see :data:`VALUES_MEDIAN`), counts with n/N, time
points, confidence intervals, reviews that disagree, registry ids, products and
constructs. The same seed always gives the same bytes.

:func:`plain_markdown` renders a review once with the project's own pipeline and
writes the pages with a ``mkdocs.yml`` that has no livingreview plugin: the
benchmark's baseline. :func:`citation_tree` writes the same studies as Markdown that
still carries raw ``[@key]`` citations, for comparing citation processors.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import random
import re
import shutil
import textwrap
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

#: The repository this module belongs to (the package is installed editable).
REPO = Path(__file__).resolve().parents[2]

BASE_DATE = dt.date(2026, 11, 21)

#: Values per study follow a log-normal fitted to the seed review's 95 records (November
#: 2026: 25th percentile 5, median 8, 90th percentile 20, largest 56), capped at 60.
VALUES_MEDIAN, VALUES_SIGMA, VALUES_MAX = 9.0, 0.62, 60
SCHEMA_LINE = "# yaml-language-server: $schema=https://cart-ball.github.io/living-review/schema/{}.schema.json\n"

#: The index pages every synthetic site's navigation holds (narrative pages stay out of it).
NAV = [
    {"Home": "index.md"},
    {"Studies": "studies/index.md"},
    {"Compare": [{"Tables": "tables/index.md"}, {"Rates across studies": "plots.md"}]},
    {"Flowcharts": "flowcharts/index.md"},
    {"Endpoints": "endpoints.md"},
    {"Bibliography": "bibliography.md"},
    {"Data downloads": "data.md"},
    {"For editors": "editors.md"},
]

# --------------------------------------------------------------------------- vocabularies

SURNAMES = [
    "Maude", "Shah", "Park", "Lee", "Gardner", "Turtle", "Frey", "Roddie", "Ghorashian", "Pasquini",
    "Schultz", "Wang", "Zhang", "Li", "Chen", "Liu", "Yang", "Huang", "Zhao", "Wu", "Zhou", "Xu", "Sun",
    "Ma", "Hu", "Guo", "He", "Lin", "Luo", "Gao", "Smith", "Jones", "Brown", "Taylor", "Wilson", "Davies",
    "Evans", "Thomas", "Johnson", "Roberts", "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes",
    "Edwards", "Green", "Hall", "Wood", "Harris", "Martin", "Jackson", "Clarke", "Bernard", "Dubois",
    "Moreau", "Laurent", "Simon", "Michel", "Lefebvre", "Leroy", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco", "Bruno", "Gallo", "Conti", "Costa",
    "Tanaka", "Suzuki", "Takahashi", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato",
    "Kim", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han", "Oh", "Seo", "Shin", "Kwon",
    "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Koch", "Richter", "Klein",
    "Wolf", "Neumann", "Schwarz", "Zimmermann", "Braun", "Hofmann", "Hartmann", "Lange", "Krause",
    "Jacoby", "Pulsipher", "Grupp", "Laetsch", "Bader", "Locatelli", "Buechner", "Boissel", "Aldoss",
    "Curran", "Brentjens", "Sadelain", "Mackall", "Fry", "Kochenderfer", "Brudno", "Myers", "Hay",
]  # fmt: skip
#: Surnames written with LaTeX accents, as BibTeX files carry them: (BibTeX, key stem).
ACCENTED = [
    (r"M{\"u}ller", "muller"),
    (r"Garc{\'\i}a", "garcia"),
    (r"Nu{\~n}ez", "nunez"),
    (r"{\O}stergaard", "ostergaard"),
    (r"Dvo{\v{r}}{\'a}k", "dvorak"),
    (r"Sch{\"o}nberger", "schonberger"),
    (r"L{\'o}pez", "lopez"),
    (r"Fran{\c{c}}ois", "francois"),
    (r"G{\"o}kbuget", "gokbuget"),
    (r"Jes{\'u}s", "jesus"),
    (r"Sz{\'e}kely", "szekely"),
    (r"{\AA}berg", "aberg"),
]
INITIALS = ["A.", "B.", "C.", "D.", "E.", "F.", "G.", "H.", "J.", "K.", "L.", "M.", "N.", "P.", "R.", "S.", "T."]
TITLE_WORDS = [
    ("durable", "Durable Remissions After {CD19}-Directed {CAR} {T} Cells in {B}-Cell Acute Lymphoblastic Leukemia"),
    ("long", "Long-Term Follow-Up of {CAR} {T}-Cell Therapy for Relapsed or Refractory {B-ALL}"),
    ("outcomes", "Outcomes of Children and Young Adults Treated With {CD19} {CAR} {T} Cells"),
    ("safety", "Safety and Efficacy of a Novel {CAR} {T}-Cell Product in Adults With {B-ALL}"),
    ("phase", "A Phase 1/2 Trial of {CD22}-Targeted {CAR} {T} Cells After {CD19} Failure"),
    ("realworld", "Real-World Outcomes of Commercial Tisagenlecleucel: A Registry Analysis"),
    ("consolidative", "Consolidative Allogeneic Transplant After {CAR} {T}-Cell Induced Remission"),
    ("dual", "Dual Targeting of {CD19} and {CD22} to Prevent Antigen Escape in {B-ALL}"),
    ("donor", "Donor-Derived {CD19} {CAR} {T} Cells for Relapse After Allogeneic Transplant"),
    ("toxicity", "Cytokine Release Syndrome and Neurotoxicity After {CAR} {T} Cells: A Pooled Analysis"),
    ("minimal", "Measurable Residual Disease as a Predictor of Relapse After {CAR} {T} Cells"),
    ("humanized", "A Humanized {CD19} {CAR} Induces Remission After Prior {CAR} {T}-Cell Failure"),
    ("kinetics", "Expansion and Persistence Kinetics of $\\alpha$-{CD19} {CAR} {T} Cells in Children"),
    ("infants", "{CAR} {T}-Cell Therapy in Infants With {KMT2A}-Rearranged Leukemia"),
    ("efficacy", "Efficacy of Low-Affinity {CD19} {CAR} {T} Cells in Adults: The {CAT} Binder"),
]
JOURNALS = [
    "N Engl J Med", "Lancet", "Blood", "J Clin Oncol", "Lancet Haematol", "Leukemia", "Blood Adv",
    "Haematologica", "Transplant Cell Ther", "Nat Med", "Cancer Discov", "J Hematol Oncol",
    "Bone Marrow Transplant", "Am J Hematol", "Clin Cancer Res", "Br J Haematol",
]  # fmt: skip
REVIEWS = [
    (
        "alvarez2023car",
        "{\\'A}lvarez",
        "CAR T-cell therapy in B-cell acute lymphoblastic leukemia: a review",
        "Cancers (Basel)",
    ),
    ("berg2024living", "Berg", "What the trials of CAR T cells in B-ALL have shown: a systematic review", "Blood Rev"),
    ("chen2024chimeric", "Chen", "Chimeric antigen receptor T cells for B-ALL: efficacy and toxicity", "J Hematol"),
    ("duarte2025cellular", "Duarte", "Cellular therapies for relapsed B-ALL: an overview", "Front Immunol"),
    (
        "eriksson2025consolidation",
        "Eriksson",
        "Transplant after CAR T cells: a review of the evidence",
        "Transplant Cell Ther",
    ),
]
LOCATORS = [
    "Table 1", "Table 2", "Table 3", "Section 2.1", "Section 3", "Section 3.2", "Figure 2", "Table 1; Section 2.1",
    "Section on approved products", "Section on consolidation", "Supplementary Table S2", "Page 4",
]  # fmt: skip
PREFIXES = ["CART", "ALL", "CARPALL", "ZUMA", "PLAT", "CAR", "TRIAL", "UCART", "CD22", "DUAL", "ELI", "BRIDGE"]
SYLLABLES = ["ta", "ri", "no", "ve", "la", "mi", "so", "ka", "de", "lu", "pe", "zo", "ra", "ne", "vi", "to"]
COSTIM = ["4-1BB", "CD28", "4-1BB", "CD28", "4-1BB and CD28", None]
BINDERS = ["FMC63 (murine scFv)", "humanized scFv", "CAT (murine scFv with a fast off-rate)", "m971 (human scFv)", None]
VECTORS = ["lentiviral", "gammaretroviral", "lentiviral", "transposon", None]
FORMATS = ["tandem", "bicistronic", "co-transduced", "co-administered", "sequential"]
TAGS = ["academic", "real-world", "consolidation", "approved-product", "pediatric", "adult", "cns", "mrd"]
CENTRES = [
    "single centre, China", "3 centres, China", "single centre, United States", "12 sites, United States",
    "25 sites in 11 countries", "single centre, United Kingdom", "4 centres, Germany", "multicentre, Europe",
    "single centre, Israel", "6 centres, Spain",
]  # fmt: skip
COUNTRIES = ["China", "the United States", "Europe", "the United Kingdom", "Japan", "Korea", "Germany", "Italy"]

#: Endpoints drawn more often, as the reviews report them more often.
COMMON = {
    "n_enrolled", "n_infused", "median_age", "orr", "cr", "cr_cri", "mrd_neg_cr", "efs", "os", "crs_any",
    "crs_grade3plus", "icans_any", "icans_grade3plus", "median_followup", "median_os", "median_efs",
    "hsct_after_response", "relapse", "cd19_neg_relapse", "rfs", "lfs",
}  # fmt: skip
#: Rates that are reported at a time point.
TIMED = {"efs", "os", "rfs", "lfs", "pfs", "dor", "cir", "relapse", "bca", "ongoing_remission", "car_undetectable"}
#: Value bands that keep subsets below their supersets in every report (checks LR403 and LR404).
BANDS: dict[str, tuple[float, float]] = {
    "mrd_neg_cr": (20, 55),
    "cr": (58, 95),
    "cr_cri": (58, 97),
    "crs_grade3plus": (0, 30),
    "crs_any": (35, 95),
    "icans_grade3plus": (0, 30),
    "icans_any": (35, 90),
    "agvhd_grade3plus": (0, 20),
    "agvhd_any": (25, 60),
}
#: The fields that carry a result's number.
VALUE_KEYS = {"value", "qualifier", "unit", "n", "N", "ci", "range"}
POPULATIONS = ["infused", "evaluable", "enrolled", "responders"]
SCALES = ["lee2014", "penn", "ctcae", "astct2019"]


# --------------------------------------------------------------------------- YAML writing

_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9 ./()%+';-]*[A-Za-z0-9.)%']$|^[A-Za-z]$")
_RESERVED = {"yes", "no", "true", "false", "null", "on", "off", "y", "n", "none"}


def scalar(value: Any) -> str:
    """A YAML scalar that is safe anywhere, block or flow context."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _RESERVED and ": " not in text and " #" not in text:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_list(items: list[Any]) -> str:
    return "[" + ", ".join(scalar(i) for i in items) + "]"


def folded(key: str, text: str, indent: int) -> str:
    """A long text as a folded block scalar, wrapped like the real records."""
    pad = " " * indent
    lines = textwrap.wrap(text, width=96, break_long_words=False, break_on_hyphens=False)
    return f"{pad}{key}: >-\n" + "".join(f"{pad}  {line}\n" for line in lines)


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


# --------------------------------------------------------------------------- the corpus model


@dataclass
class Ref:
    key: str
    entry: str


@dataclass
class Study:
    id: str
    name: str
    targets: list[str]
    cell_source: str
    design_type: str
    status: str
    tags: list[str]
    refs: list[str]
    costim: str | None
    lines: list[str] = field(default_factory=list)
    results: int = 0


@dataclass
class Corpus:
    studies: list[Study]
    references: list[Ref]
    reviews: list[str]


def _endpoints(repo: Path) -> dict[str, dict[str, str]]:
    yaml = YAML(typ="safe", pure=True)
    data = yaml.load((repo / "content/endpoints.yaml").read_text(encoding="utf-8"))
    return {
        k: {"kind": str(v["kind"]), "group": str(v["group"]), "label": str(v["label"])}
        for k, v in data["endpoints"].items()
        if v["kind"] != "hazard-ratio"  # a hazard ratio needs a comparison the generator cannot invent
    }


class Generator:
    def __init__(self, studies: int, references: int, seed: int, repo: Path) -> None:
        if studies < 1:
            raise ValueError("at least one study")
        if references < len(REVIEWS) + 1:
            raise ValueError(f"at least {len(REVIEWS) + 1} references (five are the source reviews)")
        self.rng = random.Random(seed)
        self.n_studies = studies
        self.n_refs = references
        self.endpoints = _endpoints(repo)
        self.weighted = [e for e in self.endpoints for _ in range(5 if e in COMMON else 1)]
        self.used_keys: set[str] = set()
        self.review_keys = [r[0] for r in REVIEWS]

    # ------------------------------------------------------------------ references

    def _key(self, stem: str, year: int, word: str) -> str:
        base = f"{stem}{year}{word}"
        key, n = base, 1
        while key in self.used_keys:
            n += 1
            key = f"{base}{chr(ord('a') + (n - 2) % 26)}{(n - 2) // 26 or ''}"
        self.used_keys.add(key)
        return key

    def reference(self, i: int) -> Ref:
        rng = self.rng
        if rng.random() < 0.12:
            first, stem = rng.choice(ACCENTED)
        else:
            first = rng.choice(SURNAMES)
            stem = first.lower()
        year = rng.randint(2012, 2026)
        word, title = rng.choice(TITLE_WORDS)
        key = self._key(stem, year, word)
        authors = [f"{first}, {rng.choice(INITIALS)}"]
        for _ in range(rng.randint(1, 9)):
            if rng.random() < 0.08:
                name, _stem = rng.choice(ACCENTED)
            else:
                name = rng.choice(SURNAMES)
            authors.append(f"{name}, {rng.choice(INITIALS)}{' ' + rng.choice(INITIALS) if rng.random() < 0.3 else ''}")
        if rng.random() < 0.4:
            authors.append("others")
        fields: list[tuple[str, str]] = [("author", " and ".join(authors)), ("title", title)]
        kind = "article"
        if rng.random() < 0.1:
            kind = "inproceedings"
            fields.append(("booktitle", "Blood (ASH Annual Meeting Abstracts)"))
        else:
            fields.append(("journal", rng.choice(JOURNALS)))
        fields.append(("year", str(year)))
        fields.append(("volume", str(rng.randint(1, 150))))
        start = rng.randint(1, 4000)
        fields.append(("pages", f"{start}--{start + rng.randint(3, 14)}"))
        if rng.random() < 0.75:
            fields.append(("doi", f"10.{rng.randint(1000, 99999)}/synth.{year}.{i:06d}"))
        if rng.random() < 0.5:
            fields.append(("pmid", str(20_000_000 + i)))
        width = max(len(k) for k, _ in fields)
        body = "".join(f"  {k.ljust(width)} = {{{v}}},\n" for k, v in fields)
        return Ref(key, f"@{kind}{{{key},\n{body}}}\n")

    def review_refs(self) -> list[Ref]:
        out = []
        for i, (key, author, title, journal) in enumerate(REVIEWS):
            self.used_keys.add(key)
            year = re.sub(r"\D", "", key)[:4]
            entry = (
                f"@article{{{key},\n"
                f"  author  = {{{author}, M. and Novak, P. and others}},\n"
                f"  title   = {{{title}}},\n"
                f"  journal = {{{journal}}},\n"
                f"  year    = {{{year}}},\n"
                f"  volume  = {{{10 + i}}},\n"
                f"  doi     = {{10.5555/review.{year}.{i}}},\n"
                f"}}\n"
            )
            out.append(Ref(key, entry))
        return out

    # ------------------------------------------------------------------ studies

    def study_name(self, i: int) -> str:
        rng = self.rng
        if rng.random() < 0.5:
            return f"{rng.choice(PREFIXES)}-{i + 1}"
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 3)))
        return f"{word.upper()}-{i + 1}"

    def skeleton(self, i: int, refs: list[str]) -> Study:
        rng = self.rng
        # The first studies cover every table's filter, so that no table is empty at any size.
        forced: dict[int, tuple[list[str], str, str]] = {
            0: (["CD19"], "autologous", "prospective-trial"),
            1: (["CD19", "CD22"], "autologous", "prospective-trial"),
            2: (["CD19"], "donor-derived", "retrospective"),
            3: (["CD22"], "autologous", "registry"),
            4: (["CD19"], "allogeneic", "prospective-trial"),
        }
        if i in forced:
            targets, source, dtype = forced[i]
        else:
            targets = rng.choices(
                [["CD19"], ["CD22"], ["CD19", "CD22"], ["CD19", "CD20"], ["CD7"]], [60, 12, 18, 5, 5]
            )[0]
            source = rng.choices(["autologous", "donor-derived", "allogeneic", "not-stated"], [70, 14, 10, 6])[0]
            dtype = rng.choices(
                ["prospective-trial", "retrospective", "registry", "pooled-analysis", "matched-comparison"],
                [60, 20, 8, 7, 5],
            )[0]
        tags = sorted(set(rng.sample(TAGS, rng.randint(1, 3))))
        if len(targets) > 1:
            tags = sorted({*tags, "dual-target"})
        if i == 0 or (i < self.n_studies and rng.random() < 0.03):
            tags = sorted({*tags, "pivotal"})
        status = "reported" if dtype != "prospective-trial" or rng.random() < 0.85 or i < 5 else "completed"
        return Study(
            id=f"study-{i + 1:05d}",
            name=self.study_name(i),
            targets=targets,
            cell_source=source,
            design_type=dtype,
            status=status,
            tags=tags,
            refs=refs,
            costim=rng.choice(COSTIM),
        )

    def cite(self, keys: list[str]) -> str:
        chosen = self.rng.sample(keys, min(len(keys), self.rng.choice([1, 1, 1, 2])))
        return "[" + "; ".join(f"@{k}" for k in chosen) + "]"

    def record(self, s: Study, ids: list[str], index: int) -> str:
        rng = self.rng
        out = io.StringIO()
        w = out.write
        w(SCHEMA_LINE.format("trial"))
        w("schema_version: 1\n")
        w(f"id: {s.id}\n")
        w(f"name: {scalar(s.name)}\n")
        what = " and ".join(s.targets)
        who = rng.choice(["children and young adults", "adults", "patients of all ages", "children"])
        w(f"title: {scalar(f'{what} CAR T cells in {who} with relapsed or refractory B-ALL ({s.name})')}\n")
        w(f"status: {s.status}\n")
        registry = [f"NCT{rng.randint(0, 99_999_999):08d}" for _ in range(rng.choice([0, 1, 1, 1, 2]))]
        w(f"registry: {flow_list(registry)}\n")
        if rng.random() < 0.3:
            w(f"aliases: {flow_list([f'{rng.choice(PREFIXES)}{rng.randint(100, 999)}'])}\n")
        if rng.random() < 0.6:
            stem = "".join(rng.choice(SYLLABLES) for _ in range(3))
            w("product:\n")
            w(f"  name: {stem}{rng.choice(['cabtagene autoleucel', 'lecleucel', ' CAR T cells'])}\n")
            if s.id == "study-00001":
                w(f"  brand: {stem.capitalize()}ra\n")
            w(f"  codes: {flow_list([f'{rng.choice(PREFIXES)}{rng.randint(10, 99)}'])}\n")
            w(f"  aliases: {flow_list([f'{stem[:4]}-cel'])}\n")
            w(f"  approved: {'true' if s.id == 'study-00001' else 'false'}\n")
        w("construct:\n")
        w(f"  targets: {flow_list(s.targets)}\n")
        w(f"  cell_source: {s.cell_source}\n")
        if s.costim:
            w(f"  costimulation: {scalar(s.costim)}\n")
        binder = rng.choice(BINDERS)
        if binder:
            w(f"  binder: {scalar(binder)}\n")
        vector = rng.choice(VECTORS)
        if vector:
            w(f"  vector: {vector}\n")
        if len(s.targets) > 1:
            w(f"  format: {rng.choice(FORMATS)}\n")
        w("design:\n")
        w(f"  type: {s.design_type}\n")
        if s.design_type == "prospective-trial":
            w(f"  phase: {scalar(rng.choice(['1', '1/2', '2']))}\n")
        w(f"  centres: {scalar(rng.choice(CENTRES))}\n")
        w("  setting: relapsed/refractory\n")
        if rng.random() < 0.5:
            note = (
                f"Lymphodepletion with fludarabine and cyclophosphamide; {rng.randint(1, 4)} dose levels "
                f"were tested {self.cite(s.refs)}."
            )
            w(folded("notes", note, 2))
        w("population:\n")
        age = rng.choice(["children-and-young-adults", "adults", "all-ages", "children"])
        w(f"  age_group: {age}\n")
        lo = rng.randint(1, 30)
        w(f"  age_range: {scalar(f'{lo}-{lo + rng.randint(5, 50)}')}\n")
        w(f"  description: Patients with B-ALL in second or later relapse, treated in {rng.choice(COUNTRIES)}.\n")
        w(f"references: {flow_list(s.refs)}\n")
        summary = (
            f"A {s.design_type.replace('-', ' ')} of {what}-directed CAR T cells. Most infused patients "
            f"reached remission {self.cite(s.refs)}, and the later report described how many stayed in "
            f"remission {self.cite(s.refs)}. Severe cytokine release syndrome was uncommon "
            f"{self.cite(self.review_keys)}."
        )
        w(folded("summary", summary, 0))
        w(f"tags: {flow_list(s.tags)}\n")
        related = sorted({rng.choice(ids) for _ in range(rng.choice([0, 0, 1, 2]))} - {s.id})
        w(f"related: {flow_list(related)}\n")
        verified = BASE_DATE - dt.timedelta(days=0 if index == 0 else rng.randint(0, 200))
        w(f"verified: {verified.isoformat()}\n")
        w("history:\n")
        w(f"  - date: {verified.isoformat()}\n    summary: Values checked against the source reviews.\n")
        created = verified - dt.timedelta(days=rng.randint(0, 400))
        w(f"  - date: {created.isoformat()}\n    summary: Record created from the source reviews.\n")
        w("results:\n")
        for line in self.results(s):
            w(line)
        return out.getvalue()

    # ------------------------------------------------------------------ results

    def value_for(self, endpoint: str, kind: str) -> dict[str, Any]:
        """The value fields of one result; always valid for the endpoint's kind."""
        rng = self.rng
        if kind == "count":
            return {"value": rng.randint(5, 500)}
        if kind == "age":
            return {"value": rng.choice([float(rng.randint(2, 70)), round(rng.uniform(1.5, 70), 1)])}
        if kind == "duration":
            roll = rng.random()
            if roll < 0.1:
                return {"qualifier": "not-reached"}
            if roll < 0.15:
                return {"value": rng.randint(30, 900), "unit": "days"}
            out: dict[str, Any] = {"value": round(rng.uniform(1.5, 60), 1)}
            if rng.random() < 0.2:
                out["N"] = rng.randint(10, 300)
            return out
        lo, hi = BANDS.get(endpoint, (0.0, 100.0))
        roll = rng.random()
        if roll < 0.3:
            total = rng.randint(8, 300)
            n = max(0, min(total, round(rng.uniform(lo, hi) * total / 100)))
            while 100 * n / total < lo and n < total:
                n += 1
            while 100 * n / total > hi and n > 0:
                n -= 1
            exact = 100 * n / total
            value = float(round(exact)) if rng.random() < 0.6 else round(exact, 1)
            return {"value": value, "n": n, "N": total}
        if roll < 0.35:
            total = rng.randint(3, 40)
            return {"n": rng.randint(0, total), "N": total} if endpoint not in BANDS else {"value": float(round(lo))}
        if roll < 0.38:
            a = round(rng.uniform(lo, hi))
            b = min(hi, a + rng.randint(2, 20))
            return {"range": [float(a), float(b)]}
        value = round(rng.uniform(lo, hi), rng.choice([0, 1]))
        out = {"value": value}
        if rng.random() < 0.15:
            d = rng.uniform(4, 15)
            out["ci"] = [max(0.0, round(value - d, 1)), min(100.0, round(value + d, 1))]
        elif rng.random() < 0.05:
            out["qualifier"] = "~"
        return out

    def results(self, s: Study) -> list[str]:
        rng = self.rng
        count = max(2, min(VALUES_MAX, round(rng.lognormvariate(math.log(VALUES_MEDIAN), VALUES_SIGMA))))
        lines: list[str] = []
        produced = 0
        # The first value of every record is its enrolment count (the benchmark edits it).
        plan: list[str] = ["n_enrolled"] + [rng.choice(self.weighted) for _ in range(count - 1)]
        by_review: dict[str, list[str]] = {}
        truth: dict[tuple[Any, ...], dict[str, Any]] = {}
        for endpoint in plan:
            if produced >= count:
                break
            kind = self.endpoints[endpoint]["kind"]
            group = self.endpoints[endpoint]["group"]
            fields = self.value_for(endpoint, kind)
            if endpoint in TIMED and rng.random() < 0.7:
                fields["timepoint"] = rng.choice([6, 12, 12, 24, 36])
            elif endpoint == "cr_cri" and rng.random() < 0.2:
                fields["timepoint_label"] = "day 28"
            if kind == "rate" and rng.random() < 0.25:
                fields["population"] = rng.choice(POPULATIONS)
            if rng.random() < 0.08 and produced > 0:
                fields["subgroup"] = rng.choice(["low disease burden", "high disease burden", "prior HSCT"])
            # A study has one true value per endpoint and time point: most later reports repeat it.
            key = (endpoint, fields.get("timepoint"), fields.get("timepoint_label"), fields.get("subgroup"))
            if key in truth and rng.random() < 0.85:
                fields = {k: v for k, v in fields.items() if k not in VALUE_KEYS} | truth[key]
            truth.setdefault(key, {k: v for k, v in fields.items() if k in VALUE_KEYS})
            if rng.random() < 0.12 and produced > 0:
                fields["cutoff"] = rng.choice(["3-year update", "2-year update", "2023-06"])
            if group == "toxicity" and rng.random() < 0.4:
                fields["scale"] = rng.choice(SCALES)
            if endpoint == "mrd_neg_cr" and rng.random() < 0.6:
                fields["mrd_method"] = rng.choice(["flow", "ngs", "pcr"])
                if rng.random() < 0.5:
                    fields["mrd_threshold"] = 0.0001
            ref = rng.choice(s.refs)
            review = (
                self.review_keys[produced % len(self.review_keys)] if produced < 5 else rng.choice(self.review_keys)
            )
            note = None
            if rng.random() < 0.1:
                note = f"Reported in the text, not in the table {self.cite(s.refs)}."
            by_review.setdefault(review, []).append(self.result(endpoint, fields, ref, review, note))
            produced += 1
            # Another review reports the same value: the same, rounded, or different (a disagreement).
            if produced < count and rng.random() < 0.15:
                twin = {k: v for k, v in fields.items() if k not in ("n", "N", "ci", "qualifier", "range")}
                if "value" in twin and kind in ("rate", "duration", "age"):
                    lo, hi = BANDS.get(endpoint, (0.0, 100.0)) if kind == "rate" else (1.0, 60.0)
                    if rng.random() < 0.3 and twin.get("unit") is None:
                        twin["value"] = round(min(hi, max(lo, float(twin["value"]) + rng.choice([-7, -3, 2, 5]))), 1)
                elif "value" not in twin and "qualifier" not in fields:
                    twin["value"] = float(round(BANDS.get(endpoint, (10.0, 90.0))[0] + 1))
                elif "qualifier" in fields and fields["qualifier"] == "not-reached":
                    twin["qualifier"] = "not-reached"
                other = rng.choice([r for r in self.review_keys if r != review])
                locator = rng.choice(LOCATORS)
                by_review.setdefault(other, []).append(self.result(endpoint, twin, ref, other, None, locator))
                produced += 1
        s.results = produced
        for review in self.review_keys:
            if review in by_review:
                lines.append(f"  # --- {review}\n")
                lines += by_review[review]
        return lines

    def result(
        self, endpoint: str, fields: dict[str, Any], ref: str, review: str, note: str | None, locator: str | None = None
    ) -> str:
        order = [
            "value", "qualifier", "unit", "n", "N", "ci", "range", "timepoint", "timepoint_label",
            "population", "subgroup", "cutoff", "scale", "mrd_method", "mrd_threshold",
        ]  # fmt: skip
        text = f"  - endpoint: {endpoint}\n"
        for key in order:
            if key not in fields:
                continue
            value = fields[key]
            if key == "value" and endpoint in ("n_enrolled", "n_infused", "n_evaluable", "n_transplanted"):
                value = int(value)
            if isinstance(value, list):
                text += f"    {key}: {flow_list([_num(v) for v in value])}\n"
            elif key == "qualifier":
                text += f"    {key}: {json.dumps(value)}\n"
            else:
                text += f"    {key}: {scalar(_num(value) if isinstance(value, float) else value)}\n"
        loc = locator or self.rng.choice(LOCATORS)
        text += f"    source: {{ref: {ref}, review: {review}, locator: {scalar(loc)}}}\n"
        if note:
            text += f"    note: {scalar(note)}\n"
        return text

    # ------------------------------------------------------------------ the whole corpus

    def corpus(self) -> Corpus:
        reviews = self.review_refs()
        primary = [self.reference(i) for i in range(self.n_refs - len(reviews))]
        keys = [r.key for r in primary]
        # Every primary reference belongs to at least one study; studies share when there are few.
        per_study: list[list[str]] = [[] for _ in range(self.n_studies)]
        for j, key in enumerate(keys):
            per_study[j % self.n_studies].append(key)
        for i, refs in enumerate(per_study):
            if not refs:
                refs.append(keys[i % len(keys)])
            if self.rng.random() < 0.1 and len(keys) > 1:
                extra = self.rng.choice(keys)
                if extra not in refs:
                    refs.append(extra)
        studies = [self.skeleton(i, refs) for i, refs in enumerate(per_study)]
        return Corpus(studies, reviews + primary, self.review_keys)


# --------------------------------------------------------------------------- other files


def _tables(studies: list[Study], reviews: list[str]) -> dict[str, str]:
    def header(tid: str, title: str, description: str) -> str:
        return (
            SCHEMA_LINE.format("table")
            + f"schema_version: 1\nid: {tid}\ntitle: {scalar(title)}\n"
            + folded("description", description, 0)
        )

    return {
        "cd19-autologous": header(
            "cd19-autologous",
            "Autologous CD19 CAR T cells",
            f"Every study of autologous CD19-directed CAR T cells, grouped by costimulatory domain [@{reviews[0]}].",
        )
        + "filter:\n  - {field: construct.targets, is: [CD19]}\n  - {field: construct.cell_source, is: autologous}\n"
        + "group_by: construct.costimulation\nsort_by: name\ncolumns:\n"
        + "  - {field: product.name, label: Product}\n  - {field: population.age_group, label: Ages}\n"
        + "  - {endpoint: n_infused}\n  - {endpoint: cr_cri, also: [cr, orr], label: Remission}\n"
        + "  - {endpoint: mrd_neg_cr}\n  - {endpoint: efs, timepoint: 12}\n  - {endpoint: os, timepoint: 12}\n"
        + "  - {endpoint: crs_grade3plus}\n  - {endpoint: icans_grade3plus}\n",
        "prospective": header(
            "prospective",
            "Prospective trials with results",
            f"Prospective trials that have reported results, by costimulation [@{reviews[1]}; @{reviews[2]}].",
        )
        + "filter:\n  - {field: design.type, is: prospective-trial}\n  - {field: status, is: reported}\n"
        + "group_by: construct.costimulation\nsort_by: name\ncolumns:\n"
        + "  - {field: design.phase, label: Phase}\n  - {endpoint: n_enrolled}\n  - {endpoint: n_infused}\n"
        + "  - {endpoint: orr}\n  - {endpoint: median_efs}\n  - {endpoint: median_os}\n"
        + "  - {endpoint: hsct_after_response}\n",
        "dual-target": header(
            "dual-target",
            "Dual-target products",
            f"Products aimed at two antigens at once, by how the targets are combined [@{reviews[2]}].",
        )
        + "filter:\n  - {field: tags, has: dual-target}\ngroup_by: construct.format\nsort_by: name\ncolumns:\n"
        + "  - {field: construct.targets, label: Targets}\n  - {endpoint: n_infused}\n"
        + "  - {endpoint: cr_cri, also: [cr, orr], label: Remission}\n  - {endpoint: cd19_neg_relapse}\n"
        + "  - {endpoint: efs, timepoint: 12}\n",
        "donor-allogeneic": header(
            "donor-allogeneic",
            "Donor-derived and off-the-shelf cells",
            f"Cells from a transplant donor or a third party [@{reviews[3]}].",
        )
        + "filter:\n  - {field: construct.cell_source, in: [donor-derived, allogeneic]}\n"
        + "group_by: construct.cell_source\nsort_by: name\ncolumns:\n"
        + "  - {endpoint: n_infused}\n  - {endpoint: cr_cri, also: [cr, orr], label: Remission}\n"
        + "  - {endpoint: agvhd_any}\n  - {endpoint: agvhd_grade3plus}\n",
        "toxicity": header(
            "toxicity",
            "Cytokine release syndrome and neurotoxicity",
            f"Toxicity in every study that reports it [@{reviews[4]}].",
        )
        + "filter:\n  - {field: construct.targets, has_any: [CD19, CD22, CD7]}\nsort_by: name\ncolumns:\n"
        + "  - {field: construct.costimulation, label: Costimulation}\n  - {endpoint: crs_any}\n"
        + "  - {endpoint: crs_grade3plus}\n  - {endpoint: icans_any}\n  - {endpoint: icans_grade3plus}\n",
    }


def _flowcharts(rng: random.Random, studies: list[Study], reviews: list[str]) -> dict[str, str]:
    def records() -> str:
        return flow_list(sorted({rng.choice(studies).id for _ in range(3)}))

    def refs() -> str:
        return flow_list([rng.choice(reviews), rng.choice(rng.choice(studies).refs)])

    out = {}
    for fid, title, subject in (
        ("consolidation", "Transplant after remission with CAR T cells", "a consolidative transplant"),
        ("mrd-monitoring", "MRD monitoring after CAR T cells", "MRD testing"),
    ):
        text = f"schema_version: 1\nid: {fid}\ntitle: {scalar(title)}\n"
        text += "applies_to: Children and adults with B-ALL in remission after CD19 CAR T cells.\n"
        text += folded("summary", f"An algorithm for {subject}, rebuilt from the reviews' text [@{reviews[0]}].", 0)
        text += "start: q1\nnodes:\n"
        text += (
            f"  q1:\n    kind: question\n    text: Is MRD detectable after the infusion?\n"
            f"    cite: {refs()}\n    records: {records()}\n"
            + folded("detail", f"Any detectable MRD counts [@{reviews[1]}; @{reviews[2]}].", 4)
        )
        text += (
            f"  q2:\n    kind: question\n    text: Could the patient undergo an allogeneic transplant?\n"
            f"    cite: {refs()}\n    records: []\n"
        )
        text += (
            f"  a1:\n    kind: action\n    text: Find a donor and plan the transplant.\n"
            f"    cite: {refs()}\n    records: {records()}\n"
        )
        text += (
            f"  o1:\n    kind: outcome\n    verdict: recommend\n    text: A consolidative transplant is recommended.\n"
            f"    cite: {refs()}\n    records: {records()}\n"
        )
        text += (
            f"  o2:\n    kind: outcome\n    verdict: individual\n    text: Plan further treatment case by case.\n"
            f"    cite: {refs()}\n    records: []\n"
        )
        text += (
            f"  o3:\n    kind: outcome\n    verdict: monitor\n    text: Keep monitoring MRD and B-cell aplasia.\n"
            f"    cite: {refs()}\n    records: []\n"
        )
        text += (
            "edges:\n"
            '  - {from: q1, to: q2, label: "Yes"}\n  - {from: q1, to: o3, label: "No"}\n'
            '  - {from: q2, to: a1, label: "Yes"}\n  - {from: q2, to: o2, label: "No"}\n'
            "  - {from: a1, to: o1}\n"
        )
        out[fid] = text
    return out


def _pages(rng: random.Random, studies: list[Study], reviews: list[str]) -> dict[str, str]:
    """Narrative pages, one per 20 studies, linking and citing each study they discuss."""
    pages: dict[str, str] = {}
    per_page = 20
    for p, start in enumerate(range(0, len(studies), per_page), start=1):
        chunk = studies[start : start + per_page]
        out = [f"# Studies {start + 1} to {start + len(chunk)}\n\n"]
        out.append(
            f"This page summarises {len(chunk)} studies of CAR T cells in B-ALL as the source reviews describe "
            f"them [@{reviews[p % len(reviews)]}; @{reviews[(p + 1) % len(reviews)]}].\n\n"
        )
        for k in range(0, len(chunk), 5):
            out.append(f"## Group {k // 5 + 1}\n\n")
            for s in chunk[k : k + 5]:
                refs = s.refs
                first = refs[0]
                more = "; ".join(f"@{r}" for r in rng.sample(refs, min(2, len(refs))))
                out.append(
                    f"[{s.name}](studies/{s.id}.md) studied {' and '.join(s.targets)}-directed CAR T cells "
                    f"({s.cell_source.replace('-', ' ')}) in a {s.design_type.replace('-', ' ')} [@{first}]. "
                    f"Most patients reached remission, and relapse was the main cause of treatment failure "
                    f"[{more}]. The study page lists {s.results} reported values with their sources.\n\n"
                )
        pages[f"topic-{p:03d}.md"] = "".join(out)
    return pages


def _pyproject(repo: Path) -> str:
    data = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8"))
    levels = data.get("tool", {}).get("livingreview", {}).get("levels", {})
    body = "".join(f'{code} = "{level}"\n' for code, level in levels.items())
    return (
        "# A synthetic review written by livingreview_bench.synth for the benchmark.\n\n"
        "[tool.livingreview.levels]\n" + body
    )


def _mkdocs_yml(repo: Path, title: str) -> str:
    yaml = YAML()
    config = yaml.load((repo / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_name"] = title
    config["nav"] = NAV
    buf = io.StringIO()
    yaml.dump(config, buf)
    return buf.getvalue()


def write_corpus(dest: Path, studies: int, references: int, seed: int = 1, repo: Path = REPO) -> None:
    """Write a complete, valid review of ``studies`` records and ``references`` BibTeX entries."""
    gen = Generator(studies, references, seed, repo)
    corpus = gen.corpus()
    if dest.exists():
        shutil.rmtree(dest)
    for sub in ("content/trials", "content/tables", "content/flowcharts", "content/pages", "references"):
        (dest / sub).mkdir(parents=True)
    ids = [s.id for s in corpus.studies]
    for i, s in enumerate(corpus.studies):
        (dest / "content/trials" / f"{s.id}.yaml").write_text(gen.record(s, ids, i), encoding="utf-8")
    shutil.copyfile(repo / "content/endpoints.yaml", dest / "content/endpoints.yaml")
    # Reader aids the repository may carry beside the vocabulary (they cite nothing).
    for extra in ("content/glossary.yaml", "CITATION.cff"):
        if (repo / extra).is_file():
            shutil.copyfile(repo / extra, dest / extra)
    for tid, text in _tables(corpus.studies, corpus.reviews).items():
        (dest / "content/tables" / f"{tid}.yaml").write_text(text, encoding="utf-8")
    for fid, text in _flowcharts(gen.rng, corpus.studies, corpus.reviews).items():
        (dest / "content/flowcharts" / f"{fid}.yaml").write_text(text, encoding="utf-8")
    for name, text in _pages(gen.rng, corpus.studies, corpus.reviews).items():
        (dest / "content/pages" / name).write_text(text, encoding="utf-8")
    header = "% Synthetic references written by livingreview_bench.synth.\n\n"
    reviews, primary = corpus.references[: len(REVIEWS)], corpus.references[len(REVIEWS) :]
    (dest / "references/reviews.bib").write_text(header + "\n".join(r.entry for r in reviews), encoding="utf-8")
    (dest / "references/primary.bib").write_text(header + "\n".join(r.entry for r in primary), encoding="utf-8")
    (dest / "pyproject.toml").write_text(_pyproject(repo), encoding="utf-8")
    (dest / "mkdocs.yml").write_text(
        _mkdocs_yml(repo, f"Synthetic living review ({studies} studies, {references} references)"), encoding="utf-8"
    )
    shutil.copytree(repo / "templates", dest / "templates")


# --------------------------------------------------------------------------- derived trees


def plain_markdown(dest: Path, out: Path) -> int:
    """Render the review at ``dest`` once and write it to ``out`` for a build without the plugin.

    Returns the number of files written to ``out/docs``. Raises if the review has errors.
    """
    from livingreview.engine import write_engine_tree
    from livingreview.pipeline import build

    result = build(dest, dest / "templates")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    if errors:
        raise ValueError(f"{dest}: {len(errors)} error(s), first: {errors[0].format_text()}")
    out.mkdir(parents=True, exist_ok=True)
    return write_engine_tree(dest, result.files, out)


def citation_tree(dest: Path, out: Path) -> list[str]:
    """The review as plain Markdown that still carries raw ``[@key]`` citations.

    Writes the narrative pages of ``content/pages`` and one generated page per study
    (its summary and one line per reported value, citing the value's source and
    review) to ``out/docs``, every BibTeX file concatenated to ``out/references.bib``,
    and returns the pages' paths relative to ``out/docs``. Citations carry no
    locators, which mkdocs-bibtex's simple mode does not support.
    """
    from livingreview.load.loader import load_review

    review, _ = load_review(dest)
    docs = out / "docs"
    if docs.exists():
        shutil.rmtree(docs)
    (docs / "studies").mkdir(parents=True)
    pages: list[str] = []
    index = "# Citations\n\nNarrative and study pages with raw citations.\n"
    (docs / "index.md").write_text(index, encoding="utf-8")
    for path, page in sorted(review.pages.items()):
        (docs / path).parent.mkdir(parents=True, exist_ok=True)
        (docs / path).write_text(page.text, encoding="utf-8")
        pages.append(path)
    for trial in sorted(review.trials.values(), key=lambda t: t.id):
        lines = [f"# {trial.name}\n\n{trial.title}.\n\n"]
        if trial.summary:
            lines.append(trial.summary + "\n\n")
        lines.append("## Reported values\n\n")
        for r in trial.results:
            endpoint = review.endpoints[r.endpoint]
            value = "not reached" if r.qualifier == "not-reached" else (f"{r.value:g}" if r.value is not None else "")
            if r.n is not None:
                value += f" ({r.n}/{r.n_total})" if r.n_total else f" ({r.n} patients)"
            when = f" at {r.timepoint:g} months" if r.timepoint else ""
            cite = f"[@{r.source.ref}; @{r.source.review}]" if r.source.review else f"[@{r.source.ref}]"
            lines.append(f"- {endpoint.name}{when}: {value.strip() or 'see source'} {cite}\n")
        path = f"studies/{trial.id}.md"
        (docs / path).write_text("".join(lines), encoding="utf-8")
        pages.append(path)
    bibs = sorted((dest / "references").glob("*.bib"))
    (out / "references.bib").write_text("\n".join(p.read_text(encoding="utf-8") for p in bibs), encoding="utf-8")
    return pages
