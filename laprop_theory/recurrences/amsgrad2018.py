"""AMSGrad as Reddi, Kale & Kumar (ICLR 2018) print it: Algorithm 2, projection included.

Source: /work/shared/papers/amsgrad-2018.md (Algorithm 2, page 5; Theorem 4, page 6).
Per coordinate, at step t = 1, 2, ..., with m_0 = v_0 = v̂_0 = 0 and x_1 ∈ F::

    β1t = β1 λ^{t−1}                          (Corollary 1's schedule; λ = 1: constant β1)
    m_t = β1t m_{t−1} + (1 − β1t) g_t          (Algorithm 2)
    v_t = β2 v_{t−1} + (1 − β2) g_t²           (Algorithm 2)
    v̂_t = max(v̂_{t−1}, v_t),  V̂_t = diag(v̂_t) (Algorithm 2)
    x_{t+1} = Π_{F,√V̂_t}(x_t − α_t m_t / √v̂_t) (Algorithm 2)
    α_t = α / √t                              (Theorem 4; ``sqrt_decay=False``: α)

No bias correction (Reddi et al., footnote 1). Π_{F,A}(y) = argmin_{x∈F} ‖A^{1/2}(x − y)‖
(Section 2, Notation). For a box F = [lo, hi]^d and a diagonal A with positive entries the
weighted distance separates over coordinates, so the projection is coordinatewise clipping,
whatever the weights; it is computed with ``max`` only, min(y, hi) = −max(−y, −hi), so it
runs in every backend (sympy ``Max`` included). A coordinate with v̂_{t,i} = 0 has weight 0
and every point of [lo, hi] minimises; clipping picks the nearest one (and the step there is
0/0 := 0, so x stays put). ``lo = hi = None``: F = R^d, no projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..numerics import Backend
from .adam2015 import DecayingSchedule, check_alpha, check_decay
from .core import Algorithm, Number, _as_number, _check_unit

__all__ = ["AMSGrad2018", "box_clip"]


def box_clip(bk: Backend, y: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
    """Π onto [lo, hi] coordinatewise: −max(−max(y, lo), −hi), with ``bk.maximum`` only."""
    lo_a = bk.zeros_like(y) + bk.scalar(lo)
    hi_a = bk.zeros_like(y) + bk.scalar(hi)
    return -bk.maximum(-bk.maximum(y, lo_a), -hi_a)


@dataclass(frozen=True)
class AMSGrad2018(DecayingSchedule, Algorithm):
    """Reddi, Kale & Kumar (2018), Algorithm 2 (AMSGrad), with α_t = α/√t (Theorem 4).

    ``alpha`` α > 0, ``beta1`` β1 = β11 and ``beta2`` β2 in [0, 1), ``lam`` λ in (0, 1]
    (β1t = β1 λ^{t−1}, so β1t ≤ β1 as Theorem 4 asks; λ = 1 is a constant β1),
    ``lo``/``hi``: the box F = [lo, hi]^d of the projection (both None: F = R^d),
    ``sqrt_decay``: α_t = α/√t (True) or α. Formulas in the module docstring.
    """

    alpha: Number = 0.001
    beta1: Number = 0.9
    beta2: Number = 0.999
    lam: Number = 1
    lo: Number | None = None
    hi: Number | None = None
    sqrt_decay: bool = True
    name: str = "amsgrad2018"
    state_keys: tuple[str, ...] = ("m", "v", "vhat")

    def __post_init__(self) -> None:
        check_alpha(self.alpha)
        _check_unit("beta1", self.beta1)
        _check_unit("beta2", self.beta2)
        check_decay("lam", self.lam)
        if (self.lo is None) != (self.hi is None):
            raise ValueError("lo and hi must be given together (the box F = [lo, hi]^d) or "
                             "both left out (F = R^d)")
        if self.lo is not None and not _as_number("lo", self.lo) < _as_number("hi", self.hi):
            raise ValueError(f"the box needs lo < hi, got lo={self.lo}, hi={self.hi}")

    def step(self, bk, state, g, theta, t):
        b2 = bk.scalar(self.beta2)
        b1t = self.beta1_t(bk, t)
        m = b1t * state["m"] + (1 - b1t) * g
        v = b2 * state["v"] + (1 - b2) * g * g
        vhat = bk.maximum(state["vhat"], v)
        x_hat = theta - self.alpha_t(bk, t) * bk.safe_div(m, bk.sqrt(vhat))
        x_next = x_hat if self.lo is None else box_clip(bk, x_hat, self.lo, self.hi)
        return {"m": m, "v": v, "vhat": vhat}, x_next - theta
