"""The benchmark and the synthetic review it measures, kept out of the runtime package.

Not installed with ``livingreview``: a clone's editable install puts ``scripts/`` on
the path, so ``python -m livingreview_bench`` runs from a checkout, and the scale tests
import :mod:`livingreview_bench.synth`. Nothing in :mod:`livingreview` imports it.
"""
