"""The paper's claims as data: one module per claim group, each with ``claims()``.

:func:`all_claims` imports every module named in :data:`MODULES` (none is skipped silently:
an import error propagates); ``theorem1`` is written by another engineer and is imported only
when its file exists.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from ..proof.core import Claim

MODULES: tuple[str, ...] = ("prop1", "prop2", "table1", "eq8", "eqs", "suprema", "theorem1")
OPTIONAL: frozenset[str] = frozenset({"theorem1"})


def all_claims() -> list[Claim]:
    """Every claim, in the order of :data:`MODULES`; claim ids are unique."""
    here = Path(__file__).parent
    out: list[Claim] = []
    for name in MODULES:
        if name in OPTIONAL and not (here / f"{name}.py").exists():
            continue
        out.extend(importlib.import_module(f"{__name__}.{name}").claims())
    ids = [c.id for c in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise ValueError(f"duplicate claim ids: {sorted(dupes)}")
    return out


def claim_verdicts(results: list[Any]) -> list[Any]:
    """The proof kernel's verdict on each claim that ``results`` (step results of
    :func:`laprop_theory.proof.decide.check_claim`) cover, in the order they appear."""
    from ..proof.kernel import judge

    claims = {c.id: c for c in all_claims()}
    order = list(dict.fromkeys(r.claim for r in results))
    return [judge(claims[c], [r for r in results if r.claim == c]) for c in order]


def claim_ids() -> list[str]:
    return [c.id for c in all_claims()]
