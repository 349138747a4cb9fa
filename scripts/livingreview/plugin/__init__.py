"""MkDocs adapter: ``mkdocs build`` and ``mkdocs serve`` run the core for you.

The core never imports MkDocs; this module is the only one that does. It loads
and checks the review before MkDocs touches ``site/`` (so an error leaves an
existing site exactly as it was), hands the rendered tree to MkDocs as generated
files, converts its pages ahead of MkDocs on every core (:mod:`.prerender`), and tells
``mkdocs serve`` which source folders to watch.

May use: every stage and the pipeline; the only folder that imports MkDocs.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from mkdocs.config import config_options as c
from mkdocs.config.base import Config as MkDocsPluginConfig
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ..load.cache import MEMORY, ParseCache
from ..model.memo import Memo
from ..pipeline import Build, build
from ..render import csp
from .prerender import Prerender

log = logging.getLogger("mkdocs.plugins.livingreview")

WATCHED = ("content", "references", "templates")


class PluginConfig(MkDocsPluginConfig):
    templates = c.Type(str, default="templates")


class LivingReviewPlugin(BasePlugin[PluginConfig]):
    def __init__(self) -> None:
        self.root = Path.cwd()
        self.command = "build"
        self.result: Build | None = None
        self.parallel = True
        self.prerender: Prerender | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining this hook also keeps one plugin object across the rebuilds of mkdocs serve.
        self.command = command
        # serve answers requests in threads, where forking workers is not safe
        self.parallel = command != "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.root = Path(config.config_file_path).resolve().parent
        if self.prerender is None or self.prerender.root != self.root:  # kept across serve's rebuilds
            self.prerender = Prerender(self.parallel, root=self.root, retain=self.command == "serve")
        if not config.use_directory_urls:
            # Some links are written with their final address (render.citations.relative_url).
            raise PluginError("livingreview: the site needs `use_directory_urls: true` in mkdocs.yml")
        custom = config.theme.custom_dir
        try:
            config.extra["csp"] = csp.policy(Path(custom) if custom else None)
        except csp.UnhashableScript as exc:
            raise PluginError(f"livingreview: {exc}") from exc
        return config

    def on_pre_build(self, config: MkDocsConfig) -> None:
        # Runs before MkDocs cleans site_dir: raising here leaves the old site intact.
        # mkdocs serve keeps what it parsed and rendered for the next rebuild; a one-off
        # build keeps nothing, which on a large review is most of its memory.
        cache = MEMORY if self.command == "serve" else ParseCache(Memo(keep=False))
        try:
            if not cache.entries:
                cache.load(self.root)  # what the last `livingreview check` parsed, if it kept it
            result = build(self.root, self.root / self.config.templates, config.site_url or "", cache=cache)
            for note in cache.notes:
                log.info(f"livingreview: {note}")
            cache.notes.clear()
        except Exception as exc:  # a bug in the tool must still not show a traceback
            raise PluginError(f"livingreview: internal error: {exc!r}") from exc
        errors = [d for d in result.diagnostics if d.severity == "error"]
        if errors:
            lines = "\n".join(d.format_text() for d in errors)
            raise PluginError(f"livingreview check found {len(errors)} error(s):\n{lines}")
        for d in result.diagnostics:
            if d.severity == "warn":
                log.warning(d.format_text())
            elif d.severity == "info":
                log.debug(d.format_text())
        self.result = result

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        # Keep the theme's files; replace what MkDocs found in docs_dir with the rendered tree.
        assert self.result is not None
        docs = Path(config.docs_dir).resolve()
        kept = [f for f in files if not (f.abs_src_path and Path(f.abs_src_path).resolve().is_relative_to(docs))]
        out = Files(kept)
        for path, content in sorted(self.result.files.items()):
            existing = out.get_file_from_path(path)
            if existing is not None:
                out.remove(existing)
            out.append(File.generated(config, path, content=content))
        # MkDocs holds the pages now; the review itself is not needed any more.
        self.result.files = {}
        self.result.review = None
        return out

    def on_nav(self, nav: Any, config: MkDocsConfig, files: Files) -> Any:
        # Every page's Markdown to HTML now, on every core; MkDocs' loop then takes the results.
        assert self.prerender is not None
        self.prerender.run(config, files)
        return nav

    def on_pre_page(self, page: Page, config: MkDocsConfig, files: Files) -> Page:
        # Dates come from the data, not the clock, so two builds are byte-identical.
        assert self.result is not None
        page.update_date = self.result.page_dates.get(page.file.src_uri, self.result.as_of).isoformat()
        assert self.prerender is not None
        self.prerender.hand_over(page, files)
        return page

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        # MkDocs keeps every page's Markdown twice until the build ends: the generated
        # file's text and the page's copy without front matter. Once the page is HTML
        # nothing reads either again (serve makes new files and pages for each rebuild),
        # and on a large review they are a fifth of the build's memory.
        page.markdown = None
        if page.file.generated_by is not None:
            page.file.content_string = ""
        return html

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        # The theme's inline scripts run only if the policy names their hashes: one it added
        # (a new feature, a new version) would silently not run, so the build says so.
        missing = csp.unlisted(output, str(config.extra.get("csp", "")))
        if missing:
            raise PluginError(
                f"livingreview: {page.file.src_uri} has an inline script the Content Security Policy does not "
                f"allow ({missing[0]!r}...); keep the theme's inline scripts in templates/overrides/partials"
            )
        return output

    def on_serve(self, server: Any, config: MkDocsConfig, builder: Any) -> Any:
        for name in WATCHED:
            path = self.root / name
            if path.is_dir():
                server.watch(str(path))
        return server
