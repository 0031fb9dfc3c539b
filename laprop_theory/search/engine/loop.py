"""The search loop (:func:`search`): rounds of tasks in a worker pool, the polish, the limits
(:class:`RunLimits`, :func:`min_time_limit`) and the interrupt flag (:func:`sigint_flag`)."""

from __future__ import annotations

import contextlib
import multiprocessing as mp_
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import mpmath

from ...numerics import DEFAULT_DPS
from .. import heuristics as S
from .polishing import _offer, _polish_round, polish
from .problem import (
    STOP_GAP,
    TASKS_PER_ROUND,
    Problem,
    SearchState,
    mp_value,
)
from .tasks import _merge_elites, _task


@dataclass
class RunLimits:
    """When to stop: a time limit (s), a number of rounds, an interrupt flag, or the supremum."""

    time_limit: float | None = 60.0
    rounds: int | None = None
    stop_at_supremum: bool = True


def _worker_init() -> None:
    """In a worker process: Ctrl-C and SIGTERM are the parent's business (it terminates the
    pool), and the parent's signal wake-up pipe is not ours to write to."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(ValueError):
        signal.set_wakeup_fd(-1)


def _pool(workers: int):
    if workers <= 1:
        return None
    ctx = mp_.get_context("fork")
    return ctx.Pool(workers, initializer=_worker_init)


MP_SECONDS_PER_STEP = 4e-4
"""Estimate of one reference (``MP``) evaluation at 50 digits, per step T, on the 2-core
machine this project is developed on (measured: 0.23 s at T = 1000, 1.6 s at T = 5000); it
grows like (digits/50)^1.5 above 50 digits. Used only to refuse, up front, time limits that
one evaluation would overrun (:func:`min_time_limit`): a fixed formula, so that the refusal
does not depend on the machine's load."""


def evaluation_seconds(steps: int, dps: int) -> float:
    """Estimated seconds of one reference evaluation of a length-``steps`` sequence."""
    return MP_SECONDS_PER_STEP * steps * max(1.0, dps / 50) ** 1.5


def min_time_limit(steps: int, dps: int) -> float:
    """The shortest time limit the search can honour to within 10%: the work between two
    checks of the clock is at most one exact evaluation, and the result needs one more."""
    return max(0.1, 10 * evaluation_seconds(steps, dps))


def search(problem: Problem, *, seed: int = 0, dps: int = DEFAULT_DPS, workers: int = 1,
           limits: RunLimits | None = None, state: SearchState | None = None,
           on_round: Callable[[SearchState], None] | None = None,
           interrupted: Callable[[], bool] = lambda: False) -> tuple[SearchState, str]:
    """Run (or resume, given ``state``) the search; returns (state, why it stopped): one of
    ``"rounds"``, ``"exact supremum reached"``, ``"limit"`` (the time limit) and
    ``"interrupted"``.

    ``on_round(state)`` is called after every round and once after the first candidate of a
    fresh run (checkpointing, progress);
    ``interrupted()`` is polled between tasks, inside them and inside the polish (Ctrl-C).
    With a time limit the loop keeps back the time the reported result needs (one reference
    evaluation, and a certification where the target has a bound, estimated from the first
    evaluation), so that the whole call ends within the limit to about 10%.
    """
    limits = limits or RunLimits()
    state = state or SearchState()
    target = problem.target
    start = time.monotonic()
    base_seconds = state.seconds
    deadline = None if limits.time_limit is None else start + limits.time_limit
    sup = target.exact_supremum(problem.mu, problem.nu, problem.steps, dps)
    finite_sup = sup is not None and mpmath.isfinite(sup) and sup > 0
    large = problem.steps > S.SMALL_T

    def out_of_time() -> bool:
        return interrupted() or (deadline is not None and time.monotonic() >= deadline)

    def good(value: Any) -> bool:
        if not (limits.stop_at_supremum and finite_sup and value is not None
                and mpmath.isfinite(value)):
            return False
        with mpmath.workdps(dps):
            return (sup - value) / sup <= STOP_GAP

    def reached() -> bool:
        return good(state.best.value)

    good_enough = good if large else None
    t_eval = time.monotonic()
    fresh = state.best.value is None
    if fresh:  # a first candidate, so that there is always a best
        v, seq, s1, x1, n = polish(problem, [1] * problem.steps, [0.0] * problem.steps, dps,
                                   max_evals=1, should_stop=lambda: False, coordinate=False)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)
    elif deadline is not None:  # a resumed best: time one evaluation the same way
        mp_value(problem, state.best.sequence, dps)
    one = time.monotonic() - t_eval
    if deadline is not None:  # keep back the reference evaluation (MP ≈ 2.5 MPV) and a
        reserve = 3 * one + (3 * one if target.arb_bound is not None else 0)  # certificate
        deadline = max(start + 0.5 * limits.time_limit, deadline - reserve)
    if fresh and on_round is not None:
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
                reason = "limit"
                break
            if limits.rounds is not None and rounds_run >= limits.rounds:
                reason = "rounds"
                break
            if reached():
                reason = "exact supremum reached"
                break
            rnd = state.rounds
            tasks = [(problem, seed, rnd, i, list(state.elites), deadline)
                     for i in range(TASKS_PER_ROUND)]
            if pool is None:
                results = []
                for t in tasks:
                    if out_of_time():
                        break
                    results.append(_task(t, out_of_time))
            else:
                async_res = pool.map_async(_task, tasks)
                while not async_res.ready():
                    async_res.wait(0.05)
                    if out_of_time():
                        break
                results = async_res.get() if async_res.ready() else []
            if len(results) < len(tasks) or not all(r[3] for r in results):
                # a round cut short is dropped whole (rounds stay deterministic)
                reason = "interrupted" if interrupted() else "limit"
                break
            seeds = []
            for found, n, fam, _ in results:
                state.evaluations += n
                state.elites = _merge_elites(state.elites, found)
                seeds += fam
            _polish_round(problem, state, dps, out_of_time, seeds, good_enough)
            state.rounds += 1
            rounds_run += 1
            state.seconds = base_seconds + time.monotonic() - start
            if on_round is not None:
                on_round(state)
    finally:
        if pool is not None:
            pool.terminate()
            pool.join()
    if reason == "limit" and reached():
        reason = "exact supremum reached"
    state.seconds = base_seconds + time.monotonic() - start
    return state, reason


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
