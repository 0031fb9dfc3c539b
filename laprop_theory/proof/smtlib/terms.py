"""An expression as an s-expression for the JSON certificates (:func:`sexpr`), which
:mod:`laprop_theory.verify` evaluates in interval arithmetic."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from .names import Names, NotEncodable, _exact, _txt


# -- s-expressions for the JSON certificates ----------------------------------------------
def _sx_rational(x: Fraction) -> str:
    mag = str(abs(x.numerator)) if x.denominator == 1 else \
        f"(/ {abs(x.numerator)} {x.denominator})"
    return f"(- {mag})" if x < 0 else mag


def sexpr(e: Any, names: Names, extended: bool = False) -> str:
    """``e`` as an s-expression over the names of ``names`` (see the module docstring).

    Numbers are exact: integers ``12``, rationals ``(/ 3 4)``, a sympy Float its exact binary
    value. Raises :class:`NotEncodable` for sums, limits, integrals, infinities and functions
    outside the list -- except, when ``extended``, +∞ (``oo``), −∞ (``(- oo)``) and a definite
    integral ∫_a^b f dx (``(integral F X A B)``, the bound variable named like a symbol),
    for the ``extended`` certificates."""
    e = sp.sympify(e)

    def rec(a: Any) -> str:
        return sexpr(a, names, extended)

    if isinstance(e, sp.Symbol):
        return names.symbol(e)
    if e.is_Rational or isinstance(e, sp.Float):
        return _sx_rational(_exact(e))
    if e is sp.pi:
        return "pi"
    if e is sp.E:
        return "(exp 1)"
    if extended and e in (sp.oo, -sp.oo):
        return "oo" if e is sp.oo else "(- oo)"
    if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        raise NotEncodable(f"infinity {_txt(e)}")
    if extended and isinstance(e, sp.Integral):
        if len(e.limits) != 1 or len(e.limits[0]) != 3:
            raise NotEncodable("an integral that is not one definite integral")
        x, a, b = e.limits[0]
        return f"(integral {rec(e.function)} {names.symbol(x)} {rec(a)} {rec(b)})"
    if isinstance(e, sp.Add):
        return f"(+ {' '.join(rec(a) for a in e.args)})"
    if isinstance(e, sp.Mul):
        return f"(* {' '.join(rec(a) for a in e.args)})"
    if isinstance(e, sp.Pow):
        return f"(^ {rec(e.args[0])} {rec(e.args[1])})"
    unary = {sp.Abs: "abs", sp.sign: "sign", sp.exp: "exp", sp.log: "log"}
    for cls, op in unary.items():
        if isinstance(e, cls) and len(e.args) == 1:
            return f"({op} {rec(e.args[0])})"
    if isinstance(e, (sp.Max, sp.Min)):
        op = "max" if isinstance(e, sp.Max) else "min"
        return f"({op} {' '.join(rec(a) for a in e.args)})"
    raise NotEncodable(f"{type(e).__name__} ({_txt(e)[:200]})")
