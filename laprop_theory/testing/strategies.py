"""Public hypothesis strategies for property tests of LaProp-style optimizers.

Use them to write your own property tests::

    from hypothesis import given
    from laprop_theory.testing import strategies as S

    @given(S.hyperparameters(), S.gradient_sequences(dtype="float32"))
    def test_my_bound(hp, grads):
        ...

Gradient sequences are numpy float64 arrays of shape (T, d) whose values are *exactly
representable* in the requested torch dtype, and whose squares neither overflow nor fall
below the smallest normal number of the dtype in which the optimizer keeps its state (float32
for float16/bfloat16 params, see docs/optimizer-spec.md). Outside that range a floating-point
optimizer cannot follow the exact recurrence at all (g² = inf, or g² = 0 with ε = 0), and a
tolerance derived from the unit roundoff would be meaningless; ``extreme=True`` widens the
range to the edge of what the state dtype can square.

This is the one module of the package that needs hypothesis (a test dependency); the dtype
data it shares with :mod:`laprop_theory.bridge` lives in :mod:`laprop_theory.dtypes`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from hypothesis import strategies as st

from ..dtypes import DTYPE_INFO

__all__ = [
    "DTYPE_INFO",
    "Hyper",
    "betas",
    "gradient_sequences",
    "hyperparameters",
    "learning_rates",
    "mlp_shapes",
    "unit_beta",
]


# float16 params hold gradients of magnitude at most 65504 and at least 2^-24 (subnormal).
_F16_MAX, _F16_TINY = 65504.0, 2.0**-14


def _round_to(x: float, dtype: str) -> float:
    """Round a float64 to the nearest value representable in ``dtype`` (exactly, via torch)."""
    import torch

    return float(torch.tensor(x, dtype=torch.float64).to(getattr(torch, dtype)).double())


def magnitude_range(dtype: str, extreme: bool = False) -> tuple[float, float]:
    """(lo, hi) for |g|: g² stays finite and normal in the state dtype (with a safety margin of
    2^8 unless ``extreme``), and g itself is representable in the param dtype."""
    info = DTYPE_INFO[dtype]
    margin = 1.0 if extreme else 2.0**8
    hi = math.sqrt(info.state_max) / margin
    lo = math.sqrt(info.state_tiny) * margin
    if dtype == "float16":
        hi, lo = min(hi, _F16_MAX), max(lo, _F16_TINY)
    return lo, hi


def unit_beta(*, allow_zero: bool = True) -> st.SearchStrategy[float]:
    """β in [0, 1): the corners 0, 0.5, 0.9, 0.99, 0.999, 0.9999, values near 1, and the rest."""
    corners = [0.5, 0.9, 0.99, 0.999, 0.9999] + ([0.0] if allow_zero else [])
    near_one = st.integers(1, 12).map(lambda k: 1.0 - 2.0**-k)
    return st.one_of(st.sampled_from(corners), near_one,
                     st.floats(0.0 if allow_zero else 1e-6, 0.9999, exclude_max=True))


def betas() -> st.SearchStrategy[tuple[float, float]]:
    """(μ, ν) pairs, including the coupled region μ > sqrt(ν) where Adam's update is unbounded."""
    return st.tuples(unit_beta(), unit_beta())


def learning_rates() -> st.SearchStrategy[float]:
    """λ from 1e-6 to 1 (log-uniform, plus the paper's default 4e-4)."""
    return st.one_of(st.just(4e-4), st.floats(-6, 0).map(lambda e: 10.0**e))


@dataclass(frozen=True)
class Hyper:
    """A full LaProp hyperparameter set (see docs/optimizer-spec.md for the meaning)."""

    lr: float
    mu: float
    nu: float
    eps: float
    eps_mode: str
    weight_decay: float


def hyperparameters(*, eps: list[float] | None = None, weight_decay: bool = True
                    ) -> st.SearchStrategy[Hyper]:
    """Hyperparameters over the whole admissible domain."""
    eps_values = eps if eps is not None else [0.0, 1e-15, 1e-8, 1e-3]
    wd = st.sampled_from([0.0, 1e-2, 0.5]) if weight_decay else st.just(0.0)
    return st.builds(
        lambda lr, b, e, mode, w: Hyper(lr, b[0], b[1], e, mode, w),
        learning_rates(), betas(), st.sampled_from(eps_values),
        st.sampled_from(["inside", "outside"]), wd,
    )


_SHAPES = ("iid", "spike", "geometric", "alternating", "zeros", "tiny", "huge", "superexp")


@st.composite
def gradient_sequences(draw, *, dtype: str = "float64", max_steps: int = 20, max_dim: int = 3,
                       min_steps: int = 1, allow_zeros: bool = True, extreme: bool = False,
                       shapes: tuple[str, ...] = _SHAPES) -> np.ndarray:
    """A (T, d) float64 array of gradients representable in ``dtype``, drawn from adversarial
    shapes: i.i.d. log-uniform magnitudes with random signs, one spike among small values,
    geometric growth or decay, sign flips, runs of exact zeros, values near the smallest and
    largest admissible magnitudes, and super-exponential growth (the shape that approaches
    the LaProp supremum)."""
    lo, hi = magnitude_range(dtype, extreme)
    llo, lhi = math.log(lo), math.log(hi)
    T = draw(st.integers(min_steps, max_steps))
    d = draw(st.integers(1, max_dim))
    shape = draw(st.sampled_from([s for s in shapes if allow_zeros or s != "zeros"]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    signs = rng.choice([-1.0, 1.0], size=(T, d))
    mid = 0.5 * (llo + lhi)
    span = min(lhi - llo, 40.0)
    if shape == "iid":
        logs = rng.uniform(mid - span / 2, mid + span / 2, size=(T, d))
    elif shape == "spike":
        logs = np.full((T, d), mid - span / 4)
        logs[rng.integers(0, T)] = mid + span / 2
    elif shape == "geometric":
        rate = rng.uniform(-3.0, 3.0)
        logs = mid + rate * (np.arange(T)[:, None] - T / 2) + np.zeros((T, d))
    elif shape == "alternating":
        logs = np.full((T, d), mid + rng.uniform(-5, 5))
        signs = np.where(np.arange(T)[:, None] % 2 == 0, 1.0, -1.0) * np.ones((T, d))
    elif shape == "zeros":
        logs = rng.uniform(mid - 5, mid + 5, size=(T, d))
        signs = signs * (rng.random((T, d)) < 0.5)
    elif shape == "tiny":
        logs = rng.uniform(llo, llo + 3, size=(T, d))
    elif shape == "huge":
        logs = rng.uniform(lhi - 3, lhi, size=(T, d))
    else:  # superexp: log-increments that grow, clipped to the admissible range
        inc = rng.uniform(1.0, 4.0)
        logs = llo + inc * np.arange(T)[:, None] ** 1.5 + np.zeros((T, d))
    logs = np.clip(logs, llo, lhi)
    values = signs * np.exp(logs)
    rounded = np.vectorize(lambda x: _round_to(x, dtype))(values) if dtype != "float64" else values
    return np.asarray(rounded, dtype=np.float64).reshape(T, d)


def mlp_shapes(max_layers: int = 3, max_width: int = 8) -> st.SearchStrategy[list[int]]:
    """Layer widths [in, h1, ..., out] of a small MLP."""
    return st.lists(st.integers(1, max_width), min_size=2, max_size=max_layers + 1)
