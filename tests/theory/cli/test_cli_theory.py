"""`python -m laprop_theory check`: exit codes, JSON keys, table, errata."""

from __future__ import annotations

import json
import subprocess
import sys

KEYS = {"claim", "step", "status", "method", "counterexample", "eq", "justification", "detail"}


def _run(*args):
    return subprocess.run([sys.executable, "-m", "laprop_theory", "check", *args],
                          capture_output=True, text=True, timeout=300)


def test_json_keys_and_counterexample_shape():
    p = _run("--claim", "eq4", "--json", "--budget", "3")
    assert p.returncode == 0, p.stderr
    data = json.loads(p.stdout)
    assert data and all(KEYS <= set(d) for d in data)
    assert data[0]["step"] == "statement" and data[0]["status"] == "refuted"
    cex = data[0]["counterexample"]
    assert set(cex) >= {"point", "lhs", "rhs", "violation"}
    assert all(d["counterexample"] is None for d in data if d["status"] != "refuted")


def test_unknown_claim_exits_2_with_one_line():
    p = _run("--claim", "no-such-claim")
    assert p.returncode == 2
    assert len(p.stderr.strip().splitlines()) == 1 and "no-such-claim" in p.stderr


def test_bad_budget_exits_2():
    assert _run("--claim", "eq4", "--budget", "-1").returncode == 2


def test_table_and_errata(tmp_path):
    md = tmp_path / "v.md"
    p = _run("--claim", "eq5", "--errata", "--budget", "3", "--markdown", str(md))
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0].split()[:5] == ["claim", "step", "eq", "status", "method"]
    assert "Errata" in p.stdout and "[eq5/statement]" in p.stdout
    text = md.read_text()
    assert "| claim | step |" in text and "Prop. 1 bound" in text
