"""The adversarial search loop: float64 exploration in rounds, mpmath polish, certification.

Round 0 screens the structured families (:func:`strategies.structured_families`). Every later
round runs :data:`TASKS_PER_ROUND` independent tasks, each seeded by (seed, round, task): a
random screen (:func:`strategies.random_candidates`) and a batched local search in log-space
started from an elite (a perturbed copy, or the elite itself) or from a random restart. The
tasks run in ``workers`` processes; their number and seeds do not depend on ``workers``, and
their results are merged in task order, so a run with a budget in rounds is deterministic
given ``seed`` whatever ``workers`` is. After each round the best new elites are re-evaluated
and polished in mpmath (dilation about the largest entry, then coordinate search in
log-space, at ``dps`` digits). Only mpmath values are reported; the reported sequence is a list
of decimal strings (:data:`SIG_DIGITS` significant digits) and the reported value is the
recurrence evaluated on exactly those decimals.

With a time limit, the number of rounds (and the polish cut short by the deadline) depends on
the machine's speed: such a run is reproducible only up to where it stopped.
"""

from __future__ import annotations

import contextlib
import math
import multiprocessing as mp_
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import mpmath
import numpy as np

from ..numerics import DEFAULT_DPS, mp_str
from . import strategies as S
from .targets import Target, get_target

SIG_DIGITS = 25
"""Significant digits of the reported (exact, decimal) candidate entries."""

TASKS_PER_ROUND = 4
ELITES = 8
POLISH_PER_ROUND = 2
STOP_GAP = mpmath.mpf("1e-30")
"""Stop when the best value is within this relative gap of the exact supremum."""


@dataclass
class Best:
    """The best candidate in mpmath: value, exact decimal sequence, and its (s, x) in mpf."""

    value: Any = None
    sequence: list[str] = field(default_factory=list)
    s: list[int] = field(default_factory=list)
    x: list[Any] = field(default_factory=list)


@dataclass
class SearchState:
    """Everything a run carries between rounds (and what a checkpoint restores)."""

    best: Best = field(default_factory=Best)
    elites: list[tuple[float, np.ndarray, np.ndarray]] = field(default_factory=list)
    polished: set[bytes] = field(default_factory=set)
    rounds: int = 0  # rounds completed
    evaluations: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class Problem:
    """What is searched: a target (by name and options) at (μ, ν, T)."""

    target_name: str
    mu: str
    nu: str
    steps: int
    options: tuple[tuple[str, Any], ...] = ()

    @property
    def target(self) -> Target:
        return get_target(self.target_name, **dict(self.options))


# ----------------------------------------------------------------------------- decoding (mpmath)


def decode_mp(s: list[int], x: list[Any], dps: int, scale_invariant: bool = True) -> list[str]:
    """The exact candidate: decimal strings of s_k·exp(x_k − max x) at :data:`SIG_DIGITS`
    (s_k·exp(min(x_k, 0)) when the target is not scale-invariant)."""
    with mpmath.workdps(dps):
        xs = [mpmath.mpf(v) for v in x]
        live = [v for v, sg in zip(xs, s, strict=True) if sg != 0]
        top = max(live) if (live and scale_invariant) else mpmath.mpf(0)
        out = []
        for sg, v in zip(s, xs, strict=True):
            if sg == 0:
                out.append("0")
            else:  # scale-invariant: largest entry 1; otherwise |g| <= 1
                out.append(mpmath.nstr(sg * mpmath.exp(min(v - top, 0)), SIG_DIGITS,
                                       min_fixed=-4, max_fixed=6))
        return out


def encode_mp(sequence: list[str], dps: int) -> tuple[list[int], list[Any]]:
    """(s, x) of a decimal sequence: signs and natural logs of the magnitudes (0 for zeros)."""
    with mpmath.workdps(dps):
        s, x = [], []
        for text in sequence:
            g = mpmath.mpf(text)
            s.append(int(mpmath.sign(g)))
            x.append(mpmath.log(abs(g)) if g != 0 else mpmath.mpf(0))
        return s, x


def mp_value(problem: Problem, sequence: list[str], dps: int) -> Any:
    """The reported objective: the target's mpmath evaluation on the exact decimals."""
    with mpmath.workdps(dps):
        return problem.target.mp(sequence, problem.mu, problem.nu, dps)


# ----------------------------------------------------------------------------- one task (float64)


