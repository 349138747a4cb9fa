"""Cross-checks for comparison tables and flowcharts."""

from __future__ import annotations

from ..model.diagnostics import Diagnostics
from ..model.fields import check_path, matches, selects_any
from ..model.flowgraph import problems
from ..model.records import Condition, Flowchart, Table
from ..model.review import Review
from .text import check_markup, check_text, resolve_key, suggest_endpoint

TESTS = ("is_", "in_", "has", "has_any", "lacks")


def check_tables(review: Review, diags: Diagnostics) -> None:
    for table in review.tables.values():
        _check_table(review, table, diags)
        if review.trials and not selects_any(review, table):
            diags.add(
                "LR603",
                table.where.value("filter"),
                f"table '{table.id}' selects no study",
                "loosen the filter or check its values",
                subject=table.id,
            )


def _check_path(path: str, at: object, subject: str, diags: Diagnostics) -> None:
    problem = check_path(path)
    if problem:
        diags.add("LR600", at, problem, subject=subject)  # type: ignore[arg-type]


def _check_condition(cond: Condition, subject: str, diags: Diagnostics) -> None:
    _check_path(cond.field, cond.where.value("field"), subject, diags)
    tests = [t for t in TESTS if getattr(cond, t) is not None]
    if len(tests) != 1:
        diags.add(
            "LR602",
            cond.where.start,
            f"condition on '{cond.field}' has {len(tests)} tests",
            "give exactly one of is, in, has, has_any, lacks",
            subject=subject,
        )


def _check_table(review: Review, table: Table, diags: Diagnostics) -> None:
    for cond in table.filter:
        _check_condition(cond, table.id, diags)
    if table.group_by:
        _check_path(table.group_by, table.where.value("group_by"), table.id, diags)
    sort = table.sort_by.lstrip("-")
    if sort not in review.endpoints and check_path(sort):
        _check_path(sort, table.where.value("sort_by"), table.id, diags)
    for col in table.columns:
        if bool(col.endpoint) == bool(col.field):
            diags.add(
                "LR601",
                col.where.start,
                "a column needs either endpoint or field"
                if not col.endpoint
                else "a column has both endpoint and field",
                subject=table.id,
            )
        if col.field:
            _check_path(col.field, col.where.value("field"), table.id, diags)
        for i, endpoint in enumerate([col.endpoint, *col.also] if col.endpoint else col.also):
            if endpoint and endpoint not in review.endpoints:
                at = col.where.value("endpoint") if i == 0 else col.where.item("also", i - 1)
                diags.add(
                    "LR406",
                    at,
                    f"unknown endpoint '{endpoint}'",
                    suggest_endpoint(endpoint, list(review.endpoints)),
                    subject=table.id,
                )


def check_key_results(review: Review, diags: Diagnostics) -> None:
    """content/key-results.yaml: conditions and endpoints that exist, every kind in use."""
    taken: dict[str, int] = dict.fromkeys(review.kinds, 0)
    unkinded = []
    for trial in review.trials.values():
        kind = next((k for k in review.kinds.values() if all(matches(trial, c) for c in k.when)), None)
        if kind is None:
            unkinded.append(trial.id)
        else:
            taken[kind.id] += 1
    for kind in review.kinds.values():
        for cond in kind.when:
            _check_condition(cond, kind.id, diags)
        for figure in kind.figures:
            if not figure.endpoints:
                diags.add(
                    "LR621", figure.where.start, f"a key figure of '{kind.id}' names no endpoint", subject=kind.id
                )
            for i, endpoint in enumerate(figure.endpoints):
                if endpoint not in review.endpoints:
                    diags.add(
                        "LR406",
                        figure.where.item("endpoints", i),
                        f"unknown endpoint '{endpoint}'",
                        suggest_endpoint(endpoint, list(review.endpoints)),
                        subject=kind.id,
                    )
        if review.trials and not taken[kind.id]:
            diags.add(
                "LR620",
                kind.where.start,
                f"no study is of the kind '{kind.id}'",
                "check its conditions, and that no earlier kind takes its studies",
                subject=kind.id,
            )
    if review.kinds and unkinded:
        last = list(review.kinds.values())[-1]
        shown = ", ".join(unkinded[:3]) + (f" and {len(unkinded) - 3} more" if len(unkinded) > 3 else "")
        diags.add(
            "LR622",
            last.where.start,
            f"{len(unkinded)} {'study is' if len(unkinded) == 1 else 'studies are'} of no kind ({shown})",
            "give the last kind no `when:` conditions",
            subject=last.id,
        )


def check_flowcharts(review: Review, diags: Diagnostics) -> set[str]:
    """Check every flowchart; return the citation keys they use."""
    cited: set[str] = set()
    for flow in review.flowcharts.values():
        cited |= _check_flowchart(review, flow, diags)
    return cited


def _check_flowchart(review: Review, flow: Flowchart, diags: Diagnostics) -> set[str]:
    cited: set[str] = set()
    for p in problems(flow):
        node = flow.nodes.get(p.node)
        at = node.where.start if node else flow.where.value("start" if p.code == "LR610" and not p.node else "edges")
        diags.add(p.code, at, f"{flow.id}: {p.message}", p.hint, subject=flow.id)
    for nid, node in flow.nodes.items():
        for i, key in enumerate(node.cite):
            cited.add(key)
            resolve_key(review, key, node.where.item("cite", i), diags, flow.id)
        for i, rid in enumerate(node.records):
            if rid not in review.trials and rid not in review.unreadable:
                diags.add(
                    "LR504",
                    node.where.item("records", i),
                    f"step '{nid}' names unknown record '{rid}'",
                    subject=flow.id,
                )
        if node.detail:
            cited |= check_text(review, node.detail, node.where.value("detail"), diags, flow.id)
            check_markup(node.detail, node.where.value("detail"), diags, flow.id)
    if flow.summary:
        cited |= check_text(review, flow.summary, flow.where.value("summary"), diags, flow.id)
        check_markup(flow.summary, flow.where.value("summary"), diags, flow.id)
    return cited
