"""The smt method: z3's nonlinear real arithmetic on the negated relation.

Square roots and reciprocals become fresh variables with their defining constraints
(s ≥ 0, s² = b; r·b = 1); |u| and sign(u) become if-then-else terms. Definedness comes first:
every radicand ≥ 0 and every denominator ≠ 0 on the whole domain (a relation between undefined
expressions proves nothing). ``unsat`` of the negation proves the step; ``sat`` gives a model
that is certified by ball arithmetic before it refutes. Each query runs under a z3 resource
limit (``rlimit``, :class:`~laprop_theory.proof.budget.Work`), a count of z3's own work, so the
answer does not depend on the machine's speed or load.

Each sympy symbol object gets its own z3 variable (keyed by identity, never by name).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy as sp

from .ball import Undefined
from .budget import Work
from .core import Step, Verdict
from .counterexample import certify


def _solver(rlimit: int, ctx: Any) -> Any:
    import z3

    s = z3.SolverFor("QF_NRA", ctx=ctx)
    s.set("rlimit", int(rlimit))
    return s


def _used(s: Any) -> int:
    try:
        return int(s.statistics().get_key_value("rlimit count"))
    except Exception:  # noqa: BLE001  (a statistic z3 did not record)
        return 0


def _fresh(step: Step) -> tuple[Any, tuple] | None:
    """A fresh z3 context (no state carried between queries) and the step's terms in it, or
    None where z3 cannot express the step."""
    import z3

    ctx = z3.Context()
    try:
        prepared = prepare(step, ctx)
    except (Undefined, KeyError):
        return None
    return None if prepared is None else (ctx, prepared)


def defined(step: Step, work: Work) -> bool:
    """True if z3 shows every radicand >= 0 and every denominator != 0 on the whole domain."""
    import z3

    fresh = _fresh(step)
    if fresh is None:
        return False
    ctx, (_v, cons, _side, (dfn, total), _lz, _rz) = fresh
    if not dfn:
        return True
    solver = _solver(work.rlimit, ctx)
    solver.add(*cons, *total, z3.Not(z3.And(*dfn)))
    return solver.check() == z3.unsat


def decide_smt(step: Step, work: Work, *, allow_refute: bool = True) -> Verdict | None:
    """Prove (unsat) or refute (certified model) ``step``; None if z3 gives up or is out of
    its resource limit."""
    import z3

    fresh = _fresh(step)
    if fresh is None:
        return None
    ctx, (vars_, cons, side, (dfn, total), lz, rz) = fresh
    spent = 0
    if dfn:
        dsolver = _solver(work.rlimit, ctx)
        dsolver.add(*cons, *total, z3.Not(z3.And(*dfn)))
        dres = dsolver.check()
        spent += _used(dsolver)
        if dres != z3.unsat:
            return None
    neg = {"<=": lz > rz, "<": lz >= rz, ">=": lz < rz, ">": lz <= rz, "=": lz != rz}[step.rel]
    solver = _solver(work.rlimit, ctx)
    solver.add(*cons, *side, neg)
    res = solver.check()
    spent = _used(solver)  # the context's count: both queries
    if res == z3.unsat:
        return Verdict("proved", "smt", "z3 (QF_NRA): the negation is unsat", work=spent,
                       evidence={"step": step})
    if res == z3.sat and allow_refute and not step.abstract:
        model = solver.model()
        point = {}
        for s, v in vars_.items():
            val = model.eval(v, model_completion=True)
            if z3.is_algebraic_value(val):
                val = val.approx(30)
            point[s] = Fraction(val.as_fraction()) if hasattr(val, "as_fraction") else Fraction(
                str(val))
        cex = certify(step, {s: sp.Rational(x.numerator, x.denominator)
                             for s, x in point.items()})
        if cex is not None:
            return Verdict("refuted", "smt", "z3 model, violation certified by arb", cex,
                           work=spent, evidence={"step": step, "point": cex["exact"]})
    return None


def prepare(step: Step, ctx: Any = None
            ) -> tuple[dict, list, list, tuple[list, list], Any, Any] | None:
    """z3 terms of a step: (variables, domain constraints, side definitions, (definedness
    conditions, total definitions), lhs, rhs); None if the step has integer symbols, limits,
    sums or infinities. Raises :class:`Undefined` for what z3 cannot express."""
    import z3

    if any(r.integer for r in step.domain.ranges.values()):
        return None
    f_l, f_r = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if f_l.has(sp.Limit, sp.Sum, sp.oo, sp.Integral) or f_r.has(sp.Limit, sp.Sum, sp.oo,
                                                                 sp.Integral):
        return None
    # one z3 variable per sympy symbol *object*: two symbols that share a name stay two
    # variables (the index is part of the z3 name)
    vars_: dict[sp.Symbol, Any] = {s: z3.Real(f"{s}!{k}", ctx)
                                   for k, s in enumerate(step.domain.symbols)}
    side: list[Any] = []
    defined: list[Any] = []  # radicands >= 0, denominators != 0
    total: list[Any] = []  # the definitions of the fresh variables, satisfiable everywhere
    counter = itertools.count()

    def conv(e: Any) -> Any:
        e = sp.sympify(e)
        if isinstance(e, sp.Symbol):
            if e not in vars_:
                raise Undefined(f"symbol {e} has no range in the domain")
            return vars_[e]
        if e.is_Rational:
            return z3.RealVal(f"{e.p}/{e.q}", ctx) if e.q != 1 else z3.RealVal(str(e.p), ctx)
        if isinstance(e, sp.Add):
            return z3.Sum(*[conv(a) for a in e.args])
        if isinstance(e, sp.Mul):
            out = conv(e.args[0])
            for a in e.args[1:]:
                out = out * conv(a)
            return out
        if isinstance(e, sp.Abs):
            a = conv(e.args[0])
            return z3.If(a >= 0, a, -a)
        if isinstance(e, sp.sign):
            a = conv(e.args[0])
            one, zero = z3.RealVal(1, ctx), z3.RealVal(0, ctx)
            return z3.If(a > 0, one, z3.If(a < 0, -one, zero))
        if isinstance(e, sp.Pow):
            b, x = e.args
            if not x.is_Rational:
                raise Undefined("symbolic exponent")
            bz = conv(b)
            p, q = int(x.p), int(x.q)
            if q == 2:
                s = z3.Real(f"sqrt!{next(counter)}", ctx)
                defined.append(bz >= 0)
                side.extend([s >= 0, s * s == bz])
                total.extend([s >= 0, z3.Implies(bz >= 0, s * s == bz)])
                bz, q = s, 1
            if q != 1:
                raise Undefined("root other than sqrt")
            if p < 0:
                rcp = z3.Real(f"recip!{next(counter)}", ctx)
                defined.append(bz != 0)
                side.extend([bz != 0, rcp * bz == 1])
                total.append(z3.Implies(bz != 0, rcp * bz == 1))
                bz, p = rcp, -p
            out = z3.RealVal(1, ctx)
            for _ in range(p):
                out = out * bz
            return out
        raise Undefined(f"unsupported {type(e).__name__}")

    lz, rz = conv(f_l), conv(f_r)
    cons = []
    for s, rng in step.domain.ranges.items():
        v = vars_[s]
        if rng.lo != -sp.oo:
            cons.append(v > conv(rng.lo) if rng.lo_open else v >= conv(rng.lo))
        if rng.hi != sp.oo:
            cons.append(v < conv(rng.hi) if rng.hi_open else v <= conv(rng.hi))
    for c in step.domain.constraints:
        a, b = conv(c.lhs), conv(c.rhs)
        op = {sp.StrictLessThan: lambda x, y: x < y, sp.LessThan: lambda x, y: x <= y,
              sp.StrictGreaterThan: lambda x, y: x > y, sp.GreaterThan: lambda x, y: x >= y,
              sp.Ne: lambda x, y: x != y, sp.Eq: lambda x, y: x == y}[type(c)]
        cons.append(op(a, b))
    return vars_, cons, side, (defined, total), lz, rz


