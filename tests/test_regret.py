"""Empirical side of Theorem 1: the bound, the regret runner, the Reddi et al. counterexample.

Expected values are independent of the code under test: the bound's terms at simple numbers
worked by hand; the Reddi outcomes from Reddi, Kale & Kumar (2018), Theorem 1 (Adam with
β1 = 0, β2 = 1/(1 + C²) goes to x = +1, average regret → 2(C − 2)/3; AMSGrad converges).
"""

from __future__ import annotations

import json

import mpmath
import pytest
from hypothesis import given
from hypothesis import strategies as st

from laprop_theory import recurrences as R
from laprop_theory import regret as RG
from laprop_theory.__main__ import main
from laprop_theory.figures import reddi_figure
from laprop_theory.numerics import F64


def test_bound_by_hand():
    # mu=1/2, nu=3/4, zeta=1/2, lambda=1, D=2, G=1, T=1, d=1, s_T=1, ||g||=1:
    # t1 = D^2 sqrt(T)/(2 lam (1-mu)) s = 4/(2 * 1/2) = 4
    # t2 = mu d D^2 G/(2 lam (1-mu)(1-zeta)^2) = (1/2)(4)/(2 (1/2)(1/4)) = 8
    # t3 = lam sqrt(1 + ln 1)/((1-mu)(1-nu) sqrt(1-nu)) = 1/((1/2)(1/4)(1/2)) = 16
    # worst t3 = 2 lam d G sqrt(T)/((1-mu)(1-nu)) = 2/((1/2)(1/4)) = 16
    b = RG.theorem1_bound(mu="0.5", nu="0.75", zeta="0.5", lam=1, D=2, G=1, T=1, s_T=[1],
                          g_norms=[1])
    with mpmath.workdps(50):
        assert [float(x) for x in b["terms_eq9"]] == [4.0, 8.0, 16.0]
        assert b["eq9"] == 28 and b["worst"] == 28


def test_bound_log_term():
    b = RG.theorem1_bound(mu=0, nu="0", zeta="0.5", lam=1, D=1, G=1, T=4, s_T=[0],
                          g_norms=[3])
    with mpmath.workdps(50):
        assert abs(b["eq9"] - 3 * mpmath.sqrt(1 + mpmath.log(4))) < mpmath.mpf(10) ** -45


ALGS = st.sampled_from(["product", "power", "one"])


@given(mu=st.sampled_from(["0", "0.5", "0.9", "0.99"]),
       nu=st.sampled_from(["0", "0.3", "0.9", "0.999"]),
       zeta=st.sampled_from(["0.1", "0.5", "0.99"]),
       lam=st.sampled_from(["0.01", "0.3", "1", "5"]),
       T=st.integers(1, 12), d=st.integers(1, 2), seed=st.integers(0, 10**6),
       kind=st.sampled_from(["linear", "quadratic"]), cm=ALGS,
       D=st.sampled_from(["0.5", "2"]), bias=st.sampled_from([0.2, 0.5, 0.9]))
def test_regret_never_exceeds_bound(mu, nu, zeta, lam, T, d, seed, kind, cm, D, bias):
    """On every problem satisfying the hypotheses (convex, |g| <= G, box of diameter D with
    projection, s_{t+1}/lambda_{t+1} >= s_t/lambda_t along the run), R(T) <= both bounds."""
    prob = (RG.linear_problem(d, T, D=D, G="1", seed=seed, bias=bias) if kind == "linear"
            else RG.quadratic_problem(d, T, D=D, seed=seed))
    alg = R.TheoryLaProp(lr=lam, mu=mu, zeta=zeta, nu=nu, cm=cm)
    res = RG.run_regret(alg, prob, mu=mu, nu=nu, zeta=zeta, lam=lam)
    assert res.within_D
    if kind == "linear":
        assert res.assumption_held  # |g| = G constant: s_t = G, s_t sqrt(t) increases
    if res.applicable:
        with mpmath.workdps(50):
            assert res.regret <= res.bound_eq9
            assert res.regret <= res.bound_worst


