"""Exact comparisons the kernel's rules use: the normal form of a relation, structural
equality, and inclusion of ranges and domains (exact rational bounds, nothing inferred)."""

from __future__ import annotations

from typing import Any

import sympy as sp

from ..core import Domain, Range
from .judgements import KernelError

_FLIP = {">=": "<=", ">": "<"}


def _rel(lhs: Any, rel: str, rhs: Any) -> tuple[Any, str, Any]:
    """Normal form: ≥ and > become ≤ and < with the sides swapped."""
    lhs, rhs = sp.sympify(lhs), sp.sympify(rhs)
    if rel in _FLIP:
        return rhs, _FLIP[rel], lhs
    if rel not in ("<=", "<", "="):
        raise KernelError(f"unknown relation {rel!r}")
    return lhs, rel, rhs


def _same(a: Any, b: Any) -> bool:
    return sp.sympify(a) == sp.sympify(b)


def _same_range(a: Range, b: Range) -> bool:
    a, b = a.normalized(), b.normalized()
    return (_same(a.lo, b.lo) and _same(a.hi, b.hi) and a.lo_open == b.lo_open
            and a.hi_open == b.hi_open and a.integer == b.integer)


def _range_within(inner: Range, outer: Range) -> bool:
    """inner ⊆ outer, decided by exact comparison of the (normalised) bounds."""
    i, o = inner.normalized(), outer.normalized()
    if o.integer and not i.integer:
        return False

    def lo_ok() -> bool:
        if o.lo == -sp.oo:
            return True
        if i.lo == -sp.oo:
            return False
        if i.lo > o.lo:
            return True
        return bool(i.lo == o.lo and (i.lo_open or not o.lo_open))

    def hi_ok() -> bool:
        if o.hi == sp.oo:
            return True
        if i.hi == sp.oo:
            return False
        if i.hi < o.hi:
            return True
        return bool(i.hi == o.hi and (i.hi_open or not o.hi_open))

    return lo_ok() and hi_ok()


def _tightened(dom: Domain, s: sp.Symbol) -> Range:
    """The range of ``s`` cut by the constraints of the simple form ``s REL number`` or
    ``number REL s`` (a syntactic reading: nothing else is inferred)."""
    r = dom.ranges[s].normalized()
    lo, hi, lo_open, hi_open = r.lo, r.hi, r.lo_open, r.hi_open
    for c in dom.constraints:
        if not isinstance(c, (sp.LessThan, sp.StrictLessThan, sp.GreaterThan,
                              sp.StrictGreaterThan)):
            continue
        a, b = c.lhs, c.rhs
        strict = isinstance(c, (sp.StrictLessThan, sp.StrictGreaterThan))
        if isinstance(c, (sp.GreaterThan, sp.StrictGreaterThan)):
            a, b = b, a  # now a REL b with REL in <, <=
        if a == s and b.is_Rational:  # s <(=) b
            if hi == sp.oo or b < hi or (b == hi and strict):
                hi, hi_open = b, strict
        elif b == s and a.is_Rational:  # a <(=) s
            if lo == -sp.oo or a > lo or (a == lo and strict):
                lo, lo_open = a, strict
    return Range(lo, hi, lo_open, hi_open, r.integer)


def _canon(c: Any) -> Any:
    """A constraint in normal form: ``b >= a`` is ``a <= b``, ``b > a`` is ``a < b``."""
    c = sp.sympify(c)
    if isinstance(c, sp.GreaterThan):
        return sp.Le(c.rhs, c.lhs, evaluate=False)
    if isinstance(c, sp.StrictGreaterThan):
        return sp.Lt(c.rhs, c.lhs, evaluate=False)
    return c


def _domain_within(inner: Domain, outer: Domain) -> bool:
    """inner ⊆ outer × (the other symbols of inner): every symbol of ``outer`` has a range in
    ``inner`` inside its range in ``outer`` (after :func:`_tightened`), and every constraint of
    ``outer`` is one of ``inner``'s. Symbols only ``inner`` has are free: a fact over ``outer``
    does not mention them, so it holds for each of their values."""
    if not set(outer.ranges) <= set(inner.ranges):
        return False
    if not all(_range_within(_tightened(inner, s), outer.ranges[s]) for s in outer.ranges):
        return False
    have = {_canon(c) for c in inner.constraints}
    return all(_canon(c) in have for c in outer.constraints)


def _same_domain(a: Domain, b: Domain) -> bool:
    return _domain_within(a, b) and _domain_within(b, a)
