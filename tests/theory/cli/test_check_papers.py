"""``check --paper``, ``check --errata --paper``, ``check --file`` (issue 17), the per-paper
markdown (``laprop_theory.report.papers``, docs/other-papers.md) and docs/writing-a-proof.md.

Expected verdicts come from hand derivations written next to each test, never from the code
under test; every counterexample the checker reports is re-evaluated here with exact
fractions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
import sympy as sp

from laprop_theory.__main__ import main as cli
from laprop_theory.claims import (
    LAPROP,
    ClaimFileError,
    all_claims,
    claims_of,
    load_file,
    paper_of,
    papers,
)
from laprop_theory.proof import Claim, Domain, Range, Step, StepResult, Verdict
from laprop_theory.report.papers import papers_markdown

ROOT = Path(__file__).resolve().parents[3]
EXAMPLE = ROOT / "examples" / "my_proof.py"
OTHER_PAPERS = ROOT / "docs" / "other-papers.md"
OTHER_PAPERS_COMMAND = ("python -m laprop_theory check --paper adam2015 --paper amsgrad2018 "
                        "--markdown docs/other-papers.md")

# One true statement and one false step, over the reals:
#   x^2 + 1 >= 2x        holds everywhere: x^2 + 1 - 2x = (x - 1)^2 >= 0;
#   x^2 >= x             fails on (0, 1): at x = 1/2, x^2 - x = -1/4 < 0.
SMALL_FILE = '''\
import sympy as sp
from laprop_theory.proof import Claim, Domain, Range, Step

x = sp.Symbol("x", real=True)


def claims():
    dom = Domain({x: Range()})
    statement = Step("statement", x**2 + 1, ">=", 2 * x, dom, eq="(S)",
                     justification="a square is nonnegative")
    wrong = Step("wrong", x**2, ">=", x, dom, eq="(W) line 2",
                 justification="squaring makes a number larger")
    return [Claim("small", "a true statement with one false step", statement, (wrong,))]
'''


def _run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONHASHSEED": "0"}
    return subprocess.run([sys.executable, "-m", "laprop_theory", "check", *args],
                          capture_output=True, text=True, timeout=900, cwd=cwd, env=env)


def _point(cex: dict) -> dict[str, Fraction]:
    """The counterexample's point as exact fractions (values print as 'p/q' or decimals)."""
    return {k: Fraction(v.split(" ")[0]) for k, v in cex["point"].items()}


def _error(argv: list[str], capsys) -> str:
    """Run the CLI in-process; it must exit 2 with one line on stderr, which is returned."""
    try:
        code = cli(argv)
    except SystemExit as exc:
        code = exc.code
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert len(err.splitlines()) == 1, err
    return err


# ----------------------------------------------------------------------------- the registry


def test_laprop_claims_are_the_papers_claims_of_the_verdict_doc():
    """The LaProp paper's claims are the rows of docs/theory-verdicts.md's summary table (a
    file written before papers existed), in the same order."""
    text = (ROOT / "docs" / "theory-verdicts.md").read_text()
    summary = text.split("| claim | the claim (kernel) |")[1].split("\n\n")[0]
    rows = [line.split("|")[1].strip() for line in summary.splitlines()[2:]]
    assert [c.id for c in claims_of(LAPROP)] == rows
    assert set(paper_of()) == {c.id for c in all_claims()}  # every claim has a paper
    assert set(papers()) == {"laprop2020", "adam2015", "amsgrad2018"}


def test_default_covers_every_paper_and_ids_are_unique():
    every = [c.id for c in all_claims()]
    per_paper = [c.id for p in papers() for c in claims_of(p)]
    assert sorted(every) == sorted(per_paper) and len(set(every)) == len(every)
    owner = paper_of()
    assert all(owner[c.id] == p for p in papers() for c in claims_of(p))
    assert owner["prop1"] == "laprop2020" and owner["theorem1"] == "laprop2020"


def test_unknown_paper_is_a_value_error_naming_the_known_ones():
    with pytest.raises(ValueError, match="unknown paper 'nope'; known: laprop2020, adam2015"):
        all_claims("nope")


