"""Theorem 10.5 (= Theorem 4.1) of Kingma & Ba (2015) and its printed proof ([D8]-[D15]).

Theorem 4.1 (Section 4) is the same statement as Theorem 10.5 (the appendix prints the middle
coefficient as alpha(beta1 + 1) G_inf, Section 4 as alpha(1 + beta1) G_inf: the same number);
one claim covers both.

Setting of every instance: one coordinate (d = 1, so ||.||_2 = ||.||_inf = |.|), linear
losses f_t(theta) = g_t theta, and the feasible set X = {theta*}: then theta* is the
minimiser over X for every choice of theta*, and R(T) = sum_t g_t (theta_t - theta*).
The iterates are those of :class:`laprop_theory.recurrences.Adam2015` (eps = 0,
alpha_t = alpha/sqrt(t), beta1,t = beta1 lambda^(t-1)) from theta_1, run in sympy.

Two readings of the hypothesis on D, D_inf:

* ``a`` (as printed in the statement): D, D_inf bound the distances between iterates,
  ||theta_n - theta_m|| for m, n <= T; nothing bounds the distance to theta*;
* ``b`` (as the proof uses it, before [D13]: "From the assumption, ||theta_t - theta*||_2 <=
  D"): D and D_inf also bound |theta_t - theta*|.

The statement step is reading ``a``; ``statement.b`` is reading ``b``. Readings of printed
ambiguities ([D10], [D11], [D13], [D14], [D15]) are separate steps, named in their ids.
"""

from __future__ import annotations

import sympy as sp

from ...proof.core import Claim, Domain, Range, Step
from ._defs import (
    NONNEG,
    REAL,
    D,
    Dinf,
    Ginf,
    K,
    adam_run,
    alpha,
    beta1,
    beta2,
    g1,
    g2,
    gamma,
    lam,
    params_domain,
    theta1,
    theta_s,
    theta_st,
    trimmed,
    tt,
)

theta_t = sp.Symbol("theta_t", real=True)   # theta_{t,i} at t = 2 (any real: theta_1 is free)
qa, qb = sp.symbols("a b", real=True)       # convex quadratic a theta^2 + b theta; Young's a, b
h1, h2 = sp.symbols("h_1 h_2", real=True)   # a second vector (theta_t - theta*) for [D8]


R_ = sp.Rational
#: the parameter point of the [D9]-[D11] instances whose symbolic form is beyond the default
#: budget (gamma = 5/12; sqrt(beta2), sqrt(1 - beta2) rational)
P_UPDATE = {alpha: 1, beta1: R_(1, 2), beta2: R_(9, 25), lam: R_(1, 2)}
#: the point (parameters and gradients) of the [D12], [D13] row 1 and [D15] instances, where
#: theta_1, theta*, D, D_inf stay symbols (found by a numeric search for [D12]'s worst case)
Q_REGRET = {alpha: 20, beta1: R_(1, 5000), beta2: R_(1, 10000), lam: R_(7, 10),
            Ginf: R_(3, 100), g1: R_(-13, 1000), g2: R_(-1, 2000)}


def at(step: Step, point: dict) -> Step:
    """``step`` with the symbols of ``point`` replaced by its values (dropped from the
    domain; a constraint that becomes true is dropped, one that becomes false is an error)."""
    cons = []
    for c in step.domain.constraints:
        c2 = c.xreplace(point)
        if c2 is sp.false:
            raise ValueError(f"{step.id}: the point violates {c}")
        if c2 is not sp.true:
            cons.append(c2)
    ranges = {k: v for k, v in step.domain.ranges.items() if k not in point}
    for k, v in point.items():
        if k in step.domain.ranges and not step.domain.ranges[k].contains(v):
            raise ValueError(f"{step.id}: {k} = {v} is outside its range")
    where = ", ".join(f"{k} = {v}" for k, v in point.items())
    return Step(step.id, sp.sympify(step.lhs).xreplace(point), step.rel,
                sp.sympify(step.rhs).xreplace(point), Domain(ranges, tuple(cons)), step.eq,
                step.justification, f"{step.note}; at the point {where}")


def alpha_at(k: int) -> sp.Expr:
    """alpha_t = alpha/sqrt(t) (the theorem's hypothesis)."""
    return alpha / sp.sqrt(k)


def beta1_at(k: int) -> sp.Expr:
    """beta1,t = beta1 lambda^(t-1) (the theorem's hypothesis)."""
    return beta1 * lam ** (k - 1)


