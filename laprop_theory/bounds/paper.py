"""The paper's own bounds on the update size (units of λ, one coordinate, ε → 0), one
function each, so that the report, the command line, the notebooks and the paper compare
the exact suprema of :mod:`laprop_theory.bounds.suprema` against the same numbers.

* Proposition 1 (LaProp):            |m_t / c_m| ≤ 1/sqrt(1 − ν)
* Proposition 2 as stated (Adam):     |update| ≤ 1/(1 − γ),                γ = μ/sqrt(ν) < 1
* what its proof reaches, Eq. (15):   |update| ≤ 1/(sqrt(1 − ν) (1 − γ))   (its t → ∞ form)

The paper gives no bound for Adam when γ ≥ 1 (or ν = 0): the functions return None there.
"""

from __future__ import annotations

from typing import Any

import mpmath

from ..numerics import DEFAULT_DPS, to_mpf

__all__ = ["prop1_bound", "prop2_stated_bound", "prop2_proof_bound"]


def prop1_bound(nu: Any, *, dps: int = DEFAULT_DPS) -> Any:
    """Proposition 1: 1/sqrt(1 − ν) (for 0 ≤ ν < 1)."""
    with mpmath.workdps(dps):
        n = to_mpf(nu)
        if not 0 <= n < 1:
            raise ValueError(f"nu must be in [0, 1), got {nu}")
        return 1 / mpmath.sqrt(1 - n)


def _gamma(mu: Any, nu: Any) -> Any:
    m, n = to_mpf(mu), to_mpf(nu)
    if not (0 <= m < 1 and 0 <= n < 1):
        raise ValueError(f"mu and nu must be in [0, 1), got mu={mu}, nu={nu}")
    return None if n == 0 or m >= mpmath.sqrt(n) else m / mpmath.sqrt(n)


def prop2_stated_bound(mu: Any, nu: Any, *, dps: int = DEFAULT_DPS) -> Any:
    """Proposition 2 as stated: 1/(1 − γ), γ = μ/sqrt(ν), when γ < 1; else None."""
    with mpmath.workdps(dps):
        g = _gamma(mu, nu)
        return None if g is None else 1 / (1 - g)


def prop2_proof_bound(mu: Any, nu: Any, *, dps: int = DEFAULT_DPS) -> Any:
    """The bound the proof of Proposition 2 reaches (Eq. 15, t → ∞):
    1/(sqrt(1 − ν)(1 − γ)) when γ < 1; else None."""
    with mpmath.workdps(dps):
        g = _gamma(mu, nu)
        return None if g is None else 1 / (mpmath.sqrt(1 - to_mpf(nu)) * (1 - g))
