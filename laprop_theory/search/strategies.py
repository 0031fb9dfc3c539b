"""Float64 exploration strategies: structured families, random sampling, batched local search.

A candidate is a pair (s, x) of sign pattern s ∈ {−1, 0, +1}^T and log-magnitudes x ∈ R^T,
decoded as g_k = s_k · exp(x_k) (for scale-invariant targets shifted so that max x = 0 and
clipped from below, so that g_k² neither overflows nor underflows in float64). Every function
here is deterministic given its ``numpy.random.Generator``; values are float64 screens only.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import numpy as np

X_FLOOR = -340.0
"""Lowest log-magnitude after normalisation: exp(2·X_FLOOR) ≈ 1e-295 is still a normal float."""

Objective = Callable[[np.ndarray, np.ndarray], np.ndarray]


def decode_f64(S: np.ndarray, X: np.ndarray, scale_invariant: bool = True) -> np.ndarray:
    """g = s · exp(x − max x) (rows), clipped at :data:`X_FLOOR`; batch shapes (B, T).
    Targets that are not scale-invariant get g = s · exp(min(x, 0)): |g| ≤ 1."""
    S, X = np.atleast_2d(S), np.atleast_2d(X)
    if scale_invariant:
        live = np.where(S != 0, X, -np.inf)
        top = np.max(live, axis=1, keepdims=True)
        top = np.where(np.isfinite(top), top, 0.0)
        X = X - top
    return S * np.exp(np.clip(X, X_FLOOR, 0.0))


def make_objective(target: Any, mu: Any, nu: Any) -> Objective:
    """F64 objective on (S, X) batches; non-finite values (float artefacts) become −inf."""

    def objective(S: np.ndarray, X: np.ndarray) -> np.ndarray:
        G = decode_f64(S, X, target.scale_invariant)
        with np.errstate(all="ignore"):
            v = np.asarray(target.f64(G, mu, nu), float).reshape(-1)
        v[~np.isfinite(v)] = -np.inf
        return v

    return objective


# ----------------------------------------------------------------------------- structured families


@functools.lru_cache(maxsize=8)
def structured_families(T: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A deterministic grid of structured sequences: geometric (constant, alternating and
    last-flipped signs, with zero prefixes), super-exponential growth, one spike on a constant
    background or on zeros, two-phase (growth then constant) and decaying sequences."""
    k = np.arange(T, dtype=float)
    S_rows: list[np.ndarray] = []
    X_rows: list[np.ndarray] = []
    names: list[str] = []
    ones = np.ones(T)
    alt = (-1.0) ** (T - 1 - k)
    lastflip = ones.copy()
    lastflip[-1] = -1
    patterns = {"same": ones, "alternating": alt, "last-flipped": lastflip}

    def add(s: np.ndarray, x: np.ndarray, name: str) -> None:
        S_rows.append(s.astype(float))
        X_rows.append(x.astype(float))
        names.append(name)

    for lr in np.concatenate([-np.geomspace(12, 1e-3, 60), [0.0], np.geomspace(1e-3, 12, 60)]):
        for pname, s in patterns.items():
            add(s, lr * k, f"geometric ratio e^{lr:.3g}, {pname}")
        for j in range(1, T):
            s = ones.copy()
            s[:j] = 0
            add(s, lr * k, f"zeros then geometric e^{lr:.3g} from {j + 1}")
    for a in np.geomspace(1e-2, 10, 40):
        for pname, s in patterns.items():
            add(s, a * k * k, f"super-exponential e^({a:.3g} k^2), {pname}")
    for j in range(T):
        for L in (-20.0, -5.0, -1.0, 1.0, 3.0, 10.0, 30.0):
            x = np.zeros(T)
            x[j] = L
            add(ones, x, f"spike {L:+g} at {j + 1}")
            add(np.where(k == j, -1.0, 1.0), x, f"negative spike {L:+g} at {j + 1}")
        s = np.zeros(T)
        s[j] = 1
        add(s, np.zeros(T), f"one spike at {j + 1} on zeros")
    for j in range(1, T):
        for lr in (0.5, 2.0, 7.0):
            add(ones, lr * np.minimum(k, j), f"growth e^{lr:g} until {j + 1}, then constant")
    return np.array(S_rows), np.array(X_rows), names


