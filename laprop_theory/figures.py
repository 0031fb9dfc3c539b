"""Figures shared by the command line, the notebooks and the paper: one function per figure.

* :func:`reddi_figure` -- the Reddi, Kale & Kumar (2018) counterexample: average regret
  R(t)/t and the iterate x_t for each algorithm (runs from :func:`laprop_theory.regret.run_reddi`);
  writes a file and returns its path.
* :func:`update_bounds_figure` -- the exact suprema of the LaProp and Adam update against
  t, beside the paper's bounds (Prop. 1; Prop. 2 as stated and as its proof reaches it).
* :func:`adam_supremum_map` -- Adam's supremum over (μ, ν) at a fixed t, with the curve
  μ = sqrt(ν) past which it grows without bound in t.

* :func:`update_sizes_figure` -- the step size |Δθ_t| of several runs against t, with bound lines.
* :func:`regret_bound_figure` -- measured regret R(T) against Theorem 1's bound as T grows.
* :func:`search_progress_figure` -- the gap to a known supremum against the budget (time, or
  counted work), for the searcher and for random search.
* :func:`steps_against_suprema_figure` -- measured torch update sizes against exact suprema.

All but the first return the matplotlib Figure (shown inline in a notebook) and also write it to
``path`` when one is given. Outside a Jupyter kernel the Agg backend is used (no screen).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

if "ipykernel" not in sys.modules:
    matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import mpmath  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["reddi_figure", "update_bounds_figure", "adam_supremum_map", "update_sizes_figure",
           "regret_bound_figure", "search_progress_figure", "steps_against_suprema_figure"]


def reddi_figure(results: Mapping[str, Any], path: str | Path, *, title: str = "") -> Path:
    """Plot each run's average regret R(t)/t (log–log) and iterate x_t (log t) side by side.

    ``results`` maps a label to an object with ``avg_regret`` and ``x`` arrays (t = 1..T),
    e.g. :class:`laprop_theory.regret.ReddiRun`. Values are converted with ``float`` for
    plotting only. Returns the written path (format from the suffix, e.g. ``.png``).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig, (ax_r, ax_x) = plt.subplots(1, 2, figsize=(10, 3.8))
    styles = ["-", "--", "-.", ":"]
    for k, (label, run) in enumerate(results.items()):
        avg = np.array([float(v) for v in run.avg_regret])
        xs = np.array([float(v) for v in run.x])
        t = np.arange(1, len(avg) + 1)
        ls = styles[k % len(styles)]
        ax_r.loglog(t, np.maximum(avg, 1e-12), ls, label=label, lw=1.4)
        ax_x.semilogx(t, xs, ls, label=label, lw=1.0)
    ax_r.set_xlabel("t")
    ax_r.set_ylabel("average regret R(t)/t")
    ax_r.grid(True, which="both", alpha=0.3)
    ax_x.set_xlabel("t")
    ax_x.set_ylabel("iterate x_t")
    ax_x.set_ylim(-1.1, 1.1)
    ax_x.grid(True, alpha=0.3)
    ax_r.legend(fontsize=8)
    if title:
        fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _finish(fig: Any, path: str | Path | None) -> Any:
    fig.tight_layout()
    if path is not None:
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(path, dpi=120)
    return fig


def _num(x: Any) -> float:
    return float("inf") if x is None or x == mpmath.inf else float(x)


def _update_axes(ax: Any, bounds: Mapping[str, Any] | None, title: str) -> None:
    """Shared styling of the update-size plots: horizontal bound lines (None and ∞ skipped),
    log scale, labels, grid, legend and title."""
    for k, (label, value) in enumerate((bounds or {}).items()):
        v = _num(value)
        if np.isfinite(v):
            ax.axhline(v, color="k", ls=("--", ":", "-.")[k % 3], lw=1.0, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("|update| / λ")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)


