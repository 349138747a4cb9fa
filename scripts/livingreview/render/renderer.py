"""The renderer: templates, citation numbering and kept pages, and the pages it renders itself.

Study pages, the studies index, the home page, the endpoint vocabulary, narrative
pages, the editors' page and the bibliography. Templates format, Python decides:
view models built here carry every computed fact (what disagrees, how a value reads).
:mod:`.site` puts every page of the site together.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from .. import __version__
from ..check.compare import Disagreement, disagreements, families
from ..check.provenance import items
from ..model.codes import CODES
from ..model.diagnostics import Diagnostic
from ..model.memo import Memo
from ..model.records import Endpoint, Reference, Result, Table, Trial
from ..model.review import Review, as_of
from ..text import cite
from .citations import CitedBy, Citer, anchor, escape_inline, md_link, relative_url
from .citing import cite_this_page
from .display import (
    AGE_GROUP,
    CELL_SOURCE,
    FIELD_LABELS,
    NOT_STATED,
    POPULATION,
    STATUS,
    STUDY_TYPE,
    n_of_n,
    qualifiers,
    timepoint_text,
    value_text,
)
from .table_view import TableView
from .table_view import build as build_table
from .vancouver import format_html, short_label
from .views import StudyLine

GROUP_TITLES = {
    "population": "Patients",
    "response": "Response",
    "survival": "Survival and relapse",
    "toxicity": "Toxicity",
    "transplant": "Transplant after CAR T",
    "follow-up": "Follow-up",
}


def study_page(trial_id: str) -> str:
    return f"studies/{trial_id}.md"


@dataclass
class Row:
    endpoint: Endpoint
    anchor: str
    value: str
    n_of_n: str
    timepoint: str
    #: The analysis population, subgroup, qualifiers and cut-off, as one line.
    analysis: str
    source: Markup
    review: Markup
    note: Markup
    differs: bool


@dataclass
class Section:
    title: str
    rows: list[Row] = field(default_factory=list)


class Renderer:
    def __init__(
        self,
        review: Review,
        templates: Path,
        diagnostics: list[Diagnostic] | None = None,
        site_url: str = "",
        memo: Memo | None = None,
    ) -> None:
        self.review = review
        self.diagnostics = diagnostics or []
        self.site_url = site_url or str(review.citation.get("url", "")) or "http://localhost/"
        self.as_of = as_of(review)
        self.memo = memo or Memo()
        self.templates = templates
        stamps = self.memo.intern("templates", _stamps(templates))
        self.env = self.memo.get("jinja", (stamps,), partial(_environment, templates))
        #: Everything a study page depends on besides its own record: what reuses a kept page.
        self.context = self.memo.intern(
            "render",
            (
                stamps,
                self.site_url,
                json.dumps(review.citation, sort_keys=True, default=str),
                self.memo.values_of("references", review.references),
                self.memo.values_of("endpoints", review.endpoints),
            ),
        )
        self.cited_by = CitedBy()
        self.endpoint_order = {k: i for i, k in enumerate(review.endpoints)}
        self.families = families(review.endpoints)

    # ------------------------------------------------------------------ helpers

    def citer(self, page: str, title: str) -> Citer:
        return Citer(self.review.references, page, title, self.cited_by)

    def template(self, name: str, **context: Any) -> str:
        return self.env.get_template(name).render(**context)

    def page(self, path: str, template: str, **context: Any) -> str:
        """``template`` rendered with ``context``, or the text kept from the last build
        when the context is equal: a page listing every study is rendered again only
        when something it shows has changed. The context is plain data and views
        (:mod:`livingreview.render.views`), never whole records."""
        view = self.memo.intern(f"view:{path}", tuple(sorted(context.items())))
        return self.memo.get(f"page:{path}", (view, self.context), partial(self.template, template, **context))

    def names(self, trial: Trial) -> list[str]:
        """Every name a reader might search for, without repeats."""
        names: list[str] = []
        for name in [trial.name, *trial.aliases, *trial.registry]:
            names.append(name)
        if trial.product:
            p = trial.product
            names += [p.name, *([p.brand] if p.brand else []), *p.codes, *p.aliases]
        seen: set[str] = set()
        return [n for n in names if not (n.lower() in seen or seen.add(n.lower()))]  # type: ignore[func-returns-value]

    # ------------------------------------------------------------------ study pages

    def rows(self, trial: Trial, citer: Citer) -> list[Section]:
        differs = {id(r) for d in self.disagreements(trial) for r in d.results}
        sections: dict[str, Section] = {g: Section(t) for g, t in GROUP_TITLES.items()}
        ordered = sorted(
            trial.results,
            key=lambda r: (
                self.endpoint_order.get(r.endpoint, 999),
                r.timepoint or 0,
                r.timepoint_label or "",
                r.subgroup or "",
            ),
        )
        for r in ordered:
            endpoint = self.review.endpoints.get(r.endpoint)
            if endpoint is None:
                continue
            sections[endpoint.group].rows.append(self.row(r, endpoint, citer, id(r) in differs))
        return [s for s in sections.values() if s.rows]

    def row(self, r: Result, endpoint: Endpoint, citer: Citer, differs: bool) -> Row:
        src = r.source
        review = Markup("")
        if src.review and src.review in self.review.references:
            label = short_label(self.review.references[src.review])
            review = Markup(f"{escape(label)} {citer.key(src.review)}, {escape_inline(src.locator)}")
        elif src.locator:
            review = escape_inline(src.locator)
        note_parts = []
        if r.note:
            note_parts.append(citer.inline(r.note))
        if src.slip:
            note_parts.append(Markup("<em>Citation note:</em> ") + citer.inline(src.slip))
        details = [POPULATION.get(r.population or "", ""), r.subgroup or "", *qualifiers(r), r.cutoff or ""]
        return Row(
            endpoint=endpoint,
            anchor=endpoint.id,
            value=value_text(r, endpoint),
            n_of_n=n_of_n(r),
            timepoint=timepoint_text(r),
            analysis="; ".join(d for d in details if d),
            source=citer.key(src.ref),
            review=review,
            note=Markup(" ").join(note_parts),
            differs=differs,
        )

    def differences(self, trial: Trial) -> list[dict[str, Any]]:
        out = []
        for d in self.disagreements(trial):
            endpoint = self.review.endpoints.get(d.results[0].endpoint)
            if endpoint is None:
                continue
            what = "Number of patients" if d.key[0] in self.families.values() else endpoint.name
            tp = timepoint_text(d.results[0])
            if tp:
                what += f" at {tp}"
            if d.key[3]:
                what += f" ({d.key[3]})"
            reports = []
            for r in d.results:
                via = self.review.references.get(r.source.review or "")
                ref = self.review.references.get(r.source.ref)
                own = self.review.endpoints.get(r.endpoint, endpoint)
                filed = own.label if d.across_endpoints else ""
                if filed and r.reported_as:
                    said = "does not say which" if r.reported_as == "unspecified" else f"says {r.reported_as}"
                    filed += f" (the review {said})"
                reports.append(
                    {
                        "value": value_text(r, own),
                        "endpoint": filed,
                        "subgroup": (r.subgroup or "") if d.why else "",
                        "n_of_n": n_of_n(r),
                        "primary": short_label(ref) if ref else r.source.ref,
                        "via": short_label(via) if via else "",
                        "locator": r.source.locator,
                        "population": POPULATION.get(r.population or "", ""),
                    }
                )
            out.append({"what": what, "same_paper": d.same_paper, "why": d.why or "", "reports": reports})
        return out

    def table_view(self, table: Table) -> TableView:
        """A comparison table's view, built once per build (its page and the index both need it)."""
        deps = (table, self.memo.values_of("trials", self.review.trials), self.context)
        return self.memo.get("table-view", deps, partial(build_table, self.review, table, self.memo))

    def disagreements(self, trial: Trial) -> list[Disagreement]:
        deps = (trial, self.memo.values_of("endpoints", self.review.endpoints))
        return self.memo.get("disagreements", deps, partial(disagreements, trial, self.families))

    def study(self, trial: Trial) -> str:
        """A study's page; kept and reused while the record and its context stay the same."""
        page = study_page(trial.id)
        related = tuple(self.review.trials.get(i) for i in trial.related)
        text, cited = self.memo.get("study", (trial, self.context, *related), partial(self._study, trial))
        for key in cited:
            self.cited_by.add(key, page, trial.name)
        return text

    def _study(self, trial: Trial) -> tuple[str, tuple[str, ...]]:
        page = study_page(trial.id)
        citer = self.citer(page, trial.name)
        summary = citer.text(trial.summary) if trial.summary else Markup("")
        references = Markup(
            ", ".join(
                f"{escape(short_label(self.review.references[k]))} {citer.key(k)}"
                for k in trial.references
                if k in self.review.references
            )
        )
        sections = self.rows(trial, citer)
        text = {
            "design_notes": citer.text(trial.design.notes) if trial.design.notes else "",
            "population": citer.text(trial.population.description) if trial.population.description else "",
            "construct_notes": citer.text(trial.construct.notes) if trial.construct.notes else "",
        }
        related = [
            (self.review.trials[i], md_link(page, study_page(i))) for i in trial.related if i in self.review.trials
        ]
        rendered = self.template(
            "study.md.jinja",
            trial=trial,
            page=page,
            names=self.names(trial),
            summary=summary,
            references=references,
            sections=sections,
            differences=self.differences(trial),
            text=text,
            related=related,
            labels={"cell_source": CELL_SOURCE, "type": STUDY_TYPE, "age": AGE_GROUP, "status": STATUS},
            reference_list=citer.reference_list(),
            cite=cite_this_page(self.review.citation, trial, self.site_url),
            version=self.review.citation.get("version", ""),
        )
        return rendered, tuple(citer.numbers)

    # ------------------------------------------------------------------ other pages

    def studies_index(self) -> str:
        groups: dict[str, list[StudyLine]] = {}
        for t in sorted(self.review.trials.values(), key=lambda t: t.name.lower()):
            line = self.memo.get("study-line", (t,), partial(StudyLine.of, t))
            groups.setdefault(_target_group(t), []).append(line)
        return self.page("studies/index.md", "studies.md.jinja", groups=sorted(groups.items()))

    def home(self) -> str:
        trials = list(self.review.trials.values())
        tallies = [self.memo.get("tally", (t,), partial(self._tally, t)) for t in trials]
        reviews = frozenset().union(*(t.reviews for t in tallies))
        primary = frozenset().union(*(t.cited for t in tallies))
        return self.page(
            "index.md",
            "home.md.jinja",
            counts={
                "studies": len(trials),
                "with_results": sum(1 for t in trials if t.results),
                "ongoing": sum(1 for t in trials if not t.results),
                "results": sum(t.results for t in tallies),
                "references": len(primary - reviews),
                "reviews": len(reviews),
                "disagreements": sum(t.disagreements for t in tallies),
            },
            by_target=sorted(Counter(_target_group(t) for t in trials).items()),
            by_source=sorted(Counter(CELL_SOURCE[t.construct.cell_source] for t in trials).items()),
            by_type=sorted(Counter(STUDY_TYPE[t.design.type] for t in trials).items()),
            as_of=self.as_of,
            review_version=self.review.citation.get("version", ""),
        )

    def _tally(self, trial: Trial) -> _Tally:
        """What the home page counts of one study."""
        return _Tally(
            results=len(trial.results),
            reviews=frozenset(r.source.review for r in trial.results if r.source.review),
            cited=frozenset(r.source.ref for r in trial.results) | frozenset(trial.references),
            disagreements=len(self.disagreements(trial)),
        )

    def endpoints(self) -> str:
        return self.page(
            "endpoints.md", "endpoints.md.jinja", endpoints=list(self.review.endpoints.values()), groups=GROUP_TITLES
        )

    def narrative(self, path: str, text: str) -> str:
        body, cited = self.memo.get("narrative", (text, path, self.context), partial(self._narrative, path, text))
        title = _first_heading(text) or path
        for key in cited:
            self.cited_by.add(key, path, title)
        return body

    def _narrative(self, path: str, text: str) -> tuple[str, tuple[str, ...]]:
        title = _first_heading(text) or path
        citer = self.citer(path, title)
        body = Markup(citations_in_markdown(text, citer))
        refs = citer.reference_list()
        return self.template("narrative.md.jinja", body=body, reference_list=refs), tuple(citer.numbers)

    def editors(self) -> str:
        open_items = [d for d in self.diagnostics if d.severity in ("warn", "info")]
        by_code: dict[str, list[Diagnostic]] = {}
        for d in open_items:
            by_code.setdefault(d.code, []).append(d)
        slips = [
            slip
            for t in sorted(self.review.trials.values(), key=lambda t: t.id)
            for slip in self.memo.get("slips", (t,), partial(_slips, t))
        ]
        return self.page(
            "editors.md",
            "editors.md.jinja",
            by_code=sorted(by_code.items()),
            codes=CODES,
            slips=slips,
            total=len(open_items),
        )

    def bibliography(self) -> str:
        refs = sorted(
            self.review.references.values(),
            key=lambda r: (short_label(r).lower(), r.year, r.key),
        )
        entries = []
        for ref in refs:
            pages = tuple(sorted(self.cited_by.pages.get(ref.key, {}).items(), key=lambda kv: kv[1].lower()))
            # Kept per entry: after one edit, only entries whose citing pages changed are rendered again.
            deps = (ref, self.context, *(x for page in pages for x in page))
            entries.append(self.memo.get("bibliography", deps, partial(self._bibliography_entry, ref, pages)))
        return self.page("bibliography.md", "bibliography.md.jinja", entries=entries)

    def _bibliography_entry(self, ref: Reference, pages: tuple[tuple[str, str], ...]) -> Markup:
        return Markup(
            self.template(
                "bibliography-entry.md.jinja",
                anchor=anchor(ref.key),
                key=ref.key,
                html=format_html(ref),
                cited_on=[(title, md_link("bibliography.md", p)) for p, title in pages],
                provenance=self.provenance(ref),
            ).strip()
        )

    def provenance(self, ref: Reference) -> list[tuple[str, str]]:
        """Where the entry's metadata comes from, and what an editor corrected or flagged in it."""
        out = []
        source = ref.get("metadata-from").strip()
        if source:
            key, _, rest = source.partition(",")
            review = self.review.references.get(key.strip())
            name = short_label(review) if review else key.strip()
            out.append(("Metadata from the reference list of", f"{name}{',' + rest if rest else ''}"))
        out += [("Corrected", item.strip()) for item in items(ref, "corrected")]
        out += [("Flagged", item.strip()) for item in items(ref, "flagged")]
        return out

    def group_label(self, path: str | None, value: str) -> str:
        """How a grouping value reads as a heading."""
        labels = FIELD_LABELS.get(path or "", {})
        if value in ("", "Not stated"):
            return NOT_STATED if path == "construct.costimulation" else "Not stated in the sources"
        return labels.get(value, value[:1].upper() + value[1:])


