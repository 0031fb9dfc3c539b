"""Shared symbols, ranges and symbolic runs for Reddi, Kale & Kumar (2018).

Every update is read from :mod:`laprop_theory.recurrences` run in sympy
(:mod:`laprop_theory.claims._sym`): Adam of Theorem 1 is ``R.Adam`` with β1 = 0, no
debiasing (footnote 1 of the paper) and α_t = α/√t; AMSGrad (Algorithm 2) is ``R.amsgrad``
without debiasing, with the step's β1t as its μ (one step at a time, so any sequence β1t ≤ β1
of Theorem 4 is a sequence of μ's) and α_t = α/√t; the projection onto F = [lo, hi] is
``box_clip`` of ``recurrences.amsgrad2018`` (:func:`project`; in one dimension
Π_{F,√V̂_t} = Π_F, as the paper says in Appendix A).

Instances are one coordinate (d = 1): ‖V̂_t^{1/4} y‖² = v̂_t^{1/2} y², ‖V̂_t^{-1/4} m‖² =
m²/√v̂_t, ‖g_{1:T,1}‖₂ = √(Σ_t g_t²).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from ... import recurrences as R
from ...proof.core import Domain, Range, Step
from ...recurrences.amsgrad2018 import box_clip
from .._sym import SYM, make, sym_step

SOURCE = "Reddi, Kale & Kumar (2018), ICLR; shared/papers/amsgrad-2018.md"

# ---- symbols (all real; each step gives their ranges)
alpha = sp.Symbol("alpha", real=True)
beta1 = sp.Symbol("beta1", real=True)
beta2 = sp.Symbol("beta2", real=True)
lam = sp.Symbol("lam", real=True)          # Corollary 1: β1t = β1 λ^(t−1)
C = sp.Symbol("C", real=True)              # Theorem 1's gradient size
Dinf = sp.Symbol("D_inf", real=True)       # diameter: F = [0, D_inf] in the instances
Ginf = sp.Symbol("G_inf", real=True)       # gradient bound
xstar = sp.Symbol("xstar", real=True)      # the comparator x*
t = sp.Symbol("t", integer=True)           # a symbolic step (induction-step encoding)


def gsym(k: int) -> sp.Symbol:
    """g_k, the gradient of step k (one coordinate)."""
    return sp.Symbol(f"g{k}", real=True)


def b1sym(k: int) -> Any:
    """β1k: β11 = β1 (hypothesis (iii) of Theorem 4), a symbol beta1_k for k ≥ 2."""
    return beta1 if k == 1 else sp.Symbol(f"beta1_{k}", real=True)


def csym(k: int) -> sp.Symbol:
    """c_k ≥ 0, the curvature of the convex instance f_k (see :func:`convex_gap`)."""
    return sp.Symbol(f"c{k}", real=True)


# ---- ranges
UNIT = Range(0, 1, hi_open=True)                       # [0, 1)
UNIT_OPEN = Range(0, 1, lo_open=True, hi_open=True)    # (0, 1)
POS = Range(0, lo_open=True)
NONNEG = Range(0)
REAL = Range()


def gamma_of(b1: Any = beta1, b2: Any = beta2) -> Any:
    """γ = β1/√β2 (Theorem 4)."""
    return b1 / sp.sqrt(b2)


def project(y: Any, lo: Any, hi: Any) -> Any:
    """Π_[lo, hi](y): the projection onto an interval (in one dimension also Π_{F,√V̂_t} of
    Algorithm 2), read from :func:`laprop_theory.recurrences.amsgrad2018.box_clip` in sympy:
    −max(−max(y, lo), −hi)."""
    arr = np.asarray([sp.sympify(y)], dtype=object)
    return box_clip(SYM, arr, lo, hi)[0]


def alpha_t(k: Any) -> Any:
    """α_k = α/√k (Theorem 4, Theorem 1's [A2])."""
    return alpha / sp.sqrt(k)


def theorem1_adam(b2: Any) -> R.Algorithm:
    """Adam as analysed in Theorem 1: β1 = 0, β2 = ``b2``, α_t = α/√t, no debiasing, ε = 0
    (``R.Adam`` with ``bias_correction=False``)."""
    return make(R.Adam, lr=alpha_t, mu=0, nu=b2, eps=0, bias_correction=False)


def amsgrad_step_alg(b1t: Any, b2: Any, lr: Any = alpha_t) -> R.Algorithm:
    """One step of AMSGrad (Algorithm 2) with this step's β1t and β2: ``R.amsgrad`` without
    debiasing, ε = 0, step size ``lr(t)`` (default α_t = α/√t)."""
    return make(R.Adam, lr=lr, mu=b1t, nu=b2, eps=0, amsgrad=True, bias_correction=False)


@dataclass(frozen=True)
class AmsRun:
    """A symbolic AMSGrad run of T steps on one coordinate (lists indexed from 1; index 0 is
    the initial value): x[1..T+1], m[0..T], v[0..T], vh[0..T]."""

    T: int
    x: list[Any]
    m: list[Any]
    v: list[Any]
    vh: list[Any]
    g: list[Any]
    b1: list[Any]


def amsgrad_run(grads: Sequence[Any], b1s: Sequence[Any], x1: Any, lo: Any, hi: Any,
                b2: Any = beta2) -> AmsRun:
    """Run Algorithm 2 for T = len(grads) steps from m_0 = v_0 = v̂_0 = 0 and x_1 = ``x1``:
    each step is one symbolic step of :func:`amsgrad_step_alg` (β1t = ``b1s[t−1]``) and the
    new point is projected onto [lo, hi] (:func:`project`)."""
    if len(grads) != len(b1s) or not grads:
        raise ValueError("amsgrad_run needs one β1t per gradient and at least one step")
    xs, ms, vs, vhs = [sp.nan, x1], [sp.Integer(0)], [sp.Integer(0)], [sp.Integer(0)]
    state: dict[str, Any] = {"m": 0, "n": 0, "nmax": 0}
    for k, (gk, bk) in enumerate(zip(grads, b1s, strict=True), start=1):
        state, delta = sym_step(amsgrad_step_alg(bk, b2), state, gk, sp.Integer(k))
        ms.append(state["m"])
        vs.append(state["n"])
        vhs.append(state["nmax"])
        xs.append(project(xs[-1] + delta, lo, hi))
    return AmsRun(len(grads), xs, ms, vs, vhs, [sp.nan, *grads], [sp.nan, *b1s])


def convex_gap(k: int, run: AmsRun, x: Any) -> Any:
    """f_k(x_k) − f_k(x) for the convex instance f_k(y) = g_k y + c_k (y − x_k)²/2, c_k ≥ 0,
    whose gradient at x_k is g_k (so the run's g_k is ∇f_k(x_k) as Algorithm 2 requires)."""
    xk = run.x[k]
    return run.g[k] * xk - (run.g[k] * x + csym(k) * (x - xk) ** 2 / 2)


#: the parameter point of the lines whose symbolic-parameter form is beyond the default budget
#: (the values the Adam 2015 encoding uses: β1 = 1/2, β2 = 9/25, so √β2 = 3/5, √(1 − β2) = 4/5
#: and γ = 5/6 < 1 are rational) and α = 1
P_POINT = {alpha: sp.Integer(1), beta1: sp.Rational(1, 2), beta2: sp.Rational(9, 25)}


BEYOND = "the symbolic form is beyond the default budget: a proof covers only this point"


def at_point(step: Step, values: dict[Any, Any], why: str = BEYOND) -> Step:
    """``step`` with the symbols of ``values`` fixed there (substituted in both sides and in
    the constraints, their ranges dropped); its note says so, with ``why``. A proof of the
    result covers only that point of those parameters; a counterexample is one of the printed
    line, as the point lies in the dropped ranges and satisfies the constraints (checked
    here). An abstract step keeps the witnesses that agree with the point."""
    for s_, val in values.items():
        if s_ in step.domain.ranges and not step.domain.ranges[s_].contains(val):
            raise ValueError(f"{step.id}: {s_} = {val} is outside its range")
    rep = {k: sp.sympify(v) for k, v in values.items()}
    cons = []
    for c in step.domain.constraints:
        c2 = c.xreplace(rep)
        if c2 is sp.false:
            raise ValueError(f"{step.id}: the point {values} violates {c}")
        if c2 is not sp.true:
            cons.append(c2)
    ranges = {k: r for k, r in step.domain.ranges.items() if k not in rep}
    fixed = ", ".join(f"{k} = {v}" for k, v in values.items())
    return dataclasses.replace(
        step, lhs=sp.sympify(step.lhs).xreplace(rep), rhs=sp.sympify(step.rhs).xreplace(rep),
        domain=Domain(ranges, tuple(cons)),
        note=f"{step.note}; instance at the parameter point {fixed} ({why})",
        witnesses=tuple({**w, "point": {k: v for k, v in w["point"].items() if k not in rep}}
                        for w in step.witnesses
                        if all(sp.sympify(w["point"].get(k, v)) == v for k, v in rep.items())))
