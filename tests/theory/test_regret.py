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


# ----------------------------------------------------------------------------- 2015 / 2018
# Kingma & Ba (2015) Adam and Reddi et al. (2018) AMSGrad against their own papers' bounds
# (laprop_theory.regret_papers). The independent check below writes Algorithm 1 and the bound
# of Theorem 4.1 out again from the printed text.

def _adam_beta1_zero_by_the_book(cs, alpha="0.5", beta2="0.1", lam="0.001", eps="0",
                                 project=True, dps=80):
    """Adam with beta1 = 0 (Algorithm 1: bias-corrected, alpha_t = alpha/sqrt(t)), x_1 = 0,
    on f_t(x) = c_t x, projected onto [-1, 1] after each step or not; returns
    [(T', R(T'), Theorem 4.1's bound at T')] for every T', the bound's constants measured on
    the prefix: D = D_inf = spread of {x_1..x_T', x*}, G_inf = max |c_t|."""
    with mpmath.workdps(dps):
        a, b2, lm, e = (mpmath.mpf(v) for v in (alpha, beta2, lam, eps))
        x, v, loss, S, gsq, G = (mpmath.mpf(0),) * 6
        lo = hi = x
        out = []
        for t, c in enumerate(cs, start=1):
            c = mpmath.mpf(c)
            lo, hi = min(lo, x), max(hi, x)
            loss += c * x
            S += c
            gsq += c * c
            G = max(G, abs(c))
            v = b2 * v + (1 - b2) * c * c
            v_hat = v / (1 - b2**t)
            regret = loss + abs(S)  # min over [-1, 1] of S x is -|S|
            star = -1 if S > 0 else (1 if S < 0 else 0)
            D = max(hi, star) - min(lo, star)  # d = 1: D = D_inf
            bound = (D**2 / (2 * a) * mpmath.sqrt(t * v_hat)
                     + a * G / mpmath.sqrt(1 - b2) * mpmath.sqrt(gsq)
                     + D**2 * G * mpmath.sqrt(1 - b2) / (2 * a * (1 - lm) ** 2))
            out.append((t, regret, bound))
            x = x - a / mpmath.sqrt(t) * c / (mpmath.sqrt(v_hat) + e)  # m^_t = g_t at beta1 = 0
            if project:
                x = min(max(x, mpmath.mpf(-1)), mpmath.mpf(1))
        return out


def _reddi_adam_by_the_book(T, C=3):
    return _adam_beta1_zero_by_the_book([C if t % 3 == 1 else -1 for t in range(1, T + 1)])


# A sequence the searcher found (search --target regret-adam2015 --mu 0 --nu 0.1 --steps 100
# --rounds 1), rounded to two digits: 43 zeros, then small gradients.
SEARCHED = ["0"] * 43 + (
    "0.00058 0.00063 0.00074 0.00077 0.0008 0.00085 0.00085 0.00076 0.00085 0.00073 -0.00049 0 "
    "0.00083 0.00064 0.00064 1e-30 0.00074 -0.00062 1e-30 -0.00065 0.00075 0.0006 1e-30 "
    "-0.00047 0.00075 -0.0005 0.00057 -0.00062 1e-30 -0.00064 0.00058 1e-30 1e-30 0.00066 "
    "-0.00032 1e-30 0.00054 -0.00043 0.00061 -0.00051 0.00042 1e-30 1e-30 1e-30 -0.00064 "
    "0.00057 0.00057 2.0e-7" + " 1e-30" * 9).split()


