"""Relaxing symbolic powers b^(t + c) of an integer symbol t: an over-approximation.

For each pair (base b, integer symbol t) with every exponent of b that contains t of the form
t + c (c an integer), and 0 ≤ b ≤ 1 shown on the domain, one fresh variable
``w = b^(t + c_min)`` replaces them all: b^(t + c) = b^(c − c_min) · w. Since t ≥ t0 (the
normalised lower bound) and 0 ≤ b ≤ 1, w ranges over [0, b^(t0 + c_min)] ⊆ [0, 1]. The relaxed
step (constraints relaxed alike) quantifies over *every* such w, a superset of the values
b^(t + c_min) takes, so a proof of the relaxed step proves the original; a counterexample of
it proves nothing (the caller never reports one). Different exponent symbols (b^t and b^T)
get different variables; fresh variables are ``Dummy`` symbols, which never equal a user's symbol.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy as sp

from .budget import Work
from .core import Domain, Range, Step


def _unit_interval(base: Any, domain: Domain, work: Work) -> bool:
    from .signs import decide_sign

    unit = Domain({s: r for s, r in domain.ranges.items() if s in base.free_symbols},
                  tuple(c for c in domain.constraints if c.free_symbols <= base.free_symbols))
    lo_ok = decide_sign(Step("b>=0", base, ">=", 0, unit), work)
    hi_ok = decide_sign(Step("b<=1", base, "<=", 1, unit), work)
    return lo_ok is not None and hi_ok is not None


def relax_powers(step: Step, work: Work | None = None) -> tuple[Step, str] | None:
    """The relaxed step and a description of the relaxation, or None if not applicable."""
    work = work or Work()
    dom = step.domain.normalized()
    ints = [s for s, r in dom.ranges.items() if r.integer and r.lo != -sp.oo]
    if not ints:
        return None
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if lhs.has(sp.Sum, sp.Limit, sp.Integral) or rhs.has(sp.Sum, sp.Limit, sp.Integral):
        return None
    atoms_set = lhs.atoms(sp.Pow) | rhs.atoms(sp.Pow)
    for c in dom.constraints:
        atoms_set |= c.atoms(sp.Pow)
    atoms = sorted(atoms_set, key=sp.default_sort_key)
    groups: dict[tuple[Any, sp.Symbol], dict[Any, int]] = {}
    for pw in atoms:
        base, ex = pw.args
        hits = [t for t in ints if t in ex.free_symbols]
        if not hits:
            continue
        if len(hits) > 1 or base.free_symbols & set(ints):
            return None
        t = hits[0]
        c = sp.expand(ex - t)
        if not c.is_Integer:
            return None
        groups.setdefault((base, t), {})[pw] = int(c)
    if not groups:
        return None
    repl: dict[Any, Any] = {}
    ranges = {s: r for s, r in dom.ranges.items() if s not in ints}
    cons = list(dom.constraints)
    desc = []
    for (base, t), powers in groups.items():
        cmin = min(powers.values())
        t0 = int(dom.ranges[t].lo)
        if t0 + cmin < 0 or not _unit_interval(base, dom, work):
            return None
        w = sp.Dummy(f"{base}^({t}{cmin:+d})" if cmin else f"{base}^{t}", real=True)
        for pw, c in powers.items():
            repl[pw] = base ** (c - cmin) * w
        ranges[w] = Range(0, 1)
        top = base ** (t0 + cmin)
        if top != 1:
            cons.append(sp.Le(w, top))
        desc.append(f"{base}^({t}{cmin:+d}) -> w in [0, {top}]")
    lhs2, rhs2 = lhs.xreplace(repl), rhs.xreplace(repl)
    # constraints are relaxed the same way: every original point maps to a relaxed point that
    # satisfies them, so the relaxed domain still contains (an image of) the original one
    cons = [c.xreplace(repl) for c in cons]
    if any((e.free_symbols & set(ints)) for e in (lhs2, rhs2, *cons)):
        return None
    relaxed = dataclasses.replace(step, lhs=lhs2, rhs=rhs2, domain=Domain(ranges, tuple(cons)))
    return relaxed, "relaxed " + "; ".join(desc)
