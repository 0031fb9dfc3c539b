"""Exact rational-function arithmetic, for identities ``lhs = rhs`` (no CAS involved).

A term of :mod:`.sexpr` built from numbers, names, ``+ - * /`` and integer powers is a
rational function N/D with N, D polynomials over Q (dicts monomial → Fraction, a monomial a
sorted tuple of (name, exponent)). lhs − rhs = N/D with N = 0 as a polynomial means
lhs = rhs at every point where every denominator met while building it is nonzero -- that is,
wherever both sides are defined (which the certificate's definedness query shows on the whole
domain). Denominators are multiplied, never cancelled, so no gcd is needed.

Roots, |·|, sign, max, min, exp, log, pi and symbolic exponents raise :class:`NotRational`;
a computation that grows past :data:`MAX_TERMS` monomials raises it too.
"""

from __future__ import annotations

from fractions import Fraction

from .sexpr import _INT, Node

Monomial = tuple[tuple[str, int], ...]
Poly = dict[Monomial, Fraction]

MAX_TERMS = 20_000


class NotRational(ValueError):
    """Not a rational function (or too large to expand)."""


def _check(p: Poly) -> Poly:
    if len(p) > MAX_TERMS:
        raise NotRational(f"more than {MAX_TERMS} monomials")
    return p


def const(c: Fraction) -> Poly:
    return {(): Fraction(c)} if c != 0 else {}


def var(name: str) -> Poly:
    return {((name, 1),): Fraction(1)}


def _accumulate(out: Poly, m: Monomial, c: Fraction) -> None:
    """out[m] += c, dropping the monomial when its coefficient becomes 0."""
    v = out.get(m, Fraction(0)) + c
    if v:
        out[m] = v
    else:
        out.pop(m, None)


def add(a: Poly, b: Poly, sign: int = 1) -> Poly:
    out = dict(a)
    for m, c in b.items():
        _accumulate(out, m, sign * c)
    return _check(out)


def _mono_mul(a: Monomial, b: Monomial) -> Monomial:
    exps = dict(a)
    for n, e in b:
        exps[n] = exps.get(n, 0) + e
    return tuple(sorted(exps.items()))


def mul(a: Poly, b: Poly) -> Poly:
    out: Poly = {}
    if len(a) * len(b) > 50 * MAX_TERMS:
        raise NotRational("product too large to expand")
    for ma, ca in a.items():
        for mb, cb in b.items():
            _accumulate(out, _mono_mul(ma, mb), ca * cb)
    return _check(out)


def power(a: Poly, k: int) -> Poly:
    out, base = const(Fraction(1)), a
    while k:
        if k & 1:
            out = mul(out, base)
        k >>= 1
        if k:
            base = mul(base, base)
    return out


Rat = tuple[Poly, Poly]


def rational(node: Node) -> Rat:
    """(N, D) with the term = N/D wherever it is defined (see the module docstring)."""
    one = const(Fraction(1))
    if isinstance(node, str):
        if _INT.match(node):
            return const(Fraction(int(node))), one
        if node == "pi":
            raise NotRational("pi")
        return var(node), one
    op, args = node[0], node[1:]
    if op in ("+", "*") and args:
        n, d = rational(args[0])
        for a in args[1:]:
            n2, d2 = rational(a)
            if op == "+":
                n, d = add(mul(n, d2), mul(n2, d)), mul(d, d2)
            else:
                n, d = mul(n, n2), mul(d, d2)
        return n, d
    if op == "-" and len(args) == 1:
        n, d = rational(args[0])
        return add({}, n, -1), d
    if op == "-" and len(args) == 2:
        n1, d1 = rational(args[0])
        n2, d2 = rational(args[1])
        return add(mul(n1, d2), mul(n2, d1), -1), mul(d1, d2)
    if op == "/" and len(args) == 2:
        n1, d1 = rational(args[0])
        n2, d2 = rational(args[1])
        if not n2:
            raise NotRational("division by the zero polynomial")
        return mul(n1, d2), mul(d1, n2)
    if op == "^" and len(args) == 2:
        e = args[1]
        k = _integer(e)
        n, d = rational(args[0])
        if k >= 0:
            return power(n, k), power(d, k)
        if not n:
            raise NotRational("0 to a negative power")
        return power(d, -k), power(n, -k)
    raise NotRational(f"{op} is not a rational operation")


def _integer(node: Node) -> int:
    """The integer value of a constant exponent term (``3``, ``(- 2)``), else NotRational."""
    if isinstance(node, str) and _INT.match(node):
        return int(node)
    if isinstance(node, list) and len(node) == 2 and node[0] == "-":
        return -_integer(node[1])
    raise NotRational("an exponent that is not an integer constant")


def identity(lhs: Node, rhs: Node) -> bool:
    """True if lhs − rhs is the zero rational function (raises :class:`NotRational`)."""
    n1, d1 = rational(lhs)
    n2, d2 = rational(rhs)
    return not add(mul(n1, d2), mul(n2, d1), -1)
