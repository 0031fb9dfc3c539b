"""Mutation suite: wrong variants of the proved steps must not be proved."""

from __future__ import annotations

import pytest
import sympy as sp

from laprop_theory.claims import all_claims
from laprop_theory.proof.core import Domain, Range, Step
from laprop_theory.proof.decide import check_claim
from laprop_theory.proof.mutate import (
    equivalents,
    kill_rate,
    mutants,
    mutants_of,
    run_mutants,
    survivors,
)

FAST = ("prop2-statement", "prop2-proof", "eq4", "eq5", "sup-adam")


def test_operators_generate_wrong_variants():
    x = sp.Symbol("x", real=True)
    s = Step("s", x * (1 - x), "<=", sp.Rational(1, 4), Domain({x: Range(0, 1)}))
    ops = {op for op, _ in mutants_of(s)}
    assert {"flip", "drop-lhs0", "invert-lhs0", "widen-x-hi", "widen-x-lo"} <= ops


def _run(ids, per_step, budget):
    claims = [c for c in all_claims() if c.id in ids]
    proved = {(r.claim, r.step.id) for c in claims for r in check_claim(c, budget=3)
              if r.verdict.status == "proved"}
    ms = mutants(claims, proved, per_step=per_step)
    assert ms, "no proved step to mutate"
    res = run_mutants(ms, budget=budget)
    rate = kill_rate(res)
    print(f"\nmutants: {len(res)}, kill rate {rate:.3f}")
    for s in equivalents(res):
        print("  equivalent (excluded):", s[:200])
    for s in survivors(res):
        print("  SURVIVOR:", s[:300])
    return rate


def test_kill_rate_fast_subset():
    assert _run(FAST, per_step=4, budget=1.0) >= 0.95


@pytest.mark.slow
def test_kill_rate_all_claims():
    ids = {c.id for c in all_claims() if c.id != "theorem1"}
    assert _run(ids, per_step=6, budget=1.5) >= 0.95
