"""Diagnostics are data: a code, a severity, a position, a message and a hint.

Every check in the tool reports through :class:`Diagnostics`, which collects all
problems of a run (an editor needs the whole list at once) and applies the
configured severity of each code.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Literal

from .codes import CODES
from .where import Mark

Severity = Literal["error", "warn", "info", "ignore"]
SEVERITY_ORDER = {"error": 0, "warn": 1, "info": 2, "ignore": 3}
#: How each severity is printed; "warn" prints as "warning" like compilers do.
SEVERITY_WORD = {"error": "error", "warn": "warning", "info": "note"}


@dataclass(frozen=True)
class Diagnostic:
    code: str
    severity: Severity
    file: str
    line: int
    col: int
    message: str
    hint: str = ""
    #: The record id or BibTeX key the problem belongs to, for scoped ignores.
    subject: str = ""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line, self.col, self.code, self.message)

    def format_text(self) -> str:
        pos = f"{self.file}:{self.line}:{self.col}" if self.line else self.file
        hint = f" ({self.hint})" if self.hint else ""
        return f"{pos}: {SEVERITY_WORD[self.severity]} {self.code}: {self.message}{hint}"

    def format_github(self) -> str:
        level = {"error": "error", "warn": "warning", "info": "notice"}[self.severity]
        props = [f"file={_gh_prop(self.file)}"]
        if self.line:
            props += [f"line={self.line}", f"col={self.col}"]
        props.append(f"title={_gh_prop(self.code + ' ' + CODES[self.code].title)}")
        text = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::{level} {','.join(props)}::{_gh_data(text)}"

    def as_dict(self) -> dict[str, object]:
        return asdict(self)


def _gh_data(text: str) -> str:
    # Escapes defined by the GitHub Actions workflow-command syntax.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class Diagnostics:
    """Collects diagnostics; severity comes from the code's configured level."""

    def __init__(self, levels: dict[str, Severity] | None = None) -> None:
        self._levels = levels or {}
        self._items: list[Diagnostic] = []

    def level(self, code: str) -> Severity:
        return self._levels.get(code, CODES[code].level)

    def add(self, code: str, at: Mark, message: str, hint: str = "", subject: str = "") -> None:
        severity = self.level(code)
        if severity == "ignore":
            return
        self._items.append(Diagnostic(code, severity, at.file, at.line, at.col, message, hint, subject))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self._items.extend(items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(set(self._items), key=Diagnostic.sort_key)


RawDiagnostic = tuple[str, Mark, str, str, str]


class Recorder(Diagnostics):
    """Collects diagnostics raw, to be kept and replayed: severity levels apply on replay."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: list[RawDiagnostic] = []

    def add(self, code: str, at: Mark, message: str, hint: str = "", subject: str = "") -> None:
        self.raw.append((code, at, message, hint, subject))


def has_errors(items: Iterable[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in items)


def to_json(items: Iterable[Diagnostic]) -> str:
    return json.dumps([d.as_dict() for d in items], indent=2, ensure_ascii=False)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """A hint naming the closest of ``options``, or nothing when none is close."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""
