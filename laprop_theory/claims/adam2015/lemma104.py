"""Lemma 10.4 of Kingma & Ba (2015) and its printed proof (displays [D4]-[D7]).

Printed statement: for beta1, beta2 in [0, 1) with gamma = beta1^2/sqrt(beta2) < 1 and bounded
gradients, ``sum_{t=1}^T m_hat_{t,i}^2/sqrt(t v_hat_{t,i})
<= 2/(1 - gamma) * 1/sqrt(1 - beta2) * ||g_{1:T,i}||_2``.

m_hat_t and v_hat_t are read from :class:`laprop_theory.recurrences.Adam2015` with a constant
beta1 (lambda = 1: Lemma 10.4 and its proof use Algorithm 1's beta1, "the update rules in
Algorithm 1"), run in sympy on one coordinate.

Encodings (named in each step's note):

* ``statement``: instance T = 34 along the gradients g_t = 1/sqrt(t) (a sequence inside the
  hypotheses, with G_inf = 1), beta1 = 0 (so gamma = 0 < 1), beta2 a symbol. The left side
  then tends to sum_t 1/t (the harmonic number H_T) and the right side to 2 sqrt(H_T) as
  beta2 -> 0, and H_T > 4 from T = 31 on. One failing instance refutes the
  lemma; a proof there would prove nothing more than that instance.
* ``instance T = 2``: the displays [D4]-[D7] with g_1, g_2 (nonzero: [D4] divides by each
  |g_k|), beta1, beta2 symbols; where that form is beyond the default budget, at the point
  beta1 = 1/2, beta2 = 9/25 (named in the note); [D7] with g_k = G_inf u_k, |u_k| <= 1.
* ``symbolic t``: the prose premise, for every integer t >= 1.
"""

from __future__ import annotations

import sympy as sp

from ...proof.core import Claim, Domain, Range, Step
from ._defs import BETA2, GAMMA_LT1, UNIT, Ginf, adam_run, beta1, beta2, g1, g2, gamma, trimmed, tt

T_STATEMENT = 34
gam = sp.Symbol("gamma", real=True)


def _lhs(grads: list, b1: sp.Expr) -> sp.Expr:
    """sum_t m_hat_t^2 / sqrt(t v_hat_t) of the exact run (Lemma 10.4's left side) at
    beta1 = ``b1``."""
    r = adam_run(grads, lam_=1)
    return sp.Add(*((mh**2 / sp.sqrt(k * vh)).xreplace({beta1: b1})
                    for k, (mh, vh) in enumerate(zip(r["m_hat"], r["v_hat"], strict=True), 1)))


def statement() -> Step:
    """Lemma 10.4 at T = 34, g_t = 1/sqrt(t) (instance)."""
    grads = [1 / sp.sqrt(k) for k in range(1, T_STATEMENT + 1)]
    norm = sp.sqrt(sum(x**2 for x in grads))
    rhs = (2 / (1 - gamma) * 1 / sp.sqrt(1 - beta2) * norm).xreplace({beta1: 0})
    return Step("statement", _lhs(grads, sp.Integer(0)), "<=", rhs,
                Domain({beta2: BETA2}), "Lemma 10.4", "(statement of the lemma)",
                f"instance T = {T_STATEMENT}, one coordinate, g_t = 1/sqrt(t) (|g_t| <= 1 = "
                "G_inf), beta1 = 0 (gamma = 0), beta2 a symbol in (0, 1); m_hat, v_hat from "
                "recurrences.Adam2015 (lambda = 1)")


U1, U2 = sp.symbols("u_1 u_2", real=True)
#: the parameter point of the instances whose symbolic-beta form is beyond the default budget
#: (gamma = (1/4)/(3/5) = 5/12; sqrt(beta2) and sqrt(1 - beta2) are rational)
B_POINT = {beta1: sp.Rational(1, 2), beta2: sp.Rational(9, 25)}


