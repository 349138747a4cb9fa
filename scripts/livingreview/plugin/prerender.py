"""Pages converted to HTML before MkDocs asks for them: on every core, and kept.

MkDocs converts one page after another in one process (``Page.render``: Python-Markdown
and MkDocs' own link, anchor and title processors), and that is about half of a build.
Before MkDocs' loop reaches the pages, this module converts them with that same
``Page.render``, this process taking one share and forked workers (one per further core)
the others, so the HTML, the table of contents, the anchors, the title and every warning
are the ones MkDocs itself would produce. MkDocs' loop then finds each page's result
ready: ``render`` is replaced, on that page object only, by one that takes it, and that
falls back to MkDocs' own when the page's Markdown is not the text that was converted.

Results are kept, keyed by the page's path, the SHA-256 of its Markdown, the site's
Markdown configuration, the versions of the code that converts it and the list of files
links can point at: in memory, so ``mkdocs serve`` converts only what changed since its
last build, and as JSON in the review's cache folder (the user's, never the working
tree: see :mod:`livingreview.load.cache`), so a later build converts only the pages that
changed. Adding, removing or renaming a page changes where links can point, so then every
page is converted again. The folder is written from the second build on (the first only makes it), so a
one-off build in CI pays nothing for it. Warnings raised while a page is converted are
kept with its result and logged again, in order, when MkDocs renders the page, so
``--strict`` counts them as usual.

Workers are forked, which is safe only in a process with no other threads: ``mkdocs
serve`` runs a web server in threads, so there (and where fork is not the platform's
way) everything is converted in this process. ``LIVINGREVIEW_WORKERS=N`` sets how many
workers a build forks (0: none).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
import tempfile
import threading
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from multiprocessing import get_context
from pathlib import Path
from types import MethodType
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, TableOfContents

from ..load.cache import FORMAT, cores, usable_folder

log = logging.getLogger("mkdocs.plugins.livingreview")

#: Below this many pages a worker costs more than it saves.
MIN_PAGES_TO_FORK = 24
#: Pages a worker converts per task.
CHUNK = 32


@dataclass
class Converted:
    """What ``Page.render`` leaves on a page, in a form that crosses a process boundary."""

    content: str
    toc: Any
    title: str | None
    anchors: set[str] | None
    #: ``Page.links_to_anchors`` with each target file named by its path.
    links: dict[str, dict[str, str]] | None
    #: (logger name, level, message) of each record logged while converting.
    records: list[tuple[str, int, str]] = field(default_factory=list)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[tuple[str, int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.name, record.levelno, record.getMessage()))


def convert(page: Page, config: MkDocsConfig, files: Files) -> Converted:
    """Run MkDocs' own ``Page.render`` on ``page`` and keep what it left."""
    # MkDocs logs through handlers on the "mkdocs" logger (its console output and, for
    # --strict, a counter): while converting, only the collector listens, and the records
    # are logged for real when MkDocs renders the page (apply).
    # A quiet build (-q) raises the logger's level: records are collected from INFO up all
    # the same, so a result kept by a quiet build still warns in a later --strict one (the
    # replay in apply() goes through whatever level that build has).
    collect = _Collect()
    logger = logging.getLogger("mkdocs")
    handlers, propagate, level = logger.handlers, logger.propagate, logger.level
    logger.handlers, logger.propagate = [collect], False
    if logger.getEffectiveLevel() > logging.INFO:
        logger.setLevel(logging.INFO)
    config._current_page = page
    try:
        Page.render(page, config, files)
    finally:
        logger.handlers, logger.propagate = handlers, propagate
        logger.setLevel(level)
        config._current_page = None
    links = page.links_to_anchors
    return Converted(
        content=page.content or "",
        toc=page.toc,
        title=page._title_from_render,
        anchors=page.present_anchor_ids,
        links={f.src_uri: dict(v) for f, v in links.items()} if links is not None else None,
        records=collect.records,
    )


def apply(page: Page, files: Files, done: Converted) -> None:
    """Leave on ``page`` what ``Page.render`` would have, and log what it would have logged."""
    for name, level, message in done.records:
        logging.getLogger(name).log(level, message)
    page.content = done.content
    page.toc = done.toc
    page._title_from_render = done.title
    page.present_anchor_ids = done.anchors
    if done.links is not None:
        page.links_to_anchors = {files.get_file_from_path(uri): v for uri, v in done.links.items()}  # type: ignore[misc]


# --------------------------------------------------------------------------- kept on disk


def _toc_data(items: list[AnchorLink]) -> list[Any]:
    return [[a.title, a.id, a.level, _toc_data(a.children)] for a in items]


def _toc_from(data: list[Any]) -> list[AnchorLink]:
    out = []
    for title, ident, level, children in data:
        link = AnchorLink(str(title), str(ident), int(level))
        link.children = _toc_from(children)
        out.append(link)
    return out


