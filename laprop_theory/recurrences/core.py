"""The shared machinery of the recurrences: the :class:`Algorithm` interface, :func:`run`,
:class:`Trajectory`, and the hyperparameter checks every algorithm uses.

Conventions (all algorithms): zero initial state, t = 1, 2, ... the step count, a quotient
0/0 (only when every gradient so far is 0 and ε = 0) is 0, the ε → 0 limit. Values are
computed in a :class:`laprop_theory.numerics.Backend` (``MP`` reports, ``F64`` explores,
``ARB`` certifies, sympy through ``claims/_sym.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import mpmath
import numpy as np

from ..numerics import DEFAULT_DPS, MP, Backend, to_mpf

Number = Any  # an mpf, a float, or an int
LR = Number | Callable[[int], Number]
EpsMode = Literal["inside", "outside"]


def _check_unit(name: str, value: Number, *, closed_low: bool = True) -> None:
    value = _as_number(name, value)
    ok = (0 <= value < 1) if closed_low else (0 < value < 1)
    if not ok:
        rng = "[0, 1)" if closed_low else "(0, 1)"
        raise ValueError(f"{name} must be in {rng}, got {value}")


def _as_number(name: str, value: Number) -> Number:
    """Hyperparameters may be ints, floats, mpf, decimal strings (exact in ``MP``) or
    Fractions (exact in ``ARB``; the ``MP`` backend takes decimal strings)."""
    try:
        return to_mpf(value)
    except (TypeError, ValueError, ZeroDivisionError):
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


def _last_coordinate_size(traj: Trajectory, dps: int) -> Any:
    """|Δθ_T| of coordinate 0: an mpf for one run, an array for a batch. (Computed inside
    ``workdps``: mpmath rounds every operation, abs included, to the current precision.)"""
    with mpmath.workdps(dps):
        out = abs(traj.deltas[-1][..., 0])
    return out.item() if isinstance(out, np.ndarray) and out.ndim == 0 else out
