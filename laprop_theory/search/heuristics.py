"""Float64 exploration heuristics: structured families, random sampling, batched local search.

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

SMALL_T = 64
"""Up to this horizon every position gets its own structured rows and the local search moves
every coordinate (work ~T² per batch); above it positions are sampled (:func:`positions`) and
the local search moves a random subset of coordinates, so that memory and time per batch grow
linearly in T."""

CHUNK_FLOATS = 2**21
"""Batches of candidates are evaluated in chunks of at most this many entries (rows × T), so
that the float64 screens use a bounded amount of memory whatever T is."""

LOCAL_STEPS = 30_000
"""Budget of one :func:`local_search` above :data:`SMALL_T`, in batch steps (iterations × T;
a float64 batch of the recurrences costs ~50 µs per step, nearly whatever its number of rows):
its iterations shrink as T grows (at least 4)."""

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


def positions(lo: int, hi: int, T: int, n: int = 16) -> list[int]:
    """Positions j in [lo, hi] given their own structured rows: all of them up to
    :data:`SMALL_T`; above, the first four, the last twelve and ``n`` more spread
    geometrically by their distance from the end (an update at step T weighs step k by
    μ^{T−k}, so the recent past matters most)."""
    if hi < lo:
        return []
    if T <= SMALL_T:
        return list(range(lo, hi + 1))
    chosen = set(range(lo, min(lo + 4, hi + 1))) | set(range(max(lo, hi - 11), hi + 1))
    for d in np.geomspace(12, max(12, hi - lo), n):
        chosen.add(int(min(hi, max(lo, hi - round(float(d))))))
    return sorted(chosen)


FamilySpec = tuple
"""One structured row: (kind, parameters...); :func:`family_rows` turns specs into rows."""


def family_specs(T: int) -> list[FamilySpec]:
    """The structured rows in their fixed order (see :func:`structured_families`), as small
    specs (no arrays): at most a few thousand whatever T is."""
    specs: list[FamilySpec] = []
    lrs = np.concatenate([-np.geomspace(12, 1e-3, 60), [0.0], np.geomspace(1e-3, 12, 60)])
    zero_prefix = positions(1, T - 1, T)
    for lr in lrs:
        for pname in ("same", "alternating", "last-flipped"):
            specs.append(("geometric", float(lr), pname))
        for j in zero_prefix:
            specs.append(("zeros-geometric", float(lr), j))
    for a in np.geomspace(1e-2, 10, 40):
        for pname in ("same", "alternating", "last-flipped"):
            specs.append(("super-exponential", float(a), pname))
    for j in positions(0, T - 1, T):
        for L in (-20.0, -5.0, -1.0, 1.0, 3.0, 10.0, 30.0):
            specs.append(("spike", L, j))
            specs.append(("negative-spike", L, j))
        specs.append(("one-spike", 0.0, j))
    for j in positions(1, T - 1, T):
        for lr in (0.5, 2.0, 7.0):
            specs.append(("growth", lr, j))
    return specs


def family_rows(specs: list[FamilySpec], T: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Sign patterns S, log-magnitudes X (shape (len(specs), T)) and names of ``specs``."""
    k = np.arange(T, dtype=float)
    ones = np.ones(T)
    alt = (-1.0) ** (T - 1 - k)
    lastflip = ones.copy()
    lastflip[-1] = -1
    patterns = {"same": ones, "alternating": alt, "last-flipped": lastflip}
    S = np.empty((len(specs), T))
    X = np.empty((len(specs), T))
    names = []
    for i, (kind, p, q) in enumerate(specs):
        if kind == "geometric":
            S[i], X[i] = patterns[q], p * k
            names.append(f"geometric ratio e^{p:.3g}, {q}")
        elif kind == "zeros-geometric":
            S[i] = ones
            S[i, :q] = 0
            X[i] = p * k
            names.append(f"zeros then geometric e^{p:.3g} from {q + 1}")
        elif kind == "super-exponential":
            S[i], X[i] = patterns[q], p * k * k
            names.append(f"super-exponential e^({p:.3g} k^2), {q}")
        elif kind == "spike":
            S[i], X[i] = ones, 0.0
            X[i, q] = p
            names.append(f"spike {p:+g} at {q + 1}")
        elif kind == "negative-spike":
            S[i] = np.where(k == q, -1.0, 1.0)
            X[i] = 0.0
            X[i, q] = p
            names.append(f"negative spike {p:+g} at {q + 1}")
        elif kind == "one-spike":
            S[i], X[i] = 0.0, 0.0
            S[i, q] = 1
            names.append(f"one spike at {q + 1} on zeros")
        elif kind == "growth":
            S[i], X[i] = ones, p * np.minimum(k, q)
            names.append(f"growth e^{p:g} until {q + 1}, then constant")
        else:  # pragma: no cover - the specs come from family_specs
            raise ValueError(f"unknown family {kind!r}")
    return S, X, names


