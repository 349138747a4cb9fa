"""Numbered citations as readers see them: Pandoc's prefixes shown, hidden citations not numbered."""

from __future__ import annotations

import pytest

from conftest import FIXTURE
from livingreview.load.loader import load_review
from livingreview.render.citations import CitedBy, Citer
from livingreview.render.renderer import citations_in_markdown
from livingreview.render.vancouver import md_safe, page_range

REVIEW, _ = load_review(FIXTURE)


def citer() -> Citer:
    return Citer(REVIEW.references, "about.md", "About", CitedBy())


def test_a_prefix_reads_before_its_number() -> None:
    c = citer()
    out = citations_in_markdown("As reported [see @maude2018tisagenlecleucel, p. 3].", c)
    assert '<sup class="lr-cite">&#91;see <a href="#cite-1" title="Maude et al. 2018, p. 3"' in out
    assert "[see @" not in out


def test_hidden_and_code_citations_get_no_number() -> None:
    c = citer()
    text = (
        "<!-- [@laetsch2023three] -->\n\n    [@laetsch2023three] in an indented code block\n\n"
        "```\n[@laetsch2023three]\n```\n\nThe trial [@maude2018tisagenlecleucel].\n"
    )
    out = citations_in_markdown(text, c)
    assert c.numbers == {"maude2018tisagenlecleucel": 1}
    assert out.count("<sup") == 1 and "<!-- [@laetsch2023three] -->" in out


def test_record_text_is_escaped_once_around_its_citations() -> None:
    out = citer().text("O'Reilly & <b>co</b> [@maude2018tisagenlecleucel]")
    assert out.startswith("O'Reilly &amp; &lt;b&gt;co&lt;/b&gt; <sup")


def test_md_safe_escapes_each_character_once() -> None:
    assert md_safe('O\'Reilly MA, "Real World" & *x*') == "O&#39;Reilly MA, &quot;Real World&quot; &amp; &#42;x&#42;"


def test_nlm_page_ranges() -> None:
    assert [page_range(p) for p in ["742--753", "e816--e826", "788.e1--788.e9", "1770--1709", "98-102", "966"]] == [
        "742-53", "e816-26", "788.e1-9", "1770-1709", "98-102", "966",
    ]  # fmt: skip


def test_a_long_reference_list_is_left_out_of_search(monkeypatch: pytest.MonkeyPatch) -> None:
    """A page citing many studies lists more references than Zensical indexes as one section."""
    from livingreview.render import searched

    few, many = citer(), citer()
    keys = sorted(REVIEW.references)
    assert len(keys) > 3
    for key in keys[:3]:
        few.number(key)
    for key in keys:
        many.number(key)
    assert "data-search-exclude" not in few.reference_list()
    assert "data-search-exclude" not in many.reference_list()
    monkeypatch.setattr(searched, "SEARCHED_ITEMS", len(keys) - 1)
    assert '<ol class="lr-references" data-search-exclude markdown="1">' in many.reference_list()