def bound(Tn: int, v_hat_T: sp.Expr, norm: sp.Expr, last_den: sp.Expr | None = None
          ) -> sp.Expr:
    """The right side of Theorem 10.5 at d = 1 and T = ``Tn`` (``last_den``: the last
    denominator, 2 alpha (1 - beta1)(1 - lambda)^2 as in the statement)."""
    den = 2 * alpha * (1 - beta1) * (1 - lam) ** 2 if last_den is None else last_den
    return (D**2 / (2 * alpha * (1 - beta1)) * sp.sqrt(Tn * v_hat_T)
            + alpha * (beta1 + 1) * Ginf / ((1 - beta1) * sp.sqrt(1 - beta2) * (1 - gamma) ** 2)
            * norm
            + Dinf**2 * Ginf * sp.sqrt(1 - beta2) / den)


INST_T1 = ("instance T = 1, d = 1, f_1(theta) = g_1 theta, X = {theta*}, theta* = theta_1 - K "
           "sign(g_1), K >= 0, so R(1) = |g_1| K; v_hat_1 from recurrences.Adam2015")


def _statement_domain(proof_reading: bool) -> Domain:
    """The T = 1 instance's domain: reading a (any D, D_inf >= 0) or, with
    ``proof_reading``, reading b (K = |theta_1 - theta*| <= D and <= D_inf)."""
    cons = (sp.Le(K, D), sp.Le(K, Dinf)) if proof_reading else ()
    return params_domain(g1, extra={D: NONNEG, Dinf: NONNEG, K: NONNEG}, constraints=cons)


def statement() -> Step:
    """Theorem 10.5 at T = 1 (reading a): R(1) = g_1 (theta_1 - theta*) = |g_1| K."""
    run = adam_run([g1])
    dom = _statement_domain(proof_reading=False)
    return Step("statement", sp.Abs(g1) * K, "<=",
                bound(1, run["v_hat"][0], sp.sqrt(g1**2)), dom, "Theorem 10.5 (= Theorem 4.1)",
                "(statement of the theorem)",
                "instance T = 1, d = 1, f_1(theta) = g_1 theta, X = {theta*}, theta* = theta_1 "
                "- K sign(g_1), K >= 0; reading a: at T = 1 the only iterate is theta_1, so any "
                "D, D_inf >= 0 satisfy the hypothesis; v_hat_1 from recurrences.Adam2015")


def steps() -> list[Step]:
    """Every printed line of the proof (and the statement's reading b), in order."""
    base = _statement_domain(proof_reading=True)
    run1 = adam_run([g1])
    out = [Step("statement.b", sp.Abs(g1) * K, "<=",
                bound(1, run1["v_hat"][0], sp.sqrt(g1**2)), base,
                "Theorem 10.5 (= Theorem 4.1)", "(statement of the theorem)",
                "instance T = 1, d = 1 as the statement step; reading b: K = |theta_1 - "
                "theta*| <= D and <= D_inf")]
    # [D8]: Lemma 10.2 on convex quadratics; the inner product written out at d = 2
    f = qa * theta1**2 + qb * theta1
    fs = qa * theta_s**2 + qb * theta_s
    grad = 2 * qa * theta1 + qb
    out += [
        Step("D8.1", f - fs, "<=", grad * (theta1 - theta_s),
             Domain({qa: NONNEG, qb: REAL, theta1: REAL, theta_s: REAL}), "[D8] relation 1",
             "Using Lemma 10.2",
             "instance: f_t(theta) = a theta^2 + b theta with a >= 0 (convex), d = 1"),
        Step("D8.2", sp.Matrix([g1, g2]).dot(sp.Matrix([h1, h2])), "=", g1 * h1 + g2 * h2,
             Domain({g1: REAL, g2: REAL, h1: REAL, h2: REAL}), "[D8] relation 2", "",
             "instance d = 2: g_t^T (theta_t - theta*) with theta_t - theta* = (h_1, h_2)"),
    ]
    out += _update_steps()
    out += _regret_steps()
    return out


