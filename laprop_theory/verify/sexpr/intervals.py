"""Interval evaluation of a term on a box, on the verifier's own outward-rounded mpmath
context :data:`IV` (:func:`interval`), and the value at a point (:func:`value`)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from mpmath import libmp
from mpmath.ctx_iv import MPIntervalContext

from .exact_values import exact
from .syntax import _INT, Inexact, Node, SexprError, Undefined, _arity

#: the interval context of the verifier (its own precision, never mpmath.iv's)
IV = MPIntervalContext()
IV.prec = 128


def ival(x: Fraction | int) -> Any:
    """The tightest interval of IV containing the rational x."""
    x = Fraction(x)
    return IV.mpf(x.numerator) / IV.mpf(x.denominator)


def hull(a: Any, b: Any) -> Any:
    """The interval [lower end of a, upper end of b]."""
    return IV.mpf([a.a, b.b])


def lo(x: Any) -> Any:
    """The lower end of an interval, as an exact point interval (never rounded: comparing
    point intervals is exact; converting to a plain mpf would round to mpmath's precision)."""
    return x.a


def hi(x: Any) -> Any:
    """The upper end of an interval, as an exact point interval."""
    return x.b


def to_fraction(x: Any) -> Fraction | None:
    """The exact value of a finite point interval (a binary fraction); None for ±inf/nan."""
    raw = x._mpi_[0]
    if raw in (libmp.finf, libmp.fninf, libmp.fnan):
        return None
    sign, man, exp, _ = raw
    v = Fraction(int(man)) * Fraction(2) ** int(exp)
    return -v if sign else v


def _ipow_int(b: Any, k: int) -> Any:
    """b^k for an integer k ≥ 0, from the end points (exact for monotone pieces)."""
    if k == 0:
        return IV.mpf(1)
    a, c = IV.mpf(b.a) ** k, IV.mpf(b.b) ** k  # enclosures of the end points' powers
    if k % 2 == 1 or lo(b) >= 0:
        return hull(a, c)
    if hi(b) <= 0:
        return hull(c, a)
    top = c if hi(c) >= hi(a) else a
    return IV.mpf([0, top.b])


def _ipow_real(b: Any, e: Fraction | Any) -> Any:
    """b^e for b ⊆ [0, ∞) (b > 0 when e < 0), e a number or an interval."""
    ee = ival(e) if isinstance(e, Fraction) else e

    def at(x: Any) -> Any:  # x a point interval
        if hi(x) == 0:
            if lo(ee) > 0:
                return IV.mpf(0)
            raise Undefined("0 to a power that is not certainly positive")
        return IV.exp(ee * IV.log(x))

    if isinstance(e, Fraction):
        ends = [at(IV.mpf(b.a)), at(IV.mpf(b.b))]  # monotone in b
        return IV.mpf([min(lo(v) for v in ends), max(hi(v) for v in ends)])
    if lo(b) <= 0:
        raise Undefined("power with a base not certainly positive")
    return IV.exp(ee * IV.log(b))


def interval(node: Node, env: dict[str, Any], exact_env: dict[str, Fraction] | None = None
             ) -> Any:
    """An interval of IV that certainly contains the value of ``node`` for every point of
    the box ``env`` (name → interval); ``exact_env`` (name → Fraction) lets constant
    exponents that depend on fixed integers be evaluated exactly."""
    exact_env = exact_env or {}
    if isinstance(node, str):
        if _INT.match(node):
            return IV.mpf(int(node))
        if node == "pi":
            return IV.pi
        if node not in env:
            raise SexprError(f"unknown name {node}")
        return env[node]
    op, args = node[0], node[1:]
    if op == "+":
        _arity(node, 1)
        out = IV.mpf(0)
        for a in args:
            out = out + interval(a, env, exact_env)
        return out
    if op == "*":
        _arity(node, 1)
        vals = [interval(a, env, exact_env) for a in args]
        out = IV.mpf(1)
        for v in vals:
            out = out * v
        return out
    if op == "-":
        _arity(node, 1, 2)
        if len(args) == 1:
            return -interval(args[0], env, exact_env)
        return interval(args[0], env, exact_env) - interval(args[1], env, exact_env)
    if op == "/":
        _arity(node, 2, 2)
        if all(isinstance(a, str) and _INT.match(a) for a in args):
            if int(args[1]) == 0:
                raise Undefined("division by 0")
            return ival(Fraction(int(args[0]), int(args[1])))
        d = interval(args[1], env, exact_env)
        if lo(d) <= 0 <= hi(d):
            raise Undefined("division by an interval that may contain 0")
        return interval(args[0], env, exact_env) / d
    if op == "^":
        _arity(node, 2, 2)
        b = interval(args[0], env, exact_env)
        try:
            e: Fraction | None = exact(args[1], exact_env)
        except (SexprError, Inexact):
            e = None
        if e is not None and e.denominator == 1:
            k = e.numerator
            if k >= 0:
                return _ipow_int(b, k)
            if lo(b) <= 0 <= hi(b):
                raise Undefined("0 may be raised to a negative power")
            return IV.mpf(1) / _ipow_int(b, -k)
        if e is not None:
            if lo(b) < 0 or (e < 0 and lo(b) <= 0):
                raise Undefined("a real root of a number that may be negative (or 0)")
            return _ipow_real(b, e)
        return _ipow_real(b, interval(args[1], env, exact_env))
    if op == "abs":
        _arity(node, 1, 1)
        v = interval(args[0], env, exact_env)
        if lo(v) >= 0:
            return v
        if hi(v) <= 0:
            return -v
        return IV.mpf([0, max(-lo(v), hi(v))])
    if op == "sign":
        _arity(node, 1, 1)
        v = interval(args[0], env, exact_env)
        low = -1 if lo(v) < 0 else (0 if lo(v) == 0 else 1)
        high = 1 if hi(v) > 0 else (0 if hi(v) == 0 else -1)
        return IV.mpf([low, high])
    if op in ("max", "min"):
        _arity(node, 1)
        vals = [interval(a, env, exact_env) for a in args]
        pick = max if op == "max" else min
        return IV.mpf([pick(lo(v) for v in vals), pick(hi(v) for v in vals)])
    if op == "exp":
        _arity(node, 1, 1)
        return IV.exp(interval(args[0], env, exact_env))
    if op == "log":
        _arity(node, 1, 1)
        v = interval(args[0], env, exact_env)
        if lo(v) <= 0:
            raise Undefined("log of an interval that may contain numbers <= 0")
        return IV.log(v)
    raise SexprError(f"unknown operator {op}")


def value(node: Node, point: dict[str, Fraction]) -> tuple[Fraction | None, Any]:
    """(exact value or None, enclosing interval) of ``node`` at a rational point."""
    try:
        v = exact(node, point)
        return v, ival(v)
    except Inexact:
        return None, interval(node, {k: ival(x) for k, x in point.items()}, point)
