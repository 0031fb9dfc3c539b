"""Symbols, ranges and domains of Kingma & Ba (2015)'s hypotheses, shared by the encodings.

Source: ``shared/papers/adam-2015.md`` (Theorem 4.1 = Theorem 10.5, Lemmas 10.3-10.4). The
hypotheses, as printed:

* bounded gradients ``||g_t||_2 <= G``, ``||g_t||_inf <= G_inf``; in a one-coordinate instance
  both read ``|g_t| <= G_inf <= G``;
* ``beta1, beta2 in [0, 1)`` with ``gamma = beta1^2/sqrt(beta2) < 1`` (so beta2 > 0: at
  beta2 = 0 gamma is not defined);
* ``alpha_t = alpha/sqrt(t)``, ``alpha > 0``; ``beta1,t = beta1 lambda^(t-1)``, lambda in (0, 1);
* ``||theta_n - theta_m||_2 <= D``, ``||theta_m - theta_n||_inf <= D_inf`` (m, n <= T).

The algorithm is never re-typed here: m_t, v_t and the update come from
:class:`laprop_theory.recurrences.Adam2015` run in sympy (:func:`adam_run`).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy as sp

from ... import recurrences as R
from ...proof.core import Domain, Range, Step
from .._sym import make, sym_run

# ---------------------------------------------------------------- symbols (unique names)
Ginf, G = sp.symbols("G_inf G", real=True)
D, Dinf = sp.symbols("D D_inf", real=True)
alpha = sp.Symbol("alpha", positive=True)
beta1, beta2 = sp.symbols("beta1 beta2", real=True)
lam = sp.Symbol("lambda", positive=True)
g1, g2, g3 = sp.symbols("g_1 g_2 g_3", real=True)
gT = sp.Symbol("g_T", real=True)          # g_{T,i} (induction-step encoding)
N = sp.Symbol("N", real=True)             # ||g_{1:T-1,i}||_2 (induction-step encoding)
S = sp.Symbol("S", real=True)             # sum_{t<T} sqrt(g_{t,i}^2/t) (induction step)
X = sp.Symbol("X", real=True)             # ||g_{1:T,i}||_2 (induction-step encoding)
T = sp.Symbol("T", integer=True, positive=True)
#: T of the induction-step encodings: a real T >= 2, a superset of the integers (a proof
#: covers every integer T; the tests check that each refutation has an integer T)
T_real = sp.Symbol("T", positive=True)
tt = sp.Symbol("t", integer=True, positive=True)  # a symbolic step t
theta1 = sp.Symbol("theta_1", real=True)  # theta_{1,i}: the initial point (free)
theta_s = sp.Symbol("theta_star", real=True)      # theta*_{,i}
theta_st = sp.Symbol("theta_star_t", real=True)   # theta*_{,t}: the printed other index
K = sp.Symbol("K", real=True)             # |theta_1 - theta*| (Theorem 10.5, reading a)

# ---------------------------------------------------------------- ranges
UNIT = Range(0, 1, hi_open=True)
UNIT_OPEN = Range(0, 1, lo_open=True, hi_open=True)
BETA2 = Range(0, 1, lo_open=True, hi_open=True)   # gamma defined needs beta2 > 0
REAL = Range()
NONNEG = Range(0)
POS = Range(0, lo_open=True)
T_GE1 = Range(1, sp.oo, integer=True)
T_GE2 = Range(2, sp.oo, integer=True)
T_REAL_GE2 = Range(2, sp.oo)

gamma = beta1**2 / sp.sqrt(beta2)
GAMMA_LT1 = sp.Lt(beta1**2, sp.sqrt(beta2))       # gamma < 1, written without division


def grad_domain(*grads: sp.Symbol, extra: dict | None = None,
                constraints: tuple[Any, ...] = ()) -> Domain:
    """Gradients bounded by G_inf, plus ``extra`` ranges and ``constraints``. G appears in no
    printed bound: in a one-coordinate instance |g_t| <= G holds with G = G_inf, so G is
    left out of the domains."""
    ranges = {Ginf: NONNEG, **{x: REAL for x in grads}, **(extra or {})}
    return Domain(ranges, (*(sp.Le(sp.Abs(x), Ginf) for x in grads), *constraints))


def params_domain(*grads: sp.Symbol, extra: dict | None = None,
                  constraints: tuple[Any, ...] = ()) -> Domain:
    """Theorem 10.5's parameter hypotheses and bounded gradients (see the module docstring)."""
    ranges = {alpha: POS, beta1: UNIT, beta2: BETA2, lam: UNIT_OPEN, **(extra or {})}
    return grad_domain(*grads, extra=ranges, constraints=(GAMMA_LT1, *constraints))


def adam(lam_: Any = lam) -> R.Algorithm:
    """Adam2015 (Algorithm 1 with alpha_t = alpha/sqrt(t), beta1,t = beta1 lam^(t-1), eps = 0)
    with symbolic hyperparameters."""
    return make(R.Adam2015, alpha=alpha, beta1=beta1, beta2=beta2, lam=lam_, eps=0)


def adam_run(grads: list[Any], lam_: Any = lam) -> dict[str, list[Any]]:
    """The exact run of :func:`adam` on one coordinate: lists (index t-1) of m_t, v_t,
    m_hat_t = m_t/(1 - beta1^t), v_hat_t = v_t/(1 - beta2^t) (Algorithm 1's corrections,
    applied to the recurrence's state) and the update theta_{t+1} - theta_t."""
    tr = sym_run(adam(lam_), grads)
    ms = [st["m"][0] for st in tr.states]   # states[t-1] is the state after step t
    vs = [st["v"][0] for st in tr.states]
    k = range(1, len(grads) + 1)
    return {"m": ms, "v": vs,
            "m_hat": [mt / (1 - beta1**t) for mt, t in zip(ms, k, strict=True)],
            "v_hat": [vt / (1 - beta2**t) for vt, t in zip(vs, k, strict=True)],
            "delta": [d[0] for d in tr.deltas]}


def trimmed(step: Step) -> Step:
    """``step`` with the domain's unused symbols left out (a symbol in no side and no
    constraint is quantified for nothing; a counterexample then names every symbol)."""
    used = sp.sympify(step.lhs).free_symbols | sp.sympify(step.rhs).free_symbols
    for c in step.domain.constraints:
        used |= c.free_symbols
    ranges = {s: r for s, r in step.domain.ranges.items() if s in used}
    return dataclasses.replace(step, domain=Domain(ranges, step.domain.constraints))
