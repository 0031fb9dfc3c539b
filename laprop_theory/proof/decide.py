"""Deciding one step: counterexample search, sympy, interval branch-and-bound, SMT.

:func:`decide` runs the methods in turn, each of which can fail:

* ``counterexample`` -- sample the domain (corners, points near open ends, integers, random
  points of a compactified box), evaluate lhs − rhs with mpmath; a candidate violation is
  rationalised and re-evaluated in python-flint ``arb`` ball arithmetic, and reported only if
  the ball of the violation excludes 0 (or an exact sympy evaluation shows the equality that
  a strict relation forbids).
* ``sympy`` -- map every symbol onto a nonnegative parameter (x = lo + (hi − lo) p/(1 + p),
  x = lo + p, sign cases for unbounded reals, t = lo + k for integers) and decide the sign of
  lhs − rhs with sympy's assumptions plus a small sign engine (factor, per-factor signs,
  X − Y with X, Y ≥ 0 compared through X² − Y²). Equalities: ``simplify(lhs − rhs) == 0``.
  Unevaluated ``Limit``/``Sum`` objects are evaluated with ``doit``.
* ``interval`` -- certified branch-and-bound with arb balls over the closed hull of a bounded
  box (small integer ranges enumerated), factor by factor; proves only if every box is
  certified before the budget ends.
* ``smt`` -- z3 nonlinear real arithmetic on the negated relation (square roots and
  quotients as fresh variables with defining constraints); ``unsat`` = proved, ``sat`` gives
  a candidate that must be certified by arb before ``refuted``.

Nothing is cached; a method that runs out of its share of the budget simply fails.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import math
import random
import signal
import threading
import time
from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp
from flint import arb, ctx, fmpq

from .core import Claim, Domain, Range, Step, StepResult, Verdict

ARB_PREC = 256
EVAL_DPS = 40
_NOT_STRICT = {"<=": "<", ">=": ">"}


# ----------------------------------------------------------------------------- arb evaluation

class _Undefined(Exception):
    """An expression is not defined (or not supported) at a point or on a box."""


def _arb_const(x: Any) -> arb:
    x = sp.nsimplify(x) if isinstance(x, float) else x
    if x is sp.pi:
        return arb.pi()
    if x is sp.E:
        return arb(1).exp()
    if isinstance(x, sp.Integer):
        return arb(int(x))
    if isinstance(x, sp.Rational):
        return arb(fmpq(int(x.p), int(x.q)))
    if isinstance(x, sp.Float):
        q = sp.Rational(x)
        return arb(fmpq(int(q.p), int(q.q)))
    raise _Undefined(f"constant {x}")


def arb_eval(expr: Any, env: dict[sp.Symbol, arb]) -> arb:
    """Enclose ``expr`` with ``env`` giving a ball for each free symbol (``ctx.prec`` bits).

    Supported: + × powers (integer, half-integer, rational, symbolic exponent via exp/log),
    Abs, sign (only where the sign is certain), sqrt, exp, log, Max/Min, finite Sums, pi.
    Anything else raises :class:`_Undefined`."""
    e = expr
    if isinstance(e, sp.Symbol):
        return env[e]
    if e.is_Number or e in (sp.pi, sp.E):
        if e in (sp.oo, -sp.oo, sp.zoo, sp.nan):
            raise _Undefined("infinite constant")
        return _arb_const(e)
    if isinstance(e, sp.Add):
        out = arb(0)
        for a in e.args:
            out += arb_eval(a, env)
        return out
    if isinstance(e, sp.Mul):
        out = arb(1)
        for a in e.args:
            out *= arb_eval(a, env)
        return out
    if isinstance(e, sp.Pow):
        b, x = e.args
        bb = arb_eval(b, env)
        if x.is_Integer:
            k = int(x)
            if k < 0:
                if bb.contains(0):
                    raise _Undefined("division by a ball containing 0")
                return 1 / (bb ** (-k))
            return bb**k
        if x.is_Rational:
            if not bb > 0 and not (bb.is_exact() and bb == 0 and x > 0):
                if bb.lower() < 0 or x < 0:
                    raise _Undefined("root of a ball not certainly positive")
            if bb.is_exact() and bb == 0:
                return arb(0)
            p, q = int(x.p), int(x.q)
            r = bb.sqrt() if q == 2 else bb.root(q)
            return r**p if p >= 0 else 1 / (r ** (-p))
        xx = arb_eval(x, env)
        if not bb > 0:
            if bb.is_exact() and bb == 0 and xx > 0:
                return arb(0)
            raise _Undefined("power with a base not certainly positive")
        return (xx * bb.log()).exp()
    if isinstance(e, sp.Abs):
        return abs(arb_eval(e.args[0], env))
    if isinstance(e, sp.sign):
        v = arb_eval(e.args[0], env)
        if v > 0:
            return arb(1)
        if v < 0:
            return arb(-1)
        if v.is_exact() and v == 0:
            return arb(0)
        raise _Undefined("sign of a ball containing 0")
    if isinstance(e, sp.exp):
        return arb_eval(e.args[0], env).exp()
    if isinstance(e, sp.log):
        v = arb_eval(e.args[0], env)
        if not v > 0:
            raise _Undefined("log of a ball not certainly positive")
        return v.log()
    if isinstance(e, (sp.Max, sp.Min)):
        vals = [arb_eval(a, env) for a in e.args]
        out = vals[0]
        for v in vals[1:]:
            out = out.max(v) if isinstance(e, sp.Max) else out.min(v)
        return out
    if isinstance(e, sp.Sum):
        body, (j, lo, hi) = e.args[0], e.args[1]
        lo_v, hi_v = (sp.sympify(lo).subs(_exact_env(env)), sp.sympify(hi).subs(_exact_env(env)))
        if not (lo_v.is_Integer and hi_v.is_Integer) or int(hi_v) - int(lo_v) > 5000:
            raise _Undefined("sum with non-integer or huge bounds")
        out = arb(0)
        for k in range(int(lo_v), int(hi_v) + 1):
            out += arb_eval(body, {**env, j: arb(k)})
        return out
    raise _Undefined(f"cannot enclose {type(e).__name__}")


def _exact_env(env: dict[sp.Symbol, arb]) -> dict[sp.Symbol, Any]:
    out = {}
    for s, v in env.items():
        if v.is_exact() and v.is_integer():
            out[s] = sp.Integer(int(v.unique_fmpz()))
    return out


# ----------------------------------------------------------------------------- helpers

def _violation_expr(step: Step) -> Any:
    """lhs − rhs oriented so that the relation reads ``f <= 0``/``f < 0``/``f = 0``."""
    f = step.lhs - step.rhs
    return -f if step.rel in (">=", ">") else f


def _rel_kind(step: Step) -> str:
    return {"<=": "le", ">=": "le", "<": "lt", ">": "lt", "=": "eq"}[step.rel]


def _dec(x: Any, digits: int = 30) -> str:
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(mpmath.mpf(x), digits)


def _arb_str(v: arb) -> str:
    lo, hi = v.lower(), v.upper()
    return f"[{lo.str(25, radius=False)}, {hi.str(25, radius=False)}]"


def _rational(x: Any) -> sp.Rational:
    if isinstance(x, sp.Rational):
        return x
    fr = Fraction(str(x)).limit_denominator(10**12) if abs(float(x)) < 1e12 else Fraction(
        int(float(x)))
    return sp.Rational(fr.numerator, fr.denominator)


def certify(step: Step, point: dict[sp.Symbol, Any]) -> dict[str, Any] | None:
    """Certify that ``point`` (rationalised, inside the domain) violates ``step``.

    Returns the counterexample dict of :class:`Verdict` or None if the violation cannot be
    certified (ball contains 0, point outside the domain, expression undefined)."""
    step = dataclasses.replace(step, lhs=sp.sympify(step.lhs), rhs=sp.sympify(step.rhs))
    pt = {s: _rational(v) for s, v in point.items()}
    try:
        if not step.domain.contains(pt):
            return None
    except TypeError:
        return None
    old = ctx.prec
    ctx.prec = ARB_PREC
    try:
        env = {s: arb(fmpq(int(v.p), int(v.q))) for s, v in pt.items()}
        try:
            lv, rv = arb_eval(step.lhs, env), arb_eval(step.rhs, env)
        except (_Undefined, ZeroDivisionError, ValueError):
            return None
        f = lv - rv
        if step.rel in (">=", ">"):
            f = -f
        kind = _rel_kind(step)
        ok = False
        if kind == "le":
            ok = f > 0
        elif kind == "eq":
            ok = f > 0 or f < 0
        else:  # strict: a violation is f >= 0
            ok = f > 0
            if not ok and f.contains(0):
                exact = sp.simplify((step.lhs - step.rhs).subs(pt))
                ok = exact == 0
        if not ok:
            return None
        return {"point": {str(s): str(v) + (f" (= {_dec(v.p / sp.Integer(v.q))})"
                                            if v.q != 1 else "") for s, v in pt.items()},
                "lhs": _arb_str(lv), "rhs": _arb_str(rv),
                "violation": f"{'lhs-rhs' if step.rel in ('<=', '<', '=') else 'rhs-lhs'} in "
                             f"{_arb_str(f)}"}
    finally:
        ctx.prec = old


# ----------------------------------------------------------------------------- counterexample

def _candidates(rng: Range, r: random.Random, n_random: int) -> list[Any]:
    lo, hi = rng.lo, rng.hi
    if rng.integer:
        start = int(lo) if lo != -sp.oo else -5
        stop = int(hi) if hi != sp.oo else start + 200
        vals = list(range(start, min(stop, start + 6) + 1))
        vals += [v for v in (10, 20, 50, 100) if start <= v <= stop]
        vals += [r.randint(start, stop) for _ in range(2)]
        return sorted(set(v for v in vals if rng.contains(sp.Integer(v))))
    vals: list[Any] = []
    if lo != -sp.oo and hi != sp.oo:
        lo_f, hi_f = float(lo), float(hi)
        w = hi_f - lo_f
        vals += [lo_f + w * q for q in (0, 1, 0.5, 0.25, 0.75, 1e-3, 1 - 1e-3, 1e-6, 1 - 1e-6)]
        vals += [lo_f + w * r.random() for _ in range(n_random)]
    else:
        base = float(lo) if lo != -sp.oo else (float(hi) if hi != sp.oo else 0.0)
        sgn = 1 if lo != -sp.oo else -1
        offs = [0, 1e-3, 0.5, 1, 2, 10, 1e3, 1e6]
        if lo == -sp.oo and hi == sp.oo:
            vals += [o for o in offs] + [-o for o in offs[1:]]
            vals += [math.tan(math.pi * (r.random() - 0.5)) for _ in range(n_random)]
        else:
            vals += [base + sgn * o for o in offs]
            vals += [base + sgn * math.tan(math.pi / 2 * r.random()) for _ in range(n_random)]
    return [v for v in vals if rng.contains(_rational(v))]


def _inside_constraints(domain: Domain, syms: list[sp.Symbol], points: list[tuple]
                        ) -> list[tuple]:
    """Drop sampled points that violate a constraint (float64 exploration; the certified
    counterexample is checked against the domain exactly later)."""
    import numpy as np

    if not domain.constraints or not syms or not points:
        return points
    cols = [np.array([float(p[i]) for p in points]) for i in range(len(syms))]
    keep = np.ones(len(points), dtype=bool)
    for c in domain.constraints:
        try:
            d = np.broadcast_to(np.asarray(sp.lambdify(syms, c.lhs - c.rhs, "numpy")(*cols),
                                           dtype=float), (len(points),))
        except Exception:  # noqa: BLE001  (exploration only)
            continue
        with np.errstate(invalid="ignore"):
            if isinstance(c, sp.Ne):
                keep &= d != 0
            elif isinstance(c, (sp.StrictLessThan, sp.LessThan)):
                keep &= d <= 0 if isinstance(c, sp.LessThan) else d < 0
            elif isinstance(c, (sp.StrictGreaterThan, sp.GreaterThan)):
                keep &= d >= 0 if isinstance(c, sp.GreaterThan) else d > 0
    return [p for p, k in zip(points, keep, strict=True) if k]


def _screen_f64(syms: list[sp.Symbol], f: Any, points: list[tuple], kind: str) -> list[tuple]:
    """Float64 exploration (never reported): the points where f might violate the relation,
    most violating first. Falls back to all points when f cannot be lambdified to numpy."""
    import numpy as np

    if not syms or f.has(sp.Sum):
        return points
    try:
        fn = sp.lambdify(syms, f, modules="numpy")
        cols = [np.array([float(p[i]) for p in points]) for i in range(len(syms))]
        with np.errstate(all="ignore"):
            vals = np.broadcast_to(np.asarray(fn(*cols), dtype=float), (len(points),))
    except Exception:  # noqa: BLE001  (exploration only: fall back to mpmath everywhere)
        return points
    tol = 1e-9
    if kind == "eq":
        keep = np.abs(vals) > tol
    else:
        keep = vals > -tol
    keep |= ~np.isfinite(vals)  # overflow/0-division in float64: let mpmath look
    idx = [i for i in np.argsort(-np.nan_to_num(np.abs(vals) if kind == "eq" else vals,
                                                nan=0.0, posinf=0.0, neginf=0.0))
           if keep[i]]
    return [points[i] for i in idx]


def _counterexample(step: Step, deadline: float, seed: int) -> Verdict | None:
    syms = list(step.domain.symbols)
    step = dataclasses.replace(step, lhs=_expand_finite_sums(step.lhs),
                               rhs=_expand_finite_sums(step.rhs))
    if step.lhs.has(sp.Limit) or step.rhs.has(sp.Limit):
        step = dataclasses.replace(step, lhs=step.lhs.doit(), rhs=step.rhs.doit())
    f = _violation_expr(step)
    if f.has(sp.Limit, sp.Integral, sp.oo, -sp.oo, sp.zoo):
        return None
    r = random.Random(seed)
    cands = {s: _candidates(step.domain.ranges[s], r, 4) for s in syms}
    points: list[tuple] = list(itertools.islice(
        itertools.product(*[c[:6] for c in cands.values()]), 1200))
    points += [tuple(r.choice(c) for c in cands.values()) for _ in range(400)]
    if not syms:
        points = [()]
    kind = _rel_kind(step)
    points = _inside_constraints(step.domain, syms, points)
    screened = _screen_f64(syms, f, points, kind)
    fn = None
    if not f.has(sp.Sum):
        try:
            fn = sp.lambdify(syms, f, modules="mpmath")
        except Exception:  # noqa: BLE001  (unsupported function: method not applicable)
            return None
    found: list[tuple[Any, tuple]] = []
    with mpmath.workdps(EVAL_DPS):
        for p in screened[:300]:
            if time.monotonic() > deadline:
                break
            try:
                if fn is not None:
                    v = fn(*[mpmath.mpf(str(x)) for x in p])
                else:
                    sub = {s: _rational(x) for s, x in zip(syms, p, strict=True)}
                    v = mpmath.mpf(sp.N(f.subs(sub).doit(), EVAL_DPS))
                v = mpmath.mpf(v) if not isinstance(v, mpmath.mpc) else None
            except (ZeroDivisionError, ValueError, TypeError, OverflowError):
                continue
            if v is None or not mpmath.isfinite(v):
                continue
            bad = v > 0 if kind == "le" else (v >= 0 if kind == "lt" else abs(v) > 0)
            if bad:
                found.append((abs(v), p))
    # Prefer the simplest violating points (short rationals): they make readable errata.
    found.sort(key=lambda x: sum(len(str(_rational(v))) for v in x[1]))
    inside = []
    for item in found:
        try:
            if step.domain.contains({s: _rational(v) for s, v in zip(syms, item[1],
                                                                      strict=True)}):
                inside.append(item)
        except TypeError:
            continue
        if len(inside) >= 8:
            break
    for _, p in inside:
        if time.monotonic() > deadline:
            break
        cex = certify(step, dict(zip(syms, p, strict=True)))
        if cex is not None:
            return Verdict("refuted", "counterexample",
                           f"certified violation at {cex['point']}", cex)
    return None


# ----------------------------------------------------------------------------- sympy

def _psym(i: int, strict: bool) -> sp.Symbol:
    return sp.Symbol(f"p{i}", positive=True) if strict else sp.Symbol(f"p{i}", nonnegative=True)


def _param_cases(domain: Domain) -> list[dict[sp.Symbol, Any]] | None:
    """Substitutions mapping the box onto nonnegative parameters (a finite union of cases)."""
    per_symbol: list[list[Any]] = []
    for i, (s, rng) in enumerate(domain.ranges.items()):
        lo, hi = rng.lo, rng.hi
        opts: list[Any] = []
        if rng.integer:
            if lo == -sp.oo:
                return None
            if hi != sp.oo and int(hi) - int(lo) <= 12:
                opts = [sp.Integer(k) for k in range(int(lo), int(hi) + 1)
                        if rng.contains(sp.Integer(k))]
            else:
                k = sp.Symbol(f"k{i}", integer=True, nonnegative=True)
                opts = [lo + (1 if rng.lo_open else 0) + k]
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
            p = sp.Symbol(f"p{i}", positive=True)
            opts = [p, -p]
            if not any(isinstance(c, sp.Ne) and set(c.args) == {s, sp.Integer(0)}
                       for c in domain.constraints):
                opts.append(sp.Integer(0))
        per_symbol.append(opts)
    cases = [dict(zip(domain.symbols, combo, strict=True))
             for combo in itertools.product(*per_symbol)]
    return cases if len(cases) <= 64 else None


def _sign(e: Any, depth: int = 3) -> str | None:
    """One of 'pos', 'neg', 'zero', 'nonneg', 'nonpos' when sympy can show it, else None."""
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
        signs = [_sign(a, depth) for a in e.args]
        if None in signs:
            return None
        if "zero" in signs:
            return "zero"
        neg = sum(s in ("neg", "nonpos") for s in signs) % 2 == 1
        strict = all(s in ("pos", "neg") for s in signs)
        return ("neg" if strict else "nonpos") if neg else ("pos" if strict else "nonneg")
    if isinstance(e, sp.Pow):
        b, x = e.args
        sb = _sign(b, depth)
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
        signs = [_sign(a, depth - 1) for a in e.args]
        if None not in signs:
            if all(s in ("pos", "nonneg", "zero") for s in signs):
                return "pos" if "pos" in signs else "nonneg"
            if all(s in ("neg", "nonpos", "zero") for s in signs):
                return "neg" if "neg" in signs else "nonpos"
        f = sp.factor(sp.together(e))
        if f != e and not isinstance(f, sp.Add):
            s = _sign(f, depth - 1)
            if s:
                return s
        # X - Y with X, Y >= 0: sign(X - Y) = sign(X^2 - Y^2).
        pos = [a for a, s in zip(e.args, signs, strict=True) if s in ("pos", "nonneg")]
        neg = [a for a, s in zip(e.args, signs, strict=True) if s in ("neg", "nonpos")]
        if pos and neg and len(pos) + len(neg) == len(e.args):
            x, y = sp.Add(*pos), -sp.Add(*neg)
            d = sp.factor(sp.together(sp.expand(x**2 - y**2)))
            s = _sign(d, depth - 1)
            if s in ("pos", "nonneg", "zero"):
                return {"pos": "pos", "nonneg": "nonneg", "zero": "zero"}[s]
            if s in ("neg", "nonpos"):
                return s
    return None


def _abs_variants(e: Any, limit: int = 4) -> list[Any]:
    """Replace each |u| of undecided sign by u and by −u (all combinations).

    Sound: pointwise |u| equals one of ±u, so a relation f ≤ 0 (or f = 0) that holds for every
    variant holds for f."""
    atoms = [a for a in e.atoms(sp.Abs) if _sign(a.args[0], 1) is None]
    if not atoms or len(atoms) > limit:
        return [e]
    out = []
    for signs in itertools.product((1, -1), repeat=len(atoms)):
        out.append(e.xreplace({a: s * a.args[0] for a, s in zip(atoms, signs, strict=True)}))
    return out


def _sympy_extended(step: Step, lhs: Any, rhs: Any, deadline: float) -> Verdict | None:
    """Relations involving ±oo or improper integrals: evaluate both sides exactly on every
    parametrised case (limits taken by sympy's ``doit``) and let sympy decide the relation
    between the two extended reals; nan or an undecided relation fails."""
    cases = _param_cases(step.domain)
    if cases is None:
        return None
    ops = {"<=": sp.Le, "<": sp.Lt, "=": sp.Eq, ">=": sp.Ge, ">": sp.Gt}
    for case in cases:
        if time.monotonic() > deadline:
            return None
        lv = sp.simplify(sp.sympify(step.lhs).xreplace(case).doit())
        rv = sp.simplify(sp.sympify(step.rhs).xreplace(case).doit())
        if lv.has(sp.nan, sp.zoo, sp.Limit, sp.Integral) or rv.has(sp.nan, sp.zoo, sp.Limit,
                                                                    sp.Integral):
            return None
        if ops[step.rel](lv, rv) is not sp.true:
            return None
    return Verdict("proved", "sympy", f"both sides evaluated exactly on {len(cases)} "
                   "parametrised case(s)")


def _sympy(step: Step, deadline: float) -> Verdict | None:
    lhs, rhs = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if lhs.has(sp.Limit, sp.Sum) or rhs.has(sp.Limit, sp.Sum):
        lhs, rhs = sp.sympify(lhs).doit(), sp.sympify(rhs).doit()
    if lhs.has(sp.oo, -sp.oo, sp.Integral) or rhs.has(sp.oo, -sp.oo, sp.Integral):
        return _sympy_extended(step, lhs, rhs, deadline)
    f = sp.sympify(lhs - rhs)
    if step.rel in (">=", ">"):
        f = -f
    if f.has(sp.Limit, sp.Sum, sp.Piecewise, sp.oo, sp.zoo, sp.nan):
        return None
    cases = _param_cases(step.domain)
    if cases is None:
        return None
    kind = _rel_kind(step)
    n_variants = 0
    for case in cases:
        if time.monotonic() > deadline:
            return None
        g0 = f.xreplace(case) if case else f
        if any(not pw.args[1].is_Number for pw in g0.atoms(sp.Pow)):
            g0 = sp.powsimp(sp.powdenest(g0, force=False))
        if g0.has(sp.zoo, sp.nan, sp.oo):
            return None
        for g in _abs_variants(g0):
            n_variants += 1
            if time.monotonic() > deadline:
                return None
            if kind == "eq":
                if sp.cancel(sp.together(g)) != 0 and sp.simplify(g) != 0:
                    return None
                continue
            want = ("neg", "nonpos", "zero") if kind == "le" else ("neg",)
            # each sign found is sound; a weaker one (e.g. 'nonneg' for what is 0) does not
            # end the search: the canonical forms may show more
            if _sign(g) not in want and _sign(sp.cancel(sp.together(g))) not in want \
                    and _sign(sp.simplify(g)) not in want:
                return None
    how = "simplify(lhs - rhs) == 0" if kind == "eq" else "sign of lhs - rhs"
    return Verdict("proved", "sympy", f"{how} on {len(cases)} parametrised case(s)")


# ----------------------------------------------------------------------------- interval

def _factors(f: Any) -> list[tuple[Any, int]]:
    """f = const × Π base^exp (sympy factor): the pieces whose signs give f's sign."""
    ff = sp.factor(sp.together(f))
    out = []
    for a in sp.Mul.make_args(ff):
        if isinstance(a, sp.Pow) and a.args[1].is_Integer:
            out.append((a.args[0], int(a.args[1])))
        else:
            out.append((a, 1))
    return out


def _box_sign(factors: list[tuple[Any, int]], env: dict[sp.Symbol, arb]) -> int | None:
    """+1/-1 if the product is certainly positive/negative on the box; 0 if certainly zero;
    None if undecided."""
    sgn = 1
    for base, k in factors:
        try:
            v = arb_eval(base, env)
        except (_Undefined, ZeroDivisionError):
            return None
        if not v.is_finite():
            return None
        if v > 0:
            continue
        if v < 0:
            sgn *= -1 if k % 2 else 1
            continue
        if v.is_exact() and v == 0 and k > 0:
            return 0
        return None
    return sgn


def _interval(step: Step, deadline: float) -> Verdict | None:
    kind = _rel_kind(step)
    if kind == "eq":
        return None
    if step.lhs.has(sp.Integral, sp.oo) or step.rhs.has(sp.Integral, sp.oo):
        return None  # lhs - rhs may cancel infinite parts (oo - oo): not for this method
    f = _violation_expr(step)
    if f.has(sp.Limit, sp.Sum, sp.Piecewise, sp.oo):
        return None
    cont: list[sp.Symbol] = []
    box: list[tuple[Fraction, Fraction]] = []
    ints: list[tuple[sp.Symbol, list[int]]] = []
    for s, rng in step.domain.ranges.items():
        if rng.lo in (-sp.oo,) or rng.hi in (sp.oo,):
            return None
        if rng.integer:
            vals = [k for k in range(int(rng.lo), int(rng.hi) + 1) if rng.contains(sp.Integer(k))]
            if len(vals) > 50:
                return None
            ints.append((s, vals))
        else:
            cont.append(s)
            box.append((Fraction(str(rng.lo)), Fraction(str(rng.hi))))
    if not cont and not ints:
        return None
    old = ctx.prec
    ctx.prec = 96
    n_boxes = 0
    try:
        for combo in itertools.product(*[v for _, v in ints]) if ints else [()]:
            fixed = {s: sp.Integer(k) for (s, _), k in zip(ints, combo, strict=True)}
            fi = f.xreplace(fixed) if fixed else f
            factors = _factors(fi)
            stack = [box]
            while stack:
                if time.monotonic() > deadline or n_boxes > 60000:
                    return None
                b = stack.pop()
                n_boxes += 1
                env = {}
                for s, (lo, hi) in zip(cont, b, strict=True):
                    mid, rad = (lo + hi) / 2, (hi - lo) / 2
                    env[s] = arb(fmpq(mid.numerator, mid.denominator),
                                 fmpq(rad.numerator, rad.denominator))
                if _outside(step.domain, env):
                    continue
                sg = _box_sign(factors, env)
                if sg == -1 or (sg == 0 and kind == "le"):
                    continue
                if sg == 1:
                    return None  # certainly violated somewhere: not for this method to report
                widths = [hi - lo for lo, hi in b]
                i = max(range(len(b)), key=lambda j: widths[j])
                if widths[i] < Fraction(1, 2**40):
                    return None
                lo, hi = b[i]
                mid = (lo + hi) / 2
                stack.append(b[:i] + [(lo, mid)] + b[i + 1:])
                stack.append(b[:i] + [(mid, hi)] + b[i + 1:])
    finally:
        ctx.prec = old
    return Verdict("proved", "interval",
                   f"arb branch-and-bound: {n_boxes} boxes, each with a certified sign")


def _outside(domain: Domain, env: dict[sp.Symbol, arb]) -> bool:
    """True if some constraint is certainly false on the whole box (box outside the domain)."""
    for c in domain.constraints:
        if isinstance(c, sp.Ne):
            continue
        try:
            d = arb_eval(c.lhs - c.rhs, env)
        except (_Undefined, ZeroDivisionError):
            continue
        if isinstance(c, (sp.StrictLessThan, sp.LessThan)) and d > 0:
            return True
        if isinstance(c, (sp.StrictGreaterThan, sp.GreaterThan)) and d < 0:
            return True
    return False


# ----------------------------------------------------------------------------- SMT

def _z3_prepare(step: Step) -> tuple[list, list, list, Any, Any] | None:
    """z3 terms of a step: (domain constraints, side definitions, definedness conditions,
    lhs, rhs); None if the step has integer symbols, limits, sums or infinities."""
    import z3

    if any(r.integer for r in step.domain.ranges.values()):
        return None
    f_l, f_r = sp.sympify(step.lhs), sp.sympify(step.rhs)
    if f_l.has(sp.Limit, sp.Sum, sp.oo, sp.Integral) or f_r.has(sp.Limit, sp.Sum, sp.oo,
                                                                 sp.Integral):
        return None
    vars_: dict[sp.Symbol, Any] = {s: z3.Real(str(s)) for s in step.domain.symbols}
    side: list[Any] = []
    defined: list[Any] = []  # radicands >= 0, denominators != 0
    total: list[Any] = []  # the definitions of the fresh variables, satisfiable everywhere
    counter = itertools.count()

    def conv(e: Any) -> Any:
        e = sp.sympify(e)
        if isinstance(e, sp.Symbol):
            return vars_[e]
        if e.is_Rational:
            return z3.RealVal(str(e.p)) / z3.RealVal(str(e.q)) if e.q != 1 else z3.RealVal(
                str(e.p))
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
            return z3.If(a > 0, z3.RealVal(1), z3.If(a < 0, z3.RealVal(-1), z3.RealVal(0)))
        if isinstance(e, sp.Pow):
            b, x = e.args
            if not x.is_Rational:
                raise _Undefined("symbolic exponent")
            bz = conv(b)
            p, q = int(x.p), int(x.q)
            if q == 2:
                s = z3.Real(f"_s{next(counter)}")
                defined.append(bz >= 0)
                side.extend([s >= 0, s * s == bz])
                total.extend([s >= 0, z3.Implies(bz >= 0, s * s == bz)])
                bz, q = s, 1
            if q != 1:
                raise _Undefined("root other than sqrt")
            if p < 0:
                rcp = z3.Real(f"_r{next(counter)}")
                defined.append(bz != 0)
                side.extend([bz != 0, rcp * bz == 1])
                total.append(z3.Implies(bz != 0, rcp * bz == 1))
                bz, p = rcp, -p
            out = z3.RealVal(1)
            for _ in range(p):
                out = out * bz
            return out
        raise _Undefined(f"unsupported {type(e).__name__}")

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
    return cons, side, (defined, total), lz, rz


def _smt(step: Step, deadline: float) -> Verdict | None:
    import z3

    remaining = deadline - time.monotonic()
    if remaining < 0.05:
        return None
    try:
        prepared = _z3_prepare(step)
    except (_Undefined, KeyError):
        return None
    if prepared is None:
        return None
    cons, side, (defined, total), lz, rz = prepared
    vars_ = {s: z3.Real(str(s)) for s in step.domain.symbols}
    # Definedness first: the relation must be meaningful (real, finite) on the whole domain.
    if defined:
        dsolver = z3.SolverFor("QF_NRA")
        dsolver.add(*cons, *total, z3.Not(z3.And(*defined)))
        dtimer = threading.Timer(max(0.05, (deadline - time.monotonic()) / 2),
                                 dsolver.ctx.interrupt)
        dtimer.start()
        try:
            dres = dsolver.check()
        finally:
            dtimer.cancel()
        if dres != z3.unsat:
            return None
    neg = {"<=": lz > rz, "<": lz >= rz, ">=": lz < rz, ">": lz <= rz, "=": lz != rz}[step.rel]
    solver = z3.SolverFor("QF_NRA")
    solver.set("timeout", max(50, int(1000 * min(remaining, 10))))
    solver.add(*cons, *side, neg)
    # z3's own timeout is not always honoured by nlsat: interrupt it from a timer thread.
    timer = threading.Timer(max(0.05, deadline - time.monotonic()), solver.ctx.interrupt)
    timer.start()
    try:
        res = solver.check()
    finally:
        timer.cancel()
    if res == z3.unsat:
        return Verdict("proved", "smt", "z3 (QF_NRA): the negation is unsat")
    if res == z3.sat:
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
            return Verdict("refuted", "smt", "z3 model, violation certified by arb", cex)
    return None


# ----------------------------------------------------------------------------- relaxation

def relax_powers(step: Step) -> Step | None:
    """Relax b^(t + c) (t an integer symbol ≥ lo, 0 ≤ b ≤ 1 on the domain) to b^(lo + c)·w
    with a fresh w ∈ [0, 1], one w per base; t must disappear. Returns a step whose truth
    implies the original's (the w's forget how they are tied together), or None."""
    ints = [s for s, r in step.domain.ranges.items() if r.integer and r.lo != -sp.oo]
    if not ints:
        return None
    f_all = sp.Add(step.lhs, step.rhs)
    ranges = dict(step.domain.ranges)
    repl: dict[Any, Any] = {}
    bases: dict[Any, sp.Symbol] = {}
    for tsym in ints:
        lo = ranges[tsym].lo + (1 if ranges[tsym].lo_open else 0)
        for pw in f_all.atoms(sp.Pow):
            base, ex = pw.args
            if tsym not in ex.free_symbols or tsym in base.free_symbols:
                continue
            if sp.expand(ex - tsym).has(tsym):
                return None
            if base not in bases:
                unit = Domain({s: r for s, r in ranges.items() if s in base.free_symbols},
                              step.domain.constraints)
                lo_ok = _sympy(Step("b>=0", base, ">=", 0, unit), time.monotonic() + 1)
                hi_ok = _sympy(Step("b<=1", base, "<=", 1, unit), time.monotonic() + 1)
                if lo_ok is None or hi_ok is None:
                    return None
                bases[base] = sp.Symbol(f"w{len(bases)}", real=True)
            repl[pw] = base ** (ex.subs(tsym, lo)) * bases[base]
        del ranges[tsym]
    if not repl:
        return None
    lhs, rhs = step.lhs.xreplace(repl), step.rhs.xreplace(repl)
    if any(s in (lhs.free_symbols | rhs.free_symbols) for s in ints):
        return None
    for w in bases.values():
        ranges[w] = Range(0, 1)
    if any(c.free_symbols & set(ints) for c in step.domain.constraints):
        return None
    return dataclasses.replace(step, lhs=lhs, rhs=rhs,
                               domain=Domain(ranges, step.domain.constraints))


# ----------------------------------------------------------------------------- definedness

def _conditions(e: Any) -> list[tuple[Any, str]]:
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


def defined_on_domain(step: Step, deadline: float) -> bool:
    """True if every radicand is >= 0 and every denominator != 0 on the whole domain, shown
    by sympy's sign reasoning per condition, or by one z3 query (the relaxed step is used for
    symbolic powers). A proof of a relation between undefined expressions proves nothing."""
    conds = _conditions(step.lhs) + _conditions(step.rhs)
    if not conds:
        return True
    if _smt_defined(relax_powers(step) or step, min(deadline, time.monotonic() + 1.0)):
        return True
    pending = []
    for base, kind in conds:
        if time.monotonic() > deadline:
            return False
        if base.free_symbols.isdisjoint(step.domain.symbols) and base.is_number:
            ok = (base >= 0) if kind == "nonneg" else (base > 0 if kind == "pos" else base != 0)
            if ok is sp.true or ok is True:
                continue
            return False
        if kind == "nonzero":
            pending.append((base, kind))
            continue
        rel = ">=" if kind == "nonneg" else ">"
        v = _sympy(Step("def", base, rel, sp.Integer(0), step.domain),
                   min(deadline, time.monotonic() + 0.5))
        if v is None:
            pending.append((base, kind))
    return not pending


def _smt_defined(step: Step, deadline: float) -> bool:
    import z3

    try:
        prepared = _z3_prepare(step)
    except (_Undefined, KeyError):
        return False
    if prepared is None:
        return False
    cons, _side, (defined, total), _lz, _rz = prepared
    if not defined:
        return True
    solver = z3.SolverFor("QF_NRA")
    solver.add(*cons, *total, z3.Not(z3.And(*defined)))
    timer = threading.Timer(max(0.05, deadline - time.monotonic()), solver.ctx.interrupt)
    timer.start()
    try:
        return solver.check() == z3.unsat
    finally:
        timer.cancel()


# ----------------------------------------------------------------------------- decide

def _expand_finite_sums(e: Any) -> Any:
    """Write out Sums whose bounds are numbers (a finite sum is its terms)."""
    return e.replace(lambda x: isinstance(x, sp.Sum) and all(
        lim[1].is_Integer and lim[2].is_Integer and int(lim[2]) - int(lim[1]) < 200
        for lim in x.limits), lambda x: x.doit())


class _Timeout(Exception):
    """A method ran past its share of the budget."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM; only in the main thread, elsewhere the
    methods' own deadline checks are the only limit)."""
    if seconds <= 0:
        raise _Timeout
    if seconds == float("inf") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: Any) -> None:  # noqa: ARG001
        raise _Timeout

    old = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _relaxed_note(v: Verdict) -> Verdict:
    return dataclasses.replace(v, detail=v.detail + " (after relaxing b^t to b^t0·w, w in [0, 1])")


