"""The recurrences against hand-derived values and against each other's limiting cases.

Expected values are worked out by hand (shown in comments) or come from a different
algorithm of the paper that must coincide in a limit, never from the code under test.
"""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from laprop_theory import recurrences as R
from laprop_theory.numerics import F64, MP

DPS = 50


def close(a, b, digits: int = 45) -> bool:
    with mpmath.workdps(DPS):
        a, b = mpmath.mpf(a), mpmath.mpf(b)
        return abs(a - b) <= mpmath.mpf(10) ** (-digits) * max(1, abs(b))


def deltas(algo, grads, **kw):
    return [d[0] for d in R.run(algo, [[g] for g in grads], **kw).deltas]


def test_laprop_two_steps_by_hand():
    # mu = nu = 1/2, lr = 1, eps = 0, g = (1, 2):
    # t=1: n = 1/2, n/c_n = 1, m = 1/2, c_m = 1/2            -> delta = -1
    # t=2: n = 1/4 + 2 = 9/4, c_n = 3/4, s = sqrt(3), m = 1/4 + 1/sqrt(3), c_m = 3/4
    #      -> delta = -(1/3 + 4/(3 sqrt 3))
    d = deltas(R.LaProp(lr=1, mu="0.5", nu="0.5"), [1, 2])
    with mpmath.workdps(DPS):
        assert close(d[0], -1)
        assert close(d[1], -(mpmath.mpf(1) / 3 + 4 / (3 * mpmath.sqrt(3))))


def test_adam_two_steps_by_hand():
    # t=2: m = 1/4 + 1 = 5/4, m/c_m = 5/3, n/c_n = 3 -> delta = -5/(3 sqrt 3)
    d = deltas(R.Adam(lr=1, mu="0.5", nu="0.5"), [1, 2])
    with mpmath.workdps(DPS):
        assert close(d[0], -1)
        assert close(d[1], -5 / (3 * mpmath.sqrt(3)))


def test_eps_placement_by_hand():
    # one step, g = 1, nu = 1/2: n/c_n = 1. inside: s = sqrt(1 + eps); outside: s = 1 + eps.
    eps = "0.25"
    inside = deltas(R.LaProp(lr=1, mu=0, nu="0.5", eps=eps, eps_mode="inside"), [1])[0]
    outside = deltas(R.LaProp(lr=1, mu=0, nu="0.5", eps=eps, eps_mode="outside"), [1])[0]
    with mpmath.workdps(DPS):
        assert close(inside, -1 / mpmath.sqrt(mpmath.mpf("1.25")))
        assert close(outside, -1 / mpmath.mpf("1.25"))


def test_weight_decay_is_decoupled_and_lr_scaled():
    # theta_1 = 2, g = 1, mu = 0: theta_2 = (2 - lr * 1/1)(1 - lr*w) with lr = 1/10, w = 1/2
    tr = R.run(R.LaProp(lr="0.1", mu=0, nu="0.5", weight_decay="0.5"), [[1]], theta0=[2])
    with mpmath.workdps(DPS):
        assert close(tr.final[0], (2 - mpmath.mpf("0.1")) * (1 - mpmath.mpf("0.05")))


def test_zero_gradients_give_zero_update_with_eps_zero():
    # 0/0 is defined as the eps -> 0 limit, 0; then a nonzero gradient moves by sqrt(c_n/(1-nu)).
    d = deltas(R.LaProp(lr=1, mu=0, nu="0.5"), [0, 0, 1])
    with mpmath.workdps(DPS):
        assert d[0] == 0 and d[1] == 0
        assert close(d[2], -mpmath.sqrt((1 - mpmath.mpf("0.125")) / mpmath.mpf("0.5")))


@pytest.mark.parametrize("mu", ["0", "0.5", "0.9"])
def test_laprop_nu_zero_is_bias_corrected_ssgm(mu):
    grads = [3, -0.5, 2, 7, -1e-3, 4]
    a = deltas(R.LaProp(lr="0.01", mu=mu, nu=0), grads)
    b = deltas(R.SSGM(lr="0.01", mu=mu, bias_correction=True), grads)
    assert all(close(x, y) for x, y in zip(a, b, strict=True))


@pytest.mark.parametrize("nu", ["0.1", "0.9", "0.999"])
def test_adam_and_laprop_mu_zero_are_rmsprop(nu):
    grads = [3, -0.5, 2, 7, -1e-3, 4]
    r = deltas(R.RMSProp(lr="0.01", nu=nu), grads)
    for algo in (R.Adam(lr="0.01", mu=0, nu=nu), R.LaProp(lr="0.01", mu=0, nu=nu)):
        assert all(close(x, y) for x, y in zip(deltas(algo, grads), r, strict=True))


def test_adam_mu_nu_zero_is_ssg():
    grads = [3, -0.5, 2, 7, -1e-3]
    a = deltas(R.Adam(lr="0.01", mu=0, nu=0), grads)
    b = deltas(R.SSG(lr="0.01"), grads)
    assert all(close(x, y) for x, y in zip(a, b, strict=True))


def test_amsprop_uses_running_max():
    # nu = 1/2, g = (2, 0, 1), mu = 0: n = 2, 1, 1; vmax = 2, 2, 2 (c_n: 1/2, 3/4, 7/8)
    # step 3: delta = -1 / sqrt(2 / (7/8)) = -sqrt(7/16)
    d = deltas(R.amsprop(lr=1, mu=0, nu="0.5"), [2, 0, 1])
    with mpmath.workdps(DPS):
        assert close(d[2], -mpmath.sqrt(mpmath.mpf(7) / 16))


