"""Symbolic runs of the recurrences: the single source of truth, evaluated in sympy.

:class:`SympyBackend` implements the :class:`laprop_theory.numerics.Backend` interface with
sympy expressions, so ``Algorithm.step`` of :mod:`laprop_theory.recurrences` produces the
update of LaProp, Adam, RMSProp, SSG(-M) as a formula in symbolic hyperparameters and
gradients. No algorithm is re-implemented here: the claims read the algorithms from
``recurrences`` and only *state* the paper's relations about them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np
import sympy as sp

from .. import recurrences as R
from ..numerics import Backend, mp_str
from ..proof.core import Range

_sym = np.frompyfunc(sp.sympify, 1, 1)


@dataclass(frozen=True)
class SympyBackend(Backend):
    """Object arrays of sympy expressions. 0/0 is 0 (the recurrences' convention)."""

    name: str = "sympy"

    def array(self, values: Any) -> np.ndarray:
        arr = np.asarray(values, dtype=object)
        return _sym(arr) if arr.ndim else np.asarray(sp.sympify(arr.item()), dtype=object)

    def scalar(self, x: Any) -> Any:
        return sp.sympify(x)

    def zeros_like(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(np.shape(x), dtype=object)
        out[...] = sp.Integer(0)
        return out

    def sqrt(self, x: np.ndarray) -> np.ndarray:
        return np.frompyfunc(sp.sqrt, 1, 1)(x)

    def sign(self, x: np.ndarray) -> np.ndarray:
        return np.frompyfunc(sp.sign, 1, 1)(x)

    def maximum(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.frompyfunc(sp.Max, 2, 1)(a, b)

    def safe_div(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.frompyfunc(lambda x, y: sp.Integer(0) if x == 0 else x / y, 2, 1)(a, b)

    def where(self, cond: Any, a: Any, b: Any) -> np.ndarray:
        raise NotImplementedError("symbolic branches are not supported")


SYM = SympyBackend()

# Symbols shared by the claims (all real; domains are given per step).
mu, nu, gamma = sp.symbols("mu nu gamma", real=True)
g, g1, g2, g3, b = sp.symbols("g g1 g2 g3 b", real=True)
m, n = sp.symbols("m n", real=True)  # m_{t-1}, n_{t-1} (induction-step encoding)
t = sp.Symbol("t", integer=True)
lam = sp.Symbol("lambda", positive=True)

# Ranges.
UNIT = Range(0, 1, hi_open=True)            # [0, 1): μ, ν
UNIT_OPEN = Range(0, 1, lo_open=True, hi_open=True)  # (0, 1)
REAL = Range()
NONNEG = Range(0)
POS = Range(0, lo_open=True)
T_GE1 = Range(1, sp.oo, integer=True)
T_GE2 = Range(2, sp.oo, integer=True)


def symbolic(alg: R.Algorithm, **params: Any) -> R.Algorithm:
    """A copy of ``alg`` whose hyperparameters are replaced by sympy expressions (the
    constructor validates numbers, so the algorithm is built with numbers first)."""
    out = dataclasses.replace(alg)
    for k, v in params.items():
        object.__setattr__(out, k, v)  # frozen dataclass: bypass the numeric validation
    return out


def make(cls: type, **params: Any) -> R.Algorithm:
    """``cls`` with symbolic hyperparameters: numbers go to the constructor, symbols after."""
    numeric = {k: v for k, v in params.items() if isinstance(v, (int, float, str, bool))}
    alg = cls(**numeric)
    return symbolic(alg, **{k: v for k, v in params.items() if k not in numeric})


def sym_run(alg: R.Algorithm, grads: Sequence[Any]) -> R.Trajectory:
    """Run ``alg`` on a one-coordinate gradient sequence in sympy."""
    return R.run(alg, [[x] for x in grads], backend=SYM)


def sym_update(alg: R.Algorithm, grads: Sequence[Any]) -> Any:
    """Δθ_T = θ_{T+1} − θ_T (a sympy expression) at the last step."""
    return sym_run(alg, grads).deltas[-1][0]


def sym_step(alg: R.Algorithm, state: dict[str, Any], grad: Any, step: Any
             ) -> tuple[dict[str, Any], Any]:
    """One step from a symbolic state (m_{t−1}, n_{t−1} as symbols) at a symbolic step t."""
    st = {k: np.asarray([sp.sympify(v)], dtype=object) for k, v in state.items()}
    new, delta = alg.step(SYM, st, np.asarray([sp.sympify(grad)], dtype=object),
                          np.asarray([sp.Integer(0)], dtype=object), step)
    return {k: v[0] for k, v in new.items()}, delta[0]


def mp_number(x: Any, digits: int = 50) -> sp.Float:
    """An mpmath value as a sympy Float carrying ``digits`` digits."""
    return sp.Float(mp_str(x, digits), digits)


def mp_gap(a: Any, b_: Any, dps: int = 60) -> Any:
    """|a − b| computed at ``dps`` digits."""
    with mpmath.workdps(dps):
        return abs(mpmath.mpf(a) - mpmath.mpf(b_))


def laprop_sup_expr(mu_: Any, nu_: Any, t_: int) -> Any:
    """The closed form of :func:`laprop_theory.bounds.suprema.laprop_supremum` in sympy."""
    return (1 - mu_) / (1 - mu_**t_) * sum(
        mu_ ** (t_ - k) * sp.sqrt((1 - nu_**k) / (1 - nu_)) for k in range(1, t_ + 1))


def adam_sup_expr(mu_: Any, nu_: Any, t_: Any, closed: bool = False) -> Any:
    """The closed form of :func:`laprop_theory.bounds.suprema.adam_supremum` in sympy
    (``closed``: the geometric sum summed, valid for μ² ≠ ν)."""
    r = mu_**2 / nu_
    geom = (1 - r**t_) / (1 - r) if closed else sum(r**j for j in range(int(t_)))
    return (1 - mu_) / (1 - mu_**t_) * sp.sqrt((1 - nu_**t_) / (1 - nu_)) * sp.sqrt(geom)


def system(alg: R.Algorithm, name: str, params: Any, inputs: Any, extra: dict | None = None,
           extra_init: dict | None = None) -> Any:
    """The kernel's :class:`~laprop_theory.proof.kernel.System` of a first/second-moment
    algorithm (state m, n; input g; step t), its update read from ``alg`` in sympy (one
    symbolic step of :mod:`laprop_theory.recurrences`). ``extra``: auxiliary deterministic
    state symbols with their updates (e.g. a running bound), ``extra_init`` their initial
    values."""
    from ..proof.kernel import System

    state, _ = sym_step(alg, {"m": m, "n": n}, g, t)
    update = {m: state["m"], n: state["n"], **(extra or {})}
    init = {m: sp.Integer(0), n: sp.Integer(0), **(extra_init or {})}
    return System(name, tuple(update), update, init, inputs, params, t)
