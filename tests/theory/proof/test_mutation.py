"""Mutation suite: wrong variants of the proved steps must not be proved."""

from __future__ import annotations

import sympy as sp

from laprop_theory.claims import all_claims
from laprop_theory.proof.core import Domain, Range, Step
from laprop_theory.proof.mutate import (
    equivalence,
    kill_rate,
    mutants_of,
    mutation_run,
    report,
)


def test_operators_generate_wrong_variants():
    x = sp.Symbol("x", real=True)
    s = Step("s", x * (1 - x), "<=", sp.Rational(1, 4), Domain({x: Range(0, 1)}))
    ops = {op for op, _ in mutants_of(s)}
    assert {"flip", "drop-lhs0", "invert-lhs0", "widen-x-hi", "widen-x-lo"} <= ops


def run_kill_rate(ids, per_step, budget):
    """The kill rate over the claims ``ids`` (printed with the equivalent mutants and the
    survivors; ``test_mutation_all_claims.py`` runs the claims this file does not). A proved
    mutant is shown equivalent at a third of the default effort: that can only count more
    survivors (with the default, the same mutants are shown equivalent, seconds later)."""
    res = mutation_run([c for c in all_claims("laprop2020") if c.id in ids], per_step=per_step,
                       budget=budget, equivalence_budget=2.0)
    print("\n" + report(res))
    return kill_rate(res)


def test_kill_rate_fast_subset(mutation_fast_subset):
    assert run_kill_rate(mutation_fast_subset, per_step=4, budget=1.0) >= 0.95


def _gauss_integral(power: int) -> sp.Integral:
    x = sp.Symbol("x", real=True)
    return sp.Integral(x**power * sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi), (x, -sp.oo, sp.oo))


def test_divergence_rule_needs_positive_finite_factors_and_a_divergent_one():
    mu = sp.Symbol("mu", real=True)
    dom = Domain({mu: Range(0, 1, lo_open=True, hi_open=True)})
    wide = Domain({mu: Range(0, 2, lo_open=True, hi_open=True)})
    divergent, one = _gauss_integral(-2), _gauss_integral(2)  # E[1/x^2] = oo, E[x^2] = 1
    # true: a positive factor times a divergent integral (sympy proves it, the rule agrees)
    s = Step("s", mu**2 * divergent * one + 1, "=", sp.oo, dom)
    assert equivalence(s, "sympy") == "divergence"
    # (1 - mu) changes sign on (0, 2): the rule must not call the product +oo
    s_wide = Step("s", (1 - mu) * divergent, "=", sp.oo, wide)
    assert equivalence(s_wide, "sympy") is None
    # no divergent factor at all: mu * E[x^2] is finite
    assert equivalence(Step("s", mu * one, "=", sp.oo, dom), "sympy") is None


def test_identity_rule_needs_definedness():
    mu = sp.Symbol("mu", real=True)
    ok = Step("s", mu * (1 - mu) + mu**2, "<=", mu, Domain({mu: Range(-5, 5)}))
    assert equivalence(ok, "sympy") in ("identity", "smt", "interval")
    # the same identity times sqrt(1 - mu), which is not real for mu > 1: an identity of
    # undefined expressions proves nothing
    r = sp.sqrt(1 - mu)
    bad = Step("s", r * (mu**2 - 1) / (mu - 1), "=", r * (mu + 1), Domain({mu: Range(2, 3)}))
    assert sp.simplify(bad.lhs - bad.rhs) == 0
    assert equivalence(bad, "sympy") is None


def test_implied_rule_needs_a_true_weakening():
    mu = sp.Symbol("mu", real=True)
    dom = Domain({mu: Range(0, 1, hi_open=True)})
    original = Step("o", mu**2, "<=", mu, dom)  # true on [0, 1)
    weaker = Step("w", mu**2, "<=", 2 * mu, dom)  # mu <= 2 mu there: implied
    assert equivalence(weaker, "sympy", original=original) in ("implied", "smt", "interval")
    from laprop_theory.proof.mutate import _implied
    assert _implied(weaker, original, 2.0, 0)
    # mu**2 <= mu**3 is false on (0, 1): not a weakening, whatever the original says
    assert not _implied(Step("x", mu**2, "<=", mu**3, dom), original, 2.0, 0)
    # no original (not known to be proved): the rule does not apply
    assert not _implied(weaker, None, 2.0, 0)
