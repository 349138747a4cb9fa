"""NLM title abbreviations of the journals this field publishes in, and the informal forms
that editors paste instead (``JCO``, ``Brit J Haematol``).

Vancouver style names a journal by its NLM abbreviation (the "NLM Title Abbreviation" of
the NLM Catalog): no periods, no acronyms of the publisher's own making. Journals are
added here as the review cites them; the full titles and abbreviations of older
journals agree with the Index Medicus and Entrez lists that JabRef publishes under
CC0 (abbrv.jabref.org), newer ones with the NLM Catalog.
"""

from __future__ import annotations

#: NLM title abbreviation -> full title.
NLM: dict[str, str] = {
    "Am J Hematol": "American Journal of Hematology",
    "Biol Blood Marrow Transplant": "Biology of Blood and Marrow Transplantation",
    "Blood": "Blood",
    "Blood Adv": "Blood Advances",
    "Blood Cancer Discov": "Blood Cancer Discovery",
    "Blood Cancer J": "Blood Cancer Journal",
    "Blood Rev": "Blood Reviews",
    "Bone Marrow Transplant": "Bone Marrow Transplantation",
    "Br J Haematol": "British Journal of Haematology",
    "BMJ": "BMJ",
    "Cancer": "Cancer",
    "Cancer Cell": "Cancer Cell",
    "Cancer Discov": "Cancer Discovery",
    "Cancer Immunol Res": "Cancer Immunology Research",
    "Cancer Res": "Cancer Research",
    "Cancer Res Commun": "Cancer Research Communications",
    "Cancers (Basel)": "Cancers",
    "Cell": "Cell",
    "Cell Transplant": "Cell Transplantation",
    "Chin Med J (Engl)": "Chinese Medical Journal",
    "Clin Cancer Res": "Clinical Cancer Research",
    "Cytotherapy": "Cytotherapy",
    "Eur J Haematol": "European Journal of Haematology",
    "Front Immunol": "Frontiers in Immunology",
    "Front Oncol": "Frontiers in Oncology",
    "Haematologica": "Haematologica",
    "Hemasphere": "HemaSphere",
    "Hematology Am Soc Hematol Educ Program": "Hematology. American Society of Hematology. Education Program",
    "Hum Cell": "Human Cell",
    "J Adv Res": "Journal of Advanced Research",
    "J Clin Invest": "The Journal of Clinical Investigation",
    "J Clin Med": "Journal of Clinical Medicine",
    "J Clin Oncol": "Journal of Clinical Oncology",
    "J Hematol Oncol": "Journal of Hematology & Oncology",
    "J Immunother Cancer": "Journal for ImmunoTherapy of Cancer",
    "JAMA": "JAMA",
    "JAMA Oncol": "JAMA Oncology",
    "Lancet": "Lancet",
    "Lancet Haematol": "The Lancet. Haematology",
    "Lancet Oncol": "The Lancet. Oncology",
    "Leuk Lymphoma": "Leukemia & Lymphoma",
    "Leukemia": "Leukemia",
    "Mediterr J Hematol Infect Dis": "Mediterranean Journal of Hematology and Infectious Diseases",
    "Mol Ther": "Molecular Therapy",
    "N Engl J Med": "The New England Journal of Medicine",
    "Nat Commun": "Nature Communications",
    "Nat Med": "Nature Medicine",
    "Nat Rev Clin Oncol": "Nature Reviews. Clinical Oncology",
    "Nature": "Nature",
    "Onco Targets Ther": "OncoTargets and Therapy",
    "Pediatr Blood Cancer": "Pediatric Blood & Cancer",
    "Sci Transl Med": "Science Translational Medicine",
    "Science": "Science",
    "Transplant Cell Ther": "Transplantation and Cellular Therapy",
}

#: Informal or outdated forms seen in exported references -> the NLM abbreviation.
VARIANTS: dict[str, str] = {
    "JCO": "J Clin Oncol",
    "Brit J Haematol": "Br J Haematol",
    "Br J Haem": "Br J Haematol",
    "BJH": "Br J Haematol",
    "NEJM": "N Engl J Med",
    "New Engl J Med": "N Engl J Med",
    "J Clin Investig": "J Clin Invest",
    "JCI": "J Clin Invest",
    "Biol Blood Marrow Transpl": "Biol Blood Marrow Transplant",
    "BBMT": "Biol Blood Marrow Transplant",
    "Bone Marrow Transpl": "Bone Marrow Transplant",
    "BMT": "Bone Marrow Transplant",
    "Chin Med J": "Chin Med J (Engl)",
    "Cancers": "Cancers (Basel)",
    "HemaSphere": "Hemasphere",
    "The Lancet": "Lancet",
    "Lancet Haematology": "Lancet Haematol",
    "Lancet Oncology": "Lancet Oncol",
    "Blood Advances": "Blood Adv",
    "Clin Cancer Research": "Clin Cancer Res",
    "JITC": "J Immunother Cancer",
    "TCT": "Transplant Cell Ther",
}


def nlm_form(journal: str) -> tuple[str, str]:
    """("ok" | "variant" | "unknown", the NLM abbreviation where one is known)."""
    name = " ".join(journal.split())
    if name in NLM:
        return "ok", name
    if name in VARIANTS:
        return "variant", VARIANTS[name]
    dotless = " ".join(name.replace(".", " ").split())
    if dotless in NLM:
        return "variant", dotless
    if dotless in VARIANTS:
        return "variant", VARIANTS[dotless]
    lowered = dotless.lower().removeprefix("the ")
    for abbreviation, title in NLM.items():
        full = " ".join(title.replace(".", " ").split()).lower().removeprefix("the ")
        if lowered == full and abbreviation != name:
            return "variant", abbreviation
    return "unknown", ""
