"""Weaker steps whose proof proves a step that SMT-LIB2 cannot state as it is: symbolic
powers b^(t + c) read as a fresh variable in [0, 1] (:func:`_unit_powers`), integer symbols
read as reals (:func:`_ints_as_reals`)."""

from __future__ import annotations

import dataclasses
from typing import Any

import sympy as sp


def _unit_powers(step: Any) -> tuple[Any, str] | None:
    """The step with each power b^(t + c) -- b a symbol whose range lies in [0, 1], t an
    integer symbol with lower bound t0, c an integer, t0 + c ≥ 0 -- replaced by a fresh
    variable w in [0, 1] with w ≤ b^(t0 + c), t kept; and a note. Every point (b, t) of the
    domain maps to the point (b, t, b^(t + c)) of the new domain, where both sides keep their
    values: a proof of the new step proves the old one. None where some symbolic power is
    not of that form."""
    from ..core import Domain, Range

    dom = step.domain.normalized()
    ints = {s: r for s, r in dom.ranges.items() if r.integer and r.lo != -sp.oo}
    exprs = [sp.sympify(step.lhs), sp.sympify(step.rhs), *dom.constraints]
    repl: dict[Any, Any] = {}
    ranges = dict(dom.ranges)
    cons = list(dom.constraints)
    notes = []
    for pw in sorted(set().union(*[e.atoms(sp.Pow) for e in exprs]), key=sp.default_sort_key):
        b, ex = pw.args
        if ex.is_Rational:
            continue
        t = next((s for s in ints if s in ex.free_symbols), None)
        c = sp.expand(ex - t) if t is not None else None
        rb = dom.ranges.get(b)
        if t is None or not c.is_Integer or rb is None or ex.free_symbols != {t} or not (
                rb.lo.is_number and rb.hi.is_number and rb.lo >= 0 and rb.hi <= 1):
            return None
        k = int(ints[t].lo) + int(c)
        if k < 0:
            return None
        w = sp.Dummy(f"{b}^({ex})", real=True)
        repl[pw] = w
        ranges[w] = Range(0, 1)
        if k > 0:
            cons.append(sp.Le(w, b**k))
        notes.append(f"{b}^({ex}) -> w in [0, {b**k}]")
    if not repl:
        return None
    new = dataclasses.replace(step, lhs=sp.sympify(step.lhs).xreplace(repl),
                              rhs=sp.sympify(step.rhs).xreplace(repl),
                              domain=Domain(ranges, tuple(c.xreplace(repl) for c in cons)))
    return new, "relaxed (for the certificate) " + "; ".join(notes)


#: z3 work units (rlimit) for the check that a step still holds with its integers read as reals
INTS_AS_REALS_RLIMIT_BUDGET = 1.0


def _ints_as_reals(step: Any) -> tuple[Any, str] | None:
    """The step with its integer symbols read as reals in the same (closed, integer) bounds,
    and a note saying so -- where z3 shows that weaker step within a fixed resource limit
    (deterministic); else None. Nonlinear solvers are complete on the reals only (cvc5
    answers ``unknown`` on many mixed integer queries that are trivial over the reals), and
    a proof over the larger domain is a proof over the integers."""
    from ..budget import Work
    from ..core import Domain, Range
    from ..smt import decide_smt

    ints = [s for s, rg in step.domain.ranges.items() if rg.integer]
    if not ints:
        return None
    ranges = {}
    for s, rg in step.domain.ranges.items():
        rg = rg.normalized()
        ranges[s] = Range(rg.lo, rg.hi, lo_open=False, hi_open=False) if rg.integer else rg
    weaker = dataclasses.replace(step, domain=Domain(ranges, step.domain.constraints))
    try:
        v = decide_smt(weaker, Work(INTS_AS_REALS_RLIMIT_BUDGET), allow_refute=False)
    except Exception:  # noqa: BLE001  (z3 cannot express it: keep the integers)
        return None
    if v is None or v.status != "proved":
        return None
    names = ", ".join(sorted(str(s) for s in ints))
    return weaker, (f"integer symbols {names} read as reals in the same bounds (a weaker "
                    "query: unsat over the reals implies unsat over the integers)")
