"""Source positions, so that every diagnostic can name file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

#: (line, column), counting from 1. Plain tuples: a large review holds millions of
#: positions, and plain tuples are the cheapest to create, keep and cache.
Pos = tuple[int, int]


class Mark(NamedTuple):
    """A position in a file; line and column count from 1, as editors do."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(slots=True)
class Where:
    """Where a mapping and each of its values stand in the source.

    ``keys`` is filled for BibTeX entries, whose messages point at a field's name; a
    YAML mapping locates its values only (problems with keys are reported while the
    file is read, straight from the parser's nodes).
    """

    file: str
    pos: Pos = (0, 0)
    keys: dict[str, Pos] = field(default_factory=dict)
    values: dict[str, Pos] = field(default_factory=dict)
    items: dict[str, list[Pos]] = field(default_factory=dict)

    @classmethod
    def at(cls, mark: Mark) -> Where:
        return cls(mark.file, (mark.line, mark.col))

    @classmethod
    def nowhere(cls) -> Where:
        return cls("<unknown>")

    @property
    def start(self) -> Mark:
        return Mark(self.file, *self.pos)

    def key(self, name: str) -> Mark:
        """Position of a key, or of the mapping when the key is absent."""
        pos = self.keys.get(name)
        return Mark(self.file, *pos) if pos else self.start

    def value(self, name: str) -> Mark:
        """Position of a key's value, falling back to the key, then the mapping."""
        pos = self.values.get(name)
        return Mark(self.file, *pos) if pos else self.key(name)

    def item(self, name: str, index: int) -> Mark:
        """Position of one item of a list-valued key."""
        marks = self.items.get(name, [])
        return Mark(self.file, *marks[index]) if index < len(marks) else self.value(name)
