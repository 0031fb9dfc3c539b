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
import os
import re
import signal
import sys
import threading
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


def rows(steps: int, seed: int, out: list[dict[str, object]] | None = None,
         ) -> list[dict[str, object]]:
    """The table's rows, one per optimizer; each is also appended to ``out`` as it finishes
    (what an interrupt keeps)."""
    out = [] if out is None else out
    lr = 1e-2
    configs: list[tuple[str, Callable[[list[torch.nn.Parameter]], torch.optim.Optimizer]]] = [
        (f"LaProp  lr={lr:g} μ=0.9 ν=0.999 ε=1e-15",
         lambda p: LaProp(p, lr=lr, betas=(0.9, 0.999), foreach=True)),
        (f"Adam    lr={lr:g} β=(0.9, 0.999) ε=1e-8",
         lambda p: torch.optim.Adam(p, lr=lr, betas=(0.9, 0.999), foreach=True)),
        ("Adai    lr=1 β0=0.1 β2=0.99 ε=1e-3",
         lambda p: Adai(p, lr=1.0, betas=(0.1, 0.99))),
    ]
    for name, make in configs:
        out.append(run(name, make, steps, seed))
    return out


def format_table(table: Sequence[dict[str, object]]) -> str:
    head = f"{'optimizer and hyperparameters':<40} {'initial':>8} {'final':>8} " \
           f"{'max after 10':>12} {'wall s':>7}"
    lines = [head, "-" * len(head)]
    for r in table:
        lines.append(f"{r['name']:<40} {r['initial']:>8.4f} {r['final']:>8.4f} "
                     f"{r['worst']:>12.4f} {r['wall']:>7.2f}")
    return "\n".join(lines)


MAX_STEPS = 20_000
"""Upper limit of --steps (three optimizers, ~1-3 ms per full-batch step here: a minute or
two at the limit)."""
MAX_SEED = 2**32 - 1
QUOTE = 60  # the most characters of an argument that a message repeats


def _quote(text: str) -> str:
    return repr(text if len(text) <= QUOTE else text[: QUOTE - 3] + "...")


class _Parser(argparse.ArgumentParser):
    _seen: list[str] = []

    def parse_known_args(self, args=None, namespace=None):  # noqa: ANN001, ANN201
        self._seen = [a for a in (sys.argv[1:] if args is None else args) if isinstance(a, str)]
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> None:  # one line, exit code 2, arguments cut to 60
        for a in sorted((a for a in self._seen if len(a) > QUOTE), key=len, reverse=True):
            message = message.replace(repr(a), _quote(a)).replace(a, _quote(a)[1:-1])
        message = message.replace("\r", "\\r").replace("\n", "\\n")
        sys.stderr.write(f"laprop.demo: error: {message}\n")
        raise SystemExit(2)


_INT = re.compile(r"[+-]?[0-9]{1,30}")


def _int_in(name: str, lo: int, hi: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not _INT.fullmatch(text) or not lo <= int(text) <= hi:
            raise argparse.ArgumentTypeError(f"{name} must be an integer in [{lo}, {hi}], "
                                             f"got {_quote(text)}")
        return int(text)

    return parse


def _positive_int(text: str) -> int:
    return _int_in("steps", 1, MAX_STEPS)(text)


def _int(text: str) -> int:
    return _int_in("seed", 0, MAX_SEED)(text)


class _Stop(KeyboardInterrupt):
    """SIGTERM, handled as Ctrl-C."""


def _on_sigterm(signum: int, frame: object) -> None:  # noqa: ARG001
    raise _Stop()


def main(argv: Sequence[str] | None = None) -> int:
    parser = _Parser(prog="python -m laprop.demo", description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=_positive_int, default=300,
                        help=f"full-batch training steps per optimizer, in [1, {MAX_STEPS}] "
                             "(default 300)")
    parser.add_argument("--seed", type=_int, default=0,
                        help=f"data and init seed, in [0, {MAX_SEED}] (default 0)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    print(f"2-layer ReLU MLP, synthetic 4-class data (1024 points, 10% label noise), "
          f"{args.steps} full-batch steps, seed {args.seed}", flush=True)
    done: list[dict[str, object]] = []
    old = None
    if threading.current_thread() is threading.main_thread():
        old = signal.signal(signal.SIGTERM, _on_sigterm)
    try:
        rows(args.steps, args.seed, done)
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: the rows that finished, exit code 130
        if done:
            print(format_table(done))
        print(f"stopped: interrupted after {len(done)} of 3 optimizers", flush=True)
        sys.stderr.write("laprop.demo: interrupted\n")
        return 130
    finally:
        if old is not None:
            signal.signal(signal.SIGTERM, old)
    print(format_table(done))
    return 0


if __name__ == "__main__":
    _code = main()
    if _code == 130:  # interrupted: everything is printed; skip torch's slow teardown
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(_code)
    raise SystemExit(_code)
