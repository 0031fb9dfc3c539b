"""Certificates (laprop_theory.proof.certificates) and their independent re-check
(laprop_theory.verify, cvc5 + mpmath intervals): a decided step leaves files that a second tool
accepts, and a tampered file is rejected -- by its hash, and by the re-check itself when the
hash is forged too.

The expected answers here come from mathematics, not from the code under test: e.g.
x^2 <= x holds on [0, 1] and fails at x = 2; sqrt(x) <= (x + 2)/2 is AM-GM with room to spare.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sympy as sp

from laprop_theory.proof.certificates import write_certificates
from laprop_theory.proof.core import Domain, Range, Step, StepResult, Verdict
from laprop_theory.proof.decide import decide
from laprop_theory.proof.smtlib import (
    Names,
    NotEncodable,
    definedness_script,
    encode_step,
    negation_script,
)
from laprop_theory.verify import ManifestError, verify_directory
from laprop_theory.verify import sexpr as sx
from laprop_theory.verify.smt import run_script

REPO = Path(__file__).resolve().parents[3]
x, y = sp.symbols("x y")
t = sp.Symbol("t", integer=True)


def toy_steps() -> list[tuple[Step, tuple[str, ...] | None]]:
    """(step, methods) pairs: each decided quickly by the named methods."""
    return [
        (Step("tight", x**2, "<=", x, Domain({x: Range(0, 1)})), ("smt",)),
        (Step("root", sp.sqrt(x) * sp.sqrt(x + 1), "<=", x + 1, Domain({x: Range(0, 3)})),
         ("smt",)),
        (Step("ident", x / (x + 1) + 1 / (x + 1), "=", 1, Domain({x: Range(0, 5)})), ("smt",)),
        (Step("poly", x**2 * y, "<=", 2, Domain({x: Range(0, 1), y: Range(0, 1)})),
         ("interval",)),
        (Step("ints", x**t - x / 2, "<=", 1, Domain({x: Range(0, 1), t: Range(1, 3,
                                                                              integer=True)})),
         ("interval",)),
        (Step("cons", x * y, "<", 1, Domain({x: Range(0, 2), y: Range(0, 2)},
                                            (sp.Le(x + y, 1),))), ("interval",)),
        (Step("bad", x**2, "<=", x, Domain({x: Range(0, 2)})), None),
    ]


@pytest.fixture(scope="module")
def toy_results() -> list[StepResult]:
    out = []
    for st, methods in toy_steps():
        v = decide(st, methods=methods)
        assert v.status in ("proved", "refuted"), (st.id, v.detail)
        out.append(StepResult("toy", st, v))
    return out


@pytest.fixture(scope="module")
def toy_dir(toy_results: list[StepResult], tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("certs")
    write_certificates(toy_results, d)
    return d


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "c"
    shutil.copytree(src, dst)
    return dst


def _manifest(d: Path) -> dict:
    return json.loads((d / "manifest.json").read_text())


def _entry(d: Path, step: str) -> dict:
    return next(e for e in _manifest(d)["certificates"] if e["step"] == step)


def _rehash(d: Path) -> None:
    """Forge the manifest's hashes after a tamper (what a careful forger would do)."""
    m = _manifest(d)
    for e in m["certificates"]:
        for f in e["files"]:
            f["sha256"] = hashlib.sha256((d / f["path"]).read_bytes()).hexdigest()
    (d / "manifest.json").write_text(json.dumps(m))


def _edit(d: Path, rel: str, old: str, new: str) -> None:
    p = d / rel
    text = p.read_text()
    assert old in text, (rel, old)
    p.write_text(text.replace(old, new, 1))


def _forge(d: Path, rel: str, cert: dict) -> None:
    """Write the tampered certificate ``cert`` to ``d/rel`` and forge the manifest's hashes."""
    (d / rel).write_text(json.dumps(cert))
    _rehash(d)


def _fails(d: Path, path_part: str) -> str:
    res = verify_directory(d, jobs=1)
    hits = [f for f in res["failed"] if path_part in f["file"]]
    assert hits, res
    return hits[0]["reason"]


