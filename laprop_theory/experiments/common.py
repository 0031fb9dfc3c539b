"""Shared pieces of the experiments: optimizer factory, data, seeding, result records.

Every experiment compares the same five optimizers, built here from their library classes (no
optimizer is re-implemented in this package):

- ``LaProp``  -- ``laprop.LaProp`` (ε inside the root, as in the paper and the spec);
- ``AmsProp`` -- ``laprop.LaProp(amsgrad=True)`` (Algorithm 3);
- ``Adam``    -- ``torch.optim.Adam``;
- ``AMSGrad`` -- ``torch.optim.Adam(amsgrad=True)``;
- ``Adai``    -- ``laprop.Adai`` (adaptive inertia). The LaProp paper never runs Adai, so its
  β0, β2 and ε are the defaults of DESIGN.md (β0 = 0.1, β2 = 0.99, ε = 1e-3); its learning rate is
  set per experiment and documented in each result's ``setup``.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch

OPTIMIZERS: tuple[str, ...] = ("LaProp", "AmsProp", "Adam", "AMSGrad", "Adai")
"""The optimizers every experiment compares, in plotting order."""

ADAI_DEFAULTS: dict[str, float] = {"beta0": 0.1, "beta2": 0.99, "eps": 1e-3}
"""Adai's hyperparameters (DESIGN.md, from its reference code) other than the learning rate."""

COLORS: dict[str, str] = {
    "LaProp": "tab:red", "AmsProp": "tab:orange", "Adam": "tab:blue", "AMSGrad": "tab:cyan",
    "Adai": "tab:green",
}

Tick = Callable[[int], None]
"""Progress callback: advance the progress bar by ``n`` units of work."""


def no_tick(n: int = 1) -> None:
    """A progress callback that does nothing."""


def make_optimizer(name: str, params: Iterable[torch.Tensor], *, lr: float, mu: float,
                   nu: float, eps: float, adai_lr: float | None = None) -> torch.optim.Optimizer:
    """Build optimizer ``name`` (one of :data:`OPTIMIZERS`) with momentum ``mu``, adaptivity
    ``nu`` and ``eps``. Adai ignores ``mu``, ``nu`` and ``eps`` (it has adaptive inertia and its
    own ε) and uses ``adai_lr`` when given, else ``lr``."""
    from laprop import Adai, LaProp

    params = list(params)
    if name == "LaProp":
        return LaProp(params, lr=lr, betas=(mu, nu), eps=eps)
    if name == "AmsProp":
        return LaProp(params, lr=lr, betas=(mu, nu), eps=eps, amsgrad=True)
    if name == "Adam":
        return torch.optim.Adam(params, lr=lr, betas=(mu, nu), eps=eps)
    if name == "AMSGrad":
        return torch.optim.Adam(params, lr=lr, betas=(mu, nu), eps=eps, amsgrad=True)
    if name == "Adai":
        return Adai(params, lr=lr if adai_lr is None else adai_lr,
                    betas=(ADAI_DEFAULTS["beta0"], ADAI_DEFAULTS["beta2"]),
                    eps=ADAI_DEFAULTS["eps"])
    raise ValueError(f"unknown optimizer {name!r}; expected one of {', '.join(OPTIMIZERS)}")


def seed_everything(seed: int) -> None:
    """Seed torch's global generator (the model initialisations use it)."""
    torch.manual_seed(seed)


def load_digits_tensors() -> tuple[torch.Tensor, torch.Tensor]:
    """sklearn's shipped digits data (1797 8x8 images, 10 classes): inputs scaled to [0, 1]
    as a float32 (1797, 64) tensor, and int64 labels."""
    from sklearn.datasets import load_digits

    x, y = load_digits(return_X_y=True)
    return (torch.tensor(x / 16.0, dtype=torch.float32), torch.tensor(y, dtype=torch.int64))


def finite_or_none(x: float) -> float | None:
    """``x`` as a JSON-safe float: None for NaN or ±inf."""
    return float(x) if math.isfinite(x) else None


def median(xs: Sequence[float]) -> float | None:
    """Median of ``xs`` (None when empty)."""
    if not xs:
        return None
    s = sorted(xs)
    k = len(s) // 2
    return float(s[k]) if len(s) % 2 else 0.5 * (s[k - 1] + s[k])


def fmt(x: float | None, digits: int = 3) -> str:
    """Short human formatting of a float or None."""
    if x is None:
        return "nan/inf"
    return f"{x:.{digits}g}"


@dataclass
class Record:
    """What one experiment returns; ``to_json()`` is the DIR/NAME.json payload."""

    name: str
    title: str
    claim: str
    quick: bool
    seeds: list[int]
    setup: dict[str, Any]
    results: dict[str, Any]
    status: str
    verdict: str
    proxy: bool = False
    notes: list[str] = field(default_factory=list)
    runtime_s: float = 0.0

    def verdict_line(self) -> str:
        """The one-line VERDICT printed by the command line."""
        return f"VERDICT {self.name}: {self.status} -- {self.verdict}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-serialisable dict (floats only, no tensors)."""
        return {
            "name": self.name, "title": self.title, "claim": self.claim, "proxy": self.proxy,
            "quick": self.quick, "seeds": self.seeds, "setup": self.setup,
            "results": self.results, "status": self.status, "verdict": self.verdict,
            "verdict_line": self.verdict_line(), "notes": self.notes,
            "runtime_s": round(self.runtime_s, 2),
        }


class Timer:
    """Wall-clock timer: ``with Timer() as t: ...; t.seconds``."""

    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        self.seconds = 0.0
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start