def decide(step: Step, *, budget: float = 5.0, seed: int = 0,
           methods: tuple[str, ...] | None = None) -> Verdict:
    """Decide one step (see the module docstring). ``budget`` seconds in all; ``methods``
    restricts the methods tried (default: all, in the order counterexample, smt, sympy,
    interval)."""
    t0 = time.monotonic()
    step = dataclasses.replace(step, lhs=sp.sympify(step.lhs), rhs=sp.sympify(step.rhs))
    tried: list[str] = []
    plan = [("counterexample", 0.25), ("smt", 0.6), ("sympy", 0.9), ("interval", 1.0)]
    step = dataclasses.replace(step, lhs=_expand_finite_sums(step.lhs),
                               rhs=_expand_finite_sums(step.rhs))
    if step.lhs.has(sp.Limit) or step.rhs.has(sp.Limit):
        try:
            with _time_limit(budget * 0.4):
                step = dataclasses.replace(step, lhs=step.lhs.doit(), rhs=step.rhs.doit())
            tried.append("limits evaluated by sympy")
        except _Timeout:
            tried.append("limits: out of time")
    if methods is not None:
        plan = [(name, share) for name, share in plan if name in methods]
    relaxed: Step | None = relax_powers(step) if "counterexample" not in (
        methods or ("counterexample",)) else None
    for name, share in plan:
        deadline = t0 + budget * share
        try:
            with _time_limit(deadline - time.monotonic() if name in ("sympy", "interval")
                             else float("inf")):
                if name == "counterexample":
                    v = _counterexample(step, deadline, seed)
                    relaxed = relax_powers(step) if v is None else None
                elif name == "sympy":
                    v = _sympy(step, deadline)
                    if v is None and relaxed is not None:
                        v = _sympy(relaxed, deadline)
                        v = v and _relaxed_note(v)
                elif name == "interval":
                    v = _interval(step, deadline)
                    if v is None and relaxed is not None:
                        v = _interval(relaxed, deadline)
                        v = v and _relaxed_note(v)
                else:
                    v = _smt(step, deadline)
                    if v is None and relaxed is not None:
                        v = _smt(relaxed, deadline)
                        v = v if v is None or v.status == "proved" else None
                        v = v and _relaxed_note(v)
        except _Timeout:
            tried.append(f"{name}: out of time")
            continue
        except (RecursionError, ZeroDivisionError, TypeError, ValueError,
                NotImplementedError, AttributeError) as exc:
            tried.append(f"{name}: error {type(exc).__name__}")
            continue
        if v is not None and v.status == "proved" and v.method in ("sympy", "interval") \
                and not (step.lhs.has(sp.Integral, sp.oo) or step.rhs.has(sp.Integral, sp.oo)):
            try:
                with _time_limit(max(1.5, t0 + budget * 1.2 - time.monotonic())):
                    ok = defined_on_domain(step, max(time.monotonic() + 1.5,
                                                     t0 + budget * 1.2))
            except _Timeout:
                ok = False
            if not ok:
                tried.append(f"{name}: proved, but definedness on the domain not established")
                continue
        if v is not None:
            pre = "; ".join(t for t in tried if t.startswith("limits"))
            return Verdict(v.status, v.method, v.detail + (f" ({pre})" if pre else ""),
                           v.counterexample, time.monotonic() - t0)
        tried.append(f"{name}: undecided")
    return Verdict("unverified", None, "; ".join(tried), None, time.monotonic() - t0)


def check_claim(claim: Claim, *, budget: float = 5.0, seed: int = 0) -> list[StepResult]:
    """Decide a claim's statement (step id ``statement``) and then each proof step.

    A step left ``unverified`` gets one second pass with only the symbolic and interval
    methods and min(budget, 5 s): in the first pass z3 may use 60% of the budget before it
    gives up, which leaves sympy a window that machine load can close. The second pass
    decides with the same sound methods; it only reallocates time."""
    statement = claim.statement
    if statement.id != "statement":
        statement = Step("statement", statement.lhs, statement.rel, statement.rhs,
                         statement.domain, statement.eq, statement.justification,
                         statement.note)
    out = []
    for st in (statement, *claim.steps):
        v = decide(st, budget=budget, seed=seed)
        if v.status == "unverified":
            w = decide(st, budget=min(budget, 5.0), seed=seed, methods=("sympy", "interval"))
            if w.status != "unverified":
                v = dataclasses.replace(w, detail=w.detail + " (second pass)",
                                        seconds=v.seconds + w.seconds)
        out.append(StepResult(claim.id, st, v))
    return out
