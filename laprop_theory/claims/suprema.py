"""The exact suprema of :mod:`laprop_theory.bounds.suprema` (claims sup-laprop, sup-adam).

Encodings: the upper bound at fixed t = 2 (gradients as symbols, update from
:mod:`laprop_theory.recurrences` in sympy) and, for LaProp's per-term bound, an induction step
with n = n_{k−1} ≥ 0 at symbolic k; attainment as exact evaluation of the recurrence on the
attaining sequence (symbolic μ, ν), approach as a sympy limit along the approaching family;
asymptotics in t as limits of the closed forms; numeric steps (``*.num``) evaluate the closed
forms of ``bounds.suprema`` and the recurrences at 50 digits at one (μ, ν, t).
"""

from __future__ import annotations

import mpmath
import sympy as sp

from .. import recurrences as R
from ..bounds.suprema import adam_supremum, laprop_supremum
from ..proof import kernel as K
from ..proof.core import Claim, Domain, Range, Step
from ._sym import (
    NONNEG,
    REAL,
    T_GE1,
    UNIT,
    UNIT_OPEN,
    adam_sup_expr,
    b,
    g,
    g1,
    g2,
    gamma,
    laprop_sup_expr,
    m,
    make,
    mp_number,
    mu,
    n,
    nu,
    sym_step,
    sym_update,
    system,
    t,
)

S_, A_ = sp.symbols("S a", real=True)  # auxiliary state: the running bound (kernel systems)
POS_GRADS = Domain({g: REAL}, (sp.Ne(g, 0),))

GAMMA = Range(0, 1, hi_open=True)
PT = {mu: sp.Rational(9, 10), nu: sp.Rational(999, 1000)}
DPS = 50


