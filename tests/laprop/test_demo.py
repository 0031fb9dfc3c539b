"""``python -m laprop.demo``: runs, prints the table, rejects bad arguments with exit code 2."""

from __future__ import annotations

import subprocess
import sys

import pytest

from laprop import demo


def test_main_prints_table(capsys):
    assert demo.main(["--steps", "15", "--seed", "3"]) == 0
    out = capsys.readouterr().out
    for name in ("LaProp", "Adam", "Adai", "initial", "final", "wall s", "15 full-batch steps"):
        assert name in out
    rows = [line for line in out.splitlines() if line.startswith(("LaProp", "Adam", "Adai"))]
    assert len(rows) == 3
    for line in rows:
        initial, final = (float(v) for v in line.split()[-4:-2])
        assert final < initial  # every optimizer makes progress in 15 steps


def test_deterministic_in_seed():
    a = demo.rows(5, seed=7)
    b = demo.rows(5, seed=7)
    assert [r["final"] for r in a] == [r["final"] for r in b]


@pytest.mark.parametrize("argv", [["--steps", "0"], ["--steps", "x"], ["--seed", "1.5"],
                                  ["--bogus"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        demo.main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.startswith("laprop.demo: error:")


@pytest.mark.slow  # two fresh interpreters importing torch: ~30 s on a busy 2-core machine
def test_module_entry_point():
    proc = subprocess.run([sys.executable, "-m", "laprop.demo", "--steps", "5"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "Adai" in proc.stdout
    bad = subprocess.run([sys.executable, "-m", "laprop.demo", "--steps", "-3"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
