"""The ``extended`` certificate of a step with +∞, −∞ or integrals: the sides as
s-expressions and, per integral, the pieces of a certified lower bound (a pole or Riemann
boxes)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import sympy as sp

from ..core import StepResult
from ..smtlib import Names, NotEncodable, sexpr
from .formatting import _domain_json, _dump


def _is_extended(step: Any) -> bool:
    """Does the step use +∞, −∞ or an integral (an ``extended`` certificate)?"""
    return any(sp.sympify(e).has(sp.oo, -sp.oo, sp.Integral) for e in (step.lhs, step.rhs))


#: a pole piece's cover is refined until g's enclosure is > 0 on boxes this narrow at least
_MIN_WIDTH = Fraction(1, 2**20)
#: a Riemann piece: this many boxes on a finite part of the range
_RIEMANN_BOXES = 16


def _positive_cover(g: Any, var: str, lo: Fraction, hi: Fraction) -> list[list[str]] | None:
    """Consecutive boxes from lo to hi on each of which the verifier's interval enclosure of
    the s-expression ``g`` is > 0 (bisection), or None."""
    from ...verify import sexpr as vsx  # the verifier's own evaluator: its verdict is the one

    out: list[list[str]] = []
    stack = [(lo, hi)]
    while stack:
        a, b = stack.pop()
        try:
            ok = vsx.lo(vsx.interval(g, {var: vsx.IV.mpf([vsx.ival(a).a, vsx.ival(b).b])})) > 0
        except (vsx.Undefined, vsx.SexprError):
            ok = False
        if ok:
            out.append([str(a), str(b)])
        elif b - a < _MIN_WIDTH or len(out) + len(stack) > 1000:
            return None
        else:
            m = (a + b) / 2
            stack += [(m, b), (a, m)]
    return out


def _integral_pieces(integral: sp.Integral, names: Names) -> list[dict[str, Any]]:
    """Pieces of the integration range with a certified lower bound (see
    :mod:`laprop_theory.verify.extended`): a ``pole`` where the integrand is g·(x − s)^(−p)
    with p ≥ 1, g > 0 near a point s of the range (the integral diverges), else a
    ``riemann`` piece of :data:`_RIEMANN_BOXES` boxes on a finite part of the range."""
    from ...verify import sexpr as vsx

    if len(integral.limits) != 1 or len(integral.limits[0]) != 3:
        raise NotEncodable("an integral that is not one definite integral")
    x, a, b = integral.limits[0]
    f = integral.function
    var = names.symbol(x)
    for fac in sp.Mul.make_args(f):
        if not (isinstance(fac, sp.Pow) and fac.exp.is_Integer and fac.exp < 0
                and fac.base.has(x)):
            continue
        poly = sp.Poly(fac.base, x)
        if poly.degree() != 1 or not all(c.is_Rational for c in poly.all_coeffs()):
            continue
        c1, c0 = poly.all_coeffs()
        s = -c0 / c1
        if not (a < s < b):
            continue
        # base^k = c1^k (x − s)^k, so f = g (x − s)^(−p) with p = −k
        g = sp.Mul(*[o for o in sp.Mul.make_args(f) if o is not fac]) * c1**fac.exp
        width = min(sp.Integer(1), (b - s) if b != sp.oo else sp.Integer(1))
        gx = sexpr(g, names)
        cover = _positive_cover(vsx.parse(gx), var, Fraction(str(s)), Fraction(str(s + width)))
        if cover is None:
            continue
        return [{"kind": "pole", "at": str(s), "width": str(width), "side": "right",
                 "order": int(-fac.exp), "g": gx, "cover": cover}]
    lo = a if a != -sp.oo else ((b - 4) if b != sp.oo else sp.Integer(-2))
    hi = b if b != sp.oo else lo + 4
    lo_f, hi_f = Fraction(str(sp.Rational(lo))), Fraction(str(sp.Rational(hi)))
    step = (hi_f - lo_f) / _RIEMANN_BOXES
    boxes = [[str(lo_f + i * step), str(lo_f + (i + 1) * step)] for i in range(_RIEMANN_BOXES)]
    return [{"kind": "riemann", "boxes": boxes}]


def _extended_files(r: StepResult, step: Any) -> list[tuple[str, str, str]]:
    """The ``extended`` JSON: lhs and rhs with ``oo`` and integrals, the domain, and per
    integral the pieces of its lower bound."""
    names = Names()
    for s in step.domain.ranges:
        names.symbol(s)
    lhs, rhs = sexpr(step.lhs, names, True), sexpr(step.rhs, names, True)
    integrals = []
    atoms = sp.sympify(step.lhs).atoms(sp.Integral) | sp.sympify(step.rhs).atoms(sp.Integral)
    for integral in sorted(atoms, key=sp.default_sort_key):
        integrals.append({"term": sexpr(integral, names, True),
                          "pieces": _integral_pieces(integral, names)})
    cert = {"format": "laprop-certificate/extended-1", "claim": r.claim, "step": r.step.id,
            "rel": step.rel, "lhs": lhs, "rhs": rhs,
            "domain": _domain_json(step.domain, names), "names": names.table(),
            "integrals": integrals}
    return [(".json", "extended", _dump(cert))]
