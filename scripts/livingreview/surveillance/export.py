"""What every export reader shares: the text of the file, read as UTF-8, with located problems."""

from __future__ import annotations

from pathlib import Path

from ..model.diagnostics import Diagnostics
from ..model.where import Mark


def read_export(path: Path, shown: str, diags: Diagnostics) -> str | None:
    """The export's text, or None after reporting where it stops being UTF-8 (LR800)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = data[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        diags.add(
            "LR800",
            Mark(shown, line, col),
            f"byte 0x{data[exc.start]:02x} is not UTF-8",
            "export again as UTF-8, or convert the file (iconv -f latin1 -t utf-8)",
        )
        return None
    if not text.strip():
        diags.add(
            "LR809",
            Mark(shown),
            "the export is empty",
            "export the search again: even a search that found nothing gives a file",
        )
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def first_line(text: str) -> int:
    """Line number (from 1) of the first line that is not blank."""
    for i, line in enumerate(text.split("\n"), 1):
        if line.strip():
            return i
    return 1