def chunk_rows(T: int) -> int:
    """Rows per evaluated chunk at horizon T (:data:`CHUNK_FLOATS` entries)."""
    return max(1, CHUNK_FLOATS // max(1, T))


@functools.lru_cache(maxsize=8)
def structured_families(T: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """A deterministic grid of structured sequences: geometric (constant, alternating and
    last-flipped signs, with zero prefixes), super-exponential growth, one spike on a constant
    background or on zeros, two-phase (growth then constant) and decaying sequences.

    All of them at once, as arrays of shape (rows, T); the searcher itself evaluates
    :func:`family_specs` chunk by chunk instead (above :data:`SMALL_T` the positions of zero
    prefixes, spikes and growth phases are sampled, so the rows number a few thousand)."""
    return family_rows(family_specs(T), T)


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
                 iterations: int = 60, step: float = 1.0,
                 should_stop: Callable[[], bool] | None = None,
                 ) -> tuple[float, np.ndarray, np.ndarray, int]:
    """Batched pattern search in log-space from (s, x): each iteration evaluates, in one batch,
    x ± δ e_i, random Gaussian directions of length ~δ, ± δ·(k/T)^p (tilts: a geometric
    sequence stays geometric), dilations about the largest entry,
    and (every 4th iteration) every single sign flip and zeroing. The best improving move is
    taken and δ grows; otherwise δ halves (and is reset when it falls below 1e-9).

    Above :data:`SMALL_T` each iteration moves a random subset of :data:`SUBSET` coordinates
    (and draws that many random directions) instead of all T, and the number of iterations is
    capped by :data:`LOCAL_STEPS`: memory and time per iteration grow linearly in T.
    ``should_stop()`` is polled between iterations.
    Returns (value, s, x, evaluations)."""
    T = x.size
    s, x = s.astype(float).copy(), x.astype(float).copy()
    best = float(objective(s[None], x[None])[0])
    evals = 1
    small = T <= SMALL_T
    eye = np.eye(T) if small else None
    k = np.arange(T) / T
    tilts = np.stack([k, k * k, k**3, np.sqrt(k)])  # geometric-type moves along the sequence
    delta = step
    if not small:  # a batch costs ~50 µs per step whatever its rows: cap the batches
        iterations = min(iterations, max(4, LOCAL_STEPS // T))
    for it in range(iterations):
        if should_stop is not None and should_stop():
            break
        if small:
            coords = np.arange(T)
            unit = eye
            randoms = rng.normal(size=(2 * T, T)) / np.sqrt(T)
        else:
            coords = np.sort(rng.choice(T, SUBSET, replace=False))
            unit = np.zeros((SUBSET, T))
            unit[np.arange(SUBSET), coords] = 1.0
            randoms = rng.normal(size=(SUBSET, T)) / np.sqrt(T)
        dirs = [unit, -unit, randoms, tilts, -tilts]
        Xc = np.concatenate([x + delta * d for d in dirs])
        top = np.max(np.where(s != 0, x, -np.inf)) if np.any(s != 0) else 0.0
        alphas = np.array([1 + delta, 1 + 4 * delta, 1 - delta / 2])
        Xc = np.concatenate([Xc, top + alphas[:, None] * (x - top)[None]])
        Sc = np.repeat(s[None], Xc.shape[0], axis=0)
        if it % 4 == 3:
            n = len(coords)
            flips = np.repeat(s[None], n, axis=0)
            flips[np.arange(n), coords] *= -1
            zeros = np.repeat(s[None], n, axis=0)
            zeros[np.arange(n), coords] *= 0.0  # as s·(1 − e_i): −0.0 where s = −1
            revive = np.repeat(s[None], n, axis=0)
            revive[np.arange(n), coords] = np.where(s[coords] == 0, 1.0, s[coords])
            Sc = np.concatenate([Sc, flips, zeros, revive])
            Xc = np.concatenate([Xc, np.repeat(x[None], 3 * n, axis=0)])
        vals = _chunked(objective, Sc, Xc)
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


SUBSET = 48
"""Coordinates moved per local-search iteration above :data:`SMALL_T`."""


def _chunked(objective: Objective, S: np.ndarray, X: np.ndarray) -> np.ndarray:
    """objective(S, X), in chunks of :func:`chunk_rows` rows (one call when they fit)."""
    n = chunk_rows(S.shape[1])
    if S.shape[0] <= n:
        return objective(S, X)
    return np.concatenate([objective(S[i:i + n], X[i:i + n]) for i in range(0, S.shape[0], n)])


def line_zoom(objective: Objective, s: np.ndarray, x: np.ndarray, direction: np.ndarray,
              span: float = 1.0, points: int = 65, levels: int = 10,
              should_stop: Callable[[], bool] | None = None,
              ) -> tuple[float, np.ndarray, int]:
    """Maximise τ ↦ objective(x + τ·direction) on a grid around τ = 0 that zooms in by 8×
    per level (one batch per level). With direction = (0, 1, ..., T−1) this refines the ratio
    of a geometric sequence to float64 precision. ``should_stop()`` is polled between levels.
    Returns (value, x, evaluations)."""
    s = s.astype(float)
    best = float(objective(s[None], x[None])[0])
    evals = 1
    rows = np.repeat(s[None], points, axis=0)
    for _ in range(levels):
        if should_stop is not None and should_stop():
            break
        taus = np.linspace(-span, span, points)
        vals = _chunked(objective, rows, x[None] + taus[:, None] * direction[None])
        evals += points
        i = int(np.argmax(vals))
        if vals[i] > best:
            best, x = float(vals[i]), x + taus[i] * direction
        span /= 8
    return best, x, evals
