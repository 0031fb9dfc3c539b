"""Figures shared by the command line, the notebooks and the paper: one function per figure,
each writing a file (matplotlib, Agg backend) and returning its path.

* :func:`reddi_figure` -- the Reddi, Kale & Kumar (2018) counterexample: average regret
  R(t)/t and the iterate x_t for each algorithm (runs from :func:`laprop_theory.regret.run_reddi`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

__all__ = ["reddi_figure"]


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