def to_json(done: Converted) -> str:
    return json.dumps(
        {
            "content": done.content,
            "toc": _toc_data(list(done.toc)),
            "title": done.title,
            "anchors": None if done.anchors is None else sorted(done.anchors),
            "links": done.links,
            "records": done.records,
        },
        ensure_ascii=False,
    )


def from_json(text: str) -> Converted:
    """A kept result; anything that does not fit raises ValueError (the page is converted again)."""
    try:
        data = json.loads(text)
        toc = _toc_from(data["toc"])
        if toc:
            toc[0].active = True  # type: ignore[attr-defined]  # as mkdocs.structure.toc.get_toc does
        anchors, links = data["anchors"], data["links"]
        records = [(str(name), int(level), str(msg)) for name, level, msg in data["records"]]
        return Converted(
            content=str(data["content"]),
            toc=TableOfContents(toc),
            title=None if data["title"] is None else str(data["title"]),
            anchors=None if anchors is None else {str(a) for a in anchors},
            links=None if links is None else {str(k): {str(a): str(b) for a, b in v.items()} for k, v in links.items()},
            records=records,
        )
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(str(exc)) from exc


class Shelf:
    """Converted pages kept in the review's cache folder, one JSON file each."""

    def __init__(self, root: Path | None) -> None:
        folder = usable_folder(root)[0] if root is not None else None
        self.folder = folder / "html" if folder is not None else None
        self.used: set[str] = set()

    def has(self, key: str) -> bool:
        """Whether a result is kept for ``key`` (read only when the page is rendered)."""
        if self.folder is None or not (self.folder / f"{key}.json").is_file():
            return False
        self.used.add(key)
        return True

    def get(self, key: str) -> Converted | None:
        if self.folder is None:
            return None
        path = self.folder / f"{key}.json"
        try:
            done = from_json(path.read_text(encoding="utf-8"))
        except OSError:
            return None
        except (UnicodeDecodeError, ValueError):
            path.unlink(missing_ok=True)  # so the next build converts the page and keeps it again
            self.used.discard(key)
            return None
        self.used.add(key)
        return done

    def put(self, items: dict[str, Converted]) -> None:
        """Keep ``items`` and drop what this build did not use; the first build only makes the folder."""
        if self.folder is None:
            return
        try:
            if not self.folder.is_dir():
                self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
                return
            for key, done in items.items():
                fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
                try:
                    with os.fdopen(fd, "w", encoding="utf-8") as fh:
                        fh.write(to_json(done))
                    os.replace(tmp, self.folder / f"{key}.json")
                except BaseException:
                    Path(tmp).unlink(missing_ok=True)
                    raise
            keep = self.used | set(items)
            for old in self.folder.glob("*.json"):
                if old.stem not in keep:
                    old.unlink(missing_ok=True)
        except OSError:
            pass  # a read-only home simply goes without


# --------------------------------------------------------------------------- keys


def _setting_digest(config: MkDocsConfig, files: Files) -> str:
    """What, besides a page's own text, its HTML depends on."""
    h = hashlib.sha256()
    h.update(FORMAT.encode())  # this package's code
    h.update(sys.version.encode())  # the standard library's html.parser, which Python-Markdown uses
    for dist in ("mkdocs", "markdown", "pymdown-extensions", "mkdocs-material", "pygments"):
        h.update(f"{dist}={version(dist)}\n".encode())
    # MkDocs records a page's links to other pages' anchors (for validation) only when not debugging
    debugging = logging.getLogger("mkdocs.structure.pages").getEffectiveLevel() <= logging.DEBUG
    h.update(b"debug" if debugging else b"")
    h.update(repr((config["markdown_extensions"], config["mdx_configs"], config["use_directory_urls"])).encode())
    h.update(repr(config["validation"]).encode())
    for f in sorted(files, key=lambda f: f.src_uri):
        h.update(f"{f.src_uri}\0{f.url}\0{f.inclusion}\n".encode())
    return h.hexdigest()


def _text_digest(markdown: str) -> str:
    return hashlib.sha256(markdown.encode("utf-8")).hexdigest()


# The pages and settings a forked worker inherits; set in the parent just before forking.
_JOB: tuple[list[Page], MkDocsConfig, Files] | None = None


def _work(indices: list[int]) -> list[Converted]:
    assert _JOB is not None
    pages, config, files = _JOB
    return [convert(pages[i], config, files) for i in indices]


