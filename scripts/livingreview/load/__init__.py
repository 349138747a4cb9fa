"""Stage 2, load: files on disk turned into the model, with every problem located.

YAML nodes that keep line and column (:mod:`.yamlnodes`), their conversion into
records (:mod:`.convert`), BibTeX (:mod:`.bibtex`), the parse cache (:mod:`.cache`)
and :func:`.loader.load_review`, the core's single entry point.

May use: :mod:`livingreview.text`, :mod:`livingreview.model`.
"""
