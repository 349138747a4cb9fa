"""Parse each source file once: results are kept by the content they were made from.

Two layers share one format. In memory, for the life of the process, so that
``mkdocs serve`` re-parses only the file an editor touched. On disk, so that a
second ``livingreview check`` with nothing changed reads what it found last time
instead of parsing YAML and BibTeX again. Diagnostics are cached raw (before
severity levels apply) and replayed, so a cached file reports exactly what a fresh
parse would.

What is kept on disk is data, never code. Both files are JSON (:mod:`.codec`),
checked field by field as they are read: a file that does not fit is ignored, with
a note, and rebuilt. They live in the user's cache folder (``$LIVINGREVIEW_CACHE_DIR``,
else ``$XDG_CACHE_HOME/livingreview``, else ``~/.cache/livingreview``), one folder
per review, never in the review's working tree: a cache file there could come from
anyone's pull request, so nothing is ever read from it (a cache folder configured
inside the review is refused). An entry is valid for a file whose content has the
SHA-256 digest it was made from; the file's size, modification and change times
only spare re-hashing a file that was not touched since.

(Worker processes of a first parse hand their results back pickled, through a pipe
from a process forked from this one: nothing is read from a file.)
"""

from __future__ import annotations

import gc
import hashlib
import json
import multiprocessing
import os
import pickle
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..model.codes import CODES
from ..model.diagnostics import Diagnostic, Diagnostics, RawDiagnostic, Recorder
from ..model.memo import Memo
from . import codec

#: Where versions before 0.2 kept their cache, inside the review. Never read.
LEGACY_DIR = ".livingreview-cache"


def _code_digest() -> str:
    """A digest of the package's own source: a cache written by other code is not read back.

    Parsers, the model's fields and the checks all shape what is cached; keying on the code
    itself means no one has to remember to bump a number when one of them changes.
    """
    package = Path(__file__).resolve().parent.parent
    h = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


#: Bump when the cache's layout changes; the code digest covers parsers, model and checks.
FORMAT = f"{__version__}-3-{_code_digest()}"
#: Python's version is part of the key: a parser may depend on it.
_PYTHON = f"{sys.version_info[0]}.{sys.version_info[1]}"
#: A file modified this recently may be modified again within the same clock tick,
#: unseen by its stat: its stamp is not trusted, its content is hashed every time.
RACY_NS = 2_000_000_000

#: (modification time, size, inode, change time), or None when not to be trusted.
Stamp = tuple[int, int, int, int] | None


# --------------------------------------------------------------------------- where


def cache_home() -> Path:
    """The user's cache folder for livingreview."""
    chosen = os.environ.get("LIVINGREVIEW_CACHE_DIR")
    if chosen:
        return Path(chosen).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "livingreview"


def cache_folder(root: Path) -> Path:
    """The folder that holds one review's cache: named after the review, keyed by its path."""
    root = root.resolve()
    digest = hashlib.sha256(str(root).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    name = "".join(c if c.isalnum() or c in "-_." else "-" for c in root.name)[:40] or "review"
    return cache_home().resolve() / f"{name}-{digest}"


def usable_folder(root: Path) -> tuple[Path | None, str]:
    """The review's cache folder, or None with the reason when it must not be used."""
    folder = cache_folder(root)
    if folder.is_relative_to(root.resolve()):
        return None, (
            f"the cache folder {folder} is inside the review, where a pull request could put files; "
            "no cache is used (set LIVINGREVIEW_CACHE_DIR or XDG_CACHE_HOME to a folder outside it)"
        )
    return folder, ""


def legacy_files(root: Path) -> list[Path]:
    """Cache files an older version (or anyone's pull request) left in the working tree."""
    folder = root / LEGACY_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != ".gitignore")


# --------------------------------------------------------------------------- content keys


def stamp(path: Path) -> Stamp:
    st = path.stat()
    if time.time_ns() - st.st_mtime_ns < RACY_NS:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino, st.st_ctime_ns)


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str:
    return digest_of(path.read_bytes())


def digest(path: Path, known: tuple[Stamp, str] | None) -> tuple[Stamp, str]:
    """A file's stamp and content digest; the known digest is reused for an untouched file."""
    current = stamp(path)
    if known is not None and current is not None and known[0] == current:
        return known
    return current, file_digest(path)


# --------------------------------------------------------------------------- parse cache


