"""Reddi, Kale & Kumar (2018), On the Convergence of Adam and Beyond: Theorem 1 (the
counterexample, Appendix A), Theorem 4 with Lemma 2 (Appendix D) and Lemma 4 (Appendix G),
Corollary 1, encoded line by line from ``shared/papers/amsgrad-2018.md`` (nothing corrected).

Claim ids: ``amsgrad2018-lemma2``, ``amsgrad2018-theorem4``, ``amsgrad2018-corollary1``,
``amsgrad2018-theorem1``, ``amsgrad2018-lemma4`` (Lemma 4 is used at [D2] row 1).

Modules: :mod:`._defs` (symbols, symbolic AMSGrad/Adam runs read from
:mod:`laprop_theory.recurrences`), :mod:`.theorem1` ([A1]-[A13]), :mod:`.lemma2`
([D5]-[D7]), :mod:`.theorem4` ([D1]-[D4], [D8]-[D10], Corollary 1), :mod:`.lemma4`
([G1]-[G3]). Every step's note names its encoding (a symbolic induction step or a finite
instance); no claim has a kernel derivation, so a claim is refuted (its statement fails at a
certified point) or unverified (instance only).
"""

from __future__ import annotations

from ...proof.core import Claim
from . import lemma2, lemma4, theorem1, theorem4

PAPER = "amsgrad2018"


def claims() -> list[Claim]:
    """Lemma 2, Theorem 4, Corollary 1, Theorem 1, Lemma 4 (in that order)."""
    th4, cor1 = theorem4.claims()
    return [*lemma2.claims(), th4, cor1, *theorem1.claims(), *lemma4.claims()]
