"""The whole site: every page, data file and asset, in the order they depend on each other.

:func:`render_site` returns ``{relative path: content}``. The CLI writes that
mapping to disk for any engine that reads ``mkdocs.yml`` (:func:`write_site`); the
MkDocs plugin hands it to MkDocs as generated files.
"""

from __future__ import annotations

from pathlib import Path

from ..load.cache import Kept
from ..model.diagnostics import Diagnostic
from ..model.memo import Memo
from ..model.review import Review
from ..model.schema import schema_files
from .comparisons import flowcharts_index, plots_page, render_flowchart, render_table, tables_index
from .export import CSV_COLUMNS, data_files
from .forest import synth_svg
from .pooled import analyses, synthesis_csv, synthesis_json
from .prisma import searches_context
from .reader import abbreviations, atom_feed, browse_pages, glossary_page, guide_page, whats_new_page
from .renderer import Renderer, study_page


def render_site(
    review: Review,
    templates: Path,
    diagnostics: list[Diagnostic] | None = None,
    site_url: str = "",
    memo: Memo | None = None,
    fits: Kept | None = None,
) -> dict[str, str | bytes]:
    return render_tree(Renderer(review, templates, diagnostics, site_url, memo, fits))


def render_tree(r: Renderer) -> dict[str, str | bytes]:
    """Every file of the site; the bibliography comes last because it lists who cites what."""
    out: dict[str, str | bytes] = {}
    for trial in sorted(r.review.trials.values(), key=lambda t: t.id):
        out[study_page(trial.id)] = r.study(trial)
    for path, page in sorted(r.review.pages.items()):
        out[path] = r.narrative(path, page.text)
    for table in sorted(r.review.tables.values(), key=lambda t: t.id):
        out[f"tables/{table.id}.md"], out[f"tables/{table.id}.csv"] = render_table(r, table)
    out["tables/index.md"] = tables_index(r)
    synth = analyses(r.review, r.memo, r.fits)
    out["data/synthesis.json"] = synth_json = synthesis_json(synth)
    out["plots.md"] = plots_page(r, synth, synth_json)
    out["data/synthesis.csv"] = synthesis_csv(synth)
    for spec, a in synth:
        out[f"plots/{spec.id}.svg"] = synth_svg(spec, a.splits[0], spec.id) + "\n"
    for flow in sorted(r.review.flowcharts.values(), key=lambda f: f.id):
        out[f"flowcharts/{flow.id}.md"] = render_flowchart(r, flow)
    out["flowcharts/index.md"] = flowcharts_index(r)
    out["studies/index.md"] = r.studies_index()
    out["index.md"] = r.home()
    out["endpoints.md"] = r.endpoints()
    out["editors.md"] = r.editors()
    out["data.md"] = r.page(
        "data.md",
        "data.md.jinja",
        studies=len(r.review.trials),
        values=sum(len(t.results) for t in r.review.trials.values()),
        references=len(r.review.references),
        columns=CSV_COLUMNS,
    )
    out["glossary.md"] = glossary_page(r)
    guide = guide_page(r)
    if guide is not None:
        out["guide.md"] = guide
    out["searches.md"] = r.page("searches.md", "searches.md.jinja", **searches_context(r.review))
    out["whats-new.md"] = whats_new_page(r)
    out["feed.xml"] = atom_feed(r, r.site_url)
    out.update(browse_pages(r))
    out["bibliography.md"] = r.bibliography()  # last: it lists who cites what
    glossary = abbreviations(r)
    for path, text in out.items():
        if path.endswith(".md") and isinstance(text, str) and path != "glossary.md":
            out[path] = text + glossary
    for name, text in schema_files().items():
        out[f"schema/{name}"] = text
    out.update(data_files(r.review, r.memo))
    assets = r.templates / "assets"
    for asset in sorted(p for p in assets.rglob("*") if p.is_file()):
        out["assets/livingreview/" + asset.relative_to(assets).as_posix()] = asset.read_bytes()
    return out


def write_site(files: dict[str, str | bytes], out: Path) -> int:
    """Write the rendered tree over what a previous render left; returns files written.

    A file whose content is already there is not written again, and keeps its
    modification time, so that an engine's own cache (Zensical's) sees only the pages an
    edit changed; files the review no longer has are removed."""
    if out.is_symlink() or (out.exists() and not out.is_dir()):
        out.unlink()
    wanted = {(out / rel).resolve() for rel in files}
    if out.is_dir():
        for old in sorted(out.rglob("*"), reverse=True):
            if old.is_file() or old.is_symlink():
                if old.resolve() not in wanted or old.is_symlink():
                    old.unlink()
            elif old.is_dir() and not any(old.iterdir()):
                old.rmdir()
    written = 0
    for rel, content in files.items():
        target = out / rel
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        try:
            if target.read_bytes() == data:
                continue
        except OSError:
            target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    return written
