"""The kernel's rules on runs of a :class:`System`: the induction obligations
(:func:`obligations`, :func:`obligation_steps`), :func:`induction`, :func:`consequence` and
:func:`coordinates`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..core import Domain, Range, Step
from .domains import _domain_within, _rel, _same
from .judgements import CoordinateSum, Fact, KernelError, RunFact, System, Theorem, _fact, _thm


def obligations(system: System, invariant: Sequence[tuple[Any, str, Any]]
                ) -> tuple[list[Fact], list[Fact]]:
    """The base and step facts :func:`induction` requires, one per relation of the invariant.

    base: the invariant at t = 1 of ``update(init, inputs, 1)``, over params × inputs (× the
    lets, under their defining equations at t = 1 from the initial state, and the
    assumptions there); step: the invariant at t of ``update(state, inputs, t)`` for t ≥ 2,
    over params × inputs × state (× lets), under the invariant at t − 1 of ``state``, the
    lets' definitions and the assumptions as constraints."""
    t = system.t
    inv = [_rel(a, r, b) for a, r, b in invariant]
    one = {**system.init, t: sp.Integer(1)}
    base_sub = {s: sp.sympify(system.update[s]).xreplace(one) for s in system.state}
    step_sub = {s: sp.sympify(system.update[s]) for s in system.state}
    ranges = {**system.params.ranges, **system.inputs.ranges,
              **{v: Range() for v in system.lets}}
    cons = (*system.params.constraints, *system.inputs.constraints)
    lets_step = tuple(sp.Eq(v, sp.sympify(e), evaluate=False) for v, e in system.lets.items())
    lets_base = tuple(sp.Eq(v, sp.sympify(e).xreplace(one), evaluate=False)
                      for v, e in system.lets.items())
    assume_base = tuple(sp.sympify(a).xreplace(one) for a in system.assumptions)
    base_dom = Domain(ranges, (*(c.xreplace({t: sp.Integer(1)}) for c in cons), *lets_base,
                               *assume_base)).normalized()
    hyp = []
    for a, r, b in inv:
        op = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r]
        hyp.append(op(sp.sympify(a).xreplace({t: t - 1}), sp.sympify(b).xreplace({t: t - 1}),
                      evaluate=False))
    step_ranges = {**ranges, **{s: system.state_ranges.get(s, Range()) for s in system.state},
                   t: Range(2, sp.oo, integer=True)}
    step_dom = Domain(step_ranges, (*cons, *hyp, *lets_step,
                                    *map(sp.sympify, system.assumptions))).normalized()
    base = [Fact(sp.sympify(a).xreplace({**base_sub, t: sp.Integer(1)}), r,
                 sp.sympify(b).xreplace({**base_sub, t: sp.Integer(1)}), base_dom)
            for a, r, b in inv]
    step = [Fact(sp.sympify(a).xreplace(step_sub), r, sp.sympify(b).xreplace(step_sub),
                 step_dom) for a, r, b in inv]
    return base, step


def obligation_steps(system: System, invariant: Sequence[tuple[Any, str, Any]],
                     prefix: str = "ind") -> list[Step]:
    """The obligations of :func:`obligations` as steps ``{prefix}.base.i``/``{prefix}.step.i``
    (to put in a claim so that the methods decide them)."""
    base, step = obligations(system, invariant)
    out = [Step(f"{prefix}.base.{i}", f.lhs, f.rel, f.rhs, f.domain) for i, f in enumerate(base)]
    out += [Step(f"{prefix}.step.{i}", f.lhs, f.rel, f.rhs, f.domain)
            for i, f in enumerate(step)]
    return out


def induction(system: System, invariant: Sequence[tuple[Any, str, Any]],
              base: Sequence[Theorem], step: Sequence[Theorem]) -> Theorem:
    """The invariant for every run and every t ≥ 1, from one base and one step theorem per
    relation of the invariant whose statements equal :func:`obligations` (a theorem over a
    larger domain is accepted: it is stronger)."""
    want_base, want_step = obligations(system, invariant)
    if len(base) != len(want_base) or len(step) != len(want_step):
        raise KernelError("induction: one base and one step theorem per relation")
    for th, want in [*zip(base, want_base, strict=True), *zip(step, want_step, strict=True)]:
        f = _fact(th)
        if not (_same(f.lhs, want.lhs) and f.rel == want.rel and _same(f.rhs, want.rhs)):
            raise KernelError(f"induction: {f.lhs} {f.rel} {f.rhs} is not the obligation "
                              f"{want.lhs} {want.rel} {want.rhs}")
        if not _domain_within(want.domain, f.domain):
            raise KernelError("induction: a theorem's domain does not contain the obligation's")
    inv = tuple(_rel(a, r, b) for a, r, b in invariant)
    return _thm(RunFact(system, inv), f"induction on {system.t}", (*base, *step))


def consequence(run: Theorem, implication: Theorem, goal: tuple[Any, str, Any]) -> Theorem:
    """From the run fact I and the fact ``goal`` over params × state × (t ≥ 1) under I's
    relations as constraints, the run fact ``goal``."""
    rf = run.statement
    if not isinstance(rf, RunFact):
        raise KernelError("consequence needs a run fact")
    f = _fact(implication)
    sysm = rf.system
    lhs, rel, rhs = _rel(*goal)
    if not (_same(f.lhs, lhs) and f.rel == rel and _same(f.rhs, rhs)):
        raise KernelError("consequence: the implication does not state the goal")
    ranges = {**sysm.params.ranges, **{s: sysm.state_ranges.get(s, Range()) for s in sysm.state},
              sysm.t: Range(1, sp.oo, integer=True)}
    hyp = [{"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[r](a, b, evaluate=False)
           for a, r, b in rf.invariant]
    need = Domain(ranges, (*sysm.params.constraints, *hyp)).normalized()
    extra = set(f.domain.ranges) - set(need.ranges)
    if extra:
        raise KernelError("consequence: the implication has other variables "
                          f"{sorted(map(str, extra))}")
    if not _domain_within(need, f.domain):
        raise KernelError("consequence: the implication's domain does not contain "
                          "params × state × t under the invariant")
    return _thm(RunFact(sysm, ((lhs, rel, rhs),)), "consequence", (run, implication))


def coordinates(run: Theorem) -> Theorem:
    """A run fact ``lhs ≤ rhs`` (one relation) of a coordinate-wise system: for every d, every
    run of d coordinates (each coordinate a run of the system, with its own inputs and
    state, the parameters shared) satisfies it at each coordinate, hence Σ_i lhs_i ≤
    Σ_i rhs_i (a sum of d true inequalities)."""
    rf = run.statement
    if not isinstance(rf, RunFact) or len(rf.invariant) != 1:
        raise KernelError("coordinates needs a run fact of one relation")
    if not rf.system.coordinatewise:
        raise KernelError("coordinates: the system is not declared coordinate-wise")
    a, r, b = rf.invariant[0]
    if r == "=":
        raise KernelError("coordinates sums inequalities")
    return _thm(CoordinateSum(rf.system, (a, r, b)), "sum over coordinates", (run,))
