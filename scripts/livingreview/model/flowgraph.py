"""A flowchart as a graph: arrows out of each step, what keeps it from being an algorithm, reading order.

The checker reports the problems; the renderer walks the same graph to draw and outline it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .records import Flowchart, FlowEdge


@dataclass(frozen=True)
class Problem:
    code: str
    node: str
    message: str
    hint: str = ""


def outgoing(flow: Flowchart) -> dict[str, list[FlowEdge]]:
    out: dict[str, list[FlowEdge]] = defaultdict(list)
    for e in flow.edges:
        out[e.from_].append(e)
    return out


def problems(flow: Flowchart) -> list[Problem]:
    """Everything that keeps a flowchart from being a usable algorithm."""
    found: list[Problem] = []
    nodes = flow.nodes
    if flow.start not in nodes:
        found.append(Problem("LR610", "", f"start step '{flow.start}' does not exist", "name one of the nodes"))
        return found
    for e in flow.edges:
        for end in (e.from_, e.to):
            if end not in nodes:
                found.append(Problem("LR610", end, f"arrow {e.from_} -> {e.to} names unknown step '{end}'"))
    out = outgoing(flow)
    for nid, node in nodes.items():
        edges = out.get(nid, [])
        labels = [e.label for e in edges]
        if node.kind == "outcome" and edges:
            found.append(Problem("LR614", nid, f"outcome '{nid}' has arrows leaving it", "an outcome ends a path"))
        if node.kind != "outcome" and not edges:
            found.append(Problem("LR613", nid, f"step '{nid}' leads nowhere", "add an arrow or make it an outcome"))
        if node.kind == "question":
            missing = [o for o in node.options if o not in labels]
            extra = [lab for lab in labels if lab not in node.options]
            if missing:
                found.append(
                    Problem("LR615", nid, f"question '{nid}' has no branch for {', '.join(repr(m) for m in missing)}")
                )
            if extra:
                found.append(
                    Problem(
                        "LR615",
                        nid,
                        f"question '{nid}' has a branch {', '.join(repr(x) for x in extra)} not among its options",
                        f"options are {', '.join(node.options)}",
                    )
                )
        if node.kind == "action" and len(edges) > 1:
            found.append(Problem("LR616", nid, f"action '{nid}' has {len(edges)} arrows leaving it", "use a question"))
        if not node.cite:
            found.append(Problem("LR617", nid, f"step '{nid}' cites no source", "add cite: [key]"))
    reachable = _reachable(flow, out)
    for nid in nodes:
        if nid not in reachable:
            found.append(Problem("LR611", nid, f"step '{nid}' cannot be reached from the start"))
    cycle = _cycle(flow, out)
    if cycle:
        found.append(
            Problem("LR612", cycle[0], "the steps form a loop: " + " -> ".join(cycle), "an algorithm must end")
        )
    return found


def _reachable(flow: Flowchart, out: dict[str, list[FlowEdge]]) -> set[str]:
    seen, todo = set(), [flow.start]
    while todo:
        nid = todo.pop()
        if nid in seen or nid not in flow.nodes:
            continue
        seen.add(nid)
        todo += [e.to for e in out.get(nid, [])]
    return seen


def _cycle(flow: Flowchart, out: dict[str, list[FlowEdge]]) -> list[str]:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(nid: str) -> list[str]:
        state[nid] = 1
        stack.append(nid)
        for e in out.get(nid, []):
            if e.to not in flow.nodes:
                continue
            if state.get(e.to) == 1:
                return [*stack[stack.index(e.to) :], e.to]
            if e.to not in state:
                found = visit(e.to)
                if found:
                    return found
        stack.pop()
        state[nid] = 2
        return []

    for nid in flow.nodes:
        if nid not in state:
            found = visit(nid)
            if found:
                return found
    return []


def outline_order(flow: Flowchart) -> list[str]:
    """Steps in reading order (depth first from the start), each once."""
    out = outgoing(flow)
    seen: list[str] = []

    def visit(nid: str) -> None:
        if nid in seen or nid not in flow.nodes:
            return
        seen.append(nid)
        for e in out.get(nid, []):
            visit(e.to)

    visit(flow.start)
    return seen
