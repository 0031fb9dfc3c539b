"""Claims and verdicts against independent sources: counterexamples re-run through the
recurrences, and the paper's statements exercised on random sequences."""

from __future__ import annotations

import dataclasses

import mpmath
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from laprop_theory import recurrences as R
from laprop_theory.claims import all_claims
from laprop_theory.claims.errata import errata
from laprop_theory.proof.decide import check_claim, decide

REQUIRED = {"prop1", "prop2-statement", "prop2-proof", "prop2-condition", "table1", "eq8",
            "eq3", "eq4", "eq5", "sup-laprop", "sup-adam"}
DPS = 50


@pytest.fixture(scope="module")
def claims():
    return {c.id: c for c in all_claims()}


def _step(claims, cid, sid):
    c = claims[cid]
    return c.statement if sid == "statement" else next(s for s in c.steps if s.id == sid)


def _point(v):
    return {k: sp.Rational(x.split(" ")[0]) for k, x in v.counterexample["point"].items()}


def _mp(q):
    return mpmath.mpf(q.p) / q.q


def test_registry_has_every_required_claim(claims):
    assert REQUIRED <= set(claims)
    for c in claims.values():
        assert c.statement is not None and all(s.domain is not None for s in c.steps)


def test_prop2_statement_refuted_and_rerun_through_adam(claims):
    v = decide(_step(claims, "prop2-statement", "statement"), budget=4)
    assert v.status == "refuted"
    p = _point(v)
    with mpmath.workdps(DPS):
        size = R.adam_update_size([_mp(p["g1"]), _mp(p["g2"])], _mp(p["mu"]), _mp(p["nu"]),
                                  dps=DPS)
        stated = 1 / (1 - _mp(p["mu"]) / mpmath.sqrt(_mp(p["nu"])))
        assert _mp(p["mu"]) < mpmath.sqrt(_mp(p["nu"]))  # inside Prop. 2's assumption
        assert size > stated


def test_eq4_printed_corrections_refuted_and_rerun(claims):
    v = decide(_step(claims, "eq4", "statement"), budget=3)
    assert v.status == "refuted"
    p = _point(v)
    mu, nu, g = _mp(p["mu"]), _mp(p["nu"]), _mp(p["g"])
    with mpmath.workdps(DPS):
        traj = R.run(R.Adam(lr=1, mu=mu, nu=nu, bias_correction=False), [g, g], dps=DPS)
        m2, n2 = traj.states[-1]["m"][0], traj.states[-1]["n"][0]
        printed = m2 / ((1 / (1 - mu**2)) * mpmath.sqrt(n2 / (1 / (1 - nu**2))))
        assert abs(printed - mpmath.sign(g)) > mpmath.mpf(10) ** -10
        # the corrected Adam of the recurrences does step by sgn(g)
        traj_c = R.run(R.Adam(lr=1, mu=mu, nu=nu), [g, g], dps=DPS)
        assert abs(-traj_c.deltas[-1][0] - mpmath.sign(g)) < mpmath.mpf(10) ** -40


def test_laprop_vs_adam_literal_limit_refuted_and_rerun(claims):
    v = decide(_step(claims, "table1", "laprop.mu1.nu1.literal"), budget=5)
    assert v.status == "refuted"
    p = _point(v)
    with mpmath.workdps(DPS):
        seq = [_mp(p["g1"]), _mp(p["g2"])]
        near1 = "0.9999999999"
        lap = R.run(R.LaProp(lr=1, mu=_mp(p["mu"]), nu=near1), seq, dps=DPS).deltas[-1][0]
        ad = R.run(R.Adam(lr=1, mu=_mp(p["mu"]), nu=near1), seq, dps=DPS).deltas[-1][0]
        assert abs(lap - ad) > mpmath.mpf("1e-3")


def test_prop1_steps_and_statement_not_refuted(claims):
    for r in check_claim(claims["prop1"], budget=4):
        assert r.verdict.status != "refuted", r.step.id


def test_eq8_inner_refuted_rerun(claims):
    v = decide(_step(claims, "eq8", "inner"), budget=3)
    assert v.status == "refuted"
    p = _point(v)
    with mpmath.workdps(DPS):
        st_ = R.run(R.Adam(lr=1, mu=_mp(p["mu"]), nu=0), [_mp(p["g1"]), _mp(p["g2"])],
                    dps=DPS).states[-1]
        ratio = st_["m"][0] / mpmath.sqrt(st_["n"][0])
        printed = (_mp(p["mu"]) * _mp(p["g1"]) + _mp(p["g2"])) / _mp(p["g2"])
        assert abs(ratio - printed) > mpmath.mpf(10) ** -10


def test_errata_lines_come_from_refuted_results(claims):
    results = check_claim(claims["eq4"], budget=3)
    lines = errata(results)
    refuted = [r for r in results if r.verdict.status == "refuted"]
    assert len(lines) == len(refuted) >= 1
    assert all("eq4" in line and "(4)" in line for line in lines)


unit = st.floats(0, 0.999, allow_nan=False)


@settings(max_examples=60, deadline=None)
@given(mu=unit, nu=unit, g=st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1,
                                    max_size=8))
def test_prop1_holds_on_random_sequences(mu, nu, g):
    with mpmath.workdps(DPS):
        size = R.laprop_update_size(g, repr(mu), repr(nu), dps=DPS)
        assert size <= 1 / mpmath.sqrt(1 - mpmath.mpf(repr(nu))) * (1 + mpmath.mpf(10) ** -40)


def test_claims_are_built_once_per_module_and_again_when_the_module_changes(monkeypatch):
    import laprop_theory.claims as C
    from laprop_theory.claims import prop1

    first, again = C.all_claims("laprop2020"), C.all_claims("laprop2020")
    assert [a is b for a, b in zip(first, again, strict=True)] == [True] * len(first)
    built = []
    old = C._built(prop1)

    def claims():
        built.append(1)
        return [dataclasses.replace(c, title="rebuilt") for c in old]

    # a replaced claims() (as a reloaded module has) is called, not the kept claims
    monkeypatch.setattr(prop1, "claims", claims)
    now = [c for c in C.all_claims("laprop2020") if c.id in {o.id for o in old}]
    assert built == [1] and {c.title for c in now} == {"rebuilt"}


def test_claim_verdicts_finds_the_claims_of_any_paper(monkeypatch):
    # the LaProp paper's claims are looked up first, the other papers' only when needed
    import laprop_theory.claims as C
    import laprop_theory.proof.kernel as K
    from laprop_theory.proof.core import StepResult, Verdict

    judged = []
    monkeypatch.setattr(K, "judge", lambda claim, rs: judged.append((claim.id, len(rs))))
    by_id = {c.id: c for c in C.all_claims()}

    def result(cid):
        return StepResult(cid, by_id[cid].statement, Verdict("unverified", None))

    C.claim_verdicts([result("prop1"), result("prop1")])
    C.claim_verdicts([result("prop1"), result("adam2015-lemma10.3")])
    assert judged == [("prop1", 2), ("prop1", 1), ("adam2015-lemma10.3", 1)]