def rows(gs: list, b1: sp.Expr = beta1, b2: sp.Expr = beta2) -> dict[str, sp.Expr]:
    """The printed right-hand sides of [D4]-[D7] at T = len(gs) (``total`` is the exact left
    side sum_{t<=T} m_hat_t^2/sqrt(t v_hat_t), ``prefix`` its first T - 1 terms), with
    beta1 = ``b1``, beta2 = ``b2``. ``||g_{k,i}||_2`` of a scalar is |g_k|."""
    Tn = len(gs)
    run = adam_run(gs, lam_=1)
    mh = [sp.factor(x.xreplace({beta1: b1, beta2: b2})) for x in run["m_hat"]]
    vh = [sp.factor(x.xreplace({beta1: b1, beta2: b2})) for x in run["v_hat"]]
    terms = [mh[k] ** 2 / sp.sqrt((k + 1) * vh[k]) for k in range(Tn)]
    prefix, total = sp.Add(*terms[:-1]), sp.Add(*terms)
    gm = b1**2 / sp.sqrt(b2)
    corr = sp.sqrt(1 - b2**Tn) / (1 - b1**Tn) ** 2
    vsum = sum((1 - b2) * b2 ** (Tn - j) * gs[j - 1] ** 2 for j in range(1, Tn + 1))
    a = [(1 - b1) * b1 ** (Tn - k) * gs[k - 1] for k in range(1, Tn + 1)]
    ks = range(1, Tn + 1)
    return {
        "total": total,
        "D4.1": prefix + corr * sum(a) ** 2 / sp.sqrt(Tn * vsum),
        "D4.2": prefix + corr * sum(Tn * ak**2 / sp.sqrt(Tn * vsum) for ak in a),
        "D4.3": prefix + corr * sum(
            Tn * a[k - 1] ** 2 / sp.sqrt(Tn * (1 - b2) * b2 ** (Tn - k) * gs[k - 1] ** 2)
            for k in ks),
        "D4.4": prefix + corr * (1 - b1) ** 2 / sp.sqrt(Tn * (1 - b2)) * sum(
            Tn * (b1**2 / sp.sqrt(b2)) ** (Tn - k) * sp.sqrt(gs[k - 1] ** 2) for k in ks),
        "D4.5": prefix + Tn / sp.sqrt(Tn * (1 - b2)) * sum(
            gm ** (Tn - k) * sp.sqrt(gs[k - 1] ** 2) for k in ks),
        "D5.1": sum(sp.sqrt(gs[k - 1] ** 2) / sp.sqrt(k * (1 - b2))
                    * sum(k * gm**j for j in range(0, Tn - k + 1)) for k in ks),
        "D5.2": sum(sp.sqrt(gs[k - 1] ** 2) / sp.sqrt(k * (1 - b2))
                    * sum(k * gm**j for j in range(0, Tn + 1)) for k in ks),
        "D6": 1 / ((1 - gm) ** 2 * sp.sqrt(1 - b2)) * sum(
            sp.sqrt(gs[k - 1] ** 2) / sp.sqrt(k) for k in ks),
        "D7": 2 * Ginf / ((1 - gm) ** 2 * sp.sqrt(1 - b2)) * sp.sqrt(sum(x**2 for x in gs)),
    }


