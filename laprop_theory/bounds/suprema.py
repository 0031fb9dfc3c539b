"""Exact suprema of the update size over all gradient sequences (one coordinate, ε → 0).

Update size in units of λ at step t, zero initial state, c_m = 1 − μ^t, c_n = 1 − ν^t:

* LaProp: U_L(g) = |m_t / c_m| with m_t = (1 − μ) Σ_k μ^{t−k} g_k / sqrt(n_k / c_n(k)).
* Adam:   U_A(g) = |m_t / c_m| / sqrt(n_t / c_n) with m_t = (1 − μ) Σ_k μ^{t−k} g_k.

Closed forms (derivations in the docstrings of the two functions; the checker proves them,
:mod:`laprop_theory.claims`):

    sup U_L = (1 − μ)/(1 − μ^t) · Σ_{k=1}^t μ^{t−k} sqrt((1 − ν^k)/(1 − ν))
    sup U_A = (1 − μ)/(1 − μ^t) · sqrt((1 − ν^t)/(1 − ν)) · sqrt(Σ_{j=0}^{t−1} (μ²/ν)^j)

(sup U_A = ∞ for ν = 0 < μ and t ≥ 2.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import mpmath

from ..numerics import DEFAULT_DPS, to_mpf


@dataclass(frozen=True)
class Supremum:
    """An exact supremum at one (μ, ν, t), with how it is reached."""

    algo: str
    mu: Any
    nu: Any
    t: int
    value: Any  # mpf, or mpmath.inf
    attained: bool
    sequence: list[Any] | None  # attaining sequence, or one member of an approaching family
    note: str


def _check(mu: Any, nu: Any, t: int) -> tuple[Any, Any]:
    mu, nu = to_mpf(mu), to_mpf(nu)
    if not 0 <= mu < 1:
        raise ValueError(f"mu must be in [0, 1), got {mu}")
    if not 0 <= nu < 1:
        raise ValueError(f"nu must be in [0, 1), got {nu}")
    if int(t) != t or t < 1:
        raise ValueError(f"t must be an integer >= 1, got {t}")
    return mu, nu


def laprop_supremum(mu: Any, nu: Any, t: int, *, dps: int = DEFAULT_DPS,
                    growth: Any = None) -> Supremum:
    """sup over g ∈ R^t \\ {0} of |m_t / c_m| (LaProp, units of λ).

    Each term u_k = g_k / sqrt(n_k / c_n(k)) obeys u_k² = c_n(k) g_k² / ((1 − ν)(g_k² +
    Σ_{j<k} ν^{k−j} g_j²)) ≤ (1 − ν^k)/(1 − ν), with equality iff g_j = 0 for all j < k; the
    signs of the u_k are free (the signs of the g_k). Hence |m_t| ≤ (1 − μ) Σ_k μ^{t−k}
    sqrt((1 − ν^k)/(1 − ν)), and same-sign super-exponentially growing sequences
    (g_{k+1}/g_k → ∞, e.g. g_k = b^(k−1) with b → ∞) make every u_k approach its bound
    at once, so this is the supremum.
    It is attained when μ = 0 (any sequence whose first t − 1 entries are 0), when ν = 0
    (any same-sign sequence with no zero entry), or when t = 1; otherwise it is only
    approached, since u_k's bound needs g_{k−1} = 0, which makes u_{k−1} = 0.
    """
    with mpmath.workdps(dps):
        mu, nu = _check(mu, nu, t)
        total = mpmath.fsum(mu ** (t - k) * mpmath.sqrt((1 - nu**k) / (1 - nu))
                            for k in range(1, t + 1))
        value = (1 - mu) / (1 - mu**t) * total  # mpmath: 0**0 == 1, so mu = 0 works
        if t == 1 or nu == 0:
            return Supremum("laprop", mu, nu, t, +value, True, [mpmath.mpf(1)] * t,
                            "attained by any same-sign sequence without zeros")
        if mu == 0:
            return Supremum("laprop", mu, nu, t, +value, True,
                            [mpmath.mpf(0)] * (t - 1) + [mpmath.mpf(1)],
                            "attained by (0, ..., 0, 1)")
        # g_k = b^(k-1): each u_k falls short of its bound by a relative O(ν / b²).
        base = to_mpf(growth) if growth is not None else mpmath.mpf(10) ** ((dps + 6) // 2)
        seq = [base**k for k in range(t)]
        return Supremum("laprop", mu, nu, t, +value, False, seq,
                        "approached, not attained: same-sign g_k = b^(k-1), b -> infinity")


def adam_supremum(mu: Any, nu: Any, t: int, *, dps: int = DEFAULT_DPS) -> Supremum:
    """sup over g ∈ R^t \\ {0} of |(m_t / c_m) / sqrt(n_t / c_n)| (Adam, units of λ).

    Cauchy–Schwarz with weights ν^{t−k}: |Σ μ^{t−k} g_k| ≤ sqrt(Σ_k (μ²/ν)^{t−k})
    sqrt(Σ_k ν^{t−k} g_k²), with equality iff g_k ∝ (μ/ν)^{t−k}. Hence the supremum is
    attained by g_k = (μ/ν)^{t−k} when ν > 0. For ν = 0 and μ > 0, t ≥ 2 it is +∞
    (g = (x, 1): the update grows without bound as x → ∞). Asymptotics in t: finite limit
    (1 − μ)/sqrt((1 − ν)(1 − μ²/ν)) for μ < sqrt(ν); ~ sqrt(t) growth at μ = sqrt(ν);
    exponential growth ~ (μ/sqrt(ν))^t for μ > sqrt(ν).
    """
    with mpmath.workdps(dps):
        mu, nu = _check(mu, nu, t)
        if nu == 0:
            if mu == 0 or t == 1:
                return Supremum("adam", mu, nu, t, mpmath.mpf(1), True, [mpmath.mpf(1)] * t,
                                "attained: the update is sgn(g_t)")
            return Supremum("adam", mu, nu, t, mpmath.inf, False,
                            [mpmath.mpf(10) ** 6] * (t - 1) + [mpmath.mpf(1)],
                            "unbounded: g = (x, ..., x, 1) with x -> infinity")
        r = mu * mu / nu
        geom = mpmath.fsum(r**j for j in range(t))
        value = (1 - mu) / (1 - mu**t) * mpmath.sqrt((1 - nu**t) / (1 - nu)) * mpmath.sqrt(geom)
        seq = [(mu / nu) ** (t - k) for k in range(1, t + 1)]
        if mu == 0:
            seq = [mpmath.mpf(0)] * (t - 1) + [mpmath.mpf(1)]
        return Supremum("adam", mu, nu, t, value, True, seq,
                        "attained by g_k = (mu/nu)^(t-k)")


def centered_update_bound(mu: Any, nu: Any, t: int, t_init: int, *,
                          dps: int = DEFAULT_DPS) -> Any:
    """An upper bound (not claimed tight) on |m_t / c_m| for centered LaProp (Algorithm 4 with
    the safe fallback of docs/optimizer-spec.md), one coordinate, ε → 0, units of λ.

    With weights w_j = (1 − ν)ν^{k−j}, W = Σ_{j≤k} w_j = 1 − ν^k, n_k = Σ w_j g_j² and
    n̄_k = Σ w_j g_j, Cauchy–Schwarz gives n̄_k² ≤ W n_k, so n_k − n̄_k² ≥ ν^k n_k ≥
    ν^k (1 − ν) g_k². Hence a centered term obeys |u_k| ≤ sqrt(c_n(k) / ((1 − ν) ν^k)); a
    plain term (k < t_init, or the fallback when n_k − n̄_k² ≤ 0) obeys Prop. 1's
    sqrt(c_n(k)/(1 − ν)), which is smaller. Summing as in Prop. 1::

        |m_t / c_m| ≤ (1 − μ)/(1 − μ^t) Σ_k μ^{t−k} b_k,
        b_k = sqrt((1 − ν^k)/(1 − ν)) · (ν^{−k/2} if k ≥ t_init else 1).

    Requires ν > 0 (for ν = 0 the centered moment is 0 and the fallback is always taken,
    so Prop. 1's bound applies).
    """
    with mpmath.workdps(dps):
        mu, nu = _check(mu, nu, t)
        if nu == 0:
            return laprop_supremum(mu, nu, t, dps=dps).value
        terms = []
        for k in range(1, t + 1):
            b = mpmath.sqrt((1 - nu**k) / (1 - nu))
            if k >= t_init:
                b = b / mpmath.sqrt(nu**k)
            terms.append(mu ** (t - k) * b)
        return (1 - mu) / (1 - mu**t) * mpmath.fsum(terms)
