"""Shared pytest configuration: hypothesis profiles and device selection."""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest
from hypothesis import HealthCheck, settings

# CI profile: deterministic, >= 200 examples per property (issue 7), no deadline (CPU noise).
settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "thorough",
    max_examples=2000,
    deadline=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=30, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def pytest_report_header(config):  # noqa: ARG001
    import torch

    cuda = torch.cuda.is_available()
    return [f"torch {torch.__version__}; CUDA available: {cuda} (cuda-marked tests "
            f"{'run' if cuda else 'are SKIPPED: no GPU on this machine'})"]


#: the longest test files (seconds on this 2-core machine), started first: the two workers
#: take one file at a time in collection order (pyproject: --no-loadscope-reorder, else xdist
#: orders files by their number of tests), so a long file collected last would run alone at
#: the end while the other worker idles (longest-first balances the two)
LONGEST_FIRST = (
    "tests/theory/cli/test_cli_contract.py",            # ~105 s
    "tests/course/test_notebooks.py",                   # ~95 s
    "tests/theory/cli/test_check_papers.py",            # ~50 s
    "tests/theory/proof/test_mutation.py",              # ~40 s
    "tests/theory/test_theory_bridge.py",               # ~30 s
    "tests/paper/test_paper.py",                        # ~22 s
    "tests/theory/claims/test_theorem1.py",             # ~22 s
    "tests/theory/proof/test_mutation_all_claims.py",   # ~22 s, one test
    "tests/theory/proof/test_certificates.py",          # ~22 s
    "tests/theory/atlas/test_atlas.py",                 # ~21 s
    "tests/theory/proof/test_soundness.py",             # ~17 s
    "tests/theory/bounds/test_suprema.py",              # ~14 s
    "tests/theory/proof/test_determinism.py",           # ~13 s, a CPU burner
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):  # noqa: ARG001
    import torch

    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    root = config.rootpath

    def place(item):
        rel = item.path.relative_to(root).as_posix() if item.path.is_relative_to(root) else ""
        return rank.get(rel, len(rank))

    items.sort(key=place)  # stable: the order within a file and among the rest is kept

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device on this machine (test runs where one is)")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)


# One folder of decided steps for the whole run (laprop_theory.proof.verdict_cache): the
# controller makes it before the xdist workers start, and they, the notebooks' kernels and the
# commands run as subprocesses inherit it, so each step is decided once per run. A test of the
# decision pipeline itself (determinism under load, interrupts) runs without it: see
# ``uncached_env``. LAPROP_VERDICT_CACHE= (empty) in the caller's environment turns it off.
_OWN_CACHE: list[str] = []


def pytest_configure(config):  # noqa: ARG001
    if "LAPROP_VERDICT_CACHE" not in os.environ and "PYTEST_XDIST_WORKER" not in os.environ:
        folder = tempfile.mkdtemp(prefix="laprop-verdicts-")
        _OWN_CACHE.append(folder)
        os.environ["LAPROP_VERDICT_CACHE"] = folder


def pytest_unconfigure(config):  # noqa: ARG001
    for folder in _OWN_CACHE:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop("LAPROP_VERDICT_CACHE", None)


def uncached_env() -> dict[str, str]:
    """The environment for a subprocess that must decide every step itself."""
    return {k: v for k, v in os.environ.items() if k != "LAPROP_VERDICT_CACHE"}
