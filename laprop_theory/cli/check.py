"""``check``: decide every step of the paper's claims (laprop_theory.proof.decide) and judge
each claim with the proof kernel (laprop_theory.proof.kernel).

Everything printed on stdout is a function of the claims, ``--budget`` (work units) and
``--seed``: the same on any machine under any load. Only ``--json``'s per-step ``seconds``
(and the timing line on stderr) measure time."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from ..claims import all_claims, claim_verdicts
from ..claims.errata import errata
from ..proof.budget import DEFAULT as DEFAULT_BUDGET
from ..proof.core import StepResult
from ..proof.decide import check_claim
from .common import (
    EXIT_INTERRUPTED,
    CLIError,
    Interrupted,
    check_output_file,
    emit_json,
    path_text,
    positive_number,
    quote,
    seed,
)

MAX_BUDGET = 1e6  # validation only: a positive finite number (its unit is the checker's)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--claim", action="append", metavar="ID",
                   help="only this claim (repeatable); default: all")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("--budget", type=positive_number("budget", MAX_BUDGET),
                   default=DEFAULT_BUDGET,
                   help=f"work units per step and method (default {DEFAULT_BUDGET}; counted "
                        "work: z3 rlimit, points, boxes, rewrites -- never seconds)")
    p.add_argument("--summary", action="store_true",
                   help="one row per claim: the kernel's verdict, rule, scope and the steps "
                        "it used or that block it")
    p.add_argument("--seed", type=seed(), default=0,
                   help="seed of the counterexample sampler, in [0, 2^32 - 1]")
    p.add_argument("--errata", action="store_true", help="print the generated errata list")
    p.add_argument("--markdown", metavar="PATH", type=path_text("--markdown"),
                   help="also write the verdict and tight-bound tables as markdown to PATH "
                        "(e.g. docs/theory-verdicts.md)")
    from .verify import certificates_dir

    p.add_argument("--certificates", metavar="DIR", type=certificates_dir,
                   help="also write one certificate per decided step and DIR/manifest.json "
                        "(re-check them with: python -m laprop_theory verify DIR)")


def result_record(r: StepResult) -> dict[str, Any]:
    """The JSON object of one step's verdict."""
    v = r.verdict
    return {"claim": r.claim, "step": r.step.id, "status": v.status, "method": v.method,
            "counterexample": v.counterexample, "eq": r.step.eq,
            "justification": r.step.justification, "detail": v.detail,
            "relation": r.step.text(),
            "domain": r.step.domain.describe(), "note": r.step.note,
            "work": v.work, "kind": step_kind(r),
            "seconds": round(v.seconds, 3)}


def step_kind(r: StepResult) -> str:
    """What a step's verdict says: ``numeric`` (no variables: a comparison of two numbers),
    ``tautology`` (lhs − rhs is a constant after sympy's automatic simplification: the relation
    is true or false whatever the variables), or ``general`` (a relation over its domain)."""
    import sympy as sp

    lhs, rhs = sp.sympify(r.step.lhs), sp.sympify(r.step.rhs)
    if not (lhs.free_symbols | rhs.free_symbols):
        return "numeric"
    if not (lhs - rhs).free_symbols:
        return "tautology"
    return "general"


def summary_table(verdicts: list[Any]) -> str:
    """One row per claim: claim, status, rule, scope; blocked_by when unverified."""
    rows = [("claim", "status", "rule", "scope")]
    for v in verdicts:
        scope = v.scope or "-"
        if v.blocked_by:
            scope += f"  [blocked by {', '.join(v.blocked_by)}]"
        elif v.status == "unverified" and v.detail:
            scope += f"  [{v.detail}]"
        rows.append((v.claim, v.status, v.rule, scope))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row[:3], widths, strict=True))
                     + "  " + row[3] for row in rows)


def run_check(claim_ids: list[str] | None, budget: float, seed: int = 0,
              progress: bool = False, sink: list[StepResult] | None = None,
              ) -> list[StepResult]:
    """Decide the selected claims (all if ``claim_ids`` is None). ``sink``: a list that
    receives each claim's results as soon as they are decided (what an interrupt keeps)."""
    if budget <= 0:
        raise CLIError(f"--budget must be > 0, got {budget}")
    claims = all_claims()
    known = {c.id: c for c in claims}
    if claim_ids:
        unknown = [c for c in claim_ids if c not in known]
        if unknown:
            raise CLIError(f"unknown claim {quote(unknown[0])}; known: {', '.join(known)}")
        claims = [known[c] for c in claim_ids]
    out: list[StepResult] = [] if sink is None else sink
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
    if args.markdown:
        check_output_file(args.markdown, "--markdown", make_parents=True)
    done: list[StepResult] = []
    stop = args.interrupts
    stop.emergency = lambda: stop.once(lambda: _interrupted(list(done), args.json))
    try:
        results = run_check(args.claim, args.budget, args.seed, progress=not args.json,
                            sink=done)
    except Interrupted:
        stop.once(lambda: _interrupted(list(done), args.json))
        return EXIT_INTERRUPTED
    if args.markdown:
        from ..claims.report import write_theory_verdicts

        write_theory_verdicts(results, args.markdown, time.monotonic() - t0)
    if args.certificates:
        from ..proof.certificates import write_certificates

        write_certificates(results, args.certificates)
    if args.summary:
        verdicts = claim_verdicts(results)
        if args.json:
            emit_json([v.record() for v in verdicts])
        else:
            print(summary_table(verdicts))
        return 0
    if args.json:
        emit_json([result_record(r) for r in results])
        return 0
    print(table(results))
    counts = {s: sum(r.verdict.status == s for r in results)
              for s in ("proved", "refuted", "unverified")}
    work = sum(r.verdict.work for r in results)
    print(f"\n{len(results)} steps: {counts['proved']} proved, {counts['refuted']} refuted, "
          f"{counts['unverified']} unverified ({work} work units)")
    print(f"({time.monotonic() - t0:.1f} s)", file=sys.stderr)
    if args.errata:
        print("\nErrata (generated from the refuted steps):")
        for line in errata(results):
            print(f"- {line}")
    return 0


def _interrupted(results: list[StepResult], as_json: bool) -> None:
    """On Ctrl-C/SIGTERM: the claims decided so far (JSON: {"stopped": "interrupted",
    "steps": [...]}), nothing written to --markdown."""
    if as_json:
        emit_json({"stopped": "interrupted", "steps": [result_record(r) for r in results]})
    else:
        if results:
            print(table(results))
        print(f"\nstopped: interrupted after {len(results)} steps "
              f"({len({r.claim for r in results})} claims)")
