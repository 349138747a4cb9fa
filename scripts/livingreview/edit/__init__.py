"""Stage 6, edit: the editors' tools, ``livingreview new study`` and ``livingreview fmt``.

They write content files, so they sit above the stages that read them.

May use: :mod:`livingreview.text`, :mod:`livingreview.model`, :mod:`livingreview.load`.
"""
