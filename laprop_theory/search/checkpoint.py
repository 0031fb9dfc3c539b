"""The ``--out`` file: the best-so-far of a search on disk, written atomically, and resumable.

Format (JSON)::

    {"format": "laprop-theory-search", "version": 1,
     "target": ..., "mu": "0.9", "nu": "0.999", "steps": 12, "options": {...},
     "seed": 0, "rounds": 7, "evaluations": 123456, "seconds": 12.3,
     "best_value": "1.23...", "sequence": ["..."],            # decimal strings
     "elites": [{"value": 1.2, "s": [...], "x": [...]}, ...], # float64 exploration pool
     "result": {...}}                                         # the last printed result

A file is written only through :func:`save` (temp file in the same folder, then
``os.replace``). :func:`load` validates everything it reads and raises
:class:`CheckpointError` on a corrupt file, on a file that is not ours, or on one for another
problem; the caller must then leave the file untouched.
"""

from __future__ import annotations

import json
import math
import os
from decimal import InvalidOperation
from fractions import Fraction
from typing import Any

import mpmath
import numpy as np

from ..files import write_text
from ..inputs import InputError, decimal_entry_ok, parse_real, quote
from .engine import Best, Problem, SearchState, encode_mp

FORMAT = "laprop-theory-search"
VERSION = 1


class CheckpointError(ValueError):
    """The --out file cannot be used (corrupt, foreign, or for another problem)."""


MAX_ENTRY_EXPONENT = 10**7
"""Largest |decimal exponent| of a stored sequence entry (LaProp's near-worst sequences grow
super-exponentially: e^-100000 is a legitimate entry at T = 10000; 1e-999999999 is not)."""


def _exact(text: Any) -> Fraction:
    """The exact value of a stored μ or ν: the command line's syntax (no huge exponents, so a
    file cannot make this hang), as a Fraction."""
    if not isinstance(text, str):
        raise ValueError("mu and nu are stored as decimal strings")
    try:
        return parse_real(text)
    except InputError as exc:
        raise ValueError(str(exc)) from None


def to_json(problem: Problem, state: SearchState, seed: int, result: dict[str, Any] | None,
            dps: int) -> dict[str, Any]:
    """The checkpoint document for ``state``."""
    from ..numerics import mp_str

    best = state.best
    return {
        "format": FORMAT, "version": VERSION,
        "target": problem.target_name, "mu": problem.mu, "nu": problem.nu,
        "steps": problem.steps, "options": dict(problem.options),
        "seed": seed, "rounds": state.rounds, "evaluations": state.evaluations,
        "seconds": round(state.seconds, 3),
        "best_value": None if best.value is None else mp_str(best.value, max(30, dps - 10)),
        "sequence": list(best.sequence),
        "elites": [{"value": v, "s": [int(a) for a in s], "x": [float(b) for b in x]}
                   for v, s, x in state.elites],
        "result": result,
    }


def save(path: str, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically (temp file in the same folder + os.replace)."""
    write_text(os.path.abspath(path), json.dumps(doc, indent=1) + "\n")


def load(path: str, problem: Problem, dps: int) -> tuple[SearchState, dict[str, Any]]:
    """Read and validate a checkpoint for ``problem``; returns (state to resume, document).

    Raises :class:`CheckpointError` (never modifies the file)."""
    try:
        with open(path, encoding="utf-8") as fh:
            doc = json.load(fh)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError,
            ValueError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else type(exc).__name__
        raise CheckpointError(f"{quote(path)} is not a readable search checkpoint "
                              f"({why})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise CheckpointError(f"{quote(path)} is not a laprop_theory search checkpoint; "
                              "refusing to overwrite it")
    if doc.get("version") != VERSION:
        raise CheckpointError(f"{quote(path)} has unsupported checkpoint version "
                              f"{quote(doc.get('version'))}")
    try:
        same = (doc["target"] == problem.target_name
                and _exact(doc["mu"]) == _exact(problem.mu)
                and _exact(doc["nu"]) == _exact(problem.nu)
                and int(doc["steps"]) == problem.steps
                and dict(doc.get("options") or {}) == dict(problem.options))
    except (KeyError, TypeError, ValueError, InvalidOperation, OverflowError):
        raise CheckpointError(f"{quote(path)} is a corrupt search checkpoint") from None
    if not same:
        raise CheckpointError(
            f"{quote(path)} belongs to another search (target={quote(doc.get('target'), 30)}, "
            f"mu={quote(doc.get('mu'), 30)}, nu={quote(doc.get('nu'), 30)}, "
            f"steps={quote(doc.get('steps'), 12)}); refusing to overwrite it")
    try:
        state = SearchState(rounds=_count(doc["rounds"]), evaluations=_count(doc["evaluations"]),
                            seconds=float(doc["seconds"]))
        if not math.isfinite(state.seconds) or state.seconds < 0:
            raise ValueError("seconds must be finite and >= 0")
        stored_seed = doc["seed"]
        if (isinstance(stored_seed, bool) or not isinstance(stored_seed, int)
                or not 0 <= stored_seed <= 2**32 - 1):
            raise ValueError("seed must be an integer in [0, 2^32 - 1]")
        seq = doc["sequence"]
        if not isinstance(seq, list) or (seq and len(seq) != problem.steps):
            raise ValueError("sequence length")
        if seq:
            for text in seq:
                if not decimal_entry_ok(text, MAX_ENTRY_EXPONENT):
                    raise ValueError("sequence entries must be decimal strings")
            if not decimal_entry_ok(doc["best_value"], 10**6):
                raise ValueError("best_value must be a decimal string")
            with mpmath.workdps(dps):
                value = problem.target.mp(seq, problem.mu, problem.nu, dps)
                stored = mpmath.mpf(doc["best_value"])
                if abs(value - stored) > abs(value) * mpmath.mpf(10) ** (-25) + \
                        mpmath.mpf(10) ** (-(dps - 5)):
                    raise ValueError("best_value does not match the sequence")
            s, x = encode_mp(seq, dps)
            state.best = Best(value, list(seq), s, x)
        for e in doc["elites"]:
            s_arr = np.array(e["s"], dtype=float)
            x_arr = np.array(e["x"], dtype=float)
            if s_arr.shape != (problem.steps,) or x_arr.shape != (problem.steps,):
                raise ValueError("elite shape")
            if not (np.all(np.isin(s_arr, (-1.0, 0.0, 1.0))) and np.all(np.isfinite(x_arr))):
                raise ValueError("elite values")
            state.elites.append((float(e["value"]), s_arr, x_arr))
    except (KeyError, TypeError, ValueError, InvalidOperation, ZeroDivisionError,
            OverflowError) as exc:
        why = quote(exc, 80) if isinstance(exc, ValueError) else type(exc).__name__
        raise CheckpointError(f"{quote(path)} is a corrupt search checkpoint ({why})") from None
    return state, doc


def _count(x: Any) -> int:
    """A stored counter: a non-negative int (not a bool, a float or a string)."""
    if isinstance(x, bool) or not isinstance(x, int) or x < 0:
        raise ValueError("counters must be non-negative integers")
    return x
