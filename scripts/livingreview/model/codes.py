"""Every diagnostic code, its default level and what an editor should do about it.

The editors' guide on the site is generated from this table, so a code never
exists without its explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Level = Literal["error", "warn", "info", "ignore"]


@dataclass(frozen=True)
class Code:
    title: str
    level: Level
    explain: str


CODES: dict[str, Code] = {
    # Files and YAML syntax
    "LR100": Code("unreadable file", "error", "The file is not valid UTF-8 text. Save it as UTF-8."),
    "LR101": Code(
        "YAML syntax error",
        "error",
        "The YAML parser stopped here. Look for an unclosed quote or bracket, or a line "
        "indented differently from its siblings.",
    ),
    "LR102": Code("empty file", "error", "The file holds no data. Fill it in or delete it."),
    "LR103": Code("duplicate key", "error", "A key appears twice in one mapping; YAML would keep only the last."),
    "LR104": Code(
        "tab character",
        "error",
        "YAML does not allow tabs for indentation. Replace the tab with spaces.",
    ),
    # Schema
    "LR200": Code(
        "unknown field",
        "error",
        "The field is not part of the record format. Check its spelling against the schema.",
    ),
    "LR201": Code("missing field", "error", "A required field is absent. Add it."),
    "LR202": Code(
        "wrong type",
        "error",
        "The value has the wrong type, for example text where a number belongs.",
    ),
    "LR203": Code("value not allowed", "error", "The field takes one of a fixed list of values."),
    "LR204": Code("malformed value", "error", "The text does not have the required form (an id, a date, a key)."),
    "LR205": Code("number out of range", "error", "The number is outside what the field allows."),
    "LR206": Code(
        "unsupported schema version",
        "error",
        "The file declares a format version this tool does not know. Update the tool or the file.",
    ),
    "LR207": Code(
        "id and file name differ",
        "error",
        "A record's id must equal its file name so that pages and links stay stable.",
    ),
    "LR208": Code(
        "markup in text",
        "warn",
        "Text fields are shown as text: HTML tags are displayed, never executed. Use Markdown instead of HTML.",
    ),
    "LR209": Code(
        "placeholder left in",
        "error",
        "A scaffold's 'FILL IN' placeholder is still there. Replace it with the real value, or delete the "
        "field if it does not apply.",
    ),
    # References and citations
    "LR300": Code(
        "BibTeX syntax error",
        "error",
        "The BibTeX parser could not read this entry. Look for an unclosed brace or a missing comma between fields.",
    ),
    "LR301": Code("duplicate BibTeX key", "error", "Two entries share a key. Rename or merge one."),
    "LR302": Code(
        "duplicate DOI",
        "error",
        "Two entries carry the same DOI: they are one publication. Merge them.",
    ),
    "LR303": Code("duplicate PubMed id", "error", "Two entries carry the same PMID. Merge them."),
    "LR304": Code("invalid DOI", "error", "A DOI looks like 10.1056/NEJMoa1709866."),
    "LR305": Code("invalid PubMed id", "error", "A PMID is a number of 1 to 8 digits."),
    "LR306": Code(
        "missing BibTeX field",
        "error",
        "The entry lacks a field its type requires to be cited (for an article: author, title, journal, year).",
    ),
    "LR307": Code(
        "undefined @string macro",
        "error",
        "A field uses a bare word that no @string defines. Quote it with braces or define it.",
    ),
    "LR308": Code(
        "reference without DOI or PMID",
        "info",
        "Readers cannot follow the reference to its source. Add a doi or pmid field where one exists.",
    ),
    "LR309": Code(
        "unused reference",
        "warn",
        "No record, page, table or flowchart cites the entry. Cite it or remove it.",
    ),
    "LR310": Code("unknown citation key", "error", "No BibTeX entry has this key."),
    "LR311": Code(
        "malformed citation",
        "error",
        "A citation is written [@key], [@key, Table 2] or [@a; @b]; keys use letters, digits and _:.-/ only.",
    ),
    "LR312": Code(
        "invalid registry id",
        "error",
        "Registry ids look like NCT02435849 (ClinicalTrials.gov), ChiCTR-OIC-17013523 or 2013-000001-14 (EudraCT).",
    ),
    "LR313": Code(
        "empty BibTeX field",
        "warn",
        "A field is present but empty. Fill it or remove it.",
    ),
    "LR314": Code(
        "unknown LaTeX macro",
        "warn",
        "A displayed field uses a LaTeX macro the decoder does not know; it is shown as its name "
        "(\\LuaTeX reads 'LuaTeX'). Write the text itself, in Unicode if need be.",
    ),
    "LR316": Code(
        "citation key outside the key grammar",
        "error",
        "Pandoc reads the key, but no BibTeX entry of this review can have it: keys use ASCII letters, "
        "digits and _:.#$%&+?<>~/- only.",
    ),
    "LR317": Code(
        "bare @key in text",
        "warn",
        "Pandoc reads a bare @key as an author-in-text citation; this site numbers bracketed citations only. "
        "Write [@key] (or escape the @ as \\@).",
    ),
    "LR318": Code(
        "journal not in NLM form",
        "warn",
        "Vancouver style names journals by their NLM title abbreviation (J Clin Oncol, Br J Haematol): "
        "no periods, no informal acronyms, no full titles.",
    ),
    "LR319": Code(
        "web source without access date",
        "warn",
        "A web source in Vancouver style says when it was consulted: add urldate = {YYYY-MM-DD}.",
    ),
    "LR320": Code(
        "journal not in the NLM list",
        "info",
        "The journal is not in the project's table of NLM title abbreviations (text/journals.py). Check its "
        "abbreviation in the NLM Catalog and add it there.",
    ),
    "LR340": Code(
        "impossible page range",
        "info",
        "The page range ends before it starts (1770-1709): a typing slip carried over from a reference "
        "list. Correct it from another review's list and record the change in `corrected = {pages: ...}`; "
        "if no source gives the right pages, keep them and say so in `flagged = {pages: ...}`.",
    ),
    "LR341": Code(
        "DOI does not fit the entry",
        "info",
        "The DOI's publisher prefix or the year it carries does not fit the entry's journal or year, so it "
        "probably belongs to another publication (a meeting abstract from another year, another journal). "
        "Check it; remove a wrong DOI, or say why it stays in `flagged = {doi: ...}`.",
    ),
    "LR343": Code(
        "provenance field malformed",
        "error",
        "`metadata-from` starts with the key of the review whose reference list the entry follows "
        "({saleh2023car, ref. 69}); `corrected` and `flagged` hold items 'field: what and why', each "
        "starting with the name of the field it is about, separated by '; '.",
    ),
    # Numbers
    "LR400": Code("percentage outside 0-100", "error", "A rate is a percentage between 0 and 100."),
    "LR401": Code("n greater than N", "error", "The patients with the outcome cannot outnumber the population."),
    "LR402": Code(
        "percentage disagrees with n/N",
        "error",
        "The percentage should equal n/N within rounding. Check both against the source; "
        "if the source itself is inconsistent, record the value as reported and explain it in `note`.",
    ),
    "LR403": Code(
        "MRD-negative CR above CR",
        "error",
        "MRD-negative CR is a subset of CR: its rate cannot exceed the CR/CRi rate reported "
        "in the same source for the same population.",
    ),
    "LR404": Code(
        "grade >=3 above any grade",
        "error",
        "Grade 3 or higher toxicity is a subset of any-grade toxicity in the same report.",
    ),
    "LR405": Code(
        "non-positive duration",
        "error",
        "Medians, follow-up and time points are durations and must be greater than zero.",
    ),
    "LR406": Code(
        "unknown endpoint",
        "error",
        "The endpoint is not in content/endpoints.yaml. Use an existing id or add the endpoint there.",
    ),
    "LR407": Code(
        "value missing or contradictory",
        "error",
        "A result needs a value, a range, n (for a rate reported only as a count, such as "
        "'4 of 6' or '3 patients'), or `qualifier: not-reached` (and then no value).",
    ),
    "LR408": Code(
        "confidence interval inconsistent",
        "error",
        "A confidence interval is [lower, upper] and contains the value.",
    ),
    "LR409": Code(
        "field does not fit the endpoint",
        "error",
        "`unit` is only for durations, `scale` only for toxicity, `mrd_method` and "
        "`mrd_threshold` only for MRD endpoints, and n/N not for durations.",
    ),
    "LR410": Code("count is not whole", "error", "Counts of patients are whole numbers."),
    "LR411": Code(
        "wording on a value that is not a count",
        "error",
        "`reported_as` says what a source called the patients it counted; it belongs on patient-count "
        "endpoints (n_enrolled, n_infused) only.",
    ),
    "LR412": Code(
        "hazard ratio incomplete",
        "error",
        "A hazard ratio is a positive number and says which groups it compares (`comparison: high vs low "
        "disease burden`), the group whose risk is given first.",
    ),
    "LR413": Code(
        "comparison on a value that is not a hazard ratio",
        "error",
        "`comparison` and `adjusted` describe hazard ratios only. For a rate in a subgroup, use `subgroup`.",
    ),
    # Editorial state
    "LR500": Code(
        "reviews report a value differently",
        "info",
        "Two reviews give different numbers for the same endpoint from the same primary "
        "paper. Both are kept and shown; check each against its review.",
    ),
    "LR501": Code(
        "reports differ between publications",
        "info",
        "Different publications of the study (an update, a later cut-off) give different "
        "numbers for the same endpoint and time point. Both are shown side by side.",
    ),
    "LR502": Code(
        "record not verified for a year",
        "warn",
        "Check the record against its sources again and update `verified`.",
    ),
    "LR503": Code("duplicate id", "error", "Two records, tables or flowcharts share an id. Rename one."),
    "LR504": Code("unknown record id", "error", "No record has this id."),
    "LR505": Code(
        "counts may hide a disagreement",
        "info",
        "Two reviews give different patient counts for the record under different count endpoints "
        "(one as enrolled, the other as infused), and neither reports the other's endpoint, so they are "
        "never compared. Read what each review calls the patients and set `reported_as` on both "
        "(`treated`, `enrolled`, `unspecified`...): matching words are then shown as reports that differ. "
        "If a count was filed under the wrong endpoint, correct it and add a history entry.",
    ),
    "LR506": Code(
        "link to a value that does not exist",
        "error",
        "`compare_with` names an endpoint (and subgroup) for which the record has no value at the same "
        "time point. Check the endpoint id and the subgroup's spelling.",
    ),
    # Tables and flowcharts
    "LR600": Code(
        "unknown record field",
        "error",
        "Table filters, columns, grouping and sorting name record fields by dotted path, such as "
        "`construct.targets`; the field does not exist.",
    ),
    "LR601": Code(
        "column needs an endpoint or a field",
        "error",
        "Each table column shows exactly one thing: `endpoint:` (with optional `also:`) or `field:`.",
    ),
    "LR602": Code(
        "condition needs one test",
        "error",
        "A filter condition names a `field` and exactly one test: is, in, has, has_any or lacks.",
    ),
    "LR603": Code(
        "table shows no study",
        "warn",
        "No record matches the table's filter, so the page would be empty. Check the conditions.",
    ),
    "LR610": Code("unknown step", "error", "A flowchart arrow or its start names a step that does not exist."),
    "LR611": Code("unreachable step", "error", "No path from the start leads to this step. Connect it or remove it."),
    "LR612": Code(
        "loop in flowchart", "error", "Following the arrows leads back to an earlier step; an algorithm must end."
    ),
    "LR613": Code(
        "dead end", "error", "A question or action has no arrow leaving it. Add one, or make the step an outcome."
    ),
    "LR614": Code("outcome leads on", "error", "An outcome ends a path; it cannot have arrows leaving it."),
    "LR615": Code(
        "missing or unexpected branch",
        "error",
        "A question needs one arrow per option (Yes and No unless `options:` says otherwise), labelled "
        "exactly as the option.",
    ),
    "LR616": Code("action branches", "error", "An action leads to one next step; use a question to branch."),
    "LR617": Code(
        "uncited step",
        "error",
        "Every flowchart step names the publication behind it with `cite: [key]`.",
    ),
}
