"""Lemma 4 of Reddi, Kale & Kumar (2018) (McMahan & Streeter 2010), Appendix G, [G1]-[G3].

Lemma 4: for Q ∈ S^d_+ and convex F, u_k = Π_{F,Q}(z_k) satisfy
‖Q^{1/2}(u_1 − u_2)‖ ≤ ‖Q^{1/2}(z_1 − z_2)‖ (Theorem 4's proof uses it at [D2] row 1).

Encoding: **instance d = 1**: Q = q > 0, F = [0, D_inf] (D_inf > 0), z_1, z_2 real, and u_k the
projection of z_k (:func:`._defs.project`; in one dimension every Q gives the Euclidean
projection). The lemma prints "u_1 = min_{x∈F} ‖Q^{1/2}(x − z_1)‖"; it is read as the
minimiser (argmin), the only reading under which u_1 − u_2 is a vector of R^d.
"""

from __future__ import annotations

import sympy as sp

from ...proof.core import Claim, Domain, Step
from ._defs import POS, REAL, SOURCE, Dinf, project

q = sp.Symbol("q", real=True)
z1 = sp.Symbol("z1", real=True)
z2 = sp.Symbol("z2", real=True)

INST = "instance d = 1, Q = q > 0, F = [0, D_inf], u_k = projection of z_k onto F"


def claims() -> list[Claim]:
    u1, u2 = project(z1, 0, Dinf), project(z2, 0, Dinf)
    dom = Domain({q: POS, z1: REAL, z2: REAL, Dinf: POS})

    def ip(a, b):  # ⟨a, Q b⟩ in one dimension
        return a * q * b

    stmt = Step("statement", sp.sqrt(q) * sp.Abs(u1 - u2), "<=", sp.sqrt(q) * sp.Abs(z1 - z2),
                dom, "Lemma 4", "||Q^(1/2)(u1 - u2)|| <= ||Q^(1/2)(z1 - z2)||", INST)
    steps = [
        Step("G1.1", ip(z1 - u1, z2 - z1), ">=", 0, dom, "[G1] first",
             "from the property of projection operator", INST + "; as printed"),
        Step("G1.2", ip(z2 - u2, z1 - z2), ">=", 0, dom, "[G1] second",
             "from the property of projection operator", INST + "; as printed"),
        Step("G2", ip(u2 - u1, z2 - z1), ">=", ip(z2 - z1, z2 - z1), dom, "(24)",
             "Combining the above inequalities", INST),
        Step("G3", ip(u2 - u1, z2 - z1), "<=",
             (ip(u2 - u1, u2 - u1) + ip(z2 - z1, z2 - z1)) / 2, dom, "[G3]",
             "from <(u2 - u1) - (z2 - z1), Q((u2 - u1) - (z2 - z1))> >= 0 as Q is positive "
             "semidefinite, and rearranging the terms", INST),
    ]
    return [Claim("amsgrad2018-lemma4", "Reddi et al. (2018) Lemma 4: the Q-projection is "
                  "non-expansive in the Q-norm", stmt, tuple(steps), "Appendix G",
                  note=SOURCE, scope="instance only: d = 1, F = [0, D_inf]",
                  for_all=("q", "z1", "z2", "D_inf"))]
