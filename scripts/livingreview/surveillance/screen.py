"""``livingreview screen``: what awaits a decision, and decisions recorded in the screening log.

A decision changes one entry of ``content/screening/*.yaml`` in place (status, reason
or records, who and when) and leaves the rest of the file as it was. ``--reopen``
takes a decision back, so that every step can be undone from the command line too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..load.loader import load_review
from ..model.diagnostics import did_you_mean
from ..model.review import Review
from ..model.screening import OPEN, REASONS, STATUSES, Entry
from .files import load_map, save_map


class ScreenError(Exception):
    """A decision that cannot be recorded; the message says why and what to do."""


@dataclass(frozen=True)
class Decision:
    #: "full-text", "exclude", "not-retrieved", "include" or "reopen".
    action: str
    by: str | None = None
    date: dt.date | None = None
    reason: str | None = None
    records: tuple[str, ...] = ()
    ref: str | None = None
    note: str | None = None
    #: For an exclusion: "title-abstract" or "full-text" (default: the stage the entry is at).
    stage: str | None = None


def awaiting(review: Review) -> list[str]:
    """One line per entry still awaiting a decision, oldest search first."""
    lines = []
    for search, e in review.entries():
        if e.status in OPEN:
            found = f"{search.database}, {search.date}" if search else "unknown search"
            what = f"{e.title or e.ref}" + (f" ({e.year})" if e.year else "")
            lines.append(f"{e.id}  [{e.status}]  {what}  ({found})")
    return lines


def _new_status(entry: Entry, d: Decision) -> str:
    if d.action == "reopen":
        return "awaiting"
    if d.action == "full-text":
        return "full-text"
    if d.action == "not-retrieved":
        return "not-retrieved"
    if d.action == "include":
        return "included"
    stage = d.stage or ("title-abstract" if entry.status == "awaiting" else "full-text")
    return f"excluded-{stage}"


def decide(root: Path, entry_id: str, d: Decision) -> str:
    """Record ``d`` for the entry ``entry_id``; returns what was done, in one line."""
    review, _ = load_review(root)
    found = {e.id: (search, e) for search, e in review.entries()}
    if entry_id not in found:
        raise ScreenError(f"no screening entry '{entry_id}'{did_you_mean(entry_id, found)}")
    _, entry = found[entry_id]
    if d.action == "exclude" and d.reason not in REASONS:
        raise ScreenError(f"'{d.reason}' is not an exclusion reason; use one of: {', '.join(REASONS)}")
    if d.action == "exclude" and d.reason == "other" and not d.note:
        raise ScreenError("an exclusion for reason 'other' needs --note saying what the reason is")
    if d.action == "include" and not d.records:
        raise ScreenError("--include names the record (or records) the publication reports")
    if d.action != "reopen" and not d.by:
        raise ScreenError("say who decided: --by NAME (or set LIVINGREVIEW_EDITOR)")
    if d.action == "not-retrieved" and entry.status != "full-text":
        raise ScreenError(f"only an entry at full text can be not retrieved; '{entry_id}' is {entry.status}")
    status = _new_status(entry, d)
    path = root / entry.where.file
    data = load_map(path)
    node = data["entries"][entry_id]
    changes: dict[str, object] = {"status": status}
    for key in ("reason", "records", "decided_by", "decided"):
        changes[key] = None
    if status != "awaiting":
        changes["decided_by"] = d.by
        changes["decided"] = d.date or dt.date.today()
    if status.startswith("excluded"):
        changes["reason"] = d.reason
    if status == "included":
        seq = CommentedSeq(d.records)
        seq.fa.set_flow_style()
        changes["records"] = seq
    if d.ref:
        changes["ref"] = d.ref
    if d.note:
        changes["note"] = d.note
    data["entries"][entry_id] = _reordered(node, changes)
    save_map(path, data)
    missing = [r for r in d.records if r not in review.trials]
    done = f"{entry_id}: {STATUSES[status]}" + (
        f" ({REASONS[d.reason]})" if status.startswith("excl") and d.reason else ""
    )
    if missing:
        done += f"; next: create {', '.join(missing)} (livingreview new study ID --ref KEY)"
    return done


def _reordered(node: CommentedMap, changes: dict[str, object]) -> CommentedMap:
    merged = {**dict(node), **changes}
    out = CommentedMap()
    node.copy_attributes(out)
    for key in Entry.key_order:
        if merged.get(key) is not None:
            out[key] = merged[key]
            if key in node.ca.items:
                out.ca.items[key] = node.ca.items[key]
    for key, value in merged.items():
        if key not in out and value is not None:
            out[key] = value
    return out
