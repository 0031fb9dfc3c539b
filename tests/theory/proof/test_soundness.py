"""Soundness suite: false statements built to trip a checker must never be ``proved``.

Each false statement below is false by a hand argument given next to it (a point where it
fails); none may be proved by any single decision method or by :func:`decide`. The true twins
are there so that a checker that proves nothing cannot pass: :func:`decide` must prove them.
The four reproducers of issue 13 come first.
"""

from __future__ import annotations

import pytest
import sympy as sp

from laprop_theory.proof import Domain, Range, Step, decide
from laprop_theory.proof.decide import METHOD_ORDER

x, y, a, b_, mu, nu, w0 = sp.symbols("x y a b mu nu w0", real=True)
b = sp.Symbol("b", real=True)
t, T = sp.symbols("t T", integer=True)
R = Range()
U = Range(0, 1)  # [0, 1]
U_OPEN_HI = Range(0, 1, hi_open=True)  # [0, 1)
U_OPEN = Range(0, 1, lo_open=True, hi_open=True)
N1 = Range(1, sp.oo, integer=True)
EPS = sp.Rational(1, 10**12)
Q = sp.Rational


def S(lhs, rel, rhs, ranges, cons=()):
    return Step("s", lhs, rel, rhs, Domain(ranges, tuple(cons)))


x_real = sp.Symbol("x", real=True)
x_pos = sp.Symbol("x", positive=True)