@dataclass
class Entry:
    stamp: Stamp
    digest: str
    value: Any
    diagnostics: list[RawDiagnostic] = field(default_factory=list)
    #: The entry's value and diagnostics as written on disk, so that saving again
    #: does not encode an unchanged entry again.
    data: str | None = None


class Kept:
    """Small computed values (pooled estimates) kept between runs as one JSON file in the
    review's cache folder, by a key that says everything they were computed from.

    Values are plain JSON; the file is read whole and ignored whole if it does not fit.
    Like the parse cache it is written from the second run on (the first only makes the
    folder), and only the entries a run used are written back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: dict[str, Any] = {}
        self.used: set[str] = set()
        self.added = 0
        self._loaded_from: Path | None = None

    def get(self, key: str) -> Any:
        if key in self.values:
            self.used.add(key)
            return self.values[key]
        return None

    def put(self, key: str, value: Any) -> None:
        self.values[key] = value
        self.used.add(key)
        self.added += 1

    def load(self, root: Path) -> None:
        folder, _ = usable_folder(root)
        if folder is None or self._loaded_from == folder:
            return
        self._loaded_from = folder
        try:
            head, _, body = (folder / self.name).read_text(encoding="utf-8").partition("\n")
            if json.loads(head) != {"livingreview": self.name, "format": FORMAT, "python": _PYTHON}:
                return
            values = json.loads(body)
        except (OSError, UnicodeDecodeError, ValueError):
            return
        if isinstance(values, dict):
            self.values.update((str(k), v) for k, v in values.items())

    def save(self, root: Path) -> None:
        folder, _ = usable_folder(root)
        if folder is None or not self.added:
            return
        if not folder.is_dir():
            with suppress(OSError):
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            return
        head = json.dumps({"livingreview": self.name, "format": FORMAT, "python": _PYTHON})
        _write(folder / self.name, head + "\n" + _dumps({k: self.values[k] for k in sorted(self.used)}) + "\n")
        self.added = 0


class ParseCache:
    """Parsed files by absolute path; an entry whose content digest differs means "parse again"."""

    def __init__(self, memo: Memo | None = None) -> None:
        self.entries: dict[str, Entry] = {}
        #: How many entries came from disk: with nothing parsed since, there is nothing to save.
        self.loaded = 0
        #: What was computed from the parsed objects (checks, pages), for the next build.
        self.memo = memo or Memo()
        self.parsed = 0
        self.reused = 0
        #: What a reader of the cache should know (a file ignored, a folder refused).
        self.notes: list[str] = []
        #: Pooled estimates by their inputs (livingreview.synthesis.pooling), kept between builds.
        self.fits = Kept("pooled.json")

    def _current(self, path: Path) -> Entry | None:
        """The entry for ``path`` if it was made from the file's present content."""
        entry = self.entries.get(str(path))
        if entry is None:
            return None
        now = stamp(path)
        if now is not None and now == entry.stamp:
            return entry
        if file_digest(path) == entry.digest:
            entry.stamp = now
            return entry
        return None

    def get(self, path: Path, parse: Callable[[Diagnostics], Any], diags: Diagnostics) -> Any:
        entry = self._current(path)
        if entry is None:
            entry = _parse_job((path, parse))
            self.entries[str(path)] = entry
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
        workers = workers or cores()
        if workers < 2 or len(jobs) < PARALLEL_FROM:
            return
        todo = [(p, f) for p, f in jobs if self._current(p) is None]
        if len(todo) < PARALLEL_FROM:
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

    def _file(self, root: Path) -> Path | None:
        folder, why = usable_folder(root)
        if folder is None:
            if why not in self.notes:
                self.notes.append(why)
            return None
        return folder / "parse.jsonl"

    def load(self, root: Path) -> None:
        """Read the entries kept for ``root``; a file that does not fit is ignored whole."""
        path = self._file(root)
        if path is None:
            return
        root = root.resolve()
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return
        except (OSError, UnicodeDecodeError) as exc:
            self.notes.append(f"ignored the parse cache {path} ({exc.__class__.__name__}); it will be rebuilt")
            return
        try:
            with paused_gc():
                entries = _read_entries(text, root)
        except (codec.Invalid, ValueError, RecursionError) as exc:
            self.notes.append(f"ignored the parse cache {path}: {exc}; it will be rebuilt")
            return
        for key, entry in entries.items():
            self.entries.setdefault(key, entry)
        self.loaded = len(entries)

    def save(self, root: Path) -> None:
        path = self._file(root)
        if path is None:
            return
        root = root.resolve()
        prefix = str(root) + os.sep
        live = {k: e for k, e in self.entries.items() if k.startswith(prefix) and os.path.exists(k)}
        if self.parsed == 0 and len(live) == self.loaded and path.is_file():
            return  # nothing new: writing the same entries again would cost time on a large review
        lines = [json.dumps({"livingreview": "parse-cache", "format": FORMAT, "python": _PYTHON})]
        for key, entry in sorted(live.items()):
            if entry.data is None:
                entry.data = _dumps(
                    [codec.encode_value(entry.value, _rel(key, root)), codec.encode_diagnostics(entry.diagnostics)]
                )
            head = _dumps([_rel(key, root), entry.digest, None if entry.stamp is None else list(entry.stamp)])
            lines.append(f"{head}\t{entry.data}")
        _write(path, "\n".join(lines) + "\n")