# -- the encoder, judged by cvc5 ------------------------------------------------------------
def _cvc5(text: str) -> list[str]:
    out = run_script(text)
    assert out.error is None, out.error
    return out.answers


@pytest.mark.parametrize("step, answer", [
    (Step("a", x**2, "<=", x, Domain({x: Range(0, 1)})), "unsat"),
    (Step("b", x**2, "<=", x, Domain({x: Range(0, 2)})), "sat"),  # false at x = 2
    (Step("c", x**2, "<", x, Domain({x: Range(0, 1, True, True)})), "unsat"),
    (Step("d", x**2, "<", x, Domain({x: Range(0, 1)})), "sat"),  # equality at x = 0
    (Step("e", sp.sqrt(x), ">=", x, Domain({x: Range(0, 1)})), "unsat"),
    (Step("f", sp.sqrt(x), ">=", x, Domain({x: Range(0, 4)})), "sat"),
    (Step("g", abs(x - 1), "=", sp.Max(x, 2 - x) - 1, Domain({x: Range(-5, 5)})), "unsat"),
    (Step("h", x ** sp.Rational(1, 3), "<=", 2, Domain({x: Range(0, 8)})), "unsat"),
    (Step("i", x ** sp.Rational(1, 3), "<=", 2, Domain({x: Range(0, 9)})), "sat"),
    (Step("j", x * sp.sign(x), "=", abs(x), Domain({x: Range()})), "unsat"),
    (Step("k", (t + x) ** 2, ">=", 1, Domain({x: Range(0, 1), t: Range(1, 4, integer=True)})),
     "unsat"),
    (Step("l", x**11, "<=", x, Domain({x: Range(-1, 1)})), "sat"),  # false at x = -1/2
])
def test_negation_query_matches_the_mathematics(step: Step, answer: str) -> None:
    assert _cvc5(negation_script(encode_step(step), ["test"])) == [answer]


def test_definedness_query_finds_a_pole_and_a_negative_radicand() -> None:
    pole = Step("p", 1 / (x - 1), ">=", -10, Domain({x: Range(0, 2)}))
    assert _cvc5(definedness_script(encode_step(pole), ["t"])) == ["sat"]
    ok = Step("q", 1 / (x - 1), "<=", 0, Domain({x: Range(0, 1, False, True)}))
    assert _cvc5(definedness_script(encode_step(ok), ["t"])) == ["unsat"]
    root = Step("r", sp.sqrt(x), "<=", 3, Domain({x: Range(-1, 4)}))
    assert _cvc5(definedness_script(encode_step(root), ["t"])) == ["sat"]
    # a constraint that is undefined somewhere only cuts the domain down
    cut = Step("s", x, ">=", 0, Domain({x: Range(-1, 4)}, (sp.Lt(sp.sqrt(x), 1),)))
    assert definedness_script(encode_step(cut), ["t"]) is None
    assert _cvc5(negation_script(encode_step(cut), ["t"])) == ["unsat"]


def test_names_are_safe_and_keyed_by_symbol_not_text() -> None:
    x_real, x_pos = sp.Symbol("x", real=True), sp.Symbol("x", positive=True)
    n = Names()
    assert n.symbol(x_real) != n.symbol(x_pos)
    weird = sp.Dummy("gamma*sqrt(nu)^(t+0)")
    assert all(c.isalnum() or c == "_" for c in n.symbol(weird))
    assert n.fresh("sqrt") != n.symbol(sp.Symbol("sqrt_0"))
    # two symbols with the same text stay two variables: x_real <= x_pos is not a theorem
    st = Step("n", x_real, "<=", x_pos, Domain({x_real: Range(0, 2), x_pos: Range(0, 1)}))
    assert _cvc5(negation_script(encode_step(st), ["t"])) == ["sat"]


def test_symbolic_exponents_and_integrals_are_not_encodable() -> None:
    with pytest.raises(NotEncodable):
        encode_step(Step("e", x**t, "<=", 1, Domain({x: Range(0, 1), t: Range(1, 9,
                                                                                integer=True)})))
    with pytest.raises(NotEncodable):
        encode_step(Step("i", sp.Integral(x * y, (y, 0, 1)), "<=", 1, Domain({x: Range(0, 1)})))


