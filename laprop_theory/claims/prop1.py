"""Proposition 1 (Sec. 4) and its proof, Appendix A.1, Eqs. (10)-(12).

Encodings: the statement at fixed t = 2 with the gradients g1, g2 as symbols (the update is
read from :class:`laprop_theory.recurrences.LaProp` run in sympy); the proof lines as an
induction step at a symbolic step t with m = m_{t−1}, n = n_{t−1} ≥ 0 and g = g_t ≠ 0 as
symbols (m_t, n_t from one symbolic step of the same recurrence).

For every t (the kernel's derivation): the invariant ``n_t ≥ 0 and |m_t| ≤ (1 − μ^t)/√(1 − ν)``
(Eq. 11) holds for every run of LaProp by induction (base ``ind.base.*`` at t = 1, step
``ind.step.*`` from t − 1 to t, both obligations built by the kernel from the recurrence),
and Prop. 1 follows by dividing by c_m = 1 − μ^t (``ind.implies``). The step obligation for
|m_t| is the chain of the paper's lines (10.1)-(10.4) and the hypothesis step (11.hyp).
"""

from __future__ import annotations

import sympy as sp

from .. import recurrences as R
from ..proof import kernel as K
from ..proof.core import Claim, Domain, Range, Step
from ._sym import (
    NONNEG,
    REAL,
    T_GE1,
    T_GE2,
    UNIT,
    g,
    g1,
    g2,
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

SCOPE = ("every integer t >= 1, mu in [0, 1), nu in [0, 1), every sequence of nonzero real "
         "gradients g_1..g_t (lambda = 1; the update is lambda times this)")


def claims() -> list[Claim]:
    lap = make(R.LaProp, lr=1, mu=mu, nu=nu)
    bound = 1 / sp.sqrt(1 - nu)
    d2 = sym_update(lap, [g1, g2])
    stmt = Step("statement", sp.Abs(d2), "<=", bound,
                Domain({mu: UNIT, nu: UNIT, g1: REAL, g2: REAL}, (sp.Ne(g1, 0), sp.Ne(g2, 0))),
                eq="Prop. 1", justification="|m_t / c_m| <= 1/sqrt(1 - nu)",
                note="fixed t = 2, g1, g2 real nonzero symbols; update from recurrences.LaProp")
    state, _ = sym_step(lap, {"m": m, "n": n}, g, t)
    m_t = state["m"]
    c_n = 1 - nu**t
    dom = Domain({mu: UNIT, nu: UNIT, m: REAL, n: NONNEG, g: REAL, t: T_GE1}, (sp.Ne(g, 0),))
    l1 = mu * sp.Abs(m) + (1 - mu) * sp.Abs(g) / sp.sqrt(state["n"] / c_n)
    l2 = mu * sp.Abs(m) + (1 - mu) * sp.Abs(g) / sp.sqrt(((1 - nu) * g**2 + nu * n) / c_n)
    l3 = mu * sp.Abs(m) + (1 - mu) * sp.Abs(g) / sp.sqrt(((1 - nu) * g**2) / c_n)
    l4 = mu * sp.Abs(m) + (1 - mu) / sp.sqrt(1 - nu)
    ind = "induction step: m = m_{t-1}, n = n_{t-1} >= 0, g = g_t != 0 symbols, symbolic t"
    steps = [
        Step("10.1", sp.Abs(m_t), "<=", l1, dom, "(10) line 1", "triangle inequality", ind),
        Step("10.2", l1, "<=", l2, dom, "(10) line 2", "definition of n_t", ind),
        Step("10.3", l2, "<=", l3, dom, "(10) line 3", "drop nu n_{t-1} >= 0", ind),
        Step("10.4", l3, "<=", l4, dom, "(10) line 4", "c_n(t) <= 1", ind),
        Step("11.base", sp.Abs(sym_run(lap, [g]).states[-1]["m"][0]), "<=",
             (1 - mu) / sp.sqrt(1 - nu),
             Domain({mu: UNIT, nu: UNIT, g: REAL}, (sp.Ne(g, 0),)), "(11) t = 1",
             "recurrence solved: base case", "t = 1 from recurrences.LaProp"),
        Step("11.step", mu * (1 - mu ** (t - 1)) / sp.sqrt(1 - nu) + (1 - mu) / sp.sqrt(1 - nu),
             "<=", (1 - mu**t) / sp.sqrt(1 - nu), Domain({mu: UNIT, nu: UNIT, t: T_GE2}),
             "(11)", "the recurrence of (10) solves to |m_t| <= (1 - mu^t)/sqrt(1 - nu)",
             "induction step: line 4 of (10) is nondecreasing in |m_{t-1}| (mu >= 0), so the "
             "hypothesis |m_{t-1}| <= (1 - mu^(t-1))/sqrt(1 - nu) may be substituted"),
        Step("12", (1 - mu**t) / sp.sqrt(1 - nu) / (1 - mu**t), "<=", bound,
             Domain({mu: UNIT, nu: UNIT, t: T_GE1}), "(12)", "divide (11) by c_m = 1 - mu^t",
             "symbolic t"),
    ]
    # ---- every t: induction over runs of the recurrence (kernel)
    sysm = system(lap, "LaProp", Domain({mu: UNIT, nu: UNIT}),
                  Domain({g: REAL}, (sp.Ne(g, 0),)))
    bound_t = (1 - mu**t) / sp.sqrt(1 - nu)
    invariant = ((n, ">=", 0), (sp.Abs(m), "<=", bound_t))
    obl = K.obligation_steps(sysm, invariant)
    labels = {"ind.base.0": ("(10)", "n_1 = (1 - nu) g_1^2 >= 0"),
              "ind.base.1": ("(11) t = 1", "base case of the induction, from the recurrence"),
              "ind.step.0": ("(10)", "n_t = nu n_{t-1} + (1 - nu) g_t^2 >= 0"),
              "ind.step.1": ("(10)-(11)", "induction step: (10) with the hypothesis "
                             "|m_{t-1}| <= (1 - mu^(t-1))/sqrt(1 - nu)")}
    obl = [Step(o.id, o.lhs, o.rel, o.rhs, o.domain, labels[o.id][0], labels[o.id][1],
                "kernel obligation, built from recurrences.LaProp") for o in obl]
    step_dom = obl[-1].domain
    hyp_l4 = Step("11.hyp", l4, "<=", bound_t, step_dom, "(11)",
                  "mu |m_{t-1}| + (1 - mu)/sqrt(1 - nu) <= (1 - mu^t)/sqrt(1 - nu) under the "
                  "hypothesis", "induction step, hypothesis as a constraint")
    goal = (sp.Abs(m) / (1 - mu**t), "<=", bound)
    imp_dom = Domain({mu: UNIT, nu: UNIT, m: REAL, n: REAL, t: Range(1, sp.oo, integer=True)},
                     (sp.Ge(n, 0), sp.Le(sp.Abs(m), bound_t)))
    implies = Step("ind.implies", goal[0], goal[1], goal[2], imp_dom, "(12)",
                   "divide (11) by c_m = 1 - mu^t", "kernel: consequence of the invariant")

    def derivation(thm):
        # the |m_t| obligation as the chain of the paper's lines (10.1)-(10.4) and (11.hyp)
        lines = [K.weaken(thm(i), step_dom) for i in ("10.1", "10.2", "10.3", "10.4")]
        step_m = K.chain(*lines, thm("11.hyp"))
        run = K.induction(sysm, invariant, [thm("ind.base.0"), thm("ind.base.1")],
                          [thm("ind.step.0"), step_m])
        return K.consequence(run, thm("ind.implies"), goal)

    steps += [*obl, hyp_l4, implies]
    return [Claim("prop1", "Proposition 1: the LaProp update is bounded by 1/sqrt(1 - nu)",
                  stmt, tuple(steps), "Sec. 4, Appendix A.1", derivation=derivation,
                  scope=SCOPE, for_all=("t", "mu", "nu", "g_1..g_t"))]
