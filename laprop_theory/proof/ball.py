"""Ball arithmetic (python-flint ``arb``): the one place where values become certified balls.

Both the checker (enclosing a sympy expression over a box or at a point) and the numerics of
:mod:`laprop_theory.numerics` (the ``ARB`` backend of the recurrences) convert to ``arb`` here.
A ball ``[m ± r]`` contains the exact value; every operation rounds outward, so a comparison
that a ball decides (``f > 0`` with ``f`` a ball) is decided for the exact value too.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp
from flint import arb, ctx, fmpq, fmpz

#: working precision (bits) for certifying a point
ARB_PREC = 256


class Undefined(Exception):
    """An expression is not defined (or not supported) at a point or on a box."""


def to_arb(x: Any) -> arb:
    """An ``arb`` ball containing ``x`` exactly: ints, Fractions, sympy rationals, decimal
    strings (enclosed, rounding outward), mpf and floats (exact binary fractions), arbs."""
    import numpy as np

    if isinstance(x, arb):
        return x
    if isinstance(x, bool | int | fmpz):
        return arb(int(x))
    if isinstance(x, Fraction):
        return arb(fmpq(x.numerator, x.denominator))
    if isinstance(x, sp.Rational):
        return arb(fmpq(int(x.p), int(x.q)))
    if isinstance(x, np.generic):
        x = x.item()
    if isinstance(x, float | mpmath.mpf):
        x = mpmath.mpf(x)
        if not mpmath.isfinite(x):
            raise ValueError(f"cannot enclose {x} in a ball")
        man, exp = x.man_exp  # exact: a binary fraction; mpmath's mantissa is unsigned
        if not man:
            return arb(0)
        return (-1 if x < 0 else 1) * arb(man) * arb(2) ** exp
    if isinstance(x, str):
        return arb(x.strip())
    raise TypeError(f"cannot convert {type(x).__name__} to a ball")


def const(x: Any) -> arb:
    """The ball of a sympy number (exact for rationals; pi and e enclosed)."""
    x = sp.nsimplify(x) if isinstance(x, float) else x
    if x is sp.pi:
        return arb.pi()
    if x is sp.E:
        return arb(1).exp()
    if isinstance(x, sp.Rational):
        return arb(fmpq(int(x.p), int(x.q)))
    if isinstance(x, sp.Float):
        q = sp.Rational(x)
        return arb(fmpq(int(q.p), int(q.q)))
    raise Undefined(f"constant {x}")


def _exact_env(env: dict[sp.Symbol, arb]) -> dict[sp.Symbol, Any]:
    out = {}
    for s, v in env.items():
        if v.is_exact() and v.is_integer():
            out[s] = sp.Integer(int(v.unique_fmpz()))
    return out


def enclose(expr: Any, env: dict[sp.Symbol, arb]) -> arb:
    """Enclose ``expr`` with ``env`` giving a ball for each free symbol (``ctx.prec`` bits).

    Supported: + × powers (integer, rational, symbolic exponent via exp/log), Abs, sign (only
    where the sign is certain), sqrt, exp, log, Max/Min, finite Sums, pi. Anything else raises
    :class:`Undefined`."""
    e = expr
    if isinstance(e, sp.Symbol):
        return env[e]
    if e.is_Number or e in (sp.pi, sp.E):
        if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise Undefined("infinite constant")
        return const(e)
    if isinstance(e, sp.Add):
        out = arb(0)
        for a in e.args:
            out += enclose(a, env)
        return out
    if isinstance(e, sp.Mul):
        out = arb(1)
        for a in e.args:
            out *= enclose(a, env)
        return out
    if isinstance(e, sp.Pow):
        b, x = e.args
        bb = enclose(b, env)
        if x.is_Integer:
            k = int(x)
            if k < 0:
                if bb.contains(0):
                    raise Undefined("division by a ball containing 0")
                return 1 / (bb ** (-k))
            return bb**k
        if x.is_Rational:
            if not bb > 0 and not (bb.is_exact() and bb == 0 and x > 0):
                if bb.lower() < 0 or x < 0:
                    raise Undefined("root of a ball not certainly positive")
            if bb.is_exact() and bb == 0:
                return arb(0)
            p, q = int(x.p), int(x.q)
            r = bb.sqrt() if q == 2 else bb.root(q)
            return r**p if p >= 0 else 1 / (r ** (-p))
        xx = enclose(x, env)
        if not bb > 0:
            if bb.is_exact() and bb == 0 and xx > 0:
                return arb(0)
            raise Undefined("power with a base not certainly positive")
        return (xx * bb.log()).exp()
    if isinstance(e, sp.Abs):
        return abs(enclose(e.args[0], env))
    if isinstance(e, sp.sign):
        v = enclose(e.args[0], env)
        if v > 0:
            return arb(1)
        if v < 0:
            return arb(-1)
        if v.is_exact() and v == 0:
            return arb(0)
        raise Undefined("sign of a ball containing 0")
    if isinstance(e, sp.exp):
        return enclose(e.args[0], env).exp()
    if isinstance(e, sp.log):
        v = enclose(e.args[0], env)
        if not v > 0:
            raise Undefined("log of a ball not certainly positive")
        return v.log()
    if isinstance(e, (sp.Max, sp.Min)):
        vals = [enclose(a, env) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out.max(v) if isinstance(e, sp.Max) else out.min(v)
        return out
    if isinstance(e, sp.Sum):
        body, (j, lo, hi) = e.args[0], e.args[1]
        lo_v, hi_v = (sp.sympify(lo).subs(_exact_env(env)), sp.sympify(hi).subs(_exact_env(env)))
        if not (lo_v.is_Integer and hi_v.is_Integer) or int(hi_v) - int(lo_v) > 5000:
            raise Undefined("sum with non-integer or huge bounds")
        out = arb(0)
        for k in range(int(lo_v), int(hi_v) + 1):
            out += enclose(body, {**env, j: arb(k)})
        return out
    raise Undefined(f"cannot enclose {type(e).__name__}")


def point_env(point: dict[sp.Symbol, sp.Rational]) -> dict[sp.Symbol, arb]:
    """Exact balls (radius 0) for an exact rational point."""
    return {s: arb(fmpq(int(v.p), int(v.q))) for s, v in point.items()}


def box_env(cont: list[sp.Symbol], box: list[tuple[Fraction, Fraction]]) -> dict[sp.Symbol, arb]:
    """Balls covering a box ``[lo, hi]`` per symbol (midpoint ± half-width, exact)."""
    env = {}
    for s, (lo, hi) in zip(cont, box, strict=True):
        mid, rad = (lo + hi) / 2, (hi - lo) / 2
        env[s] = arb(fmpq(mid.numerator, mid.denominator), fmpq(rad.numerator, rad.denominator))
    return env


def ball_str(v: arb) -> str:
    """``[lower, upper]`` with 25 significant digits (for reading: the endpoints are rounded
    to nearest; verdicts rest on the ball itself, never on this text)."""
    lo, hi = v.lower(), v.upper()
    return f"[{lo.str(25, radius=False)}, {hi.str(25, radius=False)}]"


class precision:
    """``with precision(bits):`` sets flint's working precision and restores it."""

    def __init__(self, bits: int) -> None:
        self.bits = bits

    def __enter__(self) -> None:
        self.old = ctx.prec
        ctx.prec = self.bits

    def __exit__(self, *exc: Any) -> None:
        ctx.prec = self.old
