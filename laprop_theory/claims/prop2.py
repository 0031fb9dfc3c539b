"""Proposition 2 (Sec. 4), its proof (Appendix A.2, Eqs. 13-15), and the sentences about its
condition (Sec. 4 after Prop. 2; Sec. 3.1).

Encodings: statements at fixed t (gradients as symbols; the update from
:class:`laprop_theory.recurrences.Adam` run in sympy); proof lines as an induction step with
m = m_{t−1}, n = n_{t−1} > 0, g = g_t ≠ 0 symbols at a symbolic t; the condition μ < √ν is
encoded by the reparametrisation μ = γ √ν, γ ∈ [0, 1), where the paper assumes it.
"""

from __future__ import annotations

import sympy as sp

from .. import recurrences as R
from ..proof import kernel as K
from ..proof.core import Claim, Domain, Range, Step
from ._sym import (
    POS,
    REAL,
    T_GE1,
    T_GE2,
    UNIT,
    UNIT_OPEN,
    g,
    g1,
    g2,
    g3,
    gamma,
    m,
    make,
    mu,
    n,
    nu,
    sym_run,
    sym_step,
    sym_update,
    system,
    t,
)

GAMMA = Range(0, 1, hi_open=True)


def _adam(mu_=mu, nu_=nu):
    return make(R.Adam, lr=1, mu=mu_, nu=nu_)


def statement_claim() -> Claim:
    a = _adam()
    d2 = sym_update(a, [g1, g2])
    dom2 = Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL},
                  (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g2, 0)))
    stated = 1 / (1 - mu / sp.sqrt(nu))
    stmt = Step("statement", sp.Abs(d2), "<=", stated, dom2, "Prop. 2",
                "|m_t/(c_m sqrt(n_t/c_n))| <= 1/(1 - gamma), gamma = mu/sqrt(nu) < 1",
                "fixed t = 2, g1, g2 real symbols (g2 != 0); update from recurrences.Adam")
    d1 = sym_update(a, [g])
    d3 = sym_update(a, [g1, g2, g3])
    steps = [
        Step("t=1", sp.Abs(d1), "<=", stated,
             Domain({mu: UNIT, nu: UNIT_OPEN, g: REAL}, (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g, 0))),
             "Prop. 2", "as stated, at t = 1", "fixed t = 1"),
        Step("t=3", sp.Abs(d3), "<=", stated,
             Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL, g3: REAL},
                    (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g3, 0))),
             "Prop. 2", "as stated, at t = 3", "fixed t = 3, gradients as symbols"),
    ]
    return Claim("prop2-statement", "Proposition 2 as stated: |Adam update| <= 1/(1 - gamma)",
                 stmt, tuple(steps), "Sec. 4")


