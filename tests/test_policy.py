"""The Content Security Policy and the sanitiser's view of Markdown, without a browser."""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import REPO
from livingreview.render import csp
from livingreview.text import markup

OVERRIDES = REPO / "templates/overrides"


def test_the_policy_allows_the_themes_inline_scripts_by_hash_and_nothing_else() -> None:
    policy = dict(part.split(" ", 1) for part in csp.policy(OVERRIDES).split("; "))
    scripts = csp.inline_scripts(OVERRIDES)
    assert len(scripts) >= 3
    allowed = policy["script-src"].split()
    assert allowed[0] == "'self'"
    assert sorted(allowed[1:]) == sorted({csp.script_hash(body) for _, body in scripts})
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    assert policy["default-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert "unsafe-inline" not in policy["style-src"]


def test_a_script_that_varies_by_page_cannot_be_allowed(tmp_path: Path) -> None:
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials/x.html").write_text("<script>var base = '{{ base_url }}'</script>", encoding="utf-8")
    with pytest.raises(csp.UnhashableScript, match="depends on the page"):
        csp.policy(tmp_path)


def test_a_page_with_a_script_the_policy_does_not_name_is_found() -> None:
    policy = csp.policy(OVERRIDES)
    _, body = csp.inline_scripts(OVERRIDES)[0]
    page = f'<script>{body}</script><script type="application/json">{{"a": 1}}</script><script src="x.js"></script>'
    assert csp.unlisted(page, policy) == []
    assert csp.unlisted(page + "<script>alert(1)</script>", policy) == ["alert(1)"]


@pytest.mark.parametrize(
    ("html", "inline"),
    [
        ('<p>x</p><SCRIPT type="module">a()</SCRIPT><script src="x.js"></script>', ["a()"]),
        ('<script type="application/json">{"a": "</p>"}</script><script>b()</script >', ["b()"]),
        ("<p>a &lt;script&gt;c()&lt;/script&gt; in text</p>", []),
        ("<script>d()</script><p>then text</p><script\n>e()</script>", ["d()", "e()"]),
        ("<!-- <script>f()</script> -->", []),  # a comment runs nothing
        ('<!-- <script src="x"> --><script>g()</script>', ["g()"]),
        ("<script>h('<script>')</script>", ["h('<script>')", "')"]),  # the second would not run: safe side
    ],
)
def test_inline_scripts_are_found_wherever_they_are(html: str, inline: list[str]) -> None:
    assert csp.page_scripts(html) == inline


def test_the_sanitiser_renders_markdown_as_the_site_does() -> None:
    """markup.EXTENSIONS is what mkdocs.yml lists: what nh3 is shown is what the engine makes."""
    config = YAML(typ="safe").load((REPO / "mkdocs.yml").read_text(encoding="utf-8").replace("!!python", "#"))
    listed = {}
    for item in config["markdown_extensions"]:
        name, options = next(iter(item.items())) if isinstance(item, dict) else (item, {})
        listed[name] = options or {}
    assert set(listed) == set(markup.EXTENSIONS)
    for name, options in markup.EXTENSION_CONFIGS.items():
        assert listed[name] == options, name


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("<script>alert(1)</script>", "LR212"),
        ('<span onclick="alert(1)">x</span>', "LR213"),
        ('<div class="md-sidebar">x</div>', "LR213"),
        ("[x](javascript:alert(1))", "LR214"),
        ("[x](vbscript:msgbox)", "LR214"),
        ("Text { onclick=alert(1) }\n{: onclick=alert(1) }", "LR213"),
    ],
)
def test_what_goes_is_reported_and_gone(text: str, code: str) -> None:
    fixed, removed = markup.sanitize(text)
    assert code in {r.code for r in removed}
    assert markup.change_count(fixed) == 0


@pytest.mark.parametrize(
    "text",
    [
        "Plain *Markdown* with [a link](https://example.org/) and [a page](../studies/eliana.md).",
        '<div class="lr-note" markdown="1">A **note**.</div>',
        '!!! warning "Careful"\n    An admonition.',
        "| a | b |\n|--:|:--|\n| 1 | 2 |",
        "<abbr title='cytokine release syndrome'>CRS</abbr> and <sup>1</sup>",
    ],
)
def test_the_sites_own_markup_comes_through_unchanged(text: str) -> None:
    assert markup.sanitize(text) == (text, ())
