"""The decision methods on toy steps whose truth we know by hand (laprop_theory.proof)."""

from __future__ import annotations

import importlib

import pytest
import sympy as sp

from laprop_theory.proof.budget import Work
from laprop_theory.proof.core import Domain, Range, Step, Verdict
from laprop_theory.proof.interval import branch_and_bound
from laprop_theory.proof.signs import decide_sign
from laprop_theory.proof.smt import decide_smt

D = importlib.import_module("laprop_theory.proof.decide")  # the module (the package's
# attribute `decide` is the function)
W = Work(3)

x, y = sp.symbols("x y", real=True)
R01 = Range(0, 1)


def st(lhs, rel, rhs, ranges, cons=()):
    return Step("toy", lhs, rel, rhs, Domain(ranges, tuple(cons)))


def test_square_nonnegative_proved():
    v = D.decide(st(x**2, ">=", 0, {x: Range()}), budget=3)
    assert v.status == "proved" and v.method in ("sympy", "smt", "interval")


def test_x_le_1_on_0_2_refuted_with_certified_point():
    v = D.decide(st(x, "<=", 1, {x: Range(0, 2)}), budget=3)
    assert v.status == "refuted" and v.method in ("counterexample", "smt")
    value = sp.Rational(v.counterexample["point"]["x"].split(" ")[0])
    assert 1 < value <= 2  # a genuine violation inside the domain


def test_am_gm_toy_proved_and_tightened_refuted():
    assert D.decide(st(x * (1 - x), "<=", sp.Rational(1, 4), {x: R01}), budget=3).status == \
        "proved"
    v = D.decide(st(x * (1 - x), "<=", sp.Rational(1, 5), {x: R01}), budget=3)
    assert v.status == "refuted"
    px = sp.Rational(v.counterexample["point"]["x"].split(" ")[0])
    assert px * (1 - px) > sp.Rational(1, 5)


def test_strict_relation_refuted_by_exact_equality():
    v = D.decide(st(x, "<", x, {x: R01}), budget=2)
    assert v.status == "refuted"


def test_each_method_alone():
    true_box = st(x * (1 - x) + y * y * x, "<=", sp.Rational(3, 10) + y, {x: R01, y: R01})
    assert branch_and_bound(true_box, W).status == "proved"
    assert branch_and_bound(st(x, "<=", sp.Rational(1, 2), {x: R01}), W) is None
    assert decide_smt(st(sp.Abs(x + y), "<=", sp.Abs(x) + sp.Abs(y), {x: Range(), y: Range()}),
                      W).status == "proved"
    smt_false = decide_smt(st(sp.sqrt(x), "<=", x, {x: Range(0, 2)}), W)
    assert smt_false.status == "refuted"
    px = sp.Rational(smt_false.counterexample["point"]["x"].split(" ")[0])
    assert sp.sqrt(px) > px
    assert decide_sign(st((x - y) ** 2, ">=", 0, {x: Range(), y: Range()}), W).status == \
        "proved"
    assert decide_sign(st(x - y, ">=", 0, {x: Range(), y: Range()}), W) is None


def test_certify_rejects_a_point_that_satisfies_the_relation():
    s = st(x, "<=", 1, {x: Range(0, 2)})
    assert D.certify(s, {x: sp.Rational(1, 2)}) is None
    assert D.certify(s, {x: 3}) is None  # outside the domain
    assert D.certify(s, {x: sp.Rational(3, 2)}) is not None


def test_undefined_expressions_are_not_proved():
    # 1/sqrt(1-x) <= 1/sqrt(1-x) is an identity where defined, meaningless for x > 1.
    s = st(1 / sp.sqrt(1 - x), "<=", 1 / sp.sqrt(1 - x), {x: Range(0, 2, hi_open=True)})
    assert D.decide(s, budget=3).status != "proved"


def test_relaxation_of_symbolic_powers():
    mu, t = sp.Symbol("mu", real=True), sp.Symbol("t", integer=True)
    s = Step("pow", mu**t, "<=", mu, Domain({mu: Range(0, 1), t: Range(1, sp.oo, integer=True)}))
    relaxed = D.relax_powers(s)
    assert relaxed is not None and t not in relaxed[0].lhs.free_symbols
    assert D.decide(s, budget=3).status == "proved"
    wrong = Step("pow", mu**t, ">=", mu, s.domain)
    assert D.decide(wrong, budget=3).status == "refuted"


def test_refuted_needs_counterexample_and_method():
    with pytest.raises(ValueError):
        Verdict("refuted", "counterexample", "x", None)
    with pytest.raises(ValueError):
        Verdict("proved", None)


def test_a_method_that_overflows_is_named_and_the_next_one_decides(monkeypatch):
    """Exact arithmetic can overflow a float (a huge rational in a counterexample point): the
    method that raised is reported by name and the others still run, instead of ``check``
    stopping with a traceback."""
    monkeypatch.delenv("LAPROP_VERDICT_CACHE", raising=False)

    def overflow(step, work, seed):
        raise OverflowError("int too large to convert to float")

    monkeypatch.setattr(D._cx, "search", overflow)
    x = sp.Symbol("x", real=True)
    v = D.decide(Step("s", x**2 + 1, ">", 0, Domain({x: Range(-3, 3)})))
    assert v.status == "proved" and v.method != "counterexample", v
    monkeypatch.setattr(D._sm, "decide_smt", overflow)
    monkeypatch.setattr(D._sg, "decide_sign", overflow)
    monkeypatch.setattr(D._iv, "branch_and_bound", overflow)
    v = D.decide(Step("s", x**2 + 1, ">", 0, Domain({x: Range(-3, 3)})))
    assert v.status == "unverified" and "counterexample: error OverflowError" in v.detail, v
