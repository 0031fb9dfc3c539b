"""The reported result of a search: mpmath values of the best exact candidate, the bound,
the ratio, the certification, and the exact supremum where known."""

from __future__ import annotations

from typing import Any

import mpmath

from ..numerics import MP, mp_str
from .certify import certify
from .engine import Problem, SearchState, fraction_of
from .heuristics import SMALL_T


def build_result(problem: Problem, state: SearchState, *, seed: int, dps: int, stopped: str,
                 prec_bits: int | None = None, quick: bool = False) -> dict[str, Any]:
    """The JSON-able result. The value is recomputed with the reference ``MP`` backend on the
    exact decimal sequence; a violation (value > bound) is certified in ball arithmetic.

    ``quick`` (after an interrupt, which must end within a second): the value is the one the
    search computed with ``MPV`` (bit-identical to ``MP``,
    tests/theory/search/test_search.py), and above
    :data:`~laprop_theory.search.heuristics.SMALL_T` a violation is not certified (the reason
    says so; rerun with the same --out to certify it)."""
    target = problem.target
    mu, nu, T = problem.mu, problem.nu, problem.steps
    digits = max(30, dps - 10)
    best = state.best
    with mpmath.workdps(dps):
        if best.value is None:
            value = None
        elif quick:
            value = +best.value
        else:
            value = target.mp(best.sequence, mu, nu, dps, backend=MP)
        bound = target.bound(mu, nu, T, dps)
        sup = target.exact_supremum(mu, nu, T, dps)
        paper = target.paper_bound(mu, nu, T, dps)
        upper = target.upper_bound(mu, nu, T, dps)
        ratio = None if (value is None or bound is None) else value / bound
        violation = ratio is not None and ratio > 1
        # beyond rounding: both are computed at dps digits, each to within a few ulps
        tol = mpmath.mpf(10) ** (-(dps - 10))
        exceeds_sup = (value is not None and sup is not None and mpmath.isfinite(sup)
                       and value > sup * (1 + tol))

    def text(x: Any) -> str | None:
        if x is None:
            return None
        if not mpmath.isfinite(x):
            return "inf" if x > 0 else str(x)
        return mp_str(x, digits)

    if violation and quick and T > SMALL_T:
        cert = {"certified": False, "reason": "not attempted: the search was interrupted "
                "(run it again with the same --out to certify)"}
    elif violation:
        cert = certify(target, best.sequence, mu, nu,
                       prec_bits=prec_bits or int(dps * 3.33 * 2) + 64).as_dict()
    elif bound is None:
        cert = {"certified": False, "reason": "the target has no bound"}
    else:
        cert = {"certified": False, "reason": "no violation found (value <= bound)"}
    return {
        "target": problem.target_name,
        "description": target.description,
        "mu": mu, "nu": nu, "steps": T,
        "options": dict(problem.options),
        "seed": seed,
        "best_value": text(value),
        "sequence": list(best.sequence),
        "bound": text(bound),
        "ratio": text(ratio),
        "certified_violation": bool(cert["certified"]),
        "certification": cert,
        "exact_supremum": text(sup),
        "fraction_of_supremum": fraction_of(value, sup, dps),
        "exceeds_exact_supremum": bool(exceeds_sup),
        "paper_bound": text(paper),
        "known_upper_bound": text(upper),
        "digits": dps,
        "evaluations": state.evaluations,
        "rounds": state.rounds,
        "seconds": round(state.seconds, 3),
        "stopped": stopped,
    }
