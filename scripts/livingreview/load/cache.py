"""Parse each source file once: results are kept by path, size and modification time.

Two layers share one format. In memory, for the life of the process, so that
``mkdocs serve`` re-parses only the file an editor touched. On disk
(``.livingreview-cache/``), so that a second ``livingreview check`` with nothing
changed reads pickles instead of parsing YAML and BibTeX again. Diagnostics are
cached raw (before severity levels apply) and replayed, so a cached file reports
exactly what a fresh parse would.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import multiprocessing
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..model import records
from ..model.diagnostics import Diagnostic, Diagnostics, RawDiagnostic, Recorder
from ..model.memo import Memo

CACHE_DIR = ".livingreview-cache"


def _model_shape() -> str:
    """The model's classes and their fields: a pickle made for other fields cannot be read back."""
    shape = sorted(
        f"{name}:{','.join(f.name for f in dataclasses.fields(cls))}"
        for name, cls in vars(records).items()
        if isinstance(cls, type) and dataclasses.is_dataclass(cls)
    )
    return hashlib.sha256(";".join(shape).encode()).hexdigest()[:8]


#: Bump when a parser changes how files turn into objects; changes to the model's
#: fields change the format by themselves.
FORMAT = f"{__version__}-2-{_model_shape()}"


@dataclass
class Entry:
    stamp: tuple[int, int]
    value: Any
    diagnostics: list[RawDiagnostic] = field(default_factory=list)


def stamp(path: Path) -> tuple[int, int]:
    st = path.stat()
    return (st.st_mtime_ns, st.st_size)


