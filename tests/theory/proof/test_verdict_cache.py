"""The shared folder of decided steps (laprop_theory.proof.verdict_cache): a hit returns what
deciding again returns, anything else is decided again, and nothing time-dependent is kept."""

from __future__ import annotations

import importlib

import sympy as sp

from laprop_theory.proof import verdict_cache as VC
from laprop_theory.proof.core import Domain, Range, Step, Verdict

D = importlib.import_module("laprop_theory.proof.decide")  # the module, not proof.decide()

x = sp.Symbol("x", real=True)
DOM = Domain({x: Range(0, 1)})
TRUE = Step("true", x**2, "<=", x, DOM)       # x^2 <= x on [0, 1]
FALSE = Step("false", x, "<=", x**2 + sp.Rational(1, 8), DOM)  # fails at x = 1/2


def _identity(v: Verdict) -> tuple:
    return (v.status, v.method, v.detail, v.counterexample, v.work)


def _no_decide(*args, **kw):
    raise AssertionError("decided again although the verdict was kept")


def test_a_kept_verdict_equals_a_fresh_decision(tmp_path, monkeypatch):
    monkeypatch.delenv(VC.ENV, raising=False)
    fresh = {s.id: D.decide(s, budget=2) for s in (TRUE, FALSE)}
    assert fresh["true"].status == "proved" and fresh["false"].status == "refuted"
    monkeypatch.setenv(VC.ENV, str(tmp_path))
    first = {s.id: D.decide(s, budget=2) for s in (TRUE, FALSE)}
    assert len(list(tmp_path.glob("*.pickle"))) == 2
    monkeypatch.setattr(D, "_decide", _no_decide)
    again = {s.id: D.decide(s, budget=2) for s in (TRUE, FALSE)}
    for sid in fresh:
        assert _identity(first[sid]) == _identity(fresh[sid]) == _identity(again[sid])


def test_a_different_step_budget_or_seed_is_decided_again(tmp_path, monkeypatch):
    monkeypatch.setenv(VC.ENV, str(tmp_path))
    D.decide(TRUE, budget=2)
    k = VC.key(TRUE, 2, 0, None)
    assert VC.key(TRUE, 3, 0, None) != k and VC.key(TRUE, 2, 1, None) != k
    assert VC.key(TRUE, 2, 0, ("smt",)) != k
    other = Step("true", x**2, "<=", 2 * x, DOM)
    assert VC.key(other, 2, 0, None) != k
    assert VC.key(Step("renamed", x**2, "<=", x, DOM, note="n"), 2, 0, None) == k
    calls = []
    real = D._decide
    monkeypatch.setattr(D, "_decide", lambda *a: calls.append(a) or real(*a))
    assert D.decide(other, budget=2).status == "proved" and len(calls) == 1


def test_nothing_is_kept_without_the_variable(tmp_path, monkeypatch):
    monkeypatch.delenv(VC.ENV, raising=False)
    calls = []
    real = D._decide
    monkeypatch.setattr(D, "_decide", lambda *a: calls.append(a) or real(*a))
    D.decide(TRUE, budget=2)
    D.decide(TRUE, budget=2)
    assert len(calls) == 2 and not list(tmp_path.iterdir())


def test_a_verdict_cut_by_the_safety_guard_is_not_kept(tmp_path, monkeypatch):
    monkeypatch.setenv(VC.ENV, str(tmp_path))
    cut = Verdict("unverified", None, "stopped by the 120 s safety guard (not a verdict)")
    monkeypatch.setattr(D, "_decide", lambda *a: cut)
    assert D.decide(TRUE, budget=2) is cut
    assert not list(tmp_path.glob("*.pickle"))


def test_an_unreadable_entry_is_decided_again(tmp_path, monkeypatch):
    monkeypatch.setenv(VC.ENV, str(tmp_path))
    (tmp_path / f"{VC.key(FALSE, 2, 0, None)}.pickle").write_bytes(b"not a pickle")
    v = D.decide(FALSE, budget=2)
    assert v.status == "refuted" and v.counterexample is not None
    assert VC.load(VC.key(FALSE, 2, 0, None)) is not None  # rewritten whole


def test_the_key_evaluates_no_integral(monkeypatch):
    # sympy's default printer orders a sum's terms by value, integrating an improper integral
    # numerically (seconds per key for Eq. (8)'s steps); the key prints sums as stored
    t = sp.Symbol("t", real=True)
    gauss = sp.Integral(t**2 * sp.exp(-t**2 / 2), (t, -sp.oo, sp.oo))
    step = Step("integral", gauss + x + 1, ">=", x, DOM)

    def no_quadrature(*args, **kw):
        raise AssertionError("the key integrated numerically")

    import mpmath
    monkeypatch.setattr(mpmath.mp, "quad", no_quadrature)
    monkeypatch.setattr(sp.Integral, "evalf", no_quadrature)
    assert VC.key(step, 3, 0, None) == VC.key(Step("other", gauss + x + 1, ">=", x, DOM), 3, 0,
                                              None)


#: the SHA-256 of the keys of every step of every built-in claim: run here and in a process
#: with another hash seed
_DIGEST = """
import hashlib

from laprop_theory.claims import all_claims
from laprop_theory.proof import verdict_cache


def digest():
    h = hashlib.sha256()
    for c in all_claims():
        for st in (c.statement, *c.steps):
            h.update(verdict_cache.key(st, 3.0, 0, None).encode())
    return h.hexdigest()
"""


def test_keys_do_not_depend_on_the_hash_seed():
    # the suite's workers run with different hash seeds and share one folder: a key that
    # followed the seed (a witness's point, a dict of symbols, iterated from a set) would
    # make every worker decide those steps again. This process's keys against those of a
    # process with another seed (this one's is random unless PYTHONHASHSEED fixes it).
    import os
    import subprocess
    import sys

    other = "2" if os.environ.get("PYTHONHASHSEED") == "1" else "1"
    p = subprocess.run([sys.executable, "-c", _DIGEST + "print(digest())"],
                       capture_output=True, text=True,
                       env={**os.environ, "PYTHONHASHSEED": other}, timeout=600)
    assert p.returncode == 0, p.stderr[-2000:]
    here: dict = {}
    exec(_DIGEST, here)  # noqa: S102 -- the same source as the other process runs
    assert p.stdout.strip() == here["digest"]() and len(p.stdout.strip()) == 64
