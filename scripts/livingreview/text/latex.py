"""LaTeX as bibliographies write it, turned into Unicode text for display.

One decoder, whatever the value holds: dashes (``--``, ``---``), ``~``, TeX quotes
(````` ``…'' `````, ``!```, ``?```), braces, accents, symbols and font commands read
the same with or without a backslash elsewhere in the value. Most fields have no
markup and most markup is accents, which :func:`_simple_latex` handles with a few
substitutions; only what is left goes to pylatexenc's full parser, configured
here so that it answers what the fast paths answer.

Where this deliberately differs from pylatexenc's defaults (tests/test_real_bibtex.py
lists the same differences, with the reason for each):

- an unknown macro is kept as its name (``{\\LuaTeX}`` reads "LuaTeX"), never
  dropped, and :func:`unknown_macros` names it so that the loader can warn;
- ``%`` is a percent sign, not a comment (BibTeX has no comments inside values);
- ``&`` is an ampersand, not an alignment tab;
- ``\\mbox{…}`` keeps its text, ``\\url{…}`` and ``\\href{…}{…}`` their text without
  angle brackets, ``\\-`` (a hyphenation hint) and ``\\noopsort{…}`` (a sorting hint)
  disappear.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Any

#: An accent over a dotless i or j (\'\i, \'{\i}) is simply the accented letter.
_DOTLESS = re.compile(r"""\\([`'^"~=.])\s*(?:\{\s*\\([ij])\s*\}|\\([ij])(?![A-Za-z])\s*)""")
_ACCENT = re.compile(r"""\\([`'^"~=.])\s*(?:\{\s*([A-Za-z])\s*\}|([A-Za-z]))""")
#: Greek letters written as one-symbol formulas, as in $\alpha$-CD19.
_GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "kappa": "κ", "lambda": "λ", "mu": "μ", "pi": "π", "sigma": "σ", "tau": "τ",
}  # fmt: skip
_GREEK_MATH = re.compile(r"\$\\(" + "|".join(_GREEK) + r")\$")
_LETTER_ACCENT = re.compile(r"\\([cvuHkr])(?:\s*\{\s*([A-Za-z])\s*\}|\s+([A-Za-z]))")
_SYMBOL = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|o|O|l|L|i)(?![A-Za-z])\s*(?:\{\})?")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_PROTECT = {c: chr(0xE000 + i) for i, c in enumerate("&%$#_{}")}
_UNPROTECT = {ord(v): k for k, v in _PROTECT.items()}
_STYLE_NAMES = ("textit", "textbf", "emph", "textrm", "textsc", "textup", "textsf", "texttt", "textsl", "mathrm")
_STYLE = re.compile(r"\\(?:" + "|".join(_STYLE_NAMES) + r")\s*\{([^{}\\]*)\}")
_COMBINING = {
    "'": "\u0301",
    "`": "\u0300",
    "^": "\u0302",
    '"': "\u0308",
    "~": "\u0303",
    "=": "\u0304",
    ".": "\u0307",
    "c": "\u0327",
    "v": "\u030c",
    "u": "\u0306",
    "H": "\u030b",
    "k": "\u0328",
    "r": "\u030a",
}
_SYMBOLS = {
    "ss": "ß",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "aa": "å",
    "AA": "Å",
    "o": "ø",
    "O": "Ø",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
}
#: TeX's ligatures and active characters, longest first: what pylatexenc calls "specials".
_SPECIALS = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"), ("!`", "¡"), ("?`", "¿"))
_SPECIAL_CHARS = {**dict(_SPECIALS), "~": "\xa0"}
#: Read left to right, longest first, as TeX reads them ("!``" is "¡`").
_SPECIAL_RUN = re.compile("|".join(re.escape(t) for t, _ in _SPECIALS) + "|~")
_MAYBE_SPECIAL = re.compile(r"--|``|''|!`|\?`|~|[{}]")

#: Macros the fast path knows without asking pylatexenc (accents, letters, styles).
_FAST_MACROS = frozenset([*_COMBINING, *_SYMBOLS, *_STYLE_NAMES, "j", *"&%$#_{}"])
_MACRO = re.compile(r"\\([A-Za-z]+|[^A-Za-z\s])")


def _specials(text: str) -> str:
    """Dashes, quotes and ``~`` as TeX reads them; braces between two dashes keep them apart."""
    return _SPECIAL_RUN.sub(lambda m: _SPECIAL_CHARS[m.group(0)], text)


def _plain(value: str) -> str:
    """A value without macros or math: TeX's specials, and braces removed."""
    return _specials(value).replace("{", "").replace("}", "")


def _simple_latex(value: str) -> str | None:
    """The common LaTeX of bibliographies (accents, a few letters, escapes, font
    commands) without a full LaTeX parser; None when anything else is left."""
    # Letters first: a substitution below can put a letter right after \o, which would
    # then read as \oe (\o\'e is "øé", not "œ" with an accent).
    text = _DOTLESS.sub(lambda m: "\\" + m.group(1) + (m.group(2) or m.group(3)), value)
    text = _SYMBOL.sub(lambda m: _SYMBOLS[m.group(1)], text)
    text = _STYLE.sub(r"\1", text)
    text = _GREEK_MATH.sub(lambda m: _GREEK[m.group(1)], text)
    text = _ACCENT.sub(lambda m: (m.group(2) or m.group(3)) + _COMBINING[m.group(1)], text)
    text = _LETTER_ACCENT.sub(lambda m: (m.group(2) or m.group(3)) + _COMBINING[m.group(1)], text)
    # An escaped character stays itself ("\{" is a brace): kept apart while braces go.
    text = _ESCAPED.sub(lambda m: _PROTECT[m.group(1)], text)
    if "\\" in text or "$" in text:
        return None
    return unicodedata.normalize("NFC", _plain(text).translate(_UNPROTECT))


