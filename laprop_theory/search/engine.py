"""The adversarial search loop: float64 exploration in rounds, mpmath polish, certification.

Round 0 screens the structured families (:func:`heuristics.structured_families`). Every later
round runs :data:`TASKS_PER_ROUND` independent tasks, each seeded by (seed, round, task): a
random screen (:func:`heuristics.random_candidates`) and a batched local search in log-space
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

Long horizons (T > :data:`heuristics.SMALL_T`): memory and time per batch grow linearly in T.
The structured families sample the positions of zero prefixes, spikes and growth phases
(a few thousand rows, evaluated in chunks of bounded size), the local search moves a random
subset of coordinates with an iteration budget that shrinks with T, and each task polls the
clock and the interrupt flag between batches. Round 0 also hands the best member of each
family with a ratio (:data:`RATIO_FAMILIES`; the task's best row with its ratio refined in
float64) to the mpmath polish, which revives a zero prefix, straightens a nearly geometric
sequence, dilates it and refines its ratio by a parabolic line search: Adam's supremum is
attained by a geometric sequence and LaProp's approached by ever faster growth, so a few dozen
exact evaluations reach both to 1e-30 where a coordinate sweep (2T evaluations of O(T) each)
would not. Every polish stage stops as soon as the exact supremum is reached. Up to SMALL_T
the search is unchanged (its batches only poll the clock and the interrupt flag).
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
from . import heuristics as S
from .targets import Target, get_target

SIG_DIGITS = 25
"""Significant digits of the reported (exact, decimal) candidate entries."""

TASKS_PER_ROUND = 4
RATIO_FAMILIES = ("geometric", "zeros-geometric", "super-exponential", "growth")
"""Structured families whose best member (per task, above :data:`heuristics.SMALL_T`) goes
to the mpmath polish: a float64 screen clips their small entries, mpmath does not."""
ELITES = 8
POLISH_PER_ROUND = 2
X_MP_FLOOR = -2_000_000
"""Lowest log-magnitude of a decoded entry (e^-2000000 ≈ 1e-868589): smaller ones change no
value at any precision the command line allows, and the checkpoint reader refuses exponents
beyond 10^7."""
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
    (s_k·exp(min(x_k, 0)) when the target is not scale-invariant), with exponents clipped at
    :data:`X_MP_FLOOR`."""
    with mpmath.workdps(dps):
        xs = [mpmath.mpf(v) for v in x]
        live = [v for v, sg in zip(xs, s, strict=True) if sg != 0]
        top = max(live) if (live and scale_invariant) else mpmath.mpf(0)
        out = []
        for sg, v in zip(s, xs, strict=True):
            if sg == 0:
                out.append("0")
            else:  # scale-invariant: largest entry 1; otherwise |g| <= 1
                out.append(mpmath.nstr(sg * mpmath.exp(max(min(v - top, 0), X_MP_FLOOR)),
                                       SIG_DIGITS, min_fixed=-4, max_fixed=6))
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


# ----------------------------------------------------------------------------- polish (mpmath)


