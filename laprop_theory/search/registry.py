"""What every search target is made of, and the registry the targets add themselves to.

A target module builds a :class:`Target` and calls :func:`register` on it; nothing else.
:mod:`laprop_theory.search.targets` (the update-size targets and the propositions' ratios) and
every module of this package named ``*_target`` (such as
:mod:`laprop_theory.search.regret_target`, Theorem 1's regret) do so;
:func:`laprop_theory.search.targets.discover` imports the latter, so a new target is one new
module, and :func:`laprop_theory.search.targets.get_target` looks targets up here. This module
imports no target module, so the target modules import it without a cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ..numerics import DEFAULT_DPS, Ball

__all__ = ["TARGETS", "Target", "TargetDomainError", "register", "unit_ball", "unit_bound"]


class TargetDomainError(ValueError):
    """The target is not defined (or not meaningful) at these (μ, ν, T)."""


@dataclass(frozen=True)
class Target:
    """One objective of the adversarial search (see :mod:`laprop_theory.search.targets`)."""

    name: str
    description: str
    f64: Callable[..., np.ndarray]
    mp: Callable[..., Any]
    arb: Callable[..., Any]
    bound: Callable[..., Any] = lambda mu, nu, T, dps=DEFAULT_DPS: None
    exact_supremum: Callable[..., Any] = lambda mu, nu, T, dps=DEFAULT_DPS: None
    paper_bound: Callable[..., Any] = lambda mu, nu, T, dps=DEFAULT_DPS: None
    upper_bound: Callable[..., Any] = lambda mu, nu, T, dps=DEFAULT_DPS: None
    arb_bound: Callable[[Any, Any], Any] | None = None  # the bound as a ball, for certify
    check: Callable[[Any, Any, int], None] = lambda mu, nu, T: None
    scale_invariant: bool = True
    options: dict[str, Any] = field(default_factory=dict)
    rebuild: Callable[..., Target] | None = None
    """``rebuild(**options)``: this target built with other ``options`` (for example
    ``centered-update``'s ``t_init``), which :func:`~laprop_theory.search.targets.get_target`
    calls; None when the options are fixed."""


def unit_bound(mu: Any, nu: Any, T: int, dps: int = DEFAULT_DPS) -> Any:
    """The bound 1 (as an mpf at ``dps`` digits), of the targets normalised by their bound."""
    with mpmath.workdps(dps):
        return mpmath.mpf(1)


def unit_ball(mu: Any, nu: Any) -> Ball:
    """The bound 1 as a ball (exact), for certification."""
    return Ball(1)


TARGETS: dict[str, Target] = {}
"""Every registered target, by name, in the order of registration."""


def register(target: Target) -> Target:
    """Add ``target`` to :data:`TARGETS` (by name) and return it."""
    TARGETS[target.name] = target
    return target
