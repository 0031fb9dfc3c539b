"""Exact evaluation of a term with :class:`fractions.Fraction` (:func:`exact`; an irrational
value raises :class:`~laprop_theory.verify.sexpr.syntax.Inexact`)."""

from __future__ import annotations

from fractions import Fraction

from .syntax import _INT, Inexact, Node, SexprError, Undefined, _arity


def _iroot(n: int, q: int) -> int | None:
    """The integer q-th root of n ≥ 0 if n is a perfect q-th power."""
    if n < 2:
        return n
    lo, hi = 0, 1 << (n.bit_length() // q + 1)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if mid**q <= n:
            lo = mid
        else:
            hi = mid - 1
    return lo if lo**q == n else None


def _exact_pow(b: Fraction, e: Fraction) -> Fraction:
    if e.denominator == 1:
        k = e.numerator
        if k < 0:
            if b == 0:
                raise Undefined("0 to a negative power")
            return 1 / b ** (-k)
        return b**k
    if b < 0 or (b == 0 and e < 0):
        raise Undefined("a real root of a negative number (or 1/0)")
    q, p = e.denominator, e.numerator
    rn, rd = _iroot(b.numerator, q), _iroot(b.denominator, q)
    if rn is None or rd is None:
        raise Inexact("irrational root")
    r = Fraction(rn, rd)
    if p < 0:
        if r == 0:
            raise Undefined("0 to a negative power")
        return 1 / r ** (-p)
    return r**p


def exact(node: Node, env: dict[str, Fraction]) -> Fraction:
    """The exact rational value of ``node`` at the point ``env`` (see the module docstring)."""
    if isinstance(node, str):
        if _INT.match(node):
            return Fraction(int(node))
        if node == "pi":
            raise Inexact("pi")
        if node not in env:
            raise SexprError(f"unknown name {node}")
        return env[node]
    op, args = node[0], node[1:]
    if op == "+":
        _arity(node, 1)
        return sum((exact(a, env) for a in args), Fraction(0))
    if op == "*":
        _arity(node, 1)
        out = Fraction(1)
        for a in args:
            out *= exact(a, env)
        return out
    if op == "-":
        _arity(node, 1, 2)
        return -exact(args[0], env) if len(args) == 1 else exact(args[0], env) - exact(
            args[1], env)
    if op == "/":
        _arity(node, 2, 2)
        d = exact(args[1], env)
        if d == 0:
            raise Undefined("division by 0")
        return exact(args[0], env) / d
    if op == "^":
        _arity(node, 2, 2)
        return _exact_pow(exact(args[0], env), exact(args[1], env))
    if op == "abs":
        _arity(node, 1, 1)
        return abs(exact(args[0], env))
    if op == "sign":
        _arity(node, 1, 1)
        v = exact(args[0], env)
        return Fraction((v > 0) - (v < 0))
    if op in ("max", "min"):
        _arity(node, 1)
        vals = [exact(a, env) for a in args]
        return max(vals) if op == "max" else min(vals)
    if op == "exp":
        _arity(node, 1, 1)
        if exact(args[0], env) == 0:
            return Fraction(1)
        raise Inexact("exp")
    if op == "log":
        _arity(node, 1, 1)
        v = exact(args[0], env)
        if v <= 0:
            raise Undefined("log of a number <= 0")
        if v == 1:
            return Fraction(0)
        raise Inexact("log")
    raise SexprError(f"unknown operator {op}")
