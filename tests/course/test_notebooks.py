"""The course (issues 9 and 18): every notebook runs top to bottom, imports its logic from the
library, and carries exercises a student can do as homework.

An exercise is three things, tied together by ``metadata["exercise"]`` (e.g. ``"ex1"``):

* a *student* cell (tag ``student``) in the notebook, with a placeholder ``...`` to replace;
* a *check* cell (tag ``check``) in the notebook, which reads only names that the notebook
  itself defines (never a name that only the solution defines) and fails with an
  ``AssertionError`` that says what is wrong;
* in ``notebooks/solutions/<notebook>.py``, a block ``# %% ex1 solution`` (a correct answer,
  replacing the student cell) and a block ``# %% ex1 wrong`` (a plausible wrong answer).

The solutions are not in the notebook, so "Run All" never prints them. Each notebook runs once,
in one kernel, three ways: as stored (every check fails by assertion on the placeholders,
every other cell passes), with each exercise's wrong answer (its check fails by assertion),
and from the first exercise cell to the end with the solutions (every cell passes)."""

from __future__ import annotations

import ast
import builtins
import functools
import importlib
import pkgutil
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]' brings nbformat")
nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]' brings nbclient")

HERE = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(HERE.glob("[0-9]*.ipynb"))
EXPECTED = 7
BLOCK = re.compile(r"^# %% (\S+) (solution|wrong)[^\n]*\n", re.M)


def _code(nb) -> list[str]:
    return [c.source for c in nb.cells if c.cell_type == "code"]


def _tagged(nb, tag: str) -> list:
    return [c for c in nb.cells if tag in c.metadata.get("tags", [])]


def _solutions(path: Path) -> dict[tuple[str, str], str]:
    """{(exercise, "solution" | "wrong"): source} from notebooks/solutions/<stem>.py."""
    text = (HERE / "solutions" / f"{path.stem}.py").read_text()
    parts = BLOCK.split(text)
    return {(parts[i], parts[i + 1]): parts[i + 2].strip() + "\n" for i in range(1, len(parts), 3)}


@functools.cache
def _library_functions() -> frozenset[str]:
    """Names of every function and class defined anywhere in laprop and laprop_theory (read
    once per worker: every notebook's test asks)."""
    names: set[str] = set()
    for pkg in ("laprop", "laprop_theory"):
        root = Path(importlib.import_module(pkg).__file__).parent
        for info in pkgutil.walk_packages([str(root)], prefix=f"{pkg}."):
            path = root.joinpath(*info.name.split(".")[1:])
            file = path / "__init__.py" if info.ispkg else path.with_suffix(".py")
            tree = ast.parse(file.read_text())
            names |= {n.name for n in ast.walk(tree)
                      if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                      and not n.name.startswith("__")}
    return frozenset(names)


def _parse(src: str) -> ast.AST:
    return ast.parse("\n".join(line for line in src.splitlines()
                               if not line.lstrip().startswith(("%", "!"))))


def _bound_names(tree: ast.AST) -> set[str]:
    """Every name a piece of code binds: assignments, loop targets, imports, defs, arguments."""
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del):
            out.add(n.id)
        elif isinstance(n, ast.Import | ast.ImportFrom):
            out |= {(a.asname or a.name).split(".")[0] for a in n.names}
        elif isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            out.add(n.name)
        elif isinstance(n, ast.arg):
            out.add(n.arg)
        elif isinstance(n, ast.ExceptHandler) and n.name:
            out.add(n.name)
    return out


