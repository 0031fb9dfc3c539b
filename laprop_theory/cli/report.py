"""``report``: write every table, number and figure of the companion note.

    python -m laprop_theory report --out paper/generated [--records docs/figures]

The generated ``.tex`` files are deterministic (no timings), so rerunning the command on an
unchanged library reproduces them; ``tests/paper/test_paper.py`` checks that paper/generated is not
stale.

The folder is rebuilt whole: everything is written into a temporary folder next to --out,
which then replaces --out in one step, so a run killed at any point leaves the old folder
complete (and its temporary folder, removed by the next run). --out must therefore hold
nothing but generated files (``*.tex``, ``*.png``); anything else is refused before any work.
Progress lines go to stderr (--quiet silences them); Ctrl-C or SIGTERM stops the run, leaves
--out as it was and exits with code 130.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

from .common import (
    EXIT_INTERRUPTED,
    CLIError,
    Interrupted,
    build_dir,
    check_output_dir,
    path_text,
    quote,
    real,
    say,
    swap_dir,
)

HELP = "write every table and figure of the companion note"
ORDER = 6  # HELP, at place ORDER: this command's line in --help
USES_Z3 = True  # z3 leaves Ctrl-C to the command (common.no_ctrl_c_in_z3)

MAX_BUDGET = "1e6"
"""Upper end of --budget (the checker's per-step budget; its timers cannot wait longer)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--out", type=path_text("--out"), default="paper/generated",
                   help="folder for the generated files (replaced whole; it may hold only "
                        "generated *.tex and *.png files)")
    p.add_argument("--records", type=path_text("--records"), default="docs/figures",
                   help="folder holding the experiments' JSON records")
    p.add_argument("--budget", type=real("budget", lo=0, lo_open=True, hi=MAX_BUDGET),
                   default=None,
                   help=f"checker budget per step, a positive number up to {MAX_BUDGET} "
                        "(default: laprop_theory.note.CHECK_BUDGET)")
    p.add_argument("--quiet", action="store_true", help="no progress lines")


def _check_out(out: Path) -> None:
    if out.is_symlink():
        raise CLIError(f"--out {quote(str(out))} is a symbolic link; give the folder itself")
    if out.is_dir():
        for entry in out.iterdir():
            if not (entry.is_file() and not entry.is_symlink()
                    and entry.suffix in (".tex", ".png")):
                raise CLIError(f"--out {quote(str(out))} holds {quote(entry.name)}, which report "
                               "does not write; the folder is replaced whole, so give a "
                               "folder of generated files only")
    check_output_dir(str(out), "--out")


def run(args: argparse.Namespace) -> int:
    from ..note import CHECK_BUDGET, write_report

    budget = CHECK_BUDGET if args.budget is None else float(args.budget)
    records = Path(args.records)
    if not records.is_dir():
        raise CLIError(f"--records is not a folder: {quote(args.records)}")
    out = Path(args.out)
    _check_out(out)
    tmp = build_dir(out)
    args.interrupts.emergency = lambda: shutil.rmtree(tmp, ignore_errors=True)
    try:
        files = write_report(tmp, records_dir=records, budget=budget,
                             progress=not args.quiet)
        swap_dir(tmp, out)
    except Interrupted:
        shutil.rmtree(tmp, ignore_errors=True)
        say(f"laprop_theory report: interrupted; {out} is unchanged")
        return EXIT_INTERRUPTED
    except (FileNotFoundError, ValueError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise CLIError(str(exc)) from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    print(f"wrote {len(files)} files to {out}")
    return 0
