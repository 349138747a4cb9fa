"""Stage 6, surveillance: new evidence coming in.

Readers of search exports (PubMed's MEDLINE text in :mod:`.medline`, RIS through
rispy in :mod:`.ris`, ClinicalTrials.gov API v2 JSON in :mod:`.ctgov`), the
de-duplication of their hits against the bibliography and the screening log
(:mod:`.dedup`, fuzzy titles through rapidfuzz), and the two editors' commands that
write content files: ``livingreview search import`` (:mod:`.importing`) and
``livingreview screen`` (:mod:`.screen`).

May use: :mod:`livingreview.text`, :mod:`livingreview.model`, :mod:`livingreview.load`,
:mod:`livingreview.check`.
"""
