"""Kingma & Ba (2015), Adam: Theorem 10.5 (= Theorem 4.1), Lemmas 10.3-10.4, Corollary 4.2,
encoded line by line from ``shared/papers/adam-2015.md`` (nothing corrected).

Claim ids: ``adam2015-lemma10.3``, ``adam2015-lemma10.4``, ``adam2015-theorem10.5``,
``adam2015-corollary4.2``. Modules: :mod:`._defs` (symbols, the hypotheses' domains, the
exact run of :class:`laprop_theory.recurrences.Adam2015`), :mod:`.lemma103`, :mod:`.lemma104`,
:mod:`.theorem` and :mod:`.corollary`. Each step's ``eq`` is the transcription's label
("[D4] row 2"), its ``note`` the encoding (instance or induction step) and, where the print
is ambiguous, the reading (step ids ending in ``.a``/``.b``).
"""

from __future__ import annotations

from ...proof.core import Claim
from . import corollary, lemma103, lemma104, theorem

PAPER = "adam2015"


def claims() -> list[Claim]:
    return [lemma103.claim(), lemma104.claim(), theorem.claim(), corollary.claim()]
