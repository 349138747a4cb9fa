"""The project's own references in Vancouver style, against the CSL ``vancouver.csl`` style
as Pandoc's citeproc prints it from the same .bib files.

``tests/data/vancouver.csl`` is the Citation Style Language project's Vancouver style
(CC BY-SA 3.0; https://github.com/citation-style-language/styles, commit 2d41555, before it
was renamed in 2026). Where this site deliberately prints what NLM's *Citing Medicine*
asks rather than what the CSL style does, the difference is listed in ``DIFFERENCES`` with
its reason and applied to the CSL text before comparing; every other difference fails.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO as ROOT
from livingreview.load.loader import load_review
from livingreview.render.vancouver import format_text

# (what it is, why we differ, the rewrite of the CSL text that removes the difference)
DIFFERENCES: list[tuple[str, str, Callable[[str], str]]] = [
    (
        "page ranges joined by a hyphen",
        "NLM writes 742-53 with a hyphen (Citing Medicine, ch. 1, 'Location (Pagination)'); the CSL "
        "processor joins ranges with an en dash.",
        lambda s: re.sub(r"(?<=\w)\u2013(?=\w)", "-", s),
    ),
    (
        "particles before the surname",
        "NLM keeps a particle where the author puts it ('van Tinteren H'); vancouver.csl's "
        "demote-non-dropping-particle moves it after the initials ('Tinteren H van').",
        lambda s: re.sub(r"\b([A-Z][\w-]+) ([A-Z]{1,4}) (van|de|der|von|van der|di|da)\b(?=,|\.)", r"\3 \1 \2", s),
    ),
    (
        "initials of hyphenated given names run together",
        "NLM writes 'Hu GH' for Guan-Hua Hu (Citing Medicine: hyphens are not kept in initials); "
        "vancouver.csl keeps them ('Hu G-H').",
        lambda s: re.sub(r"\b([A-Z])-(?=[A-Z]\b)", r"\1", s),
    ),
    (
        "apostrophes as written",
        "The CSL processor turns a straight apostrophe into a typographic one (O'Reilly, O\u2019Reilly); "
        "the site shows the character the entry holds.",
        lambda s: s.replace("\u2019", "'"),
    ),
    (
        "no dangling semicolon",
        "With neither volume nor issue, NLM ends with the year ('Front Immunol. 2023.'); the CSL "
        "style always puts the semicolon after the date.",
        lambda s: re.sub(r"(\. \d{4});(\.?)$", r"\1.", s),
    ),
    (
        "a page range that runs backwards is printed as written",
        "1770-1709 is an error in the entry (it is not shortened, so an editor can see it); "
        "the CSL processor shortens it anyway to 1770-09.",
        lambda s: s,
    ),
]

#: Entries that still differ, and why (each a data question, not a formatting rule).
REMAINING = {
    "anderson2023transcriptional": "pages 1770--1709 in the entry run backwards (listed for the reference audit)",
}


def csl_bibliography(root: Path) -> list[str]:
    doc = root / "nocite.md"
    doc.write_text('---\nnocite: "@*"\n---\n', encoding="utf-8")
    bibs = sorted((ROOT / "references").glob("*.bib"))
    out = subprocess.run(
        ["pandoc", str(doc), "--citeproc", "--csl", str(ROOT / "tests/data/vancouver.csl"), "-t", "plain",
         "--wrap=none", *[f"--bibliography={b}" for b in bibs]],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    return [re.sub(r"^\d+\. ", "", e.strip()) for e in out.split("\n\n") if e.strip()]


@pytest.fixture(scope="module")
def pandoc() -> str:
    path = shutil.which("pandoc")
    if path is None:
        pytest.fail("pandoc is not installed: run bash .ci/setup (it installs Debian's pandoc)")
    return path


def test_references_equal_the_csl_vancouver_style(pandoc: str, tmp_path: Path) -> None:
    review, _ = load_review(ROOT)
    keys = [
        k
        for bib in sorted((ROOT / "references").glob("*.bib"))
        for k in re.findall(r"^@\w+\{([^,]+),", bib.read_text(), re.M)
    ]
    csl = csl_bibliography(tmp_path)
    assert len(csl) == len(keys) == len(review.references) == 130
    equal, differ = 0, {}
    for key, theirs in zip(keys, csl, strict=True):
        for _, _, rewrite in DIFFERENCES:
            theirs = rewrite(theirs)
        ours = format_text(review.references[key])
        if ours == theirs:
            equal += 1
        else:
            differ[key] = (ours, theirs)
    unexplained = {k: v for k, v in differ.items() if k not in REMAINING}
    assert not unexplained, "\n".join(f"{k}\n  ours: {o}\n  csl:  {t}" for k, (o, t) in unexplained.items())
    assert equal >= 110
    assert set(differ) == set(REMAINING), "an entry listed in REMAINING now agrees: remove it from the list"
