"""The adversarial searcher (issue 6): reaches the exact suprema, never exceeds them, certifies
violations in ball arithmetic, resumes, refuses foreign files, saves on Ctrl-C.

Expected values come from the closed forms of laprop_theory.bounds.suprema (derived
independently of the searcher), from brute force over a grid for T = 2, and from hand
calculation (Adam at μ = 0, g = (0, 1): the update is sqrt(c_n/(1 − ν)) = sqrt(1 + ν)).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import mpmath
import numpy as np
import pytest

from laprop_theory import recurrences as R
from laprop_theory.__main__ import main
from laprop_theory.bounds.suprema import adam_supremum, laprop_supremum
from laprop_theory.numerics import ARB, MP, MPV, Ball, UndecidedComparison, arb_workprec
from laprop_theory.search.certify import certify
from laprop_theory.search.engine import Problem, RunLimits, search
from laprop_theory.search.targets import TARGETS, get_target

DPS = 50
REPO = Path(__file__).resolve().parents[3]


def run_cli(argv, capsys):
    """main(argv) in this process: (exit code, stdout, stderr)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    return code, out, err


# ----------------------------------------------------------------------------- number systems


def random_sequences(n: int, T: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        g = rng.choice([-1, 1], T) * np.exp(rng.uniform(-8, 8, T))
        g[rng.random(T) < 0.15] = 0.0
        out.append([repr(float(v)) for v in g])
    return out


@pytest.mark.parametrize("name", ["laprop-update", "adam-update", "amsprop-update",
                                  "centered-update", "prop1", "prop2-proof"])
def test_arb_ball_contains_mp_value(name):
    target = TARGETS[name]
    for g in random_sequences(6, 7, seed=len(name)):
        if all(float(v) == 0 for v in g):
            continue
        with mpmath.workdps(DPS):
            value = target.mp(g, "0.9", "0.999", DPS, backend=MP)
        with arb_workprec(300):
            ball = target.arb(g, "0.9", "0.999")
        # the MP value is within 1e-45 of the exact one, which the ball contains
        with mpmath.workdps(DPS):
            lo, hi = mpmath.mpf(ball.v.lower().str(60)), mpmath.mpf(ball.v.upper().str(60))
            slack = abs(value) * mpmath.mpf(10) ** -45
            assert lo - slack <= value <= hi + slack, (name, g, ball, value)
        assert ball.v.rad() < 1e-60


def test_mpv_is_bit_identical_to_mp():
    for g in random_sequences(5, 9, seed=1):
        for size in (R.laprop_update_size, R.adam_update_size):
            assert size(g, "0.9", "0.99", backend=MP) == size(g, "0.9", "0.99", backend=MPV)


def test_ball_comparisons_never_pick_a_branch():
    a, b = Ball("1"), Ball(1) + Ball("1e-30") - Ball("1e-30")  # b: a ball around 1, not exact
    assert not b.v.is_exact()
    with pytest.raises(UndecidedComparison):
        _ = a < b
    with pytest.raises(UndecidedComparison):
        _ = a == b
    assert Ball(2) > b and Ball(0) < b and Ball(1) == 1
    # AmsProp's max is an enclosure, not a branch; centered LaProp's test n_t − n̄_t² > 0 is
    # a branch: decided for ν = 1/2 (exact balls), undecided when the centered moment
    # (≥ ν² n_2, here ~1e-200 n_2) drowns in the radius of a 200-bit ball
    with arb_workprec(200):
        R.run(R.centered_laprop(lr=1, mu="0.5", nu="0.5", t_init=2), [1, 1], backend=ARB)
        with pytest.raises(UndecidedComparison):
            R.run(R.centered_laprop(lr=1, mu="0.5", nu="1e-100", t_init=2), [1, 1],
                  backend=ARB)


# ----------------------------------------------------------------------------- certification


def test_known_violation_of_prop2_statement_is_certified():
    # Adam at mu = 0, g = (0, 1): update sqrt((1 - nu^2)/(1 - nu)) = sqrt(1 + nu) > 1 = bound
    cert = certify(get_target("prop2-statement"), ["0", "1"], "0", "0.5")
    assert cert.certified
    with arb_workprec(200):
        lo = float(Ball(cert.enclosure.split(" +/-")[0].strip("[")).v.mid())
    assert abs(lo - (1.5**0.5 - 1)) < 1e-12


def test_non_violating_and_borderline_are_not_certified():
    prop1 = get_target("prop1")
    assert not certify(prop1, ["0.3", "-2", "5"], "0.9", "0.999").certified
    # ratio exactly 1 (nu = 0: LaProp's update is 1 for a same-sign sequence)
    cert = certify(prop1, ["1", "1"], "0.5", "0")
    assert not cert.certified
    # a true violation by 5e-201, invisible at 400 bits: not certified; at 2000 bits it is
    p2 = get_target("prop2-statement")
    cert = certify(p2, ["0", "1"], "0", "1e-200", prec_bits=400)
    assert not cert.certified and "contains 0" in cert.reason
    assert certify(p2, ["0", "1"], "0", "1e-200", prec_bits=2000).certified


# ----------------------------------------------------------------------------- reaching suprema


def brute_force_t2(size, mu, nu, n=400):
    """max over g = (cos a, sin a), a on a grid of [0, pi): T = 2 by brute force."""
    best = mpmath.mpf(0)
    with mpmath.workdps(30):
        for i in range(n):
            a = mpmath.pi * i / n
            g = [mpmath.cos(a), mpmath.sin(a)]
            if g[1] == 0 and mu == "0":
                continue
            best = max(best, size(g, mu, nu, dps=30))
    return best


@pytest.mark.parametrize("algo,mu,nu,T", [
    ("laprop-update", "0.9", "0.999", 5), ("laprop-update", "0.5", "0.5", 4),
    ("adam-update", "0.5", "0.9", 5), ("adam-update", "0", "0.5", 3),
    ("adam-update", "0.9", "0.999", 4), ("laprop-update", "0.99", "0", 3),
])
def test_search_reaches_and_never_exceeds_the_exact_supremum(algo, mu, nu, T):
    problem = Problem(algo, mu, nu, T)
    state, _ = search(problem, seed=0, limits=RunLimits(time_limit=8.0, rounds=3))
    sup_fn = laprop_supremum if algo == "laprop-update" else adam_supremum
    sup = sup_fn(mu, nu, T, dps=DPS).value
    with mpmath.workdps(DPS):
        value = problem.target.mp(state.best.sequence, mu, nu, DPS, backend=MP)
        assert value >= sup * (1 - mpmath.mpf("1e-6"))
        assert value <= sup * (1 + mpmath.mpf("1e-40"))


@pytest.mark.parametrize("algo", ["laprop", "adam"])
def test_t2_brute_force_agrees_with_closed_form_and_searcher(algo):
    size = R.laprop_update_size if algo == "laprop" else R.adam_update_size
    sup_fn = laprop_supremum if algo == "laprop" else adam_supremum
    mu, nu = "0.6", "0.7"
    brute = brute_force_t2(size, mu, nu)
    sup = sup_fn(mu, nu, 2, dps=DPS).value
    problem = Problem(f"{algo}-update", mu, nu, 2)
    state, _ = search(problem, seed=1, limits=RunLimits(time_limit=5.0, rounds=2))
    with mpmath.workdps(DPS):
        assert brute <= sup * (1 + mpmath.mpf("1e-25"))
        assert brute >= sup * (1 - mpmath.mpf("1e-3"))  # grid resolution
        assert state.best.value >= brute * (1 - mpmath.mpf("1e-20"))


# ----------------------------------------------------------------------------- command line


def test_prop2_statement_violation_found_and_certified_without_hints(capsys):
    code, out, _ = run_cli(["search", "--target", "prop2-statement", "--mu", "0.3", "--nu",
                            "0.999", "--steps", "8", "--time-limit", "20", "--rounds", "1",
                            "--json", "--no-progress"], capsys)
    r = json.loads(out)
    assert code == 0 and r["certified_violation"] is True
    assert float(r["ratio"]) > 1 and len(r["best_value"].replace(".", "")) >= 30


@pytest.mark.parametrize("target", ["prop1", "prop2-proof"])
def test_prop1_and_prop2_proof_are_not_violated(target, capsys):
    code, out, _ = run_cli(["search", "--target", target, "--mu", "0.5", "--nu", "0.999",
                            "--steps", "8", "--time-limit", "20", "--rounds", "2", "--json",
                            "--no-progress"], capsys)
    r = json.loads(out)
    assert code == 0 and r["certified_violation"] is False
    assert mpmath.mpf(r["ratio"]) <= 1
    assert float(r["fraction_of_supremum"]) >= 1 - 1e-6


def test_deterministic_with_seed_and_independent_of_workers(capsys):
    args = ["search", "--target", "adam-update", "--mu", "0.9", "--nu", "0.99", "--steps", "6",
            "--rounds", "2", "--seed", "7", "--json", "--no-progress",
            "--no-stop-at-supremum", "--time-limit", "60"]
    runs = []
    for workers in ("1", "1", "2"):
        code, out, _ = run_cli([*args, "--workers", workers], capsys)
        assert code == 0
        r = json.loads(out)
        runs.append((r["best_value"], r["sequence"], r["evaluations"]))
    assert runs[0] == runs[1] == runs[2]


def test_resume_from_out(tmp_path, capsys):
    out_file = tmp_path / "best.json"
    args = ["search", "--target", "adam-update", "--mu", "0.9", "--nu", "0.99", "--steps", "6",
            "--rounds", "1", "--json", "--no-progress", "--no-stop-at-supremum",
            "--out", str(out_file)]
    code, out, _ = run_cli(args, capsys)
    first = json.loads(out)
    assert code == 0 and json.loads(out_file.read_text())["rounds"] == 1
    code, out, _ = run_cli(args, capsys)
    second = json.loads(out)
    assert code == 0 and second["rounds"] == 2
    assert mpmath.mpf(second["best_value"]) >= mpmath.mpf(first["best_value"])
    doc = json.loads(out_file.read_text())
    assert doc["result"]["best_value"] == second["best_value"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.json"]  # no temporary left


@pytest.mark.parametrize("content", [
    b"{not json", b'{"format": "something-else", "version": 1}', b"\x00\x01\x02",
    json.dumps({"format": "laprop-theory-search", "version": 1, "target": "prop1",
                "mu": "0.9", "nu": "0.99", "steps": 6, "options": {}, "seed": 0,
                "rounds": 1, "evaluations": 1, "seconds": 1.0, "best_value": "1",
                "sequence": [], "elites": []}).encode(),  # another problem's file
    json.dumps({"format": "laprop-theory-search", "version": 1, "target": "adam-update",
                "mu": "0.9", "nu": "0.99", "steps": 6, "options": {}, "seed": 0,
                "rounds": 1, "evaluations": 1, "seconds": 1.0, "best_value": "5",
                "sequence": ["1"] * 6, "elites": []}).encode(),  # value does not match
])
def test_corrupt_or_foreign_out_file_is_refused_and_left_untouched(tmp_path, capsys, content):
    out_file = tmp_path / "best.json"
    out_file.write_bytes(content)
    code, out, err = run_cli(["search", "--target", "adam-update", "--mu", "0.9", "--nu",
                              "0.99", "--steps", "6", "--rounds", "1", "--no-progress",
                              "--out", str(out_file)], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "error" in err
    assert out_file.read_bytes() == content


@pytest.mark.parametrize("argv", [
    ["--target", "nope", "--mu", "0.9", "--nu", "0.9", "--steps", "3"],
    ["--target", "prop1", "--mu", "1.5", "--nu", "0.9", "--steps", "3"],
    ["--target", "prop1", "--mu", "0.5", "--nu", "0.9", "--steps", "0"],
    ["--target", "prop1", "--mu", "0.5", "--nu", "0.9", "--steps", "3", "--workers", "0"],
    ["--target", "prop1", "--mu", "0.5", "--nu", "0.9", "--steps", "3", "--time-limit", "-1"],
    ["--target", "prop2-statement", "--mu", "0.99", "--nu", "0.9", "--steps", "3"],
    ["--target", "prop1", "--mu", "0.5", "--nu", "0.9", "--steps", "3", "--t-init", "3"],
    ["--target", "prop1", "--mu", "0.5", "--nu", "0.9", "--steps", "3", "--out",
     "/nonexistent-folder/x.json"],
    ["--mu", "0.5", "--nu", "0.9", "--steps", "3"],
])
def test_bad_arguments_exit_2_with_one_line(argv, capsys):
    code, out, err = run_cli(["search", *argv], capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1


def test_sigint_saves_and_prints_the_best(tmp_path):
    out_file = tmp_path / "best.json"
    proc = subprocess.Popen(
        [sys.executable, "-m", "laprop_theory", "search", "--target", "adam-update", "--mu",
         "0.9", "--nu", "0.99", "--steps", "20", "--time-limit", "300", "--json",
         "--no-progress", "--no-stop-at-supremum", "--out", str(out_file)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)})
    try:
        deadline = time.monotonic() + 90
        while not out_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert out_file.exists(), "no checkpoint written"
        proc.send_signal(signal.SIGINT)
        sent = time.monotonic()
        out, err = proc.communicate(timeout=60)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err  # interrupted: 130, like a shell
    assert "Traceback" not in err and waited < 2.0, (waited, err)
    r = json.loads(out)
    assert r["stopped"] == "interrupted" and len(r["sequence"]) == 20
    saved = json.loads(out_file.read_text())
    assert saved["result"]["best_value"] == r["best_value"]
    assert saved["sequence"] == r["sequence"]


def test_regret_target_float64_screen_agrees_with_mpmath():
    target = get_target("regret")
    rng = np.random.default_rng(3)
    C = rng.uniform(-1, 1, (3, 6))
    C[1] = np.sign(C[1])
    screen = target.f64(C, "0.9", "0.999")
    for row, v in zip(C, screen, strict=True):
        exact = target.mp([repr(float(c)) for c in row], "0.9", "0.999")
        if mpmath.isinf(exact):
            assert v == -np.inf
        else:
            assert abs(float(exact) - v) <= 1e-9 * abs(v)
    # no ball evaluation for this target: never certified
    assert not certify(target, ["1"] * 6, "0.9", "0.999").certified


def test_time_limit_saves_the_result(tmp_path, capsys):
    out_file = tmp_path / "best.json"
    code, out, _ = run_cli(["search", "--target", "laprop-update", "--mu", "0.9", "--nu",
                            "0.99", "--steps", "20", "--time-limit", "0.2", "--json",
                            "--no-progress", "--no-stop-at-supremum", "--out", str(out_file)],
                           capsys)
    r = json.loads(out)
    assert code == 0 and r["stopped"] == "limit"
    assert json.loads(out_file.read_text())["result"]["best_value"] == r["best_value"]