def test_adam2015_searched_counterexample_unprojected():
    # Algorithm 1 as printed (no projection), eps = 1e-40 > 0 (so no step is 0/0): the
    # regret exceeds Theorem 4.1's bound inside its hypotheses; re-checked by the loop above
    from laprop_theory import regret_papers as P

    assert len(SEARCHED) == 100
    curve = _adam_beta1_zero_by_the_book(SEARCHED, eps="1e-40", project=False)
    first = next(t for t, r, b in curve if r > b)
    _, r, b = curve[-1]
    assert r / b > 7
    prob = RG.Problem("linear", 1, 100, "2", "1", tuple((c,) for c in SEARCHED))
    run = P.measure(P.PaperSetting("adam2015", "0.5", "0", "0.1", "0.001", project=False,
                                   eps="1e-40"), prob)
    assert run.inside and run.refutes and run.crossing.T == first
    with mpmath.workdps(50):
        assert abs(run.regret / r - 1) < mpmath.mpf(10) ** -30
        assert abs(run.bound / b - 1) < mpmath.mpf(10) ** -30


def _main_json(argv, capsys):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_adam2015_counterexample_certified_and_rechecked(capsys):
    out = _main_json(["regret", "--algo", "adam2015", "--problem", "reddi", "--steps", "160",
                      "--beta1-decay", "0.001", "--json"], capsys)
    assert out["refutes"] is True and out["beta1"] == "0" and out["beta2"] == "1/10"
    run = out["runs"][0]
    assert run["inside_hypotheses"] is True and run["refutes"] is True
    cross = run["first_crossing"]
    assert cross["certified"] is True
    # independent re-computation: the first crossing and its margin
    curve = _reddi_adam_by_the_book(160)
    first = next(t for t, r, b in curve if r > b)
    assert cross["T"] == first
    _, r, b = curve[first - 1]
    import flint

    ball = flint.arb(cross["margin_ball"].replace(" +/- ", "+/-").strip("[]").split("+/-")[0])
    with mpmath.workdps(60):
        assert abs(float(r - b) - float(ball)) < 1e-15
        assert r - b > 0
        assert abs(r - mpmath.mpf(cross["regret"])) < mpmath.mpf(10) ** -30
        assert abs(b - mpmath.mpf(cross["bound"])) < mpmath.mpf(10) ** -30


def test_adam2015_counterexample_text_line(capsys):
    assert main(["regret", "--algo", "adam2015", "--problem", "reddi", "--steps", "160",
                 "--beta1-decay", "0.001"]) == 0
    text = capsys.readouterr().out
    first = next(t for t, r, b in _reddi_adam_by_the_book(160) if r > b)
    assert f"refutes Theorem 4.1 at T = {first}:" in text and "certified margin" in text


def test_amsgrad2018_reddi_sequence_stays_under_theorem4(capsys):
    out = _main_json(["regret", "--algo", "amsgrad2018", "--problem", "reddi", "--steps",
                      "300", "--beta1-decay", "0.001", "--json"], capsys)
    run = out["runs"][0]
    assert run["inside_hypotheses"] is True and run["first_crossing"] is None
    assert out["refutes"] is False and mpmath.mpf(run["ratio"]) < 1


def test_paper_algos_on_the_existing_problems(capsys):
    out = _main_json(["regret", "--algo", "adam2015", "--steps", "30", "--dims", "2",
                      "--json"], capsys)
    runs = {r["problem"]: r for r in out["runs"]}
    assert set(runs) == {"linear", "quadratic"}
    assert runs["linear"]["inside_hypotheses"] is True
    assert runs["quadratic"]["inside_hypotheses"] is False  # gradients unbounded on R^d
    out = _main_json(["regret", "--algo", "amsgrad2018", "--problem", "linear", "--steps",
                      "30", "--dims", "2", "--json"], capsys)
    assert out["runs"][0]["constants"]["D_inf(F)"].startswith("2.0")