def proof_claim() -> Claim:
    a = _adam()
    state, _ = sym_step(a, {"m": m, "n": n}, g, t)
    m_t, n_t = state["m"], state["n"]
    dom = Domain({mu: UNIT, nu: UNIT_OPEN, m: REAL, n: POS, g: REAL}, (sp.Ne(g, 0),))
    ind = "induction step: m = m_{t-1}, n = n_{t-1} > 0, g = g_t != 0 symbols"
    gam = mu / sp.sqrt(nu)
    a_ = (1 - mu) / sp.sqrt(1 - nu)
    l1 = mu * sp.Abs(m) / sp.sqrt(n_t) + (1 - mu) * sp.Abs(g) / sp.sqrt(n_t)
    l2 = mu * sp.Abs(m) / sp.sqrt(nu * n) + (1 - mu) * sp.Abs(g) / sp.sqrt((1 - nu) * g**2)

    def geo(upto):  # Σ_{j=0}^{upto} γ^j in closed form (γ ≠ 1)
        return (1 - gam ** (upto + 1)) / (1 - gam)

    dom_t = Domain({gamma: Range(0), nu: UNIT_OPEN, t: T_GE2},
                   (sp.Ne(gamma, 1), sp.Lt(gamma * sp.sqrt(nu), 1)))
    # Under the assumption mu < sqrt(nu): mu = gamma sqrt(nu).
    sub = {mu: gamma * sp.sqrt(nu)}
    dom_g = Domain({gamma: GAMMA, nu: UNIT_OPEN, t: T_GE1})
    bound14 = a_ / (1 - gam)
    steps = [
        Step("13.1", sp.Abs(m_t) / sp.sqrt(n_t), "<=", l1, dom, "(13) line 1",
             "triangle inequality", ind),
        Step("13.2", l1, "<=", l2, dom, "(13) line 2",
             "n_t >= nu n_{t-1} and n_t >= (1 - nu) g_t^2", ind),
        Step("13.2'", l2, "=", gam * sp.Abs(m) / sp.sqrt(n) + a_, dom, "(13) line 2",
             "line 2 is x_t <= gamma x_{t-1} + (1 - mu)/sqrt(1 - nu), x_t = |m_t|/sqrt(n_t)",
             "our rewriting, used by line 3"),
        Step("13.3.base", sp.Abs(sym_run(a, [g]).states[-1]["m"][0])
             / sp.sqrt(sym_run(a, [g]).states[-1]["n"][0]), "<=", a_ * geo(1),
             Domain({mu: UNIT, nu: UNIT_OPEN, g: REAL}, (sp.Ne(g, 0), sp.Ne(mu, sp.sqrt(nu)))),
             "(13) line 3", "unrolling, t = 1", "base case from recurrences.Adam"),
        Step("13.3", (gam * a_ * geo(t - 1) + a_).xreplace(sub), "<=",
             (a_ * geo(t)).xreplace(sub), dom_t, "(13) line 3",
             "unrolling the recursion: x_t <= (1 - mu)/sqrt(1 - nu) sum_{t'=0}^t gamma^t'",
             "induction step with the hypothesis x_{t-1} <= a sum_{t'<=t-1} gamma^t' "
             "substituted (line 2 is nondecreasing in x_{t-1}); geometric sums in closed form, "
             "mu = gamma sqrt(nu) with any gamma >= 0, gamma != 1"),
        Step("14", (a_ * geo(t)).xreplace(sub), "<=", bound14.xreplace(sub), dom_g, "(14)",
             "if mu < sqrt(nu): sum_{t'=0}^t gamma^t' <= 1/(1 - gamma)",
             "mu = gamma sqrt(nu), gamma in [0, 1)"),
        Step("15", (bound14 * sp.sqrt(1 - nu**t) / (1 - mu**t)).xreplace(sub), "<=",
             (1 / (sp.sqrt(1 - nu) * (1 - gam))).xreplace(sub), dom_g, "(15)",
             "putting in the bias corrections",
             "multiplies (14) by sqrt(c_n)/c_m; mu = gamma sqrt(nu)"),
        Step("15.reached", (1 / (sp.sqrt(1 - nu) * (1 - gam))).xreplace(sub), "<=",
             (1 / (1 - gam)).xreplace(sub), Domain({gamma: GAMMA, nu: UNIT_OPEN}),
             "(15) vs Prop. 2", "the proof ends with 'and we are done'",
             "does the bound the proof reaches, 1/(sqrt(1-nu)(1-gamma)), imply Prop. 2's "
             "1/(1-gamma)?"),
    ]
    stmt = Step("statement", sp.Abs(sym_update(a, [g1, g2])), "<=",
                1 / (sp.sqrt(1 - nu) * (1 - mu / sp.sqrt(nu))),
                Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL},
                       (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g2, 0))),
                "(15)", "the bound the proof actually reaches",
                "fixed t = 2, g1, g2 symbols; update from recurrences.Adam")
    # ---- every t (kernel): the proof's recursion x_t <= gamma x_{t-1} + a (13) as an
    # invariant of every run, x_t = |m_t|/sqrt(n_t) <= a (1 - gamma^t)/(1 - gamma), then the
    # bias corrections (14)-(15). mu = gamma sqrt(nu) with gamma in [0, 1) (mu < sqrt(nu)).
    a_g = _adam(gamma * sp.sqrt(nu), nu)
    sysm = system(a_g, "Adam (mu = gamma sqrt(nu))", Domain({gamma: GAMMA, nu: UNIT_OPEN}),
                  Domain({g: REAL}, (sp.Ne(g, 0),)))
    a_gam = ((1 - mu) / sp.sqrt(1 - nu)).xreplace(sub)
    invariant = ((n, ">", 0),
                 (sp.Abs(m) / sp.sqrt(n), "<=", a_gam * (1 - gamma**t) / (1 - gamma)))
    obl = [Step(o.id, o.lhs, o.rel, o.rhs, o.domain, "(13)",
                "x_t <= gamma x_{t-1} + (1 - mu)/sqrt(1 - nu) unrolled" if "step" in o.id
                else "base case t = 1", "kernel obligation, built from recurrences.Adam with "
                "mu = gamma sqrt(nu)") for o in K.obligation_steps(sysm, invariant)]
    # the paper's lines (13) in gamma form over the obligation's domain, chained by the kernel
    m_g, n_g = sysm.update[m], sysm.update[n]
    mu_g = gamma * sp.sqrt(nu)
    step_dom = obl[-1].domain
    x_g = sp.Abs(m_g) / sp.sqrt(n_g)
    k1 = mu_g * sp.Abs(m) / sp.sqrt(n_g) + (1 - mu_g) * sp.Abs(g) / sp.sqrt(n_g)
    k2 = mu_g * sp.Abs(m) / sp.sqrt(nu * n) + (1 - mu_g) * sp.Abs(g) / sp.sqrt((1 - nu) * g**2)
    k3 = gamma * sp.Abs(m) / sp.sqrt(n) + a_gam
    hyp_note = ("induction step, mu = gamma sqrt(nu), hypothesis "
                "x_{t-1} <= a (1 - gamma^(t-1))/(1 - gamma)")
    lines13 = [
        Step("13.1.g", x_g, "<=", k1, step_dom, "(13) line 1", "triangle inequality", hyp_note),
        Step("13.2.g", k1, "<=", k2, step_dom, "(13) line 2",
             "n_t >= nu n_{t-1} and n_t >= (1 - nu) g_t^2", hyp_note),
        Step("13.2'.g", k2, "=", k3, step_dom, "(13) line 2", "rewriting with gamma = mu/sqrt(nu)",
             hyp_note),
        Step("13.3.hyp", k3, "<=", a_gam * (1 - gamma**t) / (1 - gamma), step_dom, "(13) line 3",
             "unrolling: gamma x_{t-1} + a <= a (1 - gamma^t)/(1 - gamma) under the hypothesis",
             hyp_note),
    ]
    upd = (m / (1 - (gamma * sp.sqrt(nu)) ** t)) / sp.sqrt(n / (1 - nu**t))
    goal = (sp.Abs(upd), "<=", 1 / (sp.sqrt(1 - nu) * (1 - gamma)))
    implies = Step("ind.implies", goal[0], goal[1], goal[2],
                   Domain({gamma: GAMMA, nu: UNIT_OPEN, m: REAL, n: REAL,
                           t: Range(1, sp.oo, integer=True)},
                          (sp.Gt(n, 0), sp.Le(sp.Abs(m) / sp.sqrt(n),
                                              a_gam * (1 - gamma**t) / (1 - gamma)))),
                   "(14)-(15)", "sum_t' gamma^t' <= 1/(1 - gamma); putting in the bias "
                   "corrections", "kernel: consequence of the invariant")

    def derivation(thm):
        step_x = K.chain(*(thm(s.id) for s in lines13))
        run = K.induction(sysm, invariant, [thm("ind.base.0"), thm("ind.base.1")],
                          [thm("ind.step.0"), step_x])
        return K.consequence(run, thm("ind.implies"), goal)

    obl = [o for o in obl if o.id != "ind.step.1"]  # derived from the lines (13) instead
    return Claim("prop2-proof", "Proof of Proposition 2 (Eqs. 13-15)", stmt,
                 (*steps, *obl, *lines13, implies), "Appendix A.2", derivation=derivation,
                 scope="Eq. (15): every integer t >= 1, mu = gamma sqrt(nu) with gamma in "
                       "[0, 1) (mu < sqrt(nu)), nu in (0, 1), nonzero real gradients",
                 for_all=("t", "gamma", "nu", "g_1..g_t"))


