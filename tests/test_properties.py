"""Hypothesis properties: any input gives a model or diagnostics, never an exception."""

from __future__ import annotations

import string
from pathlib import Path

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from livingreview.load.bibtex import parse_bib
from livingreview.load.convert import Converter, Invalid
from livingreview.load.yamlnodes import compose
from livingreview.model.diagnostics import Diagnostics
from livingreview.model.records import Trial
from livingreview.text import cite

FIXTURE_RECORD = (Path(__file__).parent / "corpus/_base/content/trials/ok.yaml").read_text(encoding="utf-8")
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def load_record(text: str) -> tuple[object | None, Diagnostics]:
    diags = Diagnostics()
    node = compose(text, "x.yaml", diags)
    if node is None:
        return None, diags
    try:
        return Converter("x.yaml", diags).mapping(Trial, node, ""), diags
    except Invalid:
        return None, diags


@SETTINGS
@given(st.text())
def test_yaml_loader_never_raises_on_any_text(text: str) -> None:
    model, diags = load_record(text)
    assert model is not None or len(diags) > 0


yaml_chars = st.sampled_from(list(":-[]{}\"'#&*!|>%@`,? \t\n") + list(string.ascii_letters[:6]) + ["  ", "\n  "])


@SETTINGS
@given(st.integers(0, len(FIXTURE_RECORD)), st.lists(yaml_chars, max_size=8), st.integers(0, 20))
def test_yaml_loader_never_raises_on_a_damaged_record(pos: int, insert: list[str], cut: int) -> None:
    text = FIXTURE_RECORD[:pos] + "".join(insert) + FIXTURE_RECORD[pos + cut :]
    model, diags = load_record(text)
    assert model is not None or len(diags) > 0
    for d in diags:
        assert d.line >= 1 and d.col >= 1


bib_chars = st.sampled_from(
    [*list('@{}(),="#%\\ \n'), "article", "string", "title", "author", "and", "others", *list("abc123")]
)


@SETTINGS
@given(st.lists(bib_chars, max_size=60))
def test_bibtex_loader_never_raises(parts: list[str]) -> None:
    diags = Diagnostics()
    refs = parse_bib("".join(parts), "x.bib", diags)
    assert isinstance(refs, list)


@SETTINGS
@given(st.text())
def test_bibtex_loader_never_raises_on_any_text(text: str) -> None:
    parse_bib(text, "x.bib", Diagnostics())


keys = st.from_regex(r"[A-Za-z0-9_][A-Za-z0-9_]{0,12}([:./-][A-Za-z0-9_]{1,6}){0,2}", fullmatch=True)


@SETTINGS
@given(st.text())
def test_citation_scanner_never_raises(text: str) -> None:
    good, _bad = cite.scan(text)
    for c in good:
        assert text[c.start] == "[" and text[c.end - 1] == "]"


@SETTINGS
@given(
    keys,
    st.text(alphabet=string.ascii_letters + " .,", max_size=20),
    st.text(alphabet=string.ascii_letters + " ", max_size=20),
)
def test_a_written_citation_is_found_with_its_key(key: str, before: str, locator: str) -> None:
    loc = locator.strip()
    text = f"{before} [@{key}{', ' + loc if loc else ''}] after."
    assert [(i.key, i.locator) for c in cite.scan(text)[0] for i in c.items] == [(key, " ".join(loc.split()))]


@SETTINGS
@given(keys)
def test_citations_in_code_are_never_found(key: str) -> None:
    text = f"`[@{key}]` and\n\n```\n[@{key}]\n```\n"
    assert cite.scan(text) == ([], [])


latex_pieces = st.sampled_from(
    [
        "Garc", "a", "Lee", " ", " and ", "-", "--", "---", "CD19", "{CAR}", "{T}", "{", "}", "~", "``", "''",
        "'", "`", "!`", "?`", "%", "&", "\\'e", "\\'{e}", "\\`a", "\\^o", '\\"u', '\\"{o}', "\\~n", "\\c{c}",
        "\\c c", "\\v{s}", "\\u{a}", "\\H{o}", "\\'\\i", "\\'{\\i}", "\\'\\i ", "\\ss", "\\ss{}", "\\o",
        "\\aa", "\\l", "\\&", "\\%", "\\_", "\\$", "\\{", "\\}", "$\\alpha$", "$\\beta$", "$\\kappa$",
        "\\textit{in vivo}", "\\emph{et al}", "\\textbf{B}",
    ]
)  # fmt: skip


@given(st.lists(latex_pieces, max_size=12))
@example(["\\o", "\\'e"])  # once read as \oe followed by an accent
@example(["\\o", "\\textit{in vivo}"])
@example(["\\o", "e"])
@example(["-", "{", "-"])  # "--" only where the dashes touch
@example(["\\{", "--", "\\}"])  # an escaped brace stays
def test_the_fast_latex_decoders_agree_with_pylatexenc(pieces: list[str]) -> None:
    """Common bibliography LaTeX is decoded without a full parser; where a fast path
    answers, it must answer what pylatexenc (with this project's rules) would."""
    from livingreview.text.latex import decode, full_latex

    value = "".join(pieces)
    assert decode(value) == " ".join(full_latex(value).split())


plain_pieces = st.sampled_from(["Lee", " ", "-", "--", "---", "~", "``", "''", "'", "{", "}", "{CAR}", "%", "&"])


@given(st.lists(plain_pieces, max_size=12))
@example(["a--b"])
@example(["``", "Real", "''", "~", "World"])
def test_decoding_does_not_depend_on_a_backslash(pieces: list[str]) -> None:
    """Dashes, ~, TeX quotes and braces read the same whether or not an accent elsewhere
    in the value sends it down the slow path."""
    from livingreview.text.latex import decode

    value = "".join(pieces)
    assert decode(value + " \\'e") == " ".join((decode(value) + " é").split())


# BibTeX values with nested braces and quotes: BibTeX's grammar counts braces, and a quote
# ends a quoted value only at brace depth 0.
_atoms = st.sampled_from(["a", "B", " ", ",", "=", "#", "%", "@", '\\"', "\\'", "(", ")", "}{"[:0] or "x"])


def _braced(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return inner.map(lambda s: "{" + s + "}")


_balanced = st.recursive(
    st.lists(_atoms, max_size=4).map("".join),
    lambda inner: st.lists(st.one_of(inner, _braced(inner), st.just('"')), max_size=4).map("".join),
    max_leaves=16,
)


def _depth0_quote(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += 1 if ch == "{" else -1 if ch == "}" else 0
        if ch == '"' and depth == 0:
            return True
    return False


@SETTINGS
@given(_balanced, st.booleans(), st.booleans())
@example('{{}"}', True, False)  # bibtexparser 2.1 ends this value at the inner quote
@example('Kr{\\"a}mer', True, False)
@example('The {"}Real{"} World', True, True)
def test_quoted_and_braced_values_are_read_whole(content: str, quoted: bool, concat: bool) -> None:
    if quoted and _depth0_quote(content):
        return  # not a quoted value BibTeX can write
    literal = f'"{content}"' if quoted else "{" + content + "}"
    value = f'{literal} # " tail"' if concat else literal
    text = f"@article{{k1,\n  title = {value},\n  year = 2020\n}}\n\n@misc{{k2, title = {{x}}}}\n"
    diags = Diagnostics()
    refs = parse_bib(text, "x.bib", diags)
    assert [d.code for d in diags if d.severity == "error"] == []
    assert [r.key for r in refs] == ["k1", "k2"]
    assert refs[0].latex("title") == content + (" tail" if concat else "")
    assert refs[0].latex("year") == "2020"
