"""The renderer: templates, citation numbering and kept pages, and the pages it renders itself.

Study pages, the studies index, the home page, the endpoint vocabulary, narrative
pages, the editors' page and the bibliography. Templates format, Python decides:
view models built here carry every computed fact (what disagrees, how a value reads).
:mod:`.site` puts every page of the site together.
"""

from __future__ import annotations

import json
import re
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
from ..load.cache import Kept
from ..model.codes import CODES
from ..model.diagnostics import Diagnostic
from ..model.memo import Memo
from ..model.records import Endpoint, Reference, Result, Table, Trial
from ..model.review import Review, as_of
from ..text import cite
from ..text.markup import sanitize, split_page
from .citations import CitedBy, Citer, Prose, anchor, escape_inline, md_link, relative_url
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
from .escape import front_matter_value, plain_text, reference_html
from .key_results import kind_of, pick
from .searched import unsearched
from .table_view import TableView
from .table_view import build as build_table
from .vancouver import short_label
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
    #: One compact citation with the full provenance behind it (see :meth:`Renderer.provenance`).
    provenance: Markup
    differs: bool


@dataclass
class KeyRow:
    """One figure at the top of a study page."""

    label: str
    endpoint: Endpoint
    anchor: str
    value: str
    #: n/N, time point, subgroup and scale, as one short line.
    detail: str
    provenance: Markup
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
        fits: Kept | None = None,
    ) -> None:
        self.review = review
        #: Pooled estimates computed by earlier builds (livingreview.synthesis.pooling.pool).
        self.fits = fits
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
                self.memo.values_of("kinds", review.kinds),
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
        """The study's other names, for the line under its title: every name a reader might
        search for, without the page's own name and without names that only add a word such
        as "study" to one already given ("FELIX study" beside FELIX)."""
        names = [*trial.aliases, *trial.registry]
        if trial.product:
            p = trial.product
            names += [p.name, *([p.brand] if p.brand else []), *p.codes, *p.aliases]
        seen = {_name_core(trial.name)}
        out = []
        for name in names:
            core = _name_core(name)
            if core not in seen:
                seen.add(core)
                out.append(name)
        return out

    # ------------------------------------------------------------------ study pages

    def others(self, trial: Trial) -> dict[int, list[Result]]:
        """For each value another report gives differently, the reports that differ."""
        out: dict[int, list[Result]] = {}
        for d in self.disagreements(trial):
            for r in d.results:
                out.setdefault(id(r), []).extend(o for o in d.results if o is not r)
        return out

    def rows(self, trial: Trial, citer: Citer, others: dict[int, list[Result]]) -> list[Section]:
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
            sections[endpoint.group].rows.append(self.row(r, endpoint, citer, others.get(id(r), [])))
        return [s for s in sections.values() if s.rows]

    def row(self, r: Result, endpoint: Endpoint, citer: Citer, others: list[Result]) -> Row:
        details = [POPULATION.get(r.population or "", ""), r.subgroup or "", *qualifiers(r), r.cutoff or ""]
        return Row(
            endpoint=endpoint,
            anchor=endpoint.id,
            value=value_text(r, endpoint),
            n_of_n=n_of_n(r),
            timepoint=timepoint_text(r),
            analysis="; ".join(d for d in details if d),
            provenance=self.provenance(r, endpoint, citer, others),
            differs=bool(others),
        )

    def provenance(self, r: Result, endpoint: Endpoint, citer: Citer, others: list[Result]) -> Markup:
        """The primary reference as one compact citation, and behind it the full provenance
        (primary reference, the review it was read in and where, the notes, the reports that
        differ), shown on hover, focus and tap and in print (templates/assets)."""
        src = r.source
        lines = []
        primary = self.review.references.get(src.ref)
        if primary is not None:
            lines.append(Markup("<strong>From</strong> ") + escape(short_label(primary)) + citer.key(src.ref))
        if src.review and src.review in self.review.references:
            label = short_label(self.review.references[src.review])
            read = escape(label) + citer.key(src.review) + (Markup(", ") + escape_inline(src.locator))
            lines.append(Markup("<strong>Read in</strong> ") + read)
        elif src.locator:
            lines.append(Markup("<strong>Where</strong> ") + escape_inline(src.locator))
        if r.note:
            lines.append(Markup("<strong>Note</strong> ") + citer.inline(r.note))
        if src.slip:
            lines.append(Markup("<strong>Citation note</strong> ") + citer.inline(src.slip))
        for other in others:
            ref = self.review.references.get(other.source.ref)
            via = self.review.references.get(other.source.review or "")
            said = [value_text(other, self.review.endpoints.get(other.endpoint, endpoint)), n_of_n(other)]
            whose = [short_label(ref) if ref else other.source.ref, f"read in {short_label(via)}" if via else ""]
            text = f"{', '.join(x for x in said if x)} ({', '.join(x for x in whose if x)})"
            lines.append(Markup("<strong>Also reported</strong> ") + escape_inline(text))
        detail = Markup("").join(Markup('<span class="lr-prov-line">') + line + Markup("</span>") for line in lines)
        mark = "i" + ("*" if r.note or src.slip else "")
        # the name a screen reader gives the button starts with what it shows (WCAG 2.5.3)
        label = ": where this value comes from" + (", with a note" if r.note or src.slip else "")
        return Markup(
            f'<span class="lr-prov">{citer.key(src.ref)}<button type="button" class="lr-prov-more" '
            f'aria-expanded="false">{mark}<span class="lr-sr">{label}</span></button>'
            f'<span class="lr-prov-detail" role="note">{detail}</span></span>'
        )

    def key_rows(self, trial: Trial, citer: Citer, others: dict[int, list[Result]]) -> tuple[str, list[KeyRow]]:
        """The kind of study and the figures its page leads with, by the rule in
        content/key-results.yaml."""
        kind = kind_of(trial, self.review.kinds)
        if kind is None:
            return "", []
        out = []
        for figure in kind.figures:
            r = pick(trial, figure)
            endpoint = self.review.endpoints.get(r.endpoint) if r else None
            if r is None or endpoint is None:
                continue
            named = figure.label and len(figure.endpoints) > 1
            bits = [
                endpoint.label if named else "",
                n_of_n(r),
                f"at {timepoint_text(r)}" if timepoint_text(r) else "",
                r.subgroup or "",
                *(q for q in qualifiers(r) if q.startswith("graded")),
            ]
            out.append(
                KeyRow(
                    label=figure.label or endpoint.label,
                    endpoint=endpoint,
                    anchor=endpoint.id,
                    value=value_text(r, endpoint),
                    detail=", ".join(b for b in bits if b),
                    provenance=self.provenance(r, endpoint, citer, others.get(id(r), [])),
                    differs=id(r) in others,
                )
            )
        return kind.label, out

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
        others = self.others(trial)
        kind, key_rows = self.key_rows(trial, citer, others)  # first on the page: cited first
        summary = citer.text(trial.summary) if trial.summary else Markup("")
        references = Markup(
            ", ".join(
                f"{escape(short_label(self.review.references[k]))} {citer.key(k)}"
                for k in trial.references
                if k in self.review.references
            )
        )
        sections = self.rows(trial, citer, others)
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
            kind=kind,
            key_rows=key_rows,
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
            last_search=max((s.date for s in self.review.searches.values()), default=None),
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
        title = narrative_title(path, text)
        for key in cited:
            self.cited_by.add(key, path, title)
        return body

    def _narrative(self, path: str, text: str) -> tuple[str, tuple[str, ...]]:
        """A page from content/pages: its front matter reduced to a plain title and
        description, its Markdown sanitized (:func:`livingreview.text.markup.sanitize`;
        ``livingreview check`` reports what went), then its citations numbered."""
        page = split_page(text)
        title = narrative_title(path, text)
        citer = self.citer(path, title)
        markdown = sanitize(page.body)[0]
        if not _first_heading(markdown):  # else the theme prints the title itself, unescaped
            markdown = f"# {escape_inline(title)}\n\n{markdown}"
        body = Prose(citations_in_markdown(markdown, citer))
        refs = citer.reference_list()
        meta = {k: plain_text(v) for k, v in page.meta.items()}
        rendered = self.template("narrative.md.jinja", meta=meta, body=body, reference_list=refs)
        return rendered, tuple(citer.numbers)

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
                html=reference_html(ref),
                cited_on=[(title, md_link("bibliography.md", p)) for p, title in pages],
                provenance=self.reference_provenance(ref),
            ).strip()
        )

    def reference_provenance(self, ref: Reference) -> list[tuple[str, str]]:
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


def narrative_title(path: str, text: str) -> str:
    """What a narrative page is called where other pages list it: its front matter's
    title, else its first heading, else its path."""
    page = split_page(text)
    return page.meta.get("title") or _first_heading(page.body) or path


#: Words that make no name of their own: "FELIX study" is FELIX.
_GENERIC_WORDS = frozenset({"study", "trial", "the"})


def _name_core(name: str) -> tuple[str, ...]:
    """A name's words, lower-cased, without generic words: what makes two names one."""
    return tuple(w for w in re.findall(r"[^\W_]+(?:[-.][^\W_]+)*", name.lower()) if w not in _GENERIC_WORDS)


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
    env.filters["plain"] = plain_text
    env.filters["meta"] = front_matter_value
    env.globals.update(version=__version__, link=relative_url, unsearched=unsearched)
    return env
