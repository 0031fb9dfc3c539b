"""``regret``: empirical regret of the Theorem 1 variant against the paper's bound (Eq. 9 and
the worst-case form), or, with ``--reddi``, the Reddi, Kale & Kumar (2018) counterexample.

Examples::

    python -m laprop_theory regret --mu 0.9 --nu 0.999 --zeta 0.99 --lam 0.1 --steps 200 \\
        --dims 3 --seed 0
    python -m laprop_theory regret --reddi --out docs/figures --json
"""

from __future__ import annotations

import argparse
from typing import Any

import mpmath
from tqdm import tqdm

from .. import regret as RG
from ..numerics import mp_str
from ..report import tables, text
from . import _regret_papers
from .common import (
    EXIT_INTERRUPTED,
    MAX_DIGITS,
    CLIError,
    Interrupted,
    bounded_int,
    check_output_dir,
    emit_json,
    path_text,
    real,
    seed,
    show_progress,
    unit_interval,
)

HELP = "empirical regret of the Theorem 1 variant against its bound"
ORDER = 4  # HELP, at place ORDER: this command's line in --help

PROBLEMS = ("linear", "quadratic")
MAX_STEPS = 100_000
MAX_DIMS = 1_000
MAX_WORK = 200_000
"""Largest T × d: one step of one dimension costs ~3 ms here (five algorithms, two problems,
50 digits) and ~3 kB of memory, so T × d = 200000 is ~10 minutes and ~0.6 GB."""
MAX_REDDI_STEPS = 100_000
MAX_FIGURE_STEPS = 1_000_000
MAX_REDDI_MUS = 8
BIG = "1e100"
"""Upper end of every positive real: large enough for any experiment, small enough that the
float64 runs (C^2 in the Reddi figure) cannot overflow."""


def _positive(name: str):
    return real(name, lo=0, lo_open=True, hi=BIG)


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mu", type=unit_interval("mu"), default="0.9", help="mu in [0, 1)")
    p.add_argument("--nu", type=unit_interval("nu"), default="0.999", help="nu in [0, 1)")
    p.add_argument("--zeta", type=real("zeta", lo=0, hi=1, lo_open=True, hi_open=True),
                   default="0.99", help="zeta in (0, 1)")
    p.add_argument("--lam", type=_positive("lam"), default="0.1", help=f"lambda in (0, {BIG}]")
    p.add_argument("--steps", type=bounded_int("steps", 1, MAX_STEPS), default=200,
                   help=f"T in [1, {MAX_STEPS}]; T x d at most {MAX_WORK}")
    p.add_argument("--dims", type=bounded_int("dims", 1, MAX_DIMS), default=3,
                   help=f"d in [1, {MAX_DIMS}]")
    p.add_argument("--seed", type=seed(), default=0, help="seed in [0, 2^32 - 1]")
    p.add_argument("--problem", choices=[*PROBLEMS, "both", "reddi"], default="both",
                   help="reddi (with --algo only): Reddi et al.'s Theorem 1 sequence on "
                        "[-1, 1]")
    p.add_argument("--D", type=_positive("D"), default="2",
                   help=f"box [-D/2, D/2]^d: its inf-diameter D (in (0, {BIG}]) is the "
                        "theorem's D")
    p.add_argument("--G", type=_positive("G"), default="1",
                   help=f"gradient size of the linear problem (|c_t,i| = G), in (0, {BIG}]")
    p.add_argument("--no-project", action="store_true",
                   help="run without projecting onto the box (the paper's algorithm); the "
                        "report says whether the iterates stayed within D")
    p.add_argument("--digits", type=bounded_int("digits", 50, MAX_DIGITS), default=50,
                   help=f"working precision in decimal digits, in [50, {MAX_DIGITS}]")
    p.add_argument("--reddi", action="store_true",
                   help="run the Reddi et al. counterexample instead (Adam, AMSGrad, LaProp, "
                        "AmsProp) and write the figure")
    p.add_argument("--C", type=real("C", lo=2, lo_open=True, hi=BIG), default="3",
                   help=f"Reddi: C in (2, {BIG}]")
    p.add_argument("--alpha", type=_positive("alpha"), default="0.5",
                   help=f"Reddi: alpha in (0, {BIG}]")
    p.add_argument("--reddi-mu", default="0,0.3",
                   help=f"Reddi: 1 to {MAX_REDDI_MUS} comma-separated mu (= beta1) values in "
                        "[0, 1 - 1e-12]; nu = 1/(1 + C^2)")
    p.add_argument("--reddi-steps", type=bounded_int("reddi-steps", 1, MAX_REDDI_STEPS),
                   default=1500,
                   help=f"Reddi: T of the mpmath runs whose outcomes are reported, at most "
                        f"{MAX_REDDI_STEPS}")
    p.add_argument("--figure-steps", type=bounded_int("figure-steps", 1, MAX_FIGURE_STEPS),
                   default=30000,
                   help="Reddi: T of the float64 runs drawn in the figure (exploration only), "
                        f"at most {MAX_FIGURE_STEPS}")
    p.add_argument("--out", type=path_text("--out"), default="docs/figures",
                   help="Reddi: folder for the figure")
    p.add_argument("--json", action="store_true")
    p.add_argument("--algo", choices=_regret_papers.ALGOS, default=None,
                   help="run Kingma & Ba (2015) Adam or Reddi et al. (2018) AMSGrad against "
                        "its own paper's regret bound (Theorem 4.1 / Theorem 4) instead")
    p.add_argument("--beta1", type=unit_interval("beta1"), default=None,
                   help="--algo: beta1 in [0, 1) (default 0.9; 0 with --problem reddi)")
    p.add_argument("--beta2", type=unit_interval("beta2"), default=None,
                   help="--algo: beta2 in [0, 1) (default 0.999; 1/(1 + C^2) with --problem "
                        "reddi)")
    p.add_argument("--beta1-decay", type=real("beta1-decay", lo=0, hi=1, lo_open=True),
                   default=None,
                   help="--algo: lambda of beta1_t = beta1 lambda^(t-1), in (0, 1) for "
                        "Theorem 4.1, (0, 1] for Theorem 4 (default 0.5)")
    p.add_argument("--eps", type=real("eps", lo=0, hi=1), default=None,
                   help="--algo adam2015: Algorithm 1's epsilon in [0, 1] (default 0)")


