"""Deciding one step: the methods in turn, each of which can fail.

:func:`decide` runs, in this order,

1. ``counterexample`` (:mod:`.counterexample`): sampled points, certified in ball arithmetic;
   for an abstract step only its replayed witnesses count;
2. ``smt`` (:mod:`.smt`): z3 on the negation, under a resource limit;
3. ``sympy`` (:mod:`.signs`): the sign of lhs − rhs on a parametrisation of the domain;
4. ``interval`` (:mod:`.interval`): certified branch-and-bound.

Before any method runs, the step is *prepared*: both sides are sympified, finite sums written
out, limits evaluated; two different symbols that share a name are refused (certificates and
counterexample points name symbols); every symbol must have a range; integer ranges are
normalised to closed integer bounds (:meth:`Range.normalized`). Where a method cannot decide
the step and the step has symbolic powers b^(t + c) of an integer symbol, the method is tried
once more on the relaxed step of :mod:`.relax` (a proof only: a point of a relaxation refutes
nothing). A proof by ``sympy`` or ``interval`` also needs the step's two sides to be defined on
the whole domain (:mod:`.definedness`).

Every budget counts work (:mod:`.budget`), so the verdict, its method and its counterexample
are a function of the step, the budget and the seed alone. A verdict's ``evidence`` keeps what
a certificate needs (:mod:`.certificates`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import signal
import threading
import time
from collections.abc import Iterator
from typing import Any

import sympy as sp
import sympy.core.random as _sympy_random

from . import counterexample as _cx
from . import interval as _iv
from . import signs as _sg
from . import smt as _sm
from . import verdict_cache as _vc
from .budget import DEFAULT, GUARD_SECONDS, Work
from .core import Claim, Domain, Step, StepResult, Verdict
from .counterexample import certify
from .definedness import defined_on_domain
from .relax import relax_powers

__all__ = ["decide", "check_claim", "certify", "relax_powers", "prepare", "PreparationError",
           "METHOD_ORDER"]

METHOD_ORDER: tuple[str, ...] = ("counterexample", "smt", "sympy", "interval")


class PreparationError(ValueError):
    """A step the checker refuses to decide (the reason is the message)."""


class _Guard(Exception):
    """The wall-clock safety guard fired (a runaway library call, not a verdict)."""


@contextlib.contextmanager
def _seeded_sympy(seed: int) -> Iterator[None]:
    """sympy's random generators seeded with ``seed`` while one step is decided, then put
    back. sympy draws random numbers in Wang's multivariate factorization (its evaluation
    points) and in its assumption system (the order in which rules are tried): unseeded, the
    same step took 1.3 s in five processes out of six and 25 s in the sixth. Seeded, a step
    takes the same path in every process (verdicts did not depend on it either way)."""
    states = (_sympy_random.rng.getstate(), _sympy_random._assumptions_rng.getstate())
    _sympy_random.seed(seed)
    try:
        yield
    finally:
        _sympy_random.rng.setstate(states[0])
        _sympy_random._assumptions_rng.setstate(states[1])


@contextlib.contextmanager
def _guard(seconds: float) -> Iterator[None]:
    """A safety net against a runaway sympy/z3 call (SIGALRM, main thread only). It never
    decides a verdict: a step it stops is reported unverified, naming the guard."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:  # noqa: ARG001
        raise _Guard

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _expand_finite_sums(e: Any) -> Any:
    """Write out Sums whose bounds are numbers (a finite sum is its terms)."""
    return e.replace(lambda x: isinstance(x, sp.Sum) and all(
        lim[1].is_Integer and lim[2].is_Integer and int(lim[2]) - int(lim[1]) < 200
        for lim in x.limits), lambda x: x.doit())


def prepare(step: Step) -> Step:
    """The step every method sees (see the module docstring); raises
    :class:`PreparationError` for a step the checker refuses."""
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    dom = step.domain.normalized()
    syms = list(dom.ranges)
    names: dict[str, sp.Symbol] = {}
    for s in syms:
        if not isinstance(s, sp.Symbol):
            raise PreparationError(f"{s!r} in the domain is not a symbol")
        if str(s) in names:
            raise PreparationError(f"two different symbols are named {str(s)!r}; rename one")
        names[str(s)] = s
    free = set()
    for e in (lhs, rhs, *dom.constraints):
        free |= sp.sympify(e).free_symbols
    missing = [s for s in free if s not in dom.ranges]
    if missing:
        m = sorted(missing, key=str)[0]
        clash = " (another symbol of that name has a range)" if str(m) in names else ""
        raise PreparationError(f"symbol {m} has no range in the domain{clash}")
    for s, r in dom.ranges.items():
        if r.lo != -sp.oo and r.hi != sp.oo and (r.lo > r.hi or (
                r.lo == r.hi and (r.lo_open or r.hi_open))):
            raise PreparationError(f"the range of {s} is empty")
    lhs, rhs = _expand_finite_sums(lhs), _expand_finite_sums(rhs)
    if lhs.has(sp.Limit) or rhs.has(sp.Limit):
        lhs, rhs = lhs.doit(), rhs.doit()
    # a symbol that occurs nowhere (range nonempty, checked above) is quantified for nothing
    used = lhs.free_symbols | rhs.free_symbols
    for c in dom.constraints:
        used |= c.free_symbols
    if any(s not in used for s in dom.ranges):
        dom = Domain({s: r for s, r in dom.ranges.items() if s in used}, dom.constraints)
    return dataclasses.replace(step, lhs=lhs, rhs=rhs, domain=dom)