def random_candidates(rng: np.random.Generator, n: int, T: int) -> tuple[np.ndarray, np.ndarray]:
    """n random candidates from a mixture: i.i.d. log-uniform magnitudes on several scales,
    sorted (monotone) log-magnitudes, random walks in log-magnitude; random signs, with a few
    zeros."""
    scale = rng.choice([1.0, 4.0, 15.0, 60.0], size=(n, 1))
    kind = rng.integers(0, 3, size=(n, 1))
    U = rng.uniform(-1, 1, size=(n, T)) * scale
    X = np.where(kind == 0, U, 0.0)
    X = np.where(kind == 1, np.sort(U, axis=1), X)
    X = np.where(kind == 2, np.cumsum(rng.normal(size=(n, T)), axis=1) * scale / 4, X)
    S = rng.choice([-1.0, 1.0], size=(n, T))
    same = rng.random((n, 1)) < 0.5
    S = np.where(same, np.sign(S[:, -1:]) * np.ones((1, T)), S)
    S = np.where(rng.random((n, T)) < 0.03, 0.0, S)
    S[:, -1] = np.where(S[:, -1] == 0, 1.0, S[:, -1])
    return S, X


def plain_random(rng: np.random.Generator, n: int, T: int, span: float = 10.0
                 ) -> tuple[np.ndarray, np.ndarray]:
    """The baseline: i.i.d. log-uniform magnitudes on [e^−span, e^span], i.i.d. random signs."""
    return rng.choice([-1.0, 1.0], size=(n, T)), rng.uniform(-span, span, size=(n, T))


# ----------------------------------------------------------------------------- local search


def local_search(objective: Objective, s: np.ndarray, x: np.ndarray, rng: np.random.Generator,
                 iterations: int = 60, step: float = 1.0) -> tuple[float, np.ndarray, np.ndarray,
                                                                   int]:
    """Batched pattern search in log-space from (s, x): each iteration evaluates, in one batch,
    x ± δ e_i, random Gaussian directions of length ~δ, ± δ·(k/T)^p (tilts: a geometric
    sequence stays geometric), dilations about the largest entry,
    and (every 4th iteration) every single sign flip and zeroing. The best improving move is
    taken and δ grows; otherwise δ halves (and is reset when it falls below 1e-9).
    Returns (value, s, x, evaluations)."""
    T = x.size
    s, x = s.astype(float).copy(), x.astype(float).copy()
    best = float(objective(s[None], x[None])[0])
    evals = 1
    eye = np.eye(T)
    k = np.arange(T) / T
    tilts = np.stack([k, k * k, k**3, np.sqrt(k)])  # geometric-type moves along the sequence
    delta = step
    for it in range(iterations):
        dirs = [eye, -eye, rng.normal(size=(2 * T, T)) / np.sqrt(T), tilts, -tilts]
        Xc = np.concatenate([x + delta * d for d in dirs])
        top = np.max(np.where(s != 0, x, -np.inf)) if np.any(s != 0) else 0.0
        alphas = np.array([1 + delta, 1 + 4 * delta, 1 - delta / 2])
        Xc = np.concatenate([Xc, top + alphas[:, None] * (x - top)[None]])
        Sc = np.repeat(s[None], Xc.shape[0], axis=0)
        if it % 4 == 3:
            flips = np.repeat(s[None], T, axis=0) * (1 - 2 * eye)
            zeros = np.repeat(s[None], T, axis=0) * (1 - eye)
            revive = np.where(eye > 0, np.where(s == 0, 1.0, s), s)
            Sc = np.concatenate([Sc, flips, zeros, revive])
            Xc = np.concatenate([Xc, np.repeat(x[None], 3 * T, axis=0)])
        vals = objective(Sc, Xc)
        evals += vals.size
        i = int(np.argmax(vals))
        if vals[i] > best:
            best, s, x = float(vals[i]), Sc[i].copy(), Xc[i].copy()
            delta = min(delta * 2.0, 64.0)
        else:
            delta *= 0.5
            if delta < 1e-9:
                delta = step
    return best, s, x, evals




def line_zoom(objective: Objective, s: np.ndarray, x: np.ndarray, direction: np.ndarray,
              span: float = 1.0, points: int = 65, levels: int = 10,
              ) -> tuple[float, np.ndarray, int]:
    """Maximise τ ↦ objective(x + τ·direction) on a grid around τ = 0 that zooms in by 8×
    per level (one batch per level). With direction = (0, 1, ..., T−1) this refines the ratio
    of a geometric sequence to float64 precision. Returns (value, x, evaluations)."""
    s = s.astype(float)
    best = float(objective(s[None], x[None])[0])
    evals = 1
    rows = np.repeat(s[None], points, axis=0)
    for _ in range(levels):
        taus = np.linspace(-span, span, points)
        vals = objective(rows, x[None] + taus[:, None] * direction[None])
        evals += points
        i = int(np.argmax(vals))
        if vals[i] > best:
            best, x = float(vals[i]), x + taus[i] * direction
        span /= 8
    return best, x, evals
