"""The interval method: certified branch-and-bound in ``arb`` ball arithmetic.

lhs − rhs is factored (sympy ``factor``; naive enclosures of expressions with repeated
variables prove little) and the closed hull of the bounded box is bisected until every box
either lies certainly outside a constraint or has a certified sign of each factor that makes
the relation hold. Small integer ranges are enumerated. Proves only if every box is certified
within ``work.boxes`` boxes; the cover (each box with its enclosure) is kept as evidence for a
certificate. A box on which the relation certainly fails ends the method (refutations are the
counterexample method's job, with an exact point).
"""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import Any

import sympy as sp
from flint import arb

from .ball import Undefined, box_env, enclose, precision
from .budget import Work
from .core import Domain, Step, Verdict
from .counterexample import rel_kind, violation_expr

PREC = 96
MIN_WIDTH = Fraction(1, 2**40)
MAX_INT_VALUES = 50


def factors(f: Any) -> list[tuple[Any, int]]:
    """f = const × Π base^exp (sympy factor): the pieces whose signs give f's sign."""
    ff = sp.factor(sp.together(f))
    out = []
    for a in sp.Mul.make_args(ff):
        if isinstance(a, sp.Pow) and a.args[1].is_Integer:
            out.append((a.args[0], int(a.args[1])))
        else:
            out.append((a, 1))
    return out


def box_sign(fs: list[tuple[Any, int]], env: dict[sp.Symbol, arb]) -> int | None:
    """+1/-1 if the product is certainly positive/negative on the box; 0 if certainly zero;
    None if undecided."""
    sgn = 1
    for base, k in fs:
        try:
            v = enclose(base, env)
        except (Undefined, ZeroDivisionError):
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


def violated(domain: Domain, env: dict[sp.Symbol, arb]) -> tuple[int, arb] | None:
    """The index of the first constraint certainly false on the whole box, with the ball of
    its lhs − rhs; None if no constraint is certainly false there."""
    for i, c in enumerate(domain.constraints):
        if isinstance(c, (sp.Ne, sp.Eq)):
            continue
        try:
            d = enclose(c.lhs - c.rhs, env)
        except (Undefined, ZeroDivisionError):
            continue
        if isinstance(c, (sp.StrictLessThan, sp.LessThan)) and d > 0:
            return i, d
        if isinstance(c, (sp.StrictGreaterThan, sp.GreaterThan)) and d < 0:
            return i, d
    return None


def outside(domain: Domain, env: dict[sp.Symbol, arb]) -> bool:
    """True if some constraint is certainly false on the whole box (box outside the domain)."""
    return violated(domain, env) is not None


def _frac(x: Any) -> Fraction:
    x = sp.Rational(x)
    return Fraction(int(x.p), int(x.q))


def branch_and_bound(step: Step, work: Work) -> Verdict | None:
    """Prove ``step`` on the closed hull of its (bounded) box, or None."""
    kind = rel_kind(step)
    if kind == "eq":
        return None
    if step.lhs.has(sp.Integral, sp.oo) or step.rhs.has(sp.Integral, sp.oo):
        return None  # lhs - rhs may cancel infinite parts (oo - oo): not for this method
    f = violation_expr(step)
    if f.has(sp.Limit, sp.Sum, sp.Piecewise, sp.oo):
        return None
    cont: list[sp.Symbol] = []
    box: list[tuple[Fraction, Fraction]] = []
    ints: list[tuple[sp.Symbol, list[int]]] = []
    for s, rng in step.domain.ranges.items():
        if rng.lo == -sp.oo or rng.hi == sp.oo:
            return None
        if not (sp.sympify(rng.lo).is_Rational and sp.sympify(rng.hi).is_Rational):
            return None
        if rng.integer:
            vals = [k for k in range(int(sp.ceiling(rng.lo)), int(sp.floor(rng.hi)) + 1)
                    if rng.contains(sp.Integer(k))]
            if len(vals) > MAX_INT_VALUES:
                return None
            ints.append((s, vals))
        else:
            cont.append(s)
            box.append((_frac(rng.lo), _frac(rng.hi)))
    if not cont and not ints:
        return None
    n_boxes = 0
    cover: list[dict[str, Any]] = []
    with precision(PREC):
        for combo in itertools.product(*[v for _, v in ints]) if ints else [()]:
            fixed = {s: sp.Integer(k) for (s, _), k in zip(ints, combo, strict=True)}
            fi = f.xreplace(fixed) if fixed else f
            fs = factors(fi)
            stack = [box]
            while stack:
                if n_boxes >= work.boxes:
                    return None
                b = stack.pop()
                n_boxes += 1
                env = {**box_env(cont, b), **{s: arb(int(v)) for s, v in fixed.items()}}
                if outside(step.domain, env):
                    cover.append({"fixed": {str(s): int(v) for s, v in fixed.items()},
                                  "box": [[str(lo), str(hi)] for lo, hi in b],
                                  "why": "outside"})
                    continue
                sg = box_sign(fs, env)
                if sg == -1 or (sg == 0 and kind == "le"):
                    cover.append({"fixed": {str(s): int(v) for s, v in fixed.items()},
                                  "box": [[str(lo), str(hi)] for lo, hi in b],
                                  "why": "sign"})
                    continue
                if sg == 1:
                    return None  # certainly violated somewhere: not for this method to report
                widths = [hi - lo for lo, hi in b]
                if not widths:
                    return None
                i = max(range(len(b)), key=lambda j: widths[j])
                if widths[i] < MIN_WIDTH:
                    return None
                lo, hi = b[i]
                mid = (lo + hi) / 2
                stack.append(b[:i] + [(lo, mid)] + b[i + 1:])
                stack.append(b[:i] + [(mid, hi)] + b[i + 1:])
    return Verdict("proved", "interval",
                   f"arb branch-and-bound: {n_boxes} boxes, each with a certified sign",
                   work=n_boxes,
                   evidence={"step": step, "boxes": cover, "variables": [str(s) for s in cont],
                             "factors": fs if not ints else None})