def update_bounds_figure(mu: float | str, nu: float | str, T: int, *,
                         path: str | Path | None = None) -> Any:
    """Left: sup |LaProp update| (units of λ) for t = 1..T against Prop. 1's 1/sqrt(1 − ν).
    Right: sup |Adam update| against Prop. 2 as stated, 1/(1 − μ/sqrt(ν)), and the bound its
    proof reaches, Eq. (15) (both drawn only where the paper gives them, μ < sqrt(ν)).
    The suprema are the closed forms of :mod:`laprop_theory.bounds.suprema`."""
    from .bounds.paper import prop1_bound, prop2_proof_bound, prop2_stated_bound
    from .bounds.suprema import adam_supremum, laprop_supremum

    ts = np.arange(1, T + 1)
    lap = [_num(laprop_supremum(mu, nu, int(t), dps=30).value) for t in ts]
    adam = [_num(adam_supremum(mu, nu, int(t), dps=30).value) for t in ts]
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.6))
    a.plot(ts, lap, "o-", ms=3, label="exact sup, LaProp")
    a.axhline(_num(prop1_bound(nu)), color="k", ls="--", label="Prop. 1: 1/sqrt(1-ν)")
    b.plot(ts, adam, "o-", ms=3, color="C1", label="exact sup, Adam")
    stated, proof = prop2_stated_bound(mu, nu), prop2_proof_bound(mu, nu)
    if stated is not None:
        b.axhline(_num(stated), color="C3", ls="--", label="Prop. 2 as stated")
        b.axhline(_num(proof), color="k", ls=":", label="Prop. 2's proof, Eq. (15)")
    else:
        b.text(0.5, 0.9, "no bound in the paper (μ ≥ sqrt(ν))", transform=b.transAxes,
               ha="center", fontsize=8)
    b.set_yscale("log")
    for ax, name in ((a, "LaProp"), (b, "Adam")):
        ax.set_xlabel("step t")
        ax.set_ylabel(f"largest |{name} update| / λ")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"μ = {mu}, ν = {nu}", fontsize=10)
    return _finish(fig, path)


def adam_supremum_map(t: int = 50, *, n: int = 41, path: str | Path | None = None) -> Any:
    """log10 of sup |Adam update| / λ at step t over a grid of μ, ν ∈ [0, 0.99], with the
    curve μ = sqrt(ν): below it the supremum stays bounded as t → ∞, above it it grows like
    (μ/sqrt(ν))^t (the closed form of :func:`laprop_theory.bounds.suprema.adam_supremum`)."""
    from .bounds.suprema import adam_supremum

    grid = np.linspace(0.0, 0.99, n)
    z = np.empty((n, n))
    for i, nu in enumerate(grid):
        for j, mu in enumerate(grid):
            v = adam_supremum(float(mu), float(nu), t, dps=20).value
            z[i, j] = np.log10(_num(v)) if v != mpmath.inf else np.nan
    fig, ax = plt.subplots(figsize=(5.2, 4.2))
    im = ax.pcolormesh(grid, grid, np.clip(z, 0, 12), shading="auto", cmap="viridis")
    fig.colorbar(im, ax=ax, label=f"log10 sup |Adam update| / λ at t = {t} (clipped at 12)")
    ax.plot(np.sqrt(grid), grid, "w--", lw=1.2, label="μ = sqrt(ν)")
    ax.set_xlim(0, 0.99)
    ax.set_xlabel("μ (β1)")
    ax.set_ylabel("ν (β2)")
    ax.legend(loc="lower right", fontsize=8)
    return _finish(fig, path)


def update_sizes_figure(runs: Mapping[str, Any], *, bounds: Mapping[str, Any] | None = None,
                        title: str = "", path: str | Path | None = None) -> Any:
    """|Δθ_t| of coordinate 0 against the step t for each labelled run (a
    :class:`laprop_theory.recurrences.Trajectory` of one coordinate; run with λ = 1 the sizes
    are in units of λ), on a log scale, with optional horizontal lines ``bounds`` (label ->
    value; None and ∞ are skipped). Used by the course notebooks to compare Adam and LaProp
    on the same gradients."""
    fig, ax = plt.subplots(figsize=(7, 3.6))
    for k, (label, traj) in enumerate(runs.items()):
        sizes = [_num(abs(d[0])) for d in traj.deltas]
        ax.plot(np.arange(1, len(sizes) + 1), sizes, "o-", ms=2.5, lw=1.0, color=f"C{k}",
                label=label)
    _update_axes(ax, bounds, title)
    return _finish(fig, path)