def _run(name: str, step: Step, work: Work, seed: int) -> Verdict | None:
    if name == "counterexample":
        return _cx.search(step, work, seed)
    if name == "smt":
        return _sm.decide_smt(step, work)
    if name == "sympy":
        return _sg.decide_sign(step, work)
    return _iv.branch_and_bound(step, work)


def _with_relaxation(name: str, v: Verdict, relaxation: str) -> Verdict:
    return dataclasses.replace(v, detail=f"{v.detail} (after {relaxation})",
                               evidence={**(v.evidence or {}), "relaxation": relaxation})


def decide(step: Step, *, budget: float = DEFAULT, seed: int = 0,
           methods: tuple[str, ...] | None = None) -> Verdict:
    """Decide one step (see the module docstring).

    ``budget``: work units (:class:`~laprop_theory.proof.budget.Work`), never seconds;
    ``methods`` restricts the methods tried (default: all, in :data:`METHOD_ORDER`). With
    ``LAPROP_VERDICT_CACHE`` set, a step decided before is read back
    (:mod:`.verdict_cache`)."""
    k, hit = _vc.lookup(step, budget, seed, methods)
    if hit is not None:
        return hit
    with _seeded_sympy(seed):
        v = _decide(step, budget, seed, methods)
    if k is not None:
        _vc.store(k, v)
    return v


def _decide(step: Step, budget: float, seed: int, methods: tuple[str, ...] | None) -> Verdict:
    t0 = time.monotonic()
    work = Work(budget)
    try:
        step = prepare(step)
    except PreparationError as exc:
        return Verdict("unverified", None, f"refused: {exc}", seconds=time.monotonic() - t0)
    plan = [m for m in METHOD_ORDER if methods is None or m in methods]
    tried: list[str] = []
    spent = 0
    relaxed: tuple[Step, str] | None = None
    try:
        with _guard(GUARD_SECONDS):
            relaxed = relax_powers(step, work)
            for name in plan:
                try:
                    v = _run(name, step, work, seed)
                    if v is None and relaxed is not None and name != "counterexample":
                        v = _run(name, relaxed[0], work, seed)
                        if v is not None and v.status != "proved":
                            v = None
                        if v is not None:
                            v = _with_relaxation(name, v, relaxed[1])
                except (RecursionError, ZeroDivisionError, OverflowError, TypeError,
                        ValueError, NotImplementedError, AttributeError) as exc:
                    tried.append(f"{name}: error {type(exc).__name__}")
                    continue
                if v is not None:
                    spent += v.work
                if v is not None and v.status == "proved" and name in ("sympy", "interval") \
                        and not (step.lhs.has(sp.Integral, sp.oo)
                                 or step.rhs.has(sp.Integral, sp.oo)):
                    if not defined_on_domain(step, work):
                        tried.append(f"{name}: proved, but definedness on the domain not "
                                     "established")
                        continue
                if v is not None:
                    return dataclasses.replace(v, seconds=time.monotonic() - t0, work=spent)
                abstract = name == "counterexample" and step.abstract
                tried.append(f"{name}: undecided" if not abstract else
                             f"{name}: abstract step, no replayed run "
                             f"({len(step.witnesses)} witnesses) violates it")
    except _Guard:
        tried.append(f"stopped by the {GUARD_SECONDS:.0f} s safety guard (not a verdict)")
    return Verdict("unverified", None, "; ".join(tried), None, time.monotonic() - t0,
                   work=spent)


def check_claim(claim: Claim, *, budget: float = DEFAULT, seed: int = 0) -> list[StepResult]:
    """Decide a claim's statement (step id ``statement``) and then each proof step."""
    statement = claim.statement
    if statement.id != "statement":
        statement = dataclasses.replace(statement, id="statement")
    return [StepResult(claim.id, st, decide(st, budget=budget, seed=seed))
            for st in (statement, *claim.steps)]
