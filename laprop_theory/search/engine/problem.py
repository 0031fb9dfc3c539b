"""What the search works on and carries: the constants of a run, :class:`Problem`,
:class:`SearchState` with its :class:`Best`, and the exact (mpmath) decoding of a candidate."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ...numerics import mp_str
from ..targets import Target, get_target

SIG_DIGITS = 25
"""Significant digits of the reported (exact, decimal) candidate entries."""

TASKS_PER_ROUND = 4
RATIO_FAMILIES = ("geometric", "zeros-geometric", "super-exponential", "growth")
"""Structured families whose best member (per task, above :data:`heuristics.SMALL_T`) goes
to the mpmath polish: a float64 screen clips their small entries, mpmath does not."""
ELITES = 8
POLISH_PER_ROUND = 2
X_MP_FLOOR = -2_000_000
"""Lowest log-magnitude of a decoded entry (e^-2000000 ≈ 1e-868589): smaller ones change no
value at any precision the command line allows, and the checkpoint reader refuses exponents
beyond 10^7."""
STOP_GAP = mpmath.mpf("1e-30")
"""Stop when the best value is within this relative gap of the exact supremum."""


@dataclass
class Best:
    """The best candidate in mpmath: value, exact decimal sequence, and its (s, x) in mpf."""

    value: Any = None
    sequence: list[str] = field(default_factory=list)
    s: list[int] = field(default_factory=list)
    x: list[Any] = field(default_factory=list)


@dataclass
class SearchState:
    """Everything a run carries between rounds (and what a checkpoint restores)."""

    best: Best = field(default_factory=Best)
    elites: list[tuple[float, np.ndarray, np.ndarray]] = field(default_factory=list)
    polished: set[bytes] = field(default_factory=set)
    rounds: int = 0  # rounds completed
    evaluations: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Problem:
    """What is searched: a target (by name and options) at (μ, ν, T)."""

    target_name: str
    mu: str
    nu: str
    steps: int
    options: tuple[tuple[str, Any], ...] = ()

    @property
    def target(self) -> Target:
        return get_target(self.target_name, **dict(self.options))


def decode_mp(s: list[int], x: list[Any], dps: int, scale_invariant: bool = True) -> list[str]:
    """The exact candidate: decimal strings of s_k·exp(x_k − max x) at :data:`SIG_DIGITS`
    (s_k·exp(min(x_k, 0)) when the target is not scale-invariant), with exponents clipped at
    :data:`X_MP_FLOOR`."""
    with mpmath.workdps(dps):
        xs = [mpmath.mpf(v) for v in x]
        live = [v for v, sg in zip(xs, s, strict=True) if sg != 0]
        top = max(live) if (live and scale_invariant) else mpmath.mpf(0)
        out = []
        for sg, v in zip(s, xs, strict=True):
            if sg == 0:
                out.append("0")
            else:  # scale-invariant: largest entry 1; otherwise |g| <= 1
                out.append(mpmath.nstr(sg * mpmath.exp(max(min(v - top, 0), X_MP_FLOOR)),
                                       SIG_DIGITS, min_fixed=-4, max_fixed=6))
        return out


def encode_mp(sequence: list[str], dps: int) -> tuple[list[int], list[Any]]:
    """(s, x) of a decimal sequence: signs and natural logs of the magnitudes (0 for zeros)."""
    with mpmath.workdps(dps):
        s, x = [], []
        for text in sequence:
            g = mpmath.mpf(text)
            s.append(int(mpmath.sign(g)))
            x.append(mpmath.log(abs(g)) if g != 0 else mpmath.mpf(0))
        return s, x


def mp_value(problem: Problem, sequence: list[str], dps: int) -> Any:
    """The reported objective: the target's mpmath evaluation on the exact decimals."""
    with mpmath.workdps(dps):
        return problem.target.mp(sequence, problem.mu, problem.nu, dps)


def fraction_of(value: Any, sup: Any, dps: int) -> str | None:
    """value / sup as a decimal string (None when sup is unknown, infinite or 0)."""
    if value is None or sup is None or not mpmath.isfinite(sup) or sup == 0:
        return None
    with mpmath.workdps(dps):
        return mp_str(value / sup, 30)
