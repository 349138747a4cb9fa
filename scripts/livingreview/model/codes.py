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
    "LR210": Code(
        "malformed key",
        "error",
        "Keys of mappings (endpoint ids, glossary abbreviations, flowchart steps) become page addresses and "
        "HTML ids, so they use one grammar: letters, digits, hyphens and underscores, starting with a letter or "
        "a digit; endpoint ids use lower-case letters, digits and underscores, flowchart steps lower-case "
        "letters, digits and hyphens.",
    ),
    "LR212": Code(
        "HTML element removed",
        "warn",
        "Pages and Markdown fields may use Markdown and a few plain HTML elements (such as div, span, abbr, "
        "sup, details). Anything else (script, style, iframe, object, form, embed...) is removed from the "
        "page. Write it in Markdown, or ask a developer to support it.",
    ),
    "LR213": Code(
        "HTML attribute removed",
        "warn",
        "Event handlers (onclick=...), inline styles, and classes or attributes the site does not define are "
        "removed from the page. Use the site's own classes, or Markdown.",
    ),
    "LR214": Code(
        "link removed",
        "warn",
        "Links and images may point to http, https or mailto addresses, or to other pages of the site. Other "
        "schemes (javascript:, data:, vbscript:...) are removed; the link's text stays as plain text.",
    ),
    "LR215": Code(
        "front matter not allowed",
        "warn",
        "A narrative page's front matter may set `title` and `description` (plain text) only; other keys "
        "choose templates and behaviour and are dropped.",
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
    # Synthesis: denominators, overlapping reports, forest-plot labels
    "LR900": Code(
        "rate without a usable denominator",
        "ignore",
        'Off unless the review turns it on (this review does, as `LR900 = "info"` in pyproject.toml): '
        "a review that pools rates needs it, one that does not would only hear noise. The rate gives "
        "no N, and the report it comes from gives no sample size by the rule in the editors' guide (same "
        "publication, same cut-off; infused, then evaluable, then enrolled), so "
        "it is left out of forest plots and pooled estimates. Add `N:` (and `n:`) if the source has them.",
    ),
    "LR901": Code(
        "records supersede each other in a circle",
        "error",
        "`supersedes:` says which report of a cohort is used in plots and pooled estimates; following "
        "it must not lead back to the record itself. Keep the direction from the later or larger report.",
    ),
    "LR902": Code(
        "short name too long",
        "warn",
        "`short_name` labels the study's row in forest plots and must fit: 24 characters at most.",
    ),
    "LR903": Code(
        "forest-plot label too long",
        "warn",
        "Forest plots label each row with the record's `short_name`, or its whole `name`, and the "
        "subgroup where the row is one; labels are never cut, so rows can be told apart. A label of "
        "more than 48 characters does not fit: give the record a `short_name` of whole words, or, where "
        "the subgroup alone is too long for any name, name the subgroup more briefly.",
    ),
    # Safety of the tool itself
    "LR700": Code(
        "cache file in the working tree",
        "warn",
        "livingreview keeps its cache in the user's cache folder and never reads one from the review's "
        "working tree, where anyone's pull request could put a file. Delete the .livingreview-cache folder "
        "(older versions wrote it); if it arrived in a pull request, do not merge that part.",
    ),
    # Key results (content/key-results.yaml)
    "LR620": Code(
        "kind of study applies to no study",
        "warn",
        "No record is of this kind: an earlier kind takes every record it would, or its conditions "
        "match none. Check the conditions and the order of the kinds.",
    ),
    "LR621": Code(
        "key figure names no endpoint",
        "error",
        "Each key figure lists the endpoints that can stand for it, in order: `endpoints: [cr_cri, cr]`.",
    ),
    "LR622": Code(
        "some studies have no kind",
        "warn",
        "Some records meet the conditions of no kind, so their pages start without key results. "
        "Give the last kind no conditions so that it takes every other record.",
    ),
    # Searches, imports and the screening log
    "LR800": Code(
        "export is not UTF-8",
        "error",
        "Search exports are read as UTF-8 text. Export again, or save the file as UTF-8 "
        "(for example with iconv -f latin1 -t utf-8).",
    ),
    "LR801": Code(
        "not the format named",
        "error",
        "The file does not look like the export format given with --source: PubMed's MEDLINE text starts "
        "with 'PMID- ', RIS with 'TY  - ', and a ClinicalTrials.gov API v2 response is JSON with a "
        "'studies' list. Pass the right --source, or export again in that format.",
    ),
    "LR802": Code(
        "export cut short",
        "error",
        "The last record stops before its end: the download was interrupted or the file was cut. "
        "Export the search again.",
    ),
    "LR803": Code(
        "unknown tag",
        "warn",
        "The export uses a field tag that the format's published list does not have. Its text is "
        "ignored; check that the file really is in this format.",
    ),
    "LR804": Code(
        "malformed export line",
        "error",
        "A line is neither a tagged field nor the continuation of one. Look for a line that was wrapped "
        "or edited by hand.",
    ),
    "LR805": Code(
        "record without title",
        "error",
        "Every hit needs a title so that it can be screened. Export the search again with full records.",
    ),
    "LR806": Code(
        "JSON syntax error",
        "error",
        "The JSON parser stopped here. Export the search again; do not edit the file by hand.",
    ),
    "LR807": Code(
        "field missing or of the wrong type",
        "error",
        "A field the import needs is absent or not what the format's specification says it is "
        "(for ClinicalTrials.gov, protocolSection.identificationModule.nctId and briefTitle).",
    ),
    "LR808": Code(
        "export incomplete",
        "error",
        "The export holds only part of the search's results (ClinicalTrials.gov gave a nextPageToken, or "
        "totalCount is larger than the studies in the file). Export every result in one file "
        "(pageSize up to 1000) so that the hit count is true.",
    ),
    "LR809": Code(
        "empty export",
        "error",
        "The file holds no records. A search that found nothing is still recorded: import the empty "
        "export the database gives, or record the search by hand with hits: 0.",
    ),
    "LR820": Code(
        "included entry names an unknown record",
        "error",
        "An included entry's records must be ids of files in content/trials/. Create the record first "
        "(livingreview new study), or correct the id.",
    ),
    "LR821": Code(
        "record's reference not in the screening log",
        "warn",
        "Every publication a record lists under references is a report of an included study, so the "
        "screening log should have it as an included entry naming the record. Include the entry that is "
        "this publication (livingreview screen ID --include RECORD), or add one.",
    ),
    "LR822": Code(
        "exclusion without reason",
        "error",
        "An excluded entry says why, with a reason from the controlled list: wrong-population, "
        "wrong-intervention, not-clinical, no-outcomes, secondary-source, duplicate-report or other.",
    ),
    "LR823": Code(
        "'other' reason without note",
        "error",
        "An exclusion for another reason explains itself in `note`.",
    ),
    "LR824": Code(
        "decision without who or when",
        "error",
        "Every decision names who made it (`decided_by`) and when (`decided`).",
    ),
    "LR825": Code(
        "field does not fit the status",
        "error",
        "`reason` belongs to excluded entries, `records` to included ones, and an entry awaiting "
        "screening has no decision yet.",
    ),
    "LR826": Code(
        "included entry without record",
        "error",
        "An included entry names the study record (or records) it reports in `records`.",
    ),
    "LR827": Code(
        "screening entry id used twice",
        "error",
        "Each candidate has one entry in the whole screening log. Merge the two or rename one.",
    ),
    "LR828": Code(
        "search and screening log do not pair",
        "error",
        "Each search in content/searches/ has its screening log in content/screening/ with the same "
        "file name, and each log names its search.",
    ),
    "LR829": Code(
        "hit count does not add up",
        "error",
        "A search's hits are its screening entries plus the duplicates merged away. If an entry was "
        "added or removed by hand, correct `hits` or the log.",
    ),
    "LR830": Code(
        "candidate entered twice",
        "warn",
        "Two screening entries carry the same DOI, PubMed id or registration: they are one candidate. "
        "Keep one and move the other to its search's duplicates.",
    ),
    "LR831": Code(
        "merge names nothing known",
        "error",
        "A duplicate names the screening entry (`same_as`) or the BibTeX entry (`matched_ref`) it was "
        "merged into; that entry must exist.",
    ),
    "LR832": Code(
        "decision dated before the search",
        "error",
        "A candidate cannot be screened before the search that found it was run.",
    ),
    "LR833": Code(
        "record not included by the screening log",
        "warn",
        "Every study record should be reached through the screening log, so that the flow diagram "
        "counts it. Include the entry for one of its publications with this record's id.",
    ),
    "LR834": Code(
        "entry without title or reference",
        "error",
        "A screening entry needs a title, or `ref` naming its BibTeX entry, so that readers know what it is.",
    ),
}
