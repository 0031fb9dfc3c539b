"""Run everything the companion note ``paper/laprop-checked.tex`` reports, and write it.

``write_report(out)`` (``python -m laprop_theory report --out paper/generated``) runs the
checker, the Reddi et al. counterexample, the searcher and the atlas, reads the experiments'
JSON records, draws the figures, and writes through the report layer
(:mod:`laprop_theory.report`: the tables as data in ``tables``, written by ``tex``):

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
This module only runs things; every table's rows come from :mod:`laprop_theory.report.tables`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import mpmath

from .experiments import names as experiment_names
from .numerics import F64, MP
from .proof.budget import DEFAULT as CHECK_BUDGET

REDDI = {"C": "3", "alpha": "0.5", "mu": "0.3", "mp_steps": 600, "f64_steps": 30000}
SEARCHES = (("prop2-statement", "0", "0.999", 2), ("laprop-update", "0.9", "0.999", 12),
            ("adam-update", "0.9", "0.999", 12))
SEARCH_ROUNDS = 6
EXPERIMENTS = tuple(experiment_names())  # the experiments registry's order, read at import

__all__ = ["CHECK_BUDGET", "ReddiSetting", "check_results", "reddi_setting", "write_report"]


# ----------------------------------------------------------------------------- the checker

def check_results(budget: float = CHECK_BUDGET) -> list[Any]:
    """Decide every step of the LaProp paper's claims at ``budget`` work units per step."""
    from .claims import LAPROP, all_claims
    from .proof.decide import check_claim

    return [r for c in all_claims(LAPROP) for r in check_claim(c, budget=budget)]


def check_numbers(results: list[Any], budget: float) -> dict[str, str]:
    """The note's macros about the checker: step and claim counts, the budget, and Prop. 2's
    verdict with the point of its counterexample."""
    from .report.tables import step_counts
    from .report.tex import point_tex

    counts = step_counts(results)
    p2 = next(r for r in results if r.claim == "prop2-statement" and r.step.id == "statement")
    return {"NSteps": str(len(results)), "NProved": str(counts["proved"]),
            "NRefuted": str(counts["refuted"]), "NUnverified": str(counts["unverified"]),
            "NClaims": str(len({r.claim for r in results})),
            "NErrata": str(counts["refuted"]),
            "CheckBudget": f"{budget:g}",
            "PropTwoStatus": p2.verdict.status,
            "PropTwoPoint": point_tex((p2.verdict.counterexample or {}).get("point", {}))}


# ----------------------------------------------------------------------------- bounds

def bound_numbers() -> dict[str, str]:
    """The note's macros about the bounds: LaProp's supremum at t = 10⁴ and Prop. 1's bound
    at (0.9, 0.999); Adam's limit (1 − μ)/√((1 − ν)(1 − μ²/ν)) there, and its supremum at
    (0.9, 0.5, 20) where γ = μ/√ν > 1."""
    from .bounds.suprema import adam_supremum, laprop_supremum
    from .report.tex import number

    with mpmath.workdps(30):
        nu = mpmath.mpf("0.999")
        lim = (1 - mpmath.mpf("0.9")) / mpmath.sqrt((1 - nu) * (1 - mpmath.mpf("0.81") / nu))
    return {
        "LapSupTenK": number(laprop_supremum("0.9", "0.999", 10000).value, 6),
        "PropOneBound": number(1 / mpmath.sqrt(1 - mpmath.mpf("0.999")), 6),
        "AdamLimitDefault": number(lim, 6),
        "AdamSupTwenty": number(adam_supremum("0.9", "0.5", 20).value, 6),
    }


# ----------------------------------------------------------------------------- Reddi et al.

@dataclass(frozen=True)
class ReddiSetting:
    """One setting of the Reddi, Kale & Kumar (2018) counterexample run through Adam,
    AMSGrad, LaProp and AmsProp: the outcomes (:func:`laprop_theory.regret.reddi_outcomes`)
    of the mpmath runs (``mp_steps``) and of the float64 runs (``f64_steps``) drawn in
    ``figure``."""

    C: str
    alpha: str
    mu: str
    mp_steps: int
    f64_steps: int
    mp: dict[str, dict[str, Any]]
    f64: dict[str, dict[str, Any]]
    figure: Path


def reddi_setting(C: str, alpha: str, mu: str, *, mp_steps: int, f64_steps: int, dps: int,
                  figure: str | Path, title: str = "") -> ReddiSetting:
    """Run f_t(x) = C x (t mod 3 = 1) else −x on [−1, 1] with ν = 1/(1 + C²),
    α_t = α/√t, β1 = ``mu`` (:func:`laprop_theory.regret.reddi_algorithms`): each algorithm
    for ``mp_steps`` steps in mpmath at ``dps`` digits (the reported outcomes) and for
    ``f64_steps`` in float64 (the figure, written to ``figure`` in one step: a run stopped
    midway leaves no partial file)."""
    from . import regret
    from .figures import reddi_figure  # matplotlib only when a figure is drawn

    algs = regret.reddi_algorithms(C, alpha, mu)
    mp_runs = {n: regret.run_reddi(a, mp_steps, C=C, backend=MP, dps=dps, name=n)
               for n, a in algs.items()}
    f64_runs = {n: regret.run_reddi(a, f64_steps, C=C, backend=F64, name=n)
                for n, a in algs.items()}
    figure = Path(figure)
    figure.parent.mkdir(parents=True, exist_ok=True)
    tmp = figure.parent / f".{figure.stem}.partial-{os.getpid()}.png"
    try:
        reddi_figure(f64_runs, tmp, title=title)
        os.replace(tmp, figure)
    finally:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return ReddiSetting(C, alpha, mu, mp_steps, f64_steps, regret.reddi_outcomes(mp_runs),
                        regret.reddi_outcomes(f64_runs), figure)


