"""The reader's side of the site: glossary, what's new and its feed, browsing, the editors' guide."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from ..model.records import (
    Change,
    Construct,
    Design,
    Population,
    Product,
    Result,
    Source,
    Trial,
    dataclass_fields,
    hints,
    yaml_key,
)
from .citations import Prose, page_url
from .citing import authors_of
from .display import AGE_GROUP, CELL_SOURCE, NOT_STATED
from .escape import plain_text, xml_attribute, xml_text
from .views import Listed, Update, updates_of

if TYPE_CHECKING:
    from .renderer import Renderer


# --------------------------------------------------------------------------- glossary


def abbreviations(renderer: Renderer) -> str:
    """Markdown abbreviation definitions; the engine turns each use into a tooltip."""
    # One line each: a term with a line break would end its definition and start Markdown.
    lines = [f"*[{abbr}]: {plain_text(entry.term)}" for abbr, entry in sorted(renderer.review.glossary.items())]
    return "\n\n" + "\n".join(lines) + "\n" if lines else ""


def glossary_page(renderer: Renderer) -> str:
    entries = sorted(renderer.review.glossary.items(), key=lambda kv: kv[0].lower())
    return renderer.template("glossary.md.jinja", entries=entries, anchor=_slug)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# --------------------------------------------------------------------------- living record


def updates(renderer: Renderer) -> tuple[Update, ...]:
    """Every dated change of every record, newest first; the same tuple while unchanged."""
    memo = renderer.memo
    items = [u for t in renderer.review.trials.values() for u in memo.get("updates", (t,), partial(updates_of, t))]
    items.sort(key=lambda u: (-u.date.toordinal(), u.study.name.lower(), u.index))
    return memo.intern("updates", tuple(items))


def whats_new_page(renderer: Renderer) -> str:
    by_date: dict[dt.date, list[Update]] = defaultdict(list)
    for u in updates(renderer):
        by_date[u.date].append(u)
    return renderer.page("whats-new.md", "whats-new.md.jinja", days=sorted(by_date.items(), reverse=True))


def atom_feed(renderer: Renderer, site_url: str) -> str:
    """An Atom feed (RFC 4287) of the records' histories and of the searches, newest first."""
    items = updates(renderer)
    searches = search_updates(renderer)
    deps = (items, searches, renderer.context, site_url, renderer.as_of)
    return renderer.memo.get("feed", deps, partial(_feed, renderer, site_url, items, searches))


def search_updates(renderer: Renderer) -> tuple[tuple[dt.date, str, str], ...]:
    """Each search as (date, id, summary), newest first: a reader of the feed sees the review kept current."""
    review = renderer.review
    found = {log.search: len(log.entries) for log in review.screening.values()}
    out = [
        (
            s.date,
            s.id,
            f"{s.database} searched on {s.date.isoformat()}: {s.hits} records, "
            f"{len(s.duplicates)} duplicates removed, {found.get(s.id, 0)} to screen.",
        )
        for s in review.searches.values()
    ]
    return tuple(sorted(out, key=lambda x: (-x[0].toordinal(), x[1])))


def _feed(
    renderer: Renderer,
    site_url: str,
    items: tuple[Update, ...],
    searches: tuple[tuple[dt.date, str, str], ...] = (),
) -> str:
    base = site_url.rstrip("/") + "/"
    items = items[:200]
    updated = max([*(u.date for u in items), *(d for d, _, _ in searches[:1])], default=renderer.as_of)
    host = re.sub(r"^https?://", "", base).split("/")[0] or "localhost"
    title = renderer.review.citation.get("title", "Living review")
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<feed xmlns="http://www.w3.org/2005/Atom">',
        f"  <title>{xml_text(str(title))}: what's new</title>",
        f"  <id>{xml_text(base)}feed.xml</id>",
        f'  <link rel="self" type="application/atom+xml" href={xml_attribute(base + "feed.xml")}/>',
        f'  <link rel="alternate" type="text/html" href={xml_attribute(base + "whats-new/")}/>',
        f"  <updated>{_stamp(updated)}</updated>",
        f"  <author><name>{xml_text(authors_of(renderer.review.citation))}</name></author>",
    ]
    entries: list[tuple[dt.date, list[str]]] = []
    searches_url = base + page_url("searches.md")
    for date, sid, summary in searches[:20]:
        entries.append(
            (
                date,
                [
                    "  <entry>",
                    f"    <title>{xml_text(_first_sentence(summary))}</title>",
                    f"    <id>{xml_text(f'tag:{host},{date.year}:search/{sid}')}</id>",
                    f'    <link rel="alternate" type="text/html" href={xml_attribute(searches_url)}/>',
                    f"    <updated>{_stamp(date)}</updated>",
                    f'    <summary type="text">{xml_text(summary)}</summary>',
                    "  </entry>",
                ],
            )
        )
    for u in items:
        url = base + page_url(f"studies/{u.study.id}.md")
        entry_id = f"tag:{host},{u.date.year}:{u.study.id}/{u.date.isoformat()}/{u.index}"
        entries.append(
            (
                u.date,
                [
                    "  <entry>",
                    f"    <title>{xml_text(u.study.name)}: {xml_text(_first_sentence(u.summary))}</title>",
                    f"    <id>{xml_text(entry_id)}</id>",
                    f'    <link rel="alternate" type="text/html" href={xml_attribute(url)}/>',
                    f"    <updated>{_stamp(u.date)}</updated>",
                    f'    <summary type="text">{xml_text(u.summary)}</summary>',
                    "  </entry>",
                ],
            )
        )
    # Newest first across both kinds; on one day a search comes before the changes it led to
    # (the sort is stable and searches were added first).
    entries.sort(key=lambda e: -e[0].toordinal())
    for _, entry in entries:
        lines += entry
    lines.append("</feed>")
    return "\n".join(lines) + "\n"


