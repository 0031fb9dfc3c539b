"""Break the optimizer on purpose and show that the theory-bridge property tests catch it.

Usage: ``python scripts/optimizer_mutants.py``

For each mutant, the project is copied to a temporary folder, one line of the single-tensor
reference path (``laprop/functional.py``) is changed, and the property tests of
``tests/theory/test_theory_bridge.py`` that run the single-tensor path are executed in the copy (the
script checks that the copy is the ``laprop`` that gets imported). A mutant is *killed* when
at least one test fails. The unmodified package is run first as a control: it must pass.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# (name, exact text in laprop/functional.py's single-tensor path, replacement)
MUTANTS: list[tuple[str, str, str]] = [
    ("eps moved (inside <-> outside)",
     'if eps_mode == "inside" else (v / c_n).sqrt() + eps',
     'if eps_mode != "inside" else (v / c_n).sqrt() + eps'),
    ("momentum bias correction c_m dropped",
     "new = (param.to(n.dtype) - m / c_m)",
     "new = (param.to(n.dtype) - m)"),
    ("second-moment bias correction c_n dropped",
     's = (v / c_n + eps).sqrt() if eps_mode == "inside" else (v / c_n).sqrt() + eps',
     's = (v + eps).sqrt() if eps_mode == "inside" else v.sqrt() + eps'),
    ("mu and nu swapped",
     "t, c_m, c_n = _bias_corrections(step_t, beta1, beta2,",
     "beta1, beta2 = beta2, beta1\n        t, c_m, c_n = _bias_corrections(step_t, beta1, beta2,"),
    ("(1 - mu) factor dropped from the momentum",
     "m.mul_(beta1).add_(u * ((1 - beta1) * lr))",
     "m.mul_(beta1).add_(u * lr)"),
]

TESTS = ["tests/theory/test_theory_bridge.py", "-k",
         "(single or table1) and not half", "-x", "-q", "-p", "no:cacheprovider"]


def run_tests(root: Path) -> tuple[bool, str]:
    env = dict(os.environ, PYTHONPATH=str(root), HYPOTHESIS_PROFILE="dev")
    where = subprocess.run([sys.executable, "-c", "import laprop; print(laprop.__file__)"],
                           cwd=root, env=env, capture_output=True, text=True).stdout.strip()
    if not where.startswith(str(root)):
        raise RuntimeError(f"the copy is not the laprop being imported: {where}")
    proc = subprocess.run([sys.executable, "-m", "pytest", *TESTS], cwd=root, env=env,
                          capture_output=True, text=True)
    tail = [line for line in proc.stdout.splitlines() if line.strip()][-1:]
    return proc.returncode == 0, tail[0] if tail else ""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for part in ("laprop", "laprop_theory", "tests"):
            shutil.copytree(ROOT / part, Path(tmp) / part,
                            ignore=shutil.ignore_patterns("__pycache__"))
        shutil.copy(ROOT / "pyproject.toml", Path(tmp) / "pyproject.toml")
        copy = Path(tmp) / "laprop"
        src = (copy / "functional.py").read_text()
        ok, tail = run_tests(Path(tmp))
        print(f"{'control (unmodified)':<58} {'passes' if ok else 'FAILS'}   {tail}")
        if not ok:
            print("the unmodified optimizer must pass; aborting")
            return 1
        killed = 0
        for name, old, new in MUTANTS:
            if src.count(old) < 1:
                print(f"{name:<58} PATTERN NOT FOUND (update this script)")
                return 1
            text = src.replace(old, new, 1)
            (copy / "functional.py").write_text(text)
            ok, tail = run_tests(Path(tmp))
            killed += not ok
            print(f"{name:<58} {'survived' if ok else 'KILLED'}   {tail}")
        (copy / "functional.py").write_text(src)
        print(f"killed {killed}/{len(MUTANTS)} mutants")
        return 0 if killed == len(MUTANTS) else 1


if __name__ == "__main__":
    sys.exit(main())
