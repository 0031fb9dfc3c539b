"""The paper's experiments that fit on a CPU: one module per experiment, and their registry.

Each module exposes ``NAME``, ``TITLE``, ``CLAIM``, ``run(quick, seeds, tick) -> Record`` and
``units(quick, seeds)`` (progress-bar length); :mod:`.plots` draws each record's figures.
"""

from __future__ import annotations

import importlib
from types import ModuleType

EXPERIMENTS: dict[str, str] = {
    "rosenbrock": "noisy Rosenbrock, time to converge vs ν (Sec. 5.1, Fig. 2)",
    "adam-divergence": "Adam diverges at μ=0.9, ν=0.7 on a 2-layer ReLU net (Fig. 1)",
    "deep-fc": "deep fully connected ReLU networks (Sec. 5.3, Fig. 4)",
    "transformer-warmup": "PROXY: tiny transformer with vs without warm-up (Sec. 5.4)",
}


def get(name: str) -> ModuleType:
    """The module of experiment ``name`` (KeyError for an unknown name)."""
    if name not in EXPERIMENTS:
        raise KeyError(name)
    return importlib.import_module(f"{__name__}.{name.replace('-', '_')}")


__all__ = ["EXPERIMENTS", "get"]