class Prerender:
    """Converts a build's pages ahead of MkDocs and hands each result over once."""

    def __init__(self, parallel: bool, root: Path | None = None, retain: bool = False) -> None:
        self.parallel = parallel
        #: ``LIVINGREVIEW_PRERENDER=0`` leaves every page to MkDocs, as without this module.
        self.enabled = os.environ.get("LIVINGREVIEW_PRERENDER", "1") != "0"
        #: Keep results in memory after handing them over, for the next rebuild (``mkdocs
        #: serve``). A one-off build drops each as MkDocs takes it: a hook that changes the
        #: page's HTML afterwards would otherwise leave two copies of every page in memory.
        self.retain = retain
        #: key (see :meth:`key`) -> result not handed over yet (or, retaining, kept for the next build).
        self.kept: dict[str, Converted] = {}
        #: keys of results on the shelf, read one at a time as MkDocs renders their pages.
        self.on_shelf: set[str] = set()
        self.root = root
        self.shelf = Shelf(root)
        self._settings = ""

    def key(self, page: Page) -> str:
        text = f"{page.file.src_uri}\0{_text_digest(page.markdown or '')}\0{self._settings}"
        return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()

    def run(self, config: MkDocsConfig, files: Files) -> None:
        """Convert every documentation page that has no kept result."""
        global _JOB
        if not self.enabled:
            return
        self._settings = _setting_digest(config, files)
        todo: list[Page] = []
        kept: dict[str, Converted] = {}
        self.on_shelf = set()
        for file in files.documentation_pages():
            page = file.page if file.page is not None else Page(None, file, config)
            page.read_source(config)
            key = self.key(page)
            done = self.kept.get(key)
            if done is not None:
                kept[key] = done
            elif self.shelf.has(key):
                self.on_shelf.add(key)
            else:
                todo.append(page)
                continue
            page.markdown = None
        self.kept = kept
        workers = self._workers(len(todo))
        results: list[Converted | None] = [None] * len(todo)
        shares = [list(range(i, len(todo), workers + 1)) for i in range(workers + 1)]
        futures: list[tuple[list[int], Future[list[Converted]]]] = []
        if workers:
            _JOB = (todo, config, files)
            pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"))
            # In small chunks, so results come back (pickled) a few pages at a time.
            others = sorted(i for share in shares[1:] for i in share)
            chunks = [others[i : i + CHUNK] for i in range(0, len(others), CHUNK)]
            futures = [(chunk, pool.submit(_work, chunk)) for chunk in chunks]
        # Anything that goes wrong here (a page that fails, a worker that dies) leaves those
        # pages to MkDocs' own loop, which converts them again and reports a failure the
        # usual way, naming the page.
        try:
            for i in shares[0]:
                try:
                    results[i] = convert(todo[i], config, files)
                except Exception:
                    results[i] = None
            for share, future in futures:
                try:
                    for i, converted in zip(share, future.result(), strict=True):
                        results[i] = converted
                except Exception as exc:
                    log.info(f"livingreview: a worker converting pages failed ({exc!r}); MkDocs converts them")
        finally:
            if workers:
                pool.shutdown()
                _JOB = None
        new: dict[str, Converted] = {}
        for page, result in zip(todo, results, strict=True):
            if result is not None:
                new[self.key(page)] = result
            page.markdown = None  # MkDocs reads it again, through the plugins' hooks
        reused = len(self.kept) + len(self.on_shelf)
        self.kept.update(new)
        self.shelf.put(new)
        log.info(
            f"livingreview: {reused} pages kept from an earlier build; "
            f"converted {len(new)} of {len(todo)} in {workers + 1} process{'es' if workers else ''}"
        )

    def _workers(self, pages: int) -> int:
        """How many processes to fork besides this one: one per further core this process
        may use, none for a few pages; ``LIVINGREVIEW_WORKERS`` sets the number (0: convert
        in this process). Not when Python runs other threads (``mkdocs serve``); threads
        that native libraries start are not seen, but the workers never use them."""
        if not self.parallel or not pages or sys.platform != "linux" or threading.active_count() > 1:
            return 0
        forced = os.environ.get("LIVINGREVIEW_WORKERS", "")
        if forced.isdigit():
            return min(int(forced), pages - 1)
        return max(0, min(cores() - 1, pages // MIN_PAGES_TO_FORK))

    def hand_over(self, page: Page, files: Files) -> None:
        """Let ``page.render`` take the kept result when the Markdown is the one converted."""
        if not self.enabled:
            return
        prerender = self

        def render(self: Page, config: MkDocsConfig, files: Files) -> None:
            done = prerender.take(prerender.key(self))
            if done is None:
                Page.render(self, config, files)
            else:
                apply(self, files, done)

        page.render = MethodType(render, page)  # type: ignore[method-assign]

    def take(self, key: str) -> Converted | None:
        """The result for ``key``, from memory or the shelf; None: MkDocs converts the page."""
        done = self.kept.get(key) if self.retain else self.kept.pop(key, None)
        if done is None and key in self.on_shelf:
            done = self.shelf.get(key)  # None if the file went or broke meanwhile
            if done is not None and self.retain:
                self.kept[key] = done
        return done
