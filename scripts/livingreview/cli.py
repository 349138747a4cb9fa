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
from .diagnostics import has_errors, to_json
from .load import load_review


def _root(args: argparse.Namespace) -> Path:
    root = Path(args.root).resolve()
    if not (root / "content").is_dir():
        raise SystemExit(_usage(f"{root} has no content/ directory; run from the review's root or pass --root"))
    return root


def _usage(message: str) -> int:
    print(f"livingreview: error: {message}", file=sys.stderr)
    return 2


def cmd_check(args: argparse.Namespace) -> int:
    review, diags = load_review(_root(args))
    items = check_review(review, diags)
    if args.format == "json":
        print(to_json(items))
    elif args.format == "github":
        for d in items:
            print(d.format_github())
    else:
        for d in items:
            print(d.format_text())
        counts = {s: sum(d.severity == s for d in items) for s in ("error", "warn", "info")}
        print(
            f"{len(review.trials)} records, {len(review.references)} references: "
            f"{counts['error']} errors, {counts['warn']} warnings, {counts['info']} notes",
            file=sys.stderr,
        )
    return 1 if has_errors(items) else 0


def cmd_render(args: argparse.Namespace) -> int:
    from .engine import write_engine_tree
    from .pipeline import build

    root = _root(args)
    result = build(root, root / "templates")
    errors = [d for d in result.diagnostics if d.severity == "error"]
    for d in errors:
        print(d.format_text(), file=sys.stderr)
    if errors:
        print(f"livingreview: {len(errors)} error(s); nothing was written", file=sys.stderr)
        return 1
    out = (root / args.out).resolve() if not Path(args.out).is_absolute() else Path(args.out)
    count = write_engine_tree(root, result.files, out)
    print(f"wrote {count} files to {out}/docs and {out}/mkdocs.yml", file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="livingreview", description="Check and publish the living review.")
    p.add_argument("--root", default=".", help="the review's root directory (default: current directory)")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")
    c = sub.add_parser("check", help="validate records, references and pages; exit 1 on errors")
    c.add_argument("--format", choices=["text", "github", "json"], default="text")
    c.set_defaults(func=cmd_check)
    r = sub.add_parser(
        "render",
        help="write the rendered pages, data files and an engine-neutral mkdocs.yml to disk",
    )
    r.add_argument("--out", default="build", help="output directory (default: build)")
    r.set_defaults(func=cmd_render)
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