def polish(problem: Problem, s: list[int], x: list[Any], dps: int, *, max_evals: int,
           should_stop: Callable[[], bool], coordinate: bool = True,
           line: bool = False, good_enough: Callable[[Any], bool] | None = None,
           ) -> tuple[Any, list[str], list[int], list[Any], int]:
    """Polish (s, x) in mpmath at ``dps`` digits: dilation about the largest entry (x ↦
    x_max + α(x − x_max), α = 2, 4, ...) while it improves, then (``line``) a parabolic line
    search along the tilt k − (T − 1) (the ratio of a geometric sequence: exact for Adam's
    attaining family), then coordinate search in log-space with per-coordinate steps that
    double on success and halve on failure. Stops early once ``good_enough(value)``.
    Returns (value, sequence, s, x, evaluations)."""
    target = problem.target
    inv = target.scale_invariant
    evals = 0

    def value_of(xv: list[Any], sv: list[int] | None = None) -> tuple[Any, list[str]]:
        nonlocal evals
        seq = decode_mp(s if sv is None else sv, xv, dps, inv)
        evals += 1
        try:
            v = mp_value(problem, seq, dps)
        except (ZeroDivisionError, ValueError, OverflowError):
            v = mpmath.mpf("-inf")
        return v, seq

    def done() -> bool:
        return (evals >= max_evals or should_stop()
                or (good_enough is not None and good_enough(best)))

    with mpmath.workdps(dps):
        x = [mpmath.mpf(v) for v in x]
        s = list(s)
        best, seq = value_of(x)
        live = [i for i, sg in enumerate(s) if sg != 0]
        if line and len(live) >= 2 and live[0] > 0 and not done():
            # revive a zero prefix, continuing the first live entries' ratio backwards (a
            # float64 screen cannot tell a zero from a term 1e-300 times smaller; mpmath can)
            a, b = live[0], live[1]
            slope = (x[b] - x[a]) / (b - a)
            st_ = [s[a]] * a + s[a:]
            xt = [x[a] - slope * (a - k) for k in range(a)] + x[a:]
            vt, sq = value_of(xt, st_)
            if vt > best:
                best, seq, x, s = vt, sq, xt, st_
        live = [i for i, sg in enumerate(s) if sg != 0]
        if line and len(live) >= 3 and not done():
            # straighten a nearly geometric sequence: float64 leaves rounding noise of
            # ~1e-16·|x_k| on x_k = r·k, worth ~1e-30 of the value at T = 1000, which no
            # move along the ratio removes. The straight line may have a slightly worse ratio
            # (the line search below fixes it): accept it unless it costs more than 1e-12.
            a, b = live[0], live[-1]
            slope = (x[b] - x[a]) / (b - a)
            xt = [x[a] + slope * (k - a) for k in range(len(x))]
            if max(abs(xt[i] - x[i]) for i in live) <= mpmath.mpf("1e-6"):
                vt, sq = value_of(xt)
                if mpmath.isfinite(best) and vt >= best - abs(best) * mpmath.mpf("1e-12"):
                    best, seq, x = vt, sq, xt
        if inv and any(sg != 0 for sg in s):
            top = max(v for v, sg in zip(x, s, strict=True) if sg != 0)
            alpha = mpmath.mpf(2)
            while not done():
                xt = [top + alpha * (v - top) for v in x]
                vt, st = value_of(xt)
                if vt > best:
                    best, seq, x = vt, st, xt
                else:
                    break
        if line and any(sg != 0 for sg in s):
            T = len(x)
            d = [mpmath.mpf(k - (T - 1)) / T for k in range(T)]
            h = mpmath.mpf(1) / 16
            sign = 1
            floor = mpmath.mpf(10) ** (-(dps // 2))
            while not done() and h > floor:
                xp = [a + sign * h * b for a, b in zip(x, d, strict=True)]
                fp, sp_ = value_of(xp)
                if fp > best:  # the maximum lies beyond: move on and widen
                    best, seq, x = fp, sp_, xp
                    h *= 2
                    continue
                if done():
                    break
                xm = [a - sign * h * b for a, b in zip(x, d, strict=True)]
                fm, sm = value_of(xm)
                if fm > best:
                    best, seq, x = fm, sm, xm
                    sign, h = -sign, h * 2
                    continue
                # bracketed: step to the vertex of the parabola, then narrow
                curv = fp - 2 * best + fm
                if curv < 0 and mpmath.isfinite(curv) and not done():
                    tau = sign * h * (fm - fp) / (2 * curv)
                    xt = [a + tau * b for a, b in zip(x, d, strict=True)]
                    vt, st = value_of(xt)
                    if vt > best:
                        best, seq, x = vt, st, xt
                h /= 1000
        steps = [mpmath.mpf("0.5")] * len(x)
        live = [i for i, sg in enumerate(s) if sg != 0]
        while coordinate and live and not done():
            improved = False
            for i in live:
                if done():
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


def _polish_round(problem: Problem, state: SearchState, dps: int,
                  out_of_time: Callable[[], bool], seeds: list | None = None,
                  good_enough: Callable[[Any], bool] | None = None) -> None:
    """mpmath polish after a round: first (above :data:`heuristics.SMALL_T`, round 0) the
    family seeds -- pure structured rows, best first -- with dilation and the line search
    along the ratio; then re-evaluate up to POLISH_PER_ROUND new elites in mpmath and dilate
    them (a few evaluations each; plus the line search above SMALL_T), then give the best
    one coordinate sweep (2T evaluations). Above SMALL_T every stage stops as soon as the
    exact supremum is reached to :data:`STOP_GAP`."""
    large = good_enough is not None

    def reached() -> bool:
        return large and good_enough(state.best.value)

    for _, s, x in sorted(seeds or [], key=lambda e: -e[0] if math.isfinite(e[0]) else math.inf):
        if out_of_time() or reached():
            return
        v, seq, s1, x1, n = polish(problem, [int(v) for v in s], [float(v) for v in x], dps,
                                   max_evals=40, should_stop=out_of_time, coordinate=False,
                                   line=True, good_enough=good_enough)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)
    todo = []
    for _, s, x in state.elites:
        key = np.round(np.concatenate([s, x - np.max(x)]), 9).tobytes()
        if key not in state.polished:
            todo.append((key, s, x))
        if len(todo) == POLISH_PER_ROUND:
            break
    for key, s, x in todo:
        if out_of_time() or reached():
            return
        state.polished.add(key)
        v, seq, s1, x1, n = polish(problem, [int(v) for v in s], [float(v) for v in x], dps,
                                   max_evals=30 if large else 12, should_stop=out_of_time,
                                   coordinate=False, line=large, good_enough=good_enough)
        state.evaluations += n
        _offer(state, v, seq, s1, x1)
    if state.best.value is not None and not out_of_time() and not reached():
        v, seq, s1, x1, n = polish(problem, state.best.s, state.best.x, dps,
                                   max_evals=2 * problem.steps + 8 + (40 if large else 0),
                                   should_stop=out_of_time, line=large,
                                   good_enough=good_enough)
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
