"""The import graph of the two packages: the arrows go one way (docs/architecture.md).

Every module of ``laprop`` and ``laprop_theory`` is parsed with :mod:`ast` (nothing is
imported), and every ``import`` statement in it -- at module level, inside functions, under
``if TYPE_CHECKING`` -- becomes an edge to the packages' own module it names (relative imports
resolved; ``from pkg import name`` points to the submodule ``pkg.name`` when there is one,
else to ``pkg``). On that graph:

* no module outside ``laprop_theory/cli/`` and ``laprop_theory/__main__.py`` imports
  ``laprop_theory.cli`` (the library never reaches into the command line);
* ``laprop`` never imports ``laprop_theory`` (the optimizer stands alone);
* hypothesis is imported only under ``laprop_theory/testing/``, and importing
  ``laprop_theory.bridge`` works with hypothesis blocked (a subprocess);
* the modules of ``laprop_theory/search/`` import one another without a cycle.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("laprop", "laprop_theory")


def module_files() -> dict[str, Path]:
    """Dotted module name → file, for every ``.py`` file of the packages."""
    out = {}
    for pkg in PACKAGES:
        for path in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = path
    return out


def imported_names(module: str, path: Path) -> set[str]:
    """The absolute dotted names imported anywhere in ``path`` (``from a import b`` gives
    ``a.b``: the caller resolves it to the module ``a.b`` if there is one, else to ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                if node.level > 1:
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            names.update(base if alias.name == "*" else f"{base}.{alias.name}"
                         for alias in node.names)
    return names


def resolve(name: str, modules: set[str]) -> str | None:
    """The longest prefix of ``name`` that is one of the packages' modules (or None)."""
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        candidate = ".".join(parts[:k])
        if candidate in modules:
            return candidate
    return None


def import_graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between the packages' modules, every absolute name each module imports)."""
    files = module_files()
    modules = set(files)
    graph: dict[str, set[str]] = {}
    raw: dict[str, set[str]] = {}
    for module, path in files.items():
        names = imported_names(module, path)
        raw[module] = names
        targets = {resolve(n, modules) for n in names}
        graph[module] = {t for t in targets if t is not None and t != module}
    return graph, raw


def cycles(graph: dict[str, set[str]], among: set[str] | None = None) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), restricted to the
    modules in ``among`` (all when None)."""
    nodes = sorted(graph if among is None else among)
    keep = set(nodes)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in keep:
                continue
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for v in nodes:
            if v not in index:
                visit(v)
    finally:
        sys.setrecursionlimit(limit)
    return sorted(out)


@pytest.fixture(scope="module")
def graph() -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    return import_graph()


def _is_cli(module: str) -> bool:
    return module == "laprop_theory.cli" or module.startswith("laprop_theory.cli.")


def test_the_graph_is_read(graph):
    edges, _ = graph
    assert "laprop.optimizer" in edges and "laprop_theory.bridge" in edges
    # a relative import (``from . import recurrences as R``) and a submodule import resolve
    assert "laprop_theory.recurrences" in edges["laprop_theory.bridge"]
    assert sum(len(v) for v in edges.values()) > 100


def test_resolution_of_relative_and_nested_imports(tmp_path):
    pkg = tmp_path / "p" / "q"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("from .a import x\n")
    (pkg / "b.py").write_text("def f():\n    from ..r import s\n    from . import a\n"
                              "    import p.q.c as C\n")
    assert imported_names("p.q", pkg / "__init__.py") == {"p.q.a.x"}
    assert imported_names("p.q.b", pkg / "b.py") == {"p.r.s", "p.q.a", "p.q.c"}
    assert resolve("p.q.a.x", {"p.q", "p.q.a"}) == "p.q.a"
    assert cycles({"a": {"b"}, "b": {"a", "c"}, "c": set()}) == [["a", "b"]]


def test_only_the_command_line_imports_cli(graph):
    edges, _ = graph
    bad = sorted(f"{m} -> {t}" for m, ts in edges.items() for t in ts
                 if _is_cli(t) and not _is_cli(m) and m != "laprop_theory.__main__")
    assert not bad, "library modules import the command line:\n" + "\n".join(bad)


def test_laprop_never_imports_laprop_theory(graph):
    _, raw = graph
    bad = sorted(f"{m} -> {n}" for m, names in raw.items()
                 if m == "laprop" or m.startswith("laprop.")
                 for n in names if n == "laprop_theory" or n.startswith("laprop_theory."))
    assert not bad, "laprop imports laprop_theory:\n" + "\n".join(bad)


def test_hypothesis_is_imported_only_by_the_testing_package(graph):
    _, raw = graph
    bad = sorted(m for m, names in raw.items()
                 if any(n == "hypothesis" or n.startswith("hypothesis.") for n in names)
                 and not (m == "laprop_theory.testing" or m.startswith("laprop_theory.testing.")))
    assert not bad, f"modules outside laprop_theory.testing import hypothesis: {bad}"


def test_bridge_imports_without_hypothesis():
    code = ("import sys\n"
            "sys.modules['hypothesis'] = None\n"
            "import laprop_theory.bridge\n"
            "assert 'laprop_theory.testing' not in sys.modules\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_no_cycle_among_the_search_modules(graph):
    edges, _ = graph
    search = {m for m in edges if m.startswith("laprop_theory.search.")}
    assert search, "no modules found under laprop_theory/search"
    found = cycles(edges, search)
    assert not found, f"import cycles in laprop_theory/search: {found}"
