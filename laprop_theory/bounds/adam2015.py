"""Kingma & Ba (2015), Theorem 4.1 (= Theorem 10.5): Adam's regret bound, written once.

Source: /work/shared/papers/adam-2015.md, Theorem 4.1 (page 4) and Theorem 10.5 (appendix).
With γ = β1²/√β2, α_t = α/√t, β1,t = β1 λ^{t−1}::

    R(T) ≤ D²/(2α(1−β1)) Σ_i √(T v̂_{T,i})
         + α(1+β1) G∞ / ((1−β1) √(1−β2) (1−γ)²) Σ_i ‖g_{1:T,i}‖₂
         + Σ_i D∞² G∞ √(1−β2) / (2α(1−β1)(1−λ)²)

Hypotheses (as printed): ‖∇f_t(θ)‖₂ ≤ G and ‖∇f_t(θ)‖∞ ≤ G∞ for all θ ∈ R^d;
‖θ_n − θ_m‖₂ ≤ D and ‖θ_m − θ_n‖∞ ≤ D∞ for all m, n ∈ {1, ..., T}; β1, β2 ∈ [0, 1) with
β1²/√β2 < 1; λ ∈ (0, 1). v̂_{T,i} is Algorithm 1's bias-corrected v_{T,i}/(1 − β2^T).
The third term is printed with 1 − β1 in Theorems 4.1 and 10.5 (the proof's last display
prints β1 instead; the theorems' form is used).

The formula is written once, in :func:`theorem41_terms`, over any numbers with + − × ÷ and
a ``sqrt`` (mpmath ``mpf`` for reports, :class:`laprop_theory.numerics.Ball` to certify).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import mpmath

from ..numerics import DEFAULT_DPS, to_mpf

__all__ = ["HypothesisError", "check_gamma", "check_theorem41", "gamma", "theorem41_bound",
           "theorem41_terms"]


class HypothesisError(ValueError):
    """A constant is outside the theorem's hypotheses (the message names it)."""


def gamma(beta1: Any, beta2: Any) -> Any:
    """γ = β1²/√β2 (Section 4); None when β2 = 0 (γ undefined: the hypothesis cannot hold)."""
    b1, b2 = to_mpf(beta1), to_mpf(beta2)
    return None if b2 == 0 else b1**2 / mpmath.sqrt(b2)


def check_gamma(beta1: Any, beta2: Any, theorem: str, formula: str,
                gamma_of: Callable[[Any, Any], Any]) -> None:
    """The hypotheses on (β1, β2) that Theorem 4.1 here and Reddi et al.'s Theorem 4 share:
    β1, β2 ∈ [0, 1), β2 > 0 and γ = ``gamma_of(β1, β2)`` < 1 (``formula`` names γ in the
    message); :class:`HypothesisError` names the first that fails."""
    b1, b2 = to_mpf(beta1), to_mpf(beta2)
    if not 0 <= b1 < 1:
        raise HypothesisError(f"beta1 must be in [0, 1) ({theorem}), got {beta1}")
    if not 0 <= b2 < 1:
        raise HypothesisError(f"beta2 must be in [0, 1) ({theorem}), got {beta2}")
    if b2 == 0:
        raise HypothesisError(f"beta2 = 0: gamma = {formula} is undefined "
                              f"({theorem} needs gamma < 1)")
    g = gamma_of(b1, b2)
    if not g < 1:
        raise HypothesisError(f"gamma = {formula} = {mpmath.nstr(g, 12)} must be < 1 "
                              f"({theorem}), got beta1={beta1}, beta2={beta2}")


def check_theorem41(beta1: Any, beta2: Any, lam: Any) -> None:
    """Raise :class:`HypothesisError` naming the first hypothesis on (β1, β2, λ) that fails:
    β1, β2 ∈ [0, 1), β2 > 0 (γ defined), γ = β1²/√β2 < 1, λ ∈ (0, 1)."""
    check_gamma(beta1, beta2, "Theorem 4.1", "beta1^2/sqrt(beta2)", gamma)
    lm = to_mpf(lam)
    if not 0 < lm < 1:
        raise HypothesisError(f"lambda (beta1_t = beta1 lambda^(t-1)) must be in (0, 1) "
                              f"(Theorem 4.1), got {lam}")


def theorem41_terms(*, alpha: Any, beta1: Any, beta2: Any, lam: Any, D: Any, D_inf: Any,
                    G_inf: Any, T: int, vhat_T: Sequence[Any], g_norms: Sequence[Any],
                    sqrt: Callable[[Any], Any]) -> tuple[Any, Any, Any]:
    """The three terms of Theorem 4.1's right-hand side, in the number type of the inputs
    (γ = β1²/√β2 is computed here; ``sqrt`` is that type's square root)."""
    d = len(vhat_T)
    gam = beta1 * beta1 / sqrt(beta2)
    t1 = D * D / (2 * alpha * (1 - beta1)) * sum((sqrt(T * v) for v in vhat_T), 0 * alpha)
    t2 = (alpha * (1 + beta1) * G_inf / ((1 - beta1) * sqrt(1 - beta2) * (1 - gam) ** 2)
          * sum(g_norms, 0 * alpha))
    t3 = d * D_inf * D_inf * G_inf * sqrt(1 - beta2) / (2 * alpha * (1 - beta1) * (1 - lam) ** 2)
    return t1, t2, t3


def theorem41_bound(*, alpha: Any, beta1: Any, beta2: Any, lam: Any, D: Any, D_inf: Any,
                    G_inf: Any, T: int, vhat_T: Sequence[Any], g_norms: Sequence[Any],
                    dps: int = DEFAULT_DPS) -> dict[str, Any]:
    """Theorem 4.1's right-hand side in mpmath at ``dps`` digits: ``bound`` and ``terms``.

    Raises :class:`HypothesisError` when (β1, β2, λ) are outside the theorem."""
    check_theorem41(beta1, beta2, lam)
    with mpmath.workdps(dps):
        a, b1, b2, lm = (to_mpf(x) for x in (alpha, beta1, beta2, lam))
        terms = theorem41_terms(alpha=a, beta1=b1, beta2=b2, lam=lm, D=to_mpf(D),
                                D_inf=to_mpf(D_inf), G_inf=to_mpf(G_inf), T=T,
                                vhat_T=[to_mpf(v) for v in vhat_T],
                                g_norms=[to_mpf(v) for v in g_norms], sqrt=mpmath.sqrt)
        return {"bound": mpmath.fsum(terms), "terms": terms}