def _rel(key: str, root: Path) -> str:
    return key[len(str(root)) + 1 :].replace(os.sep, "/")


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _header(line: str, kind: str) -> None:
    head = json.loads(line) if line else None
    if not isinstance(head, dict) or head.get("livingreview") != kind:
        raise codec.Invalid("it is not a livingreview cache file")
    if head.get("format") != FORMAT or head.get("python") != _PYTHON:
        raise codec.Invalid("it was written by another version")


def _safe_rel(rel: Any) -> str:
    """A path relative to the review that stays inside it."""
    if type(rel) is not str or not rel or rel.startswith("/") or "\\" in rel or ".." in rel.split("/"):
        raise codec.Invalid("an entry names a path outside the review")
    return rel


def _stamp(data: Any) -> Stamp:
    if data is None:
        return None
    if type(data) is not list or len(data) != 4 or not all(type(n) is int for n in data):
        raise codec.Invalid("an entry's stamp is malformed")
    return (data[0], data[1], data[2], data[3])


def _read_entries(text: str, root: Path) -> dict[str, Entry]:
    """Each line after the header: ``[path, digest, stamp]``, a tab, ``[value, diagnostics]``.
    (JSON writes a tab inside a string as an escape, so the first tab of a line is the separator.)"""
    lines = text.split("\n")
    _header(lines[0], "parse-cache")
    out: dict[str, Entry] = {}
    for line in lines[1:]:
        if not line:
            continue
        head, tab, data = line.partition("\t")
        item, body = json.loads(head), json.loads(data) if tab else None
        if type(item) is not list or len(item) != 3 or type(body) is not list or len(body) != 2:
            raise codec.Invalid("an entry is malformed")
        rel, content, raw_stamp = item
        if type(content) is not str or len(content) != 64:
            raise codec.Invalid("an entry's digest is malformed")
        key = f"{root}{os.sep}{_safe_rel(rel)}"
        value, diagnostics = codec.decode_value(body[0], rel), codec.decode_diagnostics(body[1])
        out[key] = Entry(_stamp(raw_stamp), content, value, diagnostics, data)
    return out


# ---------------------------------------------------------------------- check results


@dataclass
class CheckResult:
    """What ``livingreview check`` found, kept for the next run over the same files."""

    fingerprint: str
    records: int
    references: int
    diagnostics: list[Diagnostic]
    #: Each input's stamp and digest (relative path -> (stamp, digest)), for the next run.
    inputs: dict[str, tuple[Stamp, str]] = field(default_factory=dict)


def digests(root: Path, paths: list[Path], known: dict[str, tuple[Stamp, str]]) -> dict[str, tuple[Stamp, str]]:
    """The stamp and content digest of each input file, relative to ``root``."""
    prefix = f"{root.resolve()}{os.sep}"
    out = {}
    for path in paths:
        text = str(path)
        rel = text[len(prefix) :] if text.startswith(prefix) else path.as_posix()
        try:
            out[rel] = digest(path, known.get(rel))
        except OSError:
            continue
    return out


