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
* the modules of ``laprop_theory/search/`` import one another without a cycle;
* no module of ``laprop`` or ``laprop_theory`` is over :data:`MAX_LINES` lines, except the
  proof data named in :data:`PROOF_DATA` (a claim's list of steps), each with its reason;
* no import cycle among all the modules of the two packages, in two graphs: the
  *module-level* graph (imports that run when the module is imported: at module level, in a
  class body, under ``if``/``try`` at module level) and the *whole* graph (also the lazy
  imports inside functions). A module-level cycle can break an import outright (a name read
  from a half-initialised module); a lazy cycle cannot, but it still ties two modules
  together so that neither can be understood, tested or moved without the other, so it is
  refused too (none exists). The implicit import of a package's ``__init__`` when one of its
  submodules is imported is not an edge: an ``__init__`` that re-exports its submodules'
  names would otherwise be in a cycle with each of them;
* no upward arrow: every module of ``laprop_theory`` belongs to one room of :data:`LAYERS`
  (docs/architecture.md, "Rooms"), and no module imports a module of a room above its own,
  in the whole graph (a lazy import is a dependency like any other: it only runs later).
  :data:`UPWARD_ALLOWED` names the arrows that are known and still to be removed.
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


def _import_nodes(tree: ast.Module, lazy: bool) -> list[ast.Import | ast.ImportFrom]:
    """The import statements of a module: all of them (``lazy``), or only those that run when
    the module is imported (not inside a function or lambda)."""
    if lazy:
        return [n for n in ast.walk(tree) if isinstance(n, ast.Import | ast.ImportFrom)]
    out: list[ast.Import | ast.ImportFrom] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            out.append(node)
        for child in ast.iter_child_nodes(node):
            if not isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.append(child)
    return out


def imported_names(module: str, path: Path, lazy: bool = True) -> set[str]:
    """The absolute dotted names imported in ``path`` -- anywhere, or with ``lazy=False`` only
    at module level (see the module docstring) -- (``from a import b`` gives ``a.b``: the
    caller resolves it to the module ``a.b`` if there is one, else to ``a``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    names: set[str] = set()
    for node in _import_nodes(tree, lazy):
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


def import_graph(lazy: bool = True) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(edges between the packages' modules, every absolute name each module imports); with
    ``lazy=False`` the module-level imports only."""
    files = module_files()
    modules = set(files)
    graph: dict[str, set[str]] = {}
    raw: dict[str, set[str]] = {}
    for module, path in files.items():
        names = imported_names(module, path, lazy)
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


# ----------------------------------------------------------------------------- module size

#: the most lines a module may have (issue 15: "no module over 500 lines unless it is proof
#: data (a list of steps)")
MAX_LINES = 500

#: modules allowed over MAX_LINES, by path: proof data only (a claim's steps, one
#: ``Step(...)`` per line of a paper's proof), each with the reason it stays one file
PROOF_DATA = {
    "laprop_theory/claims/theorem1.py":
        "the proof of Theorem 1 (Appendix A.3, Eqs. (16)-(26)) as ~50 Step(...) entries with "
        "the paper's equation numbers, read top to bottom like the appendix",
}


def _line_counts() -> dict[str, int]:
    return {path.relative_to(ROOT).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
            for path in module_files().values()}


def test_no_module_is_over_500_lines_unless_it_is_proof_data():
    over = {p: n for p, n in _line_counts().items() if n > MAX_LINES}
    bad = sorted(f"{p}: {n} lines" for p, n in over.items() if p not in PROOF_DATA)
    assert not bad, (f"modules over {MAX_LINES} lines (split them, or add proof data to "
                     "PROOF_DATA with a reason):\n" + "\n".join(bad))


def test_the_proof_data_allow_list_names_only_long_modules():
    counts = _line_counts()
    stale = sorted(p for p in PROOF_DATA if counts.get(p, 0) <= MAX_LINES)
    assert not stale, f"PROOF_DATA entries that are gone or short now (remove them): {stale}"
    assert all(reason.strip() for reason in PROOF_DATA.values())


# ----------------------------------------------------------------------------- cycles

@pytest.fixture(scope="module")
def module_level_graph() -> dict[str, set[str]]:
    return import_graph(lazy=False)[0]


def test_module_level_and_lazy_imports_are_told_apart(tmp_path):
    pkg = tmp_path / "p"
    pkg.mkdir()
    (pkg / "a.py").write_text("import p.b\nclass K:\n    from p import c\n"
                              "try:\n    from . import d\nexcept ImportError:\n    pass\n"
                              "def f():\n    from . import e\n"
                              "async def g():\n    import p.h\n")
    assert imported_names("p.a", pkg / "a.py", lazy=False) == {"p.b", "p.c", "p.d"}
    assert imported_names("p.a", pkg / "a.py") == {"p.b", "p.c", "p.d", "p.e", "p.h"}


def test_no_import_cycle_at_module_level(module_level_graph, graph):
    edges, _ = graph
    n_module_level = sum(len(v) for v in module_level_graph.values())
    assert 100 < n_module_level < sum(len(v) for v in edges.values())
    found = cycles(module_level_graph)
    assert not found, f"module-level import cycles: {found}"


def test_no_import_cycle_even_with_lazy_imports(graph):
    edges, _ = graph
    found = cycles(edges)
    assert not found, f"import cycles through imports inside functions: {found}"


# ----------------------------------------------------------------------------- layers

#: the rooms of ``laprop_theory`` from the bottom up (docs/architecture.md, "Rooms" and
#: "Arrows"): a module may import modules of its own layer and of the layers below, never of a
#: layer above. An entry names a package (its modules and subpackages) or a module; the
#: package's own ``__init__`` (``laprop_theory``, a docstring) sits at the bottom.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # proof/ball.py ("the one place where values become certified balls") imports no room and
    # serves both the checker and the ARB backend of numerics.py (numerics._to_arb), so it is
    # a foundation that lives in proof/; listing it here keeps it free of the checker
    ("foundations", ("laprop_theory", "laprop_theory.files", "laprop_theory.dtypes",
                     "laprop_theory.inputs", "laprop_theory.numerics",
                     "laprop_theory.recurrences", "laprop_theory.bounds",
                     "laprop_theory.proof.ball", "laprop_theory.course")),
    # the re-checker imports no other room (docs: "never z3, sympy or proof"); the certificate
    # writer (proof/certificates/) uses its evaluator and exact algebra, so it sits below proof
    ("re-checking", ("laprop_theory.verify",)),
    ("checking and exact runs", ("laprop_theory.proof", "laprop_theory.bridge",
                                 "laprop_theory.testing", "laprop_theory.regret",
                                 "laprop_theory.regret_papers")),
    ("claims", ("laprop_theory.claims",)),
    ("search", ("laprop_theory.search",)),
    ("products", ("laprop_theory.atlas", "laprop_theory.experiments", "laprop_theory.figures",
                  "laprop_theory.note", "laprop_theory.report")),
    ("command line", ("laprop_theory.cli", "laprop_theory.__main__")),
)

