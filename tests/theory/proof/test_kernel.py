"""The proof kernel (laprop_theory.proof.kernel): each rule accepts a right premise and rejects
wrong ones; the claims derived for every t are proved by the kernel, and a derivation with a
wrong or missing premise is not."""

from __future__ import annotations

import dataclasses

import pytest
import sympy as sp

from laprop_theory.claims import all_claims
from laprop_theory.proof import kernel as K
from laprop_theory.proof.core import Domain, Range, Step, StepResult, Verdict
from laprop_theory.proof.decide import check_claim

x, y, z = sp.symbols("x y z", real=True)
t = sp.Symbol("t", integer=True)
U = Range(0, 1)
D = Domain({x: U, y: U})


def proved(step: Step, claim: str = "toy") -> K.Theorem:
    return K.axiom(StepResult(claim, step, Verdict("proved", "smt", "by hand")))


def fact(lhs, rel, rhs, dom=D, sid="s") -> K.Theorem:
    return proved(Step(sid, lhs, rel, rhs, dom))


def test_theorems_are_made_by_rules_only():
    with pytest.raises(K.KernelError):
        K.Theorem(K.Fact(x, "<=", 1, D), "forged", (), ())


def test_axiom_needs_a_proved_verdict():
    st = Step("s", x, "<=", 1, D)
    for status, method, cex in (("unverified", None, None),
                                ("refuted", "counterexample", {"point": {}})):
        with pytest.raises(K.Blocked):
            K.axiom(StepResult("toy", st, Verdict(status, method, "", cex)))


def test_chain_composes_relations_and_rejects_a_gap():
    a = fact(x * y, "<=", x)
    b = fact(x, "<", 2)
    th = K.chain(a, b)
    assert th.statement.rel == "<" and th.statement.lhs == x * y and th.statement.rhs == 2
    assert K.chain(fact(x, "=", x * 1), fact(x, "<=", 1)).statement.rel == "<="
    with pytest.raises(K.KernelError, match="differ"):
        K.chain(a, fact(y, "<=", 2))  # shared side x vs y
    with pytest.raises(K.KernelError, match="domains"):
        K.chain(a, fact(x, "<=", 2, Domain({x: Range(0, 2), y: U})))


def test_ge_is_normalised_to_le():
    th = fact(1, ">=", x)
    assert (th.statement.lhs, th.statement.rel, th.statement.rhs) == (x, "<=", 1)


def test_weaken_only_to_a_smaller_domain():
    th = fact(x, "<=", 1)
    small = Domain({x: Range(0, sp.Rational(1, 2)), y: U}, (sp.Lt(x, y),))
    assert K.weaken(th, small).statement.domain.constraints == (sp.Lt(x, y),)
    with pytest.raises(K.KernelError):
        K.weaken(th, Domain({x: Range(0, 2), y: U}))
    # a constraint of the form `number <= symbol` tightens a range
    wide = Domain({x: Range(), y: U}, (sp.Le(0, x), sp.Le(x, 1)))
    assert K.weaken(th, wide).statement.domain is not None
    with pytest.raises(K.KernelError):
        K.weaken(th, Domain({x: Range(), y: U}, (sp.Le(0, x),)))


def test_weaken_keeps_the_constraints_of_the_fact():
    th = fact(x, "<=", y, Domain({x: U, y: U}, (sp.Le(x, y),)))
    with pytest.raises(K.KernelError):
        K.weaken(th, Domain({x: U, y: U}))


def test_instantiate_inside_the_range_only():
    th = fact(x * y, "<=", x)
    inst = K.instantiate(th, {x: sp.Rational(1, 2)})
    assert inst.statement.lhs == y / 2 and x not in inst.statement.domain.ranges
    with pytest.raises(K.KernelError):
        K.instantiate(th, {x: 2})


