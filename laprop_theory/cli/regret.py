"""``regret``: empirical regret of the Theorem 1 variant against the paper's bound (Eq. 9 and
the worst-case form), or, with ``--reddi``, the Reddi, Kale & Kumar (2018) counterexample.

Examples::

    python -m laprop_theory regret --mu 0.9 --nu 0.999 --zeta 0.99 --lam 0.1 --steps 200 \\
        --dims 3 --seed 0
    python -m laprop_theory regret --reddi --out docs/figures --json
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import mpmath
from tqdm import tqdm

from .. import regret as RG
from ..numerics import F64, MP, mp_str
from .common import CLIError, emit_json, positive_int, unit_interval

PROBLEMS = ("linear", "quadratic")


def _positive(name: str):
    def parse(text: str) -> str:
        try:
            ok = float(text) > 0
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, got {text!r}") from None
        if not ok:
            raise argparse.ArgumentTypeError(f"{name} must be > 0, got {text}")
        return text

    return parse


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mu", type=unit_interval("mu"), default="0.9", help="mu in [0, 1)")
    p.add_argument("--nu", type=unit_interval("nu"), default="0.999", help="nu in [0, 1)")
    p.add_argument("--zeta", type=unit_interval("zeta"), default="0.99", help="zeta in (0, 1)")
    p.add_argument("--lam", type=_positive("lam"), default="0.1", help="lambda > 0")
    p.add_argument("--steps", type=positive_int("steps"), default=200, help="T >= 1")
    p.add_argument("--dims", type=positive_int("dims"), default=3, help="d >= 1")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--problem", choices=[*PROBLEMS, "both"], default="both")
    p.add_argument("--D", type=_positive("D"), default="2",
                   help="box [-D/2, D/2]^d: its inf-diameter D is the theorem's D")
    p.add_argument("--G", type=_positive("G"), default="1",
                   help="gradient size of the linear problem (|c_t,i| = G)")
    p.add_argument("--no-project", action="store_true",
                   help="run without projecting onto the box (the paper's algorithm); the "
                        "report says whether the iterates stayed within D")
    p.add_argument("--digits", type=positive_int("digits", 50), default=50,
                   help="working precision in decimal digits (>= 50)")
    p.add_argument("--reddi", action="store_true",
                   help="run the Reddi et al. counterexample instead (Adam, AMSGrad, LaProp, "
                        "AmsProp) and write the figure")
    p.add_argument("--C", type=_positive("C"), default="3", help="Reddi: C > 2")
    p.add_argument("--alpha", type=_positive("alpha"), default="0.5", help="Reddi: alpha")
    p.add_argument("--reddi-mu", default="0,0.3",
                   help="Reddi: comma-separated mu (= beta1) values; nu = 1/(1 + C^2)")
    p.add_argument("--reddi-steps", type=positive_int("reddi-steps"), default=1500,
                   help="Reddi: T of the mpmath runs whose outcomes are reported")
    p.add_argument("--figure-steps", type=positive_int("figure-steps"), default=30000,
                   help="Reddi: T of the float64 runs drawn in the figure (exploration only)")
    p.add_argument("--out", default="docs/figures", help="Reddi: folder for the figure")
    p.add_argument("--json", action="store_true")


def _table(rows: list[dict[str, Any]], cols: list[tuple[str, str, int]]) -> str:
    head = "  ".join(f"{title:>{w}}" for _, title, w in cols)
    lines = [head, "-" * len(head)]
    for r in rows:
        lines.append("  ".join(f"{str(r[k]):>{w}}" for k, _, w in cols))
    return "\n".join(lines)


def _regret(args: argparse.Namespace) -> int:
    if not 0 < float(args.zeta) < 1:
        raise CLIError(f"zeta must be in (0, 1), got {args.zeta}")
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
    for prob, name, alg in tqdm(jobs, desc="regret", disable=None, leave=False):
        results.append(RG.run_regret(alg, prob, mu=args.mu, nu=args.nu, zeta=args.zeta,
                                     lam=args.lam, project=not args.no_project,
                                     dps=args.digits, name=name))
    out = {"mu": args.mu, "nu": args.nu, "zeta": args.zeta, "lam": args.lam, "T": args.steps,
           "d": args.dims, "seed": args.seed, "D": args.D, "projected": not args.no_project,
           "digits": args.digits, "runs": [r.as_dict(40) for r in results],
           "bound_holds_where_applicable": all(r.regret <= r.bound_eq9 and r.regret
                                               <= r.bound_worst for r in results
                                               if r.applicable)}
    if args.json:
        emit_json(out)
        return 0
    print(f"Theorem 1 regret check: mu={args.mu} nu={args.nu} zeta={args.zeta} "
          f"lambda={args.lam} T={args.steps} d={args.dims} seed={args.seed} D={args.D} "
          f"({'projected onto' if not args.no_project else 'unprojected, started in'} "
          f"the box [-D/2, D/2]^d; {args.digits} digits)")
    rows = []
    for r in results:
        rows.append({"alg": r.algorithm, "prob": r.problem, "R": mp_str(r.regret, 10),
                     "b9": mp_str(r.bound_eq9, 10), "r9": mp_str(r.ratio_eq9, 6),
                     "bw": mp_str(r.bound_worst, 10), "rw": mp_str(r.ratio_worst, 6),
                     "ass": "yes" if r.assumption_held else f"no({r.assumption_violations})",
                     "inD": "yes" if r.within_D else "no",
                     "app": "yes" if r.applicable else "no"})
    print(_table(rows, [("alg", "algorithm", 18), ("prob", "problem", 9), ("R", "R(T)", 16),
                        ("b9", "bound Eq.9", 16), ("r9", "R/Eq.9", 12),
                        ("bw", "worst-case", 16), ("rw", "R/worst", 12),
                        ("ass", "s/lam nondecr", 13), ("inD", "within D", 8),
                        ("app", "thm applies", 11)]))
    print("bound holds on every run where the theorem applies:",
          out["bound_holds_where_applicable"])
    return 0


def _reddi(args: argparse.Namespace) -> int:
    if not float(args.C) > 2:
        raise CLIError(f"C must be > 2 (Reddi et al., Theorem 1), got {args.C}")
    try:
        mus = [m.strip() for m in args.reddi_mu.split(",") if m.strip()]
        for m in mus:
            if not 0 <= float(m) < 1:
                raise ValueError
    except ValueError:
        raise CLIError(f"--reddi-mu must be comma-separated numbers in [0, 1), got "
                       f"{args.reddi_mu!r}") from None
    with mpmath.workdps(60):
        nu = 1 / (1 + mpmath.mpf(args.C) ** 2)
        cond = {m: bool(mpmath.mpf(m) < mpmath.sqrt(nu)) for m in mus}
    report: dict[str, Any] = {"C": args.C, "alpha": args.alpha, "nu": mp_str(nu, 30),
                              "reddi_steps": args.reddi_steps,
                              "figure_steps": args.figure_steps, "settings": []}
    for m in tqdm(mus, desc="reddi", disable=None, leave=False):
        algs = RG.reddi_algorithms(args.C, args.alpha, m)
        mp_runs = {n: RG.run_reddi(a, args.reddi_steps, C=args.C, backend=MP, dps=args.digits,
                                   name=n) for n, a in algs.items()}
        f64_runs = {n: RG.run_reddi(a, args.figure_steps, C=args.C, backend=F64, name=n)
                    for n, a in algs.items()}
        fig = Path(args.out) / f"reddi_C{args.C}_mu{m}.png"
        from ..figures import reddi_figure  # matplotlib only when a figure is drawn

        reddi_figure(f64_runs, fig, title=f"Reddi et al. counterexample: C={args.C}, "
                     f"mu={m}, nu=1/(1+C^2), alpha_t={args.alpha}/sqrt(t) (float64)")
        report["settings"].append({
            "mu": m, "beta1_lt_sqrt_beta2": cond[m],
            "mp": RG.reddi_outcomes(mp_runs), "f64": RG.reddi_outcomes(f64_runs),
            "figure": str(fig)})
    if args.json:
        emit_json(report)
        return 0
    print(f"Reddi, Kale & Kumar (2018) counterexample: f_t(x) = {args.C} x if t mod 3 = 1 "
          f"else -x on [-1, 1] (projected), nu = 1/(1+C^2), alpha_t = {args.alpha}/sqrt(t), "
          f"x_1 = 1, eps = 0; optimum x = -1")
    for st in report["settings"]:
        print(f"\nmu = {st['mu']} (beta1 < sqrt(beta2): {st['beta1_lt_sqrt_beta2']}); "
              f"figure: {st['figure']}")
        rows = []
        for n, o in st["mp"].items():
            f = st["f64"][n]
            rows.append({"alg": n, "a": o["avg_regret_T"][:12], "x": o["mean_x_last"][:10],
                         "c": "R/T->0" if o["converges"] else "no",
                         "fa": f["avg_regret_T"][:12], "fx": f["mean_x_last"][:10],
                         "fc": "R/T->0" if f["converges"] else "no"})
        print(_table(rows, [("alg", "algorithm", 9),
                            ("a", f"R/T mp T={args.reddi_steps}", 18), ("x", "x tail", 11),
                            ("c", "verdict", 7),
                            ("fa", f"R/T f64 T={args.figure_steps}", 19),
                            ("fx", "x tail", 11), ("fc", "verdict", 7)]))
    return 0


def run(args: argparse.Namespace) -> int:
    return _reddi(args) if args.reddi else _regret(args)
