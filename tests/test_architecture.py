"""The layers hold: no import cycles among qbank's modules, and only the command line
(``qbank.cli``) imports click. Checked on the source, so a lazy import inside a function
counts as much as one at the top of a module, and so does one under ``if TYPE_CHECKING:``
(modules that need each other's types are as entangled as those that import each other)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

Graph = dict[str, set[str]]


def _modules(root: Path, package: str) -> dict[str, Path]:
    """Every module of ``package`` under ``root``: dotted name -> file."""
    found = {}
    for path in sorted((root / package.replace(".", "/")).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The modules ``name`` imports, anywhere in its file (top level or inside functions).
    Relative imports are resolved; ``from pkg import x`` means the module ``pkg.x`` when
    there is one, else ``pkg``. Names outside ``modules`` are kept as written (``click``)."""
    tree = ast.parse(path.read_text("utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                out.add(sub if sub in modules else target)
    out.discard(name)
    return out


def import_graph(root: Path, package: str) -> Graph:
    modules = _modules(root, package)
    return {name: imports(name, path, modules) for name, path in modules.items()}


def cycles(graph: Graph) -> list[list[str]]:
    """Every group of modules that import each other (a strongly connected component, by
    Tarjan's algorithm), as the shortest cycle through each of its modules: ``[a, b, a]``,
    each starting at its first module in sorted order, each cycle once."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v] & graph.keys()):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            connect(v)
    found: list[list[str]] = []
    for group in groups:
        for start in sorted(group):
            body = _shortest_cycle(start, group, graph)
            first = body.index(min(body))
            cycle = body[first:] + body[:first] + [min(body)]
            if cycle not in found:
                found.append(cycle)
    return sorted(found)


def _shortest_cycle(start: str, group: set[str], graph: Graph) -> list[str]:
    """The modules of a shortest cycle from ``start`` back to it inside ``group`` (breadth first)."""
    parent: dict[str, str | None] = {start: None}
    frontier = [start]
    while frontier:
        following = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    path = [v]
                    while parent[path[-1]] is not None:
                        path.append(parent[path[-1]])
                    return path[::-1]
                if w not in parent:
                    parent[w] = v
                    following.append(w)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # every module of a group is on one


# --- the checker finds what it should --------------------------------------------------------

def _package(tmp_path: Path, files: dict[str, str]) -> Graph:
    for rel, text in files.items():
        path = tmp_path / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return import_graph(tmp_path, "pkg")


def test_imports_are_found_at_every_level_and_relative_ones_resolved(tmp_path):
    graph = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from . import b\nfrom .sub import c\n",
        "pkg/b.py": "def later():\n    from .sub.c import helper\n    import click\n",
        "pkg/sub/__init__.py": "from .. import a\n",
        "pkg/sub/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from ..a import x\n"
                        "import pkg.b\n",
    })
    assert graph["pkg.a"] == {"pkg.b", "pkg.sub.c"}
    assert graph["pkg.b"] == {"pkg.sub.c", "click"}
    assert graph["pkg.sub"] == {"pkg.a"}
    assert graph["pkg.sub.c"] == {"typing", "pkg.a", "pkg.b"}


def test_a_cycle_is_reported_as_the_modules_that_close_it(tmp_path):
    graph = _package(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/engine.py": "from .standby import Standby\nfrom . import leaf\n",
        "pkg/standby.py": "def fork():\n    from .engine import check_file\n",
        "pkg/leaf.py": "",
        "pkg/x.py": "from . import y\n",
        "pkg/y.py": "from . import z\n",
        "pkg/z.py": "from . import x\n",
    })
    assert cycles(graph) == [["pkg.engine", "pkg.standby", "pkg.engine"], ["pkg.x", "pkg.y", "pkg.z", "pkg.x"]]
    graph["pkg.leaf"] = {"pkg.engine"}  # engine -> leaf -> engine joins the group: both cycles are named
    assert cycles(graph)[:2] == [["pkg.engine", "pkg.leaf", "pkg.engine"], ["pkg.engine", "pkg.standby", "pkg.engine"]]
    graph["pkg.leaf"] = set()
    graph["pkg.standby"] = set()
    graph["pkg.z"] = set()
    assert cycles(graph) == []


# --- qbank itself ----------------------------------------------------------------------------

GRAPH = import_graph(SRC, "qbank")


def test_the_graph_covers_the_command_line_and_the_core():
    assert GRAPH["qbank.cli.lint"] >= {"click", "qbank.api"}
    assert "qbank.rewrite" in GRAPH["qbank.fmt"]


def test_no_module_imports_one_that_imports_it_back():
    found = cycles(GRAPH)
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(c) for c in found)


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_only_the_command_line_imports_click():
    offenders = sorted(name for name, deps in GRAPH.items()
                       if not _within(name, "qbank.cli") and any(_within(d, "click") for d in deps))
    assert offenders == []


def test_the_core_never_imports_the_command_line():
    offenders = sorted(name for name, deps in GRAPH.items()
                       if not _within(name, "qbank.cli") and any(_within(d, "qbank.cli") for d in deps))
    assert offenders == []
