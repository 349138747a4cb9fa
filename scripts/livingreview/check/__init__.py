"""Stage 3, check: cross-checks over the loaded review.

References, citations, numbers, tables, flowcharts and the editorial state of
each record, every finding reported through one :class:`Diagnostics`. Also what
"disagree" means (:mod:`.compare`), which the renderer shows to readers.

May use: :mod:`livingreview.text`, :mod:`livingreview.model`, :mod:`livingreview.load`.
"""

from __future__ import annotations

from .review import check_review

__all__ = ["check_review"]
