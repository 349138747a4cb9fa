"""The ``livingreview`` command: a thin adapter over the core.

Exit codes follow click's convention: 0 clean, 1 problems found, 2 usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .check import check_review
from .load.cache import (
    CheckResult,
    ParseCache,
    digests,
    fingerprint,
    load_result,
    paused_gc,
    save_result,
    usable_folder,
)
from .load.loader import inputs, load_review
from .model.diagnostics import has_errors, to_json
from .model.memo import Memo


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not (root / "content").is_dir():
        raise SystemExit(_usage(f"{root} has no content/ directory; run from the review's root or pass --root"))
    return root


def _usage(message: str) -> int:
    print(f"livingreview: error: {message}", file=sys.stderr)
    return 2


def _note(notes: list[str]) -> None:
    for note in dict.fromkeys(notes):
        print(f"livingreview: note: {note}", file=sys.stderr)


def _cache(args: argparse.Namespace, root: Path) -> ParseCache | None:
    if getattr(args, "no_cache", False):
        return None
    cache = ParseCache(Memo(keep=False))  # one run: parsed files are read from disk, nothing is kept
    cache.load(root)
    return cache


def cmd_check(args: argparse.Namespace) -> int:
    root = _root(args)
    result = _check(root, None) if args.no_cache else _check_cached(root)
    if args.format == "json":
        print(to_json(result.diagnostics))
    elif args.format == "github":
        for d in result.diagnostics:
            print(d.format_github())
    else:
        for d in result.diagnostics:
            print(d.format_text())
        counts = {s: sum(d.severity == s for d in result.diagnostics) for s in ("error", "warn", "info")}
        print(
            f"{result.records} records, {result.references} references: "
            f"{counts['error']} errors, {counts['warn']} warnings, {counts['info']} notes",
            file=sys.stderr,
        )
    return 1 if has_errors(result.diagnostics) else 0


def _check(root: Path, cache: ParseCache | None, fingerprint: str = "") -> CheckResult:
    with paused_gc():
        review, diags = load_review(root, cache=cache)
        items = check_review(review, diags)
    if cache is not None:
        _note(cache.notes)
    return CheckResult(fingerprint, len(review.trials), len(review.references), items)


def _check_cached(root: Path) -> CheckResult:
    """Reuse the last run's findings when no input file changed; otherwise parse only
    the files that changed, and keep this run's findings for the next.

    The parsed files are kept from the second run on: writing them costs seconds on a
    large review, and a one-off check (a fresh clone in CI) would never read them.
    """
    folder, why = usable_folder(root)
    if folder is None:
        _note([why])
        return _check(root, None)
    kept, notes = load_result(root)
    _note(notes)
    files = digests(root, inputs(root), kept.inputs if kept else {})
    wanted = fingerprint(files)
    if kept is not None and kept.fingerprint == wanted:
        return kept
    again = folder.is_dir()
    cache = ParseCache(Memo(keep=False))
    if again:
        cache.load(root)
    result = _check(root, cache, wanted)
    result.inputs = files
    if again:
        cache.save(root)
    save_result(root, result)
    return result


def cmd_render(args: argparse.Namespace) -> int:
    root = _root(args)
    out = _render(args, root)
    return out if isinstance(out, int) else 0


def _render(args: argparse.Namespace, root: Path) -> Path | int:
    """Check and render the review into ``--out``; the output folder, or 1 after errors."""
    from .engine import write_engine_tree
    from .pipeline import build

    cache = _cache(args, root)
    result = build(root, root / "templates", cache=cache)
    if cache is not None:
        cache.save(root)
        _note(cache.notes)
    errors = [d for d in result.diagnostics if d.severity == "error"]
    for d in errors:
        print(d.format_text(), file=sys.stderr)
    if errors:
        print(f"livingreview: {len(errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    out = (root / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    count = write_engine_tree(root, result.files, out)
    same = len(result.files) - count
    print(
        f"wrote {count} files to {out}/docs and {out}/mkdocs.yml" + (f" ({same} unchanged)" if same else ""),
        file=sys.stderr,
    )
    return out


def cmd_build(args: argparse.Namespace) -> int:
    """Build the site with the chosen engine: MkDocs through the plugin, or Zensical on the
    tree ``render`` writes (the engine is looked up first, so a missing one costs nothing)."""
    from .engine import EngineMissing, engine_command, run_engine

    root = _root(args)
    out = (root / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    try:
        command, cwd = engine_command(args.engine, root, out, clean=args.clean)
    except EngineMissing as exc:
        return _usage(str(exc))
    if args.engine == "zensical":
        rendered = _render(args, root)
        if isinstance(rendered, int):
            return rendered
    code = run_engine(command, cwd)
    if code != 0:
        print(f"livingreview: {args.engine} build failed (exit {code})", file=sys.stderr)
        return 1
    site = out / "site" if args.engine == "zensical" else None
    print(f"built the site with {args.engine}" + (f" in {site}" if site else ""), file=sys.stderr)
    return 0


def cmd_new(args: argparse.Namespace) -> int:
    from .edit.scaffold import ScaffoldError, new_study

    root = _root(args)
    try:
        for line in new_study(root, args.id, args.ref):
            print(line)
    except ScaffoldError as exc:
        return _usage(str(exc))
    print(f"next: fill in content/trials/{args.id}.yaml, then run livingreview check", file=sys.stderr)
    return 0


def cmd_fmt(args: argparse.Namespace) -> int:
    from .edit.fmt import run

    root = _root(args)
    changed, problems = run(root, args.check, [Path(p) for p in args.paths] or None)
    for line in problems:
        print(line, file=sys.stderr)
    for path in changed:
        rel = path.relative_to(root)
        print(f"would reformat {rel}" if args.check else f"reformatted {rel}")
    if args.check and changed:
        print(f"{len(changed)} file(s) would be reformatted; run livingreview fmt", file=sys.stderr)
    return 1 if problems or (args.check and changed) else 0


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date of the form YYYY-MM-DD") from None


def cmd_search_import(args: argparse.Namespace) -> int:
    from .model.diagnostics import Diagnostics
    from .surveillance.importing import import_search

    root = _root(args)
    export = Path(args.file)
    if not export.is_file():
        return _usage(f"{export} is not a file")
    diags = Diagnostics()
    done = import_search(root, export, args.source, args.date, args.query, diags, args.database)
    for d in diags.sorted():
        print(d.format_text(), file=sys.stderr)
    if done is None:
        print("livingreview: the export has errors; nothing was written", file=sys.stderr)
        return 1
    s = done.search
    print(f"recorded search {s.id}: {s.database}, {s.date}, {s.hits} hits")
    print(f"  {len(done.entries)} new candidate(s) awaiting screening in content/screening/{s.id}.yaml")
    for dup in done.duplicates:
        into = f"screening entry {dup.same_as}" if dup.same_as else f"reference {dup.matched_ref}"
        how = f"title, {dup.score:.0f}% alike" if dup.by == "title" and dup.score is not None else dup.by
        print(f"  merged '{(dup.title or '')[:60]}' into {into} (same {how})")
    if done.duplicates:
        print(f"  (to undo a merge, move it from duplicates in content/searches/{s.id}.yaml to the log)")
    print("next: livingreview screen", file=sys.stderr)
    return 0


def cmd_screen(args: argparse.Namespace) -> int:
    from .load.loader import load_review as load
    from .surveillance.screen import Decision, ScreenError, awaiting, decide

    root = _root(args)
    actions = [a for a in ("full_text", "exclude", "not_retrieved", "include", "reopen") if getattr(args, a)]
    if not args.entry:
        if actions:
            return _usage("name the entry to decide on: livingreview screen ENTRY ...")
        lines = awaiting(load(root)[0])
        for line in lines:
            print(line)
        print(f"{len(lines)} awaiting a decision", file=sys.stderr)
        return 0
    if len(actions) != 1:
        return _usage("give one decision: --full-text, --exclude REASON, --not-retrieved, --include RECORD or --reopen")
    decision = Decision(
        action=actions[0].replace("_", "-"),
        by=args.by or os.environ.get("LIVINGREVIEW_EDITOR"),
        date=args.date,
        reason=args.exclude,
        records=tuple(args.include or ()),
        ref=args.ref,
        note=args.note,
        stage=args.stage,
    )
    try:
        print(decide(root, args.entry, decision))
    except ScreenError as exc:
        return _usage(str(exc))
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="livingreview", description="Check and publish the living review.")
    p.add_argument("--root", default=".", help="the review's root directory (default: current directory)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser("check", help="validate records, references and pages; exit 1 on errors")
    c.add_argument("--format", choices=["text", "github", "json"], default="text")
    c.add_argument("--no-cache", action="store_true", help="parse every file afresh and keep no cache")
    c.set_defaults(func=cmd_check)
    r = sub.add_parser(
        "render",
        help="write the rendered pages, data files and an engine-neutral mkdocs.yml to disk",
    )
    r.add_argument("--out", default="build", help="output directory (default: build)")
    r.set_defaults(func=cmd_render)
    b = sub.add_parser(
        "build",
        help="build the site with MkDocs (through the plugin) or Zensical (on the rendered tree)",
    )
    b.add_argument("--engine", choices=["mkdocs", "zensical"], default="mkdocs", help="default: mkdocs")
    b.add_argument(
        "--out",
        default="build",
        help="zensical: where the rendered tree goes; the site is written to <out>/site (default: build)",
    )
    b.add_argument("--clean", action="store_true", help="zensical: rebuild every page, ignoring its cache")
    b.set_defaults(func=cmd_build)
    n = sub.add_parser("new", help="scaffold a new record")
    kinds = n.add_subparsers(dest="kind", required=True, metavar="KIND")
    study = kinds.add_parser("study", help="a study record and a BibTeX stub for its main publication")
    study.add_argument("id", help="the record id, e.g. felix-5-year (lower-case letters, digits, hyphens)")
    study.add_argument("--ref", help="BibTeX key of the main publication (default: the id without hyphens)")
    study.set_defaults(func=cmd_new)
    f = sub.add_parser("fmt", help="lay out YAML files the standard way, keeping comments")
    f.add_argument("--check", action="store_true", help="change nothing; exit 1 if a file would change")
    f.add_argument("paths", nargs="*", help="files to format (default: every content file)")
    f.set_defaults(func=cmd_fmt)
    s = sub.add_parser("search", help="record searches for new evidence")
    ops = s.add_subparsers(dest="op", required=True, metavar="OP")
    imp = ops.add_parser("import", help="record a search from its export and add its hits to the screening log")
    imp.add_argument("file", help="the export: PubMed (MEDLINE/.nbib), RIS, or ClinicalTrials.gov API v2 JSON")
    imp.add_argument("--source", required=True, choices=["pubmed", "ris", "ctgov"], help="the export's format")
    imp.add_argument("--date", required=True, type=_date, help="when the search was run (YYYY-MM-DD)")
    imp.add_argument("--query", required=True, help="the query exactly as it was run")
    imp.add_argument("--database", help="the database searched, as readers know it (default: from --source)")
    imp.set_defaults(func=cmd_search_import)
    sc = sub.add_parser("screen", help="list what awaits screening, or record a decision")
    sc.add_argument("entry", nargs="?", help="the screening entry to decide on (default: list what awaits)")
    sc.add_argument("--full-text", action="store_true", help="passes title and abstract; assess the full text")
    sc.add_argument("--exclude", metavar="REASON", help="exclude, for a reason from the controlled list")
    sc.add_argument("--stage", choices=["title-abstract", "full-text"], help="where it was excluded")
    sc.add_argument("--not-retrieved", action="store_true", help="the full text could not be obtained")
    sc.add_argument("--include", nargs="+", metavar="RECORD", help="include, as a report of these records")
    sc.add_argument("--reopen", action="store_true", help="take the decision back: awaiting again")
    sc.add_argument("--ref", help="BibTeX key of the publication, once it is in references/")
    sc.add_argument("--note", help="what an editor needs to know about the decision")
    sc.add_argument("--by", help="who decided (default: $LIVINGREVIEW_EDITOR)")
    sc.add_argument("--date", type=_date, help="when (YYYY-MM-DD; default: today)")
    sc.set_defaults(func=cmd_screen)
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`livingreview check | head`): not a bug. Point stdout at
        # nothing, so Python's own flush at exit does not fail again, and stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 141  # 128 + SIGPIPE, as a shell reports a command cut off by a closed pipe
    except Exception as exc:  # a bug in the tool: say so in one line, trace only on request
        if os.environ.get("LIVINGREVIEW_DEBUG"):
            raise
        print(
            f"livingreview: internal error: {exc!r}\n"
            "This is a bug in the tool, not in your data. Run again with LIVINGREVIEW_DEBUG=1 "
            "for the details and report them.",
            file=sys.stderr,
        )
        return 3


if __name__ == "__main__":
    sys.exit(main())
