"""Same input, same output: ``check``'s verdicts, methods, counterexamples and work counts do
not depend on the machine's load or on its clock (every budget counts work, never seconds)."""

from __future__ import annotations

import importlib
import json
import multiprocessing as mp
import os
import subprocess
import sys
import textwrap
import time

import pytest
import sympy as sp
import sympy.core.random as sympy_random

from laprop_theory.proof.core import Domain, Range, Step

D = importlib.import_module("laprop_theory.proof.decide")  # the module: the package's
# ``decide`` is its function

# ``python -c FAST_CLOCK ARGS`` runs ``python -m laprop_theory ARGS`` with every Python clock
# (time, monotonic, perf_counter and their _ns forms) jumping 1000 s ahead at each read: a
# deadline or a time budget anywhere in the checker expires at its first look at the clock
FAST_CLOCK = textwrap.dedent("""
    import runpy, sys, time

    def jumping(clock, step):
        reads = [0]
        def read():
            reads[0] += 1
            return clock() + reads[0] * step
        return read

    for name in ("time", "monotonic", "perf_counter"):
        setattr(time, name, jumping(getattr(time, name), 1000.0))
    for name in ("time_ns", "monotonic_ns", "perf_counter_ns"):
        setattr(time, name, jumping(getattr(time, name), 1000 * 10**9))
    sys.argv = ["laprop_theory", *sys.argv[1:]]
    runpy.run_module("laprop_theory", run_name="__main__", alter_sys=True)
""")


def _burn(stop_at: float) -> None:
    x = 0
    while time.monotonic() < stop_at:
        x = (x * 1103515245 + 12345) % 2**31


def _check(*args: str, cached: bool, fast_clock: bool = False) -> list[dict]:
    # ``cached=False``: decided in this process, not read from the suite's verdict folder;
    # ``cached=True``: the steps other tests' processes (other loads, other hash seeds)
    # decided already are read back from it, the others decided here
    env = {**{k: v for k, v in os.environ.items()
              if cached or k != "LAPROP_VERDICT_CACHE"}, "PYTHONHASHSEED": "0"}
    run = ["-c", FAST_CLOCK] if fast_clock else ["-m", "laprop_theory"]
    p = subprocess.run([sys.executable, *run, "check", "--json", *args],
                       capture_output=True, text=True, env=env, timeout=900)
    assert p.returncode == 0, p.stderr[-2000:]
    rows = json.loads(p.stdout)
    for r in rows:
        r.pop("seconds")  # the only field that measures time
    return rows


# claims whose verdicts, methods or counterexample points changed with the machine's load
# while budgets were seconds (prop1/statement, sup-adam/prop2.proof, Prop. 2's point); the
# companion note's staleness test compares the full report (every claim) byte for byte
CLAIMS = ("prop1", "prop2-statement", "sup-adam")


@pytest.mark.slow
def test_check_is_identical_under_load_and_a_jumping_clock():
    args = [a for c in CLAIMS for a in ("--claim", c)]
    # the reference: whatever load the suite puts beside it (or the verdicts other processes
    # decided under theirs); then decided afresh beside a CPU burner (and the suite's other
    # worker) with a clock that jumps 1000 s at every read
    quiet = _check(*args, cached=True)
    ctx = mp.get_context("spawn")
    burner = ctx.Process(target=_burn, args=(time.monotonic() + 600,))
    burner.start()
    try:
        loaded = _check(*args, cached=False, fast_clock=True)
    finally:
        burner.terminate()
        burner.join()
    assert len(quiet) == len(loaded) > 30
    for q, ld in zip(quiet, loaded, strict=True):
        assert q == ld, f"{q['claim']}/{q['step']} differs under load"


def test_the_jumping_clock_does_expire_a_deadline():
    """The adversary above works: under the same wrapper ``search --time-limit 30``, the one
    budget that is meant to be seconds, stops at its first look at the clock, before one
    round (a real 30 s search runs hundreds)."""
    p = subprocess.run([sys.executable, "-c", FAST_CLOCK, "search", "--target", "adam-update",
                        "--mu", "0.9", "--nu", "0.99", "--steps", "50", "--time-limit", "30",
                        "--json"], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    out = json.loads(p.stdout)
    assert (out["stopped"], out["rounds"]) == ("limit", 0), out
    assert float(out["seconds"]) >= 1000


def test_sympy_draws_are_seeded_per_step_and_given_back(monkeypatch):
    """Inside :func:`decide`, sympy's generators start from the step's seed whatever state
    the process left them in (Wang's factorization and the assumption system draw from
    them), and the caller's state is given back afterwards."""
    monkeypatch.delenv("LAPROP_VERDICT_CACHE", raising=False)
    first_draws: list[tuple[float, float]] = []
    run = D._run

    def spy(name, step, work, seed):
        if name == "counterexample":  # the first method tried
            first_draws.append((sympy_random.rng.random(),
                                sympy_random._assumptions_rng.random()))
        return run(name, step, work, seed)

    monkeypatch.setattr(D, "_run", spy)
    x = sp.Symbol("x", real=True)
    step = Step("s", x**2 - x, ">=", -sp.Rational(1, 4), Domain({x: Range(-1, 1)}))
    for outer in (1, 2):
        sympy_random.seed(outer)
        state = sympy_random.rng.getstate()
        assert D.decide(step, seed=0).status == "proved"
        assert sympy_random.rng.getstate() == state
    D.decide(step, seed=7)
    assert len(first_draws) == 3
    assert first_draws[0] == first_draws[1] != first_draws[2]
