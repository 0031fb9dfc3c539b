"""Eqs. (3), (4), (5)-(6) of Sec. 2.2: do the printed formulas define what the text says?

Encodings: fixed t (2 or 3) with the gradients as symbols; the intended objects (the EMA
n_t, the Adam update) are read from :mod:`laprop_theory.recurrences` run in sympy. Each
claim's statement is the printed formula against the intended one (a refutation is an
erratum); the steps add the corrected formula, which should be proved.
"""

from __future__ import annotations

import sympy as sp

from .. import recurrences as R
from ..proof.core import Claim, Domain, Step
from ._sym import REAL, UNIT, UNIT_OPEN, g, g1, g2, lam, make, mu, nu, sym_run, sym_update

i = sp.Symbol("i", integer=True)


def _printed_sum(gs: list, tt: int) -> sp.Expr:
    """(1 − ν) Σ_{i=0}^{t} ν^{t−i} g_t ∘ g_t, as printed in Eqs. (3) and (5)."""
    return (1 - nu) * sp.Sum(nu ** (tt - i) * gs[tt - 1] ** 2, (i, 0, tt))


def _corrected_sum(gs: list, tt: int) -> sp.Expr:
    """(1 − ν) Σ_{i=1}^{t} ν^{t−i} g_i²."""
    return (1 - nu) * sum(nu ** (tt - k) * gs[k - 1] ** 2 for k in range(1, tt + 1))


def eq3() -> Claim:
    rms = make(R.RMSProp, lr=1, nu=nu)
    gs = [g1, g2]
    n2 = sym_run(make(R.LaProp, lr=1, mu=0, nu=nu), gs).states[-1]["n"][0]
    dom = Domain({nu: UNIT_OPEN, g1: REAL, g2: REAL}, (sp.Ne(g2, 0),))
    stmt = Step("statement", _printed_sum(gs, 2), "=", n2, dom, "(3)",
                "G_t = diag((1-nu) sum_{i=0}^t nu^{t-i} g_t o g_t)^{-1/2}: a running mean "
                "square of the gradients (RMSProp's n_t)",
                "t = 2: the printed sum against n_2 of the recurrence")
    steps = [
        Step("corrected", _corrected_sum(gs, 2), "=", n2, dom, "(3)",
             "our correction: sum over i = 1..t of nu^{t-i} g_i o g_i", "t = 2"),
        Step("update", -(_corrected_sum(gs, 2)) ** sp.Rational(-1, 2) * g2, "=",
             sym_update(make(R.RMSProp, lr=1, nu=nu), gs) / sp.sqrt(1 - nu**2), dom, "(3)",
             "RMSProp steps by G_t g_t", "t = 2: G_t g_t is the update of RMSProp without "
             "bias correction (recurrences.RMSProp divided by sqrt(c_n))"),
    ]
    del rms
    return Claim("eq3", "Eq. (3): RMSProp's preconditioner", stmt, tuple(steps), "Sec. 2.2")


def eq4() -> Claim:
    raw = make(R.Adam, lr=1, mu=mu, nu=nu, bias_correction=False)
    dom = Domain({mu: UNIT_OPEN, nu: UNIT_OPEN, g: REAL}, (sp.Ne(g, 0),))
    out = []
    for tt in (2, 3):
        st = sym_run(raw, [g] * tt).states[-1]
        m_t, n_t = st["m"][0], st["n"][0]
        printed_cm, printed_cn = 1 / (1 - mu**tt), 1 / (1 - nu**tt)
        out.append((tt, m_t, n_t, printed_cm, printed_cn))
    tt, m_t, n_t, pcm, pcn = out[0]
    stmt = Step("statement", m_t / (pcm * sp.sqrt(n_t / pcn)), "=", sp.sign(g), dom, "(4)",
                "c_m := 1/(1 - mu^t), c_n := 1/(1 - nu^t): bias corrections of Adam",
                "t = 2, constant gradient g: a bias-corrected Adam step must be lambda sgn(g) "
                "(m_t, n_t from recurrences.Adam without correction)")
    steps = []
    for tt, m_t, n_t, pcm, pcn in out:
        steps.append(Step(f"printed.t{tt}", m_t / (pcm * sp.sqrt(n_t / pcn)), "=", sp.sign(g),
                          dom, "(4)", "as printed", f"t = {tt}, constant gradient"))
        steps.append(Step(f"corrected.t{tt}", m_t / (1 / pcm * sp.sqrt(n_t * pcn)), "=",
                          sp.sign(g), dom, "(4)", "our correction: c_m = 1 - mu^t, "
                          "c_n = 1 - nu^t", f"t = {tt}, constant gradient"))
    adam = make(R.Adam, lr=1, mu=mu, nu=nu)
    steps.append(Step("corrected.recurrence", -sym_update(adam, [g, g, g]), "=", sp.sign(g),
                      dom, "(4)", "recurrences.Adam implements the corrected c_m, c_n",
                      "t = 3, constant gradient"))
    return Claim("eq4", "Eq. (4): Adam's bias corrections", stmt, tuple(steps), "Sec. 2.2")


def eq5() -> Claim:
    gs = [g1, g2]
    adam_raw = make(R.Adam, lr=1, mu=mu, nu=nu)
    n2 = sym_run(adam_raw, gs).states[-1]["n"][0]
    dom = Domain({nu: UNIT_OPEN, g1: REAL, g2: REAL}, (sp.Ne(g2, 0),))
    h_printed = sp.sqrt(_printed_sum(gs, 2) / (1 - nu**2))
    h_true = sp.sqrt(n2 / (1 - nu**2))
    stmt = Step("statement", h_printed, "=", h_true, dom, "(5)",
                "H_t = diag((1-nu)/(1-nu^t) sum_{i=0}^t nu^{t-i} g_t o g_t)^{1/2}: Adam's "
                "preconditioner sqrt(n_t/c_n)", "t = 2 against recurrences.Adam's n_2")
    h_corr = sp.sqrt(_corrected_sum(gs, 2) / (1 - nu**2))
    # Eq. (6): with c_m and (1 - mu) neglected, m_t = mu m_{t-1} + g_t and
    # Δ_t = -lambda m_t / H_t, so Δ_t = -lambda g_t / H_t + mu (H_{t-1}/H_t) Δ_{t-1}.
    h1, h2, mprev = sp.symbols("H1 H2 m1", positive=True)
    d1 = -lam * mprev / h1
    d2 = -lam * (mu * mprev + g2) / h2
    steps = [
        Step("corrected", h_corr, "=", h_true, dom, "(5)", "our correction: sum over "
             "i = 1..t of g_i o g_i", "t = 2"),
        Step("eq6", d2, "=", -lam * g2 / h2 + mu * (h1 / h2) * d1,
             Domain({mu: UNIT, lam: REAL, h1: UNIT_OPEN, h2: UNIT_OPEN, mprev: REAL,
                     g2: REAL}), "(6)", "K_t = H_t^{-1} H_{t-1}: the momentum term is "
             "reweighted by the new preconditioner",
             "one step, H_{t-1}, H_t > 0 and m_{t-1} as symbols (c_m, 1 - mu neglected as in "
             "the paper); H ranges scaled to (0, 1) (the identity is homogeneous)"),
    ]
    return Claim("eq5", "Eqs. (5)-(6): Adam in the framework of Eq. (2)", stmt, tuple(steps),
                 "Sec. 2.2")


def claims() -> list[Claim]:
    return [eq3(), eq4(), eq5()]
