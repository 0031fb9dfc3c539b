"""Table 1 (Sec. 3.1): the limits of Adam and LaProp as μ, ν → 0 or 1.

Each entry is checked twice: symbolically (the recurrences of
:mod:`laprop_theory.recurrences` run in sympy at a fixed t with the gradients as symbols)
and numerically by running the two named recurrences at 50 digits on fixed sequences
(``*.rec`` steps: the largest gap over the sequences, a finite-sample check, not a proof over
all sequences). Interpretations: a "μ → 0" entry is read as μ = 0, which the recurrences
allow and where every update is continuous in μ; "ν → 0" as ν = 0 (continuous where no
gradient vanishes); "ν → 1" is read literally (the pointwise limit at fixed t) and, for
LaProp vs Adam, also in a precise sufficient form (equal updates whenever |g_k| is constant).
"""

from __future__ import annotations

import random

import mpmath
import sympy as sp

from .. import recurrences as R
from ..proof.core import Claim, Domain, Range, Step
from ._sym import REAL, UNIT, UNIT_OPEN, b, g1, g2, g3, make, mp_number, mu, nu, sym_update

SEQS = 6
DPS = 50


def _sequences(seed: int = 7, length: int = 5) -> list[list[str]]:
    r = random.Random(seed)
    return [[f"{r.uniform(-3, 3):.6f}" for _ in range(length)] for _ in range(SEQS)]


def rec_gap(alg_a: R.Algorithm, alg_b: R.Algorithm, seqs: list[list[str]]) -> mpmath.mpf:
    """max over the sequences and steps of |Δθ_a − Δθ_b|, both runs at DPS digits."""
    with mpmath.workdps(DPS + 10):
        worst = mpmath.mpf(0)
        for s in seqs:
            ta = R.run(alg_a, s, dps=DPS + 10, keep_states=False)
            tb = R.run(alg_b, s, dps=DPS + 10, keep_states=False)
            for da, db in zip(ta.deltas, tb.deltas, strict=True):
                worst = max(worst, abs(da[0] - db[0]))
        return worst


def _rec_step(sid: str, eq: str, just: str, alg_a: R.Algorithm, alg_b: R.Algorithm,
              note: str) -> Step:
    gap = rec_gap(alg_a, alg_b, _sequences())
    return Step(sid, mp_number(gap), "<=", sp.Rational(1, 10**40), Domain({}), eq, just,
                f"recurrences at {DPS} digits on {SEQS} fixed sequences of length 5: " + note)


