"""Eq. (8), Sec. 3.1: Adam with ν → 0 and μ ≠ 0 has an update of infinite variance.

g_i i.i.d. standard normal (the scale cancels). Encodings: the pointwise identities at t = 2
with g1, g2 as symbols (the update from :mod:`laprop_theory.recurrences` run in sympy, at ν = 0
since it is continuous in ν there when g2 ≠ 0, with a step proving that limit); the moments as
exact improper integrals, E[1/g²] = ∫ φ(x)/x² dx. A ratio such as g1/g2 has no mean (it is
Cauchy), so "Var = ∞" is read as "E[X²] = ∞", the only sense in which it holds.
"""

from __future__ import annotations

import sympy as sp

from .. import recurrences as R
from ..proof.core import Claim, Domain, Range, Step
from ._sym import REAL, UNIT, g1, g2, make, mu, nu, sym_run

x = sp.Symbol("x", real=True)
PHI = sp.exp(-x**2 / 2) / sp.sqrt(2 * sp.pi)
E_INV_SQ = sp.Integral(PHI / x**2, (x, -sp.oo, sp.oo))  # E[1/g²] for g ~ N(0, 1)
E_SQ = sp.Integral(PHI * x**2, (x, -sp.oo, sp.oo))      # E[g²] = 1
MU_POS = Range(0, 1, lo_open=True, hi_open=True)


def claims() -> list[Claim]:
    adam = make(R.Adam, lr=1, mu=mu, nu=nu)
    st = sym_run(adam, [g1, g2]).states[-1]
    ratio = st["m"][0] / sp.sqrt(st["n"][0])
    ratio0 = ratio.subs(nu, 0)
    nz = Domain({mu: UNIT, g1: REAL, g2: REAL}, (sp.Ne(g2, 0),))
    printed_inner = (mu * g1 + g2) / g2
    steps = [
        Step("limit", sp.Limit(ratio, nu, 0, "+"), "=", ratio0, nz, "(8)",
             "lim_{nu -> 0} m_t/sqrt(n_t)", "t = 2: the limit is the value at nu = 0"),
        Step("inner", ratio0, "=", printed_inner, nz, "(8) first '='",
             "lim_{nu->0} m_t/sqrt(n_t) = sum_i mu^{t-i} g_i / g_t",
             "t = 2, pointwise (m_t from recurrences.Adam carries the factor 1 - mu and "
             "sqrt(n_t) = |g_t|)"),
        Step("inner.corrected", ratio0, "=", (1 - mu) * (mu * g1 + g2) / sp.Abs(g2), nz,
             "(8)", "our correction: (1 - mu) sum_i mu^{t-i} g_i / |g_t|", "t = 2"),
        Step("second-moment", mu**2 * E_SQ * E_INV_SQ + 1, ">=", mu**2 * E_SQ * E_INV_SQ,
             Domain({mu: MU_POS}), "(8) '>='",
             "Var[sum_i mu^{t-i} g_i/g_t] >= Var[mu g_{t-1}/g_t]",
             "t = 2, second moments: E[(mu g1/g2 + 1)^2] = mu^2 E[g1^2] E[1/g2^2] + 1 (the "
             "cross term 2 mu E[g1] E[1/g2] read as 0 by symmetry); holds as oo >= oo"),
        Step("infinite", mu**2 * E_SQ * E_INV_SQ, "=", sp.oo, Domain({mu: MU_POS}),
             "(8) '= oo'", "Var[mu g_{t-1}/g_t] = oo for t > 1",
             "E[(mu g1/g2)^2] = mu^2 E[g1^2] E[1/g2^2]; needs mu != 0"),
    ]
    stmt = Step("statement", (1 - mu) ** 2 * (mu**2 * E_SQ * E_INV_SQ + 1), "=", sp.oo,
                Domain({mu: MU_POS}), "(8)",
                "Var[lim_{nu->0} m_t/sqrt(n_t)] = oo for t > 1 (mu != 0)",
                "t = 2: E[((1 - mu)(mu g1 + g2)/|g2|)^2] with g1, g2 iid N(0, 1)")
    return [Claim("eq8", "Eq. (8): Adam's update diverges as nu -> 0 with mu > 0", stmt,
                  tuple(steps), "Sec. 3.1")]
