"""Closed-form suprema (bounds/suprema.py) against brute-force maximisation of the
recurrences, and the claims' symbolic closed forms against the mpmath ones."""

from __future__ import annotations

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize

from laprop_theory import recurrences as R
from laprop_theory.bounds.suprema import adam_supremum, laprop_supremum
from laprop_theory.claims._sym import adam_sup_expr, laprop_sup_expr
from laprop_theory.numerics import F64

DPS = 50
POINTS = [("0.9", "0.999", 2), ("0.5", "0.3", 3), ("0.2", "0.9", 3), ("0.95", "0.6", 2),
          ("0.7", "0.49", 3), ("0", "0.5", 3)]


def _brute(fn, mu: str, nu: str, t: int, seed: int = 0) -> mpmath.mpf:
    """max over sequences of the update size: float exploration with Nelder-Mead from many
    starts (log-magnitudes and signs), then the best sequence re-evaluated at 50 digits."""
    rng = np.random.default_rng(seed)
    best, best_seq = -1.0, None

    def seq_of(z):
        return [float(np.sign(s) or 1) * float(np.exp(np.clip(a, -30, 30)))
                for a, s in zip(z[:t], z[t:], strict=True)]

    for _ in range(12):
        z0 = np.concatenate([rng.normal(0, 3, t), rng.choice([-1.0, 1.0], t)])

        def obj(z):
            return -float(fn(seq_of(z), float(mu), float(nu), backend=F64))

        res = minimize(obj, z0, method="Nelder-Mead", options={"maxiter": 400, "xatol": 1e-9})
        if -res.fun > best:
            best, best_seq = -res.fun, seq_of(res.x)
    with mpmath.workdps(DPS):
        return fn([mpmath.mpf(x) for x in best_seq], mu, nu, dps=DPS)


@pytest.mark.parametrize("mu,nu,t", POINTS)
def test_laprop_closed_form_vs_brute_force(mu, nu, t):
    sup = laprop_supremum(mu, nu, t, dps=DPS).value
    found = _brute(R.laprop_update_size, mu, nu, t)
    with mpmath.workdps(DPS):
        assert found <= sup * (1 + mpmath.mpf(10) ** -30)
        assert found >= sup * mpmath.mpf("0.98")


@pytest.mark.parametrize("mu,nu,t", POINTS)
def test_adam_closed_form_vs_brute_force(mu, nu, t):
    sup = adam_supremum(mu, nu, t, dps=DPS).value
    found = _brute(R.adam_update_size, mu, nu, t)
    with mpmath.workdps(DPS):
        assert found <= sup * (1 + mpmath.mpf(10) ** -30)
        assert found >= sup * mpmath.mpf("0.98")


def test_adam_unbounded_at_nu_zero():
    with mpmath.workdps(DPS):
        sizes = [R.adam_update_size([mpmath.mpf(10) ** k, 1], "0.9", "0", dps=DPS)
                 for k in (2, 4, 8)]
    assert sizes[0] < sizes[1] < sizes[2] and sizes[2] > 10**6
    assert adam_supremum("0.9", "0", 2).value == mpmath.inf


@pytest.mark.parametrize("mu,nu,t", POINTS)
def test_symbolic_closed_forms_match_mpmath(mu, nu, t):
    import sympy as sp

    m, n = sp.Rational(mu), sp.Rational(nu)
    with mpmath.workdps(DPS):
        a = mpmath.mpf(str(sp.N(laprop_sup_expr(m, n, t), DPS + 5)))
        assert abs(a - laprop_supremum(mu, nu, t, dps=DPS).value) < mpmath.mpf(10) ** -40
        if n > 0:
            b = mpmath.mpf(str(sp.N(adam_sup_expr(m, n, t), DPS + 5)))
            assert abs(b - adam_supremum(mu, nu, t, dps=DPS).value) < mpmath.mpf(10) ** -40


unit = st.floats(0, 0.999, allow_nan=False)
grads = st.lists(st.floats(-1e3, 1e3, allow_nan=False).filter(lambda v: abs(v) > 1e-6),
                 min_size=1, max_size=6)


@settings(max_examples=60, deadline=None)
@given(mu=unit, nu=unit, g=grads)
def test_random_sequences_obey_both_suprema_and_prop1(mu, nu, g):
    mu_s, nu_s = repr(mu), repr(nu)
    with mpmath.workdps(DPS):
        t = len(g)
        lap = R.laprop_update_size(g, mu_s, nu_s, dps=DPS)
        sup_l = laprop_supremum(mu_s, nu_s, t, dps=DPS).value
        tiny = mpmath.mpf(10) ** -40
        assert lap <= sup_l + tiny
        assert sup_l <= 1 / mpmath.sqrt(1 - mpmath.mpf(nu_s)) + tiny  # Prop. 1
        if nu > 0:
            ad = R.adam_update_size(g, mu_s, nu_s, dps=DPS)
            assert ad <= adam_supremum(mu_s, nu_s, t, dps=DPS).value + tiny