def _task(args: tuple) -> tuple[list[tuple[float, np.ndarray, np.ndarray]], int]:
    """One exploration task of one round (runs in a worker process)."""
    problem, seed, rnd, idx, elites = args
    target = problem.target
    T = problem.steps
    objective = S.make_objective(target, problem.mu, problem.nu)
    rng = np.random.default_rng([seed, rnd, idx])
    found: list[tuple[float, np.ndarray, np.ndarray]] = []
    evals = 0
    if rnd == 0:
        Sf, Xf, _ = S.structured_families(T)
        part = slice(idx, None, TASKS_PER_ROUND)
        vals = objective(Sf[part], Xf[part])
        evals += vals.size
        order = np.argsort(-vals, kind="stable")[:ELITES]
        found += [(float(vals[i]), Sf[part][i], Xf[part][i]) for i in order]
        starts = [(Sf[part][order[0]], Xf[part][order[0]])]
    else:
        Sr, Xr = S.random_candidates(rng, 512, T)
        vals = objective(Sr, Xr)
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
    tilt = np.arange(T, dtype=float)
    for s0, x0 in starts:
        v, x0, n = S.line_zoom(objective, s0, x0, tilt)
        evals += n
        v, s1, x1, n = S.local_search(objective, s0, x0, rng, iterations=40 if rnd else 60)
        evals += n
        v, x1, n = S.line_zoom(objective, s1, x1, tilt, span=0.1)
        evals += n
        found.append((v, s1, x1))
    return found, evals


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


# ----------------------------------------------------------------------------- polish (mpmath)


def polish(problem: Problem, s: list[int], x: list[Any], dps: int, *, max_evals: int,
           should_stop: Callable[[], bool], coordinate: bool = True,
           ) -> tuple[Any, list[str], list[int], list[Any], int]:
    """Polish (s, x) in mpmath at ``dps`` digits: dilation about the largest entry (x ↦
    x_max + α(x − x_max), α = 2, 4, ...) while it improves, then coordinate search in
    log-space with per-coordinate steps that double on success and halve on failure.
    Returns (value, sequence, s, x, evaluations)."""
    target = problem.target
    inv = target.scale_invariant
    evals = 0

    def value_of(xv: list[Any]) -> tuple[Any, list[str]]:
        nonlocal evals
        seq = decode_mp(s, xv, dps, inv)
        evals += 1
        try:
            v = mp_value(problem, seq, dps)
        except (ZeroDivisionError, ValueError, OverflowError):
            v = mpmath.mpf("-inf")
        return v, seq

    with mpmath.workdps(dps):
        x = [mpmath.mpf(v) for v in x]
        best, seq = value_of(x)
        if inv and any(sg != 0 for sg in s):
            top = max(v for v, sg in zip(x, s, strict=True) if sg != 0)
            alpha = mpmath.mpf(2)
            while evals < max_evals and not should_stop():
                xt = [top + alpha * (v - top) for v in x]
                vt, st = value_of(xt)
                if vt > best:
                    best, seq, x = vt, st, xt
                else:
                    break
        steps = [mpmath.mpf("0.5")] * len(x)
        live = [i for i, sg in enumerate(s) if sg != 0]
        while coordinate and live and evals < max_evals and not should_stop():
            improved = False
            for i in live:
                if evals >= max_evals or should_stop():
                    break
                for sign in (1, -1):
                    xt = list(x)
                    xt[i] = x[i] + sign * steps[i]
                    vt, st = value_of(xt)
                    if vt > best:
                        best, seq, x = vt, st, xt
                        steps[i] *= 2
                        improved = True
                        break
                else:
                    steps[i] /= 2
            if not improved and max(steps[i] for i in live) < mpmath.mpf(10) ** (-dps // 2):
                break
        return best, seq, s, x, evals


# ----------------------------------------------------------------------------- the loop


@dataclass
class RunLimits:
    """When to stop: a time limit (s), a number of rounds, an interrupt flag, or the supremum."""

    time_limit: float | None = 60.0
    rounds: int | None = None
    stop_at_supremum: bool = True


def _pool(workers: int):
    if workers <= 1:
        return None
    ctx = mp_.get_context("fork")
    return ctx.Pool(workers, initializer=signal.signal, initargs=(signal.SIGINT, signal.SIG_IGN))


def search(problem: Problem, *, seed: int = 0, dps: int = DEFAULT_DPS, workers: int = 1,
           limits: RunLimits | None = None, state: SearchState | None = None,
           on_round: Callable[[SearchState], None] | None = None,
           interrupted: Callable[[], bool] = lambda: False) -> tuple[SearchState, str]:
    """Run (or resume, given ``state``) the search; returns (state, why it stopped).

    ``on_round(state)`` is called after every round and once after the first candidate of a
    fresh run (checkpointing, progress);
    ``interrupted()`` is polled between tasks and inside the polish (Ctrl-C).
    """
    limits = limits or RunLimits()
    state = state or SearchState()
    target = problem.target
    start = time.monotonic()
    base_seconds = state.seconds
    deadline = None if limits.time_limit is None else start + limits.time_limit
    sup = target.exact_supremum(problem.mu, problem.nu, problem.steps, dps)
    finite_sup = sup is not None and mpmath.isfinite(sup) and sup > 0

    def out_of_time() -> bool:
        return interrupted() or (deadline is not None and time.monotonic() >= deadline)

    def reached() -> bool:
        if not (limits.stop_at_supremum and finite_sup and state.best.value is not None):
            return False
        with mpmath.workdps(dps):
            return (sup - state.best.value) / sup <= STOP_GAP

    if state.best.value is None:  # a first candidate, so that there is always a best
        v, seq, s1, x1, n = polish(problem, [1] * problem.steps, [0.0] * problem.steps, dps,
                                   max_evals=1, should_stop=lambda: False, coordinate=False)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)
        if on_round is not None:
            on_round(state)
    pool = _pool(workers)
    reason = "rounds"
    try:
        rounds_run = 0
        while True:
            if interrupted():
                reason = "interrupted"
                break
            if deadline is not None and time.monotonic() >= deadline:
                reason = "time limit"
                break
            if limits.rounds is not None and rounds_run >= limits.rounds:
                reason = "rounds"
                break
            if reached():
                reason = "exact supremum reached"
                break
            rnd = state.rounds
            tasks = [(problem, seed, rnd, i, list(state.elites)) for i in range(TASKS_PER_ROUND)]
            if pool is None:
                results = []
                for t in tasks:
                    if out_of_time():
                        break
                    results.append(_task(t))
            else:
                async_res = pool.map_async(_task, tasks)
                while not async_res.ready():
                    async_res.wait(0.05)
                    if out_of_time():
                        break
                results = async_res.get() if async_res.ready() else []
            if len(results) < len(tasks):  # a round cut short is dropped whole
                reason = "interrupted" if interrupted() else "time limit"
                break
            for found, n in results:
                state.evaluations += n
                state.elites = _merge_elites(state.elites, found)
            _polish_round(problem, state, dps, out_of_time)
            state.rounds += 1
            rounds_run += 1
            state.seconds = base_seconds + time.monotonic() - start
            if on_round is not None:
                on_round(state)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    state.seconds = base_seconds + time.monotonic() - start
    return state, reason


