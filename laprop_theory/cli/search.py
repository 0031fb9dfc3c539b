"""``search``: adversarial search for worst-case gradient sequences (laprop_theory.search).

Example::

    python -m laprop_theory search --target prop2-statement --mu 0.9 --nu 0.999 --steps 12 \\
        --time-limit 20 --out best.json --json

Limits: T ≤ 10000 (memory and time per round grow linearly in T; ~0.2 GB at T = 5000),
--digits ≤ 1000, and a time limit long enough for ten exact evaluations of a length-T
sequence (:func:`laprop_theory.search.engine.min_time_limit`), so that it is honoured to within
10%. A run stopped by the time limit says ``"stopped": "limit"`` and how far it got
(``fraction_of_supremum``); Ctrl-C or SIGTERM saves the best-so-far to --out, prints it with
``"stopped": "interrupted"`` and exits with code 130.
"""

from __future__ import annotations

import argparse
import sys
import time

import mpmath

from ..numerics import mp_str
from ..search.checkpoint import CheckpointError, load, save, to_json
from ..search.engine import Problem, RunLimits, SearchState, min_time_limit, search
from ..search.result import build_result
from ..search.targets import TargetDomainError, target_names
from .common import (
    EXIT_INTERRUPTED,
    MAX_DIGITS,
    CLIError,
    bounded_int,
    check_output_file,
    emit_json,
    path_text,
    quote,
    real,
    seed,
    show_progress,
)

HELP = "adversarial search for worst-case gradient sequences"
ORDER = 3  # HELP, at place ORDER: this command's line in --help

MAX_STEPS = 10_000
MAX_TIME_LIMIT = 86_400.0
MAX_WORKERS = 16
MAX_ROUNDS = 1_000_000
UNIT_MAX = "0.999999999999"
"""mu and nu at most 1 − 1e-12: the float64 exploration must tell them from 1."""
INTERRUPTS = "flag"  # the engine polls the flag between batches


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--target", required=True, choices=target_names())
    p.add_argument("--mu", required=True, type=real("mu", lo=0, hi=UNIT_MAX),
                   help="mu in [0, 1 - 1e-12]")
    p.add_argument("--nu", required=True, type=real("nu", lo=0, hi=UNIT_MAX),
                   help="nu in [0, 1 - 1e-12]")
    p.add_argument("--steps", required=True, type=bounded_int("steps", 1, MAX_STEPS),
                   help=f"T in [1, {MAX_STEPS}]")
    p.add_argument("--seed", type=seed(), default=None,
                   help="random seed in [0, 2^32 - 1] (default 0, or the seed stored in --out "
                        "when resuming)")
    p.add_argument("--time-limit", type=real("time-limit", lo=0, hi=MAX_TIME_LIMIT,
                                             lo_open=True), default="60",
                   help="seconds, at most 86400 (default 60), honoured to within 10%%; the "
                        "search also stops when it reaches the exact supremum, where known, "
                        "to 1e-30. A limit shorter than ten exact evaluations of the sequence "
                        "is refused")
    p.add_argument("--rounds", type=bounded_int("rounds", 1, MAX_ROUNDS), default=None,
                   help="stop after this many rounds (a budget that does not depend on the "
                        "machine's speed: fully deterministic given --seed); at most "
                        f"{MAX_ROUNDS}")
    p.add_argument("--workers", type=bounded_int("workers", 1, MAX_WORKERS), default=1,
                   help=f"processes for the float64 exploration, in [1, {MAX_WORKERS}] "
                        "(default 1)")
    p.add_argument("--out", default=None, type=path_text("--out"),
                   help="keep the best-so-far in this JSON file; resume from it if present")
    p.add_argument("--digits", type=bounded_int("digits", 30, MAX_DIGITS), default=50,
                   help=f"mpmath working precision in decimal digits, in [30, {MAX_DIGITS}] "
                        "(default 50)")
    p.add_argument("--t-init", type=bounded_int("t-init", 2, MAX_STEPS), default=None,
                   help="centered-update only: first centered step (default 2)")
    p.add_argument("--no-stop-at-supremum", action="store_true",
                   help="keep searching after reaching the exact supremum")
    p.add_argument("--no-progress", action="store_true",
                   help="no progress bar (one is drawn only when stderr is a terminal)")
    p.add_argument("--json", action="store_true")


def _problem(args: argparse.Namespace) -> Problem:
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
    time_limit = float(args.time_limit)
    least = min_time_limit(args.steps, dps)
    if time_limit < least:
        raise CLIError(f"--time-limit {args.time_limit} is too short for --steps {args.steps} "
                       f"at {dps} digits: one exact evaluation takes about "
                       f"{least / 10:.2g} s, so the limit could not be kept to 10%; give at "
                       f"least {least:.2g}")
    state = None
    seed_value = args.seed
    if args.out is not None:
        check_output_file(args.out, "--out")
        try:
            with open(args.out, "rb"):
                exists = True
        except FileNotFoundError:
            exists = False
        except OSError as exc:
            raise CLIError(f"--out {quote(args.out)} cannot be read ({exc.strerror})") from None
        if exists:
            try:
                state, doc = load(args.out, problem, dps)
            except CheckpointError as exc:
                raise CLIError(str(exc)) from None
            if seed_value is None:
                seed_value = int(doc["seed"])
    seed_value = 0 if seed_value is None else seed_value
    state = state or SearchState()
    limits = RunLimits(time_limit=time_limit, rounds=args.rounds,
                       stop_at_supremum=not args.no_stop_at_supremum)
    stop = args.interrupts

    bar = None
    if show_progress(args.no_progress):
        from tqdm import tqdm

        bar = tqdm(total=round(time_limit, 1), unit="s", file=sys.stderr, leave=False,
                   desc=f"search {problem.target_name}",
                   bar_format="{desc}: {percentage:3.0f}%|{bar}| {n:.1f}/{total}s {postfix}")
    started = time.monotonic()

    def on_round(st: SearchState) -> None:
        if args.out is not None:
            save(args.out, to_json(problem, st, seed_value, None, dps))
        if bar is not None:
            bar.n = min(round(time.monotonic() - started, 1), bar.total)
            if st.best.value is not None:
                with mpmath.workdps(dps):
                    bar.set_postfix_str(f"best={mp_str(st.best.value, 12)} rounds={st.rounds}",
                                        refresh=False)
            bar.refresh()

    state, reason = search(problem, seed=seed_value, dps=dps, workers=args.workers,
                           limits=limits, state=state, on_round=on_round, interrupted=stop)
    if stop.hit:
        reason = "interrupted"
    if bar is not None:
        bar.close()
    result = build_result(problem, state, seed=seed_value, dps=dps, stopped=reason,
                          quick=reason == "interrupted")
    if args.out is not None:
        save(args.out, to_json(problem, state, seed_value, result, dps))
        result["out"] = args.out
    if result["exceeds_exact_supremum"]:
        print("laprop_theory search: warning: the value exceeds the exact supremum "
              "(a bug in the searcher's target or in bounds/suprema.py)", file=sys.stderr)
    if reason == "limit":
        got = result["fraction_of_supremum"]
        with mpmath.workdps(40):
            gap = "" if got is None else mpmath.nstr(1 - mpmath.mpf(got), 3)
        print(f"laprop_theory search: stopped at the time limit after {state.rounds} rounds"
              + (f", {gap} short of the exact supremum (relative)" if got is not None else ""),
              file=sys.stderr)
    if args.json:
        emit_json(result)
    else:
        _print_table(result)
    return EXIT_INTERRUPTED if reason == "interrupted" else 0


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
