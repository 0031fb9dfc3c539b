"""The verdict on a claim as a whole: :func:`judge` runs the claim's derivation over the
decided steps (see :mod:`laprop_theory.proof.kernel`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..core import Claim, StepResult
from .judgements import Blocked, KernelError, Theorem
from .logic import axiom


@dataclass(frozen=True)
class ClaimVerdict:
    """The verdict on a claim as a whole."""

    claim: str
    status: str
    rule: str
    for_all: tuple[str, ...]
    scope: str
    steps_used: tuple[str, ...]
    blocked_by: tuple[str, ...]
    statement: str = ""
    detail: str = ""

    def record(self) -> dict[str, Any]:
        return {"claim": self.claim, "status": self.status, "rule": self.rule,
                "for_all": list(self.for_all), "scope": self.scope,
                "steps_used": list(self.steps_used), "blocked_by": list(self.blocked_by),
                "statement": self.statement, "detail": self.detail}


def judge(claim: Claim, results: Sequence[StepResult]) -> ClaimVerdict:
    """Run the claim's derivation over the decided steps (see the module docstring)."""
    by_id = {r.step.id: r for r in results if r.claim == claim.id}
    stmt = by_id.get("statement")
    instance = f"the statement step ({claim.statement.note})" if claim.statement.note else \
        "the statement step"
    if stmt is not None and stmt.verdict.status == "refuted":
        how = "certified counterexample" if stmt.verdict.method == "counterexample" else \
            f"certified counterexample ({stmt.verdict.method} model)"
        return ClaimVerdict(claim.id, "refuted", how, claim.for_all,
                            f"refuted at an instance of {instance}; one failing instance "
                            "refutes the claim", (f"{claim.id}/statement",), (), "",
                            "the statement fails at a certified point, so the claim is false")
    if claim.derivation is None:
        status = stmt.verdict.status if stmt else "unverified"
        if status == "proved":
            return ClaimVerdict(claim.id, "unverified", "instance only", claim.for_all,
                                claim.scope or f"proved only at {instance}",
                                (f"{claim.id}/statement",), (), "",
                                "the statement is proved at an instance only; no derivation "
                                "of the general claim")
        return ClaimVerdict(claim.id, "unverified", "-", claim.for_all, claim.scope or instance,
                            (), (f"{claim.id}/statement",), "", "statement not decided")

    def thm(step_id: str) -> Theorem:
        r = by_id.get(step_id)
        if r is None:
            raise KernelError(f"derivation names an unknown step {step_id!r}")
        return axiom(r)

    try:
        th = claim.derivation(thm)
    except Blocked as exc:
        return ClaimVerdict(claim.id, "unverified", "-", claim.for_all, claim.scope, (),
                            (exc.step_id,), "", str(exc))
    except KernelError as exc:
        return ClaimVerdict(claim.id, "unverified", "rejected by the kernel", claim.for_all,
                            claim.scope, (), (), "", str(exc))
    return ClaimVerdict(claim.id, "proved", th.rule, claim.for_all, claim.scope, th.steps, (),
                        str(th.statement), "derived by the kernel")