def _update_steps() -> list[Step]:
    """[D9]-[D11] and the prose between them, at t = 2 (instance)."""
    run = adam_run([g1, g2])
    m1, m2 = run["m"]
    vh1, vh2 = run["v_hat"]
    mh2 = run["m_hat"][1]
    a2, b12, a1 = alpha_at(2), beta1_at(2), alpha_at(1)
    nxt = theta_t + run["delta"][1]                         # theta_{t+1} from the recurrence
    dom = params_domain(g1, g2, extra={theta_t: REAL, theta_s: REAL, theta_st: REAL},
                        constraints=(sp.Ne(g1, 0), sp.Ne(g2, 0)))
    inst = ("instance t = 2, d = 1, g_1, g_2 != 0 symbols, theta_t = theta_2 free (theta_1 is "
            "free); theta_{t+1}, m_{t-1}, v_hat from recurrences.Adam2015 (eps = 0)")
    r1 = theta_t - a2 * mh2 / sp.sqrt(vh2)
    r2 = theta_t - a2 / (1 - beta1**2) * (b12 / sp.sqrt(vh2) * m1 + (1 - b12) / sp.sqrt(vh2) * g2)
    x = theta_t - theta_s
    d10 = {
        "a": x**2 - 2 * a2 / (1 - beta1**2) * (b12 / sp.sqrt(vh2) * m1
                                               + (1 - b12 / sp.sqrt(vh2) * g2)) * x
        + a2**2 * (mh2 / sp.sqrt(vh2)) ** 2,
        "b": x**2 - 2 * a2 / (1 - beta1**2) * (b12 / sp.sqrt(vh2) * m1
                                               + (1 - b12) / sp.sqrt(vh2) * g2) * x
        + a2**2 * (mh2 / sp.sqrt(vh2)) ** 2,
    }
    q4 = vh1 ** sp.Rational(1, 4)
    out = [
        Step("D9.1", nxt, "=", r1, dom, "[D9] row 1",
             "From the update rules presented in algorithm 1", inst),
        at(Step("D9.2", r1, "=", r2, dom, "[D9] row 2", "", inst), P_UPDATE),
        Step("D10.a", (nxt - theta_s) ** 2, "=", d10["a"], dom, "[D10]",
             "Subtract the scalar theta*_i and square both sides of the above update rule",
             inst + "; reading a (PDF parentheses): (1 - beta1,t/sqrt(v_hat) g_t)"),
        at(Step("D10.b", (nxt - theta_s) ** 2, "=", d10["b"], dom, "[D10]",
                "Subtract the scalar theta*_i and square both sides of the above update rule",
                inst + "; reading b (OX): (1 - beta1,t)/sqrt(v_hat) g_t"), P_UPDATE),
        Step("young", qa * qb, "<=", qa**2 / 2 + qb**2 / 2, Domain({qa: REAL, qb: REAL}),
             "Theorem 10.5 proof, line before [D11]", "Young's inequality",
             "symbolic a, b (every real a, b)"),
        Step("vhat.1", sp.sqrt(vh2), "=",
             sp.sqrt(sum((1 - beta2) * beta2 ** (2 - j) * gj**2
                         for j, gj in ((1, g1), (2, g2)))) / sp.sqrt(1 - beta2**2), dom,
             "Theorem 10.5 proof, line before [D11]", "it can be shown that", inst),
        Step("vhat.2", sp.sqrt(vh2), "<=", sp.sqrt(g1**2 + g2**2), dom,
             "Theorem 10.5 proof, line before [D11]", "it can be shown that", inst),
        Step("beta1t", beta1 * lam ** (tt - 1), "<=", beta1,
             Domain({beta1: Range(0, 1, hi_open=True), lam: Range(0, 1, True, True),
                     tt: Range(1, sp.oo, integer=True)}),
             "Theorem 10.5 proof, line before [D11]", "and beta1,t <= beta1",
             "symbolic t (every integer t >= 1)"),
    ]
    for rd, star in (("a", theta_st), ("b", theta_s)):
        what = ("reading a (PDF): theta*_{,t} in the first bracket, another coordinate of "
                "theta* (a free symbol)" if rd == "a" else
                "reading b (OX): theta*_{,i} in the first bracket")
        bracket = (theta_t - star) ** 2 - (nxt - theta_s) ** 2
        row1 = ((1 - beta1**2) * sp.sqrt(vh2) / (2 * a2 * (1 - b12)) * bracket
                + b12 / (1 - b12) * q4 / sp.sqrt(a1) * (theta_s - theta_t) * sp.sqrt(a1) * m1 / q4
                + a2 * (1 - beta1**2) * sp.sqrt(vh2) / (2 * (1 - b12)) * (mh2 / sp.sqrt(vh2)) ** 2)
        row2 = (1 / (2 * a2 * (1 - beta1)) * bracket * sp.sqrt(vh2)
                + b12 / (2 * a1 * (1 - b12)) * (theta_s - theta_t) ** 2 * sp.sqrt(vh1)
                + beta1 * a1 / (2 * (1 - beta1)) * m1**2 / sp.sqrt(vh1)
                + a2 / (2 * (1 - beta1)) * mh2**2 / sp.sqrt(vh2))
        row1_step = Step(f"D11.1.{rd}", g2 * (theta_t - theta_s), "=", row1, dom,
                         "[D11] row 1", "We can rearrange the above equation", f"{inst}; {what}")
        out += [
            row1_step if rd == "a" else at(row1_step, P_UPDATE),
            Step(f"D11.2.{rd}", row1, "<=", row2, dom, "[D11] row 2",
                 "use Young's inequality ... Then", f"{inst}; {what}"),
        ]
    _ = m2
    return out