def test_case_split_needs_a_cover():
    lo = fact(x, "<=", 1, Domain({x: Range(0, sp.Rational(1, 2)), y: U}))
    hi = fact(x, "<=", 1, Domain({x: Range(sp.Rational(1, 2), 1), y: U}))
    th = K.case_split([lo, hi], x, D)
    assert th.statement.domain.ranges[x] == U.normalized()
    gap = fact(x, "<=", 1, Domain({x: Range(sp.Rational(3, 4), 1), y: U}))
    with pytest.raises(K.KernelError):
        K.case_split([lo, gap], x, D)
    open_gap = fact(x, "<=", 1, Domain({x: Range(sp.Rational(1, 2), 1, lo_open=True), y: U}))
    lo_open = fact(x, "<=", 1, Domain({x: Range(0, sp.Rational(1, 2), hi_open=True), y: U}))
    with pytest.raises(K.KernelError):
        K.case_split([lo_open, open_gap], x, D)  # x = 1/2 is in neither piece
    with pytest.raises(K.KernelError):
        K.case_split([lo, fact(x, "<", 1, Domain({x: Range(sp.Rational(1, 2), 1), y: U}))],
                     x, D)


def _counter_system() -> K.System:
    """s_t = s_{t-1} + g_t with g in [0, 1], s_0 = 0: the invariant 0 <= s_t <= t."""
    s, g = sp.symbols("s g", real=True)
    return K.System("counter", (s,), {s: s + g}, {s: sp.Integer(0)},
                    Domain({g: U}), Domain({}), t), s, g


def test_induction_checks_the_obligations_it_builds():
    sysm, s, g = _counter_system()
    inv = ((s, "<=", t), (0, "<=", s))
    base, step = K.obligations(sysm, inv)
    assert base[0].lhs == g and base[0].rhs == 1
    assert step[0].lhs == s + g and step[0].rhs == t
    assert sp.Le(s, t - 1) in step[0].domain.constraints
    ths_b = [proved(Step(f"b{i}", f.lhs, f.rel, f.rhs, f.domain)) for i, f in enumerate(base)]
    ths_s = [proved(Step(f"s{i}", f.lhs, f.rel, f.rhs, f.domain)) for i, f in enumerate(step)]
    run = K.induction(sysm, inv, ths_b, ths_s)
    assert isinstance(run.statement, K.RunFact)
    # a step theorem of another relation (the base in place of the step) is rejected
    with pytest.raises(K.KernelError):
        K.induction(sysm, inv, ths_b, ths_b)
    # a step proved without the hypothesis' range of t is fine only if its domain is larger
    narrow = Domain({**step[0].domain.ranges, t: Range(3, sp.oo, integer=True)},
                    step[0].domain.constraints)
    with pytest.raises(K.KernelError):
        K.induction(sysm, inv, ths_b, [proved(Step("n", step[0].lhs, "<=", step[0].rhs,
                                                   narrow)), ths_s[1]])


def test_consequence_needs_the_invariant_as_hypothesis():
    sysm, s, g = _counter_system()
    inv = ((s, "<=", t), (0, "<=", s))
    base, step = K.obligations(sysm, inv)
    run = K.induction(sysm, inv, [proved(Step("b", f.lhs, f.rel, f.rhs, f.domain))
                                  for f in base],
                      [proved(Step("s", f.lhs, f.rel, f.rhs, f.domain)) for f in step])
    dom = Domain({s: Range(), t: Range(1, sp.oo, integer=True)}, (sp.Le(s, t), sp.Le(0, s)))
    goal = (s / t, "<=", 1)
    q = K.consequence(run, proved(Step("q", s / t, "<=", 1, dom)), goal)
    assert q.statement.invariant == ((s / t, "<=", sp.Integer(1)),)
    bare = Domain({s: Range(), t: Range(1, sp.oo, integer=True)}, (sp.Le(s, t),))
    q2 = K.consequence(run, proved(Step("q", s / t, "<=", 1, bare)), goal)  # fewer hyps: ok
    assert q2.rule == "consequence"
    with pytest.raises(K.KernelError):  # an implication that assumes more than the invariant
        K.consequence(run, proved(Step("q", s / t, "<=", 1, Domain(
            {s: Range(), t: Range(1, sp.oo, integer=True)},
            (sp.Le(s, t), sp.Le(0, s), sp.Le(s, 1))))), goal)
    with pytest.raises(K.KernelError):  # another goal
        K.consequence(run, proved(Step("q", s / t, "<=", 1, dom)), (s, "<=", 1))


