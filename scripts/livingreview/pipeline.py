"""load -> check -> render, the one pipeline both adapters run."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .check import check_review
from .load.cache import ParseCache, paused_gc
from .load.loader import load_review
from .model.diagnostics import Diagnostic, has_errors
from .model.memo import Memo
from .model.review import Review, as_of
from .render.renderer import study_page
from .render.site import render_site


@dataclass
class Build:
    #: None once a one-off build has handed its pages over and let the review go.
    review: Review | None
    diagnostics: list[Diagnostic]
    files: dict[str, str | bytes] = field(default_factory=dict)
    as_of: dt.date = dt.date(2000, 1, 1)
    #: The date each page's content last changed, for the sitemap.
    page_dates: dict[str, dt.date] = field(default_factory=dict)


def site_url_of(root: Path) -> str:
    """site_url from mkdocs.yml, read as plain data (the core never imports MkDocs)."""
    import re

    path = root / "mkdocs.yml"
    if not path.is_file():
        return ""
    m = re.search(r"^site_url:\s*['\"]?([^'\"\s#]+)", path.read_text(encoding="utf-8"), re.M)
    return m.group(1) if m else ""


def build(root: Path, templates: Path, site_url: str | None = None, cache: ParseCache | None = None) -> Build:
    """Load and check the review; render it only if no error was found."""
    with paused_gc():
        return _build(root, templates, site_url, cache)


def _build(root: Path, templates: Path, site_url: str | None, cache: ParseCache | None) -> Build:
    cache = cache or ParseCache(Memo(keep=False))  # nobody will build again with it
    cache.memo.start()
    review, diags = load_review(root, cache=cache)
    diagnostics = check_review(review, diags, cache.memo)
    result = Build(review, diagnostics, as_of=as_of(review))
    if has_errors(diagnostics):
        return result
    url = site_url if site_url is not None else site_url_of(root)
    cache.fits.load(root)
    result.files = render_site(review, templates, diagnostics, url, cache.memo, cache.fits)
    cache.fits.save(root)
    for trial in review.trials.values():
        dates = [trial.verified, *(c.date for c in trial.history)]
        result.page_dates[study_page(trial.id)] = max(dates)
    return result