def _regret_steps() -> list[Step]:
    """[D12]-[D15] at T = 2 (instance), linear losses, X = {theta*}."""
    Tn = 2
    run = adam_run([g1, g2])
    th = [theta1, theta1 + run["delta"][0]]                 # theta_1, theta_2
    vh = run["v_hat"]
    regret = g1 * (th[0] - theta_s) + g2 * (th[1] - theta_s)
    norm = sp.sqrt(g1**2 + g2**2)
    coef = alpha * Ginf / ((1 - beta1) * sp.sqrt(1 - beta2) * (1 - gamma) ** 2)
    d12 = (1 / (2 * alpha_at(1) * (1 - beta1)) * (th[0] - theta_s) ** 2 * sp.sqrt(vh[0])
           + sum(1 / (2 * (1 - beta1)) * (th[k - 1] - theta_s) ** 2
                 * (sp.sqrt(vh[k - 1]) / alpha_at(k) - sp.sqrt(vh[k - 2]) / alpha_at(k - 1))
                 for k in range(2, Tn + 1))
           + beta1 * coef * norm + coef * norm
           + sum(beta1_at(k) / (2 * alpha_at(k) * (1 - beta1_at(k))) * (theta_s - th[k - 1]) ** 2
                 * sp.sqrt(vh[k - 1]) for k in range(1, Tn + 1)))
    dom12 = params_domain(g1, g2, extra={theta1: REAL, theta_s: REAL},
                          constraints=(sp.Ne(g1, 0),))
    inst = ("instance T = 2, d = 1, f_t(theta) = g_t theta, X = {theta*}, g_1 != 0, theta_1 "
            "and theta* free; theta_2, v_hat from recurrences.Adam2015 (eps = 0)")
    # the proof's assumption on D, D_inf (reading b) and the statement's (|theta_1 - theta_2|)
    hyp_d = tuple(sp.Le(sp.Abs(e), bnd) for e in (th[0] - theta_s, th[1] - theta_s,
                                                   th[0] - th[1]) for bnd in (D, Dinf))
    dom13 = params_domain(g1, g2, extra={theta1: REAL, theta_s: REAL, D: NONNEG,
                                         Dinf: NONNEG},
                          constraints=(sp.Ne(g1, 0), *hyp_d))
    inst13 = inst + "; |theta_t - theta*| <= D, D_inf and |theta_1 - theta_2| <= D, D_inf"
    head = (D**2 / (2 * alpha * (1 - beta1)) * sp.sqrt(Tn * vh[Tn - 1])
            + alpha * (1 + beta1) * Ginf / ((1 - beta1) * sp.sqrt(1 - beta2)
                                            * (1 - gamma) ** 2) * norm)
    out = [at(Step("D12", regret, "<=", d12, dom12, "[D12] rows 1-3",
                   "We apply Lemma 10.4 to the above inequality and derive the regret bound by "
                   "summing across all the dimensions ... and the sequence of convex "
                   "functions", inst), Q_REGRET)]
    upper = {"a": 1, "b": Tn}
    for rd, up in upper.items():
        what = ("reading a (PDF upper limit lower-case t): the inner sum up to a free index "
                f"t, instance t = {up}" if rd == "a" else
                f"reading b (OX upper limit T): the inner sum up to T = {Tn}")
        r1 = head + Dinf**2 / (2 * alpha) * sum(
            beta1_at(k) / (1 - beta1_at(k)) * sp.sqrt(k * vh[k - 1]) for k in range(1, up + 1))
        r2 = head + Dinf**2 * Ginf * sp.sqrt(1 - beta2) / (2 * alpha) * sum(
            beta1_at(k) / (1 - beta1_at(k)) * sp.sqrt(k) for k in range(1, up + 1))
        out += [
            at(Step(f"D13.1.{rd}", regret, "<=", r1, dom13, "[D13] row 1",
                    "From the assumption, ||theta_t - theta*||_2 <= D, ||theta_m - "
                    "theta_n||_inf <= D_inf, we have", f"{inst13}; {what}"), Q_REGRET),
            Step(f"D13.2.{rd}", r1, "<=", r2, dom13, "[D13] rows 2-3", "",
                 f"{inst13}; {what}"),
        ]
    # [D14]: a sum with a given upper limit U; both readings give the same relation for a U
    U = 2
    s0 = sum(beta1_at(k) / (1 - beta1_at(k)) * sp.sqrt(k) for k in range(1, U + 1))
    s1 = sum(1 / (1 - beta1) * lam ** (k - 1) * sp.sqrt(k) for k in range(1, U + 1))
    s2 = sum(1 / (1 - beta1) * lam ** (k - 1) * k for k in range(1, U + 1))
    s3 = 1 / ((1 - beta1) * (1 - lam) ** 2)
    dom14 = Domain({beta1: Range(0, 1, hi_open=True), lam: Range(0, 1, True, True)})
    n14 = (f"instance: upper limit {U}; readings a (lower-case t) and b (T) give this same "
           "relation for a given upper limit")
    just = "We can use arithmetic geometric series upper bound for the last term"
    out += [
        Step("D14.1", s0, "<=", s1, dom14, "[D14] row 1", just, n14),
        Step("D14.2", s1, "<=", s2, dom14, "[D14] row 2", "", n14),
        Step("D14.3", s2, "<=", s3, dom14, "[D14] row 3", "", n14),
        Step("D14.ox", s1, "<=", s3, dom14, "[D14] rows 1-3",
             "", n14 + "; reading OX: the middle row missing (row 1's right side <= row 3's)"),
    ]
    # [D15]: the conclusion, at T = 1 under the proof's assumption on D (reading b of the
    # statement), one step per reading of the last denominator
    base = _statement_domain(proof_reading=True)
    v1 = adam_run([g1])["v_hat"][0]
    for rd, den in (("a", 2 * alpha * beta1 * (1 - lam) ** 2),
                    ("b", 2 * alpha * (1 - beta1) * (1 - lam) ** 2)):
        what = ("reading a (PDF): last denominator 2 alpha beta1 (1 - lambda)^2" if rd == "a"
                else "reading b (OX): last denominator 2 alpha (1 - beta1)(1 - lambda)^2")
        dom15 = base if rd == "b" else Domain(
            {**base.ranges, beta1: Range(0, 1, True, True)}, base.constraints)
        out.append(Step(f"D15.{rd}", sp.Abs(g1) * K, "<=", bound(1, v1, sp.sqrt(g1**2), den),
                        dom15, "[D15]", "Therefore, we have the following regret bound",
                        f"{INST_T1}; K = |theta_1 - theta*| <= D, D_inf (the proof's "
                        f"assumption); {what}" + ("; beta1 > 0 (the line divides by beta1)"
                                                  if rd == "a" else "")))
    return out


def claim() -> Claim:
    """The claim ``adam2015-theorem10.5``; its verdict is its statement step's."""
    return Claim("adam2015-theorem10.5",
                 "Kingma & Ba (2015), Theorem 10.5 (= Theorem 4.1): Adam's regret bound",
                 trimmed(statement()), tuple(map(trimmed, steps())),
                 "Appendix 10.1, Theorem 10.5 and displays [D8]-[D15]; Section 4, Theorem 4.1",
                 note="Theorem 4.1 is the restatement of Theorem 10.5 (the middle coefficient "
                      "printed alpha(1 + beta1) G_inf there, alpha(beta1 + 1) G_inf here)",
                 scope="instance T = 1, d = 1 (statement); the proof lines at t = 2 / T = 2",
                 for_all=("T", "d", "f_1..f_T", "alpha", "beta1", "beta2", "lambda"))
