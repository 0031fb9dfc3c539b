"""The kernel's rules on facts over one domain: :func:`axiom`, :func:`weaken`,
:func:`instantiate`, :func:`chain`, :func:`case_split` and :func:`hypothesis`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..core import Domain, Range, StepResult
from .domains import _canon, _domain_within, _range_within, _rel, _same, _same_domain, _same_range
from .judgements import Blocked, Fact, KernelError, Theorem, _fact, _thm


def axiom(result: StepResult) -> Theorem:
    """A step proved by a decision method (its verdict must be ``proved``)."""
    if result.verdict.status != "proved":
        raise Blocked(f"{result.claim}/{result.step.id}", result.verdict.status)
    st = result.step
    lhs, rel, rhs = _rel(st.lhs, st.rel, st.rhs)
    return _thm(Fact(lhs, rel, rhs, st.domain.normalized()),
                f"axiom ({result.verdict.method})", (), (f"{result.claim}/{st.id}",))


def weaken(th: Theorem, domain: Domain) -> Theorem:
    """The fact over a smaller domain (checked: ``domain`` ⊆ the fact's domain)."""
    f = _fact(th)
    dom = domain.normalized()
    if not _domain_within(dom, f.domain):
        raise KernelError("weaken: the new domain is not inside the fact's domain")
    return _thm(Fact(f.lhs, f.rel, f.rhs, dom), "weaken", (th,))


def instantiate(th: Theorem, values: dict[sp.Symbol, Any]) -> Theorem:
    """Substitute numbers for symbols (each inside the symbol's range; a symbol may not occur
    in a constraint of another symbol's...: constraints are substituted too)."""
    f = _fact(th)
    ranges = dict(f.domain.ranges)
    for s, v in values.items():
        v = sp.sympify(v)
        if s not in ranges or not v.is_Rational or not ranges[s].contains(v):
            raise KernelError(f"instantiate: {v} is not in the range of {s}")
        del ranges[s]
    cons = []
    for c in f.domain.constraints:
        c2 = c.xreplace(values)
        if c2 is sp.true:
            continue
        if c2 is sp.false:
            raise KernelError(f"instantiate: constraint {c} fails at the values")
        cons.append(c2)
    return _thm(Fact(sp.sympify(f.lhs).xreplace(values), f.rel,
                     sp.sympify(f.rhs).xreplace(values), Domain(ranges, tuple(cons))),
                "instantiate", (th,))


def chain(*ths: Theorem) -> Theorem:
    """a₀ R₁ a₁, a₁ R₂ a₂, ... (same domain, shared sides structurally equal) ⇒ a₀ R a_n,
    with R = '<' if any Rᵢ is '<', '<=' if any is '<=', else '='."""
    if len(ths) < 2:
        raise KernelError("chain needs at least two facts")
    fs = [_fact(t) for t in ths]
    dom = fs[0].domain
    for a, b in zip(fs, fs[1:], strict=False):
        if not _same_domain(a.domain, b.domain):
            raise KernelError("chain: the facts have different domains")
        if not _same(a.rhs, b.lhs):
            raise KernelError(f"chain: {a.rhs} and {b.lhs} differ")
    rels = {f.rel for f in fs}
    rel = "<" if "<" in rels else ("<=" if "<=" in rels else "=")
    return _thm(Fact(fs[0].lhs, rel, fs[-1].rhs, dom), "chain", ths)


def case_split(ths: Sequence[Theorem], symbol: sp.Symbol, domain: Domain) -> Theorem:
    """Facts with the same relation over pieces of ``symbol``'s range (all else equal to
    ``domain``) whose union is the range of ``symbol`` in ``domain``."""
    fs = [_fact(t) for t in ths]
    if not fs:
        raise KernelError("case_split needs cases")
    dom = domain.normalized()
    for f in fs:
        if not (_same(f.lhs, fs[0].lhs) and _same(f.rhs, fs[0].rhs) and f.rel == fs[0].rel):
            raise KernelError("case_split: the cases state different relations")
        others = {s: r for s, r in f.domain.ranges.items() if s is not symbol}
        if set(f.domain.ranges) != set(dom.ranges) or not all(
                _same_range(r, dom.ranges[s]) for s, r in others.items()):
            raise KernelError("case_split: the cases differ in another symbol's range")
        if {_canon(c) for c in f.domain.constraints} != {_canon(c) for c in dom.constraints}:
            raise KernelError("case_split: the cases have different constraints")
    whole = dom.ranges[symbol]
    pieces = sorted((f.domain.ranges[symbol] for f in fs), key=lambda r: (
        r.lo if r.lo != -sp.oo else -sp.oo, r.lo_open))
    # the pieces must cover `whole`: walk from its lower end
    cur_lo, cur_open = whole.lo, whole.lo_open
    for r in pieces:
        if not _range_within(r, Range(whole.lo, whole.hi, whole.lo_open, whole.hi_open,
                                      whole.integer)):
            raise KernelError("case_split: a piece lies outside the range")
        if r.integer != whole.integer:
            raise KernelError("case_split: integer and real pieces mixed")
        starts_ok = (r.lo == -sp.oo and cur_lo == -sp.oo) or (r.lo != -sp.oo and cur_lo != -sp.oo
                                                             and (r.lo < cur_lo or (
                                                                 r.lo == cur_lo and (
                                                                     not r.lo_open or cur_open))))
        if whole.integer and not starts_ok and r.lo != -sp.oo and cur_lo != -sp.oo:
            starts_ok = r.lo <= cur_lo
        if not starts_ok:
            raise KernelError("case_split: the pieces leave a gap")
        if r.hi == sp.oo:
            cur_lo, cur_open = sp.oo, True
            break
        if cur_lo == sp.oo or r.hi > cur_lo or (r.hi == cur_lo and not r.hi_open):
            cur_lo, cur_open = (r.hi + 1, False) if whole.integer else (r.hi, not r.hi_open)
    end_ok = (whole.hi == sp.oo and cur_lo == sp.oo) or (whole.hi != sp.oo and (
        cur_lo > whole.hi or (cur_lo == whole.hi and (cur_open or whole.hi_open))))
    if not end_ok:
        raise KernelError("case_split: the pieces do not reach the end of the range")
    return _thm(Fact(fs[0].lhs, fs[0].rel, fs[0].rhs, dom), f"case split on {symbol}", ths)


def hypothesis(domain: Domain, constraint: Any) -> Theorem:
    """A constraint of ``domain`` (≤, <, = or their mirror images) as a fact over it."""
    dom = domain.normalized()
    c = _canon(constraint)
    if c not in {_canon(k) for k in dom.constraints}:
        raise KernelError(f"hypothesis: {constraint} is not a constraint of the domain")
    rel = {sp.LessThan: "<=", sp.StrictLessThan: "<", sp.Equality: "="}.get(type(c))
    if rel is None:
        raise KernelError(f"hypothesis: {constraint} is not a relation")
    return _thm(Fact(c.lhs, rel, c.rhs, dom), "hypothesis", ())