@pytest.fixture(scope="module")
def derived():
    claims = {c.id: c for c in all_claims()}
    out = {}
    for cid in ("prop1", "prop2-proof", "sup-laprop", "sup-adam"):
        out[cid] = (claims[cid], check_claim(claims[cid]))
    return out


@pytest.mark.parametrize("cid", ["prop1", "prop2-proof", "sup-laprop", "sup-adam"])
def test_claim_is_proved_for_every_t_by_the_kernel(derived, cid):
    claim, results = derived[cid]
    v = K.judge(claim, results)
    assert v.status == "proved" and v.rule == "consequence", v
    assert "t" in v.for_all and "every integer t >= 1" in v.scope
    assert all(s.startswith(f"{cid}/") for s in v.steps_used)


@pytest.mark.parametrize("cid", ["prop1", "sup-adam"])
def test_an_unproved_premise_blocks_the_claim(derived, cid):
    claim, results = derived[cid]
    used = K.judge(claim, results).steps_used
    victim = used[len(used) // 2].split("/")[1]
    broken = [dataclasses.replace(r, verdict=Verdict("unverified", None, "removed"))
              if r.step.id == victim else r for r in results]
    v = K.judge(claim, broken)
    assert v.status == "unverified" and v.blocked_by == (f"{cid}/{victim}",)


def test_a_wrong_step_in_a_derivation_is_rejected(derived):
    """prop1's derivation with the step obligation's relation replaced by a weaker one (a
    different rhs, 'proved' by fiat): the kernel must reject it."""
    claim, results = derived["prop1"]
    forged = []
    for r in results:
        if r.step.id == "11.hyp":
            r = dataclasses.replace(r, step=dataclasses.replace(r.step, rhs=r.step.rhs + 1))
        forged.append(r)
    v = K.judge(claim, forged)
    assert v.status == "unverified" and v.rule == "rejected by the kernel"


def test_a_refuted_statement_refutes_the_claim():
    claims = {c.id: c for c in all_claims()}
    c = claims["prop2-statement"]
    v = K.judge(c, check_claim(c))
    assert v.status == "refuted" and v.steps_used == ("prop2-statement/statement",)


# ----------------------------------------------------------------------------- rules of issue 13's
# Theorem 1 derivation: each accepts a right premise and rejects a wrong one


def test_hypothesis_takes_only_a_constraint_of_the_domain():
    dom = Domain({x: U, y: U}, (sp.Le(x, y),))
    h = K.hypothesis(dom, sp.Ge(y, x))  # the mirror image is the same constraint
    assert (h.statement.lhs, h.statement.rel, h.statement.rhs) == (x, "<=", y)
    with pytest.raises(K.KernelError):
        K.hypothesis(dom, sp.Le(y, x))


def test_product_and_combine():
    dom = Domain({x: U, y: U}, ())
    px, py = fact(0, "<=", x, dom), fact(0, "<=", y, dom, "py")
    p = K.product(px, py)
    assert p.statement.rhs == x * y
    # x^2 + y^2 - 2xy >= 0 from (x - y)^2 >= 0 (weight 1); 2xy <= x^2 + y^2 + xy needs xy >= 0
    sq = fact(0, "<=", (x - y) ** 2, dom, "sq")
    th = K.combine(2 * x * y, "<=", x**2 + y**2 + x * y, dom, [sq, p])
    assert th.rule == "combine"
    with pytest.raises(K.KernelError):  # the product left out: not an identity
        K.combine(2 * x * y, "<=", x**2 + y**2 + x * y, dom, [sq])
    with pytest.raises(K.KernelError):  # a negative weight on an inequality
        K.combine(2 * x * y, "<=", x**2 + y**2 - x * y, dom, [sq, p], weights=[1, -1])
    with pytest.raises(K.KernelError):  # a fact over a smaller domain than the goal's
        small = fact(0, "<=", x * y, Domain({x: U, y: U}, (sp.Le(x, y),)), "small")
        K.combine(2 * x * y, "<=", x**2 + y**2 + x * y, dom, [sq, small])
    with pytest.raises(K.KernelError):  # equalities cannot be multiplied
        K.product(fact(x, "=", x, dom, "eq"), px)


def test_combine_defs_and_powers():
    b = sp.Symbol("b", real=True)
    dom = Domain({b: Range(0, 1, lo_open=True, hi_open=True), x: Range(),
                  t: Range(2, sp.oo, integer=True)}, (sp.Eq(x, b**t),))
    nonneg = fact(0, "<=", b ** (t - 1), Domain({b: Range(0, 1, lo_open=True, hi_open=True),
                                                t: Range(2, sp.oo, integer=True)}), "pw")
    # x = b^t <= b^(t-1): (b^(t-1) - b^t) = b^(t-1)(1 - b); needs the definition of x and the
    # power split b^t = b^(t-1) b (b > 0)
    one_minus_b = fact(0, "<", 1 - b, Domain({b: Range(0, 1, lo_open=True, hi_open=True)}),
                       "omb")
    pd = Domain({b: Range(0, 1, lo_open=True, hi_open=True), t: Range(2, sp.oo, integer=True)})
    prod = K.product(K.weaken(nonneg, pd), K.weaken(one_minus_b, pd))
    th = K.combine(x, "<=", b ** (t - 1), dom, [prod], defs=[sp.Eq(x, b**t)])
    assert th.statement.lhs == x
    with pytest.raises(K.KernelError):  # without the definition x is just a symbol
        K.combine(x, "<=", b ** (t - 1), dom, [prod])
    with pytest.raises(K.KernelError):  # a "definition" that is not a constraint
        K.combine(x, "<=", b ** (t - 1), dom, [prod], defs=[sp.Eq(x, b ** (t - 1))])
    # a base that may be 0 is not split: b in [0, 1)
    dz = Domain({b: Range(0, 1, hi_open=True), t: Range(2, sp.oo, integer=True)})
    assert not K._identically_zero(b**t - b ** (t - 1) * b, dz)
    assert K._identically_zero(b**t - b ** (t - 1) * b, pd)


def test_substitute_needs_the_ranges_and_constraints_shown():
    a, c = sp.symbols("a c", real=True)
    lemma = fact(a**2 / c, "<=", 1, Domain({a: Range(), c: Range(0, 1, lo_open=True)},
                                             (sp.Le(sp.Abs(a), c),)), "lemma")
    dom = Domain({x: Range(0, lo_open=True), y: Range()}, (sp.Le(sp.Abs(y), x),))
    pos = fact(0, "<", x, dom, "pos")
    le1 = fact(x, "<=", 1, dom, "le1")  # a premise (made by hand for the rule's test)
    th = K.substitute(lemma, {a: y, c: x}, dom, side=[pos, le1])
    assert th.statement.lhs == y**2 / x
    with pytest.raises(K.KernelError):  # c <= 1 not shown
        K.substitute(lemma, {a: y, c: x}, dom, side=[pos])
    bare = Domain({x: Range(0, lo_open=True), y: Range()}, ())
    with pytest.raises(K.KernelError):  # |a| <= c not shown after the substitution
        K.substitute(lemma, {a: y, c: x}, bare,
                     side=[fact(0, "<", x, bare, "p2"), fact(x, "<=", 1, bare, "l2")])
    with pytest.raises(K.KernelError):  # an integer symbol takes integer values only
        ti = fact(t, ">=", 1, Domain({t: Range(1, sp.oo, integer=True)}), "ti")
        K.substitute(ti, {t: x + 1}, Domain({x: Range(0, 1)}),
                     side=[fact(1, "<=", x + 1, Domain({x: Range(0, 1)}), "x1")])


def test_coordinates_needs_a_coordinatewise_system():
    n_ = sp.Symbol("n", real=True)
    g_ = sp.Symbol("g", real=True)
    sysm = K.System("toy", (n_,), {n_: n_ + g_**2}, {n_: sp.Integer(0)},
                    Domain({g_: Range()}), Domain({}), t)
    inv = [(0, "<=", n_)]
    base, step = K.obligations(sysm, inv)
    run = K.induction(sysm, inv, [proved(Step("b", base[0].lhs, "<=", base[0].rhs,
                                              base[0].domain))],
                      [proved(Step("s", step[0].lhs, "<=", step[0].rhs, step[0].domain))])
    with pytest.raises(K.KernelError):
        K.coordinates(run)
    cw = dataclasses.replace(sysm, coordinatewise=True)
    run2 = K.induction(cw, inv, [proved(Step("b", base[0].lhs, "<=", base[0].rhs,
                                             base[0].domain))],
                       [proved(Step("s", step[0].lhs, "<=", step[0].rhs, step[0].domain))])
    assert "sum_i" in str(K.coordinates(run2).statement)


def test_lets_and_assumptions_enter_the_obligations():
    n_, g_, w = sp.symbols("n g w", real=True)
    sysm = K.System("toy", (n_,), {n_: n_ + w}, {n_: sp.Integer(0)}, Domain({g_: Range()}),
                    Domain({}), t, lets={w: g_**2}, assumptions=(sp.Le(g_, 1),))
    base, step = K.obligations(sysm, [(0, "<=", n_)])
    assert sp.Eq(w, g_**2) in step[0].domain.constraints
    assert sp.Le(g_, 1) in step[0].domain.constraints and sp.Le(g_, 1) in base[0].domain.constraints
    assert "runs with" in str(K.RunFact(sysm, ((0, "<=", n_),)))


def test_monotone_is_the_mean_value_theorem_and_nothing_more():
    w, r = sp.symbols("w r", real=True)
    dom = Domain({r: Range(2), w: Range(0, 1)})
    h = sp.log(r - 1 + w) - sp.log(r - 1) - w / r
    deriv = fact(0, "<=", 1 / (r - 1 + w) - 1 / r, dom, "d")
    base = fact(0, "<=", 0, Domain({r: Range(2)}), "b")
    th = K.monotone(h, w, deriv, base)
    assert th.statement.rhs == h
    at1 = K.instantiate(th, {w: 1})
    assert at1.statement.rhs == sp.log(r) - sp.log(r - 1) - 1 / r
    with pytest.raises(K.KernelError):  # the derivative fact is not dh/dw
        K.monotone(h + w, w, deriv, base)
    with pytest.raises(K.KernelError):  # not elementary: |.| has a kink
        K.monotone(sp.Abs(w - sp.Rational(1, 2)), w, fact(0, "<=", sp.sign(w - sp.Rational(
            1, 2)), dom, "d2"), base)
    with pytest.raises(K.KernelError):  # the base fact is not h(0) (h - 1 is -1 at 0)
        K.monotone(h - 1, w, deriv, base)
    # a symbol whose range lies inside the substituted symbol's range: no side fact needed
    t_dom = Domain({t: Range(2, sp.oo, integer=True)})
    assert K.substitute(at1, {r: t}, t_dom).statement.rhs == sp.log(t) - sp.log(t - 1) - 1 / t
    with pytest.raises(K.KernelError):  # t >= 1 is not inside r >= 2
        K.substitute(at1, {r: t}, Domain({t: Range(1, sp.oo, integer=True)}))
