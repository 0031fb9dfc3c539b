"""Errata generated from the checker's output: every refuted step becomes one line.

Nothing here is typed by hand: :func:`errata` reads :class:`StepResult` objects produced by
:func:`laprop_theory.proof.decide.check_claim` and prints the paper's equation, what it
asserts, and the certified counterexample.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..proof.core import StepResult


def errata(results: Iterable[StepResult]) -> list[str]:
    """One readable line per refuted step (statement or proof step): the printed label (or
    the claim), ``[claim/step]``, the paper's justification for the line (``the printed line``
    when the encoding gives none), the relation that is false, the certified counterexample
    (the point, both sides as intervals, the violation's enclosure, the method that found
    it), and the encoding's note when there is one. A user's file gets the same lines."""
    lines = []
    for r in results:
        v = r.verdict
        if v.status != "refuted":
            continue
        cex = v.counterexample or {}
        point = ", ".join(f"{k} = {val.split(' ')[0]}" for k, val in cex.get("point",
                                                                              {}).items())
        where = f" at {point}" if point else ""
        said = (f"the paper's \"{r.step.justification}\" fails" if r.step.justification
                else "the printed line fails")
        encoding = f" Encoding: {r.step.note}" if r.step.note else ""
        lines.append(
            f"{r.step.eq or r.claim} [{r.claim}/{r.step.id}]: {said}: {r.step.text()} is false"
            f"{where} (lhs {cex.get('lhs')}, rhs {cex.get('rhs')}; {cex.get('violation')}; "
            f"method {v.method}).{encoding}")
    return lines
