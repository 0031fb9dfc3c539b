"""``python -m laprop_theory.search.bench [--quick] [--json]``: how close the searcher gets.

For laprop-update and adam-update on a grid of (μ, ν, T), the fraction of the exact supremum
(:mod:`laprop_theory.bounds.suprema`) reached within given wall-clock budgets, for the searcher
and for plain random search (i.i.d. log-uniform magnitudes on [e^−10, e^10] with i.i.d. random
signs, screened in float64 batches, the best re-evaluated in mpmath). The table prints the gap
1 − fraction (0 means the supremum to 50 digits; "-" where the search had nothing yet).
Cases with an infinite supremum (Adam, ν = 0 < μ) are skipped.

The searcher runs once per case with the largest budget as its time limit (stopping early
once within 1e-12 of the supremum) and the best value after each round is read off at each
budget. Timings depend on the machine and on its load.
"""

from __future__ import annotations

import json
import sys
import time
from typing import Any

import mpmath
import numpy as np

from ..inputs import OneLineParser
from ..numerics import mp_str
from . import engine as E
from . import heuristics as S

FULL = {"mu": ["0", "0.5", "0.9", "0.99"], "nu": ["0", "0.5", "0.9", "0.999"],
        "steps": [5, 12, 50], "budgets": [1.0, 5.0, 15.0, 60.0], "random_max": 5.0}
QUICK = {"mu": ["0", "0.9"], "nu": ["0.5", "0.999"], "steps": [5, 12],
         "budgets": [1.0, 5.0], "random_max": 5.0}
GAP = mpmath.mpf("1e-12")


def run_searcher(problem: E.Problem, budgets: list[float], seed: int = 0, dps: int = 50
                 ) -> tuple[dict[float, Any], float | None]:
    """Best value reached within each budget; seconds until the gap fell below 1e-6."""
    sup = problem.target.exact_supremum(problem.mu, problem.nu, problem.steps, dps)
    records: list[tuple[float, Any]] = []
    start = time.monotonic()

    def on_round(st: E.SearchState) -> None:
        records.append((time.monotonic() - start, st.best.value))

    def stop_now() -> bool:
        if not records:
            return False
        with mpmath.workdps(dps):
            return (sup - records[-1][1]) / sup <= GAP

    state, _ = E.search(problem, seed=seed, dps=dps,
                        limits=E.RunLimits(time_limit=max(budgets), stop_at_supremum=True),
                        on_round=on_round, interrupted=stop_now)
    records.append((time.monotonic() - start, state.best.value))
    out = {}
    for b in budgets:
        vals = [v for t, v in records if t <= b]
        out[b] = max(vals) if vals else None
    t6 = None
    with mpmath.workdps(dps):
        for t, v in records:
            if (sup - v) / sup <= mpmath.mpf("1e-6"):
                t6 = t
                break
    return out, t6


def run_random(problem: E.Problem, budgets: list[float], seed: int = 0, dps: int = 50,
               batch: int = 4096) -> dict[float, Any]:
    """Plain random search: best (mpmath value of the float64-best candidate) per budget."""
    target = problem.target
    objective = S.make_objective(target, problem.mu, problem.nu)
    rng = np.random.default_rng(seed)
    best_v, best = -np.inf, None
    out: dict[float, Any] = {}
    start = time.monotonic()
    pending = sorted(budgets)
    while pending:
        Sx, Xx = S.plain_random(rng, batch, problem.steps)
        vals = objective(Sx, Xx)
        i = int(np.argmax(vals))
        if vals[i] > best_v:
            best_v, best = float(vals[i]), (Sx[i], Xx[i])
        elapsed = time.monotonic() - start
        while pending and elapsed >= pending[0]:
            b = pending.pop(0)
            seq = E.decode_mp([int(v) for v in best[0]], [float(v) for v in best[1]], dps)
            out[b] = E.mp_value(problem, seq, dps)
    return out


def gap_text(value: Any, sup: Any, dps: int = 50) -> str:
    if value is None:
        return "-"
    with mpmath.workdps(dps):
        gap = 1 - value / sup
        if gap <= 0:
            return "0" if gap > -mpmath.mpf(10) ** -40 else "EXCEEDS"
        return mpmath.nstr(gap, 2)


def main(argv: list[str] | None = None) -> int:
    p = OneLineParser(prog="python -m laprop_theory.search.bench", description=__doc__.split(
        "\n")[0])
    p.add_argument("--quick", action="store_true", help="a small grid and 1/5 s budgets")
    p.add_argument("--json", action="store_true")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--targets", default="laprop-update,adam-update")
    args = p.parse_args(argv)
    cfg = QUICK if args.quick else FULL
    budgets = cfg["budgets"]
    rbudgets = [b for b in budgets if b <= cfg["random_max"]]
    rows = []
    head = (f"{'target':<14}{'mu':>5}{'nu':>7}{'T':>4}  {'supremum':<12}"
            + "".join(f"{'S@' + format(b, 'g') + 's':>9}" for b in budgets)
            + f"{'S:1e-6 at':>10}"
            + "".join(f"{'R@' + format(b, 'g') + 's':>9}" for b in rbudgets))
    if not args.json:
        print("gap 1 - value/supremum reached by the searcher (S) and by plain random search (R)")
        print(head)
        sys.stdout.flush()
    for name in args.targets.split(","):
        for T in cfg["steps"]:
            for mu in cfg["mu"]:
                for nu in cfg["nu"]:
                    problem = E.Problem(name, mu, nu, T)
                    sup = problem.target.exact_supremum(mu, nu, T, 50)
                    if sup is None or not mpmath.isfinite(sup):
                        continue
                    s_best, t6 = run_searcher(problem, budgets, args.seed)
                    r_best = run_random(problem, rbudgets, args.seed)
                    row = {"target": name, "mu": mu, "nu": nu, "steps": T,
                           "supremum": mp_str(sup, 30),
                           "searcher_gap": {b: gap_text(s_best[b], sup) for b in budgets},
                           "searcher_seconds_to_1e-6": None if t6 is None else round(t6, 2),
                           "random_gap": {b: gap_text(r_best[b], sup) for b in rbudgets}}
                    rows.append(row)
                    if not args.json:
                        print(f"{name:<14}{mu:>5}{nu:>7}{T:>4}  {mp_str(sup, 6)[:12]:<12}"
                              + "".join(f"{row['searcher_gap'][b]:>9}" for b in budgets)
                              + f"{'-' if t6 is None else format(t6, '.1f') + 's':>10}"
                              + "".join(f"{row['random_gap'][b]:>9}" for b in rbudgets))
                        sys.stdout.flush()
    if args.json:
        json.dump(rows, sys.stdout, indent=1)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
