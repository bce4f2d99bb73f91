"""The apps form floors: the import graph between them (from the code's own imports) has no cycle."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import networkx as nx

PACKAGE = Path(__file__).resolve().parents[2] / "integrationsatlas"
APPS = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}


def _imported_modules(path: Path, package: tuple[str, ...] | None = None) -> set[str]:
    """Absolute names of every module a file imports, at the top or inside a function."""
    if package is None:
        package = path.relative_to(PACKAGE.parent).with_suffix("").parts[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.add(module)
            # `from integrationsatlas import planning` names the app in the alias.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def app_graph() -> nx.DiGraph:
    graph = nx.DiGraph()
    graph.add_nodes_from(APPS)
    where: dict[tuple[str, str], set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(PACKAGE).parts
        if len(parts) < 2 or "migrations" in parts:
            continue
        for module in _imported_modules(path):
            names = module.split(".")
            inside = len(names) > 1 and names[0] == "integrationsatlas" and names[1] in APPS
            if inside and names[1] != parts[0]:
                where[(parts[0], names[1])].add(str(path.relative_to(PACKAGE)))
    for (source, target), files in where.items():
        graph.add_edge(source, target, files=sorted(files))
    return graph


def test_the_apps_import_each_other_without_a_cycle():
    graph = app_graph()
    cycles = list(nx.simple_cycles(graph))
    described = [
        " -> ".join([*cycle, cycle[0]])
        + " ("
        + "; ".join(
            graph.edges[a, b]["files"][0]
            for a, b in zip(cycle, [*cycle[1:], cycle[0]], strict=True)
        )
        + ")"
        for cycle in cycles
    ]
    assert not cycles, described


def test_the_registry_imports_nothing_from_the_floors_above_it():
    graph = app_graph()
    above = {
        "assessments",
        "planning",
        "finder",
        "api",
        "interchange",
        "standards",
        "notifications",
    }
    offending = {t: graph.edges["registry", t]["files"] for t in graph.successors("registry")}
    assert not {t: f for t, f in offending.items() if t in above}


def test_the_engine_imports_no_other_app_and_no_django():
    graph = app_graph()
    assert list(graph.successors("analysis")) == []
    for path in (PACKAGE / "analysis").rglob("*.py"):
        assert not any(m.split(".")[0] == "django" for m in _imported_modules(path)), path


def test_the_graph_sees_late_and_relative_imports(tmp_path):
    # The cycles this guards against hide in imports inside functions and relative imports.
    source = tmp_path / "x.py"
    source.write_text(
        "def f():\n    from integrationsatlas.planning import views\n\nfrom ..regions import models\n"
    )
    found = _imported_modules(source, package=("integrationsatlas", "core"))
    assert "integrationsatlas.planning.views" in found
    assert "integrationsatlas.regions.models" in found
