"""Figures of the experiments, drawn from their JSON records (``Record.to_json()``).

Each experiment module draws its own figures (its ``plot(record, out)``, declared in its
``EXPERIMENT``); this module holds what they share (the Agg backend, :func:`save_figure`) and
:func:`plot`, which finds the experiment of a record in the registry. Every plot function
takes the record dict and an output folder, writes PNG files there and returns their paths, so
the notebooks and the companion paper can redraw a figure from a saved ``NAME.json`` without
rerunning anything.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DPI = 110

__all__ = ["DPI", "plot", "plt", "save_figure"]


def save_figure(fig: Any, out: Path, name: str) -> Path:
    """Write ``fig`` (tight layout, :data:`DPI`) to ``out/name``, close it, return the path."""
    out.mkdir(parents=True, exist_ok=True)
    path = out / name
    fig.tight_layout()
    fig.savefig(path, dpi=DPI)
    plt.close(fig)
    return path


def plot(rec: dict[str, Any], out: Path | str) -> list[Path]:
    """Draw the figures of record ``rec`` into ``out`` with the ``plot`` of the experiment
    named ``rec["name"]`` (KeyError for an unknown experiment)."""
    from .registry import load

    return load(rec["name"]).plot(rec, Path(out))