class ParseCache:
    """Parsed files by absolute path; a stale or missing entry means "parse again"."""

    def __init__(self, memo: Memo | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        #: How many entries came from disk: with nothing parsed since, there is nothing to save.
        self.loaded = 0
        #: What was computed from the parsed objects (checks, pages), for the next build.
        self.memo = memo or Memo()
        self.parsed = 0
        self.reused = 0

    def get(self, path: Path, parse: Callable[[Diagnostics], Any], diags: Diagnostics) -> Any:
        key = str(path)
        current = stamp(path)
        entry = self.entries.get(key)
        if entry is None or entry.stamp != current:
            recorder = Recorder()
            entry = Entry(current, parse(recorder), recorder.raw)
            self.entries[key] = entry
            self.parsed += 1
        else:
            self.reused += 1
        for raw in entry.diagnostics:
            diags.add(*raw)
        return entry.value

    def prefetch(self, jobs: list[tuple[Path, Callable[[Diagnostics], Any]]], workers: int | None = None) -> None:
        """Parse, on every core, every job whose file is not cached yet.

        Worth it only for many files (a cold check of a large review): processes cost
        tens of milliseconds to start and their results must be pickled back. This
        process parses its own share meanwhile; the share is sized so that both sides
        finish together, counting the pickling that only the workers' share costs.
        """
        todo = [(p, f) for p, f in jobs if (e := self.entries.get(str(p))) is None or e.stamp != stamp(p)]
        workers = workers or _cores()
        if workers < 2 or len(todo) < PARALLEL_FROM:
            return
        sizes = {p: p.stat().st_size for p, _ in todo}
        todo.sort(key=lambda job: -sizes[job[0]])  # the big BibTeX files start first
        children = workers - 1
        share = 1 / (PICKLED / children + 1 - UNPICKLED)  # of the bytes, for the worker processes
        target, given = share * sum(sizes.values()), 0
        theirs: list[tuple[Path, Callable[[Diagnostics], Any]]] = []
        ours: list[tuple[Path, Callable[[Diagnostics], Any]]] = []
        for job in todo:
            if given < target:
                theirs.append(job)
                given += sizes[job[0]]
            else:
                ours.append(job)
        ctx = multiprocessing.get_context("fork") if "fork" in multiprocessing.get_all_start_methods() else None
        try:
            with ProcessPoolExecutor(max_workers=children, mp_context=ctx) as pool:
                chunk = max(1, len(theirs) // (children * 8))
                results = pool.map(_parse_job, theirs, chunksize=chunk)
                for path, parse in ours:
                    self.entries[str(path)] = _parse_job((path, parse))
                    self.parsed += 1
                for (path, _), entry in zip(theirs, results, strict=True):
                    self.entries[str(path)] = entry
                    self.parsed += 1
        except (OSError, RuntimeError, pickle.PicklingError):
            return  # no processes here (a sandbox, a frozen app): what is left is parsed one by one

    # ------------------------------------------------------------------ disk

    @staticmethod
    def _file(root: Path) -> Path:
        digest = hashlib.sha256(f"{FORMAT}:{sys.version_info[:2]}".encode()).hexdigest()[:12]
        return root / CACHE_DIR / f"parse-{digest}.pickle"

    def load(self, root: Path) -> None:
        path = self._file(root)
        try:
            with path.open("rb") as fh, paused_gc():
                data = pickle.load(fh)
        except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
            return
        if isinstance(data, dict):
            for key, entry in data.items():
                self.entries.setdefault(key, entry)
            self.loaded = len(data)

    def save(self, root: Path) -> None:
        path = self._file(root)
        live = {k: e for k, e in self.entries.items() if k.startswith(str(root)) and os.path.exists(k)}
        if self.parsed == 0 and len(live) == self.loaded and path.is_file():
            return  # nothing new: writing the same entries again would cost seconds on a large review
        _write(path, live)


# ---------------------------------------------------------------------- check results


@dataclass
class CheckResult:
    """What ``livingreview check`` found, kept for the next run over the same files."""

    fingerprint: str
    records: int
    references: int
    diagnostics: list[Diagnostic]


def fingerprint(paths: list[Path]) -> str:
    """The identity of a set of input files (their paths, sizes and modification
    times), of this version of the tool, and of ``SOURCE_DATE_EPOCH``."""
    h = hashlib.sha256(f"{FORMAT}:{sys.version_info[:2]}:{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    for path in paths:
        try:
            st = path.stat()
        except OSError:
            continue
        h.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
    return h.hexdigest()


def _result_file(root: Path) -> Path:
    return root / CACHE_DIR / "check-result.pickle"


def load_result(root: Path, wanted: str) -> CheckResult | None:
    """The kept result when the input files are exactly the ones it was computed from."""
    try:
        with _result_file(root).open("rb") as fh:
            result = pickle.load(fh)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, TypeError):
        return None
    return result if isinstance(result, CheckResult) and result.fingerprint == wanted else None


def save_result(root: Path, result: CheckResult) -> None:
    _write(_result_file(root), result)


def _write(path: Path, value: Any) -> None:
    """Pickle ``value`` to ``path`` in the cache folder, all or nothing."""
    try:
        path.parent.mkdir(exist_ok=True)
        (path.parent / ".gitignore").write_text("*\n", encoding="utf-8")
        tmp = path.with_suffix(".tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(path)
    except OSError:
        pass  # a read-only checkout simply goes without a cache


@contextmanager
def paused_gc() -> Iterator[None]:
    """Build a large object graph without the cyclic garbage collector scanning it
    again and again: loading a review creates millions of objects and hardly any
    cycles, and pausing the collector makes loading and unpickling several times
    faster.

    On the way out the objects are frozen (moved out of the collector's sight):
    otherwise its first pass after re-enabling would scan every one of them, which
    costs seconds on a large review. Reference counting still frees them when they
    are dropped; only cycles made inside the block (a few hundred small objects a
    build) stay until the process ends.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


#: Below this many files to parse, one process is faster than a pool.
PARALLEL_FROM = 200
#: What handing a parsed file back from a worker costs, as a fraction of parsing it:
#: pickling in the worker, unpickling here (measured on record files).
PICKLED, UNPICKLED = 1.25, 0.16


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _parse_job(job: tuple[Path, Callable[[Diagnostics], Any]]) -> Entry:
    path, parse = job
    current = stamp(path)
    recorder = Recorder()
    return Entry(current, parse(recorder), recorder.raw)


#: One cache per process: the MkDocs plugin is re-created on every rebuild of
#: ``mkdocs serve``, the parsed files must outlive it.
MEMORY = ParseCache()
