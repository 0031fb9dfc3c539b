"""PROXY for the transformer experiments (paper Sec. 5.4, App. C.5, Fig. 5): warm-up or not.

The paper trains IWSLT14 De-En transformers at a peak lr of 3e-4 (and RoBERTa): without warm-up
Adam gets trapped at a high loss while LaProp keeps improving; with warm-up both coincide. Neither
fits on two shared CPU cores, so this is a small proxy, clearly not the paper's experiment:

- task: reverse a random token sequence (length 8, 8 symbols; fresh batches from a seeded
  generator, so it needs no data files), a 2-layer post-LayerNorm ``nn.TransformerEncoder``
  (d = 64, 4 heads, feed-forward 128, no dropout) with learned positions, per-position
  cross-entropy;
- schedule as in Fig. 5: with warm-up the lr rises linearly from 0 to the peak over the first
  ``warmup`` steps, then decays linearly to 0 at the last step; without warm-up it starts at the
  peak and decays linearly;
- a largish peak lr (3e-3, ten times the paper's, for a model thousands of times smaller),
  μ = 0.9, ν = 0.98 (fairseq's transformer default), ε = 1e-8 for Adam / AMSGrad and LaProp's
  default 1e-15 for LaProp / AmsProp, as in App. C.5.

What it shows: whether, on a small post-LN transformer, dropping the warm-up at a large lr hurts
Adam more than LaProp. What it does not show: anything about translation, the paper's model sizes,
its learning rates, or its data; a trapped or untrapped tiny model says little about a large one.
"""

from __future__ import annotations

import math
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
    make_optimizer,
    no_tick,
    seed_everything,
)
from .plots import plt, save_figure
from .registry import Experiment

NAME = "transformer-warmup"
TITLE = "PROXY: tiny transformer, with vs without lr warm-up (Sec. 5.4)"
CLAIM = ("without warm-up at a large lr Adam gets stuck at a high loss while LaProp keeps "
         "improving; with warm-up the two coincide")

VOCAB, LENGTH, D_MODEL, HEADS, FF, LAYERS, BATCH = 8, 8, 64, 4, 128, 2, 32
MU, NU = 0.9, 0.98
EPS = {"LaProp": 1e-15, "AmsProp": 1e-15, "Adam": 1e-8, "AMSGrad": 1e-8, "Adai": 0.0}
FULL = {"steps": 300, "warmup": 75, "lr": 3e-3, "seeds": 2, "optimizers": ("LaProp", "Adam")}
QUICK = {"steps": 60, "warmup": 15, "lr": 3e-3, "seeds": 1, "optimizers": ("LaProp", "Adam")}


class TinyTransformer(torch.nn.Module):
    """Token + learned position embeddings, a post-LN TransformerEncoder, a linear read-out."""

    def __init__(self) -> None:
        super().__init__()
        self.tok = torch.nn.Embedding(VOCAB, D_MODEL)
        self.pos = torch.nn.Parameter(torch.randn(LENGTH, D_MODEL))
        layer = torch.nn.TransformerEncoderLayer(D_MODEL, HEADS, FF, dropout=0.0,
                                                 batch_first=True, norm_first=False)
        self.encoder = torch.nn.TransformerEncoder(layer, LAYERS, enable_nested_tensor=False)
        self.out = torch.nn.Linear(D_MODEL, VOCAB)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Logits (batch, length, vocab) for token ids ``x`` (batch, length)."""
        return self.out(self.encoder(self.tok(x) + self.pos))


def lr_at(step: int, steps: int, peak: float, warmup: int) -> float:
    """Fig. 5's schedule: linear warm-up over ``warmup`` steps (0: none), then linear decay."""
    if warmup and step < warmup:
        return peak * (step + 1) / warmup
    start = warmup if warmup else 0
    return peak * max(0.0, 1 - (step - start) / max(1, steps - start))