def condition_claim() -> Claim:
    """'the bound only applies when mu > sqrt(nu)' (Sec. 4) and Sec. 3.1's 'for sqrt(nu) > mu
    ... upper bounded by 1/(1 - mu/sqrt(nu))'. Literally, the first sentence says that the
    bound 1/(1 − γ) holds where μ > √ν; there γ > 1 and 1/(1 − γ) < 0, so it would bound a
    nonnegative quantity by a negative number."""
    a = _adam()
    d1 = sym_update(a, [g])
    d2 = sym_update(a, [g1, g2])
    stmt = Step("statement", sp.Abs(d1), "<=", 1 / (1 - mu / sp.sqrt(nu)),
                Domain({mu: UNIT, nu: UNIT_OPEN, g: REAL}, (sp.Gt(mu, sp.sqrt(nu)),
                                                               sp.Ne(g, 0))),
                "Sec. 4 after Prop. 2", "the bound only applies when mu > sqrt(nu)",
                "literal reading: the bound 1/(1 - mu/sqrt(nu)) holds on mu > sqrt(nu); t = 1")
    steps = [
        Step("sec3.1", sp.Abs(d2), "<=", 1 / (1 - mu / sp.sqrt(nu)),
             Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL},
                    (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g2, 0))),
             "Sec. 3.1", "for sqrt(nu) > mu, an update step of Adam is upper bounded by "
             "1/(1 - mu/sqrt(nu))", "fixed t = 2, gradients as symbols"),
        Step("sec3.1-corrected", sp.Abs(d2), "<=", 1 / (sp.sqrt(1 - nu) * (1 - mu / sp.sqrt(nu))),
             Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL},
                    (sp.Lt(mu, sp.sqrt(nu)), sp.Ne(g2, 0))),
             "Sec. 3.1", "our correction: the bound (15) reaches",
             "fixed t = 2, gradients as symbols"),
    ]
    return Claim("prop2-condition", "The condition of Proposition 2 as worded in the text",
                 stmt, tuple(steps), "Sec. 3.1, Sec. 4")


def claims() -> list[Claim]:
    return [statement_claim(), proof_claim(), condition_claim()]
