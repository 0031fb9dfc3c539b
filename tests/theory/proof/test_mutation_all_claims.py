"""Mutation suite, the slow half: wrong variants of the proved steps of every LaProp claim
that ``test_mutation.py``'s fast subset does not cover must not be proved. A file of its own
so that the two pytest-xdist workers share the mutation work (one file per worker at a
time)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from laprop_theory.claims import all_claims

_spec = importlib.util.spec_from_file_location(
    "laprop_mutation_suite", Path(__file__).with_name("test_mutation.py"))
_suite = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_suite)


@pytest.mark.slow
def test_kill_rate_all_claims():
    # the claims the fast subset does not cover (together: every claim but theorem1, whose
    # mutants are tested in test_theorem1.py)
    ids = {c.id for c in all_claims("laprop2020") if c.id != "theorem1"} - set(_suite.FAST)
    assert _suite.run_kill_rate(ids, per_step=2, budget=1.5) >= 0.95