#: known upward arrows, "importer -> imported" (module names) with the reason; each is to be
#: removed (then delete its entry: the test below fails on an entry that no longer occurs).
#: None today.
UPWARD_ALLOWED: dict[str, str] = {}


def layer_of(module: str) -> int | None:
    """The index in :data:`LAYERS` of the room of a ``laprop_theory`` module (the longest
    entry that is the module or a package above it; ``laprop_theory`` itself only matches
    exactly), or None."""
    best, depth = None, -1
    for i, (_, entries) in enumerate(LAYERS):
        for e in entries:
            hit = module == e or (e != "laprop_theory" and module.startswith(e + "."))
            if hit and e.count(".") > depth:
                best, depth = i, e.count(".")
    return best


def _upward_arrows(edges: dict[str, set[str]]) -> set[str]:
    out = set()
    for m, ts in edges.items():
        lm = layer_of(m)
        for t in ts:
            lt = layer_of(t)
            if lm is not None and lt is not None and lt > lm:
                out.add(f"{m} -> {t}")
    return out


def test_layer_assignment_reads_packages_and_modules():
    names = {name: i for i, (name, _) in enumerate(LAYERS)}
    assert layer_of("laprop_theory") == names["foundations"]
    assert layer_of("laprop_theory.proof.kernel.logic") == names["checking and exact runs"]
    assert layer_of("laprop_theory.cli.check") == names["command line"]
    assert layer_of("laprop_theory.regret") == names["checking and exact runs"]
    assert layer_of("laprop_theory.proof.ball") == names["foundations"]  # the longest entry
    assert layer_of("laprop_theory.proof.balls") == names["checking and exact runs"]
    assert layer_of("laprop_theory.regretful") is None  # a prefix of a name is not a package
    assert layer_of("laprop.optimizer") is None
    assert _upward_arrows({"laprop_theory.proof.core": {"laprop_theory.cli.check"},
                           "laprop_theory.cli.check": {"laprop_theory.proof.core"}}) == {
        "laprop_theory.proof.core -> laprop_theory.cli.check"}


def test_every_module_has_a_room(graph):
    edges, _ = graph
    lost = sorted(m for m in edges if m.startswith("laprop_theory") and layer_of(m) is None)
    assert not lost, f"modules in no room of LAYERS (add them, docs/architecture.md too): {lost}"


def test_no_upward_arrows(graph):
    edges, _ = graph
    found = _upward_arrows(edges)
    bad = sorted(found - set(UPWARD_ALLOWED))
    assert not bad, "imports of a room above the importer's:\n" + "\n".join(bad)
    stale = sorted(set(UPWARD_ALLOWED) - found)
    assert not stale, f"UPWARD_ALLOWED entries that no longer occur (remove them): {stale}"


#: the test folders and what each mirrors; the house's own tests sit at the top
TEST_ROOMS = {"laprop": "the optimizer (laprop/)", "theory": "laprop_theory/",
              "course": "the notebooks (notebooks/)", "paper": "the companion note (paper/)"}
HOUSE_TESTS = {"test_architecture.py", "test_registries.py"}


def test_tests_mirror_the_packages():
    """Every test file is in the folder of what it tests: ``tests/laprop/``,
    ``tests/theory/`` (a subfolder only for a package of ``laprop_theory``: ``tests/theory/
    proof/`` for ``laprop_theory/proof/``), ``tests/course/``, ``tests/paper/``; only the
    house's own tests sit at the top."""
    tests = ROOT / "tests"
    misplaced = []
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests)
        if len(rel.parts) == 1:
            if rel.name not in HOUSE_TESTS:
                misplaced.append(f"{rel}: at the top, but not a test of the house")
            continue
        room = rel.parts[0]
        if room not in TEST_ROOMS:
            misplaced.append(f"{rel}: {room}/ mirrors no package ({', '.join(TEST_ROOMS)})")
        elif room == "theory" and len(rel.parts) > 2:
            sub = ROOT / "laprop_theory" / Path(*rel.parts[1:-1])
            if not (sub / "__init__.py").exists():
                misplaced.append(f"{rel}: laprop_theory/{'/'.join(rel.parts[1:-1])}/ is not "
                                 "a package")
    assert not misplaced, "\n".join(misplaced)