def test_paper_bounds_by_hand():
    from laprop_theory.bounds.adam2015 import theorem41_bound
    from laprop_theory.bounds.amsgrad2018 import theorem4_bound

    # Theorem 4.1 at alpha = 1/2, beta1 = 1/2, beta2 = 3/4, lambda = 1/2, D = D_inf = 2,
    # G_inf = 1, T = 4, d = 1, v^_T = 1, ||g|| = 2: gamma = (1/4)/(sqrt(3)/2) = 1/(2 sqrt 3).
    # t1 = 4/(2 (1/2)(1/2)) sqrt(4) = 16; t3 = 4 (1/2)/(2 (1/2)(1/2)(1/4)) = 16;
    # t2 = (1/2)(3/2)/((1/2)(1/2)(1 - gamma)^2) 2 = 6/(1 - gamma)^2.
    b = theorem41_bound(alpha="0.5", beta1="0.5", beta2="0.75", lam="0.5", D=2, D_inf=2,
                        G_inf=1, T=4, vhat_T=[1], g_norms=[2])
    with mpmath.workdps(50):
        gam = 1 / (2 * mpmath.sqrt(3))
        want = (16, 6 / (1 - gam) ** 2, 16)
        assert all(abs(x - y) < mpmath.mpf(10) ** -40 for x, y in zip(b["terms"], want,
                                                                      strict=True))
    # Theorem 4 at alpha = 1, beta1 = 0, beta2 = 3/4, D_inf = 2, T = 1, v^_T = 4, ||g|| = 2:
    # t1 = 4 sqrt(1)/1 * 2 = 8; t2 = 0 (beta1_t = 0); t3 = sqrt(1 + 0)/(1 * 1 * 1/2) 2 = 4.
    b = theorem4_bound(alpha=1, beta1=0, beta2="0.75", lam=1, D_inf=2, T=1, vhat_T=[4],
                       momentum_sum=0, g_norms=[2])
    with mpmath.workdps(50):
        assert [float(x) for x in b["terms"]] == [8.0, 0.0, 4.0]


@pytest.mark.parametrize("argv, words", [
    (["--algo", "adam2015", "--beta1", "0.9", "--beta2", "0.5"], "gamma"),
    (["--algo", "amsgrad2018", "--beta1", "0.9", "--beta2", "0.5"], "gamma"),
    (["--algo", "adam2015", "--beta1-decay", "1"], "lambda"),
    (["--algo", "adam2015", "--beta1-decay", "0"], "beta1-decay"),
    (["--algo", "adam2015", "--beta1", "1"], "beta1"),
    (["--algo", "adam2015", "--beta2", "0"], "beta2 = 0"),
    (["--algo", "amsgrad2018", "--no-project"], "--no-project"),
    (["--algo", "sgd"], "--algo"),
    (["--problem", "reddi"], "--problem reddi needs --algo"),
    (["--algo", "adam2015", "--reddi"], "--reddi"),
    (["--algo", "amsgrad2018", "--eps", "0.1"], "--eps applies to --algo adam2015"),
    (["--beta1", "0.5"], "--beta1 applies to --algo"),
    (["--beta1-decay", "0.5"], "--beta1-decay applies to --algo"),
])
def test_paper_algos_bad_arguments(argv, words, capsys):
    try:
        code = main(["regret", "--steps", "5", *argv])
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "error" in err[0] and words in err[0]


def test_paper_search_targets():
    import numpy as np

    from laprop_theory.numerics import arb_workprec
    from laprop_theory.search.targets import TargetDomainError, get_target

    rng = np.random.default_rng(0)
    C = np.round(rng.uniform(-1, 1, size=(2, 25)), 3)
    for name, mu, nu in (("regret-adam2015", "0", "0.1"), ("regret-amsgrad2018", "0.5", "0.9")):
        tgt = get_target(name)
        f = tgt.f64(C, mu, nu)
        for b in range(2):
            seq = [repr(float(c)) for c in C[b]]
            v = tgt.mp(seq, mu, nu, 50)
            assert abs(float(v) - f[b]) < 1e-9 * max(1, abs(f[b]))
            with arb_workprec(200):
                ball = tgt.arb(seq, mu, nu)
                assert abs(float(ball.v.mid()) - float(v)) < 1e-30
        with pytest.raises(TargetDomainError, match="gamma"):
            tgt.check("0.9", "0.5", 25)
