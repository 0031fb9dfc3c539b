"""The sympy method: map the domain onto nonnegative parameters and decide a sign.

Every symbol is written through nonnegative parameters (x = lo + (hi − lo) p/(1 + p) on a
bounded range plus the closed end as its own case, x = lo + p on a half-line, three sign cases
on the whole line, t = lo + k for an integer range with an integer lower bound -- ranges are
normalised first, see :meth:`Range.normalized`). Each parameter is a fresh ``Dummy`` (it can
never capture a user's symbol). sympy's assumptions plus a small sign engine (:func:`sign`:
factor, per-factor signs, X − Y with X, Y ≥ 0 compared through X² − Y²) must then show
lhs − rhs ≤ 0 (< 0) on every case; equalities need ``cancel``/``simplify`` to give 0.

Work is bounded by counts: at most 64 cases, 16 |·|-variants per case, and ``simplify`` only
on expressions of at most ``work.sympy_ops`` operations.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy as sp

from .budget import Work
from .core import Domain, Step, Verdict

MAX_CASES = 64


def _psym(i: int, strict: bool) -> sp.Dummy:
    return sp.Dummy(f"p{i}", positive=True) if strict else sp.Dummy(f"p{i}", nonnegative=True)


def param_cases(domain: Domain) -> list[dict[sp.Symbol, Any]] | None:
    """Substitutions mapping the box onto nonnegative parameters (a finite union of cases).

    The domain must be normalised (integer ranges with closed integer bounds)."""
    per_symbol: list[list[Any]] = []
    for i, (s, rng) in enumerate(domain.ranges.items()):
        lo, hi = rng.lo, rng.hi
        opts: list[Any] = []
        if rng.integer:
            if lo == -sp.oo or not sp.sympify(lo).is_Integer or rng.lo_open:
                return None
            if hi != sp.oo and int(hi) - int(lo) <= 12:
                opts = [sp.Integer(k) for k in range(int(lo), int(hi) + 1)
                        if rng.contains(sp.Integer(k))]
            else:
                # t = lo + k, k >= 0: a superset of a long bounded range (sound for a proof)
                k = sp.Dummy(f"k{i}", integer=True, nonnegative=True)
                opts = [lo + k]
        elif lo != -sp.oo and hi != sp.oo:
            p = _psym(i, rng.lo_open)
            opts = [lo + (hi - lo) * p / (1 + p)]
            if not rng.hi_open:
                opts.append(hi)
        elif lo != -sp.oo:
            p = _psym(i, rng.lo_open)
            opts = [lo + p]
        elif hi != sp.oo:
            p = _psym(i, rng.hi_open)
            opts = [hi - p]
        else:
            p = sp.Dummy(f"p{i}", positive=True)
            opts = [p, -p]
            if not any(isinstance(c, sp.Ne) and set(c.args) == {s, sp.Integer(0)}
                       for c in domain.constraints):
                opts.append(sp.Integer(0))
        per_symbol.append(opts)
    cases = [dict(zip(domain.symbols, combo, strict=True))
             for combo in itertools.product(*per_symbol)]
    return cases if len(cases) <= MAX_CASES else None


class Fuel:
    """A count of rewrite work: each ``factor``/``expand`` costs the operation count of its
    input; an expression above ``cap`` operations is not rewritten at all. Deterministic."""

    def __init__(self, total: int, cap: int) -> None:
        self.left, self.cap = total, cap

    def take(self, e: Any) -> bool:
        n = sp.count_ops(e)
        if n > self.cap or n > self.left:
            return False
        self.left -= n
        return True


def sign(e: Any, depth: int = 3, fuel: Fuel | None = None) -> str | None:
    """One of 'pos', 'neg', 'zero', 'nonneg', 'nonpos' when sympy can show it, else None.

    ``fuel`` bounds the rewriting (:class:`Fuel`); None: a default of 2000 operations."""
    fuel = fuel if fuel is not None else Fuel(2000, 60)
    if e.is_zero:
        return "zero"
    if e.is_positive:
        return "pos"
    if e.is_negative:
        return "neg"
    if e.is_nonnegative:
        return "nonneg"
    if e.is_nonpositive:
        return "nonpos"
    if depth <= 0:
        return None
    if isinstance(e, sp.Mul):
        signs = [sign(a, depth, fuel) for a in e.args]
        if None in signs:
            return None
        if "zero" in signs:
            return "zero"
        neg = sum(s in ("neg", "nonpos") for s in signs) % 2 == 1
        strict = all(s in ("pos", "neg") for s in signs)
        return ("neg" if strict else "nonpos") if neg else ("pos" if strict else "nonneg")
    if isinstance(e, sp.Pow):
        b, x = e.args
        sb = sign(b, depth, fuel)
        if sb in ("pos",):
            return "pos"
        if sb in ("nonneg", "zero") and (x.is_positive or x.is_nonnegative):
            return "nonneg"
        if x.is_integer and x.is_even:
            return "nonneg"
        if sb in ("neg", "nonpos") and x.is_integer and x.is_odd:
            return sb
        return None
    if isinstance(e, sp.Add):
        signs = [sign(a, depth - 1, fuel) for a in e.args]
        if None not in signs:
            if all(s in ("pos", "nonneg", "zero") for s in signs):
                return "pos" if "pos" in signs else "nonneg"
            if all(s in ("neg", "nonpos", "zero") for s in signs):
                return "neg" if "neg" in signs else "nonpos"
        f = sp.factor(sp.together(e)) if fuel.take(e) else e
        if f != e and not isinstance(f, sp.Add):
            s = sign(f, depth - 1, fuel)
            if s:
                return s
        # X - Y with X, Y >= 0: sign(X - Y) = sign(X^2 - Y^2).
        pos = [a for a, s in zip(e.args, signs, strict=True) if s in ("pos", "nonneg")]
        neg = [a for a, s in zip(e.args, signs, strict=True) if s in ("neg", "nonpos")]
        if pos and neg and len(pos) + len(neg) == len(e.args):
            x, y = sp.Add(*pos), -sp.Add(*neg)
            if not fuel.take(x**2 - y**2):
                return None
            d = sp.expand(x**2 - y**2)
            if not fuel.take(d):
                return None
            d = sp.factor(sp.together(d))
            s = sign(d, depth - 1, fuel)
            if s in ("pos", "nonneg", "zero"):
                return {"pos": "pos", "nonneg": "nonneg", "zero": "zero"}[s]
            if s in ("neg", "nonpos"):
                return s
    return None


def _abs_variants(e: Any, limit: int = 4) -> list[Any]:
    """Replace each |u| of undecided sign by u and by −u (all combinations).

    Sound: pointwise |u| equals one of ±u, so a relation f ≤ 0 (or f = 0) that holds for every
    variant holds for f."""
    atoms = [a for a in e.atoms(sp.Abs) if sign(a.args[0], 1) is None]
    if not atoms or len(atoms) > limit:
        return [e]
    out = []
    for signs in itertools.product((1, -1), repeat=len(atoms)):
        out.append(e.xreplace({a: s * a.args[0] for a, s in zip(atoms, signs, strict=True)}))
    return out


def _extended(step: Step, lhs: Any, rhs: Any, work: Work) -> Verdict | None:
    """Relations involving ±oo or improper integrals: evaluate both sides exactly on every
    parametrised case (limits taken by sympy's ``doit``) and let sympy decide the relation
    between the two extended reals; nan or an undecided relation fails."""
    cases = param_cases(step.domain)
    if cases is None:
        return None
    ops = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq, ">=": sp.Ge, ">": sp.Gt}
    for case in cases:
        lv = sp.sympify(step.lhs).xreplace(case).doit()
        rv = sp.sympify(step.rhs).xreplace(case).doit()
        lv = sp.simplify(lv) if _simplifiable(lv, work) else lv
        rv = sp.simplify(rv) if _simplifiable(rv, work) else rv
        if lv.has(sp.nan, sp.zoo, sp.Limit, sp.Integral) or rv.has(sp.nan, sp.zoo, sp.Limit,
                                                                    sp.Integral):
            return None
        if ops[step.rel](lv, rv) is not sp.true:
            return None
    return Verdict("proved", "sympy", f"both sides evaluated exactly on {len(cases)} "
                   "parametrised case(s)", work=len(cases), evidence={"step": step})


def _simplifiable(g: Any, work: Work) -> bool:
    """Whether ``simplify`` may run on ``g``: at most ``work.sympy_ops`` operations, no
    log/exp (``logcombine`` can run for minutes on them) and no rational with more than 12
    digits (``simplify`` may raise such numbers to large powers). A syntactic, deterministic
    rule: the work ``simplify`` would do is not counted any other way."""
    if sp.count_ops(g) > work.sympy_ops or g.has(sp.log, sp.exp):
        return False
    return all(abs(int(r.p)) < 10**12 and int(r.q) < 10**12 for r in g.atoms(sp.Rational))


def decide_sign(step: Step, work: Work) -> Verdict | None:
    """Prove ``step`` by the sign of lhs − rhs on every parametrised case (None: undecided)."""
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if lhs.has(sp.Limit, sp.Sum) or rhs.has(sp.Limit, sp.Sum):
        lhs, rhs = lhs.doit(), rhs.doit()
    if lhs.has(sp.oo, -sp.oo, sp.Integral) or rhs.has(sp.oo, -sp.oo, sp.Integral):
        return _extended(step, lhs, rhs, work)
    f = sp.sympify(lhs - rhs)
    if step.rel in (">=", ">"):
        f = -f
    if f.has(sp.Limit, sp.Sum, sp.Piecewise, sp.oo, sp.zoo, sp.nan):
        return None
    cases = param_cases(step.domain)
    if cases is None:
        return None
    kind = {"<=": "le", ">=": "le", "<": "lt", ">": "lt", "=": "eq"}[step.rel]
    n_variants = 0
    for case in cases:
        g0 = f.xreplace(case) if case else f
        if any(not pw.args[1].is_Number for pw in g0.atoms(sp.Pow)):
            g0 = sp.powsimp(sp.powdenest(g0, force=False))
        if g0.has(sp.zoo, sp.nan, sp.oo):
            return None
        for g in _abs_variants(g0):
            n_variants += 1
            small = _simplifiable(g, work)
            fuel = Fuel(20 * work.sympy_ops, work.sympy_ops)
            if kind == "eq":
                if sp.cancel(sp.together(g)) != 0 and not (small and sp.simplify(g) == 0):
                    return None
                continue
            want = ("neg", "nonpos", "zero") if kind == "le" else ("neg",)
            # each sign found is sound; a weaker one (e.g. 'nonneg' for what is 0) does not
            # end the search: the canonical forms may show more
            if sign(g, fuel=fuel) not in want \
                    and sign(sp.cancel(sp.together(g)), fuel=fuel) not in want \
                    and not (small and sign(sp.simplify(g), fuel=fuel) in want):
                return None
    how = "simplify(lhs - rhs) == 0" if kind == "eq" else "sign of lhs - rhs"
    return Verdict("proved", "sympy", f"{how} on {len(cases)} parametrised case(s)",
                   work=n_variants, evidence={"step": step})
