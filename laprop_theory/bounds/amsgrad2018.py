"""Reddi, Kale & Kumar (2018), Theorem 4: AMSGrad's regret bound, written once.

Source: /work/shared/papers/amsgrad-2018.md, Theorem 4 (page 6). With γ = β1/√β2,
α_t = α/√t, β1 = β11, β1t ≤ β1::

    R_T ≤ D∞² √T / (α(1−β1)) Σ_i v̂_{T,i}^{1/2}
        + D∞² / (2(1−β1)) Σ_{t=1}^T Σ_i β1t v̂_{t,i}^{1/2} / α_t
        + α √(1 + log T) / ((1−β1)² (1−γ) √(1−β2)) Σ_i ‖g_{1:T,i}‖₂

Hypotheses (as printed): {x_t}, {v_t} from Algorithm 2; α_t = α/√t; β1 = β11; β1t ≤ β1
for all t; γ = β1/√β2 < 1; F has bounded diameter D∞ (‖x − y‖∞ ≤ D∞ on F);
‖∇f_t(x)‖∞ ≤ G∞ on F. ``log`` is the natural logarithm. v̂ is Algorithm 2's running maximum
(no bias correction). β1, β2 ∈ [0, 1) as Section 2 introduces them.

The formula is written once, in :func:`theorem4_terms`, over any numbers with + − × ÷,
``sqrt`` and ``log`` (mpmath for reports, :class:`laprop_theory.numerics.Ball` to certify).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath

from ..numerics import DEFAULT_DPS, to_mpf
from .adam2015 import HypothesisError, check_gamma

__all__ = ["check_theorem4", "gamma", "theorem4_bound", "theorem4_terms"]


def gamma(beta1: Any, beta2: Any) -> Any:
    """γ = β1/√β2 (Theorem 4); None when β2 = 0 (γ undefined)."""
    b1, b2 = to_mpf(beta1), to_mpf(beta2)
    return None if b2 == 0 else b1 / mpmath.sqrt(b2)


def check_theorem4(beta1: Any, beta2: Any, lam: Any) -> None:
    """Raise :class:`~laprop_theory.bounds.adam2015.HypothesisError` naming the first failing
    hypothesis on (β1, β2, λ): β1, β2 ∈ [0, 1), β2 > 0, γ = β1/√β2 < 1, and λ ∈ (0, 1] for
    the schedule β1t = β1 λ^{t−1} (which gives β11 = β1 and β1t ≤ β1)."""
    check_gamma(beta1, beta2, "Theorem 4", "beta1/sqrt(beta2)", gamma)
    lm = to_mpf(lam)
    if not 0 < lm <= 1:
        raise HypothesisError(f"lambda (beta1_t = beta1 lambda^(t-1) <= beta1) must be in "
                              f"(0, 1], got {lam}")


def theorem4_terms(*, alpha: Any, beta1: Any, beta2: Any, D_inf: Any, T: int,
                   vhat_T: Sequence[Any], momentum_sum: Any, g_norms: Sequence[Any],
                   sqrt: Callable[[Any], Any], log: Callable[[Any], Any]
                   ) -> tuple[Any, Any, Any]:
    """The three terms of Theorem 4's right-hand side in the inputs' number type.
    ``momentum_sum`` = Σ_{t≤T} Σ_i β1t v̂_{t,i}^{1/2} / α_t, accumulated along the run."""
    gam = beta1 / sqrt(beta2)
    t1 = D_inf * D_inf * sqrt(T) / (alpha * (1 - beta1)) * sum((sqrt(v) for v in vhat_T),
                                                                 0 * alpha)
    t2 = D_inf * D_inf / (2 * (1 - beta1)) * momentum_sum
    t3 = (alpha * sqrt(1 + log(T)) / ((1 - beta1) ** 2 * (1 - gam) * sqrt(1 - beta2))
          * sum(g_norms, 0 * alpha))
    return t1, t2, t3


def theorem4_bound(*, alpha: Any, beta1: Any, beta2: Any, lam: Any, D_inf: Any, T: int,
                   vhat_T: Sequence[Any], momentum_sum: Any, g_norms: Sequence[Any],
                   dps: int = DEFAULT_DPS) -> dict[str, Any]:
    """Theorem 4's right-hand side in mpmath at ``dps`` digits: ``bound`` and ``terms``.

    Raises :class:`HypothesisError` when (β1, β2, λ) are outside the theorem."""
    check_theorem4(beta1, beta2, lam)
    with mpmath.workdps(dps):
        a, b1, b2 = (to_mpf(x) for x in (alpha, beta1, beta2))
        terms = theorem4_terms(alpha=a, beta1=b1, beta2=b2, D_inf=to_mpf(D_inf), T=T,
                               vhat_T=[to_mpf(v) for v in vhat_T],
                               momentum_sum=to_mpf(momentum_sum),
                               g_norms=[to_mpf(v) for v in g_norms], sqrt=mpmath.sqrt,
                               log=mpmath.log)
        return {"bound": mpmath.fsum(terms), "terms": terms}
