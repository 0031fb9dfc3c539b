"""Mutation suite, the slow half: wrong variants of the proved steps of every LaProp claim
that ``test_mutation.py``'s fast subset does not cover must not be proved. A file of its own
so that the two pytest-xdist workers share the mutation work (one file per worker at a
time)."""

from __future__ import annotations

import pytest

from laprop_theory.claims import all_claims
from laprop_theory.proof.mutate import kill_rate, mutation_run, report


@pytest.mark.slow
def test_kill_rate_all_claims(mutation_fast_subset):
    # the claims the fast subset does not cover (together: every claim but theorem1, whose
    # mutants are tested in test_theorem1.py)
    ids = ({c.id for c in all_claims("laprop2020") if c.id != "theorem1"}
           - set(mutation_fast_subset))
    # equivalence shown at a third of the default effort (test_mutation.run_kill_rate)
    res = mutation_run([c for c in all_claims("laprop2020") if c.id in ids], per_step=2,
                       budget=1.5, equivalence_budget=2.0)
    print("\n" + report(res))
    assert kill_rate(res) >= 0.95
