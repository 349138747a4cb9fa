"""ClinicalTrials.gov API v2 search results (``GET /api/v2/studies``), read into candidates.

The file is the API's JSON response as it was saved: ``{"studies": [...]}`` with,
when asked for (``countTotal=true``), ``totalCount``; a response that holds only one
page of the results carries ``nextPageToken`` and is refused, since the search's hit
count would be false. Field names follow the API's data structure: each study's
``protocolSection.identificationModule`` (``nctId``, ``briefTitle``,
``secondaryIdInfos``) and ``statusModule`` (``overallStatus``,
``studyFirstPostDateStruct``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..model.diagnostics import Diagnostics
from ..model.identifiers import registry_ids, year_of
from ..model.screening import Candidate
from ..model.where import Mark, Where
from .export import first_line, read_export


def parse(path: Path, shown: str, diags: Diagnostics) -> list[Candidate]:
    text = read_export(path, shown, diags)
    if text is None:
        return []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        if not text[exc.pos :].strip() and text.strip():
            diags.add(
                "LR802",
                Mark(shown, exc.lineno, exc.colno),
                "the JSON stops before its end",
                "the download was cut short: export the search again",
            )
        elif text.lstrip()[:1] not in ("{", "["):
            diags.add(
                "LR801",
                Mark(shown, first_line(text), 1),
                "this is not a ClinicalTrials.gov API v2 response: it is not JSON",
                "save the response of https://clinicaltrials.gov/api/v2/studies?query.term=...&pageSize=1000"
                "&countTotal=true, or pass the right --source",
            )
        else:
            diags.add("LR806", Mark(shown, exc.lineno, exc.colno), f"JSON syntax error: {exc.msg}")
        return []
    if not isinstance(data, dict) or not isinstance(data.get("studies"), list):
        diags.add(
            "LR801",
            Mark(shown, first_line(text), 1),
            "this is not a ClinicalTrials.gov API v2 search response: it has no 'studies' list",
            "save the response of /api/v2/studies (not of one study, /api/v2/studies/NCT...), "
            "or pass the right --source",
        )
        return []
    studies: list[Any] = data["studies"]
    total = data.get("totalCount")
    if data.get("nextPageToken") or (isinstance(total, int) and total > len(studies)):
        diags.add(
            "LR808",
            Mark(shown, 1, 1),
            f"the file holds {len(studies)} of the search's "
            + (f"{total} " if isinstance(total, int) else "")
            + "studies (the API gave a nextPageToken)" * bool(data.get("nextPageToken")),
            "ask for every result in one response: pageSize=1000",
        )
        return []
    out = []
    for i, study in enumerate(studies):
        c = _candidate(shown, text, i, study, diags)
        if c is not None:
            out.append(c)
    return out


def _get(obj: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(key)
    return obj


def _line_of(text: str, needle: str, i: int) -> int:
    """The line of ``needle`` (a study's NCT id), or else of the ``i``-th study's protocolSection."""
    at = text.find(needle) if needle else -1
    if at < 0:
        at = -1
        for _ in range(i + 1):
            at = text.find('"protocolSection"', at + 1)
            if at < 0:
                return 0
    return text[:at].count("\n") + 1


def _candidate(shown: str, text: str, i: int, study: Any, diags: Diagnostics) -> Candidate | None:
    ident = _get(study, "protocolSection", "identificationModule")
    nct, title = _get(ident, "nctId"), _get(ident, "briefTitle")
    line = _line_of(text, f'"{nct}"' if isinstance(nct, str) else "", i)
    for name, value in (("nctId", nct), ("briefTitle", title)):
        if not isinstance(value, str) or not value.strip():
            diags.add(
                "LR807",
                Mark(shown, line, 1 if line else 0),
                f"studies[{i}]: protocolSection.identificationModule.{name} is "
                + ("missing" if value is None else f"not a text ({type(value).__name__})"),
                "export the search again from the API v2 (not the classic API or the CSV download)",
            )
            return None
    assert isinstance(nct, str) and isinstance(title, str)
    registry = [nct]
    for info in _get(ident, "secondaryIdInfos") or []:
        for found in registry_ids(str(_get(info, "id") or "")):
            if found not in registry:
                registry.append(found)
    status = _get(study, "protocolSection", "statusModule")
    posted = _get(status, "studyFirstPostDateStruct", "date") or _get(status, "startDateStruct", "date")
    sponsor = _get(study, "protocolSection", "sponsorCollaboratorsModule", "leadSponsor", "name")
    overall = _get(status, "overallStatus")
    return Candidate(
        title=title.strip(),
        kind="registration",
        authors=[sponsor] if isinstance(sponsor, str) else [],
        journal="ClinicalTrials.gov",
        year=year_of(posted if isinstance(posted, str) else None),
        registry=registry,
        trial_status=overall if isinstance(overall, str) else None,
        where=Where(shown, (line, 1)),
    )
