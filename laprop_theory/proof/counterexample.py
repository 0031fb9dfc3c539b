"""The counterexample method: sample the domain, screen in float64, certify in ball arithmetic.

Candidates are corners, points near open ends, small integers and seeded random points of a
compactified box (:func:`candidates`); float64 only *screens* them; the most promising are
evaluated at 40 digits with mpmath and the simplest violating points are certified by
:func:`certify`: the point is made an exact rational inside the domain and ``lhs − rhs`` is
enclosed in an ``arb`` ball that must exclude 0 (or, for a strict relation, be exactly 0).

An *abstract* step (its symbols are quantities of a run, :attr:`Step.abstract`) is refuted
only at its :attr:`Step.witnesses`, points replayed through the recurrences: a point of the
over-approximating encoding that no run reaches refutes nothing.

Work is counted (points evaluated, certifications), never timed.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import random
from fractions import Fraction
from typing import Any

import mpmath
import sympy as sp

from .ball import ARB_PREC, Undefined, ball_str, enclose, point_env, precision
from .budget import Work
from .core import Range, Step, Verdict

EVAL_DPS = 40
MAX_CERTIFY = 8


def violation_expr(step: Step) -> Any:
    """lhs − rhs oriented so that the relation reads ``f <= 0``/``f < 0``/``f = 0``."""
    f = step.lhs - step.rhs
    return -f if step.rel in (">=", ">") else f


def rel_kind(step: Step) -> str:
    return {"<=": "le", ">=": "le", "<": "lt", ">": "lt", "=": "eq"}[step.rel]


def _dec(x: Any, digits: int = 30) -> str:
    with mpmath.workdps(digits + 10):
        return mpmath.nstr(mpmath.mpf(x), digits)


def rational(x: Any) -> sp.Rational:
    """An exact rational for a sampled value (floats through their shortest decimal)."""
    if isinstance(x, sp.Rational):
        return x
    if isinstance(x, int):
        return sp.Integer(x)
    fr = Fraction(str(x)).limit_denominator(10**12) if abs(float(x)) < 1e12 else Fraction(
        int(float(x)))
    return sp.Rational(fr.numerator, fr.denominator)


def certify(step: Step, point: dict[sp.Symbol, Any]) -> dict[str, Any] | None:
    """Certify that ``point`` (rationalised, inside the domain) violates ``step``.

    Returns the counterexample dict of :class:`Verdict` (plus ``"exact"``: the exact point as
    strings, for certificates) or None if the violation cannot be certified (ball contains 0,
    point outside the domain, expression undefined)."""
    step = dataclasses.replace(step, lhs=sp.sympify(step.lhs), rhs=sp.sympify(step.rhs))
    if set(point) != set(step.domain.symbols):
        return None
    pt = {s: rational(v) for s, v in point.items()}
    try:
        if not step.domain.contains(pt):
            return None
    except TypeError:
        return None
    with precision(ARB_PREC):
        env = point_env(pt)
        try:
            lv, rv = enclose(step.lhs, env), enclose(step.rhs, env)
        except (Undefined, ZeroDivisionError, ValueError, KeyError):
            return None
        f = lv - rv
        if step.rel in (">=", ">"):
            f = -f
        kind = rel_kind(step)
        if kind == "le":
            ok = f > 0
        elif kind == "eq":
            ok = f > 0 or f < 0
        else:  # strict: a violation is f >= 0
            ok = f > 0
            if not ok and f.contains(0):
                ok = sp.simplify((step.lhs - step.rhs).subs(pt)) == 0
        if not ok:
            return None
        return {"point": {str(s): str(v) + (f" (= {_dec(v.p / sp.Integer(v.q))})"
                                            if v.q != 1 else "") for s, v in pt.items()},
                "lhs": ball_str(lv), "rhs": ball_str(rv),
                "violation": f"{'lhs-rhs' if step.rel in ('<=', '<', '=') else 'rhs-lhs'} in "
                             f"{ball_str(f)}",
                "exact": {str(s): str(v) for s, v in pt.items()}}


def candidates(rng: Range, r: random.Random, n_random: int) -> list[Any]:
    """Sample values of one range: ends, near-ends, a few interior and seeded random points."""
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
    return [v for v in vals if rng.contains(rational(v))]


def _inside_constraints(step: Step, syms: list[sp.Symbol], points: list[tuple]) -> list[tuple]:
    """Drop sampled points that violate a constraint (float64 screening only; the certified
    counterexample is checked against the domain exactly)."""
    import numpy as np

    domain = step.domain
    if not domain.constraints or not syms or not points:
        return points
    cols = [np.array([float(p[i]) for p in points]) for i in range(len(syms))]
    keep = np.ones(len(points), dtype=bool)
    for c in domain.constraints:
        try:
            with np.errstate(all="ignore"):
                d = np.broadcast_to(np.asarray(sp.lambdify(syms, c.lhs - c.rhs, "numpy")(
                    *cols), dtype=float), (len(points),))
        except Exception:  # noqa: BLE001  (screening only)
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
    """Float64 screening (never reported): the points where f might violate the relation,
    most violating first (stable order). All points when f cannot be lambdified to numpy."""
    import numpy as np

    if not syms or f.has(sp.Sum):
        return points
    try:
        fn = sp.lambdify(syms, f, modules="numpy")
        cols = [np.array([float(p[i]) for p in points]) for i in range(len(syms))]
        with np.errstate(all="ignore"):
            vals = np.broadcast_to(np.asarray(fn(*cols), dtype=float), (len(points),))
    except Exception:  # noqa: BLE001  (screening only: fall back to mpmath everywhere)
        return points
    tol = 1e-9
    keep = np.abs(vals) > tol if kind == "eq" else vals > -tol
    keep |= ~np.isfinite(vals)  # overflow/0-division in float64: let mpmath look
    score = np.nan_to_num(np.abs(vals) if kind == "eq" else vals, nan=0.0, posinf=0.0,
                          neginf=0.0)
    idx = [i for i in np.argsort(-score, kind="stable") if keep[i]]
    return [points[i] for i in idx]


def _violates(f: Any, fn: Any, syms: list[sp.Symbol], p: tuple, kind: str) -> bool:
    with mpmath.workdps(EVAL_DPS):
        try:
            if fn is not None:
                v = fn(*[mpmath.mpf(str(x)) if not isinstance(x, sp.Rational)
                         else mpmath.mpf(x.p) / x.q for x in p])
            else:
                sub = {s: rational(x) for s, x in zip(syms, p, strict=True)}
                v = mpmath.mpf(sp.N(f.subs(sub).doit(), EVAL_DPS))
            v = mpmath.mpf(v) if not isinstance(v, mpmath.mpc) else None
        except (ZeroDivisionError, ValueError, TypeError, OverflowError):
            return False
        if v is None or not mpmath.isfinite(v):
            return False
        return bool(v > 0 if kind == "le" else (v >= 0 if kind == "lt" else abs(v) > 0))


def search(step: Step, work: Work, seed: int) -> Verdict | None:
    """Look for a certified violation of ``step`` within ``work.points`` evaluations."""
    syms = list(step.domain.symbols)
    f = violation_expr(step)
    if f.has(sp.Limit, sp.Integral, sp.oo, -sp.oo, sp.zoo):
        return None
    kind = rel_kind(step)
    fn = None
    if not f.has(sp.Sum):
        try:
            fn = sp.lambdify(syms, f, modules="mpmath")
        except Exception:  # noqa: BLE001  (unsupported function: method not applicable)
            return None
    if step.abstract:
        points = [tuple(w["point"][s] for s in syms) for w in step.witnesses
                  if set(w["point"]) == set(syms)]
        for i, p in enumerate(points[: work.points]):
            if not _violates(f, fn, syms, p, kind):
                continue
            cex = certify(step, dict(zip(syms, p, strict=True)))
            if cex is not None:
                cex["run"] = step.witnesses[i].get("run", "")
                return Verdict("refuted", "counterexample",
                               f"certified violation at a replayed run: {cex['run']}", cex,
                               work=i + 1, evidence={"step": step, "point": cex["exact"]})
        return None
    r = random.Random(seed)
    cands = {s: candidates(step.domain.ranges[s], r, 4) for s in syms}
    points: list[tuple] = list(itertools.islice(
        itertools.product(*[c[:6] for c in cands.values()]), 1200))
    points += [tuple(r.choice(c) for c in cands.values()) for _ in range(400)] if all(
        cands.values()) else []
    if not syms:
        points = [()]
    points = _inside_constraints(step, syms, points)
    screened = _screen_f64(syms, f, points, kind)[: work.points]
    found = [p for p in screened if _violates(f, fn, syms, p, kind)]
    # Prefer the simplest violating points (short rationals): they make readable errata.
    found.sort(key=lambda p: sum(len(str(rational(v))) for v in p))
    inside: list[tuple] = []
    for p in found:
        try:
            if step.domain.contains({s: rational(v) for s, v in zip(syms, p, strict=True)}):
                inside.append(p)
        except TypeError:
            continue
        if len(inside) >= MAX_CERTIFY:
            break
    for p in inside:
        cex = certify(step, dict(zip(syms, p, strict=True)))
        if cex is not None:
            return Verdict("refuted", "counterexample",
                           f"certified violation at {cex['point']}", cex, work=len(screened),
                           evidence={"step": step, "point": cex["exact"]})
    return None
