"""The paper's algorithms as exact recurrences: the executable specification of the project.

Each algorithm is defined exactly once here. The proof checker, the tight bounds, the
adversarial searcher, the regret experiments, the property tests of the torch optimizer and
the course notebooks all read the algorithms from this module.

Notation (paper, Sec. 2): μ = β1 momentum, ν = β2 adaptivity, λ_t learning rate, ε added
inside (paper) or outside (authors' code) the square root, t = 1, 2, ... the step count,
c_m = 1 − μ^t and c_n = 1 − ν^t the bias corrections, zero initial state m_0 = n_0 = 0.

Every recurrence runs in two number systems (:mod:`laprop_theory.numerics`): ``MP`` (numpy
object arrays of mpmath ``mpf`` at ``dps`` digits; the default, and the only one whose values
are reported) and ``F64`` (float64 numpy, vectorised over a leading batch axis; exploration
only). A quotient 0/0, which arises only when every gradient so far is 0 and ε = 0, is defined
as 0, the ε → 0 limit.

Example::

    >>> from laprop_theory import recurrences as R
    >>> traj = R.run(R.LaProp(lr=1, mu=0.9, nu=0.999), [[1.0], [-2.0], [0.5]])
    >>> len(traj.deltas)
    3
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np

from .numerics import DEFAULT_DPS, MP, Backend

Number = Any  # an mpf, a float, or an int
LR = Number | Callable[[int], Number]
EpsMode = Literal["inside", "outside"]

__all__ = [
    "Adai",
    "Adam",
    "Algorithm",
    "LaProp",
    "RMSProp",
    "SSG",
    "SSGM",
    "TheoryLaProp",
    "Trajectory",
    "adam_update_size",
    "amsgrad",
    "amsprop",
    "centered_laprop",
    "laprop_update_size",
    "run",
]


def _check_unit(name: str, value: Number, *, closed_low: bool = True) -> None:
    value = _as_number(name, value)
    ok = (0 <= value < 1) if closed_low else (0 < value < 1)
    if not ok:
        rng = "[0, 1)" if closed_low else "(0, 1)"
        raise ValueError(f"{name} must be in {rng}, got {value}")


def _as_number(name: str, value: Number) -> Number:
    """Hyperparameters may be ints, floats, mpf or decimal strings (exact in ``MP``)."""
    try:
        return mpmath.mpf(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a real number, got {value!r}") from None


def _check_nonneg(name: str, value: Number) -> None:
    value = _as_number(name, value)
    if not value >= 0:
        raise ValueError(f"{name} must be >= 0, got {value}")


def _check_eps_mode(mode: str) -> None:
    if mode not in ("inside", "outside"):
        raise ValueError(f"eps_mode must be 'inside' or 'outside', got {mode!r}")


def _lr_at(lr: LR, t: int, bk: Backend) -> Number:
    return bk.scalar(lr(t) if callable(lr) else lr)


def _denominator(bk: Backend, d: np.ndarray, c_n: Number, eps: Number, mode: str) -> np.ndarray:
    """s = sqrt(d / c_n + ε) (``inside``, the paper) or sqrt(d / c_n) + ε (``outside``)."""
    e = bk.scalar(eps)
    return bk.sqrt(d / c_n + e) if mode == "inside" else bk.sqrt(d / c_n) + e


class Algorithm:
    """One optimizer as a recurrence: ``step(state, g, θ, t) -> (state, Δθ)``.

    ``Δθ = θ_{t+1} − θ_t``; states are dicts of arrays shaped like the parameter.
    """

    name: str = "algorithm"
    state_keys: tuple[str, ...] = ()

    def init_state(self, bk: Backend, theta: np.ndarray) -> dict[str, Any]:
        return {k: bk.zeros_like(theta) for k in self.state_keys}

    def step(
        self, bk: Backend, state: dict[str, Any], g: np.ndarray, theta: np.ndarray, t: int
    ) -> tuple[dict[str, Any], np.ndarray]:
        raise NotImplementedError


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


# ----------------------------------------------------------------------------- running

GradSource = Sequence[Any] | np.ndarray | Callable[[int, np.ndarray], Any]


@dataclass
class Trajectory:
    """What a run produced: θ_1..θ_{T+1}, g_1..g_T, Δθ_t = θ_{t+1} − θ_t, and the states."""

    algorithm: Algorithm
    thetas: list[np.ndarray] = field(default_factory=list)
    grads: list[np.ndarray] = field(default_factory=list)
    deltas: list[np.ndarray] = field(default_factory=list)
    states: list[dict[str, Any]] = field(default_factory=list)

    @property
    def final(self) -> np.ndarray:
        return self.thetas[-1]


def run(
    algorithm: Algorithm,
    grads: GradSource,
    *,
    theta0: Any = None,
    steps: int | None = None,
    dps: int = DEFAULT_DPS,
    backend: Backend = MP,
    project: Callable[[np.ndarray], np.ndarray] | None = None,
    keep_states: bool = True,
) -> Trajectory:
    """Run ``algorithm`` for T steps.

    ``grads`` is a sequence g_1..g_T (shape (T,) for one coordinate, (T, d), or with
    ``backend=F64`` also (B, T, d) for a batch of B independent runs), or an oracle
    ``grads(t, θ_t) -> g_t`` for online problems (then ``steps`` is required).
    ``project`` (optional) maps θ_{t+1} back onto a feasible set after each step.
    Values are computed at ``dps`` decimal digits in the ``MP`` backend.
    """
    with mpmath.workdps(dps):
        if callable(grads):
            if steps is None:
                raise ValueError("steps is required when grads is an oracle")
            if steps < 1:
                raise ValueError(f"steps must be >= 1, got {steps}")
            theta = backend.array(theta0 if theta0 is not None else [0])
            get = grads
        else:
            arr = backend.array(grads)
            if arr.ndim == 1:
                arr = arr[:, None]
            if arr.ndim not in (2, 3):
                raise ValueError(f"grads must have shape (T,), (T, d) or (B, T, d), got "
                                 f"{arr.shape}")
            horizon = arr.shape[-2]
            steps = horizon if steps is None else steps
            if not 1 <= steps <= horizon:
                raise ValueError(f"steps must be in [1, {horizon}], got {steps}")
            shape = arr.shape[:-2] + arr.shape[-1:]
            theta = (backend.zeros_like(np.empty(shape)) if theta0 is None
                     else backend.array(theta0) + backend.zeros_like(np.empty(shape)))

            def get(t: int, _theta: np.ndarray) -> np.ndarray:
                return arr[..., t - 1, :]

        traj = Trajectory(algorithm)
        state = algorithm.init_state(backend, theta)
        traj.thetas.append(theta)
        for t in range(1, steps + 1):
            g = backend.array(get(t, theta)) + backend.zeros_like(theta)
            state, delta = algorithm.step(backend, state, g, theta, t)
            theta = theta + delta
            if project is not None:
                theta = project(theta)
            traj.grads.append(g)
            traj.deltas.append(delta)
            traj.thetas.append(theta)
            if keep_states:
                traj.states.append(state)
        return traj


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


def _last_coordinate_size(traj: Trajectory, dps: int) -> Any:
    """|Δθ_T| of coordinate 0: an mpf for one run, an array for a batch. (Computed inside
    ``workdps``: mpmath rounds every operation, abs included, to the current precision.)"""
    with mpmath.workdps(dps):
        out = abs(traj.deltas[-1][..., 0])
    return out.item() if isinstance(out, np.ndarray) and out.ndim == 0 else out