def test_centered_by_hand():
    # nu = 1/2, mu = 0, t_init = 2, g = (1, 3):
    # t=2: n = 1/4 + 9/2 = 19/4, nbar = 1/4 + 3/2 = 7/4, n - nbar^2 = 27/16, c_n = 3/4
    #      -> s = sqrt(9/4) = 3/2, delta = -3 / (3/2) = -2
    d = deltas(R.centered_laprop(lr=1, mu=0, nu="0.5", t_init=2), [1, 3])
    assert close(d[1], -2)


def test_adai_first_step_is_sgd_and_second_by_hand():
    # Step 1: vhat = g^2 exactly, so m/(1 - beta1) = g whatever beta1 is: delta = -lr g.
    tr = R.run(R.Adai(lr="0.5", beta0="0.1", beta2="0.99"), [[1, 3], [1, 1]])
    assert close(tr.deltas[0][0], "-0.5") and close(tr.deltas[0][1], "-1.5")
    # Step 2, beta2 = 0.99, beta0 = 0.1: v = 0.99*0.01*g1^2 + 0.01*g2^2 -> (0.0199, 0.0991)
    # vhat = v / (1 - 0.99^2) = v / 0.0199 -> (1, 4.979899...) ; vbar = mean
    with mpmath.workdps(DPS):
        v = [mpmath.mpf("0.0199"), mpmath.mpf("0.0991")]
        vhat = [x / (1 - mpmath.mpf("0.99") ** 2) for x in v]
        vbar = (vhat[0] + vhat[1]) / 2
        b1_1 = [1 - mpmath.mpf("0.1") * x / 5 for x in (1, 9)]  # step 1: vhat=(1,9), vbar=5
        b1_2 = [1 - mpmath.mpf("0.1") * x / vbar for x in vhat]
        m1 = [(1 - b) * g for b, g in zip(b1_1, (1, 3), strict=True)]
        m2 = [b * m + (1 - b) * 1 for b, m in zip(b1_2, m1, strict=True)]
        want = [-mpmath.mpf("0.5") * m / (1 - b * c) for m, b, c in zip(m2, b1_1, b1_2,
                                                                           strict=True)]
        assert close(tr.deltas[1][0], want[0]) and close(tr.deltas[1][1], want[1])


def test_theory_variant_first_step_and_schedules():
    # t = 1: s_1 = |g|, m_1 = (1 - mu) sgn(g), c_m = 1 - mu (product convention)
    # -> delta = -lam * sgn(g)
    algo = R.TheoryLaProp(lr="0.3", mu="0.9", zeta="0.5", nu="0.99")
    d = deltas(algo, [-4, 1])
    assert close(d[0], "0.3")
    with mpmath.workdps(DPS):
        assert close(algo.mu_t(3), mpmath.mpf("0.9") * mpmath.mpf("0.25"))
        assert close(algo.lr_t(4), "0.15")


def test_oracle_and_projection():
    # f_t(x) = x on [-1, 1] with SSG: moves down by lr each step, clipped at -1.
    tr = R.run(R.SSG(lr="0.4"), lambda t, th: [1], theta0=[0], steps=4,
               project=lambda th: np.clip(th, -1, 1).astype(object))
    assert close(tr.final[0], -1)
    assert close(tr.thetas[2][0], "-0.8")


@pytest.mark.parametrize("bad", [dict(mu=1), dict(mu=-0.1), dict(nu=1.0), dict(eps=-1),
                                 dict(eps_mode="middle"), dict(t_init=0), dict(mu="abc")])
def test_bad_hyperparameters_name_the_parameter(bad):
    name = next(iter(bad))
    with pytest.raises(ValueError, match=name):
        R.LaProp(**bad)


def test_bad_run_arguments():
    with pytest.raises(ValueError, match="steps"):
        R.run(R.SSG(), lambda t, th: [1], steps=0)
    with pytest.raises(ValueError, match="steps is required"):
        R.run(R.SSG(), lambda t, th: [1])
    with pytest.raises(ValueError, match="shape"):
        R.run(R.SSG(), np.zeros((2, 2, 2, 2)))


seqs = st.lists(st.floats(-1e6, 1e6, allow_nan=False).filter(lambda x: abs(x) > 1e-6),
                min_size=1, max_size=12)
units = st.floats(0, 0.999)


@given(seqs, units, units)
def test_f64_backend_agrees_with_mp(g, mu, nu):
    """The exploration backend runs the same code: it agrees with MP to float64 accuracy."""
    mp_val = R.laprop_update_size(g, mu, nu)
    f_val = R.laprop_update_size(np.array([g]), mu, nu, backend=F64)[0]
    assert abs(float(mp_val) - f_val) <= 1e-9 * max(1.0, float(mp_val))
    mp_a = R.adam_update_size(g, mu, nu)
    f_a = R.adam_update_size(np.array([g]), mu, nu, backend=F64)[0]
    assert abs(float(mp_a) - f_a) <= 1e-9 * max(1.0, float(mp_a))


@given(seqs, units, units)
def test_prop1_bound_holds_on_random_sequences(g, mu, nu):
    """Proposition 1, |m_t/c_m| <= 1/sqrt(1 - nu), on arbitrary sequences (MP, 50 digits)."""
    with mpmath.workdps(DPS):
        assert R.laprop_update_size(g, mu, nu) <= 1 / mpmath.sqrt(1 - mpmath.mpf(nu))


def test_precision_is_configurable():
    g = [1, 2, 3]
    with mpmath.workdps(100):
        lo = R.laprop_update_size(g, "0.9", "0.99", dps=30)
        hi = R.laprop_update_size(g, "0.9", "0.99", dps=90)
        assert abs(lo - hi) < mpmath.mpf(10) ** -28
        assert abs(lo - hi) > 0  # 30 digits really is coarser than 90
    assert MP.name == "mp"
