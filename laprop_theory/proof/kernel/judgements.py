"""The kernel's judgements: facts, systems, run facts, coordinate sums, and the
:class:`Theorem` that only the rules of :mod:`laprop_theory.proof.kernel` can make (see that
package's docstring for the rules)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import sympy as sp

from ..core import Domain, Range, show

_TOKEN = object()


class KernelError(ValueError):
    """A rule's premises do not fit: the derivation is rejected (never a silent pass)."""


class Blocked(Exception):
    """A derivation needs a step that is not proved."""

    def __init__(self, step_id: str, status: str) -> None:
        super().__init__(f"step {step_id} is {status}")
        self.step_id, self.status = step_id, status


@dataclass(frozen=True)
class Fact:
    """``∀ x ∈ domain: lhs rel rhs`` with rel in ≤, <, = (normal form)."""

    lhs: Any
    rel: str
    rhs: Any
    domain: Domain

    def __str__(self) -> str:
        return f"{show(self.lhs)} {self.rel} {show(self.rhs)}   for {self.domain.describe()}"


@dataclass(frozen=True)
class System:
    """A state recurrence: ``state_t = step(state_{t−1}, input_t, t)``, ``state_0 = init``.

    ``state``: the state symbols (e.g. m, n); ``inputs``: the input symbols with their range
    and constraints (e.g. g real, g ≠ 0); ``params``: the parameter domain (μ, ν, ...);
    ``t``: the step counter symbol; ``update``: state symbol → expression of (state, inputs,
    t, params) -- built from :mod:`laprop_theory.recurrences` in sympy by the claim modules;
    ``init``: state symbol → initial value; ``state_ranges``: the range of each state symbol
    in the induction step (typically the whole line: the invariant carries what is known).
    ``lets``: per-step quantities, symbol → expression of (state_{t−1}, inputs, t, params,
    earlier lets), in order; ``update`` may use them. ``assumptions``: relations over the
    same symbols (and ``update`` expressions) that every run considered satisfies at every
    step (hypotheses of a theorem about runs). ``coordinatewise``: the system is one
    coordinate of an algorithm that updates every coordinate alike from its own state and
    gradient (the premise of :func:`coordinates`).
    """

    name: str
    state: tuple[sp.Symbol, ...]
    update: dict[sp.Symbol, Any]
    init: dict[sp.Symbol, Any]
    inputs: Domain
    params: Domain
    t: sp.Symbol
    state_ranges: dict[sp.Symbol, Range] = field(default_factory=dict)
    lets: dict[sp.Symbol, Any] = field(default_factory=dict)
    assumptions: tuple[Any, ...] = ()
    coordinatewise: bool = False


@dataclass(frozen=True)
class RunFact:
    """``∀ runs of system, ∀ integer t ≥ 1: every relation of invariant holds of state_t``."""

    system: System
    invariant: tuple[tuple[Any, str, Any], ...]

    def __str__(self) -> str:
        rels = " and ".join(f"{a} {r} {b}" for a, r, b in self.invariant)
        under = ""
        if self.system.assumptions:
            under = " (runs with " + ", ".join(map(str, self.system.assumptions)) + \
                " at every step)"
        return f"every run of {self.system.name}{under}, every t >= 1: {rels}"


@dataclass(frozen=True)
class CoordinateSum:
    """``∀ d ≥ 1, ∀ runs of d coordinates of a coordinate-wise system, ∀ t ≥ 1:
    Σ_i lhs_i ≤ Σ_i rhs_i`` (lhs_i, rhs_i: the relation at coordinate i's state)."""

    system: System
    relation: tuple[Any, str, Any]

    def __str__(self) -> str:
        a, r, b = self.relation
        return (f"every d >= 1 and every run of d coordinates of {self.system.name}, every "
                f"t >= 1: sum_i ({a})_i {r} sum_i ({b})_i")


@dataclass(frozen=True)
class Theorem:
    """A judgement the kernel accepted, with the rule and the premises that made it."""

    statement: Fact | RunFact | CoordinateSum
    rule: str
    premises: tuple[Theorem, ...]
    steps: tuple[str, ...]  # the decided steps it rests on (claim/step ids)
    token: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.token is not _TOKEN:
            raise KernelError("theorems are made by the kernel's rules only")


def _thm(stmt: Fact | RunFact | CoordinateSum, rule: str, premises: Sequence[Theorem],
         steps: Sequence[str] = ()) -> Theorem:
    used = tuple(dict.fromkeys([*steps, *(s for p in premises for s in p.steps)]))
    return Theorem(stmt, rule, tuple(premises), used, _TOKEN)


def _fact(th: Theorem) -> Fact:
    if not isinstance(th, Theorem) or th.token is not _TOKEN:
        raise KernelError("not a theorem of the kernel")
    if not isinstance(th.statement, Fact):
        raise KernelError("a fact is needed here, not a run fact")
    return th.statement
