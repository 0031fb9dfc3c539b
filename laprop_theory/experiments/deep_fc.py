"""Deep fully connected ReLU networks (paper Sec. 5.3, App. C.4, Fig. 4).

Paper: MNIST, input 784, d hidden layers of width 256, output 10, Kaiming initialisation, batch
1024, LaProp's defaults (μ = 0.9, ν = 0.999, ε = 1e-15) except the learning rate, Adam likewise
(ε = 1e-8); "neither can learn with lr > 1e-4, and as the lr decreases LaProp begins to learn
first". Here, to fit two shared CPU cores: sklearn's digits (64 inputs), depth 32 (width 256,
Kaiming normal weights, zero biases), minibatches of 128, 150 steps, lr ∈ {1e-3, 1e-4, 1e-5}.
The depths in the paper's Fig. 4 are far beyond what we train here; at depth 32 on digits the
network is not pathological, so this checks the direction of the claim (which optimizer lowers
the loss faster at each lr), not its extreme-depth regime.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from .common import (
    COLORS,
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

NAME = "deep-fc"
TITLE = "Deep fully connected ReLU networks (Fig. 4)"
CLAIM = ("LaProp trains very deep FC ReLU networks at least as well as Adam and reduces the "
         "training loss faster; as the lr decreases, LaProp begins to learn first")

WIDTH, MU, NU = 256, 0.9, 0.999
EPS = {"LaProp": 1e-15, "AmsProp": 1e-15, "Adam": 1e-8, "AMSGrad": 1e-8}
FULL = {"depth": 32, "batch": 128, "steps": 150, "lrs": (1e-3, 1e-4, 1e-5), "seeds": 2,
        "optimizers": ("LaProp", "Adam")}
QUICK = {"depth": 8, "batch": 64, "steps": 25, "lrs": (1e-4,), "seeds": 1,
         "optimizers": ("LaProp", "Adam")}


def deep_net(depth: int, seed: int) -> torch.nn.Sequential:
    """64 → ``depth`` ReLU layers of width 256 → 10, Kaiming-normal weights, zero biases."""
    seed_everything(seed)
    layers: list[torch.nn.Module] = []
    fan_in = 64
    for _ in range(depth):
        layers += [torch.nn.Linear(fan_in, WIDTH), torch.nn.ReLU()]
        fan_in = WIDTH
    layers.append(torch.nn.Linear(fan_in, 10))
    net = torch.nn.Sequential(*layers)
    for m in net:
        if isinstance(m, torch.nn.Linear):
            torch.nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
            torch.nn.init.zeros_(m.bias)
    return net


def train(opt_name: str, seed: int, depth: int, batch: int, steps: int,
          lr: float) -> dict[str, object]:
    """Train one deep network; return the minibatch-loss curve and full-set losses."""
    x, y = load_digits_tensors()
    net = deep_net(depth, seed)
    opt = make_optimizer(opt_name, net.parameters(), lr=lr, mu=MU, nu=NU, eps=EPS[opt_name])
    gen = torch.Generator().manual_seed(seed)
    lossf = torch.nn.functional.cross_entropy
    with torch.no_grad():
        initial = float(lossf(net(x), y))
    curve: list[float | None] = []
    for _ in range(steps):
        idx = torch.randint(0, len(x), (batch,), generator=gen)
        loss = lossf(net(x[idx]), y[idx])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        curve.append(finite_or_none(loss.item()))
    with torch.no_grad():
        final = finite_or_none(float(lossf(net(x), y)))
    return {"loss": curve, "initial_full": finite_or_none(initial), "final_full": final}


def run(quick: bool = False, seeds: int | None = None, tick: Tick = no_tick) -> Record:
    """LaProp and Adam at each learning rate and seed."""
    cfg = QUICK if quick else FULL
    seed_list = list(range(seeds or cfg["seeds"]))
    results: dict[str, dict] = {}
    with Timer() as timer:
        for lr in cfg["lrs"]:
            key = f"{lr:g}"
            results[key] = {}
            for name in cfg["optimizers"]:
                runs = {str(s): train(name, s, cfg["depth"], cfg["batch"], cfg["steps"], lr)
                        for s in seed_list}
                finals = [r["final_full"] for r in runs.values()]
                results[key][name] = {
                    "runs": runs,
                    "mean_final": None if None in finals else sum(finals) / len(finals)}
                tick(len(seed_list))
    status, verdict = _verdict(results, cfg)
    return Record(
        name=NAME, title=TITLE, claim=CLAIM, quick=quick, seeds=seed_list,
        setup={"data": "sklearn digits (64 inputs), pixels / 16", "width": WIDTH,
               "depth": cfg["depth"], "init": "Kaiming normal (ReLU), zero biases",
               "batch": cfg["batch"], "steps": cfg["steps"], "lrs": list(cfg["lrs"]),
               "mu": MU, "nu": NU, "eps": {k: EPS[k] for k in cfg["optimizers"]},
               "optimizers": list(cfg["optimizers"])},
        results=results, status=status, verdict=verdict, runtime_s=timer.seconds,
        notes=["final = full-set training loss after the last step, mean over seeds",
               "AmsProp, AMSGrad and Adai are not run here: the claim is about LaProp vs Adam "
               "and each deep run costs minutes on the shared CPUs"])


def units(quick: bool = False, seeds: int | None = None) -> int:
    """Progress-bar units: one per trained network."""
    cfg = QUICK if quick else FULL
    return len(cfg["lrs"]) * len(cfg["optimizers"]) * (seeds or cfg["seeds"])


def _verdict(results: dict, cfg: dict) -> tuple[str, str]:
    inf = float("inf")
    wins, parts = 0, []
    for lr, res in results.items():
        lap = res["LaProp"]["mean_final"]
        adam = res["Adam"]["mean_final"]
        wins += (lap if lap is not None else inf) < (adam if adam is not None else inf)
        parts.append(f"lr={lr}: LaProp {fmt(lap)} vs Adam {fmt(adam)}")
    line = (f"depth {cfg['depth']}, final full-set loss after {cfg['steps']} steps (initial "
            f"≈ {fmt(next(iter(results.values()))['LaProp']['runs']['0']['initial_full'])}): "
            + "; ".join(parts) + f"; LaProp lower at {wins}/{len(results)} lrs")
    if wins == len(results):
        return "reproduced", line
    if wins > 0:
        return "partially", line
    return "not reproduced", line


def plot(rec: dict[str, Any], out: Path) -> list[Path]:
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
    return [save_figure(fig, out, "deep-fc.png")]


EXPERIMENT = Experiment(
    name=NAME, description="deep fully connected ReLU networks (Sec. 5.3, Fig. 4)",
    order=3, run=run, units=units, plot=plot)
