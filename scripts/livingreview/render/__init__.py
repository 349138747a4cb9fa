"""Stage 5, render: the checked review as a site tree of Markdown pages, data files and assets.

:func:`.site.render_site` puts every page together; :mod:`.renderer` holds the
templates, citation numbering and kept pages; the other modules each render one
part (comparison tables, plots and flowcharts; the reader's pages; data files) or
hold what those parts share (how values read, Vancouver references, SVG drawings).

May use every stage below it: text, model, load, check (and synthesis once it exists).
"""
