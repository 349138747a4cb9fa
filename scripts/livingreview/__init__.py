"""livingreview: load, check and publish a living review of CAR T-cell therapy in B-ALL.

The package is folded by stage; each folder imports only from the folders below it
(``tests/test_layering.py`` holds this)::

    text/      pure string functions: LaTeX, BibTeX names, the citation grammar
    model/     records, the review, diagnostics and codes, positions, configuration
    load/      YAML and BibTeX files into the model, the parse cache
    check/     cross-checks, and what "reports disagree" means
    render/    pages, tables, plots, flowcharts, data files
    edit/      editors' tools that write content files (new study, fmt)

At the top: :mod:`.pipeline` (load, check, render), :mod:`.engine` (a tree any
engine builds) and the two thin adapters, :mod:`.cli` and :mod:`.plugin`, the only
module that imports MkDocs.
"""

from __future__ import annotations

__version__ = "0.1.0"