# -- the s-expression evaluator, judged by exact values ----------------------------------------
def test_interval_evaluation_encloses_exact_values() -> None:
    from fractions import Fraction

    node = sx.parse("(^ (* (/ 16 37) v_x) (/ 1 2))")
    v = sx.interval(node, {"v_x": sx.ival(Fraction(1))})
    # the enclosure of sqrt(16/37): lo^2 <= 16/37 <= hi^2, and tight
    lo, hi = sx.to_fraction(sx.lo(v)), sx.to_fraction(sx.hi(v))
    assert 0 < lo and lo**2 <= Fraction(16, 37) <= hi**2
    assert hi - lo < Fraction(1, 10**30)
    assert sx.exact(sx.parse("(^ (/ 9 4) (- (/ 3 2)))"), {}) == Fraction(8, 27)
    with pytest.raises(sx.Undefined):
        sx.interval(sx.parse("(^ v_x (/ 1 2))"), {"v_x": sx.IV.mpf([-1, 1])})
    with pytest.raises(sx.Undefined):
        sx.interval(sx.parse("(/ 1 v_x)"), {"v_x": sx.IV.mpf([-1, 1])})
    sq = sx.interval(sx.parse("(^ v_x 2)"), {"v_x": sx.IV.mpf([-3, 1])})
    assert sx.lo(sq) == 0 and sx.hi(sq) == 9


# -- writing and re-checking -----------------------------------------------------------------
def test_every_toy_certificate_checks(toy_dir: Path) -> None:
    res = verify_directory(toy_dir, jobs=1)
    assert res["failed"] == [], res
    assert res["checked"] == res["passed"] == len(toy_steps())
    kinds = {e["step"]: e["kind"] for e in _manifest(toy_dir)["certificates"]}
    assert kinds == {"tight": "smt", "root": "smt", "ident": "smt", "poly": "boxes",
                     "ints": "boxes", "cons": "boxes", "bad": "point"}
    assert res["by_tool"]["mpmath-iv"] == 4 and res["by_tool"]["cvc5"] >= 5
    assert res["by_tool"]["exact-algebra"] == 1  # x/(x+1) + 1/(x+1) = 1