def sup_laprop() -> Claim:
    lap = make(R.LaProp, lr=1, mu=mu, nu=nu)
    s2 = laprop_sup_expr(mu, nu, 2)
    nz = (sp.Ne(g1, 0), sp.Ne(g2, 0))
    stmt = Step("statement", sp.Abs(sym_update(lap, [g1, g2])), "<=", s2,
                Domain({mu: UNIT, nu: UNIT, g1: REAL, g2: REAL}, nz), "bounds.suprema",
                "|LaProp update| <= (1-mu)/(1-mu^t) sum_k mu^(t-k) sqrt((1-nu^k)/(1-nu))",
                "fixed t = 2, gradients as symbols")
    state, _ = sym_step(lap, {"m": 0, "n": n}, g, t)
    u_k = state["m"] / (1 - mu)  # = g_k / sqrt(n_k / c_n(k))
    with mpmath.workdps(DPS):
        sup_num = laprop_supremum("0.9", "0.999", 3, dps=DPS)
        seq = sup_num.sequence
        reached = R.laprop_update_size(seq, "0.9", "0.999", dps=DPS)
        big_t = laprop_supremum("0.9", "0.99", 2000, dps=DPS).value
    steps = [
        Step("term", sp.Abs(u_k), "<=", sp.sqrt((1 - nu**t) / (1 - nu)),
             Domain({mu: UNIT, nu: UNIT, n: NONNEG, g: REAL, t: T_GE1}, (sp.Ne(g, 0),)),
             "bounds.suprema", "u_k^2 <= (1 - nu^k)/(1 - nu)",
             "symbolic k (written t), n = n_{k-1} >= 0, g = g_k != 0"),
        Step("approach", sp.Limit(sp.Abs(sym_update(lap, [1, b]).xreplace(PT)), b, sp.oo), "=",
             s2.xreplace(PT), Domain({}), "bounds.suprema",
             "same-sign super-exponentially growing sequences approach the supremum",
             "t = 2, g = (1, b), b -> oo, at mu = 9/10, nu = 999/1000 (sympy's limit with "
             "symbolic mu, nu exceeds the budget)"),
        Step("attained.nu0", sp.Abs(sym_update(make(R.LaProp, lr=1, mu=mu, nu=0), [1, 1, 1])),
             "=", laprop_sup_expr(mu, 0, 3), Domain({mu: UNIT}), "bounds.suprema",
             "attained when nu = 0", "t = 3, g = (1, 1, 1)"),
        Step("attained.mu0", sp.Abs(sym_update(make(R.LaProp, lr=1, mu=0, nu=nu), [0, 0, 1])),
             "=", laprop_sup_expr(0, nu, 3), Domain({nu: UNIT}), "bounds.suprema",
             "attained when mu = 0", "t = 3, g = (0, 0, 1)"),
        Step("approach.num", mp_number(abs(sup_num.value - reached)), "<=",
             sp.Rational(1, 10**20), Domain({}), "bounds.suprema",
             "the sequence of laprop_supremum approaches the value",
             "mu = 0.9, nu = 0.999, t = 3, g_k = b^(k-1) from bounds.suprema, recurrence at "
             f"{DPS} digits"),
        Step("prop1.dominates", s2, "<=", 1 / sp.sqrt(1 - nu), Domain({mu: UNIT, nu: UNIT}),
             "Prop. 1", "Prop. 1's bound is >= the supremum", "t = 2, symbolic mu, nu"),
        Step("prop1.tight.num", mp_number(1 / mpmath.sqrt(mpmath.mpf("0.01")) - big_t), "<=",
             sp.Rational(1, 10**6), Domain({}), "Prop. 1",
             "Prop. 1's bound is asymptotically tight as t -> oo",
             "numeric at mu = 0.9, nu = 0.99, t = 2000: gap between 1/sqrt(1-nu) and the "
             "supremum"),
    ]
    # ---- every t (kernel): |m_t| <= S_t with S_t = mu S_{t-1} + (1-mu) sqrt((1-nu^t)/(1-nu)),
    # S_0 = 0, i.e. S_t = (1-mu) sum_k mu^(t-k) sqrt((1-nu^k)/(1-nu)); divide by c_m.
    rate = sp.sqrt((1 - nu**t) / (1 - nu))
    sysm = system(lap, "LaProp with its running bound S", Domain({mu: UNIT, nu: UNIT}),
                  POS_GRADS, {S_: mu * S_ + (1 - mu) * rate}, {S_: sp.Integer(0)})
    invariant = ((n, ">=", 0), (sp.Abs(m), "<=", S_))
    obl = K.obligation_steps(sysm, invariant)
    obl = [Step(o.id, o.lhs, o.rel, o.rhs, o.domain, "bounds.suprema",
                "induction over runs: n_t >= 0 and |m_t| <= S_t" if "step" in o.id else
                "base case t = 1", "kernel obligation, built from recurrences.LaProp")
           for o in obl]
    goal = (sp.Abs(m) / (1 - mu**t), "<=", S_ / (1 - mu**t))
    implies = Step("ind.implies", goal[0], goal[1], goal[2],
                   Domain({mu: UNIT, nu: UNIT, m: REAL, n: REAL, S_: REAL,
                           t: Range(1, sp.oo, integer=True)},
                          (sp.Ge(n, 0), sp.Le(sp.Abs(m), S_))),
                   "bounds.suprema", "divide by c_m = 1 - mu^t", "kernel: consequence")

    def derivation(thm):
        run = K.induction(sysm, invariant, [thm("ind.base.0"), thm("ind.base.1")],
                          [thm("ind.step.0"), thm("ind.step.1")])
        return K.consequence(run, thm("ind.implies"), goal)

    return Claim("sup-laprop", "Exact supremum of the LaProp update", stmt,
                 (*steps, *obl, implies), "bounds/suprema.py", derivation=derivation,
                 scope="upper bound: every integer t >= 1, mu, nu in [0, 1), nonzero real "
                       "gradients, with S_t = (1-mu) sum_k mu^(t-k) sqrt((1-nu^k)/(1-nu)) "
                       "(its recursion); approach and attainment at the instances named in "
                       "the steps",
                 for_all=("t", "mu", "nu", "g_1..g_t"))


