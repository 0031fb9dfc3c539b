"""Adam as Kingma & Ba (ICLR 2015) print it: Algorithm 1, with the schedules of Theorem 4.1.

Source: /work/shared/papers/adam-2015.md (Algorithm 1, page 2; Theorem 4.1, page 4 =
Theorem 10.5 of the appendix). Per coordinate, at step t = 1, 2, ..., with m_0 = v_0 = 0::

    β1,t = β1 λ^{t−1}                                   (Theorem 4.1; λ = 1: Algorithm 1)
    m_t = β1,t m_{t−1} + (1 − β1,t) g_t                 (Algorithm 1, "biased first moment")
    v_t = β2 v_{t−1} + (1 − β2) g_t²                    (Algorithm 1, "second raw moment")
    m̂_t = m_t / (1 − β1^t),   v̂_t = v_t / (1 − β2^t)     (Algorithm 1, bias corrections)
    θ_t = θ_{t−1} − α_t m̂_t / (√v̂_t + ε)               (Algorithm 1)
    α_t = α / √t                                        (Theorem 4.1; ``sqrt_decay=False``: α)

Which bias correction: Algorithm 1 divides by 1 − β1^t, the t-th power of the constant β1,
and Theorem 4.1 says "Adam achieves" its bound, i.e. it is about Algorithm 1 with two
schedules substituted (α_t and β1,t); Algorithm 1 has no other correction to substitute. The
appendix's proof (Lemma 10.4, Theorem 10.5's displays) writes both β1,t and β1^t in the
same computation, so it does not single out another convention. The recurrence therefore
uses β1,t in the moment and 1 − β1^t in the correction, as printed. When β1 = 0 (Reddi et
al.'s counterexample setting) both readings coincide: m̂_t = m_t = g_t.

There is no projection in Algorithm 1 (θ ∈ R^d); a caller that wants Reddi et al.'s reading
("Adam" = their Algorithm 1, projected onto F) passes ``project`` to :func:`run`.
ε ≥ 0 is added outside the root as printed; with ε = 0 and β2 = 0 a step with g_t = 0 but
m_t ≠ 0 divides by 0 and is refused (the MP backend raises ZeroDivisionError).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..numerics import Backend
from .core import Algorithm, Number, _as_number, _check_nonneg, _check_unit

__all__ = ["Adam2015", "DecayingSchedule", "sqrt_step"]


def sqrt_step(bk: Backend, t: Any) -> Any:
    """√t in the backend's number system (mpf, float, arb ball or a sympy expression)."""
    return bk.sqrt(bk.array([t]))[0]


def check_decay(name: str, value: Number) -> None:
    """λ of β1,t = β1 λ^{t−1}: (0, 1) as in the theorems, or 1 for a constant β1."""
    v = _as_number(name, value)
    if not 0 < v <= 1:
        raise ValueError(f"{name} must be in (0, 1] (1: constant beta1), got {value}")


def check_alpha(value: Number) -> None:
    if not _as_number("alpha", value) > 0:
        raise ValueError(f"alpha must be > 0, got {value}")


class DecayingSchedule:
    """The step size and momentum schedules of Kingma & Ba's Theorem 4.1 and Reddi et al.'s
    Theorem 4, for an algorithm with the fields ``alpha``, ``sqrt_decay``, ``beta1`` and
    ``lam``: α_t = α/√t (α when ``sqrt_decay`` is False) and β1,t = β1 λ^{t−1}."""

    def alpha_t(self, bk: Backend, t: Any) -> Any:
        """α_t = α/√t or α."""
        a = bk.scalar(self.alpha)
        return a / sqrt_step(bk, t) if self.sqrt_decay else a

    def beta1_t(self, bk: Backend, t: Any) -> Any:
        """β1,t = β1 λ^{t−1}."""
        return bk.scalar(self.beta1) * bk.scalar(self.lam) ** (t - 1)


@dataclass(frozen=True)
class Adam2015(DecayingSchedule, Algorithm):
    """Kingma & Ba (2015), Algorithm 1 with α_t = α/√t and β1,t = β1 λ^{t−1} (Theorem 4.1).

    ``alpha`` α > 0, ``beta1`` β1 and ``beta2`` β2 in [0, 1) (Algorithm 1's "Require"),
    ``lam`` λ in (0, 1] (Theorem 4.1 asks λ ∈ (0, 1); λ = 1 is Algorithm 1's constant β1),
    ``eps`` ε ≥ 0, ``sqrt_decay`` α_t = α/√t (True) or α (False), ``bias_correction``
    the divisions by 1 − β1^t and 1 − β2^t (True, as printed). The formulas, and why the
    correction uses β1^t, are in the module docstring.
    """

    alpha: Number = 0.001
    beta1: Number = 0.9
    beta2: Number = 0.999
    lam: Number = 1
    eps: Number = 0
    sqrt_decay: bool = True
    bias_correction: bool = True
    name: str = "adam2015"
    state_keys: tuple[str, ...] = ("m", "v")

    def __post_init__(self) -> None:
        check_alpha(self.alpha)
        _check_unit("beta1", self.beta1)
        _check_unit("beta2", self.beta2)
        check_decay("lam", self.lam)
        _check_nonneg("eps", self.eps)

    def step(self, bk, state, g, theta, t):
        b1, b2 = bk.scalar(self.beta1), bk.scalar(self.beta2)
        b1t = self.beta1_t(bk, t)
        m = b1t * state["m"] + (1 - b1t) * g
        v = b2 * state["v"] + (1 - b2) * g * g
        if self.bias_correction:
            m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        else:
            m_hat, v_hat = m, v
        denom = bk.sqrt(v_hat) + bk.scalar(self.eps)
        return {"m": m, "v": v}, -self.alpha_t(bk, t) * bk.safe_div(m_hat, denom)