def test_assumption_violation_detected():
    prob = RG.quadratic_problem(2, 60, seed=0)
    alg = R.TheoryLaProp(lr="0.1", mu="0.9", zeta="0.99", nu="0.5")
    res = RG.run_regret(alg, prob, mu="0.9", nu="0.5", zeta="0.99", lam="0.1")
    assert res.assumption_violations > 0 and not res.applicable


def test_theta_star_and_regret_linear_by_hand():
    # d = 1, T = 2, c = (+1, +1): theta* = -D/2 = -1; theta_1 = 0, loss sum 0 + theta_2.
    prob = RG.Problem("linear", 1, 2, "2", "1", (("1",), ("1",)))
    with mpmath.workdps(50):
        assert prob.theta_star() == [-1]
    alg = R.TheoryLaProp(lr="0.5", mu="0", zeta="0.5", nu="0")
    res = RG.run_regret(alg, prob, mu="0", nu="0", zeta="0.5", lam="0.5")
    # step 1: m = g/s = 1, c_m = 1 - 0 = 1, theta_2 = -0.5; R = (0 + 1) + (-0.5 + 1) = 1.5
    with mpmath.workdps(50):
        assert res.regret == mpmath.mpf("1.5")


@pytest.fixture(scope="module")
def reddi_mp():
    """Reddi et al.'s setting in mpmath (50 digits), T = 900, mu = 0 and mu = 0.3."""
    out = {}
    for mu in ("0", "0.3"):
        runs = {n: RG.run_reddi(a, 900, name=n) for n, a in RG.reddi_algorithms(mu=mu).items()}
        out[mu] = (runs, RG.reddi_outcomes(runs))
    return out


@pytest.mark.parametrize("mu", ["0", "0.3"])
def test_reddi_outcomes(reddi_mp, mu):
    """Adam and LaProp go to x = +1 with R(t)/t near 2(C-2)/3 = 2/3 (no convergence);
    AMSGrad and AmsProp go to the optimum x = -1 with R(t)/t falling."""
    runs, out = reddi_mp[mu]
    for name in ("Adam", "LaProp"):
        assert out[name]["end"] == "+1" and not out[name]["converges"]
        with mpmath.workdps(30):
            assert abs(mpmath.mpf(out[name]["avg_regret_T"]) - mpmath.mpf(2) / 3) < 0.05
    for name in ("AMSGrad", "AmsProp"):
        assert out[name]["end"] == "-1" and out[name]["converges"]
    if mu == "0":  # mu = 0: LaProp is Adam and AmsProp is AMSGrad, exactly
        with mpmath.workdps(50):
            assert all(a == b for a, b in zip(runs["Adam"].x, runs["LaProp"].x, strict=True))


def test_reddi_f64_agrees_and_figure(tmp_path, reddi_mp):
    runs = {n: RG.run_reddi(a, 900, backend=F64, name=n)
            for n, a in RG.reddi_algorithms().items()}
    out = RG.reddi_outcomes(runs)
    mp_out = reddi_mp["0"][1]
    assert {n: o["converges"] for n, o in out.items()} == {
        n: o["converges"] for n, o in mp_out.items()}
    path = reddi_figure(runs, tmp_path / "reddi.png")
    assert path.exists() and path.stat().st_size > 1000


def test_cli_json(capsys):
    assert main(["regret", "--steps", "4", "--dims", "1", "--problem", "linear",
                 "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["runs"]) == 5 and out["bound_holds_where_applicable"] is True
    assert all(r["assumption_held"] for r in out["runs"])


def test_cli_table(capsys):
    assert main(["regret", "--steps", "3", "--dims", "1", "--problem", "quadratic"]) == 0
    text = capsys.readouterr().out
    assert "R(T)" in text and "theory[cm=product]" in text


@pytest.mark.parametrize("argv", [["regret", "--zeta", "0"], ["regret", "--mu", "1.5"],
                                  ["regret", "--steps", "0"], ["regret", "--lam", "-1"],
                                  ["regret", "--reddi", "--C", "2"]])
def test_cli_bad_arguments(argv, capsys):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0]
