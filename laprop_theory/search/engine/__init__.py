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

The package: :mod:`.problem` (the problem, the state, exact decoding), :mod:`.tasks` (one
float64 task), :mod:`.polishing` (the mpmath polish) and :mod:`.loop` (:func:`search`). Every
name is re-exported here.
"""

from __future__ import annotations

from .loop import (
    MP_SECONDS_PER_STEP,
    RunLimits,
    evaluation_seconds,
    min_time_limit,
    search,
    sigint_flag,
)
from .polishing import polish
from .problem import (
    ELITES,
    POLISH_PER_ROUND,
    RATIO_FAMILIES,
    SIG_DIGITS,
    STOP_GAP,
    TASKS_PER_ROUND,
    X_MP_FLOOR,
    Best,
    Problem,
    SearchState,
    decode_mp,
    encode_mp,
    fraction_of,
    mp_value,
)

__all__ = ["ELITES", "MP_SECONDS_PER_STEP", "POLISH_PER_ROUND", "RATIO_FAMILIES", "SIG_DIGITS",
           "STOP_GAP", "TASKS_PER_ROUND", "X_MP_FLOOR", "Best", "Problem", "RunLimits",
           "SearchState", "decode_mp", "encode_mp", "evaluation_seconds", "fraction_of",
           "min_time_limit", "mp_value", "polish", "search", "sigint_flag"]