def fingerprint(inputs: dict[str, tuple[Stamp, str]]) -> str:
    """The identity of a set of input files (their paths and contents), of this version
    of the tool, and of ``SOURCE_DATE_EPOCH``."""
    h = hashlib.sha256(f"{FORMAT}:{_PYTHON}:{os.environ.get('SOURCE_DATE_EPOCH', '')}".encode())
    for rel, (_, content) in sorted(inputs.items()):
        h.update(f"{rel}\0{content}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest()


def _result_file(root: Path) -> tuple[Path | None, str]:
    folder, why = usable_folder(root)
    return (None, why) if folder is None else (folder / "check.json", "")


def load_result(root: Path) -> tuple[CheckResult | None, list[str]]:
    """The kept result of the last check, and notes on what was wrong with it if it was not usable."""
    path, why = _result_file(root)
    if path is None:
        return None, [why]
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, []
    except (OSError, UnicodeDecodeError) as exc:
        return None, [f"ignored the kept check result {path} ({exc.__class__.__name__}); it will be rebuilt"]
    try:
        return _read_result(text), []
    except (codec.Invalid, ValueError, RecursionError) as exc:
        return None, [f"ignored the kept check result {path}: {exc}; it will be rebuilt"]


def _read_result(text: str) -> CheckResult:
    head, _, body = text.partition("\n")
    _header(head, "check-result")
    data = json.loads(body)
    if type(data) is not dict or set(data) != {"fingerprint", "records", "references", "diagnostics", "inputs"}:
        raise codec.Invalid("it does not hold a check result")
    if type(data["fingerprint"]) is not str or type(data["records"]) is not int or type(data["references"]) is not int:
        raise codec.Invalid("its counts are malformed")
    inputs = data["inputs"]
    if type(inputs) is not dict:
        raise codec.Invalid("its inputs are malformed")
    known: dict[str, tuple[Stamp, str]] = {}
    for rel, item in inputs.items():
        _safe_rel(rel)
        if type(item) is not list or len(item) != 2 or type(item[1]) is not str:
            raise codec.Invalid("an input's digest is malformed")
        known[rel] = (_stamp(item[0]), item[1])
    return CheckResult(
        data["fingerprint"], data["records"], data["references"], _diagnostics(data["diagnostics"]), known
    )


_SEVERITIES = frozenset(("error", "warn", "info"))


def _diagnostics(data: Any) -> list[Diagnostic]:
    if type(data) is not list:
        raise codec.Invalid("its diagnostics are not a list")
    out = []
    for item in data:
        if type(item) is not list or len(item) != 8:
            raise codec.Invalid("a diagnostic is malformed")
        code, severity, file, line, col, message, hint, subject = item
        if code not in CODES or severity not in _SEVERITIES or type(line) is not int or type(col) is not int:
            raise codec.Invalid("a diagnostic has an unknown code or severity, or a bad position")
        if not (type(file) is str and type(message) is str and type(hint) is str and type(subject) is str):
            raise codec.Invalid("a diagnostic's text is not text")
        out.append(Diagnostic(code, severity, file, line, col, message, hint, subject))
    return out


def save_result(root: Path, result: CheckResult) -> None:
    path, _ = _result_file(root)
    if path is None:
        return
    head = json.dumps({"livingreview": "check-result", "format": FORMAT, "python": _PYTHON})
    body = {
        "fingerprint": result.fingerprint,
        "records": result.records,
        "references": result.references,
        "diagnostics": [
            [d.code, d.severity, d.file, d.line, d.col, d.message, d.hint, d.subject] for d in result.diagnostics
        ],
        "inputs": {rel: [None if s is None else list(s), d] for rel, (s, d) in sorted(result.inputs.items())},
    }
    _write(path, head + "\n" + _dumps(body) + "\n")


def _write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` in the cache folder, all or nothing."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only home simply goes without a cache


@contextmanager
def paused_gc() -> Iterator[None]:
    """Build a large object graph without the cyclic garbage collector scanning it
    again and again: loading a review creates millions of objects and hardly any
    cycles, and pausing the collector makes loading and reading the cache several
    times faster.

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


def cores() -> int:
    """The cores this process may run on (its affinity, which a container may limit)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _parse_job(job: tuple[Path, Callable[[Diagnostics], Any]]) -> Entry:
    path, parse = job
    current = stamp(path)
    content = file_digest(path)
    recorder = Recorder()
    return Entry(current, content, parse(recorder), recorder.raw)


#: One cache per process: the MkDocs plugin is re-created on every rebuild of
#: ``mkdocs serve``, the parsed files must outlive it.
MEMORY = ParseCache()
