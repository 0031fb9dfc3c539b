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


# ----------------------------------------------------------------------------- ARB (balls)
#
# A third number system, for *certification*: python-flint ``arb`` balls (midpoint ± radius,
# every operation rounded outward), wrapped in :class:`Ball` so that a comparison whose answer
# the enclosures do not decide raises :class:`UndecidedComparison` instead of silently picking a
# branch (python-flint itself answers ``False`` to an undecided comparison). The same recurrence
# code of :mod:`laprop_theory.recurrences` runs unchanged: ``ARB`` implements the interface of
# :class:`Backend`. The working precision is flint's global ``ctx.prec`` (bits); set it with
# :func:`arb_workprec`.


class UndecidedComparison(ArithmeticError):
    """Two balls overlap, so the comparison a recurrence asked for is not decided."""


def _to_arb(x: Any) -> Any:
    """An ``arb`` ball containing ``x`` exactly (:func:`laprop_theory.proof.ball.to_arb`, the
    one conversion to balls), also for :class:`Ball`."""
    from .proof.ball import to_arb

    return x.v if isinstance(x, Ball) else to_arb(x)


class Ball:
    """An ``arb`` ball whose comparisons raise :class:`UndecidedComparison` when undecided.

    Arithmetic with ints, floats, Fractions, decimal strings' balls and other Balls returns
    Balls; ``==`` is decided only when both balls are exact (or certainly different).
    """

    __slots__ = ("v",)

    def __init__(self, value: Any) -> None:
        self.v = _to_arb(value)

    # arithmetic ---------------------------------------------------------------------------
    def __add__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(self.v + _to_arb(o))

    def __radd__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(_to_arb(o) + self.v)

    def __sub__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(self.v - _to_arb(o))

    def __rsub__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(_to_arb(o) - self.v)

    def __mul__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(self.v * _to_arb(o))

    def __rmul__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(_to_arb(o) * self.v)

    def __truediv__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(self.v / _to_arb(o))

    def __rtruediv__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        return Ball(_to_arb(o) / self.v)

    def __pow__(self, o: Any) -> Ball:
        if isinstance(o, np.ndarray):
            return NotImplemented
        if isinstance(o, int | np.integer):
            return Ball(self.v ** int(o))
        return Ball(self.v ** _to_arb(o))

    def __neg__(self) -> Ball:
        return Ball(-self.v)

    def __pos__(self) -> Ball:
        return self

    def __abs__(self) -> Ball:
        return Ball(abs(self.v))

    # comparisons: decided or raise -------------------------------------------------------
    def _cmp(self, o: Any, op: str) -> bool:
        a, b = self.v, _to_arb(o)
        true = {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        false = {"<": a >= b, "<=": a > b, ">": a <= b, ">=": a < b}[op]
        if true:
            return True
        if false:
            return False
        raise UndecidedComparison(f"undecided comparison {a} {op} {b}")

    def __lt__(self, o: Any) -> bool:
        return self._cmp(o, "<")

    def __le__(self, o: Any) -> bool:
        return self._cmp(o, "<=")

    def __gt__(self, o: Any) -> bool:
        return self._cmp(o, ">")

    def __ge__(self, o: Any) -> bool:
        return self._cmp(o, ">=")

    def __eq__(self, o: Any) -> bool:  # type: ignore[override]
        a, b = self.v, _to_arb(o)
        if a == b:  # flint: True only when both are exact and equal
            return True
        if a != b:  # flint: True only when the balls are disjoint
            return False
        raise UndecidedComparison(f"undecided comparison {a} == {b}")

    def __ne__(self, o: Any) -> bool:  # type: ignore[override]
        return not self.__eq__(o)

    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        return not self.__eq__(0)

    # helpers ------------------------------------------------------------------------------
    def sqrt(self) -> Ball:
        if self.v.is_exact() and self.v.is_zero():
            return Ball(0)
        if not self.v >= 0:
            if self.v < 0:
                raise ValueError(f"square root of the negative ball {self.v}")
            raise UndecidedComparison(f"square root of a ball that may be negative: {self.v}")
        return Ball(self.v.sqrt())

    def lower(self) -> Any:
        return self.v.lower()

    def upper(self) -> Any:
        return self.v.upper()

    def __repr__(self) -> str:
        return f"Ball({self.v.str(radius=True)})"

    __str__ = __repr__


def _ball_safe_div(a: Ball, b: Ball) -> Ball:
    """a / b with 0 / 0 := 0, decided on exact zeros only; a ball b that may be 0 is undecided."""
    if b.v.is_exact() and b.v.is_zero():
        if a.v.is_exact() and a.v.is_zero():
            return Ball(0)
        if a.v.contains(0):
            raise UndecidedComparison(f"{a.v} / 0: the numerator may or may not be 0")
        raise ZeroDivisionError(f"nonzero {a.v} divided by an exact zero")
    if b.v.contains(0):
        raise UndecidedComparison(f"division by a ball containing 0: {b.v}")
    return a / b


def _ball_sign(x: Ball) -> Ball:
    if x.v.is_exact() and x.v.is_zero():
        return Ball(0)
    if x.v > 0:
        return Ball(1)
    if x.v < 0:
        return Ball(-1)
    raise UndecidedComparison(f"undecided sign of {x.v}")


def _ball_max(a: Ball, b: Ball) -> Ball:
    """max(a, b) as a ball: an enclosure of the maximum, not a choice of branch."""
    return Ball(_to_arb(a).max(_to_arb(b)))


_ball_u = np.frompyfunc(Ball, 1, 1)
_ball_sqrt_u = np.frompyfunc(lambda x: Ball(x).sqrt(), 1, 1)
_ball_sign_u = np.frompyfunc(lambda x: _ball_sign(Ball(x)), 1, 1)
_ball_max_u = np.frompyfunc(lambda a, b: _ball_max(Ball(a), Ball(b)), 2, 1)
_ball_safe_div_u = np.frompyfunc(lambda a, b: _ball_safe_div(Ball(a), Ball(b)), 2, 1)


@dataclass(frozen=True)
class ArbBackend(Backend):
    """``ARB``: object arrays of :class:`Ball` (python-flint arb), for certification.

    Values enter exactly (ints, Fractions, mpf and floats as binary fractions) or enclosed
    (decimal strings, which are rounded outward); every result is a ball guaranteed to contain
    the exact value of the recurrence on those inputs. A branch the balls cannot decide raises
    :class:`UndecidedComparison`; a division by a ball that contains 0 (but is not exactly 0)
    raises it too. Precision: flint's ``ctx.prec`` (see :func:`arb_workprec`).
    """

    def array(self, values: Iterable[Any] | Any) -> np.ndarray:
        arr = np.asarray(values, dtype=object)
        if arr.ndim == 0:
            out = np.empty((), dtype=object)
            out[()] = Ball(arr.item())
            return out
        return _ball_u(arr).astype(object)

    def scalar(self, x: Any) -> Any:
        return Ball(x)

    def zeros_like(self, x: np.ndarray) -> np.ndarray:
        out = np.empty(np.shape(x), dtype=object)
        out[...] = Ball(0)
        return out

    def sqrt(self, x: np.ndarray) -> np.ndarray:
        return _ball_sqrt_u(x)

    def sign(self, x: np.ndarray) -> np.ndarray:
        return _ball_sign_u(x)

    def maximum(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _ball_max_u(a, b)

    def where(self, cond: np.ndarray, a: Any, b: Any) -> np.ndarray:
        return np.where(cond, a, b).astype(object)

    def safe_div(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return _ball_safe_div_u(a, b)


ARB = ArbBackend("arb")
"""Ball arithmetic (python-flint arb) for certified enclosures; see :class:`ArbBackend`."""


class arb_workprec:  # noqa: N801 (a context manager named like mpmath.workprec)
    """``with arb_workprec(bits):`` run ARB arithmetic at ``bits`` bits, then restore."""

    def __init__(self, bits: int) -> None:
        self.bits = int(bits)

    def __enter__(self) -> arb_workprec:
        import flint

        self._saved = flint.ctx.prec
        flint.ctx.prec = self.bits
        return self

    def __exit__(self, *exc: Any) -> None:
        import flint

        flint.ctx.prec = self._saved


@dataclass(frozen=True)
class MPVectorScalars(Backend):
    """``MPV``: the ``MP`` number system, with scalars held as shape-(1,) object arrays.

    Same values, bit for bit, as ``MP`` (the same mpmath operations in the same order, rounded
    at the same working precision), but several times faster on one sequence: with ``MP`` an
    expression ``scalar * array`` first asks mpmath to convert the array, which fails only
    after formatting the whole array into an error message; here both operands are arrays and
    numpy multiplies elementwise at once. Results have shape (1,) where ``MP`` gives a
    scalar, so use it for arrays of coordinates (shape (..., 1) or (..., d)), as the searcher
    does. (The name stays ``"mp"``: code that asks ``bk.name == "mp"`` gets mpmath.)
    """

    def scalar(self, x: Any) -> Any:
        out = np.empty((1,), dtype=object)
        out[0] = mpmath.mpf(x)
        return out


MPV = MPVectorScalars("mp")
"""``MP`` values, faster for one sequence: see :class:`MPVectorScalars`."""
