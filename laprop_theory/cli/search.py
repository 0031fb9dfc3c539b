"""``search``: adversarial search for worst-case gradient sequences (laprop_theory.search).

Example::

    python -m laprop_theory search --target prop2-statement --mu 0.9 --nu 0.999 --steps 12 \\
        --time-limit 20 --out best.json --json
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import mpmath

from ..numerics import mp_str
from ..search.checkpoint import CheckpointError, load, save, to_json
from ..search.engine import Problem, RunLimits, SearchState, search, sigint_flag
from ..search.result import build_result
from ..search.targets import TargetDomainError, target_names
from .common import CLIError, emit_json, positive_int, unit_interval

MAX_STEPS = 10_000


def _positive_float(name: str):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not value > 0 or value != value or value == float("inf"):
            raise argparse.ArgumentTypeError(f"{name} must be a positive number, got {text}")
        return value

    return parse


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be an integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be >= 0, got {value}")
    return value


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", required=True, choices=target_names())
    p.add_argument("--mu", required=True, type=unit_interval("mu"))
    p.add_argument("--nu", required=True, type=unit_interval("nu"))
    p.add_argument("--steps", required=True, type=positive_int("steps"), help="T >= 1")
    p.add_argument("--seed", type=_seed, default=None,
                   help="random seed (default 0, or the seed stored in --out when resuming)")
    p.add_argument("--time-limit", type=_positive_float("time-limit"), default=60.0,
                   help="seconds (default 60); the search also stops when it reaches the "
                        "exact supremum, where known, to 1e-30")
    p.add_argument("--rounds", type=positive_int("rounds"), default=None,
                   help="stop after this many rounds (a budget that does not depend on the "
                        "machine's speed: fully deterministic given --seed)")
    p.add_argument("--workers", type=positive_int("workers"), default=1,
                   help="processes for the float64 exploration (default 1)")
    p.add_argument("--out", default=None,
                   help="keep the best-so-far in this JSON file; resume from it if present")
    p.add_argument("--digits", type=positive_int("digits", 30), default=50,
                   help="mpmath working precision in decimal digits (>= 30, default 50)")
    p.add_argument("--t-init", type=positive_int("t-init", 2), default=None,
                   help="centered-update only: first centered step (default 2)")
    p.add_argument("--no-stop-at-supremum", action="store_true",
                   help="keep searching after reaching the exact supremum")
    p.add_argument("--no-progress", action="store_true", help="no progress bar on stderr")
    p.add_argument("--json", action="store_true")


def _problem(args: argparse.Namespace) -> Problem:
    if args.steps > MAX_STEPS:
        raise CLIError(f"steps must be <= {MAX_STEPS}, got {args.steps}")
    options: tuple = ()
    if args.t_init is not None:
        if args.target != "centered-update":
            raise CLIError("--t-init applies to --target centered-update only")
        options = (("t_init", args.t_init),)
    elif args.target == "centered-update":
        options = (("t_init", 2),)
    problem = Problem(args.target, args.mu, args.nu, args.steps, options)
    try:
        target = problem.target
        target.check(args.mu, args.nu, args.steps)
    except (TargetDomainError, ImportError) as exc:
        raise CLIError(str(exc)) from None
    return problem


def run(args: argparse.Namespace) -> int:
    problem = _problem(args)
    dps = args.digits
    state = None
    seed = args.seed
    if args.out is not None:
        folder = os.path.dirname(os.path.abspath(args.out))
        if not os.path.isdir(folder):
            raise CLIError(f"folder of --out does not exist: {folder}")
        if os.path.isdir(args.out):
            raise CLIError(f"--out is a folder: {args.out}")
        if os.path.exists(args.out):
            try:
                state, doc = load(args.out, problem, dps)
            except CheckpointError as exc:
                raise CLIError(str(exc)) from None
            if seed is None:
                seed = int(doc.get("seed") or 0)
    seed = 0 if seed is None else seed
    state = state or SearchState()
    limits = RunLimits(time_limit=args.time_limit, rounds=args.rounds,
                       stop_at_supremum=not args.no_stop_at_supremum)

    bar = None
    if not args.no_progress:
        from tqdm import tqdm

        bar = tqdm(total=round(args.time_limit, 1), unit="s", file=sys.stderr, leave=False,
                   desc=f"search {problem.target_name}",
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total}s {postfix}")
    started = time.monotonic()

    def on_round(st: SearchState) -> None:
        if args.out is not None:
            save(args.out, to_json(problem, st, seed, None, dps))
        if bar is not None:
            bar.n = min(round(time.monotonic() - started, 1), bar.total)
            if st.best.value is not None:
                with mpmath.workdps(dps):
                    bar.set_postfix_str(f"best={mp_str(st.best.value, 12)} rounds={st.rounds}",
                                        refresh=False)
            bar.refresh()

    with sigint_flag() as interrupted:
        state, reason = search(problem, seed=seed, dps=dps, workers=args.workers,
                               limits=limits, state=state, on_round=on_round,
                               interrupted=interrupted)
        if bar is not None:
            bar.close()
        result = build_result(problem, state, seed=seed, dps=dps, stopped=reason)
        if args.out is not None:
            save(args.out, to_json(problem, state, seed, result, dps))
            result["out"] = args.out
    if result["exceeds_exact_supremum"]:
        print("laprop_theory search: warning: the value exceeds the exact supremum "
              "(a bug in the searcher's target or in bounds/suprema.py)", file=sys.stderr)
    if args.json:
        emit_json(result)
    else:
        _print_table(result)
    return 0


def _print_table(r: dict) -> None:
    print(f"search {r['target']}: mu={r['mu']} nu={r['nu']} T={r['steps']} seed={r['seed']}"
          + (f" {r['options']}" if r["options"] else ""))
    rows = [("best value", r["best_value"]), ("bound", r["bound"]), ("ratio", r["ratio"]),
            ("certified violation", str(r["certified_violation"])),
            ("exact supremum", r["exact_supremum"]),
            ("fraction of supremum", r["fraction_of_supremum"]),
            ("evaluations", str(r["evaluations"])),
            ("seconds", f"{r['seconds']} ({r['rounds']} rounds; stopped: {r['stopped']})")]
    for name, value in rows:
        print(f"  {name:<21} {value}")
    print("  sequence              " + ", ".join(r["sequence"]))
