"""``atlas``: the adversarial searcher swept over a (target, μ, ν, T) grid on Dask.

Example (24 points, two local worker processes, rows and heat maps in atlas-demo/)::

    python -m laprop_theory atlas --target laprop-update,adam-update --mu 0:0.9:3 \\
        --nu 0.5,0.9,0.99,0.999 --steps 10 --workers 2 --out atlas-demo --plot

LIST is comma-separated values or ranges start:stop:count (see :mod:`laprop_theory.atlas.grid`).
Rows are appended to ``OUT/atlas.jsonl`` as points finish; the same command run again skips
the points already there (same seed and budget) and says how many it resumed. ``--json``
prints ``{"rows": [...]}`` sorted by (target, μ, ν, T). Limits: T ≤ 10000, at most 10000
values per list and 1000000 points per grid, --budget in [1, 10^9] objective evaluations,
--workers ≤ 1024. Ctrl-C or SIGTERM stops within a second, keeping every finished row (exit
code 130); a point whose task fails is reported and the exit code is 1.

``atlas-plot DIR`` draws the heat maps of ``DIR/atlas.jsonl`` (:mod:`laprop_theory.atlas.plot`).
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..atlas.grid import (
    GridError,
    Point,
    make_grid,
    parse_ints,
    parse_names,
    parse_reals,
    row_key,
    sort_key,
)
from ..atlas.point import DEFAULT_BUDGET
from ..search.targets import target_names
from .common import (
    EXIT_INTERRUPTED,
    CLIError,
    bounded_int,
    check_output_dir,
    emit_json,
    path_text,
    quote,
    say,
    seed,
    show_progress,
)

HELP = "the searcher swept over (target, mu, nu, T) grids on Dask (resumable)"
ORDER = 8  # HELP, at place ORDER: this command's line in --help

INTERRUPTS = "flag"  # the sweep polls the flag between rows
MAX_STEPS = 10_000
MAX_POINTS = 1_000_000
MAX_BUDGET = 10**9
MAX_WORKERS = 1024
UNIT_MAX = Fraction("0.999999999999")
"""μ and ν at most 1 − 1e-12, as ``search``: the float64 exploration must tell them from 1."""
TABLE_ROWS = 100
"""Rows printed as a table (the rest are in the file and in --json)."""


def _list_type(name: str, parse: Any) -> Any:
    def parse_list(text: str) -> Any:
        try:
            return parse(text)
        except GridError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    parse_list.__name__ = name
    return parse_list


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", required=True, metavar="NAME[,NAME...]",
                   type=_list_type("target", lambda t: parse_names(t, "target",
                                                                   target_names())),
                   help="searcher targets: " + ", ".join(target_names()))
    p.add_argument("--mu", required=True, metavar="LIST",
                   type=_list_type("mu", lambda t: parse_reals(t, "mu", Fraction(0), UNIT_MAX)),
                   help="mu values in [0, 1 - 1e-12]: 0.5,0.9 or start:stop:count")
    p.add_argument("--nu", required=True, metavar="LIST",
                   type=_list_type("nu", lambda t: parse_reals(t, "nu", Fraction(0), UNIT_MAX)),
                   help="nu values in [0, 1 - 1e-12], as --mu")
    p.add_argument("--steps", required=True, metavar="LIST",
                   type=_list_type("steps", lambda t: parse_ints(t, "steps", 1, MAX_STEPS)),
                   help=f"horizons T in [1, {MAX_STEPS}], as --mu")
    p.add_argument("--budget", type=bounded_int("budget", 1, MAX_BUDGET), default=DEFAULT_BUDGET,
                   help="work per point in objective evaluations: rounds of the searcher run "
                        "while fewer have been spent and the exact supremum (where known) is "
                        f"not reached to 1e-12; in [1, {MAX_BUDGET}] (default {DEFAULT_BUDGET})")
    p.add_argument("--seed", type=seed(), default=0, help="random seed in [0, 2^32 - 1] "
                   "(default 0)")
    where = p.add_mutually_exclusive_group()
    where.add_argument("--workers", type=bounded_int("workers", 1, MAX_WORKERS), default=None,
                       help="start a LocalCluster of this many single-threaded worker "
                            f"processes, in [1, {MAX_WORKERS}] (default: the machine's cores)")
    where.add_argument("--scheduler", metavar="ADDRESS", type=path_text("--scheduler"),
                       default=None, help="use the existing Dask cluster whose scheduler is "
                                          "at tcp://HOST:PORT")
    p.add_argument("--out", required=True, metavar="DIR", type=path_text("--out"),
                   help="folder of atlas.jsonl (created if missing; resumed if present)")
    p.add_argument("--plot", action="store_true", help="draw the heat maps into DIR at the end")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (one is drawn only when stderr is a terminal)")
    p.add_argument("--json", action="store_true")


def run(args: argparse.Namespace) -> int:
    from ..atlas.store import FILE_NAME, AtlasFileError, load_rows

    total = len(args.target) * len(args.mu) * len(args.nu) * len(args.steps)
    if total > MAX_POINTS:
        raise CLIError(f"the grid has {total} points; at most {MAX_POINTS}")
    points = make_grid(args.target, args.mu, args.nu, args.steps, seed=args.seed,
                       budget=args.budget)
    folder = check_output_dir(args.out, "--out")
    path = folder / FILE_NAME
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise CLIError(f"{quote(str(path))} exists and is not a regular file")
    try:
        found = {row_key(r): r for r in load_rows(path)}
    except AtlasFileError as exc:
        raise CLIError(str(exc)) from None
    except OSError as exc:
        raise CLIError(f"{quote(str(path))} cannot be read ({exc.strerror})") from None
    rows = {p.key: found[p.key] for p in points if p.key in found}
    todo = [p for p in points if p.key not in rows]
    if rows:
        say(f"laprop_theory atlas: resumed {len(rows)} of {len(points)} points from {path}")
    with contextlib.ExitStack() as stack:  # the cluster is shut down after the output
        failures, stopped = [], False
        if todo:
            from ..atlas.sweep import SchedulerError, open_client

            try:
                client = stack.enter_context(open_client(workers=args.workers,
                                                         scheduler=args.scheduler))
            except SchedulerError as exc:  # a bad or unreachable --scheduler: exit code 2
                raise CLIError(str(exc)) from None
            failures, stopped = _compute(args, client, todo, folder, path, rows, len(points))
        return _finish(args, points, len(todo), rows, failures, stopped or args.interrupts.hit,
                       folder, path)


def _compute(args: argparse.Namespace, client: Any, todo: list[Point], folder: Path,
             path: Path, rows: dict, n_points: int) -> tuple[list, bool]:
    """Run ``todo`` on ``client``, appending each row to ``path`` and to ``rows``."""
    from ..atlas.store import append_row, load_rows
    from ..atlas.sweep import sweep

    folder.mkdir(parents=True, exist_ok=True)
    load_rows(path, repair=True)  # cut a torn last line before appending
    bar = None
    if show_progress(args.no_progress) and not args.json:
        from tqdm import tqdm

        bar = tqdm(total=n_points, initial=n_points - len(todo), unit="point", desc="atlas",
                   file=sys.stderr, leave=False, smoothing=0.1)

    def on_row(row: dict) -> None:
        append_row(path, row)
        rows[row_key(row)] = row
        if bar is not None:
            bar.update(1)

    try:
        return sweep(client, todo, on_row=on_row, should_stop=args.interrupts)
    finally:
        if bar is not None:
            bar.close()


def _finish(args: argparse.Namespace, points: list[Point], n_todo: int, rows: dict,
            failures: list, stopped: bool, folder: Path, path: Path) -> int:
    """Print the rows (and draw the figures); the exit code."""
    figures = []
    if args.plot and not stopped:
        from ..atlas.plot import draw_figures

        figures = [str(f) for f in draw_figures(rows.values(), folder)]
    ordered = [rows[p.key] for p in points if p.key in rows]
    resumed = len(points) - n_todo
    for f in failures:
        say(f"laprop_theory atlas: {f.point.label} failed: {f.error}")
    if stopped:
        say(f"laprop_theory atlas: interrupted; {len(ordered)} of {len(points)} points are in "
            f"{path}")
    if args.json:
        doc: dict[str, Any] = {"rows": ordered, "points": len(points), "resumed": resumed,
                               "computed": len(ordered) - resumed,
                               "failed": [{"point": f.point.label, "error": f.error}
                                          for f in failures],
                               "file": str(path), "figures": figures}
        if stopped:
            doc["stopped"] = "interrupted"
        emit_json(doc)
    else:
        _print_table(ordered, len(points), resumed, path, figures)
    if stopped:
        args.interrupts.finished()  # printed: the process may end while the cluster closes
        return EXIT_INTERRUPTED
    return 1 if failures else 0


def _short(text: Any, digits: int = 12) -> str:
    if text is None:
        return "-"
    if isinstance(text, bool):
        return "yes" if text else "no"
    s = str(text)
    if len(s) <= digits + 6:
        return s
    mant, _, exp = s.partition("e")
    return mant[:digits + 2] + ("e" + exp if exp else "")


def _print_table(rows: list[dict], n_points: int, resumed: int, path: Path,
                 figures: list[str]) -> None:
    print(f"atlas: {len(rows)} of {n_points} points ({resumed} resumed) in {path}")
    head = ("target", "mu", "nu", "T", "best value", "bound", "ratio", "exact supremum",
            "violation")
    print(f"{head[0]:<16} {head[1]:>8} {head[2]:>8} {head[3]:>5} {head[4]:>16} {head[5]:>16} "
          f"{head[6]:>16} {head[7]:>16} {head[8]:>9}")
    for r in sorted(rows, key=lambda r: sort_key(r["target"], r["mu"], r["nu"],
                                                 r["steps"]))[:TABLE_ROWS]:
        print(f"{r['target']:<16} {r['mu']:>8} {r['nu']:>8} {r['steps']:>5} "
              f"{_short(r['best_value']):>16} {_short(r['bound']):>16} "
              f"{_short(r['ratio']):>16} {_short(r['exact_supremum']):>16} "
              f"{_short(r['certified_violation']):>9}")
    if len(rows) > TABLE_ROWS:
        print(f"... {len(rows) - TABLE_ROWS} more rows in {path} (or use --json)")
    for f in figures:
        print(f"figure: {f}")


# ----------------------------------------------------------------------------- atlas-plot


def add_plot_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("dir", metavar="DIR", type=path_text("DIR"),
                   help="an atlas folder (holding atlas.jsonl)")
    p.add_argument("--out", metavar="FOLDER", type=path_text("--out"), default=None,
                   help="write the figures here (default: DIR)")
    p.add_argument("--json", action="store_true")


def run_plot(args: argparse.Namespace) -> int:
    from ..atlas.plot import draw_figures
    from ..atlas.store import FILE_NAME, AtlasFileError, load_rows

    path = Path(args.dir) / FILE_NAME
    if not path.is_file():
        raise CLIError(f"{quote(args.dir)} holds no {FILE_NAME} (run atlas --out DIR first)")
    folder = check_output_dir(args.out if args.out is not None else args.dir, "--out")
    try:
        rows = load_rows(path)
    except AtlasFileError as exc:
        raise CLIError(str(exc)) from None
    except OSError as exc:
        raise CLIError(f"{quote(str(path))} cannot be read ({exc.strerror})") from None
    if not rows:
        raise CLIError(f"{quote(str(path))} holds no rows yet")
    figures = [str(f) for f in draw_figures(rows, folder)]
    if args.json:
        emit_json({"rows": len(rows), "figures": figures})
    else:
        for f in figures:
            print(f"figure: {f}")
        if not figures:
            print("no figure: the rows hold no target with a bound")
    return 0
