"""``check``: decide every step of the paper's claims (laprop_theory.proof.decide)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..claims import all_claims
from ..claims.errata import errata
from ..proof.core import StepResult
from ..proof.decide import check_claim
from .common import CLIError, emit_json

DEFAULT_BUDGET = 3.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--claim", action="append", metavar="ID",
                   help="only this claim (repeatable); default: all")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                   help=f"seconds per step (default {DEFAULT_BUDGET})")
    p.add_argument("--seed", type=int, default=0, help="seed of the counterexample sampler")
    p.add_argument("--errata", action="store_true", help="print the generated errata list")
    p.add_argument("--markdown", metavar="PATH",
                   help="also write the verdict and tight-bound tables as markdown to PATH "
                        "(e.g. docs/theory-verdicts.md)")


def result_record(r: StepResult) -> dict[str, Any]:
    """The JSON object of one step's verdict."""
    v = r.verdict
    return {"claim": r.claim, "step": r.step.id, "status": v.status, "method": v.method,
            "counterexample": v.counterexample, "eq": r.step.eq,
            "justification": r.step.justification, "detail": v.detail,
            "relation": f"{r.step.lhs} {r.step.rel} {r.step.rhs}",
            "domain": r.step.domain.describe(), "note": r.step.note,
            "seconds": round(v.seconds, 3)}


def run_check(claim_ids: list[str] | None, budget: float, seed: int = 0,
              progress: bool = False) -> list[StepResult]:
    """Decide the selected claims (all if ``claim_ids`` is None)."""
    if budget <= 0:
        raise CLIError(f"--budget must be > 0, got {budget}")
    claims = all_claims()
    known = {c.id: c for c in claims}
    if claim_ids:
        unknown = [c for c in claim_ids if c not in known]
        if unknown:
            raise CLIError(f"unknown claim {unknown[0]!r}; known: {', '.join(known)}")
        claims = [known[c] for c in claim_ids]
    out: list[StepResult] = []
    for c in claims:
        if progress:
            print(f"checking {c.id} ...", file=sys.stderr, flush=True)
        out.extend(check_claim(c, budget=budget, seed=seed))
    return out


def short(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def table(results: list[StepResult]) -> str:
    """The human table: claim, step, eq, status, method, short detail."""
    rows = [("claim", "step", "eq", "status", "method", "detail")]
    for r in results:
        v = r.verdict
        detail = v.detail
        if v.counterexample:
            pt = ", ".join(f"{k}={x.split(' ')[0]}" for k, x in v.counterexample["point"].items())
            detail = f"at {pt or 'the given values'}: {v.counterexample['violation']}"
        rows.append((r.claim, r.step.id, short(r.step.eq, 22), v.status, v.method or "-",
                     short(detail, 70)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row in rows:
        lines.append("  ".join(c.ljust(w) for c, w in zip(row[:5], widths, strict=True))
                     + "  " + row[5])
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    t0 = time.monotonic()
    results = run_check(args.claim, args.budget, args.seed, progress=not args.json)
    if args.markdown:
        from ..claims.report import write_theory_verdicts

        write_theory_verdicts(results, args.markdown, time.monotonic() - t0)
    if args.json:
        emit_json([result_record(r) for r in results])
        return 0
    print(table(results))
    counts = {s: sum(r.verdict.status == s for r in results)
              for s in ("proved", "refuted", "unverified")}
    print(f"\n{len(results)} steps: {counts['proved']} proved, {counts['refuted']} refuted, "
          f"{counts['unverified']} unverified ({time.monotonic() - t0:.1f} s)")
    if args.errata:
        print("\nErrata (generated from the refuted steps):")
        for line in errata(results):
            print(f"- {line}")
    return 0
