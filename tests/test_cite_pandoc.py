"""The citation scanner against Pandoc's own reader (``pandoc -f markdown -t json``, from
Debian; .ci/setup installs it) on strings chosen to be hard.

For every string, the keys of Pandoc's normal and suppress-author citations must equal the
keys this site numbers, and the keys of Pandoc's author-in-text citations those that
:func:`livingreview.text.cite.bare_keys` finds, except for the strings in ``DIFFERENT``,
where the site deliberately reads the Markdown as Python-Markdown (its engine) does or
reports a probable typo instead of guessing.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from typing import Any

import pytest

from livingreview.text import cite

CASES = [
    "[@a]",
    "[@a; @b]",
    "[@a, p. 3]",
    "[see @a, p. 3]",
    "[see @a; also @b, ch. 1]",
    "[-@a]",
    "[@a p. 33]",
    "[@müller2020]",
    "[@a.]",
    "[@a:b/c-d]",
    "[@{a b}]",
    "<!-- [@b] -->",
    "text <!-- [@b] --> more",
    "    [@c]",
    "para\n\n    [@c]\n",
    "- item\n\n    [@d] in list",
    "```\n[@e]\n```",
    "`[@f]`",
    "[@g](http://x)",
    "[@h][]",
    "\\[@i]",
    "[\\@j]",
    "mail a@b.com",
    "@k says",
    "[see [@l]]",
    "[@m;@n]",
    "[ @o ]",
    "[@p, and *passim*]",
    "[@q]: http://x",
    "~~~\n[@r]\n~~~",
    "[@s,]",
    "[@t; p. 4]",
    "[@u @v]",
    "[@1999x]",
    "[@_x]",
    "[@x-]",
    "<span>[@y]</span>",
    "> [@z]",
    "[@aa\n, p. 3]",
    "[@bb](#x) and [@cc]",
    "[**see** @dd]",
    "[@ee, {pp. 1-2}]",
    "<!--\n[@ff]\n-->\n[@gg]",
    "[@a; -@b, p. 3; see also @c]",
    "<!-- a\n\n[@hidden] -->",
    "`a` [@x] `b`",
    "   ```\n[@y]\n   ```",
    "* one\n\n      [@z] code in a list",
    "[@a]\n\n\t[@tab]",
    "[@key2020, Table 2]",
]

#: string -> why the site's reading differs from Pandoc's
DIFFERENT = {
    "[@g](http://x)": "a link: Python-Markdown shows its text, so the site does not number it",
    "[@h][]": "a reference link, as Python-Markdown reads it",
    "[@bb](#x) and [@cc]": "the first is a link (see above); [@cc] agrees",
    "[@q]: http://x": "a link definition for Python-Markdown, which removes the line",
    "[@t; p. 4]": "Pandoc gives up on the group; the site reports it (LR311: 'p. 4' has no key)",
    "[@u @v]": "Pandoc reads @v as an in-text citation in the suffix; the site reports the missing ';' (LR311)",
}


def pandoc_keys(text: str) -> tuple[list[str], list[str]]:
    out = subprocess.run(
        ["pandoc", "-f", "markdown", "-t", "json"], input=text, capture_output=True, text=True, check=True
    ).stdout
    normal: list[str] = []
    in_text: list[str] = []

    def walk(x: Any) -> None:
        if isinstance(x, dict):
            if x.get("t") == "Cite":
                for item in x["c"][0]:
                    mode = item["citationMode"]["t"]
                    (in_text if mode == "AuthorInText" else normal).append(item["citationId"])
            for v in x.values():
                walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)

    walk(json.loads(out))
    return normal, in_text


@pytest.fixture(scope="module")
def pandoc() -> str:
    path = shutil.which("pandoc")
    if path is None:
        pytest.fail("pandoc is not installed: run bash .ci/setup (it installs Debian's pandoc)")
    return path


@pytest.mark.parametrize("text", CASES)
def test_keys_agree_with_pandoc(pandoc: str, text: str) -> None:
    normal, in_text = pandoc_keys(text)
    good, _ = cite.scan(text)
    ours = [item.key for c in good for item in c.items]
    bare = [key for key, _, _ in cite.bare_keys(text)]
    if text in DIFFERENT:
        assert (ours, bare) != (normal, in_text), "now agrees with Pandoc: remove it from DIFFERENT"
    else:
        assert (ours, bare) == (normal, in_text)


def test_the_corpus_is_tricky_enough() -> None:
    assert len(CASES) >= 40 and len(DIFFERENT) <= 8


def test_prefix_locator_and_suppressed_author() -> None:
    (c,), _ = cite.scan("as shown [see @smith04, p. 3; -@jones05 ch. 2]")
    assert [(i.key, i.prefix, i.locator, i.suppress_author) for i in c.items] == [
        ("smith04", "see", "p. 3", False),
        ("jones05", "", "ch. 2", True),
    ]
