"""The package's folders are its stages, and each imports only from the stages below it.

Read from the source with :mod:`ast`, every import counted, lazy ones inside functions
included (a circle hidden in a function is still a circle).
"""

from __future__ import annotations

import ast
import importlib.util
import sys
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "scripts" / "livingreview"

#: Stage of each folder, lowest first; a module may import its own stage or a lower one.
#: ``synthesis`` and ``surveillance`` are reserved for what comes next.
STAGES = {
    "text": 0,
    "model": 1,
    "load": 2,
    "check": 3,
    "synthesis": 4,
    "render": 5,
    "surveillance": 6,
    "edit": 6,
}
#: Modules at the top of the package: the pipeline and engine tree, then the two adapters.
TOP = {"pipeline": 7, "engine": 7, "cli": 8, "plugin": 8, "__main__": 9}
#: The package's own ``__init__`` holds only the version: any stage may read it.
ROOT = -1


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(path: Path, package: Path) -> list[tuple[str, int]]:
    """Every module ``path`` imports (resolved to absolute names), with the line."""
    name = module_name(path, package)
    is_package = path.name == "__init__.py"
    here = name.split(".") if is_package else name.split(".")[:-1]
    found: list[tuple[str, int]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            if node.module is None or node.level:
                # ``from . import cite`` imports a module; ``from .x import name`` imports x
                for a in node.names:
                    candidate = f"{target}.{a.name}"
                    found.append((candidate if _is_module(candidate, package) else target, node.lineno))
            else:
                found.append((target, node.lineno))
    return found


def _is_module(name: str, package: Path) -> bool:
    rel = Path(*name.split(".")[1:])
    base = package / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def stage_of(name: str, root: str) -> int | None:
    """The stage of an internal module, None for anything outside the package."""
    parts = name.split(".")
    if parts[0] != root:
        return None
    if len(parts) == 1:
        return ROOT
    if parts[1] in STAGES:
        return STAGES[parts[1]]
    if parts[1] in TOP:
        return TOP[parts[1]]
    raise AssertionError(f"{name} is in no stage: add its folder to STAGES or TOP")


def problems(package: Path) -> list[str]:
    """Everything that breaks the layering rules, as readable lines."""
    root = package.name
    found: list[str] = []
    graph: dict[str, set[str]] = {}
    for path in sorted(package.rglob("*.py")):
        name = module_name(path, package)
        rel = path.relative_to(package.parent)
        depth = len(path.relative_to(package).parts) - 1
        if depth > 1:
            found.append(f"{rel}: {depth} folders deep inside the package (at most 1)")
        mine = stage_of(name, root)
        graph[name] = set()
        for target, line in imports(path, package):
            top = target.split(".")[0]
            if top in ("mkdocs", "material") and name.split(".")[:2] != [root, "plugin"]:
                found.append(f"{rel}:{line}: imports {target}; only {root}.plugin may import MkDocs")
            if top.endswith("_bench"):
                found.append(f"{rel}:{line}: imports the benchmark ({target})")
            theirs = stage_of(target, root)
            if theirs is None:
                continue
            graph[name].add(target)
            if mine is not None and theirs > mine:
                found.append(f"{rel}:{line}: {name} (stage {mine}) imports {target} (stage {theirs}), a higher stage")
    found += [f"import circle: {' -> '.join(c)}" for c in cycles(graph)]
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One circle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in graph:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


# --------------------------------------------------------------------------- the package


def test_every_import_goes_down_and_nothing_goes_round() -> None:
    assert problems(PACKAGE) == []


def test_every_stage_says_what_it_holds_and_what_it_may_use() -> None:
    for init in sorted(PACKAGE.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert doc, f"{init.relative_to(REPO)} has no docstring"
        assert "May use" in doc, f"{init.relative_to(REPO)} does not say which stages it may use"


def test_the_benchmark_is_not_part_of_the_runtime_package() -> None:
    assert importlib.util.find_spec("livingreview.bench") is None
    assert importlib.util.find_spec("livingreview.synth") is None
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    find = config["tool"]["setuptools"]["packages"]["find"]
    from setuptools import find_packages

    packages = find_packages(str(REPO / find["where"][0]), include=find["include"])
    assert "livingreview" in packages
    assert {"livingreview.model", "livingreview.load", "livingreview.check", "livingreview.render"} <= set(packages)
    assert not [p for p in packages if "bench" in p]


@pytest.mark.slow
def test_the_wheel_carries_no_benchmark(tmp_path: Path) -> None:
    """What ``pip install`` from the registry would put on a reader's machine."""
    import subprocess
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", str(REPO), "--no-deps", "--no-build-isolation", "-q", "-w", tmp_path],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("livingreview-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "livingreview/model/records.py" in names
    assert not [n for n in names if "bench" in n or n.endswith("synth.py")]


# --------------------------------------------------------------------------- the rule itself


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "pkg"
    for rel, text in {"__init__.py": "", **files}.items():
        path = package / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


def test_a_lower_stage_importing_a_higher_one_is_caught(tmp_path: Path) -> None:
    package = _tree(
        tmp_path,
        {
            "model/__init__.py": "",
            "model/records.py": "def f():\n    from ..render.site import x\n",
            "render/__init__.py": "",
            "render/site.py": "from ..model.records import f\nx = 1\n",
        },
    )
    found = problems(package)
    expected = "pkg/model/records.py:2: pkg.model.records (stage 1) imports pkg.render.site (stage 5), a higher stage"
    assert expected in found
    assert "import circle: pkg.model.records -> pkg.render.site" in found


def test_mkdocs_outside_the_plugin_and_deep_folders_are_caught(tmp_path: Path) -> None:
    package = _tree(
        tmp_path,
        {
            "render/__init__.py": "",
            "render/site.py": "import mkdocs.config\n",
            "render/parts/__init__.py": "",
            "render/parts/deep.py": "",
            "plugin.py": "from mkdocs.plugins import BasePlugin\n",
        },
    )
    found = problems(package)
    assert "pkg/render/site.py:1: imports mkdocs.config; only pkg.plugin may import MkDocs" in found
    assert "pkg/render/parts/deep.py: 2 folders deep inside the package (at most 1)" in found
    assert not [f for f in found if f.startswith("pkg/plugin.py")]


def test_a_circle_inside_one_stage_is_caught(tmp_path: Path) -> None:
    package = _tree(
        tmp_path,
        {
            "check/__init__.py": "",
            "check/a.py": "from .b import y\nx = 1\n",
            "check/b.py": "from . import a\ny = 2\n",
        },
    )
    assert problems(package) == ["import circle: pkg.check.a -> pkg.check.b"]
