"""``python -m laprop.demo``: LaProp, Adam and Adai side by side on a small seeded problem.

A two-layer ReLU network (20 → 32 → 4) is trained on a synthetic 4-class problem (1024 points
labelled by a fixed random "teacher" network, with 10 % label noise) by full-batch steps, once
per optimizer, from the same initial weights. The table gives the hyperparameters, the initial
and final training loss (cross-entropy), the largest loss seen after step 10 and the wall time.

The paper's Fig. 1 setting (μ = 0.9, ν = 0.7, where Adam diverges on MNIST) was tried on this
problem, full-batch and with minibatches of 32, at lr 3e-3 and 1e-2: Adam did not become
unstable here, so the table shows the default settings only (LaProp runs its foreach path, to
avoid the fused kernel's one-time C++ build inside a timed demo).
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable, Sequence

import torch

from .adai import Adai
from .optimizer import LaProp


def make_problem(seed: int, n: int = 1024, d: int = 20, classes: int = 4
                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs and labels of the synthetic classification set (deterministic in ``seed``)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, d, generator=g)
    teacher = torch.randn(d, 16, generator=g), torch.randn(16, classes, generator=g)
    y = (torch.tanh(x @ teacher[0]) @ teacher[1]).argmax(dim=1)
    flip = torch.rand(n, generator=g) < 0.1
    y[flip] = torch.randint(0, classes, (int(flip.sum()),), generator=g)
    return x, y


def make_model(seed: int, d: int = 20, hidden: int = 32, classes: int = 4) -> torch.nn.Module:
    torch.manual_seed(seed + 1)
    return torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.ReLU(),
                               torch.nn.Linear(hidden, classes))


def run(name: str, make_opt: Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer],
        steps: int, seed: int) -> dict[str, object]:
    """Train one model; return the row of the table."""
    x, y = make_problem(seed)
    model = make_model(seed)
    opt = make_opt(list(model.parameters()))
    losses = []
    t0 = time.perf_counter()
    for _ in range(steps):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with torch.no_grad():
        final = torch.nn.functional.cross_entropy(model(x), y).item()
    wall = time.perf_counter() - t0
    later = [v for v in losses[10:] if math.isfinite(v)] or [float("nan")]
    return {"name": name, "initial": losses[0], "final": final, "worst": max(later),
            "wall": wall}


def rows(steps: int, seed: int) -> list[dict[str, object]]:
    lr = 1e-2
    configs: list[tuple[str, Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer]]] = [
        (f"LaProp  lr={lr:g} μ=0.9 ν=0.999 ε=1e-15",
         lambda p: LaProp(p, lr=lr, betas=(0.9, 0.999), foreach=True)),
        (f"Adam    lr={lr:g} β=(0.9, 0.999) ε=1e-8",
         lambda p: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), foreach=True)),
        ("Adai    lr=1 β0=0.1 β2=0.99 ε=1e-3",
         lambda p: Adai(p, lr=1.0, betas=(0.1, 0.99))),
    ]
    return [run(name, make, steps, seed) for name, make in configs]


def format_table(table: Sequence[dict[str, object]]) -> str:
    head = f"{'optimizer and hyperparameters':<40} {'initial':>8} {'final':>8} " \
           f"{'max after 10':>12} {'wall s':>7}"
    lines = [head, "-" * len(head)]
    for r in table:
        lines.append(f"{r['name']:<40} {r['initial']:>8.4f} {r['final']:>8.4f} "
                     f"{r['worst']:>12.4f} {r['wall']:>7.2f}")
    return "\n".join(lines)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line, exit code 2
        sys.stderr.write(f"laprop.demo: error: {message}\n")
        raise SystemExit(2)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be >= 1, got {value}")
    return value


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m laprop.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=_positive_int, default=300,
                        help="full-batch training steps per optimizer (default 300)")
    parser.add_argument("--seed", type=_int, default=0, help="data and init seed (default 0)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"2-layer ReLU MLP, synthetic 4-class data (1024 points, 10% label noise), "
          f"{args.steps} full-batch steps, seed {args.seed}")
    print(format_table(rows(args.steps, args.seed)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
