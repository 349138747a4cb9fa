"""Results computed from parsed objects, reused while those objects stay the same.

The parse cache hands back the *same* object for a file that did not change, so
whatever is computed from one record alone (its checks, its page, its rows in the
tables and data files) can be kept under that record object and reused by the next
build. Pages that list every record are rendered from small views of the records
and reused while those views are equal. In ``mkdocs serve``, saving one record
re-checks and re-renders that record, and whatever shows it.

Parsed objects are never changed after loading, so "the same object" means "the
same content".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from .diagnostics import Diagnostics, Recorder

T = TypeVar("T")

_PLAIN = (str, int, float, bool, bytes, type(None), dt.date)


def _same(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and isinstance(a, _PLAIN) and a == b)


def _all_same(a: tuple[Any, ...], b: tuple[Any, ...]) -> bool:
    return len(a) == len(b) and all(map(_same, a, b))


@dataclass
class _Entry:
    deps: tuple[Any, ...]
    value: Any
    used: int


class Memo:
    """Values keyed by what they were computed from.

    ``get(name, deps, make)`` returns the kept value when ``deps`` match the ones it
    was made from (objects by identity, strings and numbers by value), else calls
    ``make()``. The first dependency names the entry (one per name and object); it is
    kept alive with the entry, so its ``id`` cannot be reused by another object
    while the entry exists.

    ``intern(name, value)`` returns the equal value kept from the previous build, so
    that a value computed afresh but unchanged (every reference, a listing's view)
    keeps its identity and can serve as one dependency.
    """

    def __init__(self, keep: bool = True) -> None:
        #: False for a one-off build: nothing is kept, every value is computed when asked
        #: for (a large review's kept pieces weigh hundreds of megabytes).
        self.keep = keep
        self._entries: dict[tuple[str, int], _Entry] = {}
        self._interned: dict[str, _Entry] = {}
        self.generation = 0
        self.hits = 0
        self.misses = 0

    def start(self) -> None:
        """Begin a build: drop what neither this build nor the one before used."""
        self.generation += 1
        old = self.generation - 1
        self._entries = {k: e for k, e in self._entries.items() if e.used >= old}
        self._interned = {k: e for k, e in self._interned.items() if e.used >= old}

    def intern(self, name: str, value: T) -> T:
        if not self.keep:
            return value
        kept = self._interned.get(name)
        if kept is not None and (kept.value is value or (type(kept.value) is type(value) and kept.value == value)):
            kept.used = self.generation
            return kept.value  # type: ignore[no-any-return]
        self._interned[name] = _Entry((), value, self.generation)
        return value

    def values_of(self, name: str, mapping: Mapping[Any, Any]) -> tuple[Any, ...]:
        """A mapping's values (every reference, every endpoint) as one dependency."""
        return self.intern(name, tuple(mapping.values()))

    def get(self, name: str, deps: tuple[Any, ...], make: Callable[[], T]) -> T:
        if not self.keep:
            self.misses += 1
            return make()
        key = (name, id(deps[0]))
        entry = self._entries.get(key)
        if entry is not None and _all_same(entry.deps, deps):
            entry.used = self.generation
            self.hits += 1
            return entry.value  # type: ignore[no-any-return]
        value = make()
        self._entries[key] = _Entry(deps, value, self.generation)
        self.misses += 1
        return value

    def checked(self, name: str, deps: tuple[Any, ...], diags: Diagnostics, run: Callable[[Diagnostics], T]) -> T:
        """Like :meth:`get` for a check: its diagnostics are kept with its value and
        reported again on every reuse."""

        def make() -> tuple[T, list[Any]]:
            recorder = Recorder()
            return run(recorder), recorder.raw

        value, raw = self.get(name, deps, make)
        for item in raw:
            diags.add(*item)
        return value
