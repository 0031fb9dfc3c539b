"""The proof checker: steps as data, decision methods, a kernel, certificates.

Public API (users and the course build their own steps on it)::

    from laprop_theory.proof import Step, Domain, Range, Claim, decide, kernel

``Step(id, lhs, rel, rhs, domain)``, ``Domain(ranges, constraints)``,
``Range(lo, hi, lo_open, hi_open, integer)``; ``decide(step)`` returns a
:class:`~laprop_theory.proof.core.Verdict` with ``.status``, ``.method``, ``.counterexample``;
``kernel`` holds the rules a claim's ``derivation`` is built from (``kernel.chain``,
``kernel.induction``, ...). A proof file for ``check --file``: ``docs/writing-a-proof.md``.
"""

from __future__ import annotations

from . import kernel
from .core import Claim, Domain, Range, Step, StepResult, Verdict
from .decide import check_claim
from .decide import decide as _decide_function

#: the function (the submodule of the same name stays importable as
#: ``laprop_theory.proof.decide`` through ``from laprop_theory.proof.decide import ...``)
decide = _decide_function

__all__ = ["Claim", "Domain", "Range", "Step", "StepResult", "Verdict", "decide", "check_claim",
           "kernel"]