def steps() -> list[Step]:
    """Every printed line of the proof, in order."""
    inst = ("instance T = 2, one coordinate, g_1, g_2 != 0 symbols (no bound needed: no "
            "G_inf in the line), beta1, beta2 symbols; m_hat, v_hat from "
            "recurrences.Adam2015 (lambda = 1)")
    inst_b = ("instance T = 2, g_1, g_2 != 0 symbols, at beta1 = 1/2, beta2 = 9/25 (the "
              "symbolic-beta form is beyond the default budget); m_hat, v_hat from "
              "recurrences.Adam2015 (lambda = 1)")
    inst_g = ("instance T = 2, g_k = G_inf u_k with |u_k| <= 1, u_k != 0 (exactly the bounded "
              "gradients), beta1, beta2 symbols; m_hat, v_hat from recurrences.Adam2015 "
              "(lambda = 1)")
    dom = Domain({g1: Range(), g2: Range(), beta1: UNIT, beta2: BETA2},
                 (sp.Ne(g1, 0), sp.Ne(g2, 0), GAMMA_LT1))
    dom_b = Domain({g1: Range(), g2: Range()}, (sp.Ne(g1, 0), sp.Ne(g2, 0)))
    dom_g = Domain({Ginf: Range(0, sp.oo, lo_open=True), U1: Range(-1, 1), U2: Range(-1, 1),
                    beta1: UNIT, beta2: BETA2}, (sp.Ne(U1, 0), sp.Ne(U2, 0), GAMMA_LT1))
    r = rows([g1, g2])
    rb = rows([g1, g2], *B_POINT.values())
    rg = rows([Ginf * U1, Ginf * U2])
    t_dom = Domain({beta1: UNIT, beta2: BETA2, tt: Range(1, sp.oo, integer=True)})
    ag_dom = Domain({gam: Range(0, 1, hi_open=True)})
    return [
        Step("pre", sp.sqrt(1 - beta2**tt) / (1 - beta1**tt) ** 2, "<=", 1 / (1 - beta1) ** 2,
             t_dom, "Lemma 10.4 proof, first sentence", "Under the assumption",
             "symbolic t (every integer t >= 1)"),
        Step("D4.1", r["total"], "=", r["D4.1"], dom, "[D4] row 1",
             "expand the last term in the summation using the update rules in Algorithm 1",
             inst),
        Step("D4.2", rb["D4.1"], "<=", rb["D4.2"], dom_b, "[D4] row 2", "", inst_b),
        Step("D4.3", r["D4.2"], "<=", r["D4.3"], dom, "[D4] row 3", "", inst),
        Step("D4.4", r["D4.3"], "<=", r["D4.4"], dom, "[D4] row 4", "",
             inst + "; ||g_{k,i}||_2 of a scalar read as |g_k|"),
        Step("D4.5", r["D4.4"], "<=", r["D4.5"], dom, "[D4] row 5", "", inst),
        Step("D5.1", rb["total"], "<=", rb["D5.1"], dom_b, "[D5] row 1",
             "Similarly, we can upper bound the rest of the terms in the summation", inst_b),
        Step("D5.2", r["D5.1"], "<=", r["D5.2"], dom, "[D5] row 2", "", inst),
        Step("ag", sum(k * gam**k for k in range(1, 6)), "<", 1 / (1 - gam) ** 2, ag_dom,
             "Lemma 10.4 proof, line before [D6]",
             "the upper bound on the arithmetic-geometric series",
             "instance: the sum over t = 1..5, gamma in [0, 1)"),
        Step("D6", r["D5.2"], "<=", r["D6"], dom, "[D6]", "For gamma < 1, using the upper bound "
             "on the arithmetic-geometric series", inst),
        Step("D7", rg["total"], "<=", rg["D7"], dom_g, "[D7]", "Apply Lemma 10.3", inst_g),
    ]


def claim() -> Claim:
    """The claim ``adam2015-lemma10.4``; its verdict is its statement step's."""
    return Claim("adam2015-lemma10.4",
                 "Kingma & Ba (2015), Lemma 10.4: sum_t m_hat_t,i^2/sqrt(t v_hat_t,i) <= "
                 "2/((1 - gamma) sqrt(1 - beta2)) ||g_{1:T,i}||_2", trimmed(statement()),
                 tuple(map(trimmed, steps())),
                 "Appendix 10.1, Lemma 10.4, displays [D4]-[D7]",
                 scope=f"instance T = {T_STATEMENT}, g_t = 1/sqrt(t) (statement); the proof "
                       "lines at T = 2", for_all=("T", "g_1..g_T", "beta1", "beta2"))
