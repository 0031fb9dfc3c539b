"""Fixtures shared by the checker's tests."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def mutation_fast_subset() -> tuple[str, ...]:
    """The claims of ``test_mutation.py``'s kill rate (4 mutants per proved step);
    ``test_mutation_all_claims.py`` takes every other LaProp claim but Theorem 1 (2 per step),
    so that the two files, which the two workers run side by side, split the work."""
    return ("prop2-statement", "prop2-proof", "eq4", "eq5", "sup-adam")
