"""Which generated lists the search index takes.

A list or table that grows with the review (the studies under one heading, a page's
references, a day of changes) is searched while it is short. Once it is long it is left out:
each entry is found on its own study's page anyway, and a section of thousands of entries is
more than a search engine indexes as one (Zensical refuses to build a section of more than
16,384 words; Material's index grows by megabytes).
"""

from __future__ import annotations

from collections.abc import Sized

from markupsafe import Markup

#: A generated list or table is searched while it has at most this many entries.
SEARCHED_ITEMS = 50


def unsearched(items: Sized) -> Markup:
    """The attribute that keeps a long list out of search, or nothing for a short one.

    Templates write it into the element that wraps the list:
    ``<div class="lr-listing"{{ unsearched(trials) }} markdown="1">``.
    """
    return Markup(" data-search-exclude") if len(items) > SEARCHED_ITEMS else Markup("")
