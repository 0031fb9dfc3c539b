"""``supremum``: the exact supremum of the update size (closed forms of laprop_theory.bounds)."""

from __future__ import annotations

import argparse

import mpmath

from ..bounds.paper import prop1_bound, prop2_stated_bound
from ..bounds.suprema import adam_supremum, laprop_supremum
from ..numerics import mp_str
from .common import emit_json, positive_int, unit_interval


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--algo", required=True, choices=["laprop", "adam"])
    p.add_argument("--mu", required=True, type=unit_interval("mu"))
    p.add_argument("--nu", required=True, type=unit_interval("nu"))
    p.add_argument("--steps", required=True, type=positive_int("steps"), help="t >= 1")
    p.add_argument("--digits", type=positive_int("digits", 30), default=50,
                   help="working precision in decimal digits (>= 30)")
    p.add_argument("--json", action="store_true")


def paper_bound(algo: str, mu: str, nu: str, dps: int):
    """The paper's bound: Prop. 1 for LaProp, Prop. 2 as stated for Adam (None where the
    paper gives none); :mod:`laprop_theory.bounds.paper`."""
    if algo == "laprop":
        return prop1_bound(nu, dps=dps)
    return prop2_stated_bound(mu, nu, dps=dps)


def run(args: argparse.Namespace) -> int:
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
