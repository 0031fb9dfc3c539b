"""Adam (Kingma & Ba 2015, Algorithm 1 with Theorem 4.1's schedules) and AMSGrad (Reddi, Kale
& Kumar 2018, Algorithm 2) as exact recurrences.

Expected values are worked by hand from the printed algorithms (the derivations are in the
comments), or computed by a loop written out here from the printed lines, never by calling
the classes under test; the other tests compare number systems (MP, F64, ARB, sympy) with
each other and with the LaProp paper's ``R.Adam`` where the two algorithms coincide.
"""

from __future__ import annotations

import random
from fractions import Fraction

import mpmath
import numpy as np
import pytest
import sympy as sp

from laprop_theory import recurrences as R
from laprop_theory.claims._sym import make, sym_run, sym_step
from laprop_theory.numerics import ARB, F64, arb_workprec

OLD_NAMES = ["Adai", "Adam", "Algorithm", "LaProp", "RMSProp", "SSG", "SSGM", "TheoryLaProp",
             "Trajectory", "adam_update_size", "amsgrad", "amsprop", "centered_laprop",
             "laprop_update_size", "run"]


def test_package_keeps_every_name():
    # the names of the single module recurrences.py before it became a package
    for name in OLD_NAMES + ["Adam2015", "AMSGrad2018"]:
        assert hasattr(R, name) and name in R.__all__
    from laprop_theory.recurrences import LR, EpsMode, Number  # noqa: F401 (still importable)


def test_adam2015_two_steps_by_hand():
    # alpha = 1/2, beta1 = 1/2, beta2 = 1/4, lambda = 1/2, eps = 0, g = (2, -1), theta_0 = 0.
    # t = 1: beta1_1 = 1/2, m = (1/2)(2) = 1, v = (3/4)(4) = 3, m^ = 1/(1 - 1/2) = 2,
    #        v^ = 3/(1 - 1/4) = 4, step = -(1/2)/sqrt(1) * 2/sqrt(4) = -1/2.
    # t = 2: beta1_2 = (1/2)(1/2) = 1/4, m = (1/4)(1) + (3/4)(-1) = -1/2,
    #        v = (1/4)(3) + (3/4)(1) = 3/2, m^ = (-1/2)/(1 - (1/2)^2) = -2/3 (the correction
    #        uses beta1^t, not the product of the beta1_k), v^ = (3/2)/(1 - 1/16) = 8/5,
    #        step = -(1/2)/sqrt(2) * (-2/3)/sqrt(8/5) = (1/3)/sqrt(16/5) = sqrt(5)/12.
    alg = R.Adam2015(alpha="0.5", beta1="0.5", beta2="0.25", lam="0.5")
    traj = R.run(alg, [2, -1], dps=50)
    with mpmath.workdps(50):
        assert traj.deltas[0][0] == mpmath.mpf(-1) / 2
        assert abs(traj.deltas[1][0] - mpmath.sqrt(5) / 12) < mpmath.mpf(10) ** -45
        assert traj.states[1]["m"][0] == mpmath.mpf(-1) / 2
        assert traj.states[1]["v"][0] == mpmath.mpf(3) / 2


def _adam2015_by_the_book(g, alpha, beta1, beta2, lam, eps, dps=60):
    """Algorithm 1 of Kingma & Ba, line by line, with alpha_t = alpha/sqrt(t) and
    beta1_t = beta1 lambda^(t-1); one coordinate, theta_0 = 0."""
    with mpmath.workdps(dps):
        a, b1, b2, lm, e = (mpmath.mpf(x) for x in (alpha, beta1, beta2, lam, eps))
        m = v = theta = mpmath.mpf(0)
        out = []
        for t, gt in enumerate(g, start=1):
            b1t = b1 * lm ** (t - 1)
            m = b1t * m + (1 - b1t) * gt
            v = b2 * v + (1 - b2) * gt**2
            m_hat = m / (1 - b1**t)
            v_hat = v / (1 - b2**t)
            theta = theta - a / mpmath.sqrt(t) * m_hat / (mpmath.sqrt(v_hat) + e)
            out.append(theta)
        return out