def _polish_round(problem: Problem, state: SearchState, dps: int,
                  out_of_time: Callable[[], bool]) -> None:
    """mpmath polish after a round: re-evaluate up to POLISH_PER_ROUND new elites in mpmath
    and dilate them (a few evaluations each), then give the best one coordinate sweep
    (2T evaluations)."""
    todo = []
    for _, s, x in state.elites:
        key = np.round(np.concatenate([s, x - np.max(x)]), 9).tobytes()
        if key not in state.polished:
            todo.append((key, s, x))
        if len(todo) == POLISH_PER_ROUND:
            break
    for key, s, x in todo:
        if out_of_time():
            return
        state.polished.add(key)
        v, seq, s1, x1, n = polish(problem, [int(v) for v in s], [float(v) for v in x], dps,
                                   max_evals=12, should_stop=out_of_time, coordinate=False)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)
    if state.best.value is not None and not out_of_time():
        v, seq, s1, x1, n = polish(problem, state.best.s, state.best.x, dps,
                                   max_evals=2 * problem.steps + 8, should_stop=out_of_time)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)


def _offer(state: SearchState, value: Any, seq: list[str], s: list[int], x: list[Any]) -> None:
    if value is None or not mpmath.isfinite(value):
        return
    if state.best.value is None or value > state.best.value:
        state.best = Best(value, seq, list(s), list(x))


def fraction_of(value: Any, sup: Any, dps: int) -> str | None:
    """value / sup as a decimal string (None when sup is unknown, infinite or 0)."""
    if value is None or sup is None or not mpmath.isfinite(sup) or sup == 0:
        return None
    with mpmath.workdps(dps):
        return mp_str(value / sup, 30)


@contextlib.contextmanager
def sigint_flag():
    """Within the block, SIGINT sets a flag instead of raising; yields a callable reading it."""
    hit = {"flag": False}

    def handler(signum, frame):  # noqa: ARG001
        hit["flag"] = True

    old = signal.signal(signal.SIGINT, handler)
    try:
        yield lambda: hit["flag"]
    finally:
        signal.signal(signal.SIGINT, old)
