"""Heat maps of an atlas over the (ν, μ) plane, one panel per T (matplotlib, Agg).

* :func:`ratio_figure` -- log10(best / bound) for each target with a paper bound: above 0
  (red) the search beat the paper's bound;
* :func:`adam_over_laprop_figure` -- log10(best_Adam / best_LaProp), the worst Adam update
  over the worst LaProp update at the same (μ, ν, T);
* :func:`prop2_figure` -- where Proposition 2 as stated (|update| ≤ 1/(1 − μ/√ν)) holds, fails
  (best > bound), fails with a certified violation, or does not apply (μ ≥ √ν);
* :func:`draw_figures` -- all that the rows allow, written into a folder.

Every panel carries the curve μ = √ν (γ = μ/√ν = 1), the edge of Prop. 2's hypothesis. Cells
are centred on the grid values; a point without a value is grey. Values are converted to
float for plotting only. Each function writes its file atomically and returns its path, or
None when the rows hold nothing it can draw.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap, TwoSlopeNorm
from matplotlib.figure import Figure

from ..files import replacing

__all__ = ["adam_over_laprop_figure", "draw_figures", "latest", "prop2_figure",
           "ratio_figure"]

Row = dict[str, Any]
Cell = tuple[str, str, int]  # (mu, nu, T)


def latest(rows: Iterable[Row]) -> dict[str, dict[Cell, Row]]:
    """target → {(μ, ν, T): row}, the last row of each point winning (file order)."""
    out: dict[str, dict[Cell, Row]] = {}
    for r in rows:
        out.setdefault(r["target"], {})[(r["mu"], r["nu"], int(r["steps"]))] = r
    return out


def _num(text: Any) -> float:
    """float of a row value (None, "inf" and unparsable text → nan / inf)."""
    if text is None:
        return math.nan
    try:
        return float(text)
    except (TypeError, ValueError):
        return math.nan


def _edges(values: list[float]) -> np.ndarray:
    """Cell edges around sorted grid values: midpoints inside, half a gap outside, in [0, 1]."""
    v = np.asarray(values, float)
    if v.size == 1:
        return np.clip([v[0] - 0.05, v[0] + 0.05], 0, 1)
    mid = (v[1:] + v[:-1]) / 2
    e = np.concatenate([[v[0] - (mid[0] - v[0])], mid, [v[-1] + (v[-1] - mid[-1])]])
    return np.clip(e, 0, 1)


def _axes_values(cells: Iterable[Cell]) -> tuple[list[str], list[str], list[int]]:
    cells = list(cells)
    mus = sorted({c[0] for c in cells}, key=Fraction)
    nus = sorted({c[1] for c in cells}, key=Fraction)
    ts = sorted({c[2] for c in cells})
    return mus, nus, ts


def _matrix(mus: list[str], nus: list[str], T: int, value: Callable[[Cell], float]
            ) -> np.ndarray:
    return np.array([[value((m, n, T)) for n in nus] for m in mus], float)


def _panel(fig: Figure, ax: Any, mus: list[str], nus: list[str], C: np.ndarray, title: str,
           **mesh: Any) -> Any:
    """One heat map with the μ = √ν curve; returns the mesh (for a colour bar)."""
    xe, ye = _edges([float(n) for n in nus]), _edges([float(m) for m in mus])
    quad = ax.pcolormesh(xe, ye, np.ma.masked_invalid(C), shading="flat", **mesh)
    ax.set_facecolor("0.8")
    nu_line = np.linspace(xe[0], xe[-1], 200)
    ax.plot(nu_line, np.sqrt(nu_line), "k--", lw=1, label="μ = √ν")
    ax.set_xlim(xe[0], xe[-1])
    ax.set_ylim(ye[0], ye[-1])
    ax.set_xlabel("ν")
    ax.set_ylabel("μ")
    ax.set_title(title, fontsize=9)
    return quad


def _save(fig: Figure, path: Path) -> Path:
    """Write ``fig`` to ``path`` through a temporary file renamed into place."""
    with replacing(path, suffix=path.suffix, parents=True) as tmp:
        fig.savefig(tmp, dpi=110, bbox_inches="tight")
    return path


def _grid_figure(n_rows: int, n_cols: int) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(3.2 * n_cols + 1.0, 2.8 * n_rows + 0.4), layout="constrained")
    axes = np.atleast_2d(fig.subplots(n_rows, n_cols, squeeze=False))
    return fig, axes


def _log_ratio(a: Any, b: Any) -> float:
    x, y = _num(a), _num(b)
    if not (x > 0 and y > 0) or math.isinf(x) or math.isinf(y):
        return math.nan
    return math.log10(x / y)


def ratio_figure(rows: Iterable[Row], path: str | Path) -> Path | None:
    """log10(best / bound) over (ν, μ), a row of panels per target with a bound, a column
    per T; a diverging colour scale centred on ratio 1."""
    by = {t: cells for t, cells in latest(rows).items()
          if any(r["bound"] is not None for r in cells.values())}
    if not by:
        return None
    targets = sorted(by)
    fig, axes = _grid_figure(len(targets), max(len(_axes_values(by[t])[2]) for t in targets))
    for i, t in enumerate(targets):
        cells = by[t]
        mus, nus, ts = _axes_values(cells)
        for j, T in enumerate(ts):
            C = _matrix(mus, nus, T, lambda c, cells=cells: _log_ratio(
                cells[c]["best_value"], cells[c]["bound"]) if c in cells else math.nan)
            finite = C[np.isfinite(C)]
            top = max(1e-3, float(np.max(np.abs(finite))) if finite.size else 1.0)
            quad = _panel(fig, axes[i, j], mus, nus, C, f"{t}, T = {T}", cmap="RdBu_r",
                          norm=TwoSlopeNorm(0.0, -top, top))
            fig.colorbar(quad, ax=axes[i, j], label="log10(best / bound)")
        for j in range(len(ts), axes.shape[1]):
            axes[i, j].set_visible(False)
    fig.suptitle("worst case found / the paper's bound (grey: no bound)", fontsize=10)
    return _save(fig, Path(path))


def adam_over_laprop_figure(rows: Iterable[Row], path: str | Path) -> Path | None:
    """log10(best adam-update / best laprop-update) over (ν, μ), one panel per T (points
    with both targets only)."""
    by = latest(rows)
    adam, lap = by.get("adam-update", {}), by.get("laprop-update", {})
    both = set(adam) & set(lap)
    if not both:
        return None
    mus, nus, ts = _axes_values(both)
    fig, axes = _grid_figure(1, len(ts))
    for j, T in enumerate(ts):
        C = _matrix(mus, nus, T, lambda c: _log_ratio(adam[c]["best_value"],
                                                      lap[c]["best_value"])
                    if c in both else math.nan)
        finite = C[np.isfinite(C)]
        top = max(1e-3, float(np.max(np.abs(finite))) if finite.size else 1.0)
        quad = _panel(fig, axes[0, j], mus, nus, C, f"T = {T}", cmap="PuOr_r",
                      norm=TwoSlopeNorm(0.0, -top, top))
        fig.colorbar(quad, ax=axes[0, j], label="log10(Adam / LaProp)")
    fig.suptitle("worst Adam update / worst LaProp update (grey: Adam unbounded)",
                 fontsize=10)
    return _save(fig, Path(path))


PROP2_CLASSES = ("holds", "fails", "fails (certified)", "does not apply (μ ≥ √ν)")


def _prop2_class(row: Row | None) -> float:
    """0 holds, 1 fails, 2 fails with a certificate, 3 not applicable, nan unknown."""
    if row is None:
        return math.nan
    if row["bound"] is None:
        return 3.0
    ratio = _num(row["ratio"])
    if math.isnan(ratio):
        return math.nan
    if ratio > 1:
        return 2.0 if row["certified_violation"] else 1.0
    return 0.0


def prop2_figure(rows: Iterable[Row], path: str | Path) -> Path | None:
    """Where Proposition 2 as stated holds or fails, from ``prop2-statement`` rows (else
    ``adam-update`` rows, whose bound is the same), one panel per T."""
    by = latest(rows)
    cells = by.get("prop2-statement") or by.get("adam-update")
    if not cells:
        return None
    mus, nus, ts = _axes_values(cells)
    fig, axes = _grid_figure(1, len(ts))
    cmap = ListedColormap(["#4c9a2a", "#f4a259", "#c0392b", "#d0d0e8"])
    norm = BoundaryNorm([-0.5, 0.5, 1.5, 2.5, 3.5], cmap.N)
    for j, T in enumerate(ts):
        C = _matrix(mus, nus, T, lambda c: _prop2_class(cells.get(c)))
        quad = _panel(fig, axes[0, j], mus, nus, C, f"T = {T}", cmap=cmap, norm=norm)
        bar = fig.colorbar(quad, ax=axes[0, j], ticks=[0, 1, 2, 3])
        bar.ax.set_yticklabels(PROP2_CLASSES, fontsize=7)
    fig.suptitle("Proposition 2 as stated: |Adam update| ≤ 1/(1 − μ/√ν)", fontsize=10)
    return _save(fig, Path(path))


FIGURES = {"atlas-ratio.png": ratio_figure,
           "atlas-adam-over-laprop.png": adam_over_laprop_figure,
           "atlas-prop2.png": prop2_figure}
"""File name → function, for :func:`draw_figures`."""


def draw_figures(rows: Iterable[Row], folder: str | Path) -> list[Path]:
    """Every figure the rows allow, written into ``folder``; returns the paths written."""
    rows = list(rows)
    out = []
    for name, draw in FIGURES.items():
        path = draw(rows, Path(folder) / name)
        if path is not None:
            out.append(path)
    return out
