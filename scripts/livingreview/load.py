"""Load the whole review from disk: one parse per file, every problem reported.

``load_review(root)`` is the core's single entry point: the CLI and the MkDocs
plugin both call it, then :func:`livingreview.check.check_review`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .bibtex import read_bib
from .config import Config, load_config
from .convert import Converter, Invalid
from .diagnostics import Diagnostics
from .model import SCHEMA_VERSION, SLUG, Endpoint, EndpointVocabulary, Reference, Trial
from .where import Mark
from .yamlnodes import compose, read_text

TRIALS = "content/trials"
ENDPOINTS = "content/endpoints.yaml"
PAGES = "content/pages"
REFERENCES = "references"


@dataclass
class Page:
    """A narrative Markdown page; ``path`` is relative to content/pages."""

    path: str
    file: str
    text: str


@dataclass
class Review:
    root: Path
    config: Config
    trials: dict[str, Trial] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    references: dict[str, Reference] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)


def rel(root: Path, path: Path) -> str:
    return path.relative_to(root).as_posix()


def load_yaml(root: Path, path: Path, cls: type, diags: Diagnostics, subject: str = "") -> Any:
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


def load_review(root: Path, diags: Diagnostics | None = None) -> tuple[Review, Diagnostics]:
    """Read configuration, endpoints, records, references and pages under ``root``."""
    root = root.resolve()
    bootstrap = Diagnostics()
    config = load_config(root, bootstrap)
    diags = diags or config.diagnostics()
    diags.extend(bootstrap)
    review = Review(root, config)

    vocab_path = root / ENDPOINTS
    if vocab_path.is_file():
        vocab = load_yaml(root, vocab_path, EndpointVocabulary, diags)
        if vocab is not None:
            review.endpoints = vocab.endpoints
    else:
        diags.add("LR201", Mark(ENDPOINTS), "the endpoint vocabulary is missing", f"create {ENDPOINTS}")

    loaded = [
        (path, load_yaml(root, path, Trial, diags, subject=path.stem))
        for path in sorted((root / TRIALS).glob("*.yaml"))
    ]
    # Records whose id matches their file name claim their id first, so a copied file
    # is the one told about the clash.
    loaded.sort(key=lambda pt: (pt[1] is None or pt[1].id != pt[0].stem, pt[0].name))
    for path, trial in loaded:
        if trial is None:
            continue
        if trial.id != path.stem and re.match(SLUG, trial.id):
            diags.add(
                "LR207",
                trial.where.value("id"),
                f"record id '{trial.id}' differs from its file name '{path.name}'",
                f"rename the file to {trial.id}.yaml or set id: {path.stem}",
                subject=trial.id,
            )
        if trial.id in review.trials:
            first = review.trials[trial.id].where.file
            diags.add(
                "LR503",
                trial.where.value("id"),
                f"record id '{trial.id}' is already used by {first}",
                "give each record its own id",
                subject=trial.id,
            )
            continue
        review.trials[trial.id] = trial

    for path in sorted((root / REFERENCES).glob("*.bib")):
        for ref in read_bib(path, rel(root, path), diags):
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

    pages_dir = root / PAGES
    for path in sorted(pages_dir.rglob("*.md")):
        file = rel(root, path)
        text = read_text(path, file, diags)
        if text is not None:
            page_path = path.relative_to(pages_dir).as_posix()
            review.pages[page_path] = Page(page_path, file, text)
    return review, diags
