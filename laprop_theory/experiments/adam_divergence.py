"""Divergence of Adam at μ = 0.9, ν = 0.7 (paper Sec. 3.1, Fig. 1).

The paper trains a two-layer ReLU network on MNIST with μ = 0.9, ν = 0.7 (so μ > √ν ≈ 0.837,
outside Proposition 2's bound) and shows Adam's training loss blowing up while LaProp trains. Here:
sklearn's digits (1797 8x8 images, pixels scaled to [0, 1]) instead of MNIST, a 64-256-10 ReLU
network, cross-entropy, minibatches of 64 drawn with replacement, the same initialisation and
minibatch sequence for every optimizer of a seed, training loss on the full set every few steps.

The paper does not give Fig. 1's learning rate or ε. We use ε = 1e-15 (LaProp's default) for all
and lr = 3e-3: in our probes at lr = 1e-3 (batches 32-128, 2000-3000 steps) Adam at ν = 0.7 did
not blow up on this small data set, with ε = 1e-8 at lr = 1e-3 not either. The mechanism is
visible in the update: when a weight's gradient is zero for k steps (a pixel or hidden unit
inactive in consecutive minibatches), Adam's m/√n grows like (μ/√ν)^k ≈ 1.076^k, LaProp's cannot.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch

from .common import (
    COLORS,
    OPTIMIZERS,
    Record,
    Tick,
    Timer,
    finite_or_none,
    fmt,
    load_digits_tensors,
    make_optimizer,
    no_tick,
    seed_everything,
)
from .plots import plt, save_figure
from .registry import Experiment

NAME = "adam-divergence"
TITLE = "Adam diverges at μ = 0.9, ν = 0.7; LaProp trains (Fig. 1)"
CLAIM = "with μ = 0.9, ν = 0.7 Adam's training loss blows up while LaProp's decreases"

MU, NU, EPS, LR, BATCH, HIDDEN, ADAI_LR = 0.9, 0.7, 1e-15, 3e-3, 64, 256, 0.1
FULL = {"steps": 3000, "eval_every": 50, "seeds": 3, "optimizers": OPTIMIZERS, "lr": LR}
QUICK = {"steps": 400, "eval_every": 25, "seeds": 2, "optimizers": ("LaProp", "Adam"),
         "lr": 1e-2}


def two_layer_net(seed: int) -> torch.nn.Module:
    """The 64-256-10 ReLU network, initialised from ``seed`` (torch's default init)."""
    seed_everything(seed)
    return torch.nn.Sequential(torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(),
                               torch.nn.Linear(HIDDEN, 10))


def train(opt_name: str, seed: int, steps: int, eval_every: int, *, lr: float = LR,
          nu: float = NU) -> dict[str, object]:
    """Train one network; return the full-set training loss every ``eval_every`` steps."""
    x, y = load_digits_tensors()
    net = two_layer_net(seed)
    opt = make_optimizer(opt_name, net.parameters(), lr=lr, mu=MU, nu=nu, eps=EPS,
                         adai_lr=ADAI_LR)
    gen = torch.Generator().manual_seed(seed)
    lossf = torch.nn.functional.cross_entropy
    curve_steps, curve = [], []
    for t in range(steps + 1):
        if t % eval_every == 0:
            with torch.no_grad():
                full = float(lossf(net(x), y))
            curve_steps.append(t)
            curve.append(finite_or_none(full))
            if not math.isfinite(full):
                break
        if t == steps:
            break
        idx = torch.randint(0, len(x), (BATCH,), generator=gen)
        loss = lossf(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    finite = [c for c in curve if c is not None]
    initial = curve[0]
    diverged = len(finite) < len(curve) or max(finite[1:], default=0.0) > initial
    return {"steps": curve_steps, "loss": curve, "initial": initial,
            "final": curve[-1], "max_after_start": max(finite[1:], default=None),
            "min": min(finite), "nonfinite": len(finite) < len(curve),
            "blew_up": bool(diverged)}


def run(quick: bool = False, seeds: int | None = None, tick: Tick = no_tick) -> Record:
    """Train every optimizer on every seed; verdict from Adam's and LaProp's curves."""
    cfg = QUICK if quick else FULL
    seed_list = list(range(seeds or cfg["seeds"]))
    results: dict[str, dict] = {}
    with Timer() as timer:
        for name in cfg["optimizers"]:
            results[name] = {}
            for s in seed_list:
                results[name][str(s)] = train(name, s, cfg["steps"], cfg["eval_every"],
                                              lr=cfg["lr"])
                tick(1)
    status, verdict = _verdict(results, len(seed_list))
    return Record(
        name=NAME, title=TITLE, claim=CLAIM, quick=quick, seeds=seed_list,
        setup={"data": "sklearn digits, 1797 x 64, pixels / 16", "net": "64-256-10 ReLU",
               "loss": "cross-entropy", "batch": BATCH, "lr": cfg["lr"], "mu": MU, "nu": NU,
               "eps": EPS, "steps": cfg["steps"], "eval_every": cfg["eval_every"],
               "optimizers": list(cfg["optimizers"]),
               "adai": {"lr": ADAI_LR, "why": "Adai's lr is on SGD's scale; DESIGN.md's lr = 1 "
                        "is for ResNets, 0.1 is a plain SGD-like choice for this MLP; β0, β2, ε "
                        "are its defaults"}},
        results=results, status=status, verdict=verdict, runtime_s=timer.seconds,
        notes=["'blew up' = the full-set training loss exceeded its initial value, or became "
               "NaN/inf, at some evaluation after step 0",
               "full: lr = 3e-3 rather than the typical 1e-3 (see the module docstring); "
               "quick: lr = 1e-2, where Adam blows up within a few hundred steps"])


def units(quick: bool = False, seeds: int | None = None) -> int:
    """Progress-bar units: one per trained network."""
    cfg = QUICK if quick else FULL
    return len(cfg["optimizers"]) * (seeds or cfg["seeds"])


def _verdict(results: dict, n: int) -> tuple[str, str]:
    adam = results["Adam"].values()
    lap = results["LaProp"].values()
    adam_up = sum(r["blew_up"] for r in adam)
    lap_ok = sum((not r["blew_up"]) and r["final"] is not None and r["final"] < r["initial"] / 2
                 for r in lap)
    extra = "; ".join(
        f"{k} blew up {sum(r['blew_up'] for r in v.values())}/{n}" for k, v in results.items()
        if k not in ("Adam", "LaProp"))
    line = (f"Adam blew up in {adam_up}/{n} seeds (max loss "
            f"{', '.join(fmt(r['max_after_start']) for r in adam)} vs initial "
            f"{', '.join(fmt(r['initial']) for r in adam)}; final "
            f"{', '.join(fmt(r['final']) for r in adam)}); LaProp trained in {lap_ok}/{n} "
            f"(final {', '.join(fmt(r['final']) for r in lap)})" + (f"; {extra}" if extra else ""))
    if adam_up == n and lap_ok == n:
        return "reproduced", line
    if adam_up > 0 and lap_ok == n:
        return "partially", line
    return "not reproduced", line


def plot(rec: dict[str, Any], out: Path) -> list[Path]:
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
    return [save_figure(fig, out, "adam-divergence.png")]


EXPERIMENT = Experiment(
    name=NAME, description="Adam diverges at μ=0.9, ν=0.7 on a 2-layer ReLU net (Fig. 1)",
    order=2, run=run, units=units, plot=plot)
