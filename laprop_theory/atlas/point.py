"""One point of the atlas: the searcher run under a work budget, and its row.

The search (:func:`laprop_theory.search.engine.search`, one process, no time limit) runs
round by round: first the all-ones candidate (1 evaluation), then whole rounds while

    evaluations < budget   and   (S − best)/S > :data:`STOP_GAP`

where S is the exact supremum of the objective where one is known
(:mod:`laprop_theory.bounds.suprema`). A round is never cut, so a point spends at most one
round more than its budget; rounds, their seeds and the evaluations they count depend only on
(target, μ, ν, T, seed), so the row does too -- not on the process, the machine, its load or
the order points finish in. ``seconds`` is the only field measured by the clock.

The row (values are decimal strings at 40 significant digits, as in ``search --json``):
``best_value`` (the objective on ``sequence``, recomputed with the reference MP backend),
``exact_supremum`` (or None), ``bound`` (the paper's bound on the objective: Prop. 1 for
``laprop-update``, Prop. 2 as stated for ``adam-update``, 1 for the ratio targets; None where
the paper states none), ``paper_bound`` (the paper's bound on the update, units of λ),
``ratio`` = best_value/bound, ``certified_violation`` (ball arithmetic, as ``search``),
``evaluations``, ``rounds``, ``stopped`` and ``note``. A point outside a target's domain
(Prop. 2 needs μ < √ν) gets a row with no values and the reason in ``note``.
"""

from __future__ import annotations

import time
from typing import Any

import mpmath

from ..numerics import DEFAULT_DPS
from ..search.engine import RunLimits, SearchState, search
from ..search.result import build_result
from ..search.targets import TargetDomainError
from .grid import Point

__all__ = ["DEFAULT_BUDGET", "ROW_FIELDS", "STOP_GAP", "compute_point"]

DEFAULT_BUDGET = 100_000
"""Default work budget per point, in objective evaluations: one round of the searcher costs
about 10 000 (T = 2) to 72 000 (T = 50) evaluations, and one round already reaches the exact
supremum of ``laprop-update`` and ``adam-update`` to 1e-12 for T ≤ 50
(tests/theory/atlas/test_atlas.py, docs/atlas.md)."""
STOP_GAP = mpmath.mpf("1e-12")
"""A point stops once its best value is within this relative gap of the exact supremum."""

ROW_FIELDS = ("target", "mu", "nu", "steps", "seed", "budget", "best_value", "exact_supremum",
              "bound", "paper_bound", "ratio", "certified_violation", "sequence",
              "evaluations", "rounds", "stopped", "note", "seconds")
"""The fields of a row, in the order they are written."""


def _close_enough(value: Any, sup: Any, dps: int) -> bool:
    """Is ``value`` within :data:`STOP_GAP` (relative) of a finite positive supremum?"""
    if value is None or sup is None or not mpmath.isfinite(sup) or sup <= 0:
        return False
    with mpmath.workdps(dps):
        return (sup - value) / sup <= STOP_GAP


def _outside(point: Point, reason: str, started: float) -> dict[str, Any]:
    """The row of a point outside the target's domain: no search, the reason in ``note``."""
    row = dict.fromkeys(ROW_FIELDS)
    row.update(target=point.target, mu=point.mu, nu=point.nu, steps=point.steps,
               seed=point.seed, budget=point.budget, certified_violation=False, sequence=[],
               evaluations=0, rounds=0, stopped="outside the target's domain", note=reason,
               seconds=round(time.perf_counter() - started, 3))
    return row


def compute_point(point: Point, dps: int = DEFAULT_DPS) -> dict[str, Any]:
    """Search one point under its budget and return its row (see the module docstring)."""
    started = time.perf_counter()
    problem = point.problem()
    target = problem.target
    try:
        target.check(point.mu, point.nu, point.steps)
    except TargetDomainError as exc:
        return _outside(point, str(exc), started)
    sup = target.exact_supremum(point.mu, point.nu, point.steps, dps)
    state = SearchState()

    def step(rounds: int) -> str:
        nonlocal state
        state, why = search(problem, seed=point.seed, dps=dps, workers=1, state=state,
                            limits=RunLimits(time_limit=None, rounds=rounds))
        return why

    why = step(0)  # the first candidate
    while why != "exact supremum reached" and not _close_enough(state.best.value, sup, dps):
        if state.evaluations >= point.budget:
            why = "budget"
            break
        why = step(1)
    if why != "budget":
        why = "exact supremum reached"
    result = build_result(problem, state, seed=point.seed, dps=dps, stopped=why)
    row = {name: result.get(name) for name in ROW_FIELDS}
    row.update(budget=point.budget, note=None, stopped=why,
               seconds=round(time.perf_counter() - started, 3))
    return row