@dataclass(frozen=True)
class _Tally:
    results: int
    reviews: frozenset[str]
    cited: frozenset[str]
    disagreements: int


def _slips(trial: Trial) -> tuple[tuple[str, str, str, str], ...]:
    """(study name, endpoint, note, link) for each citation slip the record notes."""
    page = md_link("editors.md", study_page(trial.id))
    return tuple((trial.name, r.endpoint, r.source.slip, page) for r in trial.results if r.source.slip)


def citations_in_markdown(text: str, citer: Citer) -> str:
    """Number the citations of a narrative page; its own Markdown and HTML stay as written."""
    return cite.replace(text, lambda c: str(citer.cite(c.items)))


def _first_heading(text: str) -> str:
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return ""


def _target_group(t: Trial) -> str:
    targets = sorted(set(t.construct.targets))
    return " + ".join(targets) if targets else "Other"


def _stamps(templates: Path) -> tuple[Any, ...]:
    """Every template and asset file with its modification time and size."""
    out: list[Any] = []
    for path in sorted(templates.rglob("*")):
        if path.is_file():
            st = path.stat()
            out += [path.as_posix(), st.st_mtime_ns, st.st_size]
    return tuple(out)


def _environment(templates: Path) -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(templates)),
        undefined=StrictUndefined,
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = escape_inline
    env.globals.update(version=__version__, link=relative_url)
    return env
