"""The mpmath polish of a candidate (:func:`polish`: dilation, coordinate search, the line
search along a ratio) and the polish after each round."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import mpmath
import numpy as np

from .problem import POLISH_PER_ROUND, Best, Problem, SearchState, decode_mp, mp_value


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