def claims() -> list[Claim]:
    nz = (sp.Ne(g1, 0), sp.Ne(g2, 0))
    dom2_mu = Domain({mu: UNIT, g1: REAL, g2: REAL}, nz)
    dom2_nu = Domain({nu: UNIT_OPEN, g1: REAL, g2: REAL}, nz)
    ssg = make(R.SSG, lr=1)
    steps = []

    # Adam, mu -> 0, nu -> 0: SSG
    a00 = make(R.Adam, lr=1, mu=0, nu=0)
    steps.append(Step("adam.mu0.nu0", sym_update(a00, [g1, g2]), "=", sym_update(ssg, [g1, g2]),
                      Domain({g1: REAL, g2: REAL}, nz), "Table 1", "Adam, mu -> 0, nu -> 0: SSG",
                      "t = 2, mu = nu = 0"))
    steps.append(_rec_step("adam.mu0.nu0.rec", "Table 1", "Adam(0, 0) = SSG",
                           R.Adam(lr=1, mu=0, nu=0), R.SSG(lr=1), "Adam(mu=0, nu=0) vs SSG"))
    # Adam, mu -> 0, nu -> 1: RMSProp
    a0 = make(R.Adam, lr=1, mu=0, nu=nu)
    rms = make(R.RMSProp, lr=1, nu=nu)
    steps.append(Step("adam.mu0.nu1", sym_update(a0, [g1, g2]), "=", sym_update(rms, [g1, g2]),
                      dom2_nu, "Table 1", "Adam, mu -> 0, nu -> 1: RMSProp",
                      "t = 2, mu = 0, every nu in (0, 1) (bias-corrected RMSProp)"))
    steps.append(_rec_step("adam.mu0.nu1.rec", "Table 1", "Adam(0, nu) = RMSProp(nu)",
                           R.Adam(lr=1, mu=0, nu="0.999", eps_mode="inside"),
                           R.RMSProp(lr=1, nu="0.999"), "nu = 0.999"))
    # Adam, mu > 0, nu -> 0: divergence
    a_nu0 = make(R.Adam, lr=1, mu=mu, nu=0)
    upd = sp.Abs(sym_update(a_nu0, [b, 1]))
    steps.append(Step("adam.mu1.nu0", sp.Limit(upd, b, sp.oo), "=", sp.oo,
                      Domain({mu: Range(0, 1, lo_open=True, hi_open=True)}), "Table 1",
                      "Adam, mu > 0, nu -> 0: divergence",
                      "t = 2, nu = 0, g = (b, 1): the update is unbounded as b -> oo (mu > 0)"))
    with mpmath.workdps(DPS):
        big = R.adam_update_size(["1e30", "1"], "0.9", "0", dps=DPS)
    steps.append(Step("adam.mu1.nu0.rec", mp_number(big), ">=", sp.Integer(10**28), Domain({}),
                      "Table 1", "divergence", "recurrences: |Adam update| at mu = 0.9, nu = 0, "
                      "g = (1e30, 1)"))
    # Adam, nu -> 1 (literal pointwise limit at t = 2): a finite limit, Adam(mu, nu -> 1)
    ad = make(R.Adam, lr=1, mu=mu, nu=nu)
    lim = (mu * g1 + g2) / ((1 + mu) * sp.sqrt((g1**2 + g2**2) / 2))
    steps.append(Step("adam.mu1.nu1", sp.Limit(sym_update(ad, [g1, g2]), nu, 1, "-"), "=", -lim,
                      dom2_mu, "Table 1", "Adam, nu -> 1: Adam(mu, nu)",
                      "literal: the pointwise limit at t = 2 exists and divides by the root mean "
                      "square of all gradients so far"))
    # LaProp, mu -> 0, nu -> 0: SSG
    l00 = make(R.LaProp, lr=1, mu=0, nu=0)
    steps.append(Step("laprop.mu0.nu0", sym_update(l00, [g1, g2]), "=",
                      sym_update(ssg, [g1, g2]), Domain({g1: REAL, g2: REAL}, nz), "Table 1",
                      "LaProp, mu -> 0, nu -> 0: SSG", "t = 2, mu = nu = 0"))
    steps.append(_rec_step("laprop.mu0.nu0.rec", "Table 1", "LaProp(0, 0) = SSG",
                           R.LaProp(lr=1, mu=0, nu=0), R.SSG(lr=1), "LaProp(0, 0) vs SSG"))
    # LaProp, mu -> 0, nu -> 1: RMSProp
    l0 = make(R.LaProp, lr=1, mu=0, nu=nu)
    steps.append(Step("laprop.mu0.nu1", sym_update(l0, [g1, g2]), "=", sym_update(rms, [g1, g2]),
                      dom2_nu, "Table 1", "LaProp, mu -> 0, nu -> 1: RMSProp",
                      "t = 2, mu = 0, every nu in (0, 1)"))
    steps.append(_rec_step("laprop.mu0.nu1.rec", "Table 1", "LaProp(0, nu) = RMSProp(nu)",
                           R.LaProp(lr=1, mu=0, nu="0.999"), R.RMSProp(lr=1, nu="0.999"),
                           "nu = 0.999"))
    # LaProp, mu -> 1, nu -> 0: SSG-M
    l_nu0 = make(R.LaProp, lr=1, mu=mu, nu=0)
    ssgm_bc = make(R.SSGM, lr=1, mu=mu, bias_correction=True)
    ssgm = make(R.SSGM, lr=1, mu=mu, bias_correction=False)
    dom3 = Domain({mu: UNIT, g1: REAL, g2: REAL, g3: REAL}, (*nz, sp.Ne(g3, 0)))
    steps.append(Step("laprop.mu1.nu0", sym_update(l_nu0, [g1, g2, g3]), "=",
                      sym_update(ssgm_bc, [g1, g2, g3]), dom3, "Table 1",
                      "LaProp, mu -> 1, nu -> 0: SSG-M",
                      "t = 3, nu = 0: SSG-M with the bias correction c_m"))
    steps.append(Step("laprop.mu1.nu0.paper", sym_update(l_nu0, [g1, g2, g3]), "=",
                      sym_update(ssgm, [g1, g2, g3]), dom3, "Sec. 3 / 3.2",
                      "for nu = 0 the LaProp update rule becomes theta_{t+1} = theta_t - (1 - mu)"
                      " lambda sgn(g_t) + mu (theta_t - theta_{t-1})",
                      "t = 3: the printed SSG-M formula (no bias correction) vs LaProp"))
    steps.append(_rec_step("laprop.mu1.nu0.rec", "Table 1", "LaProp(mu, 0) = SSG-M(mu)",
                           R.LaProp(lr=1, mu="0.9", nu=0),
                           R.SSGM(lr=1, mu="0.9", bias_correction=True),
                           "mu = 0.9, SSGM(bias_correction=True)"))
    # LaProp vs Adam, nu -> 1
    la = make(R.LaProp, lr=1, mu=mu, nu=nu)
    dom2o = Domain({mu: UNIT_OPEN, g1: REAL, g2: REAL}, nz)
    steps.append(Step("laprop.mu1.nu1.literal", sp.Limit(sym_update(la, [g1, g2]), nu, 1, "-"),
                      "=", sp.Limit(sym_update(ad, [g1, g2]), nu, 1, "-"), dom2o, "Table 1",
                      "LaProp, nu -> 1: Adam(mu, nu)",
                      "literal: pointwise limits at fixed t = 2 as nu -> 1"))
    c = sp.Symbol("G", positive=True)
    steps.append(Step("laprop.mu1.nu1.constmag", sym_update(la, [c, -c, c]), "=",
                      sym_update(ad, [c, -c, c]), Domain({mu: UNIT, nu: UNIT_OPEN, c: Range(
                          0, lo_open=True)}), "Table 1", "LaProp ~ Adam as nu -> 1",
                      "precise sufficient version: for gradients of constant magnitude "
                      "(here (G, -G, G), t = 3) LaProp and Adam coincide for every nu"))
    stmt = Step("statement", sp.Abs(sym_update(l_nu0, [g1, g2])), "<=", 1,
                Domain({mu: UNIT, g1: REAL, g2: REAL}, nz), "Table 1 caption",
                "in all the limiting cases LaProp asymptotes to reasonable algorithms",
                "read as: the nu = 0 LaProp update stays bounded (by 1), t = 2")
    return [Claim("table1", "Table 1: limits of Adam and LaProp", stmt, tuple(steps), "Sec. 3.1")]
