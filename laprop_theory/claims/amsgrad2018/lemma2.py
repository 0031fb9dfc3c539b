"""Lemma 2 of Reddi, Kale & Kumar (2018) and its proof, Appendix D, [D5]-[D7].

Lemma 2: Σ_t α_t ‖V̂_t^{-1/4} m_t‖² ≤ α√(1 + log T)/((1 − β1)(1 − γ)√(1 − β2)) Σ_i ‖g_{1:T,i}‖₂.

Encoding: **instance T = 2, d = 1** (:data:`T_INST`): the gradients g_1, g_2 are nonzero real
symbols, β11 = β1, β12 ∈ [0, β1] a symbol (hypothesis (iv) of Theorem 4), β1 < √β2 (γ < 1),
α > 0; m_t, v_t, v̂_t are read from a symbolic run of AMSGrad (:func:`._defs.amsgrad_run`). The
printed right-hand sides are typed as printed. Each row of a display is one step ("D6.3" is
row 3 of [D6]); [D7]'s rows 2 and 3 hold two relations each, numbered in order (D7.1-D7.7).
[D5]'s root "√(T((1−β2)Σ…))" has balanced parentheses, so one reading is encoded.
The lines of :data:`AT_POINT` are further fixed at α = 1, β1 = 1/2, β2 = 9/25 (their notes
say so): with symbolic parameters they ran the default budget out undecided.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

from ...proof.core import Claim, Domain, Range, Step
from ._defs import (
    P_POINT,
    POS,
    SOURCE,
    UNIT,
    UNIT_OPEN,
    alpha,
    alpha_t,
    amsgrad_run,
    at_point,
    b1sym,
    beta1,
    beta2,
    gamma_of,
    gsym,
)

T_INST = 2
INST = (f"instance T = {T_INST}, d = 1: g_1..g_T nonzero symbols, m_t, v_t, v_hat_t from a "
        "symbolic run of recurrences.amsgrad (no debiasing)")


#: lines encoded at the parameter point :data:`._defs.P_POINT` (α = 1, β1 = 1/2, β2 = 9/25),
#: whose symbolic-parameter form runs the checker's default budget out (unverified anyway)
AT_POINT = ("D5.2", "D6.1", "D6.2", "D6.4", "D7.1", "D7.5", "D7.6")


def lemma2_domain(T: int) -> Domain:
    """α > 0, β1 ∈ [0, 1), β2 ∈ (0, 1), β1 < √β2, β1k ∈ [0, β1] (k ≥ 2), g_k ≠ 0."""
    ranges: dict[Any, Range] = {alpha: POS, beta1: UNIT, beta2: UNIT_OPEN}
    cons: list[Any] = [sp.Lt(beta1, sp.sqrt(beta2))]
    for k in range(2, T + 1):
        ranges[b1sym(k)] = UNIT
        cons.append(sp.Le(b1sym(k), beta1))
    for k in range(1, T + 1):
        ranges[gsym(k)] = Range()
        cons.append(sp.Ne(gsym(k), 0))
    return Domain(ranges, tuple(cons))


def lemma2_bound(T: int, squared: bool = False) -> Any:
    """α√(1 + log T)/((1 − β1)(1 − γ)√(1 − β2)) ‖g_{1:T}‖₂ (one coordinate); ``squared``: with
    (1 − β1)² as in [D8] and Theorem 4."""
    norm = sp.sqrt(sum(gsym(k) ** 2 for k in range(1, T + 1)))
    den = (1 - beta1) ** (2 if squared else 1) * (1 - gamma_of()) * sp.sqrt(1 - beta2)
    return alpha * sp.sqrt(1 + sp.log(T)) / den * norm


def claims() -> list[Claim]:
    T = T_INST
    g = {k: gsym(k) for k in range(1, T + 1)}
    b1 = {k: b1sym(k) for k in range(1, T + 1)}
    run = amsgrad_run([g[k] for k in range(1, T + 1)], [b1[k] for k in range(1, T + 1)],
                      0, -1, 1)
    dom = lemma2_domain(T)
    gam = gamma_of()

    def term(k: int) -> Any:
        return alpha_t(k) * run.m[k] ** 2 / sp.sqrt(run.vh[k])

    S = sum(term(k) for k in range(1, T))              # Σ_{t=1}^{T−1} α_t ‖V̂^{-1/4} m_t‖²
    L0 = S + term(T)
    P = {j: sp.Mul(*[b1[T - k + 1] for k in range(1, T - j + 1)]) for j in range(1, T + 1)}
    den = sp.sqrt(T * ((1 - beta2) * sum(beta2 ** (T - j) * g[j] ** 2 for j in g)))
    m_print = sum((1 - b1[j]) * P[j] * g[j] for j in g)
    K = alpha / ((1 - beta1) * sp.sqrt(T * (1 - beta2)))
    r = {
        "D5.1": S + alpha_t(T) * run.m[T] ** 2 / sp.sqrt(run.vh[T]),
        "D5.2": S + alpha_t(T) * run.m[T] ** 2 / sp.sqrt(run.v[T]),
        "D5.3": S + alpha * m_print**2 / den,
        "D6.1": S + alpha * sum(P.values()) * sum(P[j] * g[j] ** 2 for j in g) / den,
        "D6.2": S + alpha * sum(beta1 ** (T - j) for j in g)
        * sum(beta1 ** (T - j) * g[j] ** 2 for j in g) / den,
        "D6.3": S + alpha / (1 - beta1) * sum(beta1 ** (T - j) * g[j] ** 2 for j in g) / den,
        "D6.4": S + K * sum(beta1 ** (T - j) * g[j] ** 2 / sp.sqrt(beta2 ** (T - j) * g[j] ** 2)
                            for j in g),
        "D6.5": S + K * sum(gam ** (T - j) * sp.Abs(g[j]) for j in g),
    }
    K7 = alpha / ((1 - beta1) * sp.sqrt(1 - beta2))
    rng = range(1, T + 1)
    d7 = [
        sum(alpha / ((1 - beta1) * sp.sqrt(s * (1 - beta2)))
            * sum(gam ** (s - j) * sp.Abs(g[j]) for j in range(1, s + 1)) for s in rng),
        K7 * sum(1 / sp.sqrt(s) * sum(gam ** (s - j) * sp.Abs(g[j]) for j in range(1, s + 1))
                 for s in rng),
        K7 * sum(sp.Abs(g[s]) * sum(gam ** (j - s) / sp.sqrt(j) for j in range(s, T + 1))
                 for s in rng),
        K7 * sum(sp.Abs(g[s]) * sum(gam ** (j - s) / sp.sqrt(s) for j in range(s, T + 1))
                 for s in rng),
        K7 * sum(sp.Abs(g[s]) / ((1 - gam) * sp.sqrt(s)) for s in rng),
        alpha / ((1 - beta1) * (1 - gam) * sp.sqrt(1 - beta2))
        * sp.sqrt(sum(g[s] ** 2 for s in rng)) * sp.sqrt(sum(sp.Rational(1, s) for s in rng)),
        lemma2_bound(T),
    ]
    d7_rels = ["<=", "=", "=", "<=", "<=", "<=", "<="]
    d7_eq = ["[D7] row 1", "[D7] row 2 first =", "[D7] row 2 second =", "[D7] row 3 first <=",
             "[D7] row 3 second <=", "[D7] row 4 first <=", "[D7] row 4 second <="]
    d7_why = ["By using similar upper bounds for all time steps", "", "",
              "", "The third inequality follows from the fact that "
              "sum_{j=t}^T gamma^{j-t} <= 1/(1 - gamma)",
              "The fourth inequality is due to simple application of Cauchy-Schwarz inequality",
              "The final inequality is due to the following bound on harmonic sum: "
              "sum_{t=1}^T 1/t <= (1 + log T)"]
    why = {"D5.1": "", "D5.2": "The first inequality follows from the definition of v_hat_{T,i}",
           "D5.3": "The second inequality follows from the update rule of Algorithm 2",
           "D6.1": "The first inequality follows from Cauchy-Schwarz inequality",
           "D6.2": "The second inequality is due to the fact that beta_1k <= beta_1",
           "D6.3": "The third inequality follows from sum_j beta_1^{T-j} <= 1/(1 - beta_1)",
           "D6.4": "", "D6.5": ""}
    steps: list[Step] = []
    prev = L0
    for sid, rhs in r.items():
        rel = "=" if sid == "D5.1" else "<="
        disp, row = sid.split(".")
        eq = f"[{disp}] row {row}" + (" (17)" if sid == "D6.5" else "")
        steps.append(Step(sid, prev if not sid.startswith("D6.1") else r["D5.3"], rel, rhs,
                          dom, eq, why[sid], INST))
        prev = rhs
    steps[0] = Step("D5.1", L0, "=", r["D5.1"], dom, "[D5] row 1", "", INST)
    prev = L0
    for i, (rhs, rel) in enumerate(zip(d7, d7_rels, strict=True), start=1):
        steps.append(Step(f"D7.{i}", prev, rel, rhs, dom, d7_eq[i - 1], d7_why[i - 1], INST))
        prev = rhs
    # the lines whose symbolic (alpha, beta1, beta2) form costs the checker most of its time
    steps = [at_point(s_, P_POINT) if s_.id in AT_POINT else s_ for s_ in steps]
    stmt = Step("statement", L0, "<=", lemma2_bound(T), dom, "Lemma 2",
                "sum_t alpha_t ||V_hat_t^(-1/4) m_t||^2 <= alpha sqrt(1 + log T)/((1 - beta1)"
                "(1 - gamma) sqrt(1 - beta2)) sum_i ||g_{1:T,i}||_2", INST)
    return [Claim("amsgrad2018-lemma2", "Reddi et al. (2018) Lemma 2: the sum of the "
                  "weighted squared moments", stmt, tuple(steps), "Appendix D (Lemma 2)",
                  note=SOURCE, scope=f"instance only: T = {T}, d = 1",
                  for_all=("alpha", "beta1", "beta2", "beta1_t", "g_1..g_T"))]