def _amsgrad_by_the_book(g, alpha, beta1, beta2, lam, lo, hi, dps=60):
    """Algorithm 2 of Reddi et al., line by line; F = [lo, hi]; x_1 = 0."""
    with mpmath.workdps(dps):
        a, b1, b2, lm = (mpmath.mpf(x) for x in (alpha, beta1, beta2, lam))
        m = v = vhat = x = mpmath.mpf(0)
        out = []
        for t, gt in enumerate(g, start=1):
            b1t = b1 * lm ** (t - 1)
            m = b1t * m + (1 - b1t) * gt
            v = b2 * v + (1 - b2) * gt**2
            vhat = max(vhat, v)
            y = x - a / mpmath.sqrt(t) * m / mpmath.sqrt(vhat)
            x = min(max(y, mpmath.mpf(lo)), mpmath.mpf(hi))
            out.append(x)
        return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_adam2015_against_the_printed_algorithm(seed):
    r = random.Random(seed)
    g = [r.choice([-3, -1, 1, 2, 5]) / 4 for _ in range(12)]
    alg = R.Adam2015(alpha="0.3", beta1="0.8", beta2="0.9", lam="0.7", eps="0.01")
    traj = R.run(alg, g, dps=50)
    ref = _adam2015_by_the_book(g, "0.3", "0.8", "0.9", "0.7", "0.01")
    with mpmath.workdps(50):
        for th, want in zip(traj.thetas[1:], ref, strict=True):
            assert abs(th[0] - want) < mpmath.mpf(10) ** -40


def test_amsgrad2018_three_steps_by_hand():
    # alpha = 1, beta1 = beta2 = 1/2, lambda = 1, F = [-1, 1], g = (2, 0, 0), x_1 = 0.
    # t = 1: m = 1, v = 2, v^ = 2, x_2 = -1/sqrt(2) (inside F).
    # t = 2: m = 1/2, v = 1, v^ = max(2, 1) = 2 (the max keeps 2),
    #        x_3 = -1/sqrt(2) - (1/sqrt(2))(1/2)/sqrt(2) = -1/sqrt(2) - 1/4 (about -0.957).
    # t = 3: m = 1/4, v^ = 2, y = x_3 - (1/sqrt(3))(1/4)/sqrt(2) (about -1.059) -> x_4 = -1.
    alg = R.AMSGrad2018(alpha=1, beta1="0.5", beta2="0.5", lam=1, lo=-1, hi=1)
    traj = R.run(alg, [2, 0, 0], dps=50)
    with mpmath.workdps(50):
        tol = mpmath.mpf(10) ** -45
        assert abs(traj.thetas[1][0] + 1 / mpmath.sqrt(2)) < tol
        assert abs(traj.thetas[2][0] + 1 / mpmath.sqrt(2) + mpmath.mpf(1) / 4) < tol
        assert abs(traj.thetas[3][0] + 1) < tol
        assert traj.states[1]["vhat"][0] == 2 and traj.states[1]["v"][0] == 1


@pytest.mark.parametrize("seed", [0, 1])
def test_amsgrad2018_against_the_printed_algorithm(seed):
    r = random.Random(seed)
    g = [r.choice([-3, -1, 1, 2, 5]) / 2 for _ in range(15)]
    alg = R.AMSGrad2018(alpha="0.4", beta1="0.6", beta2="0.5", lam="0.9", lo="-0.5", hi=1)
    traj = R.run(alg, g, dps=50)
    ref = _amsgrad_by_the_book(g, "0.4", "0.6", "0.5", "0.9", "-0.5", "1")
    with mpmath.workdps(50):
        for th, want in zip(traj.thetas[1:], ref, strict=True):
            assert abs(th[0] - want) < mpmath.mpf(10) ** -40


def _algs():
    return [R.Adam2015(alpha="0.3", beta1="0.8", beta2="0.9", lam="0.7", eps="0.001"),
            R.Adam2015(alpha="0.3", beta1="0.5", beta2="0.99", sqrt_decay=False),
            R.AMSGrad2018(alpha="0.4", beta1="0.6", beta2="0.5", lam="0.9", lo=-1, hi=1),
            R.AMSGrad2018(alpha="0.2", beta1="0.9", beta2="0.999")]


