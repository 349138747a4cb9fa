"""Stage 0, text: pure functions of strings that know nothing of the review.

LaTeX decoding (:mod:`.latex`), BibTeX name splitting (:mod:`.names`), the
Pandoc citation grammar (:mod:`.cite`) and Markdown sanitised with nh3
(:mod:`.markup`). Every stage above may use them.

May use: the standard library and third-party parsers (and nh3, Python-Markdown) only.
"""
