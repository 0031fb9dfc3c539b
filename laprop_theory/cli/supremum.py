"""``supremum``: the exact supremum of the update size (closed forms of laprop_theory.bounds)."""

from __future__ import annotations

import argparse

import mpmath

from ..bounds.paper import prop1_bound, prop2_stated_bound
from ..bounds.suprema import adam_supremum, laprop_supremum
from ..numerics import mp_str
from .common import MAX_DIGITS, CLIError, bounded_int, emit_json, unit_interval

HELP = "exact supremum of the LaProp or Adam update size"
ORDER = 2  # HELP, at place ORDER: this command's line in --help

MAX_STEPS = 100_000
"""Largest t: the closed forms take O(t) operations and the printed sequence t numbers
(about 6 s and 5 MB of JSON at t = 100000 and 50 digits)."""
MAX_WORK = 10_000_000
"""Largest t × digits (time and output size both grow with it)."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--algo", required=True, choices=["laprop", "adam"])
    p.add_argument("--mu", required=True, type=unit_interval("mu"), help="mu in [0, 1)")
    p.add_argument("--nu", required=True, type=unit_interval("nu"), help="nu in [0, 1)")
    p.add_argument("--steps", required=True, type=bounded_int("steps", 1, MAX_STEPS),
                   help=f"t in [1, {MAX_STEPS}]")
    p.add_argument("--digits", type=bounded_int("digits", 30, MAX_DIGITS), default=50,
                   help=f"working precision in decimal digits, in [30, {MAX_DIGITS}] "
                        f"(default 50); steps × digits at most {MAX_WORK}")
    p.add_argument("--json", action="store_true")


def paper_bound(algo: str, mu: str, nu: str, dps: int):
    """The paper's bound: Prop. 1 for LaProp, Prop. 2 as stated for Adam (None where the
    paper gives none); :mod:`laprop_theory.bounds.paper`."""
    if algo == "laprop":
        return prop1_bound(nu, dps=dps)
    return prop2_stated_bound(mu, nu, dps=dps)


def run(args: argparse.Namespace) -> int:
    if args.steps * args.digits > MAX_WORK:
        raise CLIError(f"--steps × --digits must be at most {MAX_WORK}, got "
                       f"{args.steps} × {args.digits}: the sequence alone would print about "
                       f"{args.steps * (args.digits + 8) / 1e6:.0f} MB")
    fn = laprop_supremum if args.algo == "laprop" else adam_supremum
    sup = fn(args.mu, args.nu, args.steps, dps=args.digits)
    digits = max(30, args.digits - 10)
    bound = paper_bound(args.algo, args.mu, args.nu, args.digits)
    value = "inf" if sup.value == mpmath.inf else mp_str(sup.value, digits)
    out = {
        "algo": args.algo, "mu": args.mu, "nu": args.nu, "steps": args.steps,
        "value": value,
        "attained": sup.attained,
        "sequence": None if sup.sequence is None else [mp_str(x, digits) for x in sup.sequence],
        "paper_bound": None if bound is None else mp_str(bound, digits),
        "note": sup.note,
    }
    if args.json:
        emit_json(out)
    else:
        print(f"{args.algo} update supremum at t={args.steps}, mu={args.mu}, nu={args.nu}:")
        print(f"  value       {out['value']}")
        print(f"  attained    {out['attained']}  ({sup.note})")
        print(f"  paper bound {out['paper_bound']}")
    return 0