def _reddi(out: Path) -> tuple[str, dict[str, str]]:
    from .report.tables import reddi_table
    from .report.tex import render

    s = reddi_setting(REDDI["C"], REDDI["alpha"], REDDI["mu"], mp_steps=REDDI["mp_steps"],
                      f64_steps=REDDI["f64_steps"], dps=30, figure=out / "reddi.png")
    nums = {"ReddiC": s.C, "ReddiMu": s.mu, "ReddiAlpha": s.alpha,
            "ReddiStepsMP": str(s.mp_steps), "ReddiStepsF": str(s.f64_steps)}
    return render(reddi_table(s.mp, s.f64, s.mp_steps, s.f64_steps)), nums


# ----------------------------------------------------------------------------- the searcher

def run_searches() -> list[dict[str, Any]]:
    """The searcher on each of :data:`SEARCHES` (seed 0, :data:`SEARCH_ROUNDS` rounds, 50
    digits, one worker): the :func:`laprop_theory.search.result.build_result` records."""
    from .search.engine import Problem, RunLimits, search
    from .search.result import build_result

    records = []
    for target, mu, nu, T in SEARCHES:
        problem = Problem(target, mu, nu, T)
        state, why = search(problem, seed=0, dps=50, workers=1,
                            limits=RunLimits(time_limit=None, rounds=SEARCH_ROUNDS))
        records.append(build_result(problem, state, seed=0, dps=50, stopped=why))
    return records


def search_numbers(records: list[dict[str, Any]]) -> dict[str, str]:
    """The note's macros about the first search (Prop. 2's statement): the best value found
    and the gradient sequence that reaches it."""
    from .report.tex import number

    first = records[0]
    return {"SearchPropTwoValue": number(first["best_value"], 12),
            "SearchPropTwoSeq": ", ".join(number(s, 4) for s in first["sequence"])}


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
    from .report.tex import number

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
    return {"AtlasPoints": str(len(rows)), "AtlasWorstRatio": number(str(worst[0]), 6),
            "AtlasWorstMu": worst[1], "AtlasWorstNu": worst[2],
            "AtlasMaxGap": mpmath.nstr(gap, 2, min_fixed=0, max_fixed=0)}


# ----------------------------------------------------------------------------- experiments

def experiment_records(records_dir: Path, out: Path) -> dict[str, dict[str, Any]]:
    """The JSON record of each of :data:`EXPERIMENTS` in ``records_dir`` (full runs only),
    each experiment's figures drawn into ``out``."""
    from .experiments.plots import plot

    records = {}
    for name in experiment_names():  # the registry, read now: a new experiment is listed
        path = records_dir / f"{name}.json"
        if not path.is_file():
            raise FileNotFoundError(f"experiment record missing: {path} (run `python -m "
                                    f"laprop_theory experiment {name} --out {records_dir}`)")
        rec = json.loads(path.read_text())
        if rec.get("quick"):
            raise ValueError(f"{path} is a --quick record; the note reports full runs")
        plot(rec, out)
        records[name] = rec
    return records


# ----------------------------------------------------------------------------- all of it

def write_report(out: str | Path, *, records_dir: str | Path = "docs/figures",
                 budget: float = CHECK_BUDGET, progress: bool = False) -> list[Path]:
    """Write every generated file of the note into ``out``; returns their paths."""
    from .claims import claim_verdicts
    from .figures import adam_supremum_map, update_bounds_figure
    from .report import tables
    from .report.tex import errata_list, macros, render

    out, records_dir = Path(out), Path(records_dir)
    out.mkdir(parents=True, exist_ok=True)

    def say(message: str) -> None:  # progress lines go to stderr, never stdout
        if progress:
            print(message, file=sys.stderr, flush=True)

    say("checking every claim ...")
    results = check_results(budget)
    files: dict[str, str] = {
        "summary.tex": render(tables.summary_table(claim_verdicts(results), results)),
        "steps.tex": render(tables.steps_table(results)),
        "errata.tex": errata_list(tables.errata_table(results)),
        "theorem1.tex": render(tables.theorem1_table(results)),
    }
    nums = check_numbers(results, budget)
    say("bounds ...")
    files["bounds.tex"] = render(tables.bounds_table())
    nums.update(bound_numbers())
    update_bounds_figure("0.9", "0.999", 60, path=out / "update-bounds.png")
    update_bounds_figure("0.9", "0.5", 30, path=out / "update-bounds-coupled.png")
    adam_supremum_map(50, path=out / "adam-map.png")
    say("Reddi et al. counterexample ...")
    files["reddi.tex"], more = _reddi(out)
    nums.update(more)
    say("searcher ...")
    searched = run_searches()
    files["search.tex"] = render(tables.search_table(searched))
    nums.update(search_numbers(searched))
    say("atlas ...")
    nums.update(atlas(out))
    say("experiments ...")
    files["experiments.tex"] = render(tables.experiments_table(
        experiment_records(records_dir, out)))
    files["numbers.tex"] = macros(nums)
    written = []
    for name, text in files.items():
        path = out / name
        path.write_text("% generated by `python -m laprop_theory report`; do not edit\n" + text)
        written.append(path)
    return written + sorted(out.glob("*.png"))
