"""Golden files pin the rendered Markdown and data files of the fixture review.

Regenerate with ``pytest --update-golden`` and review the diff.
"""

from __future__ import annotations

import pytest

from conftest import GOLDEN
from livingreview.pipeline import build

PINNED = [
    "studies/eliana.md",
    "bibliography.md",
    "about.md",
    "tables/pediatric.md",
    "tables/pediatric.csv",
    "flowcharts/mrd.md",
    "searches.md",
    "data/trials.json",
    "data/results.csv",
    "data/references.bib",
]


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str | bytes]:
    from conftest import make_review

    root = make_review(tmp_path_factory.mktemp("golden") / "review")
    result = build(root, root / "templates")
    assert not [d for d in result.diagnostics if d.severity == "error"]
    return result.files


@pytest.mark.parametrize("path", PINNED)
def test_golden(path: str, rendered: dict[str, str | bytes], update_golden: bool) -> None:
    golden = GOLDEN / path
    actual = rendered[path]
    assert isinstance(actual, str)
    if update_golden:
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(actual, encoding="utf-8")
    assert golden.is_file(), f"no golden file for {path}: run pytest --update-golden"
    assert actual == golden.read_text(encoding="utf-8")


def test_citation_numbers_follow_first_use(rendered: dict[str, str | bytes]) -> None:
    page = rendered["about.md"]
    assert isinstance(page, str)
    assert page.index('href="#cite-1" title="Maude et al. 2018"') < page.index(
        'href="#cite-2" title="Laetsch et al. 2023, Table 2"'
    )
    # both keys again in one group reuse their numbers
    assert 'title="Maude et al. 2018" data-lr-key="maude2018tisagenlecleucel">1</a>, <a href="#cite-2"' in page
    # code spans and fences are left alone
    assert "`[@not_a_citation]`" in page
    assert 'summary: "[@neither_is_this]"' in page


def test_eliana_cr_cites_maude_with_doi(rendered: dict[str, str | bytes]) -> None:
    page = rendered["studies/eliana.md"]
    assert isinstance(page, str)
    row = next(line for line in page.splitlines() if line.startswith("| [CR/CRi]"))
    assert "81%" in row
    assert 'title="Maude et al. 2018"' in row
    number = row.split('title="Maude et al. 2018"')[1].split(">")[1].split("<")[0]
    entry = next(line for line in page.splitlines() if f'<li id="cite-{number}"' in line)
    assert "https://doi.org/10.1056/NEJMoa1709866" in entry