@pytest.mark.parametrize("alg", _algs(), ids=lambda a: a.name)
def test_f64_agrees_with_mp(alg):
    rng = np.random.default_rng(3)
    G = rng.normal(size=(4, 30, 2))
    f64 = R.run(alg, G, backend=F64)
    for b in range(4):
        mp = R.run(alg, G[b], dps=40)
        for t in range(31):
            np.testing.assert_allclose(f64.thetas[t][b], [float(x) for x in mp.thetas[t]],
                                       rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("alg", _algs(), ids=lambda a: a.name)
def test_arb_agrees_with_mp(alg):
    import flint

    g = [[Fraction(3, 4), Fraction(-1, 2)], [Fraction(-5, 4), Fraction(1, 8)], [1, -2], [0, 1]]
    mp = R.run(alg, [[float(x) for x in row] for row in g], dps=60)
    with arb_workprec(200):
        arb = R.run(alg, g, backend=ARB)
        with mpmath.workdps(60):
            for th_a, th_m in zip(arb.thetas, mp.thetas, strict=True):
                for a, m in zip(th_a, th_m, strict=True):
                    gap = abs(a.v - flint.arb(mpmath.nstr(m, 58)))
                    assert gap.upper() < flint.arb("1e-50")


def test_sympy_first_step_is_minus_alpha_sign():
    # t = 1, any beta1, beta2, lambda: m^_1 = g, v^_1 = g^2, step = -alpha g/|g|.
    alpha, b1, b2, lam, g = sp.symbols("alpha beta1 beta2 lambda g", positive=True)
    for cls in (R.Adam2015,):
        alg = make(cls, alpha=alpha, beta1=b1, beta2=b2, lam=lam)
        assert sp.simplify(sym_run(alg, [g]).deltas[0][0] + alpha) == 0
    # AMSGrad2018 has no bias correction: step = -alpha (1 - beta1) g/sqrt((1 - beta2) g^2)
    ams = make(R.AMSGrad2018, alpha=alpha, beta1=b1, beta2=b2, lam=lam)
    d = sym_run(ams, [g]).deltas[0][0]
    expected = -alpha * (1 - b1) / sp.sqrt(1 - b2)
    assert sp.simplify(d.subs({b1: sp.Rational(1, 3), b2: sp.Rational(1, 2)})
                       - expected.subs({b1: sp.Rational(1, 3), b2: sp.Rational(1, 2)})) == 0


def test_sympy_step_matches_mp():
    t = sp.Symbol("t", integer=True, positive=True)
    m, v, g = sp.symbols("m v g", real=True)
    alg = R.Adam2015(alpha="0.5", beta1="0.5", beta2="0.25", lam="0.5")
    state, delta = sym_step(alg, {"m": m, "v": v}, g, t)
    # from the MP run of test_adam2015_two_steps_by_hand: state after t = 1 is m = 1, v = 3
    val = delta.subs({m: 1, v: 3, g: -1, t: 2})
    assert abs(float(val) - float(sp.sqrt(5) / 12)) < 1e-12
    ams = R.AMSGrad2018(alpha=1, beta1="0.5", beta2="0.5", lo=-1, hi=1)
    traj = sym_run(ams, [sp.Integer(2), sp.Integer(0), sp.Integer(0)])
    assert sp.simplify(traj.thetas[3][0] + 1) == 0


def test_adam2015_with_beta1_zero_is_the_laprop_papers_adam():
    # beta1 = 0: both are bias-corrected RMSProp with eps outside; R.Adam is a separate code path
    def lr(t):
        return mpmath.mpf("0.5") / mpmath.sqrt(t)

    g = [3 if t % 3 == 1 else -1 for t in range(1, 40)]
    a = R.run(R.Adam2015(alpha="0.5", beta1=0, beta2="0.1", lam="0.001"), g, dps=50)
    b = R.run(R.Adam(lr=lr, mu=0, nu="0.1"), g, dps=50)
    with mpmath.workdps(50):
        for x, y in zip(a.thetas, b.thetas, strict=True):
            assert abs(x[0] - y[0]) < mpmath.mpf(10) ** -45


@pytest.mark.parametrize("kwargs, message", [
    ({"beta1": 1}, "beta1 must be in [0, 1)"),
    ({"beta2": "-0.1"}, "beta2 must be in [0, 1)"),
    ({"lam": 0}, "lam must be in (0, 1]"),
    ({"lam": "1.5"}, "lam must be in (0, 1]"),
    ({"alpha": 0}, "alpha must be > 0"),
    ({"beta1": "x"}, "beta1 must be a real number"),
])
def test_bad_hyperparameters(kwargs, message):
    for cls in (R.Adam2015, R.AMSGrad2018):
        with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(
                ")", r"\)").replace("[", r"\[")):
            cls(**kwargs)


def test_bad_box_and_eps():
    with pytest.raises(ValueError, match="lo and hi must be given together"):
        R.AMSGrad2018(lo=-1)
    with pytest.raises(ValueError, match="lo < hi"):
        R.AMSGrad2018(lo=1, hi=1)
    with pytest.raises(ValueError, match="eps must be >= 0"):
        R.Adam2015(eps=-1)
