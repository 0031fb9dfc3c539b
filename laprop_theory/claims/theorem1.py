"""Theorem 1 (Sec. 4, regret bound) and its proof, Appendix A.3, Eqs. (16)-(26).

Every line of the proof is a :class:`~laprop_theory.proof.core.Step` with the paper's
equation number and justification; nothing here states a verdict, :func:`decide` finds it.

The algorithm analysed (Eq. 17, :class:`laprop_theory.recurrences.TheoryLaProp`), per
coordinate::

    λ_t = λ/√t,  μ_t = μ ζ^{t−1},  s_t = sqrt(n_t/c_n),  P_t = Π_{k≤t} μ_k (P_0 = 1)
    m_t = μ_t m_{t−1} + (1 − μ_t) g_t/s_t,   θ_{t+1} = θ_t − λ_t m_t/c_m

Two conventions the paper leaves implicit are made explicit, and a step whose truth depends
on one appears once per convention (the convention is part of the step id):

* ``lr``: where λ_t sits. ``outside`` is Eq. 17 (the proof); ``inside`` is Algorithm 1's
  placement m_t = μ_t m_{t−1} + λ_t(1 − μ_t) g_t/s_t, θ_{t+1} = θ_t − m_t/c_m. Both updates
  are read from the recurrences run in sympy.
* ``cm``: what c_m means when μ_t varies: ``product`` c_m = 1 − P_t, ``power``
  c_m = 1 − μ^t, ``one`` c_m = 1.

Notation for the per-step symbols: x = θ_t − θ*, M = m_{t−1}, s = s_t > 0, L = λ_t > 0,
c = c_m ∈ (0, 1], u = μ_t ∈ [0, 1), P = P_{t−1} ∈ [0, 1]. Steps over all t or T are encoded as
induction steps (symbolic t) or, where named, as finite instances; the paper's printed
relation is encoded as printed (``as printed`` in the note) next to the corrected one when
they differ. Hypotheses of the theorem are listed in :data:`HYPOTHESES`.

Steps whose symbols are quantities of a run (eq17/eq18, eq21 as printed, the μ_t/λ_t steps of
(24)) are ``abstract``: they are refuted only at ``witnesses``, exact rational points of actual
runs of ``TheoryLaProp`` replayed by :func:`replay` (a point of the over-approximating domain
that no run reaches refutes nothing).

Kernel (:func:`derivation`, scope :data:`SCOPE`, built in :mod:`.theorem1_kernel`): induction
over runs of one coordinate of ``TheoryLaProp`` carrying the regret potential of Eqs. (19)-(24)
gives the worst-case bound of Theorem 1 for one coordinate and every T; summed over the d
coordinates, it is the worst-case form of Eq. (9) for every T and d (convexity, Eq. 16, is the
theorem's hypothesis); the sparse form of Eq. (9) follows from the same induction, which also
carries Eq. (25)'s Cauchy-Schwarz step and Σ_(k≤T) 1/k ≤ 1 + ln T.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sympy as sp

from ..proof.core import Claim, Domain, Range, Step
from . import theorem1_kernel
from ._sym import (
    NONNEG,
    POS,
    REAL,
    SYM,
    T_GE1,
    T_GE2,
    UNIT,
    UNIT_OPEN,
    sym_run,
    sym_step,
    symbolic,
)
from .theorem1_kernel import SymTheoryLaProp as _SymTheoryLaProp
from .theorem1_kernel import theory

CM_CONVENTIONS: tuple[str, ...] = ("product", "power", "one")
LR_CONVENTIONS: tuple[str, ...] = ("outside", "inside")

HYPOTHESES: tuple[str, ...] = (
    "each loss l_t is convex (Eq. 16)",
    "bounded gradients: ||grad l_t(theta)||_inf <= G_inf on the feasible set",
    "bounded distance: |theta_t,i - theta*_i| <= D for every t, i (the statement bounds only "
    "the distance between iterates; the proof (Eq. 24) needs theta* inside it too)",
    "lambda_t = lambda/sqrt(t), lambda > 0",
    "mu_t = mu zeta^(t-1), mu in [0, 1), zeta in (0, 1)",
    "nu in [0, 1), eps = 0, s_t = sqrt(n_t/c_n), c_n = 1 - nu^t",
    "s_{t+1,i}/lambda_{t+1} >= s_{t,i}/lambda_t for every t, i",
    "convention lr: lambda_t outside the momentum (Eq. 17); Algorithm 1 has it inside",
    "convention cm: c_m for a varying mu_t (product 1 - prod mu_k, power 1 - mu^t, or 1)",
)

# ----------------------------------------------------------------------------- symbols

mu, nu, zeta = sp.symbols("mu nu zeta", real=True)
lam = sp.Symbol("lambda", real=True)
t = sp.Symbol("t", integer=True)
T = sp.Symbol("T", integer=True)
Treal = sp.Symbol("T", real=True)
x, y, z, M, g, e = sp.symbols("x y z M g e", real=True)
s, L, c, u, P = sp.symbols("s L c u P", real=True)
a, b, A, D, G = sp.symbols("a b A D G", real=True)
N, cn, q, al, be = sp.symbols("N c_n q alpha beta", real=True)
X, W, dX, dc, c0 = sp.symbols("X W dX dc c0", real=True)
a1, a2, b1, b2, F = sp.symbols("a1 a2 b1 b2 F", real=True)
x1, x2, x3, aT, aT1 = sp.symbols("x1 x2 x3 a_T a_T1", real=True)
ct, ct1, st, st1, Lt, Lt1, u0, u1 = sp.symbols("c_t c_t1 s_t s_t1 L_t L_t1 u0 u1", real=True)
sig0, sig1, h, p = sp.symbols("sigma0 sigma1 h p", real=True)

PM1 = Range(-1, 1)
UNIT_CLOSED = Range(0, 1)
UNIT_LO_OPEN_CLOSED = Range(0, 1, lo_open=True)  # (0, 1]
TREAL_GE1 = Range(1)


def _d(ranges: dict, *constraints) -> Domain:
    return Domain(ranges, tuple(constraints))


def _c_m(cm: str, tt, prod) -> sp.Expr:
    """c_m at step tt under a convention (``prod`` = P_tt)."""
    return {"product": 1 - prod, "power": 1 - mu**tt, "one": sp.Integer(1)}[cm]


# ----------------------------------------------------------------------------- replayed runs

#: θ* of the witness runs: linear losses l_t(θ) = g_t θ on the feasible set [−2, 2] with
#: Σ_t g_t > 0 have their minimiser at θ* = −2 (every replayed iterate stays in [−2, 0]).
THETA_STAR = sp.Integer(-2)


def replay(grads: Sequence[Any], t_: int, *, lr: Any = 1, mu_: Any = "1/2",
           zeta_: Any = "1/2", nu_: Any = 0, cm: str = "product",
           lr_inside: bool = False) -> dict[str, Any]:
    """The per-step quantities of an actual run at step ``t_``, exactly (sympy backend).

    Runs :class:`laprop_theory.recurrences.TheoryLaProp` (Eq. 17; Algorithm 1's placement if
    ``lr_inside``) with exact rational hyperparameters on the one-coordinate gradients
    ``grads`` from θ_1 = 0 and returns, at step t = ``t_``: ``M`` = m_(t−1), ``g`` = g_t,
    ``s`` = s_t = sqrt(n_t/c_n), ``u`` = μ_t, ``L`` = λ_t, ``c`` = c_m(t), ``P`` = P_(t−1),
    ``m`` = m_t, ``theta`` = θ_t, ``delta`` = θ_(t+1) − θ_t, ``x`` = θ_t − θ* and
    ``x_next`` = θ_(t+1) − θ* (θ* = :data:`THETA_STAR`), plus ``thetas`` and ``run`` (a
    description). Everything is read from the recurrence, nothing recomputed by hand."""
    q = sp.nsimplify
    alg = _SymTheoryLaProp(lr=1, mu=0.5, zeta=0.5, nu=0.5, cm=cm, lr_inside=lr_inside)
    alg = symbolic(alg, lr=q(lr), mu=q(mu_), zeta=q(zeta_), nu=q(nu_))
    traj = sym_run(alg, [q(v) for v in grads])
    st, prev = traj.states[t_ - 1], (traj.states[t_ - 2] if t_ >= 2 else None)
    nu_q = q(nu_)
    out = {
        "M": prev["m"][0] if prev is not None else sp.Integer(0),
        "P": prev["muprod"][0] if prev is not None else sp.Integer(1),
        "g": traj.grads[t_ - 1][0], "m": st["m"][0],
        "s": sp.sqrt(st["n"][0] / (1 - nu_q**t_)),
        "u": alg.mu_t(t_, SYM), "L": alg.lr_t(t_, SYM),
        "c": {"product": 1 - st["muprod"][0], "power": 1 - q(mu_) ** t_,
              "one": sp.Integer(1)}[cm],
        "theta": traj.thetas[t_ - 1][0], "delta": traj.deltas[t_ - 1][0],
        "thetas": [th[0] for th in traj.thetas],
    }
    out["x"] = out["theta"] - THETA_STAR
    out["x_next"] = traj.thetas[t_][0] - THETA_STAR
    out["run"] = (f"recurrences.TheoryLaProp(lr={lr}, mu={mu_}, zeta={zeta_}, nu={nu_}, "
                  f"cm='{cm}', lr_inside={lr_inside}) on g = {tuple(grads)} from theta_1 = 0, "
                  f"step t = {t_}; theta* = {THETA_STAR} (linear losses g_t theta on [-2, 2])")
    return out


def _witness(point: dict[sp.Symbol, Any], run: str) -> dict[str, Any]:
    """A witness of an abstract step; every coordinate must be an exact rational."""
    pt = {k: sp.nsimplify(v) for k, v in point.items()}
    bad = [str(k) for k, v in pt.items() if not v.is_Rational]
    if bad:
        raise AssertionError(f"theorem1: witness coordinates {bad} are not rational")
    return {"point": pt, "run": run}


# ----------------------------------------------------------------------------- steps

def _update_steps() -> list[Step]:
    """Eqs. (16)-(19): convexity, the update and its square, ab <= (a^2 + b^2)/2."""
    out: list[Step] = []
    # (16) convexity, for the quadratic losses l(th) = A (th - beta)^2 / 2 (e = th* - beta).
    lhs16 = A * (e + x) ** 2 / 2 - A * e**2 / 2
    out.append(Step("eq16", lhs16, "<=", A * (e + x) * x,
                    _d({A: NONNEG, e: REAL, x: REAL}), "(16)",
                    "convexity: l(theta_t) - l(theta*) <= g_t (theta_t - theta*)",
                    "instance: quadratic loss A(theta - beta)^2/2, x = theta_t - theta*, "
                    "e = theta* - beta (linear losses: equality)"))
    s_expr = sp.sqrt((nu * N + (1 - nu) * g * g) / (1 - nu**t))
    named = [(s_expr, s), (mu * zeta ** (t - 1), u), (lam / sp.sqrt(t), L)]
    dom17 = _d({x: REAL, M: REAL, g: REAL, s: POS, u: UNIT, L: POS, c: UNIT_LO_OPEN_CLOSED})
    eq17_rhs = -(L / c) * (u * M + (1 - u) * g / s)
    for conv in LR_CONVENTIONS:
        alg = theory("product", lr_inside=(conv == "inside"))
        state, delta = sym_step(alg, {"m": M, "n": N, "muprod": P}, g, t)
        d_s, m_s = delta.subs(named).subs(1 - P * u, c), state["m"].subs(named)
        if (d_s.free_symbols | m_s.free_symbols) & {P, t, mu, zeta, lam, N}:
            raise AssertionError("theorem1: the recurrence's update did not map onto s, u, L, c")
        note = ("Delta theta_t and m_t from one symbolic step of recurrences.TheoryLaProp("
                f"lr_inside={conv == 'inside'}, cm='product') at a symbolic t, M = m_(t-1), "
                "then named: s = s_t = sqrt(n_t/c_n) > 0, u = mu_t = mu zeta^(t-1), "
                "L = lambda_t = lambda/sqrt(t), c = c_m = 1 - P_(t-1) mu_t")
        # A reachable point: step t = 4 of a run for lr inside (sqrt(4) = 2 keeps lambda_t
        # rational; the zero gradients at t = 2, 3 keep m_t and theta_t rational with nu = 0,
        # and m_3 != 0); for lr outside theta_4 is irrational, so its witness is t = 1.
        rp = replay([1, 0, 0, 1], 4, lr_inside=True) if conv == "inside" else replay([1], 1)
        w17 = {M: rp["M"], g: rp["g"], s: rp["s"], u: rp["u"], L: rp["L"], c: rp["c"]}
        w18 = {**w17, x: rp["x"]}
        if sp.simplify(d_s.xreplace(w17) - rp["delta"]) != 0 or sp.simplify(
                (x + d_s).xreplace(w18) - rp["x_next"]) != 0:
            raise AssertionError("theorem1: the replayed run does not match the encoded update")
        out.append(Step(f"eq17[lr={conv}]", d_s, "=", eq17_rhs,
                        _d({k: v for k, v in dom17.ranges.items() if k != x}), "(17)",
                        "the LaProp update rule, lambda_t outside the momentum",
                        note + "; abstract (M, s, u, L, c are quantities of one run, tied "
                        "together by it): refuted only at the replayed witness",
                        abstract=True, witnesses=(_witness(w17, rp["run"]),)))
        lhs18 = (x + d_s) ** 2
        rhs18 = x**2 - 2 * (L / c) * (u * M + (1 - u) * g / s) * x + L**2 / c**2 * m_s**2
        out.append(Step(f"eq18[lr={conv}]", lhs18, "=", rhs18, dom17, "(18)",
                        "subtract theta*, square", "x = theta_t - theta*; " + note
                        + "; abstract: refuted only at the replayed witness",
                        abstract=True, witnesses=(_witness(w18, rp["run"]),)))
    out.append(Step("eq18[projected]", (h - z * h) ** 2, "<=", (h + p - z * h) ** 2,
                    _d({h: POS, p: NONNEG, z: Range(-1, 1)}), "(18) with projection",
                    "not in the paper: projecting onto a box that contains theta* only "
                    "shortens |theta_{t+1} - theta*|, so (18) holds as <=",
                    "box [-h, h], theta* = z h (z in [-1, 1]); the unprojected theta_{t+1} = "
                    "h + p is clipped to h; below -h is the mirror image"))
    # (19) line 1: rearranged (18), lambda outside; y = x - (L/c) m_t.
    mt = u * M + (1 - u) * g / s
    dom19 = _d({g: REAL, x: REAL, M: REAL, s: POS, L: POS, c: UNIT_LO_OPEN_CLOSED, u: UNIT})
    rhs19 = c * s / (2 * L * (1 - u)) * (x**2 - (x - L / c * mt) ** 2) \
        + u / (1 - u) * s * M * (-x) + L / (2 * c * (1 - u)) * s * mt**2
    out.append(Step("eq19.1", g * x, "=", rhs19, dom19, "(19) line 1",
                    "rearrange (18) for g_t (theta_t - theta*)",
                    "u = mu_t, c = c_m, L = lambda_t, s = s_t, M = m_(t-1), x = theta_t - theta*"))
    dom19b = _d({x: REAL, M: REAL, s: POS, L: POS, u: UNIT})
    out.append(Step("eq19.2", u / (1 - u) * s * M * (-x), "<=",
                    u * s * x**2 / (2 * L * (1 - u)) + L * u * s * M**2 / (2 * (1 - u)),
                    dom19b, "(19) line 2", "ab <= (a^2 + b^2)/2",
                    "a = -x/sqrt(L), b = sqrt(L) M"))
    out.append(Step("eq19.2[strict]", a * b, "<", (a**2 + b**2) / 2, _d({a: REAL, b: REAL}),
                    "(19) text", "ab < (a^2 + b^2)/2 (as printed, strict)",
                    "as printed; equality at a = b"))
    return out


def _prop1_steps() -> list[Step]:
    """Eq. (20): Proposition 1 under lambda outside, and its use m_t^2/c_m <= 1/(1 - nu)."""
    out: list[Step] = []
    out.append(Step("eq20.prop1.ratio", g**2 / ((nu * N + (1 - nu) * g**2) / cn), "<=",
                    1 / (1 - nu), _d({g: POS, N: NONNEG, cn: UNIT_LO_OPEN_CLOSED, nu: UNIT}),
                    "(20), Prop. 1 / (10)", "|g_t/s_t|^2 <= c_n/(1 - nu) <= 1/(1 - nu)",
                    "g = |g_t| > 0, N = n_(t-1) >= 0, c_n in (0, 1]"))
    out.append(Step("eq20.prop1.step[lr=outside]",
                    sp.Abs(u * a * (1 - P) + (1 - u) * b), "<=", 1 - u * P,
                    _d({u: UNIT, a: PM1, b: PM1, P: UNIT_CLOSED}), "(20), Prop. 1 / (11)",
                    "Prop. 1 applied to m_t = mu_t m_(t-1) + (1 - mu_t) g_t/s_t",
                    "induction step of |m_t| <= (1 - P_t)/sqrt(1 - nu), P_t = mu_t P_(t-1): "
                    "m_(t-1) = a (1 - P)/sqrt(1 - nu), g_t/s_t = b/sqrt(1 - nu), |a|, |b| <= 1 "
                    "(common factor 1/sqrt(1 - nu) divided out); base m_0 = 0, P_0 = 1"))
    wq = sp.Symbol("w", real=True)
    mt2 = {
        "product": ((1 - P) ** 2 / (1 - nu) / (1 - P), _d({P: UNIT, nu: UNIT}),
                    "P = P_t in [0, 1), c_m = 1 - P_t"),
        "power": ((1 - mu**t * wq) ** 2 / (1 - nu) / (1 - mu**t),
                  _d({mu: UNIT, wq: UNIT_OPEN, nu: UNIT, t: T_GE2}),
                  "t >= 2 (at t = 1 every convention gives c_m = 1 - mu); P_t = mu^t w, "
                  "w = zeta^(t(t-1)/2) takes every value in (0, 1) as zeta does; "
                  "c_m = 1 - mu^t"),
        "one": ((1 - P) ** 2 / (1 - nu), _d({P: UNIT_CLOSED, nu: UNIT}),
                "P = P_t in [0, 1], c_m = 1"),
    }
    for cm, (expr, dom, note) in mt2.items():
        out.append(Step(f"eq20.mt2[cm={cm}]", expr, "<=", 1 / (1 - nu), dom, "(20) line 1",
                        "Proposition 1 is applied to bound m_t: m_t^2/c_m <= 1/(1 - nu)",
                        "m_t^2 <= (1 - P_t)^2/(1 - nu) (eq20.prop1.step); " + note))
    # The same at a concrete trajectory, read from the recurrence: g1 = g2 = 1, t = 2.
    for cm in CM_CONVENTIONS:
        traj = sym_run(theory(cm), [1, 1])
        m2 = traj.states[-1]["m"][0]
        c2 = sp.simplify(-(lam / sp.sqrt(2)) * m2 / traj.deltas[-1][0])
        out.append(Step(f"eq20.mt2.instance[cm={cm}]", sp.simplify(m2**2 / c2), "<=",
                        1 / (1 - nu), _d({mu: UNIT, zeta: UNIT_OPEN, nu: UNIT}), "(20) line 1",
                        "Proposition 1 is applied to bound m_t",
                        "instance: g_1 = g_2 = 1, t = 2; m_2 and c_m read from "
                        f"recurrences.TheoryLaProp(cm='{cm}')"))
    out.append(Step("eq20.mprev", L * u * s * (a**2 / (1 - nu)) / (2 * (1 - u)), "<=",
                    L * u * s / (2 * (1 - u) * (1 - nu)),
                    _d({L: POS, u: UNIT, s: POS, a: PM1, nu: UNIT}), "(20) line 1",
                    "Proposition 1 bounds m_(t-1)^2 <= 1/(1 - nu)",
                    "m_(t-1) = a/sqrt(1 - nu), |a| <= 1 (any c_m convention: "
                    "|m_(t-1)| <= (1 - P_(t-1))/sqrt(1 - nu))"))
    wq = sp.Symbol("w", real=True)
    ut = mu * wq
    domt = _d({mu: UNIT, wq: UNIT_LO_OPEN_CLOSED, s: POS, x: REAL, L: POS, nu: UNIT})
    out.append(Step("eq20.2a", ut * s * x**2 / (2 * L * (1 - ut)), "<=",
                    ut * s * x**2 / (2 * L * (1 - mu)), domt, "(20) line 2",
                    "1 - mu_t >= 1 - mu", "mu_t = mu w, w = zeta^(t-1) in (0, 1]"))
    out.append(Step("eq20.2b", L * s / (2 * (1 - ut) * (1 - nu)) + L * ut * s / (2 * (1 - ut)
                    * (1 - nu)), "<=", L * s / ((1 - mu) * (1 - nu)), domt, "(20) line 2",
                    "merge the two lambda_t terms", "mu_t = mu w, w = zeta^(t-1) in (0, 1]"))
    return out


def _sum_steps() -> list[Step]:
    """Eqs. (21)-(24): summation by parts, the A term, the c_m monotonicity, the three sums."""
    out: list[Step] = []
    # witness: T = 2 of a run with mu = 0 (then theta_3 is rational although lambda_2 =
    # lambda/sqrt(2)); nu = 1/2, g = (2, 1) make s_2 = sqrt(2) and a_2 rational.
    r1, r2 = replay([2, 1], 1, mu_=0, nu_=sp.Rational(1, 2)), replay([2, 1], 2, mu_=0,
                                                                   nu_=sp.Rational(1, 2))
    a_of = [r["c"] * r["s"] / (2 * r["L"] * (1 - r["u"])) for r in (r1, r2)]
    w21 = {a1: a_of[0], a2: a_of[1], x1: r1["x"], x2: r2["x"], x3: r2["x_next"]}
    out.append(Step("eq21[as printed]", a1 * (x1**2 - x2**2)
                    + a2 * (x2**2 - x3**2), "=", a1 * x1**2 + x2**2 * (a2 - a1),
                    _d({a1: NONNEG, a2: NONNEG, x1: REAL, x2: REAL, x3: REAL}), "(21) line 2",
                    "sum over t, regroup (as printed: '=')",
                    "instance T = 2; a_t = c_(m,t) s_t/(2 lambda_t (1 - mu_t)) >= 0, "
                    "x_t = theta_t - theta*; abstract: refuted only at the replayed run",
                    abstract=True, witnesses=(_witness(w21, r2["run"]),)))
    out.append(Step("eq21.abel", F - aT * y**2 + aT1 * (y**2 - z**2), "=",
                    F + y**2 * (aT1 - aT) - aT1 * z**2,
                    _d({F: REAL, aT: NONNEG, aT1: NONNEG, y: REAL, z: REAL}), "(21) line 2",
                    "summation by parts", "induction step of sum_(t<=T) a_t (x_t^2 - x_(t+1)^2) "
                    "= a_1 x_1^2 + sum_(t=2..T) x_t^2 (a_t - a_(t-1)) - a_T x_(T+1)^2; "
                    "F = the first two terms at T, y = x_(T+1), z = x_(T+2)"))
    out.append(Step("eq21.drop", -aT * z**2, "<=", 0, _d({aT: NONNEG, z: REAL}), "(21) line 2",
                    "the paper drops -a_T x_(T+1)^2", "so (21) holds as <=, not ="))
    mu_t, mu_t1 = mu * zeta ** (t - 1), mu * zeta ** (t - 2)
    dom2 = _d({mu: UNIT, zeta: UNIT_OPEN, t: T_GE2})
    out.append(Step("eq22.mu[strict]", mu_t, "<", mu_t1, dom2, "(22)", "mu_t < mu_(t-1)",
                    "as printed; equality at mu = 0"))
    out.append(Step("eq22.mu", mu_t, "<=", mu_t1, dom2, "(22)", "mu_t <= mu_(t-1)", ""))
    out.append(Step("eq22", X / (1 - u0 * zeta), "<=", X / (1 - u0),
                    _d({X: NONNEG, u0: UNIT, zeta: UNIT_OPEN}), "(22)",
                    "using mu_t <= mu_(t-1): A <= (X_t - X_(t-1))/(1 - mu_(t-1))",
                    "A = X_t/(1 - mu_t) - X_(t-1)/(1 - mu_(t-1)); the X_(t-1) terms are equal "
                    "on both sides, so the step is X_t/(1 - mu_t) <= X_t/(1 - mu_(t-1)) with "
                    "X = X_t = c_(m,t) s_t/lambda_t >= 0, u0 = mu_(t-1), mu_t = u0 zeta"))
    out.append(Step("eq22[as printed]", (ct * st - ct1 * st) / ((1 - u0) * Lt), "=",
                    (ct * st / Lt - ct1 * st1 / Lt1) / (1 - u0),
                    _d({ct: UNIT_LO_OPEN_CLOSED, ct1: UNIT_LO_OPEN_CLOSED, st: POS, st1: POS,
                        Lt: POS, Lt1: POS, u0: UNIT}), "(22)",
                    "middle and right member of (22) as printed",
                    "as printed: s_(t-1) and lambda_(t-1) replaced by s_t, lambda_t in the "
                    "middle; abstract without a witness: a run's L_t, L_(t-1) are lambda/sqrt(t), "
                    "lambda/sqrt(t-1), never both rational, so no exact replayed point refutes it "
                    "here (it stays unverified rather than refuted at an unreachable point)",
                    abstract=True))
    # (23) c_{m,t-1} <= c_{m,t} <= 1, per convention.
    cm_pairs = {
        "product": (1 - P, 1 - P * u, _d({P: UNIT_CLOSED, u: UNIT}),
                    "c_(m,t-1) = 1 - P, c_(m,t) = 1 - P u (P = P_(t-1), u = mu_t)"),
        "power": (1 - mu ** (t - 1), 1 - mu**t, _d({mu: UNIT, t: T_GE2}), "c_(m,t) = 1 - mu^t"),
        "one": (sp.Integer(1), sp.Integer(1), _d({mu: UNIT}), "c_m = 1"),
    }
    for cm, (cprev, ccur, dom, note) in cm_pairs.items():
        out.append(Step(f"eq23.mono[cm={cm}]", cprev, "<=", ccur, dom, "(23)",
                        "c_(m,t-1) <= c_(m,t)", note))
        out.append(Step(f"eq23.le1[cm={cm}]", ccur, "<=", 1, dom, "(23)", "c_(m,t) <= 1", note))
    out.append(Step("eq23", (c0 + dc) * (W + dX) - c0 * W, ">=", 0,
                    _d({c0: NONNEG, dc: NONNEG, W: NONNEG, dX: NONNEG}), "(23)",
                    "c_(m,t-1) <= c_(m,t) and s_(t-1)/lambda_(t-1) <= s_t/lambda_t",
                    "c_(m,t) = c0 + dc, s_t/lambda_t = W + dX (the assumption), "
                    "W = s_(t-1)/lambda_(t-1)"))
    # (24) line 2: the three D^2 replacements.
    out.append(Step("eq24.1", c * s * (D * a) ** 2 / (2 * L * (1 - mu)), "<=",
                    c * s * D**2 / (2 * L * (1 - mu)),
                    _d({c: UNIT_LO_OPEN_CLOSED, s: POS, D: POS, a: PM1, L: POS, mu: UNIT}),
                    "(24) line 2", "mu_1 = mu and (theta_1 - theta*)^2 <= D^2",
                    "theta_(1,i) - theta*_i = a D, |a| <= 1"))
    wz = sp.Symbol("w", real=True)  # w = zeta^(t-2) in (0, 1]
    out.append(Step("eq24.2", (D * a) ** 2 * dX / (2 * (1 - mu * wz)), "<=",
                    D**2 * dX / (2 * (1 - mu)),
                    _d({D: POS, a: PM1, dX: NONNEG, mu: UNIT, wz: UNIT_LO_OPEN_CLOSED}),
                    "(24) line 2", "(23), 1 - mu_(t-1) >= 1 - mu, (theta_t - theta*)^2 <= D^2",
                    "dX = c_(m,t) s_t/lambda_t - c_(m,t-1) s_(t-1)/lambda_(t-1) >= 0; "
                    "mu_(t-1) = mu w, w = zeta^(t-2) in (0, 1]"))
    out.append(Step("eq24.D[as stated]", (x1 - z) ** 2, "<=", 4,
                    _d({x1: PM1, x2: PM1, z: REAL}), "(24), Theorem 1",
                    "||theta_t1 - theta_t2||_inf <= D (iterates only) gives "
                    "(theta_t - theta*)^2 <= D^2",
                    "iterates x1, x2 in [-1, 1] (pairwise distance <= D = 2); theta* = z is "
                    "not constrained by the hypothesis as stated"))
    out.append(Step("eq24.tele", X + (W - X), "=", W, _d({X: REAL, W: REAL}), "(24) line 3",
                    "telescoping", "induction step: X_1 + sum_(t=2..T)(X_t - X_(t-1)) = X_T; "
                    "X = X_T, W = X_(T+1)"))
    for cm in CM_CONVENTIONS:
        cT = {"product": 1 - P, "power": 1 - q, "one": sp.Integer(1)}[cm]
        rng = {P: UNIT_CLOSED} if cm == "product" else ({q: UNIT} if cm == "power" else {})
        lam_T = lam / sp.sqrt(Treal)
        out.append(Step(f"eq24.first[cm={cm}]", D**2 * cT * s / (2 * (1 - mu) * lam_T),
                        "<=", D**2 * sp.sqrt(Treal) * s / (2 * lam * (1 - mu)),
                        _d({D: POS, s: POS, lam: POS, mu: UNIT, Treal: TREAL_GE1, **rng}),
                        "(24) line 3", "first term: (D^2/(2(1-mu))) c_(m,T) s_(T,i)/lambda_T "
                        "<= D^2 sqrt(T) s_(T,i)/(2 lambda (1 - mu))",
                        "c_(m,T) <= 1; product: c_(m,T) = 1 - P_T, P_T = P in [0, 1]; power: "
                        "c_(m,T) = 1 - q, q = mu^T in [0, 1); T real >= 1"))
    out.append(Step("eq24.sG", nu * al * (1 - q) + (1 - nu) * be, "<=", 1 - nu * q,
                    _d({nu: UNIT, al: UNIT_CLOSED, be: UNIT_CLOSED, q: UNIT_CLOSED}),
                    "(24) note", "s_(t,i) <= G_inf",
                    "induction step of n_t <= (1 - nu^t) G^2: n_(t-1) = alpha (1 - q) G^2, "
                    "g_t^2 = beta G^2, q = nu^(t-1)"))
    wz = sp.Symbol("w", real=True)  # w = zeta^(t-1)
    lam_t = lam / sp.sqrt(Treal)
    domz = _d({mu: UNIT, zeta: UNIT_OPEN, lam: POS, Treal: TREAL_GE1, wz: UNIT_LO_OPEN_CLOSED})
    wnote = "t real >= 1 (integers included), w = zeta^(t-1) in (0, 1] named, zeta^t = zeta w"
    # witnesses: the schedules of an actual TheoryLaProp at integer steps t = 1 and t = 4
    # (where lambda_t = lambda/sqrt(t) is rational), w = mu_t/mu = zeta^(t-1)
    wmu = []
    for t_ in (1, 4):
        rp = replay([1] * t_, t_)
        wmu.append(_witness({mu: sp.Rational(1, 2), zeta: sp.Rational(1, 2), lam: 1,
                             Treal: t_, wz: rp["u"] / sp.Rational(1, 2)},
                            rp["run"] + " (its mu_t and lambda_t)"))
    out.append(Step("eq24.mulam[as printed]", mu * wz / lam_t, "=",
                    mu * zeta * wz * sp.sqrt(Treal) / lam, domz, "(24) note",
                    "mu_t/lambda_t = mu zeta^t sqrt(t)/lambda",
                    "as printed; mu_t = mu zeta^(t-1); " + wnote + "; abstract (T is a step "
                    "number, w = zeta^(T-1)): refuted only at the replayed integer steps",
                    abstract=True, witnesses=tuple(wmu)))
    out.append(Step("eq24.mulam.le[as printed]", mu * zeta * wz * sp.sqrt(Treal) / lam, "<=",
                    mu * Treal * zeta * wz / lam, domz, "(24) note",
                    "mu zeta^t sqrt(t)/lambda <= mu t zeta^t/lambda",
                    "as printed (sqrt t <= t); " + wnote))
    out.append(Step("eq24.mulam.chain[as printed]", mu * wz / lam_t, "<=",
                    mu * Treal * zeta * wz / lam, domz, "(24) note",
                    "mu_t/lambda_t <= mu t zeta^t/lambda (the chain as used)",
                    "with the theorem's mu_t = mu zeta^(t-1); " + wnote + "; abstract: "
                    "refuted only at the replayed integer steps",
                    abstract=True, witnesses=tuple(wmu)))
    out.append(Step("eq24.mulam.fixed", mu * wz / lam_t, "<=", mu * Treal * wz / lam, domz,
                    "(24) note", "mu_t/lambda_t <= mu t zeta^(t-1)/lambda",
                    "corrected; sum_t t zeta^(t-1) <= 1/(1-zeta)^2 keeps the second term; "
                    + wnote))
    # Powers of zeta named: p = zeta^T in (0, 1) (the steps hold for every p > 0 as well).
    pz = sp.Symbol("p", real=True)
    S_T = (1 - (Treal + 1) * pz + Treal * pz * zeta) / (1 - zeta) ** 2
    S_T1 = (1 - (Treal + 2) * pz * zeta + (Treal + 1) * pz * zeta**2) / (1 - zeta) ** 2
    domT = _d({zeta: UNIT_OPEN, Treal: TREAL_GE1, pz: UNIT_OPEN})
    pnote = "p = zeta^T in (0, 1) named (zeta^(T+1) = p zeta); T real >= 1 (integers included)"
    out.append(Step("eq24.tzeta.base", (1 - 2 * zeta + zeta**2) / (1 - zeta) ** 2, "=", 1,
                    _d({zeta: UNIT_OPEN}), "(24) note",
                    "sum_(t=1..T) t zeta^(t-1) in closed form",
                    "T = 1: S_1 = (1 - 2 zeta + zeta^2)/(1 - zeta)^2"))
    out.append(Step("eq24.tzeta.step", S_T + (Treal + 1) * pz, "=", S_T1, domT, "(24) note",
                    "sum_(t=1..T) t zeta^(t-1) in closed form",
                    "induction step S_(T+1) = S_T + (T+1) zeta^T; " + pnote))
    out.append(Step("eq24.tzeta.bound", S_T, "<=", 1 / (1 - zeta) ** 2, domT, "(24) note",
                    "sum_t t zeta^(t-1) <= 1/(1-zeta)^2", "closed form vs the bound; " + pnote))
    out.append(Step("eq24.tzeta", zeta * S_T, "<=", 1 / (1 - zeta) ** 2, domT,
                    "(24) note", "sum_t t zeta^t <= 1/(1-zeta)^2",
                    "the paper's form: sum_(t<=T) t zeta^t = zeta S_T; " + pnote))
    return out


def _worst_and_cs_steps() -> list[Step]:
    """The worst-case bound of B and the Cauchy-Schwarz route, Eqs. (25)-(26)."""
    out: list[Step] = []
    tt = sp.Symbol("j", integer=True, positive=True)
    out.append(Step("wc.sqrtsum[as printed]", sp.Sum(1 / sp.sqrt(tt), (tt, 1, 1)), "<",
                    2 * sp.sqrt(1) - 1, _d({}), "(24) text",
                    "sum_t 1/sqrt(t) < 2 sqrt(T) - 1",
                    "as printed (strict), instance T = 1 (for T >= 2 it is strict)"))
    out.append(Step("wc.sqrtsum.base", sp.Integer(1), "<=", 2 * sp.sqrt(1) - 1, _d({}),
                    "(24) text", "sum_t 1/sqrt(t) <= 2 sqrt(T) - 1", "T = 1"))
    out.append(Step("wc.sqrtsum.step", 2 * sp.sqrt(Treal) - 1 + 1 / sp.sqrt(Treal + 1), "<=",
                    2 * sp.sqrt(Treal + 1) - 1, _d({Treal: TREAL_GE1}), "(24) text",
                    "sum_t 1/sqrt(t) <= 2 sqrt(T) - 1",
                    "induction step T -> T + 1, proved for every real T >= 1"))
    domw = _d({lam: POS, mu: UNIT, nu: UNIT, D: POS, G: POS, Treal: TREAL_GE1})
    out.append(Step("wc.B", lam * G * (2 * sp.sqrt(Treal) - 1) / ((1 - mu) * (1 - nu)), "<=",
                    2 * lam * G * sp.sqrt(Treal) / ((1 - mu) * (1 - nu)), domw,
                    "Theorem 1 (worst case)", "B <= 2 d G_inf sqrt(T) with s_(t,i) <= G_inf",
                    "per coordinate (d = 1)"))
    # (25)
    out.append(Step("eq25.cs", (a1 * b1 + a2 * b2) ** 2, "<=", (a1**2 + a2**2) * (b1**2 + b2**2),
                    _d({a1: REAL, a2: REAL, b1: REAL, b2: REAL}), "(25) line 1",
                    "Cauchy-Schwarz", "instance with two terms (a_t = s_t, b_t = 1/sqrt(t))"))
    hx = sp.log(1 + x) - x / (1 + x)
    out.append(Step("eq25.harm.base", hx.subs(x, 0), "=", 0, _d({}), "(25) line 2",
                    "sum_t 1/t <= 1 + ln T", "h(x) = ln(1+x) - x/(1+x) vanishes at 0"))
    out.append(Step("eq25.harm.step", sp.simplify(sp.diff(hx, x)), ">=", 0,
                    _d({x: Range(0, 1)}), "(25) line 2", "sum_t 1/t <= 1 + ln T",
                    "induction step 1 + ln T + 1/(T+1) <= 1 + ln(T+1) is 1/(T+1) <= ln(1 + 1/T), "
                    "i.e. h(1/T) >= 0; h' >= 0 on [0, 1] (derivative by sympy), with h(0) = 0"))
    traj = sym_run(theory(), [b1, b2, g])
    n3 = traj.states[-1]["n"][0]
    out.append(Step("eq25.n", n3, "=", sum((1 - nu) * nu ** (3 - j) * gj**2
                                           for j, gj in zip((1, 2, 3), (b1, b2, g),
                                                            strict=True)),
                    _d({nu: UNIT, b1: REAL, b2: REAL, g: REAL}), "(25) line 3",
                    "n_t = sum_j (1 - nu) nu^(t-j) g_j^2",
                    "instance t = 3, n_3 read from recurrences.TheoryLaProp"))
    out.append(Step("eq25.cn[as printed]", (1 - nu) / (1 - nu**t), "=", 1,
                    _d({nu: UNIT, t: T_GE1}), "(25) line 4",
                    "(1 - nu)/c_n = 1 (as printed: '=')", "c_n = 1 - nu^t"))
    out.append(Step("eq25.cn", (1 - nu) / (1 - nu**t), "<=", 1, _d({nu: UNIT, t: T_GE1}),
                    "(25) line 4", "(1 - nu)/c_n <= 1", "so line 4 holds as <="))
    out.append(Step("eq25.geom", (1 - nu ** (T + 1)) / (1 - nu), "<=", 1 / (1 - nu),
                    _d({nu: UNIT, T: Range(0, sp.oo, integer=True)}), "(25) line 5",
                    "sum_(t>=j) nu^(t-j) <= 1/(1 - nu)", "closed form of the geometric sum"))
    ell = sp.Symbol("ell", real=True)  # ell = ln T >= 0
    v = sp.Symbol("v", real=True)  # nu = 1 - v^2, v = sqrt(1 - nu) in (0, 1]
    third = lam * sp.sqrt(1 + ell) / ((1 - mu) * v**2 * v)
    dom3 = _d({lam: POS, mu: UNIT, v: UNIT_LO_OPEN_CLOSED, ell: NONNEG})
    vnote = "ell = ln T >= 0; nu = 1 - v^2 with v = sqrt(1 - nu) in (0, 1]"
    out.append(Step("eq25.factor", lam / ((1 - mu) * v**2) * (sp.sqrt(1 + ell) / v), "=",
                    third, dom3, "(26)",
                    "lambda/((1-mu)(1-nu)) B with B <= sqrt((1 + ln T)/(1 - nu)) sum ||g||",
                    "the third term's factor is (1-nu)^(-3/2) = v^(-3); " + vnote))
    out.append(Step("remark.factor[as printed]", third, "=",
                    lam * sp.sqrt(1 + ell) / ((1 - mu) * v**2), dom3, "Sec. 4 remark",
                    "LaProp replaces the factor 1/((1-mu)(1-gamma)) by 1/(1-nu)",
                    "as printed: the bound's third term carries 1/((1-mu)(1-nu)^(3/2)); "
                    + vnote))
    out.append(Step("eq26.index[as printed]", sig0 + sig1, "=", sig1,
                    _d({sig0: NONNEG, sig1: NONNEG}), "(26)",
                    "sum_(i=0)^d s_(T,i) (as printed) is sum_(i=1)^d s_(T,i)",
                    "d = 1; sigma0 = s_(T,0) read as any nonnegative number"))
    return out


# ----------------------------------------------------------------------------- every T (kernel)

SCOPE = ("Theorem 1's regret bound (Eq. 9), both forms, for every integer T >= 1 and d >= 1: "
         "sum_i R_(T,i) <= D^2 sqrt(T)/(2 lambda (1 - mu)) sum_i s_(T,i) + mu d D^2 G_inf/"
         "(2 lambda (1 - mu)(1 - zeta)^2) + lambda sqrt(1 + ln T)/((1 - mu)(1 - nu)^(3/2)) "
         "sum_i ||g_(1:T,i)||_2 (the sparse form; the worst case, third term 2 lambda d G_inf "
         "sqrt(T)/((1 - mu)(1 - nu)), is derived too) for every run of "
         "recurrences.TheoryLaProp (lambda_t outside the momentum, c_m = 1 - prod_(k<=t) mu_k), "
         "mu, nu in [0, 1), zeta in (0, 1), lambda, D, G_inf > 0, nonzero gradients "
         "|g_(t,i)| <= G_inf, under the run assumptions |theta_(t,i) - theta*_i| <= D and "
         "s_(t,i)/lambda_t nondecreasing; R_(T,i) = sum_t g_(t,i)(theta_(t,i) - theta*_i) bounds "
         "the regret by convexity (Eq. 16). Not covered: the conventions cm = power (refuted at "
         "Eq. 20) and lr = inside (refuted at Eq. 17)")


def derivation(thm: Any) -> Any:
    """Theorem 1 (Eq. 9, both forms) for every T and d: see :mod:`.theorem1_kernel`."""
    return theorem1_kernel.derivation(thm)


PRINTED_TAGS: tuple[str, ...] = ("[as printed]", "[strict]", "[as stated]")
"""Steps carrying one of these tags encode the paper's text as printed; each has a corrected
companion step, and they are reported but not part of the corrected proof."""


KERNEL_PREFIXES: tuple[str, ...] = ("pot.",)
"""Steps of the kernel derivation (c_m = 1 − Π μ_k, λ_t outside), not lines of the paper's
proof: the convention summary leaves them out; the claim-level verdict judges them."""


def conventions_verdict(results: Sequence[Any]) -> dict[str, dict[str, Any]]:
    """Which conventions the (corrected) proof holds under, from ``check`` results.

    ``results``: :class:`~laprop_theory.proof.core.StepResult` list of the ``theorem1``
    claim. For each pair (lr, cm) the proof holds when every step that applies to it (no
    convention tag, or that lr/cm tag; printed-as-is steps and the kernel's steps
    :data:`KERNEL_PREFIXES` excluded) is ``proved``. Returns
    ``{"lr=outside, cm=product": {"holds": bool, "failing": [...], "undecided": [...]}}``."""
    out: dict[str, dict[str, Any]] = {}
    for lr in LR_CONVENTIONS:
        for cm in CM_CONVENTIONS:
            failing, undecided = [], []
            for r in results:
                sid = r.step.id
                if any(tag in sid for tag in PRINTED_TAGS) or sid.startswith(KERNEL_PREFIXES):
                    continue
                if "[lr=" in sid and f"[lr={lr}]" not in sid:
                    continue
                if "[cm=" in sid and f"[cm={cm}]" not in sid:
                    continue
                if r.verdict.status == "refuted":
                    failing.append(sid)
                elif r.verdict.status == "unverified":
                    undecided.append(sid)
            out[f"lr={lr}, cm={cm}"] = {"holds": not failing and not undecided,
                                        "failing": failing, "undecided": undecided}
    return out


def claims() -> list[Claim]:
    """Theorem 1 with the ordered steps of its proof (Appendix A.3)."""
    # Statement: Eq. (9) at T = 1, d = 1, linear loss (R(1) = g_1 (theta_1 - theta*)).
    lhs = b * (D * a)
    v = sp.Symbol("v", real=True)  # nu = 1 - v^2: sqrt(1 - nu) = v
    rhs = D**2 * b / (2 * (1 - mu)) + mu * D**2 / (2 * (1 - mu) * (1 - zeta) ** 2) \
        + b / ((1 - mu) * v**2 * v)
    stmt = Step("statement", lhs, "<=", rhs,
                _d({a: PM1, b: UNIT_CLOSED, D: POS, mu: UNIT, v: UNIT_LO_OPEN_CLOSED,
                    zeta: UNIT_OPEN}),
                "Theorem 1, (9)", "regret bound for convex problems",
                "instance T = 1, d = 1, linear loss; G_inf = 1 and lambda = 1 by scaling (both "
                "sides are proportional to G_inf, and to lambda once D is replaced by "
                "lambda D); nu = 1 - v^2 with v in (0, 1] (so (1-nu)^(3/2) = v^3): "
                "g_1 = b, theta_1 - theta* = D a, b >= 0 (the sign flip "
                "(a, b) -> (-a, -b) changes neither side), "
                "s_1 = |g_1| = ||g_(1:1)||; the general T is the proof below and the "
                "empirical check in laprop_theory.regret")
    steps = _update_steps() + _prop1_steps() + _sum_steps() + _worst_and_cs_steps() \
        + theorem1_kernel.steps()
    return [Claim("theorem1", "Theorem 1: O(sqrt(T)) regret of LaProp on convex problems",
                  stmt, tuple(steps), "Sec. 4, Appendix A.3",
                  "conventions: " + "; ".join(HYPOTHESES[-2:]), derivation=derivation,
                  scope=SCOPE, for_all=("T", "d", "mu", "nu", "zeta", "lambda", "D", "G_inf",
                                        "g_(1..T, 1..d)"))]


def report_markdown(results: Sequence[Any]) -> str:
    """The check table of the ``theorem1`` claim and the convention summary, as Markdown
    (docs/theorem1.md is generated from it)."""
    lines = ["| step | eq. | paper's justification | verdict | method | work |",
             "|---|---|---|---|---|---|"]
    for r in results:
        v = r.verdict
        just = r.step.justification.replace("|", "\\|")
        lines.append(f"| `{r.step.id}` | {r.step.eq} | {just} | **{v.status}** | "
                     f"{v.method or '-'} | {v.work} |")
    lines += ["", "| conventions | every line of the corrected proof | failing steps |",
              "|---|---|---|"]
    for k, v in conventions_verdict(results).items():
        lines.append(f"| {k} | {'decided true' if v['holds'] else 'not all true'} | "
                     f"{', '.join(f'`{s}`' for s in v['failing'] + v['undecided']) or '-'} |")
    return "\n".join(lines)
