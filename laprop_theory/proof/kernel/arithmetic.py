"""The kernel's arithmetic rules: :func:`product`, :func:`combine` (an exact identity of
rational functions), :func:`substitute` (∀-elimination) and :func:`monotone` (the mean value
theorem)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..core import Domain
from .domains import _canon, _domain_within, _range_within, _rel, _same, _same_domain, _tightened
from .judgements import Fact, KernelError, Theorem, _fact, _thm


def _gap(f: Fact) -> Any:
    return sp.sympify(f.rhs) - sp.sympify(f.lhs)


def product(*ths: Theorem) -> Theorem:
    """From aᵢ ≤ bᵢ over one domain, 0 ≤ Π (bᵢ − aᵢ)."""
    fs = [_fact(t) for t in ths]
    if not fs:
        raise KernelError("product needs facts")
    for f in fs:
        if f.rel not in ("<=", "<"):
            raise KernelError("product: every fact must be an inequality")
        if not _same_domain(f.domain, fs[0].domain):
            raise KernelError("product: the facts have different domains")
    return _thm(Fact(sp.Integer(0), "<=", sp.Mul(*(_gap(f) for f in fs)), fs[0].domain),
                "product", ths)


def _split_powers(e: Any, dom: Domain) -> Any:
    """b^(r + k) → b^r · b^k for an integer k ≠ 0 and a base b > 0 on ``dom`` (a positive
    number, or a symbol whose range lies in (0, ∞)): then both sides are defined and equal."""
    def positive(b: Any) -> bool:
        if b.is_Number:
            return bool(b > 0)
        if isinstance(b, sp.Symbol) and b in dom.ranges:
            r = _tightened(dom, b)
            return r.lo != -sp.oo and (r.lo > 0 or (r.lo == 0 and r.lo_open))
        return False

    def split(p: Any) -> Any:
        k, rest = p.exp.as_coeff_Add()
        if k != 0 and k.is_Integer and rest.free_symbols and positive(p.base):
            return sp.Pow(p.base, rest) * sp.Pow(p.base, k)
        return p

    return e.replace(lambda q: q.is_Pow and q.exp.is_Add, split)


def _identically_zero(e: Any, dom: Domain | None = None) -> bool:
    """e is 0 as a rational function of its atoms (exact: expand, then cancel), after
    :func:`_split_powers` on ``dom``."""
    e = sp.sympify(e)
    if dom is not None:
        e = _split_powers(e, dom)
    e = sp.expand(e)
    if e == 0:
        return True
    return sp.cancel(sp.together(e)) == 0


def combine(lhs: Any, rel: str, rhs: Any, domain: Domain, ths: Sequence[Theorem],
            weights: Sequence[Any] | None = None, defs: Sequence[Any] = ()) -> Theorem:
    """lhs ≤ rhs (or <) over ``domain`` from facts aᵢ ≤ bᵢ, aᵢ < bᵢ or aᵢ = bᵢ, each over a
    domain that contains ``domain``, and rational weights wᵢ (≥ 0 for an inequality) with
    (rhs − lhs) − Σ wᵢ (bᵢ − aᵢ) ≡ 0. ``<`` needs a strict fact with a positive weight.
    ``defs``: constraints ``Eq(v, E)`` of ``domain`` (v a symbol) applied as v → E to the
    residual before the identity test (on the domain v equals E)."""
    lhs, rel, rhs = _rel(lhs, rel, rhs)
    if rel == "=":
        raise KernelError("combine proves inequalities")
    dom = domain.normalized()
    fs = [_fact(t) for t in ths]
    ws = [sp.Integer(1)] * len(fs) if weights is None else [sp.sympify(w) for w in weights]
    if len(ws) != len(fs):
        raise KernelError("combine: one weight per fact")
    strict = False
    for f, w in zip(fs, ws, strict=True):
        if not w.is_Rational:
            raise KernelError(f"combine: the weight {w} is not a rational number")
        if f.rel != "=" and w < 0:
            raise KernelError("combine: a negative weight on an inequality")
        if not _domain_within(dom, f.domain):
            raise KernelError(f"combine: the domain of {f} does not contain the goal's")
        strict = strict or (f.rel == "<" and w > 0)
    if rel == "<" and not strict:
        raise KernelError("combine: a strict goal needs a strict fact with a positive weight")
    residual = rhs - lhs - sp.Add(*(w * _gap(f) for f, w in zip(fs, ws, strict=True)))
    have = {_canon(k) for k in dom.constraints}
    sub = {}
    for d in defs:
        d = sp.sympify(d)
        if not (isinstance(d, sp.Equality) and isinstance(d.lhs, sp.Symbol)) or d not in have:
            raise KernelError(f"combine: {d} is not a definition v = E among the constraints")
        sub[d.lhs] = d.rhs
    if sub:
        residual = residual.xreplace(sub)
    if not _identically_zero(residual, dom):
        raise KernelError("combine: rhs - lhs is not the weighted sum of the facts' gaps")
    return _thm(Fact(lhs, rel, rhs, dom), "combine", ths)


def _states(f: Fact, lo: Any, rel: str, hi: Any) -> bool:
    a, r, b = _rel(lo, rel, hi)
    return _same(f.lhs, a) and f.rel == r and _same(f.rhs, b)


def substitute(th: Theorem, values: dict[sp.Symbol, Any], domain: Domain,
               side: Sequence[Theorem] = ()) -> Theorem:
    """The fact with ``values`` put for its symbols, over ``domain``: every other symbol of
    the fact's domain has a range in ``domain`` inside its own; every value lies in its
    symbol's range (each finite bound shown by a fact of ``side`` over a domain containing
    ``domain``, or a constraint of ``domain``; an integer symbol takes integer values only);
    every constraint of the fact's domain, substituted, is a constraint of ``domain`` or a
    fact of ``side``."""
    f = _fact(th)
    dom = domain.normalized()
    facts = [_fact(s) for s in side]
    for sf in facts:
        if not _domain_within(dom, sf.domain):
            raise KernelError(f"substitute: the side fact {sf} is not over the domain")
    have = [(_canon(c)) for c in dom.constraints]

    def shown(lo: Any, rel: str, hi: Any) -> bool:
        c = _canon({"<=": sp.Le, "<": sp.Lt, "=": sp.Eq}[rel](lo, hi, evaluate=False))
        if c in have:
            return True
        return any(_states(sf, lo, rel, hi) or (rel == "<=" and _states(sf, lo, "<", hi))
                   for sf in facts)

    vals = {k: sp.sympify(v) for k, v in values.items()}
    rest = Domain({s: r for s, r in f.domain.ranges.items() if s not in vals}, ())
    for s, r in rest.ranges.items():
        if s not in dom.ranges or not _range_within(_tightened(dom, s), r):
            raise KernelError(f"substitute: the range of {s} is not inside the fact's")
    for s, v in vals.items():
        if s not in f.domain.ranges:
            raise KernelError(f"substitute: {s} is not a symbol of the fact")
        r = f.domain.ranges[s].normalized()
        if isinstance(v, sp.Symbol) and v in dom.ranges and _range_within(
                _tightened(dom, v), r):
            continue  # a symbol whose own range lies inside s's range
        if r.integer and v.is_integer is not True:
            raise KernelError(f"substitute: {s} is an integer symbol, {v} is not integer")
        if r.lo != -sp.oo and not shown(r.lo, "<" if r.lo_open else "<=", v):
            raise KernelError(f"substitute: {r.lo} {'<' if r.lo_open else '<='} {v} is "
                              "not shown")
        if r.hi != sp.oo and not shown(v, "<" if r.hi_open else "<=", r.hi):
            raise KernelError(f"substitute: {v} {'<' if r.hi_open else '<='} {r.hi} is "
                              "not shown")
    for c in f.domain.constraints:
        c2 = _canon(sp.sympify(c).xreplace(vals))
        if c2 is sp.true:
            continue
        ok = c2 in have or (isinstance(c2, (sp.LessThan, sp.StrictLessThan, sp.Equality))
                            and shown(c2.lhs, {sp.LessThan: "<=", sp.StrictLessThan: "<",
                                               sp.Equality: "="}[type(c2)], c2.rhs))
        if not ok:
            raise KernelError(f"substitute: the constraint {c2} is not shown")
    return _thm(Fact(sp.sympify(f.lhs).xreplace(vals), f.rel,
                     sp.sympify(f.rhs).xreplace(vals), dom), "substitute", (th, *side))


_ELEMENTARY = (sp.Add, sp.Mul, sp.Pow, sp.log, sp.exp, sp.Symbol, sp.Number,
               sp.NumberSymbol)


def monotone(h: Any, x: sp.Symbol, derivative: Theorem, base: Theorem) -> Theorem:
    """0 ≤ h over the derivative fact's domain D, where x ∈ [a, b] (a finite and closed) in D,
    from ``derivative``: 0 ≤ E over D with E − dh/dx ≡ 0, and ``base``: 0 ≤ h(a) over a
    domain containing D without x. h must be elementary (:data:`_ELEMENTARY` nodes only): then
    h' defined on [a, b] (a proved fact is defined on its domain) makes h differentiable, and
    h(x) = h(a) + h'(ξ)(x − a) ≥ 0."""
    h = sp.sympify(h)
    for node in sp.preorder_traversal(h):
        if not isinstance(node, _ELEMENTARY):
            raise KernelError(f"monotone: {type(node).__name__} is not an elementary function")
    d, b0 = _fact(derivative), _fact(base)
    if x not in d.domain.ranges:
        raise KernelError(f"monotone: {x} has no range in the derivative's domain")
    r = d.domain.ranges[x].normalized()
    if r.lo == -sp.oo or r.lo_open or r.integer:
        raise KernelError("monotone: the range must be a real interval with a closed finite "
                          "lower end")
    if any(x in c.free_symbols for c in d.domain.constraints):
        raise KernelError(f"monotone: a constraint mentions {x}")
    if not (_same(d.lhs, 0) and d.rel in ("<=", "<")
            and _identically_zero(d.rhs - sp.diff(h, x), d.domain)):
        raise KernelError("monotone: the derivative fact is not 0 <= dh/dx")
    rest = Domain({s: q for s, q in d.domain.ranges.items() if s != x}, d.domain.constraints)
    if not (_same(b0.lhs, 0) and b0.rel in ("<=", "<", "=")
            and _identically_zero(b0.rhs - h.xreplace({x: r.lo}))
            and _domain_within(rest.normalized(), b0.domain)):
        raise KernelError("monotone: the base fact is not 0 <= h(a) over the other symbols")
    return _thm(Fact(sp.Integer(0), "<=", h, d.domain), f"monotone in {x}",
                (derivative, base))
