"""``regret --algo adam2015|amsgrad2018``: the 2015/2018 algorithms against their own papers'
regret bounds (Kingma & Ba Theorem 4.1; Reddi, Kale & Kumar Theorem 4), with the first T
at which the regret exceeds the bound, certified in ball arithmetic.

Examples::

    python -m laprop_theory regret --algo adam2015 --problem reddi --steps 600 \\
        --beta1-decay 0.001
    python -m laprop_theory regret --algo amsgrad2018 --problem linear --steps 300 --dims 2

The arguments are declared in :mod:`laprop_theory.cli.regret`; this module runs them.
"""

from __future__ import annotations

import argparse
from typing import Any

from .. import regret as RG
from .. import regret_papers as P
from ..bounds.adam2015 import HypothesisError
from ..inputs import parse_real
from ..numerics import mp_str
from .common import EXIT_INTERRUPTED, CLIError, Interrupted, emit_json

ALGOS = P.ALGOS

DEFAULT_DECAY = "0.5"
"""λ of β1,t = β1 λ^(t−1) when ``--beta1-decay`` is not given."""

DEFAULTS = {"beta1": "0.9", "beta2": "0.999"}
"""β1, β2 when not given (Algorithm 1's defaults), except on ``--problem reddi``, where they
are Reddi et al.'s Theorem 1 setting β1 = 0, β2 = 1/(1 + C²)."""


def refuse_without_algo(args: argparse.Namespace) -> None:
    """The options of ``--algo`` are refused without it (they would be silently ignored)."""
    for opt in ("beta1", "beta2", "beta1_decay", "eps"):
        if getattr(args, opt) is not None:
            raise CLIError(f"--{opt.replace('_', '-')} applies to --algo adam2015|amsgrad2018 "
                           "only")


def setting(args: argparse.Namespace) -> P.PaperSetting:
    """The :class:`~laprop_theory.regret_papers.PaperSetting` of the command line; raises
    :class:`CLIError` naming the hypothesis that fails."""
    reddi = args.problem == "reddi"
    beta1 = args.beta1 if args.beta1 is not None else ("0" if reddi else DEFAULTS["beta1"])
    if args.beta2 is not None:
        beta2 = args.beta2
    elif reddi:
        b2 = 1 / (1 + parse_real(args.C, "C") ** 2)
        beta2 = f"{b2.numerator}/{b2.denominator}"
    else:
        beta2 = DEFAULTS["beta2"]
    if args.algo == "amsgrad2018" and args.no_project:
        raise CLIError("--no-project applies to --algo adam2015 only: AMSGrad's projection "
                       "onto F is part of Algorithm 2, and Theorem 4 needs a bounded F")
    lam = args.beta1_decay if args.beta1_decay is not None else DEFAULT_DECAY
    eps = args.eps if args.eps is not None else "0"
    if args.algo == "amsgrad2018" and eps != "0":
        raise CLIError("--eps applies to --algo adam2015 only (Algorithm 2 has no epsilon)")
    s = P.PaperSetting(args.algo, args.alpha, beta1, beta2, lam,
                       project=not args.no_project, eps=eps)
    try:
        s.check()
    except HypothesisError as exc:
        raise CLIError(f"--algo {args.algo}: {exc}") from None
    return s


def _problems(args: argparse.Namespace) -> list[RG.Problem]:
    if args.problem == "reddi":
        return [RG.reddi_problem(args.steps, args.C)]
    kinds = ("linear", "quadratic") if args.problem == "both" else (args.problem,)
    return [RG.linear_problem(args.dims, args.steps, D=args.D, G=args.G, seed=args.seed)
            if k == "linear" else RG.quadratic_problem(args.dims, args.steps, D=args.D,
                                                       seed=args.seed) for k in kinds]


def verdict_line(r: P.PaperRun) -> str:
    """One line: does the run refute the theorem, and with what certified margin."""
    short = "Theorem 4.1" if r.algo == "adam2015" else "Theorem 4"
    c = r.crossing
    if c is None:
        return (f"{r.problem}: R(T') <= bound(T') for every T' <= {r.T}: no counterexample "
                f"to {short} up to T = {r.T}")
    if not r.inside:
        return (f"{r.problem}: R(T') > bound(T') first at T' = {c.T}, but the run is outside "
                f"{short}'s hypotheses: not a counterexample")
    if r.refutes:
        return (f"{r.problem}: refutes {short} at T = {c.T}: R(T) = {mp_str(c.regret, 15)} > "
                f"bound = {mp_str(c.bound, 15)}, certified margin R - bound in "
                f"{c.margin_ball} ({c.prec_bits}-bit balls)")
    return (f"{r.problem}: R(T') > bound(T') first at T' = {c.T} in mpmath, not certified "
            f"({c.note})")


def run(args: argparse.Namespace, max_work: int) -> int:
    """The ``regret --algo`` command."""
    if args.steps * args.dims > max_work:
        raise CLIError(f"--steps × --dims must be at most {max_work}, got {args.steps} × "
                       f"{args.dims}")
    s = setting(args)
    results: list[P.PaperRun] = []
    stopped = None
    try:
        for prob in _problems(args):
            results.append(P.measure(s, prob, dps=args.digits))
    except Interrupted:
        stopped = "interrupted"
    out: dict[str, Any] = {
        "algo": s.algo, "theorem": P.THEOREMS[s.algo], "alpha": s.alpha, "beta1": s.beta1,
        "beta2": s.beta2, "beta1_decay": s.lam, "eps": s.eps, "T": args.steps,
        "d": 1 if args.problem == "reddi" else args.dims, "seed": args.seed,
        "digits": args.digits, "runs": [r.as_dict(40) for r in results],
        "refutes": any(r.refutes for r in results)}
    if args.problem == "reddi":
        out["C"] = args.C
    if stopped:
        out["stopped"] = stopped
    code = EXIT_INTERRUPTED if stopped else 0
    if args.json:
        emit_json(out)
        return code
    b2 = parse_real(s.beta2, "beta2")
    b2_text = f"{s.beta2} = {float(b2):.6g}" if "/" in s.beta2 else s.beta2
    print(f"{P.THEOREMS[s.algo]}: {s.algo}, alpha_t = {s.alpha}/sqrt(t), beta1 = {s.beta1}, "
          f"beta2 = {b2_text}, beta1_t = beta1 {s.lam}^(t-1), eps = {s.eps}, T = {args.steps}, "
          f"{args.digits} digits, theta_1 = 0, "
          f"{'projected onto the box' if s.algo == 'amsgrad2018' or s.project else 'unprojected'}")
    for r in results:
        d = r.as_dict(12)
        consts = ", ".join(f"{k} = {v if isinstance(v, str) else '[' + ', '.join(v) + ']'}"
                           for k, v in d["constants"].items())
        print(f"\n{r.problem} (d = {r.d}): R(T) = {d['regret']}, bound = {d['bound']} "
              f"(terms {', '.join(d['terms'])}), R/bound = {d['ratio']}")
        print(f"  measured: {consts}")
        print(f"  inside the hypotheses: {'yes' if r.inside else 'no'}"
              + ("" if not r.notes else "; " + "; ".join(r.notes)))
        print("  " + verdict_line(r))
    if stopped:
        print(f"stopped: {stopped} after {len(results)} runs")
    return code
