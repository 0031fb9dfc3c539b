"""Exact numbers, SMT-safe names and :class:`NotEncodable`: what the encoder, the script writers
and the s-expression writer of :mod:`laprop_theory.proof.smtlib` share."""

from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

import sympy as sp


class NotEncodable(ValueError):
    """An expression that SMT-LIB2 nonlinear real arithmetic cannot express (the message
    says what)."""


def _exact(x: Any) -> Fraction:
    """The exact rational value of a sympy Rational or Float (a Float is a binary fraction)."""
    q = sp.Rational(x) if isinstance(x, sp.Float) else x
    return Fraction(int(q.p), int(q.q))


def rational_literal(x: Fraction | int) -> str:
    """An SMT-LIB2 Real literal: ``3.0``, ``(/ 3.0 4.0)``, ``(- (/ 3.0 4.0))``."""
    x = Fraction(x)
    mag = f"{abs(x.numerator)}.0" if x.denominator == 1 else \
        f"(/ {abs(x.numerator)}.0 {x.denominator}.0)"
    return f"(- {mag})" if x < 0 else mag


def _txt(e: Any) -> str:
    """sympy's text without term ordering (ordering evaluates terms numerically)."""
    return sp.sstr(e, order="none")


def _sanitize(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


class Names:
    """SMT-safe unique names for symbols, keyed by the symbol object.

    A user symbol ``mu`` becomes ``v_mu``; ``gamma*sqrt(nu)^(t+0)`` becomes
    ``v_gamma_sqrt_nu___t_0_``; a second symbol with the same sanitised text gets ``_2``...
    Fresh variables never start with ``v_``, so they cannot capture a symbol."""

    def __init__(self) -> None:
        self.of: dict[sp.Basic, str] = {}
        self.taken: set[str] = set()

    def symbol(self, s: sp.Basic) -> str:
        if s in self.of:
            return self.of[s]
        base = "v_" + _sanitize(str(s))
        name, k = base, 1
        while name.lower() in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name.lower())
        self.of[s] = name
        return name

    def fresh(self, kind: str) -> str:
        k = 0
        while f"{kind}_{k}" in self.taken:
            k += 1
        name = f"{kind}_{k}"
        self.taken.add(name)
        return name

    def table(self) -> dict[str, str]:
        """{SMT name: the symbol's text}, in declaration order."""
        return {n: str(s) for s, n in self.of.items()}