def test_manifest_hashes_and_determinism(toy_results: list[StepResult], toy_dir: Path,
                                         tmp_path: Path) -> None:
    m = _manifest(toy_dir)
    for e in m["certificates"]:
        for f in e["files"]:
            assert hashlib.sha256((toy_dir / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    again = tmp_path / "again"
    write_certificates(toy_results, again)
    files = sorted(p.relative_to(toy_dir) for p in toy_dir.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for rel in files:
        assert (toy_dir / rel).read_bytes() == (again / rel).read_bytes(), rel
    assert not list(toy_dir.rglob(".*tmp*"))  # no temporary file left behind


def test_rewrite_removes_files_of_the_old_manifest_only(toy_results: list[StepResult],
                                                        tmp_path: Path) -> None:
    d = tmp_path / "d"
    write_certificates(toy_results, d)
    (d / "mine.txt").write_text("not a certificate")
    write_certificates([r for r in toy_results if r.step.id == "bad"], d)
    assert (d / "mine.txt").exists()
    assert not (d / "toy" / "tight.smt2").exists()
    assert verify_directory(d, jobs=1)["passed"] == 1


def test_relaxed_proof_says_so_in_comment_and_manifest(tmp_path: Path) -> None:
    b = sp.Symbol("b")
    st = Step("relax", b**t, "<=", b, Domain({b: Range(0, 1), t: Range(1, sp.oo, integer=True)}))
    v = decide(st, methods=("smt",))
    assert v.status == "proved" and (v.evidence or {}).get("relaxation")
    write_certificates([StepResult("toy", st, v)], tmp_path)
    e = _entry(tmp_path, "relax")
    assert e["relaxation"] == v.evidence["relaxation"]
    assert f"; relaxation (the proof is of this relaxed step): {e['relaxation']}" in (
        tmp_path / e["files"][0]["path"]).read_text()
    assert verify_directory(tmp_path, jobs=1)["failed"] == []


# -- tampering -------------------------------------------------------------------------------
def test_tampered_file_fails_on_its_hash(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    _edit(d, "toy/tight.smt2", "(assert (<= v_x 1.0))", "(assert (<= v_x 2.0))")
    assert _fails(d, "tight") == "sha256 differs from the manifest"


def test_changed_number_in_smt_fails_in_cvc5(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    _edit(d, "toy/tight.smt2", "(assert (<= v_x 1.0))", "(assert (<= v_x 2.0))")
    _rehash(d)
    assert "cvc5 answered sat" in _fails(d, "tight")


def test_changed_relation_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    # x^2 <= x is tight at 0 and 1: the strict version is false there
    _edit(d, "toy/tight.smt2", "(assert (not (<= ", "(assert (not (< ")
    _rehash(d)
    assert "negated relation" in _fails(d, "tight")
    # ... and cvc5 itself refutes it once the manifest is forged to match
    m = _manifest(d)
    next(e for e in m["certificates"] if e["step"] == "tight")["rel"] = "<"
    (d / "manifest.json").write_text(json.dumps(m))
    assert "cvc5 answered sat" in _fails(d, "tight")


def test_changed_identity_fails_exactly(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    e = _entry(d, "ident")
    stmt = next(f["path"] for f in e["files"] if f["role"] == "statement")
    cert = json.loads((d / stmt).read_text())
    cert["rhs"] = "(/ 101 100)"
    (d / stmt).write_text(json.dumps(cert))
    _rehash(d)
    assert "not the zero rational function" in _fails(d, "ident")


def test_changed_point_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/bad.json").read_text())
    cert["point"]["v_x"] = "1/2"  # x^2 <= x holds at 1/2
    _forge(d, "toy/bad.json", cert)
    assert "violation is not certified" in _fails(d, "bad")
    cert["point"]["v_x"] = "3"  # a violation, but outside [0, 2]
    _forge(d, "toy/bad.json", cert)
    assert "outside its range" in _fails(d, "bad")


def test_changed_recorded_value_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/bad.json").read_text())
    cert["values"]["lhs"] = "[5, 5]"  # lhs = x^2 = 4 at x = 2
    _forge(d, "toy/bad.json", cert)
    assert "recorded values" in _fails(d, "bad")


def test_deleted_box_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/cons.json").read_text())
    boxes = cert["covers"][0]["boxes"]
    assert len(boxes) > 1
    del boxes[len(boxes) // 2]
    _forge(d, "toy/cons.json", cert)
    reason = _fails(d, "cons")
    assert "no box covers" in reason or "not a bisection" in reason


def test_deleted_integer_cover_and_changed_box_fail(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/ints.json").read_text())
    good = json.dumps(cert)
    del cert["covers"][-1]
    _forge(d, "toy/ints.json", cert)
    assert "no cover for the integer values" in _fails(d, "ints")
    cert = json.loads(good)
    cert["covers"][0]["boxes"][0]["box"][0][1] = "3/4"  # a gap in [0, 1]
    _forge(d, "toy/ints.json", cert)
    assert "not a bisection" in _fails(d, "ints")


def test_changed_factor_fails_the_identity(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/poly.json").read_text())
    fs = cert["covers"][0]["factors"]
    # halve the product: the sign is unchanged, so only the identity can catch it
    cert["covers"][0]["factors"] = [*fs, ["(/ 1 2)", 1]]
    for b in cert["covers"][0]["boxes"]:
        b["enclosure"] = None  # (the recorded enclosures would give it away first)
    _forge(d, "toy/poly.json", cert)
    assert "factor identity" in _fails(d, "poly")


def test_changed_domain_of_a_cover_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/poly.json").read_text())
    cert["domain"]["ranges"][0]["hi"] = "2"  # x in [0, 2]: the one box no longer covers it
    _forge(d, "toy/poly.json", cert)
    assert _fails(d, "poly")


def test_missing_file_and_bad_directory(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    (d / "toy/root.smt2").unlink()
    assert "cannot read" in _fails(d, "root")
    with pytest.raises(ManifestError):
        verify_directory(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ManifestError):
        verify_directory(tmp_path / "empty")


# -- the command line, without z3 or the checker ---------------------------------------------
_NO_CHECKER = """
import sys
sys.modules['z3'] = None
sys.modules['laprop_theory.proof'] = None
sys.modules['sympy'] = None
from laprop_theory.cli import verify
code = verify.main(sys.argv[1:])
loaded = [m for m in sys.modules if sys.modules[m] is not None and (
    m == 'z3' or m.startswith('z3.') or m.startswith('laprop_theory.proof')
    or m == 'sympy' or m.startswith('sympy.'))]
assert not loaded, loaded
sys.exit(code)
"""


def _run_verify(args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-c", _NO_CHECKER, *args], capture_output=True,
                          text=True, env=env, timeout=300, cwd=REPO)


def test_verify_runs_without_z3_and_the_checker(toy_dir: Path, tmp_path: Path) -> None:
    r = _run_verify([str(toy_dir), "--json", "--jobs", "2"])
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["checked"] == out["passed"] == len(toy_steps()) and out["failed"] == []
    d = _copy(toy_dir, tmp_path)
    _edit(d, "toy/tight.smt2", "(assert (<= v_x 1.0))", "(assert (<= v_x 2.0))")
    r = _run_verify([str(d)])
    assert r.returncode == 1
    assert "sha256 differs" in r.stdout and "failed" in r.stdout
    r = _run_verify([str(tmp_path / "missing")])
    assert r.returncode == 2 and len(r.stderr.strip().splitlines()) == 1


def test_check_writes_certificates_for_builtin_claims(tmp_path: Path) -> None:
    """``check --claim eq4 --certificates DIR``, then ``verify DIR --json``, as a user would."""
    d = tmp_path / "certs"
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    r = subprocess.run([sys.executable, "-m", "laprop_theory", "check", "--claim", "eq4",
                        "--json", "--certificates", str(d)], capture_output=True, text=True,
                       env=env, timeout=300, cwd=REPO)
    assert r.returncode == 0, r.stderr
    steps = json.loads(r.stdout)
    decided = [s for s in steps if s["status"] in ("proved", "refuted")]
    m = _manifest(d)
    assert [(e["claim"], e["step"]) for e in m["certificates"]] == [
        (s["claim"], s["step"]) for s in decided]
    again = tmp_path / "again"  # another process, another hash seed: the same bytes
    r2 = subprocess.run([sys.executable, "-m", "laprop_theory", "check", "--claim", "eq4",
                         "--certificates", str(again)], capture_output=True, text=True,
                        env={**env, "PYTHONHASHSEED": "12345"}, timeout=300, cwd=REPO)
    assert r2.returncode == 0, r2.stderr
    files = sorted(p.relative_to(d) for p in d.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    assert all((d / f).read_bytes() == (again / f).read_bytes() for f in files)
    r = subprocess.run([sys.executable, "-m", "laprop_theory", "verify", str(d), "--json"],
                       capture_output=True, text=True, env=env, timeout=300, cwd=REPO)
    out = json.loads(r.stdout)
    assert r.returncode == (1 if out["failed"] else 0)
    assert out["checked"] == len(decided) and out["failed"] == [], out


# -- extended certificates: oo and improper integrals ------------------------------------------
mu_e = sp.Symbol("mu", real=True)
xi = sp.Symbol("x", real=True)
GAUSS = sp.exp(-xi**2 / 2)
OPEN_UNIT = Range(0, 1, lo_open=True, hi_open=True)


def _proved(st: Step) -> StepResult:
    """A step recorded as proved by sympy (the verifier alone judges its certificate)."""
    return StepResult("ext", st, Verdict("proved", "sympy", "toy", evidence={"step": st}))


def extended_steps() -> list[Step]:
    """True: ∫ e^{-x²/2}/x² dx = ∞ (the pole at 0), ∫ x² e^{-x²/2} dx = √(2π) > 0, so
    μ² · both = ∞ for μ > 0; oo · sign(μ) = oo for μ > 0; 1 + ∞ ≥ ∞. False (must fail):
    μ² ∫ e^{-x²/2} dx = √(2π) μ² is finite; ∫ −e^{-x²/2}/x² dx = −∞."""
    dom = Domain({mu_e: OPEN_UNIT})
    inv = sp.Integral(GAUSS / xi**2, (xi, -sp.oo, sp.oo))
    sq = sp.Integral(xi**2 * GAUSS, (xi, -sp.oo, sp.oo))
    return [Step("diverges", mu_e**2 * inv * sq, "=", sp.oo, dom),
            Step("signoo", sp.oo * sp.sign(mu_e), "=", sp.oo, dom),
            Step("plusone", 1 + mu_e**2 * inv, ">=", mu_e**2 * inv, dom),
            Step("finite", mu_e**2 * sp.Integral(GAUSS, (xi, -sp.oo, sp.oo)), "=", sp.oo, dom),
            Step("negative", sp.Integral(-GAUSS / xi**2, (xi, -sp.oo, sp.oo)), "=", sp.oo,
                 dom)]


@pytest.fixture(scope="module")
def ext_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("ext")
    write_certificates([_proved(st) for st in extended_steps()], d)
    return d


def _ext_cert(d: Path, step: str) -> tuple[Path, dict]:
    p = d / "ext" / f"{step}.json"
    return p, json.loads(p.read_text())


def _ext_write(d: Path, step: str, cert: dict) -> None:
    (d / "ext" / f"{step}.json").write_text(json.dumps(cert))
    _rehash(d)


def test_extended_certificates_pass_when_true_and_fail_when_false(ext_dir: Path) -> None:
    m = _manifest(ext_dir)
    assert {e["kind"] for e in m["certificates"]} == {"extended"}
    res = verify_directory(ext_dir, jobs=1)
    failed = {f["file"]: f["reason"] for f in res["failed"]}
    assert set(failed) == {"ext/finite.json", "ext/negative.json"}, res
    assert "infinite" in failed["ext/finite.json"]
    assert ">= 0" in failed["ext/negative.json"]
    assert res["by_tool"]["mpmath-iv"] >= 3 and res["by_tool"]["cvc5"] >= 3


@pytest.mark.parametrize("tamper, why", [
    (lambda c: c["integrals"][0]["pieces"][0].update(order=0), "order"),
    (lambda c: c["integrals"][0]["pieces"][0].update(at="1/2"), "consecutive"),
    (lambda c: c["integrals"][0]["pieces"][0].update(
        g=c["integrals"][0]["pieces"][0]["g"].replace("(/ 1 2)", "(/ 1 3)", 1)), "pole"),
    (lambda c: c["integrals"][0]["pieces"][0]["cover"][0].__setitem__(1, "1/2"), "end"),
    (lambda c: c["integrals"][0].update(pieces=[{"kind": "riemann", "boxes": [["1", "2"]]}]),
     "infinite"),
    (lambda c: c["integrals"].pop(0), "without a certificate"),
    (lambda c: c["integrals"][1]["pieces"][0]["boxes"].__setitem__(0, ["-2", "-3/2"]),
     "consecutive"),
    (lambda c: c["domain"]["ranges"][0].update(lo="(- 1)"), "> 0"),
])
def test_tampered_extended_certificate_fails(ext_dir: Path, tmp_path: Path, tamper: Any,
                                             why: str) -> None:
    d = _copy(ext_dir, tmp_path)
    _, cert = _ext_cert(d, "diverges")
    assert cert["integrals"][0]["pieces"][0]["kind"] == "pole"  # 1/x² sorts first
    tamper(cert)
    _ext_write(d, "diverges", cert)
    assert why in _fails(d, "diverges")


def test_tampered_oo_product_fails(ext_dir: Path, tmp_path: Path) -> None:
    d = _copy(ext_dir, tmp_path)
    _, cert = _ext_cert(d, "signoo")
    cert["domain"]["ranges"][0]["lo"] = "(- 1)"  # sign(mu) is no longer > 0
    _ext_write(d, "signoo", cert)
    assert "> 0" in _fails(d, "signoo")
    _, cert = _ext_cert(d, "plusone")
    cert["rel"] = "<"
    _ext_write(d, "plusone", cert)
    assert "relation" in _fails(d, "plusone")


def test_almost_everywhere_signs() -> None:
    from laprop_theory.verify.extended import ExtendedError, ae_class
    assert ae_class(sx.parse("(* (^ v (- 2)) (exp (- (^ v 2))))"), "v") == "pos"
    assert ae_class(sx.parse("(* v v)"), "v") == "nz"  # sound, not sharp
    assert ae_class(sx.parse("(+ (^ v 2) 1)"), "v") == "pos"
    assert ae_class(sx.parse("(- (^ v 2) 1)"), "v") == "any"
    with pytest.raises(ExtendedError):
        ae_class(sx.parse("(^ (- (^ v 2) 1) (/ 1 2))"), "v")  # a root of a sign-changing term
    with pytest.raises(ExtendedError):
        ae_class(sx.parse("(* mu v)"), "v")  # a parameter in the integrand


# -- solver strategies, case splits, integers read as reals ------------------------------------
def test_only_strategy_options_are_allowed() -> None:
    base = "(set-logic QF_NRA)\n(declare-fun x () Real)\n(assert (< (* x x) 0.0))\n(check-sat)\n"
    assert run_script("(set-option :nl-ext none)\n" + base).answers == ["unsat"]
    for bad in ("(set-option :tlimit 1)\n", "(set-option :rlimit-per 1)\n",
                "(set-option :produce-models true)\n"):
        assert "not allowed" in (run_script(bad + base).error or "")


def _hinted(d: Path, steps: list[Step], hints: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    from laprop_theory.proof import certificates
    monkeypatch.setattr(certificates, "SMT_HINTS", hints)
    write_certificates([StepResult("toy", st, Verdict("proved", "smt", "toy",
                                                      evidence={"step": st}))
                        for st in steps], d)


def test_case_split_passes_when_true_and_fails_when_false(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """|x| <= 1 on [-1, 1] (true), |x| <= 1/2 there (false: x = 1), both split on x >= 0."""
    dom = Domain({x: Range(-1, 1)})
    hint = {"split": True, "options": (("nl-ext", "none"),)}
    _hinted(tmp_path, [Step("abs", sp.Abs(x), "<=", 1, dom),
                       Step("half", sp.Abs(x), "<=", sp.Rational(1, 2), dom)],
            {("toy", "abs"): hint, ("toy", "half"): hint}, monkeypatch)
    split = json.loads((tmp_path / "toy" / "abs.split.json").read_text())
    assert split["atoms"] == ["(>= v_x 0.0)"]
    assert "(set-option :nl-ext none)" in (tmp_path / "toy" / "abs.smt2").read_text()
    res = verify_directory(tmp_path, jobs=1)
    assert [f["file"] for f in res["failed"]] == ["toy/half.split.json"], res
    assert "answered sat" in res["failed"][0]["reason"]
    # an atom that would smuggle commands in, or options outside the whitelist: refused
    for atoms, options, why in (
            (["(>= v_x 0.0)) (reset) (assert (= 1.0 1.0)"], {}, "one term"),
            (["(>= v_x 0.0)"], {"1": [["tlimit", "1"]]}, "not allowed"),
            ([], {}, "atoms")):
        split.update(atoms=atoms, options=options)
        (tmp_path / "toy" / "abs.split.json").write_text(json.dumps(split))
        _rehash(tmp_path)
        assert why in _fails(tmp_path, "abs.split")


def test_integers_are_read_as_reals_only_where_that_still_holds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """(x + t)^2 >= 0 holds for real t too; (t - 1)(t - 2) >= 0 on t in {1, 2, 3} does not
    (t = 3/2): only the first is written over the reals."""
    _hinted(tmp_path, [Step("sq", (x + t)**2, ">=", 0,
                            Domain({x: Range(-1, 1), t: Range(1, 5, integer=True)})),
                       Step("gap", (t - 1) * (t - 2), ">=", 0,
                            Domain({t: Range(1, 3, integer=True)}))], {}, monkeypatch)
    sq = (tmp_path / "toy" / "sq.smt2").read_text()
    assert "read as reals" in sq and "() Int)" not in sq
    assert "() Int)" in (tmp_path / "toy" / "gap.smt2").read_text()
    res = verify_directory(tmp_path, jobs=1)
    assert "toy/sq.smt2" not in [f["file"] for f in res["failed"]], res


def test_equality_that_holds_by_a_constraint_goes_to_cvc5(tmp_path: Path) -> None:
    """u = x under the constraint u = x is no identity of rational functions: no exact-algebra
    file, and cvc5 shows it."""
    u = sp.Symbol("u", real=True)
    st = Step("byc", u, "=", x, Domain({x: Range(0, 1), u: Range()}, (sp.Eq(u, x),)))
    write_certificates([StepResult("toy", st, Verdict("proved", "smt", "toy",
                                                      evidence={"step": st}))], tmp_path)
    assert not (tmp_path / "toy" / "byc.terms.json").exists()
    res = verify_directory(tmp_path, jobs=1)
    assert res["failed"] == [] and res["by_tool"]["cvc5"] == 1, res


def test_symbolic_powers_of_a_unit_base_are_relaxed_for_the_certificate(
        tmp_path: Path) -> None:
    """0 <= zeta^t (1 + t - zeta t) for zeta in (0, 1), integer t >= 1 (true) and
    zeta^t <= zeta^2 (false at t = 1): zeta^t becomes w in [0, zeta], which proves the first
    and cannot prove the second."""
    z = sp.Symbol("zeta", real=True)
    dom = Domain({z: Range(0, 1, lo_open=True, hi_open=True), t: Range(1, sp.oo, integer=True)})
    steps = [Step("zt", 0, "<=", z**t * (1 + t - z * t), dom), Step("bad", z**t, "<=", z**2, dom)]
    write_certificates([StepResult("toy", st, Verdict("proved", "sympy", "toy",
                                                      evidence={"step": st}))
                        for st in steps], tmp_path)
    assert "zeta^(t) -> w in [0, zeta]" in (tmp_path / "toy" / "zt.smt2").read_text()
    res = verify_directory(tmp_path, jobs=1)
    assert [f["file"] for f in res["failed"]] == ["toy/bad.smt2"], res


def test_helper_lemmas_are_proved_before_they_are_used(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """x y <= 1 on [0, 1]^2 with the lemmas x y <= x (true on the domain) and a lemma valid
    everywhere; a false lemma, a lemma that holds only on the domain but claims no context,
    and a lemma smuggling a command each fail."""
    dom = Domain({x: Range(0, 1), y: Range(0, 1)})
    good = ("(<= (* v_x v_y) v_x)",
            {"formula": "(=> (<= (* v_x v_y) v_x) (<= (* v_x v_y) (+ v_x 0.0)))",
             "context": "none"})
    _hinted(tmp_path, [Step("xy", x * y, "<=", 1, dom)], {("toy", "xy"): {"lemmas": good}},
            monkeypatch)
    path = tmp_path / "toy" / "xy.lemmas.json"
    spec = json.loads(path.read_text())
    assert spec["lemmas"][1]["context"] == "none"
    assert verify_directory(tmp_path, jobs=1)["failed"] == []
    for lemmas, why in ((["(<= v_x (- 1.0))"], "lemma 0: cvc5 answered sat"),
                        ([{"formula": "(<= (* v_x v_y) v_x)", "context": "none"}],
                         "lemma 0: cvc5 answered sat"),
                        (["(<= v_x 1.0)) (reset) (assert (<= v_x 1.0)"], "one term"),
                        ([], "lemmas must be")):
        spec["lemmas"] = lemmas
        path.write_text(json.dumps(spec))
        _rehash(tmp_path)
        assert why in _fails(tmp_path, "xy.lemmas")
    # a hint naming a variable the script does not declare writes no lemma file
    _hinted(tmp_path / "other", [Step("xy", x * y, "<=", 1, dom)],
            {("toy", "xy"): {"lemmas": ("(<= sqrt_9 1.0)",)}}, monkeypatch)
    assert not (tmp_path / "other" / "toy" / "xy.lemmas.json").exists()
