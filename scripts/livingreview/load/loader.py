"""Load the whole review from disk: one parse per file, every problem reported.

``load_review(root)`` is the core's single entry point: the CLI and the MkDocs
plugin both call it, then :func:`livingreview.check.check_review`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from ..model.config import load_config
from ..model.diagnostics import Diagnostics
from ..model.records import (
    SCHEMA_VERSION,
    SLUG,
    EndpointVocabulary,
    Flowchart,
    Glossary,
    KeyResults,
    Table,
    Trial,
)
from ..model.review import Page, Review
from ..model.screening import ScreeningLog, Search
from ..model.where import Mark
from .bibtex import read_bib
from .cache import LEGACY_DIR, ParseCache, legacy_files, paused_gc
from .convert import Converter, Invalid
from .yamlnodes import compose, read_text

TRIALS = "content/trials"
TABLES = "content/tables"
FLOWCHARTS = "content/flowcharts"
SEARCHES = "content/searches"
SCREENING = "content/screening"
ENDPOINTS = "content/endpoints.yaml"
GLOSSARY = "content/glossary.yaml"
KEY_RESULTS = "content/key-results.yaml"
PAGES = "content/pages"
REFERENCES = "references"


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def load_yaml(root: Path, path: Path, cls: type, diags: Diagnostics, *, subject: str = "") -> Any:
    """Parse one YAML file into ``cls``; None (with diagnostics) if it cannot be used."""
    file = rel(root, path)
    text = read_text(path, file, diags)
    if text is None:
        return None
    node = compose(text, file, diags)
    if node is None:
        return None
    try:
        obj = Converter(file, diags, subject).mapping(cls, node, "")
    except Invalid:
        return None
    version = getattr(obj, "schema_version", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        diags.add(
            "LR206",
            obj.where.value("schema_version"),
            f"schema_version {version} is not supported (this tool reads version {SCHEMA_VERSION})",
            subject=subject,
        )
        return None
    return obj


def _yaml_job(root: Path, path: Path, cls: type) -> Callable[[Diagnostics], Any]:
    """How one content file is parsed: the same function in and out of a worker process."""
    subject = path.stem if path.parent.name in ("trials", "tables", "flowcharts", "searches", "screening") else ""
    return partial(load_yaml, root, path, cls, subject=subject)


def _jobs(root: Path) -> list[tuple[Path, Callable[[Diagnostics], Any]]]:
    """Every file a review is read from, with the function that parses it."""
    jobs: list[tuple[Path, Callable[[Diagnostics], Any]]] = []
    singles: tuple[tuple[str, type], ...] = (
        (ENDPOINTS, EndpointVocabulary),
        (GLOSSARY, Glossary),
        (KEY_RESULTS, KeyResults),
    )
    for rel_path, cls in singles:
        if (root / rel_path).is_file():
            jobs.append((root / rel_path, _yaml_job(root, root / rel_path, cls)))
    folders: tuple[tuple[str, type], ...] = (
        (TRIALS, Trial),
        (TABLES, Table),
        (FLOWCHARTS, Flowchart),
        (SEARCHES, Search),
        (SCREENING, ScreeningLog),
    )
    for folder, cls in folders:
        jobs += [(p, _yaml_job(root, p, cls)) for p in sorted((root / folder).glob("*.yaml"))]
    jobs += [(p, partial(read_bib, p, rel(root, p))) for p in sorted((root / REFERENCES).glob("*.bib"))]
    return jobs


def inputs(root: Path) -> list[Path]:
    """Every file :func:`load_review` reads, in a fixed order."""
    paths = [path for path, _ in _jobs(root)]
    paths += sorted((root / PAGES).rglob("*.md"))
    paths += [p for p in (root / "pyproject.toml", root / "CITATION.cff") if p.is_file()]
    return paths + legacy_files(root)  # not read, but reported: a new one must be seen


def load_collection(
    root: Path,
    folder: str,
    cls: type,
    diags: Diagnostics,
    what: str,
    unreadable: set[str] | None = None,
    cache: ParseCache | None = None,
    key: str = "id",
) -> dict[str, Any]:
    """Every ``folder/*.yaml`` as ``cls``, keyed by id (the field ``key``); the id must equal the file name."""
    cache = cache or ParseCache()
    loaded = [
        (path, cache.get(path, _yaml_job(root, path, cls), diags)) for path in sorted((root / folder).glob("*.yaml"))
    ]
    # Files whose id matches their name claim their id first, so a copied file is the
    # one told about the clash.
    loaded.sort(key=lambda pt: (pt[1] is None or pt[1].id != pt[0].stem, pt[0].name))
    out: dict[str, Any] = {}
    for path, obj in loaded:
        if obj is None:
            if unreadable is not None:
                unreadable.add(path.stem)
            continue
        if obj.id != path.stem and unreadable is not None:
            unreadable.add(path.stem)  # references by file name are already explained
        if obj.id != path.stem and re.match(SLUG, obj.id):
            diags.add(
                "LR207",
                obj.where.value(key),
                f"{what} id '{obj.id}' differs from its file name '{path.name}'",
                f"rename the file to {obj.id}.yaml or set {key}: {path.stem}",
                subject=obj.id,
            )
        if obj.id in out:
            diags.add(
                "LR503",
                obj.where.value(key),
                f"{what} id '{obj.id}' is already used by {out[obj.id].where.file}",
                f"give each {what} its own id",
                subject=obj.id,
            )
            continue
        out[obj.id] = obj
    return out


def load_citation(path: Path, diags: Diagnostics) -> dict[str, Any]:
    """CITATION.cff as plain data (it has its own schema, checked in the tests)."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except (YAMLError, UnicodeDecodeError) as exc:
        diags.add("LR101", Mark(path.name, 1, 1), f"CITATION.cff cannot be read: {str(exc).splitlines()[0]}")
        return {}
    return data if isinstance(data, dict) else {}


def load_review(
    root: Path, diags: Diagnostics | None = None, cache: ParseCache | None = None
) -> tuple[Review, Diagnostics]:
    """Read configuration, endpoints, records, references and pages under ``root``.

    ``cache`` keeps parsed files between calls (see :mod:`livingreview.load.cache`); without
    one every file is parsed afresh.
    """
    with paused_gc():
        return _load_review(root, diags, cache or ParseCache())


def _load_review(root: Path, diags: Diagnostics | None, cache: ParseCache) -> tuple[Review, Diagnostics]:
    root = root.resolve()
    bootstrap = Diagnostics()
    config = load_config(root, bootstrap)
    diags = diags or config.diagnostics()
    diags.extend(bootstrap)
    review = Review(root, config)
    for path in legacy_files(root):
        diags.add(
            "LR700",
            Mark(rel(root, path)),
            "a cache file in the working tree; livingreview never reads it",
            f"delete the {LEGACY_DIR} folder: the cache lives in the user's cache folder now",
        )
    cache.prefetch(_jobs(root))  # many files not parsed yet: parse them on every core first

    vocab_path = root / ENDPOINTS
    if vocab_path.is_file():
        vocab = cache.get(vocab_path, _yaml_job(root, vocab_path, EndpointVocabulary), diags)
        if vocab is not None:
            review.endpoints = vocab.endpoints
    else:
        diags.add("LR201", Mark(ENDPOINTS), "the endpoint vocabulary is missing", f"create {ENDPOINTS}")

    glossary_path = root / GLOSSARY
    if glossary_path.is_file():
        glossary = cache.get(glossary_path, _yaml_job(root, glossary_path, Glossary), diags)
        if glossary is not None:
            review.glossary = glossary.entries

    key_results_path = root / KEY_RESULTS
    if key_results_path.is_file():
        key_results = cache.get(key_results_path, _yaml_job(root, key_results_path, KeyResults), diags)
        if key_results is not None:
            review.kinds = key_results.kinds

    review.trials = load_collection(root, TRIALS, Trial, diags, "record", review.unreadable, cache)
    review.tables = load_collection(root, TABLES, Table, diags, "table", cache=cache)
    review.flowcharts = load_collection(root, FLOWCHARTS, Flowchart, diags, "flowchart", cache=cache)
    broken = review.unreadable_searches
    review.searches = load_collection(root, SEARCHES, Search, diags, "search", broken, cache)
    review.screening = load_collection(root, SCREENING, ScreeningLog, diags, "screening log", broken, cache, "search")

    for path in sorted((root / REFERENCES).glob("*.bib")):
        for ref in cache.get(path, partial(read_bib, path, rel(root, path)), diags):
            if ref.key in review.references:
                first_at = review.references[ref.key].where.start
                diags.add(
                    "LR301",
                    ref.where.start,
                    f"duplicate BibTeX key '{ref.key}' (also at {first_at})",
                    "rename or merge one of the entries",
                    subject=ref.key,
                )
                continue
            review.references[ref.key] = ref

    cff = root / "CITATION.cff"
    if cff.is_file():
        review.citation = load_citation(cff, diags)

    pages_dir = root / PAGES
    for path in sorted(pages_dir.rglob("*.md")):
        file = rel(root, path)
        text = cache.get(path, partial(read_text, path, file), diags)
        if text is not None:
            page_path = path.relative_to(pages_dir).as_posix()
            review.pages[page_path] = Page(page_path, file, text)
    return review, diags