FALSE: dict[str, Step] = {
    # the four reproducers: b^t and b^T must not share a fresh variable (b = 0.99999, t = 1,
    # T = 2000); the fresh variable must not capture the user's w0 (b = 1, t = 1, w0 = 0);
    # two symbols named x are two variables (x_real = 1, x_pos = 1/2); an integer range
    # with bound 1/2 means t >= 1, where (-1)^(2t) = 1.
    "repro.two-exponents": S(b**t, "<=", b**T + Q(1, 100),
                             {b: Range(Q(99999, 100000), 1, hi_open=True), t: N1, T: N1}),
    "repro.w0-capture": S(b**t, "<=", w0 + Q(1, 100), {b: U, t: N1, w0: U}),
    "repro.name-clash": S(x_real, "<=", x_pos, {x_real: R, x_pos: Range(0, lo_open=True)}),
    "repro.half-integer": S((-1) ** (2 * t), "<=", 0, {t: Range(Q(1, 2), integer=True)}),
    # tiny violations in the interior and at corners
    "am-gm.minus-eps": S(x * (1 - x), "<=", Q(1, 4) - EPS, {x: U}),  # x = 1/2
    "square.corner": S(x**2, "<=", x, {x: Range(0, 1 + Q(1, 10**9))}),  # x = 1 + 1e-9
    "third.interior": S((x - Q(1, 3)) ** 2, ">=", EPS, {x: U}),  # x = 1/3
    "xy.corner": S(x * y, "<=", 1 - EPS, {x: U, y: U}),  # x = y = 1
    "ab.minus-eps": S(a * b_, "<=", (a**2 + b_**2) / 2 - EPS, {a: R, b_: R}),  # a = b
    "sum-square.origin": S((x + y) ** 2, "<=", 2 * x**2 + 2 * y**2 - EPS, {x: R, y: R}),
    "rational.peak": S(x / (x**2 + 1), "<=", Q(1, 2) - EPS, {x: R}),  # x = 1
    "near-zero": S(x**2, ">=", EPS, {x: R}, (sp.Ne(x, 0),)),  # x = 1e-7
    "log.eps": S(sp.log(x), "<=", x - 1 - EPS, {x: Range(0, 2, lo_open=True)}),  # x = 1
    "inverse.eps": S(1 / (1 + x), ">=", 1 - x + EPS, {x: U}),  # x = 0
    # strict versus non-strict at a boundary
    "strict.x<1": S(x, "<", 1, {x: U}),  # x = 1
    "strict.x>0": S(x, ">", 0, {x: U}),  # x = 0
    "strict.ab": S(a * b_, "<", (a**2 + b_**2) / 2, {a: R, b_: R}),  # a = b
    "strict.triangle": S(sp.Abs(x + y), "<", sp.Abs(x) + sp.Abs(y), {x: R, y: R}),  # 1, 1
    "strict.rational": S(2 * x / (1 + x**2), "<", 1, {x: R}),  # x = 1
    "strict.mu-edge": S((1 - mu**2) / (1 - mu), "<=", 2 - EPS, {mu: U_OPEN_HI}),  # mu -> 1
    # false only for large t
    "large-t.decay": S(1 - Q(999, 1000) ** t, "<=", Q(1, 2), {t: N1}),  # t >= 693
    "large-t.linear": S(t, "<=", 1000, {t: N1}),  # t = 1001
    "large-t.ratio": S(t / (t + 1), "<=", 1 - Q(1, 10**6), {t: N1}),  # t = 10^6
    "large-t.power": S(mu**t, ">=", Q(1, 10**9), {mu: U_OPEN_HI, t: N1}),  # mu = 0
    "large-t.compound": S((1 + sp.Integer(1) / t) ** t, "<=", 2, {t: N1}),  # t = 2
    # two integer symbols
    "two-int.product": S(t * T, "<=", t + T, {t: N1, T: N1}),  # t = T = 3
    "two-int.powers": S(b**T - b**t, "<=", 0, {b: U_OPEN, t: N1, T: N1}),  # T = 1, t = 2
    "two-int.ratio": S(b**t / b**T, "<=", 1, {b: U_OPEN, t: N1, T: N1}),  # t = 1, T = 2
    # non-integer bounds of an integer range
    "half-int.odd": S((-1) ** (2 * t + 1), ">=", 0, {t: Range(Q(1, 2), integer=True)}),
    "half-int.window": S((t - 2) ** 2, ">=", 1, {t: Range(Q(3, 2), Q(5, 2), integer=True)}),
    # nu = 0 and mu -> 1 edges
    "nu0.power": S(nu ** (t - 1), "<=", nu, {nu: U_OPEN_HI, t: N1}),  # t = 1
    "nu.unbounded": S(1 / sp.sqrt(1 - nu), "<=", 10, {nu: U_OPEN_HI}),  # nu = 0.999
    "mu.unbounded": S(mu / (1 - mu), "<=", 1000, {mu: U_OPEN_HI}),  # mu = 0.9999
    "nu.power-ge": S(nu**t, ">=", nu, {nu: U_OPEN_HI, t: N1}),  # t = 2, nu = 1/2
    "cn.le1": S(sp.sqrt((1 - nu**t) / (1 - nu)), "<=", 1, {nu: U_OPEN_HI, t: N1}),  # t = 2
    "mu.monotone-wrong": S(mu**t, "<=", mu ** (t + 1), {mu: U_OPEN, t: N1}),
    "bias.inverted": S(1 / (1 - mu**t), ">=", 1 / (1 - mu), {mu: U_OPEN_HI, t: N1}),  # 2, 1/2
    "t-mu.product": S(mu**t * t, "<=", Q(1, 10), {mu: U_OPEN_HI, t: N1}),  # mu=1/2, t=1
    # functions
    "cubic": S(x**3, "<=", x, {x: Range(0, 2)}),  # x = 2
    "exp.taylor": S(sp.exp(x), ">=", 1 + x + x**2 / 2, {x: R}),  # x = -1
    "sqrt.le": S(sp.sqrt(x), "<=", x, {x: U}),  # x = 1/4
    "recip": S(1 / x, "<=", 1, {x: Range(0, 1, lo_open=True)}),  # x = 1/2
    "max": S(sp.Max(x, y), "<=", x, {x: R, y: R}),  # y > x
    "min": S(sp.Min(x, y), ">=", x, {x: R, y: R}),  # y < x
    "sign.zero": S(sp.sign(x) * x, ">=", EPS, {x: R}),  # x = 0
    "abs.le": S(sp.Abs(x), "<=", x, {x: R}),  # x = -1
    "x-abs-x": S(x * sp.Abs(x), ">=", 0, {x: R}),  # x = -1
    "abs.reverse-triangle": S(sp.Abs(x - y), "<=", sp.Abs(x) - sp.Abs(y), {x: R, y: R}),
    "unbounded": S(x, "<=", 10**6, {x: Range(0)}),  # x = 10^7
    "second-moment": S(mu**2, "<=", nu, {mu: R, nu: Range(0)}),  # mu = 1, nu = 0
    "constraint.kept": S(x, "<=", Q(3, 4), {x: U}, (sp.Gt(x, Q(1, 2)),)),  # x = 0.9
    "finite-sum": S(sp.Sum(sp.Symbol("k", integer=True), (sp.Symbol("k", integer=True), 1, t)),
                    "<=", t**2 / 2, {t: N1}),  # sum = t(t+1)/2
    "equality.off": S((x + 1) ** 2, "=", x**2 + 2 * x + 1 + EPS, {x: R}),
}

