"""Stage 4, synthesis: from reported rates to forest-plot rows and pooled estimates.

Which report of a cohort counts (:mod:`.studies`), the subgroup variables
(:mod:`.subgroups`) and the random-effects meta-analysis of proportions, done by
PyMARE (:mod:`.pooling`), put together per endpoint in :mod:`.analysis`.
Nothing here renders: the plots page draws what these modules compute.

May use: :mod:`livingreview.text`, :mod:`livingreview.model`, :mod:`livingreview.load`,
:mod:`livingreview.check`.
"""