def _stamp(date: dt.date) -> str:
    return f"{date.isoformat()}T00:00:00Z"


def _first_sentence(text: str) -> str:
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= 90 else first[:87] + "..."


# --------------------------------------------------------------------------- browsing


@dataclass(frozen=True)
class Facet:
    id: str
    title: str
    intro: str


FACETS = [
    Facet("target", "By target antigen", "Studies grouped by the antigen (or antigens) their CAR T cells aim at."),
    Facet("costimulation", "By costimulatory domain", "Studies grouped by the costimulatory domain of the CAR."),
    Facet("cell-source", "By source of the T cells", "Autologous, donor-derived and off-the-shelf products."),
    Facet("population", "By age group", "Studies grouped by the age of the patients they enrolled."),
    Facet("product", "By product", "Studies grouped by the cell product, with its other names."),
    Facet("setting", "By clinical setting", "Studies grouped by the clinical situation of their patients."),
]


def facet_values(facet: str, trial: Trial) -> list[str]:
    if facet == "target":
        return [" + ".join(sorted(trial.construct.targets)) or NOT_STATED]
    if facet == "costimulation":
        return [trial.construct.costimulation or NOT_STATED]
    if facet == "cell-source":
        return [CELL_SOURCE[trial.construct.cell_source]]
    if facet == "population":
        return [AGE_GROUP[trial.population.age_group]]
    if facet == "product":
        if not trial.product:
            return [NOT_STATED]
        p = trial.product
        return [p.name + (f" ({p.brand})" if p.brand else "")]
    if facet == "setting":
        return [(trial.design.setting or NOT_STATED)[:1].upper() + (trial.design.setting or NOT_STATED)[1:]]
    raise KeyError(facet)


def browse_pages(renderer: Renderer) -> dict[str, str]:
    out = {}
    trials = list(renderer.review.trials.values())
    listed = [renderer.memo.get("listed", (t,), partial(Listed.of, t)) for t in trials]
    counts = {}
    for facet in FACETS:
        groups: dict[str, list[Listed]] = defaultdict(list)
        for trial, study in zip(trials, listed, strict=True):
            for value in facet_values(facet.id, trial):
                groups[value].append(study)
        ordered = sorted(
            ((k, sorted(v, key=lambda t: t.name.lower())) for k, v in groups.items()),
            key=lambda kv: (kv[0] == NOT_STATED, kv[0].lower()),
        )
        path = f"browse/{facet.id}.md"
        out[path] = renderer.page(path, "browse.md.jinja", facet=facet, groups=ordered)
        counts[facet.id] = len(groups)
    out["browse/index.md"] = renderer.page("browse/index.md", "browse-index.md.jinja", facets=FACETS, counts=counts)
    return out


# --------------------------------------------------------------------------- editors' guide


def field_reference() -> list[dict[str, Any]]:
    """Every field of a study record, from the model's own metadata."""
    import dataclasses as dc
    import types
    import typing

    def kind(tp: Any) -> str:
        origin = typing.get_origin(tp)
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if origin is typing.Literal:
            return "one of: " + ", ".join(f"`{a}`" for a in typing.get_args(tp))
        if origin in (typing.Union, types.UnionType):
            return " or ".join(kind(a) for a in args)
        if origin is list:
            return f"list of {kind(args[0])}"
        if isinstance(tp, type) and dc.is_dataclass(tp):
            return tp.__name__.lower()
        names = {str: "text", int: "whole number", float: "number", bool: "true/false", dt.date: "date (YYYY-MM-DD)"}
        return names.get(tp, getattr(tp, "__name__", str(tp)))

    out = []
    for cls in (Trial, Product, Construct, Design, Population, Change, Result, Source):
        rows = []
        for f in dataclass_fields(cls):
            required = f.default is dc.MISSING and f.default_factory is dc.MISSING
            rows.append((yaml_key(f), kind(hints(cls)[f.name]), required, f.metadata["doc"]))
        out.append({"name": cls.__name__.lower(), "doc": (cls.__doc__ or "").strip().splitlines()[0], "fields": rows})
    return out


def guide_page(renderer: Renderer) -> str | None:
    """Part 1 of CONTRIBUTING.md, the editors' guide, as a page of the site."""
    path = renderer.review.root / "CONTRIBUTING.md"
    if not path.is_file():
        return None
    text = path.read_text(encoding="utf-8")
    part1 = text.split("\n## Part 2", 1)[0]
    body = part1.split("\n## Part 1", 1)[1] if "\n## Part 1" in part1 else part1
    body = "\n".join(body.splitlines()[1:])  # the part's own heading becomes the page title
    base = renderer.site_url.rstrip("/") + "/"
    body = re.sub(
        re.escape(base) + r"([a-z0-9/-]*?)/?(#[\w-]+)?\)",
        lambda m: f"{m.group(1) or 'index'}.md{m.group(2) or ''})",
        body,
    )
    body = re.sub(r"^(#+) ", lambda m: "#" * (len(m.group(1)) - 1) + " ", body, flags=re.M)
    # The guide is Markdown the project wrote, handed to the page as Markdown (as narrative
    # pages are): escaping it here would show entity text inside its code spans.
    return renderer.template("guide.md.jinja", body=Prose(body), fields=field_reference())
