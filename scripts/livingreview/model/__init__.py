"""Stage 1, model: what a review is made of, and how problems with it are described.

The typed records (:mod:`.records`, the one description of the file formats), the
review as a whole (:mod:`.review`), diagnostics and their codes, source positions,
configuration, the JSON Schema derived from the records, dotted field paths and
table filters, the graph of a flowchart, and the memo that keeps what was computed
from unchanged objects.

May use: :mod:`livingreview.text`.
"""