def test_the_six_notebooks_exist():
    assert len(NOTEBOOKS) == EXPECTED, [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_imports_its_logic(path):
    nb = nbformat.read(path, as_version=4)
    tree = _parse("\n".join(_code(nb)))
    imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import)
                for a in n.names}
    imported |= {n.module.split(".")[0] for n in ast.walk(tree)
                 if isinstance(n, ast.ImportFrom) and n.module}
    assert imported & {"laprop", "laprop_theory"}, "a notebook must use the library"
    library = _library_functions()
    sols = "\n".join(_solutions(path).values())
    for where, src in ((path.name, "\n".join(_code(nb))), (f"solutions/{path.stem}.py", sols)):
        defined = {n.name for n in ast.walk(_parse(src))
                   if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)}
        clash = defined & library
        assert not clash, f"{where} redefines library functions {sorted(clash)}: import them"
    # outputs are stripped from the stored notebooks (they are regenerated by running them)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_exercises_are_homework(path):
    """Each exercise: a student cell with a placeholder, a check cell that asserts and reads
    only names the notebook defines, a solution and a wrong answer outside the notebook, and
    at least one pen-and-paper exercise (tag ``pen-and-paper``) checked with sympy."""
    nb = nbformat.read(path, as_version=4)
    students, checks = _tagged(nb, "student"), _tagged(nb, "check")
    ids = [c.metadata.get("exercise") for c in students]
    assert ids and None not in ids and len(set(ids)) == len(ids), f"{path.name}: exercise ids {ids}"
    assert sorted(c.metadata.get("exercise") for c in checks) == sorted(ids), path.name
    assert not _tagged(nb, "solution"), f"{path.name}: solutions belong in notebooks/solutions/"
    sols = _solutions(path)
    notebook_names = _bound_names(_parse("\n".join(_code(nb)))) | set(dir(builtins))
    for student in students:
        ex = student.metadata["exercise"]
        assert "..." in student.source, f"{path.name} {ex}: the student cell needs a placeholder"
        assert (ex, "solution") in sols and (ex, "wrong") in sols, \
            f"{path.name} {ex}: solutions/{path.stem}.py needs a solution and a wrong block"
        check = next(c for c in checks if c.metadata["exercise"] == ex)
        assert "assert" in check.source, f"{path.name} {ex}: the check must assert"
        tree = _parse(check.source)
        read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)
                and isinstance(n.ctx, ast.Load)}
        foreign = read - notebook_names - _bound_names(tree)
        assert not foreign, f"{path.name} {ex}: the check reads {sorted(foreign)}, defined only " \
                            "by the solution (a student's correct answer would fail by NameError)"
    assert _tagged(nb, "pen-and-paper"), f"{path.name}: no pen-and-paper exercise"
    assert all("sympy" in c.source or "sp." in c.source
               for c in checks if "pen-and-paper" in c.metadata.get("tags", [])), path.name


def _errors(cell) -> list[tuple[str, str]]:
    return [(o.ename, o.evalue) for o in cell.get("outputs", []) if o.output_type == "error"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_with_and_without_solutions(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    sols = _solutions(path)
    client = nbclient.NotebookClient(nb, timeout=240, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(tmp_path)}})

    cells = list(nb.cells)
    nb.cells.append(nbformat.v4.new_code_cell(""))  # nbclient stores each executed cell here

    def run(source: str):
        cell = nbformat.v4.new_code_cell(source)
        client.execute_cell(cell, len(cells))
        return cell

    first = next(i for i, c in enumerate(cells) if "student" in c.metadata.get("tags", []))
    checks = {c.metadata["exercise"]: c for c in _tagged(nb, "check")}
    with client.setup_kernel():
        # 1. as stored: the placeholders make every check fail by assertion, nothing else fails
        for i, cell in enumerate(cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, i)
            errors = _errors(cell)
            if "check" in cell.metadata.get("tags", []):
                ex = cell.metadata["exercise"]
                assert [e for e, _ in errors] == ["AssertionError"], \
                    f"{path.name} {ex}: with the placeholder the check must fail by assertion: " \
                    f"{errors}"
                assert errors[0][1].strip(), f"{path.name} {ex}: the assertion must say why"
            else:
                assert not errors, f"{path.name} cell {i}: {errors}"
        # 2. a wrong answer: its check fails by assertion
        for ex, check in checks.items():
            assert not _errors(run(sols[ex, "wrong"])), f"{path.name} {ex}: wrong block"
            errors = _errors(run(check.source))
            assert [e for e, _ in errors] == ["AssertionError"], \
                f"{path.name} {ex}: the check must reject the wrong answer by assertion: {errors}"
        # 3. with the solutions, from the first exercise to the end: every cell passes
        for i, cell in enumerate(cells[first:], start=first):
            if cell.cell_type != "code":
                continue
            tags = cell.metadata.get("tags", [])
            student = "student" in tags
            source = sols[cell.metadata["exercise"], "solution"] if student else cell.source
            errors = _errors(run(source))
            assert not errors, f"{path.name} cell {i} with the solutions: {errors}"
