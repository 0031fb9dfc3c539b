"""One float64 task of a round (a random screen and a batched local search from an elite),
and the merge of the tasks' elites."""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np

from .. import heuristics as S
from .problem import ELITES, RATIO_FAMILIES, TASKS_PER_ROUND


def _task(args: tuple, should_stop: Callable[[], bool] | None = None,
          ) -> tuple[list[tuple[float, np.ndarray, np.ndarray]], int, list, bool]:
    """One exploration task of one round (runs in a worker process, or in the main one with
    ``should_stop``). ``args`` = (problem, seed, round, index, elites[, deadline]): a worker
    stops at the deadline (time.monotonic() is system-wide); every batch polls it. Returns
    (found, evaluations, family seeds, complete): above :data:`heuristics.SMALL_T` round 0
    also returns the best member of each family with a ratio (pure family members, polished
    first in mpmath); ``complete`` is False when the task may have been stopped early (a run
    without a time limit or an interrupt is never stopped, so its rounds stay
    deterministic)."""
    problem, seed, rnd, idx, elites = args[:5]
    deadline = args[5] if len(args) > 5 else None
    if should_stop is None:
        def should_stop() -> bool:
            return deadline is not None and time.monotonic() >= deadline
    target = problem.target
    T = problem.steps
    large = T > S.SMALL_T
    objective = S.make_objective(target, problem.mu, problem.nu)
    rng = np.random.default_rng([seed, rnd, idx])
    found: list[tuple[float, np.ndarray, np.ndarray]] = []
    seeds: list = []
    evals = 0
    if rnd == 0:
        part = S.family_specs(T)[idx::TASKS_PER_ROUND]
        n = S.chunk_rows(T)
        chunks = []
        for i in range(0, len(part), n):  # one chunk up to SMALL_T: as one batch before
            if should_stop():
                return found, evals, seeds, False
            Sc, Xc, _ = S.family_rows(part[i:i + n], T)
            chunks.append(objective(Sc, Xc))
            del Sc, Xc
        vals = np.concatenate(chunks)
        evals += vals.size
        order = np.argsort(-vals, kind="stable")[:ELITES]
        St, Xt, _ = S.family_rows([part[i] for i in order], T)
        found += [(float(vals[i]), St[j], Xt[j]) for j, i in enumerate(order)]
        starts = [(St[0], Xt[0])]
        if large:  # the best member of each family with a ratio, for the mpmath polish
            for kind in RATIO_FAMILIES:
                idx_k = [i for i, sp in enumerate(part) if sp[0] == kind and i != order[0]]
                if idx_k:
                    i = max(idx_k, key=lambda i: (vals[i], -i))
                    if math.isfinite(vals[i]):
                        Sk, Xk, _ = S.family_rows([part[i]], T)
                        seeds.append((float(vals[i]), Sk[0], Xk[0]))
    else:
        Sr, Xr = S.random_candidates(rng, 512 if not large else min(512, max(64, S.chunk_rows(T))),
                                     T)
        vals = S._chunked(objective, Sr, Xr)
        evals += vals.size
        i = int(np.argmax(vals))
        found.append((float(vals[i]), Sr[i], Xr[i]))
        choice = rng.random()
        if elites and choice < 0.6:
            _, s0, x0 = elites[int(rng.integers(0, min(len(elites), 3)))]
            x0 = x0 + (rng.normal(size=T) * rng.choice([0.0, 0.1, 1.0]))
            starts = [(s0, x0)]
        else:
            starts = [(Sr[i], Xr[i])]
        del Sr, Xr
    tilt = np.arange(T, dtype=float)
    stop = should_stop
    levels = (6, 4) if large else (10, 10)  # above SMALL_T the mpmath line search refines
    for s0, x0 in starts:
        v, x0, n = S.line_zoom(objective, s0, x0, tilt, levels=levels[0], should_stop=stop)
        evals += n
        if large and rnd == 0:
            seeds.append((v, s0.copy(), x0.copy()))
        v, s1, x1, n = S.local_search(objective, s0, x0, rng, iterations=40 if rnd else 60,
                                      should_stop=stop)
        evals += n
        v, x1, n = S.line_zoom(objective, s1, x1, tilt, span=0.1, levels=levels[1],
                               should_stop=stop)
        evals += n
        found.append((v, s1, x1))
    return found, evals, seeds, not should_stop()  # stopped early: the round is dropped


def _merge_elites(elites: list, found: list) -> list:
    pool = sorted(elites + found, key=lambda e: -e[0] if math.isfinite(e[0]) else math.inf)
    out: list = []
    keys: set[bytes] = set()
    for e in pool:
        key = np.round(np.concatenate([e[1], e[2] - np.max(e[2])]), 6).tobytes()
        if key in keys or not math.isfinite(e[0]):
            continue
        keys.add(key)
        out.append(e)
        if len(out) == ELITES:
            break
    return out
