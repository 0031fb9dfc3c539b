"""Certification of violations with ball arithmetic (python-flint arb).

A candidate is a list of decimal strings (or Fractions / ints): the exact sequence. Its
objective is re-evaluated by the same recurrence code in :data:`laprop_theory.numerics.ARB`,
giving a ball that contains the exact objective of that exact sequence (μ and ν, given as
decimal strings, are enclosed too). The bound is enclosed the same way. The violation is
certified only if the whole enclosure of (objective − bound) lies strictly above 0. A branch
the balls cannot decide (:class:`~laprop_theory.numerics.UndecidedComparison`), a division by a
ball containing 0, or any other failure means: not certified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..numerics import Ball, UndecidedComparison, arb_workprec

__all__ = ["Certificate", "certify"]


@dataclass(frozen=True)
class Certificate:
    """Outcome of one certification attempt."""

    certified: bool
    enclosure: str | None  # the ball of (objective − bound), as printed by arb
    reason: str
    prec_bits: int

    def as_dict(self) -> dict[str, Any]:
        return {"certified": self.certified, "enclosure_of_value_minus_bound": self.enclosure,
                "reason": self.reason, "precision_bits": self.prec_bits}


def certify(target: Any, sequence: list[Any], mu: Any, nu: Any, *, prec_bits: int = 400
            ) -> Certificate:
    """Is ``target``'s objective on ``sequence`` certainly above the target's bound?

    The bound is ``target.arb_bound(mu, nu)`` (for the proposition targets the exact 1: the
    paper's bound sits inside the objective's ball computation). Returns a
    :class:`Certificate`; never raises on undecided balls.
    """
    if target.arb_bound is None:
        return Certificate(False, None, f"target {target.name} has no bound", prec_bits)
    with arb_workprec(prec_bits):
        try:
            value = target.arb(list(sequence), mu, nu)
            diff = Ball(value) - Ball(target.arb_bound(mu, nu))
        except UndecidedComparison as exc:
            return Certificate(False, None, f"undecided branch in ball arithmetic: {exc}",
                               prec_bits)
        except (ZeroDivisionError, ValueError, TypeError, NotImplementedError) as exc:
            return Certificate(False, None, f"ball evaluation failed: {exc}", prec_bits)
        text = diff.v.str(radius=True)
        if diff.v > 0:
            return Certificate(True, text, "the enclosure of value - bound lies above 0",
                               prec_bits)
        if diff.v <= 0:
            return Certificate(False, text, "the value is certainly at most the bound",
                               prec_bits)
        return Certificate(False, text, "the enclosure of value - bound contains 0",
                           prec_bits)
