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
