"""LaTeX as bibliographies write it, turned into Unicode text for display.

Most fields have no markup and most markup is accents, which a few substitutions
handle; only what is left goes to pylatexenc's full parser.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache


@cache
def _latex() -> object:
    from pylatexenc.latex2text import LatexNodes2Text

    return LatexNodes2Text(math_mode="text")


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
_STYLE = re.compile(r"\\(?:textit|textbf|emph|textrm|textsc|textup|mathrm)\s*\{([^{}\\]*)\}")
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
    text = _ESCAPED.sub(lambda m: "\x00" + m.group(1), text)
    if "\\" in text or "$" in text:
        return None
    text = text.replace("---", "\u2014").replace("--", "\u2013")  # a brace between dashes keeps them apart
    text = text.replace("{", "").replace("}", "").replace("\x00", "")
    return unicodedata.normalize("NFC", text)


@cache
def decode(value: str) -> str:
    """LaTeX to Unicode text.

    Most fields have no markup; most markup is accents, handled by
    :func:`_simple_latex`; only what is left goes to pylatexenc, whose full parser
    costs about a millisecond a field. Cached: names and journals repeat.
    """
    if "\\" in value or "$" in value:
        simple = _simple_latex(value)
        value = simple if simple is not None else _latex().latex_to_text(value)  # type: ignore[attr-defined]
    elif "{" in value:
        value = value.replace("{", "").replace("}", "")
    return " ".join(value.split())
