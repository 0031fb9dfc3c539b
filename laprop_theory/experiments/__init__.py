"""The paper's experiments that fit on a CPU: one module per experiment, and their registry.

Each experiment module exposes ``NAME``, ``TITLE``, ``CLAIM``, ``run(quick, seeds, tick) ->
Record``, ``units(quick, seeds)`` (progress-bar length) and ``plot(record, out)`` (its figures,
drawn from the JSON record), and declares them once as ``EXPERIMENT = Experiment(...)``
(:mod:`.registry`). A new experiment is one new module; :data:`EXPERIMENTS`, the command line,
:func:`.plots.plot` and the companion note find it there.
"""

from __future__ import annotations

from types import ModuleType

from .registry import Experiment, ExperimentError, entries, load, module_of, names


def listing() -> dict[str, str]:
    """Experiment name → one-line description, in listing order (read afresh each call)."""
    return {e.name: e.description for e in entries()}


EXPERIMENTS: dict[str, str] = listing()
"""Experiment name → one-line description, in listing order, as found at import."""


def get(name: str) -> ModuleType:
    """The module of experiment ``name`` (KeyError for an unknown name)."""
    return module_of(name)


__all__ = ["EXPERIMENTS", "Experiment", "ExperimentError", "get", "listing", "load", "names"]
