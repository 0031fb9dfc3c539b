"""The experiments' registry: every module of this package that declares an ``EXPERIMENT``.

An experiment is one module of :mod:`laprop_theory.experiments` ending in ::

    EXPERIMENT = Experiment(name=NAME, description="...", order=5,
                            run=run, units=units, plot=plot)

and nothing else registers it: the command line (``experiment NAME``, ``experiment all``), the
companion note's table and :func:`laprop_theory.experiments.plots.plot` all read this registry.

Listing the experiments must not import them (they import torch, and every command of
``python -m laprop_theory`` builds the ``experiment`` parser, whose help names them). So
:func:`entries` reads each module's source with :mod:`ast` and takes ``name``, ``description``
and ``order`` from the ``EXPERIMENT = Experiment(...)`` statement: each must be a literal, or a
module-level name bound to a literal (``name=NAME``). :func:`load` imports the module and
checks that the object it built agrees with what was read.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["DECLARATION", "Entry", "Experiment", "ExperimentError", "entries", "entry", "load",
           "module_of", "names"]

PACKAGE = __name__.rpartition(".")[0]
DECLARATION = "EXPERIMENT"
"""The module-level name an experiment module binds its :class:`Experiment` to."""
_LISTED = ("name", "description", "order")


class ExperimentError(ValueError):
    """An experiment module whose declaration cannot be read, or two modules with one name."""


@dataclass(frozen=True)
class Experiment:
    """One experiment of the paper, as its module declares it.

    ``run(quick=False, seeds=None, tick=no_tick) -> Record`` trains and returns the record;
    ``units(quick, seeds) -> int`` is the progress-bar length of such a run;
    ``plot(record_dict, out_dir) -> list[Path]`` draws the record's figures (PNG) into
    ``out_dir`` from the JSON record alone. ``order`` places the experiment in every listing
    (the command line's help, ``experiment all``, the note's table; ties by name): the
    section number of ``docs/experiments.md``.
    """

    name: str
    description: str
    order: int
    run: Callable[..., Any]
    units: Callable[..., int]
    plot: Callable[[dict[str, Any], Path], list[Path]]


@dataclass(frozen=True)
class Entry:
    """What the listing knows of an experiment without importing its module."""

    name: str
    description: str
    order: int
    module: str
    """The dotted module name."""
    path: Path
    """The module's source file (the command line's record fingerprint hashes it)."""


def _literals(tree: ast.Module) -> dict[str, Any]:
    """Module-level ``NAME = <literal>`` bindings."""
    out: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            try:
                out[node.targets[0].id] = ast.literal_eval(node.value)
            except ValueError:
                continue
    return out


def _declaration(tree: ast.Module) -> ast.Call | None:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == DECLARATION for t in targets):
                call = node.value
                if isinstance(call, ast.Call):
                    return call
                raise ExperimentError(f"{DECLARATION} must be bound to Experiment(...)")
    return None


def read_entry(module: str, path: Path) -> Entry | None:
    """The entry declared in the source file ``path`` of ``module``, or None when the file
    declares no ``EXPERIMENT`` (a shared module such as ``common`` or ``plots``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    call = _declaration(tree)
    if call is None:
        return None
    consts = _literals(tree)
    given = {k.arg: k.value for k in call.keywords if k.arg is not None}
    values: dict[str, Any] = {}
    for key in _LISTED:
        node = given.get(key)
        if node is None:
            raise ExperimentError(f"{path}: {DECLARATION} = Experiment(...) must give {key}= "
                                  "as a keyword")
        if isinstance(node, ast.Name) and node.id in consts:
            values[key] = consts[node.id]
            continue
        try:
            values[key] = ast.literal_eval(node)
        except ValueError:
            raise ExperimentError(f"{path}: {key}= of {DECLARATION} must be a literal or a "
                                  "module-level name bound to one (the listing reads it "
                                  "without importing the module)") from None
    if not isinstance(values["name"], str) or not values["name"]:
        raise ExperimentError(f"{path}: name= must be a non-empty string")
    if not isinstance(values["description"], str):
        raise ExperimentError(f"{path}: description= must be a string")
    if not isinstance(values["order"], int) or isinstance(values["order"], bool):
        raise ExperimentError(f"{path}: order= must be an integer")
    return Entry(values["name"], values["description"], values["order"], module, path)


def entries() -> list[Entry]:
    """Every experiment of the package, sorted by (order, name); read afresh from the
    package's folders (``__path__``) at each call, importing nothing."""
    package = importlib.import_module(PACKAGE)
    found: dict[str, Entry] = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg or not hasattr(info.module_finder, "path"):
            continue
        path = Path(info.module_finder.path) / f"{info.name}.py"
        if not path.is_file():
            continue
        listed = read_entry(f"{PACKAGE}.{info.name}", path)
        if listed is None:
            continue
        if listed.name in found:
            raise ExperimentError(f"experiment {listed.name!r} is declared twice: in "
                                  f"{found[listed.name].path} and in {listed.path}")
        found[listed.name] = listed
    return sorted(found.values(), key=lambda e: (e.order, e.name))


def names() -> list[str]:
    """The experiments' names, in listing order."""
    return [e.name for e in entries()]


def entry(name: str) -> Entry:
    """The listing entry of experiment ``name`` (KeyError for an unknown name)."""
    for e in entries():
        if e.name == name:
            return e
    raise KeyError(name)


def module_of(name: str) -> ModuleType:
    """The module of experiment ``name`` (KeyError for an unknown name)."""
    return importlib.import_module(entry(name).module)


def load(name: str) -> Experiment:
    """The :class:`Experiment` of ``name``, its module imported (KeyError for an unknown name);
    :class:`ExperimentError` when the object disagrees with the listing read from source."""
    listed = entry(name)
    exp = getattr(importlib.import_module(listed.module), DECLARATION, None)
    if not isinstance(exp, Experiment):
        raise ExperimentError(f"{listed.module}.{DECLARATION} is not an Experiment")
    seen = {k: getattr(exp, k) for k in _LISTED}
    if seen != {k: getattr(listed, k) for k in _LISTED}:
        raise ExperimentError(f"{listed.module}.{DECLARATION} = {seen} disagrees with its "
                              f"source listing {listed}")
    return exp
