"""Number systems the recurrences run in: exact-ish mpmath, or float64 numpy for exploration.

Every algorithm in :mod:`laprop_theory.recurrences` is written once, against the small
interface below, and runs unchanged in two number systems:

* ``MP`` -- numpy ``object`` arrays of :class:`mpmath.mpf` at a working precision of
  ``dps`` decimal digits (default :data:`DEFAULT_DPS`). This is the one that *reports*.
* ``F64`` -- plain numpy ``float64`` arrays, vectorised over a leading batch axis. It only
  *explores* (the searcher uses it to screen millions of candidates quickly); every value it
  finds is re-evaluated in ``MP`` before it is reported.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import mpmath
import numpy as np

DEFAULT_DPS = 50
"""Default working precision, in decimal digits, for every reported value."""

_mp_sqrt = np.frompyfunc(mpmath.sqrt, 1, 1)
_mp_sign = np.frompyfunc(lambda x: mpmath.mpf(mpmath.sign(x)), 1, 1)


def _mp_safe_div(a: Any, b: Any) -> Any:
    if b == 0:
        if a == 0:
            return mpmath.mpf(0)
        raise ZeroDivisionError(f"nonzero {a} divided by an exact zero")
    return a / b


_mp_safe_div_u = np.frompyfunc(_mp_safe_div, 2, 1)


@dataclass(frozen=True)
class Backend:
    """The operations a recurrence needs, in one number system."""

    name: str

    def array(self, values: Iterable[Any] | Any) -> np.ndarray:
        if self.name == "mp":
            arr = np.asarray(values, dtype=object)
            return np.frompyfunc(mpmath.mpf, 1, 1)(arr) if arr.ndim else np.asarray(
                mpmath.mpf(arr.item()), dtype=object
            )
        return np.asarray(values, dtype=np.float64)

    def scalar(self, x: Any) -> Any:
        return mpmath.mpf(x) if self.name == "mp" else float(x)

    def zeros_like(self, x: np.ndarray) -> np.ndarray:
        if self.name == "mp":
            out = np.empty(np.shape(x), dtype=object)
            out[...] = mpmath.mpf(0)
            return out
        return np.zeros(np.shape(x), dtype=np.float64)

    def ones_like(self, x: np.ndarray) -> np.ndarray:
        return self.zeros_like(x) + self.scalar(1)

    def sqrt(self, x: np.ndarray) -> np.ndarray:
        return _mp_sqrt(x) if self.name == "mp" else np.sqrt(x)

    def sign(self, x: np.ndarray) -> np.ndarray:
        return _mp_sign(x) if self.name == "mp" else np.sign(x)

    def maximum(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return np.maximum(a, b)

    def clip(self, x: np.ndarray, lo: Any, hi: Any) -> np.ndarray:
        return np.minimum(np.maximum(x, self.scalar(lo)), self.scalar(hi))

    def where(self, cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
        out = np.where(cond, a, b)
        return out.astype(object) if self.name == "mp" else out

    def safe_div(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """a / b, with 0 / 0 := 0 (the ε → 0 limit of 0 / sqrt(ε)); nonzero / 0 is an error."""
        if self.name == "mp":
            return _mp_safe_div_u(a, b)
        a, b = np.broadcast_arrays(np.asarray(a, float), np.asarray(b, float))
        out = np.zeros(np.broadcast_shapes(a.shape, b.shape))
        np.divide(a, b, out=out, where=(b != 0))
        bad = (b == 0) & (a != 0)
        if np.any(bad):
            out[bad] = np.inf * np.sign(a[bad])
        return out

    def mean_last(self, x: np.ndarray) -> np.ndarray:
        """Mean over the last axis (the coordinates), keeping that axis for broadcasting."""
        n = x.shape[-1]
        return np.sum(x, axis=-1, keepdims=True) / self.scalar(n)


MP = Backend("mp")
F64 = Backend("f64")


def to_mpf(x: Any) -> mpmath.mpf:
    """Convert a float, int, decimal string or Fraction to mpf exactly (no float round trip)."""
    from fractions import Fraction

    if isinstance(x, Fraction):
        return mpmath.mpf(x.numerator) / x.denominator
    return mpmath.mpf(x)


def mp_str(x: Any, digits: int = 40) -> str:
    """A decimal string of ``x`` with ``digits`` significant digits (printed at a working
    precision above ``digits``: mpmath rounds to the *current* precision when printing)."""
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(x, digits, strip_zeros=False)
