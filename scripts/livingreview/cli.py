"""The ``livingreview`` command: a thin adapter over the core.

Exit codes follow click's convention: 0 clean, 1 problems found, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from .check import check_review
from .load.cache import CACHE_DIR, CheckResult, ParseCache, fingerprint, load_result, paused_gc, save_result
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
    return CheckResult(fingerprint, len(review.trials), len(review.references), items)


def _check_cached(root: Path) -> CheckResult:
    """Reuse the last run's findings when no input file changed; otherwise parse only
    the files that changed, and keep this run's findings for the next.

    The parsed files are kept from the second run on: writing them costs seconds on a
    large review, and a one-off check (a fresh clone in CI) would never read them.
    """
    wanted = fingerprint(inputs(root))
    result = load_result(root, wanted)
    if result is None:
        again = (root / CACHE_DIR).is_dir()
        cache = ParseCache(Memo(keep=False))
        cache.load(root)
        result = _check(root, cache, wanted)
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
    errors = [d for d in result.diagnostics if d.severity == "error"]
    for d in errors:
        print(d.format_text(), file=sys.stderr)
    if errors:
        print(f"livingreview: {len(errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    out = (root / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    count = write_engine_tree(root, result.files, out)
    print(f"wrote {count} files to {out}/docs and {out}/mkdocs.yml", file=sys.stderr)
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
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SystemExit as exc:
        return int(exc.code or 0)
    except KeyboardInterrupt:
        return 130
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
