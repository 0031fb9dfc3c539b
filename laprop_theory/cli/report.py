"""``report``: write every table, number and figure of the companion note.

    python -m laprop_theory report --out paper/generated [--records docs/figures]

The generated ``.tex`` files are deterministic (no timings), so rerunning the command on an
unchanged library reproduces them; ``tests/test_paper.py`` checks that paper/generated is not
stale.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .common import CLIError


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", default="paper/generated", help="folder for the generated files")
    p.add_argument("--records", default="docs/figures",
                   help="folder holding the experiments' JSON records")
    p.add_argument("--budget", type=float, default=None,
                   help="checker budget per step in seconds "
                        "(default: laprop_theory.note.CHECK_BUDGET)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def run(args: argparse.Namespace) -> int:
    from ..note import CHECK_BUDGET, write_report

    budget = CHECK_BUDGET if args.budget is None else args.budget
    if not budget > 0:
        raise CLIError(f"--budget must be > 0, got {args.budget}")
    records = Path(args.records)
    if not records.is_dir():
        raise CLIError(f"--records is not a folder: {records}")
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        raise CLIError(f"--out is not a folder: {out}")
    try:
        files = write_report(out, records_dir=records, budget=budget, progress=not args.quiet)
    except (FileNotFoundError, ValueError) as exc:
        raise CLIError(str(exc)) from None
    print(f"wrote {len(files)} files to {out}")
    return 0
