"""Stage 0, text: pure functions of strings that know nothing of the review.

LaTeX decoding (:mod:`.latex`), BibTeX name splitting (:mod:`.names`) and the
Pandoc citation grammar (:mod:`.cite`). Every stage above may use them.

May use: the standard library and third-party parsers only.
"""