#: Macros that change only how text looks or breaks: nothing to show.
_QUIET = [
    "relax",
    "unskip",
    "ignorespaces",
    "protect",
    "nobreak",
    "allowbreak",
    "noindent",
    "xspace",
    "hfill",
    "null",
    "strut",
    "par",
    "it",
    "em",
    "bf",
    "sf",
    "tt",
    "rm",
    "sl",
    "sc",
    "up",
    "md",
    "itshape",
    "bfseries",
    "mdseries",
    "upshape",
    "scshape",
    "slshape",
    "normalfont",
    "rmfamily",
    "sffamily",
    "ttfamily",
    "tiny",
    "scriptsize",
    "footnotesize",
    "small",
    "normalsize",
    "large",
    "Large",
    "LARGE",
    "huge",
    "Huge",
]
#: Macros of one argument whose text is shown as it is.
_KEEP_ARGUMENT = [
    "mbox",
    "hbox",
    "text",
    "ensuremath",
    "textsuperscript",
    "textsubscript",
    "textnormal",
    "textmd",
    "acro",
    "uppercase",
    "MakeUppercase",
    "lowercase",
    "MakeLowercase",
]
#: Macros that stand for text: dashes, slashes and the TeX family's logos.
_WORDS = {
    "emdash": "\u2014", "endash": "\u2013", "Dash": "\u2014", "slash": "/", "hyphen": "-",
    "TeX": "TeX", "LaTeX": "LaTeX", "LaTeXe": "LaTeX2\u03b5", "BibTeX": "BibTeX", "AmSTeX": "AMS-TeX",
    "AmSLaTeX": "AMS-LaTeX", "METAFONT": "METAFONT", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX",
    "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "ConTeXt": "ConTeXt",
}  # fmt: skip
#: Macros of arguments shown in a frame: quotations, links, sorting hints.
_FRAMES = {"enquote": ("{", "\u201c%s\u201d"), "mkbibquote": ("{", "\u201c%s\u201d"), "url": ("{", "%s"),
           "href": ("{{", "%(2)s"), "noopsort": ("{", "")}  # fmt: skip


class _Pylatexenc:
    """pylatexenc's parser and text converter with this project's rules (see the module
    docstring); built on first use, since most bibliographies never need it."""

    def __init__(self) -> None:
        from pylatexenc import latex2text as l2t
        from pylatexenc import latexwalker, macrospec

        self.walker_db = latexwalker.get_default_latex_context_db()
        self.walker_db.add_context_category(
            "livingreview",
            prepend=True,
            macros=[macrospec.MacroSpec(name, "{") for name in _KEEP_ARGUMENT]
            + [macrospec.MacroSpec(name, args) for name, (args, _) in _FRAMES.items()],
        )
        self.text_db = l2t.get_default_latex_context_db()
        self.text_db.add_context_category(
            "livingreview",
            prepend=True,
            macros=[l2t.MacroTextSpec(name, simplify_repl="") for name in [*_QUIET, "-", "/", "@"]]
            + [l2t.MacroTextSpec(name, discard=False) for name in _KEEP_ARGUMENT]
            + [l2t.MacroTextSpec(name, simplify_repl=text) for name, text in _WORDS.items()]
            + [l2t.MacroTextSpec(name, simplify_repl=frame) for name, (_, frame) in _FRAMES.items()],
            specials=[l2t.SpecialsTextSpec("&", "&")],
        )
        self.names = frozenset(spec.macroname for spec in self.text_db.iter_macro_specs())
        self.text_db.set_unknown_macro_spec(l2t.MacroTextSpec("", simplify_repl=_macro_name))
        self.latexwalker = latexwalker
        self.converter = l2t.LatexNodes2Text(latex_context=self.text_db, math_mode="text", strict_latex_spaces=False)

    def known(self, name: str) -> bool:
        return name in self.names

    def to_text(self, value: str) -> str:
        # BibTeX has no comments inside values: a bare % is a percent sign
        value = re.sub(r"(?<!\\)%", r"\\%", value)
        walker = self.latexwalker.LatexWalker(value, latex_context=self.walker_db, tolerant_parsing=True)
        nodes, _, _ = walker.get_latex_nodes()
        return str(self.converter.nodelist_to_text(nodes))


def _macro_name(node: Any, *args: Any) -> str:
    return str(node.macroname)


@cache
def _pylatexenc() -> _Pylatexenc:
    return _Pylatexenc()


def full_latex(value: str) -> str:
    """The value through pylatexenc with this project's rules: the reference the fast
    paths are tested against."""
    return unicodedata.normalize("NFC", _pylatexenc().to_text(value))


@cache
def decode(value: str) -> str:
    """LaTeX to Unicode text, whitespace collapsed.

    Cached: names and journals repeat. Costs nothing for plain text, a few regular
    expressions for accents, and about a millisecond for anything else.
    """
    if "\\" in value or "$" in value:
        simple = _simple_latex(value)
        value = simple if simple is not None else full_latex(value)
    elif _MAYBE_SPECIAL.search(value):
        value = _plain(value)
    return " ".join(value.split())


def unknown_macros(value: str) -> list[str]:
    """Names of the macros in a value that the decoder does not know (kept as their names)."""
    if "\\" not in value:
        return []
    names = [m.group(1) for m in _MACRO.finditer(value)]
    rare = [n for n in names if n not in _FAST_MACROS]
    if not rare:
        return []
    known = _pylatexenc().known
    return sorted({n for n in rare if not known(n) and n.isalpha()})
