"""Shared pytest configuration: hypothesis profiles and device selection."""

from __future__ import annotations

import os

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


def pytest_collection_modifyitems(config, items):  # noqa: ARG001
    import torch

    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(reason="no CUDA device on this machine (test runs where one is)")
    for item in items:
        if "cuda" in item.keywords:
            item.add_marker(skip)
