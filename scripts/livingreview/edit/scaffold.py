"""``livingreview new study <id>``: a record to fill in, and a BibTeX stub for its paper.

The scaffold is a well-formed record whose placeholders say what to write; the
checker reports every placeholder still left (LR209), so an editor can fill the
record field by field until ``livingreview check`` is clean.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from ..load.convert import PLACEHOLDER
from ..model.records import CITE_KEY, SLUG
from ..model.schema import SCHEMA_BASE

RECORD = """\
# yaml-language-server: $schema={schema}trial.schema.json
# A new study record. Replace every "{ph}" and delete what does not apply;
# `livingreview check` lists what is still missing. Field help: the editors' guide.
schema_version: 1
id: {id}
name: "{ph}: short name readers know the study by"
title: "{ph}: one line, in your own words"
status: reported  # or: recruiting, not-yet-recruiting, active, completed, unknown
registry: []  # e.g. [NCT02435849]
product:
  name: "{ph}: generic or descriptive name"
construct:
  targets: [CD19]
  cell_source: not-stated  # autologous, donor-derived, allogeneic
design:
  type: not-stated  # prospective-trial, retrospective, registry, pooled-analysis, meta-analysis
population:
  age_group: not-stated  # infants, children, children-and-young-adults, adults, all-ages
references: [{ref}]
summary: >-
  {ph}: two or three sentences in your own words [@{ref}].
tags: []
verified: {today}
history:
  - date: {today}
    summary: Record created.
results:
  - endpoint: cr_cri  # see content/endpoints.yaml
    value: "{ph}: the number as the source gives it"
    source:
      ref: {ref}
      review: null  # the review you read it in, if any
      locator: "{ph}: table or section"
"""

BIBTEX = """
@article{{{ref},
  author  = {{{ph}: Surname, I. and Surname, I. and others}},
  title   = {{{ph}: title of the publication}},
  journal = {{{ph}: journal abbreviation}},
  year    = {{{year}}},
}}
"""


class ScaffoldError(Exception):
    pass


def new_study(root: Path, study_id: str, ref: str | None = None, today: dt.date | None = None) -> list[str]:
    """Create the record and the BibTeX stub; returns what was done, one line each.

    Running it again changes nothing: existing files and keys are left as they are.
    """
    if not re.match(SLUG, study_id):
        raise ScaffoldError(f"'{study_id}' is not a valid id: use lower-case letters, digits and hyphens")
    ref = ref or study_id.replace("-", "")
    if not re.match(CITE_KEY, ref):
        raise ScaffoldError(f"'{ref}' is not a valid BibTeX key")
    today = today or dt.date.today()
    done: list[str] = []
    record = root / "content" / "trials" / f"{study_id}.yaml"
    if record.exists():
        done.append(f"{record.relative_to(root)} already exists; left as it is")
    else:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(
            RECORD.format(schema=SCHEMA_BASE, id=study_id, ref=ref, ph=PLACEHOLDER, today=today.isoformat()),
            encoding="utf-8",
        )
        done.append(f"created {record.relative_to(root)}")
    bib = root / "references" / "primary.bib"
    existing = bib.read_text(encoding="utf-8") if bib.exists() else ""
    if re.search(r"@\w+\s*\{\s*" + re.escape(ref) + r"\s*,", existing):
        done.append(f"references/primary.bib already has '{ref}'; left as it is")
    else:
        bib.parent.mkdir(parents=True, exist_ok=True)
        with bib.open("a", encoding="utf-8") as fh:
            fh.write(BIBTEX.format(ref=ref, ph=PLACEHOLDER, year=today.year))
        done.append(f"added a stub for '{ref}' to references/primary.bib")
    return done