def _reddi_mus(text: str) -> list[str]:
    """The --reddi-mu list, each value validated like --mu (float64 runs: at most 1 − 1e-12)."""
    parse = real("--reddi-mu value", lo=0, hi="0.999999999999")
    parts = [m.strip() for m in text.split(",")]
    if len(parts) > MAX_REDDI_MUS:
        raise CLIError(f"--reddi-mu takes at most {MAX_REDDI_MUS} values, got {len(parts)}")
    try:
        mus = [parse(m) for m in parts]
    except argparse.ArgumentTypeError as exc:
        raise CLIError(f"--reddi-mu must be comma-separated numbers in [0, 1 - 1e-12]: "
                       f"{exc}") from None
    return list(dict.fromkeys(mus))


def _regret(args: argparse.Namespace) -> int:
    if args.steps * args.dims > MAX_WORK:
        raise CLIError(f"--steps × --dims must be at most {MAX_WORK}, got {args.steps} × "
                       f"{args.dims}: about {args.steps * args.dims * 3e-3 / 60:.0f} minutes "
                       f"and {args.steps * args.dims * 3e-6:.1f} GB here")
    probs = PROBLEMS if args.problem == "both" else (args.problem,)
    results = []
    jobs = []
    for kind in probs:
        if kind == "linear":
            prob = RG.linear_problem(args.dims, args.steps, D=args.D, G=args.G, seed=args.seed)
        else:
            prob = RG.quadratic_problem(args.dims, args.steps, D=args.D, seed=args.seed)
        for name, alg in RG.algorithms(args.mu, args.nu, args.zeta, args.lam).items():
            jobs.append((prob, name, alg))
    stopped = None
    try:
        for prob, name, alg in tqdm(jobs, desc="regret", disable=not show_progress(),
                                    leave=False):
            results.append(RG.run_regret(alg, prob, mu=args.mu, nu=args.nu, zeta=args.zeta,
                                         lam=args.lam, project=not args.no_project,
                                         dps=args.digits, name=name))
    except Interrupted:
        stopped = "interrupted"
    out = {"mu": args.mu, "nu": args.nu, "zeta": args.zeta, "lam": args.lam, "T": args.steps,
           "d": args.dims, "seed": args.seed, "D": args.D, "projected": not args.no_project,
           "digits": args.digits, "runs": [r.as_dict(40) for r in results],
           "bound_holds_where_applicable": all(r.regret <= r.bound_eq9 and r.regret
                                               <= r.bound_worst for r in results
                                               if r.applicable)}
    if stopped:
        out["stopped"] = stopped  # only the runs that finished are reported
    if args.json:
        emit_json(out)
        return EXIT_INTERRUPTED if stopped else 0
    print(f"Theorem 1 regret check: mu={args.mu} nu={args.nu} zeta={args.zeta} "
          f"lambda={args.lam} T={args.steps} d={args.dims} seed={args.seed} D={args.D} "
          f"({'projected onto' if not args.no_project else 'unprojected, started in'} "
          f"the box [-D/2, D/2]^d; {args.digits} digits)")
    print(text.render(tables.regret_table(results)))
    print("bound holds on every run where the theorem applies:",
          out["bound_holds_where_applicable"])
    if stopped:
        print(f"stopped: {stopped} after {len(results)} of {len(jobs)} runs")
    return EXIT_INTERRUPTED if stopped else 0


