"""Figures of the experiments, drawn from their JSON records (``Record.to_json()``).

Every function takes the record dict and an output folder, writes PNG files there and returns
their paths, so the notebooks and the companion paper can redraw a figure from a saved
``NAME.json`` without rerunning anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

from .common import COLORS  # noqa: E402

DPI = 110


def _save(fig: Any, out: Path, name: str) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot_rosenbrock(rec: dict[str, Any], out: Path) -> list[Path]:
    """Fig. 2 analogue: median time to converge vs ν, one panel per σ; failed settings
    (no seed converged) drawn at the step budget with an open marker; success rates below."""
    res, steps = rec["results"], rec["setup"]["steps"]
    sigmas = list(res)
    fig, axes = plt.subplots(2, len(sigmas), figsize=(3.4 * len(sigmas), 5.6), squeeze=False,
                             sharex=True, gridspec_kw={"height_ratios": [2, 1]})
    for j, sig in enumerate(sigmas):
        ax, ax2 = axes[0][j], axes[1][j]
        for name, by_nu in res[sig].items():
            c = COLORS.get(name, "k")
            if name == "Adai":
                s = by_nu["adai"]
                y = s["median_time"] if s["median_time"] is not None else steps
                ax.axhline(y, color=c, ls=":", label=f"Adai ({s['success_rate']:.0%})")
                ax2.axhline(s["success_rate"], color=c, ls=":")
                continue
            nus = [float(k) for k in by_nu]
            xs = [min(n, 0.9999) for n in nus]
            xs = [-_log1m(x) for x in xs]
            ts = [v["median_time"] for v in by_nu.values()]
            rates = [v["success_rate"] for v in by_nu.values()]
            ax.plot(xs, [t if t is not None else steps for t in ts], "-", color=c, lw=1,
                    label=name)
            ax.scatter([x for x, t in zip(xs, ts, strict=True) if t is not None],
                       [t for t in ts if t is not None], color=c, s=14)
            ax.scatter([x for x, t in zip(xs, ts, strict=True) if t is None],
                       [steps] * sum(t is None for t in ts), facecolors="none",
                       edgecolors=c, s=30)
            ax2.plot(xs, rates, "o-", color=c, ms=3, lw=1)
        ticks = sorted({float(k) for n, v in res[sig].items() if n != "Adai" for k in v})
        ax2.set_xticks([-_log1m(min(n, 0.9999)) for n in ticks], [f"{n:g}" for n in ticks],
                       fontsize=7)
        ax.set_title(f"σ = {sig}")
        ax.set_yscale("log")
        ax.set_ylim(top=steps * 1.6)
        ax2.set_ylim(-0.05, 1.05)
        ax2.set_xlabel("ν  (spaced as −log10(1−ν))")
        if j == 0:
            ax.set_ylabel("median steps to converge")
            ax2.set_ylabel("success rate")
            ax.legend(fontsize=7)
    return [_save(fig, out, "rosenbrock.png")]


def _log1m(nu: float) -> float:
    import math

    return math.log10(1 - nu) if nu > 0 else 0.0


def plot_adam_divergence(rec: dict[str, Any], out: Path) -> list[Path]:
    """Fig. 1 analogue: full-set training loss vs step, every optimizer and seed (log scale)."""
    fig, ax = plt.subplots(figsize=(6, 4))
    for name, runs in rec["results"].items():
        for i, r in enumerate(runs.values()):
            ys = [v if v is not None else float("nan") for v in r["loss"]]
            ax.plot(r["steps"], ys, color=COLORS.get(name, "k"), lw=1, alpha=0.8,
                    label=name if i == 0 else None)
    s = rec["setup"]
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (full set)")
    ax.set_title(f"digits, 2-layer ReLU, μ={s['mu']}, ν={s['nu']}, lr={s['lr']:g}")
    ax.legend(fontsize=8)
    return [_save(fig, out, "adam-divergence.png")]


def plot_deep_fc(rec: dict[str, Any], out: Path) -> list[Path]:
    """Fig. 4 analogue: minibatch loss vs step, one panel per learning rate."""
    res = rec["results"]
    fig, axes = plt.subplots(1, len(res), figsize=(3.6 * len(res), 3.4), squeeze=False)
    for ax, (lr, by_opt) in zip(axes[0], res.items(), strict=True):
        for name, d in by_opt.items():
            for i, r in enumerate(d["runs"].values()):
                ys = [v if v is not None else float("nan") for v in r["loss"]]
                ax.plot(range(1, len(ys) + 1), ys, color=COLORS.get(name, "k"), lw=1,
                        alpha=0.8, label=name if i == 0 else None)
        ax.set_yscale("log")
        ax.set_title(f"depth {rec['setup']['depth']}, lr = {lr}")
        ax.set_xlabel("step")
    axes[0][0].set_ylabel("minibatch training loss")
    axes[0][0].legend(fontsize=8)
    return [_save(fig, out, "deep-fc.png")]


def _smooth(ys: list[float], k: int) -> list[float]:
    out, acc = [], []
    for y in ys:
        acc.append(y)
        if len(acc) > k:
            acc.pop(0)
        out.append(sum(acc) / len(acc))
    return out


def plot_transformer_warmup(rec: dict[str, Any], out: Path) -> list[Path]:
    """Fig. 5 analogue (proxy): training loss vs step, with and without warm-up."""
    res = rec["results"]
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
    for ax, mode in zip(axes, ("warmup", "no_warmup"), strict=True):
        for name, d in res[mode].items():
            for i, r in enumerate(d["runs"].values()):
                ys = [v if v is not None else float("nan") for v in r["loss"]]
                ax.plot(range(1, len(ys) + 1), _smooth(ys, 10), color=COLORS.get(name, "k"),
                        lw=1, alpha=0.8, label=name if i == 0 else None)
        ax.set_title(("with" if mode == "warmup" else "without") + " warm-up (PROXY)")
        ax.set_xlabel("step")
    axes[0].set_ylabel("training loss (10-step mean)")
    axes[0].legend(fontsize=8)
    return [_save(fig, out, "transformer-warmup.png")]


PLOTTERS = {
    "rosenbrock": plot_rosenbrock,
    "adam-divergence": plot_adam_divergence,
    "deep-fc": plot_deep_fc,
    "transformer-warmup": plot_transformer_warmup,
}


def plot(rec: dict[str, Any], out: Path | str) -> list[Path]:
    """Draw the figures of record ``rec`` (dispatching on its name) into ``out``."""
    return PLOTTERS[rec["name"]](rec, Path(out))