def regret_bound_figure(results: Mapping[str, Any], *, title: str = "",
                        path: str | Path | None = None) -> Any:
    """Theorem 1 in pictures: the measured regret R(T) against the bound, as T grows.

    ``results`` maps a label to a sequence of :class:`laprop_theory.regret.RegretResult`
    (one algorithm run on problems of increasing length T, e.g. from
    :func:`laprop_theory.regret.run_regret`). Left: R(T) (markers) with the bound of Eq. (9)
    (dashed) and its worst-case form (dotted), log–log. Right: the average regret R(T)/T and
    Eq. (9)/T, both of which go to 0 like 1/sqrt(T) when the theorem applies. Non-positive
    regrets are not drawn (log scale)."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 3.8))
    for k, (label, runs) in enumerate(results.items()):
        runs = sorted(runs, key=lambda r: r.T)
        ts = np.array([r.T for r in runs], dtype=float)
        reg = np.array([_num(r.regret) for r in runs])
        eq9 = np.array([_num(r.bound_eq9) for r in runs])
        worst = np.array([_num(r.bound_worst) for r in runs])
        pos = reg > 0
        c = f"C{k}"
        a.plot(ts[pos], reg[pos], "o-", ms=4, color=c, label=f"R(T): {label}")
        a.plot(ts, eq9, "--", color=c, lw=1.0, label=f"Eq. (9): {label}")
        a.plot(ts, worst, ":", color=c, lw=1.0, label=f"worst case: {label}")
        b.plot(ts[pos], reg[pos] / ts[pos], "o-", ms=4, color=c, label=f"R(T)/T: {label}")
        b.plot(ts, eq9 / ts, "--", color=c, lw=1.0, label=f"Eq. (9)/T: {label}")
    for ax, name in ((a, "regret R(T)"), (b, "average regret R(T)/T")):
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("horizon T")
        ax.set_ylabel(name)
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    if title:
        fig.suptitle(title, fontsize=10)
    return _finish(fig, path)


def search_progress_figure(curves: Mapping[str, Mapping[float, Any]], supremum: Any, *,
                           floor: float = 1e-40, title: str = "",
                           xlabel: str = "time budget (s)",
                           path: str | Path | None = None) -> Any:
    """How close a search gets to a known supremum within each time budget.

    ``curves`` maps a label to ``{budget in seconds: best value (or None)}``, as returned by
    :func:`laprop_theory.search.bench.run_searcher` and ``run_random``; ``supremum`` is the
    exact supremum (e.g. :func:`laprop_theory.bounds.suprema.laprop_supremum`). Draws the gap
    1 − value/supremum against the budget on log–log axes; gaps below ``floor`` (the
    supremum reached to the working precision) are drawn at ``floor``, and budgets with no
    value yet are skipped. ``xlabel`` names the budget: seconds by default, or a work budget
    (candidates evaluated) when the curves are keyed by counted work."""
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    with mpmath.workdps(60):
        sup = mpmath.mpf(supremum)
        for k, (label, by_budget) in enumerate(curves.items()):
            pts = sorted((float(bud), max(float(1 - mpmath.mpf(v) / sup), floor))
                         for bud, v in by_budget.items() if v is not None)
            if pts:
                xs, ys = zip(*pts, strict=True)
                ax.plot(xs, ys, "o-", ms=5, color=f"C{k}", label=label)
    ax.axhline(floor, color="k", ls=":", lw=1.0,
               label=f"gap below {floor:.0e}: supremum reached to the working precision")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("gap 1 − value / supremum")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    if title:
        ax.set_title(title, fontsize=10)
    return _finish(fig, path)


def steps_against_suprema_figure(ts: Any, measured: Mapping[str, Any],
                                 exact: Mapping[str, Any], *,
                                 bounds: Mapping[str, Any] | None = None, title: str = "",
                                 path: str | Path | None = None) -> Any:
    """Measured update sizes (markers) against exact suprema (lines), as t grows.

    ``ts`` are the steps t; ``measured`` maps a label to one size per t (e.g. the last step
    of a torch optimizer fed a worst-case gradient sequence of length t, in units of λ);
    ``exact`` maps a label to one exact value per t (e.g. ``adam_supremum(mu, nu, t).value``);
    ``bounds`` maps a label to a constant drawn as a horizontal line (None and ∞ skipped).
    The k-th measured and k-th exact series share a colour. Log scale in the size."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    t = np.asarray(list(ts), dtype=float)
    for k, (label, vals) in enumerate(exact.items()):
        ax.plot(t, [_num(v) for v in vals], "-", color=f"C{k}", lw=1.4, label=label)
    for k, (label, vals) in enumerate(measured.items()):
        ax.plot(t, [_num(v) for v in vals], "o", ms=4, color=f"C{k}", mfc="none", label=label)
    _update_axes(ax, bounds, title)
    return _finish(fig, path)