def sup_adam() -> Claim:
    adam = make(R.Adam, lr=1, mu=mu, nu=nu)
    s2 = adam_sup_expr(mu, nu, 2)
    stmt = Step("statement", sp.Abs(sym_update(adam, [g1, g2])), "<=", s2,
                Domain({mu: UNIT, nu: UNIT_OPEN, g1: REAL, g2: REAL}, (sp.Ne(g2, 0),)),
                "bounds.suprema", "|Adam update| <= (1-mu)/(1-mu^t) sqrt((1-nu^t)/(1-nu)) "
                "sqrt(sum_j (mu^2/nu)^j) (Cauchy-Schwarz)", "fixed t = 2, gradients as symbols")
    sub = {mu: gamma * sp.sqrt(nu)}
    lim_val = (1 - mu) / sp.sqrt((1 - nu) * (1 - mu**2 / nu))
    with mpmath.workdps(DPS):
        s_num = adam_supremum("0.9", "0.999", 4, dps=DPS)
        reached = R.adam_update_size(s_num.sequence, "0.9", "0.999", dps=DPS)
        above = adam_supremum("0.9", "0.5", 60, dps=DPS).value
    steps = [
        Step("attained", sp.Abs(sym_update(adam, [mu / nu, 1])), "=", s2,
             Domain({mu: UNIT, nu: UNIT_OPEN}), "bounds.suprema",
             "attained by g_k = (mu/nu)^(t-k)", "t = 2, symbolic mu, nu"),
        Step("attained.num", mp_number(abs(s_num.value - reached)), "<=",
             sp.Rational(1, 10**40), Domain({}), "bounds.suprema",
             "the attaining sequence of adam_supremum reaches the value",
             f"mu = 0.9, nu = 0.999, t = 4, recurrence at {DPS} digits"),
        Step("limit.t", sp.Limit(adam_sup_expr(mu, nu, t, closed=True).xreplace(PT), t, sp.oo),
             "=", lim_val.xreplace(PT), Domain({}),
             "bounds.suprema", "finite limit (1-mu)/sqrt((1-nu)(1-mu^2/nu)) for mu < sqrt(nu)",
             "t -> oo at mu = 9/10, nu = 999/1000 (symbolic mu, nu exceed the budget)"),
        Step("growth.num", mp_number(above), ">=", sp.Integer(10**3), Domain({}),
             "bounds.suprema", "exponential growth for mu > sqrt(nu)",
             "mu = 0.9, nu = 0.5, t = 60 (numeric)"),
        Step("prop2.stated", s2, "<=", 1 / (1 - mu / sp.sqrt(nu)),
             Domain({mu: UNIT, nu: UNIT_OPEN}, (sp.Lt(mu, sp.sqrt(nu)),)), "Prop. 2",
             "Prop. 2's stated bound 1/(1 - gamma) is >= the supremum", "t = 2"),
        Step("prop2.proof", s2.xreplace(sub), "<=", (1 / (sp.sqrt(1 - nu) * (1 - mu / sp.sqrt(
            nu)))).xreplace(sub), Domain({gamma: GAMMA, nu: UNIT_OPEN}), "(15)",
             "the bound the proof reaches is >= the supremum", "t = 2, mu = gamma sqrt(nu)"),
    ]
    # ---- every t (kernel): m_t^2 <= K a_t n_t with a_t = 1 + (mu^2/nu) a_{t-1}, a_0 = 0
    # (a_t = sum_{j<t} (mu^2/nu)^j) and K = (1-mu)^2/(1-nu): Cauchy-Schwarz step by step.
    k_ = (1 - mu) ** 2 / (1 - nu)
    sysm = system(adam, "Adam with its running bound a", Domain({mu: UNIT, nu: UNIT_OPEN}),
                  POS_GRADS, {A_: 1 + mu**2 / nu * A_}, {A_: sp.Integer(0)})
    invariant = ((n, ">", 0), (A_, ">=", 0), (m**2, "<=", k_ * A_ * n))
    obl = K.obligation_steps(sysm, invariant)
    obl = [Step(o.id, o.lhs, o.rel, o.rhs, o.domain, "bounds.suprema",
                "induction over runs: n_t > 0, a_t >= 0, m_t^2 <= K a_t n_t" if "step" in o.id
                else "base case t = 1", "kernel obligation, built from recurrences.Adam")
           for o in obl]
    upd = (m / (1 - mu**t)) / sp.sqrt(n / (1 - nu**t))
    bound_t = (1 - mu) / (1 - mu**t) * sp.sqrt((1 - nu**t) / (1 - nu)) * sp.sqrt(A_)
    goal = (sp.Abs(upd), "<=", bound_t)
    implies = Step("ind.implies", goal[0], goal[1], goal[2],
                   Domain({mu: UNIT, nu: UNIT_OPEN, m: REAL, n: REAL, A_: REAL,
                           t: Range(1, sp.oo, integer=True)},
                          (sp.Gt(n, 0), sp.Ge(A_, 0), sp.Le(m**2, k_ * A_ * n))),
                   "bounds.suprema", "|update_t| = |m_t|/(c_m sqrt(n_t/c_n)) <= the bound",
                   "kernel: consequence")

    def derivation(thm):
        run = K.induction(sysm, invariant, [thm(f"ind.base.{i}") for i in range(3)],
                          [thm(f"ind.step.{i}") for i in range(3)])
        return K.consequence(run, thm("ind.implies"), goal)

    return Claim("sup-adam", "Exact supremum of the Adam update", stmt,
                 (*steps, *obl, implies), "bounds/suprema.py", derivation=derivation,
                 scope="upper bound: every integer t >= 1, mu in [0, 1), nu in (0, 1), nonzero "
                       "real gradients, with a_t = sum_{j<t} (mu^2/nu)^j (its recursion); "
                       "attainment at the instances named in the steps",
                 for_all=("t", "mu", "nu", "g_1..g_t"))


def claims() -> list[Claim]:
    return [sup_laprop(), sup_adam()]