def _reddi(args: argparse.Namespace) -> int:
    mus = _reddi_mus(args.reddi_mu)
    out_dir = check_output_dir(args.out, "--out")
    with mpmath.workdps(60):
        nu = 1 / (1 + mpmath.mpf(args.C) ** 2)
        cond = {m: bool(mpmath.mpf(m) < mpmath.sqrt(nu)) for m in mus}
    report: dict[str, Any] = {"C": args.C, "alpha": args.alpha, "nu": mp_str(nu, 30),
                              "reddi_steps": args.reddi_steps,
                              "figure_steps": args.figure_steps, "settings": []}
    from ..note import reddi_setting

    try:
        for m in tqdm(mus, desc="reddi", disable=not show_progress(), leave=False):
            run = reddi_setting(args.C, args.alpha, m, mp_steps=args.reddi_steps,
                                f64_steps=args.figure_steps, dps=args.digits,
                                figure=out_dir / f"reddi_C{args.C}_mu{m}.png",
                                title=f"Reddi et al. counterexample: C={args.C}, mu={m}, "
                                      f"nu=1/(1+C^2), alpha_t={args.alpha}/sqrt(t) (float64)")
            report["settings"].append({"mu": m, "beta1_lt_sqrt_beta2": cond[m], "mp": run.mp,
                                       "f64": run.f64, "figure": str(run.figure)})
    except Interrupted:
        report["stopped"] = "interrupted"  # the settings that finished, figures included
    code = EXIT_INTERRUPTED if "stopped" in report else 0
    if args.json:
        emit_json(report)
        return code
    print(f"Reddi, Kale & Kumar (2018) counterexample: f_t(x) = {args.C} x if t mod 3 = 1 "
          f"else -x on [-1, 1] (projected), nu = 1/(1+C^2), alpha_t = {args.alpha}/sqrt(t), "
          f"x_1 = 1, eps = 0; optimum x = -1")
    for st in report["settings"]:
        print(f"\nmu = {st['mu']} (beta1 < sqrt(beta2): {st['beta1_lt_sqrt_beta2']}); "
              f"figure: {st['figure']}")
        print(text.render(tables.reddi_table(st["mp"], st["f64"], args.reddi_steps,
                                             args.figure_steps)))
    if "stopped" in report:
        print(f"\nstopped: {report['stopped']} after {len(report['settings'])} of {len(mus)} "
              "settings")
    return code


def run(args: argparse.Namespace) -> int:
    if args.algo is not None:
        if args.reddi:
            raise CLIError("--algo and --reddi are separate reports: give one of them")
        return _regret_papers.run(args, MAX_WORK)
    if args.problem == "reddi":
        raise CLIError("--problem reddi needs --algo adam2015|amsgrad2018 (--reddi draws the "
                       "LaProp paper's figure)")
    _regret_papers.refuse_without_algo(args)
    return _reddi(args) if args.reddi else _regret(args)