TRUE: dict[str, Step] = {
    "am-gm": S(x * (1 - x), "<=", Q(1, 4), {x: U}),
    "square": S(x**2, "<=", x, {x: U}),
    "x<=1": S(x, "<=", 1, {x: U}),
    "sqrt.ge": S(sp.sqrt(x), ">=", x, {x: U}),
    "ab": S(a * b_, "<=", (a**2 + b_**2) / 2, {a: R, b_: R}),
    "triangle": S(sp.Abs(x + y), "<=", sp.Abs(x) + sp.Abs(y), {x: R, y: R}),
    "sum-square": S((x + y) ** 2, "<=", 2 * x**2 + 2 * y**2, {x: R, y: R}),
    "rational.peak": S(x / (x**2 + 1), "<=", Q(1, 2), {x: R}),
    "mu.monotone": S(mu ** (t + 1), "<=", mu**t, {mu: U, t: N1}),
    "bias": S(1 / (1 - mu**t), "<=", 1 / (1 - mu), {mu: U_OPEN_HI, t: N1}),
    "power.le1": S(b**t, "<=", 1, {b: U, t: N1}),
    "half-integer": S((-1) ** (2 * t), ">=", 0, {t: Range(Q(1, 2), integer=True)}),
    "nu.power": S(nu**t, "<=", nu, {nu: U_OPEN_HI, t: N1}),
    "mu-edge": S((1 - mu**2) / (1 - mu), "<", 2, {mu: U_OPEN_HI}),
    "square.nonneg": S(x**2, ">=", 0, {x: R}),
    "inverse": S(1 / (1 + x), ">=", 1 - x, {x: U}),
    "xy": S(x * y, "<=", 1, {x: U, y: U}),
    "abs.ge": S(sp.Abs(x), ">=", x, {x: R}),
    "third": S((x - Q(1, 3)) ** 2, ">=", 0, {x: U}),
    "cn.ge1": S(sp.sqrt((1 - nu**t) / (1 - nu)), ">=", 1, {nu: U_OPEN_HI, t: N1}),
}


def test_the_suite_is_large_enough():
    assert len(FALSE) >= 50 and len(TRUE) >= 20


@pytest.mark.parametrize("name", sorted(FALSE))
def test_false_statement_is_never_proved(name):
    step = FALSE[name]
    v = decide(step, budget=2)
    assert v.status != "proved", f"{name}: proved by {v.method}: {v.detail}"
    for method in METHOD_ORDER:
        w = decide(step, budget=2, methods=(method,))
        assert w.status != "proved", f"{name}: proved by {method} alone: {w.detail}"


@pytest.mark.parametrize("name", sorted(TRUE))
def test_true_twin_is_proved(name):
    v = decide(TRUE[name], budget=2)
    assert v.status == "proved", f"{name}: {v.status} ({v.detail})"


def test_a_refutation_is_a_real_point():
    """Where the suite's false statements are refuted, the point violates the relation when
    evaluated exactly (a second evaluation, by sympy with rationals)."""
    checked = 0
    for name, step in FALSE.items():
        v = decide(step, budget=2)
        if v.status != "refuted":
            continue
        # a symbol sympy's automatic simplification removed (e.g. t in (-1)^(2t) for an
        # integer t) is not part of the point: any value of it gives the same violation
        pt = {s: sp.Rational(v.counterexample["point"][str(s)].split(" ")[0])
              for s in step.domain.symbols if str(s) in v.counterexample["point"]}
        lhs, rhs = sp.sympify(step.lhs).subs(pt).doit(), sp.sympify(step.rhs).subs(pt).doit()
        holds = {"<=": lhs <= rhs, "<": lhs < rhs, ">=": lhs >= rhs, ">": lhs > rhs,
                 "=": sp.simplify(lhs - rhs) == 0}[step.rel]
        assert not bool(holds), f"{name}: {pt} does not violate the statement"
        checked += 1
    assert checked >= 30