# ----------------------------------------------------------------------------- the command line


def test_unknown_paper_exits_2_listing_the_known_ones(capsys):
    err = _error(["check", "--paper", "adam2016"], capsys)
    assert "unknown paper 'adam2016'; known: laprop2020, adam2015, amsgrad2018" in err


def test_claim_outside_the_selected_paper(capsys):
    err = _error(["check", "--paper", "adam2015", "--claim", "prop1"], capsys)
    assert "claim 'prop1' is in paper laprop2020, not in --paper adam2015" in err


def test_file_and_paper_do_not_combine(capsys):
    err = _error(["check", "--paper", "adam2015", "--file", str(EXAMPLE)], capsys)
    assert "--file and --paper cannot be combined" in err


def test_paper_filter_json_and_errata():
    """Eq. (5) of the LaProp paper is refuted (docs/theory-verdicts.md); through --paper it
    keeps its steps, names its paper in the JSON, and its erratum names claim, step, label."""
    p = _run("--paper", "laprop2020", "--claim", "eq5", "--json", "--budget", "3")
    assert p.returncode == 0, p.stderr
    rows = json.loads(p.stdout)
    assert {r["paper"] for r in rows} == {"laprop2020"} and {r["claim"] for r in rows} == {"eq5"}
    p = _run("--paper", "laprop2020", "--claim", "eq5", "--errata", "--budget", "3")
    assert p.returncode == 0, p.stderr
    assert "Errata" in p.stdout and "[eq5/statement]" in p.stdout


@pytest.mark.parametrize("name, text, message", [
    ("missing.py", None, "no such file"),
    ("broken.py", "import no_such_module_d17\n",
     "failed to import: ModuleNotFoundError: No module named 'no_such_module_d17'"),
    ("syntax.py", "def claims(:\n", "failed to import: SyntaxError"),
    ("none.py", "x = 1\n", "defines no function claims()"),
    ("raises.py", "def claims():\n    raise RuntimeError('no luck\\nsecond line')\n",
     "claims() raised RuntimeError: no luck"),
    ("tuple.py", "def claims():\n    return ()\n", "claims() must return a list of Claim, got "
     "tuple"),
    ("ints.py", "def claims():\n    return [3]\n", "claims() item 0 is of type int, not a "
     "laprop_theory.proof.Claim"),
    ("empty.py", "def claims():\n    return []\n", "claims() returned an empty list"),
    ("twice.py", SMALL_FILE + "\n_one = claims\n\ndef claims():\n    return _one() + _one()\n",
     "duplicate claim ids in the file: ['small']"),
    ("notes.txt", "x = 1\n", "a proof file is a Python file ending in .py"),
])
def test_bad_files_exit_2_naming_the_problem(tmp_path, capsys, name, text, message):
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    err = _error(["check", "--file", str(path)], capsys)
    assert message in err and name in err
    assert "Traceback" not in err


def test_bad_step_type_and_duplicate_steps(tmp_path):
    path = tmp_path / "steps.py"
    path.write_text(SMALL_FILE.replace("(wrong,)", "(wrong, 'a string')"))
    with pytest.raises(ClaimFileError, match="statement or step of type str"):
        load_file(path)
    path.write_text(SMALL_FILE.replace("(wrong,)", "(wrong, wrong)"))
    with pytest.raises(ClaimFileError, match=r"duplicate step ids \['wrong'\]"):
        load_file(path)


