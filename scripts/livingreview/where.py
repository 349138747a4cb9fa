"""Source positions, so that every diagnostic can name file, line and column."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Mark:
    """A position in a file; line and column count from 1, as editors do."""

    file: str
    line: int = 0
    col: int = 0

    def __str__(self) -> str:
        if not self.line:
            return self.file
        return f"{self.file}:{self.line}:{self.col}"


@dataclass
class Where:
    """Where a mapping and each of its keys and values stand in the source."""

    start: Mark
    keys: dict[str, Mark] = field(default_factory=dict)
    values: dict[str, Mark] = field(default_factory=dict)
    items: dict[str, list[Mark]] = field(default_factory=dict)

    @classmethod
    def nowhere(cls) -> Where:
        return cls(Mark("<unknown>"))

    @property
    def file(self) -> str:
        return self.start.file

    def key(self, name: str) -> Mark:
        """Position of a key, or of the mapping when the key is absent."""
        return self.keys.get(name, self.start)

    def value(self, name: str) -> Mark:
        """Position of a key's value, falling back to the key, then the mapping."""
        return self.values.get(name) or self.key(name)

    def item(self, name: str, index: int) -> Mark:
        """Position of one item of a list-valued key."""
        marks = self.items.get(name, [])
        return marks[index] if index < len(marks) else self.value(name)
