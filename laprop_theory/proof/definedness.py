"""Definedness: a relation between expressions that are undefined somewhere proves nothing.

Every radicand of an even root must be ≥ 0 (> 0 under a negative exponent), every
denominator ≠ 0 and every log argument > 0 on the whole domain: shown by one z3 query
(:func:`laprop_theory.proof.smt.defined`, on the relaxed step where powers are symbolic) or by
the sign method per condition.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from .budget import Work
from .core import Step


def conditions(e: Any) -> list[tuple[Any, str]]:
    """(expression, 'nonneg' | 'pos' | 'nonzero') conditions under which e is real and finite."""
    out = []
    for pw in sp.sympify(e).atoms(sp.Pow):
        base, x = pw.args
        if x.is_Rational and not x.is_Integer and int(x.q) % 2 == 0:
            out.append((base, "pos" if x < 0 else "nonneg"))
        elif x.is_number and x < 0:
            out.append((base, "nonzero"))
    for lg in sp.sympify(e).atoms(sp.log):
        out.append((lg.args[0], "pos"))
    return out


def defined_on_domain(step: Step, work: Work) -> bool:
    """True if the step's two sides are real and finite on the whole domain."""
    from .relax import relax_powers
    from .signs import decide_sign
    from .smt import defined

    conds = conditions(step.lhs) + conditions(step.rhs)
    if not conds:
        return True
    relaxed = relax_powers(step, work)
    if defined(relaxed[0] if relaxed else step, work):
        return True
    for base, kind in conds:
        if base.free_symbols.isdisjoint(step.domain.symbols) and base.is_number:
            ok = (base >= 0) if kind == "nonneg" else (base > 0 if kind == "pos" else base != 0)
            if ok is sp.true or ok is True:
                continue
            return False
        if kind == "nonzero":
            return False
        rel = ">=" if kind == "nonneg" else ">"
        if decide_sign(Step("def", base, rel, sp.Integer(0), step.domain), work) is None:
            return False
    return True