def train(opt_name: str, seed: int, steps: int, warmup: int, peak: float) -> dict[str, object]:
    """Train one model; return the per-step training loss curve."""
    seed_everything(seed)
    model = TinyTransformer()
    opt = make_optimizer(opt_name, model.parameters(), lr=peak, mu=MU, nu=NU,
                         eps=EPS[opt_name], adai_lr=peak)
    gen = torch.Generator().manual_seed(10_000 + seed)
    losses: list[float | None] = []
    for t in range(steps):
        for g in opt.param_groups:
            g["lr"] = lr_at(t, steps, peak, warmup)
        x = torch.randint(0, VOCAB, (BATCH, LENGTH), generator=gen)
        logits = model(x)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, VOCAB),
                                                 x.flip(1).reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        losses.append(finite_or_none(loss.item()))
        if losses[-1] is None:
            break
    tail = [v for v in losses[-max(1, steps // 10):] if v is not None]
    return {"loss": losses, "initial": losses[0],
            "final": (sum(tail) / len(tail)) if tail else None}


def run(quick: bool = False, seeds: int | None = None, tick: Tick = no_tick) -> Record:
    """Each optimizer, with and without warm-up, on every seed."""
    cfg = QUICK if quick else FULL
    seed_list = list(range(seeds or cfg["seeds"]))
    results: dict[str, dict] = {}
    with Timer() as timer:
        for mode, warm in (("warmup", cfg["warmup"]), ("no_warmup", 0)):
            results[mode] = {}
            for name in cfg["optimizers"]:
                runs = {str(s): train(name, s, cfg["steps"], warm, cfg["lr"])
                        for s in seed_list}
                finals = [r["final"] for r in runs.values()]
                results[mode][name] = {
                    "runs": runs,
                    "mean_final": (None if None in finals else sum(finals) / len(finals))}
                tick(len(seed_list))
    status, verdict = _verdict(results)
    return Record(
        name=NAME, title=TITLE, claim=CLAIM, quick=quick, seeds=seed_list, proxy=True,
        setup={"task": f"reverse a random sequence (length {LENGTH}, vocab {VOCAB})",
               "model": f"post-LN TransformerEncoder, {LAYERS} layers, d={D_MODEL}, "
                        f"{HEADS} heads, ff={FF}, no dropout",
               "batch": BATCH, "steps": cfg["steps"], "warmup_steps": cfg["warmup"],
               "peak_lr": cfg["lr"], "mu": MU, "nu": NU,
               "eps": {k: EPS[k] for k in cfg["optimizers"]},
               "optimizers": list(cfg["optimizers"]),
               "final": "mean training loss over the last 10% of steps"},
        results=results, status=status, verdict=verdict, runtime_s=timer.seconds,
        notes=["PROXY: a tiny synthetic task, not IWSLT14 / RoBERTa; see the module docstring",
               "AmsProp, AMSGrad and Adai are not run here: CPU time on the shared machine was "
               "spent on the two optimizers the claim is about (Adai's SGD-scale lr also has "
               "no counterpart in this schedule)"])


def units(quick: bool = False, seeds: int | None = None) -> int:
    """Progress-bar units: one per trained model."""
    cfg = QUICK if quick else FULL
    return 2 * len(cfg["optimizers"]) * (seeds or cfg["seeds"])


def _verdict(results: dict) -> tuple[str, str]:
    nw, w = results["no_warmup"], results["warmup"]
    parts = [f"{mode} final loss: " + ", ".join(
        f"{k} {fmt(v['mean_final'])}" for k, v in results[mode].items())
        for mode in ("warmup", "no_warmup")]
    line = "; ".join(parts) + f" (chance level ln {VOCAB} = {math.log(VOCAB):.3f})"
    lap, adam = nw["LaProp"]["mean_final"], nw["Adam"]["mean_final"]
    lap_w, adam_w = w["LaProp"]["mean_final"], w["Adam"]["mean_final"]
    inf = float("inf")
    lap, adam = lap if lap is not None else inf, adam if adam is not None else inf
    stuck = adam > 0.5 * math.log(VOCAB)  # Adam stays above half of chance-level loss
    if stuck and lap < 0.5 * adam:
        close = (lap_w is not None and adam_w is not None
                 and abs(lap_w - adam_w) <= 0.5 * max(lap_w, adam_w) + 0.05)
        return ("reproduced" if close else "partially"), line
    if lap < adam:
        return "partially", line + " (LaProp lower without warm-up, but Adam not stuck)"
    return "not reproduced", line


def _smooth(ys: list[float], k: int) -> list[float]:
    out, acc = [], []
    for y in ys:
        acc.append(y)
        if len(acc) > k:
            acc.pop(0)
        out.append(sum(acc) / len(acc))
    return out


def plot(rec: dict[str, Any], out: Path) -> list[Path]:
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
    return [save_figure(fig, out, "transformer-warmup.png")]


EXPERIMENT = Experiment(
    name=NAME, description="PROXY: tiny transformer with vs without warm-up (Sec. 5.4)",
    order=4, run=run, units=units, plot=plot)
