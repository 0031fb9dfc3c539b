"""The s-expressions of the JSON certificates: parse, evaluate exactly or in intervals, and
translate to SMT-LIB2 -- with no code of the checker that wrote them.

Grammar (a small extension of SMT-LIB2 terms)::

    term := INTEGER | NAME | "pi"
          | (+ term+) | (* term+) | (- term) | (- term term) | (/ term term)
          | (^ term term)            power; the exponent is usually a constant
          | (abs term) | (sign term) | (exp term) | (log term)
          | (max term+) | (min term+)

Semantics are those of real analysis, with every partial operation checked:

* ``(/ a b)`` needs b ≠ 0;
* ``(^ b e)`` with e an integer k: b^k (0^0 = 1), and b ≠ 0 when k < 0; with e = p/q not an
  integer (q ≥ 2): the real root, which needs b ≥ 0 (b > 0 when p < 0) -- the principal value
  of a negative base is not real; any other e: exp(e·log b), which needs b > 0;
* ``(log a)`` needs a > 0; ``(sign a)`` is −1, 0 or 1.

:func:`exact` evaluates with :class:`fractions.Fraction` (raising :class:`Inexact` when the
value is irrational); :func:`interval` evaluates with ``mpmath`` interval arithmetic on a
private context, outward rounded, and raises :class:`Undefined` unless the term is certainly
defined on the whole box. :func:`to_smt` writes a term in SMT-LIB2 nonlinear real arithmetic,
with fresh variables for roots and reciprocals (y ≥ 0 ∧ (b ≥ 0 ⇒ y^q = b); b ≠ 0 ⇒ r·b = 1)
whose definedness conditions it collects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from mpmath import libmp
from mpmath.ctx_iv import MPIntervalContext

Node = str | list["Node"]

#: the interval context of the verifier (its own precision, never mpmath.iv's)
IV = MPIntervalContext()
IV.prec = 128

_TOKEN = re.compile(r"\(|\)|[^\s()]+")
_INT = re.compile(r"-?[0-9]+\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.]*\Z")
#: ``integral`` is read here but evaluated only by :mod:`.extended` (elsewhere: an error)
OPERATORS = frozenset({"+", "*", "-", "/", "^", "abs", "sign", "exp", "log", "max", "min",
                       "integral"})


class SexprError(ValueError):
    """Malformed s-expression."""


class Undefined(ValueError):
    """A partial operation is (possibly) applied outside its domain."""


class Inexact(ValueError):
    """The exact value is not rational (a root, exp, log or pi)."""


def parse(text: str) -> Node:
    """Parse one s-expression (a name, an integer or a nested list)."""
    if not isinstance(text, str):
        raise SexprError(f"expected a string, got {type(text).__name__}")
    tokens = _TOKEN.findall(text)
    pos = 0

    def read() -> Node:
        nonlocal pos
        if pos >= len(tokens):
            raise SexprError("unexpected end")
        tok = tokens[pos]
        pos += 1
        if tok == ")":
            raise SexprError("unexpected ')'")
        if tok != "(":
            if not (_INT.match(tok) or _NAME.match(tok)):
                raise SexprError(f"bad token {tok!r}")
            return tok
        if pos >= len(tokens) or tokens[pos] not in OPERATORS:
            raise SexprError(f"unknown operator in {text[:60]!r}")
        out: list[Node] = [tokens[pos]]
        pos += 1
        while True:
            if pos >= len(tokens):
                raise SexprError("missing ')'")
            if tokens[pos] == ")":
                pos += 1
                break
            out.append(read())
        if len(out) < 2:
            raise SexprError(f"{out[0]} without arguments")
        return out

    node = read()
    if pos != len(tokens):
        raise SexprError("trailing tokens")
    return node


def names_in(node: Node) -> set[str]:
    """The variable names a term uses."""
    if isinstance(node, str):
        return set() if (_INT.match(node) or node == "pi") else {node}
    out: set[str] = set()
    for a in node[1:]:
        out |= names_in(a)
    return out


def _arity(node: list, lo: int, hi: int | None = None) -> None:
    n = len(node) - 1
    if n < lo or (hi is not None and n > hi):
        raise SexprError(f"wrong number of arguments to {node[0]}")


# -- exact evaluation ---------------------------------------------------------------------
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


# -- interval evaluation ------------------------------------------------------------------
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


# -- SMT-LIB2 -----------------------------------------------------------------------------
def smt_real(x: Fraction) -> str:
    mag = f"{abs(x.numerator)}.0" if x.denominator == 1 else \
        f"(/ {abs(x.numerator)}.0 {x.denominator}.0)"
    return f"(- {mag})" if x < 0 else mag


@dataclass
class SmtWriter:
    """Translate terms to SMT-LIB2 Real terms. ``const``: names replaced by numbers (fixed
    integers); ``real``: names declared as Real variables (written ``x_<name>``). Fresh
    variables (``f_<k>``), their definitions and the definedness conditions accumulate.
    exp, log and pi become unconstrained variables (``o_<k>``), which is sound for an
    identity (it then holds for every value they could take)."""

    real: set[str]
    const: dict[str, Fraction] = field(default_factory=dict)
    fresh: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    conditions: list[str] = field(default_factory=list)
    _memo: dict[tuple[str, str], str] = field(default_factory=dict)

    def _new(self, key: tuple[str, str], make: Callable[[str], tuple[str, str | None]]) -> str:
        if key not in self._memo:
            name = f"f_{len(self.fresh)}"
            self.fresh.append(name)
            d, c = make(name)
            self.definitions.append(d)
            self._memo[key] = name
            if c is not None:
                self._memo[(key[0] + "?", key[1])] = c
        cond = self._memo.get((key[0] + "?", key[1]))
        if cond is not None and cond not in self.conditions:
            self.conditions.append(cond)
        return self._memo[key]

    def _prod(self, xs: list[str]) -> str:
        return "1.0" if not xs else (xs[0] if len(xs) == 1 else f"(* {' '.join(xs)})")

    def domain(self, ranges: list[dict[str, Any]], cons: list[tuple[Node, str, Node]],
               skip: Any = (), read: Callable[[Any], Node] | None = None) -> list[str]:
        """The domain as SMT-LIB2 assertions: lo (<|<=) x_name (<|<=) hi for each range (names
        in ``skip`` left out), and lhs REL rhs for each constraint (``!=`` as ``not =``).
        ``read`` parses a bound (default :func:`parse`)."""
        read = read or parse
        out = []
        for r in ranges:
            if r["name"] in skip:
                continue
            x = f"x_{r['name']}"
            if r.get("lo") is not None:
                out.append(f"({'<' if r.get('lo_open') else '<='} {self.term(read(r['lo']))} {x})")
            if r.get("hi") is not None:
                out.append(f"({'<' if r.get('hi_open') else '<='} {x} {self.term(read(r['hi']))})")
        for cl, crel, cr in cons:
            a, b = self.term(cl), self.term(cr)
            out.append(f"(not (= {a} {b}))" if crel == "!=" else f"({crel} {a} {b})")
        return out

    def term(self, node: Node) -> str:
        if isinstance(node, str):
            if _INT.match(node):
                return smt_real(Fraction(int(node)))
            if node in self.const:
                return smt_real(self.const[node])
            if node in self.real:
                return f"x_{node}"
            if node == "pi":
                return self._new(("opaque", "pi"), lambda n: ("true", None))
            raise SexprError(f"unknown name {node}")
        op, args = node[0], node[1:]
        if op in ("+", "*"):
            _arity(node, 1)
            return f"({op} {' '.join(self.term(a) for a in args)})"
        if op == "-":
            _arity(node, 1, 2)
            return f"(- {' '.join(self.term(a) for a in args)})"
        if op == "/":
            _arity(node, 2, 2)
            try:
                return smt_real(exact(node, dict(self.const)))
            except (SexprError, Inexact, Undefined):
                pass
            den = self.term(args[1])
            r = self._recip(den)
            return f"(* {self.term(args[0])} {r})"
        if op == "^":
            _arity(node, 2, 2)
            try:
                e = exact(args[1], dict(self.const))
            except (SexprError, Inexact, Undefined) as exc:
                raise SexprError("symbolic exponent: not in SMT-LIB2 arithmetic") from exc
            base = self.term(args[0])
            p, q = e.numerator, e.denominator
            if q != 1:
                def make(n: str, q: int = q, base: str = base) -> tuple[str, str]:
                    yq = self._prod([n] * q)
                    return (f"(and (>= {n} 0.0) (=> (>= {base} 0.0) (= {yq} {base})))",
                            f"(>= {base} 0.0)")
                base = self._new((f"root{q}", base), make)
            if p < 0:
                base = self._recip(base)
                p = -p
            if p > 64:
                raise SexprError("exponent too large")
            return self._prod([base] * p)
        if op == "abs":
            _arity(node, 1, 1)
            a = self.term(args[0])
            return f"(ite (>= {a} 0.0) {a} (- {a}))"
        if op == "sign":
            _arity(node, 1, 1)
            a = self.term(args[0])
            return f"(ite (> {a} 0.0) 1.0 (ite (< {a} 0.0) (- 1.0) 0.0))"
        if op in ("max", "min"):
            _arity(node, 1)
            cmp = ">=" if op == "max" else "<="
            xs = [self.term(a) for a in args]
            out = xs[0]
            for x in xs[1:]:
                out = f"(ite ({cmp} {out} {x}) {out} {x})"
            return out
        if op in ("exp", "log"):
            _arity(node, 1, 1)
            a = self.term(args[0])
            if op == "log" and f"(> {a} 0.0)" not in self.conditions:
                self.conditions.append(f"(> {a} 0.0)")
            return self._new(("opaque", f"({op} {a})"), lambda n: ("true", None))
        raise SexprError(f"unknown operator {op}")

    def _recip(self, den: str) -> str:
        return self._new(("recip", den), lambda n: (
            f"(=> (not (= {den} 0.0)) (= (* {n} {den}) 1.0))", f"(not (= {den} 0.0))"))
