"""The review's configuration: severity levels and scoped ignores, in one place.

Both the CLI and the MkDocs plugin read ``[tool.livingreview]`` from the
review's ``pyproject.toml``::

    [tool.livingreview.levels]
    LR308 = "info"          # error | warn | info | ignore

    [[tool.livingreview.ignore]]
    code = "LR309"
    subject = "reeis2025use"            # a record id or BibTeX key ...
    # file = "content/trials/x.yaml"    # ... or a file (glob patterns allowed)
    reason = "cited from the editors' guide only"
"""

from __future__ import annotations

import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .codes import CODES
from .diagnostics import Diagnostic, Diagnostics, Severity
from .where import Mark

LEVELS = ("error", "warn", "info", "ignore")


@dataclass(frozen=True)
class Ignore:
    code: str
    reason: str
    subject: str = ""
    file: str = ""

    def matches(self, d: Diagnostic) -> bool:
        if d.code != self.code:
            return False
        if self.subject and d.subject != self.subject:
            return False
        return not (self.file and not fnmatch.fnmatch(d.file, self.file))


@dataclass
class Config:
    levels: dict[str, Severity] = field(default_factory=dict)
    ignores: list[Ignore] = field(default_factory=list)

    def diagnostics(self) -> Diagnostics:
        return Diagnostics(self.levels)

    def apply(self, items: list[Diagnostic]) -> list[Diagnostic]:
        """Drop diagnostics covered by a scoped ignore."""
        return [d for d in items if not any(i.matches(d) for i in self.ignores)]


def _line_of(text: str, needle: str) -> Mark:
    for number, line in enumerate(text.splitlines(), start=1):
        col = line.find(needle)
        if col >= 0 and not line.lstrip().startswith("#"):
            return Mark("pyproject.toml", number, col + 1)
    return Mark("pyproject.toml", 1, 1)


def load_config(root: Path, diags: Diagnostics) -> Config:
    """Read ``[tool.livingreview]``; problems in it are reported like any other."""
    path = root / "pyproject.toml"
    config = Config()
    if not path.is_file():
        return config
    file = "pyproject.toml"
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        diags.add("LR101", Mark(file, 1, 1), f"pyproject.toml cannot be read: {exc}")
        return config
    section = data.get("tool", {}).get("livingreview", {})
    for code, level in section.get("levels", {}).items():
        if code not in CODES:
            diags.add(
                "LR200",
                _line_of(text, code),
                f"unknown diagnostic code '{code}' in [tool.livingreview.levels]",
                "codes are listed on the editors' page",
            )
        elif level not in LEVELS:
            diags.add(
                "LR203",
                _line_of(text, code),
                f"'{level}' is not a level for {code}",
                "use error, warn, info or ignore",
            )
        else:
            config.levels[code] = level
    for entry in section.get("ignore", []):
        code, reason = entry.get("code", ""), entry.get("reason", "")
        if code not in CODES:
            diags.add(
                "LR200",
                _line_of(text, f'"{code}"'),
                f"unknown diagnostic code '{code}' in [[tool.livingreview.ignore]]",
            )
        elif not reason:
            diags.add(
                "LR201",
                _line_of(text, f'"{code}"'),
                f"an ignore of {code} has no reason",
                "say why with reason = '...'",
            )
        elif not (entry.get("subject") or entry.get("file")):
            diags.add(
                "LR201",
                _line_of(text, f'"{code}"'),
                f"an ignore of {code} names neither a subject nor a file",
                "scope it with subject = 'record-id' or file = 'content/trials/x.yaml'",
            )
        else:
            config.ignores.append(Ignore(code, reason, entry.get("subject", ""), entry.get("file", "")))
    return config
