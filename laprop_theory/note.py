"""Every table, number and figure of the companion note ``paper/laprop-checked.tex``.

``write_report(out)`` (``python -m laprop_theory report --out paper/generated``) computes them
from the library and writes:

* ``numbers.tex`` -- ``\\newcommand`` macros for every number the prose quotes;
* ``summary.tex``, ``steps.tex``, ``errata.tex`` -- the checker's verdicts (per claim, per
  step, and the errata generated from the refuted steps);
* ``bounds.tex`` -- the paper's bounds against the exact suprema;
* ``theorem1.tex`` -- the conventions under which the proof of Theorem 1 holds;
* ``reddi.tex`` -- the Reddi et al. counterexample run through four algorithms;
* ``search.tex`` -- searcher runs (fixed seed and round limit, so the output is reproducible);
* ``experiments.tex`` -- the experiment verdicts, read from the JSON records that
  ``python -m laprop_theory experiment NAME --out docs/figures`` wrote;
* the figures (PNG) those tables refer to.

Only deterministic content goes into the ``.tex`` files (no timings), so regenerating the
report reproduces them byte for byte; the staleness test relies on this. The checker's budget
(``CHECK_BUDGET``) counts work, not seconds, so its verdicts are the same on any machine.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import mpmath

from .numerics import F64, MP, mp_str
from .proof.budget import DEFAULT as CHECK_BUDGET

REDDI = {"C": "3", "alpha": "0.5", "mu": "0.3", "mp_steps": 600, "f64_steps": 30000}
SEARCHES = (("prop2-statement", "0", "0.999", 2), ("laprop-update", "0.9", "0.999", 12),
            ("adam-update", "0.9", "0.999", 12))
SEARCH_ROUNDS = 6
EXPERIMENTS = ("rosenbrock", "adam-divergence", "deep-fc", "transformer-warmup")

_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}
_UNICODE = {"μ": r"$\mu$", "ν": r"$\nu$", "λ": r"$\lambda$", "γ": r"$\gamma$", "ε": r"$\epsilon$",
            "ζ": r"$\zeta$", "σ": r"$\sigma$", "≤": r"$\le$", "≥": r"$\ge$", "→": r"$\to$",
            "∞": r"$\infty$", "×": r"$\times$", "−": "-", "–": "--", "·": r"$\cdot$",
            "√": r"$\surd$", "Σ": r"$\Sigma$", "Π": r"$\Pi$", "θ": r"$\theta$", "β": r"$\beta$",
            "≈": r"$\approx$", "²": r"$^2$", "₁": r"$_1$", "₂": r"$_2$", "∈": r"$\in$",
            "…": r"\dots{}", "’": "'", "“": "``", "”": "''"}


def tex(text: Any) -> str:
    """Escape plain text for LaTeX (special characters, and the Greek and math symbols the
    library's messages use)."""
    s = "".join(_TEX_SPECIAL.get(ch, ch) for ch in str(text))
    return "".join(_UNICODE.get(ch, ch) for ch in s)


def _num(x: Any, digits: int = 6) -> str:
    if x is None:
        return "--"
    if x == mpmath.inf:
        return r"$\infty$"
    return mp_str(x, digits)


_GREEK = {"mu": r"\mu", "nu": r"\nu", "gamma": r"\gamma", "zeta": r"\zeta", "lambda": r"\lambda",
          "sigma0": r"\sigma_0", "sigma1": r"\sigma_1"}


def point_tex(point: dict[str, str]) -> str:
    """A counterexample point {'mu': '0', 'g2': '2 (exact)', ...} as inline math."""
    parts = []
    for k, v in point.items():
        name = _GREEK.get(k) or re.sub(r"^([A-Za-z]+)(\d+)$", r"\1_{\2}", k)
        value = v.split(" ")[0]
        if not re.fullmatch(r"-?[0-9./e+-]+", value):
            value = "\text{" + tex(value) + "}"
        parts.append(f"${name} = {value}$")
    return ", ".join(parts)


def _macro(name: str, value: Any) -> str:
    if not re.fullmatch(r"[A-Za-z]+", name):
        raise ValueError(f"LaTeX macro names are letters only: {name!r}")
    return f"\\newcommand{{\\{name}}}{{{value}}}"


def _table(spec: str, head: Sequence[str], rows: Sequence[Sequence[str]], *,
           long: bool = False) -> str:
    env = "longtable" if long else "tabular"
    lines = [f"\\begin{{{env}}}{{{spec}}}", "\\toprule", " & ".join(head) + r" \\",
             "\\midrule"]
    if long:
        lines += ["\\endhead"]
    lines += [" & ".join(r) + r" \\" for r in rows]
    lines += ["\\bottomrule", f"\\end{{{env}}}"]
    return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- the checker

def check_results(budget: float = CHECK_BUDGET) -> list[Any]:
    from .claims import all_claims
    from .proof.decide import check_claim

    return [r for c in all_claims() for r in check_claim(c, budget=budget)]


def summary_tex(results: list[Any]) -> str:
    from .claims import claim_verdicts

    rows = []
    for v in claim_verdicts(results):
        rs = [r for r in results if r.claim == v.claim]
        counts = [sum(r.verdict.status == s for r in rs) for s in ("proved", "refuted",
                                                                 "unverified")]
        rows.append([tex(v.claim), f"\\textbf{{{v.status}}} ({tex(v.rule)})", str(len(rs)),
                     *map(str, counts)])
    return _table("llrrrr", ["claim", "the claim (kernel rule)", "steps", "proved", "refuted",
                             "unverified"], rows)


def steps_tex(results: list[Any]) -> str:
    rows = [[tex(r.claim), "\\texttt{" + tex(r.step.id) + "}", tex(r.step.eq),
             tex(r.verdict.status), tex(r.verdict.method or "--")] for r in results]
    return _table("lp{0.34\\textwidth}p{0.2\\textwidth}ll",
                  ["claim", "step", "paper", "status", "method"], rows, long=True)


def errata_tex(results: list[Any]) -> str:
    items = []
    for r in results:
        v = r.verdict
        if v.status != "refuted":
            continue
        point = point_tex((v.counterexample or {}).get("point", {}))
        items.append(f"\\item {tex(r.step.eq or r.claim)} "
                     f"(\\texttt{{{tex(r.claim)}/{tex(r.step.id)}}}): "
                     f"{tex(r.step.justification)}. False"
                     + (f" at {point}" if point else "") + ".")
    return "\\begin{itemize}\\small\n" + "\n".join(items) + "\n\\end{itemize}\n"


def theorem1_tex(results: list[Any]) -> str:
    from .claims.theorem1 import conventions_verdict

    rows = []
    for key, v in conventions_verdict([r for r in results if r.claim == "theorem1"]).items():
        bad = ", ".join(v["failing"] + v["undecided"])
        rows.append([tex(key), "\\textbf{every line true}" if v["holds"] else "not all true",
                     "\\texttt{" + tex(bad) + "}" if bad else "--"])
    return _table("llp{0.45\\textwidth}", ["conventions", "lines of the corrected proof",
                                           "failing steps"], rows)


# ----------------------------------------------------------------------------- bounds

BOUND_POINTS = (("0.9", "0.999", 1), ("0.9", "0.999", 10), ("0.9", "0.999", 1000),
                ("0", "0.5", 2), ("0.5", "0.5", 5), ("0.9", "0.5", 20), ("0.9", "0", 3))


def bounds_tex() -> str:
    from .bounds.paper import prop1_bound, prop2_proof_bound, prop2_stated_bound
    from .bounds.suprema import adam_supremum, laprop_supremum

    rows = []
    for mu, nu, t in BOUND_POINTS:
        lap = laprop_supremum(mu, nu, t).value
        adam = adam_supremum(mu, nu, t).value
        stated = prop2_stated_bound(mu, nu)
        flag = " \\textbf{(violated)}" if stated is not None and adam > stated else ""
        rows.append([mu, nu, str(t), _num(lap), _num(prop1_bound(nu)), _num(adam),
                     _num(stated) + flag, _num(prop2_proof_bound(mu, nu))])
    return _table("lllrrrrr", ["$\\mu$", "$\\nu$", "$t$", "LaProp sup", "Prop.~1",
                               "Adam sup", "Prop.~2 stated", "Prop.~2 proof (15)"], rows)


def bound_numbers() -> dict[str, str]:
    from .bounds.suprema import adam_supremum, laprop_supremum

    with mpmath.workdps(30):
        nu = mpmath.mpf("0.999")
        lim = (1 - mpmath.mpf("0.9")) / mpmath.sqrt((1 - nu) * (1 - mpmath.mpf("0.81") / nu))
    return {
        "LapSupTenK": _num(laprop_supremum("0.9", "0.999", 10000).value, 6),
        "PropOneBound": _num(1 / mpmath.sqrt(1 - mpmath.mpf("0.999")), 6),
        "AdamLimitDefault": _num(lim, 6),
        "AdamSupTwenty": _num(adam_supremum("0.9", "0.5", 20).value, 6),
    }


# ----------------------------------------------------------------------------- Reddi et al.

def reddi(out: Path) -> tuple[str, dict[str, str]]:
    from . import regret as RG
    from .figures import reddi_figure

    C, alpha, mu = REDDI["C"], REDDI["alpha"], REDDI["mu"]
    algs = RG.reddi_algorithms(C, alpha, mu)
    mp_runs = {n: RG.run_reddi(a, REDDI["mp_steps"], C=C, backend=MP, dps=30, name=n)
               for n, a in algs.items()}
    f64_runs = {n: RG.run_reddi(a, REDDI["f64_steps"], C=C, backend=F64, name=n)
                for n, a in algs.items()}
    reddi_figure(f64_runs, out / "reddi.png")
    mp_o, f_o = RG.reddi_outcomes(mp_runs), RG.reddi_outcomes(f64_runs)
    rows = [[n, mp_o[n]["avg_regret_T"][:8], mp_o[n]["mean_x_last"][:7],
             f_o[n]["avg_regret_T"][:8], f_o[n]["mean_x_last"][:7],
             "$R/T\\to 0$" if f_o[n]["converges"] else "no"] for n in algs]
    table = _table("lrrrrl", ["algorithm", f"$R/T$, $T={REDDI['mp_steps']}$ (mp)",
                              "$x$ tail", f"$R/T$, $T={REDDI['f64_steps']}$", "$x$ tail",
                              "verdict"], rows)
    nums = {"ReddiC": C, "ReddiMu": mu, "ReddiAlpha": alpha,
            "ReddiStepsMP": str(REDDI["mp_steps"]), "ReddiStepsF": str(REDDI["f64_steps"])}
    return table, nums


# ----------------------------------------------------------------------------- the searcher

def searches() -> tuple[str, dict[str, str]]:
    from .search.engine import Problem, RunLimits, search
    from .search.result import build_result

    rows, nums = [], {}
    for k, (target, mu, nu, T) in enumerate(SEARCHES):
        problem = Problem(target, mu, nu, T)
        state, why = search(problem, seed=0, dps=50, workers=1,
                            limits=RunLimits(time_limit=None, rounds=SEARCH_ROUNDS))
        r = build_result(problem, state, seed=0, dps=50, stopped=why)
        cert = r["certified_violation"]
        rows.append(["\\texttt{" + tex(target) + "}", mu, nu, str(T), _short(r["best_value"]),
                     _short(r["exact_supremum"]), _short(r["bound"]),
                     "yes" if cert else "no"])
        if k == 0:
            nums["SearchPropTwoValue"] = _short(r["best_value"], 12)
            nums["SearchPropTwoSeq"] = ", ".join(_short(s, 4) for s in r["sequence"])
    table = _table("lllrrrrl", ["target", "$\\mu$", "$\\nu$", "$T$", "best found",
                                "exact sup", "paper's bound", "certified violation"], rows)
    return table, nums


def _short(s: Any, digits: int = 10) -> str:
    if s is None:
        return "--"
    if s == "inf":
        return r"$\infty$"
    return mp_str(mpmath.mpf(s), digits)


# ----------------------------------------------------------------------------- atlas

#: the note's atlas grid (24 points): both update targets over (mu, nu) at T = 10
ATLAS_GRID = (("laprop-update", "adam-update"), ("0", "0.45", "0.9"),
              ("0.5", "0.9", "0.99", "0.999"), (10,))


def atlas(out: Path) -> dict[str, str]:
    """The atlas on :data:`ATLAS_GRID`, each point computed in this process (a row depends only
    on its point, whatever runs it); writes ``atlas-adam-over-laprop.png`` and returns the
    numbers the note quotes: how many points, the largest Adam/LaProp worst-case ratio and
    where, and the largest gap of a row to its closed-form supremum."""
    from .atlas.grid import make_grid
    from .atlas.plot import adam_over_laprop_figure
    from .atlas.point import DEFAULT_BUDGET, compute_point

    targets, mus, nus, steps = ATLAS_GRID
    rows = [compute_point(p) for p in make_grid(list(targets), list(mus), list(nus),
                                                list(steps), seed=0, budget=DEFAULT_BUDGET)]
    adam_over_laprop_figure(rows, out / "atlas-adam-over-laprop.png")
    by = {(r["target"], r["mu"], r["nu"]): r for r in rows}
    worst = max(((mpmath.mpf(by[("adam-update", m, n)]["best_value"])
                  / mpmath.mpf(by[("laprop-update", m, n)]["best_value"]), m, n)
                 for m in mus for n in nus), key=lambda x: x[0])
    gap = max(abs(mpmath.mpf(r["exact_supremum"]) - mpmath.mpf(r["best_value"]))
              / mpmath.mpf(r["exact_supremum"]) for r in rows)
    return {"AtlasPoints": str(len(rows)), "AtlasWorstRatio": _short(str(worst[0]), 6),
            "AtlasWorstMu": worst[1], "AtlasWorstNu": worst[2],
            "AtlasMaxGap": mpmath.nstr(gap, 2, min_fixed=0, max_fixed=0)}


# ----------------------------------------------------------------------------- experiments

def experiments(records_dir: Path, out: Path) -> str:
    from .experiments.plots import plot

    rows = []
    for name in EXPERIMENTS:
        path = records_dir / f"{name}.json"
        if not path.is_file():
            raise FileNotFoundError(f"experiment record missing: {path} (run `python -m "
                                    f"laprop_theory experiment {name} --out {records_dir}`)")
        rec = json.loads(path.read_text())
        if rec.get("quick"):
            raise ValueError(f"{path} is a --quick record; the note reports full runs")
        plot(rec, out)
        rows.append(["\\texttt{" + tex(name) + "}", tex(rec["claim"]),
                     f"\\textbf{{{tex(rec['status'])}}}: " + tex(rec["verdict"])])
    return _table("lp{0.3\\textwidth}p{0.48\\textwidth}", ["experiment", "the paper's claim",
                                                            "verdict here"], rows)


# ----------------------------------------------------------------------------- all of it

def write_report(out: str | Path, *, records_dir: str | Path = "docs/figures",
                 budget: float = CHECK_BUDGET, progress: bool = False) -> list[Path]:
    """Write every generated file of the note into ``out``; returns their paths."""
    from .figures import adam_supremum_map, update_bounds_figure

    out, records_dir = Path(out), Path(records_dir)
    out.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:  # progress lines go to stderr, never stdout
        if progress:
            print(message, file=sys.stderr, flush=True)

    say("checking every claim ...")
    results = check_results(budget)
    files: dict[str, str] = {
        "summary.tex": summary_tex(results), "steps.tex": steps_tex(results),
        "errata.tex": errata_tex(results), "theorem1.tex": theorem1_tex(results),
    }
    counts = {s: sum(r.verdict.status == s for r in results)
              for s in ("proved", "refuted", "unverified")}
    p2 = next(r for r in results if r.claim == "prop2-statement" and r.step.id == "statement")
    p2_point = point_tex((p2.verdict.counterexample or {}).get("point", {}))
    nums = {"NSteps": str(len(results)), "NProved": str(counts["proved"]),
            "NRefuted": str(counts["refuted"]), "NUnverified": str(counts["unverified"]),
            "NClaims": str(len({r.claim for r in results})),
            "NErrata": str(counts["refuted"]),
            "CheckBudget": f"{budget:g}",
            "PropTwoStatus": p2.verdict.status, "PropTwoPoint": p2_point}
    say("bounds ...")
    files["bounds.tex"] = bounds_tex()
    nums.update(bound_numbers())
    update_bounds_figure("0.9", "0.999", 60, path=out / "update-bounds.png")
    update_bounds_figure("0.9", "0.5", 30, path=out / "update-bounds-coupled.png")
    adam_supremum_map(50, path=out / "adam-map.png")
    say("Reddi et al. counterexample ...")
    files["reddi.tex"], more = reddi(out)
    nums.update(more)
    say("searcher ...")
    files["search.tex"], more = searches()
    nums.update(more)
    say("atlas ...")
    nums.update(atlas(out))
    say("experiments ...")
    files["experiments.tex"] = experiments(records_dir, out)
    files["numbers.tex"] = "\n".join(_macro(k, v) for k, v in sorted(nums.items())) + "\n"
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text("% generated by `python -m laprop_theory report`; do not edit\n" + text)
        written.append(path)
    return written + sorted(out.glob("*.png"))
