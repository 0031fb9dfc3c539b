"""The LaProp paper's algorithms (Ziyin, Wang & Ueda 2020), each as one exact recurrence:
LaProp (Algorithms 1–4), Adam (Eq. 4) and AMSGrad as the paper compares them, RMSProp,
SSG(-M), the Theorem 1 variant (Eq. 17) and Adai, with the update sizes of Propositions 1–2.

Notation (paper, Sec. 2): μ = β1 momentum, ν = β2 adaptivity, λ_t learning rate, ε added
inside (paper) or outside (authors' code) the square root, c_m = 1 − μ^t and c_n = 1 − ν^t
the bias corrections.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import mpmath
import numpy as np

from ..numerics import DEFAULT_DPS, MP, Backend
from .core import (
    LR,
    Algorithm,
    EpsMode,
    Number,
    _as_number,
    _check_eps_mode,
    _check_nonneg,
    _check_unit,
    _denominator,
    _last_coordinate_size,
    _lr_at,
    run,
)


@dataclass(frozen=True)
class LaProp(Algorithm):
    """LaProp, Algorithms 1–4 of the paper (LaPropW, AmsProp and centered LaProp are flags).

    Per coordinate, at step t::

        n_t = ν n_{t−1} + (1 − ν) g_t²                          (Alg. 1)
        n̄_t = ν n̄_{t−1} + (1 − ν) g_t                           (Alg. 4, centered only)
        v_t = n_t − n̄_t²  if centered, t ≥ t_init and n_t − n̄_t² > 0, else n_t
        ṽ_t = max(ṽ_{t−1}, v_t) if amsgrad else v_t             (Alg. 3)
        s_t = sqrt(ṽ_t / c_n + ε)   or   sqrt(ṽ_t / c_n) + ε    (eps_mode)
        m_t = μ m_{t−1} + λ_t (1 − μ) g_t / s_t                  (λ_t inside the momentum)
        θ_{t+1} = (θ_t − m_t / c_m)(1 − λ_t w)                   (Alg. 2, w = weight_decay)

    Before ``t_init`` centered LaProp runs plain LaProp (the paper's second option);
    ``centered_warmup="hold"`` takes the first option, m_t = m_{t−1}, instead.
    """

    lr: LR = 4e-4
    mu: Number = 0.9
    nu: Number = 0.999
    eps: Number = 0
    eps_mode: EpsMode = "inside"
    weight_decay: Number = 0
    amsgrad: bool = False
    centered: bool = False
    t_init: int = 10
    centered_warmup: Literal["laprop", "hold"] = "laprop"
    name: str = "laprop"

    def __post_init__(self) -> None:
        _check_unit("mu", self.mu)
        _check_unit("nu", self.nu)
        _check_nonneg("eps", self.eps)
        _check_nonneg("weight_decay", self.weight_decay)
        _check_eps_mode(self.eps_mode)
        if self.t_init < 1:
            raise ValueError(f"t_init must be >= 1, got {self.t_init}")
        if self.centered_warmup not in ("laprop", "hold"):
            raise ValueError(f"centered_warmup must be 'laprop' or 'hold', got "
                             f"{self.centered_warmup!r}")

    @property
    def state_keys(self) -> tuple[str, ...]:  # type: ignore[override]
        keys = ["m", "n"]
        if self.centered:
            keys.append("nbar")
        if self.amsgrad:
            keys.append("vmax")
        return tuple(keys)

    def step(self, bk, state, g, theta, t):
        mu, nu = bk.scalar(self.mu), bk.scalar(self.nu)
        lr = _lr_at(self.lr, t, bk)
        c_m, c_n = 1 - mu**t, 1 - nu**t
        new = dict(state)
        new["n"] = nu * state["n"] + (1 - nu) * g * g
        v = new["n"]
        if self.centered:
            new["nbar"] = nu * state["nbar"] + (1 - nu) * g
            if t >= self.t_init:
                centered = new["n"] - new["nbar"] * new["nbar"]
                v = bk.where(centered > 0, centered, new["n"])
        if self.amsgrad:
            new["vmax"] = bk.maximum(state["vmax"], v)
            v = new["vmax"]
        s = _denominator(bk, v, c_n, self.eps, self.eps_mode)
        if self.centered and self.centered_warmup == "hold" and t < self.t_init:
            new["m"] = state["m"]
        else:
            new["m"] = mu * state["m"] + lr * (1 - mu) * bk.safe_div(g, s)
        decay = 1 - lr * bk.scalar(self.weight_decay)
        new_theta = (theta - new["m"] / c_m) * decay
        return new, new_theta - theta


def amsprop(**kw: Any) -> LaProp:
    """AmsProp, Algorithm 3: LaProp with ñ_t = max(ñ_{t−1}, n_t) in the denominator."""
    return LaProp(amsgrad=True, name="amsprop", **kw)


def centered_laprop(**kw: Any) -> LaProp:
    """Centered LaProp, Algorithm 4: the centered second moment n_t − n̄_t² after t_init."""
    return LaProp(centered=True, name="centered-laprop", **kw)


@dataclass(frozen=True)
class Adam(Algorithm):
    """Adam, Eq. (4), with the bias corrections the update needs: c_m = 1 − μ^t, c_n = 1 − ν^t.

    (Eq. 4 as printed defines c_m := 1/(1 − μ^t) and c_n := 1/(1 − ν^t); the checker's
    ``eq4`` claim decides what those definitions would do.) Per coordinate::

        m_t = μ m_{t−1} + (1 − μ) g_t,   n_t = ν n_{t−1} + (1 − ν) g_t²
        θ_{t+1} = θ_t − λ_t (m_t / c_m) / s_t,  s_t = sqrt(ñ_t / c_n) + ε  (or inside)

    with ñ_t = max(ñ_{t−1}, n_t) for AMSGrad (Reddi et al. 2018, bias-corrected as in
    PyTorch) and ñ_t = n_t otherwise. ``bias_correction=False`` sets c_m = c_n = 1.
    """

    lr: LR = 1e-3
    mu: Number = 0.9
    nu: Number = 0.999
    eps: Number = 0
    eps_mode: EpsMode = "outside"
    amsgrad: bool = False
    bias_correction: bool = True
    name: str = "adam"

    def __post_init__(self) -> None:
        _check_unit("mu", self.mu)
        _check_unit("nu", self.nu)
        _check_nonneg("eps", self.eps)
        _check_eps_mode(self.eps_mode)

    @property
    def state_keys(self) -> tuple[str, ...]:  # type: ignore[override]
        return ("m", "n", "nmax") if self.amsgrad else ("m", "n")

    def step(self, bk, state, g, theta, t):
        mu, nu = bk.scalar(self.mu), bk.scalar(self.nu)
        lr = _lr_at(self.lr, t, bk)
        one = bk.scalar(1)
        c_m, c_n = (1 - mu**t, 1 - nu**t) if self.bias_correction else (one, one)
        new = dict(state)
        new["m"] = mu * state["m"] + (1 - mu) * g
        new["n"] = nu * state["n"] + (1 - nu) * g * g
        d = new["n"]
        if self.amsgrad:
            new["nmax"] = bk.maximum(state["nmax"], d)
            d = new["nmax"]
        s = _denominator(bk, d, c_n, self.eps, self.eps_mode)
        return new, -lr * bk.safe_div(new["m"] / c_m, s)


def amsgrad(**kw: Any) -> Adam:
    """AMSGrad (Reddi, Kale & Kumar 2018): Adam with ñ_t = max(ñ_{t−1}, n_t)."""
    return Adam(amsgrad=True, name="amsgrad", **kw)


@dataclass(frozen=True)
class RMSProp(Algorithm):
    """Bias-corrected RMSProp (Table 1's caption; Eq. 3 with μ_t = 0)::

        n_t = ν n_{t−1} + (1 − ν) g_t²,   θ_{t+1} = θ_t − λ_t g_t / s_t,  s_t = sqrt(n_t / c_n) (+ε)
    """

    lr: LR = 1e-3
    nu: Number = 0.99
    eps: Number = 0
    eps_mode: EpsMode = "inside"
    name: str = "rmsprop"
    state_keys: tuple[str, ...] = ("n",)

    def __post_init__(self) -> None:
        _check_unit("nu", self.nu)
        _check_nonneg("eps", self.eps)
        _check_eps_mode(self.eps_mode)

    def step(self, bk, state, g, theta, t):
        nu = bk.scalar(self.nu)
        lr = _lr_at(self.lr, t, bk)
        n = nu * state["n"] + (1 - nu) * g * g
        s = _denominator(bk, n, 1 - nu**t, self.eps, self.eps_mode)
        return {"n": n}, -lr * bk.safe_div(g, s)


@dataclass(frozen=True)
class SSG(Algorithm):
    """Signed stochastic gradient (Bernstein et al. 2018): θ_{t+1} = θ_t − λ_t sgn(g_t)."""

    lr: LR = 1e-3
    name: str = "ssg"

    def step(self, bk, state, g, theta, t):
        return state, -_lr_at(self.lr, t, bk) * bk.sign(g)


@dataclass(frozen=True)
class SSGM(Algorithm):
    """Signed SGD with momentum, Sec. 3.2::

        θ_{t+1} = θ_t − (1 − μ) λ_t sgn(g_t) + μ (θ_t − θ_{t−1}),

    i.e. m_t = μ m_{t−1} + (1 − μ) λ_t sgn(g_t), θ_{t+1} = θ_t − m_t / c, with c = 1 as in the
    paper's formula, or c = c_m = 1 − μ^t when ``bias_correction=True``.
    """

    lr: LR = 1e-3
    mu: Number = 0.9
    bias_correction: bool = False
    name: str = "ssg-m"
    state_keys: tuple[str, ...] = ("m",)

    def __post_init__(self) -> None:
        _check_unit("mu", self.mu)

    def step(self, bk, state, g, theta, t):
        mu = bk.scalar(self.mu)
        m = mu * state["m"] + (1 - mu) * _lr_at(self.lr, t, bk) * bk.sign(g)
        c = 1 - mu**t if self.bias_correction else bk.scalar(1)
        return {"m": m}, -m / c


@dataclass(frozen=True)
class TheoryLaProp(Algorithm):
    """The variant analysed in the proof of Theorem 1 (Appendix A.3, Eq. 17)::

        λ_t = λ / sqrt(t),   μ_t = μ ζ^{t−1},   s_t = sqrt(n_t / c_n (+ε))
        m_t = μ_t m_{t−1} + (1 − μ_t) g_t / s_t            (λ_t OUTSIDE the momentum)
        θ_{t+1} = θ_t − λ_t m_t / c_m

    For a varying λ_t this is a different algorithm from Algorithm 1, which keeps λ_t inside
    the momentum. The paper never defines c_m when μ_t varies; ``cm`` picks a convention:
    ``"product"``: c_m = 1 − Π_{k≤t} μ_k;  ``"power"``: c_m = 1 − μ^t;  ``"one"``: c_m = 1.
    ``lr_inside=True`` instead runs Algorithm 1's placement with the same schedules:
    m_t = μ_t m_{t−1} + λ_t (1 − μ_t) g_t / s_t, θ_{t+1} = θ_t − m_t / c_m.
    """

    lr: Number = 0.1
    mu: Number = 0.9
    zeta: Number = 0.99
    nu: Number = 0.999
    eps: Number = 0
    cm: Literal["product", "power", "one"] = "product"
    lr_inside: bool = False
    name: str = "theory-laprop"
    state_keys: tuple[str, ...] = ("m", "n", "muprod")

    def __post_init__(self) -> None:
        _check_unit("mu", self.mu)
        _check_unit("nu", self.nu)
        _check_unit("zeta", self.zeta, closed_low=False)
        _check_nonneg("eps", self.eps)
        if not _as_number("lr", self.lr) > 0:
            raise ValueError(f"lr must be > 0, got {self.lr}")
        if self.cm not in ("product", "power", "one"):
            raise ValueError(f"cm must be 'product', 'power' or 'one', got {self.cm!r}")

    def init_state(self, bk, theta):
        state = super().init_state(bk, theta)
        state["muprod"] = bk.ones_like(theta)
        return state

    def mu_t(self, t: int, bk: Backend = MP) -> Number:
        return bk.scalar(self.mu) * bk.scalar(self.zeta) ** (t - 1)

    def lr_t(self, t: int, bk: Backend = MP) -> Number:
        return bk.scalar(self.lr) / (mpmath.sqrt(t) if bk.name == "mp" else np.sqrt(t))

    def step(self, bk, state, g, theta, t):
        nu = bk.scalar(self.nu)
        mu_t, lr_t = self.mu_t(t, bk), self.lr_t(t, bk)
        new = dict(state)
        new["n"] = nu * state["n"] + (1 - nu) * g * g
        s = bk.sqrt(new["n"] / (1 - nu**t) + bk.scalar(self.eps))
        new["muprod"] = state["muprod"] * mu_t
        if self.cm == "product":
            c_m = 1 - new["muprod"]
        elif self.cm == "power":
            c_m = 1 - bk.scalar(self.mu) ** t
        else:
            c_m = bk.scalar(1)
        if self.lr_inside:
            new["m"] = mu_t * state["m"] + lr_t * (1 - mu_t) * bk.safe_div(g, s)
            return new, -new["m"] / c_m
        new["m"] = mu_t * state["m"] + (1 - mu_t) * bk.safe_div(g, s)
        return new, -lr_t * new["m"] / c_m


@dataclass(frozen=True)
class Adai(Algorithm):
    """Adai, adaptive inertia (Xie et al.), as in its public reference code::

        v_t = β2 v_{t−1} + (1 − β2) g_t²,   v̂_t = v_t / (1 − β2^t)
        v̄_t = mean of v̂_t over all coordinates
        β1_t = clip(1 − β0 v̂_t / v̄_t, 0, 1 − ε)            (elementwise)
        m_t = β1_t m_{t−1} + (1 − β1_t) g_t,   P_t = P_{t−1} β1_t (P_0 = 1)
        θ_{t+1} = θ_t − λ m_t / (1 − P_t)

    Weight decay: L2 (g_t ← g_t + w θ_t) by default; ``decoupled=True`` is AdaiW,
    θ_{t+1} ← θ_{t+1} − λ w θ_t. When every v̂ is 0 (all gradients zero so far) the ratio
    v̂/v̄ is taken as 1.
    """

    lr: Number = 1.0
    beta0: Number = 0.1
    beta2: Number = 0.99
    eps: Number = 1e-3
    weight_decay: Number = 0
    decoupled: bool = False
    name: str = "adai"
    state_keys: tuple[str, ...] = ("m", "v", "beta1_prod")

    def __post_init__(self) -> None:
        _check_unit("beta2", self.beta2)
        _check_nonneg("beta0", self.beta0)
        _check_nonneg("weight_decay", self.weight_decay)
        if not 0 < _as_number("eps", self.eps) < 1:
            raise ValueError(f"eps must be in (0, 1), got {self.eps}")

    def init_state(self, bk, theta):
        state = super().init_state(bk, theta)
        state["beta1_prod"] = bk.ones_like(theta)
        return state

    def step(self, bk, state, g, theta, t):
        b0, b2 = bk.scalar(self.beta0), bk.scalar(self.beta2)
        lr, wd = bk.scalar(self.lr), bk.scalar(self.weight_decay)
        if not self.decoupled:
            g = g + wd * theta
        v = b2 * state["v"] + (1 - b2) * g * g
        vhat = v / (1 - b2**t)
        vbar = bk.mean_last(vhat)
        ratio = bk.where(vbar > 0, bk.safe_div(vhat, vbar + 0 * vhat), bk.ones_like(vhat))
        beta1 = bk.clip(1 - b0 * ratio, 0, 1 - bk.scalar(self.eps))
        m = beta1 * state["m"] + (1 - beta1) * g
        prod = state["beta1_prod"] * beta1
        delta = -lr * m / (1 - prod)
        if self.decoupled:
            delta = delta - lr * wd * theta
        return {"m": m, "v": v, "beta1_prod": prod}, delta


def laprop_update_size(
    grads: Sequence[Any], mu: Number, nu: Number, *, eps: Number = 0,
    eps_mode: EpsMode = "inside", dps: int = DEFAULT_DPS, backend: Backend = MP,
) -> Any:
    """|m_t / c_m| in units of λ at the last step t = T, one coordinate (Proposition 1's
    quantity): LaProp with λ = 1, zero initial state. ``grads`` has shape (T,) (or (B, T)
    with ``backend=F64``)."""
    with mpmath.workdps(dps):
        g = backend.array(grads)[..., None]
    traj = run(LaProp(lr=1, mu=mu, nu=nu, eps=eps, eps_mode=eps_mode), g, dps=dps,
               backend=backend, keep_states=False)
    return _last_coordinate_size(traj, dps)


def adam_update_size(
    grads: Sequence[Any], mu: Number, nu: Number, *, eps: Number = 0,
    dps: int = DEFAULT_DPS, backend: Backend = MP,
) -> Any:
    """|(m_t / c_m) / sqrt(n_t / c_n)| in units of λ at the last step, one coordinate
    (Proposition 2's quantity): Adam (Eq. 4, c_m = 1 − μ^t) with λ = 1, ε = 0 by default."""
    with mpmath.workdps(dps):
        g = backend.array(grads)[..., None]
    traj = run(Adam(lr=1, mu=mu, nu=nu, eps=eps), g, dps=dps, backend=backend,
               keep_states=False)
    return _last_coordinate_size(traj, dps)