def test_user_file_one_true_statement_one_false_step(tmp_path):
    """Through the CLI: the statement (x - 1)^2 >= 0 is proved, the step x^2 >= x refuted at
    a point that the test re-evaluates exactly."""
    path = tmp_path / "small_proof.py"
    path.write_text(SMALL_FILE)
    p = _run("--file", str(path), "--json")
    assert p.returncode == 0, p.stderr
    rows = {r["step"]: r for r in json.loads(p.stdout)}
    assert set(rows) == {"statement", "wrong"}
    assert all(r["paper"] == "small_proof" and r["claim"] == "small" for r in rows.values())
    st, wrong = rows["statement"], rows["wrong"]
    assert st["status"] == "proved" and st["method"] in ("sympy", "interval", "smt")
    assert wrong["status"] == "refuted" and wrong["counterexample"] is not None
    x = _point(wrong["counterexample"])["x"]
    assert x * x < x  # the point really breaks x^2 >= x (it lies in (0, 1))
    # the errata and the summary name the claim, the step, its label and the point
    p = _run("--file", str(path), "--errata", "--summary")
    assert p.returncode == 0, p.stderr
    line = next(ln for ln in p.stdout.splitlines() if "[small/wrong]" in ln)
    assert line.startswith("- (W) line 2 [small/wrong]") and "x**2 >= x is false at x = " in line
    assert "squaring makes a number larger" in line and "method counterexample" in line


def test_example_file_verdicts():
    """examples/my_proof.py, by hand: Lemma 1 is the triangle inequality (true, and its two
    lines chain to it); Lemma 2's line 2, G/(1 - beta^t) <= G, fails whenever beta > 0 (the
    denominator is below 1), so the kernel's chain is blocked there; the induction holds:
    beta (1 - beta^(t-1)) G + (1 - beta) G = (1 - beta^t) G, and at t = 1 |m_1| =
    (1 - beta)|g_1| <= (1 - beta) G."""
    p = _run("--file", str(EXAMPLE), "--summary", "--json")
    assert p.returncode == 0, p.stderr
    claims = {v["claim"]: v for v in json.loads(p.stdout)}
    assert claims["ema-bounded"]["status"] == "proved"
    assert claims["ema-bounded"]["rule"] == "chain"
    assert claims["ema-corrected"]["status"] == "unverified"
    assert claims["ema-corrected"]["blocked_by"] == ["ema-corrected/2"]
    assert claims["ema-corrected-induction"]["status"] == "proved"
    assert claims["ema-corrected-induction"]["rule"] == "consequence"
    assert {v["paper"] for v in claims.values()} == {"my_proof"}
    p = _run("--file", str(EXAMPLE), "--json")
    rows = {(r["claim"], r["step"]): r for r in json.loads(p.stdout)}
    assert [k for k, r in rows.items() if r["status"] == "refuted"] == [("ema-corrected", "2")]
    pt = _point(rows[("ema-corrected", "2")]["counterexample"])
    beta, big_g, t = pt["beta"], pt["G"], int(pt["t"])
    assert big_g / (1 - beta**t) > big_g
    assert all(r["status"] == "proved" for k, r in rows.items() if k != ("ema-corrected", "2"))


def test_markdown_of_a_file_and_of_laprop(tmp_path):
    """--markdown writes the per-paper document for a file's claims, and the LaProp tables
    (with the tight-bound table) when the selection holds LaProp claims."""
    path = tmp_path / "small_proof.py"
    path.write_text(SMALL_FILE)
    out = tmp_path / "papers.md"
    p = _run("--file", str(path), "--markdown", str(out))
    assert p.returncode == 0, p.stderr
    text = out.read_text()
    assert text.startswith("# The checker on a proof file\n")
    assert "## small_proof: the claims of `small_proof`" in text
    assert "| small | wrong | (W) line 2 | **refuted** | counterexample |" in text
    assert "Prop. 1 bound" not in text
    lap = tmp_path / "laprop.md"
    p = _run("--claim", "eq5", "--budget", "3", "--markdown", str(lap))
    assert p.returncode == 0, p.stderr
    assert "Prop. 1 bound" in lap.read_text() and "small" not in lap.read_text()


# ----------------------------------------------------------------------------- the renderer


def _result(claim: str, step: str, eq: str, status: str, method: str | None,
            paper: str, detail: str = "") -> StepResult:
    x = sp.Symbol("x", real=True)
    cex = None
    if status == "refuted":
        cex = {"point": {"x": "1/2"}, "lhs": "1/4", "rhs": "1/2",
               "violation": "lhs-rhs in [-1/4, -1/4]"}
    st = Step(step, x**2, ">=", x, Domain({x: Range()}), eq=eq, justification="because")
    r = StepResult(claim, st, Verdict(status, method, detail, cex))
    r.extra["paper"] = paper
    return r


