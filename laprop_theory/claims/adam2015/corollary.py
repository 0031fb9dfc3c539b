"""Corollary 4.2 of Kingma & Ba (2015): ``R(T)/T = O(1/sqrt(T))``, and its printed argument.

The printed proof is one sentence: "This result can be obtained by using Theorem 4.1 and
sum_i ||g_{1:T,i}||_2 <= d G_inf sqrt(T). Thus, lim_{T -> oo} R(T)/T = 0."

An O-statement is about all T at once; no finite relation at one point can refute it. The
statement step therefore encodes what the printed argument asserts: Theorem 4.1's bound B(T)
(in place of R(T), which is where Theorem 4.1 enters), with sum_i ||g_{1:T,i}||_2 <=
d G_inf sqrt(T) and the paragraph's sum_i sqrt(T v_hat_{T,i}) <= d G_inf sqrt(T), satisfies
B(T)/T <= C/sqrt(T) with an explicit constant C, for every T >= 1 (T real, a superset of the
integers), d = 1. Its verdict can only make the claim "unverified (instance only)": the
corollary also needs Theorem 4.1, which the checker refutes (``adam2015-theorem10.5``).
"""

from __future__ import annotations

import sympy as sp

from ...proof.core import Claim, Range, Step
from ._defs import (
    NONNEG,
    D,
    Dinf,
    Ginf,
    adam_run,
    alpha,
    beta1,
    beta2,
    g1,
    g2,
    gamma,
    grad_domain,
    lam,
    params_domain,
    trimmed,
)

T_c = sp.Symbol("T", positive=True)


def _coefficients() -> tuple[sp.Expr, sp.Expr, sp.Expr]:
    """Theorem 4.1's three coefficients (d = 1): of sqrt(T v_hat_T), of ||g_{1:T}||_2, and
    the constant term."""
    c1 = D**2 / (2 * alpha * (1 - beta1))
    c2 = alpha * (1 + beta1) * Ginf / ((1 - beta1) * sp.sqrt(1 - beta2) * (1 - gamma) ** 2)
    c3 = Dinf**2 * Ginf * sp.sqrt(1 - beta2) / (2 * alpha * (1 - beta1) * (1 - lam) ** 2)
    return c1, c2, c3


def worst_bound(T: sp.Expr) -> sp.Expr:
    """B(T) with both sums at the printed upper bound d G_inf sqrt(T), d = 1."""
    c1, c2, c3 = _coefficients()
    return c1 * Ginf * sp.sqrt(T) + c2 * Ginf * sp.sqrt(T) + c3


def statement() -> Step:
    c1, c2, c3 = _coefficients()
    const = c1 * Ginf + c2 * Ginf + c3
    dom = params_domain(extra={D: NONNEG, Dinf: NONNEG, T_c: Range(1, sp.oo)})
    return Step("statement", worst_bound(T_c) / T_c, "<=", const / sp.sqrt(T_c), dom,
                "Corollary 4.2", "(statement of the corollary: R(T)/T = O(1/sqrt(T)))",
                "symbolic T >= 1 (real), d = 1; R(T) replaced by Theorem 4.1's bound with "
                "both sums at d G_inf sqrt(T); the O-constant C = B(1) is explicit")


def steps() -> list[Step]:
    run = adam_run([g1, g2])
    inst = "instance T = 2, d = 1, g_1, g_2 symbols with |g_t| <= G_inf"
    return [
        Step("C.1", sp.sqrt(g1**2 + g2**2), "<=", Ginf * sp.sqrt(2), grad_domain(g1, g2),
             "Corollary 4.2, proof sentence",
             "sum_i ||g_{1:T,i}||_2 <= d G_inf sqrt(T)", inst),
        Step("C.2", sp.sqrt(2 * run["v_hat"][1]), "<=", Ginf * sp.sqrt(2),
             params_domain(g1, g2, constraints=(sp.Ne(g2, 0),)),
             "Section 4, paragraph after Theorem 4.1",
             "sum_i sqrt(T v_hat_{T,i}) << d G_inf sqrt(T)",
             inst + ", g_2 != 0; '<<' read as <=; v_hat_2 from recurrences.Adam2015"),
        Step("C.3", sp.Limit(worst_bound(T_c) / T_c, T_c, sp.oo), "=", 0,
             params_domain(extra={D: NONNEG, Dinf: NONNEG}), "Corollary 4.2, last sentence",
             "Thus, lim_{T -> oo} R(T)/T = 0",
             "symbolic T -> oo; R(T) replaced by Theorem 4.1's bound with both sums at "
             "d G_inf sqrt(T), d = 1"),
    ]


def claim() -> Claim:
    """The claim ``adam2015-corollary4.2`` (no derivation: unverified at best)."""
    return Claim("adam2015-corollary4.2",
                 "Kingma & Ba (2015), Corollary 4.2: R(T)/T = O(1/sqrt(T))",
                 trimmed(statement()), tuple(map(trimmed, steps())), "Section 4, Corollary 4.2",
                 note="rests on Theorem 4.1 (adam2015-theorem10.5); the statement step is the "
                      "printed argument's bound, not R(T) itself",
                 scope="Theorem 4.1's bound divided by T, every real T >= 1, d = 1",
                 for_all=("T",))
