"""The bridge between the runnable optimizer (``laprop.LaProp``) and the exact recurrences.

``torch_trajectory`` feeds a fixed gradient sequence to the torch optimizer (any path, any
flag, any dtype) and returns its parameter trajectory; ``exact_trajectory`` runs the same
algorithm from :mod:`laprop_theory.recurrences` in mpmath; ``tolerance`` bounds how far a
correct floating-point implementation may drift from the exact trajectory, *derived* from the
dtype's unit roundoff (never tuned to pass); ``compare`` puts the three together.

Derivation of the tolerance (one coordinate, gradients exactly representable and with
squares in the normal range of the state dtype — see :mod:`laprop_theory.testing.strategies`):

* Let u_c be the unit roundoff of the dtype the update is *computed* in (float64: 2^-53;
  float32, and float16/bfloat16 params whose state is float32: 2^-24) and u_p that of the
  param dtype (2^-53, 2^-24, 2^-11 for float16, 2^-8 for bfloat16).
* Hyperparameters are rounded once into the compute dtype: β → β(1 + δ), |δ| ≤ u_c, so
  1 − β carries a relative error ≤ u_c β/(1 − β). Let κ_β = 1 + max(μ/(1−μ), ν/(1−ν)).
* n_t = ν n_{t−1} + (1 − ν) g_t² is a sum of non-negative terms: its relative error grows by at
  most a fixed number of roundings per step, ≤ 4 t u_c κ_β after t steps; the same holds for
  s_t, and each term u_k = g_k/s_k then has relative error ≤ 6 t u_c κ_β (one more rounding
  for the division, one for the square root). For centered LaProp the subtraction
  n_t − n̄_t² multiplies that by its condition number κ_c = max_t n_t/(n_t − n̄_t²).
* m_t = Σ_k μ^{t−k}(1 − μ) λ u_k: its *absolute* error is ≤ λ B · 8 t u_c κ_β κ_c, where
  B = max_k |u_k|, read off the exact run (Proposition 1: B ≤ 1/sqrt(1 − ν) for plain
  LaProp and AmsProp; centered LaProp can exceed it), and so is that of Δ_t = m_t/c_m up to
  the factor 1/c_m ≤ 1/(1 − μ) (and two more roundings).
* θ_{t+1} = (θ_t − Δ_t)(1 − λ w) is rounded into the param dtype: + u_p |θ_{t+1}| + u_c |θ_t|,
  plus, near zero, the absolute error of gradual underflow: rounding to a dtype whose smallest
  positive (subnormal) value is η_p errs by at most η_p/2 (the standard model
  fl(x) = x(1 + δ) + η, |η| ≤ η_p/2; it matters for float16, η_p = 2^-24 ≈ 6e-8).
* Summing over the steps: tol_t = Σ_{s≤t} [ C λ B_s s u_c κ_β κ_c / c_m(s) + 2 u_p |θ_{s+1}|
  + 2 u_c |θ_s| + η_p ]
  with the safety constant C = 16 (twice the operation count above).

Low-precision params round θ every step (the u_p term dominates); float64 runs are held to
~1e-13 relative over tens of steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import mpmath
import numpy as np

from . import recurrences as R
from .dtypes import DTYPE_INFO
from .numerics import DEFAULT_DPS

Path = Literal["single", "foreach", "fused"]
PATH_FLAGS: dict[str, dict[str, bool]] = {
    "single": {"foreach": False, "fused": False},
    "foreach": {"foreach": True, "fused": False},
    "fused": {"foreach": False, "fused": True},
}
SAFETY = 16.0


@dataclass(frozen=True)
class Config:
    """Everything that defines one LaProp run (the torch optimizer's keyword arguments)."""

    lr: float = 4e-4
    mu: float = 0.9
    nu: float = 0.999
    eps: float = 1e-15
    eps_mode: str = "inside"
    weight_decay: float = 0.0
    amsgrad: bool = False
    centered: bool = False
    t_init: int = 10
    maximize: bool = False

    def torch_kwargs(self) -> dict[str, Any]:
        return dict(lr=self.lr, betas=(self.mu, self.nu), eps=self.eps,
                    weight_decay=self.weight_decay, amsgrad=self.amsgrad,
                    centered=self.centered, t_init=self.t_init, eps_mode=self.eps_mode,
                    maximize=self.maximize)

    def recurrence(self) -> R.LaProp:
        return R.LaProp(lr=self.lr, mu=self.mu, nu=self.nu, eps=self.eps,
                        eps_mode=self.eps_mode, weight_decay=self.weight_decay,
                        amsgrad=self.amsgrad, centered=self.centered, t_init=self.t_init)


def torch_trajectory(grads: np.ndarray, config: Config, *, path: Path = "single",
                     dtype: str = "float64", theta0: Sequence[float] | None = None,
                     device: str = "cpu") -> np.ndarray:
    """θ_1..θ_{T+1} (shape (T+1, d), float64) of ``laprop.LaProp`` fed ``grads`` (T, d)."""
    import torch

    from laprop import LaProp

    grads = np.asarray(grads, dtype=np.float64)
    tdtype = getattr(torch, dtype)
    d = grads.shape[1]
    start = np.zeros(d) if theta0 is None else np.asarray(theta0, dtype=np.float64)
    p = torch.nn.Parameter(torch.tensor(start, dtype=tdtype, device=device))
    opt = LaProp([p], **config.torch_kwargs(), **PATH_FLAGS[path])
    out = [p.detach().double().cpu().numpy().copy()]
    for g in grads:
        # the recurrence minimises; maximize=True must negate the gradient it is given
        p.grad = torch.tensor(-g if config.maximize else g, dtype=tdtype, device=device)
        opt.step()
        out.append(p.detach().double().cpu().numpy().copy())
    return np.stack(out)


def torch_adam_trajectory(grads: np.ndarray, *, lr: float, mu: float, nu: float,
                          eps: float = 0.0, dtype: str = "float64",
                          amsgrad: bool = False) -> np.ndarray:
    """θ_1..θ_{T+1} of ``torch.optim.Adam`` (PyTorch's own implementation) fed ``grads``."""
    import torch

    grads = np.asarray(grads, dtype=np.float64)
    tdtype = getattr(torch, dtype)
    p = torch.nn.Parameter(torch.zeros(grads.shape[1], dtype=tdtype))
    opt = torch.optim.Adam([p], lr=lr, betas=(mu, nu), eps=eps, amsgrad=amsgrad,
                           foreach=False)
    out = [p.detach().double().numpy().copy()]
    for g in grads:
        p.grad = torch.tensor(g, dtype=tdtype)
        opt.step()
        out.append(p.detach().double().numpy().copy())
    return np.stack(out)


def exact_trajectory(grads: np.ndarray, config: Config, *, theta0: Sequence[float] | None = None,
                     dps: int = DEFAULT_DPS) -> R.Trajectory:
    """The same run in the exact recurrence (mpmath, ``dps`` digits)."""
    grads = np.asarray(grads, dtype=np.float64)
    start = np.zeros(grads.shape[1]) if theta0 is None else np.asarray(theta0, np.float64)
    return R.run(config.recurrence(), grads, theta0=list(start), dps=dps)


def _centered_condition(traj: R.Trajectory, config: Config) -> np.ndarray:
    """κ_c = n_t / (n_t − n̄_t²) per coordinate (max over the steps where centering is used)."""
    d = len(traj.thetas[0])
    kappa = np.ones(d)
    if not config.centered:
        return kappa
    with mpmath.workdps(DEFAULT_DPS):
        for t, st in enumerate(traj.states, start=1):
            if t < config.t_init:
                continue
            for i in range(d):
                n, nb = st["n"][i], st["nbar"][i]
                c = n - nb * nb
                if c > 0:
                    kappa[i] = max(kappa[i], float(n / c))
    return kappa


def tolerance(traj: R.Trajectory, config: Config, dtype: str) -> np.ndarray:
    """Per-step, per-coordinate bound on |θ_torch − θ_exact| (shape (T+1, d)); derivation in
    the module docstring."""
    u_p = DTYPE_INFO[dtype].unit_roundoff
    eta_p = DTYPE_INFO[dtype].param_eta  # twice the underflow error η_p/2 (two roundings)
    u_c = DTYPE_INFO["float64"].unit_roundoff if dtype == "float64" else 2.0**-24
    mu, nu = float(config.mu), float(config.nu)
    kappa_beta = 1.0 + max(mu / (1.0 - mu), nu / (1.0 - nu))
    kappa_c = _centered_condition(traj, config)
    lam = abs(float(config.lr))
    T = len(traj.deltas)
    d = len(traj.thetas[0])
    tol = np.zeros((T + 1, d))
    acc = np.zeros(d)
    B = np.zeros(d)
    m_prev = np.zeros(d)
    for s in range(1, T + 1):
        # B_s = max_{k<=s} |u_k|, u_k = g_k/s_k = (m_k − μ m_{k−1}) / ((1 − μ) λ), from the
        # exact states (Prop. 1 bounds it by 1/sqrt(1−ν) for plain LaProp; centered can exceed)
        with mpmath.workdps(DEFAULT_DPS):
            m_now = np.array([float(x) for x in traj.states[s - 1]["m"]])
        if lam > 0 and mu < 1:
            B = np.maximum(B, np.abs(m_now - mu * m_prev) / ((1 - mu) * lam))
        m_prev = m_now
        c_m = 1.0 - mu**s
        theta_next = np.abs(np.array([float(x) for x in traj.thetas[s]]))
        theta_prev = np.abs(np.array([float(x) for x in traj.thetas[s - 1]]))
        acc = acc + SAFETY * lam * B * s * u_c * kappa_beta * kappa_c / c_m \
            + 2 * u_p * theta_next + 2 * u_c * theta_prev + eta_p
        tol[s] = acc
    return tol


@dataclass
class Comparison:
    """Result of :func:`compare`: the worst excess of |error| over its tolerance."""

    torch_thetas: np.ndarray
    exact_thetas: np.ndarray
    tol: np.ndarray

    @property
    def error(self) -> np.ndarray:
        return np.abs(self.torch_thetas - self.exact_thetas)

    @property
    def ok(self) -> bool:
        return bool(np.all(self.error <= self.tol))

    def worst(self) -> str:
        ratio = self.error / np.maximum(self.tol, np.finfo(float).tiny)
        t, i = np.unravel_index(np.argmax(ratio), ratio.shape)
        return (f"step {t}, coordinate {i}: |torch - exact| = {self.error[t, i]:.3e}, "
                f"tolerance {self.tol[t, i]:.3e} (ratio {ratio[t, i]:.3g})")


def compare(grads: np.ndarray, config: Config, *, path: Path = "single",
            dtype: str = "float64", theta0: Sequence[float] | None = None) -> Comparison:
    """Run torch and the exact recurrence on the same gradients; bound their gap."""
    got = torch_trajectory(grads, config, path=path, dtype=dtype, theta0=theta0)
    exact = exact_trajectory(grads, config, theta0=theta0)
    with mpmath.workdps(DEFAULT_DPS):
        want = np.array([[float(x) for x in th] for th in exact.thetas])
    return Comparison(got, want, tolerance(exact, config, dtype))