def test_papers_markdown_by_hand():
    x = sp.Symbol("x", real=True)
    stmt = Step("statement", x**2, ">=", x, Domain({x: Range()}))
    claim = Claim("c1", "title", stmt)
    results = [_result("c1", "statement", "(1)", "refuted", "counterexample", "adam2015"),
               _result("c1", "s2", "", "unverified", None, "adam2015", "no method | decided")]
    text = papers_markdown(results, [claim], ["adam2015", "amsgrad2018"], command="CMD")
    assert text.startswith("# The checker on other papers\n\nGenerated by `CMD`;")
    expected_lines = [
        "## adam2015: Kingma & Ba, *Adam: A Method for Stochastic Optimization* (ICLR 2015; "
        "transcription: `shared/papers/adam-2015.md`)",
        "2 steps in 1 claims: 0 proved, 1 refuted (each with a certified counterexample), "
        "1 unverified.",
        # the kernel: a refuted statement refutes the claim
        "| c1 | **refuted** (certified counterexample) | refuted at an instance of the "
        "statement step; one failing instance refutes the claim | 2 | 0 | 1 | 1 |",
        "| c1 | statement | (1) | **refuted** | counterexample | counterexample x = 1/2: "
        "lhs-rhs in [-1/4, -1/4] |",
        "| c1 | s2 |  | **unverified** | - | no method \\| decided |",
        "- (1) [c1/statement]: the paper's \"because\" fails: x**2 >= x is false at x = 1/2 "
        "(lhs 1/4, rhs 1/2; lhs-rhs in [-1/4, -1/4]; method counterexample).",
        "| claim | step | label | relation | why undecided |",
        "| c1 | s2 | - | x**2 >= x | no method \\| decided |",
        "## amsgrad2018: Reddi, Kale & Kumar, *On the Convergence of Adam and Beyond* (ICLR "
        "2018; transcription: `shared/papers/amsgrad-2018.md`)",
        "No claims of this paper are encoded yet.",
    ]
    lines = text.splitlines()
    assert [ln for ln in lines if ln in expected_lines] == expected_lines


def test_erratum_of_a_line_without_justification_or_note():
    from laprop_theory.claims.errata import errata

    r = _result("c1", "s1", "(7) row 2", "refuted", "counterexample", "amsgrad2018")
    bare = StepResult(r.claim, Step(r.step.id, r.step.lhs, r.step.rel, r.step.rhs,
                                    r.step.domain, eq=r.step.eq), r.verdict)
    assert errata([bare]) == [
        "(7) row 2 [c1/s1]: the printed line fails: x**2 >= x is false at x = 1/2 (lhs 1/4, "
        "rhs 1/2; lhs-rhs in [-1/4, -1/4]; method counterexample)."]


# ----------------------------------------------------------------------------- the documents


def test_writing_a_proof_doc_includes_the_example_verbatim():
    doc = (ROOT / "docs" / "writing-a-proof.md").read_text()
    blocks = re.findall(r"```python\n(.*?)```", doc, flags=re.S)
    assert EXAMPLE.read_text() in blocks, "docs/writing-a-proof.md must include " \
        "examples/my_proof.py verbatim in a ```python block"
    assert "python -m laprop_theory check --file examples/my_proof.py" in doc


def test_other_papers_doc_names_its_command():
    text = OTHER_PAPERS.read_text()
    assert f"Generated by `{OTHER_PAPERS_COMMAND}`" in text.split("\n\n")[1]


@pytest.mark.slow
def test_other_papers_doc_is_not_stale(tmp_path):
    """docs/other-papers.md is what its command writes today (budgets count work, so the
    bytes are the same on any machine)."""
    args = OTHER_PAPERS_COMMAND.split()[4:]
    p = _run(*args, cwd=tmp_path)
    assert p.returncode == 0, p.stderr[-2000:]
    fresh = (tmp_path / "docs" / "other-papers.md").read_text()
    assert fresh == OTHER_PAPERS.read_text(), (
        f"docs/other-papers.md is stale: run `{OTHER_PAPERS_COMMAND}`")
