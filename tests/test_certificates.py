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

import pytest
import sympy as sp

from laprop_theory.proof.certificates import write_certificates
from laprop_theory.proof.core import Domain, Range, Step, StepResult
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

REPO = Path(__file__).resolve().parents[1]
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
    (d / "toy/bad.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "violation is not certified" in _fails(d, "bad")
    cert["point"]["v_x"] = "3"  # a violation, but outside [0, 2]
    (d / "toy/bad.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "outside its range" in _fails(d, "bad")


def test_changed_recorded_value_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/bad.json").read_text())
    cert["values"]["lhs"] = "[5, 5]"  # lhs = x^2 = 4 at x = 2
    (d / "toy/bad.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "recorded values" in _fails(d, "bad")


def test_deleted_box_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/cons.json").read_text())
    boxes = cert["covers"][0]["boxes"]
    assert len(boxes) > 1
    del boxes[len(boxes) // 2]
    (d / "toy/cons.json").write_text(json.dumps(cert))
    _rehash(d)
    reason = _fails(d, "cons")
    assert "no box covers" in reason or "not a bisection" in reason


def test_deleted_integer_cover_and_changed_box_fail(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/ints.json").read_text())
    good = json.dumps(cert)
    del cert["covers"][-1]
    (d / "toy/ints.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "no cover for the integer values" in _fails(d, "ints")
    cert = json.loads(good)
    cert["covers"][0]["boxes"][0]["box"][0][1] = "3/4"  # a gap in [0, 1]
    (d / "toy/ints.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "not a bisection" in _fails(d, "ints")


def test_changed_factor_fails_the_identity(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/poly.json").read_text())
    fs = cert["covers"][0]["factors"]
    # halve the product: the sign is unchanged, so only the identity can catch it
    cert["covers"][0]["factors"] = [*fs, ["(/ 1 2)", 1]]
    for b in cert["covers"][0]["boxes"]:
        b["enclosure"] = None  # (the recorded enclosures would give it away first)
    (d / "toy/poly.json").write_text(json.dumps(cert))
    _rehash(d)
    assert "factor identity" in _fails(d, "poly")


def test_changed_domain_of_a_cover_fails(toy_dir: Path, tmp_path: Path) -> None:
    d = _copy(toy_dir, tmp_path)
    cert = json.loads((d / "toy/poly.json").read_text())
    cert["domain"]["ranges"][0]["hi"] = "2"  # x in [0, 2]: the one box no longer covers it
    (d / "toy/poly.json").write_text(json.dumps(cert))
    _rehash(d)
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
